//! `{{name}}`: an exportctl policy.
//!
//! One module per provision it encodes, named after it:
//!
//! - [`section_1_destinations`] (`section-1-destination`): destinations that need a
//!   look before release: `review`, or `deny` by setting.
//!
//! The lists are not in the code: they are the policy's [`settings`], kept in the
//! policy-set file.

pub mod section_1_destinations;
pub mod settings;

use exportctl_sdk::{Date, Finding, Metadata, Policy, Rule, Shipment};
pub use settings::{Config, Settings};

/// The `{{name}}` policy, built from validated [`Settings`].
#[derive(Debug, Clone)]
pub struct {{type_name}} {
    config: Config,
}

impl Policy for {{type_name}} {
    type Settings = Settings;
    // Every rule the policy's findings may name: the host lists them and refuses
    // a finding of a rule not declared here.
    const RULES: &'static [Rule] = &[section_1_destinations::DESTINATION];

    fn metadata() -> Metadata {
        Metadata {
            id: "{{name}}",
            name: "{{name}}: destinations under review (§1)",
            version: env!("CARGO_PKG_VERSION"),
            publisher: "Export Compliance Office",
            jurisdiction: "{{jurisdiction}}",
            legal_basis: "Internal Compliance Programme §1 destinations under review: \
                replace with the instrument this policy encodes",
            // The day the rules took effect: the host does not run the policy for
            // shipments whose law date is earlier.
            valid_from: Date::ymd(2024, 1, 1),
            valid_to: None,
            sources: &[
                "Internal Compliance Programme §1: the rule (cite the text and its version)",
            ],
            limitations: &[
                "only the destination country is checked: transit countries and parties are not",
                "an empty `destinations` setting switches the rule off",
            ],
        }
    }

    fn new(settings: Settings) -> Result<Self, String> {
        Ok({{type_name}} {
            config: settings.validate()?,
        })
    }

    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        let config = &self.config;
        section_1_destinations::check(shipment, &config.destinations, config.outcome)
            .into_iter()
            .collect()
    }
}

exportctl_sdk::export_policy!({{type_name}});
