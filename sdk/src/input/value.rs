//! The parsed, not yet validated form of a shipment document, and the serde seed
//! that builds it from JSON or TOML.
//!
//! The seed is directed by the shape of the shipment format: it keeps only known
//! fields, skips unknown ones without storing them, keeps only the length of an
//! over-long string or list, and refuses nesting deeper than the limit. So memory
//! stays close to the size of the data the validator needs, however large the
//! file's unknown fields are, and a hostile document cannot overflow the stack.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::fmt;

/// A JSON or TOML value as far as the shipment format cares about it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// Any integer (JSON and TOML integers fit in `i128`).
    Int(i128),
    Float(f64),
    Text(String),
    /// A string longer than the text limit: only its length in characters.
    LongText(usize),
    List(Vec<Value>),
    /// A list longer than the list limit: only its length.
    LongList(usize),
    /// An object of a known kind: its known fields, in document order. The name
    /// of each unknown field is kept too, as an [`UNKNOWN_FIELD`] entry holding
    /// the name as `Text` (or `LongText` for a name too long to be a field), so
    /// it can be reported; its value is not kept.
    Record(Vec<(&'static str, Value)>),
    /// A free-form map (a party's `ids`): every entry, keys as `Text` or `LongText`.
    Map(Vec<(Value, Value)>),
    /// An array or object where a scalar was expected; its content was skipped.
    Skipped(Kind),
}

/// Which container a [`Value::Skipped`] was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Array,
    Object,
}

impl Value {
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
    pub(crate) fn field(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Record(fields) => fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v),
            _ => None,
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

const PARTY: &[(&str, Shape)] = &[
    ("name", S),
    ("country", S),
    ("region", S),
    ("address", S),
    ("registration_date", S),
    ("ids", Shape::Map),
    ("aliases", Shape::List(&S)),
];

const OTHER_PARTY: &[(&str, Shape)] = &[
    ("role", S),
    ("name", S),
    ("country", S),
    ("region", S),
    ("address", S),
    ("registration_date", S),
    ("ids", Shape::Map),
    ("aliases", Shape::List(&S)),
];

const END_USE: &[(&str, Shape)] = &[("statement", S), ("military", S), ("sector", S)];

const CONTRACT: &[(&str, Shape)] = &[("reference", S), ("date", S), ("no_russia_clause", S)];

const LICENCE: &[(&str, Shape)] = &[
    ("id", S),
    ("jurisdiction", S),
    ("lines", Shape::List(&S)),
    ("valid_until", S),
];

const MONEY: &[(&str, Shape)] = &[("amount", S), ("currency", S)];

const LINE: &[(&str, Shape)] = &[
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
const TOML_DATETIME: &str = "$__toml_private_datetime";

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

    fn text(&self, s: &str) -> Value {
        if self.shape == Shape::Skip {
            return Value::Null;
        }
        // Byte length bounds the character count, so short strings are not counted.
        if s.len() <= self.caps.text {
            return Value::Text(s.to_owned());
        }
        let chars = s.chars().count();
        if chars <= self.caps.text {
            Value::Text(s.to_owned())
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
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        let value = deserializer.deserialize_any(self)?;
        if self.shape != Shape::Skip {
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
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON or TOML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        // Beyond i128 is beyond any limit the validator checks; keep it as a float.
        Ok(i128::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(self.text(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        if self.shape != Shape::Skip && v.len() <= self.caps.text {
            return Ok(Value::Text(v));
        }
        Ok(self.text(&v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
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

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
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
                while let Some(key) = map.next_key_seed(KeySeed)? {
                    if first && key.as_deref() == Some(TOML_DATETIME) {
                        return Ok(self.text(&map.next_value::<String>()?));
                    }
                    first = false;
                    map.next_value_seed(self.inner(Shape::Skip))?;
                }
                return Ok(Value::Skipped(Kind::Object));
            }
        };
        let mut record: Vec<(&'static str, Value)> = Vec::new();
        let mut first = true;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let Some(key) = key else {
                // An over-long key is never a known field; only its length is kept.
                map.next_value_seed(self.inner(Shape::Skip))?;
                self.keep_unknown(&mut record, Value::LongText(MAX_FIELD_NAME + 1))?;
                continue;
            };
            if first && key == TOML_DATETIME {
                return Ok(self.text(&map.next_value::<String>()?));
            }
            first = false;
            let known = fields
                .iter()
                .find(|(name, _)| *name == key)
                .map(|&(name, shape)| (name, shape));
            let known = match known {
                Some(k) => Some(k),
                None if self.shape == Shape::TomlRoot && key == "shipment" => {
                    Some(("shipment", Shape::Documents))
                }
                None => None,
            };
            match known {
                Some((name, shape)) => {
                    // Duplicate keys are ambiguous (parsers disagree on which wins), so
                    // a known field given twice is refused, never silently picked.
                    if record.iter().any(|(n, _)| *n == name) {
                        return Err(de::Error::custom(format_args!("duplicate field `{name}`")));
                    }
                    let value = map.next_value_seed(self.inner(shape))?;
                    record.push((name, value));
                }
                None => {
                    map.next_value_seed(self.inner(Shape::Skip))?;
                    self.keep_unknown(&mut record, Value::Text(key))?;
                }
            }
        }
        Ok(Value::Record(record))
    }
}

impl Seed<'_> {
    /// Keeps the name of an unknown field, counted against the file's value
    /// budget like any kept value, so a file of many unknown keys stays bounded.
    fn keep_unknown<E: de::Error>(
        &self,
        record: &mut Vec<(&'static str, Value)>,
        name: Value,
    ) -> Result<(), E> {
        let left = self.caps.values_left.get();
        if left == 0 {
            return Err(E::custom(TOO_MANY_VALUES));
        }
        self.caps.values_left.set(left - 1);
        record.push((UNKNOWN_FIELD, name));
        Ok(())
    }

    fn visit_free_map<'de, A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
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

/// Reads an object key; `None` when it is longer than any field name could be.
struct KeySeed;

/// Longer keys are unknown fields; they are not kept.
const MAX_FIELD_NAME: usize = 64;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Option<String>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((v.len() <= MAX_FIELD_NAME).then(|| v.to_owned()))
    }
}

/// Reads a free-form key (of `ids`) as `Text` or `LongText`.
struct TextSeed<'c>(Seed<'c>);

impl<'de> DeserializeSeed<'de> for TextSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for TextSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(self.0.inner(Shape::Scalar).text(v))
    }
}
