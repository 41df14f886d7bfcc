//! The parsed, not yet validated form of a shipment document, and the serde seed
//! that builds it from JSON or TOML.
//!
//! The seed is directed by the shape of the shipment format: it keeps only known
//! fields, skips unknown ones without storing them, keeps only the length of an
//! over-long string or list, and refuses nesting deeper than the limit. So memory
//! stays close to the size of the data the validator needs, however large the
//! file's unknown fields are, and a hostile document cannot overflow the stack.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

/// A JSON or TOML value as far as the shipment format cares about it. Text
/// borrows from the document where the parser allows it (a JSON string without
/// escapes), so reading one document in place copies no text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    /// Any integer (JSON and TOML integers fit in `i128`).
    Int(i128),
    Float(f64),
    Text(Cow<'a, str>),
    /// A string longer than the text limit: only its length in characters.
    LongText(usize),
    List(Vec<Value<'a>>),
    /// A list longer than the list limit: only its length.
    LongList(usize),
    /// An object of a known kind: its known fields, in document order. The name
    /// of each unknown field is kept too, as an [`UNKNOWN_FIELD`] entry holding
    /// the name as `Text` (or `LongText` for a name too long to be a field), so
    /// it can be reported; its value is not kept.
    Record(Vec<(&'static str, Value<'a>)>),
    /// A free-form map (a party's `ids`): every entry, keys as `Text` or `LongText`.
    Map(Vec<(Value<'a>, Value<'a>)>),
    /// An array or object where a scalar was expected; its content was skipped.
    Skipped(Kind),
}

/// Which container a [`Value::Skipped`] was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Array,
    Object,
}

impl<'a> Value<'a> {
    /// How the value is named in "expected …, found …" messages.
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Text(_) | Value::LongText(_) => "a string",
            Value::List(_) | Value::LongList(_) | Value::Skipped(Kind::Array) => "an array",
            Value::Record(_) | Value::Map(_) | Value::Skipped(Kind::Object) => "an object",
        }
    }

    /// A field of a record; `None` if absent or not a record.
    pub(crate) fn field(&self, name: &str) -> Option<&Value<'a>> {
        match self {
            Value::Record(fields) => fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The same value owning all its text, to outlive the document it was read from.
    pub(crate) fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(n) => Value::Int(n),
            Value::Float(f) => Value::Float(f),
            Value::Text(t) => Value::Text(Cow::Owned(t.into_owned())),
            Value::LongText(n) => Value::LongText(n),
            Value::List(items) => Value::List(items.into_iter().map(Value::into_owned).collect()),
            Value::LongList(n) => Value::LongList(n),
            Value::Record(fields) => Value::Record(
                fields
                    .into_iter()
                    .map(|(name, v)| (name, v.into_owned()))
                    .collect(),
            ),
            Value::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            ),
            Value::Skipped(kind) => Value::Skipped(kind),
        }
    }
}

/// The entry name under which a record keeps the name of an unknown field. No
/// field of the format has this name, so a lookup by name never finds it.
pub(crate) const UNKNOWN_FIELD: &str = "\0unknown";

/// The error of a file that keeps more values than its budget allows.
pub(crate) const TOO_MANY_VALUES: &str = "too many values in one file; split it into smaller files";

/// What the seed expects at a place in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A string, number, boolean or null.
    Scalar,
    /// A list of items of the shape.
    List(&'static Shape),
    /// An object with these known fields; others are skipped.
    Record(&'static [(&'static str, Shape)]),
    /// An object with any keys and scalar values (`ids`).
    Map,
    /// A list of shipment documents (a JSON array file, TOML `[[shipment]]`).
    Documents,
    /// The top of a JSON file: one shipment object or an array of them.
    JsonRoot,
    /// The top table of a TOML file: one shipment, or `[[shipment]]` tables.
    TomlRoot,
    /// Unknown content: checked for syntax and depth, not kept.
    Skip,
}

const S: Shape = Shape::Scalar;

pub(crate) const PARTY: &[(&str, Shape)] = &[
    ("name", S),
    ("country", S),
    ("region", S),
    ("address", S),
    ("registration_date", S),
    ("ids", Shape::Map),
    ("aliases", Shape::List(&S)),
];

pub(crate) const OTHER_PARTY: &[(&str, Shape)] = &[
    ("role", S),
    ("name", S),
    ("country", S),
    ("region", S),
    ("address", S),
    ("registration_date", S),
    ("ids", Shape::Map),
    ("aliases", Shape::List(&S)),
];

pub(crate) const END_USE: &[(&str, Shape)] = &[("statement", S), ("military", S), ("sector", S)];

pub(crate) const CONTRACT: &[(&str, Shape)] =
    &[("reference", S), ("date", S), ("no_russia_clause", S)];

pub(crate) const LICENCE: &[(&str, Shape)] = &[
    ("id", S),
    ("jurisdiction", S),
    ("lines", Shape::List(&S)),
    ("valid_until", S),
];

pub(crate) const MONEY: &[(&str, Shape)] = &[("amount", S), ("currency", S)];

pub(crate) const LINE: &[(&str, Shape)] = &[
    ("line", S),
    ("description", S),
    ("hs_code", S),
    ("control_codes", Shape::List(&S)),
    ("origin_country", S),
    ("quantity", S),
    ("unit", S),
    ("value", Shape::Record(MONEY)),
    ("us_content_percent", S),
];

/// The fields of a shipment document (`shipment.md`, version 1).
pub(crate) const SHIPMENT: &[(&str, Shape)] = &[
    ("id", S),
    ("date", S),
    ("exporter", Shape::Record(PARTY)),
    ("consignee", Shape::Record(PARTY)),
    ("end_user", Shape::Record(PARTY)),
    ("other_parties", Shape::List(&Shape::Record(OTHER_PARTY))),
    ("origin_country", S),
    ("destination_country", S),
    ("transit_countries", Shape::List(&S)),
    ("transport_mode", S),
    ("end_use", Shape::Record(END_USE)),
    ("contract", Shape::Record(CONTRACT)),
    ("licences", Shape::List(&Shape::Record(LICENCE))),
    ("lines", Shape::List(&Shape::Record(LINE))),
];

/// The key TOML uses to pass a date-time through serde's data model.
pub(crate) const TOML_DATETIME: &str = "$__toml_private_datetime";

/// Limits the seed enforces while parsing.
#[derive(Debug, Clone)]
pub(crate) struct Caps {
    /// Strings longer than this many characters keep only their length.
    pub text: usize,
    /// Lists longer than this keep only their length.
    pub list: usize,
    /// More documents than this in one list is an error.
    pub documents: usize,
    /// Containers nested deeper than this are an error.
    pub depth: usize,
    /// How many more values may be kept for the whole file. Small values cost
    /// more memory kept than they take in the file, so a file dense with them
    /// could otherwise take many times its size.
    pub values_left: Cell<usize>,
}

/// Builds a [`Value`] of the expected shape; `depth` is the number of containers
/// around the value.
#[derive(Clone, Copy)]
pub(crate) struct Seed<'c> {
    pub shape: Shape,
    pub depth: usize,
    pub caps: &'c Caps,
}

impl<'c> Seed<'c> {
    pub(crate) fn new(shape: Shape, caps: &'c Caps) -> Seed<'c> {
        Seed {
            shape,
            depth: 0,
            caps,
        }
    }

    fn inner(&self, shape: Shape) -> Seed<'c> {
        Seed {
            shape,
            depth: self.depth + 1,
            caps: self.caps,
        }
    }

    /// Entering a container: refuse it past the depth limit, before recursing.
    fn enter<E: de::Error>(&self) -> Result<(), E> {
        if self.depth >= self.caps.depth {
            return Err(E::custom(format_args!(
                "nesting deeper than {} levels",
                self.caps.depth
            )));
        }
        Ok(())
    }

    /// A string as kept: its text, or only its length when over the limit. Takes
    /// the text borrowed or owned as the parser gives it, so it is copied only
    /// when the parser could not lend it.
    fn text<'de>(&self, s: Cow<'de, str>) -> Value<'de> {
        if matches!(self.shape, Shape::Skip) {
            return Value::Null;
        }
        // Byte length bounds the character count, so short strings are not counted.
        if s.len() <= self.caps.text {
            return Value::Text(s);
        }
        let chars = s.chars().count();
        if chars <= self.caps.text {
            Value::Text(s)
        } else {
            Value::LongText(chars)
        }
    }

    fn skip_seq<'de, A: SeqAccess<'de>>(
        &self,
        seq: &mut A,
        mut count: usize,
    ) -> Result<usize, A::Error> {
        while seq.next_element_seed(self.inner(Shape::Skip))?.is_some() {
            count = count.saturating_add(1);
        }
        Ok(count)
    }

    fn skip_map<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<(), A::Error> {
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value_seed(self.inner(Shape::Skip))?;
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value<'de>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value<'de>, D::Error> {
        let value = deserializer.deserialize_any(self)?;
        if !matches!(self.shape, Shape::Skip) {
            let left = self.caps.values_left.get();
            if left == 0 {
                return Err(de::Error::custom(TOO_MANY_VALUES));
            }
            self.caps.values_left.set(left - 1);
        }
        Ok(value)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON or TOML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value<'de>, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value<'de>, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value<'de>, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value<'de>, E> {
        Ok(Value::Int(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value<'de>, E> {
        // Beyond i128 is beyond any limit the validator checks; keep it as a float.
        Ok(i128::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value<'de>, E> {
        Ok(Value::Float(v))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Value<'de>, E> {
        Ok(self.text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value<'de>, E> {
        // Copied only once it is known to be kept.
        Ok(match self.text(Cow::Borrowed(v)) {
            Value::Text(t) => Value::Text(Cow::Owned(t.into_owned())),
            Value::LongText(n) => Value::LongText(n),
            _ => Value::Null,
        })
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value<'de>, E> {
        Ok(self.text(Cow::Owned(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        self.enter()?;
        match self.shape {
            Shape::List(item) => {
                let mut items = Vec::new();
                while items.len() < self.caps.list {
                    match seq.next_element_seed(self.inner(*item))? {
                        Some(v) => items.push(v),
                        None => return Ok(Value::List(items)),
                    }
                }
                // At the limit: count the rest without keeping it.
                let len = self.skip_seq(&mut seq, items.len())?;
                Ok(if len > items.len() {
                    Value::LongList(len)
                } else {
                    Value::List(items)
                })
            }
            Shape::Documents | Shape::JsonRoot => {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element_seed(self.inner(Shape::Record(SHIPMENT)))? {
                    if items.len() >= self.caps.documents {
                        return Err(de::Error::custom(format_args!(
                            "more than {} shipments in one file",
                            self.caps.documents
                        )));
                    }
                    items.push(v);
                }
                Ok(Value::List(items))
            }
            Shape::Scalar | Shape::Record(_) | Shape::Map | Shape::TomlRoot | Shape::Skip => {
                self.skip_seq(&mut seq, 0)?;
                Ok(Value::Skipped(Kind::Array))
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        self.enter()?;
        let fields: &'static [(&'static str, Shape)] = match self.shape {
            Shape::Record(fields) => fields,
            Shape::JsonRoot | Shape::TomlRoot => SHIPMENT,
            Shape::Map => return self.visit_free_map(map),
            Shape::Skip => {
                self.skip_map(&mut map)?;
                return Ok(Value::Skipped(Kind::Object));
            }
            Shape::Scalar | Shape::List(_) | Shape::Documents => {
                let mut first = true;
                while let Some(key) = map.next_key_seed(KeySeed::of(&[], false))? {
                    if first && matches!(&key, Key::Other(k) if k == TOML_DATETIME) {
                        return Ok(self.text(Cow::Owned(map.next_value::<String>()?)));
                    }
                    first = false;
                    map.next_value_seed(self.inner(Shape::Skip))?;
                }
                return Ok(Value::Skipped(Kind::Object));
            }
        };
        // Most documents give most known fields and few others: one allocation.
        let mut record: Vec<(&'static str, Value<'de>)> = Vec::with_capacity(fields.len());
        let mut first = true;
        let keys = KeySeed::of(fields, matches!(self.shape, Shape::TomlRoot));
        while let Some(key) = map.next_key_seed(keys)? {
            match key {
                Key::Known(name, shape) => {
                    // Duplicate keys are ambiguous (parsers disagree on which wins), so
                    // a known field given twice is refused, never silently picked.
                    if record.iter().any(|(n, _)| *n == name) {
                        return Err(de::Error::custom(format_args!("duplicate field `{name}`")));
                    }
                    let value = map.next_value_seed(self.inner(shape))?;
                    record.push((name, value));
                }
                Key::Other(key) if first && key == TOML_DATETIME => {
                    return Ok(self.text(Cow::Owned(map.next_value::<String>()?)));
                }
                Key::Other(key) => {
                    map.next_value_seed(self.inner(Shape::Skip))?;
                    self.keep_unknown(&mut record, Value::Text(key))?;
                }
                Key::Long => {
                    // An over-long key is never a known field; only its length is kept.
                    map.next_value_seed(self.inner(Shape::Skip))?;
                    self.keep_unknown(&mut record, Value::LongText(MAX_FIELD_NAME + 1))?;
                }
            }
            first = false;
        }
        Ok(Value::Record(record))
    }
}

impl Seed<'_> {
    /// Keeps the name of an unknown field, counted against the file's value
    /// budget like any kept value, so a file of many unknown keys stays bounded.
    fn keep_unknown<'de, E: de::Error>(
        &self,
        record: &mut Vec<(&'static str, Value<'de>)>,
        name: Value<'de>,
    ) -> Result<(), E> {
        let left = self.caps.values_left.get();
        if left == 0 {
            return Err(E::custom(TOO_MANY_VALUES));
        }
        self.caps.values_left.set(left - 1);
        record.push((UNKNOWN_FIELD, name));
        Ok(())
    }

    fn visit_free_map<'de, A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key_seed(TextSeed(self))? {
            if entries.len() >= self.caps.list {
                let mut len = entries.len();
                map.next_value_seed(self.inner(Shape::Skip))?;
                len = len.saturating_add(1);
                while map.next_key::<IgnoredAny>()?.is_some() {
                    map.next_value_seed(self.inner(Shape::Skip))?;
                    len = len.saturating_add(1);
                }
                return Ok(Value::LongList(len));
            }
            let value = map.next_value_seed(self.inner(Shape::Scalar))?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

/// Reads an object key, telling a known field from others without copying it.
#[derive(Clone, Copy)]
struct KeySeed {
    /// The known fields of the object being read.
    fields: &'static [(&'static str, Shape)],
    /// The top table of a TOML file, where `shipment` holds `[[shipment]]` tables.
    toml_root: bool,
}

/// An object key as [`KeySeed`] reads it.
enum Key<'de> {
    /// A known field, named by the format's own string.
    Known(&'static str, Shape),
    /// Any other key short enough to be reported.
    Other(Cow<'de, str>),
    /// A key longer than any field name could be; not kept.
    Long,
}

/// Longer keys are unknown fields; they are not kept.
const MAX_FIELD_NAME: usize = 64;

impl KeySeed {
    fn of(fields: &'static [(&'static str, Shape)], toml_root: bool) -> KeySeed {
        KeySeed { fields, toml_root }
    }

    fn known(&self, key: &str) -> Option<(&'static str, Shape)> {
        match self.fields.iter().find(|(name, _)| *name == key) {
            Some(&(name, shape)) => Some((name, shape)),
            None if self.toml_root && key == "shipment" => Some(("shipment", Shape::Documents)),
            None => None,
        }
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(match self.known(v) {
            Some((name, shape)) => Key::Known(name, shape),
            None if v.len() <= MAX_FIELD_NAME => Key::Other(Cow::Borrowed(v)),
            None => Key::Long,
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(match self.known(v) {
            Some((name, shape)) => Key::Known(name, shape),
            None if v.len() <= MAX_FIELD_NAME => Key::Other(Cow::Owned(v.to_owned())),
            None => Key::Long,
        })
    }
}

/// Reads a free-form key (of `ids`) as `Text` or `LongText`.
struct TextSeed<'c>(Seed<'c>);

impl<'de> DeserializeSeed<'de> for TextSeed<'_> {
    type Value = Value<'de>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value<'de>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TextSeed<'_> {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Value<'de>, E> {
        self.0.inner(Shape::Scalar).visit_borrowed_str(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value<'de>, E> {
        self.0.inner(Shape::Scalar).visit_str(v)
    }
}
