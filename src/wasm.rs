//! The JavaScript API: a thin layer over the core, no rules here. JS objects come in and go out
//! through serde-wasm-bindgen (no JSON text on the way); amounts leave as strings, never JS
//! numbers. Every failure is thrown as the contract's error object `{error: {code, path,
//! message}}`; nothing here can panic.

use crate::error::Error;
use crate::report::{Numbers, WithParameters};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// JS value → JSON value, strictly (repeated keys cannot occur in JS; nesting is bounded, so a
/// cyclic object is an error value, not a stack overflow).
fn from_js(value: JsValue, what: &'static str) -> Result<Value, JsValue> {
    crate::input::from_deserializer(serde_wasm_bindgen::Deserializer::from(value), what).map_err(|e| error_js(&e))
}

/// Plain JS objects and arrays (not `Map`s), as `JSON.parse` would have made them.
fn to_js(value: &impl Serialize) -> Result<JsValue, JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| {
        error_js(&Error::new(
            "internal_guard",
            "",
            format_args!("结果无法转换为 JavaScript 对象：{e}"),
            format_args!("the result cannot be converted to a JavaScript object: {e}"),
        ))
    })
}

fn error_js(e: &Error) -> JsValue {
    e.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or_else(|_| JsValue::from_str(&e.to_string()))
}

/// `options.policy` and `options.parameters`, when `options` is an object.
fn option(options: &JsValue, name: &str) -> Option<JsValue> {
    if !options.is_object() {
        return None;
    }
    js_sys::Reflect::get(options, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

/// `estimate(case, options?)`: `options.policy` may hold a pack object; otherwise the case's
/// `policy` id (or `region`) picks a bundled pack. `options.parameters: true` adds the
/// `parameters` and `sources` of the explanation.
#[wasm_bindgen]
pub fn estimate(case: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let case = from_js(case, "case")?;
    let pack = option(&options, "policy").map(|p| from_js(p, "policy")).transpose()?;
    let parameters = option(&options, "parameters").is_some_and(|v| v.is_truthy());
    crate::with_estimate(&case, pack.as_ref(), |e| {
        if parameters {
            to_js(&WithParameters { estimate: e, numbers: Numbers::Float })
        } else {
            to_js(e)
        }
    })
    .map_err(|e| error_js(&e))?
}

/// `validatePolicy(pack)`: the pack's summary when valid; throws `invalid_policy` with a JSON
/// Pointer otherwise.
#[wasm_bindgen(js_name = validatePolicy)]
pub fn validate_policy(pack: JsValue) -> Result<JsValue, JsValue> {
    let pack = from_js(pack, "policy")?;
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
    let packs = from_js(packs, "packs")?;
    crate::policy::bundled::register(packs).map_err(|e| error_js(&e))
}

/// `version()`: the engine's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
