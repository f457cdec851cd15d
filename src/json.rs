//! JSON values as the engine reads them: cases and policy packs.
//!
//! Our own, rather than serde_json's `Value`, for three reasons. A number keeps the text it was
//! written with, so an amount or a rate given as a JSON number is read exactly as written
//! (serde_json turns it into an `f64` first, and a rate with more digits than an `f64` holds
//! would be changed silently). An object keeps its keys in the order written, in a vector:
//! packs and cases have a handful of keys per object, and a `BTreeMap` per object cost both time
//! and kilobytes of the WebAssembly module. And the parser is a few hundred lines, where
//! serde_json's deserializer, its error machinery and the B-tree were a fifth of the module.
//! Output is written by [`crate::wire`].

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    /// A number, as the text it was written with (valid JSON number syntax).
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

/// An object's members, in the order written. Keys are unique (the parser refuses repeats).
#[derive(Clone, Debug, Default)]
pub struct Map(Vec<(String, Value)>);

/// Objects are equal when they have the same members, in whatever order (JSON's meaning).
impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl Eq for Map {}

impl Map {
    pub fn new() -> Map {
        Map(Vec::new())
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`, in place when it is there, at the end otherwise.
    pub fn insert(&mut self, key: String, value: Value) {
        match self.get_mut(&key) {
            Some(slot) => *slot = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(items: I) -> Map {
        let mut m = Map::new();
        for (k, v) in items {
            m.insert(k, v);
        }
        m
    }
}

impl Value {
    /// An object's member.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.get(key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value at an RFC 6901 JSON Pointer (`~1` is `/`, `~0` is `~`).
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut cur = self;
        let mut rest = pointer.strip_prefix('/')?;
        loop {
            let (raw, next) = match rest.bytes().position(|b| b == b'/') {
                Some(i) => (rest.get(..i)?, rest.get(i + 1..)),
                None => (rest, None),
            };
            // Keys with `~` are rare; only they are unescaped (into a new string).
            let unescaped;
            let token = if raw.bytes().any(|b| b == b'~') {
                unescaped = unescape_token(raw);
                unescaped.as_str()
            } else {
                raw
            };
            cur = match cur {
                Value::Object(m) => m.get(token)?,
                Value::Array(a) => a.get(index(token)?)?,
                _ => return None,
            };
            match next {
                Some(n) => rest = n,
                None => return Some(cur),
            }
        }
    }
}

/// A pointer segment with `~1` read as `/` and `~0` as `~`, in one pass from the left (so
/// `~01` is `~1`, as RFC 6901 has it).
fn unescape_token(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('1')) => {
                out.push('/');
                chars.next();
            }
            ('~', Some('0')) => {
                out.push('~');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// An array index in a pointer: digits only, no leading zero (RFC 6901).
fn index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if !digits || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    token.parse().ok()
}

/// `value["key"]` and `value[0]`: the member or element, or `null` when there is none (as
/// serde_json does), so that tests and callers can look deep into a result.
impl std::ops::Index<&str> for Value {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

impl std::ops::Index<usize> for Value {
    type Output = Value;
    fn index(&self, i: usize) -> &Value {
        static NULL: Value = Value::Null;
        self.as_array().and_then(|a| a.get(i)).unwrap_or(&NULL)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

/// Compact JSON text.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::wire::to_string(self, false))
    }
}

/// Text that is not JSON: where (1-based line and column, counted in characters) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    /// What was wrong, in Chinese and in English.
    pub zh: &'static str,
    pub en: &'static str,
}

impl SyntaxError {
    /// The contract's `invalid_json` error for the input named `what` ("case", "policy").
    pub fn into_error(self, what: &'static str) -> crate::Error {
        crate::Error::new(
            "invalid_json",
            what,
            format_args!("不是有效的 JSON：第 {} 行第 {} 列，{}", self.line, self.column, self.zh),
            format_args!("not valid JSON: line {}, column {}: {}", self.line, self.column, self.en),
        )
    }
}

/// Objects and arrays nest at most this deep: deeper input is refused, not a stack overflow.
const MAX_DEPTH: usize = 128;

/// An object has at most this many members. Cases and packs have tens; the bound keeps the
/// repeated-key check (linear per member) from making a hostile input slow.
const MAX_MEMBERS: usize = 1000;

/// Parses JSON text (RFC 8259): one value, whitespace around it, nothing else. Strict: no
/// comments, no trailing commas, no repeated keys in an object.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    let mut p = Parser { text, bytes: text.as_bytes(), pos: 0, depth: 0 };
    p.skip_space();
    let v = p.value()?;
    p.skip_space();
    if p.pos < p.bytes.len() {
        return Err(p.error("JSON 值后面还有多余的内容", "trailing characters after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, zh: &'static str, en: &'static str) -> SyntaxError {
        let mut end = self.pos.min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let before = self.text.get(..end).unwrap_or_default();
        // Lines end at `\n`; columns count characters (a byte that does not continue one).
        let line_start = before.bytes().rposition(|b| b == b'\n').map_or(0, |i| i + 1);
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let column = before.bytes().skip(line_start).filter(|&b| b & 0xC0 != 0x80).count() + 1;
        SyntaxError { line, column, zh, en }
    }

    /// The text from `start` to here. (`get`, not indexing: both ends are at ASCII bytes, and
    /// indexing would bring in the panic path for a split character, kilobytes of the module.)
    fn slice(&self, start: usize) -> &str {
        self.text.get(start..self.pos).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn eat(&mut self, word: &str) -> Result<(), SyntaxError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error("无法识别的内容", "expected a JSON value"))
        }
    }

    fn value(&mut self) -> Result<Value, SyntaxError> {
        match self.peek() {
            None => Err(self.error("JSON 内容不完整", "unexpected end of the JSON text")),
            Some(b'{') => self.nested(Parser::object),
            Some(b'[') => self.nested(Parser::array),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.eat("true").map(|_| Value::Bool(true)),
            Some(b'f') => self.eat("false").map(|_| Value::Bool(false)),
            Some(b'n') => self.eat("null").map(|_| Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("无法识别的内容", "expected a JSON value")),
        }
    }

    fn nested(&mut self, f: fn(&mut Self) -> Result<Value, SyntaxError>) -> Result<Value, SyntaxError> {
        if self.depth == MAX_DEPTH {
            return Err(self.error("JSON 嵌套层数过多", "the JSON nests too deeply"));
        }
        self.depth += 1;
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn object(&mut self) -> Result<Value, SyntaxError> {
        self.pos += 1; // `{`
        let mut map = Map::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return Err(self.error("此处应为带引号的字段名", "expected a quoted member name"));
            }
            let at = self.pos;
            if map.len() == MAX_MEMBERS {
                return Err(self.error("JSON 对象的字段过多（最多 1000 个）", "too many members in an object (at most 1000)"));
            }
            let key = self.string()?;
            if map.contains_key(&key) {
                self.pos = at;
                return Err(self.error("同一个对象里有重复的字段名", "a member name is repeated in an object"));
            }
            self.skip_space();
            if self.peek() != Some(b':') {
                return Err(self.error("字段名后面应为冒号（:）", "expected `:` after a member name"));
            }
            self.pos += 1;
            self.skip_space();
            let v = self.value()?;
            map.0.push((key, v));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                _ => return Err(self.error("此处应为逗号（,）或右花括号（}）", "expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self) -> Result<Value, SyntaxError> {
        self.pos += 1; // `[`
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_space();
            items.push(self.value()?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error("此处应为逗号（,）或右方括号（]）", "expected `,` or `]`")),
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.pos;
        let bad = |p: &Self| p.error("数字的写法不正确", "invalid number");
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(bad(self)),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(bad(self));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(bad(self));
            }
            self.digits();
        }
        Ok(Value::Number(self.slice(start).to_owned()))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.pos += 1; // `"`
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote, backslash or control character in one piece.
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The run ends at an ASCII byte or the end, so both ends are character boundaries.
            out.push_str(self.slice(start));
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.escape()?;
                    out.push(c);
                }
                Some(_) => return Err(self.error("文字中不能直接含有换行等控制字符", "control character in a string")),
                None => return Err(self.error("文字缺少结尾的引号", "unterminated string")),
            }
        }
    }

    /// The character after a backslash (the backslash is consumed).
    fn escape(&mut self) -> Result<char, SyntaxError> {
        let Some(b) = self.peek() else {
            return Err(self.error("文字缺少结尾的引号", "unterminated string"));
        };
        self.pos += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    // A high surrogate must be followed by `\u` and a low one.
                    if !self.bytes[self.pos..].starts_with(b"\\u") {
                        return Err(self.error("不成对的 UTF-16 代理项", "unpaired surrogate in \\u escape"));
                    }
                    self.pos += 2;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(self.error("不成对的 UTF-16 代理项", "unpaired surrogate in \\u escape"));
                    }
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                } else {
                    hi
                };
                char::from_u32(code).ok_or_else(|| self.error("不成对的 UTF-16 代理项", "unpaired surrogate in \\u escape"))?
            }
            _ => {
                self.pos -= 1;
                return Err(self.error("无效的转义字符", "invalid escape"));
            }
        })
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut n = 0;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.error("\\u 后应为四位十六进制数字", "expected four hex digits after \\u")),
            };
            n = n * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(n)
    }
}

/// `json!` for the unit tests: serde_json's macro (a dev-dependency), read back as our value.
#[cfg(test)]
macro_rules! json {
    ($($t:tt)+) => {
        $crate::json::parse(&serde_json::json!($($t)+).to_string()).expect("json! writes JSON")
    };
}
#[cfg(test)]
pub(crate) use json;

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Value {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    #[test]
    fn parses_every_kind_of_value_keeping_order_and_number_text() {
        let v = ok(r#" {"b": [1, -0.50, 2e3, 1E-2, true, false, null], "a": {"x": "价\"\\\/\b\f\n\r\t\u4e2d\ud83d\ude00"}, "c": {}} "#);
        assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["b", "a", "c"]);
        let b = v.get("b").unwrap().as_array().unwrap();
        let nums: Vec<&str> = b[..4].iter().map(|n| match n { Value::Number(t) => t.as_str(), _ => "" }).collect();
        assert_eq!(nums, ["1", "-0.50", "2e3", "1E-2"]);
        assert_eq!(&b[4..], [Value::Bool(true), Value::Bool(false), Value::Null]);
        assert_eq!(v.pointer("/a/x").unwrap().as_str(), Some("价\"\\/\u{8}\u{c}\n\r\t中😀"));
        assert_eq!(v.pointer("/b/2"), Some(&Value::Number("2e3".into())));
        assert_eq!(v.pointer("/b/02"), None);
        assert_eq!(v.pointer(""), Some(&v));
        // What is written back reads the same.
        assert_eq!(ok(&v.to_string()), v);
        // A rate with more digits than an f64 holds is kept exactly.
        assert_eq!(ok("0.123456789012345678901"), Value::Number("0.123456789012345678901".into()));
    }

    #[test]
    fn refuses_what_is_not_json_and_says_where() {
        for (text, line, column, en) in [
            ("", 1, 1, "unexpected end of the JSON text"),
            ("{\"a\": 1,}", 1, 9, "expected a quoted member name"),
            ("[1, 2", 1, 6, "expected `,` or `]`"),
            ("{\"a\" 1}", 1, 6, "expected `:` after a member name"),
            ("{\"a\": 1, \"a\": 2}", 1, 10, "a member name is repeated in an object"),
            ("01", 1, 2, "trailing characters after the JSON value"),
            ("1.", 1, 3, "invalid number"),
            ("-", 1, 2, "invalid number"),
            ("1e", 1, 3, "invalid number"),
            (".5", 1, 1, "expected a JSON value"),
            ("\"a\nb\"", 1, 3, "control character in a string"),
            ("\"\\x\"", 1, 3, "invalid escape"),
            ("\"\\ud83d\"", 1, 8, "unpaired surrogate in \\u escape"),
            ("\"\\udc00\"", 1, 8, "unpaired surrogate in \\u escape"),
            ("\"\\u12g4\"", 1, 6, "expected four hex digits after \\u"),
            ("\"abc", 1, 5, "unterminated string"),
            ("tru", 1, 1, "expected a JSON value"),
            ("{\"价格\": [1,\n  2,,]}", 2, 5, "expected a JSON value"),
            ("1 2", 1, 3, "trailing characters after the JSON value"),
            ("// no comments\n1", 1, 1, "expected a JSON value"),
        ] {
            let e = parse(text).expect_err(text);
            assert_eq!((e.line, e.column, e.en), (line, column, en), "{text:?}");
            assert!(!e.zh.is_empty());
        }
    }

    #[test]
    fn huge_objects_are_refused() {
        let members = |n: usize| format!("{{{}}}", (0..n).map(|i| format!("\"k{i}\": {i}")).collect::<Vec<_>>().join(","));
        assert_eq!(parse(&members(MAX_MEMBERS)).unwrap().as_object().unwrap().len(), MAX_MEMBERS);
        assert_eq!(parse(&members(MAX_MEMBERS + 1)).unwrap_err().en, "too many members in an object (at most 1000)");
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert_eq!(parse(&deep).unwrap_err().en, "the JSON nests too deeply");
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn pointers_resolve_like_rfc_6901() {
        let v = ok(r#"{"a": {"b/c": [10, {"d~e": 5}]}, "": 1}"#);
        assert_eq!(v.pointer(""), Some(&v));
        assert_eq!(v.pointer("/a/b~1c/0"), Some(&Value::Number("10".into())));
        assert_eq!(v.pointer("/a/b~1c/1/d~0e"), Some(&Value::Number("5".into())));
        assert_eq!(v.pointer("/"), Some(&Value::Number("1".into())));
        assert_eq!(v.pointer("/a/b~1c/2"), None);
        assert_eq!(v.pointer("/a/x"), None);
        assert_eq!(v.pointer("a"), None);
        assert_eq!(unescape_token("~01~10~"), "~1/0~");
    }

    #[test]
    fn maps_keep_order_and_replace_in_place() {
        let mut m: Map = [("b".to_owned(), Value::Null), ("a".to_owned(), Value::Bool(true))].into_iter().collect();
        m.insert("b".into(), "x".into());
        assert_eq!(m.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(), ["b=\"x\"", "a=true"]);
    }
}
