//! The checks and the report of the `sectxt-lint` example: validation of one file, and, when
//! keys are given, verification of its OpenPGP signature.
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

use securitytxt::verify::{Keyring, Outcome};
use securitytxt::{Diagnostic, Options, Severity};
use serde::Serialize;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

/// What is checked for every file: the validation options and, when at least one key was
/// added, the keyring signatures are verified against.
#[derive(Debug)]
pub struct Linter {
    options: Options,
    keyring: Option<Keyring>,
}

/// The result of linting one file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verdict {
    /// Every finding, ordered by line (findings about the whole file last); includes the
    /// signature finding (`bad_signature`, `unknown_key`) when keys were given.
    pub diagnostics: Vec<Diagnostic>,
    /// The outcome of signature verification: `Some` exactly when the linter has keys.
    pub signature: Option<Outcome>,
}

impl Verdict {
    /// `true` when no finding is an error.
    pub fn is_valid(&self) -> bool {
        securitytxt::is_valid(&self.diagnostics)
    }
}

impl Linter {
    /// A linter validating with `options`, without signature verification.
    pub fn new(options: Options) -> Linter {
        Linter {
            options,
            keyring: None,
        }
    }

    /// Adds the armored public keys in `armored` to the keyring; from then on every file's
    /// signature is verified. Returns how many keys were added.
    ///
    /// # Errors
    ///
    /// A description of the problem when `armored` holds no usable public key.
    pub fn add_key(&mut self, armored: &[u8]) -> Result<usize, String> {
        let mut keyring = self.keyring.take().unwrap_or_default();
        let added = keyring.add_armored(armored);
        if !keyring.fingerprints().is_empty() {
            self.keyring = Some(keyring);
        }
        match added {
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

    /// `true` when signatures are verified (at least one key was added).
    pub fn verifies_signatures(&self) -> bool {
        self.keyring.is_some()
    }

    /// Lints the bytes of one file.
    pub fn lint_bytes(&self, bytes: &[u8]) -> Verdict {
        let mut diagnostics = securitytxt::check(bytes, &self.options);
        let signature = self.keyring.as_ref().map(|keyring| {
            let outcome = securitytxt::verify::verify(bytes, keyring);
            if let Some(d) = outcome.diagnostic(bytes) {
                diagnostics.push(d);
                // Stable: the findings stay in line order, file-wide findings last.
                diagnostics
                    .sort_by_key(|d| d.span.map_or((u32::MAX, usize::MAX), |s| (s.line, s.start)));
            }
            outcome
        });
        Verdict {
            diagnostics,
            signature,
        }
    }

    /// Reads and lints one file (reading at most one byte over
    /// [`MAX_FILE_SIZE`](securitytxt::limits::MAX_FILE_SIZE), enough to tell it is too large).
    ///
    /// # Errors
    ///
    /// The I/O error when the file cannot be read.
    pub fn lint_file(&self, path: &Path) -> io::Result<Verdict> {
        let mut bytes = Vec::new();
        File::open(path)?
            .take(securitytxt::limits::MAX_FILE_SIZE as u64 + 1)
            .read_to_end(&mut bytes)?;
        Ok(self.lint_bytes(&bytes))
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
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<&'static str>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// Writes the verdict on `file`: with `json`, one JSON object on one line
/// (`{"file","valid","signature","diagnostics":[{"code","severity","line","message"}]}`, where
/// `"signature"` is present only when signatures are verified); otherwise a summary line, the
/// signature verdict when there is one, and one line per finding.
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
            signature: verdict.signature.as_ref().map(Outcome::as_str),
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
        if let Some(outcome) = &verdict.signature {
            writeln!(out, "  signature: {} ({outcome})", outcome.as_str())?;
        }
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
