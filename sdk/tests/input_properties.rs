//! Property tests of the shipment reader and validator (`input` feature): whatever
//! a file holds, reading and validating it either gives shipments or one clean,
//! one-line error naming the file and, for a field, its path; it never panics.
//!
//! - valid shipments (generated) validate, are normalised, and read the same from
//!   JSON, JSON Lines and TOML;
//! - one field of a valid shipment replaced by any JSON value, or removed, either
//!   still validates or fails naming exactly that field (or one inside it);
//! - arbitrary bytes, JSON-like text and randomly damaged valid files never panic
//!   and fail with one line naming the file.

#![cfg(feature = "input")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test: failing loudly is its job"
)]

use exportctl_sdk::input::{InputError, InputLimits, parse_shipment, read_documents};
use exportctl_sdk::validated::Shipment;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Country codes the validator accepts, in either case.
const COUNTRIES: &[&str] = &[
    "DE", "KZ", "RU", "KG", "AM", "CN", "US", "AE", "TR", "PL", "XK", "kz", "de", "Ua",
];
const CURRENCIES: &[&str] = &["EUR", "USD", "KZT", "rub", "Cny"];

fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(options).prop_map(str::to_owned)
}

fn date() -> impl Strategy<Value = String> {
    (1u16..=9999, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
}

/// Printable text of 1–40 characters (names, descriptions).
fn text() -> impl Strategy<Value = String> {
    "[\\PC&&[^\\s]][\\PC]{0,39}"
}

fn hs_code() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{6,10}",
        "[0-9]{4}\\.[0-9]{2}",
        "[0-9]{4} [0-9]{2}\\.[0-9]{2}"
    ]
}

/// A positive decimal, as a string or a JSON integer.
fn positive_decimal() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[1-9][0-9]{0,11}(\\.[0-9]{1,6})?".prop_map(Value::from),
        (1u64..=1_000_000_000).prop_map(Value::from),
    ]
}

fn party() -> impl Strategy<Value = Value> {
    (
        text(),
        pick(COUNTRIES),
        proptest::option::of(date()),
        proptest::collection::btree_map("[a-z]{2,5}", "[A-Z0-9]{1,12}", 0..3),
        proptest::collection::vec(text(), 0..3),
    )
        .prop_map(|(name, country, registration_date, ids, aliases)| {
            let mut p = json!({"name": name, "country": country, "ids": ids, "aliases": aliases});
            if let Some(d) = registration_date {
                p["registration_date"] = d.into();
            }
            p
        })
}

fn line_item() -> impl Strategy<Value = Value> {
    (
        text(),
        hs_code(),
        proptest::collection::vec("[0-9A-Z]{1,6}(\\.[a-z])?", 0..3),
        positive_decimal(),
        "[0-9]{1,9}(\\.[0-9]{2})?",
        pick(CURRENCIES),
        proptest::option::of(0u8..=100),
    )
        .prop_map(|(description, hs, codes, quantity, amount, currency, us)| {
            let mut l = json!({
                "description": description, "hs_code": hs, "control_codes": codes,
                "quantity": quantity, "value": {"amount": amount, "currency": currency},
            });
            if let Some(us) = us {
                l["us_content_percent"] = us.into();
            }
            l
        })
}

/// A valid shipment document (as JSON), with distinct line numbers.
fn shipment() -> impl Strategy<Value = Value> {
    (
        "[A-Za-z0-9][A-Za-z0-9 /_-]{0,30}",
        date(),
        party(),
        party(),
        proptest::option::of(party()),
        pick(COUNTRIES),
        pick(COUNTRIES),
        proptest::collection::vec(pick(COUNTRIES), 0..3),
        proptest::option::of(pick(&[
            "road", "rail", "sea", "air", "post", "pipeline", "other",
        ])),
        proptest::collection::vec(line_item(), 1..6),
        1u32..1000,
    )
        .prop_map(
            |(
                id,
                date,
                exporter,
                consignee,
                end_user,
                origin,
                destination,
                transit,
                mode,
                lines,
                first,
            )| {
                let lines: Vec<Value> = lines
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut l)| {
                        l["line"] = (first + 3 * i as u32).into();
                        l
                    })
                    .collect();
                let mut s = json!({
                    "id": id, "date": date, "exporter": exporter, "consignee": consignee,
                    "origin_country": origin, "destination_country": destination,
                    "transit_countries": transit, "lines": lines,
                });
                if let Some(e) = end_user {
                    s["end_user"] = e;
                }
                if let Some(m) = mode {
                    s["transport_mode"] = m.into();
                }
                s
            },
        )
}

/// Reads and validates every document of a file.
fn read_all(
    bytes: &[u8],
    name: &str,
) -> Result<Vec<Result<Shipment<'static>, InputError>>, InputError> {
    let limits = InputLimits::default();
    let docs = read_documents(bytes, name, &limits)?;
    Ok(docs
        .iter()
        .map(|d| parse_shipment(d, None, &limits).map(Shipment::into_owned))
        .collect())
}

/// An error renders as one line that starts with the file name.
fn assert_clean(err: &InputError, name: &str) {
    let text = err.to_string();
    assert!(!text.contains('\n') && !text.contains('\r'), "{text:?}");
    assert!(text.starts_with(name), "{text:?}");
    assert!(err.origin().starts_with(name), "{text:?}");
}

/// Reads `bytes`; anything goes except a panic or an unclean error.
fn read_anything(bytes: &[u8], name: &str) {
    match read_all(bytes, name) {
        Err(e) => assert_clean(&e, name),
        Ok(results) => {
            for r in results {
                if let Err(e) = r {
                    assert_clean(&e, name);
                }
            }
        }
    }
}

fn one(value: &Value) -> Result<Shipment<'static>, InputError> {
    let mut results = read_all(value.to_string().as_bytes(), "s.json")?;
    assert_eq!(results.len(), 1);
    results.remove(0)
}

/// A valid shipment with one line and most optional fields, to mutate.
fn base() -> Value {
    json!({
        "id": "SO-1", "date": "2024-05-10",
        "exporter": {"name": "Rhein GmbH", "country": "DE", "ids": {"vat": "DE1"}, "aliases": ["Rhein"]},
        "consignee": {"name": "Astana TOO", "country": "KZ", "registration_date": "2011-09-01"},
        "end_user": {"name": "Shymkent LLP", "country": "KZ"},
        "other_parties": [{"role": "bank", "name": "Bank", "country": "AE"}],
        "origin_country": "DE", "destination_country": "KZ", "transit_countries": ["PL", "LT"],
        "transport_mode": "road",
        "end_use": {"statement": "s", "military": false, "sector": "telecom"},
        "contract": {"reference": "r", "date": "2024-01-01", "no_russia_clause": true},
        "licences": [{"id": "L-1", "jurisdiction": "DE", "valid_until": "2025-01-01"}],
        "lines": [{"line": 1, "description": "chips", "hs_code": "8542.31", "control_codes": ["3A991.a"],
                   "origin_country": "TW", "quantity": "500", "unit": "pcs",
                   "value": {"amount": "4250.00", "currency": "EUR"}, "us_content_percent": 12.5}]
    })
}

/// Fields of `base()` that may be replaced, with whether they may be removed
/// (an optional field's removal must validate; a required one's must fail on it).
const FIELDS: &[(&str, bool)] = &[
    ("id", false),
    ("date", false),
    ("exporter", false),
    ("exporter.name", false),
    ("exporter.country", false),
    ("exporter.ids", true),
    ("exporter.aliases", true),
    ("consignee.registration_date", true),
    ("end_user", true),
    ("end_user.country", false),
    ("other_parties", true),
    ("other_parties[0].role", false),
    ("origin_country", false),
    ("destination_country", false),
    ("transit_countries", true),
    ("transit_countries[1]", false),
    ("transport_mode", true),
    ("end_use", true),
    ("end_use.military", true),
    ("contract.date", true),
    ("contract.no_russia_clause", true),
    ("licences[0].jurisdiction", false),
    ("licences[0].valid_until", true),
    ("lines", false),
    ("lines[0]", false),
    ("lines[0].line", false),
    ("lines[0].description", false),
    ("lines[0].hs_code", false),
    ("lines[0].control_codes", true),
    ("lines[0].origin_country", true),
    ("lines[0].quantity", false),
    ("lines[0].value", false),
    ("lines[0].value.amount", false),
    ("lines[0].value.currency", false),
    ("lines[0].us_content_percent", true),
];

/// `lines[0].value` → `/lines/0/value`.
fn pointer(path: &str) -> String {
    let mut p = String::new();
    for part in path.split('.') {
        match part.split_once('[') {
            Some((key, index)) => {
                p.push('/');
                p.push_str(key);
                p.push('/');
                p.push_str(index.trim_end_matches(']'));
            }
            None => {
                p.push('/');
                p.push_str(part);
            }
        }
    }
    p
}

/// Any JSON value, small.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        // Values close to valid ones, so both outcomes happen.
        prop_oneof![
            Just("DE"),
            Just("2024-02-29"),
            Just("2023-02-29"),
            Just("8542.31"),
            Just("12.5"),
            Just("-1"),
            Just("0"),
            Just("eur"),
            Just("bank"),
            Just("")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    "[a-z_]{1,8}",
                    Just("name".to_owned()),
                    Just("country".to_owned())
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_shipments_validate_and_are_normalised(doc in shipment()) {
        let s = one(&doc).unwrap_or_else(|e| panic!("{e}: {doc}"));
        prop_assert_eq!(s.lines.len(), doc["lines"].as_array().map_or(0, Vec::len));
        let view = s.to_view().unwrap_or_else(|e| panic!("{e}"));
        for party in view.parties() {
            prop_assert!(party.party.country().as_str().bytes().all(|b| b.is_ascii_uppercase()));
        }
        for line in &s.lines {
            let hs = line.hs_code.as_str();
            prop_assert!((6..=10).contains(&hs.len()) && hs.bytes().all(|b| b.is_ascii_digit()), "{}", hs);
            prop_assert!(line.value.currency.bytes().all(|b| b.is_ascii_uppercase()));
            prop_assert!(line.quantity > exportctl_sdk::Decimal::ZERO);
        }
        prop_assert_eq!(s.as_of, s.date);
    }

    #[test]
    fn json_json_lines_and_toml_read_the_same_shipment(doc in shipment()) {
        let from_json = one(&doc).unwrap_or_else(|e| panic!("{e}"));
        let jsonl = format!("{doc}\n{doc}\n");
        let lines = read_all(jsonl.as_bytes(), "s.jsonl").unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(lines.len(), 2);
        for r in lines {
            prop_assert_eq!(r.as_ref().ok(), Some(&from_json));
        }
        let toml_text = toml::to_string(&doc).unwrap_or_else(|e| panic!("{e}"));
        let from_toml = read_all(toml_text.as_bytes(), "s.toml").unwrap_or_else(|e| panic!("{e}: {toml_text}"));
        prop_assert_eq!(from_toml.len(), 1);
        prop_assert_eq!(from_toml[0].as_ref().ok(), Some(&from_json), "{}", toml_text);
    }

    #[test]
    fn one_bad_field_fails_naming_that_field(
        (field, removable) in proptest::sample::select(FIELDS),
        replacement in proptest::option::weighted(0.85, any_json()),
    ) {
        let mut doc = base();
        let ptr = pointer(field);
        match &replacement {
            Some(value) => *doc.pointer_mut(&ptr).unwrap_or_else(|| panic!("{ptr}")) = value.clone(),
            None => {
                let (parent, key) = ptr.rsplit_once('/').unwrap_or_default();
                let removed = doc.pointer_mut(parent).and_then(Value::as_object_mut).and_then(|o| o.remove(key));
                if removed.is_none() {
                    // An array element: replace it with null instead.
                    *doc.pointer_mut(&ptr).unwrap_or_else(|| panic!("{ptr}")) = Value::Null;
                }
            }
        }
        match one(&doc) {
            Ok(_) => {
                // Only a value the field accepts, or removing an optional field.
                prop_assert!(replacement.is_some() || removable, "removing `{}` validated", field);
            }
            Err(e) => {
                assert_clean(&e, "s.json");
                let path = e.path().unwrap_or_else(|| panic!("no field path: {e}"));
                prop_assert!(
                    path == field || path.starts_with(&format!("{field}.")) || path.starts_with(&format!("{field}[")),
                    "replacing `{}` with {:?} failed at `{}`: {}", field, replacement, path, e
                );
                if replacement.is_none() && !removable && !field.ends_with(']') {
                    prop_assert_eq!(e.message(), "required field is missing");
                }
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        name in proptest::sample::select(&["f.json", "f.jsonl", "f.toml"][..]),
    ) {
        read_anything(&bytes, name);
    }

    #[test]
    fn json_like_text_never_panics(text in "[\\[\\]{}\":,0-9a-z_. \\n\\\\-]{0,300}") {
        read_anything(text.as_bytes(), "f.json");
        read_anything(text.as_bytes(), "f.jsonl");
    }

    #[test]
    fn toml_like_text_never_panics(text in "[\\[\\]{}\"'=,0-9a-z_. \\n#-]{0,300}") {
        read_anything(text.as_bytes(), "f.toml");
    }

    #[test]
    fn damaged_valid_files_never_panic(
        doc in shipment(),
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
        toml in any::<bool>(),
    ) {
        let (mut bytes, name) = if toml {
            (toml::to_string(&doc).unwrap_or_default().into_bytes(), "d.toml")
        } else {
            (serde_json::to_vec_pretty(&doc).unwrap_or_default(), "d.json")
        };
        for (at, byte, kind) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => {
                    bytes.remove(i);
                }
            }
        }
        read_anything(&bytes, name);
    }
}
