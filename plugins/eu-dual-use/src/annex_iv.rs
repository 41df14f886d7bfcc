//! Annex IV of Reg. (EU) 2021/821: the dual-use items whose transfer within the Union
//! needs an authorisation (Art. 11(1)), and which Union General Export Authorisation
//! EU001 does not cover.
//!
//! Annex IV is not in the project's data as an official list. The policy embeds the
//! part of it whose entries it can state (`policies/data/eu_dual_use/annex_iv_entries.csv`,
//! see its `SOURCE.md`): rows naming a whole category (`0`), an entry (`1C001`) or a
//! paragraph of one (`1C351.D.4`), each covering the whole entry, only part of it, or
//! marking an exception inside a broader row. A line's code is judged by the most
//! specific row that contains it; a code broader than a row (`1C351` when only
//! `1C351.D.4` is listed) may be an Annex IV item too.

use exportctl_sdk::{ListedCode, Regime};

/// The part of Annex IV a row is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnexIvPart {
    /// Part I (stealth technology, Community strategic control items, MTCR technology):
    /// member states may grant national general authorisations for transfers.
    I,
    /// Part II (CWC items, NSG technology): no national general authorisation.
    II,
}

/// How much of a row's entry Annex IV covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// All of it.
    Whole,
    /// Only part of it: a line with this code may or may not be an Annex IV item.
    Part,
    /// None of it: an exception inside a broader row (0C001 inside Category 0).
    Excluded,
}

/// One row of the embedded table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnexIvRow {
    /// The Annex I category, 0–9.
    pub category: u8,
    /// The five-character entry (`1C351`), or empty for a whole category.
    pub entry: &'static str,
    /// The paragraph inside the entry (`.D.4`), or empty.
    pub paragraph: &'static str,
    /// The part of Annex IV.
    pub part: AnnexIvPart,
    /// The Annex IV heading and what the entry is.
    pub heading: &'static str,
    /// How much of the entry is covered.
    pub coverage: Coverage,
}

include!(concat!(env!("OUT_DIR"), "/annex_iv.rs"));

/// What Annex IV says about a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnexIv {
    /// The code is inside an Annex IV row.
    Listed(&'static AnnexIvRow),
    /// The code may be an Annex IV item: only part of its row is covered, or it is
    /// broader than a row.
    Possibly(&'static AnnexIvRow),
}

impl AnnexIv {
    /// The row that decided.
    pub fn row(&self) -> &'static AnnexIvRow {
        match self {
            AnnexIv::Listed(row) | AnnexIv::Possibly(row) => row,
        }
    }
}

impl AnnexIvRow {
    /// The row's entry as written in Annex IV: `1C351.D.4`, or `Category 0`.
    pub fn entry_text(&self) -> String {
        if self.entry.is_empty() {
            format!("Category {}", self.category)
        } else {
            format!("{}{}", self.entry, self.paragraph)
        }
    }

    /// How specific the row is, when it contains `code`: 0 for a category, 1 for an
    /// entry, one more for each paragraph level.
    fn containing(&self, code: &ListedCode) -> Option<usize> {
        if self.category != code.category {
            return None;
        }
        if self.entry.is_empty() {
            return Some(0);
        }
        let row = segments(self.paragraph);
        let line = segments(&code.paragraph);
        (code.entry() == self.entry && line.starts_with(&row)).then_some(1 + row.len())
    }

    /// Whether the row is strictly narrower than `code` (`1C351.D.4` for `1C351`).
    fn narrower_than(&self, code: &ListedCode) -> bool {
        let row = segments(self.paragraph);
        let line = segments(&code.paragraph);
        !self.entry.is_empty()
            && code.entry() == self.entry
            && row.len() > line.len()
            && row.starts_with(&line)
    }
}

fn segments(paragraph: &str) -> Vec<&str> {
    paragraph.split('.').filter(|s| !s.is_empty()).collect()
}

/// What the embedded part of Annex IV says about an Annex I code; `None` for a code
/// outside it (or a US-only ECCN, which is not an Annex I entry at all).
pub fn annex_iv(code: &ListedCode) -> Option<AnnexIv> {
    if code.regime() == Regime::UsOnly {
        return None;
    }
    let decisive = ANNEX_IV
        .iter()
        .filter_map(|row| row.containing(code).map(|depth| (depth, row)))
        .max_by_key(|(depth, _)| *depth)
        .map(|(_, row)| row);
    match decisive.map(|row| (row.coverage, row)) {
        Some((Coverage::Whole, row)) => Some(AnnexIv::Listed(row)),
        Some((Coverage::Part, row)) => Some(AnnexIv::Possibly(row)),
        Some((Coverage::Excluded, _)) | None => ANNEX_IV
            .iter()
            .find(|row| row.coverage != Coverage::Excluded && row.narrower_than(code))
            .map(AnnexIv::Possibly),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use exportctl_sdk::ControlCode;

    fn judge(code: &str) -> Option<(bool, String)> {
        let ControlCode::Listed(listed) = ControlCode::parse(code) else {
            panic!("{code} is not a listed code");
        };
        annex_iv(&listed).map(|m| (matches!(m, AnnexIv::Listed(_)), m.row().entry_text()))
    }

    #[test]
    fn the_table_is_sorted_and_every_row_is_an_annex_i_entry() {
        assert!(
            ANNEX_IV
                .windows(2)
                .all(|w| w[0].entry_text() <= w[1].entry_text() || w[0].entry.is_empty())
        );
        for row in ANNEX_IV {
            assert!(!row.heading.is_empty());
            if !row.entry.is_empty() {
                assert!(
                    ControlCode::parse(&row.entry_text()).is_eu_dual_use(),
                    "{row:?}"
                );
            }
        }
    }

    #[test]
    fn entries_and_their_paragraphs_are_listed() {
        assert_eq!(judge("1C001"), Some((true, "1C001".into())));
        assert_eq!(judge("1c001.a"), Some((true, "1C001".into())));
        assert_eq!(judge("1C351.d.4"), Some((true, "1C351.D.4".into())));
        assert_eq!(judge("9A004"), Some((true, "9A004".into())));
        assert_eq!(judge("5A004.a.1"), Some((true, "5A004.A".into())));
    }

    #[test]
    fn category_0_is_listed_except_natural_uranium_and_most_of_0c002() {
        assert_eq!(judge("0B001.b"), Some((true, "Category 0".into())));
        assert_eq!(judge("0A001"), Some((true, "Category 0".into())));
        assert_eq!(judge("0C001"), None);
        assert_eq!(judge("0C002"), Some((false, "0C002".into())));
        assert_eq!(judge("0E001"), Some((false, "0E001".into())));
    }

    #[test]
    fn broader_codes_are_possibly_listed_and_siblings_are_not() {
        assert_eq!(judge("1C351"), Some((false, "1C351.D.4".into())));
        assert_eq!(judge("1C351.d"), Some((false, "1C351.D.4".into())));
        assert_eq!(judge("1C351.d.1"), None);
        assert_eq!(judge("5A004"), Some((false, "5A004.A".into())));
        assert_eq!(judge("5A004.b"), None);
        assert_eq!(judge("1E101"), Some((false, "1E101".into())));
    }

    #[test]
    fn ordinary_annex_i_entries_and_us_only_eccns_are_not_annex_iv() {
        for code in [
            "6A005.b.6",
            "3A001.a.2",
            "5A002",
            "1C350",
            "9A012",
            "3A991",
            "0A501",
        ] {
            assert_eq!(judge(code), None, "{code}");
        }
    }
}
