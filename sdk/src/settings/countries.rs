//! [`countries`]: a list of countries in a policy's settings.

use super::Problems;
use crate::Country;

/// The countries of the setting at `path` (ISO 3166-1 alpha-2 codes, either case),
/// in the order given; each entry that is not one adds a problem at `path[i]`.
///
/// ```
/// use exportctl_sdk::Country;
/// use exportctl_sdk::settings::{Problems, countries};
///
/// let mut problems = Problems::new();
/// let listed = countries("review_destinations", &["ae".into(), "UAE".into()], &mut problems);
/// assert_eq!(listed, [Country::parse("AE").unwrap()]);
/// assert_eq!(
///     problems.into_result().unwrap_err(),
///     r#"review_destinations[1]: "UAE" is not an ISO 3166-1 alpha-2 country code (two letters, e.g. "AE")"#
/// );
/// ```
pub fn countries(path: &str, entries: &[String], problems: &mut Problems) -> Vec<Country> {
    let mut countries = Vec::with_capacity(entries.len());
    for (i, code) in entries.iter().enumerate() {
        match Country::parse(&code.to_ascii_uppercase()) {
            Some(country) => countries.push(country),
            None => problems.at(
                &format!("{path}[{i}]"),
                format!(
                    "{code:?} is not an ISO 3166-1 alpha-2 country code (two letters, e.g. \"AE\")"
                ),
            ),
        }
    }
    countries
}
