//! `exportctl policy build` for a Python policy: its project (`pyproject.toml` with a
//! `[tool.exportctl]` table) and the Python SDK, made into a component by the pinned
//! `componentize-py` with every WASI import replaced by a trapping stub, so the
//! component imports nothing but the contract's `host` interface, as a Rust policy.
//!
//! ```toml
//! [project]
//! name = "acme-rules"          # the component is written as acme-rules.wasm
//!
//! [tool.exportctl]
//! policy = "acme_rules:AcmeRules"   # module:class of the Policy subclass
//! sdk = "/path/to/exportctl/sdk-python"   # relative to the project, or absolute
//! ```
//!
//! A component is not rebuilt byte for byte: componentize-py runs the policy's
//! imports once at build time and keeps the interpreter's state, hash seed
//! included. The signature over the built bytes is what identifies a Python plugin.

use super::python_tools::ComponentizePy;
use std::path::{Path, PathBuf};

/// The contract this host speaks, which the component is built against.
const CONTRACT: &str = include_str!("../../../sdk/wit/policy.wit");

/// The world a Python policy targets: evaluation with subjects, the wire format it
/// reads, and its declared rules (no party screening).
const WORLD: &str = "catalogue-policy";

/// The module componentize-py is told to wrap. It exports the contract's
/// interfaces from the project's policy class.
const APP_MODULE: &str = "_exportctl_plugin";

/// The Python SDK of the source tree this binary was built from.
pub(super) const BUILT_FROM_SDK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../sdk-python");

/// Whether `dir` holds the Python SDK (its package `exportctl_sdk`).
pub(super) fn is_python_sdk(dir: &Path) -> bool {
    dir.join("exportctl_sdk/__init__.py").is_file()
}

/// A Python policy project as its `pyproject.toml` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PythonProject {
    /// The project directory.
    pub dir: PathBuf,
    /// `[project] name`: the policy package, and the component's file name.
    pub name: String,
    /// The module holding the policy class (`acme_rules`).
    pub module: String,
    /// The policy class (`AcmeRules`).
    pub class: String,
    /// The Python SDK directory (holding `exportctl_sdk/`).
    pub sdk: PathBuf,
}

impl PythonProject {
    /// Reads `dir/pyproject.toml`.
    pub(super) fn read(dir: &Path) -> Result<PythonProject, String> {
        let manifest = dir.join("pyproject.toml");
        let text = std::fs::read_to_string(&manifest)
            .map_err(|e| format!("cannot read `{}` ({e})", manifest.display()))?;
        let table: toml::Table =
            toml::from_str(&text).map_err(|e| format!("`{}`: {e}", manifest.display()))?;
        let at = |key: &str| format!("`{}`: {key}", manifest.display());
        let name = table
            .get("project")
            .and_then(|p| p.get("name"))
            .and_then(toml::Value::as_str)
            .ok_or_else(|| format!("{} is missing", at("[project] name")))?
            .to_owned();
        // The component is written as `<name>.wasm` beside the project: a name is a
        // file name, never a path (PEP 508 names are letters, digits, `-`, `_`, `.`).
        let file_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        if !name.chars().all(file_name) || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(format!(
                "{} = `{name}` is not a package name (letters, digits, `-`, `_` and `.`, starting with a letter or digit)",
                at("[project] name")
            ));
        }
        let tool = table
            .get("tool")
            .and_then(|t| t.get("exportctl"))
            .ok_or_else(|| {
                format!(
                    "{} is missing: a Python policy names its class there (`policy = \"module:Class\"`)",
                    at("[tool.exportctl]")
                )
            })?;
        let policy = tool
            .get("policy")
            .and_then(toml::Value::as_str)
            .ok_or_else(|| {
                format!(
                    "{} is missing (`\"module:Class\"`)",
                    at("[tool.exportctl] policy")
                )
            })?;
        let (module, class) = policy
            .split_once(':')
            .filter(|(m, c)| m.split('.').all(is_identifier) && is_identifier(c))
            .ok_or_else(|| {
                format!(
                    "{} = `{policy}` is not `module:Class` (e.g. `acme_rules:AcmeRules`)",
                    at("[tool.exportctl] policy")
                )
            })?;
        let sdk = match tool.get("sdk") {
            None => PathBuf::from(BUILT_FROM_SDK),
            Some(value) => {
                let path = value
                    .as_str()
                    .ok_or_else(|| format!("{} must be a path", at("[tool.exportctl] sdk")))?;
                dir.join(path)
            }
        };
        if !is_python_sdk(&sdk) {
            return Err(format!(
                "the Python SDK is not at `{}` (no exportctl_sdk/__init__.py): set `sdk` in [tool.exportctl] of `{}` to an exportctl checkout's sdk-python/",
                sdk.display(),
                manifest.display()
            ));
        }
        Ok(PythonProject {
            dir: dir.to_owned(),
            name,
            module: module.to_owned(),
            class: class.to_owned(),
            sdk,
        })
    }

    /// Builds the component and returns its bytes. componentize-py's own output
    /// (a Python traceback when the policy fails to import) goes to standard error.
    pub(super) fn build(&self) -> Result<Vec<u8>, String> {
        let tool = ComponentizePy::find_or_install()?;
        let work = WorkDir::new()?;
        let wit = work.path.join("wit");
        let app = work.path.join("app");
        let out = work.path.join("component.wasm");
        for dir in [&wit, &app] {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create `{}` ({e})", dir.display()))?;
        }
        write(&wit.join("policy.wit"), CONTRACT)?;
        write(&app.join(format!("{APP_MODULE}.py")), &self.app_module())?;
        let status = tool
            .command()
            .arg("-d")
            .arg(&wit)
            .args(["-w", WORLD, "componentize"])
            .arg("-p")
            .arg(&self.dir)
            .arg("-p")
            .arg(&self.sdk)
            .arg("-p")
            .arg(&app)
            .arg(APP_MODULE)
            .arg("-o")
            .arg(&out)
            .arg("--stub-wasi")
            .current_dir(&app)
            // Only the paths given above: no packages of whatever venv is active.
            .env_remove("VIRTUAL_ENV")
            .env_remove("PYTHONPATH")
            .status()
            .map_err(|e| format!("cannot run componentize-py ({e})"))?;
        if !status.success() {
            return Err(format!(
                "componentize-py could not build `{}` ({status}); its output above says why (a Python error in the policy's modules shows as a traceback)",
                self.dir.display()
            ));
        }
        std::fs::read(&out).map_err(|e| format!("cannot read `{}` ({e})", out.display()))
    }

    /// The module componentize-py wraps: the contract's exports, made from the
    /// project's policy class by the SDK.
    fn app_module(&self) -> String {
        format!(
            "# Made by `exportctl policy build`: the contract's exports of `{module}:{class}`.\n\
             from exportctl_sdk.component import exports_of\n\
             from {module} import {class}\n\n\
             Evaluator, SubjectEvaluator, ShipmentReader, RuleCatalogue = exports_of({class})\n",
            module = self.module,
            class = self.class,
        )
    }
}

/// A Python identifier (ASCII letters, digits, `_`, not starting with a digit);
/// what is written into the generated module is never more than that.
fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write `{}` ({e})", path.display()))
}

/// A scratch directory removed when the build ends, however it ends.
struct WorkDir {
    path: PathBuf,
}

impl WorkDir {
    fn new() -> Result<WorkDir, String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "exportctl-python-build-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path)
            .map_err(|e| format!("cannot create `{}` ({e})", path.display()))?;
        Ok(WorkDir { path })
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_what_python_accepts_in_ascii() {
        for ok in ["acme_rules", "_private", "A1"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "1a", "acme-rules", "a b", "a;import os", "ä"] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }

    fn project(pyproject: &str) -> Result<PythonProject, String> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "exportctl-pyproject-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("pyproject.toml"), pyproject).unwrap_or_else(|e| panic!("{e}"));
        let read = PythonProject::read(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        read
    }

    #[test]
    fn a_project_names_its_policy_class_and_a_bad_one_is_explained() {
        let sdk = std::fs::canonicalize(BUILT_FROM_SDK).unwrap_or_else(|e| panic!("{e}"));
        let ok = project(&format!(
            "[project]\nname = \"acme-rules\"\n[tool.exportctl]\npolicy = \"acme_rules.policy:AcmeRules\"\nsdk = {:?}\n",
            sdk.display().to_string()
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (ok.module.as_str(), ok.class.as_str()),
            ("acme_rules.policy", "AcmeRules")
        );
        let e = project("[project]\nname = \"x\"\n").unwrap_err();
        assert!(e.contains("[tool.exportctl] is missing"), "{e}");
        for bad in ["../escape", "a/b", ".hidden", ""] {
            let e = project(&format!(
                "[project]\nname = {bad:?}\n[tool.exportctl]\npolicy = \"a:B\"\n"
            ))
            .unwrap_err();
            assert!(e.contains("is not a package name"), "{bad}: {e}");
        }
        let e = project("[project]\nname = \"x\"\n[tool.exportctl]\npolicy = \"os:system; x\"\n")
            .unwrap_err();
        assert!(e.contains("is not `module:Class`"), "{e}");
        let e = project(
            "[project]\nname = \"x\"\n[tool.exportctl]\npolicy = \"a:B\"\nsdk = \"nowhere\"\n",
        )
        .unwrap_err();
        assert!(e.contains("the Python SDK is not at"), "{e}");
    }
}
