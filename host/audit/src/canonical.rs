//! The canonical byte encoding of records: RFC 8785 JSON Canonicalization Scheme (JCS).
//!
//! JCS fixes key order (sorted by UTF-16 code units), whitespace (none), string escaping and
//! number formatting, so equal records give equal bytes in any implementation, and the leaf
//! hash of a record is stable across versions of this crate.

use std::cmp::Ordering;

use std::io;

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};
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
/// `value` is serialised once, straight to bytes, by serde_json with a [`JcsFormatter`]:
/// each object's members are gathered as they are written and put in JCS key order when the
/// object ends, so no `serde_json::Value` copy of the value is built. The bytes equal those
/// of [`write_canonical`] on the value's `serde_json::Value` (a test compares them).
///
/// ```
/// let bytes = exportctl_audit::canonical::to_canonical_bytes(
///     "example", &serde_json::json!({"b": 1, "a": [true, null]})).unwrap();
/// assert_eq!(bytes, br#"{"a":[true,null],"b":1}"#);
/// ```
pub fn to_canonical_bytes<T: Serialize + ?Sized>(
    what: &'static str,
    value: &T,
) -> Result<Vec<u8>, CanonicalError> {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, JcsFormatter::default());
    value
        .serialize(&mut ser)
        .map_err(|source| CanonicalError { what, source })?;
    Ok(out)
}

/// A serde_json [`Formatter`] that writes RFC 8785 JSON: no whitespace, serde_json's string
/// escaping (which is JCS's), ECMAScript number form for non-integers and integers beyond
/// ±2^53, and each object's members sorted by their keys' UTF-16 code units.
///
/// Inside an object everything is written to a buffer of that object; when the object ends
/// its members are sorted and copied out to the enclosing object's buffer, or to the writer
/// at the top level.
#[derive(Default)]
pub struct JcsFormatter {
    /// The objects being written, innermost last.
    objects: Vec<ObjectBuffer>,
    /// Spare buffers of objects already written, reused by the next ones.
    spare: Vec<ObjectBuffer>,
}

/// The members of one object being written: their bytes one after the other, and where each
/// member's key and value lie among them.
#[derive(Default)]
struct ObjectBuffer {
    bytes: Vec<u8>,
    /// (key start, value start, value end) in `bytes`; the key is written quoted.
    members: Vec<(usize, usize, usize)>,
}

impl JcsFormatter {
    /// Where output goes now: the innermost object's buffer, or the writer.
    fn target<'a, W: ?Sized + io::Write>(
        &'a mut self,
        writer: &'a mut W,
    ) -> Box<dyn io::Write + 'a> {
        match self.objects.last_mut() {
            Some(object) => Box::new(&mut object.bytes),
            None => Box::new(writer),
        }
    }

    fn write_number<W: ?Sized + io::Write, N: Serialize>(
        &mut self,
        writer: &mut W,
        n: N,
    ) -> io::Result<()> {
        let text = serde_json_canonicalizer::to_vec(&n).map_err(io::Error::other)?;
        self.raw(writer, &text)
    }

    fn raw<W: ?Sized + io::Write>(&mut self, writer: &mut W, bytes: &[u8]) -> io::Result<()> {
        match self.objects.last_mut() {
            Some(object) => {
                object.bytes.extend_from_slice(bytes);
                Ok(())
            }
            None => writer.write_all(bytes),
        }
    }
}

/// Integers are written as serde_json writes them while a double holds them exactly, as JCS
/// does; beyond that JCS writes the nearest double.
macro_rules! integer {
    ($name:ident, $t:ty) => {
        fn $name<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: $t) -> io::Result<()> {
            #[allow(clippy::cast_lossless, trivial_numeric_casts)]
            let exact = (value as i128).unsigned_abs() <= u128::from(EXACT_INTEGER);
            if exact {
                let mut buf = itoa_buffer();
                self.raw(writer, format_integer(&mut buf, value as i128))
            } else {
                self.write_number(writer, value)
            }
        }
    };
}

impl Formatter for JcsFormatter {
    fn write_null<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.raw(writer, b"null")
    }

    fn write_bool<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: bool) -> io::Result<()> {
        self.raw(writer, if value { b"true" } else { b"false" })
    }

    integer!(write_i8, i8);
    integer!(write_i16, i16);
    integer!(write_i32, i32);
    integer!(write_i64, i64);
    integer!(write_i128, i128);
    integer!(write_u8, u8);
    integer!(write_u16, u16);
    integer!(write_u32, u32);
    integer!(write_u64, u64);

    fn write_u128<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: u128) -> io::Result<()> {
        if value <= u128::from(EXACT_INTEGER) {
            self.raw(writer, value.to_string().as_bytes())
        } else {
            self.write_number(writer, value)
        }
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_number(writer, f64::from(value))
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        self.write_number(writer, value)
    }

    fn write_number_str<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        value: &str,
    ) -> io::Result<()> {
        self.raw(writer, value.as_bytes())
    }

    fn begin_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.raw(writer, b"\"")
    }

    fn end_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.raw(writer, b"\"")
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        self.raw(writer, fragment.as_bytes())
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        char_escape: CharEscape,
    ) -> io::Result<()> {
        CompactFormatter.write_char_escape(&mut *self.target(writer), char_escape)
    }

    fn write_byte_array<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        value: &[u8],
    ) -> io::Result<()> {
        CompactFormatter.write_byte_array(&mut *self.target(writer), value)
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.raw(writer, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.raw(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            self.raw(writer, b",")
        }
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        let mut object = self.spare.pop().unwrap_or_default();
        object.bytes.clear();
        object.members.clear();
        self.objects.push(object);
        Ok(())
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        _writer: &mut W,
        _first: bool,
    ) -> io::Result<()> {
        let object = self.objects.last_mut().ok_or_else(outside_object)?;
        let at = object.bytes.len();
        object.members.push((at, at, at));
        Ok(())
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        let object = self.objects.last_mut().ok_or_else(outside_object)?;
        let at = object.bytes.len();
        if let Some(member) = object.members.last_mut() {
            member.1 = at;
        }
        Ok(())
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        let object = self.objects.last_mut().ok_or_else(outside_object)?;
        let at = object.bytes.len();
        if let Some(member) = object.members.last_mut() {
            member.2 = at;
        }
        Ok(())
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        let mut object = self.objects.pop().ok_or_else(outside_object)?;
        let bytes = &object.bytes;
        let key = |&(start, end, _): &(usize, usize, usize)| &bytes[start..end];
        object
            .members
            .sort_unstable_by(|a, b| quoted_key_order(key(a), key(b)));
        self.raw(writer, b"{")?;
        for (i, &(start, mid, end)) in object.members.iter().enumerate() {
            if i > 0 {
                self.raw(writer, b",")?;
            }
            self.raw(writer, &object.bytes[start..mid])?;
            self.raw(writer, b":")?;
            self.raw(writer, &object.bytes[mid..end])?;
        }
        self.raw(writer, b"}")?;
        self.spare.push(object);
        Ok(())
    }
}

fn outside_object() -> io::Error {
    io::Error::other("object member outside an object")
}

/// Orders two keys as written (quoted, escaped) by the UTF-16 code units of their text. Keys
/// without escapes compare by their UTF-8 bytes, which give the same order unless a key holds
/// a character from U+E000 up (UTF-8 lead byte 0xEE or more), where UTF-16's surrogate pairs
/// sort differently; such keys, and escaped ones, are compared as text.
fn quoted_key_order(a: &[u8], b: &[u8]) -> Ordering {
    let plain = |k: &[u8]| !k.iter().any(|&c| c == b'\\' || c >= 0xEE);
    if plain(a) && plain(b) {
        // Without the quotes: a key's closing quote must not sort before its longer keys.
        inner(a).cmp(inner(b))
    } else {
        let text = |k: &[u8]| serde_json::from_slice::<String>(k).unwrap_or_default();
        utf16_order(&text(a), &text(b))
    }
}

/// A quoted key's bytes between its quotes.
fn inner(key: &[u8]) -> &[u8] {
    key.get(1..key.len().saturating_sub(1)).unwrap_or_default()
}

/// A buffer for [`format_integer`].
fn itoa_buffer() -> [u8; 40] {
    [0; 40]
}

/// Decimal digits of `value` in `buf`, as serde_json writes integers.
fn format_integer(buf: &mut [u8; 40], value: i128) -> &[u8] {
    let mut n = value.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if value < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

/// JSON bytes in RFC 8785 form, made by [`CanonicalJson::of`]: a part of a record encoded
/// once, where it is made, and copied into the record as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalJson(Vec<u8>);

impl CanonicalJson {
    /// The canonical form of `value` (`what` names it in an error).
    pub fn of<T: Serialize + ?Sized>(
        what: &'static str,
        value: &T,
    ) -> Result<Self, CanonicalError> {
        to_canonical_bytes(what, value).map(Self)
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// SHA-256 (hex) of the bytes.
    pub fn sha256(&self) -> String {
        sha256_hex(&self.0)
    }
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

    /// The streaming formatter gives the bytes of the `Value` route for typed values: fields
    /// declared out of order, nested and flattened objects, options, enums, keys that are
    /// prefixes of others, escaped and astral keys, large and negative integers, floats.
    #[test]
    fn streaming_formatter_equals_the_value_route() {
        #[derive(Serialize)]
        #[serde(rename_all = "snake_case")]
        enum Kind {
            Unit,
            Tuple(u8, i64),
            Struct { z: bool, a: Option<f64> },
        }
        #[derive(Serialize)]
        struct Inner {
            zeta: Vec<Kind>,
            #[serde(skip_serializing_if = "Option::is_none")]
            skipped: Option<u8>,
            alpha: Option<String>,
        }
        #[derive(Serialize)]
        struct Outer {
            ab: u64,
            #[serde(rename = "ab ")]
            ab_space: i128,
            a: Inner,
            #[serde(flatten)]
            extra: std::collections::HashMap<String, serde_json::Value>,
            b: f32,
        }
        let mut extra = std::collections::HashMap::new();
        extra.insert("\u{1f600}".to_owned(), serde_json::json!(1));
        extra.insert(
            "\u{fb33}".to_owned(),
            serde_json::json!({"y": [], "\n": -0.0}),
        );
        extra.insert("ctl\u{1}".to_owned(), serde_json::json!("\u{7f}/\"\\"));
        let value = Outer {
            ab: u64::MAX,
            ab_space: -9_007_199_254_740_993,
            a: Inner {
                zeta: vec![
                    Kind::Unit,
                    Kind::Tuple(7, i64::MIN),
                    Kind::Struct {
                        z: true,
                        a: Some(1e21),
                    },
                    Kind::Struct { z: false, a: None },
                ],
                skipped: None,
                alpha: Some("é😀\t".into()),
            },
            extra,
            b: 0.1,
        };
        let mut via_value = Vec::new();
        write_canonical(&serde_json::to_value(&value).unwrap(), &mut via_value).unwrap();
        assert_eq!(
            String::from_utf8(to_canonical_bytes("test", &value).unwrap()).unwrap(),
            String::from_utf8(via_value).unwrap()
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
