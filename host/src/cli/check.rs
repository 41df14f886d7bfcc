//! `exportctl check`: read shipments, judge each, print verdicts.
//!
//! Invalid shipments are reported on standard error and not judged; the others in
//! the same run still are. The exit status is 2 if any input was invalid (an error
//! must not hide behind a verdict), 1 on an internal error, else the worst outcome.

use super::{CheckArgs, ExitStatus, Format, load_host, print_error};
use crate::report::{write_json, write_text};
use exportctl_sdk::Outcome;
use exportctl_sdk::input::{self, InputLimits};
use std::io::{self, Write};

pub(super) fn run(args: &CheckArgs) -> ExitStatus {
    let host = match load_host(args.policies.as_ref()) {
        Ok(host) => host,
        Err(e) => {
            print_error(&e);
            return ExitStatus::InvalidInput;
        }
    };
    let limits = InputLimits::default();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut worker = host.worker();
    let mut worst = Outcome::Allow;
    let mut invalid = false;

    for file in &args.files {
        let documents = if file == "-" {
            input::read_documents(io::stdin().lock(), "<stdin>", &limits)
        } else {
            match std::fs::File::open(file) {
                Ok(f) => input::read_documents(f, file, &limits),
                Err(e) => {
                    eprintln!("error: cannot read `{file}`: {e}");
                    invalid = true;
                    continue;
                }
            }
        };
        let documents = match documents {
            Ok(documents) => documents,
            Err(e) => {
                eprintln!("error: {e}");
                invalid = true;
                continue;
            }
        };
        for doc in &documents {
            let shipment = match input::parse_shipment(doc, args.as_of, &limits) {
                Ok(shipment) => shipment,
                Err(e) => {
                    eprintln!("error: {e}");
                    invalid = true;
                    continue;
                }
            };
            let verdict = worker.evaluate(&shipment);
            worst = worst.max(verdict.outcome);
            let written = match args.format {
                Format::Json => write_json(&mut out, &verdict),
                Format::Text => write_text(&mut out, &verdict),
            };
            if let Err(e) = written {
                return write_failed(&e);
            }
        }
    }
    if let Err(e) = out.flush() {
        return write_failed(&e);
    }
    if invalid {
        ExitStatus::InvalidInput
    } else {
        ExitStatus::from_outcome(worst)
    }
}

fn write_failed(e: &io::Error) -> ExitStatus {
    // A reader that went away (`| head`) is not our error.
    if e.kind() == io::ErrorKind::BrokenPipe {
        return ExitStatus::Allow;
    }
    eprintln!("error: cannot write the verdict: {e}");
    ExitStatus::Internal
}
