//! The countries under an arms embargo decided by the Council of the EU, the OSCE or
//! the UN Security Council: what Art. 4(1)(b) of Reg. (EU) 2021/821 turns on.
//!
//! Embedded from `policies/data/eu_dual_use/arms_embargoes.csv` (sources, dates and
//! what is uncertain: its `SOURCE.md`). Country embargoes only; embargoes on persons or
//! groups are not a country "subject to an arms embargo" and are left out.

use exportctl_sdk::{Country, Date};

/// One country's arms embargo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArmsEmbargo {
    /// The country under the embargo.
    pub country: Country,
    /// The regime's name, e.g. `EU arms embargo on Russia`.
    pub embargo: &'static str,
    /// Who decided it: `EU`, `UN`, `OSCE`, joined by `; `.
    pub imposed_by: &'static str,
    /// The acts, oldest first, and the one now in force.
    pub acts: &'static str,
    /// The first day of the embargo, as dated by the first act named.
    pub from: Date,
    /// How certain that date is.
    pub date_note: &'static str,
    /// The whole country, or the part of it the embargo covers.
    pub scope: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/arms_embargoes.rs"));

/// The arms embargo on `country` in force on `as_of`, if there is one.
pub fn in_force(country: Country, as_of: Date) -> Option<&'static ArmsEmbargo> {
    ARMS_EMBARGOES
        .binary_search_by(|e| e.country.cmp(&country))
        .ok()
        .and_then(|i| ARMS_EMBARGOES.get(i))
        .filter(|e| e.from <= as_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> Country {
        Country::parse(code).unwrap_or_else(|| panic!("{code}"))
    }

    #[test]
    fn the_table_is_sorted_by_country_so_binary_search_works() {
        assert!(
            ARMS_EMBARGOES
                .windows(2)
                .all(|w| w[0].country < w[1].country)
        );
        assert!(ARMS_EMBARGOES.len() >= 15);
        for e in ARMS_EMBARGOES {
            assert!(!e.acts.is_empty() && !e.scope.is_empty() && !e.date_note.is_empty());
        }
    }

    #[test]
    fn finds_embargoes_in_force_on_the_day() {
        let ru = in_force(Country::RU, Date::ymd(2024, 6, 3));
        assert_eq!(
            ru.map(|e| e.acts),
            Some("Council Decision 2014/512/CFSP of 31 Jul 2014")
        );
        assert_eq!(in_force(Country::RU, Date::ymd(2014, 7, 30)), None);
        assert!(in_force(Country::RU, Date::ymd(2014, 7, 31)).is_some());
        let ir = in_force(country("IR"), Date::ymd(2024, 6, 3));
        assert!(ir.is_some_and(|e| e.acts.contains("2010/413/CFSP")));
        assert_eq!(
            in_force(country("AZ"), Date::ymd(2024, 6, 3)).map(|e| e.imposed_by),
            Some("OSCE")
        );
        assert!(
            in_force(country("KP"), Date::ymd(2024, 6, 3))
                .is_some_and(|e| e.imposed_by == "UN; EU")
        );
    }

    #[test]
    fn other_countries_are_under_no_embargo() {
        for code in ["KZ", "US", "DE", "TR", "AE", "IN", "YE", "AF"] {
            assert_eq!(
                in_force(country(code), Date::ymd(2024, 6, 3)),
                None,
                "{code}"
            );
        }
    }
}
