//! The one error type of the input reader: what is wrong, in which file, shipment
//! and field.

use std::fmt;

/// A shipment file or document that cannot be read or is not valid.
///
/// Renders as one lowercase line naming the file (with line and column where
/// known), the shipment id (when the document has a usable one) and the field
/// path, e.g.
/// ``file.json: shipment `SO-1`: lines[3].hs_code: "85A2" is not a 6–10 digit HS code``.
///
/// ```
/// use exportctl_sdk::Shipment;
/// let err = Shipment::from_json(r#"{"id": "SO-1", "date": "2024-02-30"}"#).unwrap_err();
/// assert_eq!(err.shipment_id(), Some("SO-1"));
/// assert_eq!(err.path(), Some("date"));
/// assert_eq!(err.message(), r#""2024-02-30" is not a valid date (YYYY-MM-DD)"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", Self::render(self))]
pub struct InputError {
    origin: String,
    position: Option<(usize, usize)>,
    shipment_id: Option<String>,
    path: Option<String>,
    message: String,
}

impl InputError {
    /// An error about a whole file or document (no field path).
    pub(crate) fn file(origin: &str, message: impl Into<String>) -> InputError {
        InputError {
            origin: origin.to_owned(),
            position: None,
            shipment_id: None,
            path: None,
            message: message.into(),
        }
    }

    /// An error at a 1-based line and column of the file.
    pub(crate) fn at(
        origin: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> InputError {
        InputError {
            position: Some((line, column)),
            ..InputError::file(origin, message)
        }
    }

    /// An error about one field of a shipment document.
    pub(crate) fn field(
        origin: &str,
        shipment_id: Option<&str>,
        path: String,
        message: String,
    ) -> InputError {
        InputError {
            origin: origin.to_owned(),
            position: None,
            shipment_id: shipment_id.map(str::to_owned),
            path: (!path.is_empty()).then_some(path),
            message,
        }
    }

    /// The same error with a hint for the likely cause appended to the message.
    pub(crate) fn with_hint(mut self, hint: &str) -> InputError {
        self.message = format!("{} ({hint})", self.message);
        self
    }

    /// Where the problem is: the file name, or the document within it
    /// (`file.json[2]`, `file.jsonl:7`).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// 1-based line in the file (or in the JSON Lines document), for syntax errors.
    pub fn line(&self) -> Option<usize> {
        self.position.map(|(line, _)| line)
    }

    /// 1-based column, counted in bytes, for syntax errors.
    pub fn column(&self) -> Option<usize> {
        self.position.map(|(_, column)| column)
    }

    /// The `id` of the shipment, when the document has a valid one.
    pub fn shipment_id(&self) -> Option<&str> {
        self.shipment_id.as_deref()
    }

    /// The field path, e.g. `lines[3].hs_code`; `None` for file-level errors.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// What is wrong, without file, shipment or path.
    pub fn message(&self) -> &str {
        &self.message
    }

    fn render(&self) -> Rendered<'_> {
        Rendered(self)
    }
}

/// Formats without building an intermediate string.
struct Rendered<'a>(&'a InputError);

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.0;
        f.write_str(&e.origin)?;
        if let Some((line, column)) = e.position {
            write!(f, ":{line}:{column}")?;
        }
        f.write_str(": ")?;
        if let Some(id) = &e.shipment_id {
            write!(f, "shipment `{id}`: ")?;
        }
        if let Some(path) = &e.path {
            write!(f, "{path}: ")?;
        }
        f.write_str(&e.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_one_line_with_the_parts_that_are_known() {
        let e = InputError::field(
            "file.json",
            Some("SO-1"),
            "lines[3].hs_code".into(),
            "\"85A2\" is not a 6–10 digit HS code".into(),
        );
        assert_eq!(
            e.to_string(),
            "file.json: shipment `SO-1`: lines[3].hs_code: \"85A2\" is not a 6–10 digit HS code"
        );
        let e = InputError::field(
            "file.json[2]",
            None,
            "id".into(),
            "required field is missing".into(),
        );
        assert_eq!(e.to_string(), "file.json[2]: id: required field is missing");
        let e = InputError::at("file.json", 3, 7, "expected value");
        assert_eq!(e.to_string(), "file.json:3:7: expected value");
        assert_eq!((e.line(), e.column(), e.path()), (Some(3), Some(7), None));
        assert_eq!(
            InputError::file("f.json", "no shipment found").to_string(),
            "f.json: no shipment found"
        );
    }
}
