//! What `exportctl test` reports besides its lines: JUnit XML for CI systems, and
//! the coverage of each policy's rules by passing cases.

use exportctl::Plugin;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// One case's result, for the JUnit report.
pub(super) struct CaseResult {
    /// The case's directory (its policy).
    pub(super) suite: String,
    /// The case file's name.
    pub(super) name: String,
    /// Wall time of the case, load included.
    pub(super) seconds: f64,
    /// Why it failed, if it did.
    pub(super) failure: Option<String>,
}

/// Writes `results` as JUnit XML: one `testsuite` per directory, one `testcase`
/// per case, a `failure` with the diff for each failing one.
pub(super) fn write_junit(path: &Path, results: &[CaseResult]) -> std::io::Result<()> {
    std::fs::write(path, junit(results))
}

fn junit(results: &[CaseResult]) -> String {
    let mut suites: BTreeMap<&str, Vec<&CaseResult>> = BTreeMap::new();
    for r in results {
        suites.entry(r.suite.as_str()).or_default().push(r);
    }
    let failures = results.iter().filter(|r| r.failure.is_some()).count();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"exportctl test\" tests=\"{}\" failures=\"{failures}\">",
        results.len()
    );
    for (suite, cases) in suites {
        let failed = cases.iter().filter(|r| r.failure.is_some()).count();
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\">",
            escape(suite),
            cases.len()
        );
        for case in cases {
            let _ = write!(
                xml,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                escape(suite),
                escape(&case.name),
                case.seconds
            );
            match &case.failure {
                None => xml.push_str("/>\n"),
                Some(why) => {
                    let first = why.lines().next().unwrap_or_default();
                    let _ = writeln!(
                        xml,
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        escape(first),
                        escape(why)
                    );
                }
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// Text as XML character data or an attribute value. Characters XML 1.0 cannot
/// carry at all (control characters other than tab and newline) become `?`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push('\t'),
            c if (c as u32) < 0x20 => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// For each policy, how many passing cases made each rule fire; and the rules the
/// policy declares, so a rule no case exercises shows as 0.
#[derive(Debug, Default)]
pub(super) struct Coverage {
    policies: BTreeMap<String, PolicyCoverage>,
}

#[derive(Debug, Default)]
struct PolicyCoverage {
    /// Rule id → passing cases that produced a finding of it.
    rules: BTreeMap<String, usize>,
    /// Whether the plugin has a rule catalogue (contract 1.4.0).
    declared: bool,
}

impl Coverage {
    /// One more passing case of `policy` in which `rule` fired.
    pub(super) fn add(&mut self, policy: &str, rule: &str) {
        *self
            .policies
            .entry(policy.to_owned())
            .or_default()
            .rules
            .entry(rule.to_owned())
            .or_default() += 1;
    }

    /// The rules `policy` declares (`None`: a plugin built before contract
    /// 1.4.0, which declares none).
    pub(super) fn declare(&mut self, policy: &str, rules: Option<&[String]>) {
        let coverage = self.policies.entry(policy.to_owned()).or_default();
        coverage.declared = rules.is_some();
        for rule in rules.unwrap_or_default() {
            coverage.rules.entry(rule.clone()).or_default();
        }
    }

    /// The coverage table: each policy's rules with their case counts, and the
    /// share of declared rules that at least one passing case exercised.
    pub(super) fn report(&self) -> String {
        let mut text = String::from("\ncoverage (passing cases in which each rule fired):\n");
        for (policy, coverage) in &self.policies {
            match coverage.percent() {
                Some(percent) => {
                    let _ = writeln!(
                        text,
                        "  {policy}: {percent:.0} % of {} declared rules",
                        coverage.rules.len()
                    );
                }
                None if coverage.declared => {
                    let _ = writeln!(text, "  {policy}: declares no rules");
                }
                None => {
                    let _ = writeln!(
                        text,
                        "  {policy}: declares no rules (contract before 1.4.0): the rules its cases exercised"
                    );
                }
            }
            for (rule, cases) in &coverage.rules {
                let _ = writeln!(text, "    {cases:>4}  {rule}");
            }
        }
        text
    }

    /// The policies whose coverage is below `min` percent, with their coverage.
    /// A policy that declares no rules cannot be measured and counts as 0 %.
    pub(super) fn below(&self, min: f64) -> Vec<(String, f64)> {
        self.policies
            .iter()
            .map(|(id, c)| (id.clone(), c.percent().unwrap_or(0.0)))
            .filter(|(_, percent)| *percent < min)
            .collect()
    }
}

impl PolicyCoverage {
    fn percent(&self) -> Option<f64> {
        if !self.declared || self.rules.is_empty() {
            return None;
        }
        let covered = self.rules.values().filter(|&&n| n > 0).count();
        Some(100.0 * covered as f64 / self.rules.len() as f64)
    }
}

/// The rule ids `plugin` declares (`None` for a plugin built before contract
/// 1.4.0, which has no rule catalogue).
pub(super) fn declared_rules(plugin: &Plugin) -> Option<Vec<String>> {
    plugin
        .rules()
        .map(|rules| rules.iter().map(|r| r.id.clone()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_names_every_case_and_carries_each_failure_escaped() {
        let results = [
            CaseResult {
                suite: "company-rules".into(),
                name: "a.json".into(),
                seconds: 0.5,
                failure: None,
            },
            CaseResult {
                suite: "company-rules".into(),
                name: "b.json".into(),
                seconds: 0.25,
                failure: Some("findings differ <&>\n  expected: deny {\"x\"}".into()),
            },
        ];
        let xml = junit(&results);
        assert!(
            xml.contains("<testsuites name=\"exportctl test\" tests=\"2\" failures=\"1\">"),
            "{xml}"
        );
        assert!(
            xml.contains("<testsuite name=\"company-rules\" tests=\"2\" failures=\"1\">"),
            "{xml}"
        );
        assert!(
            xml.contains("<testcase classname=\"company-rules\" name=\"a.json\" time=\"0.500\"/>"),
            "{xml}"
        );
        assert!(
            xml.contains("<failure message=\"findings differ &lt;&amp;&gt;\">findings differ &lt;&amp;&gt;&#10;  expected: deny {&quot;x&quot;}</failure>"),
            "{xml}"
        );
    }

    #[test]
    fn coverage_counts_declared_rules_no_case_exercised() {
        let mut c = Coverage::default();
        c.add("p", "r1");
        c.add("p", "r1");
        c.declare("p", Some(&["r1".into(), "r2".into()]));
        c.add("old", "x");
        c.declare("old", None);
        c.declare("empty", Some(&[]));
        let report = c.report();
        assert!(report.contains("p: 50 % of 2 declared rules"), "{report}");
        assert!(report.contains("   2  r1"), "{report}");
        assert!(report.contains("   0  r2"), "{report}");
        assert!(
            report.contains("old: declares no rules (contract before 1.4.0)"),
            "{report}"
        );
        assert!(report.contains("  empty: declares no rules\n"), "{report}");
        assert_eq!(
            c.below(60.0),
            vec![
                ("empty".into(), 0.0),
                ("old".into(), 0.0),
                ("p".into(), 50.0)
            ]
        );
        assert!(
            c.below(50.0)
                .iter()
                .all(|(id, _)| id == "old" || id == "empty")
        );
    }
}
