//! Reading shipment documents (`shipment.md`, version 1) and validating them into
//! [`Shipment`]s. Native only: the host validates, plugins receive the result.
//!
//! Enabled by the `input` feature. Two steps, so a file with one bad shipment
//! still yields the others:
//!
//! 1. [`read_documents`] splits a file into [`Document`]s: one JSON object, a JSON
//!    array of objects, JSON Lines, or TOML. Syntax errors, invalid UTF-8, over-deep
//!    nesting and oversized files fail the whole file.
//! 2. [`parse_shipment`] validates one document and normalises it (upper-case
//!    country and currency codes, HS codes as digits, typed dates, exact decimals).
//!
//! [`Shipment::from_json`] does both for one JSON object, for tests.
//!
//! A JSON shipment object (a request, a line of a JSON Lines file, a file of
//! one shipment) is read and validated in one pass over its bytes, its text
//! borrowed, when it is valid. Any other document — one with a problem to
//! report, or JSON the pass does not read exactly as serde_json does — is read
//! as a tree of its known fields and validated from that, and its problems are
//! reported from there; so messages and paths are the same whichever way a
//! document was read. TOML documents are always read as a tree.
//!
//! # Example
//!
//! ```
//! use exportctl_sdk::input::{parse_shipment, read_documents, InputLimits};
//!
//! let file = r#"[
//!   {"id": "SO-1", "date": "2024-05-10",
//!    "exporter": {"name": "Rhein Elektronik GmbH", "country": "de"},
//!    "consignee": {"name": "Astana Tech Supply TOO", "country": "KZ"},
//!    "origin_country": "DE", "destination_country": "KZ",
//!    "lines": [{"line": 1, "description": "microcontroller", "hs_code": "8542.31",
//!               "quantity": 500, "value": {"amount": "4250.00", "currency": "eur"}}]},
//!   {"id": "SO-2"}
//! ]"#;
//! let limits = InputLimits::default();
//! let docs = read_documents(file.as_bytes(), "orders.json", &limits)?;
//! assert_eq!(docs.len(), 2);
//!
//! let first = parse_shipment(&docs[0], None, &limits)?;
//! assert_eq!(first.exporter.country.as_str(), "DE");
//! assert_eq!(first.lines[0].value.currency, "EUR");
//!
//! let err = parse_shipment(&docs[1], None, &limits).unwrap_err();
//! assert_eq!(err.to_string(), "orders.json[1]: shipment `SO-2`: date: required field is missing");
//! # Ok::<(), exportctl_sdk::input::InputError>(())
//! ```
//!
//! # Rules beyond the spec's wording
//!
//! - Unknown fields are ignored (their values are not kept in memory), so a
//!   document written for a later version still reads; their names are kept and
//!   [`Document::unknown_fields`] reports each with its path and the known field
//!   it most likely meant, so a typo never silently drops data. A known field
//!   given twice in one object is an error, since parsers disagree on which copy
//!   wins.
//! - A JSON Lines file is read line by line: a broken line is an error naming
//!   `file:line` ([`read_entries`]), and the other lines are still read.
//! - `null` for an optional field means the field is absent; `null` for a required
//!   field is a type error.
//! - `quantity`, `value.amount` and `us_content_percent` accept a JSON number or a
//!   decimal string (`"4250.00"`); a number is read as the shortest decimal that
//!   round-trips (`0.1` is exactly 0.1). Fractional numbers pass through 64-bit
//!   floats, so beyond about 15 significant digits only a decimal string is exact.
//! - `transit_countries` is not checked against the origin and destination: a
//!   route that repeats them is still a valid route.
//! - Enumerations (`role`, `transport_mode`) are lower-case as in the spec.
//! - Country codes accept `XK` (Kosovo) besides assigned ISO 3166-1 codes.
//! - `region` must be a subdivision of the party's country, or a Ukrainian
//!   subdivision for a party in Russia (Crimea `UA-43` as sanctions lists write it).
//! - Every list holds at most [`InputLimits::max_lines`] entries, every string at
//!   most [`InputLimits::max_text_chars`] characters (the shipment `id` at most
//!   128, names and aliases at most 512).

mod error;
mod one_pass;
mod read;
mod unknown;
mod validate;
mod value;

#[cfg(test)]
mod tests;

pub use error::InputError;
pub use unknown::UnknownField;
pub use validate::country_code;

use crate::Date;
use crate::validated::Shipment;
use one_pass::Checked;
use serde::de::DeserializeSeed;
use std::borrow::Cow;
use value::{SHIPMENT, Seed, Shape, Value};

/// Bounds on what a file may make the reader do.
///
/// Memory use is about the file size plus the known fields of its shipments:
/// unknown fields and over-long strings and lists are not kept (a valid JSON
/// document read in one pass keeps its own text, unless it has unknown fields,
/// in which case only its known fields are kept), and a file keeps
/// at most one value per 8 bytes of `max_file_bytes` (a file packed with tiny
/// values such as `[1,1,1,…]` is refused). At the default 64 MiB that bounds a
/// hostile file to a few hundred MiB; lower `max_file_bytes` where that matters.
///
/// ```
/// use exportctl_sdk::input::InputLimits;
/// let strict = InputLimits { max_file_bytes: 1 << 20, ..InputLimits::default() };
/// assert_eq!(strict.max_lines, 10_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputLimits {
    /// Largest file accepted, in bytes (default 64 MiB). Checked while reading.
    /// Also bounds the values kept from a file: one per 8 bytes of this limit.
    pub max_file_bytes: u64,
    /// Most characters in one free-text field (description, address, names,
    /// references, …; default 4096). Names are also bounded by the spec's 512.
    pub max_text_chars: usize,
    /// Most line items in one shipment (the spec's 10,000), and most entries in
    /// any other list of a shipment.
    pub max_lines: usize,
    /// Most shipments in one file (default 100,000).
    pub max_documents: usize,
    /// Deepest nesting of arrays and objects (default 64). JSON and TOML parsers
    /// stop at 128 and 80 levels whatever this says.
    pub max_depth: usize,
}

impl Default for InputLimits {
    fn default() -> Self {
        InputLimits {
            max_file_bytes: 64 << 20,
            max_text_chars: 4096,
            max_lines: 10_000,
            max_documents: 100_000,
            max_depth: 64,
        }
    }
}

/// One shipment document found in a file, before validation.
///
/// A document read from a file owns its text (`Document<'static>`); one read in
/// place by [`read_json_object`] borrows it from the caller's string, and so does
/// the [`Shipment`] validated from it.
///
/// ```
/// use exportctl_sdk::input::{read_documents, InputLimits};
/// let text = "{\"id\": \"SO-1\"}\n{\"id\": \"SO-2\"}\n";
/// let docs = read_documents(text.as_bytes(), "day.jsonl", &InputLimits::default()).unwrap();
/// assert_eq!(docs[1].origin, "day.jsonl:2");
/// assert_eq!(docs[1].shipment_id(), Some("SO-2"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Document<'a> {
    /// Where the document is: `file.json` (the whole file), `file.json[2]` (index in
    /// a JSON array or TOML `[[shipment]]` list, from 0) or `file.jsonl:7` (line of a
    /// JSON Lines file, from 1).
    pub origin: String,
    body: Body<'a>,
}

/// What a reader made of a document.
#[derive(Debug, Clone, PartialEq)]
enum Body<'a> {
    /// The known fields, as parsed (always a `Value::Record`), for the validator.
    Tree(Value<'a>),
    /// A JSON object read and validated in one pass (`one_pass`).
    Checked(Box<OnePass<'a>>),
}

/// A document read in one pass, with what it was read from and under which
/// limits, so that the tree can be rebuilt when it is needed: to name the
/// fields the format does not know, or to validate under stricter limits.
#[derive(Debug, Clone, PartialEq)]
struct OnePass<'a> {
    text: Cow<'a, str>,
    limits: InputLimits,
    checked: Checked<'a>,
}

impl OnePass<'_> {
    /// The tree the two-step reader builds from the same text and limits.
    fn tree(&self) -> Value<'_> {
        let caps = read::caps(&self.limits);
        // The value budget was applied when the document was read.
        caps.values_left.set(usize::MAX);
        let mut de = serde_json::Deserializer::from_str(&self.text);
        // The text was read with these limits before, so this cannot fail; an
        // empty record (which no validation accepts) stands in if it ever did.
        Seed::new(Shape::Record(SHIPMENT), &caps)
            .deserialize(&mut de)
            .unwrap_or(Value::Record(Vec::new()))
    }

    /// Whether validating under `limits` could refuse what the pass accepted
    /// under the limits it was read with.
    fn stricter(&self, limits: &InputLimits) -> bool {
        limits.max_text_chars < self.limits.max_text_chars
            || limits.max_lines < self.limits.max_lines
    }
}

impl<'a> Document<'a> {
    /// A document a reader read as a tree.
    fn from_tree(origin: String, value: Value<'a>) -> Document<'a> {
        Document {
            origin,
            body: Body::Tree(value),
        }
    }

    /// A JSON object read from `text` in one pass under `limits`.
    fn checked(origin: String, text: &'a str, limits: &InputLimits, checked: Checked<'a>) -> Self {
        let pass = OnePass {
            text: Cow::Borrowed(text),
            limits: *limits,
            checked,
        };
        Document {
            origin,
            body: Body::Checked(Box::new(pass)),
        }
    }
}

impl Document<'_> {
    /// The same document owning its text, to outlive the string it was read from.
    pub fn into_owned(self) -> Document<'static> {
        let body = match self.body {
            Body::Tree(value) => Body::Tree(value.into_owned()),
            // Its unknown fields would be kept with the text: keep the tree, which drops them.
            // Its unknown fields would be kept with the text: keep the tree, which drops them.
            Body::Checked(pass) if pass.checked.unknown_fields => {
                Body::Tree(pass.tree().into_owned())
            }
            Body::Checked(pass) => Body::Checked(Box::new(OnePass {
                text: Cow::Owned(pass.text.into_owned()),
                limits: pass.limits,
                checked: Checked {
                    shipment: pass.checked.shipment.into_owned(),
                    unknown_fields: pass.checked.unknown_fields,
                },
            })),
        };
        Document {
            origin: self.origin,
            body,
        }
    }

    /// The tree the document was read as, if it was.
    #[cfg(test)]
    fn tree(&self) -> Option<&Value<'_>> {
        match &self.body {
            Body::Tree(value) => Some(value),
            Body::Checked(_) => None,
        }
    }

    /// The document's `id`, when it is a valid one (1–128 printable characters),
    /// for reporting a document that fails validation.
    ///
    /// ```
    /// use exportctl_sdk::input::{read_documents, InputLimits};
    /// let docs = read_documents(&b"{\"id\": 17}"[..], "a.json", &InputLimits::default()).unwrap();
    /// assert_eq!(docs[0].shipment_id(), None);
    /// ```
    pub fn shipment_id(&self) -> Option<&str> {
        match &self.body {
            Body::Tree(value) => match value.field("id") {
                Some(Value::Text(id)) if validate::valid_id(id) => Some(id),
                _ => None,
            },
            Body::Checked(pass) => Some(&pass.checked.shipment.id),
        }
    }

    /// The fields of the document that the format does not know, with their
    /// paths and the known field each most likely meant. They do not stop the
    /// document from being read (a later version of the format may add fields);
    /// a reader reports them, or refuses the document in a strict mode.
    pub fn unknown_fields(&self) -> Vec<UnknownField> {
        match &self.body {
            Body::Tree(value) => unknown::unknown_fields(value),
            Body::Checked(pass) if pass.checked.unknown_fields => {
                unknown::unknown_fields(&pass.tree())
            }
            Body::Checked(_) => Vec::new(),
        }
    }
}

/// How to read a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// By the file name: `.toml` is TOML, `.jsonl`/`.ndjson` JSON Lines, anything
    /// else (standard input included) JSON — one object, an array, or JSON Lines.
    #[default]
    Auto,
    /// JSON: one object, an array of objects, or JSON Lines.
    Json,
    /// JSON Lines: one object a line.
    JsonLines,
    /// TOML: one shipment, or several as `[[shipment]]` tables.
    Toml,
}

/// Splits a file into shipment documents and broken JSON Lines lines.
///
/// Like [`read_documents`], but a line of a JSON Lines file that is not a
/// shipment object does not stop the file: it becomes an `Err` entry naming
/// `file:line`, in its place among the documents. Errors of the whole file
/// (unreadable, invalid UTF-8, too large, a JSON or TOML syntax error outside
/// JSON Lines) are still returned as the outer error.
///
/// ```
/// use exportctl_sdk::input::{read_entries, InputFormat, InputLimits};
/// let text = "{\"id\": \"SO-1\"}\n{\"id\": \n{\"id\": \"SO-3\"}\n";
/// let entries = read_entries(text.as_bytes(), "day.jsonl", InputFormat::Auto, &InputLimits::default()).unwrap();
/// assert_eq!(entries.len(), 3);
/// assert_eq!(entries[1].as_ref().unwrap_err().to_string(), "day.jsonl:2:7: EOF while parsing a value");
/// assert_eq!(entries[2].as_ref().unwrap().origin, "day.jsonl:3");
/// ```
pub fn read_entries(
    reader: impl std::io::Read,
    name: &str,
    format: InputFormat,
    limits: &InputLimits,
) -> Result<Vec<Result<Document<'static>, InputError>>, InputError> {
    read::read_entries(reader, name, format, limits)
}

/// Reads one line of a JSON Lines file (`number` from 1) as [`read_entries`]
/// reads each line of a whole file: the same document and origin
/// (`file.jsonl:7`), or the same error naming `file:line:column`. A reader
/// that streams a file line by line uses it, so that a file of any length is
/// read in bounded memory; the caller skips blank lines, and the limits of a
/// whole file (size, shipments) are its own to apply.
///
/// ```
/// use exportctl_sdk::input::{read_json_line, InputLimits};
/// let limits = InputLimits::default();
/// let doc = read_json_line("{\"id\": \"SO-7\"}", "day.jsonl", 7, &limits).unwrap();
/// assert_eq!((doc.origin.as_str(), doc.shipment_id()), ("day.jsonl:7", Some("SO-7")));
/// let err = read_json_line("{\"id\": ", "day.jsonl", 2, &limits).unwrap_err();
/// assert_eq!(err.to_string(), "day.jsonl:2:7: EOF while parsing a value");
/// ```
pub fn read_json_line(
    line: &str,
    name: &str,
    number: usize,
    limits: &InputLimits,
) -> Result<Document<'static>, InputError> {
    read::read_json_line(line, name, number, limits).map(Document::into_owned)
}

/// Reads one JSON shipment object in place: the document, and the shipment
/// validated from it, borrow their text from `text` instead of copying it. The
/// fastest way from one JSON document (a request body, a message) to a
/// [`Shipment`]; errors name `origin` as [`read_documents`] names a file.
///
/// ```
/// use exportctl_sdk::input::{parse_shipment, read_json_object, InputLimits};
/// let limits = InputLimits::default();
/// let text = r#"{"id": "SO-7", "date": "2024-05-10",
///   "exporter": {"name": "Rhein Elektronik GmbH", "country": "DE"},
///   "consignee": {"name": "Astana Tech Supply TOO", "country": "KZ"},
///   "origin_country": "DE", "destination_country": "KZ",
///   "lines": [{"line": 1, "description": "microcontroller", "hs_code": "8542.31",
///              "quantity": 500, "value": {"amount": "4250.00", "currency": "EUR"}}]}"#;
/// let doc = read_json_object(text, "request", &limits)?;
/// let shipment = parse_shipment(&doc, None, &limits)?;
/// assert_eq!(shipment.exporter.name, "Rhein Elektronik GmbH");
/// let err = read_json_object("[]", "request", &limits).unwrap_err();
/// assert_eq!(err.to_string(), "request: expected a shipment object, found an array");
/// # Ok::<(), exportctl_sdk::input::InputError>(())
/// ```
pub fn read_json_object<'a>(
    text: &'a str,
    origin: &str,
    limits: &InputLimits,
) -> Result<Document<'a>, InputError> {
    read::read_json_object(text, origin, limits)
}

/// Reads one shipment that a reader of another format (the rows of an ERP
/// CSV file) has built as a JSON value in the shape of `shipment.md`: the
/// same document, with the same limits and errors, as the JSON readers give,
/// named `origin` (e.g. `orders.csv:rows 4–7`) in every error about it.
///
/// ```
/// use exportctl_sdk::input::{parse_shipment, read_json_value, InputLimits};
/// let limits = InputLimits::default();
/// let value = serde_json::json!({"id": "SO-7", "date": "2024-05-10"});
/// let doc = read_json_value(&value, "orders.csv:rows 4–7", &limits).unwrap();
/// assert_eq!((doc.origin.as_str(), doc.shipment_id()), ("orders.csv:rows 4–7", Some("SO-7")));
/// let err = parse_shipment(&doc, None, &limits).unwrap_err();
/// assert_eq!(err.to_string(), "orders.csv:rows 4–7: shipment `SO-7`: exporter: required field is missing");
/// ```
pub fn read_json_value(
    value: &serde_json::Value,
    origin: &str,
    limits: &InputLimits,
) -> Result<Document<'static>, InputError> {
    read::read_json_value(value, origin, limits).map(Document::into_owned)
}

/// Splits a file into shipment documents.
///
/// The format is chosen by `name`: `.toml` is TOML (one shipment as the top-level
/// table, or several as `[[shipment]]` tables), `.jsonl` and `.ndjson` are JSON
/// Lines, anything else is JSON: one object, an array of objects, or JSON Lines
/// (one object a line, recognised when the first line holds one complete value).
/// A UTF-8 byte order mark is skipped. Invalid UTF-8, syntax errors, nesting deeper
/// than [`InputLimits::max_depth`], a file larger than
/// [`InputLimits::max_file_bytes`], more than [`InputLimits::max_documents`]
/// documents and a file with no document are errors naming the file (and line and
/// column where known).
///
/// ```
/// use exportctl_sdk::input::{read_documents, InputLimits};
/// let err = read_documents(&b"{\"id\": \"SO-1\",\n  \"date\": }"[..], "a.json", &InputLimits::default())
///     .unwrap_err();
/// assert_eq!(err.to_string(), "a.json:2:11: expected value");
/// ```
pub fn read_documents(
    reader: impl std::io::Read,
    name: &str,
    limits: &InputLimits,
) -> Result<Vec<Document<'static>>, InputError> {
    read::read_entries(reader, name, InputFormat::Auto, limits)?
        .into_iter()
        .collect()
}

/// Validates and normalises one document.
///
/// `as_of` sets [`Shipment::as_of`], the date whose law applies; it defaults to
/// the shipment's `date`. The first problem found is returned, naming the
/// document's origin, its id and the field path; [`parse_shipment_all`] returns
/// every problem. The shipment borrows its text from the document
/// ([`Shipment::into_owned`] copies it out).
///
/// ```
/// use exportctl_sdk::{input::{parse_shipment, read_documents, InputLimits}, Date};
/// let text = r#"{"id": "SO-1", "date": "2024-05-10",
///   "exporter": {"name": "Rhein Elektronik GmbH", "country": "DE"},
///   "consignee": {"name": "Astana Tech Supply TOO", "country": "KZ"},
///   "origin_country": "DE", "destination_country": "KZ",
///   "lines": [{"line": 1, "description": "microcontroller", "hs_code": "8542 31",
///              "quantity": 500, "value": {"amount": 4250, "currency": "EUR"}}]}"#;
/// let limits = InputLimits::default();
/// let docs = read_documents(text.as_bytes(), "so-1.json", &limits)?;
/// let s = parse_shipment(&docs[0], Some(Date::ymd(2025, 1, 1)), &limits)?;
/// assert_eq!((s.date, s.as_of), (Date::ymd(2024, 5, 10), Date::ymd(2025, 1, 1)));
/// assert_eq!(s.lines[0].hs_code.as_str(), "854231");
/// # Ok::<(), exportctl_sdk::input::InputError>(())
/// ```
pub fn parse_shipment<'d>(
    doc: &'d Document<'_>,
    as_of: Option<Date>,
    limits: &InputLimits,
) -> Result<Shipment<'d>, InputError> {
    parse_shipment_all(doc, as_of, limits).map_err(|mut errors| errors.swap_remove(0))
}

/// Validates and normalises one document, reporting every problem: one error
/// per top-level field that is wrong (the first problem within that field), in
/// document-format order. The list is never empty.
///
/// ```
/// use exportctl_sdk::input::{parse_shipment_all, read_documents, InputLimits};
/// let text = r#"{"id": "SO-1", "date": "10.05.2024", "origin_country": "UK"}"#;
/// let limits = InputLimits::default();
/// let docs = read_documents(text.as_bytes(), "a.json", &limits)?;
/// let errors = parse_shipment_all(&docs[0], None, &limits).unwrap_err();
/// assert_eq!(errors[0].path(), Some("date"));
/// assert!(errors[0].message().ends_with("write dates as YYYY-MM-DD, e.g. 2024-05-10"));
/// assert!(errors.iter().any(|e| e.message().contains("the United Kingdom is `GB`")));
/// assert!(errors.iter().any(|e| e.path() == Some("lines")));
/// # Ok::<(), exportctl_sdk::input::InputError>(())
/// ```
pub fn parse_shipment_all<'d>(
    doc: &'d Document<'_>,
    as_of: Option<Date>,
    limits: &InputLimits,
) -> Result<Shipment<'d>, Vec<InputError>> {
    let validated = match &doc.body {
        Body::Tree(value) => validate::shipment(value, as_of, limits),
        Body::Checked(pass) if !pass.stricter(limits) => {
            let mut shipment = pass.checked.shipment.reborrow();
            shipment.as_of = as_of.unwrap_or(shipment.date);
            return Ok(shipment);
        }
        Body::Checked(pass) => {
            validate::shipment(&pass.tree(), as_of, limits).map(Shipment::into_owned)
        }
    };
    validated.map_err(|issues| {
        issues
            .into_iter()
            .map(|issue| {
                InputError::field(&doc.origin, doc.shipment_id(), issue.path, issue.message)
            })
            .collect()
    })
}

/// The origin [`Shipment::from_json`] reports in errors.
const FROM_JSON: &str = "<json>";

impl Shipment<'static> {
    /// Reads and validates one shipment from a JSON object, with the default
    /// [`InputLimits`] and `as_of` equal to the shipment's date. For policy tests
    /// and tools; files with several shipments go through [`read_documents`].
    ///
    /// Available with the `input` feature.
    ///
    /// ```
    /// use exportctl_sdk::{validated::Shipment, Country};
    /// let s = Shipment::from_json(r#"{
    ///   "id": "SO-2024-00017", "date": "2024-05-10",
    ///   "exporter": {"name": "Rhein Elektronik GmbH", "country": "DE"},
    ///   "consignee": {"name": "Astana Tech Supply TOO", "country": "kz"},
    ///   "origin_country": "DE", "destination_country": "KZ",
    ///   "lines": [{"line": 1, "description": "ARM Cortex-M4 microcontroller",
    ///              "hs_code": "8542.31", "control_codes": ["3A991.a"], "quantity": 500,
    ///              "value": {"amount": "4250.00", "currency": "EUR"}}]
    /// }"#)?;
    /// assert_eq!(s.consignee.country, Country::KZ);
    /// assert_eq!(s.as_of, s.date);
    /// # Ok::<(), exportctl_sdk::input::InputError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Shipment<'static>, InputError> {
        let limits = InputLimits::default();
        let doc = read::read_json_object(text, FROM_JSON, &limits)
            .map_err(|e| read::one_object_expected(e, FROM_JSON))?;
        parse_shipment(&doc, None, &limits).map(Shipment::into_owned)
    }
}

impl crate::Shipment<'static> {
    /// Reads and validates one shipment from a JSON object, as
    /// [`validated::Shipment::from_json`](crate::validated::Shipment::from_json) does,
    /// and writes it in the wire format a policy reads: the shipment a policy test
    /// hands to its rules.
    ///
    /// Available with the `input` feature.
    ///
    /// ```
    /// use exportctl_sdk::{Country, Shipment};
    /// let s = Shipment::from_json(r#"{
    ///   "id": "SO-2024-00017", "date": "2024-05-10",
    ///   "exporter": {"name": "Rhein Elektronik GmbH", "country": "DE"},
    ///   "consignee": {"name": "Astana Tech Supply TOO", "country": "kz"},
    ///   "origin_country": "DE", "destination_country": "KZ",
    ///   "lines": [{"line": 1, "description": "ARM Cortex-M4 microcontroller",
    ///              "hs_code": "8542.31", "control_codes": ["3A991.a"], "quantity": 500,
    ///              "value": {"amount": "4250.00", "currency": "EUR"}}]
    /// }"#)?;
    /// assert_eq!(s.consignee().country(), Country::KZ);
    /// let hs = s.lines().first().map(|l| l.hs_code());
    /// assert_eq!(hs.as_ref().map(|hs| hs.subheading()), Some("854231"));
    /// # Ok::<(), exportctl_sdk::input::InputError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<crate::Shipment<'static>, InputError> {
        Shipment::from_json(text)?.to_view()
    }
}

impl Shipment<'_> {
    /// The shipment as a policy reads it: written in the wire format and read back.
    pub fn to_view(&self) -> Result<crate::Shipment<'static>, InputError> {
        self.to_wire()
            .and_then(crate::Shipment::from_wire_owned)
            .map_err(|e| InputError::field(FROM_JSON, Some(&self.id), String::new(), e.to_string()))
    }
}
