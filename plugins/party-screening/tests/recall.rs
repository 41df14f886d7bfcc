//! How often the policy finds a listed party under the spellings a shipment document
//! gives it: every 25th company entry of the CSL and UN lists (677), written six ways (as
//! listed; lower case without punctuation; words reversed; another legal form; a typo
//! in its longest word; English-style transliteration swapped for another), screened
//! from the entry's first address country with the default settings. The rates are
//! printed (`--nocapture`) and recorded in README.md; the test fails below the floors.

#![allow(clippy::panic, reason = "a failing check fails the test")]

use exportctl_sdk::{Country, PartyWire};
use party_screening::screen::Screener;
use party_screening::settings::{DEFAULT_STRONG, Settings};
use party_screening::table::{self, EntryKind};

#[path = "common/spellings.rs"]
mod spellings;
use spellings::variant;

/// The spellings tried, with the share that must be found as a strong match and as at
/// least a possible one.
const VARIANTS: [(&str, f64, f64); spellings::SPELLINGS] = [
    ("as listed", 1.0, 1.0),
    ("lower case, no punctuation", 0.99, 0.99),
    ("words reversed", 0.985, 0.99),
    ("other legal form", 0.995, 0.995),
    ("typo in the longest word", 0.955, 0.955),
    // Mostly "Joint Stok Company": a four-letter word must match exactly, and an
    // unlisted one weighs like a rare word.
    ("other transliteration", 0.955, 0.955),
];

#[test]
fn listed_companies_are_found_under_other_spellings() {
    let screener = Screener::new(&Settings::default());
    let mut found = [(0usize, 0usize); VARIANTS.len()];
    let mut tried = 0usize;
    let mut misses: Vec<Vec<String>> = vec![Vec::new(); VARIANTS.len()];
    for index in (0..table::ENTRY_COUNT as u32).step_by(25) {
        let Some(entry) = table::entry(index) else {
            continue;
        };
        if !matches!(entry.kind, EntryKind::Entity | EntryKind::Unspecified) {
            continue;
        }
        let name = entry.primary_name();
        tried += 1;
        for (kind, counts) in found.iter_mut().enumerate() {
            let wire = PartyWire::new(
                &variant(kind, name),
                entry.countries.first().copied().unwrap_or(Country::US),
                None,
                [],
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let party = wire.party();
            let score = screener
                .screen(&party)
                .iter()
                .find(|m| m.entry.index == index)
                .map(|m| (m.score, m.same_name));
            match score {
                // Strong as the findings decide it: the threshold and the same name.
                Some((s, true)) if s >= DEFAULT_STRONG => {
                    counts.0 += 1;
                    counts.1 += 1;
                }
                Some(_) => counts.1 += 1,
                None => misses[kind].push(format!("{} <- {name}", party.name())),
            }
        }
    }
    println!("recall on {tried} listed companies (strong / at least possible):");
    let mut failures = Vec::new();
    for (kind, ((label, min_strong, min_any), (strong, any))) in
        VARIANTS.iter().zip(found).enumerate()
    {
        let (s, a) = (strong as f64 / tried as f64, any as f64 / tried as f64);
        println!("  {label:<28} {:6.2} % / {:6.2} %", s * 100.0, a * 100.0);
        for m in misses[kind].iter().take(5) {
            println!("      missed: {m}");
        }
        if s < *min_strong || a < *min_any {
            failures.push(format!(
                "{label}: {:.2} % strong (floor {:.0} %), {:.2} % found (floor {:.0} %)",
                s * 100.0,
                min_strong * 100.0,
                a * 100.0,
                min_any * 100.0
            ));
        }
    }
    assert!(tried >= 400, "only {tried} companies sampled");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
