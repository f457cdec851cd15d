//! Where each number comes from: `provenance` maps JSON Pointers of the merged pack to a source
//! document and clause, or marks them illustrative. A pointer covers everything below it and the
//! deepest pointer wins; a parameter without any pointer counts as illustrative.

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Stated in the cited document.
    Document,
    /// A representative value inside a range that national guidance sets.
    Guidance,
    /// No source: a typical value a portal must replace.
    Illustrative,
}

impl Basis {
    /// The pack's and the result's name: `document`, `guidance`, `illustrative`.
    pub fn id(self) -> &'static str {
        match self {
            Basis::Document => "document",
            Basis::Guidance => "guidance",
            Basis::Illustrative => "illustrative",
        }
    }

    pub fn from_id(s: &str) -> Option<Basis> {
        match s {
            "document" => Some(Basis::Document),
            "guidance" => Some(Basis::Guidance),
            "illustrative" => Some(Basis::Illustrative),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub source: Option<String>,
    pub clause: Option<String>,
    pub basis: Basis,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Provenance {
    entries: Vec<(String, Entry)>,
}

impl Provenance {
    pub fn new(entries: Vec<(String, Entry)>) -> Provenance {
        Provenance { entries }
    }

    /// The entry governing `pointer`: the deepest provenance pointer equal to it or above it.
    pub fn lookup(&self, pointer: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .filter(|(p, _)| covers(p, pointer))
            .max_by_key(|(p, _)| p.len())
            .map(|(_, e)| e)
    }
}

/// Whether provenance pointer `p` is `pointer` or one of its ancestors (segment-wise, so
/// `/basic/in` does not cover `/basic/inpatient`).
pub fn covers(p: &str, pointer: &str) -> bool {
    p.is_empty() || pointer == p || (pointer.starts_with(p) && pointer.as_bytes().get(p.len()) == Some(&b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(basis: Basis) -> Entry {
        Entry { source: None, clause: None, basis, note: None }
    }

    #[test]
    fn deepest_pointer_wins() {
        let p = Provenance::new(vec![
            ("/basic".into(), entry(Basis::Illustrative)),
            ("/basic/inpatient/annual_cap".into(), entry(Basis::Document)),
            ("/critical_illness".into(), entry(Basis::Guidance)),
        ]);
        assert_eq!(p.lookup("/basic/inpatient/annual_cap").unwrap().basis, Basis::Document);
        assert_eq!(p.lookup("/basic/inpatient/levels/county/rate").unwrap().basis, Basis::Illustrative);
        assert_eq!(p.lookup("/critical_illness/bands").unwrap().basis, Basis::Guidance);
        assert!(p.lookup("/medical_assistance").is_none());
        assert!(!covers("/basic/in", "/basic/inpatient"));
    }
}
