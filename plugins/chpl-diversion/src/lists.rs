//! The lists the policy relies on, each with the day from which it applied.
//!
//! The policy sees a diversion pattern (a CHPL line for Russia/Belarus, through them, or
//! to a transshipment point) on any law date from 24 Feb 2022; which list named the line on
//! that date decides how much the finding can rest on:
//!
//! | list | from | codes |
//! |---|---|---|
//! | FinCEN/BIS FIN-2022-Alert003 | 28 Jun 2022 | none (18 transshipment points, red flags) |
//! | FinCEN/BIS FIN-2023-Alert004 | 19 May 2023 | nine HS-6 codes |
//! | Annex XL of Reg. (EU) 833/2014 (Reg. (EU) 2023/2878) | 19 Dec 2023 | 45 codes: the CHPL of 23 Feb 2024 without five machine-tool codes |
//! | CHPL, version of 23 Feb 2024 | 23 Feb 2024 | 50 codes |
//! | Annex XL as replaced by Reg. (EU) 2024/1745 | 25 Jun 2024 | the same 50 codes |
//!
//! The two Annex XL versions are those of `policies/data/eu/annex_xl_*.csv` (checked by
//! a test against the files). CHPL versions before 23 Feb 2024 are not in the data.

use exportctl_sdk::chpl::{self, LIST_DATE};
use exportctl_sdk::{Date, HsCode};

/// The day Russia's full-scale invasion of Ukraine began: the policy's first day in force.
/// From this day the US controls of 15 CFR 746.8 were extended to Russia, and the red flags
/// the alerts describe (e.g. a consignee founded after it) are counted from it.
pub const INVASION: Date = Date::ymd(2022, 2, 24);

/// FinCEN/BIS joint alert FIN-2022-Alert003: the 18 common transshipment points.
pub const FIN_2022_ALERT003: Date = Date::ymd(2022, 6, 28);

/// Which goods a list names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codes {
    /// These HS-6 subheadings.
    Hs6(&'static [&'static str]),
    /// The CHPL of 23 Feb 2024 without these HS-6 subheadings.
    ChplWithout(&'static [&'static str]),
}

/// Who issued a list, which decides what a finding resting on it can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issuer {
    /// A US advisory (FinCEN/BIS alert): evidence of diversion risk, binding no one.
    UsAdvisory,
    /// The coalition's Common High Priority Items List, as BIS publishes it for 15 CFR 746.8.
    Chpl,
    /// Annex XL of Reg. (EU) 833/2014: law for persons the EU rules bind.
    EuAnnexXl,
}

/// One version of a list of HS codes, from the day it applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListVersion {
    /// The citation, e.g. `FinCEN/BIS FIN-2023-Alert004 (19 May 2023)`.
    pub citation: &'static str,
    /// The first day it applied.
    pub from: Date,
    /// Who issued it.
    pub issuer: Issuer,
    codes: Codes,
}

impl ListVersion {
    /// Whether the list names the HS-6 subheading of `hs`.
    pub fn covers(&self, hs: &HsCode) -> bool {
        match self.codes {
            Codes::Hs6(codes) => codes.contains(&hs.subheading()),
            Codes::ChplWithout(left_out) => {
                chpl::tier(hs).is_some() && !left_out.contains(&hs.subheading())
            }
        }
    }
}

/// The nine HS codes FIN-2023-Alert004 highlights (8548.10 of HS 2017 is 8548.00 in HS 2022).
pub const FIN_2023_ALERT004: ListVersion = ListVersion {
    citation: "FinCEN/BIS FIN-2023-Alert004 (19 May 2023)",
    from: Date::ymd(2023, 5, 19),
    issuer: Issuer::UsAdvisory,
    codes: Codes::Hs6(&[
        "854231", "854232", "854233", "854239", "851762", "852691", "853221", "853224", "854800",
    ]),
};

/// The five CNC machine-tool codes Reg. (EU) 2024/1745 added to Annex XL.
const ADDED_TO_ANNEX_XL_IN_2024: &[&str] = &["845710", "845811", "845891", "845961", "846693"];

/// Annex XL as inserted by Reg. (EU) 2023/2878 (in force 19 Dec 2023): 45 codes.
pub const ANNEX_XL_2023: ListVersion = ListVersion {
    citation: "Annex XL of Reg. (EU) 833/2014 as inserted by Reg. (EU) 2023/2878 (from 19 Dec 2023)",
    from: Date::ymd(2023, 12, 19),
    issuer: Issuer::EuAnnexXl,
    codes: Codes::ChplWithout(ADDED_TO_ANNEX_XL_IN_2024),
};

/// The CHPL version the policy embeds (23 Feb 2024): 50 codes.
pub const CHPL_2024: ListVersion = ListVersion {
    citation: "CHPL, version of 23 Feb 2024",
    from: LIST_DATE,
    issuer: Issuer::Chpl,
    codes: Codes::ChplWithout(&[]),
};

/// Annex XL as replaced by Reg. (EU) 2024/1745 (in force 25 Jun 2024): the 50 CHPL codes.
pub const ANNEX_XL_2024: ListVersion = ListVersion {
    citation: "Annex XL of Reg. (EU) 833/2014 as replaced by Reg. (EU) 2024/1745 (from 25 Jun 2024)",
    from: Date::ymd(2024, 6, 25),
    issuer: Issuer::EuAnnexXl,
    codes: Codes::ChplWithout(&[]),
};

/// Every list with codes, oldest first.
pub const LISTS: [ListVersion; 4] = [FIN_2023_ALERT004, ANNEX_XL_2023, CHPL_2024, ANNEX_XL_2024];

/// The lists in force on `date`, oldest first (of Annex XL, the version in force only).
pub fn in_force_on(date: Date) -> impl Iterator<Item = &'static ListVersion> {
    let xl = annex_xl_on(date);
    LISTS
        .iter()
        .filter(move |l| l.from <= date && (l.issuer != Issuer::EuAnnexXl || Some(*l) == xl))
}

/// The lists in force on `date` (the latest Annex XL version only) that name `hs`.
pub fn naming(hs: &HsCode, date: Date) -> Vec<&'static ListVersion> {
    in_force_on(date).filter(|l| l.covers(hs)).collect()
}

/// The Annex XL version in force on `date`, if any.
pub fn annex_xl_on(date: Date) -> Option<&'static ListVersion> {
    [&ANNEX_XL_2024, &ANNEX_XL_2023]
        .into_iter()
        .find(|l| l.from <= date)
}

/// The first list (of any issuer) that names `hs`, for saying what a later list shows
/// when nothing named it yet on the law date.
pub fn first_naming(hs: &HsCode) -> Option<&'static ListVersion> {
    LISTS.iter().find(|l| l.covers(hs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hs(code: &str) -> HsCode {
        HsCode::parse(code).unwrap()
    }

    /// The HS-6 codes of a `policies/data/eu/annex_xl_*.csv` file.
    fn codes_of(csv: &str) -> Vec<String> {
        let mut codes: Vec<String> = csv
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let digits = l.split(',').rev().nth(2).unwrap_or_default();
                digits.to_owned()
            })
            .collect();
        codes.sort();
        codes
    }

    fn codes_covered(list: &ListVersion) -> Vec<String> {
        let mut codes: Vec<String> = chpl::CHPL
            .entries()
            .iter()
            .map(|(p, _)| (*p).to_owned())
            .filter(|p| list.covers(&hs(p)))
            .collect();
        codes.sort();
        codes
    }

    #[test]
    fn annex_xl_versions_are_those_of_the_transcribed_annexes() {
        let v2023 = codes_of(include_str!(
            "../../../policies/data/eu/annex_xl_2023-12-19.csv"
        ));
        let v2024 = codes_of(include_str!(
            "../../../policies/data/eu/annex_xl_2024-06-25.csv"
        ));
        assert_eq!(v2023.len(), 45);
        assert_eq!(v2024.len(), 50);
        assert_eq!(codes_covered(&ANNEX_XL_2023), v2023);
        assert_eq!(codes_covered(&ANNEX_XL_2024), v2024);
        assert_eq!(codes_covered(&CHPL_2024), v2024);
    }

    #[test]
    fn alert004_names_nine_codes_all_on_the_chpl() {
        assert_eq!(codes_covered(&FIN_2023_ALERT004).len(), 9);
        assert!(FIN_2023_ALERT004.covers(&hs("8542.31.90")));
        assert!(!FIN_2023_ALERT004.covers(&hs("8482.10")));
    }

    #[test]
    fn lists_apply_from_their_dates() {
        let mcu = hs("8542.31");
        let names = |d| -> Vec<&str> { naming(&mcu, d).iter().map(|l| l.citation).collect() };
        assert!(names(Date::ymd(2023, 5, 18)).is_empty());
        assert_eq!(names(Date::ymd(2023, 5, 19)), [FIN_2023_ALERT004.citation]);
        assert_eq!(
            names(Date::ymd(2023, 12, 19)),
            [FIN_2023_ALERT004.citation, ANNEX_XL_2023.citation]
        );
        assert_eq!(
            names(Date::ymd(2024, 6, 25)),
            [
                FIN_2023_ALERT004.citation,
                CHPL_2024.citation,
                ANNEX_XL_2024.citation
            ]
        );
        let lathe = hs("8458.11");
        assert_eq!(naming(&lathe, Date::ymd(2024, 3, 1)), [&CHPL_2024]);
        assert_eq!(first_naming(&lathe), Some(&CHPL_2024));
        assert_eq!(first_naming(&mcu), Some(&FIN_2023_ALERT004));
        assert_eq!(annex_xl_on(Date::ymd(2023, 12, 18)), None);
    }
}
