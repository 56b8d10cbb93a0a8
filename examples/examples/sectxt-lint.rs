//! Lints security.txt files (RFC 9116) and prints each file's verdict and diagnostics.
//!
//! ```text
//! sectxt-lint [--now RFC3339] [--url URL]... [--json] FILE...
//! ```
//!
//! - `--now`: the time to validate at (default: the system clock).
//! - `--url`: the URL the files were fetched from; repeat it for a redirect chain (first request
//!   first). `Canonical` fields are compared against it.
//! - `--json`: one JSON object per file per line:
//!   `{"file","valid","diagnostics":[{"code","severity","line","message"}]}`.
//!
//! Exit status: 0 when every file is valid, 1 when any is invalid, 2 for a usage or I/O error.
//! Files are read and reported one at a time, so any number of files can be given.

use chrono::{DateTime, Utc};
use securitytxt::{Diagnostic, Options, Severity};
use serde::Serialize;
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: sectxt-lint [--now RFC3339] [--url URL]... [--json] FILE...";

/// The command line.
struct Args {
    now: DateTime<Utc>,
    urls: Vec<String>,
    json: bool,
    files: Vec<OsString>,
}

fn parse_args(mut args: impl Iterator<Item = OsString>) -> Result<Args, String> {
    let mut now = None;
    let mut urls = Vec::new();
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
        json,
        files,
    })
}

/// What is checked for every file. (A keyring for signature checks would live here too.)
struct Linter {
    options: Options,
}

impl Linter {
    fn lint_file(&self, path: &Path) -> io::Result<Vec<Diagnostic>> {
        let mut bytes = Vec::new();
        // One byte over the cap is enough to know the file is too large.
        File::open(path)?
            .take(securitytxt::limits::MAX_FILE_SIZE as u64 + 1)
            .read_to_end(&mut bytes)?;
        Ok(securitytxt::check(&bytes, &self.options))
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    line: Option<u32>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonVerdict<'a> {
    file: &'a str,
    valid: bool,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

fn report(
    out: &mut impl Write,
    json: bool,
    file: &str,
    diagnostics: &[Diagnostic],
) -> io::Result<bool> {
    let valid = securitytxt::is_valid(diagnostics);
    if json {
        let verdict = JsonVerdict {
            file,
            valid,
            diagnostics: diagnostics
                .iter()
                .map(|d| JsonDiagnostic {
                    code: d.code.as_str(),
                    severity: d.severity.as_str(),
                    line: d.line(),
                    message: &d.message,
                })
                .collect(),
        };
        serde_json::to_writer(&mut *out, &verdict)?;
        writeln!(out)?;
    } else {
        let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
        writeln!(
            out,
            "{file}: {} ({} errors, {} recommendations, {} notices)",
            if valid { "valid" } else { "INVALID" },
            count(Severity::Error),
            count(Severity::Recommendation),
            count(Severity::Notice),
        )?;
        for d in diagnostics {
            match d.line() {
                Some(line) => write!(out, "  line {line}: ")?,
                None => write!(out, "  file: ")?,
            }
            writeln!(out, "{}[{}] {}", d.severity, d.code, d.message)?;
        }
    }
    Ok(valid)
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
    let linter = Linter {
        options: Options::new(args.now).with_fetched_from(args.urls),
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut all_valid, mut io_error) = (true, false);
    for file in &args.files {
        let name = file.to_string_lossy();
        match linter.lint_file(Path::new(file)) {
            Ok(diagnostics) => match report(&mut out, args.json, &name, &diagnostics) {
                Ok(valid) => all_valid &= valid,
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
