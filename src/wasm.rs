//! The JavaScript API: a thin layer over the core, no rules here. JS objects come in and go out
//! through serde-wasm-bindgen (no JSON text on the way); amounts leave as strings, never JS
//! numbers. Every failure is thrown as the contract's error object `{error: {code, path,
//! message}}`; nothing here can panic.

use crate::error::Error;
use crate::report::{Numbers, Output, PackValue};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// JS value → JSON value, strictly (repeated keys cannot occur in JS; nesting is bounded, so a
/// cyclic object is an error value, not a stack overflow).
fn from_js(value: JsValue, what: &'static str) -> Result<Value, JsValue> {
    crate::input::from_deserializer(serde_wasm_bindgen::Deserializer::from(value), what, js_message).map_err(|e| error_js(&e))
}

/// The text of serde-wasm-bindgen's error: the JS `Error`'s message, without the "Error: " that
/// its string form starts with.
fn js_message(e: serde_wasm_bindgen::Error) -> String {
    match JsValue::from(e).dyn_into::<js_sys::Error>() {
        Ok(error) => error.message().into(),
        Err(other) => other.as_string().unwrap_or_default(),
    }
}

/// Plain JS objects and arrays (not `Map`s), as `JSON.parse` would have made them.
fn to_js(value: &impl Serialize) -> Result<JsValue, JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| {
        let detail = js_message(e);
        error_js(&Error::new(
            "internal_guard",
            "",
            format_args!("结果无法转换为 JavaScript 对象：{detail}"),
            format_args!("the result cannot be converted to a JavaScript object: {detail}"),
        ))
    })
}

fn error_js(e: &Error) -> JsValue {
    e.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or_else(|_| JsValue::from_str(&e.to_string()))
}

/// A pack's number as JavaScript reads it (`JSON.parse` gives the same).
fn parse_float(digits: &str) -> f64 {
    js_sys::Number::parse_float(digits)
}

#[wasm_bindgen]
extern "C" {
    /// `estimate`'s second argument, read by property: no key string crosses the boundary. A
    /// getter that throws is caught (an error value, never a JS exception through the engine).
    type EstimateOptions;
    #[wasm_bindgen(method, getter, catch)]
    fn policy(this: &EstimateOptions) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn parameters(this: &EstimateOptions) -> Result<JsValue, JsValue>;
}

/// `options.policy` (a pack object) and `options.parameters`, as `estimate` and `settle` take them.
fn read_options(options: &JsValue) -> Result<(Option<Value>, bool), JsValue> {
    if !options.is_object() {
        return Ok((None, false));
    }
    let options: &EstimateOptions = options.unchecked_ref();
    let unreadable = |_| error_js(&Error::new("invalid_json", "options", "选项无法读取", "the options cannot be read"));
    let pack = options.policy().map_err(unreadable)?;
    let pack = (!pack.is_undefined() && !pack.is_null()).then(|| from_js(pack, "policy")).transpose()?;
    Ok((pack, options.parameters().map_err(unreadable)?.is_truthy()))
}

/// `estimate(case, options?)`: `options.policy` may hold a pack object; otherwise the case's
/// `policy` id (or `region`) picks a bundled pack. `options.parameters: true` adds the
/// `parameters` and `sources` of the explanation.
#[wasm_bindgen]
pub fn estimate(case: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let case = from_js(case, "case")?;
    let (pack, parameters) = read_options(&options)?;
    crate::with_estimate(&case, pack.as_ref(), |e| to_js(&Output { estimate: e, parameters: parameters.then_some(Numbers::Float(parse_float)) }))
    .map_err(|e| error_js(&e))?
}

#[cfg(feature = "settlement")]
/// `settle(case, options?)`: a 医共体 / 包干 settlement (settlement.md); `options.policy` may hold
/// a pack object, otherwise the case's `policy` names a bundled pack; `options.parameters: true`
/// adds the `parameters` and `sources` the steps cite.
#[wasm_bindgen]
pub fn settle(case: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let case = from_js(case, "case")?;
    let (pack, parameters) = read_options(&options)?;
    crate::with_settlement(&case, pack.as_ref(), |s| to_js(&crate::settlement::Output::new(s, parameters.then_some(Numbers::Float(parse_float))))).map_err(|e| error_js(&e))?
}

/// `validatePolicy(pack)`: the pack's listing (as `policies()` gives it) when valid; throws `invalid_policy` with a JSON
/// Pointer otherwise.
#[wasm_bindgen(js_name = validatePolicy)]
pub fn validate_policy(pack: JsValue) -> Result<JsValue, JsValue> {
    let pack = from_js(pack, "policy")?;
    let policy = crate::load_policy(&pack).map_err(|e| error_js(&e))?;
    to_js(&crate::PolicyListing::of(&policy))
}

/// `resolvePolicy(pack)`: the pack as the engine computes with it: merged over its `extends`
/// parents, read as format /2, validated (throws `invalid_policy` with a JSON Pointer otherwise).
/// The pack editor shows every parameter of it, with what each inherits.
#[wasm_bindgen(js_name = resolvePolicy)]
pub fn resolve_policy(pack: JsValue) -> Result<JsValue, JsValue> {
    let pack = from_js(pack, "policy")?;
    let policy = crate::load_policy(&pack).map_err(|e| error_js(&e))?;
    to_js(&PackValue { value: policy.merged(), numbers: Numbers::Float(parse_float) })
}

/// `policies()`: the bundled packs (id, name, region, effective period, hospital levels).
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
