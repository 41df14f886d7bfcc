//! The policy's settings, from the `settings` table of its policy-set entry.

use crate::lists::List;
use exportctl_sdk::Outcome;
use exportctl_sdk::settings::Problems;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Settings of the `party-screening` policy. Every field is optional; unknown fields are
/// reported.
///
/// ```toml
/// [settings]
/// strong_threshold = 0.92          # score from which a match counts as the listed party
/// weak_threshold = 0.85            # score from which a match is a possible match (review)
/// lists = ["SDN", "EL", "DPL", "UVL", "MEU", "UN"]   # default: the twelve CSL lists and UN
/// country_match_bonus = 0.03       # added when the party's country is an address country of the entry
/// country_mismatch_penalty = 0.10  # subtracted when the entry has address countries but not the party's
/// screen_vessels_and_aircraft = false
/// apply_us_lists_without_us_nexus = false  # true: US-list outcomes even without a US link
/// remember_parties = true          # a reused sandbox screens a returning party once
/// [settings.list_outcomes]         # outcome of a strong match, per list
/// ISN = "licence_required"
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Score (0–1, after the country adjustment) from which a match is taken to be the
    /// listed party and gets its list's outcome. Default [`DEFAULT_STRONG`].
    pub strong_threshold: f64,
    /// Score from which a match is reported as a possible match (`review`); must not
    /// exceed `strong_threshold`. Default [`DEFAULT_WEAK`].
    pub weak_threshold: f64,
    /// Short codes of the lists to screen against: the CSL lists `SDN`, `EL`, `DPL`,
    /// `DTC`, `SSI`, `UVL`, `ISN`, `PLC`, `MEU`, `CMIC`, `NS-MBS`, `CAP`, and `UN`.
    /// Default: all of them.
    pub lists: Vec<String>,
    /// Outcome of a strong match per list code, replacing the default of
    /// `lists.rs` (`review`, `licence_required` or `deny`).
    pub list_outcomes: BTreeMap<String, ListOutcome>,
    /// Added to the score when the party's country is one of the entry's address
    /// countries (0–0.2). Default [`DEFAULT_COUNTRY_BONUS`].
    pub country_match_bonus: f64,
    /// Subtracted from the score when the entry lists address countries and the party's
    /// is not among them (0–0.5). Default [`DEFAULT_COUNTRY_PENALTY`]: an exact name in
    /// another country falls from a strong to a possible match.
    pub country_mismatch_penalty: f64,
    /// Screen against the SDN list's vessels and aircraft too. Default `false`: parties
    /// are companies and people; a ship's name is not a party name, and the 1,868 vessel
    /// and aircraft names ("OCEAN STAR", "ORION") would match ordinary company names.
    pub screen_vessels_and_aircraft: bool,
    /// Give a US-list match its list's outcome even when US law does not reach the
    /// shipment (no US exporter, origin, content above de minimis, party or dollar
    /// price; see [`crate::reach`]), for a company that applies the US lists as its own
    /// policy. Default `false`: such a match is a risk finding, at most `review`.
    pub apply_us_lists_without_us_nexus: bool,
    /// Remember each party's matches within one instance, so a reused sandbox screens
    /// a returning party (the exporter on every shipment, regular customers) once
    /// ([`crate::memo`]). The findings are the same either way; `false` screens every
    /// party of every shipment, for measuring what screening an unseen party costs.
    /// Default `true`. A fresh sandbox remembers nothing whatever this says.
    pub remember_parties: bool,
}

/// The outcome a strong match on a list can be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListOutcome {
    /// A person must decide.
    Review,
    /// Lawful only with a licence.
    LicenceRequired,
    /// Prohibited.
    Deny,
}

impl From<ListOutcome> for Outcome {
    fn from(o: ListOutcome) -> Outcome {
        match o {
            ListOutcome::Review => Outcome::Review,
            ListOutcome::LicenceRequired => Outcome::LicenceRequired,
            ListOutcome::Deny => Outcome::Deny,
        }
    }
}

/// Default strong-match threshold.
pub const DEFAULT_STRONG: f64 = 0.92;
/// Default weak-match threshold.
pub const DEFAULT_WEAK: f64 = 0.85;
/// Default country-match bonus.
pub const DEFAULT_COUNTRY_BONUS: f64 = 0.03;
/// Default country-mismatch penalty.
pub const DEFAULT_COUNTRY_PENALTY: f64 = 0.10;

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            strong_threshold: DEFAULT_STRONG,
            weak_threshold: DEFAULT_WEAK,
            lists: List::ALL.iter().map(|l| l.code().to_owned()).collect(),
            list_outcomes: BTreeMap::new(),
            country_match_bonus: DEFAULT_COUNTRY_BONUS,
            country_mismatch_penalty: DEFAULT_COUNTRY_PENALTY,
            screen_vessels_and_aircraft: false,
            apply_us_lists_without_us_nexus: false,
            remember_parties: true,
        }
    }
}

impl Settings {
    /// Checks every setting and reports all problems at once, joined by `; `, each
    /// naming its setting.
    pub fn validate(&self) -> Result<(), String> {
        let mut problems = Problems::new();
        for (name, value, low, high) in [
            ("strong_threshold", self.strong_threshold, 0.5, 1.0),
            ("weak_threshold", self.weak_threshold, 0.5, 1.0),
            ("country_match_bonus", self.country_match_bonus, 0.0, 0.2),
            (
                "country_mismatch_penalty",
                self.country_mismatch_penalty,
                0.0,
                0.5,
            ),
        ] {
            if !(low..=high).contains(&value) {
                problems.push(format!(
                    "`{name}` is {value}, but must be between {low} and {high}"
                ));
            }
        }
        if self.weak_threshold > self.strong_threshold {
            problems.push(format!(
                "`weak_threshold` ({}) must not exceed `strong_threshold` ({})",
                self.weak_threshold, self.strong_threshold
            ));
        }
        let known = || {
            List::ALL
                .iter()
                .map(|l| l.code())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if self.lists.is_empty() {
            problems.push(format!(
                "`lists` is empty, so no party would be screened: name at least one of {}",
                known()
            ));
        }
        for (i, code) in self.lists.iter().enumerate() {
            if List::from_code(code).is_none() {
                problems.push(format!(
                    "`lists` entry `{code}` is not a screened list (one of {})",
                    known()
                ));
            } else if self.lists[..i].contains(code) {
                problems.push(format!("`lists` names `{code}` twice"));
            }
        }
        for code in self.list_outcomes.keys() {
            if List::from_code(code).is_none() {
                problems.push(format!(
                    "`list_outcomes` key `{code}` is not a screened list (one of {})",
                    known()
                ));
            } else if !self.lists.contains(code) {
                problems.push(format!(
                    "`list_outcomes` sets `{code}`, which `lists` does not screen"
                ));
            }
        }
        problems.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PartyScreening;
    use exportctl_sdk::configure;

    fn error(json: &str) -> String {
        configure::<PartyScreening>(json).err().unwrap_or_default()
    }

    #[test]
    fn defaults_screen_every_list() {
        let s = Settings::default();
        assert_eq!(s.lists.len(), 13);
        assert!(s.validate().is_ok());
        assert!(configure::<PartyScreening>("{}").is_ok());
        const { assert!(DEFAULT_WEAK < DEFAULT_STRONG) };
    }

    #[test]
    fn accepts_thresholds_lists_and_outcomes() {
        let json = r#"{"strong_threshold": 0.95, "weak_threshold": 0.8, "lists": ["SDN", "EL", "ISN"],
            "list_outcomes": {"ISN": "licence_required", "EL": "deny"}, "country_match_bonus": 0,
            "country_mismatch_penalty": 0.2, "screen_vessels_and_aircraft": true}"#;
        assert!(configure::<PartyScreening>(json).is_ok(), "{}", error(json));
    }

    #[test]
    fn rejects_thresholds_out_of_range_or_crossed() {
        assert!(error(r#"{"strong_threshold": 1.2}"#).contains("`strong_threshold` is 1.2"));
        assert!(error(r#"{"weak_threshold": 0.2}"#).contains("`weak_threshold` is 0.2"));
        let e = error(r#"{"strong_threshold": 0.85, "weak_threshold": 0.9}"#);
        assert!(
            e.contains("`weak_threshold` (0.9) must not exceed `strong_threshold` (0.85)"),
            "{e}"
        );
        assert!(
            error(r#"{"country_mismatch_penalty": 0.6}"#).contains("`country_mismatch_penalty`")
        );
        assert!(error(r#"{"country_match_bonus": -0.1}"#).contains("`country_match_bonus`"));
    }

    #[test]
    fn rejects_unknown_or_repeated_lists() {
        let e = error(r#"{"lists": ["SDN", "FSE", "SDN"]}"#);
        assert!(
            e.contains("`lists` entry `FSE` is not a screened list"),
            "{e}"
        );
        assert!(e.contains("`lists` names `SDN` twice"), "{e}");
        assert!(error(r#"{"lists": []}"#).contains("`lists` is empty"));
    }

    #[test]
    fn rejects_outcomes_for_unknown_or_unscreened_lists_and_bad_values() {
        let e = error(r#"{"lists": ["SDN"], "list_outcomes": {"EL": "deny", "XX": "review"}}"#);
        assert!(
            e.contains("`list_outcomes` sets `EL`, which `lists` does not screen"),
            "{e}"
        );
        assert!(
            e.contains("`list_outcomes` key `XX` is not a screened list"),
            "{e}"
        );
        let e = error(r#"{"list_outcomes": {"EL": "allow"}}"#);
        assert!(
            e.starts_with("invalid settings") && e.contains("allow"),
            "{e}"
        );
    }

    #[test]
    fn reports_every_problem_at_once() {
        let e = error(r#"{"strong_threshold": 2, "lists": ["NOPE"], "country_match_bonus": 1}"#);
        assert_eq!(e.matches("; ").count(), 2, "{e}");
    }

    #[test]
    fn rejects_unknown_fields() {
        let e = error(r#"{"strong_treshold": 0.9}"#);
        assert!(e.contains("unknown field `strong_treshold`"), "{e}");
    }
}
