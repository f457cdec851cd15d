//! The estimate: each visit through the schemes in the order of "一站式" settlement (basic →
//! 大病 → 救助), the year's accumulators carried in date order, and the result in the contract's
//! shape (contract.md, "Output: an estimate").

use super::split::{split, Split};
use super::year::YearState;
use super::{basic, critical_illness, medical_assistance};
use crate::case::{Case, Person, Visit};
use crate::error::Error;
use crate::explain::{yuan, Name, Step, Warning};
use crate::money::Money;
use crate::policy::{Policy, PolicySummary};
use crate::vocabulary::{Kind, Vocabulary, TWO_DISEASES};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// An estimate borrows the policy it was made under: parameter values and sources are shown
/// as they stand in the pack, without copying them for every estimate. Its serialized form,
/// `report::Output` (a layer above the rules), is the contract's (contract.md, "Output").
#[derive(Clone, Debug)]
pub struct Estimate<'p> {
    pub policy: PolicySummary<'p>,
    pub visits: Vec<VisitResult>,
    pub totals: Amounts,
    pub warnings: Vec<Warning>,
    /// The pack itself, for the parameters and sources a report may add.
    pub pack: &'p Policy,
}

/// The amounts of a visit, or of all visits together.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Amounts {
    pub total: Money,
    pub out_of_catalog: Money,
    pub class_b_self_pay: Money,
    pub in_scope: Money,
    pub basic: Money,
    pub critical_illness: Money,
    pub medical_assistance: Money,
    pub reimbursed: Money,
    pub out_of_pocket: Money,
}

impl Amounts {
    fn add(&self, o: &Amounts) -> Result<Amounts, Error> {
        Ok(Amounts {
            total: self.total.add(o.total)?,
            out_of_catalog: self.out_of_catalog.add(o.out_of_catalog)?,
            class_b_self_pay: self.class_b_self_pay.add(o.class_b_self_pay)?,
            in_scope: self.in_scope.add(o.in_scope)?,
            basic: self.basic.add(o.basic)?,
            critical_illness: self.critical_illness.add(o.critical_illness)?,
            medical_assistance: self.medical_assistance.add(o.medical_assistance)?,
            reimbursed: self.reimbursed.add(o.reimbursed)?,
            out_of_pocket: self.out_of_pocket.add(o.out_of_pocket)?,
        })
    }
}

#[derive(Clone, Debug)]
pub struct VisitResult {
    pub kind: &'static str,
    pub level: String,
    pub date: String,
    pub amounts: Amounts,
    pub steps: Vec<Step>,
}

/// A visit's amounts sit beside its kind, level and date, then its steps: one flat object, as
/// the contract has it. Written out rather than `#[serde(flatten)]`, which goes through a map
/// with keys made at run time (slower to build as a JavaScript object).
impl Serialize for VisitResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = &self.amounts;
        let mut v = s.serialize_struct("VisitResult", 13)?;
        v.serialize_field("kind", &Name(self.kind))?;
        v.serialize_field("level", &self.level)?;
        v.serialize_field("date", &self.date)?;
        v.serialize_field("total", &a.total)?;
        v.serialize_field("out_of_catalog", &a.out_of_catalog)?;
        v.serialize_field("class_b_self_pay", &a.class_b_self_pay)?;
        v.serialize_field("in_scope", &a.in_scope)?;
        v.serialize_field("basic", &a.basic)?;
        v.serialize_field("critical_illness", &a.critical_illness)?;
        v.serialize_field("medical_assistance", &a.medical_assistance)?;
        v.serialize_field("reimbursed", &a.reimbursed)?;
        v.serialize_field("out_of_pocket", &a.out_of_pocket)?;
        v.serialize_field("steps", &self.steps)?;
        v.end()
    }
}

/// Estimates `case` under `policy` (the pack is already chosen by the caller).
pub fn estimate<'p>(case: &Case, policy: &'p Policy) -> Result<Estimate<'p>, Error> {
    check_against_policy(case, policy)?;

    // Date order; input order breaks ties.
    let n = case.visits.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by_key(|&i| (case.visits[i].date, i));
    let first_year = order.first().map(|&i| case.visits[i].date.year());

    let mut years: BTreeMap<u16, YearState> = BTreeMap::new();
    let mut results: Vec<Option<VisitResult>> = vec![None; n];
    // Warnings are kept per visit so they come out in input order without a second sort.
    let mut warnings: Vec<Vec<Warning>> = vec![Vec::new(); n];
    for i in order {
        let visit = &case.visits[i];
        let year = visit.date.year();
        let state = years.entry(year).or_insert_with(|| {
            if Some(year) == first_year {
                YearState::seeded(&case.person.year_to_date)
            } else {
                YearState::default()
            }
        });
        results[i] = Some(settle(policy, &case.person, visit, i, state, &mut warnings[i])?);
    }
    let warnings: Vec<Warning> = warnings.into_iter().flatten().collect();

    let mut visits: Vec<VisitResult> = results.into_iter().flatten().collect();
    settle_pointers(policy, &mut visits);
    let mut totals = Amounts::default();
    for v in &visits {
        totals = totals.add(&v.amounts)?;
    }
    Ok(Estimate { policy: PolicySummary::of(policy), visits, totals, warnings, pack: policy })
}

/// One visit through the three schemes.
fn settle(policy: &Policy, person: &Person, visit: &Visit, index: usize, year: &mut YearState, warnings: &mut Vec<Warning>) -> Result<VisitResult, Error> {
    let s: Split = split(visit, policy.estimation.default_in_scope_share, index)?;
    if s.estimated {
        warnings.push(Warning {
            code: "estimated_split",
            visit: index,
            text: format!(
                "第 {} 次就诊没有填写全自费和乙类先行自付，按政策范围内费用约占总费用的 {} 估算：政策范围内 {}，其余 {}按自费计。按结算单填写可得到更准确的结果。",
                index + 1,
                policy.estimation.default_in_scope_share.percent(),
                yuan(s.in_scope),
                yuan(s.out_of_catalog)
            ),
        });
    }
    let e = s.in_scope;
    let mut steps = Vec::new();
    let basic = basic::pay(policy, visit, index, e, year, &mut steps, warnings)?;
    let critical = critical_illness::pay(&policy.critical_illness, person, visit, e, basic, year, &mut steps)?;
    let after_insurance = e.sub(basic)?.sub(critical)?;
    let assistance = medical_assistance::pay(policy.medical_assistance.as_ref(), person, visit, after_insurance, year, &mut steps)?;

    // The guard (甘政办发〔2018〕72号: 报销补偿总额不得超过参保患者合规医疗总费用). The rules
    // guarantee it; a breach is a defect in this engine, reported rather than shown as money.
    let reimbursed = basic.add(critical)?.add(assistance)?;
    if reimbursed > e {
        return Err(Error::new(
            "internal_guard",
            format!("visits[{index}]"),
            "测算结果超过了政策范围内费用，这是计算程序的缺陷，请联系维护人员",
            "reimbursement exceeds the in-scope cost: an engine defect, please report it",
        ));
    }
    Ok(VisitResult {
        kind: visit.kind.id(),
        level: visit.level.clone(),
        date: visit.date.to_string(),
        amounts: Amounts {
            total: s.total,
            out_of_catalog: s.out_of_catalog,
            class_b_self_pay: s.class_b_self_pay,
            in_scope: e,
            basic,
            critical_illness: critical,
            medical_assistance: assistance,
            reimbursed,
            out_of_pocket: s.total.sub(reimbursed)?,
        },
        steps,
    })
}

/// Checks the parts of a case that depend on the pack: dates in its period, conditions it knows.
fn check_against_policy(case: &Case, policy: &Policy) -> Result<(), Error> {
    for (j, c) in case.person.conditions.iter().enumerate() {
        if !policy.knows_condition(c) {
            return Err(Error::new(
                "invalid_value",
                format!("person.conditions[{j}]"),
                format_args!("未知的慢特病病种“{c}”，可选：{}", policy.conditions_zh()),
                format_args!("unknown condition \"{c}\""),
            ));
        }
    }
    for (id, _) in &case.person.year_to_date.assistance_layers {
        let layers = policy.medical_assistance.as_ref().map(|m| m.layers.as_slice()).unwrap_or_default();
        if !layers.iter().any(|l| &l.id == id) {
            let names = layers.iter().map(|l| format!("{}（{}）", l.id, l.name)).collect::<Vec<_>>().join("、");
            return Err(Error::new(
                "invalid_value",
                format!("person.year_to_date.assistance_layers.{id}"),
                format_args!("本政策没有名为“{id}”的医疗救助层次，本政策的层次：{}", if names.is_empty() { "无" } else { &names }),
                format_args!("this policy has no assistance layer \"{id}\""),
            ));
        }
    }
    for (i, v) in case.visits.iter().enumerate() {
        // Levels are the pack's own (policy-format.md §1), so they are checked against it.
        let levels = &policy.levels;
        let declared = |field: &str, id: &str| {
            levels.get(id).map(|l| l.rank).ok_or_else(|| {
                Error::new(
                    "unknown_level",
                    format!("visits[{i}].{field}"),
                    format_args!("未知的医疗机构级别“{id}”，本政策的医疗机构级别：{}", levels.allowed_zh()),
                    format_args!("unknown hospital level \"{id}\"; this policy's levels: {}", levels.allowed_en()),
                )
            })
        };
        let rank = declared("level", &v.level)?;
        if let Some(from) = v.referred_from.as_deref() {
            if declared("referred_from", from)? >= rank {
                return Err(Error::new(
                    "invalid_referral",
                    format!("visits[{i}].referred_from"),
                    format_args!("上转应从较低级别转入较高级别：{} 不低于 {}", levels.name(from), levels.name(&v.level)),
                    format_args!("an upward referral goes from a lower level: {from} is not below {}", v.level),
                ));
            }
        }
        if !policy.effective.contains(v.date) {
            return Err(Error::new(
                "date_outside_policy",
                format!("visits[{i}].date"),
                format_args!("就诊日期 {} 不在政策“{}”的执行期（{}）内", v.date, policy.name, policy.effective.zh()),
                format_args!("date {} is outside the effective period of policy {}", v.date, policy.id),
            ));
        }
        let Some(condition) = v.condition.as_deref() else { continue };
        let at = format!("visits[{i}].condition");
        match v.kind {
            Kind::ChronicOutpatient => {
                let listed = policy.basic.chronic_outpatient.as_ref().is_some_and(|c| c.conditions.iter().any(|k| k == condition));
                if !listed {
                    return Err(Error::new(
                        "condition_not_covered",
                        at,
                        format_args!("“{}”不在本地门诊慢特病病种范围内", policy.condition_name(condition)),
                        format_args!("condition \"{condition}\" is not a chronic-outpatient condition of this policy"),
                    ));
                }
            }
            Kind::TwoDiseasesOutpatient if !TWO_DISEASES.contains(&condition) => {
                return Err(Error::new(
                    "invalid_value",
                    at,
                    format_args!("“两病”门诊用药只包括高血压（hypertension）和糖尿病（diabetes），不包括“{}”", policy.condition_name(condition)),
                    format_args!("two_diseases_outpatient covers only hypertension and diabetes, not \"{condition}\""),
                ));
            }
            _ => {}
        }
        if !case.person.conditions.iter().any(|c| c == condition) {
            return Err(Error::new(
                "condition_not_held",
                at,
                format_args!("参保人没有登记“{}”，请先在参保人信息的慢特病中勾选", policy.condition_name(condition)),
                format_args!("the person does not have condition \"{condition}\" (add it to person.conditions)"),
            ));
        }
    }
    Ok(())
}

/// Makes every step name a part of the pack. A step names the parameter a rule read; where the
/// pack leaves it out (a cap that is absent means "no cap"), the step is made to name the nearest
/// part of the pack that is there, so every parameter shown has a value behind it.
fn settle_pointers(policy: &Policy, visits: &mut [VisitResult]) {
    for pointer in visits.iter_mut().flat_map(|v| &mut v.steps).flat_map(|s| &mut s.params) {
        let len = present_len(policy, pointer);
        if len < pointer.len() {
            pointer.truncate(len);
        }
    }
}

/// The length of the longest pointer at or above `pointer` that the pack has (0, the whole pack,
/// at worst).
fn present_len(policy: &Policy, pointer: &str) -> usize {
    let mut at = pointer;
    while !policy.has(at) {
        match at.bytes().rposition(|b| b == b'/') {
            Some(i) => at = at.get(..i).unwrap_or_default(),
            None => return 0,
        }
    }
    at.len()
}
