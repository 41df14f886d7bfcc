//! `kz-export-control`: Kazakhstan's control of military and dual-use goods.
//!
//! Five measures, one module each (see README.md for coverage, limits and the legal
//! basis of every rule):
//!
//! - [`military_suspension`]: the Defence Industry Commission's suspension of
//!   military exports, 27 Aug 2022 – 31 Aug 2023 (deny).
//! - [`military_licence`] and [`dual_use_licence`]: the export licence of Law
//!   No. 172-VII (before 28 Feb 2023, Law No. 300-III) (licence required).
//! - [`transit_permit`]: the transit permit (Law No. 172-VII, Order No. 308)
//!   (licence required).
//! - [`catch_all`]: goods on no list for a declared military end use (the catch-all of
//!   Law No. 172-VII) (licence required; review before the law).
//! - [`russia_ban`]: military and dual-use goods for Russia from or across
//!   Kazakhstan: the stated ban (deny) or, by setting, the statute's permit.
//!
//! Shared vocabulary: [`goods`] (which lines are military, dual-use or caught by the
//! catch-all; US-only classifications are none of these), [`route`]
//! (export, transit, import; Russia-bound) and [`statute`] (which law is in force).

pub mod catch_all;
pub mod dual_use_licence;
pub mod goods;
pub mod military_licence;
pub mod military_suspension;
pub mod route;
pub mod russia_ban;
pub mod settings;
pub mod statute;
#[cfg(test)]
mod test_support;
pub mod transit_permit;

use exportctl_sdk::{Date, Finding, Metadata, Policy, Rule, Shipment};
pub use settings::{RussiaTreatment, Settings};

/// The `kz-export-control` policy.
#[derive(Debug, Clone)]
pub struct KzExportControl {
    settings: Settings,
}

// ANCHOR: policy
impl Policy for KzExportControl {
    type Settings = Settings;
    const RULES: &'static [Rule] = &[
        military_suspension::MILITARY_EXPORT_SUSPENSION,
        military_licence::MILITARY_EXPORT_LICENCE,
        dual_use_licence::DUAL_USE_EXPORT_LICENCE,
        catch_all::MILITARY_END_USE_CATCH_ALL,
        transit_permit::TRANSIT_PERMIT,
        russia_ban::RUSSIA_MILITARY_DUAL_USE,
    ];
    // ANCHOR_END: policy

    // ANCHOR: metadata
    fn metadata() -> Metadata {
        Metadata {
            id: "kz-export-control",
            name: "Kazakhstan export control: military and dual-use goods, transit, Russia",
            version: env!("CARGO_PKG_VERSION"),
            publisher: "exportctl project",
            jurisdiction: "KZ",
            legal_basis: "Law of the Republic of Kazakhstan No. 172-VII of 28 Dec 2022 \"On control of \
                 specific goods\" (in force 28 Feb 2023; before it Law No. 300-III \"On export control\", \
                 2007); Order No. 308 of the Ministry of Industry and Infrastructure Development of \
                 28 Apr 2023 (transit permits); Defence Industry Commission decision of 27 Aug 2022 \
                 (military export suspension to 31 Aug 2023); Kazakhstan's stated policy since 2022 on \
                 military and dual-use goods to Russia (not a published statute)",
            // The licence and permit rules reach back to Law No. 300-III (21 Jul 2007);
            // the suspension (from 27 Aug 2022) and the Russia rule (applied from the same
            // day) check their own dates.
            valid_from: Date::ymd(2007, 7, 21),
            valid_to: None,
            sources: &[
                "Law of the Republic of Kazakhstan No. 172-VII of 28 Dec 2022 \"On control of specific \
                 goods\", in force 28 Feb 2023 (export, re-export, import, transit, brokering, technical \
                 assistance; licences and permits; catch-all)",
                "Law of the Republic of Kazakhstan No. 300-III \"On export control\" (2007), replaced on \
                 28 Feb 2023",
                "Government Decree No. 592 of 14 Jul 2023 (control list of specific goods, in force about \
                 30 Jul 2023), replacing Decree No. 104 (2008): cited, not embedded",
                "Order No. 308 of the Ministry of Industry and Infrastructure Development of 28 Apr 2023 \
                 (permits for the transit of specific goods)",
                "Decision of the Defence Industry Commission of 27 Aug 2022 (exports of weapons, military \
                 equipment and military products suspended until the end of August 2023)",
                "Ministry of Trade and Integration statement of 20 Oct 2023 (no prohibitions on exports \
                 to Russia in relation to the anti-Russia sanctions; dual-use exports need permits)",
                "\"Zwischen Ost und West - Selbstbestimmt und Neutral\" (2023): ban on military and \
                 dual-use goods to Russia since 2022, transit across Kazakhstan excluded; 14 combat drones \
                 intercepted Nov 2022, more than 3,000 bulletproof plates seized 2023",
                "EU Common Military List (ML1-ML22) and Reg. (EU) 2021/821 Annex I: the control-code \
                 shapes used to classify lines",
            ],
            limitations: &[
                "the Kazakh control list (Government Decree No. 592 of 14 Jul 2023; Decree No. 104 of \
                 2008 before it) is not machine-readable in our data: lines are classified by the shape of \
                 their EU/US control codes (ML1-ML22 and US 600-series/0x5zz/9x515 as military; codes of the \
                 multilateral lists, EU Annex I entries and ECCNs numbered 0xx-4xx, as dual-use); US-only \
                 classifications (x9xx ECCNs such as 0A919, 3A991, 4A994, 5A992, 5D992; 3A090, 4A090, 4D090, \
                 4E091; EAR99) have no counterpart on the multilateral-based Kazakh list and make no finding; \
                 an item listed only nationally in Kazakhstan, or carrying no such code, is missed",
                "the reported list of \"104/106 dual-use goods\" banned for Russia (2023) is unverified \
                 and disowned by the ministry: not encoded",
                "the ban on military and dual-use goods to Russia (default deny) rests on stated policy \
                 and enforcement practice, not a published statute; it is applied from 27 Aug 2022 (the \
                 sources say only \"2022\"); setting russia_military_dual_use = \"licence_required\" \
                 applies the statute's permit requirement instead",
                "the catch-all of Law No. 172-VII for unlisted goods is encoded only for a declared \
                 military end use (end_use.military = true): such lines need a Kazakh licence or transit \
                 permit (licence_required), are not military products under the 2022-2023 suspension, and \
                 count as controlled goods for the Russia rule; before 28 Feb 2023 they are reviewed, the \
                 reach of Law No. 300-III over unlisted goods not being in our sources; notification by the \
                 authority and WMD end uses are not encoded",
                "the military export suspension is taken to end on 31 Aug 2023: no source reports an \
                 extension",
                "import, brokering and technical assistance under Law No. 172-VII are not encoded; goods \
                 brought into Kazakhstan are judged only when bound for Russia (a consignee or end user \
                 there), as a planned re-export",
                "before 27 Aug 2022 only the licence and permit requirements are applied, citing Law \
                 No. 300-III (2007), whose text, including its transit permit, was not read in the \
                 primary source; the policy is not a full encoding of pre-2022 law; it is in force from \
                 21 Jul 2007, the date of Law No. 300-III, which is not in the project's law summary",
                "Order No. 308 is applied from its date, 28 Apr 2023; its in-force date after \
                 publication is not verified",
                "a licence counts when its jurisdiction is KZ, it covers the line and is valid on the \
                 shipment date; its kind (export licence or transit permit) and goods are not checked",
                "Kazakhstan and Russia are both in the Eurasian Economic Union, with no customs border: \
                 no rule assumes a customs check, and the route is taken as declared",
                "parties are not screened against restricted-party lists",
            ],
        }
    }
    // ANCHOR_END: metadata

    fn new(settings: Settings) -> Result<Self, String> {
        Ok(KzExportControl { settings })
    }

    // ANCHOR: evaluate
    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        [
            military_suspension::check(shipment),
            military_licence::check(shipment),
            russia_ban::check(shipment, self.settings.russia_military_dual_use),
            dual_use_licence::check(shipment),
            transit_permit::check(shipment),
            catch_all::check(shipment),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
    // ANCHOR_END: evaluate
}

exportctl_sdk::export_policy!(KzExportControl);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::{Outcome, Rule, configure};

    const RULES: [Rule; 6] = [
        military_suspension::MILITARY_EXPORT_SUSPENSION,
        military_licence::MILITARY_EXPORT_LICENCE,
        russia_ban::RUSSIA_MILITARY_DUAL_USE,
        dual_use_licence::DUAL_USE_EXPORT_LICENCE,
        transit_permit::TRANSIT_PERMIT,
        catch_all::MILITARY_END_USE_CATCH_ALL,
    ];

    #[test]
    fn rule_ids_are_valid_and_unique() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(Rule::is_valid_id(rule.id), "{}", rule.id);
            assert!(rule.id.starts_with("kz-"), "{}", rule.id);
            assert!(!rule.legal_basis.is_empty(), "{}", rule.id);
            assert!(
                RULES[..i].iter().all(|r| r.id != rule.id),
                "duplicate {}",
                rule.id
            );
        }
    }

    #[test]
    fn metadata_names_the_policy_and_its_limits() {
        let m = KzExportControl::metadata();
        assert_eq!(m.id, "kz-export-control");
        assert_eq!(m.version, "1.0.0");
        assert_eq!(m.jurisdiction, "KZ");
        assert_eq!(m.valid_from, Date::ymd(2007, 7, 21));
        assert!(m.limitations.iter().any(|l| l.contains("Decree No. 592")));
        assert!(m.limitations.iter().any(|l| l.contains("104/106")));
        assert!(
            m.limitations
                .iter()
                .any(|l| l.contains("Eurasian Economic Union"))
        );
    }

    #[test]
    fn suspension_and_russia_ban_both_report_military_exports_to_russia() -> Result<(), String> {
        let policy = configure::<KzExportControl>("{}")?;
        let findings = policy.evaluate(&Doc::new("2022-11-14", "KZ>RU").try_shipment()?);
        let rules: Vec<&str> = findings.iter().map(|f| f.rule()).collect();
        assert_eq!(
            rules,
            [
                "kz-military-export-suspension",
                "kz-russia-military-dual-use"
            ]
        );
        assert!(findings.iter().all(|f| f.outcome() == Outcome::Deny));
        Ok(())
    }

    #[test]
    fn the_setting_switches_the_russia_rule_to_the_statute() -> Result<(), String> {
        let policy =
            configure::<KzExportControl>(r#"{"russia_military_dual_use": "licence_required"}"#)?;
        let findings = policy.evaluate(
            &Doc::new("2024-01-10", "KZ>RU")
                .codes(&["5A002"])
                .try_shipment()?,
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings.iter().map(|f| f.outcome()).max(),
            Some(Outcome::LicenceRequired)
        );
        Ok(())
    }

    #[test]
    fn mixed_export_during_the_suspension_denies_military_and_licenses_dual_use()
    -> Result<(), String> {
        let policy = configure::<KzExportControl>("{}")?;
        let findings = policy.evaluate(
            &Doc::new("2023-03-01", "KZ>AM")
                .line(2, &["5A002"])
                .try_shipment()?,
        );
        let summary: Vec<(&str, Outcome, Vec<u32>)> = findings
            .iter()
            .map(|f| (f.rule(), f.outcome(), f.get_lines().to_vec()))
            .collect();
        assert_eq!(
            summary,
            [
                ("kz-military-export-suspension", Outcome::Deny, vec![1]),
                (
                    "kz-dual-use-export-licence",
                    Outcome::LicenceRequired,
                    vec![2]
                ),
            ]
        );
        Ok(())
    }

    #[test]
    fn rejects_a_misspelt_setting() {
        let err = configure::<KzExportControl>(r#"{"russia": "deny"}"#)
            .err()
            .unwrap_or_default();
        assert!(err.contains("unknown field `russia`"), "{err}");
    }
}
