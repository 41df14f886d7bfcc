//! `us-ear`: licence requirements of the US Export Administration Regulations (EAR).
//!
//! For every line subject to the EAR ([`de_minimis`]: US exporter or shipment origin, US
//! origin, or US content above the de minimis level) the policy runs, per destination
//! (the declared destination and the end user's country, see [`destination`]):
//!
//! - [`licence_determination`]: the ECCN's reasons for control × the destination's
//!   Country Chart row (`us-ear-country-chart`), and destinations the ECCN names itself
//!   (`us-ear-eccn-destinations`) (15 CFR 738.4);
//! - [`russia_belarus`]: every CCL item to Russia or Belarus, EAR99 items for review
//!   (`us-ear-russia-belarus`, 15 CFR 746.8), from the dates in
//!   [`sanctioned_destinations`], which the de minimis levels read too;
//! - [`embargoes`]: Cuba, Iran, North Korea, Syria (`us-ear-embargo`, part 746);
//! - [`covered_regions`]: Crimea and the covered regions of Ukraine by party region
//!   (`us-ear-ukraine-covered-regions`, 15 CFR 746.6);
//! - [`not_determined`]: what the tables cannot decide, for review
//!   (`us-ear-not-determined`).
//!
//! A licence with jurisdiction `US` that covers the line on the shipment date clears the
//! line in every rule. The embedded data ([`ccl`], [`country_chart`], [`country_groups`])
//! is the eCFR issue of 2026-07-23, generated into Rust tables by `build.rs`.

pub mod ccl;
pub mod country_chart;
pub mod country_groups;
pub mod covered_regions;
pub mod de_minimis;
pub mod destination;
pub mod embargoes;
pub mod licence_determination;
pub mod not_determined;
pub mod russia_belarus;
pub mod sanctioned_destinations;
pub mod settings;
pub mod text;

#[cfg(test)]
mod testing;

use exportctl_sdk::{Date, Finding, Metadata, Outcome, Policy, Rule, Shipment};
pub use settings::{Ear99Treatment, Settings, Undetermined};
use std::collections::BTreeSet;

/// The first law date the policy judges: the day Hong Kong's row left the Country Chart
/// (85 FR 83788, 23 Dec 2020). The embedded Chart has had its present set of rows since;
/// before it, Hong Kong was a destination of its own and the tables would mislead.
pub const VALID_FROM: Date = Date::ymd(2020, 12, 23);

/// The `us-ear` policy: built from [`Settings`], evaluates shipments.
#[derive(Debug, Clone)]
pub struct UsEar {
    settings: Settings,
}

impl Policy for UsEar {
    type Settings = Settings;
    const RULES: &'static [Rule] = &[
        embargoes::EMBARGO,
        russia_belarus::RUSSIA_BELARUS,
        covered_regions::COVERED_REGIONS,
        licence_determination::COUNTRY_CHART,
        licence_determination::ECCN_DESTINATIONS,
        not_determined::NOT_DETERMINED,
    ];

    fn metadata() -> Metadata {
        Metadata {
            id: "us-ear",
            name: "US Export Administration Regulations: Country Chart licence determination, part 746 embargoes and Russia/Belarus sanctions",
            version: env!("CARGO_PKG_VERSION"),
            publisher: "exportctl bundled policies",
            jurisdiction: "US",
            legal_basis: "15 CFR parts 730-774 (Export Administration Regulations): 734.3 and 734.4 (items subject to \
                 the EAR, de minimis), 738.3-738.4 and Supp. No. 1 to part 738 (Commerce Country Chart), Supp. No. 1 to \
                 part 740 (Country Groups), 742 (reasons for control), 746.2, 746.4, 746.6, 746.7, 746.8, 746.9 \
                 (embargoes and sanctions), Supp. No. 1 to part 774 (Commerce Control List); eCFR issue of 2026-07-23",
            // 23 Dec 2020 (85 FR 83788): from that day the Chart has no Hong Kong row, as the
            // embedded one; every dated rule the policy encodes (Russia/Belarus 2022, the
            // covered regions of Ukraine 2022, de minimis for .y items 2024, Syria 2025)
            // falls after it and is checked against `as_of`.
            valid_from: VALID_FROM,
            valid_to: None,
            sources: &[
                "Commerce Control List, 15 CFR 774 Supp. No. 1, eCFR issue of 2026-07-23: 633 ECCNs with their reasons for \
                 control and licence-requirement rows (policies/data/us_ear/ccl_licence-requirements_2026-07-23.jsonl)",
                "Commerce Country Chart, 15 CFR 738 Supp. No. 1, eCFR issue of 2026-07-23: 196 graded rows, 4 embargoed rows, \
                 footnotes 1-10 (policies/data/us_ear/country-chart_2026-07-23.json)",
                "Country Groups A:5, A:6, D:1, D:4, D:5, E:1, E:2, 15 CFR 740 Supp. No. 1, eCFR issue of 2026-07-23 \
                 (policies/data/us_ear/country-groups_2026-07-23.json)",
                "Federal Register: 87 FR 12226 (Russia, 24 Feb 2022), 87 FR 13048 (Belarus, 2 Mar 2022), 87 FR 22130 \
                 (all CCL categories, 8 Apr 2022), 89 FR 51644 (746.8 consolidated, 12 Jun 2024), 85 FR 83788 (Hong Kong, \
                 23 Dec 2020); BIS rules of 23 Jan 2024 (.y items, de minimis) and 2 Sep 2025 (Syria, License Exception SPP)",
            ],
            limitations: &[
                "the CCL, Country Chart and Country Groups are the eCFR issue of 2026-07-23, applied to every law date from \
                 23 Dec 2020: amendments between the law date and that issue (entries added, rows changed) are not \
                 encoded; only the dated rules named in the sources are",
                "EAR99 items to Russia/Belarus: the HTS-based Supplements No. 2, 4, 5 and 6 to part 746 are not available \
                 as data and are not encoded; EAR99 lines are reported for review by default (setting \
                 ear99_russia_belarus), and the CHPL is not taken as a stand-in for them",
                "License Exceptions (part 740) are not evaluated: a requirement is reported even where an exception such \
                 as ENC, LVS, GBS, STA or, for Syria from 2 Sep 2025, SPP may apply (SPP turns EAR99 lines to Syria into \
                 review); a licence counts when its jurisdiction is US, it lists the line (or all lines) and is valid on \
                 the shipment date; its scope and conditions are not checked",
                "end-use and end-user controls (part 744: Entity List, military end users, Russian/Belarusian end uses, \
                 744.8 SDNs) are left to party screening and are not encoded here",
                "the foreign direct product rules (734.9, including the Russia/Belarus rule 734.9(f)) are not encoded: a \
                 foreign-made item they catch is not subject to the EAR here unless its US content exceeds the de minimis \
                 level; other de minimis exclusions of 734.4(a) (e.g. 600-series items to D:5 destinations other than \
                 Russia/Belarus) are not encoded",
                "items are subject to the EAR when the exporter or the shipment origin is the United States, the line's \
                 origin is US, or us_content_percent exceeds the de minimis level (25 %; 10 % for E:1/E:2; 0 % for \
                 600-series and 9x515 items to Russia/Belarus, .y items from 23 Jan 2024); us_content_percent is read as \
                 controlled US content, and a foreign line without it has none; the 0 % level is applied from the line's \
                 own ECCN, not from the US parts it incorporates",
                "deemed exports and reexports (release of technology to foreign persons), in-country transfers and \
                 transit are not judged: only the declared destination and the end user's country",
                "ECCN-shaped codes are read as ECCNs when the item is subject to the EAR (EU Annex I codes share the shape \
                 but may classify differently); Military List (ML) codes are ignored; an ECCN row whose coverage is not \
                 an exact list of the entry's paragraphs (technical parameters, end uses, software for other entries) or a \
                 line that gives no paragraph yields review, not licence_required; a row confined by its text to named \
                 paragraphs is read as covering nothing outside them (37 rows; a row with a clause that names none stays \
                 conditional)",
                "requirements the CCL refers elsewhere (742.15 encryption, 742.18 CWC, 742.14 significant items, 746.1(b) \
                 UN controls, short supply, ITAR entries) are not encoded and are reported for review \
                 (us-ear-not-determined) unless another finding already requires a licence for the line",
                "Country Chart footnotes 7 (India) and 10 (Australia, United Kingdom) are encoded; footnotes 2-4 (thermal \
                 imaging cameras, 0A919) are not",
                "North Korea and the Crimea/covered regions exempt food and medicine designated EAR99: lines in HS chapters \
                 01-22 or 30 are reported for review instead; EAR99 internet-communications software is not recognised",
                "the covered regions are found by the ISO 3166-2 region of the consignee, end user or an intermediate \
                 consignee: UA-43, UA-40 (Crimea: licence required); UA-14, UA-09 name whole oblasts of which 746.6 covers \
                 only the so-called DNR/LNR regions (from 24 Feb 2022), so they give review; without such a region, an \
                 address naming Crimea, Sevastopol or the so-called DNR/LNR (a short list of place names, Latin or \
                 Cyrillic) gives review quoting it; Iran's EAR99 items may need OFAC rather than BIS authorisation, which \
                 the policy does not distinguish",
            ],
        }
    }

    fn new(settings: Settings) -> Result<Self, String> {
        Ok(UsEar { settings })
    }

    /// Runs the rules; the Chart rules report first. A review that only says a row may
    /// apply is not given for a line another finding already requires a licence for: the
    /// Chart rules skip lines the part 746 rules decide, and the not-determined rule (last)
    /// skips lines any rule decides.
    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        let mut part_746 = russia_belarus::check(shipment, self.settings.ear99_russia_belarus);
        part_746.extend(embargoes::check(shipment));
        part_746.extend(covered_regions::check(shipment));
        let mut findings = licence_determination::check(shipment, &licensed(&part_746));
        findings.extend(part_746);
        if self.settings.undetermined == Undetermined::Review {
            findings.extend(not_determined::check(shipment, &licensed(&findings)));
        }
        findings
    }
}

/// The lines `findings` require a licence for (or deny).
fn licensed(findings: &[Finding]) -> BTreeSet<u32> {
    findings
        .iter()
        .filter(|f| f.outcome() >= Outcome::LicenceRequired)
        .flat_map(|f| f.get_lines().iter().copied())
        .collect()
}

exportctl_sdk::export_policy!(UsEar);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Doc, DocExt as _};
    use exportctl_sdk::{Rule, configure};

    const RULES: [Rule; 6] = [
        licence_determination::COUNTRY_CHART,
        licence_determination::ECCN_DESTINATIONS,
        russia_belarus::RUSSIA_BELARUS,
        embargoes::EMBARGO,
        covered_regions::COVERED_REGIONS,
        not_determined::NOT_DETERMINED,
    ];

    fn evaluate(settings: &str, doc: Doc) -> Vec<Finding> {
        configure::<UsEar>(settings)
            .unwrap()
            .evaluate(&doc.shipment())
    }

    fn rules(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.rule()).collect()
    }

    #[test]
    fn rule_ids_are_valid_unique_and_prefixed() {
        let rules = &RULES;
        for (i, rule) in rules.iter().enumerate() {
            assert!(Rule::is_valid_id(rule.id), "{}", rule.id);
            assert!(rule.id.starts_with("us-ear-"), "{}", rule.id);
            assert!(!rule.legal_basis.is_empty());
            assert!(
                rules[..i].iter().all(|r| r.id != rule.id),
                "duplicate {}",
                rule.id
            );
        }
    }

    #[test]
    fn metadata_names_the_list_version_and_its_limits() {
        let m = UsEar::metadata();
        assert_eq!(m.id, "us-ear");
        assert_eq!(m.version, "1.0.0");
        assert_eq!(m.jurisdiction, "US");
        assert_eq!(m.valid_from, Date::ymd(2020, 12, 23));
        assert!(m.sources.iter().all(|s| !s.is_empty()));
        assert!(m.sources[0].contains("2026-07-23"));
        for needle in [
            "Supplements No. 2, 4, 5 and 6",
            "part 740",
            "part 744",
            "734.9",
            "deemed exports",
        ] {
            assert!(m.limitations.iter().any(|l| l.contains(needle)), "{needle}");
        }
    }

    #[test]
    fn a_us_export_of_5a002_to_russia_needs_a_licence_twice_over() {
        let f = evaluate("{}", Doc::us("2024-06-03", "RU", &["5A002.a"]));
        assert_eq!(rules(&f), ["us-ear-country-chart", "us-ear-russia-belarus"]);
        assert!(f.iter().all(|f| f.outcome() == Outcome::LicenceRequired));
    }

    #[test]
    fn the_not_determined_rule_skips_lines_already_requiring_a_licence() {
        let f = evaluate(
            "{}",
            Doc::us("2024-06-03", "CN", &["5A002.a"]).line(2, &["5A002.a"]),
        );
        assert_eq!(rules(&f), ["us-ear-country-chart"]);
        assert_eq!(f[0].get_lines(), [1, 2]);
        let f = evaluate("{}", Doc::us("2024-06-03", "CA", &["5A002.a"]));
        assert_eq!(rules(&f), ["us-ear-not-determined"]);
        let f = evaluate(
            r#"{"undetermined": "ignore"}"#,
            Doc::us("2024-06-03", "CA", &["5A002.a"]),
        );
        assert!(f.is_empty());
    }

    #[test]
    fn no_chart_review_for_a_line_the_russia_rule_requires_a_licence_for() {
        // 0A502 shotguns to Russia: every Chart row of the entry depends on the barrel
        // length (review on its own), but 746.8 requires a licence for every CCL item.
        let f = evaluate("{}", Doc::us("2024-06-03", "RU", &["0A502"]));
        assert_eq!(rules(&f), ["us-ear-russia-belarus"], "{f:#?}");
        let f = evaluate("{}", Doc::us("2024-06-03", "CN", &["0A502"]));
        assert!(
            f.iter()
                .any(|f| f.rule() == "us-ear-country-chart" && f.outcome() == Outcome::Review),
            "without the 746.8 requirement the doubt is reported: {f:#?}"
        );
    }

    #[test]
    fn ear99_to_russia_follows_the_setting() {
        let doc = || Doc::us("2024-06-03", "RU", &["EAR99"]);
        assert_eq!(evaluate("{}", doc())[0].outcome(), Outcome::Review);
        let strict = evaluate(r#"{"ear99_russia_belarus": "licence_required"}"#, doc());
        assert_eq!(strict[0].outcome(), Outcome::LicenceRequired);
        assert!(evaluate(r#"{"ear99_russia_belarus": "ignore"}"#, doc()).is_empty());
    }

    #[test]
    fn foreign_goods_without_us_content_are_not_judged() {
        let f = evaluate(
            "{}",
            Doc::new("2024-06-03", "DE", "RU", &["5A002.a"]).line(2, &["EAR99"]),
        );
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn every_finding_names_its_lines() {
        let doc = Doc::us("2024-06-03", "RU", &["5A002.a"])
            .line(2, &["EAR99"])
            .line(3, &["0A606"])
            .end_user("RU");
        for f in evaluate("{}", doc) {
            assert!(!f.get_lines().is_empty(), "{f:#?}");
        }
    }
}
