//! [`CaseSuite`]: the case-file test every policy crate runs, in one place.

use super::cases::{CaseRun, Coverage, check_findings, coverage, run_cases};
use crate::{Finding, Outcome, Policy, Shipment, configure, rules_problem};
use std::collections::BTreeSet;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

/// The case files of policy `P` (`tests/cases/<policy>/` of the workspace) and the
/// shared example shipments (`tests/examples/`), checked natively.
///
/// Every method panics with a message naming each failing case and showing expected
/// against actual findings: it is meant to be called from a `#[test]`.
#[derive(Debug)]
pub struct CaseSuite<P> {
    cases: PathBuf,
    examples: PathBuf,
    policy: PhantomData<P>,
}

impl<P: Policy> CaseSuite<P> {
    /// The cases of `policy` for the plugin crate at `manifest_dir`
    /// (`env!("CARGO_MANIFEST_DIR")` of a crate under `plugins/`).
    pub fn new(manifest_dir: &str, policy: &str) -> CaseSuite<P> {
        let workspace = Path::new(manifest_dir).join("../..");
        CaseSuite {
            cases: workspace.join("tests/cases").join(policy),
            examples: workspace.join("tests/examples"),
            policy: PhantomData,
        }
    }

    /// The cases of `policy` kept in the crate itself, `<manifest_dir>/tests/cases/<policy>/`
    /// (and its examples in `<manifest_dir>/tests/examples/`): the layout of a policy crate
    /// outside this workspace, as `exportctl policy new` creates it.
    pub fn in_crate(manifest_dir: &str, policy: &str) -> CaseSuite<P> {
        let root = Path::new(manifest_dir);
        CaseSuite {
            cases: root.join("tests/cases").join(policy),
            examples: root.join("tests/examples"),
            policy: PhantomData,
        }
    }

    /// The directory the case files are read from.
    pub fn dir(&self) -> &Path {
        &self.cases
    }

    /// Runs every case: its settings through [`configure`], its shipment through the
    /// host's validation, then the worst outcome and the exact rule set are compared
    /// with the case, and every finding must name lines of the shipment, cite a legal
    /// basis and pass `check` (how this policy cites the law). Panics when fewer than
    /// `at_least` cases ran, so a case directory that lost its files fails too.
    /// Returns the runs, for further checks.
    #[track_caller]
    pub fn run(
        &self,
        at_least: usize,
        check: impl Fn(&Finding) -> Result<(), String>,
    ) -> Vec<CaseRun> {
        let runs = run_cases::<P>(&self.cases).unwrap_or_else(|failures| panic!("{failures}"));
        assert!(
            runs.len() >= at_least,
            "expected at least {at_least} cases in `{}`, found {}",
            self.cases.display(),
            runs.len()
        );
        if let Err(e) = check_findings(&runs, check) {
            panic!("{e}");
        }
        runs
    }

    /// Asserts that the cases between them expect exactly the rules the policy
    /// declares ([`Policy::RULES`]) and these outcomes, so every rule of the
    /// policy and every outcome it can give has a case.
    #[track_caller]
    pub fn assert_covers(&self, outcomes: &[Outcome]) {
        let Coverage {
            rules: covered,
            outcomes: reached,
        } = self.coverage();
        let declared: BTreeSet<String> = P::RULES.iter().map(|r| r.id.to_owned()).collect();
        let untested: Vec<&String> = declared.difference(&covered).collect();
        let undeclared: Vec<&String> = covered.difference(&declared).collect();
        assert!(
            untested.is_empty() && undeclared.is_empty(),
            "rules no case expects: {untested:?}; rules the cases expect but the policy does not declare: {undeclared:?}"
        );
        let outcomes: BTreeSet<Outcome> = outcomes.iter().copied().collect();
        assert_eq!(reached, outcomes, "outcomes the cases expect");
    }

    /// Asserts that the policy's rule list is one the host accepts
    /// ([`rules_problem`]): kebab-case ids, each once, each citing its
    /// legal basis and described in one line.
    #[track_caller]
    pub fn assert_rules_declared(&self) {
        assert!(!P::RULES.is_empty(), "the policy declares no rules");
        if let Some(problem) = rules_problem(P::RULES) {
            panic!("{problem}");
        }
    }

    /// Every rule id and outcome the cases expect between them.
    #[track_caller]
    pub fn coverage(&self) -> Coverage {
        coverage(&self.cases).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The findings of `P`, with its default settings, on the shared example `file`
    /// (a name under `tests/examples/`).
    #[track_caller]
    pub fn example_findings(&self, file: &str) -> Vec<Finding> {
        let policy = configure::<P>("{}").unwrap_or_else(|e| panic!("default settings: {e}"));
        let path = self.examples.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()));
        let shipment = Shipment::from_json(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        policy.evaluate(&shipment)
    }

    /// Asserts the worst outcome (`allow` without findings) of `P` on each shared
    /// example.
    #[track_caller]
    pub fn assert_examples(&self, expected: &[(&str, Outcome)]) {
        for (file, outcome) in expected {
            let findings = self.example_findings(file);
            let worst = findings
                .iter()
                .map(|f| f.outcome())
                .max()
                .unwrap_or(Outcome::Allow);
            assert_eq!(worst, *outcome, "{file}: {findings:#?}");
        }
    }
}

/// The case-file tests of a policy crate, in one invocation: in `tests/cases.rs`,
///
/// ```no_run
/// # use exportctl_sdk::{Finding, Metadata, NoSettings, Policy, Rule, Shipment};
/// # struct ChplDiversion;
/// # impl Policy for ChplDiversion {
/// #     type Settings = NoSettings;
/// #     const RULES: &'static [Rule] = &[];
/// #     fn metadata() -> Metadata { unimplemented!() }
/// #     fn new(_: NoSettings) -> Result<Self, String> { Ok(ChplDiversion) }
/// #     fn evaluate(&self, _: &Shipment) -> Vec<Finding> { Vec::new() }
/// # }
/// /// How this policy cites.
/// fn cites_a_chpl_tier(f: &Finding) -> Result<(), String> {
///     if f.get_legal_basis().contains("CHPL (23 Feb 2024) Tier") {
///         Ok(())
///     } else {
///         Err(format!("finding without a tier citation: {f:#?}"))
///     }
/// }
///
/// exportctl_sdk::case_tests! {
///     policy: ChplDiversion,
///     cases: "chpl-diversion",
///     at_least: 14,
///     findings: cites_a_chpl_tier,
///     outcomes: [Allow, Review, Deny],
///     examples: [("de-furniture-to-kz.json", Allow)],
/// }
/// # fn main() { let _ = suite(); }
/// ```
///
/// defines `suite()` (the policy's [`CaseSuite`], for further tests of the file; with
/// `own_cases: "my-policy"` instead of `cases:`, it reads the cases kept in the crate
/// itself, see [`CaseSuite::in_crate`]) and the
/// tests `every_case_gives_its_expected_outcome_and_rules` ([`CaseSuite::run`] with at
/// least `at_least` cases, `findings` checking each finding: how this policy cites),
/// `every_rule_is_declared_and_described` ([`CaseSuite::assert_rules_declared`]),
/// `the_cases_cover_every_rule_and_outcome` ([`CaseSuite::assert_covers`]: every
/// rule of [`Policy::RULES`] has a case, and the cases reach exactly `outcomes`)
/// and, when `examples` is given,
/// `the_shared_examples_match_their_expected_outcomes` ([`CaseSuite::assert_examples`]).
#[macro_export]
macro_rules! case_tests {
    // `own_cases`: the cases are kept in the crate itself (`CaseSuite::in_crate`).
    (
        policy: $policy:ty,
        own_cases: $cases:literal,
        $($tests:tt)*
    ) => {
        /// The case files of this policy.
        fn suite() -> $crate::testing::CaseSuite<$policy> {
            $crate::testing::CaseSuite::in_crate(env!("CARGO_MANIFEST_DIR"), $cases)
        }

        $crate::case_tests!(@tests $($tests)*);
    };
    (
        policy: $policy:ty,
        cases: $cases:literal,
        $($tests:tt)*
    ) => {
        /// The case files of this policy.
        fn suite() -> $crate::testing::CaseSuite<$policy> {
            $crate::testing::CaseSuite::new(env!("CARGO_MANIFEST_DIR"), $cases)
        }

        $crate::case_tests!(@tests $($tests)*);
    };
    (
        @tests
        at_least: $at_least:literal,
        findings: $check:expr,
        outcomes: [$($outcome:ident),* $(,)?]
        $(, examples: [$(($file:literal, $expected:ident)),* $(,)?])?
        $(,)?
    ) => {
        #[test]
        fn every_case_gives_its_expected_outcome_and_rules() {
            suite().run($at_least, $check);
        }

        #[test]
        fn every_rule_is_declared_and_described() {
            suite().assert_rules_declared();
        }

        #[test]
        fn the_cases_cover_every_rule_and_outcome() {
            suite().assert_covers(&[$($crate::Outcome::$outcome),*]);
        }

        $(
            #[test]
            fn the_shared_examples_match_their_expected_outcomes() {
                suite().assert_examples(&[$(($file, $crate::Outcome::$expected)),*]);
            }
        )?
    };
}
