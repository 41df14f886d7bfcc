//! Named, sourced sets of ISO 3166-2 subdivisions, for region embargoes.
//!
//! The SDK has `CountrySet` for countries; sanctions also name parts of a country
//! (Crimea, the Ukrainian oblasts), which a shipment gives as a party's `region`.

use exportctl_sdk::Party;

/// A named, sourced set of ISO 3166-2 subdivision codes (upper-case, e.g. `UA-43`).
#[derive(Debug, Clone, Copy)]
pub struct RegionSet {
    /// Short name, e.g. `"Crimea and Sevastopol"`.
    pub name: &'static str,
    /// Where the membership comes from.
    pub source: &'static str,
    /// The members, sorted.
    pub members: &'static [&'static str],
}

impl RegionSet {
    /// Whether `code` is a member. Codes compare without regard to case, since the
    /// host upper-cases regions but a set built elsewhere might not.
    pub fn contains(&self, code: &str) -> bool {
        self.members.iter().any(|m| m.eq_ignore_ascii_case(code))
    }

    /// Whether `party` sits in a member region. A party without a region is not in
    /// the set: the document does not say where in the country it is.
    pub fn holds(&self, party: &Party) -> bool {
        party.region.as_deref().is_some_and(|r| self.contains(r))
    }
}

/// The region sets of the EU region embargoes in Ukraine.
pub mod region_sets {
    use super::RegionSet;

    /// The Autonomous Republic of Crimea (`UA-43`) and the city of Sevastopol (`UA-40`).
    pub const CRIMEA_SEVASTOPOL: RegionSet = RegionSet {
        name: "Crimea and Sevastopol",
        source: "Reg. (EU) 692/2014 (23 Jun 2014); ISO 3166-2:UA UA-43 (Autonomous Republic of Crimea), UA-40 (Sevastopol)",
        members: &["UA-40", "UA-43"],
    };

    /// The Donetsk (`UA-14`) and Luhansk (`UA-09`) oblasts, whose non-government-controlled
    /// areas Reg. (EU) 2022/263 covers from 23 Feb 2022.
    pub const DONETSK_LUHANSK: RegionSet = RegionSet {
        name: "Donetsk and Luhansk oblasts",
        source: "Reg. (EU) 2022/263 (23 Feb 2022): non-government-controlled areas of the Donetsk and Luhansk oblasts; ISO 3166-2:UA UA-14 (Donetsk), UA-09 (Luhansk)",
        members: &["UA-09", "UA-14"],
    };

    /// The Zaporizhzhia (`UA-23`) and Kherson (`UA-65`) oblasts, whose non-government-
    /// controlled areas Reg. (EU) 2022/1903 added to Reg. (EU) 2022/263 on 6 Oct 2022.
    pub const ZAPORIZHZHIA_KHERSON: RegionSet = RegionSet {
        name: "Zaporizhzhia and Kherson oblasts",
        source: "Reg. (EU) 2022/1903 (6 Oct 2022) amending Reg. (EU) 2022/263; ISO 3166-2:UA UA-23 (Zaporizhzhia), UA-65 (Kherson)",
        members: &["UA-23", "UA-65"],
    };
}

#[cfg(test)]
mod tests {
    use super::region_sets::*;

    #[test]
    fn sets_are_sorted_unique_and_ukrainian() {
        for set in [CRIMEA_SEVASTOPOL, DONETSK_LUHANSK, ZAPORIZHZHIA_KHERSON] {
            assert!(set.members.windows(2).all(|w| w[0] < w[1]), "{}", set.name);
            assert!(
                set.members.iter().all(|m| m.starts_with("UA-")),
                "{}",
                set.name
            );
        }
    }

    #[test]
    fn membership_ignores_case_and_needs_the_exact_code() {
        assert!(CRIMEA_SEVASTOPOL.contains("UA-43"));
        assert!(CRIMEA_SEVASTOPOL.contains("ua-40"));
        assert!(!CRIMEA_SEVASTOPOL.contains("UA-4"));
        assert!(!CRIMEA_SEVASTOPOL.contains("UA-14"));
        assert!(DONETSK_LUHANSK.contains("UA-14") && DONETSK_LUHANSK.contains("UA-09"));
        assert!(ZAPORIZHZHIA_KHERSON.contains("UA-23") && ZAPORIZHZHIA_KHERSON.contains("UA-65"));
        assert!(!ZAPORIZHZHIA_KHERSON.contains("UA-30"), "Kyiv city");
    }
}
