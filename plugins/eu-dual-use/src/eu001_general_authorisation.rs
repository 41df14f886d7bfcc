//! Union General Export Authorisation EU001 (Reg. (EU) 2021/821 Art. 12 and Annex II,
//! Section A): exports of Annex I items to Australia, Canada, Iceland, Japan,
//! Liechtenstein, New Zealand, Norway, Switzerland, the United Kingdom and the United
//! States (`eu-dual-use-eu001`).
//!
//! EU001 covers the Annex I items except those its Part 1 excludes, among them every
//! Annex IV item: the policy checks the Annex IV entries it embeds
//! ([`crate::annex_iv`]); the other exclusions are not encoded, and the note says so.
//!
//! **A used general authorisation is not silent.** Using EU001 is lawful only under its
//! conditions: the exporter notifies (registers with) the competent authority of its
//! member state of the first use, meets that member state's reporting requirements, and
//! may not use it when informed or aware that the items are meant for a use of Art. 4(1)
//! or when they go to a free zone or free warehouse in the destination. So a line that
//! goes under EU001 gets a finding with the outcome `allow`: the verdict stays `allow`
//! (the worst outcome of the findings), and the finding names EU001, the lines and the
//! conditions in the verdict, where the audit trail keeps them. The host↔plugin contract
//! (`sdk/wit/policy.wit`) already has the `allow` outcome for a finding ("nothing
//! objectionable"), so no new severity and no contract change are needed: every host and
//! ERP reading verdict version 1 keeps working, and one that ignores `allow` findings
//! loses nothing it relied on.

use crate::goods::{self, LineFacts};
use crate::settings::Settings;
use exportctl_sdk::{Country, CountrySet, Finding, Outcome, Rule, Shipment, country_sets};

/// The destinations of EU001 (Annex II, Section A, Part 2 of Reg. (EU) 2021/821).
pub const EU001_DESTINATIONS: CountrySet = CountrySet {
    name: "EU001 destinations",
    source: "Reg. (EU) 2021/821 Annex II Section A Part 2: Australia, Canada, Iceland, Japan, New Zealand, Norway, \
             Switzerland including Liechtenstein, United Kingdom, United States",
    members: &[
        Country::from_bytes(*b"AU"),
        Country::from_bytes(*b"CA"),
        Country::from_bytes(*b"CH"),
        Country::from_bytes(*b"GB"),
        Country::from_bytes(*b"IS"),
        Country::from_bytes(*b"JP"),
        Country::from_bytes(*b"LI"),
        Country::from_bytes(*b"NO"),
        Country::from_bytes(*b"NZ"),
        Country::from_bytes(*b"US"),
    ],
};

/// Annex I items exported under EU001: an informational finding (`allow`).
pub const EU001: Rule = Rule::new(
    "eu-dual-use-eu001",
    "Reg. (EU) 2021/821 Art. 12 and Annex II Section A (Union General Export Authorisation EU001): Part 1 items, \
     Part 2 destinations, Part 3 conditions (notification of first use, reporting)",
)
.describe("Annex I items exported under Union General Export Authorisation EU001 (informational)");

/// Whether EU001 can carry the shipment's Annex I lines (those outside Annex IV).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Eu001 {
    /// The destination is not an EU001 destination.
    NotADestination,
    /// The policy set says the company does not use EU001 (`use_eu001 = false`).
    NotUsed,
    /// A receiving party is outside the EU001 destinations and the Union: named.
    PartyOutside(String),
    /// EU001 can carry the lines it does not exclude.
    Usable,
}

/// Whether EU001 can carry the shipment.
pub fn eu001(shipment: &Shipment, settings: &Settings) -> Eu001 {
    if !EU001_DESTINATIONS.contains(shipment.destination_country()) {
        return Eu001::NotADestination;
    }
    if !settings.use_eu001 {
        return Eu001::NotUsed;
    }
    let inside = |c: Country| EU001_DESTINATIONS.contains(c) || country_sets::EU27.contains(c);
    for p in shipment.receiving_parties() {
        if !inside(p.party.country()) {
            return Eu001::PartyOutside(format!(
                "{} `{}` in {}",
                shipment.role_name(p.path),
                p.party.name(),
                p.party.country()
            ));
        }
    }
    Eu001::Usable
}

impl Eu001 {
    /// Why EU001 does not carry the lines, as a sentence for an Art. 3 finding; empty
    /// when the destination is not an EU001 destination.
    pub fn why_not(&self, shipment: &Shipment) -> String {
        let d = shipment.destination_country();
        match self {
            Eu001::NotADestination => String::new(),
            Eu001::NotUsed => format!(
                " {d} is an EU001 destination, but the policy set says the company does not export under EU001 \
                 (use_eu001 = false)."
            ),
            Eu001::PartyOutside(who) => format!(
                " {d} is an EU001 destination, but the {who} is outside the EU001 destinations: EU001 cannot be \
                 relied on."
            ),
            Eu001::Usable => format!(
                " {d} is an EU001 destination, but EU001 excludes Annex IV items (Annex II Section A Part 1)."
            ),
        }
    }
}

/// The note for the lines exported under EU001.
pub fn note(shipment: &Shipment, lines: &[&LineFacts<'_>]) -> Finding {
    EU001
        .finding(
            Outcome::Allow,
            format!(
                "dual-use items listed in Annex I exported from {} to {} under Union General Export Authorisation \
                 EU001 (Reg. (EU) 2021/821 Annex II Section A): {}. Conditions of its use: notify the competent \
                 authority of the member state of establishment of the first use of EU001 (no later than 30 days \
                 after the first export, or before it where that member state requires registration in advance) \
                 and meet that member state's reporting requirements; EU001 may not be used when the exporter is \
                 informed or aware that the items are intended for a use of Art. 4(1), or for goods going to a free \
                 zone or free warehouse in the destination. EU001 excludes Annex IV items and the other items its \
                 Part 1 lists; only the Annex IV entries the policy embeds were checked. {}",
                shipment.origin_country(),
                shipment.destination_country(),
                goods::describe(lines, |f| f.annex_i_codes()),
                goods::STRUCTURE_NOTE
            ),
        )
        .lines(goods::numbers(lines))
        .legal_basis(format!(
            "{}; Annex I entries {}",
            EU001.legal_basis,
            goods::entries(lines)
        ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};

    fn usable(doc: Doc, use_eu001: bool) -> Eu001 {
        eu001(&doc.shipment(), &Settings { use_eu001 })
    }

    #[test]
    fn destinations_are_the_ten_of_part_2_sorted() {
        assert_eq!(EU001_DESTINATIONS.members.len(), 10);
        assert!(EU001_DESTINATIONS.members.windows(2).all(|w| w[0] < w[1]));
        assert!(Rule::is_valid_id(EU001.id));
    }

    #[test]
    fn usable_for_an_eu001_destination_with_parties_there() {
        assert_eq!(usable(Doc::export("DE", "US"), true), Eu001::Usable);
        assert_eq!(usable(Doc::export("DE", "LI"), true), Eu001::Usable);
        assert_eq!(
            usable(Doc::export("DE", "NO").end_user("FR"), true),
            Eu001::Usable
        );
        assert_eq!(
            usable(Doc::export("DE", "KR"), true),
            Eu001::NotADestination
        );
        assert_eq!(usable(Doc::export("DE", "US"), false), Eu001::NotUsed);
        assert_eq!(
            usable(Doc::export("DE", "US").end_user("RU"), true),
            Eu001::PartyOutside("end user `End User` in RU".into())
        );
    }

    #[test]
    fn the_note_is_an_allow_finding_naming_eu001_and_its_conditions() {
        let s = Doc::export("DE", "JP").codes(&["6A005.b.6"]).shipment();
        let facts = goods::classify(s.lines());
        let f = note(&s, &facts.iter().collect::<Vec<_>>());
        assert_eq!(
            (f.outcome(), f.get_lines().to_vec()),
            (Outcome::Allow, vec![1])
        );
        for needle in [
            "EU001",
            "first use",
            "reporting",
            "line 1 (9013.20, 6A005.B.6)",
            "Annex IV",
        ] {
            assert!(f.message().contains(needle), "{needle}: {}", f.message());
        }
        assert!(
            f.get_legal_basis().ends_with("Annex I entries 6A005"),
            "{}",
            f.get_legal_basis()
        );
    }
}
