//! How the benchmark measures: passes timed by the CPU clock of the one
//! thread doing the work, a warm-up pass then [`REPS`] timed ones, reported as
//! median [min] per item. CPU time rather than wall time because the machine
//! is small and shared; the wall time is kept only to say how contended a run
//! was ([`cpu_and_wall_ns`]).

use crate::BoxError;
use std::time::Instant;

/// Repetitions of a timed pass (after one warm-up pass); the median is reported.
pub const REPS: usize = 5;
/// CPU time one timed pass of a single-shipment measurement aims at (the
/// number of calls per pass is calibrated to it).
const PASS_NS: f64 = 20e6;

/// Nanoseconds per item: median and minimum over the repetitions.
#[derive(Debug, Clone, Copy)]
pub struct Stat {
    pub median: f64,
    pub min: f64,
}

impl Stat {
    /// Median and minimum of per-item samples (at least one).
    fn of(mut samples: Vec<f64>) -> Stat {
        samples.sort_by(f64::total_cmp);
        Stat {
            median: samples[samples.len() / 2],
            min: samples[0],
        }
    }
}

/// Runs `pass` once to warm up, then `reps` times, each over `items` items, and
/// reports the CPU time of this thread per item. Everything timed this way runs
/// on this one thread, so its CPU time is the work done, whatever else the
/// machine runs meanwhile (kernel time on its behalf, such as page faults and
/// `madvise`, included); wall time is kept for [`Contention`].
pub fn time_per_item(
    reps: usize,
    items: usize,
    mut pass: impl FnMut() -> Result<(), BoxError>,
) -> Result<Stat, BoxError> {
    pass()?;
    let mut samples = Vec::with_capacity(reps);
    for _ in 0..reps {
        let (cpu, wall) = (thread_cpu_ns(), Instant::now());
        pass()?;
        let cpu = thread_cpu_ns() - cpu;
        CONTENTION.with(|c| c.add(cpu, wall.elapsed().as_secs_f64() * 1e9));
        samples.push(cpu / items.max(1) as f64);
    }
    Ok(Stat::of(samples))
}

/// Times one call repeated: calibrates the calls per pass to [`PASS_NS`], then
/// [`time_per_item`] over that many calls.
pub fn time_calls(mut call: impl FnMut() -> Result<(), BoxError>) -> Result<Stat, BoxError> {
    const PROBE: usize = 20;
    let start = thread_cpu_ns();
    for _ in 0..PROBE {
        call()?;
    }
    let per_call = ((thread_cpu_ns() - start) / PROBE as f64).max(1.0);
    let calls = ((PASS_NS / per_call) as usize).clamp(100, 200_000);
    time_per_item(REPS, calls, || {
        for _ in 0..calls {
            call()?;
        }
        Ok(())
    })
}

/// CPU time consumed by the calling thread, in nanoseconds.
pub fn thread_cpu_ns() -> f64 {
    cpu_clock_ns(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU time consumed by the whole process (every thread, and the kernel on
/// their behalf), in nanoseconds.
#[allow(
    dead_code,
    reason = "the record benchmark, which shares this module, uses it"
)]
pub fn process_cpu_ns() -> f64 {
    cpu_clock_ns(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// Reads one of the CPU-time clocks, in nanoseconds (NaN if it cannot be read).
fn cpu_clock_ns(clock: libc::clockid_t) -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec; `clock` is one of the constant clock ids.
    #[expect(
        unsafe_code,
        reason = "clock_gettime is the only precise CPU-time clock"
    )]
    let rc = unsafe { libc::clock_gettime(clock, &mut t) };
    if rc == 0 {
        t.tv_sec as f64 * 1e9 + t.tv_nsec as f64
    } else {
        f64::NAN
    }
}

/// CPU and wall time of every timed pass: how much of the wall time this thread
/// actually ran (other processes on a small machine take the rest).
#[derive(Default)]
struct Contention {
    cpu_ns: std::cell::Cell<f64>,
    wall_ns: std::cell::Cell<f64>,
}

impl Contention {
    fn add(&self, cpu: f64, wall: f64) {
        self.cpu_ns.set(self.cpu_ns.get() + cpu);
        self.wall_ns.set(self.wall_ns.get() + wall);
    }
}

thread_local! {
    static CONTENTION: Contention = Contention::default();
}

/// CPU and wall time, in nanoseconds, of every pass timed so far on this thread.
pub fn cpu_and_wall_ns() -> (f64, f64) {
    CONTENTION.with(|c| (c.cpu_ns.get(), c.wall_ns.get()))
}

/// Times `run` `reps` times with no warm-up (each run is its own cold start), in
/// wall time: loading compiles on several threads.
pub fn time_each(
    reps: usize,
    mut run: impl FnMut() -> Result<(), BoxError>,
) -> Result<Stat, BoxError> {
    let mut samples = Vec::with_capacity(reps);
    for _ in 0..reps {
        let start = Instant::now();
        run()?;
        samples.push(start.elapsed().as_secs_f64() * 1e9);
    }
    Ok(Stat::of(samples))
}
