//! How `batch --nats` cuts its inputs into pieces: every entry in input order
//! (invalid ones reported here, as `batch` reports them), at most `--chunk`
//! entries a piece, and the valid documents of a piece as the chunk sent to
//! the workers, with the JSON text they were read from.
//!
//! JSON Lines files are streamed as `batch` streams them; other inputs are
//! read whole, as `check` reads them, and each document's text is found by its
//! origin (`file.json`, `file.json[2]`, `file.json:7`). TOML documents are not
//! sent: the workers read JSON.

use super::chunk::Item;
use crate::cli::batch_input::{Entry, Reading, read_each, streams};
use exportctl::InvalidInput;
use exportctl_sdk::input::{self, InputFormat, InputLimits};
use serde_json::value::RawValue;
use std::io::Read;
use tokio::sync::mpsc;

/// Bytes a chunk message spends on an item besides its document.
const ITEM_OVERHEAD: usize = 64;

/// Consecutive inputs, in order.
pub(super) struct Piece {
    /// The piece's number, from 0; its chunk has the same number.
    pub seq: u64,
    /// Every input of the piece.
    pub slots: Vec<Slot>,
    /// The documents sent to the workers (none: nothing is sent).
    pub items: Vec<Item>,
}

/// One input of a piece.
pub(super) enum Slot {
    /// Not a document: every problem, one per line.
    Invalid(Vec<String>),
    /// Sent to the workers as the item of this index.
    Sent {
        /// The item's index.
        index: u64,
        /// Where it was read.
        origin: String,
    },
}

/// Cuts inputs into pieces and hands each to the publisher.
pub(super) struct Pieces {
    size: usize,
    budget: usize,
    tx: mpsc::Sender<Piece>,
    piece: Piece,
    bytes: usize,
    index: u64,
}

impl Pieces {
    /// Pieces of at most `size` inputs and about `budget` bytes of documents.
    pub(super) fn new(size: usize, budget: usize, tx: mpsc::Sender<Piece>) -> Pieces {
        Pieces {
            size,
            budget,
            tx,
            piece: Piece {
                seq: 0,
                slots: Vec::new(),
                items: Vec::new(),
            },
            bytes: 0,
            index: 0,
        }
    }

    /// Reads one input; false once the publisher has stopped.
    pub(super) fn read(&mut self, file: &str, reading: &Reading, limits: &InputLimits) -> bool {
        if reading.csv(file) {
            // The workers read the shipment format's JSON; an ERP CSV file is one
            // invalid input here, named, rather than a silent skip.
            let origin = file.to_owned();
            let source = std::io::Error::other(
                "batch --nats sends JSON documents to its workers; judge ERP CSV with a local batch",
            );
            return self.push(Err(InvalidInput::Unreadable { origin, source }), None);
        }
        let format = reading.format();
        if streams(file, format) {
            return read_each(file, reading, limits, &|_| {}, &mut |entry, text| {
                self.push(entry, text.map(|t| t.strip_prefix('\u{feff}').unwrap_or(t)))
            });
        }
        let name = if file == "-" { "<stdin>" } else { file };
        let bytes = match read_whole(file, limits) {
            Ok(bytes) => bytes,
            Err(source) => {
                let origin = file.to_owned();
                return self.push(Err(InvalidInput::Unreadable { origin, source }), None);
            }
        };
        let entries = match input::read_entries(&bytes[..], name, format, limits) {
            Ok(entries) => entries,
            Err(e) => return self.push(Err(InvalidInput::Read(e)), None),
        };
        let texts = Texts::of(&bytes, name, is_toml(file, format));
        for entry in entries {
            let entry = entry.map_err(InvalidInput::Read);
            let text = entry.as_ref().ok().and_then(|doc| texts.get(&doc.origin));
            if !self.push(entry, text) {
                return false;
            }
        }
        true
    }

    /// Sends the last piece.
    pub(super) fn finish(mut self) {
        if !self.piece.slots.is_empty() {
            self.send();
        }
    }

    fn push(&mut self, entry: Entry, text: Option<&str>) -> bool {
        let index = self.index;
        self.index += 1;
        let slot = match (entry, text) {
            (Err(invalid), _) => Slot::Invalid(invalid.messages()),
            (Ok(doc), None) => Slot::Invalid(vec![format!(
                "{}: batch --nats sends JSON documents to its workers; give this one as JSON or JSON Lines",
                doc.origin
            )]),
            (Ok(doc), Some(text))
                if text.len() + doc.origin.len() + ITEM_OVERHEAD > self.budget =>
            {
                Slot::Invalid(vec![format!(
                    "{}: {} bytes, more than one message to the workers may carry ({} bytes)",
                    doc.origin,
                    text.len(),
                    self.budget
                )])
            }
            (Ok(doc), Some(text)) => match RawValue::from_string(text.to_owned()) {
                Ok(document) => {
                    let cost = text.len() + doc.origin.len() + ITEM_OVERHEAD;
                    if self.bytes + cost > self.budget && !self.send() {
                        return false;
                    }
                    self.bytes += cost;
                    self.piece.items.push(Item {
                        index,
                        origin: doc.origin.clone(),
                        document,
                    });
                    Slot::Sent {
                        index,
                        origin: doc.origin,
                    }
                }
                Err(e) => Slot::Invalid(vec![format!("{}: {e}", doc.origin)]),
            },
        };
        self.piece.slots.push(slot);
        if self.piece.slots.len() >= self.size {
            return self.send();
        }
        true
    }

    /// Hands the piece over (waiting while the publisher is busy); false once
    /// the publisher has stopped.
    fn send(&mut self) -> bool {
        let seq = self.piece.seq;
        let piece = std::mem::replace(
            &mut self.piece,
            Piece {
                seq: seq + 1,
                slots: Vec::new(),
                items: Vec::new(),
            },
        );
        self.bytes = 0;
        self.tx.blocking_send(piece).is_ok()
    }
}

/// Reads a whole input (a file or standard input), at most as much as `check` reads.
fn read_whole(file: &str, limits: &InputLimits) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let take = limits.max_file_bytes + 1;
    if file == "-" {
        std::io::stdin().lock().take(take).read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(file)?
            .take(take)
            .read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

fn is_toml(file: &str, format: InputFormat) -> bool {
    match format {
        InputFormat::Toml => true,
        InputFormat::Auto => file.to_ascii_lowercase().ends_with(".toml"),
        InputFormat::Json | InputFormat::JsonLines => false,
    }
}

/// The JSON text of each document of a file read whole, by origin.
enum Texts<'a> {
    /// TOML, or not UTF-8: no JSON text.
    None,
    /// One object: `name`.
    Whole(&'a str, &'a str),
    /// An array: `name[i]`.
    Array(&'a str, Vec<&'a RawValue>),
    /// JSON Lines: `name:line`.
    Lines(&'a str, Vec<&'a str>),
}

impl<'a> Texts<'a> {
    fn of(bytes: &'a [u8], name: &'a str, toml: bool) -> Texts<'a> {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Texts::None;
        };
        if toml {
            return Texts::None;
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match serde_json::from_str::<&RawValue>(text) {
            Ok(value) if value.get().starts_with('[') => {
                match serde_json::from_str::<Vec<&RawValue>>(value.get()) {
                    Ok(items) => Texts::Array(name, items),
                    Err(_) => Texts::None,
                }
            }
            Ok(value) => Texts::Whole(name, value.get()),
            Err(_) => Texts::Lines(name, text.lines().collect()),
        }
    }

    fn get(&self, origin: &str) -> Option<&'a str> {
        match self {
            Texts::None => None,
            Texts::Whole(name, text) => (origin == *name).then_some(*text),
            Texts::Array(name, items) => {
                let i: usize = origin
                    .strip_prefix(*name)?
                    .strip_prefix('[')?
                    .strip_suffix(']')?
                    .parse()
                    .ok()?;
                items.get(i).map(|v| v.get())
            }
            Texts::Lines(name, lines) => {
                let n: usize = origin
                    .strip_prefix(*name)?
                    .strip_prefix(':')?
                    .parse()
                    .ok()?;
                let line = lines.get(n.checked_sub(1)?)?;
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_document_of_a_whole_file_has_its_text() {
        let array = br#"[{"id": "A"}, {"id": "B",
  "x": 1}]"#;
        let texts = Texts::of(array, "a.json", false);
        assert_eq!(texts.get("a.json[1]"), Some("{\"id\": \"B\",\n  \"x\": 1}"));
        assert_eq!(texts.get("a.json[2]"), None);
        let lines = b"{\"id\": \"A\"}\r\n\n{\"id\": \"C\"}\n";
        let texts = Texts::of(lines, "b.json", false);
        assert_eq!(texts.get("b.json:3"), Some("{\"id\": \"C\"}"));
        assert_eq!(texts.get("b.json:1"), Some("{\"id\": \"A\"}"));
        let one = b"\xef\xbb\xbf{\"id\": \"A\"}";
        assert_eq!(Texts::of(one, "-", false).get("-"), Some("{\"id\": \"A\"}"));
        assert_eq!(Texts::of(b"id = \"A\"", "c.toml", true).get("c.toml"), None);
    }
}
