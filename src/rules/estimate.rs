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
    pub fn add(&self, o: &Amounts) -> Result<Amounts, Error> {
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
    estimate_of(&case.person, &case.visits, policy)
}

/// [`estimate`] for a person and their visits held apart from a [`Case`] (see [`amounts_of`]).
pub fn estimate_of<'p>(person: &Person, visits: &[Visit], policy: &'p Policy) -> Result<Estimate<'p>, Error> {
    let (settled, warnings) = settle_all(person, visits, policy, true)?;
    let mut visits: Vec<VisitResult> = settled
        .into_iter()
        .zip(visits)
        .map(|((amounts, steps), v)| VisitResult { kind: v.kind.id(), level: v.level.clone(), date: v.date.to_string(), amounts, steps })
        .collect();
    settle_pointers(policy, &mut visits);
    let mut totals = Amounts::default();
    for v in &visits {
        totals = totals.add(&v.amounts)?;
    }
    Ok(Estimate { policy: PolicySummary::of(policy), visits, totals, warnings, pack: policy })
}

/// The amounts of each visit, in input order, without explanation steps or warnings: what
/// [`estimate`] gives for them, to the fen (the same code computes both; only the texts are
/// skipped), for callers that read amounts only, such as `yibao batch` over millions of visits.
/// The same checks are made and the same errors returned.
pub fn amounts(case: &Case, policy: &Policy) -> Result<Vec<Amounts>, Error> {
    amounts_of(&case.person, &case.visits, policy)
}

/// [`amounts`] for a person and their visits held apart from a [`Case`] (a batch keeps a
/// person's visits in one slice of all the visits it read, and lends them without a copy).
pub fn amounts_of(person: &Person, visits: &[Visit], policy: &Policy) -> Result<Vec<Amounts>, Error> {
    let (settled, _) = settle_all(person, visits, policy, false)?;
    Ok(settled.into_iter().map(|(a, _)| a).collect())
}

/// Each visit's amounts and, when `explain`, its steps (in input order), and the warnings.
#[allow(clippy::type_complexity)]
fn settle_all(person: &Person, visits: &[Visit], policy: &Policy, explain: bool) -> Result<(Vec<(Amounts, Vec<Step>)>, Vec<Warning>), Error> {
    check_against_policy(person, visits, policy)?;

    // Date order; input order breaks ties.
    let n = visits.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by_key(|&i| (visits[i].date, i));
    let first_year = order.first().map(|&i| visits[i].date.year());

    let mut years: BTreeMap<u16, YearState> = BTreeMap::new();
    let mut results: Vec<(Amounts, Vec<Step>)> = vec![(Amounts::default(), Vec::new()); n];
    // Warnings are kept per visit so they come out in input order without a second sort.
    let mut warnings: Vec<Vec<Warning>> = if explain { vec![Vec::new(); n] } else { Vec::new() };
    for i in order {
        let visit = &visits[i];
        let year = visit.date.year();
        let state = years.entry(year).or_insert_with(|| {
            if Some(year) == first_year {
                YearState::seeded(&person.year_to_date)
            } else {
                YearState::default()
            }
        });
        let (amounts, steps) = &mut results[i];
        *amounts = settle(policy, person, visit, i, state, explain.then_some(steps), warnings.get_mut(i))?;
    }
    Ok((results, warnings.into_iter().flatten().collect()))
}

/// One visit through the three schemes; its steps into `steps` and its warnings into `warnings`
/// when they are given.
fn settle(
    policy: &Policy,
    person: &Person,
    visit: &Visit,
    index: usize,
    year: &mut YearState,
    mut steps: Option<&mut Vec<Step>>,
    mut warnings: Option<&mut Vec<Warning>>,
) -> Result<Amounts, Error> {
    let s: Split = split(visit, policy.estimation.default_in_scope_share, index)?;
    if let (true, Some(warnings)) = (s.estimated, warnings.as_deref_mut()) {
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
    let basic = basic::pay(policy, visit, index, e, year, steps.as_deref_mut(), warnings)?;
    let critical = critical_illness::pay(&policy.critical_illness, person, visit, e, basic, year, steps.as_deref_mut())?;
    let after_insurance = e.sub(basic)?.sub(critical)?;
    let assistance = medical_assistance::pay(policy.medical_assistance.as_ref(), person, visit, after_insurance, year, steps)?;

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
    Ok(Amounts {
        total: s.total,
        out_of_catalog: s.out_of_catalog,
        class_b_self_pay: s.class_b_self_pay,
        in_scope: e,
        basic,
        critical_illness: critical,
        medical_assistance: assistance,
        reimbursed,
        out_of_pocket: s.total.sub(reimbursed)?,
    })
}

/// Checks the parts of a case that depend on the pack: dates in its period, conditions it knows.
fn check_against_policy(person: &Person, visits: &[Visit], policy: &Policy) -> Result<(), Error> {
    for (j, c) in person.conditions.iter().enumerate() {
        if !policy.knows_condition(c) {
            return Err(Error::new(
                "invalid_value",
                format!("person.conditions[{j}]"),
                format_args!("未知的慢特病病种“{c}”，可选：{}", policy.conditions_zh()),
                format_args!("unknown condition \"{c}\""),
            ));
        }
    }
    for (id, _) in &person.year_to_date.assistance_layers {
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
    for (i, v) in visits.iter().enumerate() {
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
        if !person.conditions.iter().any(|c| c == condition) {
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
