//! The eCFR files the EAR tables are generated from, and reading them.

use serde_json::Value;
use std::path::Path;

/// The data directory, relative to this crate's manifest directory.
pub(crate) const DATA: &str = "../../policies/data/us_ear";
pub(crate) const CCL: &str = "ccl_licence-requirements_2026-07-23.jsonl";
pub(crate) const CHART: &str = "country-chart_2026-07-23.json";
pub(crate) const GROUPS: &str = "country-groups_2026-07-23.json";
pub(crate) const NAMES: &str = "country_names_iso3166.csv";

/// The eCFR issue every file must come from.
pub(crate) const ISSUE: &str = "2026-07-23";

pub(crate) fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))
}

pub(crate) fn read_json(path: &Path) -> Result<Value, String> {
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

pub(crate) fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}
