//! Reading version 2 buffers: [`check`] walks a buffer once and refuses anything
//! malformed; a [`Reader`] over a checked buffer then reads fields in place.
//!
//! The accessors of a checked buffer cannot fail. They still index with bounds
//! checks (no `unsafe`), so a broken invariant would trap the plugin — an error the
//! host reports as the policy's failure — rather than be misread.

use super::WireError;
use super::layout::{self, ABSENT, DATE, DECIMAL, HEADER, STR, TABLE};
use crate::{Country, Date, HsCode};
use rust_decimal::Decimal;

/// A checked buffer: its records region and its string heap. Not for policy
/// authors: the shipment's accessors read through it.
#[derive(Clone, Copy)]
pub struct Reader<'s> {
    records: &'s [u8],
    heap: &'s str,
}

impl<'s> Reader<'s> {
    pub(crate) fn new(records: &'s [u8], heap: &'s str) -> Reader<'s> {
        Reader { records, heap }
    }

    pub(crate) fn u8(&self, at: usize) -> u8 {
        self.records[at]
    }

    pub(crate) fn u16(&self, at: usize) -> u16 {
        u16::from_le_bytes([self.records[at], self.records[at + 1]])
    }

    pub(crate) fn u32(&self, at: usize) -> u32 {
        let b = &self.records[at..at + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    pub(crate) fn str(&self, at: usize) -> &'s str {
        self.opt_str(at).unwrap_or_default()
    }

    pub(crate) fn opt_str(&self, at: usize) -> Option<&'s str> {
        let start = self.u32(at);
        (start != ABSENT).then(|| {
            let start = start as usize;
            &self.heap[start..start + self.u32(at + 4) as usize]
        })
    }

    pub(crate) fn country(&self, at: usize) -> Country {
        Country::from_checked([self.records[at], self.records[at + 1]])
    }

    pub(crate) fn opt_country(&self, at: usize) -> Option<Country> {
        (self.records[at] != 0).then(|| self.country(at))
    }

    pub(crate) fn opt_date(&self, at: usize) -> Option<Date> {
        Date::new(self.u16(at), self.records[at + 2], self.records[at + 3])
    }

    pub(crate) fn date(&self, at: usize) -> Date {
        // The fallback is never taken: `check` refused buffers with a missing date.
        self.opt_date(at).unwrap_or(Date::ymd(1, 1, 1))
    }

    pub(crate) fn decimal(&self, at: usize) -> Decimal {
        let mut bytes = [0; DECIMAL];
        bytes.copy_from_slice(&self.records[at..at + DECIMAL]);
        Decimal::deserialize(bytes)
    }

    pub(crate) fn hs_code(&self, digits: usize, len: usize) -> HsCode {
        let len = usize::from(self.records[len]);
        HsCode::from_checked_digits(&self.records[digits..digits + len])
    }

    /// Optional bool: 0 absent, 1 false, 2 true.
    pub(crate) fn opt_bool(&self, at: usize) -> Option<bool> {
        match self.records[at] {
            1 => Some(false),
            2 => Some(true),
            _ => None,
        }
    }

    /// A table's first element and element count.
    pub(crate) fn table(&self, at: usize) -> (usize, usize) {
        (self.u32(at) as usize, self.u32(at + 4) as usize)
    }
}

/// A value stored in a table: how large one element is and how to read it.
///
/// Public only so the element types of [`List`](crate::List) can name it; it
/// cannot be implemented outside the SDK.
pub trait Element<'s>: Sized {
    #[doc(hidden)]
    const SIZE: usize;
    #[doc(hidden)]
    fn read(reader: Reader<'s>, at: usize) -> Self;
}

/// Checks a whole buffer of `kind`; returns its records region and its heap. After
/// this, every [`Reader`] accessor the views use succeeds.
pub(crate) fn check(bytes: &[u8], kind: u16) -> Result<(&[u8], &str), WireError> {
    let fail = |what: String| Err(WireError(what));
    if bytes.len() < HEADER {
        return fail(format!("{} bytes, shorter than the header", bytes.len()));
    }
    if bytes[..4] != super::MAGIC {
        return fail(
            "not a version 2 shipment buffer (no `XSHP` magic): the plugin was built for \
             another wire format; rebuild it with this exportctl-sdk"
                .to_owned(),
        );
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != super::WIRE_FORMAT {
        return fail(format!(
            "wire format {version}, this plugin reads format {}: rebuild it with an \
             exportctl-sdk that writes format {version}",
            super::WIRE_FORMAT
        ));
    }
    let found = u16::from_le_bytes([bytes[6], bytes[7]]);
    if found != kind {
        return fail(format!("buffer kind {found}, expected {kind}"));
    }
    let le =
        |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let (records_len, heap_len) = (le(8) as usize, le(12) as usize);
    if records_len.checked_add(heap_len) != Some(bytes.len()) || records_len < HEADER {
        return fail(format!(
            "lengths {records_len} + {heap_len} do not add up to the buffer's {} bytes",
            bytes.len()
        ));
    }
    let (records, heap) = bytes.split_at(records_len);
    let heap = std::str::from_utf8(heap).map_err(|e| WireError(format!("string heap: {e}")))?;
    let checker = Checker { records, heap };
    match kind {
        layout::KIND_SHIPMENT => checker.shipment(HEADER)?,
        _ => checker.party(HEADER, false)?,
    }
    Ok((records, heap))
}

/// The walk of [`check`].
struct Checker<'s> {
    records: &'s [u8],
    heap: &'s str,
}

type Checked = Result<(), WireError>;

impl Checker<'_> {
    fn fail(&self, at: usize, what: &str) -> Checked {
        Err(WireError(format!("{what} at byte {at}")))
    }

    fn room(&self, at: usize, size: usize) -> Checked {
        match at.checked_add(size) {
            Some(end) if end <= self.records.len() => Ok(()),
            _ => self.fail(at, "record out of bounds"),
        }
    }

    fn reader(&self) -> Reader<'_> {
        Reader::new(self.records, self.heap)
    }

    fn str(&self, at: usize, optional: bool) -> Checked {
        let reader = self.reader();
        let start = reader.u32(at);
        if start == ABSENT {
            return if optional {
                Ok(())
            } else {
                self.fail(at, "missing string")
            };
        }
        let (start, len) = (start as usize, reader.u32(at + 4) as usize);
        match start.checked_add(len) {
            Some(end) if self.heap.get(start..end).is_some() => Ok(()),
            _ => self.fail(at, "string outside the heap or not on character boundaries"),
        }
    }

    fn country(&self, at: usize, optional: bool) -> Checked {
        let code = [self.records[at], self.records[at + 1]];
        if optional && code == [0, 0] || code.iter().all(u8::is_ascii_uppercase) {
            Ok(())
        } else {
            self.fail(at, "not an upper-case alpha-2 country code")
        }
    }

    fn date(&self, at: usize, optional: bool) -> Checked {
        let reader = self.reader();
        if optional && reader.u32(at) == 0 || reader.opt_date(at).is_some() {
            Ok(())
        } else {
            self.fail(at, "not a date")
        }
    }

    fn decimal(&self, at: usize) -> Checked {
        let flags = self.reader().u32(at);
        // Only the sign (bit 31) and the scale (bits 16–23, at most 28) may be set.
        if flags & !0x80FF_0000 != 0 || (flags >> 16) & 0xFF > 28 {
            return self.fail(at, "not a decimal");
        }
        Ok(())
    }

    fn bool(&self, at: usize) -> Checked {
        if self.records[at] <= 2 {
            Ok(())
        } else {
            self.fail(at, "not an optional bool")
        }
    }

    /// A table of `size`-byte elements; returns the offset of each.
    fn table(&self, at: usize, size: usize) -> Result<impl Iterator<Item = usize>, WireError> {
        let (start, count) = self.reader().table(at);
        match count.checked_mul(size) {
            Some(0) => {}
            Some(bytes) if start >= HEADER => self.room(start, bytes)?,
            _ => self.fail(at, "table out of bounds")?,
        }
        Ok((0..count).map(move |i| start + i * size))
    }

    fn shipment(&self, at: usize) -> Checked {
        use layout::shipment as s;
        self.room(at, s::SIZE)?;
        self.str(at + s::ID, false)?;
        self.date(at + s::DATE, false)?;
        self.date(at + s::AS_OF, false)?;
        self.country(at + s::ORIGIN, false)?;
        self.country(at + s::DESTINATION, false)?;
        if self.records[at + s::TRANSPORT_MODE] > 7 {
            return self.fail(at + s::TRANSPORT_MODE, "not a transport mode");
        }
        self.bool(at + s::END_USE_MILITARY)?;
        self.bool(at + s::NO_RUSSIA_CLAUSE)?;
        self.str(at + s::END_USE_STATEMENT, true)?;
        self.str(at + s::END_USE_SECTOR, true)?;
        self.str(at + s::CONTRACT_REFERENCE, true)?;
        self.date(at + s::CONTRACT_DATE, true)?;
        for other in self.table(at + s::OTHER_PARTIES, layout::party::SIZE)? {
            self.party(other, true)?;
        }
        for country in self.table(at + s::TRANSIT, 2)? {
            self.country(country, false)?;
        }
        for licence in self.table(at + s::LICENCES, layout::licence::SIZE)? {
            self.licence(licence)?;
        }
        for line in self.table(at + s::LINES, layout::line::SIZE)? {
            self.line(line)?;
        }
        self.party(at + s::EXPORTER, false)?;
        self.party(at + s::CONSIGNEE, false)?;
        if self.records[at + s::PRESENT] & s::HAS_END_USER != 0 {
            self.party(at + s::END_USER, false)?;
        }
        Ok(())
    }

    fn party(&self, at: usize, other: bool) -> Checked {
        use layout::party as p;
        self.room(at, p::SIZE)?;
        self.str(at + p::NAME, false)?;
        self.str(at + p::REGION, true)?;
        self.str(at + p::ADDRESS, true)?;
        for id in self.table(at + p::IDS, p::ID_SIZE)? {
            self.str(id, false)?;
            self.str(id + STR, false)?;
        }
        for alias in self.table(at + p::ALIASES, STR)? {
            self.str(alias, false)?;
        }
        self.date(at + p::REGISTRATION_DATE, true)?;
        self.country(at + p::COUNTRY, false)?;
        let role = self.records[at + p::ROLE];
        if other && !(1..=6).contains(&role) || !other && role != 0 {
            return self.fail(at + p::ROLE, "not a party role");
        }
        Ok(())
    }

    fn licence(&self, at: usize) -> Checked {
        use layout::licence as l;
        self.room(at, l::SIZE)?;
        self.str(at + l::ID, false)?;
        self.str(at + l::JURISDICTION, false)?;
        let _lines = self.table(at + l::LINES, 4)?;
        self.date(at + l::VALID_UNTIL, true)
    }

    fn line(&self, at: usize) -> Checked {
        use layout::line as n;
        self.room(at, n::SIZE)?;
        self.str(at + n::DESCRIPTION, false)?;
        let len = usize::from(self.records[at + n::HS_LEN]);
        if !(6..=10).contains(&len)
            || !self.records[at + n::HS_DIGITS..at + n::HS_DIGITS + len]
                .iter()
                .all(u8::is_ascii_digit)
        {
            return self.fail(at + n::HS_DIGITS, "not an HS code");
        }
        self.country(at + n::ORIGIN, true)?;
        for code in self.table(at + n::CONTROL_CODES, STR)? {
            self.str(code, false)?;
        }
        self.str(at + n::UNIT, true)?;
        self.str(at + n::CURRENCY, false)?;
        self.decimal(at + n::QUANTITY)?;
        self.decimal(at + n::AMOUNT)?;
        self.decimal(at + n::US_CONTENT)
    }
}

/// Two-byte and `DATE`/`TABLE` sizes are part of the layout the checker relies on.
const _: () = assert!(DATE == 4 && TABLE == 8 && STR == 8);
