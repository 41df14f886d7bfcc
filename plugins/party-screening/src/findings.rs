//! Turning a party's matches into findings: one per party and list for strong matches
//! (the list's outcome and rule), one per party for possible matches (`review`).
//!
//! Each finding says whether the list binds this exporter ([`reach`]): a US list the
//! shipment has no US link to gives a risk finding, at most review; the UN list binds
//! every exporter. And each says what the law date means for the listing: before the
//! CSL edition a CSL match is at most review (listing dates are not in the data); a UN
//! entry listed after the law date is at most review.

use crate::lists::{self, List, POSSIBLE_MATCH, StrongOutcome};
use crate::reach::{self, Authority};
use crate::screen::{CountryEffect, PartyMatch};
use crate::settings::Settings;
use crate::{table, un_regimes};
use exportctl_sdk::{Date, Finding, FindingSubject, Outcome, PartyRef, Shipment};
use std::fmt::Write as _;

/// Most other matches named in one finding besides the best one.
const MAX_ALSO: usize = 3;
/// Longest quoted text from the list (names, licence requirements), in characters.
const MAX_QUOTE: usize = 300;
// The host's limits on a finding, as the SDK states them.
use exportctl_sdk::{MAX_LEGAL_BASIS_BYTES, MAX_MESSAGE_BYTES};

/// What a strong match on `list` leads to for this shipment under these settings,
/// before who the list binds and the law date are taken into account ([`for_party`]).
/// A UN match counts as under an asset freeze here; [`entry_outcome`] looks at the
/// entry's regime.
pub fn strong_outcome(list: List, settings: &Settings, shipment: &Shipment) -> Outcome {
    if let Some(o) = settings.list_outcomes.get(list.code()) {
        return (*o).into();
    }
    match list.default_outcome() {
        StrongOutcome::Fixed(o) => o,
        StrongOutcome::DenyForDefenceArticles => {
            if shipment.lines().any(|l| l.is_military()) {
                Outcome::Deny
            } else {
                Outcome::Review
            }
        }
        StrongOutcome::DenyUnderAssetFreeze => Outcome::Deny,
    }
}

/// [`strong_outcome`] for one matched entry: a UN entry of a regime without an asset
/// freeze (a travel ban only) is review unless the settings fix the UN outcome.
pub fn entry_outcome(m: &PartyMatch, settings: &Settings, shipment: &Shipment) -> Outcome {
    let list = m.entry.list;
    let outcome = strong_outcome(list, settings, shipment);
    if list == List::Un
        && !settings.list_outcomes.contains_key(list.code())
        && un_regime(m).is_some_and(|r| !r.asset_freeze)
    {
        return outcome.min(Outcome::Review);
    }
    outcome
}

/// The UN regime of a UN entry.
pub(crate) fn un_regime(m: &PartyMatch) -> Option<&'static un_regimes::Regime> {
    (m.entry.list == List::Un)
        .then_some(m.entry.programmes)
        .flatten()
        .and_then(un_regimes::regime)
}

/// The outcome and message of a match once who the list binds ([`reach`]) and the law
/// date are known: a US list the shipment has no link to, or a listing the law date
/// precedes, gives at most review.
struct Bound {
    outcome: Outcome,
    /// Sentences for the message: who the list binds, and the date.
    note: String,
    /// Whether the list binds this exporter for this shipment.
    binding: bool,
}

fn bind(list_outcome: Outcome, m: &PartyMatch, settings: &Settings, shipment: &Shipment) -> Bound {
    let authority = m.entry.list.authority();
    let links = reach::us_links(authority, shipment);
    let binding = authority == Authority::UnSecurityCouncil || !links.is_empty();
    let mut outcome = list_outcome;
    let mut note = format!(" {}", reach::statement(authority, &links, shipment));
    if !binding {
        if settings.apply_us_lists_without_us_nexus {
            note.push_str(
                " The company applies the US lists as its own policy (setting \
                 `apply_us_lists_without_us_nexus`), so the list's outcome stands.",
            );
        } else if outcome > Outcome::Review {
            let _ = write!(
                note,
                " Outcome review instead of {outcome}: the list's own consequence binds only where US law \
                 reaches the shipment."
            );
            outcome = Outcome::Review;
        }
    }
    let as_of = shipment.as_of();
    match m.entry.list {
        List::Un => {
            if let Some(listed) = m.entry.federal_register.and_then(Date::parse) {
                if as_of < listed {
                    if outcome > Outcome::Review {
                        outcome = Outcome::Review;
                    }
                    let _ = write!(
                        note,
                        " Listed by the UN on {listed}, after the law date {as_of}: not listed then, so at most \
                         review."
                    );
                } else {
                    let _ = write!(
                        note,
                        " Listed by the UN on {listed}, before the law date {as_of}, and still listed on {}.",
                        table::UN_GENERATED_ON
                    );
                }
            }
        }
        _ if as_of < crate::LIST_DATE => {
            if outcome > Outcome::Review {
                outcome = Outcome::Review;
            }
            let _ = write!(
                note,
                " Listed in the edition of {}; whether it was listed on the law date {as_of} is not in the \
                 data, so this match is at most review.",
                crate::LIST_DATE
            );
        }
        _ => {}
    }
    Bound {
        outcome,
        note,
        binding,
    }
}

/// The findings for one party's matches (best first, all at least weak). A match is
/// strong when its score reaches the strong threshold and the names can be the same
/// name ([`PartyMatch::same_name`]); every other match is a possible match.
pub fn for_party(
    party: PartyRef<'_>,
    matches: &[PartyMatch],
    settings: &Settings,
    shipment: &Shipment,
) -> Vec<Finding> {
    // Most parties match nothing: no list to go through.
    if matches.is_empty() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    let (strong, weak): (Vec<&PartyMatch>, Vec<&PartyMatch>) = matches
        .iter()
        .partition(|m| m.same_name && m.score >= settings.strong_threshold);
    for list in List::ALL {
        let on_list: Vec<&PartyMatch> = strong
            .iter()
            .copied()
            .filter(|m| m.entry.list == list)
            .collect();
        let Some((best, others)) = on_list.split_first() else {
            continue;
        };
        let bound = bind(
            entry_outcome(best, settings, shipment),
            best,
            settings,
            shipment,
        );
        let mut message = format!(
            "{} {} matches {}: {}.",
            party.path,
            party_names(party, best),
            describe(best),
            list.effect()
        );
        let by_default = !settings.list_outcomes.contains_key(list.code());
        message.push_str(&list_details(best, by_default, shipment));
        message.push_str(&bound.note);
        also(&mut message, others);
        let rule = list.rule();
        findings.push(with_subject(
            rule.finding(bound.outcome, clip(message, MAX_MESSAGE_BYTES))
                .party(party.path)
                .legal_basis(legal_basis(rule.legal_basis, best, bound.binding)),
            party,
            best,
            others,
        ));
    }
    if let Some((best, others)) = weak.split_first() {
        let strong_would_be = entry_outcome(best, settings, shipment);
        let bound = bind(strong_would_be, best, settings, shipment);
        let why = if best.score >= settings.strong_threshold {
            format!(
                "its score reaches the strong-match threshold {:.3}, but not every distinctive word of \
                 the shorter name is a word of the other (a word that only begins or ends like a listed \
                 word is another word), so it is not the same name",
                settings.strong_threshold
            )
        } else {
            format!(
                "below the strong-match threshold {:.3}",
                settings.strong_threshold
            )
        };
        let mut message = format!(
            "{} {} possibly matches {}: {why}, so a person must decide whether this is the listed party \
             (as a strong match: {}; {}).",
            party.path,
            party_names(party, best),
            describe(best),
            bound.outcome,
            best.entry.list.effect()
        );
        message.push_str(&list_details(best, true, shipment));
        message.push_str(&bound.note);
        also(&mut message, others);
        findings.push(with_subject(
            POSSIBLE_MATCH
                .review(clip(message, MAX_MESSAGE_BYTES))
                .party(party.path)
                .legal_basis(legal_basis(
                    &format!(
                        "{}; {}",
                        POSSIBLE_MATCH.legal_basis,
                        best.entry.list.rule().legal_basis
                    ),
                    best,
                    bound.binding,
                )),
            party,
            best,
            others,
        ));
    }
    findings
}

/// `finding` with its subject — the party and the matched entry, with the
/// entry's key and fingerprint — when every match it names is of that one entry.
/// A finding that also names other entries has none: exempting one entry must
/// never silence another entry's match.
fn with_subject(
    finding: Finding,
    party: PartyRef<'_>,
    best: &PartyMatch,
    others: &[&PartyMatch],
) -> Finding {
    if others.iter().any(|m| m.entry.index != best.entry.index) {
        return finding;
    }
    let list = best.entry.list;
    finding.subject(FindingSubject::new(
        party.path,
        list.label(),
        list.edition(),
        crate::party_master::entry_key(best),
        crate::fingerprint::of(&best.entry),
    ))
}

/// `` `Name` (KZ) `` or `` `Name` (KZ), alias `Alias` `` for the party name that matched.
fn party_names(party: PartyRef<'_>, m: &PartyMatch) -> String {
    let p = party.party;
    match m.party_name.checked_sub(1).and_then(|i| p.aliases().get(i)) {
        Some(alias) => format!(
            "`{}` ({}), alias `{}`,",
            quote(p.name()),
            p.country(),
            quote(alias)
        ),
        None => format!("`{}` ({})", quote(p.name()), p.country()),
    }
}

/// The matched entry: name, list, source list, entry number, countries and score.
pub(crate) fn describe(m: &PartyMatch) -> String {
    let e = &m.entry;
    let mut s = format!("`{}`", quote(m.listed_name()));
    if m.variant > 0 {
        let _ = write!(s, " (alternative name of `{}`)", quote(e.primary_name()));
    }
    let _ = write!(s, " on the {} [{}]", e.list.source_name(), e.list.code());
    match e.entity_number {
        Some(n) => {
            let _ = write!(s, ", entry {n}");
        }
        None => {
            let _ = write!(s, ", CSL record {}", e.index + 1);
        }
    }
    if !e.countries.is_empty() {
        let countries: Vec<&str> = e.countries.iter().map(|c| c.as_str()).collect();
        let _ = write!(s, ", address countries {}", countries.join(", "));
    }
    let delta = m.score - m.name_score;
    let country = match m.country {
        CountryEffect::Listed => format!("{delta:+.3}: the party's country is an address country"),
        CountryEffect::NotListed => {
            format!("{delta:+.3}: the party's country is not among the address countries")
        }
        CountryEffect::Unknown => "no address country to compare".to_owned(),
    };
    let _ = write!(
        s,
        "; score {:.3} (name {:.3}, {country})",
        m.score, m.name_score
    );
    s
}

/// What the entry adds for its list: the Entity List's licence terms, SDN programmes
/// and 744.8, the reason for the DTC outcome (when it is the default one), the Federal
/// Register notice.
fn list_details(m: &PartyMatch, by_default: bool, shipment: &Shipment) -> String {
    let e = &m.entry;
    let mut s = String::new();
    if let Some(r) = e.licence_requirement {
        let _ = write!(s, " Licence requirement: {}", quote(r));
    }
    if let Some(p) = e.licence_policy {
        let _ = write!(s, " Licence policy: {}", quote(p));
    }
    if let Some(regime) = un_regime(m) {
        let _ = write!(
            s,
            " Regime: {} ({}): {}.",
            regime.name, regime.resolutions, regime.measures
        );
        if !regime.asset_freeze {
            s.push_str(
                " No asset freeze, so trade with the person is not itself prohibited: review.",
            );
        }
    } else if let Some(p) = e.programmes {
        let _ = write!(s, " Programmes: {}.", quote(p));
        if e.list == List::Sdn && lists::under_744_8(p) {
            let _ = write!(s, " The EAR also require a licence: {}.", lists::SDN_744_8);
        }
    }
    if e.list == List::ItarDebarred && by_default {
        let military: Vec<String> = shipment
            .lines()
            .iter()
            .filter(|l| l.is_military())
            .map(|l| l.number().to_string())
            .collect();
        if military.is_empty() {
            s.push_str(" No line is a military item, so the ITAR debarment calls for review rather than denial.");
        } else {
            let _ = write!(s, " Military item lines: {}.", military.join(", "));
        }
    }
    if let Some(fr) = e.federal_register.filter(|_| e.list != List::Un) {
        let _ = write!(s, " Federal Register: {}.", quote(fr));
    }
    s
}

/// Appends the other matched entries, at most [`MAX_ALSO`].
fn also(message: &mut String, others: &[&PartyMatch]) {
    if others.is_empty() {
        return;
    }
    let named: Vec<String> = others
        .iter()
        .take(MAX_ALSO)
        .map(|m| {
            format!(
                "`{}` [{}{}] {:.3}",
                quote(m.listed_name()),
                m.entry.list.code(),
                m.entry
                    .entity_number
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default(),
                m.score
            )
        })
        .collect();
    let _ = write!(message, " Also matches: {}", named.join("; "));
    if others.len() > MAX_ALSO {
        let _ = write!(message, " and {} more", others.len() - MAX_ALSO);
    }
    message.push('.');
}

/// The rule's legal basis with the list edition and the entry's Federal Register
/// notice or UN regime; for a US list that does not bind this exporter, saying so
/// first.
fn legal_basis(basis: &str, m: &PartyMatch, binding: bool) -> String {
    let mut s = String::new();
    if !binding {
        s.push_str(
            "risk finding, not binding on this exporter (no US nexus: 15 CFR 734.3-734.4, 31 CFR chapter V \
             US-person jurisdiction); ",
        );
    }
    let _ = write!(s, "{basis}; {}", m.entry.list.edition());
    if let Some(regime) = un_regime(m) {
        let _ = write!(s, "; {}: {}", regime.name, regime.resolutions);
        if let Some(listed) = m.entry.federal_register {
            let _ = write!(s, "; listed on {listed}");
        }
    } else if let Some(fr) = m.entry.federal_register {
        let _ = write!(s, "; listed by {}", quote(fr));
    }
    clip(s, MAX_LEGAL_BASIS_BYTES)
}

/// List text, cut to [`MAX_QUOTE`] characters and without backticks.
fn quote(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| if c == '`' { '\'' } else { c })
        .take(MAX_QUOTE)
        .collect();
    if text.chars().count() > MAX_QUOTE {
        s.push('…');
    }
    s
}

/// Cuts `text` to at most `max` bytes on a character boundary.
pub(crate) fn clip(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max.saturating_sub('…'.len_utf8());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::Screener;
    use exportctl_sdk::{PartyPath, Policy};

    /// A German exporter's shipment of a US-origin line (so the US lists bind).
    fn shipment(consignee: &str, country: &str, control_code: Option<&str>) -> Shipment<'static> {
        let mut line = serde_json::json!({ "line": 1, "description": "goods", "hs_code": "8413.30",
            "origin_country": "US", "quantity": 1, "value": { "amount": "10.00", "currency": "EUR" } });
        if let Some(code) = control_code {
            line["control_codes"] = serde_json::json!([code]);
        }
        shipment_from(
            serde_json::json!({ "name": "Rhein Elektronik GmbH", "country": "DE" }),
            consignee,
            country,
            "2026-09-01",
            line,
        )
    }

    /// An exporter's shipment of its own goods, in euros, on `date`.
    fn own_goods(exporter: &str, consignee: &str, country: &str, date: &str) -> Shipment<'static> {
        let line = serde_json::json!({ "line": 1, "description": "wheat", "hs_code": "1001.99",
            "quantity": 1, "value": { "amount": "10.00", "currency": "EUR" } });
        let doc = shipment_from(
            serde_json::json!({ "name": "Steppe Grain", "country": exporter }),
            consignee,
            country,
            date,
            line,
        );
        assert_eq!(doc.origin_country().as_str(), exporter);
        doc
    }

    fn shipment_from(
        exporter: serde_json::Value,
        consignee: &str,
        country: &str,
        date: &str,
        line: serde_json::Value,
    ) -> Shipment<'static> {
        let origin = exporter["country"].clone();
        let doc = serde_json::json!({
            "id": "T-1", "date": date, "exporter": exporter,
            "consignee": { "name": consignee, "country": country },
            "origin_country": origin, "destination_country": country, "lines": [line]
        });
        Shipment::from_json(&doc.to_string()).unwrap()
    }

    fn rule<'a>(f: &'a [Finding], id: &str) -> &'a Finding {
        f.iter()
            .find(|f| f.rule() == id)
            .unwrap_or_else(|| panic!("no {id} in {f:#?}"))
    }

    #[test]
    fn a_us_list_without_a_us_link_is_a_risk_finding_at_most_review() {
        // A German exporter of German goods, paid in euros: OFAC does not bind it.
        let s = own_goods("DE", "Rosoboronexport", "RU", "2026-09-01");
        let f = findings(&Settings::default(), &s);
        let sdn = rule(&f, "csl-sdn");
        assert_eq!(sdn.outcome(), Outcome::Review);
        for part in [
            "US law does not reach this shipment",
            "does not bind the exporter directly",
            "risk finding",
            "Outcome review instead of deny",
        ] {
            assert!(sdn.message().contains(part), "{part}: {}", sdn.message());
        }
        assert!(
            sdn.get_legal_basis()
                .starts_with("risk finding, not binding"),
            "{}",
            sdn.get_legal_basis()
        );
        // A company applying the US lists as its own policy keeps the list's outcome.
        let strict = Settings {
            apply_us_lists_without_us_nexus: true,
            ..Settings::default()
        };
        let f = findings(&strict, &s);
        assert_eq!(rule(&f, "csl-sdn").outcome(), Outcome::Deny);
    }

    #[test]
    fn a_us_link_makes_the_us_list_bind() {
        let f = findings(
            &Settings::default(),
            &shipment("Rosoboronexport", "RU", None),
        );
        let sdn = rule(&f, "csl-sdn");
        assert_eq!(sdn.outcome(), Outcome::Deny);
        assert!(
            sdn.message()
                .contains("US law reaches this shipment: line 1 is of US origin"),
            "{}",
            sdn.message()
        );
        assert!(
            sdn.get_legal_basis().starts_with(lists::SDN.legal_basis),
            "{}",
            sdn.get_legal_basis()
        );
        // A US exporter, or a price in dollars for the OFAC list.
        let us = own_goods("US", "Rosoboronexport", "RU", "2026-09-01");
        assert_eq!(
            rule(&findings(&Settings::default(), &us), "csl-sdn").outcome(),
            Outcome::Deny
        );
    }

    #[test]
    fn a_un_match_binds_a_kazakh_exporter_and_denies_under_an_asset_freeze() {
        let s = own_goods(
            "KZ",
            "Korea Mining Development Trading Corporation",
            "KP",
            "2026-09-01",
        );
        let f = findings(&Settings::default(), &s);
        let un = rule(&f, "un-security-council");
        assert_eq!(un.outcome(), Outcome::Deny);
        for part in [
            "KPe.001",
            "Democratic People's Republic of Korea sanctions",
            "1718 (2006)",
            "asset freeze",
            "bind every UN member state, KZ included",
            "Listed by the UN on 2009-04-24",
        ] {
            assert!(un.message().contains(part), "{part}: {}", un.message());
        }
        assert!(
            un.get_legal_basis().starts_with(lists::UN.legal_basis),
            "{}",
            un.get_legal_basis()
        );
        assert!(
            un.get_legal_basis()
                .contains("UN Security Council Consolidated List generated 2026-02-27"),
            "{}",
            un.get_legal_basis()
        );
        // The same party's SDN entry does not bind a Kazakh exporter of Kazakh goods.
        if let Some(sdn) = f.iter().find(|f| f.rule() == "csl-sdn") {
            assert_eq!(sdn.outcome(), Outcome::Review, "{sdn:#?}");
        }
    }

    #[test]
    fn a_un_travel_ban_alone_is_review() {
        let s = own_goods("KZ", "Mamadu Ture", "GW", "2026-09-01");
        let un = findings(&Settings::default(), &s);
        let un = rule(&un, "un-security-council");
        assert_eq!(un.outcome(), Outcome::Review);
        assert!(un.message().contains("travel ban only"), "{}", un.message());
    }

    #[test]
    fn a_un_listing_after_the_law_date_is_at_most_review() {
        // KHATIBA AL-TAWHID WAL-JIHAD, listed 7 Mar 2022.
        let before = own_goods("KZ", "Khatiba al-Tawhid wal-Jihad", "SY", "2022-03-06");
        let after = own_goods("KZ", "Khatiba al-Tawhid wal-Jihad", "SY", "2022-03-07");
        let f = findings(&Settings::default(), &before);
        let un = rule(&f, "un-security-council");
        assert_eq!(un.outcome(), Outcome::Review);
        assert!(
            un.message()
                .contains("Listed by the UN on 2022-03-07, after the law date 2022-03-06"),
            "{}",
            un.message()
        );
        let f = findings(&Settings::default(), &after);
        assert_eq!(rule(&f, "un-security-council").outcome(), Outcome::Deny);
    }

    #[test]
    fn a_csl_match_before_the_edition_is_at_most_review() {
        let s = shipment("Rosoboronexport", "RU", None)
            .with_as_of(exportctl_sdk::Date::ymd(2026, 7, 30));
        let f = findings(&Settings::default(), &s);
        let sdn = rule(&f, "csl-sdn");
        assert_eq!(sdn.outcome(), Outcome::Review);
        assert!(
            sdn.message()
                .contains("Listed in the edition of 2026-07-31"),
            "{}",
            sdn.message()
        );
        let s = s.with_as_of(crate::LIST_DATE);
        assert_eq!(
            rule(&findings(&Settings::default(), &s), "csl-sdn").outcome(),
            Outcome::Deny
        );
    }

    #[test]
    fn a_word_extending_a_listed_word_is_never_a_strong_match() {
        for (name, country) in [
            ("OOO Mikroelement", "RU"),
            ("OOO Sibavtoresursika", "RU"),
            ("Alfakomponentnova LLC", "RU"),
        ] {
            let s = shipment(name, country, None);
            let f = findings(&Settings::default(), &s);
            assert!(
                f.iter().all(|f| f.outcome() <= Outcome::Review),
                "{name}: {f:#?}"
            );
            // Not even with the thresholds lowered: the words are not the same.
            let loose = Settings {
                strong_threshold: 0.8,
                weak_threshold: 0.8,
                ..Settings::default()
            };
            let f = findings(&loose, &s);
            assert!(
                f.iter()
                    .all(|f| f.rule() == "csl-possible-match" || f.outcome() <= Outcome::Review),
                "{name}: {f:#?}"
            );
        }
    }

    #[test]
    fn the_listed_names_themselves_stay_strong_matches() {
        for (name, list) in [
            ("AO Mikroem", "csl-sdn"),
            ("Sibavtoresurs OOO", "csl-sdn"),
            ("PJSC Mikron", "csl-entity-list"),
        ] {
            let f = findings(&Settings::default(), &shipment(name, "RU", None));
            assert!(
                f.iter()
                    .any(|f| f.rule() == list && f.outcome() > Outcome::Review),
                "{name}: {f:#?}"
            );
        }
    }

    fn findings(settings: &Settings, s: &Shipment) -> Vec<Finding> {
        let matches = Screener::new(settings).screen(&s.consignee());
        let party = s.parties().nth(1).unwrap();
        assert_eq!(party.path, PartyPath::Consignee);
        for_party(party, &matches, settings, s)
    }

    #[test]
    fn strong_outcomes_follow_the_list_and_the_settings() {
        let s = shipment("X", "KZ", None);
        let d = Settings::default();
        assert_eq!(strong_outcome(List::DeniedPersons, &d, &s), Outcome::Deny);
        assert_eq!(strong_outcome(List::Sdn, &d, &s), Outcome::Deny);
        assert_eq!(
            strong_outcome(List::EntityList, &d, &s),
            Outcome::LicenceRequired
        );
        assert_eq!(
            strong_outcome(List::MilitaryEndUser, &d, &s),
            Outcome::LicenceRequired
        );
        assert_eq!(strong_outcome(List::Unverified, &d, &s), Outcome::Review);
        assert_eq!(strong_outcome(List::Capta, &d, &s), Outcome::Review);
        let strict: Settings =
            serde_json::from_str(r#"{"list_outcomes": {"UVL": "deny", "EL": "review"}}"#).unwrap();
        assert_eq!(strong_outcome(List::Unverified, &strict, &s), Outcome::Deny);
        assert_eq!(
            strong_outcome(List::EntityList, &strict, &s),
            Outcome::Review
        );
    }

    #[test]
    fn itar_debarment_denies_only_with_a_military_line() {
        let d = Settings::default();
        let civil = shipment("X", "US", None);
        let military = shipment("X", "US", Some("ML10"));
        let six_hundred = shipment("X", "US", Some("9A610.a"));
        assert_eq!(
            strong_outcome(List::ItarDebarred, &d, &civil),
            Outcome::Review
        );
        assert_eq!(
            strong_outcome(List::ItarDebarred, &d, &military),
            Outcome::Deny
        );
        assert_eq!(
            strong_outcome(List::ItarDebarred, &d, &six_hundred),
            Outcome::Deny
        );
    }

    #[test]
    fn a_strong_match_names_party_entry_list_country_and_score() {
        let s = shipment("TOO Inter-Treid Elektro", "KZ", None);
        let f = findings(&Settings::default(), &s);
        assert_eq!(f.len(), 1, "{f:#?}");
        let f = &f[0];
        assert_eq!(
            (f.rule(), f.outcome()),
            ("csl-unverified-list", Outcome::Review)
        );
        assert_eq!(f.get_parties(), ["consignee"]);
        for part in [
            "consignee `TOO Inter-Treid Elektro` (KZ) matches",
            "Unverified List (UVL) - Bureau of Industry and Security [UVL]",
            "CSL record",
            "address countries KZ",
            "score 1.000",
            "the party's country is an address country",
            "UVL statement",
            "Also matches: ",
        ] {
            assert!(f.message().contains(part), "{part}: {}", f.message());
        }
        assert!(
            f.get_legal_basis().starts_with(lists::UVL.legal_basis),
            "{}",
            f.get_legal_basis()
        );
        assert!(f.get_legal_basis().contains("generated 2026-07-31"));
    }

    #[test]
    fn a_finding_about_one_entry_carries_its_subject_and_one_about_several_none() {
        let s = shipment("Rosoboronexport", "RU", None);
        let f = findings(&Settings::default(), &s);
        let sdn = rule(&f, "csl-sdn");
        assert!(!sdn.message().contains("Also matches"), "{}", sdn.message());
        let subject = sdn.get_subject().expect("one entry: a subject");
        let matches = Screener::new(&Settings::default()).screen(&s.consignee());
        let best = matches.iter().find(|m| m.entry.list == List::Sdn).unwrap();
        assert_eq!(subject.party, "consignee");
        assert_eq!(subject.list, List::Sdn.label());
        assert!(subject.list.ends_with("[SDN]"), "{}", subject.list);
        assert_eq!(subject.edition, List::Sdn.edition());
        assert_eq!(subject.entry, crate::party_master::entry_key(best));
        assert!(subject.entry.starts_with("SDN:"), "{}", subject.entry);
        assert_eq!(subject.fingerprint, crate::fingerprint::of(&best.entry));
        assert_eq!(
            sdn.get_parties(),
            ["consignee"],
            "the subject's party, once"
        );

        // The same party again: the same key and fingerprint.
        let again = findings(&Settings::default(), &s);
        assert_eq!(rule(&again, "csl-sdn").get_subject(), Some(subject));

        let s = shipment("TOO Inter-Treid Elektro", "KZ", None);
        let f = findings(&Settings::default(), &s);
        assert!(
            f[0].message().contains("Also matches"),
            "{}",
            f[0].message()
        );
        assert_eq!(
            f[0].get_subject(),
            None,
            "several entries: no single subject"
        );
    }

    #[test]
    fn russian_sdns_cite_744_8() {
        let s = shipment("Rosoboronexport", "RU", None);
        let f = findings(&Settings::default(), &s);
        let sdn = f.iter().find(|f| f.rule() == "csl-sdn").unwrap();
        assert_eq!(sdn.outcome(), Outcome::Deny);
        assert!(sdn.message().contains("15 CFR 744.8"), "{}", sdn.message());
        assert!(
            sdn.message().contains("RUSSIA-EO14024"),
            "{}",
            sdn.message()
        );
    }

    #[test]
    fn entity_list_findings_quote_the_licence_terms() {
        let s = shipment("APEX Kazakhstan LLP", "KZ", None);
        let f = findings(&Settings::default(), &s);
        assert_eq!(f[0].outcome(), Outcome::LicenceRequired);
        assert!(
            f[0].message()
                .contains("Licence requirement: For all items subject to the EAR"),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].message().contains("Licence policy:"),
            "{}",
            f[0].message()
        );
    }

    #[test]
    fn weak_matches_make_one_review_finding_with_the_would_be_outcome() {
        let s = shipment("Blue Airways Ltd", "GB", None);
        let f = findings(&Settings::default(), &s);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            (f[0].rule(), f[0].outcome()),
            ("csl-possible-match", Outcome::Review)
        );
        assert!(
            f[0].message().contains("possibly matches `BLUE AIRWAYS`"),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].message()
                .contains("-0.100: the party's country is not among"),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].message().contains("as a strong match: deny"),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].get_legal_basis().contains("Supp. No. 3"),
            "{}",
            f[0].get_legal_basis()
        );
    }

    #[test]
    fn findings_stay_within_the_host_limits() {
        // A party matching many long entries: messages and legal bases are cut to size.
        let s = shipment("Ministry of Defence of the Republic of Belarus", "BY", None);
        for f in crate::PartyScreening::new(Settings::default())
            .unwrap()
            .evaluate(&s)
        {
            assert!(
                f.message().len() <= MAX_MESSAGE_BYTES,
                "{}",
                f.message().len()
            );
            assert!(f.get_legal_basis().len() <= MAX_LEGAL_BASIS_BYTES);
        }
    }

    #[test]
    fn clip_keeps_characters_whole() {
        let s = clip("ааааа".to_owned(), 7);
        assert!(s.len() <= 7 && s.ends_with('…'), "{s}");
        assert_eq!(clip("short".to_owned(), 7), "short");
    }

    #[test]
    fn quote_cuts_long_text_and_backticks() {
        assert_eq!(quote("a`b"), "a'b");
        let long = "x".repeat(400);
        assert_eq!(quote(&long).chars().count(), MAX_QUOTE + 1);
    }
}
