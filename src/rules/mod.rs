//! The rules (rules.md), named as the policy names the schemes: the split of a bill (§0),
//! 基本医保 (§1), 大病保险 (§2), 医疗救助 (§3), the moves they share (deductible, rate, cap),
//! the year's accumulators, and the estimate that runs a case's visits through them in date
//! order. Pure: no I/O, no JSON text, no JavaScript.

pub mod basic;
pub mod critical_illness;
pub mod estimate;
pub mod medical_assistance;
pub mod payment;
pub mod split;
pub mod year;
