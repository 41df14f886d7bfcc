//! Precision and recall against the thresholds, for a company choosing its own: writes
//! `docs/thresholds.svg` (a plot, drawn here as plain SVG text) and prints the table
//! README.md records.
//!
//! ```sh
//! cargo run -p party-screening --release --example thresholds
//! ```
//!
//! - **Listed names** (the positives): every 25th company entry of the CSL and UN lists
//!   (677), written the six ways of `tests/recall.rs`, each screened from the entry's
//!   first address country. A spelling counts as found at a threshold `t` when the
//!   entry's score reaches `t` and, for a strong match, the names are the same name.
//! - **Clean names** (the negatives): the three fixtures of `tests/fixtures/` — 600
//!   ordinary company names, 2,400 recombining listed words, 2,400 extending a listed
//!   word — each screened in its fixture's country. A clean name is flagged at `t` when
//!   some listed name reaches `t` (and, for a strong match, is the same name).
//!
//! For each threshold from 0.80 to 1.00: recall of strong matches and of matches of any
//! kind (what a weak threshold at `t` would send to review), the share of each clean set
//! flagged as strong and as any match, and the precision of strong matches over all
//! positives and negatives together (which depends on that mix: 4,062 positives, 5,400
//! negatives).

use exportctl_sdk::{Country, PartyWire, WireError};
use party_screening::screen::Screener;
use party_screening::settings::Settings;
use party_screening::table::{self, EntryKind};
use std::fmt::Write as _;
use std::path::Path;

#[path = "../tests/common/spellings.rs"]
mod spellings;

/// Lowest score kept: below every threshold plotted.
const FLOOR: f64 = 0.75;
/// Thresholds plotted, in hundredths.
const FROM: u32 = 80;
const TO: u32 = 100;

/// A screened name's best scores: among matches that can be strong (same name), and
/// among all matches; 0 when none.
#[derive(Clone, Copy, Default)]
struct Best {
    strong: f64,
    any: f64,
}

fn party(name: &str, country: Country) -> Result<PartyWire, WireError> {
    PartyWire::new(name, country, None, [])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let settings = Settings {
        strong_threshold: FLOOR,
        weak_threshold: FLOOR,
        ..Settings::default()
    };
    let screener = Screener::new(&settings);

    // Positives: the listed spellings and the score of their own entry.
    let mut positives: Vec<Best> = Vec::new();
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
            let best = screener
                .screen(&party(&name, country)?.party())
                .iter()
                .find(|m| m.entry.index == index)
                .map_or(Best::default(), |m| Best {
                    strong: if m.same_name { m.score } else { 0.0 },
                    any: m.score,
                });
            positives.push(best);
        }
    }

    // Negatives: each clean set, best over every listed entry.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut sets: Vec<(&str, Vec<Best>)> = Vec::new();
    for (label, file) in [
        ("ordinary names", "clean_names.tsv"),
        ("recombined listed words", "recombined_names.tsv"),
        ("extended listed words", "extended_names.tsv"),
    ] {
        let text = std::fs::read_to_string(dir.join(file))?;
        let mut scores = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let mut fields = line.split('\t');
            let (Some(name), Some(country)) = (fields.next(), fields.next()) else {
                return Err(format!("{file}: not `name<TAB>country`: {line}").into());
            };
            let country =
                Country::parse(country).ok_or_else(|| format!("{file}: country `{country}`"))?;
            let mut best = Best::default();
            for m in screener.screen(&party(name, country)?.party()) {
                best.any = best.any.max(m.score);
                if m.same_name {
                    best.strong = best.strong.max(m.score);
                }
            }
            scores.push(best);
        }
        sets.push((label, scores));
    }

    // The rates at each threshold.
    let share = |scores: &[Best], pick: fn(&Best) -> f64, t: f64| {
        scores.iter().filter(|b| pick(b) >= t - 1e-9).count() as f64 / scores.len() as f64
    };
    let strong = |b: &Best| b.strong;
    let any = |b: &Best| b.any;
    let mut rows: Vec<Row> = Vec::new();
    for h in FROM..=TO {
        let t = f64::from(h) / 100.0;
        let found = positives.iter().filter(|b| b.strong >= t - 1e-9).count() as f64;
        let flagged: f64 = sets
            .iter()
            .map(|(_, s)| s.iter().filter(|b| b.strong >= t - 1e-9).count() as f64)
            .sum();
        rows.push(Row {
            t,
            recall_strong: share(&positives, strong, t),
            recall_any: share(&positives, any, t),
            clean: sets
                .iter()
                .map(|(_, s)| (share(s, strong, t), share(s, any, t)))
                .collect(),
            precision: if found + flagged > 0.0 {
                found / (found + flagged)
            } else {
                1.0
            },
        });
    }

    let labels: Vec<&str> = sets.iter().map(|(l, _)| *l).collect();
    print_table(&rows, &labels, positives.len());
    let svg = plot(&rows, &labels);
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/thresholds.svg");
    std::fs::create_dir_all(out.parent().ok_or("no parent")?)?;
    std::fs::write(&out, svg)?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

/// The rates at one threshold.
struct Row {
    t: f64,
    recall_strong: f64,
    recall_any: f64,
    /// Per clean set: (flagged strong, flagged at all).
    clean: Vec<(f64, f64)>,
    precision: f64,
}

fn print_table(rows: &[Row], labels: &[&str], positives: usize) {
    println!(
        "{positives} listed spellings; clean sets: {}",
        labels.join(", ")
    );
    print!("| threshold | recall strong | recall any | precision strong |");
    for l in labels {
        print!(" {l}: strong / any |");
    }
    println!();
    print!("|---|---|---|---|");
    for _ in labels {
        print!("---|");
    }
    println!();
    for r in rows.iter().filter(|r| {
        let h = (r.t * 100.0).round() as u32;
        h.is_multiple_of(2) || h == 85
    }) {
        print!(
            "| {:.2} | {:.2} % | {:.2} % | {:.2} % |",
            r.t,
            r.recall_strong * 100.0,
            r.recall_any * 100.0,
            r.precision * 100.0
        );
        for (s, a) in &r.clean {
            print!(" {:.2} % / {:.2} % |", s * 100.0, a * 100.0);
        }
        println!();
    }
}

/// Two panels sharing the threshold axis: recall and precision (80–100 %), and the
/// share of each clean set flagged (0–10 %), with the default thresholds marked.
fn plot(rows: &[Row], labels: &[&str]) -> String {
    const W: f64 = 760.0;
    const LEFT: f64 = 60.0;
    const RIGHT: f64 = 230.0;
    const PANEL: f64 = 230.0;
    const GAP: f64 = 70.0;
    const TOP: f64 = 40.0;
    let h = TOP + PANEL + GAP + PANEL + 50.0;
    let x = |t: f64| LEFT + (t - 0.80) / 0.20 * (W - LEFT - RIGHT);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{h}" viewBox="0 0 {W} {h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{LEFT}" y="22" font-size="14" font-weight="bold">party-screening: recall, precision and clean names flagged by threshold</text>"#
    );
    let colours = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    ];
    // (panel top, y range low, high, title, series)
    type Series<'a> = (String, &'a str, bool, Vec<(f64, f64)>);
    let mut panels: Vec<(f64, f64, f64, &str, Vec<Series>)> = Vec::new();
    panels.push((
        TOP,
        80.0,
        100.0,
        "listed names found (%)",
        vec![
            (
                "recall, strong".to_owned(),
                colours[0],
                false,
                rows.iter()
                    .map(|r| (r.t, r.recall_strong * 100.0))
                    .collect(),
            ),
            (
                "recall, any match".to_owned(),
                colours[0],
                true,
                rows.iter().map(|r| (r.t, r.recall_any * 100.0)).collect(),
            ),
            (
                "precision, strong".to_owned(),
                colours[3],
                false,
                rows.iter().map(|r| (r.t, r.precision * 100.0)).collect(),
            ),
        ],
    ));
    let mut clean: Vec<Series> = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        let colour = colours[(i + 1) % colours.len()];
        clean.push((
            format!("{label}, strong"),
            colour,
            false,
            rows.iter().map(|r| (r.t, r.clean[i].0 * 100.0)).collect(),
        ));
        clean.push((
            format!("{label}, any match"),
            colour,
            true,
            rows.iter().map(|r| (r.t, r.clean[i].1 * 100.0)).collect(),
        ));
    }
    panels.push((
        TOP + PANEL + GAP,
        0.0,
        10.0,
        "clean names flagged (%)",
        clean,
    ));
    for (top, low, high, title, series) in &panels {
        let y = |v: f64| top + PANEL - (v.clamp(*low, *high) - low) / (high - low) * PANEL;
        let _ = writeln!(
            s,
            r##"<rect x="{LEFT}" y="{top}" width="{}" height="{PANEL}" fill="none" stroke="#888"/>"##,
            W - LEFT - RIGHT
        );
        let _ = writeln!(
            s,
            r#"<text x="{LEFT}" y="{}" font-weight="bold">{title}</text>"#,
            top - 6.0
        );
        for i in 0..=4 {
            let v = low + (high - low) * f64::from(i) / 4.0;
            let _ = writeln!(
                s,
                r##"<line x1="{LEFT}" x2="{}" y1="{:.1}" y2="{:.1}" stroke="#eee"/><text x="{}" y="{:.1}" text-anchor="end">{v:.1}</text>"##,
                W - RIGHT,
                y(v),
                y(v),
                LEFT - 6.0,
                y(v) + 4.0
            );
        }
        for i in 0..=10 {
            let t = 0.80 + 0.02 * f64::from(i);
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{t:.2}</text>"#,
                x(t),
                top + PANEL + 16.0
            );
        }
        for (t, label) in [(0.85, "weak 0.85"), (0.92, "strong 0.92")] {
            let _ = writeln!(
                s,
                r##"<line x1="{0:.1}" x2="{0:.1}" y1="{top}" y2="{1}" stroke="#555" stroke-dasharray="2,3"/><text x="{2:.1}" y="{3}" font-size="10">{label}</text>"##,
                x(t),
                top + PANEL,
                x(t) + 3.0,
                top + 12.0
            );
        }
        for (i, (label, colour, dashed, points)) in series.iter().enumerate() {
            let path: Vec<String> = points
                .iter()
                .map(|(t, v)| format!("{:.1},{:.1}", x(*t), y(*v)))
                .collect();
            let dash = if *dashed {
                r#" stroke-dasharray="6,4""#
            } else {
                ""
            };
            let _ = writeln!(
                s,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>"#,
                path.join(" ")
            );
            let ly = top + 14.0 + 18.0 * i as f64;
            let lx = W - RIGHT + 14.0;
            let _ = writeln!(
                s,
                r#"<line x1="{lx}" x2="{}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="2"{dash}/><text x="{}" y="{}">{label}</text>"#,
                lx + 24.0,
                lx + 30.0,
                ly + 4.0
            );
        }
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">threshold (score after the country adjustment)</text>"#,
        LEFT + (W - LEFT - RIGHT) / 2.0,
        h - 12.0
    );
    s.push_str("</svg>\n");
    s
}
