//! `yibao batch` over Arrow record batches held in memory (batch.md, "Python and distributed
//! engines"): the Python package's `yibao.batch`, and Spark's `mapInArrow` through it, hand the
//! engine Arrow batches, not files, and want Arrow batches back.
//!
//! It is the files' run (mod.rs's `estimate_all`), not a copy of it: the batches are read as a
//! Parquet file's are ([`Claims::table`]), and the results and rejects are kept in memory instead
//! of written ([`write::Results::table`], [`write::Rejects::table`]) — the same codes and messages,
//! the same amounts, to the fen. tests/batch_table.rs holds the two to the same results.

use super::files::Claims;
use super::summary::Summary;
use super::{check_packs, estimate_all, write, Plan, GROUP_ROWS};
use crate::error::Error;
use crate::policy::Policy;
use arrow_array::RecordBatch;
use arrow_schema::{Schema, SchemaRef};

pub use super::Pack;

/// What a run gives: the estimated rows (batch.md's results columns, every cell text: record
/// batches of `results_schema`, in input order, as they were formatted on all cores), the
/// rejected rows (`row`, `claim_id`, `column`, `code`, `message`, as the rejects file), and
/// the summary.
pub struct Output {
    pub results_schema: SchemaRef,
    pub results: Vec<RecordBatch>,
    pub rejects: RecordBatch,
    pub summary: Summary,
}

/// Estimates the claims in `batches` (all of `schema`) under `policies` (the first is the
/// baseline of the summary). Rows are taken in order, over all the batches.
pub fn run(schema: &Schema, batches: &[RecordBatch], policies: &[&Policy], keep: &[String]) -> Result<Output, Error> {
    check_packs(policies, "policies", "policies")?;
    let claims = Claims::table(schema, batches, keep)?;
    let mut results = write::Results::table(policies, keep);
    let mut rejects = write::Rejects::table();
    let plan = Plan { grouped: false, group_rows: GROUP_ROWS, explain: false, kept: keep.len(), progress: false };
    let (summary, _) = estimate_all(claims, policies, &plan, &mut results, Some(&mut rejects))?;
    let (results_schema, results) = results.into_table()?;
    Ok(Output { results_schema, results, rejects: rejects.into_table()?, summary })
}
