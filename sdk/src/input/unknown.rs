//! Fields the format does not know. They are ignored, so a newer document still
//! reads, but never silently: a typo in an optional field (`enduser` for
//! `end_user`) would otherwise drop a party or a route from every check.

use super::value::{SHIPMENT, Shape, UNKNOWN_FIELD, Value};
use std::fmt;

/// A field of a shipment document that the format (version 1) does not know.
///
/// ```
/// use exportctl_sdk::input::{read_documents, InputLimits};
/// let text = r#"{"id": "SO-1", "enduser": {"name": "X", "country": "RU"}}"#;
/// let docs = read_documents(text.as_bytes(), "a.json", &InputLimits::default()).unwrap();
/// let unknown = docs[0].unknown_fields();
/// assert_eq!(unknown[0].path, "enduser");
/// assert_eq!(unknown[0].suggestion, Some("end_user"));
/// assert_eq!(unknown[0].to_string(), "unknown field `enduser` is ignored; did you mean `end_user`?");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    /// The field's path, e.g. `enduser` or `lines[0].hs_cod`. A name longer than
    /// any field name is shown as `…`.
    pub path: String,
    /// A known field of the same object whose name is close, if any.
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown field `{}` is ignored", self.path)?;
        if let Some(known) = self.suggestion {
            write!(f, "; did you mean `{known}`?")?;
        }
        Ok(())
    }
}

/// Every unknown field of a shipment document, in document order.
pub(crate) fn unknown_fields(doc: &Value) -> Vec<UnknownField> {
    let mut found = Vec::new();
    walk(doc, Shape::Record(SHIPMENT), "", &mut found);
    found
}

fn walk(value: &Value, shape: Shape, path: &str, found: &mut Vec<UnknownField>) {
    match (value, shape) {
        (Value::Record(entries), Shape::Record(fields)) => {
            for (name, v) in entries {
                if *name == UNKNOWN_FIELD {
                    let key = match v {
                        Value::Text(key) => key,
                        _ => "…",
                    };
                    found.push(UnknownField {
                        path: join(path, key),
                        suggestion: closest(key, fields),
                    });
                } else if let Some((_, inner)) = fields.iter().find(|(n, _)| n == name) {
                    walk(v, *inner, &join(path, name), found);
                }
            }
        }
        (Value::List(items), Shape::List(item)) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, *item, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// The known field a typo most likely meant: the same name but for case and
/// separators, or the closest by edit distance (with transpositions) within
/// about one edit in four characters.
fn closest(key: &str, fields: &[(&'static str, Shape)]) -> Option<&'static str> {
    let bare = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let key_bare = bare(key);
    if let Some((name, _)) = fields.iter().find(|(name, _)| bare(name) == key_bare) {
        return Some(name);
    }
    let allowed = (key.chars().count() / 4).max(1);
    fields
        .iter()
        .map(|(name, _)| {
            (
                strsim::damerau_levenshtein(&key.to_lowercase(), name),
                *name,
            )
        })
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggest(key: &str) -> Option<&'static str> {
        closest(key, SHIPMENT)
    }

    #[test]
    fn suggests_the_field_a_typo_meant_and_nothing_for_a_new_field() {
        assert_eq!(suggest("enduser"), Some("end_user"));
        assert_eq!(suggest("EndUser"), Some("end_user"));
        assert_eq!(suggest("transit_countires"), Some("transit_countries"));
        assert_eq!(suggest("consigne"), Some("consignee"));
        assert_eq!(suggest("incoterms"), None);
        assert_eq!(suggest("x"), None);
    }
}
