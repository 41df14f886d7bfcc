//! The catch-all of Law No. 172-VII: goods on no control list, for a military end use.
//!
//! Law No. 172-VII "On control of specific goods" (in force 28 Feb 2023) reaches goods
//! that are not on the control list when they are intended for a military end use: they
//! need a Kazakh licence to leave or cross Kazakhstan like listed goods. A shipment
//! document shows this when it declares the end use military (`end_use.military() = true`)
//! for a line with no multilateral control code (commercial trucks for a foreign army).
//! Such goods are not "weapons, military equipment and military products", so the
//! Defence Industry Commission's suspension of 2022–2023 does not reach them: the
//! outcome is licence_required, never deny.
//!
//! Before 28 Feb 2023 Law No. 300-III governed; whether and how it reached unlisted goods
//! for a military end use is not in our sources, so those shipments are reviewed rather
//! than judged. Russia-bound goods are judged by `russia_ban` while that rule applies,
//! and this rule steps aside for them.

use crate::goods::{self, Goods};
use crate::route::{self, Movement};
use crate::{russia_ban, statute};
use exportctl_sdk::{Finding, Rule, Shipment};

/// Unlisted goods for a declared military end use leaving or crossing Kazakhstan without
/// a Kazakh licence. Each finding cites the law in force on `as_of`.
pub const MILITARY_END_USE_CATCH_ALL: Rule = Rule::new(
    "kz-military-end-use-catch-all",
    "Law of the Republic of Kazakhstan No. 172-VII of 28 Dec 2022 \"On control of specific goods\" \
     (from 28 Feb 2023): catch-all control of goods not on the control list intended for a military \
     end use",
)
.describe("unlisted goods for a declared military end use leaving or crossing Kazakhstan without a licence");

/// Requires a Kazakh licence (export) or permit (transit) for the catch-all lines of a
/// shipment leaving or crossing Kazakhstan; before Law No. 172-VII, a review.
pub fn check(shipment: &Shipment) -> Option<Finding> {
    let movement = route::movement(shipment)?;
    if movement == Movement::Import || russia_ban::applies(shipment) {
        return None;
    }
    let lines =
        goods::without_kz_licence(shipment, goods::select(shipment, |g| g == Goods::CatchAll));
    if lines.is_empty() {
        return None;
    }
    let (moving, permit) = match movement {
        Movement::Transit => ("crossing Kazakhstan", "a Kazakh transit permit"),
        _ => ("exported from Kazakhstan", "a Kazakh export licence"),
    };
    let what = format!(
        "goods on no control list {moving} ({route}) for a declared military end use: {goods}",
        route = route::describe(shipment),
        goods = goods::describe(&lines),
    );
    let finding = if shipment.as_of() >= statute::LAW_172_VII_IN_FORCE {
        MILITARY_END_USE_CATCH_ALL.licence_required(format!(
            "{what}; under the catch-all of Law No. 172-VII {permit} is required and none cited covers \
             these lines; they are not listed military products, so the 2022–2023 suspension of military \
             exports does not apply to them"
        ))
    } else {
        MILITARY_END_USE_CATCH_ALL.review(format!(
            "{what}; on {as_of}, before Law No. 172-VII (in force 28 Feb 2023), Law No. 300-III governed, and \
             whether it required {permit} for unlisted goods with a military end use is not encoded: \
             establish before release",
            as_of = shipment.as_of(),
        ))
    };
    Some(
        finding
            .lines(goods::numbers(&lines))
            .legal_basis(statute::catch_all(shipment.as_of())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    /// Commercial trucks (no control code) for a foreign army.
    fn trucks(date: &str, route: &str) -> Doc {
        Doc::new(date, route).codes(&[]).military_end_use()
    }

    #[test]
    fn trucks_for_a_foreign_army_need_a_licence_not_a_suspension() -> Result<(), String> {
        let finding = check(&trucks("2023-05-15", "KZ>AM").try_shipment()?).ok_or("no finding")?;
        assert_eq!(finding.outcome(), Outcome::LicenceRequired);
        assert_eq!(finding.rule(), "kz-military-end-use-catch-all");
        assert_eq!(finding.get_lines(), [1]);
        assert!(
            finding.message().contains("export licence")
                && finding.message().contains("declared military end use")
                && finding
                    .message()
                    .contains("suspension of military exports does not apply"),
            "{}",
            finding.message()
        );
        assert!(
            finding.get_legal_basis().contains("No. 172-VII")
                && finding.get_legal_basis().contains("catch-all"),
            "{}",
            finding.get_legal_basis()
        );
        Ok(())
    }

    #[test]
    fn from_the_first_day_of_law_172_vii_and_reviewed_the_day_before() -> Result<(), String> {
        let first = check(&trucks("2023-02-28", "KZ>AM").try_shipment()?).ok_or("no finding")?;
        assert_eq!(first.outcome(), Outcome::LicenceRequired);
        let before = check(&trucks("2023-02-27", "KZ>AM").try_shipment()?).ok_or("no finding")?;
        assert_eq!(before.outcome(), Outcome::Review);
        assert!(
            before.get_legal_basis().contains("No. 300-III"),
            "{}",
            before.get_legal_basis()
        );
        Ok(())
    }

    #[test]
    fn transit_needs_a_permit() -> Result<(), String> {
        let finding =
            check(&trucks("2024-03-01", "CN>KZ>UZ").try_shipment()?).ok_or("no finding")?;
        assert_eq!(finding.outcome(), Outcome::LicenceRequired);
        assert!(
            finding.message().contains("transit permit"),
            "{}",
            finding.message()
        );
        Ok(())
    }

    #[test]
    fn a_kazakh_licence_for_the_line_clears_it() -> Result<(), String> {
        let s = trucks("2023-05-15", "KZ>AM")
            .licence("KZ", Some(&[1]), None)
            .try_shipment()?;
        assert_eq!(check(&s), None);
        Ok(())
    }

    #[test]
    fn listed_goods_without_a_military_end_use_and_russia_bound_goods_are_not_its_business()
    -> Result<(), String> {
        let listed = Doc::new("2023-05-15", "KZ>AM")
            .line(2, &["5A002.a"])
            .military_end_use()
            .try_shipment()?;
        assert_eq!(check(&listed), None, "listed goods have their own rules");
        let civil = Doc::new("2023-05-15", "KZ>AM").codes(&[]).try_shipment()?;
        assert_eq!(check(&civil), None);
        let russia = trucks("2023-05-15", "KZ>RU").try_shipment()?;
        assert_eq!(check(&russia), None, "the Russia rule judges them");
        let import = trucks("2023-05-15", "DE>KZ").try_shipment()?;
        assert_eq!(check(&import), None);
        Ok(())
    }
}
