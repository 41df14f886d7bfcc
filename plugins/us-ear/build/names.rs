//! The EAR's country names and the ISO 3166-1 codes the tables use for them.

use crate::source::{NAMES, read_text};
use std::collections::BTreeMap;
use std::path::Path;

/// EAR country names → ISO 3166-1 alpha-2 codes.
pub(crate) struct Names(BTreeMap<String, String>);

impl Names {
    /// Reads the mapping file `NAMES`.
    pub(crate) fn load(path: &Path) -> Result<Names, String> {
        Names::parse(&read_text(path)?)
    }

    /// Parses the mapping (`ear_name,alpha2` lines): every code must be an assigned
    /// ISO 3166-1 alpha-2 code (or `XK`, Kosovo) and every name unique.
    pub(crate) fn parse(text: &str) -> Result<Names, String> {
        let mut map = BTreeMap::new();
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, "ear_name,alpha2")) => {}
            _ => {
                return Err(format!(
                    "`{NAMES}`: line 1: expected header `ear_name,alpha2`"
                ));
            }
        }
        for (i, line) in lines {
            let n = i + 1;
            if line.trim().is_empty() {
                continue;
            }
            let Some((name, code)) = line.rsplit_once(',') else {
                return Err(format!("`{NAMES}`: line {n}: expected `name,alpha2`"));
            };
            let name = name.trim_matches('"');
            let assigned = code == "XK" || rust_iso3166::from_alpha2(code).is_some();
            if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) || !assigned {
                return Err(format!(
                    "`{NAMES}`: line {n}: `{code}` is not an assigned ISO 3166-1 alpha-2 code"
                ));
            }
            if map.insert(name.to_lowercase(), code.to_owned()).is_some() {
                return Err(format!("`{NAMES}`: line {n}: duplicate name `{name}`"));
            }
        }
        Ok(Names(map))
    }

    /// The ISO code of the EAR's country name `name` (any case).
    pub(crate) fn code(&self, name: &str) -> Result<&str, String> {
        self.0
            .get(&name.to_lowercase())
            .map(String::as_str)
            .ok_or_else(|| format!("country `{name}` has no ISO code in `{NAMES}`"))
    }
}

/// `Country::from_bytes(*b"CN")`.
pub(crate) fn country(code: &str) -> String {
    format!("Country::from_bytes(*b\"{code}\")")
}
