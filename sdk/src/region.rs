//! Named, sourced sets of ISO 3166-2 subdivisions, for measures that name part of a
//! country (Crimea, the Ukrainian oblasts) rather than the whole of it.
//!
//! A shipment gives a party's subdivision as [`Party::region`]; [`CountrySet`] is the
//! counterpart for whole countries.
//!
//! [`CountrySet`]: crate::CountrySet

use crate::Party;

/// A named, sourced set of ISO 3166-2 subdivision codes (upper-case, e.g. `UA-43`).
///
/// Like a [`crate::CountrySet`], every set says where its membership comes from, so a
/// finding can cite it.
///
/// ```
/// use exportctl_sdk::region_sets;
/// assert!(region_sets::CRIMEA_SEVASTOPOL.contains("UA-43"));
/// assert!(!region_sets::CRIMEA_SEVASTOPOL.contains("UA-14"));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RegionSet {
    /// Short name, e.g. `"Crimea and Sevastopol"`.
    pub name: &'static str,
    /// Where the membership comes from, with its date.
    pub source: &'static str,
    /// The members, sorted.
    pub members: &'static [&'static str],
}

impl RegionSet {
    /// Whether `code` is a member. Codes compare without regard to case: the host
    /// upper-cases regions, but a code from elsewhere might not be.
    pub fn contains(&self, code: &str) -> bool {
        self.members.iter().any(|m| m.eq_ignore_ascii_case(code))
    }

    /// Whether `party` sits in a member region. A party without a region is not in the
    /// set: the document does not say where in the country it is.
    ///
    /// ```
    /// use exportctl_sdk::{region_sets, Shipment};
    /// # fn check(shipment: &Shipment) -> bool {
    /// shipment
    ///     .receiving_parties()
    ///     .any(|p| region_sets::CRIMEA_SEVASTOPOL.holds(p.party))
    /// # }
    /// ```
    pub fn holds(&self, party: &Party) -> bool {
        party.region.as_deref().is_some_and(|r| self.contains(r))
    }
}

/// The subdivision sets export-control rules refer to, each with its source.
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
            assert!(!set.source.is_empty(), "{}", set.name);
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

    #[test]
    fn a_party_is_held_by_its_region_only() {
        let party = |region: Option<&'static str>| crate::Party {
            name: "P".into(),
            country: crate::Country::UA,
            region: region.map(Into::into),
            address: None,
            registration_date: None,
            ids: Vec::new(),
            aliases: Vec::new(),
        };
        assert!(CRIMEA_SEVASTOPOL.holds(&party(Some("UA-40"))));
        assert!(!CRIMEA_SEVASTOPOL.holds(&party(Some("UA-65"))));
        assert!(
            !CRIMEA_SEVASTOPOL.holds(&party(None)),
            "no region, not in the set"
        );
    }
}
