//! Reading the party master `exportctl rescreen --parties` screens
//! (`sdk/spec/party-master.md`): CSV with a header row, or JSON Lines. Every row
//! becomes a party or an error naming the file, the row and the column; a party
//! id seen twice is an error naming both rows, never a silent overwrite.

use exportctl::PartyRecord;
use exportctl_sdk::input::country_code;
use serde::Deserialize;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The CSV columns, in the order the spec lists them; `id`, `name` and
/// `country` are required.
pub(super) const COLUMNS: [&str; 6] = ["id", "role", "name", "country", "aliases", "address"];
const REQUIRED: [&str; 3] = ["id", "name", "country"];
/// Aliases in one CSV cell are separated by this character.
pub(super) const ALIAS_SEPARATOR: char = ';';
/// Most parties one file may hold (memory stays bounded: about 200 bytes each).
pub(super) const MAX_PARTIES: usize = 5_000_000;
/// Longest value of one field, in bytes.
const MAX_FIELD_BYTES: usize = 4096;

/// One row of the party master: a party, or why it is not one.
pub(super) type Row = Result<PartyRecord, String>;

/// Reads `path` whole: every row in file order. A file that cannot be read at
/// all (missing, not UTF-8 in its header, no header) is one error.
pub(super) fn read(path: &Path) -> Result<Vec<Row>, String> {
    let name = path.display().to_string();
    let file =
        File::open(path).map_err(|e| format!("{name}: cannot read the party master: {e}"))?;
    let lower = name.to_ascii_lowercase();
    let mut rows = if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
        read_json_lines(BufReader::new(file), &name)?
    } else {
        read_csv(file, &name)?
    };
    mark_duplicates(&mut rows, &name);
    Ok(rows)
}

fn read_csv(file: impl Read, name: &str) -> Result<Vec<Row>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(file);
    let header = reader
        .headers()
        .map_err(|e| format!("{name}: row 1 (header): {}", csv_reason(&e)))?
        .clone();
    let mut at = HashMap::new();
    for (i, column) in header.iter().enumerate() {
        let column = column.trim_start_matches('\u{feff}').trim();
        if !COLUMNS.contains(&column) {
            return Err(format!(
                "{name}: row 1 (header), column {}: unknown column `{column}` (known: {})",
                i + 1,
                COLUMNS.join(", ")
            ));
        }
        if at.insert(column.to_owned(), i).is_some() {
            return Err(format!(
                "{name}: row 1 (header): column `{column}` appears twice"
            ));
        }
    }
    if let Some(missing) = REQUIRED.iter().find(|c| !at.contains_key(**c)) {
        return Err(format!(
            "{name}: row 1 (header): the required column `{missing}` is missing"
        ));
    }
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut number = 1;
    loop {
        number += 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let cell = |column: &str| at.get(column).and_then(|&i| record.get(i)).unwrap_or("");
                rows.push(party(
                    |column| Some(cell(column).trim().to_owned()).filter(|v| !v.is_empty()),
                    cell("aliases")
                        .split(ALIAS_SEPARATOR)
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    &format!("{name}: row {number}"),
                ));
            }
            // A row that cannot be read (wrong number of cells, not UTF-8) is
            // reported by its number; the reader carries on with the next row.
            Err(e) => rows.push(Err(format!("{name}: row {number}: {}", csv_reason(&e)))),
        }
        if rows.len() > MAX_PARTIES {
            return Err(format!(
                "{name}: more than {MAX_PARTIES} parties; split the file"
            ));
        }
    }
    Ok(rows)
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{len} cells, but the header has {expected_len} columns")
        }
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("column {} is not UTF-8 text", err.field() + 1)
        }
        _ => e.to_string(),
    }
}

/// One JSON Lines entry: the spec's field names.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonParty {
    id: String,
    #[serde(default)]
    role: Option<String>,
    name: String,
    country: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    address: Option<String>,
}

fn read_json_lines(reader: impl BufRead, name: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for (i, line) in reader.split(b'\n').enumerate() {
        let number = i + 1;
        let line = line.map_err(|e| format!("{name}: line {number}: {e}"))?;
        let Ok(text) = std::str::from_utf8(&line) else {
            rows.push(Err(format!("{name}: line {number}: not UTF-8 text")));
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let origin = format!("{name}: line {number}");
        rows.push(match serde_json::from_str::<JsonParty>(text) {
            Ok(p) => {
                let fields = [
                    ("id", Some(p.id)),
                    ("role", p.role),
                    ("name", Some(p.name)),
                    ("country", Some(p.country)),
                    ("address", p.address),
                ];
                let field = |column: &str| {
                    fields
                        .iter()
                        .find(|(c, _)| *c == column)
                        .and_then(|(_, v)| v.as_deref())
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(str::to_owned)
                };
                party(field, p.aliases, &origin)
            }
            Err(e) => Err(format!("{origin}: {e}")),
        });
        if rows.len() > MAX_PARTIES {
            return Err(format!(
                "{name}: more than {MAX_PARTIES} parties; split the file"
            ));
        }
    }
    Ok(rows)
}

/// Builds a party from its fields, naming the first bad one.
fn party(field: impl Fn(&str) -> Option<String>, aliases: Vec<String>, origin: &str) -> Row {
    for column in COLUMNS {
        if field(column).is_some_and(|v| v.len() > MAX_FIELD_BYTES) {
            return Err(format!(
                "{origin}, column `{column}`: longer than {MAX_FIELD_BYTES} bytes"
            ));
        }
    }
    if let Some(alias) = aliases.iter().find(|a| a.len() > MAX_FIELD_BYTES) {
        return Err(format!(
            "{origin}, column `aliases`: the alias `{}…` is longer than {MAX_FIELD_BYTES} bytes",
            alias.chars().take(20).collect::<String>()
        ));
    }
    let required = |column: &str| {
        field(column)
            .ok_or_else(|| format!("{origin}, column `{column}`: missing (it is required)"))
    };
    let id = required("id")?;
    let name = required("name")?;
    let country_text = required("country")?;
    let country = country_code(&country_text)
        .map_err(|reason| format!("{origin}, column `country`: {reason}"))?;
    Ok(PartyRecord {
        id,
        role: field("role").unwrap_or_else(|| "party".to_owned()),
        name,
        country,
        aliases,
        address: field("address"),
    })
}

/// Turns every repeat of a party id into an error naming the first row.
fn mark_duplicates(rows: &mut [Row], name: &str) {
    let mut first: HashMap<String, usize> = HashMap::new();
    for (i, row) in rows.iter_mut().enumerate() {
        let Ok(party) = row else { continue };
        if let Some(&earlier) = first.get(&party.id) {
            *row = Err(format!(
                "{name}: party id `{}` (entry {}) repeats entry {}; a party master holds each id once",
                party.id,
                i + 1,
                earlier + 1
            ));
        } else {
            first.insert(party.id.clone(), i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Vec<Row> {
        let mut rows = read_csv(text.as_bytes(), "p.csv").unwrap();
        mark_duplicates(&mut rows, "p.csv");
        rows
    }

    #[test]
    fn a_row_becomes_a_party_with_its_aliases() {
        let rows = csv(
            "id,name,country,aliases,role\nC-1,Inter-Trade Electro,kz,Inter Treid; ITE ,customer\n",
        );
        let p = rows[0].as_ref().unwrap();
        assert_eq!(p.id, "C-1");
        assert_eq!(p.country.as_str(), "KZ");
        assert_eq!(p.aliases, ["Inter Treid", "ITE"]);
        assert_eq!(p.role, "customer");
        assert_eq!(p.address, None);
    }

    #[test]
    fn bad_rows_name_their_row_and_column() {
        let rows = csv("id,name,country\nC-1,A,KZ\nC-2,B\n,C,KZ\nC-4,D,XX\nC-1,E,DE\n");
        assert!(rows[0].is_ok());
        assert_eq!(
            rows[1].as_ref().unwrap_err(),
            "p.csv: row 3: 2 cells, but the header has 3 columns"
        );
        assert_eq!(
            rows[2].as_ref().unwrap_err(),
            "p.csv: row 4, column `id`: missing (it is required)"
        );
        assert!(
            rows[3]
                .as_ref()
                .unwrap_err()
                .starts_with("p.csv: row 5, column `country`: \"XX\" is not"),
            "{:?}",
            rows[3]
        );
        assert!(rows[4].as_ref().unwrap_err().contains("repeats entry 1"));
    }

    #[test]
    fn the_header_is_checked_first() {
        let e = read_csv("id,name,land\n".as_bytes(), "p.csv").unwrap_err();
        assert!(e.contains("column 3: unknown column `land`"), "{e}");
        let e = read_csv("id,name\n".as_bytes(), "p.csv").unwrap_err();
        assert!(e.contains("`country` is missing"), "{e}");
        assert!(read_csv("\u{feff}id,name,country\n".as_bytes(), "p.csv").is_ok());
    }

    #[test]
    fn invalid_utf8_is_an_error_of_its_row() {
        let mut bytes = b"id,name,country\nC-1,".to_vec();
        bytes.extend([0xff, 0xfe]);
        bytes.extend(b",KZ\n");
        let rows = read_csv(&bytes[..], "p.csv").unwrap();
        assert_eq!(
            rows[0].as_ref().unwrap_err(),
            "p.csv: row 2: column 2 is not UTF-8 text"
        );
    }

    #[test]
    fn json_lines_use_the_same_fields() {
        let text = "{\"id\":\"S-9\",\"name\":\"Rhein GmbH\",\"country\":\"DE\",\"aliases\":[\"Rhein\"]}\n\n{\"id\":\"S-10\",\"name\":\"X\"}\n{\"id\":\"S-11\",\"name\":\"Y\",\"country\":\"DE\",\"colour\":1}\n";
        let rows = read_json_lines(text.as_bytes(), "p.jsonl").unwrap();
        assert_eq!(rows[0].as_ref().unwrap().aliases, ["Rhein"]);
        assert!(
            rows[1]
                .as_ref()
                .unwrap_err()
                .starts_with("p.jsonl: line 3: missing field `country`")
        );
        assert!(
            rows[2]
                .as_ref()
                .unwrap_err()
                .contains("unknown field `colour`")
        );
    }
}
