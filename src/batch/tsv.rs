//! `yibao batch --stdin-tsv COLUMNS`: claims as tab-separated rows on standard input, results as
//! tab-separated rows on standard output — the script of a Hive / Spark SQL
//! `TRANSFORM (…) USING 'yibao batch --stdin-tsv …'` on platforms without Python on the workers
//! (batch.md). The query sends each partition's rows (`DISTRIBUTE BY person_id SORT BY
//! person_id, date`) to one process.
//!
//! TRANSFORM's conventions decide the shape: no header (the columns are named on the command
//! line, in the order of the SELECT), `\N` for NULL, no quoting; and a script that exits non-zero
//! fails the query, so rejected rows do not stop the run: each is written to standard error as a
//! tab-separated line (row, claim_id, column, code, message), which the platform keeps in the
//! task's log, and the count is in the summary there too. The rows go through the in-memory path
//! (table.rs), so results equal `yibao batch` over the same rows.

use super::table;
use crate::error::Error;
use arrow_array::builder::StringBuilder;
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use std::io::{Read, Write};
use std::sync::Arc;

/// Hive's and Spark's text for NULL.
const NULL: &[u8] = b"\\N";

/// Reads `input` as rows of `columns`, estimates them under the `--policy` specs (bundled ids or
/// pack files), writes the results to `out` and the rejects to `err`. The results are the
/// columns of batch.md without a header: `claim_id`, `person_id`, `date`, the kept columns, then
/// each pack's six amounts.
pub fn run(columns: &[String], policies: &[String], keep: &[String], input: impl Read, out: impl Write, mut err: impl Write) -> Result<super::summary::Summary, Error> {
    let held = policies.iter().map(|p| super::load_policy(p)).collect::<Result<Vec<_>, _>>()?;
    let packs: Vec<&crate::Policy> = held.iter().map(|h| h.get()).collect();
    let batch = read(columns, input)?;
    let schema = batch.schema();
    let done = table::run(&schema, std::slice::from_ref(&batch), &packs, keep)?;
    let io = |e: std::io::Error| Error::new("io", "stdout", format_args!("无法写出结果：{e}"), format_args!("cannot write the results: {e}"));
    let mut out = std::io::BufWriter::new(out);
    for batch in &done.results {
        write_rows(batch, &mut out).map_err(io)?;
    }
    out.flush().map_err(io)?;
    write_rows(&done.rejects, &mut err).map_err(io)?;
    Ok(done.summary)
}

/// Standard input's rows as one record batch of text columns (`\N` a null).
fn read(columns: &[String], input: impl Read) -> Result<RecordBatch, Error> {
    if columns.is_empty() {
        return Err(Error::new("usage", "--stdin-tsv", "--stdin-tsv 后须列出各列的名称，用逗号分隔", "--stdin-tsv needs the columns' names, comma-separated"));
    }
    let mut reader = csv::ReaderBuilder::new().delimiter(b'\t').has_headers(false).quoting(false).flexible(false).from_reader(input);
    let mut builders: Vec<StringBuilder> = columns.iter().map(|_| StringBuilder::new()).collect();
    let mut record = csv::ByteRecord::new();
    let mut line = 0u64;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(Error::new("invalid_claims", "stdin", format_args!("标准输入第 {} 行无法读取：{e}", line + 1), format_args!("line {} of standard input cannot be read: {e}", line + 1)));
            }
        }
        line += 1;
        if record.len() != columns.len() {
            return Err(Error::new(
                "invalid_claims",
                "stdin",
                format_args!("标准输入第 {line} 行有 {} 列，--stdin-tsv 列出了 {} 列", record.len(), columns.len()),
                format_args!("line {line} of standard input has {} fields; --stdin-tsv names {}", record.len(), columns.len()),
            ));
        }
        for (b, cell) in builders.iter_mut().zip(record.iter()) {
            if cell == NULL {
                b.append_null();
            } else {
                b.append_value(String::from_utf8_lossy(cell));
            }
        }
    }
    let schema = Schema::new(columns.iter().map(|c| Field::new(c, DataType::Utf8, true)).collect::<Vec<_>>());
    let arrays: Vec<ArrayRef> = builders.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef).collect();
    RecordBatch::try_new(Arc::new(schema), arrays).map_err(|e| Error::new("invalid_claims", "stdin", format_args!("无法组装理赔表：{e}"), format_args!("cannot assemble the claims: {e}")))
}

/// A batch's rows as tab-separated lines (text and whole-number columns, as table.rs makes them).
fn write_rows(batch: &RecordBatch, out: &mut impl Write) -> std::io::Result<()> {
    for row in 0..batch.num_rows() {
        for (i, column) in batch.columns().iter().enumerate() {
            if i > 0 {
                out.write_all(b"\t")?;
            }
            if column.is_null(row) {
                out.write_all(NULL)?;
            } else if let Some(text) = column.as_any().downcast_ref::<StringArray>() {
                // A tab or a line break inside a message would split the row: written as spaces.
                out.write_all(text.value(row).replace(['\t', '\n', '\r'], " ").as_bytes())?;
            } else if let Some(n) = column.as_any().downcast_ref::<UInt64Array>() {
                write!(out, "{}", n.value(row))?;
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}
