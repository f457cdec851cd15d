//! The engine compiled to WebAssembly, called through its JS API as a page calls it: every
//! worked example of examples.md and the error cases, in Node and in headless Chromium
//! (`make test-wasm`).
#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use yibao::wasm::{estimate, policies, register_packs, resolve_policy, settle, validate_policy, version};

const EXAMPLE_POLICY: &str = include_str!("../../shared/spec/example-policy.json");

/// The packs the package ships beside the module (`make pkg` writes them), registered once as
/// the package's loader does: the full engine's copy (`pkg/fund/packs.json`, with the settlement
/// sections), since these tests build the engine with its default features.
fn with_bundled_packs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // A refused list changes nothing: the fault names the pack, and the real list is
        // registered after it, as the loader's retry does.
        let e = register_packs(js(r#"[{"id": "x"}]"#)).unwrap_err();
        assert_eq!((s(&e, &["error", "code"]), s(&e, &["error", "path"])), ("invalid_policy".to_owned(), "/0/format".to_owned()));
        register_packs(js(include_str!("../pkg/fund/packs.json"))).expect("the shipped packs are valid");
    });
}

fn js(text: &str) -> JsValue {
    JSON::parse(text).expect("test JSON")
}

fn options() -> JsValue {
    js(&format!(r#"{{"policy": {EXAMPLE_POLICY}}}"#))
}

fn get(v: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(v.clone(), |v, k| {
        let key = match k.parse::<u32>() {
            Ok(i) => JsValue::from(i),
            Err(_) => JsValue::from_str(k),
        };
        Reflect::get(&v, &key).unwrap_or(JsValue::UNDEFINED)
    })
}

fn s(v: &JsValue, path: &[&str]) -> String {
    get(v, path).as_string().unwrap_or_else(|| panic!("{path:?} is not a string"))
}

fn visit_case(category: &str, visits: &str) -> JsValue {
    js(&format!(r#"{{"person": {{"category": "{category}"}}, "visits": {visits}}}"#))
}

const MUNICIPAL_50K: &str = r#"[{"kind": "inpatient", "level": "municipal", "date": "2024-05-10", "total": "50000", "out_of_catalog": "3000", "class_b_self_pay": "2000"}]"#;

fn four(out: &JsValue, i: &str) -> [String; 4] {
    ["basic", "critical_illness", "medical_assistance", "out_of_pocket"].map(|f| s(out, &["visits", i, f]))
}

#[wasm_bindgen_test]
fn example_1_and_2() {
    with_bundled_packs();
    let out = estimate(visit_case("ordinary", MUNICIPAL_50K), options()).unwrap();
    assert_eq!(four(&out, "0"), ["28730.00", "6825.50", "0.00", "14444.50"]);
    let out = estimate(visit_case("low_income", MUNICIPAL_50K), options()).unwrap();
    assert_eq!(four(&out, "0"), ["28730.00", "10487.90", "4047.47", "6734.63"]);
    // Amounts are strings, never JS numbers.
    assert!(get(&out, &["totals", "reimbursed"]).is_string());
}

#[wasm_bindgen_test]
fn example_3_threshold_once_a_year() {
    with_bundled_packs();
    let visits = |d2: &str| {
        format!(
            r#"[{{"kind": "inpatient", "level": "county", "date": "2024-03-01", "total": "12000", "out_of_catalog": "1000"}},
                {{"kind": "inpatient", "level": "municipal", "date": "{d2}", "total": "30000", "out_of_catalog": "2000"}}]"#
        )
    };
    let out = estimate(visit_case("ordinary", &visits("2024-08-01")), options()).unwrap();
    assert_eq!(s(&out, &["visits", "0", "basic"]), "7875.00");
    assert_eq!(s(&out, &["visits", "1", "basic"]), "17680.00");
    assert_eq!(s(&out, &["visits", "1", "critical_illness"]), "5067.00");
    let out = estimate(visit_case("ordinary", &visits("2025-01-05")), options()).unwrap();
    assert_eq!(s(&out, &["visits", "1", "critical_illness"]), "3192.00");
}

#[wasm_bindgen_test]
fn examples_4_and_5_day_surgery_and_rounding() {
    with_bundled_packs();
    let out = estimate(visit_case("ordinary", r#"[{"kind": "day_surgery", "level": "county", "date": "2024-06-01", "total": "8000", "out_of_catalog": "0"}]"#), options()).unwrap();
    assert_eq!(s(&out, &["visits", "0", "basic"]), "5812.50");
    // JS numbers in: 500.7 is read as exactly 500.70.
    let out = estimate(visit_case("ordinary", r#"[{"kind": "inpatient", "level": "county", "date": "2024-06-01", "total": 500.7, "class_b_self_pay": 0}]"#), options()).unwrap();
    assert_eq!(s(&out, &["visits", "0", "basic"]), "0.53");
}

#[wasm_bindgen_test]
fn example_6_bands_from_zero() {
    with_bundled_packs();
    let mut pack: serde_json::Value = serde_json::from_str(EXAMPLE_POLICY).unwrap();
    pack["basic"]["inpatient"]["annual_cap"] = "100000".into();
    pack["critical_illness"]["threshold"] = "10000".into();
    pack["critical_illness"]["bands_from"] = "zero".into();
    pack["critical_illness"]["bands"] = serde_json::json!([{"up_to": "100000", "rate": "0.50"}, {"rate": "0.60"}]);
    let options = js(&serde_json::json!({ "policy": pack }).to_string());
    let out = estimate(visit_case("ordinary", r#"[{"kind": "inpatient", "level": "provincial", "date": "2024-06-01", "total": "300000", "out_of_catalog": "30000"}]"#), options).unwrap();
    assert_eq!(s(&out, &["visits", "0", "basic"]), "100000.00");
    assert_eq!(s(&out, &["visits", "0", "critical_illness"]), "87000.00");
}

#[wasm_bindgen_test]
fn example_7_and_other_errors_are_thrown_as_the_contract_object() {
    with_bundled_packs();
    let cases = [
        (r#"[{"kind": "inpatient", "level": "county", "date": "2024-02-30", "total": "1000"}]"#, "invalid_date", "visits[0].date"),
        (r#"[{"kind": "inpatient", "level": "county", "date": "2024-02-01", "total": "-1"}]"#, "invalid_amount", "visits[0].total"),
        (r#"[{"kind": "inpatient", "level": "county", "date": "2024-02-01", "total": "100", "out_of_catalog": "200"}]"#, "split_exceeds_total", "visits[0].out_of_catalog"),
        (r#"[{"kind": "flying", "level": "county", "date": "2024-02-01", "total": "100"}]"#, "invalid_value", "visits[0].kind"),
    ];
    for (visits, code, path) in cases {
        let e = estimate(visit_case("ordinary", visits), options()).unwrap_err();
        assert_eq!(s(&e, &["error", "code"]), code);
        assert_eq!(s(&e, &["error", "path"]), path);
        assert!(s(&e, &["error", "message"]).contains(" ("));
    }
    if let Some(date) = Some(estimate(visit_case("ordinary", cases[0].0), options()).unwrap_err()) {
        assert!(s(&date, &["error", "message"]).starts_with("日期无效：2024-02-30"));
    }
    // Input JSON cannot hold is an error value too, not a trap: a cycle (which would recurse
    // forever without the reader's depth bound) and a function.
    let cyclic = js(r#"{"person": {"category": "ordinary"}, "visits": []}"#);
    Reflect::set(&cyclic, &"x".into(), &cyclic).unwrap();
    let e = estimate(cyclic, JsValue::UNDEFINED).unwrap_err();
    assert_eq!(s(&e, &["error", "code"]), "invalid_json");
    assert!(s(&e, &["error", "message"]).starts_with("输入无法转换为 JSON：JSON 嵌套层数过多 ("), "{}", s(&e, &["error", "message"]));
    let with_function = js(r#"{"person": {"category": "ordinary"}, "visits": []}"#);
    Reflect::set(&with_function, &"x".into(), &js_sys::Function::new_no_args("return 1")).unwrap();
    let e = estimate(with_function, JsValue::UNDEFINED).unwrap_err();
    assert_eq!(s(&e, &["error", "code"]), "invalid_json");
    assert!(!s(&e, &["error", "message"]).contains("Error:"), "{}", s(&e, &["error", "message"]));
    // Options whose getter throws: an error value as well.
    let throwing = js_sys::Function::new_no_args("return { get policy() { throw new Error('boom'); } }").call0(&JsValue::NULL).unwrap();
    let e = estimate(visit_case("ordinary", MUNICIPAL_50K), throwing).unwrap_err();
    assert_eq!((s(&e, &["error", "code"]), s(&e, &["error", "path"])), ("invalid_json".to_owned(), "options".to_owned()));
}

#[wasm_bindgen_test]
fn bundled_packs_and_validation() {
    with_bundled_packs();
    let list = policies().unwrap();
    let ids: Vec<String> = js_sys::Array::from(&list).iter().map(|p| s(&p, &["id"])).collect();
    // Each pack lists the hospital levels a case may name, with the names a page shows.
    let first = js_sys::Array::from(&list).get(0);
    assert_eq!((s(&first, &["levels", "0", "id"]), s(&first, &["levels", "4", "name"])), ("village".to_owned(), "省级医院".to_owned()));
    assert_eq!(get(&first, &["levels", "4", "rank"]).as_f64(), Some(5.0));
    assert_eq!(ids, ["national-baseline", "gansu-2018", "qujing-2022", "guangdong-2025", "jinan-2023", "fengze-2021", "quanzhou-2023"]);
    // The packs are registered once; a second set is refused, not mixed in.
    let e = register_packs(js("[]")).unwrap_err();
    assert_eq!(s(&e, &["error", "code"]), "packs_registered");
    // A bundled pack by id: Gansu's 大病 for 低保 on 合规自付 7,125 (threshold 2000 → 5,125 × 72%).
    let out = estimate(
        js(r#"{"policy": "gansu-2018", "person": {"category": "ordinary"}, "visits": [{"kind": "inpatient", "level": "county", "date": "2024-03-01", "total": "12000", "out_of_catalog": "1000"}]}"#),
        JsValue::UNDEFINED,
    )
    .unwrap();
    assert_eq!(s(&out, &["policy", "id"]), "gansu-2018");
    // 县级 deductible 500, then 75%: (11,000 − 500) × 75% = 7,875.
    assert_eq!(s(&out, &["visits", "0", "basic"]), "7875.00");
    // Parameters and sources only when asked for.
    assert!(get(&out, &["parameters"]).is_undefined());
    assert!(get(&out, &["sources"]).is_undefined());
    let out = estimate(
        js(r#"{"policy": "gansu-2018", "person": {"category": "ordinary"}, "visits": [{"kind": "inpatient", "level": "county", "date": "2024-03-01", "total": "12000", "out_of_catalog": "1000"}]}"#),
        js(r#"{"parameters": true}"#),
    )
    .unwrap();
    assert_eq!(s(&out, &["parameters", "/critical_illness/threshold", "basis"]), "document");
    let key = s(&out, &["parameters", "/critical_illness/threshold", "source"]);
    assert_eq!(s(&out, &["sources", &key, "number"]), "甘政办发〔2018〕72号");
    let summary = validate_policy(js(EXAMPLE_POLICY)).unwrap();
    assert_eq!(s(&summary, &["id"]), "example");
    let e = validate_policy(js(r#"{"format": "yibao-policy/1", "id": "x", "extends": "nowhere"}"#)).unwrap_err();
    assert_eq!(s(&e, &["error", "code"]), "invalid_policy");
    assert_eq!(s(&e, &["error", "path"]), "/extends");
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn resolve_policy_gives_the_merged_pack_read_as_format_2() {
    with_bundled_packs();
    // A child of the baseline that changes one rate: everything else is inherited, the levels
    // are the baseline's declared five (rank a JS number), the format is /2.
    let merged = resolve_policy(js(r#"{"format": "yibao-policy/2", "id": "child", "extends": "gansu-2018", "basic": {"inpatient": {"levels": {"county": {"rate": "0.8"}}}}}"#)).unwrap();
    assert_eq!(s(&merged, &["format"]), "yibao-policy/2");
    assert_eq!(s(&merged, &["id"]), "child");
    assert_eq!(s(&merged, &["basic", "inpatient", "levels", "county", "rate"]), "0.8");
    let inherited = s(&merged, &["basic", "inpatient", "levels", "county", "deductible"]);
    let parent = resolve_policy(js(r#"{"format": "yibao-policy/2", "id": "p", "extends": "gansu-2018"}"#)).unwrap();
    assert_eq!(inherited, s(&parent, &["basic", "inpatient", "levels", "county", "deductible"]));
    assert_eq!(get(&merged, &["levels", "county", "rank"]).as_f64(), Some(3.0));
    assert_eq!(s(&merged, &["critical_illness", "threshold"]), s(&parent, &["critical_illness", "threshold"]));
    // An invalid value is refused at its pointer, as validatePolicy refuses it.
    let e = resolve_policy(js(r#"{"format": "yibao-policy/2", "id": "child", "extends": "gansu-2018", "critical_illness": {"threshold": "-1"}}"#)).unwrap_err();
    assert_eq!((s(&e, &["error", "code"]), s(&e, &["error", "path"])), ("invalid_policy".to_owned(), "/critical_illness/threshold".to_owned()));
}

#[wasm_bindgen_test]
fn js_numbers_are_read_exactly_and_pack_numbers_come_back_as_numbers() {
    with_bundled_packs();
    // A pack whose county rate is the JS number 0.75 and whose deductible is the number 500; the
    // case's amounts are JS numbers too (12000, 1000.1 — no float error reaches the fen).
    let mut pack: serde_json::Value = serde_json::from_str(EXAMPLE_POLICY).unwrap();
    pack["basic"]["inpatient"]["levels"]["county"] = serde_json::json!({"deductible": 500, "rate": 0.75});
    let options = js(&serde_json::json!({ "policy": pack, "parameters": true }).to_string());
    let case = js(r#"{"person": {"category": "ordinary"}, "visits": [{"kind": "inpatient", "level": "county", "date": "2024-03-01", "total": 12000, "out_of_catalog": 1000.1}]}"#);
    let out = estimate(case, options).unwrap();
    // (12,000 − 1,000.10 − 500) × 75% = 7,874.925 → 7,874.93 (half away from zero).
    assert_eq!(s(&out, &["visits", "0", "in_scope"]), "10999.90");
    assert_eq!(s(&out, &["visits", "0", "basic"]), "7874.93");
    let rate = get(&out, &["parameters", "/basic/inpatient/levels/county/rate", "value"]);
    assert_eq!(rate.as_f64(), Some(0.75), "a pack number is a JS number, not serde_json's private map");
    let deductible = get(&out, &["parameters", "/basic/inpatient/levels/county/deductible", "value"]);
    assert_eq!(deductible.as_f64(), Some(500.0));
    // A BigInt amount is the integer it is.
    let case = js(r#"{"policy": "gansu-2018", "person": {"category": "ordinary"}, "visits": [{"kind": "inpatient", "level": "county", "date": "2024-03-01", "out_of_catalog": "1000"}]}"#);
    let visit = get(&case, &["visits", "0"]);
    Reflect::set(&visit, &"total".into(), &js_sys::BigInt::from(12000u32).into()).unwrap();
    let out = estimate(case, JsValue::UNDEFINED).unwrap();
    // Gansu's 县级 deductible 500, then 75%: (11,000 − 500) × 75% = 7,875.
    assert_eq!(s(&out, &["visits", "0", "total"]), "12000.00");
    assert_eq!(s(&out, &["visits", "0", "basic"]), "7875.00");
}

/// Format /2 through the JS API (policy-format.md "Format yibao-policy/2"): 泉州's second admission
/// of the year pays half the 三级 deductible; 丰泽's 特殊门诊 for 高血压Ⅲ期 has no deductible and
/// no cap; a /1 pack given as an object is read as /2, its assistance in the layer `assistance`.
#[wasm_bindgen_test]
fn format_2_through_the_js_api() {
    with_bundled_packs();
    let out = estimate(
        js(r#"{"policy": "quanzhou-2023", "person": {"category": "ordinary"}, "visits": [
            {"kind": "inpatient", "level": "tier3", "date": "2024-03-01", "total": "20000", "out_of_catalog": "0", "class_b_self_pay": "0"},
            {"kind": "inpatient", "level": "tier3", "date": "2024-05-01", "total": "20000", "out_of_catalog": "0", "class_b_self_pay": "0"}]}"#),
        JsValue::UNDEFINED,
    )
    .unwrap();
    // (20,000 − 700) × 65% and (20,000 − 350) × 65%.
    assert_eq!((s(&out, &["visits", "0", "basic"]), s(&out, &["visits", "1", "basic"])), ("12545.00".to_owned(), "12772.50".to_owned()));
    let out = estimate(
        js(r#"{"policy": "fengze-2021", "person": {"category": "ordinary", "conditions": ["hypertension_stage3"]}, "visits": [
            {"kind": "chronic_outpatient", "condition": "hypertension_stage3", "level": "township", "date": "2022-05-01", "total": "50000", "out_of_catalog": "0"}]}"#),
        JsValue::UNDEFINED,
    )
    .unwrap();
    assert_eq!(s(&out, &["visits", "0", "basic"]), "32500.00");
    // The spec's /1 example pack, as an object: the same estimate, its assistance pointer in /2.
    let case = js(r#"{"person": {"category": "low_income"}, "visits": [{"kind": "inpatient", "level": "municipal", "date": "2024-05-10", "total": "50000", "out_of_catalog": "3000", "class_b_self_pay": "2000"}]}"#);
    let out = estimate(case, js(&format!(r#"{{"policy": {EXAMPLE_POLICY}, "parameters": true}}"#))).unwrap();
    assert_eq!(s(&out, &["totals", "reimbursed"]), "43265.37");
    assert_eq!(s(&out, &["parameters", "/medical_assistance/layers/0/categories/low_income/rate", "value"]), "0.70");
}

#[wasm_bindgen_test]
fn settle_through_the_js_api() {
    with_bundled_packs();
    // settlement.md's 金安 example: 1,200 × 3,070 = 3,684,000; 3,300,000 spent; 92.5 分 keeps
    // 355,200 of the 384,000 surplus, 2:6:2.
    let case = js(r#"{"policy": "jinan-2023", "budget": {"persons": 1200}, "actual": {"fund_paid": "3300000.00"}, "assessment": {"score": 92.5, "rank": 4}}"#);
    let out = settle(case.clone(), js(r#"{"parameters": true}"#)).unwrap();
    assert_eq!(s(&out, &["budget"]), "3684000.00");
    assert_eq!(s(&out, &["kept"]), "355200.00");
    assert_eq!(s(&out, &["shares", "township"]), "213120.00");
    assert_eq!(s(&out, &["parameters", "/settlement/budget/per_capita", "basis"]), "document");
    assert!(get(&out, &["carried_over"]).is_undefined(), "absent, not zero");
    // A score outside 0–100 is an error value naming the field.
    let e = settle(js(r#"{"policy": "jinan-2023", "budget": {"persons": 1}, "actual": {"fund_paid": "1"}, "assessment": {"score": 101, "rank": 1}}"#), JsValue::UNDEFINED).unwrap_err();
    assert_eq!((s(&e, &["error", "code"]), s(&e, &["error", "path"])), ("invalid_value".to_owned(), "assessment.score".to_owned()));
}
