//! rules.md §3: 医疗救助. For the categories a pack lists, it pays from what is left after basic
//! and 大病 (政策范围内个人负担), after the category's annual deductible, up to its annual cap.

use crate::case::{Person, Visit};
use crate::error::Error;
use crate::explain::{yuan, Effect, Scheme, Step, Steps};
use crate::money::Money;
use super::payment::{annual_deductible, at_rate, limit};
use crate::policy::MedicalAssistance;
use crate::vocabulary::Vocabulary;
use super::year::YearState;

pub fn pay(
    ma: Option<&MedicalAssistance>,
    person: &Person,
    visit: &Visit,
    remaining: Money,
    year: &mut YearState,
    steps: &mut Vec<Step>,
) -> Result<Money, Error> {
    let mut steps = Steps { scheme: Scheme::MedicalAssistance, out: steps };
    let category = person.category;
    let Some(ma) = ma else {
        steps.push(
            "medical_assistance.not_in_policy",
            Effect::Info,
            Money::ZERO,
            "本政策包没有设置医疗救助，医疗救助按 0 计".into(),
            Vec::new(),
        );
        return Ok(Money::ZERO);
    };
    let Some(a) = ma.categories.get(&category) else {
        steps.push(
            "medical_assistance.not_eligible",
            Effect::Info,
            Money::ZERO,
            format!("{}不属于本地医疗救助对象，医疗救助不支付", category.zh()),
            vec!["/medical_assistance/categories".into()],
        );
        return Ok(Money::ZERO);
    };
    if !ma.covers.contains(&visit.kind) {
        steps.push(
            "medical_assistance.not_covered",
            Effect::Info,
            Money::ZERO,
            format!("{}不在医疗救助支付范围内", visit.kind.zh()),
            vec!["/medical_assistance/covers".into()],
        );
        return Ok(Money::ZERO);
    }
    let p = format!("/medical_assistance/categories/{}", category.id());
    let ded = annual_deductible(&mut steps, "medical_assistance.deductible", &format!("{}医疗救助年度起付线", category.zh()), remaining, a.annual_deductible, &mut year.assistance_deductible_used, format!("{p}/annual_deductible"))?;
    let base = remaining.sub(ded)?;
    let base_text = format!("{}：基本医保和大病保险报销后，政策范围内个人负担{}", category.zh(), if ded.is_zero() { format!(" {}", yuan(base)) } else { format!("扣除起付线后的 {}", yuan(base)) });
    let paid = at_rate(&mut steps, "medical_assistance.rate", &base_text, base, a.rate, format!("{p}/rate"))?;
    let paid = limit(&mut steps, "medical_assistance.annual_cap", "医疗救助年度最高救助限额", paid, a.annual_cap, year.assistance_paid, format!("{p}/annual_cap"))?;
    year.assistance_paid = year.assistance_paid.add(paid)?;
    Ok(paid)
}
