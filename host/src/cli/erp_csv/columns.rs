//! The columns of the ERP flat CSV format, version 1 (`sdk/spec/erp-csv.md`):
//! each canonical column name and the shipment field it fills.

use std::fmt;

/// A party of the shipment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Party {
    Exporter,
    Consignee,
    EndUser,
    /// `other_parties`, by the number in the column name (from 1).
    Other(u16),
}

/// A field of a party.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum PartyField {
    /// Only for other parties.
    Role,
    Name,
    Country,
    Region,
    Address,
    RegistrationDate,
    /// `;`-separated names.
    Aliases,
    /// One entry of the party's `ids` map, by its key.
    Id(String),
}

/// A field of a licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum LicenceField {
    Id,
    Jurisdiction,
    /// `;`-separated line numbers.
    Lines,
    ValidUntil,
}

/// A field of a line item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum LineField {
    /// `line`; numbered by row order when the file has no such column.
    Number,
    Description,
    HsCode,
    /// `;`-separated codes.
    ControlCodes,
    OriginCountry,
    Quantity,
    Unit,
    /// `value.amount`.
    Value,
    /// `value.currency`.
    Currency,
    UsContentPercent,
}

/// One column of the format: the shipment field its cells fill.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Column {
    DocumentNumber,
    DocumentDate,
    Party(Party, PartyField),
    OriginCountry,
    DestinationCountry,
    /// `;`-separated codes in order of travel.
    TransitCountries,
    TransportMode,
    EndUseStatement,
    EndUseMilitary,
    EndUseSector,
    ContractReference,
    ContractDate,
    ContractNoRussiaClause,
    /// `licences`, by the number in the column name (from 1).
    Licence(u16, LicenceField),
    Line(LineField),
}

/// How a cell is turned into a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// As it is (numbers too: the reader takes decimal strings).
    Text,
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// `;`-separated texts.
    TextList,
    /// `;`-separated whole numbers.
    IntegerList,
}

/// Most other parties and licences a file may number (`other_party_999_…`).
const MAX_NUMBERED: u16 = 999;

/// Columns with one fixed name, in the order the spec lists them.
const FIXED: &[(&str, Column)] = &[
    ("document_number", Column::DocumentNumber),
    ("document_date", Column::DocumentDate),
    ("origin_country", Column::OriginCountry),
    ("destination_country", Column::DestinationCountry),
    ("transit_countries", Column::TransitCountries),
    ("transport_mode", Column::TransportMode),
    ("end_use_statement", Column::EndUseStatement),
    ("end_use_military", Column::EndUseMilitary),
    ("end_use_sector", Column::EndUseSector),
    ("contract_reference", Column::ContractReference),
    ("contract_date", Column::ContractDate),
    ("contract_no_russia_clause", Column::ContractNoRussiaClause),
    ("item_number", Column::Line(LineField::Number)),
    ("description", Column::Line(LineField::Description)),
    ("hs_code", Column::Line(LineField::HsCode)),
    ("control_codes", Column::Line(LineField::ControlCodes)),
    (
        "item_origin_country",
        Column::Line(LineField::OriginCountry),
    ),
    ("quantity", Column::Line(LineField::Quantity)),
    ("unit", Column::Line(LineField::Unit)),
    ("value", Column::Line(LineField::Value)),
    ("currency", Column::Line(LineField::Currency)),
    (
        "us_content_percent",
        Column::Line(LineField::UsContentPercent),
    ),
];

/// The columns a header must have: the shipment's required fields.
pub(super) const REQUIRED: &[Column] = &[
    Column::DocumentNumber,
    Column::DocumentDate,
    Column::Party(Party::Exporter, PartyField::Name),
    Column::Party(Party::Exporter, PartyField::Country),
    Column::Party(Party::Consignee, PartyField::Name),
    Column::Party(Party::Consignee, PartyField::Country),
    Column::OriginCountry,
    Column::DestinationCountry,
    Column::Line(LineField::Description),
    Column::Line(LineField::HsCode),
    Column::Line(LineField::Quantity),
    Column::Line(LineField::Value),
    Column::Line(LineField::Currency),
];

const PARTY_FIELDS: &[(&str, PartyField)] = &[
    ("role", PartyField::Role),
    ("name", PartyField::Name),
    ("country", PartyField::Country),
    ("region", PartyField::Region),
    ("address", PartyField::Address),
    ("registration_date", PartyField::RegistrationDate),
    ("aliases", PartyField::Aliases),
];

const LICENCE_FIELDS: &[(&str, LicenceField)] = &[
    ("id", LicenceField::Id),
    ("jurisdiction", LicenceField::Jurisdiction),
    ("lines", LicenceField::Lines),
    ("valid_until", LicenceField::ValidUntil),
];

impl Column {
    /// The column a canonical name stands for (ASCII case ignored), if any.
    pub(super) fn parse(name: &str) -> Option<Column> {
        let name = name.to_ascii_lowercase();
        if let Some((_, column)) = FIXED.iter().find(|(n, _)| *n == name) {
            return Some(column.clone());
        }
        for (prefix, party) in [
            ("exporter_", Party::Exporter),
            ("consignee_", Party::Consignee),
            ("end_user_", Party::EndUser),
        ] {
            if let Some(rest) = name.strip_prefix(prefix) {
                return party_field(rest)
                    .filter(|f| *f != PartyField::Role)
                    .map(|f| Column::Party(party, f));
            }
        }
        if let Some(rest) = name.strip_prefix("other_party_") {
            let (n, rest) = numbered(rest)?;
            return party_field(rest).map(|f| Column::Party(Party::Other(n), f));
        }
        if let Some(rest) = name.strip_prefix("licence_") {
            let (n, rest) = numbered(rest)?;
            let (_, field) = LICENCE_FIELDS.iter().find(|(f, _)| *f == rest)?;
            return Some(Column::Licence(n, *field));
        }
        None
    }

    /// Whether its cells belong to each row (a line item) rather than to the
    /// shipment (repeated on every row of it).
    pub(super) fn per_line(&self) -> bool {
        matches!(self, Column::Line(_))
    }

    /// How its cells are read.
    pub(super) fn kind(&self) -> Kind {
        match self {
            Column::EndUseMilitary | Column::ContractNoRussiaClause => Kind::Bool,
            Column::Line(LineField::Number) => Kind::Integer,
            Column::TransitCountries
            | Column::Party(_, PartyField::Aliases)
            | Column::Line(LineField::ControlCodes) => Kind::TextList,
            Column::Licence(_, LicenceField::Lines) => Kind::IntegerList,
            _ => Kind::Text,
        }
    }
}

/// `name`, `id_vat`, … after a party's prefix.
fn party_field(rest: &str) -> Option<PartyField> {
    if let Some(key) = rest.strip_prefix("id_") {
        let valid = !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        return valid.then(|| PartyField::Id(key.to_owned()));
    }
    PARTY_FIELDS
        .iter()
        .find(|(f, _)| *f == rest)
        .map(|(_, field)| field.clone())
}

/// `3_name` → (3, `name`): a number from 1 without leading zeros, so each
/// party or licence has one spelling.
fn numbered(rest: &str) -> Option<(u16, &str)> {
    let (digits, rest) = rest.split_once('_')?;
    if digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u16 = digits.parse().ok()?;
    (1..=MAX_NUMBERED).contains(&n).then_some((n, rest))
}

impl fmt::Display for Column {
    /// The canonical name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((name, _)) = FIXED.iter().find(|(_, c)| c == self) {
            return f.write_str(name);
        }
        match self {
            Column::Party(party, field) => {
                match party {
                    Party::Exporter => f.write_str("exporter_")?,
                    Party::Consignee => f.write_str("consignee_")?,
                    Party::EndUser => f.write_str("end_user_")?,
                    Party::Other(n) => write!(f, "other_party_{n}_")?,
                }
                match field {
                    PartyField::Id(key) => write!(f, "id_{key}"),
                    field => {
                        let (name, _) = PARTY_FIELDS
                            .iter()
                            .find(|(_, x)| x == field)
                            .ok_or(fmt::Error)?;
                        f.write_str(name)
                    }
                }
            }
            Column::Licence(n, field) => {
                let (name, _) = LICENCE_FIELDS
                    .iter()
                    .find(|(_, x)| x == field)
                    .ok_or(fmt::Error)?;
                write!(f, "licence_{n}_{name}")
            }
            _ => Err(fmt::Error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_as_its_column() {
        let mut columns: Vec<Column> = FIXED.iter().map(|(_, c)| c.clone()).collect();
        for party in [
            Party::Exporter,
            Party::Consignee,
            Party::EndUser,
            Party::Other(12),
        ] {
            for (_, field) in PARTY_FIELDS {
                if *field != PartyField::Role || matches!(party, Party::Other(_)) {
                    columns.push(Column::Party(party, field.clone()));
                }
            }
            columns.push(Column::Party(party, PartyField::Id("vat".into())));
        }
        for (_, field) in LICENCE_FIELDS {
            columns.push(Column::Licence(3, *field));
        }
        for column in columns {
            let name = column.to_string();
            assert_eq!(Column::parse(&name), Some(column), "{name}");
        }
    }

    #[test]
    fn names_of_the_spec() {
        assert_eq!(
            Column::parse("Consignee_Country"),
            Some(Column::Party(Party::Consignee, PartyField::Country))
        );
        assert_eq!(
            Column::parse("other_party_2_role"),
            Some(Column::Party(Party::Other(2), PartyField::Role))
        );
        assert_eq!(
            Column::parse("end_user_id_bin"),
            Some(Column::Party(Party::EndUser, PartyField::Id("bin".into())))
        );
        assert_eq!(
            Column::parse("licence_1_lines"),
            Some(Column::Licence(1, LicenceField::Lines))
        );
        assert_eq!(
            Column::parse("licence_1_lines").map(|c| c.kind()),
            Some(Kind::IntegerList)
        );
        assert!(Column::parse("hs_code").is_some_and(|c| c.per_line()));
        assert!(Column::parse("consignee_name").is_some_and(|c| !c.per_line()));
    }

    #[test]
    fn near_misses_are_not_columns() {
        for name in [
            "",
            "hscode",
            "consignee_role",
            "other_party_0_name",
            "other_party_01_name",
            "other_party_1000_name",
            "other_party_x_name",
            "other_party_1",
            "licence_1_number",
            "exporter_id_",
            "exporter_id_VAT no",
            "lines",
            "id",
        ] {
            assert_eq!(Column::parse(name), None, "{name}");
        }
    }
}
