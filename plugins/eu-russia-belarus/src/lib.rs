//! `eu-russia-belarus`: the EU sanctions on Russia (Council Regulation (EU) 833/2014) and
//! Belarus (Council Regulation (EC) 765/2006) as far as a shipment document shows them,
//! and the EU region embargoes in Ukraine (Reg. (EU) 692/2014, Reg. (EU) 2022/263).
//!
//! One module per measure, named after the article it implements (see README.md for
//! coverage, dates and limits):
//!
//! - [`art2_dual_use`] (`eu-art2-dual-use`): EU dual-use goods to Russia/Belarus, deny
//!   (licence_required with an EU licence).
//! - [`art2a_annex_vii_xl`] (`eu-art2a-annex-vii-xl`, `eu-art2a-classification`): Annex
//!   VII goods and the common high-priority items of Annex XL (CHPL) to Russia/Belarus,
//!   deny; other controlled lines, review.
//! - [`art3k_annex_xxiii`] (`eu-art3k-annex-xxiii`): Annex XXIII goods to Russia by CN
//!   code and version, deny; review where the code cannot decide or the list is missing.
//! - [`transit_ban`] (`eu-transit-ban`): goods exported from the Union routed through
//!   Russia or Belarus, judged against Annexes XI, XX and XXXVII by CN code.
//! - [`art12g_no_russia_clause`] (`eu-art12g-no-russia-clause`) and
//!   [`art12gb_due_diligence`] (`eu-art12gb-due-diligence`): sales to non-partner third
//!   countries, review.
//! - [`region_embargoes`] (`eu-crimea-sevastopol`, `eu-ukraine-ngca`).
//!
//! Shared vocabulary: [`reach`] (who is in Russia/Belarus; whether EU rules reach at
//! all is the SDK's [`exportctl_sdk::reach`], shared with `eu-dual-use`),
//! [`goods`] (what a line is), [`provision`] (dated, per-country citations) and
//! [`tables`] (the policy's own embedded HS tables), [`annexes`] (the CN-code annexes by
//! version). The CHPL (Annex XL as far as the
//! policy can ground it), the Ukrainian region sets, Annex VII codes and EU licences come
//! from the SDK: [`exportctl_sdk::chpl`], [`exportctl_sdk::region_sets`],
//! [`exportctl_sdk::AnnexViiCode`], [`exportctl_sdk::Shipment::eu_licence_covering`].

pub mod annexes;
pub mod art12g_no_russia_clause;
pub mod art12gb_due_diligence;
pub mod art2_dual_use;
pub mod art2a_annex_vii_xl;
pub mod art3k_annex_xxiii;
pub mod goods;
pub mod provision;
pub mod reach;
pub mod region_embargoes;
pub mod settings;
pub mod tables;
#[cfg(test)]
mod test_support;
pub mod transit_ban;

use exportctl_sdk::{Date, Finding, Metadata, Policy, Rule, Shipment};
use goods::Goods;
pub use settings::{NgcaTreatment, Settings};

/// First day of the earliest encoded measure: Reg. (EU) 692/2014 of 23 Jun 2014 (Crimea
/// and Sevastopol). Every other rule checks its own, later date.
pub const VALID_FROM: Date = Date::ymd(2014, 6, 23);

/// The `eu-russia-belarus` policy.
#[derive(Debug, Clone)]
pub struct EuRussiaBelarus {
    settings: Settings,
}

impl Policy for EuRussiaBelarus {
    type Settings = Settings;
    const RULES: &'static [Rule] = &[
        art2_dual_use::ART_2,
        art2a_annex_vii_xl::ART_2A,
        art2a_annex_vii_xl::CLASSIFICATION,
        art3k_annex_xxiii::ART_3K,
        art12g_no_russia_clause::ART_12G,
        art12gb_due_diligence::ART_12GB,
        transit_ban::TRANSIT_BAN,
        region_embargoes::CRIMEA_SEVASTOPOL,
        region_embargoes::UKRAINE_NGCA,
    ];

    fn metadata() -> Metadata {
        Metadata {
            id: "eu-russia-belarus",
            name: "EU sanctions on Russia and Belarus, and the Crimea/Sevastopol and Ukrainian region embargoes",
            version: env!("CARGO_PKG_VERSION"),
            publisher: "exportctl bundled policies",
            jurisdiction: "EU",
            legal_basis: "Council Regulation (EU) No 833/2014 of 31 Jul 2014 (Russia): Art. 2 (dual-use goods, regardless of \
                 end use since Reg. (EU) 2022/328 of 25 Feb 2022), Art. 2a with Annex VII (Reg. (EU) 2022/328) and Annex XL \
                 (Reg. (EU) 2023/2878, replaced by Reg. (EU) 2024/1745), Art. 3k with Annexes XXIII and XXIIIA-D (Reg. (EU) \
                 2022/576 and the versions after it, by CN code), transit bans with Annexes XI, XX and XXXVII (Reg. (EU) \
                 2023/427, 2023/1214, 2023/2878), Art. 12g (Reg. (EU) 2023/2878, from 20 Mar 2024) \
                 and Art. 12gb (Reg. (EU) 2024/1745, from 26 Dec 2024); Council Regulation (EC) No 765/2006 (Belarus): \
                 Art. 1e and 1f with Annex Va (Reg. (EU) 2022/355 of 2 Mar 2022), transit ban and Art. 8g (Reg. (EU) \
                 2024/1865, in force 1 Jul 2024); Council Regulation (EU) No 692/2014 Art. 2b and Annex II (Crimea and \
                 Sevastopol; Reg. (EU) 1351/2014 of 18 Dec 2014); Council Regulation (EU) 2022/263 Art. 4 and Annex II \
                 (non-government-controlled areas of the Donetsk and Luhansk oblasts, 23 Feb 2022; of the Zaporizhzhia \
                 and Kherson oblasts by Reg. (EU) 2022/1903 of 6 Oct 2022); Common High Priority Items List, version of \
                 23 Feb 2024",
            // The earliest encoded measure; each rule checks its own date, so an as-of
            // date between this day and a rule's start gets no finding from that rule
            // (or a review where the earlier law is not encoded).
            valid_from: VALID_FROM,
            valid_to: None,
            sources: &[
                "Council Regulation (EU) No 833/2014 of 31 Jul 2014 as amended by Reg. (EU) 2022/328 (25 Feb 2022), \
                 2022/576 (8 Apr 2022), 2023/427 (25 Feb 2023), 2023/1214 (23 Jun 2023), 2023/2878 (18 Dec 2023) and \
                 2024/1745 (June 2024): articles, annex names and dates as summarised in the project's law summary \
                 (shared/domain/law.md); the date of Reg. 2022/576 is the Regulation's own",
                "Council Regulation (EC) No 765/2006 as amended by Reg. (EU) 2022/355 (2 Mar 2022) and Reg. (EU) \
                 2024/1865 (29 Jun 2024, published 30 Jun 2024, in force 1 Jul 2024): article numbers (1e, 1f, 8g), \
                 Annexes Va and XXX and these dates come from the Regulations' published texts, not from the \
                 project's law summary",
                "Council Regulation (EU) No 692/2014 of 23 Jun 2014 (Crimea and Sevastopol), Art. 2b inserted by Reg. \
                 (EU) 1351/2014 of 18 Dec 2014 (OJ L 365, 19 Dec 2014)",
                "Council Regulation (EU) 2022/263 of 23 Feb 2022, Art. 4, as amended by Reg. (EU) 2022/1903 of 6 Oct \
                 2022 (OJ L 259I, 6 Oct 2022)",
                "Common High Priority Items List (EU/US/UK/JP), version of 23 Feb 2024: 50 HS-6 codes, embedded from \
                 sdk/data/chpl/chpl_2024-02-23.csv (the Annex XL codes the policy can ground)",
                "Annexes XI, XX, XXIII, XXIIIA-D, XXXVII and XL of Reg. (EU) 833/2014, every version from 26 Feb 2022 to \
                 the changes of Reg. (EU) 2025/395, by CN code as transcribed from the amending Regulations: \
                 policies/data/eu/annex_*.csv and index.csv (see policies/data/eu/SOURCE.md)",
                "policies/data/eu/crimea_annex_ii_grounded_hs2022.csv, annex_xxiii_grounded_hs2022.csv, \
                 art12g_other_goods_hs2022.csv: HS 2022 codes chosen by their HS descriptions to approximate Annex II \
                 (Reg. 692/2014), Annex XXIII and the Art. 12g annexes (see policies/data/eu/SOURCE.md); HS 2022 \
                 nomenclature from UN Comtrade via github.com/datasets/harmonized-system",
                "ISO 3166-2:UA subdivision codes UA-43, UA-40, UA-14, UA-09, UA-23, UA-65",
            ],
            limitations: &[
                "applies only where the document shows a link to the Union: exporter or origin country in the EU27; EU \
                 nationals and EU companies acting abroad (also bound) are not encoded, and the transit bans are applied \
                 only to goods whose origin country is in the EU27",
                "dual-use goods are lines with an EU Annex I code (ControlCode::is_eu_dual_use); US-only ECCNs (x9xx \
                 such as 3A991 or 5A992, 0x5zz, 9x515, 600 series) are not Annex I entries and get a classification \
                 review instead; a dual-use item given no control code is missed",
                "Annex VII is not machine-readable: a line is an Annex VII good only when it carries an Annex VII code \
                 (X.A.I.001 …) or its HS code is a CHPL code; other Annex VII items are missed unless their control codes \
                 trigger the classification review",
                "Annex XL is encoded by version (45 codes from 19 Dec 2023, 50 from 25 Jun 2024); a CHPL line the version \
                 in force does not list (before 19 Dec 2023, or a machine tool before 25 Jun 2024) is review, since \
                 Annex VII may cover it; for Belarus Annex XXX is treated as Annex XL",
                "Annex XXIII is encoded by CN code in every version from 9 Apr 2022 to 24 Feb 2025 (complete): a listed \
                 line is deny (licence_required with an EU licence), an unlisted line gets no finding, an ex entry or an \
                 entry more precise than the line's code (an HS-6 code against an 8-digit entry) is review saying which; \
                 the Annex XXIII list of Reg. (EU) 2025/395 (from 25 Feb 2025) is missing: after that date a line the \
                 previous version listed, or of a chapter it listed codes in, is review saying so, and only Annex XXIIID \
                 lines are denied; the wind-down periods of Art. 3k(3aa)/(3ab) are applied to contracts concluded before \
                 the list, those of 3k(3ad)/(3ag) are review without an end date; the Belarus counterpart list is not \
                 in the data (lines of the kinds the law summary names are review)",
                "transit bans: Annexes XI, XX and XXXVII are encoded by CN code from each package's date (complete), so \
                 a listed line is deny and an unlisted one (printed books, furniture) gets no finding; Annex VII is not \
                 listed by CN code, so CHPL lines and lines with other control codes are review from 25 Feb 2023; \
                 through Belarus the counterpart lists are not in the data and lines the Russian annexes list are \
                 review; for Art. 12g, Annex XI is still approximated by HS chapter 88 and firearms of Annex I to Reg. \
                 (EU) 258/2012 by HS 9302, 9303, 9305 (not 9305.91) and 9306.21/29/30; Annex XX and XXXV goods are not \
                 flagged under Art. 12g",
                "amendments of the annexes after Reg. (EU) 2025/395 (2025/981, 2025/1494, 2025/2033, ...) were not \
                 checked: the versions open at the end are applied as still in force",
                "exemptions and derogations (Art. 2(3)-(4), Art. 2a(3)-(4) and their Belarus counterparts) are not \
                 evaluated: a line covered by an EU licence (jurisdiction EU or a member state, valid on the shipment \
                 date) becomes licence_required, never allow; the transit bans and region embargoes ignore licences",
                "wind-down periods for earlier contracts are not encoded, except that Art. 8g (Belarus) is not cited for \
                 contracts dated before 1 Jul 2024; Art. 12g is applied from 20 Mar 2024 only (its earlier application to \
                 new contracts is not encoded); public-contract exemptions of Art. 12g/8g are not evaluated",
                "before 25 Feb 2022 (Russia) and 2 Mar 2022 (Belarus) dual-use goods get a review: the earlier rules \
                 depend on the end use and are not encoded; military goods and the EU arms embargo are not encoded (a \
                 Common Military List code only triggers the classification review)",
                "Belarus: the article numbers (Art. 1e, 1f, 8g; Annexes Va, XXX) and dates (2 Mar 2022, 1 Jul 2024) are \
                 taken from the amending Regulations, not from the law summary; the Belarus counterpart of Art. 3k is cited \
                 without article number and with the Russian date; Annex XXX is treated as the CHPL like Annex XL; Annex \
                 VIII partners are assumed to be those of Belarus's list too; no Belarus counterpart of Art. 12gb is encoded",
                "Crimea/Sevastopol and the four oblasts: Annex II is approximated by HS codes whose HS 2022 description \
                 names a key sector, or by an end_use.sector naming one (then every line); other Annex II goods are review \
                 only; before 18 Dec 2014 (Reg. (EU) 1351/2014, date not in the law summary) Crimea findings are review; \
                 for the Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts only the non-government-controlled areas are \
                 covered and the document cannot tell, so findings are review unless ngca_annex_ii_goods = \"deny\"; \
                 investment, services and import restrictions are not encoded",
                "parties are matched by country and region only: banks, payers and notify parties in Russia/Belarus do \
                 not trigger the supply rules; parties are not screened against sanctions lists (Art. 5 et seq. of \
                 Reg. 833/2014, Annex IV end users) by this policy",
                "HS codes are read as HS 2022; national 8- and 10-digit codes match their subheading",
            ],
        }
    }

    fn new(settings: Settings) -> Result<Self, String> {
        Ok(EuRussiaBelarus { settings })
    }

    /// Runs every rule; a shipment the EU rules do not reach gets no finding.
    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        if !exportctl_sdk::reach::eu_reach(shipment) {
            return Vec::new();
        }
        let goods = Goods::of(shipment);
        let mut findings = Vec::new();
        if let Some(target) = reach::ru_by_target(shipment) {
            findings.extend(art2_dual_use::check(shipment, &target, &goods));
            findings.extend(art2a_annex_vii_xl::check(shipment, &target, &goods));
            findings.extend(art2a_annex_vii_xl::check_classification(
                shipment, &target, &goods,
            ));
            findings.extend(art3k_annex_xxiii::check(shipment, &target, &goods));
        }
        findings.extend(transit_ban::check(shipment, &goods));
        findings.extend(art12g_no_russia_clause::check(shipment, &goods));
        findings.extend(art12gb_due_diligence::check(shipment, &goods));
        findings.extend(region_embargoes::crimea_sevastopol(shipment, &goods));
        findings.extend(region_embargoes::ukraine_ngca(
            shipment,
            &goods,
            self.settings.ngca_annex_ii_goods,
        ));
        findings
    }
}

exportctl_sdk::export_policy!(EuRussiaBelarus);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::{Outcome, Rule, configure};

    fn evaluate(doc: Doc) -> Vec<Finding> {
        configure::<EuRussiaBelarus>("{}")
            .unwrap()
            .evaluate(&doc.shipment())
    }

    fn rules(findings: &[Finding]) -> Vec<(&str, Outcome)> {
        findings.iter().map(|f| (f.rule(), f.outcome())).collect()
    }

    #[test]
    fn metadata_describes_the_policy() {
        let m = EuRussiaBelarus::metadata();
        assert_eq!(m.id, "eu-russia-belarus");
        assert_eq!(m.version, "1.0.0");
        assert_eq!(m.jurisdiction, "EU");
        assert_eq!(m.valid_from, Date::ymd(2014, 6, 23));
        assert!(Rule::is_valid_id(m.id));
        assert!(m.legal_basis.len() <= 4096);
        for text in m.sources.iter().chain(m.limitations) {
            assert!(text.len() <= 4096, "{text}");
        }
        for needle in [
            "x9xx",
            "Annex XXIII",
            "XXXVII",
            "licence_required",
            "non-government-controlled",
            "EU nationals",
            "2025/395",
            "no finding",
        ] {
            assert!(
                m.limitations.iter().any(|l| l.contains(needle)),
                "no limitation mentions {needle}"
            );
        }
    }

    #[test]
    fn exporter_and_origin_outside_the_eu_get_nothing() {
        let doc = Doc::new("2024-06-03", "CN>RU")
            .exporter("KZ")
            .codes(&["3A001"]);
        assert_eq!(evaluate(doc), vec![]);
        let via_russia = Doc::new("2024-06-03", "CN>RU>MN")
            .exporter("CN")
            .codes(&["3A001"]);
        assert_eq!(evaluate(via_russia), vec![]);
        let crimea = Doc::new("2024-06-03", "TR>UA")
            .consignee_region("UA", "UA-43")
            .hs("8517.61");
        assert_eq!(evaluate(crimea), vec![]);
    }

    #[test]
    fn an_eu_exporter_of_chinese_goods_is_reached() {
        let doc = Doc::new("2024-06-03", "CN>RU")
            .exporter("NL")
            .codes(&["3A001"]);
        assert_eq!(rules(&evaluate(doc)), [("eu-art2-dual-use", Outcome::Deny)]);
    }

    #[test]
    fn one_line_per_supply_rule() {
        let doc = Doc::new("2024-06-03", "DE>KZ")
            .end_user("RU")
            .codes(&["3A001"])
            .add_line(2, "8542.31", &["3A991.a"])
            .add_line(3, "8517.13", &["5A992.c"])
            .add_line(4, "8429.52", &[])
            .add_line(5, "9403.60", &[])
            .add_line(6, "3926.90", &[])
            .clause(Some(true));
        let f = evaluate(doc);
        let summary: Vec<(&str, Outcome, Vec<u32>)> = f
            .iter()
            .map(|f| (f.rule(), f.outcome(), f.get_lines().to_vec()))
            .collect();
        assert_eq!(
            summary,
            [
                ("eu-art2-dual-use", Outcome::Deny, vec![1]),
                ("eu-art2a-annex-vii-xl", Outcome::Deny, vec![2]),
                ("eu-art2a-classification", Outcome::Review, vec![3]),
                ("eu-art3k-annex-xxiii", Outcome::Deny, vec![4]),
            ]
        );
    }

    #[test]
    fn chpl_goods_to_kazakhstan_in_2025_without_clause() {
        let f = evaluate(
            Doc::new("2025-01-15", "DE>KZ")
                .hs("8542.31")
                .clause(Some(false)),
        );
        assert_eq!(
            rules(&f),
            [
                ("eu-art12g-no-russia-clause", Outcome::Review),
                ("eu-art12gb-due-diligence", Outcome::Review)
            ]
        );
    }

    #[test]
    fn the_setting_reaches_the_oblast_rule() {
        let doc = || {
            Doc::new("2024-06-03", "DE>UA")
                .consignee_region("UA", "UA-23")
                .hs("8502.31")
        };
        assert_eq!(
            rules(&evaluate(doc())),
            [("eu-ukraine-ngca", Outcome::Review)]
        );
        let strict = configure::<EuRussiaBelarus>(r#"{"ngca_annex_ii_goods": "deny"}"#).unwrap();
        assert_eq!(
            rules(&strict.evaluate(&doc().shipment())),
            [("eu-ukraine-ngca", Outcome::Deny)]
        );
    }

    #[test]
    fn a_10000_line_shipment_stays_within_the_host_s_size_limits() {
        let kinds = [
            ("8542.31", &["3A991.a"][..]),
            ("9013.20", &["6A005"][..]),
            ("3926.90", &[][..]),
            ("8517.13", &["5A992"][..]),
            ("9403.60", &["EAR99"][..]),
            ("8802.40", &[][..]),
            ("8517.61", &["X.A.I.001"][..]),
        ];
        let mut doc = Doc::new("2025-02-01", "DE>PL>BY>RU>KZ")
            .consignee_region("UA", "UA-43")
            .end_user("RU");
        for n in 2..=10_000u32 {
            let (hs, codes) = kinds[n as usize % kinds.len()];
            doc = doc.add_line(n, hs, codes);
        }
        let findings = evaluate(doc);
        assert_eq!(findings.len(), 10);
        for f in &findings {
            assert!(
                f.message().len() <= 4096,
                "{}: {} bytes",
                f.rule(),
                f.message().len()
            );
            assert!(f.get_legal_basis().len() <= 1024, "{}", f.rule());
            assert!(f.message().contains("more lines"), "{}", f.rule());
        }
        let crimea: usize = findings
            .iter()
            .filter(|f| f.rule() == "eu-crimea-sevastopol")
            .map(|f| f.get_lines().len())
            .sum();
        assert_eq!(crimea, 10_000, "every line is judged for Crimea");
    }

    #[test]
    fn ordinary_goods_to_a_third_country_get_nothing() {
        assert_eq!(evaluate(Doc::new("2025-01-15", "DE>KZ")), vec![]);
    }
}
