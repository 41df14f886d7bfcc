//! The twelve source lists of the Consolidated Screening List and the UN Security
//! Council Consolidated List: what a strong match on each means, and the law it rests
//! on.
//!
//! | list | strong match | legal basis |
//! |---|---|---|
//! | DPL | deny | 15 CFR part 764 (denial orders), 736.2(b)(4) General Prohibition Four |
//! | SDN | deny | 31 CFR chapter V (blocking); 15 CFR 744.8 for Russia/Belarus designations |
//! | EL | licence_required | 15 CFR 744.11, 744.16, Supp. No. 4 to part 744 |
//! | MEU | licence_required | 15 CFR 744.21, Supp. No. 2 and 7 to part 744 |
//! | DTC | deny with a military line, else review | 22 CFR 127.7 (ITAR debarment) |
//! | UVL | review | 15 CFR 744.15, Supp. No. 6 to part 744 |
//! | SSI, ISN, PLC, CMIC, NS-MBS, CAP | review | the programme's measures (see each [`List::rule`]) |
//! | UN | deny under an asset freeze, review for a travel ban only | UN Charter Art. 25, 41; the regime's resolutions |
//!
//! The US lists bind only where US law reaches the shipment ([`crate::reach`]); without
//! that link their outcome is at most review.
//!
//! A weak match on any list is `review` under [`POSSIBLE_MATCH`]. The strong-match
//! outcome of each list can be changed with the `list_outcomes` setting.

use crate::reach::Authority;
use exportctl_sdk::{Outcome, Rule};

/// A source list of the CSL. The discriminant is the list's index in
/// [`crate::source_lists::SOURCE_LISTS`] and in the embedded table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum List {
    /// OFAC Specially Designated Nationals and Blocked Persons.
    Sdn = 0,
    /// BIS Entity List.
    EntityList = 1,
    /// BIS Denied Persons List.
    DeniedPersons = 2,
    /// State Department (DDTC) ITAR debarred parties.
    ItarDebarred = 3,
    /// OFAC Sectoral Sanctions Identifications List.
    SectoralSanctions = 4,
    /// BIS Unverified List.
    Unverified = 5,
    /// State Department nonproliferation sanctions.
    Nonproliferation = 6,
    /// OFAC Non-SDN Palestinian Legislative Council list.
    PalestinianLegislativeCouncil = 7,
    /// BIS Military End User list.
    MilitaryEndUser = 8,
    /// OFAC Non-SDN Chinese Military-Industrial Complex Companies list.
    ChineseMilitaryIndustrial = 9,
    /// OFAC Non-SDN Menu-Based Sanctions list.
    MenuBasedSanctions = 10,
    /// OFAC list of foreign financial institutions subject to correspondent or
    /// payable-through account sanctions (CAPTA).
    Capta = 11,
    /// The UN Security Council Consolidated List (not part of the CSL).
    Un = 12,
}

/// What a strong match on a list leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrongOutcome {
    /// Always this outcome.
    Fixed(Outcome),
    /// `deny` when the shipment has a military line (an ITAR defence article or its EU
    /// or 600-series equivalent), otherwise `review`.
    DenyForDefenceArticles,
    /// `deny` when the entry's UN regime freezes assets, `review` when it imposes a
    /// travel ban only (see [`crate::un_regimes`]).
    DenyUnderAssetFreeze,
}

/// A weak match on any list: a person must decide whether the party is the listed one.
pub const POSSIBLE_MATCH: Rule = Rule::new(
    "csl-possible-match",
    "15 CFR part 732 Supp. No. 3 (BIS \"Know Your Customer\" guidance: resolve red flags before export) \
     and the legal basis of the list matched",
)
.describe("a party weakly matching an entry of a screened list: a person must decide");

impl List {
    /// Every list, in table order.
    pub const ALL: [List; 13] = [
        List::Sdn,
        List::EntityList,
        List::DeniedPersons,
        List::ItarDebarred,
        List::SectoralSanctions,
        List::Unverified,
        List::Nonproliferation,
        List::PalestinianLegislativeCouncil,
        List::MilitaryEndUser,
        List::ChineseMilitaryIndustrial,
        List::MenuBasedSanctions,
        List::Capta,
        List::Un,
    ];

    /// The list with table index `i`.
    pub fn from_index(i: u8) -> Option<List> {
        List::ALL.get(usize::from(i)).copied()
    }

    /// The list with short code `code` (`SDN`, `EL`, …, as in the settings).
    pub fn from_code(code: &str) -> Option<List> {
        List::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Short code, e.g. `EL`.
    pub fn code(self) -> &'static str {
        crate::source_lists::SOURCE_LISTS[self as usize].0
    }

    /// The name the CSL gives the list, e.g. `Entity List (EL) - Bureau of Industry
    /// and Security`.
    pub fn source_name(self) -> &'static str {
        crate::source_lists::SOURCE_LISTS[self as usize].1
    }

    /// The list as a match or a finding's subject names it: the CSL's name and the
    /// code, e.g. `Entity List (EL) - Bureau of Industry and Security [EL]`.
    pub fn label(self) -> String {
        format!("{} [{}]", self.source_name(), self.code())
    }

    /// What a strong match means by default.
    pub fn default_outcome(self) -> StrongOutcome {
        use Outcome::*;
        match self {
            List::DeniedPersons | List::Sdn => StrongOutcome::Fixed(Deny),
            List::EntityList | List::MilitaryEndUser => StrongOutcome::Fixed(LicenceRequired),
            List::ItarDebarred => StrongOutcome::DenyForDefenceArticles,
            List::Un => StrongOutcome::DenyUnderAssetFreeze,
            List::Unverified
            | List::SectoralSanctions
            | List::Nonproliferation
            | List::PalestinianLegislativeCouncil
            | List::ChineseMilitaryIndustrial
            | List::MenuBasedSanctions
            | List::Capta => StrongOutcome::Fixed(Review),
        }
    }

    /// The rule a strong match on this list makes its finding from.
    pub fn rule(self) -> Rule {
        match self {
            List::DeniedPersons => DPL,
            List::Sdn => SDN,
            List::EntityList => ENTITY_LIST,
            List::MilitaryEndUser => MEU,
            List::ItarDebarred => DTC,
            List::Unverified => UVL,
            List::SectoralSanctions => SSI,
            List::Nonproliferation => ISN,
            List::PalestinianLegislativeCouncil => PLC,
            List::ChineseMilitaryIndustrial => CMIC,
            List::MenuBasedSanctions => NS_MBS,
            List::Capta => CAP,
            List::Un => UN,
        }
    }

    /// What the listing means for the exporter, one clause for a finding's message.
    pub fn effect(self) -> &'static str {
        match self {
            List::DeniedPersons => {
                "a denial order bars any participation in a transaction involving items subject to the EAR, \
                 including forwarding, financing and servicing"
            }
            List::Sdn => {
                "its property and interests in property are blocked: US persons may not deal with it \
                 without an OFAC licence"
            }
            List::EntityList => {
                "a licence is required as stated in its entry, and no licence exception is available"
            }
            List::MilitaryEndUser => {
                "a licence is required for items of Supplement No. 2 to part 744 (only License Exception GOV \
                 is available)"
            }
            List::ItarDebarred => {
                "it is debarred from participating in exports of defence articles and services under the ITAR"
            }
            List::Unverified => {
                "no licence exception may be used, and a UVL statement must be obtained from the party before \
                 export, reexport or transfer"
            }
            List::SectoralSanctions => {
                "directive-specific prohibitions apply (not full blocking): read the applicable directive"
            }
            List::Nonproliferation => {
                "nonproliferation measures apply that vary by determination: read the Federal Register notice"
            }
            List::PalestinianLegislativeCouncil => {
                "it is a non-SDN listed member of the Palestinian Legislative Council: read the entry's restrictions"
            }
            List::ChineseMilitaryIndustrial => {
                "dealings in its publicly traded securities are restricted; not itself an EAR licence \
                 requirement, but a diversion red flag"
            }
            List::MenuBasedSanctions => {
                "specific menu-based sanctions apply: read the entry's measures"
            }
            List::Capta => {
                "correspondent and payable-through account relationships with it are restricted"
            }
            List::Un => {
                "the UN Security Council measures of its regime apply in every UN member state; under an \
                 asset freeze no funds or economic resources, goods included, may be made available to it"
            }
        }
    }

    /// Which body of law the list rests on, for who it binds ([`crate::reach`]).
    pub fn authority(self) -> Authority {
        match self {
            List::DeniedPersons
            | List::EntityList
            | List::MilitaryEndUser
            | List::Unverified
            | List::ItarDebarred
            | List::Nonproliferation => Authority::UsExportControls,
            List::Sdn
            | List::SectoralSanctions
            | List::PalestinianLegislativeCouncil
            | List::ChineseMilitaryIndustrial
            | List::MenuBasedSanctions
            | List::Capta => Authority::UsSanctions,
            List::Un => Authority::UnSecurityCouncil,
        }
    }

    /// The edition cited with a finding of this list.
    pub fn edition(self) -> String {
        match self {
            List::Un => format!(
                "UN Security Council Consolidated List generated {}",
                crate::table::UN_GENERATED_ON
            ),
            _ => format!(
                "U.S. Consolidated Screening List generated {}",
                crate::table::GENERATED_ON
            ),
        }
    }
}

/// BIS Denied Persons List.
pub const DPL: Rule = Rule::new(
    "csl-denied-persons",
    "15 CFR part 764 (denial orders; Denied Persons List, Supp. No. 2 to part 764) and 15 CFR 736.2(b)(4) \
     (General Prohibition Four: no action prohibited by a denial order)",
)
.describe("a party on the BIS Denied Persons List");
/// OFAC SDN list.
pub const SDN: Rule = Rule::new(
    "csl-sdn",
    "31 CFR chapter V (OFAC sanctions regulations: blocking of property and interests in property of \
     Specially Designated Nationals; procedures and reporting in 31 CFR part 501)",
)
.describe("a party on OFAC's Specially Designated Nationals list");
/// The extra EAR licence requirement for SDNs designated under Russia/Belarus programmes.
pub const SDN_744_8: &str = "15 CFR 744.8 (EAR licence requirement, policy of denial, for persons designated \
     under the Russia-, Ukraine- and Belarus-related programmes)";
/// BIS Entity List.
pub const ENTITY_LIST: Rule = Rule::new(
    "csl-entity-list",
    "15 CFR 744.11 and 744.16, Supplement No. 4 to part 744 (Entity List: licence required as stated in \
     the entry; no licence exception, 744.16(b))",
)
.describe("a party on the BIS Entity List");
/// BIS Military End User list.
pub const MEU: Rule = Rule::new(
    "csl-military-end-user",
    "15 CFR 744.21 and Supplement No. 7 to part 744 (Military End-User List: licence required for items of \
     Supplement No. 2 to part 744)",
)
.describe("a party on the BIS Military End-User List");
/// DDTC ITAR debarred parties.
pub const DTC: Rule = Rule::new(
    "csl-itar-debarred",
    "22 CFR 127.7 (ITAR statutory and administrative debarment: no participation in exports of defence \
     articles or services)",
)
.describe("a party debarred under the ITAR");
/// BIS Unverified List.
pub const UVL: Rule = Rule::new(
    "csl-unverified-list",
    "15 CFR 744.15 and Supplement No. 6 to part 744 (Unverified List: UVL statement required, no licence \
     exceptions)",
)
.describe("a party on the BIS Unverified List");
/// OFAC Sectoral Sanctions Identifications.
pub const SSI: Rule = Rule::new(
    "csl-sectoral-sanctions",
    "31 CFR part 589 and the OFAC directives under E.O. 13662 (Sectoral Sanctions Identifications)",
)
.describe("a party on OFAC's Sectoral Sanctions Identifications list");
/// State Department nonproliferation sanctions.
pub const ISN: Rule = Rule::new(
    "csl-nonproliferation",
    "State Department nonproliferation sanctions (e.g. INKSNA, E.O. 12938, E.O. 13382, CBW Act, missile \
     sanctions laws): measures as stated in the Federal Register notice of each determination",
)
.describe("a party under State Department nonproliferation sanctions");
/// OFAC Non-SDN PLC list.
pub const PLC: Rule = Rule::new(
    "csl-palestinian-legislative-council",
    "31 CFR chapter V, OFAC Non-SDN Palestinian Legislative Council list (NS-PLC)",
)
.describe("a party on OFAC's Non-SDN Palestinian Legislative Council list");
/// OFAC Non-SDN CMIC list.
pub const CMIC: Rule = Rule::new(
    "csl-chinese-military-companies",
    "E.O. 13959 as amended by E.O. 14032 (OFAC Non-SDN Chinese Military-Industrial Complex Companies list)",
)
.describe("a party on OFAC's Non-SDN Chinese Military-Industrial Complex Companies list");
/// OFAC Non-SDN menu-based sanctions.
pub const NS_MBS: Rule = Rule::new(
    "csl-menu-based-sanctions",
    "31 CFR chapter V, OFAC Non-SDN Menu-Based Sanctions list (menu measures, e.g. under CAATSA and the Iran \
     Sanctions Act)",
)
.describe("a party on OFAC's Non-SDN Menu-Based Sanctions list");
/// OFAC CAPTA list.
pub const CAP: Rule = Rule::new(
    "csl-capta",
    "31 CFR chapter V, OFAC list of foreign financial institutions subject to correspondent account or \
     payable-through account sanctions (CAPTA list)",
)
.describe("a party on OFAC's CAPTA list (correspondent or payable-through account sanctions)");

/// UN Security Council Consolidated List. The regime's resolutions are added per
/// finding.
pub const UN: Rule = Rule::new(
    "un-security-council",
    "UN Charter Art. 25 and 41 and the UN Security Council resolutions of the entry's sanctions regime, \
     binding on every UN member state and applied through its implementing law",
)
.describe("a party on the UN Security Council Consolidated List");

/// Every rule of the policy.
pub const RULES: [Rule; 14] = [
    DPL,
    SDN,
    ENTITY_LIST,
    MEU,
    DTC,
    UVL,
    SSI,
    ISN,
    PLC,
    CMIC,
    NS_MBS,
    CAP,
    UN,
    POSSIBLE_MATCH,
];

/// Programme codes of SDN designations that also carry the EAR licence requirement of
/// 15 CFR 744.8 (Russia, Ukraine-/Russia-related and Belarus programmes).
const PROGRAMMES_744_8: &[&str] = &[
    "BELARUS",
    "BELARUS-EO14038",
    "RUSSIA-EO14024",
    "UKRAINE-EO13660",
    "UKRAINE-EO13661",
    "UKRAINE-EO13662",
    "UKRAINE-EO13685",
];

/// Whether an SDN entry with these programmes (`;`-separated) is covered by 15 CFR 744.8.
pub fn under_744_8(programmes: &str) -> bool {
    programmes
        .split(';')
        .map(str::trim)
        .any(|p| PROGRAMMES_744_8.contains(&p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_has_a_code_a_rule_and_an_outcome() {
        for (i, list) in List::ALL.iter().enumerate() {
            assert_eq!(*list as usize, i);
            assert_eq!(List::from_index(i as u8), Some(*list));
            assert_eq!(List::from_code(list.code()), Some(*list));
            assert!(Rule::is_valid_id(list.rule().id), "{}", list.rule().id);
            assert!(!list.effect().is_empty());
        }
        assert_eq!(List::from_index(13), None);
        assert_eq!(List::from_code("FSE"), None);
    }

    #[test]
    fn rule_ids_are_unique_and_prefixed() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(Rule::is_valid_id(rule.id), "{}", rule.id);
            assert!(
                rule.id.starts_with("csl-") || rule.id == "un-security-council",
                "{}",
                rule.id
            );
            assert!(RULES[..i].iter().all(|r| r.id != rule.id), "{}", rule.id);
            assert!(rule.legal_basis.len() < 400, "{}", rule.id);
        }
    }

    #[test]
    fn outcomes_follow_list_semantics() {
        use Outcome::*;
        let fixed = |l: List| match l.default_outcome() {
            StrongOutcome::Fixed(o) => Some(o),
            StrongOutcome::DenyForDefenceArticles | StrongOutcome::DenyUnderAssetFreeze => None,
        };
        assert_eq!(fixed(List::DeniedPersons), Some(Deny));
        assert_eq!(fixed(List::Sdn), Some(Deny));
        assert_eq!(fixed(List::EntityList), Some(LicenceRequired));
        assert_eq!(fixed(List::MilitaryEndUser), Some(LicenceRequired));
        assert_eq!(fixed(List::Unverified), Some(Review));
        assert_eq!(fixed(List::ItarDebarred), None);
        for l in [
            List::SectoralSanctions,
            List::Nonproliferation,
            List::PalestinianLegislativeCouncil,
            List::ChineseMilitaryIndustrial,
            List::MenuBasedSanctions,
            List::Capta,
        ] {
            assert_eq!(fixed(l), Some(Review), "{l:?}");
        }
    }

    #[test]
    fn russia_and_belarus_programmes_are_under_744_8() {
        assert!(under_744_8("RUSSIA-EO14024"));
        assert!(under_744_8("UKRAINE-EO13662; RUSSIA-EO14024"));
        assert!(under_744_8("BELARUS"));
        assert!(!under_744_8("SDGT"));
        assert!(!under_744_8("CAATSA - RUSSIA"));
        assert!(!under_744_8("IRAN; IFSR"));
    }
}
