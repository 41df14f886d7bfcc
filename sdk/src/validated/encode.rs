//! Writing a validated [`Shipment`] in wire format 2 (`sdk/spec/wire.md`).

use super::{Licence, Line, Party, Shipment};
use crate::wire::layout::{self, HEADER, STR, licence as l, line as n, party as p, shipment as s};
use crate::wire::{WireError, Writer};

impl Shipment<'_> {
    /// Writes the shipment in the wire format the host hands to plugins built for
    /// contract 1.3.0 and later (`sdk/spec/wire.md`).
    pub fn to_wire(&self) -> Result<Vec<u8>, WireError> {
        self.to_wire_in(Vec::new())
    }

    /// Writes the shipment into `buffer`, replacing what it held: a caller that
    /// writes many shipments keeps one buffer and stops allocating once it is
    /// large enough.
    pub fn to_wire_in(&self, buffer: Vec<u8>) -> Result<Vec<u8>, WireError> {
        let mut w = Writer::new(buffer, layout::KIND_SHIPMENT, s::SIZE, self.records_size());
        let at = HEADER;
        w.str(at + s::ID, &self.id)?;
        w.date(at + s::DATE, self.date);
        w.date(at + s::AS_OF, self.as_of);
        w.country(at + s::ORIGIN, self.origin_country);
        w.country(at + s::DESTINATION, self.destination_country);
        w.u8(
            at + s::TRANSPORT_MODE,
            self.transport_mode.map_or(0, |m| m.to_wire()),
        );
        let bit = |given: bool, bit: u8| if given { bit } else { 0 };
        let present = bit(self.end_user.is_some(), s::HAS_END_USER)
            | bit(self.end_use.is_some(), s::HAS_END_USE)
            | bit(self.contract.is_some(), s::HAS_CONTRACT);
        w.u8(at + s::PRESENT, present);
        let end_use = self.end_use.as_ref();
        w.opt_bool(at + s::END_USE_MILITARY, end_use.and_then(|e| e.military));
        w.opt_str(
            at + s::END_USE_STATEMENT,
            end_use.and_then(|e| e.statement.as_deref()),
        )?;
        w.opt_str(
            at + s::END_USE_SECTOR,
            end_use.and_then(|e| e.sector.as_deref()),
        )?;
        let contract = self.contract.as_ref();
        w.opt_bool(
            at + s::NO_RUSSIA_CLAUSE,
            contract.and_then(|c| c.no_russia_clause),
        );
        w.opt_str(
            at + s::CONTRACT_REFERENCE,
            contract.and_then(|c| c.reference.as_deref()),
        )?;
        w.opt_date(at + s::CONTRACT_DATE, contract.and_then(|c| c.date));
        write_party(&mut w, at + s::EXPORTER, &self.exporter, 0)?;
        write_party(&mut w, at + s::CONSIGNEE, &self.consignee, 0)?;
        match &self.end_user {
            Some(end_user) => write_party(&mut w, at + s::END_USER, end_user, 0)?,
            // An absent end user's strings are absent too, so the record reads as
            // "no party" in any reader that looks.
            None => {
                for field in [p::NAME, p::REGION, p::ADDRESS] {
                    w.opt_str(at + s::END_USER + field, None)?;
                }
            }
        }
        let others = w.table(at + s::OTHER_PARTIES, self.other_parties.len(), p::SIZE)?;
        for (i, other) in self.other_parties.iter().enumerate() {
            write_party(
                &mut w,
                others + i * p::SIZE,
                &other.party,
                other.role.to_wire(),
            )?;
        }
        let transit = w.table(at + s::TRANSIT, self.transit_countries.len(), 2)?;
        for (i, country) in self.transit_countries.iter().enumerate() {
            w.country(transit + i * 2, *country);
        }
        let licences = w.table(at + s::LICENCES, self.licences.len(), l::SIZE)?;
        for (i, licence) in self.licences.iter().enumerate() {
            write_licence(&mut w, licences + i * l::SIZE, licence)?;
        }
        let lines = w.table(at + s::LINES, self.lines.len(), n::SIZE)?;
        for (i, line) in self.lines.iter().enumerate() {
            write_line(&mut w, lines + i * n::SIZE, line)?;
        }
        w.finish()
    }
}

impl Shipment<'_> {
    /// The bytes of the header and of every record [`Shipment::to_wire_in`]
    /// writes: the root, then each table. The writer refuses to finish if it
    /// wrote more or less, so this cannot drift from the writing code unseen.
    fn records_size(&self) -> usize {
        let tables = |party: &Party<'_>| party.ids.len() * p::ID_SIZE + party.aliases.len() * STR;
        HEADER
            + s::SIZE
            + tables(&self.exporter)
            + tables(&self.consignee)
            + self.end_user.as_ref().map_or(0, tables)
            + self
                .other_parties
                .iter()
                .map(|o| p::SIZE + tables(&o.party))
                .sum::<usize>()
            + self.transit_countries.len() * 2
            + self
                .licences
                .iter()
                .map(|l| l::SIZE + l.lines.as_ref().map_or(0, |lines| lines.len() * 4))
                .sum::<usize>()
            + self
                .lines
                .iter()
                .map(|line| n::SIZE + line.control_codes.len() * STR)
                .sum::<usize>()
    }
}

fn write_party(w: &mut Writer, at: usize, party: &Party<'_>, role: u8) -> Result<(), WireError> {
    w.str(at + p::NAME, &party.name)?;
    w.opt_str(at + p::REGION, party.region.as_deref())?;
    w.opt_str(at + p::ADDRESS, party.address.as_deref())?;
    let ids = w.table(at + p::IDS, party.ids.len(), p::ID_SIZE)?;
    for (i, (key, value)) in party.ids.iter().enumerate() {
        w.str(ids + i * p::ID_SIZE, key)?;
        w.str(ids + i * p::ID_SIZE + STR, value)?;
    }
    w.strs(at + p::ALIASES, party.aliases.iter().map(|a| a.as_str()))?;
    w.opt_date(at + p::REGISTRATION_DATE, party.registration_date);
    w.country(at + p::COUNTRY, party.country);
    w.u8(at + p::ROLE, role);
    Ok(())
}

fn write_licence(w: &mut Writer, at: usize, licence: &Licence<'_>) -> Result<(), WireError> {
    w.str(at + l::ID, &licence.id)?;
    w.str(at + l::JURISDICTION, &licence.jurisdiction)?;
    if let Some(lines) = &licence.lines {
        let start = w.table(at + l::LINES, lines.len(), 4)?;
        for (i, line) in lines.iter().enumerate() {
            w.u32(start + i * 4, *line);
        }
        w.u8(at + l::FLAGS, 1);
    }
    w.opt_date(at + l::VALID_UNTIL, licence.valid_until);
    Ok(())
}

fn write_line(w: &mut Writer, at: usize, line: &Line<'_>) -> Result<(), WireError> {
    w.u32(at + n::NUMBER, line.line);
    w.str(at + n::DESCRIPTION, &line.description)?;
    let digits = line.hs_code.digits();
    w.bytes(at + n::HS_DIGITS, digits);
    w.u8(at + n::HS_LEN, digits.len() as u8);
    w.opt_country(at + n::ORIGIN, line.origin_country);
    let codes = w.table(at + n::CONTROL_CODES, line.control_codes.len(), STR)?;
    for (i, code) in line.control_codes.iter().enumerate() {
        w.str_with(codes + i * STR, |heap| code.write_kept(heap))?;
    }
    w.opt_str(at + n::UNIT, line.unit.as_deref())?;
    w.str(at + n::CURRENCY, &line.value.currency)?;
    w.decimal(at + n::QUANTITY, line.quantity);
    w.decimal(at + n::AMOUNT, line.value.amount);
    if let Some(percent) = line.us_content_percent {
        w.decimal(at + n::US_CONTENT, percent);
        w.u8(at + n::FLAGS, n::HAS_US_CONTENT);
    }
    Ok(())
}
