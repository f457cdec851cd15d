//! Time of one estimate: 1 visit and 20 visits, on a parsed pack and case (the engine alone,
//! with its explanation) and from JSON text to JSON text (what the CLI and wasm layer do).
//! Run: `cargo bench --bench estimate`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};

fn example_policy() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/spec/example-policy.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn case(visits: usize) -> Value {
    let kinds = [
        json!({"kind": "inpatient", "level": "municipal", "total": "50000", "out_of_catalog": "3000", "class_b_self_pay": "2000"}),
        json!({"kind": "general_outpatient", "level": "township", "total": "180"}),
        json!({"kind": "chronic_outpatient", "condition": "hypertension", "level": "county", "total": "900", "out_of_catalog": "0"}),
        json!({"kind": "two_diseases_outpatient", "condition": "diabetes", "level": "township", "total": "120", "out_of_catalog": "0"}),
        json!({"kind": "day_surgery", "level": "county", "total": "8000", "out_of_catalog": "500", "referral": "upward", "referred_from": "township"}),
    ];
    let visits: Vec<Value> = (0..visits)
        .map(|i| {
            let mut v = kinds[i % kinds.len()].clone();
            v["date"] = json!(format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28));
            v
        })
        .collect();
    json!({ "person": { "category": "low_income", "conditions": ["hypertension", "diabetes"] }, "visits": visits })
}

fn bench(c: &mut Criterion) {
    let pack_text = example_policy().to_string();
    let policy = yibao::load_policy(&yibao::input::parse(&pack_text).unwrap()).unwrap();
    for n in [1, 20] {
        let case_text = case(n).to_string();
        let parsed = yibao::Case::from_json(&yibao::input::parse(&case_text).unwrap()).unwrap();
        c.bench_function(&format!("estimate {n} visit(s), parsed"), |b| b.iter(|| yibao::estimate(black_box(&parsed), &policy).unwrap()));
        c.bench_function(&format!("estimate {n} visit(s), JSON in and out"), |b| {
            b.iter(|| {
                let parsed = yibao::Case::from_json(&yibao::input::parse(black_box(&case_text)).unwrap()).unwrap();
                serde_json::to_string(&yibao::Output { estimate: &yibao::estimate(&parsed, &policy).unwrap(), parameters: None }).unwrap()
            })
        });
    }
    c.bench_function("load pack from JSON text (example-policy)", |b| {
        b.iter(|| yibao::load_policy(&yibao::input::parse(black_box(&pack_text)).unwrap()).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
