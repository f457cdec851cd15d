//! The ids of rules.md's vocabulary (人员类别, 就诊类型, 医疗机构级别, 转诊, 慢特病) with the
//! words a resident reads for each.

/// An id from a closed list, with its Chinese name.
pub trait Vocabulary: Sized + Copy + 'static {
    /// What the list is called, in Chinese and English, for error messages.
    const WHAT: (&'static str, &'static str);
    const ALL: &'static [Self];
    /// Each value's id and Chinese name, in the order of `ALL`: what reading and error messages
    /// need, as plain data.
    const IDS: &'static [(&'static str, &'static str)];
    fn id(self) -> &'static str;
    fn zh(self) -> &'static str;

    fn from_id(id: &str) -> Option<Self> {
        let i = Self::IDS.iter().position(|(k, _)| *k == id)?;
        Self::ALL.get(i).copied()
    }
}

/// "village（村卫生室）、township（乡镇卫生院/社区卫生服务中心）…" for error messages.
pub fn allowed_zh(ids: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (id, zh)) in ids.iter().enumerate() {
        if i > 0 {
            out.push('、');
        }
        out.push_str(id);
        out.push('（');
        out.push_str(zh);
        out.push('）');
    }
    out
}

/// "village, township, …" for error messages.
pub fn allowed_en(ids: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (id, _)) in ids.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(id);
    }
    out
}

macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident, $what_zh:literal, $what_en:literal, { $($variant:ident = $id:literal, $zh:literal;)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl Vocabulary for $name {
            const WHAT: (&'static str, &'static str) = ($what_zh, $what_en);
            const ALL: &'static [Self] = &[$($name::$variant),+];
            const IDS: &'static [(&'static str, &'static str)] = &[$(($id, $zh)),+];
            fn id(self) -> &'static str { match self { $($name::$variant => $id),+ } }
            fn zh(self) -> &'static str { match self { $($name::$variant => $zh),+ } }
        }
    };
}

vocabulary!(
    /// 人员类别.
    Category, "人员类别", "category", {
        Ordinary = "ordinary", "普通居民";
        LowIncome = "low_income", "城乡低保对象";
        ExtremePoverty = "extreme_poverty", "特困供养人员";
        PovertyRegistered = "poverty_registered", "建档立卡贫困人口/监测对象";
        MarginalLowIncome = "marginal_low_income", "低保边缘家庭成员";
    }
);

vocabulary!(
    /// 就诊类型.
    Kind, "就诊类型", "visit kind", {
        Inpatient = "inpatient", "住院";
        DaySurgery = "day_surgery", "日间手术";
        AccidentInpatient = "accident_inpatient", "意外伤害住院";
        GeneralOutpatient = "general_outpatient", "普通门诊";
        ChronicOutpatient = "chronic_outpatient", "门诊慢特病";
        TwoDiseasesOutpatient = "two_diseases_outpatient", "“两病”门诊用药";
    }
);

impl Kind {
    /// Inpatient-like kinds share `basic.inpatient` and its annual cap.
    pub fn is_inpatient_like(self) -> bool {
        matches!(self, Kind::Inpatient | Kind::DaySurgery | Kind::AccidentInpatient)
    }
}

vocabulary!(
    /// 医疗机构级别, from the lowest to the highest.
    Level, "医疗机构级别", "hospital level", {
        Village = "village", "村卫生室";
        Township = "township", "乡镇卫生院/社区卫生服务中心";
        County = "county", "县级医院";
        Municipal = "municipal", "市级医院";
        Provincial = "provincial", "省级医院";
    }
);

vocabulary!(
    /// 转诊.
    Referral, "转诊情况", "referral", {
        None = "none", "未转诊";
        Upward = "upward", "上转";
        Downward = "downward", "下转";
        Alliance = "alliance", "医共体内转诊";
        Unreferred = "unreferred", "未按规定转诊";
    }
);

/// 慢特病 ids known to the product (the eight groups of 金医保发〔2023〕19号). A pack may add more.
pub const KNOWN_CONDITIONS: &[(&str, &str)] = &[
    ("hypertension", "高血压"),
    ("hypertension_complicated", "高血压伴并发症"),
    ("diabetes", "糖尿病"),
    ("diabetes_insulin", "糖尿病胰岛素治疗"),
    ("heart_failure", "心功能不全"),
    ("coronary_heart_disease", "冠心病"),
    ("stroke", "脑卒中"),
    ("copd", "慢性阻塞性肺疾病"),
];

/// The conditions “两病” covers.
pub const TWO_DISEASES: &[&str] = &["hypertension", "diabetes"];

/// The Chinese name of a condition id; a pack's own additions show as their id.
pub fn condition_zh(id: &str) -> &str {
    KNOWN_CONDITIONS.iter().find(|(k, _)| *k == id).map_or(id, |(_, zh)| zh)
}

pub fn is_known_condition(id: &str) -> bool {
    KNOWN_CONDITIONS.iter().any(|(k, _)| *k == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_id(k.id()), Some(*k));
        }
        assert_eq!(Level::from_id("county"), Some(Level::County));
        assert_eq!(Level::from_id("County"), None);
        assert!(Level::Village < Level::Provincial);
        assert_eq!(condition_zh("copd"), "慢性阻塞性肺疾病");
        assert_eq!(condition_zh("gout"), "gout");
    }
}
