//! Encoding: the validated shipment written once in each wire format the set's
//! plugins read, before any of them judges it.
//!
//! Plugins built for contract 1.3.0 read format 2 (`sdk/spec/wire.md`), read in
//! place; older plugins read format 1 (postcard). A shipment is written in format 2
//! for every evaluation and in format 1 only when a plugin that reads it is asked,
//! each into a buffer the worker keeps between shipments.

use exportctl_sdk::validated::Shipment;

/// A shipment wire format a plugin reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WireFormat {
    /// Format 1: the postcard encoding (plugins built for contract 1.0.0–1.2.0).
    Postcard,
    /// Format 2: the fixed-layout buffer read in place (contract 1.3.0).
    Buffer,
}

impl WireFormat {
    /// The format a plugin names in `wire-format`, if this host writes it.
    pub(crate) fn from_number(number: u32) -> Option<WireFormat> {
        match number {
            1 => Some(WireFormat::Postcard),
            n if n == u32::from(exportctl_sdk::WIRE_FORMAT) => Some(WireFormat::Buffer),
            _ => None,
        }
    }

    /// The format's number.
    pub(crate) fn number(self) -> u32 {
        match self {
            WireFormat::Postcard => 1,
            WireFormat::Buffer => u32::from(exportctl_sdk::WIRE_FORMAT),
        }
    }
}

/// Reusable buffers for the two formats.
#[derive(Default)]
pub(crate) struct Buffers {
    buffer: Vec<u8>,
    postcard: Vec<u8>,
}

/// One shipment, written in the formats asked for so far.
pub(crate) struct Encoded<'s> {
    shipment: &'s Shipment<'s>,
    buffer: Result<Vec<u8>, String>,
    /// Written on first demand: most sets have no plugin that reads format 1.
    postcard: Option<Result<Vec<u8>, String>>,
    spare: Vec<u8>,
}

impl<'s> Encoded<'s> {
    /// Writes `shipment` in format 2, reusing `buffers`.
    pub(crate) fn new(shipment: &'s Shipment<'s>, buffers: Buffers) -> Encoded<'s> {
        Encoded {
            shipment,
            buffer: shipment
                .to_wire_in(buffers.buffer)
                .map_err(|e| e.to_string()),
            postcard: None,
            spare: buffers.postcard,
        }
    }

    /// The shipment in `format`, or why it could not be written.
    pub(crate) fn bytes(&mut self, format: WireFormat) -> Result<&[u8], String> {
        match format {
            WireFormat::Buffer => self.buffer.as_deref().map_err(Clone::clone),
            WireFormat::Postcard => {
                let shipment = self.shipment;
                let spare = std::mem::take(&mut self.spare);
                self.postcard
                    .get_or_insert_with(|| {
                        shipment.to_legacy_wire_in(spare).map_err(|e| e.to_string())
                    })
                    .as_deref()
                    .map_err(Clone::clone)
            }
        }
    }

    /// The buffers, for the next shipment.
    pub(crate) fn into_buffers(self) -> Buffers {
        Buffers {
            buffer: self.buffer.unwrap_or_default(),
            postcard: match self.postcard {
                Some(Ok(bytes)) => bytes,
                _ => self.spare,
            },
        }
    }
}
