//! A policy of the current contract (1.4.0) that says it reads shipment wire
//! format 3, which no host writes yet: the host must refuse to load it and say
//! which SDK to rebuild it with, rather than hand it bytes it would misread.

#[cfg(target_arch = "wasm32")]
mod component {
    wit_bindgen::generate!({
        path: "../../../sdk/wit",
        world: "reader-policy",
        generate_all,
    });

    use exports::exportctl::policy::evaluator::{Finding, Guest, PolicyMetadata};
    use exports::exportctl::policy::shipment_reader::Guest as Reader;
    use exports::exportctl::policy::subject_evaluator::{Guest as Keyed, KeyedFinding};

    struct WireV3;

    impl Guest for WireV3 {
        fn metadata() -> PolicyMetadata {
            PolicyMetadata {
                id: "hostile-wire-v3".into(),
                name: "Hostile: a wire format the host does not write".into(),
                version: "0.1.0".into(),
                publisher: "exportctl test suite".into(),
                jurisdiction: "test".into(),
                legal_basis: "none: a test of the sandbox".into(),
                valid_from: "2000-01-01".into(),
                valid_to: None,
                contract_version: "1.4.0".into(),
                sources: Vec::new(),
                limitations: Vec::new(),
            }
        }

        fn configure(_settings: String) -> Result<(), String> {
            Ok(())
        }

        fn evaluate(_shipment: Vec<u8>) -> Result<Vec<Finding>, String> {
            Ok(Vec::new())
        }
    }

    impl Keyed for WireV3 {
        fn evaluate_with_subjects(_shipment: Vec<u8>) -> Result<Vec<KeyedFinding>, String> {
            Ok(Vec::new())
        }
    }

    impl Reader for WireV3 {
        fn wire_format() -> u32 {
            3
        }
    }

    export!(WireV3);
}
