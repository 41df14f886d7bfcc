//! The `chpl-diversion` decision in Cedar (`benches/peers/rules/chpl.cedar`).
//!
//! Cedar decides one request at a time and cannot iterate a list, so the host does
//! what Cedar users do: one request per shipment line, with the shipment's facts
//! flattened into the context (the sets of subheadings of EU-made and of US-made or
//! US-content lines, which the exporter's regimes depend on; dates as yyyymmdd
//! numbers), and afterwards it groups the lines by the `forbid` policies each one
//! matched (their `@finding` annotation) into findings.

use super::{Decision, Finding};
use crate::PeersError;
use cedar_policy::{
    Authorizer, Context, Entities, Entity, EntityUid, PolicyId, PolicySet, Request,
    RestrictedExpression,
};
use chpl_diversion::regimes::US_DE_MINIMIS_PERCENT;
use exportctl_sdk::validated::Line;
use exportctl_sdk::validated::Shipment;
use exportctl_sdk::{Country, CountrySet, PartyRole, country_sets};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;

/// The rules (`benches/peers/rules/chpl.cedar`).
pub const POLICIES: &str = include_str!("../../rules/chpl.cedar");

const CEDAR: &str = "cedar";

/// CHPL subheadings Annex XL named only from 25 Jun 2024, as in the Rego rules.
const ADDED_TO_ANNEX_XL_IN_2024: [&str; 5] = ["845710", "845811", "845891", "845961", "846693"];

/// One shipment's requests: each line's number and its request.
pub type LineRequests = Vec<(u32, Request)>;

/// The rules, their entities and which finding each `forbid` stands for.
pub struct CedarChpl {
    authorizer: Authorizer,
    policies: PolicySet,
    entities: Entities,
    findings: HashMap<PolicyId, (String, String)>,
    principal: EntityUid,
    action: EntityUid,
    resource: EntityUid,
}

impl CedarChpl {
    /// Parses the rules and builds the list and country-set entities.
    pub fn new() -> Result<CedarChpl, PeersError> {
        let policies = PolicySet::from_str(POLICIES).map_err(|e| PeersError::engine(CEDAR, e))?;
        let mut findings = HashMap::new();
        for p in policies.policies() {
            if let Some(finding) = p.annotation("finding") {
                let (rule, outcome) = finding.split_once(' ').ok_or_else(|| {
                    PeersError::engine(CEDAR, format!("@finding {finding:?} is not `rule outcome`"))
                })?;
                findings.insert(p.id().clone(), (rule.to_owned(), outcome.to_owned()));
            }
        }
        let uid = |s: &str| EntityUid::from_str(s).map_err(|e| PeersError::engine(CEDAR, e));
        let entity = |id: &str, attr: &str, values: Vec<&str>| -> Result<Entity, PeersError> {
            Entity::new(
                uid(id)?,
                HashMap::from([(attr.to_owned(), strings(values))]),
                HashSet::new(),
            )
            .map_err(|e| PeersError::engine(CEDAR, e))
        };
        let members = |set: &CountrySet| set.members.iter().map(Country::as_str).collect();
        let chpl: Vec<&str> = crate::reference::chpl_codes().collect();
        let annex_xl_2023 = chpl
            .iter()
            .copied()
            .filter(|c| !ADDED_TO_ANNEX_XL_IN_2024.contains(c))
            .collect();
        let entities = Entities::from_entities(
            [
                entity(r#"List::"chpl""#, "codes", chpl)?,
                entity(r#"List::"annex_xl_2023""#, "codes", annex_xl_2023)?,
                entity(
                    r#"Countries::"eu27""#,
                    "members",
                    members(&country_sets::EU27),
                )?,
                entity(
                    r#"Countries::"ru_by""#,
                    "members",
                    members(&country_sets::RUSSIA_BELARUS),
                )?,
                entity(
                    r#"Countries::"transshipment_risk""#,
                    "members",
                    members(&country_sets::TRANSSHIPMENT_RISK),
                )?,
            ],
            None,
        )
        .map_err(|e| PeersError::engine(CEDAR, e))?;
        Ok(CedarChpl {
            authorizer: Authorizer::new(),
            policies,
            entities,
            findings,
            principal: uid(r#"Exporter::"erp""#)?,
            action: uid(r#"Action::"judge""#)?,
            resource: uid(r#"List::"chpl""#)?,
        })
    }

    /// The shipment's requests, one per line.
    pub fn requests(&self, s: &Shipment) -> Result<LineRequests, PeersError> {
        let eu = |c: Country| country_sets::EU27.contains(c);
        let us = |l: &Line| {
            l.origin_country == Some(Country::US)
                || l.us_content_percent
                    .is_some_and(|p| p > US_DE_MINIMIS_PERCENT)
        };
        let as_of = i64::from(s.as_of.year()) * 10_000
            + i64::from(s.as_of.month()) * 100
            + i64::from(s.as_of.day());
        let shared = [
            ("as_of", RestrictedExpression::new_long(as_of)),
            ("exporter", string(s.exporter.country.as_str())),
            ("origin", string(s.origin_country.as_str())),
            ("destination", string(s.destination_country.as_str())),
            ("consignee", string(s.consignee.country.as_str())),
            (
                "end_user",
                string(s.end_user.as_ref().map_or("", |e| e.country.as_str())),
            ),
            (
                "intermediate_consignees",
                strings(
                    s.other_parties
                        .iter()
                        .filter(|p| p.role == PartyRole::IntermediateConsignee)
                        .map(|p| p.party.country.as_str())
                        .collect(),
                ),
            ),
            (
                "transit",
                strings(s.transit_countries.iter().map(Country::as_str).collect()),
            ),
            (
                "eu_origin_hs6",
                strings(
                    s.lines
                        .iter()
                        .filter(|l| l.origin_country.is_some_and(eu))
                        .map(subheading)
                        .collect(),
                ),
            ),
            (
                "us_hs6",
                strings(s.lines.iter().filter(|l| us(l)).map(subheading).collect()),
            ),
        ];
        s.lines
            .iter()
            .map(|l| {
                let context = Context::from_pairs(
                    shared
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), v.clone()))
                        .chain([("hs6".to_owned(), string(subheading(l)))]),
                )
                .map_err(|e| PeersError::engine(CEDAR, e))?;
                let request = Request::new(
                    self.principal.clone(),
                    self.action.clone(),
                    self.resource.clone(),
                    context,
                    None,
                )
                .map_err(|e| PeersError::engine(CEDAR, e))?;
                Ok((l.line, request))
            })
            .collect()
    }

    /// The decision: each line's matched `forbid`s, grouped into findings.
    pub fn decide(&self, requests: &LineRequests) -> Result<Decision, PeersError> {
        let mut grouped: BTreeMap<&(String, String), Vec<u32>> = BTreeMap::new();
        for (line, request) in requests {
            let response = self
                .authorizer
                .is_authorized(request, &self.policies, &self.entities);
            if let Some(e) = response.diagnostics().errors().next() {
                return Err(PeersError::engine(CEDAR, e));
            }
            for id in response.diagnostics().reason() {
                if let Some(finding) = self.findings.get(id) {
                    grouped.entry(finding).or_default().push(*line);
                }
            }
        }
        Ok(Decision::new(
            grouped
                .into_iter()
                .map(|((rule, outcome), lines)| Finding {
                    rule: rule.clone(),
                    outcome: outcome.clone(),
                    lines,
                })
                .collect(),
        ))
    }
}

/// A line's HS-6 subheading (its whole code if shorter).
fn subheading<'l>(l: &'l Line) -> &'l str {
    let code = l.hs_code.as_str();
    code.get(..6).unwrap_or(code)
}

fn string(s: &str) -> RestrictedExpression {
    RestrictedExpression::new_string(s.to_owned())
}

fn strings(values: Vec<&str>) -> RestrictedExpression {
    RestrictedExpression::new_set(values.into_iter().map(string))
}
