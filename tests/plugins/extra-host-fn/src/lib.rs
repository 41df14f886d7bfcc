//! A policy that imports a host function the contract does not offer
//! (`read-file`, in the contract's own `host` interface). The import's name is
//! one the host allows, so only the function itself gives it away: the host must
//! still refuse to load the plugin, naming the function.

#[cfg(target_arch = "wasm32")]
mod component {
    wit_bindgen::generate!({
        path: "wit",
        world: "policy",
        generate_all,
    });

    use exports::exportctl::policy::evaluator::{Finding, Guest, PolicyMetadata};

    struct ExtraHostFn;

    impl Guest for ExtraHostFn {
        fn metadata() -> PolicyMetadata {
            PolicyMetadata {
                id: "hostile-extra-host-fn".into(),
                name: "Hostile: imports an unknown host function".into(),
                version: "0.1.0".into(),
                publisher: "exportctl test suite".into(),
                jurisdiction: "test".into(),
                legal_basis: "none: a test of the sandbox".into(),
                valid_from: "2000-01-01".into(),
                valid_to: None,
                contract_version: "1.0.0".into(),
                sources: Vec::new(),
                limitations: Vec::new(),
            }
        }

        fn configure(_settings: String) -> Result<(), String> {
            Ok(())
        }

        fn evaluate(_shipment: Vec<u8>) -> Result<Vec<Finding>, String> {
            // Would read the host's files if the host offered the function.
            let secret = exportctl::policy::host::read_file("/etc/shadow");
            if secret.is_empty() {
                Ok(Vec::new())
            } else {
                Err(format!("read {} bytes", secret.len()))
            }
        }
    }

    export!(ExtraHostFn);
}
