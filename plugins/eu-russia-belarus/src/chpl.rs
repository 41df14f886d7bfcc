//! The Common High Priority Items List (CHPL), version of 23 Feb 2024, embedded at build
//! time: the part of Annex XL of Reg. (EU) 833/2014 (and Annex XXX of Reg. (EC) 765/2006)
//! this policy can ground.
//!
//! `build.rs` turns `policies/data/chpl/chpl_2024-02-23.csv` (the file `chpl-diversion`
//! embeds too) into the [`CHPL`] table.

use crate::sdk_ext::hs_index::HsIndex;
use exportctl_sdk::{Date, HsList};
use std::fmt;

/// The list version this policy encodes, as cited in findings.
pub const LIST_VERSION: &str = "23 Feb 2024";

/// The day the encoded list version was published. Earlier versions (from 2023) are not
/// encoded, so findings for earlier law dates are at most review.
pub const LIST_DATE: Date = Date::ymd(2024, 2, 23);

/// A CHPL tier: how critical the items are to Russia's weapons programmes (Tier 1 most).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// Tier 1: integrated circuits.
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
}

impl fmt::Display for Tier {
    /// `Tier 1`, `Tier 3.A`, …
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tier {}", self.code())
    }
}

include!(concat!(env!("OUT_DIR"), "/chpl_table.rs"));

/// The list citation for a legal basis: `CHPL (23 Feb 2024) Tier 1, Tier 3.B`.
pub fn citation(tiers: impl IntoIterator<Item = Tier>) -> String {
    let tiers: std::collections::BTreeSet<Tier> = tiers.into_iter().collect();
    let shown: Vec<String> = tiers.iter().map(Tier::to_string).collect();
    format!("CHPL ({LIST_VERSION}) {}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use exportctl_sdk::HsCode;
    use std::collections::BTreeSet;

    /// The list file the table is generated from, read independently of `build.rs`.
    const CSV: &str = include_str!("../../../policies/data/chpl/chpl_2024-02-23.csv");

    #[test]
    fn table_has_exactly_the_50_codes_of_the_list_with_their_tiers() {
        let rows: Vec<(String, String)> = CSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let mut fields = l.split(',');
                let tier = fields.next().unwrap().to_owned();
                let hs6 = fields.next().unwrap().to_owned();
                (tier, hs6)
            })
            .collect();
        assert_eq!(rows.len(), 50);
        assert_eq!(CHPL.entries().len(), 50);
        for (tier, hs6) in &rows {
            let hs = HsCode::parse(hs6).unwrap();
            assert_eq!(
                CHPL.lookup(&hs).map(Tier::code),
                Some(tier.as_str()),
                "{hs6}"
            );
        }
        let table: BTreeSet<&str> = CHPL.entries().iter().map(|(c, _)| *c).collect();
        assert_eq!(table.len(), 50);
    }

    #[test]
    fn national_codes_match_their_subheading() {
        let hs = |c: &str| HsCode::parse(c).unwrap();
        assert_eq!(CHPL.lookup(&hs("8542.31.90")), Some(&Tier::T1));
        assert_eq!(CHPL.lookup(&hs("8482.10.10")), Some(&Tier::T3B));
        assert_eq!(CHPL.lookup(&hs("8542.90")), None);
        assert_eq!(CHPL.lookup(&hs("9403.60")), None);
    }

    #[test]
    fn citation_lists_each_tier_once_in_order() {
        assert_eq!(
            citation([Tier::T3B, Tier::T1, Tier::T3B]),
            "CHPL (23 Feb 2024) Tier 1, Tier 3.B"
        );
    }
}
