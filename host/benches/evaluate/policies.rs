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
    /// How the tables name it: the id, and the setting it runs with if it is a
    /// variant of a policy of the set.
    pub label: String,
    /// Whether it is a policy of the set as configured (a variant is not, and the
    /// corpus report, which compares with the set's verdicts, leaves it out).
    pub in_set: bool,
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
            id: id.clone(),
            label: id.clone(),
            in_set: true,
            in_force,
            native: native_policy(name, &entry.settings_json)?,
            host,
        });
        // party-screening remembers the parties it has screened, and the corpus's
        // parties recur (as an exporter's do): also time it screening every party of
        // every shipment, what a party never seen before costs.
        if name == "party-screening" {
            let mut settings: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&entry.settings_json)?;
            settings.insert("remember_parties".into(), false.into());
            let mut forgetting = entry.clone();
            forgetting.settings_json = serde_json::Value::Object(settings).to_string();
            let mut set = one_policy(config, entry);
            set.policies = vec![forgetting.clone()];
            policies.push(OnePolicy {
                label: format!("{id}, remember_parties = false"),
                id,
                in_set: false,
                in_force,
                native: native_policy(name, &forgetting.settings_json)?,
                host: Host::load(&set)?,
            });
        }
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
