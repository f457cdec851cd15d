//! `yibao batch` (batch.md): the command line over CSV, Parquet and JSON Lines claims, and a
//! property: over random claims, each row's results equal `yibao estimate` of its person's rows
//! as one case, to the fen.
#![cfg(all(feature = "batch", not(target_arch = "wasm32")))]

use arrow_array::{ArrayRef, Date32Array, Decimal128Array, RecordBatch, StringArray};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

const BIN: &str = env!("CARGO_BIN_EXE_yibao");
const POLICY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/spec/example-policy.json");
const AMOUNTS: [&str; 6] = ["in_scope", "basic", "critical_illness", "medical_assistance", "reimbursed", "out_of_pocket"];

/// A fresh directory for one test.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("yibao-batch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn yibao(args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stderr).unwrap())
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A results (or rejects) CSV as rows of column → value.
fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    r.records().map(|rec| header.iter().cloned().zip(rec.unwrap().iter().map(str::to_owned)).collect()).collect()
}

const CLAIMS: &str = "claim_id,person_id,category,conditions,kind,level,date,total,out_of_catalog,class_b_self_pay,tcm,referral,referred_from,condition,note
c1,p1,low_income,hypertension,inpatient,municipal,2024-05-10,50000,3000,2000,,,,,first
c2,p2,ordinary,,general_outpatient,township,2024-03-01,180,,,,,,,second
c3,p1,low_income,,chronic_outpatient,county,2024-01-10,900,0,,,,,hypertension,third
c4,p1,low_income,,inpatient,county,2024-05-10,8000,500,,,upward,township,,same date as c1
c5,p3,ordinary,,day_surgery,county,2024-07-01,12000,,,,,,,fifth
";

/// What `yibao estimate` gives for a person's rows as one case, visit by visit.
fn estimate(case: &Value, policy: &str) -> Vec<Value> {
    let text = yibao::estimate_text(&case.to_string(), Some(&std::fs::read_to_string(policy).unwrap()), false).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["visits"].as_array().unwrap().clone()
}

#[test]
fn stdin_tsv_gives_the_rows_of_the_csv_run_and_keeps_going_past_rejects() {
    // The same claims as Hive / Spark SQL TRANSFORM sends them: no header, tabs, \N for NULL.
    let d = dir("tsv");
    std::fs::write(d.join("claims.csv"), CLAIMS).unwrap();
    let (code, err) = yibao(&["batch", "--policy", POLICY, s(&d.join("claims.csv")), "--out", s(&d.join("out.csv"))]);
    assert_eq!(code, 0, "{err}");
    let want: Vec<String> = read_csv(&d.join("out.csv"))
        .iter()
        .map(|r| {
            let mut cells = vec![r["claim_id"].clone(), r["person_id"].clone(), r["date"].clone()];
            cells.extend(AMOUNTS.iter().map(|a| r[&format!("example.{a}")].clone()));
            cells.join("\t")
        })
        .collect();
    let columns = "claim_id,person_id,category,conditions,kind,level,date,total,out_of_catalog,class_b_self_pay,tcm,referral,referred_from,condition,note";
    let tsv: String = CLAIMS.lines().skip(1).map(|l| l.split(',').map(|c| if c.is_empty() { "\\N" } else { c }).collect::<Vec<_>>().join("\t") + "\n").collect();
    let run = |input: &str| {
        use std::io::Write;
        let mut child = Command::new(BIN)
            .args(["batch", "--stdin-tsv", columns, "--policy", POLICY])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    let (code, out, err) = run(&tsv);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.lines().collect::<Vec<_>>(), want);
    // A bad row: its person's rows go to standard error, the others out, and the exit stays 0
    // (a TRANSFORM script that exits non-zero fails the whole query).
    let bad = tsv.replacen("\t12000\t", "\t-12000\t", 1);
    let (code, out, err) = run(&bad);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.lines().count(), 4);
    assert!(err.contains("5\tc5\ttotal\tinvalid_amount\t"), "{err}");
    assert!(err.contains("rows_in 5 = rows_estimated 4 + rows_rejected 1"), "{err}");
    // A line with too few fields stops the run, naming the line.
    let (code, _, err) = run("c1\tp1\n");
    assert_eq!(code, Some(2));
    assert!(err.contains("\"code\":\"invalid_claims\"") && err.contains("第 1 行"), "{err}");
}

#[test]
fn csv_in_csv_out_equals_estimate_of_each_person() {
    let d = dir("csv");
    std::fs::write(d.join("claims.csv"), CLAIMS).unwrap();
    let (code, err) = yibao(&["batch", "--policy", POLICY, s(&d.join("claims.csv")), "--out", s(&d.join("out.csv"))]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("rows_in 5 = rows_estimated 5 + rows_rejected 0"), "{err}");
    let rows = read_csv(&d.join("out.csv"));
    assert_eq!(rows.iter().map(|r| r["claim_id"].as_str()).collect::<Vec<_>>(), ["c1", "c2", "c3", "c4", "c5"]);
    // p1's three rows as one case, in file order: c1 and c4 share a date and keep that order.
    let p1 = json!({"person": {"category": "low_income", "conditions": ["hypertension"]}, "visits": [
        {"kind": "inpatient", "level": "municipal", "date": "2024-05-10", "total": "50000", "out_of_catalog": "3000", "class_b_self_pay": "2000"},
        {"kind": "chronic_outpatient", "level": "county", "date": "2024-01-10", "total": "900", "out_of_catalog": "0", "condition": "hypertension"},
        {"kind": "inpatient", "level": "county", "date": "2024-05-10", "total": "8000", "out_of_catalog": "500", "referral": "upward", "referred_from": "township"}]});
    let want = estimate(&p1, POLICY);
    for (row, w) in [0, 2, 3].iter().zip(&want) {
        for a in AMOUNTS {
            assert_eq!(rows[*row][&format!("example.{a}")], w[a].as_str().unwrap(), "{a} of row {row}");
        }
    }
    assert_eq!(rows[0]["example.reimbursed"], "43383.18");
    assert_eq!(rows[0]["date"], "2024-05-10");
    assert_eq!(rows[1]["person_id"], "p2");
}

#[test]
fn a_byte_order_mark_and_kept_columns() {
    let d = dir("bom");
    std::fs::write(d.join("claims.csv"), format!("\u{feff}{CLAIMS}")).unwrap();
    let (code, err) = yibao(&["batch", "--policy", POLICY, s(&d.join("claims.csv")), "--out", s(&d.join("out.csv")), "--keep", "note,tcm"]);
    assert_eq!(code, 0, "{err}");
    let rows = read_csv(&d.join("out.csv"));
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[3]["note"], "same date as c1");
    assert_eq!(rows[3]["tcm"], "");
    let header = std::fs::read_to_string(d.join("out.csv")).unwrap().lines().next().unwrap().to_owned();
    assert!(header.starts_with("claim_id,person_id,date,note,tcm,example.in_scope"), "{header}");
    // A kept column the file does not have stops the run.
    let (code, err) = yibao(&["batch", "--policy", POLICY, s(&d.join("claims.csv")), "--out", s(&d.join("out2.csv")), "--keep", "ward"]);
    assert_eq!(code, 2, "{err}");
    assert!(!d.join("out2.csv").exists());
}

#[test]
fn rejects_exit_3_and_the_whole_person() {
    let d = dir("rejects");
    let claims = CLAIMS.replace("c3,p1,low_income,,chronic_outpatient,county,2024-01-10,900", "c3,p1,low_income,,chronic_outpatient,county,2024-01-10,-900")
        + ",p9,ordinary,,general_outpatient,village,2024-02-30,50,,,,,,,no claim id\n";
    std::fs::write(d.join("claims.csv"), claims).unwrap();
    let (code, err) = yibao(&[
        "batch", "--policy", POLICY, s(&d.join("claims.csv")), "--out", s(&d.join("out.csv")), "--rejects", s(&d.join("rejects.csv")), "--summary", s(&d.join("summary.json")),
    ]);
    assert_eq!(code, 3, "{err}");
    let out = read_csv(&d.join("out.csv"));
    assert_eq!(out.iter().map(|r| r["claim_id"].as_str()).collect::<Vec<_>>(), ["c2", "c5"]);
    let rejects = read_csv(&d.join("rejects.csv"));
    let got: Vec<(&str, &str, &str, &str)> = rejects.iter().map(|r| (r["row"].as_str(), r["claim_id"].as_str(), r["column"].as_str(), r["code"].as_str())).collect();
    assert_eq!(
        got,
        [("1", "c1", "person_id", "person_rejected"), ("3", "c3", "total", "invalid_amount"), ("4", "c4", "person_id", "person_rejected"), ("6", "6", "date", "invalid_date")]
    );
    assert!(rejects[0]["message"].contains("第 3 行") && rejects[0]["message"].contains("row 3"), "{}", rejects[0]["message"]);
    assert!(rejects[1]["message"].contains("负数") && rejects[1]["message"].contains("negative"));
    let summary: Value = serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap();
    assert_eq!((summary["rows_in"].as_u64(), summary["rows_estimated"].as_u64(), summary["rows_rejected"].as_u64()), (Some(6), Some(2), Some(4)));
    assert_eq!(summary["persons_rejected"], 2);
}

#[test]
fn a_missing_required_column_stops_before_writing_anything() {
    let d = dir("missing");
    let claims: String = CLAIMS.lines().map(|l| l.split(',').filter(|_| true).enumerate().filter(|(i, _)| *i != 7).map(|(_, c)| c).collect::<Vec<_>>().join(",") + "\n").collect();
    assert!(!claims.lines().next().unwrap().contains("total"));
    std::fs::write(d.join("claims.csv"), claims).unwrap();
    let (code, err) = yibao(&["batch", "--policy", POLICY, s(&d.join("claims.csv")), "--out", s(&d.join("out.csv")), "--rejects", s(&d.join("r.csv")), "--summary", s(&d.join("s.json"))]);
    assert_eq!(code, 2);
    let e: Value = serde_json::from_str(err.trim()).unwrap();
    assert_eq!(e["error"]["code"], "missing_column");
    assert_eq!(e["error"]["path"], "total");
    // Nothing left: no output, no rejects, no summary, no temporary file.
    let left: Vec<_> = std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(left, ["claims.csv"]);
    // A bad pack and an unreadable file stop it too.
    std::fs::write(d.join("bad.json"), "{}").unwrap();
    std::fs::write(d.join("claims.csv"), CLAIMS).unwrap();
    for args in [["--policy", s(&d.join("bad.json"))], ["--policy", "no-such-pack"]] {
        let (code, _) = yibao(&["batch", args[0], args[1], s(&d.join("claims.csv")), "--out", s(&d.join("out.csv"))]);
        assert_eq!(code, 2);
    }
    let (code, _) = yibao(&["batch", "--policy", POLICY, s(&d.join("none.csv")), "--out", s(&d.join("out.csv"))]);
    assert_eq!(code, 2);
    assert!(!d.join("out.csv").exists());
}

#[test]
fn two_policies_and_the_summary_of_their_differences() {
    let d = dir("two");
    std::fs::write(d.join("claims.csv"), CLAIMS).unwrap();
    // A reform: the 大病 threshold lowered (5,000 → 1,000) (extends the bundled gansu-2018 pack).
    let reform = json!({"format": "yibao-policy/2", "id": "reform", "name": "改革方案", "extends": "gansu-2018", "critical_illness": {"threshold": "1000"}});
    std::fs::write(d.join("reform.json"), reform.to_string()).unwrap();
    let (code, err) = yibao(&[
        "batch", "--policy", "gansu-2018", "--policy", s(&d.join("reform.json")), s(&d.join("claims.csv")), "--out", s(&d.join("out.csv")), "--summary", s(&d.join("summary.json")),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Δ reform"), "{err}");
    let rows = read_csv(&d.join("out.csv"));
    assert!(rows[0].contains_key("gansu-2018.basic") && rows[0].contains_key("reform.basic"));
    let summary: Value = serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap();
    let (base, reform) = (&summary["policies"][0], &summary["policies"][1]);
    assert_eq!(summary["baseline"], "gansu-2018");
    assert_eq!(base["rows"], 5);
    assert_eq!(base["persons"], 3);
    let dec = |v: &Value| v.as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap();
    for a in ["critical_illness", "reimbursed", "out_of_pocket", "basic"] {
        // The summary's totals are the rows' sums, and its differences the totals' differences.
        for (p, id) in [(base, "gansu-2018"), (reform, "reform")] {
            let sum: rust_decimal::Decimal = rows.iter().map(|r| r[&format!("{id}.{a}")].parse::<rust_decimal::Decimal>().unwrap()).sum();
            assert_eq!(dec(&p["totals"][a]), sum, "{id} {a}");
        }
        assert_eq!(dec(&reform["difference"]["totals"][a]), dec(&reform["totals"][a]) - dec(&base["totals"][a]), "{a}");
    }
    assert!(dec(&reform["difference"]["totals"]["critical_illness"]) > rust_decimal::Decimal::ZERO);
    assert!(base["by_category"]["low_income"]["rows"] == 3 && base["by_kind"]["inpatient"]["rows"] == 2 && base["by_month"]["2024-05"]["rows"] == 2);
    assert!(base["by_level"]["county"].is_object());
}

fn parquet_claims(path: &Path) {
    let col = |v: Vec<Option<&str>>| Arc::new(StringArray::from(v)) as ArrayRef;
    // total as a decimal(12, 2), date as a date: typed columns read as their text.
    let total = Decimal128Array::from(vec![5_000_000i128, 18_000, 90_000, 800_000, 1_200_000]).with_precision_and_scale(12, 2).unwrap();
    let days = |d: &str| (chrono_days(d)) as i32;
    let date = Date32Array::from(["2024-05-10", "2024-03-01", "2024-01-10", "2024-05-10", "2024-07-01"].iter().map(|d| days(d)).collect::<Vec<_>>());
    let batch = RecordBatch::try_from_iter(vec![
        ("claim_id", col(vec![Some("c1"), Some("c2"), Some("c3"), Some("c4"), Some("c5")])),
        ("person_id", col(vec![Some("p1"), Some("p2"), Some("p1"), Some("p1"), Some("p3")])),
        ("category", col(vec![Some("low_income"), Some("ordinary"), Some("low_income"), Some("low_income"), Some("ordinary")])),
        ("conditions", col(vec![Some("hypertension"), None, None, None, None])),
        ("kind", col(vec![Some("inpatient"), Some("general_outpatient"), Some("chronic_outpatient"), Some("inpatient"), Some("day_surgery")])),
        ("level", col(vec![Some("municipal"), Some("township"), Some("county"), Some("county"), Some("county")])),
        ("date", Arc::new(date) as ArrayRef),
        ("total", Arc::new(total) as ArrayRef),
        ("out_of_catalog", col(vec![Some("3000"), None, Some("0"), Some("500"), None])),
        ("class_b_self_pay", col(vec![Some("2000"), None, None, None, None])),
        ("referral", col(vec![None, None, None, Some("upward"), None])),
        ("referred_from", col(vec![None, None, None, Some("township"), None])),
        ("condition", col(vec![None, None, Some("hypertension"), None, None])),
    ])
    .unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// Days since 1970-01-01.
fn chrono_days(d: &str) -> i64 {
    let (y, m, day): (i64, i64, i64) = (d[0..4].parse().unwrap(), d[5..7].parse().unwrap(), d[8..10].parse().unwrap());
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[test]
fn parquet_in_and_out_and_json_lines_give_what_csv_gives() {
    let d = dir("formats");
    std::fs::write(d.join("claims.csv"), CLAIMS).unwrap();
    let (code, err) = yibao(&["batch", "--policy", POLICY, s(&d.join("claims.csv")), "--out", s(&d.join("want.csv"))]);
    assert_eq!(code, 0, "{err}");
    let want = read_csv(&d.join("want.csv"));

    parquet_claims(&d.join("claims.parquet"));
    let (code, err) = yibao(&["batch", "--policy", POLICY, s(&d.join("claims.parquet")), "--out", s(&d.join("from-parquet.csv"))]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read_csv(&d.join("from-parquet.csv")), want);

    // JSON Lines: amounts as JSON numbers or strings, absent members absent.
    let mut lines = String::new();
    for r in csv::Reader::from_reader(CLAIMS.as_bytes()).deserialize::<BTreeMap<String, String>>() {
        let mut o = serde_json::Map::new();
        for (k, v) in r.unwrap() {
            if v.is_empty() {
                continue;
            }
            let number = k == "total" && !v.contains('.');
            o.insert(k, if number { Value::Number(v.parse().unwrap()) } else { Value::String(v) });
        }
        lines.push_str(&Value::Object(o).to_string());
        lines.push('\n');
    }
    std::fs::write(d.join("claims.jsonl"), lines).unwrap();
    let (code, err) = yibao(&["batch", "--policy", POLICY, s(&d.join("claims.jsonl")), "--out", s(&d.join("out.parquet"))]);
    assert_eq!(code, 0, "{err}");
    // Results as Parquet: the same text in every column.
    assert_eq!(read_parquet(&d.join("out.parquet")).1, want);

    // Row groups written one per --grouped group (here one person each): the same rows.
    let mut lines: Vec<&str> = CLAIMS.lines().skip(1).collect();
    lines.sort_by_key(|l| l.split(',').nth(1).unwrap_or_default().to_owned());
    std::fs::write(d.join("grouped.csv"), format!("{}\n{}\n", CLAIMS.lines().next().unwrap(), lines.join("\n"))).unwrap();
    let opts = yibao::batch::Options { claims: d.join("grouped.csv"), out: d.join("grouped.parquet"), policies: vec![POLICY.to_owned()], grouped: true, group_rows: Some(1), ..Default::default() };
    yibao::batch::run(&opts).unwrap();
    let (row_groups, mut got) = read_parquet(&d.join("grouped.parquet"));
    assert_eq!(row_groups, 3);
    let mut want = want;
    for rows in [&mut got, &mut want] {
        rows.sort_by(|a, b| a["claim_id"].cmp(&b["claim_id"]));
    }
    assert_eq!(got, want);

    // Every row rejected: a Parquet file of no rows, its columns still named.
    let header = CLAIMS.lines().next().unwrap();
    std::fs::write(d.join("bad.csv"), format!("{header}\nc1,p1,ordinary,,inpatient,county,2024-08-01,-5,,,,,,,\n")).unwrap();
    let (code, err) = yibao(&["batch", "--policy", POLICY, s(&d.join("bad.csv")), "--out", s(&d.join("none.parquet"))]);
    assert_eq!(code, 3, "{err}");
    let builder = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(d.join("none.parquet")).unwrap()).unwrap();
    let names: Vec<String> = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
    assert_eq!(names[..4], ["claim_id", "person_id", "date", "example.in_scope"]);
    assert_eq!(builder.metadata().file_metadata().num_rows(), 0);
}

/// A Parquet results file's row groups, and its rows as column → text.
fn read_parquet(path: &Path) -> (usize, Vec<BTreeMap<String, String>>) {
    let builder = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap();
    let row_groups = builder.metadata().num_row_groups();
    let mut rows: Vec<BTreeMap<String, String>> = Vec::new();
    for batch in builder.build().unwrap() {
        let batch = batch.unwrap();
        for i in 0..batch.num_rows() {
            let mut row = BTreeMap::new();
            for (f, c) in batch.schema().fields().iter().zip(batch.columns()) {
                let c = c.as_any().downcast_ref::<StringArray>().unwrap();
                row.insert(f.name().clone(), c.value(i).to_owned());
            }
            rows.push(row);
        }
    }
    (row_groups, rows)
}

#[test]
fn grouped_input_streams_to_the_same_results_and_ungrouped_input_is_refused() {
    let d = dir("grouped");
    let mut lines: Vec<&str> = CLAIMS.lines().collect();
    let header = lines.remove(0);
    // Grouped by person, each person's rows in their file order.
    let mut by_person = lines.clone();
    by_person.sort_by_key(|l| l.split(',').nth(1).unwrap().to_owned());
    std::fs::write(d.join("grouped.csv"), format!("{header}\n{}\n", by_person.join("\n"))).unwrap();
    let (code, err) = yibao(&["batch", "--grouped", "--explain", "--policy", POLICY, s(&d.join("grouped.csv")), "--out", s(&d.join("g.csv"))]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = yibao(&["batch", "--policy", POLICY, s(&d.join("grouped.csv")), "--out", s(&d.join("u.csv")), "--threads", "1"]);
    assert_eq!(code, 0, "{err}");
    let (g, u) = (read_csv(&d.join("g.csv")), read_csv(&d.join("u.csv")));
    for (a, b) in g.iter().zip(&u) {
        for x in AMOUNTS {
            assert_eq!(a[&format!("example.{x}")], b[&format!("example.{x}")]);
        }
        // --explain: each visit's steps, as the contract writes them.
        let steps: Value = serde_json::from_str(&a["example.steps"]).unwrap();
        assert!(steps.as_array().is_some_and(|s| !s.is_empty() && s[0]["text"].is_string()));
    }
    // The file as it was (p1's rows apart) is not grouped.
    std::fs::write(d.join("claims.csv"), CLAIMS).unwrap();
    let (code, err) = yibao(&["batch", "--grouped", "--policy", POLICY, s(&d.join("claims.csv")), "--out", s(&d.join("x.csv"))]);
    assert_eq!(code, 2);
    assert!(err.contains("not_grouped"), "{err}");
    assert!(!d.join("x.csv").exists());
}

#[test]
fn rows_are_numbered_in_the_file_across_groups() {
    // Grouped input streamed one person per group: a row is named by its number in the file,
    // not in its group — in the rejects, in their messages, and as the claim id of a row without one.
    let d = dir("numbered");
    let claims = "claim_id,person_id,category,conditions,kind,level,date,total,out_of_catalog,class_b_self_pay,tcm,referral,referred_from,condition,note
c1,p1,ordinary,,general_outpatient,township,2024-03-01,180,,,,,,,
c2,p2,ordinary,,general_outpatient,township,2024-03-02,-5,,,,,,,
c3,p2,ordinary,,general_outpatient,township,2024-03-03,60,,,,,,,
,p3,ordinary,,general_outpatient,village,2024-03-04,50,,,,,,,
,p4,ordinary,,general_outpatient,village,2024-02-30,50,,,,,,,
";
    std::fs::write(d.join("claims.csv"), claims).unwrap();
    let opts = yibao::batch::Options {
        claims: d.join("claims.csv"),
        out: d.join("out.csv"),
        rejects: Some(d.join("rejects.csv")),
        policies: vec![POLICY.to_owned()],
        grouped: true,
        group_rows: Some(1),
        ..Default::default()
    };
    let summary = yibao::batch::run(&opts).unwrap();
    assert_eq!((summary.rows_in, summary.rows_estimated, summary.rows_rejected), (5, 2, 3));
    let out = read_csv(&d.join("out.csv"));
    assert_eq!(out.iter().map(|r| r["claim_id"].as_str()).collect::<Vec<_>>(), ["c1", "4"]);
    let rejects = read_csv(&d.join("rejects.csv"));
    let got: Vec<(&str, &str, &str)> = rejects.iter().map(|r| (r["row"].as_str(), r["claim_id"].as_str(), r["code"].as_str())).collect();
    assert_eq!(got, [("2", "c2", "invalid_amount"), ("3", "c3", "person_rejected"), ("5", "5", "invalid_date")]);
    assert!(rejects[1]["message"].contains("第 2 行") && rejects[1]["message"].contains("row 2"), "{}", rejects[1]["message"]);
}

#[test]
fn a_level_no_pack_declares_is_rejected_naming_it() {
    // Rows keep their level as its place among the packs' levels; one no pack declares is kept as
    // text, so that the estimate refuses it by name.
    let d = dir("levels");
    let header = CLAIMS.lines().next().unwrap();
    let claims = format!("{header}\nc1,p1,ordinary,,general_outpatient,township,2024-03-01,180,,,,,,,\nc2,p2,ordinary,,general_outpatient,private_clinic_of_a_very_long_name,2024-03-02,60,,,,,,,\n");
    std::fs::write(d.join("claims.csv"), claims).unwrap();
    let (code, err) = yibao(&["batch", "--policy", POLICY, s(&d.join("claims.csv")), "--out", s(&d.join("out.csv")), "--rejects", s(&d.join("rejects.csv"))]);
    assert_eq!(code, 3, "{err}");
    assert_eq!(read_csv(&d.join("out.csv")).iter().map(|r| r["claim_id"].as_str()).collect::<Vec<_>>(), ["c1"]);
    let rejects = read_csv(&d.join("rejects.csv"));
    assert_eq!((rejects[0]["claim_id"].as_str(), rejects[0]["column"].as_str(), rejects[0]["code"].as_str()), ("c2", "level", "unknown_level"));
    assert!(rejects[0]["message"].contains("private_clinic_of_a_very_long_name"), "{}", rejects[0]["message"]);
}

// ---------------------------------------------------------------------------------------------
// The property: batch results equal `yibao estimate` of each person's rows, to the fen.

const KINDS: &[&str] = &["inpatient", "day_surgery", "accident_inpatient", "general_outpatient", "chronic_outpatient", "two_diseases_outpatient"];
const LEVELS: &[&str] = &["village", "township", "county", "municipal", "provincial"];
const CATEGORIES: &[&str] = &["ordinary", "low_income", "extreme_poverty", "poverty_registered", "marginal_low_income"];
const CONDITIONS: &[&str] = &["hypertension", "diabetes", "stroke", "copd"];
const REFERRALS: &[&str] = &["none", "upward", "downward", "alliance", "unreferred"];

fn yuan(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// One random visit, valid for a person with `conditions` (as tests/properties.rs makes them).
fn visit(r: &RawVisit, conditions: &[&str]) -> BTreeMap<&'static str, String> {
    let &(kind, level, day, total, split, tcm, referral, pick) = r;
    let mut kind = KINDS[kind];
    let two: Vec<&str> = conditions.iter().copied().filter(|c| *c == "hypertension" || *c == "diabetes").collect();
    if (kind == "chronic_outpatient" && conditions.is_empty()) || (kind == "two_diseases_outpatient" && two.is_empty()) {
        kind = "general_outpatient";
    }
    let inpatient = matches!(kind, "inpatient" | "day_surgery" | "accident_inpatient");
    let level_i = if inpatient { level.max(1) } else { level };
    // Few distinct days, so that many visits share a date.
    let date = format!("{}-{:02}-{:02}", 2023 + day / 12, 1 + day % 12, 1 + day % 3);
    let mut v: BTreeMap<&'static str, String> = BTreeMap::new();
    v.insert("kind", kind.into());
    v.insert("level", LEVELS[level_i].into());
    v.insert("date", date);
    v.insert("total", yuan(total));
    let in_scope = match split {
        None => total * 85 / 100,
        Some((a, b)) => {
            let ooc = total * a as u64 / 1000;
            let cb = (total - ooc) * b as u64 / 1000;
            v.insert("out_of_catalog", yuan(ooc));
            v.insert("class_b_self_pay", yuan(cb));
            total - ooc - cb
        }
    };
    if inpatient {
        v.insert("tcm", yuan(in_scope * tcm as u64 / 1000));
        let referral = REFERRALS[referral];
        if referral == "upward" && level_i > 0 {
            v.insert("referral", "upward".into());
            v.insert("referred_from", LEVELS[pick % level_i].into());
        } else if referral != "upward" {
            v.insert("referral", referral.into());
        }
    }
    match kind {
        "chronic_outpatient" => {
            v.insert("condition", conditions[pick % conditions.len()].into());
        }
        "two_diseases_outpatient" => {
            v.insert("condition", two[pick % two.len()].into());
        }
        _ => {}
    }
    v
}

type RawVisit = (usize, usize, u32, u64, Option<(u16, u16)>, u16, usize, usize);

fn raw_visit() -> impl Strategy<Value = RawVisit> {
    (0..KINDS.len(), 0..LEVELS.len(), 0u32..30, 0u64..30_000_000, proptest::option::of((0u16..=1000, 0u16..=1000)), 0u16..=1000, 0..REFERRALS.len(), any::<usize>())
}

/// Persons: (category, conditions, visits).
fn persons() -> impl Strategy<Value = Vec<(usize, Vec<bool>, Vec<RawVisit>)>> {
    proptest::collection::vec((0..CATEGORIES.len(), proptest::collection::vec(any::<bool>(), CONDITIONS.len()), proptest::collection::vec(raw_visit(), 1..7)), 1..5)
}

const COLUMNS: [&str; 13] = ["claim_id", "person_id", "category", "conditions", "kind", "level", "date", "total", "out_of_catalog", "class_b_self_pay", "tcm", "referral", "referred_from"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn batch_equals_estimate_of_each_persons_case(people in persons(), shuffle in proptest::collection::vec(any::<u32>(), 40), threads in 1usize..3) {
        // Each person's visits, then all rows interleaved in a random order (a person's rows
        // keep their relative order, which is their order in the person's case).
        let mut queues: Vec<Vec<(usize, BTreeMap<&str, String>)>> = Vec::new();
        let mut cases: Vec<Value> = Vec::new();
        for (p, (category, on, visits)) in people.iter().enumerate() {
            let conditions: Vec<&str> = CONDITIONS.iter().zip(on).filter(|(_, on)| **on).map(|(c, _)| *c).collect();
            let vs: Vec<BTreeMap<&str, String>> = visits.iter().map(|r| visit(r, &conditions)).collect();
            cases.push(json!({"person": {"category": CATEGORIES[*category], "conditions": conditions}, "visits": vs}));
            queues.push(vs.into_iter().map(|v| (p, v)).rev().collect());
        }
        let mut rows: Vec<(usize, usize, BTreeMap<&str, String>)> = Vec::new(); // (person, visit index, visit)
        let mut taken = vec![0usize; queues.len()];
        let mut k = 0;
        while queues.iter().any(|q| !q.is_empty()) {
            let live: Vec<usize> = (0..queues.len()).filter(|&q| !queues[q].is_empty()).collect();
            let q = live[shuffle[k % shuffle.len()] as usize % live.len()];
            k += 1;
            let (p, v) = queues[q].pop().unwrap();
            rows.push((p, taken[p], v));
            taken[p] += 1;
        }
        let mut text = String::new();
        text.push_str(&COLUMNS.join(","));
        text.push_str(",condition\n");
        for (i, (p, _, v)) in rows.iter().enumerate() {
            let (category, conditions) = (cases[*p]["person"]["category"].as_str().unwrap(), cases[*p]["person"]["conditions"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect::<Vec<_>>().join(";"));
            let mut cells = vec![format!("r{i}"), format!("person{p}"), category.to_owned(), conditions];
            for c in &COLUMNS[4..] {
                cells.push(v.get(c).cloned().unwrap_or_default());
            }
            cells.push(v.get("condition").cloned().unwrap_or_default());
            text.push_str(&cells.join(","));
            text.push('\n');
        }
        let d = dir(&format!("prop-{threads}"));
        std::fs::write(d.join("claims.csv"), &text).unwrap();
        // A second pack: the example with a lower 大病 threshold and its own id.
        let mut reform: Value = serde_json::from_str(&std::fs::read_to_string(POLICY).unwrap()).unwrap();
        reform["id"] = json!("reform");
        reform["critical_illness"]["threshold"] = json!("5000");
        std::fs::write(d.join("reform.json"), reform.to_string()).unwrap();
        let packs = [("example", std::fs::read_to_string(POLICY).unwrap()), ("reform", reform.to_string())];
        let opts = yibao::batch::Options {
            claims: d.join("claims.csv"),
            out: d.join("out.csv"),
            policies: vec![POLICY.to_owned(), s(&d.join("reform.json")).to_owned()],
            threads: Some(threads),
            ..Default::default()
        };
        let summary = yibao::batch::run(&opts).unwrap();
        prop_assert_eq!(summary.rows_in, rows.len() as u64);
        prop_assert_eq!(summary.rows_in, summary.rows_estimated + summary.rows_rejected);
        let out = read_csv(&d.join("out.csv"));
        // What `yibao estimate` gives for each person's case under each pack; a person is
        // estimated by the batch when every pack estimates them, and rejected otherwise.
        let want: Vec<Vec<Option<Vec<Value>>>> = packs.iter().map(|(_, pack)| cases.iter().map(|c| {
            yibao::estimate_text(&c.to_string(), Some(pack), false).ok().map(|t| serde_json::from_str::<Value>(&t).unwrap()["visits"].as_array().unwrap().clone())
        }).collect()).collect();
        let mut at = 0;
        for (i, (p, k, _)) in rows.iter().enumerate() {
            let estimated = want.iter().all(|w| w[*p].is_some());
            if !estimated {
                prop_assert!(out.get(at).is_none_or(|r| r["claim_id"] != format!("r{i}")), "row {} of a rejected person is in the results", i);
                continue;
            }
            let row = out.get(at);
            prop_assert!(row.is_some_and(|r| r["claim_id"] == format!("r{i}")), "row {} is not in the results", i);
            let row = row.unwrap();
            for ((id, _), w) in packs.iter().zip(&want) {
                let visits = w[*p].as_ref().unwrap();
                for a in AMOUNTS {
                    prop_assert_eq!(&row[&format!("{id}.{a}")], visits[*k][a].as_str().unwrap(), "{} of row {} ({})", a, i, id);
                }
            }
            at += 1;
        }
        prop_assert_eq!(at, out.len());

        // The same rows grouped by person (each person's in their order), streamed in groups of
        // a few rows: the same results, row for row.
        let mut lines: Vec<&str> = text.lines().skip(1).collect();
        lines.sort_by_key(|l| l.split(',').nth(1).unwrap_or_default().to_owned());
        std::fs::write(d.join("grouped.csv"), format!("{}\n{}\n", text.lines().next().unwrap(), lines.join("\n"))).unwrap();
        let grouped = yibao::batch::Options { claims: d.join("grouped.csv"), out: d.join("grouped-out.csv"), grouped: true, group_rows: Some(1 + threads), ..opts.clone() };
        let g = yibao::batch::run(&grouped).unwrap();
        prop_assert_eq!((g.rows_estimated, g.rows_rejected), (summary.rows_estimated, summary.rows_rejected));
        let mut by_claim: Vec<BTreeMap<String, String>> = read_csv(&d.join("grouped-out.csv"));
        by_claim.sort_by_key(|r| r["claim_id"][1..].parse::<usize>().unwrap());
        prop_assert_eq!(by_claim, out);
    }
}
