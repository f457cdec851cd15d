//! Properties over random valid cases under the example pack (proptest): the money always adds
//! up, more expense never lowers the reimbursement, a preferential category never gets less than
//! `ordinary`, and no input ever panics.

mod common;
use common::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;

const KINDS: &[&str] = &["inpatient", "day_surgery", "accident_inpatient", "general_outpatient", "chronic_outpatient", "two_diseases_outpatient"];
const LEVELS: &[&str] = &["village", "township", "county", "municipal", "provincial"];
const CATEGORIES: &[&str] = &["ordinary", "low_income", "extreme_poverty", "poverty_registered", "marginal_low_income"];
const CONDITIONS: &[&str] = &["hypertension", "hypertension_complicated", "diabetes", "diabetes_insulin", "heart_failure", "coronary_heart_disease", "stroke", "copd"];
const REFERRALS: &[&str] = &["none", "upward", "downward", "alliance", "unreferred"];

fn yuan(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn d(s: &Value) -> Decimal {
    Decimal::from_str(s.as_str().unwrap()).unwrap()
}

/// Raw random numbers for one visit; [`visit`] turns them into a valid visit for the person.
#[derive(Clone, Debug)]
struct RawVisit {
    kind: usize,
    level: usize,
    day: u32,
    total_fen: u64,
    split: Option<(u16, u16)>,
    tcm_permille: u16,
    referral: usize,
    pick: usize,
}

fn raw_visit() -> impl Strategy<Value = RawVisit> {
    (0..KINDS.len(), 0..LEVELS.len(), 0u32..1095, 0u64..50_000_000, proptest::option::of((0u16..=1000, 0u16..=1000)), 0u16..=1000, 0..REFERRALS.len(), any::<usize>())
        .prop_map(|(kind, level, day, total_fen, split, tcm_permille, referral, pick)| RawVisit { kind, level, day, total_fen, split, tcm_permille, referral, pick })
}

fn visit(r: &RawVisit, conditions: &[&str]) -> Value {
    let mut kind = KINDS[r.kind];
    let two: Vec<&str> = conditions.iter().copied().filter(|c| *c == "hypertension" || *c == "diabetes").collect();
    if (kind == "chronic_outpatient" && conditions.is_empty()) || (kind == "two_diseases_outpatient" && two.is_empty()) {
        kind = "general_outpatient";
    }
    let inpatient_like = matches!(kind, "inpatient" | "day_surgery" | "accident_inpatient");
    // The example pack has no inpatient benefit at village clinics.
    let level_i = if inpatient_like { r.level.max(1) } else { r.level };
    let (year, doy) = (2023 + r.day / 365, r.day % 365);
    let date = format!("{year}-{:02}-{:02}", 1 + doy / 31 % 12, 1 + doy % 28);
    let total = r.total_fen;
    let mut v = json!({ "kind": kind, "level": LEVELS[level_i], "date": date, "total": yuan(total) });
    let in_scope = match r.split {
        None => total * 85 / 100, // a lower bound of round2(total × 0.85)
        Some((a, b)) => {
            let ooc = total * a as u64 / 1000;
            let cb = (total - ooc) * b as u64 / 1000;
            v["out_of_catalog"] = json!(yuan(ooc));
            v["class_b_self_pay"] = json!(yuan(cb));
            total - ooc - cb
        }
    };
    if inpatient_like {
        v["tcm"] = json!(yuan(in_scope * r.tcm_permille as u64 / 1000));
        let referral = REFERRALS[r.referral];
        v["referral"] = json!(referral);
        if referral == "upward" {
            if level_i == 0 {
                v["referral"] = json!("none");
            } else {
                v["referred_from"] = json!(LEVELS[r.pick % level_i]);
            }
        }
    }
    match kind {
        "chronic_outpatient" => v["condition"] = json!(conditions[r.pick % conditions.len()]),
        "two_diseases_outpatient" => v["condition"] = json!(two[r.pick % two.len()]),
        _ => {}
    }
    v
}

#[derive(Clone, Debug)]
struct RawCase {
    category: usize,
    conditions: Vec<bool>,
    visits: Vec<RawVisit>,
    ytd: Option<[u64; 5]>,
}

fn raw_case() -> impl Strategy<Value = RawCase> {
    (0..CATEGORIES.len(), proptest::collection::vec(any::<bool>(), CONDITIONS.len()), proptest::collection::vec(raw_visit(), 1..6), proptest::option::of([0u64..20_000_000, 0u64..20_000_000, 0u64..20_000_000, 0u64..5_000_000, 0u64..5_000_000]))
        .prop_map(|(category, conditions, visits, ytd)| RawCase { category, conditions, visits, ytd })
}

fn build(r: &RawCase, category: &str) -> Value {
    let conditions: Vec<&str> = CONDITIONS.iter().zip(&r.conditions).filter(|(_, on)| **on).map(|(c, _)| *c).collect();
    let mut person = json!({ "category": category, "conditions": conditions });
    if let Some(y) = r.ytd {
        person["year_to_date"] = json!({ "basic_inpatient_paid": yuan(y[0]), "general_outpatient_paid": yuan(y[3] / 100),
            "critical_compliant": yuan(y[1]), "critical_paid": yuan(y[2] / 10), "assistance_paid": yuan(y[4]) });
    }
    json!({ "person": person, "visits": r.visits.iter().map(|v| visit(v, &conditions)).collect::<Vec<_>>() })
}

const AMOUNTS: &[&str] = &["total", "out_of_catalog", "class_b_self_pay", "in_scope", "basic", "critical_illness", "medical_assistance", "reimbursed", "out_of_pocket"];

fn check_invariants(out: &Value, pack: &Value) -> Result<(), TestCaseError> {
    let read_as = yibao::upgrade_pack(pack).unwrap_or_else(|_| pack.clone());
    let visits = out["visits"].as_array().unwrap();
    for name in AMOUNTS {
        let mut sum = Decimal::ZERO;
        for v in visits {
            let s = v[name].as_str().unwrap();
            prop_assert!(s.split_once('.').is_some_and(|(_, f)| f.len() == 2), "{name} = {s} has two decimals");
            let x = d(&v[name]);
            prop_assert!(x >= Decimal::ZERO, "{name} = {x} is negative");
            sum += x;
        }
        prop_assert_eq!(sum, d(&out["totals"][*name]), "visits' {} add up to the total", name);
    }
    for v in visits {
        let (b, c, m) = (d(&v["basic"]), d(&v["critical_illness"]), d(&v["medical_assistance"]));
        prop_assert_eq!(d(&v["reimbursed"]), b + c + m);
        prop_assert!(b + c + m <= d(&v["in_scope"]), "reimbursed within in-scope cost");
        prop_assert_eq!(d(&v["out_of_pocket"]), d(&v["total"]) - b - c - m);
        prop_assert_eq!(d(&v["in_scope"]), d(&v["total"]) - d(&v["out_of_catalog"]) - d(&v["class_b_self_pay"]));
        for s in v["steps"].as_array().unwrap() {
            prop_assert!(d(&s["amount"]) >= Decimal::ZERO);
            // Every parameter a step names is in the pack (an explicit null, "no cap", counts) and
            // is shown with its value.
            for p in s["params"].as_array().unwrap() {
                let p = p.as_str().unwrap();
                // A /1 pack is read as /2 (policy-format.md): pointers name its /2 reading.
                let in_pack = read_as.pointer(p);
                prop_assert!(in_pack.is_some(), "{} in {} is not in the pack", p, s["rule"]);
                prop_assert_eq!(&out["parameters"][p]["value"], in_pack.unwrap());
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn money_adds_up(r in raw_case()) {
        let policy = example_policy();
        for category in CATEGORIES {
            let out = run(&build(&r, category), &policy);
            check_invariants(&out, &policy)?;
        }
    }

    #[test]
    fn more_expense_never_lowers_the_reimbursement(r in raw_case(), which in any::<usize>(), extra_fen in 1u64..5_000_000) {
        let policy = example_policy();
        let category = CATEGORIES[r.category];
        let before = run(&build(&r, category), &policy);
        let mut more = r.clone();
        let i = which % more.visits.len();
        // More in-scope expense: the total grows and so does what is in scope (the split's
        // out-of-catalog and class-B amounts stay as they were).
        let mut case = build(&more, category);
        let v = &mut case["visits"][i];
        let old_total = d(&v["total"]);
        v["total"] = json!((old_total + Decimal::new(extra_fen as i64, 2)).to_string());
        more.visits[i].total_fen += extra_fen;
        let after = run(&case, &policy);
        prop_assert!(d(&after["totals"]["reimbursed"]) >= d(&before["totals"]["reimbursed"]),
            "reimbursed fell from {} to {}", before["totals"]["reimbursed"], after["totals"]["reimbursed"]);
    }

    #[test]
    fn no_category_gets_less_than_ordinary(r in raw_case()) {
        let policy = example_policy();
        let ordinary = d(&run(&build(&r, "ordinary"), &policy)["totals"]["reimbursed"]);
        for category in &CATEGORIES[1..] {
            let other = d(&run(&build(&r, category), &policy)["totals"]["reimbursed"]);
            prop_assert!(other >= ordinary, "{category} gets {other} < ordinary {ordinary}");
        }
    }
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z_0-9.\\-/ ]{0,12}".prop_map(Value::String),
        prop_oneof![Just("2024-02-29"), Just("0.5"), Just("-1"), Just("1e9"), Just("99999999999999999999999999999999"), Just("inpatient"), Just("upward"), Just("hypertension")].prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the value at a random path of `v` with `with`.
fn mutate(v: &mut Value, pick: usize, with: Value) {
    if pick % 3 == 0 {
        *v = with;
        return;
    }
    let rest = pick / 3;
    match v {
        Value::Object(m) if !m.is_empty() => {
            let k = m.keys().nth(rest % m.len()).unwrap().clone();
            let n = m.len();
            mutate(m.get_mut(&k).unwrap(), rest / n, with)
        }
        Value::Array(a) if !a.is_empty() => {
            let n = a.len();
            mutate(&mut a[rest % n], rest / n, with)
        }
        _ => *v = with,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn no_input_ever_panics(case in any_json(), policy in proptest::option::of(any_json())) {
        let _ = estimate_value(&case, policy.as_ref());
    }

    #[test]
    fn no_mutated_case_or_pack_panics(r in raw_case(), pick in any::<usize>(), with in any_json(), in_pack in any::<bool>()) {
        let mut case = build(&r, CATEGORIES[r.category]);
        let mut policy = example_policy();
        if in_pack { mutate(&mut policy, pick, with) } else { mutate(&mut case, pick, with) }
        if let Ok(e) = estimate_value(&case, Some(&policy)) {
            check_invariants(&e, &policy)?;
        }
    }
}
