//! [`Doc`]: compact shipment documents for the unit tests of rules.

use crate::Shipment;
use serde_json::{Value, json};

/// A shipment document (as in `shipment.md`) under construction.
///
/// A test states only what matters to it (date, route, goods, parties, contract,
/// licences); the rest is a fixed, valid document. [`Doc::shipment`] validates and
/// normalises it through [`Shipment::from_json`], exactly as the host does with its
/// input. A policy adds what only it needs (its usual first line, a field of its own)
/// as an extension trait on `Doc`.
///
/// ```
/// use exportctl_sdk::testing::Doc;
///
/// let shipment = Doc::on_route("2024-06-03", "DE>PL>BY")
///     .add_line(1, "8542.31", &["3A001"])
///     .end_user("RU")
///     .licence("DE", Some(&[1]), None)
///     .shipment();
/// assert_eq!(shipment.transit_countries().len(), 1);
/// assert_eq!(shipment.lines().get(0).unwrap().control_codes().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Doc(Value);

impl Doc {
    /// A document dated `date` on `route`, written `origin>transit…>destination` (e.g.
    /// `DE>PL>RU>MN`). The exporter sits in the origin country, the consignee at the
    /// destination, no end user is named. It has no line yet: add one with
    /// [`Doc::add_line`].
    pub fn on_route(date: &str, route: &str) -> Doc {
        let countries: Vec<&str> = route.split('>').collect();
        let origin = countries.first().copied().unwrap_or_default();
        let destination = countries.last().copied().unwrap_or_default();
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
            "lines": [],
        }))
    }

    /// A document from a JSON value, to adjust with the methods of `Doc`.
    pub fn from_value(document: Value) -> Doc {
        Doc(document)
    }

    /// The document as JSON.
    pub fn into_value(self) -> Value {
        self.0
    }

    /// Changes the document in a way no method of `Doc` does.
    pub fn with(mut self, change: impl FnOnce(&mut Value)) -> Doc {
        change(&mut self.0);
        self
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

    /// Moves the consignee to `country`.
    pub fn consignee(mut self, country: &str) -> Doc {
        self.0["consignee"]["country"] = json!(country);
        self
    }

    /// Puts the consignee in `region` (ISO 3166-2) of `country`.
    pub fn consignee_region(mut self, country: &str, region: &str) -> Doc {
        self.0["consignee"]["country"] = json!(country);
        self.0["consignee"]["region"] = json!(region);
        self
    }

    /// Gives the consignee a postal address.
    pub fn consignee_address(mut self, address: &str) -> Doc {
        self.0["consignee"]["address"] = json!(address);
        self
    }

    /// Names an end user in `country`.
    pub fn end_user(mut self, country: &str) -> Doc {
        self.0["end_user"] = json!({ "name": "End User", "country": country });
        self
    }

    /// Names an end user in `region` (ISO 3166-2) of `country`.
    pub fn end_user_region(mut self, country: &str, region: &str) -> Doc {
        self.0["end_user"] = json!({ "name": "End User", "country": country, "region": region });
        self
    }

    /// Adds a party of `role` (`payer`, `intermediate_consignee`, …) named `name` in
    /// `country` to `other_parties`.
    pub fn other_party(mut self, role: &str, name: &str, country: &str) -> Doc {
        let party = json!({ "role": role, "name": name, "country": country });
        match self.0["other_parties"].as_array_mut() {
            Some(parties) => parties.push(party),
            None => self.0["other_parties"] = json!([party]),
        }
        self
    }

    /// Adds an intermediate consignee in `country`.
    pub fn intermediate(self, country: &str) -> Doc {
        self.other_party("intermediate_consignee", "Intermediate", country)
    }

    /// Adds a payer in `country`.
    pub fn payer(self, country: &str) -> Doc {
        self.other_party("payer", "Payer", country)
    }

    /// Adds line `number`: `hs`, `codes`, one piece worth 1000 EUR.
    pub fn add_line(mut self, number: u32, hs: &str, codes: &[&str]) -> Doc {
        let line = json!({
            "line": number,
            "description": format!("item {number}"),
            "hs_code": hs,
            "control_codes": codes,
            "quantity": 1,
            "value": { "amount": "1000", "currency": "EUR" },
        });
        match self.0["lines"].as_array_mut() {
            Some(lines) => lines.push(line),
            None => self.0["lines"] = json!([line]),
        }
        self
    }

    /// Sets `field` of line `number` (the line whose `line` is `number`).
    pub fn set_line(mut self, number: u32, field: &str, value: Value) -> Doc {
        if let Some(lines) = self.0["lines"].as_array_mut()
            && let Some(l) = lines.iter_mut().find(|l| l["line"] == number)
        {
            l[field] = value;
        }
        self
    }

    /// Sets the HS code of line `number`.
    pub fn line_hs(self, number: u32, hs: &str) -> Doc {
        self.set_line(number, "hs_code", json!(hs))
    }

    /// Replaces the control codes of line 1.
    pub fn codes(self, codes: &[&str]) -> Doc {
        self.set_line(1, "control_codes", json!(codes))
    }

    /// States the end use: its `statement` and whether it is military.
    pub fn end_use(mut self, statement: &str, military: bool) -> Doc {
        self.0["end_use"] = json!({ "statement": statement, "military": military });
        self
    }

    /// Declares the end use military (or not).
    pub fn military(self, military: bool) -> Doc {
        self.end_use("end use", military)
    }

    /// Declares the end-use sector.
    pub fn sector(mut self, sector: &str) -> Doc {
        self.0["end_use"] = json!({ "statement": "end use", "sector": sector });
        self
    }

    /// Sets the contract's no-Russia clause (`None` leaves it out of the contract),
    /// keeping a contract date already set.
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

    /// Validates and normalises the document, or says why it is not valid.
    pub fn try_shipment(&self) -> Result<Shipment<'static>, String> {
        Shipment::from_json(&self.0.to_string()).map_err(|e| e.to_string())
    }

    /// Validates and normalises the document; a test document that does not validate
    /// is a broken test, so this panics with the reason.
    #[track_caller]
    pub fn shipment(self) -> Shipment<'static> {
        self.try_shipment()
            .unwrap_or_else(|e| panic!("invalid test shipment: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Country, PartyRole};

    #[test]
    fn a_route_sets_origin_transit_and_destination() {
        let s = Doc::on_route("2024-06-03", "DE>PL>BY>RU")
            .add_line(1, "9403.60", &[])
            .shipment();
        let de = Country::parse("DE");
        assert_eq!(Some(s.origin_country()), de);
        assert_eq!(s.destination_country(), Country::RU);
        assert_eq!(s.transit_countries().len(), 2);
        assert_eq!(Some(s.exporter().country()), de);
        assert_eq!(s.consignee().country(), Country::RU);
    }

    #[test]
    fn a_document_without_a_line_does_not_validate() {
        assert!(Doc::on_route("2024-06-03", "DE>KZ").try_shipment().is_err());
    }

    #[test]
    fn lines_parties_and_licences_are_added() {
        let s = Doc::on_route("2024-06-03", "DE>KZ")
            .add_line(1, "9403.60", &[])
            .add_line(2, "8542.31", &["3A001"])
            .codes(&["5A002"])
            .line_hs(2, "8542.32")
            .payer("AE")
            .intermediate("AM")
            .licence("DE", Some(&[2]), Some("2025-01-01"))
            .shipment();
        assert_eq!(s.lines().len(), 2);
        assert_eq!(s.lines().get(0).unwrap().control_codes().len(), 1);
        assert!(s.lines().get(1).unwrap().hs_code().matches("854232"));
        assert_eq!(s.other_parties().len(), 2);
        assert_eq!(s.other_parties().get(0).unwrap().role(), PartyRole::Payer);
        assert!(s.licence_covers("DE", 2));
        assert!(!s.licence_covers("DE", 1));
    }

    #[test]
    fn a_clause_keeps_the_contract_date() {
        let doc = Doc::on_route("2024-06-03", "DE>KZ")
            .contract_date("2024-01-02")
            .clause(Some(false))
            .into_value();
        assert_eq!(doc["contract"]["date"], "2024-01-02");
        assert_eq!(doc["contract"]["no_russia_clause"], false);
    }
}
