//! The policy's settings: the `[policy.settings]` table of its entry in the policy-set
//! file, which the host hands to the plugin as JSON.
//!
//! ```toml
//! [policy.settings]
//! # ICP §4.2: HS chapters (2 digits), headings (4) or subheadings (6) the company restricts.
//! restricted_hs_headings = ["8526", "93", "8542.31"]
//! # What a restricted line gets: "review" (default) or "deny".
//! restricted_outcome = "review"
//! # ICP §4.3: countries that always need review (ISO 3166-1 alpha-2).
//! review_destinations = ["AE", "AM", "TR"]
//! # ICP §5.1: above this value (per shipment) an end-use statement is required.
//! end_use_statement_threshold = { amount = "50000", currency = "EUR" }
//! ```
//!
//! Settings are read in two steps:
//!
//! 1. serde reads the table into [`Settings`]. A wrong type or an unknown key fails
//!    here, with serde's message; serde stops at the first such mistake.
//! 2. [`Settings::validate`] checks every value and turns the settings into the
//!    [`Config`] the rules use, or reports every problem at once, each naming the
//!    setting (and the list index) it is about.

use exportctl_sdk::settings::{HsPatterns, Problems, countries};
use exportctl_sdk::{Country, Outcome};
use serde::Deserialize;

/// Settings of the `company-rules` policy, as written in the policy-set file. Every
/// setting is optional and empty by default, which switches its rule off; unknown
/// keys are rejected, so a misspelt setting is reported instead of silently ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// ICP §4.2: HS chapters (2 digits), headings (4) or subheadings (6) whose goods
    /// the company restricts, e.g. `["8526", "93", "8542.31"]`. Dots and spaces are
    /// allowed. A line matches through the first digits of its code, so its national
    /// 8- or 10-digit code matches the heading it falls under.
    pub restricted_hs_headings: Vec<String>,
    /// ICP §4.2: the outcome of a restricted line, `"review"` (default) or `"deny"`.
    ///
    /// `"licence_required"` is refused: it means "lawful only with a licence", and
    /// only the law can require a licence. A company rule can only ask a person to
    /// look (`review`) or forbid what the company will not do (`deny`), e.g. an
    /// embargo of its own that goes further than the law: the company may refuse
    /// business that is lawful, but no licence clears a company's refusal.
    pub restricted_outcome: Outcome,
    /// ICP §4.3: countries (ISO 3166-1 alpha-2, either case) where a shipment always
    /// needs review, e.g. `["AE", "AM", "TR"]`.
    pub review_destinations: Vec<String>,
    /// ICP §5.1: a shipment worth more than this needs an end-use statement
    /// (`end_use.statement`). Absent (the default): no threshold.
    pub end_use_statement_threshold: Option<Threshold>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            restricted_hs_headings: Vec::new(),
            restricted_outcome: Outcome::Review,
            review_destinations: Vec::new(),
            end_use_statement_threshold: None,
        }
    }
}

/// ICP §5.1's threshold: an amount of money, `{ amount = "50000", currency = "EUR" }`
/// (the SDK's settings amount).
pub use exportctl_sdk::settings::Amount as Threshold;

/// Validated settings, in the form the rules use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// HS chapter, heading and subheading patterns, digits only (`"854231"`).
    pub restricted_hs_headings: HsPatterns,
    /// `Review` or `Deny`.
    pub restricted_outcome: Outcome,
    /// The countries under review.
    pub review_destinations: Vec<Country>,
    /// The threshold, its currency upper-case.
    pub end_use_statement_threshold: Option<Threshold>,
}

impl Settings {
    /// Checks every setting. Returns the [`Config`] the rules use, or every problem
    /// found, joined by `; `, each starting with the setting it is about (no message
    /// contains `; ` itself, so the list splits back into problems):
    ///
    /// ```text
    /// restricted_hs_headings[2]: "85A1" is not an HS chapter, heading or subheading (2, 4 or 6 digits)
    /// ```
    pub fn validate(&self) -> Result<Config, String> {
        let mut problems = Problems::new();

        let restricted_hs_headings = HsPatterns::read(
            "restricted_hs_headings",
            &self.restricted_hs_headings,
            &mut problems,
        );

        match self.restricted_outcome {
            Outcome::Review | Outcome::Deny => {}
            Outcome::LicenceRequired => problems.at(
                "restricted_outcome",
                "\"licence_required\" is not available to a company rule: only the law can \
                 require a licence, and no licence clears a company restriction (use \"review\" \
                 or \"deny\")",
            ),
            Outcome::Allow => problems.at(
                "restricted_outcome",
                "\"allow\" would pass restricted goods without a finding (remove their entries \
                 from restricted_hs_headings instead)",
            ),
        }

        let review_destinations = countries(
            "review_destinations",
            &self.review_destinations,
            &mut problems,
        );
        let end_use_statement_threshold = self
            .end_use_statement_threshold
            .as_ref()
            .map(|threshold| threshold.read("end_use_statement_threshold", &mut problems));

        problems.into_result_with(Config {
            restricted_hs_headings,
            restricted_outcome: self.restricted_outcome,
            review_destinations,
            end_use_statement_threshold,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CompanyRules;
    use exportctl_sdk::{Decimal, configure};

    /// The error `configure` reports for these settings (empty if they are accepted).
    fn error(json: &str) -> String {
        configure::<CompanyRules>(json).err().unwrap_or_default()
    }

    fn config(json: &str) -> Config {
        let settings: Settings = serde_json::from_str(json).unwrap();
        settings.validate().unwrap()
    }

    #[test]
    fn defaults_switch_every_rule_off() {
        let c = config("{}");
        assert!(c.restricted_hs_headings.is_empty());
        assert_eq!(c.restricted_outcome, Outcome::Review);
        assert!(c.review_destinations.is_empty());
        assert_eq!(c.end_use_statement_threshold, None);
        assert_eq!(Settings::default().validate(), Ok(c));
    }

    #[test]
    fn accepts_and_normalises_a_full_table() {
        let c = config(
            r#"{"restricted_hs_headings": ["93", "8526", "8542.31", "8471 50"],
                "restricted_outcome": "deny",
                "review_destinations": ["ae", "Tr"],
                "end_use_statement_threshold": {"amount": "50000.00", "currency": "eur"}}"#,
        );
        assert_eq!(
            c.restricted_hs_headings.patterns(),
            ["93", "8526", "854231", "847150"]
        );
        assert_eq!(c.restricted_outcome, Outcome::Deny);
        let countries: Vec<&str> = c.review_destinations.iter().map(Country::as_str).collect();
        assert_eq!(countries, ["AE", "TR"]);
        let threshold = c.end_use_statement_threshold.unwrap();
        assert_eq!(threshold.amount, Decimal::new(5_000_000, 2));
        assert_eq!(threshold.currency, "EUR");
    }

    #[test]
    fn the_amount_may_be_a_number() {
        let c = config(r#"{"end_use_statement_threshold": {"amount": 50000, "currency": "EUR"}}"#);
        let threshold = c.end_use_statement_threshold.unwrap();
        assert_eq!(threshold.amount, Decimal::new(50_000, 0));
        assert!(
            config(r#"{"end_use_statement_threshold": {"amount": 0, "currency": "EUR"}}"#)
                .end_use_statement_threshold
                .is_some()
        );
    }

    #[test]
    fn names_a_bad_hs_entry_by_its_index() {
        assert_eq!(
            error(r#"{"restricted_hs_headings": ["8526", "93", "85A1"]}"#),
            r#"restricted_hs_headings[2]: "85A1" is not an HS chapter, heading or subheading (2, 4 or 6 digits)"#
        );
        for bad in [
            "",
            "8",
            "852",
            "85261",
            "8526911",
            "85.2A",
            "8526-91",
            "８５２６",
        ] {
            let e = error(&format!(r#"{{"restricted_hs_headings": [{bad:?}]}}"#));
            assert!(
                e.contains("is not an HS chapter, heading or subheading"),
                "{bad:?}: {e}"
            );
        }
    }

    #[test]
    fn points_a_national_code_to_its_subheading() {
        assert_eq!(
            error(r#"{"restricted_hs_headings": ["8526.91.20"]}"#),
            r#"restricted_hs_headings[0]: "8526.91.20" is a national tariff code: list its subheading "852691" instead (national codes differ between tariffs, and every national code under the subheading matches it)"#
        );
        assert!(error(r#"{"restricted_hs_headings": ["8526912000"]}"#).contains("\"852691\""));
    }

    #[test]
    fn refuses_licence_required_and_allow_as_restricted_outcome() {
        assert_eq!(
            error(r#"{"restricted_outcome": "licence_required"}"#),
            r#"restricted_outcome: "licence_required" is not available to a company rule: only the law can require a licence, and no licence clears a company restriction (use "review" or "deny")"#
        );
        assert_eq!(
            error(r#"{"restricted_outcome": "allow"}"#),
            r#"restricted_outcome: "allow" would pass restricted goods without a finding (remove their entries from restricted_hs_headings instead)"#
        );
        assert!(error(r#"{"restricted_outcome": "review"}"#).is_empty());
        assert!(error(r#"{"restricted_outcome": "deny"}"#).is_empty());
    }

    #[test]
    fn names_a_bad_country_code_by_its_index() {
        assert_eq!(
            error(r#"{"review_destinations": ["AE", "UAE"]}"#),
            r#"review_destinations[1]: "UAE" is not an ISO 3166-1 alpha-2 country code (two letters, e.g. "AE")"#
        );
        for bad in ["", "A", "A1", "AE ", "é1"] {
            let e = error(&format!(r#"{{"review_destinations": [{bad:?}]}}"#));
            assert!(
                e.contains("is not an ISO 3166-1 alpha-2 country code"),
                "{bad:?}: {e}"
            );
        }
    }

    #[test]
    fn checks_the_threshold_amount_and_currency() {
        assert_eq!(
            error(r#"{"end_use_statement_threshold": {"amount": "-1", "currency": "EUR"}}"#),
            "end_use_statement_threshold.amount: -1 is negative (an amount is 0 or more)"
        );
        assert_eq!(
            error(r#"{"end_use_statement_threshold": {"amount": "50000", "currency": "EURO"}}"#),
            r#"end_use_statement_threshold.currency: "EURO" is not an ISO 4217 currency code (three letters, e.g. "EUR")"#
        );
    }

    #[test]
    fn reports_every_problem_at_once_in_settings_order() {
        let e = error(
            r#"{"restricted_hs_headings": ["85A1", "8526", "1", "8526.91.20"],
                "restricted_outcome": "licence_required",
                "review_destinations": ["DEU"],
                "end_use_statement_threshold": {"amount": "-5", "currency": "€"}}"#,
        );
        let problems: Vec<&str> = e
            .split("; ")
            .map(|p| p.split(':').next().unwrap_or_default())
            .collect();
        assert_eq!(
            problems,
            [
                "restricted_hs_headings[0]",
                "restricted_hs_headings[2]",
                "restricted_hs_headings[3]",
                "restricted_outcome",
                "review_destinations[0]",
                "end_use_statement_threshold.amount",
                "end_use_statement_threshold.currency",
            ]
        );
    }

    #[test]
    fn no_message_contains_the_separator() {
        for settings in [
            r#"{"restricted_hs_headings": ["85A1"]}"#,
            r#"{"restricted_hs_headings": ["85269120"]}"#,
            r#"{"restricted_outcome": "licence_required"}"#,
            r#"{"restricted_outcome": "allow"}"#,
            r#"{"review_destinations": ["UAE"]}"#,
            r#"{"end_use_statement_threshold": {"amount": "-1", "currency": "EUR"}}"#,
            r#"{"end_use_statement_threshold": {"amount": "1", "currency": "E"}}"#,
        ] {
            let e = error(settings);
            assert!(!e.is_empty() && !e.contains("; "), "{settings}: {e}");
        }
    }

    #[test]
    fn type_errors_and_unknown_keys_come_from_serde() {
        assert_eq!(
            error(r#"{"review_destination": ["AE"]}"#),
            "invalid settings: unknown field `review_destination`, expected one of `restricted_hs_headings`, \
             `restricted_outcome`, `review_destinations`, `end_use_statement_threshold` at line 1 column 21"
        );
        let e = error(r#"{"review_destinations": "AE"}"#);
        assert!(
            e.starts_with("invalid settings: invalid type: string \"AE\", expected a sequence"),
            "{e}"
        );
        let e = error(r#"{"end_use_statement_threshold": {"amount": "50000"}}"#);
        assert!(e.contains("missing field `currency`"), "{e}");
        let e = error(r#"{"end_use_statement_threshold": {"amount": "50k", "currency": "EUR"}}"#);
        assert!(e.contains(r#"invalid value: string "50k""#), "{e}");
        let e = error(r#"{"restricted_outcome": "block"}"#);
        assert!(e.contains("unknown variant `block`"), "{e}");
    }
}
