//! Fetches the security.txt of domains by RFC 9116's rules and prints each domain's verdict.
//!
//! ```text
//! sectxt-fetch [--json] [--now RFC3339] [--key FILE.asc]... [--fetch-keys]
//!              [--concurrency N] [--timeout SECONDS] DOMAIN...
//! ```
//!
//! - `--json`: one JSON object per domain per line, in the form of `sectxt-lint --json`:
//!   `{"file": DOMAIN, "valid", "diagnostics":[{"code","severity","line","message"}]}`; with
//!   `--key` or `--fetch-keys` also `"signature": "unsigned"|"valid"|"bad"|"unknown_key"|"malformed"`.
//!   Fetch findings (`location`, `invalid_cert`, `insecure_redirect`, ...) have `"line": null`.
//! - `--now`: the time to validate at (default: the system clock).
//! - `--key`: an armored OpenPGP public key file to check signatures with (repeatable).
//! - `--fetch-keys`: also check signatures with the keys the file's `Encryption` fields point
//!   at (https only, same fetch rules); problems fetching a key are reported as notices.
//! - `--concurrency`: domains fetched at once (default 8); one request at a time per domain.
//! - `--timeout`: seconds allowed per domain (default 20).
//!
//! Only https is used, `/.well-known/security.txt` first and `/security.txt` after; redirects
//! are capped, non-public addresses refused, bodies capped (see `securitytxt::fetch`).
//! The file is validated against the URL chain it was fetched from (the `Canonical` check).
//!
//! Exit status: 0 when every domain has a valid file, 1 when any has not, 2 for a usage error.

use std::ffi::OsString;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, Utc};
use securitytxt::fetch::{BlockingFetcher, FetchOptions, Fetched, Url};
use securitytxt::verify::{Keyring, Outcome};
use securitytxt::{Options, Severity};
use serde::Serialize;

const USAGE: &str = "usage: sectxt-fetch [--json] [--now RFC3339] [--key FILE.asc]... \
                     [--fetch-keys] [--concurrency N] [--timeout SECONDS] DOMAIN...";

/// The command line.
struct Args {
    now: DateTime<Utc>,
    json: bool,
    keys: Vec<OsString>,
    fetch_keys: bool,
    concurrency: usize,
    timeout: Duration,
    domains: Vec<String>,
}

fn parse_args(mut args: impl Iterator<Item = OsString>) -> Result<Args, String> {
    let mut parsed = Args {
        now: DateTime::<Utc>::MIN_UTC,
        json: false,
        keys: Vec::new(),
        fetch_keys: false,
        concurrency: securitytxt::fetch::DEFAULT_CONCURRENCY,
        timeout: securitytxt::fetch::DEFAULT_TOTAL_TIMEOUT,
        domains: Vec::new(),
    };
    let mut now = None;
    let mut options_done = false;
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy().into_owned();
        if options_done || !text.starts_with("--") {
            parsed.domains.push(text);
            continue;
        }
        let (flag, inline) = match text.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(OsString::from(v))),
            None => (text.clone(), None),
        };
        let mut value = |name: &str| -> Result<OsString, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--" => options_done = true,
            "--json" => parsed.json = true,
            "--fetch-keys" => parsed.fetch_keys = true,
            "--now" => {
                let v = value("--now")?.to_string_lossy().into_owned();
                now = Some(
                    securitytxt::expires::parse_rfc3339(&v)
                        .map_err(|e| format!("--now {v:?}: not an RFC 3339 date-time: {e}"))?,
                );
            }
            "--key" => parsed.keys.push(value("--key")?),
            "--concurrency" => {
                let v = value("--concurrency")?.to_string_lossy().into_owned();
                parsed.concurrency = v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--concurrency {v:?}: not a positive number"))?;
            }
            "--timeout" => {
                let v = value("--timeout")?.to_string_lossy().into_owned();
                let secs: u64 = v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--timeout {v:?}: not a positive number"))?;
                parsed.timeout = Duration::from_secs(secs);
            }
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if parsed.domains.is_empty() {
        return Err("no DOMAIN given".to_owned());
    }
    parsed.now = now.unwrap_or_else(Utc::now);
    Ok(parsed)
}

#[derive(Serialize)]
struct JsonDiagnostic {
    code: &'static str,
    severity: &'static str,
    line: Option<u32>,
    message: String,
}

#[derive(Serialize)]
struct JsonVerdict<'a> {
    file: &'a str,
    valid: bool,
    diagnostics: Vec<JsonDiagnostic>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<&'static str>,
}

/// Everything found for one domain: fetch findings first, then the file's.
struct Verdict {
    diagnostics: Vec<JsonDiagnostic>,
    signature: Option<Outcome>,
}

impl Verdict {
    fn valid(&self) -> bool {
        !self.diagnostics.iter().any(|d| d.severity == "error")
    }
}

/// The keys to check `body`'s signature with: the `--key` files, plus, with `--fetch-keys`,
/// the keys its `Encryption` fields point at (whose fetch problems become notices).
fn keyring_for(
    body: &[u8],
    given: Option<&Keyring>,
    fetcher: Option<&BlockingFetcher>,
    notes: &mut Vec<JsonDiagnostic>,
) -> Option<Keyring> {
    let Some(fetcher) = fetcher else {
        return given.cloned();
    };
    let mut keyring = given.cloned().unwrap_or_default();
    let Ok(doc) = securitytxt::parse(body) else {
        return Some(keyring);
    };
    if !doc.is_signed() {
        return Some(keyring);
    }
    for field in doc.fields_of(securitytxt::FieldKind::Encryption) {
        let Ok(url) = Url::parse(field.value.trim()) else {
            continue;
        };
        if url.scheme() != "https" {
            continue;
        }
        let fetched = fetcher.fetch_key(&url);
        for d in &fetched.fetched.diagnostics {
            notes.push(JsonDiagnostic {
                code: d.code.as_str(),
                severity: "notice",
                line: None,
                message: format!("Encryption key {url}: {}", d.message),
            });
        }
        if let Some(body) = &fetched.fetched.body {
            // Errors are already in the notes (invalid_key).
            let _ = keyring.add_armored(body);
        }
    }
    Some(keyring)
}

fn judge(
    fetched: &Fetched,
    now: DateTime<Utc>,
    keyring: Option<&Keyring>,
    key_fetcher: Option<&BlockingFetcher>,
) -> Verdict {
    let mut diagnostics: Vec<JsonDiagnostic> = fetched
        .diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            code: d.code.as_str(),
            severity: d.severity(),
            line: None,
            message: match &d.url {
                Some(url) => format!("{url}: {}", d.message),
                None => d.message.clone(),
            },
        })
        .collect();
    let Some(body) = &fetched.body else {
        if diagnostics.is_empty() {
            diagnostics.push(JsonDiagnostic {
                code: "http_failure",
                severity: "error",
                line: None,
                message: "no file was fetched".to_owned(),
            });
        }
        return Verdict {
            diagnostics,
            signature: None,
        };
    };
    let chain = fetched.url_chain.iter().map(|u| u.to_string());
    let options = Options::new(now).with_fetched_from(chain);
    for d in securitytxt::check(body, &options) {
        diagnostics.push(JsonDiagnostic {
            code: d.code.as_str(),
            severity: d.severity.as_str(),
            line: d.line(),
            message: d.message.into_owned(),
        });
    }
    let keyring = keyring_for(body, keyring, key_fetcher, &mut diagnostics);
    let signature = keyring.map(|keyring| securitytxt::verify::verify(body, &keyring));
    if let Some(d) = signature.as_ref().and_then(|s| s.diagnostic(body)) {
        diagnostics.push(JsonDiagnostic {
            code: d.code.as_str(),
            severity: d.severity.as_str(),
            line: d.line(),
            message: d.message.into_owned(),
        });
    }
    Verdict {
        diagnostics,
        signature,
    }
}

fn report(
    out: &mut impl Write,
    json: bool,
    fetched: &Fetched,
    verdict: &Verdict,
) -> io::Result<()> {
    let valid = verdict.valid();
    if json {
        let line = JsonVerdict {
            file: &fetched.domain,
            valid,
            diagnostics: verdict
                .diagnostics
                .iter()
                .map(|d| JsonDiagnostic {
                    code: d.code,
                    severity: d.severity,
                    line: d.line,
                    message: d.message.clone(),
                })
                .collect(),
            signature: verdict.signature.as_ref().map(Outcome::as_str),
        };
        serde_json::to_writer(&mut *out, &line)?;
        return writeln!(out);
    }
    let count = |s: Severity| {
        verdict
            .diagnostics
            .iter()
            .filter(|d| d.severity == s.as_str())
            .count()
    };
    write!(
        out,
        "{}: {} ({} errors, {} recommendations, {} notices)",
        fetched.domain,
        if valid { "valid" } else { "INVALID" },
        count(Severity::Error),
        count(Severity::Recommendation),
        count(Severity::Notice),
    )?;
    match fetched.final_url() {
        Some(url) => writeln!(out, " from {url}")?,
        None => writeln!(out, " (no file)")?,
    }
    if let Some(signature) = &verdict.signature {
        writeln!(out, "  signature: {}: {signature}", signature.as_str())?;
    }
    for d in &verdict.diagnostics {
        match d.line {
            Some(line) => write!(out, "  line {line}: ")?,
            None => write!(out, "  fetch: ")?,
        }
        writeln!(out, "{}[{}] {}", d.severity, d.code, d.message)?;
    }
    Ok(())
}

fn load_keyring(files: &[OsString]) -> Result<Option<Keyring>, String> {
    if files.is_empty() {
        return Ok(None);
    }
    let mut keyring = Keyring::new();
    for file in files {
        let name = file.to_string_lossy();
        let bytes = std::fs::read(file).map_err(|e| format!("--key {name}: {e}"))?;
        keyring
            .add_armored(&bytes)
            .map_err(|e| format!("--key {name}: {e}"))?;
    }
    Ok(Some(keyring))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args_os().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("sectxt-fetch: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let keyring = match load_keyring(&args.keys) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("sectxt-fetch: {e}");
            return ExitCode::from(2);
        }
    };
    let options = FetchOptions::builder()
        .concurrency(args.concurrency)
        .total_timeout(args.timeout)
        .build();
    let fetcher = match BlockingFetcher::new(options) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("sectxt-fetch: {e}");
            return ExitCode::from(2);
        }
    };
    let results = fetcher.fetch_many(&args.domains);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut all_valid = true;
    for fetched in &results {
        let key_fetcher = args.fetch_keys.then_some(&fetcher);
        let verdict = judge(fetched, args.now, keyring.as_ref(), key_fetcher);
        all_valid &= verdict.valid();
        if let Err(e) = report(&mut out, args.json, fetched, &verdict) {
            eprintln!("sectxt-fetch: writing the report: {e}");
            return ExitCode::from(2);
        }
    }
    if let Err(e) = out.flush() {
        eprintln!("sectxt-fetch: writing the report: {e}");
        return ExitCode::from(2);
    }
    if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
