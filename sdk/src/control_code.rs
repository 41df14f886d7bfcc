//! Export control list entries: EU dual-use codes and US ECCNs, EAR99, the EU
//! Common Military List, and the entries of Annex VII of Reg. (EU) 833/2014.

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
    /// Any other text (a national list code, an Annex VII entry such as `X.A.I.001`, a
    /// typo); kept as given, upper-cased. [`ControlCode::annex_vii`] recognises Annex VII
    /// entries in it.
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

    /// Writes the code as it is kept: upper-case, the form [`ControlCode::parse`]
    /// reads back to this same value (the wire format carries it so).
    #[cfg(feature = "validated")]
    pub(crate) fn write_kept(&self, out: &mut impl fmt::Write) -> fmt::Result {
        match self {
            // As `entry()` spells it, without its allocation.
            ControlCode::Listed(l) => write!(
                out,
                "{}{:?}{:03}{}",
                l.category, l.group, l.number, l.paragraph
            ),
            ControlCode::Ear99 => out.write_str("EAR99"),
            ControlCode::Military(m) => write!(out, "ML{}{}", m.item, m.paragraph),
            ControlCode::Other(text) => out.write_str(text),
        }
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

impl ControlCode {
    /// The Annex VII entry this code is, if it is one (only [`ControlCode::Other`] can
    /// hold one; see [`AnnexViiCode`]).
    ///
    /// ```
    /// use exportctl_sdk::ControlCode;
    /// let code = ControlCode::parse("x.a.i.001");
    /// assert_eq!(code.annex_vii().map(|c| c.to_string()).as_deref(), Some("X.A.I.001"));
    /// assert_eq!(ControlCode::parse("3A001").annex_vii(), None);
    /// ```
    pub fn annex_vii(&self) -> Option<AnnexViiCode> {
        AnnexViiCode::from_control_code(self)
    }
}

/// An entry of Annex VII of Reg. (EU) 833/2014 ("goods and technology which might
/// contribute to Russia's military and technological enhancement"), e.g. `X.A.I.001` or
/// `X.B.VIII.002.a`.
///
/// Annex VII numbers its entries `X.` + product group (A–E, as in Annex I of Reg. (EU)
/// 2021/821) + a category in Roman numerals (I–XX) + three digits, optionally followed by
/// a sub-paragraph.
///
/// [`ControlCode::parse`] keeps such a code as [`ControlCode::Other`] rather than giving it
/// a variant of its own: the shipment's wire encoding (and so every plugin built against
/// an earlier SDK) stays as it is, and policies that do not know Annex VII see the code as
/// they always did. A policy that does asks [`ControlCode::annex_vii`].
///
/// ```
/// use exportctl_sdk::{AnnexViiCode, ProductGroup};
/// let code = AnnexViiCode::parse("X.B.VIII.002.a").unwrap();
/// assert_eq!((code.group, code.category, code.number), (ProductGroup::B, 8, 2));
/// assert_eq!(code.to_string(), "X.B.VIII.002.a");
/// assert_eq!(AnnexViiCode::parse("X.A.XXI.001"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnnexViiCode {
    /// Product group A–E.
    pub group: ProductGroup,
    /// The category, from its Roman numeral (1–20).
    pub category: u8,
    /// The three digits, 0–999.
    pub number: u16,
    /// Any sub-paragraph after the entry, e.g. `.A`; upper-cased.
    pub paragraph: String,
}

impl AnnexViiCode {
    /// Recognises an Annex VII entry in a classified control code: only
    /// [`ControlCode::Other`] can hold one.
    pub fn from_control_code(code: &ControlCode) -> Option<AnnexViiCode> {
        match code {
            ControlCode::Other(text) => AnnexViiCode::parse(text),
            _ => None,
        }
    }

    /// Parses `X.<A–E>.<Roman I–XX>.<3 digits>[.<paragraph>]` in either case, ignoring
    /// surrounding white space. `None` for anything else.
    pub fn parse(text: &str) -> Option<AnnexViiCode> {
        let trimmed = text.trim();
        // Most codes are not Annex VII entries: turn them away before copying.
        if !trimmed
            .get(..2)
            .is_some_and(|start| start.eq_ignore_ascii_case("X."))
        {
            return None;
        }
        let upper = trimmed.to_ascii_uppercase();
        let mut parts = upper.splitn(5, '.');
        if parts.next()? != "X" {
            return None;
        }
        let group = match parts.next()? {
            "A" => ProductGroup::A,
            "B" => ProductGroup::B,
            "C" => ProductGroup::C,
            "D" => ProductGroup::D,
            "E" => ProductGroup::E,
            _ => return None,
        };
        let category = roman(parts.next()?)?;
        let digits = parts.next()?;
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let number = digits.parse().ok()?;
        let paragraph = match parts.next() {
            None => String::new(),
            Some(rest)
                if !rest.is_empty()
                    && !rest.starts_with('.')
                    && !rest.ends_with('.')
                    && !rest.contains("..")
                    && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') =>
            {
                format!(".{rest}")
            }
            Some(_) => return None,
        };
        Some(AnnexViiCode {
            group,
            category,
            number,
            paragraph,
        })
    }
}

/// The category numerals Annex VII uses, I to XX, in canonical form.
const NUMERALS: [&str; 20] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
    "XVI", "XVII", "XVIII", "XIX", "XX",
];

/// The value of a Roman numeral from I to XX written in canonical form; `None` otherwise.
fn roman(text: &str) -> Option<u8> {
    let index = NUMERALS.iter().position(|n| *n == text)?;
    u8::try_from(index + 1).ok()
}

impl fmt::Display for AnnexViiCode {
    /// The form the Annex prints, e.g. `X.A.I.001.a`: the entry upper-case, its
    /// sub-paragraphs lower-case.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let category = NUMERALS
            .get(usize::from(self.category).saturating_sub(1))
            .copied()
            .unwrap_or("?");
        write!(
            f,
            "X.{:?}.{category}.{:03}{}",
            self.group,
            self.number,
            Paragraph(&self.paragraph)
        )
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
    /// The code as the control lists print it: entry upper-case, sub-paragraphs
    /// lower-case (`5A002.a`, `ML13.d`, `X.A.I.001.a`). Other text is shown as kept.
    ///
    /// ```
    /// use exportctl_sdk::ControlCode;
    /// assert_eq!(ControlCode::parse("5A002.A.1").to_string(), "5A002.a.1");
    /// assert_eq!(ControlCode::parse("ml13.D").to_string(), "ML13.d");
    /// assert_eq!(ControlCode::parse("x.a.i.001.A").to_string(), "X.A.I.001.a");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ControlCode::Listed(l) => write!(f, "{}{}", l.entry(), Paragraph(&l.paragraph)),
            ControlCode::Ear99 => f.write_str("EAR99"),
            ControlCode::Military(m) => write!(f, "ML{}{}", m.item, Paragraph(&m.paragraph)),
            ControlCode::Other(text) => match AnnexViiCode::parse(text) {
                Some(code) => code.fmt(f),
                None => f.write_str(text),
            },
        }
    }
}

/// A sub-paragraph as the lists print it: `.A.2` is shown `.a.2`. The parsed codes keep
/// it upper-case so that comparisons need not care how a shipment wrote it.
struct Paragraph<'a>(&'a str);

impl fmt::Display for Paragraph<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0
            .chars()
            .try_for_each(|c| fmt::Write::write_char(f, c.to_ascii_lowercase()))
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
    fn display_round_trips_the_lists_own_spelling() {
        for text in [
            "3A001.a.2",
            "EAR99",
            "ML13.d",
            "ML10.h.1",
            "PL5001",
            "5A992.c",
            "5A002",
            "X.A.I.001",
            "X.B.VIII.002.a.1",
        ] {
            assert_eq!(ControlCode::parse(text).to_string(), text);
            assert_eq!(
                ControlCode::parse(&text.to_ascii_uppercase()).to_string(),
                text,
                "upper-cased on the shipment"
            );
        }
    }

    #[test]
    fn parses_annex_vii_entries() {
        let code = AnnexViiCode::parse("X.A.I.001").unwrap();
        assert_eq!(
            (
                code.group,
                code.category,
                code.number,
                code.paragraph.as_str()
            ),
            (ProductGroup::A, 1, 1, "")
        );
        let code = AnnexViiCode::parse("x.b.viii.002.a.1").unwrap();
        assert_eq!(
            (
                code.group,
                code.category,
                code.number,
                code.paragraph.as_str()
            ),
            (ProductGroup::B, 8, 2, ".A.1")
        );
        assert_eq!(code.to_string(), "X.B.VIII.002.a.1");
        assert_eq!(
            AnnexViiCode::parse("X.D.XX.999").map(|c| c.category),
            Some(20)
        );
        assert_eq!(
            AnnexViiCode::parse(" X.C.IV.010 ").map(|c| c.to_string()),
            Some("X.C.IV.010".to_owned())
        );
    }

    #[test]
    fn rejects_other_annex_vii_shapes() {
        for bad in [
            "",
            "X",
            "X.",
            "X.A.I",
            "X.A.I.01",
            "X.A.I.0001",
            "X.F.I.001",
            "X.A.IIII.001",
            "X.A.XXI.001",
            "X.A.0.001",
            "Y.A.I.001",
            "X.A.I.001.",
            "X.A.I.001..A",
            "X.A.I.001.A-1",
            "3A001",
            "ML10",
            "XA.I.001",
            "é.A.I.001",
        ] {
            assert_eq!(AnnexViiCode::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn annex_vii_entries_are_found_in_other_codes_only() {
        let code = ControlCode::parse("X.A.I.001");
        assert!(matches!(code, ControlCode::Other(_)));
        assert!(code.annex_vii().is_some());
        assert!(!code.is_dual_use() && !code.is_military() && !code.is_eu_dual_use());
        for other in ["3A001", "EAR99", "ML10", "PL5001"] {
            assert_eq!(ControlCode::parse(other).annex_vii(), None, "{other}");
        }
    }
}
