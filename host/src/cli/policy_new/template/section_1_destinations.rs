//! §1 Destinations under review: every shipment to a listed country is looked at
//! before release (or refused, by setting), whatever the goods.

use exportctl_sdk::{Country, Finding, Outcome, Rule, Shipment};

/// §1: destinations under review. The legal basis is what a finding cites.
pub const DESTINATION: Rule = Rule::new(
    "section-1-destination",
    "Internal Compliance Programme §1 Destinations under review",
)
.describe("a shipment to a destination the compliance office reviews before release");

/// A finding with `outcome` naming every line when the destination is in a `listed`
/// country; `None` otherwise.
pub fn check(shipment: &Shipment, listed: &[Country], outcome: Outcome) -> Option<Finding> {
    let destination = shipment.destination_country();
    if !listed.contains(&destination) {
        return None;
    }
    let finding = DESTINATION.finding(
        outcome,
        format!("destination {destination} is on the list of destinations under review (setting `destinations`)"),
    );
    // The whole shipment goes there: the finding names every line.
    Some(
        shipment
            .lines()
            .fold(finding, |f, line| f.line(line.number())),
    )
}
