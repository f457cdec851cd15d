//! The input: a person and their visits (contract.md, "Input: a case").

use crate::date::Date;
use crate::error::{Error, Path, PathStyle};
use crate::money::Money;
use crate::input::fields::{self, Label, Obj};
use crate::vocabulary::{Category, Kind, Level, Referral, Vocabulary};
use serde_json::Value;

/// At most this many visits in one case. It keeps every sum far inside exact decimal range
/// (10,000 × 100,000,000 yuan) and a page responsive; a year of daily visits fits many times.
pub const MAX_VISITS: usize = 10_000;

/// How the case names its pack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyChoice {
    /// A bundled pack by id.
    Id(String),
    /// The bundled pack of this region in force on the visits' dates.
    Region(String),
    /// None named: the caller must give a pack.
    Unnamed,
}

#[derive(Clone, Debug)]
pub struct Case {
    pub policy: PolicyChoice,
    pub person: Person,
    pub visits: Vec<Visit>,
}

#[derive(Clone, Debug)]
pub struct Person {
    pub category: Category,
    pub conditions: Vec<String>,
    pub year_to_date: YearToDate,
}

/// What was already paid this year before these visits; seeds the accumulators of the year of
/// the earliest visit. Besides the contract's five amounts, the annual deductibles already met
/// (a 低保边缘 resident's 3,000 yuan 救助 threshold is met once a year, not once per estimate).
#[derive(Clone, Debug, Default)]
pub struct YearToDate {
    pub basic_inpatient_paid: Money,
    pub general_outpatient_paid: Money,
    pub critical_compliant: Money,
    pub critical_paid: Money,
    pub assistance_paid: Money,
    pub general_outpatient_deductible_paid: Money,
    pub chronic_deductible_paid: Money,
    pub assistance_deductible_paid: Money,
    /// Inpatient admissions already made this year (rules.md v2 §1: the n-th admission's
    /// deductible factor).
    pub inpatient_admissions: u32,
    /// `assistance_layers`: 医疗救助 already paid by layer id (rules.md v2 §3); whether the pack
    /// has these layers is checked once the pack is known.
    pub assistance_layers: Vec<(String, Spent)>,
}

/// What one 医疗救助 layer has paid in a year, and how much of its deductible is met.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spent {
    pub paid: Money,
    pub deductible_used: Money,
}

#[derive(Clone, Debug)]
pub struct Visit {
    pub kind: Kind,
    /// A level id; whether the pack declares it is checked once the pack is known.
    pub level: String,
    pub date: Date,
    pub total: Money,
    pub out_of_catalog: Option<Money>,
    pub class_b_self_pay: Option<Money>,
    pub tcm: Money,
    pub referral: Referral,
    pub referred_from: Option<String>,
    pub condition: Option<String>,
}

pub const TOTAL: Label = ("总费用", "total");
pub const OUT_OF_CATALOG: Label = ("全自费金额", "out_of_catalog");
pub const CLASS_B: Label = ("乙类先行自付金额", "class_b_self_pay");

impl Case {
    pub fn from_json(value: &Value) -> Result<Case, Error> {
        let root = Obj::new(value, Path::root(), PathStyle::Dotted, &["policy", "region", "person", "visits"])?;
        let policy = match (root.opt_str("policy", ("政策包", "policy"))?, root.opt_str("region", ("统筹区", "region"))?) {
            (Some(id), _) => PolicyChoice::Id(id.to_owned()),
            (None, Some(code)) => PolicyChoice::Region(code.to_owned()),
            (None, None) => PolicyChoice::Unnamed,
        };
        let person = person(&root.obj("person", ("参保人信息", "person"), &["category", "conditions", "year_to_date"])?)?;
        let items = root.array("visits", ("就诊记录", "visits"))?;
        if items.is_empty() {
            return Err(Error::new("missing_field", "visits", "请至少填写一次就诊", "at least one visit is required"));
        }
        if items.len() > MAX_VISITS {
            return Err(Error::new(
                "too_many_visits",
                "visits",
                format_args!("一次最多测算 {MAX_VISITS} 次就诊"),
                format_args!("at most {MAX_VISITS} visits per case"),
            ));
        }
        let visits = items.into_iter().map(|(path, v)| visit(v, path)).collect::<Result<_, _>>()?;
        Ok(Case { policy, person, visits })
    }
}

fn person(p: &Obj) -> Result<Person, Error> {
    let category = p.vocab::<Category>("category")?;
    let mut conditions: Vec<String> = Vec::new();
    for (path, v) in p.array("conditions", ("慢特病", "conditions"))? {
        let id = fields::as_str(v, &path, PathStyle::Dotted, CONDITION)?;
        if !conditions.iter().any(|c| c == id) {
            conditions.push(id.to_owned());
        }
    }
    let year_to_date = match p.opt_obj(
        "year_to_date",
        &[
            "basic_inpatient_paid",
            "general_outpatient_paid",
            "critical_compliant",
            "critical_paid",
            "assistance_paid",
            "general_outpatient_deductible_paid",
            "chronic_deductible_paid",
            "assistance_deductible_paid",
            "inpatient_admissions",
            "assistance_layers",
        ],
    )? {
        None => YearToDate::default(),
        Some(y) => {
            let amt = |k, label| y.opt_amount(k, label).map(Option::unwrap_or_default);
            YearToDate {
                basic_inpatient_paid: amt("basic_inpatient_paid", ("本年基本医保已付住院费用", "basic inpatient paid this year"))?,
                general_outpatient_paid: amt("general_outpatient_paid", ("本年普通门诊已报销", "general outpatient paid this year"))?,
                critical_compliant: amt("critical_compliant", ("本年大病保险合规自付累计", "critical-illness compliant total this year"))?,
                critical_paid: amt("critical_paid", ("本年大病保险已支付", "critical illness paid this year"))?,
                assistance_paid: amt("assistance_paid", ("本年医疗救助已支付", "assistance paid this year"))?,
                general_outpatient_deductible_paid: amt("general_outpatient_deductible_paid", ("本年普通门诊起付线已付", "general outpatient deductible met this year"))?,
                chronic_deductible_paid: amt("chronic_deductible_paid", ("本年门诊慢特病起付线已付", "chronic outpatient deductible met this year"))?,
                assistance_deductible_paid: amt("assistance_deductible_paid", ("本年医疗救助起付线已付", "assistance deductible met this year"))?,
                inpatient_admissions: admissions(&y)?,
                assistance_layers: assistance_layers(&y)?,
            }
        }
    };
    Ok(Person { category, conditions, year_to_date })
}

fn visit(value: &Value, path: Path) -> Result<Visit, Error> {
    let v = Obj::new(
        value,
        path,
        PathStyle::Dotted,
        &["kind", "level", "date", "total", "out_of_catalog", "class_b_self_pay", "tcm", "referral", "referred_from", "condition"],
    )?;
    let kind = v.vocab::<Kind>("kind")?;
    let level = v.str("level", Level::WHAT)?.to_owned();
    let date = date(v.str("date", DATE)?, || v.at("date"))?;
    let total = v.amount("total", TOTAL)?;
    let out_of_catalog = v.opt_amount("out_of_catalog", OUT_OF_CATALOG)?;
    let class_b_self_pay = v.opt_amount("class_b_self_pay", CLASS_B)?;
    let tcm = v.opt_amount("tcm", TCM)?.unwrap_or(Money::ZERO);
    let referral = v.opt_vocab::<Referral>("referral")?.unwrap_or(Referral::None);
    let referred_from = v.opt_str("referred_from", Level::WHAT)?.map(str::to_owned);
    let condition = v.opt_str("condition", CONDITION)?.map(str::to_owned);
    Visit { kind, level, date, total, out_of_catalog, class_b_self_pay, tcm, referral, referred_from, condition }.checked(|k| v.at(k))
}

/// What a visit's fields are called (in errors), for every reader of visits.
pub const DATE: Label = ("就诊日期", "date");
pub const TCM: Label = ("中医适宜技术和中药饮片费用", "tcm");
pub const CONDITION: Label = ("病种", "condition");

/// A visit's date: a real calendar date as `YYYY-MM-DD`; `at` names the field.
pub fn date(text: &str, at: impl FnOnce() -> String) -> Result<Date, Error> {
    Date::parse(text).ok_or_else(|| {
        Error::new(
            "invalid_date",
            at(),
            format_args!("日期无效：{text}，请按 YYYY-MM-DD 填写真实的日期（住院填出院结算日期）"),
            format_args!("invalid date {text}: expected a real calendar date as YYYY-MM-DD (discharge date for inpatient care)"),
        )
    })
}

impl Visit {
    /// The checks between a visit's fields (rules.md "Errors"), in the order the contract makes
    /// them, for every reader of visits (a case's JSON, a row of a claims file): `at` names a
    /// field as that reader addresses it (`visits[2].out_of_catalog`, or a column's name).
    pub fn checked(self, at: impl Fn(&str) -> String) -> Result<Visit, Error> {
        let Visit { kind, total, out_of_catalog, class_b_self_pay, referral, ref referred_from, ref condition, .. } = self;
        // The split must fit in the total. Name the field that makes it overflow.
        let ooc = out_of_catalog.unwrap_or_default();
        if ooc > total {
            return Err(Error::new(
                "split_exceeds_total",
                at("out_of_catalog"),
                format_args!("全自费金额 {} 元超过了总费用 {} 元", ooc.grouped(), total.grouped()),
                format_args!("out_of_catalog {ooc} exceeds total {total}"),
            ));
        }
        if let Some(b) = class_b_self_pay {
            if ooc.add(b)? > total {
                return Err(Error::new(
                    "split_exceeds_total",
                    at("class_b_self_pay"),
                    format_args!("全自费与乙类先行自付合计 {} 元超过了总费用 {} 元", ooc.add(b)?.grouped(), total.grouped()),
                    format_args!("out_of_catalog + class_b_self_pay exceeds total {total}"),
                ));
            }
        }
        match (referral, referred_from) {
            (Referral::Upward, None) => {
                return Err(Error::new(
                    "missing_field",
                    at("referred_from"),
                    "上转须填写转出医疗机构的级别（referred_from）",
                    "an upward referral needs referred_from (the level referred from)",
                ))
            }
            (r, Some(_)) if r != Referral::Upward => {
                return Err(Error::new(
                    "invalid_value",
                    at("referred_from"),
                    "只有上转（referral 为 upward）才填写 referred_from",
                    "referred_from goes only with referral \"upward\"",
                ))
            }
            _ => {}
        }
        let needs_condition = matches!(kind, Kind::ChronicOutpatient | Kind::TwoDiseasesOutpatient);
        if needs_condition && condition.is_none() {
            return Err(Error::new(
                "missing_field",
                at("condition"),
                format_args!("{}须填写病种（condition）", kind.zh()),
                format_args!("a {} visit needs a condition", kind.id()),
            ));
        }
        if !needs_condition && condition.is_some() {
            return Err(Error::new(
                "invalid_value",
                at("condition"),
                "只有门诊慢特病和“两病”门诊用药才填写病种（condition）",
                "condition goes only with chronic_outpatient and two_diseases_outpatient visits",
            ));
        }
        Ok(self)
    }
}

/// `year_to_date.inpatient_admissions`: a whole number of admissions, 0 to 366.
fn assistance_layers(y: &Obj) -> Result<Vec<(String, Spent)>, Error> {
    let mut out = Vec::new();
    for (id, path, v) in y.entries("assistance_layers", ("各层医疗救助本年已付", "assistance layers this year"))? {
        let l = Obj::new(v, path, PathStyle::Dotted, &["paid", "deductible_paid"])?;
        let amt = |k, label| l.opt_amount(k, label).map(Option::unwrap_or_default);
        let spent = Spent {
            paid: amt("paid", ("本年该层已救助", "paid this year"))?,
            deductible_used: amt("deductible_paid", ("本年该层起付线已付", "deductible met this year"))?,
        };
        out.push((id.to_owned(), spent));
    }
    Ok(out)
}

fn admissions(y: &Obj) -> Result<u32, Error> {
    let Some(v) = y.get("inpatient_admissions") else { return Ok(0) };
    let n = crate::input::number::parse_decimal(v).filter(|d| d.is_integer() && !d.is_sign_negative() && *d <= rust_decimal::Decimal::from(366));
    match n.and_then(|d| u32::try_from(d.mantissa() / 10i128.pow(d.scale())).ok()) {
        Some(n) => Ok(n),
        None => Err(Error::new(
            "invalid_value",
            y.at("inpatient_admissions"),
            "本年已住院次数（inpatient_admissions）必须是 0 到 366 之间的整数",
            "inpatient_admissions must be a whole number from 0 to 366",
        )),
    }
}
