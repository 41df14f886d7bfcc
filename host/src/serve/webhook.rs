//! Webhooks: telling an ERP that something changed (a hold opened, approved,
//! released…) by an HTTP POST it can trust, retried until it is taken.
//!
//! The body is signed with HMAC-SHA256 under a secret shared with the
//! receiver, over the send time and the body, in the header
//! [`SIGNATURE_HEADER`]: `t=<unix seconds>,v1=<hex>`. The time makes a
//! captured request useless later: [`verify_signature`] refuses one older than
//! its tolerance (the receiver's side, here so the ERP's developers have the
//! reference and the tests check both sides against each other).
//!
//! A delivery is tried until the receiver answers 2xx, with back-off between
//! attempts ([`Retry`]); a 4xx other than 408 and 429 means the receiver
//! refuses this body, and trying again would not change that, so it stops.
//! Every attempt is returned ([`Delivery`]) for the caller to record.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use thiserror::Error;

/// The request header that carries the signature.
pub const SIGNATURE_HEADER: &str = "Exportctl-Signature";

/// How a delivery is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// The wait after the first failure; each later wait doubles, up to `max_wait`.
    pub first_wait: Duration,
    /// The longest wait between two attempts.
    pub max_wait: Duration,
    /// How long one attempt may take, connection and answer together.
    pub timeout: Duration,
}

impl Default for Retry {
    /// 8 attempts over about 4 minutes: 1, 2, 4, … 64 s apart.
    fn default() -> Retry {
        Retry {
            attempts: 8,
            first_wait: Duration::from_secs(1),
            max_wait: Duration::from_secs(64),
            timeout: Duration::from_secs(10),
        }
    }
}

impl Retry {
    /// The wait before attempt `next` (2 for the second attempt, …).
    pub fn wait_before(&self, next: u32) -> Duration {
        let doublings = next.saturating_sub(2).min(31);
        self.first_wait
            .saturating_mul(1 << doublings)
            .min(self.max_wait)
    }
}

/// Where and how to deliver.
#[derive(Clone)]
pub struct Webhook {
    url: String,
    secret: Vec<u8>,
    retry: Retry,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("Webhook")
            .field("url", &self.url)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// What one attempt gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver took it (2xx).
    Delivered {
        /// The HTTP status.
        status: u16,
    },
    /// The receiver answered with an error status.
    Refused {
        /// The HTTP status.
        status: u16,
    },
    /// No answer: the connection failed or timed out.
    Unreachable {
        /// Why, as the HTTP client says it.
        reason: String,
    },
}

/// One attempt, for the delivery's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first.
    pub number: u32,
    /// When it was sent, in seconds since the Unix epoch.
    pub sent_at: u64,
    /// What came of it.
    pub outcome: Outcome,
}

/// Every attempt of one delivery; the last says whether it was taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// In order.
    pub attempts: Vec<Attempt>,
}

impl Delivery {
    /// Whether the receiver took it.
    pub fn delivered(&self) -> bool {
        matches!(
            self.attempts.last(),
            Some(Attempt {
                outcome: Outcome::Delivered { .. },
                ..
            })
        )
    }
}

/// Time as a delivery sees it: the clock it stamps signatures with and the
/// waits between attempts, so tests can run a day of back-off in no time.
pub trait Clock {
    /// Seconds since the Unix epoch.
    fn now(&self) -> u64;
    /// Waits `duration`.
    fn sleep(&self, duration: Duration);
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

impl Webhook {
    /// Delivers to `url` (http or https), signing with `secret`.
    pub fn new(url: impl Into<String>, secret: impl Into<Vec<u8>>, retry: Retry) -> Webhook {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(retry.timeout))
            // A receiver that redirects is misconfigured; following would send
            // the signed body somewhere the operator did not name.
            .max_redirects(0)
            .build()
            .into();
        Webhook {
            url: url.into(),
            secret: secret.into(),
            retry,
            agent,
        }
    }

    /// Posts `body` (JSON) until it is taken, refused for good, or the
    /// attempts run out, waiting between attempts on `clock`.
    pub fn deliver(&self, body: &[u8], clock: &dyn Clock) -> Delivery {
        let mut attempts = Vec::new();
        for number in 1..=self.retry.attempts.max(1) {
            if number > 1 {
                clock.sleep(self.retry.wait_before(number));
            }
            let sent_at = clock.now();
            let outcome = self.attempt(body, sent_at);
            let last = match &outcome {
                Outcome::Delivered { .. } => true,
                Outcome::Refused { status } => !worth_retrying(*status),
                Outcome::Unreachable { .. } => false,
            };
            attempts.push(Attempt {
                number,
                sent_at,
                outcome,
            });
            if last {
                break;
            }
        }
        Delivery { attempts }
    }

    fn attempt(&self, body: &[u8], sent_at: u64) -> Outcome {
        let signed = signature(&self.secret, sent_at, body);
        let sent = self
            .agent
            .post(&self.url)
            .header("content-type", "application/json")
            .header(SIGNATURE_HEADER, &signed)
            .send(body);
        match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                if (200..300).contains(&status) {
                    Outcome::Delivered { status }
                } else {
                    Outcome::Refused { status }
                }
            }
            Err(e) => Outcome::Unreachable {
                reason: e.to_string(),
            },
        }
    }
}

/// Whether an error status may go away: timeouts, rate limits, server errors.
fn worth_retrying(status: u16) -> bool {
    status == 408 || status == 429 || status >= 500
}

/// The [`SIGNATURE_HEADER`] value for `body` sent at `timestamp`:
/// `t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>." ‖ body)>`.
pub fn signature(secret: &[u8], timestamp: u64, body: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

fn mac(secret: &[u8], timestamp: u64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Why a receiver must not trust a request.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    /// The header is not `t=…,v1=…`.
    #[error("the {SIGNATURE_HEADER} header is not `t=<unix seconds>,v1=<hex>`")]
    Malformed,
    /// Signed too long ago (or in the future): possibly a replay.
    #[error(
        "signed at {signed}, {off} s away from now: older than the tolerance, possibly replayed"
    )]
    Stale {
        /// The header's time.
        signed: u64,
        /// Seconds between it and now.
        off: u64,
    },
    /// The signature does not match the body under the secret.
    #[error("the signature does not match the body: wrong secret, or the body was changed")]
    Mismatch,
}

/// Checks a request as a receiver should: the header's form, its time within
/// `tolerance_secs` of `now`, and the HMAC over time and body, compared in
/// constant time.
pub fn verify_signature(
    secret: &[u8],
    header: &str,
    body: &[u8],
    now: u64,
    tolerance_secs: u64,
) -> Result<(), SignatureError> {
    let (time, hex_mac) = header
        .split_once(',')
        .and_then(|(t, v)| Some((t.strip_prefix("t=")?, v.strip_prefix("v1=")?)))
        .ok_or(SignatureError::Malformed)?;
    let signed: u64 = time.parse().map_err(|_| SignatureError::Malformed)?;
    let given = hex::decode(hex_mac).map_err(|_| SignatureError::Malformed)?;
    let off = now.abs_diff(signed);
    if off > tolerance_secs {
        return Err(SignatureError::Stale { signed, off });
    }
    mac(secret, signed, body)
        .verify_slice(&given)
        .map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;

    /// A clock that only counts: sleeping advances it.
    struct FakeClock {
        now: RefCell<u64>,
        slept: RefCell<Vec<Duration>>,
    }

    impl Clock for FakeClock {
        fn now(&self) -> u64 {
            *self.now.borrow()
        }
        fn sleep(&self, duration: Duration) {
            *self.now.borrow_mut() += duration.as_secs();
            self.slept.borrow_mut().push(duration);
        }
    }

    fn clock() -> FakeClock {
        FakeClock {
            now: RefCell::new(1_790_000_000),
            slept: RefCell::new(Vec::new()),
        }
    }

    /// A loopback receiver that answers each request with the next status of
    /// `statuses` and hands back what it received (signature header, body).
    /// What a receiver got: each request's signature header and body.
    type Received = Vec<(String, Vec<u8>)>;

    fn receiver(statuses: Vec<u16>) -> (String, std::thread::JoinHandle<Received>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks/holds", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for status in statuses {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut length, mut signature) = (0usize, String::new());
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':') {
                        match name.to_ascii_lowercase().as_str() {
                            "content-length" => length = value.trim().parse().unwrap(),
                            "exportctl-signature" => signature = value.trim().to_owned(),
                            _ => {}
                        }
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                seen.push((signature, body));
                let mut stream = stream;
                write!(
                    stream,
                    "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                )
                .unwrap();
            }
            seen
        });
        (url, handle)
    }

    fn quick() -> Retry {
        Retry {
            attempts: 5,
            first_wait: Duration::from_secs(1),
            max_wait: Duration::from_secs(4),
            timeout: Duration::from_secs(10),
        }
    }

    #[test]
    fn the_waits_double_up_to_the_longest() {
        let retry = quick();
        let waits: Vec<u64> = (2..=6).map(|n| retry.wait_before(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 4, 4]);
        assert_eq!(Retry::default().wait_before(40), Duration::from_secs(64));
    }

    #[test]
    fn a_delivery_is_retried_until_taken_and_every_attempt_is_signed() {
        let (url, received) = receiver(vec![503, 429, 204]);
        let clock = clock();
        let body = br#"{"hold":"h-1","state":"released"}"#;
        let delivery = Webhook::new(&url, b"s3cret".to_vec(), quick()).deliver(body, &clock);
        assert!(delivery.delivered());
        let outcomes: Vec<&Outcome> = delivery.attempts.iter().map(|a| &a.outcome).collect();
        assert_eq!(
            outcomes,
            [
                &Outcome::Refused { status: 503 },
                &Outcome::Refused { status: 429 },
                &Outcome::Delivered { status: 204 }
            ]
        );
        assert_eq!(
            *clock.slept.borrow(),
            [Duration::from_secs(1), Duration::from_secs(2)]
        );
        let received = received.join().unwrap();
        assert_eq!(received.len(), 3);
        for ((header, got), attempt) in received.iter().zip(&delivery.attempts) {
            assert_eq!(got, body);
            assert_eq!(
                verify_signature(b"s3cret", header, got, attempt.sent_at, 300),
                Ok(())
            );
            assert_eq!(
                verify_signature(b"other", header, got, attempt.sent_at, 300),
                Err(SignatureError::Mismatch)
            );
        }
    }

    #[test]
    fn a_refusal_that_will_not_change_stops_the_delivery() {
        let (url, received) = receiver(vec![400]);
        let delivery = Webhook::new(&url, b"k".to_vec(), quick()).deliver(b"{}", &clock());
        assert!(!delivery.delivered());
        assert_eq!(delivery.attempts.len(), 1);
        assert_eq!(received.join().unwrap().len(), 1);
    }

    #[test]
    fn an_unreachable_receiver_is_tried_as_often_as_allowed() {
        // A port that was free a moment ago: nothing listens there.
        let url = {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}/", listener.local_addr().unwrap())
        };
        let clock = clock();
        let delivery = Webhook::new(url, b"k".to_vec(), quick()).deliver(b"{}", &clock);
        assert!(!delivery.delivered());
        assert_eq!(delivery.attempts.len(), 5);
        assert!(
            delivery
                .attempts
                .iter()
                .all(|a| matches!(a.outcome, Outcome::Unreachable { .. }))
        );
        assert_eq!(clock.slept.borrow().len(), 4);
    }

    #[test]
    fn a_receiver_refuses_changed_stale_and_malformed_requests() {
        let body = br#"{"hold":"h-2"}"#;
        let header = signature(b"k", 1_000, body);
        assert_eq!(verify_signature(b"k", &header, body, 1_100, 300), Ok(()));
        assert_eq!(
            verify_signature(b"k", &header, br#"{"hold":"h-3"}"#, 1_100, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(b"k", &header, body, 2_000, 300),
            Err(SignatureError::Stale {
                signed: 1_000,
                off: 1_000
            })
        );
        for bad in ["", "t=1000", "v1=00,t=1000", "t=x,v1=00", "t=1000,v1=zz"] {
            assert_eq!(
                verify_signature(b"k", bad, body, 1_000, 300),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_signature_is_hmac_sha256_over_time_dot_body() {
        // Known answers computed with another implementation (Python's hmac):
        // HMAC-SHA256("Jefe", "42.hello").
        assert_eq!(
            signature(b"Jefe", 42, b"hello"),
            "t=42,v1=082c9ff76dd1126c52fcebfedf5eb67a8f7c7564850cc6da6c0de51983ea7156"
        );
    }
}
