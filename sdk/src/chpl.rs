//! The Common High Priority Items List (CHPL), version of 23 Feb 2024: the 50 HS-6
//! subheadings the EU, the United States, the United Kingdom and Japan agreed as the items
//! Russia most needs for its weapons, in tiers 1, 2, 3.A, 3.B, 4.A and 4.B.
//!
//! The table is embedded at build time from `sdk/data/chpl/chpl_2024-02-23.csv` (the
//! SDK's `build.rs` reads it from the workspace and checks every row); nothing is parsed
//! when a policy runs. The EU encodes the list as Annex XL of Reg. (EU) 833/2014 (and
//! Annex XXX of Reg. (EC) 765/2006); BIS publishes it as the Common High Priority List.
//!
//! ```
//! use exportctl_sdk::chpl::{self, Tier};
//! use exportctl_sdk::HsCode;
//!
//! let hs = HsCode::parse("8542.31.90").unwrap();
//! assert_eq!(chpl::tier(&hs), Some(Tier::T1));
//! assert_eq!(chpl::citation([Tier::T3B, Tier::T1]), "CHPL (23 Feb 2024) Tier 1, Tier 3.B");
//! ```

use crate::{Date, HsCode, HsList};
use std::collections::BTreeSet;
use std::fmt;

/// The list version embedded, as cited in findings.
pub const LIST_VERSION: &str = "23 Feb 2024";

/// The day the embedded list version was published. Earlier versions (from 2023) held
/// fewer codes and are not embedded: a policy judging an earlier law date should say so.
pub const LIST_DATE: Date = Date::ymd(2024, 2, 23);

/// Where the embedded list comes from, for [`crate::Metadata::sources`].
pub const SOURCE: &str = "Common High Priority Items List (EU/US/UK/JP), version of 23 Feb 2024: 50 HS-6 codes in tiers 1, 2, 3.A, 3.B, 4.A, 4.B \
                 (BIS bis.gov/node/6280; EU finance.ec.europa.eu), embedded from sdk/data/chpl/chpl_2024-02-23.csv";

/// A CHPL tier: how critical the items are to Russia's weapons programmes (Tier 1 most).
///
/// Tiers order from most to least critical, so a `BTreeSet<Tier>` lists Tier 1 first.
///
/// ```
/// use exportctl_sdk::chpl::Tier;
/// assert_eq!(Tier::T3A.to_string(), "Tier 3.A");
/// assert!(Tier::T1 < Tier::T4B);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// Tier 1: integrated circuits (HS 8542.31/32/33/39).
    T1,
    /// Tier 2: communication, navigation and passive electronic components.
    T2,
    /// Tier 3.A: other electronic components.
    T3A,
    /// Tier 3.B: bearings, aircraft and UAV parts, optics and navigation instruments.
    T3B,
    /// Tier 4.A: electronics manufacturing and test equipment.
    T4A,
    /// Tier 4.B: CNC machine tools and their parts.
    T4B,
}

impl Tier {
    /// Every tier, most critical first.
    pub const ALL: [Tier; 6] = [
        Tier::T1,
        Tier::T2,
        Tier::T3A,
        Tier::T3B,
        Tier::T4A,
        Tier::T4B,
    ];

    /// The tier as the list writes it: `1`, `2`, `3.A`, `3.B`, `4.A`, `4.B`.
    pub fn code(&self) -> &'static str {
        match self {
            Tier::T1 => "1",
            Tier::T2 => "2",
            Tier::T3A => "3.A",
            Tier::T3B => "3.B",
            Tier::T4A => "4.A",
            Tier::T4B => "4.B",
        }
    }

    /// What the tier covers, in the list's own words (its `tier_definition` column).
    ///
    /// ```
    /// use exportctl_sdk::chpl::Tier;
    /// assert_eq!(Tier::T4B.definition(), "CNC machine tools and their components");
    /// ```
    pub fn definition(&self) -> &'static str {
        TIER_DEFINITIONS[*self as usize]
    }
}

impl fmt::Display for Tier {
    /// `Tier 1`, `Tier 3.A`, …
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tier {}", self.code())
    }
}

include!(concat!(env!("OUT_DIR"), "/chpl_table.rs"));

/// The tier of the CHPL subheading `hs` falls under, if any. National 8- and 10-digit
/// codes fall under their 6-digit subheading.
///
/// ```
/// use exportctl_sdk::chpl::{self, Tier};
/// use exportctl_sdk::HsCode;
/// assert_eq!(chpl::tier(&HsCode::parse("8482.10.10").unwrap()), Some(Tier::T3B));
/// assert_eq!(chpl::tier(&HsCode::parse("9403.60").unwrap()), None);
/// ```
pub fn tier(hs: &HsCode) -> Option<Tier> {
    CHPL.lookup(hs).copied()
}

/// The list citation for a legal basis, each tier once, most critical first:
/// `CHPL (23 Feb 2024) Tier 1, Tier 3.B`.
pub fn citation(tiers: impl IntoIterator<Item = Tier>) -> String {
    let tiers: BTreeSet<Tier> = tiers.into_iter().collect();
    let shown: Vec<String> = tiers.iter().map(Tier::to_string).collect();
    format!("CHPL ({LIST_VERSION}) {}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The list file the table is generated from, read independently of `build.rs`.
    const CSV: &str = include_str!("../data/chpl/chpl_2024-02-23.csv");

    /// `(tier, hs6)` of every row; neither field is quoted in the file.
    fn csv_rows() -> Vec<(String, String)> {
        CSV.lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let mut fields = l.split(',');
                let tier = fields.next().unwrap().to_owned();
                let hs6 = fields.next().unwrap().to_owned();
                (tier, hs6)
            })
            .collect()
    }

    fn hs(code: &str) -> HsCode {
        HsCode::parse(code).unwrap()
    }

    #[test]
    fn table_has_exactly_the_50_codes_of_the_list() {
        assert_eq!(csv_rows().len(), 50);
        assert_eq!(CHPL.entries().len(), 50);
        let table: BTreeSet<&str> = CHPL.entries().iter().map(|(code, _)| *code).collect();
        assert_eq!(table.len(), 50, "codes are unique");
        let csv: BTreeSet<String> = csv_rows().into_iter().map(|(_, hs6)| hs6).collect();
        assert_eq!(table, csv.iter().map(String::as_str).collect());
        assert!(
            table
                .iter()
                .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        );
    }

    #[test]
    fn tier_counts_match_the_csv() {
        let mut from_csv: BTreeMap<String, usize> = BTreeMap::new();
        for (tier, _) in csv_rows() {
            *from_csv.entry(tier).or_default() += 1;
        }
        let mut from_table: BTreeMap<String, usize> = BTreeMap::new();
        for (_, tier) in CHPL.entries() {
            *from_table.entry(tier.code().to_owned()).or_default() += 1;
        }
        assert_eq!(from_table, from_csv);
        let expected = [
            ("1", 4),
            ("2", 5),
            ("3.A", 16),
            ("3.B", 9),
            ("4.A", 11),
            ("4.B", 5),
        ];
        for (tier, count) in expected {
            assert_eq!(from_table.get(tier), Some(&count), "Tier {tier}");
        }
        assert_eq!(Tier::ALL.len(), from_table.len(), "every tier has codes");
    }

    #[test]
    fn each_code_keeps_its_tier_from_the_csv() {
        for (code, hs6) in csv_rows() {
            assert_eq!(
                tier(&hs(&hs6)).map(|t| t.code()),
                Some(code.as_str()),
                "{hs6}"
            );
        }
    }

    #[test]
    fn national_codes_match_their_subheading_and_neighbours_do_not() {
        let cases = [
            ("8542.31", Some(Tier::T1)),
            ("8542.31.90", Some(Tier::T1)),
            ("8542.39.9000", Some(Tier::T1)),
            ("8517.62.00", Some(Tier::T2)),
            ("8548.00", Some(Tier::T2)),
            ("8541.10.00", Some(Tier::T3A)),
            ("8482.10.10", Some(Tier::T3B)),
            ("8807.30", Some(Tier::T3B)),
            ("9030.82", Some(Tier::T4A)),
            ("8458.11.20", Some(Tier::T4B)),
            ("8466.93.4000", Some(Tier::T4B)),
            ("8542.90", None),
            ("8541.40", None),
            ("8517.13", None),
            ("8482.40", None),
            ("8806.23", None),
            ("9403.60", None),
            ("4901.99", None),
        ];
        for (code, expected) in cases {
            assert_eq!(tier(&hs(code)), expected, "{code}");
            assert_eq!(CHPL.contains(&hs(code)), expected.is_some(), "{code}");
        }
    }

    #[test]
    fn tiers_display_and_define_themselves_as_the_list_does() {
        let shown: Vec<String> = Tier::ALL.iter().map(Tier::to_string).collect();
        assert_eq!(
            shown,
            [
                "Tier 1", "Tier 2", "Tier 3.A", "Tier 3.B", "Tier 4.A", "Tier 4.B"
            ]
        );
        for t in Tier::ALL {
            let row = CSV
                .lines()
                .find(|l| l.starts_with(&format!("{},", t.code())))
                .unwrap();
            assert!(row.contains(t.definition()), "{t}: {row}");
        }
        assert!(Tier::T1.definition().starts_with("Highest concern"));
    }

    #[test]
    fn citation_lists_each_tier_once_in_order() {
        assert_eq!(
            citation([Tier::T3B, Tier::T1, Tier::T3B]),
            "CHPL (23 Feb 2024) Tier 1, Tier 3.B"
        );
        assert_eq!(
            citation(Tier::ALL),
            format!("CHPL ({LIST_VERSION}) Tier 1, Tier 2, Tier 3.A, Tier 3.B, Tier 4.A, Tier 4.B")
        );
    }

    #[test]
    fn the_list_date_is_its_version() {
        assert_eq!(LIST_DATE, Date::ymd(2024, 2, 23));
        assert!(SOURCE.contains("version of 23 Feb 2024") && SOURCE.contains(LIST_VERSION));
    }
}
