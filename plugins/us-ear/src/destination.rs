//! The destinations a shipment's lines go to, for the EAR: the declared country of final
//! destination and the end user's country.
//!
//! The EAR's licence requirements follow the country of ultimate destination. A document
//! that declares Kazakhstan as destination but names an end user in Russia ships to Russia
//! as far as the EAR is concerned, so both countries are judged (each finding names which).
//! When no end user is named the consignee is the end user, as the input format defines.

use exportctl_sdk::{Country, PartyPath, Shipment};
use std::fmt;

/// One destination of a shipment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Destination {
    /// The country.
    pub country: Country,
    /// The party that places the goods there; `None` for the declared destination.
    pub party: Option<PartyPath>,
}

/// The declared destination, then the end user's (or consignee's) country when it differs.
pub fn destinations(shipment: &Shipment) -> Vec<Destination> {
    let mut out = vec![Destination {
        country: shipment.destination_country(),
        party: None,
    }];
    let end_user = shipment.end_user();
    if end_user.party.country() != shipment.destination_country() {
        out.push(Destination {
            country: end_user.party.country(),
            party: Some(end_user.path),
        });
    }
    out
}

impl fmt::Display for Destination {
    /// `CN`, or `RU (end_user)` when a party places the goods there.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.party {
            None => write!(f, "{}", crate::country_chart::describe(self.country)),
            Some(path) => write!(
                f,
                "{} ({path})",
                crate::country_chart::describe(self.country)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Doc, DocExt as _};

    #[test]
    fn the_end_user_country_is_judged_too() {
        let s = Doc::us("2024-06-03", "KZ", &["EAR99"])
            .end_user("RU")
            .shipment();
        let d = destinations(&s);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].to_string(), "KZ");
        assert_eq!(d[1].to_string(), "RU (end_user)");
    }

    #[test]
    fn one_destination_when_the_end_user_is_there() {
        let s = Doc::us("2024-06-03", "HK", &["EAR99"]).shipment();
        let d = destinations(&s);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].to_string(), "HK (Country Chart row of China)");
    }
}
