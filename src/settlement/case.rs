//! The input of a settlement (settlement.md, "Input: a settlement case"): the budget's inputs,
//! the year's spending, the assessment. Which of them are required depends on the pack's rules;
//! that is checked where the rules are applied, so the error names the rule that needs them.

use crate::error::{Error, Path, PathStyle};
use crate::input::fields::{Label, Obj};
use crate::money::{Decimal, Money, Rate, MAX_FUND};
use serde_json::Value;

#[derive(Clone, Debug)]
pub struct SettlementCase {
    /// A bundled pack by id, unless the caller gives a pack.
    pub policy: Option<String>,
    pub alliance: Option<String>,
    pub year: Option<u64>,
    pub budget: BudgetInput,
    pub actual: Actual,
    pub score: Option<Given<Rate>>,
    pub rank: Option<u64>,
    pub risk_pool_before: Option<Money>,
}

/// A value and the score it was given as (92.5 → the rate 0.925), to write the score in steps.
#[derive(Clone, Debug)]
pub struct Given<T> {
    pub value: T,
    pub as_written: String,
}

#[derive(Clone, Debug, Default)]
pub struct BudgetInput {
    pub persons: Option<u64>,
    pub history: Option<Vec<Money>>,
    pub previous: Option<Money>,
    pub growth: Option<Rate>,
    pub area_fund_growth: Option<Rate>,
    pub raised: Option<Money>,
    pub last_year_settled: Option<Money>,
}

#[derive(Clone, Debug)]
pub struct Actual {
    pub fund_paid: Money,
    pub fund_paid_outside: Option<Money>,
    pub emergency_overspend: Option<Money>,
}

/// The people a per-capita budget may count (a county's chronic-disease pilot holds thousands).
const MAX_PERSONS: u64 = 100_000_000;

fn fund(o: &Obj, key: &str, label: Label) -> Result<Option<Money>, Error> {
    o.opt_amount_up_to(key, label, MAX_FUND)
}

impl SettlementCase {
    pub fn from_json(value: &Value) -> Result<SettlementCase, Error> {
        let root = Obj::new(value, Path::root(), PathStyle::Dotted, &["policy", "alliance", "year", "budget", "actual", "assessment", "risk_pool_before"])?;
        let b = root.obj("budget", ("预算依据", "budget"), &["persons", "history", "previous", "growth", "area_fund_growth", "raised", "last_year_settled"])?;
        let history = if b.has("history") {
            let items = b.array("history", ("前三年统筹基金支付额", "history"))?;
            let mut out = Vec::new();
            for (path, v) in items {
                out.push(crate::input::fields::amount_up_to(v, &path, PathStyle::Dotted, ("往年统筹基金支付额", "a year's fund payments"), MAX_FUND)?);
            }
            Some(out)
        } else {
            None
        };
        let budget = BudgetInput {
            persons: b.opt_whole("persons", ("核定人数", "persons"), MAX_PERSONS)?,
            history,
            previous: fund(&b, "previous", ("上年度付费总额", "previous year's budget"))?,
            growth: b.opt_rate("growth", ("年度增长率", "growth rate"))?,
            area_fund_growth: b.opt_rate("area_fund_growth", ("统筹区医保统筹基金年度支出增长率", "area fund growth"))?,
            raised: fund(&b, "raised", ("年度筹资总额", "fund raised"))?,
            last_year_settled: fund(&b, "last_year_settled", ("上年度实际结算总额", "last year's settlement"))?,
        };
        let a = root.obj("actual", ("年度实际支出", "actual"), &["fund_paid", "fund_paid_outside", "emergency_overspend"])?;
        const FUND_PAID: Label = ("医共体内统筹基金支出", "fund paid");
        a.required("fund_paid", FUND_PAID)?;
        let actual = Actual {
            fund_paid: fund(&a, "fund_paid", FUND_PAID)?.unwrap_or_default(),
            fund_paid_outside: fund(&a, "fund_paid_outside", ("医共体外就医统筹基金支出", "fund paid outside"))?,
            emergency_overspend: fund(&a, "emergency_overspend", ("突发公共卫生事件造成的超支", "emergency overspend"))?,
        };
        let (score, rank) = match root.opt_obj("assessment", &["score", "rank"])? {
            None => (None, None),
            Some(s) => {
                let rank = s.opt_whole("rank", ("考核名次", "rank"), 100_000)?;
                if rank == Some(0) {
                    return Err(Error::new("invalid_value", s.at("rank"), "考核名次从 1 开始（1 为最好）", "rank starts at 1 (1 = best)"));
                }
                (score(&s)?, rank)
            }
        };
        Ok(SettlementCase {
            policy: root.opt_str("policy", ("政策包", "policy"))?.map(str::to_owned),
            alliance: root.opt_str("alliance", ("医共体名称", "alliance"))?.map(str::to_owned),
            year: root.opt_whole("year", ("年度", "year"), 9999)?,
            budget,
            actual,
            score,
            rank,
            risk_pool_before: fund(&root, "risk_pool_before", ("风险调节金资金池年初余额", "risk pool before"))?,
        })
    }
}

/// `assessment.score`: 0 to 100, as a rate of 1 (92.5 → 0.925).
fn score(s: &Obj) -> Result<Option<Given<Rate>>, Error> {
    let Some(v) = s.get("score") else { return Ok(None) };
    let d = crate::input::number::parse_decimal(v).filter(|d| !d.is_sign_negative() && *d <= Decimal::ONE_HUNDRED);
    let Some(d) = d.map(|d| d.normalize()) else {
        return Err(Error::new(
            "invalid_value",
            s.at("score"),
            "考核得分（assessment.score）必须是 0 到 100 之间的数",
            "assessment.score must be a number from 0 to 100",
        ));
    };
    // score/100 by moving the decimal point: no division (rust_decimal's is large in the wasm).
    let rate = Decimal::try_from_i128_with_scale(d.mantissa(), d.scale() + 2).map_err(|_| {
        Error::new("invalid_value", s.at("score"), "考核得分（assessment.score）的小数位太多", "assessment.score has too many decimals")
    })?;
    Ok(Some(Given { value: Rate::from_decimal(rate), as_written: crate::money::grouped(d) }))
}
