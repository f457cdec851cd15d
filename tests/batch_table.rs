//! `yibao::batch::table` (the in-memory batch behind the Python package's `yibao.batch`): over
//! the same claims, split into record batches anyhow, its results, rejects and summary equal
//! those of `yibao batch` on a CSV file — same-date visits, rejected persons and two packs
//! included.
#![cfg(all(feature = "batch", not(target_arch = "wasm32")))]

use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use yibao::batch::table::{self, Pack};

const BIN: &str = env!("CARGO_BIN_EXE_yibao");

const CLAIMS: &str = "claim_id,person_id,category,conditions,kind,level,date,total,out_of_catalog,class_b_self_pay,tcm,referral,referred_from,condition,note
c1,p1,low_income,hypertension,inpatient,municipal,2024-05-10,50000,3000,2000,,,,,first
c2,p2,ordinary,,general_outpatient,township,2024-03-01,180,,,,,,,second
c3,p1,low_income,,chronic_outpatient,county,2024-01-10,900,0,,,,,hypertension,third
c4,p1,low_income,,inpatient,county,2024-05-10,8000,500,,,upward,township,,same date as c1
c5,p3,ordinary,,day_surgery,county,2024-07-01,12000,,,,,,,fifth
c6,p4,ordinary,,inpatient,county,2024-08-01,-5,,,,,,,bad amount
c7,p4,ordinary,,inpatient,county,2024-08-02,7000,,,,,,,rejected with c6
,p5,ordinary,,general_outpatient,village,2024-02-30,50,,,,,,,no claim id
c9,p3,ordinary,,inpatient,county,2024-07-01,30000,1000,,,,,,same date as c5
c10,,ordinary,,inpatient,county,2024-07-01,300,,,,,,,no person
";

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("yibao-table-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    r.records().map(|rec| header.iter().cloned().zip(rec.unwrap().iter().map(str::to_owned)).collect()).collect()
}

fn rows_of(batch: &RecordBatch) -> Vec<BTreeMap<String, String>> {
    let schema = batch.schema();
    (0..batch.num_rows())
        .map(|i| {
            schema
                .fields()
                .iter()
                .enumerate()
                .map(|(c, f)| {
                    let col = batch.column(c);
                    let v = match col.data_type() {
                        DataType::Utf8 => col.as_any().downcast_ref::<StringArray>().unwrap().value(i).to_owned(),
                        _ => arrow_array::cast::AsArray::as_primitive::<arrow_array::types::UInt64Type>(col).value(i).to_string(),
                    };
                    (f.name().clone(), v)
                })
                .collect()
        })
        .collect()
}

/// The rows of several record batches, one after the other.
fn rows_of_all(batches: &[RecordBatch]) -> Vec<BTreeMap<String, String>> {
    batches.iter().flat_map(rows_of).collect()
}

/// The CSV's rows as string columns (an empty cell a null), cut into batches of `size` rows.
fn batches(size: usize) -> (Schema, Vec<RecordBatch>) {
    batches_of(CLAIMS, size)
}

fn batches_of(claims: &str, size: usize) -> (Schema, Vec<RecordBatch>) {
    let mut r = csv::Reader::from_reader(claims.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let schema = Schema::new(header.iter().map(|h| Field::new(h, DataType::Utf8, true)).collect::<Vec<_>>());
    let out = records
        .chunks(size)
        .map(|chunk| {
            let columns: Vec<ArrayRef> = (0..header.len())
                .map(|c| Arc::new(chunk.iter().map(|rec| Some(&rec[c]).filter(|s| !s.is_empty())).collect::<StringArray>()) as ArrayRef)
                .collect();
            RecordBatch::try_new(Arc::new(schema.clone()), columns).unwrap()
        })
        .collect();
    (schema, out)
}

#[test]
fn the_table_run_equals_the_command_line() {
    let d = dir("cli");
    std::fs::write(d.join("claims.csv"), CLAIMS).unwrap();
    // A reform: the 大病 threshold lowered (5,000 → 1,000).
    let reform = json!({"format": "yibao-policy/2", "id": "reform", "name": "改革方案", "extends": "gansu-2018", "critical_illness": {"threshold": "1000"}});
    std::fs::write(d.join("reform.json"), reform.to_string()).unwrap();
    let p = |x: &str| d.join(x).to_str().unwrap().to_owned();
    let out = Command::new(BIN)
        .args(["batch", "--policy", "gansu-2018", "--policy", &p("reform.json"), &p("claims.csv"), "--out", &p("out.csv"), "--rejects", &p("rejects.csv"), "--summary", &p("summary.json"), "--keep", "note"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let want_rows = read_csv(&d.join("out.csv"));
    let want_rejects = read_csv(&d.join("rejects.csv"));
    let want_summary: Value = serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap();
    assert_eq!(want_rows.len(), 6);

    let packs = [Pack::of(&json!("gansu-2018")).unwrap(), Pack::of(&reform).unwrap()];
    let policies: Vec<_> = packs.iter().map(Pack::get).collect();
    for size in [1, 3, 100] {
        let (schema, batches) = batches(size);
        let got = table::run(&schema, &batches, &policies, &["note".to_owned()]).unwrap();
        assert_eq!(rows_of_all(&got.results), want_rows, "batches of {size}");
        assert_eq!(rows_of(&got.rejects), want_rejects, "batches of {size}");
        assert_eq!(got.summary.json(), want_summary, "batches of {size}");
    }
}

#[test]
fn a_missing_column_and_packs_given_twice_stop_the_run() {
    let (schema, batches) = batches(4);
    let gansu = Pack::of(&json!("gansu-2018")).unwrap();
    let e = table::run(&schema, &batches, &[gansu.get(), gansu.get()], &[]).err().unwrap();
    assert_eq!(e.code, "duplicate_policy");
    let e = table::run(&schema, &batches, &[gansu.get()], &["ward".to_owned()]).err().unwrap();
    assert_eq!((e.code, e.path.as_str()), ("missing_column", "ward"));
    let e = table::run(&schema, &batches, &[], &[]).err().unwrap();
    assert_eq!(e.code, "missing_field");
    assert_eq!(Pack::of(&json!("no-such-pack")).err().unwrap().code, "unknown_policy");
}

#[test]
fn no_rows_all_rows_rejected_and_batches_that_differ() {
    let gansu = Pack::of(&json!("gansu-2018")).unwrap();
    let names = |schema: &arrow_schema::SchemaRef| schema.fields().iter().map(|f| f.name().clone()).collect::<Vec<_>>();
    let columns = ["claim_id", "person_id", "date", "gansu-2018.in_scope", "gansu-2018.basic", "gansu-2018.critical_illness", "gansu-2018.medical_assistance", "gansu-2018.reimbursed", "gansu-2018.out_of_pocket"];

    // No batches, and a batch of no rows: nothing estimated, the results' columns still named.
    let (claims_schema, mut some) = batches(4);
    for input in [Vec::new(), vec![some[0].slice(0, 0)]] {
        let schema = &claims_schema;
        let got = table::run(schema, &input, &[gansu.get()], &[]).unwrap();
        assert_eq!(names(&got.results_schema), columns);
        assert_eq!(rows_of_all(&got.results).len(), 0);
        assert_eq!((got.rejects.num_rows(), got.summary.rows_in, got.summary.rows_estimated), (0, 0, 0));
    }

    // Every row rejected: no results, every row in the rejects, numbered over all the batches.
    let header = CLAIMS.lines().next().unwrap();
    let bad = format!("{header}\nc1,p1,ordinary,,inpatient,county,2024-08-01,-5,,,,,,,\nc2,p2,ordinary,,inpatient,county,2024-13-01,70,,,,,,,\n");
    let (schema, input) = batches_of(&bad, 1);
    let got = table::run(&schema, &input, &[gansu.get()], &[]).unwrap();
    assert_eq!(names(&got.results_schema), columns);
    assert_eq!(rows_of_all(&got.results).len(), 0);
    let rejects: Vec<(String, String)> = rows_of(&got.rejects).iter().map(|r| (r["row"].clone(), r["code"].clone())).collect();
    assert_eq!(rejects, [("1".to_owned(), "invalid_amount".to_owned()), ("2".to_owned(), "invalid_date".to_owned())]);
    assert_eq!((got.summary.rows_in, got.summary.rows_rejected), (2, 2));

    // A row estimated without a claim id is named by its number, over all the batches.
    let unnamed = format!("{header}\nc1,p1,ordinary,,general_outpatient,township,2024-03-01,180,,,,,,,\n,p2,ordinary,,general_outpatient,village,2024-03-04,50,,,,,,,\n");
    let (schema, input) = batches_of(&unnamed, 1);
    let got = table::run(&schema, &input, &[gansu.get()], &[]).unwrap();
    assert_eq!(rows_of_all(&got.results).iter().map(|r| r["claim_id"].clone()).collect::<Vec<_>>(), ["c1", "2"]);

    // Batches whose columns differ stop the run.
    some[1] = some[1].project(&[0, 1, 2, 3, 4, 5, 6, 7]).unwrap();
    let e = table::run(&claims_schema, &some, &[gansu.get()], &[]).err().unwrap();
    assert_eq!(e.code, "invalid_claims");
}
