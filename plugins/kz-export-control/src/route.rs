//! How a shipment touches Kazakhstan, and whether it is bound for Russia.
//!
//! Kazakhstan and Russia are both members of the Eurasian Economic Union, so there
//! is no customs border between them: nothing here assumes that goods are checked
//! on the way. The route is taken as the document declares it.

use exportctl_sdk::{Country, PartyPath, Shipment};

/// How the goods move relative to Kazakhstan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    /// Exported (or re-exported) from Kazakhstan: origin KZ, destination abroad.
    Export,
    /// Carried across Kazakhstan: KZ is a transit country.
    Transit,
    /// Brought into Kazakhstan: destination KZ.
    Import,
}

/// How the shipment touches Kazakhstan; `None` when it does not, or when origin and
/// destination are both Kazakhstan (a domestic delivery, not a cross-border one).
pub fn movement(shipment: &Shipment) -> Option<Movement> {
    let from_kz = shipment.origin_country() == Country::KZ;
    let to_kz = shipment.destination_country() == Country::KZ;
    match (from_kz, to_kz) {
        (true, false) => Some(Movement::Export),
        (false, true) => Some(Movement::Import),
        (false, false) if shipment.transits(Country::KZ) => Some(Movement::Transit),
        _ => None,
    }
}

/// Whether the goods are exported from Kazakhstan.
pub fn exported_from_kz(shipment: &Shipment) -> bool {
    movement(shipment) == Some(Movement::Export)
}

/// Whether the goods cross Kazakhstan in transit.
pub fn transits_kz(shipment: &Shipment) -> bool {
    movement(shipment) == Some(Movement::Transit)
}

/// The parties in Russia that make the goods Russia-bound: the consignee and the
/// end user (the consignee when no end user is named), each listed once.
pub fn russian_parties(shipment: &Shipment) -> Vec<PartyPath> {
    let mut paths = Vec::new();
    if shipment.consignee().country() == Country::RU {
        paths.push(PartyPath::Consignee);
    }
    let end_user = shipment.end_user();
    if end_user.party.country() == Country::RU && !paths.contains(&end_user.path) {
        paths.push(end_user.path);
    }
    paths
}

/// Whether the goods are for Russia: destination Russia, or a consignee or end
/// user there. A Russian end user behind a third-country destination is exactly
/// the diversion the Kazakh stated policy means to stop.
pub fn bound_for_russia(shipment: &Shipment) -> bool {
    shipment.destination_country() == Country::RU || !russian_parties(shipment).is_empty()
}

/// The route for a message, e.g. `KG → KZ → RU`.
pub fn describe(shipment: &Shipment) -> String {
    std::iter::once(shipment.origin_country())
        .chain(shipment.transit_countries())
        .chain(std::iter::once(shipment.destination_country()))
        .map(|c| c.as_str().to_owned())
        .collect::<Vec<_>>()
        .join(" → ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};

    #[test]
    fn tells_export_transit_and_import_apart() -> Result<(), String> {
        let cases = [
            ("KZ>AM", Some(Movement::Export)),
            ("KZ>RU", Some(Movement::Export)),
            ("CN>KZ>UZ", Some(Movement::Transit)),
            ("KG>KZ>RU", Some(Movement::Transit)),
            ("DE>KZ", Some(Movement::Import)),
            ("DE>PL>BY>RU", None),
            ("KZ>KZ", None),
        ];
        for (route, expected) in cases {
            let s = Doc::new("2024-01-10", route).try_shipment()?;
            assert_eq!(movement(&s), expected, "{route}");
        }
        Ok(())
    }

    #[test]
    fn russia_bound_by_destination_consignee_or_end_user() -> Result<(), String> {
        let to_ru = Doc::new("2024-01-10", "KZ>RU").try_shipment()?;
        assert!(bound_for_russia(&to_ru));
        assert_eq!(
            russian_parties(&to_ru),
            [PartyPath::Consignee],
            "the consignee is at the destination"
        );

        let end_user = Doc::new("2024-01-10", "KZ>AM")
            .end_user("RU")
            .try_shipment()?;
        assert!(bound_for_russia(&end_user));
        assert_eq!(russian_parties(&end_user), [PartyPath::EndUser]);

        let consignee = Doc::new("2024-01-10", "KZ>AM")
            .consignee("RU")
            .end_user("AM")
            .try_shipment()?;
        assert_eq!(russian_parties(&consignee), [PartyPath::Consignee]);

        let neither = Doc::new("2024-01-10", "KZ>AM")
            .end_user("AM")
            .try_shipment()?;
        assert!(!bound_for_russia(&neither));
        Ok(())
    }

    #[test]
    fn describes_the_route_in_order() -> Result<(), String> {
        let s = Doc::new("2022-11-14", "KG>KZ>RU").try_shipment()?;
        assert_eq!(describe(&s), "KG → KZ → RU");
        Ok(())
    }
}
