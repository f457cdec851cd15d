//! Calendar dates (YYYY-MM-DD). Benefits accumulate per natural year (自然年度) by the visit's
//! date, and packs have inclusive effective periods; nothing more than that is needed, so no
//! date library.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Parses exactly `YYYY-MM-DD` with a real calendar day (2024-02-29 yes, 2023-02-29 no).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        // Digits read byte by byte: no string slicing (and so no panic path) and no `parse`.
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            b.get(r)?.iter().try_fold(0u16, |n, &c| c.is_ascii_digit().then(|| n * 10 + u16::from(c - b'0')))
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if year < 1900 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month as u8) as u16 {
            return None;
        }
        Some(Date { year, month: month as u8, day: day as u8 })
    }

    pub fn year(self) -> u16 {
        self.year
    }

    /// A number that orders dates: YYYYMMDD.
    pub fn ordinal(self) -> u32 {
        u32::from(self.year) * 10_000 + u32::from(self.month) * 100 + u32::from(self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A date leaves the engine as its `YYYY-MM-DD` text.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_days_only() {
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(Date::parse("2000-02-29").unwrap().year(), 2000);
        for bad in ["2023-02-29", "1900-02-29", "2024-02-30", "2024-13-01", "2024-00-10", "2024-1-01",
                    "2024/01/01", "24-01-01", "2024-01-001", "", "2024-04-31", "２０２４-01-01", "+024-01-01"] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
        assert!(Date::parse("2024-01-31").unwrap() < Date::parse("2024-02-01").unwrap());
    }
}
