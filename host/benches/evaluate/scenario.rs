//! The scenarios the corpus mixes (ordinary trade, CHPL items to transshipment
//! countries, Kazakh licensing cases, …) with their shares, so section 2 can
//! show which verdicts each scenario gets.

/// What a generated shipment is meant to be; the policies decide what it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ordinary,
    ChplThirdCountry,
    ChplRussia,
    KzDualUseExport,
    KzMilitaryExport,
    KzTransit,
    KzRussia,
    MilitaryEndUse,
    EuRussia,
}

impl Kind {
    /// Every scenario with its share per thousand shipments, in the order
    /// section 2 lists them.
    pub const WEIGHTS: [(Kind, usize); 9] = [
        (Kind::Ordinary, 630),
        (Kind::ChplThirdCountry, 120),
        (Kind::ChplRussia, 35),
        (Kind::KzDualUseExport, 60),
        (Kind::KzMilitaryExport, 20),
        (Kind::KzTransit, 55),
        (Kind::KzRussia, 45),
        (Kind::MilitaryEndUse, 15),
        (Kind::EuRussia, 20),
    ];

    /// The row label of the scenario in section 2.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Ordinary => "ordinary goods, any route",
            Kind::ChplThirdCountry => "CHPL items to a transshipment country",
            Kind::ChplRussia => "CHPL items to/for Russia or Belarus",
            Kind::KzDualUseExport => "dual-use export from KZ",
            Kind::KzMilitaryExport => "military export from KZ",
            Kind::KzTransit => "controlled goods in transit via KZ",
            Kind::KzRussia => "controlled goods KZ → Russia",
            Kind::MilitaryEndUse => "declared military end use, from KZ",
            Kind::EuRussia => "EU exporter, goods to Russia/Belarus",
        }
    }
}
