//! The pinned tool that turns a Python policy into a component: `componentize-py`,
//! found where the operator put it or installed once into a virtual environment of
//! exportctl's own.
//!
//! Where it is looked for, in order:
//! 1. `EXPORTCTL_COMPONENTIZE_PY`: a `componentize-py` executable the operator
//!    provides (its version must be the pinned one);
//! 2. the tools directory, `EXPORTCTL_PYTHON_TOOLS` (default
//!    `$XDG_CACHE_HOME/exportctl/python-tools`, else `~/.cache/exportctl/python-tools`):
//!    `componentize-py-<version>/`, a virtual environment created there with
//!    `python3 -m venv` and `pip install componentize-py==<version>` the first time a
//!    Python policy is built (about 90 MB; `EXPORTCTL_PYTHON` names another Python).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `componentize-py` release Python policies are built with. Another release
/// embeds another CPython and another binding generator, so the version is pinned,
/// as the Rust toolchain's is for Rust policies.
pub(super) const COMPONENTIZE_PY_VERSION: &str = "0.25.1";

/// How to run the pinned `componentize-py`: a program and the arguments that come
/// before its own.
#[derive(Debug, Clone)]
pub(super) struct ComponentizePy {
    program: PathBuf,
    prefix: Vec<String>,
}

impl ComponentizePy {
    /// A command running `componentize-py` with no arguments yet.
    pub(super) fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.prefix)
            // Its errors are about the policy's Python, not about componentize-py's Rust.
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE");
        cmd
    }

    /// Finds the pinned release, installing it into the tools directory when it is
    /// not there yet.
    pub(super) fn find_or_install() -> Result<ComponentizePy, String> {
        if let Some(program) = std::env::var_os("EXPORTCTL_COMPONENTIZE_PY") {
            let tool = ComponentizePy {
                program: PathBuf::from(program),
                prefix: Vec::new(),
            };
            tool.check_version("EXPORTCTL_COMPONENTIZE_PY")?;
            return Ok(tool);
        }
        let venv = tools_dir()?.join(format!("componentize-py-{COMPONENTIZE_PY_VERSION}"));
        if !venv.join("pyvenv.cfg").is_file() {
            install(&venv)?;
        }
        let tool = in_venv(&venv);
        tool.check_version(&venv.display().to_string())?;
        Ok(tool)
    }

    /// Refuses a release other than the pinned one, saying where it came from.
    fn check_version(&self, origin: &str) -> Result<(), String> {
        let output = self
            .command()
            .arg("--version")
            .output()
            .map_err(|e| format!("cannot run componentize-py from {origin} ({e})"))?;
        let shown = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        let expected = format!("componentize-py {COMPONENTIZE_PY_VERSION}");
        if !output.status.success() || shown != expected {
            return Err(format!(
                "componentize-py from {origin} is `{shown}`, not `{expected}`: Python policies are built with release {COMPONENTIZE_PY_VERSION} (unset EXPORTCTL_COMPONENTIZE_PY, or remove {origin} to have it installed again)"
            ));
        }
        Ok(())
    }
}

/// The venv's interpreter running the package's entry point. Not the venv's
/// `bin/componentize-py` script: its first line names the directory the venv was
/// created in, and the venv is created under another name and then renamed.
fn in_venv(venv: &Path) -> ComponentizePy {
    ComponentizePy {
        program: venv.join("bin/python"),
        prefix: vec![
            "-c".to_owned(),
            // componentize-py reports a failed build as an AssertionError carrying the
            // policy's own traceback: show that text alone.
            "import sys\nfrom componentize_py import script\nsys.argv[0] = 'componentize-py'\n\
             try:\n    script()\nexcept AssertionError as error:\n    sys.exit(str(error))\n"
                .to_owned(),
        ],
    }
}

/// `EXPORTCTL_PYTHON_TOOLS`, or the user's cache directory.
fn tools_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("EXPORTCTL_PYTHON_TOOLS") {
        return Ok(PathBuf::from(dir));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .ok_or("neither EXPORTCTL_PYTHON_TOOLS, XDG_CACHE_HOME nor HOME is set: set EXPORTCTL_PYTHON_TOOLS to a directory for the Python build tools")?;
    Ok(cache.join("exportctl/python-tools"))
}

/// Creates the venv beside its final place and renames it there, so that two
/// builds installing at once never see a half-made one (the loser's copy is
/// dropped).
fn install(venv: &Path) -> Result<(), String> {
    let parent = venv.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create `{}` ({e})", parent.display()))?;
    let partial = parent.join(format!(
        ".{}.partial-{}",
        venv.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&partial);
    eprintln!(
        "note: installing componentize-py {COMPONENTIZE_PY_VERSION} into {} (once; set EXPORTCTL_PYTHON_TOOLS to put it elsewhere)",
        venv.display()
    );
    let python = std::env::var_os("EXPORTCTL_PYTHON").unwrap_or_else(|| "python3".into());
    run(
        Command::new(&python).args(["-m", "venv"]).arg(&partial),
        "create a virtual environment with `python3 -m venv` (is Python 3 with its venv module installed? EXPORTCTL_PYTHON names another interpreter)",
    )?;
    let pinned = format!("componentize-py=={COMPONENTIZE_PY_VERSION}");
    run(
        Command::new(partial.join("bin/python")).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &pinned,
        ]),
        &format!("install {pinned} with pip (is the package index reachable?)"),
    )?;
    match std::fs::rename(&partial, venv) {
        Ok(()) => Ok(()),
        // Another build installed it meanwhile: use theirs.
        Err(_) if venv.join("pyvenv.cfg").is_file() => {
            let _ = std::fs::remove_dir_all(&partial);
            Ok(())
        }
        Err(e) => Err(format!(
            "cannot move `{}` to `{}` ({e})",
            partial.display(),
            venv.display()
        )),
    }
}

/// Runs a step of the installation; its output goes to the terminal.
fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let status = cmd.status().map_err(|e| format!("cannot {what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cannot {what}: {status}"))
    }
}
