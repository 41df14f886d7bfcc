//! The UN Security Council sanctions regimes of the Consolidated List, by the code the
//! list gives each entry (`UN_LIST_TYPE`): the resolutions that impose them and whether
//! they freeze assets.
//!
//! Shared with `build.rs` (included by path): an entry of a regime not named here fails
//! the build, so a new regime cannot enter the policy without its resolutions and
//! measures.
//!
//! The measures apply to every UN member state (UN Charter Art. 25 and 41) and reach
//! exporters through each state's implementing law. An asset freeze obliges every state
//! to ensure that no funds, financial assets or economic resources are made available to
//! or for the benefit of the listed person: goods sold or delivered to it are economic
//! resources, so a shipment to or through a listed party is prohibited. A travel ban
//! alone (Guinea-Bissau) does not forbid trade with the person.

/// One UN sanctions regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regime {
    /// The code in the list's `UN_LIST_TYPE` (`DPRK`, `Al-Qaida`, …).
    pub code: &'static str,
    /// The regime's name.
    pub name: &'static str,
    /// The resolutions imposing the measures on listed persons, as cited.
    pub resolutions: &'static str,
    /// Whether listed persons' assets are frozen (funds and economic resources may not
    /// be made available to them).
    pub asset_freeze: bool,
    /// The measures on listed persons, in words.
    pub measures: &'static str,
}

/// Every regime of the Consolidated List of 27 Feb 2026.
pub const REGIMES: [Regime; 14] = [
    Regime {
        code: "Al-Qaida",
        name: "ISIL (Da'esh) and Al-Qaida sanctions",
        resolutions: "UNSC resolutions 1267 (1999), 1989 (2011), 2253 (2015) and 2734 (2024)",
        asset_freeze: true,
        measures: "asset freeze, travel ban and arms embargo",
    },
    Regime {
        code: "Taliban",
        name: "1988 sanctions (Taliban)",
        resolutions: "UNSC resolutions 1988 (2011) and 2255 (2015)",
        asset_freeze: true,
        measures: "asset freeze, travel ban and arms embargo",
    },
    Regime {
        code: "DPRK",
        name: "Democratic People's Republic of Korea sanctions",
        resolutions: "UNSC resolutions 1718 (2006), 2087 (2013), 2094 (2013), 2270 (2016), 2321 (2016), \
                      2371 (2017), 2375 (2017) and 2397 (2017)",
        asset_freeze: true,
        measures: "asset freeze and travel ban",
    },
    Regime {
        code: "Iran",
        name: "Iran sanctions (applied again under resolution 2231 (2015) from 28 Sep 2025)",
        resolutions: "UNSC resolutions 1737 (2006), 1747 (2007), 1803 (2008) and 1929 (2010), applied again \
                      under resolution 2231 (2015)",
        asset_freeze: true,
        measures: "asset freeze and travel ban",
    },
    Regime {
        code: "Iraq",
        name: "Iraq sanctions (former government)",
        resolutions: "UNSC resolution 1483 (2003), paragraph 23",
        asset_freeze: true,
        measures: "freeze of funds, financial assets and economic resources",
    },
    Regime {
        code: "Libya",
        name: "Libya sanctions",
        resolutions: "UNSC resolutions 1970 (2011) and 1973 (2011)",
        asset_freeze: true,
        measures: "asset freeze and travel ban (some individuals are under the travel ban only; the list \
                   does not say which)",
    },
    Regime {
        code: "Somalia",
        name: "Al-Shabaab and Somalia sanctions",
        resolutions: "UNSC resolutions 751 (1992), 1844 (2008) and 2713 (2023)",
        asset_freeze: true,
        measures: "asset freeze, travel ban and targeted arms embargo",
    },
    Regime {
        code: "DRC",
        name: "Democratic Republic of the Congo sanctions",
        resolutions: "UNSC resolutions 1533 (2004), 1596 (2005) and 1807 (2008)",
        asset_freeze: true,
        measures: "asset freeze and travel ban",
    },
    Regime {
        code: "CAR",
        name: "Central African Republic sanctions",
        resolutions: "UNSC resolutions 2127 (2013) and 2134 (2014)",
        asset_freeze: true,
        measures: "asset freeze and travel ban",
    },
    Regime {
        code: "Sudan",
        name: "Sudan sanctions",
        resolutions: "UNSC resolution 1591 (2005)",
        asset_freeze: true,
        measures: "asset freeze and travel ban",
    },
    Regime {
        code: "SouthSudan",
        name: "South Sudan sanctions",
        resolutions: "UNSC resolution 2206 (2015)",
        asset_freeze: true,
        measures: "asset freeze and travel ban",
    },
    Regime {
        code: "Yemen",
        name: "Yemen sanctions",
        resolutions: "UNSC resolutions 2140 (2014) and 2216 (2015)",
        asset_freeze: true,
        measures: "asset freeze, travel ban and targeted arms embargo",
    },
    Regime {
        code: "Haiti",
        name: "Haiti sanctions",
        resolutions: "UNSC resolution 2653 (2022)",
        asset_freeze: true,
        measures: "asset freeze, travel ban and targeted arms embargo",
    },
    Regime {
        code: "GB",
        name: "Guinea-Bissau sanctions",
        resolutions: "UNSC resolution 2048 (2012)",
        asset_freeze: false,
        measures: "travel ban only",
    },
];

/// The regime with list code `code`.
pub fn regime(code: &str) -> Option<&'static Regime> {
    REGIMES.iter().find(|r| r.code == code)
}
