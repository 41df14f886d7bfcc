//! The CN-code annexes of Reg. (EU) 833/2014 (XI, XX, XXIII with XXIIIA-D, XXXVII, XL),
//! every transcribed version with the days it applied, embedded at build time from
//! `policies/data/eu/` (see its `SOURCE.md` and `index.csv`).
//!
//! An annex entry is a CN chapter, heading, subheading or 8-digit code; an `ex` entry
//! covers only the goods its description names. A shipment's code (HS-6, CN-8 or
//! TARIC-10) is matched at the precision both give ([`AnnexVersion::judge`]): a code
//! under a whole entry is listed; a code under an `ex` entry, or a code less precise than
//! an entry beneath it (an HS-6 code against an 8-digit entry), cannot be decided from
//! the code alone.
//!
//! What is missing from the data ([`MISSING`]): Annex XXIII as replaced by Reg. (EU)
//! 2025/395 (from 25 Feb 2025). Versions open at the end (`until: None`) were checked up
//! to Reg. (EU) 2025/395; later amendments (2025/981 and after) were not checked.

use exportctl_sdk::{Date, HsCode};
use std::fmt;

/// A CN-code annex of Reg. (EU) 833/2014.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Annex {
    /// Aviation and space goods (chapter 88 and more), Art. 3c; transit ban from 23 Jun 2023.
    Xi,
    /// Jet fuel and fuel additives, Art. 3c; transit ban from 23 Jun 2023.
    Xx,
    /// Goods that could enhance Russia's industrial capacities, Art. 3k.
    Xxiii,
    /// Art. 3k(3aa) list (wind-down for earlier contracts).
    Xxiiia,
    /// Art. 3k(3ab) list.
    Xxiiib,
    /// Art. 3k(3ad) list.
    Xxiiic,
    /// Art. 3k(3ag) list.
    Xxiiid,
    /// Industrial goods whose transit via Russia is banned, Art. 3k(1a).
    Xxxvii,
    /// Common high-priority items, Art. 2a and 12g.
    Xl,
}

impl fmt::Display for Annex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Annex::Xi => "Annex XI",
            Annex::Xx => "Annex XX",
            Annex::Xxiii => "Annex XXIII",
            Annex::Xxiiia => "Annex XXIIIA",
            Annex::Xxiiib => "Annex XXIIIB",
            Annex::Xxiiic => "Annex XXIIIC",
            Annex::Xxiiid => "Annex XXIIID",
            Annex::Xxxvii => "Annex XXXVII",
            Annex::Xl => "Annex XL",
        })
    }
}

/// One row of an annex version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnexEntry {
    /// The digits padded with zeros to eight, times 16, plus the number of digits: entries
    /// sorted by key are sorted by digits, and a lookup compares integers.
    pub key: u64,
    /// The CN digits: 2, 4, 6 or 8 of them.
    pub digits: &'static str,
    /// Whether it is an `ex` entry, covering only the goods described.
    pub ex: bool,
    /// The code as the Regulation prints it, e.g. `8429 52` or `Ex 2804`.
    pub printed: &'static str,
    /// For an `ex` entry, the goods it covers (as transcribed); empty otherwise.
    pub goods: &'static str,
}

/// One version of an annex: its entries and the days it applied.
#[derive(Debug, Clone, Copy)]
pub struct AnnexVersion {
    /// Which annex.
    pub annex: Annex,
    /// The data file, under `policies/data/eu/`.
    pub file: &'static str,
    /// First day it applied (the amending Regulation's entry into force).
    pub from: Date,
    /// Last day it applied; `None` when no later change was found in the acts checked.
    pub until: Option<Date>,
    /// The Regulation that created this version.
    pub regulation: &'static str,
    /// Bit `c` is set when a row is in chapter `c`: most codes are decided by this alone.
    pub chapters: u128,
    /// Its rows, sorted by digits.
    pub entries: &'static [AnnexEntry],
}

/// Versions are the same when they come from the same file (the index names each file
/// once): comparing the entries would cost a comparison per row.
impl PartialEq for AnnexVersion {
    fn eq(&self, other: &AnnexVersion) -> bool {
        self.file == other.file
    }
}

impl Eq for AnnexVersion {}

/// What an annex version says about a shipment's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The code falls under a whole (non-`ex`) entry: listed.
    Listed(&'static AnnexEntry),
    /// The code falls under an `ex` entry only: listed if the goods are those described.
    ExEntry(&'static AnnexEntry),
    /// The code is less precise than an entry beneath it (e.g. HS-6 against an 8-digit
    /// entry): the code cannot decide.
    TooCoarse(&'static AnnexEntry),
}

impl AnnexVersion {
    /// Whether the version applies on `date`.
    pub fn applies_on(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|u| date <= u)
    }

    /// How `hs` stands against this version; `None` when no entry concerns it. The
    /// entries are sorted by digits (`build.rs`), so this is a few binary searches: one
    /// per prefix of the code (chapter, heading, subheading, CN code) and one for the
    /// entries beneath it.
    pub fn judge(&self, hs: &HsCode) -> Option<Verdict> {
        if !self.lists_codes_in_chapter(hs.chapter()) {
            return None;
        }
        let code = hs.as_str();
        let len = code.len().min(8);
        let padded = padded_key(&code[..len]);
        let mut best: Option<Verdict> = None;
        for prefix_len in [2, 4, 6, 8].into_iter().filter(|l| *l <= len) {
            let key = padded_key(&code[..prefix_len]) * 16 + prefix_len as u64;
            for entry in self.entries_from(key).take_while(|e| e.key == key) {
                let verdict = if entry.ex {
                    Verdict::ExEntry(entry)
                } else {
                    Verdict::Listed(entry)
                };
                if best.is_none_or(|b| rank(verdict) > rank(b)) {
                    best = Some(verdict);
                }
            }
        }
        if best.is_some() || code.len() >= 8 {
            return best;
        }
        // Entries beneath a code of fewer than eight digits share its padded digits up to
        // its length: keys from `padded` to `padded` + 10^(8 - len) - 1.
        let span = 10u64.pow(8 - len as u32);
        self.entries_from(padded * 16)
            .take_while(|e| e.key < (padded + span) * 16)
            .find(|e| e.digits.len() > code.len())
            .map(Verdict::TooCoarse)
    }

    /// The entries from the first whose key is not below `key`, in order.
    fn entries_from(&self, key: u64) -> impl Iterator<Item = &'static AnnexEntry> {
        let entries: &'static [AnnexEntry] = self.entries;
        let start = entries.partition_point(|e| e.key < key);
        entries[start..].iter()
    }

    /// Whether the version lists any code of `chapter` (two digits).
    pub fn lists_codes_in_chapter(&self, chapter: &str) -> bool {
        chapter
            .parse::<u32>()
            .is_ok_and(|c| c < 128 && self.chapters & (1u128 << c) != 0)
    }

    /// `Annex XXIII as applying from 2024-06-25 (Council Regulation (EU) 2024/1745)`.
    pub fn citation(&self) -> String {
        format!(
            "{} of Reg. (EU) 833/2014, version applying from {} ({})",
            self.annex,
            self.from,
            self.regulation.replace("Council Regulation", "Reg.")
        )
    }
}

/// Up to eight digits, padded with zeros to eight, as a number (what [`AnnexEntry::key`]
/// is built from).
fn padded_key(digits: &str) -> u64 {
    digits
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(8)
        .fold(0, |n, b| n * 10 + u64::from(b - b'0'))
}

fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Listed(_) => 2,
        Verdict::ExEntry(_) => 1,
        Verdict::TooCoarse(_) => 0,
    }
}

impl Verdict {
    /// The entry concerned.
    pub fn entry(&self) -> &'static AnnexEntry {
        match self {
            Verdict::Listed(e) | Verdict::ExEntry(e) | Verdict::TooCoarse(e) => e,
        }
    }

    /// What the verdict means for a message about a line of code `hs`, e.g. `Annex XXIII
    /// lists `8429 52`` or that a 6-digit code cannot decide an 8-digit entry.
    pub fn describe(&self, annex: Annex, hs: &HsCode) -> String {
        match self {
            Verdict::Listed(e) => format!("{annex} lists `{}`", e.printed),
            Verdict::ExEntry(e) => format!(
                "{annex} lists `{}` only for: {}; check whether the goods are these",
                e.printed, e.goods
            ),
            Verdict::TooCoarse(e) => format!(
                "{annex} lists `{}`{}, more precise than the line's code: a {}-digit code cannot decide it, give \
                 the {}-digit CN code",
                e.printed,
                if e.ex { " (an ex entry)" } else { "" },
                hs.as_str().len(),
                e.digits.len()
            ),
        }
    }
}

/// A part of the annex data known to be missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing {
    /// Which annex.
    pub annex: Annex,
    /// From when the missing version applies.
    pub from: Date,
    /// What is missing, for a message.
    pub what: &'static str,
}

/// The missing parts: Annex XXIII as replaced by Reg. (EU) 2025/395.
pub const MISSING: &[Missing] = &[Missing {
    annex: Annex::Xxiii,
    from: Date::ymd(2025, 2, 25),
    what: "Annex XXIII as replaced by Reg. (EU) 2025/395 (applying from 25 Feb 2025) is not transcribed in the \
           policy's data",
}];

/// The version of `annex` applying on `date`, if the data hold one.
pub fn version_on(annex: Annex, date: Date) -> Option<&'static AnnexVersion> {
    ANNEX_VERSIONS
        .iter()
        .find(|v| v.annex == annex && v.applies_on(date))
}

/// The missing version of `annex` applying on `date`, if that is what the data lack.
pub fn missing_on(annex: Annex, date: Date) -> Option<&'static Missing> {
    MISSING
        .iter()
        .filter(|m| m.annex == annex && m.from <= date)
        .max_by_key(|m| m.from)
        .filter(|_| version_on(annex, date).is_none())
}

/// The last version of `annex` the data hold that applied before `date`.
pub fn last_before(annex: Annex, date: Date) -> Option<&'static AnnexVersion> {
    ANNEX_VERSIONS
        .iter()
        .filter(|v| v.annex == annex && v.from < date)
        .max_by_key(|v| v.from)
}

include!(concat!(env!("OUT_DIR"), "/eu_annexes.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    fn hs(code: &str) -> HsCode {
        HsCode::parse(code).unwrap()
    }

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::ymd(y, m, day)
    }

    #[test]
    fn every_annex_version_of_the_index_is_embedded_and_versions_do_not_overlap() {
        let index = include_str!("../../../policies/data/eu/index.csv");
        assert_eq!(
            ANNEX_VERSIONS.len(),
            index.lines().skip(1).filter(|l| !l.is_empty()).count()
        );
        for a in ANNEX_VERSIONS {
            for b in ANNEX_VERSIONS {
                if a.annex == b.annex && a.file != b.file {
                    assert!(!a.applies_on(b.from), "{} overlaps {}", a.file, b.file);
                }
            }
        }
        assert_eq!(version_on(Annex::Xxiii, d(2022, 4, 8)), None);
        assert_eq!(
            version_on(Annex::Xxiii, d(2022, 4, 9))
                .unwrap()
                .entries
                .len(),
            672
        );
        assert_eq!(
            version_on(Annex::Xxiii, d(2025, 2, 24))
                .unwrap()
                .entries
                .len(),
            501
        );
        assert_eq!(version_on(Annex::Xxiii, d(2025, 2, 25)), None);
        assert!(missing_on(Annex::Xxiii, d(2025, 2, 25)).is_some());
        assert!(missing_on(Annex::Xxiii, d(2025, 2, 24)).is_none());
        assert!(missing_on(Annex::Xxxvii, d(2026, 1, 1)).is_none());
        assert_eq!(
            version_on(Annex::Xi, d(2026, 12, 2)).unwrap().entries.len(),
            17
        );
    }

    #[test]
    fn codes_match_at_the_precision_both_give() {
        let v = version_on(Annex::Xxiii, d(2024, 7, 1)).unwrap();
        // Heading 8429 is listed whole: HS-6 and CN-8 codes under it are listed.
        assert!(matches!(v.judge(&hs("8429.52")), Some(Verdict::Listed(e)) if e.printed == "8429"));
        assert!(matches!(
            v.judge(&hs("8429.52.10")),
            Some(Verdict::Listed(_))
        ));
        // Ex 2804 covers only some goods of the heading.
        assert!(matches!(v.judge(&hs("2804.61")), Some(Verdict::ExEntry(e)) if e.ex));
        // Printed books are not listed.
        assert_eq!(v.judge(&hs("4901.99")), None);
        // Annex XI 2023: ex 2710 19 83 is an 8-digit ex entry; HS-6 2710.19 cannot decide it.
        let xi = version_on(Annex::Xi, d(2023, 7, 1)).unwrap();
        assert!(
            matches!(xi.judge(&hs("2710.19")), Some(Verdict::TooCoarse(e)) if e.digits.len() == 8)
        );
        assert!(matches!(
            xi.judge(&hs("2710.19.83")),
            Some(Verdict::ExEntry(_))
        ));
        assert_eq!(xi.judge(&hs("2710.19.43")), None);
        assert!(matches!(xi.judge(&hs("8807.30")), Some(Verdict::Listed(e)) if e.printed == "88"));
    }

    #[test]
    fn annex_xi_grew_from_chapter_88_alone() {
        let first = version_on(Annex::Xi, d(2022, 2, 26)).unwrap();
        assert_eq!(first.entries.len(), 1);
        assert_eq!(first.judge(&hs("4011.30.00")), None);
        let later = version_on(Annex::Xi, d(2022, 10, 7)).unwrap();
        assert!(matches!(
            later.judge(&hs("4011.30.00")),
            Some(Verdict::Listed(_))
        ));
        // The entry is the 8-digit 4011 30 00: an HS-6 code cannot decide it.
        let coarse = later.judge(&hs("4011.30")).unwrap();
        assert!(matches!(coarse, Verdict::TooCoarse(_)));
        assert!(
            coarse
                .describe(later.annex, &hs("4011.30"))
                .contains("a 6-digit code cannot decide it, give the 8-digit CN code")
        );
    }

    /// What `judge` must give: every entry compared with the code.
    fn linear(v: &AnnexVersion, hs: &HsCode) -> Option<Verdict> {
        let code = hs.as_str();
        let mut best: Option<Verdict> = None;
        for entry in v.entries {
            let verdict = if code.starts_with(entry.digits) {
                if entry.ex {
                    Verdict::ExEntry(entry)
                } else {
                    Verdict::Listed(entry)
                }
            } else if entry.digits.starts_with(code) {
                Verdict::TooCoarse(entry)
            } else {
                continue;
            };
            if best.is_none_or(|b| rank(verdict) > rank(b)) {
                best = Some(verdict);
            }
        }
        best
    }

    #[test]
    fn judge_agrees_with_comparing_every_entry() {
        for v in ANNEX_VERSIONS {
            let mut codes: Vec<String> = Vec::new();
            for e in v.entries {
                codes.push(format!("{:0<6}", e.digits));
                codes.push(format!("{:0<8}", e.digits));
                codes.push(format!("{:9<6}", e.digits));
                codes.push(format!("{:9<10}", e.digits));
                if e.digits.len() >= 6 {
                    codes.push(e.digits[..6].to_owned());
                }
            }
            codes.extend(["490199", "940360", "01012100"].map(String::from));
            for code in codes {
                let hs = hs(&code);
                let (fast, slow) = (v.judge(&hs), linear(v, &hs));
                // Equal rank and, for decided verdicts, the same kind of entry.
                assert_eq!(fast.map(rank), slow.map(rank), "{} {code}", v.file);
                assert_eq!(fast.is_some(), slow.is_some(), "{} {code}", v.file);
            }
            assert!(
                v.entries.windows(2).all(|w| w[0].digits <= w[1].digits),
                "{}",
                v.file
            );
        }
    }
}
