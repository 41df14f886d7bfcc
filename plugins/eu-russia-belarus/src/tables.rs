//! The policy's own HS tables, generated at build time from `policies/data/eu/*.csv`
//! (see `policies/data/eu/SOURCE.md` for how each is grounded). Each is a grounded part
//! or an approximation of an annex, never the annex itself; the findings say so.

use exportctl_sdk::HsList;
use std::fmt;

/// A key sector of Annex II of Reg. (EU) 692/2014 (and Art. 4 of Reg. (EU) 2022/263).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sector {
    /// Transport.
    Transport,
    /// Telecommunications.
    Telecommunications,
    /// Energy.
    Energy,
    /// The prospection, exploration and production of oil, gas and mineral resources.
    OilGasMinerals,
}

impl fmt::Display for Sector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sector::Transport => "transport",
            Sector::Telecommunications => "telecommunications",
            Sector::Energy => "energy",
            Sector::OilGasMinerals => {
                "oil, gas and mineral prospection, exploration and production"
            }
        })
    }
}

/// The Art. 12g goods other than Annex XL that the policy can approximate by HS code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OtherAnnex {
    /// Annex XI of Reg. (EU) 833/2014, aviation and space goods (HS chapter 88).
    XiAviation,
    /// Annex I of Reg. (EU) 258/2012, firearms and ammunition (HS 9302, 9303, 9305, 9306).
    Firearms,
}

impl fmt::Display for OtherAnnex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OtherAnnex::XiAviation => "probably Annex XI aviation and space goods (HS chapter 88)",
            OtherAnnex::Firearms => {
                "probably firearms or ammunition of Annex I to Reg. (EU) 258/2012"
            }
        })
    }
}

include!(concat!(env!("OUT_DIR"), "/eu_tables.rs"));

#[cfg(test)]
mod tests {
    use super::*;
    use exportctl_sdk::HsCode;

    fn hs(code: &str) -> HsCode {
        HsCode::parse(code).unwrap()
    }

    /// Each table has as many entries as its CSV has rows.
    #[test]
    fn tables_match_their_files() {
        for (csv, len) in [
            (
                include_str!("../../../policies/data/eu/crimea_annex_ii_grounded_hs2022.csv"),
                ANNEX_II_GROUNDED.entries().len(),
            ),
            (
                include_str!("../../../policies/data/eu/annex_xxiii_grounded_hs2022.csv"),
                ANNEX_XXIII_GROUNDED.entries().len(),
            ),
            (
                include_str!("../../../policies/data/eu/art12g_other_goods_hs2022.csv"),
                ART_12G_OTHER_GOODS.entries().len(),
            ),
        ] {
            let rows = csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
            assert_eq!(rows, len);
        }
    }

    #[test]
    fn annex_ii_sectors_follow_the_hs_descriptions() {
        let cases = [
            ("8601.10", Some(Sector::Transport)),
            ("8802.40", Some(Sector::Transport)),
            ("8411.12", Some(Sector::Transport)),
            ("8411.82", Some(Sector::Energy)),
            ("8517.61", Some(Sector::Telecommunications)),
            ("8544.70", Some(Sector::Telecommunications)),
            ("8502.31", Some(Sector::Energy)),
            ("7304.22", Some(Sector::OilGasMinerals)),
            ("8905.20", Some(Sector::OilGasMinerals)),
            ("8905.10", Some(Sector::Transport)),
            ("8517.13", None),
            ("8544.42", None),
            ("8474.31", None),
            ("9403.60", None),
        ];
        for (code, sector) in cases {
            assert_eq!(
                ANNEX_II_GROUNDED.lookup(&hs(code)).copied(),
                sector,
                "{code}"
            );
        }
    }

    #[test]
    fn annex_xxiii_kinds_exclude_textiles_and_books() {
        assert_eq!(
            ANNEX_XXIII_GROUNDED.lookup(&hs("3926.90")),
            Some(&"plastics")
        );
        assert_eq!(
            ANNEX_XXIII_GROUNDED.lookup(&hs("2804.61")),
            Some(&"chemicals")
        );
        assert_eq!(
            ANNEX_XXIII_GROUNDED.lookup(&hs("8429.52")),
            Some(&"excavating machinery")
        );
        assert_eq!(
            ANNEX_XXIII_GROUNDED.lookup(&hs("8528.52")),
            Some(&"monitors")
        );
        assert_eq!(
            ANNEX_XXIII_GROUNDED.lookup(&hs("8528.72")),
            Some(&"electrical equipment")
        );
        for code in ["5407.10", "6307.90", "4901.99", "9403.60", "8471.30"] {
            assert_eq!(ANNEX_XXIII_GROUNDED.lookup(&hs(code)), None, "{code}");
        }
    }

    #[test]
    fn art_12g_other_goods() {
        assert_eq!(
            ART_12G_OTHER_GOODS.lookup(&hs("8806.21")),
            Some(&OtherAnnex::XiAviation)
        );
        assert_eq!(
            ART_12G_OTHER_GOODS.lookup(&hs("9303.30")),
            Some(&OtherAnnex::Firearms)
        );
        assert_eq!(
            ART_12G_OTHER_GOODS.lookup(&hs("9306.30")),
            Some(&OtherAnnex::Firearms)
        );
        assert_eq!(
            ART_12G_OTHER_GOODS.lookup(&hs("9305.91")),
            None,
            "military parts"
        );
        assert_eq!(
            ART_12G_OTHER_GOODS.lookup(&hs("9306.90")),
            None,
            "munitions of war"
        );
    }
}
