//! [`HsPatterns`]: HS chapters, headings and subheadings read from a policy's
//! settings, owned (unlike [`HsList`](crate::HsList), which is built from constants).

use super::Problems;
use crate::HsCode;

/// HS chapters (2 digits), headings (4) and subheadings (6) given in a policy's
/// settings, e.g. `["8526", "93", "8542.31"]`, as digits. A line's code falls
/// under a pattern when it starts with its digits, so a national 8- or 10-digit
/// code falls under the heading it belongs to.
///
/// National codes themselves are refused as entries: they differ between tariffs,
/// and the subheading above them matches every one of them.
///
/// ```
/// use exportctl_sdk::HsCode;
/// use exportctl_sdk::settings::{HsPatterns, Problems};
///
/// let mut problems = Problems::new();
/// let list = HsPatterns::read("restricted", &["85".into(), "8542 31".into()], &mut problems);
/// assert!(problems.is_empty());
/// let chip = HsCode::parse("8542.31.90").unwrap();
/// assert_eq!(list.most_specific(&chip), Some("854231"));
/// assert_eq!(list.most_specific(&HsCode::parse("851712").unwrap()), Some("85"));
/// assert_eq!(list.most_specific(&HsCode::parse("940360").unwrap()), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HsPatterns {
    /// Digits only, in the order given.
    patterns: Vec<String>,
}

impl HsPatterns {
    /// Reads the entries of the setting at `path`: dots and spaces are dropped, and
    /// each entry that is not 2, 4 or 6 digits adds a problem at `path[i]` (a
    /// national code's names the subheading to list instead). The good entries are
    /// kept, so every bad one is reported in one pass.
    pub fn read(path: &str, entries: &[String], problems: &mut Problems) -> HsPatterns {
        let mut patterns = Vec::with_capacity(entries.len());
        for (i, entry) in entries.iter().enumerate() {
            match pattern(entry) {
                Ok(digits) => patterns.push(digits),
                Err(problem) => problems.at(&format!("{path}[{i}]"), problem),
            }
        }
        HsPatterns { patterns }
    }

    /// The longest (most specific) pattern `code` falls under, as digits.
    pub fn most_specific(&self, code: &HsCode) -> Option<&str> {
        self.patterns
            .iter()
            .filter(|p| code.matches(p))
            .max_by_key(|p| p.len())
            .map(String::as_str)
    }

    /// The patterns, digits only, in the order the settings gave them.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether the setting lists no pattern (the rule using it is off).
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

/// The digits of an HS chapter, heading or subheading (`"8542.31"` → `"854231"`),
/// or what is wrong with `entry`.
fn pattern(entry: &str) -> Result<String, String> {
    let digits: String = entry.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
    let all_digits = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    match digits.len() {
        2 | 4 | 6 if all_digits => Ok(digits),
        8 | 10 if all_digits => Err(format!(
            "{entry:?} is a national tariff code: list its subheading \"{}\" instead (national \
             codes differ between tariffs, and every national code under the subheading matches it)",
            &digits[..6]
        )),
        _ => Err(format!(
            "{entry:?} is not an HS chapter, heading or subheading (2, 4 or 6 digits)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(entries: &[&str]) -> (HsPatterns, Result<(), String>) {
        let mut problems = Problems::new();
        let entries: Vec<String> = entries.iter().map(|e| (*e).to_owned()).collect();
        let list = HsPatterns::read("hs", &entries, &mut problems);
        (list, problems.into_result())
    }

    #[test]
    fn keeps_the_good_entries_and_names_each_bad_one() {
        let (list, problems) = read(&["93", "8526.91.20", "8542.31", "85A1", "8471 50"]);
        assert_eq!(list.patterns(), ["93", "854231", "847150"]);
        assert_eq!(
            problems.unwrap_err(),
            "hs[1]: \"8526.91.20\" is a national tariff code: list its subheading \"852691\" \
             instead (national codes differ between tariffs, and every national code under the \
             subheading matches it); hs[3]: \"85A1\" is not an HS chapter, heading or subheading \
             (2, 4 or 6 digits)"
        );
        for bad in ["", "8", "852", "85261", "8526911", "8526-91", "８５２６"] {
            assert!(read(&[bad]).1.is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_most_specific_pattern_wins_and_siblings_do_not_match() {
        let (list, _) = read(&["85", "8542", "854231"]);
        let code = |c: &str| HsCode::parse(c).unwrap_or_else(|| unreachable!("{c}"));
        assert_eq!(list.most_specific(&code("8542310000")), Some("854231"));
        assert_eq!(list.most_specific(&code("854232")), Some("8542"));
        assert_eq!(list.most_specific(&code("851712")), Some("85"));
        assert_eq!(list.most_specific(&code("940360")), None);
        assert!(HsPatterns::default().is_empty());
    }
}
