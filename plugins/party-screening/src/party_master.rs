//! Screening a business partner from the ERP's party master on its own, with no
//! shipment: what `exportctl rescreen` asks when a list edition changes.
//!
//! Without a shipment nothing is known of the goods or of US links, so each match
//! carries the list's own consequence (a strong match) or `review` (a possible
//! match), and its message says what a shipment would add: who the list binds
//! ([`crate::reach`]) and, for the ITAR debarred list, whether the goods are
//! defence articles. The law date still counts: before the CSL edition a CSL
//! match is at most review, and a UN entry listed after it is at most review, as
//! in [`crate::findings`].

use crate::findings::{clip, describe, un_regime};
use crate::lists::{List, POSSIBLE_MATCH, StrongOutcome};
use crate::screen::PartyMatch;
use crate::settings::Settings;
use exportctl_sdk::{Date, ListMatch, MAX_MESSAGE_BYTES, Outcome, Party};

/// One [`ListMatch`] per matched entry, best first.
pub fn list_matches(
    party: &Party<'_>,
    matches: &[PartyMatch],
    settings: &Settings,
    date: Date,
) -> Vec<ListMatch> {
    matches
        .iter()
        .map(|m| list_match(party, m, settings, date))
        .collect()
}

fn list_match(party: &Party<'_>, m: &PartyMatch, settings: &Settings, date: Date) -> ListMatch {
    let list = m.entry.list;
    let strong = m.same_name && m.score >= settings.strong_threshold;
    let (mut outcome, mut note) = if strong {
        strong_outcome(m, settings)
    } else {
        (Outcome::Review, String::new())
    };
    if let Some(why) = listed_after(m, date) {
        if outcome > Outcome::Review {
            outcome = Outcome::Review;
        }
        note.push_str(&why);
    }
    let verb = if strong {
        "matches"
    } else {
        "possibly matches"
    };
    let mut message = format!(
        "`{}` ({}) {verb} {}: {}.",
        party.name(),
        party.country(),
        describe(m),
        list.effect()
    );
    if !strong {
        message.push_str(&format!(
            " Below the strong-match threshold {:.3} or not the same name: a person must decide whether \
             this is the listed party.",
            settings.strong_threshold
        ));
    }
    message.push_str(&note);
    message.push_str(
        " Screened without a shipment: whether the list's law reaches a trade with this party depends on \
         the shipment (US links for the US lists; the UN list binds every exporter).",
    );
    let rule = if strong { list.rule() } else { POSSIBLE_MATCH };
    let legal_basis = if strong {
        format!("{}; {}", rule.legal_basis, list.edition())
    } else {
        format!(
            "{}; {}; {}",
            POSSIBLE_MATCH.legal_basis,
            list.rule().legal_basis,
            list.edition()
        )
    };
    ListMatch {
        finding: rule
            .finding(outcome, clip(message, MAX_MESSAGE_BYTES))
            .legal_basis(legal_basis),
        list: list.label(),
        edition: list.edition(),
        entry: entry_key(m),
        listed_name: m.listed_name().to_owned(),
        score: m.score,
    }
}

/// The list's consequence for a strong match without a shipment, and what the
/// message adds about it.
fn strong_outcome(m: &PartyMatch, settings: &Settings) -> (Outcome, String) {
    let list = m.entry.list;
    if let Some(o) = settings.list_outcomes.get(list.code()) {
        return ((*o).into(), String::new());
    }
    match list.default_outcome() {
        StrongOutcome::Fixed(o) => (o, String::new()),
        StrongOutcome::DenyForDefenceArticles => (
            Outcome::Review,
            " Deny for a shipment of defence articles; without a shipment the goods are not known, so review."
                .to_owned(),
        ),
        StrongOutcome::DenyUnderAssetFreeze => match un_regime(m) {
            Some(regime) if !regime.asset_freeze => (
                Outcome::Review,
                format!(" {}: no asset freeze, so review.", regime.name),
            ),
            _ => (Outcome::Deny, String::new()),
        },
    }
}

/// Why the entry was not (known to be) listed on `date`, if so.
fn listed_after(m: &PartyMatch, date: Date) -> Option<String> {
    match m.entry.list {
        List::Un => {
            let listed = m.entry.federal_register.and_then(Date::parse)?;
            (date < listed).then(|| {
                format!(" Listed by the UN on {listed}, after the law date {date}: at most review.")
            })
        }
        _ => (date < crate::LIST_DATE).then(|| {
            format!(
                " Listed in the edition of {}; whether it was listed on {date} is not in the data: at most \
                 review.",
                crate::LIST_DATE
            )
        }),
    }
}

/// The entry's key across editions: its list code and entry number where the list
/// gives one, else its list code, primary name and address countries (CSL record
/// positions change from one edition to the next, and a list may name two
/// entries alike, e.g. one company at two addresses).
pub fn entry_key(m: &PartyMatch) -> String {
    let e = &m.entry;
    match e.entity_number {
        Some(n) => format!("{}:{n}", e.list.code()),
        None if e.countries.is_empty() => format!("{}:{}", e.list.code(), e.primary_name()),
        None => {
            let countries: Vec<&str> = e.countries.iter().map(|c| c.as_str()).collect();
            format!(
                "{}:{} ({})",
                e.list.code(),
                e.primary_name(),
                countries.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::Screener;
    use exportctl_sdk::{Country, PartyWire};

    fn party(name: &str, country: &str) -> PartyWire {
        PartyWire::new(name, Country::parse(country).unwrap(), None, []).unwrap()
    }

    fn screen(name: &str, country: &str, date: Date) -> Vec<ListMatch> {
        let settings = Settings::default();
        let wire = party(name, country);
        let p = wire.party();
        let matches = Screener::new(&settings).screen(&p);
        list_matches(&p, &matches, &settings, date)
    }

    #[test]
    fn a_strong_entity_list_match_carries_its_list_edition_entry_and_score() {
        let m = screen("TOO Inter-Trade Electro", "KZ", Date::ymd(2026, 9, 1));
        assert!(!m.is_empty());
        let best = &m[0];
        assert!(best.score >= 0.95, "{best:#?}");
        assert!(best.edition.contains("2026-07-31"), "{}", best.edition);
        assert!(
            best.entry.starts_with("UVL:") || best.entry.contains(':'),
            "{}",
            best.entry
        );
        assert!(
            best.finding
                .message()
                .contains("Screened without a shipment")
        );
        assert!(best.finding.get_legal_basis().contains(&best.edition));
    }

    #[test]
    fn before_the_list_edition_a_match_is_at_most_review() {
        let later = screen("TOO Inter-Trade Electro", "KZ", Date::ymd(2026, 9, 1));
        let earlier = screen("TOO Inter-Trade Electro", "KZ", Date::ymd(2025, 1, 1));
        assert_eq!(later.len(), earlier.len());
        assert!(
            earlier
                .iter()
                .all(|m| m.finding.outcome() <= Outcome::Review)
        );
        assert!(earlier[0].finding.message().contains("at most review"));
    }

    #[test]
    fn a_possible_match_is_review_under_its_own_rule() {
        let m = screen("Inter-Trade Electro LLP", "DE", Date::ymd(2026, 9, 1));
        assert_eq!(m[0].finding.outcome(), Outcome::Review);
        assert_eq!(m[0].finding.rule(), POSSIBLE_MATCH.id);
        assert!(m[0].finding.message().contains("possibly matches"));
    }

    #[test]
    fn a_clean_name_matches_nothing() {
        assert!(screen("Rhein Elektronik GmbH", "DE", Date::ymd(2026, 9, 1)).is_empty());
    }
}
