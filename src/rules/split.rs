//! rules.md §0: split the bill into what is out of the catalog (全自费), class-B self-pay
//! (乙类先行自付) and the in-scope cost E (政策范围内费用) that every scheme pays from.

use crate::case::Visit;
use crate::error::Error;
use crate::money::{Money, Rate};

#[derive(Clone, Copy, Debug)]
pub struct Split {
    pub total: Money,
    pub out_of_catalog: Money,
    pub class_b_self_pay: Money,
    /// E
    pub in_scope: Money,
    /// No split was given: E = round2(total × default_in_scope_share), the rest out of catalog.
    pub estimated: bool,
}

/// `index` is the visit's position, for error paths.
pub fn split(visit: &Visit, default_in_scope_share: Rate, index: usize) -> Result<Split, Error> {
    let total = visit.total;
    let s = match (visit.out_of_catalog, visit.class_b_self_pay) {
        (None, None) => {
            let in_scope = total.times(default_in_scope_share)?.round();
            Split { total, out_of_catalog: total.sub(in_scope)?, class_b_self_pay: Money::ZERO, in_scope, estimated: true }
        }
        (ooc, b) => {
            let (ooc, b) = (ooc.unwrap_or_default(), b.unwrap_or_default());
            // Case parsing already refused a split larger than the total.
            let in_scope = total.sub(ooc)?.sub(b)?;
            Split { total, out_of_catalog: ooc, class_b_self_pay: b, in_scope, estimated: false }
        }
    };
    if visit.tcm > s.in_scope {
        return Err(Error::new(
            "tcm_exceeds_in_scope",
            format!("visits[{index}].tcm"),
            format_args!(
                "中医适宜技术和中药饮片费用 {} 元超过了政策范围内费用 {} 元（中医费用是政策范围内费用的一部分）",
                visit.tcm.grouped(),
                s.in_scope.grouped()
            ),
            format_args!("tcm {} exceeds the in-scope cost {} (tcm is part of it)", visit.tcm, s.in_scope),
        ));
    }
    Ok(s)
}
