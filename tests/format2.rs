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
    // The /2 reading of the spec's /1 example, as `yibao upgrade` writes it, without its levels.
    let mut child = yibao::upgrade_pack(&parent).unwrap();
    child["id"] = json!("example-v2");
    child.as_object_mut().unwrap().remove("levels");
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
        let mut p = yibao::upgrade_pack(&example_policy()).unwrap();
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
    // A /1 pack has no `levels` of its own, nor any other /2 member.
    for (pointer, patch) in [
        ("/levels", json!({"levels": {}})),
        ("/conditions", json!({"conditions": {}})),
        ("/medical_assistance/layers", json!({"medical_assistance": {"layers": []}})),
        ("/basic/inpatient/repeat_deductible_factors", json!({"basic": {"inpatient": {"repeat_deductible_factors": ["1"]}}})),
        ("/sources/gs-72/retrieved", json!({"sources": {"gs-72": {"retrieved": "2026-11-30"}}})),
    ] {
        let e = err(&case, Some(&yibao::policy::merge(example_policy(), patch)));
        assert_eq!((e.code, e.path.as_str()), ("invalid_policy", pointer), "{}", e.message);
        assert!(e.message.contains("yibao-policy/2"), "{}", e.message);
    }
}

/// The six bundled packs as they were in format /1 (tests/fixtures/format1/, copied from the
/// packs before they moved to /2).
const FORMAT_1_PACKS: [&str; 6] = ["national-baseline", "gansu-2018", "qujing-2022", "guangdong-2025", "jinan-2023", "fengze-2021"];

fn format1_pack(id: &str) -> Value {
    let path = format!("{}/tests/fixtures/format1/{id}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Two visits of each kind at each level, for each category, on the pack's first day: what a
/// difference between two readings of a pack would show in.
fn cases_for(pack: &Value) -> Vec<Value> {
    let date = pack["effective"]["from"].as_str().unwrap().to_owned();
    let mut visits = Vec::new();
    for level in ["village", "township", "county", "municipal", "provincial"] {
        for kind in ["inpatient", "day_surgery", "accident_inpatient", "general_outpatient"] {
            visits.push(json!({"kind": kind, "level": level, "date": date, "total": "23456.78", "out_of_catalog": "1234.5", "class_b_self_pay": "678"}));
        }
    }
    visits.push(json!({"kind": "chronic_outpatient", "condition": "hypertension", "level": "township", "date": date, "total": "3000"}));
    visits.push(json!({"kind": "two_diseases_outpatient", "condition": "diabetes", "level": "township", "date": date, "total": "800", "out_of_catalog": "0"}));
    let mut cases = Vec::new();
    for category in ["ordinary", "low_income", "extreme_poverty", "poverty_registered", "marginal_low_income"] {
        for v in &visits {
            cases.push(json!({"person": {"category": category, "conditions": ["hypertension", "diabetes"]}, "visits": [v, v]}));
        }
    }
    cases
}

/// The result of a case under a pack: the estimate, or the error's code, path and message.
fn outcome(case: &Value, pack: &Value) -> String {
    match estimate_value(case, Some(pack)) {
        Ok(out) => out.to_string(),
        Err(e) => format!("{} {} {}", e.code, e.path, e.message),
    }
}

/// policy-format.md, "Reading a /1 pack": a /1 pack and the /2 pack `yibao upgrade` writes of it
/// give the same result for every case, and for the five packs whose figures did not change, the
/// bundled /2 pack is that upgrade. (丰泽 changed: issue 10 corrected its rule.)
#[test]
fn every_format1_pack_estimates_as_its_upgrade_and_as_the_bundled_v2_pack() {
    let mut compared = 0;
    for id in FORMAT_1_PACKS {
        let v1 = format1_pack(id);
        let v2 = yibao::upgrade_pack(&v1).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(v2["format"], "yibao-policy/2", "{id}");
        let bundled = yibao::policy::bundled::raw(id).unwrap();
        for case in cases_for(&v1) {
            let expected = outcome(&case, &v1);
            assert_eq!(outcome(&case, &v2), expected, "{id}: {case}");
            if id != "fengze-2021" {
                assert_eq!(outcome(&case, &bundled), expected, "{id} (bundled /2): {case}");
            }
            compared += 1;
        }
    }
    assert_eq!(compared, 6 * 5 * 22);
    // An upgraded /1 pack that sets assistance categories over a /2 parent changes only what it
    // names: the parent's other categories and the layer's id and name stay.
    let child = json!({"format": "yibao-policy/1", "id": "child", "name": "子包", "region": {"code": "620100", "name": "兰州市"},
        "effective": {"from": "2024-01-01", "until": null}, "extends": "national-baseline",
        "medical_assistance": {"categories": {"low_income": {"rate": "0.80"}}},
        "provenance": {"/medical_assistance/categories/low_income/rate": {"basis": "illustrative"}}});
    let up = yibao::upgrade_pack(&child).unwrap();
    let layer = &up["medical_assistance"]["layers"][0];
    assert_eq!((layer["id"].as_str(), layer["categories"]["low_income"]["rate"].as_str()), (Some("assistance"), Some("0.80")));
    assert_eq!(layer["categories"]["low_income"]["annual_cap"], "30000");
    assert_eq!(layer["categories"]["extreme_poverty"]["rate"], "0.70");
    assert!(up["provenance"]["/medical_assistance/layers/0/categories/low_income/rate"].is_object(), "{up:#}");
    assert!(up.get("levels").is_none(), "a pack that extends another inherits its levels");
    // A fault in a /1 pack is shown where it is in that pack.
    let mut bad = child.clone();
    bad["medical_assistance"]["categories"]["low_income"]["rate"] = json!("1.5");
    let e = yibao::load_policy(&bad).unwrap_err();
    assert_eq!((e.code, e.path.as_str()), ("invalid_policy", "/medical_assistance/categories/low_income/rate"));
}

/// rules.md v2 §3 with policy-format.md §3's example (重庆渝北's two layers for 低保边缘家庭成员):
/// 大额医疗救助 0 deductible 70%, then 倾斜救助 with a 3,000 threshold of its own, 60%.
#[test]
fn assistance_in_two_layers_each_from_what_the_one_before_left() {
    let mut pack = yibao::upgrade_pack(&example_policy()).unwrap();
    pack["medical_assistance"]["layers"] = json!([
        { "id": "major", "name": "大额医疗救助", "categories": { "marginal_low_income": { "annual_deductible": "0", "rate": "0.70", "annual_cap": null } } },
        { "id": "tilted", "name": "倾斜救助", "categories": { "marginal_low_income": { "annual_deductible": "3000", "rate": "0.60", "annual_cap": null } } }
    ]);
    let visit = |date: &str| json!({ "kind": "inpatient", "level": "county", "date": date, "total": "30000", "out_of_catalog": "0", "class_b_self_pay": "0" });
    let case = json!({ "person": { "category": "marginal_low_income" }, "visits": [visit("2024-03-01"), visit("2024-06-01")] });
    let out = estimate_value(&case, Some(&pack)).unwrap();
    // Visit 1: basic (30,000 − 500) × 75% = 22,125.00; 大病 (example: threshold 5,000 on
    // 合规自付 7,875) (7,875 − 5,000) × 60% = 1,725.00; B₁ = 30,000 − 22,125 − 1,725 = 6,150.
    // 大额: 6,150 × 70% = 4,305.00; B₂ = 1,845, below 倾斜's 3,000 threshold: 0 (1,845 of it met).
    assert_eq!((field(&out, 0, "basic"), field(&out, 0, "critical_illness")), ("22125.00".into(), "1725.00".into()));
    assert_eq!(field(&out, 0, "medical_assistance"), "4305.00");
    // Visit 2: basic 22,125.00 (the deductible again: 500 per admission); 大病 on C = 15,750:
    // 10,000 × 60% + 750 × 65% − 1,725 = 4,762.50; B₁ = 3,112.50; 大额 2,178.75; B₂ = 933.75:
    // 倾斜 has 1,155 of its threshold left, so 0 again.
    assert_eq!(field(&out, 1, "critical_illness"), "4762.50");
    assert_eq!(field(&out, 1, "medical_assistance"), "2178.75");
    let text = step_text(&out, 0, "medical_assistance.rate");
    assert!(text.starts_with("大额医疗救助："), "{text}");

    // With 2,000 of 倾斜's threshold met before (year_to_date by layer id), visit 1's B₂ = 1,845
    // meets the last 1,000 and 845 × 60% = 507.00 is paid on top of 4,305.00.
    let mut seeded = case.clone();
    seeded["person"]["year_to_date"] = json!({ "assistance_layers": { "tilted": { "deductible_paid": "2000" } } });
    seeded["visits"] = json!([visit("2024-03-01")]);
    let out = estimate_value(&seeded, Some(&pack)).unwrap();
    assert_eq!(field(&out, 0, "medical_assistance"), "4812.00");
    assert!(step_text(&out, 0, "medical_assistance.deductible").contains("倾斜救助"), "{out:#}");

    // A layer the pack does not have is refused at its field, naming the pack's layers.
    seeded["person"]["year_to_date"] = json!({ "assistance_layers": { "major2": { "paid": "1" } } });
    let e = err(&seeded, Some(&pack));
    assert_eq!((e.code, e.path.as_str()), ("invalid_value", "person.year_to_date.assistance_layers.major2"));
    assert!(e.message.contains("major（大额医疗救助）"), "{}", e.message);
    // Two layers with one id, and a layer id that is not an id, are refused at the pointer.
    let mut twice = pack.clone();
    twice["medical_assistance"]["layers"][1]["id"] = json!("major");
    let e = err(&case, Some(&twice));
    assert_eq!((e.code, e.path.as_str()), ("invalid_policy", "/medical_assistance/layers/1/id"));
    twice["medical_assistance"]["layers"][1]["id"] = json!("Tilted");
    assert_eq!(err(&case, Some(&twice)).path, "/medical_assistance/layers/1/id");
}

/// policy-format.md §4: a pack declares condition ids of its own and gives a condition rules of
/// its own; the names show in messages and steps.
#[test]
fn declared_conditions_and_their_rules() {
    let mut pack = yibao::upgrade_pack(&example_policy()).unwrap();
    pack["conditions"] = json!({ "gout": { "name": "痛风" } });
    pack["basic"]["chronic_outpatient"]["conditions"].as_array_mut().unwrap().push(json!("gout"));
    pack["basic"]["chronic_outpatient"]["condition_rules"] = json!({ "gout": { "annual_deductible": "100", "rate": "0.50", "annual_cap": "400" } });
    let visit = json!({ "kind": "chronic_outpatient", "condition": "gout", "level": "township", "date": "2024-03-01", "total": "1000" });
    let case = json!({ "person": { "category": "ordinary", "conditions": ["gout"] }, "visits": [visit.clone(), visit] });
    let out = estimate_value(&case, Some(&pack)).unwrap();
    // In scope (no split given: the example's 85%) 850; (850 − 100) × 50% = 375.00; then 850 ×
    // 50% = 425 limited to what is left of 痛风's own 400: 25.00.
    assert_eq!((field(&out, 0, "basic"), field(&out, 1, "basic")), ("375.00".into(), "25.00".into()));
    assert!(step_text(&out, 0, "chronic_outpatient.rate").starts_with("痛风"), "{out:#}");
    // An undeclared condition in the pack, and one in the case, are refused.
    let mut bad = pack.clone();
    bad["basic"]["chronic_outpatient"]["conditions"].as_array_mut().unwrap().push(json!("gout2"));
    let last = bad["basic"]["chronic_outpatient"]["conditions"].as_array().unwrap().len() - 1;
    let e = err(&case, Some(&bad));
    assert_eq!((e.code, e.path.clone()), ("invalid_policy", format!("/basic/chronic_outpatient/conditions/{last}")));
    let mut unknown = case.clone();
    unknown["person"]["conditions"] = json!(["gout2"]);
    let e = err(&unknown, Some(&pack));
    assert_eq!((e.code, e.path.as_str()), ("invalid_value", "person.conditions[0]"));
    assert!(e.message.contains("gout（痛风）"), "{}", e.message);
}
