//! The digest of a loaded policy set: one sha256 that changes whenever anything
//! that can change a verdict changes (a plugin's bytes, a setting, a mode, a
//! limit, the fail outcome, whom the set trusts), and only then. Its input, the
//! set's *canonical form*, is defined in `sdk/spec/policy-set.md` ("Digest").
//!
//! The instance modes are in it too, so that a replay rebuilds the set as it
//! ran: the set's always, a policy's only when its entry gives one, so sets
//! written without per-policy modes keep the digests they always had.

use crate::limits::Limits;
use crate::policy_set::{InstanceMode, Mode, PolicySetConfig};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// What the digest records of one enabled policy, in set order.
pub(crate) struct DigestEntry<'a> {
    /// sha256 of the plugin's bytes (stands for its location).
    pub sha256: &'a str,
    /// Enforce or monitor.
    pub mode: Mode,
    /// The settings it runs with (after `--set`), as JSON.
    pub settings_json: &'a str,
    /// Its limits.
    pub limits: Limits,
    /// Its entry's own instance mode, if it gives one.
    pub instance: Option<InstanceMode>,
}

/// Format tag at the start of the canonical form: a later change of what the
/// form contains changes the tag, so digests of two forms never collide.
const FORMAT: &str = "exportctl-policy-set-digest/1";

/// The canonical form of a set: one line of JSON, keys sorted, no spaces.
pub(crate) fn canonical_form(config: &PolicySetConfig, policies: &[DigestEntry<'_>]) -> String {
    let policies: Vec<Value> = policies
        .iter()
        .map(|p| {
            let mut entry = json!({
                "sha256": p.sha256,
                "mode": p.mode,
                // Settings were checked to be JSON at load; anything else would
                // be a bug, and is kept as text rather than dropped.
                "settings": serde_json::from_str::<Value>(p.settings_json)
                    .unwrap_or_else(|_| Value::String(p.settings_json.to_owned())),
                "limits": { "fuel": p.limits.fuel, "memory_bytes": p.limits.memory_bytes },
            });
            if let (Some(instance), Some(object)) = (p.instance, entry.as_object_mut()) {
                object.insert("instance".to_owned(), instance.as_str().into());
            }
            entry
        })
        .collect();
    let publishers: Vec<Value> = config
        .trust
        .publishers()
        .iter()
        .map(|p| {
            json!({
                "name": p.name(),
                "key_id": p.key_id(),
                "policies": p.patterns().iter().map(ToString::to_string).collect::<Vec<_>>(),
            })
        })
        .collect();
    let form = json!({
        "format": FORMAT,
        "host": {
            "fail_outcome": config.fail_outcome,
            "instance": config.instance_mode.as_str(),
            "unknown_fields": if config.strict_input { "invalid" } else { "warn" },
            "data_age_warning_days": config.data_age_days,
        },
        "trust": { "allow_unsigned": config.trust.allow_unsigned, "publishers": publishers },
        "policies": policies,
    });
    // serde_json's maps are ordered by key (the `preserve_order` feature is not
    // enabled in this workspace; a test below fails if it ever is).
    form.to_string()
}

/// Lower-case hex sha256 of the canonical form.
pub(crate) fn digest(canonical_form: &str) -> String {
    hex::encode(Sha256::digest(canonical_form.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(settings_json: &str) -> DigestEntry<'_> {
        DigestEntry {
            sha256: "ab",
            mode: Mode::Enforce,
            settings_json,
            limits: Limits::default(),
            instance: None,
        }
    }

    #[test]
    fn keys_are_sorted_and_settings_canonical() {
        let config = PolicySetConfig::bundled_default().unwrap_or_else(|e| panic!("{e}"));
        let a = canonical_form(&config, &[entry(r#"{"b": 1, "a": [2, {"d": 3, "c": 4}]}"#)]);
        let b = canonical_form(&config, &[entry(r#"{"a":[2,{"c":4,"d":3}],"b":1}"#)]);
        assert_eq!(a, b, "key order and spacing of settings do not matter");
        assert!(a.starts_with(r#"{"format":"exportctl-policy-set-digest/1","host":{"data_age_warning_days":90,"fail_outcome":"review""#), "{a}");
        assert!(a.contains(r#""policies":[{"limits":{"fuel":500000000,"memory_bytes":67108864},"mode":"enforce","settings":{"a":[2,{"c":4,"d":3}],"b":1},"sha256":"ab"}]"#), "{a}");
    }

    #[test]
    fn anything_that_can_change_a_verdict_changes_the_digest() {
        let config = PolicySetConfig::bundled_default().unwrap_or_else(|e| panic!("{e}"));
        let base = digest(&canonical_form(&config, &[entry("{}")]));
        let mut other = entry("{}");
        other.sha256 = "cd";
        assert_ne!(base, digest(&canonical_form(&config, &[other])));
        assert_ne!(
            base,
            digest(&canonical_form(&config, &[entry(r#"{"x":1}"#)]))
        );
        let mut monitor = entry("{}");
        monitor.mode = Mode::Monitor;
        assert_ne!(base, digest(&canonical_form(&config, &[monitor])));
        let mut deny = config.clone();
        deny.fail_outcome = exportctl_sdk::Outcome::Deny;
        assert_ne!(base, digest(&canonical_form(&deny, &[entry("{}")])));
        assert_eq!(base, digest(&canonical_form(&config, &[entry("{}")])));
        assert_eq!(base.len(), 64);
    }

    /// A policy's own instance mode is in the form only when its entry gives
    /// one: a set without per-policy modes keeps the form (and digest) it had.
    #[test]
    fn a_policys_instance_mode_is_recorded_only_when_given() {
        let config = PolicySetConfig::bundled_default().unwrap_or_else(|e| panic!("{e}"));
        let without = canonical_form(&config, &[entry("{}")]);
        assert!(
            without.contains(r#""policies":[{"limits":{"fuel":500000000,"memory_bytes":67108864},"mode":"enforce","settings":{},"sha256":"ab"}]"#),
            "{without}"
        );
        let mut reused = entry("{}");
        reused.instance = Some(InstanceMode::Reused);
        let with = canonical_form(&config, &[reused]);
        assert!(
            with.contains(r#""policies":[{"instance":"reused","limits":"#),
            "{with}"
        );
        assert_ne!(digest(&with), digest(&without));
        // Giving the set's own mode explicitly is a different file, and a
        // different form, though the policy runs the same.
        let mut fresh = entry("{}");
        fresh.instance = Some(InstanceMode::Fresh);
        assert_ne!(digest(&canonical_form(&config, &[fresh])), digest(&without));
    }
}
