//! What the screener finds for a fixed set of parties, exactly: every match down to a
//! low threshold, with its entry, listed name, party name, scores as exact bits, same
//! name and country effect, compared with `tests/fixtures/golden_matches.txt`. A change
//! meant only to make screening faster must leave this file as it is.
//!
//! The parties: the 775 distinct parties of the evaluate benchmark's corpus
//! (`corpus_parties.tsv`: name, country, aliases), the three clean-name fixtures, and
//! the six spellings of every 25th company entry of the lists (`tests/recall.rs`).
//! Matches are kept from a weak threshold of 0.5 (the lowest the settings allow), so
//! the scores of near misses are pinned too, not only those of findings.
//!
//! After a deliberate change to matching, rewrite the file with
//! `PARTY_SCREENING_WRITE_GOLDEN=1 cargo test -p party-screening --release --test golden`
//! and review its diff.

#![allow(clippy::panic, reason = "a failing check fails the test")]

use exportctl_sdk::{Country, PartyWire};
use party_screening::screen::Screener;
use party_screening::settings::Settings;
use party_screening::table::{self, EntryKind};
use std::fmt::Write as _;
use std::path::PathBuf;

#[path = "common/spellings.rs"]
mod spellings;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every party screened: name, country, aliases.
fn parties() -> Vec<(String, Country, Vec<String>)> {
    let mut parties = Vec::new();
    for file in [
        "corpus_parties.tsv",
        "clean_names.tsv",
        "recombined_names.tsv",
        "extended_names.tsv",
    ] {
        let path = fixtures().join(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (i, line) in text.lines().enumerate() {
            let mut fields = line.split('\t');
            let (Some(name), Some(country)) = (fields.next(), fields.next()) else {
                panic!("{file}: line {}: expected name and country", i + 1);
            };
            let country = Country::parse(country)
                .unwrap_or_else(|| panic!("{file}: line {}: country `{country}`", i + 1));
            // The clean-name fixtures give the listed name they were made from third:
            // not an alias. Only the corpus file has aliases.
            let aliases = if file == "corpus_parties.tsv" {
                fields.map(str::to_owned).collect()
            } else {
                Vec::new()
            };
            parties.push((name.to_owned(), country, aliases));
        }
    }
    for index in (0..table::ENTRY_COUNT as u32).step_by(25) {
        let Some(entry) = table::entry(index) else {
            continue;
        };
        if !matches!(entry.kind, EntryKind::Entity | EntryKind::Unspecified) {
            continue;
        }
        let country = entry.countries.first().copied().unwrap_or(Country::US);
        for kind in 0..spellings::SPELLINGS {
            let name = spellings::variant(kind, entry.primary_name());
            parties.push((name, country, Vec::new()));
        }
    }
    parties
}

/// One line per party (its number, the count of matches), then one per match.
fn screen_all() -> String {
    let settings = Settings {
        weak_threshold: 0.5,
        ..Settings::default()
    };
    let screener = Screener::new(&settings);
    let mut out = String::new();
    for (i, (name, country, aliases)) in parties().iter().enumerate() {
        let Ok(wire) = PartyWire::new(name, *country, None, aliases.iter().map(String::as_str))
        else {
            let _ = writeln!(out, "{i} refused");
            continue;
        };
        let matches = screener.screen(&wire.party());
        let _ = writeln!(out, "{i} {}", matches.len());
        for m in matches {
            let _ = writeln!(
                out,
                "  {} {} {} {:016x} {} {:?} {:016x}",
                m.entry.index,
                m.variant,
                m.party_name,
                m.name_score.to_bits(),
                m.same_name,
                m.country,
                m.score.to_bits()
            );
        }
    }
    out
}

#[test]
fn matches_are_exactly_the_recorded_ones() {
    let path = fixtures().join("golden_matches.txt");
    let got = screen_all();
    if std::env::var_os("PARTY_SCREENING_WRITE_GOLDEN").is_some() {
        std::fs::write(&path, &got).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let first_difference = got
        .lines()
        .zip(want.lines())
        .enumerate()
        .find(|(_, (g, w))| g != w);
    if let Some((line, (g, w))) = first_difference {
        panic!(
            "{}: line {}: found `{g}`, recorded `{w}`",
            path.display(),
            line + 1
        );
    }
    assert_eq!(
        got.lines().count(),
        want.lines().count(),
        "{}: as many lines",
        path.display()
    );
}
