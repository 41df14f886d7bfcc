//! Native tests of a policy: its case files and compact test shipments.
//!
//! Only for tests: enable the `testing` feature in a plugin's `[dev-dependencies]`, never
//! in its `[dependencies]`, so none of this is compiled into the plugin's WebAssembly.
//!
//! - [`CaseSuite`] runs the files under `tests/cases/<policy>/` (format in
//!   `tests/cases/README.md`) against a policy as plain Rust, exactly as the end-to-end
//!   suite runs them through the `exportctl` binary, and panics with expected against
//!   actual findings for every case that fails. [`run_cases`], [`check_findings`] and
//!   [`coverage`] are the steps it is made of; [`case_tests!`](crate::case_tests) writes
//!   the usual tests of a policy's `tests/cases.rs` with it in one invocation.
//! - [`Doc`] builds a valid shipment document field by field, so a rule's unit test
//!   states only what matters to it.
//!
//! ```no_run
//! # use exportctl_sdk::{Date, Finding, Metadata, NoSettings, Outcome, Policy, Rule, Shipment};
//! # struct MyPolicy;
//! # const MY_RULE: Rule = Rule::new("my-rule", "Law 1 Art. 2").describe("what it catches");
//! # impl Policy for MyPolicy {
//! #     type Settings = NoSettings;
//! #     const RULES: &'static [Rule] = &[MY_RULE];
//! #     fn metadata() -> Metadata { unimplemented!() }
//! #     fn new(_: NoSettings) -> Result<Self, String> { Ok(MyPolicy) }
//! #     fn evaluate(&self, _: &Shipment) -> Vec<Finding> { Vec::new() }
//! # }
//! use exportctl_sdk::testing::CaseSuite;
//!
//! let suite = CaseSuite::<MyPolicy>::new(env!("CARGO_MANIFEST_DIR"), "my-policy");
//! suite.run(10, |_finding| Ok(()));
//! suite.assert_rules_declared();
//! suite.assert_covers(&[Outcome::Allow, Outcome::Deny]);
//! ```

#![allow(
    clippy::panic,
    reason = "test helpers: a failing case or an invalid test document fails the test"
)]

mod cases;
mod doc;
mod suite;

pub use cases::{
    Case, CaseRun, Coverage, Expect, ExpectedFinding, check_findings, coverage, expected_findings,
    load_cases, mismatch, run_cases,
};
pub use doc::Doc;
pub use suite::CaseSuite;
