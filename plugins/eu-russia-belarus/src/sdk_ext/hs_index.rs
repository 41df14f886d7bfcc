//! An HS table indexed for fast lookups.
//!
//! The SDK's `HsList::lookup` compares the code with every pattern, text against text.
//! That is fine for a few lines, but a shipment may have 10,000 lines and a plugin runs
//! on a fuel budget; looking up four tables of ~50 patterns per line cost more fuel than
//! decoding the shipment. [`HsIndex`] keeps the patterns as numbers, sorted and split by
//! length, so a lookup is three binary searches over integers.

use exportctl_sdk::HsCode;

/// Patterns of 2, 4 and 6 digits (chapters, headings, subheadings) as numbers, each slice
/// sorted and unique, with a value per pattern. Built as a constant (by a build script).
#[derive(Debug, Clone, Copy)]
pub struct HsIndex<T: 'static> {
    /// Chapter patterns, e.g. `85`.
    pub chapters: &'static [(u32, T)],
    /// Heading patterns, e.g. `8429`.
    pub headings: &'static [(u32, T)],
    /// Subheading patterns, e.g. `854231`.
    pub subheadings: &'static [(u32, T)],
}

impl<T: Copy> HsIndex<T> {
    /// The value of the most specific pattern the code falls under (subheading, then
    /// heading, then chapter), as `HsList::lookup` gives it.
    pub fn lookup(&self, hs: &HsCode) -> Option<T> {
        // An HsCode has at least six digits.
        let six = hs
            .as_str()
            .bytes()
            .take(6)
            .fold(0u32, |n, b| n * 10 + u32::from(b.wrapping_sub(b'0')));
        [
            (self.subheadings, six),
            (self.headings, six / 100),
            (self.chapters, six / 10_000),
        ]
        .into_iter()
        .find_map(|(patterns, key)| {
            let index = patterns.binary_search_by_key(&key, |(p, _)| *p).ok()?;
            patterns.get(index).map(|(_, value)| *value)
        })
    }

    /// Every pattern with its value, shortest patterns first; patterns as digit strings.
    pub fn entries(&self) -> impl Iterator<Item = (String, T)> + '_ {
        let chapters = self.chapters.iter().map(|(p, v)| (format!("{p:02}"), *v));
        let headings = self.headings.iter().map(|(p, v)| (format!("{p:04}"), *v));
        let subheadings = self
            .subheadings
            .iter()
            .map(|(p, v)| (format!("{p:06}"), *v));
        chapters.chain(headings).chain(subheadings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: HsIndex<u8> = HsIndex {
        chapters: &[(1, 9), (85, 1)],
        headings: &[(8429, 4), (8542, 2)],
        subheadings: &[(10121, 7), (854231, 3)],
    };

    fn lookup(code: &str) -> Option<u8> {
        HsCode::parse(code).and_then(|hs| INDEX.lookup(&hs))
    }

    #[test]
    fn the_most_specific_pattern_wins() {
        assert_eq!(lookup("8542.31"), Some(3));
        assert_eq!(lookup("8542.31.90"), Some(3));
        assert_eq!(lookup("8542.39"), Some(2));
        assert_eq!(lookup("8517.62"), Some(1));
        assert_eq!(lookup("8429.52"), Some(4), "a heading without its chapter");
        assert_eq!(lookup("8430.10"), None);
        assert_eq!(lookup("9403.60"), None);
    }

    #[test]
    fn leading_zeros_are_kept_apart() {
        assert_eq!(lookup("0101.21"), Some(7));
        assert_eq!(lookup("0102.21"), Some(9));
        assert_eq!(lookup("1001.11"), None);
    }

    #[test]
    fn entries_are_digit_strings() {
        let entries: Vec<(String, u8)> = INDEX.entries().collect();
        assert_eq!(entries[0], ("01".to_owned(), 9));
        assert_eq!(entries[4], ("010121".to_owned(), 7));
    }
}
