//! ERP flat CSV input for `exportctl batch` (`sdk/spec/erp-csv.md`, version 1):
//! one row per line item, shipment-level columns repeated, the rows of one
//! shipment consecutive.
//!
//! A file is read twice, both times streamed: a first pass reads only the
//! `document_number` of each row, to count the shipments (for the progress
//! bar) and to find a shipment whose rows other rows split. Only then can the
//! second pass refuse every part of such a shipment, instead of judging its
//! first part before the rest turns up. The second pass gathers one
//! shipment's rows at a time, builds the JSON value of `shipment.md` and hands
//! it to the SDK's reader, so every check and error after that is the JSON
//! reader's, under the origin `file.csv:rows 4–7`; it validates the shipment
//! too, to name the row and column of each field error. Memory holds one
//! shipment's rows and, from the first pass, each shipment id (not each row).

mod columns;
mod document;
mod error;
mod header;
mod locate;
pub(super) mod mapping;

use super::batch_input::Entry;
use document::Row;
use error::{At, CsvError, What};
use exportctl::InvalidInput;
use exportctl_sdk::input::{self, InputLimits};
use header::Header;
use mapping::Mapping;
use std::cell::Cell;
use std::collections::HashMap;
use std::io::{self, Read};
use std::rc::Rc;

/// How CSV files are read: the mapping (`--mapping`) and the delimiter.
#[derive(Debug)]
pub(super) struct CsvOptions {
    pub(super) mapping: Mapping,
    pub(super) delimiter: u8,
}

/// Hands each shipment of the CSV `file` (`-`: standard input), or each
/// reason rows are not one, to `each` until it returns false (then returns
/// false). `expect` is told how many entries are coming.
pub(super) fn read_each(
    file: &str,
    options: &CsvOptions,
    limits: &InputLimits,
    expect: &dyn Fn(u64),
    each: &mut dyn FnMut(Entry) -> bool,
) -> bool {
    let source = match Source::new(file, limits) {
        Ok(source) => source,
        Err(e) => return each(Err(e)),
    };
    let first_pass = source.records(options, limits).and_then(|mut records| {
        let header = read_header(&mut records, options, &source.name)?;
        let plan = Plan::make(&mut records, &header);
        Ok((header, plan))
    });
    let (header, mut plan) = match first_pass {
        Ok(read) => read,
        Err(problems) => return each(Err(rows_error(problems))),
    };
    expect(plan.entries.max(1));
    let mut records = match source.records(options, limits) {
        Ok(records) => records,
        Err(problems) => return each(Err(rows_error(problems))),
    };
    Shipments {
        file: &source.name,
        header: &header,
        limits,
        plan: &mut plan,
        each,
    }
    .read(&mut records)
}

/// Where the bytes come from: a file, opened once per pass, or standard
/// input, read once (within the size limit) and kept.
struct Source {
    name: String,
    stdin: Option<Rc<[u8]>>,
}

impl Source {
    fn new(file: &str, limits: &InputLimits) -> Result<Source, InvalidInput> {
        if file != "-" {
            return Ok(Source {
                name: file.to_owned(),
                stdin: None,
            });
        }
        let mut bytes = Vec::new();
        let unreadable = |source| InvalidInput::Unreadable {
            origin: "<stdin>".to_owned(),
            source,
        };
        io::stdin()
            .lock()
            .take(limits.max_file_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() as u64 > limits.max_file_bytes {
            return Err(unreadable(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "CSV on standard input is larger than {} bytes; name the file instead",
                    limits.max_file_bytes
                ),
            )));
        }
        Ok(Source {
            name: "<stdin>".to_owned(),
            stdin: Some(bytes.into()),
        })
    }

    /// A reader from the start of the input.
    fn records(
        &self,
        options: &CsvOptions,
        limits: &InputLimits,
    ) -> Result<Records, Vec<CsvError>> {
        let inner: Box<dyn Read> = match &self.stdin {
            Some(bytes) => Box::new(io::Cursor::new(Rc::clone(bytes))),
            None => Box::new(std::fs::File::open(&self.name).map_err(|e| {
                vec![CsvError {
                    at: At {
                        file: self.name.clone(),
                        ..At::default()
                    },
                    what: What::Io(e),
                }]
            })?),
        };
        let read = Rc::new(Cell::new(0));
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(options.delimiter)
            .trim(csv::Trim::All)
            .buffer_capacity(1 << 16)
            .from_reader(Bounded {
                inner,
                read: Rc::clone(&read),
                max: limits.max_file_bytes,
            });
        Ok(Records {
            reader,
            read,
            max: limits.max_file_bytes,
            file: self.name.clone(),
            last_row: 0,
        })
    }
}

/// A reader that fails once more than `max` bytes are read since `read` was
/// last reset: one row may be as long as a whole file `check` accepts, no
/// longer, however the file is built.
struct Bounded {
    inner: Box<dyn Read>,
    read: Rc<Cell<u64>>,
    max: u64,
}

/// The error [`Bounded`] gives.
#[derive(Debug, thiserror::Error)]
#[error("row too long")]
struct RowTooLong;

impl Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        if self.read.get() > self.max.saturating_add(buf.len() as u64) {
            return Err(io::Error::other(RowTooLong));
        }
        Ok(n)
    }
}

/// The rows of a file, one at a time.
struct Records {
    reader: csv::Reader<Bounded>,
    read: Rc<Cell<u64>>,
    max: u64,
    file: String,
    last_row: u64,
}

impl Records {
    /// The next row and its number (its line in the file), or `None` at the
    /// end. Blank lines (spaces only, too) are skipped.
    fn next(&mut self, record: &mut csv::ByteRecord) -> Result<Option<u64>, Box<CsvError>> {
        self.read.set(0);
        let mut read = self.reader.read_byte_record(record);
        while matches!(read, Ok(true)) && record.len() == 1 && record.as_slice().is_empty() {
            self.read.set(0);
            read = self.reader.read_byte_record(record);
        }
        match read {
            Ok(false) => Ok(None),
            Ok(true) => {
                self.last_row = record.position().map_or(self.last_row + 1, |p| p.line());
                Ok(Some(self.last_row))
            }
            Err(e) => {
                let what = match e.into_kind() {
                    csv::ErrorKind::Io(e)
                        if e.get_ref().is_some_and(|inner| inner.is::<RowTooLong>()) =>
                    {
                        What::RowTooLong(self.max)
                    }
                    csv::ErrorKind::Io(e) => What::Io(e),
                    other => What::Io(io::Error::other(format!("{other:?}"))),
                };
                Err(Box::new(CsvError {
                    at: At {
                        file: self.file.clone(),
                        row: Some(self.last_row + 1),
                        ..At::default()
                    },
                    what,
                }))
            }
        }
    }
}

fn read_header(
    records: &mut Records,
    options: &CsvOptions,
    file: &str,
) -> Result<Header, Vec<CsvError>> {
    let mut record = csv::ByteRecord::new();
    match records.next(&mut record) {
        Ok(Some(row)) => Header::read(&record, &options.mapping, file, row),
        Ok(None) => Err(vec![CsvError {
            at: At {
                file: file.to_owned(),
                ..At::default()
            },
            what: What::Empty,
        }]),
        Err(e) => Err(vec![*e]),
    }
}

fn rows_error(problems: Vec<CsvError>) -> InvalidInput {
    InvalidInput::Rows {
        problems: problems
            .into_iter()
            .map(|p| Box::new(p) as Box<dyn std::error::Error + Send + Sync>)
            .collect(),
    }
}

/// The `document_number` of a row, if it has a readable, non-empty one.
fn shipment_id(record: &csv::ByteRecord, header: &Header) -> Option<String> {
    let id = std::str::from_utf8(record.get(header.id)?).ok()?.trim();
    (!id.is_empty()).then(|| id.to_owned())
}

/// What the first pass found.
#[derive(Debug, Default)]
struct Plan {
    /// Entries the second pass will give.
    entries: u64,
    /// Shipments whose rows other rows split: each run of rows (first, last).
    splits: HashMap<String, Split>,
}

#[derive(Debug)]
struct Split {
    runs: Vec<(u64, u64)>,
    reported: bool,
}

impl Plan {
    fn make(records: &mut Records, header: &Header) -> Plan {
        let mut plan = Plan::default();
        // The first run of rows of each shipment.
        let mut seen: HashMap<String, (u64, u64)> = HashMap::new();
        let mut run: Option<(String, u64, u64)> = None;
        let mut record = csv::ByteRecord::new();
        let mut close = |run: Option<(String, u64, u64)>, plan: &mut Plan| {
            let Some((id, first, last)) = run else {
                return;
            };
            match seen.get(&id) {
                Some(&earlier) => {
                    plan.splits
                        .entry(id)
                        .or_insert_with(|| Split {
                            runs: vec![earlier],
                            reported: false,
                        })
                        .runs
                        .push((first, last));
                }
                None => {
                    seen.insert(id, (first, last));
                    plan.entries += 1;
                }
            }
        };
        // A read error ends the pass; the second pass reports it.
        while let Ok(Some(row)) = records.next(&mut record) {
            match (shipment_id(&record, header), &mut run) {
                (Some(id), Some((current, _, last))) if *current == id => *last = row,
                (Some(id), _) => close(run.replace((id, row, row)), &mut plan),
                (None, _) => {
                    close(run.take(), &mut plan);
                    plan.entries += 1;
                }
            }
        }
        close(run, &mut plan);
        plan
    }
}

/// The second pass: one shipment's rows at a time.
struct Shipments<'a> {
    file: &'a str,
    header: &'a Header,
    limits: &'a InputLimits,
    plan: &'a mut Plan,
    each: &'a mut dyn FnMut(Entry) -> bool,
}

/// The rows of one shipment read so far.
struct Group {
    id: String,
    first: u64,
    last: u64,
    rows: Vec<Row>,
    /// Bytes of the rows kept.
    bytes: u64,
    /// Rows beyond the limits (rows, bytes) are counted, not kept.
    too_large: bool,
    problems: Vec<CsvError>,
}

impl Shipments<'_> {
    fn read(&mut self, records: &mut Records) -> bool {
        let mut record = csv::ByteRecord::new();
        // The header, read already.
        if let Err(e) = records.next(&mut record) {
            return (self.each)(Err(rows_error(vec![*e])));
        }
        let mut group: Option<Group> = None;
        let mut any = false;
        loop {
            let row = match records.next(&mut record) {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(e) => {
                    // The shipment being read may have more rows past the
                    // error: it is reported with the error, not judged.
                    let reported = group.as_ref().is_some_and(|g| {
                        self.plan
                            .splits
                            .get(&g.id)
                            .is_some_and(|split| split.reported)
                    });
                    return match group.take() {
                        Some(mut group) if !reported => {
                            group.problems.push(*e);
                            self.flush(Some(group))
                        }
                        _ => (self.each)(Err(rows_error(vec![*e]))),
                    };
                }
            };
            any = true;
            let (cells, problems) = self.cells(&record, row);
            let Some(id) = shipment_id(&record, self.header) else {
                if !self.flush(group.take()) {
                    return false;
                }
                let mut problems = problems;
                if problems.is_empty() {
                    problems.push(CsvError {
                        at: self.at(row, None, Some(self.header.id)),
                        what: What::NoShipment,
                    });
                }
                if !(self.each)(Err(rows_error(problems))) {
                    return false;
                }
                continue;
            };
            if group.as_ref().is_some_and(|g| g.id != id) && !self.flush(group.take()) {
                return false;
            }
            let group = group.get_or_insert_with(|| Group {
                id,
                first: row,
                last: row,
                rows: Vec::new(),
                bytes: 0,
                too_large: false,
                problems: Vec::new(),
            });
            group.last = row;
            group.problems.extend(problems);
            group.bytes += record.as_slice().len() as u64;
            if group.rows.len() < self.limits.max_lines && group.bytes <= self.limits.max_file_bytes
            {
                group.rows.push(Row { number: row, cells });
            } else {
                group.too_large = true;
            }
        }
        if !any {
            return (self.each)(Err(rows_error(vec![CsvError {
                at: At {
                    file: self.file.to_owned(),
                    ..At::default()
                },
                what: What::NoRows,
            }])));
        }
        self.flush(group)
    }

    /// A row's cells as text (one allocation for the row), and what is
    /// wrong with them. A cell that is not UTF-8 is empty in the text.
    fn cells(&self, record: &csv::ByteRecord, row: u64) -> (csv::StringRecord, Vec<CsvError>) {
        let mut problems = Vec::new();
        let expected = self.header.columns.len();
        if record.len() != expected {
            problems.push(CsvError {
                at: self.at(row, None, None),
                what: What::CellCount {
                    found: record.len(),
                    expected,
                },
            });
        }
        if let Ok(cells) = csv::StringRecord::from_byte_record(record.clone()) {
            return (cells, problems);
        }
        let cells = record
            .iter()
            .enumerate()
            .map(|(i, cell)| match std::str::from_utf8(cell) {
                Ok(text) => text,
                Err(_) => {
                    problems.push(CsvError {
                        at: self.at(row, None, Some(i)),
                        what: What::InvalidUtf8,
                    });
                    ""
                }
            })
            .collect();
        (cells, problems)
    }

    fn at(&self, row: u64, shipment: Option<&str>, column: Option<usize>) -> At {
        At {
            file: self.file.to_owned(),
            row: Some(row),
            shipment: shipment.map(str::to_owned),
            column: column.and_then(|i| self.header.columns.get(i).map(|(name, _)| name.clone())),
        }
    }

    /// A validation error of the shipment reader, at the row and column its
    /// field path came from (the shipment's rows when not known).
    fn field_error(&self, e: &input::InputError, group: &Group, origin: &str) -> CsvError {
        let (row, column) = e.path().map_or((None, None), |path| {
            locate::locate(path, self.header, &group.rows)
        });
        CsvError {
            at: At {
                file: if row.is_some() { self.file } else { origin }.to_owned(),
                row,
                shipment: Some(group.id.clone()),
                column: column
                    .and_then(|i| self.header.columns.get(i).map(|(name, _)| name.clone())),
            },
            what: What::Field {
                path: e.path().map(str::to_owned),
                message: e.message().to_owned(),
            },
        }
    }

    /// Hands on the shipment of a group of rows, or why it is not one.
    fn flush(&mut self, group: Option<Group>) -> bool {
        let Some(group) = group else {
            return true;
        };
        let origin = format!("{}:{}", self.file, error::rows(group.first, group.last));
        let entry = if let Some(split) = self.plan.splits.get_mut(&group.id) {
            if split.reported {
                // Its first run reported the whole shipment, this part included.
                return true;
            }
            split.reported = true;
            let runs: Vec<String> = split
                .runs
                .iter()
                .map(|&(first, last)| error::rows(first, last))
                .collect();
            Err(rows_error(vec![CsvError {
                at: self.at(group.first, Some(&group.id), None),
                what: What::Split {
                    runs: runs.join(", "),
                },
            }]))
        } else if !group.problems.is_empty() {
            Err(rows_error(group.problems))
        } else if group.too_large {
            Err(rows_error(vec![CsvError {
                at: At {
                    file: origin,
                    shipment: Some(group.id),
                    ..At::default()
                },
                what: What::TooLarge {
                    rows: self.limits.max_lines,
                    bytes: self.limits.max_file_bytes,
                },
            }]))
        } else {
            match document::build(self.header, &group.rows, self.file) {
                Ok(value) => match input::read_json_value(&value, &origin, self.limits) {
                    Err(e) => Err(InvalidInput::Read(e)),
                    // Validated here too, where rows and columns are known, so
                    // that each error names them (the worker validates again).
                    Ok(doc) => match input::parse_shipment_all(&doc, None, self.limits) {
                        Ok(_) => Ok(doc),
                        Err(errors) => Err(rows_error(
                            errors
                                .iter()
                                .map(|e| self.field_error(e, &group, &origin))
                                .collect(),
                        )),
                    },
                },
                Err(problems) => Err(rows_error(problems)),
            }
        };
        (self.each)(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Runs the reader on `text` with `limits`; each entry's messages.
    fn read(text: &str, limits: &InputLimits) -> Vec<Result<String, Vec<String>>> {
        let mut file = tempfile::Builder::new()
            .suffix(".csv")
            .tempfile()
            .unwrap_or_else(|e| panic!("{e}"));
        file.write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        let name = file.path().display().to_string();
        let options = CsvOptions {
            mapping: Mapping::default(),
            delimiter: b',',
        };
        let mut entries = Vec::new();
        read_each(&name, &options, limits, &|_| {}, &mut |entry| {
            entries.push(match entry {
                Ok(doc) => Ok(doc.origin.replace(&name, "f.csv")),
                Err(e) => Err(e
                    .messages()
                    .into_iter()
                    .map(|m| m.replace(&name, "f.csv"))
                    .collect()),
            });
            true
        });
        entries
    }

    const HEADER: &str = "document_number,document_date,exporter_name,exporter_country,consignee_name,consignee_country,origin_country,destination_country,description,hs_code,quantity,value,currency\n";

    fn row(id: &str, description: &str) -> String {
        format!("{id},2024-05-10,R,DE,A,KZ,DE,KZ,{description},854231,1,1,EUR\n")
    }

    #[test]
    fn blank_lines_are_skipped_and_rows_grouped_by_document_number() {
        let text = format!(
            "{HEADER}{}\n   \n{}{}",
            row("A", "x"),
            row("A", "y"),
            row("B", "z")
        );
        assert_eq!(
            read(&text, &InputLimits::default()),
            [
                Ok("f.csv:rows 2–5".to_owned()),
                Ok("f.csv:row 6".to_owned())
            ]
        );
    }

    #[test]
    fn a_row_beyond_the_size_limit_stops_the_file_and_fails_its_shipment() {
        let limits = InputLimits {
            max_file_bytes: 4096,
            ..InputLimits::default()
        };
        let long = "x".repeat(200_000);
        let text = format!(
            "{HEADER}{}{}{}{}",
            row("A", "x"),
            row("B", "x"),
            row("B", &long),
            row("C", "x")
        );
        let entries = read(&text, &limits);
        assert_eq!(entries[0], Ok("f.csv:row 2".to_owned()));
        assert_eq!(
            entries[1],
            Err(vec![
                "f.csv:row 4: a row longer than 4096 bytes; reading of the file stops here"
                    .to_owned()
            ])
        );
        assert_eq!(entries.len(), 2, "{entries:?}");
    }
}
