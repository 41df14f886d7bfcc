//! Compact shipment documents for the rules' unit tests.
//!
//! Each test states only what matters to it (date, route, codes, US content, parties,
//! licences); the rest is a fixed, valid document. Shipments go through
//! `Shipment::from_json`, so they pass the same validation and normalisation as the
//! host's input.

use exportctl_sdk::Shipment;
use serde_json::{Value, json};

/// A shipment document under construction.
pub(crate) struct Doc(Value);

impl Doc {
    /// A document dated `date` from `origin` to `destination`: exporter and consignee sit
    /// in those countries, no end user is named, and line 1 carries `codes` with HS code
    /// 8542.31 and no origin or US content given.
    pub(crate) fn new(date: &str, origin: &str, destination: &str, codes: &[&str]) -> Doc {
        Doc(json!({
            "id": "T-1",
            "date": date,
            "exporter": { "name": "Exporter Inc", "country": origin },
            "consignee": { "name": "Consignee Ltd", "country": destination },
            "origin_country": origin,
            "destination_country": destination,
            "lines": [line(1, codes)],
        }))
    }

    /// A US export: from the United States to `destination`, line 1 with `codes`.
    pub(crate) fn us(date: &str, destination: &str, codes: &[&str]) -> Doc {
        Doc::new(date, "US", destination, codes)
    }

    /// Adds line `number` with `codes`.
    pub(crate) fn line(mut self, number: u32, codes: &[&str]) -> Doc {
        if let Some(lines) = self.0["lines"].as_array_mut() {
            lines.push(line(number, codes));
        }
        self
    }

    /// Sets a field of line `number` (1-based position in the document).
    pub(crate) fn set(mut self, number: u32, field: &str, value: Value) -> Doc {
        if let Some(lines) = self.0["lines"].as_array_mut()
            && let Some(l) = lines.iter_mut().find(|l| l["line"] == number)
        {
            l[field] = value;
        }
        self
    }

    /// Sets `us_content_percent` of line `number`.
    pub(crate) fn us_content(self, number: u32, percent: &str) -> Doc {
        self.set(number, "us_content_percent", json!(percent))
    }

    /// Sets the HS code of line `number`.
    pub(crate) fn hs(self, number: u32, hs_code: &str) -> Doc {
        self.set(number, "hs_code", json!(hs_code))
    }

    /// Names an end user in `country`.
    pub(crate) fn end_user(mut self, country: &str) -> Doc {
        self.0["end_user"] = json!({ "name": "End User", "country": country });
        self
    }

    /// Places the consignee in `region` of `country` (ISO 3166-2).
    pub(crate) fn consignee_region(mut self, country: &str, region: &str) -> Doc {
        self.0["consignee"] =
            json!({ "name": "Consignee Ltd", "country": country, "region": region });
        self
    }

    /// Gives the consignee a postal address (and no region).
    pub(crate) fn consignee_address(mut self, address: &str) -> Doc {
        self.0["consignee"]["address"] = json!(address);
        self
    }

    /// Cites a licence of `jurisdiction` covering `lines` (all when `None`), valid until
    /// `valid_until` (open when `None`).
    pub(crate) fn licence(
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

    /// Validates and normalises the document, as the host does.
    pub(crate) fn shipment(self) -> Shipment<'static> {
        match Shipment::from_json(&self.0.to_string()) {
            Ok(shipment) => shipment,
            Err(e) => panic!("invalid test shipment: {e}"),
        }
    }
}

fn line(number: u32, codes: &[&str]) -> Value {
    json!({
        "line": number,
        "description": format!("item {number}"),
        "hs_code": "8542.31",
        "control_codes": codes,
        "quantity": 10,
        "value": { "amount": "1000.00", "currency": "USD" },
    })
}
