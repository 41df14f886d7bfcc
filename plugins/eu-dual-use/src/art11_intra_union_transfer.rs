//! Art. 11(1) of Reg. (EU) 2021/821: the transfer within the Union of the dual-use
//! items listed in Annex IV needs an authorisation (`eu-dual-use-art11-annex-iv`).
//!
//! A transfer here is goods moving from one member state (the origin country) to
//! another (the destination). Every other Annex I item moves freely within the Union.
//! A line with an Annex IV code of the embedded table ([`crate::annex_iv`]) is
//! `licence_required` until an EU or member-state licence covering it is cited; a line
//! whose code may be an Annex IV item (only part of the entry is listed, or the code is
//! broader than a listed paragraph) is `review`.

use crate::annex_iv::AnnexIv;
use crate::goods::{self, LineFacts};
use crate::licences;
use exportctl_sdk::{Finding, Rule, Shipment};

/// Annex IV items moving between member states.
pub const ART_11: Rule = Rule::new(
    "eu-dual-use-art11-annex-iv",
    "Reg. (EU) 2021/821 Art. 11(1) and Annex IV: authorisation for intra-Union transfers of Annex IV items",
)
.describe("Annex IV items transferred between member states without an authorisation");

/// Judges the Annex IV lines of a transfer between member states.
pub fn check(shipment: &Shipment, facts: &[LineFacts<'_>]) -> Vec<Finding> {
    let annex_iv: Vec<&LineFacts> = facts.iter().filter(|f| f.annex_iv.is_some()).collect();
    let (unlicensed, _licensed) = licences::unlicensed(shipment, annex_iv);
    let (listed, possibly): (Vec<&LineFacts>, Vec<&LineFacts>) = unlicensed
        .into_iter()
        .partition(|f| matches!(f.annex_iv, Some(AnnexIv::Listed(_))));
    let note = |f: &LineFacts<'_>| match f.annex_iv {
        Some(m) => format!(
            "{}; Annex IV Part {:?}, {}: {}",
            f.annex_i_codes(),
            m.row().part,
            m.row().entry_text(),
            m.row().heading
        ),
        None => f.annex_i_codes(),
    };
    let route = format!(
        "from {} to {}",
        shipment.origin_country(),
        shipment.destination_country()
    );
    let mut findings = Vec::new();
    if !listed.is_empty() {
        findings.push(
            ART_11
                .licence_required(format!(
                    "dual-use items listed in Annex IV transferred within the Union {route}: {}. Their transfer \
                     between member states needs an authorisation; no EU or member-state licence covering these lines \
                     and valid on {} is cited.{} Annex IV is embedded in part only (see the policy's limitations).",
                    goods::describe(&listed, note),
                    shipment.date(),
                    licences::expired(shipment, &listed)
                ))
                .lines(goods::numbers(&listed))
                .legal_basis(format!("{}; Annex I entries {}", ART_11.legal_basis, goods::entries(&listed))),
        );
    }
    if !possibly.is_empty() {
        findings.push(
            ART_11
                .review(format!(
                    "dual-use items that may be listed in Annex IV transferred within the Union {route}: {}. Only \
                     part of the entry is in Annex IV, or the code is broader than the Annex IV paragraph: check \
                     whether the item is an Annex IV item, which needs an authorisation for the transfer.",
                    goods::describe(&possibly, note)
                ))
                .lines(goods::numbers(&possibly))
                .legal_basis(format!("{}; Annex I entries {}", ART_11.legal_basis, goods::entries(&possibly))),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    fn run(doc: Doc) -> Vec<(Outcome, Vec<u32>)> {
        let s = doc.shipment();
        let facts = goods::classify(s.lines());
        check(&s, &facts)
            .into_iter()
            .map(|f| (f.outcome(), f.get_lines().to_vec()))
            .collect()
    }

    #[test]
    fn rule_id_is_valid() {
        assert!(Rule::is_valid_id(ART_11.id));
    }

    #[test]
    fn annex_iv_items_need_a_transfer_licence_and_possible_ones_a_review() {
        let doc = Doc::export("DE", "FR")
            .codes(&["1C001"])
            .add_line(2, "2844.20", &["0C002"])
            .add_line(3, "9013.20", &["6A005"]);
        assert_eq!(
            run(doc),
            [
                (Outcome::LicenceRequired, vec![1]),
                (Outcome::Review, vec![2])
            ]
        );
    }

    #[test]
    fn a_licence_of_a_member_state_clears_the_transfer() {
        assert!(
            run(Doc::export("DE", "FR")
                .codes(&["9A004"])
                .licence("DE", None, None))
            .is_empty()
        );
        assert_eq!(
            run(Doc::export("DE", "FR")
                .codes(&["9A004"])
                .licence("DE", None, Some("2024-01-01"))),
            [(Outcome::LicenceRequired, vec![1])]
        );
    }
}
