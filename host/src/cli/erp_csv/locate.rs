//! Which row and column of the file a field path of the shipment came from,
//! so that a validation error of the shipment reader (`lines[1].hs_code`)
//! also names the row and the column as the file names it.

use super::columns::{Column, LineField, Party, PartyField};
use super::document::Row;
use super::header::Header;

/// The row and the header index of the column `path` was built from, as far
/// as they are known. Other parties and licences are numbered in the file,
/// and may skip numbers, so their column is not guessed.
pub(super) fn locate(path: &str, header: &Header, rows: &[Row]) -> (Option<u64>, Option<usize>) {
    let index = |column: Option<Column>| {
        column.and_then(|column| header.columns.iter().position(|(_, c)| *c == column))
    };
    if let Some(rest) = path.strip_prefix("lines[") {
        let Some((i, rest)) = rest.split_once(']') else {
            return (None, None);
        };
        let row = i.parse::<usize>().ok().and_then(|i| rows.get(i));
        let field = rest.strip_prefix('.').unwrap_or(rest);
        return (row.map(|r| r.number), index(line_column(field)));
    }
    (rows.first().map(|r| r.number), index(shipment_column(path)))
}

fn line_column(field: &str) -> Option<Column> {
    let line = match first(field) {
        "line" => LineField::Number,
        "description" => LineField::Description,
        "hs_code" => LineField::HsCode,
        "control_codes" => LineField::ControlCodes,
        "origin_country" => LineField::OriginCountry,
        "quantity" => LineField::Quantity,
        "unit" => LineField::Unit,
        "value" if field.starts_with("value.currency") => LineField::Currency,
        "value" => LineField::Value,
        "us_content_percent" => LineField::UsContentPercent,
        _ => return None,
    };
    Some(Column::Line(line))
}

fn shipment_column(path: &str) -> Option<Column> {
    let (head, rest) = match path.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (first(path), None),
    };
    let party = match head {
        "exporter" => Some(Party::Exporter),
        "consignee" => Some(Party::Consignee),
        "end_user" => Some(Party::EndUser),
        _ => None,
    };
    if let (Some(party), Some(rest)) = (party, rest) {
        let field = match first(rest) {
            "name" => PartyField::Name,
            "country" => PartyField::Country,
            "region" => PartyField::Region,
            "address" => PartyField::Address,
            "registration_date" => PartyField::RegistrationDate,
            "aliases" => PartyField::Aliases,
            "ids" => PartyField::Id(rest.strip_prefix("ids.")?.to_owned()),
            _ => return None,
        };
        return Some(Column::Party(party, field));
    }
    Some(match (head, rest.map(first)) {
        ("id", None) => Column::DocumentNumber,
        ("date", None) => Column::DocumentDate,
        ("origin_country", None) => Column::OriginCountry,
        ("destination_country", None) => Column::DestinationCountry,
        ("transit_countries", None) => Column::TransitCountries,
        ("transport_mode", None) => Column::TransportMode,
        ("end_use", Some("statement")) => Column::EndUseStatement,
        ("end_use", Some("military")) => Column::EndUseMilitary,
        ("end_use", Some("sector")) => Column::EndUseSector,
        ("contract", Some("reference")) => Column::ContractReference,
        ("contract", Some("date")) => Column::ContractDate,
        ("contract", Some("no_russia_clause")) => Column::ContractNoRussiaClause,
        _ => return None,
    })
}

/// The first name of a path: `aliases` of `aliases[2]`, `value` of `value.amount`.
fn first(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::super::mapping::Mapping;
    use super::*;
    use csv::ByteRecord;

    #[test]
    fn paths_lead_to_their_row_and_column() {
        let names = [
            "document_number",
            "document_date",
            "exporter_name",
            "exporter_country",
            "exporter_id_vat",
            "consignee_name",
            "consignee_country",
            "origin_country",
            "destination_country",
            "transit_countries",
            "contract_date",
            "description",
            "hs_code",
            "quantity",
            "value",
            "currency",
        ];
        let header = Header::read(
            &ByteRecord::from(names.to_vec()),
            &Mapping::default(),
            "o.csv",
            1,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let rows: Vec<Row> = [4, 5, 7]
            .into_iter()
            .map(|number| Row {
                number,
                cells: csv::StringRecord::new(),
            })
            .collect();
        let at = |path: &str| {
            let (row, column) = locate(path, &header, &rows);
            (row, column.map(|i| names[i]))
        };
        assert_eq!(at("lines[2].hs_code"), (Some(7), Some("hs_code")));
        assert_eq!(at("lines[1].value.currency"), (Some(5), Some("currency")));
        assert_eq!(at("lines[1].value.amount"), (Some(5), Some("value")));
        assert_eq!(at("lines[0].unit"), (Some(4), None));
        assert_eq!(at("lines[9].hs_code"), (None, Some("hs_code")));
        assert_eq!(
            at("transit_countries[1]"),
            (Some(4), Some("transit_countries"))
        );
        assert_eq!(at("exporter.ids.vat"), (Some(4), Some("exporter_id_vat")));
        assert_eq!(
            at("consignee.country"),
            (Some(4), Some("consignee_country"))
        );
        assert_eq!(at("contract.date"), (Some(4), Some("contract_date")));
        assert_eq!(at("date"), (Some(4), Some("document_date")));
        assert_eq!(at("other_parties[0].name"), (Some(4), None));
        assert_eq!(at("lines"), (Some(4), None));
    }
}
