//! A throw-away PostgreSQL server for tests: `initdb` + `pg_ctl` on a temporary directory,
//! listening on loopback at a free port, stopped when dropped (also when a test fails).
//!
//! The binaries are taken from `EXPORTCTL_PG_BIN` (a directory), else from `PATH`,
//! `/usr/local/bin` or `/usr/lib/postgresql/*/bin`. Running as root, the server runs as the
//! `postgres` user (initdb refuses root).

// A missing PostgreSQL fails the test with how to install it.
#![allow(clippy::panic)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const INSTALL: &str = "PostgreSQL server binaries (initdb, pg_ctl) not found: install them \
(Debian/Ubuntu: `apt-get install -y postgresql`) or set EXPORTCTL_PG_BIN to the directory \
holding initdb and pg_ctl (e.g. /usr/lib/postgresql/15/bin)";

/// A running throw-away server.
pub struct PgServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
    /// Its loopback port.
    pub port: u16,
    stopped: std::cell::Cell<bool>,
}

fn find_bin() -> PathBuf {
    let has = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Some(d) = std::env::var_os("EXPORTCTL_PG_BIN") {
        let d = PathBuf::from(d);
        assert!(has(&d), "EXPORTCTL_PG_BIN={}: {INSTALL}", d.display());
        return d;
    }
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    candidates.push("/usr/local/bin".into());
    if let Ok(versions) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut v: Vec<PathBuf> = versions
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .collect();
        v.sort();
        candidates.extend(v.into_iter().rev());
    }
    candidates
        .into_iter()
        .find(|d| has(d))
        .unwrap_or_else(|| panic!("{INSTALL}"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

impl PgServer {
    /// Creates and starts a server; panics (failing the test) with how to install PostgreSQL
    /// when it is not there.
    pub fn start() -> Self {
        let bin = find_bin();
        let as_postgres = is_root();
        let dir = tempfile::Builder::new()
            .prefix("exportctl-pg")
            .tempdir()
            .unwrap();
        if as_postgres {
            let out = Command::new("chown")
                .args(["postgres:", &dir.path().display().to_string()])
                .output()
                .unwrap();
            assert!(out.status.success(), "chown: {out:?}");
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = Self {
            dir,
            bin,
            as_postgres,
            port,
            stopped: std::cell::Cell::new(true),
        };
        let data = server.data();
        server.run(
            "initdb",
            &[
                "-D",
                &data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
        );
        server.restart();
        server
    }

    /// Starts the (stopped) server again on the same data and port.
    pub fn restart(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log").display().to_string();
        self.stopped.set(false);
        self.run(
            "pg_ctl",
            &["-D", &self.data(), "-l", &log, "-o", &opts, "-w", "start"],
        );
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn command(&self, tool: &str, args: &[&str]) -> Output {
        let exe = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        cmd.args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let out = self.command(tool, args);
        assert!(
            out.status.success(),
            "{tool} {args:?} failed: {}{}\nserver log: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
        );
    }

    /// URL of database `db`, created if needed.
    pub fn database(&self, db: &str) -> String {
        let mut admin = postgres::Client::connect(&self.url("postgres"), postgres::NoTls).unwrap();
        let exists = admin
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&db])
            .unwrap()
            .is_some();
        if !exists {
            admin
                .batch_execute(&format!("CREATE DATABASE \"{db}\""))
                .unwrap();
        }
        self.url(db)
    }

    /// URL of database `db`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Stops the server at once (`-m immediate`: like a crash of the server).
    pub fn stop(&self) {
        if !self.stopped.replace(true) {
            let _ = self.command(
                "pg_ctl",
                &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
            );
        }
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
    }
}
