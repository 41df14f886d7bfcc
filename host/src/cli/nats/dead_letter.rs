//! Dead letters (`sdk/spec/queue.md`): what a message sent to a job's
//! dead-letter subject carries, and the watch for chunks whose last delivery
//! was not finished.
//!
//! When the last allowed delivery of a chunk is not acknowledged in time (its
//! worker was killed, say), the server gives up on it and says so on
//! `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`; the chunk
//! stays in the work-queue stream, delivered to no one. Workers and publishers
//! of the set watch that subject: the first to see an announcement sends the
//! chunk to its job's dead-letter subject with the reason, then deletes it from
//! the work queue. The dead letter's message id makes a second sender harmless,
//! and the publisher, which reads the dead-letter subject, reports the chunk at
//! once instead of waiting out its `--wait`.

use super::NatsError;
use super::stream::{self, CHUNKS};
use async_nats::jetstream::Context;
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::stream::Stream;
use async_nats::{HeaderMap, Subscriber};
use futures_util::StreamExt;
use serde::Deserialize;

/// What a dead letter says of itself, besides its payload.
pub(super) fn headers(subject: &str, sequence: u64, chunk: Option<u64>, why: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("Exportctl-Subject", subject);
    headers.insert("Exportctl-Stream-Sequence", sequence.to_string().as_str());
    if let Some(chunk) = chunk {
        headers.insert("Exportctl-Chunk", chunk.to_string().as_str());
    }
    // Header values are one line.
    headers.insert("Exportctl-Reason", why.replace(['\r', '\n'], " ").as_str());
    headers
}

/// Sends `payload` to the dead-letter subject of `job` under the message id `id`.
pub(super) async fn send(
    js: &Context,
    url: &str,
    job: &str,
    id: &str,
    headers: HeaderMap,
    payload: Vec<u8>,
) -> Result<(), NatsError> {
    let subject = stream::dead(job);
    let lost = |e: &dyn std::fmt::Display| NatsError::Lost {
        url: url.to_owned(),
        cause: format!("publishing to {subject}: {e}"),
    };
    let message = PublishMessage::build()
        .payload(payload.into())
        .headers(headers)
        .message_id(id);
    js.send_publish(subject.clone(), message)
        .await
        .map_err(|e| lost(&e))?
        .await
        .map_err(|e| lost(&e))?;
    Ok(())
}

/// The server's announcement (`io.nats.jetstream.advisory.v1.max_deliver`).
#[derive(Debug, Deserialize)]
struct MaxDeliveries {
    stream: String,
    stream_seq: u64,
    deliveries: u64,
}

/// Listens for the announcements of `set`'s chunks; [`watch`] handles them.
/// Subscribed before any chunk is taken or sent, so none is missed.
pub(super) async fn listen(js: &Context, set: &str, url: &str) -> Result<Subscriber, NatsError> {
    js.client()
        .subscribe(stream::max_deliveries(set))
        .await
        .map_err(|e| NatsError::Setup {
            url: url.to_owned(),
            what: "a subscription to the max-deliveries advisories",
            cause: e.to_string(),
        })
}

/// Sends each chunk the server gave up on to its dead-letter subject, as long
/// as the connection lasts. Failures are said on standard error: another
/// watcher of the set may still succeed.
pub(super) async fn watch(mut announcements: Subscriber, js: Context, chunks: Stream, url: String) {
    while let Some(message) = announcements.next().await {
        let Ok(advisory) = serde_json::from_slice::<MaxDeliveries>(&message.payload) else {
            continue;
        };
        if advisory.stream != CHUNKS {
            continue;
        }
        if let Err(e) = give_up(&js, &chunks, &url, &advisory).await {
            eprintln!("error: {e}");
        }
    }
}

async fn give_up(
    js: &Context,
    chunks: &Stream,
    url: &str,
    advisory: &MaxDeliveries,
) -> Result<(), NatsError> {
    let sequence = advisory.stream_seq;
    // Gone: another watcher has sent it already.
    let Ok(message) = chunks.get_raw_message(sequence).await else {
        return Ok(());
    };
    let subject = message.subject.to_string();
    let Some((_, job, chunk)) = stream::parse_chunk(&subject) else {
        return Ok(());
    };
    let why = format!(
        "delivered {} times without being finished (the last worker died or gave up)",
        advisory.deliveries
    );
    eprintln!(
        "error: job {job} chunk {chunk}: {why}; sent to {}",
        stream::dead(job)
    );
    send(
        js,
        url,
        job,
        &format!("{job}:chunk:{chunk}:dead"),
        headers(&subject, sequence, Some(chunk), &why),
        message.payload.to_vec(),
    )
    .await?;
    // Out of the work queue, where nothing would ever take it again.
    let _ = chunks.delete_message(sequence).await;
    Ok(())
}
