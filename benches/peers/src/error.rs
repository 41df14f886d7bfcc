//! What can go wrong before timing starts: a rule that does not compile in an
//! engine, a shipment an engine cannot take, or engines that disagree.

/// An error of the peers benchmark.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PeersError {
    /// The generated corpus could not be made or read.
    #[error("corpus: {0}")]
    Corpus(String),
    /// A generated shipment is not valid input.
    #[error("shipment {id}: {source}")]
    Shipment {
        /// The shipment's id.
        id: String,
        /// Why it is invalid.
        #[source]
        source: Box<exportctl_sdk::input::InputError>,
    },
    /// A peer engine rejected a rule or failed on a shipment.
    #[error("{engine}: {message}")]
    Engine {
        /// The engine (`regorus RVM`, `cedar`, …).
        engine: &'static str,
        /// Its message.
        message: String,
    },
    /// exportctl could not load the policy.
    #[error("exportctl: {0}")]
    Load(#[from] Box<exportctl::LoadError>),
    /// Two engines decided a shipment differently.
    #[error(transparent)]
    Disagreement(Box<Disagreement>),
}

/// Two engines decided a shipment differently.
#[derive(Debug, thiserror::Error)]
#[error(
    "shipment {shipment} ({scenario}): {engine} decided {got}, {reference_engine} decided {expected}"
)]
pub struct Disagreement {
    /// The scenario the shipment belongs to.
    pub scenario: String,
    /// The shipment's id.
    pub shipment: String,
    /// The engine that disagrees.
    pub engine: &'static str,
    /// Its decision.
    pub got: String,
    /// The engine it was compared with.
    pub reference_engine: &'static str,
    /// That engine's decision.
    pub expected: String,
}

impl From<exportctl::LoadError> for PeersError {
    fn from(e: exportctl::LoadError) -> PeersError {
        PeersError::Load(Box::new(e))
    }
}

impl PeersError {
    /// An engine's error, with the engine named.
    pub fn engine(engine: &'static str, message: impl std::fmt::Display) -> PeersError {
        PeersError::Engine {
            engine,
            message: message.to_string(),
        }
    }
}
