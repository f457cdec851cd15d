//! `yibao batch` over Arrow record batches held in memory (batch.md, "Python and distributed
//! engines"): the Python package's `yibao.batch`, and Spark's `mapInArrow` through it, hand the
//! engine Arrow batches, not files, and want Arrow batches back.
//!
//! The rows are read by the claims files' own reader ([`claims::read`] over [`Text`] cells, as a
//! Parquet file's columns are), grouped by person in input order, each person checked as a whole
//! (one bad row rejects all of their rows) and estimated under every pack, as `yibao batch` does
//! in mod.rs: the same codes and messages, the same amounts, to the fen. What differs is only
//! where rows come from and go to — so this file repeats mod.rs's few lines of grouping rather
//! than reshaping that module's file-bound loop; the checks of an estimate's errors (`place_in`,
//! `in_fen`, `Cause`) are mod.rs's own. tests/batch_table.rs holds the two to the same results.

use super::claims::{self, Claim, Rows, COLUMNS, REQUIRED};
use super::files::Text;
use super::summary::{Summary, Tally, CRITICAL_ILLNESS, PAID_FROM};
use super::write::result_columns;
use super::{in_fen, inconsistent_category, place_in, too_many, too_many_rows, Cause};
use crate::case::{Person, Visit, YearToDate, MAX_VISITS};
use crate::error::Error;
use crate::policy::{bundled, Policy};
use crate::rules::estimate::{amounts_of, Amounts};
use crate::vocabulary::Category;
use arrow_array::builder::{StringBuilder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::Value;
use std::fmt::Write as _;
use std::sync::Arc;

/// A pack of a run: a bundled one, or one given as JSON.
pub enum Pack {
    Bundled(&'static Policy),
    Own(Box<Policy>),
}

impl Pack {
    /// A bundled pack's id (a JSON string) or a pack (a JSON object, whose `extends` names a
    /// bundled pack).
    pub fn of(value: &Value) -> Result<Pack, Error> {
        match value {
            Value::String(id) => bundled::by_id(id).map(Pack::Bundled),
            _ => crate::load_policy(value).map(|p| Pack::Own(Box::new(p))),
        }
    }

    pub fn get(&self) -> &Policy {
        match self {
            Pack::Bundled(p) => p,
            Pack::Own(p) => p,
        }
    }
}

/// What a run gives: the estimated rows (batch.md's results columns, every cell text), the
/// rejected rows (`row`, `claim_id`, `column`, `code`, `message`, as the rejects file), and
/// the summary.
pub struct Output {
    pub results: RecordBatch,
    pub rejects: RecordBatch,
    pub summary: Summary,
}

const NO_PERSON: u32 = u32::MAX;

struct Row {
    /// 1-based, over all the batches.
    number: u64,
    person: u32,
    claim_id: Option<Box<str>>,
    kept: Box<[Box<str>]>,
    claim: Option<Result<Claim, Error>>,
}

/// A batch's wanted columns (the known ones, then the kept) as cells.
struct BatchRows {
    columns: Vec<Option<Text>>,
    rows: usize,
}

impl Rows for BatchRows {
    fn len(&self) -> usize {
        self.rows
    }

    fn cell(&self, row: usize, col: usize) -> claims::Cell<'_> {
        match self.columns.get(col) {
            Some(Some(text)) => text.cell(row),
            _ => claims::Cell::Absent,
        }
    }
}

/// The schema's columns for [`COLUMNS`] then `keep`; a required or kept column missing stops the
/// run (`missing_column`, as for a file).
fn columns(schema: &Schema, keep: &[String]) -> Result<Vec<Option<usize>>, Error> {
    let position = |name: &str| schema.fields().iter().position(|f| f.name() == name);
    for col in REQUIRED.iter().map(|c| c.name()).chain(keep.iter().map(String::as_str)) {
        if position(col).is_none() {
            return Err(Error::new(
                "missing_column",
                col,
                format_args!("理赔表缺少“{col}”列"),
                format_args!("the claims table has no column \"{col}\""),
            ));
        }
    }
    Ok(COLUMNS.iter().copied().chain(keep.iter().map(String::as_str)).map(position).collect())
}

/// Estimates the claims in `batches` (all of `schema`) under `policies` (the first is the
/// baseline of the summary). Rows are taken in order, over all the batches.
pub fn run(schema: &Schema, batches: &[RecordBatch], policies: &[&Policy], keep: &[String]) -> Result<Output, Error> {
    if policies.is_empty() {
        return Err(Error::new("missing_field", "policies", "请至少指定一个政策包（policies）", "name at least one policy pack (policies)"));
    }
    for (i, p) in policies.iter().enumerate() {
        if policies[..i].iter().any(|q| q.id == p.id) {
            return Err(Error::new(
                "duplicate_policy",
                "policies",
                format_args!("政策包 {} 指定了两次；结果的列以政策包 id 命名，须各不相同", p.id),
                format_args!("policy {} is given twice; result columns are named by pack id, which must differ", p.id),
            ));
        }
    }
    let map = columns(schema, keep)?;

    // Rows read into claims on all cores, batch by batch; persons numbered in order of their
    // first row.
    let mut rows: Vec<Row> = Vec::with_capacity(batches.iter().map(RecordBatch::num_rows).sum());
    let mut ids: Vec<Box<str>> = Vec::new();
    let mut index: FxHashMap<Box<str>, u32> = FxHashMap::default();
    let mut number: u64 = 0;
    for batch in batches {
        if batch.num_columns() != schema.fields().len() {
            return Err(Error::new("invalid_claims", "claims", "理赔表各批次的列不一致", "the claims table's batches differ in their columns"));
        }
        let cells = BatchRows { columns: map.iter().map(|m| m.map(|i| Text::of(batch.column(i)))).collect(), rows: batch.num_rows() };
        let read: Vec<claims::Read> = (0..cells.rows).into_par_iter().map(|i| claims::read(&cells, i, keep.len())).collect();
        for r in read {
            number += 1;
            let person = match r.person_id {
                None => NO_PERSON,
                Some(id) => match index.get(id) {
                    Some(&p) => p,
                    None => {
                        let p = u32::try_from(ids.len()).ok().filter(|&p| p != NO_PERSON).ok_or_else(too_many)?;
                        ids.push(Box::from(id));
                        index.insert(Box::from(id), p);
                        p
                    }
                },
            };
            rows.push(Row { number, person, claim_id: r.claim_id.map(Box::from), kept: r.kept, claim: Some(r.claim) });
        }
    }
    drop(index);

    // Each person's rows, in input order.
    let mut mine: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];
    for (i, r) in rows.iter().enumerate() {
        if r.person != NO_PERSON {
            mine[r.person as usize].push(i as u32);
        }
    }

    // Each person checked as a whole, and those that pass gathered into cases.
    let mut causes: Vec<Option<Cause>> = vec![None; ids.len()];
    let mut cases: Vec<Case> = Vec::new();
    for (p, rows_of) in mine.into_iter().enumerate() {
        if let Some(cause) = person_fault(&rows, &rows_of) {
            causes[p] = Some(cause);
            continue;
        }
        let (mut category, mut conditions, mut condition_rows, mut visits) = (Category::Ordinary, Vec::<String>::new(), Vec::new(), Vec::with_capacity(rows_of.len()));
        for &r in &rows_of {
            let Some(Ok(claim)) = rows[r as usize].claim.take() else { continue };
            category = claim.category;
            for c in claim.conditions {
                if !conditions.contains(&c) {
                    conditions.push(c);
                    condition_rows.push(r);
                }
            }
            visits.push(claim.visit);
        }
        cases.push(Case { person: p as u32, data: Person { category, conditions, year_to_date: YearToDate::default() }, visits, condition_rows, rows: rows_of });
    }

    // Every person under every pack, on all cores.
    let outs: Vec<Result<Estimated, Cause>> = cases.par_iter().map(|c| estimate_person(c, policies)).collect();

    let n_packs = policies.len();
    // Per row: (case, visit) when estimated.
    let mut slot: Vec<Option<(u32, u32)>> = vec![None; rows.len()];
    let mut estimated: Vec<Option<Estimated>> = Vec::with_capacity(cases.len());
    let mut summary = Summary::default();
    for (k, (case, out)) in cases.iter().zip(outs).enumerate() {
        match out {
            Err(cause) => {
                causes[case.person as usize] = Some(cause);
                estimated.push(None);
            }
            Ok(est) => {
                for (v, &r) in case.rows.iter().enumerate() {
                    slot[r as usize] = Some((k as u32, v as u32));
                }
                summary.persons_estimated += 1;
                estimated.push(Some(est));
            }
        }
    }
    // The summary's tallies, on all cores.
    let fresh = || (0..n_packs).map(|_| Tally::default()).collect::<Vec<Tally>>();
    let tallies = cases
        .par_chunks(4096)
        .zip(estimated.par_chunks(4096))
        .map(|(cases, estimated)| {
            let mut t = fresh();
            for (case, est) in cases.iter().zip(estimated) {
                let Some(est) = est else { continue };
                for (p, t) in t.iter_mut().enumerate() {
                    t.persons += 1;
                    t.persons_with_critical_illness += u64::from(est.critical[p]);
                    for (v, visit) in case.visits.iter().enumerate() {
                        t.add(case.data.category, visit, &est.amounts[v * n_packs + p]);
                    }
                }
            }
            t
        })
        .reduce(fresh, |a, b| a.into_iter().zip(&b).map(|(x, y)| x.merge(y)).collect());
    summary.policies = policies.iter().zip(tallies).map(|(p, t)| (p.id.clone(), p.name.clone(), t)).collect();
    summary.persons_rejected = causes.iter().filter(|c| c.is_some()).count() as u64;
    summary.rows_in = number;

    // The results, rows in input order.
    let names = result_columns(policies, keep, false);
    let count = slot.iter().filter(|s| s.is_some()).count();
    let mut builders: Vec<StringBuilder> = names.iter().map(|_| StringBuilder::with_capacity(count, count * 10)).collect();
    // One buffer for every formatted cell (dates and amounts), not a String each.
    let mut text = String::new();
    let mut rejects = RejectsBuilder::default();
    for (i, row) in rows.iter_mut().enumerate() {
        let Some((k, v)) = slot[i] else {
            summary.rows_rejected += 1;
            let own = match row.claim.take() {
                Some(Err(e)) => Some(e),
                _ => None,
            };
            let cause = (row.person != NO_PERSON).then(|| causes[row.person as usize].as_ref()).flatten();
            match (cause, own) {
                (Some(c), _) if c.row as usize == i => rejects.push(row, c.error.path.as_str(), c.error.code, &c.error.message),
                (_, Some(e)) => rejects.push(row, e.path.as_str(), e.code, &e.message),
                (Some(c), None) => {
                    let at = c.row as usize + 1;
                    let message = format!("该参保人的第 {at} 行被拒绝，其全部就诊记录一并拒绝（all rows of this person are rejected with row {at}）");
                    rejects.push(row, "person_id", "person_rejected", &message);
                }
                (None, None) => rejects.push(row, "", "internal_guard", "此行未被测算，这是程序的缺陷 (the row was not estimated: an engine defect)"),
            }
            continue;
        };
        // Estimated: its person's estimate is there (a row's slot is set only then).
        let (case, Some(est)) = (&cases[k as usize], &estimated[k as usize]) else { continue };
        summary.rows_estimated += 1;
        let mut b = builders.iter_mut();
        let mut put = |s: &str| {
            if let Some(b) = b.next() {
                b.append_value(s);
            }
        };
        match &row.claim_id {
            Some(id) => put(id),
            None => put(itoa::Buffer::new().format(row.number)),
        }
        put(&ids[row.person as usize]);
        text.clear();
        let _ = write!(text, "{}", case.visits[v as usize].date);
        put(&text);
        for kept in row.kept.iter() {
            put(kept);
        }
        for p in 0..n_packs {
            let a = &est.amounts[v as usize * n_packs + p];
            for &f in &a[PAID_FROM..] {
                text.clear();
                yuan_into(&mut text, f);
                put(&text);
            }
        }
    }
    let schema: SchemaRef = Arc::new(Schema::new(names.iter().map(|n| Field::new(n, DataType::Utf8, false)).collect::<Vec<_>>()));
    let columns: Vec<ArrayRef> = builders.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef).collect();
    let results = RecordBatch::try_new(schema, columns).map_err(internal)?;
    Ok(Output { results, rejects: rejects.finish()?, summary })
}

struct Case {
    person: u32,
    data: Person,
    visits: Vec<Visit>,
    /// For each of `data.conditions`, the row that first named it.
    condition_rows: Vec<u32>,
    rows: Vec<u32>,
}

/// Per visit, per pack, the nine amounts in fen; whether 大病 paid anything, per pack.
struct Estimated {
    amounts: Vec<[i64; 9]>,
    critical: Vec<bool>,
}

#[derive(Default)]
struct RejectsBuilder {
    row: UInt64Builder,
    claim_id: StringBuilder,
    column: StringBuilder,
    code: StringBuilder,
    message: StringBuilder,
}

impl RejectsBuilder {
    fn push(&mut self, row: &Row, column: &str, code: &str, message: &str) {
        self.row.append_value(row.number);
        match &row.claim_id {
            Some(id) => self.claim_id.append_value(id),
            None => self.claim_id.append_value(itoa::Buffer::new().format(row.number)),
        }
        self.column.append_value(column);
        self.code.append_value(code);
        self.message.append_value(message);
    }

    fn finish(mut self) -> Result<RecordBatch, Error> {
        let text = |n: &str| Field::new(n, DataType::Utf8, false);
        let schema = Schema::new(vec![Field::new("row", DataType::UInt64, false), text("claim_id"), text("column"), text("code"), text("message")]);
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.row.finish()),
            Arc::new(self.claim_id.finish()),
            Arc::new(self.column.finish()),
            Arc::new(self.code.finish()),
            Arc::new(self.message.finish()),
        ];
        RecordBatch::try_new(Arc::new(schema), columns).map_err(internal)
    }
}

/// Fen as yuan with two decimals, as [`super::summary::yuan`] writes them, into `out`.
fn yuan_into(out: &mut String, fen: i64) {
    if fen < 0 {
        out.push('-');
    }
    let a = fen.unsigned_abs();
    out.push_str(itoa::Buffer::new().format(a / 100));
    let c = (a % 100) as u8;
    out.push('.');
    out.push(char::from(b'0' + c / 10));
    out.push(char::from(b'0' + c % 10));
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::new("internal_guard", "", format_args!("无法组装结果表：{e}"), format_args!("cannot assemble the results table: {e}"))
}

/// A person's first fault (as mod.rs's `person_fault`): a row that could not be read, a category
/// that differs from their first row's, more visits than a case may have.
fn person_fault(rows: &[Row], mine: &[u32]) -> Option<Cause> {
    let mut category = None;
    for (k, &r) in mine.iter().enumerate() {
        match rows[r as usize].claim.as_ref() {
            Some(Err(e)) => return Some(Cause { row: r, error: e.clone() }),
            Some(Ok(c)) => match category {
                None => category = Some(c.category),
                Some(first) if first != c.category => {
                    return Some(Cause { row: r, error: inconsistent_category(first, c.category) })
                }
                Some(_) => {}
            },
            None => {}
        }
        if k == MAX_VISITS {
            return Some(Cause { row: r, error: too_many_rows() });
        }
    }
    None
}

fn estimate_person(case: &Case, policies: &[&Policy]) -> Result<Estimated, Cause> {
    let n = case.visits.len();
    let mut out = Estimated { amounts: vec![[0; 9]; n * policies.len()], critical: Vec::with_capacity(policies.len()) };
    for (p, policy) in policies.iter().enumerate() {
        let place = |e: Error| place_in(&case.rows, &case.condition_rows, policies, p, e);
        let amounts: Vec<Amounts> = amounts_of(&case.data, &case.visits, policy).map_err(place)?;
        let mut critical = false;
        for (k, a) in amounts.iter().enumerate() {
            let fen = in_fen(a).ok_or_else(|| place(crate::money::Overflow.into()))?;
            critical |= fen[CRITICAL_ILLNESS] > 0;
            out.amounts[k * policies.len() + p] = fen;
        }
        out.critical.push(critical);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_are_written_as_the_summary_writes_them() {
        for fen in [0_i64, 5, 10, 99, 100, 123_456, -1, -1205, i64::MAX, i64::MIN] {
            let mut s = String::new();
            super::yuan_into(&mut s, fen);
            assert_eq!(s, super::super::summary::yuan(i128::from(fen)), "{fen}");
        }
    }
}
