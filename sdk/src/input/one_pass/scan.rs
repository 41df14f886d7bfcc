//! A JSON scanner for the one-pass reader: strict JSON (RFC 8259), read in
//! place from a string the caller has already checked to be UTF-8.
//!
//! It reads what shipment documents are made of, the way serde_json reads it:
//! strings (borrowed unless they hold escapes), `true`, `false`, `null`,
//! objects and arrays. Numbers other than a plain non-negative integer are
//! handed to serde_json itself, so a number always reads as the two-step
//! reader reads it. Anything it is not sure to read exactly as serde_json does,
//! it refuses with `None`, and the document goes to the two-step reader, whose
//! messages say what is wrong.

use crate::input::value::Value;
use serde::de::{self, Deserializer as _, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A position in a JSON text.
pub(super) struct Scan<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    /// Whether the last string read holds escapes.
    escaped: bool,
}

impl<'a> Scan<'a> {
    pub(super) fn new(text: &'a str) -> Scan<'a> {
        Scan {
            text,
            bytes: text.as_bytes(),
            at: 0,
            escaped: false,
        }
    }

    /// The next byte after whitespace, not taken.
    #[inline]
    pub(super) fn peek(&mut self) -> Option<u8> {
        let mut at = self.at;
        let found = loop {
            match self.bytes.get(at) {
                // JSON's whitespace, and serde_json's: no other.
                Some(b' ' | b'\n' | b'\r' | b'\t') => at += 1,
                other => break other.copied(),
            }
        };
        self.at = at;
        found
    }

    /// Takes `b` as the next byte after whitespace.
    pub(super) fn expect(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.at += 1)
    }

    /// How many bytes have been read.
    pub(super) fn position(&self) -> usize {
        self.at
    }

    /// How many bytes are left to read.
    pub(super) fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    /// Whether nothing but whitespace is left.
    pub(super) fn finished(&mut self) -> bool {
        self.peek().is_none()
    }

    /// Takes the `open` byte of an object or array; whether it is empty
    /// (its `close` byte, then taken, comes next).
    pub(super) fn open(&mut self, open: u8, close: u8) -> Option<bool> {
        self.expect(open)?;
        if self.peek()? == close {
            self.at += 1;
            return Some(true);
        }
        Some(false)
    }

    /// After an entry or item: a comma (`false`, more follow) or the `close`
    /// byte (`true`, taken).
    pub(super) fn next_or_close(&mut self, close: u8) -> Option<bool> {
        let b = self.peek()?;
        if b == b',' || b == close {
            self.at += 1;
            return Some(b == close);
        }
        None
    }

    /// Takes the key `name` and its colon if they come next as written,
    /// without escapes: the usual case, matched in place.
    #[inline]
    pub(super) fn key_is(&mut self, name: &str) -> Option<bool> {
        self.peek()?;
        let after = self.at + name.len() + 2;
        let matched = self.bytes.get(self.at..after).is_some_and(|key| {
            key.first() == Some(&b'"')
                && key.last() == Some(&b'"')
                && key.get(1..key.len() - 1) == Some(name.as_bytes())
        });
        if matched {
            self.at = after;
            self.expect(b':')?;
        }
        Some(matched)
    }

    /// A key and its colon.
    pub(super) fn key(&mut self) -> Option<Cow<'a, str>> {
        let key = self.text(MAX_KEY_BYTES)?;
        self.expect(b':')?;
        Some(key)
    }

    /// Reads the entries of an object: `entry` is called after each key and its
    /// colon, and must read the value.
    pub(super) fn object<S>(
        state: &mut S,
        scan: impl Fn(&mut S) -> &mut Scan<'a>,
        mut entry: impl FnMut(&mut S, Cow<'a, str>) -> Option<()>,
    ) -> Option<()> {
        if scan(state).open(b'{', b'}')? {
            return Some(());
        }
        loop {
            let key = scan(state).key()?;
            entry(state, key)?;
            if scan(state).next_or_close(b'}')? {
                return Some(());
            }
        }
    }

    /// Reads the items of an array: `item` is called for each and must read it.
    pub(super) fn array<S>(
        state: &mut S,
        scan: impl Fn(&mut S) -> &mut Scan<'a>,
        mut item: impl FnMut(&mut S) -> Option<()>,
    ) -> Option<()> {
        if scan(state).open(b'[', b']')? {
            return Some(());
        }
        loop {
            item(state)?;
            if scan(state).next_or_close(b']')? {
                return Some(());
            }
        }
    }

    /// Takes a `null` if one comes next.
    pub(super) fn null(&mut self) -> Option<bool> {
        if self.peek()? == b'n' {
            self.literal("null")?;
            return Some(true);
        }
        Some(false)
    }

    /// A string, number, boolean or null, as the tree reader's seed makes it
    /// (strings of at most `max_bytes`); an object or array is refused.
    #[inline(always)]
    pub(super) fn scalar(&mut self, max_bytes: usize) -> Option<Value<'a>> {
        match self.peek()? {
            b'"' => self.text(max_bytes).map(Value::Text),
            b't' => self.literal("true").map(|()| Value::Bool(true)),
            b'f' => self.literal("false").map(|()| Value::Bool(false)),
            b'n' => self.literal("null").map(|()| Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// Skips any value with at most `containers` objects and arrays nested in it.
    pub(super) fn skip(&mut self, containers: usize) -> Option<()> {
        match self.peek()? {
            b'{' => {
                let inner = containers.checked_sub(1)?;
                Scan::object(self, |s| s, |s, _| s.skip(inner))
            }
            b'[' => {
                let inner = containers.checked_sub(1)?;
                Scan::array(self, |s| s, |s| s.skip(inner))
            }
            b'"' => self.string(usize::MAX).map(drop),
            _ => self.scalar(usize::MAX).map(drop),
        }
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        let rest = self.text.get(self.at..)?;
        rest.starts_with(word).then(|| self.at += word.len())
    }

    /// A string of at most `max_bytes` (after whitespace) as written between
    /// its quotes; [`Scan::escaped`] says whether it holds escapes, and
    /// [`decode`] reads them. Escapes are checked here, as serde_json checks
    /// them, so a string that is taken decodes.
    ///
    /// Most strings end at their first special byte; the others are read by
    /// [`Scan::string_with_escapes`], out of line.
    #[inline(always)]
    pub(super) fn string(&mut self, max_bytes: usize) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let end = plain_run(self.bytes, start);
        if self.bytes.get(end) != Some(&b'"') {
            return self.string_with_escapes(start, end, max_bytes);
        }
        self.at = end + 1;
        self.escaped = false;
        if end - start > max_bytes {
            return None;
        }
        // Both ends are next to a quote, so on character boundaries.
        self.text.get(start..end)
    }

    /// The rest of a string from `start` (after its opening quote) whose
    /// plain bytes end at `at` with something other than its closing quote:
    /// an escape, or a control character or the end of the text, which
    /// serde_json refuses.
    #[inline(never)]
    fn string_with_escapes(
        &mut self,
        start: usize,
        mut at: usize,
        max_bytes: usize,
    ) -> Option<&'a str> {
        let bytes = self.bytes;
        self.escaped = false;
        loop {
            match *bytes.get(at)? {
                b'"' => {
                    self.at = at + 1;
                    if at - start > max_bytes {
                        return None;
                    }
                    // Both ends are next to a quote, so on character boundaries.
                    let raw = self.text.get(start..at)?;
                    if self.escaped {
                        decode(raw)?;
                    }
                    return Some(raw);
                }
                b'\\' => {
                    // The escaped byte is never the closing quote.
                    self.escaped = true;
                    at = plain_run(bytes, at + 2);
                }
                // serde_json refuses control characters inside strings.
                _ => return None,
            }
        }
    }

    /// Whether the last string read holds escapes.
    pub(super) fn escaped(&self) -> bool {
        self.escaped
    }

    /// A string's text: borrowed, or decoded when it holds escapes.
    pub(super) fn text(&mut self, max_bytes: usize) -> Option<Cow<'a, str>> {
        let raw = self.string(max_bytes)?;
        if self.escaped {
            decode(raw).map(Cow::Owned)
        } else {
            Some(Cow::Borrowed(raw))
        }
    }

    /// A number. A plain non-negative integer of up to 19 digits is read here
    /// (it fits in a `u64`, as serde_json reads it); anything else (a sign, a
    /// fraction, an exponent, more digits) is read by serde_json itself, whose
    /// floating-point reading is its own.
    fn number(&mut self) -> Option<Value<'a>> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        while bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.at += 1;
        }
        let token = self.text.get(start..self.at)?;
        match token.as_bytes() {
            [b'0'] => Some(Value::Int(0)),
            [b'1'..=b'9', rest @ ..] if rest.len() < 19 && rest.iter().all(u8::is_ascii_digit) => {
                token.parse::<u64>().ok().map(|n| Value::Int(n.into()))
            }
            _ => {
                let mut de = serde_json::Deserializer::from_str(token);
                let value = de.deserialize_any(Number).ok()?;
                de.end().ok()?;
                matches!(value, Value::Int(_) | Value::Float(_)).then_some(value)
            }
        }
    }
}

/// The text of a string written as `raw` (between its quotes), its escapes
/// read as serde_json reads them; `None` for an escape serde_json refuses.
pub(super) fn decode(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('\\') {
        out.push_str(rest.get(..at)?);
        let escape = rest.get(at + 1..)?;
        let (c, used) = match escape.as_bytes().first()? {
            b'"' => ('"', 1),
            b'\\' => ('\\', 1),
            b'/' => ('/', 1),
            b'b' => ('\u{8}', 1),
            b'f' => ('\u{c}', 1),
            b'n' => ('\n', 1),
            b'r' => ('\r', 1),
            b't' => ('\t', 1),
            b'u' => unicode(escape.get(1..)?)?,
            _ => return None,
        };
        out.push(c);
        rest = escape.get(used..)?;
    }
    out.push_str(rest);
    Some(out)
}

/// The character of a `\u` escape from its four hex digits on, and the bytes
/// it used after the `\`: a surrogate pair is one character; a lone
/// surrogate, which serde_json refuses, is refused.
fn unicode(digits: &str) -> Option<(char, usize)> {
    let hex4 = |s: &str| -> Option<u32> {
        let d = s.get(..4)?;
        if !d.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(d, 16).ok()
    };
    let first = hex4(digits)?;
    match first {
        0xD800..=0xDBFF => {
            let low = digits.get(4..)?.strip_prefix("\\u")?;
            let second = hex4(low)?;
            if !(0xDC00..=0xDFFF).contains(&second) {
                return None;
            }
            let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
            Some((char::from_u32(code)?, 11))
        }
        0xDC00..=0xDFFF => None,
        _ => Some((char::from_u32(first)?, 5)),
    }
}

/// Where the run of plain string bytes from `at` ends: at the first `"`, `\\`
/// or control character (or the end). Eight bytes are tested at a time, as
/// serde_json does, since strings are most of a document's bytes; the first
/// special byte of a group is found from its bit, not byte by byte, since
/// most strings (keys, codes) end within their first group.
#[inline]
fn plain_run(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte of `x` is zero: its high bit set in the result (exact for the
    // first such byte, which is the one that matters).
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        // Little-endian: the lowest set bit is in the first special byte.
        let w = u64::from_le_bytes(chunk);
        let special = zero_byte(w ^ (ONES * u64::from(b'"')))
            | zero_byte(w ^ (ONES * u64::from(b'\\')))
            | (w.wrapping_sub(ONES * 0x20) & !w & HIGH);
        if special != 0 {
            return at + (special.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    // The last few bytes of the text, one at a time.
    while bytes
        .get(at)
        .is_some_and(|&b| b != b'"' && b != b'\\' && b >= 0x20)
    {
        at += 1;
    }
    at
}

/// A number as the tree reader's seed keeps it.
struct Number;

impl Visitor<'_> for Number {
    type Value = Value<'static>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Value::Float(v))
    }
}

/// Longest key read: longer keys are never fields of the format, and the tree
/// reader does not keep them either.
const MAX_KEY_BYTES: usize = 1 << 16;

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(text: &str) -> Option<Value<'_>> {
        let mut scan = Scan::new(text);
        let v = scan.scalar(usize::MAX)?;
        scan.finished().then_some(v)
    }

    #[test]
    fn strings_borrow_unless_escaped_and_decode_as_serde_json_does() {
        assert!(matches!(
            scalar(r#""Almaty""#),
            Some(Value::Text(Cow::Borrowed("Almaty")))
        ));
        for text in [
            r#""OOO \"Romashka\"""#,
            r#""a\\b\/c\b\f\n\r\t""#,
            r#""\u0410\u0431\u00e9 \ud83d\ude00""#,
            r#""\u0000""#,
        ] {
            let expected: String = serde_json::from_str(text).unwrap();
            assert_eq!(
                scalar(text),
                Some(Value::Text(Cow::Owned(expected))),
                "{text}"
            );
        }
        for refused in [
            "\"a\u{1}b\"",
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83d\u0041""#,
            r#""\x41""#,
            r#""\u12""#,
            r#""open"#,
        ] {
            assert_eq!(scalar(refused), None, "{refused}");
            assert!(
                serde_json::from_str::<String>(refused).is_err(),
                "{refused}"
            );
        }
    }

    #[test]
    fn a_string_ends_at_its_first_special_byte_wherever_it_is() {
        // Every place within and across the eight-byte groups, and the text's end.
        for len in 0..20 {
            for at in 0..=len {
                for special in ["\"", "\\n", "\u{1}", "\u{1f}"] {
                    let mut body: String = "é-x".chars().cycle().take(len).collect();
                    let at = body.char_indices().nth(at).map_or(body.len(), |(i, _)| i);
                    body.insert_str(at, special);
                    for text in [format!("\"{body}\""), format!("\"{body}\"  ,\"tail\"")] {
                        let mut scan = Scan::new(&text);
                        let ours = scan.text(usize::MAX).map(Cow::into_owned);
                        let theirs = serde_json::Deserializer::from_str(&text)
                            .into_iter::<String>()
                            .next()
                            .and_then(Result::ok);
                        assert_eq!(ours, theirs, "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        for (text, expected) in [
            ("0", Value::Int(0)),
            ("17", Value::Int(17)),
            ("9999999999999999999", Value::Int(9_999_999_999_999_999_999)),
            (
                "18446744073709551615",
                Value::Int(18_446_744_073_709_551_615),
            ),
            ("-5", Value::Int(-5)),
            ("0.1", Value::Float(0.1)),
            ("4250.00", Value::Float(4250.0)),
            ("1e3", Value::Float(1000.0)),
            (
                "18446744073709551616",
                Value::Float(18_446_744_073_709_551_616.0),
            ),
        ] {
            assert_eq!(scalar(text), Some(expected), "{text}");
        }
        assert!(matches!(scalar("-0"), Some(Value::Float(f)) if f == 0.0 && f.is_sign_negative()));
        for refused in ["01", "1.", ".5", "+1", "1e", "--1", "1-2", "1e999"] {
            assert_eq!(scalar(refused), None, "{refused}");
        }
    }

    #[test]
    fn objects_and_arrays_are_strict() {
        let read = |text: &str| {
            let mut scan = Scan::new(text);
            scan.skip(4).is_some() && scan.finished()
        };
        for ok in [
            r#"{}"#,
            r#" { "a" : [ 1 , { } , [ ] ] } "#,
            "[true,false,null]",
        ] {
            assert!(read(ok), "{ok}");
        }
        for refused in [
            r#"{"a":1,}"#,
            "[1,]",
            r#"{"a" 1}"#,
            "[1 2]",
            "{",
            "[[[[[1]]]]]",
            "nul",
            "truex",
        ] {
            assert!(!read(refused), "{refused}");
        }
    }
}
