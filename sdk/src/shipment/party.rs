//! The parties of a shipment, read in place: [`Party`], [`OtherParty`] and their
//! [`PartyRole`]; [`PartyRef`] and [`PartyPath`] name where a party sits.

use super::List;
use crate::wire::layout::party as p;
use crate::wire::{Element, Reader};
use crate::{Country, Date};
use std::fmt;

/// A party to the shipment (or a business partner screened on its own).
#[derive(Clone, Copy)]
pub struct Party<'s> {
    reader: Reader<'s>,
    at: usize,
}

impl<'s> Party<'s> {
    pub(crate) fn at(reader: Reader<'s>, at: usize) -> Party<'s> {
        Party { reader, at }
    }

    /// Name as given.
    pub fn name(&self) -> &'s str {
        self.reader.str(self.at + p::NAME)
    }

    /// Country of the party.
    pub fn country(&self) -> Country {
        self.reader.country(self.at + p::COUNTRY)
    }

    /// ISO 3166-2 subdivision, upper-case (e.g. `UA-43`, Crimea).
    pub fn region(&self) -> Option<&'s str> {
        self.reader.opt_str(self.at + p::REGION)
    }

    /// Postal address.
    pub fn address(&self) -> Option<&'s str> {
        self.reader.opt_str(self.at + p::ADDRESS)
    }

    /// Date the company was founded.
    pub fn registration_date(&self) -> Option<Date> {
        self.reader.opt_date(self.at + p::REGISTRATION_DATE)
    }

    /// Registry identifiers as `(key, value)` (`bin`, `inn`, `vat`, …), sorted by key.
    pub fn ids(&self) -> List<'s, (&'s str, &'s str)> {
        List::at(self.reader, self.at + p::IDS)
    }

    /// The registry identifier under `key` (`bin`, `inn`, `vat`, …), if given.
    pub fn id(&self, key: &str) -> Option<&'s str> {
        self.ids().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Other names the party is known by.
    pub fn aliases(&self) -> List<'s, &'s str> {
        List::at(self.reader, self.at + p::ALIASES)
    }
}

impl fmt::Debug for Party<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Party")
            .field("name", &self.name())
            .field("country", &self.country())
            .field("region", &self.region())
            .field("address", &self.address())
            .field("registration_date", &self.registration_date())
            .field("ids", &self.ids())
            .field("aliases", &self.aliases())
            .finish()
    }
}

/// Parties are equal when every field is.
impl PartialEq for Party<'_> {
    fn eq(&self, other: &Party<'_>) -> bool {
        self.name() == other.name()
            && self.country() == other.country()
            && self.region() == other.region()
            && self.address() == other.address()
            && self.registration_date() == other.registration_date()
            && self.ids().eq(other.ids())
            && self.aliases().eq(other.aliases())
    }
}

/// A party other than exporter, consignee and end user.
#[derive(Clone, Copy, PartialEq)]
pub struct OtherParty<'s> {
    party: Party<'s>,
}

impl<'s> OtherParty<'s> {
    /// What the party does in the transaction.
    pub fn role(&self) -> PartyRole {
        PartyRole::from_wire(self.party.reader.u8(self.party.at + p::ROLE))
    }

    /// The party.
    pub fn party(&self) -> Party<'s> {
        self.party
    }
}

impl fmt::Debug for OtherParty<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtherParty")
            .field("role", &self.role())
            .field("party", &self.party)
            .finish()
    }
}

impl<'s> Element<'s> for OtherParty<'s> {
    const SIZE: usize = p::SIZE;
    fn read(reader: Reader<'s>, at: usize) -> OtherParty<'s> {
        OtherParty {
            party: Party::at(reader, at),
        }
    }
}

/// Role of an [`OtherParty`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PartyRole {
    /// Freight forwarder.
    FreightForwarder,
    /// Intermediate consignee.
    IntermediateConsignee,
    /// Notify party.
    NotifyParty,
    /// The party paying for the goods.
    Payer,
    /// A bank in the transaction.
    Bank,
    /// Any other role.
    Other,
}

impl PartyRole {
    /// The role as written in the input document, e.g. `freight_forwarder`.
    pub fn as_str(&self) -> &'static str {
        match self {
            PartyRole::FreightForwarder => "freight_forwarder",
            PartyRole::IntermediateConsignee => "intermediate_consignee",
            PartyRole::NotifyParty => "notify_party",
            PartyRole::Payer => "payer",
            PartyRole::Bank => "bank",
            PartyRole::Other => "other",
        }
    }

    /// The role in words, for a message: `freight forwarder`, `intermediate consignee`,
    /// `notify party`, `payer`, `bank`, `other party`.
    pub fn name(&self) -> &'static str {
        match self {
            PartyRole::FreightForwarder => "freight forwarder",
            PartyRole::IntermediateConsignee => "intermediate consignee",
            PartyRole::NotifyParty => "notify party",
            PartyRole::Payer => "payer",
            PartyRole::Bank => "bank",
            PartyRole::Other => "other party",
        }
    }

    /// The role's number on the wire (1–6).
    #[cfg(feature = "validated")]
    pub(crate) fn to_wire(self) -> u8 {
        match self {
            PartyRole::FreightForwarder => 1,
            PartyRole::IntermediateConsignee => 2,
            PartyRole::NotifyParty => 3,
            PartyRole::Payer => 4,
            PartyRole::Bank => 5,
            PartyRole::Other => 6,
        }
    }

    fn from_wire(role: u8) -> PartyRole {
        match role {
            1 => PartyRole::FreightForwarder,
            2 => PartyRole::IntermediateConsignee,
            3 => PartyRole::NotifyParty,
            4 => PartyRole::Payer,
            5 => PartyRole::Bank,
            _ => PartyRole::Other,
        }
    }
}

/// A party of a shipment together with where it sits in the document, for citing
/// it in a finding (`consignee`, `other_parties[1]`, …).
#[derive(Debug, Clone, Copy)]
pub struct PartyRef<'s> {
    /// The party's path in the document, as used in [`crate::Finding::party`].
    pub path: PartyPath,
    /// The party.
    pub party: Party<'s>,
}

/// Where a party sits in the shipment document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyPath {
    /// `exporter`.
    Exporter,
    /// `consignee`.
    Consignee,
    /// `end_user`.
    EndUser,
    /// `other_parties[i]`.
    Other(usize),
}

impl fmt::Display for PartyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartyPath::Exporter => f.write_str("exporter"),
            PartyPath::Consignee => f.write_str("consignee"),
            PartyPath::EndUser => f.write_str("end_user"),
            PartyPath::Other(i) => write!(f, "other_parties[{i}]"),
        }
    }
}
