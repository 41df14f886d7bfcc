//! Wire format 1: the postcard encoding of a validated [`Shipment`], which plugins
//! built for contract 1.0.0–1.2.0 decode. The host writes it only for them.

use super::Shipment;
use crate::WireError;

impl<'a> Shipment<'a> {
    /// Writes the shipment in wire format 1 into `buffer`, replacing what it held.
    pub fn to_legacy_wire_in(&self, mut buffer: Vec<u8>) -> Result<Vec<u8>, WireError> {
        buffer.clear();
        postcard::to_extend(self, buffer).map_err(|e| WireError(format!("format 1: {e}")))
    }

    /// Reads wire format 1 (what a plugin built for contract 1.2.0 or earlier reads);
    /// for tests of the host's compatibility.
    pub fn from_legacy_wire(bytes: &'a [u8]) -> Result<Shipment<'a>, WireError> {
        postcard::from_bytes(bytes).map_err(|e| WireError(format!("format 1: {e}")))
    }
}
