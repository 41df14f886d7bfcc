//! The terms of a shipment besides its goods and parties: the [`Licence`]s it
//! cites, its [`EndUse`], its [`Contract`] and its [`TransportMode`].

use super::List;
use crate::wire::layout::{licence as l, shipment as s};
use crate::wire::{Element, Reader};
use crate::{Country, Date, country_sets};
use std::fmt;

/// A licence the shipment cites.
#[derive(Clone, Copy)]
pub struct Licence<'s> {
    reader: Reader<'s>,
    at: usize,
}

impl<'s> Licence<'s> {
    /// Licence number.
    pub fn id(&self) -> &'s str {
        self.reader.str(self.at + l::ID)
    }

    /// Who issued it: `EU`, `US`, `UK` or an alpha-2 country code, upper-case.
    pub fn jurisdiction(&self) -> &'s str {
        self.reader.str(self.at + l::JURISDICTION)
    }

    /// Line numbers covered; `None` means every line.
    pub fn lines(&self) -> Option<List<'s, u32>> {
        (self.reader.u8(self.at + l::FLAGS) & 1 != 0)
            .then(|| List::at(self.reader, self.at + l::LINES))
    }

    /// Last day of validity.
    pub fn valid_until(&self) -> Option<Date> {
        self.reader.opt_date(self.at + l::VALID_UNTIL)
    }

    /// Whether this licence, issued by `jurisdiction`, covers `line` on `date`.
    pub fn covers(&self, jurisdiction: &str, line: u32, date: Date) -> bool {
        self.jurisdiction().eq_ignore_ascii_case(jurisdiction)
            && self.lines().is_none_or(|lines| lines.contains(&line))
            && self.valid_until().is_none_or(|until| date <= until)
    }

    /// Whether the licence was issued in the EU: by the Union (`EU`) or by a member
    /// state's authority (its alpha-2 code, e.g. `DE` for BAFA), either case.
    ///
    /// EU sanctions and dual-use controls are administered by the member states, so an
    /// EU authorisation is usually cited with a member state as its jurisdiction.
    pub fn is_issued_in_eu(&self) -> bool {
        let jurisdiction = self.jurisdiction();
        jurisdiction.eq_ignore_ascii_case("EU")
            || Country::parse(jurisdiction).is_some_and(|c| country_sets::EU27.contains(c))
    }
}

impl<'s> Element<'s> for Licence<'s> {
    const SIZE: usize = l::SIZE;
    fn read(reader: Reader<'s>, at: usize) -> Licence<'s> {
        Licence { reader, at }
    }
}

impl fmt::Debug for Licence<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Licence")
            .field("id", &self.id())
            .field("jurisdiction", &self.jurisdiction())
            .field("lines", &self.lines())
            .field("valid_until", &self.valid_until())
            .finish()
    }
}

/// Licences are equal when every field is.
impl PartialEq for Licence<'_> {
    fn eq(&self, other: &Licence<'_>) -> bool {
        self.id() == other.id()
            && self.jurisdiction() == other.jurisdiction()
            && self.lines() == other.lines()
            && self.valid_until() == other.valid_until()
    }
}

/// The declared end use.
#[derive(Clone, Copy)]
pub struct EndUse<'s> {
    pub(super) reader: Reader<'s>,
    pub(super) at: usize,
}

impl<'s> EndUse<'s> {
    /// The end-use statement as given.
    pub fn statement(&self) -> Option<&'s str> {
        self.reader.opt_str(self.at + s::END_USE_STATEMENT)
    }

    /// Whether the end use is declared military.
    pub fn military(&self) -> Option<bool> {
        self.reader.opt_bool(self.at + s::END_USE_MILITARY)
    }

    /// Industry sector of the end use.
    pub fn sector(&self) -> Option<&'s str> {
        self.reader.opt_str(self.at + s::END_USE_SECTOR)
    }
}

impl fmt::Debug for EndUse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndUse")
            .field("statement", &self.statement())
            .field("military", &self.military())
            .field("sector", &self.sector())
            .finish()
    }
}

/// The sales contract.
#[derive(Clone, Copy)]
pub struct Contract<'s> {
    pub(super) reader: Reader<'s>,
    pub(super) at: usize,
}

impl<'s> Contract<'s> {
    /// Contract reference.
    pub fn reference(&self) -> Option<&'s str> {
        self.reader.opt_str(self.at + s::CONTRACT_REFERENCE)
    }

    /// Date the contract was concluded.
    pub fn date(&self) -> Option<Date> {
        self.reader.opt_date(self.at + s::CONTRACT_DATE)
    }

    /// Whether the contract bans re-export to Russia/Belarus (Art. 12g of Reg. 833/2014).
    pub fn no_russia_clause(&self) -> Option<bool> {
        self.reader.opt_bool(self.at + s::NO_RUSSIA_CLAUSE)
    }
}

impl fmt::Debug for Contract<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Contract")
            .field("reference", &self.reference())
            .field("date", &self.date())
            .field("no_russia_clause", &self.no_russia_clause())
            .finish()
    }
}

/// How the goods travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TransportMode {
    /// By road.
    Road,
    /// By rail.
    Rail,
    /// By sea.
    Sea,
    /// By air.
    Air,
    /// By post or courier.
    Post,
    /// By pipeline.
    Pipeline,
    /// Any other way.
    Other,
}

impl TransportMode {
    /// The mode's number on the wire (1–7; 0 is "not given").
    #[cfg(feature = "validated")]
    pub(crate) fn to_wire(self) -> u8 {
        match self {
            TransportMode::Road => 1,
            TransportMode::Rail => 2,
            TransportMode::Sea => 3,
            TransportMode::Air => 4,
            TransportMode::Post => 5,
            TransportMode::Pipeline => 6,
            TransportMode::Other => 7,
        }
    }

    pub(crate) fn from_wire(mode: u8) -> Option<TransportMode> {
        Some(match mode {
            1 => TransportMode::Road,
            2 => TransportMode::Rail,
            3 => TransportMode::Sea,
            4 => TransportMode::Air,
            5 => TransportMode::Post,
            6 => TransportMode::Pipeline,
            7 => TransportMode::Other,
            _ => return None,
        })
    }
}
