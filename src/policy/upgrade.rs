//! A `yibao-policy/1` pack read as `/2` (policy-format.md, "Reading a /1 pack"): what the engine
//! does to every /1 pack of a chain before merging it, and what `yibao upgrade` writes.
//!
//! - the five levels of rules.md, for a pack that extends nothing (one that extends another
//!   inherits its parent's levels);
//! - `medical_assistance.categories` as a single layer `assistance` 医疗救助. A /1 pack that
//!   extends another changes its parent's categories member by member (objects merge), so its
//!   categories are merged into its parent's first layer, the layer a /1 reading of the parent
//!   made of the parent's categories; provenance pointers follow them there;
//! - condition ids of `chronic_outpatient.conditions` beyond rules.md's eight, which /1 allowed
//!   without declaring, declared with their id as their name.
//!
//! Estimates are the same to the fen. A /1 pack that uses a /2 member is refused: its author
//! meant /2.

use super::merge::{self, merge};
use super::{FORMAT_1, FORMAT_2};
use crate::error::Error;
use serde_json::{Map, Value};

/// Where a /1 pack's assistance categories are in /2, for pointers and error paths.
const CATEGORIES_1: &str = "/medical_assistance/categories";
const CATEGORIES_2: &str = "/medical_assistance/layers/0/categories";

/// `pack` as /2 when it is /1 (anything else is returned as it is). `parent` is the merged pack it
/// extends, if any, already /2.
///
/// Written with the few map operations the rest of the engine already uses (insert, get, collect),
/// so that this reading adds little to the WebAssembly module.
pub fn upgrade(pack: Value, parent: Option<&Value>) -> Result<Value, Error> {
    if pack.get("format").and_then(Value::as_str) != Some(FORMAT_1) {
        return Ok(pack);
    }
    refuse_2_members(&pack)?;
    let Value::Object(members) = pack else { return Ok(pack) };
    // A pack that extends another inherits its levels.
    let mut levels = members.get("extends").is_none_or(Value::is_null).then(baseline_levels);
    let mut conditions = own_conditions(&members, parent);
    let mut out = Map::new();
    for (key, value) in members {
        // New members go before `basic`, where a reader of the pack looks for them.
        if key == "basic" {
            if let Some(l) = levels.take() {
                out.insert("levels".to_owned(), l);
            }
            if let Some(c) = conditions.take() {
                out.insert("conditions".to_owned(), c);
            }
        }
        let value = match (key.as_str(), value) {
            ("format", _) => Value::from(FORMAT_2),
            ("medical_assistance", Value::Object(ma)) => Value::Object(ma.into_iter().map(|(k, v)| if k == "categories" { ("layers".to_owned(), layers(v, parent)) } else { (k, v) }).collect()),
            ("provenance", Value::Object(p)) => Value::Object(p.into_iter().map(|(pointer, entry)| (pointer_2(&pointer), entry)).collect()),
            (_, value) => value,
        };
        out.insert(key, value);
    }
    if let Some(l) = levels {
        out.insert("levels".to_owned(), l);
    }
    Ok(Value::Object(out))
}

/// A /1 pack's `medical_assistance.categories` as /2 `layers`: merged into the first layer of
/// the parent's, or the one layer 医疗救助.
fn layers(categories: Value, parent: Option<&Value>) -> Value {
    let inherited = parent.and_then(|p| super::at_pointer(p, "/medical_assistance/layers")).and_then(Value::as_array).filter(|l| !l.is_empty());
    let mut layers = match inherited {
        Some(layers) => layers.clone(),
        None => {
            let mut layer = Map::new();
            layer.insert("id".to_owned(), Value::from("assistance"));
            layer.insert("name".to_owned(), Value::from("医疗救助"));
            vec![Value::Object(layer)]
        }
    };
    if let Some(Value::Object(first)) = layers.first_mut() {
        let own = first.get_mut("categories").map(Value::take).unwrap_or_default();
        first.insert("categories".to_owned(), merge(own, categories));
    }
    Value::Array(layers)
}

/// Condition ids of the pack's 门诊慢特病 list that neither rules.md nor its parent knows, declared
/// with their id as their name (format /1 allowed them undeclared).
fn own_conditions(members: &Map<String, Value>, parent: Option<&Value>) -> Option<Value> {
    let list = members.get("basic")?.get("chronic_outpatient")?.get("conditions")?.as_array()?;
    let inherited = |id: &str| parent.and_then(|p| p.get("conditions")).and_then(|c| c.get(id)).is_some_and(Value::is_object);
    let mut declared = Map::new();
    for id in list.iter().filter_map(Value::as_str) {
        if !crate::vocabulary::is_known_condition(id) && !inherited(id) {
            let mut c = Map::new();
            c.insert("name".to_owned(), Value::from(id));
            declared.insert(id.to_owned(), Value::Object(c));
        }
    }
    (!declared.is_empty()).then_some(Value::Object(declared))
}

/// `yibao upgrade`: the /2 pack that a /1 pack is read as, to write in its place. The pack is
/// checked first (an invalid pack is not rewritten); its parent is found through `lookup`.
pub fn upgrade_file(pack: &Value, lookup: &dyn Fn(&str) -> Option<Value>) -> Result<Value, Error> {
    super::Policy::load(pack, lookup)?;
    let parent = match pack.get("extends").and_then(Value::as_str) {
        Some(id) => Some(merge::resolve(&lookup(id).unwrap_or_default(), lookup)?),
        None => None,
    };
    upgrade(pack.clone(), parent.as_ref())
}

/// A /1 pointer as it reads in the /2 pack.
pub fn pointer_2(pointer: &str) -> String {
    rebase(pointer, CATEGORIES_1, CATEGORIES_2)
}

/// A /2 pointer (an error's path) as it reads in the /1 pack it came from.
pub fn pointer_1(pointer: &str) -> String {
    rebase(pointer, CATEGORIES_2, CATEGORIES_1)
}

/// `pointer` with its leading `from` (a whole number of segments) replaced by `to`.
fn rebase(pointer: &str, from: &str, to: &str) -> String {
    match pointer.strip_prefix(from) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("{to}{rest}"),
        _ => pointer.to_owned(),
    }
}

/// A /1 pack that uses a member only /2 has: its author meant /2.
fn refuse_2_members(pack: &Value) -> Result<(), Error> {
    const ONLY_2: [&str; 5] = ["/levels", "/conditions", "/basic/inpatient/repeat_deductible_factors", "/basic/chronic_outpatient/condition_rules", "/medical_assistance/layers"];
    let mut found = ONLY_2.iter().find(|p| super::at_pointer(pack, p).is_some()).map(|p| (*p).to_owned());
    if let Some(Value::Object(sources)) = pack.get("sources") {
        found = found.or_else(|| sources.iter().find(|(_, s)| s.get("retrieved").is_some()).map(|(k, _)| format!("/sources/{k}/retrieved")));
    }
    let Some(at) = found else { return Ok(()) };
    Err(Error::new(
        "invalid_policy",
        at.as_str(),
        format_args!("“{at}”是 {FORMAT_2} 格式的内容，请把 format 改为“{FORMAT_2}”"),
        format_args!("\"{at}\" belongs to format {FORMAT_2}: set format to \"{FORMAT_2}\""),
    ))
}

/// rules.md's five levels as a /2 pack declares them.
fn baseline_levels() -> Value {
    let levels = super::Levels::baseline().0.into_iter().map(|l| {
        let level = [("name".to_owned(), Value::String(l.name)), ("rank".to_owned(), Value::from(l.rank))];
        (l.id, Value::Object(level.into_iter().collect()))
    });
    Value::Object(levels.collect())
}
