//! Checking a policy's settings: every problem at once, each naming its setting.
//!
//! A policy's [`Policy::new`](crate::Policy::new) checks its settings and returns one
//! message naming each bad setting; the host refuses to load the policy set with it.
//! [`Problems`] collects those messages and joins them the one way every policy does,
//! with `; `, so a user who made three mistakes reads all three at once.
//!
//! ```
//! use exportctl_sdk::settings::Problems;
//!
//! fn validate(threshold: u32, words: &[&str]) -> Result<(), String> {
//!     let mut problems = Problems::new();
//!     if threshold == 0 {
//!         problems.push("`threshold` must be at least 1");
//!     }
//!     for (i, word) in words.iter().enumerate() {
//!         if word.is_empty() {
//!             problems.at(&format!("words[{i}]"), "is empty");
//!         }
//!     }
//!     problems.into_result()
//! }
//!
//! assert_eq!(validate(1, &["a"]), Ok(()));
//! assert_eq!(
//!     validate(0, &["a", ""]),
//!     Err("`threshold` must be at least 1; words[1]: is empty".to_owned())
//! );
//! ```
//!
//! The readers below turn the kinds of value most settings hold into what rules use,
//! adding a problem named by its path for each bad entry and keeping the good ones,
//! so one pass over the settings reports every mistake:
//!
//! - [`HsPatterns::read`]: HS chapters, headings and subheadings (`["8526", "93",
//!   "8542.31"]`), looked up by the most specific one a line's code falls under;
//! - [`countries`]: ISO 3166-1 alpha-2 codes, either case;
//! - [`Amount`]: an amount of money, `{ amount = "50000", currency = "EUR" }`.
//!
//! ```
//! use exportctl_sdk::settings::{Amount, HsPatterns, Problems, countries};
//! use exportctl_sdk::{Decimal, HsCode};
//!
//! let mut problems = Problems::new();
//! let goods = HsPatterns::read("goods", &["85".into(), "8542.31".into(), "85A1".into()], &mut problems);
//! let places = countries("places", &["ae".into(), "XX1".into()], &mut problems);
//! let limit = Amount { amount: Decimal::new(-5, 0), currency: "eur".into() }.read("limit", &mut problems);
//!
//! assert_eq!(goods.most_specific(&HsCode::parse("854231").unwrap()), Some("854231"));
//! assert_eq!(places.len(), 1);
//! assert_eq!(limit.currency, "EUR");
//! assert_eq!(
//!     problems.into_result().unwrap_err(),
//!     "goods[2]: \"85A1\" is not an HS chapter, heading or subheading (2, 4 or 6 digits); \
//!      places[1]: \"XX1\" is not an ISO 3166-1 alpha-2 country code (two letters, e.g. \"AE\"); \
//!      limit.amount: -5 is negative (an amount is 0 or more)"
//! );
//! ```

mod amount;
mod countries;
mod hs_patterns;
mod problems;

pub use amount::Amount;
pub use countries::countries;
pub use hs_patterns::HsPatterns;
pub use problems::Problems;
