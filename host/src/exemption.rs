//! Exemptions: a compliance officer's record that a screening match is a false
//! positive for one party and one list entry, and [`apply_exemptions`], which
//! moves the findings an exemption still covers out of a verdict's counted
//! findings into [`Verdict::exempted`] (shown, not counted).
//!
//! An exemption covers a finding while all of these hold, and no longer once
//! one fails, so the finding counts again:
//!
//! - the finding has a subject (contract 1.2: a party matching one list entry),
//!   of the exemption's policy, rule, list and entry; a host finding
//!   (`policy-error`, `not-judged`) never has one, so it is never exempted;
//! - `now` is before the exemption's `valid_until`;
//! - the entry's fingerprint is the exempted one: a new list edition that
//!   changes the entry's data changes it;
//! - the shipment's party at the subject's path still has the exempted name and
//!   country (names compared [normalised](normalised_name): case and spacing
//!   only); if the exemption names the ERP's id of the party, the party must
//!   carry that id too (`ids.erp` in the shipment, [`ERP_PARTY_ID`]).
//!
//! The verdict's outcome and each policy's outcome are then what the findings
//! left count; the rules that a failing policy fails closed and that a shipment
//! no enforce-mode policy judged is not allowed are untouched, because neither
//! finding can be exempted.

use crate::verdict::{ExemptedFinding, HOST_POLICY, POLICY_ERROR_RULE, PolicyFinding, Verdict};
use exportctl_sdk::validated::Shipment;
use exportctl_sdk::{Country, Outcome};
use std::time::SystemTime;

/// The key under which a shipment's party carries the ERP's own id of it
/// (`"ids": {"erp": "C-10042"}`), which an exemption may be recorded under.
pub const ERP_PARTY_ID: &str = "erp";

/// A match confirmed as a false positive: one party, one list entry as it was
/// listed, until a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemption {
    /// The exemption's id, named by each finding it covers.
    pub id: String,
    /// The policy whose finding it covers, e.g. `party-screening`.
    pub policy: String,
    /// The rule of that finding, e.g. `csl-sdn`.
    pub rule: String,
    /// The party it is for.
    pub party: ExemptedParty,
    /// The list, as the finding's subject names it.
    pub list: String,
    /// The entry's key, as the finding's subject names it.
    pub entry: String,
    /// The entry's fingerprint when it was exempted.
    pub fingerprint: String,
    /// The first moment it no longer covers anything.
    pub valid_until: SystemTime,
    /// Why the officer judged the match a false positive.
    pub reason: String,
    /// Who exempted it.
    pub officer: String,
}

/// The party an exemption is for: its name and country as they were when it was
/// exempted, and optionally the ERP's id of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExemptedParty {
    /// The ERP's id of the party (`ids.erp` in a shipment), if the exemption is
    /// recorded under it: then the id must match *and* the name and country
    /// must still be these.
    pub erp_id: Option<String>,
    /// The party's name (compared [normalised](normalised_name)).
    pub name: String,
    /// The party's country.
    pub country: Country,
}

/// A name as exemptions compare it: lower case, runs of white space as one
/// space, none at the ends. Any other change (a word, a legal form, a letter)
/// is a change of name, and the exemption no longer holds.
pub fn normalised_name(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Exemption {
    /// The exemption an exemption record grants (`None` for a record that ends one, or a
    /// grant whose time or country does not parse: it then exempts nothing).
    pub fn from_record(record: &exportctl_audit::ExemptionRecord) -> Option<Exemption> {
        let grant = record.grant.as_ref()?;
        let until: jiff::Timestamp = grant.valid_until.parse().ok()?;
        Some(Exemption {
            id: record.exemption_id.to_string(),
            policy: grant.policy.clone(),
            rule: grant.rule.clone(),
            party: ExemptedParty {
                erp_id: grant.party.erp_id.clone(),
                name: grant.party.name.clone(),
                country: Country::parse(&grant.party.country)?,
            },
            list: grant.list.clone(),
            entry: grant.entry.clone(),
            fingerprint: grant.fingerprint.clone(),
            valid_until: system_time(until)?,
            reason: record.reason.clone(),
            officer: record.officer.clone(),
        })
    }

    /// Whether it covers `finding` of `shipment` at `now`.
    fn covers(&self, finding: &PolicyFinding, shipment: &Shipment, now: SystemTime) -> bool {
        let Some(subject) = &finding.get_subject() else {
            return false;
        };
        if &*finding.policy == HOST_POLICY || finding.rule() == POLICY_ERROR_RULE {
            return false;
        }
        now < self.valid_until
            && *finding.policy == *self.policy
            && finding.rule() == self.rule
            && subject.list == self.list
            && subject.entry == self.entry
            && subject.fingerprint == self.fingerprint
            && self.party.is(shipment, &subject.party)
    }
}

impl ExemptedParty {
    /// Whether the shipment's party at `path` is this party, as exempted.
    fn is(&self, shipment: &Shipment, path: &str) -> bool {
        let Some(party) = shipment.party_at(path) else {
            return false;
        };
        if let Some(id) = &self.erp_id {
            let carried = party
                .ids
                .iter()
                .find(|(key, _)| &**key == ERP_PARTY_ID)
                .map(|(_, value)| &**value);
            if carried != Some(id.as_str()) {
                return false;
            }
        }
        party.country == self.country && normalised_name(&party.name) == normalised_name(&self.name)
    }
}

/// A record's time (RFC 3339) as the clock exemptions are judged by.
pub fn system_time(at: jiff::Timestamp) -> Option<SystemTime> {
    let secs = u64::try_from(at.as_second()).ok()?;
    let nanos = u64::from(at.subsec_nanosecond().unsigned_abs());
    Some(
        SystemTime::UNIX_EPOCH
            + std::time::Duration::from_secs(secs)
            + std::time::Duration::from_nanos(nanos),
    )
}

/// Moves each finding of `verdict` that one of `exemptions` covers at `now`
/// (see the module's rules) into [`Verdict::exempted`], with the id of the first
/// exemption that covers it, and recomputes the verdict's outcome and the
/// outcome of each policy that lost a finding from the findings left.
/// `shipment` is the shipment the verdict is on (its parties' names, countries
/// and ids are compared).
///
/// ```
/// use exportctl::{ExemptedParty, Exemption, apply_exemptions};
/// use std::time::{Duration, SystemTime};
/// # fn demo(verdict: &mut exportctl::Verdict, shipment: &exportctl_sdk::validated::Shipment) {
/// let now = SystemTime::now();
/// let exemption = Exemption {
///     id: "EX-7".into(),
///     policy: "party-screening".into(),
///     rule: "csl-sdn".into(),
///     party: ExemptedParty {
///         erp_id: None,
///         name: "Rosoboron Trading GmbH".into(),
///         country: exportctl_sdk::Country::parse("DE").unwrap(),
///     },
///     list: "Specially Designated Nationals (SDN) - Treasury Department [SDN]".into(),
///     entry: "SDN:12345".into(),
///     fingerprint: "3f1c…".into(),
///     valid_until: now + Duration::from_secs(90 * 86_400),
///     reason: "another company: registry number differs".into(),
///     officer: "a.officer".into(),
/// };
/// apply_exemptions(verdict, shipment, &[exemption], now);
/// for f in &verdict.exempted {
///     println!("{} {} exempted by {}", f.finding.policy, f.finding.rule(), f.exemption);
/// }
/// # }
/// ```
pub fn apply_exemptions(
    verdict: &mut Verdict,
    shipment: &Shipment,
    exemptions: &[Exemption],
    now: SystemTime,
) {
    if exemptions.is_empty() {
        return;
    }
    let mut kept = Vec::with_capacity(verdict.findings.len());
    let mut touched: Vec<std::sync::Arc<str>> = Vec::new();
    for finding in std::mem::take(&mut verdict.findings) {
        match exemptions
            .iter()
            .find(|e| e.covers(&finding, shipment, now))
        {
            Some(exemption) => {
                if !touched.contains(&finding.policy) {
                    touched.push(finding.policy.clone());
                }
                verdict.exempted.push(ExemptedFinding {
                    exemption: exemption.id.clone(),
                    finding,
                });
            }
            None => kept.push(finding),
        }
    }
    verdict.findings = kept;
    if touched.is_empty() {
        return;
    }
    for report in &mut verdict.policies {
        // A failed policy's outcome is its fail outcome, and its one finding
        // (`policy-error`) is never exempted; a policy not in force found nothing.
        if !report.in_force || report.error.is_some() || !touched.contains(&report.id) {
            continue;
        }
        report.outcome = worst(
            verdict
                .findings
                .iter()
                .filter(|f| f.policy == report.id)
                .map(|f| f.outcome()),
        );
    }
    verdict.outcome = worst(
        verdict
            .findings
            .iter()
            .filter(|f| f.counts())
            .map(|f| f.outcome()),
    );
}

fn worst(outcomes: impl Iterator<Item = Outcome>) -> Outcome {
    outcomes.max().unwrap_or(Outcome::Allow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy_set::Mode;
    use crate::verdict::PolicyReport;
    use exportctl_sdk::{Date, Finding, FindingSubject, PartyPath, Rule};
    use std::time::Duration;

    const SDN: Rule = Rule::new("csl-sdn", "31 CFR 501");
    const LIST: &str = "Specially Designated Nationals (SDN) [SDN]";

    fn shipment(consignee: &str, country: &str, erp: Option<&str>) -> Shipment<'static> {
        let mut doc = serde_json::json!({
            "id": "S-1", "date": "2026-09-01",
            "exporter": {"name": "Rhein Elektronik GmbH", "country": "DE"},
            "consignee": {"name": consignee, "country": country},
            "other_parties": [{"role": "bank", "name": "Bank One", "country": "DE"}],
            "origin_country": "DE", "destination_country": country,
            "lines": [{"line": 1, "description": "pumps", "hs_code": "8413.30", "quantity": 1,
                       "value": {"amount": "10.00", "currency": "EUR"}}]
        });
        if let Some(id) = erp {
            doc["consignee"]["ids"] = serde_json::json!({ "erp": id });
        }
        Shipment::from_json(&doc.to_string()).unwrap()
    }

    fn subject(party: PartyPath, entry: &str, fingerprint: &str) -> FindingSubject {
        FindingSubject::new(party, LIST, "CSL generated 2026-07-31", entry, fingerprint)
    }

    fn finding(policy: &str, f: Finding) -> PolicyFinding {
        PolicyFinding {
            policy: policy.into(),
            mode: Mode::Enforce,
            finding: f,
        }
    }

    fn report(id: &str) -> PolicyReport {
        PolicyReport {
            id: id.into(),
            version: "1.0.0".into(),
            sha256: "".into(),
            mode: Mode::Enforce,
            outcome: Outcome::Allow,
            error: None,
            in_force: true,
            signed_by: "bundled".into(),
            name: "".into(),
            limitations: 0,
        }
    }

    /// A verdict with a `deny` SDN match of the consignee (entry SDN:1,
    /// fingerprint `f1`) and a `review` finding of another policy.
    fn verdict(screening: Vec<Finding>) -> Verdict {
        let date = Date::ymd(2026, 9, 1);
        let mut findings: Vec<PolicyFinding> = screening
            .into_iter()
            .map(|f| finding("party-screening", f))
            .collect();
        findings.push(finding(
            "chpl-diversion",
            Rule::new("chpl", "CHPL").review("tier 4"),
        ));
        let mut policies = vec![report("party-screening"), report("chpl-diversion")];
        for p in &mut policies {
            p.outcome = findings
                .iter()
                .filter(|f| f.policy == p.id)
                .map(|f| f.outcome())
                .max()
                .unwrap_or(Outcome::Allow);
        }
        Verdict::aggregate("S-1".into(), date, date, policies, findings)
    }

    fn sdn_match() -> Finding {
        SDN.deny("consignee matches SDN:1")
            .subject(subject(PartyPath::Consignee, "SDN:1", "f1"))
    }

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000)
    }

    fn exemption() -> Exemption {
        Exemption {
            id: "EX-1".into(),
            policy: "party-screening".into(),
            rule: "csl-sdn".into(),
            party: ExemptedParty {
                erp_id: None,
                name: "Acme Trading".into(),
                country: Country::parse("KZ").unwrap(),
            },
            list: LIST.into(),
            entry: "SDN:1".into(),
            fingerprint: "f1".into(),
            valid_until: now() + Duration::from_secs(3600),
            reason: "another company: different registry number".into(),
            officer: "officer-a".into(),
        }
    }

    /// The verdict on `shipment` after `exemption` is applied at `now`.
    fn applied(shipment: &Shipment, exemption: Exemption, at: SystemTime) -> Verdict {
        let mut v = verdict(vec![sdn_match()]);
        assert_eq!(v.outcome, Outcome::Deny);
        apply_exemptions(&mut v, shipment, &[exemption], at);
        v
    }

    fn counted(v: &Verdict) {
        assert_eq!(v.outcome, Outcome::Deny, "{v:#?}");
        assert!(v.exempted.is_empty());
        assert_eq!(v.findings.len(), 2);
        assert_eq!(v.policies[0].outcome, Outcome::Deny);
    }

    #[test]
    fn a_valid_exemption_moves_its_finding_out_of_the_count() {
        let v = applied(&shipment("Acme Trading", "KZ", None), exemption(), now());
        assert_eq!(
            v.outcome,
            Outcome::Review,
            "the other policy's finding is left"
        );
        assert_eq!(v.findings.len(), 1);
        assert_eq!(&*v.findings[0].policy, "chpl-diversion");
        assert_eq!(v.exempted.len(), 1);
        assert_eq!(v.exempted[0].exemption, "EX-1");
        assert_eq!(v.exempted[0].finding.rule(), "csl-sdn");
        assert_eq!(v.policies[0].outcome, Outcome::Allow, "party-screening");
        assert_eq!(v.policies[1].outcome, Outcome::Review, "chpl-diversion");
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["exempted"][0]["exemption"], "EX-1");
        assert_eq!(json["exempted"][0]["policy"], "party-screening");
        assert_eq!(json["exempted"][0]["subject"]["entry"], "SDN:1");
        assert_eq!(json["policies"][0]["outcome"], "allow");
        let mut text = Vec::new();
        crate::report::write_text(&mut text, &v).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.starts_with("S-1: REVIEW"), "{text}");
        assert!(
            text.contains("  - DENY [party-screening/csl-sdn] (exempted by EX-1: not counted)\n"),
            "{text}"
        );
    }

    #[test]
    fn names_are_compared_by_case_and_spacing_only() {
        let v = applied(
            &shipment("  ACME   trading ", "KZ", None),
            exemption(),
            now(),
        );
        assert_eq!(v.exempted.len(), 1);
        assert_eq!(normalised_name(" Acme\tTrading  LLP"), "acme trading llp");
    }

    #[test]
    fn an_expired_exemption_covers_nothing() {
        let s = shipment("Acme Trading", "KZ", None);
        counted(&applied(&s, exemption(), exemption().valid_until));
        counted(&applied(
            &s,
            exemption(),
            exemption().valid_until + Duration::from_secs(1),
        ));
        let just_before = exemption().valid_until - Duration::from_secs(1);
        assert_eq!(applied(&s, exemption(), just_before).exempted.len(), 1);
    }

    #[test]
    fn a_changed_entry_fingerprint_ends_the_exemption() {
        let ex = Exemption {
            fingerprint: "f0".into(),
            ..exemption()
        };
        counted(&applied(&shipment("Acme Trading", "KZ", None), ex, now()));
    }

    #[test]
    fn a_changed_name_or_country_ends_the_exemption() {
        counted(&applied(
            &shipment("Acme Trading LLP", "KZ", None),
            exemption(),
            now(),
        ));
        counted(&applied(
            &shipment("Acme Trading", "KG", None),
            exemption(),
            now(),
        ));
    }

    #[test]
    fn another_entry_rule_policy_or_list_is_not_covered() {
        let s = shipment("Acme Trading", "KZ", None);
        for ex in [
            Exemption {
                entry: "SDN:2".into(),
                ..exemption()
            },
            Exemption {
                rule: "csl-entity-list".into(),
                ..exemption()
            },
            Exemption {
                policy: "company-rules".into(),
                ..exemption()
            },
            Exemption {
                list: "Entity List [EL]".into(),
                ..exemption()
            },
        ] {
            counted(&applied(&s, ex, now()));
        }
    }

    #[test]
    fn another_party_is_not_covered() {
        // The same entry matched for the bank, not the exempted consignee.
        let s = shipment("Acme Trading", "KZ", None);
        let mut v = verdict(vec![SDN.deny("bank matches SDN:1").subject(subject(
            PartyPath::Other(0),
            "SDN:1",
            "f1",
        ))]);
        apply_exemptions(&mut v, &s, &[exemption()], now());
        assert!(v.exempted.is_empty());
        assert_eq!(v.outcome, Outcome::Deny);
        // A path the shipment does not have.
        let mut v = verdict(vec![SDN.deny("end user matches SDN:1").subject(subject(
            PartyPath::EndUser,
            "SDN:1",
            "f1",
        ))]);
        apply_exemptions(&mut v, &s, &[exemption()], now());
        assert!(v.exempted.is_empty());
    }

    #[test]
    fn a_finding_without_a_subject_or_of_the_host_is_never_exempted() {
        let s = shipment("Acme Trading", "KZ", None);
        let mut v = verdict(vec![
            SDN.deny("consignee matches SDN:1")
                .party(PartyPath::Consignee),
        ]);
        apply_exemptions(&mut v, &s, &[exemption()], now());
        assert!(v.exempted.is_empty());
        assert_eq!(v.outcome, Outcome::Deny);

        let mut v = verdict(vec![]);
        let failed = Rule::new(POLICY_ERROR_RULE, "fail closed")
            .review("the policy failed")
            .subject(subject(PartyPath::Consignee, "SDN:1", "f1"));
        v.findings.push(finding("party-screening", failed.clone()));
        let mut of_the_host = failed.into_parts();
        of_the_host.rule = "csl-sdn".into();
        v.findings
            .push(PolicyFinding::host(Finding::from_parts(of_the_host)));
        let before = v.findings.len();
        apply_exemptions(&mut v, &s, &[exemption()], now());
        assert_eq!(v.findings.len(), before);
        assert!(v.exempted.is_empty());
    }

    #[test]
    fn an_erp_id_must_match_and_so_must_name_and_country() {
        let by_id = Exemption {
            party: ExemptedParty {
                erp_id: Some("C-42".into()),
                ..exemption().party
            },
            ..exemption()
        };
        let v = applied(
            &shipment("Acme Trading", "KZ", Some("C-42")),
            by_id.clone(),
            now(),
        );
        assert_eq!(v.exempted.len(), 1);
        counted(&applied(
            &shipment("Acme Trading", "KZ", Some("C-43")),
            by_id.clone(),
            now(),
        ));
        counted(&applied(
            &shipment("Acme Trading", "KZ", None),
            by_id.clone(),
            now(),
        ));
        counted(&applied(
            &shipment("Acme Holding", "KZ", Some("C-42")),
            by_id.clone(),
            now(),
        ));
        counted(&applied(
            &shipment("Acme Trading", "RU", Some("C-42")),
            by_id,
            now(),
        ));
    }

    #[test]
    fn no_exemptions_leave_the_verdict_as_it_was() {
        let mut v = verdict(vec![sdn_match()]);
        let before = v.clone();
        apply_exemptions(&mut v, &shipment("Acme Trading", "KZ", None), &[], now());
        assert_eq!(v, before);
        let json = serde_json::to_value(&v).unwrap();
        assert!(json.get("exempted").is_none(), "{json}");
    }
}
