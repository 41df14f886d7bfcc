//! `exportctl batch --nats` and `exportctl worker`: one batch judged by workers on
//! several machines through a NATS JetStream work queue (`sdk/spec/queue.md`).
//!
//! The publisher (`batch --nats`) reads inputs as `batch` does, sends the valid
//! documents in chunks and writes the results in input order as they come back;
//! workers judge, record in the shared store and publish results. The queue's
//! streams are [`stream`]'s, the messages [`chunk`]'s.

pub(super) mod chunk;
mod collect;
mod pieces;
mod publish;
pub(super) mod status;
pub(super) mod stream;
pub(super) mod worker;

pub(super) use publish::run as batch;

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
    /// The job id already has messages on the queue: its results would mix.
    #[error(
        "NATS server {url}: job {job} is in use ({count} messages on {subject}); give another --job"
    )]
    JobInUse {
        /// The server's URL.
        url: String,
        /// The job id.
        job: String,
        /// A subject of the job with messages.
        subject: String,
        /// How many.
        count: usize,
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
            | NatsError::JobInUse { .. } => ExitStatus::InvalidInput,
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
