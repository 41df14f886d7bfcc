//! ISO 3166-1 alpha-2 country codes and the named country sets policies test against.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 3166-1 alpha-2 country code, always upper-case.
///
/// The host validates codes against the ISO list before a shipment reaches a policy,
/// so a policy can compare codes without re-checking them.
///
/// ```
/// use exportctl_sdk::Country;
/// let kz = Country::parse("kz").unwrap();
/// assert_eq!(kz, Country::KZ);
/// assert_eq!(kz.as_str(), "KZ");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country([u8; 2]);

/// In a human-readable format (JSON: a shipment kept in a decision record) a code is its
/// text, `"KZ"`; on the wire it is its two bytes. Decoding re-checks the shape either way:
/// `as_str` relies on two upper-case ASCII letters.
impl Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(self.as_str())
        } else {
            s.serialize_newtype_struct("Country", &self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Country, D::Error> {
        use serde::de::Error;
        let code = if d.is_human_readable() {
            let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            let b = text.as_bytes();
            <[u8; 2]>::try_from(b)
                .map_err(|_| D::Error::custom(format!("{text:?} is not an alpha-2 country code")))?
        } else {
            <[u8; 2]>::deserialize(d)?
        };
        Country::try_from(code).map_err(D::Error::custom)
    }
}

impl TryFrom<[u8; 2]> for Country {
    type Error = String;

    fn try_from(code: [u8; 2]) -> Result<Country, String> {
        if code.iter().all(u8::is_ascii_uppercase) {
            Ok(Country(code))
        } else {
            Err(format!(
                "{code:?} is not an upper-case alpha-2 country code"
            ))
        }
    }
}

impl Country {
    /// A code the wire check has accepted (two upper-case ASCII letters).
    pub(crate) const fn from_checked(code: [u8; 2]) -> Country {
        Country(code)
    }

    /// The code's two bytes.
    pub(crate) const fn bytes(&self) -> [u8; 2] {
        self.0
    }

    /// Builds a code from two upper-case ASCII letters; for constants.
    pub const fn from_bytes(code: [u8; 2]) -> Country {
        Country(code)
    }

    /// Parses two ASCII letters in either case. Returns `None` for anything else.
    ///
    /// This checks the shape only; whether the code is assigned is the host's job.
    pub fn parse(text: &str) -> Option<Country> {
        match text.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some(Country([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => None,
        }
    }

    /// The code as text, e.g. `"KZ"`.
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// Russia.
    pub const RU: Country = Country(*b"RU");
    /// Belarus.
    pub const BY: Country = Country(*b"BY");
    /// Kazakhstan.
    pub const KZ: Country = Country(*b"KZ");
    /// Kyrgyzstan.
    pub const KG: Country = Country(*b"KG");
    /// Ukraine.
    pub const UA: Country = Country(*b"UA");
    /// United States.
    pub const US: Country = Country(*b"US");
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Country({})", self.as_str())
    }
}

/// A named, sourced set of countries, e.g. the EU member states.
///
/// Every set says where its membership comes from, so a finding can cite it.
///
/// ```
/// use exportctl_sdk::{country_sets, Country};
/// assert!(country_sets::EAEU.contains(Country::KZ));
/// assert!(!country_sets::ANNEX_VIII_PARTNERS.contains(Country::KZ));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CountrySet {
    /// Short name, e.g. `"EU27"`.
    pub name: &'static str,
    /// Where the membership comes from, with its date.
    pub source: &'static str,
    /// The members, sorted.
    pub members: &'static [Country],
}

impl CountrySet {
    /// Whether `country` is a member.
    pub fn contains(&self, country: Country) -> bool {
        self.members.binary_search(&country).is_ok()
    }
}

/// The country sets export-control rules refer to, each with its source.
pub mod country_sets {
    use super::{Country, CountrySet};

    const fn c(code: &[u8; 2]) -> Country {
        Country::from_bytes(*code)
    }

    /// The 27 member states of the European Union.
    pub const EU27: CountrySet = CountrySet {
        name: "EU27",
        source: "Treaty on European Union Art. 52; membership since 1 Feb 2020 (EU27)",
        members: &[
            c(b"AT"),
            c(b"BE"),
            c(b"BG"),
            c(b"CY"),
            c(b"CZ"),
            c(b"DE"),
            c(b"DK"),
            c(b"EE"),
            c(b"ES"),
            c(b"FI"),
            c(b"FR"),
            c(b"GR"),
            c(b"HR"),
            c(b"HU"),
            c(b"IE"),
            c(b"IT"),
            c(b"LT"),
            c(b"LU"),
            c(b"LV"),
            c(b"MT"),
            c(b"NL"),
            c(b"PL"),
            c(b"PT"),
            c(b"RO"),
            c(b"SE"),
            c(b"SI"),
            c(b"SK"),
        ],
    };

    /// Member states of the Eurasian Economic Union: no customs border between them.
    pub const EAEU: CountrySet = CountrySet {
        name: "EAEU",
        source: "Treaty on the Eurasian Economic Union (29 May 2014); members AM, BY, KZ, KG, RU",
        members: &[c(b"AM"), c(b"BY"), c(b"KG"), c(b"KZ"), c(b"RU")],
    };

    /// Participants of the Commonwealth of Independent States (including associate
    /// and withdrawn-in-practice members still party to CIS agreements).
    pub const CIS: CountrySet = CountrySet {
        name: "CIS",
        source: "CIS Charter (22 Jan 1993) member and participating states: AM, AZ, BY, KG, KZ, MD, RU, TJ, TM, UZ",
        members: &[
            c(b"AM"),
            c(b"AZ"),
            c(b"BY"),
            c(b"KG"),
            c(b"KZ"),
            c(b"MD"),
            c(b"RU"),
            c(b"TJ"),
            c(b"TM"),
            c(b"UZ"),
        ],
    };

    /// Russia and Belarus, the destinations of the EU, US and allied sanctions.
    pub const RUSSIA_BELARUS: CountrySet = CountrySet {
        name: "RU/BY",
        source: "Reg. (EU) 833/2014 (Russia); Reg. (EC) 765/2006 (Belarus); 15 CFR 746.8",
        members: &[c(b"BY"), c(b"RU")],
    };

    /// Partner countries listed in Annex VIII of Reg. (EU) 833/2014: no no-Russia
    /// clause is needed for sales to them (Art. 12g).
    pub const ANNEX_VIII_PARTNERS: CountrySet = CountrySet {
        name: "Annex VIII partners",
        source: "Reg. (EU) 833/2014 Annex VIII (as replaced by Reg. 2024/1745): US, JP, GB, KR, AU, CA, NZ, NO, CH",
        members: &[
            c(b"AU"),
            c(b"CA"),
            c(b"CH"),
            c(b"GB"),
            c(b"JP"),
            c(b"KR"),
            c(b"NO"),
            c(b"NZ"),
            c(b"US"),
        ],
    };

    /// The 18 common transshipment points named by FinCEN and BIS.
    pub const TRANSSHIPMENT_RISK: CountrySet = CountrySet {
        name: "FinCEN/BIS transshipment points",
        source: "FinCEN & BIS joint alert FIN-2022-Alert003 (28 Jun 2022)",
        members: &[
            c(b"AE"),
            c(b"AM"),
            c(b"BR"),
            c(b"CN"),
            c(b"GE"),
            c(b"IL"),
            c(b"IN"),
            c(b"KG"),
            c(b"KZ"),
            c(b"MX"),
            c(b"NI"),
            c(b"RS"),
            c(b"SG"),
            c(b"TJ"),
            c(b"TR"),
            c(b"TW"),
            c(b"UZ"),
            c(b"ZA"),
        ],
    };
}

#[cfg(test)]
mod tests {
    use super::country_sets::*;
    use super::*;

    #[test]
    fn every_set_is_sorted_and_unique_so_binary_search_works() {
        for set in [
            EU27,
            EAEU,
            CIS,
            RUSSIA_BELARUS,
            ANNEX_VIII_PARTNERS,
            TRANSSHIPMENT_RISK,
        ] {
            assert!(
                set.members.windows(2).all(|w| w[0] < w[1]),
                "{} is not sorted and unique",
                set.name
            );
        }
    }

    #[test]
    fn set_sizes_match_their_sources() {
        assert_eq!(EU27.members.len(), 27);
        assert_eq!(EAEU.members.len(), 5);
        assert_eq!(ANNEX_VIII_PARTNERS.members.len(), 9);
        assert_eq!(TRANSSHIPMENT_RISK.members.len(), 18);
    }

    #[test]
    fn membership() {
        let de = Country::parse("DE").unwrap();
        assert!(EU27.contains(de));
        assert!(!EU27.contains(Country::KZ));
        assert!(TRANSSHIPMENT_RISK.contains(Country::KZ));
        assert!(!TRANSSHIPMENT_RISK.contains(Country::RU));
        assert!(RUSSIA_BELARUS.contains(Country::BY));
        assert!(CIS.contains(Country::KZ) && !CIS.contains(Country::UA));
    }

    #[test]
    fn parse_accepts_either_case_and_rejects_other_shapes() {
        assert_eq!(Country::parse("ru"), Some(Country::RU));
        assert_eq!(Country::parse("Ru"), Some(Country::RU));
        for bad in ["", "R", "RUS", "R1", "é1", "  "] {
            assert_eq!(Country::parse(bad), None, "{bad:?}");
        }
    }
}
