//! Compact shipment documents for the rules' unit tests.
//!
//! Each test states only what matters to it (date, route, goods, parties, contract,
//! licences); the rest is a fixed, valid document. Shipments are built through
//! `Shipment::from_json`, so they pass the host's validation and normalisation.

use exportctl_sdk::Shipment;
use serde_json::{Value, json};

/// A shipment document under construction.
pub struct Doc(Value);

impl Doc {
    /// A document dated `date` on `route`, written `origin>transit…>destination` (e.g.
    /// `DE>PL>RU>MN`). The exporter sits in the origin country, the consignee at the
    /// destination, no end user is named, and line 1 is furniture (HS 9403.60) with no
    /// control code.
    pub fn new(date: &str, route: &str) -> Doc {
        let countries: Vec<&str> = route.split('>').collect();
        let origin = countries.first().copied().unwrap_or("DE");
        let destination = countries.last().copied().unwrap_or("DE");
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
            "lines": [line(1, "9403.60", &[])],
        }))
    }

    /// Moves the exporter to `country`.
    pub fn exporter(mut self, country: &str) -> Doc {
        self.0["exporter"]["country"] = json!(country);
        self
    }

    /// Replaces the HS code of line 1.
    pub fn hs(mut self, hs: &str) -> Doc {
        self.0["lines"][0]["hs_code"] = json!(hs);
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

    /// Puts the consignee in `region` (ISO 3166-2) of Ukraine.
    pub fn consignee_region(mut self, region: &str) -> Doc {
        self.0["consignee"]["country"] = json!("UA");
        self.0["consignee"]["region"] = json!(region);
        self
    }

    /// Names an end user in `country`.
    pub fn end_user(mut self, country: &str) -> Doc {
        self.0["end_user"] = json!({ "name": "End User", "country": country });
        self
    }

    /// Names an end user in `region` (ISO 3166-2) of Ukraine.
    pub fn end_user_region(mut self, region: &str) -> Doc {
        self.0["end_user"] = json!({ "name": "End User", "country": "UA", "region": region });
        self
    }

    /// Adds an intermediate consignee in `country`.
    pub fn intermediate(self, country: &str) -> Doc {
        self.other("intermediate_consignee", "Intermediate", country)
    }

    /// Adds a payer in `country`.
    pub fn payer(self, country: &str) -> Doc {
        self.other("payer", "Payer", country)
    }

    fn other(mut self, role: &str, name: &str, country: &str) -> Doc {
        let party = json!({ "role": role, "name": name, "country": country });
        match self.0["other_parties"].as_array_mut() {
            Some(parties) => parties.push(party),
            None => self.0["other_parties"] = json!([party]),
        }
        self
    }

    /// Sets the contract's no-Russia clause (`None` leaves it out of the contract).
    pub fn clause(mut self, clause: Option<bool>) -> Doc {
        let mut contract = json!({ "reference": "C-1" });
        if let Some(c) = clause {
            contract["no_russia_clause"] = json!(c);
        }
        if let Some(date) = self.0["contract"].get("date").cloned() {
            contract["date"] = date;
        }
        self.0["contract"] = contract;
        self
    }

    /// Sets the contract's date (adding a contract without a clause if there is none).
    pub fn contract_date(mut self, date: &str) -> Doc {
        if self.0.get("contract").is_none() {
            self.0["contract"] = json!({ "reference": "C-1" });
        }
        self.0["contract"]["date"] = json!(date);
        self
    }

    /// Declares the end-use sector.
    pub fn sector(mut self, sector: &str) -> Doc {
        self.0["end_use"] = json!({ "statement": "end use", "sector": sector });
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

    /// Validates and normalises the document; a test document that does not validate is
    /// a broken test.
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
