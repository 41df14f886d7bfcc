//! The shipment a policy judges: the validated, normalised form of the input
//! document (`shipment.md`, version 1).
//!
//! The host parses and validates the ERP's document, normalises it (HS codes as
//! digits, country codes upper-case, dates typed, control codes classified) and
//! hands this structure to every policy. A policy never sees unvalidated input.
//!
//! The host encodes it once per shipment ([`Shipment::to_wire`]); each plugin
//! decodes it with [`Shipment::from_wire`], which borrows every string from the
//! buffer instead of copying it ([`Text`]): the decoded shipment costs a handful of
//! allocations (its lists), not one per field.

use crate::{ControlCode, Country, CountrySet, Date, HsCode, Text, country_sets};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One shipment (an export document with its line items).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Decoding borrows every `Text` from the input bytes, which must outlive the
// shipment; the same bound on each part below.
#[serde(bound(deserialize = "'de: 'a"))]
pub struct Shipment<'a> {
    /// The ERP's document id.
    pub id: Text<'a>,
    /// Date of export.
    pub date: Date,
    /// The date whose law applies: `date`, unless the caller asked for another
    /// (`exportctl check --as-of`). Policies decide what is in force by this date.
    pub as_of: Date,
    /// The exporter.
    pub exporter: Party<'a>,
    /// The consignee.
    pub consignee: Party<'a>,
    /// The end user, when the document names one (see [`Shipment::end_user`]).
    pub end_user: Option<Party<'a>>,
    /// Forwarders, intermediate consignees, banks and other parties.
    pub other_parties: Vec<OtherParty<'a>>,
    /// Country the goods are exported from.
    pub origin_country: Country,
    /// Country of final destination.
    pub destination_country: Country,
    /// Countries crossed, in order of travel, excluding origin and destination.
    pub transit_countries: Vec<Country>,
    /// How the goods travel.
    pub transport_mode: Option<TransportMode>,
    /// What the goods will be used for.
    pub end_use: Option<EndUse<'a>>,
    /// The sales contract.
    pub contract: Option<Contract<'a>>,
    /// Licences the shipment cites.
    pub licences: Vec<Licence<'a>>,
    /// The line items (at least one).
    pub lines: Vec<Line<'a>>,
}

/// A party to the shipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub struct Party<'a> {
    /// Name as given.
    pub name: Text<'a>,
    /// Country of the party.
    pub country: Country,
    /// ISO 3166-2 subdivision, upper-case (e.g. `UA-43`, Crimea).
    pub region: Option<Text<'a>>,
    /// Postal address.
    pub address: Option<Text<'a>>,
    /// Date the company was founded.
    pub registration_date: Option<Date>,
    /// Registry identifiers (`bin`, `inn`, `vat`, …), sorted by key.
    pub ids: Vec<(Text<'a>, Text<'a>)>,
    /// Other names the party is known by.
    pub aliases: Vec<Text<'a>>,
}

/// A party other than exporter, consignee and end user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub struct OtherParty<'a> {
    /// What the party does in the transaction.
    pub role: PartyRole,
    /// The party.
    pub party: Party<'a>,
}

/// Role of an [`OtherParty`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartyRole {
    /// Freight forwarder.
    FreightForwarder,
    /// Intermediate consignee.
    IntermediateConsignee,
    /// Notify party.
    NotifyParty,
    /// The party paying for the goods.
    Payer,
    /// A bank in the transaction.
    Bank,
    /// Any other role.
    Other,
}

impl PartyRole {
    /// The role as written in the input document, e.g. `freight_forwarder`.
    pub fn as_str(&self) -> &'static str {
        match self {
            PartyRole::FreightForwarder => "freight_forwarder",
            PartyRole::IntermediateConsignee => "intermediate_consignee",
            PartyRole::NotifyParty => "notify_party",
            PartyRole::Payer => "payer",
            PartyRole::Bank => "bank",
            PartyRole::Other => "other",
        }
    }

    /// The role in words, for a message: `freight forwarder`, `intermediate consignee`,
    /// `notify party`, `payer`, `bank`, `other party`.
    pub fn name(&self) -> &'static str {
        match self {
            PartyRole::FreightForwarder => "freight forwarder",
            PartyRole::IntermediateConsignee => "intermediate consignee",
            PartyRole::NotifyParty => "notify party",
            PartyRole::Payer => "payer",
            PartyRole::Bank => "bank",
            PartyRole::Other => "other party",
        }
    }
}

/// How the goods travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransportMode {
    /// By road.
    Road,
    /// By rail.
    Rail,
    /// By sea.
    Sea,
    /// By air.
    Air,
    /// By post or courier.
    Post,
    /// By pipeline.
    Pipeline,
    /// Any other way.
    Other,
}

/// The declared end use.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub struct EndUse<'a> {
    /// The end-use statement as given.
    pub statement: Option<Text<'a>>,
    /// Whether the end use is declared military.
    pub military: Option<bool>,
    /// Industry sector of the end use.
    pub sector: Option<Text<'a>>,
}

/// The sales contract.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub struct Contract<'a> {
    /// Contract reference.
    pub reference: Option<Text<'a>>,
    /// Date the contract was concluded.
    pub date: Option<Date>,
    /// Whether the contract bans re-export to Russia/Belarus (Art. 12g of Reg. 833/2014).
    pub no_russia_clause: Option<bool>,
}

/// A licence the shipment cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub struct Licence<'a> {
    /// Licence number.
    pub id: Text<'a>,
    /// Who issued it: `EU`, `US`, `UK` or an alpha-2 country code, upper-case.
    pub jurisdiction: Text<'a>,
    /// Line numbers covered; `None` means every line.
    pub lines: Option<Vec<u32>>,
    /// Last day of validity.
    pub valid_until: Option<Date>,
}

impl Licence<'_> {
    /// Whether this licence, issued by `jurisdiction`, covers `line` on `date`.
    pub fn covers(&self, jurisdiction: &str, line: u32, date: Date) -> bool {
        self.jurisdiction.eq_ignore_ascii_case(jurisdiction)
            && self
                .lines
                .as_ref()
                .is_none_or(|lines| lines.contains(&line))
            && self.valid_until.is_none_or(|until| date <= until)
    }

    /// Whether the licence was issued in the EU: by the Union (`EU`) or by a member
    /// state's authority (its alpha-2 code, e.g. `DE` for BAFA), either case.
    ///
    /// EU sanctions and dual-use controls are administered by the member states, so an
    /// EU authorisation is usually cited with a member state as its jurisdiction.
    pub fn is_issued_in_eu(&self) -> bool {
        self.jurisdiction.eq_ignore_ascii_case("EU")
            || Country::parse(&self.jurisdiction).is_some_and(|c| country_sets::EU27.contains(c))
    }
}

/// One line item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub struct Line<'a> {
    /// The line number, unique within the shipment.
    pub line: u32,
    /// What the goods are.
    pub description: Text<'a>,
    /// The HS code.
    pub hs_code: HsCode,
    /// Control-list classifications, as given and classified.
    pub control_codes: Vec<ControlCode>,
    /// Country the goods were made in.
    pub origin_country: Option<Country>,
    /// Quantity, > 0.
    #[serde(with = "decimal_wire")]
    pub quantity: Decimal,
    /// Unit of quantity.
    pub unit: Option<Text<'a>>,
    /// Value of the line.
    pub value: Money<'a>,
    /// Share of US-origin content in percent, 0–100.
    #[serde(with = "decimal_wire::option")]
    pub us_content_percent: Option<Decimal>,
}

impl Line<'_> {
    /// Whether any control code is a military item (see [`ControlCode::is_military`]).
    pub fn is_military(&self) -> bool {
        self.control_codes.iter().any(ControlCode::is_military)
    }

    /// Whether any control code is a dual-use entry (see [`ControlCode::is_dual_use`]).
    pub fn is_dual_use(&self) -> bool {
        self.control_codes.iter().any(ControlCode::is_dual_use)
    }
}

/// An amount of money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub struct Money<'a> {
    /// The amount, ≥ 0, exact.
    #[serde(with = "decimal_wire")]
    pub amount: Decimal,
    /// ISO 4217 currency code, upper-case.
    pub currency: Text<'a>,
}

/// A party of a shipment together with where it sits in the document, for citing
/// it in a finding (`consignee`, `other_parties[1]`, …).
#[derive(Debug, Clone, Copy)]
pub struct PartyRef<'a> {
    /// The party's path in the document, as used in [`crate::Finding::party`].
    pub path: PartyPath,
    /// The party.
    pub party: &'a Party<'a>,
}

/// Where a party sits in the shipment document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyPath {
    /// `exporter`.
    Exporter,
    /// `consignee`.
    Consignee,
    /// `end_user`.
    EndUser,
    /// `other_parties[i]`.
    Other(usize),
}

impl std::fmt::Display for PartyPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PartyPath::Exporter => f.write_str("exporter"),
            PartyPath::Consignee => f.write_str("consignee"),
            PartyPath::EndUser => f.write_str("end_user"),
            PartyPath::Other(i) => write!(f, "other_parties[{i}]"),
        }
    }
}

impl<'a> Shipment<'a> {
    /// The end user: the named end user, or the consignee when none is named (as the
    /// input format defines).
    pub fn end_user(&self) -> PartyRef<'_> {
        match &self.end_user {
            Some(party) => PartyRef {
                path: PartyPath::EndUser,
                party,
            },
            None => PartyRef {
                path: PartyPath::Consignee,
                party: &self.consignee,
            },
        }
    }

    /// Every party with its path: exporter, consignee, end user (if named), others.
    pub fn parties(&self) -> impl Iterator<Item = PartyRef<'_>> {
        let fixed = [
            Some(PartyRef {
                path: PartyPath::Exporter,
                party: &self.exporter,
            }),
            Some(PartyRef {
                path: PartyPath::Consignee,
                party: &self.consignee,
            }),
            self.end_user.as_ref().map(|party| PartyRef {
                path: PartyPath::EndUser,
                party,
            }),
        ];
        fixed
            .into_iter()
            .flatten()
            .chain(
                self.other_parties
                    .iter()
                    .enumerate()
                    .map(|(i, o)| PartyRef {
                        path: PartyPath::Other(i),
                        party: &o.party,
                    }),
            )
    }

    /// The parties that receive the goods: the consignee, the named end user (if any) and
    /// every intermediate consignee, in that order. Goods delivered to any of them are
    /// supplied to that person; the exporter, forwarders, banks, payers and notify parties
    /// do not receive them.
    ///
    /// ```
    /// use exportctl_sdk::{country_sets, Shipment};
    /// /// The receiving parties in Russia or Belarus, named for a message.
    /// fn in_russia_belarus(shipment: &Shipment) -> Vec<String> {
    ///     shipment
    ///         .receiving_parties()
    ///         .filter(|p| country_sets::RUSSIA_BELARUS.contains(p.party.country))
    ///         .map(|p| format!("{} `{}`", shipment.role_name(p.path), p.party.name))
    ///         .collect()
    /// }
    /// ```
    pub fn receiving_parties(&self) -> impl Iterator<Item = PartyRef<'_>> {
        self.parties().filter(|p| match p.path {
            PartyPath::Consignee | PartyPath::EndUser => true,
            PartyPath::Exporter => false,
            PartyPath::Other(i) => self
                .other_parties
                .get(i)
                .is_some_and(|o| o.role == PartyRole::IntermediateConsignee),
        })
    }

    /// How a message names the role of the party at `path`: `exporter`, `consignee`,
    /// `end user`, or another party's [`PartyRole::name`] (`intermediate consignee`, …).
    pub fn role_name(&self, path: PartyPath) -> &'static str {
        match path {
            PartyPath::Exporter => "exporter",
            PartyPath::Consignee => "consignee",
            PartyPath::EndUser => "end user",
            PartyPath::Other(i) => self
                .other_parties
                .get(i)
                .map_or(PartyRole::Other.name(), |o| o.role.name()),
        }
    }

    /// Whether the goods cross `country` on the way (a transit country).
    pub fn transits(&self, country: Country) -> bool {
        self.transit_countries.contains(&country)
    }

    /// The transit countries that are in `set`, in order of travel.
    ///
    /// ```
    /// use exportctl_sdk::{country_sets, Country, Shipment};
    /// fn through_russia_belarus(shipment: &Shipment) -> Vec<Country> {
    ///     shipment.transit_countries_in(&country_sets::RUSSIA_BELARUS).collect()
    /// }
    /// ```
    pub fn transit_countries_in(&self, set: &CountrySet) -> impl Iterator<Item = Country> + '_ {
        let set = *set;
        self.transit_countries
            .iter()
            .copied()
            .filter(move |c| set.contains(*c))
    }

    /// Whether a licence issued by `jurisdiction` covers `line` on the shipment's date.
    pub fn licence_covers(&self, jurisdiction: &str, line: u32) -> bool {
        self.licences
            .iter()
            .any(|l| l.covers(jurisdiction, line, self.date))
    }

    /// The first licence issued in the EU ([`Licence::is_issued_in_eu`]) that covers
    /// `line` on the shipment's date: its `lines` include the line or are absent, and it
    /// has not expired. [`Shipment::licence_covers`] checks one jurisdiction; this one
    /// accepts the Union and each of its member states.
    ///
    /// ```
    /// use exportctl_sdk::Shipment;
    /// fn eu_licensed(shipment: &Shipment) -> Vec<u32> {
    ///     shipment
    ///         .lines
    ///         .iter()
    ///         .filter(|l| shipment.eu_licence_covering(l.line).is_some())
    ///         .map(|l| l.line)
    ///         .collect()
    /// }
    /// ```
    pub fn eu_licence_covering(&self, line: u32) -> Option<&Licence<'a>> {
        self.licences.iter().find(|licence| {
            licence.is_issued_in_eu() && licence.covers(&licence.jurisdiction, line, self.date)
        })
    }

    /// Encodes the shipment in the wire format the host hands to plugins.
    pub fn to_wire(&self) -> Result<Vec<u8>, WireError> {
        self.to_wire_in(Vec::new())
    }

    /// Encodes the shipment into `buffer`, replacing what it held: a caller that
    /// encodes many shipments keeps one buffer and stops allocating once it is
    /// large enough.
    pub fn to_wire_in(&self, mut buffer: Vec<u8>) -> Result<Vec<u8>, WireError> {
        buffer.clear();
        postcard::to_extend(self, buffer).map_err(WireError)
    }

    /// Decodes a shipment from the wire format. Its text is borrowed from `bytes`,
    /// not copied.
    pub fn from_wire(bytes: &'a [u8]) -> Result<Shipment<'a>, WireError> {
        postcard::from_bytes(bytes).map_err(WireError)
    }
}

/// The wire bytes could not be encoded or decoded.
#[derive(Debug)]
pub struct WireError(postcard::Error);

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "shipment wire encoding: {}", self.0)
    }
}

impl std::error::Error for WireError {}

/// Decimals on the wire as their fixed 16-byte form, as one byte string: exact,
/// decodable by formats without self-description (rust_decimal's own serde impl
/// needs `deserialize_any`, which postcard does not offer), and read in one step
/// rather than as sixteen separate bytes.
mod decimal_wire {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::fmt;

    /// One decimal in its wire form.
    pub(super) struct Wire(pub(super) Decimal);

    /// In a human-readable format (JSON: a shipment kept in a decision record) a decimal
    /// is its exact text, `"1250.50"`, as a string: a JSON number would be read as a double.
    impl Serialize for Wire {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            if s.is_human_readable() {
                s.collect_str(&self.0)
            } else {
                s.serialize_bytes(&self.0.serialize())
            }
        }
    }

    impl<'de> Deserialize<'de> for Wire {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Wire, D::Error> {
            struct Bytes;
            impl<'v> serde::de::Visitor<'v> for Bytes {
                type Value = Wire;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a decimal as 16 bytes")
                }
                fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Wire, E> {
                    <[u8; 16]>::try_from(bytes)
                        .map(|b| Wire(Decimal::deserialize(b)))
                        .map_err(|_| E::invalid_length(bytes.len(), &self))
                }
            }
            if d.is_human_readable() {
                use serde::de::Error;
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse::<Decimal>()
                    .map(Wire)
                    .map_err(|_| D::Error::custom(format!("{text:?} is not a decimal")))
            } else {
                d.deserialize_bytes(Bytes)
            }
        }
    }

    pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        Wire(*value).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        Wire::deserialize(d).map(|w| w.0)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
            value.map(Wire).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
            Option::<Wire>::deserialize(d).map(|o| o.map(|w| w.0))
        }
    }
}

#[cfg(all(test, feature = "input"))]
mod wire_tests {
    use super::Shipment;

    #[test]
    fn wire_encoding_round_trips_a_full_shipment() {
        let shipment = Shipment::from_json(
            r#"{"id":"S-1","date":"2024-05-10","exporter":{"name":"A GmbH","country":"de","ids":{"vat":"DE1"},"aliases":["A"]},
                "consignee":{"name":"B TOO","country":"KZ","registration_date":"2022-07-19","region":"KZ-75"},
                "end_user":{"name":"C","country":"RU"},"other_parties":[{"role":"payer","name":"D","country":"AE"}],
                "origin_country":"DE","destination_country":"KZ","transit_countries":["PL"],"transport_mode":"road",
                "end_use":{"statement":"s","military":false,"sector":"telecom"},"contract":{"reference":"r","date":"2024-01-01","no_russia_clause":true},
                "licences":[{"id":"L","jurisdiction":"eu","lines":[1],"valid_until":"2025-01-01"}],
                "lines":[{"line":1,"description":"chips","hs_code":"8542.31","control_codes":["3A991.a","ML10","EAR99","PL5001"],
                          "origin_country":"TW","quantity":"5000.5","unit":"pcs","value":{"amount":"41000.10","currency":"eur"},"us_content_percent":12.5}]}"#,
        )
        .unwrap();
        let wire = shipment.to_wire().unwrap();
        let back = Shipment::from_wire(&wire).unwrap();
        assert_eq!(back, shipment);
        assert!(wire.len() < 512, "{} bytes", wire.len());
        // The decoded text points into the wire bytes: nothing was copied.
        let inside = |t: &str| wire.as_ptr_range().contains(&t.as_ptr());
        assert!(
            inside(&back.id) && inside(&back.exporter.name) && inside(&back.lines[0].description)
        );
        assert!(back.exporter.aliases.iter().all(|a| inside(a)));
        assert!(
            back.exporter
                .ids
                .iter()
                .all(|(k, v)| inside(k) && inside(v))
        );
        assert!(inside(back.consignee.region.as_deref().unwrap()));
        assert!(inside(&back.lines[0].value.currency));
    }

    /// The JSON form an audit record keeps reads as the input format does (countries,
    /// dates and decimals as text; decimals exact, as strings) and reads back as the same
    /// shipment, so a replay judges exactly what was judged.
    #[test]
    fn serde_json_form_round_trips_a_full_shipment() {
        let shipment = Shipment::from_json(
            r#"{"id":"S-1","date":"2024-05-10","exporter":{"name":"A GmbH","country":"de","ids":{"vat":"DE1"}},
                "consignee":{"name":"B \"TOO\"","country":"KZ"},"origin_country":"DE","destination_country":"KZ",
                "lines":[{"line":1,"description":"chips","hs_code":"8542.31","quantity":"5000.5","unit":"pcs",
                          "value":{"amount":"41000.10","currency":"eur"},"us_content_percent":12.5}]}"#,
        )
        .unwrap();
        let value = serde_json::to_value(&shipment).unwrap();
        assert_eq!(value["date"], "2024-05-10");
        assert_eq!(value["exporter"]["country"], "DE");
        assert_eq!(value["lines"][0]["quantity"], "5000.5");
        assert_eq!(value["lines"][0]["value"]["amount"], "41000.10");
        let back = <Shipment<'_> as serde::Deserialize>::deserialize(&value).unwrap();
        assert_eq!(back, shipment);
        for (bad, what) in [
            (serde_json::json!("12x"), "decimal"),
            (serde_json::json!([1, 2, 3]), "decimal"),
        ] {
            assert!(
                serde_json::from_value::<super::decimal_wire::Wire>(bad).is_err(),
                "{what}"
            );
        }
        assert!(serde_json::from_value::<crate::Country>(serde_json::json!("kz")).is_err());
        assert!(serde_json::from_value::<crate::Country>(serde_json::json!("KAZ")).is_err());
        assert!(serde_json::from_value::<crate::Date>(serde_json::json!("2023-02-29")).is_err());
        assert!(
            serde_json::from_value::<crate::Date>(
                serde_json::json!({"year": 2024, "month": 1, "day": 1})
            )
            .is_err()
        );
    }

    #[test]
    fn encoding_into_a_used_buffer_gives_the_same_bytes() {
        let doc = |lines: usize| {
            let lines: Vec<String> = (1..=lines)
                .map(|n| format!(r#"{{"line":{n},"description":"item {n}","hs_code":"940360","quantity":1,"value":{{"amount":"1","currency":"EUR"}}}}"#))
                .collect();
            Shipment::from_json(&format!(
                r#"{{"id":"S","date":"2024-05-10","exporter":{{"name":"A","country":"DE"}},"consignee":{{"name":"B","country":"KZ"}},
                    "origin_country":"DE","destination_country":"KZ","lines":[{}]}}"#,
                lines.join(",")
            ))
            .unwrap()
        };
        let (large, small) = (doc(50), doc(1));
        let buffer = large.to_wire_in(Vec::new()).unwrap();
        let capacity = buffer.capacity();
        let reused = small.to_wire_in(buffer).unwrap();
        assert_eq!(reused, small.to_wire().unwrap());
        assert_eq!(
            reused.capacity(),
            capacity,
            "the buffer is kept, not replaced"
        );
        let back = Shipment::from_wire(&reused).unwrap();
        assert_eq!(back, small);
    }

    #[test]
    fn decoding_refuses_values_the_types_cannot_hold() {
        let shipment = Shipment::from_json(
            r#"{"id":"S","date":"2024-05-10","exporter":{"name":"A","country":"DE"},"consignee":{"name":"B","country":"KZ"},
                "origin_country":"DE","destination_country":"KZ",
                "lines":[{"line":1,"description":"d","hs_code":"940360","quantity":1,"value":{"amount":"1","currency":"EUR"}}]}"#,
        )
        .unwrap();
        let wire = shipment.to_wire().unwrap();
        // The HS code travels as length-prefixed text: shorten it to "94036".
        let at = wire.windows(7).position(|w| w == b"\x06940360").unwrap();
        let mut forged = wire.clone();
        forged[at] = 5;
        forged.remove(at + 6);
        assert!(Shipment::from_wire(&forged).is_err());
        // A lower-case country code.
        let at = wire.windows(2).position(|w| w == b"DE").unwrap();
        let mut forged = wire.clone();
        forged[at] = b'd';
        assert!(Shipment::from_wire(&forged).is_err());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(name: &str, country: Country) -> Party<'static> {
        Party {
            name: name.to_owned().into(),
            country,
            region: None,
            address: None,
            registration_date: None,
            ids: Vec::new(),
            aliases: Vec::new(),
        }
    }

    fn other(role: PartyRole, name: &str, country: Country) -> OtherParty<'static> {
        OtherParty {
            role,
            party: party(name, country),
        }
    }

    fn licence(
        jurisdiction: &str,
        lines: Option<Vec<u32>>,
        valid_until: Option<Date>,
    ) -> Licence<'static> {
        Licence {
            id: format!("L-{jurisdiction}").into(),
            jurisdiction: jurisdiction.to_owned().into(),
            lines,
            valid_until,
        }
    }

    /// DE → PL → BY → RU → KZ, with an end user and four other parties.
    fn shipment() -> Shipment<'static> {
        let de = Country::parse("DE").unwrap();
        let pl = Country::parse("PL").unwrap();
        Shipment {
            id: "S-1".into(),
            date: Date::ymd(2024, 6, 3),
            as_of: Date::ymd(2024, 6, 3),
            exporter: party("Exporter", de),
            consignee: party("Consignee", Country::KZ),
            end_user: Some(party("End User", Country::RU)),
            other_parties: vec![
                other(PartyRole::Bank, "Bank", Country::RU),
                other(PartyRole::IntermediateConsignee, "Hub", Country::BY),
                other(PartyRole::FreightForwarder, "Forwarder", pl),
                other(PartyRole::IntermediateConsignee, "Depot", Country::KZ),
            ],
            origin_country: de,
            destination_country: Country::KZ,
            transit_countries: vec![pl, Country::BY, Country::RU],
            transport_mode: None,
            end_use: None,
            contract: None,
            licences: Vec::new(),
            lines: Vec::new(),
        }
    }

    #[test]
    fn receiving_parties_are_consignee_end_user_and_intermediate_consignees() {
        let s = shipment();
        let paths: Vec<PartyPath> = s.receiving_parties().map(|p| p.path).collect();
        assert_eq!(
            paths,
            [
                PartyPath::Consignee,
                PartyPath::EndUser,
                PartyPath::Other(1),
                PartyPath::Other(3)
            ]
        );
        let mut no_end_user = shipment();
        no_end_user.end_user = None;
        no_end_user.other_parties.clear();
        let names: Vec<&str> = no_end_user
            .receiving_parties()
            .map(|p| p.party.name.as_str())
            .collect();
        assert_eq!(names, ["Consignee"]);
    }

    #[test]
    fn role_names_follow_the_party_path() {
        let s = shipment();
        let named: Vec<&str> = s.parties().map(|p| s.role_name(p.path)).collect();
        assert_eq!(
            named,
            [
                "exporter",
                "consignee",
                "end user",
                "bank",
                "intermediate consignee",
                "freight forwarder",
                "intermediate consignee"
            ]
        );
        assert_eq!(s.role_name(PartyPath::Other(99)), "other party");
    }

    #[test]
    fn transit_countries_in_a_set_keep_the_route_order() {
        let s = shipment();
        let through: Vec<Country> = s
            .transit_countries_in(&country_sets::RUSSIA_BELARUS)
            .collect();
        assert_eq!(through, [Country::BY, Country::RU]);
        assert_eq!(s.transit_countries_in(&country_sets::CIS).count(), 2);
        assert_eq!(
            s.transit_countries_in(&country_sets::ANNEX_VIII_PARTNERS)
                .count(),
            0
        );
    }

    #[test]
    fn the_union_and_member_states_issue_eu_licences() {
        for j in ["EU", "eu", "DE", "fr", "PL", "CY"] {
            assert!(licence(j, None, None).is_issued_in_eu(), "{j}");
        }
        for j in ["US", "UK", "GB", "KZ", "NO", "CH", "", "EUR"] {
            assert!(!licence(j, None, None).is_issued_in_eu(), "{j}");
        }
    }

    #[test]
    fn an_eu_licence_covers_its_lines_until_it_expires() {
        let mut s = shipment();
        s.licences = vec![
            licence("US", None, None),
            licence("DE", Some(vec![2]), Some(Date::ymd(2024, 6, 2))),
            licence("FR", Some(vec![2, 3]), Some(Date::ymd(2024, 6, 3))),
            licence("eu", Some(vec![4]), None),
        ];
        assert_eq!(
            s.eu_licence_covering(1),
            None,
            "the US licence is not an EU one"
        );
        assert_eq!(
            s.eu_licence_covering(2).map(|l| l.id.as_str()),
            Some("L-FR"),
            "the German licence has expired"
        );
        assert_eq!(
            s.eu_licence_covering(3).map(|l| l.id.as_str()),
            Some("L-FR")
        );
        assert_eq!(
            s.eu_licence_covering(4).map(|l| l.id.as_str()),
            Some("L-eu")
        );
        s.licences.push(licence("IT", None, None));
        assert_eq!(
            s.eu_licence_covering(1).map(|l| l.id.as_str()),
            Some("L-IT")
        );
    }
}
