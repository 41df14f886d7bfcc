//! Art. 2 of Reg. (EU) 833/2014 (Russia) and Art. 1e of Reg. (EC) 765/2006 (Belarus):
//! dual-use goods to Russia or Belarus (`eu-art2-dual-use`).
//!
//! It is prohibited to sell, supply, transfer or export dual-use goods (Annex I of Reg.
//! (EU) 2021/821) to any person in Russia or for use in Russia, regardless of end use
//! since Reg. (EU) 2022/328 of 25 Feb 2022; Belarus followed with Reg. (EU) 2022/355 of
//! 2 Mar 2022. A line counts when it carries an EU Annex I code
//! ([`exportctl_sdk::ControlCode::is_eu_dual_use`]); US-only ECCNs (x9xx, 0x5zz, 9x515,
//! 600 series) are not Annex I entries and go to the classification review of
//! [`crate::art2a_annex_vii_xl`].
//!
//! The exemptions of Art. 2(3) (humanitarian, medical, media, consumer communication
//! devices, …) and the authorisations of Art. 2(4) can make an export lawful, but only
//! through a competent authority of a member state. So a line the shipment covers with an
//! EU licence (jurisdiction `EU` or a member state) is `licence_required`, a reminder to
//! confirm the licence rests on those paragraphs; every other line is `deny`. Nothing
//! here ever allows.
//!
//! Before the ban regardless of end use, Art. 2 (2014) prohibited dual-use exports to
//! Russia for military use or military end users only; that wording is not encoded, so
//! such shipments get a `review`.

use crate::goods::{Goods, Note, RuByClass, Selection};
use crate::provision::{self, Provision};
use crate::reach::RuByTarget;
use exportctl_sdk::{Country, Date, Finding, Shipment};
use exportctl_sdk::{Outcome, Rule};

/// Dual-use goods to Russia or Belarus.
pub const ART_2: Rule = Rule::new(
    "eu-art2-dual-use",
    "Reg. (EU) 833/2014 Art. 2(1), (3), (4) (dual-use goods of Annex I to Reg. (EU) 2021/821 to Russia, \
     regardless of end use since Reg. (EU) 2022/328 of 25 Feb 2022); Reg. (EC) 765/2006 Art. 1e (Belarus, \
     Reg. (EU) 2022/355 of 2 Mar 2022)",
)
.describe("dual-use goods (Annex I of Reg. (EU) 2021/821) to Russia or Belarus");

/// The ban regardless of end use, per country.
pub const PROVISIONS: [Provision; 2] = [
    Provision {
        country: Country::RU,
        citation: "Reg. (EU) 833/2014 Art. 2(1) (dual-use goods of Annex I to Reg. (EU) 2021/821, regardless of end use since Reg. (EU) 2022/328 of 25 Feb 2022)",
        from: Date::ymd(2022, 2, 25),
    },
    Provision {
        country: Country::BY,
        citation: "Reg. (EC) 765/2006 Art. 1e (dual-use goods to Belarus, inserted by Reg. (EU) 2022/355 of 2 Mar 2022)",
        from: Date::ymd(2022, 3, 2),
    },
];

/// Judges the EU dual-use lines of a shipment bound for Russia or Belarus: `deny`, or
/// `licence_required` for lines an EU licence covers, or `review` before the ban.
pub fn check(shipment: &Shipment, target: &RuByTarget, goods: &Goods<'_>) -> Vec<Finding> {
    let mut lines = Selection::new();
    for facts in goods.iter() {
        if facts.ru_by_class() == Some(RuByClass::DualUse) {
            lines.push(facts.line, Note::Codes);
        }
    }
    if lines.is_empty() {
        return Vec::new();
    }
    let in_force = provision::in_force(&PROVISIONS, &target.countries, shipment.as_of());
    let findings = if in_force.is_empty() {
        vec![before_the_ban(shipment, target, &lines)]
    } else {
        banned(shipment, target, lines, &provision::cite(in_force))
    };
    findings
        .into_iter()
        .map(|f| target.parties.iter().copied().fold(f, Finding::party))
        .collect()
}

fn banned(
    shipment: &Shipment,
    target: &RuByTarget,
    lines: Selection<'_>,
    basis: &str,
) -> Vec<Finding> {
    let (licensed, unlicensed) =
        lines.partition(|l| shipment.eu_licence_covering(l.number()).is_some());
    let mut findings = Vec::new();
    if !unlicensed.is_empty() {
        findings.push(
            ART_2
                .deny(format!(
                    "dual-use goods (EU Annex I) for Russia/Belarus ({}): {}. Prohibited whatever the end use; \
                     no EU licence covering these lines is cited.",
                    target.describe(),
                    unlicensed.describe()
                ))
                .lines(unlicensed.numbers())
                .legal_basis(basis),
        );
    }
    if !licensed.is_empty() {
        let ids = licence_ids(shipment, &licensed);
        findings.push(
            ART_2
                .finding(
                    Outcome::LicenceRequired,
                    format!(
                        "dual-use goods (EU Annex I) for Russia/Belarus ({}): {}. The cited EU licence {} can \
                         make the export lawful only if granted under the exemptions of Art. 2(3) or the \
                         authorisations of Art. 2(4) (for Belarus, the corresponding paragraphs of Art. 1e): \
                         confirm this with the issuing authority before release.",
                        target.describe(),
                        licensed.describe(),
                        ids
                    ),
                )
                .lines(licensed.numbers())
                .legal_basis(format!(
                    "{basis}; exemptions Art. 2(3), authorisations Art. 2(4)"
                )),
        );
    }
    findings
}

fn before_the_ban(shipment: &Shipment, target: &RuByTarget, lines: &Selection<'_>) -> Finding {
    let mut basis = Vec::new();
    if target.countries.contains(&Country::RU) {
        basis.push(
            "Reg. (EU) 833/2014 Art. 2 in its wording before Reg. (EU) 2022/328 (military use or military end users only; not encoded)",
        );
    }
    if target.countries.contains(&Country::BY) {
        basis.push(
            "Reg. (EC) 765/2006 before Reg. (EU) 2022/355 (Belarus dual-use ban not yet in force; earlier measures not encoded)",
        );
    }
    ART_2
        .review(format!(
            "dual-use goods (EU Annex I) for Russia/Belarus ({}): {}. On {} the ban regardless of end use \
             was not yet in force (Russia from 25 Feb 2022, Belarus from 2 Mar 2022); the earlier rules \
             depend on the end use and are not encoded: check the end use and the export authorisation.",
            target.describe(),
            lines.describe(),
            shipment.as_of()
        ))
        .lines(lines.numbers())
        .legal_basis(basis.join("; "))
}

/// The ids of the EU licences covering the selected lines, for a message.
pub fn licence_ids(shipment: &Shipment, lines: &Selection<'_>) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for line in lines.lines() {
        if let Some(licence) = shipment.eu_licence_covering(line.number())
            && !ids.contains(&licence.id())
        {
            ids.push(licence.id());
        }
    }
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reach;
    use crate::test_support::{Doc, DocExt as _};

    fn run(doc: Doc) -> Vec<Finding> {
        let s = doc.shipment();
        match reach::ru_by_target(&s) {
            Some(t) => check(&s, &t, &Goods::of(&s)),
            None => Vec::new(),
        }
    }

    fn outcomes(findings: &[Finding]) -> Vec<(Outcome, Vec<u32>)> {
        findings
            .iter()
            .map(|f| (f.outcome(), f.get_lines().to_vec()))
            .collect()
    }

    #[test]
    fn rule_id_is_valid() {
        assert!(Rule::is_valid_id(ART_2.id));
    }

    #[test]
    fn denies_dual_use_goods_to_russia() {
        let f = run(Doc::new("2024-06-03", "DE>RU").codes(&["3A001.a.2"]));
        assert_eq!(outcomes(&f), [(Outcome::Deny, vec![1])]);
        assert_eq!(f[0].rule(), "eu-art2-dual-use");
        assert_eq!(
            f[0].message(),
            "dual-use goods (EU Annex I) for Russia/Belarus (destination RU; consignee `Consignee` in RU): \
             line 1 (9403.60, 3A001.a.2). Prohibited whatever the end use; no EU licence covering these lines is cited."
        );
        assert_eq!(f[0].get_parties(), ["consignee"]);
        assert!(
            f[0].get_legal_basis()
                .starts_with("Reg. (EU) 833/2014 Art. 2(1)")
        );
        assert!(!f[0].get_legal_basis().contains("765/2006"));
    }

    #[test]
    fn denies_for_an_end_user_in_russia_via_a_third_country() {
        let f = run(Doc::new("2024-06-03", "DE>KZ")
            .codes(&["5A002"])
            .end_user("RU"));
        assert_eq!(outcomes(&f), [(Outcome::Deny, vec![1])]);
        assert_eq!(f[0].get_parties(), ["end_user"]);
    }

    #[test]
    fn belarus_cites_regulation_765_2006() {
        let f = run(Doc::new("2024-06-03", "DE>BY").codes(&["5A002"]));
        assert_eq!(f[0].outcome(), Outcome::Deny);
        assert!(
            f[0].get_legal_basis()
                .starts_with("Reg. (EC) 765/2006 Art. 1e"),
            "{}",
            f[0].get_legal_basis()
        );
    }

    #[test]
    fn us_only_eccns_are_not_its_business() {
        assert!(run(Doc::new("2024-06-03", "DE>RU").codes(&["3A991.a"])).is_empty());
        assert!(run(Doc::new("2024-06-03", "DE>RU").codes(&["EAR99"])).is_empty());
    }

    #[test]
    fn boundary_25_february_2022_for_russia() {
        let before = run(Doc::new("2022-02-24", "DE>RU").codes(&["3A001"]));
        assert_eq!(outcomes(&before), [(Outcome::Review, vec![1])]);
        assert!(
            before[0].message().contains("not yet in force"),
            "{}",
            before[0].message()
        );
        assert!(
            before[0]
                .get_legal_basis()
                .contains("wording before Reg. (EU) 2022/328")
        );
        let first_day = run(Doc::new("2022-02-25", "DE>RU").codes(&["3A001"]));
        assert_eq!(outcomes(&first_day), [(Outcome::Deny, vec![1])]);
    }

    #[test]
    fn boundary_2_march_2022_for_belarus() {
        let before = run(Doc::new("2022-03-01", "DE>BY").codes(&["3A001"]));
        assert_eq!(before[0].outcome(), Outcome::Review);
        let first_day = run(Doc::new("2022-03-02", "DE>BY").codes(&["3A001"]));
        assert_eq!(first_day[0].outcome(), Outcome::Deny);
        // Russia already banned, Belarus not yet: deny citing Russia only.
        let both = run(Doc::new("2022-02-28", "DE>BY")
            .codes(&["3A001"])
            .end_user("RU"));
        assert_eq!(both[0].outcome(), Outcome::Deny);
        assert!(!both[0].get_legal_basis().contains("765/2006"));
    }

    #[test]
    fn an_eu_licence_turns_deny_into_licence_required_never_allow() {
        let f = run(Doc::new("2024-06-03", "DE>RU")
            .codes(&["3A001"])
            .add_line(2, "8471.30", &["5A002"])
            .licence("DE", Some(&[2]), None));
        assert_eq!(
            outcomes(&f),
            [
                (Outcome::Deny, vec![1]),
                (Outcome::LicenceRequired, vec![2])
            ]
        );
        assert!(f[1].message().contains("`DE-LIC-1`"), "{}", f[1].message());
        assert!(
            f[1].get_legal_basis()
                .ends_with("exemptions Art. 2(3), authorisations Art. 2(4)")
        );

        let eu = run(Doc::new("2024-06-03", "DE>RU")
            .codes(&["3A001"])
            .licence("EU", None, None));
        assert_eq!(outcomes(&eu), [(Outcome::LicenceRequired, vec![1])]);
    }

    #[test]
    fn non_eu_or_expired_licences_do_not_count() {
        for doc in [
            Doc::new("2024-06-03", "DE>RU")
                .codes(&["3A001"])
                .licence("US", None, None),
            Doc::new("2024-06-03", "DE>RU")
                .codes(&["3A001"])
                .licence("KZ", None, None),
            Doc::new("2024-06-03", "DE>RU").codes(&["3A001"]).licence(
                "DE",
                None,
                Some("2024-06-02"),
            ),
            Doc::new("2024-06-03", "DE>RU")
                .codes(&["3A001"])
                .add_line(2, "9403.60", &[])
                .licence("DE", Some(&[2]), None),
        ] {
            assert_eq!(outcomes(&run(doc)), [(Outcome::Deny, vec![1])]);
        }
        let last_day = run(Doc::new("2024-06-03", "DE>RU").codes(&["3A001"]).licence(
            "FR",
            None,
            Some("2024-06-03"),
        ));
        assert_eq!(last_day[0].outcome(), Outcome::LicenceRequired);
    }

    #[test]
    fn nothing_for_other_destinations() {
        assert!(run(Doc::new("2024-06-03", "DE>KZ").codes(&["3A001"])).is_empty());
    }
}
