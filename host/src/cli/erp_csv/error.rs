//! What can be wrong with an ERP CSV file, named by file, row, shipment and
//! column as the file's reader sees them.

use std::fmt;

/// Where a problem is: the file, the row (a line number of the file; the
/// header is row 1), the shipment and the column as the file names it.
#[derive(Debug, Clone, Default)]
pub(crate) struct At {
    pub(crate) file: String,
    pub(crate) row: Option<u64>,
    pub(crate) shipment: Option<String>,
    /// `Kunde Land` (consignee_country), or just `consignee_country`.
    pub(crate) column: Option<String>,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(row) = self.row {
            write!(f, ":row {row}")?;
        }
        if let Some(id) = &self.shipment {
            write!(f, ": shipment `{id}`")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": column {column}")?;
        }
        Ok(())
    }
}

/// One problem of an ERP CSV file, at its place.
#[derive(Debug, thiserror::Error)]
#[error("{at}: {what}")]
pub(crate) struct CsvError {
    pub(crate) at: At,
    pub(crate) what: What,
}

/// What is wrong.
#[derive(Debug, thiserror::Error)]
pub(crate) enum What {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is empty: a header row naming the columns is required")]
    Empty,
    #[error("no shipment found: the file has a header but no rows")]
    NoRows,
    #[error(
        "not a column of the ERP CSV format version 1 (sdk/spec/erp-csv.md) and not renamed by a mapping file (--mapping)"
    )]
    UnknownColumn,
    #[error("the header has no column for the required field `{0}`")]
    MissingColumn(String),
    #[error("gives `{field}` as column {first} does too; each field may have one column")]
    DuplicateColumn { field: String, first: String },
    #[error("an empty column name in the header")]
    EmptyColumnName,
    #[error("{}{message}", .path.as_ref().map(|p| format!("{p}: ")).unwrap_or_default())]
    Field {
        /// The shipment's field path, as the JSON reader names it.
        path: Option<String>,
        message: String,
    },
    #[error("the file looks like UTF-16; save it as UTF-8")]
    Utf16,
    #[error(
        "the header is one column holding `{0}`: is `{0}` the delimiter? (--csv-delimiter '{0}' or `delimiter` in the mapping file)"
    )]
    OneColumn(String),
    #[error("invalid UTF-8 (save the file as UTF-8)")]
    InvalidUtf8,
    #[error("{found} cells, but the header has {expected} columns")]
    CellCount { found: usize, expected: usize },
    #[error("empty: every row names its shipment")]
    NoShipment,
    #[error(
        "`{value}` differs from `{first}` in row {first_row}; a shipment-level column repeats the same value on every row of the shipment"
    )]
    Differs {
        value: String,
        first: String,
        first_row: u64,
    },
    #[error("`{0}` is not `true` or `false`")]
    NotBoolean(String),
    #[error("`{0}` is not a whole number")]
    NotInteger(String),
    #[error("an empty entry in the `;`-separated list `{0}`")]
    EmptyListEntry(String),
    #[error(
        "its rows are not consecutive: {runs}, with other rows between them; sort the file so each shipment's rows follow each other (no part of it was judged)"
    )]
    Split { runs: String },
    #[error("more than {rows} rows or {bytes} bytes in one shipment")]
    TooLarge { rows: usize, bytes: u64 },
    #[error("a row longer than {0} bytes; reading of the file stops here")]
    RowTooLong(u64),
}

/// `rows 4–7` or `row 4`.
pub(crate) fn rows(first: u64, last: u64) -> String {
    if first == last {
        format!("row {first}")
    } else {
        format!("rows {first}–{last}")
    }
}
