//! Section 6: one sample shipment against one policy alone, the figure the
//! latency targets (reused ≤ 1 µs, fresh ≤ 10 µs) are about, with the native
//! figures and a breakdown of where the time goes (encode, decode, rules,
//! call and guest, instantiation).

use crate::BoxError;
use crate::policies::OnePolicy;
use crate::samples::Samples;
use crate::table::{COMPARISON, comparison_row, header, row, section, us, us_f};
use crate::timing::{Stat, time_calls};
use exportctl::InstanceMode;
use std::hint::black_box;

/// Section 6: each sample shipment against each policy alone, fresh and reused,
/// with native figures and where the time goes.
pub fn single_shipment(
    policies: &[OnePolicy],
    samples: &Samples,
    codec: &[(Stat, Stat)],
) -> Result<(), BoxError> {
    section(
        "6. One shipment, one policy: Worker::evaluate on a one-policy Host (targets: reused ≤ 1 µs, fresh ≤ 10 µs)",
    );
    header(&COMPARISON);
    let mut breakdown = Vec::new();
    for p in policies {
        for ((name, s), &(encode, decode)) in samples.all().into_iter().zip(codec) {
            let mut worker = p.host.worker_with(InstanceMode::Fresh);
            let fresh = time_calls(|| {
                black_box(worker.evaluate(black_box(s)));
                Ok(())
            })?;
            let mut worker = p.host.worker_with(InstanceMode::Reused);
            let reused = time_calls(|| {
                black_box(worker.evaluate(black_box(s)));
                Ok(())
            })?;
            let outcome = p.host.worker_with(InstanceMode::Reused).evaluate(s).outcome;
            let label = format!("{} × {name} → {outcome}", p.label);
            let Some(native) = &p.native else {
                row(&label, &[us(fresh), us(reused), "no native".into()]);
                continue;
            };
            // The rules alone read a shipment already written; with the wire, the
            // call writes and checks it as the host and the guest do.
            let view = s.to_view()?;
            let rules = time_calls(|| {
                black_box(native(black_box(&view)));
                Ok(())
            })?;
            let with_wire = time_calls(|| {
                let wire = black_box(s).to_wire()?;
                black_box(native(&exportctl_sdk::Shipment::from_wire(&wire)?));
                Ok(())
            })?;
            comparison_row(&label, fresh, reused, rules, with_wire);
            breakdown.push((label, [encode, decode, rules], reused, fresh));
        }
    }
    println!(
        "\n  Where the time goes (medians, µs): encode, decode and rules measured natively; the rest by difference"
    );
    header(&[
        "encode",
        "decode",
        "rules",
        "call+guest",
        "= reused",
        "instantiate",
        "= fresh",
    ]);
    for (label, [encode, decode, rules], reused, fresh) in &breakdown {
        let call = reused.median - encode.median - decode.median - rules.median;
        row(
            label,
            &[
                us_f(encode.median),
                us_f(decode.median),
                us_f(rules.median),
                us_f(call),
                us_f(reused.median),
                us_f(fresh.median - reused.median),
                us_f(fresh.median),
            ],
        );
    }
    Ok(())
}
