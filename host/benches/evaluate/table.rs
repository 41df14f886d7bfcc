//! The output format of every table: a `## ` section heading, a header of
//! right-aligned columns, labelled rows, and how times, rates and ratios are
//! written. One place for it so every section prints alike and BENCHMARKS.md
//! can quote the output as it is.

use crate::timing::Stat;

/// Width of a row's label.
const LABEL: usize = 56;
/// Width of each column after the label.
const COLUMN: usize = 16;

/// A section heading.
pub fn section(title: &str) {
    println!("\n## {title}");
}

/// A header row: the column titles, right-aligned over the columns.
pub fn header(columns: &[&str]) {
    let cols: String = columns.iter().map(|c| format!("{c:>COLUMN$}")).collect();
    println!("  {:<LABEL$}{cols}", "");
}

/// A row: its label, then the columns.
pub fn row(label: &str, columns: &[String]) {
    let cols: String = columns.iter().map(|c| format!("{c:>COLUMN$}")).collect();
    let pad = LABEL.saturating_sub(label.chars().count());
    println!("  {label}{:pad$}{cols}", "");
}

/// Nanoseconds as microseconds, with about three significant digits.
pub fn us_f(ns: f64) -> String {
    let us = ns / 1e3;
    if us.abs() < 1.0 {
        format!("{us:.3}")
    } else if us.abs() < 10.0 {
        format!("{us:.2}")
    } else if us.abs() < 100.0 {
        format!("{us:.1}")
    } else {
        format!("{us:.0}")
    }
}

/// A median [min] in microseconds.
pub fn us(stat: Stat) -> String {
    format!("{} [{}]", us_f(stat.median), us_f(stat.min))
}

/// A median [min] in milliseconds.
pub fn ms(stat: Stat) -> String {
    format!("{:.1} ms [{:.1}]", stat.median / 1e6, stat.min / 1e6)
}

/// Items per second at the median time per item.
pub fn per_second(stat: Stat) -> String {
    format!("{:.0}", 1e9 / stat.median)
}

/// How many times `a` takes as long as `b`, at the medians.
pub fn ratio(a: Stat, b: Stat) -> String {
    format!("{:.1}×", a.median / b.median)
}

/// Columns of the tables that set a policy in wasm against its native build
/// (sections 4/5 and 6).
pub const COMPARISON: [&str; 6] = [
    "fresh",
    "reused",
    "native",
    "native+wire",
    "fresh/native",
    "reused/native",
];

/// A row under [`COMPARISON`]: wasm with fresh and reused instances, the native
/// rules alone and with the wire encoding, and the wasm/native ratios (against
/// the rules alone).
pub fn comparison_row(label: &str, fresh: Stat, reused: Stat, native: Stat, native_wire: Stat) {
    row(
        label,
        &[
            us(fresh),
            us(reused),
            us(native),
            us(native_wire),
            ratio(fresh, native),
            ratio(reused, native),
        ],
    );
}
