//! Any bytes, read as a shipment file and validated: the first byte picks the
//! format (JSON, JSON Lines, TOML). Must never panic; every error must be one
//! line naming the file; every shipment that validates must cross the wire
//! encoding unchanged.

#![no_main]

use exportctl_sdk::Shipment;
use exportctl_sdk::input::{InputLimits, parse_shipment, read_documents};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let name = match selector % 3 {
        0 => "f.json",
        1 => "f.jsonl",
        _ => "f.toml",
    };
    // Small limits, so the fuzzer reaches them too.
    let limits = InputLimits {
        max_file_bytes: 1 << 16,
        max_text_chars: 64,
        max_lines: 8,
        max_documents: 8,
        max_depth: 8,
    };
    let check_error = |e: &dyn std::fmt::Display| {
        let text = e.to_string();
        assert!(!text.contains('\n') && !text.contains('\r'), "{text:?}");
        assert!(text.starts_with(name), "{text:?}");
    };
    let documents = match read_documents(bytes, name, &limits) {
        Ok(documents) => documents,
        Err(e) => return check_error(&e),
    };
    for doc in &documents {
        match parse_shipment(doc, None, &limits) {
            Ok(shipment) => {
                let wire = shipment.to_wire().expect("a valid shipment encodes");
                let back = Shipment::from_wire(&wire).expect("its encoding decodes");
                assert_eq!(back, shipment);
            }
            Err(e) => check_error(&e),
        }
    }
});
