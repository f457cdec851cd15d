//! Writing a batch's results (CSV or Parquet, every column text: amounts with two decimals, as
//! the contract writes them) and its rejects (CSV), rows in input order; or keeping both as Arrow
//! record batches in memory (table.rs). A group's rows are formatted on all cores, in pieces
//! written in order.

use super::files::{flush, write_error, Format};
use super::summary::{Paid, PAID_COLUMNS};
use super::Group;
use crate::error::Error;
use crate::policy::Policy;
use arrow_array::builder::{StringBuilder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_writer::{compute_leaves, ArrowColumnChunk, ArrowRowGroupWriterFactory};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The slot of a row that was not estimated.
pub(super) const REJECTED: u32 = u32::MAX;

/// What a group's rows give the writers.
pub(super) struct View<'a> {
    pub group: &'a Group,
    /// Each row's place in `paid` and `steps` (times the packs), or [`REJECTED`].
    pub slots: &'a [u32],
    /// Per row of a person, per pack (the rows of persons not estimated are left at zero and
    /// never read).
    pub paid: &'a [Paid],
    pub steps: &'a [String],
    pub policies: usize,
}

impl View<'_> {
    /// Row `i`'s cells (it was estimated), each appended to `buf` and ended at the offset pushed
    /// to `ends`.
    fn cells(&self, i: usize, paid: &[Paid], buf: &mut Vec<u8>, ends: &mut Vec<usize>) {
        let slot = self.slots[i] as usize;
        let row = &self.group.rows[i];
        match row.claim_id() {
            Some(id) => buf.extend_from_slice(id.as_bytes()),
            None => buf.extend_from_slice(itoa::Buffer::new().format(self.group.number(i)).as_bytes()),
        }
        ends.push(buf.len());
        buf.extend_from_slice(row.person_id().unwrap_or_default().as_bytes());
        ends.push(buf.len());
        if let Ok(claim) = &row.claim {
            date(buf, claim.date.ordinal());
        }
        ends.push(buf.len());
        for k in row.kept.iter() {
            buf.extend_from_slice(k.as_bytes());
            ends.push(buf.len());
        }
        for (p, a) in paid.iter().enumerate() {
            for &f in a {
                fen(buf, f);
                ends.push(buf.len());
            }
            if !self.steps.is_empty() {
                buf.extend_from_slice(self.steps[slot * self.policies + p].as_bytes());
                ends.push(buf.len());
            }
        }
    }

    /// The amounts of `rows`, per pack, in their order: gathered in one tight loop before any
    /// is formatted, because the amounts are in person order and the rows in file order, and
    /// loads that do not wait on each other overlap their cache misses.
    fn gather(&self, rows: &[usize]) -> Vec<Paid> {
        let p = self.policies;
        let mut out = Vec::with_capacity(rows.len() * p);
        for &i in rows {
            let at = self.slots[i] as usize * p;
            out.extend_from_slice(&self.paid[at..at + p]);
        }
        out
    }

    /// The rows `rows` (estimated) as record batches of [`PIECE`] rows, formatted on all cores.
    fn batches(&self, rows: &[usize], schema: &SchemaRef) -> Vec<Result<RecordBatch, String>> {
        rows.par_chunks(PIECE)
            .map(|piece| {
                let mut builders: Vec<StringBuilder> = schema.fields().iter().map(|_| StringBuilder::with_capacity(piece.len(), piece.len() * 12)).collect();
                self.each_row(piece, |cells| {
                    for (b, cell) in builders.iter_mut().zip(cells) {
                        // Every cell is UTF-8: ids and kept cells were read as text, the rest
                        // is written here.
                        b.append_value(String::from_utf8_lossy(cell));
                    }
                    Ok(())
                })?;
                let columns: Vec<ArrayRef> = builders.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef).collect();
                RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())
            })
            .collect()
    }

    /// Each of the rows `piece` (estimated), one after another, handed to `row` as its cells.
    fn each_row(&self, piece: &[usize], mut row: impl FnMut(Cells) -> Result<(), String>) -> Result<(), String> {
        let (mut buf, mut ends) = (Vec::new(), Vec::new());
        let paid = self.gather(piece);
        for (&i, a) in piece.iter().zip(paid.chunks(self.policies)) {
            buf.clear();
            ends.clear();
            self.cells(i, a, &mut buf, &mut ends);
            row(Cells { buf: &buf, ends: ends.iter(), from: 0 })?;
        }
        Ok(())
    }

    /// The estimated rows.
    fn estimated(&self) -> Vec<usize> {
        self.slots.iter().enumerate().filter_map(|(i, &s)| (s != REJECTED).then_some(i)).collect()
    }
}

/// The results' columns (the file's and the in-memory table's): ids and date, the kept
/// columns, then each pack's amounts (and steps, with `--explain`).
pub(super) fn result_columns(policies: &[&Policy], keep: &[String], explain: bool) -> Vec<String> {
    let mut names: Vec<String> = ["claim_id", "person_id", "date"].iter().map(|s| s.to_string()).collect();
    names.extend(keep.iter().cloned());
    for p in policies {
        for c in PAID_COLUMNS {
            names.push(format!("{}.{c}", p.id));
        }
        if explain {
            names.push(format!("{}.steps", p.id));
        }
    }
    names
}

/// A row's cells, as [`View::cells`] wrote them: one buffer and where each cell ends.
struct Cells<'a> {
    buf: &'a [u8],
    ends: std::slice::Iter<'a, usize>,
    from: usize,
}

impl<'a> Iterator for Cells<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let end = *self.ends.next()?;
        let cell = self.buf.get(self.from..end);
        self.from = end;
        cell
    }
}

/// Fen as yuan with two decimals.
fn fen(buf: &mut Vec<u8>, f: i64) {
    if f < 0 {
        buf.push(b'-');
    }
    let a = f.unsigned_abs();
    buf.extend_from_slice(itoa::Buffer::new().format(a / 100).as_bytes());
    let c = (a % 100) as u8;
    buf.extend_from_slice(&[b'.', b'0' + c / 10, b'0' + c % 10]);
}

/// YYYYMMDD as YYYY-MM-DD.
fn date(buf: &mut Vec<u8>, ordinal: u32) {
    let d = |n: u32| b'0' + (n % 10) as u8;
    let (y, m, day) = (ordinal / 10_000, ordinal / 100 % 100, ordinal % 100);
    buf.extend_from_slice(&[d(y / 1000), d(y / 100), d(y / 10), d(y), b'-', d(m / 10), d(m), b'-', d(day / 10), d(day)]);
}

/// The results being written: a file, or a table in memory (table.rs).
pub(super) enum Results {
    Csv { out: BufWriter<File>, path: PathBuf },
    Parquet { out: Box<ParquetOut>, schema: SchemaRef, path: PathBuf },
    Table { batches: Vec<RecordBatch>, schema: SchemaRef },
}

/// A Parquet results file, written a row group at a time with each column encoded on a worker of
/// its own (parquet's ArrowColumnWriter): `ArrowWriter::write` encodes every column on the one
/// thread that calls it, which made Parquet results 0.3 s slower than CSV for a million rows.
pub(super) struct ParquetOut {
    file: SerializedFileWriter<File>,
    columns: ArrowRowGroupWriterFactory,
}

impl ParquetOut {
    /// `batches` (of `schema`) as the next row group.
    fn row_group(&mut self, schema: &SchemaRef, batches: &[RecordBatch]) -> parquet::errors::Result<()> {
        let writers = self.columns.create_column_writers(self.file.flushed_row_groups().len())?;
        // The schema is flat (every column text), so each field is one leaf, one writer.
        if writers.len() != schema.fields().len() {
            return Err(parquet::errors::ParquetError::General(format!("{} column writers for {} columns", writers.len(), schema.fields().len())));
        }
        // Every column encoded before the row group is begun, so that an error leaves no row
        // group half written.
        let chunks: Vec<ArrowColumnChunk> = writers
            .into_par_iter()
            .zip(schema.fields().par_iter())
            .enumerate()
            .map(|(c, (mut writer, field))| {
                for batch in batches {
                    for leaf in compute_leaves(field, batch.column(c))? {
                        writer.write(&leaf)?;
                    }
                }
                writer.close()
            })
            .collect::<parquet::errors::Result<_>>()?;
        let mut group = self.file.next_row_group()?;
        for chunk in chunks {
            chunk.append_to_row_group(&mut group)?;
        }
        group.close()?;
        Ok(())
    }
}

/// The results' schema: every column text.
fn text_schema(names: &[String]) -> SchemaRef {
    Arc::new(Schema::new(names.iter().map(|n| Field::new(n, DataType::Utf8, false)).collect::<Vec<_>>()))
}

/// Rows formatted by one worker at a time.
const PIECE: usize = 8192;

impl Results {
    pub fn new(file: File, format: Format, path: &Path, policies: &[&Policy], keep: &[String], explain: bool) -> Result<Results, Error> {
        let names = result_columns(policies, keep, explain);
        let err = |e: &dyn std::fmt::Display| write_error("out", path, e);
        match format {
            Format::Parquet => {
                let schema = text_schema(&names);
                // No dictionary pages: ids are all different and amounts nearly so, and building
                // dictionaries for them cost 0.2 s of a million rows for a file 2% smaller.
                let props = WriterProperties::builder().set_compression(Compression::SNAPPY).set_dictionary_enabled(false).build();
                // ArrowWriter sets the file up (the Arrow schema in its metadata); its row groups
                // are then written by ParquetOut.
                let (file, columns) = ArrowWriter::try_new(file, schema.clone(), Some(props)).and_then(ArrowWriter::into_serialized_writer).map_err(|e| err(&e))?;
                Ok(Results::Parquet { out: Box::new(ParquetOut { file, columns }), schema, path: path.to_owned() })
            }
            _ => {
                let mut out = BufWriter::with_capacity(1 << 20, file);
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(&names).map_err(|e| err(&e))?;
                out.write_all(&w.into_inner().map_err(|e| err(&e))?).map_err(|e| err(&e))?;
                Ok(Results::Csv { out, path: path.to_owned() })
            }
        }
    }

    /// Results kept in memory (see [`Results::into_table`]).
    pub fn table(policies: &[&Policy], keep: &[String]) -> Results {
        Results::Table { batches: Vec::new(), schema: text_schema(&result_columns(policies, keep, false)) }
    }

    /// The results kept in memory: their schema, and record batches of [`PIECE`] rows (not
    /// joined into one: that would hold every result twice).
    pub fn into_table(self) -> Result<(SchemaRef, Vec<RecordBatch>), Error> {
        match self {
            Results::Table { batches, schema } => Ok((schema, batches)),
            _ => Err(internal(&"not a table")),
        }
    }

    pub fn write(&mut self, view: &View) -> Result<(), Error> {
        let rows = view.estimated();
        match self {
            Results::Csv { out, path } => {
                // What is written goes to the disk while the next window is formatted: a thread
                // syncs the file after each window (its errors are close()'s final sync's), so
                // that the final sync has little left to wait for.
                let file = out.get_ref().try_clone().map_err(|e| write_error("out", path, e))?;
                let (synced, sync) = std::sync::mpsc::channel::<()>();
                std::thread::scope(|scope| -> Result<(), Error> {
                    scope.spawn(move || {
                        while sync.recv().is_ok() {
                            while sync.try_recv().is_ok() {}
                            let _ = file.sync_data();
                        }
                    });
                    let synced = synced;
                    // A bounded window of pieces at a time, formatted on all cores, written in order.
                    for window in rows.chunks(PIECE * 16) {
                        let pieces: Vec<Result<Vec<u8>, String>> = window
                            .par_chunks(PIECE)
                            .map(|piece| {
                                let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::with_capacity(piece.len() * 96));
                                view.each_row(piece, |cells| {
                                    for cell in cells {
                                        w.write_field(cell).map_err(|e| e.to_string())?;
                                    }
                                    w.write_record(None::<&[u8]>).map_err(|e| e.to_string())
                                })?;
                                w.into_inner().map_err(|e| e.to_string())
                            })
                            .collect();
                        for piece in pieces {
                            let piece = piece.map_err(|e| write_error("out", path, e))?;
                            out.write_all(&piece).map_err(|e| write_error("out", path, e))?;
                        }
                        flush(out, "out", path)?;
                        let _ = synced.send(());
                    }
                    Ok(())
                })
            }
            Results::Parquet { out, schema, path } => {
                // A row group of up to 131,072 rows at a time (DuckDB's are 122,880).
                for window in rows.chunks(PIECE * 16) {
                    let batches = view.batches(window, schema).into_iter().collect::<Result<Vec<_>, _>>().map_err(|e| write_error("out", path, e))?;
                    out.row_group(schema, &batches).map_err(|e| write_error("out", path, e))?;
                }
                Ok(())
            }
            Results::Table { batches, schema } => {
                for batch in view.batches(&rows, schema) {
                    batches.push(batch.map_err(|e| internal(&e))?);
                }
                Ok(())
            }
        }
    }

    pub fn close(self) -> Result<(), Error> {
        match self {
            Results::Csv { mut out, path } => {
                flush(&mut out, "out", &path)?;
                out.into_inner().map_err(|e| write_error("out", &path, e.error()))?.sync_all().map_err(|e| write_error("out", &path, e))
            }
            // On the disk before it is renamed into place, as the CSV is.
            Results::Parquet { out, path, .. } => out.file.into_inner().map_err(|e| write_error("out", &path, e))?.sync_all().map_err(|e| write_error("out", &path, e)),
            Results::Table { .. } => Ok(()),
        }
    }
}

/// The rejected rows — row, claim_id (the row's number when it has none), column, code, message
/// (Chinese, then English in brackets) — in a file, or in a table in memory (table.rs).
pub(super) enum Rejects {
    File { out: Box<csv::Writer<BufWriter<File>>>, path: PathBuf },
    Table(Box<RejectsTable>),
}

#[derive(Default)]
pub(super) struct RejectsTable {
    row: UInt64Builder,
    claim_id: StringBuilder,
    column: StringBuilder,
    code: StringBuilder,
    message: StringBuilder,
}

impl Rejects {
    pub fn new(file: File, path: &Path) -> Result<Rejects, Error> {
        let mut out = csv::Writer::from_writer(BufWriter::new(file));
        out.write_record(["row", "claim_id", "column", "code", "message"]).map_err(|e| write_error("rejects", path, e))?;
        Ok(Rejects::File { out: Box::new(out), path: path.to_owned() })
    }

    pub fn table() -> Rejects {
        Rejects::Table(Box::default())
    }

    pub fn row(&mut self, number: u64, claim_id: Option<&str>, column: &str, code: &str, message: &str) -> Result<(), Error> {
        let n = number.to_string();
        match self {
            Rejects::File { out, path } => out.write_record([n.as_str(), claim_id.unwrap_or(&n), column, code, message]).map_err(|e| write_error("rejects", path, e)),
            Rejects::Table(t) => {
                t.row.append_value(number);
                t.claim_id.append_value(claim_id.unwrap_or(&n));
                t.column.append_value(column);
                t.code.append_value(code);
                t.message.append_value(message);
                Ok(())
            }
        }
    }

    pub fn close(self) -> Result<(), Error> {
        match self {
            Rejects::File { mut out, path } => out.flush().map_err(|e| write_error("rejects", &path, e)),
            Rejects::Table(_) => Ok(()),
        }
    }

    /// The rejects kept in memory, as one record batch (`row` a number, the rest text).
    pub fn into_table(self) -> Result<RecordBatch, Error> {
        let Rejects::Table(mut t) = self else { return Err(internal(&"not a table")) };
        let text = |n: &str| Field::new(n, DataType::Utf8, false);
        let schema = Schema::new(vec![Field::new("row", DataType::UInt64, false), text("claim_id"), text("column"), text("code"), text("message")]);
        let columns: Vec<ArrayRef> =
            vec![Arc::new(t.row.finish()), Arc::new(t.claim_id.finish()), Arc::new(t.column.finish()), Arc::new(t.code.finish()), Arc::new(t.message.finish())];
        RecordBatch::try_new(Arc::new(schema), columns).map_err(|e| internal(&e))
    }
}

/// A table in memory that cannot be put together: an engine defect.
fn internal(e: &dyn std::fmt::Display) -> Error {
    Error::new("internal_guard", "", format_args!("无法组装结果表：{e}"), format_args!("cannot assemble the results table: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_are_written_as_the_summary_writes_them() {
        for f in [0_i64, 5, 10, 99, 100, 123_456, -1, -1205, i64::MAX, i64::MIN] {
            let mut buf = Vec::new();
            super::fen(&mut buf, f);
            assert_eq!(String::from_utf8(buf).unwrap(), super::super::summary::yuan(i128::from(f)), "{f}");
        }
    }
}
