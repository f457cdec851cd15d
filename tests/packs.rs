//! The shipped policy packs (`packs/*.json`): the hand-worked cases of docs/pack-expectations.md
//! to the fen, the provenance of every parameter, the JSON Schema agreeing with the engine's
//! validation, region choice, and every estimate explaining itself with sourced parameters.
//!
//! The cases run through `estimate_value(&case, None)` (JSON text in and out), i.e. the bundled pack the case
//! names, exactly as the CLI and the web page do.

mod common;
use common::estimate_value;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use yibao::policy::Basis;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Estimates a case under the bundled pack it names; a failure is a test failure with the error.
/// Every estimate is also checked to explain itself (see [`assert_explained`]), so each worked
/// case doubles as a check of the steps and sourced parameters the page shows.
fn estimate(case: &Value) -> Value {
    let out = estimate_value(case, None).unwrap_or_else(|e| panic!("estimate failed: {e}\ncase: {case}"));
    assert_explained(&out);
    out
}

/// The error a case must give under its bundled pack.
fn estimate_err(case: &Value) -> yibao::Error {
    match estimate_value(case, None) {
        Ok(out) => panic!("expected an error for {case}, got {out}"),
        Err(e) => e,
    }
}

/// The visit fields the expectation tables of docs/pack-expectations.md give, in this order.
/// Where a table leaves out a column, the document says it is 0.00 (and `reimbursed` =
/// basic + critical_illness + medical_assistance pins it down anyway).
const COLUMNS: [&str; 6] = ["in_scope", "basic", "critical_illness", "medical_assistance", "reimbursed", "out_of_pocket"];

/// Checks each visit of `out` against one row of `rows` (visit i = row i), field by field, and
/// that no visit is missing or extra.
fn assert_visits(out: &Value, rows: &[[&str; 6]]) {
    let visits = out["visits"].as_array().expect("visits array");
    assert_eq!(visits.len(), rows.len(), "number of visits in {out:#}");
    for (i, row) in rows.iter().enumerate() {
        for (name, want) in COLUMNS.iter().zip(row) {
            assert_eq!(visits[i][name].as_str(), Some(*want), "visit {i} {name}");
        }
        assert_adds_up(&visits[i], i);
    }
}

/// The contract's identities for one visit: reimbursed = basic + 大病 + 救助 and
/// out_of_pocket = total − reimbursed, to the fen (amounts compared in fen as integers).
fn assert_adds_up(visit: &Value, i: usize) {
    let f = |name: &str| fen(visit[name].as_str().unwrap_or_else(|| panic!("visit {i} has no {name}")));
    assert_eq!(f("reimbursed"), f("basic") + f("critical_illness") + f("medical_assistance"), "visit {i} reimbursed");
    assert_eq!(f("out_of_pocket"), f("total") - f("reimbursed"), "visit {i} out_of_pocket");
}

/// "1234.50" → 123450. Output amounts always have exactly two decimals (contract.md).
fn fen(amount: &str) -> i64 {
    let (yuan, cents) = amount.split_once('.').unwrap_or_else(|| panic!("{amount} has no decimals"));
    assert_eq!(cents.len(), 2, "{amount} must have exactly two decimals");
    yuan.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap()
}

/// The warnings of an estimate as (code, visit) pairs: the document says which ones each case
/// gets ("除注明外，warnings 为空"), so the list is compared whole.
fn assert_warnings(out: &Value, want: &[(&str, u64)]) {
    let got: Vec<(String, u64)> = out["warnings"]
        .as_array()
        .expect("warnings array")
        .iter()
        .map(|w| (w["code"].as_str().unwrap().to_owned(), w["visit"].as_u64().unwrap()))
        .collect();
    let want: Vec<(String, u64)> = want.iter().map(|(c, v)| (c.to_string(), *v)).collect();
    assert_eq!(got, want);
}

/// An error's code and path, for one-line comparisons.
fn code_path(e: &yibao::Error) -> (&str, &str) {
    (e.code, e.path.as_str())
}

/// A one-visit case under a bundled pack.
fn one_visit(policy: &str, person: Value, visit: Value) -> Value {
    json!({ "policy": policy, "person": person, "visits": [visit] })
}

// ---------------------------------------------------------------------------------------------
// 1. docs/pack-expectations.md, case by case
// ---------------------------------------------------------------------------------------------

/// B1–B3: one municipal bill (50,000, 全自费 3,000, 乙类先行自付 2,000) for three categories.
fn baseline_municipal_bill(category: &str) -> Value {
    json!({"policy": "national-baseline", "person": {"category": category},
           "visits": [{"kind": "inpatient", "level": "municipal", "date": "2024-05-10",
                       "total": "50000", "out_of_catalog": "3000", "class_b_self_pay": "2000"}]})
}

#[test]
fn baseline_municipal_admission_ordinary_extreme_poverty_and_marginal() {
    // B1: basic (45,000 − 800) × 65% = 28,730; 大病 (16,270 − 15,000) × 60% = 762; no assistance.
    let out = estimate(&baseline_municipal_bill("ordinary"));
    assert_visits(&out, &[["45000.00", "28730.00", "762.00", "0.00", "29492.00", "20508.00"]]);
    assert_warnings(&out, &[]);
    // B2: 特困 gets the preferential scale (16,270 − 7,500) × 65% = 5,700.50 and assistance
    // with no deductible (45,000 − 28,730 − 5,700.50) × 70% = 7,398.65.
    let out = estimate(&baseline_municipal_bill("extreme_poverty"));
    assert_visits(&out, &[["45000.00", "28730.00", "5700.50", "7398.65", "41829.15", "8170.85"]]);
    assert_warnings(&out, &[]);
    // B3: 低保边缘 is not in the 大病 preferential list (standard 762), and its assistance has a
    // 3,000 deductible: (15,508 − 3,000) × 60% = 7,504.80.
    let out = estimate(&baseline_municipal_bill("marginal_low_income"));
    assert_visits(&out, &[["45000.00", "28730.00", "762.00", "7504.80", "36996.80", "13003.20"]]);
    assert_warnings(&out, &[]);
}

#[test]
fn baseline_total_only_is_split_at_85_percent_with_a_warning() {
    // B4: E = 10,000 × 85% = 8,500, the other 1,500 counted out of catalog.
    let out = estimate(&json!({"policy": "national-baseline", "person": {"category": "ordinary"},
        "visits": [{"kind": "inpatient", "level": "county", "date": "2024-05-10", "total": "10000"}]}));
    assert_eq!(out["visits"][0]["out_of_catalog"], "1500.00");
    assert_eq!(out["visits"][0]["class_b_self_pay"], "0.00");
    assert_visits(&out, &[["8500.00", "6000.00", "0.00", "0.00", "6000.00", "4000.00"]]);
    assert_warnings(&out, &[("estimated_split", 0)]);
}

/// G1/G2: the county bill of the contract's example (30,000, 全自费 2,000, 乙类 1,000).
fn gansu_county_bill(category: &str) -> Value {
    json!({"policy": "gansu-2018", "person": {"category": category},
           "visits": [{"kind": "inpatient", "level": "county", "date": "2024-03-18",
                       "total": "30000", "out_of_catalog": "2000", "class_b_self_pay": "1000"}]})
}

#[test]
fn gansu_critical_illness_ordinary_vs_low_income() {
    // Same 合规自付 P = 27,000 − 19,875 = 7,125 for both people.
    // Ordinary: 补偿基数 7,125 − 5,000 = 2,125 × 60% = 1,275 (甘政办发〔2018〕72号 standard scale).
    let out = estimate(&gansu_county_bill("ordinary"));
    assert_visits(&out, &[["27000.00", "19875.00", "1275.00", "0.00", "21150.00", "8850.00"]]);
    assert_warnings(&out, &[]);
    // 低保: threshold 2,000, first band 72%: 5,125 × 72% = 3,690; then 救助 (baseline 低保
    // 0 / 70%) on 27,000 − 19,875 − 3,690 = 3,435 → 2,404.50.
    let out = estimate(&gansu_county_bill("low_income"));
    assert_visits(&out, &[["27000.00", "19875.00", "3690.00", "2404.50", "25969.50", "4030.50"]]);
    assert_warnings(&out, &[]);
}

#[test]
fn gansu_accident_critical_illness_capped_at_20000_and_basic_annual_cap_shared() {
    // G3. Visit 0: basic (200,000 − 500) × 75% = 149,625; banded 大病 would be 30,262.50 but the
    // accident cap (最高报销2万元) stops it at 20,000. Visit 1: basic is limited to what is left
    // of the 150,000 annual cap (375), and the accident cap is used up, so 大病 0.
    let out = estimate(&json!({"policy": "gansu-2018", "person": {"category": "ordinary"},
     "visits": [
      {"kind": "accident_inpatient", "level": "county", "date": "2024-02-01", "total": "200000", "out_of_catalog": "0"},
      {"kind": "accident_inpatient", "level": "county", "date": "2024-09-01", "total": "20000", "out_of_catalog": "0"}]}));
    assert_visits(&out, &[
        ["200000.00", "149625.00", "20000.00", "0.00", "169625.00", "30375.00"],
        ["20000.00", "375.00", "0.00", "0.00", "375.00", "19625.00"],
    ]);
    assert_warnings(&out, &[]);
}

#[test]
fn gansu_outpatient_tcm_referrals_and_unreferred_care() {
    // G4, visit by visit:
    // 0 township outpatient, zero deductible, 70% → 70.00; outpatient is not 大病-covered.
    // 1 county outpatient is outside 普通门诊 (levels.county = null) → 0 with a not_covered warning.
    // 2 county, TCM 2,000 paid in full, upward from township pays only 500 − 200 = 300:
    //   (10,000 − 2,000 − 300) × 75% + 2,000 = 7,775.
    // 3 downward: no deductible, 5,000 × 85% = 4,250.
    // 4 provincial unreferred: deductible kept, rate 30%: (20,000 − 1,500) × 30% = 5,550;
    //   大病 year total 2,975 → 17,425 crosses the 5,000 threshold once: 6,000 + 2,425 × 65% = 7,576.25.
    let out = estimate(&json!({"policy": "gansu-2018", "person": {"category": "ordinary"},
     "visits": [
      {"kind": "general_outpatient", "level": "township", "date": "2024-01-10", "total": "100", "out_of_catalog": "0"},
      {"kind": "general_outpatient", "level": "county", "date": "2024-01-11", "total": "100", "out_of_catalog": "0"},
      {"kind": "inpatient", "level": "county", "date": "2024-03-01", "total": "10000", "out_of_catalog": "0",
       "tcm": "2000", "referral": "upward", "referred_from": "township"},
      {"kind": "inpatient", "level": "township", "date": "2024-03-20", "total": "5000", "out_of_catalog": "0", "referral": "downward"},
      {"kind": "inpatient", "level": "provincial", "date": "2024-06-01", "total": "20000", "out_of_catalog": "0", "referral": "unreferred"}]}));
    assert_visits(&out, &[
        ["100.00", "70.00", "0.00", "0.00", "70.00", "30.00"],
        ["100.00", "0.00", "0.00", "0.00", "0.00", "100.00"],
        ["10000.00", "7775.00", "0.00", "0.00", "7775.00", "2225.00"],
        ["5000.00", "4250.00", "0.00", "0.00", "4250.00", "750.00"],
        ["20000.00", "5550.00", "7576.25", "0.00", "13126.25", "6873.75"],
    ]);
    assert_warnings(&out, &[("not_covered", 1)]);
}

#[test]
fn gansu_before_its_start_date_and_village_inpatient_are_errors() {
    let county = |date: &str| json!({"kind": "inpatient", "level": "county", "date": date, "total": "1000", "out_of_catalog": "0"});
    let e = estimate_err(&one_visit("gansu-2018", json!({"category": "ordinary"}), county("2018-05-31")));
    assert_eq!(code_path(&e), ("date_outside_policy", "visits[0].date"));
    // The first day of the pack is inside it (effective dates are inclusive).
    estimate(&one_visit("gansu-2018", json!({"category": "ordinary"}), county("2018-06-01")));
    let village = json!({"kind": "inpatient", "level": "village", "date": "2024-03-01", "total": "1000", "out_of_catalog": "0"});
    let e = estimate_err(&one_visit("gansu-2018", json!({"category": "ordinary"}), village));
    assert_eq!(code_path(&e), ("no_inpatient_benefit", "visits[0].level"));
}

#[test]
fn qujing_general_outpatient_never_above_400_a_year() {
    // Q1: 50% at village, township and (曲靖 only) county; the 400 a year runs out at visit 2
    // (the baseline's 300 would have run out at visit 1); municipal is outside 普通门诊; 2024
    // starts afresh.
    let out = estimate(&json!({"policy": "qujing-2022", "person": {"category": "ordinary"},
     "visits": [
      {"kind": "general_outpatient", "level": "village",   "date": "2023-02-01", "total": "300", "out_of_catalog": "0"},
      {"kind": "general_outpatient", "level": "township",  "date": "2023-04-01", "total": "300", "out_of_catalog": "0"},
      {"kind": "general_outpatient", "level": "county",    "date": "2023-06-01", "total": "200", "out_of_catalog": "0"},
      {"kind": "general_outpatient", "level": "township",  "date": "2023-09-01", "total": "300", "out_of_catalog": "0"},
      {"kind": "general_outpatient", "level": "municipal", "date": "2023-10-01", "total": "300", "out_of_catalog": "0"},
      {"kind": "general_outpatient", "level": "township",  "date": "2024-01-05", "total": "300", "out_of_catalog": "0"}]}));
    assert_visits(&out, &[
        ["300.00", "150.00", "0.00", "0.00", "150.00", "150.00"],
        ["300.00", "150.00", "0.00", "0.00", "150.00", "150.00"],
        ["200.00", "100.00", "0.00", "0.00", "100.00", "100.00"],
        ["300.00", "0.00", "0.00", "0.00", "0.00", "300.00"],
        ["300.00", "0.00", "0.00", "0.00", "0.00", "300.00"],
        ["300.00", "150.00", "0.00", "0.00", "150.00", "150.00"],
    ]);
    assert_warnings(&out, &[("not_covered", 4)]);
    // The point of the pack: the 2023 visits together get exactly the 400 of 曲政办发〔2022〕65号.
    let paid_2023: i64 = out["visits"].as_array().unwrap()[..5].iter().map(|v| fen(v["basic"].as_str().unwrap())).sum();
    assert_eq!(paid_2023, 40_000); // fen
}

#[test]
fn qujing_day_surgery_deductible_halved() {
    // Q2: county 500 × 0.5 = 250 → (8,000 − 250) × 75% = 5,812.50;
    //     township 200 × 0.5 = 100 → (2,000 − 100) × 85% = 1,615.
    let out = estimate(&json!({"policy": "qujing-2022", "person": {"category": "ordinary"},
     "visits": [
      {"kind": "day_surgery", "level": "county",   "date": "2023-05-01", "total": "8000", "out_of_catalog": "0"},
      {"kind": "day_surgery", "level": "township", "date": "2023-06-01", "total": "2000", "out_of_catalog": "0"}]}));
    assert_visits(&out, &[
        ["8000.00", "5812.50", "0.00", "0.00", "5812.50", "2187.50"],
        ["2000.00", "1615.00", "0.00", "0.00", "1615.00", "385.00"],
    ]);
    assert_warnings(&out, &[]);
}

#[test]
fn qujing_referrals_and_no_reduced_rate_for_unreferred_care() {
    // Q3: upward pays only 500 − 200 = 300 → 7,275; downward pays none → 2,550; unreferred
    // keeps the ordinary municipal rate because the document gives no number → 5,980.
    let out = estimate(&json!({"policy": "qujing-2022", "person": {"category": "ordinary"},
     "visits": [
      {"kind": "inpatient", "level": "county",    "date": "2023-03-01", "total": "10000", "out_of_catalog": "0",
       "referral": "upward", "referred_from": "township"},
      {"kind": "inpatient", "level": "township",  "date": "2023-03-15", "total": "3000", "out_of_catalog": "0", "referral": "downward"},
      {"kind": "inpatient", "level": "municipal", "date": "2023-07-01", "total": "10000", "out_of_catalog": "0", "referral": "unreferred"}]}));
    assert_visits(&out, &[
        ["10000.00", "7275.00", "0.00", "0.00", "7275.00", "2725.00"],
        ["3000.00", "2550.00", "0.00", "0.00", "2550.00", "450.00"],
        ["10000.00", "5980.00", "0.00", "0.00", "5980.00", "4020.00"],
    ]);
    assert_warnings(&out, &[]);
}

#[test]
fn qujing_before_its_start_date_is_an_error() {
    let v = json!({"kind": "inpatient", "level": "county", "date": "2022-07-31", "total": "1000", "out_of_catalog": "0"});
    let e = estimate_err(&one_visit("qujing-2022", json!({"category": "ordinary"}), v));
    assert_eq!(code_path(&e), ("date_outside_policy", "visits[0].date"));
}

#[test]
fn guangdong_alliance_transfer_pays_no_second_deductible() {
    // GD1: the first county stay pays the 500 deductible; the transfer inside the 医共体 counts as
    // the same stay, so the second pays none: 10,000 × 75% = 7,500.
    let out = estimate(&json!({"policy": "guangdong-2025", "person": {"category": "ordinary"},
     "visits": [
      {"kind": "inpatient", "level": "county", "date": "2025-08-10", "total": "10000", "out_of_catalog": "0"},
      {"kind": "inpatient", "level": "county", "date": "2025-09-10", "total": "10000", "out_of_catalog": "0", "referral": "alliance"}]}));
    assert_visits(&out, &[
        ["10000.00", "7125.00", "0.00", "0.00", "7125.00", "2875.00"],
        ["10000.00", "7500.00", "0.00", "0.00", "7500.00", "2500.00"],
    ]);
    assert_warnings(&out, &[]);
}

#[test]
fn guangdong_plain_upward_and_downward_keep_the_full_deductible() {
    // GD2: the notice only changes 医共体 transfers; other referrals keep the baseline "full".
    let out = estimate(&json!({"policy": "guangdong-2025", "person": {"category": "ordinary"},
     "visits": [
      {"kind": "inpatient", "level": "county",   "date": "2025-08-10", "total": "10000", "out_of_catalog": "0",
       "referral": "upward", "referred_from": "township"},
      {"kind": "inpatient", "level": "township", "date": "2025-08-25", "total": "3000", "out_of_catalog": "0", "referral": "downward"}]}));
    assert_visits(&out, &[
        ["10000.00", "7125.00", "0.00", "0.00", "7125.00", "2875.00"],
        ["3000.00", "2380.00", "0.00", "0.00", "2380.00", "620.00"],
    ]);
    assert_warnings(&out, &[]);
}

#[test]
fn guangdong_low_income_alliance_transfer_with_assistance() {
    // GD3: basic 10,000 × 75% = 7,500; P = 2,500 under the preferential 7,500 → no 大病;
    // 救助 2,500 × 70% = 1,750.
    let out = estimate(&json!({"policy": "guangdong-2025", "person": {"category": "low_income"},
     "visits": [{"kind": "inpatient", "level": "county", "date": "2025-10-01", "total": "10000",
                 "out_of_catalog": "0", "referral": "alliance"}]}));
    assert_visits(&out, &[["10000.00", "7500.00", "0.00", "1750.00", "9250.00", "750.00"]]);
    assert_warnings(&out, &[]);
}

#[test]
fn guangdong_before_its_start_date_is_an_error() {
    let v = json!({"kind": "inpatient", "level": "county", "date": "2025-07-30", "total": "1000", "out_of_catalog": "0"});
    let e = estimate_err(&one_visit("guangdong-2025", json!({"category": "ordinary"}), v));
    assert_eq!(code_path(&e), ("date_outside_policy", "visits[0].date"));
}

#[test]
fn jinan_stroke_and_hypertension_chronic_outpatient() {
    // J1: the 200 yearly deductible is paid once (visit 0), then 65%; hypertension stops at its
    // 1,500 condition cap (1,300 + 200).
    let out = estimate(&json!({"policy": "jinan-2023", "person": {"category": "ordinary", "conditions": ["stroke", "hypertension"]},
     "visits": [
      {"kind": "chronic_outpatient", "condition": "stroke",       "level": "township", "date": "2023-08-01", "total": "1000", "out_of_catalog": "0"},
      {"kind": "chronic_outpatient", "condition": "stroke",       "level": "township", "date": "2023-09-01", "total": "1000", "out_of_catalog": "0"},
      {"kind": "chronic_outpatient", "condition": "hypertension", "level": "township", "date": "2023-10-01", "total": "2000", "out_of_catalog": "0"},
      {"kind": "chronic_outpatient", "condition": "hypertension", "level": "township", "date": "2023-11-01", "total": "2000", "out_of_catalog": "0"}]}));
    assert_visits(&out, &[
        ["1000.00", "520.00", "0.00", "0.00", "520.00", "480.00"],
        ["1000.00", "650.00", "0.00", "0.00", "650.00", "350.00"],
        ["2000.00", "1300.00", "0.00", "0.00", "1300.00", "700.00"],
        ["2000.00", "200.00", "0.00", "0.00", "200.00", "1800.00"],
    ]);
    assert_warnings(&out, &[]);
}

#[test]
fn jinan_low_income_copd_gets_assistance() {
    // J2: (3,000 − 200) × 65% = 1,820 (COPD has no condition cap); P = 1,180 under 7,500;
    // 救助 1,180 × 70% = 826.
    let out = estimate(&json!({"policy": "jinan-2023", "person": {"category": "low_income", "conditions": ["copd"]},
     "visits": [{"kind": "chronic_outpatient", "condition": "copd", "level": "county", "date": "2024-04-01",
                 "total": "3000", "out_of_catalog": "0"}]}));
    assert_visits(&out, &[["3000.00", "1820.00", "0.00", "826.00", "2646.00", "354.00"]]);
    assert_warnings(&out, &[]);
}

/// The eight pilot condition groups of 金医保发〔2023〕19号 四、（一）.
const JINAN_CONDITIONS: [&str; 8] = [
    "hypertension",
    "hypertension_complicated",
    "diabetes",
    "diabetes_insulin",
    "heart_failure",
    "coronary_heart_disease",
    "stroke",
    "copd",
];

#[test]
fn jinan_chronic_outpatient_accepted_for_each_of_the_8_condition_groups() {
    // Each group on its own: 1,000 at a township → (1,000 − 200) × 65% = 520, under every cap
    // (hypertension 1,500, diabetes 2,000).
    for condition in JINAN_CONDITIONS {
        let out = estimate(&one_visit(
            "jinan-2023",
            json!({"category": "ordinary", "conditions": [condition]}),
            json!({"kind": "chronic_outpatient", "condition": condition, "level": "township",
                   "date": "2024-02-01", "total": "1000", "out_of_catalog": "0"}),
        ));
        assert_visits(&out, &[["1000.00", "520.00", "0.00", "0.00", "520.00", "480.00"]]);
        assert_warnings(&out, &[]);
    }
    // The pack lists exactly these eight, citing the document.
    let jinan = policy("jinan-2023");
    assert_eq!(jinan.merged().pointer("/basic/chronic_outpatient/conditions").cloned(), Some(json!(JINAN_CONDITIONS)));
    let entry = jinan.provenance.lookup("/basic/chronic_outpatient/conditions").expect("conditions are sourced");
    assert_eq!(entry.basis, Basis::Document);
    let source = jinan.sources.get(entry.source.as_deref().expect("a source")).expect("a listed source");
    assert_eq!(source.number, "金医保发〔2023〕19号");
}

/// The four 两病 visits of F1 (hypertension 100 and 50,000, diabetes 50,000, hypertension 100).

#[test]
fn fengze_special_outpatient_for_stage3_hypertension_has_no_deductible_and_no_cap() {
    // F1 (issue 10): 泉丰政办综〔2021〕33号 “取消特殊门诊起付线和病种年度基金支付限额” — the
    // 门诊特殊病种 of 高血压Ⅲ期 (and 1型糖尿病): 65% from the first yuan, with no cap of its own
    // and outside the shared 6,000 cap, however much is spent.
    //  1. 100: 100 × 65% = 65.00; 大病: C = 35, below the 15,000 threshold.
    //  2. 50,000: 32,500.00 (the baseline would stop at its 6,000 shared cap); 大病: C = 35 +
    //     17,500 = 17,535, (17,535 − 15,000) × 60% = 1,521.00.
    //  3. the same person's ordinary 高血压 keeps the baseline's rules: the shared deductible 200
    //     (not yet met: stage 3 used its own), (10,000 − 200) × 65% = 6,370 → 高血压 cap 1,500.00,
    //     which the shared cap (6,000, none of it used by stage 3) allows; 大病: C += 8,500 →
    //     8,500 × 60% = 5,100.00.
    let out = estimate(&json!({"policy": "fengze-2021",
        "person": {"category": "ordinary", "conditions": ["hypertension_stage3", "hypertension"]},
        "visits": [
          {"kind": "chronic_outpatient", "condition": "hypertension_stage3", "level": "township", "date": "2022-03-01", "total": "100", "out_of_catalog": "0"},
          {"kind": "chronic_outpatient", "condition": "hypertension_stage3", "level": "township", "date": "2022-05-01", "total": "50000", "out_of_catalog": "0"},
          {"kind": "chronic_outpatient", "condition": "hypertension", "level": "township", "date": "2022-06-01", "total": "10000", "out_of_catalog": "0"}]}));
    assert_visits(&out, &[
        ["100.00", "65.00", "0.00", "0.00", "65.00", "35.00"],
        ["50000.00", "32500.00", "1521.00", "0.00", "34021.00", "15979.00"],
        ["10000.00", "1500.00", "5100.00", "0.00", "6600.00", "3400.00"],
    ]);
    assert_warnings(&out, &[]);
    let steps = out["visits"][1]["steps"].as_array().unwrap();
    let exempt = steps.iter().find(|s| s["rule"] == "chronic_outpatient.exempt_from_shared_cap").expect("the exemption is explained");
    assert!(exempt["text"].as_str().unwrap().contains("高血压Ⅲ期"), "{exempt}");
    assert_eq!(exempt["params"][0], "/basic/chronic_outpatient/condition_rules/hypertension_stage3/exempt_from_shared_cap");

    // The national baseline declares 高血压Ⅲ期 but lists it in no 门诊慢特病 scheme of its own.
    let e = estimate_err(&one_visit(
        "national-baseline",
        json!({"category": "ordinary", "conditions": ["hypertension_stage3"]}),
        json!({"kind": "chronic_outpatient", "condition": "hypertension_stage3", "level": "township", "date": "2022-03-01", "total": "100", "out_of_catalog": "0"}),
    ));
    assert_eq!(code_path(&e), ("condition_not_covered", "visits[0].condition"));
}

#[test]
fn fengze_two_diseases_medicines_keep_the_baseline_rules() {
    // F2 (issue 10): the 2021 rule is for the 特殊门诊, not the “两病” medication scheme, so a
    // 两病 visit pays as under the baseline: (100 − 50) × 50% = 25; 大病 does not cover 两病;
    // 救助 for 低保: (100 − 25) × 70% = 52.50.
    let visit = json!({"kind": "two_diseases_outpatient", "condition": "diabetes", "level": "township", "date": "2022-03-01", "total": "100", "out_of_catalog": "0"});
    for policy in ["fengze-2021", "national-baseline"] {
        let out = estimate(&json!({"policy": policy, "person": {"category": "low_income", "conditions": ["diabetes"]}, "visits": [visit.clone()]}));
        assert_visits(&out, &[["100.00", "25.00", "0.00", "52.50", "77.50", "22.50"]]);
    }
}

#[test]
fn fengze_two_diseases_visit_for_copd_is_refused() {
    // COPD is a chronic condition the person holds, but not one of the 两病.
    let e = estimate_err(&one_visit(
        "fengze-2021",
        json!({"category": "ordinary", "conditions": ["copd"]}),
        json!({"kind": "two_diseases_outpatient", "condition": "copd", "level": "township",
               "date": "2022-03-01", "total": "100", "out_of_catalog": "0"}),
    ));
    assert_eq!(code_path(&e), ("invalid_value", "visits[0].condition"));
}

// ---------------------------------------------------------------------------------------------
// 2. Provenance: every parameter of every shipped pack says where it comes from
// ---------------------------------------------------------------------------------------------

/// The ids of the shipped packs, as `packs/*.json` holds them.
const PACK_IDS: [&str; 7] = ["national-baseline", "gansu-2018", "qujing-2022", "guangdong-2025", "jinan-2023", "fengze-2021", "quanzhou-2023"];

/// Top-level keys that describe the pack rather than hold a parameter of the rules.
// `levels` and `conditions` name things (a level's name and rank, a condition's name): no amount or rate.
const METADATA_KEYS: [&str; 11] = ["format", "id", "name", "description", "region", "effective", "extends", "sources", "provenance", "levels", "conditions"];

fn all_packs() -> &'static [yibao::Policy] {
    yibao::policy::bundled::all().unwrap_or_else(|e| panic!("a shipped pack is refused: {e}"))
}

fn policy(id: &str) -> &'static yibao::Policy {
    all_packs().iter().find(|p| p.id == id).unwrap_or_else(|| panic!("no bundled pack {id}"))
}

/// The JSON Pointers of the parameter leaves under `value`. A leaf is anything that is not a
/// non-empty object: arrays (bands, covers, conditions) are replaced whole by `extends`, so they
/// are one parameter; `null` and `{}` are parameters too ("no cap", "no reduced rates").
fn leaf_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                leaf_pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        _ => out.push(at),
    }
}

/// The parameter leaves of a merged pack (metadata keys left out).
fn parameter_leaves(merged: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in merged.as_object().expect("a pack is an object") {
        if !METADATA_KEYS.contains(&key.as_str()) {
            leaf_pointers(value, format!("/{key}"), &mut out);
        }
    }
    out
}

#[test]
fn all_bundled_packs_are_shipped_and_load() {
    let ids: BTreeSet<&str> = all_packs().iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, PACK_IDS.into_iter().collect());
    for id in PACK_IDS {
        assert!(yibao::policy::bundled::raw(id).is_some(), "raw JSON of {id}");
    }
}

#[test]
fn every_parameter_leaf_is_covered_by_a_provenance_pointer() {
    for p in all_packs() {
        let leaves = parameter_leaves(p.merged());
        assert!(leaves.len() > 20, "{}: too few parameters found ({leaves:?})", p.id);
        for leaf in leaves {
            assert!(p.provenance.lookup(&leaf).is_some(), "{}: no provenance covers {leaf}", p.id);
        }
    }
}

#[test]
fn every_provenance_source_is_a_listed_source_and_every_pointer_exists() {
    for p in all_packs() {
        let merged = p.merged().clone();
        let provenance = merged["provenance"].as_object().expect("merged provenance");
        for (pointer, entry) in provenance {
            assert!(p.merged().pointer(pointer).is_some(), "{}: provenance {pointer} points at nothing", p.id);
            if let Some(source) = entry.get("source").and_then(Value::as_str) {
                assert!(p.sources.contains_key(source), "{}: {pointer} cites unknown source {source}", p.id);
            }
            // The typed lookup agrees with the raw entry for the pointer itself.
            let typed = p.provenance.lookup(pointer).expect("a pointer covers itself");
            assert_eq!(typed.source.as_deref(), entry.get("source").and_then(Value::as_str), "{}: {pointer}", p.id);
        }
    }
}

#[test]
fn every_regional_pack_cites_its_document() {
    // The pack's own provenance (not what it inherits from the baseline) must hold at least one
    // `document` entry whose source is a numbered document (文号 …号) or, for the Guangdong notice
    // that carries no number, names the 通知.
    for p in all_packs().iter().filter(|p| p.id != "national-baseline") {
        let own = raw(&p.id);
        let cited: Vec<&str> = own["provenance"]
            .as_object()
            .unwrap_or_else(|| panic!("{} has no provenance of its own", p.id))
            .values()
            .filter(|e| e["basis"] == "document")
            .filter_map(|e| e["source"].as_str())
            .map(|s| p.sources.get(s).expect("a listed source").number.as_str())
            .filter(|number| number.contains('号') || number.contains("通知"))
            .collect();
        assert!(!cited.is_empty(), "{}: no document-basis entry citing a numbered document or notice", p.id);
    }
}

/// Leaves a regional pack overrides whose document gives no figure or no rule, so they are marked
/// illustrative (or guidance) on purpose (docs/pack-expectations.md, last section).
const ILLUSTRATIVE_OVERRIDES: [(&str, &str, Basis); 5] = [
    // 曲政办发〔2022〕65号 brings county clinics into 普通门诊 without a rate.
    ("qujing-2022", "/basic/general_outpatient/levels/county/rate", Basis::Illustrative),
    // Settlement: the documents tie a holdback to the assessment without saying how; returning
    // score/100 of it is the example rule.
    ("qujing-2022", "/settlement/holdbacks/0/returned", Basis::Illustrative),
    ("gansu-2018", "/settlement/holdbacks/0/returned", Basis::Illustrative),
    ("guangdong-2025", "/settlement/holdbacks/0/returned", Basis::Illustrative),
    // 广东 leaves the surplus rules to each city; keeping all of it is the reading of 结余留用.
    ("guangdong-2025", "/settlement/surplus/method", Basis::Guidance),
];

#[test]
fn what_a_regional_pack_overrides_is_documented() {
    // A child pack exists to carry what its document says: every parameter it writes itself
    // (not inherited) is `document`, except the few listed above.
    for p in all_packs().iter().filter(|p| p.id != "national-baseline") {
        for leaf in parameter_leaves(&raw(&p.id)) {
            let entry = p.provenance.lookup(&leaf).unwrap_or_else(|| panic!("{}: {leaf} unsourced", p.id));
            let want = ILLUSTRATIVE_OVERRIDES.iter().find(|(id, l, _)| *id == p.id && *l == leaf).map_or(Basis::Document, |o| o.2);
            assert_eq!(entry.basis, want, "{}: {leaf}", p.id);
        }
    }
}

#[test]
fn values_the_documents_do_not_state_are_marked_illustrative() {
    // The exceptions docs/pack-expectations.md names: inherited values the pack re-marks as
    // illustrative with a note saying the document gives no number.
    for (id, pointer) in [
        ("qujing-2022", "/basic/inpatient/unreferred_rate"),
        ("qujing-2022", "/basic/general_outpatient/levels/village/rate"),
        ("qujing-2022", "/basic/general_outpatient/levels/township/rate"),
        ("qujing-2022", "/basic/general_outpatient/levels/county/rate"),
        ("gansu-2018", "/basic/general_outpatient/annual_cap"),
        ("gansu-2018", "/basic/inpatient/levels/county/rate"),
        ("jinan-2023", "/basic/chronic_outpatient/rate"),
        ("jinan-2023", "/basic/chronic_outpatient/condition_caps/hypertension"),
    ] {
        let entry = policy(id).provenance.lookup(pointer).unwrap_or_else(|| panic!("{id}: {pointer} unsourced"));
        assert_eq!(entry.basis, Basis::Illustrative, "{id}: {pointer}");
        assert!(entry.note.as_deref().is_some_and(|n| !n.is_empty()), "{id}: {pointer} says why it is illustrative");
    }
}

// ---------------------------------------------------------------------------------------------
// 3. The JSON Schema and the engine's validation agree
// ---------------------------------------------------------------------------------------------

/// The pack schema, compiled as draft 2020-12 with `format` asserted: the schema marks dates
/// `"format": "date"`, and a portal's validator that honours it refuses 2018-02-30 as the engine
/// does (2020-12 makes formats annotations unless asked).
/// The bundled packs' format's schema (they are /2).
fn schema_validator() -> jsonschema::Validator {
    schema_validator_for("yibao-policy/2")
}

/// The JSON Schema of a pack's format (`schema/yibao-policy-1.schema.json` or `-2`).
fn schema_validator_for(format: &str) -> jsonschema::Validator {
    let version = format.strip_prefix("yibao-policy/").expect("a yibao-policy format");
    let path = format!("{}/schema/yibao-policy-{version}.schema.json", env!("CARGO_MANIFEST_DIR"));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("schema file")).expect("schema is JSON");
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("the schema does not compile: {e}"))
}

/// The schema's complaints about `pack`, one line each (empty when valid).
fn schema_errors(v: &jsonschema::Validator, pack: &Value) -> Vec<String> {
    v.iter_errors(pack).map(|e| format!("{}: {e}", e.instance_path)).collect()
}

fn raw(id: &str) -> Value {
    yibao::policy::bundled::raw(id).unwrap_or_else(|| panic!("no raw pack {id}")).clone()
}

#[test]
fn every_shipped_pack_validates_against_the_schema() {
    for id in PACK_IDS {
        let pack = raw(id);
        let v = schema_validator_for(pack["format"].as_str().unwrap());
        assert_eq!(schema_errors(&v, &pack), Vec::<String>::new(), "{id}");
    }
}

#[test]
fn every_merged_pack_is_a_complete_pack_by_the_schema() {
    // Without `extends` the schema demands a complete pack; a merged child must be one.
    for p in all_packs() {
        let v = schema_validator_for(p.merged()["format"].as_str().unwrap());
        let mut merged = p.merged().clone();
        merged.as_object_mut().unwrap().remove("extends");
        assert_eq!(schema_errors(&v, &merged), Vec::<String>::new(), "{}", p.id);
        // …and the engine takes the flattened pack back unchanged.
        let again = yibao::load_policy(&merged).unwrap_or_else(|e| panic!("{}: {e}", p.id));
        assert_eq!(again.merged(), &merged, "{}", p.id);
    }
}

/// One edit of a pack: set `key` of the object at `parent` (JSON Pointer) to a value, or remove it.
struct Edit {
    parent: &'static str,
    key: &'static str,
    value: Option<Value>,
}

fn set(parent: &'static str, key: &'static str, value: Value) -> Edit {
    Edit { parent, key, value: Some(value) }
}

fn remove(parent: &'static str, key: &'static str) -> Edit {
    Edit { parent, key, value: None }
}

impl Edit {
    fn apply(&self, pack: &Value) -> Value {
        let mut out = pack.clone();
        let obj = out
            .pointer_mut(self.parent)
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("no object at {} in {}", self.parent, pack["id"]));
        match &self.value {
            Some(v) => obj.insert(self.key.to_owned(), v.clone()),
            None => obj.remove(self.key),
        };
        out
    }

    /// The JSON Pointer of the edited key, which is where the engine must say the fault is.
    fn pointer(&self) -> String {
        format!("{}/{}", self.parent, self.key.replace('~', "~0").replace('/', "~1"))
    }
}

/// Mutations both the schema and the engine must refuse, each with the pointer the engine names.
/// Every one applies to the complete baseline and to the Gansu child pack (the pointers exist in
/// both), so both halves of the schema (complete and partial packs) are exercised.
fn invalid_edits() -> Vec<(&'static str, Edit)> {
    vec![
        ("unknown top-level key", set("", "colour", json!("red"))),
        ("unknown nested key", set("/critical_illness", "treshold", json!("5000"))),
        ("rate above 1", set("/critical_illness/bands/0", "rate", json!("1.5"))),
        ("negative amount", set("/critical_illness", "threshold", json!("-1"))),
        ("bands_from not threshold/zero", set("/critical_illness", "bands_from", json!("one"))),
        ("a level key that is not an id", set("/basic/general_outpatient/levels", "Hospital", json!({"rate": "0.5"}))),
        ("basis not document/guidance/illustrative", set("/provenance/~1critical_illness~1threshold", "basis", json!("rumour"))),
        ("missing format", remove("", "format")),
        ("referral upward not difference/full", set("/basic/inpatient/referral", "upward", json!("half"))),
        // Matches the schema's date pattern; refused only because formats are asserted.
        ("impossible calendar date", set("/effective", "from", json!("2018-02-30"))),
    ]
}

#[test]
fn schema_and_engine_both_refuse_each_invalid_edit() {
    let v = schema_validator();
    for base in ["national-baseline", "gansu-2018"] {
        let pack = raw(base);
        for (what, edit) in invalid_edits() {
            if base == "gansu-2018" && what == "missing format" {
                // Known engine gap: a child without `format` inherits its parent's and loads.
                // See child_pack_must_carry_its_own_format_and_id (ignored until fixed).
                continue;
            }
            let bad = edit.apply(&pack);
            assert!(!v.is_valid(&bad), "{base}, {what}: the schema accepts it");
            let e = yibao::load_policy(&bad).err().unwrap_or_else(|| panic!("{base}, {what}: the engine accepts it"));
            assert_eq!(e.code, "invalid_policy", "{base}, {what}: {e}");
            assert_eq!(e.path, edit.pointer(), "{base}, {what}: {e}");
        }
    }
}

#[test]
fn schema_and_engine_both_accept_valid_edits() {
    let v = schema_validator();
    let cases = [
        ("national-baseline", set("/basic/inpatient/levels/county", "rate", json!("0.5"))),
        ("national-baseline", set("/basic/inpatient/levels/county", "rate", json!(0.5))),
        ("gansu-2018", set("/critical_illness/bands/0", "rate", json!("0.5"))),
        // An optional section a child pack may drop: it then inherits the baseline's.
        ("fengze-2021", remove("/basic", "two_diseases")),
        ("gansu-2018", remove("/basic", "general_outpatient")),
        // The baseline may drop an optional section nothing points at.
        ("national-baseline", remove("", "medical_assistance")),
    ];
    for (base, edit) in cases {
        let pack = edit.apply(&raw(base));
        let pack = if base == "national-baseline" && edit.key == "medical_assistance" {
            // Its provenance pointers go with it (a pointer must point at something).
            strip_provenance_under(pack, "/medical_assistance")
        } else {
            pack
        };
        assert_eq!(schema_errors(&v, &pack), Vec::<String>::new(), "{base}, {}", edit.pointer());
        if let Err(e) = yibao::load_policy(&pack) {
            panic!("{base}, {}: the engine refuses it: {e}", edit.pointer());
        }
    }
    // The edit shows in the loaded pack (and a dropped child section falls back to the parent's).
    let p = yibao::load_policy(&remove("/basic", "two_diseases").apply(&raw("fengze-2021"))).unwrap();
    assert_eq!(p.merged()["basic"]["two_diseases"], policy("national-baseline").merged()["basic"]["two_diseases"]);
}

/// `pack` without the provenance entries at or below `pointer`.
fn strip_provenance_under(mut pack: Value, pointer: &str) -> Value {
    let prov = pack["provenance"].as_object_mut().unwrap();
    prov.retain(|k, _| !(k == pointer || k.starts_with(&format!("{pointer}/"))));
    pack
}

#[test]
fn engine_refuses_what_the_schema_cannot_express() {
    // JSON Schema cannot compare array items with each other or look up one part of the document
    // from another, so these are checked by the engine only (the schema's $comment says so for
    // the bands). Only the engine's verdict is asserted.
    let cases: Vec<(&str, &str, Edit)> = vec![
        (
            "national-baseline",
            "bands not strictly increasing",
            set("/critical_illness", "bands", json!([{"up_to": "10000", "rate": "0.6"}, {"up_to": "10000", "rate": "0.7"}, {"rate": "0.8"}])),
        ),
        ("gansu-2018", "a band other than the last without up_to", set("/critical_illness/bands/2", "up_to", Value::Null)),
        (
            "gansu-2018",
            "provenance source that is not a key of sources",
            set("/provenance/~1critical_illness~1threshold", "source", json!("gs-999")),
        ),
        ("gansu-2018", "provenance pointer to nothing", set("/provenance", "/basic/nothing", json!({"basis": "illustrative"}))),
        ("national-baseline", "effective.until before from", set("/effective", "until", json!("2017-12-31"))),
        ("national-baseline", "condition cap for an unlisted condition", set("/basic/chronic_outpatient/condition_caps", "gout", json!("100"))),
        // Format /2: ids must be declared by the merged pack.
        ("national-baseline", "a level the pack does not declare", set("/basic/general_outpatient/levels", "hospital", json!({"rate": "0.5"}))),
        ("national-baseline", "a condition the pack does not declare", set("/basic/chronic_outpatient", "conditions", json!(["hypertension", "gout"]))),
        ("fengze-2021", "rules for a condition not in the list", set("/basic/chronic_outpatient/condition_rules", "copd2", json!({"rate": "0.5"}))),
        ("national-baseline", "two assistance layers with one id", set("/medical_assistance", "layers", json!([
            {"id": "a", "name": "大额医疗救助", "categories": {}}, {"id": "a", "name": "倾斜救助", "categories": {}}]))),
    ];
    for (base, what, edit) in cases {
        let e = yibao::load_policy(&edit.apply(&raw(base))).err().unwrap_or_else(|| panic!("{base}, {what}: accepted"));
        assert_eq!(e.code, "invalid_policy", "{base}, {what}: {e}");
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Choosing the pack by region and date
// ---------------------------------------------------------------------------------------------

fn gansu_by_region(date: &str) -> Value {
    json!({"region": "620000", "person": {"category": "ordinary"},
           "visits": [{"kind": "inpatient", "level": "county", "date": date, "total": "10000", "out_of_catalog": "0"}]})
}

#[test]
fn region_620000_in_2024_picks_gansu_2018() {
    let out = estimate(&gansu_by_region("2024-03-18"));
    assert_eq!(out["policy"]["id"], "gansu-2018");
    assert_eq!(out["policy"]["region"]["code"], "620000");
    // And it is Gansu's rules that ran: 0–1万 at 60% only exists there, but this bill is under the
    // 5,000 threshold, so check the basic figure and that the 大病 params are Gansu's.
    assert_eq!(out["visits"][0]["basic"], "7125.00");
    assert_eq!(out["parameters"]["/critical_illness/threshold"]["value"], "5000");
}

#[test]
fn region_620000_before_2018_06_01_is_outside_every_gansu_pack() {
    let e = estimate_err(&gansu_by_region("2018-05-31"));
    assert_eq!(code_path(&e), ("date_outside_policy", "visits[0].date"));
}

// ---------------------------------------------------------------------------------------------
// 5. Every estimate explains itself with sourced parameters
// ---------------------------------------------------------------------------------------------

/// An inpatient stay large enough that all three schemes pay something under every pack (a 低保
/// person, a municipal admission of 80,000 of which 75,000 in scope), dated where every pack is
/// in force (guangdong-2025 starts 2025-07-31).
fn large_low_income_admission(policy: &str) -> Value {
    // A city hospital: 市级医院 where the pack has rules.md's five levels, 三级 in 泉州's tiers.
    let level = if policy == "quanzhou-2023" { "tier3" } else { "municipal" };
    one_visit(
        policy,
        json!({"category": "low_income"}),
        json!({"kind": "inpatient", "level": level, "date": "2025-09-01",
               "total": "80000", "out_of_catalog": "3000", "class_b_self_pay": "2000"}),
    )
}

/// An estimate explains itself: every step has words and an amount, every parameter a step
/// names is listed in `parameters` with its value from the merged pack and the basis its
/// provenance gives, and a `document` parameter shows the document's number and clause (what
/// the page prints beside it).
fn assert_explained(out: &Value) {
    let p = policy(out["policy"]["id"].as_str().expect("policy.id"));
    let params = out["parameters"].as_object().expect("parameters object");
    for (i, visit) in out["visits"].as_array().expect("visits").iter().enumerate() {
        for step in visit["steps"].as_array().expect("steps") {
            assert!(!step["text"].as_str().unwrap_or("").is_empty(), "{} visit {i}: a step without words: {step}", p.id);
            fen(step["amount"].as_str().expect("step amount"));
            for ptr in step["params"].as_array().expect("step params") {
                let ptr = ptr.as_str().unwrap();
                let param = params.get(ptr).unwrap_or_else(|| panic!("{}: step param {ptr} missing from parameters", p.id));
                // The pointer names a real parameter of the merged pack, shown with its value.
                let value = p.merged().pointer(ptr).unwrap_or_else(|| panic!("{}: step param {ptr} points at nothing", p.id));
                assert_eq!(param["value"], (value).clone(), "{}: {ptr}", p.id);
            }
        }
    }
    // `sources` holds exactly the documents the parameters cite, as the pack lists them.
    let cited: BTreeSet<&str> = params.values().filter_map(|q| q["source"].as_str()).collect();
    let listed: BTreeSet<&str> = out["sources"].as_object().expect("sources object").keys().map(String::as_str).collect();
    assert_eq!(cited, listed, "{}", p.id);
    for key in listed {
        assert_eq!(out["sources"][key], serde_json::to_value(p.sources.get(key).unwrap()).unwrap(), "{}: {key}", p.id);
    }
    for (ptr, param) in params {
        let basis = p.provenance.lookup(ptr).map_or(Basis::Illustrative, |e| e.basis);
        assert_eq!(param["basis"], basis.id(), "{}: {ptr}", p.id);
        if param["basis"] == "document" {
            let key = param["source"].as_str().unwrap_or("");
            let number = out["sources"][key]["number"].as_str().unwrap_or("");
            let clause = param["clause"].as_str().unwrap_or("");
            assert!(!number.is_empty() && !clause.is_empty(), "{}: document parameter {ptr} without source number and clause: {param}", p.id);
        }
    }
}

#[test]
fn each_pack_explains_an_inpatient_estimate_with_sourced_parameters() {
    for p in all_packs() {
        // `estimate` runs assert_explained on the result.
        let out = estimate(&large_low_income_admission(&p.id));
        assert_eq!(out["policy"]["id"], p.id.as_str());
        // All three schemes pay and explain an amount, so all three kinds of parameter are shown.
        let steps = out["visits"][0]["steps"].as_array().expect("steps");
        let schemes: BTreeSet<&str> = steps.iter().map(|s| s["scheme"].as_str().unwrap()).collect();
        assert_eq!(schemes, ["basic", "critical_illness", "medical_assistance"].into_iter().collect(), "{}", p.id);
        for scheme in ["basic", "critical_illness", "medical_assistance"] {
            assert_ne!(out["visits"][0][scheme], "0.00", "{}: {scheme} pays nothing", p.id);
        }
        assert!(out["parameters"].as_object().is_some_and(|m| !m.is_empty()), "{}", p.id);
    }
}

#[test]
fn gansu_critical_illness_step_cites_72_hao() {
    // The 大病 parameters a Gansu estimate shows are the document's, with its 文号.
    let out = estimate(&large_low_income_admission("gansu-2018"));
    for ptr in ["/critical_illness/preferential/threshold", "/critical_illness/preferential/bands"] {
        let param = &out["parameters"][ptr];
        assert_eq!(param["basis"], "document", "{ptr}: {param}");
        assert_eq!(out["sources"][param["source"].as_str().unwrap()]["number"], "甘政办发〔2018〕72号", "{ptr}");
    }
}


// ---------------------------------------------------------------------------------------------
// Verdicts that once differed between the schema and the engine, now settled
// ---------------------------------------------------------------------------------------------

#[test]
fn child_pack_must_carry_its_own_format_and_id() {
    // The schema requires `format` and `id` in every pack file, child or not. Without this check a
    // portal pack with no id loads as "national-baseline" while carrying Gansu's numbers.
    for key in ["format", "id"] {
        let bad = remove("", key).apply(&raw("gansu-2018"));
        assert!(!schema_validator().is_valid(&bad));
        match yibao::load_policy(&bad) {
            Ok(p) => panic!("a child pack without {key} loads (as id {})", p.id),
            Err(e) => assert_eq!(code_path(&e), ("invalid_policy", format!("/{key}").as_str())),
        }
    }
}

#[test]
fn schema_and_engine_agree_where_both_can_express_the_rule() {
    let v = schema_validator();
    let cases: Vec<(&str, &str, Edit)> = vec![
        // The schema accepts, the engine refuses: amounts as JSON numbers are not held to
        // two decimals by the schema (no multipleOf).
        ("national-baseline", "amount as a number with 3 decimals", set("/critical_illness", "threshold", json!(1.234))),
        // The engine accepts, the schema refuses:
        ("national-baseline", "amount with a leading zero", set("/critical_illness", "threshold", json!("05000"))),
        ("national-baseline", "amount -0", set("/critical_illness", "threshold", json!("-0"))),
        ("national-baseline", "rate -0", set("/basic/inpatient/levels/county", "rate", json!("-0"))),
        ("national-baseline", "rate 00.5", set("/basic/inpatient/levels/county", "rate", json!("00.5"))),
        ("national-baseline", "source date not a date", set("/sources/gbf-2015-57", "date", json!("yesterday"))),
        ("national-baseline", "region code not 6 digits", set("/region", "code", json!("62"))),
        ("national-baseline", "empty name", set("", "name", json!(""))),
        ("national-baseline", "duplicate tcm level", set("/basic/inpatient", "tcm_full_levels", json!(["county", "county"]))),
        ("national-baseline", "duplicate covered kind", set("/critical_illness", "covers", json!(["inpatient", "inpatient"]))),
        ("national-baseline", "complete pack without inpatient levels", remove("/basic/inpatient", "levels")),
        ("national-baseline", "complete pack without critical_illness.covers", remove("/critical_illness", "covers")),
        ("national-baseline", "complete pack without preferential.categories", remove("/critical_illness/preferential", "categories")),
    ];
    let mut disagree = Vec::new();
    for (base, what, edit) in cases {
        let pack = edit.apply(&raw(base));
        let (schema_ok, engine_ok) = (v.is_valid(&pack), yibao::load_policy(&pack).is_ok());
        if schema_ok != engine_ok {
            disagree.push(format!("{base}, {what}: schema {schema_ok}, engine {engine_ok}"));
        }
    }
    assert!(disagree.is_empty(), "verdicts differ:\n{}", disagree.join("\n"));
}
