//! Where the European Union's export rules reach a shipment.
//!
//! The Union's sanctions (Reg. (EU) 833/2014, Reg. (EC) 765/2006) and its dual-use
//! controls (Reg. (EU) 2021/821) bind the Union's territory and persons. A shipment
//! document shows two links to the Union: an exporter established in a member state, or
//! goods exported from one (`origin_country`). EU nationals and EU companies acting
//! abroad are bound too, but the document does not show nationality, so no helper here
//! can see them: a policy built on these says so in its limitations.
//!
//! Every EU policy asks the same question the same way, so a shipment one EU policy
//! judges is never silently skipped by another.
//!
//! ```
//! use exportctl_sdk::{reach, Shipment};
//!
//! fn judged_by_eu_rules(shipment: &Shipment) -> bool {
//!     reach::eu_reach(shipment)
//! }
//! ```

use crate::{Shipment, country_sets};

/// Whether the EU rules reach the shipment: exporter or origin country in the EU27.
pub fn eu_reach(shipment: &Shipment) -> bool {
    country_sets::EU27.contains(shipment.exporter().country())
        || country_sets::EU27.contains(shipment.origin_country())
}

/// Whether the goods leave from the Union: the origin country (the country the goods
/// are exported from) is a member state. What an export from the Union's customs
/// territory and the transit bans require; an EU exporter's goods sent from a third
/// country are not exported from the Union.
pub fn exported_from_eu(shipment: &Shipment) -> bool {
    country_sets::EU27.contains(shipment.origin_country())
}

#[cfg(test)]
#[cfg(feature = "input")]
mod tests {
    use super::*;

    fn shipment(exporter: &str, origin: &str, destination: &str) -> Shipment<'static> {
        let json = format!(
            r#"{{"id":"S","date":"2024-06-03","exporter":{{"name":"A","country":"{exporter}"}},
                "consignee":{{"name":"B","country":"{destination}"}},
                "origin_country":"{origin}","destination_country":"{destination}",
                "lines":[{{"line":1,"description":"d","hs_code":"940360","quantity":1,
                           "value":{{"amount":"1","currency":"EUR"}}}}]}}"#
        );
        Shipment::from_json(&json).unwrap()
    }

    #[test]
    fn reaches_eu_exporters_and_goods_exported_from_the_eu() {
        assert!(eu_reach(&shipment("DE", "DE", "KZ")));
        assert!(
            eu_reach(&shipment("KZ", "DE", "KZ")),
            "EU goods, KZ exporter"
        );
        assert!(
            eu_reach(&shipment("NL", "CN", "KZ")),
            "EU exporter, goods in CN"
        );
        assert!(!eu_reach(&shipment("CN", "CN", "KZ")));
        assert!(!eu_reach(&shipment("GB", "GB", "RU")));
    }

    #[test]
    fn only_an_eu_origin_is_an_export_from_the_union() {
        assert!(exported_from_eu(&shipment("KZ", "DE", "KZ")));
        assert!(!exported_from_eu(&shipment("NL", "CN", "KZ")));
        assert!(!exported_from_eu(&shipment("NO", "NO", "DE")));
    }
}
