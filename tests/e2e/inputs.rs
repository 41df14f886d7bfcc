//! Hostile input: every malformed shipment in `tests/inputs/` (and the ones too
//! large to keep in the repository, made here) gets exit status 2 and one line on
//! standard error naming the file and, for a problem in a field, the shipment and
//! the field path; in bounded time and memory, without a panic, and without a
//! verdict on standard output. The files in `tests/inputs/valid/` are edge cases
//! the reader accepts on purpose (a UTF-8 byte order mark, TOML bare dates, nulls
//! for optional fields, unknown fields): they are judged like any shipment.

use crate::support::{Measured, exportctl_measured, repo, temp_dir, write};
use std::time::Duration;

/// What the error line of each corpus file must contain after `error: <path>`:
/// the position for syntax errors, else the shipment and field path, and the gist.
const CORPUS: &[(&str, &str)] = &[
    // Syntax.
    ("syntax-trailing-comma.json", ":31:21: key must be a string"),
    (
        "syntax-unclosed.json",
        ":23:28: EOF while parsing an object",
    ),
    ("syntax-single-quotes.json", ":2:3: key must be a string"),
    ("syntax-garbage-after.json", ":50:1: trailing characters"),
    ("syntax-nul-in-string.json", ":28:26: control character"),
    (
        "not-an-object.json",
        "[0]: expected a shipment object, found a string",
    ),
    ("empty.json", ": no shipment found"),
    ("number-out-of-range.json", ":30:23: number out of range"),
    // Wrong types.
    (
        "wrong-type-lines.json",
        ": shipment `SO-2024-00310`: lines: expected an array, found a string",
    ),
    (
        "wrong-type-quantity.json",
        ": shipment `SO-2024-00310`: lines[0].quantity: expected a number or a decimal string, found a boolean",
    ),
    (
        "wrong-type-exporter.json",
        ": shipment `SO-2024-00310`: exporter: expected an object, found a string",
    ),
    (
        "wrong-type-line-number.json",
        ": shipment `SO-2024-00310`: lines[1].line: 1.5 is not a line number",
    ),
    (
        "wrong-type-no-russia-clause.json",
        ": shipment `SO-2024-00310`: contract.no_russia_clause: expected true or false, found a string",
    ),
    (
        "wrong-type-transit-countries.json",
        ": shipment `SO-2024-00310`: transit_countries: expected an array, found an object",
    ),
    // Missing and null.
    (
        "missing-date.json",
        ": shipment `SO-2024-00310`: date: required field is missing",
    ),
    (
        "missing-consignee-country.json",
        ": shipment `SO-2024-00310`: consignee.country: required field is missing",
    ),
    (
        "missing-line-currency.json",
        ": shipment `SO-2024-00310`: lines[1].value.currency: required field is missing",
    ),
    (
        "null-destination.json",
        ": shipment `SO-2024-00310`: destination_country: expected a string, found null",
    ),
    (
        "null-line-value.json",
        ": shipment `SO-2024-00310`: lines[0].value: expected an object, found null",
    ),
    (
        "empty-lines.json",
        ": shipment `SO-2024-00310`: lines: at least one line item is required",
    ),
    (
        "empty-exporter-name.json",
        ": shipment `SO-2024-00310`: exporter.name: must not be empty",
    ),
    // Invalid codes, dates and numbers.
    (
        "invalid-country.json",
        ": shipment `SO-2024-00310`: destination_country: \"XX\" is not an ISO 3166-1 alpha-2 country code",
    ),
    (
        "invalid-transit-country.json",
        ": shipment `SO-2024-00310`: transit_countries[2]: \"Latvia\" is not an ISO 3166-1",
    ),
    (
        "invalid-hs-code.json",
        ": shipment `SO-2024-00310`: lines[1].hs_code: \"94A1.61\" is not a 6–10 digit HS code",
    ),
    (
        "invalid-currency.json",
        ": shipment `SO-2024-00310`: lines[0].value.currency: \"EUROS\" is not an ISO 4217 currency code",
    ),
    (
        "invalid-date.json",
        ": shipment `SO-2024-00310`: date: \"2024-02-30\" is not a valid date",
    ),
    (
        "invalid-date-format.json",
        ": shipment `SO-2024-00310`: date: \"10.05.2024\" is not a valid date",
    ),
    (
        "invalid-registration-date.json",
        ": shipment `SO-2024-00310`: consignee.registration_date: \"2011-13-01\" is not a valid date",
    ),
    (
        "invalid-region.json",
        ": shipment `SO-2024-00310`: consignee.region: \"DE-BY\" is a subdivision of DE, not of KZ",
    ),
    (
        "invalid-amount-negative.json",
        ": shipment `SO-2024-00310`: lines[0].value.amount: -18000 is negative",
    ),
    (
        "invalid-amount-text.json",
        ": shipment `SO-2024-00310`: lines[0].value.amount: \"18.000,00\" is not a decimal number",
    ),
    (
        "amount-beyond-28-digits.json",
        ": shipment `SO-2024-00310`: lines[0].value.amount: \"1111111111111111111111111111111111111111\" is out of range",
    ),
    (
        "invalid-quantity-zero.json",
        ": shipment `SO-2024-00310`: lines[1].quantity: 0 is not greater than 0",
    ),
    (
        "invalid-us-content.json",
        ": shipment `SO-2024-00310`: lines[0].us_content_percent: 150 is not between 0 and 100",
    ),
    (
        "invalid-id-control-character.json",
        ": id: \"SO-2024-00310\\u{7}\" is not 1–128 printable characters",
    ),
    (
        "invalid-transport-mode.json",
        ": shipment `SO-2024-00310`: transport_mode: \"ROAD\" is not one of road,",
    ),
    (
        "invalid-role.json",
        ": shipment `SO-2024-00310`: other_parties[0].role: \"smuggler\" is not one of",
    ),
    (
        "invalid-licence-line.json",
        ": shipment `SO-2024-00310`: licences[0].lines[0]: line 9 is not in this shipment",
    ),
    // Duplicates.
    (
        "duplicate-line-numbers.json",
        ": shipment `SO-2024-00310`: lines[1].line: line number 1 is used twice",
    ),
    ("duplicate-key.json", ":4:8: duplicate field `date`"),
    (
        "duplicate-id-key.json",
        ": shipment `SO-2024-00310`: exporter.ids: key \"vat\" is used twice",
    ),
    // Encodings.
    ("invalid-utf8.json", ":28:27: invalid UTF-8"),
    (
        "utf16-bom.json",
        ":1:1: invalid UTF-8 (the file looks like UTF-16; save it as UTF-8)",
    ),
    (
        "bom-then-invalid-field.json",
        ": shipment `SO-2024-00310`: lines[1].hs_code: \"94A1\" is not a 6–10 digit HS code",
    ),
    ("double-bom.json", ":1:1: expected value"),
    // TOML.
    ("toml-syntax.toml", ":18:12: string values must be quoted"),
    (
        "toml-datetime-for-date.toml",
        ": shipment `SO-2024-00310`: date: \"2024-05-10T10:00:00Z\" is not a valid date",
    ),
    (
        "toml-inf-quantity.toml",
        ": shipment `SO-2024-00310`: lines[0].quantity: inf is not a finite number",
    ),
    (
        "toml-nan-amount.toml",
        ": shipment `SO-2024-00310`: lines[0].value.amount: NaN is not a finite number",
    ),
    ("toml-duplicate-table.toml", ":21:2: duplicate key"),
    (
        "toml-shipment-not-array.toml",
        ": `shipment` must be an array of tables ([[shipment]]), found an object",
    ),
    (
        "toml-fields-next-to-shipments.toml",
        ": top-level field `id` next to [[shipment]] tables",
    ),
    (
        "toml-integer-overflow.toml",
        ":18:12: integer number overflowed",
    ),
    (
        "toml-quantity-as-array.toml",
        ": shipment `SO-2024-00310`: lines[0].quantity: expected a number or a decimal string, found an array",
    ),
    (
        "toml-wrong-type-line.toml",
        ": shipment `SO-2024-00310`: lines[0].line: expected a whole number, found a string",
    ),
];

/// Generous bounds for a loaded CI machine: each of these takes well under a
/// second and under 100 MiB.
const MAX_TIME: Duration = Duration::from_secs(10);
const MAX_RSS_MIB: i64 = 300;

/// Runs `exportctl check` on one file and checks the refusal; returns the
/// error line.
fn refused(path: &str) -> String {
    let Measured {
        run,
        peak_rss_kib,
        elapsed,
    } = exportctl_measured(&["check", path]);
    assert_eq!(run.code, 2, "{path}: {run:?}");
    assert!(
        run.stdout.is_empty(),
        "{path}: a verdict was printed: {run:?}"
    );
    // One error line per wrong field, each naming the file.
    let lines: Vec<&str> = run.stderr.lines().collect();
    let Some(line) = lines.first() else {
        panic!("{path}: expected an error on standard error");
    };
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with(&format!("error: {path}"))),
        "{path}: {}",
        run.stderr
    );
    assert!(
        line.starts_with(&format!("error: {path}")),
        "{path}: the error names the file: {line}"
    );
    assert!(!line.contains("panicked"), "{line}");
    assert!(elapsed < MAX_TIME, "{path}: took {elapsed:?}");
    assert!(
        peak_rss_kib / 1024 < MAX_RSS_MIB,
        "{path}: peaked at {} MiB",
        peak_rss_kib / 1024
    );
    (*line).to_owned()
}

fn corpus_dir() -> std::path::PathBuf {
    repo().join("tests/inputs")
}

#[test]
fn every_malformed_file_in_the_corpus_exits_2_naming_the_field() {
    for (file, expected) in CORPUS {
        let path = corpus_dir().join(file).display().to_string();
        let line = refused(&path);
        assert!(
            line.contains(&format!("{path}{expected}")),
            "{file}: expected `{expected}` after the path in: {line}"
        );
    }
}

#[test]
fn the_corpus_table_lists_every_file() {
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "README.md")
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CORPUS.iter().map(|(f, _)| (*f).to_owned()).collect();
    listed.push("lines-one-bad.jsonl".to_owned());
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "add new corpus files to CORPUS with their error"
    );
}

#[test]
fn one_bad_line_of_json_lines_is_reported_and_the_others_judged() {
    let path = corpus_dir()
        .join("lines-one-bad.jsonl")
        .display()
        .to_string();
    let measured = exportctl_measured(&["check", &path]);
    let run = &measured.run;
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.verdicts().len(), 2, "{run:?}");
    let errors = run.stderr.lines().filter(|l| l.starts_with("error:"));
    assert_eq!(errors.count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(&format!(
            "error: {path}:2: shipment `SO-2024-00310`: destination_country: \"ZZ\""
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn edge_cases_the_reader_accepts_are_judged() {
    let dir = corpus_dir().join("valid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.path().display().to_string())
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "{files:?}");
    for path in files {
        let measured = exportctl_measured(&["check", &path]);
        let run = &measured.run;
        assert_eq!(run.code, 0, "{path}: {run:?}");
        let verdicts = run.verdicts();
        assert_eq!(verdicts.len(), 1, "{path}");
        assert_eq!(verdicts[0]["shipment"], "SO-2024-00310", "{path}");
    }
}

/// Writes a file made of `(piece, times)` parts without holding it in memory (a
/// test process that grew large would make every `exportctl` it starts look
/// large to `getrusage`).
fn write_streamed(dir: &std::path::Path, name: &str, parts: &[(&str, usize)]) -> String {
    use std::io::Write;
    let path = dir.join(name);
    let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut out = std::io::BufWriter::new(file);
    for (piece, times) in parts {
        for _ in 0..*times {
            out.write_all(piece.as_bytes())
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    out.flush().unwrap_or_else(|e| panic!("{e}"));
    path.display().to_string()
}

/// The furniture example as compact JSON without its final `}`, to append to.
fn furniture_open() -> String {
    let mut v = furniture();
    v.as_object_mut().map(|o| o.remove("transit_countries"));
    let mut text = v.to_string();
    text.pop();
    text
}

/// The furniture example as a JSON value, to build large files from.
fn furniture() -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("tests/examples/de-furniture-to-kz.json"))
        .unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_default()
}

fn with_lines(count: u32) -> serde_json::Value {
    let mut v = furniture();
    let line = v["lines"][0].clone();
    v["lines"] = (1..=count)
        .map(|n| {
            let mut l = line.clone();
            l["line"] = n.into();
            l
        })
        .collect();
    v
}

#[test]
fn ten_thousand_lines_are_judged_and_one_more_is_refused() {
    let dir = temp_dir();
    let most = write(dir.path(), "10000.json", with_lines(10_000).to_string());
    let measured = exportctl_measured(&["check", &most]);
    assert_eq!(measured.run.code, 0, "{:?}", measured.run.stderr);
    let v = &measured.run.verdicts()[0];
    assert!(
        !measured.run.stdout.contains("policy-error"),
        "a maximal shipment fits the default limits: {v}"
    );
    assert!(measured.elapsed < MAX_TIME, "took {:?}", measured.elapsed);
    // Both policies' sandboxes (64 MiB each at most) hold a decoded copy.
    assert!(measured.peak_rss_kib / 1024 < 400, "{measured:?}");
    eprintln!(
        "10,000 lines judged in {:?}, peak RSS {} MiB",
        measured.elapsed,
        measured.peak_rss_kib / 1024
    );

    let over = write(dir.path(), "10001.json", with_lines(10_001).to_string());
    let line = refused(&over);
    assert!(
        line.ends_with("lines: 10001 line items are more than the limit of 10000"),
        "{line}"
    );
}

#[test]
fn nesting_100000_levels_deep_is_refused_without_overflowing_the_stack() {
    let dir = temp_dir();
    let n = 100_000;
    for (name, text, expected) in [
        (
            "deep-known-field.json",
            format!("{{\"id\": {}{}}}", "[".repeat(n), "]".repeat(n)),
            ":1:71: nesting deeper than 64 levels",
        ),
        (
            "deep-unknown-field.json",
            format!("{{\"erp\": {}1{}}}", "{\"a\":".repeat(n), "}".repeat(n)),
            ": nesting deeper than 64 levels",
        ),
        (
            "deep-array.toml",
            format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)),
            ": cannot recurse further; max recursion depth met",
        ),
        (
            "deep-inline-table.toml",
            format!("x = {}1{}\n", "{a = ".repeat(n), "}".repeat(n)),
            ": cannot recurse further; max recursion depth met",
        ),
        (
            "deep-table-header.toml",
            format!("[{}]\nb = 1\n", vec!["a"; n].join(".")),
            ": recursion limit",
        ),
    ] {
        let path = write(dir.path(), name, text);
        let line = refused(&path);
        assert!(line.contains(expected), "{name}: {line}");
    }
}

#[test]
fn a_100_mb_file_is_refused_after_reading_at_most_the_limit() {
    let dir = temp_dir();
    let open = furniture_open();
    let path = write_streamed(
        dir.path(),
        "100mb.json",
        &[
            (&open, 1),
            (",\"erp_attachment\":\"", 1),
            (&"x".repeat(1 << 20), 100),
            ("\"}", 1),
        ],
    );
    let line = refused(&path);
    assert!(
        line.ends_with(": file is larger than the limit of 67108864 bytes"),
        "{line}"
    );
}

#[test]
fn tens_of_millions_of_tiny_values_stay_within_bounded_memory() {
    let dir = temp_dir();
    // 60 MB, just under the file limit: 30 million values in one known list.
    let open = furniture_open();
    let path = write_streamed(
        dir.path(),
        "tiny-values.json",
        &[
            (&open, 1),
            (",\"transit_countries\":[", 1),
            ("1,", 30_000_000),
            ("1]}", 1),
        ],
    );
    let line = refused(&path);
    assert!(
        line.ends_with("transit_countries: 30000001 entries are more than the limit of 10000"),
        "{line}"
    );
}

#[test]
fn a_10_mb_id_and_100001_shipments_are_refused() {
    let dir = temp_dir();
    let path = write_streamed(
        dir.path(),
        "long-id.json",
        &[("{\"id\":\"", 1), (&"S".repeat(1 << 20), 10), ("\"}", 1)],
    );
    let line = refused(&path);
    assert!(
        line.ends_with(": id: a string of 10485760 characters is not 1–128 printable characters"),
        "{line}"
    );

    let path = write(
        dir.path(),
        "many.jsonl",
        "{\"id\": \"S\"}\n".repeat(100_001),
    );
    let line = refused(&path);
    assert!(
        line.ends_with(":100001:1: more than 100000 shipments in one file"),
        "{line}"
    );
}

#[test]
fn all_json_corpus_files_in_one_run_are_each_refused() {
    // All JSON corpus files through one process: every file is refused on its
    // own, nothing is judged, and the process survives them all.
    let files: Vec<String> = CORPUS
        .iter()
        .filter(|(f, _)| f.ends_with(".json"))
        .map(|(f, _)| corpus_dir().join(f).display().to_string())
        .collect();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let measured = exportctl_measured(&args);
    let run = &measured.run;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    // Each file's errors, in order (one line per wrong field), then the summary.
    let lines: Vec<&str> = run.stderr.lines().collect();
    let (summary, errors) = lines.split_last().unwrap_or_else(|| panic!("no output"));
    assert!(
        summary.starts_with(&format!(
            "summary: 0 judged: 0 allow, 0 review, 0 licence_required, 0 deny; {} invalid",
            files.len()
        )),
        "{summary}"
    );
    let mut files_left = files.iter().peekable();
    for line in errors {
        while files_left
            .peek()
            .is_some_and(|f| !line.starts_with(&format!("error: {f}")))
        {
            files_left.next();
        }
        assert!(
            files_left.peek().is_some(),
            "out of order or unnamed: {line}"
        );
    }
    for file in &files {
        assert!(
            errors
                .iter()
                .any(|l| l.starts_with(&format!("error: {file}"))),
            "{file} not refused: {}",
            run.stderr
        );
    }
}
