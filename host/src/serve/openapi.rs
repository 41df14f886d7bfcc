//! `GET /openapi.json`: the OpenAPI 3.1 document of the service.
//!
//! Operations come from the handlers' `#[utoipa::path]` attributes, collected
//! by the router that serves them (`utoipa_axum::OpenApiRouter`), so an
//! endpoint cannot be served without being described. Two schemas are not
//! Rust types of this module and are put in afterwards: the shipment, from the
//! spec's own JSON Schema (`sdk/spec/shipment.schema.json`, its `$defs` hoisted
//! into `components.schemas`), and the verdict of `sdk/spec/verdict.md`.
//!
//! Bearer tokens carry roles; each operation's security requirement lists the
//! roles that may call it (OpenAPI 3.1 allows role names there for non-OAuth
//! schemes).

use serde_json::{Map, Value, json};
use std::borrow::Cow;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, schema::Schema};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

/// The spec's shipment schema, as shipped with the SDK.
const SHIPMENT_SCHEMA: &str = include_str!("../../../sdk/spec/shipment.schema.json");

/// The document's fixed parts: title, version, tags, the bearer scheme.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "exportctl",
        description = "Export-control checks an ERP calls before it releases an order. \
            Every verdict is allow, review, licence_required or deny, each finding cited to the \
            law; in enforce mode a verdict is answered only once its decision record is durable \
            in the tamper-evident audit log. Errors are RFC 9457 problem documents \
            (application/problem+json) with the field path of invalid input.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerTokens),
    tags(
        (name = "check", description = "Judge shipments"),
        (name = "decisions", description = "Recorded decisions: read, prove, replay"),
        (name = "holds", description = "Holds on decisions that are not allow: the queue, officers' actions, the changes feed"),
        (name = "policies", description = "The active policy set, reload and rollback"),
        (name = "operations", description = "Probes, metrics and this document")
    )
)]
pub struct ApiDoc;

/// Adds the bearer-token security scheme.
struct BearerTokens;

impl Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token named in the service configuration (`exportctl serve token add`); \
                         its roles decide which operations it may call.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Names the spec's shipment in request bodies; its schema is the spec's JSON
/// Schema, put in by [`document`].
pub struct ShipmentDoc;

impl PartialSchema for ShipmentDoc {
    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::default())
    }
}

impl ToSchema for ShipmentDoc {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Shipment")
    }
}

/// Names the verdict of `sdk/spec/verdict.md` in responses; its schema is put
/// in by [`document`].
pub struct VerdictDoc;

impl PartialSchema for VerdictDoc {
    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::default())
    }
}

impl ToSchema for VerdictDoc {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Verdict")
    }
}

/// The finished document: `api` (collected from the router) with the
/// shipment's and the verdict's schemas, as JSON.
pub fn document(api: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(api).unwrap_or_else(|_| json!({}));
    let version = env!("CARGO_PKG_VERSION");
    doc["info"]["version"] = json!(version);
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut);
    let mut added = Map::new();
    let (shipment, defs) = shipment_schemas();
    added.insert("Shipment".to_owned(), shipment);
    added.extend(defs);
    added.insert("Verdict".to_owned(), verdict_schema());
    match schemas {
        Some(schemas) => schemas.extend(added),
        None => {
            doc["components"]["schemas"] = Value::Object(added);
        }
    }
    doc
}

/// The spec's shipment schema and its `$defs`, named `Shipment…`, with every
/// `#/$defs/x` reference pointing at the hoisted copy.
fn shipment_schemas() -> (Value, Map<String, Value>) {
    let mut schema: Value = serde_json::from_str(SHIPMENT_SCHEMA).unwrap_or_else(|_| json!({}));
    let mut defs = Map::new();
    if let Some(object) = schema.as_object_mut() {
        object.remove("$schema");
        if let Some(Value::Object(found)) = object.remove("$defs") {
            for (name, def) in found {
                defs.insert(def_name(&name), def);
            }
        }
    }
    redirect_refs(&mut schema);
    for def in defs.values_mut() {
        redirect_refs(def);
    }
    (schema, defs)
}

/// `other_party` → `ShipmentOtherParty`.
fn def_name(name: &str) -> String {
    let mut out = String::from("Shipment");
    for word in name.split('_') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

fn redirect_refs(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(target)) = object.get_mut("$ref")
                && let Some(name) = target.strip_prefix("#/$defs/")
            {
                *target = format!("#/components/schemas/{}", def_name(name));
            }
            object.values_mut().for_each(redirect_refs);
        }
        Value::Array(items) => items.iter_mut().for_each(redirect_refs),
        _ => {}
    }
}

/// The verdict of `sdk/spec/verdict.md` (version 1). Its field names are the
/// contract; more may be added, so objects stay open.
fn verdict_schema() -> Value {
    let outcome = json!({
        "type": "string",
        "enum": ["allow", "review", "licence_required", "deny"],
    });
    // A finding's subject (policy contract 1.2.0): absent when the policy gave none.
    let subject = json!({
        "type": "object",
        "description": "The party and list entry the finding is about; the key an exemption is recorded under.",
        "required": ["party", "list", "edition", "entry", "fingerprint"],
        "properties": {
            "party": { "type": "string", "description": "Field path of the party, one of `parties`." },
            "list": { "type": "string" },
            "edition": { "type": "string" },
            "entry": { "type": "string", "description": "The entry's key, stable across editions where the list allows." },
            "fingerprint": { "type": "string", "description": "Digest of the entry's listed data: changes when the entry does." },
        },
    });
    let finding = |exempted: bool| {
        let mut required = vec![
            "policy",
            "rule",
            "outcome",
            "lines",
            "parties",
            "message",
            "legal_basis",
        ];
        let mut properties = json!({
            "policy": { "type": "string" },
            "rule": { "type": "string" },
            "outcome": outcome,
            "lines": { "type": "array", "items": { "type": "integer", "minimum": 1 }, "description": "Line numbers, from 1." },
            "parties": { "type": "array", "items": { "type": "string" }, "description": "Field paths of the parties concerned." },
            "message": { "type": "string" },
            "legal_basis": { "type": "string", "description": "Regulation, article, annex, list edition and date." },
            "subject": subject,
        });
        if exempted {
            required.insert(0, "exemption");
            properties["exemption"] = json!({ "type": "string", "description": "The id of the exemption that covers the finding." });
        }
        json!({ "type": "object", "required": required, "properties": properties })
    };
    json!({
        "type": "object",
        "description": "One verdict: the most severe outcome among the enforce-mode findings, every policy's own outcome, every finding with its legal basis, and warnings (sdk/spec/verdict.md).",
        "required": ["shipment", "outcome", "as_of", "date", "policies", "findings", "warnings"],
        "properties": {
            "shipment": { "type": "string", "description": "The shipment's id." },
            "outcome": outcome,
            "as_of": { "type": "string", "format": "date", "description": "The date whose law was applied." },
            "date": { "type": "string", "format": "date", "description": "The shipment's own date." },
            "policies": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "version", "sha256", "mode", "outcome", "error", "in_force", "signed_by"],
                    "properties": {
                        "id": { "type": "string" },
                        "version": { "type": "string" },
                        "sha256": { "type": "string", "description": "The plugin's SHA-256, hex." },
                        "mode": { "type": "string", "enum": ["enforce", "monitor"] },
                        "outcome": {
                            "type": "string",
                            "enum": ["allow", "review", "licence_required", "deny", "not_in_force"],
                        },
                        "error": { "type": ["string", "null"], "description": "Why the policy could not judge (its finding is `policy-error`)." },
                        "in_force": { "type": "boolean" },
                        "signed_by": { "type": "string" },
                    },
                },
            },
            "findings": { "type": "array", "items": finding(false) },
            "exempted": {
                "type": "array",
                "items": finding(true),
                "description": "Findings an officer's exemption covers: shown, not counted (absent when none).",
            },
            "warnings": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kind", "path", "message"],
                    "properties": {
                        "kind": { "type": "string", "enum": ["unknown-field", "data-age"] },
                        "path": { "type": "string" },
                        "suggestion": { "type": ["string", "null"] },
                        "message": { "type": "string" },
                    },
                },
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(object) => {
                if let Some(Value::String(target)) = object.get("$ref") {
                    out.push(target.clone());
                }
                object.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_of_the_document_resolves() {
        let doc = document(ApiDoc::openapi());
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() >= 15, "{found:?}");
        for target in found {
            let pointer = target.strip_prefix('#').unwrap_or(&target);
            assert!(doc.pointer(pointer).is_some(), "{target} does not resolve");
        }
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    }

    #[test]
    fn the_shipment_schema_is_the_specs_with_its_definitions_hoisted() {
        let (shipment, defs) = shipment_schemas();
        let spec: Value = serde_json::from_str(SHIPMENT_SCHEMA).unwrap_or_default();
        assert_eq!(shipment["required"], spec["required"]);
        assert_eq!(
            shipment["properties"].as_object().map(Map::len),
            spec["properties"].as_object().map(Map::len)
        );
        assert_eq!(
            defs.keys().map(String::as_str).collect::<Vec<_>>(),
            [
                "ShipmentCountry",
                "ShipmentDate",
                "ShipmentLine",
                "ShipmentOtherParty",
                "ShipmentParty"
            ]
        );
        assert!(!shipment.to_string().contains("#/$defs/"));
    }
}
