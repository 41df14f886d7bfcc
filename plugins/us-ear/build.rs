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
//!
//! The parser lives in `build/`, one module per source: `source.rs` (the files and their
//! issue), `names.rs` (country names), `chart.rs` (Country Chart and Groups), `ccl.rs`
//! (the CCL rows) and `scope.rs` (their paragraph scopes). `tests/tables.rs` compiles the
//! same files and tests them on excerpts of the data.

#[path = "build/ccl.rs"]
mod ccl;
#[path = "build/chart.rs"]
mod chart;
#[path = "build/names.rs"]
mod names;
#[path = "build/scope.rs"]
mod scope;
#[path = "build/source.rs"]
mod source;

use ccl::ccl_table;
use chart::{all_destination_entries, chart_table, groups_table};
use names::Names;
use source::{CCL, CHART, DATA, GROUPS, NAMES, read_json, read_text, write};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join(DATA);
    for file in [CCL, CHART, GROUPS, NAMES] {
        println!("cargo:rerun-if-changed={DATA}/{file}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
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
