//! Reading claims (batch.md, "Claims file"): the columns a batch knows, a row's cells as a reader
//! of CSV, Parquet or JSON Lines found them, and a row read into a typed visit with the same
//! checks and messages as a case's JSON (`case::Visit::checked`, `input::fields`), addressed by
//! column name instead of `visits[i].field`.
//!
//! Rows are read straight into the engine's types, not through a JSON `Value` per row: a batch
//! reads millions of them, and building and reading a `Value` per row cost more than the
//! estimate itself.

use crate::case::{self, Visit};
use crate::date::Date;
use crate::error::Error;
use crate::input::fields::{self, Label};
use crate::input::number::{parse_decimal_number, parse_decimal_text};
use crate::money::Money;
use crate::vocabulary::{Category, Kind, Level, Referral, Vocabulary};

/// The columns a batch reads, by header name, in the order of [`Col`].
pub const COLUMNS: [&str; 14] = [
    "person_id",
    "category",
    "conditions",
    "kind",
    "level",
    "date",
    "total",
    "out_of_catalog",
    "class_b_self_pay",
    "tcm",
    "referral",
    "referred_from",
    "condition",
    "claim_id",
];

/// A column's place in [`COLUMNS`] (and in every reader's list of wanted columns, which starts
/// with them; the `--keep` columns follow).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Col {
    PersonId,
    Category,
    Conditions,
    Kind,
    Level,
    Date,
    Total,
    OutOfCatalog,
    ClassB,
    Tcm,
    Referral,
    ReferredFrom,
    Condition,
    ClaimId,
}

/// The columns a claims file must have (batch.md's table): a file without one of them stops the
/// run before anything is written.
pub const REQUIRED: [Col; 6] = [Col::PersonId, Col::Category, Col::Kind, Col::Level, Col::Date, Col::Total];

impl Col {
    pub fn name(self) -> &'static str {
        COLUMNS[self as usize]
    }
}

/// A cell as a reader found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell<'a> {
    /// No such column, an empty CSV cell, a null.
    Absent,
    /// Text: a CSV cell, a JSON or Parquet string.
    Text(&'a str),
    /// A number's digits (a JSON or Parquet number): an amount may then have an exponent, as
    /// in a case's JSON.
    Number(&'a str),
    /// A value of a kind no column holds (a JSON object, a Parquet list); the name of its kind.
    Other(&'static str),
    /// Bytes that are not UTF-8.
    NotUtf8,
}

/// Rows of cells a reader has read: the wanted columns of each (the known ones, then the kept).
/// `Sync`, so that rows are read into claims on all cores.
pub trait Rows: Sync {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn cell(&self, row: usize, col: usize) -> Cell<'_>;
    /// A fault of the whole row (a JSON Lines line that is not a JSON object).
    fn fault(&self, _row: usize) -> Option<Error> {
        None
    }
}

/// One claims row read: what the output and the rejects need of it, and its claim or why not.
#[derive(Debug)]
pub struct Read<'a> {
    pub person_id: Option<&'a str>,
    pub claim_id: Option<&'a str>,
    pub kept: Box<[Box<str>]>,
    pub claim: Result<Claim, Error>,
}

/// A row's claim: the person's category and conditions as the row gives them, and the visit.
#[derive(Debug)]
pub struct Claim {
    pub category: Category,
    pub conditions: Vec<String>,
    pub visit: Visit,
}

/// The error of a cell that is not what its column holds. `path` is the column's name.
fn wrong_kind(col: Col, label: Label, what: &str) -> Error {
    Error::new(
        "invalid_type",
        col.name(),
        format_args!("{}应为文字，不能是{what}", label.0),
        format_args!("{} must be text, not {what}", label.1),
    )
}

fn missing(col: Col, label: Label) -> Error {
    let key = col.name();
    Error::new("missing_field", key, format_args!("缺少{}（{key}）", label.0), format_args!("{} ({key}) is required", label.1))
}

fn not_utf8(col: Col) -> Error {
    Error::new("invalid_encoding", col.name(), "此列的内容不是有效的 UTF-8 文字", "the cell is not valid UTF-8 text")
}

/// A text cell; numbers only where `numbers` (ids are often numeric in claims systems).
fn text<'a>(cell: Cell<'a>, col: Col, label: Label, numbers: bool) -> Result<Option<&'a str>, Error> {
    match cell {
        Cell::Absent => Ok(None),
        Cell::Text(s) => Ok(Some(s)),
        Cell::Number(s) if numbers => Ok(Some(s)),
        Cell::Number(_) => Err(wrong_kind(col, label, "数字 (a number)")),
        Cell::Other(what) => Err(wrong_kind(col, label, what)),
        Cell::NotUtf8 => Err(not_utf8(col)),
    }
}

fn required<'a>(cell: Cell<'a>, col: Col, label: Label) -> Result<&'a str, Error> {
    text(cell, col, label, false)?.ok_or_else(|| missing(col, label))
}

fn amount(cell: Cell, col: Col, label: Label) -> Result<Option<Money>, Error> {
    let at = || col.name().to_owned();
    match cell {
        Cell::Absent => Ok(None),
        Cell::Text(s) => fields::amount_of(parse_decimal_text(s), s.starts_with('-'), at, label).map(Some),
        Cell::Number(s) => fields::amount_of(parse_decimal_number(s), s.starts_with('-'), at, label).map(Some),
        Cell::Other(_) => fields::amount_of(None, false, at, label).map(Some),
        Cell::NotUtf8 => Err(not_utf8(col)),
    }
}

fn vocab<V: Vocabulary>(cell: Cell, col: Col) -> Result<Option<V>, Error> {
    text(cell, col, V::WHAT, false)?.map(|id| fields::vocab_id::<V>(id, || col.name().to_owned())).transpose()
}

/// Reads row `i` of `rows`: its ids, its kept columns, and its claim or the first fault in it
/// (checked in the order of a case's JSON: person, then the visit's fields, then the rules
/// between them).
pub fn read(rows: &dyn Rows, i: usize, kept: usize) -> Read<'_> {
    let cell = |c: Col| rows.cell(i, c as usize);
    let ids = ("编号", "id");
    let person_id = text(cell(Col::PersonId), Col::PersonId, ("参保人编号", "person_id"), true).ok().flatten().filter(|s| !s.is_empty());
    let claim_id = text(cell(Col::ClaimId), Col::ClaimId, ids, true).ok().flatten();
    let kept = (0..kept)
        .map(|k| match rows.cell(i, COLUMNS.len() + k) {
            Cell::Text(s) | Cell::Number(s) => Box::from(s),
            _ => Box::from(""),
        })
        .collect();
    let claim = match rows.fault(i) {
        Some(e) => Err(e),
        None => claim(rows, i),
    };
    Read { person_id, claim_id, kept, claim }
}

fn claim(rows: &dyn Rows, i: usize) -> Result<Claim, Error> {
    let cell = |c: Col| rows.cell(i, c as usize);
    if text(cell(Col::PersonId), Col::PersonId, ("参保人编号", "person_id"), true)?.is_none_or(str::is_empty) {
        return Err(missing(Col::PersonId, ("参保人编号", "person_id")));
    }
    text(cell(Col::ClaimId), Col::ClaimId, ("编号", "claim_id"), true)?;
    let category = vocab::<Category>(cell(Col::Category), Col::Category)?.ok_or_else(|| missing(Col::Category, Category::WHAT))?;
    let mut conditions: Vec<String> = Vec::new();
    // `conditions`: ids separated by `;` (spaces around an id and empty parts are ignored).
    if let Some(list) = text(cell(Col::Conditions), Col::Conditions, ("慢特病", "conditions"), false)? {
        for id in list.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            if !conditions.iter().any(|c| c == id) {
                conditions.push(id.to_owned());
            }
        }
    }
    let kind = vocab::<Kind>(cell(Col::Kind), Col::Kind)?.ok_or_else(|| missing(Col::Kind, Kind::WHAT))?;
    let level = required(cell(Col::Level), Col::Level, Level::WHAT)?.to_owned();
    let date_text = required(cell(Col::Date), Col::Date, case::DATE)?;
    let date: Date = case::date(date_text, || Col::Date.name().to_owned())?;
    let total = amount(cell(Col::Total), Col::Total, case::TOTAL)?.ok_or_else(|| missing(Col::Total, case::TOTAL))?;
    let out_of_catalog = amount(cell(Col::OutOfCatalog), Col::OutOfCatalog, case::OUT_OF_CATALOG)?;
    let class_b_self_pay = amount(cell(Col::ClassB), Col::ClassB, case::CLASS_B)?;
    let tcm = amount(cell(Col::Tcm), Col::Tcm, case::TCM)?.unwrap_or(Money::ZERO);
    let referral = vocab::<Referral>(cell(Col::Referral), Col::Referral)?.unwrap_or(Referral::None);
    let referred_from = text(cell(Col::ReferredFrom), Col::ReferredFrom, Level::WHAT, false)?.map(str::to_owned);
    let condition = text(cell(Col::Condition), Col::Condition, case::CONDITION, false)?.map(str::to_owned);
    let visit = Visit { kind, level, date, total, out_of_catalog, class_b_self_pay, tcm, referral, referred_from, condition };
    let visit = visit.checked(str::to_owned)?;
    Ok(Claim { category, conditions, visit })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct One<'a>(Vec<Cell<'a>>);
    impl Rows for One<'_> {
        fn len(&self) -> usize {
            1
        }
        fn cell(&self, _: usize, col: usize) -> Cell<'_> {
            self.0.get(col).copied().unwrap_or(Cell::Absent)
        }
    }

    fn row(cells: &[(Col, Cell<'static>)]) -> One<'static> {
        let mut v = vec![Cell::Absent; COLUMNS.len()];
        for (c, x) in cells {
            v[*c as usize] = *x;
        }
        One(v)
    }

    #[test]
    fn a_row_reads_as_a_case_visit_would() {
        let base = [
            (Col::PersonId, Cell::Text("p1")),
            (Col::Category, Cell::Text("low_income")),
            (Col::Kind, Cell::Text("inpatient")),
            (Col::Level, Cell::Text("county")),
            (Col::Date, Cell::Text("2024-05-10")),
            (Col::Total, Cell::Text("1234.5")),
        ];
        let r = row(&base);
        let got = read(&r, 0, 0);
        let c = got.claim.unwrap();
        assert_eq!(got.person_id, Some("p1"));
        assert_eq!(c.visit.total.to_string(), "1234.50");
        for (col, cell, code) in [
            (Col::Total, Cell::Text("-1"), "invalid_amount"),
            (Col::Total, Cell::Text("1e3"), "invalid_amount"),
            (Col::Total, Cell::Absent, "missing_field"),
            (Col::Date, Cell::Text("2023-02-29"), "invalid_date"),
            (Col::Kind, Cell::Text("dental"), "invalid_value"),
            (Col::Level, Cell::Number("3"), "invalid_type"),
            (Col::OutOfCatalog, Cell::Text("2000"), "split_exceeds_total"),
            (Col::Condition, Cell::Text("diabetes"), "invalid_value"),
            (Col::Referral, Cell::Text("upward"), "missing_field"),
            (Col::PersonId, Cell::Text(""), "missing_field"),
        ] {
            let mut cells = base.to_vec();
            cells.retain(|(c, _)| *c != col);
            cells.push((col, cell));
            let e = read(&row(&cells), 0, 0).claim.unwrap_err();
            assert_eq!(e.code, code, "{col:?} {cell:?}: {e}");
        }
        // A JSON number may have an exponent, as in a case.
        let mut cells = base.to_vec();
        cells.push((Col::Total, Cell::Number("1.2345e3")));
        cells.remove(5);
        assert_eq!(read(&row(&cells), 0, 0).claim.unwrap().visit.total.to_string(), "1234.50");
    }
}
