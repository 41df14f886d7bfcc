//! Russia and Belarus as sanctioned destinations of 15 CFR 746.8: from which day.
//!
//! Two provisions ask the same question: the licence requirement of 746.8
//! ([`crate::russia_belarus`]) and the de minimis level of 734.4(a)(6), which falls to 0 %
//! for some items bound for a sanctioned destination ([`crate::de_minimis`]). Both read the
//! answer here, so neither depends on the other.
//!
//! Dates: Russia from 24 Feb 2022 (87 FR 12226) and Belarus from 2 Mar 2022 (87 FR 13048).

use exportctl_sdk::{Country, Date};

/// The Russia rule of 24 Feb 2022 (87 FR 12226): CCL categories 3–9.
pub const RUSSIA_FROM: Date = Date::ymd(2022, 2, 24);
/// The Belarus rule of 2 Mar 2022 (87 FR 13048): the same for Belarus.
pub const BELARUS_FROM: Date = Date::ymd(2022, 3, 2);

/// The sanctioned country's name if 746.8 applies to `country` on `as_of`.
pub fn in_force(country: Country, as_of: Date) -> Option<&'static str> {
    if country == Country::RU && as_of >= RUSSIA_FROM {
        Some("Russia")
    } else if country == Country::BY && as_of >= BELARUS_FROM {
        Some("Belarus")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russia_from_24_feb_and_belarus_from_2_mar_2022() {
        assert_eq!(in_force(Country::RU, Date::ymd(2022, 2, 23)), None);
        assert_eq!(in_force(Country::RU, RUSSIA_FROM), Some("Russia"));
        assert_eq!(in_force(Country::BY, RUSSIA_FROM), None);
        assert_eq!(in_force(Country::BY, BELARUS_FROM), Some("Belarus"));
        assert_eq!(in_force(Country::KZ, BELARUS_FROM), None);
    }
}
