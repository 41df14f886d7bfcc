//! Control codes of Annex VII of Reg. (EU) 833/2014 ("goods and technology which might
//! contribute to Russia's military and technological enhancement"), e.g. `X.A.I.001`.
//!
//! Annex VII numbers its entries `X.` + product group (A–E, as in Annex I of Reg. (EU)
//! 2021/821) + a category in Roman numerals + three digits, optionally followed by a
//! sub-paragraph. The SDK's [`ControlCode::parse`] does not know the shape and keeps such
//! a code as [`ControlCode::Other`]; this module recognises it.

use exportctl_sdk::{ControlCode, ProductGroup};
use std::fmt;

/// An Annex VII entry such as `X.A.I.001` or `X.B.VIII.002.a`.
#[derive(Debug, Clone, PartialEq, Eq)]
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

    /// Parses `X.<A–E>.<Roman I–XX>.<3 digits>[.<paragraph>]` in either case. `None`
    /// for anything else.
    pub fn parse(text: &str) -> Option<AnnexViiCode> {
        let upper = text.trim().to_ascii_uppercase();
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
    /// The canonical form, e.g. `X.A.I.001.A`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let category = NUMERALS
            .get(usize::from(self.category).saturating_sub(1))
            .copied()
            .unwrap_or("?");
        write!(
            f,
            "X.{:?}.{category}.{:03}{}",
            self.group, self.number, self.paragraph
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(code.to_string(), "X.B.VIII.002.A.1");
        assert_eq!(
            AnnexViiCode::parse("X.D.XX.999").map(|c| c.category),
            Some(20)
        );
    }

    #[test]
    fn rejects_other_shapes() {
        for bad in [
            "",
            "X",
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
        ] {
            assert_eq!(AnnexViiCode::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn is_found_in_the_sdk_s_other_codes_only() {
        let code = ControlCode::parse("X.A.I.001");
        assert!(matches!(code, ControlCode::Other(_)));
        assert!(AnnexViiCode::from_control_code(&code).is_some());
        for other in ["3A001", "EAR99", "ML10", "PL5001"] {
            assert_eq!(
                AnnexViiCode::from_control_code(&ControlCode::parse(other)),
                None,
                "{other}"
            );
        }
    }
}
