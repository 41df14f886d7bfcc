//! The shipment lines that fall under the Common High Priority Items List (CHPL).
//!
//! The list itself (version of 23 Feb 2024, its tiers and citation) is the SDK's
//! [`exportctl_sdk::chpl`], embedded at build time from
//! `sdk/data/chpl/chpl_2024-02-23.csv`; the plugin never parses the list at
//! evaluation time.

use exportctl_sdk::chpl::{self, Tier};
use exportctl_sdk::{Line, Shipment};
use std::collections::BTreeSet;

/// At most this many lines are named in a message; the rest are counted.
pub const MAX_NAMED_LINES: usize = 20;

/// One shipment line whose HS code falls under a CHPL subheading.
#[derive(Debug, Clone, Copy)]
pub struct ChplLine<'a> {
    /// The line.
    pub line: Line<'a>,
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
            .lines()
            .iter()
            .filter_map(|line| chpl::tier(&line.hs_code()).map(|tier| ChplLine { line, tier }))
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
        self.lines.iter().map(|l| l.line.number()).collect()
    }

    /// The tiers present, most critical first.
    pub fn tiers(&self) -> BTreeSet<Tier> {
        self.lines.iter().map(|l| l.tier).collect()
    }

    /// The lines for a message: `line 1 (8542.31, Tier 1), line 4 (8482.10.10, Tier 3.B)`,
    /// naming at most [`MAX_NAMED_LINES`] and counting the rest (a finding's `lines` lists
    /// them all).
    pub fn describe(&self) -> String {
        let mut named: Vec<String> = self
            .lines
            .iter()
            .take(MAX_NAMED_LINES)
            .map(|l| {
                format!(
                    "line {} ({}, {})",
                    l.line.number(),
                    l.line.hs_code(),
                    l.tier
                )
            })
            .collect();
        let rest = self.lines.len().saturating_sub(MAX_NAMED_LINES);
        if rest > 0 {
            named.push(format!("and {rest} more lines"));
        }
        named.join(", ")
    }

    /// The list citation for a legal basis: `CHPL (23 Feb 2024) Tier 1, Tier 3.B`.
    pub fn citation(&self) -> String {
        chpl::citation(self.tiers())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{base, shipment};

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
    fn describe_names_twenty_lines_and_counts_the_rest() {
        let mut v = base();
        let line = v["lines"][0].clone();
        v["lines"] = serde_json::json!(
            (1..=23)
                .map(|n| {
                    let mut l = line.clone();
                    l["line"] = serde_json::json!(n);
                    l
                })
                .collect::<Vec<_>>()
        );
        let s = shipment(v);
        let lines = ChplLines::of(&s);
        let text = lines.describe();
        assert!(
            text.ends_with("line 20 (8542.31, Tier 1), and 3 more lines"),
            "{text}"
        );
        assert_eq!(lines.numbers().len(), 23);
    }
}
