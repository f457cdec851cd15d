//! The `yibao` command line: `estimate`, `settle`, `validate`, `upgrade`, `policies`, `batch`. JSON
//! on standard output; errors as the contract's JSON on standard error with exit status 2. `batch`
//! writes files, its summary table on standard error, and exits 3 when it rejected rows.

use serde::Serialize;
use serde_json::Value;
use std::io::Read;
use std::process::ExitCode;
use yibao::Error;

const USAGE: &str = "用法 (usage):
  yibao estimate [--policy PACK.json] [--format json|text] [--parameters] CASE.json|-
    --parameters: JSON 结果附上所用参数的取值和文件依据 (add parameters and sources)
  yibao settle [--policy PACK.json] [--format json|text] [--parameters] CASE.json|-
    医共体 / 包干基金结算测算 (fund settlement of a county alliance or a pilot)
  yibao validate PACK.json
  yibao upgrade PACK.json
    把 yibao-policy/1 政策包改写为 /2，测算结果不变 (a /1 pack rewritten as /2, same estimates)
  yibao policies [--format text|json]
    --format json: 含各包的医院级别 (with each pack's hospital levels: id, name, rank)
  yibao batch --policy PACK [--policy PACK …] CLAIMS --out RESULTS [--summary SUMMARY.json]
              [--rejects REJECTS.csv] [--threads N] [--keep COL,…] [--explain] [--grouped]
    按参保人批量测算理赔明细 (estimate a file of claims, each person's rows as one case)
    CLAIMS: .csv（UTF-8，首行列名）、.parquet 或 .jsonl；RESULTS: .csv 或 .parquet
    PACK: 内置政策包 id 或政策包文件；第一个为基准 (a bundled id or a pack file; the first is the baseline)
    --summary: 各政策包的合计及与基准之差 (totals per pack and differences from the baseline)
    --rejects: 被拒绝的行及原因 (rejected rows and why)
    --keep: 带到结果中的列 (columns carried to the results)
    --explain: 加 P.steps 列，每次就诊的计算步骤 (a P.steps column: each visit's steps, JSON)
    --grouped: 输入已按参保人排列，分段处理、内存有界 (input grouped by person: bounded memory)
    退出码 (exit): 0 全部测算 (all estimated), 3 有行被拒绝 (some rows rejected),
                   2 无法开始，不留输出文件 (could not start; no output file left)
  yibao batch --stdin-tsv COL,COL,… --policy PACK [--keep COL,…]
    Hive / Spark SQL TRANSFORM 脚本：无表头的制表符分隔行从标准输入读入，结果写到标准输出，
    被拒绝的行写到标准错误 (TSV rows in on stdin, results on stdout, rejects on stderr; \\N is NULL)";

/// mimalloc with the batch command (Cargo.toml says why); the engine's own builds keep the system's.
#[cfg(all(feature = "batch", not(target_arch = "wasm32")))]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's `mi_option_set` (linked in by the mimalloc crate, which does not export it).
#[cfg(all(feature = "batch", not(target_arch = "wasm32")))]
extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// A batch frees and allocates again hundreds of MB while it runs: with mimalloc's default (freed
/// memory returned to the OS after 10 ms) the kernel faulted the same pages in again and system
/// time tripled; the process is short-lived, so it keeps its memory until it exits.
#[cfg(all(feature = "batch", not(target_arch = "wasm32")))]
fn keep_freed_memory() {
    /// `mi_option_purge_delay` (mimalloc.h, v2 and v3): -1, never purge.
    const PURGE_DELAY: std::ffi::c_int = 15;
    // SAFETY: sets a plain option; called before the batch starts any thread.
    unsafe { mi_option_set(PURGE_DELAY, -1) }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    #[cfg(all(feature = "batch", not(target_arch = "wasm32")))]
    if args.first().map(String::as_str) == Some("batch") {
        keep_freed_memory();
        return batch(&args[1..]);
    }
    match run(&args) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", serde_json::to_string(&e).unwrap_or_else(|_| e.to_string()));
            ExitCode::from(2)
        }
    }
}

fn usage(what: &str) -> Error {
    Error::new("usage", "", format_args!("{what}\n{USAGE}"), "see usage above")
}

fn read_json(path: &str, what: &'static str) -> Result<Value, Error> {
    let text = if path == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Error::new("io", what, format_args!("无法读取标准输入：{e}"), format_args!("cannot read standard input: {e}")))?;
        s
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| Error::new("io", what, format_args!("无法读取文件 {path}：{e}"), format_args!("cannot read {path}: {e}")))?
    };
    yibao::input::parse(&text).map_err(|e| {
        Error::new(
            "invalid_json",
            what,
            format_args!("{path} 不是有效的 JSON（第 {} 行第 {} 列）：{}", e.line, e.column, e.zh),
            format_args!("{path} is not valid JSON (line {}, column {}): {}", e.line, e.column, e.en),
        )
    })
}

/// Indented by two spaces, with a final newline.
fn pretty(v: &impl Serialize) -> Result<String, Error> {
    let mut s = serde_json::to_string_pretty(v).map_err(yibao::report::cannot_write)?;
    s.push('\n');
    Ok(s)
}

/// `[--policy PACK.json] [--format json|text] [--parameters] CASE.json|-`, as `estimate` and
/// `settle` take them.
fn estimate_args(rest: &[String]) -> Result<(Option<&String>, &'static str, bool, &str), Error> {
    let (mut policy, mut format, mut case, mut parameters) = (None, "json", None, false);
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--parameters" => parameters = true,
            "--policy" => policy = Some(it.next().ok_or_else(|| usage("--policy 后缺少文件 (missing file)"))?),
            "--format" => {
                format = match it.next().map(String::as_str) {
                    Some("json") => "json",
                    Some("text") => "text",
                    _ => return Err(usage("--format 只能是 json 或 text (must be json or text)")),
                }
            }
            other if case.is_none() && (other == "-" || !other.starts_with('-')) => case = Some(other),
            other => return Err(usage(&format!("无法识别的参数 {other} (unexpected argument)"))),
        }
    }
    Ok((policy, format, parameters, case.ok_or_else(|| usage("缺少案例文件 (missing CASE.json)"))?))
}

fn run(args: &[String]) -> Result<String, Error> {
    let Some((cmd, rest)) = args.split_first() else { return Err(usage("缺少子命令 (missing command)")) };
    match cmd.as_str() {
        "estimate" => {
            let (policy, format, parameters, case) = estimate_args(rest)?;
            let case = read_json(case, "case")?;
            let pack = policy.map(|p| read_json(p, "policy")).transpose()?;
            yibao::with_estimate(&case, pack.as_ref(), |e| match (format, parameters) {
                ("text", _) => Ok(yibao::report::text::render(e)),
                _ => pretty(&yibao::Output { estimate: e, parameters: parameters.then_some(yibao::Numbers::Exact) }),
            })?
        }
        #[cfg(feature = "settlement")]
        "settle" => {
            let (policy, format, parameters, case) = estimate_args(rest)?;
            let case = read_json(case, "case")?;
            let pack = policy.map(|p| read_json(p, "policy")).transpose()?;
            yibao::with_settlement(&case, pack.as_ref(), |s| match format {
                "text" => Ok(yibao::settlement::text::render(s)),
                _ => pretty(&yibao::settlement::Output::new(s, parameters.then_some(yibao::Numbers::Exact))),
            })?
        }
        "validate" => {
            let [path] = rest else { return Err(usage("validate 需要一个政策包文件 (one PACK.json)")) };
            let pack = read_json(path, "policy")?;
            let p = yibao::load_policy(&pack)?;
            Ok(format!("有效 (valid): {} {}（{}，{}）\n", p.id, p.name, p.region.name, p.effective.zh()))
        }
        "upgrade" => {
            let [path] = rest else { return Err(usage("upgrade 需要一个政策包文件 (one PACK.json)")) };
            let pack = read_json(path, "policy")?;
            pretty(&yibao::upgrade_pack(&pack)?)
        }
        "policies" => {
            let json = match rest {
                [] => false,
                [flag, format] if flag == "--format" && format == "json" => true,
                [flag, format] if flag == "--format" && format == "text" => false,
                _ => return Err(usage("policies 只接受 --format json|text (only --format json|text)")),
            };
            let policies = yibao::policies()?;
            if json {
                return pretty(&policies);
            }
            let mut out = String::new();
            for p in policies {
                let until = p.effective.until.map(|d| d.to_string()).unwrap_or_default();
                out.push_str(&format!("{}\t{}\t{} {}\t{}..{}\n", p.id, p.name, p.region.code, p.region.name, p.effective.from, until));
            }
            Ok(out)
        }
        "-h" | "--help" | "help" => Ok(format!("{USAGE}\n")),
        other => Err(usage(&format!("未知的子命令 {other} (unknown command)"))),
    }
}

/// `yibao batch`: the options read here, the work done by `yibao::batch`.
#[cfg(all(feature = "batch", not(target_arch = "wasm32")))]
fn batch(args: &[String]) -> ExitCode {
    use std::io::IsTerminal;
    let fail = |e: Error| {
        eprintln!("{}", serde_json::to_string(&e).unwrap_or_else(|_| e.to_string()));
        ExitCode::from(2)
    };
    if args.iter().any(|a| a == "--stdin-tsv") {
        return match stdin_tsv(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        };
    }
    let opts = match batch_options(args) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    let opts = yibao::batch::Options { progress: std::io::stderr().is_terminal(), ..opts };
    match yibao::batch::run(&opts) {
        Ok(summary) => {
            eprint!("{}", summary.table());
            if summary.rows_rejected > 0 {
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => fail(e),
    }
}

/// `yibao batch --stdin-tsv COL,COL,… --policy P [--keep C,…]`: tab-separated rows in on
/// standard input, out on standard output, rejects on standard error, exit 0 even when rows were
/// rejected (a Hive / Spark SQL TRANSFORM script fails its query otherwise; src/batch/tsv.rs).
#[cfg(all(feature = "batch", not(target_arch = "wasm32")))]
fn stdin_tsv(args: &[String]) -> Result<(), Error> {
    let (mut columns, mut policies, mut keep) = (Vec::new(), Vec::new(), Vec::new());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| usage(&format!("{name} 后缺少取值 (missing value)")));
        match a.as_str() {
            "--stdin-tsv" => columns = column_list(&value("--stdin-tsv")?),
            "--policy" => policies.push(value("--policy")?),
            "--keep" => keep.extend(column_list(&value("--keep")?)),
            other => return Err(usage(&format!("--stdin-tsv 只接受 --policy 和 --keep，不接受 {other} (only --policy and --keep go with --stdin-tsv)"))),
        }
    }
    if policies.is_empty() {
        return Err(usage("缺少 --policy (missing --policy)"));
    }
    let summary = yibao::batch::tsv::run(&columns, &policies, &keep, std::io::stdin().lock(), std::io::stdout().lock(), std::io::stderr().lock())?;
    eprint!("{}", summary.table());
    Ok(())
}

/// `A, B,C` as the columns A, B and C (spaces around a name and empty names ignored).
#[cfg(all(feature = "batch", not(target_arch = "wasm32")))]
fn column_list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

#[cfg(all(feature = "batch", not(target_arch = "wasm32")))]
fn batch_options(args: &[String]) -> Result<yibao::batch::Options, Error> {
    use std::path::PathBuf;
    let mut o = yibao::batch::Options::default();
    let mut claims = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| usage(&format!("{name} 后缺少取值 (missing value)")));
        match a.as_str() {
            "--policy" => o.policies.push(value("--policy")?),
            "--out" => o.out = PathBuf::from(value("--out")?),
            "--summary" => o.summary = Some(PathBuf::from(value("--summary")?)),
            "--rejects" => o.rejects = Some(PathBuf::from(value("--rejects")?)),
            "--threads" => {
                let n = value("--threads")?;
                match n.parse::<usize>() {
                    Ok(n) if n > 0 => o.threads = Some(n),
                    _ => return Err(usage(&format!("--threads 须为正整数，而不是 {n} (must be a positive whole number)"))),
                }
            }
            "--keep" => o.keep.extend(column_list(&value("--keep")?)),
            "--explain" => o.explain = true,
            "--grouped" => o.grouped = true,
            other if claims.is_none() && !other.starts_with('-') => claims = Some(PathBuf::from(other)),
            other => return Err(usage(&format!("无法识别的参数 {other} (unexpected argument)"))),
        }
    }
    o.claims = claims.ok_or_else(|| usage("缺少理赔文件 (missing CLAIMS)"))?;
    if o.out.as_os_str().is_empty() {
        return Err(usage("缺少 --out 结果文件 (missing --out RESULTS)"));
    }
    if o.policies.is_empty() {
        return Err(usage("缺少 --policy (missing --policy)"));
    }
    Ok(o)
}
