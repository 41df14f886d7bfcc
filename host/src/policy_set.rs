//! Policy-set files: which plugins run, in which mode, with which settings and
//! limits. TOML, every field checked; unknown keys are errors (a typo must not
//! silently disable a control).
//!
//! ```toml
//! [host]
//! fail_outcome = "review"     # outcome of a policy that fails: "review" (default) or "deny"
//! instance = "fresh"          # "fresh" (default): a new sandbox per evaluation; "reused":
//!                             # one per policy and worker, kept between shipments
//! unknown_fields = "warn"     # unknown shipment fields: "warn" (default) or "invalid" (exit 2)
//! data_age_warning_days = 90  # warn when a policy's dated data is older than the law date by more (0: never)
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
//! instance = "reused"            # overrides [host] instance for this policy (default: the set's)
//! [policy.settings]              # handed to the plugin as JSON
//! russia_dual_use = "deny"
//! [policy.limits]                # overrides [host.limits] for this policy
//! fuel = 200_000_000
//! ```
//!
//! A `plugin` value with no `/` and no `.wasm` suffix names a plugin bundled in the
//! binary; anything else is a path, relative to the policy-set file.
//!
//! A policy's `instance` lets one set run trusted, stateless policies in reused
//! sandboxes and third-party plugins in fresh ones; either way the verdicts are
//! the same for a stateless policy. A policy without it runs in the set's mode.
//!
//! Several versions of one policy may be listed; each declares the period it is in
//! force, the periods must not overlap, and each shipment is judged by the version
//! in force on its law date.

use crate::error::{LoadError, SetError};
use crate::limits::Limits;
use crate::trust::{Publisher, TrustStore};
use exportctl_sdk::Outcome;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The default of `[host] data_age_warning_days`: how many days a policy's data
/// edition may be older than the law date before a verdict warns about it.
const DEFAULT_DATA_AGE_DAYS: u32 = 90;

/// The bundled default policy set (`policies/default.toml`).
pub(crate) const DEFAULT_POLICY_SET: &str = include_str!("../../policies/default.toml");

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

impl InstanceMode {
    /// Its name in a policy-set file: `fresh` or `reused`.
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceMode::Fresh => "fresh",
            InstanceMode::Reused => "reused",
        }
    }

    /// The mode a policy-set file names, or `None` for any other word.
    fn from_name(name: &str) -> Option<InstanceMode> {
        [InstanceMode::Fresh, InstanceMode::Reused]
            .into_iter()
            .find(|m| m.as_str() == name)
    }
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
    /// Fresh or reused sandboxes for this policy; `None`: the set's
    /// [`instance_mode`](PolicySetConfig::instance_mode).
    pub instance: Option<InstanceMode>,
}

impl PolicyEntry {
    /// The instance mode this policy runs in within a set whose own mode is `set`.
    pub fn instance_mode(&self, set: InstanceMode) -> InstanceMode {
        self.instance.unwrap_or(set)
    }
}

/// A parsed policy-set file.
#[derive(Clone)]
#[non_exhaustive]
pub struct PolicySetConfig {
    /// The file it came from (`<bundled default>` for the built-in set).
    pub origin: String,
    /// Outcome of a policy that fails.
    pub fail_outcome: Outcome,
    /// Fresh or reused sandboxes, for every policy that does not say.
    pub instance_mode: InstanceMode,
    /// The policies, in file order.
    pub policies: Vec<PolicyEntry>,
    /// Who may publish file plugins.
    pub trust: TrustStore,
    /// Unknown shipment fields are invalid input (`unknown_fields = "invalid"`).
    pub strict_input: bool,
    /// Warn when a policy's dated data is more than this many days older than
    /// the law date (0: never).
    pub data_age_days: u32,
    /// Settings given on the command line (`--set`), applied over the file's.
    pub overrides: Vec<SettingOverride>,
    /// Decision recording (`[audit]`), if the set asks for it. Not part of the
    /// set's digest: where verdicts are recorded does not change them.
    pub audit: Option<AuditSettings>,
    /// The file's text, for pointing at the line of a setting a plugin rejects.
    pub(crate) text: String,
}

/// The `[audit]` table of a policy set: where and how decisions are recorded
/// (`sdk/spec/policy-set.md`, "Audit").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSettings {
    /// The store: `sqlite:PATH` or `postgres://…`.
    pub store: String,
    /// Keep the whole validated shipment or only its digest.
    pub store_input: StoreInput,
    /// The checkpoint signing key (a secret key file), resolved against the
    /// set's directory.
    pub checkpoint_key: Option<PathBuf>,
    /// Sign a checkpoint after this many new records …
    pub checkpoint_every: u64,
    /// … or this many seconds after the last one (and always at the end).
    pub checkpoint_seconds: u64,
}

/// What a decision record keeps of the judged shipment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreInput {
    /// The canonical validated shipment (replay needs nothing else).
    #[default]
    Full,
    /// Only its SHA-256 (replay needs the caller's copy).
    Digest,
}

impl AuditSettings {
    /// Records per checkpoint when the set does not say.
    pub const DEFAULT_CHECKPOINT_EVERY: u64 = 10_000;
    /// Seconds between checkpoints when the set does not say.
    pub const DEFAULT_CHECKPOINT_SECONDS: u64 = 10;
}

/// One `--set POLICY.KEY=VALUE`: a setting of a policy, over the set's own.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingOverride {
    /// The policy id.
    pub policy: String,
    /// The key, dotted for a nested table (`a.b`).
    pub key: String,
    /// The value, as JSON.
    pub value: serde_json::Value,
}

impl std::str::FromStr for SettingOverride {
    type Err = String;

    /// Parses `POLICY.KEY=VALUE`. VALUE is a TOML value (`"deny"`, `90`,
    /// `["AE", "TR"]`, `true`); a bare word that is not one is taken as a string,
    /// so `--set us-ear.ear99_russia_belarus=licence_required` works unquoted.
    fn from_str(text: &str) -> Result<SettingOverride, String> {
        let usage = || format!("`{text}` is not POLICY.KEY=VALUE");
        let (target, value) = text.split_once('=').ok_or_else(usage)?;
        let (policy, key) = target.trim().split_once('.').ok_or_else(usage)?;
        if policy.is_empty() || key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(usage());
        }
        let value = value.trim();
        let value = match toml::from_str::<toml::Table>(&format!("v = {value}")) {
            Ok(mut table) => table
                .remove("v")
                .map(|v| serde_json::to_value(v).map_err(|e| e.to_string()))
                .transpose()?
                .unwrap_or_default(),
            Err(_) => serde_json::Value::String(value.to_owned()),
        };
        Ok(SettingOverride {
            policy: policy.to_owned(),
            key: key.to_owned(),
            value,
        })
    }
}

impl SettingOverride {
    /// The settings JSON with this setting put in.
    pub(crate) fn apply(&self, settings_json: &str) -> Result<String, String> {
        let mut settings: serde_json::Value =
            serde_json::from_str(settings_json).map_err(|e| e.to_string())?;
        let mut parts: Vec<&str> = self.key.split('.').collect();
        let last = parts.pop().unwrap_or_default();
        let mut table = &mut settings;
        for part in parts {
            table = table
                .as_object_mut()
                .ok_or_else(|| {
                    format!(
                        "--set {}.{}: `{part}` is not a table",
                        self.policy, self.key
                    )
                })?
                .entry(part)
                .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        }
        table
            .as_object_mut()
            .ok_or_else(|| format!("--set {}.{}: not a table", self.policy, self.key))?
            .insert(last.to_owned(), self.value.clone());
        Ok(settings.to_string())
    }
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
    audit: Option<AuditFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditFile {
    store: String,
    store_input: Option<StoreInput>,
    checkpoint_key: Option<String>,
    checkpoint_every: Option<u64>,
    checkpoint_seconds: Option<u64>,
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
    unknown_fields: Option<UnknownFields>,
    data_age_warning_days: Option<u32>,
    #[serde(default)]
    limits: LimitsFile,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum UnknownFields {
    Warn,
    Invalid,
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
    /// Read as a word and checked here, so an unknown one is named by its path.
    instance: Option<String>,
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
            source: SetError::Parse(reason),
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
            let instance = p
                .instance
                .map(|name| {
                    InstanceMode::from_name(&name).ok_or_else(|| {
                        invalid(format!(
                            "{at}.instance = \"{name}\" is neither \"fresh\" nor \"reused\""
                        ))
                    })
                })
                .transpose()?;
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
                instance,
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
            strict_input: file.host.unknown_fields == Some(UnknownFields::Invalid),
            data_age_days: file
                .host
                .data_age_warning_days
                .unwrap_or(DEFAULT_DATA_AGE_DAYS),
            overrides: Vec::new(),
            audit: file
                .audit
                .map(|a| parse_audit(a, base))
                .transpose()
                .map_err(invalid)?,
            text: text.to_owned(),
        })
    }

    /// Where the settings of the `index`-th `[[policy]]` a plugin rejected are,
    /// and its reason without a position in the JSON the plugin was handed
    /// (which the user never wrote): `(" line 12, policy[0].settings.key", reason)`.
    pub(crate) fn settings_place(
        &self,
        index: usize,
        settings_json: &str,
        reason: &str,
    ) -> (String, String) {
        let (reason, column) = split_json_position(reason);
        let key = column.and_then(|c| json_key_at(settings_json, c));
        let path = match &key {
            Some(key) => format!("policy[{index}].settings.{key}"),
            None => format!("policy[{index}].settings"),
        };
        let line = toml_setting_line(&self.text, index, key.as_deref());
        let place = match line {
            Some(line) => format!(" line {line}, {path}"),
            None => format!(" {path}"),
        };
        (place, reason)
    }
}

/// `reason` without a trailing `at line L column C`, and C if L is 1.
fn split_json_position(reason: &str) -> (String, Option<usize>) {
    if let Some(at) = reason.rfind(" at line ") {
        let tail = &reason[at + " at line ".len()..];
        if let Some((line, column)) = tail.split_once(" column ")
            && let (Ok(line), Ok(column)) =
                (line.trim().parse::<usize>(), column.trim().parse::<usize>())
        {
            return (reason[..at].to_owned(), (line == 1).then_some(column));
        }
    }
    (reason.to_owned(), None)
}

/// The top-level key of a one-line JSON object whose entry holds 1-based
/// `column`.
fn json_key_at(json: &str, column: usize) -> Option<String> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut key_start = None;
    let mut current: Option<String> = None;
    for (i, c) in json.char_indices() {
        if i + 1 > column {
            break;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
                if let Some(start) = key_start.take() {
                    current = serde_json::from_str::<String>(&json[start..=i]).ok();
                }
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                let prev = json[..i].trim_end().chars().last();
                if depth == 1 && matches!(prev, Some('{' | ',')) {
                    key_start = Some(i);
                }
            }
            '{' | '[' => depth += 1,
            '}' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    current
}

/// The 1-based line of `key` in the settings of the `index`-th `[[policy]]`
/// (or of its settings table when the key is not found).
fn toml_setting_line(text: &str, index: usize, key: Option<&str>) -> Option<usize> {
    let mut policy = None;
    let mut in_settings = false;
    let mut table_line = None;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with("[[policy]]") {
            policy = Some(policy.map_or(0, |p| p + 1));
            in_settings = false;
            continue;
        }
        if policy != Some(index) {
            continue;
        }
        if t.starts_with('[') {
            in_settings = t.starts_with("[policy.settings]");
            if in_settings {
                table_line = Some(n + 1);
            }
            continue;
        }
        let Some((name, _)) = t.split_once('=') else {
            continue;
        };
        let name = name.trim().trim_matches('"');
        if name == "settings" {
            table_line = Some(n + 1);
        }
        if in_settings && key.is_some_and(|k| k == name) {
            return Some(n + 1);
        }
    }
    table_line
}

fn parse_audit(file: AuditFile, base: &Path) -> Result<AuditSettings, String> {
    if file.store.is_empty() {
        return Err("audit.store is empty (expected sqlite:PATH or postgres://…)".into());
    }
    let positive = |value: Option<u64>, key: &str, default: u64| match value {
        Some(0) => Err(format!("audit.{key} = 0: must be at least 1")),
        other => Ok(other.unwrap_or(default)),
    };
    // A relative SQLite path is relative to the set file, like plugin paths.
    let store = match file.store.strip_prefix("sqlite:") {
        Some(path) if !Path::new(path).is_absolute() => {
            format!("sqlite:{}", base.join(path).display())
        }
        _ => file.store,
    };
    Ok(AuditSettings {
        store,
        store_input: file.store_input.unwrap_or_default(),
        checkpoint_key: file.checkpoint_key.map(|k| base.join(k)),
        checkpoint_every: positive(
            file.checkpoint_every,
            "checkpoint_every",
            AuditSettings::DEFAULT_CHECKPOINT_EVERY,
        )?,
        checkpoint_seconds: positive(
            file.checkpoint_seconds,
            "checkpoint_seconds",
            AuditSettings::DEFAULT_CHECKPOINT_SECONDS,
        )?,
    })
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
        PolicySetConfig::parse(text, "set.toml", Path::new("/etc/exportctl")).map_err(|e| {
            // The message and its cause, as `exportctl` prints them.
            let cause = std::error::Error::source(&e).map(ToString::to_string);
            format!("{e}: {}", cause.unwrap_or_default())
        })
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
    fn a_policy_may_override_the_sets_instance_mode() {
        let set = parse(
            "[host]\ninstance = \"fresh\"\n[[policy]]\nplugin = \"a\"\ninstance = \"reused\"\n[[policy]]\nplugin = \"b\"\n[[policy]]\nplugin = \"c\"\ninstance = \"fresh\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let given: Vec<_> = set.policies.iter().map(|p| p.instance).collect();
        assert_eq!(
            given,
            [Some(InstanceMode::Reused), None, Some(InstanceMode::Fresh)]
        );
        let effective: Vec<_> = set
            .policies
            .iter()
            .map(|p| p.instance_mode(set.instance_mode))
            .collect();
        assert_eq!(
            effective,
            [
                InstanceMode::Reused,
                InstanceMode::Fresh,
                InstanceMode::Fresh
            ]
        );
        // Absent: the set's mode, whichever it is.
        let reused = parse("[host]\ninstance = \"reused\"\n[[policy]]\nplugin = \"a\"\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reused.policies[0].instance, None);
        assert_eq!(
            reused.policies[0].instance_mode(reused.instance_mode),
            InstanceMode::Reused
        );
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
            (
                "[[policy]]\nplugin = \"a\"\n[[policy]]\nplugin = \"b\"\ninstance = \"shared\"\n",
                "policy[1].instance = \"shared\" is neither \"fresh\" nor \"reused\"",
            ),
            (
                "[[policy]]\nplugin = \"a\"\ninstance = true\n",
                "invalid type: boolean `true`, expected a string",
            ),
            ("[[policy]\n", "set.toml"),
        ] {
            let err = parse(text).err().unwrap_or_default();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn a_rejected_setting_is_placed_by_file_line_and_key_path() {
        let set = parse(
            "[[policy]]\nplugin = \"a\"\n[[policy]]\nplugin = \"b\"\n[policy.settings]\nx = 1\nlists = \"SDN\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let json = &set.policies[1].settings_json;
        assert_eq!(json, r#"{"lists":"SDN","x":1}"#);
        let (place, reason) = set.settings_place(
            1,
            json,
            "invalid type: string \"SDN\", expected a sequence at line 1 column 15",
        );
        assert_eq!(place, " line 7, policy[1].settings.lists");
        assert_eq!(reason, "invalid type: string \"SDN\", expected a sequence");
        let (place, _) = set.settings_place(1, json, "unknown setting");
        assert_eq!(place, " line 5, policy[1].settings");
    }

    #[test]
    fn set_parses_toml_values_and_bare_words() {
        let o: SettingOverride = "us-ear.ear99_russia_belarus=licence_required"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (o.policy.as_str(), o.key.as_str()),
            ("us-ear", "ear99_russia_belarus")
        );
        assert_eq!(o.value, serde_json::json!("licence_required"));
        let o: SettingOverride = "c.a.b=[\"AE\", 2]"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            o.apply(r#"{"z":1}"#).unwrap_or_default(),
            r#"{"a":{"b":["AE",2]},"z":1}"#
        );
        assert!("nodot=1".parse::<SettingOverride>().is_err());
    }

    #[test]
    fn the_bundled_default_set_parses() {
        let set = PolicySetConfig::bundled_default().unwrap_or_else(|e| panic!("{e}"));
        assert!(!set.policies.is_empty());
    }
}
