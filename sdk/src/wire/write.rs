//! Writing version 2 buffers: records are laid out front to back (the root record,
//! then each table where it is first needed), strings appended to the heap.
//!
//! The writer is told the size of all records up front, so it writes the whole
//! buffer in place: records into their zeroed region, strings appended after it.
//! Nothing is copied at the end, and a reused buffer needs no allocation.

use super::layout::{self, ABSENT, DECIMAL, HEADER};
use super::{MAGIC, WIRE_FORMAT, WireError};
use crate::{Country, Date, Party};
use rust_decimal::Decimal;

/// A buffer being written.
pub(crate) struct Writer {
    /// Header and records (`..records_end`), then the heap.
    buffer: Vec<u8>,
    /// Where the records end and the heap starts.
    records_end: usize,
    /// Where the next table goes.
    next_table: usize,
    kind: u16,
}

// A plugin writes only parties (`PartyWire`); the shipment writer of the `input`
// and `validated` features uses the rest.
#[cfg_attr(not(feature = "validated"), allow(dead_code))]
impl Writer {
    /// A writer of a buffer of `kind` into `buffer` (cleared; its allocation is
    /// kept), with `root` bytes for the root record and `records` bytes of records
    /// in all, header included: the root and every table the caller will ask for.
    pub(crate) fn new(mut buffer: Vec<u8>, kind: u16, root: usize, records: usize) -> Writer {
        buffer.clear();
        buffer.resize(records, 0);
        Writer {
            buffer,
            records_end: records,
            next_table: HEADER + root,
            kind,
        }
    }

    /// Takes `size` bytes of the records region for a table; returns where they
    /// start.
    fn alloc(&mut self, size: usize) -> Result<usize, WireError> {
        let at = self.next_table;
        match at.checked_add(size) {
            Some(end) if end <= self.records_end => {
                self.next_table = end;
                Ok(at)
            }
            _ => Err(WireError(
                "the records outgrew the size computed for them".to_owned(),
            )),
        }
    }

    fn put(&mut self, at: usize, bytes: &[u8]) {
        self.buffer[at..at + bytes.len()].copy_from_slice(bytes);
    }

    pub(crate) fn u8(&mut self, at: usize, value: u8) {
        self.buffer[at] = value;
    }

    pub(crate) fn u32(&mut self, at: usize, value: u32) {
        self.put(at, &value.to_le_bytes());
    }

    /// Offsets and lengths are u32: a buffer over 4 GiB cannot be written (the host's
    /// input limits stop documents long before).
    fn index(value: usize) -> Result<u32, WireError> {
        u32::try_from(value).map_err(|_| WireError("buffer larger than 4 GiB".to_owned()))
    }

    pub(crate) fn str(&mut self, at: usize, text: &str) -> Result<(), WireError> {
        let start = Writer::index(self.buffer.len() - self.records_end)?;
        self.buffer.extend_from_slice(text.as_bytes());
        self.u32(at, start);
        self.u32(at + 4, Writer::index(text.len())?);
        Ok(())
    }

    /// A string written straight to the heap by `write` (a code formatted from
    /// its parts), so it needs no allocation of its own.
    pub(crate) fn str_with(
        &mut self,
        at: usize,
        write: impl FnOnce(&mut HeapText<'_>) -> std::fmt::Result,
    ) -> Result<(), WireError> {
        let mut text = HeapText(&mut self.buffer);
        let start = text.0.len();
        write(&mut text).map_err(|_| WireError("a string could not be written".to_owned()))?;
        let len = self.buffer.len() - start;
        self.u32(at, Writer::index(start - self.records_end)?);
        self.u32(at + 4, Writer::index(len)?);
        Ok(())
    }

    pub(crate) fn opt_str(&mut self, at: usize, text: Option<&str>) -> Result<(), WireError> {
        match text {
            Some(text) => self.str(at, text),
            None => {
                self.u32(at, ABSENT);
                Ok(())
            }
        }
    }

    pub(crate) fn date(&mut self, at: usize, date: Date) {
        self.put(at, &date.year().to_le_bytes());
        self.buffer[at + 2] = date.month();
        self.buffer[at + 3] = date.day();
    }

    pub(crate) fn opt_date(&mut self, at: usize, date: Option<Date>) {
        if let Some(date) = date {
            self.date(at, date);
        }
    }

    pub(crate) fn country(&mut self, at: usize, country: Country) {
        self.put(at, &country.bytes());
    }

    pub(crate) fn opt_country(&mut self, at: usize, country: Option<Country>) {
        if let Some(country) = country {
            self.country(at, country);
        }
    }

    pub(crate) fn decimal(&mut self, at: usize, value: Decimal) {
        let bytes: [u8; DECIMAL] = value.serialize();
        self.put(at, &bytes);
    }

    pub(crate) fn opt_bool(&mut self, at: usize, value: Option<bool>) {
        self.buffer[at] = match value {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        };
    }

    pub(crate) fn bytes(&mut self, at: usize, bytes: &[u8]) {
        self.put(at, bytes);
    }

    /// Allocates a table of `count` elements of `size` bytes, points the table
    /// reference at `at` to it and returns the offset of its first element.
    pub(crate) fn table(
        &mut self,
        at: usize,
        count: usize,
        size: usize,
    ) -> Result<usize, WireError> {
        let start = self.alloc(count * size)?;
        self.u32(at, Writer::index(start)?);
        self.u32(at + 4, Writer::index(count)?);
        Ok(start)
    }

    /// A table of strings.
    pub(crate) fn strs<'t>(
        &mut self,
        at: usize,
        texts: impl ExactSizeIterator<Item = &'t str>,
    ) -> Result<(), WireError> {
        let start = self.table(at, texts.len(), layout::STR)?;
        for (i, text) in texts.enumerate() {
            self.str(start + i * layout::STR, text)?;
        }
        Ok(())
    }

    /// The finished buffer: header, records, heap.
    pub(crate) fn finish(mut self) -> Result<Vec<u8>, WireError> {
        if self.next_table != self.records_end {
            return Err(WireError(
                "the records fell short of the size computed for them".to_owned(),
            ));
        }
        let records_len = Writer::index(self.records_end)?;
        let heap_len = Writer::index(self.buffer.len() - self.records_end)?;
        self.put(0, &MAGIC);
        self.put(4, &WIRE_FORMAT.to_le_bytes());
        self.put(6, &self.kind.to_le_bytes());
        self.u32(8, records_len);
        self.u32(12, heap_len);
        Ok(self.buffer)
    }
}

/// The heap as a [`std::fmt::Write`] target: text formatted into it lands where
/// the string will be read, with no buffer of its own.
#[cfg_attr(not(feature = "validated"), allow(dead_code))]
pub(crate) struct HeapText<'b>(&'b mut Vec<u8>);

impl std::fmt::Write for HeapText<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// One business partner in the wire format, outside any shipment: what a party
/// screener judges when the host screens a party master.
///
/// ```
/// use exportctl_sdk::{Country, PartyWire};
/// let wire = PartyWire::new("Inter-Traid TOO", Country::KZ, Some("Almaty"), ["Intertraid"])?;
/// let party = wire.party();
/// assert_eq!((party.name(), party.country()), ("Inter-Traid TOO", Country::KZ));
/// assert_eq!(party.aliases().collect::<Vec<_>>(), ["Intertraid"]);
/// # Ok::<(), exportctl_sdk::WireError>(())
/// ```
pub struct PartyWire {
    records: Vec<u8>,
    heap: String,
}

impl PartyWire {
    /// Writes a party with a name, a country, an optional address and aliases.
    pub fn new<'t>(
        name: &str,
        country: Country,
        address: Option<&str>,
        aliases: impl IntoIterator<Item = &'t str>,
    ) -> Result<PartyWire, WireError> {
        use layout::party as p;
        let aliases: Vec<&str> = aliases.into_iter().collect();
        let records = HEADER + p::SIZE + aliases.len() * layout::STR;
        let mut w = Writer::new(Vec::new(), layout::KIND_PARTY, p::SIZE, records);
        let at = HEADER;
        w.str(at + p::NAME, name)?;
        w.opt_str(at + p::REGION, None)?;
        w.opt_str(at + p::ADDRESS, address)?;
        w.strs(at + p::ALIASES, aliases.into_iter())?;
        w.country(at + p::COUNTRY, country);
        let mut records = w.finish()?;
        let heap = {
            let (checked, heap) = super::check(&records, layout::KIND_PARTY)?;
            let heap = heap.to_owned();
            let len = checked.len();
            records.truncate(len);
            heap
        };
        Ok(PartyWire { records, heap })
    }

    /// The party, read in place.
    pub fn party(&self) -> Party<'_> {
        Party::at(super::Reader::new(&self.records, &self.heap), HEADER)
    }
}
