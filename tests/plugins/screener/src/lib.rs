//! A screening policy whose party screener (contract 1.1.0) misbehaves on
//! command, by the party's name: `PANIC` traps, `LOOP` never returns,
//! `BAD SCORE` answers a score outside the contract, `LISTED` matches its one
//! entry properly, and every other name matches nothing. The host must turn each
//! misbehaviour into a failure of that party's screening (fail closed) and carry
//! on with the next party.
//!
//! Judging a shipment, it keys its finding by subject (contract 1.2.0) by the
//! consignee's name: `LISTED` gets a well-formed finding with its subject, every
//! other name no finding. (A subject naming a party its finding does not is
//! beyond the SDK — `Finding::subject` adds the party and a finding's fields are
//! private — so the host's check of it is tested on raw output in `output.rs`.)

use exportctl_sdk::{
    Date, Finding, FindingSubject, ListMatch, Metadata, NoSettings, Party, PartyPath, Policy, Rule,
    ScreensParties, Shipment,
};

/// The watchlist's one rule.
const WATCHLIST: Rule = Rule::new("test-watchlist", "test watchlist, edition 1")
    .describe("a party on the test watchlist");

/// Screens parties badly on command.
pub struct Screener;

impl Policy for Screener {
    type Settings = NoSettings;
    const RULES: &'static [Rule] = &[WATCHLIST];

    fn metadata() -> Metadata {
        Metadata {
            id: "hostile-screener",
            name: "Hostile: a party screener that misbehaves on command",
            version: "0.1.0",
            publisher: "exportctl test suite",
            jurisdiction: "test",
            legal_basis: "none: a test of the sandbox",
            valid_from: Date::ymd(2000, 1, 1),
            valid_to: None,
            sources: &[],
            limitations: &["judges shipments and screens parties by fixed names"],
        }
    }

    fn new(_: NoSettings) -> Result<Self, String> {
        Ok(Screener)
    }

    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        let subject =
            |party| FindingSubject::new(party, "Test watchlist", "edition 1", "W-1", "fp-1");
        let finding = WATCHLIST.review("the consignee is on the test watchlist");
        match shipment.consignee().name() {
            "LISTED" => vec![finding.subject(subject(PartyPath::Consignee))],
            _ => Vec::new(),
        }
    }
}

impl ScreensParties for Screener {
    fn screen_party(&self, party: &Party<'_>, _date: Date) -> Vec<ListMatch> {
        let name: &str = party.name();
        let score = match name {
            "PANIC" => panic!("deliberate panic screening {name}"),
            "LOOP" => loop {
                std::hint::black_box(());
            },
            "BAD SCORE" => 2.0,
            "LISTED" => 1.0,
            _ => return Vec::new(),
        };
        vec![ListMatch {
            finding: WATCHLIST.review(format!("`{name}` is on the test watchlist")),
            list: "Test watchlist".into(),
            edition: "edition 1".into(),
            entry: "W-1".into(),
            listed_name: name.into(),
            score,
        }]
    }
}

exportctl_sdk::export_screening_policy!(Screener);
