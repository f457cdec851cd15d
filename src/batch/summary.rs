//! The summary of a batch (batch.md, "SUMMARY"): for each policy the rows and persons estimated
//! and the totals of every amount, overall and by category, level, kind and month, and the
//! persons whose 大病保险 paid anything; for each policy after the first, the differences from
//! the baseline. Tallied in whole fen (i128: no sum of any number of rows can overflow it), so
//! millions of rows add up exactly and fast; written as yuan with two decimals.

use crate::case::Visit;
use crate::vocabulary::{Category, Kind, Vocabulary};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The amounts of an estimate, in the order of [`crate::rules::estimate::Amounts`].
pub const AMOUNTS: [&str; 9] = ["total", "out_of_catalog", "class_b_self_pay", "in_scope", "basic", "critical_illness", "medical_assistance", "reimbursed", "out_of_pocket"];

/// Where `critical_illness` is in [`AMOUNTS`].
pub const CRITICAL_ILLNESS: usize = 5;

/// Where the amounts a result row gives (in_scope … out_of_pocket) start in [`AMOUNTS`]: the
/// others are the row's own bill.
pub const PAID_FROM: usize = 3;

/// A result row's amounts per pack, in fen: [`AMOUNTS`] from [`PAID_FROM`] on.
pub type Paid = [i64; 6];

/// The columns of [`Paid`], each after a pack's id and a dot.
pub const PAID_COLUMNS: [&str; 6] = ["in_scope", "basic", "critical_illness", "medical_assistance", "reimbursed", "out_of_pocket"];

/// Rows and the sums of their amounts, in fen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sums {
    pub rows: u64,
    pub fen: [i128; 9],
}

impl Sums {
    fn add(&mut self, a: &[i64; 9]) {
        self.rows += 1;
        for (s, x) in self.fen.iter_mut().zip(a) {
            *s += i128::from(*x);
        }
    }

    fn merge(&mut self, o: &Sums) {
        self.rows += o.rows;
        for (s, x) in self.fen.iter_mut().zip(&o.fen) {
            *s += x;
        }
    }

    fn minus(&self, base: &Sums) -> Sums {
        let mut d = *self;
        d.rows = 0;
        for (s, x) in d.fen.iter_mut().zip(&base.fen) {
            *s -= x;
        }
        d
    }

    fn json(&self, rows: bool) -> Value {
        let mut m = Map::new();
        if rows {
            m.insert("rows".into(), json!(self.rows));
        }
        for (name, f) in AMOUNTS.iter().zip(&self.fen) {
            m.insert((*name).into(), Value::String(yuan(*f)));
        }
        Value::Object(m)
    }
}

/// Fen as yuan with two decimals ("-12.05").
pub fn yuan(fen: i128) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// One policy's tally.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub persons: u64,
    pub persons_with_critical_illness: u64,
    pub totals: Sums,
    by_category: [Sums; 5],
    by_kind: [Sums; 6],
    by_level: Vec<(String, Sums)>,
    /// By YYYYMM.
    by_month: BTreeMap<u32, Sums>,
}

impl Tally {
    pub fn add(&mut self, category: Category, visit: &Visit, a: &[i64; 9]) {
        self.totals.add(a);
        if let Some(s) = Category::ALL.iter().position(|c| *c == category).and_then(|i| self.by_category.get_mut(i)) {
            s.add(a);
        }
        if let Some(s) = Kind::ALL.iter().position(|k| *k == visit.kind).and_then(|i| self.by_kind.get_mut(i)) {
            s.add(a);
        }
        match self.by_level.iter_mut().find(|(l, _)| *l == visit.level) {
            Some((_, s)) => s.add(a),
            None => {
                let mut s = Sums::default();
                s.add(a);
                self.by_level.push((visit.level.clone(), s));
            }
        }
        self.by_month.entry(visit.date.ordinal() / 100).or_default().add(a);
    }

    pub fn merge(mut self, o: &Tally) -> Tally {
        self.persons += o.persons;
        self.persons_with_critical_illness += o.persons_with_critical_illness;
        self.totals.merge(&o.totals);
        for (s, x) in self.by_category.iter_mut().zip(&o.by_category) {
            s.merge(x);
        }
        for (s, x) in self.by_kind.iter_mut().zip(&o.by_kind) {
            s.merge(x);
        }
        for (l, x) in &o.by_level {
            match self.by_level.iter_mut().find(|(k, _)| k == l) {
                Some((_, s)) => s.merge(x),
                None => self.by_level.push((l.clone(), *x)),
            }
        }
        for (m, x) in &o.by_month {
            self.by_month.entry(*m).or_default().merge(x);
        }
        self
    }

    /// The groups with rows: (name of the grouping, key, sums), in a fixed order (categories and
    /// kinds as rules.md lists them, levels by id, months in order).
    fn groups(&self) -> Vec<(&'static str, String, Sums)> {
        let mut out = Vec::new();
        for (c, s) in Category::ALL.iter().zip(&self.by_category) {
            out.push(("by_category", c.id().to_owned(), *s));
        }
        let mut levels = self.by_level.clone();
        levels.sort_by(|a, b| a.0.cmp(&b.0));
        for (l, s) in levels {
            out.push(("by_level", l, s));
        }
        for (k, s) in Kind::ALL.iter().zip(&self.by_kind) {
            out.push(("by_kind", k.id().to_owned(), *s));
        }
        for (m, s) in &self.by_month {
            out.push(("by_month", format!("{:04}-{:02}", m / 100, m % 100), *s));
        }
        out.retain(|(_, _, s)| s.rows > 0);
        out
    }
}

/// The summary of a run.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub rows_in: u64,
    pub rows_estimated: u64,
    pub rows_rejected: u64,
    pub persons_estimated: u64,
    pub persons_rejected: u64,
    /// (id, name, tally) for each policy, the baseline first.
    pub policies: Vec<(String, String, Tally)>,
}

impl Summary {
    pub fn json(&self) -> Value {
        let base = self.policies.first().map(|p| &p.2);
        let policies: Vec<Value> = self
            .policies
            .iter()
            .enumerate()
            .map(|(i, (id, name, t))| {
                let mut p = json!({
                    "id": id,
                    "name": name,
                    "rows": t.totals.rows,
                    "persons": t.persons,
                    "persons_with_critical_illness": t.persons_with_critical_illness,
                    "totals": t.totals.json(false),
                });
                for (group, key, s) in t.groups() {
                    p[group][key] = s.json(true);
                }
                if let (true, Some(b)) = (i > 0, base) {
                    p["difference"] = difference(t, b);
                }
                p
            })
            .collect();
        json!({
            "rows_in": self.rows_in,
            "rows_estimated": self.rows_estimated,
            "rows_rejected": self.rows_rejected,
            "persons_estimated": self.persons_estimated,
            "persons_rejected": self.persons_rejected,
            "baseline": self.policies.first().map(|p| p.0.as_str()),
            "policies": policies,
        })
    }

    /// The summary as a table for standard error: the totals of each policy, and the
    /// differences of each later one from the baseline.
    pub fn table(&self) -> String {
        let mut header = vec!["".to_owned()];
        for (i, (id, _, _)) in self.policies.iter().enumerate() {
            header.push(id.clone());
            if i > 0 {
                header.push(format!("Δ {id}"));
            }
        }
        let base = self.policies.first().map(|p| &p.2);
        let mut lines: Vec<Vec<String>> = vec![header];
        let count = |label: &str, f: &dyn Fn(&Tally) -> u64| {
            let mut l = vec![label.to_owned()];
            for (i, (_, _, t)) in self.policies.iter().enumerate() {
                l.push(f(t).to_string());
                if let (true, Some(b)) = (i > 0, base) {
                    l.push(format!("{:+}", i128::from(f(t)) - i128::from(f(b))));
                }
            }
            l
        };
        lines.push(count("行数 rows", &|t| t.totals.rows));
        lines.push(count("人数 persons", &|t| t.persons));
        const NAMES: [&str; 9] = [
            "总费用 total",
            "全自费 out_of_catalog",
            "乙类先行自付 class_b_self_pay",
            "政策范围内 in_scope",
            "基本医保 basic",
            "大病保险 critical_illness",
            "医疗救助 medical_assistance",
            "报销合计 reimbursed",
            "个人负担 out_of_pocket",
        ];
        for (k, name) in NAMES.iter().enumerate() {
            let mut l = vec![(*name).to_owned()];
            for (i, (_, _, t)) in self.policies.iter().enumerate() {
                l.push(yuan(t.totals.fen[k]));
                if let (true, Some(b)) = (i > 0, base) {
                    let d = t.totals.fen[k] - b.totals.fen[k];
                    l.push(format!("{}{}", if d >= 0 { "+" } else { "" }, yuan(d)));
                }
            }
            lines.push(l);
        }
        lines.push(count("大病保险受益人数 persons with 大病", &|t| t.persons_with_critical_illness));
        // Columns padded by display width (a Chinese character takes two).
        let width = |s: &str| s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>();
        let cols = lines.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..cols).map(|c| lines.iter().filter_map(|l| l.get(c)).map(|s| width(s)).max().unwrap_or(0)).collect();
        let mut out = format!(
            "读入 {} 行，测算 {} 行，拒绝 {} 行 (rows_in {} = rows_estimated {} + rows_rejected {})\n",
            self.rows_in, self.rows_estimated, self.rows_rejected, self.rows_in, self.rows_estimated, self.rows_rejected
        );
        for l in &lines {
            for (c, s) in l.iter().enumerate() {
                let pad = widths[c].saturating_sub(width(s));
                if c == 0 {
                    out.push_str(s);
                    out.push_str(&" ".repeat(pad));
                } else {
                    out.push_str("  ");
                    out.push_str(&" ".repeat(pad));
                    out.push_str(s);
                }
            }
            out.push('\n');
        }
        out
    }
}

/// A later policy's tally less the baseline's, group by group (a group only one of them has
/// counts as zero in the other).
fn difference(t: &Tally, base: &Tally) -> Value {
    let mut d = json!({
        "persons_with_critical_illness": i128::from(t.persons_with_critical_illness) - i128::from(base.persons_with_critical_illness),
        "totals": t.totals.minus(&base.totals).json(false),
    });
    let (mine, theirs) = (t.groups(), base.groups());
    let mut keys: Vec<(&str, String)> = mine.iter().chain(&theirs).map(|(g, k, _)| (*g, k.clone())).collect();
    keys.dedup();
    let find = |gs: &[(&'static str, String, Sums)], g: &str, k: &str| gs.iter().find(|(a, b, _)| *a == g && b == k).map(|x| x.2).unwrap_or_default();
    for (g, k) in keys {
        if d.get(g).and_then(|m| m.get(&k)).is_some() {
            continue;
        }
        d[g][&k] = find(&mine, g, &k).minus(&find(&theirs, g, &k)).json(false);
    }
    d
}
