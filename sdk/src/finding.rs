//! Findings: what a policy says about a shipment, each citing its legal basis.

use crate::{FindingSubject, PartyPath};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How severe a finding is. Ordered: `Allow < Review < LicenceRequired < Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// No objection.
    Allow,
    /// A human must look before release.
    Review,
    /// Lawful only with a licence the shipment does not cite.
    LicenceRequired,
    /// Prohibited; no licence cures it under the encoded law.
    Deny,
}

impl Outcome {
    /// The outcome as written in a verdict: `allow`, `review`, `licence_required`, `deny`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Allow => "allow",
            Outcome::Review => "review",
            Outcome::LicenceRequired => "licence_required",
            Outcome::Deny => "deny",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Longest finding message the host accepts, in bytes. Longer messages are cut
/// at a character boundary and end with `…` when they leave the plugin (see
/// [`Finding::within_host_limits`]); the finding's `lines` still list every line.
pub const MAX_MESSAGE_BYTES: usize = 4096;

/// Longest legal basis the host accepts, in bytes (cut like messages).
pub const MAX_LEGAL_BASIS_BYTES: usize = 1024;

/// Cuts `text` to at most `max` bytes at a character boundary, marking the cut.
fn bounded(mut text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    const MARK: &str = " …";
    let mut end = max - MARK.len();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push_str(MARK);
    text
}

/// A rule of a policy: a stable id, the legal basis it implements and one line
/// saying what it catches.
///
/// Declare each rule once, next to the function that implements it, list it in
/// [`Policy::RULES`](crate::Policy::RULES) (the plugin declares it to the host,
/// which lists it and refuses findings of undeclared rules), and make its
/// findings from it, so every finding cites its law:
///
/// ```
/// use exportctl_sdk::{Outcome, Rule};
/// /// Reg. (EU) 833/2014 Art. 2(1): dual-use goods to Russia.
/// const ART_2_DUAL_USE: Rule = Rule::new("eu-art2-dual-use", "Reg. (EU) 833/2014 Art. 2(1)")
///     .describe("dual-use goods (Annex I of Reg. (EU) 2021/821) to Russia");
///
/// let f = ART_2_DUAL_USE.deny("dual-use goods to Russia").line(1);
/// assert_eq!(f.outcome(), Outcome::Deny);
/// assert_eq!(f.get_legal_basis(), "Reg. (EU) 833/2014 Art. 2(1)");
/// assert!(ART_2_DUAL_USE.problem().is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Kebab-case rule id, stable across versions (e.g. `kz-military-suspension`).
    pub id: &'static str,
    /// The legal basis: regulation, article, annex, list version and date.
    pub legal_basis: &'static str,
    /// One line saying what the rule catches (set with [`Rule::describe`]),
    /// shown where the host lists the policy's rules.
    pub description: &'static str,
}

/// Longest rule description the host accepts, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 512;

impl Rule {
    /// Declares a rule. `id` must be kebab-case (checked by [`Rule::is_valid_id`]
    /// in the policy's tests and by the host at run time). Give it its one-line
    /// description with [`Rule::describe`].
    pub const fn new(id: &'static str, legal_basis: &'static str) -> Rule {
        Rule {
            id,
            legal_basis,
            description: "",
        }
    }

    /// The rule with its one-line description: what it catches, in the words of
    /// the provision (e.g. "military goods to Russia while Kazakhstan's
    /// suspension is in force").
    pub const fn describe(self, description: &'static str) -> Rule {
        Rule {
            description,
            ..self
        }
    }

    /// What is wrong with the rule's declaration, as the host would refuse it
    /// at load ([`Rule::check_declaration`]). `None` when it is sound.
    pub fn problem(&self) -> Option<String> {
        Rule::check_declaration(self.id, self.legal_basis, self.description).err()
    }

    /// Checks one rule declaration as a plugin hands it to the host: an id that
    /// is not kebab-case, a blank or overlong legal basis, a description that is
    /// blank, longer than [`MAX_DESCRIPTION_BYTES`] or more than one line are
    /// refused, each with a message naming the rule. The SDK's case tests and the
    /// host's load apply this same check.
    ///
    /// ```
    /// use exportctl_sdk::Rule;
    /// assert!(Rule::check_declaration("a-rule", "Law 1 Art. 2", "what it catches").is_ok());
    /// let err = Rule::check_declaration("a-rule", "Law 1 Art. 2", "").unwrap_err();
    /// assert!(err.contains("has no description"), "{err}");
    /// ```
    pub fn check_declaration(id: &str, legal_basis: &str, description: &str) -> Result<(), String> {
        if !Rule::is_valid_id(id) {
            // An id that is not one may be anything a plugin sent: show its start.
            let shown: String = id.chars().take(80).collect();
            return Err(format!(
                "rule id `{shown}` is not kebab-case (1–64 lower-case letters, digits and single hyphens)"
            ));
        }
        if legal_basis.trim().is_empty() || legal_basis.len() > MAX_LEGAL_BASIS_BYTES {
            return Err(format!(
                "rule `{id}`: the legal basis must be 1–{MAX_LEGAL_BASIS_BYTES} bytes of text"
            ));
        }
        if description.trim().is_empty() {
            return Err(format!(
                "rule `{id}` has no description: declare it with `.describe(\"what it catches\")`"
            ));
        }
        if description.len() > MAX_DESCRIPTION_BYTES || description.contains('\n') {
            return Err(format!(
                "rule `{id}`: the description must be one line of at most {MAX_DESCRIPTION_BYTES} bytes"
            ));
        }
        Ok(())
    }

    /// A finding of this rule with the given outcome and message.
    pub fn finding(&self, outcome: Outcome, message: impl Into<String>) -> Finding {
        Finding {
            rule: self.id.to_owned(),
            outcome,
            lines: Vec::new(),
            parties: Vec::new(),
            message: message.into(),
            legal_basis: self.legal_basis.to_owned(),
            subject: None,
        }
    }

    /// A `deny` finding.
    pub fn deny(&self, message: impl Into<String>) -> Finding {
        self.finding(Outcome::Deny, message)
    }

    /// A `licence_required` finding.
    pub fn licence_required(&self, message: impl Into<String>) -> Finding {
        self.finding(Outcome::LicenceRequired, message)
    }

    /// A `review` finding.
    pub fn review(&self, message: impl Into<String>) -> Finding {
        self.finding(Outcome::Review, message)
    }

    /// Whether `id` is a valid rule id: 1–64 characters of lower-case ASCII letters,
    /// digits and single hyphens, starting with a letter.
    pub fn is_valid_id(id: &str) -> bool {
        let b = id.as_bytes();
        !b.is_empty()
            && b.len() <= 64
            && b[0].is_ascii_lowercase()
            && !id.ends_with('-')
            && !id.contains("--")
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
    }
}

/// One reason a policy objects to a shipment.
///
/// A finding is only ever made from a [`Rule`] ([`Rule::deny`], [`Rule::review`],
/// [`Rule::licence_required`]), so it always carries a declared rule id, an outcome,
/// a message and the rule's legal basis; its fields are private so that no code can
/// make one that cites nothing or change its rule afterwards. Lines and parties are
/// added with [`Finding::line`], [`Finding::lines`] and [`Finding::party`], what it
/// is about, for a screening match, with [`Finding::subject`].
///
/// Its parts are read with [`Finding::rule`], [`Finding::outcome`] and
/// [`Finding::message`]; where a builder method already has the part's name, the
/// reader carries `get_` ([`Finding::get_lines`], [`Finding::get_parties`],
/// [`Finding::get_legal_basis`], [`Finding::get_subject`]), as
/// `std::process::Command`'s `arg` and `get_args` do.
///
/// ```
/// use exportctl_sdk::{Outcome, Rule};
///
/// const ART_2: Rule = Rule::new("eu-art-2", "Regulation (EU) 2021/821, Art. 2");
/// let finding = ART_2.deny("a listed item without authorisation").lines([2, 1]);
/// assert_eq!(finding.rule(), "eu-art-2");
/// assert_eq!(finding.outcome(), Outcome::Deny);
/// assert_eq!(finding.get_lines(), [2, 1]);
/// assert_eq!(finding.get_legal_basis(), "Regulation (EU) 2021/821, Art. 2");
/// ```
///
/// A finding that no rule made does not compile:
///
/// ```compile_fail
/// use exportctl_sdk::{Finding, Outcome};
///
/// let forged = Finding {
///     rule: "made-up".into(),
///     outcome: Outcome::Allow,
///     lines: vec![],
///     parties: vec![],
///     message: String::new(),
///     legal_basis: String::new(),
///     subject: None,
/// };
/// ```
///
/// nor does changing one's rule afterwards:
///
/// ```compile_fail
/// use exportctl_sdk::Rule;
///
/// const ART_2: Rule = Rule::new("eu-art-2", "Regulation (EU) 2021/821, Art. 2");
/// let mut finding = ART_2.deny("a listed item without authorisation");
/// finding.rule = "another-rule".into();
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "records", derive(Deserialize))]
pub struct Finding {
    rule: String,
    outcome: Outcome,
    lines: Vec<u32>,
    parties: Vec<String>,
    message: String,
    legal_basis: String,
    /// Absent from the JSON when `None` (contract 1.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subject: Option<FindingSubject>,
}

/// A [`Finding`]'s parts, owned: what [`Finding::into_parts`] gives (the SDK's
/// export turns them into the contract's record) and, with the `records` feature,
/// what a host rebuilds a finding from with [`Finding::from_parts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingParts {
    /// The rule id.
    pub rule: String,
    /// How severe.
    pub outcome: Outcome,
    /// Line numbers concerned.
    pub lines: Vec<u32>,
    /// Party paths concerned.
    pub parties: Vec<String>,
    /// What is wrong, for a human.
    pub message: String,
    /// The law the finding rests on.
    pub legal_basis: String,
    /// The party and list entry the finding is about, if any.
    pub subject: Option<FindingSubject>,
}

impl Finding {
    /// Adds a line number.
    pub fn line(mut self, line: u32) -> Finding {
        self.lines.push(line);
        self
    }

    /// Adds line numbers.
    pub fn lines(mut self, lines: impl IntoIterator<Item = u32>) -> Finding {
        self.lines.extend(lines);
        self
    }

    /// Adds a party.
    pub fn party(mut self, path: PartyPath) -> Finding {
        self.parties.push(path.to_string());
        self
    }

    /// Says what the finding is about: one party matching one list entry. The
    /// subject's party is added to the finding's parties if it is not there.
    pub fn subject(mut self, subject: FindingSubject) -> Finding {
        if !self.parties.contains(&subject.party) {
            self.parties.push(subject.party.clone());
        }
        self.subject = Some(subject);
        self
    }

    /// Replaces the legal basis with a more specific one (e.g. naming the list
    /// version that matched), keeping the rule.
    pub fn legal_basis(mut self, legal_basis: impl Into<String>) -> Finding {
        self.legal_basis = legal_basis.into();
        self
    }

    /// The rule id.
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// How severe.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// What is wrong, for a human.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The line numbers concerned, in the order they were added.
    pub fn get_lines(&self) -> &[u32] {
        &self.lines
    }

    /// The party paths concerned (`consignee`, `other_parties[0]`, …).
    pub fn get_parties(&self) -> &[String] {
        &self.parties
    }

    /// The law the finding rests on: the rule's, or the more specific one given
    /// with [`Finding::legal_basis`].
    pub fn get_legal_basis(&self) -> &str {
        &self.legal_basis
    }

    /// The party and list entry the finding is about, if it is about one.
    pub fn get_subject(&self) -> Option<&FindingSubject> {
        self.subject.as_ref()
    }

    /// The finding taken apart.
    pub fn into_parts(self) -> FindingParts {
        FindingParts {
            rule: self.rule,
            outcome: self.outcome,
            lines: self.lines,
            parties: self.parties,
            message: self.message,
            legal_basis: self.legal_basis,
            subject: self.subject,
        }
    }

    /// A finding rebuilt from its parts, for a host reading findings that crossed
    /// a boundary (a plugin's output it has checked, a recorded verdict). Only
    /// with the `records` feature: a policy makes its findings from its rules.
    #[cfg(feature = "records")]
    pub fn from_parts(parts: FindingParts) -> Finding {
        Finding {
            rule: parts.rule,
            outcome: parts.outcome,
            lines: parts.lines,
            parties: parts.parties,
            message: parts.message,
            legal_basis: parts.legal_basis,
            subject: parts.subject,
        }
    }

    /// The finding with message and legal basis cut to what the host accepts
    /// ([`MAX_MESSAGE_BYTES`], [`MAX_LEGAL_BASIS_BYTES`]). The SDK applies this to
    /// every finding a plugin returns, so a message listing 10,000 lines is cut
    /// rather than failing the policy; `lines` keeps every line.
    pub fn within_host_limits(mut self) -> Finding {
        self.message = bounded(self.message, MAX_MESSAGE_BYTES);
        self.legal_basis = bounded(self.legal_basis, MAX_LEGAL_BASIS_BYTES);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_are_ordered_by_severity() {
        assert!(Outcome::Allow < Outcome::Review);
        assert!(Outcome::Review < Outcome::LicenceRequired);
        assert!(Outcome::LicenceRequired < Outcome::Deny);
    }

    #[test]
    fn rule_ids_must_be_kebab_case() {
        for good in ["a", "kz-military-suspension", "chpl-tier1-ru", "r2d2"] {
            assert!(Rule::is_valid_id(good), "{good}");
        }
        for bad in [
            "",
            "Kz",
            "kz_military",
            "-kz",
            "kz-",
            "kz--x",
            "1kz",
            "kz x",
            &"a".repeat(65),
        ] {
            assert!(!Rule::is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn long_texts_are_cut_to_what_the_host_accepts() {
        const R: Rule = Rule::new("r", "Law 1");
        let long = "Лінія ".repeat(2000);
        let f = R
            .deny(long)
            .legal_basis("§".repeat(2000))
            .lines(1..=10_000)
            .within_host_limits();
        assert!(f.message.len() <= MAX_MESSAGE_BYTES && f.message.ends_with(" …"));
        assert!(f.legal_basis.len() <= MAX_LEGAL_BASIS_BYTES && f.legal_basis.ends_with(" …"));
        assert_eq!(f.lines.len(), 10_000, "lines are never cut");
        assert_eq!(R.deny("short").within_host_limits().message, "short");
    }

    #[test]
    fn builder_collects_lines_and_parties() {
        const R: Rule = Rule::new("r", "Law 1 Art. 2");
        let f = R
            .review("m")
            .line(2)
            .lines([3, 4])
            .party(PartyPath::Other(1));
        assert_eq!(f.lines, vec![2, 3, 4]);
        assert_eq!(f.parties, vec!["other_parties[1]".to_owned()]);
        assert_eq!(f.outcome, Outcome::Review);
        assert_eq!(f.subject, None);
    }

    #[test]
    fn a_subject_names_its_party_once_and_is_written_only_when_given() {
        const R: Rule = Rule::new("r", "Law 1");
        let subject = FindingSubject::new(PartyPath::EndUser, "L", "E1", "L:7", "ab12");
        let f = R
            .deny("m")
            .party(PartyPath::EndUser)
            .subject(subject.clone());
        assert_eq!(f.parties, ["end_user"]);
        assert_eq!(f.subject.as_ref(), Some(&subject));
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(
            json["subject"],
            serde_json::json!({"party": "end_user", "list": "L", "edition": "E1", "entry": "L:7", "fingerprint": "ab12"})
        );
        let plain = serde_json::to_value(R.deny("m")).unwrap();
        assert!(plain.get("subject").is_none(), "{plain}");
    }
}
