//! Reading shipment documents: JSON parsed and validated into a `Shipment`,
//! per document, against serde_json reading the same text in the same run.
//!
//! exportctl reads a JSON shipment in one pass (`sdk/src/input/one_pass`),
//! handing any document it cannot read as valid to the two-step reader, whose
//! messages name what is wrong. The rows, per document:
//!
//! - serde_json checking the syntax only (`IgnoredAny`): the least any reader
//!   of this text through serde_json does;
//! - serde_json building its own `Value` tree;
//! - serde's derive reading into plain structs that borrow their strings,
//!   nothing checked or normalised: serde_json's typed floor;
//! - exportctl: `read_json_object` + `parse_shipment`, as `serve` reads a
//!   request: every field checked, codes normalised, dates and decimals typed.
//!
//! Documents: the three samples of `evaluate` (compact JSON, and the 5-line one
//! also pretty-printed) and the 10,000 generated shipments of its corpus (same
//! seed), whose keys come in alphabetical order, not the format's.
//!
//! `cargo bench -p exportctl --bench read`. Results: `BENCHMARKS.md`,
//! "Reading documents".

#[allow(dead_code)]
#[path = "evaluate/corpus.rs"]
mod corpus;
#[allow(dead_code)]
#[path = "evaluate/dates.rs"]
mod dates;
#[allow(dead_code)]
#[path = "evaluate/hs_codes.rs"]
mod hs_codes;
#[allow(dead_code)]
#[path = "evaluate/samples.rs"]
mod samples;
#[allow(dead_code)]
#[path = "evaluate/scenario.rs"]
mod scenario;
#[allow(dead_code)]
#[path = "evaluate/timing.rs"]
mod timing;

use exportctl_sdk::input::{InputLimits, parse_shipment, read_json_object};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;
use std::hint::black_box;
use timing::{REPS, Stat, cpu_and_wall_ns, time_calls, time_per_item};

type BoxError = Box<dyn std::error::Error>;

fn main() -> Result<(), BoxError> {
    println!(
        "Reading shipment documents (µs per document, median [min] of {REPS} passes, thread CPU time)"
    );
    let mut documents: Vec<(String, Vec<String>)> = samples::documents()
        .into_iter()
        .map(|(label, text)| (label.to_owned(), vec![text]))
        .collect();
    let pretty: serde_json::Value = serde_json::from_str(&documents[0].1[0])?;
    documents.insert(
        1,
        (
            "5 lines DE→KZ machinery, pretty-printed".to_owned(),
            vec![serde_json::to_string_pretty(&pretty)?],
        ),
    );
    let codes = hs_codes::HsCodes::load()?;
    let generated = corpus::generate(&codes);
    corpus::check_digest(&generated)?;
    let average = generated.iter().map(|(_, t)| t.len()).sum::<usize>() / generated.len();
    documents.push((
        format!(
            "corpus: {} shipments, {average} bytes on average",
            generated.len()
        ),
        generated.into_iter().map(|(_, text)| text).collect(),
    ));

    let limits = InputLimits::default();
    let readers: [(&str, Reader); 4] = [
        ("serde_json, syntax only", |t, _| {
            serde_json::from_str::<IgnoredAny>(t)?;
            Ok(())
        }),
        ("serde_json, its own Value tree", |t, _| {
            black_box(serde_json::from_str::<serde_json::Value>(t)?);
            Ok(())
        }),
        ("serde derive, borrowed structs, nothing checked", |t, _| {
            black_box(serde_json::from_str::<RawShipment>(t)?);
            Ok(())
        }),
        ("exportctl, read and validated", |t, limits| {
            let doc = read_json_object(t, "request", limits)?;
            black_box(parse_shipment(&doc, None, limits)?);
            Ok(())
        }),
    ];
    for (label, texts) in &documents {
        println!("\n  {label} ({} bytes)", texts[0].len());
        let mut times: Vec<Stat> = Vec::new();
        for (name, read) in &readers {
            let stat = if texts.len() == 1 {
                time_calls(|| read(&texts[0], &limits))?
            } else {
                time_per_item(REPS, texts.len(), || {
                    texts.iter().try_for_each(|t| read(t, &limits))
                })?
            };
            println!(
                "    {name:<52} {:>7.3} [{:.3}]",
                stat.median / 1e3,
                stat.min / 1e3
            );
            times.push(stat);
        }
        let ours = times[3].median;
        println!(
            "    exportctl ÷ syntax only {:.1}×, ÷ Value tree {:.2}×, ÷ unchecked structs {:.2}×",
            ours / times[0].median,
            ours / times[1].median,
            ours / times[2].median
        );
    }
    let (cpu, wall) = cpu_and_wall_ns();
    println!(
        "\n  timed passes: {:.1} s CPU in {:.1} s wall ({:.0} % of the wall time on a CPU)",
        cpu / 1e9,
        wall / 1e9,
        100.0 * cpu / wall
    );
    Ok(())
}

/// One way of reading a document.
type Reader = fn(&str, &InputLimits) -> Result<(), BoxError>;

// The plain structs serde's derive reads: every field of the format, strings
// borrowed (these documents have no escapes), numbers as given, nothing
// checked. Their fields are read by the derive only.

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawShipment<'a> {
    #[serde(borrow)]
    id: &'a str,
    #[serde(borrow)]
    date: &'a str,
    #[serde(borrow)]
    exporter: RawParty<'a>,
    #[serde(borrow)]
    consignee: RawParty<'a>,
    #[serde(borrow)]
    end_user: Option<RawParty<'a>>,
    #[serde(borrow, default)]
    other_parties: Option<Vec<RawParty<'a>>>,
    #[serde(borrow)]
    origin_country: &'a str,
    #[serde(borrow)]
    destination_country: &'a str,
    #[serde(borrow, default)]
    transit_countries: Option<Vec<&'a str>>,
    #[serde(borrow)]
    transport_mode: Option<&'a str>,
    #[serde(borrow)]
    end_use: Option<RawEndUse<'a>>,
    #[serde(borrow)]
    contract: Option<RawContract<'a>>,
    #[serde(borrow, default)]
    licences: Option<Vec<RawLicence<'a>>>,
    #[serde(borrow)]
    lines: Vec<RawLine<'a>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawParty<'a> {
    #[serde(borrow)]
    role: Option<&'a str>,
    #[serde(borrow)]
    name: &'a str,
    #[serde(borrow)]
    country: &'a str,
    #[serde(borrow)]
    region: Option<&'a str>,
    #[serde(borrow)]
    address: Option<&'a str>,
    #[serde(borrow)]
    registration_date: Option<&'a str>,
    #[serde(borrow, default)]
    ids: Option<BTreeMap<&'a str, &'a str>>,
    #[serde(borrow, default)]
    aliases: Option<Vec<&'a str>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawEndUse<'a> {
    #[serde(borrow)]
    statement: Option<&'a str>,
    military: Option<bool>,
    #[serde(borrow)]
    sector: Option<&'a str>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawContract<'a> {
    #[serde(borrow)]
    reference: Option<&'a str>,
    #[serde(borrow)]
    date: Option<&'a str>,
    no_russia_clause: Option<bool>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawLicence<'a> {
    #[serde(borrow)]
    id: &'a str,
    #[serde(borrow)]
    jurisdiction: &'a str,
    lines: Option<Vec<u32>>,
    #[serde(borrow)]
    valid_until: Option<&'a str>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawLine<'a> {
    line: u32,
    #[serde(borrow)]
    description: &'a str,
    #[serde(borrow)]
    hs_code: &'a str,
    #[serde(borrow, default)]
    control_codes: Option<Vec<&'a str>>,
    #[serde(borrow)]
    origin_country: Option<&'a str>,
    #[serde(borrow)]
    quantity: RawNumber<'a>,
    #[serde(borrow)]
    unit: Option<&'a str>,
    #[serde(borrow)]
    value: RawMoney<'a>,
    #[serde(borrow, default)]
    us_content_percent: Option<RawNumber<'a>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawMoney<'a> {
    #[serde(borrow)]
    amount: RawNumber<'a>,
    #[serde(borrow)]
    currency: &'a str,
}

/// A JSON number or a decimal string, as given.
#[allow(dead_code)]
enum RawNumber<'a> {
    Int(u64),
    Float(f64),
    Text(&'a str),
}

impl<'de: 'a, 'a> Deserialize<'de> for RawNumber<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Number;
        impl<'de> serde::de::Visitor<'de> for Number {
            type Value = RawNumber<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number or a decimal string")
            }
            fn visit_u64<E>(self, v: u64) -> Result<RawNumber<'de>, E> {
                Ok(RawNumber::Int(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<RawNumber<'de>, E> {
                Ok(RawNumber::Float(v))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<RawNumber<'de>, E> {
                Ok(RawNumber::Text(v))
            }
        }
        d.deserialize_any(Number)
    }
}
