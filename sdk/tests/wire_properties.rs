//! Property tests of the boundary encoding (`Shipment::to_wire` / `from_wire`):
//! what the host encodes, a plugin decodes to exactly the same shipment, byte for
//! byte (decimal scales, Unicode text, empty and absent fields included), and no
//! byte string, truncated or damaged encoding makes the decoder panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test: failing loudly is its job"
)]

use exportctl_sdk::{
    Contract, ControlCode, Country, Date, Decimal, EndUse, HsCode, Licence, Line, Money,
    OtherParty, Party, PartyRole, Shipment, Text, TransportMode,
};
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn encode_then_decode_is_lossless(s in shipment()) {
        let wire = s.to_wire().unwrap_or_else(|e| panic!("{e}"));
        let back = Shipment::from_wire(&wire).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(&back, &s);
        // Byte for byte: nothing (a decimal's scale, say) is normalised away.
        prop_assert_eq!(&back.to_wire().unwrap_or_else(|e| panic!("{e}")), &wire);
        for (a, b) in back.lines.iter().zip(&s.lines) {
            prop_assert_eq!(a.quantity.scale(), b.quantity.scale());
            prop_assert_eq!(a.value.amount.serialize(), b.value.amount.serialize());
        }
    }

    #[test]
    fn truncated_or_extended_encodings_are_refused(s in shipment(), cut in any::<proptest::sample::Index>()) {
        let wire = s.to_wire().unwrap_or_else(|e| panic!("{e}"));
        let end = cut.index(wire.len());
        prop_assert!(Shipment::from_wire(&wire[..end]).is_err(), "a prefix of {} bytes decoded", end);
    }

    #[test]
    fn damaged_encodings_never_panic(
        s in shipment(),
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let mut wire = s.to_wire().unwrap_or_else(|e| panic!("{e}"));
        for (at, byte) in edits {
            let i = at.index(wire.len());
            wire[i] = byte;
        }
        if let Ok(decoded) = Shipment::from_wire(&wire) {
            // Whatever decodes re-encodes to a decodable shipment.
            let again = decoded.to_wire().unwrap_or_else(|e| panic!("{e}"));
            prop_assert_eq!(Shipment::from_wire(&again).ok(), Some(decoded));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if let Err(e) = Shipment::from_wire(&bytes) {
            prop_assert!(e.to_string().starts_with("shipment wire encoding: "));
        }
    }
}
