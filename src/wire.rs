//! The contract's JSON, written straight from the engine's types (contract.md, "Output").
//!
//! Not serde: writing an estimate was most of its time in the browser (serde_json's escaping and
//! map machinery, compiled for size), and the derived code was a sizeable part of the
//! WebAssembly module. Writing the few shapes the contract has by hand is quicker and smaller,
//! and the field order is in plain sight. Input is read by [`crate::json`].

use crate::error::Error;
use crate::estimate::{Amounts, Estimate, Parameter, PolicySummary, VisitResult};
use crate::explain::{Step, Warning};
use crate::money::Money;
use crate::policy::{Effective, Region, Source};
use crate::table::Table;
use crate::json::Value;
use std::fmt::Write as _;

/// Something with a JSON form.
pub trait ToJson {
    fn write_json(&self, w: &mut JsonWriter);
}

/// JSON text being written, compact or indented by two spaces.
pub struct JsonWriter {
    out: String,
    pretty: bool,
    depth: usize,
    /// No item yet in the object or array just opened (so no comma before the next one).
    fresh: bool,
}

impl JsonWriter {
    pub fn new(pretty: bool) -> JsonWriter {
        JsonWriter { out: String::with_capacity(4096), pretty, depth: 0, fresh: true }
    }

    pub fn finish(self) -> String {
        self.out
    }

    /// The separator before an item of an object or array.
    fn item(&mut self) {
        if !self.fresh {
            self.out.push(',');
        }
        self.fresh = false;
        self.newline();
    }

    fn newline(&mut self) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
    }

    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.depth += 1;
        self.fresh = true;
    }

    fn close(&mut self, bracket: char) {
        self.depth -= 1;
        if !self.fresh {
            self.newline();
        }
        self.out.push(bracket);
        self.fresh = false;
    }

    pub fn begin_object(&mut self) {
        self.open('{');
    }

    pub fn end_object(&mut self) {
        self.close('}');
    }

    /// `"key": value` in the object being written.
    pub fn field(&mut self, key: &str, value: &dyn ToJson) {
        self.item();
        self.string(key);
        self.out.push_str(if self.pretty { ": " } else { ":" });
        value.write_json(self);
    }

    /// A field left out when it has no value (the contract's optional fields).
    pub fn opt_field(&mut self, key: &str, value: Option<&dyn ToJson>) {
        if let Some(v) = value {
            self.field(key, v);
        }
    }

    pub fn array<'a>(&mut self, items: impl IntoIterator<Item = &'a dyn ToJson>) {
        self.open('[');
        for item in items {
            self.item();
            item.write_json(self);
        }
        self.close(']');
    }

    /// A JSON string. Most text needs no escape, so it is checked once and copied whole.
    pub fn string(&mut self, s: &str) {
        self.out.push('"');
        if needs_escape(s.as_bytes()) {
            for c in s.chars() {
                match c {
                    '"' => self.out.push_str("\\\""),
                    '\\' => self.out.push_str("\\\\"),
                    '\n' => self.out.push_str("\\n"),
                    '\r' => self.out.push_str("\\r"),
                    '\t' => self.out.push_str("\\t"),
                    c if c < ' ' => {
                        let _ = write!(self.out, "\\u{:04x}", c as u32);
                    }
                    c => self.out.push(c),
                }
            }
        } else {
            self.out.push_str(s);
        }
        self.out.push('"');
    }

    /// Text as it is (numbers, `null`, `true`).
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }
}

/// Whether JSON needs any byte of `bytes` escaped: a control character, `"` or `\`. Tested
/// eight bytes at a time, since every string of a result passes here and almost none has one.
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A byte of `x` is zero exactly when this sets its high bit (the classic has-zero-byte test).
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS != 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // Bytes below 0x20; then bytes equal to `"` (0x22) and `\` (0x5c). A UTF-8 byte ≥ 0x80
        // never counts as below 0x20: its high bit is masked out by `!x`.
        let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGHS != 0;
        if below_space || has_zero(x ^ (ONES * 0x22)) || has_zero(x ^ (ONES * 0x5c)) {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// The whole of `value` as JSON text.
pub fn to_string(value: &dyn ToJson, pretty: bool) -> String {
    let mut w = JsonWriter::new(pretty);
    value.write_json(&mut w);
    w.finish()
}

impl ToJson for str {
    fn write_json(&self, w: &mut JsonWriter) {
        w.string(self);
    }
}

impl ToJson for String {
    fn write_json(&self, w: &mut JsonWriter) {
        w.string(self);
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, w: &mut JsonWriter) {
        (**self).write_json(w);
    }
}

impl ToJson for usize {
    fn write_json(&self, w: &mut JsonWriter) {
        let _ = write!(w.out, "{self}");
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, w: &mut JsonWriter) {
        match self {
            Some(v) => v.write_json(w),
            None => w.raw("null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, w: &mut JsonWriter) {
        w.array(self.iter().map(|v| v as &dyn ToJson));
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, w: &mut JsonWriter) {
        self.as_slice().write_json(w);
    }
}

/// A table is an object, in its own order.
impl<K: AsRef<str> + PartialEq, V: ToJson> ToJson for Table<K, V> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        for (k, v) in self.iter() {
            w.field(k.as_ref(), v);
        }
        w.end_object();
    }
}

/// A pack's own JSON (a parameter's value), as it stands.
impl ToJson for Value {
    fn write_json(&self, w: &mut JsonWriter) {
        match self {
            Value::Null => w.raw("null"),
            Value::Bool(b) => w.raw(if *b { "true" } else { "false" }),
            Value::Number(n) => w.raw(n),
            Value::String(s) => w.string(s),
            Value::Array(items) => w.array(items.iter().map(|v| v as &dyn ToJson)),
            Value::Object(map) => {
                w.begin_object();
                for (k, v) in map.iter() {
                    w.field(k, v);
                }
                w.end_object();
            }
        }
    }
}

/// Amounts are strings with exactly two decimals, never JSON numbers.
impl ToJson for Money {
    fn write_json(&self, w: &mut JsonWriter) {
        let _ = write!(w.out, "\"{self}\"");
    }
}

impl ToJson for crate::date::Date {
    fn write_json(&self, w: &mut JsonWriter) {
        let _ = write!(w.out, "\"{self}\"");
    }
}

/// The contract's estimate: policy, visits with their steps, totals, warnings.
impl ToJson for Estimate<'_> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        self.write_fields(w);
        w.end_object();
    }
}

impl Estimate<'_> {
    fn write_fields(&self, w: &mut JsonWriter) {
        w.field("policy", &self.policy);
        w.field("visits", &self.visits);
        w.field("totals", &self.totals);
        w.field("warnings", &self.warnings);
    }
}

/// An estimate with `parameters` (each parameter a step names: value, basis, source key, clause,
/// note) and `sources` (the documents they cite). Asked for, not sent by default: the steps
/// already name their parameters, and the values and sources double a result's size, which is
/// most of its cost in the browser — a page showing only amounts, or comparing levels, does
/// not need them.
pub struct WithParameters<'a, 'p>(pub &'a Estimate<'p>);

impl ToJson for WithParameters<'_, '_> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        self.0.write_fields(w);
        let parameters = self.0.parameters();
        w.field("parameters", &parameters);
        w.field("sources", &self.0.sources(&parameters));
        w.end_object();
    }
}

impl ToJson for PolicySummary<'_> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.field("id", &self.id);
        w.field("name", &self.name);
        w.field("region", &self.region);
        w.field("effective", &self.effective);
        w.end_object();
    }
}

impl ToJson for Region {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.field("code", &self.code);
        w.field("name", &self.name);
        w.end_object();
    }
}

impl ToJson for Effective {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.field("from", &self.from);
        w.field("until", &self.until);
        w.end_object();
    }
}

impl Amounts {
    fn write_fields(&self, w: &mut JsonWriter) {
        w.field("total", &self.total);
        w.field("out_of_catalog", &self.out_of_catalog);
        w.field("class_b_self_pay", &self.class_b_self_pay);
        w.field("in_scope", &self.in_scope);
        w.field("basic", &self.basic);
        w.field("critical_illness", &self.critical_illness);
        w.field("medical_assistance", &self.medical_assistance);
        w.field("reimbursed", &self.reimbursed);
        w.field("out_of_pocket", &self.out_of_pocket);
    }
}

impl ToJson for Amounts {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        self.write_fields(w);
        w.end_object();
    }
}

/// A visit's amounts sit beside its kind, level and date, then its steps.
impl ToJson for VisitResult {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.field("kind", &self.kind);
        w.field("level", &self.level);
        w.field("date", &self.date);
        self.amounts.write_fields(w);
        w.field("steps", &self.steps);
        w.end_object();
    }
}

impl ToJson for Step {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.field("scheme", &self.scheme.id());
        w.field("rule", &self.rule);
        w.field("effect", &self.effect.id());
        w.field("amount", &self.amount);
        w.field("text", &self.text);
        w.field("params", &self.params);
        w.end_object();
    }
}

impl ToJson for Warning {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.field("code", &self.code);
        w.field("visit", &self.visit);
        w.field("text", &self.text);
        w.end_object();
    }
}

impl ToJson for Parameter<'_> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.field("value", &self.value);
        w.field("basis", &self.basis.id());
        w.opt_field("source", self.source.as_ref().map(|s| s as &dyn ToJson));
        w.opt_field("clause", self.clause.as_ref().map(|s| s as &dyn ToJson));
        w.opt_field("note", self.note.as_ref().map(|s| s as &dyn ToJson));
        w.end_object();
    }
}

impl ToJson for Source {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.field("number", &self.number);
        w.field("title", &self.title);
        w.opt_field("issuer", self.issuer.as_ref().map(|s| s as &dyn ToJson));
        w.opt_field("date", self.date.as_ref().map(|s| s as &dyn ToJson));
        w.opt_field("url", self.url.as_ref().map(|s| s as &dyn ToJson));
        w.end_object();
    }
}

/// The contract's error: `{"error": {"code", "path", "message"}}`.
impl ToJson for Error {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.field("error", &ErrorBody(self));
        w.end_object();
    }
}

struct ErrorBody<'e>(&'e Error);

impl ToJson for ErrorBody<'_> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.field("code", &self.0.code);
        w.field("path", &self.0.path);
        w.field("message", &self.0.message);
        w.end_object();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;

    #[test]
    fn escapes_are_found_wherever_they_are() {
        for n in 0..20 {
            for special in ['"', '\\', '\n', '\u{1f}', '\0'] {
                let mut s: String = "价".repeat(n / 3) + &"a".repeat(n % 3);
                assert!(!needs_escape(s.as_bytes()), "{s:?}");
                s.push(special);
                s.push_str(&"费".repeat(n % 4));
                assert!(needs_escape(s.as_bytes()), "{s:?}");
            }
        }
        // Every non-escaped byte value, in every position of a word.
        let plain: Vec<u8> = (0x20u8..=0xff).filter(|&b| b != b'"' && b != b'\\').collect();
        for shift in 0..8 {
            assert!(!needs_escape(&plain[shift..]));
        }
    }

    #[test]
    fn strings_are_escaped_and_objects_indented() {
        let mut t: Table<&str, Value> = Table::new();
        t.insert("b", json!(["x\"y", "a\\b\n\u{1}", 3, null, true, {"k": 1.5}]));
        t.insert("a", json!({}));
        let compact = to_string(&t, false);
        assert_eq!(compact, r#"{"b":["x\"y","a\\b\n\u0001",3,null,true,{"k":1.5}],"a":{}}"#);
        // What is read back is what was written.
        assert_eq!(crate::json::parse(&compact).unwrap(), json!({"b": ["x\"y", "a\\b\n\u{1}", 3, null, true, {"k": 1.5}], "a": {}}));
        assert_eq!(to_string(&t, true), "{\n  \"b\": [\n    \"x\\\"y\",\n    \"a\\\\b\\n\\u0001\",\n    3,\n    null,\n    true,\n    {\n      \"k\": 1.5\n    }\n  ],\n  \"a\": {}\n}");
        assert_eq!(to_string(&Vec::<String>::new(), true), "[]");
    }
}
