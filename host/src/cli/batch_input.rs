//! How `exportctl batch` reads its inputs: a JSON Lines file is streamed line
//! by line, so a file of any length is read in bounded memory (and beyond the
//! 64 MiB and 100,000-shipment limits `check` puts on one file); every other
//! input (JSON, TOML, standard input) is read whole, as `check` reads it.
//! Either way each entry is the same document or error `check` gives.
//! ERP CSV files (`*.csv`, `--input-format csv`) are streamed too, by
//! [`erp_csv`](super::erp_csv).

use super::erp_csv::{self, CsvOptions, mapping::Mapping};
use super::{BatchArgs, BatchInputFormat};
use exportctl::{InvalidInput, read_file};
use exportctl_sdk::input::{self, Document, InputFormat, InputLimits};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

/// One input: a document, or why it is not one.
pub(super) type Entry = Result<Document<'static>, InvalidInput>;

/// How the inputs of a run are read.
#[derive(Debug)]
pub(super) struct Reading {
    /// The format `--input-format` names (`Auto` for `auto` and `csv`).
    format: InputFormat,
    /// `--input-format csv`: every input is ERP CSV, whatever its name.
    all_csv: bool,
    csv: CsvOptions,
}

impl Reading {
    /// The reading `batch`'s arguments ask for; a mapping file that cannot be
    /// used is an error naming it.
    pub(super) fn new(args: &BatchArgs) -> Result<Reading, erp_csv::mapping::MappingError> {
        let mapping = match &args.mapping {
            Some(file) => Mapping::load(file)?,
            None => Mapping::default(),
        };
        let delimiter = args.csv_delimiter.or(mapping.delimiter).unwrap_or(b',');
        let format = match args.input_format {
            BatchInputFormat::Auto | BatchInputFormat::Csv => InputFormat::Auto,
            BatchInputFormat::Json => InputFormat::Json,
            BatchInputFormat::Jsonl => InputFormat::JsonLines,
            BatchInputFormat::Toml => InputFormat::Toml,
        };
        Ok(Reading {
            format,
            all_csv: args.input_format == BatchInputFormat::Csv,
            csv: CsvOptions { mapping, delimiter },
        })
    }

    /// Shipment documents as `check` reads them (`rescreen --orders`): the
    /// format told by each file's name, no ERP CSV mapping.
    pub(super) fn documents() -> Reading {
        Reading {
            format: InputFormat::Auto,
            all_csv: false,
            csv: CsvOptions {
                mapping: Mapping::default(),
                delimiter: b',',
            },
        }
    }

    /// Whether `file` is read as ERP CSV: by `--input-format csv`, or by its
    /// name under `auto`.
    /// The format of the inputs that are not ERP CSV.
    pub(super) fn format(&self) -> InputFormat {
        self.format
    }

    /// Whether `file` is read as ERP CSV.
    pub(super) fn csv(&self, file: &str) -> bool {
        self.all_csv
            || (self.format == InputFormat::Auto
                && file != "-"
                && file.to_ascii_lowercase().ends_with(".csv"))
    }
}

/// Hands each entry of `file` to `each` until it returns false (then returns
/// false), with the text of its line when the file is streamed (JSON Lines).
/// `expect` is told how many entries are coming, when known.
pub(super) fn read_each(
    file: &str,
    reading: &Reading,
    limits: &InputLimits,
    expect: &dyn Fn(u64),
    each: &mut dyn FnMut(Entry, Option<&str>) -> bool,
) -> bool {
    if reading.csv(file) {
        return erp_csv::read_each(file, &reading.csv, limits, expect, &mut |entry| {
            each(entry, None)
        });
    }
    let format = reading.format;
    if !streams(file, format) {
        let entries = read_file(file, format, limits);
        expect(entries.len() as u64);
        return entries.into_iter().all(|entry| each(entry, None));
    }
    let opened = File::open(file).and_then(|f| {
        expect(count_lines(File::open(file)?)?);
        Ok(f)
    });
    let reader = match opened {
        Ok(f) => BufReader::with_capacity(1 << 16, f),
        Err(source) => {
            return each(
                Err(InvalidInput::Unreadable {
                    origin: file.to_owned(),
                    source,
                }),
                None,
            );
        }
    };
    stream_lines(reader, file, limits, each)
}

/// Whether `file` is read line by line: JSON Lines by name or by
/// `--input-format jsonl`, and not standard input.
pub(super) fn streams(file: &str, format: InputFormat) -> bool {
    let by_name = [".jsonl", ".ndjson"]
        .iter()
        .any(|ext| file.to_ascii_lowercase().ends_with(ext));
    file != "-"
        && match format {
            InputFormat::JsonLines => true,
            InputFormat::Auto => by_name,
            InputFormat::Json | InputFormat::Toml => false,
        }
}

/// Lines of a file, for the progress bar's length.
fn count_lines(file: File) -> io::Result<u64> {
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut lines = 0;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(lines);
        }
        lines += buffer.iter().filter(|&&b| b == b'\n').count() as u64;
        let read = buffer.len();
        reader.consume(read);
    }
}

fn stream_lines(
    mut reader: impl BufRead,
    file: &str,
    limits: &InputLimits,
    each: &mut dyn FnMut(Entry, Option<&str>) -> bool,
) -> bool {
    let mut line = Vec::new();
    let mut number = 0;
    let mut documents = 0usize;
    loop {
        line.clear();
        // One line may be as long as a whole file `check` accepts, no longer.
        let read = (&mut reader)
            .take(limits.max_file_bytes + 1)
            .read_until(b'\n', &mut line);
        number += 1;
        let (entry, text) = match read {
            Ok(0) => break,
            Ok(_) if line.len() as u64 > limits.max_file_bytes => (
                Err(unreadable(
                    file,
                    number,
                    format!("a line longer than {} bytes", limits.max_file_bytes),
                )),
                None,
            ),
            Ok(_) => match std::str::from_utf8(&line) {
                Ok(text) if text.trim().is_empty() => continue,
                // Without its line ending, as `str::lines` gives it to `check`.
                Ok(text) => {
                    let text = text.strip_suffix('\n').unwrap_or(text);
                    let text = text.strip_suffix('\r').unwrap_or(text);
                    (
                        input::read_json_line(text, file, number, limits)
                            .map_err(InvalidInput::Read),
                        Some(text),
                    )
                }
                Err(e) => (
                    Err(unreadable(file, number, format!("not UTF-8: {e}"))),
                    None,
                ),
            },
            Err(source) => {
                return each(
                    Err(InvalidInput::Unreadable {
                        origin: file.to_owned(),
                        source,
                    }),
                    None,
                );
            }
        };
        if matches!(entry, Err(InvalidInput::Unreadable { .. })) && !line.ends_with(b"\n") {
            // The rest of an over-long line: skip to its end.
            let mut rest = Vec::new();
            if reader.read_until(b'\n', &mut rest).is_err() {
                return each(entry, None);
            }
        }
        documents += 1;
        if !each(entry, text) {
            return false;
        }
    }
    if documents == 0 {
        // The error `check` gives for a file with no shipment.
        return input::read_entries(&b""[..], file, InputFormat::JsonLines, limits)
            .err()
            .is_none_or(|e| each(Err(InvalidInput::Read(e)), None));
    }
    true
}

fn unreadable(file: &str, number: usize, what: String) -> InvalidInput {
    InvalidInput::Unreadable {
        origin: format!("{file}:{number}"),
        source: io::Error::new(io::ErrorKind::InvalidData, what),
    }
}
