//! Art. 2a of Reg. (EU) 833/2014 with Annexes VII and XL (Russia), and Art. 1f with
//! Annexes Va and XXX of Reg. (EC) 765/2006 (Belarus): goods and technology that could
//! contribute to military and technological enhancement (`eu-art2a-annex-vii-xl`), and
//! a review of lines whose control codes say they are controlled but not under which EU
//! annex (`eu-art2a-classification`).
//!
//! Annex VII is not machine-readable in our data. What a document can show of it:
//!
//! - a line that carries an Annex VII code (`X.A.I.001`, …), from 25 Feb 2022 (Reg. (EU)
//!   2022/328 inserted Art. 2a; Belarus: Reg. (EU) 2022/355 of 2 Mar 2022);
//! - a line whose HS code falls under a CHPL subheading: the common high-priority items,
//!   which Annex XL lists by HS code (for Belarus, Annex XXX). Annex XL is encoded by
//!   version ([`crate::annexes`]): 45 codes as inserted by Reg. (EU) 2023/2878 (from
//!   19 Dec 2023), 50 as replaced by Reg. (EU) 2024/1745 (from 25 Jun 2024). A CHPL line
//!   the version in force lists is denied; before Annex XL, or when the version in force
//!   does not list the code yet, it is `review`: Annex VII (not encoded) may still cover it.
//!
//! Licences work as in Art. 2: an EU licence covering a line turns `deny` into
//! `licence_required` (the exemptions and authorisations of Art. 2a(3)–(4) require the
//! competent authority); nothing is allowed.

use crate::annexes::{self, Annex, Verdict};
use crate::art2_dual_use::licence_ids;
use crate::goods::{Goods, Note, RuByClass, Selection};
use crate::provision::{self, Provision};
use crate::reach::RuByTarget;
use exportctl_sdk::chpl::{self, Tier};
use exportctl_sdk::{Country, Date, Finding, Outcome, Rule, Shipment};

/// Annex VII and Annex XL (CHPL) goods to Russia or Belarus.
pub const ART_2A: Rule = Rule::new(
    "eu-art2a-annex-vii-xl",
    "Reg. (EU) 833/2014 Art. 2a and Annex VII (Reg. (EU) 2022/328 of 25 Feb 2022) and Annex XL (Reg. (EU) \
     2023/2878 from 19 Dec 2023, replaced by Reg. (EU) 2024/1745 from 25 Jun 2024); Reg. (EC) 765/2006 Art. 1f, Annexes Va and \
     XXX (Belarus, Reg. (EU) 2022/355 of 2 Mar 2022); CHPL (23 Feb 2024)",
)
.describe("Annex VII and Annex XL (CHPL) goods and technology to Russia or Belarus");

/// Controlled lines for Russia or Belarus whose codes name no EU annex.
pub const CLASSIFICATION: Rule = Rule::new(
    "eu-art2a-classification",
    "Reg. (EU) 833/2014 Art. 2a and Annex VII; Reg. (EC) 765/2006 Art. 1f and Annex Va (classification needed)",
)
.describe("controlled lines for Russia or Belarus whose control codes name no EU annex: classification needed");

/// Art. 2a per country.
pub const PROVISIONS: [Provision; 2] = [
    Provision {
        country: Country::RU,
        citation: "Reg. (EU) 833/2014 Art. 2a and Annex VII (inserted by Reg. (EU) 2022/328 of 25 Feb 2022)",
        from: Date::ymd(2022, 2, 25),
    },
    Provision {
        country: Country::BY,
        citation: "Reg. (EC) 765/2006 Art. 1f and Annex Va (inserted by Reg. (EU) 2022/355 of 2 Mar 2022)",
        from: Date::ymd(2022, 3, 2),
    },
];

/// The day Annex XL first applied (Reg. (EU) 2023/2878, in force 19 Dec 2023), as
/// transcribed in `policies/data/eu/annex_xl_2023-12-19.csv`.
pub const ANNEX_XL_FROM: Date = Date::ymd(2023, 12, 19);

/// Judges the Annex VII and CHPL lines of a shipment bound for Russia or Belarus.
pub fn check(shipment: &Shipment, target: &RuByTarget, goods: &Goods<'_>) -> Vec<Finding> {
    let in_force = provision::in_force(&PROVISIONS, &target.countries, shipment.as_of());
    if in_force.is_empty() {
        // Neither annex existed: nothing to apply.
        return Vec::new();
    }
    let mut coded = Selection::new();
    let mut chpl_only = Selection::new();
    let mut tiers: Vec<Tier> = Vec::new();
    for facts in goods.iter() {
        if facts.ru_by_class() != Some(RuByClass::AnnexViiXl) {
            continue;
        }
        tiers.extend(facts.chpl);
        if facts.annex_vii {
            coded.push(facts.line, Note::AnnexViiXl);
        } else {
            chpl_only.push(facts.line, Note::AnnexViiXl);
        }
    }
    if coded.is_empty() && chpl_only.is_empty() {
        return Vec::new();
    }

    let mut basis = provision::cite(in_force.iter().copied());
    if !tiers.is_empty() {
        basis.push_str("; ");
        basis.push_str(&annex_xl_citation(target));
        basis.push_str("; ");
        basis.push_str(&chpl::citation(tiers));
    }

    let annex_xl = annexes::version_on(Annex::Xl, shipment.as_of());
    let listed = |l: &exportctl_sdk::Line| {
        annex_xl
            .and_then(|v| v.judge(&l.hs_code()))
            .is_some_and(|v| matches!(v, Verdict::Listed(_)))
    };
    let (in_annex_xl, not_yet) = chpl_only.partition(listed);
    let mut denied = coded;
    let mut findings = Vec::new();
    for line in in_annex_xl.lines() {
        denied.push(line, Note::AnnexViiXl);
    }
    if !not_yet.is_empty() {
        findings.push(before_list_version(shipment, target, &not_yet, &basis));
    }
    let (licensed, unlicensed) =
        denied.partition(|l| shipment.eu_licence_covering(l.number()).is_some());
    if !unlicensed.is_empty() {
        findings.push(
            ART_2A
                .deny(format!(
                    "goods of Annex VII / Annex XL (common high-priority items) for Russia/Belarus ({}): {}. \
                     Prohibited; no EU licence covering these lines is cited.",
                    target.describe(),
                    unlicensed.describe()
                ))
                .lines(unlicensed.numbers())
                .legal_basis(basis.clone()),
        );
    }
    if !licensed.is_empty() {
        findings.push(
            ART_2A
                .finding(
                    Outcome::LicenceRequired,
                    format!(
                        "goods of Annex VII / Annex XL for Russia/Belarus ({}): {}. The cited EU licence {} can \
                         make the export lawful only if granted under the exemptions or authorisations of \
                         Art. 2a(3)-(4) (for Belarus, of Art. 1f): confirm this with the issuing authority \
                         before release.",
                        target.describe(),
                        licensed.describe(),
                        licence_ids(shipment, &licensed)
                    ),
                )
                .lines(licensed.numbers())
                .legal_basis(format!("{basis}; exemptions and authorisations Art. 2a(3)-(4)")),
        );
    }
    // Findings in a stable order: deny, licence_required, review.
    findings.sort_by_key(|f| std::cmp::Reverse(f.outcome()));
    findings
        .into_iter()
        .map(|f| target.parties.iter().copied().fold(f, Finding::party))
        .collect()
}

/// Annex XL for Russia, Annex XXX for Belarus.
fn annex_xl_citation(target: &RuByTarget) -> String {
    let mut parts = Vec::new();
    if target.countries.contains(&Country::RU) {
        parts.push(
            "Reg. (EU) 833/2014 Annex XL (common high-priority items, inserted by Reg. (EU) 2023/2878 from 19 Dec 2023, replaced by Reg. (EU) 2024/1745 from 25 Jun 2024)",
        );
    }
    if target.countries.contains(&Country::BY) {
        parts.push("Reg. (EC) 765/2006 Annex XXX (common high-priority items)");
    }
    parts.join("; ")
}

fn before_list_version(
    shipment: &Shipment,
    target: &RuByTarget,
    lines: &Selection<'_>,
    basis: &str,
) -> Finding {
    let then = if shipment.as_of() >= ANNEX_XL_FROM {
        "Annex XL as then in force does not list these codes yet"
    } else {
        "Annex XL did not exist yet (from 19 Dec 2023)"
    };
    ART_2A
        .review(format!(
            "common high-priority items (CHPL {}) for Russia/Belarus ({}): {}. On the law date {} {}; Annex VII, \
             which may cover them, is not encoded by CN code: classify these lines against Annex VII. At most \
             review.",
            chpl::LIST_VERSION,
            target.describe(),
            lines.describe(),
            shipment.as_of(),
            then
        ))
        .lines(lines.numbers())
        .legal_basis(basis)
}

/// Reviews lines for Russia or Belarus that carry a control code naming no EU annex: a
/// US-only ECCN (the EU Annex I does not hold x9xx entries, but Annex VII lists many such
/// items), a Common Military List entry, or an unrecognised code. From the day Art. 2a
/// applies.
pub fn check_classification(
    shipment: &Shipment,
    target: &RuByTarget,
    goods: &Goods<'_>,
) -> Option<Finding> {
    let in_force = provision::in_force(&PROVISIONS, &target.countries, shipment.as_of());
    if in_force.is_empty() {
        return None;
    }
    let mut lines = Selection::new();
    let mut military = false;
    for facts in goods.iter() {
        if facts.ru_by_class() != Some(RuByClass::Unclassified) {
            continue;
        }
        military |= facts.military();
        lines.push(facts.line, Note::OtherCodes);
    }
    if lines.is_empty() {
        return None;
    }
    let mut message = format!(
        "controlled goods for Russia/Belarus ({}) whose control codes name no EU annex: {}. Check each line \
         against Annex VII (Art. 2a) and the other annexes of the Regulation before release.",
        target.describe(),
        lines.describe()
    );
    if military {
        message.push_str(
            " Military items: the EU arms embargo on Russia and Belarus is not encoded by this policy.",
        );
    }
    let finding = CLASSIFICATION
        .review(message)
        .lines(lines.numbers())
        .legal_basis(format!(
            "{} (classification needed)",
            provision::cite(in_force)
        ));
    Some(target.parties.iter().copied().fold(finding, Finding::party))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reach;
    use crate::test_support::{Doc, DocExt as _};

    fn run(doc: Doc) -> Vec<Finding> {
        let s = doc.shipment();
        reach::ru_by_target(&s).map_or_else(Vec::new, |t| check(&s, &t, &Goods::of(&s)))
    }

    fn classify(doc: Doc) -> Option<Finding> {
        let s = doc.shipment();
        reach::ru_by_target(&s).and_then(|t| check_classification(&s, &t, &Goods::of(&s)))
    }

    fn outcomes(findings: &[Finding]) -> Vec<(Outcome, Vec<u32>)> {
        findings
            .iter()
            .map(|f| (f.outcome(), f.get_lines().to_vec()))
            .collect()
    }

    #[test]
    fn rule_ids_are_valid() {
        assert!(Rule::is_valid_id(ART_2A.id));
        assert!(Rule::is_valid_id(CLASSIFICATION.id));
    }

    #[test]
    fn denies_chpl_goods_to_russia_citing_annex_xl_and_the_list() {
        let f = run(Doc::new("2024-06-03", "DE>RU")
            .hs("8542.31")
            .codes(&["3A991.a"]));
        assert_eq!(outcomes(&f), [(Outcome::Deny, vec![1])]);
        assert_eq!(
            f[0].message(),
            "goods of Annex VII / Annex XL (common high-priority items) for Russia/Belarus (destination RU; \
             consignee `Consignee` in RU): line 1 (8542.31, CHPL Tier 1). Prohibited; no EU licence covering \
             these lines is cited."
        );
        assert_eq!(
            f[0].get_legal_basis(),
            "Reg. (EU) 833/2014 Art. 2a and Annex VII (inserted by Reg. (EU) 2022/328 of 25 Feb 2022); \
             Reg. (EU) 833/2014 Annex XL (common high-priority items, inserted by Reg. (EU) 2023/2878 from 19 Dec \
             2023, replaced by Reg. (EU) 2024/1745 from 25 Jun 2024); CHPL (23 Feb 2024) Tier 1"
        );
    }

    #[test]
    fn denies_annex_vii_coded_goods_to_belarus() {
        let f = run(Doc::new("2023-01-10", "DE>BY")
            .hs("8471.30")
            .codes(&["X.A.II.001"]));
        assert_eq!(outcomes(&f), [(Outcome::Deny, vec![1])]);
        assert!(
            f[0].message().contains("line 1 (8471.30, X.A.II.001)"),
            "{}",
            f[0].message()
        );
        assert_eq!(
            f[0].get_legal_basis(),
            "Reg. (EC) 765/2006 Art. 1f and Annex Va (inserted by Reg. (EU) 2022/355 of 2 Mar 2022)"
        );
    }

    #[test]
    fn chpl_lines_are_denied_from_the_annex_xl_version_that_lists_them() {
        let before_xl = run(Doc::new("2023-12-18", "DE>RU").hs("8482.10"));
        assert_eq!(outcomes(&before_xl), [(Outcome::Review, vec![1])]);
        assert!(
            before_xl[0]
                .message()
                .contains("Annex XL did not exist yet (from 19 Dec 2023)")
        );
        let first_day = run(Doc::new("2023-12-19", "DE>RU").hs("8482.10"));
        assert_eq!(outcomes(&first_day), [(Outcome::Deny, vec![1])]);
        // CNC lathes joined Annex XL with Reg. (EU) 2024/1745 (25 Jun 2024).
        let lathe = run(Doc::new("2024-06-24", "DE>RU").hs("8458.11"));
        assert_eq!(outcomes(&lathe), [(Outcome::Review, vec![1])]);
        assert!(
            lathe[0]
                .message()
                .contains("Annex XL as then in force does not list these codes yet"),
            "{}",
            lathe[0].message()
        );
        let lathe = run(Doc::new("2024-06-25", "DE>RU").hs("8458.11"));
        assert_eq!(outcomes(&lathe), [(Outcome::Deny, vec![1])]);
    }

    #[test]
    fn nothing_before_art_2a_existed() {
        assert!(run(Doc::new("2022-02-24", "DE>RU").hs("8542.31")).is_empty());
        assert!(run(Doc::new("2022-02-24", "DE>RU").codes(&["X.A.I.001"])).is_empty());
        assert_eq!(
            run(Doc::new("2022-02-25", "DE>RU").codes(&["X.A.I.001"]))[0].outcome(),
            Outcome::Deny
        );
    }

    #[test]
    fn annex_vii_codes_deny_even_before_the_list_version() {
        let f = run(Doc::new("2023-01-10", "DE>RU")
            .codes(&["X.A.I.001"])
            .add_line(2, "8542.31", &[]));
        assert_eq!(
            outcomes(&f),
            [(Outcome::Deny, vec![1]), (Outcome::Review, vec![2])]
        );
    }

    #[test]
    fn dual_use_lines_are_left_to_art_2() {
        assert!(
            run(Doc::new("2024-06-03", "DE>RU")
                .hs("8542.31")
                .codes(&["3A001"]))
            .is_empty()
        );
    }

    #[test]
    fn an_eu_licence_makes_it_licence_required() {
        let f = run(Doc::new("2024-06-03", "DE>RU")
            .hs("8542.31")
            .add_line(2, "8542.32", &[])
            .licence("IT", Some(&[2]), None));
        assert_eq!(
            outcomes(&f),
            [
                (Outcome::Deny, vec![1]),
                (Outcome::LicenceRequired, vec![2])
            ]
        );
        assert!(
            f[1].get_legal_basis()
                .ends_with("exemptions and authorisations Art. 2a(3)-(4)")
        );
    }

    #[test]
    fn classification_reviews_us_only_and_military_codes() {
        let f = classify(
            Doc::new("2024-06-03", "DE>KZ")
                .end_user("RU")
                .hs("8517.13")
                .codes(&["5A992.c"])
                .add_line(2, "8806.23", &["ML10"])
                .add_line(3, "9403.60", &["EAR99"]),
        )
        .unwrap();
        assert_eq!(
            (f.outcome(), f.get_lines().to_vec()),
            (Outcome::Review, vec![1, 2])
        );
        assert!(
            f.message()
                .contains("line 1 (8517.13, 5A992.c: US-only ECCN, not in EU Annex I)"),
            "{}",
            f.message()
        );
        assert!(
            f.message().ends_with(
                "the EU arms embargo on Russia and Belarus is not encoded by this policy."
            )
        );
        assert_eq!(f.get_parties(), ["end_user"]);
        assert!(classify(Doc::new("2022-02-24", "DE>RU").codes(&["5A992"])).is_none());
        assert!(classify(Doc::new("2024-06-03", "DE>RU").codes(&["EAR99"])).is_none());
    }
}
