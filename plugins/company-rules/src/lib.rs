//! `company-rules`: a company's own export rules as an exportctl policy.
//!
//! Example Trading GmbH keeps an Internal Compliance Programme (ICP) on top of the
//! law. Three of its rules are encoded here, one module each, named after the ICP
//! section it implements:
//!
//! - [`icp_4_2_restricted_goods`] (`icp-4-2-restricted-goods`): goods the company
//!   restricts, by HS chapter, heading or subheading: `review`, or `deny` by setting.
//! - [`icp_4_3_review_destinations`] (`icp-4-3-review-destination`): destinations
//!   that always need review: `review`.
//! - [`icp_5_1_end_use_statement`] (`icp-5-1-end-use-statement`,
//!   `icp-5-1-other-currency`): above a value threshold the shipment needs an
//!   end-use statement: `review` when it has none.
//!
//! The lists and the threshold are not in the code: they are the policy's
//! [`settings`], kept by the compliance office in the policy-set file.
//!
//! This crate is the authoring tutorial's worked example (see README.md): copy it
//! to start a policy of your own.

pub mod icp_4_2_restricted_goods;
pub mod icp_4_3_review_destinations;
pub mod icp_5_1_end_use_statement;
mod message;
pub mod settings;
#[cfg(test)]
mod testing;

use exportctl_sdk::{Date, Finding, Metadata, Policy, Rule, Shipment};
pub use settings::{Config, Settings, Threshold};

/// The `company-rules` policy, built from validated [`Settings`].
#[derive(Debug, Clone)]
pub struct CompanyRules {
    config: Config,
}

impl Policy for CompanyRules {
    type Settings = Settings;
    const RULES: &'static [Rule] = &[
        icp_4_2_restricted_goods::RESTRICTED_GOODS,
        icp_4_3_review_destinations::REVIEW_DESTINATION,
        icp_5_1_end_use_statement::END_USE_STATEMENT,
        icp_5_1_end_use_statement::OTHER_CURRENCY,
    ];

    fn metadata() -> Metadata {
        Metadata {
            id: "company-rules",
            name: "Example Trading GmbH: internal export rules (ICP §4.2, §4.3, §5.1)",
            version: env!("CARGO_PKG_VERSION"),
            publisher: "Example Trading GmbH, Export Compliance Office",
            jurisdiction: "internal",
            legal_basis: "Internal Compliance Programme (ICP) of Example Trading GmbH, rev. 2024-01: \
                §4.2 restricted goods, §4.3 destinations under review, §5.1 end-use statements \
                above a value threshold. Company rules, not law: they add checks to the legal \
                policies of the set and never clear a legal finding",
            // The day ICP rev. 2024-01 took effect; the host does not run the policy
            // for shipments whose law date is earlier.
            valid_from: Date::ymd(2024, 1, 1),
            valid_to: None,
            sources: &[
                "Internal Compliance Programme (ICP) of Example Trading GmbH, rev. 2024-01, \
                 approved by the management board on 14 Dec 2023, in force 1 Jan 2024: the rules",
                "the restricted HS codes, the destinations under review and the end-use statement \
                 threshold are settings of the policy-set entry, kept by the Export Compliance Office",
            ],
            limitations: &[
                "internal rules only: no finding of this policy makes an export lawful or unlawful, \
                 and it cannot require a licence (restricted_outcome is review or deny)",
                "the policy checks only what its settings list: an empty setting switches its rule off",
                "restricted goods are matched by HS code alone (chapter, heading or subheading; \
                 national 8- and 10-digit codes match through their first digits); descriptions and \
                 control codes are not read",
                "destinations under review are checked against the destination country and the \
                 countries of the consignee and the named end user; transit countries and other \
                 parties are not checked",
                "country codes in the settings are checked for shape (two letters), not against the \
                 ISO 3166-1 list: an unassigned code is accepted and never matches",
                "the end-use statement rule checks that a statement is present, not what it says",
                "values are not converted between currencies (the sandbox has no exchange rates): lines \
                 in a currency other than the threshold's are sent to review when there is no \
                 end-use statement",
            ],
        }
    }

    fn new(settings: Settings) -> Result<Self, String> {
        let config = settings.validate()?;
        Ok(CompanyRules { config })
    }

    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        let config = &self.config;
        [
            icp_4_2_restricted_goods::check(
                shipment,
                &config.restricted_hs_headings,
                config.restricted_outcome,
            ),
            icp_4_3_review_destinations::check(shipment, &config.review_destinations),
            icp_5_1_end_use_statement::check(shipment, config.end_use_statement_threshold.as_ref()),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

exportctl_sdk::export_policy!(CompanyRules);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{base, shipment};
    use exportctl_sdk::{Outcome, Rule, configure};
    use serde_json::json;

    /// Every rule of the policy.
    const RULES: [Rule; 4] = [
        icp_4_2_restricted_goods::RESTRICTED_GOODS,
        icp_4_3_review_destinations::REVIEW_DESTINATION,
        icp_5_1_end_use_statement::END_USE_STATEMENT,
        icp_5_1_end_use_statement::OTHER_CURRENCY,
    ];

    #[test]
    fn rule_ids_are_valid_unique_and_cite_the_icp_revision() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(Rule::is_valid_id(rule.id), "{}", rule.id);
            assert!(rule.id.starts_with("icp-"), "{}", rule.id);
            assert!(rule.legal_basis.starts_with("ICP §"), "{}", rule.id);
            assert!(
                rule.legal_basis.contains("(internal rule, rev. 2024-01)"),
                "{}",
                rule.id
            );
            assert!(
                RULES[..i].iter().all(|r| r.id != rule.id),
                "duplicate {}",
                rule.id
            );
        }
    }

    #[test]
    fn metadata_says_it_is_internal_and_what_it_does_not_cover() {
        let m = CompanyRules::metadata();
        assert!(Rule::is_valid_id(m.id));
        assert_eq!(m.id, "company-rules");
        assert_eq!(m.version, "1.0.0");
        assert_eq!(m.jurisdiction, "internal");
        assert_eq!(m.valid_from, Date::ymd(2024, 1, 1));
        assert!(
            m.legal_basis
                .starts_with("Internal Compliance Programme (ICP)")
        );
        assert!(
            m.limitations
                .iter()
                .any(|l| l.contains("cannot require a licence"))
        );
        assert!(m.limitations.iter().any(|l| l.contains("exchange rates")));
    }

    #[test]
    fn default_settings_find_nothing() {
        let policy = configure::<CompanyRules>("{}").unwrap();
        let mut v = base();
        v["lines"][0]["value"]["amount"] = json!("9999999.00");
        assert_eq!(policy.evaluate(&shipment(v)), vec![]);
    }

    #[test]
    fn all_three_rules_report_in_icp_order() {
        let policy = configure::<CompanyRules>(
            r#"{"restricted_hs_headings": ["9403"], "restricted_outcome": "deny",
                "review_destinations": ["CH"],
                "end_use_statement_threshold": {"amount": "1000", "currency": "EUR"}}"#,
        )
        .unwrap();
        let findings = policy.evaluate(&shipment(base()));
        let summary: Vec<(&str, Outcome)> =
            findings.iter().map(|f| (f.rule(), f.outcome())).collect();
        assert_eq!(
            summary,
            [
                ("icp-4-2-restricted-goods", Outcome::Deny),
                ("icp-4-3-review-destination", Outcome::Review),
                ("icp-5-1-end-use-statement", Outcome::Review),
            ]
        );
    }
}
