//! The golden buffer both SDKs read: `tests/golden/full.wire` is what the host
//! writes in wire format 2 for `tests/golden/full.json` (every field of the format
//! given, non-ASCII text, decimals at several scales), and `tests/golden/full.values.json`
//! is what it reads back as, in a language-neutral form. The Python SDK's test
//! (`sdk-python/tests/test_golden.py`) decodes the same bytes and must find the same
//! values: the two readers of `sdk/spec/wire.md` agree field for field.
//!
//! To rewrite the files after a deliberate change of the format (a new wire format
//! version, never a refactoring): `EXPORTCTL_BLESS=1 cargo test -p exportctl-sdk --test wire_golden`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test: failing loudly is its job"
)]

use exportctl_sdk::validated;
use exportctl_sdk::{Date, Decimal, Party, Shipment, TransportMode};
use serde_json::{Value, json};
use std::path::PathBuf;

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn blessing() -> bool {
    std::env::var_os("EXPORTCTL_BLESS").is_some()
}

fn date(d: Option<Date>) -> Value {
    d.map_or(Value::Null, |d| json!(d.to_string()))
}

fn decimal(d: Decimal) -> Value {
    json!(d.to_string())
}

fn text(t: Option<&str>) -> Value {
    t.map_or(Value::Null, |t| json!(t))
}

fn party(p: &Party<'_>) -> Value {
    json!({
        "name": p.name(),
        "country": p.country().as_str(),
        "region": text(p.region()),
        "address": text(p.address()),
        "ids": p.ids().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        "aliases": p.aliases().collect::<Vec<_>>(),
        "registration_date": date(p.registration_date()),
    })
}

fn transport_mode(mode: TransportMode) -> &'static str {
    match mode {
        TransportMode::Road => "road",
        TransportMode::Rail => "rail",
        TransportMode::Sea => "sea",
        TransportMode::Air => "air",
        TransportMode::Post => "post",
        TransportMode::Pipeline => "pipeline",
        TransportMode::Other => "other",
    }
}

/// The shipment as the plugin's reader sees it, every field, in the form
/// `full.values.json` keeps.
fn values(s: &Shipment<'_>) -> Value {
    json!({
        "id": s.id(),
        "date": s.date().to_string(),
        "as_of": s.as_of().to_string(),
        "origin_country": s.origin_country().as_str(),
        "destination_country": s.destination_country().as_str(),
        "transport_mode": s.transport_mode().map(transport_mode),
        "transit_countries": s.transit_countries().map(|c| c.as_str().to_owned()).collect::<Vec<_>>(),
        "exporter": party(&s.exporter()),
        "consignee": party(&s.consignee()),
        "end_user": s.named_end_user().map_or(Value::Null, |p| party(&p)),
        "other_parties": s.other_parties().map(|o| json!({
            "role": o.role().as_str(),
            "party": party(&o.party()),
        })).collect::<Vec<_>>(),
        "end_use": s.end_use().map_or(Value::Null, |e| json!({
            "statement": text(e.statement()),
            "military": e.military(),
            "sector": text(e.sector()),
        })),
        "contract": s.contract().map_or(Value::Null, |c| json!({
            "reference": text(c.reference()),
            "date": date(c.date()),
            "no_russia_clause": c.no_russia_clause(),
        })),
        "licences": s.licences().map(|l| json!({
            "id": l.id(),
            "jurisdiction": l.jurisdiction(),
            "lines": l.lines().map(|lines| lines.collect::<Vec<_>>()),
            "valid_until": date(l.valid_until()),
        })).collect::<Vec<_>>(),
        "lines": s.lines().map(|l| json!({
            "line": l.number(),
            "description": l.description(),
            "hs_code": l.hs_code().as_str(),
            "control_codes": l.control_codes().map(|c| c.to_string()).collect::<Vec<_>>(),
            "origin_country": l.origin_country().map(|c| c.as_str().to_owned()),
            "quantity": decimal(l.quantity()),
            "unit": text(l.unit()),
            "value": {"amount": decimal(l.value().amount()), "currency": l.value().currency()},
            "us_content_percent": l.us_content_percent().map_or(Value::Null, decimal),
        })).collect::<Vec<_>>(),
    })
}

#[test]
fn the_golden_buffer_is_what_the_host_writes_and_reads_as_its_values() {
    let source = std::fs::read_to_string(golden("full.json")).unwrap();
    let wire = validated::Shipment::from_json(&source)
        .unwrap()
        .to_wire()
        .unwrap();
    let read = Shipment::from_wire(&wire).unwrap();
    let mut shown = serde_json::to_string_pretty(&values(&read)).unwrap();
    shown.push('\n');
    if blessing() {
        std::fs::write(golden("full.wire"), &wire).unwrap();
        std::fs::write(golden("full.values.json"), &shown).unwrap();
    }
    let kept = std::fs::read(golden("full.wire")).unwrap();
    assert!(
        kept == wire,
        "the host now writes other bytes for tests/golden/full.json than tests/golden/full.wire: \
         a new wire format, not a refactoring (see the module docs to rewrite the files)"
    );
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(golden("full.values.json")).unwrap())
            .unwrap();
    assert_eq!(values(&read), expected);
}

#[test]
fn the_golden_shipment_gives_every_field_of_the_format() {
    let kept = std::fs::read(golden("full.wire")).unwrap();
    let s = Shipment::from_wire(&kept).unwrap();
    assert!(s.named_end_user().is_some() && s.transport_mode().is_some());
    assert!(s.end_use().is_some() && s.contract().is_some());
    assert!(s.licences().any(|l| l.lines().is_some()) && s.licences().any(|l| l.lines().is_none()));
    assert!(s.other_parties().len() >= 3 && s.transit_countries().len() >= 2);
    assert!(s.lines().any(|l| l.us_content_percent().is_some()));
    assert!(
        s.lines()
            .any(|l| l.origin_country().is_none() && l.unit().is_none())
    );
    assert!(s.parties().any(|p| !p.party.name().is_ascii()));
}
