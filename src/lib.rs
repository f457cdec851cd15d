//! Yibao (医保报销测算): estimates what 基本医保, 大病保险 and 医疗救助 pay for a resident's
//! medical expenses under a policy pack, with every step explained and sourced.
//!
//! The core is pure: no I/O and no wasm types. The functions here are what the doors (the
//! command line, the WebAssembly layer) share: a case and an optional pack as JSON values in, an
//! [`Estimate`] (serialized by the door) or an [`Error`] out.

// The domain's words and numbers.
pub mod date;
pub mod ids;
pub mod error;
pub mod money;
pub mod vocabulary;
// Reading input: JSON values with field paths.
pub mod input;
// The case, the pack, the rules, and what an estimate shows.
pub mod case;
pub mod explain;
pub mod policy;
pub mod report;
pub mod rules;
// The fund side: how the pooled fund pays a 医共体 or a pilot (settlement.md).
#[cfg(feature = "settlement")]
pub mod settlement;

// Estimates over a file of claims (`yibao batch`): native only, behind the `batch` feature, so
// neither its dependencies nor its code reach the WebAssembly build.
#[cfg(all(feature = "batch", not(target_arch = "wasm32")))]
pub mod batch;

// The door to JavaScript; the command line (src/main.rs) is the other.
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use case::Case;
pub use error::Error;
pub use policy::{Policy, PolicyListing, PolicySummary};
pub use rules::estimate::{amounts, estimate, Amounts, Estimate};

use case::PolicyChoice;
use policy::bundled;
pub use report::{Numbers, Output};
use serde_json::Value;

/// Loads a pack given beside a case (a portal's own pack); `extends` is resolved against the
/// bundled packs.
pub fn load_policy(pack: &Value) -> Result<Policy, Error> {
    Policy::load(pack, &bundled::raw)
}

/// `yibao upgrade`: a `yibao-policy/1` pack as the `/2` pack it is read as (same estimates);
/// `extends` is resolved against the bundled packs. A /2 pack comes back as it is.
pub fn upgrade_pack(pack: &Value) -> Result<Value, Error> {
    policy::upgrade::upgrade_file(pack, &bundled::raw)
}

/// Estimates a case given as JSON and hands the estimate to `then` (to serialize it or render
/// it). `pack`, when given, is used instead of the bundled pack the case names.
pub fn with_estimate<R>(case: &Value, pack: Option<&Value>, then: impl FnOnce(&Estimate) -> R) -> Result<R, Error> {
    let case = Case::from_json(case)?;
    match pack {
        Some(pack) => Ok(then(&estimate(&case, &load_policy(pack)?)?)),
        None => Ok(then(&estimate(&case, choose_policy(&case)?)?)),
    }
}

/// Estimates a case given as JSON into the contract's JSON text; with `parameters`, the values
/// and sources of the parameters the steps name are added (see [`Output`]).
pub fn estimate_json(case: &Value, pack: Option<&Value>, parameters: bool) -> Result<String, Error> {
    with_estimate(case, pack, |e| serde_json::to_string(&Output { estimate: e, parameters: parameters.then_some(Numbers::Exact) }))?
    .map_err(report::cannot_write)
}

/// Estimates a case given as JSON text into the contract's JSON text, for Rust callers that hold
/// text. Text that is not JSON is `invalid_json`.
pub fn estimate_text(case: &str, pack: Option<&str>, parameters: bool) -> Result<String, Error> {
    let case = input::parse(case).map_err(|e| e.into_error("case"))?;
    let pack = pack.map(|p| input::parse(p).map_err(|e| e.into_error("policy"))).transpose()?;
    estimate_json(&case, pack.as_ref(), parameters)
}

/// The bundled pack a case names, by id or by region and the visits' dates.
pub fn choose_policy(case: &Case) -> Result<&'static Policy, Error> {
    match &case.policy {
        PolicyChoice::Id(id) => bundled::by_id(id),
        PolicyChoice::Unnamed => Err(Error::new(
            "missing_field",
            "policy",
            "请指定政策包（policy）或统筹区（region）",
            "name a policy pack (policy) or a region (region)",
        )),
        PolicyChoice::Region(code) => {
            let in_region: Vec<&Policy> = bundled::all()?.iter().filter(|p| &p.region.code == code).collect();
            if in_region.is_empty() {
                return Err(Error::new(
                    "unknown_region",
                    "region",
                    format_args!("没有统筹区代码为“{code}”的内置政策包"),
                    format_args!("no bundled policy pack for region \"{code}\""),
                ));
            }
            let mut chosen: Option<&Policy> = None;
            for (i, v) in case.visits.iter().enumerate() {
                let Some(p) = in_region.iter().copied().find(|p| p.effective.contains(v.date)) else {
                    return Err(Error::new(
                        "date_outside_policy",
                        format!("visits[{i}].date"),
                        format_args!("就诊日期 {} 时，{} 还没有可用的政策包", v.date, in_region[0].region.name),
                        format_args!("no bundled pack of region {code} is in force on {}", v.date),
                    ));
                };
                match chosen {
                    Some(c) if c.id != p.id => {
                        return Err(Error::new(
                            "policy_changes",
                            format!("visits[{i}].date"),
                            format_args!("这些就诊跨越了两个政策期（{} 和 {}），请分开测算", c.name, p.name),
                            format_args!("the visits span two policy periods ({} and {}); estimate them separately", c.id, p.id),
                        ))
                    }
                    _ => chosen = Some(p),
                }
            }
            Ok(chosen.unwrap_or(in_region[0]))
        }
    }
}

#[cfg(feature = "settlement")]
/// Settles a year for a 医共体 or a pilot (settlement.md) and hands the statement to `then`.
/// `pack`, when given, is used instead of the bundled pack the case names.
pub fn with_settlement<R>(case: &Value, pack: Option<&Value>, then: impl FnOnce(&settlement::Statement) -> R) -> Result<R, Error> {
    let case = settlement::SettlementCase::from_json(case)?;
    let loaded;
    let policy = match (pack, &case.policy) {
        (Some(pack), _) => {
            loaded = load_policy(pack)?;
            &loaded
        }
        (None, Some(id)) => bundled::by_id(id)?,
        (None, None) => return Err(Error::new("missing_field", "policy", "请指定政策包（policy）", "name a policy pack (policy)")),
    };
    Ok(then(&settlement::settle(&case, policy)?))
}

/// The bundled packs: id, name, region, effective period, hospital levels.
pub fn policies() -> Result<Vec<PolicyListing<'static>>, Error> {
    Ok(bundled::all()?.iter().map(PolicyListing::of).collect())
}
