//! The metadata a plugin declares, checked at load.

use crate::bindings::exportctl::policy::types::PolicyMetadata as RawMetadata;
use exportctl_sdk::{Date, Period, Rule};
use serde::Serialize;

/// Longest text the host accepts in a metadata field.
const MAX_FIELD_BYTES: usize = 4096;

/// What a plugin says about itself, validated.
#[derive(Debug, Clone, Serialize)]
pub struct PluginMetadata {
    /// Kebab-case policy id.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Semantic version.
    pub version: semver::Version,
    /// Publisher.
    pub publisher: String,
    /// Jurisdiction whose law it encodes.
    pub jurisdiction: String,
    /// Summary of the legal basis.
    pub legal_basis: String,
    /// First day in force.
    #[serde(serialize_with = "crate::date_text::serialize")]
    pub valid_from: Date,
    /// Last day in force, if any.
    #[serde(serialize_with = "crate::date_text::serialize_opt")]
    pub valid_to: Option<Date>,
    /// Contract version the plugin was built for.
    pub contract_version: String,
    /// Embedded data sources with versions and dates.
    pub sources: Vec<String>,
    /// What the policy does not encode.
    pub limitations: Vec<String>,
}

impl PluginMetadata {
    /// Validates raw metadata; the error names the bad field.
    pub(crate) fn from_raw(raw: RawMetadata) -> Result<PluginMetadata, String> {
        if !Rule::is_valid_id(&raw.id) {
            return Err(format!(
                "id `{}` is not kebab-case (lower-case letters, digits and single hyphens)",
                raw.id
            ));
        }
        if raw.id == crate::verdict::HOST_POLICY {
            // The verdict attributes the host's own findings (`not-judged`) to it.
            return Err(format!(
                "id `{}` is reserved for the host's own findings",
                raw.id
            ));
        }
        let version = semver::Version::parse(&raw.version)
            .map_err(|e| format!("version `{}` is not a semantic version: {e}", raw.version))?;
        let date = |field: &str, text: &str| {
            Date::parse(text)
                .ok_or_else(|| format!("{field} `{text}` is not an ISO 8601 date (YYYY-MM-DD)"))
        };
        let valid_from = date("valid-from", &raw.valid_from)?;
        let valid_to = raw
            .valid_to
            .as_deref()
            .map(|t| date("valid-to", t))
            .transpose()?;
        if valid_to.is_some_and(|to| to < valid_from) {
            return Err(format!(
                "valid-to {} is before valid-from {valid_from}",
                raw.valid_to.unwrap_or_default()
            ));
        }
        if !super::CONTRACT_VERSIONS.contains(&raw.contract_version.as_str()) {
            return Err(format!(
                "built for contract version {}, this host implements {}",
                raw.contract_version,
                super::CONTRACT_VERSIONS.join(", ")
            ));
        }
        for (field, text) in [
            ("name", &raw.name),
            ("publisher", &raw.publisher),
            ("jurisdiction", &raw.jurisdiction),
            ("legal-basis", &raw.legal_basis),
        ] {
            if text.trim().is_empty() || text.len() > MAX_FIELD_BYTES {
                return Err(format!("{field} must be 1–{MAX_FIELD_BYTES} bytes of text"));
            }
        }
        if raw
            .sources
            .iter()
            .chain(&raw.limitations)
            .any(|t| t.len() > MAX_FIELD_BYTES)
            || raw.sources.len() + raw.limitations.len() > 256
        {
            return Err("sources/limitations are too long".to_owned());
        }
        Ok(PluginMetadata {
            id: raw.id,
            name: raw.name,
            version,
            publisher: raw.publisher,
            jurisdiction: raw.jurisdiction,
            legal_basis: raw.legal_basis,
            valid_from,
            valid_to,
            contract_version: raw.contract_version,
            sources: raw.sources,
            limitations: raw.limitations,
        })
    }

    /// The days the policy's rules are in force.
    pub fn in_force(&self) -> Period {
        Period {
            from: self.valid_from,
            until: self.valid_to,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use exportctl_sdk::CONTRACT_VERSION;

    fn raw(id: &str) -> RawMetadata {
        RawMetadata {
            id: id.to_owned(),
            name: "n".to_owned(),
            version: "1.0.0".to_owned(),
            publisher: "p".to_owned(),
            jurisdiction: "EU".to_owned(),
            legal_basis: "Law 1".to_owned(),
            valid_from: "2024-01-01".to_owned(),
            valid_to: None,
            contract_version: CONTRACT_VERSION.to_owned(),
            sources: vec![],
            limitations: vec![],
        }
    }

    #[test]
    fn the_host_policy_id_is_reserved() {
        let err = PluginMetadata::from_raw(raw("exportctl"))
            .err()
            .unwrap_or_default();
        assert!(err.contains("reserved for the host"), "{err}");
        assert!(PluginMetadata::from_raw(raw("exportctl-rules")).is_ok());
    }
}
