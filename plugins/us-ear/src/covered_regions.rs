//! 15 CFR 746.6: the Crimea region of Ukraine and the covered regions of Ukraine (the
//! so-called Donetsk and Luhansk People's Republics).
//!
//! A licence is required for every item subject to the EAR to these regions, except food
//! and medicine designated EAR99 and certain EAR99 or ECCN 5D992.c software for
//! internet-based communications (Country Chart footnote on Ukraine); applications are
//! generally reviewed under a policy of denial.
//!
//! The regions are recognised by the ISO 3166-2 `region` of the consignee, the named end
//! user or an intermediate consignee: `UA-43` (Autonomous Republic of Crimea) and `UA-40`
//! (Sevastopol) for the Crimea region; `UA-14` (Donetsk oblast) and `UA-09` (Luhansk
//! oblast) for the covered regions, from 24 Feb 2022. The so-called DNR and LNR regions are
//! parts of those oblasts, so a party anywhere in them is treated as inside: the document
//! gives no finer location. EAR99 lines in HS chapters 01–22 or 30 (possibly food or
//! medicine) and 5D992.c lines (possibly the exempt software) are reported for review.

use crate::ccl::{Classification, item};
use crate::de_minimis::{self, Basis};
use crate::embargoes::food_or_medicine;
use crate::text;
use exportctl_sdk::{Date, Finding, Line, PartyPath, PartyRole, Rule, Shipment};

/// Items subject to the EAR bound for Crimea or the covered regions of Ukraine.
pub const COVERED_REGIONS: Rule = Rule::new(
    "us-ear-ukraine-covered-regions",
    "15 CFR 746.6 (Crimea region of Ukraine; covered regions of Ukraine: so-called Donetsk and \
     Luhansk People's Republics)",
);

/// The covered regions of Ukraine (so-called DNR and LNR) are controlled from the Russia
/// rule of 24 Feb 2022 (87 FR 12226); the Crimea region long before.
pub const DNR_LNR_FROM: Date = Date::ymd(2022, 2, 24);

/// A region 746.6 covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// The ISO 3166-2 code.
    pub code: &'static str,
    /// What the EAR calls it.
    pub name: &'static str,
    /// First day the region is covered, if after the policy's own start.
    pub from: Option<Date>,
}

/// The regions, by ISO 3166-2 code.
pub const REGIONS: [Region; 4] = [
    Region {
        code: "UA-43",
        name: "Crimea region of Ukraine",
        from: None,
    },
    Region {
        code: "UA-40",
        name: "Crimea region of Ukraine (Sevastopol)",
        from: None,
    },
    Region {
        code: "UA-14",
        name: "Donetsk oblast, covering the so-called DNR region of Ukraine",
        from: Some(DNR_LNR_FROM),
    },
    Region {
        code: "UA-09",
        name: "Luhansk oblast, covering the so-called LNR region of Ukraine",
        from: Some(DNR_LNR_FROM),
    },
];

/// The region 746.6 covers on `as_of`, if `code` is one.
pub fn covered(code: &str, as_of: Date) -> Option<&'static Region> {
    REGIONS
        .iter()
        .find(|r| r.code == code && r.from.is_none_or(|from| as_of >= from))
}

/// One finding per region (licence required), and one for the lines to review.
pub fn check(shipment: &Shipment) -> Vec<Finding> {
    // The parties that place the goods somewhere: consignee, named end user,
    // intermediate consignees. Banks, payers and notify parties do not.
    let receiving = shipment.parties().filter(|p| match p.path {
        PartyPath::Consignee | PartyPath::EndUser => true,
        PartyPath::Other(i) => shipment
            .other_parties
            .get(i)
            .is_some_and(|o| o.role == PartyRole::IntermediateConsignee),
        PartyPath::Exporter => false,
    });
    let mut by_region: Vec<(&Region, Vec<PartyPath>, exportctl_sdk::Country)> = Vec::new();
    for p in receiving {
        let Some(region) = p
            .party
            .region
            .as_deref()
            .and_then(|r| covered(r, shipment.as_of))
        else {
            continue;
        };
        match by_region.iter_mut().find(|(r, _, _)| r.code == region.code) {
            Some((_, paths, _)) => paths.push(p.path),
            None => by_region.push((region, vec![p.path], p.party.country)),
        }
    }

    let mut findings = Vec::new();
    for (region, parties, country) in by_region {
        let mut licence: Vec<(&Line, Basis)> = Vec::new();
        let mut software: Vec<(&Line, Basis)> = Vec::new();
        let mut food: Vec<(&Line, Basis)> = Vec::new();
        for line in &shipment.lines {
            if shipment.licence_covers("US", line.line) {
                continue;
            }
            let Some(basis) = de_minimis::subject(shipment, line, country) else {
                continue;
            };
            let class = Classification::of(line);
            let internet_software = class.is_ccl()
                && class
                    .on_ccl
                    .iter()
                    .all(|(code, _)| code.entry() == "5D992" && code.paragraph.starts_with(".C"));
            if internet_software {
                software.push((line, basis));
            } else if !class.is_ccl() && food_or_medicine(line) {
                food.push((line, basis));
            } else {
                licence.push((line, basis));
            }
        }
        let who = parties
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" and ");
        let place = format!("{who} in {} ({})", region.code, region.name);
        let with_parties = |f: Finding| parties.iter().fold(f, |f, p| f.party(*p));
        if !licence.is_empty() {
            let message = format!(
                "{place}: {}: a licence is required for every item subject to the EAR except food and medicine \
                 designated EAR99 and certain internet-communications software (15 CFR 746.6); applications are \
                 generally reviewed under a policy of denial",
                describe(&licence)
            );
            findings.push(with_parties(
                COVERED_REGIONS
                    .licence_required(text::fit(message))
                    .lines(licence.iter().map(|(l, _)| l.line)),
            ));
        }
        let mut parts = Vec::new();
        if !software.is_empty() {
            parts.push(format!(
                "{}: may be software for internet-based communications, which 746.6 exempts: confirm",
                describe(&software)
            ));
        }
        if !food.is_empty() {
            parts.push(format!(
                "{}: may be food or medicine designated EAR99, which 746.6 exempts: confirm",
                describe(&food)
            ));
        }
        if !parts.is_empty() {
            let mut numbers: Vec<u32> = software.iter().chain(&food).map(|(l, _)| l.line).collect();
            numbers.sort_unstable();
            let message = format!("{place}: {}", parts.join("; "));
            findings.push(with_parties(
                COVERED_REGIONS.review(text::fit(message)).lines(numbers),
            ));
        }
    }
    findings
}

/// `line 1 (EAR99, HTS 8471.30; exporter in the United States), …`, the first ten.
fn describe(lines: &[(&Line, Basis)]) -> String {
    let shown = lines
        .iter()
        .map(|(l, basis)| format!("line {} ({}; {basis})", l.line, item(l)));
    text::items(shown, lines.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Doc;
    use exportctl_sdk::Outcome;

    fn run(doc: Doc) -> Vec<Finding> {
        check(&doc.shipment())
    }

    #[test]
    fn every_item_to_crimea_needs_a_licence() {
        let f = run(Doc::us("2024-06-03", "UA", &["EAR99"])
            .hs(1, "8471.30")
            .consignee_region("UA", "UA-43"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].outcome, Outcome::LicenceRequired);
        assert_eq!(f[0].parties, ["consignee"]);
        assert!(
            f[0].message
                .starts_with("consignee in UA-43 (Crimea region of Ukraine): line 1 (EAR99"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn a_party_in_russia_placed_in_sevastopol_counts() {
        let f = run(Doc::us("2024-06-03", "RU", &["3A991.a"]).consignee_region("RU", "UA-40"));
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("Sevastopol"));
    }

    #[test]
    fn food_medicine_and_internet_software_are_reviewed() {
        let f = run(Doc::us("2024-06-03", "UA", &["EAR99"])
            .hs(1, "3004.90")
            .line(2, &["5D992.c"])
            .hs(2, "8523.49")
            .consignee_region("UA", "UA-43"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].outcome, Outcome::Review);
        assert_eq!(f[0].lines, [1, 2]);
    }

    #[test]
    fn donetsk_and_luhansk_from_24_february_2022() {
        let doc = |date| {
            Doc::us(date, "UA", &["EAR99"])
                .hs(1, "8471.30")
                .consignee_region("UA", "UA-14")
        };
        assert!(run(doc("2022-02-23")).is_empty());
        assert_eq!(run(doc("2022-02-24")).len(), 1);
        let crimea = Doc::us("2022-02-23", "UA", &["EAR99"])
            .hs(1, "8471.30")
            .consignee_region("UA", "UA-43");
        assert_eq!(run(crimea).len(), 1);
    }

    #[test]
    fn other_regions_of_ukraine_are_not_covered() {
        assert!(
            run(Doc::us("2024-06-03", "UA", &["EAR99"]).consignee_region("UA", "UA-30")).is_empty()
        );
    }

    #[test]
    fn a_us_licence_clears_the_line() {
        let doc = Doc::us("2024-06-03", "UA", &["EAR99"])
            .hs(1, "8471.30")
            .consignee_region("UA", "UA-43")
            .licence("US", None, None);
        assert!(run(doc).is_empty());
    }
}
