//! Reading JSON input field by field, so that every fault names its field's path and says what
//! is allowed. Used for both cases (dotted paths) and policy packs (JSON Pointers).

use super::number::parse_decimal;
use super::{Map, Value};
use crate::error::{Error, Path, PathStyle};
use crate::money::{Decimal, Money, Rate, MAX_INPUT};
use crate::vocabulary::Vocabulary;

/// What a field is called, in Chinese and English ("起付线", "deductible").
pub type Label = (&'static str, &'static str);

/// A JSON object being read, with the path it sits at.
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: Path,
    style: PathStyle,
}

impl<'a> Obj<'a> {
    /// Reads `value` as an object whose keys must all be in `allowed` (so typos are caught).
    pub fn new(value: &'a Value, path: Path, style: PathStyle, allowed: &[&str]) -> Result<Obj<'a>, Error> {
        let Value::Object(map) = value else {
            return Err(Error::new(
                "invalid_type",
                path.render(style),
                "此处应为一个对象（{…}）",
                "expected a JSON object",
            ));
        };
        if let Some(key) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(Error::new(
                "unknown_field",
                path.key(key).render(style),
                format_args!("不认识的字段“{key}”，可用的字段：{}", allowed.join("、")),
                format_args!("unknown field \"{key}\"; allowed: {}", allowed.join(", ")),
            ));
        }
        Ok(Obj { map, path, style })
    }

    pub fn at(&self, key: &str) -> String {
        self.path.key(key).render(self.style)
    }

    /// The value of `key`; an explicit `null` counts as absent.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Whether `key` is written at all, even as `null` (which then says something: "no cap").
    pub fn present(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    pub fn required(&self, key: &str, label: Label) -> Result<&'a Value, Error> {
        self.get(key).ok_or_else(|| {
            Error::new(
                "missing_field",
                self.at(key),
                format_args!("缺少{}（{key}）", label.0),
                format_args!("{} ({key}) is required", label.1),
            )
        })
    }

    pub fn obj(&self, key: &str, label: Label, allowed: &[&str]) -> Result<Obj<'a>, Error> {
        Obj::new(self.required(key, label)?, self.path.key(key), self.style, allowed)
    }

    pub fn opt_obj(&self, key: &str, allowed: &[&str]) -> Result<Option<Obj<'a>>, Error> {
        self.get(key).map(|v| Obj::new(v, self.path.key(key), self.style, allowed)).transpose()
    }

    pub fn str(&self, key: &str, label: Label) -> Result<&'a str, Error> {
        let v = self.required(key, label)?;
        as_str(v, &self.path.key(key), self.style, label)
    }

    pub fn opt_str(&self, key: &str, label: Label) -> Result<Option<&'a str>, Error> {
        self.get(key).map(|v| as_str(v, &self.path.key(key), self.style, label)).transpose()
    }

    pub fn amount(&self, key: &str, label: Label) -> Result<Money, Error> {
        amount(self.required(key, label)?, &self.path.key(key), self.style, label)
    }

    pub fn opt_amount(&self, key: &str, label: Label) -> Result<Option<Money>, Error> {
        self.get(key).map(|v| amount(v, &self.path.key(key), self.style, label)).transpose()
    }

    pub fn rate(&self, key: &str, label: Label) -> Result<Rate, Error> {
        rate(self.required(key, label)?, &self.path.key(key), self.style, label)
    }

    pub fn opt_rate(&self, key: &str, label: Label) -> Result<Option<Rate>, Error> {
        self.get(key).map(|v| rate(v, &self.path.key(key), self.style, label)).transpose()
    }

    /// An amount of at most `max` yuan, if given (see [`amount_up_to`]).
    pub fn opt_amount_up_to(&self, key: &str, label: Label, max: Decimal) -> Result<Option<Money>, Error> {
        self.get(key).map(|v| amount_up_to(v, &self.path.key(key), self.style, label, max)).transpose()
    }

    /// The path of a member, for errors about it that are found later.
    pub fn path_of(&self, key: &str) -> Path {
        self.path.key(key)
    }

    pub fn vocab<V: Vocabulary>(&self, key: &str) -> Result<V, Error> {
        let v = self.required(key, V::WHAT)?;
        vocab(v, &self.path.key(key), self.style)
    }

    pub fn opt_vocab<V: Vocabulary>(&self, key: &str) -> Result<Option<V>, Error> {
        self.get(key).map(|v| vocab(v, &self.path.key(key), self.style)).transpose()
    }

    /// The entries of an array, each with its path.
    pub fn array(&self, key: &str, label: Label) -> Result<Vec<(Path, &'a Value)>, Error> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                Ok(items.iter().enumerate().map(|(i, v)| (self.path.key(key).index(i), v)).collect())
            }
            Some(_) => Err(Error::new(
                "invalid_type",
                self.at(key),
                format_args!("{}应为一个列表（[…]）", label.0),
                format_args!("{} must be a JSON array", label.1),
            )),
        }
    }

    /// Like [`Obj::array`], but the array must be there (it may be empty).
    pub fn required_array(&self, key: &str, label: Label) -> Result<Vec<(Path, &'a Value)>, Error> {
        self.required(key, label)?;
        self.array(key, label)
    }

    /// A whole number from 0 to `max` (a JSON integer, or its digits as a string), if given.
    pub fn opt_whole(&self, key: &str, label: Label, max: u64) -> Result<Option<u64>, Error> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let n = crate::input::number::parse_decimal(v).filter(|d| d.is_integer() && !d.is_sign_negative() && *d <= Decimal::from(max));
        match n.and_then(|d| u64::try_from(d.normalize().mantissa()).ok()) {
            Some(n) => Ok(Some(n)),
            None => Err(Error::new(
                "invalid_value",
                self.at(key),
                format_args!("{}必须是 0 到 {max} 之间的整数", label.0),
                format_args!("{} must be a whole number from 0 to {max}", label.1),
            )),
        }
    }

    /// A string that must be there and not be blank.
    pub fn text(&self, key: &str, label: Label) -> Result<&'a str, Error> {
        let s = self.str(key, label)?;
        if s.trim().is_empty() {
            return Err(Error::new(
                "missing_field",
                self.at(key),
                format_args!("{}不能为空", label.0),
                format_args!("{} must not be empty", label.1),
            ));
        }
        Ok(s)
    }

    /// The non-null entries of an object used as a map (levels, categories, condition caps):
    /// a `null` entry means "not present" so a pack can remove what it inherits.
    pub fn entries(&self, key: &str, label: Label) -> Result<Vec<(&'a str, Path, &'a Value)>, Error> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Object(m)) => Ok(m
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.as_str(), self.path.key(key).key(k), v))
                .collect()),
            Some(_) => Err(Error::new(
                "invalid_type",
                self.at(key),
                format_args!("{}应为一个对象（{{…}}）", label.0),
                format_args!("{} must be a JSON object", label.1),
            )),
        }
    }
}

pub fn as_str<'a>(v: &'a Value, path: &Path, style: PathStyle, label: Label) -> Result<&'a str, Error> {
    v.as_str().ok_or_else(|| {
        Error::new(
            "invalid_type",
            path.render(style),
            format_args!("{}应为文字", label.0),
            format_args!("{} must be a string", label.1),
        )
    })
}

/// Whether a number is written with a minus sign. "-0" counts: a minus sign on an amount or a
/// rate is always a slip, even when the value is zero.
fn has_minus(v: &Value) -> bool {
    match v {
        Value::String(s) => s.starts_with('-'),
        Value::Number(n) => n.as_str().starts_with('-'),
        _ => false,
    }
}

/// An amount: a decimal ≥ 0 with at most two decimals, at most 100,000,000 yuan.
pub fn amount(v: &Value, path: &Path, style: PathStyle, label: Label) -> Result<Money, Error> {
    amount_up_to(v, path, style, label, MAX_INPUT)
}

/// An amount of at most `max` yuan (a fund's yearly budget can pass a resident's 100,000,000).
pub fn amount_up_to(v: &Value, path: &Path, style: PathStyle, label: Label, max: Decimal) -> Result<Money, Error> {
    amount_within(parse_decimal(v), has_minus(v), || path.render(style), label, max)
}

/// [`amount`] from what a reader found: the decimal its digits denote (`None`: not a number),
/// and whether it was written with a minus sign; `at` names the field. Readers of other formats
/// (a claims file's cells) check amounts with the same rules and messages through this.
pub fn amount_of(d: Option<Decimal>, minus: bool, at: impl Fn() -> String, label: Label) -> Result<Money, Error> {
    amount_within(d, minus, at, label, MAX_INPUT)
}

fn amount_within(d: Option<Decimal>, minus: bool, at: impl Fn() -> String, label: Label, max: Decimal) -> Result<Money, Error> {
    let Some(d) = d else {
        return Err(Error::new(
            "invalid_amount",
            at(),
            format_args!("{}必须是不小于 0、最多两位小数的数字，例如 \"1234.50\"", label.0),
            format_args!("{} must be a non-negative number with at most 2 decimals, e.g. \"1234.50\"", label.1),
        ));
    };
    if minus {
        return Err(Error::new(
            "invalid_amount",
            at(),
            format_args!("{}不能为负数", label.0),
            format_args!("{} must not be negative", label.1),
        ));
    }
    if d.normalize().scale() > 2 {
        return Err(Error::new(
            "invalid_amount",
            at(),
            format_args!("{}最多两位小数（精确到分）", label.0),
            format_args!("{} may have at most 2 decimals (fen)", label.1),
        ));
    }
    if d > max {
        let limit = crate::money::grouped(max);
        return Err(Error::new(
            "invalid_amount",
            at(),
            format_args!("{}不能超过 {limit} 元", label.0),
            format_args!("{} must be at most {limit} yuan", label.1),
        ));
    }
    // Not negative (checked above), so no sign to drop: "-0" reads as 0.
    Ok(Money::from_decimal(d))
}

/// A rate: a decimal in [0, 1].
pub fn rate(v: &Value, path: &Path, style: PathStyle, label: Label) -> Result<Rate, Error> {
    match parse_decimal(v) {
        Some(d) if !has_minus(v) && d <= Decimal::ONE => Ok(Rate::from_decimal(d.normalize())),
        _ => Err(Error::new(
            "invalid_rate",
            path.render(style),
            format_args!("{}必须是 0 到 1 之间的小数，例如 \"0.75\" 表示 75%", label.0),
            format_args!("{} must be a decimal between 0 and 1, e.g. \"0.75\" for 75%", label.1),
        )),
    }
}

pub fn vocab<V: Vocabulary>(v: &Value, path: &Path, style: PathStyle) -> Result<V, Error> {
    let id = as_str(v, path, style, V::WHAT)?;
    vocab_id(id, || path.render(style))
}

/// An id of a closed list given as text; `at` names the field.
pub fn vocab_id<V: Vocabulary>(id: &str, at: impl FnOnce() -> String) -> Result<V, Error> {
    V::from_id(id).ok_or_else(|| unknown_id(at(), V::WHAT, id, V::IDS))
}

/// The error for an id not in a list, with every allowed id and its name.
fn unknown_id(at: String, what: Label, id: &str, ids: &[(&str, &str)]) -> Error {
    Error::new(
        "invalid_value",
        at,
        format_args!("未知的{}“{id}”，可选：{}", what.0, crate::vocabulary::allowed_zh(ids)),
        format_args!("unknown {} \"{id}\"; allowed: {}", what.1, crate::vocabulary::allowed_en(ids)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(v: Value) -> Result<Money, Error> {
        amount(&v, &Path::root().key("visits").index(0).key("total"), PathStyle::Dotted, ("总费用", "total"))
    }

    #[test]
    fn amounts_are_checked() {
        assert_eq!(read(json!("1234.5")).unwrap().to_string(), "1234.50");
        assert_eq!(read(json!(0)).unwrap().to_string(), "0.00");
        assert_eq!(read(json!("100000000")).unwrap().to_string(), "100000000.00");
        assert_eq!(read(json!("1.230")).unwrap().to_string(), "1.23");
        for (bad, word) in [
            (json!("-1"), "负数"),
            (json!("-0"), "负数"),
            (json!("1.234"), "两位小数"),
            (json!("100000000.01"), "100,000,000"),
            (json!("abc"), "不小于 0"),
            (json!([]), "不小于 0"),
        ] {
            let e = read(bad.clone()).unwrap_err();
            assert_eq!(e.code, "invalid_amount");
            assert_eq!(e.path, "visits[0].total");
            assert!(e.message.contains(word), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn numbers_are_read_from_their_digits_not_through_a_float() {
        let label = ("报销比例", "rate");
        let at = Path::root().key("rate");
        // 20 significant digits: an f64 would have made this 0.12345678901234568.
        let exact = crate::input::parse("0.12345678901234567891").unwrap();
        assert_eq!(rate(&exact, &at, PathStyle::Pointer, label).unwrap().decimal().to_string(), "0.12345678901234567891");
        let amount_number = crate::input::parse("1234.50").unwrap();
        assert_eq!(read(amount_number).unwrap().to_string(), "1234.50");
        // A number may have an exponent (JavaScript writes 1e-7 so); text must be a plain decimal.
        assert_eq!(read(crate::input::parse("1.2345e3").unwrap()).unwrap().to_string(), "1234.50");
        assert_eq!(rate(&crate::input::parse("5E-1").unwrap(), &at, PathStyle::Pointer, label).unwrap().decimal().to_string(), "0.5");
        assert_eq!(read(crate::input::parse("1e-3").unwrap()).unwrap_err().code, "invalid_amount");
        let text = crate::input::parse("\"1e3\"").unwrap();
        assert_eq!(read(text.clone()).unwrap_err().code, "invalid_amount");
        assert_eq!(rate(&text, &at, PathStyle::Pointer, label).unwrap_err().code, "invalid_rate");
    }

    #[test]
    fn unknown_fields_are_named() {
        let v = json!({"totl": 1});
        let e = Obj::new(&v, Path::root().key("visits").index(2), PathStyle::Dotted, &["total"]).err().unwrap();
        assert_eq!(e.code, "unknown_field");
        assert_eq!(e.path, "visits[2].totl");
    }
}
