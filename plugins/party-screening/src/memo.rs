//! Screening results remembered within one instance. In a reused sandbox the same
//! parties come back shipment after shipment (the exporter itself, its regular
//! customers, forwarders and banks), and screening a party is a function of its
//! name, aliases and country alone under the instance's fixed settings, so a party
//! seen before gets its earlier matches instead of a second search. A fresh
//! sandbox starts empty, so nothing changes there; the findings are the same
//! either way (the evaluate benchmark checks fresh and reused verdicts agree on
//! 10,000 shipments, and the tests below compare with an instance that forgets).

use crate::matcher::Searcher;
use crate::screen::{PartyMatch, Screener};
use exportctl_sdk::Party;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Parties remembered at most; past it the memo starts over, so memory stays
/// bounded however many distinct parties an instance sees.
pub const CAPACITY: usize = 4096;

/// What identifies a screening: the party's name, its aliases in order, its country.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    name: String,
    aliases: Vec<String>,
    country: [u8; 2],
}

impl Key {
    fn of(party: &Party<'_>) -> Key {
        let country = party.country();
        let code = country.as_str().as_bytes();
        Key {
            name: party.name().to_owned(),
            aliases: party.aliases().map(str::to_owned).collect(),
            country: [
                code.first().copied().unwrap_or(0),
                code.get(1).copied().unwrap_or(0),
            ],
        }
    }
}

/// The matches of the parties an instance has screened.
#[derive(Debug, Clone, Default)]
pub struct Memo {
    // A sorted map: no hashing, so nothing depends on a random seed in the sandbox.
    seen: RefCell<BTreeMap<Key, Vec<PartyMatch>>>,
}

impl Memo {
    /// The party's matches: remembered, or screened now and remembered.
    pub fn screen(
        &self,
        screener: &Screener,
        party: &Party<'_>,
        searcher: &mut Searcher,
    ) -> Vec<PartyMatch> {
        let key = Key::of(party);
        if let Some(matches) = self.seen.borrow().get(&key) {
            return matches.clone();
        }
        let matches = screener.screen_with(party, searcher);
        let mut seen = self.seen.borrow_mut();
        if seen.len() >= CAPACITY {
            seen.clear();
        }
        seen.insert(key, matches.clone());
        matches
    }

    /// How many parties are remembered.
    pub fn len(&self) -> usize {
        self.seen.borrow().len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use exportctl_sdk::{Country, PartyWire};

    const DE: Country = Country::from_bytes(*b"DE");

    fn party(name: &str, country: Country, aliases: &[&str]) -> PartyWire {
        PartyWire::new(name, country, None, aliases.iter().copied()).unwrap()
    }

    /// The fields a finding is built from, comparable.
    fn shown(matches: &[PartyMatch]) -> Vec<(u32, u32, usize, u64, bool, u64)> {
        matches
            .iter()
            .map(|m| {
                (
                    m.entry.index,
                    m.variant,
                    m.party_name,
                    m.name_score.to_bits(),
                    m.same_name,
                    m.score.to_bits(),
                )
            })
            .collect()
    }

    #[test]
    fn a_remembered_party_gets_exactly_what_screening_it_again_gives() {
        let screener = Screener::new(&Settings::default());
        let memo = Memo::default();
        let mut searcher = Searcher::default();
        let parties = [
            party("TOO Inter-Trade Electro", Country::KZ, &[]),
            party("Inter-Trade Electro LLP", DE, &[]),
            party("TOO Inter-Trade Electro", DE, &[]),
            party(
                "Steppe Electric Supplies",
                Country::KZ,
                &["Inter Treid Elektro"],
            ),
            party("Steppe Electric Supplies", Country::KZ, &[]),
            party("Rhein Maschinenbau GmbH", DE, &[]),
        ];
        for round in 0..3 {
            for p in &parties {
                let remembered = memo.screen(&screener, &p.party(), &mut searcher);
                let fresh = screener.screen(&p.party());
                assert_eq!(shown(&remembered), shown(&fresh), "round {round}");
            }
        }
        // The same name under another country or with other aliases is another party.
        assert_eq!(memo.len(), parties.len());
        assert!(!shown(&memo.screen(&screener, &parties[0].party(), &mut searcher)).is_empty());
    }

    #[test]
    fn the_memo_starts_over_when_full() {
        let screener = Screener::new(&Settings::default());
        let memo = Memo::default();
        let mut searcher = Searcher::default();
        for i in 0..=CAPACITY {
            let p = party(&format!("Party {i}"), DE, &[]);
            memo.screen(&screener, &p.party(), &mut searcher);
        }
        assert_eq!(memo.len(), 1);
    }
}
