//! Validating a parsed document and normalising it into a [`Shipment`].
//!
//! One problem per top-level field is reported, each with the path of the field
//! it is in.

use super::InputLimits;
use super::value::Value;
use crate::validated::{Contract, EndUse, Licence, Line, Money, OtherParty, Party, Shipment};
use crate::{ControlCode, Country, Date, Decimal, HsCode, PartyRole, Text, TransportMode};
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// The spec's limit for a party name (and each alias).
pub(super) const NAME_CHARS: usize = 512;
/// The spec's limit for the shipment id.
const ID_CHARS: usize = 128;

/// A problem in one field.
#[derive(Debug)]
pub(crate) struct Issue {
    pub path: String,
    pub message: String,
}

pub(super) type Res<T> = Result<T, Issue>;

/// Where a value sits in the document; rendered only when reporting a problem.
#[derive(Clone, Copy)]
pub(super) enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
    /// A key of a free-form map (`ids`), which may need quoting.
    Key(&'a Path<'a>, &'a str),
}

impl<'a> Path<'a> {
    fn field(&'a self, name: &'a str) -> Path<'a> {
        Path::Field(self, name)
    }

    fn index(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }

    fn issue(&self, message: impl Into<String>) -> Issue {
        Issue {
            path: self.to_string(),
            message: message.into(),
        }
    }

    fn expected(&self, what: &str, found: &Value) -> Issue {
        self.issue(format!("expected {what}, found {}", found.kind_name()))
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
            Path::Key(parent, key) => {
                if !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                {
                    write!(f, "{parent}.{key}")
                } else {
                    write!(f, "{parent}[{}]", quote(key))
                }
            }
        }
    }
}

/// User text in a message: quoted, escaped (so the message stays one line) and
/// shortened.
fn quote(text: &str) -> String {
    const SHOWN: usize = 40;
    match text.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{:?}", format!("{}…", text.get(..end).unwrap_or(""))),
        None => format!("{text:?}"),
    }
}

/// A field of a record, `None` when absent. `null` counts as absent, so an ERP
/// that writes `"end_user": null` means "no end user".
fn optional<'v>(record: &'v Value<'v>, name: &str) -> Option<&'v Value<'v>> {
    record.field(name).filter(|v| **v != Value::Null)
}

/// A required field; `null` is returned as is, for the field's parser to refuse
/// with the field's expected type.
fn required<'v>(record: &'v Value<'v>, path: &Path<'_>, name: &str) -> Res<&'v Value<'v>> {
    record
        .field(name)
        .ok_or_else(|| path.field(name).issue("required field is missing"))
}

/// Runs `parse` on an optional field.
fn opt<'v, T>(
    record: &'v Value<'v>,
    path: &Path<'_>,
    name: &str,
    parse: impl FnOnce(&'v Value<'v>, &Path<'_>) -> Res<T>,
) -> Res<Option<T>> {
    optional(record, name)
        .map(|v| parse(v, &path.field(name)))
        .transpose()
}

/// Runs `parse` on a required field.
fn req<'v, T>(
    record: &'v Value<'v>,
    path: &Path<'_>,
    name: &str,
    parse: impl FnOnce(&'v Value<'v>, &Path<'_>) -> Res<T>,
) -> Res<T> {
    parse(required(record, path, name)?, &path.field(name))
}

/// Keeps a field's issue and goes on with the next field.
fn note<T>(issues: &mut Vec<Issue>, result: Res<T>) -> Option<T> {
    result.map_err(|issue| issues.push(issue)).ok()
}

fn char_count(text: &str) -> usize {
    text.chars().count()
}

pub(super) fn boolean(v: &Value, path: &Path<'_>) -> Res<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => Err(path.expected("true or false", other)),
    }
}

/// A string that is a code of some kind; `what` completes "… is not ".
fn code<'v>(v: &'v Value<'_>, path: &Path<'_>, what: &str) -> Res<&'v str> {
    match v {
        Value::Text(s) => Ok(s),
        Value::LongText(n) => Err(path.issue(format!("a string of {n} characters is not {what}"))),
        other => Err(path.expected("a string", other)),
    }
}

fn id<'v>(v: &'v Value<'_>, path: &Path<'_>) -> Res<&'v str> {
    const WHAT: &str = "1–128 printable characters";
    let s = code(v, path, WHAT)?;
    if valid_id(s) {
        Ok(s)
    } else {
        Err(path.issue(format!("{} is not {WHAT}", quote(s))))
    }
}

pub(crate) fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= ID_CHARS * 4
        && (s.len() <= ID_CHARS || char_count(s) <= ID_CHARS)
        && !s.chars().any(char::is_control)
}

fn date(v: &Value, path: &Path<'_>) -> Res<Date> {
    let s = code(v, path, "a date (YYYY-MM-DD)")?;
    Date::parse(s).ok_or_else(|| {
        // `10.05.2024`, `10/05/2024`, `2024/05/10`: the usual local forms.
        let hint =
            if s.contains(['.', '/']) || (s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit())) {
                "; write dates as YYYY-MM-DD, e.g. 2024-05-10"
            } else {
                ""
            };
        path.issue(format!(
            "{} is not a valid date (YYYY-MM-DD){hint}",
            quote(s)
        ))
    })
}

/// An assigned ISO 3166-1 alpha-2 code, in either case. `XK` (Kosovo) is accepted
/// too: it is user-assigned in ISO 3166 but used by the EU, customs and trade
/// documents.
fn country(v: &Value, path: &Path<'_>) -> Res<Country> {
    const WHAT: &str = "an ISO 3166-1 alpha-2 country code";
    let s = code(v, path, WHAT)?;
    country_code(s).map_err(|reason| path.issue(reason))
}

/// Reads `text` as a shipment's country is read: an assigned ISO 3166-1 alpha-2
/// code in either case, or `XK`. The error says what is wrong and, for codes
/// people write that ISO spells differently (`UK`, `EL`, `EU`), what to write.
pub fn country_code(text: &str) -> Result<Country, String> {
    const WHAT: &str = "an ISO 3166-1 alpha-2 country code";
    Country::parse(text)
        .filter(|c| *c == Country::from_bytes(*b"XK") || assigned(*c))
        .ok_or_else(|| {
            let hint = match text.to_ascii_uppercase().as_str() {
                "UK" => " (the United Kingdom is `GB`)",
                "EL" => " (Greece is `GR`; `EL` is the EU's own abbreviation)",
                "EU" => " (name a country, not the European Union)",
                _ => "",
            };
            format!("{} is not {WHAT}{hint}", quote(text))
        })
}

/// Whether `country` is an assigned ISO 3166-1 alpha-2 code. The codes are
/// kept as a 26 × 26 bit table built once, so a shipment's dozen country fields
/// cost a few index operations rather than a hash each.
fn assigned(country: Country) -> bool {
    static TABLE: OnceLock<[u32; 26]> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = [0u32; 26];
        for code in rust_iso3166::ALL_ALPHA2 {
            if let [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] = code.as_bytes()
                && let Some(row) = table.get_mut(usize::from(a - b'A'))
            {
                *row |= 1 << (b - b'A');
            }
        }
        table
    });
    match country.bytes() {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => table
            .get(usize::from(a - b'A'))
            .is_some_and(|row| row & (1 << (b - b'A')) != 0),
        _ => false,
    }
}

/// An ISO 3166-2 subdivision of the party's country, upper-cased. A Ukrainian
/// subdivision is also accepted for a party in Russia: sanctions documents place
/// occupied regions such as Crimea (`UA-43`) and Sevastopol (`UA-40`) that way,
/// and those are exactly the parties the rules must see.
fn region(v: &Value, path: &Path<'_>, country: Country) -> Res<String> {
    let s = code(v, path, REGION)?;
    region_code(s, country).map_err(|problem| path.issue(problem))
}

const REGION: &str = "an ISO 3166-2 subdivision code";

/// `s` as a subdivision of `country` (see [`region`]), upper-cased, or what is wrong.
pub(super) fn region_code(s: &str, country: Country) -> Result<String, String> {
    let upper = s.to_ascii_uppercase();
    let Some(subdivision) = rust_iso3166::iso3166_2::from_code(&upper) else {
        return Err(format!("{} is not {REGION}", quote(s)));
    };
    let of = subdivision.country_code;
    let occupied = of == "UA" && country == Country::RU;
    if of != country.as_str() && !occupied {
        return Err(format!(
            "{} is a subdivision of {of}, not of {country}",
            quote(s)
        ));
    }
    Ok(upper)
}

fn one_of<T: Copy>(v: &Value, path: &Path<'_>, options: &[(&str, T)]) -> Res<T> {
    let names = || {
        options
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let s = code(v, path, "a known value")?;
    one_of_text(s, options)
        .ok_or_else(|| path.issue(format!("{} is not one of {}", quote(s), names())))
}

/// The option named exactly `s`.
pub(super) fn one_of_text<T: Copy>(s: &str, options: &[(&str, T)]) -> Option<T> {
    options
        .iter()
        .find(|(name, _)| *name == s)
        .map(|(_, value)| *value)
}

fn hs_code(v: &Value, path: &Path<'_>) -> Res<HsCode> {
    const WHAT: &str = "a 6–10 digit HS code";
    let s = code(v, path, WHAT)?;
    HsCode::parse(s).ok_or_else(|| path.issue(format!("{} is not {WHAT}", quote(s))))
}

/// An ISO 4217 code, in either case; returned upper-case.
fn currency<'v>(v: &'v Value<'_>, path: &Path<'_>) -> Res<Text<'v>> {
    const WHAT: &str = "an ISO 4217 currency code";
    let s = code(v, path, WHAT)?;
    currency_code(s).ok_or_else(|| path.issue(format!("{} is not {WHAT}", quote(s))))
}

/// `s` as an ISO 4217 code, upper-case.
pub(super) fn currency_code(s: &str) -> Option<Text<'_>> {
    match s.as_bytes() {
        [a, b, c] if currency_assigned([*a, *b, *c].map(|l| l.to_ascii_uppercase())) => {
            Some(upper_case(s))
        }
        _ => None,
    }
}

/// Whether `code` (upper case) is an ISO 4217 code. The codes are kept as a
/// 26 × 26 × 26 bit table built once: a shipment names a currency on every
/// line, and looking one up by name costs a few hundred instructions.
fn currency_assigned(code: [u8; 3]) -> bool {
    static TABLE: OnceLock<Vec<u32>> = OnceLock::new();
    let index = |code: [u8; 3]| -> Option<usize> {
        match code {
            [a @ b'A'..=b'Z', b @ b'A'..=b'Z', c @ b'A'..=b'Z'] => Some(
                usize::from(a - b'A') * 26 * 26
                    + usize::from(b - b'A') * 26
                    + usize::from(c - b'A'),
            ),
            _ => None,
        }
    };
    let table = TABLE.get_or_init(|| {
        // Every three-letter code asked once (about a millisecond, at first use).
        let mut table = vec![0u32; (26 * 26 * 26usize).div_ceil(32)];
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                for c in b'A'..=b'Z' {
                    let code = [a, b, c];
                    let known = std::str::from_utf8(&code)
                        .is_ok_and(|name| iso_currency::Currency::from_code(name).is_some());
                    if let (true, Some(i)) = (known, index(code))
                        && let Some(word) = table.get_mut(i / 32)
                    {
                        *word |= 1 << (i % 32);
                    }
                }
            }
        }
        table
    });
    index(code)
        .and_then(|i| table.get(i / 32).map(|word| word & (1 << (i % 32)) != 0))
        .unwrap_or(false)
}

/// `s` in ASCII upper case, copied only when it is not already.
fn upper_case(s: &str) -> Text<'_> {
    if s.bytes().any(|b| b.is_ascii_lowercase()) {
        Text::from(s.to_ascii_uppercase())
    } else {
        Text::from(s)
    }
}

/// A line number: a whole number from 1 to `u32::MAX` (`1.0` counts as whole).
pub(super) fn line_number(v: &Value, path: &Path<'_>) -> Res<u32> {
    let bad = |shown: String| {
        path.issue(format!(
            "{shown} is not a line number (a whole number from 1 to {})",
            u32::MAX
        ))
    };
    match v {
        Value::Int(n) => u32::try_from(*n)
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| bad(n.to_string())),
        Value::Float(f) if f.fract() == 0.0 && *f >= 1.0 && *f <= f64::from(u32::MAX) => {
            Ok(*f as u32)
        }
        Value::Float(f) => Err(bad(format!("{f:?}"))),
        other => Err(path.expected("a whole number", other)),
    }
}

/// An exact decimal from a JSON/TOML number or a decimal string (`^\d+(\.\d+)?$`).
fn decimal(v: &Value<'_>, path: &Path<'_>) -> Res<Decimal> {
    const RANGE: &str = "is out of range for an exact decimal (at most 28 digits)";
    let d = match v {
        Value::Int(n) => Decimal::try_from_i128_with_scale(*n, 0)
            .map_err(|_| path.issue(format!("{n} {RANGE}")))?,
        Value::Float(f) => {
            if !f.is_finite() {
                return Err(path.issue(format!("{} is not a finite number", shown(v))));
            }
            // Rust prints the shortest text that reads back as the same float, which
            // is what the document said (`0.1` stays 0.1, not 0.1000000000000000055…).
            Decimal::from_str_exact(&f.to_string())
                .map_err(|_| path.issue(format!("{} {RANGE}", shown(v))))?
        }
        Value::Text(s) => {
            if !is_decimal_text(s) {
                return Err(path.issue(format!(
                    "{} is not a decimal number like \"4250.00\"",
                    shown(v)
                )));
            }
            Decimal::from_str_exact(s).map_err(|_| path.issue(format!("{} {RANGE}", shown(v))))?
        }
        Value::LongText(n) => {
            return Err(path.issue(format!(
                "a string of {n} characters is not a decimal number"
            )));
        }
        other => return Err(path.expected("a number or a decimal string", other)),
    };
    // `-0` is zero.
    Ok(if d.is_zero() { Decimal::ZERO } else { d })
}

/// A number as the document showed it, for messages about its value.
fn shown(v: &Value<'_>) -> String {
    match v {
        Value::Int(n) => n.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Text(s) => quote(s),
        other => other.kind_name().to_owned(),
    }
}

fn is_decimal_text(s: &str) -> bool {
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    match s.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(s),
    }
}

/// A line's quantity: a decimal greater than 0.
pub(super) fn quantity(v: &Value<'_>, p: &Path<'_>) -> Res<Decimal> {
    let d = decimal(v, p)?;
    if d > Decimal::ZERO {
        Ok(d)
    } else {
        Err(p.issue(format!("{} is not greater than 0", shown(v))))
    }
}

/// A line's US content: a decimal from 0 to 100.
pub(super) fn us_content_percent(v: &Value<'_>, p: &Path<'_>) -> Res<Decimal> {
    let d = decimal(v, p)?;
    if (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&d) {
        Ok(d)
    } else {
        Err(p.issue(format!("{} is not between 0 and 100", shown(v))))
    }
}

/// An amount of money: a decimal not below 0.
pub(super) fn amount(v: &Value<'_>, p: &Path<'_>) -> Res<Decimal> {
    let d = decimal(v, p)?;
    if d.is_sign_negative() {
        Err(p.issue(format!("{} is negative", shown(v))))
    } else {
        Ok(d)
    }
}

/// Checks made by the limits of one parse.
pub(super) struct Validator<'l> {
    pub(super) limits: &'l InputLimits,
}

impl Validator<'_> {
    /// A free-text field of `min` to `max` characters (and never more than the
    /// text limit).
    fn text<'v>(&self, v: &'v Value<'_>, path: &Path<'_>, min: usize, max: usize) -> Res<&'v str> {
        let max = max.min(self.limits.max_text_chars);
        let too_long = |n: usize| {
            path.issue(format!(
                "text of {n} characters is longer than the limit of {max}"
            ))
        };
        match v {
            Value::Text(s) if self.text_fits(s, min, max) => Ok(s),
            Value::Text(s) => {
                let n = char_count(s);
                if n > max {
                    Err(too_long(n))
                } else if n < min {
                    Err(path.issue(if min == 1 {
                        "must not be empty".to_owned()
                    } else {
                        format!("{} is shorter than {min} characters", quote(s))
                    }))
                } else {
                    Ok(s)
                }
            }
            Value::LongText(n) => Err(too_long(*n)),
            other => Err(path.expected("a string", other)),
        }
    }

    /// Whether `s` has `min` to `max` characters, and no more than the text limit.
    pub(super) fn text_fits(&self, s: &str, min: usize, max: usize) -> bool {
        let max = max.min(self.limits.max_text_chars);
        // The byte length bounds the character count from above and, at four
        // bytes a character, from below: most texts need no counting.
        if s.len() <= max && (s.len() >= min.saturating_mul(4) || (min == 1 && !s.is_empty())) {
            return true;
        }
        (min..=max).contains(&char_count(s))
    }

    fn free_text<'v>(&self, v: &'v Value<'_>, path: &Path<'_>) -> Res<&'v str> {
        self.text(v, path, 0, usize::MAX)
    }

    fn list<'v>(&self, v: &'v Value<'v>, path: &Path<'_>, noun: &str) -> Res<&'v [Value<'v>]> {
        match v {
            Value::List(items) => Ok(items),
            Value::LongList(n) => Err(path.issue(format!(
                "{n} {noun} are more than the limit of {}",
                self.limits.max_lines
            ))),
            other => Err(path.expected("an array", other)),
        }
    }

    /// Parses every item of a list field.
    fn each<'v, T>(
        &self,
        v: &'v Value<'v>,
        path: &Path<'_>,
        mut parse: impl FnMut(&'v Value<'v>, &Path<'_>) -> Res<T>,
    ) -> Res<Vec<T>> {
        self.list(v, path, "entries")?
            .iter()
            .enumerate()
            .map(|(i, item)| parse(item, &path.index(i)))
            .collect()
    }

    fn record<'v>(&self, v: &'v Value<'v>, path: &Path<'_>) -> Res<&'v Value<'v>> {
        match v {
            Value::Record(_) => Ok(v),
            other => Err(path.expected("an object", other)),
        }
    }

    /// Every top-level field is checked, so a document with several mistakes
    /// gets one issue per field in one run (the first issue within a field).
    fn shipment<'v>(
        &self,
        doc: &'v Value<'v>,
        as_of: Option<Date>,
    ) -> Result<Shipment<'v>, Vec<Issue>> {
        let p = &Path::Root;
        let mut issues = Vec::new();
        let id = note(&mut issues, req(doc, p, "id", id));
        let date = note(&mut issues, req(doc, p, "date", date));
        let exporter = note(
            &mut issues,
            req(doc, p, "exporter", |v, p| self.party(v, p)),
        );
        let consignee = note(
            &mut issues,
            req(doc, p, "consignee", |v, p| self.party(v, p)),
        );
        let end_user = note(
            &mut issues,
            opt(doc, p, "end_user", |v, p| self.party(v, p)),
        );
        let other_parties = note(
            &mut issues,
            opt(doc, p, "other_parties", |v, p| {
                self.each(v, p, |v, p| self.other_party(v, p))
            }),
        );
        let origin_country = note(&mut issues, req(doc, p, "origin_country", country));
        let destination_country = note(&mut issues, req(doc, p, "destination_country", country));
        let transit_countries = note(
            &mut issues,
            opt(doc, p, "transit_countries", |v, p| self.each(v, p, country)),
        );
        let transport_mode = note(
            &mut issues,
            opt(doc, p, "transport_mode", |v, p| {
                one_of(v, p, TRANSPORT_MODES)
            }),
        );
        let end_use = note(
            &mut issues,
            opt(doc, p, "end_use", |v, p| self.end_use(v, p)),
        );
        let contract = note(
            &mut issues,
            opt(doc, p, "contract", |v, p| self.contract(v, p)),
        );
        let lines = note(&mut issues, req(doc, p, "lines", |v, p| self.lines(v, p)));
        // Licences name lines: they can be checked only against valid lines.
        let licences = lines.as_ref().and_then(|lines| {
            note(
                &mut issues,
                opt(doc, p, "licences", |v, p| {
                    self.each(v, p, |v, p| self.licence(v, p, lines))
                }),
            )
        });
        let (
            Some(id),
            Some(date),
            Some(exporter),
            Some(consignee),
            Some(end_user),
            Some(other_parties),
            Some(origin_country),
            Some(destination_country),
            Some(transit_countries),
            Some(transport_mode),
            Some(end_use),
            Some(contract),
            Some(lines),
            Some(licences),
        ) = (
            id,
            date,
            exporter,
            consignee,
            end_user,
            other_parties,
            origin_country,
            destination_country,
            transit_countries,
            transport_mode,
            end_use,
            contract,
            lines,
            licences,
        )
        else {
            return Err(issues);
        };
        Ok(Shipment {
            id: id.into(),
            date,
            as_of: as_of.unwrap_or(date),
            exporter,
            consignee,
            end_user,
            other_parties: other_parties.unwrap_or_default(),
            origin_country,
            destination_country,
            transit_countries: transit_countries.unwrap_or_default(),
            transport_mode,
            end_use,
            contract,
            licences: licences.unwrap_or_default(),
            lines,
        })
    }

    fn party<'v>(&self, v: &'v Value<'v>, p: &Path<'_>) -> Res<Party<'v>> {
        let r = self.record(v, p)?;
        let name = req(r, p, "name", |v, p| self.text(v, p, 1, NAME_CHARS))?;
        let country = req(r, p, "country", country)?;
        let region = opt(r, p, "region", |v, p| region(v, p, country))?;
        let address = opt(r, p, "address", |v, p| self.free_text(v, p))?;
        let registration_date = opt(r, p, "registration_date", date)?;
        let ids = opt(r, p, "ids", |v, p| self.ids(v, p))?.unwrap_or_default();
        let aliases = opt(r, p, "aliases", |v, p| {
            self.each(v, p, |v, p| self.text(v, p, 1, NAME_CHARS))
        })?
        .unwrap_or_default();
        Ok(Party {
            name: name.into(),
            country,
            region: region.map(Text::from),
            address: address.map(Text::from),
            registration_date,
            ids: ids.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
            aliases: aliases.into_iter().map(Text::from).collect(),
        })
    }

    fn other_party<'v>(&self, v: &'v Value<'v>, p: &Path<'_>) -> Res<OtherParty<'v>> {
        let r = self.record(v, p)?;
        let role = req(r, p, "role", |v, p| one_of(v, p, PARTY_ROLES))?;
        Ok(OtherParty {
            role,
            party: self.party(r, p)?,
        })
    }

    /// Registry identifiers, sorted by key; a key given twice is refused.
    fn ids<'v>(&self, v: &'v Value<'v>, p: &Path<'_>) -> Res<Vec<(&'v str, &'v str)>> {
        let entries = match v {
            Value::Map(entries) => entries,
            Value::LongList(n) => {
                return Err(p.issue(format!(
                    "{n} entries are more than the limit of {}",
                    self.limits.max_lines
                )));
            }
            other => return Err(p.expected("an object", other)),
        };
        let mut ids = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let key = self.key(key, p)?;
            let value = self.free_text(value, &Path::Key(p, key))?;
            ids.push((key, value));
        }
        ids.sort();
        if let Some(w) = ids.windows(2).find(|w| matches!(w, [a, b] if a.0 == b.0)) {
            let key = w.first().map_or("", |(k, _)| *k);
            return Err(p.issue(format!("key {} is used twice", quote(key))));
        }
        Ok(ids)
    }

    fn key<'v>(&self, key: &'v Value<'_>, p: &Path<'_>) -> Res<&'v str> {
        let max = self.limits.max_text_chars;
        match key {
            Value::Text(k) if k.is_empty() => Err(p.issue("empty key")),
            Value::Text(k) if char_count(k) <= max => Ok(k),
            Value::Text(k) => Err(p.issue(format!(
                "key of {} characters is longer than the limit of {max}",
                char_count(k)
            ))),
            Value::LongText(n) => Err(p.issue(format!(
                "key of {n} characters is longer than the limit of {max}"
            ))),
            other => Err(p.expected("a string key", other)),
        }
    }

    fn end_use<'v>(&self, v: &'v Value<'v>, p: &Path<'_>) -> Res<EndUse<'v>> {
        let r = self.record(v, p)?;
        Ok(EndUse {
            statement: opt(r, p, "statement", |v, p| self.free_text(v, p))?.map(Text::from),
            military: opt(r, p, "military", boolean)?,
            sector: opt(r, p, "sector", |v, p| self.free_text(v, p))?.map(Text::from),
        })
    }

    fn contract<'v>(&self, v: &'v Value<'v>, p: &Path<'_>) -> Res<Contract<'v>> {
        let r = self.record(v, p)?;
        Ok(Contract {
            reference: opt(r, p, "reference", |v, p| self.free_text(v, p))?.map(Text::from),
            date: opt(r, p, "date", date)?,
            no_russia_clause: opt(r, p, "no_russia_clause", boolean)?,
        })
    }

    fn licence<'v>(&self, v: &'v Value<'v>, p: &Path<'_>, lines: &[Line<'_>]) -> Res<Licence<'v>> {
        let r = self.record(v, p)?;
        let id = req(r, p, "id", |v, p| self.text(v, p, 1, usize::MAX))?;
        let jurisdiction =
            req(r, p, "jurisdiction", |v, p| self.text(v, p, 2, usize::MAX))?.to_uppercase();
        let covered = opt(r, p, "lines", |v, p| {
            self.each(v, p, |v, p| {
                let n = line_number(v, p)?;
                if lines.iter().any(|l| l.line == n) {
                    Ok(n)
                } else {
                    Err(p.issue(format!("line {n} is not in this shipment")))
                }
            })
        })?;
        let valid_until = opt(r, p, "valid_until", date)?;
        Ok(Licence {
            id: id.into(),
            jurisdiction: jurisdiction.into(),
            lines: covered,
            valid_until,
        })
    }

    fn lines<'v>(&self, v: &'v Value<'v>, p: &Path<'_>) -> Res<Vec<Line<'v>>> {
        let items = self.list(v, p, "line items")?;
        if items.is_empty() {
            return Err(p.issue("at least one line item is required"));
        }
        // The list cap is max_lines, so only a list built by hand could be longer.
        if items.len() > self.limits.max_lines {
            return Err(p.issue(format!(
                "{} line items are more than the limit of {}",
                items.len(),
                self.limits.max_lines
            )));
        }
        // A short list is checked against the lines before; a hash set pays off
        // only for long ones.
        const HASHED: usize = 32;
        let mut seen: HashMap<u32, usize> = HashMap::new();
        let mut lines: Vec<Line<'v>> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let ip = p.index(i);
            let line = self.line(item, &ip)?;
            let repeated = if items.len() <= HASHED {
                lines.iter().any(|l| l.line == line.line)
            } else {
                seen.insert(line.line, i).is_some()
            };
            if repeated {
                return Err(ip
                    .field("line")
                    .issue(format!("line number {} is used twice", line.line)));
            }
            lines.push(line);
        }
        Ok(lines)
    }

    fn line<'v>(&self, v: &'v Value<'v>, p: &Path<'_>) -> Res<Line<'v>> {
        let r = self.record(v, p)?;
        let line = req(r, p, "line", line_number)?;
        let description = req(r, p, "description", |v, p| self.text(v, p, 1, usize::MAX))?;
        let hs_code = req(r, p, "hs_code", hs_code)?;
        let control_codes = opt(r, p, "control_codes", |v, p| {
            self.each(v, p, |v, p| self.control_code(v, p))
        })?
        .unwrap_or_default();
        let origin_country = opt(r, p, "origin_country", country)?;
        let quantity = req(r, p, "quantity", quantity)?;
        let unit = opt(r, p, "unit", |v, p| self.free_text(v, p))?;
        let value = req(r, p, "value", |v, p| self.money(v, p))?;
        let us_content_percent = opt(r, p, "us_content_percent", us_content_percent)?;
        Ok(Line {
            line,
            description: description.into(),
            hs_code,
            control_codes,
            origin_country,
            quantity,
            unit: unit.map(Text::from),
            value,
            us_content_percent,
        })
    }

    /// A control-list classification as given: non-blank text, classified.
    fn control_code(&self, v: &Value<'_>, p: &Path<'_>) -> Res<ControlCode> {
        let text = self.text(v, p, 1, usize::MAX)?;
        self.control_code_text(text)
            .ok_or_else(|| p.issue("must not be blank"))
    }

    /// `s` as a control code: text within the limit that is not blank.
    pub(super) fn control_code_text(&self, s: &str) -> Option<ControlCode> {
        (self.text_fits(s, 1, usize::MAX) && !s.trim().is_empty()).then(|| ControlCode::parse(s))
    }

    fn money<'v>(&self, v: &'v Value<'v>, p: &Path<'_>) -> Res<Money<'v>> {
        let r = self.record(v, p)?;
        let amount = req(r, p, "amount", amount)?;
        let currency = req(r, p, "currency", currency)?;
        Ok(Money { amount, currency })
    }
}

pub(super) const TRANSPORT_MODES: &[(&str, TransportMode)] = &[
    ("road", TransportMode::Road),
    ("rail", TransportMode::Rail),
    ("sea", TransportMode::Sea),
    ("air", TransportMode::Air),
    ("post", TransportMode::Post),
    ("pipeline", TransportMode::Pipeline),
    ("other", TransportMode::Other),
];

pub(super) const PARTY_ROLES: &[(&str, PartyRole)] = &[
    ("freight_forwarder", PartyRole::FreightForwarder),
    ("intermediate_consignee", PartyRole::IntermediateConsignee),
    ("notify_party", PartyRole::NotifyParty),
    ("payer", PartyRole::Payer),
    ("bank", PartyRole::Bank),
    ("other", PartyRole::Other),
];

/// Validates a parsed shipment document.
pub(crate) fn shipment<'v>(
    doc: &'v Value<'v>,
    as_of: Option<Date>,
    limits: &InputLimits,
) -> Result<Shipment<'v>, Vec<Issue>> {
    Validator { limits }.shipment(doc, as_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_currency_table_knows_exactly_the_iso_4217_codes() {
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                for c in b'A'..=b'Z' {
                    let code = [a, b, c];
                    let name = std::str::from_utf8(&code).unwrap();
                    assert_eq!(
                        currency_assigned(code),
                        iso_currency::Currency::from_code(name).is_some(),
                        "{name}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_bit_table_knows_exactly_the_assigned_codes() {
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let code = Country::from_bytes([a, b]);
                assert_eq!(
                    assigned(code),
                    rust_iso3166::from_alpha2(code.as_str()).is_some(),
                    "{code}"
                );
            }
        }
        assert!(country_code("xk").is_ok() && country_code("UK").is_err());
    }
}
