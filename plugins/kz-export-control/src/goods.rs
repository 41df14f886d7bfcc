//! Which lines are "specific goods" under Kazakh law: military goods, dual-use
//! goods, and unlisted goods caught by the catch-all.
//!
//! The Kazakh control list (Government Decree No. 592 of 14 Jul 2023, before it
//! Decree No. 104 of 2008) is not in our data, so a line is classified by the shape
//! of the EU/US control codes it carries, which the SDK already parses. Decree No. 592
//! follows the multilateral regimes (Wassenaar, MTCR, NSG, Australia Group, CWC and the
//! munitions list), so only codes of those lists count: the US-only entries of the
//! Commerce Control List (x9xx entries held for anti-terrorism or other unilateral
//! reasons, such as 5A992 mass-market encryption items, and the US advanced-computing
//! entries 3A090, 4A090, 4D090, 4E091) and EAR99 have no Kazakh counterpart and make a
//! line neither military nor dual-use.
//!
//! A declared military end use brings unlisted goods under the catch-all of Law
//! No. 172-VII (unlisted goods for a military end use need a licence): that is the part
//! of the catch-all a shipment document can show. It does not make them military
//! products: listed military goods stay the only ones the 2022 suspension reached.

use exportctl_sdk::{ControlCode, Line, Shipment};

/// What a line is under Kazakh control of specific goods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goods {
    /// Weapons, military equipment and military products: a Common Military List
    /// entry (ML1–ML22) or a US 600-series/0x5zz/9x515 ECCN (items moved from the US
    /// Munitions List, whose counterparts are on the Military List).
    Military,
    /// Dual-use goods: an entry of a multilateral list (EU Annex I category, or an ECCN
    /// implementing Wassenaar, MTCR, NSG, the Australia Group or the CWC), not military.
    DualUse,
    /// Goods on no list, for a declared military end use (`end_use.military() = true`):
    /// the catch-all of Law No. 172-VII.
    CatchAll,
}

/// US ECCNs whose numbers look multilateral (0yy) but which implement US unilateral
/// controls on advanced computing (87 FR 62186, 13 Oct 2022, and later rules): no
/// multilateral list, and so no Kazakh list, holds them.
const US_UNILATERAL_ENTRIES: [&str; 4] = ["3A090", "4A090", "4D090", "4E091"];

/// Whether `code` is an entry of a multilateral dual-use list, which Decree No. 592
/// follows: the shape of an EU Annex I entry, and not one of the US unilateral entries
/// that share it.
pub fn is_multilateral_dual_use(code: &ControlCode) -> bool {
    match code {
        ControlCode::Listed(listed) => {
            code.is_eu_dual_use() && !US_UNILATERAL_ENTRIES.contains(&listed.entry().as_str())
        }
        _ => false,
    }
}

/// Whether the shipment declares a military end use (`end_use.military() = true`).
pub fn declared_military_end_use(shipment: &Shipment) -> bool {
    shipment.end_use().as_ref().and_then(|e| e.military()) == Some(true)
}

/// Classifies one line; `None` for goods the Kazakh statute does not control.
/// Military wins over dual-use, since a military item is controlled more strictly; a
/// listed item stays listed whatever its end use.
pub fn classify(shipment: &Shipment, line: &Line) -> Option<Goods> {
    if line.control_codes().any(|c| ControlCode::is_military(&c)) {
        Some(Goods::Military)
    } else if line.control_codes().any(|c| is_multilateral_dual_use(&c)) {
        Some(Goods::DualUse)
    } else if declared_military_end_use(shipment) {
        Some(Goods::CatchAll)
    } else {
        None
    }
}

/// The lines whose classification satisfies `wanted`, in document order.
pub fn select<'a>(shipment: &'a Shipment<'a>, wanted: impl Fn(Goods) -> bool) -> Vec<Line<'a>> {
    shipment
        .lines()
        .iter()
        .filter(|line| classify(shipment, line).is_some_and(&wanted))
        .collect()
}

/// The military and dual-use lines: every line the Kazakh statute controls.
pub fn specific_goods<'a>(shipment: &'a Shipment<'a>) -> Vec<Line<'a>> {
    select(shipment, |_| true)
}

/// Drops the lines a Kazakh licence or permit cited on the shipment covers.
/// Licences of other jurisdictions (EU, US, …) say nothing about Kazakh law.
pub fn without_kz_licence<'a>(shipment: &Shipment, lines: Vec<Line<'a>>) -> Vec<Line<'a>> {
    lines
        .into_iter()
        .filter(|line| !shipment.licence_covers("KZ", line.number()))
        .collect()
}

/// Names the kinds of goods among `lines` for a message: `military goods`,
/// `dual-use goods`, `military and dual-use goods`, `unlisted goods for a military end
/// use`, or a combination.
pub fn noun(shipment: &Shipment, lines: &[Line]) -> &'static str {
    let has = |kind| {
        lines
            .iter()
            .any(|line| classify(shipment, line) == Some(kind))
    };
    match (
        has(Goods::Military),
        has(Goods::DualUse),
        has(Goods::CatchAll),
    ) {
        (true, true, _) => "military and dual-use goods",
        (true, false, false) => "military goods",
        (false, true, false) => "dual-use goods",
        (false, false, true) => "unlisted goods for a military end use",
        (true, false, true) => "military goods and unlisted goods for a military end use",
        (false, true, true) => "dual-use goods and unlisted goods for a military end use",
        (false, false, false) => "goods",
    }
}

/// The line numbers, for [`exportctl_sdk::Finding::lines`].
pub fn numbers(lines: &[Line]) -> Vec<u32> {
    lines.iter().map(|line| line.number()).collect()
}

/// Names the goods for a message: `line 1 (ML10, HS 8806.23); line 2 (…)`, showing
/// the codes that made the line controlled, or the declared military end use when
/// no code did (US-only codes the line also carries are not shown: they decide nothing
/// here).
pub fn describe(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|line| {
            let codes: Vec<String> = line
                .control_codes()
                .iter()
                .filter(|c| c.is_military() || is_multilateral_dual_use(c))
                .map(|c| c.to_string())
                .collect();
            let why = if codes.is_empty() {
                "declared military end use".to_owned()
            } else {
                codes.join("/")
            };
            format!("line {} ({why}, HS {})", line.number(), line.hs_code())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};

    #[test]
    fn classifies_by_control_code_shape() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "KZ>AM")
            .codes(&["ML13.d"])
            .line(2, &["3A001.a.2"])
            .line(3, &["EAR99"])
            .line(4, &[])
            .line(5, &["9A610.a"])
            .line(6, &["ML10", "9A012"])
            .try_shipment()?;
        let kinds: Vec<_> = s.lines().map(|l| classify(&s, &l)).collect();
        assert_eq!(
            kinds,
            [
                Some(Goods::Military),
                Some(Goods::DualUse),
                None,
                None,
                Some(Goods::Military),
                Some(Goods::Military)
            ]
        );
        Ok(())
    }

    #[test]
    fn us_only_classifications_are_not_kazakh_dual_use_goods() -> Result<(), String> {
        let us_only = [
            "0A919", "2A991", "3A991.a", "4A994.b", "5A992.c", "5D992.c", "3A090.a", "4A090",
            "EAR99",
        ];
        for code in us_only {
            let s = Doc::new("2024-01-10", "KZ>AM")
                .codes(&[code])
                .try_shipment()?;
            assert_eq!(classify(&s, &s.lines().get(0).unwrap()), None, "{code}");
        }
        for code in ["5A002.a", "3A001.b.1.a", "4A003", "1C350", "9A012", "0B001"] {
            let s = Doc::new("2024-01-10", "KZ>AM")
                .codes(&[code])
                .try_shipment()?;
            assert_eq!(
                classify(&s, &s.lines().get(0).unwrap()),
                Some(Goods::DualUse),
                "{code}"
            );
        }
        let both = Doc::new("2024-01-10", "KZ>AM")
            .codes(&["5A992.c", "5A002.a"])
            .try_shipment()?;
        assert_eq!(
            classify(&both, &both.lines().get(0).unwrap()),
            Some(Goods::DualUse)
        );
        assert_eq!(
            describe(&specific_goods(&both)),
            "line 1 (5A002.a, HS 8806.23)"
        );
        Ok(())
    }

    #[test]
    fn declared_military_end_use_brings_unlisted_lines_under_the_catch_all() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "KZ>AM")
            .codes(&[])
            .line(2, &["5A002"])
            .line(3, &["ML13.d"])
            .line(4, &["5A992.c"])
            .military_end_use()
            .try_shipment()?;
        let kinds: Vec<_> = s.lines().map(|l| classify(&s, &l)).collect();
        assert_eq!(
            kinds,
            [
                Some(Goods::CatchAll),
                Some(Goods::DualUse),
                Some(Goods::Military),
                Some(Goods::CatchAll)
            ],
            "listed goods keep their class; unlisted ones fall under the catch-all"
        );
        assert_eq!(
            describe(&specific_goods(&s)),
            "line 1 (declared military end use, HS 8806.23); line 2 (5A002, HS 8806.23); \
             line 3 (ML13.d, HS 8806.23); line 4 (declared military end use, HS 8806.23)"
        );
        Ok(())
    }

    #[test]
    fn names_the_kinds_of_goods() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "KZ>AM")
            .line(2, &["5A002"])
            .try_shipment()?;
        let lines = specific_goods(&s);
        assert_eq!(noun(&s, &lines), "military and dual-use goods");
        assert_eq!(noun(&s, &lines[..1]), "military goods");
        assert_eq!(noun(&s, &lines[1..]), "dual-use goods");
        let s = Doc::new("2024-01-10", "KZ>AM")
            .codes(&[])
            .military_end_use()
            .try_shipment()?;
        assert_eq!(
            noun(&s, &specific_goods(&s)),
            "unlisted goods for a military end use"
        );
        Ok(())
    }

    #[test]
    fn only_a_kz_licence_counts() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "KZ>AM")
            .line(2, &["ML10"])
            .licence("EU", Some(&[1, 2]), None)
            .licence("KZ", Some(&[2]), None)
            .try_shipment()?;
        assert_eq!(numbers(&without_kz_licence(&s, specific_goods(&s))), [1]);
        Ok(())
    }
}
