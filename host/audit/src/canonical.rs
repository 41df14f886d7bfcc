//! The canonical byte encoding of records: RFC 8785 JSON Canonicalization Scheme (JCS).
//!
//! JCS fixes key order (sorted by UTF-16 code units), whitespace (none), string escaping and
//! number formatting, so equal records give equal bytes in any implementation, and the leaf
//! hash of a record is stable across versions of this crate.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// A value could not be encoded canonically.
#[derive(Debug, thiserror::Error)]
#[error("cannot encode {what} canonically: {source}")]
pub struct CanonicalError {
    /// What was being encoded (e.g. "decision record", "shipment").
    pub what: &'static str,
    /// The serializer's reason.
    #[source]
    pub source: serde_json::Error,
}

/// Encodes `value` as RFC 8785 canonical JSON.
///
/// ```
/// let bytes = exportctl_audit::canonical::to_canonical_bytes(
///     "example", &serde_json::json!({"b": 1, "a": [true, null]})).unwrap();
/// assert_eq!(bytes, br#"{"a":[true,null],"b":1}"#);
/// ```
pub fn to_canonical_bytes<T: Serialize>(
    what: &'static str,
    value: &T,
) -> Result<Vec<u8>, CanonicalError> {
    serde_json_canonicalizer::to_vec(value).map_err(|source| CanonicalError { what, source })
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sorted_and_no_whitespace() {
        let v = serde_json::json!({"z": {"y": 2, "x": "é\n"}, "a": -1});
        let bytes = to_canonical_bytes("test", &v).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "{\"a\":-1,\"z\":{\"x\":\"é\\n\",\"y\":2}}"
        );
    }

    #[test]
    fn canonical_form_is_a_fixed_point() {
        let v = serde_json::json!({"b": [3, 2.5, "s"], "a": {"d": null, "c": false}});
        let once = to_canonical_bytes("test", &v).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&once).unwrap();
        assert_eq!(to_canonical_bytes("test", &parsed).unwrap(), once);
    }
}
