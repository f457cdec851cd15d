//! The policy packs shipped with the engine (`packs/*.json`), parsed and validated once.
//!
//! The command line carries them inside the binary. The WebAssembly package ships them beside
//! the module as `packs.json`, which its loader hands to [`register`] before the first estimate:
//! the packs are data, so a portal that updates a pack replaces a JSON file instead of
//! rebuilding the engine.

use crate::error::Error;
use crate::policy::Policy;
use serde_json::Value;
use std::sync::OnceLock;

/// The shipped packs' JSON, for builds that carry them. A parent comes before the packs that
/// extend it; `yibao policies` lists them in this order, and the package's `packs.json` is
/// written in the same order from that list.
#[cfg(not(target_arch = "wasm32"))]
const EMBEDDED: &[&str] = &[
    include_str!("../../packs/national-baseline.json"),
    include_str!("../../packs/gansu-2018.json"),
    include_str!("../../packs/qujing-2022.json"),
    include_str!("../../packs/guangdong-2025.json"),
    include_str!("../../packs/jinan-2023.json"),
    include_str!("../../packs/fengze-2021.json"),
    include_str!("../../packs/quanzhou-2023.json"),
];
#[cfg(target_arch = "wasm32")]
const EMBEDDED: &[&str] = &[];

/// The bundled packs: their JSON (for `extends`) and the validated policies.
struct Bundle {
    raw: Vec<Value>,
    policies: Result<Vec<Policy>, Error>,
}

static BUNDLE: OnceLock<Bundle> = OnceLock::new();

impl Bundle {
    /// Validates every pack, each merged over its parents from the same list. A fault's path is
    /// prefixed with the pack's place in the list (`/2/format`), so it says which pack it is in.
    fn load(raw: Vec<Value>) -> Bundle {
        let lookup = |id: &str| find(&raw, id);
        let policies = raw.iter().enumerate().map(|(i, p)| Policy::load(p, &lookup).map_err(|e| e.under(&format!("/{i}")))).collect();
        Bundle { raw, policies }
    }
}

fn find(raw: &[Value], id: &str) -> Option<Value> {
    raw.iter().find(|p| p.get("id").and_then(Value::as_str) == Some(id)).cloned()
}

/// The bundled packs: the embedded ones, read once, in a build that carries them; otherwise
/// those registered, if any yet.
fn bundle() -> Option<&'static Bundle> {
    if EMBEDDED.is_empty() {
        return BUNDLE.get();
    }
    // The embedded packs are checked by the test suite; one that does not parse is skipped,
    // not a panic.
    Some(BUNDLE.get_or_init(|| Bundle::load(EMBEDDED.iter().filter_map(|s| crate::input::parse(s).ok()).collect())))
}

/// Makes `packs` (a JSON array of packs, parents first) the bundled packs, once every one of them
/// is valid: a refused list changes nothing, so a corrected one can be registered after it. Only
/// in a build without embedded packs, and only once.
pub fn register(packs: Value) -> Result<(), Error> {
    let refused = || Error::new("packs_registered", "", "内置政策包已经载入，不能再次载入", "the bundled packs are already loaded");
    if !EMBEDDED.is_empty() || BUNDLE.get().is_some() {
        return Err(refused());
    }
    let Value::Array(packs) = packs else {
        return Err(Error::new("invalid_policy", "", "内置政策包应为一个列表", "the bundled packs must be a JSON array"));
    };
    let bundle = Bundle::load(packs);
    if let Err(e) = &bundle.policies {
        return Err(e.clone());
    }
    BUNDLE.set(bundle).map_err(|_| refused())
}

/// A shipped pack's JSON by id (for `extends`).
pub fn raw(id: &str) -> Option<Value> {
    find(&bundle()?.raw, id)
}

/// All shipped packs, merged and validated (none before a build without embedded packs has
/// registered them).
pub fn all() -> Result<&'static [Policy], Error> {
    match bundle() {
        None => Ok(&[]),
        Some(b) => b.policies.as_deref().map_err(Clone::clone),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_build_with_embedded_packs_refuses_others() {
        assert_eq!(register(json!([])).unwrap_err().code, "packs_registered");
        assert!(all().unwrap().len() >= 6);
    }

    #[test]
    fn a_fault_names_the_pack_it_is_in() {
        let good = find(&bundle().unwrap().raw, "national-baseline").unwrap();
        let Value::Array(list) = json!([{"id": "x"}]) else { unreachable!() };
        let list = [vec![good], list].concat();
        let e = Bundle::load(list).policies.unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("invalid_policy", "/1/format"));
    }
}
