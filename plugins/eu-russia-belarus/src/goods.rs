//! What a line is under the Russia/Belarus measures, and selections of lines for findings.
//!
//! A line is classified from what the document gives: its control codes (EU Annex I
//! entries, Annex VII entries, US-only ECCNs, Common Military List entries) and its HS
//! code (the CHPL for Annex XL, the grounded tables of [`crate::tables`]). Each line is
//! reported under one supply rule only, the most specific that fits, in this order:
//! Art. 2 (an EU dual-use code), Art. 2a (an Annex VII code or a CHPL subheading),
//! the Art. 2a classification review (any other control code), Art. 3k (a kind of goods
//! Annex XXIII covers).
//!
//! Shipments may have 10,000 lines and a plugin runs on a fuel budget, so every line is
//! classified once per evaluation ([`Goods::of`]), HS tables are searched by binary search
//! ([`exportctl_sdk::HsList::lookup`]), and the text about a line is
//! only produced for the lines a message names ([`Note`], [`MAX_NAMED_LINES`]).

use crate::annexes::{Annex, Verdict};
use crate::tables::{self, OtherAnnex, Sector};
use exportctl_sdk::chpl::{self, Tier};
use exportctl_sdk::{AnnexViiCode, ControlCode, Line, Shipment};

/// How many lines a message names before it summarises the rest; a finding's `lines`
/// always lists all of them. Keeps messages of very long shipments within the host's
/// size limit.
pub const MAX_NAMED_LINES: usize = 20;

/// What a line carries and falls under, worked out once per evaluation.
#[derive(Debug, Clone, Copy)]
pub struct LineFacts<'a> {
    /// The line.
    pub line: Line<'a>,
    /// It carries an EU Annex I code ([`ControlCode::is_eu_dual_use`]). US-only ECCNs
    /// such as `3A991` or `5A992` are not Annex I entries and do not count.
    pub eu_dual_use: bool,
    /// It carries an Annex VII code (`X.A.I.001`, …).
    pub annex_vii: bool,
    /// It carries another control code: a US-only ECCN, a Common Military List entry or
    /// an unrecognised code (not `EAR99`).
    pub other_codes: bool,
    /// Its CHPL tier, when its HS code falls under a CHPL subheading (Annex XL).
    pub chpl: Option<Tier>,
    /// The kind of goods Annex XXIII covers that its HS code falls under.
    pub annex_xxiii: Option<&'static str>,
    /// The Art. 12g annex (other than Annex XL) it probably falls under.
    pub art12g_other: Option<OtherAnnex>,
    /// The Annex II sector of Reg. (EU) 692/2014 its HS code names.
    pub annex_ii: Option<Sector>,
}

impl<'a> LineFacts<'a> {
    /// Classifies one line.
    pub fn of(line: Line<'a>) -> LineFacts<'a> {
        let mut facts = LineFacts {
            line,
            eu_dual_use: false,
            annex_vii: false,
            other_codes: false,
            chpl: chpl::tier(&line.hs_code()),
            annex_xxiii: tables::ANNEX_XXIII_GROUNDED
                .lookup(&line.hs_code())
                .copied(),
            art12g_other: tables::ART_12G_OTHER_GOODS.lookup(&line.hs_code()).copied(),
            annex_ii: tables::ANNEX_II_GROUNDED.lookup(&line.hs_code()).copied(),
        };
        for code in &line.control_codes() {
            if code.is_eu_dual_use() {
                facts.eu_dual_use = true;
            } else if is_annex_vii(&code) {
                facts.annex_vii = true;
            } else if code != ControlCode::Ear99 {
                facts.other_codes = true;
            }
        }
        facts
    }

    /// Which supply rule judges the line when it is bound for Russia or Belarus; `None`
    /// when no rule is concerned with it.
    pub fn ru_by_class(&self) -> Option<RuByClass> {
        if self.eu_dual_use {
            Some(RuByClass::DualUse)
        } else if self.annex_vii || self.chpl.is_some() {
            Some(RuByClass::AnnexViiXl)
        } else if self.other_codes {
            Some(RuByClass::Unclassified)
        } else if self.annex_xxiii.is_some() {
            Some(RuByClass::AnnexXxiii)
        } else {
            None
        }
    }

    /// Whether it carries a Common Military List entry or a US military ECCN.
    pub fn military(&self) -> bool {
        self.line.is_military()
    }
}

fn is_annex_vii(code: &ControlCode) -> bool {
    // Only `Other` codes can be Annex VII entries; the check parses nothing else.
    matches!(code, ControlCode::Other(text) if text.starts_with("X."))
        && AnnexViiCode::from_control_code(code).is_some()
}

/// Every line of a shipment with its facts, in document order.
#[derive(Debug, Clone)]
pub struct Goods<'a> {
    facts: Vec<LineFacts<'a>>,
}

impl<'a> Goods<'a> {
    /// Classifies every line of the shipment.
    pub fn of(shipment: &'a Shipment) -> Goods<'a> {
        Goods {
            facts: shipment.lines().map(LineFacts::of).collect(),
        }
    }

    /// The lines with their facts.
    pub fn iter(&self) -> impl Iterator<Item = &LineFacts<'a>> {
        self.facts.iter()
    }
}

/// Which supply rule judges a line bound for Russia or Belarus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuByClass {
    /// An EU dual-use code: Art. 2.
    DualUse,
    /// An Annex VII code or a CHPL subheading: Art. 2a.
    AnnexViiXl,
    /// Another control code: Art. 2a classification review.
    Unclassified,
    /// A kind of goods Annex XXIII covers: Art. 3k.
    AnnexXxiii,
}

/// What a message says about a picked line, rendered only for the lines it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// Nothing beyond the HS code.
    Empty,
    /// A fixed text, e.g. `plastics`.
    Text(&'static str),
    /// The line's EU dual-use and Annex VII codes, e.g. `3A001.a.2, X.A.I.001`.
    Codes,
    /// The line's Annex VII codes and its CHPL tier, e.g. `X.A.I.001, CHPL Tier 1`.
    AnnexViiXl,
    /// The CHPL tier between a prefix and a suffix, e.g. `Annex XL, CHPL Tier 1`.
    Chpl {
        /// Text before `CHPL Tier …`.
        prefix: &'static str,
        /// Text after it.
        suffix: &'static str,
    },
    /// What each unclassified control code is.
    OtherCodes,
    /// The Art. 12g annex the line probably falls under.
    Other12g(OtherAnnex),
    /// The Annex II sector its HS code names.
    Sector(Sector),
    /// The Annex II sector the shipment declares.
    DeclaredSector(Sector),
    /// What a CN-code annex says about the line's code.
    Annex(Annex, Verdict),
    /// A fixed text, then what a CN-code annex says about the line's code.
    TextAnnex(&'static str, Annex, Verdict),
}

impl Note {
    /// The text for `line`.
    pub fn render(&self, line: &Line) -> String {
        match self {
            Note::Empty => String::new(),
            Note::Text(text) => (*text).to_owned(),
            Note::Codes => codes(line, |c| c.is_eu_dual_use() || is_annex_vii(c)).join(", "),
            Note::AnnexViiXl => {
                let mut parts = codes(line, is_annex_vii);
                if let Some(tier) = chpl::tier(&line.hs_code()) {
                    parts.push(format!("CHPL {tier}"));
                }
                parts.join(", ")
            }
            Note::Chpl { prefix, suffix } => match chpl::tier(&line.hs_code()) {
                Some(tier) => format!("{prefix}CHPL {tier}{suffix}"),
                None => String::new(),
            },
            Note::OtherCodes => line
                .control_codes()
                .iter()
                .filter(|c| !c.is_eu_dual_use() && !is_annex_vii(c) && *c != ControlCode::Ear99)
                .map(|c| describe_other_code(&c))
                .collect::<Vec<_>>()
                .join("; "),
            Note::Other12g(annex) => annex.to_string(),
            Note::Sector(sector) => sector.to_string(),
            Note::DeclaredSector(sector) => format!("declared end-use sector: {sector}"),
            Note::Annex(annex, verdict) => verdict.describe(*annex, &line.hs_code()),
            Note::TextAnnex(text, annex, verdict) => {
                format!("{text}; {}", verdict.describe(*annex, &line.hs_code()))
            }
        }
    }
}

/// The line's control codes that `wanted` selects, in canonical form (Annex VII codes as
/// `X.A.I.001`).
fn codes(line: &Line, wanted: impl Fn(&ControlCode) -> bool) -> Vec<String> {
    line.control_codes()
        .iter()
        .filter(|c| wanted(c))
        .map(|c| match AnnexViiCode::from_control_code(&c) {
            Some(vii) => vii.to_string(),
            None => c.to_string(),
        })
        .collect()
}

/// What an unclassified control code is, for a message.
pub fn describe_other_code(code: &ControlCode) -> String {
    let shown = code.to_string();
    match code {
        ControlCode::Listed(_) => format!("{shown}: US-only ECCN, not in EU Annex I"),
        ControlCode::Military(_) => format!("{shown}: Common Military List item"),
        _ => format!("{shown}: not a recognised EU control code"),
    }
}

/// Lines picked for one finding, in document order.
#[derive(Debug, Clone, Default)]
pub struct Selection<'a> {
    picked: Vec<(Line<'a>, Note)>,
}

impl<'a> Selection<'a> {
    /// An empty selection.
    pub fn new() -> Selection<'a> {
        Selection { picked: Vec::new() }
    }

    /// Adds a line with its note.
    pub fn push(&mut self, line: Line<'a>, note: Note) {
        self.picked.push((line, note));
    }

    /// Whether nothing was picked.
    pub fn is_empty(&self) -> bool {
        self.picked.is_empty()
    }

    /// The picked lines.
    pub fn lines(&self) -> impl Iterator<Item = Line<'a>> + '_ {
        self.picked.iter().map(|(line, _)| *line)
    }

    /// The line numbers, for [`exportctl_sdk::Finding::lines`].
    pub fn numbers(&self) -> Vec<u32> {
        self.picked.iter().map(|(line, _)| line.number()).collect()
    }

    /// Splits into the lines `pred` holds for and the rest, keeping the order.
    pub fn partition(self, pred: impl Fn(&Line) -> bool) -> (Selection<'a>, Selection<'a>) {
        let (yes, no): (Vec<_>, Vec<_>) = self.picked.into_iter().partition(|(l, _)| pred(l));
        (Selection { picked: yes }, Selection { picked: no })
    }

    /// The lines for a message: `line 1 (8542.31, CHPL Tier 1), line 3 (8471.50)`, naming
    /// at most [`MAX_NAMED_LINES`] lines and counting the rest.
    pub fn describe(&self) -> String {
        let mut shown: Vec<String> = self
            .picked
            .iter()
            .take(MAX_NAMED_LINES)
            .map(|(line, note)| {
                let text = note.render(line);
                if text.is_empty() {
                    format!("line {} ({})", line.number(), line.hs_code())
                } else {
                    format!("line {} ({}, {text})", line.number(), line.hs_code())
                }
            })
            .collect();
        let rest = self.picked.len().saturating_sub(MAX_NAMED_LINES);
        if rest > 0 {
            shown.push(format!("and {rest} more lines"));
        }
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::HsCode;

    fn class(hs: &str, codes: &[&str]) -> Option<RuByClass> {
        let s = Doc::new("2024-06-03", "DE>RU")
            .hs(hs)
            .codes(codes)
            .shipment();
        LineFacts::of(s.lines().get(0).unwrap()).ru_by_class()
    }

    #[test]
    fn classes_follow_the_precedence() {
        assert_eq!(class("8542.31", &["3A001.a.2"]), Some(RuByClass::DualUse));
        assert_eq!(class("9403.60", &["5A002"]), Some(RuByClass::DualUse));
        assert_eq!(class("8542.31", &["3A991.a"]), Some(RuByClass::AnnexViiXl));
        assert_eq!(
            class("8471.30", &["X.A.II.001"]),
            Some(RuByClass::AnnexViiXl)
        );
        assert_eq!(
            class("8517.13", &["5A992.c"]),
            Some(RuByClass::Unclassified)
        );
        assert_eq!(class("8806.23", &["ML10"]), Some(RuByClass::Unclassified));
        assert_eq!(class("3926.90", &["PL5001"]), Some(RuByClass::Unclassified));
        assert_eq!(
            class("3926.90", &["X.Z.I.001"]),
            Some(RuByClass::Unclassified)
        );
        assert_eq!(class("3926.90", &["EAR99"]), Some(RuByClass::AnnexXxiii));
        assert_eq!(class("3926.90", &[]), Some(RuByClass::AnnexXxiii));
        assert_eq!(class("9403.60", &["EAR99"]), None);
        assert_eq!(class("4901.99", &[]), None);
    }

    /// The value of the longest pattern of `list` that `hs` matches, comparing every
    /// pattern: what the binary search of `HsList::lookup` must give.
    fn linear<T: Copy>(list: &exportctl_sdk::HsList<T>, hs: &HsCode) -> Option<T> {
        list.entries()
            .iter()
            .filter(|(pattern, _)| hs.matches(pattern))
            .max_by_key(|(pattern, _)| pattern.len())
            .map(|(_, value)| *value)
    }

    #[test]
    fn table_lookups_agree_with_matching_every_pattern_on_entries_and_neighbours() {
        let mut codes: Vec<String> = Vec::new();
        for (p, _) in chpl::CHPL.entries() {
            codes.push((*p).to_owned());
            codes.push(format!("{p}90"));
        }
        for (p, _) in tables::ANNEX_II_GROUNDED.entries() {
            codes.push(format!("{p:0<6}"));
            codes.push(format!("{:0<6}", &p[..2]));
        }
        let other_patterns = tables::ANNEX_XXIII_GROUNDED
            .entries()
            .iter()
            .map(|(p, _)| *p)
            .chain(
                tables::ART_12G_OTHER_GOODS
                    .entries()
                    .iter()
                    .map(|(p, _)| *p),
            );
        for p in other_patterns {
            codes.push(format!("{p:9<6}"));
            codes.push(format!("{p:0<8}"));
        }
        codes
            .extend(["940360", "490199", "880240", "930591", "852872", "730690"].map(String::from));
        for code in codes {
            let hs = HsCode::parse(&code).unwrap();
            assert_eq!(chpl::tier(&hs), linear(&chpl::CHPL, &hs), "{code}");
            assert_eq!(
                tables::ANNEX_II_GROUNDED.lookup(&hs).copied(),
                linear(&tables::ANNEX_II_GROUNDED, &hs),
                "{code}"
            );
            assert_eq!(
                tables::ANNEX_XXIII_GROUNDED.lookup(&hs).copied(),
                linear(&tables::ANNEX_XXIII_GROUNDED, &hs),
                "{code}"
            );
            assert_eq!(
                tables::ART_12G_OTHER_GOODS.lookup(&hs).copied(),
                linear(&tables::ART_12G_OTHER_GOODS, &hs),
                "{code}"
            );
        }
    }

    #[test]
    fn us_only_eccns_are_not_eu_dual_use() {
        let s = Doc::new("2024-06-03", "DE>RU")
            .codes(&["3A991.a", "0A501", "9A610", "9A515.x", "1C350", "EAR99"])
            .shipment();
        let facts = LineFacts::of(s.lines().get(0).unwrap());
        assert!(facts.eu_dual_use && facts.other_codes && !facts.annex_vii);
        assert_eq!(Note::Codes.render(&s.lines().get(0).unwrap()), "1C350");
        assert_eq!(
            Note::OtherCodes.render(&s.lines().get(0).unwrap()),
            "3A991.a: US-only ECCN, not in EU Annex I; 0A501: US-only ECCN, not in EU Annex I; \
             9A610: US-only ECCN, not in EU Annex I; 9A515.x: US-only ECCN, not in EU Annex I"
        );
    }

    #[test]
    fn control_codes_are_printed_as_the_lists_print_them() {
        let s = Doc::new("2024-06-03", "DE>RU")
            .codes(&["3a001.a.2", "ML13.D", "5A002", "x.a.i.001"])
            .shipment();
        let shown: Vec<String> = s
            .lines()
            .get(0)
            .unwrap()
            .control_codes()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(shown, ["3A001.a.2", "ML13.d", "5A002", "X.A.I.001"]);
    }

    #[test]
    fn notes_render_from_the_line() {
        let s = Doc::new("2024-06-03", "DE>RU")
            .hs("8542.31")
            .codes(&["x.a.i.001.a", "3A001"])
            .shipment();
        let line = &s.lines().get(0).unwrap();
        assert_eq!(Note::Codes.render(line), "X.A.I.001.a, 3A001");
        assert_eq!(Note::AnnexViiXl.render(line), "X.A.I.001.a, CHPL Tier 1");
        assert_eq!(
            Note::Chpl {
                prefix: "Annex XL, ",
                suffix: ""
            }
            .render(line),
            "Annex XL, CHPL Tier 1"
        );
        assert_eq!(Note::Text("plastics").render(line), "plastics");
        assert_eq!(Note::Empty.render(line), "");
    }

    #[test]
    fn describe_names_twenty_lines_and_counts_the_rest() {
        let mut doc = Doc::new("2024-06-03", "DE>RU");
        for n in 2..=25 {
            doc = doc.add_line(n, "8542.31", &[]);
        }
        let s = doc.shipment();
        let mut sel = Selection::new();
        for line in &s.lines() {
            sel.push(line, Note::Empty);
        }
        let text = sel.describe();
        assert!(
            text.starts_with("line 1 (9403.60), line 2 (8542.31)"),
            "{text}"
        );
        assert!(
            text.ends_with("line 20 (8542.31), and 5 more lines"),
            "{text}"
        );
        assert_eq!(sel.numbers().len(), 25);
        let (odd, even) = sel.partition(|l| l.number() % 2 == 1);
        assert_eq!(odd.numbers().len(), 13);
        assert_eq!(even.numbers()[..2], [2, 4]);
    }
}
