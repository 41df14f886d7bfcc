//! Compact shipment documents for the rules' unit tests.
//!
//! Each test states only what matters to it (route, codes, end use, parties,
//! licences); the rest is a fixed, valid document dated 3 Jun 2024. Shipments are built
//! through `Shipment::from_json`, so they pass the host's validation.

use exportctl_sdk::Shipment;
use serde_json::{Value, json};

/// A shipment document under construction.
pub struct Doc(Value);

impl Doc {
    /// Goods exported from `origin` to `destination` by an exporter in `origin`, to a
    /// consignee at the destination; line 1 is a laser (HS 9013.20) with no control code.
    pub fn export(origin: &str, destination: &str) -> Doc {
        Doc(json!({
            "id": "T-1",
            "date": "2024-06-03",
            "exporter": { "name": "Exporter", "country": origin },
            "consignee": { "name": "Consignee", "country": destination },
            "origin_country": origin,
            "destination_country": destination,
            "lines": [line(1, "9013.20", &[])],
        }))
    }

    /// Sets the shipment's date.
    pub fn date(mut self, date: &str) -> Doc {
        self.0["date"] = json!(date);
        self
    }

    /// Moves the exporter to `country`.
    pub fn exporter(mut self, country: &str) -> Doc {
        self.0["exporter"]["country"] = json!(country);
        self
    }

    /// Replaces the control codes of line 1.
    pub fn codes(mut self, codes: &[&str]) -> Doc {
        self.0["lines"][0]["control_codes"] = json!(codes);
        self
    }

    /// Adds line `number` with `hs` and `codes`.
    pub fn line(mut self, number: u32, hs: &str, codes: &[&str]) -> Doc {
        if let Some(lines) = self.0["lines"].as_array_mut() {
            lines.push(line(number, hs, codes));
        }
        self
    }

    /// Names an end user in `country`.
    pub fn end_user(mut self, country: &str) -> Doc {
        self.0["end_user"] = json!({ "name": "End User", "country": country });
        self
    }

    /// Declares the end use military (or not).
    pub fn military(mut self, military: bool) -> Doc {
        self.0["end_use"] = json!({ "statement": "end use", "military": military });
        self
    }

    /// Cites a licence of `jurisdiction` covering `lines` (all when `None`), valid until
    /// `valid_until` (open when `None`).
    pub fn licence(
        mut self,
        jurisdiction: &str,
        lines: Option<&[u32]>,
        valid_until: Option<&str>,
    ) -> Doc {
        let mut licence =
            json!({ "id": format!("{jurisdiction}-LIC-1"), "jurisdiction": jurisdiction });
        if let Some(lines) = lines {
            licence["lines"] = json!(lines);
        }
        if let Some(until) = valid_until {
            licence["valid_until"] = json!(until);
        }
        match self.0["licences"].as_array_mut() {
            Some(licences) => licences.push(licence),
            None => self.0["licences"] = json!([licence]),
        }
        self
    }

    /// Validates the document; a test document that does not validate is a broken test.
    pub fn shipment(self) -> Shipment<'static> {
        match Shipment::from_json(&self.0.to_string()) {
            Ok(s) => s,
            Err(e) => panic!("invalid test shipment: {e}"),
        }
    }
}

fn line(number: u32, hs: &str, codes: &[&str]) -> Value {
    json!({
        "line": number,
        "description": format!("item {number}"),
        "hs_code": hs,
        "control_codes": codes,
        "quantity": 1,
        "value": { "amount": "1000", "currency": "EUR" },
    })
}
