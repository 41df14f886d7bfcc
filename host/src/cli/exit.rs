//! Exit statuses (`verdict.md`): the outcome for scripts and ERP integrations.

use exportctl_sdk::Outcome;
use std::process::ExitCode;

/// How `exportctl` exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// 0: every shipment allowed (or nothing to judge).
    Allow,
    /// 3: the worst outcome is review.
    Review,
    /// 4: the worst outcome is licence_required.
    LicenceRequired,
    /// 5: the worst outcome is deny.
    Deny,
    /// 2: invalid input or usage; the input named on standard error was not judged.
    InvalidInput,
    /// 1: an internal error (a bug, or the output could not be written), or an
    /// audit store that could not record a decision.
    Internal,
    /// 6: `exportctl audit verify` / `verify-proof` / `show --key` found the log,
    /// export or proof tampered with (or signed by another key); `audit replay`
    /// found a decision that no longer replays identically.
    Tampered,
}

impl ExitStatus {
    /// The status for an outcome.
    pub fn from_outcome(outcome: Outcome) -> ExitStatus {
        match outcome {
            Outcome::Allow => ExitStatus::Allow,
            Outcome::Review => ExitStatus::Review,
            Outcome::LicenceRequired => ExitStatus::LicenceRequired,
            Outcome::Deny => ExitStatus::Deny,
        }
    }

    /// The numeric exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Allow => 0,
            ExitStatus::Internal => 1,
            ExitStatus::InvalidInput => 2,
            ExitStatus::Review => 3,
            ExitStatus::LicenceRequired => 4,
            ExitStatus::Deny => 5,
            ExitStatus::Tampered => 6,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(status.code())
    }
}
