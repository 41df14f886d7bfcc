//! Reading one JSON shipment object in a single pass.
//!
//! The two-step reader builds a tree of the document with serde_json
//! ([`super::value`]) and then validates the tree ([`super::validate`]). This
//! pass does both at once over the document's bytes ([`scan`]): each field is
//! checked as it is reached, by the validator's own checks, and the
//! [`Shipment`] is built directly, its text borrowed from the document.
//!
//! It is for documents that are right. At the first thing it would have to
//! report (a field that fails its check, a missing or repeated field, a value of
//! the wrong kind, a limit reached, JSON it does not read exactly as serde_json
//! does) it gives up, and the two-step reader reads the document again and
//! reports it. So every document is accepted, normalised and refused exactly as
//! the two-step reader does it, with the same messages and paths; valid ones
//! take the short way. Fields the format does not know are skipped and noted, so
//! the document can name them when asked.

mod scan;
#[cfg(test)]
mod tests;

use super::InputLimits;
use super::validate::{
    self, NAME_CHARS, PARTY_ROLES, Path, Res, TRANSPORT_MODES, Validator, currency_code,
    one_of_text, region_code, valid_id,
};
use super::value::{
    CONTRACT, Caps, END_USE, LICENCE, LINE, MONEY, OTHER_PARTY, PARTY, SHIPMENT, Shape,
    TOML_DATETIME, Value,
};
use crate::validated::{Contract, EndUse, Licence, Line, Money, OtherParty, Party, Shipment};
use crate::{Country, Date, HsCode, PartyRole, Text};
use scan::Scan;

/// The nesting the format's own containers need (a line's `value` object sits
/// three levels below the shipment); a lower depth limit is refused by the
/// two-step reader, with its message.
const FORMAT_DEPTH: usize = 4;

/// The deepest nesting serde_json reads (its recursion limit is 128); deeper
/// documents are left to the two-step reader, which reports the limit.
const JSON_DEPTH: usize = 120;

/// Most items a list is sized for before it is read: a guess, so bounded.
const LIST_GUESS: usize = 16;

/// A shipment read and validated in one pass.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Checked<'a> {
    /// The shipment, `as_of` its own date.
    pub shipment: Shipment<'a>,
    /// Whether the document has fields the format does not know.
    pub unknown_fields: bool,
}

/// Reads `text` as one shipment object in one pass, counting the values it
/// keeps against `caps` as the tree reader would; `None` when the two-step
/// reader must read it (and then nothing is counted).
pub(crate) fn read<'a>(text: &'a str, caps: &Caps, limits: &InputLimits) -> Option<Checked<'a>> {
    if caps.depth < FORMAT_DEPTH {
        return None;
    }
    let mut pass = Pass {
        scan: Scan::new(text),
        caps,
        check: Validator { limits },
        left: caps.values_left.get(),
        unknown_fields: false,
        orders: Orders::default(),
    };
    let shipment = pass.shipment()?;
    if !pass.scan.finished() {
        return None;
    }
    caps.values_left.set(pass.left);
    Some(Checked {
        shipment,
        unknown_fields: pass.unknown_fields,
    })
}

/// One pass over a document: where it is, the limits and the validator, the
/// values it may still keep, and what it noted.
struct Pass<'a, 'l> {
    scan: Scan<'a>,
    caps: &'l Caps,
    check: Validator<'l>,
    left: usize,
    unknown_fields: bool,
    orders: Orders,
}

/// The kinds of record of the format, each with its own field order.
#[derive(Clone, Copy)]
enum Kind {
    Shipment,
    Party,
    OtherParty,
    EndUse,
    Contract,
    Licence,
    Line,
    Money,
}

/// How many kinds of record there are.
const KINDS: usize = 8;

/// Slots of a field order: one before the first field, then one per field.
/// A record of more fields (none has) guesses the format's order after
/// its fifteenth.
const ORDER_SLOTS: usize = 16;

/// For each kind of record, the index of the field that followed each field
/// (slot `i + 1`; slot 0: the first field) in the last record of that kind
/// read. It starts as the format's order, so slot `k` holds `k`.
struct Orders([[u8; ORDER_SLOTS]; KINDS]);

impl Default for Orders {
    fn default() -> Self {
        // Slot k holds k: field k - 1 is followed by field k.
        const FORMAT: [u8; ORDER_SLOTS] = {
            let mut order = [0; ORDER_SLOTS];
            let mut k = 0;
            while k < ORDER_SLOTS {
                order[k] = k as u8;
                k += 1;
            }
            order
        };
        Orders([FORMAT; KINDS])
    }
}

impl Orders {
    /// The field expected after the one in slot `before`.
    fn next(&self, kind: Kind, before: usize) -> usize {
        self.0
            .get(kind as usize)
            .and_then(|order| order.get(before))
            .map_or(before, |&i| usize::from(i))
    }

    /// Field `i` followed the one in slot `before`.
    fn learn(&mut self, kind: Kind, before: usize, i: usize) {
        if let (Some(slot), Ok(i)) = (
            self.0
                .get_mut(kind as usize)
                .and_then(|order| order.get_mut(before)),
            u8::try_from(i),
        ) {
            *slot = i;
        }
    }
}

/// A check's result; any problem hands the document over.
fn ok<T>(checked: Res<T>) -> Option<T> {
    checked.ok()
}

/// Paths only go into messages, and the two-step reader writes those.
const AT: &Path<'static> = &Path::Root;

/// A country code as the validator reads one.
fn country_code(code: &str) -> Option<Country> {
    validate::country_code(code).ok()
}

/// An optional field's value: `null` is absent, as the validator reads it.
fn present(v: Value<'_>) -> Option<Value<'_>> {
    (!matches!(v, Value::Null)).then_some(v)
}

/// The index of the known field `key` names, searching from `next` (the field
/// after the one before), so a document that gives its fields in the format's
/// order finds each with one comparison.
fn field_index(fields: &[(&'static str, Shape)], key: &str, next: usize) -> Option<usize> {
    let (earlier, rest) = fields.split_at(next.min(fields.len()));
    rest.iter()
        .position(|(name, _)| *name == key)
        .map(|i| i + earlier.len())
        .or_else(|| earlier.iter().position(|(name, _)| *name == key))
}

impl<'a> Pass<'a, '_> {
    /// Counts one kept value, where the tree reader counts one.
    fn keep(&mut self) -> Option<()> {
        self.left = self.left.checked_sub(1)?;
        Some(())
    }

    /// A scalar value, counted. A string longer than the tree reader keeps is
    /// refused (no check accepts one).
    fn scalar(&mut self) -> Option<Value<'a>> {
        self.keep()?;
        let max = self.caps.text;
        let v = self.scan.scalar(max.saturating_mul(4))?;
        match &v {
            Value::Text(s) if s.len() > max && s.chars().count() > max => None,
            _ => Some(v),
        }
    }

    /// A string written without escapes, counted: what a code field (a
    /// country, a date, an HS code) holds. A code written with escapes, or a
    /// value of another kind, is left to the two-step reader.
    fn code(&mut self) -> Option<&'a str> {
        self.keep()?;
        let code = self.scan.string(self.caps.text)?;
        (!self.scan.escaped()).then_some(code)
    }

    /// A code field read by `parse`.
    fn required_code<T>(&mut self, parse: impl FnOnce(&'a str) -> Option<T>) -> Option<T> {
        self.code().and_then(parse)
    }

    /// A code field read by `parse`; `null` is absent.
    fn optional_code<T>(&mut self, parse: impl FnOnce(&'a str) -> Option<T>) -> Option<Option<T>> {
        if self.null()? {
            return Some(None);
        }
        self.code().and_then(parse).map(Some)
    }

    /// A text of `min` to `max` characters (and within the text limit),
    /// counted; borrowed unless written with escapes.
    fn text(&mut self, min: usize, max: usize) -> Option<Text<'a>> {
        self.keep()?;
        let text = self.scan.text(self.caps.text.saturating_mul(4))?;
        self.check
            .text_fits(&text, min, max)
            .then(|| Text::from(text))
    }

    /// An optional text: `null` is absent.
    fn optional_text(&mut self, min: usize, max: usize) -> Option<Option<Text<'a>>> {
        if self.null()? {
            return Some(None);
        }
        self.text(min, max).map(Some)
    }

    /// A scalar field read by `parse`; `null` is absent.
    fn optional<T>(&mut self, parse: impl FnOnce(&Value<'a>) -> Res<T>) -> Option<Option<T>> {
        match present(self.scalar()?) {
            Some(v) => ok(parse(&v)).map(Some),
            None => Some(None),
        }
    }

    /// A required scalar field read by `parse`.
    fn required<T>(&mut self, parse: impl FnOnce(&Value<'a>) -> Res<T>) -> Option<T> {
        let v = self.scalar()?;
        ok(parse(&v))
    }

    /// Takes a `null` (counted) if one comes next: an absent optional container.
    fn null(&mut self) -> Option<bool> {
        if self.scan.null()? {
            self.keep()?;
            return Some(true);
        }
        Some(false)
    }

    /// An object at `depth` whose known fields are `fields`, counted: `field`
    /// reads the value of each known one. A field given twice gives up; an
    /// unknown one is skipped (its nesting bounded as the tree reader bounds
    /// it), counted and noted.
    ///
    /// The key expected after each field is the one that followed it in the
    /// last record of the same `kind` (at first, the next in the format's
    /// order): records of one kind in one document are written alike, so
    /// most keys are then matched in place, whatever order the writer uses.
    fn record(
        &mut self,
        fields: &'static [(&'static str, Shape)],
        kind: Kind,
        depth: usize,
        mut field: impl FnMut(&mut Self, &'static str) -> Option<()>,
    ) -> Option<()> {
        let mut seen = 0u32;
        // The order's slot of the field before (0: none yet).
        let mut before = 0;
        // Containers an unknown value may hold: the tree reader refuses one
        // at `caps.depth`, serde_json at its own limit.
        let unknown_depth = self.caps.depth.min(JSON_DEPTH).checked_sub(depth + 1)?;
        if !self.scan.open(b'{', b'}')? {
            loop {
                let next = self.orders.next(kind, before);
                let index = self.key_index(fields, next)?;
                match index {
                    Some(i) => {
                        let bit = 1u32.checked_shl(u32::try_from(i).ok()?)?;
                        if seen & bit != 0 {
                            return None;
                        }
                        seen |= bit;
                        self.orders.learn(kind, before, i);
                        before = i + 1;
                        field(self, fields.get(i)?.0)?;
                    }
                    None => {
                        self.scan.skip(unknown_depth)?;
                        self.keep()?;
                        self.unknown_fields = true;
                    }
                }
                if self.scan.next_or_close(b'}')? {
                    break;
                }
            }
        }
        self.keep()
    }

    /// The index of the known field whose key comes next (taken with its
    /// colon), `Some(None)` for an unknown key. The field expected `next` is
    /// tried in place first: most keys are found that way, without reading
    /// the key on its own, so that case is kept small enough to inline.
    #[inline]
    fn key_index(
        &mut self,
        fields: &[(&'static str, Shape)],
        next: usize,
    ) -> Option<Option<usize>> {
        if let Some((name, _)) = fields.get(next)
            && self.scan.key_is(name)?
        {
            return Some(Some(next));
        }
        self.key_searched(fields, next)
    }

    /// [`Pass::key_index`] for a key that is not the one expected: read, and
    /// searched for among the fields.
    #[inline(never)]
    fn key_searched(
        &mut self,
        fields: &[(&'static str, Shape)],
        next: usize,
    ) -> Option<Option<usize>> {
        let key = self.scan.key()?;
        // The tree reader reads an object with this key as a TOML date.
        if key == TOML_DATETIME {
            return None;
        }
        Some(field_index(fields, &key, next))
    }

    /// A list, counted, whose items `item` reads (each counting itself); more
    /// items than the list limit give up.
    ///
    /// The list is sized once, at its first item, for as many items as the
    /// rest of the text could hold if they were as long as the first (at most
    /// [`LIST_GUESS`]), so that a list of a few lines is one allocation.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut items = Vec::new();
        let cap = self.caps.list;
        Scan::array(
            self,
            |p| &mut p.scan,
            |p| {
                if items.len() >= cap {
                    return None;
                }
                let start = p.scan.position();
                let value = item(p)?;
                if items.is_empty() {
                    let first = p.scan.position().saturating_sub(start).max(1);
                    let guess = 1 + p.scan.remaining() / first;
                    items.reserve_exact(guess.min(cap).min(LIST_GUESS));
                }
                items.push(value);
                Some(())
            },
        )?;
        self.keep()?;
        Some(items)
    }

    /// An optional list: `null` is absent.
    fn optional_list<T>(&mut self, item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        if self.null()? {
            return Some(Vec::new());
        }
        self.list(item)
    }

    fn shipment(&mut self) -> Option<Shipment<'a>> {
        let (mut id, mut date, mut exporter, mut consignee) = (None, None, None, None);
        let (mut origin_country, mut destination_country, mut lines) = (None, None, None);
        let (mut end_user, mut transport_mode, mut end_use, mut contract) =
            (None, None, None, None);
        let (mut other_parties, mut transit_countries) = (Vec::new(), Vec::new());
        let mut licences: Vec<ReadLicence<'a>> = Vec::new();
        self.record(SHIPMENT, Kind::Shipment, 0, |p, field| {
            match field {
                "id" => id = Some(p.required_code(|s| valid_id(s).then(|| Text::from(s)))?),
                "date" => date = Some(p.required_code(Date::parse)?),
                "exporter" => exporter = Some(p.party(1)?),
                "consignee" => consignee = Some(p.party(1)?),
                "end_user" => end_user = if p.null()? { None } else { Some(p.party(1)?) },
                "other_parties" => other_parties = p.optional_list(|p| p.other_party(2))?,
                "origin_country" => {
                    origin_country = Some(p.required_code(country_code)?);
                }
                "destination_country" => {
                    destination_country = Some(p.required_code(country_code)?);
                }
                "transit_countries" => {
                    transit_countries = p.optional_list(|p| p.required_code(country_code))?;
                }
                "transport_mode" => {
                    transport_mode = p.optional_code(|s| one_of_text(s, TRANSPORT_MODES))?;
                }
                "end_use" => end_use = if p.null()? { None } else { Some(p.end_use(1)?) },
                "contract" => {
                    contract = if p.null()? {
                        None
                    } else {
                        Some(p.contract(1)?)
                    }
                }
                "licences" => licences = p.optional_list(|p| p.licence(2))?,
                "lines" => lines = Some(p.list(|p| p.line(2))?),
                _ => {}
            }
            Some(())
        })?;
        let lines = lines?;
        check_lines(&lines)?;
        let licences = licences
            .into_iter()
            .map(|read| covered(read, &lines))
            .collect::<Option<_>>()?;
        let date = date?;
        Some(Shipment {
            id: id?,
            date,
            as_of: date,
            exporter: exporter?,
            consignee: consignee?,
            end_user,
            other_parties,
            origin_country: origin_country?,
            destination_country: destination_country?,
            transit_countries,
            transport_mode,
            end_use,
            contract,
            licences,
            lines,
        })
    }

    fn other_party(&mut self, depth: usize) -> Option<OtherParty<'a>> {
        match self.party_with(OTHER_PARTY, Kind::OtherParty, depth)? {
            (Some(role), party) => Some(OtherParty { role, party }),
            (None, _) => None,
        }
    }

    fn party(&mut self, depth: usize) -> Option<Party<'a>> {
        self.party_with(PARTY, Kind::Party, depth)
            .map(|(_, party)| party)
    }

    /// A party's fields (`fields`: with or without `role`, a record of
    /// `kind`), and its role if given.
    fn party_with(
        &mut self,
        fields: &'static [(&'static str, Shape)],
        kind: Kind,
        depth: usize,
    ) -> Option<(Option<PartyRole>, Party<'a>)> {
        let (mut role, mut name, mut country, mut region) = (None, None, None, None);
        let (mut address, mut registration_date) = (None, None);
        let (mut ids, mut aliases) = (Vec::new(), Vec::new());
        self.record(fields, kind, depth, |p, field| {
            match field {
                "role" => role = Some(p.required_code(|s| one_of_text(s, PARTY_ROLES))?),
                "name" => name = Some(p.text(1, NAME_CHARS)?),
                "country" => country = Some(p.required_code(country_code)?),
                "region" => region = p.optional_code(Some)?,
                "address" => address = p.optional_text(0, usize::MAX)?,
                "registration_date" => {
                    registration_date = p.optional_code(Date::parse)?;
                }
                "ids" => ids = if p.null()? { Vec::new() } else { p.ids()? },
                "aliases" => {
                    aliases = p.optional_list(|p| p.text(1, NAME_CHARS))?;
                }
                _ => {}
            }
            Some(())
        })?;
        let country = country?;
        // The region is checked against the party's country, whichever came first.
        let region = match region {
            Some(code) => Some(Text::from(region_code(code, country).ok()?)),
            None => None,
        };
        let party = Party {
            name: name?,
            country,
            region,
            address,
            registration_date,
            ids,
            aliases,
        };
        Some((role, party))
    }

    /// A party's registry identifiers, sorted by key; a key given twice gives up.
    fn ids(&mut self) -> Option<Vec<(Text<'a>, Text<'a>)>> {
        let mut ids = Vec::new();
        let (max, cap) = (self.caps.text, self.caps.list);
        Scan::object(
            self,
            |p| &mut p.scan,
            |p, key| {
                if ids.len() >= cap || (key.len() > max && key.chars().count() > max) {
                    return None;
                }
                // A key is checked as a text of at least one character.
                if !p.check.text_fits(&key, 1, usize::MAX) {
                    return None;
                }
                let value = p.text(0, usize::MAX)?;
                ids.push((Text::from(key), value));
                Some(())
            },
        )?;
        self.keep()?;
        ids.sort();
        if ids.windows(2).any(|w| matches!(w, [a, b] if a.0 == b.0)) {
            return None;
        }
        Some(ids)
    }

    fn end_use(&mut self, depth: usize) -> Option<EndUse<'a>> {
        let mut end_use = EndUse::default();
        self.record(END_USE, Kind::EndUse, depth, |p, field| {
            match field {
                "statement" => end_use.statement = p.optional_text(0, usize::MAX)?,
                "military" => end_use.military = p.optional(|v| validate::boolean(v, AT))?,
                "sector" => end_use.sector = p.optional_text(0, usize::MAX)?,
                _ => {}
            }
            Some(())
        })?;
        Some(end_use)
    }

    fn contract(&mut self, depth: usize) -> Option<Contract<'a>> {
        let mut contract = Contract::default();
        self.record(CONTRACT, Kind::Contract, depth, |p, field| {
            match field {
                "reference" => contract.reference = p.optional_text(0, usize::MAX)?,
                "date" => contract.date = p.optional_code(Date::parse)?,
                "no_russia_clause" => {
                    contract.no_russia_clause = p.optional(|v| validate::boolean(v, AT))?;
                }
                _ => {}
            }
            Some(())
        })?;
        Some(contract)
    }

    fn licence(&mut self, depth: usize) -> Option<ReadLicence<'a>> {
        let (mut id, mut jurisdiction, mut lines, mut valid_until) = (None, None, None, None);
        self.record(LICENCE, Kind::Licence, depth, |p, field| {
            match field {
                "id" => id = Some(p.text(1, usize::MAX)?),
                "jurisdiction" => {
                    let issuer = p.text(2, usize::MAX)?;
                    jurisdiction = Some(Text::from(issuer.to_uppercase()));
                }
                "lines" => {
                    lines = if p.null()? {
                        None
                    } else {
                        Some(p.list(|p| p.required(|v| validate::line_number(v, AT)))?)
                    };
                }
                "valid_until" => valid_until = p.optional_code(Date::parse)?,
                _ => {}
            }
            Some(())
        })?;
        let licence = Licence {
            id: id?,
            jurisdiction: jurisdiction?,
            lines: None,
            valid_until,
        };
        Some(ReadLicence { licence, lines })
    }

    fn line(&mut self, depth: usize) -> Option<Line<'a>> {
        let (mut line, mut description, mut hs_code) = (None, None, None);
        let (mut quantity, mut value, mut control_codes) = (None, None, Vec::new());
        let (mut origin_country, mut unit, mut us_content_percent) = (None, None, None);
        self.record(LINE, Kind::Line, depth, |p, field| {
            match field {
                "line" => line = Some(p.required(|v| validate::line_number(v, AT))?),
                "description" => {
                    description = Some(p.text(1, usize::MAX)?);
                }
                "hs_code" => hs_code = Some(p.required_code(HsCode::parse)?),
                "control_codes" => {
                    control_codes = p.optional_list(|p| {
                        let text = p.text(1, usize::MAX)?;
                        p.check.control_code_text(&text)
                    })?;
                }
                "origin_country" => origin_country = p.optional_code(country_code)?,
                "quantity" => quantity = Some(p.required(|v| validate::quantity(v, AT))?),
                "unit" => unit = p.optional_text(0, usize::MAX)?,
                "value" => value = Some(p.money(depth + 1)?),
                "us_content_percent" => {
                    us_content_percent = p.optional(|v| validate::us_content_percent(v, AT))?;
                }
                _ => {}
            }
            Some(())
        })?;
        Some(Line {
            line: line?,
            description: description?,
            hs_code: hs_code?,
            control_codes,
            origin_country,
            quantity: quantity?,
            unit,
            value: value?,
            us_content_percent,
        })
    }

    fn money(&mut self, depth: usize) -> Option<Money<'a>> {
        let (mut amount, mut currency) = (None, None);
        self.record(MONEY, Kind::Money, depth, |p, field| {
            match field {
                "amount" => amount = Some(p.required(|v| validate::amount(v, AT))?),
                "currency" => currency = Some(p.required_code(currency_code)?),
                _ => {}
            }
            Some(())
        })?;
        Some(Money {
            amount: amount?,
            currency: currency?,
        })
    }
}

/// A licence as read, its lines checked once the shipment's lines are known.
struct ReadLicence<'a> {
    licence: Licence<'a>,
    lines: Option<Vec<u32>>,
}

/// The validator's checks of the line list: at least one, numbers unique.
fn check_lines(lines: &[Line<'_>]) -> Option<()> {
    let repeated = if lines.len() <= 32 {
        lines
            .iter()
            .enumerate()
            .any(|(i, l)| lines.iter().take(i).any(|before| before.line == l.line))
    } else {
        let mut seen = std::collections::HashSet::with_capacity(lines.len());
        !lines.iter().all(|l| seen.insert(l.line))
    };
    (!lines.is_empty() && !repeated).then_some(())
}

/// A licence whose lines are all lines of the shipment.
fn covered<'a>(read: ReadLicence<'a>, lines: &[Line<'_>]) -> Option<Licence<'a>> {
    let mut licence = read.licence;
    if let Some(numbers) = read.lines {
        if !numbers.iter().all(|n| lines.iter().any(|l| l.line == *n)) {
            return None;
        }
        licence.lines = Some(numbers);
    }
    Some(licence)
}
