//! Exact numbers from JSON: an amount or a rate written as a string ("0.6") or as a JSON number
//! (0.6), read as the decimal its digits denote, never through a float.

use crate::money::Decimal;
use serde_json::Value;

/// Reads a decimal exactly from its JSON form: a string holding a plain decimal ("0.6", "5000"),
/// or a JSON number, read as the decimal its digits denote (0.6 is 0.6, never 0.59999…; no float
/// on the way). A number may have an exponent, as JavaScript writes very small ones (`1e-7` is
/// 0.0000001); a string may not.
///
/// The digits are read here rather than by `Decimal::from_str`, which accepts more than an amount
/// may be ("1_000", "+5", ".5"): after these checks what is left is a count of units and a scale.
pub fn parse_decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::String(s) => parse_decimal_str(s),
        Value::Number(n) => parse_decimal_number(n.as_str()),
        _ => None,
    }
}

/// A decimal written as text (a JSON string's content, a CSV cell): see [`parse_decimal`].
pub fn parse_decimal_text(s: &str) -> Option<Decimal> {
    parse_decimal_str(s)
}

/// A JSON number's digits, as serde_json has checked their syntax (digits, then maybe `e`, a
/// sign, digits): see [`parse_decimal`].
pub fn parse_decimal_number(n: &str) -> Option<Decimal> {
    match n.bytes().position(|b| b == b'e' || b == b'E') {
        Some(i) => shift(parse_decimal_str(n.get(..i)?)?, exponent(n.get(i + 1..)?)?),
        None => parse_decimal_str(n),
    }
}

/// An exponent's digits with their sign; `None` beyond four digits (no amount or rate needs one).
fn exponent(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    Some(if negative { -n } else { n })
}

/// `d × 10^exponent`, exactly: the decimal point moved. `None` beyond 28 decimals or 96 bits.
fn shift(d: Decimal, exponent: i64) -> Option<Decimal> {
    let scale = i64::from(d.scale()) - exponent;
    if scale > i64::from(Decimal::MAX_SCALE) {
        return None;
    }
    if scale >= 0 {
        return Decimal::try_from_i128_with_scale(d.mantissa(), u32::try_from(scale).ok()?).ok();
    }
    let factor = 10i128.checked_pow(u32::try_from(-scale).ok()?)?;
    Decimal::try_from_i128_with_scale(d.mantissa().checked_mul(factor)?, 0).ok()
}

/// Plain decimal text only: optional minus, digits, optional fraction, at most 28 digits besides
/// a leading "0." ("1e3", " 5", "1,000", "1_000", "+1", ".5" and "" are refused rather than
/// guessed at), and no leading zero: "05000" is most likely a typing slip.
fn parse_decimal_str(s: &str) -> Option<Decimal> {
    let (negative, unsigned) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = match unsigned.split_once('.') {
        Some((int, frac)) => (int, frac),
        None => (unsigned, ""),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (unsigned.contains('.') && frac.is_empty()) {
        return None;
    }
    // A leading zero is refused ("05000"); "0.…" counts only the decimals.
    let significant = if int == "0" { 0 } else { int.len() };
    if (int.len() > 1 && int.starts_with('0')) || significant + frac.len() > 28 {
        return None;
    }
    // At most 28 digits: the units fit an i128 (and a Decimal's 96 bits) with room to spare.
    let units = int.bytes().chain(frac.bytes()).fold(0i128, |n, b| n * 10 + i128::from(b - b'0'));
    let scale = u32::try_from(frac.len()).ok()?;
    Decimal::try_from_i128_with_scale(if negative { -units } else { units }, scale).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        let number = |t: &str| parse_decimal(&crate::input::parse(t).unwrap()).map(|d| d.normalize().to_string());
        for (text, want) in [("1e3", Some("1000")), ("1E+3", Some("1000")), ("1.5e-7", Some("0.00000015")), ("-2.50e1", Some("-25")), ("7e0", Some("7"))] {
            assert_eq!(number(text).as_deref(), want, "{text}");
        }
        for text in ["1e-40", "1e999999999999", "9e40"] {
            assert_eq!(number(text), None, "{text}");
        }
    }

    #[test]
    fn long_rates_are_read_to_28_decimals() {
        assert!(parse_decimal(&json!("0.1234567890123456789012345678")).is_some());
        assert!(parse_decimal(&json!("0.12345678901234567890123456789")).is_none());
        assert!(parse_decimal(&json!("1.234567890123456789012345678")).is_some());
        assert!(parse_decimal(&json!("1.2345678901234567890123456789")).is_none());
    }
}
