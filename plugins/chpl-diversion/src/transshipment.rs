//! CHPL items to a common transshipment point for Russia (`chpl-transshipment-risk`):
//! at least `review`, with every red flag found listed in the message.

use crate::chpl::ChplLines;
use crate::lists::FIN_2022_ALERT003;
use crate::red_flags::{self, RedFlag};
use crate::regimes::Regimes;
use crate::settings::Settings;
use exportctl_sdk::{Date, Finding, PartyPath, Rule, Shipment, country_sets};

/// Art. 12gb of Reg. (EU) 833/2014 (inserted by Reg. 2024/1745) applies from this day.
pub const ART_12GB_FROM: Date = Date::ymd(2024, 12, 26);

/// CHPL items to a destination, consignee or end user in one of the 18 transshipment
/// points of FIN-2022-Alert003.
pub const TRANSSHIPMENT_RISK: Rule = Rule::new(
    "chpl-transshipment-risk",
    "FinCEN/BIS FIN-2022-Alert003 (28 Jun 2022) transshipment points; FIN-2023-Alert004 (19 May 2023); 15 CFR 732 Supp. 3; Reg. (EU) 833/2014 Art. 12g, 12gb; CHPL (23 Feb 2024)",
)
.describe("Common High Priority items to a destination, consignee or end user in a known transshipment point");

/// Flags CHPL lines whose destination, consignee or end user ([`Shipment::end_user`]) is in
/// a transshipment-risk country. The outcome is `review`, or `deny` when the settings set
/// `deny_at_red_flags` and the shipment shows at least that many red flags.
pub fn transshipment_risk(
    shipment: &Shipment,
    lines: &ChplLines<'_>,
    regimes: &Regimes,
    settings: &Settings,
) -> Option<Finding> {
    let risky = |c| country_sets::TRANSSHIPMENT_RISK.contains(c);
    let mut reasons = Vec::new();
    let mut parties: Vec<PartyPath> = Vec::new();
    if risky(shipment.destination_country()) {
        reasons.push(format!("destination {}", shipment.destination_country()));
    }
    let consignee = &shipment.consignee();
    if risky(consignee.country()) && consignee.country() != shipment.destination_country() {
        reasons.push(format!(
            "consignee `{}` in {}",
            consignee.name(),
            consignee.country()
        ));
    }
    if risky(consignee.country()) {
        parties.push(PartyPath::Consignee);
    }
    if let Some(end_user) = &shipment.named_end_user()
        && risky(end_user.country())
    {
        if end_user.country() != shipment.destination_country() {
            reasons.push(format!(
                "end user `{}` in {}",
                end_user.name(),
                end_user.country()
            ));
        }
        parties.push(PartyPath::EndUser);
    }
    if reasons.is_empty() {
        return None;
    }

    let flags = red_flags::find(shipment, regimes, &settings.forwarder_name_words);
    for path in flags.iter().flat_map(|f| f.parties.iter().copied()) {
        if !parties.contains(&path) {
            parties.push(path);
        }
    }
    let denied_at = settings
        .deny_at_red_flags
        .filter(|n| flags.len() >= *n as usize);

    let mut message = format!(
        "CHPL items to a transshipment point for Russia ({}): {}. {}",
        reasons.join("; "),
        lines.describe(),
        describe_flags(&flags),
    );
    message.push(' ');
    message.push_str(&regimes.describe());
    if shipment.as_of() < FIN_2022_ALERT003 {
        message.push_str(
            " The transshipment points are those FinCEN/BIS FIN-2022-Alert003 named on 28 Jun 2022, after the \
             law date: evidence of risk, not a list in force then.",
        );
    }
    let finding = match denied_at {
        Some(n) => {
            message.push_str(&format!(
                " Denied because the settings deny at {n} or more red flags."
            ));
            TRANSSHIPMENT_RISK.deny(message)
        }
        None => TRANSSHIPMENT_RISK.review(message),
    };
    let finding = finding
        .lines(lines.numbers())
        .legal_basis(legal_basis(shipment, lines, regimes, &flags));
    Some(parties.into_iter().fold(finding, Finding::party))
}

/// `Red flags (2): a; b.` or the absence of flags, as a sentence.
fn describe_flags(flags: &[RedFlag]) -> String {
    if flags.is_empty() {
        return "No red flags found in the document; confirm end use and end user before release."
            .to_owned();
    }
    let listed: Vec<&str> = flags.iter().map(|f| f.message.as_str()).collect();
    format!("Red flags ({}): {}.", flags.len(), listed.join("; "))
}

/// The alerts (FIN-2022-Alert003 always: it names the transshipment points, even as
/// later evidence), the EU articles the flags and the date bring in where EU rules bind
/// the exporter, and the CHPL tiers.
fn legal_basis(
    shipment: &Shipment,
    lines: &ChplLines<'_>,
    regimes: &Regimes,
    flags: &[RedFlag],
) -> String {
    let mut basis = vec!["FinCEN/BIS FIN-2022-Alert003 (28 Jun 2022) transshipment points"];
    if shipment.as_of() >= red_flags::FIN_2023_ALERT004 {
        basis.push("FIN-2023-Alert004 (19 May 2023)");
    }
    basis.push("15 CFR 732 Supp. 3");
    basis.extend(flags.iter().filter_map(|f| f.legal_basis));
    if regimes.eu.is_some()
        && shipment.as_of() >= ART_12GB_FROM
        && !country_sets::ANNEX_VIII_PARTNERS.contains(shipment.destination_country())
    {
        basis.push("Reg. (EU) 833/2014 Art. 12gb");
    }
    format!("{}; {}", basis.join("; "), lines.citation())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{base, shipment, with_hs};
    use exportctl_sdk::Outcome;
    use serde_json::{Value, json};

    fn check(v: Value) -> Option<Finding> {
        check_with(v, &Settings::default())
    }

    fn check_with(v: Value, settings: &Settings) -> Option<Finding> {
        let s = shipment(v);
        let lines = ChplLines::of(&s);
        transshipment_risk(&s, &lines, &Regimes::of(&s, &lines), settings)
    }

    fn flagged(mut v: Value) -> Value {
        v["consignee"]["registration_date"] = json!("2022-07-19");
        v["contract"]["no_russia_clause"] = json!(false);
        v["transit_countries"] = json!(["RU"]);
        v
    }

    #[test]
    fn rule_id_is_valid() {
        assert!(Rule::is_valid_id(TRANSSHIPMENT_RISK.id));
    }

    #[test]
    fn reviews_chpl_lines_to_kazakhstan_without_red_flags() {
        let f = check(base()).unwrap();
        assert_eq!(f.rule(), "chpl-transshipment-risk");
        assert_eq!(f.outcome(), Outcome::Review);
        assert_eq!(f.get_lines(), vec![1]);
        assert_eq!(f.get_parties(), vec!["consignee"]);
        assert_eq!(
            f.message(),
            "CHPL items to a transshipment point for Russia (destination KZ): line 1 (8542.31, Tier 1). \
             No red flags found in the document; confirm end use and end user before release. \
             EU rules bind the exporter (exporter in DE)."
        );
        assert_eq!(
            f.get_legal_basis(),
            "FinCEN/BIS FIN-2022-Alert003 (28 Jun 2022) transshipment points; FIN-2023-Alert004 (19 May 2023); \
             15 CFR 732 Supp. 3; CHPL (23 Feb 2024) Tier 1"
        );
    }

    #[test]
    fn lists_every_red_flag_and_stays_review_by_default() {
        let f = check(flagged(base())).unwrap();
        assert_eq!(f.outcome(), Outcome::Review);
        assert!(f.message().contains("Red flags (3): consignee `Astana Tech Supply TOO` founded 2022-07-19, after 24 Feb 2022; the route passes through RU"), "{}", f.message());
        assert!(
            f.message()
                .contains("; the contract has no no-Russia clause: required since 20 Mar 2024"),
            "{}",
            f.message()
        );
        assert!(
            f.get_legal_basis()
                .contains("; Reg. (EU) 833/2014 Art. 12g; CHPL"),
            "{}",
            f.get_legal_basis()
        );
    }

    #[test]
    fn denies_at_the_configured_number_of_red_flags() {
        let at_3 = Settings {
            deny_at_red_flags: Some(3),
            ..Settings::default()
        };
        let f = check_with(flagged(base()), &at_3).unwrap();
        assert_eq!(f.outcome(), Outcome::Deny);
        assert!(
            f.message()
                .ends_with("Denied because the settings deny at 3 or more red flags.")
        );

        let at_4 = Settings {
            deny_at_red_flags: Some(4),
            ..Settings::default()
        };
        assert_eq!(
            check_with(flagged(base()), &at_4).unwrap().outcome(),
            Outcome::Review
        );
    }

    #[test]
    fn a_threshold_of_one_denies_on_any_flag_but_not_without_one() {
        let at_1 = Settings {
            deny_at_red_flags: Some(1),
            ..Settings::default()
        };
        assert_eq!(
            check_with(base(), &at_1).unwrap().outcome(),
            Outcome::Review
        );
        let mut v = base();
        v["contract"]["no_russia_clause"] = json!(false);
        assert_eq!(check_with(v, &at_1).unwrap().outcome(), Outcome::Deny);
    }

    #[test]
    fn triggered_by_a_consignee_or_end_user_in_a_risk_country_too() {
        let mut v = base();
        v["destination_country"] = json!("DE");
        v["consignee"] = json!({ "name": "Bayern Chips GmbH", "country": "DE" });
        assert_eq!(check(v.clone()), None);

        v["end_user"] = json!({ "name": "Bishkek Radio OsOO", "country": "KG" });
        let f = check(v.clone()).unwrap();
        assert_eq!(f.get_parties(), vec!["end_user"]);
        assert!(
            f.message()
                .contains("(end user `Bishkek Radio OsOO` in KG)"),
            "{}",
            f.message()
        );

        v["consignee"] = json!({ "name": "Dubai Parts FZE", "country": "AE" });
        v.as_object_mut().unwrap().remove("end_user");
        let f = check(v).unwrap();
        assert_eq!(f.get_parties(), vec!["consignee"]);
        assert!(
            f.message().contains("(consignee `Dubai Parts FZE` in AE)"),
            "{}",
            f.message()
        );
    }

    #[test]
    fn every_one_of_the_18_countries_triggers_and_others_do_not() {
        for c in country_sets::TRANSSHIPMENT_RISK.members {
            let mut v = base();
            v["destination_country"] = json!(c.as_str());
            v["consignee"]["country"] = json!(c.as_str());
            assert!(check(v).is_some(), "{c}");
        }
        for c in ["DE", "US", "JP", "EG", "VN", "HK"] {
            let mut v = base();
            v["destination_country"] = json!(c);
            v["consignee"]["country"] = json!(c);
            assert_eq!(check(v), None, "{c}");
        }
    }

    #[test]
    fn flag_parties_are_added_after_the_trigger_parties() {
        let mut v = base();
        v["end_user"] = json!({ "name": "Steppe Logistics LLP", "country": "KZ" });
        v["other_parties"] =
            json!([{ "role": "payer", "name": "Gulf Trading FZE", "country": "AE" }]);
        let f = check(v).unwrap();
        assert_eq!(
            f.get_parties(),
            vec!["consignee", "end_user", "other_parties[0]"]
        );
        assert!(
            f.message().contains(
                "Red flags (2): end user `Steppe Logistics LLP` has a freight forwarder's name"
            ),
            "{}",
            f.message()
        );
    }

    #[test]
    fn cites_art_12gb_from_26_december_2024() {
        let mut v = base();
        v["date"] = json!("2024-12-25");
        assert!(!check(v.clone()).unwrap().get_legal_basis().contains("12gb"));
        v["date"] = json!("2024-12-26");
        assert!(
            check(v)
                .unwrap()
                .get_legal_basis()
                .contains("; Reg. (EU) 833/2014 Art. 12gb; CHPL")
        );
    }

    #[test]
    fn eu_articles_are_cited_only_where_eu_rules_bind_the_exporter() {
        let mut v = flagged(base());
        v["date"] = json!("2025-01-10");
        v["exporter"] = json!({ "name": "Bishkek Trade OsOO", "country": "KG" });
        v["origin_country"] = json!("CN");
        let f = check(v).unwrap();
        assert!(
            !f.get_legal_basis().contains("833/2014"),
            "{}",
            f.get_legal_basis()
        );
        assert!(
            f.message()
                .contains("No listed regime binds the exporter directly")
        );
        assert!(
            f.message()
                .contains("the Art. 12g obligation does not bind this exporter"),
            "{}",
            f.message()
        );
    }

    #[test]
    fn before_alert003_the_points_are_named_as_later_evidence() {
        let mut v = base();
        v["date"] = json!("2022-03-01");
        let f = check(v.clone()).unwrap();
        assert_eq!(f.outcome(), Outcome::Review);
        assert!(
            f.message()
                .contains("named on 28 Jun 2022, after the law date"),
            "{}",
            f.message()
        );
        v["date"] = json!("2022-06-28");
        assert!(!check(v).unwrap().message().contains("after the law date"));
    }

    #[test]
    fn every_tier_is_reviewed_and_named() {
        for (hs, tier) in [
            ("8542.33", "Tier 1"),
            ("8526.91.20", "Tier 2"),
            ("8471.50", "Tier 3.A"),
            ("8807.30.00", "Tier 3.B"),
            ("8486.20", "Tier 4.A"),
            ("8457.10.10", "Tier 4.B"),
        ] {
            let f = check(with_hs(hs)).unwrap();
            assert!(
                f.get_legal_basis().ends_with(tier),
                "{hs}: {}",
                f.get_legal_basis()
            );
            assert!(f.message().contains(tier), "{hs}: {}", f.message());
        }
    }
}
