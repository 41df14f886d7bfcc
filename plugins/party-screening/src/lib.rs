//! `party-screening`: restricted-party screening against the full US Consolidated
//! Screening List (CSL) and the UN Security Council Consolidated List.
//!
//! Every party of a shipment (exporter, consignee, end user, every other party, and
//! each one's aliases) is compared with all 25,921 entries of the CSL edition generated
//! on 31 Jul 2026 and the 1,003 entries of the UN list generated on 27 Feb 2026, their
//! list names and alternative names. The lists are prepared at build time and embedded
//! ([`table`]); nothing is parsed when a shipment is judged.
//!
//! - [`normalize`]: what a name is for matching (transliteration, case, punctuation,
//!   legal forms, transliteration-independent word skeletons).
//! - [`matcher`]: candidate lookup in the embedded index and the similarity score.
//! - [`memo`]: the parties an instance has screened, so a reused sandbox screens a
//!   returning party (the exporter on every shipment) once.
//! - [`screen`]: one party against the list, the party's country raising or lowering
//!   each match.
//! - [`lists`]: what a strong match on each of the thirteen lists means, with its legal
//!   basis (DPL and SDN deny, Entity List and MEU licence required, UVL review, UN deny
//!   under an asset freeze, …).
//! - [`reach`]: whether the law behind a list binds this exporter (US links of the
//!   shipment; the UN list binds everyone).
//! - [`un_regimes`]: the UN sanctions regimes, their resolutions and measures.
//! - [`findings`]: one finding per party and list for strong matches, one per party
//!   for possible (weak) matches.
//! - [`party_master`]: one partner of the ERP's party master on its own, without a
//!   shipment (the contract's party screener, for re-screening).
//! - [`settings`]: thresholds, lists, outcomes per list, country adjustment.
//!
//! See README.md for the list-to-outcome mapping, the measured false-positive rate and
//! speed.

pub mod findings;
pub mod fingerprint;
pub mod lists;
pub mod matcher;
pub mod memo;
pub mod normalize;
pub mod party_master;
pub mod reach;
pub mod screen;
pub mod settings;
pub mod source_lists;
pub mod table;
pub mod un_regimes;

use exportctl_sdk::{
    Date, Finding, ListMatch, Metadata, Party, Policy, Rule, ScreensParties, Shipment,
};
use screen::{PartyMatch, Screener};
pub use settings::Settings;
use std::cell::RefCell;

/// The day the embedded CSL edition was generated. For an earlier law date a CSL match
/// is at most review: the list says who is listed on this day, not since when.
pub const LIST_DATE: Date = Date::ymd(2026, 7, 31);

/// The first law date the policy screens (its `valid_from`): the lists it applies
/// (DPL, Entity List, SDN, the UN list, …) long predate the editions it embeds, so a
/// past shipment is screened too, with the limits of [`LIST_DATE`] and the UN listing
/// dates.
pub const SCREENED_FROM: Date = Date::ymd(2000, 1, 1);

/// The `party-screening` policy: built from [`Settings`], screens every party.
#[derive(Debug, Clone)]
pub struct PartyScreening {
    settings: Settings,
    screener: Screener,
    /// The parties this instance has screened ([`memo`]).
    memo: memo::Memo,
    /// Search buffers, kept from shipment to shipment: setting them up afresh for each
    /// shipment (a few kilobytes, grown again as queries need) cost as much as a
    /// tenth of screening a shipment's parties.
    searcher: RefCell<matcher::Searcher>,
}

impl Policy for PartyScreening {
    type Settings = Settings;
    const RULES: &'static [Rule] = &lists::RULES;

    fn metadata() -> Metadata {
        Metadata {
            id: "party-screening",
            name: "Restricted-party screening: US Consolidated Screening List and UN Security Council Consolidated List",
            version: env!("CARGO_PKG_VERSION"),
            publisher: "exportctl bundled policies",
            jurisdiction: "US/UN",
            legal_basis: "EAR: 15 CFR 744.11 and 744.16 with Supp. No. 4 to part 744 (Entity List), 744.15 and \
                Supp. No. 6 (Unverified List), 744.21 and Supp. No. 7 (Military End-User List), part 764 and \
                736.2(b)(4) (Denied Persons List), 744.8 (Russia/Belarus SDNs), 734.3-734.4 (items subject \
                to the EAR); OFAC: 31 CFR chapter V (SDN and non-SDN lists: SSI, PLC, CMIC, NS-MBS, CAPTA); \
                ITAR: 22 CFR 127.7 (debarred parties); State Department nonproliferation sanctions (ISN); \
                BIS Know Your Customer guidance, Supp. No. 3 to part 732; UN Charter Art. 25 and 41 with \
                the UN Security Council resolutions of each sanctions regime (1267/1989/2253 ISIL and \
                Al-Qaida, 1988 Taliban, 1718 DPRK, 1737 and 2231 Iran, 1483 Iraq, 1970 Libya, 751/2713 \
                Somalia, 1533 DRC, 2127 CAR, 1591 Sudan, 2206 South Sudan, 2140 Yemen, 2653 Haiti, 2048 \
                Guinea-Bissau)",
            // Screened from 1 Jan 2000: the lists long predate their editions. For a law
            // date before the CSL edition a CSL match is at most review (listing dates
            // are not in the CSL data); a UN entry listed after the law date is at most
            // review (the UN list gives its listing date).
            valid_from: SCREENED_FROM,
            valid_to: None,
            sources: &[table::SOURCE, table::UN_SOURCE],
            limitations: &[
                "only the US Consolidated Screening List and the UN Security Council Consolidated List: EU, UK, \
                 Kazakh and other national sanctions lists are not screened",
                "the US lists bind only where US law reaches the shipment (US exporter, goods leaving the US, \
                 US-origin lines, US content above de minimis; for OFAC lists also a party in the US or a \
                 price in US dollars); otherwise a US-list match is a risk finding, at most review, unless \
                 the setting apply_us_lists_without_us_nexus is set; US persons among staff or owners and the \
                 foreign direct product rules are not in the data",
                "one CSL edition, generated 2026-07-31: parties listed or delisted later are not known; CSL \
                 listing dates are not in the data, so for a law date before the edition a CSL match means \
                 \"listed on 2026-07-31\", not \"listed then\", and is at most review; screening applies \
                 from 1 Jan 2000",
                "one UN list edition, generated 2026-02-27: a UN entry listed after the law date is at most \
                 review; entries delisted before the edition are not known; low-quality UN aliases and the \
                 UN entries' addresses are not used (a UN match is not lowered by the party's country)",
                "a UN match is deny for every regime with an asset freeze, review for Guinea-Bissau (travel \
                 ban only); Libya individuals under the travel ban only are not distinguished and are deny",
                "only names and address countries are compared: addresses, registry identifiers (BIN, INN, \
                 VAT), dates of birth and the party's region are not used",
                "ownership is not known: entities owned 50 % or more by blocked persons (OFAC 50 % rule) and \
                 affiliates of Entity List parties are not caught unless listed by name",
                "an Entity List match is licence_required whatever its licence-requirement scope (all items \
                 subject to the EAR, or only some ECCNs) and whatever licence the shipment cites; the \
                 requirement is quoted in the finding for a person to apply",
                "a Military End-User List match is licence_required for every line: whether the items are in \
                 Supplement No. 2 to part 744 is not checked",
                "an ITAR debarred party is deny only with a military line (EU ML1-ML22, US 600-series, 0x5zz, \
                 9x515 control codes), else review: USML categories are not in the shipment format",
                "SSI, ISN, PLC, CMIC, NS-MBS and CAPTA matches are review (measures vary by entry); OFAC \
                 general licences are not evaluated",
                "vessels and aircraft of the SDN list are not screened by default \
                 (setting screen_vessels_and_aircraft)",
                "fuzzy matching: a person with a missing middle name or patronymic, or a company name \
                 abbreviated differently from the list, may score below the thresholds; Chinese names are \
                 compared in toneless pinyin, so different characters with the same reading match",
            ],
        }
    }

    fn new(settings: Settings) -> Result<Self, String> {
        settings.validate()?;
        let screener = Screener::new(&settings);
        Ok(PartyScreening {
            settings,
            screener,
            memo: memo::Memo::default(),
            searcher: RefCell::new(matcher::Searcher::default()),
        })
    }

    /// Screens every party (with its aliases) and reports its matches.
    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        self.with_searcher(|searcher| {
            shipment
                .parties()
                .flat_map(|party| {
                    let matches = self.screen(&party.party, searcher);
                    findings::for_party(party, &matches, &self.settings, shipment)
                })
                .collect()
        })
    }
}

impl ScreensParties for PartyScreening {
    /// Screens one partner of the party master, with its aliases, under the law of
    /// `date` ([`party_master`]).
    fn screen_party(&self, party: &Party<'_>, date: Date) -> Vec<ListMatch> {
        let matches = self.with_searcher(|searcher| self.screen(party, searcher));
        party_master::list_matches(party, &matches, &self.settings, date)
    }
}

impl PartyScreening {
    /// Runs `f` with the instance's search buffers (fresh ones if they are in use,
    /// which a single-threaded instance never sees).
    fn with_searcher<T>(&self, f: impl FnOnce(&mut matcher::Searcher) -> T) -> T {
        match self.searcher.try_borrow_mut() {
            Ok(mut searcher) => f(&mut searcher),
            Err(_) => f(&mut matcher::Searcher::default()),
        }
    }

    /// One party's matches, remembered across shipments unless the settings say not
    /// to (`remember_parties`).
    fn screen(&self, party: &Party<'_>, searcher: &mut matcher::Searcher) -> Vec<PartyMatch> {
        if self.settings.remember_parties {
            self.memo.screen(&self.screener, party, searcher)
        } else {
            self.screener.screen_with(party, searcher)
        }
    }
}

exportctl_sdk::export_screening_policy!(PartyScreening);

#[cfg(test)]
mod tests {
    use super::*;
    use exportctl_sdk::{Outcome, Rule, configure};

    #[test]
    fn metadata_names_the_policy_its_list_and_its_limits() {
        let m = PartyScreening::metadata();
        assert_eq!(m.id, "party-screening");
        assert!(Rule::is_valid_id(m.id));
        assert_eq!(m.version, "1.0.0");
        assert_eq!(m.jurisdiction, "US/UN");
        assert_eq!(m.valid_from, SCREENED_FROM);
        assert_eq!(table::GENERATED_ON, LIST_DATE.to_string());
        assert!(
            m.sources[0].contains("generated 2026-07-31"),
            "{}",
            m.sources[0]
        );
        assert!(m.sources[0].contains("25,921 entries"));
        assert!(m.sources[0].contains("EL 3,420"));
        for basis in [
            "744.11", "744.15", "744.21", "part 764", "744.8", "31 CFR", "127.7",
        ] {
            assert!(m.legal_basis.contains(basis), "{basis}");
        }
        assert!(m.sources[1].contains("UN Security Council Consolidated List"));
        assert!(m.sources[1].contains("generated 2026-02-27"));
        assert!(m.legal_basis.contains("UN Charter Art. 25"));
        assert!(m.limitations.iter().any(|l| l.contains("EU, UK")));
        assert!(m.limitations.iter().any(|l| l.contains("listing dates")));
    }

    #[test]
    fn the_readme_header_agrees_with_the_metadata() {
        let readme = include_str!("../README.md");
        let m = PartyScreening::metadata();
        let row = |key: &str| -> &str {
            readme
                .lines()
                .find_map(|l| l.strip_prefix(&format!("| {key} | ")))
                .and_then(|rest| rest.strip_suffix(" |"))
                .unwrap_or_else(|| panic!("no `{key}` row in README.md"))
        };
        assert_eq!(row("id"), format!("`{}`", m.id));
        assert_eq!(row("version"), m.version);
        assert_eq!(row("jurisdiction"), m.jurisdiction);
        let valid_from = row("valid from");
        assert!(
            valid_from.starts_with(&m.valid_from.to_string()),
            "README valid from `{valid_from}`, metadata {}",
            m.valid_from
        );
        // The Dates section says what the policy does before the CSL edition.
        let dates = readme
            .split("## Dates")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            dates.contains("in force from **1 Jan 2000** (`valid_from`)"),
            "{dates}"
        );
        assert!(
            dates.contains("For a law date before 31 Jul 2026 a CSL match is at most **review**"),
            "{dates}"
        );
        assert_eq!(m.valid_from, SCREENED_FROM);
        assert_eq!(LIST_DATE.to_string(), "2026-07-31");
    }

    #[test]
    fn every_party_role_is_screened() {
        let doc = serde_json::json!({
            "id": "T-2", "date": "2026-09-01",
            "exporter": { "name": "Juzhoi Electronic LLC", "country": "TJ" },
            "consignee": { "name": "FC Marakanda 7777", "country": "UZ" },
            "end_user": { "name": "Blue Airways", "country": "AM" },
            "other_parties": [
                { "role": "payer", "name": "Clean Payer Ltd", "country": "GB" },
                { "role": "bank", "name": "Bank of Kunlun", "country": "CN" }
            ],
            "origin_country": "TJ", "destination_country": "UZ",
            "lines": [{ "line": 1, "description": "goods", "hs_code": "8413.30", "quantity": 1,
                        "origin_country": "US", "value": { "amount": "10.00", "currency": "EUR" } }]
        });
        let s = Shipment::from_json(&doc.to_string()).unwrap();
        let f = configure::<PartyScreening>("{}").unwrap().evaluate(&s);
        let parties: std::collections::BTreeSet<&str> = f
            .iter()
            .flat_map(|f| f.get_parties().iter().map(String::as_str))
            .collect();
        assert_eq!(
            parties,
            ["consignee", "end_user", "exporter", "other_parties[1]"].into()
        );
        assert_eq!(f.iter().map(|f| f.outcome()).max(), Some(Outcome::Deny));
    }

    #[test]
    fn a_remembered_party_gets_the_findings_screening_it_again_gives() {
        let doc = |exporter: &str| {
            serde_json::json!({
                "id": "T-3", "date": "2026-09-01",
                "exporter": { "name": exporter, "country": "TJ" },
                "consignee": { "name": "FC Marakanda 7777", "country": "UZ" },
                "end_user": { "name": "Blue Airways", "country": "AM" },
                "origin_country": "TJ", "destination_country": "UZ",
                "lines": [{ "line": 1, "description": "goods", "hs_code": "8413.30", "quantity": 1,
                            "value": { "amount": "10.00", "currency": "EUR" } }]
            })
            .to_string()
        };
        let remembering = configure::<PartyScreening>("{}").unwrap();
        let forgetting = configure::<PartyScreening>(r#"{"remember_parties": false}"#).unwrap();
        for exporter in [
            "Juzhoi Electronic LLC",
            "Clean Exporter",
            "Juzhoi Electronic LLC",
        ] {
            let s = Shipment::from_json(&doc(exporter)).unwrap();
            for _ in 0..2 {
                assert_eq!(
                    remembering.evaluate(&s),
                    forgetting.evaluate(&s),
                    "{exporter}"
                );
            }
        }
        assert_eq!(
            remembering.memo.len(),
            4,
            "three parties, then a new exporter"
        );
        assert!(forgetting.memo.is_empty());
    }

    #[test]
    fn invalid_settings_are_refused_by_name() {
        let e = configure::<PartyScreening>(r#"{"weak_threshold": 0.99}"#)
            .err()
            .unwrap_or_default();
        assert!(e.contains("`weak_threshold`"), "{e}");
    }
}
