//! Property tests of the boundary encodings: what the host writes in wire format 2
//! (`validated::Shipment::to_wire`), a plugin reads back through the accessors
//! (`Shipment::from_wire`) as exactly the same values (decimal scales, Unicode text,
//! empty and absent fields included); format 1 (postcard, for plugins built for
//! contract 1.2.0 and earlier) still round-trips; and no byte string, truncated or
//! damaged buffer makes the reader panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test: failing loudly is its job"
)]

use exportctl_sdk::validated::{
    Contract, EndUse, Licence, Line, Money, OtherParty, Party, Shipment,
};
use exportctl_sdk::{ControlCode, Country, Date, Decimal, HsCode, PartyRole, Text, TransportMode};
use proptest::prelude::*;

fn country() -> impl Strategy<Value = Country> {
    (b'A'..=b'Z', b'A'..=b'Z').prop_map(|(a, b)| Country::from_bytes([a, b]))
}

fn date() -> impl Strategy<Value = Date> {
    (1u16..=9999, 1u8..=12, 1u8..=31).prop_filter_map("no such day", |(y, m, d)| Date::new(y, m, d))
}

/// Any decimal rust_decimal can hold: 96-bit mantissa, sign, scale 0–28.
fn decimal() -> impl Strategy<Value = Decimal> {
    (
        any::<u32>(),
        any::<u32>(),
        any::<u32>(),
        any::<bool>(),
        0u32..=28,
    )
        .prop_map(|(lo, mid, hi, negative, scale)| {
            Decimal::from_parts(lo, mid, hi, negative, scale)
        })
}

fn text() -> impl Strategy<Value = Text<'static>> {
    any::<String>().prop_map(Text::from)
}

fn party() -> impl Strategy<Value = Party<'static>> {
    (
        text(),
        country(),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(date()),
        proptest::collection::vec((text(), text()), 0..3),
        proptest::collection::vec(text(), 0..3),
    )
        .prop_map(
            |(name, country, region, address, registration_date, ids, aliases)| Party {
                name,
                country,
                region,
                address,
                registration_date,
                ids,
                aliases,
            },
        )
}

fn role() -> impl Strategy<Value = PartyRole> {
    proptest::sample::select(vec![
        PartyRole::FreightForwarder,
        PartyRole::IntermediateConsignee,
        PartyRole::NotifyParty,
        PartyRole::Payer,
        PartyRole::Bank,
        PartyRole::Other,
    ])
}

fn transport() -> impl Strategy<Value = TransportMode> {
    proptest::sample::select(vec![
        TransportMode::Road,
        TransportMode::Rail,
        TransportMode::Sea,
        TransportMode::Air,
        TransportMode::Post,
        TransportMode::Pipeline,
        TransportMode::Other,
    ])
}

fn line() -> impl Strategy<Value = Line<'static>> {
    (
        any::<u32>(),
        text(),
        "[0-9]{6,10}".prop_map(|s| HsCode::parse(&s).unwrap_or_else(|| panic!("{s}"))),
        proptest::collection::vec(
            prop_oneof![
                "[0-9][A-E][0-9]{3}(\\.[a-z])?",
                "ML[0-9]{1,2}",
                "EAR99",
                any::<String>()
            ]
            .prop_map(|s| ControlCode::parse(&s)),
            0..3,
        ),
        proptest::option::of(country()),
        decimal(),
        proptest::option::of(text()),
        (decimal(), "[A-Z]{3}"),
        proptest::option::of(decimal()),
    )
        .prop_map(
            |(
                line,
                description,
                hs_code,
                control_codes,
                origin_country,
                quantity,
                unit,
                (amount, currency),
                us,
            )| Line {
                line,
                description,
                hs_code,
                control_codes,
                origin_country,
                quantity,
                unit,
                value: Money {
                    amount,
                    currency: currency.into(),
                },
                us_content_percent: us,
            },
        )
}

fn shipment() -> impl Strategy<Value = Shipment<'static>> {
    let head = (
        text(),
        date(),
        date(),
        party(),
        party(),
        proptest::option::of(party()),
        proptest::collection::vec(
            (role(), party()).prop_map(|(role, party)| OtherParty { role, party }),
            0..3,
        ),
        country(),
        country(),
        proptest::collection::vec(country(), 0..4),
    );
    let tail = (
        proptest::option::of(transport()),
        proptest::option::of(
            (
                proptest::option::of(text()),
                proptest::option::of(any::<bool>()),
                proptest::option::of(text()),
            )
                .prop_map(|(statement, military, sector)| EndUse {
                    statement,
                    military,
                    sector,
                }),
        ),
        proptest::option::of(
            (
                proptest::option::of(text()),
                proptest::option::of(date()),
                proptest::option::of(any::<bool>()),
            )
                .prop_map(|(reference, date, no_russia_clause)| Contract {
                    reference,
                    date,
                    no_russia_clause,
                }),
        ),
        proptest::collection::vec(
            (
                text(),
                "[A-Z]{2}",
                proptest::option::of(proptest::collection::vec(any::<u32>(), 0..4)),
                proptest::option::of(date()),
            )
                .prop_map(|(id, jurisdiction, lines, valid_until)| Licence {
                    id,
                    jurisdiction: jurisdiction.into(),
                    lines,
                    valid_until,
                }),
            0..3,
        ),
        proptest::collection::vec(line(), 1..5),
    );
    (head, tail).prop_map(
        |(
            (
                id,
                date,
                as_of,
                exporter,
                consignee,
                end_user,
                other_parties,
                origin_country,
                destination_country,
                transit_countries,
            ),
            (transport_mode, end_use, contract, licences, lines),
        )| Shipment {
            id,
            date,
            as_of,
            exporter,
            consignee,
            end_user,
            other_parties,
            origin_country,
            destination_country,
            transit_countries,
            transport_mode,
            end_use,
            contract,
            licences,
            lines,
        },
    )
}

/// Whether the view reads exactly the validated party.
fn same_party(view: exportctl_sdk::Party<'_>, party: &Party<'_>) -> bool {
    view.name() == party.name.as_str()
        && view.country() == party.country
        && view.region() == party.region.as_deref()
        && view.address() == party.address.as_deref()
        && view.registration_date() == party.registration_date
        && view
            .ids()
            .eq(party.ids.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        && view.aliases().eq(party.aliases.iter().map(Text::as_str))
}

/// Whether the view reads exactly the validated shipment, field by field.
fn same(view: &exportctl_sdk::Shipment<'_>, s: &Shipment<'_>) -> bool {
    let lines = view.lines().len() == s.lines.len()
        && view.lines().zip(&s.lines).all(|(v, l)| {
            v.number() == l.line
                && v.description() == l.description.as_str()
                && v.hs_code() == l.hs_code
                && v.control_codes().eq(l.control_codes.iter().cloned())
                && v.origin_country() == l.origin_country
                && v.quantity().serialize() == l.quantity.serialize()
                && v.unit() == l.unit.as_deref()
                && v.value().amount().serialize() == l.value.amount.serialize()
                && v.value().currency() == l.value.currency.as_str()
                && v.us_content_percent().map(|d| d.serialize())
                    == l.us_content_percent.map(|d| d.serialize())
        });
    let licences = view.licences().len() == s.licences.len()
        && view.licences().zip(&s.licences).all(|(v, l)| {
            v.id() == l.id.as_str()
                && v.jurisdiction() == l.jurisdiction.as_str()
                && v.lines().map(|lines| lines.collect::<Vec<u32>>()) == l.lines
                && v.valid_until() == l.valid_until
        });
    let others = view.other_parties().len() == s.other_parties.len()
        && view
            .other_parties()
            .zip(&s.other_parties)
            .all(|(v, o)| v.role() == o.role && same_party(v.party(), &o.party));
    let end_use = match (view.end_use(), &s.end_use) {
        (None, None) => true,
        (Some(v), Some(e)) => {
            v.statement() == e.statement.as_deref()
                && v.military() == e.military
                && v.sector() == e.sector.as_deref()
        }
        _ => false,
    };
    let contract = match (view.contract(), &s.contract) {
        (None, None) => true,
        (Some(v), Some(c)) => {
            v.reference() == c.reference.as_deref()
                && v.date() == c.date
                && v.no_russia_clause() == c.no_russia_clause
        }
        _ => false,
    };
    let end_user = match (view.named_end_user(), &s.end_user) {
        (None, None) => true,
        (Some(v), Some(p)) => same_party(v, p),
        _ => false,
    };
    view.id() == s.id.as_str()
        && view.date() == s.date
        && view.as_of() == s.as_of
        && same_party(view.exporter(), &s.exporter)
        && same_party(view.consignee(), &s.consignee)
        && end_user
        && others
        && view.origin_country() == s.origin_country
        && view.destination_country() == s.destination_country
        && view
            .transit_countries()
            .eq(s.transit_countries.iter().copied())
        && view.transport_mode() == s.transport_mode
        && end_use
        && contract
        && licences
        && lines
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn written_then_read_in_place_is_lossless(s in shipment()) {
        let wire = s.to_wire().unwrap_or_else(|e| panic!("{e}"));
        let view = exportctl_sdk::Shipment::from_wire(&wire).unwrap_or_else(|e| panic!("{e}"));
        prop_assert!(same(&view, &s), "{view:#?}\n{s:#?}");
        // Deterministic: the same shipment, the same bytes.
        prop_assert_eq!(s.to_wire().unwrap_or_else(|e| panic!("{e}")), wire);
    }

    #[test]
    fn format_1_still_round_trips(s in shipment()) {
        let wire = s.to_legacy_wire_in(Vec::new()).unwrap_or_else(|e| panic!("{e}"));
        let back = Shipment::from_legacy_wire(&wire).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(&back, &s);
        for (a, b) in back.lines.iter().zip(&s.lines) {
            prop_assert_eq!(a.quantity.scale(), b.quantity.scale());
        }
    }

    #[test]
    fn truncated_or_extended_buffers_are_refused(s in shipment(), cut in any::<proptest::sample::Index>(), extra in any::<u8>()) {
        let wire = s.to_wire().unwrap_or_else(|e| panic!("{e}"));
        let end = cut.index(wire.len());
        prop_assert!(exportctl_sdk::Shipment::from_wire(&wire[..end]).is_err(), "a prefix of {} bytes read", end);
        let mut longer = wire.clone();
        longer.push(extra);
        prop_assert!(exportctl_sdk::Shipment::from_wire(&longer).is_err());
    }

    #[test]
    fn damaged_buffers_never_panic(
        s in shipment(),
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let mut wire = s.to_wire().unwrap_or_else(|e| panic!("{e}"));
        for (at, byte) in edits {
            let i = at.index(wire.len());
            wire[i] = byte;
        }
        if let Ok(read) = exportctl_sdk::Shipment::from_wire(&wire) {
            // Whatever passes the check reads in full: every accessor, every table.
            let shown = format!("{read:?}");
            prop_assert!(shown.starts_with("Shipment"));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if let Err(e) = exportctl_sdk::Shipment::from_wire(&bytes) {
            prop_assert!(e.to_string().starts_with("shipment wire bytes: "));
        }
    }
}
