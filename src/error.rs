//! Errors as the contract has them: a code, the path of the field, and a message in Chinese and
//! English. Bad input never panics and never yields a partial result.

use std::fmt;

/// Where in the input a fault is. Case input is addressed like `visits[1].out_of_catalog`;
/// a policy pack by JSON Pointer (`/basic/inpatient/levels/county/rate`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Path(Vec<Seg>);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

impl Path {
    pub fn root() -> Path {
        Path(Vec::new())
    }

    pub fn key(&self, key: &str) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.to_owned()));
        p
    }

    pub fn index(&self, i: usize) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    /// `visits[1].total`
    pub fn dotted(&self) -> String {
        let mut s = String::new();
        for seg in &self.0 {
            match seg {
                Seg::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                Seg::Index(i) => {
                    s.push('[');
                    s.push_str(&i.to_string());
                    s.push(']');
                }
            }
        }
        s
    }

    /// `/visits/1/total` (RFC 6901, with `~0` and `~1` escapes).
    pub fn pointer(&self) -> String {
        let mut s = String::new();
        for seg in &self.0 {
            s.push('/');
            match seg {
                Seg::Key(k) => {
                    for c in k.chars() {
                        match c {
                            '~' => s.push_str("~0"),
                            '/' => s.push_str("~1"),
                            c => s.push(c),
                        }
                    }
                }
                Seg::Index(i) => s.push_str(&i.to_string()),
            }
        }
        s
    }
}

/// How a [`Path`] is written in an error: case fields dotted, pack fields as JSON Pointers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathStyle {
    Dotted,
    Pointer,
}

impl Path {
    pub fn render(&self, style: PathStyle) -> String {
        match style {
            PathStyle::Dotted => self.dotted(),
            PathStyle::Pointer => self.pointer(),
        }
    }
}

/// The contract's error: `{"error": {"code", "path", "message"}}` in its serde form.
///
/// Boxed: every fallible step of reading a pack or a case returns `Result<_, Error>`, and a
/// one-pointer error keeps those results small.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Error {
    error: Box<Detail>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Detail {
    pub code: &'static str,
    pub path: String,
    pub message: String,
}

impl std::ops::Deref for Error {
    type Target = Detail;
    fn deref(&self) -> &Detail {
        &self.error
    }
}

impl Error {
    /// A thin generic front over [`Error::build`], which is compiled once.
    #[inline]
    pub fn new(code: &'static str, path: impl Into<String>, zh: impl fmt::Display, en: impl fmt::Display) -> Error {
        Error::build(code, path.into(), &zh, &en)
    }

    fn build(code: &'static str, path: String, zh: &dyn fmt::Display, en: &dyn fmt::Display) -> Error {
        Error { error: Box::new(Detail { code, path, message: format!("{zh} ({en})") }) }
    }

    /// The same fault, its path under `prefix` (a pack's place in a list of packs: `/2`).
    pub fn under(mut self, prefix: &str) -> Error {
        self.error.path.insert_str(0, prefix);
        self
    }

    /// The same fault at another path (a /2 pointer as it reads in the /1 pack it came from).
    pub fn with_path(mut self, path: String) -> Error {
        self.error.path = path;
        self
    }

    /// The same fault, its message after `prefix` (in a batch of several packs: the pack's id).
    pub fn prefixed(mut self, prefix: impl fmt::Display) -> Error {
        self.error.message.insert_str(0, &prefix.to_string());
        self
    }

    /// Any fault in a pack is reported as `invalid_policy` with a JSON Pointer into the pack,
    /// whatever the underlying check was; the message keeps the detail.
    pub fn into_policy_error(mut self) -> Error {
        self.error.code = "invalid_policy";
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "[{}] {}", self.code, self.message)
        } else {
            write!(f, "[{}] {}: {}", self.code, self.path, self.message)
        }
    }
}

impl std::error::Error for Error {}

impl From<crate::money::Overflow> for Error {
    fn from(_: crate::money::Overflow) -> Error {
        Error::new("overflow", "", "金额计算溢出，请检查输入金额", "arithmetic overflow; check the amounts")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_both_ways() {
        let p = Path::root().key("visits").index(1).key("out_of_catalog");
        assert_eq!(p.dotted(), "visits[1].out_of_catalog");
        assert_eq!(p.pointer(), "/visits/1/out_of_catalog");
        assert_eq!(Path::root().key("a/b").key("c~d").pointer(), "/a~1b/c~0d");
    }
}
