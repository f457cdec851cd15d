//! `yibao batch` (batch.md): the resident rules over a file of settled claims, under one or more
//! packs, each person's rows as one case — the results equal `yibao estimate` of that case to the
//! fen — with the rows no estimate could be made for in a rejects file, and a summary.
//!
//! The run: claims are read chunk by chunk ([`files`]) on a thread of their own, a few chunks
//! ahead, while each chunk read is parsed, row by row into a typed visit, on all cores
//! ([`claims`]); rows are grouped by person (a parallel sort on the person id's hash and the row's
//! place, the ids compared too, so a person's rows keep their file order, which breaks ties
//! between same-date visits as in a case); each person is checked as a whole (one bad row rejects
//! the person: a missing visit would change the rest of their year), estimated under every pack
//! and tallied for the summary ([`summary`]) in one step on all cores, without explanation texts
//! unless `--explain` asks for them ([`crate::rules::estimate::amounts_of`]); results are written
//! in input order. With `--grouped` (rows of a person next to each other) persons are numbered as
//! their rows come, and this runs over groups of about [`GROUP_ROWS`] rows at a time, in bounded
//! memory. Every output is staged beside its destination and renamed into place only when the
//! whole run has succeeded. The same run serves record batches in memory (table.rs: Python,
//! Spark), which are read as a Parquet file's are and whose results are kept as a table.
//!
//! A person is estimated under every pack or rejected: every pack's results and totals are over
//! the same rows, so their differences are the packs' and nothing else.

pub mod claims;
pub mod files;
pub mod summary;
pub mod table;
pub mod tsv;
mod write;

use crate::case::{Person, Visit, YearToDate, MAX_VISITS};
use crate::date::Date;
use crate::money::Money;
use crate::vocabulary::{Kind, Referral};
use crate::error::Error;
use crate::policy::{bundled, Policy};
use crate::rules::estimate::{amounts_of, estimate_of, Amounts};
use crate::vocabulary::Category;
use claims::{Claim, Rows};
use files::{Claims, Staged};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::hash::BuildHasher;
use std::path::PathBuf;
use summary::{Paid, Summary, Tally};

/// Rows read at a time.
const CHUNK_ROWS: usize = 1 << 14;

/// With `--grouped`, rows are estimated and written in groups of about this many (a group
/// ends where a person does), so memory stays bounded whatever the size of the file.
pub const GROUP_ROWS: usize = 1 << 18;

/// What to run (the command line's options).
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub claims: PathBuf,
    pub out: PathBuf,
    /// Bundled pack ids or pack files; the first is the baseline.
    pub policies: Vec<String>,
    pub summary: Option<PathBuf>,
    pub rejects: Option<PathBuf>,
    /// Worker threads; `None`: one per core.
    pub threads: Option<usize>,
    /// Columns carried from the claims to the results.
    pub keep: Vec<String>,
    /// A `P.steps` column per pack: each visit's explanation steps as JSON.
    pub explain: bool,
    /// The rows of a person are next to each other: streamed in bounded memory.
    pub grouped: bool,
    /// Show a progress bar on standard error (the door decides: only on a terminal).
    pub progress: bool,
    /// With `grouped`, rows per group; `None`: [`GROUP_ROWS`] (tests use small groups).
    pub group_rows: Option<usize>,
}

/// A pack of a run: a bundled one, or one of its own.
pub enum Pack {
    Bundled(&'static Policy),
    Own(Box<Policy>),
}

impl Pack {
    /// A bundled pack's id (a JSON string) or a pack (a JSON object, whose `extends` names a
    /// bundled pack).
    pub fn of(value: &serde_json::Value) -> Result<Pack, Error> {
        match value {
            serde_json::Value::String(id) => bundled::by_id(id).map(Pack::Bundled),
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

/// The packs of a run are at least one, each id once (results' columns are named by pack id);
/// `field` is where they were given (`shown` as the user wrote it).
fn check_packs(policies: &[&Policy], field: &str, shown: &str) -> Result<(), Error> {
    if policies.is_empty() {
        return Err(Error::new("missing_field", field, format_args!("请至少指定一个政策包（{shown}）"), format_args!("name at least one policy pack ({shown})")));
    }
    for (i, p) in policies.iter().enumerate() {
        if policies[..i].iter().any(|q| q.id == p.id) {
            return Err(Error::new(
                "duplicate_policy",
                field,
                format_args!("政策包 {} 指定了两次；结果的列以政策包 id 命名，须各不相同", p.id),
                format_args!("policy {} is given twice; result columns are named by pack id, which must differ", p.id),
            ));
        }
    }
    Ok(())
}

/// `--policy` X: a pack file when a file of that name exists, else a bundled pack's id.
fn load_policy(spec: &str) -> Result<Pack, Error> {
    let path = std::path::Path::new(spec);
    if path.is_file() {
        let text = files::read_text(path, "policy")?;
        let value = crate::input::parse(&text).map_err(|e| {
            Error::new(
                "invalid_json",
                "policy",
                format_args!("{spec} 不是有效的 JSON（第 {} 行第 {} 列）：{}", e.line, e.column, e.zh),
                format_args!("{spec} is not valid JSON (line {}, column {}): {}", e.line, e.column, e.en),
            )
        })?;
        return Ok(Pack::Own(Box::new(crate::load_policy(&value)?)));
    }
    bundled::by_id(spec).map(Pack::Bundled)
}

/// The rows of a person no estimate was made for, and why: the row that caused it, with its
/// column and error.
#[derive(Clone, Debug)]
struct Cause {
    row: u32,
    error: Error,
}

/// A row as kept until its results are written: a million of them are held at once without
/// `--grouped`, so it is kept small (its number is its place in the group, see
/// [`Group::number`]; what few rows have is behind one pointer, see [`Extra`]).
struct Row {
    /// Index into the group's persons; [`NO_PERSON`] for a row without a person id.
    person: u32,
    /// The person id's length, or [`ABSENT`].
    person_len: u32,
    /// The claim id's length, or [`ABSENT`].
    claim_len: u32,
    /// The person id and then the claim id, in one allocation: see [`Row::person_id`] and
    /// [`Row::claim_id`].
    ids: Box<str>,
    kept: Box<[Box<str>]>,
    claim: Result<Compact, Box<Error>>,
}

/// A row's claim as kept until it is estimated: a third of the size of a [`Claim`] and without an
/// allocation of its own in the usual row (the level as its place among the packs' levels,
/// amounts in fen); the engine's [`Visit`] is built from it when its person is estimated, on the
/// worker that estimates them.
struct Compact {
    category: Category,
    kind: Kind,
    referral: Referral,
    date: Date,
    /// In fen; [`NO_AMOUNT`] for an absent `out_of_catalog` or `class_b_self_pay`.
    total: i64,
    out_of_catalog: i64,
    class_b_self_pay: i64,
    tcm: i64,
    /// Its place in [`LevelIds`], or [`OTHER_LEVEL`] (the text is in `extra`).
    level: u8,
    /// `None` for the usual row, which names no conditions, no referring level and a level a
    /// pack declares.
    extra: Option<Box<Extra>>,
}

/// The cells of a claim that most rows leave empty.
struct Extra {
    /// A level no pack of the run declares (the estimate refuses it, naming it).
    level: Option<Box<str>>,
    referred_from: Option<Box<str>>,
    condition: Option<Box<str>>,
    conditions: Box<[Box<str>]>,
}

const NO_AMOUNT: i64 = -1;

/// The hospital levels the run's packs declare, in order (at most 255; a row's level is kept as
/// its place among them).
struct LevelIds<'p>(Vec<&'p str>);

/// A row's level that is none of [`LevelIds`].
const OTHER_LEVEL: u8 = u8::MAX;

impl<'p> LevelIds<'p> {
    fn of(policies: &[&'p Policy]) -> LevelIds<'p> {
        let mut ids: Vec<&str> = Vec::new();
        for level in policies.iter().flat_map(|p| &p.levels.0) {
            if !ids.contains(&level.id.as_str()) && ids.len() < usize::from(OTHER_LEVEL) {
                ids.push(&level.id);
            }
        }
        LevelIds(ids)
    }
}

/// Amounts parsed are checked to fit (at most 2 decimals, bounded): `None` only for an amount
/// no check lets through.
fn fen(m: Money) -> Option<i64> {
    m.in_fen()
}

fn money(fen: i64) -> Money {
    Money::from_decimal(rust_decimal::Decimal::new(fen, 2))
}

impl Compact {
    fn of(claim: Claim, levels: &LevelIds) -> Result<Compact, Box<Error>> {
        let Claim { category, conditions, visit } = claim;
        let level = levels.0.iter().position(|l| *l == visit.level).map_or(OTHER_LEVEL, |i| i as u8);
        let overflow = || Box::new(Error::from(crate::money::Overflow));
        let opt = |m: Option<Money>| m.map_or(Some(NO_AMOUNT), fen);
        Ok(Compact {
            category,
            kind: visit.kind,
            referral: visit.referral,
            date: visit.date,
            total: fen(visit.total).ok_or_else(overflow)?,
            out_of_catalog: opt(visit.out_of_catalog).ok_or_else(overflow)?,
            class_b_self_pay: opt(visit.class_b_self_pay).ok_or_else(overflow)?,
            tcm: fen(visit.tcm).ok_or_else(overflow)?,
            level,
            extra: (level == OTHER_LEVEL || visit.referred_from.is_some() || visit.condition.is_some() || !conditions.is_empty()).then(|| {
                Box::new(Extra {
                    level: (level == OTHER_LEVEL).then(|| visit.level.into_boxed_str()),
                    referred_from: visit.referred_from.map(String::into_boxed_str),
                    condition: visit.condition.map(String::into_boxed_str),
                    conditions: conditions.into_iter().map(String::into_boxed_str).collect(),
                })
            }),
        })
    }

    fn conditions(&self) -> &[Box<str>] {
        self.extra.as_ref().map_or(&[], |e| &e.conditions)
    }

    /// The engine's visit, as [`claims::read`] gave it.
    fn visit(&self, levels: &LevelIds) -> Visit {
        let opt = |f: i64| (f != NO_AMOUNT).then(|| money(f));
        let level = match levels.0.get(usize::from(self.level)) {
            Some(id) => id,
            None => self.extra.as_ref().and_then(|e| e.level.as_deref()).unwrap_or_default(),
        };
        Visit {
            kind: self.kind,
            level: level.to_owned(),
            date: self.date,
            total: money(self.total),
            out_of_catalog: opt(self.out_of_catalog),
            class_b_self_pay: opt(self.class_b_self_pay),
            tcm: money(self.tcm),
            referral: self.referral,
            referred_from: self.extra.as_ref().and_then(|e| e.referred_from.as_deref()).map(str::to_owned),
            condition: self.extra.as_ref().and_then(|e| e.condition.as_deref()).map(str::to_owned),
        }
    }
}

const NO_PERSON: u32 = u32::MAX;

/// An id the row does not have.
const ABSENT: u32 = u32::MAX;

impl Row {
    fn new(read: claims::Read, levels: &LevelIds) -> Row {
        let (person, claim) = (read.person_id.unwrap_or_default(), read.claim_id.unwrap_or_default());
        let mut ids = String::with_capacity(person.len() + claim.len());
        ids.push_str(person);
        ids.push_str(claim);
        let len = |id: Option<&str>| id.map_or(ABSENT, |s| u32::try_from(s.len()).unwrap_or(ABSENT));
        Row { person: NO_PERSON, ids: ids.into_boxed_str(), person_len: len(read.person_id), claim_len: len(read.claim_id), kept: read.kept, claim: read.claim.map_err(Box::new).and_then(|c| Compact::of(c, levels)) }
    }

    fn person_id(&self) -> Option<&str> {
        (self.person_len != ABSENT).then(|| self.ids.get(..self.person_len as usize)).flatten()
    }

    fn claim_id(&self) -> Option<&str> {
        let from = if self.person_len == ABSENT { 0 } else { self.person_len as usize };
        (self.claim_len != ABSENT).then(|| self.ids.get(from..from + self.claim_len as usize)).flatten()
    }
}

/// Rows read and not yet estimated, with their persons (`index`, each person id's number: with
/// `--grouped` only, where persons are numbered as their rows come; otherwise
/// [`persons_by_sort`] finds them).
#[derive(Default)]
struct Group {
    /// The rows of the file before this group's.
    before: u64,
    rows: Vec<Row>,
    index: FxHashMap<Box<str>, u32>,
}

/// What a worker's persons gave (their results are written in place): the persons it could not
/// estimate, and why; its tallies, one per pack.
struct Part {
    causes: Vec<(u32, Cause)>,
    tallies: Vec<Tally>,
    /// The person at hand's amounts, all nine per row and pack (for the tallies), reused from
    /// one person to the next.
    amounts: Vec<[i64; 9]>,
}

/// Runs a batch: the summary, or the error that stopped it before any output was left.
pub fn run(opts: &Options) -> Result<Summary, Error> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = opts.threads {
        pool = pool.num_threads(n);
    }
    let pool = pool.build().map_err(|e| Error::new("threads", "threads", format_args!("无法启动工作线程：{e}"), format_args!("cannot start worker threads: {e}")))?;
    pool.install(|| run_here(opts))
}

fn run_here(opts: &Options) -> Result<Summary, Error> {
    let held = opts.policies.iter().map(|s| load_policy(s)).collect::<Result<Vec<_>, _>>()?;
    let policies: Vec<&Policy> = held.iter().map(Pack::get).collect();
    check_packs(&policies, "policy", "--policy")?;
    let out_format = files::Format::of(&opts.out, "out")?;
    if out_format == files::Format::JsonLines {
        return Err(Error::new("unsupported_format", "out", "结果文件只能是 .csv 或 .parquet", "the results file must be .csv or .parquet"));
    }
    let claims = Claims::open(&opts.claims, &opts.keep)?;

    let (results_stage, results_file) = Staged::create(&opts.out, "out")?;
    let mut results = write::Results::new(results_file, out_format, &opts.out, &policies, &opts.keep, opts.explain)?;
    let mut rejects = match &opts.rejects {
        Some(path) => {
            let (stage, file) = Staged::create(path, "rejects")?;
            Some((stage, write::Rejects::new(file, path)?))
        }
        None => None,
    };
    let summary_stage = match &opts.summary {
        Some(path) => Some(Staged::create(path, "summary")?),
        None => None,
    };

    let plan = Plan { grouped: opts.grouped, group_rows: opts.group_rows.unwrap_or(GROUP_ROWS), explain: opts.explain, kept: opts.keep.len(), progress: opts.progress };
    let (summary, first_rejects) = estimate_all(claims, &policies, &plan, &mut results, rejects.as_mut().map(|(_, w)| w))?;
    results.close()?;
    if let Some((stage, w)) = rejects {
        w.close()?;
        stage.commit()?;
    } else if summary.rows_rejected > 0 {
        // No rejects file asked for: the first few reasons, so that nothing is silently lost.
        eprintln!("{} 行被拒绝 (rows rejected); 用 --rejects FILE 列出全部 (list them all with --rejects FILE):", summary.rows_rejected);
        for line in &first_rejects {
            eprintln!("  {line}");
        }
    }
    results_stage.commit()?;
    if let (Some((stage, mut file)), Some(path)) = (summary_stage, &opts.summary) {
        use std::io::Write;
        let mut text = serde_json::to_string_pretty(&summary.json()).map_err(crate::report::cannot_write)?;
        text.push('\n');
        file.write_all(text.as_bytes()).map_err(|e| files::write_error("summary", path, e))?;
        drop(file);
        stage.commit()?;
    }
    Ok(summary)
}

/// How a run goes: the command line's options that are not about files.
struct Plan {
    grouped: bool,
    group_rows: usize,
    explain: bool,
    /// Kept columns.
    kept: usize,
    progress: bool,
}

/// Every row of `claims` estimated under `policies`, written to `results`, or to `rejects` (when
/// given) with why; the summary, and the first few reasons (for standard error, without a
/// rejects file). The files' `yibao batch` and the in-memory table.rs both run this.
fn estimate_all(
    mut claims: Claims,
    policies: &[&Policy],
    plan: &Plan,
    results: &mut write::Results,
    mut rejects: Option<&mut write::Rejects>,
) -> Result<(Summary, Vec<String>), Error> {
    let (_, size) = claims.progress();
    let bar = progress(plan.progress, size);
    let mut summary = Summary { policies: policies.iter().map(|p| (p.id.clone(), p.name.clone(), Tally::default())).collect(), ..Summary::default() };
    let mut first_rejects: Vec<String> = Vec::new();
    let mut group = Group::default();
    // With --grouped: the persons of the groups already written (a person seen again later
    // means the input is not grouped, and their earlier rows were estimated without these).
    let mut finished: FxHashSet<Box<str>> = FxHashSet::default();
    let mut last: Option<u32> = None;
    let mut number: u64 = 0;
    let kept = plan.kept;
    let levels = LevelIds::of(policies);
    // The file is read on a thread of its own, a few chunks ahead, while the chunks already
    // read are parsed on all cores (reading CSV records is sequential; everything after is not).
    // A chunk goes back to the reader once parsed, for its buffers to be reused.
    std::thread::scope(|scope| -> Result<(), Error> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<(files::Chunk, (u64, u64)), Error>>(2);
        let (back, returned) = std::sync::mpsc::channel::<files::Chunk>();
        scope.spawn(move || loop {
            while let Ok(chunk) = returned.try_recv() {
                claims.recycle(chunk);
            }
            let next = claims.next_chunk(CHUNK_ROWS).map(|c| c.map(|c| (c, claims.progress())));
            let stop = !matches!(next, Ok(Some(_)));
            if let Some(next) = next.transpose() {
                if tx.send(next).is_err() {
                    break;
                }
            }
            if stop {
                break;
            }
        });
        for next in rx {
            let (chunk, (at, of)) = next?;
            let read = |i: usize| Row::new(claims::read(&chunk, i, kept), &levels);
            number += chunk.len() as u64;
            if !plan.grouped {
                if group.rows.capacity() == 0 {
                    // Room for every row at once (from the file's size and this chunk's rows), so
                    // that millions of rows are not moved again and again as the list grows.
                    let guess = (of as f64 / at.max(1) as f64 * chunk.len() as f64 * 1.05) as usize;
                    group.rows.reserve(guess.min(1 << 31));
                }
                group.rows.par_extend((0..chunk.len()).into_par_iter().map(read));
            } else {
                let rows: Vec<Row> = (0..chunk.len()).into_par_iter().map(read).collect();
                for mut row in rows {
                    let mut person = NO_PERSON;
                    if let Some(id) = row.person_id() {
                        let known = group.index.get(id).copied();
                        // A group ends between two persons once it is large enough (the person
                        // stays unknown: the next group starts empty).
                        if known.is_none() && group.rows.len() >= plan.group_rows {
                            finished.extend(group.index.keys().cloned());
                            let done = std::mem::take(&mut group);
                            group.before = done.before + done.rows.len() as u64;
                            finish(done, true, policies, &levels, plan.explain, results, rejects.as_deref_mut(), &mut summary, &mut first_rejects)?;
                            last = None;
                        }
                        if (known.is_some() && known != last) || finished.contains(id) {
                            let number = group.before + group.rows.len() as u64 + 1;
                            return Err(Error::new(
                                "not_grouped",
                                "claims",
                                format_args!("第 {number} 行：参保人 {id} 的各行不相邻；使用 --grouped 时，同一参保人的各行须连续排列（或去掉 --grouped）"),
                                format_args!("row {number}: the rows of person {id} are not next to each other; with --grouped a person's rows must be consecutive (or drop --grouped)"),
                            ));
                        }
                        person = match known {
                            Some(p) => p,
                            None => {
                                let p = u32::try_from(group.index.len()).map_err(|_| too_many())?;
                                group.index.insert(Box::from(id), p);
                                p
                            }
                        };
                        last = Some(person);
                    }
                    row.person = person;
                    group.rows.push(row);
                }
            }
            // Rows are numbered u32 within a group (and u32::MAX marks a row not estimated).
            if group.rows.len() >= u32::MAX as usize {
                return Err(Error::new(
                    "too_many_rows",
                    "claims",
                    "一次最多测算 4,294,967,294 行；请将同一参保人的各行排在一起，并使用 --grouped",
                    "at most 4,294,967,294 rows are estimated at once; put each person's rows together and use --grouped",
                ));
            }
            let _ = back.send(chunk);
            bar.set_length(of.max(at));
            bar.set_position(at);
        }
        Ok(())
    })?;
    bar.set_message("测算中 estimating");
    finish(group, plan.grouped, policies, &levels, plan.explain, results, rejects, &mut summary, &mut first_rejects)?;
    bar.finish_and_clear();
    summary.rows_in = number;
    Ok((summary, first_rejects))
}

fn too_many() -> Error {
    Error::new("too_many_persons", "claims", "参保人过多（最多 4,294,967,294 人）", "too many persons (at most 4,294,967,294)")
}

fn progress(show: bool, len: u64) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(Some(len), indicatif::ProgressDrawTarget::stderr());
    let style = indicatif::ProgressStyle::with_template("{msg} [{elapsed_precise}] {wide_bar} {percent}%").unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message("读取 reading");
    bar
}

/// Estimates a group's persons and writes its rows.
#[allow(clippy::too_many_arguments)]
fn finish(
    group: Group,
    interned: bool,
    policies: &[&Policy],
    levels: &LevelIds,
    explain: bool,
    results: &mut write::Results,
    mut rejects: Option<&mut write::Rejects>,
    summary: &mut Summary,
    first_rejects: &mut Vec<String>,
) -> Result<(), Error> {
    let n = group.rows.len();
    // Each person's rows, in file order: `order[starts[p]..starts[p + 1]]`.
    let (order, starts) = if interned { persons_by_count(&group) } else { persons_by_sort(&group.rows, |id| rustc_hash::FxBuildHasher.hash_one(id)) };
    let persons = starts.len() - 1;
    let p_count = policies.len();

    // Every row's results per pack (and steps with --explain) in person order: the rows of
    // `order[i]` at `paid[i * p_count..]`, so each person's are one slice, written in place by
    // the worker that estimates them (no list per worker to grow and copy after: at a million
    // rows those were two more copies, in fresh memory; and only what the results give).
    let mut paid: Vec<Paid> = vec![[0; 6]; order.len() * p_count];
    let mut steps: Vec<String> = if explain { vec![String::new(); order.len() * p_count] } else { Vec::new() };
    let mut places: Vec<(&mut [Paid], &mut [String])> = Vec::with_capacity(persons);
    let (mut a_rest, mut s_rest) = (&mut paid[..], &mut steps[..]);
    for p in 0..persons {
        let len = (starts[p + 1] - starts[p]) as usize * p_count;
        let (a, rest) = std::mem::take(&mut a_rest).split_at_mut(len);
        a_rest = rest;
        let (s, rest) = std::mem::take(&mut s_rest).split_at_mut(if explain { len } else { 0 });
        s_rest = rest;
        places.push((a, s));
    }

    // Every person checked as a whole and estimated under every pack, on all cores: each
    // worker tallies the summary as it goes (a tally per worker, merged after).
    let rows = &group.rows;
    let parts: Vec<Part> = places
        .into_par_iter()
        .enumerate()
        .with_min_len(64)
        .fold(
            || Part { causes: Vec::new(), tallies: (0..p_count).map(|_| Tally::default()).collect(), amounts: Vec::new() },
            |mut part, (p, (paid, steps))| {
                let mine = &order[starts[p] as usize..starts[p + 1] as usize];
                let mut amounts = std::mem::take(&mut part.amounts);
                amounts.clear();
                amounts.resize(mine.len() * p_count, [0; 9]);
                match estimate_person(rows, mine, policies, levels, explain, &mut amounts, steps) {
                    Err(cause) => part.causes.push((p as u32, cause)),
                    Ok((category, visits)) => {
                        for (out, a) in paid.iter_mut().zip(&amounts) {
                            out.copy_from_slice(&a[summary::PAID_FROM..]);
                        }
                        for (k, visit) in visits.iter().enumerate() {
                            for (q, t) in part.tallies.iter_mut().enumerate() {
                                t.add(category, visit, &amounts[k * p_count + q]);
                            }
                        }
                        for (q, t) in part.tallies.iter_mut().enumerate() {
                            t.persons += 1;
                            t.persons_with_critical_illness += u64::from((0..mine.len()).any(|k| amounts[k * p_count + q][summary::CRITICAL_ILLNESS] > 0));
                        }
                    }
                }
                part.amounts = amounts;
                part
            },
        )
        .collect();

    // Each row's place in the amounts: its place in `order`, for the rows of the persons
    // estimated; `REJECTED` for the others.
    let mut causes: Vec<Option<Cause>> = vec![None; persons];
    let mut rejected_with: Vec<u32> = vec![NO_PERSON; n];
    let mut tallies: Vec<Tally> = (0..p_count).map(|_| Tally::default()).collect();
    for part in parts {
        for (t, b) in tallies.iter_mut().zip(part.tallies) {
            *t = b.merge(t);
        }
        for (p, cause) in part.causes {
            for &r in &order[starts[p as usize] as usize..starts[p as usize + 1] as usize] {
                rejected_with[r as usize] = p;
            }
            causes[p as usize] = Some(cause);
        }
    }
    let mut slots: Vec<u32> = vec![write::REJECTED; n];
    for (i, &r) in order.iter().enumerate() {
        if rejected_with[r as usize] == NO_PERSON {
            slots[r as usize] = i as u32;
        }
    }
    for ((_, _, total), t) in summary.policies.iter_mut().zip(&tallies) {
        *total = std::mem::take(total).merge(t);
    }
    summary.persons_estimated += tallies.first().map_or(0, |t| t.persons);
    summary.persons_rejected += causes.iter().filter(|c| c.is_some()).count() as u64;

    // The rejected, in input order: each row's own fault, or the fault of the person's row that
    // caused it.
    for (i, row) in group.rows.iter().enumerate() {
        if slots[i] != write::REJECTED {
            summary.rows_estimated += 1;
            continue;
        }
        let person = rejected_with[i];
        let cause = (person != NO_PERSON).then(|| causes[person as usize].as_ref()).flatten();
        // A row without a person is rejected for its own fault; a person's rows for the fault
        // of the row that caused it.
        let own = if cause.is_none() { row.claim.as_ref().err() } else { None };
        let guard;
        let (column, code, message): (&str, &str, std::borrow::Cow<str>) = match (cause, own) {
            (Some(c), _) if c.row as usize == i => (&c.error.path, c.error.code, c.error.message.as_str().into()),
            (_, Some(e)) => (&e.path, e.code, e.message.as_str().into()),
            (Some(c), None) => {
                let at = group.number(c.row as usize);
                ("person_id", "person_rejected", format!("该参保人的第 {at} 行被拒绝，其全部就诊记录一并拒绝（all rows of this person are rejected with row {at}）").into())
            }
            (None, None) => {
                guard = Error::new("internal_guard", "", "此行未被测算，这是程序的缺陷", "the row was not estimated: an engine defect");
                (&guard.path, guard.code, guard.message.as_str().into())
            }
        };
        summary.rows_rejected += 1;
        if first_rejects.len() < 5 {
            let number = group.number(i);
            first_rejects.push(format!("第 {number} 行 (row {number}) {column} [{code}] {message}"));
        }
        if let Some(w) = rejects.as_deref_mut() {
            w.row(group.number(i), row.claim_id(), column, code, &message)?;
        }
    }
    let view = write::View { group: &group, slots: &slots, paid: &paid, steps: &steps, policies: p_count };
    results.write(&view)?;
    // Millions of rows' strings freed on all cores, not one by one.
    group.rows.into_par_iter().for_each(drop);
    Ok(())
}

/// Persons numbered as their rows came (`--grouped`): their rows by a counting sort.
fn persons_by_count(group: &Group) -> (Vec<u32>, Vec<u32>) {
    let persons = group.index.len();
    let mut starts = vec![0u32; persons + 1];
    for r in &group.rows {
        if r.person != NO_PERSON {
            starts[r.person as usize + 1] += 1;
        }
    }
    for p in 0..persons {
        starts[p + 1] += starts[p];
    }
    let mut order = vec![0u32; starts[persons] as usize];
    let mut next = starts.clone();
    for (i, r) in group.rows.iter().enumerate() {
        if r.person != NO_PERSON {
            let at = &mut next[r.person as usize];
            order[*at as usize] = i as u32;
            *at += 1;
        }
    }
    (order, starts)
}

/// Persons found by sorting the rows (on all cores) by their id's `hash` and then their place in
/// the file, so that a person's rows are next to each other in file order; the ids themselves
/// are compared too, and should two ids share a hash, those rows are sorted by id as well.
/// Gives the persons' rows as [`persons_by_count`] does.
fn persons_by_sort(rows: &[Row], hash: impl Fn(&str) -> u64 + Sync) -> (Vec<u32>, Vec<u32>) {
    // Every row's key, the rows without a person id too (under the last hash, taken out after
    // the sort), so that the list is made in one piece on all cores and not in pieces joined.
    const NONE: u64 = u64::MAX;
    let mut keys: Vec<(u64, u32)> = rows.par_iter().enumerate().map(|(i, r)| (r.person_id().map_or(NONE, &hash), i as u32)).collect();
    keys.par_sort_unstable();
    let id = |k: &(u64, u32)| rows[k.1 as usize].person_id();
    let collided = keys.par_windows(2).any(|w| w[0].0 == w[1].0 && id(&w[0]) != id(&w[1]));
    if collided {
        keys.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| id(a).cmp(&id(b))).then(a.1.cmp(&b.1)));
    }
    // The rows without a person id are together: the first under the last hash (an id is
    // sorted after none where a real id has that hash too).
    let from = keys.partition_point(|k| k.0 < NONE);
    let to = from + keys[from..].iter().take_while(|k| id(k).is_none()).count();
    keys.drain(from..to);
    // A person starts where the hash changes (or, after a collision, the id).
    let mut starts: Vec<u32> = (0..keys.len())
        .into_par_iter()
        .filter(|&k| k == 0 || keys[k - 1].0 != keys[k].0 || (collided && id(&keys[k - 1]) != id(&keys[k])))
        .map(|k| k as u32)
        .collect();
    starts.push(keys.len() as u32);
    (keys.into_iter().map(|k| k.1).collect(), starts)
}

impl Group {
    /// The 1-based number in the file of the group's row `i`.
    fn number(&self, i: usize) -> u64 {
        self.before + i as u64 + 1
    }
}

/// A person whose rows name two categories.
fn inconsistent_category(first: crate::vocabulary::Category, here: crate::vocabulary::Category) -> Error {
    use crate::vocabulary::Vocabulary;
    Error::new(
        "inconsistent_category",
        "category",
        format_args!("同一参保人各行的人员类别应当相同：此前为 {}，此行为 {}", first.id(), here.id()),
        format_args!("a person's rows must have one category: {} before, {} here", first.id(), here.id()),
    )
}

/// A person with more rows than one estimate takes.
fn too_many_rows() -> Error {
    Error::new(
        "too_many_visits",
        "",
        format_args!("同一参保人最多 {MAX_VISITS} 行就诊记录（一次测算的上限）"),
        format_args!("at most {MAX_VISITS} rows per person (the bound of one estimate)"),
    )
}

/// A person's first fault in their rows, if any: a row that could not be read, a category that
/// differs from their first row's, more visits than a case may have.
fn person_fault(rows: &[Row], mine: &[u32]) -> Option<Cause> {
    let mut category = None;
    for (k, &r) in mine.iter().enumerate() {
        match &rows[r as usize].claim {
            Err(e) => return Some(Cause { row: r, error: (**e).clone() }),
            Ok(c) => match category {
                None => category = Some(c.category),
                Some(first) if first != c.category => {
                    return Some(Cause { row: r, error: inconsistent_category(first, c.category) })
                }
                Some(_) => {}
            },
        }
        if k == MAX_VISITS {
            return Some(Cause { row: r, error: too_many_rows() });
        }
    }
    None
}

/// One person checked as a whole and estimated under every pack: their amounts in fen per row
/// and pack written to `amounts` (and, when `explain`, the steps as JSON to `steps`), giving
/// their category and visits (for the tallies); or the fault, placed on the row that caused it.
fn estimate_person(rows: &[Row], mine: &[u32], policies: &[&Policy], levels: &LevelIds, explain: bool, amounts: &mut [[i64; 9]], steps: &mut [String]) -> Result<(Category, Vec<Visit>), Cause> {
    if let Some(cause) = person_fault(rows, mine) {
        return Err(cause);
    }
    // The person's visits as one case: their rows' visits (in file order), category, and every
    // condition any of their rows names (with the row that first named it).
    let (mut category, mut conditions, mut condition_rows) = (Category::Ordinary, Vec::<String>::new(), Vec::new());
    let mut visits: Vec<Visit> = Vec::with_capacity(mine.len());
    for &r in mine {
        let Ok(claim) = &rows[r as usize].claim else { continue };
        category = claim.category;
        for c in claim.conditions() {
            if !conditions.iter().any(|d| **d == **c) {
                conditions.push(String::from(&**c));
                condition_rows.push(r);
            }
        }
        visits.push(claim.visit(levels));
    }
    let case = Case { data: Person { category, conditions, year_to_date: YearToDate::default() }, condition_rows, rows: mine };
    for (p, policy) in policies.iter().enumerate() {
        let place = |e: Error| place(&case, policies, p, e);
        let estimated: Vec<Amounts> = if explain {
            let est = estimate_of(&case.data, &visits, policy).map_err(place)?;
            for (k, v) in est.visits.iter().enumerate() {
                steps[k * policies.len() + p] = serde_json::to_string(&v.steps).unwrap_or_default();
            }
            est.visits.iter().map(|v| v.amounts).collect()
        } else {
            amounts_of(&case.data, &visits, policy).map_err(place)?
        };
        for (k, a) in estimated.iter().enumerate() {
            amounts[k * policies.len() + p] = in_fen(a).ok_or_else(|| place(crate::money::Overflow.into()))?;
        }
    }
    Ok((case.data.category, visits))
}

/// A person ready to estimate.
struct Case<'a> {
    data: Person,
    /// For each of `data.conditions`, the row that first named it.
    condition_rows: Vec<u32>,
    /// Their rows (indices into the group's rows), in file order.
    rows: &'a [u32],
}

fn in_fen(a: &Amounts) -> Option<[i64; 9]> {
    Some([
        a.total.in_fen()?,
        a.out_of_catalog.in_fen()?,
        a.class_b_self_pay.in_fen()?,
        a.in_scope.in_fen()?,
        a.basic.in_fen()?,
        a.critical_illness.in_fen()?,
        a.medical_assistance.in_fen()?,
        a.reimbursed.in_fen()?,
        a.out_of_pocket.in_fen()?,
    ])
}

/// An estimate's error on the row it is about: `visits[i].field` is the person's i-th row and
/// that column; `person.conditions[j]` the row that first named that condition; anything else
/// the person's first row. With several packs the message names the pack.
fn place(case: &Case, policies: &[&Policy], p: usize, e: Error) -> Cause {
    let (rows, condition_rows) = (case.rows, &case.condition_rows);
    let path = e.path.clone();
    let (row, column) = if let Some(rest) = path.strip_prefix("visits[") {
        let (index, field) = rest.split_once(']').unwrap_or((rest, ""));
        let row = index.parse::<usize>().ok().and_then(|i| rows.get(i)).copied();
        (row, field.trim_start_matches('.').to_owned())
    } else if let Some(rest) = path.strip_prefix("person.conditions[") {
        let row = rest.trim_end_matches(']').parse::<usize>().ok().and_then(|j| condition_rows.get(j)).copied();
        (row, "conditions".to_owned())
    } else {
        (None, path)
    };
    let mut error = e.with_path(column);
    if policies.len() > 1 {
        error = error.prefixed(format_args!("政策包 {}：", policies[p].id));
    }
    Cause { row: row.or_else(|| rows.first().copied()).unwrap_or(0), error }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: Option<&str>) -> Row {
        let ids: Box<str> = Box::from(id.unwrap_or_default());
        let person_len = id.map_or(ABSENT, |s| s.len() as u32);
        let claim = Err(Box::new(Error::new("test", "", "测试", "test")));
        Row { person: NO_PERSON, ids, person_len, claim_len: ABSENT, kept: Box::from([]), claim }
    }

    /// The persons of `rows` (found with `hash`) as lists of row numbers, in file order, sorted.
    fn persons(rows: &[Row], hash: impl Fn(&str) -> u64 + Sync) -> Vec<Vec<u64>> {
        let (order, starts) = persons_by_sort(rows, hash);
        let mut out: Vec<Vec<u64>> = starts.windows(2).map(|w| order[w[0] as usize..w[1] as usize].iter().map(|&r| r as u64 + 1).collect()).collect();
        out.sort();
        out
    }

    #[test]
    fn persons_are_found_by_their_ids_even_when_hashes_collide() {
        let ids = [Some("b"), Some("a"), None, Some("b"), Some("a"), Some("c"), Some("b")];
        // Real hashes, then every id with one hash: the same persons, each with their rows in
        // file order; the row without a person id in none.
        let rows: Vec<Row> = ids.iter().map(|id| row(*id)).collect();
        let want = vec![vec![1, 4, 7], vec![2, 5], vec![6]];
        assert_eq!(persons(&rows, |s| rustc_hash::FxBuildHasher.hash_one(s)), want);
        assert_eq!(persons(&rows, |_| 7), want);
        // Ids with the hash under which the rows without one are sorted.
        assert_eq!(persons(&rows, |_| u64::MAX), want);
        assert_eq!(persons(&rows, |s| if s == "a" { u64::MAX } else { 1 }), want);
        assert_eq!(persons(&rows[..0], |_| 7), Vec::<Vec<u64>>::new());
    }
}
