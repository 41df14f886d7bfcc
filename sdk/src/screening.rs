//! Screening a business partner on its own, without a shipment (contract 1.1):
//! the [`ScreensParties`] trait a screening policy implements besides
//! [`Policy`](crate::Policy), and the [`ListMatch`] it reports.
//!
//! Exporters re-screen their whole party master (customers, suppliers,
//! forwarders) whenever a list edition changes; wrapping each partner in a
//! made-up shipment would invent a destination, goods and dates. A screening
//! policy instead answers for the party alone, under the law of a given day, and
//! is exported with [`export_screening_policy!`](crate::export_screening_policy).

use crate::{Date, Finding, Party};

/// A list entry a party matches, with the evidence a compliance officer needs
/// to confirm or dismiss it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListMatch {
    /// What the match means (rule, outcome, message, legal basis); its lines and
    /// parties are not used.
    pub finding: Finding,
    /// The list, e.g. `Entity List (EL)`.
    pub list: String,
    /// The list's edition, e.g. `CSL generated 2026-07-31`.
    pub edition: String,
    /// The entry's key: the list's own entry number where it has one, else its
    /// listed name, so the same entry is recognised in the next edition.
    pub entry: String,
    /// The listed name (or alias) that matched.
    pub listed_name: String,
    /// Similarity of the names after adjustments, from 0 to 1.
    pub score: f64,
}

/// A policy that can screen a party on its own (contract 1.1's
/// `party-screener`). The host asks only plugins exported with
/// [`export_screening_policy!`](crate::export_screening_policy).
///
/// ```
/// use exportctl_sdk::{Country, Date, ListMatch, Party, Rule, ScreensParties};
/// # use exportctl_sdk::{Finding, Metadata, NoSettings, Policy, Shipment};
/// # struct Watchlist;
/// # impl Policy for Watchlist {
/// #     type Settings = NoSettings;
/// #     const RULES: &'static [Rule] = &[WATCHLIST];
/// #     fn metadata() -> Metadata { unimplemented!() }
/// #     fn new(_: NoSettings) -> Result<Self, String> { Ok(Watchlist) }
/// #     fn evaluate(&self, _: &Shipment) -> Vec<Finding> { Vec::new() }
/// # }
///
/// const WATCHLIST: Rule = Rule::new("company-watchlist", "Company watchlist, edition 2026-11")
///     .describe("a party on the company watchlist");
///
/// impl ScreensParties for Watchlist {
///     fn screen_party(&self, party: &Party<'_>, _date: Date) -> Vec<ListMatch> {
///         if &*party.name() != "Example Trading LLC" {
///             return Vec::new();
///         }
///         vec![ListMatch {
///             finding: WATCHLIST.review("Example Trading LLC is on the company watchlist"),
///             list: "Company watchlist".into(),
///             edition: "2026-11".into(),
///             entry: "W-17".into(),
///             listed_name: "Example Trading LLC".into(),
///             score: 1.0,
///         }]
///     }
/// }
/// ```
pub trait ScreensParties: crate::Policy {
    /// Every list entry `party` matches under the law of `date`, best first; no
    /// match means nothing found.
    fn screen_party(&self, party: &Party<'_>, date: Date) -> Vec<ListMatch>;
}
