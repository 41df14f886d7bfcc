//! Reading case files and running them against a policy: the steps
//! [`CaseSuite`](super::CaseSuite) is made of.

use crate::{Finding, Outcome, Policy, Shipment, configure};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

/// One case file: a shipment, optional settings, and what the policy must say.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The file name, e.g. `seed-drones-kg-via-kz-to-ru.json` (not in the file).
    #[serde(skip)]
    pub name: String,
    /// What the case shows, and the law it exercises.
    pub description: String,
    /// Settings for the policy; absent means its defaults.
    #[serde(default)]
    pub settings: Option<serde_json::Value>,
    /// The expected result.
    pub expect: Expect,
    /// The shipment document, as in `shipment.md`.
    pub shipment: serde_json::Value,
}

/// What a case expects when its policy runs alone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The worst outcome among the findings (`allow` when there are none).
    pub outcome: Outcome,
    /// The exact set of rule ids among the findings.
    pub rules: BTreeSet<String>,
    /// Optionally, findings the policy must give, each with the lines and parties
    /// it must name (where given: exactly those, in any order).
    #[serde(default)]
    pub findings: Vec<ExpectedFinding>,
}

/// A finding a case expects, by rule id and optionally what it concerns.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFinding {
    /// The rule id.
    pub rule: String,
    /// The shipment lines the finding must name (absent: not checked).
    #[serde(default)]
    pub lines: Option<BTreeSet<u32>>,
    /// The party paths the finding must name (absent: not checked).
    #[serde(default)]
    pub parties: Option<BTreeSet<String>>,
}

impl ExpectedFinding {
    /// Whether `finding` is this one.
    fn matches(&self, finding: &Finding) -> bool {
        finding.rule() == self.rule
            && self
                .lines
                .as_ref()
                .is_none_or(|l| *l == finding.get_lines().iter().copied().collect())
            && self
                .parties
                .as_ref()
                .is_none_or(|p| *p == finding.get_parties().iter().cloned().collect())
    }
}

/// Checks the findings a case lists in `expect.findings`: each must be matched by
/// a finding of its own among `findings`. Returns every one that is not, with the
/// findings of its rule.
///
/// ```
/// use exportctl_sdk::testing::{Expect, ExpectedFinding, expected_findings};
/// use exportctl_sdk::{Outcome, Rule};
/// let found = [Rule::new("r", "law").review("x").lines([1, 2])];
/// let mut expect = Expect { outcome: Outcome::Review, rules: ["r".to_owned()].into(), findings: vec![] };
/// expect.findings.push(ExpectedFinding { rule: "r".into(), lines: Some([2, 1].into()), parties: None });
/// assert!(expected_findings(&expect, &found).is_ok());
/// expect.findings[0].lines = Some([3].into());
/// assert!(expected_findings(&expect, &found).unwrap_err().contains("lines [3]"));
/// ```
pub fn expected_findings(expect: &Expect, findings: &[Finding]) -> Result<(), String> {
    let mut used = vec![false; findings.len()];
    let mut missing = Vec::new();
    for want in &expect.findings {
        let hit = findings
            .iter()
            .enumerate()
            .find(|(i, f)| !used[*i] && want.matches(f));
        match hit {
            Some((i, _)) => used[i] = true,
            None => {
                let mut text = format!("expected a finding {}", want.rule);
                if let Some(lines) = &want.lines {
                    text.push_str(&format!(" on lines {:?}", lines.iter().collect::<Vec<_>>()));
                }
                if let Some(parties) = &want.parties {
                    text.push_str(&format!(
                        " about parties {:?}",
                        parties.iter().collect::<Vec<_>>()
                    ));
                }
                let same_rule: Vec<String> = findings
                    .iter()
                    .filter(|f| f.rule() == want.rule)
                    .map(|f| format!("lines {:?}, parties {:?}", f.get_lines(), f.get_parties()))
                    .collect();
                if same_rule.is_empty() {
                    text.push_str("; the policy gave none of that rule");
                } else {
                    text.push_str(&format!("; the policy's: {}", same_rule.join("; ")));
                }
                missing.push(text);
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing.join("\n"))
    }
}

/// A case that passed, with what the policy found.
#[derive(Debug, Clone)]
pub struct CaseRun {
    /// The case.
    pub case: Case,
    /// The validated shipment.
    pub shipment: Shipment<'static>,
    /// The policy's findings.
    pub findings: Vec<Finding>,
}

/// Reads every `*.json` case in `dir`, sorted by file name.
pub fn load_cases(dir: impl AsRef<Path>) -> Result<Vec<Case>, String> {
    let dir = dir.as_ref();
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
            let mut case: Case =
                serde_json::from_str(&text).map_err(|e| format!("{name}: not a case file: {e}"))?;
            case.name = name;
            Ok(case)
        })
        .collect()
}

/// Runs every case in `dir` against `P`: settings through [`configure`], the
/// shipment through the host's validation ([`Shipment::from_json`]), then the
/// worst outcome and the exact rule set are compared with the case. Every finding
/// must name lines of the shipment and cite a legal basis. Returns the passing
/// runs, or every failure at once.
pub fn run_cases<P: Policy>(dir: impl AsRef<Path>) -> Result<Vec<CaseRun>, String> {
    let cases = load_cases(dir)?;
    let total = cases.len();
    let mut runs = Vec::with_capacity(total);
    let mut failures = Vec::new();
    for case in cases {
        match run_case::<P>(&case) {
            Ok((shipment, findings)) => runs.push(CaseRun {
                case,
                shipment,
                findings,
            }),
            Err(e) => failures.push(format!("{}: {e}", case.name)),
        }
    }
    if failures.is_empty() {
        Ok(runs)
    } else {
        Err(format!(
            "{} of {total} cases failed:\n{}",
            failures.len(),
            failures.join("\n\n")
        ))
    }
}

/// Applies a policy's own rule for its findings (how it cites the law, what it
/// must name) to every finding of `runs`; the first finding that breaks it fails,
/// named with its case.
///
/// ```
/// use exportctl_sdk::testing::check_findings;
/// // With no runs there is nothing to break the rule.
/// assert_eq!(check_findings(&[], |f| if f.get_lines().is_empty() { Err("no lines".into()) } else { Ok(()) }), Ok(()));
/// ```
pub fn check_findings(
    runs: &[CaseRun],
    check: impl Fn(&Finding) -> Result<(), String>,
) -> Result<(), String> {
    for run in runs {
        for f in &run.findings {
            check(f).map_err(|e| format!("{}: {e}", run.case.name))?;
        }
    }
    Ok(())
}

/// Every rule id and outcome the cases of a directory expect between them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// The rule ids.
    pub rules: BTreeSet<String>,
    /// The outcomes.
    pub outcomes: BTreeSet<Outcome>,
}

/// What the cases in `dir` exercise, to check that every rule of a policy and every
/// outcome it can give has a case.
pub fn coverage(dir: impl AsRef<Path>) -> Result<Coverage, String> {
    let mut covered = Coverage::default();
    for case in load_cases(dir)? {
        covered.rules.extend(case.expect.rules);
        covered.outcomes.insert(case.expect.outcome);
    }
    Ok(covered)
}

fn run_case<P: Policy>(case: &Case) -> Result<(Shipment<'static>, Vec<Finding>), String> {
    if case.description.trim().is_empty() {
        return Err("empty description".into());
    }
    let settings = case
        .settings
        .as_ref()
        .map_or_else(|| "{}".to_owned(), ToString::to_string);
    let policy = configure::<P>(&settings).map_err(|e| format!("settings: {e}"))?;
    let shipment =
        Shipment::from_json(&case.shipment.to_string()).map_err(|e| format!("shipment: {e}"))?;
    let findings = policy.evaluate(&shipment);
    let outcome = findings
        .iter()
        .map(|f| f.outcome())
        .max()
        .unwrap_or(Outcome::Allow);
    let rules: BTreeSet<String> = findings.iter().map(|f| f.rule().to_owned()).collect();
    if outcome != case.expect.outcome || rules != case.expect.rules {
        return Err(mismatch(&case.expect, outcome, &rules, &findings));
    }
    expected_findings(&case.expect, &findings)?;
    for f in &findings {
        if let Some(bad) = f
            .get_lines()
            .iter()
            .find(|n| !shipment.lines().any(|l| l.number() == **n))
        {
            return Err(format!(
                "finding {} names line {bad}, which the shipment does not have",
                f.rule()
            ));
        }
        if f.get_legal_basis().trim().is_empty() {
            return Err(format!("finding {} cites no legal basis", f.rule()));
        }
        // As the host does: a finding of a rule the policy does not declare
        // fails the policy closed.
        if !P::RULES.iter().any(|r| r.id == f.rule()) {
            return Err(format!(
                "finding {} is of a rule the policy does not declare: add it to `Policy::RULES`",
                f.rule()
            ));
        }
    }
    Ok((shipment, findings))
}

/// The failure message of a case whose findings differ from its `expect`: expected
/// against actual outcome and rules, the rules missing and unexpected, then every
/// finding the policy gave. `exportctl test` prints the same for a case run in the
/// sandbox.
///
/// ```
/// use exportctl_sdk::testing::{Expect, mismatch};
/// use exportctl_sdk::Outcome;
/// let expect = Expect { outcome: Outcome::Deny, rules: ["a".to_owned()].into(), findings: vec![] };
/// let text = mismatch(&expect, Outcome::Allow, &Default::default(), &[]);
/// assert!(text.contains("missing rules:    [\"a\"]"));
/// ```
pub fn mismatch(
    expect: &Expect,
    outcome: Outcome,
    rules: &BTreeSet<String>,
    findings: &[Finding],
) -> String {
    let missing: Vec<&String> = expect.rules.difference(rules).collect();
    let unexpected: Vec<&String> = rules.difference(&expect.rules).collect();
    let mut text = format!(
        "findings differ from the case\n  expected: {} {:?}\n  actual:   {outcome} {rules:?}",
        expect.outcome, expect.rules
    );
    if !missing.is_empty() {
        text.push_str(&format!("\n  missing rules:    {missing:?}"));
    }
    if !unexpected.is_empty() {
        text.push_str(&format!("\n  unexpected rules: {unexpected:?}"));
    }
    if findings.is_empty() {
        text.push_str("\n  actual findings: none");
    } else {
        text.push_str("\n  actual findings:");
        for f in findings {
            text.push_str(&format!(
                "\n    {} {} (lines {:?}): {}",
                f.outcome(),
                f.rule(),
                f.get_lines(),
                f.message()
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rule;

    #[test]
    fn a_mismatch_shows_expected_and_actual_findings() {
        let expect = Expect {
            outcome: Outcome::Deny,
            rules: ["a".to_owned(), "b".to_owned()].into(),
            findings: Vec::new(),
        };
        let findings = vec![Rule::new("c", "law").review("looks odd").lines([2])];
        let rules: BTreeSet<String> = ["c".to_owned()].into();
        let text = mismatch(&expect, Outcome::Review, &rules, &findings);
        assert!(text.contains("expected: deny {\"a\", \"b\"}"), "{text}");
        assert!(text.contains("actual:   review {\"c\"}"), "{text}");
        assert!(text.contains("missing rules:    [\"a\", \"b\"]"), "{text}");
        assert!(text.contains("unexpected rules: [\"c\"]"), "{text}");
        assert!(text.contains("review c (lines [2]): looks odd"), "{text}");
    }
}
