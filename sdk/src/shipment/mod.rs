//! The shipment a policy judges: the validated, normalised form of the input
//! document (`shipment.md`, version 1), read where it lies.
//!
//! The host parses and validates the ERP's document, normalises it (HS codes as
//! digits, country codes upper-case, dates typed, control codes classified) and
//! writes it once, in the wire format (`sdk/spec/wire.md`), for every policy. A
//! [`Shipment`] reads that buffer in place: [`Shipment::from_wire`] checks it once,
//! and each accessor reads one field where it lies, so a rule that looks only at
//! the destination costs only that, and nothing is copied or allocated.

mod line;
mod list;
mod party;
mod terms;

pub use line::{Line, Money};
pub use list::List;
pub use party::{OtherParty, Party, PartyPath, PartyRef, PartyRole};
pub use terms::{Contract, EndUse, Licence, TransportMode};

use crate::wire::layout::{self, HEADER, shipment as s};
use crate::wire::{self, Reader, WireError};
use crate::{Country, CountrySet, Date};
use std::borrow::Cow;
use std::fmt;

/// One shipment (an export document with its line items), as a policy reads it.
///
/// Every field is a method: `shipment.destination_country()`, `shipment.lines()`,
/// `line.hs_code()`. Text is borrowed from the shipment (`&str`), tables are
/// [`List`]s, small values (countries, dates, HS codes, decimals) are copied out.
///
/// ```
/// use exportctl_sdk::{country_sets, Shipment};
/// fn chips_to_russia(shipment: &Shipment) -> Vec<u32> {
///     if !country_sets::RUSSIA_BELARUS.contains(shipment.destination_country()) {
///         return Vec::new();
///     }
///     shipment
///         .lines()
///         .filter(|line| line.hs_code().matches("8542"))
///         .map(|line| line.number())
///         .collect()
/// }
/// ```
pub struct Shipment<'a> {
    /// The records region of the buffer (header included).
    records: Cow<'a, [u8]>,
    /// The string heap, checked as UTF-8 once.
    heap: Cow<'a, str>,
}

impl<'a> Shipment<'a> {
    /// Reads a shipment from the wire bytes the host hands over, checking the whole
    /// buffer once: afterwards every accessor reads in place and cannot fail. Text is
    /// borrowed from `bytes`, not copied.
    pub fn from_wire(bytes: &'a [u8]) -> Result<Shipment<'a>, WireError> {
        let (records, heap) = wire::check(bytes, layout::KIND_SHIPMENT)?;
        Ok(Shipment {
            records: Cow::Borrowed(records),
            heap: Cow::Borrowed(heap),
        })
    }

    /// As [`Shipment::from_wire`], keeping the bytes: for shipments built in tests
    /// and tools rather than received from the host.
    pub fn from_wire_owned(bytes: Vec<u8>) -> Result<Shipment<'static>, WireError> {
        let (records, heap) = wire::check(&bytes, layout::KIND_SHIPMENT)?;
        let heap = heap.to_owned();
        let records_len = records.len();
        let mut records = bytes;
        records.truncate(records_len);
        Ok(Shipment {
            records: Cow::Owned(records),
            heap: Cow::Owned(heap),
        })
    }

    /// The same shipment judged as of another date: the law of `as_of` applies
    /// (what `exportctl check --as-of` asks for).
    pub fn with_as_of(&self, as_of: Date) -> Shipment<'static> {
        let mut records = self.records.clone().into_owned();
        let at = self.field(s::AS_OF);
        records[at..at + 2].copy_from_slice(&as_of.year().to_le_bytes());
        records[at + 2] = as_of.month();
        records[at + 3] = as_of.day();
        Shipment {
            records: Cow::Owned(records),
            heap: Cow::Owned(self.heap.clone().into_owned()),
        }
    }

    fn reader(&self) -> Reader<'_> {
        Reader::new(&self.records, &self.heap)
    }

    fn field(&self, at: usize) -> usize {
        HEADER + at
    }

    /// The ERP's document id.
    pub fn id(&self) -> &str {
        self.reader().str(self.field(s::ID))
    }

    /// Date of export.
    pub fn date(&self) -> Date {
        self.reader().date(self.field(s::DATE))
    }

    /// The date whose law applies: [`Shipment::date`], unless the caller asked for
    /// another (`exportctl check --as-of`). Policies decide what is in force by this date.
    pub fn as_of(&self) -> Date {
        self.reader().date(self.field(s::AS_OF))
    }

    /// The exporter.
    pub fn exporter(&self) -> Party<'_> {
        Party::at(self.reader(), self.field(s::EXPORTER))
    }

    /// The consignee.
    pub fn consignee(&self) -> Party<'_> {
        Party::at(self.reader(), self.field(s::CONSIGNEE))
    }

    /// The end user the document names, if it names one. Most rules want
    /// [`Shipment::end_user`], which falls back to the consignee.
    pub fn named_end_user(&self) -> Option<Party<'_>> {
        (self.reader().u8(self.field(s::PRESENT)) & s::HAS_END_USER != 0)
            .then(|| Party::at(self.reader(), self.field(s::END_USER)))
    }

    /// The end user: the named end user, or the consignee when none is named (as the
    /// input format defines), with its path for citing it.
    pub fn end_user(&self) -> PartyRef<'_> {
        match self.named_end_user() {
            Some(party) => PartyRef {
                path: PartyPath::EndUser,
                party,
            },
            None => PartyRef {
                path: PartyPath::Consignee,
                party: self.consignee(),
            },
        }
    }

    /// Forwarders, intermediate consignees, banks and other parties.
    pub fn other_parties(&self) -> List<'_, OtherParty<'_>> {
        List::at(self.reader(), self.field(s::OTHER_PARTIES))
    }

    /// Country the goods are exported from.
    pub fn origin_country(&self) -> Country {
        self.reader().country(self.field(s::ORIGIN))
    }

    /// Country of final destination.
    pub fn destination_country(&self) -> Country {
        self.reader().country(self.field(s::DESTINATION))
    }

    /// Countries crossed, in order of travel, excluding origin and destination.
    pub fn transit_countries(&self) -> List<'_, Country> {
        List::at(self.reader(), self.field(s::TRANSIT))
    }

    /// How the goods travel.
    pub fn transport_mode(&self) -> Option<TransportMode> {
        TransportMode::from_wire(self.reader().u8(self.field(s::TRANSPORT_MODE)))
    }

    /// What the goods will be used for.
    pub fn end_use(&self) -> Option<EndUse<'_>> {
        (self.reader().u8(self.field(s::PRESENT)) & s::HAS_END_USE != 0).then(|| EndUse {
            reader: self.reader(),
            at: HEADER,
        })
    }

    /// The sales contract.
    pub fn contract(&self) -> Option<Contract<'_>> {
        (self.reader().u8(self.field(s::PRESENT)) & s::HAS_CONTRACT != 0).then(|| Contract {
            reader: self.reader(),
            at: HEADER,
        })
    }

    /// Licences the shipment cites.
    pub fn licences(&self) -> List<'_, Licence<'_>> {
        List::at(self.reader(), self.field(s::LICENCES))
    }

    /// The line items (at least one).
    pub fn lines(&self) -> List<'_, Line<'_>> {
        List::at(self.reader(), self.field(s::LINES))
    }

    /// Every party with its path: exporter, consignee, end user (if named), others.
    pub fn parties(&self) -> impl Iterator<Item = PartyRef<'_>> {
        let fixed = [
            Some(PartyRef {
                path: PartyPath::Exporter,
                party: self.exporter(),
            }),
            Some(PartyRef {
                path: PartyPath::Consignee,
                party: self.consignee(),
            }),
            self.named_end_user().map(|party| PartyRef {
                path: PartyPath::EndUser,
                party,
            }),
        ];
        fixed
            .into_iter()
            .flatten()
            .chain(self.other_parties().enumerate().map(|(i, o)| PartyRef {
                path: PartyPath::Other(i),
                party: o.party(),
            }))
    }

    /// The parties that receive the goods: the consignee, the named end user (if any) and
    /// every intermediate consignee, in that order. Goods delivered to any of them are
    /// supplied to that person; the exporter, forwarders, banks, payers and notify parties
    /// do not receive them.
    ///
    /// ```
    /// use exportctl_sdk::{country_sets, Shipment};
    /// /// The receiving parties in Russia or Belarus, named for a message.
    /// fn in_russia_belarus(shipment: &Shipment) -> Vec<String> {
    ///     shipment
    ///         .receiving_parties()
    ///         .filter(|p| country_sets::RUSSIA_BELARUS.contains(p.party.country()))
    ///         .map(|p| format!("{} `{}`", shipment.role_name(p.path), p.party.name()))
    ///         .collect()
    /// }
    /// ```
    pub fn receiving_parties(&self) -> impl Iterator<Item = PartyRef<'_>> {
        self.parties().filter(|p| match p.path {
            PartyPath::Consignee | PartyPath::EndUser => true,
            PartyPath::Exporter => false,
            PartyPath::Other(i) => self
                .other_parties()
                .get(i)
                .is_some_and(|o| o.role() == PartyRole::IntermediateConsignee),
        })
    }

    /// How a message names the role of the party at `path`: `exporter`, `consignee`,
    /// `end user`, or another party's [`PartyRole::name`] (`intermediate consignee`, …).
    pub fn role_name(&self, path: PartyPath) -> &'static str {
        match path {
            PartyPath::Exporter => "exporter",
            PartyPath::Consignee => "consignee",
            PartyPath::EndUser => "end user",
            PartyPath::Other(i) => self
                .other_parties()
                .get(i)
                .map_or(PartyRole::Other.name(), |o| o.role().name()),
        }
    }

    /// Whether the goods cross `country` on the way (a transit country).
    pub fn transits(&self, country: Country) -> bool {
        self.transit_countries().contains(&country)
    }

    /// The transit countries that are in `set`, in order of travel.
    ///
    /// ```
    /// use exportctl_sdk::{country_sets, Country, Shipment};
    /// fn through_russia_belarus(shipment: &Shipment) -> Vec<Country> {
    ///     shipment.transit_countries_in(&country_sets::RUSSIA_BELARUS).collect()
    /// }
    /// ```
    pub fn transit_countries_in(&self, set: &CountrySet) -> impl Iterator<Item = Country> + '_ {
        let set = *set;
        self.transit_countries().filter(move |c| set.contains(*c))
    }

    /// Whether a licence issued by `jurisdiction` covers `line` on the shipment's date.
    pub fn licence_covers(&self, jurisdiction: &str, line: u32) -> bool {
        let date = self.date();
        self.licences().any(|l| l.covers(jurisdiction, line, date))
    }

    /// The first licence issued in the EU ([`Licence::is_issued_in_eu`]) that covers
    /// `line` on the shipment's date: its `lines` include the line or are absent, and it
    /// has not expired. [`Shipment::licence_covers`] checks one jurisdiction; this one
    /// accepts the Union and each of its member states.
    ///
    /// ```
    /// use exportctl_sdk::Shipment;
    /// fn eu_licensed(shipment: &Shipment) -> Vec<u32> {
    ///     shipment
    ///         .lines()
    ///         .filter(|l| shipment.eu_licence_covering(l.number()).is_some())
    ///         .map(|l| l.number())
    ///         .collect()
    /// }
    /// ```
    pub fn eu_licence_covering(&self, line: u32) -> Option<Licence<'_>> {
        let date = self.date();
        self.licences().find(|licence| {
            licence.is_issued_in_eu() && licence.covers(licence.jurisdiction(), line, date)
        })
    }
}

impl fmt::Debug for Shipment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shipment")
            .field("id", &self.id())
            .field("date", &self.date())
            .field("as_of", &self.as_of())
            .field("exporter", &self.exporter())
            .field("consignee", &self.consignee())
            .field("end_user", &self.named_end_user())
            .field("other_parties", &self.other_parties())
            .field("origin_country", &self.origin_country())
            .field("destination_country", &self.destination_country())
            .field("transit_countries", &self.transit_countries())
            .field("transport_mode", &self.transport_mode())
            .field("end_use", &self.end_use())
            .field("contract", &self.contract())
            .field("licences", &self.licences())
            .field("lines", &self.lines())
            .finish()
    }
}

/// Two shipments are equal when their buffers are: the writer is deterministic, so
/// equal validated shipments have equal bytes.
impl PartialEq for Shipment<'_> {
    fn eq(&self, other: &Shipment<'_>) -> bool {
        self.records == other.records && self.heap == other.heap
    }
}

impl Clone for Shipment<'_> {
    fn clone(&self) -> Self {
        Shipment {
            records: self.records.clone(),
            heap: self.heap.clone(),
        }
    }
}
