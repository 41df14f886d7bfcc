//! The mapping file (`sdk/spec/erp-csv.md`, mapping version 1): a company's
//! own column names for the format's columns, and the delimiter its ERP writes.
//!
//! ```toml
//! version = 1
//! delimiter = ";"
//! [columns]
//! "Kunde Land" = "consignee_country"
//! ```

use super::columns::Column;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The only mapping version this reader knows.
const VERSION: i64 = 1;

/// A loaded mapping file.
#[derive(Debug, Default)]
pub(crate) struct Mapping {
    /// File column name → the format's column.
    columns: HashMap<String, Column>,
    /// The delimiter the file sets, if it does.
    pub(crate) delimiter: Option<u8>,
}

/// Why a mapping file cannot be used; names the file and, where known, its line.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MappingError {
    /// It cannot be read.
    #[error("cannot read the mapping file {}: {source}", .file.display())]
    Unreadable {
        /// The mapping file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// It is not a mapping of this version.
    #[error("{}:{line}: {message}", .file.display())]
    Invalid {
        /// The mapping file.
        file: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: Spanned<i64>,
    delimiter: Option<Spanned<String>>,
    #[serde(default)]
    columns: HashMap<Spanned<String>, Spanned<String>>,
}

impl Mapping {
    /// Reads and checks a mapping file.
    pub(crate) fn load(file: &Path) -> Result<Mapping, MappingError> {
        let text = std::fs::read_to_string(file).map_err(|source| MappingError::Unreadable {
            file: file.to_owned(),
            source,
        })?;
        Mapping::parse(&text, file)
    }

    /// Reads a mapping from its text; `file` names it in errors.
    pub(crate) fn parse(text: &str, file: &Path) -> Result<Mapping, MappingError> {
        let invalid = |span: std::ops::Range<usize>, message: String| MappingError::Invalid {
            file: file.to_owned(),
            line: line_of(text, span.start),
            message,
        };
        let parsed: File = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_owned();
            invalid(e.span().unwrap_or(0..0), message)
        })?;
        if *parsed.version.get_ref() != VERSION {
            return Err(invalid(
                parsed.version.span(),
                format!(
                    "mapping version {} is not supported; this exportctl reads version {VERSION}",
                    parsed.version.get_ref()
                ),
            ));
        }
        let delimiter = match &parsed.delimiter {
            None => None,
            Some(d) => Some(delimiter(d.get_ref()).map_err(|m| invalid(d.span(), m))?),
        };
        let mut columns = HashMap::new();
        // In file order, so the first problem reported is the first in the file.
        let mut entries: Vec<_> = parsed.columns.into_iter().collect();
        entries.sort_by_key(|(key, _)| key.span().start);
        for (from, to) in entries {
            let name = from.get_ref().trim();
            if name.is_empty() {
                return Err(invalid(from.span(), "an empty column name".to_owned()));
            }
            let column = Column::parse(to.get_ref()).ok_or_else(|| {
                invalid(
                    to.span(),
                    format!(
                        "`{name}` = `{}`: not a column of the ERP CSV format version 1 (sdk/spec/erp-csv.md)",
                        to.get_ref()
                    ),
                )
            })?;
            columns.insert(name.to_owned(), column);
        }
        Ok(Mapping { columns, delimiter })
    }

    /// The format's column a file's column name stands for: its mapping, or
    /// else the canonical name itself.
    pub(super) fn column(&self, name: &str) -> Option<Column> {
        self.columns
            .get(name)
            .cloned()
            .or_else(|| Column::parse(name))
    }
}

/// A delimiter: one ASCII character that is not a quote or a line break.
pub(crate) fn delimiter(text: &str) -> Result<u8, String> {
    match text.as_bytes() {
        [b'\\', b't'] => Ok(b'\t'),
        [b] if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') => Ok(*b),
        _ => Err(format!(
            "delimiter `{text}`: expected one ASCII character such as `,` or `;` (not a quote or line break)"
        )),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .get(..offset)
        .unwrap_or(text.as_bytes())
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::super::columns::{Party, PartyField};
    use super::*;

    fn parse(text: &str) -> Result<Mapping, String> {
        Mapping::parse(text, Path::new("sap.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn renames_columns_and_sets_the_delimiter() {
        let mapping = parse(
            "version = 1\ndelimiter = \";\"\n[columns]\n\"Kunde Land\" = \"consignee_country\"\nBelegnr = \"document_number\"\n",
        )
        .unwrap();
        assert_eq!(mapping.delimiter, Some(b';'));
        assert_eq!(
            mapping.column("Kunde Land"),
            Some(Column::Party(Party::Consignee, PartyField::Country))
        );
        assert_eq!(mapping.column("Belegnr"), Some(Column::DocumentNumber));
        // Canonical names still read.
        assert_eq!(mapping.column("document_date"), Some(Column::DocumentDate));
        assert_eq!(mapping.column("Kunde Ort"), None);
    }

    #[test]
    fn errors_name_the_line_and_key() {
        assert_eq!(
            parse("version = 1\n[columns]\nA = \"document_number\"\n\"Kunde Land\" = \"consignee_contry\"\n")
                .unwrap_err(),
            "sap.toml:4: `Kunde Land` = `consignee_contry`: not a column of the ERP CSV format version 1 (sdk/spec/erp-csv.md)"
        );
        assert_eq!(
            parse("version = 2\n").unwrap_err(),
            "sap.toml:1: mapping version 2 is not supported; this exportctl reads version 1"
        );
        let unknown = parse("version = 1\n\ncolumn = {}\n").unwrap_err();
        assert!(
            unknown.starts_with("sap.toml:3: unknown field `column`"),
            "{unknown}"
        );
        let missing = parse("[columns]\n").unwrap_err();
        assert!(missing.contains("missing field `version`"), "{missing}");
        assert_eq!(
            parse("version = 1\ndelimiter = \";;\"\n").unwrap_err(),
            "sap.toml:2: delimiter `;;`: expected one ASCII character such as `,` or `;` (not a quote or line break)"
        );
    }

    #[test]
    fn delimiters() {
        assert_eq!(delimiter(","), Ok(b','));
        assert_eq!(delimiter("\\t"), Ok(b'\t'));
        assert!(delimiter("\"").is_err());
        assert!(delimiter("").is_err());
        assert!(delimiter("§").is_err());
    }
}
