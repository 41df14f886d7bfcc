//! The reference rule in every engine: deny when the destination is Russia or
//! Belarus and any line's HS-6 subheading is one of the 50 CHPL codes.
//!
//! - [`plain`]: native Rust over plain structs, the floor.
//! - exportctl: the `peers-chpl-russia` policy (`benches/peers/policy`), natively
//!   on SDK types and in the sandbox ([`crate::sandbox`]).
//! - [`rego`]: the rule in Rego, run by regorus's bytecode VM and its interpreter.
//! - [`cedar`]: the rule in Cedar; the host flattens the lines into a set of HS-6
//!   codes, since Cedar cannot iterate a list.
//!
//! The peers' inputs hold only what the rule reads (destination, HS codes), while
//! exportctl's sandbox is handed the whole shipment: that favours the peers.

pub mod cedar;
pub mod plain;
pub mod rego;

use exportctl_sdk::validated::Shipment;

/// The 50 HS-6 codes of the CHPL (version of 23 Feb 2024), as the SDK embeds them.
pub fn chpl_codes() -> impl Iterator<Item = &'static str> {
    exportctl_sdk::chpl::CHPL
        .entries()
        .iter()
        .map(|(code, _)| *code)
}

/// The HS-6 subheadings of a shipment's lines (codes of 6 to 10 digits, as
/// validated), in line order; the flattening Cedar needs and the others do inline.
pub fn subheadings<'s>(shipment: &'s Shipment) -> impl Iterator<Item = &'s str> {
    shipment
        .lines
        .iter()
        .filter_map(|l| l.hs_code.as_str().get(..6))
}

/// The destination country code (upper case, as validated).
pub fn destination<'s>(shipment: &'s Shipment) -> &'s str {
    shipment.destination_country.as_str()
}
