//! How old a policy's data is against the law date. A screening list or a
//! control list is an edition of a given day; judged against a much later law
//! date, it misses what was listed since. The policies declare their sources as
//! text; a source that names an ISO date (`2026-07-31`, `chpl_2024-02-23.csv`) is
//! taken to be an edition of that day (the latest date it names).

use crate::verdict::Warning;
use exportctl_sdk::Date;

/// The dated sources among `sources`: (a short name of the source, its edition).
pub(crate) fn editions(sources: &[String]) -> Vec<(String, Date)> {
    sources
        .iter()
        .filter_map(|source| {
            let edition = iso_dates(source).max()?;
            Some((short_name(source), edition))
        })
        .collect()
}

/// Warnings for the editions more than `max_days` older than `as_of` (none when
/// `max_days` is 0).
pub(crate) fn stale(
    policy: &str,
    editions: &[(String, Date)],
    as_of: Date,
    max_days: u32,
) -> Vec<Warning> {
    if max_days == 0 {
        return Vec::new();
    }
    editions
        .iter()
        .filter_map(|(source, edition)| {
            let age = day_number(as_of) - day_number(*edition);
            (age > i64::from(max_days)).then(|| Warning {
                kind: "data-age",
                path: policy.to_owned(),
                suggestion: None,
                message: format!(
                    "policy `{policy}` uses {source}, edition {edition}: {age} days older than the law date {as_of}; what changed since is not known to it"
                ),
            })
        })
        .collect()
}

/// Days from `edition` to `on` (negative when the edition is later).
pub(crate) fn age_days(edition: Date, on: Date) -> i64 {
    day_number(on) - day_number(edition)
}

/// Every valid `YYYY-MM-DD` in `text`.
fn iso_dates(text: &str) -> impl Iterator<Item = Date> + '_ {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(9)).filter_map(move |i| {
        let digit_before = i > 0 && bytes[i - 1].is_ascii_digit();
        let digit_after = bytes.get(i + 10).is_some_and(u8::is_ascii_digit);
        if digit_before || digit_after {
            return None;
        }
        text.get(i..i + 10).and_then(Date::parse)
    })
}

/// The source's name: its text up to the first `:` or `(`, at most 80 characters.
fn short_name(source: &str) -> String {
    let end = source.find([':', '(']).unwrap_or(source.len());
    let name = source[..end].trim();
    match name.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_owned(),
    }
}

/// Days since 1970-01-01 (proleptic Gregorian), for differences between dates.
fn day_number(date: Date) -> i64 {
    // Howard Hinnant's days_from_civil.
    let (mut y, m, d) = (
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    );
    if m <= 2 {
        y -= 1;
    }
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edition_is_aged_in_days_to_the_day_asked_about() {
        assert_eq!(age_days(Date::ymd(2024, 2, 23), Date::ymd(2024, 3, 1)), 7);
        assert_eq!(age_days(Date::ymd(2024, 3, 1), Date::ymd(2024, 2, 23)), -7);
    }

    #[test]
    fn finds_the_edition_of_a_dated_source_and_warns_past_the_limit() {
        let sources = vec![
            "US Consolidated Screening List (25,921 entries), generated 2026-07-31".to_owned(),
            "Law No. 172-VII of 28 Dec 2022".to_owned(),
            "CHPL, embedded from sdk/data/chpl/chpl_2024-02-23.csv".to_owned(),
        ];
        let e = editions(&sources);
        assert_eq!(
            e,
            vec![
                (
                    "US Consolidated Screening List".to_owned(),
                    Date::ymd(2026, 7, 31)
                ),
                (
                    "CHPL, embedded from sdk/data/chpl/chpl_2024-02-23.csv".to_owned(),
                    Date::ymd(2024, 2, 23)
                ),
            ]
        );
        assert_eq!(day_number(Date::ymd(1970, 1, 1)), 0);
        assert_eq!(
            day_number(Date::ymd(2024, 3, 1)) - day_number(Date::ymd(2024, 2, 28)),
            2
        );
        let warned = stale("p", &e[..1], Date::ymd(2026, 10, 30), 90);
        assert_eq!(warned.len(), 1);
        assert!(
            warned[0]
                .message
                .contains("edition 2026-07-31: 91 days older"),
            "{}",
            warned[0].message
        );
        assert!(stale("p", &e[..1], Date::ymd(2026, 10, 29), 90).is_empty());
        assert!(stale("p", &e, Date::ymd(2030, 1, 1), 0).is_empty());
    }
}
