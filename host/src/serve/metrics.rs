//! `GET /metrics`: what the service has done, in the OpenMetrics text format
//! Prometheus scrapes.
//!
//! One explicit registry per service (no process-wide globals, so tests can run
//! several services in one process). Every family is named `exportctl_…`:
//!
//! | family | type | labels |
//! |---|---|---|
//! | `decisions_total` | counter | `outcome`, `mode` (`enforce`, `simulate`) |
//! | `policy_evaluation_seconds` | histogram | `policy` |
//! | `policy_errors_total` | counter | `policy` |
//! | `audit_append_seconds` | histogram | — (from hand-over to durable) |
//! | `audit_append_failures_total` | counter | — |
//! | `reloads_total` | counter | `result` (`loaded`, `refused`, `rolled_back`) |
//! | `policy_set_generation` | gauge | — |
//! | `requests_in_flight` | gauge | — |
//! | `requests_rejected_total` | counter | `reason` (`overloaded`, `timeout`, `too_large`) |
//!
//! Series with fixed labels exist at zero from the start; a policy's series
//! appear with its first evaluation.

use exportctl::Verdict;
use exportctl_audit::RecordError;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::time::Duration;

/// The media type `/metrics` answers with.
pub const OPENMETRICS_TEXT: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// A decision's labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DecisionLabels {
    outcome: &'static str,
    mode: &'static str,
}

/// A policy's label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PolicyLabels {
    policy: String,
}

/// How a reload ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReloadResult {
    /// A new generation serves.
    Loaded,
    /// The set could not be loaded; the old generation keeps serving.
    Refused,
    /// The previous generation serves again.
    RolledBack,
}

impl ReloadResult {
    fn as_str(self) -> &'static str {
        match self {
            ReloadResult::Loaded => "loaded",
            ReloadResult::Refused => "refused",
            ReloadResult::RolledBack => "rolled_back",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReloadLabels {
    result: &'static str,
}

/// Why a request was refused before it was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Too many requests in flight, or the judging queue is full (503).
    Overloaded,
    /// No answer within the request timeout (503).
    Timeout,
    /// The body is over the configured limit (413).
    TooLarge,
}

impl Rejection {
    fn as_str(self) -> &'static str {
        match self {
            Rejection::Overloaded => "overloaded",
            Rejection::Timeout => "timeout",
            Rejection::TooLarge => "too_large",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RejectionLabels {
    reason: &'static str,
}

/// A histogram for times from microseconds to seconds: 1 µs × 2ⁿ, n < 24
/// (the last bound is about 8.4 s).
fn seconds_histogram() -> Histogram {
    Histogram::new(exponential_buckets(1e-6, 2.0, 24))
}

/// Every metric of one service.
pub struct Metrics {
    registry: Registry,
    decisions: Family<DecisionLabels, Counter>,
    evaluation: Family<PolicyLabels, Histogram, fn() -> Histogram>,
    policy_errors: Family<PolicyLabels, Counter>,
    audit_append: Histogram,
    audit_failures: Counter,
    reloads: Family<ReloadLabels, Counter>,
    generation: Gauge,
    in_flight: Gauge,
    rejected: Family<RejectionLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    /// Every family registered, all at zero.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("exportctl");
        let decisions = Family::<DecisionLabels, Counter>::default();
        registry.register(
            "decisions",
            "Verdicts answered, by outcome and mode",
            decisions.clone(),
        );
        let evaluation: Family<PolicyLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(seconds_histogram);
        registry.register(
            "policy_evaluation_seconds",
            "Wall time of one policy on one shipment (sandbox, call, output check)",
            evaluation.clone(),
        );
        let policy_errors = Family::<PolicyLabels, Counter>::default();
        registry.register(
            "policy_errors",
            "Policies that could not judge a shipment (a policy-error finding, failing closed)",
            policy_errors.clone(),
        );
        let audit_append = seconds_histogram();
        registry.register(
            "audit_append_seconds",
            "Time from handing a decision record to the writer until it is durable",
            audit_append.clone(),
        );
        let audit_failures = Counter::default();
        registry.register(
            "audit_append_failures",
            "Decision records that could not be written (their verdicts were withheld)",
            audit_failures.clone(),
        );
        let reloads = Family::<ReloadLabels, Counter>::default();
        registry.register(
            "reloads",
            "Policy-set reloads and rollbacks, by result",
            reloads.clone(),
        );
        let generation = Gauge::default();
        registry.register(
            "policy_set_generation",
            "The generation of the active policy set",
            generation.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "requests_in_flight",
            "API requests being handled",
            in_flight.clone(),
        );
        let rejected = Family::<RejectionLabels, Counter>::default();
        registry.register(
            "requests_rejected",
            "API requests refused before an answer, by reason",
            rejected.clone(),
        );
        // Every fixed label set at zero from the start, so a rate over a
        // series that has not happened yet is 0, not absent.
        for outcome in ["allow", "review", "licence_required", "deny"] {
            for mode in ["enforce", "simulate"] {
                let _ = decisions.get_or_create(&DecisionLabels { outcome, mode });
            }
        }
        for result in [
            ReloadResult::Loaded,
            ReloadResult::Refused,
            ReloadResult::RolledBack,
        ] {
            let _ = reloads.get_or_create(&ReloadLabels {
                result: result.as_str(),
            });
        }
        for reason in [
            Rejection::Overloaded,
            Rejection::Timeout,
            Rejection::TooLarge,
        ] {
            let _ = rejected.get_or_create(&RejectionLabels {
                reason: reason.as_str(),
            });
        }
        Metrics {
            registry,
            decisions,
            evaluation,
            policy_errors,
            audit_append,
            audit_failures,
            reloads,
            generation,
            in_flight,
            rejected,
        }
    }

    /// Counts an answered verdict and every policy of it that failed.
    pub fn judged(&self, verdict: &Verdict, mode: &'static str) {
        self.decisions
            .get_or_create(&DecisionLabels {
                outcome: verdict.outcome.as_str(),
                mode,
            })
            .inc();
        for report in verdict.policies.iter().filter(|p| p.error.is_some()) {
            self.policy_errors
                .get_or_create(&PolicyLabels {
                    policy: report.id.to_string(),
                })
                .inc();
        }
    }

    /// [`Metrics::judged`] for a verdict already in its JSON form (`verdict.md`).
    pub fn judged_json(&self, verdict: &serde_json::Value, mode: &'static str) {
        let outcome = match verdict["outcome"].as_str() {
            Some("allow") => "allow",
            Some("review") => "review",
            Some("licence_required") => "licence_required",
            _ => "deny",
        };
        self.decisions
            .get_or_create(&DecisionLabels { outcome, mode })
            .inc();
        for report in verdict["policies"].as_array().into_iter().flatten() {
            if !report["error"].is_null() {
                self.policy_errors
                    .get_or_create(&PolicyLabels {
                        policy: report["id"].as_str().unwrap_or_default().to_owned(),
                    })
                    .inc();
            }
        }
    }

    /// Records how long `policy` took on one shipment.
    pub fn evaluated(&self, policy: &str, took: Duration) {
        self.evaluation
            .get_or_create(&PolicyLabels {
                policy: policy.to_owned(),
            })
            .observe(took.as_secs_f64());
    }

    /// Records a decision record made durable after `took`.
    pub fn appended(&self, took: Duration) {
        self.audit_append.observe(took.as_secs_f64());
    }

    /// Records how waiting for a record handed over `took` ago ended: durable,
    /// failed, or refused for its request id (the caller's mistake, not the store's).
    pub fn waited<T>(&self, result: &Result<T, RecordError>, took: Duration) {
        match result {
            Ok(_) => self.appended(took),
            Err(RecordError::RequestIdConflict { .. }) => {}
            Err(_) => self.append_failed(),
        }
    }

    /// Counts a decision record that could not be written.
    pub fn append_failed(&self) {
        self.audit_failures.inc();
    }

    /// Counts a reload or rollback.
    pub fn reloaded(&self, result: ReloadResult) {
        self.reloads
            .get_or_create(&ReloadLabels {
                result: result.as_str(),
            })
            .inc();
    }

    /// Sets the active generation.
    pub fn serving(&self, generation: u64) {
        self.generation
            .set(i64::try_from(generation).unwrap_or(i64::MAX));
    }

    /// Counts a request as in flight until the guard is dropped.
    pub fn in_flight(&self) -> InFlight {
        self.in_flight.inc();
        InFlight(self.in_flight.clone())
    }

    /// Counts a refused request.
    pub fn rejected(&self, reason: Rejection) {
        self.rejected
            .get_or_create(&RejectionLabels {
                reason: reason.as_str(),
            })
            .inc();
    }

    /// The OpenMetrics text of every family.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}

/// A request in flight; dropping it ends the count.
pub struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of one sample line of `text`, e.g. `exportctl_requests_in_flight`.
    fn sample(text: &str, name: &str) -> Option<f64> {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
    }

    #[test]
    fn every_family_is_exposed_before_anything_happens() {
        let text = Metrics::new().render();
        for family in [
            "exportctl_decisions",
            "exportctl_audit_append_seconds",
            "exportctl_audit_append_failures",
            "exportctl_reloads",
            "exportctl_policy_set_generation",
            "exportctl_requests_in_flight",
            "exportctl_requests_rejected",
        ] {
            assert!(
                text.contains(&format!("# TYPE {family} ")),
                "{family} missing from\n{text}"
            );
        }
        assert!(text.ends_with("# EOF\n"));
        assert_eq!(
            sample(
                &text,
                "exportctl_decisions_total{outcome=\"deny\",mode=\"enforce\"}"
            ),
            Some(0.0)
        );
    }

    #[test]
    fn counts_reach_the_text() {
        let metrics = Metrics::new();
        metrics.serving(7);
        metrics.reloaded(ReloadResult::Refused);
        metrics.rejected(Rejection::Overloaded);
        metrics.rejected(Rejection::Overloaded);
        metrics.evaluated("us-ear", Duration::from_micros(3));
        metrics.appended(Duration::from_millis(2));
        metrics.append_failed();
        let guard = metrics.in_flight();
        let text = metrics.render();
        assert_eq!(sample(&text, "exportctl_policy_set_generation"), Some(7.0));
        assert_eq!(sample(&text, "exportctl_requests_in_flight"), Some(1.0));
        assert_eq!(
            sample(&text, "exportctl_reloads_total{result=\"refused\"}"),
            Some(1.0)
        );
        assert_eq!(
            sample(
                &text,
                "exportctl_requests_rejected_total{reason=\"overloaded\"}"
            ),
            Some(2.0)
        );
        assert_eq!(
            sample(
                &text,
                "exportctl_policy_evaluation_seconds_count{policy=\"us-ear\"}"
            ),
            Some(1.0)
        );
        assert_eq!(
            sample(&text, "exportctl_audit_append_seconds_count"),
            Some(1.0)
        );
        assert_eq!(
            sample(&text, "exportctl_audit_append_failures_total"),
            Some(1.0)
        );
        drop(guard);
        let text = metrics.render();
        assert_eq!(sample(&text, "exportctl_requests_in_flight"), Some(0.0));
    }
}
