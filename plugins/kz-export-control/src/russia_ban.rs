//! Military and dual-use goods for Russia, leaving or crossing Kazakhstan.
//!
//! Kazakhstan's stated line since 2022: no part in the sanctions against Russia,
//! but no help in circumventing them, "above all not by use of Kazakh territory".
//! Officials and the founding article speak of a complete ban on delivering
//! military and dual-use goods to Russia, with transit across Kazakhstan
//! "categorically excluded", and the ban is enforced: 14 combat drones intercepted
//! on their way from Kyrgyzstan in November 2022, more than 3,000 bulletproof plates
//! seized in 2023. No published statute says so, though, and on 20 Oct 2023 the
//! Ministry of Trade and Integration stated that no prohibitions had been imposed on
//! exports to Russia in relation to the anti-Russia sanctions; the statute requires
//! permits. The setting `russia_military_dual_use` lets a company choose which of
//! the two it applies, and every finding names the one it rests on.
//!
//! The rule applies from 27 Aug 2022. The article dates the ban only to "2022";
//! the Defence Industry Commission's suspension of 27 Aug 2022 is the first dated
//! measure of that year in our sources, and the founding interception (November
//! 2022) falls after it. Backdating a ban to an earlier day of 2022 would rest on
//! nothing; before 27 Aug 2022 the statute's licence requirement applies through
//! the other rules.
//!
//! A shipment is caught when the goods touch Kazakhstan (exported from it, carried
//! across it, or brought into it for re-export) and are bound for Russia (destination
//! Russia, or a consignee or end user there). While this rule applies it is the only
//! rule that judges those lines against Russia-bound movement: the permit rules step
//! aside, so one requirement is not reported twice.

use crate::goods;
use crate::route::{self, Movement};
use crate::settings::RussiaTreatment;
use crate::statute;
use exportctl_sdk::{Date, Finding, PartyPath, Rule, Shipment};

/// Military and dual-use goods to Russia from or across Kazakhstan. The legal basis
/// declared here is the stated policy (the default); under
/// [`RussiaTreatment::LicenceRequired`] a finding cites the statute instead.
pub const RUSSIA_MILITARY_DUAL_USE: Rule = Rule::new(
    "kz-russia-military-dual-use",
    "Stated policy of the Republic of Kazakhstan since 2022 (applied from 27 Aug 2022): no supply of \
     military or dual-use goods to Russia and no transit of them across Kazakh territory, enforced by \
     interceptions (14 combat drones, Nov 2022; more than 3,000 bulletproof plates, 2023); stated \
     policy and enforcement practice, not a published statute (Ministry of Trade and Integration, \
     20 Oct 2023: no prohibitions imposed on exports to Russia in relation to the anti-Russia sanctions)",
)
.describe("military or dual-use goods to Russia from or across Kazakhstan");

/// First day the rule applies.
pub const APPLIES_FROM: Date = Date::ymd(2022, 8, 27);

/// Whether the rule covers this shipment's route on its `as_of` date, whatever its
/// goods. The permit rules use this to step aside.
pub fn applies(shipment: &Shipment) -> bool {
    shipment.as_of() >= APPLIES_FROM
        && route::movement(shipment).is_some()
        && route::bound_for_russia(shipment)
}

/// Judges the military and dual-use lines of a Russia-bound shipment that leaves,
/// crosses or enters Kazakhstan.
pub fn check(shipment: &Shipment, treatment: RussiaTreatment) -> Option<Finding> {
    if !applies(shipment) {
        return None;
    }
    let movement = route::movement(shipment)?;
    let controlled = goods::specific_goods(shipment);
    let lines = match treatment {
        RussiaTreatment::Deny => controlled,
        RussiaTreatment::LicenceRequired => goods::without_kz_licence(shipment, controlled),
    };
    if lines.is_empty() {
        return None;
    }
    let parties = route::russian_parties(shipment);
    let what = format!(
        "{noun} {movement} ({route}{parties}): {goods}",
        noun = goods::noun(shipment, &lines),
        movement = describe_movement(movement),
        route = route::describe(shipment),
        parties = describe_parties(&parties),
        goods = goods::describe(&lines),
    );
    let finding = match treatment {
        RussiaTreatment::Deny => RUSSIA_MILITARY_DUAL_USE.deny(format!(
            "{what}; denied on Kazakhstan's stated policy and enforcement practice since 2022 (no supply \
             to Russia, no transit across Kazakhstan), not a published statute, so no Kazakh licence \
             lifts it; setting `russia_military_dual_use = \"licence_required\"` applies the statute's \
             permit requirement instead"
        )),
        RussiaTreatment::LicenceRequired => {
            let (permit, basis) = match movement {
                Movement::Export => ("a Kazakh export licence", statute::export_licence(shipment.as_of())),
                Movement::Import => ("a Kazakh re-export licence", statute::export_licence(shipment.as_of())),
                Movement::Transit => ("a Kazakh transit permit", statute::transit_permit(shipment.as_of())),
            };
            RUSSIA_MILITARY_DUAL_USE
                .licence_required(format!(
                    "{what}; {permit} is required by statute and none cited covers these lines \
                     (setting `russia_military_dual_use = \"licence_required\"`: the statute's permit \
                     requirement, not the stated ban)"
                ))
                .legal_basis(basis)
        }
    };
    Some(
        parties
            .into_iter()
            .fold(finding.lines(goods::numbers(&lines)), Finding::party),
    )
}

fn describe_movement(movement: Movement) -> &'static str {
    match movement {
        Movement::Export => "exported from Kazakhstan for Russia",
        Movement::Transit => "crossing Kazakhstan for Russia",
        Movement::Import => "brought into Kazakhstan for re-export to Russia",
    }
}

fn describe_parties(parties: &[PartyPath]) -> String {
    parties.iter().map(|p| format!("; {p} in RU")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    const DENY: RussiaTreatment = RussiaTreatment::Deny;
    const LICENCE: RussiaTreatment = RussiaTreatment::LicenceRequired;

    #[test]
    fn denies_the_founding_case_drones_from_kyrgyzstan_across_kazakhstan() -> Result<(), String> {
        let s = Doc::new("2022-11-14", "KG>KZ>RU")
            .military_end_use()
            .try_shipment()?;
        let finding = check(&s, DENY).ok_or("no finding")?;
        assert_eq!(finding.outcome(), Outcome::Deny);
        assert_eq!(finding.rule(), "kz-russia-military-dual-use");
        assert_eq!(finding.get_lines(), [1]);
        assert_eq!(finding.get_parties(), ["consignee"]);
        assert!(
            finding
                .message()
                .contains("crossing Kazakhstan for Russia (KG → KZ → RU"),
            "{}",
            finding.message()
        );
        assert!(finding.message().contains("ML10"), "{}", finding.message());
        assert!(
            finding.message().contains("not a published statute"),
            "{}",
            finding.message()
        );
        assert!(
            finding
                .get_legal_basis()
                .contains("not a published statute"),
            "{}",
            finding.get_legal_basis()
        );
        Ok(())
    }

    #[test]
    fn applies_from_27_august_2022() -> Result<(), String> {
        let before = Doc::new("2022-08-26", "KZ>RU")
            .codes(&["3A001.a.2"])
            .try_shipment()?;
        assert_eq!(check(&before, DENY), None);
        assert!(!applies(&before));
        let first = Doc::new("2022-08-27", "KZ>RU")
            .codes(&["3A001.a.2"])
            .try_shipment()?;
        assert_eq!(
            check(&first, DENY).map(|f| f.outcome()),
            Some(Outcome::Deny)
        );
        Ok(())
    }

    #[test]
    fn still_applies_after_the_military_suspension_ends() -> Result<(), String> {
        let s = Doc::new("2023-09-01", "KZ>RU").try_shipment()?;
        assert_eq!(check(&s, DENY).map(|f| f.outcome()), Some(Outcome::Deny));
        Ok(())
    }

    #[test]
    fn a_kazakh_licence_does_not_cure_the_stated_ban() -> Result<(), String> {
        let s = Doc::new("2024-03-01", "KZ>RU")
            .codes(&["5A002"])
            .licence("KZ", None, None)
            .try_shipment()?;
        assert_eq!(check(&s, DENY).map(|f| f.outcome()), Some(Outcome::Deny));
        Ok(())
    }

    #[test]
    fn export_to_a_third_country_with_a_russian_end_user() -> Result<(), String> {
        let s = Doc::new("2024-03-01", "KZ>AM")
            .codes(&["3A001.a.2"])
            .end_user("RU")
            .try_shipment()?;
        let finding = check(&s, DENY).ok_or("no finding")?;
        assert_eq!(finding.get_parties(), ["end_user"]);
        assert!(
            finding.message().contains("end_user in RU"),
            "{}",
            finding.message()
        );
        Ok(())
    }

    #[test]
    fn export_to_a_russian_consignee_outside_russia() -> Result<(), String> {
        let s = Doc::new("2024-03-01", "KZ>AM")
            .codes(&["3A001.a.2"])
            .consignee("RU")
            .end_user("AM")
            .try_shipment()?;
        assert_eq!(
            check(&s, DENY).map(|f| f.get_parties().to_vec()),
            Some(vec!["consignee".to_owned()])
        );
        Ok(())
    }

    #[test]
    fn transit_towards_a_russian_end_user() -> Result<(), String> {
        let s = Doc::new("2024-03-01", "CN>KZ>KG")
            .codes(&["3A001.a.2"])
            .end_user("RU")
            .try_shipment()?;
        assert_eq!(check(&s, DENY).map(|f| f.outcome()), Some(Outcome::Deny));
        Ok(())
    }

    #[test]
    fn import_into_kazakhstan_for_a_russian_end_user_is_a_planned_re_export() -> Result<(), String>
    {
        let s = Doc::new("2024-06-03", "DE>KZ")
            .codes(&["3A001.b.1.a"])
            .end_user("RU")
            .try_shipment()?;
        let finding = check(&s, DENY).ok_or("no finding")?;
        assert!(
            finding.message().contains("re-export to Russia"),
            "{}",
            finding.message()
        );
        Ok(())
    }

    #[test]
    fn no_finding_for_import_into_kazakhstan_for_a_kazakh_end_user() -> Result<(), String> {
        let s = Doc::new("2024-06-03", "DE>KZ")
            .codes(&["3A001.a.2"])
            .end_user("KZ")
            .try_shipment()?;
        assert_eq!(check(&s, DENY), None);
        Ok(())
    }

    #[test]
    fn no_finding_for_routes_that_avoid_kazakhstan() -> Result<(), String> {
        let s = Doc::new("2024-03-01", "CN>MN>RU")
            .codes(&["3A001.a.2"])
            .try_shipment()?;
        assert!(!applies(&s));
        assert_eq!(check(&s, DENY), None);
        Ok(())
    }

    #[test]
    fn ordinary_goods_to_russia_are_lawful() -> Result<(), String> {
        let s = Doc::new("2024-03-01", "KZ>RU")
            .codes(&[])
            .line(2, &["EAR99"])
            .try_shipment()?;
        assert!(applies(&s), "the route is covered; the goods are not");
        assert_eq!(check(&s, DENY), None);
        Ok(())
    }

    #[test]
    fn us_only_classifications_to_russia_are_neither_denied_nor_licensed() -> Result<(), String> {
        // Smartphones (5A992.c, mass-market encryption) from a Kazakh distributor to a
        // Russian retailer; computers (4A994.b) across Kazakhstan.
        for (route, code) in [
            ("KZ>RU", "5A992.c"),
            ("KG>KZ>RU", "4A994.b"),
            ("KZ>RU", "3A991.a"),
        ] {
            let s = Doc::new("2024-03-01", route)
                .codes(&[code])
                .try_shipment()?;
            assert_eq!(check(&s, DENY), None, "{route} {code}");
            assert_eq!(check(&s, LICENCE), None, "{route} {code}");
        }
        Ok(())
    }

    #[test]
    fn unlisted_goods_for_a_military_end_use_in_russia_count_as_controlled() -> Result<(), String> {
        let s = Doc::new("2023-05-15", "KZ>RU")
            .codes(&[])
            .military_end_use()
            .try_shipment()?;
        let finding = check(&s, DENY).ok_or("no finding")?;
        assert!(
            finding.message().starts_with(
                "unlisted goods for a military end use exported from Kazakhstan for Russia"
            ),
            "{}",
            finding.message()
        );
        Ok(())
    }

    #[test]
    fn lists_only_the_controlled_lines() -> Result<(), String> {
        let s = Doc::new("2024-03-01", "KZ>RU")
            .codes(&[])
            .line(2, &["9A012"])
            .line(3, &["ML13.d"])
            .try_shipment()?;
        assert_eq!(
            check(&s, DENY).map(|f| f.get_lines().to_vec()),
            Some(vec![2, 3])
        );
        Ok(())
    }

    #[test]
    fn licence_required_setting_cites_the_statute_for_export() -> Result<(), String> {
        let s = Doc::new("2024-03-01", "KZ>RU")
            .codes(&["5A002"])
            .try_shipment()?;
        let finding = check(&s, LICENCE).ok_or("no finding")?;
        assert_eq!(finding.outcome(), Outcome::LicenceRequired);
        assert!(
            finding.get_legal_basis().contains("No. 172-VII"),
            "{}",
            finding.get_legal_basis()
        );
        assert!(
            !finding.get_legal_basis().contains("stated policy"),
            "{}",
            finding.get_legal_basis()
        );
        assert!(
            finding.message().contains("export licence"),
            "{}",
            finding.message()
        );
        Ok(())
    }

    #[test]
    fn licence_required_setting_cites_order_308_for_transit() -> Result<(), String> {
        let s = Doc::new("2023-05-02", "KG>KZ>RU")
            .codes(&["9A012"])
            .try_shipment()?;
        let finding = check(&s, LICENCE).ok_or("no finding")?;
        assert!(
            finding.get_legal_basis().contains("Order No. 308"),
            "{}",
            finding.get_legal_basis()
        );
        assert!(
            finding.message().contains("transit permit"),
            "{}",
            finding.message()
        );
        Ok(())
    }

    #[test]
    fn licence_required_setting_asks_a_re_export_licence_for_goods_brought_into_kazakhstan()
    -> Result<(), String> {
        let s = Doc::new("2024-06-03", "DE>KZ")
            .codes(&["3A001.a.2"])
            .end_user("RU")
            .try_shipment()?;
        let finding = check(&s, LICENCE).ok_or("no finding")?;
        assert!(
            finding.message().contains("re-export licence"),
            "{}",
            finding.message()
        );
        assert!(
            finding.get_legal_basis().contains("No. 172-VII"),
            "{}",
            finding.get_legal_basis()
        );
        Ok(())
    }

    #[test]
    fn licence_required_setting_cites_the_2007_law_before_28_february_2023() -> Result<(), String> {
        let s = Doc::new("2022-12-01", "KZ>RU")
            .codes(&["5A002"])
            .try_shipment()?;
        let finding = check(&s, LICENCE).ok_or("no finding")?;
        assert!(
            finding.get_legal_basis().contains("No. 300-III"),
            "{}",
            finding.get_legal_basis()
        );
        Ok(())
    }

    #[test]
    fn licence_required_setting_is_cleared_by_a_kazakh_licence_for_the_line() -> Result<(), String>
    {
        let covered = Doc::new("2024-03-01", "KZ>RU")
            .codes(&["5A002"])
            .licence("KZ", Some(&[1]), None)
            .try_shipment()?;
        assert_eq!(check(&covered, LICENCE), None);
        Ok(())
    }

    #[test]
    fn licence_required_setting_ignores_foreign_expired_or_other_line_licences()
    -> Result<(), String> {
        let docs = [
            Doc::new("2024-03-01", "KZ>RU")
                .codes(&["5A002"])
                .licence("EU", None, None),
            Doc::new("2024-03-01", "KZ>RU").codes(&["5A002"]).licence(
                "KZ",
                None,
                Some("2024-02-29"),
            ),
            Doc::new("2024-03-01", "KZ>RU")
                .codes(&["5A002"])
                .line(2, &["5A002"])
                .licence("KZ", Some(&[2]), None),
        ];
        for doc in docs {
            let finding = check(&doc.try_shipment()?, LICENCE).ok_or("no finding")?;
            assert_eq!(finding.outcome(), Outcome::LicenceRequired);
            assert_eq!(finding.get_lines(), [1]);
        }
        Ok(())
    }

    #[test]
    fn a_licence_valid_on_the_day_counts() -> Result<(), String> {
        let s = Doc::new("2024-03-01", "KZ>RU")
            .codes(&["5A002"])
            .licence("KZ", None, Some("2024-03-01"))
            .try_shipment()?;
        assert_eq!(check(&s, LICENCE), None);
        Ok(())
    }
}
