//! The parser of `build.rs` (the files under `build/`, compiled here as they are there)
//! on excerpts of the eCFR data in `policies/data/us_ear/`.

#![allow(dead_code, reason = "build.rs uses the rest of the modules")]
#![allow(clippy::panic, reason = "a failing parse fails the test")]

#[path = "../build/ccl.rs"]
mod ccl;
#[path = "../build/chart.rs"]
mod chart;
#[path = "../build/names.rs"]
mod names;
#[path = "../build/scope.rs"]
mod scope;
#[path = "../build/source.rs"]
mod source;

use serde_json::json;
use std::path::Path;

/// The data directory, as build.rs reads it.
fn data(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(source::DATA)
        .join(file);
    source::read_text(&path).unwrap_or_else(|e| panic!("{e}"))
}

// --- paragraph scopes (the "… applies to …" text of a CCL row) -------------------------

#[test]
fn an_entire_entry_and_its_exceptions() {
    // 0A501, NS row.
    assert_eq!(
        scope::parse_scope("0A501", "NS applies to entire entry"),
        "Scope::Entire"
    );
    assert_eq!(
        scope::parse_scope("0A501", "NS applies to entire entry except 0A501.y"),
        r#"Scope::Except(&[Para::At("Y")])"#
    );
}

#[test]
fn a_list_of_paragraphs_with_the_eccn_left_out_after_the_first() {
    // 5A002, RS rows; 9A610, MT row.
    assert_eq!(
        scope::parse_scope(
            "5A002",
            "RS applies to items controlled by 5A002.z.1.a, z.2.a, z.3.a, z.4.a, z.5.a"
        ),
        r#"Scope::Only(&[Para::At("Z.1.A"), Para::At("Z.2.A"), Para::At("Z.3.A"), Para::At("Z.4.A"), Para::At("Z.5.A")])"#
    );
    assert_eq!(
        scope::parse_scope("9A610", "MT applies to 9A610.t, .u, .v, and .w"),
        r#"Scope::Only(&[Para::At("T"), Para::At("U"), Para::At("V"), Para::At("W")])"#
    );
}

#[test]
fn conditions_beyond_paragraphs_keep_only_what_is_certain() {
    // 1A002, NP row: only tubes of some diameters under 1A002.b.1, so within b.1.
    assert_eq!(
        scope::parse_scope(
            "1A002",
            "NP applies to 1A002.b.1 in the form of tubes with an inside diameter between 75 mm and 400 mm"
        ),
        r#"Scope::Within(&[Para::At("B.1")])"#
    );
    // 9A610, NS row: the exception names b and y outright, and more under a condition.
    assert_eq!(
        scope::parse_scope(
            "9A610",
            "NS applies to entire entry except: 9A610.b; parts and components controlled in 9A610.x if being exported or reexported for use in an aircraft controlled in 9A610.b; and 9A610.y"
        ),
        r#"Scope::ExceptAndMore(&[Para::At("B"), Para::At("Y")])"#
    );
    // 0A509, CC row: "for items for ECCN 0A502 or 0A508" narrows 0A509.a.
    assert_eq!(
        scope::parse_scope(
            "0A509",
            "CC applies to 0A509.a for items for ECCN 0A502 or ECCN 0A508, and 0A509.d"
        ),
        r#"Scope::Within(&[Para::At("A"), Para::At("D")])"#
    );
}

#[test]
fn text_that_names_no_paragraph_is_conditional() {
    assert_eq!(
        scope::parse_scope(
            "0A919",
            "RS applies to items when destined for a military end use"
        ),
        "Scope::Conditional"
    );
}

// --- where a row applies, and what it cites -----------------------------------------

#[test]
fn country_chart_columns_are_read_from_the_cell() {
    assert_eq!(
        ccl::parse_target("NS", "Ns", "NS Column 1."),
        Ok(("Target::Column(Column::Ns1)".to_owned(), String::new()))
    );
    // 0A919: the column wins over the section the cell also cites.
    assert_eq!(
        ccl::parse_target(
            "RS",
            "Rs",
            "RS Column 1, See § 742.6(a)(3) for license requirements."
        ),
        Ok(("Target::Column(Column::Rs1)".to_owned(), String::new()))
    );
    // A column the Country Chart does not have fails the build.
    assert!(ccl::parse_target("NS", "Ns", "NS Column 3.").is_err());
}

#[test]
fn destination_lists_the_eccn_states_itself() {
    let target = |cell: &str| ccl::parse_target("RS", "Rs", cell);
    assert_eq!(
        target("To or within any destination worldwide. See § 742.6(a)(6)(iii)(A) of the EAR."),
        Ok((
            "Target::Worldwide".to_owned(),
            "§ 742.6(a)(6)(iii)(A)".to_owned()
        ))
    );
    assert_eq!(
        target(
            "To or within the United Arab Emirates or destinations specified in Country Groups D:1, D:4, and D:5 of supplement no. 1 to part 740 of the EAR, excluding any destination also specified in Country Groups A:5 or A:6. See § 742.6(a)(6)(iii)(B) of the EAR."
        ),
        Ok((
            "Target::UaeOrD1D4D5NotA5A6".to_owned(),
            "§ 742.6(a)(6)(iii)(B)".to_owned()
        ))
    );
    assert_eq!(
        target("China, Russia, or Venezuela (see § 742.6(a)(7))"),
        Ok((
            "Target::ChinaRussiaVenezuela".to_owned(),
            "§ 742.6(a)(7)".to_owned()
        ))
    );
    // UN controls are the UN reason's; another reason pointing there is referred.
    assert_eq!(
        ccl::parse_target("UN", "Un", "See § 746.1 of the EAR for UN controls."),
        Ok(("Target::UnSanctions".to_owned(), "§ 746.1".to_owned()))
    );
    assert_eq!(
        target("See § 746.1 of the EAR for UN controls."),
        Ok(("Target::Referred".to_owned(), "§ 746.1".to_owned()))
    );
}

#[test]
fn citations_keep_sections_and_paragraphs_and_drop_closing_parentheses() {
    assert_eq!(
        ccl::citation("See §§ 742.6 and 746.3 of the EAR (see § 742.6(a)(7))."),
        "§§ 742.6 and 746.3; § 742.6(a)(7)"
    );
    assert_eq!(ccl::citation("N/A."), "");
}

#[test]
fn rows_the_source_merged_are_split_and_single_cells_are_kept() {
    assert_eq!(
        ccl::split_merged(
            "NP applies to entire entry AT applies to entire entry",
            "NP Column 1 AT Column 1"
        ),
        [
            (
                "NP applies to entire entry".to_owned(),
                "NP Column 1".to_owned()
            ),
            (
                "AT applies to entire entry".to_owned(),
                "AT Column 1".to_owned()
            ),
        ]
    );
    // 1C350: one cell holds both the scope and the column.
    let cell = "CB applies to entire entry CB Column 2.";
    assert_eq!(
        ccl::split_merged(cell, cell),
        [(cell.to_owned(), cell.to_owned())]
    );
    let control = ccl::parse_control("1C350", cell, cell, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(control.reason, "Cb");
    assert_eq!(control.scope, "Scope::Entire");
    assert_eq!(control.target, "Target::Column(Column::Cb2)");
}

#[test]
fn reasons_eccns_and_keys() {
    assert_eq!(ccl::reason_codes("NS, MT NP, AT"), ["Ns", "Mt", "Np", "At"]);
    assert!(
        ccl::parse_control("0A501", "XX applies to entire entry", "NS Column 1", false).is_err()
    );
    assert!(ccl::is_eccn("5A002") && !ccl::is_eccn("5A002.a") && !ccl::is_eccn("5F002"));
    // category << 16 | group << 10 | number, ordered like the text.
    assert_eq!(ccl::entry_key("5A002"), (5 << 16) | 2);
    assert!(ccl::entry_key("5A992") < ccl::entry_key("5B001"));
}

// --- whole files ---------------------------------------------------------------------

#[test]
fn country_names_map_to_assigned_iso_codes() {
    let names = names::Names::parse("ear_name,alpha2\nHong Kong,HK\n\"Korea, North\",KP\n")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(names.code("korea, north"), Ok("KP"));
    assert!(names.code("Atlantis").is_err());
    assert!(names::Names::parse("name,code\n").is_err());
    assert!(names::Names::parse("ear_name,alpha2\nNowhere,QQ\n").is_err());
    assert!(names::Names::parse("ear_name,alpha2\nChina,CN\nchina,CN\n").is_err());
    assert!(names::Names::parse(&data(source::NAMES)).is_ok());
}

#[test]
fn a_country_chart_excerpt_becomes_rows_embargoes_and_inherited_rows() {
    let names =
        names::Names::parse("ear_name,alpha2\nAfghanistan,AF\nChina,CN\nCuba,CU\nHong Kong,HK\n")
            .unwrap_or_else(|e| panic!("{e}"));
    let mut chart = json!({
        "columns": chart::COLUMNS,
        "countryCount": 2,
        "countries": {
            "Afghanistan": { "marks": ["CB 1", "CB 2", "CB 3", "NP 1", "NS 1", "NS 2", "MT 1", "RS 1", "RS 2", "CC 1", "CC 3"], "footnotes": [] },
            "China": { "marks": ["CB 1", "NS 1"], "footnotes": [7] },
        },
        "embargoed": { "Cuba": { "pointer": "See part 746 of the EAR to determine whether a license is required in order to export or reexport to this destination.", "footnotes": [] } },
        "territoryInheritance": { "hong kong": { "row": "China" } },
    });
    let rs = chart::chart_table(&chart, &names).unwrap_or_else(|e| panic!("{e}"));
    assert!(rs.contains(r#"Row { country: Country::from_bytes(*b"AF"), name: "Afghanistan", marks: Columns(0x2bef), footnotes: &[] },"#), "{rs}");
    assert!(rs.contains(r#"Row { country: Country::from_bytes(*b"CN"), name: "China", marks: Columns(0x0021), footnotes: &[7] },"#), "{rs}");
    assert!(
        rs.contains(r#"(Country::from_bytes(*b"CU"), "Cuba", "See part 746"#),
        "{rs}"
    );
    assert!(
        rs.contains(r#"(Country::from_bytes(*b"HK"), Country::from_bytes(*b"CN")),"#),
        "{rs}"
    );
    // An unknown column fails the build rather than dropping the mark.
    chart["countries"]["China"]["marks"] = json!(["XX 9"]);
    assert!(chart::chart_table(&chart, &names).is_err());
}

#[test]
fn the_whole_ccl_generates_and_fails_on_an_unknown_reason() {
    let ccl_text = data(source::CCL);
    let all = std::collections::BTreeSet::from(["0A983".to_owned()]);
    let rs = ccl::ccl_table(&ccl_text, &all).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        rs.contains(r#"Entry { eccn: "5A002", key: 327682, kind: EntryKind::Listed"#),
        "5A002 missing"
    );
    assert!(rs.contains(r#"Control { reason: Reason::Rs, scope: Scope::Only(&[Para::At("Z.1.A")"#));
    let bad = ccl_text.replacen(
        "NS applies to entire entry except 0A501.y",
        "QQ applies to entire entry except 0A501.y",
        1,
    );
    let err = ccl::ccl_table(&bad, &all).err().unwrap_or_default();
    assert!(err.contains("unknown reason in `QQ applies"), "{err}");
}

#[test]
fn the_real_chart_and_groups_generate() {
    let names = names::Names::parse(&data(source::NAMES)).unwrap_or_else(|e| panic!("{e}"));
    let json = |file: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(source::DATA)
            .join(file);
        source::read_json(&path).unwrap_or_else(|e| panic!("{e}"))
    };
    let chart = json(source::CHART);
    let rows = chart::chart_table(&chart, &names).unwrap_or_else(|e| panic!("{e}"));
    assert!(rows.contains(r#"Row { country: Country::from_bytes(*b"CN"), name: "China""#));
    // Hong Kong has no row of its own since 85 FR 83788; it takes China's.
    assert!(rows.contains(r#"(Country::from_bytes(*b"HK"), Country::from_bytes(*b"CN")),"#));
    // 738.3(a)(1): bare ECCNs only; entries with a paragraph carry their own CCL row.
    let all = chart::all_destination_entries(&chart).unwrap_or_else(|e| panic!("{e}"));
    assert!(all.contains("0A983") && all.contains("5A980"));
    assert!(all.iter().all(|e| ccl::is_eccn(e)));
    let groups =
        chart::groups_table(&json(source::GROUPS), &names).unwrap_or_else(|e| panic!("{e}"));
    for constant in ["A5", "A6", "D1", "D4", "D5", "E1", "E2"] {
        assert!(
            groups.contains(&format!("pub const {constant}: CountrySet")),
            "{constant}"
        );
    }
    assert!(groups.contains(r#"name: "Country Group E:1""#));
}
