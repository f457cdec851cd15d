//! The files of a batch: claims read from CSV (the `csv` crate), Parquet (the `parquet` crate's
//! Arrow reader) or JSON Lines (serde_json, numbers with their digits), chunk by chunk (or from
//! Arrow record batches in memory, as Parquet's are, for table.rs); results
//! written as CSV or Parquet; and every output staged in a temporary file beside its destination,
//! renamed into place only when the whole run has succeeded, so that no output is ever left
//! half-written.

use super::claims::{Cell, Rows, COLUMNS, REQUIRED};
use crate::error::Error;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Schema};
use std::fs::File;
use std::io::{BufRead, BufReader, Read as _, Write};
use std::path::{Path, PathBuf};

/// A claims or results file's format, by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
    JsonLines,
}

impl Format {
    /// `.csv`, `.parquet` (or `.pq`), `.jsonl` (or `.ndjson`), in any case.
    pub fn of(path: &Path, what: &'static str) -> Result<Format, Error> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Ok(Format::Csv),
            "parquet" | "pq" => Ok(Format::Parquet),
            "jsonl" | "ndjson" => Ok(Format::JsonLines),
            _ => Err(Error::new(
                "unsupported_format",
                what,
                format_args!("无法根据扩展名判断文件格式：{}（可用 .csv、.parquet、.jsonl）", path.display()),
                format_args!("cannot tell the format of {} from its extension (use .csv, .parquet or .jsonl)", path.display()),
            )),
        }
    }
}

pub fn io_error(what: &'static str, path: &Path, doing: (&str, &str), e: impl std::fmt::Display) -> Error {
    Error::new("io", what, format_args!("{}{}失败：{e}", doing.0, path.display()), format_args!("cannot {} {}: {e}", doing.1, path.display()))
}

/// The columns a reader is asked for: the known ones ([`COLUMNS`]), then the kept ones.
fn wanted(keep: &[String]) -> Vec<&str> {
    COLUMNS.iter().copied().chain(keep.iter().map(String::as_str)).collect()
}

/// A file's header lacks a column the run needs: the run stops before writing anything.
fn check_header(path: &Path, present: impl Fn(&str) -> bool, keep: &[String]) -> Result<(), Error> {
    let missing = |col: &str| {
        Error::new(
            "missing_column",
            col,
            format_args!("理赔文件 {} 缺少“{col}”列", path.display()),
            format_args!("the claims file {} has no column \"{col}\"", path.display()),
        )
    };
    check_columns(present, keep, missing)
}

/// Every required column and every kept one is there, or the error `missing` gives for the
/// first that is not.
fn check_columns(present: impl Fn(&str) -> bool, keep: &[String], missing: impl Fn(&str) -> Error) -> Result<(), Error> {
    match REQUIRED.iter().map(|c| c.name()).chain(keep.iter().map(String::as_str)).find(|c| !present(c)) {
        Some(col) => Err(missing(col)),
        None => Ok(()),
    }
}

/// Claims being read, chunk by chunk.
pub enum Claims {
    /// `spare`: the records of chunks already read, reused (no allocation per row): the chunks
    /// are parsed while the next are read, so a few are out at a time.
    Csv { reader: csv::Reader<BufReader<File>>, map: Vec<Option<usize>>, size: u64, spare: Vec<Vec<csv::ByteRecord>> },
    Parquet { batches: parquet::arrow::arrow_reader::ParquetRecordBatchReader, map: Vec<Option<usize>>, rows: u64, done: u64, path: PathBuf },
    Json { lines: std::io::Lines<BufReader<File>>, wanted: Vec<String>, size: u64, read: u64, path: PathBuf },
    /// Arrow record batches held in memory (table.rs), read as a Parquet file's are.
    Table { batches: Vec<RecordBatch>, next: usize, map: Vec<Option<usize>>, width: usize, rows: u64, done: u64 },
}

/// A chunk of claims read, with the wanted columns of its rows.
pub enum Chunk {
    Csv { records: Vec<csv::ByteRecord>, map: Vec<Option<usize>> },
    /// A record batch's (Parquet's, or one held in memory).
    Arrow { columns: Vec<Option<Text>>, rows: usize },
    Json { rows: Vec<Result<serde_json::Map<String, serde_json::Value>, Error>>, wanted: Vec<String> },
}

impl Claims {
    /// Opens a claims file and reads its header (CSV), schema (Parquet) or nothing (JSON Lines:
    /// each line names its own fields, so a missing required field is a fault of that row).
    pub fn open(path: &Path, keep: &[String]) -> Result<Claims, Error> {
        let format = Format::of(path, "claims")?;
        let file = File::open(path).map_err(|e| io_error("claims", path, ("读取", "read"), e))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let wanted = wanted(keep);
        match format {
            Format::Csv => {
                let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(BufReader::with_capacity(1 << 20, file));
                let header = reader.byte_headers().map_err(|e| csv_error(path, e))?.clone();
                // A leading byte-order mark (Excel writes one) is not part of the first name.
                let names: Vec<String> = header
                    .iter()
                    .enumerate()
                    .map(|(i, h)| {
                        let h = if i == 0 { h.strip_prefix("\u{feff}".as_bytes()).unwrap_or(h) } else { h };
                        String::from_utf8_lossy(h).trim().to_owned()
                    })
                    .collect();
                check_header(path, |c| names.iter().any(|n| n == c), keep)?;
                let map = wanted.iter().map(|w| names.iter().position(|n| n == w)).collect();
                Ok(Claims::Csv { reader, map, size, spare: Vec::new() })
            }
            Format::Parquet => {
                let builder = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| parquet_error(path, e))?;
                let rows = u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
                let fields = builder.schema().fields().clone();
                check_header(path, |c| fields.iter().any(|f| f.name() == c), keep)?;
                let map = wanted.iter().map(|w| fields.iter().position(|f| f.name() == w)).collect();
                let batches = builder.with_batch_size(8192).build().map_err(|e| parquet_error(path, e))?;
                Ok(Claims::Parquet { batches, map, rows, done: 0, path: path.to_owned() })
            }
            Format::JsonLines => {
                let lines = BufReader::with_capacity(1 << 20, file).lines();
                let wanted = wanted.iter().map(|s| s.to_string()).collect();
                Ok(Claims::Json { lines, wanted, size, read: 0, path: path.to_owned() })
            }
        }
    }

    /// Claims given as Arrow record batches (all of `schema`), in memory.
    pub fn table(schema: &Schema, batches: &[RecordBatch], keep: &[String]) -> Result<Claims, Error> {
        let fields = schema.fields();
        let missing = |col: &str| Error::new("missing_column", col, format_args!("理赔表缺少“{col}”列"), format_args!("the claims table has no column \"{col}\""));
        check_columns(|c| fields.iter().any(|f| f.name() == c), keep, missing)?;
        let map = wanted(keep).iter().map(|w| fields.iter().position(|f| f.name() == w)).collect();
        let rows = batches.iter().map(|b| b.num_rows() as u64).sum();
        Ok(Claims::Table { batches: batches.to_vec(), next: 0, map, width: fields.len(), rows, done: 0 })
    }

    /// Hands a chunk back once its rows are read, for its buffers to be reused.
    pub fn recycle(&mut self, chunk: Chunk) {
        if let (Claims::Csv { spare, .. }, Chunk::Csv { records, .. }) = (self, chunk) {
            if spare.len() < 8 {
                spare.push(records);
            }
        }
    }

    /// How far the reading is, and of how much (bytes, or rows for Parquet), for a progress bar.
    pub fn progress(&self) -> (u64, u64) {
        match self {
            Claims::Csv { reader, size, .. } => (reader.position().byte(), *size),
            Claims::Parquet { rows, done, .. } => (*done, *rows),
            Claims::Json { size, read, .. } => (*read, *size),
            Claims::Table { rows, done, .. } => (*done, *rows),
        }
    }

    /// The next chunk of about `max` rows; `None` at the end.
    pub fn next_chunk(&mut self, max: usize) -> Result<Option<Chunk>, Error> {
        match self {
            Claims::Csv { reader, map, spare, .. } => {
                let mut records = spare.pop().unwrap_or_default();
                // Room for a typical row (about 90 bytes, 13 fields) at once, not grown field by field.
                records.resize_with(max, || csv::ByteRecord::with_capacity(128, 16));
                let mut n = 0;
                while n < max {
                    match reader.read_byte_record(&mut records[n]) {
                        Ok(true) => n += 1,
                        Ok(false) => break,
                        Err(e) => return Err(csv_error(Path::new("claims"), e)),
                    }
                }
                records.truncate(n);
                Ok((n > 0).then(|| Chunk::Csv { records, map: map.clone() }))
            }
            Claims::Parquet { batches, map, done, path, .. } => match batches.next() {
                None => Ok(None),
                Some(Err(e)) => Err(Error::new(
                    "invalid_claims",
                    "claims",
                    format_args!("无法读取 Parquet 文件 {}：{e}", path.display()),
                    format_args!("cannot read the Parquet file {}: {e}", path.display()),
                )),
                Some(Ok(batch)) => {
                    *done += batch.num_rows() as u64;
                    Ok(Some(Chunk::of_batch(&batch, map)))
                }
            },
            Claims::Table { batches, next, map, width, done, .. } => match batches.get(*next).inspect(|_| *next += 1) {
                None => Ok(None),
                Some(batch) if batch.num_columns() != *width => {
                    Err(Error::new("invalid_claims", "claims", "理赔表各批次的列不一致", "the claims table's batches differ in their columns"))
                }
                Some(batch) => {
                    *done += batch.num_rows() as u64;
                    Ok(Some(Chunk::of_batch(batch, map)))
                }
            },
            Claims::Json { lines, wanted, read, path, .. } => {
                let mut texts = Vec::new();
                while texts.len() < max {
                    match lines.next() {
                        None => break,
                        Some(Err(e)) => return Err(io_error("claims", path, ("读取", "read"), e)),
                        Some(Ok(line)) => {
                            *read += line.len() as u64 + 1;
                            // Blank lines (a final newline, a separator) hold no claim.
                            if !line.trim().is_empty() {
                                texts.push(line);
                            }
                        }
                    }
                }
                if texts.is_empty() {
                    return Ok(None);
                }
                let rows = texts.iter().map(|t| json_row(t)).collect();
                Ok(Some(Chunk::Json { rows, wanted: wanted.clone() }))
            }
        }
    }
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    let at = e.position().map(|p| format!("（第 {} 行）", p.line())).unwrap_or_default();
    let at_en = e.position().map(|p| format!(" (line {})", p.line())).unwrap_or_default();
    Error::new("invalid_claims", "claims", format_args!("无法读取 CSV 文件 {}{at}：{e}", path.display()), format_args!("cannot read the CSV file {}{at_en}: {e}", path.display()))
}

fn parquet_error(path: &Path, e: parquet::errors::ParquetError) -> Error {
    Error::new("invalid_claims", "claims", format_args!("无法读取 Parquet 文件 {}：{e}", path.display()), format_args!("cannot read the Parquet file {}: {e}", path.display()))
}

/// A JSON Lines row: one JSON object, read strictly, as a case is (no repeated names, numbers
/// with their digits).
fn json_row(line: &str) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
    match crate::input::parse(line).map_err(|e| e.into_error("claims"))? {
        serde_json::Value::Object(map) => Ok(map),
        _ => Err(Error::new("invalid_type", "", "每一行应为一个 JSON 对象（{…}）", "each line must be a JSON object")),
    }
}

fn json_cell(v: Option<&serde_json::Value>) -> Cell<'_> {
    match v {
        None | Some(serde_json::Value::Null) => Cell::Absent,
        Some(serde_json::Value::String(s)) => Cell::Text(s),
        Some(serde_json::Value::Number(n)) => Cell::Number(n.as_str()),
        Some(serde_json::Value::Bool(_)) => Cell::Other("真假值 (a boolean)"),
        Some(serde_json::Value::Array(_)) => Cell::Other("列表 (a list)"),
        Some(serde_json::Value::Object(_)) => Cell::Other("对象 (an object)"),
    }
}

/// A Parquet column's cells as text: strings as they are, numbers by their digits (decimals
/// with their scale; floats by their shortest round-trip digits, as JavaScript writes them),
/// dates as `YYYY-MM-DD`.
pub enum Text {
    Array(ArrayRef),
    Owned(Vec<Option<String>>, bool),
    Unsupported(&'static str),
}

impl Text {
    pub fn of(array: &ArrayRef) -> Text {
        let owned = |f: &dyn Fn(usize) -> String, number: bool| Text::Owned((0..array.len()).map(|i| (!array.is_null(i)).then(|| f(i))).collect(), number);
        match array.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Text::Array(array.clone()),
            DataType::Int8 => owned(&|i| array.as_primitive::<Int8Type>().value(i).to_string(), true),
            DataType::Int16 => owned(&|i| array.as_primitive::<Int16Type>().value(i).to_string(), true),
            DataType::Int32 => owned(&|i| array.as_primitive::<Int32Type>().value(i).to_string(), true),
            DataType::Int64 => owned(&|i| array.as_primitive::<Int64Type>().value(i).to_string(), true),
            DataType::UInt8 => owned(&|i| array.as_primitive::<UInt8Type>().value(i).to_string(), true),
            DataType::UInt16 => owned(&|i| array.as_primitive::<UInt16Type>().value(i).to_string(), true),
            DataType::UInt32 => owned(&|i| array.as_primitive::<UInt32Type>().value(i).to_string(), true),
            DataType::UInt64 => owned(&|i| array.as_primitive::<UInt64Type>().value(i).to_string(), true),
            DataType::Decimal128(_, _) => owned(&|i| array.as_primitive::<Decimal128Type>().value_as_string(i), true),
            DataType::Float32 => owned(&|i| float(f64::from(array.as_primitive::<Float32Type>().value(i))), true),
            DataType::Float64 => owned(&|i| float(array.as_primitive::<Float64Type>().value(i)), true),
            DataType::Date32 => owned(&|i| date32(array.as_primitive::<Date32Type>().value(i)), false),
            DataType::Dictionary(_, _) => match array.as_any_dictionary_opt() {
                Some(dict) => {
                    let values = Text::of(dict.values());
                    let keys = dict.normalized_keys();
                    let number = matches!(values, Text::Owned(_, true));
                    Text::Owned((0..array.len()).map(|i| if array.is_null(i) { None } else { values.text(keys[i]).map(str::to_owned) }).collect(), number)
                }
                None => Text::Unsupported("字典 (a dictionary)"),
            },
            DataType::Boolean => Text::Unsupported("真假值 (a boolean)"),
            _ => Text::Unsupported("不支持的类型 (an unsupported type)"),
        }
    }

    fn text(&self, i: usize) -> Option<&str> {
        match self.cell(i) {
            Cell::Text(s) | Cell::Number(s) => Some(s),
            _ => None,
        }
    }

    pub fn cell(&self, i: usize) -> Cell<'_> {
        match self {
            Text::Array(a) if i >= a.len() || a.is_null(i) => Cell::Absent,
            Text::Array(a) => Cell::Text(match a.data_type() {
                DataType::Utf8 => a.as_string::<i32>().value(i),
                DataType::LargeUtf8 => a.as_string::<i64>().value(i),
                _ => a.as_string_view().value(i),
            }),
            Text::Owned(v, number) => match v.get(i) {
                Some(Some(s)) if *number => Cell::Number(s),
                Some(Some(s)) => Cell::Text(s),
                _ => Cell::Absent,
            },
            Text::Unsupported(what) => Cell::Other(what),
        }
    }
}

/// A float's shortest round-trip digits (what `JSON.stringify` writes); NaN and infinities
/// are no number at all.
fn float(f: f64) -> String {
    serde_json::Number::from_f64(f).map(|n| n.to_string()).unwrap_or_else(|| "NaN".into())
}

/// Days since 1970-01-01 as `YYYY-MM-DD` (proleptic Gregorian; H. Hinnant's civil_from_days).
fn date32(days: i32) -> String {
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

impl Chunk {
    /// A record batch's wanted columns (`map`: each wanted column's place in the batch).
    fn of_batch(batch: &RecordBatch, map: &[Option<usize>]) -> Chunk {
        Chunk::Arrow { columns: map.iter().map(|m| m.map(|i| Text::of(batch.column(i)))).collect(), rows: batch.num_rows() }
    }
}

impl Rows for Chunk {
    fn len(&self) -> usize {
        match self {
            Chunk::Csv { records, .. } => records.len(),
            Chunk::Arrow { rows, .. } => *rows,
            Chunk::Json { rows, .. } => rows.len(),
        }
    }

    fn cell(&self, row: usize, col: usize) -> Cell<'_> {
        match self {
            Chunk::Csv { records, map } => {
                let Some(bytes) = map.get(col).copied().flatten().and_then(|c| records.get(row)?.get(c)) else { return Cell::Absent };
                match std::str::from_utf8(bytes) {
                    Ok("") => Cell::Absent,
                    Ok(s) => Cell::Text(s),
                    Err(_) => Cell::NotUtf8,
                }
            }
            Chunk::Arrow { columns, .. } => match columns.get(col) {
                Some(Some(text)) => text.cell(row),
                _ => Cell::Absent,
            },
            Chunk::Json { rows, wanted } => match (rows.get(row), wanted.get(col)) {
                (Some(Ok(map)), Some(name)) => json_cell(map.get(name.as_str())),
                _ => Cell::Absent,
            },
        }
    }

    fn fault(&self, row: usize) -> Option<Error> {
        match self {
            Chunk::Json { rows, .. } => rows.get(row).and_then(|r| r.as_ref().err().cloned()),
            _ => None,
        }
    }
}

/// An output being written to a temporary file beside its destination: [`Staged::commit`]
/// renames it into place; dropped without that, it is removed.
pub struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
    what: &'static str,
    committed: bool,
}

impl Staged {
    pub fn create(dest: &Path, what: &'static str) -> Result<(Staged, File), Error> {
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let tmp = dest.with_file_name(format!(".{name}.{}.yibao-tmp", std::process::id()));
        let file = File::create(&tmp).map_err(|e| io_error(what, dest, ("写入", "write"), e))?;
        Ok((Staged { tmp, dest: dest.to_owned(), what, committed: false }, file))
    }

    pub fn commit(mut self) -> Result<(), Error> {
        std::fs::rename(&self.tmp, &self.dest).map_err(|e| io_error(self.what, &self.dest, ("写入", "write"), e))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Reads a whole file as text (a pack).
pub fn read_text(path: &Path, what: &'static str) -> Result<String, Error> {
    let mut s = String::new();
    File::open(path).and_then(|mut f| f.read_to_string(&mut s)).map_err(|e| io_error(what, path, ("读取", "read"), e))?;
    Ok(s)
}

/// A writer's fault as the contract's error.
pub fn write_error(what: &'static str, path: &Path, e: impl std::fmt::Display) -> Error {
    io_error(what, path, ("写入", "write"), e)
}

pub fn flush(w: &mut impl Write, what: &'static str, path: &Path) -> Result<(), Error> {
    w.flush().map_err(|e| write_error(what, path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_dates() {
        assert_eq!(date32(0), "1970-01-01");
        assert_eq!(date32(19_853), "2024-05-10");
        assert_eq!(date32(19_782), "2024-02-29");
        assert_eq!(date32(-1), "1969-12-31");
    }
}
