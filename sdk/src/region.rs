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
    ///     .any(|p| region_sets::CRIMEA_SEVASTOPOL.holds(&p.party))
    /// # }
    /// ```
    pub fn holds(&self, party: &Party) -> bool {
        party.region().is_some_and(|r| self.contains(r))
    }

    /// The first member region that `text` names, in Latin or Cyrillic script: the
    /// region itself (`Crimea`, `Krym`, `Крым`), its capital or a city in it
    /// (`Sevastopol`, `Simferopol`), or the name the occupying authorities give it
    /// (`DNR`, `ЛНР`). Whole words only, in any case: `Krymskaya` (a street name in many
    /// Russian towns) is not `Krym`. `Donetsk` next to `Rostov` is the town of the Rostov
    /// oblast of Russia, not the Ukrainian city, and is not counted.
    ///
    /// This is an inference from free text, not a classification: a policy that acts on
    /// it should say so and show the text (e.g. as a review quoting the address).
    ///
    /// ```
    /// use exportctl_sdk::region_sets;
    /// let found = region_sets::CRIMEA_SEVASTOPOL.named_in("ul. Lenina 5, Sevastopol, Crimea");
    /// assert_eq!(found.map(|n| (n.code, n.word)), Some(("UA-40", "Sevastopol".to_owned())));
    /// assert!(region_sets::CRIMEA_SEVASTOPOL.named_in("Krymsky Val 9, Moscow").is_none());
    /// assert!(region_sets::DONETSK_LUHANSK.named_in("г. Донецк, ДНР").is_some());
    /// ```
    pub fn named_in(&self, text: &str) -> Option<NamedRegion> {
        let words = || {
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
        };
        let all: Vec<String> = words().map(str::to_lowercase).collect();
        words().zip(&all).find_map(|(word, folded)| {
            PLACE_NAMES
                .iter()
                .filter(|p| self.contains(p.code))
                .find(|p| {
                    p.words.contains(&folded.as_str())
                        && !p.unless.iter().any(|u| all.iter().any(|w| w == u))
                })
                .map(|p| NamedRegion {
                    code: p.code,
                    region: p.region,
                    word: word.to_owned(),
                })
        })
    }

    /// Where a party's address places it in the set when its `region` does not: the
    /// first member region [`RegionSet::named_in`] finds in `address`. `None` when the
    /// party's `region` is already a member (the document says so outright) or it has
    /// no address.
    ///
    /// ```
    /// use exportctl_sdk::{region_sets, Country, PartyWire};
    /// let wire = PartyWire::new("OOO Yug", Country::UA, Some("Bolshaya Morskaya 1, Sevastopol, Crimea"), [])?;
    /// let party = wire.party();
    /// let named = region_sets::CRIMEA_SEVASTOPOL.named_in_address(&party);
    /// assert_eq!(named.map(|n| n.region), Some("Sevastopol"));
    /// # Ok::<(), exportctl_sdk::WireError>(())
    /// ```
    pub fn named_in_address(&self, party: &Party) -> Option<NamedRegion> {
        if self.holds(party) {
            return None;
        }
        self.named_in(party.address()?)
    }
}

/// A region found by name in free text (see [`RegionSet::named_in`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedRegion {
    /// The ISO 3166-2 code of the region named, e.g. `UA-43`.
    pub code: &'static str,
    /// The region's English name, e.g. `Crimea`, `Donetsk oblast`.
    pub region: &'static str,
    /// The word as the text writes it, e.g. `Sevastopol` or `ДНР`: the evidence.
    pub word: String,
}

/// Names of a region, lower-case, whole words.
struct PlaceNames {
    code: &'static str,
    region: &'static str,
    words: &'static [&'static str],
    /// Words that, anywhere in the same text, mean a name is another place's.
    unless: &'static [&'static str],
}

/// The regions of [`region_sets`] by name: the region, its capital and larger towns, in
/// English, Ukrainian and Russian transliteration and in Cyrillic, and the names the
/// occupying authorities use. Names shared with other places (`Sebastopol`, California;
/// `Yalta` is kept, being in occupied Donetsk oblast too) are left out.
const PLACE_NAMES: &[PlaceNames] = &[
    PlaceNames {
        code: "UA-43",
        region: "Crimea",
        words: &[
            "crimea",
            "crimean",
            "krym",
            "krim",
            "qirim",
            "qırım",
            "крым",
            "крим",
            "къырым",
            "simferopol",
            "simferopil",
            "симферополь",
            "сімферополь",
            "kerch",
            "керчь",
            "керч",
            "yevpatoria",
            "yevpatoriya",
            "evpatoria",
            "evpatoriya",
            "евпатория",
            "євпаторія",
            "feodosia",
            "feodosiya",
            "феодосия",
            "феодосія",
            "dzhankoi",
            "dzhankoy",
            "джанкой",
            "yalta",
            "ялта",
        ],
        unless: &[],
    },
    PlaceNames {
        code: "UA-40",
        region: "Sevastopol",
        words: &["sevastopol", "sevastopil", "севастополь", "севастопіль"],
        unless: &[],
    },
    PlaceNames {
        code: "UA-14",
        region: "Donetsk oblast",
        words: &[
            "donetsk",
            "донецк",
            "донецьк",
            "dnr",
            "dpr",
            "днр",
            "makiivka",
            "makeevka",
            "makeyevka",
            "макеевка",
            "макіївка",
            "horlivka",
            "gorlovka",
            "горловка",
            "горлівка",
            "mariupol",
            "мариуполь",
            "маріуполь",
        ],
        unless: &["rostov", "ростов", "ростовская", "rostovskaya"],
    },
    PlaceNames {
        code: "UA-09",
        region: "Luhansk oblast",
        words: &[
            "luhansk",
            "lugansk",
            "луганск",
            "луганськ",
            "lnr",
            "lpr",
            "лнр",
            "alchevsk",
            "алчевск",
            "алчевськ",
        ],
        unless: &[],
    },
    PlaceNames {
        code: "UA-23",
        region: "Zaporizhzhia oblast",
        words: &[
            "zaporizhzhia",
            "zaporizhia",
            "zaporozhye",
            "zaporozhie",
            "запорожье",
            "запоріжжя",
            "melitopol",
            "мелитополь",
            "мелітополь",
            "berdyansk",
            "berdiansk",
            "бердянск",
            "бердянськ",
        ],
        unless: &[],
    },
    PlaceNames {
        code: "UA-65",
        region: "Kherson oblast",
        words: &["kherson", "херсон", "henichesk", "геническ", "генічеськ"],
        unless: &[],
    },
];

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
    fn names_in_text_are_whole_words_of_the_sets_members() {
        let found = |set: crate::RegionSet, text: &str| set.named_in(text).map(|n| n.code);
        assert_eq!(
            found(CRIMEA_SEVASTOPOL, "Simferopol, Republic of Crimea"),
            Some("UA-43")
        );
        assert_eq!(found(CRIMEA_SEVASTOPOL, "SEVASTOPOL"), Some("UA-40"));
        assert_eq!(
            found(CRIMEA_SEVASTOPOL, "Республика Крым, г. Керчь"),
            Some("UA-43")
        );
        assert_eq!(found(CRIMEA_SEVASTOPOL, "м. Севастопіль"), Some("UA-40"));
        assert_eq!(found(CRIMEA_SEVASTOPOL, "Krymskaya ul. 4, Krasnodar"), None);
        assert_eq!(found(CRIMEA_SEVASTOPOL, "Sebastopol, CA 95472"), None);
        assert_eq!(
            found(CRIMEA_SEVASTOPOL, "Donetsk People's Republic"),
            None,
            "not a member"
        );
        assert_eq!(
            found(DONETSK_LUHANSK, "Donetsk People's Republic"),
            Some("UA-14")
        );
        assert_eq!(found(DONETSK_LUHANSK, "LNR, Alchevsk"), Some("UA-09"));
        assert_eq!(found(DONETSK_LUHANSK, "г. Луганск"), Some("UA-09"));
        assert_eq!(
            found(DONETSK_LUHANSK, "Donetsk, Rostov oblast, Russia"),
            None,
            "the Russian town"
        );
        assert_eq!(found(DONETSK_LUHANSK, "Kramatorsk, Ukraine"), None);
        assert_eq!(found(ZAPORIZHZHIA_KHERSON, "Melitopol"), Some("UA-23"));
        let word = CRIMEA_SEVASTOPOL
            .named_in("ul. Lenina 1, KRYM")
            .map(|n| (n.word, n.region));
        assert_eq!(
            word,
            Some(("KRYM".to_owned(), "Crimea")),
            "the word as written"
        );
    }

    /// A shipment whose consignee is in Ukraine with `region` and `address`.
    fn in_ukraine(region: Option<&str>, address: Option<&str>) -> crate::Shipment<'static> {
        let mut consignee = serde_json::json!({"name": "P", "country": "UA"});
        if let Some(region) = region {
            consignee["region"] = region.into();
        }
        if let Some(address) = address {
            consignee["address"] = address.into();
        }
        crate::testing::Doc::on_route("2024-06-03", "DE>UA")
            .add_line(1, "9403.60", &[])
            .with(|d| d["consignee"] = consignee)
            .shipment()
    }

    #[test]
    fn an_address_counts_only_when_the_region_does_not() {
        let named = |region: Option<&str>, address: Option<&str>| {
            CRIMEA_SEVASTOPOL
                .named_in_address(&in_ukraine(region, address).consignee())
                .is_some()
        };
        assert!(named(None, Some("Sevastopol, Crimea")));
        assert!(named(Some("UA-30"), Some("Sevastopol, Crimea")));
        assert!(!named(Some("UA-40"), Some("Sevastopol, Crimea")));
        assert!(!named(None, None));
    }

    #[test]
    fn a_party_is_held_by_its_region_only() {
        let held =
            |region: Option<&str>| CRIMEA_SEVASTOPOL.holds(&in_ukraine(region, None).consignee());
        assert!(held(Some("UA-40")));
        assert!(!held(Some("UA-65")));
        assert!(!held(None), "no region, not in the set");
    }
}
