//! Test shipments: a JSON document (as in `shipment.md`) that tests adjust field by field.

use exportctl_sdk::Shipment;
use serde_json::{Value, json};

/// A clean shipment: one CHPL Tier 1 line from Germany to a long-established Kazakh
/// consignee that is also the end user, with a no-Russia clause, dated 3 Jun 2024.
pub(crate) fn base() -> Value {
    json!({
        "id": "TEST-1",
        "date": "2024-06-03",
        "exporter": { "name": "Rhein Elektronik GmbH", "country": "DE" },
        "consignee": { "name": "Astana Tech Supply TOO", "country": "KZ",
                       "registration_date": "2015-03-02" },
        "origin_country": "DE",
        "destination_country": "KZ",
        "contract": { "reference": "C-1", "no_russia_clause": true },
        "lines": [
            { "line": 1, "description": "32-bit microcontroller", "hs_code": "8542.31",
              "quantity": 100, "unit": "pcs", "value": { "amount": "820.00", "currency": "EUR" } }
        ]
    })
}

/// `base()` with its single line's HS code replaced.
pub(crate) fn with_hs(hs_code: &str) -> Value {
    let mut v = base();
    v["lines"][0]["hs_code"] = json!(hs_code);
    v
}

/// Validates and normalises a test document, as the host does.
pub(crate) fn shipment(document: Value) -> Shipment<'static> {
    match Shipment::from_json(&document.to_string()) {
        Ok(shipment) => shipment,
        Err(e) => panic!("invalid test shipment: {e}"),
    }
}
