//! Screening one party: its name and every alias against the embedded list, with the
//! party's country raising or lowering each match.

use crate::lists::List;
use crate::matcher::{Query, Searcher};
use crate::settings::Settings;
use crate::table::{self, Entry, EntryKind};
use exportctl_sdk::{Country, Party};

/// How the party's country bears on a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountryEffect {
    /// The party's country is one of the entry's address countries: score raised.
    Listed,
    /// The entry has address countries and the party's is not one: score lowered.
    NotListed,
    /// The entry gives no address country: score unchanged.
    Unknown,
}

/// A listed entry a party matches.
#[derive(Debug, Clone)]
pub struct PartyMatch {
    /// The entry.
    pub entry: Entry,
    /// Which of the entry's names matched best (0 = the list name).
    pub variant: u32,
    /// Which of the party's names matched: 0 its name, `i` its alias `i - 1`.
    pub party_name: usize,
    /// Similarity of the two names, 0 to 1.
    pub name_score: f64,
    /// Whether the names can be the same name: every distinctive word of the shorter
    /// pairs as the same word ([`matcher::Similarity::same_name`]). Only then can the
    /// match be strong.
    pub same_name: bool,
    /// What the party's country did.
    pub country: CountryEffect,
    /// The score after the country adjustment, 0 to 1: what the thresholds compare.
    pub score: f64,
}

impl PartyMatch {
    /// The listed name that matched.
    pub fn listed_name(&self) -> &'static str {
        self.entry
            .name(self.variant)
            .unwrap_or_else(|| self.entry.primary_name())
    }
}

/// Screens parties with one set of settings.
#[derive(Debug, Clone)]
pub struct Screener {
    lists: [bool; List::ALL.len()],
    vessels_and_aircraft: bool,
    weak: f64,
    bonus: f64,
    penalty: f64,
}

impl Screener {
    /// A screener for validated settings.
    pub fn new(settings: &Settings) -> Screener {
        let mut lists = [false; List::ALL.len()];
        for code in &settings.lists {
            if let Some(list) = List::from_code(code) {
                lists[list as usize] = true;
            }
        }
        Screener {
            lists,
            vessels_and_aircraft: settings.screen_vessels_and_aircraft,
            weak: settings.weak_threshold,
            bonus: settings.country_match_bonus,
            penalty: settings.country_mismatch_penalty,
        }
    }

    /// Whether a listed name is screened at all (its list is enabled, and it is not a
    /// vessel or aircraft unless those are screened).
    fn screens(&self, name: &table::IndexedName) -> bool {
        self.lists[name.list as usize]
            && (self.vessels_and_aircraft
                || !matches!(name.kind, EntryKind::Vessel | EntryKind::Aircraft))
    }

    /// Every entry the party matches with a score of at least the weak threshold, best
    /// first, one match per entry (through whichever of the party's names scores best).
    pub fn screen(&self, party: &Party) -> Vec<PartyMatch> {
        self.screen_with(party, &mut Searcher::default())
    }

    /// [`Screener::screen`] with a searcher whose buffers serve every party of a
    /// shipment.
    pub fn screen_with(&self, party: &Party, searcher: &mut Searcher) -> Vec<PartyMatch> {
        // A name can gain at most the country bonus, so names below this never reach
        // the weak threshold.
        let floor = self.weak - self.bonus;
        let mut best: Vec<(u32, u32, usize, f64, bool)> = Vec::new();
        // The normalised words of the names searched so far: an alias that normalises
        // to a name already searched (`Euro Trading` beside `Euro Trading Ltd`) finds
        // the same matches with the same scores, which keep the earlier name.
        let mut searched: Vec<Query> = Vec::new();
        let names = std::iter::once(party.name()).chain(party.aliases());
        for (party_name, text) in names.enumerate() {
            let readings = Query::readings(text);
            let Some(plain) = readings.first() else {
                continue;
            };
            if searched.iter().any(|q| q.words().eq(plain.words())) {
                continue;
            }
            for query in &readings {
                for s in searcher.search(query, floor, |n| self.screens(n)) {
                    let found = (s.entry, s.variant, party_name, s.score, s.same_name);
                    match best.iter_mut().find(|b| b.0 == s.entry) {
                        Some(b) if (b.4, b.3) >= (s.same_name, s.score) => {}
                        Some(b) => *b = found,
                        None => best.push(found),
                    }
                }
            }
            searched.extend(readings.into_iter().next());
        }
        let mut matches: Vec<PartyMatch> = best
            .into_iter()
            .filter_map(|(index, variant, party_name, name_score, same_name)| {
                let entry = table::entry(index)?;
                let (country, score) = self.adjust(name_score, party.country(), &entry.countries);
                (score >= self.weak).then_some(PartyMatch {
                    entry,
                    variant,
                    party_name,
                    name_score,
                    same_name,
                    country,
                    score,
                })
            })
            .collect();
        matches.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.entry.index.cmp(&b.entry.index))
        });
        matches
    }

    /// The score after the country adjustment, capped to 0–1.
    pub fn adjust(
        &self,
        name_score: f64,
        party: Country,
        listed: &[Country],
    ) -> (CountryEffect, f64) {
        let (effect, delta) = if listed.is_empty() {
            (CountryEffect::Unknown, 0.0)
        } else if listed.contains(&party) {
            (CountryEffect::Listed, self.bonus)
        } else {
            (CountryEffect::NotListed, -self.penalty)
        };
        (effect, (name_score + delta).clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use exportctl_sdk::PartyWire;

    fn party(name: &str, country: &str, aliases: &[&str]) -> PartyWire {
        PartyWire::new(
            name,
            Country::parse(country).unwrap(),
            None,
            aliases.iter().copied(),
        )
        .unwrap()
    }

    fn screener() -> Screener {
        Screener::new(&Settings::default())
    }

    #[test]
    fn the_country_raises_lowers_or_leaves_the_score() {
        let s = screener();
        let kz = Country::KZ;
        assert_eq!(s.adjust(0.9, kz, &[kz]), (CountryEffect::Listed, 0.93));
        let (effect, score) = s.adjust(0.9, kz, &[Country::RU]);
        assert_eq!(effect, CountryEffect::NotListed);
        assert!((score - 0.8).abs() < 1e-9);
        assert_eq!(s.adjust(0.9, kz, &[]), (CountryEffect::Unknown, 0.9));
        assert_eq!(s.adjust(0.99, kz, &[kz]).1, 1.0);
    }

    #[test]
    fn inter_trade_electro_in_kazakhstan_matches_all_four_uvl_entries() {
        let m = screener().screen(&party("TOO Inter-Trade Electro", "KZ", &[]).party());
        let uvl: Vec<&PartyMatch> = m
            .iter()
            .filter(|m| m.entry.list == List::Unverified)
            .collect();
        assert_eq!(uvl.len(), 4, "{m:#?}");
        assert!(
            uvl.iter()
                .all(|m| m.country == CountryEffect::Listed && m.score >= 0.95)
        );
    }

    #[test]
    fn the_same_name_elsewhere_is_only_a_possible_match() {
        let m = screener().screen(&party("Inter-Trade Electro LLP", "DE", &[]).party());
        let best = &m[0];
        assert_eq!(best.country, CountryEffect::NotListed);
        assert!(best.score < crate::settings::DEFAULT_STRONG, "{best:#?}");
        assert!(best.score >= crate::settings::DEFAULT_WEAK, "{best:#?}");
    }

    #[test]
    fn an_alias_is_screened_like_the_name() {
        let m = screener()
            .screen(&party("Steppe Electric Supplies", "KZ", &["Inter Treid Elektro"]).party());
        assert!(!m.is_empty());
        assert!(m.iter().all(|m| m.party_name == 1), "{m:#?}");
    }

    #[test]
    fn disabled_lists_and_vessels_are_not_screened() {
        let settings = Settings {
            lists: vec!["SDN".into()],
            ..Settings::default()
        };
        let m = Screener::new(&settings).screen(&party("Inter-Trade Electro", "KZ", &[]).party());
        assert!(m.is_empty(), "{m:#?}");
    }

    #[test]
    fn a_clean_name_matches_nothing() {
        assert!(
            screener()
                .screen(&party("Rhein Elektronik GmbH", "DE", &[]).party())
                .is_empty()
        );
    }
}
