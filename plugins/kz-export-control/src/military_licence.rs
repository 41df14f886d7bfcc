//! The export licence for military goods (Law No. 172-VII; before 28 Feb 2023 Law
//! No. 300-III).
//!
//! Outside the Defence Industry Commission's suspension, exporting military goods
//! from Kazakhstan is lawful with a Kazakh licence. The finding cites the law in
//! force on `as_of`. During the suspension `military_suspension` denies instead,
//! and for Russia-bound goods `russia_ban` decides, so this rule steps aside for
//! both rather than report the same goods twice.

use crate::goods::{self, Goods};
use crate::military_suspension::SUSPENSION;
use crate::{route, russia_ban, statute};
use exportctl_sdk::{Finding, Rule, Shipment};

/// Exports of military goods from Kazakhstan without a Kazakh licence. The
/// declared basis names both laws; each finding cites the one in force.
pub const MILITARY_EXPORT_LICENCE: Rule = Rule::new(
    "kz-military-export-licence",
    "Law of the Republic of Kazakhstan No. 172-VII of 28 Dec 2022 \"On control of specific goods\" \
     (from 28 Feb 2023); before it Law No. 300-III \"On export control\" (2007): licence for the \
     export of military goods",
)
.describe("military goods exported from Kazakhstan without a Kazakh licence");

/// Requires a Kazakh licence for the military lines of an export from Kazakhstan.
pub fn check(shipment: &Shipment) -> Option<Finding> {
    if !route::exported_from_kz(shipment)
        || SUSPENSION.contains(shipment.as_of())
        || russia_ban::applies(shipment)
    {
        return None;
    }
    let lines =
        goods::without_kz_licence(shipment, goods::select(shipment, |g| g == Goods::Military));
    if lines.is_empty() {
        return None;
    }
    let message = format!(
        "military goods exported from Kazakhstan ({route}): {goods}; a Kazakh export licence is \
         required and none cited covers these lines",
        route = route::describe(shipment),
        goods = goods::describe(&lines),
    );
    Some(
        MILITARY_EXPORT_LICENCE
            .licence_required(message)
            .lines(goods::numbers(&lines))
            .legal_basis(statute::export_licence(shipment.as_of())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    #[test]
    fn requires_a_licence_after_the_suspension_under_the_new_law() -> Result<(), String> {
        let s = Doc::new("2023-09-01", "KZ>AM").try_shipment()?;
        let finding = check(&s).ok_or("no finding")?;
        assert_eq!(finding.outcome(), Outcome::LicenceRequired);
        assert_eq!(finding.rule(), "kz-military-export-licence");
        assert_eq!(finding.get_lines(), [1]);
        assert!(
            finding.get_legal_basis().contains("No. 172-VII"),
            "{}",
            finding.get_legal_basis()
        );
        assert!(
            !finding.get_legal_basis().contains("No. 300-III"),
            "{}",
            finding.get_legal_basis()
        );
        Ok(())
    }

    #[test]
    fn requires_a_licence_before_the_suspension_under_the_2007_law() -> Result<(), String> {
        let s = Doc::new("2022-08-26", "KZ>AM").try_shipment()?;
        let finding = check(&s).ok_or("no finding")?;
        assert!(
            finding.get_legal_basis().contains("No. 300-III"),
            "{}",
            finding.get_legal_basis()
        );
        Ok(())
    }

    #[test]
    fn steps_aside_during_the_suspension() -> Result<(), String> {
        for date in ["2022-08-27", "2023-08-31"] {
            assert_eq!(
                check(&Doc::new(date, "KZ>AM").try_shipment()?),
                None,
                "{date}"
            );
        }
        Ok(())
    }

    #[test]
    fn steps_aside_for_russia_bound_goods_once_the_russia_rule_applies() -> Result<(), String> {
        assert_eq!(
            check(&Doc::new("2024-01-10", "KZ>RU").try_shipment()?),
            None
        );
        assert_eq!(
            check(
                &Doc::new("2024-01-10", "KZ>AM")
                    .end_user("RU")
                    .try_shipment()?
            ),
            None
        );
        let before = check(&Doc::new("2022-08-26", "KZ>RU").try_shipment()?).ok_or("no finding")?;
        assert!(
            before.get_legal_basis().contains("No. 300-III"),
            "{}",
            before.get_legal_basis()
        );
        Ok(())
    }

    #[test]
    fn a_kazakh_licence_for_the_line_clears_it() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "KZ>AM")
            .licence("KZ", Some(&[1]), Some("2024-12-31"))
            .try_shipment()?;
        assert_eq!(check(&s), None);
        Ok(())
    }

    #[test]
    fn foreign_expired_or_other_line_licences_do_not() -> Result<(), String> {
        let docs = [
            Doc::new("2024-01-10", "KZ>AM").licence("US", None, None),
            Doc::new("2024-01-10", "KZ>AM").licence("KZ", None, Some("2024-01-09")),
            Doc::new("2024-01-10", "KZ>AM")
                .line(2, &["ML1"])
                .licence("KZ", Some(&[2]), None),
        ];
        for doc in docs {
            assert_eq!(
                check(&doc.try_shipment()?).map(|f| f.get_lines().to_vec()),
                Some(vec![1])
            );
        }
        Ok(())
    }

    #[test]
    fn dual_use_goods_are_left_to_their_own_rule() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "KZ>AM")
            .codes(&["3A001.a.2"])
            .try_shipment()?;
        assert_eq!(check(&s), None);
        Ok(())
    }

    #[test]
    fn only_exports_from_kazakhstan() -> Result<(), String> {
        for route in ["CN>KZ>UZ", "DE>KZ", "DE>PL"] {
            assert_eq!(
                check(&Doc::new("2024-01-10", route).try_shipment()?),
                None,
                "{route}"
            );
        }
        Ok(())
    }
}
