//! Which lines are "specific goods" under Kazakh law: military goods and dual-use
//! goods.
//!
//! The Kazakh control list (Government Decree No. 592 of 14 Jul 2023, before it
//! Decree No. 104 of 2008) is not in our data, so a line is classified by the shape
//! of the EU/US control codes it carries, which the SDK already parses. A declared
//! military end use makes every line military goods: that is the part of the
//! catch-all of Law No. 172-VII (unlisted goods with a military end use) that a
//! shipment document can show.

use exportctl_sdk::{Line, Shipment};

/// What a line is under Kazakh control of specific goods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goods {
    /// Weapons, military equipment and military products: a Common Military List
    /// entry (ML1–ML22), a US 600-series/0x5zz/9x515 ECCN, or any line of a
    /// shipment with a declared military end use.
    Military,
    /// Dual-use goods: an EU Annex I entry or a US ECCN, and not military.
    DualUse,
}

/// Whether the shipment declares a military end use (`end_use.military = true`).
pub fn declared_military_end_use(shipment: &Shipment) -> bool {
    shipment.end_use.as_ref().and_then(|e| e.military) == Some(true)
}

/// Classifies one line; `None` for goods that are neither military nor dual-use.
/// Military wins over dual-use, since a military item is controlled more strictly.
pub fn classify(shipment: &Shipment, line: &Line) -> Option<Goods> {
    if line.is_military() || declared_military_end_use(shipment) {
        Some(Goods::Military)
    } else if line.is_dual_use() {
        Some(Goods::DualUse)
    } else {
        None
    }
}

/// The lines whose classification satisfies `wanted`, in document order.
pub fn select<'a>(shipment: &'a Shipment<'a>, wanted: impl Fn(Goods) -> bool) -> Vec<&'a Line<'a>> {
    shipment
        .lines
        .iter()
        .filter(|line| classify(shipment, line).is_some_and(&wanted))
        .collect()
}

/// The military and dual-use lines: every line the Kazakh statute controls.
pub fn specific_goods<'a>(shipment: &'a Shipment<'a>) -> Vec<&'a Line<'a>> {
    select(shipment, |_| true)
}

/// Drops the lines a Kazakh licence or permit cited on the shipment covers.
/// Licences of other jurisdictions (EU, US, …) say nothing about Kazakh law.
pub fn without_kz_licence<'a>(shipment: &Shipment, lines: Vec<&'a Line<'a>>) -> Vec<&'a Line<'a>> {
    lines
        .into_iter()
        .filter(|line| !shipment.licence_covers("KZ", line.line))
        .collect()
}

/// Names the kinds of goods among `lines` for a message: `military goods`,
/// `dual-use goods` or `military and dual-use goods`.
pub fn noun(shipment: &Shipment, lines: &[&Line]) -> &'static str {
    let has = |kind| {
        lines
            .iter()
            .any(|line| classify(shipment, line) == Some(kind))
    };
    match (has(Goods::Military), has(Goods::DualUse)) {
        (true, true) => "military and dual-use goods",
        (true, false) => "military goods",
        _ => "dual-use goods",
    }
}

/// The line numbers, for [`exportctl_sdk::Finding::lines`].
pub fn numbers(lines: &[&Line]) -> Vec<u32> {
    lines.iter().map(|line| line.line).collect()
}

/// Names the goods for a message: `line 1 (ML10, HS 8806.23); line 2 (…)`, showing
/// the codes that made the line controlled, or the declared military end use when
/// no code did.
pub fn describe(lines: &[&Line]) -> String {
    lines
        .iter()
        .map(|line| {
            let codes: Vec<String> = line
                .control_codes
                .iter()
                .filter(|c| c.is_military() || c.is_dual_use())
                .map(ToString::to_string)
                .collect();
            let why = if codes.is_empty() {
                "declared military end use".to_owned()
            } else {
                codes.join("/")
            };
            format!("line {} ({why}, HS {})", line.line, line.hs_code)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::Doc;

    #[test]
    fn classifies_by_control_code_shape() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "KZ>AM")
            .codes(&["ML13.d"])
            .line(2, &["3A001.a.2"])
            .line(3, &["EAR99"])
            .line(4, &[])
            .line(5, &["9A610.a"])
            .line(6, &["ML10", "9A012"])
            .shipment()?;
        let kinds: Vec<_> = s.lines.iter().map(|l| classify(&s, l)).collect();
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
    fn declared_military_end_use_makes_every_line_military() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "KZ>AM")
            .codes(&[])
            .line(2, &["5A002"])
            .military_end_use()
            .shipment()?;
        assert!(
            s.lines
                .iter()
                .all(|l| classify(&s, l) == Some(Goods::Military))
        );
        assert_eq!(
            describe(&specific_goods(&s)),
            "line 1 (declared military end use, HS 8806.23); line 2 (5A002, HS 8806.23)"
        );
        Ok(())
    }

    #[test]
    fn names_the_kinds_of_goods() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "KZ>AM")
            .line(2, &["5A002"])
            .shipment()?;
        let lines = specific_goods(&s);
        assert_eq!(noun(&s, &lines), "military and dual-use goods");
        assert_eq!(noun(&s, &lines[..1]), "military goods");
        assert_eq!(noun(&s, &lines[1..]), "dual-use goods");
        Ok(())
    }

    #[test]
    fn only_a_kz_licence_counts() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "KZ>AM")
            .line(2, &["ML10"])
            .licence("EU", Some(&[1, 2]), None)
            .licence("KZ", Some(&[2]), None)
            .shipment()?;
        assert_eq!(numbers(&without_kz_licence(&s, specific_goods(&s))), [1]);
        Ok(())
    }
}
