//! Format `yibao-policy/2` (policy-format.md, rules.md "Rules v2"): hospital levels declared by
//! the pack, repeat admissions, and the first pack with a real area's figures, `quanzhou-2023`
//! (泉州: 三级 700 元 65%, 二级 300 元 82%, 一级及以下 50 元 92%, 市域外 700 元 45%; the second
//! admission of the year half the deductible, later ones none; 医联体 transfers one admission;
//! 基本医保 at most 150,000 a year).

mod common;
use common::{estimate_value, example_policy, field};
use serde_json::{json, Value};

fn inpatient(level: &str, date: &str, total: &str) -> Value {
    json!({ "kind": "inpatient", "level": level, "date": date, "total": total, "out_of_catalog": "0", "class_b_self_pay": "0" })
}

fn quanzhou(category: &str, visits: Value) -> Value {
    json!({ "policy": "quanzhou-2023", "person": { "category": category }, "visits": visits })
}

fn run(case: &Value) -> Value {
    estimate_value(case, None).unwrap_or_else(|e| panic!("{e}\n{case}"))
}

fn err(case: &Value, pack: Option<&Value>) -> yibao::Error {
    match estimate_value(case, pack) {
        Ok(out) => panic!("expected an error, got {out}"),
        Err(e) => e,
    }
}

fn step_text(out: &Value, visit: usize, rule: &str) -> String {
    out["visits"][visit]["steps"].as_array().unwrap().iter().find(|s| s["rule"] == rule).map(|s| s["text"].as_str().unwrap().to_owned()).unwrap_or_default()
}

#[test]
fn quanzhou_first_second_and_third_admission_of_the_year() {
    let out = run(&quanzhou("ordinary", json!([
        inpatient("tier3", "2024-03-01", "20000"),
        inpatient("tier3", "2024-05-01", "20000"),
        inpatient("tier3", "2024-07-01", "20000"),
    ])));
    // 1st: (20,000 − 700) × 65% = 12,545.00; 2nd: (20,000 − 350) × 65% = 12,772.50;
    // 3rd: 20,000 × 65% = 13,000.00.
    assert_eq!(field(&out, 0, "basic"), "12545.00");
    assert_eq!(field(&out, 1, "basic"), "12772.50");
    assert_eq!(field(&out, 2, "basic"), "13000.00");
    assert!(step_text(&out, 1, "inpatient.deductible").contains("本年度第 2 次住院，起付线按 50% 计 350.00 元"), "{}", step_text(&out, 1, "inpatient.deductible"));
    assert!(step_text(&out, 2, "inpatient.deductible").contains("本年度第 3 次住院"));
    // The first admission's text says nothing of a repeat; the parameter is named where it applies.
    assert!(!step_text(&out, 0, "inpatient.deductible").contains("次住院"));
    assert_eq!(out["visits"][0]["level"], "tier3");
    // A new year starts the count again.
    let out = run(&quanzhou("ordinary", json!([inpatient("tier1", "2024-12-20", "1000"), inpatient("tier1", "2025-01-05", "1000")])));
    assert_eq!(field(&out, 0, "basic"), "874.00"); // (1,000 − 50) × 92%
    assert_eq!(field(&out, 1, "basic"), "874.00");
}

#[test]
fn quanzhou_alliance_transfer_is_the_same_admission() {
    let mut transfer = inpatient("tier2", "2024-03-05", "10000");
    transfer["referral"] = json!("alliance");
    let out = run(&quanzhou("ordinary", json!([inpatient("tier3", "2024-03-01", "20000"), transfer, inpatient("tier3", "2024-05-01", "20000")])));
    // No deductible at the receiving 二级 hospital: 10,000 × 82% = 8,200.00; and the May stay is
    // the year's second admission, not the third: (20,000 − 350) × 65% = 12,772.50.
    assert_eq!(field(&out, 1, "basic"), "8200.00");
    assert_eq!(field(&out, 2, "basic"), "12772.50");
}

#[test]
fn quanzhou_out_of_city_annual_maximum_and_admissions_already_made() {
    // 市域外: (10,000 − 700) × 45% = 4,185.00.
    let out = run(&quanzhou("ordinary", json!([inpatient("out_of_city", "2024-04-01", "10000")])));
    assert_eq!(field(&out, 0, "basic"), "4185.00");
    // 一级: (200,000 − 50) × 92% = 183,954.00, limited to the year's 150,000.00.
    let out = run(&quanzhou("ordinary", json!([inpatient("tier1", "2024-04-01", "200000")])));
    assert_eq!(field(&out, 0, "basic"), "150000.00");
    // One admission already this year: this one is the second, half the deductible.
    let mut case = quanzhou("ordinary", json!([inpatient("tier3", "2024-06-01", "20000")]));
    case["person"]["year_to_date"] = json!({ "inpatient_admissions": 1 });
    assert_eq!(field(&run(&case), 0, "basic"), "12772.50");
    case["person"]["year_to_date"] = json!({ "inpatient_admissions": "-1" });
    let e = err(&case, None);
    assert_eq!((e.code, e.path.as_str()), ("invalid_value", "person.year_to_date.inpatient_admissions"));
}

#[test]
fn levels_are_the_packs_own() {
    // 县级 is not a level of 泉州's pack: the error names the pack's levels.
    let e = err(&quanzhou("ordinary", json!([inpatient("county", "2024-03-01", "1000")])), None);
    assert_eq!((e.code, e.path.as_str()), ("unknown_level", "visits[0].level"));
    assert!(e.message.contains("三级（市属三级医院）") && e.message.contains("tier1"), "{}", e.message);
    // An upward referral goes to a higher rank.
    let mut v = inpatient("tier1", "2024-03-01", "1000");
    v["referral"] = json!("upward");
    v["referred_from"] = json!("tier3");
    let e = err(&quanzhou("ordinary", json!([v])), None);
    assert_eq!((e.code, e.path.as_str()), ("invalid_referral", "visits[0].referred_from"));
    // The listing gives them, lowest rank first.
    let listed = yibao::policies().unwrap();
    let qz = listed.iter().find(|p| p.id == "quanzhou-2023").unwrap();
    let ids: Vec<&str> = qz.levels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["tier1", "tier2", "tier3", "out_of_city"]);
}

/// A /2 child of a /1 pack keeps the five levels of rules.md and the /1 estimates to the fen.
#[test]
fn a_v2_pack_over_a_v1_parent_reads_the_parent_as_v2() {
    let parent = example_policy();
    let mut child = parent.clone();
    child["format"] = json!("yibao-policy/2");
    child["id"] = json!("example-v2");
    let case = json!({ "person": { "category": "low_income" }, "visits": [{ "kind": "inpatient", "level": "municipal", "date": "2024-05-10", "total": "50000", "out_of_catalog": "3000", "class_b_self_pay": "2000" }] });
    // Without `levels` a standalone /2 pack declares none: refused at /levels.
    let e = err(&case, Some(&child));
    assert_eq!((e.code, e.path.as_str()), ("invalid_policy", "/levels"));
    child["levels"] = json!({ "village": { "name": "村卫生室", "rank": 1 }, "township": { "name": "乡镇卫生院/社区卫生服务中心", "rank": 2 },
                              "county": { "name": "县级医院", "rank": 3 }, "municipal": { "name": "市级医院", "rank": 4 }, "provincial": { "name": "省级医院", "rank": 5 } });
    let v1 = estimate_value(&case, Some(&parent)).unwrap();
    let v2 = estimate_value(&case, Some(&child)).unwrap();
    assert_eq!(v1["visits"], v2["visits"]);
    assert_eq!(field(&v2, 0, "basic"), "28730.00");
    assert_eq!(field(&v2, 0, "out_of_pocket"), "6734.63");
}

#[test]
fn bad_v2_packs_are_refused_with_a_pointer() {
    let base = || {
        let mut p = example_policy();
        p["format"] = json!("yibao-policy/2");
        p["levels"] = json!({ "a": { "name": "一级", "rank": 1 }, "b": { "name": "二级", "rank": 2 } });
        p["basic"]["inpatient"]["levels"] = json!({ "a": { "deductible": "100", "rate": "0.9" }, "b": { "deductible": "300", "rate": "0.8" } });
        p["basic"]["general_outpatient"]["levels"] = json!({ "a": { "rate": "0.5" } });
        p["basic"]["inpatient"]["unreferred_rate"] = json!({});
        p["basic"]["inpatient"]["tcm_full_levels"] = json!([]);
        p
    };
    let case = json!({ "person": { "category": "ordinary" }, "visits": [inpatient("b", "2024-05-10", "10000")] });
    // The base is valid: (10,000 − 300) × 80% = 7,760.00.
    assert_eq!(field(&estimate_value(&case, Some(&base())).unwrap(), 0, "basic"), "7760.00");
    let cases: [(&str, Value, &str); 6] = [
        ("an undeclared level", json!({"basic": {"inpatient": {"levels": {"c": {"deductible": "1", "rate": "0.5"}}}}}), "/basic/inpatient/levels/c"),
        ("a factor above 1", json!({"basic": {"inpatient": {"repeat_deductible_factors": ["1", "1.5"]}}}), "/basic/inpatient/repeat_deductible_factors/1"),
        ("no factor", json!({"basic": {"inpatient": {"repeat_deductible_factors": []}}}), "/basic/inpatient/repeat_deductible_factors"),
        ("rank 0", json!({"levels": {"a": {"name": "一级", "rank": 0}}}), "/levels/a/rank"),
        ("a bad level id", json!({"levels": {"A-1": {"name": "一级", "rank": 1}}}), "/levels/A-1"),
        ("an undeclared TCM level", json!({"basic": {"inpatient": {"tcm_full_levels": ["z"]}}}), "/basic/inpatient/tcm_full_levels/0"),
    ];
    for (what, patch, pointer) in cases {
        let pack = yibao::policy::merge(base(), patch);
        let e = err(&case, Some(&pack));
        assert_eq!((e.code, e.path.as_str()), ("invalid_policy", pointer), "{what}: {}", e.message);
    }
    // A /1 pack has no `levels` of its own.
    let mut v1 = example_policy();
    v1["levels"] = json!({});
    let e = err(&case, Some(&v1));
    assert_eq!((e.code, e.path.as_str()), ("invalid_policy", "/levels"));
}
