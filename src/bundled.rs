//! The policy packs shipped with the engine (`packs/*.json`), parsed and validated once.
//!
//! The command line carries them inside the binary. The WebAssembly package ships them beside
//! the module as `packs.json`, which its loader hands to [`register`] before the first estimate:
//! the packs are a third of the module's gzipped size and are data, so a portal that updates a
//! pack replaces a JSON file instead of rebuilding the engine.

use crate::error::Error;
use crate::policy::Policy;
use crate::json::Value;
use std::sync::OnceLock;

/// The shipped packs' JSON, for builds that carry them. A parent comes before the packs that
/// extend it; `yibao policies` lists them in this order, and the package's `packs.json` is
/// written in the same order from that list.
#[cfg(not(target_arch = "wasm32"))]
const EMBEDDED: &[&str] = &[
    include_str!("../packs/national-baseline.json"),
    include_str!("../packs/gansu-2018.json"),
    include_str!("../packs/qujing-2022.json"),
    include_str!("../packs/guangdong-2025.json"),
    include_str!("../packs/jinan-2023.json"),
    include_str!("../packs/fengze-2021.json"),
];
#[cfg(target_arch = "wasm32")]
const EMBEDDED: &[&str] = &[];

static RAW: OnceLock<Vec<Value>> = OnceLock::new();

fn raw_packs() -> &'static [Value] {
    // The embedded packs are checked by the test suite; one that does not parse is skipped, not
    // a panic.
    RAW.get_or_init(|| EMBEDDED.iter().filter_map(|s| crate::json::parse(s).ok()).collect())
}

/// Makes `packs` (a JSON array of packs, parents first) the bundled packs, and validates them
/// all. Once only, before anything reads the bundled packs; a build that embeds its packs
/// refuses.
pub fn register(packs: Value) -> Result<(), Error> {
    let Value::Array(packs) = packs else {
        return Err(Error::new("invalid_policy", "", "内置政策包应为一个列表", "the bundled packs must be a JSON array"));
    };
    RAW.set(packs).map_err(|_| {
        Error::new("packs_registered", "", "内置政策包已经载入，不能再次载入", "the bundled packs are already loaded")
    })?;
    all().map(|_| ())
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
        if ids.is_empty() {
            return Error::new(
                "no_bundled_policies",
                "policy",
                "内置政策包没有载入（packs.json），请刷新页面重试，或随案例提供政策包",
                "the bundled packs are not loaded (packs.json); reload, or give a pack with the case",
            );
        }
        Error::new(
            "unknown_policy",
            "policy",
            format_args!("没有名为“{id}”的内置政策包，可选：{}", ids.join("、")),
            format_args!("no bundled policy pack \"{id}\"; available: {}", ids.join(", ")),
        )
    })
}
