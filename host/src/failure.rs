//! [`PolicyFailure`]: why a policy produced no usable result for a shipment. A
//! value, never an error of the host: it becomes the policy's `error` in the
//! verdict and a `policy-error` finding that fails closed.

use serde::{Serialize, Serializer};
use std::fmt;

/// Why a policy produced no usable result. Each becomes a `policy-error` finding
/// with the host's fail outcome; it never turns into an allow.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyFailure {
    /// The fuel budget ran out.
    OutOfFuel {
        /// The budget.
        fuel: u64,
    },
    /// The plugin tried to grow its memory beyond the cap.
    MemoryLimit {
        /// The cap in bytes.
        bytes: u64,
    },
    /// The plugin's call stack in the engine overflowed (recursion too deep).
    StackOverflow {
        /// The stack limit in bytes.
        bytes: usize,
    },
    /// The plugin logged more than an evaluation may.
    LogLimit {
        /// The budget in bytes.
        bytes: usize,
        /// The budget in calls.
        calls: usize,
    },
    /// The plugin handed back more data in one call than the host reads.
    OutputLimit {
        /// The limit in bytes.
        bytes: usize,
    },
    /// What the plugin handed back breaks the component ABI of the contract: an
    /// enum case that does not exist, a string that is not UTF-8, a pointer
    /// outside its memory. A well-typed plugin cannot do this; a forged one can.
    Abi {
        /// What the engine found wrong.
        reason: String,
    },
    /// The plugin trapped (a panic, stack overflow, out-of-bounds access, …).
    Trap {
        /// What trapped, and the plugin's last log message when it says more.
        reason: String,
    },
    /// The plugin returned an error instead of findings.
    PluginError {
        /// The plugin's message.
        message: String,
    },
    /// The plugin returned findings that break the contract.
    BadOutput {
        /// What is wrong with them.
        reason: String,
    },
    /// The sandbox could not be set up (e.g. the instance pool is exhausted).
    Sandbox {
        /// Why.
        reason: String,
    },
}

impl fmt::Display for PolicyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyFailure::OutOfFuel { fuel } => {
                write!(f, "fuel limit of {fuel} exhausted (`limits.fuel`)")
            }
            PolicyFailure::MemoryLimit { bytes } => {
                write!(
                    f,
                    "memory limit of {} MiB exceeded (`limits.memory_mib`)",
                    bytes >> 20
                )
            }
            PolicyFailure::StackOverflow { bytes } => {
                write!(
                    f,
                    "stack limit of {} KiB exhausted: recursion too deep",
                    bytes >> 10
                )
            }
            PolicyFailure::LogLimit { bytes, calls } => {
                write!(
                    f,
                    "log limit of {} KiB or {calls} messages per evaluation exceeded",
                    bytes >> 10
                )
            }
            PolicyFailure::OutputLimit { bytes } => {
                write!(
                    f,
                    "output limit of {} MiB exceeded: the plugin handed the host more data in one call than it reads",
                    bytes >> 20
                )
            }
            PolicyFailure::Abi { reason } => {
                write!(
                    f,
                    "plugin returned data outside the policy contract: {reason}"
                )
            }
            PolicyFailure::Trap { reason } => write!(f, "plugin trapped: {reason}"),
            PolicyFailure::PluginError { message } => {
                write!(f, "plugin reported an error: {message}")
            }
            PolicyFailure::BadOutput { reason } => {
                write!(f, "plugin returned invalid findings: {reason}")
            }
            PolicyFailure::Sandbox { reason } => {
                write!(f, "sandbox could not be created: {reason}")
            }
        }
    }
}

/// In a verdict (`policies[].error`) a failure is its one-line message.
impl Serialize for PolicyFailure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::error::Error for PolicyFailure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_serialises_to_its_message() {
        let failure = PolicyFailure::OutOfFuel { fuel: 5 };
        assert_eq!(
            serde_json::to_string(&failure).unwrap(),
            r#""fuel limit of 5 exhausted (`limits.fuel`)""#
        );
        let failure = PolicyFailure::BadOutput {
            reason: "finding 0: x".to_owned(),
        };
        assert_eq!(
            serde_json::to_string(&failure).unwrap(),
            r#""plugin returned invalid findings: finding 0: x""#
        );
    }
}
