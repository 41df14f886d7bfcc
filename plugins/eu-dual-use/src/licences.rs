//! Which lines an EU or member-state licence covers, and the licences that would have
//! covered a line but had expired: one answer for every rule of the policy.
//!
//! Reg. (EU) 2021/821 is administered by the member states' competent authorities, so
//! an authorisation is cited with the jurisdiction `EU` or a member state's code
//! ([`exportctl_sdk::Shipment::eu_licence_covering`]). Licences of other jurisdictions
//! say nothing about EU law.

use crate::goods::LineFacts;
use exportctl_sdk::Shipment;

/// Splits `picked` into the lines no valid EU licence covers (first) and those one
/// does, keeping the order.
pub fn unlicensed<'f, 'a>(
    shipment: &Shipment,
    picked: Vec<&'f LineFacts<'a>>,
) -> (Vec<&'f LineFacts<'a>>, Vec<&'f LineFacts<'a>>) {
    picked
        .into_iter()
        .partition(|f| shipment.eu_licence_covering(f.line.number()).is_none())
}

/// A sentence naming the EU licences that cover one of `picked` but expired before the
/// shipment's date, or an empty string.
pub fn expired(shipment: &Shipment, picked: &[&LineFacts<'_>]) -> String {
    let mut found: Vec<String> = Vec::new();
    for licence in &shipment.licences() {
        let Some(until) = licence.valid_until() else {
            continue;
        };
        let covers_one = picked.iter().any(|f| {
            licence
                .lines()
                .as_ref()
                .is_none_or(|lines| lines.contains(&f.line.number()))
        });
        if licence.is_issued_in_eu() && until < shipment.date() && covers_one {
            found.push(format!("`{}` expired on {until}", licence.id()));
        }
    }
    if found.is_empty() {
        String::new()
    } else {
        format!(
            " The cited EU licence {} and does not cover the shipment of {}.",
            found.join(", "),
            shipment.date()
        )
    }
}
