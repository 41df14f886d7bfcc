//! The EU "no-Russia clause" (Art. 12g of Reg. (EU) 833/2014) as a regulator would
//! publish it over time: two versions of one policy, each in force for its own
//! period, so a host judges each shipment by the version that was law on its date.
//!
//! - Version 1.0.0, in force 18 Dec 2023 – 19 Mar 2024: Reg. (EU) 2023/2878 has
//!   introduced Art. 12g but it does not apply yet; a sale of common high-priority
//!   items to a third country without the clause gets a review reminding that it
//!   will be required from 20 Mar 2024.
//! - Version 2.0.0, in force from 20 Mar 2024: the clause is required; its absence
//!   is a review citing Art. 12g.
//!
//! Build version 1 with `--features v1`.

use exportctl_sdk::{Date, Finding, Metadata, NoSettings, Policy, Rule, Shipment, country_sets};

/// Tier 1 integrated circuits of the CHPL (Annex XL), the goods the clause covers
/// in this example.
const CHPL_TIER_1: &[&str] = &["854231", "854232", "854233", "854239"];

#[cfg(feature = "v1")]
mod version {
    use super::*;
    pub const VERSION: &str = "1.0.0";
    pub const FROM: Date = Date::ymd(2023, 12, 18);
    pub const TO: Option<Date> = Some(Date::ymd(2024, 3, 19));
    pub const RULE: Rule = Rule::new(
        "eu-art12g-clause-announced",
        "Reg. (EU) 833/2014 Art. 12g, inserted by Reg. (EU) 2023/2878 of 18 Dec 2023, applicable from 20 Mar 2024",
    )
.describe("Annex XL goods sold to a third country without a no-Russia clause");
    pub const MESSAGE: &str = "no no-Russia clause in the contract: Art. 12g will require one for sales of Annex XL goods to third countries from 20 Mar 2024";
}

#[cfg(not(feature = "v1"))]
mod version {
    use super::*;
    pub const VERSION: &str = "2.0.0";
    pub const FROM: Date = Date::ymd(2024, 3, 20);
    pub const TO: Option<Date> = None;
    pub const RULE: Rule = Rule::new(
        "eu-art12g-no-russia-clause",
        "Reg. (EU) 833/2014 Art. 12g (inserted by Reg. (EU) 2023/2878), applicable from 20 Mar 2024",
    )
.describe("Annex XL goods sold to a third country without a no-Russia clause");
    pub const MESSAGE: &str = "no no-Russia clause in the contract: Art. 12g requires exporters selling Annex XL goods to a third country to prohibit re-export to Russia";
}

/// The no-Russia clause policy, in the version selected at build time.
pub struct NoRussiaClause;

impl Policy for NoRussiaClause {
    type Settings = NoSettings;
    const RULES: &'static [Rule] = &[version::RULE];

    fn metadata() -> Metadata {
        Metadata {
            id: "eu-no-russia-clause",
            name: "EU no-Russia clause (Art. 12g)",
            version: version::VERSION,
            publisher: "exportctl test suite",
            jurisdiction: "EU",
            legal_basis: "Reg. (EU) 833/2014 Art. 12g (Reg. (EU) 2023/2878)",
            valid_from: version::FROM,
            valid_to: version::TO,
            sources: &["Reg. (EU) 2023/2878 of 18 Dec 2023"],
            limitations: &[
                "covers CHPL Tier 1 integrated circuits only; an example of versioned publication",
            ],
        }
    }

    fn new(_: NoSettings) -> Result<Self, String> {
        Ok(NoRussiaClause)
    }

    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        let exporter_in_eu = country_sets::EU27.contains(shipment.exporter().country());
        let third_country = !country_sets::EU27.contains(shipment.destination_country())
            && !country_sets::ANNEX_VIII_PARTNERS.contains(shipment.destination_country());
        let has_clause = shipment
            .contract()
            .as_ref()
            .and_then(|c| c.no_russia_clause())
            == Some(true);
        let lines: Vec<u32> = shipment
            .lines()
            .iter()
            .filter(|l| CHPL_TIER_1.iter().any(|p| l.hs_code().matches(p)))
            .map(|l| l.number())
            .collect();
        if exporter_in_eu && third_country && !has_clause && !lines.is_empty() {
            vec![version::RULE.review(version::MESSAGE).lines(lines)]
        } else {
            Vec::new()
        }
    }
}

exportctl_sdk::export_policy!(NoRussiaClause);
