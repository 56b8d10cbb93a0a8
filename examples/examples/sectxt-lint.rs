//! Lints security.txt files (RFC 9116) and prints each file's verdict and diagnostics.
//!
//! ```text
//! sectxt-lint [--now RFC3339] [--url URL]... [--key FILE.asc]... [--json] FILE...
//! ```
//!
//! - `--now`: the time to validate at (default: the system clock).
//! - `--url`: the URL the files were fetched from; repeat it for a redirect chain (first request
//!   first). `Canonical` fields are compared against it.
//! - `--key`: an armored OpenPGP public key file; repeat it for more keys. With at least one
//!   key, every file's signature is verified against them all: the verdict is shown, and a bad
//!   signature (`bad_signature`, an error) makes the file invalid. An unreadable or invalid key
//!   file is a usage error.
//! - `--json`: one JSON object per file per line:
//!   `{"file","valid","diagnostics":[{"code","severity","line","message"}]}`, and with `--key`
//!   also `"signature": "unsigned"|"valid"|"bad"|"unknown_key"|"malformed"`.
//!
//! Exit status: 0 when every file is valid, 1 when any is invalid, 2 for a usage or I/O error.
//! Files are read and reported one at a time, so any number of files can be given.

use chrono::{DateTime, Utc};
use examples::lint::{Linter, report};
use securitytxt::Options;
use std::ffi::OsString;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str =
    "usage: sectxt-lint [--now RFC3339] [--url URL]... [--key FILE.asc]... [--json] FILE...";

/// The command line.
struct Args {
    now: DateTime<Utc>,
    urls: Vec<String>,
    keys: Vec<PathBuf>,
    json: bool,
    files: Vec<OsString>,
}

fn parse_args(mut args: impl Iterator<Item = OsString>) -> Result<Args, String> {
    let mut now = None;
    let mut urls = Vec::new();
    let mut keys = Vec::new();
    let mut json = false;
    let mut files = Vec::new();
    let mut options_done = false;
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy().into_owned();
        if options_done || !text.starts_with("--") {
            files.push(arg);
            continue;
        }
        let (flag, inline) = match text.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
            None => (text.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => args
                    .next()
                    .map(|v| v.to_string_lossy().into_owned())
                    .ok_or_else(|| format!("{name} needs a value")),
            }
        };
        match flag.as_str() {
            "--" => options_done = true,
            "--json" => json = true,
            "--now" => {
                let v = value("--now")?;
                now = Some(
                    securitytxt::expires::parse_rfc3339(&v)
                        .map_err(|e| format!("--now {v:?}: not an RFC 3339 date-time: {e}"))?,
                );
            }
            "--url" => urls.push(value("--url")?),
            "--key" => keys.push(PathBuf::from(value("--key")?)),
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if files.is_empty() {
        return Err("no FILE given".to_owned());
    }
    Ok(Args {
        now: now.unwrap_or_else(Utc::now),
        urls,
        keys,
        json,
        files,
    })
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args_os().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("sectxt-lint: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut linter = Linter::new(Options::new(args.now).with_fetched_from(args.urls));
    for key in &args.keys {
        if let Err(e) = linter.add_key_file(key) {
            eprintln!("sectxt-lint: {e}");
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut all_valid, mut io_error) = (true, false);
    for file in &args.files {
        let name = file.to_string_lossy();
        match linter.lint_file(Path::new(file)) {
            Ok(verdict) => match report(&mut out, args.json, &name, &verdict) {
                Ok(()) => all_valid &= verdict.is_valid(),
                Err(e) => {
                    eprintln!("sectxt-lint: writing the report: {e}");
                    return ExitCode::from(2);
                }
            },
            Err(e) => {
                eprintln!("sectxt-lint: {name}: {e}");
                io_error = true;
            }
        }
    }
    if let Err(e) = out.flush() {
        eprintln!("sectxt-lint: writing the report: {e}");
        return ExitCode::from(2);
    }
    match (io_error, all_valid) {
        (true, _) => ExitCode::from(2),
        (false, true) => ExitCode::SUCCESS,
        (false, false) => ExitCode::from(1),
    }
}
