//! End-to-end tests: the real `exportctl` binary, real plugins, real files.
//!
//! - `examples` — the bundled examples give the outcomes their README states;
//! - `cases` — every policy case under `tests/cases/` gives its expected outcome and rules;
//! - `cli` — formats, exit statuses and input errors, per `verdict.md`;
//! - `sandbox` — hostile plugins fail closed or are refused at load;
//! - `distribution` — signatures, trust stores, bundles and policy versions over time.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test binary: failing loudly is its job"
)]

mod cases;
mod cli;
mod distribution;
mod examples;
mod sandbox;
mod support;
