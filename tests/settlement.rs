//! 医共体 / 包干 settlement (settlement.md) under the bundled packs' `settlement` sections, each
//! worked by hand from its document: 金安 (人头包干 3,070, 结余按得分 2:6:2, 超支前六名/4:5:1),
//! 广东 (三年平均 × 增长率, 3% 保证金, 2% 风险调节金 capped at three months, 医共体外费用扣减,
//! 突发事件超支先由风险调节金), 曲靖 (1% 风险金, 3% 市级考核资金, 结余分段留用), 甘肃 98号
//! (上年结算额, 40% 与考核挂钩); and the errors of bad input and bad packs.

use serde_json::{json, Value};

fn settle(case: &Value, pack: Option<&Value>) -> Result<Value, yibao::Error> {
    yibao::with_settlement(case, pack, |s| serde_json::to_value(yibao::settlement::Output::new(s, None)).unwrap())
}

fn ok(case: Value) -> Value {
    settle(&case, None).unwrap_or_else(|e| panic!("{e}\n{case}"))
}

fn err(case: Value, pack: Option<&Value>) -> yibao::Error {
    match settle(&case, pack) {
        Ok(out) => panic!("expected an error, got {out}"),
        Err(e) => e,
    }
}

fn step<'a>(out: &'a Value, rule: &str) -> &'a str {
    out["steps"].as_array().unwrap().iter().find(|s| s["rule"] == rule).unwrap_or_else(|| panic!("no step {rule}: {out}"))["text"].as_str().unwrap()
}

fn jinan(persons: u64, fund_paid: &str, score: &str, rank: u64) -> Value {
    json!({
        "policy": "jinan-2023", "alliance": "金安区某紧密型医共体", "year": 2023,
        "budget": { "persons": persons },
        "actual": { "fund_paid": fund_paid },
        "assessment": { "score": score, "rank": rank }
    })
}

#[test]
fn jinan_surplus_is_kept_by_score_and_split_2_6_2() {
    // settlement.md's example: 1,200 × 3,070 = 3,684,000; surplus 384,000; kept 92.5% = 355,200,
    // split 2:6:2 = 71,040 / 213,120 / 71,040; the other 28,800 to the alliance's settlement.
    let out = ok(jinan(1200, "3300000.00", "92.5", 4));
    assert_eq!(out["budget"], "3684000.00");
    assert_eq!(out["holdbacks"], json!([]));
    assert_eq!(out["paid_during_year"], "3684000.00");
    assert_eq!(out["surplus"], "384000.00");
    assert_eq!(out["kept"], "355200.00");
    assert_eq!(out["to_alliance_settlement"], "28800.00");
    assert_eq!(out["shares"], json!({ "district": "71040.00", "township": "213120.00", "village": "71040.00" }));
    assert_eq!(out["overspend"], "0.00");
    // Fields the pack's rules do not produce are absent.
    for absent in ["carried_over", "from_risk_pool", "from_fund", "risk_pool_after"] {
        assert!(out.get(absent).is_none(), "{absent}");
    }
    assert!(step(&out, "settlement.budget").contains("人均 3,070.00 元 × 年初核定 1,200 人 = 3,684,000.00 元"));
    assert_eq!(out["steps"][0]["params"], json!(["/settlement/budget/per_capita"]));
}

#[test]
fn jinan_overspend_top_six_goes_to_the_alliance_else_shared_4_5_1() {
    // 1,000 × 3,070 = 3,070,000; spending 3,170,000.05 → overspend 100,000.05.
    let out = ok(jinan(1000, "3170000.05", "80", 6));
    assert_eq!(out["overspend"], "100000.05");
    assert_eq!(out["surplus"], "0.00");
    assert_eq!(out["to_alliance_settlement"], "100000.05");
    assert!(out.get("shares").is_none() && out.get("kept").is_none());
    assert!(step(&out, "settlement.to_alliance_settlement").contains("第 6 名，在前 6 名之内"));
    // 7th: 4:5:1 of 100,000.05 — 40,000.02 (40,000.020), 50,000.03 (50,000.025, half away from
    // zero), and the village the rest, 10,000.00, so the three add up to the overspend exactly.
    let out = ok(jinan(1000, "3170000.05", "80", 7));
    assert_eq!(out["shares"], json!({ "district": "40000.02", "township": "50000.03", "village": "10000.00" }));
    assert!(out.get("to_alliance_settlement").is_none());
    assert!(step(&out, "settlement.overspend_borne").contains("不在前 6 名之内"));
}

fn guangdong(budget: Value, actual: Value, pool_before: &str) -> Value {
    json!({ "policy": "guangdong-2025", "budget": budget, "actual": actual, "assessment": { "score": 90 }, "risk_pool_before": pool_before })
}

#[test]
fn guangdong_first_year_growth_limited_pool_capped_outside_deducted_emergency_from_the_pool() {
    // Mean of 9.0, 9.5, 10.0 million = 9,500,000; growth 6% limited to the area fund's 5% →
    // 9,975,000. 保证金 3% = 299,250, 90 分 returns 269,325. 风险调节金 2% = 199,500, but the
    // pool (2,400,000) is 93,750 short of three months (9,975,000 × 3/12 = 2,493,750): 93,750.
    // Paid in the year 9,975,000 − 299,250 − 93,750 = 9,582,000. Spending 9,000,000 + outside
    // 700,000 = 9,700,000: overspend 118,000, of which the emergency 50,000 comes from the pool.
    let out = ok(guangdong(
        json!({ "history": ["9000000", "9500000", "10000000"], "growth": "0.06", "area_fund_growth": "0.05" }),
        json!({ "fund_paid": "9000000", "fund_paid_outside": "700000", "emergency_overspend": "50000" }),
        "2400000",
    ));
    assert_eq!(out["budget"], "9975000.00");
    assert!(step(&out, "settlement.growth_limited").contains("年度增长率 6% 高于统筹区医保统筹基金年度支出增长率 5%"));
    assert_eq!(out["holdbacks"][0], json!({ "id": "guarantee", "name": "年度保证金", "taken": "299250.00", "returned": "269325.00" }));
    assert_eq!(out["holdbacks"][1], json!({ "id": "risk", "name": "风险调节金", "taken": "93750.00", "to_pool": "93750.00" }));
    assert_eq!(out["paid_during_year"], "9582000.00");
    assert_eq!(out["spending_counted"], "9700000.00");
    assert_eq!(out["overspend"], "118000.00");
    assert_eq!(out["from_risk_pool"], "50000.00");
    assert_eq!(out["from_fund"], "0.00");
    assert_eq!(out["risk_pool_after"], "2443750.00");
    assert!(step(&out, "settlement.overspend_borne").contains("68,000.00 元"));
}

#[test]
fn guangdong_later_year_from_the_previous_total_with_a_surplus_kept_whole() {
    // 10,000,000 × 1.03 = 10,300,000; 保证金 309,000; 风险调节金 206,000 into an empty pool;
    // paid 9,785,000; spending 9,000,000 + 285,000 outside → surplus 500,000, all kept. An
    // emergency larger than the pool: a 600,000 overspend case below.
    let out = ok(guangdong(json!({ "previous": "10000000", "growth": "0.03", "area_fund_growth": "0.05" }), json!({ "fund_paid": "9000000", "fund_paid_outside": "285000", "emergency_overspend": "0" }), "0"));
    assert_eq!(out["budget"], "10300000.00");
    assert!(out["steps"].as_array().unwrap().iter().all(|s| s["rule"] != "settlement.growth_limited"));
    assert_eq!(out["paid_during_year"], "9785000.00");
    assert_eq!(out["surplus"], "500000.00");
    assert_eq!(out["kept"], "500000.00");
    assert_eq!(out["risk_pool_after"], "206000.00");
    // Spending 10,385,000 → overspend 600,000, all of it emergency; the pool holds 100,000 +
    // this year's 206,000 = 306,000, the fund pays the other 294,000.
    let out = ok(guangdong(json!({ "previous": "10000000", "growth": "0.03", "area_fund_growth": "0.05" }), json!({ "fund_paid": "10000000", "fund_paid_outside": "385000", "emergency_overspend": "700000" }), "100000"));
    assert_eq!(out["overspend"], "600000.00");
    assert_eq!(out["from_risk_pool"], "306000.00");
    assert_eq!(out["from_fund"], "294000.00");
    assert_eq!(out["risk_pool_after"], "0.00");
}

fn qujing(raised: &str, fund_paid: &str) -> Value {
    json!({ "policy": "qujing-2022", "budget": { "raised": raised }, "actual": { "fund_paid": fund_paid }, "assessment": { "score": "95" } })
}

#[test]
fn qujing_surplus_kept_in_bands_the_rest_carried_over() {
    // Raised 50,000,000: 1% risk fund 500,000, packaged 49,500,000; 3% city reserve 1,485,000
    // (95 分 → 1,410,750 back). Paid 48,015,000; spending 42,000,000 → surplus 6,015,000 =
    // 12.15%: 5% (2,475,000) all, 5–10% (2,475,000) 70% = 1,732,500, 10–12.15% (1,065,000) 30% =
    // 319,500 → kept 4,527,000, carried 1,488,000.
    let out = ok(qujing("50000000", "42000000"));
    assert_eq!(out["budget"], "49500000.00");
    assert_eq!(out["holdbacks"][0]["taken"], "1485000.00");
    assert_eq!(out["holdbacks"][0]["returned"], "1410750.00");
    assert_eq!(out["surplus"], "6015000.00");
    assert_eq!(out["kept"], "4527000.00");
    assert_eq!(out["carried_over"], "1488000.00");
    assert!(step(&out, "settlement.kept").contains("5%—10%（含）的部分 2,475,000.00 × 70%"));
    // Exactly 5% is kept whole (含5%): paid 48,015,000 − 2,475,000 = spending 45,540,000.
    let out = ok(qujing("50000000", "45540000"));
    assert_eq!((out["surplus"].as_str(), out["kept"].as_str(), out["carried_over"].as_str()), (Some("2475000.00"), Some("2475000.00"), Some("0.00")));
    // Above 15%: the part beyond is all carried. Surplus 9,900,000 = 20%: kept 2,475,000 +
    // 1,732,500 + 742,500 = 4,950,000.
    let out = ok(qujing("50000000", "38115000"));
    assert_eq!((out["surplus"].as_str(), out["kept"].as_str(), out["carried_over"].as_str()), (Some("9900000.00"), Some("4950000.00"), Some("4950000.00")));
}

#[test]
fn gansu_last_years_settlement_with_40_percent_tied_to_the_assessment() {
    // 20,000,000 last year: 60% (12,000,000) prepaid, 40% (8,000,000) held; 80 分 → 6,400,000.
    let out = ok(json!({ "policy": "gansu-2018", "budget": { "last_year_settled": "20000000" }, "actual": { "fund_paid": "11000000" }, "assessment": { "score": "80" } }));
    assert_eq!(out["budget"], "20000000.00");
    assert_eq!(out["holdbacks"][0], json!({ "id": "assessment", "name": "考核挂钩资金", "taken": "8000000.00", "returned": "6400000.00" }));
    assert_eq!(out["paid_during_year"], "12000000.00");
    assert_eq!(out["surplus"], "1000000.00");
    assert!(out.get("kept").is_none(), "the document says nothing of the surplus");
}

#[test]
fn bad_input_is_named_in_chinese_and_english() {
    let cases = [
        (json!({ "policy": "jinan-2023", "budget": { "persons": 10 }, "actual": { "fund_paid": "1" }, "assessment": { "score": "100.5", "rank": 1 } }), "invalid_value", "assessment.score"),
        (json!({ "policy": "jinan-2023", "budget": { "persons": 10 }, "actual": { "fund_paid": "-5" }, "assessment": { "score": "90", "rank": 1 } }), "invalid_amount", "actual.fund_paid"),
        (json!({ "policy": "jinan-2023", "budget": {}, "actual": { "fund_paid": "5" }, "assessment": { "score": "90", "rank": 1 } }), "missing_field", "budget.persons"),
        (json!({ "policy": "jinan-2023", "budget": { "persons": 10 }, "actual": { "fund_paid": "5" } }), "missing_field", "assessment.score"),
        (json!({ "policy": "jinan-2023", "budget": { "persons": 10 }, "actual": { "fund_paid": "99999" }, "assessment": { "score": "90" } }), "missing_field", "assessment.rank"),
        (json!({ "policy": "jinan-2023", "budget": { "persons": 10 }, "actual": {} }), "missing_field", "actual.fund_paid"),
        (json!({ "policy": "jinan-2023", "budget": { "persons": 1.5 }, "actual": { "fund_paid": "5" } }), "invalid_value", "budget.persons"),
        (json!({ "policy": "guangdong-2025", "budget": { "history": ["1", "2"], "growth": "0.01", "area_fund_growth": "0.02" }, "actual": { "fund_paid": "5", "fund_paid_outside": "0", "emergency_overspend": "0" }, "assessment": { "score": 1 }, "risk_pool_before": "0" }), "invalid_value", "budget.history"),
        (json!({ "policy": "guangdong-2025", "budget": { "previous": "1", "growth": "0.01", "area_fund_growth": "0.02" }, "actual": { "fund_paid": "5", "emergency_overspend": "0" }, "assessment": { "score": 1 }, "risk_pool_before": "0" }), "missing_field", "actual.fund_paid_outside"),
        (json!({ "policy": "guangdong-2025", "budget": { "previous": "1", "growth": "0.01", "area_fund_growth": "0.02" }, "actual": { "fund_paid": "5", "fund_paid_outside": "0" }, "assessment": { "score": 1 } }), "missing_field", "risk_pool_before"),
        (json!({ "policy": "national-baseline", "budget": {}, "actual": { "fund_paid": "5" } }), "no_settlement_rules", "policy"),
        (json!({ "policy": "jinan-2023", "budget": { "persons": 10 }, "actual": { "fund_paid": "5" }, "extra": 1 }), "unknown_field", "extra"),
    ];
    for (case, code, path) in cases {
        let e = err(case.clone(), None);
        assert_eq!((e.code, e.path.as_str()), (code, path), "{case}");
        assert!(e.message.contains(" (") && e.message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "zh and en: {}", e.message);
    }
    let e = err(json!({ "policy": "jinan-2023", "budget": { "persons": 10 }, "actual": { "fund_paid": "-5" } }), None);
    assert!(e.message.contains("不能为负数"), "{}", e.message);
}

fn child(settlement: Value) -> Value {
    json!({ "format": "yibao-policy/2", "id": "test-settlement", "extends": "jinan-2023", "settlement": settlement })
}

#[test]
fn a_bad_settlement_section_is_invalid_policy_at_its_pointer() {
    let case = jinan(10, "5", "90", 1);
    let packs = [
        (json!({ "surplus": { "split": { "district": "0.3" } } }), "/settlement/surplus/split"),
        (json!({ "overspend": { "split": { "village": "0.2" } } }), "/settlement/overspend/split"),
        (json!({ "surplus": { "method": "bands", "remainder": null, "split": null, "bands": [{ "up_to": "0.10", "kept": "1" }, { "up_to": "0.05", "kept": "0.5" }, { "kept": "0" }] } }), "/settlement/surplus/bands/1/up_to"),
        (json!({ "surplus": { "method": "bands", "remainder": null, "split": null, "bands": [{ "up_to": "0.10", "kept": "1" }] } }), "/settlement/surplus/bands/0/up_to"),
        (json!({ "budget": { "method": "per_person" } }), "/settlement/budget/method"),
        (json!({ "budget": { "per_capita": "-1" } }), "/settlement/budget/per_capita"),
        (json!({ "holdbacks": [{ "id": "r", "name": "风险", "share": "0.02", "returned": "pool" }] }), "/settlement/holdbacks/0/pool_cap_months"),
        (json!({ "holdbacks": [{ "id": "r", "name": "风险", "share": "2", "returned": "by_score" }] }), "/settlement/holdbacks/0/share"),
        (json!({ "holdbacks": [{ "id": "a", "name": "甲", "share": "0.6", "returned": "by_score" }, { "id": "b", "name": "乙", "share": "0.5", "returned": "by_score" }] }), "/settlement/holdbacks"),
        (json!({ "holdbacks": [{ "id": "a", "name": "甲", "share": "0.1", "returned": "by_score" }, { "id": "a", "name": "乙", "share": "0.1", "returned": "by_score" }] }), "/settlement/holdbacks/1/id"),
    ];
    for (settlement, pointer) in packs {
        let pack = child(settlement.clone());
        let e = err(case.clone(), Some(&pack));
        assert_eq!((e.code, e.path.as_str()), ("invalid_policy", pointer), "{settlement}: {}", e.message);
        let e = yibao::load_policy(&pack).unwrap_err();
        assert_eq!(e.path, pointer, "validate finds it too");
    }
    // A child that changes one figure: the rest is inherited.
    let pack = child(json!({ "budget": { "per_capita": "3000" } }));
    let out = settle(&case, Some(&pack)).unwrap();
    assert_eq!(out["budget"], "30000.00");
}

#[test]
fn the_text_statement_cites_the_documents() {
    let text = yibao::with_settlement(&jinan(1200, "3300000.00", "92.5", 4), None, yibao::settlement::text::render).unwrap();
    assert!(text.contains("结余留用                        355,200.00 元"), "{text}");
    assert!(text.contains("/settlement/budget/per_capita：金医保发〔2023〕19号 六、（一）"), "{text}");
    assert!(text.contains("2:6:2"));
}
