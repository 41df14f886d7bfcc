//! The EAR Country Groups the policy uses (15 CFR 740 Supp. 1, eCFR issue of 2026-07-23),
//! embedded at build time as SDK [`CountrySet`]s.
//!
//! - A:5, A:6 — the destinations excluded from the UAE/D:1/D:4/D:5 list some ECCNs name;
//! - D:1, D:4, D:5 — national security, missile technology and US arms-embargo concerns;
//! - E:1, E:2 — the embargoed destinations, with a de minimis level of 10 % (734.4).
//!
//! Hong Kong is not listed in the tables: under the EAR it is China (85 FR 83788), so
//! membership is tested on [`crate::country_chart::as_listed`].

use crate::country_chart::as_listed;
use exportctl_sdk::{Country, CountrySet};

include!(concat!(env!("OUT_DIR"), "/groups_table.rs"));

/// Whether `country` (Hong Kong counting as China) is in `group`.
pub fn contains(group: &CountrySet, country: Country) -> bool {
    group.contains(as_listed(country))
}

/// Country Group E:1 or E:2.
pub fn in_e1_or_e2(country: Country) -> bool {
    contains(&E1, country) || contains(&E2, country)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Country {
        Country::parse(code).unwrap()
    }

    #[test]
    fn groups_are_sorted_so_binary_search_works() {
        for g in [A5, A6, D1, D4, D5, E1, E2] {
            assert!(g.members.windows(2).all(|w| w[0] < w[1]), "{}", g.name);
        }
    }

    #[test]
    fn known_memberships() {
        let codes = |g: &CountrySet| g.members.iter().map(Country::as_str).collect::<Vec<_>>();
        assert_eq!(codes(&E1), ["IR", "KP", "SY"]);
        assert_eq!(codes(&E2), ["CU"]);
        assert!(contains(&D5, c("CN")) && contains(&D5, c("HK")) && contains(&D5, c("RU")));
        assert!(
            !contains(&D5, c("MO")),
            "Macau is not in D:5; rules add it by name"
        );
        assert!(contains(&D1, c("KZ")) && !contains(&D1, c("DE")));
        assert!(contains(&A5, c("AE")) && contains(&A6, c("IL")));
        assert!(in_e1_or_e2(c("CU")) && in_e1_or_e2(c("SY")) && !in_e1_or_e2(c("RU")));
    }
}
