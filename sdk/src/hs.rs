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
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HsCode {
    /// ASCII digits, then zeros: a code fits in place, so reading one allocates
    /// nothing.
    digits: [u8; HsCode::MAX_DIGITS],
    len: u8,
}

impl HsCode {
    const MAX_DIGITS: usize = 10;

    /// A code from 6–10 ASCII digits; `None` for anything else. Decoding goes
    /// through here too, so a forged wire encoding cannot make `chapter()` and
    /// friends slice out of bounds.
    /// A code from digits the wire check has accepted (6–10 ASCII digits).
    pub(crate) fn from_checked_digits(digits: &[u8]) -> HsCode {
        // The fallback is never taken: the wire check refused any other digits.
        HsCode::from_digits(digits).unwrap_or(HsCode {
            digits: [b'0'; HsCode::MAX_DIGITS],
            len: 6,
        })
    }

    /// The code's ASCII digits.
    #[cfg(feature = "validated")]
    pub(crate) fn digits(&self) -> &[u8] {
        &self.digits[..usize::from(self.len)]
    }

    fn from_digits(digits: &[u8]) -> Option<HsCode> {
        if !(6..=HsCode::MAX_DIGITS).contains(&digits.len())
            || !digits.iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        let mut code = HsCode {
            digits: [0; HsCode::MAX_DIGITS],
            len: digits.len() as u8,
        };
        code.digits[..digits.len()].copy_from_slice(digits);
        Some(code)
    }
}

impl Ord for HsCode {
    fn cmp(&self, other: &HsCode) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for HsCode {
    fn partial_cmp(&self, other: &HsCode) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for HsCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for HsCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<HsCode, D::Error> {
        struct Digits;
        impl serde::de::Visitor<'_> for Digits {
            type Value = HsCode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a 6–10 digit HS code")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<HsCode, E> {
                HsCode::from_digits(s.as_bytes())
                    .ok_or_else(|| E::custom(format!("{s:?} is not a 6–10 digit HS code")))
            }
        }
        d.deserialize_str(Digits)
    }
}

impl HsCode {
    /// Parses a code of 6–10 digits; dots and spaces between digits are dropped.
    /// `None` for anything else.
    pub fn parse(text: &str) -> Option<HsCode> {
        // A code that starts and ends with a digit has nothing to trim, and
        // trimming (Unicode whitespace) costs more than the rest.
        let trimmed = match text.as_bytes() {
            [first, .., last] if first.is_ascii_digit() && last.is_ascii_digit() => text,
            _ => text.trim(),
        };
        if !trimmed.starts_with(|c: char| c.is_ascii_digit())
            || !trimmed.ends_with(|c: char| c.is_ascii_digit())
        {
            return None;
        }
        let mut digits = [0u8; HsCode::MAX_DIGITS];
        let mut len = 0;
        for b in trimmed.bytes() {
            match b {
                b'0'..=b'9' => {
                    *digits.get_mut(len)? = b;
                    len += 1;
                }
                b'.' | b' ' => {}
                _ => return None,
            }
        }
        HsCode::from_digits(&digits[..len])
    }

    /// All digits, e.g. `"85423190"`.
    pub fn as_str(&self) -> &str {
        // Always ASCII digits (`from_digits`), so never the fallback.
        std::str::from_utf8(&self.digits[..usize::from(self.len)]).unwrap_or_default()
    }

    /// The 2-digit chapter.
    pub fn chapter(&self) -> &str {
        &self.as_str()[..2]
    }

    /// The 4-digit heading.
    pub fn heading(&self) -> &str {
        &self.as_str()[..4]
    }

    /// The 6-digit subheading, the most precise internationally harmonised level.
    pub fn subheading(&self) -> &str {
        &self.as_str()[..6]
    }

    /// Whether the code falls under `pattern`: a chapter (2 digits), heading (4),
    /// subheading (6) or national code (8 or 10). Dots and spaces in `pattern` are
    /// ignored, so `"8542.31"` works.
    pub fn matches(&self, pattern: &str) -> bool {
        let mut code = self.as_str().bytes();
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
        let d = self.as_str();
        write!(f, "{}.{}", &d[..4], &d[4..6])?;
        if d.len() > 6 {
            write!(f, ".{}", &d[6..])?;
        }
        Ok(())
    }
}

impl fmt::Debug for HsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HsCode({})", self.as_str())
    }
}

/// A list of HS patterns (chapters, headings, subheadings, national codes) with a value
/// per entry, e.g. the CHPL codes with their tiers.
///
/// Patterns are digits only, 2, 4, 6, 8 or 10 of them, and the entries are sorted by
/// pattern (as text) without repeats. [`HsList::new`] checks this, so a list built as a
/// `const` that breaks the rule fails to compile. Sorted entries are grouped by chapter;
/// `new` notes where each chapter's group starts, which pattern lengths and which
/// headings it holds, and [`HsList::lookup`] binary-searches only the code's chapter,
/// and only when the code's heading or a longer pattern under it is listed. A code the
/// list does not cover usually costs no comparison at all, one it covers a few: a
/// 10,000-line shipment looked up against a table of 50 patterns no longer compares
/// every line with all 50.
///
/// ```
/// use exportctl_sdk::{HsCode, HsList};
/// const LIST: HsList<&str> = HsList::new(&[("8471", "computers"), ("854231", "Tier 1")]);
/// let hs = HsCode::parse("8471.30").unwrap();
/// assert_eq!(LIST.lookup(&hs), Some(&"computers"));
/// ```
///
/// An unsorted list is refused when the constant is evaluated:
///
/// ```compile_fail
/// use exportctl_sdk::HsList;
/// const LIST: HsList<u8> = HsList::new(&[("854231", 1), ("8471", 2)]);
/// # let _ = LIST;
/// ```
#[derive(Clone, Copy)]
pub struct HsList<T: 'static> {
    entries: &'static [(&'static str, T)],
    /// `starts[c]..starts[c + 1]` are the entries of chapter `c` (00–99).
    starts: [u16; 101],
    /// Bit `n / 2 - 1` of `lengths[c]` is set when chapter `c` has a pattern of `n`
    /// digits; lookups skip the other lengths.
    lengths: [u8; 100],
    /// Bit `h` of `headings[c]` is set when a pattern of 4 or more digits starts with
    /// chapter `c` and heading `h` (its digits 3–4).
    headings: [u128; 100],
}

/// The pattern lengths a list may hold, most specific first, with their bit in
/// `HsList::lengths`.
const LENGTHS: [(usize, u8); 5] = [(10, 1 << 4), (8, 1 << 3), (6, 1 << 2), (4, 1 << 1), (2, 1)];

impl<T> HsList<T> {
    /// A list from `(pattern, value)` pairs.
    ///
    /// # Panics
    ///
    /// If a pattern is not 2, 4, 6, 8 or 10 ASCII digits, the patterns are not in
    /// strictly increasing order (byte-wise, as `str` compares), or there are more than
    /// 65,535 of them. In a `const` this is a compile error, which is how lists are meant
    /// to be built.
    #[expect(clippy::panic, reason = "compile-time check of an HS list constant")]
    pub const fn new(entries: &'static [(&'static str, T)]) -> HsList<T> {
        if entries.len() > u16::MAX as usize {
            panic!("HsList: at most 65,535 patterns");
        }
        let mut starts = [0u16; 101];
        let mut lengths = [0u8; 100];
        let mut headings = [0u128; 100];
        let mut i = 0;
        while i < entries.len() {
            let pattern = entries[i].0.as_bytes();
            let len = pattern.len();
            if !matches!(len, 2 | 4 | 6 | 8 | 10) {
                panic!("HsList: a pattern must have 2, 4, 6, 8 or 10 digits");
            }
            let mut j = 0;
            while j < len {
                if !pattern[j].is_ascii_digit() {
                    panic!("HsList: a pattern must be digits only");
                }
                j += 1;
            }
            if i > 0 && !less(entries[i - 1].0.as_bytes(), pattern) {
                panic!("HsList: patterns must be sorted and unique");
            }
            let c = ((pattern[0] - b'0') * 10 + (pattern[1] - b'0')) as usize;
            lengths[c] |= 1 << (len / 2 - 1);
            if len >= 4 {
                headings[c] |= 1 << ((pattern[2] - b'0') * 10 + (pattern[3] - b'0'));
            }
            // Count the entries of each chapter in the next slot; summed below.
            starts[c + 1] += 1;
            i += 1;
        }
        let mut c = 1;
        while c < starts.len() {
            starts[c] += starts[c - 1];
            c += 1;
        }
        HsList {
            entries,
            starts,
            lengths,
            headings,
        }
    }

    /// The value of the most specific pattern the code falls under, if any: a national
    /// code (10, then 8 digits) before its subheading, heading and chapter.
    ///
    /// Only the entries of the code's chapter are searched, with one binary search per
    /// pattern length the chapter holds, and none when no pattern of 4 or more digits
    /// shares the code's heading.
    pub fn lookup(&self, hs: &HsCode) -> Option<&T> {
        let (c, h) = match hs.as_str().as_bytes() {
            [
                a @ b'0'..=b'9',
                b @ b'0'..=b'9',
                x @ b'0'..=b'9',
                y @ b'0'..=b'9',
                ..,
            ] => (
                usize::from(a - b'0') * 10 + usize::from(b - b'0'),
                u32::from(x - b'0') * 10 + u32::from(y - b'0'),
            ),
            _ => return None,
        };
        let code = hs.as_str().as_bytes();
        let lengths = *self.lengths.get(c)?;
        if lengths == 0 {
            return None;
        }
        let start = usize::from(*self.starts.get(c)?);
        let mut end = usize::from(*self.starts.get(c + 1)?);
        // The chapter's own pattern, if any, sorts first in its group.
        let chapter = || {
            self.entries
                .get(start)
                .filter(|(pattern, _)| pattern.len() == 2)
                .map(|(_, value)| value)
        };
        if self.headings.get(c)? & (1 << h) == 0 {
            return chapter();
        }
        for (len, bit) in LENGTHS {
            if lengths & bit == 0 {
                continue;
            }
            if len == 2 {
                return chapter();
            }
            let (Some(rest), Some(group)) = (code.get(2..len), self.entries.get(start..end)) else {
                continue;
            };
            // Every pattern of the group starts with the code's two digits: compare the rest.
            let found = group.binary_search_by(|(pattern, _)| {
                compare(pattern.as_bytes().get(2..).unwrap_or_default(), rest)
            });
            match found {
                Ok(i) => return group.get(i).map(|(_, value)| value),
                // Shorter prefixes sort before this one: search only up to here.
                Err(i) => end = start + i,
            }
        }
        None
    }

    /// Whether the code falls under any pattern.
    pub fn contains(&self, hs: &HsCode) -> bool {
        self.lookup(hs).is_some()
    }

    /// All `(pattern, value)` entries, sorted by pattern.
    pub fn entries(&self) -> &'static [(&'static str, T)] {
        self.entries
    }
}

impl<T: fmt::Debug> fmt::Debug for HsList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HsList")
            .field("entries", &self.entries)
            .finish_non_exhaustive()
    }
}

/// Whether `a` sorts strictly before `b`, byte-wise (as `str`'s `Ord`), in a `const`.
const fn less(a: &[u8], b: &[u8]) -> bool {
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

/// Compares digit strings byte-wise, as `str` does; a plain loop, since the strings are
/// at most ten bytes and a lookup makes several comparisons.
fn compare(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
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
    fn codes_order_and_compare_as_their_digits() {
        let code = |t: &str| HsCode::parse(t).unwrap();
        let mut codes = [
            code("854232"),
            code("85423190"),
            code("854231"),
            code("8542319010"),
        ];
        codes.sort();
        let sorted: Vec<&str> = codes.iter().map(HsCode::as_str).collect();
        assert_eq!(sorted, ["854231", "85423190", "8542319010", "854232"]);
        assert_eq!(code("8542 31"), code("854231"));
        assert_ne!(code("854231"), code("85423100"));
        let wire = postcard::to_allocvec(&code("8542.31.90")).unwrap();
        assert_eq!(wire, b"\x0885423190");
        assert_eq!(
            postcard::from_bytes::<HsCode>(&wire).unwrap(),
            code("85423190")
        );
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
        const L: HsList<u8> = HsList::new(&[("85", 1), ("8542", 2), ("854231", 3)]);
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

    #[test]
    fn national_codes_win_over_their_subheading() {
        const L: HsList<u8> = HsList::new(&[
            ("84", 1),
            ("8482", 2),
            ("848210", 3),
            ("84821010", 4),
            ("8482101000", 5),
        ]);
        let lookup = |code: &str| L.lookup(&HsCode::parse(code).unwrap()).copied();
        assert_eq!(lookup("8482.10.10.00"), Some(5));
        assert_eq!(lookup("8482.10.10.90"), Some(4));
        assert_eq!(lookup("8482.10.10"), Some(4));
        assert_eq!(
            lookup("8482.10.1"),
            Some(3),
            "7 digits: no 8-digit pattern applies"
        );
        assert_eq!(lookup("8482.10.90"), Some(3));
        assert_eq!(lookup("8482.20"), Some(2));
        assert_eq!(lookup("8483.10"), Some(1));
        assert_eq!(lookup("8583.10"), None);
        assert!(L.contains(&HsCode::parse("848310").unwrap()));
        assert!(!L.contains(&HsCode::parse("858310").unwrap()));
    }

    /// The lookup of the former implementation: every pattern compared with the code.
    fn linear<T>(list: &HsList<T>, hs: &HsCode) -> Option<(&'static str, usize)> {
        list.entries()
            .iter()
            .enumerate()
            .filter(|(_, (pattern, _))| hs.matches(pattern))
            .max_by_key(|(_, (pattern, _))| pattern.len())
            .map(|(i, (pattern, _))| (*pattern, i))
    }

    #[test]
    fn binary_search_agrees_with_comparing_every_pattern() {
        const L: HsList<usize> = HsList::new(&[
            ("00", 14),
            ("01", 0),
            ("0101", 1),
            ("010121", 2),
            ("28", 3),
            ("8429", 4),
            ("85", 5),
            ("8517", 6),
            ("851711", 17),
            ("851712", 18),
            ("851762", 7),
            ("85176200", 8),
            ("8517620010", 19),
            ("8542", 9),
            ("854231", 10),
            ("8542319000", 11),
            ("854232", 12),
            ("99", 13),
            ("9999", 15),
            ("999999", 16),
        ]);
        // Each pattern padded to 6–10 digits with 0, 5 or 9, and its neighbours.
        let mut codes: Vec<String> = Vec::new();
        for (pattern, _) in L.entries() {
            let n: u64 = pattern.parse().unwrap();
            let width = pattern.len();
            for p in [n.saturating_sub(1), n, n + 1].map(|n| format!("{n:0width$}")) {
                for fill in ["0", "5", "9"] {
                    for len in 6..=10 {
                        if p.len() <= len {
                            codes.push(format!("{p}{}", fill.repeat(len - p.len())));
                        }
                    }
                }
            }
        }
        // And pseudo-random codes: a prefix of some pattern, filled up to 6–10 digits
        // (a fixed linear congruential sequence, so every run checks the same codes).
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let (pattern, _) = L.entries()[(state >> 33) as usize % L.entries().len()];
            let keep = (state >> 40) as usize % (pattern.len() + 1);
            let len = 6 + (state >> 48) as usize % 5;
            let mut code = pattern[..keep].to_owned();
            let mut digits = state >> 24;
            while code.len() < len {
                code.push(char::from(b'0' + (digits % 10) as u8));
                digits /= 10;
            }
            codes.push(code);
        }
        let mut checked = 0;
        for code in &codes {
            let Some(hs) = HsCode::parse(code) else {
                continue;
            };
            let expected = linear(&L, &hs).map(|(_, i)| &L.entries()[i].1);
            assert_eq!(L.lookup(&hs), expected, "{code}");
            checked += 1;
        }
        assert!(checked > 2000, "{checked} codes checked");
    }

    #[test]
    fn new_refuses_unsorted_repeated_or_malformed_patterns() {
        let refused = |f: fn() -> HsList<u8>| std::panic::catch_unwind(f).is_err();
        assert!(refused(|| HsList::new(&[("854231", 1), ("8471", 2)])));
        assert!(refused(|| HsList::new(&[("8471", 1), ("8471", 2)])));
        assert!(refused(|| HsList::new(&[("847", 1)])));
        assert!(refused(|| HsList::new(&[("8471.30", 1)])));
        assert!(refused(|| HsList::new(&[("84713", 1)])));
        assert!(refused(|| HsList::new(&[("8", 1)])));
        assert!(refused(|| HsList::new(&[("84712345678", 1)])));
        assert!(!refused(|| HsList::new(&[])));
        assert!(!refused(|| HsList::new(&[
            ("84", 1),
            ("8471", 2),
            ("847130", 3)
        ])));
    }
}
