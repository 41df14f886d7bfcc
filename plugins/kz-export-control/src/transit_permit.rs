//! The permit for carrying military or dual-use goods across Kazakhstan (Law
//! No. 172-VII; Order No. 308 of 28 Apr 2023; before 28 Feb 2023 Law No. 300-III).
//!
//! Kazakh control of specific goods covers transit as well as export, and both
//! military and dual-use goods are specific goods, so both need a Kazakh transit
//! permit. The military export suspension did not reach transit. The finding cites
//! the law in force on `as_of`. Goods crossing towards Russia are judged by
//! `russia_ban` while that rule applies, and this rule steps aside for them; unlisted
//! goods for a military end use are the `catch_all` rule's.

use crate::goods::{self, Goods};
use crate::{route, russia_ban, statute};
use exportctl_sdk::{Finding, Rule, Shipment};

/// Military or dual-use goods in transit across Kazakhstan without a Kazakh permit.
/// The declared basis names every law of the period; each finding cites the one in
/// force.
pub const TRANSIT_PERMIT: Rule = Rule::new(
    "kz-transit-permit",
    "Law of the Republic of Kazakhstan No. 172-VII of 28 Dec 2022 \"On control of specific goods\" \
     (from 28 Feb 2023) and Order No. 308 of the Ministry of Industry and Infrastructure Development \
     of 28 Apr 2023; before them Law No. 300-III \"On export control\" (2007): permit for the transit \
     of military and dual-use goods",
)
.describe("military or dual-use goods in transit across Kazakhstan without a Kazakh permit");

/// Requires a Kazakh transit permit for the military and dual-use lines of a
/// shipment crossing Kazakhstan.
pub fn check(shipment: &Shipment) -> Option<Finding> {
    if !route::transits_kz(shipment) || russia_ban::applies(shipment) {
        return None;
    }
    // Unlisted goods for a military end use: the catch-all rule.
    let listed = goods::select(shipment, |g| g != Goods::CatchAll);
    let lines = goods::without_kz_licence(shipment, listed);
    if lines.is_empty() {
        return None;
    }
    let message = format!(
        "{noun} crossing Kazakhstan ({route}): {goods}; a Kazakh transit permit is \
         required and none cited covers these lines",
        noun = goods::noun(shipment, &lines),
        route = route::describe(shipment),
        goods = goods::describe(&lines),
    );
    Some(
        TRANSIT_PERMIT
            .licence_required(message)
            .lines(goods::numbers(&lines))
            .legal_basis(statute::transit_permit(shipment.as_of())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    #[test]
    fn requires_a_permit_for_dual_use_transit() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "CN>KZ>UZ")
            .codes(&["3A001.a.2"])
            .try_shipment()?;
        let finding = check(&s).ok_or("no finding")?;
        assert_eq!(finding.outcome(), Outcome::LicenceRequired);
        assert_eq!(finding.rule(), "kz-transit-permit");
        assert!(
            finding.message().contains("CN → KZ → UZ"),
            "{}",
            finding.message()
        );
        assert!(
            finding.get_legal_basis().contains("Order No. 308"),
            "{}",
            finding.get_legal_basis()
        );
        Ok(())
    }

    #[test]
    fn requires_a_permit_for_military_transit_even_during_the_suspension() -> Result<(), String> {
        let s = Doc::new("2022-11-14", "CN>KZ>UZ")
            .line(2, &["3A001.a.2"])
            .line(3, &[])
            .try_shipment()?;
        let finding = check(&s).ok_or("no finding")?;
        assert_eq!(finding.get_lines(), [1, 2]);
        assert!(
            finding.get_legal_basis().contains("No. 300-III"),
            "{}",
            finding.get_legal_basis()
        );
        Ok(())
    }

    #[test]
    fn cites_the_statute_alone_between_the_new_law_and_order_308() -> Result<(), String> {
        let s = Doc::new("2023-04-27", "CN>KZ>UZ").try_shipment()?;
        let finding = check(&s).ok_or("no finding")?;
        let basis = finding.get_legal_basis();
        assert!(
            basis.contains("No. 172-VII") && !basis.contains("Order No. 308"),
            "{basis}"
        );
        Ok(())
    }

    #[test]
    fn steps_aside_for_transit_towards_russia() -> Result<(), String> {
        assert_eq!(
            check(&Doc::new("2022-11-14", "KG>KZ>RU").try_shipment()?),
            None
        );
        let before = Doc::new("2022-08-26", "KG>KZ>RU").try_shipment()?;
        assert_eq!(
            check(&before).map(|f| f.outcome()),
            Some(Outcome::LicenceRequired)
        );
        Ok(())
    }

    #[test]
    fn a_kazakh_permit_for_the_line_clears_it_and_others_do_not() -> Result<(), String> {
        let permitted = Doc::new("2024-01-10", "CN>KZ>UZ")
            .licence("KZ", Some(&[1]), None)
            .try_shipment()?;
        assert_eq!(check(&permitted), None);
        let foreign = Doc::new("2024-01-10", "CN>KZ>UZ")
            .licence("CN", None, None)
            .try_shipment()?;
        assert!(check(&foreign).is_some());
        Ok(())
    }

    #[test]
    fn us_only_classifications_in_transit_need_no_permit() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "CN>KZ>UZ")
            .codes(&["4A994.b"])
            .line(2, &["5A992.c"])
            .try_shipment()?;
        assert_eq!(check(&s), None);
        Ok(())
    }

    #[test]
    fn unlisted_goods_for_a_military_end_use_are_left_to_the_catch_all() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "CN>KZ>UZ")
            .line(2, &[])
            .military_end_use()
            .try_shipment()?;
        assert_eq!(check(&s).map(|f| f.get_lines().to_vec()), Some(vec![1]));
        Ok(())
    }

    #[test]
    fn ordinary_goods_and_routes_avoiding_kazakhstan_need_nothing() -> Result<(), String> {
        assert_eq!(
            check(
                &Doc::new("2024-01-10", "CN>KZ>UZ")
                    .codes(&["EAR99"])
                    .try_shipment()?
            ),
            None
        );
        assert_eq!(
            check(&Doc::new("2024-01-10", "CN>KG>UZ").try_shipment()?),
            None
        );
        assert_eq!(
            check(&Doc::new("2024-01-10", "KZ>UZ").try_shipment()?),
            None,
            "an export, not a transit"
        );
        Ok(())
    }
}
