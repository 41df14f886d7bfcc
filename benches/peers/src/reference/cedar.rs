//! The reference rule in Cedar. Cedar has no quantifier over a list, so the host
//! flattens the shipment's lines into a set of HS-6 codes (`context.hs6`) and the
//! policy tests it against the CHPL held in an entity (`List::"chpl"`, attribute
//! `codes`) with `containsAny`; everything is permitted unless the `forbid` matches.

use super::{chpl_codes, destination, subheadings};
use crate::PeersError;
use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityUid, PolicySet, Request,
    RestrictedExpression,
};
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

/// The rule (`benches/peers/rules/reference.cedar`).
pub const POLICIES: &str = include_str!("../../rules/reference.cedar");

const CEDAR: &str = "cedar";

/// The rule with its entities and the request's fixed parts.
pub struct CedarRule {
    authorizer: Authorizer,
    policies: PolicySet,
    entities: Entities,
    principal: EntityUid,
    action: EntityUid,
    resource: EntityUid,
}

impl CedarRule {
    /// Parses the rule and builds the CHPL entity.
    pub fn new() -> Result<CedarRule, PeersError> {
        let policies = PolicySet::from_str(POLICIES).map_err(|e| PeersError::engine(CEDAR, e))?;
        let uid = |s: &str| EntityUid::from_str(s).map_err(|e| PeersError::engine(CEDAR, e));
        let resource = uid(r#"List::"chpl""#)?;
        let codes = RestrictedExpression::new_set(
            chpl_codes().map(|c| RestrictedExpression::new_string(c.to_owned())),
        );
        let list = Entity::new(
            resource.clone(),
            HashMap::from([("codes".to_owned(), codes)]),
            HashSet::new(),
        )
        .map_err(|e| PeersError::engine(CEDAR, e))?;
        let entities =
            Entities::from_entities([list], None).map_err(|e| PeersError::engine(CEDAR, e))?;
        Ok(CedarRule {
            authorizer: Authorizer::new(),
            policies,
            entities,
            principal: uid(r#"Exporter::"erp""#)?,
            action: uid(r#"Action::"export""#)?,
            resource,
        })
    }

    /// The request for a shipment: the flattened lines and the destination in its
    /// context.
    pub fn request(
        &self,
        shipment: &exportctl_sdk::validated::Shipment,
    ) -> Result<Request, PeersError> {
        let hs6 = RestrictedExpression::new_set(
            subheadings(shipment).map(|c| RestrictedExpression::new_string(c.to_owned())),
        );
        let context = Context::from_pairs([
            (
                "destination".to_owned(),
                RestrictedExpression::new_string(destination(shipment).to_owned()),
            ),
            ("hs6".to_owned(), hs6),
        ])
        .map_err(|e| PeersError::engine(CEDAR, e))?;
        Request::new(
            self.principal.clone(),
            self.action.clone(),
            self.resource.clone(),
            context,
            None,
        )
        .map_err(|e| PeersError::engine(CEDAR, e))
    }

    /// Whether the rule denies the request; an evaluation error is an error, not a
    /// silent allow.
    pub fn denies(&self, request: &Request) -> Result<bool, PeersError> {
        let response = self
            .authorizer
            .is_authorized(request, &self.policies, &self.entities);
        if let Some(e) = response.diagnostics().errors().next() {
            return Err(PeersError::engine(CEDAR, e));
        }
        Ok(response.decision() == Decision::Deny)
    }
}
