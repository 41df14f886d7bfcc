//! Judging off the async reactor: a fixed pool of OS threads, one per core by
//! default, each owning a [`Worker`]. Judging is CPU-bound (wasm in a sandbox),
//! so it must not run on the threads that drive connections.
//!
//! A job carries the `Arc<Host>` it is to be judged with; a thread whose worker
//! belongs to another host makes a new worker first. So a set swapped in later
//! is picked up by each thread on its next job, and a job started on a
//! generation finishes on it.

use super::metrics::Metrics;
use exportctl::{Host, Worker};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// Work for one judging thread: runs with that thread's worker for the job's host.
type Task = Box<dyn FnOnce(&mut Worker) + Send>;

struct Job {
    host: Arc<Host>,
    task: Task,
}

/// Why a job was not run.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// Every thread is busy and the queue is full: back-pressure.
    #[error("all {0} judging threads are busy and the queue is full")]
    Saturated(usize),
    /// The pool is shutting down, or the job panicked.
    #[error("the judging pool has stopped")]
    Stopped,
}

/// A fixed pool of judging threads.
pub struct JudgePool {
    tx: Option<SyncSender<Job>>,
    threads: Vec<JoinHandle<()>>,
}

impl JudgePool {
    /// Starts `threads` judging threads with a queue of `queue` jobs; each
    /// policy's time on each shipment goes to `metrics`.
    pub fn start(
        threads: usize,
        queue: usize,
        metrics: Arc<Metrics>,
    ) -> std::io::Result<JudgePool> {
        let (tx, rx) = mpsc::sync_channel::<Job>(queue);
        let rx = Arc::new(Mutex::new(rx));
        let handles = (0..threads)
            .map(|i| {
                let rx = Arc::clone(&rx);
                let metrics = Arc::clone(&metrics);
                std::thread::Builder::new()
                    .name(format!("exportctl-judge-{i}"))
                    .spawn(move || run_thread(&rx, &metrics))
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(JudgePool {
            tx: Some(tx),
            threads: handles,
        })
    }

    /// Runs `f` on a judging thread with a worker of `host` and returns its result.
    pub async fn run<T: Send + 'static>(
        &self,
        host: Arc<Host>,
        f: impl FnOnce(&mut Worker) -> T + Send + 'static,
    ) -> Result<T, PoolError> {
        let (reply, done) = oneshot::channel();
        let task: Task = Box::new(move |worker| {
            // The caller may have gone (timeout); its result is then dropped.
            let _ = reply.send(f(worker));
        });
        let tx = self.tx.as_ref().ok_or(PoolError::Stopped)?;
        tx.try_send(Job { host, task }).map_err(|e| match e {
            TrySendError::Full(_) => PoolError::Saturated(self.threads.len()),
            TrySendError::Disconnected(_) => PoolError::Stopped,
        })?;
        done.await.map_err(|_| PoolError::Stopped)
    }

    /// Lets queued jobs finish and joins every thread.
    pub fn shutdown(&mut self) {
        self.tx.take();
        for handle in self.threads.drain(..) {
            let _ = handle.join();
        }
    }
}

impl Drop for JudgePool {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run_thread(rx: &Mutex<Receiver<Job>>, metrics: &Arc<Metrics>) {
    let mut worker: Option<Worker> = None;
    loop {
        // The lock is held only while taking a job, never while judging.
        let job = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(Job { host, task }) = job else {
            return;
        };
        let mut current = match worker.take() {
            Some(w) if Arc::ptr_eq(w.host(), &host) => w,
            _ => {
                let metrics = Arc::clone(metrics);
                host.worker()
                    .on_timing(move |policy, took| metrics.evaluated(policy, took))
            }
        };
        // A task that panics loses its answer (the caller sees `Stopped`), not
        // the thread; its worker, perhaps half-way through, is not reused.
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| task(&mut current)));
        if ran.is_ok() {
            worker = Some(current);
        }
    }
}
