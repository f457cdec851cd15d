//! rules.md §3 and v2 §3: 医疗救助. For the categories a pack lists, it pays from what is left
//! after basic and 大病 (政策范围内个人负担), after the category's annual deductible, up to its
//! annual cap; layer after layer (大额医疗救助, then 倾斜救助 …), each from what the one before
//! left, with its own deductible and cap. A /1 pack's categories are one layer, 医疗救助.

use crate::case::{Person, Spent, Visit};
use crate::error::Error;
use crate::explain::{yuan, Scheme, Step, Steps};
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
    steps: Option<&mut Vec<Step>>,
) -> Result<Money, Error> {
    let mut steps = Steps::new(Scheme::MedicalAssistance, steps);
    let category = person.category;
    let Some(ma) = ma else {
        return Ok(steps.pays_nothing("medical_assistance.not_in_policy", || "本政策包没有设置医疗救助，医疗救助按 0 计".into(), Vec::new));
    };
    if !ma.layers.iter().any(|l| l.categories.contains_key(&category)) {
        let text = || format!("{}不属于本地医疗救助对象，医疗救助不支付", category.zh());
        return Ok(steps.pays_nothing("medical_assistance.not_eligible", text, || vec!["/medical_assistance/layers".into()]));
    }
    if !ma.layers.iter().any(|l| l.categories.contains_key(&category) && l.covers.contains(&visit.kind)) {
        let text = || format!("{}不在医疗救助支付范围内", visit.kind.zh());
        return Ok(steps.pays_nothing("medical_assistance.not_covered", text, || vec!["/medical_assistance/covers".into()]));
    }
    let mut left = remaining;
    let mut total = Money::ZERO;
    for (i, layer) in ma.layers.iter().enumerate() {
        let Some(a) = layer.categories.get(&category) else { continue };
        if !layer.covers.contains(&visit.kind) {
            continue;
        }
        let at = match year.assistance.iter().position(|(id, _)| *id == layer.id) {
            Some(at) => at,
            None => {
                year.assistance.push((layer.id.clone(), Spent::default()));
                year.assistance.len() - 1
            }
        };
        let spent = &mut year.assistance[at].1;
        if i == 0 {
            let first = std::mem::take(&mut year.assistance_first);
            spent.paid = spent.paid.add(first.paid)?;
            spent.deductible_used = spent.deductible_used.add(first.deductible_used)?;
        }
        let p = || format!("/medical_assistance/layers/{i}/categories/{}", category.id());
        let ded = annual_deductible(&mut steps, "medical_assistance.deductible", || format!("{}{}年度起付线", category.zh(), layer.name), left, a.annual_deductible, &mut spent.deductible_used, || format!("{}/annual_deductible", p()))?;
        let base = left.sub(ded)?;
        let base_text = || {
            let after = if i == 0 { "基本医保和大病保险报销后" } else { "经前一层医疗救助后" };
            let burden = if ded.is_zero() { format!(" {}", yuan(base)) } else { format!("扣除起付线后的 {}", yuan(base)) };
            // One layer reads as v1 did; with several, each step says which layer it is.
            if ma.layers.len() > 1 { format!("{}：{}{after}，政策范围内个人负担{burden}", layer.name, category.zh()) } else { format!("{}：{after}，政策范围内个人负担{burden}", category.zh()) }
        };
        let paid = at_rate(&mut steps, "medical_assistance.rate", base_text, base, a.rate, || format!("{}/rate", p()))?;
        let paid = limit(&mut steps, "medical_assistance.annual_cap", || format!("{}年度最高救助限额", layer.name), paid, a.annual_cap, spent.paid, || format!("{}/annual_cap", p()))?;
        spent.paid = spent.paid.add(paid)?;
        left = left.sub(paid)?;
        total = total.add(paid)?;
    }
    Ok(total)
}
