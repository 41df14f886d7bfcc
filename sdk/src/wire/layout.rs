//! Offsets and sizes of the version 2 records, in bytes, as `sdk/spec/wire.md`
//! lists them. The reader and the writer both use these and nothing else.

/// Header: magic, version, kind, records length, heap length.
pub const HEADER: usize = 16;
/// `kind` of a buffer holding a shipment.
pub const KIND_SHIPMENT: u16 = 1;
/// `kind` of a buffer holding one party (a screener's business partner).
pub const KIND_PARTY: u16 = 2;

/// A string: heap offset (u32), byte length (u32). Absent: offset `u32::MAX`.
pub const STR: usize = 8;
/// A table: records offset (u32) of its first element, element count (u32).
pub const TABLE: usize = 8;
/// A date: year (u16), month (u8), day (u8). Absent: all zero.
pub const DATE: usize = 4;
/// A decimal: rust_decimal's 16-byte form (flags, lo, mid, hi; u32 each).
pub const DECIMAL: usize = 16;
/// Offset of an absent string.
pub const ABSENT: u32 = u32::MAX;

/// The shipment record (right after the header).
pub mod shipment {
    pub const ID: usize = 0;
    pub const DATE: usize = 8;
    pub const AS_OF: usize = 12;
    pub const ORIGIN: usize = 16;
    pub const DESTINATION: usize = 18;
    pub const TRANSPORT_MODE: usize = 20;
    /// Bit 0: end user named; bit 1: end use given; bit 2: contract given.
    pub const PRESENT: usize = 21;
    pub const END_USE_MILITARY: usize = 22;
    pub const NO_RUSSIA_CLAUSE: usize = 23;
    pub const END_USE_STATEMENT: usize = 24;
    pub const END_USE_SECTOR: usize = 32;
    pub const CONTRACT_REFERENCE: usize = 40;
    pub const CONTRACT_DATE: usize = 48;
    pub const OTHER_PARTIES: usize = 56;
    pub const TRANSIT: usize = 64;
    pub const LICENCES: usize = 72;
    pub const LINES: usize = 80;
    pub const EXPORTER: usize = 88;
    pub const CONSIGNEE: usize = 136;
    pub const END_USER: usize = 184;
    pub const SIZE: usize = 232;

    pub const HAS_END_USER: u8 = 1;
    pub const HAS_END_USE: u8 = 2;
    pub const HAS_CONTRACT: u8 = 4;
}

/// A party (exporter, consignee, end user, each other party, a screened party).
pub mod party {
    pub const NAME: usize = 0;
    pub const REGION: usize = 8;
    pub const ADDRESS: usize = 16;
    /// Table of `(key, value)` string pairs, sorted by key.
    pub const IDS: usize = 24;
    /// Table of strings.
    pub const ALIASES: usize = 32;
    pub const REGISTRATION_DATE: usize = 40;
    pub const COUNTRY: usize = 44;
    /// 0 for exporter, consignee and end user; an other party's role 1–6.
    pub const ROLE: usize = 46;
    pub const SIZE: usize = 48;
    /// One `ids` element: key string, value string.
    pub const ID_SIZE: usize = 16;
}

/// A licence.
pub mod licence {
    pub const ID: usize = 0;
    pub const JURISDICTION: usize = 8;
    /// Table of u32 line numbers; read only when bit 0 of `FLAGS` is set.
    pub const LINES: usize = 16;
    pub const VALID_UNTIL: usize = 24;
    /// Bit 0: the licence lists its lines (otherwise it covers every line).
    pub const FLAGS: usize = 28;
    pub const SIZE: usize = 32;
}

/// A line item.
pub mod line {
    pub const NUMBER: usize = 0;
    pub const DESCRIPTION: usize = 4;
    /// Ten bytes: the HS code's ASCII digits, then zeros.
    pub const HS_DIGITS: usize = 12;
    pub const HS_LEN: usize = 22;
    /// Bit 0: `us_content_percent` given.
    pub const FLAGS: usize = 23;
    /// Two zero bytes when absent.
    pub const ORIGIN: usize = 24;
    /// Table of strings (each control code as classified, upper-case).
    pub const CONTROL_CODES: usize = 28;
    pub const UNIT: usize = 36;
    pub const CURRENCY: usize = 44;
    pub const QUANTITY: usize = 52;
    pub const AMOUNT: usize = 68;
    pub const US_CONTENT: usize = 84;
    pub const SIZE: usize = 100;

    pub const HAS_US_CONTENT: u8 = 1;
}
