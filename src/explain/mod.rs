//! Explanation steps: every amount a scheme pays or withholds, in words a resident understands,
//! with the JSON Pointers of the policy parameters it used.

use crate::money::{Exact, Money};
use serde::Serialize;

/// The three schemes of "一站式" settlement; serialized as the contract names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    Basic,
    CriticalIllness,
    MedicalAssistance,
}

impl Scheme {
    pub fn zh(self) -> &'static str {
        match self {
            Scheme::Basic => "基本医保",
            Scheme::CriticalIllness => "大病保险",
            Scheme::MedicalAssistance => "医疗救助",
        }
    }
}

/// What a step's amount is: paid by the scheme, withheld (left to the person), or a note;
/// serialized as `paid`, `withheld`, `info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Paid,
    Withheld,
    Info,
}

#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub scheme: Scheme,
    #[serde(serialize_with = "crate::explain::name")]
    pub rule: &'static str,
    pub effect: Effect,
    pub amount: Money,
    pub text: String,
    pub params: Vec<String>,
}

/// "28,730.00 元"
pub fn yuan(m: Money) -> Yuan {
    Yuan(m)
}

/// An amount as people read it, written straight into the surrounding text.
#[derive(Clone, Copy, Debug)]
pub struct Yuan(Money);

impl std::fmt::Display for Yuan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} 元", self.0.grouped())
    }
}

/// An unrounded intermediate for explanations: two decimals when that is exact ("825.50"),
/// otherwise every decimal it has ("0.525"), so no step claims a rounding that did not happen.
pub fn exact(e: Exact) -> String {
    let rounded = e.round();
    if rounded.decimal() == e.0 {
        rounded.grouped().to_string()
    } else {
        crate::money::grouped(e.0.normalize())
    }
}

/// Collects a visit's steps for one scheme, or, for an estimate of amounts only (`yibao batch`
/// without `--explain`), none: the texts and parameter lists are then never built. They were
/// most of an estimate's time (formatting amounts with thousands separators, one `String` per
/// pointer), and a batch of millions of visits reads only the amounts. Whether steps are kept
/// never changes an amount: every amount is computed outside the closures that build the texts.
pub struct Steps<'a> {
    pub scheme: Scheme,
    out: Option<&'a mut Vec<Step>>,
}

impl<'a> Steps<'a> {
    /// Steps for `scheme` into `out`; `None` keeps none.
    pub fn new(scheme: Scheme, out: Option<&'a mut Vec<Step>>) -> Steps<'a> {
        Steps { scheme, out }
    }

    /// Whether steps are kept: texts that take several statements to build are built only then.
    pub fn on(&self) -> bool {
        self.out.is_some()
    }

    /// Records a step; `text` and `params` are called only when steps are kept.
    #[inline]
    pub fn push(&mut self, rule: &'static str, effect: Effect, amount: Money, text: impl FnOnce() -> String, params: impl FnOnce() -> Vec<String>) {
        if self.out.is_some() {
            let (text, params) = (text(), params());
            self.keep(rule, effect, amount, text, params);
        }
    }

    /// The part of [`Steps::push`] that does not depend on its closures, compiled once rather
    /// than at each of the engine's hundred-odd steps (4 KB of the WebAssembly module).
    #[inline(never)]
    fn keep(&mut self, rule: &'static str, effect: Effect, amount: Money, text: String, params: Vec<String>) {
        if let Some(out) = self.out.as_deref_mut() {
            out.push(Step { scheme: self.scheme, rule, effect, amount, text, params });
        }
    }

    /// The scheme pays nothing for this visit: says why, and returns the nothing it pays.
    pub fn pays_nothing(&mut self, rule: &'static str, text: impl FnOnce() -> String, params: impl FnOnce() -> Vec<String>) -> Money {
        self.push(rule, Effect::Info, Money::ZERO, text, params);
        Money::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Decimal;

    #[test]
    fn exact_amounts_show_what_they_are() {
        assert_eq!(exact(Exact(Decimal::new(8255, 1))), "825.50");
        assert_eq!(exact(Exact(Decimal::new(525, 3))), "0.525");
        assert_eq!(exact(Exact(Decimal::new(12345675, 4))), "1,234.5675");
    }
}

/// Something the person should know about a visit that is not an error: an estimated split, a
/// visit the scheme does not cover.
#[derive(Clone, Debug, Serialize)]
pub struct Warning {
    #[serde(serialize_with = "crate::explain::name")]
    pub code: &'static str,
    pub visit: usize,
    pub text: String,
}

/// A name from the engine's own fixed vocabulary (a rule, a warning code, a kind of visit),
/// serialized as serde's unit variant: the same string in JSON, and one JavaScript string made
/// once and reused (serde-wasm-bindgen caches those) rather than decoded anew for every result.
pub fn name<S: serde::Serializer>(name: &&'static str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_unit_variant("Name", 0, name)
}

/// A fixed name as a value to serialize (see [`name`]).
pub struct Name(pub &'static str);

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        name(&self.0, s)
    }
}
