//! The header row: which of the format's columns each column of the file is.

use super::columns::{Column, LineField, REQUIRED};
use super::error::{At, CsvError, What};
use super::mapping::Mapping;
use csv::ByteRecord;

const BOM: &str = "\u{feff}";

/// The columns of a file, in file order.
#[derive(Debug)]
pub(super) struct Header {
    /// Each column: how errors name it, and the format's column.
    pub(super) columns: Vec<(String, Column)>,
    /// Index of `document_number`.
    pub(super) id: usize,
    /// Whether the file has an `item_number` column; without it lines are
    /// numbered by row order.
    pub(super) item_numbers: bool,
}

impl Header {
    /// Reads the header row; every problem of it at once.
    pub(super) fn read(
        record: &ByteRecord,
        mapping: &Mapping,
        file: &str,
        row: u64,
    ) -> Result<Header, Vec<CsvError>> {
        let at = |column: Option<String>| At {
            file: file.to_owned(),
            row: Some(row),
            shipment: None,
            column,
        };
        // Whole-file mistakes first: each would otherwise show as a list of
        // unknown columns that hides the cause.
        let raw = record.as_slice();
        if raw.starts_with(&[0xff, 0xfe]) || raw.starts_with(&[0xfe, 0xff]) || raw.contains(&0) {
            return Err(vec![CsvError {
                at: at(None),
                what: What::Utf16,
            }]);
        }
        if let (1, Some(&found)) = (
            record.len(),
            [b';', b',', b'\t', b'|'].iter().find(|d| raw.contains(d)),
        ) {
            return Err(vec![CsvError {
                at: at(None),
                what: What::OneColumn(char::from(found).escape_default().to_string()),
            }]);
        }
        let mut problems = Vec::new();
        let mut columns: Vec<(String, Column)> = Vec::new();
        for (i, cell) in record.iter().enumerate() {
            let Ok(name) = std::str::from_utf8(cell) else {
                problems.push(CsvError {
                    at: at(Some(format!("{}", i + 1))),
                    what: What::InvalidUtf8,
                });
                continue;
            };
            let name = if i == 0 {
                name.strip_prefix(BOM).unwrap_or(name)
            } else {
                name
            };
            let name = name.trim();
            if name.is_empty() {
                problems.push(CsvError {
                    at: at(Some(format!("{}", i + 1))),
                    what: What::EmptyColumnName,
                });
                continue;
            }
            let Some(column) = mapping.column(name) else {
                problems.push(CsvError {
                    at: at(Some(format!("`{name}`"))),
                    what: What::UnknownColumn,
                });
                continue;
            };
            let shown = if column.to_string() == name {
                format!("`{name}`")
            } else {
                format!("`{name}` ({column})")
            };
            if let Some((first, _)) = columns.iter().find(|(_, c)| *c == column) {
                problems.push(CsvError {
                    at: at(Some(shown)),
                    what: What::DuplicateColumn {
                        field: column.to_string(),
                        first: first.clone(),
                    },
                });
                continue;
            }
            columns.push((shown, column));
        }
        for required in REQUIRED {
            if !columns.iter().any(|(_, c)| c == required) {
                problems.push(CsvError {
                    at: at(None),
                    what: What::MissingColumn(required.to_string()),
                });
            }
        }
        let id = columns
            .iter()
            .position(|(_, c)| *c == Column::DocumentNumber);
        match id {
            Some(id) if problems.is_empty() => Ok(Header {
                item_numbers: columns
                    .iter()
                    .any(|(_, c)| *c == Column::Line(LineField::Number)),
                columns,
                id,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn read(header: &[&str], mapping: &Mapping) -> Result<Header, Vec<String>> {
        Header::read(&ByteRecord::from(header.to_vec()), mapping, "o.csv", 1)
            .map_err(|problems| problems.iter().map(ToString::to_string).collect())
    }

    const MINIMAL: &[&str] = &[
        "document_number",
        "document_date",
        "exporter_name",
        "exporter_country",
        "consignee_name",
        "consignee_country",
        "origin_country",
        "destination_country",
        "description",
        "hs_code",
        "quantity",
        "value",
        "currency",
    ];

    #[test]
    fn a_minimal_header() {
        let mut names = MINIMAL.to_vec();
        names[0] = "\u{feff}document_number";
        let header = read(&names, &Mapping::default()).unwrap();
        assert_eq!((header.id, header.item_numbers), (0, false));
        assert_eq!(header.columns.len(), MINIMAL.len());
    }

    #[test]
    fn every_problem_of_a_header_at_once() {
        let mut names = MINIMAL.to_vec();
        names.retain(|n| *n != "hs_code");
        names.push("hs code");
        names.push("currency");
        let problems = read(&names, &Mapping::default()).unwrap_err();
        assert_eq!(
            problems,
            [
                "o.csv:row 1: column `hs code`: not a column of the ERP CSV format version 1 (sdk/spec/erp-csv.md) and not renamed by a mapping file (--mapping)",
                "o.csv:row 1: column `currency`: gives `currency` as column `currency` does too; each field may have one column",
                "o.csv:row 1: the header has no column for the required field `hs_code`",
            ]
        );
    }

    #[test]
    fn a_wrong_delimiter_or_utf_16_is_named_once() {
        let joined = MINIMAL.join(";");
        assert_eq!(
            read(&[&joined], &Mapping::default()).unwrap_err(),
            [
                "o.csv:row 1: the header is one column holding `;`: is `;` the delimiter? (--csv-delimiter ';' or `delimiter` in the mapping file)"
            ]
        );
        let utf16: Vec<u8> = [0xff, 0xfe, b'd', 0, b'o', 0].to_vec();
        let problems = Header::read(
            &ByteRecord::from(vec![utf16]),
            &Mapping::default(),
            "o.csv",
            1,
        )
        .unwrap_err();
        assert_eq!(
            problems[0].to_string(),
            "o.csv:row 1: the file looks like UTF-16; save it as UTF-8"
        );
    }

    #[test]
    fn mapped_names_are_shown_with_their_field() {
        let mapping = Mapping::parse(
            "version = 1\n[columns]\n\"Kunde Land\" = \"consignee_country\"\n",
            Path::new("m.toml"),
        )
        .unwrap();
        let mut names = MINIMAL.to_vec();
        names[5] = "Kunde Land";
        let header = read(&names, &mapping).unwrap();
        assert_eq!(header.columns[5].0, "`Kunde Land` (consignee_country)");
    }
}
