//! Whether the law behind a list binds this exporter for this shipment.
//!
//! The US lists bind through US jurisdiction, not everyone:
//!
//! - the **EAR lists** (Denied Persons, Entity List, Military End-User, Unverified, and
//!   the ITAR debarment for defence articles) attach to items subject to the EAR
//!   (15 CFR 734.3): items leaving the United States, US-origin items, and foreign-made
//!   items with US content above the de minimis level (15 CFR 734.4);
//! - the **OFAC lists** (SDN and the non-SDN lists) bind US persons (31 CFR chapter V):
//!   an exporter or any other party in the United States, and payments in US dollars,
//!   which clear through US banks that must block them (a non-US person causing that
//!   is itself liable); US-origin goods also bring the SDN's 15 CFR 744.8 licence
//!   requirement for Russia and Belarus designations.
//!
//! Without such a link the US list does not bind a German exporter of German goods paid
//! in euros, or a Kazakh exporter of Kazakh goods: a match is then a risk finding
//! (secondary-sanctions and banking exposure, and usually a sign the party is listed
//! elsewhere too) and its outcome is at most `review` unless the company applies the US
//! lists as its own policy (setting `apply_us_lists_without_us_nexus`).
//!
//! The UN Security Council list binds every UN member state and, through their
//! implementing law, everyone under their jurisdiction (UN Charter Art. 25 and 41): it
//! needs no link.
//!
//! What the shipment format cannot show is not assumed: US persons among the exporter's
//! staff or owners, US-origin software or technology inside a foreign item beyond the
//! declared `us_content_percent`, and the foreign direct product rules (15 CFR 734.9).

use exportctl_sdk::{Country, Decimal, Shipment};
use std::fmt::{self, Write as _};

/// Which body of law a list rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// The Export Administration Regulations or the ITAR: binds through the items.
    UsExportControls,
    /// OFAC sanctions: bind US persons and US-dollar payments.
    UsSanctions,
    /// UN Security Council sanctions: bind every UN member state.
    UnSecurityCouncil,
}

/// One reason US law reaches the shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// The exporter is in the United States.
    UsExporter,
    /// The goods leave from the United States.
    UsShipment,
    /// A line is of US origin.
    UsOrigin(u32),
    /// A foreign-made line with US content above the de minimis level.
    DeMinimis {
        /// Line number.
        line: u32,
        /// Its US content in percent.
        content: Decimal,
        /// The level it exceeds, in percent.
        level: Decimal,
    },
    /// Another party (forwarder, bank, payer, …) is in the United States: a US person.
    UsParty(String),
    /// A line is priced in US dollars: the payment clears through US banks.
    UsDollars(u32),
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Link::UsExporter => f.write_str("the exporter is in the United States"),
            Link::UsShipment => f.write_str("the goods leave from the United States"),
            Link::UsOrigin(line) => write!(f, "line {line} is of US origin"),
            Link::DeMinimis {
                line,
                content,
                level,
            } => write!(
                f,
                "line {line} has {} % US content, above the de minimis level of {level} % (15 CFR 734.4)",
                content.normalize()
            ),
            Link::UsParty(path) => write!(f, "{path} is in the United States (a US person)"),
            Link::UsDollars(line) => write!(
                f,
                "line {line} is priced in US dollars (the payment clears through US banks)"
            ),
        }
    }
}

/// Destinations of Country Groups E:1 and E:2 (Iran, North Korea, Syria; Cuba), for
/// which the de minimis level is 10 % (15 CFR 734.4(c)).
const E1_E2: [&str; 4] = ["CU", "IR", "KP", "SY"];

/// What links the shipment to the law behind `authority`; empty when nothing does.
/// Always empty for the UN list, which needs no link (see the module documentation).
pub fn us_links(authority: Authority, shipment: &Shipment) -> Vec<Link> {
    if authority == Authority::UnSecurityCouncil {
        return Vec::new();
    }
    let mut links = Vec::new();
    if shipment.exporter().country() == Country::US {
        links.push(Link::UsExporter);
    }
    if shipment.origin_country() == Country::US {
        links.push(Link::UsShipment);
    }
    let destination = shipment.destination_country();
    let russia_belarus = destination == Country::RU || destination == Country::BY;
    for line in &shipment.lines() {
        if line.origin_country() == Some(Country::US) {
            links.push(Link::UsOrigin(line.number()));
            continue;
        }
        let Some(content) = line.us_content_percent() else {
            continue;
        };
        // 0 % for 600-series and 9x515 items to Russia and Belarus (734.4(a)(6)),
        // taken for every military line here: a screening finding errs towards a look.
        let level = if russia_belarus && line.is_military() {
            Decimal::ZERO
        } else if E1_E2.contains(&destination.as_str()) {
            Decimal::TEN
        } else {
            Decimal::from(25)
        };
        if content > level {
            links.push(Link::DeMinimis {
                line: line.number(),
                content,
                level,
            });
        }
    }
    if authority == Authority::UsSanctions {
        for party in shipment.parties().skip(1) {
            if party.party.country() == Country::US {
                links.push(Link::UsParty(party.path.to_string()));
            }
        }
        if let Some(line) = shipment
            .lines()
            .iter()
            .find(|l| l.value().currency().eq_ignore_ascii_case("USD"))
        {
            links.push(Link::UsDollars(line.number()));
        }
    }
    links
}

/// The sentence a finding carries about who the list binds: why US law reaches the
/// shipment, or that it does not and the finding is a risk finding.
pub fn statement(authority: Authority, links: &[Link], shipment: &Shipment) -> String {
    match authority {
        Authority::UnSecurityCouncil => format!(
            "UN Security Council sanctions bind every UN member state, {} included, and through its \
             implementing law this exporter.",
            shipment.exporter().country()
        ),
        _ if !links.is_empty() => {
            let mut s = String::from("US law reaches this shipment: ");
            for (i, link) in links.iter().take(3).enumerate() {
                if i > 0 {
                    s.push_str("; ");
                }
                let _ = write!(s, "{link}");
            }
            if links.len() > 3 {
                let _ = write!(s, "; and {} more", links.len() - 3);
            }
            s.push('.');
            s
        }
        Authority::UsExportControls => format!(
            "US law does not reach this shipment as described (exporter in {}, goods from {}, no US-origin \
             line, no US content above de minimis): no item is subject to the EAR (15 CFR 734.3), so the \
             US list does not bind the exporter directly. This is a risk finding: a listed party is a \
             diversion red flag, and is often listed by the exporter's own authorities too.",
            shipment.exporter().country(),
            shipment.origin_country()
        ),
        Authority::UsSanctions => format!(
            "US law does not reach this shipment as described (exporter in {}, goods from {}, no US-origin \
             line or US content above de minimis, no party in the United States, not priced in US dollars): \
             OFAC sanctions bind US persons (31 CFR chapter V), so the US list does not bind the exporter \
             directly. This is a risk finding: dealing with a blocked party exposes the exporter to US \
             secondary sanctions and its banks to blocking, and the party is often listed by the \
             exporter's own authorities too.",
            shipment.exporter().country(),
            shipment.origin_country()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipment(exporter: &str, origin: &str, line: serde_json::Value) -> Shipment<'static> {
        let doc = serde_json::json!({
            "id": "R-1", "date": "2026-09-01",
            "exporter": { "name": "X", "country": exporter },
            "consignee": { "name": "Y", "country": "RU" },
            "origin_country": origin, "destination_country": "RU", "lines": [line]
        });
        Shipment::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn line(extra: serde_json::Value) -> serde_json::Value {
        let mut l = serde_json::json!({ "line": 1, "description": "wheat", "hs_code": "1001.99",
            "quantity": 1, "value": { "amount": "10.00", "currency": "EUR" } });
        if let (Some(l), Some(extra)) = (l.as_object_mut(), extra.as_object()) {
            l.extend(extra.clone());
        }
        l
    }

    #[test]
    fn a_german_exporter_of_german_goods_in_euros_is_not_reached() {
        let s = shipment("DE", "DE", line(serde_json::json!({})));
        assert!(us_links(Authority::UsSanctions, &s).is_empty());
        assert!(us_links(Authority::UsExportControls, &s).is_empty());
        let text = statement(Authority::UsSanctions, &[], &s);
        assert!(
            text.contains("does not bind the exporter directly"),
            "{text}"
        );
        assert!(text.contains("risk finding"), "{text}");
    }

    #[test]
    fn us_exporter_origin_or_content_reach_both_kinds_of_list() {
        let us = shipment("US", "US", line(serde_json::json!({})));
        assert_eq!(
            us_links(Authority::UsExportControls, &us),
            [Link::UsExporter, Link::UsShipment]
        );
        let origin = shipment(
            "DE",
            "DE",
            line(serde_json::json!({ "origin_country": "US" })),
        );
        assert_eq!(
            us_links(Authority::UsSanctions, &origin),
            [Link::UsOrigin(1)]
        );
        let at = |pct: &str| {
            let s = shipment(
                "DE",
                "DE",
                line(serde_json::json!({ "us_content_percent": pct })),
            );
            us_links(Authority::UsExportControls, &s)
        };
        assert!(at("25").is_empty());
        assert!(matches!(
            at("25.5").as_slice(),
            [Link::DeMinimis { line: 1, .. }]
        ));
    }

    #[test]
    fn us_parties_and_dollars_reach_only_the_ofac_lists() {
        let mut l = line(serde_json::json!({}));
        l["value"]["currency"] = serde_json::json!("USD");
        let s = shipment("DE", "DE", l);
        assert_eq!(us_links(Authority::UsSanctions, &s), [Link::UsDollars(1)]);
        assert!(us_links(Authority::UsExportControls, &s).is_empty());
    }

    #[test]
    fn the_un_list_needs_no_link() {
        let s = shipment("KZ", "KZ", line(serde_json::json!({})));
        assert!(us_links(Authority::UnSecurityCouncil, &s).is_empty());
        let text = statement(Authority::UnSecurityCouncil, &[], &s);
        assert!(
            text.contains("every UN member state, KZ included"),
            "{text}"
        );
    }
}
