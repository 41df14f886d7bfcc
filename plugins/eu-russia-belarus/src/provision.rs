//! Dated provisions: one country's version of a measure, where it is written and from
//! when it applies.
//!
//! The Russian and Belarusian regimes mirror each other but were built by different
//! amending regulations on different days, so a rule that reaches both countries keeps
//! one [`Provision`] per country and cites only those in force on `as_of`.

use exportctl_sdk::{Country, Date};
use std::collections::BTreeSet;

/// One country's version of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provision {
    /// The country the provision concerns (Russia or Belarus).
    pub country: Country,
    /// The citation, with the amending regulation and its date.
    pub citation: &'static str,
    /// The first day it applies.
    pub from: Date,
}

impl Provision {
    /// Whether the provision applies on `as_of`.
    pub fn in_force(&self, as_of: Date) -> bool {
        as_of >= self.from
    }
}

/// The provisions among `provisions` that concern one of `countries` and apply on
/// `as_of`, in the order given.
pub fn in_force<'a>(
    provisions: &'a [Provision],
    countries: &BTreeSet<Country>,
    as_of: Date,
) -> Vec<&'a Provision> {
    provisions
        .iter()
        .filter(|p| countries.contains(&p.country) && p.in_force(as_of))
        .collect()
}

/// The citations joined for a legal basis, without repeats.
pub fn cite<'a>(provisions: impl IntoIterator<Item = &'a Provision>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for p in provisions {
        if !seen.contains(&p.citation) {
            seen.push(p.citation);
        }
    }
    seen.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RU: Provision = Provision {
        country: Country::RU,
        citation: "ru",
        from: Date::ymd(2022, 2, 25),
    };
    const BY: Provision = Provision {
        country: Country::BY,
        citation: "by",
        from: Date::ymd(2022, 3, 2),
    };

    #[test]
    fn selects_by_country_and_date() {
        let both: BTreeSet<Country> = [Country::RU, Country::BY].into();
        let all = [RU, BY];
        assert!(in_force(&all, &both, Date::ymd(2022, 2, 24)).is_empty());
        assert_eq!(in_force(&all, &both, Date::ymd(2022, 2, 25)), vec![&RU]);
        assert_eq!(in_force(&all, &both, Date::ymd(2022, 3, 2)), vec![&RU, &BY]);
        let by: BTreeSet<Country> = [Country::BY].into();
        assert_eq!(in_force(&all, &by, Date::ymd(2024, 1, 1)), vec![&BY]);
        assert_eq!(cite([&RU, &BY, &RU]), "ru; by");
    }
}
