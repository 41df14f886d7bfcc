//! `exportctl job status JOB --nats URL`: a job's progress, read from the
//! queue: the policy set it is for, chunks published (once `batch --nats` has
//! sent them all), waiting in the work queue, done and dead; items judged,
//! invalid and recorded.

use super::chunk::{ChunkResult, ItemResult, Published};
use super::{NatsError, runtime, stream};
use crate::cli::ExitStatus;
use async_nats::jetstream::consumer::pull;
use async_nats::jetstream::stream::Stream;
use futures_util::StreamExt;
use std::collections::BTreeSet;
use std::time::Duration;

/// What the queue holds of one job.
#[derive(Default)]
struct Progress {
    /// The digests of the sets named by its chunks and results (one, unless
    /// someone published to the job by hand).
    sets: BTreeSet<String>,
    published: Option<Published>,
    waiting: u64,
    done: BTreeSet<u64>,
    dead: u64,
    judged: u64,
    invalid: u64,
    recorded: u64,
    unreadable: u64,
}

pub(crate) fn run(job: &str, url: &str) -> ExitStatus {
    if !stream::valid_job(job) {
        eprintln!("error: `{job}` is not a job id (1 to 64 of A-Z a-z 0-9 _ -)");
        return ExitStatus::InvalidInput;
    }
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the NATS client: {e}");
            return ExitStatus::Internal;
        }
    };
    match rt.block_on(progress(job, url)) {
        Ok(Some(p)) => {
            print(job, &p);
            ExitStatus::Allow
        }
        Ok(None) => {
            eprintln!("error: NATS server {url} has no message of job {job}");
            ExitStatus::InvalidInput
        }
        Err(e) => {
            eprintln!("error: {e}");
            e.status()
        }
    }
}

fn print(job: &str, p: &Progress) {
    let sets: Vec<&str> = p.sets.iter().map(String::as_str).collect();
    println!("job {job}: set {}", sets.join(", "));
    match &p.published {
        Some(published) => println!(
            "job {job}: published {} chunks, {} items",
            published.chunks, published.items
        ),
        None => println!("job {job}: publishing (not every chunk is out yet)"),
    }
    println!(
        "job {job}: chunks: {} waiting, {} done, {} dead",
        p.waiting,
        p.done.len(),
        p.dead
    );
    println!(
        "job {job}: items: {} judged, {} invalid, {} decisions recorded",
        p.judged, p.invalid, p.recorded
    );
    if p.unreadable > 0 {
        println!(
            "job {job}: {} messages on its results subject are not results",
            p.unreadable
        );
    }
}

async fn progress(job: &str, url: &str) -> Result<Option<Progress>, NatsError> {
    let js = stream::connect(url).await?;
    let (chunks, results) = stream::streams(&js, url).await?;
    let mut p = Progress::default();
    let mut subjects = chunks
        .info_with_subjects(stream::chunks(job))
        .await
        .map_err(|e| lost(url, format!("reading the subjects of a stream: {e}")))?;
    while let Some(found) = subjects.next().await {
        let (subject, n) =
            found.map_err(|e| lost(url, format!("reading the subjects of a stream: {e}")))?;
        p.waiting += n as u64;
        if let Some((set, _, _)) = stream::parse_chunk(&subject) {
            p.sets.insert(set.to_owned());
        }
    }
    let subjects = [
        stream::results(job),
        stream::dead(job),
        stream::published(job),
    ];
    let mut held = [0; 3];
    for (n, subject) in held.iter_mut().zip(&subjects) {
        *n = count(&results, subject, url).await?;
    }
    if held.iter().sum::<u64>() == 0 && p.waiting == 0 {
        return Ok(None);
    }
    p.dead = held[1];
    if held[2] > 0 {
        let mut messages = stream::follow(&results, stream::published(job), url).await?;
        if let Some(message) = next(&mut messages, url).await? {
            p.published = serde_json::from_slice::<Published>(&message.payload).ok();
            if let Some(published) = &p.published {
                p.sets.insert(published.set.clone());
            }
        }
    }
    let mut messages = stream::follow(&results, stream::results(job), url).await?;
    for _ in 0..held[0] {
        let Some(message) = next(&mut messages, url).await? else {
            break;
        };
        match serde_json::from_slice::<ChunkResult>(&message.payload) {
            Ok(result) => {
                p.sets.insert(result.set.clone());
                if p.done.insert(result.chunk) {
                    for item in &result.items {
                        match item {
                            ItemResult::Judged { decision_id, .. } => {
                                p.judged += 1;
                                p.recorded += u64::from(decision_id.is_some());
                            }
                            ItemResult::Screened { .. } => p.judged += 1,
                            ItemResult::Invalid { .. } => p.invalid += 1,
                        }
                    }
                }
            }
            Err(_) => p.unreadable += 1,
        }
    }
    Ok(Some(p))
}

/// The next message, waiting at most 10 s.
async fn next(
    messages: &mut pull::Ordered,
    url: &str,
) -> Result<Option<async_nats::jetstream::Message>, NatsError> {
    match tokio::time::timeout(Duration::from_secs(10), messages.next()).await {
        Ok(Some(Ok(message))) => Ok(Some(message)),
        Ok(Some(Err(e))) => Err(lost(url, e.to_string())),
        Ok(None) | Err(_) => Err(lost(url, "the results stopped coming".to_owned())),
    }
}

/// Messages on `subject` (a filter) in `stream`.
async fn count(stream: &Stream, subject: &str, url: &str) -> Result<u64, NatsError> {
    let mut subjects = stream
        .info_with_subjects(subject)
        .await
        .map_err(|e| lost(url, format!("reading the subjects of a stream: {e}")))?;
    let mut total = 0;
    while let Some(found) = subjects.next().await {
        let (_, n) =
            found.map_err(|e| lost(url, format!("reading the subjects of a stream: {e}")))?;
        total += n as u64;
    }
    Ok(total)
}

fn lost(url: &str, cause: String) -> NatsError {
    NatsError::Lost {
        url: url.to_owned(),
        cause,
    }
}
