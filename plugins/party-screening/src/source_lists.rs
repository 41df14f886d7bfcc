//! The source lists of the Consolidated Screening List, by the exact name the CSL
//! gives each in its `source` field, and the UN Security Council Consolidated List,
//! in the order the embedded table numbers them.
//!
//! Shared with `build.rs` (included by path): an entry whose source is not named here
//! fails the build, so a list added to a future CSL edition cannot slip in without a
//! decided outcome and legal basis (see `lists.rs`).

/// `(short code, CSL source name)`, indexed by [`crate::lists::List`] discriminant.
pub const SOURCE_LISTS: [(&str, &str); 13] = [
    (
        "SDN",
        "Specially Designated Nationals (SDN) - Treasury Department",
    ),
    ("EL", "Entity List (EL) - Bureau of Industry and Security"),
    (
        "DPL",
        "Denied Persons List (DPL) - Bureau of Industry and Security",
    ),
    ("DTC", "ITAR Debarred (DTC) - State Department"),
    (
        "SSI",
        "Sectoral Sanctions Identifications List (SSI) - Treasury Department",
    ),
    (
        "UVL",
        "Unverified List (UVL) - Bureau of Industry and Security",
    ),
    ("ISN", "Nonproliferation Sanctions (ISN) - State Department"),
    (
        "PLC",
        "Palestinian Legislative Council List (PLC) - Treasury Department",
    ),
    (
        "MEU",
        "Military End User (MEU) List - Bureau of Industry and Security",
    ),
    (
        "CMIC",
        "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department",
    ),
    (
        "NS-MBS",
        "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department",
    ),
    ("CAP", "Capta List (CAP) - Treasury Department"),
    // Not a CSL list: the UN Security Council Consolidated List, added by build.rs.
    ("UN", "UN Security Council Consolidated List"),
];

/// Entry types as stored in the table (`t` in the CSL file); `0` when the list gives
/// none (DPL, EL, UVL, MEU, ISN and DTC entries have no type).
pub const ENTRY_TYPES: [&str; 5] = ["", "Entity", "Individual", "Vessel", "Aircraft"];
