//! The policy's settings, from the `settings` table of its policy-set entry.

pub use crate::red_flags::DEFAULT_FORWARDER_WORDS;
use crate::red_flags::RedFlagKind;
use exportctl_sdk::settings::Problems;
use serde::Deserialize;

/// Settings of the `chpl-diversion` policy. Every field is optional; unknown fields are
/// reported.
///
/// ```toml
/// [settings]
/// # Deny a CHPL shipment to a transshipment-risk country once it shows 3 red flags.
/// # Default: never (the finding stays `review` and a person decides).
/// deny_at_red_flags = 3
/// # Words that mark an end user's name as a freight forwarder's (default below).
/// forwarder_name_words = ["logisti", "forwarding", "forwarder", "freight", "cargo"]
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Raise the `chpl-transshipment-risk` finding from `review` to `deny` when the shipment
    /// shows at least this many different red flags (1 to 5). Absent (the default): the
    /// finding stays `review` however many flags there are, because the red flags are
    /// indicators for a person to weigh, not prohibitions.
    pub deny_at_red_flags: Option<u32>,
    /// Name words (lower-case prefixes of a word of the name) that mark the end user's name
    /// as a freight forwarder's, e.g. `logisti` matches "Logistics", "Logistik",
    /// "Logistika". Default: [`DEFAULT_FORWARDER_WORDS`].
    pub forwarder_name_words: Vec<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            deny_at_red_flags: None,
            forwarder_name_words: DEFAULT_FORWARDER_WORDS
                .iter()
                .map(|w| (*w).to_owned())
                .collect(),
        }
    }
}

impl Settings {
    /// Checks every setting and reports all problems at once, joined by `; `.
    pub fn validate(&self) -> Result<(), String> {
        let mut problems = Problems::new();
        let kinds = RedFlagKind::ALL.len();
        if let Some(n) = self.deny_at_red_flags {
            if n == 0 {
                problems.push(
                    "`deny_at_red_flags` must be at least 1: 0 would deny every CHPL shipment to a transshipment-risk country",
                );
            } else if n as usize > kinds {
                problems.push(format!(
                    "`deny_at_red_flags` is {n}, but there are only {kinds} kinds of red flag, so it could never apply"
                ));
            }
        }
        for word in &self.forwarder_name_words {
            if word.is_empty() || !word.chars().all(|c| c.is_lowercase() || c.is_ascii_digit()) {
                problems.push(format!(
                    "`forwarder_name_words` entry `{word}` must be a non-empty lower-case word without spaces or punctuation"
                ));
            }
        }
        problems.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChplDiversion;
    use exportctl_sdk::configure;

    fn error(json: &str) -> String {
        configure::<ChplDiversion>(json).err().unwrap_or_default()
    }

    #[test]
    fn defaults_keep_transshipment_findings_at_review() {
        let s = Settings::default();
        assert_eq!(s.deny_at_red_flags, None);
        assert_eq!(s.forwarder_name_words.len(), DEFAULT_FORWARDER_WORDS.len());
        assert!(s.validate().is_ok());
        assert!(configure::<ChplDiversion>("{}").is_ok());
    }

    #[test]
    fn accepts_a_threshold_between_one_and_the_number_of_flag_kinds() {
        for n in 1..=RedFlagKind::ALL.len() {
            assert!(
                configure::<ChplDiversion>(&format!(r#"{{"deny_at_red_flags": {n}}}"#)).is_ok(),
                "{n}"
            );
        }
    }

    #[test]
    fn rejects_a_threshold_of_zero_or_above_the_flag_kinds() {
        assert!(error(r#"{"deny_at_red_flags": 0}"#).contains("at least 1"));
        assert!(error(r#"{"deny_at_red_flags": 6}"#).contains("only 5 kinds"));
        assert!(error(r#"{"deny_at_red_flags": -1}"#).starts_with("invalid settings"));
    }

    #[test]
    fn reports_every_problem_at_once() {
        let e = error(
            r#"{"deny_at_red_flags": 0, "forwarder_name_words": ["cargo", "Big Freight", ""]}"#,
        );
        assert!(e.contains("at least 1"), "{e}");
        assert!(e.contains("`Big Freight`"), "{e}");
        assert!(e.contains("entry ``"), "{e}");
        assert_eq!(e.matches("; ").count(), 2, "{e}");
    }

    #[test]
    fn rejects_unknown_fields() {
        assert!(error(r#"{"deny_at_redflags": 2}"#).contains("unknown field `deny_at_redflags`"));
    }

    #[test]
    fn an_empty_word_list_disables_name_matching() {
        let s: Settings = serde_json::from_str(r#"{"forwarder_name_words": []}"#).unwrap();
        assert!(s.validate().is_ok());
        assert!(s.forwarder_name_words.is_empty());
    }
}
