//! Crash harness: start a child that prints a line for each acknowledged decision, kill it
//! with SIGKILL at random moments (fixed seed), and after each death let the caller check the
//! store against the lines printed before it died. The child is any command (this crate's
//! `exportctl-audit-record-stream`, later `exportctl check --audit`).

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A small deterministic generator (SplitMix64): the kill moments repeat run to run.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// Next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Runs `rounds` rounds: `spawn()` a child with stdout piped, kill it after a random delay
/// of up to `max_delay`, collect every stdout line it printed, then call
/// `check(round, lines)`. A child that exits by itself before the kill must exit with
/// status `finished` (what it exits with when its work is done), else the test fails.
pub fn kill_at_random_moments(
    rounds: usize,
    seed: u64,
    max_delay: Duration,
    finished: i32,
    mut spawn: impl FnMut() -> Command,
    mut check: impl FnMut(usize, &[String]),
) {
    let mut rng = SplitMix64(seed);
    for round in 0..rounds {
        let delay = Duration::from_micros(rng.next_u64() % (max_delay.as_micros() as u64 + 1));
        let mut child = spawn()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<_>>()
        });
        std::thread::sleep(delay);
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            assert_eq!(
                status.code(),
                Some(finished),
                "round {round}: child failed: {status}: {err}"
            );
        }
        // SIGKILL: no destructor, no final checkpoint, possibly mid-commit.
        child.kill().unwrap();
        child.wait().unwrap();
        // A partial last line (cut by the kill) was never a complete acknowledgement.
        let lines = reader.join().unwrap();
        check(round, &lines);
    }
}
