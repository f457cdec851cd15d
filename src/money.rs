//! Exact money and rates: a thin domain layer over `rust_decimal`.
//!
//! Amounts are yuan held as exact decimals, never floats. A payment is rounded to the fen (0.01
//! yuan) once, where it is paid, half away from zero (四舍五入), as a settlement slip does:
//! `RoundingStrategy::MidpointAwayFromZero`, never `round_dp`, which is banker's rounding.

pub use rust_decimal::Decimal;
use rust_decimal::RoundingStrategy;
use serde::{Serialize, Serializer};
use std::fmt;

/// The largest amount accepted in input (rules.md: at most 100,000,000 yuan).
pub const MAX_INPUT: Decimal = Decimal::from_parts(100_000_000, 0, 0, false, 0);

/// The largest amount a settlement case may give (a fund's yearly budget for a county alliance
/// can pass a resident's 100,000,000): 100,000,000,000 yuan.
pub const MAX_FUND: Decimal = Decimal::from_parts(1_215_752_192, 23, 0, false, 0);

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
        Money(value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
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
    /// The product with a rate, exact wherever a `Decimal` holds it (28 decimals, 96 bits): that
    /// is every product of an amount with a rate of up to about 16 decimals.
    ///
    /// A longer product (a rate written with 27 decimals) is cut toward zero to what fits, never
    /// rounded: a single product cut at three decimals or more and then rounded half away to the
    /// fen gives what rounding the exact product would, whereas a first rounding at the 28th
    /// decimal could carry 0.00499…95 up to 0.005 and pay a fen that is not due. (A sum of cut
    /// products can differ from the exact sum by about 10⁻²⁸ yuan per term, which moves a fen
    /// only for a sum that lies that close to half a fen.)
    pub fn times(self, rate: Rate) -> Checked<Exact> {
        let (a, r) = (self.0, rate.0);
        let scale = a.scale() + r.scale();
        if let Some(p) = a.checked_mul(r).filter(|p| p.scale() == scale || p.is_zero()) {
            return Ok(Exact(p));
        }
        // A product of more than 128 bits of units (a year's sum at a rate of 28 digits): the
        // rate's last digits are cut first. What that drops is the amount × 10⁻²⁴ or so: below
        // 10⁻¹¹ yuan for the largest sum a case can have (10,000 visits of 100,000,000 yuan).
        let (mut r_units, mut r_scale) = (r.mantissa(), r.scale());
        let mut units = loop {
            match a.mantissa().checked_mul(r_units) {
                Some(units) => break units,
                None if r_scale > 0 => (r_units, r_scale) = (r_units / 10, r_scale - 1),
                None => return Err(Overflow),
            }
        };
        let mut scale = a.scale() + r_scale;
        loop {
            // Refused beyond 28 decimals or 96 bits: drop a digit and try again.
            if let Ok(d) = Decimal::try_from_i128_with_scale(units, scale) {
                return Ok(Exact(d));
            }
            if scale <= 3 {
                return Err(Overflow);
            }
            units /= 10;
            scale -= 1;
        }
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
        f.write_str(&digits(self.fen(), 2))
    }
}

/// A decimal's digits with at least `min_scale` decimals, as `Decimal`'s `Display` writes them.
///
/// In 64-bit integers, written by `itoa`, when the units fit, which is every amount: `Decimal`'s
/// own formatting divides 96-bit numbers digit by digit and `format!`'s padding is slow too, and
/// in the browser these were a tenth of an estimate's time (Chromium's profiler): an estimate
/// writes dozens of amounts into its steps and its result.
fn digits(d: Decimal, min_scale: u32) -> String {
    let scale = d.scale().max(min_scale);
    let units = i64::try_from(d.mantissa())
        .ok()
        .zip(10i64.checked_pow(scale - d.scale()))
        .and_then(|(u, p)| u.checked_mul(p))
        .zip(10u64.checked_pow(scale));
    let Some((units, p)) = units else {
        return format!("{d:.prec$}", prec = scale as usize);
    };
    let (a, mut out) = (units.unsigned_abs(), String::with_capacity(24));
    if units < 0 {
        out.push('-');
    }
    // In 32 bits where they fit (every amount below 42,949,673 yuan): WebAssembly divides 64-bit
    // numbers by a constant through a 128-bit multiplication done in software.
    let (int, mut buffer) = (a / p, itoa::Buffer::new());
    out.push_str(match u32::try_from(int) {
        Ok(small) => buffer.format(small),
        Err(_) => buffer.format(int),
    });
    if scale > 0 {
        let frac = a % p;
        let frac = match u32::try_from(frac) {
            Ok(small) => buffer.format(small),
            Err(_) => buffer.format(frac),
        };
        out.push('.');
        out.extend(std::iter::repeat_n('0', scale as usize - frac.len()));
        out.push_str(frac);
    }
    out
}

/// Amounts leave the engine as strings with two decimals, never as JSON numbers.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&digits(self.fen(), 2))
    }
}

impl Money {
    /// Two decimals with thousands separators, for explanations: "28,730.00".
    pub fn grouped(self) -> Grouped {
        Grouped { value: self.fen(), min_scale: 2 }
    }

    /// The amount as a whole number of fen (分): exact, since an amount has at most two decimals.
    /// For tallies of millions of amounts in plain integers (`yibao batch`'s summary); `None`
    /// only beyond ±9.2 × 10¹⁶ yuan, which no amount comes near.
    pub fn in_fen(self) -> Option<i64> {
        let d = self.fen();
        let units = d.mantissa().checked_mul(10i128.checked_pow(2u32.checked_sub(d.scale())?)?)?;
        i64::try_from(units).ok()
    }

    /// The amount with at most two decimals: an input may write "1.230", which is 1.23.
    fn fen(self) -> Decimal {
        if self.0.scale() > 2 {
            self.0.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        } else {
            self.0
        }
    }
}

/// A decimal written with its own digits (at least `min_scale` decimals) and thousands
/// separators (1234567.5 → "1,234,567.5").
#[derive(Clone, Copy, Debug)]
pub struct Grouped {
    pub value: Decimal,
    pub min_scale: u32,
}

impl Grouped {
    pub fn of(value: Decimal) -> Grouped {
        Grouped { value, min_scale: 0 }
    }
}

impl fmt::Display for Grouped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = digits(self.value, self.min_scale);
        let (sign, unsigned) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", text.as_str()),
        };
        let (int, frac) = unsigned.split_at(unsigned.find('.').unwrap_or(unsigned.len()));
        f.write_str(sign)?;
        // The integer digits in groups of three, the first group as long as what is left over.
        let first = match int.len() % 3 {
            0 => 3.min(int.len()),
            n => n,
        };
        f.write_str(int.get(..first).unwrap_or_default())?;
        let mut at = first;
        while let Some(group) = int.get(at..at + 3) {
            f.write_str(",")?;
            f.write_str(group)?;
            at += 3;
        }
        f.write_str(frac)
    }
}

/// A decimal's own digits with thousands separators, as a string.
pub fn grouped(d: Decimal) -> String {
    Grouped::of(d).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let long = Decimal::from_str_exact("123456789012.3456789876543210").unwrap();
        assert_eq!(grouped(long), "123,456,789,012.3456789876543210");
        let wide = Decimal::from_str_exact("0.0000000000000000000012").unwrap();
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
    fn long_rates_on_large_sums_cut_digits_never_fail() {
        let rate = Rate(Decimal::from_str_exact("0.9999999999999999999999999999").unwrap());
        let year = Money(Decimal::new(30_000_000_000, 2)); // 300,000,000.00 yuan
        assert_eq!(year.times(rate).unwrap().round().to_string(), "300000000.00");
        // Exact where a Decimal holds the product: 0.05 × 0.099…9 (27 decimals) is under half a fen.
        let rate = Rate(Decimal::from_str_exact("0.099999999999999999999999999").unwrap());
        assert_eq!(Money(Decimal::new(5, 2)).times(rate).unwrap().round().to_string(), "0.00");
    }

    #[test]
    fn percent_is_readable() {
        assert_eq!(Rate(Decimal::new(60, 2)).percent().to_string(), "60%");
        assert_eq!(Rate(Decimal::new(725, 3)).percent().to_string(), "72.5%");
        assert_eq!(Rate(Decimal::ONE).percent().to_string(), "100%");
        assert_eq!(Rate(Decimal::ZERO).percent().to_string(), "0%");
    }
}

