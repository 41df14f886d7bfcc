//! The Commerce Control List (15 CFR 774 Supp. 1): each ECCN's licence-requirement rows
//! as `Control`s of `src/ccl.rs` — reason, paragraphs covered, where it applies, and the
//! section it cites.

use crate::chart::COLUMNS;
use crate::scope::parse_scope;
use crate::source::{CCL, ISSUE};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Reason codes as the CCL writes them, with the `Reason` variant of `src/ccl.rs`.
pub(crate) const REASONS: [(&str, &str); 13] = [
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

/// One licence-requirement row, parsed.
pub(crate) struct Control {
    /// The `Reason` variant (`Ns`, `Rs`, …).
    pub(crate) reason: &'static str,
    /// The `Scope` expression (`Scope::Entire`, `Scope::Only(&[…])`, …).
    pub(crate) scope: String,
    /// The `Target` expression (`Target::Column(Column::Ns1)`, …).
    pub(crate) target: String,
    /// The row's text, kept when the scope is not exact.
    pub(crate) text: String,
    /// The sections the row cites.
    pub(crate) cite: String,
}

pub(crate) fn ccl_table(text: &str, all_destinations: &BTreeSet<String>) -> Result<String, String> {
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

pub(crate) fn scope_kind(scope: &str) -> &'static str {
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
pub(crate) fn entry_key(eccn: &str) -> u32 {
    let b = eccn.as_bytes();
    let category = u32::from(b[0] - b'0');
    let group = u32::from(b[1] - b'A');
    let number = b[2..]
        .iter()
        .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    (category << 16) | (group << 10) | number
}

/// Whether `s` is a bare ECCN: digit, product group A–E, three digits.
pub(crate) fn is_eccn(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[0].is_ascii_digit()
        && (b'A'..=b'E').contains(&b[1])
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// The reason codes named in a "Reason for Control" cell such as `NS, MT NP, AT` or `CC 1`.
pub(crate) fn reason_codes(text: &str) -> Vec<&'static str> {
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
pub(crate) fn split_merged(control: &str, chart: &str) -> Vec<(String, String)> {
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

pub(crate) fn parse_control(
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
pub(crate) fn find_column(text: &str) -> Option<(usize, &'static str, char)> {
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

pub(crate) fn column_variant(code: &str, n: char) -> Result<String, String> {
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

pub(crate) fn parse_target(
    code: &str,
    reason: &str,
    chart: &str,
) -> Result<(String, String), String> {
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
pub(crate) fn citation(text: &str) -> String {
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
