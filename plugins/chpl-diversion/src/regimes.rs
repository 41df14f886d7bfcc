//! Which of the regimes the policy cites binds the exporter of a shipment.
//!
//! A finding cites the law that binds this exporter, and only that:
//!
//! - **EU**: the exporter is established in the EU27, or the goods (shipment or CHPL line
//!   origin) come from there: Reg. (EU) 833/2014 (Russia) and Reg. (EC) 765/2006 (Belarus).
//! - **US (EAR)**: the exporter is in the United States, the goods (shipment or CHPL line
//!   origin) are of US origin, or a CHPL line holds more than 25 % US content, the de
//!   minimis level for Russia and Belarus (15 CFR 734.4): 15 CFR 746.8.
//! - **neither**: the finding rests on the FinCEN/BIS advisories and the lists as evidence
//!   of diversion risk, and says that no listed regime binds the exporter directly.
//!
//! What the document cannot show (EU or US nationals acting abroad, the foreign direct
//! product rule of 15 CFR 734.9(f), the 0 % de minimis level of 600-series and 9x515
//! items) is not encoded.

use crate::chpl::ChplLines;
use exportctl_sdk::Decimal;
use exportctl_sdk::{Country, Shipment, country_sets};

/// The de minimis level of US content for Russia and Belarus (15 CFR 734.4), in percent.
pub const US_DE_MINIMIS_PERCENT: Decimal = Decimal::from_parts(25, 0, 0, false, 0);

/// The regimes that bind the exporter, with what in the document shows each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Regimes {
    /// Why the EU rules bind, e.g. `exporter in DE`; `None` when they do not.
    pub eu: Option<String>,
    /// Why the EAR bind, e.g. `line 1 holds 40 % US content`; `None` when they do not.
    pub us: Option<String>,
}

impl Regimes {
    /// The regimes binding the exporter of `shipment` for its CHPL `lines`.
    pub fn of(shipment: &Shipment, lines: &ChplLines<'_>) -> Regimes {
        let eu = |c: Country| country_sets::EU27.contains(c);
        let us = |c: Country| c == Country::US;
        Regimes {
            eu: nexus(shipment, lines, eu, "EU"),
            us: nexus(shipment, lines, us, "US").or_else(|| {
                lines.iter().find_map(|l| {
                    let share = l.line.us_content_percent()?;
                    (share > US_DE_MINIMIS_PERCENT).then(|| {
                        format!(
                            "line {} holds {share} % US content, above the 25 % de minimis level",
                            l.line.number()
                        )
                    })
                })
            }),
        }
    }

    /// Whether no listed regime binds the exporter.
    pub fn none(&self) -> bool {
        self.eu.is_none() && self.us.is_none()
    }

    /// The sentence a finding adds about who is bound.
    pub fn describe(&self) -> String {
        match (&self.eu, &self.us) {
            (None, None) => "No listed regime binds the exporter directly (exporter, origin and US content are \
                 outside the EU and the US): this is a diversion-risk finding resting on the advisories and lists \
                 cited."
                .to_owned(),
            (Some(eu), None) => format!("EU rules bind the exporter ({eu})."),
            (None, Some(us)) => format!("The EAR bind the exporter ({us})."),
            (Some(eu), Some(us)) => {
                format!("EU rules ({eu}) and the EAR ({us}) bind the exporter.")
            }
        }
    }
}

/// Why `wanted` countries reach the shipment: the exporter, the shipment's origin or a
/// CHPL line's origin.
fn nexus(
    shipment: &Shipment,
    lines: &ChplLines<'_>,
    wanted: impl Fn(Country) -> bool,
    name: &str,
) -> Option<String> {
    if wanted(shipment.exporter().country()) {
        return Some(format!("exporter in {}", shipment.exporter().country()));
    }
    if wanted(shipment.origin_country()) {
        return Some(format!("{name} origin {}", shipment.origin_country()));
    }
    lines.iter().find_map(|l| {
        let origin = l.line.origin_country().filter(|c| wanted(*c))?;
        Some(format!(
            "line {} of {name} origin {origin}",
            l.line.number()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{base, shipment};
    use serde_json::json;

    fn regimes(v: serde_json::Value) -> Regimes {
        let s = shipment(v);
        Regimes::of(&s, &ChplLines::of(&s))
    }

    fn kyrgyz() -> serde_json::Value {
        let mut v = base();
        v["exporter"] = json!({ "name": "Ala-Too Trade OsOO", "country": "KG" });
        v["origin_country"] = json!("CN");
        v
    }

    #[test]
    fn eu_exporter_or_origin_binds_eu_rules() {
        let r = regimes(base());
        assert_eq!(r.eu.as_deref(), Some("exporter in DE"));
        assert_eq!(r.us, None);
        let mut v = kyrgyz();
        v["origin_country"] = json!("FR");
        assert_eq!(regimes(v).eu.as_deref(), Some("EU origin FR"));
        let mut v = kyrgyz();
        v["lines"][0]["origin_country"] = json!("NL");
        assert_eq!(regimes(v).eu.as_deref(), Some("line 1 of EU origin NL"));
    }

    #[test]
    fn us_exporter_origin_or_content_above_de_minimis_binds_the_ear() {
        let mut v = kyrgyz();
        v["exporter"]["country"] = json!("US");
        assert_eq!(regimes(v).us.as_deref(), Some("exporter in US"));
        let mut v = kyrgyz();
        v["lines"][0]["us_content_percent"] = json!(25);
        assert!(regimes(v.clone()).none(), "25 % is not above de minimis");
        v["lines"][0]["us_content_percent"] = json!(25.5);
        let r = regimes(v);
        assert_eq!(
            r.us.as_deref(),
            Some("line 1 holds 25.5 % US content, above the 25 % de minimis level")
        );
        assert!(r.describe().starts_with("The EAR bind the exporter"));
    }

    #[test]
    fn neither_says_no_regime_binds() {
        let r = regimes(kyrgyz());
        assert!(r.none());
        assert!(
            r.describe()
                .starts_with("No listed regime binds the exporter directly")
        );
    }
}
