//! Test shipments: a valid JSON document (as in `shipment.md`) that each test adjusts
//! field by field, and the validation the host applies to it.

use exportctl_sdk::Shipment;
use serde_json::{Value, json};

/// A plain shipment that each test changes where it matters: office furniture
/// (HS 9403.30) worth 1,200.00 EUR from Germany to a Swiss consignee, with no end user
/// named and no end-use statement, dated 3 Jun 2024.
pub(crate) fn base() -> Value {
    json!({
        "id": "TEST-1",
        "date": "2024-06-03",
        "exporter": { "name": "Example Trading GmbH", "country": "DE" },
        "consignee": { "name": "Alpen Bürobedarf AG", "country": "CH" },
        "origin_country": "DE",
        "destination_country": "CH",
        "lines": [line(1, "9403.30", "1200.00", "EUR")]
    })
}

/// A line item of one piece.
pub(crate) fn line(number: u32, hs_code: &str, amount: &str, currency: &str) -> Value {
    json!({
        "line": number, "description": "goods", "hs_code": hs_code, "quantity": 1,
        "value": { "amount": amount, "currency": currency }
    })
}

/// `base()` with these lines instead of its own.
pub(crate) fn with_lines(lines: &[Value]) -> Value {
    let mut v = base();
    v["lines"] = json!(lines);
    v
}

/// Validates and normalises a test document, as the host does before a policy sees it.
pub(crate) fn shipment(document: Value) -> Shipment<'static> {
    match Shipment::from_json(&document.to_string()) {
        Ok(shipment) => shipment,
        Err(e) => panic!("invalid test shipment: {e}"),
    }
}
