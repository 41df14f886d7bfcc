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
//! (Sevastopol) are the Crimea region itself, and a party there needs a licence
//! (licence_required). `UA-14` (Donetsk oblast) and `UA-09` (Luhansk oblast) are not the
//! covered regions: 746.6 reaches the so-called DNR and LNR regions, parts of those
//! oblasts, from 24 Feb 2022, and a code that names only the oblast cannot say on which
//! side of the line of contact the party is (a hospital in Kramatorsk is in Donetsk oblast
//! and in government-controlled Ukraine). Those parties are reviewed, saying why. A party
//! whose region does not place it there but whose address names one of these regions
//! (`Sevastopol, Crimea`, `ДНР`; [`exportctl_sdk::RegionSet::named_in`]) is reviewed too,
//! quoting the address: the location is inferred from text. EAR99 lines in HS chapters
//! 01–22 or 30 (possibly food or medicine) and 5D992.c lines (possibly the exempt
//! software) are reported for review.

use crate::ccl::{Classification, item};
use crate::de_minimis::{self, Basis};
use crate::embargoes::food_or_medicine;
use crate::text;
use exportctl_sdk::{
    Country, Date, Finding, Line, NamedRegion, PartyPath, PartyRole, Rule, Shipment, region_sets,
};

/// Items subject to the EAR bound for Crimea or the covered regions of Ukraine.
pub const COVERED_REGIONS: Rule = Rule::new(
    "us-ear-ukraine-covered-regions",
    "15 CFR 746.6 (Crimea region of Ukraine; covered regions of Ukraine: so-called Donetsk and \
     Luhansk People's Republics)",
)
.describe("items subject to the EAR bound for Crimea or the covered regions of Ukraine");

/// The covered regions of Ukraine (so-called DNR and LNR) are controlled from the Russia
/// rule of 24 Feb 2022 (87 FR 12226); the Crimea region long before.
pub const DNR_LNR_FROM: Date = Date::ymd(2022, 2, 24);

/// A region 746.6 covers, by the ISO 3166-2 code that names it or the oblast holding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// The ISO 3166-2 code.
    pub code: &'static str,
    /// What the EAR calls it.
    pub name: &'static str,
    /// First day the region is covered, if after the policy's own start.
    pub from: Option<Date>,
    /// The code names the whole oblast, of which 746.6 covers only a part.
    pub oblast: bool,
}

/// The regions, by ISO 3166-2 code.
pub const REGIONS: [Region; 4] = [
    Region {
        code: "UA-43",
        name: "Crimea region of Ukraine",
        from: None,
        oblast: false,
    },
    Region {
        code: "UA-40",
        name: "Crimea region of Ukraine (Sevastopol)",
        from: None,
        oblast: false,
    },
    Region {
        code: "UA-14",
        name: "Donetsk oblast, part of which is the so-called DNR region of Ukraine",
        from: Some(DNR_LNR_FROM),
        oblast: true,
    },
    Region {
        code: "UA-09",
        name: "Luhansk oblast, part of which is the so-called LNR region of Ukraine",
        from: Some(DNR_LNR_FROM),
        oblast: true,
    },
];

/// The region 746.6 covers (or the oblast holding it) on `as_of`, if `code` is one.
pub fn covered(code: &str, as_of: Date) -> Option<&'static Region> {
    REGIONS
        .iter()
        .find(|r| r.code == code && r.from.is_none_or(|from| as_of >= from))
}

/// How the document places a party in a region.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Evidence {
    /// Its `region` code.
    Code,
    /// Its address names the region; the address and the word found.
    Address(String, NamedRegion),
}

/// The parties in one region, placed there the same way.
struct Place<'r> {
    region: &'r Region,
    country: Country,
    parties: Vec<(PartyPath, Evidence)>,
}

impl Place<'_> {
    /// Whether the document places the parties in the region itself: a code for Crimea
    /// or Sevastopol. An oblast code or an address only may.
    fn certain(&self) -> bool {
        !self.region.oblast && self.parties.iter().all(|(_, e)| *e == Evidence::Code)
    }
}

/// Where the receiving parties are, by region code, or by address when no region code
/// places them in a covered region.
fn places(shipment: &Shipment) -> Vec<Place<'static>> {
    // The parties that place the goods somewhere: consignee, named end user,
    // intermediate consignees. Banks, payers and notify parties do not.
    let receiving = shipment.parties().filter(|p| match p.path {
        PartyPath::Consignee | PartyPath::EndUser => true,
        PartyPath::Other(i) => shipment
            .other_parties()
            .get(i)
            .is_some_and(|o| o.role() == PartyRole::IntermediateConsignee),
        PartyPath::Exporter => false,
    });
    let mut places: Vec<Place<'static>> = Vec::new();
    for p in receiving {
        let by_code = p
            .party
            .region()
            .and_then(|r| covered(r, shipment.as_of()))
            .map(|region| (region, Evidence::Code));
        let by_address = || {
            let address = p.party.address()?;
            [region_sets::CRIMEA_SEVASTOPOL, region_sets::DONETSK_LUHANSK]
                .iter()
                .find_map(|set| set.named_in_address(&p.party))
                .and_then(|named| {
                    let region = covered(named.code, shipment.as_of())?;
                    Some((region, Evidence::Address(address.to_owned(), named)))
                })
        };
        let Some((region, evidence)) = by_code.or_else(by_address) else {
            continue;
        };
        let by_code = evidence == Evidence::Code;
        match places.iter_mut().find(|place| {
            place.region.code == region.code
                && place
                    .parties
                    .iter()
                    .all(|(_, e)| (*e == Evidence::Code) == by_code)
        }) {
            Some(place) => place.parties.push((p.path, evidence)),
            None => places.push(Place {
                region,
                country: p.party.country(),
                parties: vec![(p.path, evidence)],
            }),
        }
    }
    places
}

/// The lines of a shipment to one region, by what 746.6 does with them.
#[derive(Default)]
struct Lines<'a> {
    licence: Vec<(Line<'a>, Basis)>,
    software: Vec<(Line<'a>, Basis)>,
    food: Vec<(Line<'a>, Basis)>,
}

impl Lines<'_> {
    fn numbers(&self) -> Vec<u32> {
        let mut numbers: Vec<u32> = [&self.licence, &self.software, &self.food]
            .into_iter()
            .flatten()
            .map(|(l, _)| l.number())
            .collect();
        numbers.sort_unstable();
        numbers
    }

    /// What may be exempt, for a message: `line 2 (…): may be food or medicine …`.
    fn exempt_parts(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if !self.software.is_empty() {
            parts.push(format!(
                "{}: may be software for internet-based communications, which 746.6 exempts: confirm",
                describe(&self.software)
            ));
        }
        if !self.food.is_empty() {
            parts.push(format!(
                "{}: may be food or medicine designated EAR99, which 746.6 exempts: confirm",
                describe(&self.food)
            ));
        }
        parts
    }
}

fn lines<'a>(shipment: &'a Shipment<'a>, country: Country) -> Lines<'a> {
    let mut lines = Lines::default();
    for line in &shipment.lines() {
        if shipment.licence_covers("US", line.number()) {
            continue;
        }
        let Some(basis) = de_minimis::subject(shipment, &line, country) else {
            continue;
        };
        let class = Classification::of(line);
        let internet_software = class.is_ccl()
            && class
                .on_ccl
                .iter()
                .all(|(code, _)| code.entry() == "5D992" && code.paragraph.starts_with(".C"));
        if internet_software {
            lines.software.push((line, basis));
        } else if !class.is_ccl() && food_or_medicine(&line) {
            lines.food.push((line, basis));
        } else {
            lines.licence.push((line, basis));
        }
    }
    lines
}

/// Crimea by region code: one finding requiring a licence, and one for the lines to
/// review. An oblast code or an address: one review, saying why.
pub fn check(shipment: &Shipment) -> Vec<Finding> {
    let mut findings = Vec::new();
    for place in places(shipment) {
        let lines = lines(shipment, place.country);
        let paths: Vec<PartyPath> = place.parties.iter().map(|(p, _)| *p).collect();
        let with_parties = |f: Finding| paths.iter().fold(f, |f, p| f.party(*p));
        let region = place.region;
        if place.certain() {
            let who = join(paths.iter().map(ToString::to_string));
            let at = format!("{who} in {} ({})", region.code, region.name);
            if !lines.licence.is_empty() {
                let message = format!(
                    "{at}: {}: a licence is required for every item subject to the EAR except food and medicine \
                     designated EAR99 and certain internet-communications software (15 CFR 746.6); applications are \
                     generally reviewed under a policy of denial",
                    describe(&lines.licence)
                );
                findings.push(with_parties(
                    COVERED_REGIONS
                        .licence_required(text::fit(message))
                        .lines(lines.licence.iter().map(|(l, _)| l.number())),
                ));
            }
            let parts = lines.exempt_parts();
            if !parts.is_empty() {
                let mut numbers: Vec<u32> = lines
                    .software
                    .iter()
                    .chain(&lines.food)
                    .map(|(l, _)| l.number())
                    .collect();
                numbers.sort_unstable();
                let message = format!("{at}: {}", parts.join("; "));
                findings.push(with_parties(
                    COVERED_REGIONS.review(text::fit(message)).lines(numbers),
                ));
            }
            continue;
        }
        let numbers = lines.numbers();
        if numbers.is_empty() {
            continue;
        }
        let covered_region = if region.oblast {
            match region.code {
                "UA-14" => "the so-called Donetsk People's Republic (DNR) region",
                _ => "the so-called Luhansk People's Republic (LNR) region",
            }
        } else {
            "the Crimea region of Ukraine"
        };
        let why = if place.parties.iter().all(|(_, e)| *e == Evidence::Code) {
            let who = join(paths.iter().map(ToString::to_string));
            format!(
                "{who} in {} ({}): 15 CFR 746.6 covers {covered_region}, not the whole oblast, and the \
                 region code names only the oblast, not the side of the line of contact",
                region.code, region.name
            )
        } else {
            let who = join(place.parties.iter().map(|(path, e)| match e {
                Evidence::Address(address, named) => format!(
                    "{path} (address `{address}` names `{}`, {})",
                    named.word, named.region
                ),
                Evidence::Code => path.to_string(),
            }));
            format!(
                "{who}: no region code places the party in {covered_region}, which 15 CFR 746.6 covers; \
                 the address text does, and this is an inference from it"
            )
        };
        let mut requirement = String::new();
        if !lines.licence.is_empty() {
            requirement = format!(
                "{}: a licence is required for every item subject to the EAR (applications generally reviewed \
                 under a policy of denial)",
                describe(&lines.licence)
            );
        }
        for part in lines.exempt_parts() {
            if !requirement.is_empty() {
                requirement.push_str("; ");
            }
            requirement.push_str(&part);
        }
        let message = format!(
            "{why}: establish where the party is before release; if it is in {covered_region}, {requirement}"
        );
        findings.push(with_parties(
            COVERED_REGIONS.review(text::fit(message)).lines(numbers),
        ));
    }
    findings
}

fn join(parts: impl Iterator<Item = String>) -> String {
    parts.collect::<Vec<_>>().join(" and ")
}

/// `line 1 (EAR99, HTS 8471.30; exporter in the United States), …`, the first ten.
fn describe(lines: &[(Line, Basis)]) -> String {
    let shown = lines
        .iter()
        .map(|(l, basis)| format!("line {} ({}; {basis})", l.number(), item(l)));
    text::items(shown, lines.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    fn run(doc: Doc) -> Vec<Finding> {
        check(&doc.shipment())
    }

    #[test]
    fn every_item_to_crimea_needs_a_licence() {
        let f = run(Doc::us("2024-06-03", "UA", &["EAR99"])
            .line_hs(1, "8471.30")
            .consignee_region("UA", "UA-43"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].outcome(), Outcome::LicenceRequired);
        assert_eq!(f[0].get_parties(), ["consignee"]);
        assert!(
            f[0].message()
                .starts_with("consignee in UA-43 (Crimea region of Ukraine): line 1 (EAR99"),
            "{}",
            f[0].message()
        );
    }

    #[test]
    fn a_party_in_russia_placed_in_sevastopol_counts() {
        let f = run(Doc::us("2024-06-03", "RU", &["3A991.a"]).consignee_region("RU", "UA-40"));
        assert_eq!(f.len(), 1);
        assert!(f[0].message().contains("Sevastopol"));
    }

    #[test]
    fn food_medicine_and_internet_software_are_reviewed() {
        let f = run(Doc::us("2024-06-03", "UA", &["EAR99"])
            .line_hs(1, "3004.90")
            .line(2, &["5D992.c"])
            .line_hs(2, "8523.49")
            .consignee_region("UA", "UA-43"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].outcome(), Outcome::Review);
        assert_eq!(f[0].get_lines(), [1, 2]);
    }

    #[test]
    fn donetsk_and_luhansk_oblasts_from_24_february_2022_are_reviewed() {
        let doc = |date| {
            Doc::us(date, "UA", &["EAR99"])
                .line_hs(1, "8471.30")
                .consignee_region("UA", "UA-14")
        };
        assert!(run(doc("2022-02-23")).is_empty());
        let f = run(doc("2022-02-24"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].outcome(), Outcome::Review);
        let crimea = Doc::us("2022-02-23", "UA", &["EAR99"])
            .line_hs(1, "8471.30")
            .consignee_region("UA", "UA-43");
        assert_eq!(run(crimea)[0].outcome(), Outcome::LicenceRequired);
    }

    #[test]
    fn a_hospital_in_kramatorsk_is_reviewed_not_licensed() {
        // Medical equipment for a hospital in government-controlled Donetsk oblast.
        let f = run(Doc::us("2024-06-03", "UA", &["EAR99"])
            .line_hs(1, "9018.19")
            .line(2, &["EAR99"])
            .line_hs(2, "3004.90")
            .consignee_region("UA", "UA-14"));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].outcome(), Outcome::Review);
        assert_eq!(f[0].get_lines(), [1, 2]);
        assert_eq!(f[0].get_parties(), ["consignee"]);
        assert!(
            f[0].message().starts_with(
                "consignee in UA-14 (Donetsk oblast, part of which is the so-called DNR region of Ukraine): \
                 15 CFR 746.6 covers the so-called Donetsk People's Republic (DNR) region, not the whole oblast"
            ),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].message().contains("line 1 (EAR99, HTS 9018.19")
                && f[0].message().contains("may be food or medicine"),
            "{}",
            f[0].message()
        );
    }

    #[test]
    fn an_address_in_sevastopol_without_a_region_is_reviewed_quoting_it() {
        let f = run(Doc::us("2024-06-03", "UA", &["EAR99"])
            .line_hs(1, "8471.30")
            .consignee_address("ul. Bolshaya Morskaya 10, Sevastopol, Crimea"));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].outcome(), Outcome::Review);
        assert_eq!(f[0].get_parties(), ["consignee"]);
        assert!(
            f[0].message().starts_with(
                "consignee (address `ul. Bolshaya Morskaya 10, Sevastopol, Crimea` names `Sevastopol`, \
                 Sevastopol): no region code places the party in the Crimea region of Ukraine"
            ),
            "{}",
            f[0].message()
        );
        // In Cyrillic, and for the so-called DNR.
        let f = run(Doc::us("2024-06-03", "RU", &["3A991.a"]).consignee_address("г. Донецк, ДНР"));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(
            f[0].message().contains("names `Донецк`"),
            "{}",
            f[0].message()
        );
    }

    #[test]
    fn an_address_is_not_read_when_the_region_code_decides_or_names_elsewhere() {
        let coded = run(Doc::us("2024-06-03", "UA", &["EAR99"])
            .line_hs(1, "8471.30")
            .consignee_region("UA", "UA-43")
            .consignee_address("Simferopol, Crimea"));
        assert_eq!(coded.len(), 1);
        assert_eq!(coded[0].outcome(), Outcome::LicenceRequired);
        for address in [
            "Donetsk, Rostov oblast",
            "Krymskaya ul. 4, Krasnodar",
            "Kramatorsk",
        ] {
            let f = run(Doc::us("2024-06-03", "RU", &["3A991.a"]).consignee_address(address));
            assert!(f.is_empty(), "{address}: {f:#?}");
        }
        // The so-called DNR is covered from 24 Feb 2022, by address as by code.
        assert!(
            run(Doc::us("2022-02-23", "UA", &["EAR99"]).consignee_address("Donetsk, DNR"))
                .is_empty()
        );
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
            .line_hs(1, "8471.30")
            .consignee_region("UA", "UA-43")
            .licence("US", None, None);
        assert!(run(doc).is_empty());
    }
}
