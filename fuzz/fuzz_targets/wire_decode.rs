//! Any bytes, decoded as a plugin decodes the shipment the host hands it
//! (`Shipment::from_wire`). Must never panic, and whatever decodes must
//! re-encode to the same shipment.

#![no_main]

use exportctl_sdk::Shipment;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(shipment) = Shipment::from_wire(data) {
        let wire = shipment.to_wire().expect("a decoded shipment encodes");
        let back = Shipment::from_wire(&wire).expect("its encoding decodes");
        assert_eq!(back, shipment);
    }
});
