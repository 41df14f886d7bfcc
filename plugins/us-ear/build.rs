//! Generates the embedded EAR tables from the eCFR data in `policies/data/us_ear/`.
//!
//! The plugin never parses the lists at evaluation time. This script reads, once, at build
//! time:
//!
//! - `ccl_licence-requirements_2026-07-23.jsonl`: the Commerce Control List (15 CFR 774
//!   Supp. 1), one ECCN a line, with its reasons for control and licence-requirement rows;
//! - `country-chart_2026-07-23.json`: the Commerce Country Chart (15 CFR 738 Supp. 1);
//! - `country-groups_2026-07-23.json`: the Country Groups (15 CFR 740 Supp. 1);
//! - `country_names_iso3166.csv`: the EAR's country names mapped to ISO 3166-1 alpha-2;
//!
//! and writes `ccl_table.rs`, `chart_table.rs` and `groups_table.rs` into `OUT_DIR`. Each
//! licence-requirement row of an ECCN becomes a `Control`: its reason, the paragraphs it
//! covers (parsed from the row's "… applies to …" text; anything the parser cannot read
//! exactly becomes `Scope::Conditional` and keeps its text, except that paragraphs an
//! exception list names outright are kept as `Scope::ExceptAndMore`, and a row every clause
//! of which names paragraphs of the entry is kept as `Scope::Within` them) and where it applies (a
//! Country Chart column, or a destination list the ECCN states itself). Data that does not
//! fit the expected shape fails the build with the file and the reason.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The data directory, relative to this crate's manifest directory.
const DATA: &str = "../../policies/data/us_ear";
const CCL: &str = "ccl_licence-requirements_2026-07-23.jsonl";
const CHART: &str = "country-chart_2026-07-23.json";
const GROUPS: &str = "country-groups_2026-07-23.json";
const NAMES: &str = "country_names_iso3166.csv";

/// The eCFR issue every file must come from.
const ISSUE: &str = "2026-07-23";

/// The Country Chart columns, in the order of the source table (and of `Column` in
/// `src/ccl.rs`).
const COLUMNS: [&str; 16] = [
    "CB 1", "CB 2", "CB 3", "NP 1", "NP 2", "NS 1", "NS 2", "MT 1", "RS 1", "RS 2", "FC 1", "CC 1",
    "CC 2", "CC 3", "AT 1", "AT 2",
];

/// Reason codes as the CCL writes them, with the `Reason` variant of `src/ccl.rs`.
const REASONS: [(&str, &str); 13] = [
    ("NS", "Ns"),
    ("NP", "Np"),
    ("MT", "Mt"),
    ("RS", "Rs"),
    ("CB", "Cb"),
    ("CC", "Cc"),
    ("AT", "At"),
    ("FC", "Fc"),
    ("UN", "Un"),
    ("EI", "Ei"),
    ("SL", "Sl"),
    ("CW", "Cw"),
    ("SI", "Si"),
];

/// The Country Groups the policy uses (15 CFR 740 Supp. 1), with their constant names.
const GROUPS_USED: [(&str, &str); 7] = [
    ("A:5", "A5"),
    ("A:6", "A6"),
    ("D:1", "D1"),
    ("D:4", "D4"),
    ("D:5", "D5"),
    ("E:1", "E1"),
    ("E:2", "E2"),
];

fn main() -> Result<(), Box<dyn Error>> {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join(DATA);
    for file in [CCL, CHART, GROUPS, NAMES] {
        println!("cargo:rerun-if-changed={DATA}/{file}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var("OUT_DIR")?);

    let names = Names::load(&dir.join(NAMES))?;
    let chart = read_json(&dir.join(CHART))?;
    let groups = read_json(&dir.join(GROUPS))?;
    let ccl = read_text(&dir.join(CCL))?;

    let chart_rs = chart_table(&chart, &names).map_err(|e| format!("`{CHART}`: {e}"))?;
    write(&out.join("chart_table.rs"), &chart_rs)?;
    let groups_rs = groups_table(&groups, &names).map_err(|e| format!("`{GROUPS}`: {e}"))?;
    write(&out.join("groups_table.rs"), &groups_rs)?;
    let all_destinations =
        all_destination_entries(&chart).map_err(|e| format!("`{CHART}`: {e}"))?;
    let ccl_rs = ccl_table(&ccl, &all_destinations).map_err(|e| format!("`{CCL}`: {e}"))?;
    write(&out.join("ccl_table.rs"), &ccl_rs)?;
    Ok(())
}

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = read_text(path)?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("`{}`: not JSON: {e}", path.display()))?;
    if value["ecfrIssueDate"] != ISSUE {
        return Err(format!(
            "`{}`: expected eCFR issue {ISSUE}, found {}",
            path.display(),
            value["ecfrIssueDate"]
        ));
    }
    Ok(value)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

/// EAR country names → ISO 3166-1 alpha-2 codes.
struct Names(BTreeMap<String, String>);

impl Names {
    fn load(path: &Path) -> Result<Names, String> {
        let text = read_text(path)?;
        let mut map = BTreeMap::new();
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, "ear_name,alpha2")) => {}
            _ => {
                return Err(format!(
                    "`{NAMES}`: line 1: expected header `ear_name,alpha2`"
                ));
            }
        }
        for (i, line) in lines {
            let n = i + 1;
            if line.trim().is_empty() {
                continue;
            }
            let Some((name, code)) = line.rsplit_once(',') else {
                return Err(format!("`{NAMES}`: line {n}: expected `name,alpha2`"));
            };
            let name = name.trim_matches('"');
            let assigned = code == "XK" || rust_iso3166::from_alpha2(code).is_some();
            if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) || !assigned {
                return Err(format!(
                    "`{NAMES}`: line {n}: `{code}` is not an assigned ISO 3166-1 alpha-2 code"
                ));
            }
            if map.insert(name.to_lowercase(), code.to_owned()).is_some() {
                return Err(format!("`{NAMES}`: line {n}: duplicate name `{name}`"));
            }
        }
        Ok(Names(map))
    }

    fn code(&self, name: &str) -> Result<&str, String> {
        self.0
            .get(&name.to_lowercase())
            .map(String::as_str)
            .ok_or_else(|| format!("country `{name}` has no ISO code in `{NAMES}`"))
    }
}

/// `Country::from_bytes(*b"CN")`.
fn country(code: &str) -> String {
    format!("Country::from_bytes(*b\"{code}\")")
}

// ---------------------------------------------------------------------------------------
// Country Chart

fn chart_table(chart: &Value, names: &Names) -> Result<String, String> {
    let columns: Vec<&str> = chart["columns"]
        .as_array()
        .ok_or("no `columns`")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if columns != COLUMNS {
        return Err(format!("columns changed: {columns:?}"));
    }
    let countries = chart["countries"].as_object().ok_or("no `countries`")?;
    if chart["countryCount"].as_u64() != Some(countries.len() as u64) {
        return Err("`countryCount` does not match `countries`".into());
    }

    let mut rows = BTreeMap::new();
    for (name, row) in countries {
        let code = names.code(name)?;
        let mut mask = 0u16;
        for mark in row["marks"].as_array().ok_or(format!("{name}: no marks"))? {
            let mark = mark.as_str().unwrap_or_default();
            let bit = COLUMNS
                .iter()
                .position(|c| *c == mark)
                .ok_or(format!("{name}: unknown column `{mark}`"))?;
            mask |= 1 << bit;
        }
        let footnotes: Vec<u64> = row["footnotes"]
            .as_array()
            .ok_or(format!("{name}: no footnotes"))?
            .iter()
            .map(|f| f.as_u64().ok_or(format!("{name}: bad footnote {f}")))
            .collect::<Result<_, _>>()?;
        if rows
            .insert(code.to_owned(), (name.clone(), mask, footnotes))
            .is_some()
        {
            return Err(format!("two rows for {code}"));
        }
    }

    let mut embargoed = BTreeMap::new();
    for (name, row) in chart["embargoed"].as_object().ok_or("no `embargoed`")? {
        let code = names.code(name)?;
        let pointer = row["pointer"]
            .as_str()
            .ok_or(format!("{name}: no pointer"))?;
        if rows.contains_key(code) {
            return Err(format!("{name} is both graded and embargoed"));
        }
        embargoed.insert(code.to_owned(), (name.clone(), pointer.to_owned()));
    }

    let mut inherited = BTreeMap::new();
    for (name, rule) in chart["territoryInheritance"]
        .as_object()
        .ok_or("no `territoryInheritance`")?
    {
        let code = names.code(name)?;
        let row = names.code(rule["row"].as_str().ok_or(format!("{name}: no row"))?)?;
        if !rows.contains_key(row) {
            return Err(format!("{name} inherits the row of {row}, which has none"));
        }
        inherited.insert(code.to_owned(), row.to_owned());
    }

    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "// Generated by build.rs from `policies/data/us_ear/{CHART}`; do not edit."
    );
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "/// The graded rows of the Commerce Country Chart (15 CFR 738 Supp. 1, eCFR {ISSUE}): {} destinations,",
        rows.len()
    );
    let _ = writeln!(
        w,
        "/// sorted by ISO code, each with its marked columns and its footnotes."
    );
    let _ = writeln!(w, "pub const ROWS: &[Row] = &[");
    for (code, (name, mask, footnotes)) in &rows {
        let _ = writeln!(
            w,
            "    Row {{ country: {}, name: {name:?}, marks: Columns({mask:#06x}), footnotes: &{footnotes:?} }},",
            country(code)
        );
    }
    let _ = writeln!(w, "];");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "/// The rows without marks that point to part 746 instead (Cuba, Iran, North Korea, Syria)."
    );
    let _ = writeln!(w, "pub const EMBARGOED: &[(Country, &str, &str)] = &[");
    for (code, (name, pointer)) in &embargoed {
        let _ = writeln!(w, "    ({}, {name:?}, {pointer:?}),", country(code));
    }
    let _ = writeln!(w, "];");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "/// Destinations without a row that the EAR itself places under another row (738.3(b))."
    );
    let _ = writeln!(w, "pub const INHERITED: &[(Country, Country)] = &[");
    for (code, row) in &inherited {
        let _ = writeln!(w, "    ({}, {}),", country(code), country(row));
    }
    let _ = writeln!(w, "];");
    Ok(out)
}

/// The ECCNs that the Country Chart's `allDestinationsEntries` (738.3(a)(1)) name as a whole
/// entry: a licence is required for every destination.
fn all_destination_entries(chart: &Value) -> Result<BTreeSet<String>, String> {
    let all = &chart["allDestinationsEntries"];
    let mut listed: Vec<&str> = Vec::new();
    for list in [&all["noLicenceExceptions"], &all["govOnly"]["entries"]] {
        for entry in list.as_array().ok_or("no `allDestinationsEntries` lists")? {
            listed.push(entry.as_str().ok_or("`allDestinationsEntries`: not text")?);
        }
    }
    // Entries given with a paragraph or a qualification ("5E001.a (for 5A001.f.1 …)") carry
    // their own SL row in the CCL; only bare ECCNs are added here.
    Ok(listed
        .into_iter()
        .filter(|e| is_eccn(e))
        .map(str::to_owned)
        .collect())
}

// ---------------------------------------------------------------------------------------
// Country Groups

fn groups_table(groups: &Value, names: &Names) -> Result<String, String> {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "// Generated by build.rs from `policies/data/us_ear/{GROUPS}`; do not edit."
    );
    for (group, constant) in GROUPS_USED {
        let members = groups["groups"][group]
            .as_array()
            .ok_or(format!("no group {group}"))?;
        let mut codes = BTreeSet::new();
        for m in members {
            let name = m.as_str().ok_or(format!("{group}: member not text"))?;
            codes.insert(names.code(name)?.to_owned());
        }
        let label = groups["labels"][group].as_str().unwrap_or_default();
        let _ = writeln!(w);
        let _ = writeln!(
            w,
            "/// Country Group {group} ({label}), 15 CFR 740 Supp. 1 (eCFR {ISSUE}): {} members.",
            codes.len()
        );
        let _ = writeln!(w, "pub const {constant}: CountrySet = CountrySet {{");
        let _ = writeln!(w, "    name: \"Country Group {group}\",");
        let _ = writeln!(
            w,
            "    source: \"15 CFR 740 Supp. 1, Country Group {group} ({label}), eCFR {ISSUE}\","
        );
        let list: Vec<String> = codes.iter().map(|c| country(c)).collect();
        let _ = writeln!(w, "    members: &[{}],", list.join(", "));
        let _ = writeln!(w, "}};");
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Commerce Control List

/// One licence-requirement row, parsed.
struct Control {
    reason: &'static str,
    scope: String,
    target: String,
    text: String,
    cite: String,
}

fn ccl_table(text: &str, all_destinations: &BTreeSet<String>) -> Result<String, String> {
    let mut entries: BTreeMap<String, String> = BTreeMap::new();
    let mut stats: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let entry: Value =
            serde_json::from_str(line).map_err(|e| format!("line {n}: not JSON: {e}"))?;
        let eccn = entry["eccn"]
            .as_str()
            .filter(|e| is_eccn(e))
            .ok_or(format!("line {n}: no valid `eccn`"))?;
        let heading = entry["heading"].as_str().unwrap_or_default();
        let reason_for_control = entry["reasonForControl"].as_str().unwrap_or_default();
        let rows = entry["countryChart"]
            .as_array()
            .ok_or(format!("line {n}: {eccn}: no `countryChart`"))?;

        let mut controls = Vec::new();
        for row in rows {
            let control = row["control"].as_str().unwrap_or_default();
            let chart = row["countryChart"].as_str().unwrap_or_default();
            let empty_cell = row["requirementCellEmptyInSource"] == true;
            for (control, chart) in split_merged(control, chart) {
                let parsed = parse_control(eccn, &control, &chart, empty_cell)
                    .map_err(|e| format!("line {n}: {eccn}: {e}"))?;
                *stats.entry(scope_kind(&parsed.scope)).or_default() += 1;
                controls.push(parsed);
            }
        }

        let kind = if !rows.is_empty() {
            "Listed"
        } else if all_destinations.contains(eccn) {
            // 738.3(a)(1): a licence for every destination; the CCL row is absent in the
            // source, so the requirement comes from the Country Chart's own list.
            let reason = reason_codes(reason_for_control)
                .into_iter()
                .find(|r| *r != "At")
                .ok_or(format!(
                    "line {n}: {eccn}: no reason for the all-destinations control"
                ))?;
            controls.push(Control {
                reason,
                scope: "Scope::Entire".into(),
                target: "Target::AllDestinations".into(),
                text: String::new(),
                cite: "§ 738.3(a)(1)".into(),
            });
            "Listed"
        } else if heading.contains("subject to the ITAR") {
            "Itar"
        } else if reason_for_control.trim() == "SS" {
            "ShortSupply"
        } else {
            "NoRows"
        };

        let rowed: BTreeSet<&str> = controls.iter().map(|c| c.reason).collect();
        let unrowed: Vec<&str> = reason_codes(reason_for_control)
            .into_iter()
            .filter(|r| !rowed.contains(r))
            .collect();

        let mut rs = String::new();
        let _ = write!(
            rs,
            "    Entry {{ eccn: {eccn:?}, key: {}, kind: EntryKind::{kind}, unrowed: &[{}], controls: &[",
            entry_key(eccn),
            unrowed
                .iter()
                .map(|r| format!("Reason::{r}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for c in &controls {
            let _ = write!(
                rs,
                "\n        Control {{ reason: Reason::{}, scope: {}, target: {}, text: {:?}, cite: {:?} }},",
                c.reason, c.scope, c.target, c.text, c.cite
            );
        }
        rs.push_str(if controls.is_empty() {
            "] },\n"
        } else {
            "\n    ] },\n"
        });
        if entries.insert(eccn.to_owned(), rs).is_some() {
            return Err(format!("line {n}: duplicate ECCN {eccn}"));
        }
    }
    if entries.len() < 600 {
        return Err(format!(
            "only {} ECCNs; expected the full CCL",
            entries.len()
        ));
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated by build.rs from `policies/data/us_ear/{CCL}`; do not edit."
    );
    let _ = writeln!(out, "// Scopes parsed: {stats:?}");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "/// The Commerce Control List (15 CFR 774 Supp. 1, eCFR {ISSUE}): {} ECCNs, sorted, each with",
        entries.len()
    );
    let _ = writeln!(
        out,
        "/// the licence-requirement rows of its \"Reason for Control\" table."
    );
    let _ = writeln!(out, "pub const CCL: &[Entry] = &[");
    for rs in entries.values() {
        out.push_str(rs);
    }
    let _ = writeln!(out, "];");
    Ok(out)
}

fn scope_kind(scope: &str) -> &'static str {
    if scope.starts_with("Scope::Entire") {
        "entire"
    } else if scope.starts_with("Scope::Only") {
        "only"
    } else if scope.starts_with("Scope::ExceptAndMore") {
        "except-and-more"
    } else if scope.starts_with("Scope::Within") {
        "within"
    } else if scope.starts_with("Scope::Except") {
        "except"
    } else {
        "conditional"
    }
}

/// The numeric key of an ECCN for fast lookup: category, product group (A = 0 … E = 4) and
/// number packed as `category << 16 | group << 10 | number`; orders like the ECCN text.
/// `src/ccl.rs` computes the same from a parsed code.
fn entry_key(eccn: &str) -> u32 {
    let b = eccn.as_bytes();
    let category = u32::from(b[0] - b'0');
    let group = u32::from(b[1] - b'A');
    let number = b[2..]
        .iter()
        .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    (category << 16) | (group << 10) | number
}

/// Whether `s` is a bare ECCN: digit, product group A–E, three digits.
fn is_eccn(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[0].is_ascii_digit()
        && (b'A'..=b'E').contains(&b[1])
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// The reason codes named in a "Reason for Control" cell such as `NS, MT NP, AT` or `CC 1`.
fn reason_codes(text: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        if let Some((_, variant)) = REASONS.iter().find(|(code, _)| *code == word)
            && !found.contains(variant)
        {
            found.push(*variant);
        }
    }
    found
}

/// Splits a row that the source merged from two (`NP applies to entire entry AT applies to
/// entire entry` / `NP Column 1 AT Column 1`) into its parts; other rows pass unchanged.
fn split_merged(control: &str, chart: &str) -> Vec<(String, String)> {
    let starts = |text: &str, marker: &str| -> Vec<usize> {
        let mut at = Vec::new();
        for (code, _) in REASONS {
            let needle = format!(" {code} {marker}");
            let mut from = 0;
            while let Some(i) = text[from..].find(&needle) {
                at.push(from + i + 1);
                from += i + needle.len();
            }
        }
        at.sort_unstable();
        at
    };
    let split = |text: &str, at: &[usize]| -> Vec<String> {
        let mut parts = Vec::new();
        let mut from = 0;
        for &i in at {
            parts.push(text[from..i].trim().to_owned());
            from = i;
        }
        parts.push(text[from..].trim().to_owned());
        parts
    };
    let control_at = starts(control, "applies");
    let chart_at = starts(chart, "Column");
    if !control_at.is_empty() && control_at.len() == chart_at.len() && control != chart {
        split(control, &control_at)
            .into_iter()
            .zip(split(chart, &chart_at))
            .collect()
    } else {
        vec![(control.to_owned(), chart.to_owned())]
    }
}

fn parse_control(
    eccn: &str,
    control: &str,
    chart: &str,
    empty_cell: bool,
) -> Result<Control, String> {
    let control = control.trim();
    let reason = if control.starts_with("Russian industry sector") {
        "Ris"
    } else {
        let word = control.split_whitespace().next().unwrap_or_default();
        REASONS
            .iter()
            .find(|(code, _)| *code == word)
            .map(|(_, variant)| *variant)
            .ok_or(format!("unknown reason in `{control}`"))?
    };
    let code = REASONS
        .iter()
        .find(|(_, v)| *v == reason)
        .map_or("", |(c, _)| *c);

    // A single-cell row repeats the column at the end of the control text; drop it there.
    let mut control_text = control.to_owned();
    if let Some(i) = find_column(control).map(|(i, _, _)| i)
        && i > 0
    {
        control_text = control[..i].trim().to_owned();
    }
    let scope = parse_scope(eccn, &control_text);
    let conditional = scope == "Scope::Conditional"
        || scope.starts_with("Scope::ExceptAndMore")
        || scope.starts_with("Scope::Within");

    let (target, cite) = if empty_cell {
        ("Target::Referred".to_owned(), String::new())
    } else {
        parse_target(code, reason, chart)?
    };
    Ok(Control {
        reason,
        scope,
        target,
        text: if conditional {
            control_text
        } else {
            String::new()
        },
        cite,
    })
}

/// Finds `XX Column n` in `text`: (byte offset, reason code, column number).
fn find_column(text: &str) -> Option<(usize, &'static str, char)> {
    REASONS
        .iter()
        .filter_map(|(code, _)| {
            let needle = format!("{code} Column ");
            text.find(&needle).and_then(|i| {
                text[i + needle.len()..]
                    .chars()
                    .next()
                    .filter(char::is_ascii_digit)
                    .map(|n| (i, *code, n))
            })
        })
        .min_by_key(|(i, _, _)| *i)
}

fn column_variant(code: &str, n: char) -> Result<String, String> {
    if code.len() != 2 {
        return Err(format!("`Column {n}` without a reason"));
    }
    let name = format!("{code} {n}");
    if COLUMNS.contains(&name.as_str()) {
        let mut variant = String::new();
        variant.push_str(&code[..1]);
        variant.push_str(&code[1..].to_lowercase());
        variant.push(n);
        Ok(format!("Target::Column(Column::{variant})"))
    } else {
        Err(format!("no Country Chart column `{name}`"))
    }
}

fn parse_target(code: &str, reason: &str, chart: &str) -> Result<(String, String), String> {
    let t = chart.trim();
    let cite = citation(t);
    if let Some((_, col_code, n)) = find_column(t) {
        return Ok((column_variant(col_code, n)?, String::new()));
    }
    if let Some(rest) = t.strip_prefix("Column ")
        && let Some(n) = rest.chars().next().filter(char::is_ascii_digit)
    {
        return Ok((column_variant(code, n)?, String::new()));
    }
    let target = if t.contains("any destination worldwide") || t.starts_with("Worldwide control") {
        "Target::Worldwide"
    } else if t.starts_with("To or within Macau or a destination specified in Country Group D:5") {
        "Target::MacauOrD5"
    } else if t.starts_with(
        "To or within the United Arab Emirates or destinations specified in Country Groups D:1, D:4, and D:5",
    ) && t.contains("excluding any destination also specified in Country Groups A:5 or A:6")
    {
        "Target::UaeOrD1D4D5NotA5A6"
    } else if t.starts_with("China, Russia") && t.contains("Venezuela") {
        "Target::ChinaRussiaVenezuela"
    } else if t.contains("ALL destinations, except Canada") {
        "Target::AllExceptCanada"
    } else if t.contains("required for all destinations") {
        "Target::AllDestinations"
    } else if t.contains("North Korea") && t.contains("anti-terrorism") {
        "Target::Countries(&[Country::from_bytes(*b\"KP\")])"
    } else if t.contains("Iraq or Pakistan") {
        "Target::Countries(&[Country::from_bytes(*b\"IQ\"), Country::from_bytes(*b\"PK\")])"
    } else if t.contains("to Iraq") {
        "Target::Countries(&[Country::from_bytes(*b\"IQ\")])"
    } else if t.contains("to Pakistan") {
        "Target::Countries(&[Country::from_bytes(*b\"PK\")])"
    } else if t.contains("§ 746.8") {
        "Target::RussiaBelarus"
    } else if reason == "Un" && t.contains("UN controls") {
        "Target::UnSanctions"
    } else {
        "Target::Referred"
    };
    let cite = if cite.is_empty() && target == "Target::Referred" {
        // Keep what the source says when it cites no section (e.g. `N/A.`).
        t.chars().take(120).collect()
    } else {
        cite
    };
    Ok((target.to_owned(), cite))
}

/// The section references in a licence-requirement cell, e.g. `§ 742.6(a)(6)(iii)(B)` or
/// `§§ 742.6 and 746.3`.
fn citation(text: &str) -> String {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('§') {
        let after = &rest[i..];
        let mut words = after.split_whitespace();
        let mut cite = words.next().unwrap_or_default().to_owned();
        for word in words {
            let mut trimmed = word.trim_end_matches([',', '.', ';']);
            // "(see § 742.6(a)(7))": drop the parenthesis that closes the sentence.
            while trimmed.matches(')').count() > trimmed.matches('(').count() {
                trimmed = &trimmed[..trimmed.len() - 1];
            }
            let section = trimmed.len() >= 5
                && trimmed.as_bytes()[..3].iter().all(u8::is_ascii_digit)
                && trimmed.as_bytes()[3] == b'.';
            let continues_paragraph = trimmed.starts_with('(') && cite.ends_with(" and");
            if section || continues_paragraph {
                cite.push(' ');
                cite.push_str(trimmed);
                if word.ends_with('.') {
                    break;
                }
            } else if trimmed == "and" && cite.contains(' ') {
                cite.push_str(" and");
            } else {
                break;
            }
        }
        let cite = cite.trim_end_matches(" and").to_owned();
        if cite.contains(' ') && !found.contains(&cite) {
            found.push(cite);
        }
        rest = &after['§'.len_utf8()..];
        while rest.starts_with('§') {
            rest = &rest['§'.len_utf8()..];
        }
    }
    found.join("; ")
}

// ---------------------------------------------------------------------------------------
// Paragraph scopes

/// Parses the "… applies to …" text of a row into `Scope::Entire`, `Scope::Only(…)` or
/// `Scope::Except(…)`, or `Scope::Conditional` for anything not an exact paragraph list.
fn parse_scope(eccn: &str, control: &str) -> String {
    const CONDITIONAL: &str = "Scope::Conditional";
    let mut words = control.splitn(2, ' ');
    let _reason = words.next();
    let mut rest = words.next().unwrap_or_default().trim();
    for lead in ["industry sector sanctions ", "industry sector sanction "] {
        if let Some(r) = rest.strip_prefix(lead) {
            rest = r;
        }
    }
    let Some(r) = rest
        .strip_prefix("applies")
        .or_else(|| rest.strip_prefix("apply"))
    else {
        return CONDITIONAL.into();
    };
    let mut rest = r.trim();
    rest = rest.strip_prefix("to ").unwrap_or(rest).trim();
    let rest = rest.trim_end_matches('.').trim();
    let rest = rest.strip_suffix(" only").unwrap_or(rest);
    let rest = rest.strip_suffix(" of this entry").unwrap_or(rest);
    let rest = rest.strip_prefix("the ").unwrap_or(rest);

    if rest == "entire entry" {
        return "Scope::Entire".into();
    }
    if let Some(excepted) = rest.strip_prefix("entire entry") {
        let excepted = excepted.trim_start_matches(',').trim();
        let Some(list) = excepted.strip_prefix("except") else {
            return CONDITIONAL.into();
        };
        let list = list.trim_start_matches(':').trim();
        return match parse_list(eccn, list) {
            Some(paras) => format!("Scope::Except(&[{}])", paras.join(", ")),
            // "except: 9A610.b; parts and components … if …; and 9A610.y": the paragraphs
            // named outright are excepted for certain, the rest only as the text says.
            None => match parse_list_partial(eccn, list) {
                Some(paras) => format!("Scope::ExceptAndMore(&[{}])", paras.join(", ")),
                None => CONDITIONAL.into(),
            },
        };
    }
    let mut list = rest;
    for lead in [
        "items controlled by ",
        "items controlled in ",
        "“software” controlled by ",
        "paragraphs ",
        "paragraph ",
    ] {
        if let Some(l) = list.strip_prefix(lead) {
            list = l;
        }
    }
    match parse_list(eccn, list) {
        Some(paras) => format!("Scope::Only(&[{}])", paras.join(", ")),
        None => match parse_within(eccn, rest) {
            Some(paras) => format!("Scope::Within(&[{}])", paras.join(", ")),
            None => CONDITIONAL.into(),
        },
    }
}

/// For a row whose coverage is not an exact list: the paragraphs of `eccn` it is confined
/// to, when every clause of its text names one of them ("MMIC amplifiers in 3A001.b.2 and
/// discrete microwave transistors in 3A001.b.3, except … for civil telecommunications";
/// "3A001.a.1.a when usable in missiles; and to 3A001.a.5.a when …; and 3A001.z.2"). The
/// row's condition still decides inside them, but a line outside them is not covered.
///
/// `None` when a clause names no paragraph of the entry ("spin-forming machines …; and
/// flow-forming machines that meet the parameters of 2B009.a"), or the text speaks of the
/// whole entry. Every word that could be a paragraph reference (`b.3`, `.c`, a lone
/// letter) is taken into the set, so the set can only be too wide, never too narrow.
fn parse_within(eccn: &str, body: &str) -> Option<Vec<String>> {
    let lower = body.to_ascii_lowercase();
    if lower.contains("entire entry") || lower.contains("this entry") {
        return None;
    }
    let mentions = |clause: &str| {
        clause.match_indices(eccn).any(|(i, _)| {
            clause[i + eccn.len()..]
                .trim_start()
                .strip_prefix('.')
                .is_some_and(|rest| {
                    rest.trim_start()
                        .starts_with(|c: char| c.is_ascii_lowercase())
                })
        })
    };
    let clauses = split_words(body, &["; ", ". ", " AND ", " and to ", ", as well as "]);
    if !clauses.iter().all(|c| c.trim().is_empty() || mentions(c)) {
        return None;
    }
    let mut paths: Vec<String> = Vec::new();
    let mut add = |path: String| {
        if !paths.contains(&path) {
            paths.push(path);
        }
    };
    // "3A001.b.2" as one word, "3A001 .g" as two: join a code with a following paragraph.
    let text = body.replace(&format!("{eccn} ."), &format!("{eccn}."));
    // The last path seen, while the words after it may still continue its list.
    let mut previous: Option<(String, u8)> = None;
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')')) {
        let word = word.trim_end_matches('.');
        let bare = word.trim_start_matches('.');
        // A bare last component right after a path continues its list: ".16" after
        // "d.15 and" is "d.16"; ".b" after "a.1.a" may be "a.1.b" as well as "b". Both
        // readings are taken.
        let component = bare.len() == 1 && bare.bytes().all(|c| c.is_ascii_lowercase())
            || (1..=3).contains(&bare.len()) && bare.bytes().all(|c| c.is_ascii_digit());
        let sibling = previous.as_ref().filter(|_| component).and_then(|(p, _)| {
            let (parent, last) = p.rsplit_once('.')?;
            let digits = |t: &str| t.bytes().all(|c| c.is_ascii_digit());
            (digits(bare) == digits(last))
                .then(|| format!("{parent}.{}", bare.to_ascii_uppercase()))
        });
        if let Some(sibling) = sibling {
            add(sibling);
        }
        // Two-letter words ("in", "or", "to") are English, not paragraphs.
        let english = bare.len() == 2 && !bare.contains('.');
        match parse_path(eccn, word).filter(|_| !english) {
            Some(path) => {
                add(path.clone());
                previous = Some((path, 0));
            }
            // "and", "or" may stand between the items of a list; more words end it.
            None => {
                previous = previous
                    .filter(|(_, gap)| *gap < 1)
                    .map(|(p, gap)| (p, gap + 1));
            }
        }
    }
    let paras: Vec<String> = paths.iter().map(|p| format!("Para::At({p:?})")).collect();
    (!paras.is_empty()).then_some(paras)
}

/// Parses `0A505.a, .d, and .x`, `3B001.a.1 to a.3, b, e`, `.b (except .b.5), .c` into
/// `Para` expressions; `None` if any item is not a paragraph of `eccn`.
fn parse_list(eccn: &str, list: &str) -> Option<Vec<String>> {
    // Items are separated by commas, "and" and "or"; parenthesised exceptions stay with
    // their item.
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in list.chars() {
        match c {
            '(' => {
                depth += 1;
                current.push(c);
            }
            ')' => {
                depth = depth.checked_sub(1)?;
                current.push(c);
            }
            ',' | ';' if depth == 0 => items.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if depth != 0 {
        return None;
    }
    items.push(current);

    let mut paras = Vec::new();
    for item in items {
        for piece in split_words(&item, &[" and ", " or "]) {
            let mut piece = piece.trim();
            for lead in ["and ", "or ", "paragraphs ", "paragraph "] {
                piece = piece.strip_prefix(lead).unwrap_or(piece).trim();
            }
            if piece.is_empty() {
                continue;
            }
            paras.push(parse_item(eccn, piece)?);
        }
    }
    (!paras.is_empty()).then_some(paras)
}

/// The items of a list that are plain paragraphs of `eccn`, when some are and some are not
/// (the others are descriptions the code cannot read); `None` when none are.
fn parse_list_partial(eccn: &str, list: &str) -> Option<Vec<String>> {
    // Bare paragraphs after another entry's code (".a.11" in "software for 1C607.a.10,
    // .a.11") belong to that entry: give up rather than misread them as this one's.
    let other_entry = list
        .char_indices()
        .any(|(i, _)| list.get(i..i + 5).is_some_and(|w| is_eccn(w) && w != eccn));
    if other_entry {
        return None;
    }
    let mut paras = Vec::new();
    for item in split_words(list, &[",", ";"]) {
        for piece in split_words(&item, &[" and ", " or "]) {
            let mut piece = piece.trim();
            for lead in ["and ", "or "] {
                piece = piece.strip_prefix(lead).unwrap_or(piece).trim();
            }
            if let Some(p) = parse_path(eccn, piece) {
                paras.push(format!("Para::At({p:?})"));
            }
        }
    }
    (!paras.is_empty()).then_some(paras)
}

/// Splits on any of `separators` outside parentheses.
fn split_words(text: &str, separators: &[&str]) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut skip_to = 0;
    for (i, c) in text.char_indices() {
        if i < skip_to {
            continue;
        }
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0
            && let Some(sep) = separators.iter().find(|s| text[i..].starts_with(**s))
        {
            parts.push(text[start..i].to_owned());
            skip_to = i + sep.len();
            start = skip_to;
        }
    }
    parts.push(text[start..].to_owned());
    parts
}

/// One list item: a path, a range `a.1 to a.3` / `a.1 through a.8`, or `b (except .b.5)`.
fn parse_item(eccn: &str, item: &str) -> Option<String> {
    if let Some((head, tail)) = item.split_once('(') {
        let inner = tail.strip_suffix(')')?.trim();
        let excepted = inner.strip_prefix("except")?.trim();
        let path = parse_path(eccn, head.trim())?;
        let mut out = Vec::new();
        for e in split_words(excepted, &[",", " and ", " or "]) {
            let e = e.trim();
            if !e.is_empty() {
                out.push(format!("{:?}", parse_path(eccn, e)?));
            }
        }
        return Some(format!("Para::AtExcept({path:?}, &[{}])", out.join(", ")));
    }
    for sep in [" to ", " through "] {
        if let Some((from, to)) = item.split_once(sep) {
            let from = parse_path(eccn, from.trim())?;
            let to = parse_path(eccn, to.trim())?;
            let (fp, tp): (Vec<&str>, Vec<&str>) =
                (from.split('.').collect(), to.split('.').collect());
            let same_parent = fp.len() == tp.len() && fp[..fp.len() - 1] == tp[..tp.len() - 1];
            return same_parent.then(|| format!("Para::Range({from:?}, {to:?})"));
        }
    }
    parse_path(eccn, item).map(|p| format!("Para::At({p:?})"))
}

/// `0A505.a`, `.a`, `a`, `z.1.a`, `9A004 .g` → `A`, `A`, `A`, `Z.1.A`, `G`; `None` for
/// anything else, including paragraphs of another ECCN.
fn parse_path(eccn: &str, text: &str) -> Option<String> {
    let mut t = text.trim();
    if let Some(head) = t.get(..5)
        && is_eccn(head)
    {
        if head != eccn {
            return None;
        }
        t = t[5..].trim_start();
    }
    // "8A620. b": the source sometimes has a space after the dot.
    let t = t.strip_prefix('.').unwrap_or(t).trim_start();
    let parts: Vec<&str> = t.split('.').collect();
    let valid = parts.iter().enumerate().all(|(i, p)| {
        !p.is_empty()
            && (p.bytes().all(|b| b.is_ascii_lowercase()) && p.len() <= 2
                || i > 0 && p.bytes().all(|b| b.is_ascii_digit()))
    });
    valid.then(|| t.to_ascii_uppercase())
}
