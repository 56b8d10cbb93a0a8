//! Signatures of the shared world's security.txt snapshot, checked against the world's signer
//! key, and of the real-world corpus, checked for framing. The shared folder is not part of the repository: this runs from
//! `.ci/shared/verify.sh`, which sets `SHARED_DIR`; without it the test only says so.

use std::path::PathBuf;

use securitytxt::verify::{Keyring, Outcome, verify};

#[test]
fn shared_world_signatures() {
    let Some(shared) = std::env::var_os("SHARED_DIR") else {
        eprintln!("SHARED_DIR not set: shared world signatures not checked");
        return;
    };
    let world = PathBuf::from(shared).join("worlds/visible");
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
#[test]
fn real_corpus_signatures_are_well_formed() {
    let Some(shared) = std::env::var_os("SHARED_DIR") else {
        eprintln!("SHARED_DIR not set: real corpus signatures not checked");
        return;
    };
    let corpus = PathBuf::from(shared).join("corpus/securitytxt/real");
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
