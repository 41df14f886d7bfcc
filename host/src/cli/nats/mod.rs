//! `exportctl batch --nats` and `exportctl worker`: one batch judged by workers on
//! several machines through a NATS JetStream work queue (`sdk/spec/queue.md`).
//!
//! The publisher (`batch --nats`) reads inputs as `batch` does, sends the valid
//! documents in chunks and writes the results in input order as they come back;
//! workers judge, record in the shared store and publish results. The queue's
//! streams are [`stream`]'s, the messages [`chunk`]'s.

pub(super) mod chunk;
mod collect;
mod dead_letter;
mod pieces;
mod publish;
mod rescreen;
pub(super) mod status;
pub(super) mod stream;
pub(super) mod worker;

pub(super) use publish::run as batch;
pub(super) use rescreen::{Previous, parties as rescreen_parties};

use super::ExitStatus;

/// What went wrong with the queue.
#[derive(Debug, thiserror::Error)]
pub(crate) enum NatsError {
    /// No NATS server answers at the URL.
    #[error("NATS server {url} cannot be reached: {cause}")]
    Unreachable {
        /// The server's URL.
        url: String,
        /// The client's error.
        cause: String,
    },
    /// A stream or consumer could not be made or opened (JetStream off, say).
    #[error(
        "NATS server {url}: cannot set up {what} (is JetStream on, `nats-server -js`?): {cause}"
    )]
    Setup {
        /// The server's URL.
        url: String,
        /// What.
        what: &'static str,
        /// The server's or client's error.
        cause: String,
    },
    /// The job id has messages of another policy set on the queue: resuming
    /// would mix two sets' results.
    #[error(
        "NATS server {url}: job {job} was published for the policy set of digest {theirs}, not this one \
         ({ours}); give another --job, or the same policy set to resume it"
    )]
    OtherSet {
        /// The server's URL.
        url: String,
        /// The job id.
        job: String,
        /// The digest of the job's set.
        theirs: String,
        /// The digest of this run's set.
        ours: String,
    },
    /// The server went away, or refused a message, during the run.
    #[error("NATS server {url}: {cause}")]
    Lost {
        /// The server's URL.
        url: String,
        /// What failed.
        cause: String,
    },
}

impl NatsError {
    /// A server that is not there or not set up for JetStream is a usage error (2);
    /// one that fails during the run an internal one (1).
    pub(crate) fn status(&self) -> ExitStatus {
        match self {
            NatsError::Unreachable { .. }
            | NatsError::Setup { .. }
            | NatsError::OtherSet { .. } => ExitStatus::InvalidInput,
            NatsError::Lost { .. } => ExitStatus::Internal,
        }
    }
}

/// The client's runtime: one thread drives the connection; judging stays on
/// the caller's threads.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
}
