//! exportctl against its peers, regorus (Rego) and Cedar, on the same rules and the
//! same generated shipments, in one run.
//!
//! Two rules, each stated in every engine as fairly as the engine allows:
//!
//! - [`reference`]: deny when the destination is Russia or Belarus and any line's
//!   HS-6 subheading is one of the 50 CHPL codes. Every engine can say this; the
//!   table it feeds compares the engines themselves.
//! - [`chpl`]: the decision of the `chpl-diversion` policy (its three rules and the
//!   outcome of each). Rego states it over the shipment's lines; Cedar has no
//!   quantifiers over lists, so the host flattens the document into the facts the
//!   policies test, as a Cedar user must (see that module).
//!
//! Beside them, [`floor`] measures what no exportctl policy can go below: an empty
//! policy through the host, and wasmtime instantiating a component on its own.
//!
//! The peers read inputs built from the same validated shipments exportctl judges
//! ([`scenarios`]). Before anything is timed, [`agreement`] checks that every engine
//! reaches the same decision on every shipment and stops at the first disagreement;
//! the crate's test runs that check on a small corpus so a drift fails CI.
//!
//! `cargo bench --manifest-path benches/peers/Cargo.toml` prints the tables (see
//! BENCHMARKS.md, "Against regorus and Cedar"). This crate is a workspace of its
//! own (see its Cargo.toml): the peer engines never reach the product's builds.

pub mod agreement;
pub mod chpl;
mod error;
pub mod floor;
pub mod reference;
pub mod sandbox;
pub mod scenarios;

pub use error::{Disagreement, PeersError};

// The generated corpus of the evaluate benchmark, shared as the host's other
// benchmarks share it (these files stay where they are).
#[allow(dead_code, missing_docs)]
#[path = "../../../host/benches/evaluate/corpus.rs"]
mod corpus;
#[allow(dead_code, missing_docs)]
#[path = "../../../host/benches/evaluate/dates.rs"]
mod dates;
#[allow(dead_code, missing_docs)]
#[path = "../../../host/benches/evaluate/hs_codes.rs"]
mod hs_codes;
#[allow(dead_code, missing_docs)]
#[path = "../../../host/benches/evaluate/scenario.rs"]
mod scenario;

/// The error type the shared corpus modules return.
type BoxError = Box<dyn std::error::Error>;
