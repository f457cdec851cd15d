//! `--format text`: the estimate as a readable Chinese table with the explanation, for counter
//! staff to read out or print.

use crate::rules::estimate::{Amounts, Estimate};
use crate::explain::Effect;
use crate::policy::{Basis, Policy};
use crate::money::Money;
use crate::vocabulary::{Kind, Vocabulary};
use std::fmt::Write;

/// One row of the table: its label and the amount it shows.
type Row = (&'static str, fn(&Amounts) -> Money);

const ROWS: &[Row] = &[
    ("总费用", |a| a.total),
    ("全自费", |a| a.out_of_catalog),
    ("乙类先行自付", |a| a.class_b_self_pay),
    ("政策范围内费用", |a| a.in_scope),
    ("基本医保支付", |a| a.basic),
    ("大病保险支付", |a| a.critical_illness),
    ("医疗救助支付", |a| a.medical_assistance),
    ("合计报销", |a| a.reimbursed),
    ("个人负担", |a| a.out_of_pocket),
];

/// Display width in terminal columns: CJK characters take two.
fn width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 }).sum()
}

fn table(out: &mut String, a: &Amounts) {
    for (label, get) in ROWS {
        let pad = 16usize.saturating_sub(width(label));
        let _ = writeln!(out, "  {label}{}{:>16} 元", " ".repeat(pad), get(a).grouped().to_string());
    }
}

pub fn render(e: &Estimate) -> String {
    let mut out = String::new();
    let p = &e.policy;
    let until = p.effective.until.map_or("起".to_owned(), |u| format!("至 {u}"));
    let _ = writeln!(out, "医保报销测算（仅供参考，不作为结算依据）");
    let _ = writeln!(out, "政策：{}（{}，{} {until}）", p.name, p.id, p.effective.from);
    for (i, v) in e.visits.iter().enumerate() {
        let kind = Kind::from_id(v.kind).map_or(v.kind, Kind::zh);
        let level = e.pack.levels.name(&v.level);
        let _ = writeln!(out, "\n第 {} 次就诊：{} {} · {}", i + 1, v.date, kind, level);
        table(&mut out, &v.amounts);
        let _ = writeln!(out, "  计算过程：");
        for s in &v.steps {
            let mark = match s.effect {
                Effect::Paid => "支付",
                Effect::Withheld => "自付",
                Effect::Info => "说明",
            };
            let _ = writeln!(out, "  · [{}·{mark}] {}", s.scheme.zh(), s.text);
        }
    }
    if e.visits.len() > 1 {
        let _ = writeln!(out, "\n合计（{} 次就诊）：", e.visits.len());
        table(&mut out, &e.totals);
    }
    if !e.warnings.is_empty() {
        let _ = writeln!(out, "\n提示：");
        for w in &e.warnings {
            let _ = writeln!(out, "  · {}", w.text);
        }
    }
    sources_section(&mut out, e.pack, e.visits.iter().flat_map(|v| &v.steps).flat_map(|s| &s.params).map(String::as_str));
    out
}

/// "参数来源：": each parameter the steps name with its document and clause, an example value
/// marked as one; shared by the estimate's and the settlement's text.
pub fn sources_section<'a>(out: &mut String, pack: &Policy, pointers: impl IntoIterator<Item = &'a str>) {
    let parameters = super::parameters_of(pack, pointers, super::Numbers::Exact);
    let sources = super::sources(pack, &parameters);
    let illustrative = parameters.iter().filter(|(_, p)| p.basis == Basis::Illustrative).count();
    let _ = writeln!(out, "\n参数来源：");
    for (pointer, param) in parameters.iter() {
        let number = param.source.and_then(|k| sources.get(k)).map(|s| s.number.as_str());
        let cited = match (number, &param.clause) {
            (Some(n), Some(c)) => Some(format!("{n} {c}")),
            (Some(n), None) => Some(n.to_owned()),
            _ => None,
        };
        // An illustrative value is marked so whatever document it cites: a resident must never
        // read an example as the document's figure (the page shows the same mark).
        let src = match (param.basis, cited) {
            (Basis::Illustrative, Some(cited)) => format!("示例参数（参考 {cited}；具体数值须按本地政策核实）"),
            (Basis::Illustrative, None) | (_, None) => "示例参数（无文件依据，须按本地政策核实）".to_owned(),
            (_, Some(cited)) => cited,
        };
        let _ = writeln!(out, "  {pointer}：{src}");
    }
    if illustrative > 0 {
        let _ = writeln!(out, "  注意：有 {illustrative} 项参数为示例参数，结果仅供演示。");
    }
}
