//! The three moves most benefits are made of, each with its explanation step: consume what is
//! left of an annual deductible, pay a rate on the rest (rounded to the fen where it is paid),
//! and cut the payment to what is left of a cap.

use crate::error::Error;
use crate::explain::{yuan, Effect, Steps};
use crate::money::{Exact, Money, Rate};

/// Consumes what is left of an annual deductible (`annual − *used`) against `base`, records the
/// use and returns the amount applied. `what` names it for people ("普通门诊年度起付线"); it and
/// `param` are called only when steps are kept (see [`Steps`]).
pub fn annual_deductible(
    steps: &mut Steps,
    rule: &'static str,
    what: impl FnOnce() -> String,
    base: Money,
    annual: Money,
    used: &mut Money,
    param: impl FnOnce() -> String,
) -> Result<Money, Error> {
    if annual.is_zero() {
        return Ok(Money::ZERO);
    }
    let left = annual.saturating_sub(*used);
    let applied = base.min(left);
    *used = used.add(applied)?;
    let still = left.sub(applied)?;
    let effect = if applied.is_zero() { Effect::Info } else { Effect::Withheld };
    steps.push(
        rule,
        effect,
        applied,
        || {
            let what = what();
            // left ≤ annual: the difference cannot fail.
            let before = if left < annual { format!("，本年已付 {}", yuan(annual.saturating_sub(left))) } else { String::new() };
            if left.is_zero() {
                format!("{what} {}，本年已经付满，本次不再扣除", yuan(annual))
            } else if still.is_zero() {
                let rest = if left < annual { "其余的 " } else { " " };
                format!("{what} {}{before}，本次由个人负担{rest}{}", yuan(annual), yuan(applied))
            } else {
                format!("{what} {}{before}，本次由个人负担 {}（本年尚余 {}）", yuan(annual), yuan(applied), yuan(still))
            }
        },
        || vec![param()],
    );
    Ok(applied)
}

/// Pays `rate` of `base`, rounded to the fen, and records the payment and the co-payment.
/// `base_text` says what the base is ("政策范围内费用扣除起付线后的 44,200.00 元"). The base may be
/// unrounded (a deductible × a day-surgery factor); only the payment is rounded. `base_text` and
/// `param` are called only when steps are kept.
pub fn at_rate(
    steps: &mut Steps,
    rule: &'static str,
    base_text: impl FnOnce() -> String,
    base: impl Into<Exact>,
    rate: Rate,
    param: impl FnOnce() -> String,
) -> Result<Money, Error> {
    let base: Exact = base.into();
    // Nothing left after the deductible: nothing to pay a rate on, and no step saying "0 × 70%".
    if base.0.is_zero() {
        return Ok(Money::ZERO);
    }
    let paid = base.times(rate)?.round();
    let copay = base.sub(paid.into())?.round();
    if steps.on() {
        let param = param();
        let copay_param = param.clone();
        steps.push(rule, Effect::Paid, paid, || format!("{} × {} = {}", base_text(), rate.percent(), yuan(paid)), || vec![param]);
        if !copay.is_zero() {
            steps.push(
                "copayment",
                Effect::Withheld,
                copay,
                || format!("其余 {}（{}）由个人按比例自付", yuan(copay), rate.complement().percent()),
                || vec![copay_param],
            );
        }
    }
    Ok(paid)
}

/// Limits `amount` to what is left of `cap` after `used` (no cap: unchanged) and records the cut.
/// `what` names the cap ("基本医保住院年度最高支付限额"); it and `param` are called only when
/// steps are kept.
pub fn limit(
    steps: &mut Steps,
    rule: &'static str,
    what: impl FnOnce() -> String,
    amount: Money,
    cap: Option<Money>,
    used: Money,
    param: impl FnOnce() -> String,
) -> Result<Money, Error> {
    let Some(cap) = cap else { return Ok(amount) };
    let allowed = amount.capped(Some(cap), used);
    if allowed < amount {
        let cut = amount.sub(allowed)?;
        let text = || {
            let what = what();
            if used.is_zero() {
                format!("{what} {}，超出的 {}由个人负担", yuan(cap), yuan(cut))
            } else {
                format!("{what} {}，本年已支付 {}，本次最多再付 {}，超出的 {}由个人负担", yuan(cap), yuan(used.min(cap)), yuan(allowed), yuan(cut))
            }
        };
        steps.push(rule, Effect::Withheld, cut, text, || vec![param()]);
    }
    Ok(allowed)
}
