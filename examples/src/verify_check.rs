//! `verify-check`: signature checks over shared data the repository does not ship: the signed
//! security.txt files of a world snapshot must verify with the world's signer key, and every
//! signed file of a real-world corpus must frame as gpg reads it (unknown key; templates with a
//! placeholder signature aside).
//!
//! ```text
//! verify-check SHARED_DIR
//! ```
//!
//! Reads `SHARED_DIR/worlds/visible/keys/securitytxt-signer.asc`,
//! `SHARED_DIR/worlds/visible/snapshot/securitytxt/*` and `SHARED_DIR/corpus/securitytxt/real/*`.
//! Run by `.ci/shared/verify.sh`, which looks for the two summary lines
//! (`shared world signatures: N valid, ...`, `real corpus signatures: N signed of ...`).
//!
//! Exit status (the table in `examples/README.md`, [`crate::programs::Status`]): 0 when both
//! checks pass, 1 when a check fails (the file and the outcome are printed), 2 unusable
//! arguments, 3 a file or folder could not be read or the key could not be used.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use securitytxt::verify::{Keyring, Outcome, verify};

use crate::programs::Status;

/// The command line of `verify-check`.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "verify-check",
    version,
    about = "Check security.txt signatures over a shared world snapshot and real-world corpus",
    long_about = "Check security.txt signatures over shared data: every signed file of \
        SHARED_DIR/worlds/visible/snapshot/securitytxt must verify with the world's signer key \
        (worlds/visible/keys/securitytxt-signer.asc), and every signed file of \
        SHARED_DIR/corpus/securitytxt/real must frame as gpg reads it (unknown key; templates \
        with a placeholder signature aside).",
    after_help = "Exit status: 0 both checks pass; 1 a check failed; 2 unusable arguments; 3 a \
        file or folder could not be read or the key could not be used (table: \
        examples/README.md)."
)]
#[non_exhaustive]
pub struct Args {
    /// The shared folder holding worlds/visible and corpus/securitytxt/real.
    #[arg(value_name = "SHARED_DIR")]
    pub shared: PathBuf,
}

/// Why a check did not pass.
#[derive(Debug)]
enum Problem {
    /// An input could not be read or used.
    Input(String),
    /// A file did not verify or frame as expected.
    Check(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Input(m) => write!(f, "{m}"),
            Problem::Check(m) => write!(f, "FAIL {m}"),
        }
    }
}

/// Runs both checks; summaries to standard output, a failure to standard error.
pub fn run(args: &Args) -> ExitCode {
    let result = shared_world_signatures(&args.shared)
        .and_then(|()| real_corpus_signatures_are_well_formed(&args.shared));
    match result {
        Ok(()) => Status::Success.into(),
        Err(p) => {
            eprintln!("verify-check: {p}");
            match p {
                Problem::Input(_) => Status::Io.into(),
                Problem::Check(_) => Status::Findings.into(),
            }
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Problem> {
    std::fs::read(path).map_err(|e| Problem::Input(format!("{}: {e}", path.display())))
}

/// The files of `dir`, in name order.
fn entries(dir: &Path) -> Result<Vec<PathBuf>, Problem> {
    let input = |e: std::io::Error| Problem::Input(format!("{}: {e}", dir.display()));
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(input)? {
        out.push(entry.map_err(input)?.path());
    }
    out.sort();
    Ok(out)
}

/// The world's signed security.txt files verify with its signer key.
fn shared_world_signatures(shared: &Path) -> Result<(), Problem> {
    let world = shared.join("worlds/visible");
    let key_path = world.join("keys/securitytxt-signer.asc");
    let keyring = Keyring::from_armored(&read(&key_path)?)
        .map_err(|e| Problem::Input(format!("{}: {e}", key_path.display())))?;
    let signer = keyring.fingerprints().first().cloned();
    let (mut signed, mut unsigned) = (0, 0);
    for path in entries(&world.join("snapshot/securitytxt"))? {
        let input = read(&path)?;
        let gpg_framed = input.starts_with(b"-----BEGIN PGP SIGNED MESSAGE-----");
        let fail = |what: String| Err(Problem::Check(format!("{}: {what}", path.display())));
        match verify(&input, &keyring) {
            Outcome::Unsigned if gpg_framed => {
                return fail("gpg-framed but read as unsigned".to_owned());
            }
            Outcome::Unsigned => unsigned += 1,
            Outcome::Valid(v) if Some(&v.primary_fingerprint) == signer.as_ref() => signed += 1,
            Outcome::Valid(v) => {
                return fail(format!(
                    "valid, but by {:?} instead of the signer key",
                    v.primary_fingerprint
                ));
            }
            other => return fail(format!("{other:?}")),
        }
    }
    if signed == 0 {
        return Err(Problem::Check("no signed file in the snapshot".to_owned()));
    }
    println!("shared world signatures: {signed} valid, {unsigned} unsigned");
    Ok(())
}

/// Real-world signed files (no keys supplied): each is `unknown_key`, as `gpg --verify` says
/// "No public key" for them, except templates whose signature block is a `{placeholder}`.
fn real_corpus_signatures_are_well_formed(shared: &Path) -> Result<(), Problem> {
    let keyring = Keyring::new();
    let (mut files, mut signed) = (0, 0);
    for path in entries(&shared.join("corpus/securitytxt/real"))? {
        let input = read(&path)?;
        files += 1;
        let placeholder = String::from_utf8_lossy(&input).contains("{PGP");
        match verify(&input, &keyring) {
            Outcome::Unsigned => {}
            Outcome::UnknownKey { ref issuer, .. } if !issuer.is_empty() => signed += 1,
            Outcome::Malformed { .. } if placeholder => signed += 1,
            other => {
                return Err(Problem::Check(format!("{}: {other:?}", path.display())));
            }
        }
    }
    if signed == 0 {
        return Err(Problem::Check("no signed file in the corpus".to_owned()));
    }
    println!("real corpus signatures: {signed} signed of {files} files, framing as gpg reads it");
    Ok(())
}
