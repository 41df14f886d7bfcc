//! The JetStream streams and the workers' consumer (`sdk/spec/queue.md`).
//!
//! - `EXPORTCTL_JOBS`, a work-queue stream on `exportctl.jobs.<job>.chunks`: a
//!   chunk is removed once a worker acknowledges it, so each is judged to the end
//!   by one worker at a time.
//! - `EXPORTCTL_RESULTS`, on `exportctl.jobs.<job>.results` (one message per
//!   chunk), `.dead` (chunks no worker could finish, and foreign messages) and
//!   `.published` (the job's size, sent last by the publisher); kept a week.
//!
//! Both de-duplicate on `Nats-Msg-Id` for ten minutes, far longer than a
//! publisher retries, so a retried publish is stored once. Whoever comes first
//! (a worker or a publisher) creates them; later callers use them as they are.

use super::NatsError;
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, PullConsumer, pull};
use async_nats::jetstream::stream::{Config, RetentionPolicy, StorageType, Stream};
use async_nats::jetstream::{self, Context};
use std::time::Duration;

/// The work-queue stream of chunks.
pub(crate) const JOBS: &str = "EXPORTCTL_JOBS";
/// The stream of results, dead letters and job sizes.
pub(crate) const RESULTS: &str = "EXPORTCTL_RESULTS";
/// The durable consumer every worker pulls from.
pub(crate) const WORKERS: &str = "exportctl-workers";

/// Deliveries of a chunk that may be judged. One more is made: the worker that
/// gets it sends the chunk to the dead-letter subject instead of judging it.
pub(crate) const MAX_DELIVER: i64 = 5;

/// The publisher's de-duplication window.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(600);
/// How long results stay for collectors and `job status`.
const RESULTS_KEPT: Duration = Duration::from_secs(7 * 24 * 3600);

/// The subject of a job's chunks.
pub(crate) fn chunks(job: &str) -> String {
    format!("exportctl.jobs.{job}.chunks")
}

/// The subject of a job's results.
pub(crate) fn results(job: &str) -> String {
    format!("exportctl.jobs.{job}.results")
}

/// The dead-letter subject of a job.
pub(crate) fn dead(job: &str) -> String {
    format!("exportctl.jobs.{job}.dead")
}

/// The subject of a job's size, published once every chunk is.
pub(crate) fn published(job: &str) -> String {
    format!("exportctl.jobs.{job}.published")
}

/// The job a chunk subject names (`exportctl.jobs.<job>.chunks`).
pub(crate) fn job_of(subject: &str) -> Option<&str> {
    let rest = subject.strip_prefix("exportctl.jobs.")?;
    let (job, kind) = rest.split_once('.')?;
    (!job.is_empty() && !kind.contains('.')).then_some(job)
}

/// Whether `job` is a valid job id: 1–64 of `A-Z a-z 0-9 _ -` (one subject token).
pub(crate) fn valid_job(job: &str) -> bool {
    (1..=64).contains(&job.len())
        && job
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Both streams, created if missing.
pub(crate) async fn streams(js: &Context, url: &str) -> Result<(Stream, Stream), NatsError> {
    let setup = |what: &'static str| {
        move |e: &dyn std::fmt::Display| NatsError::Setup {
            url: url.to_owned(),
            what,
            cause: e.to_string(),
        }
    };
    let jobs = js
        .get_or_create_stream(Config {
            name: JOBS.to_owned(),
            subjects: vec!["exportctl.jobs.*.chunks".to_owned()],
            retention: RetentionPolicy::WorkQueue,
            storage: StorageType::File,
            duplicate_window: DUPLICATE_WINDOW,
            ..Config::default()
        })
        .await
        .map_err(|e| setup("the stream EXPORTCTL_JOBS")(&e))?;
    let results = js
        .get_or_create_stream(Config {
            name: RESULTS.to_owned(),
            subjects: vec![
                "exportctl.jobs.*.results".to_owned(),
                "exportctl.jobs.*.dead".to_owned(),
                "exportctl.jobs.*.published".to_owned(),
            ],
            retention: RetentionPolicy::Limits,
            storage: StorageType::File,
            duplicate_window: DUPLICATE_WINDOW,
            max_age: RESULTS_KEPT,
            ..Config::default()
        })
        .await
        .map_err(|e| setup("the stream EXPORTCTL_RESULTS")(&e))?;
    Ok((jobs, results))
}

/// The workers' consumer, created with `ack_wait` if missing. A chunk not
/// acknowledged within `ack_wait` goes to another worker; it must be above the
/// slowest chunk's time.
pub(crate) async fn workers(
    jobs: &Stream,
    url: &str,
    ack_wait: Duration,
) -> Result<PullConsumer, NatsError> {
    jobs.get_or_create_consumer(
        WORKERS,
        pull::Config {
            durable_name: Some(WORKERS.to_owned()),
            ack_policy: AckPolicy::Explicit,
            ack_wait,
            max_deliver: MAX_DELIVER + 1,
            ..pull::Config::default()
        },
    )
    .await
    .map_err(|e| NatsError::Setup {
        url: url.to_owned(),
        what: "the workers' consumer",
        cause: e.to_string(),
    })
}

/// Every message on `subject` (one subject: servers before 2.10 take no
/// wildcard filter on a stream of several subjects), from the first, in order.
pub(crate) async fn follow(
    stream: &Stream,
    subject: String,
    url: &str,
) -> Result<pull::Ordered, NatsError> {
    let setup = |e: &dyn std::fmt::Display| NatsError::Setup {
        url: url.to_owned(),
        what: "a consumer of the results",
        cause: e.to_string(),
    };
    stream
        .create_consumer(pull::OrderedConfig {
            filter_subject: subject,
            deliver_policy: DeliverPolicy::All,
            ..pull::OrderedConfig::default()
        })
        .await
        .map_err(|e| setup(&e))?
        .messages()
        .await
        .map_err(|e| setup(&e))
}

/// Connects to the server at `url` and opens JetStream. A server that does not
/// answer is an error at once (the client retries only once connected).
pub(crate) async fn connect(url: &str) -> Result<Context, NatsError> {
    let client = async_nats::ConnectOptions::new()
        .connection_timeout(Duration::from_secs(5))
        .connect(url)
        .await
        .map_err(|e| NatsError::Unreachable {
            url: url.to_owned(),
            cause: e.to_string(),
        })?;
    Ok(jetstream::new(client))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_name_the_job() {
        assert_eq!(job_of(&chunks("j-1")), Some("j-1"));
        assert_eq!(job_of("exportctl.jobs.j.chunks.x"), None);
        assert_eq!(job_of("other.j.chunks"), None);
        assert!(valid_job("2026-12-03_a"));
        assert!(!valid_job("a.b") && !valid_job("*") && !valid_job(""));
    }
}
