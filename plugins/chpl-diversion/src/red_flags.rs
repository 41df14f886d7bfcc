//! Diversion red flags that can be read off the shipment document.
//!
//! The FinCEN/BIS joint alerts (FIN-2022-Alert003 of 28 Jun 2022, FIN-2023-Alert004 of
//! 19 May 2023) and BIS "Know Your Customer" guidance (15 CFR 732 Supp. 3) name indicators
//! of diversion to Russia. This module finds the five that the document itself shows; the
//! [`transshipment`](crate::transshipment) rule lists them in its finding. A red flag is
//! an indicator for a person to weigh, not a prohibition.

use crate::lists::INVASION;
use crate::regimes::Regimes;
use exportctl_sdk::entity_name;
use exportctl_sdk::{Country, Date, Party, PartyPath, PartyRef, PartyRole, Shipment, country_sets};

/// Name words of freight forwarders in English, German and transliterated Russian.
///
/// Deliberately narrow: "transport", "trade" or "express" are left out, because carriers
/// and trading companies are legitimate end users far more often than they are fronts.
pub const DEFAULT_FORWARDER_WORDS: &[&str] = &[
    "logisti",
    "forwarding",
    "forwarder",
    "freight",
    "cargo",
    "shipping",
    "spedition",
    "ekspedit",
];

/// FinCEN/BIS joint alert FIN-2023-Alert004, the date from which a missing no-Russia
/// clause is listed as a general red flag.
pub const FIN_2023_ALERT004: Date = crate::lists::FIN_2023_ALERT004.from;

/// Art. 12g of Reg. (EU) 833/2014 (inserted by Reg. 2023/2878) applies from this day.
pub const ART_12G_FROM: Date = Date::ymd(2024, 3, 20);

/// The kinds of red flag, one flag per kind at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RedFlagKind {
    /// The consignee or the named end user was founded after 24 Feb 2022.
    FoundedAfterInvasion,
    /// The end user is a freight forwarder.
    ForwarderAsEndUser,
    /// The route passes through Russia or Belarus.
    RouteThroughRussiaBelarus,
    /// The contract does not show a no-Russia clause.
    NoRussiaClause,
    /// A payer sits in neither the consignee's nor the end user's country.
    ThirdCountryPayer,
}

impl RedFlagKind {
    /// Every kind, in the order findings list them.
    pub const ALL: [RedFlagKind; 5] = [
        RedFlagKind::FoundedAfterInvasion,
        RedFlagKind::ForwarderAsEndUser,
        RedFlagKind::RouteThroughRussiaBelarus,
        RedFlagKind::NoRussiaClause,
        RedFlagKind::ThirdCountryPayer,
    ];
}

/// One red flag found in a shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedFlag {
    /// What kind of flag.
    pub kind: RedFlagKind,
    /// What was found, for a human (lower-case start, no final period).
    pub message: String,
    /// The parties the flag is about.
    pub parties: Vec<PartyPath>,
    /// A legal basis the flag adds to the finding beyond the red-flag alerts, if any.
    pub legal_basis: Option<&'static str>,
}

/// Every red flag the shipment shows, in [`RedFlagKind::ALL`] order. `forwarder_words`
/// are the name words that mark a freight forwarder (setting `forwarder_name_words`).
pub fn find(shipment: &Shipment, regimes: &Regimes, forwarder_words: &[String]) -> Vec<RedFlag> {
    [
        founded_after_invasion(shipment),
        forwarder_as_end_user(shipment, forwarder_words),
        route_through_russia_belarus(shipment),
        no_russia_clause(shipment, regimes.eu.is_some()),
        third_country_payer(shipment),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// How a party is named in a message: `consignee `Steppe Components TOO``.
fn label(party: PartyRef<'_>) -> String {
    let role = match party.path {
        PartyPath::Exporter => "exporter".to_owned(),
        PartyPath::Consignee => "consignee".to_owned(),
        PartyPath::EndUser => "end user".to_owned(),
        PartyPath::Other(i) => format!("other_parties[{i}]"),
    };
    format!("{role} `{}`", party.party.name())
}

/// The consignee, or the named end user, was registered after 24 Feb 2022 (strictly after:
/// a company registered on the day itself is not flagged).
fn founded_after_invasion(shipment: &Shipment) -> Option<RedFlag> {
    let candidates = [
        Some(PartyRef {
            path: PartyPath::Consignee,
            party: shipment.consignee(),
        }),
        shipment.named_end_user().as_ref().map(|party| PartyRef {
            path: PartyPath::EndUser,
            party: *party,
        }),
    ];
    let young: Vec<(PartyRef<'_>, Date)> = candidates
        .into_iter()
        .flatten()
        .filter_map(|p| {
            p.party
                .registration_date()
                .filter(|d| *d > INVASION)
                .map(|d| (p, d))
        })
        .collect();
    if young.is_empty() {
        return None;
    }
    let described: Vec<String> = young
        .iter()
        .map(|(p, d)| format!("{} founded {d}", label(*p)))
        .collect();
    Some(RedFlag {
        kind: RedFlagKind::FoundedAfterInvasion,
        message: format!("{}, after 24 Feb 2022", described.join(" and ")),
        parties: young.iter().map(|(p, _)| p.path).collect(),
        legal_basis: None,
    })
}

/// The lower-case words of a name, as written (Cyrillic stays Cyrillic) and
/// transliterated to ASCII ([`entity_name::words`]), so a forwarder word of the settings
/// finds `Экспедиция` as `ekspedit…` and a Cyrillic setting word still finds it as written.
fn words(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .chain(entity_name::words(name))
}

/// Every name of a party (name and aliases), reduced by [`entity_name::comparison_key`]
/// (case, punctuation, script and legal forms dropped); a name of legal forms only has
/// none.
fn name_keys(party: &Party) -> Vec<String> {
    std::iter::once(party.name())
        .chain(party.aliases())
        .filter_map(entity_name::comparison_key)
        .collect()
}

/// Whether two parties are the same company: a name or alias equal after
/// [`entity_name::comparison_key`],
/// or a registry identifier of the same kind with the same value.
fn same_entity(a: &Party, b: &Party) -> bool {
    let (ka, kb) = (name_keys(a), name_keys(b));
    let same_name = ka.iter().any(|k| kb.contains(k));
    let digits = |v: &str| {
        v.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase()
    };
    let same_id = a.ids().any(|(key, value)| {
        b.ids().any(|(k, v)| {
            k.eq_ignore_ascii_case(key) && !digits(value).is_empty() && digits(v) == digits(value)
        })
    });
    same_name || same_id
}

/// The first word of the party's name or aliases (lower case) that starts with a
/// forwarder word.
fn forwarder_word(party: &Party, forwarder_words: &[String]) -> Option<String> {
    std::iter::once(party.name())
        .chain(party.aliases())
        .find_map(|name| {
            words(name).find(|w| forwarder_words.iter().any(|f| w.starts_with(f.as_str())))
        })
}

/// The end user ([`Shipment::end_user`]: the consignee when none is named) is a freight
/// forwarder: it is the same company as a party in the `freight_forwarder` role (see
/// [`same_entity`]), or its name contains a forwarder word from the settings.
fn forwarder_as_end_user(shipment: &Shipment, forwarder_words: &[String]) -> Option<RedFlag> {
    let end_user = shipment.end_user();
    let who = match end_user.path {
        PartyPath::EndUser => label(end_user),
        _ => format!("{} (the end user, as none is named)", label(end_user)),
    };
    let forwarder = shipment.other_parties().enumerate().find(|(_, o)| {
        o.role() == PartyRole::FreightForwarder && same_entity(&end_user.party, &o.party())
    });
    if let Some((i, o)) = forwarder {
        return Some(RedFlag {
            kind: RedFlagKind::ForwarderAsEndUser,
            message: format!(
                "{who} is the freight forwarder `{}` (other_parties[{i}])",
                o.party().name()
            ),
            parties: vec![end_user.path, PartyPath::Other(i)],
            legal_basis: None,
        });
    }
    forwarder_word(&end_user.party, forwarder_words).map(|word| RedFlag {
        kind: RedFlagKind::ForwarderAsEndUser,
        message: format!("{who} has a freight forwarder's name (`{word}`)"),
        parties: vec![end_user.path],
        legal_basis: None,
    })
}

/// The route passes through Russia or Belarus. The rule `chpl-transit-russia-belarus`
/// denies such a shipment in its own right; the flag is listed so that the
/// transshipment finding is complete.
fn route_through_russia_belarus(shipment: &Shipment) -> Option<RedFlag> {
    let through: Vec<Country> = shipment
        .transit_countries_in(&country_sets::RUSSIA_BELARUS)
        .collect();
    let through: Vec<&str> = through.iter().map(Country::as_str).collect();
    (!through.is_empty()).then(|| RedFlag {
        kind: RedFlagKind::RouteThroughRussiaBelarus,
        message: format!(
            "the route passes through {} (judged in its own right by rule `chpl-transit-russia-belarus`)",
            through.join(", ")
        ),
        parties: Vec::new(),
        legal_basis: None,
    })
}

/// The contract does not show a no-Russia clause (`contract.no_russia_clause()` is not
/// `true`). From 20 Mar 2024 it cites Art. 12g of Reg. (EU) 833/2014 where EU rules bind the
/// exporter (not for Annex VIII partner destinations, which need no clause); from 19 May 2023 it is a general red flag
/// of FIN-2023-Alert004; before that it is not flagged.
fn no_russia_clause(shipment: &Shipment, eu_bound: bool) -> Option<RedFlag> {
    let clause = shipment
        .contract()
        .as_ref()
        .and_then(|c| c.no_russia_clause());
    if clause == Some(true) || shipment.as_of() < FIN_2023_ALERT004 {
        return None;
    }
    let what = match (&shipment.contract(), clause) {
        (None, _) => "no contract is given, so no no-Russia clause is shown",
        (Some(_), None) => "the contract does not say whether it has a no-Russia clause",
        (Some(_), Some(_)) => "the contract has no no-Russia clause",
    };
    let art_12g = eu_bound
        && shipment.as_of() >= ART_12G_FROM
        && !country_sets::ANNEX_VIII_PARTNERS.contains(shipment.destination_country());
    let (message, legal_basis) = if art_12g {
        (
            format!(
                "{what}: required since 20 Mar 2024 when selling Annex XL goods to a third country (Reg. (EU) 833/2014 Art. 12g; Reg. (EC) 765/2006 Art. 8g for Belarus)"
            ),
            Some("Reg. (EU) 833/2014 Art. 12g"),
        )
    } else if !eu_bound {
        (
            format!(
                "{what} (a general red flag, FIN-2023-Alert004 of 19 May 2023; the Art. 12g obligation does not bind this exporter)"
            ),
            None,
        )
    } else {
        (
            format!(
                "{what} (a general red flag, FIN-2023-Alert004 of 19 May 2023; the Art. 12g obligation applies from 20 Mar 2024)"
            ),
            None,
        )
    };
    Some(RedFlag {
        kind: RedFlagKind::NoRussiaClause,
        message,
        parties: Vec::new(),
        legal_basis,
    })
}

/// A party in the `payer` role sits in neither the consignee's nor the end user's country
/// (payment from a third country).
fn third_country_payer(shipment: &Shipment) -> Option<RedFlag> {
    let buyer_countries = [
        shipment.consignee().country(),
        shipment.end_user().party.country(),
    ];
    let payers: Vec<(usize, Party)> = shipment
        .other_parties()
        .iter()
        .enumerate()
        .filter(|(_, o)| {
            o.role() == PartyRole::Payer && !buyer_countries.contains(&o.party().country())
        })
        .map(|(i, o)| (i, o.party()))
        .collect();
    if payers.is_empty() {
        return None;
    }
    let described: Vec<String> = payers
        .iter()
        .map(|(i, p)| {
            format!(
                "payer `{}` (other_parties[{i}]) in {}",
                p.name(),
                p.country()
            )
        })
        .collect();
    Some(RedFlag {
        kind: RedFlagKind::ThirdCountryPayer,
        message: format!(
            "{}, neither the consignee's nor the end user's country",
            described.join(" and ")
        ),
        parties: payers.iter().map(|(i, _)| PartyPath::Other(*i)).collect(),
        legal_basis: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{base, shipment};
    use serde_json::json;

    fn flags(v: serde_json::Value) -> Vec<RedFlag> {
        let words: Vec<String> = DEFAULT_FORWARDER_WORDS
            .iter()
            .map(|w| (*w).to_owned())
            .collect();
        find_with(v, &words)
    }

    fn find_with(v: serde_json::Value, forwarder_words: &[String]) -> Vec<RedFlag> {
        let s = shipment(v);
        let regimes = Regimes::of(&s, &crate::chpl::ChplLines::of(&s));
        find(&s, &regimes, forwarder_words)
    }

    fn kinds(v: serde_json::Value) -> Vec<RedFlagKind> {
        flags(v).iter().map(|f| f.kind).collect()
    }

    #[test]
    fn the_clean_base_shipment_has_no_flags() {
        assert_eq!(flags(base()), vec![]);
    }

    #[test]
    fn founded_on_24_feb_2022_is_not_a_flag_but_the_day_after_is() {
        let mut v = base();
        v["consignee"]["registration_date"] = json!("2022-02-24");
        assert_eq!(kinds(v.clone()), vec![]);
        v["consignee"]["registration_date"] = json!("2022-02-25");
        let f = flags(v);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, RedFlagKind::FoundedAfterInvasion);
        assert_eq!(f[0].parties, vec![PartyPath::Consignee]);
        assert!(
            f[0].message
                .contains("consignee `Astana Tech Supply TOO` founded 2022-02-25"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn a_young_named_end_user_is_flagged_with_the_consignee() {
        let mut v = base();
        v["consignee"]["registration_date"] = json!("2023-01-10");
        v["end_user"] = json!({ "name": "Nomad Systems TOO", "country": "KZ", "registration_date": "2022-03-01" });
        let f = flags(v);
        assert_eq!(f.len(), 1, "one flag per kind");
        assert_eq!(f[0].parties, vec![PartyPath::Consignee, PartyPath::EndUser]);
        assert!(
            f[0].message
                .contains(" and end user `Nomad Systems TOO` founded 2022-03-01"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn a_missing_registration_date_is_not_a_flag() {
        let mut v = base();
        v["consignee"]
            .as_object_mut()
            .unwrap()
            .remove("registration_date");
        assert_eq!(kinds(v), vec![]);
    }

    #[test]
    fn end_user_that_is_the_listed_forwarder_is_flagged() {
        let mut v = base();
        v["end_user"] = json!({ "name": "Silk Route Logistic, LLP", "country": "KZ" });
        v["other_parties"] = json!([
            { "role": "payer", "name": "Astana Tech Supply TOO", "country": "KZ" },
            { "role": "freight_forwarder", "name": "SILK ROUTE LOGISTIC TOO", "country": "KZ" }
        ]);
        let f = flags(v);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, RedFlagKind::ForwarderAsEndUser);
        assert_eq!(f[0].parties, vec![PartyPath::EndUser, PartyPath::Other(1)]);
        assert!(
            f[0].message
                .contains("is the freight forwarder `SILK ROUTE LOGISTIC TOO` (other_parties[1])")
        );
    }

    #[test]
    fn forwarder_identity_by_alias_or_registry_id() {
        let mut v = base();
        v["end_user"] = json!({ "name": "Kazakh Trade House", "country": "KZ", "ids": { "bin": "120 340 005 678" } });
        v["other_parties"] = json!([{ "role": "freight_forwarder", "name": "KTH Express", "country": "KZ", "ids": { "BIN": "120340005678" } }]);
        assert_eq!(kinds(v.clone()), vec![RedFlagKind::ForwarderAsEndUser]);

        v["end_user"] = json!({ "name": "Kazakh Trade House", "country": "KZ", "aliases": ["KTH Express LLP"] });
        assert_eq!(kinds(v.clone()), vec![RedFlagKind::ForwarderAsEndUser]);

        v["end_user"] = json!({ "name": "Kazakh Trade House", "country": "KZ", "ids": { "vat": "120340005678" } });
        assert_eq!(
            kinds(v),
            vec![],
            "different kinds of identifier are not compared"
        );
    }

    #[test]
    fn a_forwarder_that_is_not_the_end_user_is_not_a_flag() {
        let mut v = base();
        v["other_parties"] = json!([{ "role": "freight_forwarder", "name": "Silk Route Logistics LLP", "country": "KZ" }]);
        assert_eq!(kinds(v), vec![]);
    }

    #[test]
    fn a_forwarder_written_in_another_script_is_the_same_company() {
        // The SDK's entity-name normaliser transliterates, so the Cyrillic registration
        // name and the Latin trading name of one Kazakh company compare equal.
        let mut v = base();
        v["end_user"] = json!({ "name": "ТОО «Шёлковый Путь»", "country": "KZ" });
        v["other_parties"] =
            json!([{ "role": "freight_forwarder", "name": "Shelkovyy Put LLP", "country": "KZ" }]);
        assert_eq!(kinds(v), vec![RedFlagKind::ForwarderAsEndUser]);
    }

    #[test]
    fn a_cyrillic_name_with_a_forwarder_word_is_flagged() {
        let mut v = base();
        v["end_user"] = json!({ "name": "ТОО «Астана Экспедиция»", "country": "KZ" });
        let f = flags(v);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("(`ekspeditsiya`)"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn an_end_user_with_a_forwarders_name_is_flagged() {
        for name in [
            "Steppe Logistics LLP",
            "TOO Kaz-Logistika",
            "Global Freight Solutions",
            "Orient Cargo Co",
            "Ural Spedition GmbH",
        ] {
            let mut v = base();
            v["end_user"] = json!({ "name": name, "country": "KZ" });
            let f = flags(v);
            assert_eq!(
                f.iter().map(|f| f.kind).collect::<Vec<_>>(),
                vec![RedFlagKind::ForwarderAsEndUser],
                "{name}"
            );
            assert_eq!(f[0].parties, vec![PartyPath::EndUser]);
        }
        for name in [
            "Astana Transport Holding",
            "Forward Technologies TOO",
            "Express Electronics",
            "Cargill Kazakhstan",
        ] {
            let mut v = base();
            v["end_user"] = json!({ "name": name, "country": "KZ" });
            assert_eq!(kinds(v), vec![], "{name}");
        }
    }

    #[test]
    fn a_forwarder_consignee_without_a_named_end_user_is_the_end_user() {
        let mut v = base();
        v["consignee"]["name"] = json!("Silk Route Logistics LLP");
        let f = flags(v);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].parties, vec![PartyPath::Consignee]);
        assert!(
            f[0].message.ends_with(
                "(the end user, as none is named) has a freight forwarder's name (`logistics`)"
            ),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn forwarder_words_come_from_the_settings() {
        let mut v = base();
        v["end_user"] = json!({ "name": "Steppe Logistics LLP", "country": "KZ" });
        assert_eq!(find_with(v.clone(), &[]), vec![]);
        v["end_user"]["name"] = json!("Steppe Transit Hub");
        assert_eq!(find_with(v, &["transit".to_owned()]).len(), 1);
    }

    #[test]
    fn a_route_through_russia_or_belarus_is_flagged() {
        for (route, shown) in [
            (json!(["PL", "BY"]), "BY"),
            (json!(["RU"]), "RU"),
            (json!(["BY", "RU"]), "BY, RU"),
        ] {
            let mut v = base();
            v["transit_countries"] = route;
            let f = flags(v);
            assert_eq!(f.len(), 1);
            assert_eq!(f[0].kind, RedFlagKind::RouteThroughRussiaBelarus);
            assert!(
                f[0].message.contains(&format!("through {shown} (")),
                "{}",
                f[0].message
            );
        }
        let mut v = base();
        v["transit_countries"] = json!(["PL", "LT", "LV"]);
        assert_eq!(kinds(v), vec![]);
    }

    #[test]
    fn missing_clause_cites_art_12g_from_20_march_2024() {
        let mut v = base();
        v["contract"]["no_russia_clause"] = json!(false);
        v["date"] = json!("2024-03-20");
        let f = flags(v.clone());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].legal_basis, Some("Reg. (EU) 833/2014 Art. 12g"));
        assert!(
            f[0].message
                .starts_with("the contract has no no-Russia clause: required since 20 Mar 2024")
        );

        v["date"] = json!("2024-03-19");
        let f = flags(v.clone());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].legal_basis, None);
        assert!(
            f[0].message.contains("general red flag, FIN-2023-Alert004"),
            "{}",
            f[0].message
        );
        assert!(
            !f[0].message.contains("Art. 12g;"),
            "Art. 12g is not cited as in force"
        );
    }

    #[test]
    fn missing_clause_is_not_flagged_before_fin_2023_alert004() {
        let mut v = base();
        v["contract"]["no_russia_clause"] = json!(false);
        v["date"] = json!("2023-05-19");
        assert_eq!(kinds(v.clone()), vec![RedFlagKind::NoRussiaClause]);
        v["date"] = json!("2023-05-18");
        assert_eq!(kinds(v), vec![]);
    }

    #[test]
    fn an_absent_contract_or_clause_counts_as_missing() {
        let mut v = base();
        v.as_object_mut().unwrap().remove("contract");
        let f = flags(v);
        assert!(
            f[0].message.starts_with("no contract is given"),
            "{}",
            f[0].message
        );

        let mut v = base();
        v["contract"] = json!({ "reference": "C-1" });
        let f = flags(v);
        assert!(
            f[0].message.starts_with("the contract does not say"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn annex_viii_partner_destinations_need_no_clause_under_art_12g() {
        let mut v = base();
        v["contract"]["no_russia_clause"] = json!(false);
        v["destination_country"] = json!("US");
        let f = flags(v);
        assert_eq!(f[0].legal_basis, None);
    }

    #[test]
    fn a_payer_outside_the_buyers_countries_is_flagged() {
        let mut v = base();
        v["other_parties"] = json!([
            { "role": "bank", "name": "Gulf Bank", "country": "AE" },
            { "role": "payer", "name": "Astana Tech Supply TOO", "country": "KZ" },
            { "role": "payer", "name": "Emirates Trading FZE", "country": "AE" }
        ]);
        let f = flags(v);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, RedFlagKind::ThirdCountryPayer);
        assert_eq!(f[0].parties, vec![PartyPath::Other(2)]);
        assert!(
            f[0].message
                .contains("payer `Emirates Trading FZE` (other_parties[2]) in AE")
        );
    }

    #[test]
    fn a_payer_in_the_end_users_country_is_not_flagged() {
        let mut v = base();
        v["end_user"] = json!({ "name": "Tashkent Electronics", "country": "UZ" });
        v["other_parties"] =
            json!([{ "role": "payer", "name": "Tashkent Electronics", "country": "UZ" }]);
        assert_eq!(kinds(v), vec![]);
    }

    #[test]
    fn all_flags_together_in_kind_order() {
        let mut v = base();
        v["consignee"]["registration_date"] = json!("2023-04-01");
        v["end_user"] = json!({ "name": "Steppe Cargo LLP", "country": "KZ" });
        v["transit_countries"] = json!(["RU"]);
        v["contract"]["no_russia_clause"] = json!(false);
        v["other_parties"] =
            json!([{ "role": "payer", "name": "Hong Kong Parts Ltd", "country": "HK" }]);
        assert_eq!(kinds(v), RedFlagKind::ALL.to_vec());
    }

    #[test]
    fn names_are_compared_without_case_punctuation_or_legal_form() {
        let key = |name| entity_name::comparison_key(name);
        assert_eq!(
            key("TOO «Silk-Route Logistics»").as_deref(),
            Some("silk route logistics")
        );
        assert_eq!(
            key("Silk Route Logistics, LLP").as_deref(),
            Some("silk route logistics")
        );
        assert_eq!(key("LLP"), None);
        // Cyrillic and Latin spellings of one Kazakh company are the same company.
        assert_eq!(key("ТОО «Шёлковый Путь»"), key("Shelkovyy Put LLP"));
    }
}
