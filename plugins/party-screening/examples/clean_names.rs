//! Generates the false-positive fixture `tests/fixtures/clean_names.tsv`: 600 realistic
//! names of ordinary companies (name, tab, ISO country code), deterministic, in the
//! styles of the countries a Kazakh or German exporter deals with: German, Kazakh
//! (Latin and Cyrillic), Kyrgyz, Uzbek, Russian, Chinese, Turkish, Emirati, US, British,
//! French, Italian, Polish, Indian.
//!
//! ```sh
//! cargo run -p party-screening --example clean_names > plugins/party-screening/tests/fixtures/clean_names.tsv
//! ```
//!
//! The names are built from common words of each language, not taken from any list.
//! The fixture is committed; regenerate it only when this program changes, and record
//! the new measurement in README.md.

use std::collections::BTreeSet;

/// xorshift64*: small, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const DE_SURNAMES: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Lehmann",
    "Köhler",
    "Maier",
    "Kaiser",
    "Vogel",
    "Seidel",
];
const DE_PLACES: &[&str] = &[
    "Rhein",
    "Main",
    "Weser",
    "Elbe",
    "Allgäu",
    "Schwarzwald",
    "Bodensee",
    "Harz",
    "Eifel",
    "Taunus",
    "Spessart",
    "Odenwald",
    "Lausitz",
    "Münsterland",
];
const DE_TRADES: &[&str] = &[
    "Maschinenbau",
    "Antriebstechnik",
    "Präzisionsteile",
    "Kunststofftechnik",
    "Elektrotechnik",
    "Metallbau",
    "Messtechnik",
    "Logistik",
    "Möbelwerk",
    "Verpackung",
    "Feinmechanik",
    "Hydraulik",
    "Armaturen",
    "Druckguss",
    "Werkzeugbau",
    "Landtechnik",
];
const DE_FORMS: &[&str] = &["GmbH", "GmbH & Co. KG", "AG", "KG"];

const KZ_PLACES: &[&str] = &[
    "Almaty",
    "Astana",
    "Karaganda",
    "Shymkent",
    "Aktobe",
    "Pavlodar",
    "Kostanay",
    "Atyrau",
    "Oskemen",
    "Taraz",
    "Semey",
    "Kokshetau",
    "Turkistan",
    "Ekibastuz",
    "Zhezkazgan",
];
const KZ_WORDS: &[&str] = &[
    "Stroy", "Servis", "Agro", "Trans", "Snab", "Komplekt", "Mebel", "Tekstil", "Farm", "Dala",
    "Zhol", "Kurylys", "Tulpar", "Bereke", "Altyn", "Samal", "Arman", "Zhuldyz", "Sapa", "Orda",
];
const KZ_FORMS: &[&str] = &["TOO", "LLP", "ТОО", "ЖШС"];
const KZ_CYRILLIC: &[&str] = &[
    "Алматы",
    "Астана",
    "Караганда",
    "Шымкент",
    "Павлодар",
    "Костанай",
    "Кокшетау",
    "Тараз",
];
const KZ_CYRILLIC_WORDS: &[&str] = &[
    "Строй",
    "Сервис",
    "Агро",
    "Снаб",
    "Комплект",
    "Мебель",
    "Текстиль",
    "Береке",
    "Алтын",
    "Самал",
    "Дала",
    "Жол",
];

const KG_PLACES: &[&str] = &[
    "Bishkek",
    "Osh",
    "Issyk-Kul",
    "Talas",
    "Naryn",
    "Chuy",
    "Jalal-Abad",
    "Karakol",
    "Tokmok",
];
const KG_WORDS: &[&str] = &[
    "Ak-Suu", "Ala-Too", "Tash", "Bulak", "Kurulush", "Sooda", "Agro", "Servis", "Tekstil",
];
const KG_FORMS: &[&str] = &["OsOO", "ОсОО", "LLC"];

const UZ_PLACES: &[&str] = &[
    "Tashkent",
    "Samarkand",
    "Bukhara",
    "Andijan",
    "Fergana",
    "Namangan",
    "Navoi",
    "Karshi",
    "Termez",
    "Urgench",
];
const UZ_WORDS: &[&str] = &[
    "Agro", "Tekstil", "Qurilish", "Savdo", "Servis", "Paxta", "Meva", "Sabzavot", "Gilam",
    "Oltin", "Yulduz",
];
const UZ_FORMS: &[&str] = &["MChJ", "OOO", "LLC"];

const RU_ROOTS: &[&str] = &[
    "Volzhskaya",
    "Uralskaya",
    "Kamskaya",
    "Okskaya",
    "Donskaya",
    "Severnaya",
    "Sibirskaya",
    "Kubanskaya",
    "Tverskaya",
    "Vyatskaya",
];
const RU_TRADES: &[&str] = &[
    "Mebelnaya Fabrika",
    "Trikotazhnaya Fabrika",
    "Konditerskaya Fabrika",
    "Upakovochnaya Kompaniya",
    "Keramicheskaya Plitka",
    "Pticefabrika",
    "Tipografiya",
    "Molochnaya Kompaniya",
    "Obuvnaya Fabrika",
    "Khlebnaya Kompaniya",
];
const RU_FORMS: &[&str] = &["OOO", "ООО", "AO"];

const CN_CITIES: &[&str] = &[
    "Ningbo",
    "Suzhou",
    "Hangzhou",
    "Xiamen",
    "Qingdao",
    "Dongguan",
    "Foshan",
    "Wenzhou",
    "Yiwu",
    "Changzhou",
    "Wuxi",
    "Jiaxing",
    "Shaoxing",
    "Taizhou",
    "Jinhua",
    "Quanzhou",
];
const CN_NAMES: &[&str] = &[
    "Meilin",
    "Yongsheng",
    "Tianrui",
    "Haoyu",
    "Jiale",
    "Xinhe",
    "Fuxing",
    "Lianfa",
    "Kaida",
    "Hongyuan",
    "Shunfa",
    "Mingyang",
    "Jinhui",
    "Ruifeng",
    "Baolong",
    "Huamei",
    "Yuanda",
    "Shengtai",
    "Lixin",
    "Haotian",
];
const CN_TRADES: &[&str] = &[
    "Textile",
    "Furniture",
    "Ceramics",
    "Hardware",
    "Plastic Products",
    "Garments",
    "Packaging",
    "Lighting",
    "Kitchenware",
    "Toys",
    "Footwear",
    "Bamboo Products",
    "Stationery",
    "Household Products",
    "Auto Parts",
    "Valve",
];
const CN_FORMS: &[&str] = &[
    "Co., Ltd.",
    "Industrial Co., Ltd.",
    "Manufacturing Co., Ltd.",
];

const TR_SURNAMES: &[&str] = &[
    "Yılmaz",
    "Kaya",
    "Demir",
    "Şahin",
    "Çelik",
    "Yıldız",
    "Yıldırım",
    "Öztürk",
    "Aydın",
    "Özdemir",
    "Arslan",
    "Doğan",
    "Kılıç",
    "Aslan",
    "Çetin",
    "Korkmaz",
];
const TR_TRADES: &[&str] = &[
    "Tekstil",
    "Mobilya",
    "Gıda",
    "Ambalaj",
    "Makine",
    "Otomotiv",
    "Plastik",
    "İnşaat",
    "Tarım Ürünleri",
    "Hırdavat",
];
const TR_FORMS: &[&str] = &["San. ve Tic. Ltd. Şti.", "A.Ş.", "Tic. Ltd. Şti."];

const AE_WORDS: &[&str] = &[
    "Desert Rose",
    "Palm Grove",
    "Pearl Coast",
    "Oasis Line",
    "Blue Dune",
    "Creek Side",
    "Marina Bay",
    "Golden Sand",
    "Sea Breeze",
    "Date Palm",
    "Silver Wave",
    "Jumeirah Garden",
];
const AE_TRADES: &[&str] = &[
    "General Trading LLC",
    "Foodstuff Trading LLC",
    "Building Materials Trading LLC",
    "Trading FZE",
    "Spare Parts Trading LLC",
    "Textiles Trading LLC",
    "Furniture Trading LLC",
];

const EN_SURNAMES: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Martin", "Thompson", "Harris", "Clark", "Lewis", "Walker",
    "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Carter",
];
const EN_TRADES: &[&str] = &[
    "Tool & Die",
    "Hardware Supply",
    "Precision Machining",
    "Office Furniture",
    "Packaging Solutions",
    "Farm Equipment",
    "Industrial Supply",
    "Plumbing Supply",
    "Printing",
    "Bakery Equipment",
    "Garden Products",
    "Marine Hardware",
    "Paper Products",
];
const EN_FORMS: &[&str] = &["Inc.", "LLC", "Ltd", "Co.", "& Sons Ltd"];

const FR_NAMES: &[&str] = &[
    "Dupont",
    "Lefèvre",
    "Moreau",
    "Girard",
    "Bonnet",
    "Mercier",
    "Fontaine",
    "Chevalier",
];
const FR_TRADES: &[&str] = &[
    "Emballages",
    "Menuiserie",
    "Fonderie",
    "Textiles",
    "Outillage",
];
const IT_NAMES: &[&str] = &[
    "Rossi", "Bianchi", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino",
];
const IT_TRADES: &[&str] = &[
    "Meccanica",
    "Arredamenti",
    "Tessuti",
    "Ceramiche",
    "Imballaggi",
];
const PL_NAMES: &[&str] = &[
    "Nowak",
    "Kowalski",
    "Wiśniewski",
    "Wójcik",
    "Kamiński",
    "Lewandowski",
    "Zieliński",
];
const PL_TRADES: &[&str] = &[
    "Meble",
    "Opakowania",
    "Metalplast",
    "Tekstylia",
    "Narzędzia",
];
const IN_NAMES: &[&str] = &[
    "Sharma", "Patel", "Gupta", "Mehta", "Iyer", "Reddy", "Nair", "Joshi",
];
const IN_TRADES: &[&str] = &[
    "Textiles",
    "Agro Foods",
    "Auto Components",
    "Packaging",
    "Handicrafts",
];

fn name(rng: &mut Rng) -> (String, &'static str) {
    match rng.next() % 20 {
        0..=2 => {
            let form = rng.pick(DE_FORMS);
            let n = if rng.next().is_multiple_of(2) {
                format!("{} {} {form}", rng.pick(DE_SURNAMES), rng.pick(DE_TRADES))
            } else {
                format!("{}-{} {form}", rng.pick(DE_PLACES), rng.pick(DE_TRADES))
            };
            (n, "DE")
        }
        3..=5 => {
            let n = match rng.next() % 4 {
                0 => format!(
                    "ТОО «{} {}»",
                    rng.pick(KZ_CYRILLIC),
                    rng.pick(KZ_CYRILLIC_WORDS)
                ),
                1 => format!(
                    "{} {}{} {}",
                    rng.pick(KZ_PLACES),
                    rng.pick(KZ_WORDS),
                    rng.pick(KZ_WORDS).to_lowercase(),
                    rng.pick(KZ_FORMS)
                ),
                _ => format!(
                    "{} \"{} {}\"",
                    rng.pick(KZ_FORMS),
                    rng.pick(KZ_PLACES),
                    rng.pick(KZ_WORDS)
                ),
            };
            (n, "KZ")
        }
        6 => {
            let n = format!(
                "{} \"{} {}\"",
                rng.pick(KG_FORMS),
                rng.pick(KG_PLACES),
                rng.pick(KG_WORDS)
            );
            (n, "KG")
        }
        7 => {
            let n = format!(
                "\"{} {}\" {}",
                rng.pick(UZ_PLACES),
                rng.pick(UZ_WORDS),
                rng.pick(UZ_FORMS)
            );
            (n, "UZ")
        }
        8 => {
            let n = format!(
                "{} \"{} {}\"",
                rng.pick(RU_FORMS),
                rng.pick(RU_ROOTS),
                rng.pick(RU_TRADES)
            );
            (n, "RU")
        }
        9..=11 => {
            let n = format!(
                "{} {} {} {}",
                rng.pick(CN_CITIES),
                rng.pick(CN_NAMES),
                rng.pick(CN_TRADES),
                rng.pick(CN_FORMS)
            );
            (n, "CN")
        }
        12..=13 => {
            let n = format!(
                "{} {} {}",
                rng.pick(TR_SURNAMES),
                rng.pick(TR_TRADES),
                rng.pick(TR_FORMS)
            );
            (n, "TR")
        }
        14 => (
            format!("{} {}", rng.pick(AE_WORDS), rng.pick(AE_TRADES)),
            "AE",
        ),
        15..=16 => {
            let country = if rng.next().is_multiple_of(2) {
                "US"
            } else {
                "GB"
            };
            let n = format!(
                "{} {} {}",
                rng.pick(EN_SURNAMES),
                rng.pick(EN_TRADES),
                rng.pick(EN_FORMS)
            );
            (n, country)
        }
        17 => (
            format!("{} {} SARL", rng.pick(FR_TRADES), rng.pick(FR_NAMES)),
            "FR",
        ),
        18 => {
            if rng.next().is_multiple_of(2) {
                (
                    format!("{} {} S.r.l.", rng.pick(IT_TRADES), rng.pick(IT_NAMES)),
                    "IT",
                )
            } else {
                (
                    format!("{} {} Sp. z o.o.", rng.pick(PL_TRADES), rng.pick(PL_NAMES)),
                    "PL",
                )
            }
        }
        _ => (
            format!("{} {} Pvt. Ltd.", rng.pick(IN_NAMES), rng.pick(IN_TRADES)),
            "IN",
        ),
    }
}

fn main() {
    let mut rng = Rng(0x5eed_2026_0731);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    while out.len() < 600 {
        let (n, country) = name(&mut rng);
        if seen.insert(n.clone()) {
            out.push(format!("{n}\t{country}"));
        }
    }
    println!("{}", out.join("\n"));
}
