//! `exportctl policy new NAME`: a policy project that builds and tests out of the box,
//! from the template in `policy_new/template/` (a Rust crate) or
//! `policy_new/template-python/` (`--lang python`): an example rule citing its
//! provision, validated settings, three case files (the same for both languages), a
//! README skeleton.

use super::python_build::{BUILT_FROM_SDK as BUILT_FROM_PYTHON_SDK, is_python_sdk};
use clap::{Args, ValueEnum};
use exportctl_sdk::Rule;
use std::path::{Path, PathBuf};

/// Arguments of `exportctl policy new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The policy id, also the crate's name: kebab-case (`acme-rules`), at most 64
    /// characters.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Where to create the crate (default: `./NAME`). Must not exist, or be empty.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The policy's jurisdiction in its metadata (e.g. `EU`, `US`; `internal` for a
    /// company's own rules).
    #[arg(long, value_name = "J", default_value = "internal")]
    pub jurisdiction: String,
    /// The language the policy is written in.
    #[arg(long, value_enum, default_value_t = Lang::Rust)]
    pub lang: Lang,
    /// Depend on the SDK at this path (an exportctl checkout's `sdk/`, or its
    /// `sdk-python/` with `--lang python`). By default the project depends on the SDK
    /// source this binary was built from, when it still exists; use this when it does
    /// not, or to build against another checkout.
    #[arg(long, value_name = "PATH", conflicts_with = "sdk_version")]
    pub sdk_path: Option<PathBuf>,
    /// Depend on `exportctl-sdk` version V from your crate registry (where your
    /// organisation publishes the SDK) instead of a source checkout (Rust only).
    #[arg(long, value_name = "V")]
    pub sdk_version: Option<String>,
}

/// The languages a policy can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// A Rust crate (`Cargo.toml`), built reproducibly to wasm32-unknown-unknown.
    Rust,
    /// A Python project (`pyproject.toml`), built with componentize-py.
    Python,
}

/// Why no crate was created.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// The name is not a policy id.
    #[error(
        "NAME `{0}` is not a valid policy id: use kebab-case (lower-case letters, digits and single hyphens, starting with a letter, at most 64 characters), e.g. `acme-rules`"
    )]
    Name(String),
    /// The jurisdiction would not fit in the generated source.
    #[error("--jurisdiction `{0}` must be non-empty printable text without quotes or backslashes")]
    Jurisdiction(String),
    /// The target directory exists and holds files.
    #[error("`{0}` exists and is not empty; refusing to write a policy crate into it")]
    NotEmpty(PathBuf),
    /// The target exists and is not a directory.
    #[error("`{0}` exists and is not a directory")]
    NotADirectory(PathBuf),
    /// No SDK to depend on.
    #[error(
        "the SDK source this exportctl was built from is not at `{0}`: give --sdk-path PATH (an exportctl checkout's sdk/) or --sdk-version V (from your crate registry)"
    )]
    NoDefaultSdk(PathBuf),
    /// `--sdk-path` is not an SDK crate.
    #[error("--sdk-path `{0}` is not the exportctl SDK (no Cargo.toml of `exportctl-sdk` there)")]
    SdkPath(PathBuf),
    /// No Python SDK to depend on.
    #[error(
        "the Python SDK this exportctl was built from is not at `{0}`: give --sdk-path PATH (an exportctl checkout's sdk-python/)"
    )]
    NoDefaultPythonSdk(PathBuf),
    /// `--sdk-path` is not the Python SDK.
    #[error(
        "--sdk-path `{0}` is not the exportctl Python SDK (no exportctl_sdk/__init__.py there): give an exportctl checkout's sdk-python/"
    )]
    PythonSdkPath(PathBuf),
    /// The Python SDK is not published to a package index.
    #[error(
        "--sdk-version is for Rust policies (the crate registry); a Python policy uses the SDK of a checkout: give --sdk-path PATH (its sdk-python/)"
    )]
    PythonSdkVersion,
    /// A file could not be read or written.
    #[error("cannot write `{path}`: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The SDK of the source tree this binary was built from.
const BUILT_FROM_SDK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../sdk");

/// The template files: (path in the crate, text with `{{…}}` placeholders).
/// `{{cases}}` stands for `tests/cases/NAME`, the layout `case_tests!` reads with
/// `own_cases`.
const TEMPLATE: [(&str, &str); 10] = [
    (
        "Cargo.toml",
        include_str!("policy_new/template/Cargo.toml.in"),
    ),
    (".gitignore", include_str!("policy_new/template/gitignore")),
    ("README.md", include_str!("policy_new/template/README.md")),
    ("src/lib.rs", include_str!("policy_new/template/lib.rs")),
    (
        "src/section_1_destinations.rs",
        include_str!("policy_new/template/section_1_destinations.rs"),
    ),
    (
        "src/settings.rs",
        include_str!("policy_new/template/settings.rs"),
    ),
    (
        "tests/cases.rs",
        include_str!("policy_new/template/cases.rs"),
    ),
    (
        "{{cases}}/unlisted-destination-allow.json",
        include_str!("policy_new/template/cases/unlisted-destination-allow.json"),
    ),
    (
        "{{cases}}/listed-destination-review.json",
        include_str!("policy_new/template/cases/listed-destination-review.json"),
    ),
    (
        "{{cases}}/listed-destination-deny-by-setting.json",
        include_str!("policy_new/template/cases/listed-destination-deny-by-setting.json"),
    ),
];

/// The Python template: (path in the project, text). `{{module}}` is the policy's
/// package (`acme_rules`); the case files are the Rust template's.
const TEMPLATE_PYTHON: [(&str, &str); 12] = [
    (
        "pyproject.toml",
        include_str!("policy_new/template-python/pyproject.toml.in"),
    ),
    (
        ".gitignore",
        include_str!("policy_new/template-python/gitignore"),
    ),
    (
        "README.md",
        include_str!("policy_new/template-python/README.md"),
    ),
    (
        "{{module}}/__init__.py",
        include_str!("policy_new/template-python/__init__.py.in"),
    ),
    (
        "{{module}}/section_1_destinations.py",
        include_str!("policy_new/template-python/section_1_destinations.py.in"),
    ),
    (
        "{{module}}/settings.py",
        include_str!("policy_new/template-python/settings.py.in"),
    ),
    (
        "tests/test_section_1_destinations.py",
        include_str!("policy_new/template-python/test_section_1_destinations.py.in"),
    ),
    (
        "tests/test_settings.py",
        include_str!("policy_new/template-python/test_settings.py.in"),
    ),
    (
        "tests/test_cases.py",
        include_str!("policy_new/template-python/test_cases.py.in"),
    ),
    TEMPLATE[7],
    TEMPLATE[8],
    TEMPLATE[9],
];

/// Creates the project; prints where, and what to run next.
pub(super) fn run(args: &NewArgs) -> Result<(), NewError> {
    if !Rule::is_valid_id(&args.name) {
        return Err(NewError::Name(args.name.clone()));
    }
    let jurisdiction = &args.jurisdiction;
    if jurisdiction.trim().is_empty()
        || jurisdiction
            .chars()
            .any(|c| c.is_control() || c == '"' || c == '\\')
    {
        return Err(NewError::Jurisdiction(jurisdiction.clone()));
    }
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    check_target(&dir)?;
    let (template, sdk): (&[(&str, &str)], String) = match args.lang {
        Lang::Rust => (&TEMPLATE, sdk_dependency(args)?),
        Lang::Python => (&TEMPLATE_PYTHON, python_sdk(args)?),
    };
    let values = [
        ("name", args.name.clone()),
        ("crate_name", args.name.replace('-', "_")),
        ("module", args.name.replace('-', "_")),
        ("type_name", type_name(&args.name)),
        ("jurisdiction", jurisdiction.clone()),
        ("sdk", sdk),
        ("cases", format!("tests/cases/{}", args.name)),
    ];
    let fill = |text: &str| render(text, &values);
    for (path, text) in template {
        write_new(&dir.join(fill(path)), &fill(text))?;
    }
    println!("created policy `{}` in {}", args.name, dir.display());
    println!("next:");
    println!("  cd {}", dir.display());
    match args.lang {
        Lang::Rust => {
            println!("  cargo test --release        # the example rule's tests and case files");
        }
        Lang::Python => {
            println!(
                "  python3 -m pytest           # the example rule's tests (pip install pytest)"
            );
        }
    }
    println!(
        "  exportctl policy build      # the plugin, {}.wasm",
        args.name
    );
    if args.lang == Lang::Python {
        println!(
            "  exportctl test --plugin {}.wasm {}   # the case files, in the sandbox",
            args.name,
            Path::new("tests/cases").join(&args.name).display()
        );
    }
    Ok(())
}

/// The Python SDK directory as a TOML string: the one given, or the one this
/// binary was built from, absolute so that the project can be moved.
fn python_sdk(args: &NewArgs) -> Result<String, NewError> {
    if args.sdk_version.is_some() {
        return Err(NewError::PythonSdkVersion);
    }
    let path = match &args.sdk_path {
        Some(path) => {
            if !is_python_sdk(path) {
                return Err(NewError::PythonSdkPath(path.clone()));
            }
            path.clone()
        }
        None => {
            let path = PathBuf::from(BUILT_FROM_PYTHON_SDK);
            if !is_python_sdk(&path) {
                return Err(NewError::NoDefaultPythonSdk(path));
            }
            path
        }
    };
    let path = std::fs::canonicalize(&path).map_err(|source| NewError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(toml_string(&path.display().to_string()))
}

/// `text` with each `{{key}}` replaced by its value, in one pass (a value is never
/// read for placeholders); an unknown `{{…}}` is kept as it is.
fn render(text: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            let key = &after[..end];
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (v, end))
        });
        match value {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Refuses an existing file, or a directory that holds anything.
fn check_target(dir: &Path) -> Result<(), NewError> {
    let io = |source| NewError::Io {
        path: dir.to_owned(),
        source,
    };
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(e)),
        Ok(meta) if !meta.is_dir() => Err(NewError::NotADirectory(dir.to_owned())),
        Ok(_) => match std::fs::read_dir(dir).map_err(io)?.next() {
            None => Ok(()),
            Some(_) => Err(NewError::NotEmpty(dir.to_owned())),
        },
    }
}

/// The body of the `exportctl-sdk = { … }` dependency: a registry version, or the
/// absolute path of an SDK checkout (the one given, or the one this binary was
/// built from).
fn sdk_dependency(args: &NewArgs) -> Result<String, NewError> {
    if let Some(version) = &args.sdk_version {
        return Ok(format!("version = {}", toml_string(version)));
    }
    let path = match &args.sdk_path {
        Some(path) => {
            let is_sdk = std::fs::read_to_string(path.join("Cargo.toml"))
                .is_ok_and(|text| text.contains("name = \"exportctl-sdk\""));
            if !is_sdk {
                return Err(NewError::SdkPath(path.clone()));
            }
            path.clone()
        }
        None => {
            let path = PathBuf::from(BUILT_FROM_SDK);
            if !path.join("Cargo.toml").is_file() {
                return Err(NewError::NoDefaultSdk(path));
            }
            path
        }
    };
    // Absolute, so the crate can be moved without losing its SDK.
    let path = std::fs::canonicalize(&path).map_err(|source| NewError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(format!(
        "path = {}",
        toml_string(&path.display().to_string())
    ))
}

/// `text` as a TOML string, quoted and escaped.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// `acme-rules` → `AcmeRules`: the policy's type.
fn type_name(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// Writes a file that must not exist yet, creating its directory.
fn write_new(path: &Path, text: &str) -> Result<(), NewError> {
    use std::io::Write;
    let io = |source| NewError::Io {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_are_camel_case() {
        assert_eq!(type_name("acme-rules"), "AcmeRules");
        assert_eq!(type_name("eu-2024-annex-iv"), "Eu2024AnnexIv");
    }

    #[test]
    fn toml_strings_read_back_as_written() {
        for text in [r#"C:\sdk "x""#, "/home/o'brien/sdk", "plain"] {
            let table: toml::Table = toml::from_str(&format!("v = {}", toml_string(text)))
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(table["v"].as_str(), Some(text));
        }
    }

    #[test]
    fn placeholders_are_replaced_once_and_unknown_ones_kept() {
        let values = [("a", "{{b}}".to_owned()), ("b", "B".to_owned())];
        assert_eq!(render("x{{a}}y{{b}}z", &values), "x{{b}}yBz");
        assert_eq!(render("{{c}} {{b", &values), "{{c}} {{b");
        assert_eq!(render("", &values), "");
    }

    #[test]
    fn every_placeholder_of_the_template_is_filled() {
        let keys = [
            "name",
            "crate_name",
            "module",
            "type_name",
            "jurisdiction",
            "sdk",
            "cases",
        ];
        let values = keys.map(|k| (k, String::new()));
        for (path, text) in TEMPLATE.iter().chain(&TEMPLATE_PYTHON) {
            let rendered = render(&format!("{path}\n{text}"), &values);
            assert!(!rendered.contains("{{"), "{path}: an unknown placeholder");
        }
    }
}
