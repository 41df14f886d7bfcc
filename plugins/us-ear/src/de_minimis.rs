//! Which items are subject to the EAR (15 CFR 734.3), and the de minimis levels of US
//! content that make a foreign-made item subject to it (15 CFR 734.4).
//!
//! An item is taken to be subject to the EAR when it leaves the United States (exporter or
//! shipment origin US), when it is of US origin (the line's origin is US), or when it is
//! made abroad with US content above the de minimis level for its destination:
//!
//! - 0 % for 600-series and 9x515 items to Russia and Belarus (from the sanctions of
//!   24 Feb 2022 / 2 Mar 2022; for their `.y` paragraphs from 23 Jan 2024);
//! - 10 % for Country Group E:1 and E:2 destinations;
//! - 25 % everywhere else.
//!
//! "Above" is strict: 25 % US content to Germany is not subject, 25.01 % is. The input's
//! `us_content_percent` is read as the share of controlled US-origin content; a foreign
//! line without it is taken to have none. The foreign direct product rules (734.9) are not
//! encoded: an item they catch without US content is not recognised.

use crate::{country_groups, sanctioned_destinations};
use exportctl_sdk::{ControlCode, Country, Date, Decimal, Line, Shipment};
use std::fmt;

/// From this day `.y` paragraphs of 600-series and 9x515 ECCNs count at 0 % de minimis
/// for Russia and Belarus too.
pub const Y_ITEMS_ZERO_FROM: Date = Date::ymd(2024, 1, 23);

/// A de minimis level and why it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Threshold {
    /// The level in percent: content above it makes the item subject to the EAR.
    pub percent: Decimal,
    /// Why this level.
    pub why: &'static str,
}

/// Why a line is subject to the EAR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Basis {
    /// The exporter is in the United States.
    UsExporter,
    /// The shipment leaves from the United States.
    UsShipment,
    /// The item is of US origin.
    UsOrigin,
    /// A foreign-made item with US content above the de minimis level.
    DeMinimis {
        /// The line's US content in percent.
        content: Decimal,
        /// The level it exceeds.
        threshold: Threshold,
    },
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Basis::UsExporter => f.write_str("exporter in the United States"),
            Basis::UsShipment => f.write_str("shipped from the United States"),
            Basis::UsOrigin => f.write_str("US-origin item"),
            Basis::DeMinimis { content, threshold } => write!(
                f,
                "US content {} % above the de minimis level of {} % ({}, 15 CFR 734.4)",
                content.normalize(),
                threshold.percent,
                threshold.why
            ),
        }
    }
}

/// The de minimis level for `line` bound for `destination` on `as_of`.
pub fn threshold(destination: Country, line: &Line, as_of: Date) -> Threshold {
    let sanctioned = sanctioned_destinations::in_force(destination, as_of).is_some();
    let military = line.control_codes().any(|code| match code {
        ControlCode::Listed(l) if l.is_us_600_series() || (l.is_us_x5zz() && l.category == 9) => {
            !l.paragraph.starts_with(".Y") || as_of >= Y_ITEMS_ZERO_FROM
        }
        _ => false,
    });
    if sanctioned && military {
        Threshold {
            percent: Decimal::ZERO,
            why: "600-series or 9x515 item to Russia/Belarus",
        }
    } else if country_groups::in_e1_or_e2(destination) {
        Threshold {
            percent: Decimal::TEN,
            why: "Country Group E:1/E:2 destination",
        }
    } else {
        Threshold {
            percent: Decimal::from(25),
            why: "general level",
        }
    }
}

/// Why `line`, bound for `destination`, is subject to the EAR; `None` if it is not.
pub fn subject(shipment: &Shipment, line: &Line, destination: Country) -> Option<Basis> {
    if shipment.exporter().country() == Country::US {
        return Some(Basis::UsExporter);
    }
    if shipment.origin_country() == Country::US {
        return Some(Basis::UsShipment);
    }
    if line.origin_country() == Some(Country::US) {
        return Some(Basis::UsOrigin);
    }
    let content = line.us_content_percent()?;
    let threshold = threshold(destination, line, shipment.as_of());
    (content > threshold.percent).then_some(Basis::DeMinimis { content, threshold })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Doc, DocExt as _};

    fn c(code: &str) -> Country {
        Country::parse(code).unwrap()
    }

    /// A German export of a German-made line with `codes` and `percent` US content to
    /// `destination` on `date`: subject or not?
    fn subject_at(date: &str, destination: &str, codes: &[&str], percent: &str) -> bool {
        let s = Doc::new(date, "DE", destination, codes)
            .us_content(1, percent)
            .set_line(1, "origin_country", serde_json::json!("DE"))
            .shipment();
        subject(&s, &s.lines().get(0).unwrap(), c(destination)).is_some()
    }

    #[test]
    fn us_exporter_shipment_or_origin_make_an_item_subject() {
        let s = Doc::us("2024-06-03", "CN", &["EAR99"]).shipment();
        assert_eq!(
            subject(&s, &s.lines().get(0).unwrap(), c("CN")),
            Some(Basis::UsExporter)
        );
        let s = Doc::new("2024-06-03", "DE", "CN", &["EAR99"])
            .with(|d| d["origin_country"] = serde_json::json!("US"))
            .shipment();
        assert_eq!(
            subject(&s, &s.lines().get(0).unwrap(), c("CN")),
            Some(Basis::UsShipment)
        );
        let s = Doc::new("2024-06-03", "DE", "CN", &["EAR99"])
            .set_line(1, "origin_country", serde_json::json!("US"))
            .shipment();
        assert_eq!(
            subject(&s, &s.lines().get(0).unwrap(), c("CN")),
            Some(Basis::UsOrigin)
        );
    }

    #[test]
    fn general_level_is_25_percent_exclusive() {
        assert!(!subject_at("2024-06-03", "CN", &["3A991.a"], "25"));
        assert!(subject_at("2024-06-03", "CN", &["3A991.a"], "25.01"));
        assert!(!subject_at("2024-06-03", "CN", &["3A991.a"], "0"));
    }

    #[test]
    fn e1_and_e2_destinations_use_10_percent() {
        for dest in ["IR", "KP", "SY", "CU"] {
            assert!(!subject_at("2024-06-03", dest, &["EAR99"], "10"), "{dest}");
            assert!(subject_at("2024-06-03", dest, &["EAR99"], "10.5"), "{dest}");
        }
    }

    #[test]
    fn military_items_to_russia_and_belarus_have_no_de_minimis() {
        assert!(subject_at("2024-06-03", "RU", &["9A610.a"], "0.01"));
        assert!(!subject_at("2024-06-03", "RU", &["9A610.a"], "0"));
        assert!(subject_at("2024-06-03", "BY", &["9A515.a"], "1"));
        // Not for other destinations, and not for dual-use items.
        assert!(!subject_at("2024-06-03", "KZ", &["9A610.a"], "1"));
        assert!(!subject_at("2024-06-03", "RU", &["3A001.a"], "1"));
        // 0x5zz firearms are not 9x515: the general level applies.
        assert!(!subject_at("2024-06-03", "RU", &["0A501.a"], "1"));
    }

    #[test]
    fn zero_level_starts_with_the_sanctions() {
        assert!(!subject_at("2022-02-23", "RU", &["9A610.a"], "5"));
        assert!(subject_at("2022-02-24", "RU", &["9A610.a"], "5"));
        assert!(!subject_at("2022-03-01", "BY", &["9A610.a"], "5"));
        assert!(subject_at("2022-03-02", "BY", &["9A610.a"], "5"));
    }

    #[test]
    fn y_paragraphs_count_from_23_january_2024() {
        assert!(!subject_at("2024-01-22", "RU", &["9A610.y.1"], "5"));
        assert!(subject_at("2024-01-23", "RU", &["9A610.y.1"], "5"));
    }

    #[test]
    fn a_foreign_line_without_us_content_is_not_subject() {
        let s = Doc::new("2024-06-03", "DE", "CN", &["5A002.a"]).shipment();
        assert_eq!(subject(&s, &s.lines().get(0).unwrap(), c("CN")), None);
    }

    #[test]
    fn the_basis_explains_itself() {
        let s = Doc::new("2024-06-03", "DE", "IR", &["EAR99"])
            .us_content(1, "12.50")
            .shipment();
        let basis = subject(&s, &s.lines().get(0).unwrap(), c("IR")).unwrap();
        assert_eq!(
            basis.to_string(),
            "US content 12.5 % above the de minimis level of 10 % (Country Group E:1/E:2 destination, 15 CFR 734.4)"
        );
    }
}
