//! `exportctl audit report` on a store of a few hundred real decisions (every policy case
//! and example, judged by the default set; some kept as digests only): the CSV agrees with
//! the printed verdicts, and the HTML page, opened in headless Chromium, shows in its tables
//! exactly the CSV's numbers and one SVG bar segment per non-zero count.
//!
//! Chromium is found as `chromium` or `chromium-browser` on `PATH`, or at
//! `EXPORTCTL_CHROMIUM`; without it the test fails saying how to install it.

use crate::support::{exportctl, repo, temp_dir, write};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long Chromium may take for one page before it is killed.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(60);

/// The outcomes, least severe first (the report's column order).
const OUTCOMES: [&str; 4] = ["allow", "review", "licence_required", "deny"];

/// Bar fill of each outcome (`sdk/spec/audit-report.md`).
fn fill(outcome: &str) -> &'static str {
    match outcome {
        "allow" => "#2E7D32",
        "review" => "#F9A825",
        "licence_required" => "#1565C0",
        _ => "#C62828",
    }
}

/// Every shipment of `tests/cases/*/*.json` and `tests/examples`, renamed `{prefix}{n}` so
/// ids are unique.
fn shipments(prefix: &str) -> Vec<serde_json::Value> {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["tests/cases", "tests/examples"] {
        for entry in walk(&repo().join(dir)) {
            if entry.extension().is_some_and(|e| e == "json") {
                files.push(entry);
            }
        }
    }
    files.sort();
    files
        .iter()
        .filter_map(|f| {
            let doc: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
            let shipment = doc.get("shipment").cloned().unwrap_or(doc);
            shipment.is_object().then_some(shipment)
        })
        .enumerate()
        .map(|(n, mut s)| {
            s["id"] = format!("{prefix}{n:03}").into();
            s
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Counts keyed as the CSV keys them: (table, key, subkey, outcome).
type Counts = BTreeMap<(String, String, String, String), u64>;

fn bump(counts: &mut Counts, table: &str, key: &str, subkey: &str, outcome: &str) {
    *counts
        .entry((table.into(), key.into(), subkey.into(), outcome.into()))
        .or_default() += 1;
}

/// What the report must say, computed from the printed verdicts and the input shipments
/// (`None`: kept as a digest).
fn expected(verdicts: &[(serde_json::Value, Option<&serde_json::Value>)]) -> Counts {
    let mut c = Counts::new();
    for (verdict, shipment) in verdicts {
        let outcome = verdict["outcome"].as_str().unwrap();
        // Every decision of this test is made today (UTC); the day is checked separately.
        bump(&mut c, "decisions_per_day", "DAY", "", outcome);
        for f in verdict["findings"].as_array().unwrap() {
            let (p, r, o) = (&f["policy"], &f["rule"], &f["outcome"]);
            bump(
                &mut c,
                "findings",
                p.as_str().unwrap(),
                r.as_str().unwrap(),
                o.as_str().unwrap(),
            );
        }
        if outcome == "allow" {
            continue;
        }
        // Every held decision opened a hold that no officer has touched: open, made now.
        bump(&mut c, "holds_open_by_age", "under 1 day", "", outcome);
        match shipment {
            Some(s) => {
                let dest = s["destination_country"].as_str().unwrap().to_uppercase();
                bump(&mut c, "held_by_destination", &dest, "", outcome);
                let mut chapters: Vec<String> = s["lines"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| {
                        let hs = l["hs_code"].as_str().unwrap().replace(['.', ' '], "");
                        hs[..2].to_owned()
                    })
                    .collect();
                chapters.sort();
                chapters.dedup();
                for ch in chapters {
                    bump(&mut c, "held_by_hs_chapter", &ch, "", outcome);
                }
            }
            None => {
                bump(&mut c, "held_by_destination", "not recorded", "", outcome);
                bump(&mut c, "held_by_hs_chapter", "not recorded", "", outcome);
            }
        }
    }
    c
}

/// The CSV's count rows (summary rows apart), and its summary.
fn parse_csv(text: &str) -> (Counts, HashMap<String, u64>) {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("table,key,subkey,outcome,count"));
    let mut counts = Counts::new();
    let mut summary = HashMap::new();
    for line in lines {
        // No field of this store needs CSV quoting (ids are plain), so a split is exact.
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 5, "{line}");
        let n: u64 = f[4].parse().unwrap();
        assert!(n > 0, "zero rows are not written: {line}");
        if f[0] == "summary" {
            summary.insert(f[1].to_owned(), n);
        } else {
            let prev = counts.insert((f[0].into(), f[1].into(), f[2].into(), f[3].into()), n);
            assert!(prev.is_none(), "duplicate row {line}");
        }
    }
    (counts, summary)
}

/// Chromium's binary: `EXPORTCTL_CHROMIUM`, or `chromium` / `chromium-browser` on `PATH`.
pub(crate) fn chromium() -> PathBuf {
    let found = match std::env::var_os("EXPORTCTL_CHROMIUM") {
        Some(path) => Some(PathBuf::from(path)).filter(|p| p.is_file()),
        None => {
            let path = std::env::var_os("PATH").unwrap_or_default();
            std::env::split_paths(&path).find_map(|dir| {
                ["chromium", "chromium-browser"]
                    .iter()
                    .map(|name| dir.join(name))
                    .find(|p| p.is_file())
            })
        }
    };
    found.unwrap_or_else(|| {
        panic!(
            "headless Chromium is needed to check the HTML report: install it (Debian: \
         `apt-get update && apt-get install -y chromium`) or set EXPORTCTL_CHROMIUM to its binary \
         (EXPORTCTL_CHROMIUM={:?})",
            std::env::var_os("EXPORTCTL_CHROMIUM")
        )
    })
}

/// Runs Chromium headless on `page` with `args`, standard output to `stdout`; kills its whole
/// process group after [`BROWSER_TIMEOUT`].
fn browse(page: &Path, profile: &Path, args: &[&str], stdout: &Path) {
    use std::os::unix::process::CommandExt;
    let browser = chromium();
    let mut child = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(stdout).unwrap())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{} {args:?}: {status}", browser.display());
            return;
        }
        if start.elapsed() > BROWSER_TIMEOUT {
            let group = i32::try_from(child.id()).unwrap();
            // SAFETY: signals the process group this test started (its own pid as group id).
            #[allow(unsafe_code, reason = "kill(2) of the browser's process group")]
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
            let _ = child.wait();
            panic!(
                "{} {args:?} did not finish in {BROWSER_TIMEOUT:?}; killed",
                browser.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Text of an HTML fragment with tags removed and entities decoded.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_owned()
}

/// The cells of each row of the table `data-table="name"` in `dom`: header row first.
fn table(dom: &str, name: &str) -> Vec<Vec<String>> {
    let start = dom
        .find(&format!("<table data-table=\"{name}\""))
        .unwrap_or_else(|| panic!("no table {name} in the DOM"));
    let end = start + dom[start..].find("</table>").unwrap();
    dom[start..end]
        .split("<tr")
        .skip(1)
        .map(|row| {
            let row = &row[row.find('>').unwrap() + 1..];
            // A cell is `<td …>text` or `<th …>text` before its `</t…>` (not `<thead>`).
            let is_cell = |tag: &str| {
                ["<td>", "<td ", "<th>", "<th "]
                    .iter()
                    .any(|t| tag.starts_with(t))
            };
            row.split("</t")
                .filter_map(|piece| {
                    piece
                        .rmatch_indices("<t")
                        .map(|(i, _)| &piece[i..])
                        .find(|tag| is_cell(tag))
                        .map(text_of)
                })
                .collect()
        })
        .collect()
}

/// The SVG inside `<figure data-chart="name">` of `dom`.
fn chart<'a>(dom: &'a str, name: &str) -> &'a str {
    let start = dom
        .find(&format!("<figure data-chart=\"{name}\""))
        .unwrap_or_else(|| panic!("no chart {name} in the DOM"));
    let end = start + dom[start..].find("</figure>").unwrap();
    &dom[start..end]
}

#[test]
fn report_tables_in_headless_chromium_match_the_csv_and_the_verdicts() {
    let dir = temp_dir();
    let key = dir.path().join("checkpoint.key").display().to_string();
    let run = exportctl(&[
        "audit",
        "keygen",
        "--name",
        "audit.example/report",
        "--out",
        &key,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let db = dir.path().join("audit.db");
    let url = format!("sqlite:{}", db.display());

    // Every case and example in full, then the first 60 again kept as digests only.
    let full = shipments("RPT-F");
    let digest: Vec<serde_json::Value> = shipments("RPT-D").into_iter().take(60).collect();
    let lines = |s: &[serde_json::Value]| s.iter().map(|s| format!("{s}\n")).collect::<String>();
    let full_file = write(dir.path(), "full.jsonl", lines(&full));
    let digest_file = write(dir.path(), "digest.jsonl", lines(&digest));
    let run = exportctl(&[
        "check",
        "--audit",
        &url,
        "--checkpoint-key",
        &key,
        &full_file,
    ]);
    assert!((2..=5).contains(&run.code), "{}", run.stderr);
    let mut verdicts = run.verdicts();
    let default = std::fs::read_to_string(repo().join("policies/default.toml")).unwrap();
    let set = write(
        dir.path(),
        "set.toml",
        format!(
            "{default}\n[audit]\nstore = \"sqlite:audit.db\"\nstore_input = \"digest\"\ncheckpoint_key = \"checkpoint.key\"\n"
        ),
    );
    let run = exportctl(&["check", "--policies", &set, &digest_file]);
    assert!((2..=5).contains(&run.code), "{}", run.stderr);
    let digest_verdicts = run.verdicts();
    let digest_count = digest_verdicts.len() as u64;
    verdicts.extend(digest_verdicts);
    assert!(verdicts.len() >= 250, "{} decisions", verdicts.len());

    let by_id: HashMap<&str, &serde_json::Value> = full
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s))
        .collect();
    let judged: Vec<(serde_json::Value, Option<&serde_json::Value>)> = verdicts
        .iter()
        .map(|v| {
            (
                v.clone(),
                by_id.get(v["shipment"].as_str().unwrap()).copied(),
            )
        })
        .collect();
    let mut want = expected(&judged);

    // CSV: the same numbers as the verdicts printed.
    let run = exportctl(&["audit", "report", "--store", &url, "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (csv, summary) = parse_csv(&run.stdout);
    assert_eq!(summary["decisions"], verdicts.len() as u64);
    assert_eq!(summary["input_not_recorded"], digest_count);
    // The day is whatever day the records were made (a run across midnight has two).
    let days: Vec<&String> = csv
        .keys()
        .filter(|k| k.0 == "decisions_per_day")
        .map(|k| &k.1)
        .collect();
    if days.iter().all(|d| *d == days[0]) {
        want = want
            .into_iter()
            .map(|((t, k, s, o), n)| {
                let k = if k == "DAY" { days[0].clone() } else { k };
                ((t, k, s, o), n)
            })
            .collect();
        assert_eq!(csv, want, "CSV against the printed verdicts");
    }
    // Several outcomes, destinations and chapters, and the digest-only decisions kept.
    let distinct = |table: &str| {
        csv.keys()
            .filter(|k| k.0 == table)
            .map(|k| &k.1)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    assert!(distinct("held_by_destination") >= 5);
    assert!(distinct("held_by_hs_chapter") >= 5);
    for outcome in OUTCOMES {
        assert!(
            csv.keys()
                .any(|k| k.0 == "decisions_per_day" && k.3 == outcome),
            "{outcome}"
        );
    }
    assert!(
        csv.keys()
            .any(|k| k.0 == "held_by_destination" && k.1 == "not recorded")
    );

    // HTML: self-contained; then as Chromium renders it.
    let page = dir.path().join("report.html");
    let out = page.display().to_string();
    let run = exportctl(&[
        "audit", "report", "--store", &url, "--format", "html", "--out", &out,
    ]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.to_lowercase().contains("<script"));
    let rest = html.replace("http://www.w3.org/2000/svg", "");
    assert!(!rest.contains("http://") && !rest.contains("https://"));

    let artifacts = target_dir().join("test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let png = artifacts.join("audit-report.png");
    let _ = std::fs::remove_file(&png);
    let profile = dir.path().join("chromium-profile");
    let log = dir.path().join("chromium.out");
    let screenshot = format!("--screenshot={}", png.display());
    browse(
        &page,
        &profile,
        &[&screenshot, "--window-size=1280,2400"],
        &log,
    );
    println!("screenshot of the HTML report: {}", png.display());
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let (w, h) = (
        u32::from_be_bytes(bytes[16..20].try_into().unwrap()),
        u32::from_be_bytes(bytes[20..24].try_into().unwrap()),
    );
    assert_eq!((w, h), (1280, 2400));
    // A blank 1280×2400 page compresses to a few KiB; charts, text and tables do not.
    assert!(bytes.len() > 60_000, "screenshot of {} bytes", bytes.len());

    let dom_file = dir.path().join("dom.html");
    browse(&page, &profile, &["--dump-dom"], &dom_file);
    let dom = std::fs::read_to_string(&dom_file).unwrap();
    assert_eq!(dom.matches("<svg").count(), 6, "six charts rendered");
    let dd = |id: &str| {
        let start = dom.find(&format!("<dd id=\"{id}\">")).unwrap();
        text_of(&dom[start..start + dom[start..].find("</dd>").unwrap()])
    };
    assert_eq!(dd("records"), verdicts.len().to_string());
    assert_eq!(dd("input-not-recorded"), digest_count.to_string());
    assert!(dd("checkpoint").starts_with(&format!("tree size {}, root ", verdicts.len())));

    // Every number of every table against the CSV, and every CSV row in a table.
    let mut seen = Counts::new();
    for (name, keys) in [
        ("decisions_per_day", 1),
        ("held_by_destination", 1),
        ("held_by_hs_chapter", 1),
        ("findings", 3),
        ("holds_open_by_age", 1),
    ] {
        let rows = table(&dom, name);
        let header = &rows[0];
        let mut charted_segments = 0;
        let limit = match name {
            "findings" => 20,
            "decisions_per_day" | "holds_open_by_age" => usize::MAX,
            _ => 15,
        };
        for (i, row) in rows[1..].iter().enumerate() {
            assert_eq!(row.len(), header.len(), "{name}: {row:?}");
            let (key, subkey) = (
                row[0].clone(),
                if keys > 1 {
                    row[1].clone()
                } else {
                    String::new()
                },
            );
            let mut total = 0;
            for (column, cell) in header.iter().zip(row).skip(keys) {
                let n: u64 = cell.parse().unwrap_or_else(|_| panic!("{name}: `{cell}`"));
                if column == "total" {
                    assert_eq!(n, total, "{name} {key} total");
                    continue;
                }
                let k = (name.to_owned(), key.clone(), subkey.clone(), column.clone());
                assert_eq!(n, csv.get(&k).copied().unwrap_or(0), "{k:?}");
                if n > 0 {
                    seen.insert(k, n);
                    if i < limit {
                        charted_segments += 1;
                    }
                }
                total += n;
            }
        }
        // One filled bar segment per non-zero count of the charted rows.
        let svg = chart(&dom, name);
        let bars: usize = OUTCOMES
            .iter()
            .map(|o| svg.matches(&format!("fill=\"{}\"", fill(o))).count())
            .sum();
        assert_eq!(bars, charted_segments, "{name}: bar segments in the SVG");
    }
    assert_eq!(seen, csv, "every CSV row is in a table of the page");

    // Each finding's rule is described as its policy declares it in the bundled set.
    let listed = exportctl(&["policies", "--format", "json"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let mut declared = HashMap::new();
    for policy in listed.verdicts() {
        for rule in policy["rules"].as_array().into_iter().flatten() {
            declared.insert(
                (
                    policy["id"].as_str().unwrap().to_owned(),
                    rule["id"].as_str().unwrap().to_owned(),
                ),
                rule["description"].as_str().unwrap().to_owned(),
            );
        }
    }
    let findings = table(&dom, "findings");
    assert_eq!(findings[0][2], "What the rule catches");
    assert!(findings.len() > 5, "{findings:?}");
    for row in &findings[1..] {
        let key = (row[0].clone(), row[1].clone());
        assert_eq!(
            declared.get(&key),
            Some(&row[2]),
            "{key:?}: the description shown is not the one the policy declares"
        );
    }
}

/// The cargo target directory (test artifacts go under it).
pub(crate) fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    // target/<profile>/deps/e2e-…
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

#[test]
fn report_errors_are_one_line_naming_the_store_or_field() {
    let dir = temp_dir();
    let missing = format!("sqlite:{}", dir.path().join("none.db").display());
    let csv = ["--format", "csv"];
    let cases: [(Vec<&str>, i32, &str); 5] = [
        (vec!["--store", &missing], 2, "none.db: no such file"),
        (
            vec!["--store", "mysql://x"],
            2,
            "`mysql://x`: unsupported URL",
        ),
        (
            vec!["--store", &missing, "--from", "last week"],
            2,
            "--from: `last week`",
        ),
        (
            vec![
                "--store",
                &missing,
                "--from",
                "2026-12-02",
                "--to",
                "2026-12-01",
            ],
            2,
            "is not before --to",
        ),
        (
            vec!["--store", &missing, "--to", "2026-02-30"],
            2,
            "--to: `2026-02-30`",
        ),
    ];
    for (args, code, message) in cases {
        let mut all = vec!["audit", "report"];
        all.extend(args.iter().copied());
        all.extend(csv);
        let run = exportctl(&all);
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (code, ""),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    // An output file that cannot be created: named, nothing counted.
    let key = dir.path().join("k").display().to_string();
    let run = exportctl(&["audit", "keygen", "--name", "a.example/r", "--out", &key]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let url = format!("sqlite:{}", dir.path().join("audit.db").display());
    let example = repo().join("tests/examples/de-furniture-to-kz.json");
    let run = exportctl(&[
        "check",
        "--audit",
        &url,
        "--checkpoint-key",
        &key,
        &example.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = dir
        .path()
        .join("no-such-dir/report.html")
        .display()
        .to_string();
    let run = exportctl(&[
        "audit", "report", "--store", &url, "--format", "html", "--out", &out,
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("--out {out}: cannot create")),
        "{}",
        run.stderr
    );
    // A range with no decision is a report of zeros, not an error.
    let run = exportctl(&[
        "audit",
        "report",
        "--store",
        &url,
        "--format",
        "csv",
        "--to",
        "2000-01-01",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("summary,decisions,,,0\n"),
        "{}",
        run.stdout
    );
}
