//! Where `exportctl batch` writes its verdicts: JSON Lines (`check`'s lines;
//! in an `--out` file each line also carries `input_sha256`, the digest
//! `--resume` matches on), CSV (one row per shipment) or text.

use super::BatchFormat;
use super::batch::Judged;
use exportctl::Verdict;
use exportctl::report::write_text;
use std::fs::OpenOptions;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// The CSV header: the shipment id, its outcome, the rule ids of its findings
/// (sorted, distinct, separated by `;`) and the legal basis of its first finding.
pub const CSV_COLUMNS: [&str; 4] = ["shipment", "outcome", "rules", "legal_basis"];

/// The verdict writer of one run.
pub(super) enum Output {
    /// JSON Lines.
    Jsonl(BufWriter<Box<dyn Write>>),
    /// CSV with a header row.
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    /// Readable reports.
    Text(BufWriter<Box<dyn Write>>),
}

impl Output {
    /// Opens `out` (created, or appended to with `append`) or standard output.
    pub(super) fn open(
        out: Option<&Path>,
        format: BatchFormat,
        append: bool,
    ) -> io::Result<Output> {
        let sink: Box<dyn Write> = match out {
            Some(path) => Box::new(
                OpenOptions::new()
                    .create(true)
                    .write(true)
                    .append(append)
                    .truncate(!append)
                    .open(path)?,
            ),
            None => Box::new(io::stdout()),
        };
        Ok(match format {
            BatchFormat::Jsonl => Output::Jsonl(BufWriter::new(sink)),
            BatchFormat::Text => Output::Text(BufWriter::new(sink)),
            BatchFormat::Csv => {
                let mut writer = csv::Writer::from_writer(sink);
                writer.write_record(CSV_COLUMNS).map_err(csv_error)?;
                Output::Csv(Box::new(writer))
            }
        })
    }

    /// Writes one verdict; invalid and resumed inputs write nothing here.
    pub(super) fn write(&mut self, judged: &Judged) -> io::Result<()> {
        let Judged::Verdict {
            verdict,
            digest,
            json,
            ..
        } = judged
        else {
            return Ok(());
        };
        match self {
            Output::Jsonl(out) => {
                let line = match json {
                    Some(json) => json.get().as_bytes().to_vec(),
                    None => serde_json::to_vec(&**verdict)?,
                };
                write_line(out, line, digest.as_deref())
            }
            Output::Text(out) => write_text(out, verdict),
            Output::Csv(out) => out.write_record(csv_row(verdict)).map_err(csv_error),
        }
    }

    /// Writes out what is buffered.
    pub(super) fn finish(&mut self) -> io::Result<()> {
        match self {
            Output::Jsonl(out) | Output::Text(out) => out.flush(),
            Output::Csv(out) => out.flush(),
        }
    }
}

/// `check`'s line (the verdict's JSON), with `"input_sha256"` added as its last
/// field when there is a digest, written with one `write_all` so that a line
/// is either whole or the last, torn one.
fn write_line(out: &mut impl Write, mut line: Vec<u8>, digest: Option<&str>) -> io::Result<()> {
    let Some(digest) = digest else {
        line.push(b'\n');
        return out.write_all(&line);
    };
    if line.pop() != Some(b'}') {
        return Err(io::Error::other("a verdict is not a JSON object"));
    }
    line.extend_from_slice(b",\"input_sha256\":\"");
    line.extend_from_slice(digest.as_bytes());
    line.extend_from_slice(b"\"}\n");
    out.write_all(&line)
}

/// The CSV row of a verdict ([`CSV_COLUMNS`]).
fn csv_row(verdict: &Verdict) -> [String; 4] {
    let mut rules: Vec<&str> = verdict.findings.iter().map(|f| f.rule()).collect();
    rules.sort_unstable();
    rules.dedup();
    let legal_basis = verdict
        .findings
        .first()
        .map(|f| f.get_legal_basis().to_owned())
        .unwrap_or_default();
    [
        verdict.shipment.clone(),
        verdict.outcome.as_str().to_owned(),
        rules.join(";"),
        legal_basis,
    ]
}

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}
