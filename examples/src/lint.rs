//! The `sectxt-lint` program: its command line ([`Args`]), its checks ([`Linter`]) and its
//! report ([`report`]). `examples/examples/sectxt-lint.rs` only calls [`main`].
//!
//! ```text
//! sectxt-lint [--now RFC3339] [--url URL]... [--key FILE.asc]... [--lenient] [--json] FILE...
//! ```
//!
//! Each FILE is a security.txt file, or `-` for standard input. A directory is refused with a
//! message saying so (name the files in it instead, for example `DIR/*.txt`). `--help` (or `-h`)
//! describes every option on standard output and exits 0; to lint a file named `-h`, write
//! `-- -h` or `./-h`.
//!
//! Every file's OpenPGP signature status is reported: `unsigned`, `valid`, `bad`,
//! `unknown_key` (the signature is well formed but its key, named by key ID, was not given
//! with `--key`) or `malformed`. Malformed framing or packets are errors whatever keys were
//! given; a bad signature (`bad_signature`) makes the file invalid; `unknown_key` is a
//! recommendation.
//!
//! # Output
//!
//! Without `--json`, per file: a summary line, a `signature:` line, one line per finding.
//! With `--json`, one JSON object per file on one line, described by the JSON Schema
//! `examples/sectxt-lint.schema.json` ([`JSON_SCHEMA`]):
//!
//! ```json
//! {"file":"security.txt","valid":false,"signature":"unknown_key","key":"F4C23C6C7D897BE3",
//!  "diagnostics":[{"code":"no_uri","severity":"error","line":2,"message":"..."}]}
//! ```
//!
//! # Exit status
//!
//! - 0: every file was read and is valid;
//! - 1: every file was read and at least one is invalid;
//! - 2: a usage error (unknown option, bad `--now`, unreadable or invalid `--key` file), or a
//!   FILE that cannot be read or is a directory (the other files are still linted and reported).
//!
//! # Example
//!
//! ```no_run
//! use examples::lint::Linter;
//! use securitytxt::Options;
//!
//! let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
//! let mut linter = Linter::new(Options::new(now));
//! linter.add_key_file(std::path::Path::new("key.asc"))?;
//! let verdict = linter.lint_file(std::path::Path::new("security.txt"))?;
//! let mut out = Vec::new();
//! examples::lint::report(&mut out, true, "security.txt", &verdict)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, Utc};
use clap::Parser;
use securitytxt::limits::MAX_FILE_SIZE;
use securitytxt::verify::{Keyring, Outcome};
use securitytxt::{Code, Diagnostic, Options, Severity};
use serde::Serialize;
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The JSON Schema (draft 2020-12) of one line of `sectxt-lint --json` output.
pub const JSON_SCHEMA: &str = include_str!("../sectxt-lint.schema.json");

/// Lints security.txt files (RFC 9116) and prints each file's verdict, signature status and
/// findings.
///
/// Exit status: 0 when every file is valid, 1 when any is invalid, 2 for a usage error or a
/// file that cannot be read (or is a directory).
#[derive(Debug, Clone, PartialEq, Eq, Parser)]
#[command(name = "sectxt-lint", version)]
#[non_exhaustive]
pub struct Args {
    /// The time to validate at, as an RFC 3339 date-time such as 2026-11-23T00:00:00Z
    /// (default: the system clock).
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// The URL the files were fetched from; repeat it for a redirect chain (first request
    /// first). `Canonical` fields must match one of them.
    #[arg(long = "url", value_name = "URL")]
    pub urls: Vec<String>,
    /// An armored OpenPGP public key file to verify signatures with; repeat it for more keys.
    /// Without keys, signatures are still read: a well-formed one is `unknown_key`.
    #[arg(long = "key", value_name = "FILE.asc")]
    pub keys: Vec<PathBuf>,
    /// Leave strict RFC mode: blank lines after the signature are a recommendation, not an
    /// error.
    #[arg(long)]
    pub lenient: bool,
    /// One JSON object per file per line (schema: examples/sectxt-lint.schema.json).
    #[arg(long)]
    pub json: bool,
    /// The security.txt files to lint; `-` reads standard input. Directories are refused.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<OsString>,
}

fn parse_now(value: &str) -> Result<DateTime<Utc>, String> {
    securitytxt::parse_rfc3339(value).map_err(|e| format!("not an RFC 3339 date-time: {e}"))
}

/// What is checked for every file: the validation options and the keyring signatures are
/// verified against (empty unless keys were added).
#[derive(Debug)]
pub struct Linter {
    options: Options,
    keyring: Keyring,
}

/// The result of linting one file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verdict {
    /// Every finding, ordered by line (findings about the whole file last); includes the
    /// signature finding (`bad_signature`, `unknown_key`) when there is one.
    pub diagnostics: Vec<Diagnostic>,
    /// The outcome of reading (and, with keys, verifying) the signature.
    pub signature: Outcome,
}

impl Verdict {
    /// `true` when no finding is an error.
    pub fn is_valid(&self) -> bool {
        securitytxt::is_valid(&self.diagnostics)
    }
}

/// Codes with which the validator has already reported a broken signature framing or block.
const FRAMING_CODES: &[Code] = &[
    Code::SignedFormatIssue,
    Code::DataAfterSig,
    Code::PgpDataError,
    Code::PgpError,
    Code::MissingHashHeader,
];

impl Linter {
    /// A linter validating with `options`, with an empty keyring.
    pub fn new(options: Options) -> Linter {
        Linter {
            options,
            keyring: Keyring::new(),
        }
    }

    /// Adds the armored public keys in `armored` to the keyring. Returns how many keys were
    /// added.
    ///
    /// # Errors
    ///
    /// A description of the problem when `armored` holds no usable public key.
    pub fn add_key(&mut self, armored: &[u8]) -> Result<usize, String> {
        match self.keyring.add_armored(armored) {
            Ok(0) => Err("no public key in the file".to_owned()),
            Ok(n) => Ok(n),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Reads an armored public key file (see [`Linter::add_key`]).
    ///
    /// # Errors
    ///
    /// A description naming the file when it cannot be read or holds no usable key.
    pub fn add_key_file(&mut self, path: &Path) -> Result<usize, String> {
        let mut bytes = Vec::new();
        File::open(path)
            .and_then(|f| {
                f.take(securitytxt::verify::MAX_KEYRING_BYTES as u64 + 1)
                    .read_to_end(&mut bytes)
            })
            .map_err(|e| format!("--key {}: {e}", path.display()))?;
        self.add_key(&bytes)
            .map_err(|e| format!("--key {}: {e}", path.display()))
    }

    /// `true` when at least one key was added (signatures can verify, not only be read).
    pub fn verifies_signatures(&self) -> bool {
        !self.keyring.is_empty()
    }

    /// Lints the bytes of one file.
    pub fn lint_bytes(&self, bytes: &[u8]) -> Verdict {
        let mut diagnostics = securitytxt::check(bytes, &self.options);
        let signature = securitytxt::verify::verify(bytes, &self.keyring);
        let reported = matches!(signature, Outcome::Malformed { .. })
            && diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error && FRAMING_CODES.contains(&d.code));
        if let (false, Some(d)) = (reported, signature.diagnostic(bytes)) {
            diagnostics.push(d);
            // Stable: the findings stay in line order, file-wide findings last.
            diagnostics
                .sort_by_key(|d| d.span.map_or((u32::MAX, usize::MAX), |s| (s.line, s.start)));
        }
        Verdict {
            diagnostics,
            signature,
        }
    }

    /// Reads all of `input` and lints it. Input over
    /// [`MAX_FILE_SIZE`] is read to its end without being
    /// kept, so that the `too_large` finding states its real size.
    ///
    /// # Errors
    ///
    /// The I/O error of `input`.
    pub fn lint_reader(&self, input: &mut impl Read) -> io::Result<Verdict> {
        let mut bytes = Vec::new();
        input
            .by_ref()
            .take(MAX_FILE_SIZE as u64 + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() <= MAX_FILE_SIZE {
            return Ok(self.lint_bytes(&bytes));
        }
        let rest = io::copy(input, &mut io::sink())?;
        let len = usize::try_from(rest)
            .ok()
            .and_then(|r| r.checked_add(bytes.len()))
            .unwrap_or(usize::MAX);
        let message = format!(
            "the file is {len} bytes, more than the {MAX_FILE_SIZE} bytes allowed (RFC 9116 section 5.4 allows refusing files over 32 KB)"
        );
        Ok(Verdict {
            diagnostics: vec![Diagnostic::new(Code::TooLarge, None, message)],
            signature: Outcome::Unsigned,
        })
    }

    /// Reads and lints one file (see [`Linter::lint_reader`]).
    ///
    /// # Errors
    ///
    /// The I/O error when the file cannot be opened or read, or an error of kind
    /// [`io::ErrorKind::IsADirectory`] for a directory.
    pub fn lint_file(&self, path: &Path) -> io::Result<Verdict> {
        if path.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory: sectxt-lint reads files, not directories (give the files in it, e.g. DIR/*.txt)",
            ));
        }
        self.lint_reader(&mut File::open(path)?)
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
    signature: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// The key an outcome names: the fingerprint of the key that verified or failed, or the key
/// ID (else the fingerprint) of an unknown key.
fn outcome_key(outcome: &Outcome) -> Option<String> {
    match outcome {
        Outcome::Valid(v) => Some(v.fingerprint.clone()),
        Outcome::Bad { fingerprint, .. } => Some(fingerprint.clone()),
        Outcome::UnknownKey { key_id, issuer, .. } => {
            let key = if key_id.is_empty() { issuer } else { key_id };
            (!key.is_empty()).then(|| key.clone())
        }
        _ => None,
    }
}

/// Writes the verdict on `file`: with `json`, one JSON object on one line (see
/// [`JSON_SCHEMA`]); otherwise a summary line, the signature status and one line per finding.
///
/// # Errors
///
/// The error of `out`.
pub fn report(out: &mut impl Write, json: bool, file: &str, verdict: &Verdict) -> io::Result<()> {
    let diagnostics = &verdict.diagnostics;
    let valid = verdict.is_valid();
    if json {
        let json = JsonVerdict {
            file,
            valid,
            signature: verdict.signature.as_str(),
            key: outcome_key(&verdict.signature),
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
        serde_json::to_writer(&mut *out, &json)?;
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
        let outcome = &verdict.signature;
        writeln!(out, "  signature: {} ({outcome})", outcome.as_str())?;
        for d in diagnostics {
            match d.line() {
                Some(line) => write!(out, "  line {line}: ")?,
                None => write!(out, "  file: ")?,
            }
            writeln!(out, "{}[{}] {}", d.severity, d.code, d.message)?;
        }
    }
    Ok(())
}

/// Runs `sectxt-lint` with parsed arguments: lints every file, writes the reports to `out` and
/// problems to `err`, reads `-` from `stdin`. Returns the exit status (see the module docs).
pub fn run(args: &Args, stdin: &mut impl Read, out: &mut impl Write, err: &mut impl Write) -> u8 {
    let now = args.now.unwrap_or_else(Utc::now);
    let mut options = Options::new(now).with_fetched_from(args.urls.iter().cloned());
    if args.lenient {
        options = options.lenient();
    }
    let mut linter = Linter::new(options);
    for key in &args.keys {
        if let Err(e) = linter.add_key_file(key) {
            let _ = writeln!(err, "sectxt-lint: {e}");
            return 2;
        }
    }
    let (mut all_valid, mut unreadable) = (true, false);
    for file in &args.files {
        let (name, result) = if file == "-" {
            ("-".into(), linter.lint_reader(stdin))
        } else {
            (file.to_string_lossy(), linter.lint_file(Path::new(file)))
        };
        match result {
            Ok(verdict) => {
                if let Err(e) = report(out, args.json, &name, &verdict) {
                    let _ = writeln!(err, "sectxt-lint: writing the report: {e}");
                    return 2;
                }
                all_valid &= verdict.is_valid();
            }
            Err(e) => {
                let what = if file == "-" { "standard input" } else { &name };
                let _ = writeln!(err, "sectxt-lint: {what}: {e}");
                unreadable = true;
            }
        }
    }
    if let Err(e) = out.flush() {
        let _ = writeln!(err, "sectxt-lint: writing the report: {e}");
        return 2;
    }
    match (unreadable, all_valid) {
        (true, _) => 2,
        (false, true) => 0,
        (false, false) => 1,
    }
}

/// The whole program: parses the process's arguments (clap prints `--help` and usage errors
/// and exits itself: 0 for `--help`/`--version`, 2 for a usage error) and calls [`run`] with
/// the standard streams.
pub fn main() -> u8 {
    let args = Args::parse();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    run(&args, &mut io::stdin().lock(), &mut out, &mut io::stderr())
}
