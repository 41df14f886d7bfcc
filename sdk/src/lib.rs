//! Write export-control policies as plain Rust and run them in the exportctl host.
//!
//! A policy is a type implementing [`Policy`]: it receives a validated, normalised
//! [`Shipment`] and returns [`Finding`]s, each made from a [`Rule`] that cites the
//! law it implements. One line, [`export_policy!`], turns the type into a
//! WebAssembly component the host runs in a sandbox. The same crate compiles
//! natively, so rules are unit-tested with `cargo test` like any Rust function.
//!
//! # Brief overview
//!
//! - [`Shipment`], [`Line`], [`Party`] — the input, already validated by the host,
//!   read through accessor methods in place from the bytes the host hands over.
//! - [`Rule`], [`Finding`], [`Outcome`] — what a policy says, with legal basis;
//!   [`FindingSubject`] — the party and list entry a screening finding is about.
//! - [`Policy`], [`Metadata`], [`export_policy!`] — what a policy is.
//! - Domain helpers: [`HsCode`] / [`HsList`] (chapter, heading, subheading and
//!   national codes; sorted tables looked up by binary search), [`Country`] and
//!   [`country_sets`] (EU27, EAEU, CIS, Annex VIII partners, transshipment-risk
//!   countries), [`RegionSet`] and [`region_sets`] (ISO 3166-2 subdivisions: Crimea and
//!   Sevastopol, the Donetsk/Luhansk and Zaporizhzhia/Kherson oblasts; with
//!   [`RegionSet::named_in`], also found by name in address text), [`Date`] /
//!   [`Period`] (is a rule in force?), [`ControlCode`] (EU/US dual-use entries, EAR99,
//!   ML1–ML22) and [`AnnexViiCode`] (Annex VII of Reg. (EU) 833/2014, `X.A.I.001`).
//! - [`chpl`] — the Common High Priority Items List (23 Feb 2024): the 50 HS-6 codes
//!   with their tiers, embedded at build time from
//!   `sdk/data/chpl/chpl_2024-02-23.csv`.
//! - Questions about a shipment most policies ask: [`Shipment::receiving_parties`]
//!   (consignee, end user, intermediate consignees), [`Shipment::role_name`],
//!   [`Shipment::transit_countries_in`], [`Shipment::licence_covers`] and
//!   [`Shipment::eu_licence_covering`] (a licence of the Union or a member state).
//! - [`reach`] — whether the EU's rules reach a shipment (exporter or origin in the
//!   EU27), the one answer every EU policy shares.
//! - [`entity_name`] — company names reduced for comparison (transliteration, case,
//!   punctuation, the legal-form list: LLP, TOO, OOO, GmbH, …), shared by every policy
//!   that compares names.
//! - [`settings`] — [`settings::Problems`], every problem of a policy's settings at once,
//!   and readers for the usual values: [`settings::HsPatterns`] (owned HS patterns),
//!   [`settings::countries`], [`settings::Amount`] (money).
//! - [`log()`] — the one message channel out of the sandbox.
//!
//! # Crate features
//!
//! - `input` (native only): `input` reads shipment files (JSON, JSON Lines,
//!   TOML) and validates them into [`Shipment`]s; adds `Shipment::from_json`.
//! - `testing` (native only, implies `input`): `testing` runs a policy's case files
//!   natively and builds test shipments. Enable it in a plugin's
//!   `[dev-dependencies]` only, so it is never compiled into the plugin.
//!
//! # Example
//!
//! A rule is a function over the shipment; the policy calls its rules:
//!
//! ```
//! use exportctl_sdk::{country_sets, Finding, HsCode, Rule, Shipment};
//!
//! /// CHPL Tier 1 integrated circuits.
//! const TIER_1: &[&str] = &["854231", "854232", "854233", "854239"];
//! const CHIPS_TO_RUSSIA: Rule =
//!     Rule::new("chips-to-russia", "Reg. (EU) 833/2014 Art. 2a, Annex XL");
//!
//! fn chips_to_russia(shipment: &Shipment) -> Option<Finding> {
//!     if !country_sets::RUSSIA_BELARUS.contains(shipment.destination_country()) {
//!         return None;
//!     }
//!     let lines: Vec<u32> = shipment
//!         .lines()
//!         .filter(|l| TIER_1.iter().any(|p| l.hs_code().matches(p)))
//!         .map(|l| l.number())
//!         .collect();
//!     (!lines.is_empty()).then(|| CHIPS_TO_RUSSIA.deny("integrated circuits to Russia/Belarus").lines(lines))
//! }
//! ```
//!
//! # Borrowed shipments
//!
//! Inside the sandbox a [`Shipment`] is read in place: every accessor reads its field
//! from the bytes the host handed over (`sdk/spec/wire.md`), and text comes back as
//! `&str` borrowed from them, which is why the parts carry a lifetime (`Line<'s>`,
//! `Party<'s>`). Rules that take `&Shipment` and return findings never need to write
//! it. A helper that hands back parts of the shipment names one:
//!
//! ```
//! use exportctl_sdk::{Line, Shipment};
//!
//! /// The lines with a control-list classification.
//! fn classified<'s>(shipment: &'s Shipment) -> Vec<Line<'s>> {
//!     shipment.lines().filter(|l| !l.control_codes().is_empty()).collect()
//! }
//! ```

// Lets the generated bindings name this crate by its public path from inside it.
extern crate self as exportctl_sdk;

#[cfg(target_arch = "wasm32")]
mod allocator;
pub mod chpl;
mod control_code;
mod country;
mod date;
pub mod entity_name;
mod finding;
mod hs;
mod log;
mod policy;
pub mod reach;
mod region;
mod screening;
pub mod settings;
mod shipment;
mod subject;
mod text;
// The wire format's reader and writer: the host's side of the boundary
// (`sdk/spec/wire.md`). Private, so a policy reads a `Shipment` and never bytes;
// what crosses out of it is re-exported below.
mod wire;

#[cfg(feature = "input")]
pub mod input;
#[cfg(feature = "testing")]
pub mod testing;
#[cfg(feature = "validated")]
pub mod validated;

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod bindings;
#[doc(hidden)]
mod export;

pub use control_code::{AnnexViiCode, ControlCode, ListedCode, MilitaryCode, ProductGroup, Regime};
pub use country::{Country, CountrySet, country_sets};
pub use date::{Date, Period};
pub use finding::{
    Finding, FindingParts, MAX_DESCRIPTION_BYTES, MAX_LEGAL_BASIS_BYTES, MAX_MESSAGE_BYTES,
    Outcome, Rule,
};
pub use hs::{HsCode, HsList};
pub use log::{Level, log};
pub use policy::{
    CONTRACT_VERSION, MAX_RULES, Metadata, NoSettings, Policy, configure, rules_problem,
};
pub use region::{NamedRegion, RegionSet, region_sets};
pub use rust_decimal::Decimal;
pub use screening::{ListMatch, ScreensParties};
pub use shipment::{
    Contract, EndUse, Licence, Line, List, Money, OtherParty, Party, PartyPath, PartyRef,
    PartyRole, Shipment, TransportMode,
};
pub use subject::FindingSubject;
pub use text::Text;
pub use wire::{PartyWire, WIRE_FORMAT, WireError};

/// Not public API: paths the generated code and [`export_policy!`] need.
#[doc(hidden)]
pub mod __private {
    #[cfg(target_arch = "wasm32")]
    pub use crate::export::{
        evaluate, evaluate_with_subjects, install_panic_hook, metadata, rules, screen_party,
    };
    #[cfg(target_arch = "wasm32")]
    pub use wit_bindgen;
}
