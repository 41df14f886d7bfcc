//! Turning a party's matches into findings: one per party and list for strong matches
//! (the list's outcome and rule), one per party for possible matches (`review`).

use crate::lists::{self, List, POSSIBLE_MATCH, StrongOutcome};
use crate::screen::{CountryEffect, PartyMatch};
use crate::settings::Settings;
use crate::table;
use exportctl_sdk::{Finding, Outcome, PartyRef, Shipment};
use std::fmt::Write as _;

/// Most other matches named in one finding besides the best one.
const MAX_ALSO: usize = 3;
/// Longest quoted text from the list (names, licence requirements), in characters.
const MAX_QUOTE: usize = 300;
/// The host's limits on a finding (`host/src/output.rs`).
const MAX_MESSAGE_BYTES: usize = 4096;
const MAX_LEGAL_BASIS_BYTES: usize = 1024;

/// What a strong match on `list` leads to for this shipment under these settings.
pub fn strong_outcome(list: List, settings: &Settings, shipment: &Shipment) -> Outcome {
    if let Some(o) = settings.list_outcomes.get(list.code()) {
        return (*o).into();
    }
    match list.default_outcome() {
        StrongOutcome::Fixed(o) => o,
        StrongOutcome::DenyForDefenceArticles => {
            if shipment.lines.iter().any(|l| l.is_military()) {
                Outcome::Deny
            } else {
                Outcome::Review
            }
        }
    }
}

/// The findings for one party's matches (best first, all at least weak).
pub fn for_party(
    party: PartyRef<'_>,
    matches: &[PartyMatch],
    settings: &Settings,
    shipment: &Shipment,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let (strong, weak): (Vec<&PartyMatch>, Vec<&PartyMatch>) = matches
        .iter()
        .partition(|m| m.score >= settings.strong_threshold);
    for list in List::ALL {
        let on_list: Vec<&PartyMatch> = strong
            .iter()
            .copied()
            .filter(|m| m.entry.list == list)
            .collect();
        let Some((best, others)) = on_list.split_first() else {
            continue;
        };
        let outcome = strong_outcome(list, settings, shipment);
        let mut message = format!(
            "{} {} matches {}: {}.",
            party.path,
            party_names(party, best),
            describe(best),
            list.effect()
        );
        let by_default = !settings.list_outcomes.contains_key(list.code());
        message.push_str(&list_details(best, by_default, shipment));
        also(&mut message, others);
        let rule = list.rule();
        findings.push(
            rule.finding(outcome, clip(message, MAX_MESSAGE_BYTES))
                .party(party.path)
                .legal_basis(legal_basis(rule.legal_basis, best)),
        );
    }
    if let Some((best, others)) = weak.split_first() {
        let strong_would_be = strong_outcome(best.entry.list, settings, shipment);
        let mut message = format!(
            "{} {} possibly matches {}: below the strong-match threshold {:.3}, so a person must decide \
             whether this is the listed party (as a strong match: {strong_would_be}; {}).",
            party.path,
            party_names(party, best),
            describe(best),
            settings.strong_threshold,
            best.entry.list.effect()
        );
        also(&mut message, others);
        findings.push(
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
                )),
        );
    }
    findings
}

/// `` `Name` (KZ) `` or `` `Name` (KZ), alias `Alias` `` for the party name that matched.
fn party_names(party: PartyRef<'_>, m: &PartyMatch) -> String {
    let p = party.party;
    match m.party_name.checked_sub(1).and_then(|i| p.aliases.get(i)) {
        Some(alias) => format!(
            "`{}` ({}), alias `{}`,",
            quote(&p.name),
            p.country,
            quote(alias)
        ),
        None => format!("`{}` ({})", quote(&p.name), p.country),
    }
}

/// The matched entry: name, list, source list, entry number, countries and score.
fn describe(m: &PartyMatch) -> String {
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
    if let Some(p) = e.programmes {
        let _ = write!(s, " Programmes: {}.", quote(p));
        if e.list == List::Sdn && lists::under_744_8(p) {
            let _ = write!(s, " The EAR also require a licence: {}.", lists::SDN_744_8);
        }
    }
    if e.list == List::ItarDebarred && by_default {
        let military: Vec<String> = shipment
            .lines
            .iter()
            .filter(|l| l.is_military())
            .map(|l| l.line.to_string())
            .collect();
        if military.is_empty() {
            s.push_str(" No line is a military item, so the ITAR debarment calls for review rather than denial.");
        } else {
            let _ = write!(s, " Military item lines: {}.", military.join(", "));
        }
    }
    if let Some(fr) = e.federal_register {
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

/// The rule's legal basis with the list edition and the entry's Federal Register notice.
fn legal_basis(basis: &str, m: &PartyMatch) -> String {
    let mut s = format!(
        "{basis}; U.S. Consolidated Screening List generated {}",
        table::GENERATED_ON
    );
    if let Some(fr) = m.entry.federal_register {
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
fn clip(mut text: String, max: usize) -> String {
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

    fn shipment(consignee: &str, country: &str, control_code: Option<&str>) -> Shipment<'static> {
        let mut line = serde_json::json!({ "line": 1, "description": "goods", "hs_code": "8413.30",
            "quantity": 1, "value": { "amount": "10.00", "currency": "EUR" } });
        if let Some(code) = control_code {
            line["control_codes"] = serde_json::json!([code]);
        }
        let doc = serde_json::json!({
            "id": "T-1", "date": "2026-09-01",
            "exporter": { "name": "Rhein Elektronik GmbH", "country": "DE" },
            "consignee": { "name": consignee, "country": country },
            "origin_country": "DE", "destination_country": country, "lines": [line]
        });
        Shipment::from_json(&doc.to_string()).unwrap()
    }

    fn findings(settings: &Settings, s: &Shipment) -> Vec<Finding> {
        let matches = Screener::new(settings).screen(&s.consignee);
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
            (f.rule.as_str(), f.outcome),
            ("csl-unverified-list", Outcome::Review)
        );
        assert_eq!(f.parties, ["consignee"]);
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
            assert!(f.message.contains(part), "{part}: {}", f.message);
        }
        assert!(
            f.legal_basis.starts_with(lists::UVL.legal_basis),
            "{}",
            f.legal_basis
        );
        assert!(f.legal_basis.contains("generated 2026-07-31"));
    }

    #[test]
    fn russian_sdns_cite_744_8() {
        let s = shipment("Rosoboronexport", "RU", None);
        let f = findings(&Settings::default(), &s);
        let sdn = f.iter().find(|f| f.rule == "csl-sdn").unwrap();
        assert_eq!(sdn.outcome, Outcome::Deny);
        assert!(sdn.message.contains("15 CFR 744.8"), "{}", sdn.message);
        assert!(sdn.message.contains("RUSSIA-EO14024"), "{}", sdn.message);
    }

    #[test]
    fn entity_list_findings_quote_the_licence_terms() {
        let s = shipment("APEX Kazakhstan LLP", "KZ", None);
        let f = findings(&Settings::default(), &s);
        assert_eq!(f[0].outcome, Outcome::LicenceRequired);
        assert!(
            f[0].message
                .contains("Licence requirement: For all items subject to the EAR"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("Licence policy:"), "{}", f[0].message);
    }

    #[test]
    fn weak_matches_make_one_review_finding_with_the_would_be_outcome() {
        let s = shipment("Blue Airways Ltd", "GB", None);
        let f = findings(&Settings::default(), &s);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            (f[0].rule.as_str(), f[0].outcome),
            ("csl-possible-match", Outcome::Review)
        );
        assert!(
            f[0].message.contains("possibly matches `BLUE AIRWAYS`"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message
                .contains("-0.100: the party's country is not among"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message.contains("as a strong match: deny"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].legal_basis.contains("Supp. No. 3"),
            "{}",
            f[0].legal_basis
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
            assert!(f.message.len() <= MAX_MESSAGE_BYTES, "{}", f.message.len());
            assert!(f.legal_basis.len() <= MAX_LEGAL_BASIS_BYTES);
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
