//! A policy that reads the wall clock through WASI. A policy must be a
//! deterministic function of (plugin, settings, shipment), so the host refuses to
//! load any component importing WASI, whatever it would do with it.

#[cfg(target_arch = "wasm32")]
mod component {
    wit_bindgen::generate!({
        path: ["../../../sdk/wit", "wit/wasi-clocks.wit"],
        inline: "
            package test:hostile;
            world hostile {
                include exportctl:policy/policy@1.4.0;
                import wasi:clocks/wall-clock@0.2.0;
            }
        ",
        world: "test:hostile/hostile",
        generate_all,
    });

    use exports::exportctl::policy::evaluator::{Finding, Guest, PolicyMetadata};

    struct WasiClock;

    impl Guest for WasiClock {
        fn metadata() -> PolicyMetadata {
            PolicyMetadata {
                id: "hostile-wasi-clock".into(),
                name: "Hostile: reads the clock".into(),
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
            // Allows on odd seconds: exactly the nondeterminism the host must exclude.
            let now = wasi::clocks::wall_clock::now();
            if now.seconds % 2 == 1 {
                Ok(Vec::new())
            } else {
                Err("even second".into())
            }
        }
    }

    export!(WasiClock);
}
