//! The reference rule in plain Rust over plain structs: the fastest the rule can
//! be, without the SDK's types or the sandbox.

use super::{chpl_codes, destination, subheadings};
use exportctl_sdk::validated::Shipment;

/// What the rule reads of a shipment, as fixed-size bytes.
pub struct PlainShipment {
    destination: [u8; 2],
    subheadings: Vec<[u8; 6]>,
}

impl PlainShipment {
    /// The plain form of a validated shipment.
    pub fn of(shipment: &Shipment) -> PlainShipment {
        PlainShipment {
            destination: bytes(destination(shipment)),
            subheadings: subheadings(shipment).map(bytes).collect(),
        }
    }
}

/// The rule with its code list, sorted for binary search.
pub struct PlainRule {
    codes: Vec<[u8; 6]>,
}

impl PlainRule {
    /// The rule over the CHPL codes.
    pub fn new() -> PlainRule {
        let mut codes: Vec<[u8; 6]> = chpl_codes().map(bytes).collect();
        codes.sort_unstable();
        PlainRule { codes }
    }

    /// Whether the rule denies the shipment.
    pub fn denies(&self, s: &PlainShipment) -> bool {
        matches!(&s.destination, b"RU" | b"BY")
            && s.subheadings
                .iter()
                .any(|c| self.codes.binary_search(c).is_ok())
    }
}

impl Default for PlainRule {
    fn default() -> PlainRule {
        PlainRule::new()
    }
}

/// The first `N` bytes of an ASCII code (validated codes are at least that long).
fn bytes<const N: usize>(code: &str) -> [u8; N] {
    let mut out = [0; N];
    for (o, b) in out.iter_mut().zip(code.bytes()) {
        *o = b;
    }
    out
}
