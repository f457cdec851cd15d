//! Policy packs (`yibao-policy/2`, and /1 read as /2): every number a rule uses, for one region
//! and one effective period, with its source. A pack is merged over its `extends` parent, then
//! validated as a whole into the typed [`Policy`]; the calculator never runs on a half-valid pack.

pub mod bundled;
mod merge;
pub mod provenance;
#[cfg(feature = "settlement")]
pub mod settlement;
pub mod upgrade;
mod validate;

pub use merge::merge;
pub use provenance::{Basis, Provenance};

use crate::date::Date;
use crate::error::Error;
use crate::money::{Money, Rate};
use crate::vocabulary::{Category, Kind, Level, Vocabulary};
use crate::ids::IdMap;
use serde::Serialize;
use serde_json::Value;

/// The format strings a pack may carry: /1 (the seed documents' five hospital levels) and /2
/// (levels declared by the pack, repeat admissions; policy-format.md "Format yibao-policy/2").
pub const FORMAT_1: &str = "yibao-policy/1";
pub const FORMAT_2: &str = "yibao-policy/2";

#[derive(Clone, Debug)]
pub struct Policy {
    pub id: String,
    pub name: String,
    pub region: Region,
    pub effective: Effective,
    pub sources: IdMap<String, Source>,
    pub basic: Basic,
    pub critical_illness: CriticalIllness,
    pub medical_assistance: Option<MedicalAssistance>,
    pub estimation: Estimation,
    pub provenance: Provenance,
    /// The hospital levels a case may name, lowest rank first.
    pub levels: Levels,
    /// Condition ids the pack declares beyond rules.md's eight, with their names (format /2).
    /// A handful at most: a list, not a map.
    pub conditions: Vec<(String, String)>,
    /// How the fund pays the providers (`settlement`, settlement.md), where the pack says.
    #[cfg(feature = "settlement")]
    pub settlement: Option<settlement::Settlement>,
    /// The merged pack as JSON, to show each parameter's value beside its source.
    merged: Value,
}

/// id, name, region and effective period of a pack.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct PolicySummary<'p> {
    pub id: &'p str,
    pub name: &'p str,
    pub region: &'p Region,
    pub effective: &'p Effective,
}

impl PolicySummary<'_> {
    pub fn of(p: &Policy) -> PolicySummary<'_> {
        PolicySummary { id: &p.id, name: &p.name, region: &p.region, effective: &p.effective }
    }
}

/// A pack as `policies()`, `validatePolicy()` and `yibao policies --format json` list it: its
/// summary and the hospital levels a case may name, so that a page offers the pack's own choices.
///
/// The summary's fields are repeated rather than nested with `#[serde(flatten)]`, which goes
/// through a map serializer: half a kilobyte of the gzipped wasm, whose budget is nearly spent.
#[derive(Clone, Debug, Serialize)]
pub struct PolicyListing<'p> {
    pub id: &'p str,
    pub name: &'p str,
    pub region: &'p Region,
    pub effective: &'p Effective,
    pub levels: &'p [DeclaredLevel],
}

impl PolicyListing<'_> {
    pub fn of(p: &Policy) -> PolicyListing<'_> {
        let PolicySummary { id, name, region, effective } = PolicySummary::of(p);
        PolicyListing { id, name, region, effective, levels: &p.levels.0 }
    }
}

/// A hospital level a pack declares (policy-format.md §1): its id, the name a page shows, and
/// its rank, which orders levels for referral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeclaredLevel {
    pub id: String,
    pub name: String,
    pub rank: u32,
}

/// A pack's hospital levels, lowest rank first (equal ranks in the pack's order).
#[derive(Clone, Debug, Default)]
pub struct Levels(pub Vec<DeclaredLevel>);

impl Levels {
    /// rules.md's five, as a `yibao-policy/1` pack has them (and the national baseline declares).
    pub fn baseline() -> Levels {
        Levels((1..).zip(Level::ALL).map(|(rank, level)| DeclaredLevel { id: level.id().to_owned(), name: level.zh().to_owned(), rank }).collect())
    }

    pub fn get(&self, id: &str) -> Option<&DeclaredLevel> {
        self.0.iter().find(|l| l.id == id)
    }

    /// The name a resident reads; the id itself for a level the pack does not declare.
    pub fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.get(id).map_or(id, |l| l.name.as_str())
    }

    /// "village（村卫生室）、township（…）" for messages.
    pub fn allowed_zh(&self) -> String {
        self.0.iter().map(|l| format!("{}（{}）", l.id, l.name)).collect::<Vec<_>>().join("、")
    }

    pub fn allowed_en(&self) -> String {
        self.0.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(", ")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Region {
    pub code: String,
    pub name: String,
}

/// Inclusive dates; `until: None` means still in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Effective {
    pub from: Date,
    pub until: Option<Date>,
}

impl Effective {
    pub fn contains(&self, date: Date) -> bool {
        date >= self.from && self.until.is_none_or(|u| date <= u)
    }

    /// "2018-06-01 起" / "2018-06-01 至 2020-12-31".
    pub fn zh(&self) -> String {
        match self.until {
            None => format!("{} 起", self.from),
            Some(u) => format!("{} 至 {u}", self.from),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    pub number: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When the text at `url` was read (format /2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retrieved: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Basic {
    pub inpatient: Inpatient,
    pub general_outpatient: Option<GeneralOutpatient>,
    pub chronic_outpatient: Option<ChronicOutpatient>,
    pub two_diseases: Option<TwoDiseases>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelBenefit {
    pub deductible: Money,
    pub rate: Rate,
}

#[derive(Clone, Debug)]
pub struct Inpatient {
    /// By level id (declared in `Policy::levels`).
    pub levels: IdMap<String, LevelBenefit>,
    pub annual_cap: Option<Money>,
    /// 日间手术 deductible factor (曲政办发〔2022〕65号: 0.5, 起付标准减半); 1 when absent.
    pub day_surgery_deductible_factor: Rate,
    pub referral: ReferralRules,
    pub unreferred_rate: IdMap<String, Rate>,
    pub tcm_full_levels: Vec<String>,
    /// The deductible's factor for the 1st, 2nd, 3rd … admission of the year; the last holds for
    /// every later one (format /2; `[1]` otherwise).
    pub repeat_deductible_factors: Vec<Rate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReferralRules {
    /// `true`: an upward transfer pays only the deductible difference (`"difference"`).
    pub upward_difference: bool,
    /// `true`: a downward transfer pays no deductible (`"waived"`).
    pub downward_waived: bool,
    /// `true`: a transfer inside a county alliance (医共体) pays no second deductible.
    pub alliance_waived: bool,
}

#[derive(Clone, Debug)]
pub struct GeneralOutpatient {
    pub levels: IdMap<String, Rate>,
    pub annual_deductible: Money,
    pub per_visit_cap: Option<Money>,
    pub annual_cap: Option<Money>,
}

#[derive(Clone, Debug)]
pub struct ChronicOutpatient {
    pub conditions: Vec<String>,
    pub annual_deductible: Money,
    pub rate: Rate,
    pub annual_cap: Option<Money>,
    pub condition_caps: IdMap<String, Money>,
    /// A condition's own deductible, cap and rate (format /2, rules.md v2 "per-condition rules").
    pub condition_rules: Vec<(String, ConditionRule)>,
}

/// What a condition listed in `condition_rules` has of its own; `None` = the shared rule.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConditionRule {
    pub annual_deductible: Option<Money>,
    /// `Some(None)`: the rule says `null`, no cap of the condition's own.
    pub annual_cap: Option<Option<Money>>,
    pub rate: Option<Rate>,
    pub exempt_from_shared_cap: bool,
}

#[derive(Clone, Debug)]
pub struct TwoDiseases {
    pub annual_deductible: Money,
    pub rate: Rate,
    /// Absent (or null) = no cap (丰泽 2021: 取消病种年度基金支付限额).
    pub annual_caps: IdMap<String, Money>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BandsFrom {
    /// Band bounds are amounts of (C − threshold) (甘肃: 补偿基数 = 合规自付 − 起付线).
    Threshold,
    /// Band bounds are absolute amounts of C; only the part above the threshold counts.
    Zero,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Band {
    pub up_to: Option<Money>,
    pub rate: Rate,
}

/// One 大病保险 scale: the standard one or the preferential one for 困难群体.
#[derive(Clone, Debug)]
pub struct Scale {
    pub threshold: Money,
    pub bands: Vec<Band>,
    pub annual_cap: Option<Money>,
    /// Where the scale sits in the pack (`/critical_illness` or `/critical_illness/preferential`).
    pub pointer: &'static str,
}

#[derive(Clone, Debug)]
pub struct CriticalIllness {
    pub covers: Vec<Kind>,
    pub bands_from: BandsFrom,
    pub standard: Scale,
    pub preferential: Option<(Vec<Category>, Scale)>,
    pub accident_annual_cap: Option<Money>,
}

impl CriticalIllness {
    /// The scale that applies to a person of `category`.
    pub fn scale_for(&self, category: Category) -> &Scale {
        match &self.preferential {
            Some((cats, scale)) if cats.contains(&category) => scale,
            _ => &self.standard,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Assistance {
    pub annual_deductible: Money,
    pub rate: Rate,
    pub annual_cap: Option<Money>,
}

#[derive(Clone, Debug)]
pub struct MedicalAssistance {
    /// Applied in this order (rules.md v2 §3); a /1 pack's categories are one layer.
    pub layers: Vec<Layer>,
}

/// One layer of 医疗救助 (大额医疗救助, 倾斜救助, …).
#[derive(Clone, Debug)]
pub struct Layer {
    pub id: String,
    pub name: String,
    /// The layer's own `covers`, or `medical_assistance.covers`.
    pub covers: Vec<Kind>,
    pub categories: IdMap<Category, Assistance>,
}

#[derive(Clone, Copy, Debug)]
pub struct Estimation {
    /// Share of the total counted as in scope when a visit gives no split.
    pub default_in_scope_share: Rate,
}

impl Policy {
    /// Merges `pack` over its `extends` parents (found through `lookup`) and validates the result.
    /// Every fault is `invalid_policy` with a JSON Pointer into the pack.
    pub fn load(pack: &Value, lookup: &dyn Fn(&str) -> Option<Value>) -> Result<Policy, Error> {
        // A pack names itself: `format` and `id` must be its own, never inherited, or a portal's
        // pack without an id would pass itself off as its parent.
        for key in ["format", "id"] {
            if pack.get(key).and_then(Value::as_str).is_none() {
                return Err(Error::new(
                    "invalid_policy",
                    format!("/{key}"),
                    format_args!("政策包必须写明自己的 {key}（不能从所继承的政策包得到）"),
                    format_args!("a pack must state its own {key} (it is not inherited)"),
                ));
            }
        }
        let merged = merge::resolve(pack, lookup).map_err(Error::into_policy_error)?;
        // A fault in a /1 pack is shown where it is in that pack, not in its /2 reading.
        let v1 = pack.get("format").and_then(Value::as_str) == Some(FORMAT_1);
        validate::policy(merged).map_err(|e| {
            let e = e.into_policy_error();
            if v1 {
                let path = upgrade::pointer_1(&e.path);
                return e.with_path(path);
            }
            e
        })
    }

    /// The merged pack as JSON (its `extends` resolved).
    pub fn merged(&self) -> &Value {
        &self.merged
    }

    /// Whether the merged pack has a value at `pointer`.
    pub fn has(&self, pointer: &str) -> bool {
        self.value_at(pointer).is_some()
    }

    /// The merged pack's value at a JSON Pointer (RFC 6901).
    ///
    /// Not `Value::pointer`: that unescapes every segment into two new strings, and every step
    /// of every estimate names parameters, so it was a tenth of an estimate's time; here a
    /// segment is unescaped only when it has a `~`, which no pointer the rules write has.
    pub fn value_at(&self, pointer: &str) -> Option<&Value> {
        at_pointer(&self.merged, pointer)
    }

    /// Whether a condition id is one this pack knows: rules.md's eight or one it declares.
    pub fn knows_condition(&self, id: &str) -> bool {
        crate::vocabulary::is_known_condition(id) || self.conditions.iter().any(|(k, _)| k == id)
    }

    /// The name a resident reads for a condition: the pack's own, rules.md's, or the id.
    pub fn condition_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.conditions.iter().find(|(k, _)| k == id).map_or_else(|| crate::vocabulary::condition_zh(id), |(_, name)| name.as_str())
    }

    /// "hypertension（高血压）、…" for messages: every condition the pack knows.
    pub fn conditions_zh(&self) -> String {
        let known = crate::vocabulary::KNOWN_CONDITIONS.iter().map(|&(id, zh)| (id, zh));
        let declared = self.conditions.iter().map(|(id, name)| (id.as_str(), name.as_str()));
        known.chain(declared).map(|(id, zh)| format!("{id}（{zh}）")).collect::<Vec<_>>().join("、")
    }
}

/// The value at a JSON Pointer (RFC 6901) in `root`: what `Value::pointer` does, written out so
/// that a segment is unescaped only when it has a `~` (see [`Policy::value_at`]).
pub(crate) fn at_pointer<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    pointer.strip_prefix('/')?.split('/').try_fold(root, |value, token| match value {
        Value::Object(members) if token.contains('~') => members.get(&unescape(token)),
        Value::Object(members) => members.get(token),
        // An index is digits without a leading zero (RFC 6901): not "01", "+1" or "-1".
        Value::Array(items) if token.bytes().all(|b| b.is_ascii_digit()) && (token == "0" || !token.starts_with('0')) => {
            items.get(token.parse::<usize>().ok()?)
        }
        _ => None,
    })
}

/// A JSON Pointer segment unescaped (RFC 6901 §4: `~1` is `/`, then `~0` is `~`), in one pass
/// over its characters: std's `str::replace` would bring a substring searcher into the wasm for
/// this one use.
fn unescape(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('1')) => {
                chars.next();
                out.push('/');
            }
            ('~', Some('0')) => {
                chars.next();
                out.push('~');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_are_read_as_rfc_6901_has_them() {
        let pack: Value = serde_json::json!({"a": {"b/c": [10, {"d~e": 1}]}, "": 2});
        let policy = Policy { merged: pack, ..bundled::all().unwrap()[0].clone() };
        assert_eq!(policy.value_at("/a/b~1c/1/d~0e"), Some(&serde_json::json!(1)));
        assert_eq!(policy.value_at("/a/b~1c/0"), Some(&serde_json::json!(10)));
        assert_eq!(policy.value_at("/"), Some(&serde_json::json!(2)));
        assert_eq!(policy.value_at(""), Some(&policy.merged));
        for absent in ["/a/b~1c/01", "/a/b~1c/+1", "/a/b~1c/-1", "/a/b~1c/2", "/a/b/c", "a", "/x"] {
            assert_eq!(policy.value_at(absent), None, "{absent}");
            assert!(!policy.has(absent), "{absent}");
        }
        for present in ["", "/a", "/a/b~1c", "/a/b~1c/1", "/a/b~1c/1/d~0e", "/"] {
            assert!(policy.has(present), "{present}");
            assert!(policy.value_at(present).is_some(), "{present}");
        }
    }

    #[test]
    fn pointers_agree_with_serde_json_on_every_escape() {
        // Keys with every arrangement of `~`, `0`, `1` and `/`: the one-pass unescaping must read
        // them as serde_json's two replaces (`~1` → `/`, then `~0` → `~`) do.
        let keys = ["~", "~~", "~0", "~1", "~01", "~10", "~~1", "~0~1", "/", "~/", "a~2b", "~~01", "汉~1字"];
        let mut pack = serde_json::Map::new();
        for k in keys {
            pack.insert(k.to_owned(), serde_json::json!(k));
        }
        let pack = Value::Object(pack);
        let escapes = ["~", "~~", "~0", "~1", "~01", "~10", "~~1", "~0~1", "~00", "~11", "~2", "a~2b", "~~01", "~0~0", "~~0", "汉~1字", "~01~1"];
        for token in escapes {
            let pointer = format!("/{token}");
            assert_eq!(at_pointer(&pack, &pointer), pack.pointer(&pointer), "{pointer}");
        }
    }
}
