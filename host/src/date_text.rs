//! Dates in JSON as the text of the contract (`YYYY-MM-DD`), not as the SDK's
//! encoded `{year, month, day}`: the verdict and the plugin metadata both write
//! them this way.

use serde::Serializer;

/// Writes a value as its `Display` text (a [`Date`](exportctl_sdk::Date): `2024-01-31`).
pub(crate) fn serialize<S: Serializer, T: std::fmt::Display>(
    value: &T,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

/// Writes an optional value as its `Display` text, or `null`.
pub(crate) fn serialize_opt<S: Serializer, T: std::fmt::Display>(
    value: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}
