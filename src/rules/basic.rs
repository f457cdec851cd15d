//! rules.md §1: 基本医保. Inpatient-like visits (住院, 日间手术, 意外伤害住院) pay from the
//! level's deductible and rate, adjusted for day surgery, referral and TCM; the outpatient kinds
//! each have their own annual deductible, rate and caps.

use crate::ids::IdMap;
use crate::case::Visit;
use crate::error::Error;
use crate::explain::{exact, yuan, Effect, Scheme, Step, Steps, Warning};
use crate::money::{Exact, Money, Rate};
use super::payment::{annual_deductible, at_rate, limit};
use crate::policy::{Inpatient, Levels, Policy};
use crate::vocabulary::{Kind, Referral};
use super::year::YearState;

/// What 基本医保 pays for one visit from its in-scope cost `e`.
pub fn pay(
    policy: &Policy,
    visit: &Visit,
    index: usize,
    e: Money,
    year: &mut YearState,
    steps: Option<&mut Vec<Step>>,
    warnings: Option<&mut Vec<Warning>>,
) -> Result<Money, Error> {
    let (basic, levels) = (&policy.basic, &policy.levels);
    let mut steps = Steps::new(Scheme::Basic, steps);
    // Warnings, like steps, only when explanations are kept.
    let not_covered = |steps: &mut Steps, text: &dyn Fn() -> String, param: &'static str| {
        if let Some(warnings) = warnings {
            warnings.push(Warning { code: "not_covered", visit: index, text: text() });
        }
        Ok(steps.pays_nothing("not_covered", text, || vec![param.to_owned()]))
    };
    match visit.kind {
        Kind::Inpatient | Kind::DaySurgery | Kind::AccidentInpatient => inpatient(&basic.inpatient, levels, visit, index, e, year, &mut steps),
        Kind::GeneralOutpatient => {
            let Some(go) = &basic.general_outpatient else {
                return not_covered(&mut steps, &|| "本政策没有普通门诊统筹待遇，基本医保不支付".into(), "/basic");
            };
            let Some(&rate) = go.levels.get(visit.level.as_str()) else {
                let text = || {
                    let covered = levels_zh(levels, &go.levels);
                    format!("普通门诊在{}不在基本医保报销范围内（本地普通门诊统筹覆盖：{}）", levels.name(&visit.level), covered.join("、"))
                };
                return not_covered(&mut steps, &text, "/basic/general_outpatient/levels");
            };
            const P: &str = "/basic/general_outpatient";
            let ded = annual_deductible(&mut steps, "general_outpatient.deductible", || "普通门诊年度起付线".into(), e, go.annual_deductible, &mut year.general_outpatient_deductible_used, || format!("{P}/annual_deductible"))?;
            let base = e.sub(ded)?;
            let paid = at_rate(&mut steps, "general_outpatient.rate", || format!("{}普通门诊政策范围内费用{}", levels.name(&visit.level), after_deductible(base, ded)), base, rate, || format!("{P}/levels/{}/rate", visit.level))?;
            let paid = limit(&mut steps, "general_outpatient.per_visit_cap", || "普通门诊每次最高支付".into(), paid, go.per_visit_cap, Money::ZERO, || format!("{P}/per_visit_cap"))?;
            let paid = limit(&mut steps, "general_outpatient.annual_cap", || "普通门诊年度最高支付限额".into(), paid, go.annual_cap, year.general_outpatient_paid, || format!("{P}/annual_cap"))?;
            year.general_outpatient_paid = year.general_outpatient_paid.add(paid)?;
            Ok(paid)
        }
        Kind::ChronicOutpatient => {
            // Presence of the section and of the condition were checked with the case.
            let Some(co) = &basic.chronic_outpatient else {
                return not_covered(&mut steps, &|| "本政策没有门诊慢特病待遇，基本医保不支付".into(), "/basic");
            };
            const P: &str = "/basic/chronic_outpatient";
            let condition = visit.condition.as_deref().unwrap_or_default();
            let name = policy.condition_name(condition);
            // A condition with rules of its own (format /2) keeps its own yearly deductible and
            // may have its own rate and cap (rules.md v2, "per-condition rules").
            let rule = co.condition_rules.iter().find(|(k, _)| k == condition).map(|&(_, r)| r).unwrap_or_default();
            let own = |key: &str| format!("{P}/condition_rules/{condition}/{key}");
            let ded = match rule.annual_deductible {
                None => annual_deductible(&mut steps, "chronic_outpatient.deductible", || "门诊慢特病年度起付线".into(), e, co.annual_deductible, &mut year.chronic_deductible_used, || format!("{P}/annual_deductible"))?,
                Some(d) => {
                    let mut used = year.chronic_deductible_by_condition.get(condition).copied().unwrap_or_default();
                    let ded = annual_deductible(&mut steps, "chronic_outpatient.deductible", || format!("{name}门诊年度起付线"), e, d, &mut used, || own("annual_deductible"))?;
                    year.chronic_deductible_by_condition.insert(condition.to_owned(), used);
                    ded
                }
            };
            let base = e.sub(ded)?;
            let rate = rule.rate.unwrap_or(co.rate);
            let rate_at = || if rule.rate.is_none() { format!("{P}/rate") } else { own("rate") };
            let paid = at_rate(&mut steps, "chronic_outpatient.rate", || format!("{name}门诊政策范围内费用{}", after_deductible(base, ded)), base, rate, rate_at)?;
            let used = year.chronic_paid_by_condition.get(condition).copied().unwrap_or_default();
            let cap = match rule.annual_cap {
                None => co.condition_caps.get(condition).copied(),
                Some(cap) => cap,
            };
            let cap_at = || if rule.annual_cap.is_none() { format!("{P}/condition_caps/{condition}") } else { own("annual_cap") };
            let paid = limit(&mut steps, "chronic_outpatient.condition_cap", || format!("{name}门诊年度支付限额"), paid, cap, used, cap_at)?;
            // An exempt condition is neither limited by the shared cap nor counted in it.
            let paid = if rule.exempt_from_shared_cap {
                steps.push("chronic_outpatient.exempt_from_shared_cap", Effect::Info, Money::ZERO, || format!("{name}不受也不占用门诊慢特病年度最高支付限额"), || vec![own("exempt_from_shared_cap")]);
                paid
            } else {
                let paid = limit(&mut steps, "chronic_outpatient.annual_cap", || "门诊慢特病年度最高支付限额（各病种合计）".into(), paid, co.annual_cap, year.chronic_paid, || format!("{P}/annual_cap"))?;
                year.chronic_paid = year.chronic_paid.add(paid)?;
                paid
            };
            year.chronic_paid_by_condition.insert(condition.to_owned(), used.add(paid)?);
            Ok(paid)
        }
        Kind::TwoDiseasesOutpatient => {
            let Some(td) = &basic.two_diseases else {
                return not_covered(&mut steps, &|| "本政策没有“两病”门诊用药保障，基本医保不支付".into(), "/basic");
            };
            const P: &str = "/basic/two_diseases";
            let condition = visit.condition.as_deref().unwrap_or_default();
            let ded = annual_deductible(&mut steps, "two_diseases.deductible", || "“两病”门诊用药年度起付线".into(), e, td.annual_deductible, &mut year.two_diseases_deductible_used, || format!("{P}/annual_deductible"))?;
            let base = e.sub(ded)?;
            let paid = at_rate(&mut steps, "two_diseases.rate", || format!("{}门诊用药政策范围内费用{}", policy.condition_name(condition), after_deductible(base, ded)), base, td.rate, || format!("{P}/rate"))?;
            let used = year.two_diseases_paid_by_condition.get(condition).copied().unwrap_or_default();
            let cap = td.annual_caps.get(condition).copied();
            let paid = limit(&mut steps, "two_diseases.annual_cap", || format!("{}门诊用药年度支付限额", policy.condition_name(condition)), paid, cap, used, || format!("{P}/annual_caps/{condition}"))?;
            if cap.is_none() {
                steps.push("two_diseases.no_cap", Effect::Info, Money::ZERO, || format!("{}门诊用药不设年度支付限额", policy.condition_name(condition)), || vec![format!("{P}/annual_caps/{condition}")]);
            }
            year.two_diseases_paid_by_condition.insert(condition.to_owned(), used.add(paid)?);
            Ok(paid)
        }
    }
}

/// The names of the levels a table has, from the lowest rank to the highest, for messages.
fn levels_zh<'a, V>(levels: &'a Levels, table: &IdMap<String, V>) -> Vec<&'a str> {
    levels.0.iter().filter(|l| table.contains_key(&l.id)).map(|l| l.name.as_str()).collect()
}

/// "（扣除起付线后）的 1,000.00 元" or " 1,000.00 元".
fn after_deductible(base: Money, deductible: Money) -> String {
    if deductible.is_zero() {
        format!(" {}", yuan(base))
    } else {
        format!("扣除起付线后的 {}", yuan(base))
    }
}

fn inpatient(ip: &Inpatient, levels: &Levels, visit: &Visit, index: usize, e: Money, year: &mut YearState, steps: &mut Steps) -> Result<Money, Error> {
    const P: &str = "/basic/inpatient";
    let level = visit.level.as_str();
    let name = |id: &'_ str| levels.name(id).to_owned();
    let Some(benefit) = ip.levels.get(level) else {
        let covered = levels_zh(levels, &ip.levels);
        return Err(Error::new(
            "no_inpatient_benefit",
            format!("visits[{index}].level"),
            format_args!("本政策在{}没有住院待遇（有住院待遇的级别：{}）", name(level), covered.join("、")),
            format_args!("no inpatient benefit at level {level} in this policy"),
        ));
    };
    // rules.md v2 §1: the admissions of the year in date order; an alliance transfer continues
    // the admission before it (视为一次住院) and is not counted.
    if visit.referral != Referral::Alliance {
        year.admissions = year.admissions.saturating_add(1);
    }
    let admission = year.admissions.max(1);
    // The explanation of the deductible and the parameters it read, built beside the amount only
    // when steps are kept (`explain`); the amount `d` is computed the same either way.
    let explain = steps.on();
    let mut params = Vec::new();
    let mut what = String::new();

    // 1–3: the deductible for this stay, kept exact: rules.md rounds only what is paid, and a
    // deductible × a day-surgery factor may have a third decimal.
    let mut d = Exact::from(benefit.deductible);
    if explain {
        params.push(format!("{P}/levels/{level}/deductible"));
        what = format!("{}住院起付线 {}", name(level), yuan(benefit.deductible));
    }
    let factor = ip.day_surgery_deductible_factor;
    if visit.kind == Kind::DaySurgery && factor != Rate::ONE {
        d = benefit.deductible.times(factor)?;
        if explain {
            what = format!("日间手术起付线 = {what} × {} = {} 元", factor.percent(), exact(d));
            params.push(format!("{P}/day_surgery_deductible_factor"));
        }
    }
    let factors = &ip.repeat_deductible_factors;
    let repeat = factors.get((admission as usize).min(factors.len()).saturating_sub(1)).copied().unwrap_or(Rate::ONE);
    if repeat != Rate::ONE {
        d = d.times(repeat)?;
        if explain {
            what = format!("{what}；本年度第 {admission} 次住院，起付线按 {} 计 {} 元", repeat.percent(), exact(d));
            params.push(format!("{P}/repeat_deductible_factors"));
        }
    }
    match (visit.referral, visit.referred_from.as_deref()) {
        (Referral::Upward, Some(from)) if ip.referral.upward_difference => {
            if explain {
                params.push(format!("{P}/referral/upward"));
            }
            match ip.levels.get(from) {
                Some(before) => {
                    let own = d;
                    d = own.sub(before.deductible.into())?.max(Exact::default());
                    if explain {
                        what = format!(
                            "{what}；从{}上转，起付线连续计算，只需补足差额：{} 元 − 已付的{}起付线 {} = {} 元",
                            name(from),
                            exact(own),
                            name(from),
                            yuan(before.deductible),
                            exact(d)
                        );
                        if d.0.is_zero() {
                            what.push_str("（差额不足 0，不再支付）");
                        }
                        params.push(format!("{P}/levels/{from}/deductible"));
                    }
                }
                None if explain => what = format!("{what}；转出的{}没有住院起付线，按本级起付线支付", name(from)),
                None => {}
            }
        }
        (Referral::Downward, _) if ip.referral.downward_waived => {
            d = Exact::default();
            if explain {
                what = "下转患者不再支付起付线".into();
                params.push(format!("{P}/referral/downward"));
            }
        }
        (Referral::Alliance, _) if ip.referral.alliance_waived => {
            d = Exact::default();
            if explain {
                what = "医共体内转诊视为同一次住院，不再支付起付线".into();
                params.push(format!("{P}/referral/alliance"));
            }
        }
        _ => {}
    }

    // 4: TCM paid in full at the listed levels, outside deductible and rate.
    let t = if ip.tcm_full_levels.iter().any(|l| l == level) { visit.tcm } else { Money::ZERO };
    let e_rest = Exact::from(e.sub(t)?);
    let in_scope = if t.is_zero() { "政策范围内费用" } else { "中医以外的政策范围内费用" };

    // 5: deductible, rate, TCM, annual cap.
    let ded = d.min(e_rest);
    let effect = if ded.0.is_zero() { Effect::Info } else { Effect::Withheld };
    let text = || {
        if ded.0.is_zero() {
            what
        } else if ded < d {
            format!("{what}，本次{in_scope} {} 元不足起付线，全部由个人负担", exact(e_rest))
        } else {
            format!("{what}，由个人负担")
        }
    };
    steps.push("inpatient.deductible", effect, ded.round(), text, || params);

    let unreferred = match ip.unreferred_rate.get(level) {
        Some(&r) if visit.referral == Referral::Unreferred => Some(r),
        _ => None,
    };
    let rate = unreferred.unwrap_or(benefit.rate);
    let rate_param = || if unreferred.is_some() { format!("{P}/unreferred_rate/{level}") } else { format!("{P}/levels/{level}/rate") };
    let base = e_rest.sub(ded)?;
    let base_text = || {
        let rate_what = if unreferred.is_some() { format!("未按规定转诊到{}，按降低后的比例支付：", name(level)) } else { String::new() };
        format!("{rate_what}{in_scope}扣除起付线后的 {} 元", exact(base))
    };
    let mut paid = at_rate(steps, "inpatient.rate", base_text, base, rate, rate_param)?;
    if !t.is_zero() {
        steps.push(
            "inpatient.tcm",
            Effect::Paid,
            t,
            || format!("中医适宜技术和中药饮片 {}在{}全额报销，不计起付线和比例", yuan(t), name(level)),
            || vec![format!("{P}/tcm_full_levels")],
        );
        paid = paid.add(t)?;
    }
    let paid = limit(steps, "inpatient.annual_cap", || "基本医保住院年度最高支付限额".into(), paid, ip.annual_cap, year.basic_inpatient_paid, || format!("{P}/annual_cap"))?;
    year.basic_inpatient_paid = year.basic_inpatient_paid.add(paid)?;
    Ok(paid)
}
