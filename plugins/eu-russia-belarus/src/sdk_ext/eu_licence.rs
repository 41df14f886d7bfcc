//! Licences issued in the EU: by the Union (`EU`) or by a member state's authority
//! (jurisdiction = its alpha-2 code, e.g. `DE` for BAFA).
//!
//! EU sanctions are administered by the member states' competent authorities, so an
//! authorisation under Reg. (EU) 833/2014 is usually cited with a member-state
//! jurisdiction. `Shipment::licence_covers` checks one jurisdiction at a time.

use exportctl_sdk::{Country, Licence, Shipment, country_sets};

/// Whether `jurisdiction` is the Union or one of its 27 member states.
pub fn is_eu_jurisdiction(jurisdiction: &str) -> bool {
    jurisdiction.eq_ignore_ascii_case("EU")
        || Country::parse(jurisdiction).is_some_and(|c| country_sets::EU27.contains(c))
}

/// The first EU licence the shipment cites that covers `line` on the shipment's date
/// (its `lines` include the line or are absent, and it has not expired).
pub fn covering(shipment: &Shipment, line: u32) -> Option<&Licence> {
    shipment.licences.iter().find(|licence| {
        is_eu_jurisdiction(&licence.jurisdiction)
            && licence.covers(&licence.jurisdiction, line, shipment.date)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_union_and_member_states_are_eu_jurisdictions() {
        for j in ["EU", "eu", "DE", "fr", "PL", "CY"] {
            assert!(is_eu_jurisdiction(j), "{j}");
        }
        for j in ["US", "UK", "GB", "KZ", "NO", "CH", "", "EUR"] {
            assert!(!is_eu_jurisdiction(j), "{j}");
        }
    }
}
