//! Policy-set files: which plugins run, in which mode, with which settings and
//! limits. TOML, every field checked; unknown keys are errors (a typo must not
//! silently disable a control).
//!
//! ```toml
//! [host]
//! fail_outcome = "review"     # outcome of a policy that fails: "review" (default) or "deny"
//! instance = "fresh"          # "fresh" (default): a new sandbox per evaluation; "reused"
//!
//! [host.limits]               # defaults for every policy
//! fuel = 100_000_000
//! memory_mib = 64
//!
//! [trust]                       # who may publish file plugins (bundled ones are part of the binary)
//! allow_unsigned = false         # authoring only: load unsigned file plugins, with a warning
//!
//! [[trust.publisher]]
//! name = "Kazakh export control authority"
//! public_key = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"  # or public_key_file = "keys/kz.pub"
//! policies = ["kz-*"]            # policy ids, or prefixes ending in `*`
//!
//! [[policy]]
//! plugin = "kz-export-control"   # a bundled plugin, or a path to a .wasm component
//! signature = "kz.wasm.minisig"  # default: the plugin path + `.minisig`
//! enabled = true                 # default true
//! mode = "enforce"               # "enforce" (default) or "monitor"
//! [policy.settings]              # handed to the plugin as JSON
//! russia_dual_use = "deny"
//! [policy.limits]                # overrides [host.limits] for this policy
//! fuel = 200_000_000
//! ```
//!
//! A `plugin` value with no `/` and no `.wasm` suffix names a plugin bundled in the
//! binary; anything else is a path, relative to the policy-set file.
//!
//! Several versions of one policy may be listed; each declares the period it is in
//! force, the periods must not overlap, and each shipment is judged by the version
//! in force on its law date.

use crate::error::LoadError;
use crate::limits::Limits;
use crate::trust::{Publisher, TrustStore};
use exportctl_sdk::Outcome;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The bundled default policy set (`policies/default.toml`).
pub const DEFAULT_POLICY_SET: &str = include_str!("../../policies/default.toml");

/// Where a plugin comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginSource {
    /// Bundled in the binary, by package name.
    Bundled(String),
    /// A component file.
    File(PathBuf),
}

/// How a policy's findings count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Findings decide the shipment's outcome.
    Enforce,
    /// Findings are reported but do not count (for trying a policy out).
    Monitor,
}

/// Whether each evaluation gets a new sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum InstanceMode {
    /// A new instance for every evaluation: nothing survives between shipments.
    #[default]
    Fresh,
    /// One instance per policy and worker, reused until it fails.
    Reused,
}

/// One policy of a set.
#[derive(Debug, Clone)]
pub struct PolicyEntry {
    /// Where the plugin comes from.
    pub plugin: PluginSource,
    /// The detached signature of a file plugin (`None` for bundled plugins).
    pub signature: Option<PathBuf>,
    /// Whether the policy runs at all.
    pub enabled: bool,
    /// Enforce or monitor.
    pub mode: Mode,
    /// The `settings` table as JSON text.
    pub settings_json: String,
    /// Limits for each evaluation.
    pub limits: Limits,
}

/// A parsed policy-set file.
#[derive(Clone)]
pub struct PolicySetConfig {
    /// The file it came from (`<bundled default>` for the built-in set).
    pub origin: String,
    /// Outcome of a policy that fails.
    pub fail_outcome: Outcome,
    /// Fresh or reused sandboxes.
    pub instance_mode: InstanceMode,
    /// The policies, in file order.
    pub policies: Vec<PolicyEntry>,
    /// Who may publish file plugins.
    pub trust: TrustStore,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicySetFile {
    #[serde(default)]
    host: HostSection,
    #[serde(default)]
    trust: TrustFile,
    #[serde(default)]
    policy: Vec<PolicyFile>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TrustFile {
    allow_unsigned: Option<bool>,
    #[serde(default)]
    publisher: Vec<PublisherFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PublisherFile {
    name: String,
    public_key: Option<String>,
    public_key_file: Option<String>,
    policies: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HostSection {
    fail_outcome: Option<FailOutcome>,
    instance: Option<InstanceMode>,
    #[serde(default)]
    limits: LimitsFile,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum FailOutcome {
    Review,
    Deny,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    plugin: String,
    signature: Option<String>,
    enabled: Option<bool>,
    mode: Option<Mode>,
    settings: Option<toml::Table>,
    #[serde(default)]
    limits: LimitsFile,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    fuel: Option<u64>,
    memory_mib: Option<u64>,
}

impl LimitsFile {
    fn over(self, base: Limits, at: &str) -> Result<Limits, String> {
        let fuel = self.fuel.unwrap_or(base.fuel);
        if fuel == 0 || fuel > Limits::MAX_FUEL {
            return Err(format!(
                "{at}.fuel = {fuel} is outside 1–{}",
                Limits::MAX_FUEL
            ));
        }
        let memory_bytes = match self.memory_mib {
            None => base.memory_bytes,
            Some(mib) if (1..=Limits::MAX_MEMORY_BYTES >> 20).contains(&mib) => mib << 20,
            Some(mib) => {
                return Err(format!(
                    "{at}.memory_mib = {mib} is outside 1–{}",
                    Limits::MAX_MEMORY_BYTES >> 20
                ));
            }
        };
        Ok(Limits { fuel, memory_bytes })
    }
}

impl PolicySetConfig {
    /// Reads and parses a policy-set file.
    pub fn load(path: &Path) -> Result<PolicySetConfig, LoadError> {
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::ReadPolicySet {
            path: path.to_owned(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        PolicySetConfig::parse(&text, &path.display().to_string(), base)
    }

    /// The bundled default set.
    pub fn bundled_default() -> Result<PolicySetConfig, LoadError> {
        PolicySetConfig::parse(DEFAULT_POLICY_SET, "<bundled default>", Path::new("."))
    }

    /// Parses policy-set text; `origin` names it in errors, relative plugin paths are
    /// resolved against `base`.
    pub fn parse(text: &str, origin: &str, base: &Path) -> Result<PolicySetConfig, LoadError> {
        let invalid = |reason: String| LoadError::InvalidPolicySet {
            origin: origin.to_owned(),
            reason,
        };
        let file: PolicySetFile =
            toml::from_str(text).map_err(|e| invalid(e.to_string().trim_end().to_owned()))?;
        let host_limits = file
            .host
            .limits
            .over(Limits::default(), "host.limits")
            .map_err(invalid)?;
        let trust = parse_trust(file.trust, base).map_err(invalid)?;
        let mut policies = Vec::with_capacity(file.policy.len());
        for (i, p) in file.policy.into_iter().enumerate() {
            let at = format!("policy[{i}]");
            let (plugin, signature) = if p.plugin.contains('/') || p.plugin.ends_with(".wasm") {
                let path = base.join(&p.plugin);
                let signature = match &p.signature {
                    Some(sig) => base.join(sig),
                    None => PathBuf::from(format!("{}.minisig", path.display())),
                };
                (PluginSource::File(path), Some(signature))
            } else if p.plugin.is_empty() {
                return Err(invalid(format!("{at}.plugin is empty")));
            } else if p.signature.is_some() {
                return Err(invalid(format!(
                    "{at}.signature: bundled plugin `{}` is part of the binary and takes no signature",
                    p.plugin
                )));
            } else {
                (PluginSource::Bundled(p.plugin), None)
            };
            let settings_json = serde_json::to_string(&p.settings.unwrap_or_default())
                .map_err(|e| invalid(format!("{at}.settings cannot be passed on as JSON: {e}")))?;
            policies.push(PolicyEntry {
                plugin,
                signature,
                enabled: p.enabled.unwrap_or(true),
                mode: p.mode.unwrap_or(Mode::Enforce),
                settings_json,
                limits: p
                    .limits
                    .over(host_limits, &format!("{at}.limits"))
                    .map_err(invalid)?,
            });
        }
        Ok(PolicySetConfig {
            origin: origin.to_owned(),
            fail_outcome: match file.host.fail_outcome {
                None | Some(FailOutcome::Review) => Outcome::Review,
                Some(FailOutcome::Deny) => Outcome::Deny,
            },
            instance_mode: file.host.instance.unwrap_or_default(),
            policies,
            trust,
        })
    }
}

fn parse_trust(file: TrustFile, base: &Path) -> Result<TrustStore, String> {
    let mut publishers = Vec::with_capacity(file.publisher.len());
    for (i, p) in file.publisher.into_iter().enumerate() {
        let at = format!("trust.publisher[{i}]");
        let key = match (p.public_key, p.public_key_file) {
            (Some(key), None) => key,
            (None, Some(path)) => {
                let path = base.join(path);
                std::fs::read_to_string(&path)
                    .map_err(|e| format!("{at}.public_key_file `{}`: {e}", path.display()))?
            }
            _ => {
                return Err(format!(
                    "{at}: give exactly one of `public_key` and `public_key_file`"
                ));
            }
        };
        publishers
            .push(Publisher::new(&p.name, &key, &p.policies).map_err(|e| format!("{at}: {e}"))?);
    }
    TrustStore::new(publishers, file.allow_unsigned.unwrap_or(false))
        .map_err(|e| format!("trust: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<PolicySetConfig, String> {
        PolicySetConfig::parse(text, "set.toml", Path::new("/etc/exportctl"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_apply_and_policy_limits_override_host_limits() {
        let set = parse(
            "[host.limits]\nfuel = 5\n[[policy]]\nplugin = \"a\"\n[[policy]]\nplugin = \"x/b.wasm\"\nmode = \"monitor\"\nenabled = false\n[policy.limits]\nmemory_mib = 2\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(set.fail_outcome, Outcome::Review);
        assert_eq!(set.instance_mode, InstanceMode::Fresh);
        assert_eq!(set.policies[0].plugin, PluginSource::Bundled("a".into()));
        assert_eq!(
            set.policies[0].limits,
            Limits {
                fuel: 5,
                memory_bytes: Limits::DEFAULT_MEMORY_BYTES
            }
        );
        assert_eq!(
            set.policies[1].plugin,
            PluginSource::File("/etc/exportctl/x/b.wasm".into())
        );
        assert_eq!(
            set.policies[1].limits,
            Limits {
                fuel: 5,
                memory_bytes: 2 << 20
            }
        );
        assert_eq!(
            (set.policies[1].mode, set.policies[1].enabled),
            (Mode::Monitor, false)
        );
        assert_eq!(set.policies[0].settings_json, "{}");
    }

    #[test]
    fn settings_become_json() {
        let set =
            parse("[[policy]]\nplugin = \"a\"\n[policy.settings]\nx = [1, 2]\ny = \"deny\"\n")
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(set.policies[0].settings_json, r#"{"x":[1,2],"y":"deny"}"#);
    }

    #[test]
    fn typos_and_bad_values_are_errors_naming_the_place() {
        for (text, expected) in [
            (
                "[[policy]]\nplugin = \"a\"\nenabeld = true\n",
                "unknown field `enabeld`",
            ),
            (
                "[host]\nfail_outcome = \"allow\"\n",
                "unknown variant `allow`",
            ),
            (
                "[[policy]]\nplugin = \"a\"\nmode = \"audit\"\n",
                "unknown variant `audit`",
            ),
            (
                "[[policy]]\nplugin = \"a\"\n[policy.limits]\nmemory_mib = 0\n",
                "policy[0].limits.memory_mib = 0 is outside",
            ),
            (
                "[[policy]]\nplugin = \"a\"\n[policy.limits]\nfuel = 0\n",
                "policy[0].limits.fuel = 0 is outside 1–10000000000",
            ),
            ("[[policy]]\nplugin = \"\"\n", "policy[0].plugin is empty"),
            ("[[policy]\n", "set.toml"),
        ] {
            let err = parse(text).err().unwrap_or_default();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn the_bundled_default_set_parses() {
        let set = PolicySetConfig::bundled_default().unwrap_or_else(|e| panic!("{e}"));
        assert!(!set.policies.is_empty());
    }
}
