//! The boundary between host and plugin: a shipment crosses as one buffer in wire
//! format 2 (`validated::Shipment::to_wire`, read in place by
//! `Shipment::from_wire`). How large that buffer is on the corpus and what writing
//! and checking it cost natively, so section 6 can tell the codec's share of a
//! call from the sandbox's.

use crate::BoxError;
use crate::samples::Samples;
use crate::table::{header, row, section, us};
use crate::timing::{REPS, Stat, time_calls, time_per_item};
use exportctl_sdk::validated::Shipment;
use std::hint::black_box;

/// The boundary section: wire sizes of the corpus and the native cost of
/// encoding and decoding, over the corpus and for each sample (returned for
/// section 6's breakdown).
pub fn boundary(corpus: &[Shipment], samples: &Samples) -> Result<Vec<(Stat, Stat)>, BoxError> {
    section(
        "Boundary: the shipment crosses as one buffer in wire format 2 (to_wire; from_wire checks it), findings as WIT records",
    );
    let mut sizes: Vec<usize> = corpus
        .iter()
        .map(|s| s.to_wire().map(|w| w.len()))
        .collect::<Result<_, _>>()?;
    sizes.sort_unstable();
    let lines: usize = corpus.iter().map(|s| s.lines.len()).sum();
    println!(
        "  corpus wire size: median {} B, mean {} B, max {} B ({:.1} lines per shipment on average)",
        sizes[sizes.len() / 2],
        sizes.iter().sum::<usize>() / sizes.len(),
        sizes[sizes.len() - 1],
        lines as f64 / corpus.len() as f64,
    );
    header(&["wire bytes", "encode µs", "decode µs"]);
    let encode = time_per_item(REPS, corpus.len(), || {
        for s in corpus {
            black_box(s.to_wire()?);
        }
        Ok(())
    })?;
    let wires: Vec<Vec<u8>> = corpus
        .iter()
        .map(Shipment::to_wire)
        .collect::<Result<_, _>>()?;
    let decode = time_per_item(REPS, corpus.len(), || {
        for w in &wires {
            black_box(exportctl_sdk::Shipment::from_wire(w)?);
        }
        Ok(())
    })?;
    row(
        "corpus average (native)",
        &["".into(), us(encode), us(decode)],
    );
    sample_codec(samples)
}

/// Times encoding and decoding each sample shipment natively, printing a row each.
pub fn sample_codec(samples: &Samples) -> Result<Vec<(Stat, Stat)>, BoxError> {
    let mut codec = Vec::new();
    for (name, s) in samples.all() {
        let wire = s.to_wire()?;
        let encode = time_calls(|| {
            black_box(black_box(s).to_wire()?);
            Ok(())
        })?;
        let decode = time_calls(|| {
            black_box(exportctl_sdk::Shipment::from_wire(black_box(&wire))?);
            Ok(())
        })?;
        row(
            &format!("{name} (native)"),
            &[wire.len().to_string(), us(encode), us(decode)],
        );
        codec.push((encode, decode));
    }
    Ok(codec)
}
