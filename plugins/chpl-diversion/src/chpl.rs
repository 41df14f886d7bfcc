//! The Common High Priority Items List (CHPL), version of 23 Feb 2024, embedded at build
//! time, and the shipment lines that fall under it.
//!
//! `build.rs` turns `policies/data/chpl/chpl_2024-02-23.csv` into the [`CHPL`] table; the
//! plugin never parses the list at evaluation time.

use exportctl_sdk::{Date, HsList, Line, Shipment};
use std::collections::BTreeSet;
use std::fmt;

/// The list version this policy encodes, as cited in findings.
pub const LIST_VERSION: &str = "23 Feb 2024";

/// The day the encoded list version was published. Earlier CHPL versions (from 2023) held
/// fewer codes and are not encoded.
pub const LIST_DATE: Date = Date::ymd(2024, 2, 23);

/// A CHPL tier: how critical the items are to Russia's weapons programmes (Tier 1 most).
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
}

impl fmt::Display for Tier {
    /// `Tier 1`, `Tier 3.A`, …
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tier {}", self.code())
    }
}

include!(concat!(env!("OUT_DIR"), "/chpl_table.rs"));

/// One shipment line whose HS code falls under a CHPL subheading.
#[derive(Debug, Clone, Copy)]
pub struct ChplLine<'a> {
    /// The line.
    pub line: &'a Line,
    /// Its tier.
    pub tier: Tier,
}

/// The CHPL lines of a shipment, in document order.
#[derive(Debug, Clone)]
pub struct ChplLines<'a> {
    lines: Vec<ChplLine<'a>>,
}

impl<'a> ChplLines<'a> {
    /// The lines of `shipment` whose HS code (6–10 digits) falls under one of the CHPL's
    /// HS-6 subheadings. National 8- and 10-digit codes match their subheading.
    pub fn of(shipment: &'a Shipment) -> ChplLines<'a> {
        let lines = shipment
            .lines
            .iter()
            .filter_map(|line| {
                CHPL.lookup(&line.hs_code)
                    .map(|&tier| ChplLine { line, tier })
            })
            .collect();
        ChplLines { lines }
    }

    /// Whether the shipment has no CHPL line.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The matched lines.
    pub fn iter(&self) -> impl Iterator<Item = &ChplLine<'a>> {
        self.lines.iter()
    }

    /// The line numbers, for [`exportctl_sdk::Finding::lines`].
    pub fn numbers(&self) -> Vec<u32> {
        self.lines.iter().map(|l| l.line.line).collect()
    }

    /// The tiers present, most critical first.
    pub fn tiers(&self) -> BTreeSet<Tier> {
        self.lines.iter().map(|l| l.tier).collect()
    }

    /// The lines for a message: `line 1 (8542.31, Tier 1), line 4 (8482.10.10, Tier 3.B)`.
    pub fn describe(&self) -> String {
        self.lines
            .iter()
            .map(|l| format!("line {} ({}, {})", l.line.line, l.line.hs_code, l.tier))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The list citation for a legal basis: `CHPL (23 Feb 2024) Tier 1, Tier 3.B`.
    pub fn citation(&self) -> String {
        let tiers: Vec<String> = self.tiers().iter().map(Tier::to_string).collect();
        format!("CHPL ({LIST_VERSION}) {}", tiers.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{base, shipment};
    use exportctl_sdk::HsCode;
    use std::collections::BTreeMap;

    /// The list file the table is generated from, read independently of `build.rs`.
    const CSV: &str = include_str!("../../../policies/data/chpl/chpl_2024-02-23.csv");

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

    #[test]
    fn table_has_exactly_the_50_codes_of_the_list() {
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
        for (tier, hs6) in csv_rows() {
            let hs = HsCode::parse(&hs6).unwrap();
            assert_eq!(
                CHPL.lookup(&hs).map(Tier::code),
                Some(tier.as_str()),
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
            ("8542.90", None),
            ("8541.40", None),
            ("8517.13", None),
            ("8482.40", None),
            ("8806.23", None),
            ("9403.60", None),
            ("4901.99", None),
        ];
        for (code, tier) in cases {
            assert_eq!(
                CHPL.lookup(&HsCode::parse(code).unwrap()).copied(),
                tier,
                "{code}"
            );
        }
    }

    #[test]
    fn chpl_lines_keep_document_order_and_skip_other_goods() {
        let mut v = base();
        v["lines"] = serde_json::json!([
            { "line": 7, "description": "bearings", "hs_code": "8482.10.10", "quantity": 1,
              "value": { "amount": "1", "currency": "EUR" } },
            { "line": 2, "description": "manuals", "hs_code": "4901.99", "quantity": 1,
              "value": { "amount": "1", "currency": "EUR" } },
            { "line": 3, "description": "MCU", "hs_code": "854231", "quantity": 1,
              "value": { "amount": "1", "currency": "EUR" } }
        ]);
        let s = shipment(v);
        let lines = ChplLines::of(&s);
        assert_eq!(lines.numbers(), vec![7, 3]);
        assert_eq!(
            lines.tiers().into_iter().collect::<Vec<_>>(),
            vec![Tier::T1, Tier::T3B]
        );
        assert_eq!(
            lines.describe(),
            "line 7 (8482.10.10, Tier 3.B), line 3 (8542.31, Tier 1)"
        );
        assert_eq!(lines.citation(), "CHPL (23 Feb 2024) Tier 1, Tier 3.B");
    }

    #[test]
    fn tiers_display_as_the_list_writes_them() {
        let shown: Vec<String> = Tier::ALL.iter().map(Tier::to_string).collect();
        assert_eq!(
            shown,
            [
                "Tier 1", "Tier 2", "Tier 3.A", "Tier 3.B", "Tier 4.A", "Tier 4.B"
            ]
        );
    }
}
