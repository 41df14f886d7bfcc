//! `exportctl batch` on ERP flat CSV (`sdk/spec/erp-csv.md`): the same
//! verdicts and input digests as the same shipments in JSON Lines, a mapping
//! file's column names, every kind of bad input named by row and column with
//! exit 2, and a large file streamed in bounded memory.

use crate::flat_csv::to_csv;
use crate::support::{exportctl, exportctl_measured, repo, temp_dir, write};
use serde_json::{Value, json};

/// A shipment with every field of `shipment.md`, so that a column the CSV
/// reader dropped or misplaced changes the input digest.
fn every_field() -> Value {
    json!({
        "id": "FULL-1",
        "date": "2024-05-10",
        "exporter": {"name": "Rhein Elektronik GmbH", "country": "DE", "region": "DE-NW",
                     "address": "Industriestr. 5, Köln", "registration_date": "1998-01-15",
                     "ids": {"vat": "DE123456789", "eori": "DE1234567"},
                     "aliases": ["Rhein Elektronik", "RE GmbH"]},
        "consignee": {"name": "Astana Tech Supply TOO", "country": "KZ",
                      "address": "Kabanbay Batyr 11, Astana", "registration_date": "2015-03-02",
                      "ids": {"bin": "150340012345"}},
        "end_user": {"name": "Astana Tech Supply TOO", "country": "KZ"},
        "other_parties": [
            {"role": "freight_forwarder", "name": "Silk Route Logistics LLP", "country": "KZ"},
            {"role": "bank", "name": "Halyk Bank", "country": "KZ", "ids": {"swift": "HSBKKZKX"}}
        ],
        "origin_country": "DE",
        "destination_country": "KZ",
        "transit_countries": ["PL", "LT"],
        "transport_mode": "road",
        "end_use": {"statement": "Maintenance of civil telecom network, \"Astana\" region",
                    "military": false, "sector": "telecom"},
        "contract": {"reference": "C-2024-118", "date": "2024-02-01", "no_russia_clause": true},
        "licences": [
            {"id": "DE-BAFA-2024-0042", "jurisdiction": "EU", "lines": [1, 3],
             "valid_until": "2025-12-31"},
            {"id": "KZ-2024-7", "jurisdiction": "KZ"}
        ],
        "lines": [
            {"line": 1, "description": "ARM Cortex-M4 microcontroller", "hs_code": "8542.31",
             "control_codes": ["3A991.a", "5A992.c"], "origin_country": "CN", "quantity": 500,
             "unit": "pcs", "value": {"amount": "4250.00", "currency": "EUR"},
             "us_content_percent": 12.5},
            {"line": 2, "description": "Mounting kit", "hs_code": "7318 15 90",
             "quantity": 2.5, "unit": "kg", "value": {"amount": 0, "currency": "EUR"}},
            {"line": 3, "description": "Router; rack-mounted", "hs_code": "851762",
             "control_codes": ["5A992.c"], "quantity": 4,
             "value": {"amount": "1999.99", "currency": "EUR"}, "us_content_percent": 0}
        ]
    })
}

/// The bundled examples and [`every_field`], `count` in turn, each with an id
/// of its own.
fn shipments(count: usize) -> Vec<Value> {
    let mut kinds: Vec<Value> = [
        "de-furniture-to-kz.json",
        "de-microcontrollers-kz-end-user-ru.json",
        "seed-drones-kg-via-kz-to-ru.json",
    ]
    .iter()
    .map(|name| {
        let text = std::fs::read_to_string(repo().join("tests/examples").join(name)).unwrap();
        let mut doc: Value = serde_json::from_str(&text).unwrap();
        // An empty cell is an absent field (erp-csv.md): CSV cannot give an
        // empty text, so the JSON side leaves it out too.
        if doc.pointer("/end_use/statement") == Some(&json!("")) {
            doc["end_use"].as_object_mut().unwrap().remove("statement");
        }
        doc
    })
    .collect();
    kinds.push(every_field());
    (0..count)
        .map(|i| {
            let mut doc = kinds[i % kinds.len()].clone();
            doc["id"] = format!("C-{i:05}").into();
            doc
        })
        .collect()
}

/// Two lines alike, or where they differ (verdict lines are long).
#[track_caller]
fn assert_same(from_csv: &str, from_json: &str) {
    let at = from_csv
        .bytes()
        .zip(from_json.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(from_csv.len().min(from_json.len()));
    let around = |s: &str| {
        s.get(at.saturating_sub(80)..(at + 80).min(s.len()))
            .map(str::to_owned)
    };
    assert!(
        from_csv == from_json,
        "from CSV:  …{:?}…\nfrom JSON: …{:?}…",
        around(from_csv),
        around(from_json)
    );
}

fn to_jsonl(shipments: &[Value]) -> String {
    shipments.iter().map(|s| format!("{s}\n")).collect()
}

#[test]
fn batch_csv_gives_the_verdicts_and_digests_of_the_same_shipments_in_json_lines() {
    let dir = temp_dir();
    let shipments = shipments(40);
    let jsonl = write(dir.path(), "day.jsonl", to_jsonl(&shipments));
    let csv = write(dir.path(), "day.csv", to_csv(&shipments, b','));
    let out = |name: &str| dir.path().join(name).display().to_string();
    let from_json = exportctl(&["batch", "--jobs", "2", "--out", &out("j.out"), &jsonl]);
    let from_csv = exportctl(&["batch", "--jobs", "2", "--out", &out("c.out"), &csv]);
    assert_eq!(from_json.code, 5, "{}", from_json.stderr);
    assert_eq!(from_csv.code, 5, "{}", from_csv.stderr);
    let json_out = std::fs::read_to_string(out("j.out")).unwrap();
    let csv_out = std::fs::read_to_string(out("c.out")).unwrap();
    assert_eq!(json_out.lines().count(), 40);
    // Verdicts and `input_sha256` alike: every field arrived, as in JSON.
    for (from_csv, from_json) in csv_out.lines().zip(json_out.lines()) {
        assert_same(from_csv, from_json);
    }
    assert_eq!(csv_out.len(), json_out.len());
    assert!(
        from_csv.stderr.contains("summary: 40 inputs: 40 judged"),
        "{}",
        from_csv.stderr
    );

    // `;` as the delimiter, chosen on the command line, and a file whose
    // name does not say CSV.
    let semicolon = write(dir.path(), "day.txt", to_csv(&shipments, b';'));
    let run = exportctl(&[
        "batch",
        "--input-format",
        "csv",
        "--csv-delimiter",
        ";",
        &semicolon,
    ]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(run.stdout, exportctl(&["batch", &jsonl]).stdout);
}

#[test]
fn a_mapping_file_renames_the_columns_of_a_german_sap_extract() {
    let examples = repo().join("tests/examples");
    let mapping = examples.join("erp-csv/sap-de.toml");
    let orders = examples.join("erp-csv/sap-de-orders.csv");
    let run = exportctl(&[
        "batch",
        "--mapping",
        mapping.to_str().unwrap(),
        orders.to_str().unwrap(),
    ]);
    let check = exportctl(&[
        "check",
        "--format",
        "json",
        examples.join("de-furniture-to-kz.json").to_str().unwrap(),
        examples
            .join("de-microcontrollers-kz-end-user-ru.json")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(run.stdout, check.stdout);
    assert_eq!(run.verdicts().len(), 2);

    // Without the mapping the German names are unknown columns, each named,
    // and the file is one invalid input.
    let run = exportctl(&["batch", "--csv-delimiter", ";", orders.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains(
            "sap-de-orders.csv:row 1: column `Kunde Land`: not a column of the ERP CSV format version 1"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("summary: 1 inputs: 0 judged"),
        "{}",
        run.stderr
    );

    // A mapping to a field the format does not have: refused before anything
    // is judged, naming the mapping file's line and key.
    let dir = temp_dir();
    let bad = write(
        dir.path(),
        "bad.toml",
        "version = 1\n[columns]\n\"Kunde Land\" = \"customer_country\"\n",
    );
    let run = exportctl(&["batch", "--mapping", &bad, orders.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains(
            "bad.toml:3: `Kunde Land` = `customer_country`: not a column of the ERP CSV format version 1"
        ),
        "{}",
        run.stderr
    );
}

/// A valid file of four shipments (two rows each) with `edit` applied to its
/// text, run through `batch`.
fn run_edited(name: &str, edit: impl FnOnce(String) -> Vec<u8>) -> crate::support::Run {
    let dir = temp_dir();
    let mut shipments = shipments(4);
    for s in &mut shipments {
        // Two lines each, so every shipment has rows 2k and 2k+1.
        let lines = s["lines"].as_array_mut().unwrap();
        lines.truncate(2);
        if lines.len() == 1 {
            let mut second = lines[0].clone();
            second["line"] = 2.into();
            lines.push(second);
        }
        if let Some(licence) = s.pointer_mut("/licences/0") {
            licence["lines"] = json!([1, 2]);
        }
    }
    let text = to_csv(&shipments, b',');
    let file = write(dir.path(), name, edit(text));
    exportctl(&["batch", "--jobs", "2", &file])
}

/// The header [`run_edited`]'s files have.
fn header() -> Vec<String> {
    let text = to_csv(&shipments(4), b',');
    let first = text.lines().next().unwrap_or_default();
    first.split(',').map(str::to_owned).collect()
}

/// Replaces the cell of `column` in row `row` (1-based, the header is row 1).
fn set_cell(text: &str, row: usize, column: &str, value: &str) -> String {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let mut index = None;
    for (i, record) in reader.records().enumerate() {
        let mut cells: Vec<String> = record.unwrap().iter().map(str::to_owned).collect();
        let index = *index.get_or_insert_with(|| cells.iter().position(|c| c == column).unwrap());
        if i + 1 == row {
            cells[index] = value.to_owned();
        }
        out.write_record(&cells).unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

#[track_caller]
fn assert_invalid(run: &crate::support::Run, judged: usize, invalid: usize, messages: &[&str]) {
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.verdicts().len(), judged, "{}", run.stderr);
    let summary = format!("summary: {} inputs: {judged} judged", judged + invalid);
    assert!(run.stderr.contains(&summary), "{summary}\n{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("; {invalid} invalid")),
        "{}",
        run.stderr
    );
    for message in messages {
        assert!(run.stderr.contains(message), "{message}\n{}", run.stderr);
    }
}

#[test]
fn bad_rows_are_named_by_row_and_column_and_the_rest_is_judged() {
    // A shipment-level cell that differs between the rows of one shipment.
    let run = run_edited("differs.csv", |t| {
        set_cell(&t, 5, "consignee_country", "RU").into_bytes()
    });
    assert_invalid(
        &run,
        3,
        1,
        &[
            "differs.csv:row 5: shipment `C-00001`: column `consignee_country`: `RU` differs from `KZ` in row 4",
        ],
    );

    // A row with a cell too few.
    let run = run_edited("short.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        let cut = lines[6].rfind(',').unwrap();
        lines[6].truncate(cut);
        (lines.join("\n") + "\n").into_bytes()
    });
    assert_invalid(
        &run,
        3,
        1,
        &[&format!(
            "short.csv:row 7: {} cells, but the header has {} columns",
            header().len() - 1,
            header().len()
        )],
    );

    // Invalid UTF-8 in a description.
    let run = run_edited("latin1.csv", |t| {
        let t = set_cell(&t, 3, "description", "Stühle");
        t.replace("Stühle", "St\u{1}hle")
            .into_bytes()
            .into_iter()
            .map(|b| if b == 1 { 0xfc } else { b })
            .collect()
    });
    assert_invalid(
        &run,
        3,
        1,
        &["latin1.csv:row 3: column `description`: invalid UTF-8 (save the file as UTF-8)"],
    );

    // A value the format reads itself, and one the shipment reader validates.
    let run = run_edited("values.csv", |t| {
        let t = set_cell(&t, 2, "contract_no_russia_clause", "ja");
        set_cell(&t, 9, "hs_code", "85A2").into_bytes()
    });
    assert_invalid(
        &run,
        2,
        2,
        &[
            "values.csv:row 2: shipment `C-00000`: column `contract_no_russia_clause`: `ja` is not `true` or `false`",
            "values.csv:row 9: shipment `C-00003`: column `hs_code`: lines[1].hs_code: \"85A2\" is not a 6–10 digit HS code",
        ],
    );

    // A row without its shipment's number.
    let run = run_edited("no-id.csv", |t| {
        set_cell(&t, 6, "document_number", "").into_bytes()
    });
    // The row is not attached to a neighbour's shipment: C-00002 is row 7 alone.
    assert_invalid(
        &run,
        4,
        1,
        &["no-id.csv:row 6: column `document_number`: empty: every row names its shipment"],
    );
}

#[test]
fn a_shipment_split_by_other_rows_is_refused_whole_naming_its_rows() {
    // Rows 2–3 are C-00000, 4–5 C-00001, …; row 4 moved to the end leaves
    // C-00001 at row 4 and row 9.
    let run = run_edited("split.csv", |t| {
        let mut lines: Vec<&str> = t.lines().collect();
        let moved = lines.remove(3);
        lines.push(moved);
        (lines.join("\n") + "\n").into_bytes()
    });
    assert_invalid(
        &run,
        3,
        1,
        &[
            "split.csv:row 4: shipment `C-00001`: its rows are not consecutive: row 4, row 9, with other rows between them",
        ],
    );
    assert!(
        !run.stdout.contains("C-00001"),
        "no part of a split shipment is judged: {}",
        run.stdout
    );
}

#[test]
fn bad_headers_and_empty_files_are_one_invalid_input_each() {
    let run = run_edited("unknown.csv", |t| {
        t.replacen("hs_code", "hs_cod", 1).into_bytes()
    });
    assert_invalid(
        &run,
        0,
        1,
        &[
            "unknown.csv:row 1: column `hs_cod`: not a column of the ERP CSV format version 1 (sdk/spec/erp-csv.md) and not renamed by a mapping file (--mapping)",
            "unknown.csv:row 1: the header has no column for the required field `hs_code`",
        ],
    );

    let dir = temp_dir();
    let empty = write(dir.path(), "empty.csv", "");
    let header_only = write(
        dir.path(),
        "header.csv",
        format!("{}\n", header().join(",")),
    );
    let bom = write(dir.path(), "bom.csv", {
        let mut text = "\u{feff}".to_owned();
        text.push_str(&to_csv(&shipments(1), b','));
        text
    });
    let run = exportctl(&["batch", &empty, &header_only, &bom]);
    assert_invalid(
        &run,
        1,
        2,
        &[
            "empty.csv: the file is empty: a header row naming the columns is required",
            "header.csv: no shipment found: the file has a header but no rows",
        ],
    );
}

#[test]
fn a_large_csv_is_streamed_in_bounded_memory() {
    let dir = temp_dir();
    let mut shipment: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/examples/de-furniture-to-kz.json")).unwrap(),
    )
    .unwrap();
    // Two rows per shipment: 2,000 rows, and 20,000.
    let mut file = |name: &str, count: usize| {
        let shipments: Vec<Value> = (0..count)
            .map(|i| {
                shipment["id"] = format!("L-{i:06}").into();
                shipment.clone()
            })
            .collect();
        write(dir.path(), name, to_csv(&shipments, b','))
    };
    let small = file("small.csv", 1_000);
    let large = file("large.csv", 10_000);
    let out = dir.path().join("out.jsonl").display().to_string();
    let small = exportctl_measured(&["batch", "--jobs", "2", "--out", &out, &small]);
    let large = exportctl_measured(&["batch", "--jobs", "2", "--out", &out, &large]);
    assert_eq!(large.run.code, 0, "{}", large.run.stderr);
    assert!(
        large
            .run
            .stderr
            .contains("summary: 10000 inputs: 10000 judged"),
        "{}",
        large.run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap().lines().count(),
        10_000
    );
    // Ten times the rows, not ten times the memory: one shipment's rows and
    // each id are held, not the file.
    assert!(
        large.peak_rss_kib < small.peak_rss_kib + 16 * 1024,
        "peak RSS {} KiB for 20,000 rows, {} KiB for 2,000",
        large.peak_rss_kib,
        small.peak_rss_kib
    );
}
