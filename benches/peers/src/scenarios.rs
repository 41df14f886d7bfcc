//! The shipments every engine judges: the evaluate benchmark's generated corpus
//! (fixed seed, real HS 2022 and CHPL codes, a realistic mix of trade), and the
//! same corpus sent to Russia, where the rules have the most to look at. Each
//! document is parsed and validated once, as exportctl does; the peers' inputs
//! are built from these validated shipments.

use crate::PeersError;
use crate::corpus;
use crate::hs_codes::HsCodes;
use exportctl_sdk::validated::Shipment;

/// One scenario: its documents and the shipments validated from them.
pub struct Scenario {
    /// Its name in the tables.
    pub name: &'static str,
    /// The documents as the ERP sends them (JSON text).
    pub documents: Vec<String>,
    /// The same, parsed and validated.
    pub shipments: Vec<Shipment<'static>>,
    /// The same, as a policy reads them (written in the wire format once): what
    /// the native rows judge.
    pub views: Vec<exportctl_sdk::Shipment<'static>>,
}

/// The two scenarios over the first `limit` shipments of the corpus (all of it if
/// `limit` is at least [`corpus::SHIPMENTS`], and then its digest is checked).
pub fn scenarios(limit: usize) -> Result<Vec<Scenario>, PeersError> {
    let codes = HsCodes::load().map_err(|e| PeersError::Corpus(e.to_string()))?;
    let generated = corpus::generate(&codes)
        .into_iter()
        .map(|(kind, text)| Ok((kind, sorted_keys(&text)?)))
        .collect::<Result<Vec<_>, PeersError>>()?;
    if limit >= corpus::SHIPMENTS {
        corpus::check_digest(&generated).map_err(|e| PeersError::Corpus(e.to_string()))?;
    }
    let mix: Vec<String> = generated
        .into_iter()
        .take(limit)
        .map(|(_, text)| text)
        .collect();
    let to_russia = mix
        .iter()
        .map(|text| to_russia(text))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(vec![
        scenario("realistic mix", mix)?,
        scenario("all to RU", to_russia)?,
    ])
}

/// The document with its object keys in sorted order. cedar-policy turns on
/// serde_json's `preserve_order` in this workspace, so the generator's objects come
/// out in insertion order here; sorted, they are the evaluate benchmark's documents
/// byte for byte, which the corpus digest then proves.
fn sorted_keys(text: &str) -> Result<String, PeersError> {
    fn sort(value: serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Object(map) => {
                let mut fields: Vec<(String, serde_json::Value)> = map.into_iter().collect();
                fields.sort_by(|a, b| a.0.cmp(&b.0));
                serde_json::Value::Object(fields.into_iter().map(|(k, v)| (k, sort(v))).collect())
            }
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.into_iter().map(sort).collect())
            }
            other => other,
        }
    }
    let value = serde_json::from_str(text).map_err(|e| PeersError::Corpus(e.to_string()))?;
    Ok(sort(value).to_string())
}

/// The document with Russia as its destination.
fn to_russia(text: &str) -> Result<String, PeersError> {
    let mut doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| PeersError::Corpus(e.to_string()))?;
    let map = doc
        .as_object_mut()
        .ok_or_else(|| PeersError::Corpus("a generated document is not an object".into()))?;
    map.insert("destination_country".into(), "RU".into());
    Ok(doc.to_string())
}

fn scenario(name: &'static str, documents: Vec<String>) -> Result<Scenario, PeersError> {
    let shipments = documents
        .iter()
        .enumerate()
        .map(|(i, text)| {
            Shipment::from_json(text).map_err(|source| PeersError::Shipment {
                id: format!("{name} #{}", i + 1),
                source: Box::new(source),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let views = shipments
        .iter()
        .map(|s| s.to_view())
        .collect::<Result<_, _>>()
        .map_err(|e| PeersError::Corpus(e.to_string()))?;
    Ok(Scenario {
        name,
        documents,
        shipments,
        views,
    })
}
