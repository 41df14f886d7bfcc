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
    /// borrowed from `bytes`, not copied. Not for policies (the export glue calls
    /// it): hidden from the SDK's documentation.
    #[doc(hidden)]
    pub fn from_wire(bytes: &'a [u8]) -> Result<Shipment<'a>, WireError> {
        let (records, heap) = wire::check(bytes, layout::KIND_SHIPMENT)?;
        Ok(Shipment {
            records: Cow::Borrowed(records),
            heap: Cow::Borrowed(heap),
        })
    }

    /// As [`Shipment::from_wire`], keeping the bytes: for shipments built in tests
    /// and tools rather than received from the host.
    #[doc(hidden)]
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

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::country_sets;
    use crate::testing::Doc;

    /// DE → PL → BY → RU → KZ, with an end user and four other parties.
    fn shipment() -> Shipment<'static> {
        Doc::on_route("2024-06-03", "DE>PL>BY>RU>KZ")
            .add_line(1, "9403.60", &[])
            .end_user("RU")
            .other_party("bank", "Bank", "RU")
            .intermediate("BY")
            .other_party("freight_forwarder", "Forwarder", "PL")
            .intermediate("KZ")
            .shipment()
    }

    #[test]
    fn receiving_parties_are_consignee_end_user_and_intermediate_consignees() {
        let s = shipment();
        let paths: Vec<PartyPath> = s.receiving_parties().map(|p| p.path).collect();
        assert_eq!(
            paths,
            [
                PartyPath::Consignee,
                PartyPath::EndUser,
                PartyPath::Other(1),
                PartyPath::Other(3)
            ]
        );
        let alone = Doc::on_route("2024-06-03", "DE>KZ")
            .add_line(1, "9403.60", &[])
            .shipment();
        let names: Vec<&str> = alone.receiving_parties().map(|p| p.party.name()).collect();
        assert_eq!(names, ["Consignee"]);
        assert_eq!(alone.end_user().path, PartyPath::Consignee);
    }

    #[test]
    fn role_names_follow_the_party_path() {
        let s = shipment();
        let named: Vec<&str> = s.parties().map(|p| s.role_name(p.path)).collect();
        assert_eq!(
            named,
            [
                "exporter",
                "consignee",
                "end user",
                "bank",
                "intermediate consignee",
                "freight forwarder",
                "intermediate consignee"
            ]
        );
        assert_eq!(s.role_name(PartyPath::Other(99)), "other party");
    }

    #[test]
    fn transit_countries_in_a_set_keep_the_route_order() {
        let s = shipment();
        let through: Vec<Country> = s
            .transit_countries_in(&country_sets::RUSSIA_BELARUS)
            .collect();
        assert_eq!(through, [Country::BY, Country::RU]);
        assert!(s.transits(Country::BY) && !s.transits(Country::KZ));
        assert_eq!(s.transit_countries().len(), 3);
        assert_eq!(s.transit_countries().next_back(), Some(Country::RU));
    }

    #[test]
    fn an_eu_licence_covers_its_lines_until_it_expires() {
        let s = Doc::on_route("2024-06-03", "DE>KZ")
            .add_line(1, "9403.60", &[])
            .add_line(2, "9403.60", &[])
            .add_line(3, "9403.60", &[])
            .add_line(4, "9403.60", &[])
            .licence("US", None, None)
            .licence("DE", Some(&[2]), Some("2024-06-02"))
            .licence("FR", Some(&[2, 3]), Some("2024-06-03"))
            .licence("eu", Some(&[4]), None)
            .shipment();
        let covering = |line| {
            s.eu_licence_covering(line)
                .map(|l| l.jurisdiction().to_owned())
        };
        assert_eq!(covering(1), None, "the US licence is not an EU one");
        assert_eq!(
            covering(2).as_deref(),
            Some("FR"),
            "the German licence has expired"
        );
        assert_eq!(covering(3).as_deref(), Some("FR"));
        assert_eq!(covering(4).as_deref(), Some("EU"));
        assert!(s.licence_covers("us", 1) && !s.licence_covers("DE", 2));
    }

    #[test]
    fn a_list_reads_like_a_slice() {
        let s = shipment();
        let mut others = s.other_parties();
        assert_eq!(others.len(), 4);
        assert_eq!(
            others.get(1).map(|o| o.role()),
            Some(PartyRole::IntermediateConsignee)
        );
        assert!(others.get(4).is_none());
        assert_eq!(
            others.next_back().map(|o| o.party().name()),
            Some("Intermediate")
        );
        let mut rest = s.other_parties();
        rest.next();
        assert_eq!(rest.len(), 3);
        assert_eq!(
            rest.first().map(|o| o.role()),
            Some(PartyRole::IntermediateConsignee)
        );
        assert_eq!(
            s.other_parties().nth(3).map(|o| o.party().country()),
            Some(Country::KZ)
        );
        assert_eq!(s.other_parties().nth(9), None);
        let mut count = 0;
        for _ in &s.lines() {
            count += 1;
        }
        assert_eq!(count, 1);
    }

    #[test]
    fn a_shipment_judged_as_of_another_date_differs_only_there() {
        let s = shipment();
        let later = s.with_as_of(Date::ymd(2025, 1, 1));
        assert_eq!(later.as_of(), Date::ymd(2025, 1, 1));
        assert_eq!(later.date(), s.date());
        assert_eq!(format!("{:?}", later.lines()), format!("{:?}", s.lines()));
        assert_ne!(later, s);
    }
}
