//! Splitting a file into shipment documents: JSON (one object or an array),
//! JSON Lines, or TOML.

use super::value::{Caps, SHIPMENT, Seed, Shape, TOO_MANY_VALUES, UNKNOWN_FIELD, Value};
use super::{Document, InputError, InputFormat, InputLimits, one_pass};
use serde::de::DeserializeSeed;
use std::cell::Cell;
use std::io::Read;

const BOM: &str = "\u{feff}";

/// One entry of a file: a shipment document, or a JSON Lines line that could not
/// be read (the other lines are still read).
pub(crate) type Entry<'a> = Result<Document<'a>, InputError>;

pub(crate) fn read_entries(
    reader: impl Read,
    name: &str,
    format: InputFormat,
    limits: &InputLimits,
) -> Result<Vec<Entry<'static>>, InputError> {
    let bytes = read_bounded(reader, name, limits.max_file_bytes)?;
    let text = decode(&bytes, name)?;
    let caps = caps(limits);
    let format = match format {
        InputFormat::Auto if has_extension(name, &["toml"]) => InputFormat::Toml,
        InputFormat::Auto if has_extension(name, &["jsonl", "ndjson"]) => InputFormat::JsonLines,
        other => other,
    };
    let entries = match format {
        InputFormat::Toml => ok_all(read_toml(text, name, &caps)?),
        InputFormat::JsonLines => read_json_lines(text, name, &caps, limits)?,
        InputFormat::Auto | InputFormat::Json => read_json(text, name, &caps, limits)
            .map_err(|e| with_toml_hint(e, text, format == InputFormat::Auto))?,
    };
    if entries.is_empty() {
        return Err(InputError::file(name, "no shipment found"));
    }
    // The documents outlive the file's bytes: they take their text with them.
    Ok(entries
        .into_iter()
        .map(|entry| entry.map(Document::into_owned))
        .collect())
}

fn ok_all(documents: Vec<Document<'_>>) -> Vec<Entry<'_>> {
    documents.into_iter().map(Ok).collect()
}

/// A JSON syntax error on text that parses as TOML: say so, since a file whose
/// name does not end in `.toml` (standard input) is read as JSON.
fn with_toml_hint(e: InputError, text: &str, auto: bool) -> InputError {
    let looks_toml =
        !text.trim_start().starts_with(['{', '[']) || text.trim_start().starts_with("[[");
    if auto && looks_toml && toml::from_str::<toml::Table>(text).is_ok() {
        e.with_hint("this looks like TOML, which is read only from files ending in `.toml` or with `--input-format toml`")
    } else {
        e
    }
}

pub(crate) fn caps(limits: &InputLimits) -> Caps {
    Caps {
        // The id's 128 characters are checked even with a smaller text limit.
        text: limits.max_text_chars.max(128),
        list: limits.max_lines,
        documents: limits.max_documents,
        depth: limits.max_depth,
        values_left: Cell::new(value_budget(limits.max_file_bytes)),
    }
}

/// Values kept per file: one per 8 bytes of the size limit. Compact JSON
/// shipments take about 16 bytes per value, so only a file that is both near
/// the limit and packed with tiny values (`[1,1,1,…]`) reaches it.
fn value_budget(max_file_bytes: u64) -> usize {
    usize::try_from(max_file_bytes / 8)
        .unwrap_or(usize::MAX)
        .max(1024)
}

fn has_extension(name: &str, extensions: &[&str]) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| extensions.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

/// Reads at most `max + 1` bytes, so an oversized file is refused without
/// reading (or holding) more of it.
fn read_bounded(reader: impl Read, name: &str, max: u64) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::file(name, format!("cannot read: {e}")))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max {
        return Err(InputError::file(
            name,
            format!("file is larger than the limit of {max} bytes"),
        ));
    }
    Ok(bytes)
}

fn decode<'b>(bytes: &'b [u8], name: &str) -> Result<&'b str, InputError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix(BOM).unwrap_or(text)),
        Err(e) => {
            let (line, column) = line_column(bytes, e.valid_up_to());
            let hint = if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
                " (the file looks like UTF-16; save it as UTF-8)"
            } else {
                ""
            };
            Err(InputError::at(
                name,
                line,
                column,
                format!("invalid UTF-8{hint}"),
            ))
        }
    }
}

/// 1-based line and byte column of a byte offset.
fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, offset - line_start + 1)
}

fn json_error(name: &str, e: &serde_json::Error, first_line: usize) -> InputError {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = one_line(message.strip_suffix(&suffix).unwrap_or(&message));
    if e.line() == 0 {
        return InputError::file(name, message);
    }
    InputError::at(name, e.line() + first_line - 1, e.column(), message)
}

/// A parser's message as one line, since every error renders as one line.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A document must be a shipment object.
fn document(origin: String, value: Value<'_>) -> Result<Document<'_>, InputError> {
    match value {
        Value::Record(_) => Ok(Document::from_tree(origin, value)),
        other => Err(InputError::file(
            &origin,
            format!("expected a shipment object, found {}", other.kind_name()),
        )),
    }
}

fn read_json<'a>(
    text: &'a str,
    name: &str,
    caps: &Caps,
    limits: &InputLimits,
) -> Result<Vec<Entry<'a>>, InputError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    // The usual file, one valid shipment object, in one pass.
    if let Some(checked) = one_pass::read(text, caps, limits) {
        return Ok(vec![Ok(Document::checked(
            name.to_owned(),
            text,
            limits,
            checked,
        ))]);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Seed::new(Shape::JsonRoot, caps)
        .deserialize(&mut de)
        .map_err(|e| json_error(name, &e, 1))?;
    if let Err(e) = de.end() {
        // More after the first value: JSON Lines, if the first value fits on its
        // line; otherwise garbage after a (pretty-printed) document.
        if first_line_is_one_value(text, caps) {
            return read_json_lines(text, name, caps, limits);
        }
        return Err(json_error(name, &e, 1));
    }
    let documents = match value {
        Value::List(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| document(format!("{name}[{i}]"), item))
            .collect::<Result<_, _>>()?,
        value => vec![document(name.to_owned(), value)?],
    };
    Ok(ok_all(documents))
}

fn first_line_is_one_value(text: &str, caps: &Caps) -> bool {
    let Some(line) = text.lines().find(|l| !l.trim().is_empty()) else {
        return false;
    };
    let mut de = serde_json::Deserializer::from_str(line);
    Seed::new(Shape::Skip, caps).deserialize(&mut de).is_ok() && de.end().is_ok()
}

/// One line of a JSON Lines file, numbered from 1, as [`read_json_lines`]
/// reads it; for a reader that streams a file line by line.
pub(crate) fn read_json_line<'a>(
    line: &'a str,
    name: &str,
    number: usize,
    limits: &InputLimits,
) -> Entry<'a> {
    let caps = caps(limits);
    let line = if number == 1 {
        line.strip_prefix(BOM).unwrap_or(line)
    } else {
        line
    };
    let at = Place {
        name,
        line: number,
        origin: format!("{name}:{number}"),
    };
    object(line, at, Shape::Record(SHIPMENT), &caps, limits)
}

/// Where an object is, for its document and its errors.
pub(crate) struct Place<'n> {
    /// The file, or the origin of a request, as errors name it.
    pub name: &'n str,
    /// The line of the file the object starts on, from 1.
    pub line: usize,
    /// The document's origin.
    pub origin: String,
}

/// One JSON shipment object (a request, a line of a file): read in one pass
/// when it is a valid shipment (`one_pass`), otherwise as the tree the
/// validator reports on. `shape` is what the tree reader expects at its top.
fn object<'a>(
    text: &'a str,
    at: Place<'_>,
    shape: Shape,
    caps: &Caps,
    limits: &InputLimits,
) -> Entry<'a> {
    match one_pass::read(text, caps, limits) {
        Some(checked) => Ok(Document::checked(at.origin, text, limits, checked)),
        None => tree_object(text, at, shape, caps),
    }
}

/// One JSON object read as a tree, as the two-step reader reads it.
pub(crate) fn tree_object<'a>(
    text: &'a str,
    at: Place<'_>,
    shape: Shape,
    caps: &Caps,
) -> Entry<'a> {
    let mut de = serde_json::Deserializer::from_str(text);
    Seed::new(shape, caps)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| json_error(at.name, &e, at.line))
        .and_then(|value| document(at.origin, value))
}

/// One shipment built as a JSON value by a reader of another format (a
/// table's rows), read as a JSON Lines line is: the same fields, limits and
/// errors, under `origin`.
pub(crate) fn read_json_value<'a>(
    value: &'a serde_json::Value,
    origin: &str,
    limits: &InputLimits,
) -> Entry<'a> {
    let caps = caps(limits);
    Seed::new(Shape::Record(SHIPMENT), &caps)
        .deserialize(value)
        .map_err(|e| InputError::file(origin, one_line(&e.to_string())))
        .and_then(|value| document(origin.to_owned(), value))
}

/// One JSON object read in place: its text stays borrowed from `text`.
pub(crate) fn read_json_object<'a>(
    text: &'a str,
    origin: &str,
    limits: &InputLimits,
) -> Result<Document<'a>, InputError> {
    if u64::try_from(text.len()).unwrap_or(u64::MAX) > limits.max_file_bytes {
        return Err(InputError::file(
            origin,
            format!(
                "file is larger than the limit of {} bytes",
                limits.max_file_bytes
            ),
        ));
    }
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let at = Place {
        name: origin,
        line: 1,
        origin: origin.to_owned(),
    };
    object(text, at, Shape::JsonRoot, &caps(limits), limits)
}

/// [`read_json_object`]'s refusal of an array, as a caller that wants exactly one
/// shipment words it.
pub(crate) fn one_object_expected(e: InputError, origin: &str) -> InputError {
    if e.message()
        .starts_with("expected a shipment object, found an array")
    {
        InputError::file(origin, "expected one shipment object")
    } else {
        e
    }
}

/// Every line is read on its own: a line that is not a shipment object becomes an
/// error entry naming `file:line`, and the lines after it are still read.
fn read_json_lines<'a>(
    text: &'a str,
    name: &str,
    caps: &Caps,
    limits: &InputLimits,
) -> Result<Vec<Entry<'a>>, InputError> {
    let mut documents = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let number = i + 1;
        if documents.len() >= caps.documents {
            return Err(InputError::at(
                name,
                number,
                1,
                format!("more than {} shipments in one file", caps.documents),
            ));
        }
        let at = Place {
            name,
            line: number,
            origin: format!("{name}:{number}"),
        };
        let entry = object(line, at, Shape::Record(SHIPMENT), caps, limits);
        if let Err(e) = &entry
            && e.message() == TOO_MANY_VALUES
        {
            // A limit of the whole file stops it, whichever line reached it.
            return Err(e.clone());
        }
        documents.push(entry);
    }
    Ok(documents)
}

/// A TOML file holds one shipment as its top-level table, or several as
/// `[[shipment]]` tables (origins `file.toml[0]`, `file.toml[1]`, …).
fn read_toml<'a>(text: &'a str, name: &str, caps: &Caps) -> Result<Vec<Document<'a>>, InputError> {
    let toml_error = |e: toml::de::Error| match e.span() {
        Some(span) => {
            let (line, column) = line_column(text.as_bytes(), span.start);
            InputError::at(name, line, column, one_line(e.message()))
        }
        None => InputError::file(name, one_line(e.message())),
    };
    let de = toml::de::Deserializer::parse(text).map_err(toml_error)?;
    let root = Seed::new(Shape::TomlRoot, caps)
        .deserialize(de)
        .map_err(toml_error)?;
    let Value::Record(mut fields) = root else {
        return Err(InputError::file(
            name,
            format!("expected a table, found {}", root.kind_name()),
        ));
    };
    let Some(at) = fields.iter().position(|(key, _)| *key == "shipment") else {
        // No known field at all: not a shipment (an empty or unrelated file).
        return Ok(if fields.iter().all(|(key, _)| *key == UNKNOWN_FIELD) {
            Vec::new()
        } else {
            vec![document(name.to_owned(), Value::Record(fields))?]
        });
    };
    let (_, shipments) = fields.swap_remove(at);
    // Shipment fields next to `[[shipment]]` would form a document nobody checks.
    if let Some((key, _)) = fields.iter().find(|(key, _)| *key != UNKNOWN_FIELD) {
        return Err(InputError::file(
            name,
            format!(
                "top-level field `{key}` next to [[shipment]] tables; put each shipment in its own [[shipment]] table"
            ),
        ));
    }
    match shipments {
        Value::List(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| document(format!("{name}[{i}]"), item))
            .collect(),
        other => Err(InputError::file(
            name,
            format!(
                "`shipment` must be an array of tables ([[shipment]]), found {}",
                other.kind_name()
            ),
        )),
    }
}
