//! The one-pass reader against the two-step reader: whatever the pass
//! accepts, the two-step reader accepts as the same shipment, with the same
//! unknown fields and the same count of kept values; and valid documents do
//! take the short way.

use super::read;
use crate::input::read::{Place, caps, tree_object};
use crate::input::value::Shape;
use crate::input::{InputLimits, UnknownField, parse_shipment_all};
use crate::validated::Shipment;
use proptest::prelude::*;
use serde_json::{Value as Json, json};
use std::path::Path;

/// What the two-step reader makes of `text`.
struct TwoStep {
    shipment: Result<Shipment<'static>, Vec<String>>,
    unknown: Vec<UnknownField>,
    /// Values counted against the budget.
    kept: usize,
}

fn two_step(text: &str, limits: &InputLimits, budget: Option<usize>) -> TwoStep {
    let caps = caps(limits);
    if let Some(budget) = budget {
        caps.values_left.set(budget);
    }
    let before = caps.values_left.get();
    let at = Place {
        name: "t.json",
        line: 1,
        origin: "t.json".to_owned(),
    };
    let read = tree_object(text, at, Shape::JsonRoot, &caps);
    let kept = before - caps.values_left.get();
    match read {
        Err(e) => TwoStep {
            shipment: Err(vec![e.to_string()]),
            unknown: Vec::new(),
            kept,
        },
        Ok(doc) => TwoStep {
            shipment: parse_shipment_all(&doc, None, limits)
                .map(Shipment::into_owned)
                .map_err(|errors| errors.iter().map(ToString::to_string).collect()),
            unknown: doc.unknown_fields(),
            kept,
        },
    }
}

/// Checks the pass against the two-step reader on `text`; whether the pass
/// accepted it.
fn agrees(text: &str, limits: &InputLimits, budget: Option<usize>) -> bool {
    let caps = caps(limits);
    if let Some(budget) = budget {
        caps.values_left.set(budget);
    }
    let before = caps.values_left.get();
    let Some(checked) = read(text, &caps, limits) else {
        assert_eq!(
            caps.values_left.get(),
            before,
            "gave up but counted: {text}"
        );
        return false;
    };
    let two = two_step(text, limits, budget);
    assert_eq!(
        two.shipment.as_ref(),
        Ok(&checked.shipment.clone().into_owned()),
        "the pass accepted what the two-step reader reads otherwise: {text}"
    );
    assert_eq!(checked.unknown_fields, !two.unknown.is_empty(), "{text}");
    assert_eq!(
        before - caps.values_left.get(),
        two.kept,
        "values kept: {text}"
    );
    true
}

/// A shipment with every field of the format, written the ways documents
/// write them: escapes, lower-case codes, numbers and decimal strings,
/// `null` for absent parts, fields out of the format's order, unknown fields.
fn full() -> Json {
    json!({
        "lines": [
            {"line": 1, "description": "ARM Cortex-M4 \"STM32\" microcontroller", "hs_code": "8542.31.90",
             "control_codes": ["3A991.a", "EAR99"], "origin_country": "us", "quantity": 500,
             "unit": "pcs", "value": {"amount": "4250.00", "currency": "eur"}, "us_content_percent": 30},
            {"line": 2, "description": "Router\u{00e9}", "hs_code": "851762", "control_codes": null,
             "quantity": 2.5, "value": {"currency": "USD", "amount": 0.1}, "us_content_percent": "12.5",
             "incoterm": {"code": "FCA", "place": ["Almaty", 1, null]}},
            {"value": {"amount": 7, "currency": "KZT"}, "quantity": "1", "hs_code": "9403 60",
             "description": "Desk", "line": 7}
        ],
        "id": "SO-2024-00017", "date": "2024-05-10",
        "exporter": {"name": "Rhein Elektronik GmbH", "country": "de", "region": "DE-BY",
                     "address": "Hauptstr. 1\nMünchen", "registration_date": "1999-01-31",
                     "ids": {"vat": "DE811203344", "eori": "DE1234"}, "aliases": ["Rhein E."]},
        "consignee": {"country": "RU", "name": "OOO \"Romashka\"", "region": "UA-43",
                      "ids": null, "aliases": null},
        "end_user": null,
        "other_parties": [
            {"role": "payer", "name": "Gulf Star General Trading LLC", "country": "AE"},
            {"name": "Bank \u{00df}", "role": "bank", "country": "CH", "swift": "X"}
        ],
        "origin_country": "DE", "destination_country": "kz", "transit_countries": ["PL", "by"],
        "transport_mode": "rail", "end_use": {"statement": "civil", "military": false, "sector": null},
        "contract": {"reference": "C-1", "date": "2024-01-02", "no_russia_clause": true},
        "licences": [{"id": "L-1", "jurisdiction": "eu", "lines": [1, 2], "valid_until": "2025-01-01"},
                     {"id": "L-2", "jurisdiction": "Kz", "lines": null}],
        "erp": {"system": "SAP", "client": 100}
    })
}

/// The documents of the repository's policy cases.
fn case_documents() -> Vec<Json> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/cases");
    let mut documents = Vec::new();
    for policy in std::fs::read_dir(&root).expect("the repository's policy cases") {
        let policy = policy.expect("a case directory").path();
        if !policy.is_dir() {
            continue;
        }
        for case in std::fs::read_dir(policy).expect("its cases") {
            let path = case.expect("a case").path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).expect("a readable case");
                let case: Json = serde_json::from_str(&text).expect("a JSON case");
                documents.push(case["shipment"].clone());
            }
        }
    }
    assert!(documents.len() > 200, "{} case documents", documents.len());
    documents
}

#[test]
fn valid_documents_take_the_short_way_and_read_the_same() {
    let limits = InputLimits::default();
    let mut documents = case_documents();
    documents.push(full());
    let mut taken = 0;
    for doc in &documents {
        for text in [doc.to_string(), serde_json::to_string_pretty(doc).unwrap()] {
            let valid = two_step(&text, &limits, None).shipment.is_ok();
            let short = agrees(&text, &limits, None);
            assert_eq!(
                short, valid,
                "a valid document must take the short way: {text}"
            );
            taken += usize::from(short);
        }
    }
    assert!(taken > 400, "{taken} documents read in one pass");
}

#[test]
fn records_of_one_kind_in_different_orders_read_the_same() {
    // Written by hand: serde_json sorts keys, so the other documents write
    // every record of a kind in one order. Here each line changes it, so the
    // order learned from the line before is wrong; then a key comes twice
    // where the order expects it, and an unknown key where it expects a known one.
    let line = |fields: &[&str]| format!("{{{}}}", fields.join(","));
    let (n, d, h, q, v) = (
        r#""line":1"#,
        r#""description":"Desk""#,
        r#""hs_code":"940360""#,
        r#""quantity":1"#,
        r#""value":{"currency":"EUR","amount":"7"}"#,
    );
    let other = |n: u32| format!(r#""line":{n}"#);
    let (two, three) = (other(2), other(3));
    let shipment = |lines: &[String]| {
        format!(
            r#"{{"id":"S","date":"2024-05-10","exporter":{{"name":"A","country":"DE"}},
            "consignee":{{"country":"KZ","name":"B"}},"origin_country":"DE",
            "destination_country":"KZ","lines":[{}]}}"#,
            lines.join(",")
        )
    };
    let limits = InputLimits::default();
    let valid = [
        line(&[n, d, h, q, v]),
        line(&[v, q, h, d, &two]),
        line(&[h, &three, v, d, q]),
    ];
    assert!(agrees(&shipment(&valid), &limits, None));
    for wrong in [
        line(&[h, &three, r#""hs_code":"940360""#, v, d, q]),
        line(&[h, r#""lines":3"#, v, d, q]),
    ] {
        let mut lines = valid.to_vec();
        lines.push(wrong);
        let text = shipment(&lines);
        assert!(!agrees(&text, &limits, None), "{text}");
        assert!(two_step(&text, &limits, None).shipment.is_err(), "{text}");
    }
    let mut lines = valid.to_vec();
    lines.push(line(&[h, r#""x":[{}]"#, &other(4), v, d, q]));
    let text = shipment(&lines);
    assert!(agrees(&text, &limits, None), "{text}");
}

#[test]
fn every_limit_the_two_step_reader_applies_makes_the_pass_give_up() {
    let text = full().to_string();
    let kept = two_step(&text, &InputLimits::default(), None).kept;
    for budget in [0, 1, kept / 2, kept - 1, kept, kept + 1] {
        assert_eq!(
            agrees(&text, &InputLimits::default(), Some(budget)),
            budget >= kept,
            "budget {budget} of {kept}"
        );
    }
    let default = InputLimits::default();
    let limits = |max_text_chars, max_lines, max_depth| InputLimits {
        max_text_chars,
        max_lines,
        max_depth,
        ..default
    };
    let (text_chars, lines, depth) = (default.max_text_chars, default.max_lines, default.max_depth);
    for (limits, short) in [
        // Its longest text, a description, has 37 characters; it has 3 lines,
        // and an unknown field holds an array four containers deep.
        (limits(30, lines, depth), false),
        (limits(40, lines, depth), true),
        (limits(text_chars, 2, depth), false),
        (limits(text_chars, 3, depth), true),
        (limits(text_chars, lines, 3), false),
        (limits(text_chars, lines, 4), false),
        (limits(text_chars, lines, 5), true),
    ] {
        assert_eq!(agrees(&text, &limits, None), short, "{limits:?}");
    }
}

#[test]
fn a_document_read_in_one_pass_validates_under_stricter_limits_as_a_tree_does() {
    let text = full().to_string();
    let read_with = InputLimits::default();
    let doc = crate::input::read_json_object(&text, "t.json", &read_with).unwrap();
    assert!(matches!(doc.body, crate::input::Body::Checked(_)));
    for stricter in [
        InputLimits {
            max_text_chars: 20,
            ..read_with
        },
        InputLimits {
            max_lines: 2,
            ..read_with
        },
    ] {
        let errors = |r: Result<Shipment<'_>, Vec<crate::input::InputError>>| {
            r.map(Shipment::into_owned)
                .map_err(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>())
        };
        let tree = two_step(&text, &stricter, None).shipment;
        assert!(tree.is_err());
        assert_eq!(errors(parse_shipment_all(&doc, None, &stricter)), tree);
    }
    let names: Vec<_> = doc.unknown_fields().into_iter().map(|f| f.path).collect();
    // In document order (the test's documents have their keys sorted).
    assert_eq!(
        names,
        ["erp", "lines[1].incoterm", "other_parties[1].swift"]
    );
}

/// Fields of the full document: values, records and lists, at every depth.
const FIELDS: &[&str] = &[
    "/id",
    "/date",
    "/exporter",
    "/exporter/name",
    "/exporter/country",
    "/exporter/region",
    "/exporter/ids",
    "/exporter/ids/vat",
    "/exporter/aliases",
    "/consignee/region",
    "/end_user",
    "/other_parties",
    "/other_parties/0/role",
    "/origin_country",
    "/transit_countries",
    "/transit_countries/1",
    "/transport_mode",
    "/end_use",
    "/end_use/military",
    "/contract",
    "/contract/date",
    "/licences",
    "/licences/0/lines",
    "/licences/0/lines/1",
    "/licences/1/jurisdiction",
    "/lines",
    "/lines/0",
    "/lines/0/line",
    "/lines/1/line",
    "/lines/0/hs_code",
    "/lines/0/control_codes",
    "/lines/0/control_codes/0",
    "/lines/0/quantity",
    "/lines/1/quantity",
    "/lines/0/value",
    "/lines/0/value/amount",
    "/lines/0/value/currency",
    "/lines/0/us_content_percent",
    "/lines/0/unit",
    "/erp",
];

/// Fixed values for fixed fields, so that many variants the pass accepts are
/// compared, not only the many it gives up on.
const VALUES: &[&str] = &[
    "null",
    "true",
    "0",
    "1",
    "7",
    "-0",
    "2.5",
    "1e2",
    "18446744073709551615",
    "\"\"",
    "\" \"",
    "\"DE\"",
    "\"de\"",
    "\"XK\"",
    "\"UK\"",
    "\"2024-02-29\"",
    "\"2023-02-29\"",
    "\"8542.31\"",
    "\"4250.00\"",
    "\"eur\"",
    "\"rail\"",
    "\"payer\"",
    "\"UA-43\"",
    "\"a\\\"b\"",
    "\"\\u0044E\"",
    "[]",
    "[1]",
    "[\"PL\"]",
    "{}",
    "{\"a\":1}",
];

#[test]
fn every_field_with_other_values_reads_as_the_two_step_reader_reads_it() {
    let limits = InputLimits::default();
    let (mut short, mut long) = (0, 0);
    for path in FIELDS {
        for value in VALUES {
            let mut doc = full();
            *doc.pointer_mut(path).expect(path) = serde_json::from_str(value).unwrap();
            if agrees(&doc.to_string(), &limits, None) {
                short += 1;
            } else {
                long += 1;
            }
        }
    }
    assert!(
        short > 150 && long > 300,
        "{short} read in one pass, {long} not"
    );
}

/// Small edits of a valid document, of the kinds that break JSON or the format.
fn edit() -> impl Strategy<Value = (usize, usize, &'static str)> {
    let insert = prop::sample::select(vec![
        "",
        "\"",
        "\\",
        ",",
        ":",
        "{",
        "}",
        "[",
        "]",
        " ",
        "\n",
        "null",
        "0",
        "-1",
        "1e5",
        ".5",
        "01",
        "\\u0000",
        "\\\"",
        "\\ud83d",
        "\\u00e9",
        "\"x\":1,",
        "\"id\":\"A\",",
        "\u{1}",
        "true",
        "{}",
        "[]",
        "\"lines\":[],",
        "\"region\":\"UA-43\",",
        "ü",
    ]);
    (any::<usize>(), 0usize..4, insert)
}

/// Another value for a field of the format.
fn value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        any::<u64>().prop_map(Json::from),
        (-1e6f64..1e6).prop_map(Json::from),
        prop::sample::select(vec![
            "",
            " ",
            "DE",
            "de",
            "XK",
            "UK",
            "2024-02-29",
            "2023-02-29",
            "8542.31",
            "85423",
            "4250.00",
            "-1",
            "1e3",
            "0",
            "EUR",
            "eur",
            "XXX",
            "rail",
            "Rail",
            "payer",
            "UA-43",
            "RU-MOW",
            "a\"b",
            "é",
            "\u{7f}",
            "3A991.a",
        ])
        .prop_map(Json::from),
        "\\PC{0,12}".prop_map(Json::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Json::from),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..3)
                .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

/// Where a field of the full document is.
fn field() -> impl Strategy<Value = &'static str> {
    prop::sample::select(FIELDS)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn edited_documents_read_as_the_two_step_reader_reads_them(
        edits in prop::collection::vec(edit(), 1..4),
        pretty in any::<bool>(),
    ) {
        let doc = full();
        let mut text = if pretty { serde_json::to_string_pretty(&doc).unwrap() } else { doc.to_string() };
        for (at, remove, insert) in edits {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + remove).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(at..end, insert);
        }
        agrees(&text, &InputLimits::default(), None);
    }

    #[test]
    fn documents_with_other_values_read_as_the_two_step_reader_reads_them(
        changes in prop::collection::vec((field(), value()), 1..3),
        max_text_chars in prop::sample::select(vec![4096usize, 12]),
    ) {
        let mut doc = full();
        for (path, value) in changes {
            if let Some(slot) = doc.pointer_mut(path) {
                *slot = value;
            }
        }
        let limits = InputLimits { max_text_chars, ..InputLimits::default() };
        agrees(&doc.to_string(), &limits, None);
    }
}
