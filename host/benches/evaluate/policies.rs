//! Each policy of the default set on its own: loaded alone in a wasm host, and
//! built natively from its crate where the benchmark knows it, so the
//! per-policy and single-shipment tables can set the sandbox against the same
//! rules run directly.

use crate::BoxError;
use exportctl::{Host, PluginSource, PolicyEntry, PolicySetConfig};
use exportctl_sdk::{Finding, Period, Policy, Shipment, configure};
use std::sync::Arc;

/// A policy of the default set: loaded alone in wasm, and built natively when
/// this benchmark knows its crate.
pub struct OnePolicy {
    /// The policy's id, from its metadata.
    pub id: String,
    /// When the policy is in force; shipments outside it are not timed against it.
    pub in_force: Period,
    /// The native build, if this benchmark knows the policy's crate.
    pub native: Option<NativePolicy>,
    /// A host with this policy alone.
    pub host: Arc<Host>,
}

/// A policy built natively: the rules as the plugin runs them, without the sandbox.
pub type NativePolicy = Box<dyn Fn(&Shipment) -> Vec<Finding>>;

/// Every policy of `config` on its own, in set order.
pub fn each_alone(config: &PolicySetConfig) -> Result<Vec<OnePolicy>, BoxError> {
    let mut policies = Vec::new();
    for entry in &config.policies {
        let PluginSource::Bundled(name) = &entry.plugin else {
            return Err(
                "the default set names a plugin file; this benchmark expects bundled plugins"
                    .into(),
            );
        };
        let host = Host::load(&one_policy(config, entry))?;
        let (id, in_force) = host
            .policies()
            .next()
            .map(|p| {
                (
                    p.plugin.metadata().id.clone(),
                    p.plugin.metadata().in_force(),
                )
            })
            .ok_or("a one-policy set loaded no policy")?;
        policies.push(OnePolicy {
            id,
            in_force,
            native: native_policy(name, &entry.settings_json)?,
            host,
        });
    }
    Ok(policies)
}

/// The default set with only `entry`.
pub fn one_policy(config: &PolicySetConfig, entry: &PolicyEntry) -> PolicySetConfig {
    let mut one = config.clone();
    one.policies.retain(|p| p.plugin == entry.plugin);
    one
}

/// Builds a bundled policy natively with its settings from the policy set, as the
/// plugin's `configure` does inside the sandbox. A bundled plugin (the host's one
/// list, `bundled_plugins()`) without a case here is an error, so this table
/// cannot fall behind that list: add its crate as a dev-dependency and a case.
pub fn native_policy(name: &str, settings_json: &str) -> Result<Option<NativePolicy>, BoxError> {
    match name {
        "kz-export-control" => native::<kz_export_control::KzExportControl>(settings_json),
        "chpl-diversion" => native::<chpl_diversion::ChplDiversion>(settings_json),
        "eu-russia-belarus" => native::<eu_russia_belarus::EuRussiaBelarus>(settings_json),
        "eu-dual-use" => native::<eu_dual_use::EuDualUse>(settings_json),
        "us-ear" => native::<us_ear::UsEar>(settings_json),
        "company-rules" => native::<company_rules::CompanyRules>(settings_json),
        "party-screening" => native::<party_screening::PartyScreening>(settings_json),
        _ => Err(format!(
            "bundled plugin `{name}` has no native build in the benchmark: add its crate to \
             host/Cargo.toml's dev-dependencies and a case to `native_policy`"
        )
        .into()),
    }
}

/// Policy `P` configured with `settings_json`, boxed.
fn native<P: Policy>(settings_json: &str) -> Result<Option<NativePolicy>, BoxError> {
    let policy = configure::<P>(settings_json)?;
    Ok(Some(Box::new(move |s: &Shipment| policy.evaluate(s))))
}
