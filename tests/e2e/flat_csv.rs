//! Shipments of `shipment.md` written as ERP flat CSV (`sdk/spec/erp-csv.md`):
//! one row per line item, shipment cells repeated, a column for every field
//! any of the shipments has. Shared by the e2e tests and the batch benchmark.

use serde_json::Value;

/// The shipments as CSV with `delimiter`.
pub fn to_csv(shipments: &[Value], delimiter: u8) -> String {
    let rows: Vec<Vec<(String, String)>> = shipments.iter().flat_map(rows).collect();
    let mut columns: Vec<String> = Vec::new();
    for row in &rows {
        for (column, _) in row {
            if !columns.contains(column) {
                columns.push(column.clone());
            }
        }
    }
    let mut out = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    out.write_record(&columns).expect("writes to memory");
    for row in rows {
        let cells = columns.iter().map(|column| {
            row.iter()
                .find(|(c, _)| c == column)
                .map_or("", |(_, cell)| cell.as_str())
        });
        out.write_record(cells).expect("writes to memory");
    }
    let bytes = out.into_inner().expect("writes to memory");
    String::from_utf8(bytes).expect("cells are text")
}

/// One shipment's rows: (column, cell) pairs, shipment cells first.
fn rows(shipment: &Value) -> Vec<Vec<(String, String)>> {
    let mut shared = Vec::new();
    for (key, value) in shipment.as_object().into_iter().flatten() {
        match (key.as_str(), value) {
            ("lines", _) => {}
            ("id", v) => shared.push(("document_number".to_owned(), cell(v))),
            ("date", v) => shared.push(("document_date".to_owned(), cell(v))),
            ("exporter" | "consignee" | "end_user", party) => fields(&mut shared, key, party),
            ("other_parties", Value::Array(parties)) => {
                for (i, party) in parties.iter().enumerate() {
                    fields(&mut shared, &format!("other_party_{}", i + 1), party);
                }
            }
            ("licences", Value::Array(licences)) => {
                for (i, licence) in licences.iter().enumerate() {
                    fields(&mut shared, &format!("licence_{}", i + 1), licence);
                }
            }
            ("end_use" | "contract", object) => fields(&mut shared, key, object),
            (_, v) => shared.push((key.clone(), cell(v))),
        }
    }
    let lines = shipment["lines"].as_array().cloned().unwrap_or_default();
    lines
        .iter()
        .map(|line| {
            let mut row = shared.clone();
            for (key, value) in line.as_object().into_iter().flatten() {
                let column = match key.as_str() {
                    "line" => "item_number".to_owned(),
                    "origin_country" => "item_origin_country".to_owned(),
                    "value" => {
                        row.push(("value".to_owned(), cell(&value["amount"])));
                        row.push(("currency".to_owned(), cell(&value["currency"])));
                        continue;
                    }
                    other => other.to_owned(),
                };
                row.push((column, cell(value)));
            }
            row
        })
        .collect()
}

/// `PREFIX_field` for each field of an object; `ids` one column per key.
fn fields(out: &mut Vec<(String, String)>, prefix: &str, object: &Value) {
    for (key, value) in object.as_object().into_iter().flatten() {
        if key == "ids" {
            for (id, value) in value.as_object().into_iter().flatten() {
                out.push((format!("{prefix}_id_{id}"), cell(value)));
            }
        } else {
            out.push((format!("{prefix}_{key}"), cell(value)));
        }
    }
}

/// A JSON value as a cell: lists `;`-joined, absent as empty.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}
