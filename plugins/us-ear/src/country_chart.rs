//! The Commerce Country Chart (15 CFR 738 Supp. 1, eCFR issue of 2026-07-23), embedded at
//! build time, and the footnotes that add requirements the grid does not show.
//!
//! A destination is looked up by its ISO code. Hong Kong, the Cayman Islands and (when it
//! had no row) Liechtenstein take the row the EAR names for them (738.3(b)); Cuba, Iran,
//! North Korea and Syria have no marks and point to part 746, which the embargo rule
//! encodes; every other destination without a row is indeterminate, never unrestricted.

use crate::ccl::{Column, Columns, Para, Scope};
use exportctl_sdk::Country;

/// One graded row of the Country Chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The destination.
    pub country: Country,
    /// Its name in the Chart, e.g. `Korea, South`.
    pub name: &'static str,
    /// The columns with an X.
    pub marks: Columns,
    /// The footnotes attached to the row.
    pub footnotes: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/chart_table.rs"));

/// What the Country Chart says about a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartRow {
    /// A graded row; `via` names the destination when it takes another's row (Hong Kong
    /// takes China's).
    Graded {
        /// The row.
        row: &'static Row,
        /// The destination looked up, when the row is another country's.
        via: Option<Country>,
    },
    /// Cuba, Iran, North Korea, Syria: no marks; part 746 decides.
    Embargoed {
        /// The Chart's name.
        name: &'static str,
        /// The Chart's pointer to part 746.
        pointer: &'static str,
    },
    /// The United States: not an export.
    Domestic,
    /// No row and none the EAR names for it: indeterminate.
    Missing,
}

/// The Country Chart row for `country`.
pub fn lookup(country: Country) -> ChartRow {
    if country == Country::US {
        return ChartRow::Domestic;
    }
    if let Some(row) = row(country) {
        return ChartRow::Graded { row, via: None };
    }
    if let Some((_, name, pointer)) = EMBARGOED.iter().find(|(c, _, _)| *c == country) {
        return ChartRow::Embargoed { name, pointer };
    }
    match INHERITED
        .iter()
        .find(|(c, _)| *c == country)
        .and_then(|(_, r)| row(*r))
    {
        Some(row) => ChartRow::Graded {
            row,
            via: Some(country),
        },
        None => ChartRow::Missing,
    }
}

fn row(country: Country) -> Option<&'static Row> {
    ROWS.binary_search_by(|r| r.country.cmp(&country))
        .ok()
        .and_then(|i| ROWS.get(i))
}

/// The country whose row and Country Group membership apply to `country`: Hong Kong is
/// China under the EAR (85 FR 83788), the Cayman Islands take the United Kingdom's row.
pub fn as_listed(country: Country) -> Country {
    match lookup(country) {
        ChartRow::Graded { row, .. } => row.country,
        _ => country,
    }
}

/// `CN`, or `HK (Country Chart row of China)`.
pub fn describe(country: Country) -> String {
    match lookup(country) {
        ChartRow::Graded { row, via: Some(_) } => {
            format!("{country} (Country Chart row of {})", row.name)
        }
        _ => country.to_string(),
    }
}

/// Footnote 1: the row's destination is subject to UN Security Council sanctions under
/// 15 CFR 746.1(b) (and, for Iraq, 746.3).
pub const FOOTNOTE_UN: u8 = 1;

/// A licence requirement a footnote adds to the rows that carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FootnoteRequirement {
    /// The footnote number.
    pub footnote: u8,
    /// The ECCN.
    pub eccn: &'static str,
    /// The paragraphs the footnote names.
    pub scope: Scope,
    /// The column the footnote speaks of, if any.
    pub column: Option<Column>,
}

/// Footnotes 7 and 10, transcribed item by item (the unit tests check each against the
/// footnote text in the data file):
///
/// - 7 (India): "a license is still required for items controlled under ECCNs 6A003.b.4.b
///   and 9A515.e for RS column 2 reasons when destined to India";
/// - 10 (Australia, United Kingdom): "a license is required to these destinations for
///   items in the following ECCNs: 0A501 (except for 0A501.y), 0A502 for shotguns with a
///   barrel length less than 18 inches, 0A504.i, 0A505.a and .x, 0A506, 0A507, 0A508 for
///   semi-automatic shotguns with a barrel length less than 18 inches, 0A509, 0D501 (except
///   …), 0D505 for …, 0E501, 0E504, 0E505 for …". Items the footnote qualifies by anything
///   but a paragraph are conditional.
pub const FOOTNOTE_REQUIREMENTS: &[FootnoteRequirement] = &[
    FootnoteRequirement {
        footnote: 7,
        eccn: "6A003",
        scope: Scope::Only(&[Para::At("B.4.B")]),
        column: Some(Column::Rs2),
    },
    FootnoteRequirement {
        footnote: 7,
        eccn: "9A515",
        scope: Scope::Only(&[Para::At("E")]),
        column: Some(Column::Rs2),
    },
    fn10("0A501", Scope::Except(&[Para::At("Y")])),
    fn10("0A502", Scope::Conditional),
    fn10("0A504", Scope::Only(&[Para::At("I")])),
    fn10("0A505", Scope::Only(&[Para::At("A"), Para::At("X")])),
    fn10("0A506", Scope::Entire),
    fn10("0A507", Scope::Entire),
    fn10("0A508", Scope::Conditional),
    fn10("0A509", Scope::Entire),
    fn10("0D501", Scope::Conditional),
    fn10("0D505", Scope::Conditional),
    fn10("0E501", Scope::Entire),
    fn10("0E504", Scope::Entire),
    fn10("0E505", Scope::Conditional),
];

const fn fn10(eccn: &'static str, scope: Scope) -> FootnoteRequirement {
    FootnoteRequirement {
        footnote: 10,
        eccn,
        scope,
        column: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ccl::Column;

    /// The Chart file the table is generated from, read independently of `build.rs`.
    const CHART: &str = include_str!("../../../policies/data/us_ear/country-chart_2026-07-23.json");

    fn c(code: &str) -> Country {
        Country::parse(code).unwrap()
    }

    fn marks(code: &str) -> Vec<Column> {
        match lookup(c(code)) {
            ChartRow::Graded { row, .. } => row.marks.iter().collect(),
            other => panic!("{code}: {other:?}"),
        }
    }

    #[test]
    fn the_table_has_every_graded_row_sorted() {
        assert_eq!(ROWS.len(), 196);
        assert!(ROWS.windows(2).all(|w| w[0].country < w[1].country));
        assert_eq!(EMBARGOED.len(), 4);
    }

    #[test]
    fn rows_match_the_data_file() {
        let chart: serde_json::Value = serde_json::from_str(CHART).unwrap();
        let china = &chart["countries"]["China"]["marks"];
        let from_file: Vec<String> = china
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().replace(' ', ""))
            .collect();
        let from_table: Vec<String> = marks("CN").iter().map(|c| c.code().to_owned()).collect();
        assert_eq!(from_table, from_file);
    }

    #[test]
    fn known_rows() {
        use Column::*;
        assert_eq!(
            marks("CN"),
            [Cb1, Cb2, Cb3, Np1, Np2, Ns1, Ns2, Mt1, Rs1, Rs2, Cc1, Cc3]
        );
        assert_eq!(marks("CA"), [Cb1, Fc1]);
        assert_eq!(marks("DE"), [Cb1, Ns1, Mt1, Rs1]);
        assert_eq!(marks("GB"), [Cb1]);
        assert!(marks("RU").contains(&Ns2) && !marks("RU").contains(&At1));
    }

    #[test]
    fn no_row_has_an_anti_terrorism_mark() {
        // The embargoed destinations that AT columns used to mark now point to part 746.
        for row in ROWS {
            assert!(
                !row.marks.contains(Column::At1) && !row.marks.contains(Column::At2),
                "{}",
                row.name
            );
        }
    }

    #[test]
    fn embargoed_domestic_inherited_and_missing_destinations() {
        for code in ["CU", "IR", "KP", "SY"] {
            assert!(
                matches!(lookup(c(code)), ChartRow::Embargoed { .. }),
                "{code}"
            );
        }
        assert_eq!(lookup(Country::US), ChartRow::Domestic);
        assert!(matches!(
            lookup(c("HK")),
            ChartRow::Graded { row, via: Some(_) } if row.country == c("CN")
        ));
        assert_eq!(as_listed(c("HK")), c("CN"));
        assert_eq!(describe(c("HK")), "HK (Country Chart row of China)");
        assert_eq!(as_listed(c("KY")), c("GB"));
        assert!(matches!(
            lookup(c("LI")),
            ChartRow::Graded { via: None, .. }
        ));
        for code in ["GL", "PR", "PS", "GI"] {
            assert_eq!(lookup(c(code)), ChartRow::Missing, "{code}");
        }
    }

    #[test]
    fn un_footnote_marks_the_un_sanctioned_rows() {
        let with: Vec<&str> = ROWS
            .iter()
            .filter(|r| r.footnotes.contains(&FOOTNOTE_UN))
            .map(|r| r.country.as_str())
            .collect();
        assert_eq!(with, ["CD", "ER", "IQ", "LB", "LY", "SD", "SO"]);
    }

    #[test]
    fn footnote_requirements_are_in_the_footnote_texts() {
        let chart: serde_json::Value = serde_json::from_str(CHART).unwrap();
        for r in FOOTNOTE_REQUIREMENTS {
            let text = chart["footnotes"][r.footnote.to_string()].as_str().unwrap();
            assert!(
                text.contains(r.eccn),
                "footnote {} lacks {}",
                r.footnote,
                r.eccn
            );
        }
        let has = |code: &str, n: u8| row(c(code)).is_some_and(|r| r.footnotes.contains(&n));
        assert!(has("AU", 10) && has("GB", 10) && has("IN", 7));
    }
}
