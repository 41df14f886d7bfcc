//! The Commerce Control List (15 CFR 774 Supp. 1, eCFR issue of 2026-07-23), embedded at
//! build time, and how its licence-requirement rows apply to a classified line.
//!
//! Every ECCN carries a "Reason for Control" table: rows such as "NS applies to entire
//! entry → NS Column 1" or "RS applies to 5A992.z.2 → to or within the United Arab
//! Emirates or Country Groups D:1, D:4, D:5 …". `build.rs` turns each row into a
//! [`Control`]: the reason, the paragraphs it covers ([`Scope`]) and where it applies
//! ([`Target`]). A row whose coverage is not an exact list of the entry's own paragraphs
//! (technical parameters, end uses, "software for …") is [`Scope::Conditional`] and keeps
//! its text, so a finding can quote the condition instead of guessing it.

use exportctl_sdk::{ControlCode, Country, Line, ListedCode, ProductGroup};
use std::fmt;

/// The list version encoded, as cited in findings.
pub const LIST_VERSION: &str = "eCFR issue of 2026-07-23";

/// A reason for control (15 CFR 742, 746).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// National security.
    Ns,
    /// Nuclear nonproliferation.
    Np,
    /// Missile technology.
    Mt,
    /// Regional stability.
    Rs,
    /// Chemical and biological weapons.
    Cb,
    /// Crime control.
    Cc,
    /// Anti-terrorism.
    At,
    /// Firearms convention.
    Fc,
    /// United Nations sanctions.
    Un,
    /// Encryption items.
    Ei,
    /// Surreptitious listening.
    Sl,
    /// Chemical Weapons Convention.
    Cw,
    /// Significant items.
    Si,
    /// Russian industry sector sanctions (see 15 CFR 746.8).
    Ris,
}

impl Reason {
    /// The code as the CCL writes it: `NS`, `AT`, …; `RIS` for the Russian industry
    /// sector sanctions, which the CCL spells out.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Ns => "NS",
            Reason::Np => "NP",
            Reason::Mt => "MT",
            Reason::Rs => "RS",
            Reason::Cb => "CB",
            Reason::Cc => "CC",
            Reason::At => "AT",
            Reason::Fc => "FC",
            Reason::Un => "UN",
            Reason::Ei => "EI",
            Reason::Sl => "SL",
            Reason::Cw => "CW",
            Reason::Si => "SI",
            Reason::Ris => "RIS",
        }
    }
}

/// A column of the Commerce Country Chart (15 CFR 738 Supp. 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    /// CB Column 1.
    Cb1,
    /// CB Column 2.
    Cb2,
    /// CB Column 3.
    Cb3,
    /// NP Column 1.
    Np1,
    /// NP Column 2.
    Np2,
    /// NS Column 1.
    Ns1,
    /// NS Column 2.
    Ns2,
    /// MT Column 1.
    Mt1,
    /// RS Column 1.
    Rs1,
    /// RS Column 2.
    Rs2,
    /// FC Column 1.
    Fc1,
    /// CC Column 1.
    Cc1,
    /// CC Column 2.
    Cc2,
    /// CC Column 3.
    Cc3,
    /// AT Column 1.
    At1,
    /// AT Column 2.
    At2,
}

impl Column {
    /// Every column, in the order of the source table.
    pub const ALL: [Column; 16] = [
        Column::Cb1,
        Column::Cb2,
        Column::Cb3,
        Column::Np1,
        Column::Np2,
        Column::Ns1,
        Column::Ns2,
        Column::Mt1,
        Column::Rs1,
        Column::Rs2,
        Column::Fc1,
        Column::Cc1,
        Column::Cc2,
        Column::Cc3,
        Column::At1,
        Column::At2,
    ];

    /// The column as findings write it: `NS1`, `AT2`, …
    pub fn code(&self) -> &'static str {
        match self {
            Column::Cb1 => "CB1",
            Column::Cb2 => "CB2",
            Column::Cb3 => "CB3",
            Column::Np1 => "NP1",
            Column::Np2 => "NP2",
            Column::Ns1 => "NS1",
            Column::Ns2 => "NS2",
            Column::Mt1 => "MT1",
            Column::Rs1 => "RS1",
            Column::Rs2 => "RS2",
            Column::Fc1 => "FC1",
            Column::Cc1 => "CC1",
            Column::Cc2 => "CC2",
            Column::Cc3 => "CC3",
            Column::At1 => "AT1",
            Column::At2 => "AT2",
        }
    }

    /// The column's bit in [`Columns`]: its position in the source table.
    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A set of Country Chart columns (a row's marks), one bit per column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Columns(pub u16);

impl Columns {
    /// Whether the row has an X in `column`.
    pub fn contains(&self, column: Column) -> bool {
        self.0 & column.bit() != 0
    }

    /// The marked columns, in table order.
    pub fn iter(&self) -> impl Iterator<Item = Column> + '_ {
        Column::ALL.into_iter().filter(|c| self.contains(*c))
    }
}

/// A paragraph reference inside an ECCN, upper-case without the leading dot (`Z.1.A`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Para {
    /// The paragraph and everything under it.
    At(&'static str),
    /// A range of sibling paragraphs, both ends included (`A.1` to `A.3`, `G` to `J`).
    Range(&'static str, &'static str),
    /// The paragraph except the sub-paragraphs listed (`B` except `B.5`).
    AtExcept(&'static str, &'static [&'static str]),
}

/// Which paragraphs of its ECCN a row covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The entire entry.
    Entire,
    /// Only the listed paragraphs.
    Only(&'static [Para]),
    /// The entire entry except the listed paragraphs.
    Except(&'static [Para]),
    /// The entire entry except the listed paragraphs and further items the row's text
    /// describes (by use, parameters, …): the listed ones are excepted for certain.
    ExceptAndMore(&'static [Para]),
    /// Coverage the code cannot decide: technical parameters, end uses, items of other
    /// entries. The row's text says what.
    Conditional,
    /// Coverage the code cannot decide inside the listed paragraphs (the row's text gives
    /// the condition, e.g. "except … for use in civil telecommunications applications"),
    /// and none outside them: a line whose paragraph is elsewhere in the entry is not
    /// covered.
    Within(&'static [Para]),
}

/// Where a row requires a licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Wherever the destination's Country Chart row has an X in this column.
    Column(Column),
    /// Every destination (e.g. 742.6(a)(6)(iii)(A)).
    Worldwide,
    /// Macau and Country Group D:5.
    MacauOrD5,
    /// The United Arab Emirates and Country Groups D:1, D:4, D:5, except destinations also
    /// in A:5 or A:6.
    UaeOrD1D4D5NotA5A6,
    /// China, Russia and Venezuela (742.6(a)(7)).
    ChinaRussiaVenezuela,
    /// The listed destinations only (Iraq, Pakistan, North Korea).
    Countries(&'static [Country]),
    /// Every destination except Canada.
    AllExceptCanada,
    /// Every destination (738.3(a)(1), 742.13).
    AllDestinations,
    /// 15 CFR 746.8: judged by the Russia/Belarus rule.
    RussiaBelarus,
    /// 15 CFR 746.1(b) UN controls: the destinations whose Country Chart row carries
    /// footnote 1.
    UnSanctions,
    /// Another section decides (742.15 encryption, 742.18 CWC, 742.14 significant items, …);
    /// not encoded.
    Referred,
}

/// One licence-requirement row of an ECCN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    /// The reason for control.
    pub reason: Reason,
    /// The paragraphs covered.
    pub scope: Scope,
    /// Where a licence is required.
    pub target: Target,
    /// The row's text, kept only for [`Scope::Conditional`], [`Scope::ExceptAndMore`] and
    /// [`Scope::Within`] rows.
    pub text: &'static str,
    /// The section the row cites (`§ 742.6(a)(6)(iii)(B)`), or the source's words when it
    /// cites none; empty for Country Chart columns.
    pub cite: &'static str,
}

/// What kind of CCL entry an ECCN is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// An entry with licence-requirement rows.
    Listed,
    /// "These items are subject to the ITAR": not subject to the EAR.
    Itar,
    /// Short-supply controls (15 CFR part 754).
    ShortSupply,
    /// An entry whose licence requirements the source gives no rows for (reserved
    /// entries, the 0Y521 series, entries whose table the source lacks).
    NoRows,
}

/// One ECCN of the CCL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The five-character ECCN, e.g. `5A002`.
    pub eccn: &'static str,
    /// The ECCN packed for lookup: `category << 16 | product group << 10 | number`
    /// (A = 0 … E = 4), ordered like the text.
    pub key: u32,
    /// What kind of entry.
    pub kind: EntryKind,
    /// Reasons the entry's "Reason for Control" heading names but no row gives a column or
    /// destination for.
    pub unrowed: &'static [Reason],
    /// The licence-requirement rows.
    pub controls: &'static [Control],
}

include!(concat!(env!("OUT_DIR"), "/ccl_table.rs"));

/// The CCL entry of `code` (any paragraph), if the ECCN is on the list.
pub fn entry(code: &ListedCode) -> Option<&'static Entry> {
    // A number, not text: this runs for every code of every line in every rule.
    let group = match code.group {
        ProductGroup::A => 0,
        ProductGroup::B => 1,
        ProductGroup::C => 2,
        ProductGroup::D => 3,
        ProductGroup::E => 4,
    };
    let key = (u32::from(code.category) << 16) | (group << 10) | u32::from(code.number);
    CCL.binary_search_by_key(&key, |e| e.key)
        .ok()
        .and_then(|i| CCL.get(i))
}

/// Whether a row covers the line's paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// The row covers the paragraph.
    Yes,
    /// It may: the line gives no (or a broader) paragraph, or the row's coverage is
    /// conditional. The text says why, for the message.
    Maybe(String),
    /// It does not.
    No,
}

/// How far a row covers a line, without the explanation: cheap enough to ask for every
/// row of every line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Covers {
    /// The row covers the paragraph.
    Yes,
    /// It may.
    Maybe,
    /// It does not.
    No,
}

impl Control {
    /// Whether this row covers `code` (its paragraph, e.g. `.Z.1.A`), with the reason
    /// when it only may.
    pub fn covers(&self, code: &ListedCode) -> Coverage {
        match covers(self.scope, code) {
            Covers::Yes => Coverage::Yes,
            Covers::No => Coverage::No,
            Covers::Maybe => Coverage::Maybe(self.why(code)),
        }
    }

    /// Why this row only may cover `code`.
    pub fn why(&self, code: &ListedCode) -> String {
        why(
            self.scope,
            self.reason.code(),
            || format!("the row reads \"{}\"", self.text),
            code,
        )
    }
}

/// Whether `scope` covers `code`. `who` names the row in messages (`NS`, `footnote 10`);
/// `conditional` says why a [`Scope::Conditional`] may cover it.
pub fn scope_covers(scope: Scope, who: &str, conditional: &str, code: &ListedCode) -> Coverage {
    match covers(scope, code) {
        Covers::Yes => Coverage::Yes,
        Covers::No => Coverage::No,
        Covers::Maybe => Coverage::Maybe(why(scope, who, || conditional.to_owned(), code)),
    }
}

/// Whether `scope` covers `code`, without allocating.
pub fn covers(scope: Scope, code: &ListedCode) -> Covers {
    let paragraph = code.paragraph.trim_start_matches('.');
    let (paras, only) = match scope {
        Scope::Entire => return Covers::Yes,
        Scope::Conditional => return Covers::Maybe,
        Scope::Within(paras) => {
            // At the precision the line gives: a paragraph inside (or above) one the row
            // names may be covered; one beside them all is not.
            let inside = paragraph.is_empty()
                || paras
                    .iter()
                    .any(|p| para_covers(p, paragraph) != Covers::No);
            return if inside { Covers::Maybe } else { Covers::No };
        }
        Scope::ExceptAndMore(paras) => {
            let excepted = !paragraph.is_empty()
                && paras.iter().any(
                    |p| matches!(p, Para::At(at) if path_covers(at, paragraph) == Covers::Yes),
                );
            return if excepted { Covers::No } else { Covers::Maybe };
        }
        Scope::Only(paras) => (paras, true),
        Scope::Except(paras) => (paras, false),
    };
    if paragraph.is_empty() {
        return Covers::Maybe;
    }
    let best = paras
        .iter()
        .map(|p| para_covers(p, paragraph))
        .min()
        .unwrap_or(Covers::No);
    match (best, only) {
        (Covers::Yes, true) | (Covers::No, false) => Covers::Yes,
        (Covers::Yes, false) | (Covers::No, true) => Covers::No,
        (Covers::Maybe, _) => Covers::Maybe,
    }
}

/// Why `scope` only may cover `code`: the row's condition, or the paragraphs it lists and
/// the paragraph the line gives.
fn why(scope: Scope, who: &str, conditional: impl FnOnce() -> String, code: &ListedCode) -> String {
    let eccn = code.entry();
    let paragraph = code.paragraph.trim_start_matches('.');
    let listed = match scope {
        Scope::Only(paras) => format!("{who} applies only to {}", describe(&eccn, paras)),
        Scope::Except(paras) => format!(
            "{who} applies to the entire entry except {}",
            describe(&eccn, paras)
        ),
        Scope::Entire | Scope::ExceptAndMore(_) | Scope::Conditional | Scope::Within(_) => {
            return conditional();
        }
    };
    if paragraph.is_empty() {
        format!("{listed} and the line gives no paragraph")
    } else {
        let given = paragraph.to_ascii_lowercase();
        format!("{listed} and the line gives only .{given}")
    }
}

/// Whether paragraph reference `para` covers the line's `paragraph` (`Z.1.A`, no dot).
fn para_covers(para: &Para, paragraph: &str) -> Covers {
    match *para {
        Para::At(at) => path_covers(at, paragraph),
        Para::AtExcept(at, except) => match path_covers(at, paragraph) {
            Covers::Yes => except
                .iter()
                .map(|e| match path_covers(e, paragraph) {
                    // Inside an excepted sub-paragraph: not covered.
                    Covers::Yes => Covers::No,
                    Covers::Maybe => Covers::Maybe,
                    Covers::No => Covers::Yes,
                })
                .max()
                .unwrap_or(Covers::Yes),
            other => other,
        },
        Para::Range(from, to) => {
            let line: Vec<&str> = paragraph.split('.').collect();
            let from: Vec<&str> = from.split('.').collect();
            let to: Vec<&str> = to.split('.').collect();
            let depth = from.len();
            let parent = &from[..depth - 1];
            if line.len() < depth {
                // The line names the parent or something above it: the range may be a part.
                return if parent.starts_with(&line) {
                    Covers::Maybe
                } else {
                    Covers::No
                };
            }
            let (Some(first), Some(last), Some(own)) =
                (from.last(), to.last(), line.get(depth - 1))
            else {
                return Covers::No;
            };
            let in_range = order(first, own).is_le() && order(own, last).is_le();
            if line[..depth - 1] == *parent && in_range {
                Covers::Yes
            } else {
                Covers::No
            }
        }
    }
}

/// Whether the path `at` (`Z.1`) covers the line's `paragraph`: `Yes` if the line is at or
/// under it, `Maybe` if the line names only an ancestor of it, else `No`.
fn path_covers(at: &str, paragraph: &str) -> Covers {
    let under = |outer: &str, inner: &str| {
        inner == outer
            || inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.starts_with('.'))
    };
    if under(at, paragraph) {
        Covers::Yes
    } else if under(paragraph, at) {
        Covers::Maybe
    } else {
        Covers::No
    }
}

/// Orders paragraph components: numbers numerically, letters alphabetically.
fn order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u32>(), b.parse::<u32>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
    }
}

/// `5A992.z.1, .z.2`; `3B001.a.1 to .a.3`; `5A001.b (except .b.5)`.
fn describe(eccn: &str, paras: &[Para]) -> String {
    let dotted = |p: &str| format!(".{}", p.to_ascii_lowercase());
    let shown: Vec<String> = paras
        .iter()
        .map(|p| match p {
            Para::At(at) => dotted(at),
            Para::Range(from, to) => format!("{} to {}", dotted(from), dotted(to)),
            Para::AtExcept(at, except) => format!(
                "{} (except {})",
                dotted(at),
                except
                    .iter()
                    .map(|e| dotted(e))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect();
    format!("{eccn}{}", shown.join(", "))
}

/// The control codes of a line as the EAR reads them.
#[derive(Debug, Clone, Default)]
pub struct Classification {
    /// ECCN-shaped codes found on the CCL, with their entries.
    pub on_ccl: Vec<(ListedCode, &'static Entry)>,
    /// ECCN-shaped codes that are not on the CCL (a typo, or an EU-only entry).
    pub not_on_ccl: Vec<ListedCode>,
    /// The line is declared EAR99.
    pub ear99: bool,
}

impl Classification {
    /// Reads the line's control codes. Military List (`ML…`) and other codes are not EAR
    /// classifications and are ignored.
    pub fn of(line: Line<'_>) -> Classification {
        let mut c = Classification::default();
        for code in &line.control_codes() {
            match code {
                ControlCode::Listed(listed) => match entry(&listed) {
                    Some(e) => c.on_ccl.push((listed, e)),
                    None => c.not_on_ccl.push(listed),
                },
                ControlCode::Ear99 => c.ear99 = true,
                ControlCode::Military(_) | ControlCode::Other(_) => {}
            }
        }
        c
    }

    /// Whether the line is an item on the CCL (it has an ECCN that is on the list).
    pub fn is_ccl(&self) -> bool {
        !self.on_ccl.is_empty()
    }

    /// The ECCNs for a message: `5A002.A` is shown `5A002.a`.
    pub fn eccns(&self) -> String {
        self.on_ccl
            .iter()
            .map(|(code, _)| show(code))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The line's ECCNs that are on the CCL, with their entries.
pub fn ccl_codes(line: &Line<'_>) -> impl Iterator<Item = (ListedCode, &'static Entry)> {
    line.control_codes().filter_map(|code| match code {
        ControlCode::Listed(listed) => entry(&listed).map(|e| (listed, e)),
        _ => None,
    })
}

/// What a line is, for a message: `ECCN 5A002.a`, `EAR99, HTS 8471.30`,
/// `3A777 not on the CCL, HTS 8542.31` or `unclassified, HTS 8542.31`.
pub fn item(line: &Line) -> String {
    let class = Classification::of(*line);
    if class.is_ccl() {
        format!("ECCN {}", class.eccns())
    } else if class.ear99 {
        format!("EAR99, HTS {}", line.hs_code())
    } else if class.not_on_ccl.is_empty() {
        format!("unclassified, HTS {}", line.hs_code())
    } else {
        let codes: Vec<String> = class.not_on_ccl.iter().map(show).collect();
        format!(
            "{} not on the CCL, HTS {}",
            codes.join(", "),
            line.hs_code()
        )
    }
}

/// An ECCN as the CCL writes it: entry upper-case, paragraph lower-case (`5A992.c`).
pub fn show(code: &ListedCode) -> String {
    format!("{}{}", code.entry(), code.paragraph.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(text: &str) -> ListedCode {
        match ControlCode::parse(text) {
            ControlCode::Listed(l) => l,
            other => panic!("{text} parsed as {other:?}"),
        }
    }

    fn controls(eccn: &str) -> &'static [Control] {
        entry(&listed(eccn)).map(|e| e.controls).unwrap_or_default()
    }

    #[test]
    fn the_table_holds_the_whole_list_sorted() {
        assert_eq!(CCL.len(), 633);
        assert!(
            CCL.windows(2)
                .all(|w| w[0].eccn < w[1].eccn && w[0].key < w[1].key)
        );
        for e in CCL {
            assert_eq!(entry(&listed(e.eccn)).map(|f| f.eccn), Some(e.eccn));
        }
        assert!(entry(&listed("5A002.a.1")).is_some());
        assert!(entry(&listed("3A777")).is_none());
    }

    #[test]
    fn eccn_5a002_is_ns1_at1_with_encryption_referred() {
        let c = controls("5A002");
        assert!(c.contains(&Control {
            reason: Reason::Ns,
            scope: Scope::Entire,
            target: Target::Column(Column::Ns1),
            text: "",
            cite: ""
        }));
        assert!(
            c.iter()
                .any(|c| c.reason == Reason::At && c.target == Target::Column(Column::At1))
        );
        let ei = c.iter().find(|c| c.reason == Reason::Ei).unwrap();
        assert_eq!(ei.target, Target::Referred);
        assert_eq!(ei.cite, "§ 742.15");
    }

    #[test]
    fn eccn_3a991_is_anti_terrorism_only() {
        let c = controls("3A991");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].target, Target::Column(Column::At1));
        assert_eq!(c[0].scope, Scope::Entire);
    }

    #[test]
    fn paragraph_scopes_are_parsed_from_the_rows() {
        let c = controls("5A992");
        let z1 = c.iter().find(|c| c.target == Target::Worldwide).unwrap();
        assert_eq!(z1.scope, Scope::Only(&[Para::At("Z.1")]));
        assert_eq!(z1.cite, "§ 742.6(a)(6)(iii)(A)");
        let z2 = c
            .iter()
            .find(|c| c.target == Target::UaeOrD1D4D5NotA5A6)
            .unwrap();
        assert_eq!(z2.scope, Scope::Only(&[Para::At("Z.2")]));

        let ns2 = controls("0A606")
            .iter()
            .find(|c| c.target == Target::Column(Column::Ns2))
            .unwrap();
        assert_eq!(ns2.scope, Scope::Only(&[Para::At("B")]));
        let ns1 = controls("0A606")
            .iter()
            .find(|c| c.target == Target::Column(Column::Ns1))
            .unwrap();
        assert_eq!(ns1.scope, Scope::Except(&[Para::At("B"), Para::At("Y")]));

        let ns = controls("3B001");
        assert!(ns.iter().any(|c| c.scope
            == Scope::Only(&[
                Para::Range("A.1", "A.3"),
                Para::At("B"),
                Para::At("E"),
                Para::Range("F.2", "F.4"),
                Para::Range("G", "J"),
            ])));
        let ns2 = controls("5A001")
            .iter()
            .find(|c| c.target == Target::Column(Column::Ns2))
            .unwrap();
        assert_eq!(
            ns2.scope,
            Scope::Only(&[
                Para::AtExcept("B", &["B.5"]),
                Para::At("C"),
                Para::At("D"),
                Para::AtExcept("F", &["F.3"]),
                Para::At("G"),
                Para::At("J"),
            ])
        );
    }

    #[test]
    fn rows_that_are_not_paragraph_lists_stay_conditional_with_their_text() {
        let ns = controls("0A502")
            .iter()
            .find(|c| c.reason == Reason::Ns)
            .unwrap();
        assert_eq!(ns.scope, Scope::Conditional);
        assert!(
            ns.text.contains("barrel length less than 18 inches"),
            "{}",
            ns.text
        );
    }

    #[test]
    fn conditional_rows_naming_paragraphs_are_confined_to_them() {
        let row = |eccn: &str, reason: Reason| {
            controls(eccn)
                .iter()
                .find(|c| c.reason == reason && matches!(c.target, Target::Column(_)))
                .map(|c| c.scope)
        };
        let ns1 = controls("3A001")
            .iter()
            .find(|c| c.target == Target::Column(Column::Ns1))
            .unwrap();
        assert_eq!(
            ns1.scope,
            Scope::Within(&[Para::At("B.2"), Para::At("B.3")])
        );
        assert!(
            ns1.text.contains("civil telecommunications"),
            "{}",
            ns1.text
        );
        assert_eq!(ns1.covers(&listed("3A001.b.1.a")), Coverage::No);
        assert!(
            matches!(ns1.covers(&listed("3A001.b.2")), Coverage::Maybe(m) if m.contains("civil"))
        );
        assert!(matches!(ns1.covers(&listed("3A001.b")), Coverage::Maybe(_)));
        assert!(matches!(ns1.covers(&listed("3A001")), Coverage::Maybe(_)));
        assert_eq!(
            row("3A001", Reason::Mt),
            Some(Scope::Within(&[
                Para::At("A.1.A"),
                Para::At("A.5.A"),
                Para::At("Z.2")
            ]))
        );
        // ".16" continues "1C351.d.15"; "b (carbon …)" and "e.1" continue "1C010.a".
        assert_eq!(
            row("1C351", Reason::Cb),
            Some(Scope::Within(&[Para::At("D.15"), Para::At("D.16")]))
        );
        assert_eq!(
            row("1C010", Reason::Np),
            Some(Scope::Within(&[
                Para::At("A"),
                Para::At("B"),
                Para::At("E.1")
            ]))
        );
        // A clause with no paragraph of the entry ("spin-forming machines …") keeps the
        // row open; so does one that speaks of the entry as a whole.
        assert_eq!(row("2B009", Reason::Mt), Some(Scope::Conditional));
        assert_eq!(row("1B001", Reason::Np), Some(Scope::Conditional));
        assert_eq!(row("9D604", Reason::Mt), Some(Scope::Conditional));
    }

    #[test]
    fn exceptions_named_outright_hold_even_when_the_row_says_more() {
        let ns = controls("9A610")
            .iter()
            .find(|c| c.reason == Reason::Ns)
            .unwrap();
        assert_eq!(
            ns.scope,
            Scope::ExceptAndMore(&[Para::At("B"), Para::At("Y")])
        );
        assert_eq!(ns.covers(&listed("9A610.y.1")), Coverage::No);
        assert_eq!(ns.covers(&listed("9A610.b")), Coverage::No);
        assert!(
            matches!(ns.covers(&listed("9A610.x")), Coverage::Maybe(m) if m.contains("parts and components"))
        );
        assert!(matches!(ns.covers(&listed("9A610.a")), Coverage::Maybe(_)));
        // Paragraphs listed after another entry's code are that entry's: not read.
        let ns = controls("1D607")
            .iter()
            .find(|c| c.reason == Reason::Ns)
            .unwrap();
        assert_eq!(ns.scope, Scope::Conditional);
    }

    #[test]
    fn merged_and_single_cell_rows_are_read() {
        let c = controls("1A231");
        assert_eq!(
            c.iter().map(|c| c.target).collect::<Vec<_>>(),
            [Target::Column(Column::Np1), Target::Column(Column::At1)]
        );
        let c = controls("1C350");
        assert_eq!(c[0].target, Target::Column(Column::Cb2));
        assert_eq!(c[0].scope, Scope::Entire);
        let e = entry(&listed("1C350")).unwrap();
        assert_eq!(e.unrowed, &[Reason::Cw, Reason::At]);
    }

    #[test]
    fn destination_lists_named_by_the_eccn() {
        const PK: &[Country] = &[Country::from_bytes(*b"PK")];
        const KP: &[Country] = &[Country::from_bytes(*b"KP")];
        let t: Vec<Target> = controls("2B999").iter().map(|c| c.target).collect();
        assert!(t.contains(&Target::Countries(PK)));
        assert!(t.contains(&Target::Countries(KP)));
        assert!(
            controls("9A515")
                .iter()
                .any(|c| c.target == Target::ChinaRussiaVenezuela
                    && c.scope == Scope::Only(&[Para::At("Y")]))
        );
        assert!(
            controls("0A998")
                .iter()
                .any(|c| c.reason == Reason::Ris && c.target == Target::RussiaBelarus)
        );
        assert!(
            controls("0A606")
                .iter()
                .any(|c| c.reason == Reason::Un && c.target == Target::UnSanctions)
        );
    }

    #[test]
    fn entries_without_rows_are_classified() {
        let kind = |e: &str| entry(&listed(e)).map(|e| e.kind);
        assert_eq!(kind("9A005"), Some(EntryKind::Itar));
        assert_eq!(kind("1C980"), Some(EntryKind::ShortSupply));
        assert_eq!(kind("0A521"), Some(EntryKind::NoRows));
        let torture = entry(&listed("0A983")).unwrap();
        assert_eq!(torture.kind, EntryKind::Listed);
        assert_eq!(torture.controls[0].target, Target::AllDestinations);
        assert_eq!(torture.controls[0].reason, Reason::Cc);
    }

    #[test]
    fn coverage_of_paragraphs() {
        let only_z1 = Control {
            reason: Reason::Rs,
            scope: Scope::Only(&[Para::At("Z.1")]),
            target: Target::Worldwide,
            text: "",
            cite: "",
        };
        assert_eq!(only_z1.covers(&listed("5A992.z.1")), Coverage::Yes);
        assert_eq!(only_z1.covers(&listed("5A992.z.1.a")), Coverage::Yes);
        assert_eq!(only_z1.covers(&listed("5A992.c")), Coverage::No);
        assert_eq!(only_z1.covers(&listed("5A992.z.2")), Coverage::No);
        assert!(
            matches!(only_z1.covers(&listed("5A992.z")), Coverage::Maybe(m) if m.contains("gives only .z"))
        );
        assert!(
            matches!(only_z1.covers(&listed("5A992")), Coverage::Maybe(m)
            if m == "RS applies only to 5A992.z.1 and the line gives no paragraph")
        );

        let except_y = Control {
            scope: Scope::Except(&[Para::At("Y")]),
            ..only_z1
        };
        assert_eq!(except_y.covers(&listed("0A501.a")), Coverage::Yes);
        assert_eq!(except_y.covers(&listed("0A501.y.1")), Coverage::No);
        assert!(matches!(
            except_y.covers(&listed("0A501")),
            Coverage::Maybe(_)
        ));

        let range = Control {
            scope: Scope::Only(&[Para::Range("A.1", "A.3"), Para::Range("G", "J")]),
            ..only_z1
        };
        assert_eq!(range.covers(&listed("3B001.a.2")), Coverage::Yes);
        assert_eq!(range.covers(&listed("3B001.a.3.b")), Coverage::Yes);
        assert_eq!(range.covers(&listed("3B001.a.4")), Coverage::No);
        assert_eq!(range.covers(&listed("3B001.h")), Coverage::Yes);
        assert_eq!(range.covers(&listed("3B001.k")), Coverage::No);
        assert!(matches!(
            range.covers(&listed("3B001.a")),
            Coverage::Maybe(_)
        ));

        let nested = Control {
            scope: Scope::Only(&[Para::AtExcept("B", &["B.5"])]),
            ..only_z1
        };
        assert_eq!(nested.covers(&listed("5A001.b.1")), Coverage::Yes);
        assert_eq!(nested.covers(&listed("5A001.b.5")), Coverage::No);
        assert!(matches!(
            nested.covers(&listed("5A001.b")),
            Coverage::Maybe(_)
        ));
    }

    #[test]
    fn classification_reads_eccns_and_ear99_and_ignores_other_lists() {
        let s = <crate::testing::Doc as crate::testing::DocExt>::us(
            "2024-06-03",
            "DE",
            &["5A002.a", "3A777", "ML10", "EAR99"],
        )
        .shipment();
        let c = Classification::of(s.lines().get(0).unwrap());
        assert!(c.is_ccl());
        assert_eq!(c.eccns(), "5A002.a");
        assert_eq!(c.not_on_ccl.len(), 1);
        assert!(c.ear99);
    }
}
