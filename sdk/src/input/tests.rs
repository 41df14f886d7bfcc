use super::value::Value;
use super::*;
use crate::{ControlCode, Country, Decimal, HsCode, PartyRole, TransportMode};
use serde_json::{Value as Json, json};
use std::str::FromStr;
use std::time::{Duration, Instant};

/// The example of `shipment.md`.
fn example() -> Json {
    json!({
      "id": "SO-2024-00017",
      "date": "2024-05-10",
      "exporter":  { "name": "Rhein Elektronik GmbH", "country": "DE" },
      "consignee": { "name": "Astana Tech Supply TOO", "country": "KZ",
                     "address": "Kabanbay Batyr 11, Astana", "registration_date": "2015-03-02" },
      "end_user":  { "name": "Astana Tech Supply TOO", "country": "KZ" },
      "other_parties": [ { "role": "freight_forwarder", "name": "Silk Route Logistics LLP", "country": "KZ" } ],
      "origin_country": "DE",
      "destination_country": "KZ",
      "transit_countries": ["PL", "BY", "RU"],
      "transport_mode": "road",
      "end_use": { "statement": "Maintenance of civil telecom network", "military": false },
      "contract": { "reference": "C-2024-118", "no_russia_clause": true },
      "licences": [ { "id": "DE-BAFA-2024-0042", "jurisdiction": "EU", "lines": [1] } ],
      "lines": [
        { "line": 1, "description": "ARM Cortex-M4 microcontroller", "hs_code": "8542.31",
          "control_codes": ["3A991.a"], "origin_country": "CN",
          "quantity": 500, "unit": "pcs", "value": { "amount": "4250.00", "currency": "EUR" },
          "us_content_percent": 0 }
      ]
    })
}

/// The example with the value at a JSON pointer set (added if absent).
fn with(pointer: &str, value: Json) -> Json {
    let mut doc = example();
    set(&mut doc, pointer, value);
    doc
}

fn set(doc: &mut Json, pointer: &str, value: Json) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match doc.pointer_mut(parent).unwrap() {
        Json::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        Json::Array(items) => {
            let i: usize = key.parse().unwrap();
            if i == items.len() {
                items.push(value);
            } else {
                items[i] = value;
            }
        }
        other => panic!("cannot set {pointer} in {other}"),
    }
}

/// The example without the field at a JSON pointer.
fn without(pointer: &str) -> Json {
    let mut doc = example();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    doc.pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove(key)
        .unwrap();
    doc
}

fn parse(doc: &Json) -> Result<Shipment<'static>, InputError> {
    parse_with(doc, &InputLimits::default())
}

fn parse_with(doc: &Json, limits: &InputLimits) -> Result<Shipment<'static>, InputError> {
    let docs = read_documents(doc.to_string().as_bytes(), "s.json", limits)?;
    assert_eq!(docs.len(), 1);
    parse_shipment(&docs[0], None, limits).map(Shipment::into_owned)
}

/// The error of a document that must fail, as `path: message`.
fn error(doc: &Json) -> String {
    error_with(doc, &InputLimits::default())
}

fn error_with(doc: &Json, limits: &InputLimits) -> String {
    let err = parse_with(doc, limits).expect_err("the document should be refused");
    match err.path() {
        Some(path) => format!("{path}: {}", err.message()),
        None => err.message().to_owned(),
    }
}

fn read(text: impl AsRef<[u8]>, name: &str) -> Result<Vec<Document<'static>>, InputError> {
    read_documents(text.as_ref(), name, &InputLimits::default())
}

fn read_error(text: impl AsRef<[u8]>, name: &str) -> String {
    read(text, name)
        .expect_err("the file should be refused")
        .to_string()
}

fn origins<'d>(docs: &'d [Document<'_>]) -> Vec<&'d str> {
    docs.iter().map(|d| d.origin.as_str()).collect()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

// ---- the whole example ----

#[test]
fn normalises_the_spec_example() {
    let s = parse(&example()).unwrap();
    assert_eq!(s.id, "SO-2024-00017");
    assert_eq!(
        (s.date, s.as_of),
        (Date::ymd(2024, 5, 10), Date::ymd(2024, 5, 10))
    );
    assert_eq!(s.exporter.country.as_str(), "DE");
    assert_eq!(
        s.consignee.address.as_deref(),
        Some("Kabanbay Batyr 11, Astana")
    );
    assert_eq!(s.consignee.registration_date, Some(Date::ymd(2015, 3, 2)));
    assert_eq!(s.end_user.as_ref().map(|p| p.country), Some(Country::KZ));
    assert_eq!(s.other_parties[0].role, PartyRole::FreightForwarder);
    assert_eq!(s.other_parties[0].party.name, "Silk Route Logistics LLP");
    assert_eq!(
        s.transit_countries,
        vec![Country::parse("PL").unwrap(), Country::BY, Country::RU]
    );
    assert_eq!(s.transport_mode, Some(TransportMode::Road));
    let end_use = s.end_use.as_ref().unwrap();
    assert_eq!(
        (end_use.military, end_use.sector.as_deref()),
        (Some(false), None)
    );
    assert_eq!(s.contract.as_ref().unwrap().no_russia_clause, Some(true));
    assert_eq!(s.licences[0].jurisdiction, "EU");
    assert_eq!(s.licences[0].lines, Some(vec![1]));
    let line = &s.lines[0];
    assert_eq!(line.hs_code, HsCode::parse("854231").unwrap());
    assert_eq!(line.control_codes, vec![ControlCode::parse("3A991.a")]);
    assert_eq!(line.origin_country, Country::parse("CN"));
    assert_eq!(line.quantity, dec("500"));
    assert_eq!(line.value.amount, dec("4250.00"));
    assert_eq!(line.value.currency, "EUR");
    assert_eq!(line.us_content_percent, Some(Decimal::ZERO));
    assert!(s.to_view().unwrap().licence_covers("eu", 1));
}

#[test]
fn from_json_reads_one_object_and_refuses_lists() {
    let s = Shipment::from_json(&example().to_string()).unwrap();
    assert_eq!(s.id, "SO-2024-00017");
    let two = Json::Array(vec![example(), example()]).to_string();
    assert_eq!(
        Shipment::from_json(&two).unwrap_err().to_string(),
        "<json>: expected one shipment object"
    );
    let err =
        Shipment::from_json(&with("/lines/0/hs_code", json!("85A2")).to_string()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "<json>: shipment `SO-2024-00017`: lines[0].hs_code: \"85A2\" is not a 6–10 digit HS code"
    );
}

#[test]
fn as_of_overrides_the_law_date() {
    let limits = InputLimits::default();
    let docs = read(example().to_string(), "s.json").unwrap();
    let s = parse_shipment(&docs[0], Some(Date::ymd(2022, 2, 24)), &limits).unwrap();
    assert_eq!(
        (s.date, s.as_of),
        (Date::ymd(2024, 5, 10), Date::ymd(2022, 2, 24))
    );
}

#[test]
fn minimal_document_has_empty_optional_parts() {
    let doc = json!({"id": "A", "date": "2024-01-01",
        "exporter": {"name": "E", "country": "DE"}, "consignee": {"name": "C", "country": "KZ"},
        "origin_country": "DE", "destination_country": "KZ",
        "lines": [{"line": 7, "description": "d", "hs_code": "847130", "quantity": 1,
                   "value": {"amount": 0, "currency": "KZT"}}]});
    let s = parse(&doc).unwrap();
    assert!(s.end_user.is_none() && s.other_parties.is_empty() && s.licences.is_empty());
    assert!(s.transit_countries.is_empty() && s.transport_mode.is_none() && s.end_use.is_none());
    assert!(
        s.contract.is_none() && s.lines[0].control_codes.is_empty() && s.lines[0].unit.is_none()
    );
    assert_eq!(s.lines[0].value.amount, Decimal::ZERO);
}

// ---- required fields, unknown fields, types, null ----

#[test]
fn every_required_field_is_required() {
    for (pointer, path) in [
        ("/id", "id"),
        ("/date", "date"),
        ("/exporter", "exporter"),
        ("/consignee", "consignee"),
        ("/origin_country", "origin_country"),
        ("/destination_country", "destination_country"),
        ("/lines", "lines"),
        ("/exporter/name", "exporter.name"),
        ("/consignee/country", "consignee.country"),
        ("/end_user/name", "end_user.name"),
        ("/other_parties/0/role", "other_parties[0].role"),
        ("/other_parties/0/country", "other_parties[0].country"),
        ("/licences/0/id", "licences[0].id"),
        ("/licences/0/jurisdiction", "licences[0].jurisdiction"),
        ("/lines/0/line", "lines[0].line"),
        ("/lines/0/description", "lines[0].description"),
        ("/lines/0/hs_code", "lines[0].hs_code"),
        ("/lines/0/quantity", "lines[0].quantity"),
        ("/lines/0/value", "lines[0].value"),
        ("/lines/0/value/amount", "lines[0].value.amount"),
        ("/lines/0/value/currency", "lines[0].value.currency"),
    ] {
        assert_eq!(
            error(&without(pointer)),
            format!("{path}: required field is missing"),
            "{pointer}"
        );
    }
}

#[test]
fn unknown_fields_are_ignored_everywhere() {
    let mut doc = example();
    for pointer in [
        "/erp_batch",
        "/exporter/erp_ref",
        "/lines/0/weight_kg",
        "/lines/0/value/fx_rate",
        "/licences/0/note",
    ] {
        set(
            &mut doc,
            pointer,
            json!({"deep": [1, 2, {"x": null}], "s": "text"}),
        );
    }
    assert_eq!(parse(&doc).unwrap(), parse(&example()).unwrap());
    // Ignored, but each reported with its path.
    let docs = read(doc.to_string(), "s.json").unwrap();
    let mut paths: Vec<String> = docs[0]
        .unknown_fields()
        .into_iter()
        .map(|u| u.path)
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "erp_batch",
            "exporter.erp_ref",
            "licences[0].note",
            "lines[0].value.fx_rate",
            "lines[0].weight_kg",
        ]
    );
    assert!(
        read(example().to_string(), "s.json").unwrap()[0]
            .unknown_fields()
            .is_empty()
    );
}

#[test]
fn unknown_fields_suggest_the_field_a_typo_meant() {
    let mut doc = example();
    set(&mut doc, "/enduser", json!({"name": "X", "country": "RU"}));
    set(&mut doc, "/transit_countires", json!(["BY", "RU"]));
    set(&mut doc, "/lines/0/hs_cod", json!("8542"));
    let docs = read(doc.to_string(), "s.json").unwrap();
    let found: Vec<(String, Option<&str>)> = docs[0]
        .unknown_fields()
        .into_iter()
        .map(|u| (u.path, u.suggestion))
        .collect();
    for expected in [
        ("enduser".to_owned(), Some("end_user")),
        ("transit_countires".to_owned(), Some("transit_countries")),
        ("lines[0].hs_cod".to_owned(), Some("hs_code")),
    ] {
        assert!(found.contains(&expected), "{found:?}");
    }
}

#[test]
fn a_broken_json_lines_line_does_not_hide_the_others() {
    let text = format!("{}\n{{\"id\": \n{}\n", example(), example());
    let entries = read_entries(
        text.as_bytes(),
        "day.jsonl",
        InputFormat::Auto,
        &InputLimits::default(),
    )
    .unwrap();
    assert_eq!(entries.len(), 3);
    assert!(entries[0].is_ok() && entries[2].is_ok());
    assert!(
        entries[1]
            .as_ref()
            .unwrap_err()
            .to_string()
            .starts_with("day.jsonl:2:"),
        "{entries:?}"
    );
    // A line that is valid JSON but not an object is broken too.
    let text = format!("{}\n17\n", example());
    let entries = read_entries(
        text.as_bytes(),
        "day.json",
        InputFormat::Auto,
        &InputLimits::default(),
    )
    .unwrap();
    assert_eq!(
        entries[1].as_ref().unwrap_err().to_string(),
        "day.json:2: expected a shipment object, found a number"
    );
}

#[test]
fn toml_read_as_json_says_so() {
    let err = read_entries(
        &b"id = \"SO-1\"\ndate = 2024-05-10\n"[..],
        "<stdin>",
        InputFormat::Auto,
        &InputLimits::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("this looks like TOML"), "{err}");
    let docs = read_entries(
        &b"id = \"SO-1\"\n"[..],
        "<stdin>",
        InputFormat::Toml,
        &InputLimits::default(),
    )
    .unwrap();
    assert_eq!(docs.len(), 1);
}

#[test]
fn every_wrong_field_is_reported_at_once() {
    let mut doc = example();
    set(&mut doc, "/date", json!("2024/05/10"));
    set(&mut doc, "/origin_country", json!("UK"));
    set(&mut doc, "/lines/0/hs_code", json!("85A2"));
    let docs = read(doc.to_string(), "s.json").unwrap();
    let errors = parse_shipment_all(&docs[0], None, &InputLimits::default()).unwrap_err();
    let paths: Vec<&str> = errors.iter().filter_map(|e| e.path()).collect();
    assert_eq!(paths, ["date", "origin_country", "lines[0].hs_code"]);
}

#[test]
fn wrong_types_name_the_path() {
    for (pointer, value, expected) in [
        ("/id", json!(17), "id: expected a string, found a number"),
        (
            "/exporter",
            json!("Rhein"),
            "exporter: expected an object, found a string",
        ),
        (
            "/lines",
            json!({"line": 1}),
            "lines: expected an array, found an object",
        ),
        (
            "/transit_countries",
            json!("PL"),
            "transit_countries: expected an array, found a string",
        ),
        (
            "/end_use/military",
            json!("no"),
            "end_use.military: expected true or false, found a string",
        ),
        (
            "/contract",
            json!([]),
            "contract: expected an object, found an array",
        ),
        (
            "/lines/0/description",
            json!(["x"]),
            "lines[0].description: expected a string, found an array",
        ),
        (
            "/lines/0/quantity",
            json!(true),
            "lines[0].quantity: expected a number or a decimal string, found a boolean",
        ),
        (
            "/lines/0/line",
            json!("1"),
            "lines[0].line: expected a whole number, found a string",
        ),
        (
            "/lines/0/control_codes/0",
            json!(3),
            "lines[0].control_codes[0]: expected a string, found a number",
        ),
        (
            "/consignee/ids",
            json!(["bin"]),
            "consignee.ids: expected an object, found an array",
        ),
        (
            "/consignee/ids",
            json!({"inn": 7707083893_u64}),
            "consignee.ids.inn: expected a string, found a number",
        ),
        (
            "/lines/0",
            json!("line"),
            "lines[0]: expected an object, found a string",
        ),
    ] {
        assert_eq!(error(&with(pointer, value)), expected, "{pointer}");
    }
}

#[test]
fn null_is_a_type_error_for_required_fields_and_absent_for_optional_ones() {
    assert_eq!(
        error(&with("/exporter", Json::Null)),
        "exporter: expected an object, found null"
    );
    assert_eq!(
        error(&with("/lines/0/hs_code", Json::Null)),
        "lines[0].hs_code: expected a string, found null"
    );
    assert_eq!(
        error(&with("/id", Json::Null)),
        "id: expected a string, found null"
    );
    let s = parse(&with("/end_user", Json::Null)).unwrap();
    assert!(s.end_user.is_none());
    let s = parse(&with("/lines/0/us_content_percent", Json::Null)).unwrap();
    assert!(s.lines[0].us_content_percent.is_none());
    let s = parse(&with("/consignee/address", Json::Null)).unwrap();
    assert!(s.consignee.address.is_none());
}

#[test]
fn a_known_field_given_twice_is_refused() {
    let text = r#"{"id": "A", "id": "B"}"#;
    assert_eq!(
        read_error(text, "d.json"),
        "d.json:1:16: duplicate field `id`"
    );
    // Unknown fields may repeat: they are not read.
    assert_eq!(
        read(r#"{"id": "A", "x": 1, "x": 2}"#, "d.json")
            .unwrap()
            .len(),
        1
    );
}

// ---- id ----

#[test]
fn id_is_1_to_128_printable_characters() {
    assert_eq!(
        parse(&with("/id", json!("x".repeat(128))))
            .unwrap()
            .id
            .len(),
        128
    );
    assert_eq!(
        parse(&with("/id", json!("заказ 17/Б"))).unwrap().id,
        "заказ 17/Б"
    );
    assert_eq!(
        error(&with("/id", json!(""))),
        "id: \"\" is not 1–128 printable characters"
    );
    let long = error(&with("/id", json!("x".repeat(129))));
    assert!(
        long.starts_with("id: \"xxxx") && long.ends_with("…\" is not 1–128 printable characters"),
        "{long}"
    );
    assert_eq!(
        error(&with("/id", json!("SO\n1"))),
        "id: \"SO\\n1\" is not 1–128 printable characters"
    );
    assert_eq!(
        error(&with("/id", json!("SO\u{7}1"))),
        "id: \"SO\\u{7}1\" is not 1–128 printable characters"
    );
}

#[test]
fn an_invalid_id_is_not_named_as_the_shipment() {
    let docs = read(with("/id", json!("SO\n1")).to_string(), "s.json").unwrap();
    assert_eq!(docs[0].shipment_id(), None);
    let err = parse_shipment(&docs[0], None, &InputLimits::default()).unwrap_err();
    assert_eq!(err.shipment_id(), None);
    assert_eq!(
        err.to_string(),
        "s.json: id: \"SO\\n1\" is not 1–128 printable characters"
    );
}

// ---- dates ----

#[test]
fn dates_are_real_days_in_yyyy_mm_dd() {
    for bad in [
        "2024-5-10",
        "2023-02-29",
        "2024-05-10T00:00:00Z",
        "",
        "2024-13-01",
    ] {
        assert_eq!(
            error(&with("/date", json!(bad))),
            format!("date: {bad:?} is not a valid date (YYYY-MM-DD)"),
            "{bad}"
        );
    }
    // Local forms get a hint.
    for bad in ["10.05.2024", "10/05/2024", "2024/05/10", "20240510"] {
        assert_eq!(
            error(&with("/date", json!(bad))),
            format!(
                "date: {bad:?} is not a valid date (YYYY-MM-DD); write dates as YYYY-MM-DD, e.g. 2024-05-10"
            ),
            "{bad}"
        );
    }
    assert_eq!(
        parse(&with("/date", json!("2024-02-29"))).unwrap().date,
        Date::ymd(2024, 2, 29)
    );
    assert_eq!(
        error(&with("/consignee/registration_date", json!("2015-02-30"))),
        "consignee.registration_date: \"2015-02-30\" is not a valid date (YYYY-MM-DD)"
    );
    assert_eq!(
        error(&with("/contract/date", json!("yesterday"))),
        "contract.date: \"yesterday\" is not a valid date (YYYY-MM-DD)"
    );
    assert_eq!(
        error(&with("/licences/0/valid_until", json!("2025-06-31"))),
        "licences[0].valid_until: \"2025-06-31\" is not a valid date (YYYY-MM-DD)"
    );
    let s = parse(&with("/licences/0/valid_until", json!("2025-06-30"))).unwrap();
    assert_eq!(s.licences[0].valid_until, Some(Date::ymd(2025, 6, 30)));
}

// ---- countries and regions ----

#[test]
fn country_codes_are_assigned_iso_codes_in_either_case() {
    let s = parse(&with("/destination_country", json!("kz"))).unwrap();
    assert_eq!(s.destination_country, Country::KZ);
    let s = parse(&with("/lines/0/origin_country", json!("Cn"))).unwrap();
    assert_eq!(s.lines[0].origin_country.unwrap().as_str(), "CN");
    for bad in ["XX", "DEU", "D", "", "1A"] {
        assert_eq!(
            error(&with("/origin_country", json!(bad))),
            format!("origin_country: {bad:?} is not an ISO 3166-1 alpha-2 country code")
        );
    }
    // Codes people write for GB, GR and the EU get a hint.
    for (bad, hint) in [
        ("UK", "the United Kingdom is `GB`"),
        ("uk", "the United Kingdom is `GB`"),
        ("EL", "Greece is `GR`"),
        ("EU", "name a country"),
    ] {
        let err = error(&with("/origin_country", json!(bad)));
        assert!(
            err.starts_with(&format!(
                "origin_country: {bad:?} is not an ISO 3166-1 alpha-2 country code ("
            )) && err.contains(hint),
            "{err}"
        );
    }
    assert_eq!(
        error(&with("/transit_countries/1", json!("ZZ"))),
        "transit_countries[1]: \"ZZ\" is not an ISO 3166-1 alpha-2 country code"
    );
    assert_eq!(
        error(&with("/other_parties/0/country", json!("QQ"))),
        "other_parties[0].country: \"QQ\" is not an ISO 3166-1 alpha-2 country code"
    );
}

#[test]
fn kosovo_is_accepted() {
    let s = parse(&with("/consignee/country", json!("xk"))).unwrap();
    assert_eq!(s.consignee.country.as_str(), "XK");
}

#[test]
fn region_must_exist_and_belong_to_the_party_country() {
    let region = |country: &str, region: &str| {
        let mut doc = with("/consignee/country", json!(country));
        set(&mut doc, "/consignee/region", json!(region));
        parse(&doc)
            .map(|s| String::from(s.consignee.region.unwrap()))
            .map_err(|e| e.to_string())
    };
    assert_eq!(region("DE", "de-by"), Ok("DE-BY".to_owned()));
    assert_eq!(region("UA", "UA-43"), Ok("UA-43".to_owned()));
    // Crimea and Sevastopol under a Russian address, as sanctions documents write them.
    assert_eq!(region("RU", "UA-43"), Ok("UA-43".to_owned()));
    assert_eq!(region("RU", "ua-40"), Ok("UA-40".to_owned()));
    let err = region("KZ", "UA-43").unwrap_err();
    assert!(
        err.ends_with("consignee.region: \"UA-43\" is a subdivision of UA, not of KZ"),
        "{err}"
    );
    let err = region("UA", "RU-AD").unwrap_err();
    assert!(
        err.ends_with("consignee.region: \"RU-AD\" is a subdivision of RU, not of UA"),
        "{err}"
    );
    let err = region("DE", "DE-XX").unwrap_err();
    assert!(
        err.ends_with("consignee.region: \"DE-XX\" is not an ISO 3166-2 subdivision code"),
        "{err}"
    );
    let err = region("DE", "Bavaria").unwrap_err();
    assert!(
        err.ends_with("\"Bavaria\" is not an ISO 3166-2 subdivision code"),
        "{err}"
    );
}

// ---- parties ----

#[test]
fn names_and_aliases_are_1_to_512_characters() {
    assert_eq!(
        parse(&with("/exporter/name", json!("n".repeat(512))))
            .unwrap()
            .exporter
            .name
            .len(),
        512
    );
    assert_eq!(
        error(&with("/exporter/name", json!(""))),
        "exporter.name: must not be empty"
    );
    assert_eq!(
        error(&with("/exporter/name", json!("n".repeat(513)))),
        "exporter.name: text of 513 characters is longer than the limit of 512"
    );
    let s = parse(&with("/consignee/aliases", json!(["ATS", "Астана Тех"]))).unwrap();
    assert_eq!(s.consignee.aliases, ["ATS", "Астана Тех"]);
    assert_eq!(
        error(&with("/consignee/aliases", json!(["ATS", ""]))),
        "consignee.aliases[1]: must not be empty"
    );
    assert_eq!(
        error(&with("/consignee/aliases", json!(["a".repeat(600)]))),
        "consignee.aliases[0]: text of 600 characters is longer than the limit of 512"
    );
}

#[test]
fn ids_are_sorted_by_key_and_keys_are_unique() {
    let s = parse(&with(
        "/consignee/ids",
        json!({"vat": "KZ1", "bin": "123", "inn": "77"}),
    ))
    .unwrap();
    let ids: Vec<(&str, &str)> = s
        .consignee
        .ids
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(ids, [("bin", "123"), ("inn", "77"), ("vat", "KZ1")]);
    // JSON text, since a JSON value cannot hold the same key twice.
    let text = example().to_string().replace(
        r#""country":"KZ","#,
        r#""country":"KZ","ids":{"bin":"1","bin":"2"},"#,
    );
    let docs = read(text, "s.json").unwrap();
    let err = parse_shipment(&docs[0], None, &InputLimits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "s.json: shipment `SO-2024-00017`: consignee.ids: key \"bin\" is used twice"
    );
    assert_eq!(
        error(&with("/consignee/ids", json!({"": "1"}))),
        "consignee.ids: empty key"
    );
    let limits = InputLimits {
        max_text_chars: 40,
        ..InputLimits::default()
    };
    assert_eq!(
        error_with(
            &with("/consignee/ids", json!({"vat": "1".repeat(41)})),
            &limits
        ),
        "consignee.ids.vat: text of 41 characters is longer than the limit of 40"
    );
    assert_eq!(
        error(&with("/consignee/ids", json!({"tax id": ["1"]}))),
        "consignee.ids[\"tax id\"]: expected a string, found an array"
    );
}

#[test]
fn other_party_roles_are_the_spec_list() {
    for (role, expected) in [
        ("bank", PartyRole::Bank),
        ("notify_party", PartyRole::NotifyParty),
        ("other", PartyRole::Other),
    ] {
        assert_eq!(
            parse(&with("/other_parties/0/role", json!(role)))
                .unwrap()
                .other_parties[0]
                .role,
            expected
        );
    }
    assert_eq!(
        error(&with("/other_parties/0/role", json!("broker"))),
        "other_parties[0].role: \"broker\" is not one of freight_forwarder, intermediate_consignee, notify_party, payer, bank, other"
    );
    assert!(
        error(&with("/other_parties/0/role", json!("Bank")))
            .starts_with("other_parties[0].role: \"Bank\" is not one of")
    );
}

#[test]
fn transport_mode_is_the_spec_list() {
    assert_eq!(
        parse(&with("/transport_mode", json!("pipeline")))
            .unwrap()
            .transport_mode,
        Some(TransportMode::Pipeline)
    );
    assert_eq!(
        error(&with("/transport_mode", json!("truck"))),
        "transport_mode: \"truck\" is not one of road, rail, sea, air, post, pipeline, other"
    );
}

// ---- licences ----

#[test]
fn licences_are_checked_and_cover_existing_lines() {
    let s = parse(&with("/licences/0/jurisdiction", json!("kz"))).unwrap();
    assert_eq!(s.licences[0].jurisdiction, "KZ");
    let s = parse(&without("/licences/0/lines")).unwrap();
    assert_eq!(s.licences[0].lines, None);
    assert_eq!(
        error(&with("/licences/0/id", json!(""))),
        "licences[0].id: must not be empty"
    );
    assert_eq!(
        error(&with("/licences/0/jurisdiction", json!("E"))),
        "licences[0].jurisdiction: \"E\" is shorter than 2 characters"
    );
    assert_eq!(
        error(&with("/licences/0/lines", json!([1, 7]))),
        "licences[0].lines[1]: line 7 is not in this shipment"
    );
    assert_eq!(
        error(&with("/licences/0/lines", json!([0]))),
        "licences[0].lines[0]: 0 is not a line number (a whole number from 1 to 4294967295)"
    );
    let mut doc = example();
    set(
        &mut doc,
        "/licences/1",
        json!({"id": "US-1", "jurisdiction": "US", "lines": [{"line": 1}]}),
    );
    assert_eq!(
        error(&doc),
        "licences[1].lines[0]: expected a whole number, found an object"
    );
}

// ---- lines ----

fn line(n: u64) -> Json {
    json!({"line": n, "description": "d", "hs_code": "847130", "quantity": 1, "value": {"amount": 1, "currency": "EUR"}})
}

#[test]
fn there_is_at_least_one_and_at_most_max_lines_line_items() {
    assert_eq!(
        error(&with("/lines", json!([]))),
        "lines: at least one line item is required"
    );
    let limits = InputLimits {
        max_lines: 3,
        ..InputLimits::default()
    };
    let three = with("/lines", json!([line(1), line(2), line(3)]));
    assert_eq!(parse_with(&three, &limits).unwrap().lines.len(), 3);
    let four = with("/lines", json!([line(1), line(2), line(3), line(4)]));
    assert_eq!(
        error_with(&four, &limits),
        "lines: 4 line items are more than the limit of 3"
    );
}

#[test]
fn the_spec_allows_10_000_lines() {
    assert_eq!(InputLimits::default().max_lines, 10_000);
    let lines: Vec<Json> = (1..=10_001).map(line).collect();
    assert_eq!(
        error(&with("/lines", Json::Array(lines.clone()))),
        "lines: 10001 line items are more than the limit of 10000"
    );
    assert_eq!(
        parse(&with("/lines", Json::Array(lines[..10_000].to_vec())))
            .unwrap()
            .lines
            .len(),
        10_000
    );
}

#[test]
fn other_lists_are_bounded_too() {
    let limits = InputLimits {
        max_lines: 2,
        ..InputLimits::default()
    };
    assert_eq!(
        error_with(
            &with("/transit_countries", json!(["PL", "BY", "RU"])),
            &limits
        ),
        "transit_countries: 3 entries are more than the limit of 2"
    );
    assert_eq!(
        error_with(
            &with("/consignee/ids", json!({"a": "1", "b": "2", "c": "3"})),
            &limits
        ),
        "consignee.ids: 3 entries are more than the limit of 2"
    );
}

#[test]
fn line_numbers_are_positive_u32() {
    for (value, shown) in [
        (json!(0), "0"),
        (json!(-1), "-1"),
        (json!(1.5), "1.5"),
        (json!(4_294_967_296_u64), "4294967296"),
    ] {
        assert_eq!(
            error(&with("/lines/0/line", value)),
            format!(
                "lines[0].line: {shown} is not a line number (a whole number from 1 to 4294967295)"
            )
        );
    }
    let mut doc = without("/licences");
    set(&mut doc, "/lines/0/line", json!(4_294_967_295_u64));
    assert_eq!(parse(&doc).unwrap().lines[0].line, u32::MAX);
    // A whole number written as a float is still a whole number.
    assert_eq!(
        parse(&with("/lines/0/line", json!(1.0))).unwrap().lines[0].line,
        1
    );
}

#[test]
fn line_numbers_are_unique() {
    let doc = with(
        "/lines",
        json!([line(1), line(2), line(3), line(4), line(2)]),
    );
    assert_eq!(error(&doc), "lines[4].line: line number 2 is used twice");
}

#[test]
fn description_is_required_text_within_the_limit() {
    assert_eq!(
        error(&with("/lines/0/description", json!(""))),
        "lines[0].description: must not be empty"
    );
    // The example's longest text has 36 characters.
    let limits = InputLimits {
        max_text_chars: 40,
        ..InputLimits::default()
    };
    assert_eq!(
        error_with(
            &with("/lines/0/description", json!("ü".repeat(41))),
            &limits
        ),
        "lines[0].description: text of 41 characters is longer than the limit of 40"
    );
    let s = parse_with(
        &with("/lines/0/description", json!("ü".repeat(40))),
        &limits,
    )
    .unwrap();
    assert_eq!(s.lines[0].description.len(), 80);
}

#[test]
fn every_free_text_field_is_bounded() {
    let limits = InputLimits {
        max_text_chars: 200,
        ..InputLimits::default()
    };
    let long = json!("t".repeat(201));
    for (pointer, path) in [
        ("/consignee/address", "consignee.address"),
        ("/end_use/statement", "end_use.statement"),
        ("/end_use/sector", "end_use.sector"),
        ("/contract/reference", "contract.reference"),
        ("/lines/0/unit", "lines[0].unit"),
        ("/licences/0/id", "licences[0].id"),
        ("/exporter/name", "exporter.name"),
        ("/lines/0/control_codes/0", "lines[0].control_codes[0]"),
    ] {
        assert_eq!(
            error_with(&with(pointer, long.clone()), &limits),
            format!("{path}: text of 201 characters is longer than the limit of 200"),
            "{pointer}"
        );
    }
}

#[test]
fn hs_codes_are_6_to_10_digits() {
    let s = parse(&with("/lines/0/hs_code", json!("8542 31 90"))).unwrap();
    assert_eq!(s.lines[0].hs_code.as_str(), "85423190");
    for bad in ["85A2", "8542", "85423190123", "8542-31"] {
        assert_eq!(
            error(&with("/lines/0/hs_code", json!(bad))),
            format!("lines[0].hs_code: {bad:?} is not a 6–10 digit HS code")
        );
    }
}

#[test]
fn control_codes_are_non_empty_and_classified() {
    let s = parse(&with(
        "/lines/0/control_codes",
        json!(["ml10", "EAR99", "5a992.c", "X-99"]),
    ))
    .unwrap();
    let codes = &s.lines[0].control_codes;
    assert!(codes[0].is_military());
    assert_eq!(codes[1], ControlCode::Ear99);
    assert!(codes[2].is_dual_use());
    assert_eq!(codes[3], ControlCode::Other("X-99".to_owned()));
    assert_eq!(
        error(&with("/lines/0/control_codes", json!(["3A001", ""]))),
        "lines[0].control_codes[1]: must not be empty"
    );
    assert_eq!(
        error(&with("/lines/0/control_codes", json!(["  "]))),
        "lines[0].control_codes[0]: must not be blank"
    );
}

#[test]
fn quantity_is_a_positive_exact_decimal() {
    let q = |v: Json| parse(&with("/lines/0/quantity", v)).map(|s| s.lines[0].quantity);
    assert_eq!(q(json!("12.50")).unwrap(), dec("12.50"));
    assert_eq!(q(json!(0.1)).unwrap(), dec("0.1"));
    assert_eq!(q(json!(2.5)).unwrap(), dec("2.5"));
    assert_eq!(
        q(json!(18_446_744_073_709_551_615_u64)).unwrap(),
        dec("18446744073709551615")
    );
    assert_eq!(
        error(&with("/lines/0/quantity", json!(0))),
        "lines[0].quantity: 0 is not greater than 0"
    );
    assert_eq!(
        error(&with("/lines/0/quantity", json!("0.00"))),
        "lines[0].quantity: \"0.00\" is not greater than 0"
    );
    assert_eq!(
        error(&with("/lines/0/quantity", json!(-3))),
        "lines[0].quantity: -3 is not greater than 0"
    );
    assert_eq!(
        error(&with("/lines/0/quantity", json!(-0.5))),
        "lines[0].quantity: -0.5 is not greater than 0"
    );
    for bad in ["abc", "1e3", "-1", "1,5", " 1", "1.", ".5", ""] {
        assert_eq!(
            error(&with("/lines/0/quantity", json!(bad))),
            format!("lines[0].quantity: {bad:?} is not a decimal number like \"4250.00\""),
            "{bad}"
        );
    }
}

#[test]
fn amount_is_a_non_negative_exact_decimal() {
    let a = |v: Json| parse(&with("/lines/0/value/amount", v)).map(|s| s.lines[0].value.amount);
    assert_eq!(a(json!("0")).unwrap(), Decimal::ZERO);
    assert_eq!(a(json!(4250.75)).unwrap(), dec("4250.75"));
    assert_eq!(a(json!("0004250.00")).unwrap(), dec("4250.00"));
    assert_eq!(a(json!(-0.0)).unwrap(), Decimal::ZERO);
    assert!(!a(json!(-0.0)).unwrap().is_sign_negative());
    assert_eq!(
        error(&with("/lines/0/value/amount", json!(-1))),
        "lines[0].value.amount: -1 is negative"
    );
    assert_eq!(
        error(&with("/lines/0/value/amount", json!(-0.01))),
        "lines[0].value.amount: -0.01 is negative"
    );
    assert_eq!(
        error(&with("/lines/0/value/amount", json!("-1"))),
        "lines[0].value.amount: \"-1\" is not a decimal number like \"4250.00\""
    );
    assert_eq!(
        error(&with("/lines/0/value/amount", json!(1e300))),
        "lines[0].value.amount: 1e300 is out of range for an exact decimal (at most 28 digits)"
    );
    assert_eq!(
        error(&with("/lines/0/value/amount", json!(1e-300))),
        "lines[0].value.amount: 1e-300 is out of range for an exact decimal (at most 28 digits)"
    );
    let huge = "9".repeat(40);
    assert_eq!(
        error(&with("/lines/0/value/amount", json!(huge))),
        format!(
            "lines[0].value.amount: {huge:?} is out of range for an exact decimal (at most 28 digits)"
        )
    );
    let precise = format!("0.{}", "1".repeat(40));
    assert!(
        error(&with("/lines/0/value/amount", json!(precise)))
            .ends_with("is out of range for an exact decimal (at most 28 digits)")
    );
}

#[test]
fn currency_is_an_iso_4217_code_in_either_case() {
    assert_eq!(
        parse(&with("/lines/0/value/currency", json!("kzt")))
            .unwrap()
            .lines[0]
            .value
            .currency,
        "KZT"
    );
    for bad in ["EUX", "EU", "EURO", "€", ""] {
        assert_eq!(
            error(&with("/lines/0/value/currency", json!(bad))),
            format!("lines[0].value.currency: {bad:?} is not an ISO 4217 currency code")
        );
    }
}

#[test]
fn us_content_percent_is_0_to_100() {
    let p = |v: Json| {
        parse(&with("/lines/0/us_content_percent", v)).map(|s| s.lines[0].us_content_percent)
    };
    assert_eq!(p(json!(100)).unwrap(), Some(Decimal::ONE_HUNDRED));
    assert_eq!(p(json!(12.5)).unwrap(), Some(dec("12.5")));
    assert_eq!(p(json!("25")).unwrap(), Some(dec("25")));
    assert_eq!(
        error(&with("/lines/0/us_content_percent", json!(100.5))),
        "lines[0].us_content_percent: 100.5 is not between 0 and 100"
    );
    assert_eq!(
        error(&with("/lines/0/us_content_percent", json!(-1))),
        "lines[0].us_content_percent: -1 is not between 0 and 100"
    );
}

// ---- files ----

#[test]
fn a_json_object_is_one_document() {
    let docs = read(example().to_string(), "one.json").unwrap();
    assert_eq!(origins(&docs), ["one.json"]);
    assert_eq!(docs[0].shipment_id(), Some("SO-2024-00017"));
    // Pretty-printed, too.
    let docs = read(
        serde_json::to_string_pretty(&example()).unwrap(),
        "one.json",
    )
    .unwrap();
    assert_eq!(origins(&docs), ["one.json"]);
}

#[test]
fn a_json_array_is_one_document_per_item() {
    let text =
        serde_json::to_string_pretty(&json!([example(), with("/id", json!("SO-2"))])).unwrap();
    let docs = read(text, "day.json").unwrap();
    assert_eq!(origins(&docs), ["day.json[0]", "day.json[1]"]);
    assert_eq!(docs[1].shipment_id(), Some("SO-2"));
    let err = read_error("[{\"id\": \"A\"}, 17]", "day.json");
    assert_eq!(
        err,
        "day.json[1]: expected a shipment object, found a number"
    );
}

#[test]
fn json_lines_are_one_document_per_line() {
    let text = format!("{}\n\n{}\r\n", example(), with("/id", json!("SO-2")));
    let docs = read(&text, "day.json").unwrap();
    assert_eq!(origins(&docs), ["day.json:1", "day.json:3"]);
    assert_eq!(
        parse_shipment(&docs[1], None, &InputLimits::default())
            .unwrap()
            .id,
        "SO-2"
    );
    // `.jsonl` is JSON Lines even with one line.
    let docs = read(format!("{}\n", example()), "day.jsonl").unwrap();
    assert_eq!(origins(&docs), ["day.jsonl:1"]);
    // A syntax error names the file's line.
    let text = format!("{}\n{}\n{{\"id\": }}\n", example(), example());
    assert_eq!(
        read_error(text, "day.jsonl"),
        "day.jsonl:3:8: expected value"
    );
    assert_eq!(
        read_error("{\"id\": \"A\"}\n[1]\n", "d.json"),
        "d.json:2: expected a shipment object, found an array"
    );
}

#[test]
fn errors_in_later_documents_name_their_origin() {
    let text = format!("{}\n{}\n", example(), with("/lines/0/line", json!(0)));
    let docs = read(text, "day.json").unwrap();
    let err = parse_shipment(&docs[1], None, &InputLimits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "day.json:2: shipment `SO-2024-00017`: lines[0].line: 0 is not a line number (a whole number from 1 to 4294967295)"
    );
    assert_eq!(
        (err.origin(), err.shipment_id(), err.path()),
        ("day.json:2", Some("SO-2024-00017"), Some("lines[0].line"))
    );
}

const TOML_ONE: &str = r#"
id = "SO-T1"
date = 2024-05-10
origin_country = "DE"
destination_country = "KZ"
transport_mode = "rail"

[exporter]
name = "Rhein Elektronik GmbH"
country = "DE"

[consignee]
name = "Astana Tech Supply TOO"
country = "KZ"
registration_date = "2015-03-02"

[[lines]]
line = 1
description = "ARM Cortex-M4 microcontroller"
hs_code = "8542.31"
control_codes = ["3A991.a"]
quantity = 500
value = { amount = "4250.00", currency = "EUR" }
"#;

#[test]
fn a_toml_file_is_one_shipment_as_the_top_level_table() {
    let docs = read(TOML_ONE, "so.toml").unwrap();
    assert_eq!(origins(&docs), ["so.toml"]);
    let s = parse_shipment(&docs[0], None, &InputLimits::default()).unwrap();
    // A bare TOML date works like the quoted one.
    assert_eq!(s.date, Date::ymd(2024, 5, 10));
    assert_eq!(s.consignee.registration_date, Some(Date::ymd(2015, 3, 2)));
    assert_eq!(s.transport_mode, Some(TransportMode::Rail));
    assert_eq!(s.lines[0].value.amount, dec("4250.00"));
}

#[test]
fn a_toml_file_holds_several_shipments_as_shipment_tables() {
    let second = TOML_ONE.replace("SO-T1", "SO-T2");
    let text = format!("{}\n{}", nest_toml(TOML_ONE), nest_toml(&second));
    let docs = read(text, "day.TOML").unwrap();
    assert_eq!(origins(&docs), ["day.TOML[0]", "day.TOML[1]"]);
    let s = parse_shipment(&docs[1], None, &InputLimits::default()).unwrap();
    assert_eq!((s.id.as_str(), s.lines.len()), ("SO-T2", 1));
    // Shipment fields outside the [[shipment]] tables would be checked by nobody.
    let text = format!("id = \"X\"\n{}", nest_toml(TOML_ONE));
    assert_eq!(
        read_error(text, "day.toml"),
        "day.toml: top-level field `id` next to [[shipment]] tables; put each shipment in its own [[shipment]] table"
    );
    assert_eq!(
        read_error("shipment = 3\n", "day.toml"),
        "day.toml: `shipment` must be an array of tables ([[shipment]]), found a number"
    );
}

/// Moves a one-shipment TOML file under `[[shipment]]`.
fn nest_toml(text: &str) -> String {
    let mut out = String::from("[[shipment]]\n");
    for line in text.lines() {
        let line = match line.strip_prefix("[[") {
            Some(rest) => format!("[[shipment.{rest}"),
            None => match line.strip_prefix('[') {
                Some(rest) => format!("[shipment.{rest}"),
                None => line.to_owned(),
            },
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn toml_errors_name_line_and_column() {
    assert_eq!(
        read_error("id = \"SO\"\ndate = \n", "a.toml")
            .split(':')
            .take(3)
            .collect::<Vec<_>>(),
        ["a.toml", "2", "8"]
    );
    let err = read_error("id = 1\nid = 2\n", "a.toml");
    assert!(err.starts_with("a.toml:2:1: "), "{err}");
    assert!(!err.contains('\n'), "{err}");
}

#[test]
fn toml_nan_and_infinity_are_refused() {
    let text = TOML_ONE.replace("quantity = 500", "quantity = nan");
    let docs = read(text, "so.toml").unwrap();
    let err = parse_shipment(&docs[0], None, &InputLimits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "so.toml: shipment `SO-T1`: lines[0].quantity: NaN is not a finite number"
    );
    let text = TOML_ONE.replace("quantity = 500", "quantity = inf");
    let docs = read(text, "so.toml").unwrap();
    let err = parse_shipment(&docs[0], None, &InputLimits::default()).unwrap_err();
    assert_eq!(err.message(), "inf is not a finite number");
}

#[test]
fn a_utf8_bom_is_skipped() {
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(example().to_string().as_bytes());
    assert_eq!(origins(&read(&bytes, "bom.json").unwrap()), ["bom.json"]);
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(TOML_ONE.as_bytes());
    assert_eq!(
        read(&bytes, "bom.toml").unwrap()[0].shipment_id(),
        Some("SO-T1")
    );
}

#[test]
fn invalid_utf8_is_refused_with_its_position() {
    assert_eq!(
        read_error(b"{\"id\": \"A\",\n \"x\": \"\xff\"}", "bad.json"),
        "bad.json:2:8: invalid UTF-8"
    );
    assert_eq!(
        read_error(b"id = \"\xc3\x28\"", "bad.toml"),
        "bad.toml:1:7: invalid UTF-8"
    );
    assert_eq!(
        read_error(b"\xff\xfe{\x00}\x00", "u16.json"),
        "u16.json:1:1: invalid UTF-8 (the file looks like UTF-16; save it as UTF-8)"
    );
}

#[test]
fn an_empty_file_has_no_shipment() {
    for (text, name) in [
        ("", "e.json"),
        (" \n\t\n", "e.json"),
        ("[]", "e.json"),
        ("\u{feff}", "e.json"),
        ("", "e.toml"),
        ("# nothing\n", "e.toml"),
        ("\n\n", "e.jsonl"),
        ("shipment = []", "e.toml"),
    ] {
        assert_eq!(
            read_error(text, name),
            format!("{name}: no shipment found"),
            "{text:?}"
        );
    }
}

#[test]
fn trailing_garbage_is_refused() {
    let pretty = serde_json::to_string_pretty(&example()).unwrap();
    let lines = pretty.lines().count();
    assert_eq!(
        read_error(format!("{pretty}\n}}"), "t.json"),
        format!("t.json:{}:1: trailing characters", lines + 1)
    );
    assert_eq!(
        read_error(format!("{} x", example()), "t.json")
            .rsplit(": ")
            .next(),
        Some("trailing characters")
    );
    assert_eq!(
        read_error(format!("[{}] ]", example()), "t.json")
            .rsplit(": ")
            .next(),
        Some("trailing characters")
    );
    assert_eq!(
        read_error(format!("{}\ngarbage", example()), "t.json"),
        "t.json:2:1: expected value"
    );
    assert_eq!(
        read_error("{\"id\": \"A\"}{\"id\": \"B\"}", "t.json"),
        "t.json:1:12: trailing characters"
    );
}

#[test]
fn syntax_errors_name_line_and_column() {
    assert_eq!(
        read_error("{\n  \"id\": \"A\",\n  \"date\" \"x\"\n}", "s.json"),
        "s.json:3:10: expected `:`"
    );
    assert_eq!(
        read_error("{\"id\": \"A", "s.json"),
        "s.json:1:9: EOF while parsing a string"
    );
}

#[test]
fn files_larger_than_the_limit_are_refused() {
    let limits = InputLimits {
        max_file_bytes: 100,
        ..InputLimits::default()
    };
    let err = read_documents(&[b' '; 101][..], "big.json", &limits).unwrap_err();
    assert_eq!(
        err.to_string(),
        "big.json: file is larger than the limit of 100 bytes"
    );
    let err = read_documents(&[b' '; 100][..], "big.json", &limits).unwrap_err();
    assert_eq!(err.message(), "no shipment found");
}

#[test]
fn the_reader_stops_reading_at_the_limit() {
    // An endless reader: only a bounded read can return.
    let limits = InputLimits {
        max_file_bytes: 1 << 20,
        ..InputLimits::default()
    };
    let err = read_documents(std::io::repeat(b' '), "stdin", &limits).unwrap_err();
    assert_eq!(
        err.message(),
        "file is larger than the limit of 1048576 bytes"
    );
}

#[test]
fn read_errors_name_the_file() {
    struct Broken;
    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    let err = read_documents(Broken, "x.json", &InputLimits::default()).unwrap_err();
    assert_eq!(err.to_string(), "x.json: cannot read: disk on fire");
}

#[test]
fn too_many_documents_are_refused() {
    let limits = InputLimits {
        max_documents: 2,
        ..InputLimits::default()
    };
    let array = json!([{"id": "1"}, {"id": "2"}, {"id": "3"}]).to_string();
    let err = read_documents(array.as_bytes(), "a.json", &limits).unwrap_err();
    assert_eq!(err.message(), "more than 2 shipments in one file");
    let lines = "{\"id\": \"1\"}\n{\"id\": \"2\"}\n{\"id\": \"3\"}\n";
    let err = read_documents(lines.as_bytes(), "a.json", &limits).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a.json:3:1: more than 2 shipments in one file"
    );
    assert_eq!(
        read_documents(&lines.as_bytes()[..24], "a.json", &limits)
            .unwrap()
            .len(),
        2
    );
}

// ---- hostile input ----

#[test]
fn a_30_mb_description_is_refused_quickly_without_being_kept() {
    let mut doc = example().to_string();
    let at = doc.find("ARM Cortex").unwrap();
    doc.insert_str(at, &"x".repeat(30 << 20));
    let started = Instant::now();
    let docs = read(&doc, "big.json").unwrap();
    let err = parse_shipment(&docs[0], None, &InputLimits::default()).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.path(), Some("lines[0].description"));
    assert_eq!(
        err.message(),
        format!(
            "text of {} characters is longer than the limit of 4096",
            (30 << 20) + 29
        )
    );
    // Only the length is kept, not a copy of the 30 MB.
    let line = docs[0]
        .tree()
        .and_then(|t| t.field("lines"))
        .and_then(|l| match l {
            Value::List(items) => items.first(),
            _ => None,
        });
    assert!(matches!(
        line.and_then(|l| l.field("description")),
        Some(Value::LongText(_))
    ));
    // Generous for unoptimised test builds on a loaded machine; it takes milliseconds.
    eprintln!("took {elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
}

#[test]
fn a_30_mb_unknown_field_is_skipped() {
    let mut doc = example().to_string();
    doc.insert_str(
        1,
        &format!("\"attachment\": \"{}\", ", "y".repeat(30 << 20)),
    );
    let started = Instant::now();
    let docs = read(&doc, "big.json").unwrap();
    let elapsed = started.elapsed();
    assert_eq!(docs[0].tree().and_then(|t| t.field("attachment")), None);
    assert!(parse_shipment(&docs[0], None, &InputLimits::default()).is_ok());
    eprintln!("took {elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
}

#[test]
fn escaped_long_strings_are_bounded_too() {
    let doc = with("/lines/0/description", json!("\"q\"".repeat(5000)));
    assert_eq!(
        error(&doc),
        "lines[0].description: text of 15000 characters is longer than the limit of 4096"
    );
}

#[test]
fn deep_json_nesting_is_an_error_not_a_stack_overflow() {
    let deep = "[".repeat(100_000);
    let err = read_error(&deep, "deep.json");
    assert_eq!(err, "deep.json:1:65: nesting deeper than 64 levels");
    let deep = format!("{{\"id\": \"A\", \"extra\": {}", "{\"a\":".repeat(100_000));
    assert!(read_error(&deep, "deep.json").ends_with("nesting deeper than 64 levels"));
    let deep = format!("{{\"id\": \"A\"}}\n{{\"x\": {}\n", "[".repeat(100_000));
    assert!(read_error(&deep, "deep.jsonl").starts_with("deep.jsonl:2:"));
}

#[test]
fn max_depth_is_enforced_below_the_parsers_own_limits() {
    let limits = InputLimits {
        max_depth: 5,
        ..InputLimits::default()
    };
    // Depth 5: shipment > lines > line > value > (scalar) plus one unknown array.
    let ok = with("/lines/0/value/x", json!([1]));
    assert!(read_documents(ok.to_string().as_bytes(), "d.json", &limits).is_ok());
    let deep = with("/lines/0/value/x", json!([[1]]));
    let err = read_documents(deep.to_string().as_bytes(), "d.json", &limits).unwrap_err();
    assert_eq!(err.message(), "nesting deeper than 5 levels");
}

#[test]
fn deep_toml_nesting_is_an_error_not_a_stack_overflow() {
    for deep in [
        format!("x = {}", "[".repeat(100_000)),
        format!("x = {}1{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!("x = {}", "{a = ".repeat(100_000)),
        format!("[{}]\n", vec!["a"; 100_000].join(".")),
    ] {
        let err = read(&deep, "deep.toml").unwrap_err();
        assert!(err.to_string().starts_with("deep.toml:"), "{err}");
    }
    // Below the TOML parser's limit, our own depth limit applies.
    let limits = InputLimits {
        max_depth: 3,
        ..InputLimits::default()
    };
    let err = read_documents(&b"x = [[[1]]]\n"[..], "d.toml", &limits).unwrap_err();
    assert_eq!(err.message(), "nesting deeper than 3 levels");
}

#[test]
fn never_panics_on_truncated_or_corrupted_input() {
    let text = example().to_string();
    let limits = InputLimits::default();
    let mut accepted = 0;
    for end in 0..=text.len() {
        let Some(prefix) = text.get(..end) else {
            continue;
        };
        for name in ["p.json", "p.toml"] {
            if let Ok(docs) = read_documents(prefix.as_bytes(), name, &limits) {
                for doc in &docs {
                    accepted += usize::from(parse_shipment(doc, None, &limits).is_ok());
                }
            }
        }
    }
    assert_eq!(accepted, 1, "only the complete document is a shipment");
    // Each byte replaced by characters that break JSON in different ways.
    for (i, _) in text.char_indices() {
        for replacement in ["\"", "}", "\\", "\u{0}", "9", "-", "ы"] {
            let mut broken = text.clone();
            broken.replace_range(i..i + 1, replacement);
            if let Ok(docs) = read_documents(broken.as_bytes(), "b.json", &limits) {
                for doc in &docs {
                    let _ = parse_shipment(doc, None, &limits);
                }
            }
        }
    }
}

#[test]
fn a_file_packed_with_tiny_values_is_refused() {
    // One value kept per 8 bytes of the size limit: 4096 here.
    let limits = InputLimits {
        max_file_bytes: 32 << 10,
        ..InputLimits::default()
    };
    let dense = with("/licences/0/lines", Json::Array(vec![json!(1); 5000])).to_string();
    assert!(dense.len() < 32 << 10);
    let err = read_documents(dense.as_bytes(), "d.json", &limits).unwrap_err();
    assert_eq!(
        err.message(),
        "too many values in one file; split it into smaller files"
    );
}

#[test]
fn real_shipments_use_half_the_value_budget_at_most() {
    use serde::de::DeserializeSeed;
    let day = Json::Array(vec![example(); 100]).to_string();
    let caps = super::read::caps(&InputLimits::default());
    caps.values_left.set(usize::MAX);
    let mut de = serde_json::Deserializer::from_str(&day);
    super::value::Seed::new(super::value::Shape::JsonRoot, &caps)
        .deserialize(&mut de)
        .unwrap();
    let used = usize::MAX - caps.values_left.get();
    // The budget allows one value per 8 bytes; compact JSON takes 16 or more.
    assert!(
        used * 16 <= day.len(),
        "{used} values in {} bytes",
        day.len()
    );
}
