//! CHPL items for Russia or Belarus: to a destination, consignee, end user or intermediate
//! consignee there (`chpl-russia-belarus`), or on a route through there
//! (`chpl-transit-russia-belarus`).
//!
//! Each rule splits the CHPL lines by what binds the exporter on the law date
//! ([`Regimes`], [`lists`]): a line that a list binding this exporter names on that
//! date is denied, citing that law; every other line (a list not yet published, an Annex
//! XL version without the code, or an exporter no listed regime binds) is reviewed with
//! the evidence. There is no third outcome: a line the pattern shows is never left out,
//! whatever the date.

use crate::chpl::{ChplLine, ChplLines, MAX_NAMED_LINES};
use crate::lists::{self, FIN_2022_ALERT003, Issuer, ListVersion};
use crate::regimes::Regimes;
use exportctl_sdk::{Country, Date, Finding, PartyPath, Rule, Shipment, country_sets};
use std::collections::BTreeSet;

/// CHPL items sold, supplied or exported to a person in Russia or Belarus, or for use there.
pub const TO_RUSSIA_BELARUS: Rule = Rule::new(
    "chpl-russia-belarus",
    "Reg. (EU) 833/2014 Art. 2a and Annex XL (Russia); Reg. (EC) 765/2006 (Belarus); 15 CFR 746.8; FinCEN/BIS \
     FIN-2022-Alert003, FIN-2023-Alert004; CHPL (23 Feb 2024)",
)
.describe("Common High Priority items sold, supplied or exported to Russia or Belarus or for use there");

/// CHPL items routed through Russia or Belarus to another country.
pub const TRANSIT_RUSSIA_BELARUS: Rule = Rule::new(
    "chpl-transit-russia-belarus",
    "Reg. (EU) 833/2014 ban on transit via Russia (Reg. 2023/427, 2023/1214, 2023/2878) and Annex XL; Reg. (EC) 765/2006 (Belarus, Reg. 2024/1865); FIN-2022-Alert003 (route through Russia/Belarus); CHPL (23 Feb 2024)",
)
.describe("Common High Priority items routed through Russia or Belarus to another country");

/// The transit via Russia of Annex VII goods exported from the Union is prohibited from
/// this day (Reg. (EU) 2023/427); Annex XL codes are Annex VII goods.
pub const RU_TRANSIT_BAN_FROM: Date = Date::ymd(2023, 2, 25);

/// The transit via Belarus is prohibited from this day (Reg. (EU) 2024/1865, in force
/// 1 Jul 2024).
pub const BY_TRANSIT_BAN_FROM: Date = Date::ymd(2024, 7, 1);

/// How one CHPL line stands on the law date. Only two standings exist, so a line the
/// pattern shows always gives a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing<'l> {
    /// A list binding this exporter names the line: deny, citing these laws (one or two:
    /// EU and US).
    Prohibited([Option<&'l str>; 2]),
    /// Nothing binding names it yet (or binds the exporter at all): review, with the
    /// lists that name it on the law date as evidence.
    Evidence,
}

/// Splits the lines into the denied ones (with the laws, once each) and the reviewed ones.
/// `prohibiting` gives the laws (computed once per shipment) that prohibit a line.
fn split<'s, 'a, 'l>(
    lines: &'s ChplLines<'a>,
    prohibiting: impl Fn(&ChplLine<'a>) -> [Option<&'l str>; 2],
) -> (Vec<&'s ChplLine<'a>>, Vec<&'l str>, Vec<&'s ChplLine<'a>>) {
    let mut denied = Vec::new();
    let mut laws: Vec<&str> = Vec::new();
    let mut reviewed = Vec::new();
    for line in lines.iter() {
        let standing = match prohibiting(line) {
            [None, None] => Standing::Evidence,
            found => Standing::Prohibited(found),
        };
        match standing {
            Standing::Prohibited(found) => {
                for law in found.into_iter().flatten() {
                    // The laws are the few strings `prohibiting` was built with: the same
                    // law is the same string, so comparing addresses is enough (and
                    // cheaper than comparing texts once per line).
                    if !laws.iter().any(|l| std::ptr::eq(*l, law)) {
                        laws.push(law);
                    }
                }
                denied.push(line);
            }
            Standing::Evidence => reviewed.push(line),
        }
    }
    (denied, laws, reviewed)
}

/// The lists naming `line` on `as_of` that a finding for this exporter may cite as
/// evidence: Annex XL only where EU rules bind the exporter.
fn naming(line: &ChplLine<'_>, as_of: Date, regimes: &Regimes) -> Vec<&'static ListVersion> {
    lists::naming(&line.line.hs_code(), as_of)
        .into_iter()
        .filter(|l| l.issuer != Issuer::EuAnnexXl || regimes.eu.is_some())
        .collect()
}

/// `and 3 more lines` when `lines` holds more than [`MAX_NAMED_LINES`].
fn more(lines: &[&ChplLine<'_>], sep: &str) -> String {
    match lines.len().saturating_sub(MAX_NAMED_LINES) {
        0 => String::new(),
        rest => format!("{sep}and {rest} more lines"),
    }
}

/// `line 1 (8542.31, Tier 1)` for each named line.
fn describe(lines: &[&ChplLine<'_>]) -> String {
    let named: Vec<String> = lines
        .iter()
        .take(MAX_NAMED_LINES)
        .map(|l| {
            format!(
                "line {} ({}, {})",
                l.line.number(),
                l.line.hs_code(),
                l.tier
            )
        })
        .collect();
    format!("{}{}", named.join(", "), more(lines, ", "))
}

/// What names each reviewed line on the law date, or the later list that names it.
fn evidence(lines: &[&ChplLine<'_>], as_of: Date, regimes: &Regimes) -> String {
    let mut parts = Vec::new();
    for l in lines.iter().take(MAX_NAMED_LINES) {
        let naming = naming(l, as_of, regimes);
        let text = if naming.is_empty() {
            match lists::first_naming(&l.line.hs_code()) {
                Some(later) => format!(
                    "line {}: no list named it on {as_of}; {} names it from {}",
                    l.line.number(),
                    later.citation,
                    later.from
                ),
                None => format!(
                    "line {}: named by no list the policy holds",
                    l.line.number()
                ),
            }
        } else {
            let cited: Vec<&str> = naming.iter().map(|n| n.citation).collect();
            format!("line {}: named by {}", l.line.number(), cited.join(", "))
        };
        parts.push(text);
    }
    let alert = if as_of < FIN_2022_ALERT003 {
        " The risk of diversion through third countries was described publicly by FinCEN/BIS \
         FIN-2022-Alert003 on 28 Jun 2022, after the law date."
    } else {
        ""
    };
    format!(
        "Evidence: {}{}.{alert}",
        parts.join("; "),
        more(lines, "; ")
    )
}

/// The legal basis of a review: the laws binding the exporter (not yet naming the lines),
/// the advisories in force, and the list citations.
fn review_basis(
    regimes: &Regimes,
    eu_law: &str,
    us_law: &str,
    reviewed: &[&ChplLine<'_>],
    as_of: Date,
) -> Vec<String> {
    let mut basis: Vec<String> = Vec::new();
    if regimes.eu.is_some() {
        basis.push(eu_law.to_owned());
    }
    if regimes.us.is_some() {
        basis.push(us_law.to_owned());
    }
    if as_of >= FIN_2022_ALERT003 {
        basis.push("FinCEN/BIS FIN-2022-Alert003 (28 Jun 2022)".to_owned());
    }
    // Each list once, if it names any reviewed line: a few checks, not one per line.
    for list in
        lists::in_force_on(as_of).filter(|l| l.issuer != Issuer::EuAnnexXl || regimes.eu.is_some())
    {
        if reviewed.iter().any(|l| list.covers(&l.line.hs_code())) {
            basis.push(list.citation.to_owned());
        }
    }
    basis
}

/// Lists of `lines` for the legal basis: `CHPL (23 Feb 2024) Tier 1, Tier 3.B`.
fn tiers(lines: &[&ChplLine<'_>]) -> String {
    exportctl_sdk::chpl::citation(lines.iter().map(|l| l.tier))
}

/// Judges CHPL lines whose destination, consignee, named end user or intermediate
/// consignee is in Russia or Belarus: deny where a list binding the exporter names the
/// line on the law date (Annex XL for an EU exporter or origin, the CHPL under 15 CFR
/// 746.8 for a US one), review with the evidence otherwise.
pub fn to_russia_belarus(shipment: &Shipment, lines: &ChplLines<'_>) -> Vec<Finding> {
    let in_ru_by = |c: Country| country_sets::RUSSIA_BELARUS.contains(c);
    let mut reasons = Vec::new();
    let mut parties: Vec<PartyPath> = Vec::new();
    let mut countries = BTreeSet::new();

    if in_ru_by(shipment.destination_country()) {
        reasons.push(format!("destination {}", shipment.destination_country()));
        countries.insert(shipment.destination_country());
    }
    for p in shipment.receiving_parties() {
        if in_ru_by(p.party.country()) {
            let role = shipment.role_name(p.path);
            reasons.push(format!(
                "{role} `{}` in {}",
                p.party.name(),
                p.party.country()
            ));
            parties.push(p.path);
            countries.insert(p.party.country());
        }
    }
    if reasons.is_empty() {
        return Vec::new();
    }
    let as_of = shipment.as_of();
    let regimes = Regimes::of(shipment, lines);
    let mut eu_law = Vec::new();
    if countries.contains(&Country::RU) {
        eu_law.push("Reg. (EU) 833/2014 Art. 2a and Annex XL");
    }
    if countries.contains(&Country::BY) {
        eu_law.push("Reg. (EC) 765/2006 (Belarus counterpart of Art. 2a)");
    }
    let eu_law = eu_law.join("; ");
    let us_law = "15 CFR 746.8";
    let xl = lists::annex_xl_on(as_of).filter(|_| regimes.eu.is_some());
    let eu_deny = xl.map(|xl| format!("{eu_law}; {}", xl.citation));
    let us_deny = (regimes.us.is_some() && as_of >= lists::CHPL_2024.from)
        .then(|| format!("{us_law} ({})", lists::CHPL_2024.citation));
    let (denied, laws, reviewed) = split(lines, |l| {
        [
            eu_deny
                .as_deref()
                .filter(|_| xl.is_some_and(|xl| xl.covers(&l.line.hs_code()))),
            us_deny.as_deref(),
        ]
    });

    let mut findings = Vec::new();
    if !denied.is_empty() {
        findings.push(
            TO_RUSSIA_BELARUS
                .deny(format!(
                    "CHPL items for Russia/Belarus: {}; {}. {}",
                    describe(&denied),
                    reasons.join("; "),
                    regimes.describe()
                ))
                .lines(denied.iter().map(|l| l.line.number()))
                .legal_basis(format!("{}; {}", laws.join("; "), tiers(&denied))),
        );
    }
    if !reviewed.is_empty() {
        let basis = review_basis(&regimes, &eu_law, us_law, &reviewed, as_of);
        let basis = basis
            .into_iter()
            .chain([tiers(&reviewed)])
            .collect::<Vec<_>>();
        findings.push(
            TO_RUSSIA_BELARUS
                .review(format!(
                    "CHPL items for Russia/Belarus: {}; {}. {} No list binding this exporter names these lines on \
                     {as_of}, so this is review, not a prohibition. {}",
                    describe(&reviewed),
                    reasons.join("; "),
                    regimes.describe(),
                    evidence(&reviewed, as_of, &regimes)
                ))
                .lines(reviewed.iter().map(|l| l.line.number()))
                .legal_basis(basis.join("; ")),
        );
    }
    findings
        .into_iter()
        .map(|f| parties.iter().copied().fold(f, Finding::party))
        .collect()
}

/// Judges CHPL lines whose route passes through Russia or Belarus (a transit country
/// there; the destination itself is the other rule's concern): deny for goods of an EU
/// exporter or origin once the transit ban and an Annex XL version naming the line apply,
/// review with the evidence otherwise.
pub fn transit_russia_belarus(shipment: &Shipment, lines: &ChplLines<'_>) -> Vec<Finding> {
    let through: BTreeSet<Country> = shipment
        .transit_countries_in(&country_sets::RUSSIA_BELARUS)
        .collect();
    if through.is_empty() {
        return Vec::new();
    }
    let as_of = shipment.as_of();
    let regimes = Regimes::of(shipment, lines);
    let mut bans = Vec::new();
    if through.contains(&Country::RU) && as_of >= RU_TRANSIT_BAN_FROM {
        bans.push(
            "Reg. (EU) 833/2014 ban on transit via Russia (Reg. 2023/427, 2023/1214, 2023/2878)",
        );
    }
    if through.contains(&Country::BY) && as_of >= BY_TRANSIT_BAN_FROM {
        bans.push("Reg. (EC) 765/2006 ban on transit via Belarus (Reg. (EU) 2024/1865)");
    }
    let xl = lists::annex_xl_on(as_of).filter(|_| regimes.eu.is_some() && !bans.is_empty());
    let ban = xl.map(|xl| format!("{} and {}", bans.join("; "), xl.citation));
    let (denied, laws, reviewed) = split(lines, |l| {
        [
            ban.as_deref()
                .filter(|_| xl.is_some_and(|xl| xl.covers(&l.line.hs_code()))),
            None,
        ]
    });
    let shown: Vec<&str> = through.iter().map(Country::as_str).collect();
    let route = format!(
        "routed through {} to {}",
        shown.join(", "),
        shipment.destination_country()
    );
    let mut findings = Vec::new();
    if !denied.is_empty() {
        findings.push(
            TRANSIT_RUSSIA_BELARUS
                .deny(format!(
                    "CHPL items {route}: {}. {}",
                    describe(&denied),
                    regimes.describe()
                ))
                .lines(denied.iter().map(|l| l.line.number()))
                .legal_basis(format!("{}; {}", laws.join("; "), tiers(&denied))),
        );
    }
    if !reviewed.is_empty() {
        let eu_law = if bans.is_empty() {
            let mut not_yet = Vec::new();
            if through.contains(&Country::RU) {
                not_yet.push("Reg. (EU) 833/2014 (transit via Russia banned from 25 Feb 2023)");
            }
            if through.contains(&Country::BY) {
                not_yet.push("Reg. (EC) 765/2006 (transit via Belarus banned from 1 Jul 2024)");
            }
            not_yet.join("; ")
        } else {
            bans.join("; ")
        };
        let mut basis = review_basis(&regimes, &eu_law, "15 CFR 746.8", &reviewed, as_of);
        if let Some(alert) = basis
            .iter_mut()
            .find(|b| b.starts_with("FinCEN/BIS FIN-2022-Alert003"))
        {
            alert.push_str(" (route through Russia/Belarus)");
        }
        basis.push(tiers(&reviewed));
        findings.push(
            TRANSIT_RUSSIA_BELARUS
                .review(format!(
                    "CHPL items {route}: {}. {} No transit ban binding this exporter names these lines on {as_of}, \
                     so this is review: goods routed through Russia or Belarus may not leave them. {}",
                    describe(&reviewed),
                    regimes.describe(),
                    evidence(&reviewed, as_of, &regimes)
                ))
                .lines(reviewed.iter().map(|l| l.line.number()))
                .legal_basis(basis.join("; ")),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{base, shipment, with_hs};
    use exportctl_sdk::Outcome;
    use serde_json::{Value, json};

    fn to_ru_by(v: Value) -> Option<Finding> {
        let s = shipment(v);
        to_russia_belarus(&s, &ChplLines::of(&s)).into_iter().next()
    }

    fn transit(v: Value) -> Option<Finding> {
        let s = shipment(v);
        transit_russia_belarus(&s, &ChplLines::of(&s))
            .into_iter()
            .next()
    }

    fn to_russia(mut v: Value) -> Value {
        v["destination_country"] = json!("RU");
        v["consignee"] = json!({ "name": "OOO Tekhnosnab", "country": "RU" });
        v
    }

    #[test]
    fn rule_ids_are_valid() {
        assert!(Rule::is_valid_id(TO_RUSSIA_BELARUS.id));
        assert!(Rule::is_valid_id(TRANSIT_RUSSIA_BELARUS.id));
    }

    #[test]
    fn denies_chpl_lines_when_destination_and_consignee_are_in_russia() {
        let f = to_ru_by(to_russia(base())).unwrap();
        assert_eq!(f.rule(), "chpl-russia-belarus");
        assert_eq!(f.outcome(), Outcome::Deny);
        assert_eq!(f.get_lines(), vec![1]);
        assert_eq!(f.get_parties(), vec!["consignee"]);
        assert_eq!(
            f.message(),
            "CHPL items for Russia/Belarus: line 1 (8542.31, Tier 1); destination RU; consignee `OOO Tekhnosnab` in RU. \
             EU rules bind the exporter (exporter in DE)."
        );
        assert_eq!(
            f.get_legal_basis(),
            "Reg. (EU) 833/2014 Art. 2a and Annex XL; Annex XL of Reg. (EU) 833/2014 as inserted by Reg. (EU) \
             2023/2878 (from 19 Dec 2023); CHPL (23 Feb 2024) Tier 1"
        );
    }

    #[test]
    fn denies_when_only_the_destination_is_russia() {
        let mut v = base();
        v["destination_country"] = json!("RU");
        let f = to_ru_by(v).unwrap();
        assert_eq!(
            f.get_parties(),
            Vec::<String>::new(),
            "no party is in Russia"
        );
        assert!(
            f.message()
                .ends_with("; destination RU. EU rules bind the exporter (exporter in DE)."),
            "{}",
            f.message()
        );
    }

    #[test]
    fn denies_when_the_end_user_is_in_russia_and_names_the_party() {
        let mut v = base();
        v["end_user"] = json!({ "name": "AO Radiozavod", "country": "RU" });
        let f = to_ru_by(v).unwrap();
        assert_eq!(f.get_parties(), vec!["end_user"]);
        assert!(f.message().contains("end user `AO Radiozavod` in RU"));
    }

    #[test]
    fn denies_when_only_the_consignee_is_in_belarus_citing_the_belarus_regulation() {
        let mut v = base();
        v["consignee"] = json!({ "name": "OAO Integral", "country": "BY" });
        v["end_user"] = json!({ "name": "Astana Tech Supply TOO", "country": "KZ" });
        let f = to_ru_by(v).unwrap();
        assert_eq!(f.get_parties(), vec!["consignee"]);
        assert_eq!(
            f.get_legal_basis(),
            "Reg. (EC) 765/2006 (Belarus counterpart of Art. 2a); Annex XL of Reg. (EU) 833/2014 as inserted by \
             Reg. (EU) 2023/2878 (from 19 Dec 2023); CHPL (23 Feb 2024) Tier 1"
        );
    }

    #[test]
    fn denies_belarus_destination_and_cites_both_regulations_when_russia_is_involved_too() {
        let mut v = base();
        v["destination_country"] = json!("BY");
        v["consignee"] = json!({ "name": "OAO Integral", "country": "BY" });
        v["end_user"] = json!({ "name": "AO Radiozavod", "country": "RU" });
        let f = to_ru_by(v).unwrap();
        assert_eq!(f.get_parties(), vec!["consignee", "end_user"]);
        assert!(
            f.get_legal_basis()
                .starts_with("Reg. (EU) 833/2014 Art. 2a and Annex XL; Reg. (EC) 765/2006")
        );
    }

    #[test]
    fn denies_an_intermediate_consignee_in_russia_but_not_a_bank() {
        let mut v = base();
        v["other_parties"] = json!([
            { "role": "bank", "name": "Sberbank", "country": "RU" },
            { "role": "intermediate_consignee", "name": "OOO Sklad", "country": "RU" }
        ]);
        let f = to_ru_by(v).unwrap();
        assert_eq!(f.get_parties(), vec!["other_parties[1]"]);

        let mut v = base();
        v["other_parties"] = json!([{ "role": "bank", "name": "Sberbank", "country": "RU" }]);
        assert_eq!(to_ru_by(v), None);
    }

    #[test]
    fn names_only_the_chpl_lines_with_their_tiers() {
        let mut v = to_russia(base());
        v["lines"] = json!([
            { "line": 1, "description": "manuals", "hs_code": "4901.99", "quantity": 1, "value": { "amount": "1", "currency": "EUR" } },
            { "line": 2, "description": "tantalum capacitors", "hs_code": "8532.21.00", "quantity": 1, "value": { "amount": "1", "currency": "EUR" } },
            { "line": 3, "description": "CNC lathe", "hs_code": "845811", "quantity": 1, "value": { "amount": "1", "currency": "EUR" } }
        ]);
        // On 3 Jun 2024 Annex XL (2023 version) lists the capacitors, not yet the lathe.
        let s = shipment(v);
        let f = to_russia_belarus(&s, &ChplLines::of(&s));
        assert_eq!(f.len(), 2);
        assert_eq!(
            (f[0].outcome(), f[0].get_lines().to_vec()),
            (Outcome::Deny, vec![2])
        );
        assert_eq!(
            (f[1].outcome(), f[1].get_lines().to_vec()),
            (Outcome::Review, vec![3])
        );
        assert!(
            f[0].message().contains("line 2 (8532.21.00, Tier 2);"),
            "{}",
            f[0].message()
        );
        assert!(
            f[1].message()
                .contains("line 3: named by CHPL, version of 23 Feb 2024"),
            "{}",
            f[1].message()
        );
        assert!(
            f[0].get_legal_basis()
                .ends_with("CHPL (23 Feb 2024) Tier 2")
        );
        assert!(
            f[1].get_legal_basis()
                .ends_with("CHPL (23 Feb 2024) Tier 4.B")
        );
    }

    #[test]
    fn every_tier_is_denied_to_russia() {
        for (hs, tier) in [
            ("854232", "Tier 1"),
            ("852691", "Tier 2"),
            ("8541.60.00", "Tier 3.A"),
            ("9014.20.80", "Tier 3.B"),
            ("9030.20", "Tier 4.A"),
            ("8466.93.40", "Tier 4.B"),
        ] {
            let f = to_ru_by(to_russia(with_hs(hs))).unwrap();
            assert!(
                f.get_legal_basis()
                    .ends_with(&format!("CHPL (23 Feb 2024) {tier}")),
                "{hs}: {}",
                f.get_legal_basis()
            );
        }
    }

    #[test]
    fn no_finding_for_chpl_goods_to_kazakhstan_or_germany() {
        assert_eq!(to_ru_by(base()), None);
        let mut v = base();
        v["destination_country"] = json!("DE");
        v["consignee"] = json!({ "name": "Bayern Chips GmbH", "country": "DE" });
        assert_eq!(to_ru_by(v.clone()), None);
        assert_eq!(transit(v), None);
    }

    #[test]
    fn denies_a_route_through_russia() {
        let mut v = base();
        v["transit_countries"] = json!(["PL", "BY", "RU"]);
        let f = transit(v).unwrap();
        assert_eq!(f.rule(), "chpl-transit-russia-belarus");
        assert_eq!(f.outcome(), Outcome::Deny);
        assert_eq!(f.get_lines(), vec![1]);
        assert_eq!(
            f.message(),
            "CHPL items routed through BY, RU to KZ: line 1 (8542.31, Tier 1). EU rules bind the exporter (exporter in DE)."
        );
        assert!(
            f.get_legal_basis()
                .starts_with("Reg. (EU) 833/2014 ban on transit via Russia")
        );
        assert!(
            !f.get_legal_basis().contains("Reg. (EC) 765/2006"),
            "the Belarus transit ban applies from 1 Jul 2024"
        );
    }

    #[test]
    fn a_route_through_belarus_alone_cites_the_belarus_regulation_only() {
        let mut v = base();
        v["transit_countries"] = json!(["BY"]);
        let f = transit(v.clone()).unwrap();
        assert_eq!(
            f.outcome(),
            Outcome::Review,
            "the Belarus transit ban applies from 1 Jul 2024"
        );
        assert!(
            f.get_legal_basis()
                .starts_with("Reg. (EC) 765/2006 (transit via Belarus banned from 1 Jul 2024); FinCEN/BIS FIN-2022-Alert003"),
            "{}",
            f.get_legal_basis()
        );
        v["date"] = json!("2024-07-01");
        let f = transit(v).unwrap();
        assert_eq!(f.outcome(), Outcome::Deny);
        assert!(
            f.get_legal_basis().starts_with(
                "Reg. (EC) 765/2006 ban on transit via Belarus (Reg. (EU) 2024/1865) and Annex XL"
            ),
            "{}",
            f.get_legal_basis()
        );
        assert!(!f.get_legal_basis().contains("833/2014 ban"));
    }

    #[test]
    fn transit_of_goods_no_eu_rule_binds_is_reviewed_citing_the_route_red_flag() {
        let mut v = base();
        v["exporter"] = json!({ "name": "Tashkent Elektron MChJ", "country": "UZ" });
        v["origin_country"] = json!("CN");
        v["transit_countries"] = json!(["RU"]);
        let f = transit(v).unwrap();
        assert_eq!(f.outcome(), Outcome::Review);
        assert!(
            f.get_legal_basis().starts_with(
                "FinCEN/BIS FIN-2022-Alert003 (28 Jun 2022) (route through Russia/Belarus)"
            ),
            "{}",
            f.get_legal_basis()
        );
        assert!(!f.get_legal_basis().contains("833/2014"));
        assert!(
            f.message()
                .contains("No listed regime binds the exporter directly")
        );
    }

    #[test]
    fn a_route_avoiding_russia_and_belarus_is_not_a_transit_finding() {
        let mut v = base();
        v["transit_countries"] = json!(["PL", "LT", "LV", "GE"]);
        assert_eq!(transit(v), None);
    }
}
