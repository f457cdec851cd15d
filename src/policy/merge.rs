//! `extends`: a pack is merged over its parent. Objects merge key by key; any other value
//! (string, number, array, null) replaces the parent's (policy-format.md). `provenance` is an
//! object and so merges the same way.

use crate::error::Error;
use serde_json::Value;

/// Merges `child` over `parent`, consuming both.
pub fn merge(parent: Value, child: Value) -> Value {
    match (parent, child) {
        (Value::Object(mut base), Value::Object(over)) => {
            // In place, so the merged pack keeps the parent's key order.
            for (key, value) in over {
                match base.get_mut(&key) {
                    Some(slot) => {
                        let old = std::mem::take(slot);
                        *slot = merge(old, value);
                    }
                    None => {
                        base.insert(key, value);
                    }
                }
            }
            Value::Object(base)
        }
        (_, child) => child,
    }
}

/// Follows the `extends` chain of `pack` through `lookup` (packs by id) and returns the merged
/// pack. Unknown parents and cycles are errors at `/extends`.
pub fn resolve(pack: &Value, lookup: &dyn Fn(&str) -> Option<Value>) -> Result<Value, Error> {
    let mut chain = vec![pack.clone()];
    let mut seen: Vec<String> = pack.get("id").and_then(Value::as_str).map(str::to_owned).into_iter().collect();
    while let Some(parent_id) = chain.last().and_then(|p| p.get("extends")) {
        let Some(parent_id) = parent_id.as_str() else {
            if parent_id.is_null() {
                break;
            }
            return Err(Error::new("invalid_policy", "/extends", "extends 应为所继承政策包的 id（文字）", "extends must be the id (a string) of the parent pack"));
        };
        if seen.iter().any(|s| s == parent_id) {
            return Err(Error::new(
                "invalid_policy",
                "/extends",
                format_args!("政策包继承关系出现循环：{} → {parent_id}", seen.iter().map(String::as_str).collect::<Vec<_>>().join(" → ")),
                format_args!("extends cycle: {} -> {parent_id}", seen.iter().map(String::as_str).collect::<Vec<_>>().join(" -> ")),
            ));
        }
        let Some(parent) = lookup(parent_id) else {
            return Err(Error::new(
                "invalid_policy",
                "/extends",
                format_args!("找不到所继承的政策包“{parent_id}”"),
                format_args!("unknown parent pack \"{parent_id}\""),
            ));
        };
        seen.push(parent_id.to_owned());
        chain.push(parent);
    }
    // Root first, each /1 pack read as /2 over what it extends (policy-format.md, "Reading a /1
    // pack"), so that /1 and /2 packs extend each other.
    let mut merged: Option<Value> = None;
    while let Some(pack) = chain.pop() {
        let pack = super::upgrade::upgrade(pack, merged.as_ref())?;
        merged = Some(match merged {
            None => pack,
            Some(parent) => merge(parent, pack),
        });
    }
    Ok(merged.unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_merge_other_values_replace() {
        let parent = json!({"a": {"x": 1, "y": [1, 2]}, "b": "p", "c": {"k": 1}});
        let child = json!({"a": {"y": [3], "z": null}, "c": null});
        assert_eq!(merge(parent, child), json!({"a": {"x": 1, "y": [3], "z": null}, "b": "p", "c": null}));
    }

    #[test]
    fn chains_cycles_and_unknown_parents() {
        let packs = [
            json!({"id": "base", "v": {"a": 1, "b": 1}}),
            json!({"id": "mid", "extends": "base", "v": {"b": 2}}),
            json!({"id": "loop1", "extends": "loop2"}),
            json!({"id": "loop2", "extends": "loop1"}),
        ];
        let lookup = |id: &str| packs.iter().find(|p| p["id"] == id).cloned();
        let leaf = json!({"id": "leaf", "extends": "mid", "v": {"c": 3}});
        let merged = resolve(&leaf, &lookup).unwrap();
        assert_eq!(merged["v"], json!({"a": 1, "b": 2, "c": 3}));
        assert_eq!(merged["id"], "leaf");
        let e = resolve(&json!({"id": "x", "extends": "loop1"}), &lookup).unwrap_err();
        assert_eq!(e.path, "/extends");
        assert!(e.message.contains("循环"));
        let e = resolve(&json!({"id": "x", "extends": "nope"}), &lookup).unwrap_err();
        assert!(e.message.contains("nope"));
        let e = resolve(&json!({"id": "self", "extends": "self"}), &lookup).unwrap_err();
        assert!(e.message.contains("循环"));
    }
}
