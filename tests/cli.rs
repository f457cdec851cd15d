//! The `yibao` command line: JSON out, text for counter staff, errors on stderr with status 2.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_yibao");
const POLICY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/spec/example-policy.json");

fn yibao(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(BIN).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

const CASE: &str = r#"{"person":{"category":"low_income"},"visits":[{"kind":"inpatient","level":"municipal","date":"2024-05-10","total":"50000","out_of_catalog":"3000","class_b_self_pay":"2000"}]}"#;

#[test]
fn estimate_json_from_stdin() {
    let (code, out, err) = yibao(&["estimate", "--policy", POLICY, "-"], CASE);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["totals"]["reimbursed"], "43265.37");
    assert_eq!(v["totals"]["out_of_pocket"], "6734.63");
    assert!(err.is_empty());
    // Parameters only when asked for; then every step's pointer is there with its value.
    assert!(v.get("parameters").is_none() && v.get("sources").is_none());
    let (code, out, err) = yibao(&["estimate", "--parameters", "--policy", POLICY, "-"], CASE);
    assert_eq!(code, 0, "{err}");
    let w: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(w["totals"], v["totals"]);
    assert_eq!(w["parameters"]["/basic/inpatient/levels/municipal/deductible"]["value"], "800");
    assert!(w["sources"].is_object());
}

#[test]
fn estimate_text_for_counter_staff() {
    let dir = std::env::temp_dir().join(format!("yibao-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("case.json");
    std::fs::write(&file, CASE).unwrap();
    let (code, out, _) = yibao(&["estimate", "--format", "text", "--policy", POLICY, file.to_str().unwrap()], "");
    assert_eq!(code, 0);
    assert!(out.contains("个人负担                6,734.63 元"), "{out}");
    assert!(out.contains("[医疗救助·支付]"));
    assert!(out.contains("不作为结算依据"));
}

/// Issue 10, item 7: an illustrative parameter that cites a document is still marked 示例参数 in
/// the text, as the JSON's basis and the page have it; every parameter the text lists agrees.
#[test]
fn text_marks_every_illustrative_parameter_as_an_example() {
    let case = r#"{"policy":"national-baseline","person":{"category":"ordinary"},"visits":[{"kind":"inpatient","level":"municipal","date":"2024-05-10","total":"50000","out_of_catalog":"3000","class_b_self_pay":"2000"}]}"#;
    let (code, text, err) = yibao(&["estimate", "--format", "text", "-"], case);
    assert_eq!(code, 0, "{err}");
    let (_, json, _) = yibao(&["estimate", "--parameters", "-"], case);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let line = |pointer: &str| text.lines().find(|l| l.trim_start().starts_with(&format!("{pointer}："))).unwrap_or_else(|| panic!("{pointer} not listed\n{text}")).to_owned();
    // The threshold cites 医保发〔2019〕30号 for how it is set, but its 15,000 is an example.
    assert_eq!(v["parameters"]["/critical_illness/threshold"]["basis"], "illustrative");
    let threshold = line("/critical_illness/threshold");
    assert!(threshold.contains("示例参数") && threshold.contains("医保发〔2019〕30号"), "{threshold}");
    let parameters = v["parameters"].as_object().unwrap();
    assert!(parameters.len() > 5);
    for (pointer, p) in parameters {
        let marked = line(pointer).contains("示例参数");
        assert_eq!(marked, p["basis"] == "illustrative", "{pointer}: {}", line(pointer));
    }
}

#[test]
fn policies_as_json_list_each_packs_levels() {
    let (code, out, err) = yibao(&["policies", "--format", "json"], "");
    assert_eq!(code, 0, "{err}");
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let gansu = list.as_array().unwrap().iter().find(|p| p["id"] == "gansu-2018").unwrap();
    assert_eq!(gansu["region"]["code"], "620000");
    assert_eq!(gansu["effective"]["from"], "2018-06-01");
    let levels: Vec<(String, u64)> = gansu["levels"].as_array().unwrap().iter().map(|l| (l["id"].as_str().unwrap().to_owned(), l["rank"].as_u64().unwrap())).collect();
    let want = [("village", 1), ("township", 2), ("county", 3), ("municipal", 4), ("provincial", 5)];
    assert_eq!(levels, want.map(|(id, rank)| (id.to_owned(), rank)));
    assert_eq!(gansu["levels"][2]["name"], "县级医院");
    // The plain listing is unchanged: one line a pack.
    let (code, text, _) = yibao(&["policies"], "");
    assert_eq!(code, 0);
    assert!(text.lines().any(|l| l.starts_with("gansu-2018\t")), "{text}");
    let (code, _, err) = yibao(&["policies", "--format", "yaml"], "");
    assert_eq!(code, 2);
    assert!(err.contains("\"code\":\"usage\""), "{err}");
}

#[test]
fn errors_go_to_stderr_as_json_with_status_2() {
    let bad = r#"{"person":{"category":"ordinary"},"visits":[{"kind":"inpatient","level":"county","date":"2024-02-30","total":"1000"}]}"#;
    let (code, out, err) = yibao(&["estimate", "--policy", POLICY, "-"], bad);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "nothing else is printed: {out}");
    let v: serde_json::Value = serde_json::from_str(&err).unwrap();
    assert_eq!(v["error"]["code"], "invalid_date");
    assert_eq!(v["error"]["path"], "visits[0].date");
    let (code, _, err) = yibao(&["estimate", "--policy", POLICY, "-"], "{not json");
    assert_eq!(code, 2);
    assert!(err.contains("invalid_json"));
    let (code, _, err) = yibao(&["frobnicate"], "");
    assert_eq!(code, 2);
    assert!(err.contains("usage"));
}

#[test]
fn validate_a_pack() {
    let (code, out, _) = yibao(&["validate", POLICY], "");
    assert_eq!(code, 0);
    assert!(out.starts_with("有效 (valid): example"));
    let (code, _, err) = yibao(&["validate", "-"], r#"{"format":"yibao-policy/1"}"#);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&err).unwrap();
    assert_eq!(v["error"]["code"], "invalid_policy");
    assert_eq!(v["error"]["path"], "/id");
}

/// `yibao upgrade` (policy-format.md, "Reading a /1 pack"): the /2 pack, which validates and
/// gives the same estimate; a /2 pack comes back as it is; an invalid pack is not rewritten.
#[test]
fn upgrade_a_format1_pack() {
    let (code, out, err) = yibao(&["upgrade", POLICY], "");
    assert_eq!(code, 0, "{err}");
    let v2: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v2["format"], "yibao-policy/2");
    assert_eq!(v2["levels"]["county"]["rank"], 3);
    assert_eq!(v2["medical_assistance"]["layers"][0]["id"], "assistance");
    assert_eq!(v2["medical_assistance"]["layers"][0]["categories"]["low_income"]["rate"], "0.70");
    // The same estimate as the /1 pack gives (the CASE of estimate_json_from_stdin).
    let dir = std::env::temp_dir().join(format!("yibao-upgrade-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("pack-2.json");
    std::fs::write(&file, &out).unwrap();
    let file = file.to_str().unwrap();
    let (code, est, err) = yibao(&["estimate", "--policy", file, "-"], CASE);
    assert_eq!(code, 0, "{err}");
    let est: serde_json::Value = serde_json::from_str(&est).unwrap();
    assert_eq!(est["totals"]["reimbursed"], "43265.37");
    // Upgrading the /2 pack changes nothing.
    let (code, again, _) = yibao(&["upgrade", file], "");
    assert_eq!(code, 0);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&again).unwrap(), v2);
    let (code, _, err) = yibao(&["upgrade", "-"], r#"{"format":"yibao-policy/1","id":"x"}"#);
    assert_eq!(code, 2);
    let e: serde_json::Value = serde_json::from_str(&err).unwrap();
    assert_eq!(e["error"]["code"], "invalid_policy");
    std::fs::remove_dir_all(&dir).ok();
}
