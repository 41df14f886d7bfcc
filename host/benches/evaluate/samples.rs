//! Three hand-written shipments (five ordinary lines, five flagged electronics
//! lines, one trivial line) for the one-shipment latency tables: fixed,
//! readable documents whose cost a reader can relate to, unlike the
//! generated corpus.

use crate::BoxError;
use exportctl_sdk::validated::Shipment;
use serde_json::json;

/// Hand-written shipments for the single-shipment tables.
pub struct Samples {
    clean: Shipment<'static>,
    flagged: Shipment<'static>,
    trivial: Shipment<'static>,
}

impl Samples {
    /// Parses the three samples.
    pub fn new() -> Result<Samples, BoxError> {
        let [clean, flagged, trivial] = documents().map(|(_, text)| Shipment::from_json(&text));
        Ok(Samples {
            clean: clean?,
            flagged: flagged?,
            trivial: trivial?,
        })
    }

    /// Each sample with the label of its rows.
    pub fn all(&self) -> [(&'static str, &Shipment<'static>); 3] {
        [
            ("5 lines DE→KZ machinery", &self.clean),
            ("5 lines KZ→RU electronics", &self.flagged),
            ("1 line DE→KZ furniture", &self.trivial),
        ]
    }
}

/// The three samples as JSON documents, with the labels of their rows.
pub fn documents() -> [(&'static str, String); 3] {
    let line = |n: u32, hs: &str, description: &str, codes: &[&str], amount: &str| {
        json!({ "line": n, "description": description, "hs_code": hs, "control_codes": codes,
                "origin_country": "DE", "quantity": 10 * n, "unit": "pcs",
                "value": { "amount": amount, "currency": "EUR" } })
    };
    // Five ordinary lines from Germany to Almaty by rail across Belarus and Russia.
    let clean = json!({
        "id": "SO-2024-10432", "date": "2024-09-12",
        "exporter": { "name": "Rhein Maschinenbau GmbH", "country": "DE", "ids": { "vat": "DE811203344" } },
        "consignee": { "name": "Almaty Stroy Komplekt TOO", "country": "KZ", "address": "Al-Farabi 77, Almaty",
                       "registration_date": "2009-04-17", "ids": { "bin": "090440012345" } },
        "origin_country": "DE", "destination_country": "KZ", "transit_countries": ["PL", "BY", "RU"],
        "transport_mode": "rail", "contract": { "reference": "C-2024-311", "no_russia_clause": true },
        "lines": [
            line(1, "8481.80", "Ball valves, stainless steel, DN50", &[], "1840.00"),
            line(2, "8413.70", "Centrifugal pump, 7.5 kW", &[], "5120.00"),
            line(3, "7307.22", "Threaded elbows, steel", &[], "312.40"),
            line(4, "4016.93", "Gaskets, vulcanised rubber", &[], "96.10"),
            line(5, "9026.20", "Pressure transmitter, 0–16 bar", &["EAR99"], "2230.00")
        ]
    });
    // Five electronics lines, Kazakh exporter, Russian consignee, 2024: CHPL
    // items and dual-use goods to Russia.
    let flagged = json!({
        "id": "SO-2024-20877", "date": "2024-06-03",
        "exporter": { "name": "Steppe Electronics Trade TOO", "country": "KZ", "registration_date": "2022-06-01" },
        "consignee": { "name": "OOO Uralpribor", "country": "RU", "address": "Yekaterinburg" },
        "other_parties": [ { "role": "payer", "name": "Gulf Star General Trading LLC", "country": "AE" } ],
        "origin_country": "KZ", "destination_country": "RU", "transport_mode": "road",
        "contract": { "reference": "KZ-77/24", "no_russia_clause": false },
        "lines": [
            line(1, "8542.31.90", "ARM Cortex-M4 microcontroller", &["3A991.a"], "4250.00"),
            line(2, "8517.62", "Industrial router with VPN", &["5A002.a"], "7300.00"),
            line(3, "8526.91", "GNSS receiver module", &[], "2100.00"),
            line(4, "8504.40", "DC-DC converter modules", &[], "880.00"),
            line(5, "3926.90", "Plastic enclosures", &[], "120.00")
        ]
    });
    // One line of furniture: next to nothing to check, so mostly the cost of the call.
    let trivial = json!({
        "id": "SO-2024-00001", "date": "2024-05-10",
        "exporter": { "name": "Rhein Moebel GmbH", "country": "DE" },
        "consignee": { "name": "Astana Interiors TOO", "country": "KZ" },
        "origin_country": "DE", "destination_country": "KZ",
        "lines": [ line(1, "9403.60", "Wooden office furniture", &[], "900.00") ]
    });
    [
        ("5 lines DE→KZ machinery", clean.to_string()),
        ("5 lines KZ→RU electronics", flagged.to_string()),
        ("1 line DE→KZ furniture", trivial.to_string()),
    ]
}
