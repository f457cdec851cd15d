//! One case or more for each rule of rules.md, under the spec's example pack. Expected figures are
//! worked by hand in the comments.

mod common;
use common::*;
use serde_json::{json, Value};

fn ip(level: &str, total: &str) -> Value {
    json!({ "kind": "inpatient", "level": level, "date": "2024-06-01", "total": total, "out_of_catalog": "0" })
}

fn with(mut v: Value, extra: Value) -> Value {
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn steps(out: &Value, visit: usize) -> Vec<Value> {
    out["visits"][visit]["steps"].as_array().unwrap().clone()
}

fn step<'a>(steps: &'a [Value], rule: &str) -> &'a Value {
    steps.iter().find(|s| s["rule"] == rule).unwrap_or_else(|| panic!("no step {rule} in {steps:#?}"))
}

#[test]
fn estimated_split_uses_the_default_share_and_says_so() {
    // E = 1000 × 85% = 850; basic (850 − 500) × 75% = 262.50
    let c = case("ordinary", json!([{ "kind": "inpatient", "level": "county", "date": "2024-06-01", "total": "1000" }]));
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "in_scope"), "850.00");
    assert_eq!(field(&out, 0, "out_of_catalog"), "150.00");
    assert_eq!(field(&out, 0, "basic"), "262.50");
    assert_eq!(out["warnings"][0]["code"], "estimated_split");
    assert_eq!(out["warnings"][0]["visit"], 0);
    assert!(out["warnings"][0]["text"].as_str().unwrap().contains("85%"));
}

#[test]
fn giving_one_part_of_the_split_means_the_other_is_zero() {
    let c = case("ordinary", json!([{ "kind": "inpatient", "level": "county", "date": "2024-06-01", "total": "1000", "class_b_self_pay": "100" }]));
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "in_scope"), "900.00");
    assert_eq!(field(&out, 0, "out_of_catalog"), "0.00");
    assert_eq!(out["warnings"], json!([]));
}

#[test]
fn upward_referral_pays_only_the_deductible_difference() {
    // county 500 − township 200 = 300; (10000 − 300) × 75% = 7275
    let c = case("ordinary", json!([with(ip("county", "10000"), json!({"referral": "upward", "referred_from": "township"}))]));
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "basic"), "7275.00");
    assert_eq!(step(&steps(&out, 0), "inpatient.deductible")["amount"], "300.00");
    // With "full" the whole deductible is paid again.
    let full = example_with(json!({"basic": {"inpatient": {"referral": {"upward": "full"}}}}));
    assert_eq!(field(&run(&c, &full), 0, "basic"), "7125.00");
}

#[test]
fn downward_and_alliance_transfers_pay_no_deductible() {
    for r in ["downward", "alliance"] {
        let c = case("ordinary", json!([with(ip("county", "10000"), json!({"referral": r}))]));
        let out = run(&c, &example_policy());
        assert_eq!(field(&out, 0, "basic"), "7500.00", "{r}");
        let alliance_full = example_with(json!({"basic": {"inpatient": {"referral": {r: "full"}}}}));
        assert_eq!(field(&run(&c, &alliance_full), 0, "basic"), "7125.00", "{r} full");
    }
}

#[test]
fn unreferred_care_uses_the_reduced_rate_where_the_policy_has_one() {
    // municipal: (10000 − 800) × 50% = 4600; provincial: (10000 − 1500) × 30% = 2550; county: none listed
    let run1 = |level| {
        let c = case("ordinary", json!([with(ip(level, "10000"), json!({"referral": "unreferred"}))]));
        field(&run(&c, &example_policy()), 0, "basic")
    };
    assert_eq!(run1("municipal"), "4600.00");
    assert_eq!(run1("provincial"), "2550.00");
    assert_eq!(run1("county"), "7125.00");
}

#[test]
fn tcm_is_paid_in_full_at_listed_levels_only() {
    // county: (10000 − 2000 − 500) × 75% + 2000 = 7625; municipal: ordinary cost (10000 − 800) × 65% = 5980
    let c = case("ordinary", json!([with(ip("county", "10000"), json!({"tcm": "2000"})), with(ip("municipal", "10000"), json!({"tcm": "2000"}))]));
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "basic"), "7625.00");
    assert_eq!(step(&steps(&out, 0), "inpatient.tcm")["amount"], "2000.00");
    assert_eq!(field(&out, 1, "basic"), "5980.00");
}

#[test]
fn basic_inpatient_annual_cap_is_shared_across_the_year() {
    // provincial E 200000: (200000 − 1500) × 55% = 109175 each; the second is cut to 150000 − 109175 = 40825
    let c = case("ordinary", json!([ip("provincial", "200000"), with(ip("provincial", "200000"), json!({"date": "2024-07-01"}))]));
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "basic"), "109175.00");
    assert_eq!(field(&out, 1, "basic"), "40825.00");
    assert_eq!(step(&steps(&out, 1), "inpatient.annual_cap")["amount"], "68350.00");
    assert_eq!(total(&out, "basic"), "150000.00");
    // Seeded by year_to_date: 149000 already paid → 1000 left of 7125
    let c = json!({ "person": { "category": "ordinary", "year_to_date": { "basic_inpatient_paid": "149000" } }, "visits": [ip("county", "10000")] });
    assert_eq!(field(&run(&c, &example_policy()), 0, "basic"), "1000.00");
}

#[test]
fn general_outpatient_deductible_per_visit_and_annual_caps() {
    // township 70%, annual deductible 50, per visit 90, year 400 (曲靖: 400 yuan a year)
    let go = |total: &str, date: &str| json!({ "kind": "general_outpatient", "level": "township", "date": date, "total": total, "out_of_catalog": "0" });
    let c = case("low_income", json!([
        go("200", "2024-01-05"),  // (200 − 50) × 70% = 105 → per visit 90
        go("100", "2024-02-05"),  // 70
        go("1000", "2024-03-05"), // 90
        go("1000", "2024-04-05"), // 90
        go("1000", "2024-05-05"), // 90 → 60 left of 400
        go("1000", "2024-06-05"), // 0
        go("1000", "2025-01-05"), // new year: (1000 − 50) × 70% = 665 → 90
    ]));
    let out = run(&c, &example_policy());
    let basic: Vec<String> = (0..7).map(|i| field(&out, i, "basic")).collect();
    assert_eq!(basic, ["90.00", "70.00", "90.00", "90.00", "60.00", "0.00", "90.00"]);
    assert_eq!(step(&steps(&out, 0), "general_outpatient.deductible")["amount"], "50.00");
    assert_eq!(step(&steps(&out, 4), "general_outpatient.annual_cap")["amount"], "30.00");
    // 普通门诊 is outside 大病 and (in this pack) outside 救助.
    for i in 0..7 {
        assert_eq!(field(&out, i, "critical_illness"), "0.00");
        assert_eq!(field(&out, i, "medical_assistance"), "0.00");
    }
    assert_eq!(step(&steps(&out, 0), "critical_illness.not_covered")["effect"], "info");
}

#[test]
fn general_outpatient_at_an_uncovered_level_is_a_warning_not_an_error() {
    let c = case("ordinary", json!([{ "kind": "general_outpatient", "level": "municipal", "date": "2024-03-01", "total": "300", "out_of_catalog": "0" }]));
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "basic"), "0.00");
    assert_eq!(field(&out, 0, "out_of_pocket"), "300.00");
    assert_eq!(out["warnings"][0]["code"], "not_covered");
}

#[test]
fn chronic_outpatient_condition_caps_and_the_overall_cap() {
    let chronic = |cond: &str, total: &str, date: &str| json!({ "kind": "chronic_outpatient", "condition": cond, "level": "county", "date": date, "total": total, "out_of_catalog": "0" });
    // hypertension: (3000 − 300) × 65% = 1755 → condition cap 1500; then nothing left of 1500
    let c = json!({ "person": { "category": "ordinary", "conditions": ["hypertension"] },
                    "visits": [chronic("hypertension", "3000", "2024-02-01"), chronic("hypertension", "1000", "2024-03-01")] });
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "basic"), "1500.00");
    assert_eq!(field(&out, 1, "basic"), "0.00");
    // 大病 covers 门诊慢特病: P = 1500 + 1000 = 2500, under 5000
    assert_eq!(total(&out, "critical_illness"), "0.00");
    // copd: (10000 − 300) × 65% = 6305 → 4000; diabetes: 5000 × 65% = 3250 → 6000 − 4000 = 2000 left overall
    let c = json!({ "person": { "category": "ordinary", "conditions": ["copd", "diabetes"] },
                    "visits": [chronic("copd", "10000", "2024-02-01"), chronic("diabetes", "5000", "2024-03-01")] });
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "basic"), "4000.00");
    assert_eq!(field(&out, 1, "basic"), "2000.00");
    assert_eq!(step(&steps(&out, 1), "chronic_outpatient.annual_cap")["amount"], "1250.00");
}

#[test]
fn two_diseases_per_condition_caps_and_none_when_null() {
    let td = |cond: &str, total: &str| json!({ "kind": "two_diseases_outpatient", "condition": cond, "level": "township", "date": "2024-04-02", "total": total, "out_of_catalog": "0" });
    let c = json!({ "person": { "category": "ordinary", "conditions": ["hypertension", "diabetes"] },
                    "visits": [td("hypertension", "1000"), td("diabetes", "100"), td("diabetes", "50000")] });
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "basic"), "360.00"); // 550 → cap 360
    assert_eq!(field(&out, 1, "basic"), "55.00");
    assert_eq!(field(&out, 2, "basic"), "27500.00"); // diabetes: null cap = none
    // 救助 covers “两病” for 低保: (1000 − 360) × 70% = 448
    let c = json!({ "person": { "category": "low_income", "conditions": ["hypertension"] }, "visits": [td("hypertension", "1000")] });
    assert_eq!(field(&run(&c, &example_policy()), 0, "medical_assistance"), "448.00");
}

#[test]
fn accident_inpatient_critical_illness_capped() {
    // provincial E 200000: basic 109175; P 90825 → base 85825 → 6000 + 6500 + 21000 + 26868.75 = 60368.75 → 20000
    let c = case("ordinary", json!([{ "kind": "accident_inpatient", "level": "provincial", "date": "2024-06-01", "total": "200000", "out_of_catalog": "0" }]));
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "basic"), "109175.00");
    assert_eq!(field(&out, 0, "critical_illness"), "20000.00");
    assert_eq!(step(&steps(&out, 0), "critical_illness.bands")["amount"], "60368.75");
    // The same bill as an ordinary admission is not capped.
    let c = case("ordinary", json!([{ "kind": "inpatient", "level": "provincial", "date": "2024-06-01", "total": "200000", "out_of_catalog": "0" }]));
    assert_eq!(field(&run(&c, &example_policy()), 0, "critical_illness"), "60368.75");
}

#[test]
fn critical_illness_annual_cap_when_the_scale_has_one() {
    let policy = example_with(json!({"critical_illness": {"annual_cap": "5000"}}));
    let c = case("ordinary", json!([{ "kind": "inpatient", "level": "municipal", "date": "2024-05-10", "total": "50000", "out_of_catalog": "3000", "class_b_self_pay": "2000" }]));
    assert_eq!(field(&run(&c, &policy), 0, "critical_illness"), "5000.00");
}

#[test]
fn assistance_by_category_deductible_rate_and_cap() {
    let bill = json!([{ "kind": "inpatient", "level": "municipal", "date": "2024-05-10", "total": "50000", "out_of_catalog": "3000", "class_b_self_pay": "2000" }]);
    // 低保边缘: standard 大病 6825.50; B = 45000 − 28730 − 6825.50 = 9444.50; (9444.50 − 3000) × 60% = 3866.70
    let out = run(&case("marginal_low_income", bill.clone()), &example_policy());
    assert_eq!(split4(&out, 0), ["28730.00", "6825.50", "3866.70", "10577.80"]);
    // 特困: preferential 大病 10487.90; B = 5782.10 × 100%; only the out-of-scope 5000 is left
    let out = run(&case("extreme_poverty", bill.clone()), &example_policy());
    assert_eq!(split4(&out, 0), ["28730.00", "10487.90", "5782.10", "5000.00"]);
    // 建档立卡: preferential 大病; 5782.10 × 60% = 3469.26
    let out = run(&case("poverty_registered", bill.clone()), &example_policy());
    assert_eq!(field(&out, 0, "medical_assistance"), "3469.26");
    // 低保 with 29000 already paid this year: 4047.47 → 1000 left of 30000
    let c = json!({ "person": { "category": "low_income", "year_to_date": { "assistance_paid": "29000" } }, "visits": bill });
    assert_eq!(field(&run(&c, &example_policy()), 0, "medical_assistance"), "1000.00");
}

#[test]
fn year_to_date_seeds_the_critical_illness_accumulator() {
    // 4000 already counted + P 3125 = 7125 → (7125 − 5000) × 60% = 1275
    let c = json!({ "person": { "category": "ordinary", "year_to_date": { "critical_compliant": "4000" } },
                    "visits": [{ "kind": "inpatient", "level": "county", "date": "2024-03-01", "total": "12000", "out_of_catalog": "1000" }] });
    assert_eq!(field(&run(&c, &example_policy()), 0, "critical_illness"), "1275.00");
    // ...and only the earliest visit's year: a visit in the next year starts afresh.
    let c = json!({ "person": { "category": "ordinary", "year_to_date": { "critical_compliant": "4000" } },
                    "visits": [{ "kind": "inpatient", "level": "county", "date": "2024-03-01", "total": "1000", "out_of_catalog": "0" },
                               { "kind": "inpatient", "level": "county", "date": "2025-03-01", "total": "12000", "out_of_catalog": "1000" }] });
    assert_eq!(field(&run(&c, &example_policy()), 1, "critical_illness"), "0.00");
}

#[test]
fn visits_are_processed_in_date_order_and_reported_in_input_order() {
    let c = case("ordinary", json!([
        { "kind": "inpatient", "level": "municipal", "date": "2024-08-01", "total": "30000", "out_of_catalog": "2000" },
        { "kind": "inpatient", "level": "county", "date": "2024-03-01", "total": "12000", "out_of_catalog": "1000" }
    ]));
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "critical_illness"), "5067.00");
    assert_eq!(field(&out, 1, "critical_illness"), "0.00");
    assert_eq!(field(&out, 0, "date"), "2024-08-01");
}

#[test]
fn every_step_names_parameters_with_their_basis() {
    let c = case("low_income", json!([ip("county", "30000")]));
    let out = run(&c, &example_policy());
    let params = out["parameters"].as_object().unwrap();
    for s in steps(&out, 0) {
        assert!(!s["text"].as_str().unwrap().is_empty());
        for p in s["params"].as_array().unwrap() {
            assert!(params.contains_key(p.as_str().unwrap()), "{p} missing from parameters");
        }
    }
    assert_eq!(params["/basic/inpatient/levels/county/deductible"]["basis"], "illustrative");
    assert_eq!(params["/basic/inpatient/levels/county/deductible"]["value"], "500");
    assert_eq!(params["/critical_illness/preferential/threshold"]["basis"], "document");
    let key = params["/critical_illness/preferential/threshold"]["source"].as_str().expect("a source key");
    assert_eq!(out["sources"][key]["number"], "甘政办发〔2018〕72号");
}

#[test]
fn amounts_may_be_json_numbers_read_exactly() {
    let c = case("ordinary", json!([{ "kind": "inpatient", "level": "county", "date": "2024-06-01", "total": 500.7, "class_b_self_pay": 0 }]));
    assert_eq!(field(&run(&c, &example_policy()), 0, "basic"), "0.53");
}

// Found in review: each of these once gave a wrong fen, a wrong sentence or a panic.

#[test]
fn a_long_rate_in_a_portal_pack_is_explained_not_a_panic() {
    let policy = example_with(json!({"critical_illness": {"bands": [
        {"up_to": "10000", "rate": "0.60"}, {"up_to": "20000", "rate": "0.654321987654321"},
        {"up_to": "50000", "rate": "0.70"}, {"up_to": "100000", "rate": "0.75"}, {"rate": "0.80"}]}}));
    let c = case("ordinary", json!([{ "kind": "inpatient", "level": "municipal", "date": "2024-03-01", "total": "50000.37", "out_of_catalog": "3000", "class_b_self_pay": "2000" }]));
    let out = run(&c, &policy);
    // basic (45000.37 − 800) × 65% = 28730.2405 → 28730.24; P = 16270.13; base 11270.13
    // 大病 = 6000 + 1270.13 × 0.654321987654321 = 6000 + 831.0739861… → 6831.07
    assert_eq!(field(&out, 0, "basic"), "28730.24");
    assert_eq!(field(&out, 0, "critical_illness"), "6831.07");
    assert!(step(&steps(&out, 0), "critical_illness.bands")["text"].as_str().unwrap().contains("× 65.4321987654321%"));
}

#[test]
fn a_day_surgery_deductible_stays_exact_until_the_payment_is_rounded() {
    // (1000 − 500.01 × 50%) × 75% = (1000 − 250.005) × 75% = 562.49625 → 562.50 (not 562.49)
    let policy = example_with(json!({"basic": {"inpatient": {"levels": {"county": {"deductible": "500.01"}}}}}));
    let c = case("ordinary", json!([{ "kind": "day_surgery", "level": "county", "date": "2024-03-01", "total": "1000", "out_of_catalog": "0" }]));
    let out = run(&c, &policy);
    assert_eq!(field(&out, 0, "basic"), "562.50");
    let d = step(&steps(&out, 0), "inpatient.deductible").clone();
    assert_eq!(d["amount"], "250.01");
    assert!(d["text"].as_str().unwrap().contains("= 250.005 元"), "{}", d["text"]);
}

#[test]
fn tcm_paid_in_full_is_kept_apart_in_the_words_too() {
    let c = case("ordinary", json!([with(ip("county", "1000"), json!({"tcm": "1000"})), with(ip("county", "1000"), json!({"tcm": "600"}))]));
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "basic"), "1000.00");
    let d = step(&steps(&out, 0), "inpatient.deductible").clone();
    assert_eq!((d["effect"].as_str(), d["amount"].as_str()), (Some("info"), Some("0.00")));
    // 400 left besides TCM is below the 500 deductible: nothing at the rate, TCM 600 in full.
    assert_eq!(field(&out, 1, "basic"), "600.00");
    assert!(step(&steps(&out, 1), "inpatient.deductible")["text"].as_str().unwrap().contains("中医以外的政策范围内费用 400.00 元不足起付线"));
}

#[test]
fn upward_referral_explanations() {
    // From a level without inpatient benefit: the full deductible, said plainly, no phantom pointer.
    let c = case("ordinary", json!([with(ip("county", "3000"), json!({"referral": "upward", "referred_from": "village"}))]));
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "basic"), "1875.00"); // (3000 − 500) × 75%
    let d = step(&steps(&out, 0), "inpatient.deductible").clone();
    assert!(d["text"].as_str().unwrap().contains("转出的村卫生室没有住院起付线"), "{}", d["text"]);
    assert!(!d["params"].as_array().unwrap().contains(&json!("/basic/inpatient/levels/village/deductible")));
    // Day surgery referred up: the halving and the difference both explained; 400 − 500 pays nothing.
    let c = case("ordinary", json!([{ "kind": "day_surgery", "level": "municipal", "date": "2024-03-01", "total": "3000", "out_of_catalog": "0", "referral": "upward", "referred_from": "county" }]));
    let out = run(&c, &example_policy());
    assert_eq!(field(&out, 0, "basic"), "1950.00"); // 3000 × 65%
    let text = step(&steps(&out, 0), "inpatient.deductible")["text"].as_str().unwrap().to_owned();
    assert!(text.contains("日间手术起付线") && text.contains("差额不足 0"), "{text}");
}

#[test]
fn annual_deductible_words_say_what_is_left() {
    let go = |date: &str| json!({ "kind": "general_outpatient", "level": "village", "date": date, "total": "10", "out_of_catalog": "0" });
    let out = run(&case("ordinary", json!([go("2024-01-05"), go("2024-02-05")])), &example_policy());
    let text = step(&steps(&out, 1), "general_outpatient.deductible")["text"].as_str().unwrap().to_owned();
    assert!(text.contains("本年已付 10.00 元，本次由个人负担 10.00 元（本年尚余 30.00 元）"), "{text}");
    assert!(!text.contains("其余"), "{text}");
}

#[test]
fn a_pack_without_assistance_or_caps_says_so() {
    let policy = example_with(json!({"medical_assistance": null, "basic": {"two_diseases": {"annual_caps": null}}}));
    let c = json!({ "person": { "category": "low_income", "conditions": ["hypertension"] },
                    "visits": [{ "kind": "two_diseases_outpatient", "condition": "hypertension", "level": "township", "date": "2024-04-02", "total": "1000", "out_of_catalog": "0" }] });
    let out = run(&c, &policy);
    assert_eq!(field(&out, 0, "basic"), "550.00");
    assert!(step(&steps(&out, 0), "medical_assistance.not_in_policy")["text"].as_str().unwrap().contains("没有设置医疗救助"));
    let no_cap = step(&steps(&out, 0), "two_diseases.no_cap").clone();
    // The caps object is there but null: that is what says "no cap", so that is what is shown.
    assert_eq!(no_cap["params"], json!(["/basic/two_diseases/annual_caps"]));
    assert_eq!(out["parameters"]["/basic/two_diseases/annual_caps"]["basis"], "illustrative");
}

#[test]
fn what_critical_illness_leaves_is_a_step_too() {
    // examples.md §2: P = 16,270.00, 大病 10,487.90 → 5,782.10 left, which 救助 then takes at 70%.
    let bill = json!([{ "kind": "inpatient", "level": "municipal", "date": "2024-05-10", "total": "50000", "out_of_catalog": "3000", "class_b_self_pay": "2000" }]);
    let out = run(&case("low_income", bill), &example_policy());
    assert_eq!(step(&steps(&out, 0), "critical_illness.copayment")["amount"], "5782.10");
    // Under the threshold the whole P is left to the person (example 3, first visit: 3,125.00).
    let c = case("ordinary", json!([{ "kind": "inpatient", "level": "county", "date": "2024-03-01", "total": "12000", "out_of_catalog": "1000" }]));
    let t = run(&c, &example_policy());
    let s = step(&steps(&t, 0), "critical_illness.threshold").clone();
    assert_eq!((s["effect"].as_str(), s["amount"].as_str()), (Some("withheld"), Some("3125.00")));
}

#[test]
fn annual_deductibles_already_met_this_year_are_not_charged_again() {
    // 低保边缘, examples.md §1's bill: B = 9,444.50. With 2,000 of the 3,000 救助 threshold
    // already met: (9,444.50 − 1,000) × 60% = 5,066.70 (instead of 3,866.70).
    let bill = json!([{ "kind": "inpatient", "level": "municipal", "date": "2024-05-10", "total": "50000", "out_of_catalog": "3000", "class_b_self_pay": "2000" }]);
    let c = json!({ "person": { "category": "marginal_low_income", "year_to_date": { "assistance_deductible_paid": "2000" } }, "visits": bill });
    assert_eq!(field(&run(&c, &example_policy()), 0, "medical_assistance"), "5066.70");
    // 普通门诊: 30 of the 50 threshold met → (100 − 20) × 70% = 56.00
    let c = json!({ "person": { "category": "ordinary", "year_to_date": { "general_outpatient_deductible_paid": "30" } },
                    "visits": [{ "kind": "general_outpatient", "level": "township", "date": "2024-03-01", "total": "100", "out_of_catalog": "0" }] });
    assert_eq!(field(&run(&c, &example_policy()), 0, "basic"), "56.00");
    // 门诊慢特病: the whole 300 met → 1000 × 65% = 650.00
    let c = json!({ "person": { "category": "ordinary", "conditions": ["diabetes"], "year_to_date": { "chronic_deductible_paid": "300" } },
                    "visits": [{ "kind": "chronic_outpatient", "condition": "diabetes", "level": "county", "date": "2024-03-01", "total": "1000", "out_of_catalog": "0" }] });
    assert_eq!(field(&run(&c, &example_policy()), 0, "basic"), "650.00");
}

#[test]
fn a_payment_is_rounded_once_however_long_the_rate() {
    // 0.05 yuan above the deductible at a rate just under 10%: 0.00499…95 is under half a fen, so
    // nothing is paid. Rounding the product to 28 decimals first would make it 0.005 → 0.01.
    let policy = example_with(json!({"basic": {"inpatient": {"levels": {"county": {"rate": "0.099999999999999999999999999"}}}}}));
    let c = case("ordinary", json!([{ "kind": "inpatient", "level": "county", "date": "2024-03-01", "total": "500.05", "out_of_catalog": "0", "class_b_self_pay": "0" }]));
    let out = run(&c, &policy);
    assert_eq!(field(&out, 0, "in_scope"), "500.05");
    assert_eq!(field(&out, 0, "basic"), "0.00");
}
