//! Bad input never panics and never yields a partial result: an error naming the field, in
//! Chinese and English (rules.md, Errors).

mod common;
use common::*;
use serde_json::{json, Value};

fn visit(extra: Value) -> Value {
    let mut v = json!({ "kind": "inpatient", "level": "county", "date": "2024-06-01", "total": "1000" });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn case_err(c: Value) -> yibao::Error {
    err(&c, &example_policy())
}

fn visit_err(extra: Value) -> yibao::Error {
    case_err(case("ordinary", json!([visit(extra)])))
}

/// Each bad input gives its code, path and a message with the Chinese words and English.
#[test]
fn bad_case_inputs() {
    let cases: Vec<(Value, &str, &str, &str)> = vec![
        (json!({"total": "-1"}), "invalid_amount", "visits[0].total", "总费用不能为负数"),
        (json!({"total": "abc"}), "invalid_amount", "visits[0].total", "最多两位小数的数字"),
        (json!({"total": "1.234"}), "invalid_amount", "visits[0].total", "最多两位小数"),
        (json!({"total": "100000000.01"}), "invalid_amount", "visits[0].total", "100,000,000"),
        (json!({"total": true}), "invalid_amount", "visits[0].total", "数字"),
        (json!({"out_of_catalog": "1000.01"}), "split_exceeds_total", "visits[0].out_of_catalog", "超过了总费用"),
        (json!({"out_of_catalog": "600", "class_b_self_pay": "500"}), "split_exceeds_total", "visits[0].class_b_self_pay", "合计"),
        (json!({"out_of_catalog": "500", "tcm": "600"}), "tcm_exceeds_in_scope", "visits[0].tcm", "中医"),
        (json!({"tcm": "900"}), "tcm_exceeds_in_scope", "visits[0].tcm", "850.00"),
        (json!({"kind": "surgery"}), "invalid_value", "visits[0].kind", "未知的就诊类型“surgery”"),
        // Levels are the pack's own (format /2, issue 10): an undeclared one is unknown_level.
        (json!({"level": "city"}), "unknown_level", "visits[0].level", "未知的医疗机构级别"),
        (json!({"level": "village"}), "no_inpatient_benefit", "visits[0].level", "没有住院待遇"),
        (json!({"referral": "upward"}), "missing_field", "visits[0].referred_from", "上转"),
        (json!({"referral": "upward", "referred_from": "provincial"}), "invalid_referral", "visits[0].referred_from", "较低级别"),
        (json!({"referred_from": "township"}), "invalid_value", "visits[0].referred_from", "upward"),
        (json!({"referral": "sideways"}), "invalid_value", "visits[0].referral", "转诊"),
        (json!({"date": "2024/01/01"}), "invalid_date", "visits[0].date", "YYYY-MM-DD"),
        (json!({"date": "2017-12-31"}), "date_outside_policy", "visits[0].date", "2018-06-01 起"),
        (json!({"date": 20240101}), "invalid_type", "visits[0].date", "文字"),
        (json!({"totl": "1"}), "unknown_field", "visits[0].totl", "不认识的字段"),
        (json!({"kind": "chronic_outpatient", "condition": "hypertension"}), "condition_not_held", "visits[0].condition", "没有登记“高血压”"),
        (json!({"kind": "chronic_outpatient"}), "missing_field", "visits[0].condition", "病种"),
        (json!({"kind": "two_diseases_outpatient", "condition": "copd"}), "invalid_value", "visits[0].condition", "只包括高血压"),
        (json!({"condition": "diabetes"}), "invalid_value", "visits[0].condition", "只有门诊慢特病"),
    ];
    for (extra, code, path, words) in cases {
        let e = visit_err(extra.clone());
        assert_eq!((e.code, e.path.as_str()), (code, path), "{extra}: {e}");
        assert!(e.message.contains(words), "{extra}: {}", e.message);
        assert!(e.message.ends_with(')') && e.message.contains(" ("), "bilingual: {}", e.message);
    }
}

#[test]
fn bad_person_and_case_shape() {
    let e = case_err(json!({"person": {"category": "rich"}, "visits": [visit(json!({}))]}));
    assert_eq!((e.code, e.path.as_str()), ("invalid_value", "person.category"));
    assert!(e.message.contains("ordinary（普通居民）"));
    let e = case_err(json!({"person": {"category": "ordinary", "conditions": ["gout"]}, "visits": [visit(json!({}))]}));
    assert_eq!((e.code, e.path.as_str()), ("invalid_value", "person.conditions[0]"));
    let e = case_err(json!({"person": {"category": "ordinary"}, "visits": []}));
    assert_eq!((e.code, e.path.as_str()), ("missing_field", "visits"));
    let e = case_err(json!({"visits": [visit(json!({}))]}));
    assert_eq!((e.code, e.path.as_str()), ("missing_field", "person"));
    let e = case_err(json!([1, 2]));
    assert_eq!((e.code, e.path.as_str()), ("invalid_type", ""));
    let e = case_err(json!({"person": {"category": "ordinary", "year_to_date": {"critical_paid": "-5"}}, "visits": [visit(json!({}))]}));
    assert_eq!((e.code, e.path.as_str()), ("invalid_amount", "person.year_to_date.critical_paid"));
    let e = case_err(json!({"person": {"category": "ordinary"}, "visits": [visit(json!({})), visit(json!({"total": "-3"}))]}));
    assert_eq!(e.path, "visits[1].total");
}

#[test]
fn bundled_policy_choice_errors() {
    let c = json!({"policy": "no-such-pack", "person": {"category": "ordinary"}, "visits": [visit(json!({}))]});
    let e = estimate_value(&c, None).unwrap_err();
    assert_eq!((e.code, e.path.as_str()), ("unknown_policy", "policy"));
    let c = json!({"person": {"category": "ordinary"}, "visits": [visit(json!({}))]});
    let e = estimate_value(&c, None).unwrap_err();
    assert_eq!((e.code, e.path.as_str()), ("missing_field", "policy"));
    let c = json!({"region": "999999", "person": {"category": "ordinary"}, "visits": [visit(json!({}))]});
    let e = estimate_value(&c, None).unwrap_err();
    assert_eq!((e.code, e.path.as_str()), ("unknown_region", "region"));
}

fn policy_err(patch: Value) -> yibao::Error {
    let c = case("ordinary", json!([visit(json!({}))]));
    let e = err(&c, &example_with(patch));
    assert_eq!(e.code, "invalid_policy", "{e}");
    e
}

#[test]
fn bad_policies_are_refused_with_a_pointer() {
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"critical_illness": {"bands": [{"up_to": "10000", "rate": "0.6"}, {"up_to": "10000", "rate": "0.7"}, {"rate": "0.8"}]}}), "/critical_illness/bands/1/up_to", "严格递增"),
        (json!({"critical_illness": {"bands": [{"rate": "0.6"}, {"rate": "0.7"}]}}), "/critical_illness/bands/0/up_to", "最后一个"),
        (json!({"critical_illness": {"bands": [{"up_to": "100", "rate": "0.6"}]}}), "/critical_illness/bands/0/up_to", "最后一个分段不应有上限"),
        (json!({"critical_illness": {"bands": []}}), "/critical_illness/bands", "至少"),
        (json!({"critical_illness": {"bands_from": "one"}}), "/critical_illness/bands_from", "threshold"),
        (json!({"basic": {"inpatient": {"levels": {"county": {"rate": "1.5"}}}}}), "/basic/inpatient/levels/county/rate", "0 到 1"),
        (json!({"basic": {"inpatient": {"levels": {"county": {"rate": "-0.1"}}}}}), "/basic/inpatient/levels/county/rate", "0 到 1"),
        (json!({"basic": {"inpatient": {"levels": {"county": {"deductible": "-500"}}}}}), "/basic/inpatient/levels/county/deductible", "起付线不能为负数"),
        (json!({"basic": {"inpatient": {"levls": {}}}}), "/basic/inpatient/levls", "不认识的字段"),
        (json!({"basic": {"inpatient": {"levels": {"city": {"deductible": "1", "rate": "0.5"}}}}}), "/basic/inpatient/levels/city", "医疗机构级别"),
        (json!({"basic": {"inpatient": {"referral": {"upward": "half"}}}}), "/basic/inpatient/referral/upward", "difference"),
        (json!({"basic": {"chronic_outpatient": {"condition_caps": {"gout": "100"}}}}), "/basic/chronic_outpatient/condition_caps/gout", "病种"),
        (json!({"basic": {"two_diseases": {"annual_caps": {"copd": "100"}}}}), "/basic/two_diseases/annual_caps/copd", "两病"),
        (json!({"medical_assistance": {"categories": {"rich": {"rate": "1"}}}}), "/medical_assistance/categories/rich", "人员类别"),
        (json!({"critical_illness": {"covers": ["inpatient", "dental"]}}), "/critical_illness/covers/1", "就诊类型"),
        (json!({"effective": {"from": "2018-13-01"}}), "/effective/from", "日期无效"),
        (json!({"effective": {"until": "2017-01-01"}}), "/effective/until", "早于"),
        (json!({"format": "yibao-policy/3"}), "/format", "yibao-policy/1"),
        (json!({"provenance": {"/critical_illness": {"source": "nope", "basis": "document"}}}), "/provenance/~1critical_illness/source", "sources"),
        (json!({"provenance": {"/basic/nothing": {"basis": "illustrative"}}}), "/provenance/~1basic~1nothing", "不存在"),
        (json!({"provenance": {"/basic": {"basis": "rumour"}}}), "/provenance/~1basic/basis", "document"),
        (json!({"extends": "no-such-parent"}), "/extends", "no-such-parent"),
        (json!({"estimation": {"default_in_scope_share": "85%"}}), "/estimation/default_in_scope_share", "0 到 1"),
    ];
    for (patch, path, words) in cases {
        let e = policy_err(patch.clone());
        assert_eq!(e.path, path, "{patch}: {e}");
        assert!(e.message.contains(words), "{patch}: {}", e.message);
    }
}
