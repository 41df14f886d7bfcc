//! [`FindingSubject`]: what a finding is about when it is about one party
//! matching one list entry (contract 1.2), so that an officer's exemption of
//! that party from that entry applies to exactly that finding.

use crate::PartyPath;
use serde::{Deserialize, Serialize};

/// The party and list entry a finding is about: the key under which a
/// compliance officer records a match as a false positive.
///
/// Attach it with [`Finding::subject`](crate::Finding::subject); it also names
/// the party among the finding's parties. Give a subject only to a finding about
/// this one entry: an exemption of the entry silences the whole finding.
///
/// ```
/// use exportctl_sdk::{FindingSubject, PartyPath, Rule};
///
/// const ENTITY_LIST: Rule = Rule::new("entity-list", "15 CFR 744.11, Supplement No. 4");
/// let f = ENTITY_LIST.deny("the consignee is on the Entity List").subject(FindingSubject::new(
///     PartyPath::Consignee,
///     "Entity List (EL)",
///     "CSL generated 2026-07-31",
///     "EL:1234",
///     "9f86d081884c7d65",
/// ));
/// assert_eq!(f.get_parties(), ["consignee"]);
/// assert_eq!(f.get_subject().map(|s| s.entry.as_str()), Some("EL:1234"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FindingSubject {
    /// The party path (`consignee`, `end_user`, `other_parties[1]`, …).
    pub party: String,
    /// The list, e.g. `Entity List (EL) - Bureau of Industry and Security [EL]`.
    pub list: String,
    /// The list's edition the entry was read from, e.g. `CSL generated 2026-07-31`.
    pub edition: String,
    /// The entry's key, stable across editions where the list allows: the list's
    /// own entry number where it has one.
    pub entry: String,
    /// A digest of the entry's data as listed (names, aliases, addresses,
    /// programmes, …): the same in two editions if and only if the entry is.
    pub fingerprint: String,
}

impl FindingSubject {
    /// The subject of a finding about `party` matching `entry` of `list`.
    pub fn new(
        party: PartyPath,
        list: impl Into<String>,
        edition: impl Into<String>,
        entry: impl Into<String>,
        fingerprint: impl Into<String>,
    ) -> FindingSubject {
        FindingSubject {
            party: party.to_string(),
            list: list.into(),
            edition: edition.into(),
            entry: entry.into(),
            fingerprint: fingerprint.into(),
        }
    }
}
