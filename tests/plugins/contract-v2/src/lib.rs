//! A policy built for version 2.0.0 of the policy contract (a copy of
//! `sdk/wit/policy.wit` with the version changed). This host implements 1.0.0 to 1.4.0,
//! so it must refuse to load the plugin and say which versions differ.

#[cfg(target_arch = "wasm32")]
mod component {
    wit_bindgen::generate!({
        path: "wit",
        world: "policy",
        generate_all,
    });

    use exports::exportctl::policy::evaluator::{Finding, Guest, PolicyMetadata};

    struct ContractV2;

    impl Guest for ContractV2 {
        fn metadata() -> PolicyMetadata {
            PolicyMetadata {
                id: "hostile-contract-v2".into(),
                name: "Hostile: another contract version".into(),
                version: "0.1.0".into(),
                publisher: "exportctl test suite".into(),
                jurisdiction: "test".into(),
                legal_basis: "none: a test of the sandbox".into(),
                valid_from: "2000-01-01".into(),
                valid_to: None,
                contract_version: "2.0.0".into(),
                sources: Vec::new(),
                limitations: Vec::new(),
            }
        }

        fn configure(_settings: String) -> Result<(), String> {
            Ok(())
        }

        fn evaluate(_shipment: Vec<u8>) -> Result<Vec<Finding>, String> {
            exportctl::policy::host::log(
                exportctl::policy::host::LogLevel::Info,
                "judging with contract 2.0.0",
            );
            Ok(Vec::new())
        }
    }

    export!(ContractV2);
}
