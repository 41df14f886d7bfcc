//! Holds: what happens to a decision that is not `allow` until a compliance
//! officer lets the shipment go or stops it for good.
//!
//! A hold is opened by its decision and changed only by officers' actions,
//! each of which is a record in the same log as the decision. Its state is
//! therefore a fold of those actions over [`Hold::open`], and the rules here
//! are the only judge of whether an action may follow the ones before it: the
//! service asks them before it records an action, and a verifier can ask them
//! again over the recorded actions alone (so a release by the officer who
//! approved is caught even if the service were bypassed).
//!
//! ```text
//!  open ──approve──▶ approved ──release (another officer)──▶ released
//!   │                   │
//!   ├──reject───────────┼──▶ rejected
//!   ├──cancel───────────┴──▶ cancelled
//!   └──attach licence, re-judged allow──▶ licensed   (licence_required only)
//! ```
//!
//! A hold is on a shipment (its decision opened it) or on a business partner
//! of the party master (a screening with new matches opened it, [`Subject`]).
//!
//! A `deny` hold on a shipment can never be approved or released: the law
//! forbids the export, so it can only be rejected or cancelled. A `licence_required`
//! hold is let go only by a licence: the officer attaches it, the shipment
//! is judged again with it, and the hold closes as licensed only if that
//! judgement allows; a re-judgement of `review` turns it into a review hold
//! (approve, then release by another officer); anything else leaves it open.
//!
//! A hold on a party asks who the party is, not whether a shipment may leave:
//! whatever the outcome of its matches, two officers let it go (approve, then
//! release by another: the match is not this party) or one rejects it (it is).
//! No licence answers it. Letting a party go lets no shipment go: every
//! shipment to or from it is still judged, and held, on its own.
//!
//! ```
//! use exportctl_audit::hold::{Action, Held, Hold, Refusal, State};
//!
//! let mut hold = Hold::open(Held::Review);
//! hold.apply("alice", &Action::Approve)?;
//! assert_eq!(
//!     hold.apply("alice", &Action::Release),
//!     Err(Refusal::FourEyes { officer: "alice".into() })
//! );
//! hold.apply("bob", &Action::Release)?;
//! assert_eq!(hold.state(), &State::Released);
//! # Ok::<(), Refusal>(())
//! ```

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The outcome that opened a hold (an `allow` opens none).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Held {
    /// A human must look: approve, then another officer releases.
    Review,
    /// The export needs a licence: let go only by one that the shipment,
    /// judged again with it, is allowed under.
    LicenceRequired,
    /// The export is forbidden: never released.
    Deny,
}

impl Held {
    /// The outcome's name, as the verdict contract writes it.
    pub fn as_str(self) -> &'static str {
        held_name(self)
    }

    /// The held outcome of a verdict's outcome, as the verdict contract names
    /// it (`review`, `licence_required`, `deny`); `None` for `allow` or an
    /// unknown name.
    pub fn from_outcome(outcome: &str) -> Option<Held> {
        match outcome {
            "review" => Some(Held::Review),
            "licence_required" => Some(Held::LicenceRequired),
            "deny" => Some(Held::Deny),
            _ => None,
        }
    }
}

/// What a hold holds: a shipment (opened by its decision) or a party of the party master
/// (opened by a screening with new matches).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A shipment: the hold's id is its decision's.
    #[default]
    Shipment,
    /// A business partner: the hold's id is its screening's.
    Party,
}

impl Subject {
    /// The subject's name, as the store and the API write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Shipment => "shipment",
            Subject::Party => "party",
        }
    }

    /// The subject named `name`.
    pub fn from_name(name: &str) -> Option<Subject> {
        match name {
            "shipment" => Some(Subject::Shipment),
            "party" => Some(Subject::Party),
            _ => None,
        }
    }
}

/// Where a hold is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    /// Waiting for an officer.
    Open,
    /// Approved by one officer; waiting for a second, different one.
    Approved {
        /// Who approved: the one officer who may not release.
        by: String,
    },
    /// Let go by a second officer.
    Released,
    /// Let go because an attached licence covers it.
    Licensed,
    /// Stopped: the shipment must not leave.
    Rejected,
    /// Closed because the order was cancelled.
    Cancelled,
}

impl State {
    /// The state named `name` (`approved` needs the approving officer).
    pub fn from_parts(name: &str, approved_by: Option<&str>) -> Option<State> {
        Some(match (name, approved_by) {
            ("open", _) => State::Open,
            ("approved", Some(by)) => State::Approved { by: by.to_owned() },
            ("released", _) => State::Released,
            ("licensed", _) => State::Licensed,
            ("rejected", _) => State::Rejected,
            ("cancelled", _) => State::Cancelled,
            _ => return None,
        })
    }

    /// The officer who approved, in the approved state.
    pub fn approved_by(&self) -> Option<&str> {
        match self {
            State::Approved { by } => Some(by),
            _ => None,
        }
    }

    /// Whether no action can follow.
    pub fn is_final(&self) -> bool {
        !matches!(self, State::Open | State::Approved { .. })
    }

    /// The state's name, as records and the API write it.
    pub fn as_str(&self) -> &'static str {
        match self {
            State::Open => "open",
            State::Approved { .. } => "approved",
            State::Released => "released",
            State::Licensed => "licensed",
            State::Rejected => "rejected",
            State::Cancelled => "cancelled",
        }
    }
}

/// What an officer does to a hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// The first of the two officers agrees to let the shipment go.
    Approve,
    /// The second officer lets it go.
    Release,
    /// The shipment must not leave.
    Reject,
    /// The order was cancelled.
    Cancel,
    /// A licence was attached and the shipment judged again with it; the
    /// outcome of that judgement (a verdict contract name) decides.
    AttachLicence {
        /// The outcome of the judgement with the licence.
        rejudged: String,
    },
}

impl Action {
    /// The action named `name`; `attach_licence` takes the outcome of the judgement with
    /// the licence (`None` for an unknown name, or a licence without a judgement).
    pub fn from_parts(name: &str, rejudged: Option<&str>) -> Option<Action> {
        Some(match (name, rejudged) {
            ("approve", _) => Action::Approve,
            ("release", _) => Action::Release,
            ("reject", _) => Action::Reject,
            ("cancel", _) => Action::Cancel,
            ("attach_licence", Some(outcome)) => Action::AttachLicence {
                rejudged: outcome.to_owned(),
            },
            _ => return None,
        })
    }

    /// The action's name, as records and the API write it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Approve => "approve",
            Action::Release => "release",
            Action::Reject => "reject",
            Action::Cancel => "cancel",
            Action::AttachLicence { .. } => "attach_licence",
        }
    }
}

/// What a record does to holds, carried beside its bytes to the store so the store can keep
/// the holds' current states in the same transaction (and refuse an action the rules refuse,
/// however many hosts write to the log).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A decision that is not `allow` opens a hold.
    Open(Opening),
    /// A screening that is not `allow` opens a hold on its party if it has a hit the party's
    /// screening before it did not have; the store decides, reading that screening in the
    /// transaction that stores this one.
    Screen(PartyOpening),
    /// An officer's action on the hold a decision opened.
    Act {
        /// The decision that opened the hold.
        hold: crate::DecisionId,
        /// Who acted.
        officer: String,
        /// What they did.
        action: Action,
        /// The state the record says the action leads to (the store checks it).
        to: String,
    },
}

/// The facts of a new hold that its queue is filtered and counted by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening {
    /// The decision's outcome.
    pub held: Held,
    /// The shipment's own id.
    pub shipment_id: String,
    /// The destination country, where the record keeps the shipment.
    pub destination: Option<String>,
    /// The HS chapters (two digits) of the shipment's lines, where the record keeps it.
    pub hs_chapters: Vec<String>,
    /// The policies whose own outcome is not `allow`.
    pub policies: Vec<String>,
}

/// The facts of a party hold that a screening opens if its hits are new.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartyOpening {
    /// The screening's outcome.
    pub held: Held,
    /// The party's own id.
    pub party_id: String,
    /// The enforced policies with a hit.
    pub policies: Vec<String>,
    /// The screening's hits ([`ScreeningRecord::hits`](crate::ScreeningRecord::hits)).
    pub hits: std::collections::BTreeSet<crate::screening::Hit>,
}

impl PartyOpening {
    /// Whether the screening opens a hold, given the hits of the party's screening before it
    /// (`None`: never screened before): when it has a hit that one did not have. The same
    /// match found again opens nothing; a match that went away and came back is new.
    pub fn opens(
        &self,
        previous: Option<&std::collections::BTreeSet<crate::screening::Hit>>,
    ) -> bool {
        match previous {
            None => !self.hits.is_empty(),
            Some(before) => self.hits.iter().any(|h| !before.contains(h)),
        }
    }
}

/// Why an action may not follow: each says what the officer can do instead.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum Refusal {
    /// The officer who approved may not also release.
    #[error("{officer} approved this hold, so a different officer must release it (four eyes)")]
    FourEyes {
        /// The officer who tried.
        officer: String,
    },
    /// Deny holds are never let go.
    #[error(
        "the verdict is deny: the export is forbidden, so the hold cannot be approved or \
         released; reject it, or cancel it if the order was cancelled"
    )]
    Forbidden,
    /// Licence-required holds are let go by a licence, not by officers alone.
    #[error(
        "the verdict is licence_required: attach the licence, and the shipment is judged \
         again with it"
    )]
    NeedsLicence,
    /// A licence only answers a licence-required hold.
    #[error("only a licence_required hold takes a licence; this one is {held}")]
    NotLicenceRequired {
        /// The hold's outcome.
        held: &'static str,
    },
    /// Release comes after approval.
    #[error("the hold is not approved yet: an officer approves it first, another releases it")]
    NotApproved,
    /// Approval happens once.
    #[error("the hold is already approved by {by}: a different officer releases it")]
    AlreadyApproved {
        /// Who approved.
        by: String,
    },
    /// Nothing follows a final state.
    #[error("the hold is {state} already; nothing more can be done to it")]
    Finished {
        /// The final state's name.
        state: &'static str,
    },
    /// A party hold is not answered by a licence.
    #[error(
        "this hold is on a party of the party master, not on a shipment: no licence answers \
         it; two officers release it (approve, then release) if the match is not this party, \
         or one rejects it if it is"
    )]
    PartyNeedsNoLicence,
    /// A re-judgement outcome that the verdict contract does not name.
    #[error("unknown outcome {outcome:?} of the judgement with the licence")]
    UnknownOutcome {
        /// What was given.
        outcome: String,
    },
}

/// One hold: the outcome that opened it and where its actions have taken it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hold {
    held: Held,
    state: State,
    subject: Subject,
}

impl Hold {
    /// The hold a decision of outcome `held` opens.
    pub fn open(held: Held) -> Hold {
        Hold {
            held,
            state: State::Open,
            subject: Subject::Shipment,
        }
    }

    /// The hold a screening whose matches are `held` opens on its party.
    pub fn open_on_party(held: Held) -> Hold {
        Hold {
            subject: Subject::Party,
            ..Hold::open(held)
        }
    }

    /// A hold on a shipment as the store keeps it: its held outcome and state.
    pub fn resume(held: Held, state: State) -> Hold {
        Hold {
            held,
            state,
            subject: Subject::Shipment,
        }
    }

    /// The same hold, on `subject`.
    pub fn on(self, subject: Subject) -> Hold {
        Hold { subject, ..self }
    }

    /// What it holds.
    pub fn subject(&self) -> Subject {
        self.subject
    }

    /// The outcome it is held for (a licence judged `review` changes it).
    pub fn held(&self) -> Held {
        self.held
    }

    /// Where it is.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Whether `officer` may do `action` now, and if not, why.
    pub fn check(&self, officer: &str, action: &Action) -> Result<(), Refusal> {
        self.next(officer, action).map(|_| ())
    }

    /// Does `action` as `officer`, or leaves the hold as it was and says why not.
    pub fn apply(&mut self, officer: &str, action: &Action) -> Result<(), Refusal> {
        let (held, state) = self.next(officer, action)?;
        self.held = held;
        self.state = state;
        Ok(())
    }

    /// The actions `officer` may do now, in the order a page offers them.
    pub fn allowed(&self, officer: &str) -> Vec<&'static str> {
        let licence = Action::AttachLicence {
            rejudged: "allow".to_owned(),
        };
        [
            Action::Approve,
            Action::Release,
            licence,
            Action::Reject,
            Action::Cancel,
        ]
        .iter()
        .filter(|action| self.check(officer, action).is_ok())
        .map(Action::as_str)
        .collect()
    }

    fn next(&self, officer: &str, action: &Action) -> Result<(Held, State), Refusal> {
        if self.state.is_final() {
            return Err(Refusal::Finished {
                state: self.state.as_str(),
            });
        }
        let held = self.held;
        let state = match action {
            Action::Reject => State::Rejected,
            Action::Cancel => State::Cancelled,
            Action::Approve => {
                self.may_be_let_go()?;
                if let State::Approved { by } = &self.state {
                    return Err(Refusal::AlreadyApproved { by: by.clone() });
                }
                State::Approved {
                    by: officer.to_owned(),
                }
            }
            Action::Release => {
                self.may_be_let_go()?;
                match &self.state {
                    State::Approved { by } if by == officer => {
                        return Err(Refusal::FourEyes {
                            officer: officer.to_owned(),
                        });
                    }
                    State::Approved { .. } => State::Released,
                    _ => return Err(Refusal::NotApproved),
                }
            }
            Action::AttachLicence { .. } if self.subject == Subject::Party => {
                return Err(Refusal::PartyNeedsNoLicence);
            }
            Action::AttachLicence { rejudged } => {
                if held != Held::LicenceRequired {
                    return Err(Refusal::NotLicenceRequired {
                        held: held_name(held),
                    });
                }
                match rejudged.as_str() {
                    "allow" => State::Licensed,
                    "review" => return Ok((Held::Review, State::Open)),
                    "licence_required" | "deny" => State::Open,
                    other => {
                        return Err(Refusal::UnknownOutcome {
                            outcome: other.to_owned(),
                        });
                    }
                }
            }
        };
        Ok((held, state))
    }

    fn may_be_let_go(&self) -> Result<(), Refusal> {
        if self.subject == Subject::Party {
            return Ok(());
        }
        match self.held {
            Held::Review => Ok(()),
            Held::LicenceRequired => Err(Refusal::NeedsLicence),
            Held::Deny => Err(Refusal::Forbidden),
        }
    }
}

fn held_name(held: Held) -> &'static str {
    match held {
        Held::Review => "review",
        Held::LicenceRequired => "licence_required",
        Held::Deny => "deny",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn licence(outcome: &str) -> Action {
        Action::AttachLicence {
            rejudged: outcome.to_owned(),
        }
    }

    #[test]
    fn a_review_hold_needs_two_different_officers() {
        let mut hold = Hold::open(Held::Review);
        assert_eq!(hold.apply("a", &Action::Release), Err(Refusal::NotApproved));
        hold.apply("a", &Action::Approve).unwrap();
        assert_eq!(
            hold.apply("a", &Action::Approve),
            Err(Refusal::AlreadyApproved { by: "a".into() })
        );
        assert_eq!(
            hold.apply("a", &Action::Release),
            Err(Refusal::FourEyes {
                officer: "a".into()
            })
        );
        assert_eq!(hold.state(), &State::Approved { by: "a".into() });
        hold.apply("b", &Action::Release).unwrap();
        assert_eq!(hold.state(), &State::Released);
        assert_eq!(
            hold.apply("c", &Action::Reject),
            Err(Refusal::Finished { state: "released" })
        );
    }

    #[test]
    fn a_deny_hold_is_only_rejected_or_cancelled() {
        let hold = Hold::open(Held::Deny);
        assert_eq!(hold.check("a", &Action::Approve), Err(Refusal::Forbidden));
        assert_eq!(hold.check("a", &Action::Release), Err(Refusal::Forbidden));
        assert_eq!(
            hold.check("a", &licence("allow")),
            Err(Refusal::NotLicenceRequired { held: "deny" })
        );
        assert_eq!(hold.allowed("a"), ["reject", "cancel"]);
        let mut rejected = hold.clone();
        rejected.apply("a", &Action::Reject).unwrap();
        assert_eq!(rejected.state(), &State::Rejected);
        let mut cancelled = hold;
        cancelled.apply("a", &Action::Cancel).unwrap();
        assert_eq!(cancelled.state(), &State::Cancelled);
    }

    #[test]
    fn a_licence_required_hold_is_let_go_only_by_a_licence_that_allows() {
        let mut hold = Hold::open(Held::LicenceRequired);
        assert_eq!(
            hold.check("a", &Action::Approve),
            Err(Refusal::NeedsLicence)
        );
        assert_eq!(hold.allowed("a"), ["attach_licence", "reject", "cancel"]);
        hold.apply("a", &licence("licence_required")).unwrap();
        assert_eq!(hold.state(), &State::Open);
        hold.apply("a", &licence("deny")).unwrap();
        assert_eq!(hold.state(), &State::Open);
        assert!(matches!(
            hold.apply("a", &licence("maybe")),
            Err(Refusal::UnknownOutcome { .. })
        ));
        hold.apply("a", &licence("allow")).unwrap();
        assert_eq!(hold.state(), &State::Licensed);
    }

    #[test]
    fn a_licence_judged_review_makes_a_review_hold() {
        let mut hold = Hold::open(Held::LicenceRequired);
        hold.apply("a", &licence("review")).unwrap();
        assert_eq!((hold.held(), hold.state()), (Held::Review, &State::Open));
        hold.apply("a", &Action::Approve).unwrap();
        assert!(hold.check("a", &Action::Release).is_err());
        hold.apply("b", &Action::Release).unwrap();
        assert_eq!(hold.state(), &State::Released);
    }

    #[test]
    fn the_allowed_actions_follow_the_rules() {
        let mut hold = Hold::open(Held::Review);
        assert_eq!(hold.allowed("a"), ["approve", "reject", "cancel"]);
        hold.apply("a", &Action::Approve).unwrap();
        assert_eq!(hold.allowed("a"), ["reject", "cancel"]);
        assert_eq!(hold.allowed("b"), ["release", "reject", "cancel"]);
        hold.apply("b", &Action::Reject).unwrap();
        assert!(hold.allowed("c").is_empty());
    }

    #[test]
    fn a_party_hold_of_any_outcome_is_let_go_by_two_officers_and_takes_no_licence() {
        for held in [Held::Review, Held::LicenceRequired, Held::Deny] {
            let mut hold = Hold::open_on_party(held);
            assert_eq!(
                hold.allowed("a"),
                ["approve", "reject", "cancel"],
                "{held:?}"
            );
            assert_eq!(
                hold.check("a", &licence("allow")),
                Err(Refusal::PartyNeedsNoLicence)
            );
            hold.apply("a", &Action::Approve).unwrap();
            assert!(matches!(
                hold.check("a", &Action::Release),
                Err(Refusal::FourEyes { .. })
            ));
            hold.apply("b", &Action::Release).unwrap();
            assert_eq!(hold.state(), &State::Released);
        }
        let mut rejected = Hold::open_on_party(Held::Deny);
        rejected.apply("a", &Action::Reject).unwrap();
        assert_eq!(rejected.state(), &State::Rejected);
    }

    #[test]
    fn outcomes_map_to_held_outcomes() {
        assert_eq!(Held::from_outcome("allow"), None);
        assert_eq!(Held::from_outcome("review"), Some(Held::Review));
        assert_eq!(
            Held::from_outcome("licence_required"),
            Some(Held::LicenceRequired)
        );
        assert_eq!(Held::from_outcome("deny"), Some(Held::Deny));
    }
}
