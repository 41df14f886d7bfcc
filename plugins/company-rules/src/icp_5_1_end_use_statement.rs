//! ICP §5.1 End-use statements: a shipment worth more than the
//! `end_use_statement_threshold` setting needs a signed end-use statement
//! (`end_use.statement()` in the shipment document) before release.
//!
//! "Worth more" is strictly above the threshold: a shipment worth exactly the
//! threshold needs no statement. The value is the total of the lines in the
//! threshold's currency (so a single line above the threshold is always enough).
//!
//! The policy cannot convert currencies: a plugin has no clock, no network and no
//! exchange rates, and rates embedded at build time would be out of date. So a line in
//! another currency is never counted towards the total; instead, when a shipment
//! without a statement has such lines (of a value above zero) and is not already above
//! the threshold, the rule says so with its own rule id, [`OTHER_CURRENCY`], and sends
//! the shipment to review: a person converts the value, or sales obtains the
//! statement. A statement clears both findings; what it says is not checked.

use crate::message;
use crate::settings::Threshold;
use exportctl_sdk::{Decimal, Finding, Line, Rule, Shipment};

/// ICP §5.1: above the threshold, an end-use statement is required.
pub const END_USE_STATEMENT: Rule = Rule::new(
    "icp-5-1-end-use-statement",
    "ICP §5.1 End-use statement above the value threshold (internal rule, rev. 2024-01)",
)
.describe("a shipment above the value threshold without an end-use statement");

/// ICP §5.1, when the shipment's value is in another currency than the threshold's.
pub const OTHER_CURRENCY: Rule = Rule::new(
    "icp-5-1-other-currency",
    "ICP §5.1 End-use statement above the value threshold (internal rule, rev. 2024-01)",
)
.describe("a shipment whose value is in another currency than the end-use statement threshold's");

/// A `review` finding when the shipment has no end-use statement and its value is
/// above `threshold` ([`END_USE_STATEMENT`]) or cannot be compared with it
/// ([`OTHER_CURRENCY`]); `None` when there is no threshold, a statement is given, or
/// the value is at or below the threshold.
pub fn check(shipment: &Shipment, threshold: Option<&Threshold>) -> Option<Finding> {
    let threshold = threshold?;
    if has_statement(shipment) {
        return None;
    }
    let (same, other): (Vec<Line>, Vec<Line>) = shipment
        .lines()
        .iter()
        .partition(|line| line.value().currency() == threshold.currency);
    // Amounts are at most about 7.9e28 each; saturating keeps a huge total "above"
    // instead of panicking (a panic would be a `policy-error` finding).
    let total = same.iter().fold(Decimal::ZERO, |sum, line| {
        sum.saturating_add(line.value().amount())
    });
    let currency = &threshold.currency;
    let limit = format!("{} {currency}", threshold.amount);

    if total > threshold.amount {
        let message = format!(
            "value {total} {currency} ({}) is above the end-use statement threshold of {limit}, \
             and the shipment has no end-use statement. Obtain a signed end-use statement from \
             the end user before release.",
            lines_phrase(&same)
        );
        return Some(
            END_USE_STATEMENT
                .review(message)
                .lines(same.iter().map(|line| line.number())),
        );
    }

    let other: Vec<Line> = other
        .into_iter()
        .filter(|line| !line.value().amount().is_zero())
        .collect();
    if other.is_empty() {
        return None;
    }
    let values = message::list(&other, |line| {
        format!(
            "line {} ({} {})",
            line.number(),
            line.value().amount(),
            line.value().currency()
        )
    });
    let mut message = format!(
        "no end-use statement, and the value of {values} cannot be compared with the end-use \
         statement threshold of {limit}: the policy has no exchange rates."
    );
    if !same.is_empty() {
        message.push_str(&format!(" The {currency} lines total {total} {currency}."));
    }
    message.push_str(&format!(
        " Check the shipment's value in {currency}, or obtain a signed end-use statement, before release."
    ));
    Some(
        OTHER_CURRENCY
            .review(message)
            .lines(other.iter().map(|line| line.number())),
    )
}

/// Whether the shipment carries an end-use statement that is not blank.
fn has_statement(shipment: &Shipment) -> bool {
    shipment
        .end_use()
        .as_ref()
        .and_then(|end_use| end_use.statement())
        .is_some_and(|statement| !statement.trim().is_empty())
}

/// `line 1` or `lines 1, 2 and 3`.
fn lines_phrase(lines: &[Line]) -> String {
    let numbers = message::list(lines, |line| line.number().to_string());
    if lines.len() == 1 {
        format!("line {numbers}")
    } else {
        format!("lines {numbers}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{line, shipment, with_lines};
    use exportctl_sdk::Outcome;
    use serde_json::{Value, json};

    fn eur(amount: &str) -> Threshold {
        Threshold {
            amount: amount.parse().unwrap(),
            currency: "EUR".to_owned(),
        }
    }

    /// A shipment of these `(amount, currency)` lines, checked against 50,000 EUR.
    fn check_values(values: &[(&str, &str)]) -> Option<Finding> {
        check(&shipment(doc(values)), Some(&eur("50000")))
    }

    fn doc(values: &[(&str, &str)]) -> Value {
        let lines: Vec<Value> = values
            .iter()
            .zip(1..)
            .map(|((amount, currency), n)| line(n, "9403.30", amount, currency))
            .collect();
        with_lines(&lines)
    }

    #[test]
    fn exactly_at_the_threshold_needs_no_statement() {
        assert_eq!(check_values(&[("50000.00", "EUR")]), None);
        assert_eq!(check_values(&[("30000", "EUR"), ("20000", "EUR")]), None);
    }

    #[test]
    fn one_cent_above_needs_a_statement() {
        let f = check_values(&[("50000.01", "EUR")]).unwrap();
        assert_eq!(f.rule(), "icp-5-1-end-use-statement");
        assert_eq!(f.outcome(), Outcome::Review);
        assert_eq!(f.get_lines(), [1]);
        assert_eq!(
            f.message(),
            "value 50000.01 EUR (line 1) is above the end-use statement threshold of 50000 EUR, \
             and the shipment has no end-use statement. Obtain a signed end-use statement from \
             the end user before release."
        );
        assert_eq!(
            f.get_legal_basis(),
            "ICP §5.1 End-use statement above the value threshold (internal rule, rev. 2024-01)"
        );
    }

    #[test]
    fn the_shipment_total_counts_when_each_line_is_below() {
        let f = check_values(&[("30000.00", "EUR"), ("20000.50", "EUR"), ("0", "EUR")]).unwrap();
        assert_eq!(f.rule(), "icp-5-1-end-use-statement");
        assert_eq!(f.get_lines(), vec![1, 2, 3]);
        assert!(
            f.message()
                .starts_with("value 50000.50 EUR (lines 1, 2 and 3) is above"),
            "{}",
            f.message()
        );
    }

    #[test]
    fn a_statement_clears_it_but_a_blank_one_does_not() {
        let mut v = doc(&[("80000", "EUR"), ("100", "USD")]);
        v["end_use"] =
            json!({ "statement": "Machining of civil pump housings", "military": false });
        assert_eq!(check(&shipment(v.clone()), Some(&eur("50000"))), None);
        v["end_use"] = json!({ "statement": "  ", "military": false });
        assert!(check(&shipment(v.clone()), Some(&eur("50000"))).is_some());
        v["end_use"] = json!({ "sector": "automotive" });
        assert!(check(&shipment(v), Some(&eur("50000"))).is_some());
    }

    #[test]
    fn no_threshold_no_finding() {
        let s = shipment(doc(&[("9999999", "EUR")]));
        assert_eq!(check(&s, None), None);
    }

    #[test]
    fn another_currency_is_not_converted_but_sent_to_review() {
        let f = check_values(&[("40000.00", "EUR"), ("12000.00", "USD"), ("0", "GBP")]).unwrap();
        assert_eq!(f.rule(), "icp-5-1-other-currency");
        assert_eq!(f.outcome(), Outcome::Review);
        assert_eq!(f.get_lines(), vec![2], "a line worth nothing cannot matter");
        assert_eq!(
            f.message(),
            "no end-use statement, and the value of line 2 (12000.00 USD) cannot be compared with \
             the end-use statement threshold of 50000 EUR: the policy has no exchange rates. \
             The EUR lines total 40000.00 EUR. Check the shipment's value in EUR, or obtain a \
             signed end-use statement, before release."
        );
        assert!(check_values(&[("0.00", "USD")]).is_none());
    }

    #[test]
    fn above_the_threshold_in_its_currency_reports_only_that() {
        let f = check_values(&[("60000", "EUR"), ("10", "USD")]).unwrap();
        assert_eq!(f.rule(), "icp-5-1-end-use-statement");
        assert_eq!(f.get_lines(), vec![1]);
    }

    #[test]
    fn a_zero_threshold_requires_a_statement_for_any_value() {
        let s = shipment(doc(&[("0.01", "EUR")]));
        assert!(check(&s, Some(&eur("0"))).is_some());
        let s = shipment(doc(&[("0", "EUR")]));
        assert!(check(&s, Some(&eur("0"))).is_none());
    }

    #[test]
    fn huge_totals_do_not_overflow() {
        let f = check_values(&[
            ("70000000000000000000000000000", "EUR"),
            ("70000000000000000000000000000", "EUR"),
        ])
        .unwrap();
        assert_eq!(f.rule(), "icp-5-1-end-use-statement");
    }
}
