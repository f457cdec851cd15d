//! `yibao settle --format text`: the year's statement in Chinese, for fund staff and alliance
//! finance offices to read out or print, each step with the documents behind it.

use super::Statement;
use crate::money::Money;
use std::fmt::Write;

/// Display width in terminal columns: CJK characters take two.
fn width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 }).sum()
}

fn row(out: &mut String, label: &str, amount: Money) {
    let pad = 24usize.saturating_sub(width(label));
    let _ = writeln!(out, "  {label}{}{:>18} 元", " ".repeat(pad), amount.grouped().to_string());
}

pub fn render(s: &Statement) -> String {
    let mut out = String::new();
    let p = &s.policy;
    let _ = writeln!(out, "医共体基金结算测算（仅供参考，以医保部门年终清算为准）");
    let _ = writeln!(out, "政策：{}（{}）", p.name, p.id);
    match (&s.alliance, s.year) {
        (Some(a), Some(y)) => drop(writeln!(out, "结算对象：{a}，{y} 年度")),
        (Some(a), None) => drop(writeln!(out, "结算对象：{a}")),
        (None, Some(y)) => drop(writeln!(out, "年度：{y}")),
        (None, None) => {}
    }
    let _ = writeln!(out);
    row(&mut out, "年度预算", s.budget);
    for h in &s.holdbacks {
        row(&mut out, &format!("{}（预留）", h.name), h.taken);
        if let Some(r) = h.returned {
            row(&mut out, &format!("{}（年终返还）", h.name), r);
        }
    }
    row(&mut out, "年度内拨付", s.paid_during_year);
    row(&mut out, "计入预算的支出", s.spending_counted);
    row(&mut out, "结余", s.surplus);
    let optional = [
        ("结余留用", s.kept),
        ("结转下年度", s.carried_over),
        ("纳入医共体总额包干决算", s.to_alliance_settlement),
    ];
    for (label, v) in optional {
        if let Some(v) = v {
            row(&mut out, label, v);
        }
    }
    row(&mut out, "超支", s.overspend);
    for (label, v) in [("风险调节金分担", s.from_risk_pool), ("统筹区医保基金分担", s.from_fund), ("风险调节金资金池年末余额", s.risk_pool_after)] {
        if let Some(v) = v {
            row(&mut out, label, v);
        }
    }
    if let Some(shares) = &s.shares {
        let _ = writeln!(out, "  各级分配：");
        for unit in crate::policy::settlement::Unit::ALL {
            if let Some(v) = shares.get(unit.id()) {
                row(&mut out, &format!("  {}", unit.zh()), *v);
            }
        }
    }
    let _ = writeln!(out, "\n计算过程：");
    for step in &s.steps {
        let _ = writeln!(out, "  · {}", step.text);
    }
    crate::report::text::sources_section(&mut out, s.pack, s.steps.iter().flat_map(|st| &st.params).map(String::as_str));
    out
}
