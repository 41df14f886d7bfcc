//! Calendar dates and the periods in which a rule is in force.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar date (proleptic Gregorian), as in an ISO 8601 `YYYY-MM-DD` string.
///
/// ```
/// use exportctl_sdk::Date;
/// let d = Date::parse("2022-08-27").unwrap();
/// assert!(d < Date::new(2023, 8, 31).unwrap());
/// assert_eq!(d.to_string(), "2022-08-27");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// A date's fields as they are encoded on the wire, before the check.
#[derive(Serialize, Deserialize)]
#[serde(rename = "Date")]
struct DateParts {
    year: u16,
    month: u8,
    day: u8,
}

/// In a human-readable format (JSON: a shipment kept in a decision record) a date is its
/// `YYYY-MM-DD` text; on the wire, its three fields. Decoding re-checks the day exists
/// either way, as for HS codes and countries: a forged encoding cannot hand a policy the
/// 31st of February.
impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            DateParts {
                year: self.year,
                month: self.month,
                day: self.day,
            }
            .serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        use serde::de::Error;
        if d.is_human_readable() {
            let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            Date::parse(&text)
                .ok_or_else(|| D::Error::custom(format!("{text:?} is not a YYYY-MM-DD date")))
        } else {
            Date::try_from(DateParts::deserialize(d)?).map_err(D::Error::custom)
        }
    }
}

impl TryFrom<DateParts> for Date {
    type Error = String;

    fn try_from(p: DateParts) -> Result<Date, String> {
        Date::new(p.year, p.month, p.day)
            .ok_or_else(|| format!("{:04}-{:02}-{:02} is not a date", p.year, p.month, p.day))
    }
}

impl Date {
    /// A date from its parts; `None` if the day does not exist (e.g. 2023-02-29).
    pub const fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if year == 0 || month == 0 || month > 12 || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// A date known to be valid, for constants in policy code. Fails to compile
    /// (in a `const`) or panics if the date does not exist.
    #[expect(clippy::panic, reason = "compile-time check of a date constant")]
    pub const fn ymd(year: u16, month: u8, day: u8) -> Date {
        match Date::new(year, month, day) {
            Some(d) => d,
            None => panic!("invalid date constant"),
        }
    }

    /// Parses exactly `YYYY-MM-DD`. `None` for any other shape or a day that does not exist.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |s: &[u8]| -> Option<u16> {
            s.iter().try_fold(0u16, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u16::from(c - b'0'))
            })
        };
        let year = num(&b[0..4])?;
        let month = u8::try_from(num(&b[5..7])?).ok()?;
        let day = u8::try_from(num(&b[8..10])?).ok()?;
        Date::new(year, month, day)
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }
    /// The month, 1–12.
    pub fn month(&self) -> u8 {
        self.month
    }
    /// The day of the month, 1–31.
    pub fn day(&self) -> u8 {
        self.day
    }
}

const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({self})")
    }
}

/// The days on which a rule is in force: from `from` up to and including `until`
/// (open-ended when `until` is `None`).
///
/// ```
/// use exportctl_sdk::{Date, Period};
/// // The Defence Industry Commission's export suspension.
/// let suspension = Period::between(Date::ymd(2022, 8, 27), Date::ymd(2023, 8, 31));
/// assert!(suspension.contains(Date::ymd(2022, 11, 14)));
/// assert!(!suspension.contains(Date::ymd(2023, 9, 1)));
/// assert!(Period::from(Date::ymd(2024, 3, 20)).contains(Date::ymd(2030, 1, 1)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day in force.
    pub from: Date,
    /// Last day in force, if any.
    pub until: Option<Date>,
}

impl Period {
    /// In force from `from` on, with no end date.
    pub const fn from(from: Date) -> Period {
        Period { from, until: None }
    }

    /// In force from `from` up to and including `until`.
    pub const fn between(from: Date, until: Date) -> Period {
        Period {
            from,
            until: Some(until),
        }
    }

    /// Whether `date` falls inside the period (both ends inclusive).
    pub fn contains(&self, date: Date) -> bool {
        date >= self.from && self.until.is_none_or(|until| date <= until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_refuses_days_that_do_not_exist() {
        let wire = postcard::to_allocvec(&Date::ymd(2023, 2, 28)).unwrap();
        assert_eq!(
            postcard::from_bytes::<Date>(&wire).unwrap(),
            Date::ymd(2023, 2, 28)
        );
        let mut forged = wire.clone();
        *forged.last_mut().unwrap() = 29;
        assert!(postcard::from_bytes::<Date>(&forged).is_err(), "2023-02-29");
        let mut forged = wire;
        let month = forged.len() - 2;
        forged[month] = 13;
        assert!(postcard::from_bytes::<Date>(&forged).is_err(), "month 13");
    }

    #[test]
    fn parses_iso_dates_and_rejects_impossible_ones() {
        assert_eq!(Date::parse("2024-02-29"), Date::new(2024, 2, 29));
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-01-32",
            "0000-01-01",
            "2024-1-01",
            "24-01-01",
            "2024/01/01",
            "2024-01-01T00:00",
            "",
            "２０２４-01-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad:?}");
        }
        assert!(Date::parse("2000-02-29").is_some());
    }

    #[test]
    fn period_bounds_are_inclusive() {
        let p = Period::between(Date::ymd(2022, 8, 27), Date::ymd(2023, 8, 31));
        assert!(!p.contains(Date::ymd(2022, 8, 26)));
        assert!(p.contains(Date::ymd(2022, 8, 27)));
        assert!(p.contains(Date::ymd(2023, 8, 31)));
        assert!(!p.contains(Date::ymd(2023, 9, 1)));
    }

    #[test]
    fn ordering_is_chronological() {
        assert!(Date::ymd(2022, 12, 31) < Date::ymd(2023, 1, 1));
        assert!(Date::ymd(2023, 1, 31) < Date::ymd(2023, 2, 1));
    }
}
