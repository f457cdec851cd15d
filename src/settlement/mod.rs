//! 医共体 / 包干 结算测算 (settlement.md): what the pooled fund pays a county alliance or a
//! pilot for a year under the pack's `settlement` rules — the budget, what is held back, and at
//! year end the surplus kept (结余留用) or the overspend shared (超支分担). Fund staff and
//! alliance finance offices see these numbers before the year closes.
//!
//! Amounts are exact decimals, rounded half away from zero to the fen where they are paid or
//! taken (the budget, each holdback, each share), as rules.md does for residents. Every amount is
//! a step with its text and the pack pointers it used.

pub mod case;
pub mod text;

pub use case::SettlementCase;

use crate::error::Error;
use crate::explain::yuan;
use crate::ids::IdMap;
use crate::money::{Decimal, Money, Rate};
use crate::policy::settlement::{Band, Budget, Returned, Split, Surplus};
use crate::policy::{Policy, PolicySummary};
use serde::Serialize;

/// One explained amount of a settlement.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    #[serde(serialize_with = "crate::explain::name")]
    pub rule: &'static str,
    pub amount: Money,
    pub text: String,
    pub params: Vec<String>,
}

/// A holdback at year end: what was taken from the year's payments, and where it went.
#[derive(Clone, Debug, Serialize)]
pub struct HoldbackLine {
    pub id: String,
    pub name: String,
    pub taken: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returned: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_pool: Option<Money>,
}

/// The year's settlement (settlement.md, "Output"). Fields a pack's rules do not produce are
/// absent, not zero.
#[derive(Debug, Serialize)]
pub struct Statement<'p> {
    pub policy: PolicySummary<'p>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alliance: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<u64>,
    pub budget: Money,
    pub holdbacks: Vec<HoldbackLine>,
    pub paid_during_year: Money,
    pub spending_counted: Money,
    pub surplus: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carried_over: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_alliance_settlement: Option<Money>,
    /// The surplus kept, or the overspend borne, by level of the alliance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shares: Option<IdMap<&'static str, Money>>,
    pub overspend: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_risk_pool: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_fund: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_pool_after: Option<Money>,
    pub steps: Vec<Step>,
    #[serde(skip)]
    pub pack: &'p Policy,
}

fn overflow() -> Error {
    Error::new("internal_guard", "", "金额超出可计算的范围", "an amount is out of the range the engine computes")
}

fn mul(a: Decimal, b: Decimal) -> Result<Decimal, Error> {
    a.checked_mul(b).ok_or_else(overflow)
}

fn add(a: Money, b: Money) -> Result<Money, Error> {
    a.add(b).map_err(|_| overflow())
}

fn sub(a: Money, b: Money) -> Result<Money, Error> {
    a.sub(b).map_err(|_| overflow())
}

/// An amount in fen (amounts have at most two decimals).
fn fen(m: Money) -> Result<i128, Error> {
    let d = Money::round(m.decimal()).decimal();
    d.mantissa().checked_mul(10i128.pow(2 - d.scale().min(2))).ok_or_else(overflow)
}

/// `n / d` rounded half away from zero, to the fen: the few divisions a settlement needs (a mean
/// of three years, a number of months of twelve, a ratio) in integers, because rust_decimal's
/// division would add about a fifth to the WebAssembly module. `n ≥ 0`, `d > 0`.
fn fen_div(n: i128, d: i128) -> Result<Money, Error> {
    let q = n.checked_mul(2).and_then(|n2| n2.checked_add(d)).ok_or_else(overflow)? / (2 * d);
    Decimal::try_from_i128_with_scale(q, 2).map(Money::round).map_err(|_| overflow())
}

/// `amount` × `rate`, rounded to the fen.
fn part(amount: Money, rate: Rate) -> Result<Money, Error> {
    Ok(Money::round(mul(amount.decimal(), rate.decimal())?))
}

/// A case input the pack's rules need: an error naming it, and the rule, when it is missing.
fn needed<T: Copy>(value: Option<T>, path: &str, what: (&str, &str), why: (&str, &str)) -> Result<T, Error> {
    value.ok_or_else(|| {
        Error::new(
            "missing_field",
            path,
            format_args!("缺少{}（{path}）：{}", what.0, why.0),
            format_args!("{} ({path}) is required: {}", what.1, why.1),
        )
    })
}

const SCORE: (&str, &str) = ("考核得分", "the assessment score");

struct Writer {
    steps: Vec<Step>,
}

impl Writer {
    fn step(&mut self, rule: &'static str, amount: Money, text: String, params: &[&str]) {
        self.steps.push(Step { rule, amount, text, params: params.iter().map(|p| (*p).to_owned()).collect() });
    }
}

/// Settles a year under `pack`'s `settlement` rules.
pub fn settle<'p>(case: &SettlementCase, pack: &'p Policy) -> Result<Statement<'p>, Error> {
    let Some(rules) = &pack.settlement else {
        return Err(Error::new(
            "no_settlement_rules",
            "policy",
            format_args!("政策包“{}”没有基金结算规则（settlement），请选择含结算规则的政策包", pack.name),
            format_args!("pack \"{}\" has no settlement rules", pack.id),
        ));
    };
    let mut w = Writer { steps: Vec::new() };
    let budget = budget(case, &rules.budget, &mut w)?;

    // Holdbacks, in the pack's order.
    let has_pool = rules.holdbacks.iter().any(|h| matches!(h.returned, Returned::Pool { .. }));
    let emergency_rule = rules.overspend.as_ref().is_some_and(|o| o.emergency_from_risk_pool);
    let pool_before = if has_pool || emergency_rule {
        Some(needed(case.risk_pool_before, "risk_pool_before", ("风险调节金资金池年初余额", "the risk pool's balance"), ("本政策包的风险调节金按资金池累计上限提取", "the pack's risk pool is capped by what it holds"))?)
    } else {
        None
    };
    let mut pool = pool_before.unwrap_or_default();
    let mut holdbacks = Vec::new();
    let mut taken_total = Money::ZERO;
    for (i, h) in rules.holdbacks.iter().enumerate() {
        let share_p = format!("/settlement/holdbacks/{i}/share");
        let nominal = part(budget, h.share)?;
        let line = match h.returned {
            Returned::ByScore => {
                let score = needed(case.score.as_ref(), "assessment.score", SCORE, ("本政策包按考核得分返还预留资金", "the pack returns holdbacks by score"))?;
                let returned = part(nominal, score.value)?;
                w.step("settlement.holdback", nominal, format!("{}：预算 {} × {} = {}，年度内预留不拨付", h.name, yuan(budget), h.share.percent(), yuan(nominal)), &[&share_p]);
                w.step(
                    "settlement.holdback_returned",
                    returned,
                    format!("{}年终按考核得分 {} 分返还 {} × {}% = {}，其余 {}留在基金", h.name, score.as_written, yuan(nominal), score.as_written, yuan(returned), yuan(nominal.saturating_sub(returned))),
                    &[&format!("/settlement/holdbacks/{i}/returned")],
                );
                HoldbackLine { id: h.id.clone(), name: h.name.clone(), taken: nominal, returned: Some(returned), to_pool: None }
            }
            Returned::Pool { months } => {
                let cap = fen_div(fen(budget)?.checked_mul(i128::from(months)).ok_or_else(overflow)?, 12)?;
                let room = cap.saturating_sub(pool);
                let to_pool = nominal.min(room);
                let cap_p = format!("/settlement/holdbacks/{i}/pool_cap_months");
                let text = if to_pool == nominal {
                    format!("{}：预算 {} × {} = {}，计入风险调节金资金池（资金池上限为 {} 个月预算 {}，年初余额 {}）", h.name, yuan(budget), h.share.percent(), yuan(nominal), months, yuan(cap), yuan(pool))
                } else {
                    format!(
                        "{}：应提取 {} × {} = {}，但资金池已有 {}，距 {} 个月预算的上限 {} 只差 {}，只提取 {}；未提取的 {}照常拨付",
                        h.name,
                        yuan(budget),
                        h.share.percent(),
                        yuan(nominal),
                        yuan(pool),
                        months,
                        yuan(cap),
                        yuan(room),
                        yuan(to_pool),
                        yuan(nominal.saturating_sub(to_pool))
                    )
                };
                w.step("settlement.risk_pool", to_pool, text, &[&share_p, &cap_p]);
                pool = add(pool, to_pool)?;
                HoldbackLine { id: h.id.clone(), name: h.name.clone(), taken: to_pool, returned: None, to_pool: Some(to_pool) }
            }
        };
        taken_total = add(taken_total, line.taken)?;
        holdbacks.push(line);
    }
    let paid_during_year = sub(budget, taken_total)?;
    if rules.holdbacks.is_empty() {
        w.step("settlement.paid_during_year", paid_during_year, format!("年度内拨付：预算全额 {}（本政策包不设预留资金）", yuan(paid_during_year)), &["/settlement/holdbacks"]);
    } else {
        w.step("settlement.paid_during_year", paid_during_year, format!("年度内拨付：预算 {} − 预留 {} = {}", yuan(budget), yuan(taken_total), yuan(paid_during_year)), &["/settlement/holdbacks"]);
    }

    // What the year's spending counts against the budget.
    let mut spending = case.actual.fund_paid;
    if rules.outside_deducted {
        let outside = needed(case.actual.fund_paid_outside, "actual.fund_paid_outside", ("医共体外就医统筹基金支出", "fund paid outside the alliance"), ("本政策包在年终清算时扣减医共体外就医费用", "the pack deducts care outside the alliance at year end"))?;
        spending = add(spending, outside)?;
        w.step("settlement.spending", spending, format!("计入预算的支出：医共体内统筹基金支出 {} + 医共体外就医支出 {}（年终清算时扣减）= {}", yuan(case.actual.fund_paid), yuan(outside), yuan(spending)), &["/settlement/outside"]);
    } else {
        w.step("settlement.spending", spending, format!("计入预算的支出：统筹基金支出 {}", yuan(spending)), &[]);
    }

    let (surplus, overspend) = match paid_during_year.sub(spending) {
        Ok(d) if !d.decimal().is_sign_negative() => (d, Money::ZERO),
        _ => (Money::ZERO, spending.saturating_sub(paid_during_year)),
    };
    let mut st = Statement {
        policy: PolicySummary::of(pack),
        alliance: case.alliance.clone(),
        year: case.year,
        budget,
        holdbacks,
        paid_during_year,
        spending_counted: spending,
        surplus,
        kept: None,
        carried_over: None,
        to_alliance_settlement: None,
        shares: None,
        overspend,
        from_risk_pool: None,
        from_fund: None,
        risk_pool_after: None,
        steps: Vec::new(),
        pack,
    };
    if overspend.is_zero() {
        w.step("settlement.surplus", surplus, format!("结余：年度内拨付 {} − 计入预算的支出 {} = {}", yuan(paid_during_year), yuan(spending), yuan(surplus)), &[]);
        if !surplus.is_zero() {
            surplus_rules(case, rules.surplus.as_ref(), budget, &mut st, &mut w)?;
        }
    } else {
        w.step("settlement.overspend", overspend, format!("超支：计入预算的支出 {} − 年度内拨付 {} = {}", yuan(spending), yuan(paid_during_year), yuan(overspend)), &[]);
        pool = overspend_rules(case, rules.overspend.as_ref(), pool, &mut st, &mut w)?;
    }
    if pool_before.is_some() {
        st.risk_pool_after = Some(pool);
    }
    st.steps = w.steps;
    Ok(st)
}

fn budget(case: &SettlementCase, rule: &Budget, w: &mut Writer) -> Result<Money, Error> {
    let b = &case.budget;
    Ok(match rule {
        Budget::PerCapita { per_capita } => {
            let persons = needed(b.persons, "budget.persons", ("核定人数", "the persons approved"), ("预算按人头包干", "the budget is per capita"))?;
            let budget = Money::round(mul(per_capita.decimal(), Decimal::from(persons))?);
            w.step(
                "settlement.budget",
                budget,
                format!("包干总额：人均 {} × 年初核定 {} 人 = {}（年度内新增人员不增加预算）", yuan(*per_capita), crate::money::grouped(Decimal::from(persons)), yuan(budget)),
                &["/settlement/budget/per_capita"],
            );
            budget
        }
        Budget::HistoryAverage => history_average(b, w)?,
        Budget::Packaged { risk_share } => {
            let raised = needed(b.raised, "budget.raised", ("年度筹资总额", "the fund raised"), ("打包预算从筹资总额中先提取风险金", "the packaged budget is the fund raised less a risk fund"))?;
            let risk = part(raised, *risk_share)?;
            let budget = sub(raised, risk)?;
            w.step("settlement.risk_fund", risk, format!("风险金：筹资总额 {} × {} = {}，先行提取", yuan(raised), risk_share.percent(), yuan(risk)), &["/settlement/budget/risk_share"]);
            w.step("settlement.budget", budget, format!("打包总额：{} − {} = {}", yuan(raised), yuan(risk), yuan(budget)), &["/settlement/budget/method"]);
            budget
        }
        Budget::LastYear => {
            let last = needed(b.last_year_settled, "budget.last_year_settled", ("上年度实际结算总额", "last year's settlement"), ("预算按上年度实际结算总额确定", "the budget is last year's settlement"))?;
            w.step("settlement.budget", last, format!("年度预算：上年度实际结算总额 {}", yuan(last)), &["/settlement/budget/method"]);
            last
        }
    })
}

/// 广东 2025 二、(二): the first year from the mean of three years, later years from the year
/// before, grown by a rate no larger than the area fund's growth.
fn history_average(b: &case::BudgetInput, w: &mut Writer) -> Result<Money, Error> {
    const WHY: (&str, &str) = ("预算按往年支付额加年度增长率确定", "the budget grows the past years' payments");
    let growth = needed(b.growth, "budget.growth", ("年度增长率", "the growth rate"), WHY)?;
    let limit = needed(b.area_fund_growth, "budget.area_fund_growth", ("统筹区医保统筹基金年度支出增长率", "the area fund's growth"), ("年度增长率不得高于它", "the growth rate may not exceed it"))?;
    // The base in fen and what it is divided by (3 for the mean of three years).
    let (base, divisor, base_text) = match (&b.history, b.previous) {
        (Some(_), Some(_)) => {
            return Err(Error::new(
                "invalid_value",
                "budget.previous",
                "budget.history（改革首年，前三年）和 budget.previous（以后各年，上年度付费总额）只填其一",
                "give budget.history (first year: three years) or budget.previous (later years), not both",
            ))
        }
        (None, Some(previous)) => (fen(previous)?, 1, format!("上年度付费总额 {}", yuan(previous))),
        (Some(history), None) => {
            if history.len() != 3 {
                return Err(Error::new("invalid_value", "budget.history", "budget.history 应为前三年度的统筹基金支付额，共 3 个数", "budget.history must hold the previous three years' payments"));
            }
            let mut sum = Money::ZERO;
            for h in history {
                sum = add(sum, *h)?;
            }
            let sum_fen = fen(sum)?;
            let mean = fen_div(sum_fen, 3)?;
            let approx = if sum_fen % 3 == 0 { "=" } else { "≈" };
            (sum_fen, 3, format!("前三年度平均 ({} + {} + {}) ÷ 3 {approx} {}", yuan(history[0]), yuan(history[1]), yuan(history[2]), yuan(mean)))
        }
        (None, None) => {
            return Err(Error::new(
                "missing_field",
                "budget.history",
                "缺少往年支付额：改革首年填 budget.history（前三年度统筹基金支付额），以后各年填 budget.previous（上年度付费总额）",
                "budget.history (first year) or budget.previous (later years) is required",
            ))
        }
    };
    let rate = if growth > limit {
        w.step(
            "settlement.growth_limited",
            Money::ZERO,
            format!("年度增长率 {} 高于统筹区医保统筹基金年度支出增长率 {}，按 {} 计（年度增长率不得高于统筹区医保统筹基金年度支出增长率）", growth.percent(), limit.percent(), limit.percent()),
            &["/settlement/budget/method"],
        );
        limit
    } else {
        growth
    };
    // base × (1 + g) ÷ divisor, with 1 + g as (10^k + g's digits) / 10^k.
    let g = rate.decimal();
    let one = 10i128.checked_pow(g.scale()).ok_or_else(overflow)?;
    let grown = base.checked_mul(one + g.mantissa()).ok_or_else(overflow)?;
    let budget = fen_div(grown, divisor * one)?;
    w.step("settlement.budget", budget, format!("年度付费总额：{base_text} × (1 + {}) = {}", rate.percent(), yuan(budget)), &["/settlement/budget/method"]);
    Ok(budget)
}

fn surplus_rules(case: &SettlementCase, rule: Option<&Surplus>, budget: Money, st: &mut Statement, w: &mut Writer) -> Result<(), Error> {
    let surplus = st.surplus;
    match rule {
        None => w.step("settlement.kept", surplus, format!("本政策包没有结余分配规则：结余 {} 未作分配", yuan(surplus)), &[]),
        Some(Surplus::All) => {
            st.kept = Some(surplus);
            w.step("settlement.kept", surplus, format!("结余 {} 全部由医共体留用，纳入医疗服务性收入", yuan(surplus)), &["/settlement/surplus/method"]);
        }
        Some(Surplus::ByScore { split }) => {
            let score = needed(case.score.as_ref(), "assessment.score", SCORE, ("本政策包按考核得分分配结余", "the pack shares the surplus by score"))?;
            let kept = part(surplus, score.value)?;
            let rest = sub(surplus, kept)?;
            w.step("settlement.kept", kept, format!("按考核得分 {} 分留用结余：{} × {}% = {}，计入医疗服务收入", score.as_written, yuan(surplus), score.as_written, yuan(kept)), &["/settlement/surplus/method"]);
            w.step("settlement.to_alliance_settlement", rest, format!("其余 {}纳入所属紧密型医共体总额包干决算", yuan(rest)), &["/settlement/surplus/remainder"]);
            st.kept = Some(kept);
            st.to_alliance_settlement = Some(rest);
            st.shares = Some(shares(kept, split, "留用的结余", "/settlement/surplus/split", w)?);
        }
        Some(Surplus::Bands(bands)) => {
            let (kept, carried) = by_bands(surplus, budget, bands, w)?;
            st.kept = Some(kept);
            st.carried_over = Some(carried);
        }
    }
    Ok(())
}

/// 曲靖: the surplus as a ratio of the budget, kept band by band (inclusive at the top).
fn by_bands(surplus: Money, budget: Money, bands: &[Band], w: &mut Writer) -> Result<(Money, Money), Error> {
    let mut lo = Decimal::ZERO;
    let mut prev: Option<Rate> = None;
    let mut kept = Decimal::ZERO;
    let s = surplus.decimal();
    let mut parts = Vec::new();
    for b in bands {
        let hi = match b.up_to {
            Some(up) => mul(budget.decimal(), up.decimal())?,
            None => s.max(lo),
        };
        let in_band = s.min(hi) - lo;
        if in_band > Decimal::ZERO {
            kept += mul(in_band, b.kept.decimal())?;
            let band = match (prev, b.up_to) {
                (None, Some(up)) => format!("{} 以内（含）", up.percent()),
                (Some(from), Some(up)) => format!("{}—{}（含）", from.percent(), up.percent()),
                (Some(from), None) => format!("超过 {}", from.percent()),
                (None, None) => "全部".to_owned(),
            };
            parts.push(format!("{band}的部分 {} × {}", crate::explain::exact(crate::money::Exact(in_band)), b.kept.percent()));
        }
        lo = hi;
        prev = b.up_to;
        if s <= hi {
            break;
        }
    }
    let kept = Money::round(kept);
    let carried = sub(surplus, kept)?;
    // The ratio in hundredths of a percent, for the text.
    let ratio = fen_div(fen(surplus)?.checked_mul(10_000).ok_or_else(overflow)?, fen(budget)?.max(1))?;
    w.step(
        "settlement.kept",
        kept,
        format!("结余率 {} ÷ {} ≈ {}%，分段留用：{}，合计 {}", yuan(surplus), yuan(budget), ratio.grouped(), parts.join("；"), yuan(kept)),
        &["/settlement/surplus/bands"],
    );
    w.step("settlement.carried_over", carried, format!("其余 {}结转进入下年度打包总额预算指标", yuan(carried)), &["/settlement/surplus/bands"]);
    Ok((kept, carried))
}

fn overspend_rules(case: &SettlementCase, rule: Option<&crate::policy::settlement::Overspend>, mut pool: Money, st: &mut Statement, w: &mut Writer) -> Result<Money, Error> {
    let mut rest = st.overspend;
    let Some(rule) = rule else {
        w.step("settlement.overspend_borne", rest, format!("本政策包没有超支分担规则：超支 {} 由医共体承担", yuan(rest)), &[]);
        return Ok(pool);
    };
    if rule.emergency_from_risk_pool {
        let emergency = needed(case.actual.emergency_overspend, "actual.emergency_overspend", ("突发公共卫生事件造成的超支", "the emergency part of the overspend"), ("本政策包由风险调节金先行分担这部分超支", "the pack pays it from the risk pool first"))?;
        let e = emergency.min(rest);
        let from_pool = e.min(pool);
        let from_fund = sub(e, from_pool)?;
        pool = sub(pool, from_pool)?;
        rest = sub(rest, e)?;
        w.step("settlement.from_risk_pool", from_pool, format!("突发公共卫生事件造成的合理超支 {}：先由风险调节金资金池分担 {}", yuan(e), yuan(from_pool)), &["/settlement/overspend/emergency_from_risk_pool"]);
        w.step("settlement.from_fund", from_fund, format!("超出风险调节金的 {}由统筹区医保基金分担", yuan(from_fund)), &["/settlement/overspend/emergency_from_risk_pool"]);
        st.from_risk_pool = Some(from_pool);
        st.from_fund = Some(from_fund);
    }
    if rest.is_zero() {
        return Ok(pool);
    }
    let ranked = match rule.absorbed_if_rank_at_most {
        Some(limit) => Some((needed(case.rank, "assessment.rank", ("考核名次", "the assessment rank"), ("本政策包按考核名次决定超支由谁承担", "the pack decides by rank who bears an overspend"))?, limit)),
        None => None,
    };
    match (ranked, &rule.split) {
        (Some((rank, limit)), _) if rank <= limit => {
            st.to_alliance_settlement = Some(rest);
            w.step("settlement.to_alliance_settlement", rest, format!("年度考核第 {rank} 名，在前 {limit} 名之内：超支 {} 纳入所属紧密型医共体总额包干决算", yuan(rest)), &["/settlement/overspend/absorbed_if_rank_at_most"]);
        }
        (ranked, Some(split)) => {
            let why = match ranked {
                Some((rank, limit)) => format!("年度考核第 {rank} 名，不在前 {limit} 名之内："),
                None => String::new(),
            };
            w.step("settlement.overspend_borne", rest, format!("{why}超支 {} 由各级医疗机构分担，所需资金单独列支", yuan(rest)), &["/settlement/overspend/split"]);
            st.shares = Some(shares(rest, split, "分担的超支", "/settlement/overspend/split", w)?);
        }
        (_, None) => w.step("settlement.overspend_borne", rest, format!("超支 {} 由医共体承担", yuan(rest)), &[]),
    }
    Ok(pool)
}

/// `amount` split by level: each share rounded to the fen, the last level taking what rounding
/// leaves, so the shares add up to the amount exactly.
fn shares(amount: Money, split: &Split, what: &str, pointer: &str, w: &mut Writer) -> Result<IdMap<&'static str, Money>, Error> {
    let mut out = IdMap::default();
    let mut left = amount;
    let n = split.0.len();
    let mut words = Vec::new();
    for (i, (unit, share)) in split.0.iter().enumerate() {
        let value = if i + 1 == n { left } else { part(amount, *share)? };
        left = sub(left, value)?;
        out.insert(unit.id(), value);
        words.push(format!("{} {}（{}）", unit.zh(), yuan(value), share.percent()));
    }
    let tail = if n > 1 { "；各份四舍五入到分，尾差计入最后一级" } else { "" };
    w.step("settlement.shares", amount, format!("{what} {} 按比例分配：{}{tail}", yuan(amount), words.join("、")), &[pointer]);
    Ok(out)
}

/// The statement as the doors write it: with `parameters` (each parameter a step names: value,
/// basis, source key, clause, note) and `sources` when asked for, as estimates do.
#[derive(Serialize)]
pub struct Output<'a, 'p> {
    #[serde(flatten)]
    pub statement: &'a Statement<'p>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<IdMap<&'a str, crate::report::Parameter<'p>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources: Option<IdMap<&'p str, &'p crate::policy::Source>>,
}

impl<'a, 'p> Output<'a, 'p> {
    pub fn new(statement: &'a Statement<'p>, numbers: Option<crate::report::Numbers>) -> Output<'a, 'p> {
        let Some(numbers) = numbers else { return Output { statement, parameters: None, sources: None } };
        let parameters = crate::report::parameters_of(statement.pack, statement.steps.iter().flat_map(|s| &s.params).map(String::as_str), numbers);
        let sources = crate::report::sources(statement.pack, &parameters);
        Output { statement, parameters: Some(parameters), sources: Some(sources) }
    }
}
