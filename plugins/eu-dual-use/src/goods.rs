//! What a line is under Reg. (EU) 2021/821, worked out once per evaluation, and how
//! lines are named in a message.
//!
//! A line is a **dual-use item listed in Annex I** when it carries an EU Annex I code:
//! category 0–9, product group A–E, three digits whose first gives a multilateral regime
//! (0–4) ([`exportctl_sdk::ControlCode::is_eu_dual_use`]). The Annex I list itself is not
//! in the project's data: a code of that form is taken to be an Annex I entry, so a code
//! that has the form but does not exist is not caught, and every finding about such
//! lines says so ([`STRUCTURE_NOTE`]). US-only ECCNs (x9xx, 0x5zz, 9x515, 600 series)
//! have the form but not a regime digit of Annex I: they are not Annex I items.

use crate::annex_iv::{self, AnnexIv};
use exportctl_sdk::{ControlCode, Line, List, ListedCode};

/// How many lines a message names before it counts the rest; a finding's `lines`
/// always lists all of them.
pub const MAX_NAMED_LINES: usize = 20;

/// What the policy cannot tell from a code's form, for every finding about Annex I lines.
pub const STRUCTURE_NOTE: &str = "Codes are recognised as Annex I entries by their form (category, product group, \
     regime digit 0-4); the Annex I list itself (as amended by Delegated Regulation (EU) 2023/2616) is not in the \
     policy's data, so a code of that form that Annex I does not contain is not detected: confirm each entry.";

/// What one line carries.
#[derive(Debug, Clone)]
pub struct LineFacts<'a> {
    /// The line.
    pub line: Line<'a>,
    /// Its EU Annex I codes.
    pub annex_i: Vec<ListedCode>,
    /// What the embedded part of Annex IV says about its Annex I codes: `Listed` if
    /// any is listed, else `Possibly` if any may be.
    pub annex_iv: Option<AnnexIv>,
    /// It carries an EU Common Military List entry (ML1–ML22): a military item, outside
    /// the dual-use Regulation.
    pub military_list: bool,
    /// Codes of no recognised form (not Annex I, US ECCN, EAR99, Common Military List or
    /// an Annex VII entry of Reg. (EU) 833/2014), as given.
    pub unrecognised: Vec<String>,
}

impl<'a> LineFacts<'a> {
    /// Classifies one line.
    pub fn of(line: Line<'a>) -> LineFacts<'a> {
        let mut facts = LineFacts {
            line,
            annex_i: Vec::new(),
            annex_iv: None,
            military_list: false,
            unrecognised: Vec::new(),
        };
        for code in line.control_codes() {
            let eu_dual_use = code.is_eu_dual_use();
            let annex_vii = code.annex_vii().is_some();
            match code {
                ControlCode::Listed(listed) if eu_dual_use => {
                    facts.annex_iv = match (facts.annex_iv, annex_iv::annex_iv(&listed)) {
                        (Some(AnnexIv::Listed(row)), _) | (_, Some(AnnexIv::Listed(row))) => {
                            Some(AnnexIv::Listed(row))
                        }
                        (kept, found) => kept.or(found),
                    };
                    facts.annex_i.push(listed);
                }
                ControlCode::Military(_) => facts.military_list = true,
                ControlCode::Other(text) if !annex_vii => {
                    facts.unrecognised.push(text);
                }
                _ => {}
            }
        }
        facts
    }

    /// Whether the line is a dual-use item listed in Annex I.
    pub fn is_annex_i(&self) -> bool {
        !self.annex_i.is_empty()
    }

    /// Its Annex I codes, for a message: `6A005.B.6, 3A001`.
    pub fn annex_i_codes(&self) -> String {
        join(
            self.annex_i
                .iter()
                .map(|c| format!("{}{}", c.entry(), c.paragraph)),
        )
    }
}

/// Every line of a shipment, classified.
pub fn classify<'a>(lines: List<'a, Line<'a>>) -> Vec<LineFacts<'a>> {
    lines.map(LineFacts::of).collect()
}

/// Names lines for a message, `line 1 (9013.20, 6A005.B.6), line 3 (…)`, with `note`
/// giving the text after the HS code; at most [`MAX_NAMED_LINES`], the rest counted.
pub fn describe(picked: &[&LineFacts<'_>], note: impl Fn(&LineFacts<'_>) -> String) -> String {
    let mut shown: Vec<String> = picked
        .iter()
        .take(MAX_NAMED_LINES)
        .map(|f| {
            let text = note(f);
            if text.is_empty() {
                format!("line {} ({})", f.line.number(), f.line.hs_code())
            } else {
                format!("line {} ({}, {text})", f.line.number(), f.line.hs_code())
            }
        })
        .collect();
    let rest = picked.len().saturating_sub(MAX_NAMED_LINES);
    if rest > 0 {
        shown.push(format!("and {rest} more lines"));
    }
    shown.join(", ")
}

/// The line numbers, for [`exportctl_sdk::Finding::lines`].
pub fn numbers(picked: &[&LineFacts<'_>]) -> Vec<u32> {
    picked.iter().map(|f| f.line.number()).collect()
}

/// The distinct Annex I entries of `picked` (five characters), for a legal basis: at
/// most [`MAX_NAMED_LINES`], the rest counted.
pub fn entries(picked: &[&LineFacts<'_>]) -> String {
    let mut all: Vec<String> = Vec::new();
    for code in picked.iter().flat_map(|f| f.annex_i.iter()) {
        let entry = code.entry();
        if !all.contains(&entry) {
            all.push(entry);
        }
    }
    let rest = all.len().saturating_sub(MAX_NAMED_LINES);
    all.truncate(MAX_NAMED_LINES);
    let mut text = join(all);
    if rest > 0 {
        text.push_str(&format!(" and {rest} more"));
    }
    text
}

fn join(items: impl IntoIterator<Item = String>) -> String {
    items.into_iter().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};

    #[test]
    fn classifies_each_kind_of_code() {
        let s = Doc::export("DE", "US")
            .codes(&[
                "6A005.b.6",
                "3A991",
                "EAR99",
                "ML10",
                "X.A.I.001",
                "6A05",
                "1C351.d.4",
            ])
            .shipment();
        let f = LineFacts::of(s.lines().get(0).unwrap());
        assert_eq!(f.annex_i_codes(), "6A005.B.6, 1C351.D.4");
        assert!(f.is_annex_i() && f.military_list);
        assert_eq!(f.unrecognised, ["6A05"]);
        assert!(matches!(f.annex_iv, Some(AnnexIv::Listed(_))));
    }

    #[test]
    fn a_listed_annex_iv_code_outweighs_a_possible_one_in_either_order() {
        for codes in [["1C351", "1C001"], ["1C001", "1C351"]] {
            let s = Doc::export("DE", "US").codes(&codes).shipment();
            let f = LineFacts::of(s.lines().get(0).unwrap());
            assert_eq!(
                f.annex_iv.map(|m| m.row().entry_text()),
                Some("1C001".into()),
                "{codes:?}"
            );
        }
    }

    #[test]
    fn messages_name_twenty_lines_and_count_the_rest() {
        let mut doc = Doc::export("DE", "CN").codes(&["3A001"]);
        for n in 2..=23 {
            doc = doc.add_line(n, "8542.31", &[&format!("3A{n:03}")]);
        }
        let s = doc.shipment();
        let facts = classify(s.lines());
        let picked: Vec<&LineFacts> = facts.iter().collect();
        let text = describe(&picked, |f| f.annex_i_codes());
        assert!(
            text.starts_with("line 1 (9013.20, 3A001), line 2 (8542.31, 3A002)"),
            "{text}"
        );
        assert!(text.ends_with("and 3 more lines"), "{text}");
        assert_eq!(numbers(&picked).len(), 23);
        assert!(
            entries(&picked).ends_with("3A020 and 3 more"),
            "{}",
            entries(&picked)
        );
    }
}
