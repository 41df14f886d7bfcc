//! The generated corpus: shipments as an ERP would send them, drawn from a
//! fixed-seed random source, real HS 2022 and CHPL codes, and tables of
//! controlled items, countries and routes, in the mix of [`Kind::WEIGHTS`].
//! A fixed seed and a hand-written generator (no external PRNG whose output
//! could change with its version) make the corpus the same on every run and
//! machine; [`check_digest`] proves it.

use crate::BoxError;
use crate::dates::{
    DAY_1995_01_01, DAY_2022_01_01, DAY_2022_02_24, DAY_2022_08_27, DAY_2023_08_31, DAY_2025_12_31,
    civil,
};
use crate::hs_codes::HsCodes;
use crate::scenario::Kind;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Seed of the corpus generator: the same corpus on every run and machine.
pub const SEED: u64 = 0x00E5_C0DE_2022_0001;
/// Shipments in the corpus.
pub const SHIPMENTS: usize = 10_000;

/// The corpus: [`SHIPMENTS`] documents (JSON text) generated from [`SEED`],
/// each with the scenario it was made for.
pub fn generate(codes: &HsCodes) -> Vec<(Kind, String)> {
    let mut generator = Generator {
        rng: SplitMix64(SEED),
        data: codes,
    };
    (0..SHIPMENTS)
        .map(|i| {
            let (kind, doc) = generator.shipment(i);
            (kind, doc.to_string())
        })
        .collect()
}

/// sha256 of the generated corpus (each document's JSON text followed by a
/// newline, in order) for [`SEED`] and [`SHIPMENTS`]: the generator's output is
/// part of what the tables mean, so a change to it must be deliberate.
const CORPUS_SHA256: &str = "a96217741824c6a3e38216d6cd9336c913159ff081bc2a5382b7861352ae41bb";

/// Prints the digest of the generated documents and fails if it is not
/// [`CORPUS_SHA256`]: figures from different corpora are not comparable.
pub fn check_digest(documents: &[(Kind, String)]) -> Result<(), BoxError> {
    let mut hasher = Sha256::new();
    for (_, text) in documents {
        hasher.update(text.as_bytes());
        hasher.update(b"\n");
    }
    let digest = hex::encode(hasher.finalize());
    println!("  corpus sha256 (JSON Lines of every shipment): {digest}");
    if digest != CORPUS_SHA256 {
        return Err(format!(
            "the generated corpus changed (sha256 {digest}, expected {CORPUS_SHA256}); \
             if the generator was changed on purpose, update CORPUS_SHA256 and BENCHMARKS.md"
        )
        .into());
    }
    Ok(())
}

/// splitmix64: a tiny, fixed-output PRNG (Steele, Lea, Flood 2014).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn weighted<'a, T>(&mut self, items: &'a [(T, usize)]) -> &'a T {
        let total: usize = items.iter().map(|(_, w)| w).sum();
        let mut n = self.below(total);
        for (item, w) in items {
            if n < *w {
                return item;
            }
            n -= w;
        }
        &items[items.len() - 1].0
    }
}

/// Dual-use items: HS code, description, control codes.
const DUAL_USE: &[(&str, &str, &[&str])] = &[
    (
        "8542.31",
        "ARM Cortex-M4 microcontroller, 168 MHz",
        &["3A991.a"],
    ),
    (
        "8542.31",
        "Radiation-hardened microcontroller",
        &["3A001.a.2"],
    ),
    ("8542.39", "FPGA, 200k logic cells", &["3A991.d"]),
    (
        "8517.62",
        "Industrial router with VPN encryption",
        &["5A002.a"],
    ),
    ("8517.62", "Wi-Fi access point, mass market", &["5A992.c"]),
    ("8471.50", "Rugged server processing unit", &["4A994.b"]),
    ("8526.91", "GNSS receiver module, anti-jam", &["7A994"]),
    (
        "8525.89",
        "Uncooled thermal imaging camera core",
        &["6A003.b.4.b"],
    ),
    ("9013.80", "Laser rangefinder module", &["6A995"]),
    (
        "8457.10",
        "5-axis vertical machining centre",
        &["2B001.b.2"],
    ),
    ("8479.89", "Hot isostatic press", &["2B004"]),
    ("2930.90", "Thiodiglycol, 99 %", &["1C350.d"]),
    ("8411.11", "Small turbojet engine, 0.9 kN", &["9A101.a"]),
    ("9030.20", "Digital oscilloscope, 6 GHz", &["3A992.a"]),
    (
        "8806.92",
        "Quadcopter, beyond-line-of-sight, 2 kg",
        &["9A012"],
    ),
    (
        "8504.40",
        "Converter module, high-reliability",
        &["3A991.p"],
    ),
];

/// Military items: HS code, description, control codes.
const MILITARY: &[(&str, &str, &[&str])] = &[
    (
        "8806.23",
        "Unmanned combat aerial vehicle, MTOW 18 kg",
        &["ML10"],
    ),
    (
        "6307.90",
        "Ballistic protection plates, class 5",
        &["ML13.d"],
    ),
    ("9306.30", "Cartridges 7.62x39 mm", &["ML3"]),
    (
        "8710.00",
        "Armoured personnel carrier hull, spare",
        &["ML6"],
    ),
    ("8526.10", "Fire-control radar", &["ML5"]),
    ("9013.10", "Telescopic weapon sight", &["0A504.a"]),
    ("8807.30", "Wing assembly for military UAV", &["9A610.x"]),
];

/// HS sections of ordinary goods, weighted roughly like trade in manufactures.
const SECTIONS: &[(&str, usize)] = &[
    ("XVI", 26),
    ("VI", 9),
    ("XV", 9),
    ("XVII", 7),
    ("VII", 7),
    ("XI", 7),
    ("XVIII", 6),
    ("XX", 5),
    ("IV", 5),
    ("V", 3),
    ("X", 3),
    ("XIII", 3),
    ("IX", 2),
    ("XII", 2),
    ("II", 2),
    ("I", 1),
    ("III", 1),
    ("VIII", 1),
    ("XIV", 1),
];

/// Exporter countries of ordinary shipments, weighted.
const EXPORTERS: &[(&str, usize)] = &[
    ("DE", 12),
    ("CN", 10),
    ("US", 7),
    ("KZ", 8),
    ("IT", 4),
    ("FR", 4),
    ("NL", 3),
    ("PL", 3),
    ("JP", 3),
    ("KR", 3),
    ("TR", 3),
    ("GB", 2),
    ("CZ", 2),
    ("AT", 2),
    ("TW", 2),
];

/// Destination countries of ordinary shipments, weighted.
const DESTINATIONS: &[(&str, usize)] = &[
    ("KZ", 14),
    ("DE", 8),
    ("US", 6),
    ("CN", 5),
    ("KG", 5),
    ("UZ", 4),
    ("TR", 4),
    ("AE", 4),
    ("AM", 3),
    ("FR", 3),
    ("NL", 3),
    ("PL", 3),
    ("GB", 2),
    ("GE", 2),
    ("IN", 2),
    ("JP", 2),
    ("BR", 1),
    ("AZ", 1),
];

/// Countries of the FinCEN/BIS transshipment alert the corpus sends CHPL goods to.
const RISK_DESTINATIONS: &[(&str, usize)] = &[
    ("KZ", 6),
    ("KG", 4),
    ("AM", 4),
    ("AE", 4),
    ("TR", 4),
    ("GE", 2),
    ("UZ", 2),
    ("CN", 2),
    ("IN", 1),
    ("RS", 1),
];

/// Draws shipment documents from the random source, one after the other.
struct Generator<'d> {
    rng: SplitMix64,
    /// The HS codes goods lines are drawn from.
    data: &'d HsCodes,
}

impl Generator<'_> {
    /// One shipment document, as an ERP would send it.
    fn shipment(&mut self, index: usize) -> (Kind, Value) {
        let kind = *self.rng.weighted(&Kind::WEIGHTS);
        let mut date = self.date(DAY_2022_01_01, DAY_2025_12_31);
        let mut transit: Vec<&str> = Vec::new();
        let mut end_user = None;
        let mut other_parties = Vec::new();
        let mut licences = Vec::new();
        let mut military_end_use = false;
        let count = self.line_count();
        // Each line: HS code, description, control codes.
        let mut goods: Vec<(String, String, Vec<&str>)> = Vec::new();

        let (origin, destination) = match kind {
            Kind::Ordinary => {
                let origin = *self.rng.weighted(EXPORTERS);
                let destination = self.other_than(DESTINATIONS, origin);
                if self.rng.chance(15) {
                    let via = [("PL", 3), ("LT", 1), ("GE", 2), ("TR", 1), ("KZ", 2)];
                    let via = self.other_than(&via, destination);
                    if via != origin {
                        transit.push(via);
                    }
                }
                let chpl_line = self.rng.chance(6);
                for i in 0..count {
                    goods.push(if chpl_line && i == 0 {
                        self.chpl_goods()
                    } else {
                        self.ordinary_goods()
                    });
                }
                (origin, destination)
            }
            Kind::ChplThirdCountry => {
                let origin = *self.rng.pick(&[
                    "DE", "DE", "US", "JP", "NL", "FR", "IT", "PL", "CZ", "KR", "TW", "GB",
                ]);
                let destination = *self.rng.weighted(RISK_DESTINATIONS);
                if self.rng.chance(8) {
                    transit.extend(["PL", "BY", "RU"]);
                }
                if self.rng.chance(10) {
                    // The forwarder named as end user: a red flag.
                    let forwarder = self.party(destination, Some("Logistics"), date);
                    let mut listed = forwarder.clone();
                    listed["role"] = json!("freight_forwarder");
                    other_parties.push(listed);
                    end_user = Some(forwarder);
                }
                if self.rng.chance(10) {
                    let payer = *self.rng.pick(&["AE", "HK", "TR", "CY"]);
                    other_parties.push(self.role("payer", payer, date));
                }
                let chpl = 1 + self.rng.below(4);
                self.mixed_goods(&mut goods, count, chpl, false);
                (origin, destination)
            }
            Kind::ChplRussia => {
                let origin = *self
                    .rng
                    .pick(&["DE", "US", "CN", "CN", "KZ", "KG", "AM", "TR", "AE"]);
                let destination = if self.rng.chance(40) {
                    *self.rng.pick(&["RU", "RU", "BY"])
                } else {
                    end_user = Some(self.party("RU", None, date));
                    *self.rng.pick(&["KZ", "KG", "AM", "AE", "TR"])
                };
                let chpl = 1 + self.rng.below(5);
                let dual_use = self.rng.chance(30);
                self.mixed_goods(&mut goods, count, chpl, dual_use);
                (origin, destination)
            }
            Kind::KzDualUseExport => {
                let destination = *self
                    .rng
                    .pick(&["KG", "AM", "UZ", "CN", "TR", "AE", "DE", "GE", "TJ", "AZ"]);
                let controlled = self.controlled_goods(&mut goods, count, DUAL_USE);
                self.kz_licence(&mut licences, &controlled, date, 55);
                ("KZ", destination)
            }
            Kind::KzMilitaryExport => {
                if self.rng.chance(40) {
                    date = self.date(DAY_2022_08_27, DAY_2023_08_31);
                }
                let destination = *self.rng.pick(&["AM", "KG", "UZ", "AE", "TJ", "IN"]);
                let controlled = self.controlled_goods(&mut goods, count, MILITARY);
                self.kz_licence(&mut licences, &controlled, date, 45);
                ("KZ", destination)
            }
            Kind::KzTransit => {
                let origin = *self
                    .rng
                    .pick(&["CN", "CN", "CN", "DE", "KR", "TR", "JP", "US"]);
                match origin {
                    "DE" => transit.extend(["PL", "BY", "RU", "KZ"]),
                    "TR" => transit.extend(["GE", "AZ", "KZ"]),
                    _ => transit.push("KZ"),
                }
                let destination = *self.rng.pick(&["KG", "UZ", "TJ", "TM"]);
                let table = if self.rng.chance(15) {
                    MILITARY
                } else {
                    DUAL_USE
                };
                let controlled = self.controlled_goods(&mut goods, count, table);
                self.kz_licence(&mut licences, &controlled, date, 40);
                (origin, destination)
            }
            Kind::KzRussia => {
                let table = if self.rng.chance(20) {
                    MILITARY
                } else {
                    DUAL_USE
                };
                let controlled = self.controlled_goods(&mut goods, count, table);
                self.kz_licence(&mut licences, &controlled, date, 20);
                match self.rng.below(3) {
                    0 => ("KZ", "RU"),
                    1 => {
                        transit.push("KZ");
                        (*self.rng.pick(&["CN", "KG", "UZ"]), "RU")
                    }
                    _ => {
                        end_user = Some(self.party("RU", None, date));
                        (*self.rng.pick(&["DE", "CN", "US"]), "KZ")
                    }
                }
            }
            Kind::MilitaryEndUse => {
                military_end_use = true;
                for _ in 0..count {
                    goods.push(self.ordinary_goods());
                }
                ("KZ", *self.rng.pick(&["AM", "KG", "UZ", "RU", "AE"]))
            }
            Kind::EuRussia => {
                // Mostly goods the sanctions leave alone (food, pharma), some not.
                let chpl = usize::from(self.rng.chance(25));
                let dual_use = self.rng.chance(15);
                self.mixed_goods(&mut goods, count, chpl, dual_use);
                (
                    *self.rng.pick(&["DE", "IT", "FR", "NL", "PL", "AT", "CZ"]),
                    *self.rng.pick(&["RU", "RU", "BY"]),
                )
            }
        };

        let consignee_country = if destination != "RU" && self.rng.chance(3) {
            // An intermediate consignee abroad, the goods going on.
            *self.rng.pick(&["AE", "TR", "KZ"])
        } else {
            destination
        };
        let young =
            matches!(kind, Kind::ChplThirdCountry | Kind::ChplRussia) && self.rng.chance(30);
        let mut consignee = self.party(consignee_country, None, date);
        if young && date > DAY_2022_02_24 + 30 {
            consignee["registration_date"] =
                Value::String(civil(self.date(DAY_2022_02_24 + 1, date - 1)));
        }
        if self.rng.chance(20) {
            let country = *self.rng.pick(&["KZ", "DE", "PL", "TR", "CN"]);
            other_parties.push(self.role("freight_forwarder", country, date));
        }
        if self.rng.chance(5) {
            other_parties.push(self.role("bank", origin, date));
        }

        let currency = match origin {
            "DE" | "FR" | "IT" | "NL" | "AT" | "CZ" | "PL" => "EUR",
            "CN" if self.rng.chance(50) => "CNY",
            "KZ" if self.rng.chance(40) => "KZT",
            "JP" => "JPY",
            "GB" => "GBP",
            _ => "USD",
        };
        let step = if self.rng.chance(20) { 10 } else { 1 };
        let lines: Vec<Value> = goods
            .iter()
            .enumerate()
            .map(|(i, (hs, description, codes))| {
                self.line((i as u32 + 1) * step, hs, description, codes, currency)
            })
            .collect();
        for licence in &mut licences {
            if let Some(Value::Array(numbers)) = licence.get_mut("lines") {
                for n in numbers {
                    *n = json!(n.as_u64().unwrap_or(1) * u64::from(step));
                }
            }
        }

        let mut doc = json!({
            "id": format!("SO-{}-{:05}", &civil(date)[..4], index + 1),
            "date": civil(date),
            "exporter": self.party(origin, None, date),
            "consignee": consignee,
            "origin_country": self.case(origin),
            "destination_country": self.case(destination),
            "lines": lines,
        });
        let mut set = |key: &str, value: Value| {
            if let Some(map) = doc.as_object_mut() {
                map.insert(key.to_owned(), value);
            }
        };
        if let Some(end_user) = end_user {
            set("end_user", end_user);
        }
        if !other_parties.is_empty() {
            set("other_parties", Value::Array(other_parties));
        }
        if !transit.is_empty() {
            set("transit_countries", json!(transit));
        }
        if !licences.is_empty() {
            set("licences", Value::Array(licences));
        }
        if self.rng.chance(85) {
            set(
                "transport_mode",
                json!(
                    self.rng
                        .pick(&["road", "road", "rail", "sea", "air", "post"])
                ),
            );
        }
        if military_end_use || self.rng.chance(30) {
            set(
                "end_use",
                json!({ "statement": self.rng.pick(&["Maintenance of civil telecom network", "Spare parts for plant",
                        "Resale to industrial customers", "Armed forces procurement programme"]),
                        "military": military_end_use,
                        "sector": self.rng.pick(&["telecom", "energy", "mining", "manufacturing", "defence"]) }),
            );
        }
        if self.rng.chance(60) {
            let mut contract = json!({ "reference": format!("C-{}-{}", &civil(date)[..4], self.rng.between(1, 999)) });
            if self.rng.chance(50) {
                contract["date"] = Value::String(civil(date - self.rng.between(10, 200)));
            }
            if self.rng.chance(70) {
                contract["no_russia_clause"] = json!(!(young || self.rng.chance(25)));
            }
            set("contract", contract);
        }
        (kind, doc)
    }

    /// 1–20 lines, most shipments short.
    fn line_count(&mut self) -> usize {
        match self.rng.below(100) {
            0..40 => 1 + self.rng.below(3),
            40..75 => 4 + self.rng.below(5),
            _ => 9 + self.rng.below(12),
        }
    }

    fn date(&mut self, from: i64, until: i64) -> i64 {
        self.rng.between(from, until)
    }

    /// A country other than `not`, by weight.
    fn other_than(&mut self, items: &[(&'static str, usize)], not: &str) -> &'static str {
        loop {
            let c = *self.rng.weighted(items);
            if c != not {
                return c;
            }
        }
    }

    /// Country codes as ERPs write them: mostly upper-case.
    fn case(&mut self, country: &str) -> String {
        if self.rng.chance(3) {
            country.to_ascii_lowercase()
        } else {
            country.to_owned()
        }
    }

    fn ordinary_goods(&mut self) -> (String, String, Vec<&'static str>) {
        let data = self.data;
        let index = if self.rng.chance(80) {
            let section = self.rng.weighted(SECTIONS);
            match data.by_section.get(*section) {
                Some(indices) => *self.rng.pick(indices),
                None => self.rng.below(data.subheadings.len()),
            }
        } else {
            self.rng.below(data.subheadings.len())
        };
        let (_, code, description) = &data.subheadings[index];
        let codes = if self.rng.chance(8) {
            vec!["EAR99"]
        } else {
            Vec::new()
        };
        (self.hs_format(code), short(description), codes)
    }

    fn chpl_goods(&mut self) -> (String, String, Vec<&'static str>) {
        let data = self.data;
        let (code, description) = self.rng.pick(&data.chpl);
        let codes = match self.rng.below(10) {
            0..2 => vec!["EAR99"],
            2 => vec!["3A991.a"],
            _ => Vec::new(),
        };
        (self.hs_format(code), short(description), codes)
    }

    /// `count` lines of which `chpl` (at most) are CHPL items, optionally one dual-use.
    fn mixed_goods(
        &mut self,
        goods: &mut Vec<(String, String, Vec<&'static str>)>,
        count: usize,
        chpl: usize,
        dual_use: bool,
    ) {
        for i in 0..count {
            goods.push(if i < chpl {
                self.chpl_goods()
            } else if dual_use && i == chpl {
                self.listed(DUAL_USE)
            } else {
                self.ordinary_goods()
            });
        }
        let len = goods.len();
        for i in (1..len).rev() {
            goods.swap(i, self.rng.below(i + 1));
        }
    }

    /// 1–3 listed lines from `table` among ordinary ones; returns their positions.
    fn controlled_goods(
        &mut self,
        goods: &mut Vec<(String, String, Vec<&'static str>)>,
        count: usize,
        table: &[(&str, &str, &[&'static str])],
    ) -> Vec<u32> {
        let listed = (1 + self.rng.below(3)).min(count);
        let mut positions = Vec::new();
        for i in 0..count {
            if i < listed {
                goods.push(self.listed(table));
                positions.push(i as u32 + 1);
            } else {
                goods.push(self.ordinary_goods());
            }
        }
        positions
    }

    fn listed(
        &mut self,
        table: &[(&str, &str, &[&'static str])],
    ) -> (String, String, Vec<&'static str>) {
        let (hs, description, codes) = *self.rng.pick(table);
        (self.hs_format(hs), description.to_owned(), codes.to_vec())
    }

    /// A Kazakh licence in `percent` of cases: covering every line, some lines,
    /// or expired before the shipment.
    fn kz_licence(
        &mut self,
        licences: &mut Vec<Value>,
        controlled: &[u32],
        date: i64,
        percent: usize,
    ) {
        if !self.rng.chance(percent) {
            return;
        }
        let mut licence = json!({ "id": format!("KZ-{}-{:04}", &civil(date)[..4], self.rng.between(1, 9999)),
                                  "jurisdiction": self.rng.pick(&["KZ", "KZ", "kz"]) });
        match self.rng.below(10) {
            0..6 => {}
            6..8 => licence["lines"] = json!(controlled[..controlled.len().div_ceil(2)]),
            _ => licence["valid_until"] = Value::String(civil(date - self.rng.between(1, 90))),
        }
        if licence.get("valid_until").is_none() && self.rng.chance(50) {
            licence["valid_until"] = Value::String(civil(date + self.rng.between(30, 700)));
        }
        licences.push(licence);
        if self.rng.chance(15) {
            licences.push(json!({ "id": format!("EU-{}", self.rng.between(1000, 9999)), "jurisdiction": "EU" }));
        }
    }

    /// HS codes as written on real documents: with dots, spaces or national digits.
    fn hs_format(&mut self, code: &str) -> String {
        let digits: String = code.chars().filter(char::is_ascii_digit).collect();
        let (heading, sub) = digits.split_at(4.min(digits.len()));
        let sub = &sub[..2.min(sub.len())];
        match self.rng.below(10) {
            0..4 => format!("{heading}.{sub}"),
            4..6 => format!("{heading}{sub}"),
            6..8 => format!("{heading} {sub} {:02}", self.rng.below(100)),
            8 => format!(
                "{heading}.{sub}.{:02}.{:02}",
                self.rng.below(100),
                self.rng.below(100)
            ),
            _ => format!("{heading}{sub}{:04}", self.rng.below(10_000)),
        }
    }

    fn line(
        &mut self,
        number: u32,
        hs: &str,
        description: &str,
        codes: &[&str],
        currency: &str,
    ) -> Value {
        let quantity = if self.rng.chance(70) {
            json!(self.rng.between(1, 5000))
        } else {
            json!(format!(
                "{}.{}",
                self.rng.between(1, 900),
                self.rng.between(1, 9)
            ))
        };
        let cents = self.rng.between(100, 50_000_000);
        let mut line = json!({
            "line": number,
            "description": description,
            "hs_code": hs,
            "quantity": quantity,
            "unit": self.rng.pick(&["pcs", "pcs", "kg", "set", "m", "l"]),
            "value": { "amount": format!("{}.{:02}", cents / 100, cents % 100), "currency": currency },
        });
        if !codes.is_empty() {
            line["control_codes"] = json!(codes);
        }
        if self.rng.chance(70) {
            line["origin_country"] = json!(
                self.rng
                    .pick(&["CN", "TW", "US", "DE", "JP", "KR", "MY", "VN", "KZ", "IT"])
            );
        }
        if self.rng.chance(15) {
            line["us_content_percent"] = json!(self.rng.between(0, 100));
        }
        line
    }

    fn party(&mut self, country: &str, kind: Option<&str>, date: i64) -> Value {
        let (prefixes, words, suffix): (&[&str], &[&str], &str) = match country {
            "DE" | "AT" => (
                &["Rhein", "Bayern", "Elbe", "Nord", "Schwarzwald", "Main"],
                &[
                    "Elektronik",
                    "Maschinenbau",
                    "Technik",
                    "Handel",
                    "Automation",
                ],
                "GmbH",
            ),
            "KZ" => (
                &["Astana", "Almaty", "Steppe", "Altyn", "Caspian", "Saryarka"],
                &["Tech Supply", "Trade", "Engineering", "Import", "Systems"],
                "TOO",
            ),
            "RU" => (
                &["Ural", "Sibir", "Volga", "Neva", "Tekhno"],
                &["pribor", "snab", "elektro", "komplekt", "radiozavod"],
                "",
            ),
            "BY" => (
                &["Minsk", "Gomel", "Brest"],
                &["Integral", "Pribor", "Tekhnika"],
                "OAO",
            ),
            "KG" => (
                &["Ala-Too", "Bishkek", "Issyk-Kul"],
                &["Trade", "Service", "Tech"],
                "OsOO",
            ),
            "AM" => (
                &["Yerevan", "Ararat", "Sevan"],
                &["Tech", "Import", "Electronics"],
                "LLC",
            ),
            "AE" => (
                &["Gulf Star", "Jebel Ali", "Desert Falcon"],
                &["General Trading", "Electronics", "Tech"],
                "FZE",
            ),
            "TR" => (
                &["Anadolu", "Bosphorus", "Ege"],
                &["Elektronik", "Dis Ticaret", "Teknoloji"],
                "A.S.",
            ),
            "CN" | "HK" | "TW" => (
                &["Shenzhen", "Huaxin", "Dragon", "Pearl River"],
                &["Electronics", "Technology", "Trading"],
                "Co., Ltd.",
            ),
            "US" => (
                &["Pacific", "Lakeside", "Summit", "Liberty"],
                &["Components", "Systems", "Instruments"],
                "Inc.",
            ),
            _ => (
                &["Global", "Euro", "United", "Prime"],
                &["Trading", "Industries", "Supply"],
                "Ltd",
            ),
        };
        let first = *self.rng.pick(prefixes);
        let second = match kind {
            Some(word) => word,
            None => *self.rng.pick(words),
        };
        let name = match country {
            "RU" => format!("OOO {first}{second}"),
            "BY" => format!("{suffix} {first} {second}"),
            _ => format!("{first} {second} {suffix}"),
        };
        let mut party = json!({ "name": name, "country": self.case(country) });
        if self.rng.chance(50) {
            party["address"] = json!(format!(
                "{} {}",
                self.rng.pick(&[
                    "Main street",
                    "Industrial park",
                    "Lenin avenue",
                    "Harbour road"
                ]),
                self.rng.between(1, 200)
            ));
        }
        if self.rng.chance(40) {
            party["registration_date"] =
                Value::String(civil(self.date(DAY_1995_01_01, DAY_2022_01_01.min(date))));
        }
        if self.rng.chance(50) {
            let key = match country {
                "KZ" => "bin",
                "RU" => "inn",
                _ => "vat",
            };
            party["ids"] =
                json!({ key: format!("{}{:09}", country, self.rng.between(0, 999_999_999)) });
        }
        if country == "KZ" && self.rng.chance(10) {
            party["region"] = json!("KZ-75");
        }
        if country == "RU" && self.rng.chance(8) {
            // Crimea, as sanctions lists write it for a party in Russia.
            party["region"] = json!("UA-43");
        }
        if self.rng.chance(5) {
            party["aliases"] = json!([format!("{first} {second}")]);
        }
        party
    }

    fn role(&mut self, role: &str, country: &str, date: i64) -> Value {
        let kind = (role == "freight_forwarder").then_some("Cargo Forwarding");
        let mut party = self.party(country, kind, date);
        party["role"] = json!(role);
        party
    }
}

/// A subheading description cut to what fits an ERP line.
fn short(description: &str) -> String {
    description.chars().take(80).collect()
}
