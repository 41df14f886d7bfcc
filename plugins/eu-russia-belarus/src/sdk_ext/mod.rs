//! Helpers that belong in `exportctl-sdk` rather than in this policy: nothing in them is
//! specific to the EU sanctions on Russia and Belarus. They are kept here, apart from the
//! rules, until the SDK offers them; the rules use them only through these paths.
//!
//! - [`regions`]: named, sourced sets of ISO 3166-2 subdivisions (like
//!   `exportctl_sdk::country_sets`), with Crimea/Sevastopol and the Ukrainian oblasts of
//!   the EU region embargoes.
//! - [`annex_vii_code`]: the control codes of Annex VII of Reg. (EU) 833/2014
//!   (`X.A.I.001`), which the SDK's `ControlCode` keeps as `Other`.
//! - [`eu_licence`]: whether a licence was issued in the EU (by the Union or a member
//!   state), since `Shipment::licence_covers` takes one jurisdiction only.
//! - [`hs_index`]: an HS table looked up in logarithmic time (`HsList::lookup` is linear
//!   and compares text, too slow for 10,000-line shipments on a fuel budget).

pub mod annex_vii_code;
pub mod eu_licence;
pub mod hs_index;
pub mod regions;
