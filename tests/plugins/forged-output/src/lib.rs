//! A plugin that writes its results by hand, byte for byte, instead of through
//! generated bindings, so it can return what no well-typed plugin can: an
//! `outcome` outside the contract's enum, strings that are not UTF-8, pointers
//! outside its memory, texts longer than the host accepts (which the SDK would
//! cut), and one buffer referenced by thousands of findings (so that reading the
//! result would make the host copy it thousands of times).
//!
//! It implements the `exportctl:policy/evaluator@1.4.0` exports with the
//! canonical ABI's core signatures; the component type is the contract's own
//! (`sdk/wit/policy.wit`), so the component is a genuine `policy` component. Shipments not
//! bound for Russia get a well-formed empty result. The `forge` setting picks the
//! violation: `outcome`, `utf8`, `pointer`, `rule`, `reserved-rule`, `line`,
//! `party`, `long-message` (5,000 bytes), `huge-message` (100 MiB) or `aliased`.
//!
//! It does not export the contract's `shipment-reader`, so the host hands it
//! shipments in wire format 1 (postcard), which it reads with the SDK's
//! `validated` feature: the test of the host's format 1 path for a plugin built
//! against the current contract.

#[cfg(target_arch = "wasm32")]
#[allow(
    dead_code,
    reason = "the host reads these fields through linear memory"
)]
mod abi {
    use exportctl_sdk::Country;
    use exportctl_sdk::validated::Shipment;
    use std::sync::Mutex;

    // Only for the component type it embeds: the exports below are hand-written.
    wit_bindgen::generate!({
        path: "../../../sdk/wit",
        world: "policy",
    });

    /// A string or list as the canonical ABI lays it out: pointer and length.
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct Slice {
        ptr: u32,
        len: u32,
    }

    impl Slice {
        fn of<T>(items: &'static [T]) -> Slice {
            Slice {
                ptr: items.as_ptr() as usize as u32,
                len: items.len() as u32,
            }
        }

        fn str(text: &'static str) -> Slice {
            Slice::of(text.as_bytes())
        }
    }

    /// `record finding` (44 bytes, align 4).
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct Finding {
        rule: Slice,
        outcome: u8,
        lines: Slice,
        parties: Slice,
        message: Slice,
        legal_basis: Slice,
    }

    /// `option<string>`.
    #[repr(C)]
    struct OptionStr {
        tag: u8,
        value: Slice,
    }

    /// `record policy-metadata`.
    #[repr(C)]
    struct Metadata {
        id: Slice,
        name: Slice,
        version: Slice,
        publisher: Slice,
        jurisdiction: Slice,
        legal_basis: Slice,
        valid_from: Slice,
        valid_to: OptionStr,
        contract_version: Slice,
        sources: Slice,
        limitations: Slice,
    }

    /// `result<list<finding>, string>` and `result<_, string>`: tag, then payload.
    #[repr(C)]
    struct Result {
        tag: u8,
        payload: Slice,
    }

    static FORGE: Mutex<String> = Mutex::new(String::new());

    fn leak<T>(value: T) -> *mut T {
        Box::into_raw(Box::new(value))
    }

    fn leak_slice<T>(items: Vec<T>) -> &'static [T] {
        Vec::leak(items)
    }

    /// # Safety
    /// Called by the component runtime with a valid string in linear memory.
    #[unsafe(export_name = "exportctl:policy/evaluator@1.4.0#metadata")]
    unsafe extern "C" fn metadata() -> *mut Metadata {
        static NONE: [Slice; 0] = [];
        leak(Metadata {
            id: Slice::str("hostile-forged-output"),
            name: Slice::str("Hostile: forges its output"),
            version: Slice::str("0.1.0"),
            publisher: Slice::str("exportctl test suite"),
            jurisdiction: Slice::str("test"),
            legal_basis: Slice::str("none: a test of the sandbox"),
            valid_from: Slice::str("2000-01-01"),
            valid_to: OptionStr {
                tag: 0,
                value: Slice { ptr: 0, len: 0 },
            },
            contract_version: Slice::str("1.4.0"),
            sources: Slice::of(&NONE),
            limitations: Slice::of(&NONE),
        })
    }

    /// # Safety
    /// Called by the component runtime with a valid string in linear memory.
    #[unsafe(export_name = "exportctl:policy/evaluator@1.4.0#configure")]
    unsafe extern "C" fn configure(ptr: *const u8, len: usize) -> *mut Result {
        // SAFETY: the runtime passes a UTF-8 string it wrote into our memory.
        let settings = unsafe { std::slice::from_raw_parts(ptr, len) };
        if let Ok(mut forge) = FORGE.lock() {
            *forge = String::from_utf8_lossy(settings).into_owned();
        }
        leak(Result {
            tag: 0,
            payload: Slice { ptr: 0, len: 0 },
        })
    }

    /// # Safety
    /// Called by the component runtime with a valid byte list in linear memory.
    #[unsafe(export_name = "exportctl:policy/evaluator@1.4.0#evaluate")]
    unsafe extern "C" fn evaluate(ptr: *const u8, len: usize) -> *mut Result {
        // SAFETY: the runtime passes a byte list it wrote into our memory.
        let wire = unsafe { std::slice::from_raw_parts(ptr, len) };
        let shipment = match Shipment::from_legacy_wire(wire) {
            Ok(shipment) => shipment,
            Err(_) => {
                return leak(Result {
                    tag: 1,
                    payload: Slice::str("undecodable shipment"),
                });
            }
        };
        let findings: &'static [Finding] = if shipment.destination_country == Country::RU {
            let forge = FORGE.lock().map(|f| f.clone()).unwrap_or_default();
            forged(&forge, shipment.lines.first().map_or(1, |l| l.line))
        } else {
            &[]
        };
        leak(Result {
            tag: 0,
            payload: Slice::of(findings),
        })
    }

    fn forged(forge: &str, line: u32) -> &'static [Finding] {
        static NO_PARTIES: [Slice; 0] = [];
        let lines = leak_slice(vec![line]);
        let valid = Finding {
            rule: Slice::str("forged"),
            outcome: 1,
            lines: Slice::of(lines),
            parties: Slice::of(&NO_PARTIES),
            message: Slice::str("a forged finding"),
            legal_basis: Slice::str("none: a test of the sandbox"),
        };
        let one = |f: Finding| leak_slice(vec![f]);
        let what = [
            "long-message",
            "huge-message",
            "outcome",
            "utf8",
            "pointer",
            "reserved-rule",
            "rule",
            "line",
            "party",
            "aliased",
        ]
        .into_iter()
        .find(|w| forge.contains(&format!("\"{w}\"")))
        .unwrap_or("");
        match what {
            // `enum outcome` has four cases (0–3).
            "outcome" => one(Finding {
                outcome: 7,
                ..valid
            }),
            "utf8" => one(Finding {
                message: Slice::of(leak_slice(vec![0xc3u8, 0x28, 0xff])),
                ..valid
            }),
            "pointer" => one(Finding {
                message: Slice {
                    ptr: 0xffff_fff0,
                    len: 64,
                },
                ..valid
            }),
            "long-message" => one(Finding {
                message: Slice::of(leak_slice(vec![b'm'; 5000])),
                ..valid
            }),
            "huge-message" => one(Finding {
                message: Slice::of(leak_slice(vec![b'm'; 100 << 20])),
                ..valid
            }),
            "reserved-rule" => one(Finding {
                rule: Slice::str("policy-error"),
                ..valid
            }),
            "rule" => one(Finding {
                rule: Slice::str("Not A Rule"),
                ..valid
            }),
            "line" => one(Finding {
                lines: Slice::of(leak_slice(vec![line, 999_999])),
                ..valid
            }),
            "party" => one(Finding {
                parties: Slice::of(leak_slice(vec![Slice::str("board_of_directors")])),
                ..valid
            }),
            "aliased" => {
                // 10,000 findings (the most the host accepts), each citing the
                // same 100,000-entry list of one real line number: 400 KB here,
                // 4 GB if the host copied the list once per finding.
                let shared = Slice::of(leak_slice(vec![line; 100_000]));
                leak_slice(vec![
                    Finding {
                        lines: shared,
                        ..valid
                    };
                    10_000
                ])
            }
            _ => one(valid),
        }
    }
}
