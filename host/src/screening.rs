//! [`PartyScreener`]: screens business partners of an ERP's party master on
//! their own, without a shipment, with every policy of a loaded set that offers
//! the contract's party screener (1.1.0); the others are not asked.
//!
//! Each call runs in the policy's sandbox under its limits, as a shipment's
//! evaluation does, and fails closed the same way: a screener that traps, runs
//! out of fuel or returns something outside the contract gives the party the
//! set's fail outcome and says why.

use crate::bindings::Policy as PolicyWorld;
use crate::bindings::optional::exports::exportctl::policy::party_screener::Guest as ScreenerExport;
use crate::failure::PolicyFailure;
use crate::host::{Host, LoadedPolicy};
use crate::policy_set::{InstanceMode, Mode};
use crate::sandbox::{self, StoreState};
use exportctl_sdk::{Country, Date, MAX_LEGAL_BASIS_BYTES, MAX_MESSAGE_BYTES, Outcome, Rule};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use wasmtime::Store;

/// Most matches one policy may report for one party.
const MAX_MATCHES: usize = 1_000;
/// Longest list name, edition, entry key or listed name a match may carry.
const MAX_FIELD_BYTES: usize = 4096;

/// A business partner from the ERP's party master.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyRecord {
    /// The ERP's identifier of the partner, e.g. its customer number.
    pub id: String,
    /// Its role in the ERP: `customer`, `supplier`, `forwarder`, …
    pub role: String,
    /// Its name as the ERP holds it.
    pub name: String,
    /// Its country.
    pub country: Country,
    /// Other names it is known by.
    pub aliases: Vec<String>,
    /// Its address, free text.
    pub address: Option<String>,
}

/// A list entry a party matches, as one policy reported it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListMatch {
    /// The policy that found it.
    pub policy: String,
    /// Its version.
    pub version: String,
    /// Enforce or monitor (a monitor policy's matches do not count).
    pub mode: Mode,
    /// The rule.
    pub rule: String,
    /// What the match means for a shipment to or from the party.
    pub outcome: Outcome,
    /// The list, e.g. `Entity List (EL) - Bureau of Industry and Security [EL]`.
    pub list: String,
    /// The list's edition.
    pub edition: String,
    /// The entry's key, stable across editions where the list allows.
    pub entry: String,
    /// The listed name that matched.
    pub listed_name: String,
    /// Similarity of the names, 0 to 1.
    pub score: f64,
    /// The explanation.
    pub message: String,
    /// The legal basis, with the list edition.
    pub legal_basis: String,
}

/// A policy that could not screen a party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreeningFailure {
    /// The policy.
    pub policy: String,
    /// Its mode: a monitor policy's failure is reported, not counted.
    pub mode: Mode,
    /// Why, in one line.
    pub reason: String,
}

/// One party's screening by a set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyScreening {
    /// The party's id.
    pub party: String,
    /// The worst outcome of the enforced matches (and the fail outcome of each
    /// failed enforced policy); `allow` when nothing matched.
    pub outcome: Outcome,
    /// Every match, by policy in set order, each policy's best first.
    pub matches: Vec<ListMatch>,
    /// The policies that could not screen the party.
    pub failures: Vec<ScreeningFailure>,
}

/// Screens parties on one thread with the screening policies of a [`Host`],
/// keeping one sandbox between parties for each policy whose instance mode is
/// reused (its own `instance`, else the set's), and dropping a sandbox as soon
/// as its policy fails.
pub struct PartyScreener {
    host: Arc<Host>,
    instances: Vec<Option<Sandbox>>,
}

struct Sandbox {
    store: Store<StoreState>,
    screener: ScreenerExport,
}

impl Host {
    /// A screener of business partners for the current thread.
    pub fn party_screener(self: &Arc<Host>) -> PartyScreener {
        PartyScreener {
            host: self.clone(),
            instances: self.policies.iter().map(|_| None).collect(),
        }
    }

    /// The policies (indices, in set order) that screen a party under the law of
    /// `date`: of each id, the version in force that day, if it offers the screener.
    pub(crate) fn screeners_in_force(&self, date: Date) -> impl Iterator<Item = usize> + '_ {
        self.ids.iter().filter_map(move |versions| {
            versions.iter().copied().find(|&i| {
                self.policies[i].plugin.screens_parties()
                    && self.policies[i].plugin.metadata().in_force().contains(date)
            })
        })
    }

    /// The ids of the enabled policies that can screen a party on its own.
    pub fn screening_policies(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .policies
            .iter()
            .filter(|p| p.plugin.screens_parties())
            .map(|p| &*p.report.id)
            .collect();
        ids.dedup();
        ids
    }
}

impl PartyScreener {
    /// Screens `party` under the law of `date` with every screening policy in
    /// force on that day. Never fails: a policy that cannot screen the party adds
    /// a failure and the set's fail outcome.
    pub fn screen(&mut self, party: &PartyRecord, date: Date) -> PartyScreening {
        let host = self.host.clone();
        let wire = crate::bindings::exportctl::policy::types::Party {
            id: party.id.clone(),
            role: party.role.clone(),
            name: party.name.clone(),
            country: party.country.as_str().to_owned(),
            aliases: party.aliases.clone(),
            address: party.address.clone(),
        };
        let date_text = date.to_string();
        let mut screening = PartyScreening {
            party: party.id.clone(),
            outcome: Outcome::Allow,
            matches: Vec::new(),
            failures: Vec::new(),
        };
        for i in host.screeners_in_force(date) {
            let policy = &host.policies[i];
            match self.run(i, policy, &wire, &date_text) {
                Ok(matches) => screening.matches.extend(matches),
                Err(failure) => {
                    if policy.report.mode == Mode::Enforce {
                        screening.outcome = screening.outcome.max(host.fail_outcome);
                    }
                    screening.failures.push(ScreeningFailure {
                        policy: policy.report.id.to_string(),
                        mode: policy.report.mode,
                        reason: failure.to_string(),
                    });
                }
            }
        }
        screening.outcome = screening
            .matches
            .iter()
            .filter(|m| m.mode == Mode::Enforce)
            .map(|m| m.outcome)
            .fold(screening.outcome, Outcome::max);
        screening
    }

    fn run(
        &mut self,
        i: usize,
        policy: &LoadedPolicy,
        party: &crate::bindings::exportctl::policy::types::Party,
        date: &str,
    ) -> Result<Vec<ListMatch>, PolicyFailure> {
        let mut sandbox = match self.instances.get_mut(i).and_then(Option::take) {
            Some(sandbox) => sandbox,
            None => new_sandbox(&self.host, policy)?,
        };
        sandbox::refuel(&mut sandbox.store, policy.limits).map_err(|e| PolicyFailure::Sandbox {
            reason: format!("{e:#}"),
        })?;
        let result = sandbox
            .screener
            .call_screen_party(&mut sandbox.store, party, date);
        let outcome = match result {
            Err(e) => Err(sandbox::classify(&e, &sandbox.store, policy.limits)),
            Ok(Err(message)) => Err(PolicyFailure::PluginError { message }),
            Ok(Ok(raw)) => check(policy, raw).map_err(|reason| PolicyFailure::BadOutput { reason }),
        };
        if outcome.is_ok()
            && policy.instance == InstanceMode::Reused
            && let Some(slot) = self.instances.get_mut(i)
        {
            *slot = Some(sandbox);
        }
        outcome
    }
}

/// Instantiates a screening policy, hands it its settings and finds its screener.
fn new_sandbox(host: &Host, policy: &LoadedPolicy) -> Result<Sandbox, PolicyFailure> {
    let failed = |e: wasmtime::Error| PolicyFailure::Sandbox {
        reason: format!("{e:#}"),
    };
    let indices = policy
        .plugin
        .screener()
        .ok_or_else(|| PolicyFailure::Sandbox {
            reason: "the plugin does not export the party screener".to_owned(),
        })?;
    let mut store = sandbox::new_store(&host.runtime.engine, policy.limits).map_err(failed)?;
    let instance = policy
        .plugin
        .pre()
        .instance_pre()
        .instantiate(&mut store)
        .map_err(failed)?;
    if policy.settings_json != "{}" {
        let world = PolicyWorld::new(&mut store, &instance).map_err(failed)?;
        match world
            .exportctl_policy_evaluator()
            .call_configure(&mut store, &policy.settings_json)
        {
            Ok(Ok(())) => {}
            Ok(Err(message)) => return Err(PolicyFailure::PluginError { message }),
            Err(e) => return Err(sandbox::classify(&e, &store, policy.limits)),
        }
    }
    let screener = indices.load(&mut store, &instance).map_err(failed)?;
    Ok(Sandbox { store, screener })
}

/// Checks what a screener returned against the contract: valid rule ids, a score
/// from 0 to 1, bounded texts and counts.
fn check(
    policy: &LoadedPolicy,
    raw: Vec<crate::bindings::exportctl::policy::types::PartyMatch>,
) -> Result<Vec<ListMatch>, String> {
    use crate::bindings::exportctl::policy::types::Outcome as RawOutcome;
    if raw.len() > MAX_MATCHES {
        return Err(format!(
            "{} matches, more than the {MAX_MATCHES} allowed",
            raw.len()
        ));
    }
    raw.into_iter()
        .enumerate()
        .map(|(n, m)| {
            if !Rule::is_valid_id(&m.rule) {
                return Err(format!("match {n}: rule id `{}` is not kebab-case", m.rule));
            }
            if policy
                .plugin
                .catalogue()
                .is_some_and(|c| !c.declares(&m.rule))
            {
                return Err(format!(
                    "match {n}: rule `{}` is not one the plugin declares (its `rules`)",
                    m.rule
                ));
            }
            if !(0.0..=1.0).contains(&m.score) {
                return Err(format!("match {n}: score {} is outside 0 to 1", m.score));
            }
            for (field, text, max) in [
                ("message", &m.message, MAX_MESSAGE_BYTES),
                ("legal-basis", &m.legal_basis, MAX_LEGAL_BASIS_BYTES),
                ("sanctions-list", &m.sanctions_list, MAX_FIELD_BYTES),
                ("edition", &m.edition, MAX_FIELD_BYTES),
                ("entry", &m.entry, MAX_FIELD_BYTES),
                ("listed-name", &m.listed_name, MAX_FIELD_BYTES),
            ] {
                if text.trim().is_empty() || text.len() > max {
                    return Err(format!("match {n}: {field} must be 1–{max} bytes of text"));
                }
            }
            Ok(ListMatch {
                policy: policy.report.id.to_string(),
                version: policy.report.version.to_string(),
                mode: policy.report.mode,
                rule: m.rule,
                outcome: match m.outcome {
                    RawOutcome::Allow => Outcome::Allow,
                    RawOutcome::Review => Outcome::Review,
                    RawOutcome::LicenceRequired => Outcome::LicenceRequired,
                    RawOutcome::Deny => Outcome::Deny,
                },
                list: m.sanctions_list,
                edition: m.edition,
                entry: m.entry,
                listed_name: m.listed_name,
                score: m.score,
                message: m.message,
                legal_basis: m.legal_basis,
            })
        })
        .collect()
}
