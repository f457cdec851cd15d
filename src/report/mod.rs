//! What an estimate shows beyond its amounts and steps: the value and the source of every
//! parameter the steps name ([`Output`]), and the readable text for counter staff
//! ([`text`]). [`Output`] is the contract's estimate as serde writes it, to JSON text or to
//! JavaScript objects.

pub mod text;

use crate::policy::{Basis, Policy, Source};
use crate::rules::estimate::Estimate;
use crate::ids::IdMap;
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use serde_json::Value;

/// A parameter a step names: its value in the merged pack and where it comes from.
#[derive(Clone, Debug, Serialize)]
pub struct Parameter<'p> {
    pub value: PackValue<'p>,
    pub basis: Basis,
    /// A key of the estimate's `sources`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'p str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<&'p str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'p str>,
}

/// Every parameter the steps name, once each and in the order first named: its value and
/// where it comes from.
pub fn parameters<'a, 'p>(e: &'a Estimate<'p>, numbers: Numbers) -> IdMap<&'a str, Parameter<'p>> {
    parameters_of(e.pack, e.visits.iter().flat_map(|v| &v.steps).flat_map(|s| &s.params).map(String::as_str), numbers)
}

/// The parameters `pointers` name in `pack` (an estimate's or a settlement's steps), once each
/// and in the order first named.
pub fn parameters_of<'a, 'p>(pack: &'p Policy, pointers: impl IntoIterator<Item = &'a str>, numbers: Numbers) -> IdMap<&'a str, Parameter<'p>> {
    let mut out = IdMap::default();
    for pointer in pointers {
        if out.contains_key(pointer) {
            continue;
        }
        let entry = pack.provenance.lookup(pointer);
        out.insert(
            pointer,
            Parameter {
                // Every step pointer names a part of the pack (see `settle_pointers`).
                value: PackValue { value: pack.value_at(pointer).unwrap_or(pack.merged()), numbers },
                basis: entry.map_or(Basis::Illustrative, |e| e.basis),
                source: entry.and_then(|e| e.source.as_deref()),
                clause: entry.and_then(|e| e.clause.as_deref()),
                note: entry.and_then(|e| e.note.as_deref()),
            },
        );
    }
    out
}

/// The documents `parameters` cite, each once, under the pack's own keys: a document's title
/// and issuer are long, and written beside every parameter they would make up a third of the
/// result.
pub fn sources<'p>(pack: &'p Policy, parameters: &IdMap<&str, Parameter<'p>>) -> IdMap<&'p str, &'p Source> {
    let mut sources = IdMap::default();
    for key in parameters.values().filter_map(|p| p.source) {
        if let Some(source) = pack.sources.get(key) {
            sources.entry(key).or_insert(source);
        }
    }
    sources
}

/// The contract's estimate, with `parameters` (each parameter a step names: value, basis,
/// source key, clause, note) and `sources` (the documents they cite) when asked for. Not sent by
/// default: the steps already name their parameters, and the values and sources double a
/// result's size — a page showing only amounts, or comparing levels, does not need them.
pub struct Output<'a, 'p> {
    pub estimate: &'a Estimate<'p>,
    /// `Some`: add parameters and sources, the pack's numbers written so.
    pub parameters: Option<Numbers>,
}

impl Serialize for Output<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.estimate;
        let mut map = s.serialize_struct("Estimate", if self.parameters.is_some() { 6 } else { 4 })?;
        map.serialize_field("policy", &e.policy)?;
        map.serialize_field("visits", &e.visits)?;
        map.serialize_field("totals", &e.totals)?;
        map.serialize_field("warnings", &e.warnings)?;
        if let Some(numbers) = self.parameters {
            let parameters = parameters(e, numbers);
            map.serialize_field("parameters", &parameters)?;
            map.serialize_field("sources", &sources(e.pack, &parameters))?;
        }
        map.end()
    }
}

/// The result could not be written (a serializer refused it): a defect of the engine, said so.
pub fn cannot_write(detail: impl std::fmt::Display) -> crate::error::Error {
    crate::error::Error::new(
        "internal_guard",
        "",
        format_args!("结果无法写成 JSON：{detail}"),
        format_args!("the result cannot be written as JSON: {detail}"),
    )
}

/// How a pack's own numbers leave the engine.
#[derive(Clone, Copy, Debug)]
pub enum Numbers {
    /// As the pack writes them, digit for digit (JSON text).
    Exact,
    /// As floating-point numbers, read from their digits by the function given: JavaScript has
    /// no exact decimal, and `JSON.parse` of the exact text makes the same number. The door
    /// that wants floats reads them (the wasm door with the browser's own `parseFloat`, which
    /// spares the module Rust's float parser and its tables).
    Float(fn(&str) -> f64),
}

/// A part of a pack as it stands (a parameter's value).
///
/// Not `Value`'s own `Serialize`: with `arbitrary_precision` a number serializes as a private
/// one-entry map that only serde_json's writer understands; any other serializer (the one to
/// JavaScript objects) would show that map instead of the number.
#[derive(Clone, Copy, Debug)]
pub struct PackValue<'p> {
    pub value: &'p Value,
    pub numbers: Numbers,
}

impl Serialize for PackValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inner = |value| PackValue { value, numbers: self.numbers };
        match self.value {
            Value::Number(n) => match self.numbers {
                Numbers::Float(read) => s.serialize_f64(read(n.as_str())),
                Numbers::Exact => n.serialize(s),
            },
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&inner(item))?;
                }
                seq.end()
            }
            Value::Object(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, &inner(v))?;
                }
                map.end()
            }
            other => other.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_numbers_keep_their_digits_in_json_text() {
        let v = crate::input::parse(r#"{"rate": 0.60, "levels": [1, 2.50], "name": "县级"}"#).unwrap();
        let exact = serde_json::to_string(&PackValue { value: &v, numbers: Numbers::Exact }).unwrap();
        assert_eq!(exact, r#"{"rate":0.60,"levels":[1,2.50],"name":"县级"}"#);
        let read = |digits: &str| digits.parse::<f64>().unwrap_or(f64::NAN);
        let float = serde_json::to_string(&PackValue { value: &v, numbers: Numbers::Float(read) }).unwrap();
        assert_eq!(float, r#"{"rate":0.6,"levels":[1.0,2.5],"name":"县级"}"#);
    }
}
