//! One shipment's rows → the JSON value of `shipment.md`, which the SDK then
//! reads and validates as it reads JSON.

use super::columns::{Column, Kind, LicenceField, LineField, Party, PartyField};
use super::error::{At, CsvError, What};
use super::header::Header;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One row of the file: its row number and its cells, trimmed.
#[derive(Debug)]
pub(super) struct Row {
    pub(super) number: u64,
    pub(super) cells: csv::StringRecord,
}

/// The shipment of `rows` (at least one, all of one `document_number`), or
/// every problem of its cells, each naming its row and column.
pub(super) fn build(header: &Header, rows: &[Row], file: &str) -> Result<Value, Vec<CsvError>> {
    let mut problems = Vec::new();
    let Some(first) = rows.first() else {
        return Ok(Value::Object(Map::new()));
    };
    let id = first.cells.get(header.id).map(str::to_owned);
    let at = |row: &Row, column: &str| At {
        file: file.to_owned(),
        row: Some(row.number),
        shipment: id.clone(),
        column: Some(column.to_owned()),
    };
    let mut shipment = Shipment::default();
    for (i, (shown, column)) in header.columns.iter().enumerate() {
        if column.per_line() {
            continue;
        }
        let value = cell(first, i);
        for row in &rows[1..] {
            if cell(row, i) != value {
                problems.push(CsvError {
                    at: at(row, shown),
                    what: What::Differs {
                        value: cell(row, i).to_owned(),
                        first: value.to_owned(),
                        first_row: first.number,
                    },
                });
            }
        }
        match convert(value, column.kind()) {
            Ok(Some(value)) => shipment.set(column, value),
            Ok(None) => {}
            Err(what) => problems.push(CsvError {
                at: at(first, shown),
                what,
            }),
        }
    }
    let mut lines = Vec::with_capacity(rows.len());
    for (position, row) in rows.iter().enumerate() {
        let mut line = Map::new();
        let mut money = Map::new();
        if !header.item_numbers {
            line.insert("line".into(), (position + 1).into());
        }
        for (i, (shown, column)) in header.columns.iter().enumerate() {
            let Column::Line(field) = column else {
                continue;
            };
            let value = match convert(cell(row, i), column.kind()) {
                Ok(Some(value)) => value,
                Ok(None) => continue,
                Err(what) => {
                    problems.push(CsvError {
                        at: at(row, shown),
                        what,
                    });
                    continue;
                }
            };
            let (map, key) = match field {
                LineField::Number => (&mut line, "line"),
                LineField::Description => (&mut line, "description"),
                LineField::HsCode => (&mut line, "hs_code"),
                LineField::ControlCodes => (&mut line, "control_codes"),
                LineField::OriginCountry => (&mut line, "origin_country"),
                LineField::Quantity => (&mut line, "quantity"),
                LineField::Unit => (&mut line, "unit"),
                LineField::Value => (&mut money, "amount"),
                LineField::Currency => (&mut money, "currency"),
                LineField::UsContentPercent => (&mut line, "us_content_percent"),
            };
            map.insert(key.into(), value);
        }
        if !money.is_empty() {
            line.insert("value".into(), Value::Object(money));
        }
        lines.push(Value::Object(line));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut value = shipment.finish();
    value.insert("lines".into(), Value::Array(lines));
    Ok(Value::Object(value))
}

/// A row's cell; a row with fewer cells than the header is reported on its
/// own, so a missing cell here is empty.
fn cell(row: &Row, i: usize) -> &str {
    row.cells.get(i).unwrap_or("")
}

/// A cell as JSON; `None` for an empty cell (the field is absent).
fn convert(cell: &str, kind: Kind) -> Result<Option<Value>, What> {
    if cell.is_empty() {
        return Ok(None);
    }
    let value = match kind {
        Kind::Text => Value::String(cell.to_owned()),
        Kind::Bool => match cell.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(What::NotBoolean(cell.to_owned())),
        },
        Kind::Integer => integer(cell)?,
        Kind::TextList => Value::Array(
            list(cell)?
                .into_iter()
                .map(|item| Value::String(item.to_owned()))
                .collect(),
        ),
        Kind::IntegerList => Value::Array(
            list(cell)?
                .into_iter()
                .map(integer)
                .collect::<Result<_, _>>()?,
        ),
    };
    Ok(Some(value))
}

fn integer(text: &str) -> Result<Value, What> {
    text.parse::<i64>()
        .map(Value::from)
        .map_err(|_| What::NotInteger(text.to_owned()))
}

/// The items of a `;`-separated cell, trimmed; an empty item is an error
/// rather than dropped, since it usually means a value went missing.
fn list(cell: &str) -> Result<Vec<&str>, What> {
    cell.split(';')
        .map(str::trim)
        .map(|item| {
            if item.is_empty() {
                Err(What::EmptyListEntry(cell.to_owned()))
            } else {
                Ok(item)
            }
        })
        .collect()
}

/// The shipment-level fields gathered from the columns.
#[derive(Default)]
struct Shipment {
    fields: Map<String, Value>,
    parties: BTreeMap<Party, Map<String, Value>>,
    end_use: Map<String, Value>,
    contract: Map<String, Value>,
    licences: BTreeMap<u16, Map<String, Value>>,
}

impl Shipment {
    fn set(&mut self, column: &Column, value: Value) {
        let (map, key) = match column {
            Column::DocumentNumber => (&mut self.fields, "id".to_owned()),
            Column::DocumentDate => (&mut self.fields, "date".to_owned()),
            Column::OriginCountry => (&mut self.fields, "origin_country".to_owned()),
            Column::DestinationCountry => (&mut self.fields, "destination_country".to_owned()),
            Column::TransitCountries => (&mut self.fields, "transit_countries".to_owned()),
            Column::TransportMode => (&mut self.fields, "transport_mode".to_owned()),
            Column::EndUseStatement => (&mut self.end_use, "statement".to_owned()),
            Column::EndUseMilitary => (&mut self.end_use, "military".to_owned()),
            Column::EndUseSector => (&mut self.end_use, "sector".to_owned()),
            Column::ContractReference => (&mut self.contract, "reference".to_owned()),
            Column::ContractDate => (&mut self.contract, "date".to_owned()),
            Column::ContractNoRussiaClause => (&mut self.contract, "no_russia_clause".to_owned()),
            Column::Party(party, PartyField::Id(key)) => {
                let party = self.parties.entry(*party).or_default();
                let ids = party
                    .entry("ids")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(ids) = ids {
                    ids.insert(key.clone(), value);
                }
                return;
            }
            Column::Party(party, field) => {
                let key = match field {
                    PartyField::Role => "role",
                    PartyField::Name => "name",
                    PartyField::Country => "country",
                    PartyField::Region => "region",
                    PartyField::Address => "address",
                    PartyField::RegistrationDate => "registration_date",
                    PartyField::Aliases => "aliases",
                    PartyField::Id(_) => return,
                };
                (self.parties.entry(*party).or_default(), key.to_owned())
            }
            Column::Licence(n, field) => {
                let key = match field {
                    LicenceField::Id => "id",
                    LicenceField::Jurisdiction => "jurisdiction",
                    LicenceField::Lines => "lines",
                    LicenceField::ValidUntil => "valid_until",
                };
                (self.licences.entry(*n).or_default(), key.to_owned())
            }
            Column::Line(_) => return,
        };
        map.insert(key, value);
    }

    /// The shipment object: parties, other parties and licences in the order
    /// of their numbers; an object with no filled cell is absent.
    fn finish(mut self) -> Map<String, Value> {
        let mut others = Vec::new();
        for (party, fields) in self.parties {
            let key = match party {
                Party::Exporter => "exporter",
                Party::Consignee => "consignee",
                Party::EndUser => "end_user",
                Party::Other(_) => {
                    others.push(Value::Object(fields));
                    continue;
                }
            };
            self.fields.insert(key.into(), Value::Object(fields));
        }
        if !others.is_empty() {
            self.fields
                .insert("other_parties".into(), Value::Array(others));
        }
        if !self.end_use.is_empty() {
            self.fields
                .insert("end_use".into(), Value::Object(self.end_use));
        }
        if !self.contract.is_empty() {
            self.fields
                .insert("contract".into(), Value::Object(self.contract));
        }
        if !self.licences.is_empty() {
            let licences = self.licences.into_values().map(Value::Object).collect();
            self.fields
                .insert("licences".into(), Value::Array(licences));
        }
        self.fields
    }
}

#[cfg(test)]
mod tests {
    use super::super::mapping::Mapping;
    use super::*;
    use csv::ByteRecord;

    fn header(names: &[&str]) -> Header {
        Header::read(
            &ByteRecord::from(names.to_vec()),
            &Mapping::default(),
            "o.csv",
            1,
        )
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn row(number: u64, cells: &[&str]) -> Row {
        Row {
            number,
            cells: csv::StringRecord::from(cells.to_vec()),
        }
    }

    const NAMES: &[&str] = &[
        "document_number",
        "document_date",
        "exporter_name",
        "exporter_country",
        "consignee_name",
        "consignee_country",
        "consignee_id_bin",
        "other_party_2_role",
        "other_party_2_name",
        "other_party_2_country",
        "origin_country",
        "destination_country",
        "transit_countries",
        "contract_no_russia_clause",
        "licence_1_id",
        "licence_1_jurisdiction",
        "licence_1_lines",
        "item_number",
        "description",
        "hs_code",
        "control_codes",
        "quantity",
        "value",
        "currency",
    ];

    #[test]
    fn rows_become_the_shipment_of_the_spec() {
        let shared = [
            "SO-1",
            "2024-05-10",
            "Rhein GmbH",
            "DE",
            "Astana TOO",
            "KZ",
            "0401",
            "freight_forwarder",
            "Silk Route",
            "KZ",
            "DE",
            "KZ",
            "PL; BY",
            "true",
            "L-1",
            "EU",
            "1;2",
        ];
        let a: Vec<&str> = shared
            .iter()
            .copied()
            .chain(["10", "chips", "8542.31", "3A991.a", "500", "4250.00", "EUR"])
            .collect();
        let b: Vec<&str> = shared
            .iter()
            .copied()
            .chain(["20", "boards", "8473.30", "", "2", "10", "EUR"])
            .collect();
        let value = build(&header(NAMES), &[row(2, &a), row(3, &b)], "o.csv").unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "id": "SO-1", "date": "2024-05-10",
                "exporter": {"name": "Rhein GmbH", "country": "DE"},
                "consignee": {"name": "Astana TOO", "country": "KZ", "ids": {"bin": "0401"}},
                "other_parties": [{"role": "freight_forwarder", "name": "Silk Route", "country": "KZ"}],
                "origin_country": "DE", "destination_country": "KZ",
                "transit_countries": ["PL", "BY"],
                "contract": {"no_russia_clause": true},
                "licences": [{"id": "L-1", "jurisdiction": "EU", "lines": [1, 2]}],
                "lines": [
                    {"line": 10, "description": "chips", "hs_code": "8542.31",
                     "control_codes": ["3A991.a"], "quantity": "500",
                     "value": {"amount": "4250.00", "currency": "EUR"}},
                    {"line": 20, "description": "boards", "hs_code": "8473.30",
                     "quantity": "2", "value": {"amount": "10", "currency": "EUR"}}
                ]
            })
        );
    }

    #[test]
    fn cell_problems_name_row_and_column() {
        let names = [
            "document_number",
            "document_date",
            "exporter_name",
            "exporter_country",
            "consignee_name",
            "consignee_country",
            "origin_country",
            "destination_country",
            "end_use_military",
            "item_number",
            "description",
            "hs_code",
            "quantity",
            "value",
            "currency",
        ];
        let a = [
            "SO-1",
            "2024-05-10",
            "R",
            "DE",
            "A",
            "KZ",
            "DE",
            "KZ",
            "yes",
            "1",
            "x",
            "854231",
            "1",
            "1",
            "EUR",
        ];
        let b = [
            "SO-1",
            "2024-05-10",
            "R",
            "DE",
            "A",
            "RU",
            "DE",
            "KZ",
            "yes",
            "2a",
            "x",
            "854231",
            "1",
            "1",
            "EUR",
        ];
        let problems: Vec<String> = build(&header(&names), &[row(4, &a), row(6, &b)], "o.csv")
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            problems,
            [
                "o.csv:row 6: shipment `SO-1`: column `consignee_country`: `RU` differs from `KZ` in row 4; a shipment-level column repeats the same value on every row of the shipment",
                "o.csv:row 4: shipment `SO-1`: column `end_use_military`: `yes` is not `true` or `false`",
                "o.csv:row 6: shipment `SO-1`: column `item_number`: `2a` is not a whole number",
            ]
        );
    }

    #[test]
    fn lines_are_numbered_by_row_without_item_numbers() {
        let names: Vec<&str> = NAMES
            .iter()
            .copied()
            .filter(|n| *n != "item_number")
            .collect();
        let mut cells: Vec<&str> = vec![""; names.len()];
        cells[0] = "SO-2";
        let value = build(&header(&names), &[row(2, &cells), row(3, &cells)], "o.csv").unwrap();
        assert_eq!(value["lines"][1]["line"], 2);
        assert_eq!(value.get("contract"), None);
        assert_eq!(value.get("licences"), None);
        assert_eq!(
            convert("PL;;RU", Kind::TextList).unwrap_err().to_string(),
            "an empty entry in the `;`-separated list `PL;;RU`"
        );
    }
}
