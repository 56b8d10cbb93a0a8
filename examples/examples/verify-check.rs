//! Signature check over shared data the repository does not ship: the signed security.txt
//! files of a world snapshot must verify with the world's signer key, and every signed file of a
//! real-world corpus must frame as gpg reads it (unknown key; templates with a placeholder
//! signature aside). Run by `.ci/shared/verify.sh`:
//!
//! ```text
//! verify-check SHARED_DIR
//! ```
//! Exit status 0 when both checks pass; a failed check panics with the file and the outcome.

use std::path::PathBuf;

use securitytxt::verify::{Keyring, Outcome, verify};

fn main() {
    let Some(shared) = std::env::args_os().nth(1) else {
        eprintln!("usage: verify-check SHARED_DIR");
        std::process::exit(2);
    };
    let shared = PathBuf::from(shared);
    shared_world_signatures(&shared);
    real_corpus_signatures_are_well_formed(&shared);
}

/// The world's signed security.txt files verify with its signer key.
fn shared_world_signatures(shared: &std::path::Path) {
    let world = shared.join("worlds/visible");
    let key = std::fs::read(world.join("keys/securitytxt-signer.asc")).unwrap();
    let keyring = Keyring::from_armored(&key).unwrap();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(world.join("snapshot/securitytxt"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let (mut signed, mut unsigned) = (0, 0);
    for path in entries {
        let input = std::fs::read(&path).unwrap();
        let gpg_framed = input.starts_with(b"-----BEGIN PGP SIGNED MESSAGE-----");
        match verify(&input, &keyring) {
            Outcome::Unsigned => {
                assert!(!gpg_framed, "{}", path.display());
                unsigned += 1;
            }
            Outcome::Valid(v) => {
                assert_eq!(v.primary_fingerprint, keyring.fingerprints()[0]);
                signed += 1;
            }
            other => panic!("{}: {other:?}", path.display()),
        }
    }
    assert!(signed > 0, "no signed file in the snapshot");
    println!("shared world signatures: {signed} valid, {unsigned} unsigned");
}

/// Real-world signed files (no keys supplied): each is `unknown_key`, as `gpg --verify` says
/// "No public key" for them, except templates whose signature block is a `{placeholder}`.
fn real_corpus_signatures_are_well_formed(shared: &std::path::Path) {
    let corpus = shared.join("corpus/securitytxt/real");
    let keyring = Keyring::new();
    let (mut files, mut signed) = (0, 0);
    for entry in std::fs::read_dir(corpus).unwrap() {
        let path = entry.unwrap().path();
        let input = std::fs::read(&path).unwrap();
        files += 1;
        let outcome = verify(&input, &keyring);
        let placeholder = String::from_utf8_lossy(&input).contains("{PGP");
        match outcome {
            Outcome::Unsigned => {}
            Outcome::UnknownKey { ref issuer, .. } => {
                assert!(!issuer.is_empty(), "{}", path.display());
                signed += 1;
            }
            Outcome::Malformed { .. } if placeholder => signed += 1,
            other => panic!("{}: {other:?}", path.display()),
        }
    }
    assert!(signed > 0, "no signed file in the corpus");
    println!("real corpus signatures: {signed} signed of {files} files, framing as gpg reads it");
}
