//! The HS 2022 subheadings and the CHPL (Common High Priority List) the corpus
//! draws its goods from, read from the CSV files the repository keeps under
//! policies/data/, so generated lines carry real codes and descriptions.

use crate::BoxError;
use std::collections::BTreeMap;

/// HS 2022 subheadings (section, code, description), from policies/data/hs/.
const HS_2022: &str = include_str!("../../../policies/data/hs/hs2022_subheadings.csv");
/// The CHPL, version of 23 Feb 2024, from sdk/data/chpl/.
const CHPL: &str = include_str!("../../../sdk/data/chpl/chpl_2024-02-23.csv");

/// The HS data the generator draws from.
pub struct HsCodes {
    /// (section, 6-digit code, description) of every HS 2022 subheading.
    pub subheadings: Vec<(String, String, String)>,
    /// Indices into `subheadings` by section.
    pub by_section: BTreeMap<String, Vec<usize>>,
    /// CHPL codes with their HS 2022 description.
    pub chpl: Vec<(String, String)>,
}

impl HsCodes {
    /// Reads both lists and checks they are complete.
    pub fn load() -> Result<HsCodes, BoxError> {
        let mut subheadings = Vec::new();
        let mut by_section: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for line in HS_2022.lines().skip(1) {
            let [section, code, description] = <[String; 3]>::try_from(csv_fields(line))
                .map_err(|f| format!("hs2022_subheadings.csv: bad row {f:?}"))?;
            by_section
                .entry(section.clone())
                .or_default()
                .push(subheadings.len());
            subheadings.push((section, code, description));
        }
        let chpl = CHPL
            .lines()
            .skip(1)
            .map(|line| {
                let f = csv_fields(line);
                match (f.get(1), f.get(2)) {
                    (Some(code), Some(description)) => Ok((code.clone(), description.clone())),
                    _ => Err(format!("chpl csv: bad row {line:?}")),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        if subheadings.len() < 5000 || chpl.len() != 50 {
            return Err("HS or CHPL data incomplete".into());
        }
        Ok(HsCodes {
            subheadings,
            by_section,
            chpl,
        })
    }
}

/// Splits one CSV record (quoted fields may hold commas and doubled quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(f) = fields.last_mut() {
                    f.push('"');
                }
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    fields
}
