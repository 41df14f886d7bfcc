//! Compact shipment documents for the rules' unit tests.
//!
//! Each test states only what matters to it (date, route, codes, parties,
//! licences); the rest is a fixed, valid document. Shipments are built through
//! `Shipment::from_json`, so they pass the same validation and normalisation as
//! the host's input.

use exportctl_sdk::Shipment;
use serde_json::{Value, json};

/// A shipment document under construction.
pub struct Doc(Value);

impl Doc {
    /// A document dated `date` on `route`, written `origin>transit…>destination`
    /// (e.g. `KG>KZ>RU`), with one line: combat drone, ML10. The consignee sits at
    /// the destination and no end user is named.
    pub fn new(date: &str, route: &str) -> Doc {
        let countries: Vec<&str> = route.split('>').collect();
        let origin = countries.first().copied().unwrap_or("KZ");
        let destination = countries.last().copied().unwrap_or("KZ");
        let transit = countries
            .get(1..countries.len().saturating_sub(1))
            .unwrap_or(&[]);
        Doc(json!({
            "id": "T-1",
            "date": date,
            "exporter": { "name": "Exporter", "country": origin },
            "consignee": { "name": "Consignee", "country": destination },
            "origin_country": origin,
            "destination_country": destination,
            "transit_countries": transit,
            "lines": [line(1, &["ML10"])],
        }))
    }

    /// Replaces the control codes of line 1.
    pub fn codes(mut self, codes: &[&str]) -> Doc {
        self.0["lines"][0]["control_codes"] = json!(codes);
        self
    }

    /// Adds line `number` with `codes`.
    pub fn line(mut self, number: u32, codes: &[&str]) -> Doc {
        if let Some(lines) = self.0["lines"].as_array_mut() {
            lines.push(line(number, codes));
        }
        self
    }

    /// Moves the consignee to `country`.
    pub fn consignee(mut self, country: &str) -> Doc {
        self.0["consignee"]["country"] = json!(country);
        self
    }

    /// Names an end user in `country`.
    pub fn end_user(mut self, country: &str) -> Doc {
        self.0["end_user"] = json!({ "name": "End User", "country": country });
        self
    }

    /// Declares a military end use.
    pub fn military_end_use(mut self) -> Doc {
        self.0["end_use"] = json!({ "statement": "armed forces", "military": true });
        self
    }

    /// Cites a licence of `jurisdiction` covering `lines` (all when `None`), valid
    /// until `valid_until` (open when `None`).
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

    /// Validates and normalises the document.
    pub fn shipment(self) -> Result<Shipment<'static>, String> {
        Shipment::from_json(&self.0.to_string()).map_err(|e| e.to_string())
    }
}

fn line(number: u32, codes: &[&str]) -> Value {
    json!({
        "line": number,
        "description": format!("item {number}"),
        "hs_code": "8806.23",
        "control_codes": codes,
        "quantity": 1,
        "value": { "amount": "1000", "currency": "USD" },
    })
}
