//! `sectxt-fetch`: fetches the security.txt of domains by RFC 9116's rules and prints each
//! domain's verdict.
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
//! The command line ([`Args`]) is always compiled, so `gen-docs` documents the program in every
//! build; fetching (`run`) needs the `fetch` feature.
//!
//! Exit status (the table in `examples/README.md`, [`crate::programs::Status`]): 0 when every
//! domain has a valid file, 1 when any has not, 2 unusable arguments, 3 a `--key` file could
//! not be read or used, the HTTPS client could not be set up, or the report could not be
//! written.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::Parser;

/// Domains fetched at once by default (`securitytxt::fetch::DEFAULT_CONCURRENCY`).
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Seconds allowed per domain by default (`securitytxt::fetch::DEFAULT_TOTAL_TIMEOUT`).
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 20;

#[cfg(feature = "fetch")]
const _: () = assert!(
    DEFAULT_CONCURRENCY == securitytxt::fetch::DEFAULT_CONCURRENCY
        && DEFAULT_TIMEOUT_SECONDS == securitytxt::fetch::DEFAULT_TOTAL_TIMEOUT.as_secs()
);

/// The command line of `sectxt-fetch`.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "sectxt-fetch",
    version,
    about = "Fetch the security.txt of domains by RFC 9116's rules and print each verdict",
    long_about = "Fetch the security.txt of each DOMAIN by RFC 9116's rules (https only, \
        /.well-known/security.txt first and /security.txt after; capped redirects, non-public \
        addresses refused, bodies capped), validate it against the URL chain it came from and \
        print the domain's verdict and diagnostics. Built with the cargo feature `fetch`.",
    after_help = "Exit status: 0 every domain has a valid file; 1 any has not; 2 unusable \
        arguments; 3 a --key file could not be read or used, the HTTPS client could not be \
        set up, or the report could not be written (table: examples/README.md)."
)]
#[non_exhaustive]
pub struct Args {
    /// One JSON object per domain per line, as `sectxt-lint --json`: {"file": DOMAIN, "valid",
    /// "diagnostics": [{"code","severity","line","message"}]}, with "signature" when keys are
    /// used; fetch findings have "line": null.
    #[arg(long)]
    pub json: bool,
    /// The time to validate at, RFC 3339 (default: the system clock).
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// An armored OpenPGP public key file to check signatures with; repeat for more keys.
    #[arg(long = "key", value_name = "FILE.asc")]
    pub keys: Vec<PathBuf>,
    /// Also check signatures with the keys the file's Encryption fields point at (https only,
    /// same fetch rules); problems fetching a key are reported as notices.
    #[arg(long)]
    pub fetch_keys: bool,
    /// Domains fetched at once; one request at a time per domain.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY,
          value_parser = positive_usize)]
    pub concurrency: usize,
    /// Seconds allowed per domain (both locations, all redirects, the body).
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_TIMEOUT_SECONDS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// The domains whose security.txt to fetch.
    #[arg(required = true, value_name = "DOMAIN")]
    pub domains: Vec<String>,
}

/// An RFC 3339 date-time, as the security.txt `Expires` field is read.
fn parse_now(text: &str) -> Result<DateTime<Utc>, String> {
    securitytxt::parse_rfc3339(text).map_err(|e| format!("not an RFC 3339 date-time: {e}"))
}

/// A number above zero.
fn positive_usize(text: &str) -> Result<usize, String> {
    text.parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{text:?} is not a positive number"))
}

#[cfg(feature = "fetch")]
pub use fetching::run;

/// The fetching half: needs the `fetch` feature.
#[cfg(feature = "fetch")]
mod fetching {
    use std::io::{self, BufWriter, Write};
    use std::path::PathBuf;
    use std::process::ExitCode;
    use std::time::Duration;

    use chrono::{DateTime, Utc};
    use securitytxt::fetch::{BlockingFetcher, FetchOptions, Fetched, Url};
    use securitytxt::verify::{Keyring, Outcome};
    use securitytxt::{Options, Severity};
    use serde::Serialize;

    use super::Args;
    use crate::programs::Status;

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

    fn load_keyring(files: &[PathBuf]) -> Result<Option<Keyring>, String> {
        if files.is_empty() {
            return Ok(None);
        }
        let mut keyring = Keyring::new();
        for file in files {
            let name = file.display();
            let bytes = std::fs::read(file).map_err(|e| format!("--key {name}: {e}"))?;
            keyring
                .add_armored(&bytes)
                .map_err(|e| format!("--key {name}: {e}"))?;
        }
        Ok(Some(keyring))
    }

    /// Runs `sectxt-fetch` with parsed arguments: verdicts to standard output, messages to
    /// standard error.
    pub fn run(args: &Args) -> ExitCode {
        let now = args.now.unwrap_or_else(Utc::now);
        let keyring = match load_keyring(&args.keys) {
            Ok(k) => k,
            Err(e) => {
                eprintln!("sectxt-fetch: {e}");
                return Status::Io.into();
            }
        };
        let options = FetchOptions::builder()
            .concurrency(args.concurrency)
            .total_timeout(Duration::from_secs(args.timeout))
            .build();
        let fetcher = match BlockingFetcher::new(options) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("sectxt-fetch: {e}");
                return Status::Io.into();
            }
        };
        let results = fetcher.fetch_many(&args.domains);
        let stdout = io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        let mut all_valid = true;
        for fetched in &results {
            let key_fetcher = args.fetch_keys.then_some(&fetcher);
            let verdict = judge(fetched, now, keyring.as_ref(), key_fetcher);
            all_valid &= verdict.valid();
            if let Err(e) = report(&mut out, args.json, fetched, &verdict) {
                eprintln!("sectxt-fetch: writing the report: {e}");
                return Status::Io.into();
            }
        }
        if let Err(e) = out.flush() {
            eprintln!("sectxt-fetch: writing the report: {e}");
            return Status::Io.into();
        }
        if all_valid {
            Status::Success.into()
        } else {
            Status::Findings.into()
        }
    }
}
