//! The JavaScript API: a thin layer over the core, no rules here. Values cross the boundary as
//! JSON text (`JSON.stringify` / `JSON.parse` on the JS side of js-sys): one call each way instead
//! of one per field, and amounts stay strings, never JS numbers. Every failure is thrown as the
//! contract's error object `{error: {code, path, message}}`; nothing here can panic.

use crate::error::Error;
use crate::json::Value;
use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;

/// SAFETY: `TalckWasm` assumes a single-threaded WebAssembly runtime, which this build is:
/// wasm32-unknown-unknown without the atomics feature has no threads.
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };

/// JS value → JSON value, with the contract's error for what JSON cannot hold (a BigInt, a cycle).
fn from_js(value: &JsValue, what: &'static str) -> Result<Value, Error> {
    let bad = |detail: String| {
        Error::new(
            "invalid_json",
            what,
            format_args!("输入无法转换为 JSON：{detail}"),
            format_args!("input cannot be converted to JSON: {detail}"),
        )
    };
    // (The JS exception itself is not formatted: Debug formatting costs the wasm kilobytes.)
    let text = JSON::stringify(value).map_err(|_| bad("含有 BigInt 或循环引用 / a BigInt or a cycle".into()))?;
    let text = text.as_string().ok_or_else(|| bad("undefined".into()))?;
    crate::json::parse(&text).map_err(|e| e.into_error(what))
}

fn to_js(value: &dyn crate::wire::ToJson) -> Result<JsValue, JsValue> {
    JSON::parse(&crate::wire::to_string(value, false))
}

fn error_js(e: &Error) -> JsValue {
    let text = e.to_json();
    JSON::parse(&text).unwrap_or_else(|_| JsValue::from_str(&text))
}

/// `estimate(case, options?)`: `options.policy` may hold a pack object; otherwise the case's
/// `policy` id (or `region`) picks a bundled pack. `options.parameters: true` adds the
/// `parameters` and `sources` of the explanation.
#[wasm_bindgen]
pub fn estimate(case: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let case = from_js(&case, "case").map_err(|e| error_js(&e))?;
    let option = |name: &str| {
        let v = if options.is_object() { Reflect::get(&options, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED) } else { JsValue::UNDEFINED };
        Some(v).filter(|v| !v.is_undefined() && !v.is_null())
    };
    let pack = option("policy").map(|p| from_js(&p, "policy")).transpose().map_err(|e| error_js(&e))?;
    let parameters = option("parameters").is_some_and(|v| v.is_truthy());
    JSON::parse(&crate::estimate_json(&case, pack.as_ref(), parameters).map_err(|e| error_js(&e))?)
}

/// `validatePolicy(pack)`: the pack's summary when valid; throws `invalid_policy` with a JSON
/// Pointer otherwise.
#[wasm_bindgen(js_name = validatePolicy)]
pub fn validate_policy(pack: JsValue) -> Result<JsValue, JsValue> {
    let pack = from_js(&pack, "policy").map_err(|e| error_js(&e))?;
    let policy = crate::load_policy(&pack).map_err(|e| error_js(&e))?;
    to_js(&crate::PolicySummary::of(&policy))
}

/// `policies()`: the bundled packs (id, name, region, effective period).
#[wasm_bindgen]
pub fn policies() -> Result<JsValue, JsValue> {
    to_js(&crate::policies().map_err(|e| error_js(&e))?)
}

/// `registerPacks(packs)`: the bundled packs (the package's `packs.json`, an array, parents
/// first), validated. The loader calls it once, before any estimate; it is not part of the API
/// the loader hands out.
#[wasm_bindgen(js_name = registerPacks)]
pub fn register_packs(packs: JsValue) -> Result<(), JsValue> {
    let packs = from_js(&packs, "packs").map_err(|e| error_js(&e))?;
    crate::bundled::register(packs).map_err(|e| error_js(&e))
}

/// `version()`: the engine's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
