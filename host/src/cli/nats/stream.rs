//! The JetStream streams and the workers' consumers (`sdk/spec/queue.md`).
//!
//! - `EXPORTCTL_CHUNKS`, a work-queue stream on
//!   `exportctl.chunks.<set>.<job>.<chunk>`: a chunk is removed once a worker
//!   acknowledges it, so each is judged to the end by one worker at a time.
//!   `<set>` is the digest of the policy set the publisher judges with; the
//!   workers of one set share one consumer filtered on it, so a worker only
//!   ever takes chunks of the set it loaded (a work-queue stream admits
//!   several consumers only when their filters do not overlap: one per set).
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

/// The work-queue stream of chunks. (Version 1's `EXPORTCTL_JOBS`, on other
/// subjects, may stay beside it: their subjects do not overlap.)
pub(crate) const CHUNKS: &str = "EXPORTCTL_CHUNKS";
/// The stream of results, dead letters and job sizes.
pub(crate) const RESULTS: &str = "EXPORTCTL_RESULTS";

/// Deliveries of a chunk. When the last one is not acknowledged in time, the
/// server announces it ([`max_deliveries`]) and the chunk goes to the
/// dead-letter subject ([`super::expired`]).
pub(crate) const MAX_DELIVER: i64 = 5;

/// The publisher's de-duplication window.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(600);
/// How long results stay for collectors and `job status`.
const RESULTS_KEPT: Duration = Duration::from_secs(7 * 24 * 3600);

/// The subject of one chunk of a job, for the workers of `set`.
pub(crate) fn chunk(set: &str, job: &str, chunk: u64) -> String {
    format!("exportctl.chunks.{set}.{job}.{chunk}")
}

/// Every chunk of a job, whatever its set (a filter).
pub(crate) fn chunks(job: &str) -> String {
    format!("exportctl.chunks.*.{job}.*")
}

/// Every chunk for the workers of `set` (their consumer's filter).
pub(crate) fn set_chunks(set: &str) -> String {
    format!("exportctl.chunks.{set}.*.*")
}

/// The durable consumer the workers of `set` share.
pub(crate) fn workers_name(set: &str) -> String {
    format!("exportctl-workers-{set}")
}

/// The subject on which the server announces that a chunk of `set` was
/// delivered [`MAX_DELIVER`] times without being acknowledged.
pub(crate) fn max_deliveries(set: &str) -> String {
    format!(
        "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{CHUNKS}.{}",
        workers_name(set)
    )
}

/// Where a chunk subject points: (set, job, chunk).
pub(crate) fn parse_chunk(subject: &str) -> Option<(&str, &str, u64)> {
    let rest = subject.strip_prefix("exportctl.chunks.")?;
    let mut tokens = rest.split('.');
    let (set, job, chunk) = (tokens.next()?, tokens.next()?, tokens.next()?);
    if tokens.next().is_some() || set.is_empty() || job.is_empty() {
        return None;
    }
    Some((set, job, chunk.parse().ok()?))
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
            name: CHUNKS.to_owned(),
            subjects: vec!["exportctl.chunks.*.*.*".to_owned()],
            retention: RetentionPolicy::WorkQueue,
            storage: StorageType::File,
            duplicate_window: DUPLICATE_WINDOW,
            ..Config::default()
        })
        .await
        .map_err(|e| setup("the stream EXPORTCTL_CHUNKS")(&e))?;
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

/// The consumer of the workers of `set`, created with `ack_wait` if missing. A
/// chunk not acknowledged within `ack_wait` goes to another worker; it must be
/// above the slowest chunk's time.
pub(crate) async fn workers(
    chunks: &Stream,
    url: &str,
    set: &str,
    ack_wait: Duration,
) -> Result<PullConsumer, NatsError> {
    let name = workers_name(set);
    chunks
        .get_or_create_consumer(
            &name,
            pull::Config {
                durable_name: Some(name.clone()),
                filter_subject: set_chunks(set),
                ack_policy: AckPolicy::Explicit,
                ack_wait,
                max_deliver: MAX_DELIVER,
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

/// Whether a worker of `set` is at the queue now: one waits for a chunk (a pull
/// request is open) or holds one. Workers pull again within a second, so a
/// worker between two pulls is seen on a second look.
pub(crate) async fn consuming(chunks: &Stream, set: &str, url: &str) -> Result<bool, NatsError> {
    use async_nats::jetstream::context::ConsumerInfoErrorKind;
    for look in 0..2 {
        if look > 0 {
            tokio::time::sleep(Duration::from_millis(1500)).await;
        }
        match chunks.consumer_info(workers_name(set)).await {
            Ok(info) if info.num_waiting > 0 || info.num_ack_pending > 0 => return Ok(true),
            Ok(_) => {}
            Err(e) if e.kind() == ConsumerInfoErrorKind::NotFound => return Ok(false),
            Err(e) => {
                return Err(NatsError::Lost {
                    url: url.to_owned(),
                    cause: format!("reading the consumer of set {set}: {e}"),
                });
            }
        }
    }
    Ok(false)
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
    fn subjects_name_the_set_the_job_and_the_chunk() {
        assert_eq!(
            parse_chunk(&chunk("ab12", "j-1", 7)),
            Some(("ab12", "j-1", 7))
        );
        assert_eq!(parse_chunk("exportctl.chunks.s.j.1.x"), None);
        assert_eq!(parse_chunk("exportctl.chunks.s.j.x"), None);
        assert_eq!(parse_chunk("other.chunks.s.j.1"), None);
        assert!(valid_job("2026-12-03_a"));
        assert!(!valid_job("a.b") && !valid_job("*") && !valid_job(""));
    }
}
