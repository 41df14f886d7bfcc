//! Who in a shipment is in Russia or Belarus, and which third countries Art. 12g and
//! Art. 12gb are about.
//!
//! Whether the EU rules reach a shipment at all (exporter or origin country in the
//! EU27) is the SDK's [`exportctl_sdk::reach`], shared with the other EU policies:
//! without that link the policy makes no finding.

use exportctl_sdk::{Country, PartyPath, Shipment, country_sets};
use std::collections::BTreeSet;

/// Whether the destination is a third country that is neither Russia nor Belarus nor an
/// Annex VIII partner: the sales Art. 12g and Art. 12gb are about.
pub fn non_partner_third_country(shipment: &Shipment) -> bool {
    let d = shipment.destination_country();
    !country_sets::EU27.contains(d)
        && !country_sets::RUSSIA_BELARUS.contains(d)
        && !country_sets::ANNEX_VIII_PARTNERS.contains(d)
}

/// Why a shipment is "to Russia or Belarus, or for use there".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuByTarget {
    /// Russia, Belarus or both.
    pub countries: BTreeSet<Country>,
    /// What makes it so, for a message: `destination RU`, `end user `AO X` in RU`.
    pub reasons: Vec<String>,
    /// The parties in Russia or Belarus.
    pub parties: Vec<PartyPath>,
}

impl RuByTarget {
    /// The reasons as one phrase.
    pub fn describe(&self) -> String {
        self.reasons.join("; ")
    }
}

/// Whether the destination or a receiving party (consignee, named end user,
/// intermediate consignee) is in Russia or Belarus. When no end user is named the
/// consignee is the end user, as the input format defines.
pub fn ru_by_target(shipment: &Shipment) -> Option<RuByTarget> {
    let in_ru_by = |c: Country| country_sets::RUSSIA_BELARUS.contains(c);
    let mut target = RuByTarget {
        countries: BTreeSet::new(),
        reasons: Vec::new(),
        parties: Vec::new(),
    };
    if in_ru_by(shipment.destination_country()) {
        target
            .reasons
            .push(format!("destination {}", shipment.destination_country()));
        target.countries.insert(shipment.destination_country());
    }
    for p in shipment.receiving_parties() {
        if in_ru_by(p.party.country()) {
            let role = shipment.role_name(p.path);
            target.reasons.push(format!(
                "{role} `{}` in {}",
                p.party.name(),
                p.party.country()
            ));
            target.parties.push(p.path);
            target.countries.insert(p.party.country());
        }
    }
    (!target.countries.is_empty()).then_some(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};

    #[test]
    fn finds_every_receiving_party_in_russia_or_belarus() {
        let s = Doc::new("2024-06-03", "DE>KZ")
            .end_user("RU")
            .intermediate("BY")
            .payer("RU")
            .shipment();
        let t = ru_by_target(&s).unwrap();
        assert_eq!(t.countries, [Country::RU, Country::BY].into());
        assert_eq!(t.parties, vec![PartyPath::EndUser, PartyPath::Other(0)]);
        assert_eq!(
            t.describe(),
            "end user `End User` in RU; intermediate consignee `Intermediate` in BY"
        );
    }

    #[test]
    fn destination_alone_counts_and_payers_do_not() {
        let t = ru_by_target(&Doc::new("2024-06-03", "DE>RU").shipment()).unwrap();
        assert_eq!(
            t.reasons,
            vec!["destination RU", "consignee `Consignee` in RU"]
        );
        assert_eq!(
            ru_by_target(&Doc::new("2024-06-03", "DE>KZ").payer("RU").shipment()),
            None
        );
    }

    #[test]
    fn third_countries_exclude_the_eu_russia_belarus_and_partners() {
        for (route, expected) in [
            ("DE>KZ", true),
            ("DE>AE", true),
            ("DE>CN", true),
            ("DE>US", false),
            ("DE>CH", false),
            ("DE>GB", false),
            ("DE>FR", false),
            ("DE>RU", false),
            ("DE>BY", false),
        ] {
            let s = Doc::new("2024-06-03", route).shipment();
            assert_eq!(non_partner_third_country(&s), expected, "{route}");
        }
    }
}
