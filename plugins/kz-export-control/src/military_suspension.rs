// ANCHOR: provision
//! The Defence Industry Commission's suspension of military exports
//! (27 Aug 2022 – 31 Aug 2023).
//!
//! On 27 Aug 2022 the Commission, chaired by the Prime Minister, suspended exports
//! of weapons, military equipment and military products from Kazakhstan until the
//! end of August 2023. A suspension is not a licensing regime: while it lasts no
//! licence makes such an export lawful, whatever the destination. No source reports
//! an extension, so the suspension ends on 31 Aug 2023 and the statute's licence
//! requirement (`military_licence`) takes over.

use crate::goods::{self, Goods};
use crate::route;
use exportctl_sdk::{Date, Finding, Period, Rule, Shipment};

/// Exports of military goods from Kazakhstan while the suspension lasts.
pub const MILITARY_EXPORT_SUSPENSION: Rule = Rule::new(
    "kz-military-export-suspension",
    "Decision of the Defence Industry Commission under the Government of the Republic of Kazakhstan \
     of 27 Aug 2022: exports of weapons, military equipment and military products suspended until \
     the end of August 2023",
)
.describe("military goods exported from Kazakhstan while the 2022 suspension lasts");

/// The days the suspension is in force, both ends inclusive.
pub const SUSPENSION: Period = Period::between(Date::ymd(2022, 8, 27), Date::ymd(2023, 8, 31));

/// Denies the military lines of an export from Kazakhstan during the suspension.
pub fn check(shipment: &Shipment) -> Option<Finding> {
    if !SUSPENSION.contains(shipment.as_of()) || !route::exported_from_kz(shipment) {
        return None;
    }
    let lines = goods::select(shipment, |g| g == Goods::Military);
    if lines.is_empty() {
        return None;
    }
    let message = format!(
        "military goods exported from Kazakhstan ({route}) on {as_of}: {goods}; exports of weapons, \
         military equipment and military products are suspended from 27 Aug 2022 to 31 Aug 2023, \
         and no licence lifts the suspension",
        route = route::describe(shipment),
        as_of = shipment.as_of(),
        goods = goods::describe(&lines),
    );
    Some(
        MILITARY_EXPORT_SUSPENSION
            .deny(message)
            .lines(goods::numbers(&lines)),
    )
}

// ANCHOR_END: provision

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    fn on(date: &str) -> Result<Option<Finding>, String> {
        Ok(check(&Doc::new(date, "KZ>AM").try_shipment()?))
    }

    #[test]
    fn denies_military_export_from_first_to_last_day() -> Result<(), String> {
        for date in ["2022-08-27", "2022-11-14", "2023-08-31"] {
            let finding = on(date)?.ok_or(format!("no finding on {date}"))?;
            assert_eq!(finding.outcome(), Outcome::Deny);
            assert_eq!(finding.rule(), "kz-military-export-suspension");
            assert_eq!(finding.get_lines(), [1]);
            assert!(
                finding.message().contains("ML10") && finding.message().contains("KZ → AM"),
                "{}",
                finding.message()
            );
        }
        Ok(())
    }

    #[test]
    fn no_finding_the_day_before_or_after() -> Result<(), String> {
        assert_eq!(on("2022-08-26")?, None);
        assert_eq!(on("2023-09-01")?, None);
        Ok(())
    }

    #[test]
    fn denies_even_with_a_kazakh_licence() -> Result<(), String> {
        let s = Doc::new("2023-01-10", "KZ>AM")
            .licence("KZ", None, None)
            .try_shipment()?;
        assert_eq!(check(&s).map(|f| f.outcome()), Some(Outcome::Deny));
        Ok(())
    }

    #[test]
    fn lists_every_military_line_in_one_finding_and_leaves_dual_use_alone() -> Result<(), String> {
        let s = Doc::new("2023-01-10", "KZ>RU")
            .line(2, &["3A001.a.2"])
            .line(3, &["ML13.d"])
            .line(4, &["9A610.a"])
            .try_shipment()?;
        let finding = check(&s).ok_or("no finding")?;
        assert_eq!(finding.get_lines(), [1, 3, 4]);
        Ok(())
    }

    #[test]
    fn a_declared_military_end_use_does_not_make_unlisted_goods_military_products()
    -> Result<(), String> {
        let trucks = Doc::new("2023-05-15", "KZ>AM")
            .codes(&[])
            .military_end_use()
            .try_shipment()?;
        assert_eq!(check(&trucks), None);
        let listed = Doc::new("2023-05-15", "KZ>AM")
            .line(2, &[])
            .military_end_use()
            .try_shipment()?;
        let finding = check(&listed).ok_or("no finding")?;
        assert_eq!(
            finding.get_lines(),
            [1],
            "only the ML10 line is a military product"
        );
        Ok(())
    }

    #[test]
    fn only_exports_from_kazakhstan() -> Result<(), String> {
        for route in ["KG>KZ>RU", "DE>KZ", "CN>KZ>UZ"] {
            assert_eq!(
                check(&Doc::new("2023-01-10", route).try_shipment()?),
                None,
                "{route}"
            );
        }
        Ok(())
    }

    #[test]
    fn dual_use_and_ordinary_goods_are_not_suspended() -> Result<(), String> {
        let s = Doc::new("2023-01-10", "KZ>AM")
            .codes(&["5A002"])
            .line(2, &[])
            .try_shipment()?;
        assert_eq!(check(&s), None);
        Ok(())
    }
}
