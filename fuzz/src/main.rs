//! A fuzz driver for the engine's readers on stable Rust (cargo-fuzz needs nightly): mutated
//! cases and packs through `estimate_text` and the text rendering, each inside `catch_unwind`,
//! with overflow checks and debug assertions on. A panic, or a result that breaks the contract
//! (an error without a Chinese and English message, an amount that is not a two-decimal string,
//! reimbursed ≠ the three schemes, totals ≠ the sum of the visits), is written to
//! target/fuzz-crashes/. Seeds: the corpus tests/corpus/gen.py writes (`make corpus`), the
//! bundled packs, the spec's example pack and the README's case.
//!
//!   make fuzz                                  (300,000 inputs, two processes)
//!   cargo run --release -- SEED ITERATIONS     (in fuzz/)
//!   cargo run --release -- run CASE.json [PACK.json] [true]   (replay one input)
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::Instant;

static PANIC_MSG: Mutex<String> = Mutex::new(String::new());

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const NUMS: &[&str] = &[
    "1e999999", "-1e999999", "1e-999999", "-0", "-0.0", "0", "0.0", "0e0", "0E-0", "1e-400", "1e400", "1E+4", "1e4", "1e-2", "1.5e1",
    "99999999999999999999999999999999", "999999999999999999999999999999999999999999999999999999999999999",
    "0.0000000000000000000000000001", "0.00000000000000000000000000001", "0.1234567890123456789012345678",
    "0.12345678901234567890123456789", "1.0000000000000000000000000000", "0.9999999999999999999999999999",
    "100000000", "100000000.00", "100000000.01", "99999999.99", "100000001", "79228162514264337593543950335",
    "79228162514264337593543950336", "-79228162514264337593543950335", "18446744073709551615", "18446744073709551616",
    "9223372036854775807", "-9223372036854775808", "-9223372036854775809", "1", "0.5", "0.6", "0.75", "2", "0.01", "0.001",
    "1e9999", "1e-9999", "1e10000", "1e-10000", "12345.678", "5000", "1e-28", "1e-29", "1e28", "1e27", "1.23e-27",
    "0.000000000000000000000000000000000000000000001e45", "1234567890123456789012345678e-28", "1e0000", "1e+0028",
    "-1", "-100", "3.14", "0.3333333333333333333333333333", "0.6666666666666666666666666667", "123456789012345678.9",
];
const RAW_BAD: &[&str] = &["NaN", "Infinity", "-Infinity", "01", "1.", ".5", "+1", "0x10", "1e", "--1", "1_000", "undefined", "nul", "tru"];
const STRS: &[&str] = &[
    "", " ", "0", "-0", "1e3", "5.", ".5", "+5", " 5", "5 ", "1,000", "1_000", "０", "１２３", "0.5", "1", "0.60", "1.230", "05000",
    "100000000", "100000000.00", "100000000.01", "99999999.99", "0.1234567890123456789012345678", "0.12345678901234567890123456789",
    "99999999999999999999999999999999", "0.0000000000000000000000000001", "1e999999", "NaN", "Infinity",
    "0000-00-00", "9999-12-31", "2024-02-29", "2023-02-29", "1900-01-01", "1899-12-31", "2024-13-01", "2024-00-10", "2024-1-1",
    "2024-01-32", "20240101", "2024/01/01", "２０２４-０１-０１", "2024-01-01T00:00:00", "2100-02-29", "2000-02-29", "-024-01-01",
    "中文", "统筹区", "😀😀😀", "\u{202e}evil", "\u{0}", "\u{1f}", "\u{fffd}", "a\u{301}", "ﾃｽﾄ", "\u{feff}", "\u{2028}",
    "~0", "~1", "/", "//", "/~", "/~2", "/01", "/-1", "/99999999999999999999", "/basic/inpatient/levels/county/rate",
    "/basic/inpatient/levels/0", "/visits/01", "/a~1b/c~0d", "/basic~1inpatient", "/critical_illness/bands/0",
    "/critical_illness/bands/-", "/critical_illness/bands/99999999999999999999", "/critical_illness/bands/01",
    "/critical_illness/bands/-1", "/basic/inpatient/levels/county/", "/basic//", "#/basic",
    "national-baseline", "gansu-2018", "qujing-2022", "fengze-2021", "jinan-2023", "guangdong-2025", "example",
    "inpatient", "general_outpatient", "chronic_outpatient", "two_diseases_outpatient", "day_surgery", "village", "township",
    "county", "municipal", "provincial", "none", "upward", "downward", "alliance", "low_income", "extreme_poverty", "ordinary",
    "difference", "waived", "document", "guidance", "illustrative", "yibao-policy/1", "yibao-policy/2", "$serde_json::private::Number",
];

fn interesting_string(r: &mut Rng) -> String {
    match r.below(10) {
        0 => "字".repeat(r.below(5000)),
        1 => {
            // random unicode
            let n = 1 + r.below(20);
            (0..n)
                .map(|_| loop {
                    let c = match r.below(4) {
                        0 => r.below(0x80) as u32,
                        1 => 0x4e00 + r.below(0x5000) as u32,
                        2 => r.below(0x110000) as u32,
                        _ => 0x1f600 + r.below(0x50) as u32,
                    };
                    if let Some(c) = char::from_u32(c) {
                        break c;
                    }
                })
                .collect()
        }
        2 => r.pick(NUMS).to_string(),
        _ => r.pick(STRS).to_string(),
    }
}

#[derive(Clone)]
enum Seg {
    K(String),
    I(usize),
}

fn collect_paths(v: &Value, cur: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    out.push(cur.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                cur.push(Seg::K(k.clone()));
                collect_paths(c, cur, out);
                cur.pop();
            }
        }
        Value::Array(a) => {
            // cap paths into huge arrays
            for (i, c) in a.iter().enumerate().take(50) {
                cur.push(Seg::I(i));
                collect_paths(c, cur, out);
                cur.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'a>(v: &'a mut Value, p: &[Seg]) -> Option<&'a mut Value> {
    let mut cur = v;
    for s in p {
        cur = match (s, cur) {
            (Seg::K(k), Value::Object(m)) => m.get_mut(k)?,
            (Seg::I(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn get_ref<'a>(v: &'a Value, p: &[Seg]) -> Option<&'a Value> {
    let mut cur = v;
    for s in p {
        cur = match (s, cur) {
            (Seg::K(k), Value::Object(m)) => m.get(k)?,
            (Seg::I(i), Value::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

struct Ctx {
    cases: Vec<(String, Value)>,
    packs: Vec<(String, Value)>,
    keys: Vec<String>,
    strings: Vec<String>,
    raws: Vec<String>, // raw text placeholders for the current input
}

impl Ctx {
    fn raw(&mut self, text: String) -> Value {
        let i = self.raws.len();
        self.raws.push(text);
        Value::String(format!("@@RAW{i}@@"))
    }
    fn num(&mut self, r: &mut Rng) -> Value {
        let t = if r.chance(0.05) { r.pick(RAW_BAD).to_string() } else if r.chance(0.15) { random_number(r) } else { r.pick(NUMS).to_string() };
        self.raw(t)
    }
    fn scalar(&mut self, r: &mut Rng) -> Value {
        match r.below(8) {
            0 => Value::Null,
            1 => Value::Bool(r.chance(0.5)),
            2 | 3 => self.num(r),
            4 => Value::String(self.strings[r.below(self.strings.len())].clone()),
            _ => Value::String(interesting_string(r)),
        }
    }
    fn random_subtree(&self, r: &mut Rng) -> Value {
        let src = if r.chance(0.5) { &self.cases[r.below(self.cases.len())].1 } else { &self.packs[r.below(self.packs.len())].1 };
        let mut paths = Vec::new();
        collect_paths(src, &mut Vec::new(), &mut paths);
        let p = &paths[r.below(paths.len())];
        get_ref(src, p).cloned().unwrap_or(Value::Null)
    }
}

fn random_number(r: &mut Rng) -> String {
    let mut s = String::new();
    if r.chance(0.2) {
        s.push('-');
    }
    let lim = if r.chance(0.2) { 40 } else { 9 };
    let il = 1 + r.below(lim);
    for i in 0..il {
        let d = r.below(10);
        s.push(char::from(b'0' + if i == 0 && il > 1 && d == 0 { 1 } else { d as u8 }));
    }
    if r.chance(0.5) {
        s.push('.');
        let lim = if r.chance(0.3) { 35 } else { 4 };
        for _ in 0..1 + r.below(lim) {
            s.push(char::from(b'0' + r.below(10) as u8));
        }
    }
    if r.chance(0.3) {
        s.push(if r.chance(0.5) { 'e' } else { 'E' });
        match r.below(3) {
            0 => s.push('-'),
            1 => s.push('+'),
            _ => {}
        }
        let el = 1 + r.below(7);
        for _ in 0..el {
            s.push(char::from(b'0' + r.below(10) as u8));
        }
    }
    s
}

/// One structural mutation of `v`.
fn mutate_value(ctx: &mut Ctx, r: &mut Rng, v: &mut Value, is_pack: bool) {
    let mut paths = Vec::new();
    collect_paths(v, &mut Vec::new(), &mut paths);
    // prefer leaves & deeper nodes a bit
    let p = paths[r.below(paths.len())].clone();
    let op = r.below(20);
    // special whole-document ops
    match op {
        0 if is_pack => {
            // extends chains / cycles
            if let Value::Object(m) = v {
                let ids = ["national-baseline", "gansu-2018", "qujing-2022", "fengze-2021", "jinan-2023", "guangdong-2025", "example", "nope", ""];
                let e = *r.pick(&ids);
                match r.below(6) {
                    0 => {
                        // self cycle
                        let id = m.get("id").cloned().unwrap_or(Value::Null);
                        m.insert("extends".into(), id);
                    }
                    1 => {
                        // id = bundled id, extends another bundled id -> cycle through bundled
                        m.insert("id".into(), Value::String("national-baseline".into()));
                        m.insert("extends".into(), Value::String((*r.pick(&ids[1..6])).into()));
                    }
                    2 => {
                        let s = ctx.scalar(r);
                        m.insert("extends".into(), s);
                    }
                    3 => {
                        m.remove("extends");
                    }
                    _ => {
                        m.insert("extends".into(), Value::String(e.into()));
                        if r.chance(0.5) {
                            // leave only a sparse override
                            let keep: Vec<String> = m.keys().filter(|_| r.chance(0.4)).cloned().collect();
                            m.retain(|k, _| keep.contains(k) || k == "extends" || k == "id" || k == "format");
                        }
                    }
                }
            }
            return;
        }
        1 if is_pack => {
            // provenance pointers
            if let Value::Object(m) = v {
                let prov = m.entry("provenance").or_insert_with(|| Value::Object(Map::new()));
                if !prov.is_object() {
                    *prov = Value::Object(Map::new());
                }
                let mut ptr = String::new();
                if r.chance(0.5) {
                    ptr = r.pick(STRS).to_string();
                    if !ptr.starts_with('/') {
                        ptr = format!("/{ptr}");
                    }
                } else {
                    for _ in 0..r.below(6) {
                        ptr.push('/');
                        let seg = match r.below(8) {
                            0 => "~0".to_string(),
                            1 => "~1".to_string(),
                            2 => "01".into(),
                            3 => "-1".into(),
                            4 => "99999999999999999999".into(),
                            5 => r.below(5).to_string(),
                            6 => "~".into(),
                            _ => ctx.keys[r.below(ctx.keys.len())].clone(),
                        };
                        ptr.push_str(&seg);
                    }
                }
                let entry = match r.below(5) {
                    0 => ctx.scalar(r),
                    1 => serde_json::json!({"basis": "document", "source": "nosuch"}),
                    2 => serde_json::json!({"basis": "guidance", "clause": "x", "note": "y"}),
                    3 => serde_json::json!({"basis": "nope"}),
                    _ => serde_json::json!({"basis": "illustrative"}),
                };
                if let Value::Object(pm) = prov {
                    pm.insert(ptr, entry);
                }
            }
            return;
        }
        2 if !is_pack && r.chance(0.06) => {
            // many visits
            if let Some(Value::Array(vs)) = v.get_mut("visits") {
                if let Some(first) = vs.first().cloned() {
                    let n = if r.chance(0.7) { *r.pick(&[9_999usize, 10_000, 10_001, 12_000]) } else { r.below(3000) };
                    if r.chance(0.5) {
                        vs.clear();
                    }
                    let amount = |x: &mut Value, r: &mut Rng| {
                        if r.chance(0.5) {
                            if let Some(o) = x.as_object_mut() {
                                o.insert("total".into(), Value::String(r.pick(&["100000000", "99999999.99", "0", "1.01"]).to_string()));
                            }
                        }
                    };
                    let mut tmpl = first;
                    amount(&mut tmpl, r);
                    while vs.len() < n {
                        vs.push(tmpl.clone());
                    }
                }
            }
            return;
        }
        _ => {}
    }
    let Some(node) = get_mut(v, &p) else { return };
    match r.below(14) {
        0 | 1 => *node = ctx.num(r),
        2 | 3 => *node = Value::String(interesting_string(r)),
        4 => {
            // change type
            let old = std::mem::take(node);
            *node = match r.below(7) {
                0 => Value::Null,
                1 => Value::Bool(r.chance(0.5)),
                2 => Value::Array(vec![old]),
                3 => {
                    let mut m = Map::new();
                    m.insert(ctx.keys[r.below(ctx.keys.len())].clone(), old);
                    Value::Object(m)
                }
                4 => match old {
                    Value::String(s) => ctx.raw(if s.is_empty() { "0".into() } else { s }),
                    Value::Number(n) => Value::String(n.to_string()),
                    o => Value::String(o.to_string()),
                },
                5 => Value::Array(vec![]),
                _ => Value::Object(Map::new()),
            };
        }
        5 | 6 => {
            // remove
            match node {
                Value::Object(m) if !m.is_empty() => {
                    let k = m.keys().nth(r.below(m.len())).cloned().unwrap();
                    m.shift_remove(&k);
                }
                Value::Array(a) if !a.is_empty() => {
                    let i = r.below(a.len());
                    a.remove(i);
                }
                _ => {
                    // remove this node from parent
                    if let Some((last, parent)) = p.split_last() {
                        if let Some(par) = get_mut(v, parent) {
                            match (last, par) {
                                (Seg::K(k), Value::Object(m)) => {
                                    m.shift_remove(k);
                                }
                                (Seg::I(i), Value::Array(a)) => {
                                    a.remove(*i);
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
        7 | 8 => {
            // add field
            let val = if r.chance(0.5) { ctx.scalar(r) } else { ctx.random_subtree(r) };
            match node {
                Value::Object(m) => {
                    let k = if r.chance(0.85) { ctx.keys[r.below(ctx.keys.len())].clone() } else { interesting_string(r) };
                    m.insert(k, val);
                }
                Value::Array(a) => {
                    let i = r.below(a.len() + 1);
                    let val = if r.chance(0.5) && !a.is_empty() { a[r.below(a.len())].clone() } else { val };
                    a.insert(i, val);
                }
                _ => *node = val,
            }
        }
        9 => *node = ctx.random_subtree(r),
        10 => *node = ctx.scalar(r),
        11 => {
            // string from dictionary
            *node = Value::String(ctx.strings[r.below(ctx.strings.len())].clone());
        }
        12 => {
            // deep nesting in place
            let d = *r.pick(&[120usize, 125, 126, 127, 128, 129, 200]);
            let mut x = ctx.scalar(r);
            for _ in 0..d {
                x = if r.chance(0.5) { Value::Array(vec![x]) } else {
                    let mut m = Map::new();
                    m.insert("a".into(), x);
                    Value::Object(m)
                };
            }
            *node = x;
        }
        _ => {
            // same-path subtree from another input of the same kind
            let pool = if is_pack { &ctx.packs } else { &ctx.cases };
            let other = &pool[r.below(pool.len())].1;
            if let Some(x) = get_ref(other, &p) {
                *node = x.clone();
            }
        }
    }
}

fn render_text(ctx: &mut Ctx, v: &Value) -> String {
    let mut s = if ctx.raws.is_empty() || true { serde_json::to_string(v).unwrap_or_default() } else { String::new() };
    for (i, raw) in ctx.raws.iter().enumerate() {
        s = s.replace(&format!("\"@@RAW{i}@@\""), raw);
    }
    ctx.raws.clear();
    s
}

fn char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate_text(ctx: &Ctx, r: &mut Rng, s: &mut String) {
    let n = s.len();
    match r.below(10) {
        0 => {
            // byte flip
            let mut b = std::mem::take(s).into_bytes();
            for _ in 0..1 + r.below(4) {
                if !b.is_empty() {
                    let i = r.below(b.len());
                    b[i] ^= 1 << r.below(8);
                }
            }
            *s = String::from_utf8_lossy(&b).into_owned();
        }
        1 => {
            let i = char_boundary(s, r.below(n + 1));
            let tokens = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\u0000", "null", "-", "e", "0", " ", "\n", "\u{0}", "\u{1f}", "中", "😀", "\"a\":1,", "1e999999"];
            let t: &str = *r.pick(&tokens[..]);
            s.insert_str(i, t);
        }
        2 => {
            let i = char_boundary(s, r.below(n + 1));
            let j = char_boundary(s, i + r.below(32));
            s.replace_range(i..j.max(i), "");
        }
        3 => {
            // splice with another input
            let other = if r.chance(0.5) { &ctx.cases[r.below(ctx.cases.len())].0 } else { &ctx.packs[r.below(ctx.packs.len())].0 };
            let i = char_boundary(s, r.below(n + 1));
            let j = char_boundary(other, r.below(other.len() + 1));
            *s = format!("{}{}", &s[..i], &other[j..]);
        }
        4 => {
            // duplicate a key: find "key": and insert a copy with a value before
            let positions: Vec<usize> = s.match_indices("\":").map(|(i, _)| i).collect();
            if let Some(&end) = positions.get(r.below(positions.len().max(1))) {
                if let Some(start) = s[..end].rfind('"') {
                    let key = s[start..end + 1].to_string();
                    let dup = format!("{key}: {}, ", r.pick(NUMS));
                    s.insert_str(start, &dup);
                }
            }
        }
        5 => {
            // deep nesting wrap
            let d = *r.pick(&[127usize, 128, 129, 1000, 100_000]);
            let open = if r.chance(0.5) { "[".repeat(d) } else { "{\"a\":".repeat(d) };
            let close = if open.starts_with('[') { "]".repeat(d) } else { "}".repeat(d) };
            if r.chance(0.5) {
                *s = format!("{open}{s}{close}");
            } else {
                // in place of a value after a colon
                if let Some((i, _)) = s.match_indices(": ").nth(r.below(20)) {
                    let rest_at = i + 2;
                    s.insert_str(rest_at, &format!("{open}0{close}, \"zz\": "));
                } else {
                    *s = format!("{open}{close}");
                }
            }
        }
        6 => {
            // truncate
            let i = char_boundary(s, r.below(n + 1));
            s.truncate(i);
        }
        7 => {
            // replace a number literal in place
            let bytes = s.as_bytes();
            let starts: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i].is_ascii_digit() && i > 0 && matches!(bytes[i - 1], b' ' | b':' | b'[' | b',')).collect();
            if !starts.is_empty() {
                let i = starts[r.below(starts.len())];
                let mut j = i;
                while j < bytes.len() && matches!(bytes[j], b'0'..=b'9' | b'.' | b'e' | b'E' | b'-' | b'+') {
                    j += 1;
                }
                let rep = if r.chance(0.5) { r.pick(NUMS).to_string() } else { random_number(r) };
                s.replace_range(i..j, &rep);
            }
        }
        8 => {
            // whitespace / BOM / trailing junk
            match r.below(4) {
                0 => s.insert(0, '\u{feff}'),
                1 => s.push_str(" x"),
                2 => s.push_str(&" ".repeat(r.below(100))),
                _ => *s = format!("\t\r\n{s}\n"),
            }
        }
        _ => {
            // replace a string literal content with unicode
            let qs: Vec<usize> = s.match_indices('"').map(|(i, _)| i).collect();
            if qs.len() >= 2 {
                let k = r.below(qs.len() / 2) * 2;
                let (a, b) = (qs[k] + 1, qs[k + 1]);
                let rep = serde_json::to_string(&interesting_string(r)).unwrap();
                s.replace_range(a..b, &rep[1..rep.len() - 1]);
            }
        }
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303f | 0x4e00..=0x9fff | 0xff00..=0xffef)
}

fn check_err(e: &yibao::Error) -> Option<String> {
    if e.code.is_empty() {
        return Some("empty error code".into());
    }
    let m = &e.message;
    if !m.ends_with(')') {
        return Some(format!("message does not end with ')': {m}"));
    }
    let Some(i) = m.find(" (") else { return Some(format!("message has no ' (': {m}")) };
    let zh = &m[..i];
    // the English part: after the last " (" whose preceding text has a CJK char; simply check any split works
    let ok = m.match_indices(" (").any(|(i, _)| {
        let (zh, en) = (&m[..i], &m[i + 2..m.len() - 1]);
        zh.chars().any(is_cjk) && en.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 3
    });
    if !ok {
        return Some(format!("message not in '中文 (english)' form: {m} [zh={zh}]"));
    }
    if e.code == "invalid_json" && m.contains('\u{1f}') {
        return Some(format!("message contains U+001F: {m}"));
    }
    None
}

fn is_amount(v: &Value) -> bool {
    let Some(s) = v.as_str() else { return false };
    let Some((i, f)) = s.split_once('.') else { return false };
    !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()) && f.len() == 2 && f.bytes().all(|b| b.is_ascii_digit())
}

const AMOUNT_KEYS: &[&str] =
    &["total", "out_of_catalog", "class_b_self_pay", "in_scope", "basic", "critical_illness", "medical_assistance", "reimbursed", "out_of_pocket"];

fn cents(v: &Value) -> i128 {
    let s = v.as_str().unwrap();
    s.replace('.', "").parse().unwrap()
}

fn check_ok(out: &str) -> Option<String> {
    let v: Value = match serde_json::from_str(out) {
        Ok(v) => v,
        Err(e) => return Some(format!("Ok output is not JSON: {e}")),
    };
    let mut objs: Vec<(String, &Value)> = vec![("totals".into(), &v["totals"])];
    let Some(visits) = v["visits"].as_array() else { return Some("no visits array".into()) };
    for (i, vis) in visits.iter().enumerate() {
        objs.push((format!("visits[{i}]"), vis));
        if let Some(steps) = vis["steps"].as_array() {
            for (j, st) in steps.iter().enumerate() {
                if !is_amount(&st["amount"]) {
                    return Some(format!("visits[{i}].steps[{j}].amount not a 2-decimal non-negative string: {}", st["amount"]));
                }
            }
        }
    }
    for (at, o) in &objs {
        for k in AMOUNT_KEYS {
            if !is_amount(&o[*k]) {
                return Some(format!("{at}.{k} not a 2-decimal non-negative string: {}", o[*k]));
            }
        }
        // invariants
        let c = |k: &str| cents(&o[k]);
        if c("basic") + c("critical_illness") + c("medical_assistance") != c("reimbursed") {
            return Some(format!("INVARIANT {at}: basic+ci+ma != reimbursed"));
        }
        if c("reimbursed") + c("out_of_pocket") != c("total") {
            return Some(format!("INVARIANT {at}: reimbursed+out_of_pocket != total"));
        }
    }
    for k in AMOUNT_KEYS {
        let sum: i128 = visits.iter().map(|x| cents(&x[*k])).sum();
        if sum != cents(&v["totals"][*k]) {
            return Some(format!("INVARIANT totals.{k} != sum of visits"));
        }
    }
    None
}

fn load_dir(dir: &str, out: &mut Vec<String>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        let mut paths: Vec<_> = rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
        paths.sort();
        for p in paths {
            if let Ok(s) = std::fs::read_to_string(&p) {
                out.push(s);
            }
        }
    }
}

fn gather(v: &Value, keys: &mut BTreeSet<String>, strings: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                keys.insert(k.clone());
                gather(c, keys, strings);
            }
        }
        Value::Array(a) => a.iter().for_each(|c| gather(c, keys, strings)),
        Value::String(s) if s.len() < 40 => {
            strings.insert(s.clone());
        }
        _ => {}
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("probe") {
        for t in &args[2..] {
            println!("{t:?} => {:?}", yibao::input::parse(t).map_err(|e| e.into_error("case").message.clone()));
        }
        return;
    }
    if args.get(1).map(String::as_str) == Some("run") {
        let case = std::fs::read_to_string(&args[2]).unwrap();
        let pack = args.get(3).filter(|s| !s.is_empty()).map(|p| std::fs::read_to_string(p).unwrap());
        let params = args.get(4).is_some_and(|s| s == "true");
        println!("{:?}", yibao::estimate_text(&case, pack.as_deref(), params));
        let cv = yibao::input::parse(&case).unwrap();
        let pv = pack.as_deref().map(|p| yibao::input::parse(p).unwrap());
        println!("{:?}", yibao::with_estimate(&cv, pv.as_ref(), |e| yibao::report::text::render(e)));
        return;
    }
    let seed: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let iters: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let dump_from: Option<usize> = args.get(3).and_then(|s| s.parse().ok());

    std::panic::set_hook(Box::new(|info| {
        let bt = std::backtrace::Backtrace::force_capture();
        let bt = bt.to_string();
        let short: String = bt.lines().filter(|l| l.contains("yibao") || l.contains("at ")).take(40).collect::<Vec<_>>().join("\n");
        *PANIC_MSG.lock().unwrap() = format!("{info}\n{short}");
    }));

    let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let corpus = std::env::var("CORPUS").unwrap_or_else(|_| format!("{repo}/target/corpus"));
    let crashes_dir = format!("{repo}/target/fuzz-crashes");
    let mut case_texts = Vec::new();
    load_dir(&format!("{corpus}/cases"), &mut case_texts);
    let mut pack_texts = Vec::new();
    load_dir(&format!("{corpus}/packs"), &mut pack_texts);
    load_dir(&format!("{repo}/packs"), &mut pack_texts);
    if let Ok(s) = std::fs::read_to_string(format!("{repo}/../shared/spec/example-policy.json")) {
        pack_texts.push(s);
    }
    let readme = std::fs::read_to_string(format!("{repo}/README.md")).unwrap_or_default();
    if let Some(i) = readme.find("```json\n") {
        let rest = &readme[i + 8..];
        if let Some(j) = rest.find("```") {
            case_texts.push(rest[..j].to_string());
        }
    }
    let parse_all = |ts: Vec<String>| -> Vec<(String, Value)> {
        ts.into_iter().filter_map(|t| serde_json::from_str::<Value>(&t).ok().map(|v| (t, v))).collect()
    };
    let cases = parse_all(case_texts);
    let packs = parse_all(pack_texts);
    let mut keys = BTreeSet::new();
    let mut strings = BTreeSet::new();
    for (_, v) in cases.iter().chain(packs.iter()) {
        gather(v, &mut keys, &mut strings);
    }
    eprintln!("seeds: {} cases, {} packs, {} keys, {} strings", cases.len(), packs.len(), keys.len(), strings.len());
    let mut ctx = Ctx { cases, packs, keys: keys.into_iter().collect(), strings: strings.into_iter().collect(), raws: Vec::new() };

    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut crashes = 0usize;
    let mut violations: BTreeMap<String, (u64, String)> = BTreeMap::new();
    let mut calls = 0u64;
    let start = Instant::now();
    std::fs::create_dir_all(&crashes_dir).ok();
    let mut r = Rng(seed.wrapping_mul(0x9E3779B97F4A7C15) | 1);

    for it in 0..iters {
        // build input
        let with_pack = r.chance(0.45);
        let case_i = r.below(ctx.cases.len());
        let mut case_v = ctx.cases[case_i].1.clone();
        let mut case_t;
        let case_muts = if with_pack && r.chance(0.6) { 0 } else if r.chance(0.6) { 1 } else { 2 + r.below(3) };
        let text_mode = r.chance(0.15);
        for _ in 0..case_muts {
            mutate_value(&mut ctx, &mut r, &mut case_v, false);
        }
        case_t = render_text(&mut ctx, &case_v);
        if text_mode && case_muts > 0 || (case_muts == 0 && r.chance(0.1)) {
            for _ in 0..1 + r.below(3) {
                mutate_text(&ctx, &mut r, &mut case_t);
            }
        }
        let pack_t = if with_pack {
            let pi = r.below(ctx.packs.len());
            let mut pv = ctx.packs[pi].1.clone();
            let n = if r.chance(0.5) { r.below(2) } else { r.below(5) };
            for _ in 0..n {
                mutate_value(&mut ctx, &mut r, &mut pv, true);
            }
            let mut t = render_text(&mut ctx, &pv);
            if r.chance(0.12) {
                for _ in 0..1 + r.below(3) {
                    mutate_text(&ctx, &mut r, &mut t);
                }
            }
            Some(t)
        } else {
            None
        };
        let params = r.chance(0.5);
        let also_nopack = with_pack && r.chance(0.25);
        let do_render = r.chance(0.5);

        if let Some(df) = dump_from {
            if it >= df {
                std::fs::write(format!("{crashes_dir}/dump-{it}.case.json"), &case_t).ok();
                if let Some(p) = &pack_t {
                    std::fs::write(format!("{crashes_dir}/dump-{it}.pack.json"), p).ok();
                }
                eprintln!("dump {it} params={params} nopack={also_nopack} render={do_render}");
            }
        }

        let mut runs: Vec<(Option<&str>, bool, bool)> = vec![(pack_t.as_deref(), params, false)];
        if also_nopack {
            runs.push((None, !params, false));
        }
        if do_render {
            runs.push((pack_t.as_deref(), false, true));
        }
        for (pack, params, render) in runs {
            calls += 1;
            let res = catch_unwind(AssertUnwindSafe(|| {
                if render {
                    let cv = yibao::input::parse(&case_t).map_err(|e| e.into_error("case"))?;
                    let pv = pack.map(|p| yibao::input::parse(p).map_err(|e| e.into_error("policy"))).transpose()?;
                    yibao::with_estimate(&cv, pv.as_ref(), |e| yibao::report::text::render(e))
                } else {
                    yibao::estimate_text(&case_t, pack, params)
                }
            }));
            let kind = if render { "render" } else { "estimate_text" };
            match res {
                Err(_) => {
                    crashes += 1;
                    let msg = PANIC_MSG.lock().unwrap().clone();
                    let n = crashes;
                    std::fs::write(format!("{crashes_dir}/{n:03}.json"), &case_t).ok();
                    if let Some(p) = pack {
                        std::fs::write(format!("{crashes_dir}/{n:03}.pack.json"), p).ok();
                    }
                    std::fs::write(format!("{crashes_dir}/{n:03}.txt"), format!("seed={seed} it={it} {kind} params={params}\n{msg}")).ok();
                    eprintln!("PANIC #{n} it={it} {kind}: {}", msg.lines().next().unwrap_or(""));
                    *counts.entry("PANIC".into()).or_default() += 1;
                }
                Ok(Ok(out)) => {
                    *counts.entry(format!("Ok[{kind}]")).or_default() += 1;
                    if !render {
                        if let Some(v) = check_ok(&out) {
                            let key = v.chars().take(60).collect::<String>();
                            let e = violations.entry(key).or_insert((0, String::new()));
                            e.0 += 1;
                            if e.1.is_empty() {
                                let n = it;
                                let f = format!("{crashes_dir}/viol-ok-{seed}-{n}");
                                std::fs::write(format!("{f}.case.json"), &case_t).ok();
                                if let Some(p) = pack {
                                    std::fs::write(format!("{f}.pack.json"), p).ok();
                                }
                                e.1 = format!("{v} (it={it} params={params} file={f})");
                            }
                        }
                    } else if out.is_empty() {
                        *counts.entry("render-empty".into()).or_default() += 1;
                    }
                }
                Ok(Err(e)) => {
                    *counts.entry(e.code.to_string()).or_default() += 1;
                    if let Some(v) = check_err(&e) {
                        let key = format!("{}:{}", e.code, v.chars().take(70).collect::<String>());
                        let ent = violations.entry(key).or_insert((0, String::new()));
                        ent.0 += 1;
                        if ent.1.is_empty() {
                            let n = it;
                            let f = format!("{crashes_dir}/viol-err-{seed}-{n}");
                            std::fs::write(format!("{f}.case.json"), &case_t).ok();
                            if let Some(p) = pack {
                                std::fs::write(format!("{f}.pack.json"), p).ok();
                            }
                            ent.1 = format!("{v} | path={} (it={it} file={f})", e.path);
                        }
                    }
                }
            }
        }
        if (it + 1) % 50_000 == 0 {
            let el = start.elapsed().as_secs_f64();
            eprintln!("[{seed}] {} inputs, {calls} calls, {:.0} inputs/s, panics {crashes}", it + 1, (it + 1) as f64 / el);
        }
    }
    let el = start.elapsed().as_secs_f64();
    println!("seed {seed}: {iters} inputs, {calls} calls in {el:.1}s = {:.0} inputs/s, {:.0} calls/s", iters as f64 / el, calls as f64 / el);
    println!("panics: {crashes}");
    for (k, v) in &counts {
        println!("  {k}: {v}");
    }
    println!("violations: {}", violations.len());
    for (k, (n, ex)) in &violations {
        println!("  [{n}] {k}\n      {ex}");
    }
    // A run that found anything fails, so that `make fuzz` says so.
    if crashes > 0 || !violations.is_empty() {
        std::process::exit(1);
    }
}
