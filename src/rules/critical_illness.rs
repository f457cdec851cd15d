//! rules.md §2: 大病保险. It pays from the year's 合规自付 (P = E − basic, accumulated over the
//! natural year), banded above a threshold, so the threshold is paid once a year however many
//! visits it takes to reach it.

use crate::case::{Person, Visit};
use crate::error::Error;
use crate::explain::{exact, yuan, Effect, Scheme, Step, Steps};
use crate::money::{Exact, Money, Rate};
use super::payment::limit;
use crate::policy::{BandsFrom, CriticalIllness, Scale};
use crate::vocabulary::{Kind, Vocabulary};
use super::year::YearState;

/// The part of a yearly total that falls in one band.
struct BandPart {
    from: Money,
    to: Money,
    rate: Rate,
    amount: Exact,
}

/// f(C): the banded amount for a yearly 合规自付 total `c`, exact (unrounded), whether any band
/// has a part of it, and those parts when `keep` (for the explanation).
fn banded(scale: &Scale, bands_from: BandsFrom, c: Money, keep: bool) -> Result<(Exact, bool, Vec<BandPart>), Error> {
    let mut sum = Exact::default();
    let mut any = false;
    let mut parts = Vec::new();
    // With `threshold`, bounds are amounts of (C − threshold); with `zero`, amounts of C of which
    // only the part above the threshold counts.
    let (x, floor) = match bands_from {
        BandsFrom::Threshold => (c.saturating_sub(scale.threshold), Money::ZERO),
        BandsFrom::Zero => (c, scale.threshold),
    };
    let mut lower = Money::ZERO;
    for band in &scale.bands {
        let from = lower.max(floor);
        let to = band.up_to.map_or(x, |u| u.min(x));
        if to > from {
            let amount = to.sub(from)?.times(band.rate)?;
            sum = sum.add(amount)?;
            any = true;
            if keep {
                parts.push(BandPart { from, to, rate: band.rate, amount });
            }
        }
        match band.up_to {
            Some(u) => lower = u,
            None => break,
        }
    }
    Ok((sum, any, parts))
}

/// An amount as a band bound: "10,000" or "11,270.50".
fn bound(m: Money) -> crate::money::Grouped {
    if m.decimal().is_integer() {
        crate::money::Grouped::of(m.decimal().trunc())
    } else {
        m.grouped()
    }
}

pub fn pay(
    ci: &CriticalIllness,
    person: &Person,
    visit: &Visit,
    e: Money,
    basic: Money,
    year: &mut YearState,
    steps: Option<&mut Vec<Step>>,
) -> Result<Money, Error> {
    let mut steps = Steps::new(Scheme::CriticalIllness, steps);
    if !ci.covers.contains(&visit.kind) {
        let text = || format!("{}不在大病保险支付范围内，大病保险不支付", visit.kind.zh());
        return Ok(steps.pays_nothing("critical_illness.not_covered", text, || vec!["/critical_illness/covers".into()]));
    }
    let scale = ci.scale_for(person.category);
    let p = e.sub(basic)?;
    let c_before = year.critical_compliant;
    let c_after = c_before.add(p)?;
    year.critical_compliant = c_after;

    let explain = steps.on();
    let params = || {
        let mut params = vec![format!("{}/threshold", scale.pointer), format!("{}/bands", scale.pointer), "/critical_illness/bands_from".to_owned()];
        if !std::ptr::eq(scale, &ci.standard) {
            params.push("/critical_illness/preferential/categories".into());
        }
        params
    };
    let head = || {
        let who = if std::ptr::eq(scale, &ci.standard) { String::new() } else { format!("{}享受困难群体倾斜政策，", person.category.zh()) };
        let accumulated = if c_before.is_zero() { String::new() } else { format!("（本年累计 {}）", yuan(c_after)) };
        format!("{who}本次合规自付 {}{accumulated}", yuan(p))
    };

    let (f_after, above, parts) = banded(scale, ci.bands_from, c_after, explain)?;
    let (f_before, _, _) = banded(scale, ci.bands_from, c_before, false)?;
    if !above {
        let text = || format!("{}，未超过大病保险起付线 {}，大病保险暂不支付，由个人负担", head(), yuan(scale.threshold));
        let effect = if p.is_zero() { Effect::Info } else { Effect::Withheld };
        steps.push("critical_illness.threshold", effect, p, text, params);
        return Ok(Money::ZERO);
    }
    let raw = f_after.sub(f_before)?.round();
    let text = || {
        let mut lines = String::new();
        for (i, b) in parts.iter().enumerate() {
            let sep = if i == 0 { "" } else { "；" };
            lines.push_str(&format!("{sep}{}–{} 元 × {} = {} 元", bound(b.from), bound(b.to), b.rate.percent(), exact(b.amount)));
        }
        let over = match ci.bands_from {
            BandsFrom::Threshold => format!("超过起付线 {}的 {}按分段报销", yuan(scale.threshold), yuan(c_after.saturating_sub(scale.threshold))),
            BandsFrom::Zero => format!("起付线 {}以上的部分按分段报销", yuan(scale.threshold)),
        };
        let mut text = format!("{}，{over}：{lines}", head());
        if f_before.0.is_zero() {
            if parts.len() > 1 {
                text.push_str(&format!("，合计 {}", yuan(raw)));
            }
        } else {
            // f_after ≥ f_before (f is monotonic); shown as computed above.
            text.push_str(&format!("，共 {} 元；减去本年此前已按分段计算的 {} 元，本次 {}", exact(f_after), exact(f_before), yuan(raw)));
        }
        text
    };
    steps.push("critical_illness.bands", Effect::Paid, raw, text, params);

    let mut paid = limit(&mut steps, "critical_illness.annual_cap", || "大病保险年度最高支付限额".into(), raw, scale.annual_cap, year.critical_paid, || format!("{}/annual_cap", scale.pointer))?;
    if visit.kind == Kind::AccidentInpatient {
        paid = limit(&mut steps, "critical_illness.accident_annual_cap", || "意外伤害住院大病保险年度最高支付".into(), paid, ci.accident_annual_cap, year.critical_accident_paid, || "/critical_illness/accident_annual_cap".into())?;
        year.critical_accident_paid = year.critical_accident_paid.add(paid)?;
    }
    year.critical_paid = year.critical_paid.add(paid)?;
    // What 大病 leaves of this visit's 合规自付: the part below the threshold and each band's
    // own share (and anything a cap cut, already shown above).
    let left = p.sub(raw.min(p))?;
    if !left.is_zero() {
        steps.push(
            "critical_illness.copayment",
            Effect::Withheld,
            left,
            || format!("本次合规自付 {}中，大病保险未支付的 {}（起付线以下部分和各段自付部分）由个人负担", yuan(p), yuan(left)),
            || vec![format!("{}/threshold", scale.pointer), format!("{}/bands", scale.pointer)],
        );
    }
    Ok(paid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Band;
    use crate::money::Decimal;

    fn m(n: i64) -> Money {
        Money::round(Decimal::new(n, 0))
    }
    fn r(pct: i64) -> Rate {
        Rate::from_decimal(Decimal::new(pct, 2))
    }

    /// examples.md §6: the published Shandong 2014 example, bands measured from zero.
    #[test]
    fn bands_from_zero_shandong_2014() {
        let scale = Scale {
            threshold: m(10_000),
            bands: vec![Band { up_to: Some(m(100_000)), rate: r(50) }, Band { up_to: None, rate: r(60) }],
            annual_cap: None,
            pointer: "/critical_illness",
        };
        let (f, _, parts) = banded(&scale, BandsFrom::Zero, m(170_000), true).unwrap();
        assert_eq!(f.round().to_string(), "87000.00");
        assert_eq!(parts.len(), 2);
        assert_eq!(banded(&scale, BandsFrom::Zero, m(9_000), false).unwrap().0.round().to_string(), "0.00");
        assert_eq!(banded(&scale, BandsFrom::Zero, m(20_000), false).unwrap().0.round().to_string(), "5000.00");
    }

    #[test]
    fn bands_from_threshold_gansu() {
        let scale = Scale {
            threshold: m(5_000),
            bands: vec![
                Band { up_to: Some(m(10_000)), rate: r(60) },
                Band { up_to: Some(m(20_000)), rate: r(65) },
                Band { up_to: Some(m(50_000)), rate: r(70) },
                Band { up_to: Some(m(100_000)), rate: r(75) },
                Band { up_to: None, rate: r(80) },
            ],
            annual_cap: None,
            pointer: "/critical_illness",
        };
        // 合规自付 16,270: base 11,270 → 6,000 + 825.50
        assert_eq!(banded(&scale, BandsFrom::Threshold, m(16_270), false).unwrap().0.round().to_string(), "6825.50");
        // exactly at a band top (inclusive): base 10,000 → 6,000
        assert_eq!(banded(&scale, BandsFrom::Threshold, m(15_000), false).unwrap().0.round().to_string(), "6000.00");
        // all bands: base 150,000 → 6,000 + 6,500 + 21,000 + 37,500 + 40,000
        assert_eq!(banded(&scale, BandsFrom::Threshold, m(155_000), false).unwrap().0.round().to_string(), "111000.00");
    }
}
