//! Exact money and rates.
//!
//! Amounts are yuan held as exact decimals ([`Decimal`]), never floats. A payment is rounded to
//! the fen (0.01 yuan) once, where it is paid, half away from zero (四舍五入), as a settlement
//! slip does (not banker's rounding).

pub use crate::decimal::Decimal;
use std::fmt;

/// The largest amount accepted in input (rules.md: at most 100,000,000 yuan).
pub const MAX_INPUT: Decimal = Decimal::new(100_000_000, 0);

/// An amount of money in yuan. Arithmetic is checked: an overflow is an error value, not a panic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Money(Decimal);

/// A rate in [0, 1] (报销比例).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rate(Decimal);

/// Arithmetic overflowed. Inputs are bounded so this cannot happen in practice; it still has to
/// be an error rather than a panic because panics must never cross the wasm boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

pub type Checked<T> = Result<T, Overflow>;

// `add` and `sub` here are not `std::ops`: they are checked and return a `Result`, because an
// overflow must be an error value, never a panic across the wasm boundary.
#[allow(clippy::should_implement_trait)]
impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Wraps a decimal already known to be a valid amount (parsing checks bounds and scale).
    pub(crate) fn from_decimal(d: Decimal) -> Money {
        Money(d)
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn add(self, other: Money) -> Checked<Money> {
        self.0.checked_add(other.0).map(Money).ok_or(Overflow)
    }

    pub fn sub(self, other: Money) -> Checked<Money> {
        self.0.checked_sub(other.0).map(Money).ok_or(Overflow)
    }

    /// `self − other`, or zero when `other` is larger.
    pub fn saturating_sub(self, other: Money) -> Money {
        self.0.checked_sub(other.0).filter(|d| !d.is_sign_negative()).map_or(Money::ZERO, Money)
    }

    /// The exact (unrounded) product with a rate; round it with [`Money::round`] where it is paid.
    pub fn times(self, rate: Rate) -> Checked<Exact> {
        Exact::from(self).times(rate)
    }

    pub fn min(self, other: Money) -> Money {
        std::cmp::min(self, other)
    }

    /// Rounds to the fen, half away from zero.
    pub fn round(value: Decimal) -> Money {
        Money(value.round_half_away(2))
    }

    /// Smallest of `self` and what is left of an optional cap after `used`.
    /// `None` means no cap.
    pub fn capped(self, cap: Option<Money>, used: Money) -> Money {
        match cap {
            None => self,
            Some(cap) => self.min(cap.saturating_sub(used)),
        }
    }
}

/// A rate shown as a percentage (see [`Rate::percent`]).
#[derive(Clone, Copy, Debug)]
pub struct Percent(Rate);

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A rate is in [0, 1], so × 100 cannot overflow.
        let percent = self.0 .0.checked_mul(Decimal::ONE_HUNDRED).unwrap_or_default();
        write!(f, "{}%", percent.normalize())
    }
}

/// An unrounded intermediate amount (a rate times an amount, a banded sum).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Exact(pub Decimal);

impl From<Money> for Exact {
    fn from(m: Money) -> Exact {
        Exact(m.0)
    }
}

#[allow(clippy::should_implement_trait)] // checked, like Money's
impl Exact {
    pub fn add(self, other: Exact) -> Checked<Exact> {
        self.0.checked_add(other.0).map(Exact).ok_or(Overflow)
    }
    pub fn sub(self, other: Exact) -> Checked<Exact> {
        self.0.checked_sub(other.0).map(Exact).ok_or(Overflow)
    }
    /// The exact product with a rate.
    pub fn times(self, rate: Rate) -> Checked<Exact> {
        self.0.checked_mul(rate.0).map(Exact).ok_or(Overflow)
    }
    /// Rounded to the fen where it is paid.
    pub fn round(self) -> Money {
        Money::round(self.0)
    }
}

impl Rate {
    pub const ONE: Rate = Rate(Decimal::ONE);

    pub(crate) fn from_decimal(d: Decimal) -> Rate {
        Rate(d)
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// `1 − rate`: the co-payment share.
    pub fn complement(self) -> Rate {
        Rate(Decimal::ONE.checked_sub(self.0).unwrap_or_default())
    }

    /// As a percentage for people: 0.6 → "60%", 0.725 → "72.5%", written straight into the text.
    pub fn percent(self) -> Percent {
        Percent(self)
    }
}

impl fmt::Display for Money {
    /// Exactly two decimals, no grouping: the contract's wire form ("28730.00").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.with_scale(2).write(f, false)
    }
}

impl Money {
    /// Two decimals with thousands separators, for explanations: "28,730.00".
    pub fn grouped(self) -> Grouped {
        Grouped(self.0.with_scale(2))
    }
}

/// A decimal written with its own digits and thousands separators (1234567.5 → "1,234,567.5"),
/// straight into the formatter: explanations format many amounts, and allocating a string for
/// each was most of an estimate's time.
#[derive(Clone, Copy, Debug)]
pub struct Grouped(pub Decimal);

impl fmt::Display for Grouped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write(f, true)
    }
}

/// A decimal's own digits with thousands separators, as a string.
pub fn grouped(d: Decimal) -> String {
    Grouped(d).to_string()
}

/// Reads a decimal exactly from its JSON form: a string holding a plain decimal ("0.6", "5000"),
/// or a JSON number, read as the decimal its digits denote (0.6 is 0.6, never 0.59999…; no float
/// on the way). A number may have an exponent, as JavaScript writes very small ones (`1e-7` is
/// 0.0000001); a string may not.
pub fn parse_decimal(value: &crate::json::Value) -> Option<Decimal> {
    match value {
        crate::json::Value::String(s) => parse_decimal_str(s),
        crate::json::Value::Number(n) => {
            // The parser has checked the number's syntax: digits, then maybe `e`, a sign, digits.
            let (digits, exponent) = match n.bytes().position(|b| b == b'e' || b == b'E') {
                Some(i) => (n.get(..i)?, exponent(n.get(i + 1..)?)?),
                None => (n.as_str(), 0),
            };
            shift(parse_decimal_str(digits)?, exponent)
        }
        _ => None,
    }
}

/// An exponent's digits with their sign; `None` beyond four digits (no amount or rate needs one).
fn exponent(text: &str) -> Option<i32> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let n = digits.bytes().try_fold(0i32, |n, b| b.is_ascii_digit().then(|| n * 10 + i32::from(b - b'0')))?;
    Some(if negative { -n } else { n })
}

/// `d × 10^exponent`, exactly: the decimal point moved. `None` beyond 28 decimals or when the
/// units overflow (no amount or rate is anywhere near either).
fn shift(d: Decimal, exponent: i32) -> Option<Decimal> {
    let scale = i64::from(d.scale()) - i64::from(exponent);
    if scale > 28 {
        return None;
    }
    if scale >= 0 {
        return Some(Decimal::from_i128_with_scale(d.mantissa(), scale as u32));
    }
    let factor = 10i128.checked_pow(u32::try_from(-scale).ok()?)?;
    Some(Decimal::from_i128_with_scale(d.mantissa().checked_mul(factor)?, 0))
}

/// Plain decimal text only: optional sign, digits, optional fraction, at most 28 digits (see
/// [`Decimal::parse`]: "1e3", " 5", "1,000" and "" are refused rather than guessed at), and no
/// leading zero: "05000" is most likely a typing slip.
fn parse_decimal_str(s: &str) -> Option<Decimal> {
    let (int, _) = crate::decimal::split_at_point(s.strip_prefix('-').unwrap_or(s));
    if int.len() > 1 && int.starts_with('0') {
        return None;
    }
    Decimal::parse(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(Money::round(Decimal::new(525, 3)).to_string(), "0.53");
        assert_eq!(Money::round(Decimal::new(535, 3)).to_string(), "0.54");
        assert_eq!(Money::round(Decimal::new(5245, 4)).to_string(), "0.52");
    }

    #[test]
    fn prints_two_decimals_and_groups() {
        let m = Money::round(Decimal::new(2873000, 2));
        assert_eq!(m.to_string(), "28730.00");
        assert_eq!(m.grouped().to_string(), "28,730.00");
        assert_eq!(Money::round(Decimal::new(5, 0)).grouped().to_string(), "5.00");
        assert_eq!(Money::round(Decimal::new(123456789, 2)).grouped().to_string(), "1,234,567.89");
        assert_eq!(grouped(Decimal::new(-1234567, 1)), "-123,456.7");
        assert_eq!(grouped(Decimal::new(999, 0)), "999");
        assert_eq!(grouped(Decimal::new(0, 2)), "0.00");
        // Beyond u64 or 19 decimals (a long rate times a large yearly sum): still formatted.
        let long = Decimal::parse("123456789012.3456789876543210").unwrap();
        assert_eq!(grouped(long), "123,456,789,012.3456789876543210");
        let wide = Decimal::parse("0.0000000000000000000012").unwrap();
        assert_eq!(grouped(wide), "0.0000000000000000000012");
        assert_eq!(Money::round(Decimal::new(100000, 0)).grouped().to_string(), "100,000.00");
        // The wire form: no grouping, always two decimals, padded fractions.
        assert_eq!(Money::round(Decimal::new(0, 0)).to_string(), "0.00");
        assert_eq!(Money::round(Decimal::new(7, 2)).to_string(), "0.07");
        assert_eq!(Money::round(Decimal::new(10000000000, 2)).to_string(), "100000000.00");
        assert_eq!(grouped(Decimal::new(i64::MAX, 0)), "9,223,372,036,854,775,807");
        assert_eq!(grouped(Decimal::from_i128_with_scale(18_446_744_073_709_551_615, 19)), "1.8446744073709551615");
    }

    #[test]
    fn parses_strings_and_numbers_exactly() {
        assert_eq!(parse_decimal(&json!("0.60")), Some(Decimal::new(60, 2)));
        assert_eq!(parse_decimal(&json!(0.6)), Some(Decimal::new(6, 1)));
        assert_eq!(parse_decimal(&json!(0.1)), Some(Decimal::new(1, 1)));
        assert_eq!(parse_decimal(&json!(5000)), Some(Decimal::new(5000, 0)));
        assert_eq!(parse_decimal(&json!(1234.57)), Some(Decimal::new(123457, 2)));
        for bad in ["", "1e3", " 5", "1,000", "abc", "1.", ".5", "--1", "+1", "NaN", "05000", "00.5"] {
            assert_eq!(parse_decimal(&json!(bad)), None, "{bad:?}");
        }
        assert_eq!(parse_decimal(&json!(true)), None);
        assert_eq!(parse_decimal(&json!(null)), None);
        // Numbers with an exponent, as JavaScript writes very small and very large ones.
        let number = |t: &str| parse_decimal(&crate::json::parse(t).unwrap()).map(|d| d.normalize().to_string());
        for (text, want) in [("1e3", Some("1000")), ("1E+3", Some("1000")), ("1.5e-7", Some("0.00000015")), ("-2.50e1", Some("-25")), ("7e0", Some("7"))] {
            assert_eq!(number(text).as_deref(), want, "{text}");
        }
        for text in ["1e-40", "1e999999999999", "9e40"] {
            assert_eq!(number(text), None, "{text}");
        }
    }

    #[test]
    fn percent_is_readable() {
        assert_eq!(Rate(Decimal::new(60, 2)).percent().to_string(), "60%");
        assert_eq!(Rate(Decimal::new(725, 3)).percent().to_string(), "72.5%");
        assert_eq!(Rate(Decimal::ONE).percent().to_string(), "100%");
        assert_eq!(Rate(Decimal::ZERO).percent().to_string(), "0%");
    }
}

