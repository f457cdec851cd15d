//! Input as JSON values: the one reader behind cases and packs, whether they arrive as JSON text
//! (the command line, the Rust API) or as JavaScript objects (through serde-wasm-bindgen).
//!
//! Why a `serde_json::Value` first, and not straight into `#[derive(Deserialize)]` structs: the
//! contract's errors name the field in Chinese and English, list the allowed values, and check
//! fields in a fixed order together with the rules between them (a split that exceeds the total,
//! an upward referral without its origin); packs are merged over their `extends` parent as JSON
//! before they can be typed at all. [`fields`] reads a value into the typed case and pack with
//! exactly those messages; serde's own would be English and name only the innermost field.
//!
//! What serde_json's `Value` alone would not do, [`Strict`] adds: a repeated key is refused (a
//! pack with `"rate"` twice is a slip, not "the last one wins"), nesting is bounded (a cyclic or
//! hostile JS object is an error value, never a stack overflow), and so is an object's size.
//! Numbers keep their digits (serde_json's `arbitrary_precision`): `0.1` is the decimal 0.1.

pub mod fields;
pub mod number;

use crate::error::Error;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
pub use serde_json::{Map, Number, Value};
use std::fmt;

/// Objects and arrays nest at most this deep: deeper input is refused, not a stack overflow.
pub const MAX_DEPTH: usize = 128;

/// An object has at most this many members: cases and packs have tens, and the bound keeps a
/// hostile input from making the engine build a huge map.
pub const MAX_MEMBERS: usize = 1000;

/// serde_json hands an exact number to a visitor as a one-entry map under this key
/// (`arbitrary_precision`); its own `Value` visitor reads it the same way.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Reads one JSON value strictly (see the module's documentation), from any serde source.
/// `TEXT`: the source is serde_json's reader of JSON text, the one that hands exact numbers over
/// as a private one-entry map; other sources (JavaScript objects) give plain numbers, and their
/// reader is spared serde_json's number parser.
#[derive(Clone, Copy)]
pub(crate) struct Strict<const TEXT: bool> {
    depth: usize,
}

impl<const TEXT: bool> Strict<TEXT> {
    pub(crate) const fn new() -> Self {
        Strict { depth: 0 }
    }

    fn deeper<E: de::Error>(self) -> Result<Self, E> {
        if self.depth >= MAX_DEPTH {
            return Err(fault("JSON 嵌套层数过多", "the JSON nests too deeply"));
        }
        Ok(Strict { depth: self.depth + 1 })
    }
}

/// A fault of ours inside serde's error type: both languages, split again by [`split_fault`].
fn fault<E: de::Error>(zh: &str, en: &str) -> E {
    E::custom(format_args!("{zh}\u{1f}{en}"))
}

/// (Chinese, English) of a serde error message: ours carry both, serde's own are English.
fn split_fault(message: &str) -> (String, String) {
    match message.split_once('\u{1f}') {
        Some((zh, en)) => (zh.to_owned(), en.to_owned()),
        None => ("格式不正确".to_owned(), message.to_owned()),
    }
}

impl<'de, const TEXT: bool> DeserializeSeed<'de> for Strict<TEXT> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, const TEXT: bool> Visitor<'de> for Strict<TEXT> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    /// A JavaScript number: its shortest round-trip digits (the number `JSON.stringify` would
    /// write); NaN and the infinities are `null`, as there.
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self.deeper()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut key = map.next_key::<String>()?;
        // An exact number comes as a one-entry map: a number, not a level of nesting.
        if TEXT && key.as_deref() == Some(NUMBER_TOKEN) {
            let digits = map.next_value_seed(NumberDigits)?;
            return digits.parse::<Number>().map(Value::Number).map_err(|_| fault("数字的写法不正确", "invalid number"));
        }
        let inner = self.deeper()?;
        let mut out = Map::new();
        while let Some(k) = key {
            if out.len() >= MAX_MEMBERS {
                return Err(fault("JSON 对象的字段过多（最多 1000 个）", "too many members in an object (at most 1000)"));
            }
            // Checked before the value is read, so that the error points at the repeated name.
            if out.contains_key(&k) {
                return Err(fault(&format!("同一个对象里有重复的字段名“{k}”"), &format!("a member name is repeated in an object: \"{k}\"")));
            }
            let value = map.next_value_seed(inner)?;
            out.insert(k, value);
            key = map.next_key()?;
        }
        Ok(Value::Object(out))
    }
}

/// The digits serde_json hands over for an exact number. They come as an owned string, which
/// its reader never makes of a string written in the text: so an object that merely has a member
/// of that name is refused rather than taken for a number.
struct NumberDigits;

impl<'de> DeserializeSeed<'de> for NumberDigits {
    type Value = String;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NumberDigits {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number's digits")
    }

    fn visit_string<E>(self, digits: String) -> Result<String, E> {
        Ok(digits)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<String, E> {
        Err(reserved())
    }

    fn visit_borrowed_str<E: de::Error>(self, _: &'de str) -> Result<String, E> {
        Err(reserved())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<String, E> {
        Err(reserved())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<String, E> {
        Err(reserved())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<String, E> {
        Err(reserved())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<String, E> {
        Err(reserved())
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Err(reserved())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(reserved())
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(reserved())
    }
}

fn reserved<E: de::Error>() -> E {
    fault(&format!("字段名“{NUMBER_TOKEN}”不能使用"), &format!("the member name \"{NUMBER_TOKEN}\" is reserved"))
}

/// Text that is not JSON: where (1-based line, and column in characters) and what, in Chinese and
/// English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub zh: String,
    pub en: String,
}

impl SyntaxError {
    /// The contract's `invalid_json` error for the input named `what` ("case", "policy").
    pub fn into_error(self, what: &'static str) -> Error {
        Error::new(
            "invalid_json",
            what,
            format_args!("不是有效的 JSON：第 {} 行第 {} 列，{}", self.line, self.column, self.zh),
            format_args!("not valid JSON: line {}, column {}: {}", self.line, self.column, self.en),
        )
    }
}

/// Parses JSON text (RFC 8259): one value, whitespace around it, nothing else; strictly (see
/// [`Strict`]).
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    let mut de = serde_json::Deserializer::from_str(text);
    // Strict counts the depth itself, and refuses before it recurses further.
    de.disable_recursion_limit();
    let value = Strict::<true>::new().deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    value.map_err(|e| {
        let message = strip_position(&e.to_string());
        let (zh, en) = match syntax_words(&message) {
            Some((zh, en)) => (zh.to_owned(), en.to_owned()),
            None => split_fault(&message),
        };
        SyntaxError { line: e.line(), column: char_column(text, e.line(), e.column()), zh, en }
    })
}

/// What serde_json's syntax messages mean, in words a resident or a portal's staff can act on.
fn syntax_words(message: &str) -> Option<(&'static str, &'static str)> {
    Some(match message {
        "expected value" | "expected ident" => ("无法识别的内容", "expected a JSON value"),
        "trailing characters" => ("JSON 值后面还有多余的内容", "trailing characters after the JSON value"),
        "trailing comma" => ("最后一项后面多了逗号", "a comma after the last item"),
        "EOF while parsing a string" => ("文字缺少结尾的引号", "unterminated string"),
        m if m.starts_with("EOF while parsing") => ("JSON 内容不完整", "unexpected end of the JSON text"),
        "expected `:`" => ("字段名后面应为冒号（:）", "expected `:` after a member name"),
        "expected `,` or `]`" => ("此处应为逗号（,）或右方括号（]）", "expected `,` or `]`"),
        "expected `,` or `}`" => ("此处应为逗号（,）或右花括号（}）", "expected `,` or `}`"),
        "key must be a string" => ("此处应为带引号的字段名", "expected a quoted member name"),
        "invalid escape" => ("无效的转义字符", "invalid escape"),
        "invalid number" | "number out of range" => ("数字的写法不正确", "invalid number"),
        m if m.starts_with("control character") => ("文字中不能直接含有换行等控制字符", "control character in a string"),
        "unexpected end of hex escape" => ("\\u 后应为四位十六进制数字", "expected four hex digits after \\u"),
        m if m.contains("surrogate") || m.contains("code point") => ("不成对的 UTF-16 代理项", "unpaired surrogate in \\u escape"),
        _ => return None,
    })
}

/// serde_json counts a line's bytes; people count characters (a Chinese character is one, not
/// three).
fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
    let Some(line_text) = text.split('\n').nth(line.saturating_sub(1)) else { return byte_column };
    let before = byte_column.saturating_sub(1);
    line_text.char_indices().take_while(|&(i, _)| i < before).count() + 1 + before.saturating_sub(line_text.len())
}

/// serde_json's message without its " at line L column C" (we say where ourselves).
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_owned(),
        None => message.to_owned(),
    }
}

/// A value from a deserializer that is not JSON text (a JavaScript object): the contract's
/// `invalid_json` error for what it cannot hold. `message` reads the deserializer's error. Any
/// door that hands the engine live objects (JavaScript today) reads them through this.
pub fn from_deserializer<'de, D: de::Deserializer<'de>>(d: D, what: &'static str, message: impl FnOnce(D::Error) -> String) -> Result<Value, Error> {
    Strict::<false>::new().deserialize(d).map_err(|e| {
        let (zh, en) = split_fault(&message(e));
        Error::new("invalid_json", what, format_args!("输入无法转换为 JSON：{zh}"), format_args!("input cannot be converted to JSON: {en}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_digits() {
        let v = parse(r#"{"a": 0.12345678901234567891, "b": 1.50, "c": 1e-7}"#).unwrap();
        assert_eq!(v["a"].as_number().unwrap().as_str(), "0.12345678901234567891");
        assert_eq!(v["b"].as_number().unwrap().as_str(), "1.50");
        assert_eq!(v["c"].as_number().unwrap().as_str(), "1e-7");
    }

    #[test]
    fn strict_json_only() {
        for (text, word) in [
            (r#"{"a": 1, "a": 2}"#, "重复的字段名“a”"),
            ("[1, 2,]", "多了逗号"),
            ("{\"a\": 1", "不完整"),
            ("// c\n{}", "无法识别"),
            ("{} x", "多余的内容"),
            ("", "不完整"),
            ("[\"a]", "引号"),
            ("{\"a\" 1}", "冒号"),
            ("[01]", "数字"),
            (r#"{"$serde_json::private::Number": "5000"}"#, "不能使用"),
            (r#"{"$serde_json::private::Number": 5}"#, "不能使用"),
        ] {
            let e = parse(text).unwrap_err().into_error("case");
            assert_eq!((e.code, e.path.as_str()), ("invalid_json", "case"), "{text}");
            assert!(e.message.contains(word), "{text}: {}", e.message);
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep).is_err());
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
        let wide = format!("{{{}}}", (0..=MAX_MEMBERS).map(|i| format!("\"k{i}\": 0")).collect::<Vec<_>>().join(","));
        assert!(parse(&wide).unwrap_err().zh.contains("字段过多"));
    }

    #[test]
    fn faults_are_placed_in_characters_and_at_the_repeated_name() {
        let e = parse("{\"名称名称\": 1,}").unwrap_err();
        assert_eq!((e.line, e.column), (1, 12));
        let e = parse("{\"a\":1,\n \"a\":2}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 4)); // at the end of the repeated name
        // An exact number nested as deep as an integer may be.
        let deep = |n: &str| format!("{}{n}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&deep("1")).is_ok());
        assert!(parse(&deep("1.5")).is_ok());
        assert!(parse(&deep("{}")).is_err());
    }

    #[test]
    fn members_keep_document_order() {
        let v = parse(r#"{"z": 1, "a": 2, "m": 3}"#).unwrap();
        assert_eq!(v.as_object().unwrap().keys().map(String::as_str).collect::<Vec<_>>(), ["z", "a", "m"]);
    }
}
