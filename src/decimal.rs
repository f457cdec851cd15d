//! Exact decimal numbers: an integer count of units of 10^-scale, the representation
//! `rust_decimal` uses, with only the operations money and rates need here.
//!
//! Why not `rust_decimal` itself: it was a sixth of the WebAssembly module (its parser alone is
//! monomorphised eight ways), and the budget is 64 KiB. Everything below is checked integer
//! arithmetic on an `i128`; the tests compare it with `rust_decimal` on random values.

use std::cmp::Ordering;
use std::fmt;

/// `units × 10^-scale`. Equality and order are by value: 1.5 == 1.50.
#[derive(Clone, Copy, Debug, Default)]
pub struct Decimal {
    units: i128,
    scale: u32,
}

/// The most decimals a product may have (two numbers of 28 digits each): beyond, it is refused
/// as an overflow rather than rounded, so that a payment is rounded once, to the fen.
const MAX_SCALE: u32 = 56;

/// 10^n, when it fits.
fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// Plain decimal text split at its point: "12.50" → ("12", Some("50")).
pub fn split_at_point(text: &str) -> (&str, Option<&str>) {
    match text.bytes().position(|b| b == b'.') {
        Some(i) => (text.get(..i).unwrap_or_default(), text.get(i + 1..)),
        None => (text, None),
    }
}

/// `n / 10` and `n % 10` in 64-bit steps. A 128-bit division is a library routine of a kilobyte in
/// WebAssembly; dividing by ten digit by digit is all that values beyond 64 bits need here.
fn div10(n: u128) -> (u128, u8) {
    let (hi, lo) = ((n >> 64) as u64, n as u64);
    let (q_hi, r) = (hi / 10, hi % 10);
    let cur = (r << 32) | (lo >> 32);
    let (q_mid, r) = (cur / 10, cur % 10);
    let cur = (r << 32) | (lo & 0xffff_ffff);
    let (q_lo, r) = (cur / 10, cur % 10);
    ((u128::from(q_hi) << 64) | u128::from((q_mid << 32) | q_lo), r as u8)
}

/// `n` divided by 10^k, toward zero, with the most significant digit dropped (0 when k is 0).
fn drop_digits(mut n: u128, k: u32) -> (u128, u8) {
    let mut last = 0;
    for _ in 0..k {
        if n == 0 {
            return (0, 0);
        }
        (n, last) = div10(n);
    }
    (n, last)
}

/// Magnitude and sign back into units (the magnitude came from a valid `i128`, or one more).
fn signed(magnitude: u128, negative: bool) -> i128 {
    let m = i128::try_from(magnitude).unwrap_or(i128::MAX);
    if negative {
        -m
    } else {
        m
    }
}

impl Decimal {
    pub const ZERO: Decimal = Decimal { units: 0, scale: 0 };
    pub const ONE: Decimal = Decimal { units: 1, scale: 0 };
    pub const ONE_HUNDRED: Decimal = Decimal { units: 100, scale: 0 };

    /// `units × 10^-scale`.
    pub const fn new(units: i64, scale: u32) -> Decimal {
        Decimal { units: units as i128, scale }
    }

    pub const fn from_i128_with_scale(units: i128, scale: u32) -> Decimal {
        Decimal { units, scale }
    }

    /// Plain decimal text: an optional `-`, digits, and optionally `.` and digits; at most 28
    /// digits in all. Anything else is `None` (the caller says what is allowed).
    pub fn parse(s: &str) -> Option<Decimal> {
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = split_at_point(body);
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || frac.is_some_and(|f| !digits(f)) || int.len() + frac.map_or(0, str::len) > 28 {
            return None;
        }
        let units = int.bytes().chain(frac.unwrap_or("").bytes()).fold(0i128, |n, b| n * 10 + i128::from(b - b'0'));
        let scale = frac.map_or(0, str::len) as u32;
        Some(Decimal { units: if negative { -units } else { units }, scale })
    }

    pub fn mantissa(self) -> i128 {
        self.units
    }

    pub fn scale(self) -> u32 {
        self.scale
    }

    pub fn is_zero(self) -> bool {
        self.units == 0
    }

    pub fn is_sign_negative(self) -> bool {
        self.units < 0
    }

    /// Both as units of the finer scale, or `None` when that does not fit.
    fn aligned(self, other: Decimal) -> Option<(i128, i128, u32)> {
        let scale = self.scale.max(other.scale);
        Some((self.scaled_up(scale - self.scale)?, other.scaled_up(scale - other.scale)?, scale))
    }

    /// The units × 10^k. Amounts and rates are small, and a checked 128-bit product is a slow
    /// library call in WebAssembly, so the common cases take none.
    fn scaled_up(self, k: u32) -> Option<i128> {
        if k == 0 {
            return Some(self.units);
        }
        if let (Ok(u), true) = (i64::try_from(self.units), k <= 9) {
            // |u| < 2^63 and 10^k ≤ 10^9: the product fits in 128 bits unchecked.
            return Some(i128::from(u) * i128::from(10i64.pow(k)));
        }
        self.units.checked_mul(pow10(k)?)
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Decimal { units: a.checked_add(b)?, scale })
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Decimal { units: a.checked_sub(b)?, scale })
    }

    /// The exact product, never rounded (`None` when it does not fit).
    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.checked_add(other.scale).filter(|s| *s <= MAX_SCALE)?;
        Some(Decimal { units: self.units.checked_mul(other.units)?, scale })
    }

    /// Rounded to `dp` decimals, half away from zero (四舍五入); unchanged when it has no more.
    pub fn round_half_away(self, dp: u32) -> Decimal {
        if self.scale <= dp {
            return self;
        }
        let k = self.scale - dp;
        // Money and rates fit 64 bits: one 64-bit division.
        if let (Ok(u), Some(p)) = (i64::try_from(self.units), 10i64.checked_pow(k)) {
            let (q, r) = (u / p, u % p);
            let away = if r.unsigned_abs() * 2 >= p.unsigned_abs() { u.signum() } else { 0 };
            return Decimal { units: i128::from(q + away), scale: dp };
        }
        // Otherwise digit by digit: the rest is at least half of 10^k exactly when the most
        // significant dropped digit is 5 or more.
        let (q, dropped) = drop_digits(self.units.unsigned_abs(), k);
        let q = if dropped >= 5 { q + 1 } else { q };
        Decimal { units: signed(q, self.units < 0), scale: dp }
    }

    /// The same value with exactly `scale` decimals: zeros added, or rounded half away from zero.
    pub fn with_scale(self, scale: u32) -> Decimal {
        if scale < self.scale {
            return self.round_half_away(scale);
        }
        match pow10(scale - self.scale).and_then(|p| self.units.checked_mul(p)) {
            Some(units) => Decimal { units, scale },
            None => self,
        }
    }

    /// Without trailing zeros in the decimals (1.50 → 1.5, 2.00 → 2).
    pub fn normalize(self) -> Decimal {
        let mut d = self;
        // In 64 bits when the units fit (see `round_half_away`).
        if let Ok(mut u) = i64::try_from(d.units) {
            while d.scale > 0 && u % 10 == 0 {
                u /= 10;
                d.scale -= 1;
            }
            d.units = i128::from(u);
        }
        let mut m = d.units.unsigned_abs();
        while d.scale > 0 {
            let (q, r) = div10(m);
            if r != 0 {
                break;
            }
            m = q;
            d.scale -= 1;
        }
        d.units = signed(m, d.units < 0);
        if d.units == 0 {
            d.scale = 0;
        }
        d
    }

    /// The integer part (toward zero).
    pub fn trunc(self) -> Decimal {
        let (q, _) = drop_digits(self.units.unsigned_abs(), self.scale);
        Decimal { units: signed(q, self.units < 0), scale: 0 }
    }

    pub fn is_integer(self) -> bool {
        let mut m = self.units.unsigned_abs();
        for _ in 0..self.scale {
            let (q, r) = div10(m);
            if r != 0 {
                return false;
            }
            m = q;
        }
        true
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Decimal) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        match self.aligned(*other) {
            Some((a, b, _)) => a.cmp(&b),
            // Different signs (or a zero) decide by sign alone.
            None if self.units.signum() != other.units.signum() => self.units.signum().cmp(&other.units.signum()),
            // Scaling one side up overflowed, so that side is larger in magnitude than anything
            // the other can hold: its sign decides.
            None if self.scale < other.scale => self.units.cmp(&0),
            None => 0.cmp(&other.units),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Decimal {
    /// Writes the value with every decimal its scale has, and a comma every three integer digits
    /// when `grouped` ("-1,234,567.50"). Amounts of every result and explanation pass here, so
    /// the digits are produced with 64-bit divisions while they fit (see [`div10`]).
    pub fn write(self, f: &mut fmt::Formatter<'_>, grouped: bool) -> fmt::Result {
        // The digits of the units, least significant first (at most 39); zeros beyond them.
        let mut digits = [b'0'; 39];
        let mut len = 0;
        let mut n = self.units.unsigned_abs();
        loop {
            let (q, r) = match u64::try_from(n) {
                Ok(m) => (u128::from(m / 10), (m % 10) as u8),
                Err(_) => div10(n),
            };
            digits[len] = b'0' + r;
            len += 1;
            n = q;
            if n == 0 {
                break;
            }
        }
        // Digit `i` counted from the least significant; zeros beyond the units ("0.05").
        let digit = |i: usize| digits.get(i).copied().unwrap_or(b'0');
        let scale = self.scale as usize;

        // The integer part, right to left with its commas (39 digits and 12 commas at most).
        let mut int = [0u8; 51];
        let mut at = int.len();
        for k in 0..len.saturating_sub(scale).max(1) {
            if grouped && k > 0 && k % 3 == 0 {
                at -= 1;
                int[at] = b',';
            }
            at -= 1;
            int[at] = digit(scale + k);
        }
        if self.units < 0 {
            f.write_str("-")?;
        }
        f.write_str(std::str::from_utf8(&int[at..]).unwrap_or_default())?;
        if scale == 0 {
            return Ok(());
        }
        // The decimals, most significant first, in pieces (a scale may exceed any buffer).
        f.write_str(".")?;
        let mut piece = [0u8; 32];
        let mut remaining = scale;
        while remaining > 0 {
            let n = remaining.min(piece.len());
            for (j, slot) in piece.iter_mut().take(n).enumerate() {
                *slot = digit(remaining - 1 - j);
            }
            f.write_str(std::str::from_utf8(&piece[..n]).unwrap_or_default())?;
            remaining -= n;
        }
        Ok(())
    }
}

/// All its decimals, no grouping: "-1234.50".
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn divides_by_ten_beyond_64_bits() {
        for n in [0u128, 9, 10, u128::from(u64::MAX), u128::from(u64::MAX) + 1, 10u128.pow(38) + 7, u128::MAX] {
            assert_eq!(div10(n), (n / 10, (n % 10) as u8), "{n}");
        }
        assert_eq!(drop_digits(123_456, 3), (123, 4));
        assert_eq!(drop_digits(5, 40), (0, 0));
        // Rounding beyond 64 bits takes the digit-by-digit path.
        let big = Decimal::from_i128_with_scale(-1_234_567_890_123_456_789_012_345_675, 1);
        assert_eq!(big.round_half_away(0).to_string(), "-123456789012345678901234568");
        assert_eq!(Decimal::from_i128_with_scale(15, 40).round_half_away(39).to_string(), format!("0.{}2", "0".repeat(38)));
        assert!(Decimal::from_i128_with_scale(10i128.pow(30), 30).is_integer());
        assert_eq!(Decimal::from_i128_with_scale(-(10i128.pow(30)) - 5, 30).trunc().to_string(), "-1");
        assert_eq!(Decimal::from_i128_with_scale(10i128.pow(30), 30).normalize().to_string(), "1");
    }

    #[test]
    fn parses_plain_decimals_only() {
        assert_eq!((d("1234.50").units, d("1234.50").scale), (123450, 2));
        assert_eq!(d("-0.001").units, -1);
        assert_eq!(d("9999999999999999999999999999").units, 9_999_999_999_999_999_999_999_999_999);
        for bad in ["", "-", "1.", ".5", "1e3", "+1", " 1", "1,0", "99999999999999999999999999999", "0x10"] {
            assert_eq!(Decimal::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn prints_every_decimal_it_has() {
        for s in ["0", "0.00", "-0.05", "1234.50", "100000000", "0.000000000000000000000000001", "-7922816251426433759354395033"] {
            assert_eq!(d(s).to_string(), s);
        }
        assert_eq!(Decimal::from_i128_with_scale(i128::MIN + 1, 0).to_string(), (i128::MIN + 1).to_string());
        assert_eq!(Decimal::from_i128_with_scale(i128::MIN, 0).to_string(), i128::MIN.to_string());
        assert_eq!(Decimal::from_i128_with_scale(1, 80).to_string(), format!("0.{}1", "0".repeat(79)));
    }

    #[test]
    fn equal_and_ordered_by_value() {
        assert_eq!(d("1.5"), d("1.50"));
        assert!(d("0.9999") < d("1"));
        assert!(d("-2") < d("-1.99"));
        // Alignment overflows: the finer side cannot hold the coarser one scaled up.
        let huge = Decimal::from_i128_with_scale(10i128.pow(37), 0);
        let fine = Decimal::from_i128_with_scale(1, 30);
        assert!(huge > fine);
        assert!(fine < huge);
        // Zero against a value too fine to align with it: still by sign.
        let tiny = Decimal::from_i128_with_scale(1, 40);
        assert!(Decimal::ZERO < tiny && Decimal::ZERO != tiny);
        assert!(Decimal::ZERO > Decimal::from_i128_with_scale(-1, 40));
        assert!(Decimal::from_i128_with_scale(-(10i128.pow(37)), 0) < fine);
    }

    #[test]
    fn products_are_exact_or_refused_never_rounded() {
        // 0.05 × a rate just under 0.1: 0.00499…95 must stay below half a fen.
        let p = d("0.05").checked_mul(d("0.099999999999999999999999999")).unwrap();
        assert_eq!(p.to_string(), "0.00499999999999999999999999995");
        assert_eq!(p.round_half_away(2).to_string(), "0.00");
        assert_eq!(Decimal::from_i128_with_scale(1, u32::MAX).checked_mul(d("0.1")), None);
        assert_eq!(Decimal::from_i128_with_scale(1, 30).checked_mul(Decimal::from_i128_with_scale(1, 30)), None);
        assert_eq!(Decimal::from_i128_with_scale(i128::MAX, 0).checked_mul(d("2")), None);
    }

    #[test]
    fn rounds_half_away_from_zero() {
        for (x, dp, want) in [("0.525", 2, "0.53"), ("0.535", 2, "0.54"), ("0.5245", 2, "0.52"), ("-0.525", 2, "-0.53"), ("2.5", 0, "3"), ("1.2", 2, "1.2")] {
            assert_eq!(d(x).round_half_away(dp).to_string(), want, "{x}");
        }
        assert_eq!(d("5").with_scale(2).to_string(), "5.00");
        assert_eq!(d("1.005").with_scale(2).to_string(), "1.01");
        assert_eq!(d("1.500").normalize().to_string(), "1.5");
        assert_eq!(d("0.000").normalize().to_string(), "0");
        assert_eq!(d("-12.75").trunc().to_string(), "-12");
        assert!(d("3.00").is_integer() && !d("3.01").is_integer());
    }

    /// The same results as `rust_decimal` for the operations the engine uses, on random values
    /// of the sizes amounts and rates have (and somewhat beyond).
    #[cfg(not(target_arch = "wasm32"))]
    mod against_rust_decimal {
        use super::super::Decimal;
        use proptest::prelude::*;
        use rust_decimal::{Decimal as Rd, RoundingStrategy};

        fn both(units: i64, scale: u32) -> (Decimal, Rd) {
            (Decimal::new(units, scale), Rd::new(units, scale))
        }

        proptest! {
            #[test]
            // Magnitudes where rust_decimal's 96 bits hold every result exactly (beyond them it
            // rounds, where this type stays exact up to 128 bits).
            fn arithmetic_order_rounding_and_text_agree(a in -10_000_000_000_000_000i64..10_000_000_000_000_000, sa in 0u32..12, b in -10_000_000_000i64..10_000_000_000, sb in 0u32..12, dp in 0u32..6) {
                let ((x, rx), (y, ry)) = (both(a, sa), both(b, sb));
                prop_assert_eq!(x.to_string(), rx.to_string());
                prop_assert_eq!(x.cmp(&y), rx.cmp(&ry));
                prop_assert_eq!(x == y, rx == ry);
                // Sums agree in value (rust_decimal keeps the other's scale when one side is zero;
                // here a sum always has the finer scale).
                prop_assert_eq!(x.checked_add(y).map(|v| v.normalize().to_string()), rx.checked_add(ry).map(|v| v.normalize().to_string()));
                prop_assert_eq!(x.checked_sub(y).map(|v| v.normalize().to_string()), rx.checked_sub(ry).map(|v| v.normalize().to_string()));
                prop_assert_eq!(x.checked_add(y).map(|v| v.scale()), Some(sa.max(sb)));
                prop_assert_eq!(x.checked_mul(y).map(|v| v.to_string()), rx.checked_mul(ry).map(|v| v.to_string()));
                prop_assert_eq!(x.round_half_away(dp).to_string(), rx.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero).to_string());
                prop_assert_eq!(x.normalize().to_string(), rx.normalize().to_string());
                prop_assert_eq!(x.trunc().to_string(), rx.trunc().to_string());
                prop_assert_eq!(x.is_integer(), rx.fract().is_zero());
                let text = rx.to_string();
                prop_assert_eq!(Decimal::parse(&text).map(|v| v.to_string()), Some(text));
            }
        }
    }
}
