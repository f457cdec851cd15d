//! The year's accumulators. Benefits accumulate per natural year (自然年度) by the visit's date;
//! a new year starts every accumulator afresh, and `year_to_date` seeds the earliest year.

use crate::case::{Spent, YearToDate};
use crate::money::Money;
use crate::ids::IdMap;

#[derive(Clone, Debug, Default)]
pub struct YearState {
    /// 基本医保 paid for inpatient-like visits (shared `basic.inpatient.annual_cap`).
    pub basic_inpatient_paid: Money,
    pub general_outpatient_deductible_used: Money,
    pub general_outpatient_paid: Money,
    pub chronic_deductible_used: Money,
    pub chronic_paid: Money,
    pub chronic_paid_by_condition: IdMap<String, Money>,
    pub two_diseases_deductible_used: Money,
    pub two_diseases_paid_by_condition: IdMap<String, Money>,
    /// C: the year's 合规自付 counted by 大病保险 so far.
    pub critical_compliant: Money,
    pub critical_paid: Money,
    pub critical_accident_paid: Money,
    /// 医疗救助 by layer id (rules.md v2 §3).
    pub assistance: Vec<(String, Spent)>,
    /// `year_to_date.assistance_paid` / `assistance_deductible_paid`: the first layer's, added to
    /// it when the year's first assistance is computed.
    pub assistance_first: Spent,
    /// Per-condition yearly deductibles of 门诊慢特病 `condition_rules`.
    pub chronic_deductible_by_condition: IdMap<String, Money>,
    /// Inpatient admissions counted so far this year (rules.md v2 §1).
    pub admissions: u32,
}

impl YearState {
    pub fn seeded(ytd: &YearToDate) -> YearState {
        YearState {
            basic_inpatient_paid: ytd.basic_inpatient_paid,
            general_outpatient_paid: ytd.general_outpatient_paid,
            critical_compliant: ytd.critical_compliant,
            critical_paid: ytd.critical_paid,
            assistance_first: Spent { paid: ytd.assistance_paid, deductible_used: ytd.assistance_deductible_paid },
            assistance: ytd.assistance_layers.clone(),
            general_outpatient_deductible_used: ytd.general_outpatient_deductible_paid,
            chronic_deductible_used: ytd.chronic_deductible_paid,
            admissions: ytd.inpatient_admissions,
            ..YearState::default()
        }
    }
}
