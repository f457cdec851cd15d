//! Reading a merged pack into a [`Policy`], checking every rule of policy-format.md on the way.
//! The first fault is reported with its JSON Pointer.

use crate::ids::IdMap;
use super::provenance::{Basis, Entry, Provenance};
use super::*;
use crate::error::{Path, PathStyle};
use crate::input::fields::{self, Label, Obj};
use crate::vocabulary::{Vocabulary, TWO_DISEASES};

const TOP: &[&str] = &[
    "format", "id", "name", "description", "region", "effective", "extends", "sources", "basic",
    "critical_illness", "medical_assistance", "estimation", "provenance", "levels", "conditions", "settlement",
];

const DEDUCTIBLE: Label = ("起付线", "deductible");
const RATE: Label = ("报销比例", "rate");
const ANNUAL_CAP: Label = ("年度最高支付限额", "annual cap");
const ANNUAL_DEDUCTIBLE: Label = ("年度起付线", "annual deductible");

/// Reads a merged pack, /2 by now: a /1 pack was read as /2 before merging (upgrade.rs).
pub fn policy(merged: Value) -> Result<Policy, Error> {
    let root = Obj::new(&merged, Path::root(), PathStyle::Pointer, TOP)?;
    let format = root.str("format", ("格式版本", "format"))?;
    if format != FORMAT_2 {
        return Err(Error::new(
            "invalid_policy",
            root.at("format"),
            format_args!("不支持的政策包格式“{format}”，应为“{FORMAT_2}”或“{FORMAT_1}”"),
            format_args!("unsupported format \"{format}\"; expected \"{FORMAT_2}\" or \"{FORMAT_1}\""),
        ));
    }
    let id = root.str("id", ("政策包 id", "id"))?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_') {
        return Err(Error::new(
            "invalid_policy",
            root.at("id"),
            "政策包 id 只能由小写字母、数字、- 和 _ 组成",
            "id may contain only lowercase letters, digits, - and _",
        ));
    }
    let name = root.text("name", ("名称", "name"))?.to_owned();
    root.opt_str("description", ("说明", "description"))?;
    root.opt_str("extends", ("继承", "extends"))?;
    let region = {
        let r = root.obj("region", ("统筹区", "region"), &["code", "name"])?;
        let code = r.text("code", ("区划代码", "region code"))?;
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::new("invalid_policy", r.at("code"), "统筹区代码应为 6 位行政区划代码，如 620000", "region code must be a 6-digit division code, e.g. 620000"));
        }
        Region { code: code.to_owned(), name: r.text("name", ("统筹区名称", "region name"))?.to_owned() }
    };
    let effective = effective(&root)?;
    let sources = sources(&root)?;
    let levels = declared_levels(&root)?;
    let conditions = declared_conditions(&root)?;
    let basic = basic(&root.obj("basic", ("基本医保", "basic"), &["inpatient", "general_outpatient", "chronic_outpatient", "two_diseases"])?, &levels, &conditions)?;
    let critical_illness = critical_illness(&root)?;
    let medical_assistance = root.opt_obj("medical_assistance", &["covers", "layers"])?.map(|o| medical_assistance(&o)).transpose()?;
    let estimation = {
        let e = root.obj("estimation", ("费用拆分估算", "estimation"), &["default_in_scope_share"])?;
        Estimation { default_in_scope_share: e.rate("default_in_scope_share", ("政策范围内费用默认占比", "default in-scope share"))? }
    };
    #[cfg(feature = "settlement")]
    let settlement = super::settlement::read(&root)?;
    // Without the feature the section is only accepted as an object (policy/settlement.rs).
    #[cfg(not(feature = "settlement"))]
    root.opt_obj("settlement", &["budget", "holdbacks", "outside", "surplus", "overspend"])?;
    let provenance = provenance(&root, &merged, &sources)?;
    Ok(Policy {
        id: id.to_owned(),
        name,
        region,
        effective,
        sources,
        basic,
        critical_illness,
        medical_assistance,
        estimation,
        provenance,
        levels,
        conditions,
        #[cfg(feature = "settlement")]
        settlement,
        merged,
    })
}

fn date(obj: &Obj, key: &str) -> Result<Option<Date>, Error> {
    obj.opt_str(key, ("日期", "date"))?
        .map(|s| {
            Date::parse(s).ok_or_else(|| {
                Error::new("invalid_date", obj.at(key), format_args!("日期无效：{s}，应为 YYYY-MM-DD"), format_args!("invalid date {s}; expected YYYY-MM-DD"))
            })
        })
        .transpose()
}

fn effective(root: &Obj) -> Result<Effective, Error> {
    let e = root.obj("effective", ("执行期", "effective period"), &["from", "until"])?;
    let from = date(&e, "from")?.ok_or_else(|| Error::new("missing_field", e.at("from"), "缺少执行起始日期（from）", "effective.from is required"))?;
    let until = date(&e, "until")?;
    if until.is_some_and(|u| u < from) {
        return Err(Error::new("invalid_policy", e.at("until"), "执行截止日期早于起始日期", "effective.until is before effective.from"));
    }
    Ok(Effective { from, until })
}

fn sources(root: &Obj) -> Result<IdMap<String, Source>, Error> {
    let mut out = IdMap::default();
    for (key, path, value) in root.entries("sources", ("政策文件", "sources"))? {
        // Where the text was read (`url`) and when (`retrieved`).
        let s = Obj::new(value, path, PathStyle::Pointer, &["number", "title", "issuer", "date", "url", "retrieved"])?;
        let opt = |k| s.opt_str(k, ("文字", "text")).map(|v| v.map(str::to_owned));
        date(&s, "date")?;
        date(&s, "retrieved")?;
        out.insert(
            key.to_owned(),
            Source {
                number: s.str("number", ("文号", "document number"))?.to_owned(),
                title: s.str("title", ("文件标题", "title"))?.to_owned(),
                issuer: opt("issuer")?,
                date: opt("date")?,
                url: opt("url")?,
                retrieved: opt("retrieved")?,
            },
        );
    }
    Ok(out)
}

/// A required list of vocabulary ids (it may be empty).
/// A list of declared level ids, each once.
fn level_list(obj: &Obj, key: &str, levels: &Levels) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for (path, v) in obj.required_array(key, crate::vocabulary::Level::WHAT)? {
        let id = declared(levels, fields::as_str(v, &path, PathStyle::Pointer, crate::vocabulary::Level::WHAT)?, &path)?;
        if out.contains(&id) {
            return Err(Error::new(
                "invalid_policy",
                path.pointer(),
                format_args!("列表中“{id}”重复出现"),
                format_args!("\"{id}\" is listed twice"),
            ));
        }
        out.push(id);
    }
    Ok(out)
}

fn vocab_list<V: Vocabulary + PartialEq>(obj: &Obj, key: &str) -> Result<Vec<V>, Error> {
    let mut out: Vec<V> = Vec::new();
    for (path, v) in obj.required_array(key, V::WHAT)? {
        let id = fields::vocab(v, &path, PathStyle::Pointer)?;
        if out.contains(&id) {
            return Err(Error::new(
                "invalid_policy",
                path.pointer(),
                format_args!("列表中“{}”重复出现", id.id()),
                format_args!("\"{}\" is listed twice", id.id()),
            ));
        }
        out.push(id);
    }
    Ok(out)
}

/// A level id that the pack must declare (policy-format.md §1).
fn declared(levels: &Levels, id: &str, path: &Path) -> Result<String, Error> {
    match levels.get(id) {
        Some(level) => Ok(level.id.clone()),
        None => Err(Error::new(
            "invalid_policy",
            path.pointer(),
            format_args!("未知的医疗机构级别“{id}”，可选：{}", levels.allowed_zh()),
            format_args!("unknown hospital level \"{id}\"; allowed: {}", levels.allowed_en()),
        )),
    }
}

fn level_map<T>(
    obj: &Obj,
    key: &str,
    label: Label,
    levels: &Levels,
    mut read: impl FnMut(Obj) -> Result<T, Error>,
    allowed: &[&str],
) -> Result<IdMap<String, T>, Error> {
    let mut out = IdMap::default();
    for (id, path, value) in obj.entries(key, label)? {
        let level = declared(levels, id, &path)?;
        out.insert(level, read(Obj::new(value, path, PathStyle::Pointer, allowed)?)?);
    }
    Ok(out)
}

/// Format /2's `levels`: `{ ID: { "name", "rank" } }`, a `null` entry removing an inherited one.
fn declared_levels(root: &Obj) -> Result<Levels, Error> {
    const LEVELS: Label = ("医疗机构级别", "levels");
    let mut out: Vec<DeclaredLevel> = Vec::new();
    for (id, path, value) in root.entries("levels", LEVELS)? {
        own_id(id, &path.pointer())?;
        let l = Obj::new(value, path, PathStyle::Pointer, &["name", "rank"])?;
        let name = l.text("name", ("级别名称", "level name"))?.to_owned();
        let rank = l.required("rank", ("级别顺序", "rank"))?;
        let Some(rank) = rank.as_u64().filter(|r| (1..=1000).contains(r)) else {
            return Err(Error::new(
                "invalid_policy",
                l.at("rank"),
                "级别顺序（rank）必须是 1 到 1000 之间的整数，转诊时按它区分上转和下转",
                "rank must be a whole number from 1 to 1000 (it orders levels for referral)",
            ));
        };
        // Lowest rank first; equal ranks keep the pack's order. (A pack has a handful of levels.)
        let rank = rank as u32;
        let at = out.iter().position(|l| l.rank > rank).unwrap_or(out.len());
        out.insert(at, DeclaredLevel { id: id.to_owned(), name, rank });
    }
    if out.is_empty() {
        return Err(Error::new("invalid_policy", root.at("levels"), "至少需要声明一个医疗机构级别（levels）", "at least one hospital level must be declared (levels)"));
    }
    Ok(Levels(out))
}

fn basic(b: &Obj, declared_levels: &Levels, declared_conditions: &[(String, String)]) -> Result<Basic, Error> {
    const INPATIENT: &[&str] =
        &["levels", "annual_cap", "day_surgery_deductible_factor", "referral", "unreferred_rate", "tcm_full_levels", "repeat_deductible_factors"];
    let ip = b.obj("inpatient", ("住院待遇", "inpatient benefit"), INPATIENT)?;
    ip.required("levels", ("各级医疗机构待遇", "levels"))?;
    let levels = level_map(
        &ip,
        "levels",
        ("各级医疗机构待遇", "levels"),
        declared_levels,
        |l| Ok(LevelBenefit { deductible: l.amount("deductible", DEDUCTIBLE)?, rate: l.rate("rate", RATE)? }),
        &["deductible", "rate"],
    )?;
    let referral = match ip.opt_obj("referral", &["upward", "downward", "alliance"])? {
        None => ReferralRules { upward_difference: false, downward_waived: false, alliance_waived: false },
        Some(r) => ReferralRules {
            upward_difference: choice(&r, "upward", "difference")?,
            downward_waived: choice(&r, "downward", "waived")?,
            alliance_waived: choice(&r, "alliance", "waived")?,
        },
    };
    let mut unreferred_rate = IdMap::default();
    for (id, path, value) in ip.entries("unreferred_rate", ("未按规定转诊报销比例", "unreferred rate"))? {
        let level = declared(declared_levels, id, &path)?;
        unreferred_rate.insert(level, fields::rate(value, &path, PathStyle::Pointer, RATE)?);
    }
    let repeat_deductible_factors = if ip.has("repeat_deductible_factors") {
        let label = ("再次住院起付线系数", "repeat deductible factors");
        let items = ip.required_array("repeat_deductible_factors", label)?;
        if items.is_empty() {
            return Err(Error::new("invalid_policy", ip.at("repeat_deductible_factors"), "至少需要一个系数（第 1 次住院）", "at least one factor (the first admission) is required"));
        }
        items.iter().map(|(path, v)| fields::rate(v, path, PathStyle::Pointer, label)).collect::<Result<_, _>>()?
    } else {
        vec![Rate::ONE]
    };
    let inpatient = Inpatient {
        levels,
        annual_cap: ip.opt_amount("annual_cap", ANNUAL_CAP)?,
        day_surgery_deductible_factor: match ip.get("day_surgery_deductible_factor") {
            None => Rate::ONE,
            Some(_) => ip.rate("day_surgery_deductible_factor", ("日间手术起付线系数", "day-surgery deductible factor"))?,
        },
        referral,
        unreferred_rate,
        tcm_full_levels: if ip.has("tcm_full_levels") { level_list(&ip, "tcm_full_levels", declared_levels)? } else { Vec::new() },
        repeat_deductible_factors,
    };

    let general_outpatient = b
        .opt_obj("general_outpatient", &["levels", "annual_deductible", "per_visit_cap", "annual_cap"])?
        .map(|g| {
            Ok::<_, Error>(GeneralOutpatient {
                levels: level_map(&g, "levels", ("各级医疗机构待遇", "levels"), declared_levels, |l| l.rate("rate", RATE), &["rate"])?,
                annual_deductible: g.opt_amount("annual_deductible", ANNUAL_DEDUCTIBLE)?.unwrap_or(Money::ZERO),
                per_visit_cap: g.opt_amount("per_visit_cap", ("每次最高支付", "per-visit cap"))?,
                annual_cap: g.opt_amount("annual_cap", ANNUAL_CAP)?,
            })
        })
        .transpose()?;

    let chronic_outpatient = b
        .opt_obj("chronic_outpatient", &["conditions", "annual_deductible", "rate", "annual_cap", "condition_caps", "condition_rules"])?
        .map(|c| {
            let mut conditions = Vec::new();
            for (path, v) in c.array("conditions", ("慢特病病种", "conditions"))? {
                conditions.push(known_condition(declared_conditions, fields::as_str(v, &path, PathStyle::Pointer, ("病种 id", "condition id"))?, &path)?);
            }
            let listed = |id: &str, path: &Path| {
                if conditions.iter().any(|k| k == id) {
                    return Ok(());
                }
                Err(Error::new(
                    "invalid_policy",
                    path.pointer(),
                    format_args!("“{id}”不在本政策的门诊慢特病病种列表（conditions）中"),
                    format_args!("\"{id}\" is not in this policy's chronic-outpatient conditions"),
                ))
            };
            let mut condition_caps = IdMap::default();
            for (id, path, v) in c.entries("condition_caps", ("病种限额", "condition caps"))? {
                listed(id, &path)?;
                condition_caps.insert(id.to_owned(), fields::amount(v, &path, PathStyle::Pointer, ANNUAL_CAP)?);
            }
            let mut condition_rules = Vec::new();
            for (id, path, v) in c.entries("condition_rules", ("病种待遇", "condition rules"))? {
                listed(id, &path)?;
                let r = Obj::new(v, path, PathStyle::Pointer, &["annual_deductible", "annual_cap", "rate", "exempt_from_shared_cap"])?;
                let exempt = match r.get("exempt_from_shared_cap") {
                    None => false,
                    Some(Value::Bool(b)) => *b,
                    Some(_) => return Err(Error::new("invalid_type", r.at("exempt_from_shared_cap"), "exempt_from_shared_cap 应为 true 或 false", "exempt_from_shared_cap must be true or false")),
                };
                let rule = ConditionRule {
                    annual_deductible: r.opt_amount("annual_deductible", ANNUAL_DEDUCTIBLE)?,
                    // Present and null: no cap of its own; absent: condition_caps as before.
                    annual_cap: if r.present("annual_cap") { Some(r.opt_amount("annual_cap", ANNUAL_CAP)?) } else { None },
                    rate: r.get("rate").map(|_| r.rate("rate", RATE)).transpose()?,
                    exempt_from_shared_cap: exempt,
                };
                condition_rules.push((id.to_owned(), rule));
            }
            Ok(ChronicOutpatient {
                conditions,
                annual_deductible: c.opt_amount("annual_deductible", ANNUAL_DEDUCTIBLE)?.unwrap_or(Money::ZERO),
                rate: c.rate("rate", RATE)?,
                annual_cap: c.opt_amount("annual_cap", ANNUAL_CAP)?,
                condition_caps,
                condition_rules,
            })
        })
        .transpose()?;

    let two_diseases = b
        .opt_obj("two_diseases", &["annual_deductible", "rate", "annual_caps"])?
        .map(|t| {
            let mut annual_caps = IdMap::default();
            for (id, path, v) in t.entries("annual_caps", ("病种年度限额", "annual caps"))? {
                if !TWO_DISEASES.contains(&id) {
                    return Err(Error::new(
                        "invalid_policy",
                        path.pointer(),
                        format_args!("“两病”只包括 hypertension（高血压）和 diabetes（糖尿病），不认识“{id}”"),
                        format_args!("two_diseases covers only hypertension and diabetes, not \"{id}\""),
                    ));
                }
                annual_caps.insert(id.to_owned(), fields::amount(v, &path, PathStyle::Pointer, ANNUAL_CAP)?);
            }
            Ok::<_, Error>(TwoDiseases {
                annual_deductible: t.opt_amount("annual_deductible", ANNUAL_DEDUCTIBLE)?.unwrap_or(Money::ZERO),
                rate: t.rate("rate", RATE)?,
                annual_caps,
            })
        })
        .transpose()?;

    Ok(Basic { inpatient, general_outpatient, chronic_outpatient, two_diseases })
}

/// A referral rule: `yes` ("difference" / "waived") or "full".
fn choice(r: &Obj, key: &str, yes: &str) -> Result<bool, Error> {
    match r.opt_str(key, ("转诊规则", "referral rule"))? {
        None | Some("full") => Ok(false),
        Some(v) if v == yes => Ok(true),
        Some(v) => Err(Error::new(
            "invalid_policy",
            r.at(key),
            format_args!("转诊规则“{v}”无效，可选：{yes}、full"),
            format_args!("invalid referral rule \"{v}\"; allowed: {yes}, full"),
        )),
    }
}

fn scale(s: &Obj, pointer: &'static str, bands_from: BandsFrom) -> Result<Scale, Error> {
    let threshold = s.amount("threshold", ("大病保险起付线", "critical-illness threshold"))?;
    let items = s.array("bands", ("分段", "bands"))?;
    if items.is_empty() {
        return Err(Error::new("invalid_policy", s.at("bands"), "至少需要一个报销分段", "at least one band is required"));
    }
    let mut bands: Vec<Band> = Vec::with_capacity(items.len());
    let last = items.len() - 1;
    for (i, (path, v)) in items.into_iter().enumerate() {
        let b = Obj::new(v, path, PathStyle::Pointer, &["up_to", "rate"])?;
        let up_to = b.opt_amount("up_to", ("分段上限", "band upper bound"))?;
        match up_to {
            None if i != last => {
                return Err(Error::new("invalid_policy", b.at("up_to"), "只有最后一个分段可以没有上限（up_to）", "only the last band may omit up_to"));
            }
            Some(_) if i == last => {
                return Err(Error::new("invalid_policy", b.at("up_to"), "最后一个分段不应有上限（up_to），超过前一分段的部分都按它报销", "the last band must omit up_to"));
            }
            Some(u) => {
                let floor = bands.last().and_then(|p| p.up_to).unwrap_or(Money::ZERO);
                let must_exceed_zero = bands.is_empty() && bands_from == BandsFrom::Threshold;
                if (!bands.is_empty() || must_exceed_zero) && u <= floor {
                    return Err(Error::new(
                        "invalid_policy",
                        b.at("up_to"),
                        format_args!("分段上限必须严格递增：{u} 不大于前一分段的 {floor}"),
                        format_args!("band bounds must strictly increase: {u} is not above {floor}"),
                    ));
                }
            }
            None => {}
        }
        bands.push(Band { up_to, rate: b.rate("rate", ("分段报销比例", "band rate"))? });
    }
    Ok(Scale { threshold, bands, annual_cap: s.opt_amount("annual_cap", ANNUAL_CAP)?, pointer })
}

fn critical_illness(root: &Obj) -> Result<CriticalIllness, Error> {
    let c = root.obj(
        "critical_illness",
        ("大病保险", "critical illness"),
        &["covers", "threshold", "bands_from", "bands", "annual_cap", "accident_annual_cap", "preferential"],
    )?;
    let bands_from = match c.str("bands_from", ("分段计算基数", "bands_from"))? {
        "threshold" => BandsFrom::Threshold,
        "zero" => BandsFrom::Zero,
        other => {
            return Err(Error::new(
                "invalid_policy",
                c.at("bands_from"),
                format_args!("bands_from“{other}”无效，可选：threshold（从起付线起算）、zero（从零起算）"),
                format_args!("invalid bands_from \"{other}\"; allowed: threshold, zero"),
            ))
        }
    };
    let standard = scale(&c, "/critical_illness", bands_from)?;
    let preferential = c
        .opt_obj("preferential", &["categories", "threshold", "bands", "annual_cap"])?
        .map(|p| Ok::<_, Error>((vocab_list::<Category>(&p, "categories")?, scale(&p, "/critical_illness/preferential", bands_from)?)))
        .transpose()?;
    Ok(CriticalIllness {
        covers: vocab_list(&c, "covers")?,
        bands_from,
        standard,
        preferential,
        accident_annual_cap: c.opt_amount("accident_annual_cap", ("意外伤害大病保险年度限额", "accident annual cap"))?,
    })
}

fn medical_assistance(m: &Obj) -> Result<MedicalAssistance, Error> {
    let covers: Vec<Kind> = vocab_list(m, "covers")?;
    let mut layers: Vec<Layer> = Vec::new();
    for (path, value) in m.required_array("layers", ("救助层次", "layers"))? {
        let l = Obj::new(value, path, PathStyle::Pointer, &["id", "name", "covers", "categories"])?;
        let id = l.str("id", ("救助层次 id", "layer id"))?;
        own_id(id, &l.at("id"))?;
        if layers.iter().any(|x| x.id == id) {
            return Err(Error::new("invalid_policy", l.at("id"), format_args!("救助层次 id“{id}”重复"), format_args!("layer id \"{id}\" is used twice")));
        }
        let mut categories = IdMap::default();
        for (cat, path, value) in l.entries("categories", ("救助对象", "categories"))? {
            let category = fields::vocab::<Category>(&Value::String(cat.to_owned()), &path, PathStyle::Pointer)?;
            let a = Obj::new(value, path, PathStyle::Pointer, &["annual_deductible", "rate", "annual_cap"])?;
            categories.insert(
                category,
                Assistance {
                    annual_deductible: a.opt_amount("annual_deductible", ANNUAL_DEDUCTIBLE)?.unwrap_or(Money::ZERO),
                    rate: a.rate("rate", ("救助比例", "assistance rate"))?,
                    annual_cap: a.opt_amount("annual_cap", ANNUAL_CAP)?,
                },
            );
        }
        layers.push(Layer {
            id: id.to_owned(),
            name: l.text("name", ("救助层次名称", "layer name"))?.to_owned(),
            covers: if l.has("covers") { vocab_list(&l, "covers")? } else { covers.clone() },
            categories,
        });
    }
    Ok(MedicalAssistance { layers })
}

/// An id a pack gives a level, a condition or a layer: 1–32 of a–z, 0–9 and _.
fn own_id(id: &str, at: &str) -> Result<(), Error> {
    if id.is_empty() || id.len() > 32 || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(Error::new(
            "invalid_policy",
            at,
            format_args!("id“{id}”只能由 1–32 个小写字母、数字和 _ 组成"),
            format_args!("id \"{id}\" must be 1–32 lowercase letters, digits and _"),
        ));
    }
    Ok(())
}

/// `conditions`: `{ ID: { "name" } }`, condition ids beyond rules.md's eight (`null` removes an
/// inherited one).
fn declared_conditions(root: &Obj) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    for (id, path, value) in root.entries("conditions", ("慢特病病种", "conditions"))? {
        own_id(id, &path.pointer())?;
        let c = Obj::new(value, path, PathStyle::Pointer, &["name"])?;
        out.push((id.to_owned(), c.text("name", ("病种名称", "condition name"))?.to_owned()));
    }
    Ok(out)
}

/// A condition id the pack may use: rules.md's or one it declares.
fn known_condition(declared: &[(String, String)], id: &str, path: &Path) -> Result<String, Error> {
    if crate::vocabulary::is_known_condition(id) || declared.iter().any(|(k, _)| k == id) {
        return Ok(id.to_owned());
    }
    Err(Error::new(
        "invalid_policy",
        path.pointer(),
        format_args!("未知的慢特病病种“{id}”：请使用规则中的病种 id，或先在 conditions 中声明"),
        format_args!("unknown condition \"{id}\": use one of the rules' ids or declare it under conditions"),
    ))
}

fn provenance(root: &Obj, merged: &Value, sources: &IdMap<String, Source>) -> Result<Provenance, Error> {
    let mut entries = Vec::new();
    for (pointer, path, value) in root.entries("provenance", ("参数来源", "provenance"))? {
        if !(pointer.is_empty() || pointer.starts_with('/')) || super::at_pointer(merged, pointer).is_none() {
            return Err(Error::new(
                "invalid_policy",
                path.pointer(),
                format_args!("参数来源指向的“{pointer}”在政策包中不存在（应为 JSON Pointer，如 /critical_illness/threshold）"),
                format_args!("provenance pointer \"{pointer}\" points at nothing in the pack (expected a JSON Pointer such as /critical_illness/threshold)"),
            ));
        }
        let e = Obj::new(value, path, PathStyle::Pointer, &["source", "clause", "basis", "note"])?;
        let basis_text = e.str("basis", ("依据类型", "basis"))?;
        let basis = Basis::from_id(basis_text).ok_or_else(|| {
            Error::new(
                "invalid_policy",
                e.at("basis"),
                format_args!("依据类型“{basis_text}”无效，可选：document（文件明确规定）、guidance（国家指导范围内的取值）、illustrative（示例参数）"),
                format_args!("invalid basis \"{basis_text}\"; allowed: document, guidance, illustrative"),
            )
        })?;
        let source = e.opt_str("source", ("来源文件", "source"))?;
        if let Some(s) = source {
            if !sources.contains_key(s) {
                return Err(Error::new(
                    "invalid_policy",
                    e.at("source"),
                    format_args!("来源“{s}”不在本政策包的 sources 中"),
                    format_args!("source \"{s}\" is not listed in sources"),
                ));
            }
        } else if basis != Basis::Illustrative {
            return Err(Error::new(
                "invalid_policy",
                e.at("source"),
                "依据为文件或国家指导时须注明来源文件（source）",
                "a document or guidance basis needs a source",
            ));
        }
        let text = |k| e.opt_str(k, ("文字", "text")).map(|v| v.map(str::to_owned));
        entries.push((pointer.to_owned(), Entry { source: source.map(str::to_owned), clause: text("clause")?, basis, note: text("note")? }));
    }
    Ok(Provenance::new(entries))
}
