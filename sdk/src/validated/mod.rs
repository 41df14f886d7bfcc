//! The validated shipment as data: what the host's reader produces from an ERP
//! document (`shipment.md`, version 1), keeps in decision records, and writes for
//! the policies.
//!
//! The host parses and validates the document, normalises it (HS codes as digits,
//! country codes upper-case, dates typed, control codes classified) into this
//! [`Shipment`], and writes it once per shipment in the wire format
//! ([`Shipment::to_wire`], `sdk/spec/wire.md`). Policies never see this type: they
//! read the buffer in place through [`crate::Shipment`]. Plugins built for contract
//! 1.0.0–1.2.0 read wire format 1, this structure's postcard encoding
//! ([`Shipment::to_legacy_wire_in`]); the host still writes it for them.
//!
//! Its serde form in a human-readable format is the canonical JSON a decision
//! record keeps (`audit-record.md`).

mod encode;
mod legacy;

use crate::{ControlCode, Country, Date, HsCode, PartyRole, Text, TransportMode};
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

impl Shipment<'_> {
    /// The same shipment owning all its text, to outlive the document it was
    /// validated from (copies only what was borrowed).
    pub fn into_owned(self) -> Shipment<'static> {
        Shipment {
            id: self.id.into_owned(),
            date: self.date,
            as_of: self.as_of,
            exporter: self.exporter.into_owned(),
            consignee: self.consignee.into_owned(),
            end_user: self.end_user.map(Party::into_owned),
            other_parties: self
                .other_parties
                .into_iter()
                .map(|o| OtherParty {
                    role: o.role,
                    party: o.party.into_owned(),
                })
                .collect(),
            origin_country: self.origin_country,
            destination_country: self.destination_country,
            transit_countries: self.transit_countries,
            transport_mode: self.transport_mode,
            end_use: self.end_use.map(|e| EndUse {
                statement: e.statement.map(Text::into_owned),
                military: e.military,
                sector: e.sector.map(Text::into_owned),
            }),
            contract: self.contract.map(|c| Contract {
                reference: c.reference.map(Text::into_owned),
                date: c.date,
                no_russia_clause: c.no_russia_clause,
            }),
            licences: self
                .licences
                .into_iter()
                .map(|l| Licence {
                    id: l.id.into_owned(),
                    jurisdiction: l.jurisdiction.into_owned(),
                    lines: l.lines,
                    valid_until: l.valid_until,
                })
                .collect(),
            lines: self
                .lines
                .into_iter()
                .map(|l| Line {
                    line: l.line,
                    description: l.description.into_owned(),
                    hs_code: l.hs_code,
                    control_codes: l.control_codes,
                    origin_country: l.origin_country,
                    quantity: l.quantity,
                    unit: l.unit.map(Text::into_owned),
                    value: Money {
                        amount: l.value.amount,
                        currency: l.value.currency.into_owned(),
                    },
                    us_content_percent: l.us_content_percent,
                })
                .collect(),
        }
    }
}

impl Party<'_> {
    /// The same party owning all its text.
    pub fn into_owned(self) -> Party<'static> {
        Party {
            name: self.name.into_owned(),
            country: self.country,
            region: self.region.map(Text::into_owned),
            address: self.address.map(Text::into_owned),
            registration_date: self.registration_date,
            ids: self
                .ids
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            aliases: self.aliases.into_iter().map(Text::into_owned).collect(),
        }
    }
}

/// Copies that borrow their text from the original: what a document read and
/// validated in one pass hands out each time it is validated.
#[cfg(feature = "input")]
impl Shipment<'_> {
    pub(crate) fn reborrow(&self) -> Shipment<'_> {
        Shipment {
            id: self.id.reborrow(),
            date: self.date,
            as_of: self.as_of,
            exporter: self.exporter.reborrow(),
            consignee: self.consignee.reborrow(),
            end_user: self.end_user.as_ref().map(Party::reborrow),
            other_parties: self
                .other_parties
                .iter()
                .map(|o| OtherParty {
                    role: o.role,
                    party: o.party.reborrow(),
                })
                .collect(),
            origin_country: self.origin_country,
            destination_country: self.destination_country,
            transit_countries: self.transit_countries.clone(),
            transport_mode: self.transport_mode,
            end_use: self.end_use.as_ref().map(|e| EndUse {
                statement: e.statement.as_ref().map(Text::reborrow),
                military: e.military,
                sector: e.sector.as_ref().map(Text::reborrow),
            }),
            contract: self.contract.as_ref().map(|c| Contract {
                reference: c.reference.as_ref().map(Text::reborrow),
                date: c.date,
                no_russia_clause: c.no_russia_clause,
            }),
            licences: self
                .licences
                .iter()
                .map(|l| Licence {
                    id: l.id.reborrow(),
                    jurisdiction: l.jurisdiction.reborrow(),
                    lines: l.lines.clone(),
                    valid_until: l.valid_until,
                })
                .collect(),
            lines: self
                .lines
                .iter()
                .map(|l| Line {
                    line: l.line,
                    description: l.description.reborrow(),
                    hs_code: l.hs_code,
                    control_codes: l.control_codes.clone(),
                    origin_country: l.origin_country,
                    quantity: l.quantity,
                    unit: l.unit.as_ref().map(Text::reborrow),
                    value: Money {
                        amount: l.value.amount,
                        currency: l.value.currency.reborrow(),
                    },
                    us_content_percent: l.us_content_percent,
                })
                .collect(),
        }
    }
}

#[cfg(feature = "input")]
impl Party<'_> {
    fn reborrow(&self) -> Party<'_> {
        Party {
            name: self.name.reborrow(),
            country: self.country,
            region: self.region.as_ref().map(Text::reborrow),
            address: self.address.as_ref().map(Text::reborrow),
            registration_date: self.registration_date,
            ids: self
                .ids
                .iter()
                .map(|(k, v)| (k.reborrow(), v.reborrow()))
                .collect(),
            aliases: self.aliases.iter().map(Text::reborrow).collect(),
        }
    }
}

impl<'a> Shipment<'a> {
    /// The party at `path` as findings name parties: `exporter`, `consignee`,
    /// `end_user` (when named) or `other_parties[i]`.
    ///
    /// ```
    /// use exportctl_sdk::validated::Shipment;
    /// let s = Shipment::from_json(r#"{"id": "S", "date": "2024-05-10",
    ///   "exporter": {"name": "A", "country": "DE"}, "consignee": {"name": "B", "country": "KZ"},
    ///   "other_parties": [{"role": "bank", "name": "C", "country": "AE"}],
    ///   "origin_country": "DE", "destination_country": "KZ",
    ///   "lines": [{"line": 1, "description": "d", "hs_code": "940360", "quantity": 1,
    ///              "value": {"amount": "1", "currency": "EUR"}}]}"#)?;
    /// assert_eq!(s.party_at("other_parties[0]").map(|p| p.name.as_str()), Some("C"));
    /// assert!(s.party_at("end_user").is_none() && s.party_at("other_parties[01]").is_none());
    /// # Ok::<(), exportctl_sdk::input::InputError>(())
    /// ```
    pub fn party_at(&self, path: &str) -> Option<&Party<'a>> {
        match path {
            "exporter" => Some(&self.exporter),
            "consignee" => Some(&self.consignee),
            "end_user" => self.end_user.as_ref(),
            _ => {
                let index = path.strip_prefix("other_parties[")?.strip_suffix(']')?;
                let i: usize = index.parse().ok()?;
                // One spelling per party: `other_parties[1]`, not `[01]` or `[+1]`.
                (i.to_string() == index)
                    .then(|| self.other_parties.get(i).map(|o| &o.party))
                    .flatten()
            }
        }
    }
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

    const FULL: &str = r#"{"id":"S-1","date":"2024-05-10","exporter":{"name":"A GmbH","country":"de","ids":{"vat":"DE1"},"aliases":["A"]},
        "consignee":{"name":"B TOO","country":"KZ","registration_date":"2022-07-19","region":"KZ-75"},
        "end_user":{"name":"C","country":"RU"},"other_parties":[{"role":"payer","name":"D","country":"AE"}],
        "origin_country":"DE","destination_country":"KZ","transit_countries":["PL"],"transport_mode":"road",
        "end_use":{"statement":"s","military":false,"sector":"telecom"},"contract":{"reference":"r","date":"2024-01-01","no_russia_clause":true},
        "licences":[{"id":"L","jurisdiction":"eu","lines":[1],"valid_until":"2025-01-01"}],
        "lines":[{"line":1,"description":"chips","hs_code":"8542.31","control_codes":["3A991.a","ML10","EAR99","PL5001"],
                  "origin_country":"TW","quantity":"5000.5","unit":"pcs","value":{"amount":"41000.10","currency":"eur"},"us_content_percent":12.5}]}"#;

    const SMALL: &str = r#"{"id":"S","date":"2024-05-10","exporter":{"name":"A","country":"DE"},"consignee":{"name":"B","country":"KZ"},
        "origin_country":"DE","destination_country":"KZ",
        "lines":[{"line":1,"description":"d","hs_code":"940360","quantity":1,"value":{"amount":"1","currency":"EUR"}}]}"#;

    #[test]
    fn format_2_is_read_in_place_as_written() {
        let shipment = Shipment::from_json(FULL).unwrap();
        let wire = shipment.to_wire().unwrap();
        let read = crate::Shipment::from_wire(&wire).unwrap();
        assert_eq!(read.id(), "S-1");
        assert_eq!(read.consignee().region(), Some("KZ-75"));
        assert_eq!(read.exporter().id("vat"), Some("DE1"));
        assert_eq!(read.named_end_user().map(|p| p.name()), Some("C"));
        assert_eq!(
            read.other_parties().first().map(|o| o.role()),
            Some(crate::PartyRole::Payer)
        );
        assert_eq!(read.transport_mode(), Some(crate::TransportMode::Road));
        assert_eq!(
            read.contract().and_then(|c| c.no_russia_clause()),
            Some(true)
        );
        assert_eq!(read.end_use().and_then(|e| e.military()), Some(false));
        let licence = read.licences().first().unwrap();
        assert_eq!(
            licence.lines().map(|l| l.collect::<Vec<_>>()),
            Some(vec![1])
        );
        let line = read.lines().first().unwrap();
        let codes: Vec<crate::ControlCode> = line.control_codes().collect();
        assert_eq!(codes, shipment.lines[0].control_codes);
        assert_eq!(line.quantity().to_string(), "5000.5");
        assert_eq!(line.value().amount().to_string(), "41000.10");
        assert_eq!(
            line.us_content_percent().map(|d| d.to_string()),
            Some("12.5".to_owned())
        );
        // Text points into the wire bytes: nothing was copied.
        let inside = |t: &str| wire.as_ptr_range().contains(&t.as_ptr());
        assert!(inside(read.id()) && inside(read.exporter().name()) && inside(line.description()));
        assert!(read.exporter().aliases().all(inside));
        assert!(inside(line.value().currency()));
        assert!(wire.len() < 1024, "{} bytes", wire.len());
    }

    /// The bytes of format 2 are the contract between the host and every plugin
    /// built with this SDK (and, read with `sdk/spec/wire.md`, in any language):
    /// a change to them is a new wire format, not a refactoring.
    #[test]
    fn golden_bytes_pin_format_2() {
        let wire = Shipment::from_json(SMALL).unwrap().to_wire().unwrap();
        let hex: String = wire.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            &wire[..8],
            b"XSHP\x02\x00\x01\x00",
            "magic, version 2, kind 1"
        );
        assert_eq!(
            hex, GOLDEN_SMALL,
            "format 2 changed: this is a new wire format"
        );
    }

    /// `SMALL` in format 2.
    const GOLDEN_SMALL: &str = concat!(
        "58534850020001005c010000070000000000000001000000e807050ae807050a",
        "44454b5a00000000ffffffff00000000ffffffff00000000ffffffff00000000",
        "0000000000000000f800000000000000f800000000000000f800000000000000",
        "f8000000010000000100000001000000ffffffff00000000ffffffff00000000",
        "f800000000000000f80000000000000000000000444500000200000001000000",
        "ffffffff00000000ffffffff00000000f800000000000000f800000000000000",
        "000000004b5a0000ffffffff00000000ffffffff00000000ffffffff00000000",
        "0000000000000000000000000000000000000000000000000100000003000000",
        "01000000393430333630000000000600000000005c01000000000000ffffffff",
        "0000000004000000030000000000000001000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000053414264",
        "455552",
    );

    #[test]
    fn format_1_is_still_written_for_older_plugins() {
        let shipment = Shipment::from_json(FULL).unwrap();
        let wire = shipment.to_legacy_wire_in(Vec::new()).unwrap();
        assert_ne!(&wire[..4], b"XSHP");
        assert_eq!(Shipment::from_legacy_wire(&wire).unwrap(), shipment);
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
        assert_eq!(
            crate::Shipment::from_wire(&reused).unwrap().lines().len(),
            1
        );
    }

    #[test]
    fn a_reader_refuses_values_the_types_cannot_hold() {
        use crate::wire::layout::{HEADER, line, shipment as s};
        let wire = Shipment::from_json(SMALL).unwrap().to_wire().unwrap();
        let read = |bytes: &[u8]| {
            crate::Shipment::from_wire(bytes)
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        assert_eq!(read(&wire), Ok(()));
        let lines_at = u32::from_le_bytes(
            wire[HEADER + s::LINES..HEADER + s::LINES + 4]
                .try_into()
                .unwrap(),
        ) as usize;
        // An HS code of five digits.
        let mut forged = wire.clone();
        forged[lines_at + line::HS_LEN] = 5;
        assert!(read(&forged).unwrap_err().contains("not an HS code"));
        // A lower-case country code.
        let mut forged = wire.clone();
        forged[HEADER + s::ORIGIN] = b'd';
        assert!(read(&forged).unwrap_err().contains("country code"));
        // A string past the end of the heap.
        let mut forged = wire.clone();
        forged[HEADER + s::ID + 4] = 200;
        assert!(read(&forged).unwrap_err().contains("outside the heap"));
        // The 31st of February.
        let mut forged = wire.clone();
        forged[HEADER + s::DATE + 2] = 2;
        forged[HEADER + s::DATE + 3] = 31;
        assert!(read(&forged).unwrap_err().contains("not a date"));
        // Another format version: the message says what to rebuild.
        let mut forged = wire.clone();
        forged[4] = 3;
        let e = read(&forged).unwrap_err();
        assert!(e.contains("wire format 3") && e.contains("rebuild"), "{e}");
        // Format 1 bytes handed to a format 2 reader.
        let legacy = Shipment::from_json(SMALL)
            .unwrap()
            .to_legacy_wire_in(Vec::new())
            .unwrap();
        assert!(read(&legacy).unwrap_err().contains("another wire format"));
    }
}
