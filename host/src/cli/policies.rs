//! `exportctl policies`: what a policy set would run.

use super::{ExitStatus, Format, PoliciesArgs, load_host, print_load_error};
use std::io::{self, Write};

pub(super) fn run(args: &PoliciesArgs) -> ExitStatus {
    let host = match load_host(args.policies.as_ref(), &args.set) {
        Ok(host) => host,
        Err(e) => {
            print_load_error(&e);
            return ExitStatus::InvalidInput;
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let result = host.policies().try_for_each(|p| {
        let m = p.plugin.metadata();
        match args.format {
            Format::Json => {
                let value = serde_json::json!({
                    "id": m.id, "name": m.name, "version": m.version.to_string(), "publisher": m.publisher,
                    "jurisdiction": m.jurisdiction, "legal_basis": m.legal_basis,
                    "valid_from": m.valid_from.to_string(), "valid_to": m.valid_to.map(|d| d.to_string()),
                    "contract_version": m.contract_version, "wire_format": p.plugin.wire_format(),
                    "screens_parties": p.plugin.screens_parties(),
                    "exports": p.plugin.exports(), "rules": p.plugin.rules(), "sources": m.sources, "limitations": m.limitations,
                    "plugin": p.plugin.name(), "sha256": p.plugin.sha256(), "mode": p.mode, "instance": p.instance.as_str(), "signed_by": p.signer.to_string(),
                    "limits": { "fuel": p.limits.fuel, "memory_mib": p.limits.memory_bytes >> 20 },
                    "settings": serde_json::from_str::<serde_json::Value>(p.settings_json).unwrap_or_default(),
                });
                writeln!(out, "{value}")
            }
            Format::Text => {
                writeln!(out, "{} {} — {}", m.id, m.version, m.name)?;
                writeln!(out, "  publisher:    {} ({})", m.publisher, m.jurisdiction)?;
                let until = m.valid_to.map_or_else(|| "open-ended".to_owned(), |d| d.to_string());
                writeln!(out, "  in force:     {} to {until}", m.valid_from)?;
                writeln!(out, "  mode:         {}", match p.mode { exportctl::Mode::Enforce => "enforce", exportctl::Mode::Monitor => "monitor" })?;
                writeln!(out, "  instance:     {}", instance_text(p.instance))?;
                writeln!(out, "  signed by:    {}", p.signer)?;
                writeln!(out, "  plugin:       {} (contract {}, shipment wire format {})", p.plugin.name(), m.contract_version, p.plugin.wire_format())?;
                if p.plugin.screens_parties() {
                    writeln!(out, "  screens:      parties on their own too (`exportctl rescreen`)")?;
                }
                writeln!(out, "  sha256:       {}", p.plugin.sha256())?;
                writeln!(out, "  limits:       fuel {}, memory {} MiB", p.limits.fuel, p.limits.memory_bytes >> 20)?;
                let settings = if p.settings_json == "{}" { "none (the policy's defaults)" } else { p.settings_json };
                writeln!(out, "  settings:     {settings}")?;
                writeln!(out, "  legal basis:  {}", m.legal_basis)?;
                match p.plugin.rules() {
                    Some(rules) => {
                        for r in rules {
                            writeln!(out, "  rule:         {} — {}", r.id, r.description)?;
                        }
                    }
                    None => writeln!(out, "  rules:        not declared (built for contract {}, before 1.4.0)", m.contract_version)?,
                }
                for s in &m.sources {
                    writeln!(out, "  source:       {s}")?;
                }
                for l in &m.limitations {
                    writeln!(out, "  not covered:  {l}")?;
                }
                writeln!(out)
            }
        }
    });
    match result.and_then(|()| out.flush()) {
        Ok(()) => ExitStatus::Allow,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitStatus::Allow,
        Err(e) => {
            eprintln!("error: cannot write the policy list: {e}");
            ExitStatus::Internal
        }
    }
}

/// What a policy's instance mode means, for the text listing.
pub(super) fn instance_text(mode: exportctl::InstanceMode) -> &'static str {
    match mode {
        exportctl::InstanceMode::Fresh => "fresh (a new sandbox per shipment)",
        exportctl::InstanceMode::Reused => {
            "reused (one sandbox per worker, kept between shipments)"
        }
    }
}
