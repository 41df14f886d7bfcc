//! Generates the two harder false-positive fixtures, built from the words of listed
//! company names, deterministic (fixed seed):
//!
//! - `tests/fixtures/recombined_names.tsv`: 2,400 names that put a distinctive word of a
//!   listed company name together with other ordinary words (places, trades, surnames)
//!   and a legal form: `Mikron Agro Servis TOO` from `PJSC Mikron`. The listed word is
//!   there; the name is another.
//! - `tests/fixtures/extended_names.tsv`: 2,400 names whose main word extends a listed
//!   word into a different word: a suffix of two letters or more (`Sibavtoresursika`
//!   from `SIBAVTORESURS`, `Alfakomponentnova`), a prefix (`Avtomikron`), or the
//!   listed word's stem with another ending (`Mikroelement` from `MIKROEM`).
//!
//! Each line is `name<TAB>country<TAB>listed name it was built from`; the country is the
//! listed entry's first address country, so a match gets the country bonus: the hardest
//! case for the screener. A generated name whose words are those of some listed name
//! (any list, any spelling), or whose new word is a listed word or one letter from one
//! (indistinguishable from a typo of it), is dropped: it would not be a clean name.
//!
//! ```sh
//! cargo run -p party-screening --release --example hard_clean_names
//! ```
//!
//! The fixtures are committed; regenerate them only when this program changes, and
//! record the new measurement in README.md.

use party_screening::normalize;
use party_screening::table::{self, EntryKind};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// xorshift64*: small, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Names in each fixture.
const COUNT: usize = 2_400;

/// Ordinary words a company name adds to its main word, in the languages of the
/// region: places, trades, surnames, descriptive words.
const OTHER_WORDS: &[&str] = &[
    "Almaty",
    "Astana",
    "Karaganda",
    "Shymkent",
    "Bishkek",
    "Osh",
    "Tashkent",
    "Samarkand",
    "Novosibirsk",
    "Kazan",
    "Ural",
    "Sibir",
    "Volga",
    "Baikal",
    "Altai",
    "Stroy",
    "Agro",
    "Servis",
    "Trans",
    "Snab",
    "Komplekt",
    "Mebel",
    "Tekstil",
    "Farm",
    "Logistik",
    "Avto",
    "Proekt",
    "Invest",
    "Energo",
    "Neft",
    "Med",
    "Pishcheprom",
    "Zerno",
    "Moloko",
    "Bereke",
    "Altyn",
    "Samal",
    "Tulpar",
    "Zhuldyz",
    "Dostyk",
    "Ivanov",
    "Petrenko",
    "Nurlanov",
    "Abdullaev",
    "Schneider",
    "Yilmaz",
    "Wang",
    "Consulting",
    "Holding",
    "Partners",
    "Green",
    "Nord",
    "Vostok",
    "Yug",
    "Zapad",
    "Premium",
    "Standart",
    "Lux",
    "Eko",
    "Bio",
    "Plast",
    "Metiz",
    "Kabel",
    "Svet",
    "Dom",
    "Sad",
];

/// Legal forms, each in the spelling its country uses.
const LEGAL_FORMS: &[&str] = &[
    "TOO",
    "LLP",
    "OOO",
    "LLC",
    "AO",
    "JSC",
    "GmbH",
    "Ltd",
    "OsOO",
    "MChJ",
    "A.S.",
    "Co., Ltd.",
];

/// Endings that make another word of a listed word.
const SUFFIXES: &[&str] = &[
    "ika", "nova", "ovka", "inka", "stroy", "tekh", "land", "ium", "aris", "ex", "on", "ta", "ko",
    "ers", "ent", "iya", "ovo", "mash", "prom", "servis",
];

/// Beginnings that make another word of a listed word.
const PREFIXES: &[&str] = &[
    "Avto", "Neo", "Eko", "Agro", "Mega", "Tekno", "Bio", "Uni", "Pro", "Inter",
];

/// New endings for a listed word's stem (`Mikro` + `element`).
const ENDINGS: &[&str] = &[
    "element", "ograd", "ostal", "onika", "atek", "elektro", "opribor", "ovit", "umash", "arsenal",
];

/// A listed company word: distinctive, alphabetic, at least five letters.
struct Stem {
    word: String,
    country: String,
    listed: &'static str,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Every listed name's words, to drop a generated name that is in fact listed, and
    // how many listed names each word is in.
    let mut listed_names: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut df: BTreeMap<String, usize> = BTreeMap::new();
    let mut stems: Vec<Stem> = Vec::new();
    for index in 0..table::ENTRY_COUNT as u32 {
        let Some(entry) = table::entry(index) else {
            continue;
        };
        let mut variant = 0;
        while let Some(name) = entry.name(variant) {
            let mut tokens = normalize::tokens(name);
            tokens.sort();
            for t in tokens.iter().collect::<BTreeSet<_>>() {
                *df.entry(t.clone()).or_default() += 1;
            }
            listed_names.insert(tokens);
            variant += 1;
        }
        if !matches!(entry.kind, EntryKind::Entity | EntryKind::Unspecified) {
            continue;
        }
        let name = entry.primary_name();
        let country = entry
            .countries
            .first()
            .map_or("RU".to_owned(), |c| c.as_str().to_owned());
        for word in normalize::tokens(name) {
            if word.len() >= 5 && word.bytes().all(|b| b.is_ascii_lowercase()) {
                stems.push(Stem {
                    word,
                    country: country.clone(),
                    listed: name,
                });
            }
        }
    }
    // Distinctive words only: in at most three listed names (a generic word such as
    // "trading" is not a listed word in any useful sense).
    stems.retain(|s| df.get(&s.word).is_some_and(|n| *n <= 3));
    let is_listed = |name: &str| {
        let mut tokens = normalize::tokens(name);
        tokens.sort();
        tokens.is_empty() || listed_names.contains(&tokens)
    };
    let is_listed_word = |word: &str| df.contains_key(word);
    // A word one letter from a listed word is indistinguishable from a typo of it: a
    // screener must flag it, so it is no clean name.
    let listed_words: Vec<&String> = df.keys().filter(|w| w.len() >= 4).collect();
    let one_edit_from_listed = |word: &str| {
        listed_words.iter().any(|w| {
            w.len().abs_diff(word.len()) <= 1
                && normalize::within_one_edit(w.as_bytes(), word.as_bytes())
        })
    };

    let mut rng = Rng(0x5eed_2026_1202);
    let recombined = generate(&mut rng, &stems, |rng, stem| {
        let mut words = vec![capitalise(&stem.word)];
        for _ in 0..1 + rng.below(2) {
            words.push(rng.pick(OTHER_WORDS).to_owned());
        }
        // The listed word anywhere in the name.
        let at = rng.below(words.len());
        words.swap(0, at);
        let name = format!("{} {}", words.join(" "), rng.pick(LEGAL_FORMS));
        (!is_listed(&name)).then_some(name)
    });
    let extended = generate(&mut rng, &stems, |rng, stem| {
        let word = &stem.word;
        let new = match rng.below(3) {
            0 => format!("{}{}", capitalise(word), rng.pick(SUFFIXES)),
            1 => format!("{}{}", rng.pick(PREFIXES), word),
            _ => {
                let cut = 1 + rng.below(3).min(word.len() - 4);
                let stem_part = capitalise(&word[..word.len() - cut]);
                format!("{stem_part}{}", rng.pick(ENDINGS))
            }
        };
        // Another word: not a listed word itself, and not within a letter of the
        // listed one (`Mikron` + `a` would be the same word).
        let lower = new.to_lowercase();
        if is_listed_word(&lower) || one_edit_from_listed(&lower) {
            return None;
        }
        let name = match rng.below(3) {
            0 => format!("{new} {}", rng.pick(LEGAL_FORMS)),
            1 => format!("{} {new}", rng.pick(LEGAL_FORMS)),
            _ => format!("{new} {} {}", rng.pick(OTHER_WORDS), rng.pick(LEGAL_FORMS)),
        };
        (!is_listed(&name)).then_some(name)
    });
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::write(
        dir.join("recombined_names.tsv"),
        recombined.join("\n") + "\n",
    )?;
    std::fs::write(dir.join("extended_names.tsv"), extended.join("\n") + "\n")?;
    println!(
        "{} recombined and {} extended names from {} listed words",
        recombined.len(),
        extended.len(),
        stems.len()
    );
    Ok(())
}

/// [`COUNT`] distinct lines `name<TAB>country<TAB>listed name`, each from a random
/// listed word through `make` (which may refuse one).
fn generate(
    rng: &mut Rng,
    stems: &[Stem],
    mut make: impl FnMut(&mut Rng, &Stem) -> Option<String>,
) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(COUNT);
    while out.len() < COUNT {
        let stem = &stems[rng.below(stems.len())];
        let Some(name) = make(rng, stem) else {
            continue;
        };
        if seen.insert(name.clone()) {
            let listed = stem.listed.split_whitespace().collect::<Vec<_>>().join(" ");
            out.push(format!("{name}\t{}\t{listed}", stem.country));
        }
    }
    out
}

/// `mikron` → `Mikron`.
fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
