//! Export control list entries: EU dual-use codes and US ECCNs, EAR99 and the EU
//! Common Military List.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One control-list classification given on a shipment line.
///
/// ```
/// use exportctl_sdk::{ControlCode, ProductGroup};
/// let code = ControlCode::parse("3a001.a.2");
/// let ControlCode::Listed(entry) = &code else { unreachable!() };
/// assert_eq!((entry.category, entry.group, entry.number), (3, ProductGroup::A, 1));
/// assert!(code.is_dual_use());
/// assert!(ControlCode::parse("ML10").is_military());
/// assert_eq!(ControlCode::parse("EAR99"), ControlCode::Ear99);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ControlCode {
    /// An entry of the form category + product group + three digits (EU Annex I of
    /// Reg. (EU) 2021/821, or a US ECCN of the Commerce Control List).
    Listed(ListedCode),
    /// US EAR99: subject to the EAR but not on the Commerce Control List.
    Ear99,
    /// An entry of the EU Common Military List, ML1 to ML22.
    Military(MilitaryCode),
    /// Any other text (a national list code, a typo); kept as given, upper-cased.
    Other(String),
}

/// Product group of a dual-use entry (the letter after the category digit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ProductGroup {
    /// Systems, equipment and components.
    A,
    /// Test, inspection and production equipment.
    B,
    /// Materials.
    C,
    /// Software.
    D,
    /// Technology.
    E,
}

/// The multilateral regime an entry implements, from the first of its three digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Regime {
    /// 0xx: Wassenaar Arrangement.
    Wassenaar,
    /// 1xx: Missile Technology Control Regime.
    Mtcr,
    /// 2xx: Nuclear Suppliers Group.
    Nsg,
    /// 3xx: Australia Group.
    AustraliaGroup,
    /// 4xx: Chemical Weapons Convention.
    Cwc,
    /// 5xx, 6xx, 9xx and others: US-only entries (0x5zz, 600 series, 9x515, anti-terrorism).
    UsOnly,
}

/// A dual-use entry such as `3A001.a.2` or a US ECCN such as `5A992.c`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ListedCode {
    /// Category 0–9 (0 nuclear … 9 aerospace).
    pub category: u8,
    /// Product group A–E.
    pub group: ProductGroup,
    /// The three digits, 0–999.
    pub number: u16,
    /// Any sub-paragraph after the five characters, e.g. `.a.2`; upper-cased.
    pub paragraph: String,
}

/// An EU Common Military List entry, e.g. `ML13.d`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MilitaryCode {
    /// The item number, 1–22.
    pub item: u8,
    /// Any sub-paragraph, e.g. `.d`; upper-cased.
    pub paragraph: String,
}

impl ControlCode {
    /// Classifies a code as written on a shipment. Never fails: text that is not a
    /// recognised shape becomes [`ControlCode::Other`].
    pub fn parse(text: &str) -> ControlCode {
        let upper = text.trim().to_ascii_uppercase();
        if upper == "EAR99" {
            return ControlCode::Ear99;
        }
        if let Some(rest) = upper.strip_prefix("ML") {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if let Ok(item) = rest[..digits].parse::<u8>()
                && (1..=22).contains(&item)
                && digits <= 2
                && is_paragraph(&rest[digits..])
            {
                return ControlCode::Military(MilitaryCode {
                    item,
                    paragraph: rest[digits..].to_owned(),
                });
            }
            return ControlCode::Other(upper);
        }
        let b = upper.as_bytes();
        if b.len() >= 5
            && b[0].is_ascii_digit()
            && b[2..5].iter().all(u8::is_ascii_digit)
            && is_paragraph(&upper[5..])
        {
            let group = match b[1] {
                b'A' => Some(ProductGroup::A),
                b'B' => Some(ProductGroup::B),
                b'C' => Some(ProductGroup::C),
                b'D' => Some(ProductGroup::D),
                b'E' => Some(ProductGroup::E),
                _ => None,
            };
            if let Some(group) = group {
                let number = u16::from(b[2] - b'0') * 100
                    + u16::from(b[3] - b'0') * 10
                    + u16::from(b[4] - b'0');
                return ControlCode::Listed(ListedCode {
                    category: b[0] - b'0',
                    group,
                    number,
                    paragraph: upper[5..].to_owned(),
                });
            }
        }
        ControlCode::Other(upper)
    }

    /// Whether this is an entry of EU Annex I (Reg. (EU) 2021/821): a listed code
    /// whose regime digit is 0–4. US-only ECCNs (e.g. `3A991`, `0A501`, `9A515`) are not.
    pub fn is_eu_dual_use(&self) -> bool {
        matches!(self, ControlCode::Listed(l) if l.regime() != Regime::UsOnly)
    }

    /// Whether this is a dual-use entry of any list: an EU Annex I code or a US ECCN
    /// outside the military 600 series and 0x5zz/9x515 (both of which are military
    /// items moved to the CCL).
    pub fn is_dual_use(&self) -> bool {
        matches!(self, ControlCode::Listed(l) if !l.is_us_600_series() && !l.is_us_x5zz())
    }

    /// Whether this is a military item: a Common Military List entry, or a US
    /// 600-series / 0x5zz / 9x515 ECCN (items moved from the USML to the CCL).
    pub fn is_military(&self) -> bool {
        match self {
            ControlCode::Military(_) => true,
            ControlCode::Listed(l) => l.is_us_600_series() || l.is_us_x5zz(),
            _ => false,
        }
    }
}

fn is_paragraph(rest: &str) -> bool {
    rest.is_empty()
        || (rest.starts_with('.') && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.'))
}

impl ListedCode {
    /// The regime that the entry implements, from its first digit (category 0,
    /// nuclear materials and equipment, implements the NSG trigger list throughout).
    pub fn regime(&self) -> Regime {
        match self.number / 100 {
            0 if self.category == 0 => Regime::Nsg,
            0 => Regime::Wassenaar,
            1 => Regime::Mtcr,
            2 => Regime::Nsg,
            3 => Regime::AustraliaGroup,
            4 => Regime::Cwc,
            _ => Regime::UsOnly,
        }
    }

    /// A US "600 series" ECCN (e.g. `9A610`): military items controlled under the EAR.
    pub fn is_us_600_series(&self) -> bool {
        self.number / 100 == 6
    }

    /// A US 0x5zz (firearms, e.g. `0A501`) or 9x515 (spacecraft, e.g. `9A515`) ECCN.
    pub fn is_us_x5zz(&self) -> bool {
        (self.category == 0 && self.number / 100 == 5) || (self.category == 9 && self.number == 515)
    }

    /// The five-character entry without paragraph, e.g. `3A001`.
    pub fn entry(&self) -> String {
        format!("{}{:?}{:03}", self.category, self.group, self.number)
    }
}

impl fmt::Display for ControlCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ControlCode::Listed(l) => write!(f, "{}{}", l.entry(), l.paragraph),
            ControlCode::Ear99 => f.write_str("EAR99"),
            ControlCode::Military(m) => write!(f, "ML{}{}", m.item, m.paragraph),
            ControlCode::Other(text) => f.write_str(text),
        }
    }
}

impl fmt::Debug for ControlCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ControlCode({self})")
    }
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

    #[test]
    fn parses_dual_use_entries_with_paragraphs() {
        let l = listed("3A001.a.2");
        assert_eq!(
            (l.category, l.group, l.number, l.paragraph.as_str()),
            (3, ProductGroup::A, 1, ".A.2")
        );
        assert_eq!(l.regime(), Regime::Wassenaar);
        assert_eq!(listed("9a012").entry(), "9A012");
        assert_eq!(listed("1C350").regime(), Regime::AustraliaGroup);
        assert_eq!(
            listed("0B001").regime(),
            Regime::Nsg,
            "category 0 is the NSG trigger list"
        );
        assert_eq!(listed("9A120").regime(), Regime::Mtcr);
    }

    #[test]
    fn tells_eu_dual_use_from_us_only_entries() {
        assert!(ControlCode::parse("5A002").is_eu_dual_use());
        assert!(
            !ControlCode::parse("3A991.a").is_eu_dual_use(),
            "x9xx is US anti-terrorism only"
        );
        assert!(ControlCode::parse("3A991.a").is_dual_use());
        assert!(!ControlCode::parse("9A610.a").is_dual_use());
        assert!(ControlCode::parse("9A610.a").is_military());
        assert!(ControlCode::parse("0A501").is_military());
        assert!(ControlCode::parse("9A515.x").is_military());
        assert!(!ControlCode::parse("5A515").is_military());
    }

    #[test]
    fn parses_military_list_entries() {
        assert_eq!(
            ControlCode::parse("ML10"),
            ControlCode::Military(MilitaryCode {
                item: 10,
                paragraph: String::new()
            })
        );
        assert_eq!(
            ControlCode::parse("ml13.d"),
            ControlCode::Military(MilitaryCode {
                item: 13,
                paragraph: ".D".into()
            })
        );
        assert!(ControlCode::parse("ML1").is_military());
        assert!(ControlCode::parse("ML22").is_military());
        assert!(!ControlCode::parse("ML23").is_military());
        assert!(!ControlCode::parse("ML0").is_military());
        assert!(!ControlCode::parse("ML010").is_military());
    }

    #[test]
    fn anything_else_is_kept_as_other() {
        for text in [
            "PL5001",
            "3F001",
            "3A01",
            "X.A.I.001",
            "EAR 99",
            "3A001-a",
            "",
        ] {
            assert!(
                matches!(ControlCode::parse(text), ControlCode::Other(_)),
                "{text}"
            );
        }
        assert_eq!(ControlCode::parse("ear99"), ControlCode::Ear99);
    }

    #[test]
    fn display_round_trips() {
        for text in ["3A001.A.2", "EAR99", "ML13.D", "PL5001", "5A992.C"] {
            assert_eq!(ControlCode::parse(text).to_string(), text);
        }
    }
}
