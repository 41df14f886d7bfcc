//! Art. 4(1)(b) of Reg. (EU) 2021/821, the catch-all for a military end use in a
//! country under an arms embargo (`eu-dual-use-art4-catch-all`).
//!
//! An authorisation is required for the export of dual-use items **not listed** in
//! Annex I intended for a military end use where the purchasing country or the country
//! of destination is subject to an arms embargo decided by the Council, the OSCE or the
//! UN Security Council. The Regulation sets this off by the competent authority
//! informing the exporter (Art. 4(1)); an exporter aware of such an end use must notify
//! the authority, which decides whether the export needs an authorisation (Art. 4(2)).
//! A document that declares the end use military (`end_use.military() = true`) shows that
//! awareness, so such lines are `licence_required` until an EU or member-state licence
//! covering them is cited.
//!
//! The purchasing country and the country of destination are read as the destination
//! country, the consignee's country (the buyer) and the named end user's. Lines with an
//! Annex I code are Art. 3's; lines with a Common Military List code are military items,
//! outside the dual-use Regulation, and are left to the national arms-export controls
//! (a limitation the metadata states).

use crate::arms_embargoes::{self, ArmsEmbargo};
use crate::goods::{self, LineFacts};
use crate::licences;
use exportctl_sdk::{Finding, Rule, Shipment};

/// Unlisted items for a military end use in a country under an arms embargo.
pub const ART_4: Rule = Rule::new(
    "eu-dual-use-art4-catch-all",
    "Reg. (EU) 2021/821 Art. 4(1)(b) and 4(2): dual-use items not listed in Annex I for a military end use in a \
     country under an EU, OSCE or UN arms embargo",
)
.describe("unlisted dual-use items for a military end use in a country under an arms embargo");

/// The embargoes the shipment's purchasing country or country of destination is under,
/// each once, with what makes it so (`destination IR`, `end user `X` in SY`).
fn embargoed(shipment: &Shipment) -> Vec<(&'static ArmsEmbargo, String)> {
    let mut places = vec![(
        shipment.destination_country(),
        format!("destination {}", shipment.destination_country()),
    )];
    for p in shipment.receiving_parties() {
        places.push((
            p.party.country(),
            format!(
                "{} `{}` in {}",
                shipment.role_name(p.path),
                p.party.name(),
                p.party.country()
            ),
        ));
    }
    let mut found: Vec<(&'static ArmsEmbargo, String)> = Vec::new();
    for (country, why) in places {
        let Some(embargo) = arms_embargoes::in_force(country, shipment.as_of()) else {
            continue;
        };
        match found.iter_mut().find(|(e, _)| e.country == embargo.country) {
            Some((_, reasons)) => {
                reasons.push_str("; ");
                reasons.push_str(&why);
            }
            None => found.push((embargo, why)),
        }
    }
    found
}

/// Judges the unlisted lines of an export declared for a military end use.
pub fn check(shipment: &Shipment, facts: &[LineFacts<'_>]) -> Option<Finding> {
    if shipment.end_use().as_ref().and_then(|e| e.military()) != Some(true) {
        return None;
    }
    let embargoes = embargoed(shipment);
    if embargoes.is_empty() {
        return None;
    }
    let unlisted: Vec<&LineFacts> = facts
        .iter()
        .filter(|f| !f.is_annex_i() && !f.military_list)
        .collect();
    let (lines, _licensed) = licences::unlicensed(shipment, unlisted);
    if lines.is_empty() {
        return None;
    }
    let named: Vec<String> = embargoes
        .iter()
        .map(|(e, why)| {
            format!(
                "{} ({why}; imposed by {}; scope: {})",
                e.embargo, e.imposed_by, e.scope
            )
        })
        .collect();
    let acts: Vec<String> = embargoes
        .iter()
        .map(|(e, _)| format!("{}: {}", e.embargo, e.acts))
        .collect();
    Some(
        ART_4
            .licence_required(format!(
                "items not listed in Annex I, declared for a military end use, exported from {} to {} under an arms \
                 embargo: {}. Lines: {}. An exporter aware of a military end use in a country under an arms embargo \
                 must notify the competent authority, which decides whether an authorisation is required \
                 (Art. 4(2)); no EU or member-state licence covering these lines and valid on {} is cited.{}",
                shipment.origin_country(),
                shipment.destination_country(),
                named.join("; "),
                goods::describe(&lines, |f| {
                    f.line.control_codes().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
                }),
                shipment.date(),
                licences::expired(shipment, &lines)
            ))
            .lines(goods::numbers(&lines))
            .legal_basis(format!(
                "Reg. (EU) 2021/821 Art. 4(1)(b), 4(2); {}",
                acts.join("; ")
            )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    fn run(doc: Doc) -> Option<Finding> {
        let s = doc.shipment();
        let facts = goods::classify(s.lines());
        check(&s, &facts)
    }

    #[test]
    fn rule_id_is_valid() {
        assert!(Rule::is_valid_id(ART_4.id));
    }

    #[test]
    fn military_end_use_in_an_embargoed_country_needs_a_licence() {
        let f = run(Doc::export("DE", "VE").military(true).codes(&["EAR99"]));
        let f = f.unwrap_or_else(|| panic!("no finding"));
        assert_eq!(
            (f.outcome(), f.get_lines().to_vec()),
            (Outcome::LicenceRequired, vec![1])
        );
        assert!(f.message().contains("EU arms embargo on Venezuela (destination VE; consignee `Consignee` in VE; imposed by EU"), "{}", f.message());
        assert!(
            f.get_legal_basis()
                .contains("Council Decision (CFSP) 2017/2074"),
            "{}",
            f.get_legal_basis()
        );
    }

    #[test]
    fn the_end_user_s_country_counts() {
        let f = run(Doc::export("DE", "TR").military(true).end_user("SY"));
        assert!(f.is_some_and(|f| f.message().contains("end user `End User` in SY")));
    }

    #[test]
    fn nothing_without_a_military_end_use_or_an_embargo() {
        assert_eq!(run(Doc::export("DE", "VE")), None);
        assert_eq!(run(Doc::export("DE", "VE").military(false)), None);
        assert_eq!(run(Doc::export("DE", "KZ").military(true)), None);
        assert_eq!(run(Doc::export("DE", "US").military(true)), None);
    }

    #[test]
    fn listed_military_and_licensed_lines_are_not_its_business() {
        assert_eq!(
            run(Doc::export("DE", "MM").military(true).codes(&["6A005"])),
            None
        );
        assert_eq!(
            run(Doc::export("DE", "MM").military(true).codes(&["ML10"])),
            None
        );
        assert_eq!(
            run(Doc::export("DE", "MM")
                .military(true)
                .licence("DE", None, None)),
            None
        );
        let f = run(Doc::export("DE", "MM")
            .military(true)
            .codes(&["3A991"])
            .licence("US", None, None));
        assert!(f.is_some());
    }

    #[test]
    fn the_embargo_applies_from_its_first_day() {
        let before = run(Doc::export("DE", "VE").date("2017-11-12").military(true));
        assert_eq!(before, None);
        assert!(run(Doc::export("DE", "VE").date("2017-11-13").military(true)).is_some());
    }
}
