//! The canonical byte encoding of records: RFC 8785 JSON Canonicalization Scheme (JCS).
//!
//! JCS fixes key order (sorted by UTF-16 code units), whitespace (none), string escaping and
//! number formatting, so equal records give equal bytes in any implementation, and the leaf
//! hash of a record is stable across versions of this crate.

use std::cmp::Ordering;

use serde::Serialize;
use serde_json::Value;
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
/// The value goes through a `serde_json::Value` once and is written by [`write_canonical`],
/// which sorts each object's keys by UTF-16 code units itself; only non-integer numbers (and
/// integers beyond ±2^53, which JCS writes as doubles) are handed to the full canonicalizer,
/// which implements the ECMAScript number format. Parsing keys back out of serialised text,
/// as a canonicalizer of arbitrary `Serialize` values must, was most of the cost of a record.
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
    let err = |source| CanonicalError { what, source };
    let value = serde_json::to_value(value).map_err(err)?;
    let mut out = Vec::with_capacity(4096);
    write_canonical(&value, &mut out).map_err(err)?;
    Ok(out)
}

/// Largest integer magnitude an IEEE 754 double holds exactly; JCS writes integers within it
/// as plain digits, the same as serde_json does.
const EXACT_INTEGER: u64 = 1 << 53;

/// Appends the RFC 8785 form of `value` to `out`.
pub fn write_canonical(value: &Value, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            let exact = n.as_u64().is_some_and(|u| u <= EXACT_INTEGER)
                || n.as_i64()
                    .is_some_and(|i| i.unsigned_abs() <= EXACT_INTEGER);
            if exact {
                serde_json::to_writer(&mut *out, n)?;
            } else {
                out.extend_from_slice(&serde_json_canonicalizer::to_vec(n)?);
            }
        }
        // serde_json escapes exactly as JCS does: `"`, `\\`, \b \t \n \f \r, other control
        // characters as lower-case \u00xx, everything else (including `/` and non-ASCII) as is.
        Value::String(s) => serde_json::to_writer(&mut *out, s)?,
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            // JCS orders keys by UTF-16 code units, which differs from UTF-8 byte order when
            // a key holds a character above U+FFFF (a surrogate pair, 0xD800..) and another
            // one in U+E000..U+FFFF.
            entries.sort_unstable_by(|(a, _), (b, _)| utf16_order(a, b));
            out.push(b'{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, key)?;
                out.push(b':');
                write_canonical(item, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// Orders strings by their UTF-16 code units (RFC 8785, 3.2.3).
fn utf16_order(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
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

    /// The key-sorting example of RFC 8785, section 3.2.3: UTF-16 order puts U+1F600 (a
    /// surrogate pair) before U+FB33, the reverse of code-point and UTF-8 order.
    #[test]
    fn keys_sorted_by_utf16_code_units_rfc8785_example() {
        let v = serde_json::json!({
            "\u{20ac}": "Euro Sign",
            "\r": "Carriage Return",
            "\u{fb33}": "Hebrew Letter Dalet With Dagesh",
            "1": "One",
            "\u{1f600}": "Emoji: Grinning Face",
            "\u{80}": "Control",
            "\u{f6}": "Latin Small Letter O With Diaeresis"
        });
        let text = String::from_utf8(to_canonical_bytes("test", &v).unwrap()).unwrap();
        let parsed: Vec<&str> = text
            .split("\":\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        assert_eq!(
            parsed,
            [
                "Carriage Return",
                "One",
                "Control",
                "Latin Small Letter O With Diaeresis",
                "Euro Sign",
                "Emoji: Grinning Face",
                "Hebrew Letter Dalet With Dagesh"
            ]
        );
        assert!(text.starts_with("{\"\\r\":"), "{text}");
    }

    /// Same bytes as the full RFC 8785 canonicalizer on the awkward cases: non-ASCII and
    /// astral keys, control characters, `/`, floats, -0, integers beyond 2^53.
    #[test]
    fn same_bytes_as_the_reference_canonicalizer() {
        let cases = [
            serde_json::json!({"\u{e000}": 1, "\u{10000}": 2, "\u{ffff}": 3, "z": 4, "\u{7f}": 5}),
            serde_json::json!({"s": "tab\tnl\ncr\rbs\u{8}ff\u{c}nul\u{0}us\u{1f}del\u{7f}q\"b\\/é😀"}),
            serde_json::json!([
                1.0,
                -0.0,
                0.1,
                1e21,
                1e-7,
                123456789.125,
                2.5e-300,
                1.7976931348623157e308
            ]),
            serde_json::json!([
                9007199254740992u64,
                9007199254740993u64,
                u64::MAX,
                i64::MIN,
                -9007199254740993i64,
                0,
                -1
            ]),
            serde_json::json!({"nested": {"b": [{"y": null, "x": true}], "a": {}}, "": []}),
        ];
        for v in cases {
            assert_eq!(
                String::from_utf8(to_canonical_bytes("test", &v).unwrap()).unwrap(),
                String::from_utf8(serde_json_canonicalizer::to_vec(&v).unwrap()).unwrap(),
                "{v}"
            );
        }
    }

    #[test]
    fn canonical_form_is_a_fixed_point() {
        let v = serde_json::json!({"b": [3, 2.5, "s"], "a": {"d": null, "c": false}});
        let once = to_canonical_bytes("test", &v).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&once).unwrap();
        assert_eq!(to_canonical_bytes("test", &parsed).unwrap(), once);
    }
}
