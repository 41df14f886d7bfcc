//! Harmonized System codes and matching them by chapter, heading, subheading or
//! longer national code.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A Harmonized System code of 6 to 10 digits, normalised to digits only
/// (`"8542.31"` and `"8542 31"` both become `854231`).
///
/// The first 2 digits are the chapter, 4 the heading, 6 the subheading; digits 7–10
/// are national (CN, HTS, TN VED) subdivisions.
///
/// ```
/// use exportctl_sdk::HsCode;
/// let hs = HsCode::parse("8542.31.90").unwrap();
/// assert_eq!(hs.chapter(), "85");
/// assert_eq!(hs.heading(), "8542");
/// assert_eq!(hs.subheading(), "854231");
/// assert!(hs.matches("8542"));
/// assert!(!hs.matches("8541"));
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct HsCode(String);

impl HsCode {
    /// Parses a code of 6–10 digits; dots and spaces between digits are dropped.
    /// `None` for anything else.
    pub fn parse(text: &str) -> Option<HsCode> {
        let trimmed = text.trim();
        if !trimmed.starts_with(|c: char| c.is_ascii_digit())
            || !trimmed.ends_with(|c: char| c.is_ascii_digit())
        {
            return None;
        }
        let mut digits = String::with_capacity(10);
        for c in trimmed.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '.' | ' ' => {}
                _ => return None,
            }
            if digits.len() > 10 {
                return None;
            }
        }
        (digits.len() >= 6).then_some(HsCode(digits))
    }

    /// All digits, e.g. `"85423190"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 2-digit chapter.
    pub fn chapter(&self) -> &str {
        &self.0[..2]
    }

    /// The 4-digit heading.
    pub fn heading(&self) -> &str {
        &self.0[..4]
    }

    /// The 6-digit subheading, the most precise internationally harmonised level.
    pub fn subheading(&self) -> &str {
        &self.0[..6]
    }

    /// Whether the code falls under `pattern`: a chapter (2 digits), heading (4),
    /// subheading (6) or national code (8 or 10). Dots and spaces in `pattern` are
    /// ignored, so `"8542.31"` works.
    pub fn matches(&self, pattern: &str) -> bool {
        let mut code = self.0.bytes();
        let mut seen = 0;
        for p in pattern.bytes().filter(|b| *b != b'.' && *b != b' ') {
            if code.next() != Some(p) {
                return false;
            }
            seen += 1;
        }
        seen >= 2
    }
}

impl fmt::Display for HsCode {
    /// Shows the code in the usual dotted form, e.g. `8542.31.90`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        write!(f, "{}.{}", &d[..4], &d[4..6])?;
        if d.len() > 6 {
            write!(f, ".{}", &d[6..])?;
        }
        Ok(())
    }
}

impl fmt::Debug for HsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HsCode({})", self.0)
    }
}

/// A list of HS patterns (chapters, headings, subheadings) with a value per entry,
/// e.g. the CHPL codes with their tiers.
///
/// ```
/// use exportctl_sdk::{HsCode, HsList};
/// const LIST: HsList<&str> = HsList::new(&[("854231", "Tier 1"), ("8471", "computers")]);
/// let hs = HsCode::parse("8471.30").unwrap();
/// assert_eq!(LIST.lookup(&hs), Some(&"computers"));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct HsList<T: 'static> {
    entries: &'static [(&'static str, T)],
}

impl<T> HsList<T> {
    /// A list from `(pattern, value)` pairs; patterns are digits only.
    pub const fn new(entries: &'static [(&'static str, T)]) -> HsList<T> {
        HsList { entries }
    }

    /// The value of the most specific pattern the code falls under, if any.
    pub fn lookup(&self, hs: &HsCode) -> Option<&T> {
        self.entries
            .iter()
            .filter(|(pattern, _)| hs.matches(pattern))
            .max_by_key(|(pattern, _)| pattern.len())
            .map(|(_, value)| value)
    }

    /// Whether the code falls under any pattern.
    pub fn contains(&self, hs: &HsCode) -> bool {
        self.entries.iter().any(|(pattern, _)| hs.matches(pattern))
    }

    /// All `(pattern, value)` entries.
    pub fn entries(&self) -> &'static [(&'static str, T)] {
        self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_separators() {
        for text in [
            "8542.31",
            "854231",
            "8542 31",
            "8542.31.90",
            "8542 31 90",
            " 854231 ",
        ] {
            let hs = HsCode::parse(text).unwrap();
            assert_eq!(hs.subheading(), "854231", "{text}");
        }
        assert_eq!(HsCode::parse("8542 31 90").unwrap().as_str(), "85423190");
    }

    #[test]
    fn rejects_bad_shapes() {
        for bad in [
            "85A2",
            "8542",
            "85423",
            "",
            "8542.31.90.12.3",
            "12345678901",
            ".854231",
            "854231.",
            "8542-31",
        ] {
            assert_eq!(HsCode::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn matches_by_chapter_heading_subheading_and_national_code() {
        let hs = HsCode::parse("8806.23.10").unwrap();
        assert!(hs.matches("88"));
        assert!(hs.matches("8806"));
        assert!(hs.matches("8806.23"));
        assert!(hs.matches("88062310"));
        assert!(!hs.matches("88062390"));
        assert!(!hs.matches("8807"));
        assert!(!hs.matches("8"), "a single digit is not an HS level");
        assert!(!hs.matches(""));
        assert!(
            !HsCode::parse("880623").unwrap().matches("88062310"),
            "a national code is more specific than the line's code"
        );
    }

    #[test]
    fn list_prefers_the_most_specific_entry() {
        const L: HsList<u8> = HsList::new(&[("85", 1), ("854231", 3), ("8542", 2)]);
        assert_eq!(L.lookup(&HsCode::parse("854231").unwrap()), Some(&3));
        assert_eq!(L.lookup(&HsCode::parse("854239").unwrap()), Some(&2));
        assert_eq!(L.lookup(&HsCode::parse("851762").unwrap()), Some(&1));
        assert_eq!(L.lookup(&HsCode::parse("940360").unwrap()), None);
    }

    #[test]
    fn displays_dotted() {
        assert_eq!(HsCode::parse("854231").unwrap().to_string(), "8542.31");
        assert_eq!(
            HsCode::parse("8542319000").unwrap().to_string(),
            "8542.31.9000"
        );
    }
}
