//! The policy packs shipped inside the engine (`packs/*.json`), parsed and validated once.

use crate::error::Error;
use crate::policy::Policy;
use serde_json::Value;
use std::sync::OnceLock;

/// The shipped packs' JSON. A parent comes before the packs that extend it.
const PACKS: &[&str] = &[
    include_str!("../packs/national-baseline.json"),
    include_str!("../packs/gansu-2018.json"),
    include_str!("../packs/qujing-2022.json"),
    include_str!("../packs/guangdong-2025.json"),
    include_str!("../packs/jinan-2023.json"),
    include_str!("../packs/fengze-2021.json"),
];

fn raw_packs() -> &'static [Value] {
    static RAW: OnceLock<Vec<Value>> = OnceLock::new();
    // The packs are checked by the test suite; a pack that does not parse is skipped, not a panic.
    RAW.get_or_init(|| PACKS.iter().filter_map(|s| serde_json::from_str(s).ok()).collect())
}

/// A shipped pack's JSON by id (for `extends`).
pub fn raw(id: &str) -> Option<Value> {
    raw_packs().iter().find(|p| p.get("id").and_then(Value::as_str) == Some(id)).cloned()
}

/// All shipped packs, merged and validated.
pub fn all() -> Result<&'static [Policy], Error> {
    static ALL: OnceLock<Result<Vec<Policy>, Error>> = OnceLock::new();
    ALL.get_or_init(|| raw_packs().iter().map(|p| Policy::load(p, &raw)).collect())
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// A shipped pack by id.
pub fn by_id(id: &str) -> Result<&'static Policy, Error> {
    all()?.iter().find(|p| p.id == id).ok_or_else(|| {
        let ids: Vec<&str> = all().map(|a| a.iter().map(|p| p.id.as_str()).collect()).unwrap_or_default();
        Error::new(
            "unknown_policy",
            "policy",
            format_args!("没有名为“{id}”的内置政策包，可选：{}", ids.join("、")),
            format_args!("no bundled policy pack \"{id}\"; available: {}", ids.join(", ")),
        )
    })
}
