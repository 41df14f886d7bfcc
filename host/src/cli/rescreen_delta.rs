//! What changed between two screenings of a party, or two judgements of an
//! order: the heart of delta re-screening. A match is the same match when the
//! same policy reports the same list entry (the entry's key is stable across
//! list editions, `party-screener` in `sdk/wit/policy.wit`); a finding is the
//! same finding when the same policy reports the same rule on the same lines and
//! parties.

use exportctl::{ListMatch, PolicyFinding, Verdict};
use exportctl_sdk::Outcome;
use serde::{Deserialize, Serialize};

/// Scores closer than this are the same score (they are printed to 3 places).
const SAME_SCORE: f64 = 0.0005;

/// How one match changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MatchChange {
    /// Matched now, not before.
    New,
    /// Matched before, not now.
    Cleared,
    /// Matched both times; the outcome changed (the score may have too).
    OutcomeChanged,
    /// Matched both times with the same outcome; the score changed.
    ScoreChanged,
    /// Matched both times, the same (reported only with `--full`).
    Unchanged,
}

impl MatchChange {
    /// The name in the output (`sdk/spec/rescreen.md`).
    pub(super) fn as_str(self) -> &'static str {
        match self {
            MatchChange::New => "new_match",
            MatchChange::Cleared => "cleared_match",
            MatchChange::OutcomeChanged => "outcome_changed",
            MatchChange::ScoreChanged => "score_changed",
            MatchChange::Unchanged => "unchanged",
        }
    }
}

/// One match's change: the match now and the match before (either may be absent).
#[derive(Debug, Clone)]
pub(super) struct MatchDelta<'a> {
    pub(super) change: MatchChange,
    /// The match as shown: now, or before for a cleared match.
    pub(super) shown: &'a ListMatch,
    pub(super) now: Option<&'a ListMatch>,
    pub(super) before: Option<&'a ListMatch>,
}

/// Pairs the matches of two screenings of one party: every current match in
/// its order, then the matches that cleared. Unchanged matches are kept only
/// when `full`.
pub(super) fn party_delta<'a>(
    now: &'a [ListMatch],
    before: &'a [ListMatch],
    full: bool,
) -> Vec<MatchDelta<'a>> {
    let same = |a: &ListMatch, b: &ListMatch| a.policy == b.policy && a.entry == b.entry;
    // Each earlier match pairs with at most one current match, so two entries
    // a list keys alike still pair one to one.
    let mut paired = vec![false; before.len()];
    let mut deltas = Vec::new();
    for m in now {
        let previous = before
            .iter()
            .enumerate()
            .find(|(i, b)| !paired[*i] && same(m, b))
            .map(|(i, b)| {
                paired[i] = true;
                b
            });
        let change = match previous {
            None => MatchChange::New,
            Some(b) if b.outcome != m.outcome => MatchChange::OutcomeChanged,
            Some(b) if (b.score - m.score).abs() >= SAME_SCORE => MatchChange::ScoreChanged,
            Some(_) => MatchChange::Unchanged,
        };
        if change != MatchChange::Unchanged || full {
            deltas.push(MatchDelta {
                change,
                shown: m,
                now: Some(m),
                before: previous,
            });
        }
    }
    for (b, paired) in before.iter().zip(paired) {
        if !paired {
            deltas.push(MatchDelta {
                change: MatchChange::Cleared,
                shown: b,
                now: None,
                before: Some(b),
            });
        }
    }
    deltas
}

/// What an order's judgement says, as far as comparing goes: read from a
/// verdict now, or from the verdict kept in a decision record.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(super) struct Judgement {
    pub(super) outcome: Outcome,
    pub(super) findings: Vec<FindingKey>,
}

/// A finding as compared: policy, rule, outcome, lines and parties (its message
/// is carried along, not compared: wording may change between versions).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub(super) struct FindingKey {
    pub(super) policy: String,
    pub(super) rule: String,
    pub(super) outcome: Outcome,
    #[serde(default)]
    pub(super) lines: Vec<u32>,
    #[serde(default)]
    pub(super) parties: Vec<String>,
    #[serde(default)]
    pub(super) message: String,
}

impl PartialEq for FindingKey {
    fn eq(&self, other: &FindingKey) -> bool {
        self.policy == other.policy
            && self.rule == other.rule
            && self.outcome == other.outcome
            && self.lines == other.lines
            && self.parties == other.parties
    }
}

impl Judgement {
    /// The comparable part of a verdict.
    pub(super) fn of(verdict: &Verdict) -> Judgement {
        Judgement {
            outcome: verdict.outcome,
            findings: verdict.findings.iter().map(finding_key).collect(),
        }
    }
}

fn finding_key(f: &PolicyFinding) -> FindingKey {
    FindingKey {
        policy: f.policy.to_string(),
        rule: f.finding.rule().to_owned(),
        outcome: f.finding.outcome(),
        lines: f.finding.get_lines().to_vec(),
        parties: f.finding.get_parties().to_vec(),
        message: f.finding.message().to_owned(),
    }
}

/// How an order's judgement changed.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct OrderDelta {
    /// `outcome_changed`, `findings_changed`, `unchanged` or, without a previous
    /// judgement, `not_judged_before`.
    pub(super) change: &'static str,
    pub(super) previous_outcome: Option<Outcome>,
    /// Findings now that were not there before.
    pub(super) new: Vec<FindingKey>,
    /// Findings before that are gone now.
    pub(super) cleared: Vec<FindingKey>,
}

/// Compares an order's judgement now with its judgement before (`None`: none
/// known).
pub(super) fn order_delta(now: &Judgement, before: Option<&Judgement>) -> OrderDelta {
    let Some(before) = before else {
        return OrderDelta {
            change: "not_judged_before",
            previous_outcome: None,
            new: now.findings.clone(),
            cleared: Vec::new(),
        };
    };
    let new: Vec<FindingKey> = now
        .findings
        .iter()
        .filter(|f| !before.findings.contains(f))
        .cloned()
        .collect();
    let cleared: Vec<FindingKey> = before
        .findings
        .iter()
        .filter(|b| !now.findings.contains(b))
        .cloned()
        .collect();
    let change = if now.outcome != before.outcome {
        "outcome_changed"
    } else if !new.is_empty() || !cleared.is_empty() {
        "findings_changed"
    } else {
        "unchanged"
    };
    OrderDelta {
        change,
        previous_outcome: Some(before.outcome),
        new,
        cleared,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use exportctl::Mode;

    fn m(entry: &str, score: f64, outcome: Outcome) -> ListMatch {
        ListMatch {
            policy: "party-screening".into(),
            version: "1.0.0".into(),
            mode: Mode::Enforce,
            rule: "csl-entity-list".into(),
            outcome,
            list: "Entity List [EL]".into(),
            edition: "CSL generated 2026-07-31".into(),
            entry: entry.into(),
            listed_name: "X".into(),
            score,
            message: "m".into(),
            legal_basis: "b".into(),
        }
    }

    #[test]
    fn new_cleared_and_changed_matches_are_told_apart() {
        let before = vec![
            m("EL:1", 0.95, Outcome::LicenceRequired),
            m("EL:2", 0.90, Outcome::Review),
            m("EL:3", 0.93, Outcome::Review),
            m("EL:4", 0.97, Outcome::Deny),
        ];
        let now = vec![
            m("EL:1", 0.9502, Outcome::LicenceRequired),
            m("EL:2", 0.92, Outcome::Review),
            m("EL:3", 0.93, Outcome::Deny),
            m("EL:5", 0.99, Outcome::Deny),
        ];
        let changes: Vec<(&str, MatchChange)> = party_delta(&now, &before, false)
            .iter()
            .map(|d| (d.shown.entry.as_str(), d.change))
            .collect();
        assert_eq!(
            changes,
            [
                ("EL:2", MatchChange::ScoreChanged),
                ("EL:3", MatchChange::OutcomeChanged),
                ("EL:5", MatchChange::New),
                ("EL:4", MatchChange::Cleared),
            ]
        );
        let full = party_delta(&now, &before, true);
        assert_eq!(full.len(), 5);
        assert_eq!(full[0].change, MatchChange::Unchanged);
    }

    #[test]
    fn the_same_entry_of_another_policy_is_another_match() {
        let before = vec![m("EL:1", 0.95, Outcome::Deny)];
        let mut other = m("EL:1", 0.95, Outcome::Deny);
        other.policy = "company-watchlist".into();
        let now = vec![other];
        let changes: Vec<MatchChange> = party_delta(&now, &before, false)
            .iter()
            .map(|d| d.change)
            .collect();
        assert_eq!(changes, [MatchChange::New, MatchChange::Cleared]);
    }

    fn finding(rule: &str, outcome: Outcome, message: &str) -> FindingKey {
        FindingKey {
            policy: "kz-export-control".into(),
            rule: rule.into(),
            outcome,
            lines: vec![1],
            parties: vec![],
            message: message.into(),
        }
    }

    #[test]
    fn an_order_changes_by_outcome_then_by_findings_and_wording_does_not_count() {
        let before = Judgement {
            outcome: Outcome::Review,
            findings: vec![finding("a", Outcome::Review, "old wording")],
        };
        let same = Judgement {
            outcome: Outcome::Review,
            findings: vec![finding("a", Outcome::Review, "new wording")],
        };
        assert_eq!(order_delta(&same, Some(&before)).change, "unchanged");
        let more = Judgement {
            outcome: Outcome::Review,
            findings: vec![
                finding("a", Outcome::Review, ""),
                finding("b", Outcome::Review, ""),
            ],
        };
        let d = order_delta(&more, Some(&before));
        assert_eq!(
            (d.change, d.new.len(), d.cleared.len()),
            ("findings_changed", 1, 0)
        );
        let worse = Judgement {
            outcome: Outcome::Deny,
            findings: vec![finding("c", Outcome::Deny, "")],
        };
        let d = order_delta(&worse, Some(&before));
        assert_eq!(
            (d.change, d.new.len(), d.cleared.len()),
            ("outcome_changed", 1, 1)
        );
        assert_eq!(d.previous_outcome, Some(Outcome::Review));
        assert_eq!(order_delta(&worse, None).change, "not_judged_before");
    }
}
