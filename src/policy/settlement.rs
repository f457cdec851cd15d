//! The `settlement` section of a pack (settlement.md): how the pooled fund pays a 医共体 or a
//! pilot — the yearly budget, what is held back, and how a surplus is kept or an overspend shared.
//! Read and checked here like every other section; the arithmetic is in `crate::settlement`.
//!
//! Only with the `settlement` feature: the residents' WebAssembly build accepts the section as an
//! object without reading it (validate.rs), since estimates never use it; the build with the
//! feature, the command line and the pack editor check it.

use crate::error::{Error, Path, PathStyle};
use crate::input::fields::{Label, Obj};
use crate::money::{Decimal, Rate};
use serde_json::Value;

#[derive(Clone, Debug)]
pub struct Settlement {
    pub budget: Budget,
    pub holdbacks: Vec<Holdback>,
    /// Whether what the fund paid outside the alliance counts against its budget (广东 二、(四)).
    pub outside_deducted: bool,
    pub surplus: Option<Surplus>,
    pub overspend: Option<Overspend>,
}

/// How the year's budget (年度付费总额 / 包干总额) is set.
#[derive(Clone, Debug)]
pub enum Budget {
    /// `per_capita` × the people approved at the start of the year (金医保发〔2023〕19号).
    PerCapita { per_capita: crate::money::Money },
    /// The mean of the previous three years (first year) or last year's total, grown by a rate
    /// the area's fund growth limits (广东 2025 二、(二)).
    HistoryAverage,
    /// The year's fund raised, less a risk fund taken first (曲政办发〔2022〕65号 三、(五)1).
    Packaged { risk_share: Rate },
    /// Last year's actual settlement (甘政办发〔2018〕98号 二、(一)).
    LastYear,
}

#[derive(Clone, Debug)]
pub struct Holdback {
    pub id: String,
    pub name: String,
    pub share: Rate,
    pub returned: Returned,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returned {
    /// score/100 of it is paid to the alliance at year end, the rest stays with the fund.
    ByScore,
    /// Paid into the alliance's risk-adjustment pool until it holds `months`/12 of the budget.
    Pool { months: u64 },
}

#[derive(Clone, Debug)]
pub enum Surplus {
    /// score/100 of the surplus is kept and split by level; the rest goes to the alliance's own
    /// total settlement (金医保发〔2023〕19号 六、(三)1).
    ByScore { split: Split },
    /// Kept band by band of the surplus ratio; the rest is carried into next year's budget
    /// (曲政办发〔2022〕65号 三、(五)3).
    Bands(Vec<Band>),
    /// All of it is kept (广东: 结余留用).
    All,
}

/// A band of the surplus ratio (surplus / budget): up to `up_to` (inclusive), `kept` of it is
/// kept; the last band has no upper bound.
#[derive(Clone, Copy, Debug)]
pub struct Band {
    pub up_to: Option<Rate>,
    pub kept: Rate,
}

#[derive(Clone, Debug, Default)]
pub struct Overspend {
    /// A unit ranked at or above this (1 = best) has its overspend taken into the alliance's
    /// total settlement (金医保发〔2023〕19号 六、(三)2).
    pub absorbed_if_rank_at_most: Option<u64>,
    pub split: Option<Split>,
    /// The part caused by 突发公共卫生事件 is paid first from the risk pool (广东 二、(五)).
    pub emergency_from_risk_pool: bool,
}

/// Shares by level of the alliance, in the pack's order; they add up to 1.
#[derive(Clone, Debug)]
pub struct Split(pub Vec<(Unit, Rate)>);

/// The levels of a county alliance a surplus or an overspend is split between (区/县、乡、村).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    District,
    Township,
    Village,
}

impl Unit {
    pub const ALL: [Unit; 3] = [Unit::District, Unit::Township, Unit::Village];

    pub fn id(self) -> &'static str {
        match self {
            Unit::District => "district",
            Unit::Township => "township",
            Unit::Village => "village",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Unit::District => "区（县）级",
            Unit::Township => "乡（镇）级",
            Unit::Village => "村级",
        }
    }
}

/// The most a pool may be asked to hold, in months of the budget.
const MAX_MONTHS: u64 = 12;

/// Reads `/settlement`, when the pack has one.
pub fn read(root: &Obj) -> Result<Option<Settlement>, Error> {
    let Some(s) = root.opt_obj("settlement", &["budget", "holdbacks", "outside", "surplus", "overspend"])? else {
        return Ok(None);
    };
    let budget = budget(&s.obj("budget", ("结算预算", "settlement budget"), &["method", "per_capita", "risk_share"])?)?;
    let mut holdbacks = Vec::new();
    for (path, v) in s.array("holdbacks", ("预留资金", "holdbacks"))? {
        holdbacks.push(holdback(&Obj::new(v, path, PathStyle::Pointer, &["id", "name", "share", "returned", "pool_cap_months"])?, &holdbacks)?);
    }
    // What is held back comes out of the budget: together it cannot be more than all of it.
    let held: Decimal = holdbacks.iter().map(|h| h.share.decimal()).sum();
    if held > Decimal::ONE {
        return Err(Error::new(
            "invalid_policy",
            s.at("holdbacks"),
            format_args!("各项预留资金的比例之和为 {}，不能超过 1", crate::money::grouped(held.normalize())),
            format_args!("the holdbacks' shares add up to {}, more than 1", crate::money::grouped(held.normalize())),
        ));
    }
    let outside_deducted = match s.opt_str("outside", ("医共体外就医费用", "outside"))? {
        None | Some("not_deducted") => false,
        Some("deducted") => true,
        Some(other) => return Err(one_of(&s, "outside", other, &["deducted", "not_deducted"])),
    };
    let surplus = s.opt_obj("surplus", &["method", "remainder", "split", "bands"])?.map(|o| surplus(&o)).transpose()?;
    let overspend = s.opt_obj("overspend", &["absorbed_if_rank_at_most", "split", "emergency_from_risk_pool"])?.map(|o| overspend(&o)).transpose()?;
    Ok(Some(Settlement { budget, holdbacks, outside_deducted, surplus, overspend }))
}

fn one_of(o: &Obj, key: &str, got: &str, allowed: &[&str]) -> Error {
    Error::new(
        "invalid_policy",
        o.at(key),
        format_args!("{key}“{got}”无效，可选：{}", allowed.join("、")),
        format_args!("invalid {key} \"{got}\"; allowed: {}", allowed.join(", ")),
    )
}

fn budget(b: &Obj) -> Result<Budget, Error> {
    const METHODS: &[&str] = &["per_capita", "history_average", "packaged", "last_year"];
    let method = b.str("method", ("预算方式", "budget method"))?;
    let needs = |key: &str, label: Label| {
        b.required(key, label).map(|_| ()).map_err(|_| {
            Error::new(
                "invalid_policy",
                b.at(key),
                format_args!("预算方式 {method} 需要 {key}（{}）", label.0),
                format_args!("budget method {method} needs {key} ({})", label.1),
            )
        })
    };
    let budget = match method {
        "per_capita" => {
            const LABEL: Label = ("人均包干标准", "per-capita amount");
            needs("per_capita", LABEL)?;
            Budget::PerCapita { per_capita: b.amount("per_capita", LABEL)? }
        }
        "history_average" => Budget::HistoryAverage,
        "packaged" => {
            const LABEL: Label = ("风险金提取比例", "risk-fund share");
            needs("risk_share", LABEL)?;
            Budget::Packaged { risk_share: b.rate("risk_share", LABEL)? }
        }
        "last_year" => Budget::LastYear,
        other => return Err(one_of(b, "method", other, METHODS)),
    };
    // A member another method would use is a mistake, not a no-op.
    for (key, used) in [("per_capita", matches!(budget, Budget::PerCapita { .. })), ("risk_share", matches!(budget, Budget::Packaged { .. }))] {
        if b.has(key) && !used {
            return Err(Error::new(
                "invalid_policy",
                b.at(key),
                format_args!("预算方式 {method} 不使用 {key}"),
                format_args!("budget method {method} does not use {key}"),
            ));
        }
    }
    Ok(budget)
}

fn holdback(h: &Obj, before: &[Holdback]) -> Result<Holdback, Error> {
    let id = h.text("id", ("预留资金 id", "holdback id"))?;
    if before.iter().any(|x| x.id == id) {
        return Err(Error::new("invalid_policy", h.at("id"), format_args!("预留资金 id“{id}”重复"), format_args!("holdback id \"{id}\" is used twice")));
    }
    let returned = match h.str("returned", ("年终返还方式", "returned"))? {
        "by_score" => Returned::ByScore,
        "pool" => {
            let months = h.opt_whole("pool_cap_months", ("风险调节金累计上限（月数）", "pool cap in months"), MAX_MONTHS)?;
            match months {
                Some(m) if m > 0 => Returned::Pool { months: m },
                _ => {
                    return Err(Error::new(
                        "invalid_policy",
                        h.at("pool_cap_months"),
                        "进入资金池的预留资金需要 pool_cap_months（累计达到几个月的预算后不再提取，1 到 12）",
                        "a pool holdback needs pool_cap_months (1 to 12 months of the budget)",
                    ))
                }
            }
        }
        other => return Err(one_of(h, "returned", other, &["by_score", "pool"])),
    };
    if returned == Returned::ByScore && h.has("pool_cap_months") {
        return Err(Error::new("invalid_policy", h.at("pool_cap_months"), "按考核返还的预留资金不使用 pool_cap_months", "a by_score holdback does not use pool_cap_months"));
    }
    Ok(Holdback { id: id.to_owned(), name: h.text("name", ("预留资金名称", "holdback name"))?.to_owned(), share: h.rate("share", ("预留比例", "holdback share"))?, returned })
}

fn surplus(s: &Obj) -> Result<Surplus, Error> {
    let method = s.str("method", ("结余分配方式", "surplus method"))?;
    let uses = |key: &str, used: bool| -> Result<(), Error> {
        match (s.has(key), used) {
            (true, false) => Err(Error::new("invalid_policy", s.at(key), format_args!("结余分配方式 {method} 不使用 {key}"), format_args!("surplus method {method} does not use {key}"))),
            (false, true) => Err(Error::new("invalid_policy", s.at(key), format_args!("结余分配方式 {method} 需要 {key}"), format_args!("surplus method {method} needs {key}"))),
            _ => Ok(()),
        }
    };
    let out = match method {
        "by_score" => {
            uses("split", true)?;
            uses("bands", false)?;
            match s.str("remainder", ("未留用部分的去向", "remainder"))? {
                "alliance_settlement" => {}
                other => return Err(one_of(s, "remainder", other, &["alliance_settlement"])),
            }
            Surplus::ByScore { split: split(s)? }
        }
        "bands" => {
            uses("bands", true)?;
            uses("split", false)?;
            uses("remainder", false)?;
            Surplus::Bands(bands(s)?)
        }
        "all" => {
            for key in ["split", "bands", "remainder"] {
                uses(key, false)?;
            }
            Surplus::All
        }
        other => return Err(one_of(s, "method", other, &["by_score", "bands", "all"])),
    };
    Ok(out)
}

fn overspend(o: &Obj) -> Result<Overspend, Error> {
    let rank = o.opt_whole("absorbed_if_rank_at_most", ("考核名次（前几名）", "rank limit"), 10_000)?;
    let split = if o.has("split") { Some(split(o)?) } else { None };
    let emergency = match o.get("emergency_from_risk_pool") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(Error::new("invalid_policy", o.at("emergency_from_risk_pool"), "emergency_from_risk_pool 应为 true 或 false", "emergency_from_risk_pool must be true or false"))
        }
    };
    if rank.is_some() && split.is_none() {
        return Err(Error::new(
            "invalid_policy",
            o.at("split"),
            "设了 absorbed_if_rank_at_most 时还需要 split（名次靠后时各级分担的比例）",
            "absorbed_if_rank_at_most needs split (how lower-ranked units share the overspend)",
        ));
    }
    Ok(Overspend { absorbed_if_rank_at_most: rank, split, emergency_from_risk_pool: emergency })
}

/// `split`: shares by level that add up to exactly 1.
fn split(o: &Obj) -> Result<Split, Error> {
    let m = o.obj("split", ("分配比例", "split"), &["district", "township", "village"])?;
    let mut shares = Vec::new();
    let mut sum = Decimal::ZERO;
    for unit in Unit::ALL {
        if let Some(share) = m.has(unit.id()).then(|| m.rate(unit.id(), (unit.zh(), unit.id()))).transpose()? {
            sum += share.decimal();
            shares.push((unit, share));
        }
    }
    if sum != Decimal::ONE {
        return Err(Error::new(
            "invalid_policy",
            o.at("split"),
            format_args!("各级分配比例之和应为 1，现为 {}", crate::money::grouped(sum.normalize())),
            format_args!("the split's shares must add up to 1; they add up to {}", crate::money::grouped(sum.normalize())),
        ));
    }
    Ok(Split(shares))
}

/// `bands`: `up_to` strictly increasing ratios of the budget, only the last without one.
fn bands(s: &Obj) -> Result<Vec<Band>, Error> {
    let items = s.array("bands", ("结余分段", "surplus bands"))?;
    let mut out: Vec<Band> = Vec::new();
    let n = items.len();
    for (i, (path, v)) in items.into_iter().enumerate() {
        let b = Obj::new(v, path.clone(), PathStyle::Pointer, &["up_to", "kept"])?;
        let kept = b.rate("kept", ("留用比例", "kept share"))?;
        let up_to = b.has("up_to").then(|| b.rate("up_to", ("结余率分段上限", "band bound"))).transpose()?;
        let at = |p: &Path| p.key("up_to").render(PathStyle::Pointer);
        match (up_to, i + 1 == n) {
            (Some(_), true) => return Err(Error::new("invalid_policy", at(&path), "最后一段不设上限（不写 up_to）", "the last band has no up_to")),
            (None, false) => return Err(Error::new("invalid_policy", at(&path), "除最后一段外，每段都要写上限 up_to", "every band but the last needs up_to")),
            _ => {}
        }
        if let (Some(up), Some(prev)) = (up_to, out.last().and_then(|b| b.up_to)) {
            if up <= prev {
                return Err(Error::new("invalid_policy", at(&path), "结余分段的上限必须逐段增大", "band bounds must increase"));
            }
        }
        out.push(Band { up_to, kept });
    }
    if out.is_empty() {
        return Err(Error::new("invalid_policy", s.at("bands"), "至少要有一段", "at least one band is needed"));
    }
    Ok(out)
}
