//! The year's accumulators. Benefits accumulate per natural year (自然年度) by the visit's date;
//! a new year starts every accumulator afresh, and `year_to_date` seeds the earliest year.

use crate::case::YearToDate;
use crate::money::Money;
use indexmap::IndexMap;

#[derive(Clone, Debug, Default)]
pub struct YearState {
    /// 基本医保 paid for inpatient-like visits (shared `basic.inpatient.annual_cap`).
    pub basic_inpatient_paid: Money,
    pub general_outpatient_deductible_used: Money,
    pub general_outpatient_paid: Money,
    pub chronic_deductible_used: Money,
    pub chronic_paid: Money,
    pub chronic_paid_by_condition: IndexMap<String, Money>,
    pub two_diseases_deductible_used: Money,
    pub two_diseases_paid_by_condition: IndexMap<String, Money>,
    /// C: the year's 合规自付 counted by 大病保险 so far.
    pub critical_compliant: Money,
    pub critical_paid: Money,
    pub critical_accident_paid: Money,
    pub assistance_deductible_used: Money,
    pub assistance_paid: Money,
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
            assistance_paid: ytd.assistance_paid,
            general_outpatient_deductible_used: ytd.general_outpatient_deductible_paid,
            chronic_deductible_used: ytd.chronic_deductible_paid,
            assistance_deductible_used: ytd.assistance_deductible_paid,
            admissions: ytd.inpatient_admissions,
            ..YearState::default()
        }
    }
}
