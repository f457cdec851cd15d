//! Every worked example of ../shared/spec/examples.md, to the fen.

mod common;
use common::*;
use serde_json::json;

fn municipal_50k(category: &str) -> serde_json::Value {
    case(category, json!([{ "kind": "inpatient", "level": "municipal", "date": "2024-05-10",
                            "total": "50000", "out_of_catalog": "3000", "class_b_self_pay": "2000" }]))
}

#[test]
fn example_1_ordinary_resident_one_municipal_admission() {
    let out = run(&municipal_50k("ordinary"), &example_policy());
    assert_eq!(field(&out, 0, "in_scope"), "45000.00");
    assert_eq!(split4(&out, 0), ["28730.00", "6825.50", "0.00", "14444.50"]);
    let ci = out["visits"][0]["steps"].as_array().unwrap().iter().find(|s| s["rule"] == "critical_illness.bands").unwrap();
    let text = ci["text"].as_str().unwrap();
    assert!(text.contains("超过起付线 5,000.00 元的 11,270.00 元按分段报销"), "{text}");
    assert!(text.contains("0–10,000 元 × 60% = 6,000.00 元；10,000–11,270 元 × 65% = 825.50 元"), "{text}");
}

#[test]
fn example_2_same_bill_low_income() {
    let out = run(&municipal_50k("low_income"), &example_policy());
    assert_eq!(split4(&out, 0), ["28730.00", "10487.90", "4047.47", "6734.63"]);
    assert_eq!(field(&out, 0, "reimbursed"), "43265.37");
}

fn two_admissions(second_date: &str) -> serde_json::Value {
    case("ordinary", json!([
        { "kind": "inpatient", "level": "county", "date": "2024-03-01", "total": "12000", "out_of_catalog": "1000" },
        { "kind": "inpatient", "level": "municipal", "date": second_date, "total": "30000", "out_of_catalog": "2000" }
    ]))
}

#[test]
fn example_3_threshold_paid_once_a_year() {
    let out = run(&two_admissions("2024-08-01"), &example_policy());
    assert_eq!(field(&out, 0, "in_scope"), "11000.00");
    assert_eq!(field(&out, 0, "basic"), "7875.00");
    assert_eq!(field(&out, 0, "critical_illness"), "0.00");
    assert_eq!(field(&out, 1, "basic"), "17680.00");
    assert_eq!(field(&out, 1, "critical_illness"), "5067.00");
    assert_eq!(total(&out, "critical_illness"), "5067.00");
    assert_eq!(total(&out, "reimbursed"), "30622.00");
}

#[test]
fn example_3_a_new_year_restarts_the_threshold() {
    let out = run(&two_admissions("2025-01-05"), &example_policy());
    assert_eq!(field(&out, 1, "basic"), "17680.00");
    assert_eq!(field(&out, 1, "critical_illness"), "3192.00");
}

#[test]
fn example_4_day_surgery_deductible_halved() {
    let c = case("ordinary", json!([{ "kind": "day_surgery", "level": "county", "date": "2024-06-01",
                                      "total": "8000", "out_of_catalog": "0" }]));
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "basic"), "5812.50");
    let steps = out["visits"][0]["steps"].as_array().unwrap();
    assert_eq!(steps[0]["amount"], "250.00");
    assert!(steps[0]["params"].as_array().unwrap().contains(&json!("/basic/inpatient/day_surgery_deductible_factor")));
}

#[test]
fn example_5_rounding_half_away_from_zero() {
    let c = case("ordinary", json!([{ "kind": "inpatient", "level": "county", "date": "2024-06-01",
                                      "total": "500.70", "class_b_self_pay": "0" }]));
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "basic"), "0.53");
    assert_eq!(field(&out, 0, "out_of_pocket"), "500.17");
}

/// Shandong 2014: 总费用30万元, 合规费用27万, 基本医保支付10万, 大病保险支付8.7万.
#[test]
fn example_6_bands_from_zero_shandong_2014() {
    let policy = example_with(json!({
        "basic": { "inpatient": { "annual_cap": "100000" } },
        "critical_illness": { "threshold": "10000", "bands_from": "zero",
                              "bands": [{ "up_to": "100000", "rate": "0.50" }, { "rate": "0.60" }] }
    }));
    let c = case("ordinary", json!([{ "kind": "inpatient", "level": "provincial", "date": "2024-06-01",
                                      "total": "300000", "out_of_catalog": "30000" }]));
    let out = run(&c, &policy);
    assert_eq!(field(&out, 0, "in_scope"), "270000.00");
    assert_eq!(field(&out, 0, "basic"), "100000.00");
    assert_eq!(field(&out, 0, "critical_illness"), "87000.00");
}

#[test]
fn example_7_bad_date() {
    let c = case("ordinary", json!([{ "kind": "inpatient", "level": "county", "date": "2024-02-30", "total": "1000" }]));
    let e = err(&c, &example_policy());
    assert_eq!(e.code, "invalid_date");
    assert_eq!(e.path, "visits[0].date");
    assert!(e.message.starts_with("日期无效：2024-02-30"), "{}", e.message);
}
