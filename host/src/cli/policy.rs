//! `exportctl policy new | build | keygen | sign | verify | inspect`: what an author
//! needs to start and build a policy, a publisher to distribute a plugin, and an
//! operator to check one.

use super::{ExitStatus, Format, load_error_line, print_error, print_load_error};
use clap::Subcommand;
use exportctl::{CodeCache, Host, LoadError, Plugin, PolicySetConfig, Publisher};
use minisign::{KeyPair, SecretKey, SecretKeyBox};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// The `policy` subcommands.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Create a policy crate that builds and tests out of the box.
    ///
    /// The crate holds an example rule citing its provision, validated settings, case
    /// files and a README skeleton. It depends on the SDK source this exportctl was
    /// built from; give `--sdk-path` for another checkout (or when that source is
    /// gone), `--sdk-version` for the SDK from your crate registry.
    New(super::policy_new::NewArgs),
    /// Build a policy project into a plugin, print its path and sha256 (`--sign KEY`: sign it).
    ///
    /// A Rust crate gets the reproducible build of the bundled policies (needs `rustup
    /// target add wasm32-unknown-unknown`). A Python project (`pyproject.toml` with
    /// `[tool.exportctl]`) is built with componentize-py 0.25.1, installed on first use
    /// into `EXPORTCTL_PYTHON_TOOLS` (default `~/.cache/exportctl/python-tools`).
    /// `--sign KEY` signs the component as `policy sign` does.
    Build(super::policy_build::BuildArgs),
    /// Create a minisign key pair (`NAME.key`, readable by its owner only, and
    /// `NAME.pub`) for signing plugins. The secret key is encrypted with a
    /// password read from `EXPORTCTL_KEY_PASSWORD`, or asked for on the terminal.
    Keygen {
        /// Base path of the key files.
        #[arg(value_name = "NAME")]
        name: PathBuf,
        /// Do not protect the secret key with a password (for tests and automation
        /// only; anyone who reads the file can sign as you).
        #[arg(long)]
        unencrypted: bool,
    },
    /// Sign a plugin, writing `PLUGIN.minisig` (interoperable with `minisign -Vm`).
    Sign {
        /// The secret key (`minisign -G` or `exportctl policy keygen`), readable by
        /// its owner only. An encrypted key's password is read from
        /// `EXPORTCTL_KEY_PASSWORD` or asked for on the terminal.
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        /// The plugin component.
        #[arg(value_name = "PLUGIN")]
        plugin: PathBuf,
        /// Where to write the signature (default: PLUGIN.minisig).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Check a plugin against a policy set's trust store, or a whole bundle directory
    /// (its `policies.toml`, plugins and signatures) as a host would load it.
    Verify {
        /// A plugin file, or a bundle directory holding `policies.toml`.
        #[arg(value_name = "PLUGIN|DIR")]
        target: PathBuf,
        /// The policy set whose trust store applies (for a single plugin).
        #[arg(long, value_name = "FILE")]
        policies: Option<PathBuf>,
    },
    /// Show a plugin's metadata, sha256, contract version, imports, exports and
    /// signature status (and, with a policy set, the instance mode it runs in).
    Inspect {
        /// The plugin component.
        #[arg(value_name = "PLUGIN")]
        plugin: PathBuf,
        /// The policy set whose trust store judges the signature and whose
        /// entry for the plugin (or `[host] instance`) gives its instance mode
        /// (optional).
        #[arg(long, value_name = "FILE")]
        policies: Option<PathBuf>,
        /// `text` for people, or `json`: one object with the metadata, contract,
        /// wire format, interfaces, declared rules and signature status, for a
        /// regulator's or a CI system's tooling.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// The name of the policy-set file in a bundle directory.
pub const BUNDLE_POLICY_SET: &str = "policies.toml";

pub(super) fn run(command: &PolicyCommand) -> ExitStatus {
    let result = match command {
        PolicyCommand::New(args) => super::policy_new::run(args).map_err(Into::into),
        PolicyCommand::Build(args) => super::policy_build::run(args).and_then(|plugin| {
            args.sign
                .as_deref()
                .map_or(Ok(()), |key| sign(key, &plugin, None))
        }),
        PolicyCommand::Keygen { name, unencrypted } => keygen(name, *unencrypted),
        PolicyCommand::Sign {
            key,
            plugin,
            output,
        } => sign(key, plugin, output.as_deref()),
        PolicyCommand::Verify { target, policies } => verify(target, policies.as_deref()),
        PolicyCommand::Inspect {
            plugin,
            policies,
            format,
        } => inspect(plugin, policies.as_deref(), *format),
    };
    match result {
        Ok(()) => ExitStatus::Allow,
        Err(e) => {
            match e.downcast_ref::<LoadError>() {
                Some(e) => print_load_error(e),
                None => print_error(e.as_ref()),
            }
            ExitStatus::InvalidInput
        }
    }
}

type CliResult = Result<(), Box<dyn std::error::Error>>;

fn keygen(name: &Path, unencrypted: bool) -> CliResult {
    let (sk_path, pk_path) = (with_suffix(name, "key"), with_suffix(name, "pub"));
    for path in [&sk_path, &pk_path] {
        if path.exists() {
            return Err(format!("`{}` exists; refusing to overwrite a key", path.display()).into());
        }
    }
    let KeyPair { pk, sk } = if unencrypted {
        KeyPair::generate_unencrypted_keypair()?
    } else {
        let password = password("protect the new secret key", "--unencrypted")?;
        KeyPair::generate_encrypted_keypair(password)?
    };
    write_secret(&sk_path, &sk.to_box(None)?.to_bytes())?;
    std::fs::write(&pk_path, pk.to_box()?.to_bytes())?;
    println!("secret key: {} (keep it offline)", sk_path.display());
    println!("public key: {}", pk_path.display());
    println!("key ID:     {}", Publisher::key_id_of(pk.keynum()));
    println!("trust it in a policy set with:");
    println!(
        "  [[trust.publisher]]\n  name = \"…\"\n  public_key = \"{}\"\n  policies = [\"…\"]",
        pk.to_base64()
    );
    Ok(())
}

fn sign(key: &Path, plugin: &Path, output: Option<&Path>) -> CliResult {
    let bytes =
        std::fs::read(plugin).map_err(|e| format!("cannot read `{}`: {e}", plugin.display()))?;
    // Sign only what a host would load, and say what it is in the signed comment.
    let loaded = load_single(plugin, &bytes)?;
    let meta = loaded.metadata();
    let sk = read_secret_key(key)
        .map_err(|e| format!("cannot use secret key `{}`: {e}", key.display()))?;
    let trusted = format!(
        "exportctl policy {} {} sha256:{}",
        meta.id,
        meta.version,
        loaded.sha256()
    );
    let signature = minisign::sign(
        None,
        &sk,
        Cursor::new(&bytes),
        Some(&trusted),
        Some("signature from exportctl policy sign"),
    )?;
    let out = output.map_or_else(|| with_suffix(plugin, "minisig"), Path::to_path_buf);
    std::fs::write(&out, signature.to_string())?;
    println!(
        "signed {} {} ({}) → {}",
        meta.id,
        meta.version,
        plugin.display(),
        out.display()
    );
    Ok(())
}

fn verify(target: &Path, policies: Option<&Path>) -> CliResult {
    let config = if target.is_dir() {
        PolicySetConfig::load(&target.join(BUNDLE_POLICY_SET))?
    } else {
        let set = policies.ok_or("verifying a single plugin needs `--policies FILE` (the trust store to check it against)")?;
        let mut config = PolicySetConfig::load(set)?;
        config.policies = vec![single_entry(target)];
        config
    };
    let host = Host::builder(config)
        .code_cache(CodeCache::from_env())
        .build()?;
    for warning in host.warnings() {
        eprintln!("warning: {warning}");
    }
    for p in host.policies() {
        let m = p.plugin.metadata();
        println!(
            "ok: {} {} sha256:{} signed by {}",
            m.id,
            m.version,
            p.plugin.sha256(),
            p.signer
        );
    }
    Ok(())
}

fn inspect(plugin: &Path, policies: Option<&Path>, format: Format) -> CliResult {
    let bytes =
        std::fs::read(plugin).map_err(|e| format!("cannot read `{}`: {e}", plugin.display()))?;
    let loaded = load_single(plugin, &bytes);
    let config = policies.map(PolicySetConfig::load).transpose()?;
    let signature = signature_status(plugin, &bytes, config.as_ref());
    let instance = config.as_ref().map(|c| instance_in_set(c, plugin));
    match format {
        Format::Text => {
            println!("file:      {}", plugin.display());
            println!("size:      {} bytes", bytes.len());
            println!("sha256:    {}", Plugin::sha256_of(&bytes));
            match &loaded {
                Ok(loaded) => print_plugin(loaded),
                Err(e) => println!("loadable:  no — {}", load_error_line(e)),
            }
            println!("signature: {}", signature.text);
            if let Some(instance) = &instance {
                println!("instance:  {instance}");
            }
        }
        Format::Json => {
            let policy = loaded.as_ref().ok().map(|loaded| {
                let m = loaded.metadata();
                serde_json::json!({
                    "id": m.id, "name": m.name, "version": m.version.to_string(),
                    "publisher": m.publisher, "jurisdiction": m.jurisdiction,
                    "legal_basis": m.legal_basis, "valid_from": m.valid_from.to_string(),
                    "valid_to": m.valid_to.map(|d| d.to_string()),
                    "contract_version": m.contract_version, "wire_format": loaded.wire_format(),
                    "screens_parties": loaded.screens_parties(),
                    "imports": loaded.imports(), "exports": loaded.exports(),
                    "rules": loaded.rules(), "sources": m.sources, "limitations": m.limitations,
                })
            });
            let value = serde_json::json!({
                "file": plugin.display().to_string(),
                "size": bytes.len(),
                "sha256": Plugin::sha256_of(&bytes),
                "loadable": loaded.is_ok(),
                "error": loaded.as_ref().err().map(load_error_line),
                "policy": policy,
                "signature": { "state": signature.state, "detail": signature.text },
                "instance": instance,
            });
            println!("{value}");
        }
    }
    Ok(())
}

/// The text lines of a plugin that loads: metadata, contract, interfaces,
/// declared rules, sources and limitations.
fn print_plugin(loaded: &Plugin) {
    let m = loaded.metadata();
    println!("policy:    {} {} — {}", m.id, m.version, m.name);
    println!("publisher: {} ({})", m.publisher, m.jurisdiction);
    println!(
        "in force:  {} to {}",
        m.valid_from,
        m.valid_to.map_or("open end".to_owned(), |d| d.to_string())
    );
    println!("contract:  {}", m.contract_version);
    println!("wire:      shipment wire format {}", loaded.wire_format());
    println!("imports:   {}", list(loaded.imports()));
    println!("exports:   {}", list(loaded.exports()));
    match loaded.rules() {
        Some(rules) => {
            println!("rules:     {} declared", rules.len());
            for r in rules {
                println!("  {} — {}", r.id, r.description);
                println!("    {}", r.legal_basis);
            }
        }
        None => println!(
            "rules:     not declared (built for contract {}, before 1.4.0)",
            m.contract_version
        ),
    }
    for s in &m.sources {
        println!("source:    {s}");
    }
    for l in &m.limitations {
        println!("not covered: {l}");
    }
}

/// A plugin's signature, as `policy inspect` reports it.
struct SignatureStatus {
    /// `none`, `unreadable`, `present` (not checked: no trust store given),
    /// `valid` or `invalid`.
    state: &'static str,
    /// What a person reads.
    text: String,
}

/// The status of the signature beside `plugin` (`PLUGIN.minisig`), checked
/// against `config`'s trust store when one is given.
fn signature_status(
    plugin: &Path,
    bytes: &[u8],
    config: Option<&PolicySetConfig>,
) -> SignatureStatus {
    let sig_path = with_suffix(plugin, "minisig");
    let status = |state, text| SignatureStatus { state, text };
    let Ok(text) = std::fs::read_to_string(&sig_path) else {
        return status("none", format!("none (no `{}`)", sig_path.display()));
    };
    match config {
        None => match minisign::SignatureBox::from_string(&text) {
            Ok(sig) => status(
                "present",
                format!(
                    "present, key ID {}, trusted comment `{}` (give --policies to check it against a trust store)",
                    Publisher::key_id_of(sig.keynum()),
                    sig.trusted_comment().unwrap_or_default()
                ),
            ),
            Err(e) => status("unreadable", format!("unreadable: {e}")),
        },
        Some(config) => {
            match config
                .trust
                .verify(bytes, Some(&text), &sig_path.display().to_string())
            {
                Ok(Some(p)) => status(
                    "valid",
                    format!("valid, by `{}` (key ID {})", p.name(), p.key_id()),
                ),
                Ok(None) => status("not-checked", "not checked".to_owned()),
                Err(e) => status("invalid", format!("INVALID: {e}")),
            }
        }
    }
}

/// The instance mode `plugin` runs in under `config`: that of the set's entry
/// for this file, or the set's own if it does not list it (as it would run if
/// added without an `instance`).
fn instance_in_set(config: &PolicySetConfig, plugin: &Path) -> String {
    let same_file = |path: &Path| match (path.canonicalize(), plugin.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => path == plugin,
    };
    let listed =
        config.policies.iter().enumerate().find(
            |(_, p)| matches!(&p.plugin, exportctl::PluginSource::File(path) if same_file(path)),
        );
    let set = config.instance_mode.as_str();
    match listed {
        Some((i, entry)) => match entry.instance {
            Some(mode) => format!(
                "{} (policy[{i}].instance of {})",
                mode.as_str(),
                config.origin
            ),
            None => format!(
                "{set} (the set's [host] instance; policy[{i}] of {} gives none)",
                config.origin
            ),
        },
        None => format!(
            "{set} (the set's [host] instance; {} does not list this file)",
            config.origin
        ),
    }
}

/// The password from `EXPORTCTL_KEY_PASSWORD`; `None` to have minisign ask on
/// the terminal, which needs one: without it, say how else to give it.
fn password(
    purpose: &str,
    alternative: &str,
) -> Result<Option<String>, Box<dyn std::error::Error>> {
    use std::io::IsTerminal;
    if let Ok(password) = std::env::var("EXPORTCTL_KEY_PASSWORD") {
        return Ok(Some(password));
    }
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "a password is needed to {purpose} and there is no terminal to ask for it: set EXPORTCTL_KEY_PASSWORD, or use {alternative}"
        )
        .into());
    }
    Ok(None)
}

/// Writes a secret key readable and writable by its owner only (0600), never
/// over an existing file.
fn write_secret(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

/// Refuses a secret key that others can read: anyone who can read it can sign
/// as its owner (the code cache refuses an unsafe directory the same way).
fn check_secret_permissions(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "it is readable or writable by group or others (mode {:o}); anyone who can read it can sign as you: `chmod 600 {}`",
                mode & 0o777,
                path.display()
            )
            .into());
        }
    }
    Ok(())
}

/// Reads a minisign secret key, unencrypted or (with a password from
/// `EXPORTCTL_KEY_PASSWORD`, or asked for) encrypted.
fn read_secret_key(path: &Path) -> Result<SecretKey, Box<dyn std::error::Error>> {
    check_secret_permissions(path)?;
    let text = std::fs::read_to_string(path)?;
    if let Ok(sk) = SecretKeyBox::from_string(&text)?.into_unencrypted_secret_key() {
        return Ok(sk);
    }
    let password = password("decrypt it", "an unencrypted key")?;
    Ok(SecretKeyBox::from_string(&text)?.into_secret_key(password)?)
}

/// Compiles and checks one plugin file as a host would, without a trust store.
fn load_single(path: &Path, bytes: &[u8]) -> Result<Plugin, LoadError> {
    Plugin::inspect(&path.display().to_string(), bytes)
}

fn single_entry(plugin: &Path) -> exportctl::PolicyEntry {
    exportctl::PolicyEntry {
        plugin: exportctl::PluginSource::File(plugin.to_path_buf()),
        signature: Some(with_suffix(plugin, "minisig")),
        enabled: true,
        mode: exportctl::Mode::Enforce,
        settings_json: "{}".to_owned(),
        limits: exportctl::Limits::default(),
        instance: None,
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}.{suffix}", path.display()))
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}
