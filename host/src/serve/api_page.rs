//! `GET /api`: the OpenAPI document as a page a person reads — every operation
//! with its roles, parameters, request body and answers, then every schema.
//!
//! Rendered on the server from the same document as `/openapi.json`, with no
//! script and nothing fetched from elsewhere, so it works air-gapped.

use serde_json::Value;
use std::fmt::Write;

/// The HTTP methods in the order the page lists them.
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The page for `doc`.
pub fn render(doc: &Value) -> String {
    let mut page = String::new();
    let title = text(&doc["info"]["title"]);
    let version = text(&doc["info"]["version"]);
    let _ = write!(
        page,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{title} {version} API</title><style>{STYLE}</style></head><body>\
         <h1>{title} {version}</h1><p>{}</p>\
         <p>The same document as JSON: <a href=\"/openapi.json\"><code>/openapi.json</code></a> (OpenAPI {}).</p>",
        text(&doc["info"]["description"]),
        text(&doc["openapi"]),
    );
    page.push_str("<h2>Operations</h2>");
    let empty = serde_json::Map::new();
    let paths = doc["paths"].as_object().unwrap_or(&empty);
    for (path, item) in paths {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                operation_html(&mut page, method, path, operation);
            }
        }
    }
    page.push_str("<h2>Schemas</h2>");
    let schemas = doc["components"]["schemas"].as_object().unwrap_or(&empty);
    for (name, schema) in schemas {
        let pretty = serde_json::to_string_pretty(schema).unwrap_or_default();
        let _ = write!(
            page,
            "<section id=\"schema-{name}\"><h3>{}</h3><pre>{}</pre></section>",
            escape(name),
            escape(&pretty)
        );
    }
    page.push_str("</body></html>");
    page
}

fn operation_html(page: &mut String, method: &str, path: &str, operation: &Value) {
    let _ = write!(
        page,
        "<section class=\"op\"><h3><span class=\"m {method}\">{}</span> <code>{}</code></h3>",
        method.to_uppercase(),
        escape(path)
    );
    if let Some(summary) = operation["summary"].as_str() {
        let _ = write!(page, "<p><b>{}</b></p>", escape(summary));
    }
    if let Some(description) = operation["description"].as_str() {
        for paragraph in description.split("\n\n") {
            let _ = write!(page, "<p>{}</p>", escape(paragraph));
        }
    }
    let _ = write!(page, "<p>Access: {}</p>", access(operation));
    if let Some(parameters) = operation["parameters"].as_array().filter(|p| !p.is_empty()) {
        page.push_str(
            "<table><tr><th>parameter</th><th>in</th><th>required</th><th>description</th></tr>",
        );
        for parameter in parameters {
            let _ = write!(
                page,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text(&parameter["name"]),
                text(&parameter["in"]),
                if parameter["required"] == true {
                    "yes"
                } else {
                    "no"
                },
                text(&parameter["description"]),
            );
        }
        page.push_str("</table>");
    }
    if let Some(content) = operation["requestBody"]["content"].as_object() {
        page.push_str("<p>Request body:</p><ul>");
        for (media, body) in content {
            let _ = write!(
                page,
                "<li><code>{}</code>: {}</li>",
                escape(media),
                schema_link(&body["schema"])
            );
        }
        page.push_str("</ul>");
    }
    if let Some(responses) = operation["responses"].as_object() {
        page.push_str("<table><tr><th>status</th><th>meaning</th><th>body</th></tr>");
        for (status, response) in responses {
            let bodies: Vec<String> = response["content"]
                .as_object()
                .map(|content| {
                    content
                        .iter()
                        .map(|(media, body)| {
                            format!(
                                "<code>{}</code> {}",
                                escape(media),
                                schema_link(&body["schema"])
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let _ = write!(
                page,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(status),
                text(&response["description"]),
                bodies.join("<br>")
            );
        }
        page.push_str("</table>");
    }
    page.push_str("</section>");
}

/// Who may call an operation: the roles of its bearer requirement, or open.
fn access(operation: &Value) -> String {
    let Some(requirements) = operation["security"].as_array() else {
        return "open (no token)".to_owned();
    };
    let roles: Vec<String> = requirements
        .iter()
        .filter_map(|r| r["bearer"].as_array())
        .flatten()
        .filter_map(Value::as_str)
        .map(|role| format!("<code>{}</code>", escape(role)))
        .collect();
    if roles.is_empty() {
        "a bearer token".to_owned()
    } else {
        format!("a bearer token with the role {}", roles.join(" or "))
    }
}

/// A schema reference as a link to its section, an inline schema by its type.
fn schema_link(schema: &Value) -> String {
    if let Some(name) = schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        return format!("<a href=\"#schema-{0}\">{0}</a>", escape(name));
    }
    if let Some(items) = schema.get("items") {
        return format!("array of {}", schema_link(items));
    }
    schema["type"]
        .as_str()
        .map_or_else(|| "JSON".to_owned(), escape)
}

fn text(value: &Value) -> String {
    escape(value.as_str().unwrap_or_default())
}

fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1b1b1b}\
code,pre{font-family:ui-monospace,monospace}pre{background:#f5f5f5;padding:.75rem;overflow-x:auto;font-size:.85rem}\
.op{border-top:1px solid #ddd;padding-top:.5rem}.m{display:inline-block;min-width:4rem;text-align:center;color:#fff;border-radius:3px;padding:0 .4rem}\
.get{background:#2f6f9f}.post{background:#2e7d32}.put,.patch{background:#9a6a00}.delete{background:#b3261e}\
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_operation_and_schema_is_on_the_page_and_text_is_escaped() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": { "title": "exportctl", "version": "1.2.3", "description": "a <b> & c" },
            "paths": {
                "/v1/check": { "post": {
                    "summary": "Judge one shipment",
                    "security": [{ "bearer": ["check"] }],
                    "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Shipment" } } } },
                    "responses": { "422": { "description": "Invalid input", "content": {
                        "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } } }
                } },
                "/healthz": { "get": { "summary": "Alive", "responses": { "200": { "description": "alive" } } } }
            },
            "components": { "schemas": { "Shipment": { "type": "object" }, "Problem": { "type": "object" } } }
        });
        let page = render(&doc);
        assert!(page.contains("<code>/v1/check</code>"));
        assert!(page.contains("<code>/healthz</code>"));
        assert!(page.contains("the role <code>check</code>"));
        assert!(page.contains("open (no token)"));
        assert!(page.contains("<a href=\"#schema-Shipment\">Shipment</a>"));
        assert!(page.contains("id=\"schema-Problem\""));
        assert!(page.contains("a &lt;b&gt; &amp; c"));
        assert!(!page.contains("<script"));
    }
}
