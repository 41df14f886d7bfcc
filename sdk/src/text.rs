//! [`Text`]: a string of the shipment document, read in place where it can be.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;

/// A string of the shipment document: a name, a description, an address.
///
/// Inside a plugin it points into the bytes the host handed over, so reading a
/// shipment copies no text; read from a file it owns its string. Either way it is
/// used like a `&str` (it dereferences to one) and compares with string literals:
///
/// ```
/// use exportctl_sdk::Text;
/// let name = Text::from("Inter-Traid TOO");
/// assert!(name.contains("Traid"));
/// assert_eq!(name, "Inter-Traid TOO");
/// assert_eq!(name.as_str().len(), 15);
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Text<'a>(Cow<'a, str>);

impl<'a> Text<'a> {
    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The same text, owning its string (copied only if it was borrowed).
    pub fn into_owned(self) -> Text<'static> {
        Text(Cow::Owned(self.0.into_owned()))
    }

    /// The same text borrowed from this one: a copy that copies no string.
    #[cfg(feature = "input")]
    pub(crate) fn reborrow(&self) -> Text<'_> {
        Text(Cow::Borrowed(&self.0))
    }
}

impl Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl From<String> for Text<'static> {
    fn from(s: String) -> Text<'static> {
        Text(Cow::Owned(s))
    }
}

impl<'a> From<Cow<'a, str>> for Text<'a> {
    fn from(s: Cow<'a, str>) -> Text<'a> {
        Text(s)
    }
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(s: &'a str) -> Text<'a> {
        Text(Cow::Borrowed(s))
    }
}

impl From<Text<'_>> for String {
    fn from(t: Text<'_>) -> String {
        t.0.into_owned()
    }
}

impl PartialEq<str> for Text<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Text<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Text<'_> {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Text<'_>> for str {
    fn eq(&self, other: &Text<'_>) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Text<'_>> for &str {
    fn eq(&self, other: &Text<'_>) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Text<'_>> for String {
    fn eq(&self, other: &Text<'_>) -> bool {
        **self == *other.0
    }
}

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text<'a>, D::Error> {
        d.deserialize_str(TextVisitor)
    }
}

/// Borrows the string when the format hands out a slice of its input (the wire
/// format always does), copies it otherwise.
struct TextVisitor;

impl<'de> serde::de::Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(s)))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_format_lends_its_strings() {
        let wire = postcard::to_allocvec(&Text::from("Almaty")).unwrap();
        let text: Text<'_> = postcard::from_bytes(&wire).unwrap();
        assert!(matches!(text.0, Cow::Borrowed(_)));
        assert_eq!(text, "Almaty");
    }

    #[test]
    fn json_with_escapes_is_copied() {
        let text: Text<'_> = serde_json::from_str(r#""A \"quoted\" name""#).unwrap();
        assert!(matches!(text.0, Cow::Owned(_)));
        assert_eq!(text, r#"A "quoted" name"#);
        assert_eq!(text.clone().into_owned(), text);
        assert_eq!(String::from(text), r#"A "quoted" name"#);
    }
}
