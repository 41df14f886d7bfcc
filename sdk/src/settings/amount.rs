//! [`Amount`]: an amount of money in a policy's settings.

use super::Problems;
use crate::Decimal;
use serde::Deserialize;

/// An amount of money as a policy's settings give it:
/// `{ amount = "50000", currency = "EUR" }`. The amount may be a TOML string or
/// number; a string is exact, so prefer it for amounts with cents. Compare it with
/// a shipment's [`Money`](crate::Money) of the same currency.
///
/// ```
/// use exportctl_sdk::settings::{Amount, Problems};
///
/// let threshold: Amount = serde_json::from_str(r#"{"amount": "50000.00", "currency": "eur"}"#).unwrap();
/// let mut problems = Problems::new();
/// let threshold = threshold.read("threshold", &mut problems);
/// assert!(problems.is_empty());
/// assert_eq!((threshold.amount.to_string().as_str(), threshold.currency.as_str()), ("50000.00", "EUR"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    /// The amount, 0 or more.
    pub amount: Decimal,
    /// ISO 4217 currency code; upper-case once read.
    pub currency: String,
}

impl Amount {
    /// Checks the amount of the setting at `path`: a negative amount adds a problem
    /// at `path.amount`, a currency that is not three letters one at
    /// `path.currency`. Returns it with its currency upper-case.
    pub fn read(&self, path: &str, problems: &mut Problems) -> Amount {
        if self.amount < Decimal::ZERO {
            problems.at(
                &format!("{path}.amount"),
                format!("{} is negative (an amount is 0 or more)", self.amount),
            );
        }
        let currency = &self.currency;
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_alphabetic()) {
            problems.at(
                &format!("{path}.currency"),
                format!(
                    "{currency:?} is not an ISO 4217 currency code (three letters, e.g. \"EUR\")"
                ),
            );
        }
        Amount {
            amount: self.amount,
            currency: currency.to_ascii_uppercase(),
        }
    }
}
