//! The shipment wire format, version 2: how the host hands a validated shipment to
//! a plugin (`sdk/spec/wire.md` is the byte-level reference).
//!
//! One buffer, two regions: fixed-size little-endian records (a header, the
//! shipment, then tables of parties, lines, licences and lists), and after them
//! one UTF-8 string heap that every string points into. A plugin reads it in place:
//! [`Shipment::from_wire`](crate::Shipment::from_wire) checks the whole buffer once
//! (every offset in bounds, every string on character boundaries, every country,
//! date, HS code and decimal well formed) and the accessors then read fields where
//! they lie, without decoding the rest or allocating.
//!
//! Fixed widths and offsets instead of a serialisation framework keep the layout
//! readable from any language (a Python policy reads it with `struct.unpack_from`)
//! and keep the reader free of `unsafe`: the heap is checked as UTF-8 once, and a
//! string is a slice of it.

pub(crate) mod layout;
mod read;
mod write;

pub(crate) use read::check;
#[doc(hidden)]
pub use read::{Element, Reader};
pub use write::PartyWire;
#[cfg(feature = "validated")]
pub(crate) use write::Writer;

/// The first four bytes of every buffer.
pub const MAGIC: [u8; 4] = *b"XSHP";

/// The version of the format this SDK writes and reads. Version 1 was the
/// postcard encoding of contract 1.0.0–1.2.0 plugins; the host still writes it for
/// them.
pub const WIRE_FORMAT: u16 = 2;

/// Why wire bytes cannot be read as a shipment, or a shipment cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError(pub(crate) String);

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "shipment wire bytes: {}", self.0)
    }
}

impl std::error::Error for WireError {}
