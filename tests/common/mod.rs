//! Shared test helpers: the spec's example pack and a compact way to run a case.
#![allow(dead_code)]

use serde_json::{json, Value};

/// `../shared/spec/example-policy.json`, the pack of examples.md.
pub fn example_policy() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/spec/example-policy.json");
    let text = std::fs::read_to_string(path).expect("shared/spec/example-policy.json beside the repository");
    serde_json::from_str(&text).expect("example policy is JSON")
}

/// The example pack with `patch` merged over it (objects key by key, as `extends` does).
pub fn example_with(patch: Value) -> Value {
    yibao::policy::merge(example_policy(), patch)
}

/// Estimates a case (JSON text in and out, as the command line and the browser do) with the
/// parameters and sources added, read back as serde_json.
pub fn estimate_value(case: &Value, pack: Option<&Value>) -> Result<Value, yibao::Error> {
    let pack = pack.map(Value::to_string);
    let text = yibao::estimate_text(&case.to_string(), pack.as_deref(), true)?;
    Ok(serde_json::from_str(&text).expect("the engine writes JSON"))
}

pub fn case(category: &str, visits: Value) -> Value {
    json!({ "person": { "category": category }, "visits": visits })
}

/// Estimates under `policy` and returns the estimate's JSON.
pub fn run(case: &Value, policy: &Value) -> Value {
    estimate_value(case, Some(policy)).unwrap_or_else(|e| panic!("estimate failed: {e}"))
}

pub fn err(case: &Value, policy: &Value) -> yibao::Error {
    match estimate_value(case, Some(policy)) {
        Ok(_) => panic!("expected an error for {case}"),
        Err(e) => e,
    }
}

/// A visit's field as a string ("28730.00").
pub fn field(out: &Value, visit: usize, name: &str) -> String {
    out["visits"][visit][name].as_str().unwrap_or_else(|| panic!("no {name} in visit {visit}")).to_owned()
}

pub fn total(out: &Value, name: &str) -> String {
    out["totals"][name].as_str().unwrap().to_owned()
}

/// basic, critical_illness, medical_assistance, out_of_pocket of one visit.
pub fn split4(out: &Value, visit: usize) -> [String; 4] {
    ["basic", "critical_illness", "medical_assistance", "out_of_pocket"].map(|f| field(out, visit, f))
}
