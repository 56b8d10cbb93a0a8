//! Signature verification against files signed by real GnuPG (`tests/data/signed/make.sh`).

use std::path::PathBuf;
use std::sync::LazyLock;

use pgp::armor::BlockType;
use pgp::composed::{Deserializable, DetachedSignature};
use proptest::prelude::*;
use securitytxt::verify::{
    Keyring, MAX_KEYRING_BYTES, MAX_KEYS, MAX_SIGNATURE_BLOCK_BYTES, MAX_SIGNATURES, Outcome,
    verify,
};

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/signed")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text(name: &str) -> String {
    String::from_utf8(data(name)).unwrap()
}

/// Keys A and B, read once (reading verifies the self-signatures, slow in debug builds).
static KEYRING: LazyLock<Keyring> =
    LazyLock::new(|| Keyring::from_armored(&data("keyring-ab.asc")).unwrap());

fn keyring() -> Keyring {
    KEYRING.clone()
}

fn key_a() -> Keyring {
    Keyring::from_armored(&data("key-a.asc")).unwrap()
}

fn expect_valid(outcome: &Outcome) -> &securitytxt::verify::ValidSignature {
    match outcome {
        Outcome::Valid(v) => v,
        other => panic!("expected a valid signature, got {other:?}"),
    }
}

/// Every file gpg signed and gpg verifies, we verify too.
#[test]
fn gpg_signed_fixtures_verify() {
    let keyring = keyring();
    let names = [
        "lf.signed.txt",
        "crlf.signed.txt",
        "trailing-ws.signed.txt",
        "dash.signed.txt",
        "utf8.signed.txt",
        "no-final-newline.signed.txt",
        "bare-cr.signed.txt",
        "cr-cr.signed.txt",
        "separator-cr.signed.txt",
        "separator-ws.signed.txt",
        "primary-sha256.signed.txt",
        "rsa.signed.txt",
        "two-signers.signed.txt",
    ];
    for name in names {
        let outcome = verify(&data(name), &keyring);
        assert_eq!(outcome.as_str(), "valid", "{name}: {outcome:?}");
        assert_eq!(outcome.diagnostic_code(), None);
        let v = expect_valid(&outcome);
        assert_eq!(v.fingerprint.len(), 40, "{name}");
        assert!(v.created.is_some(), "{name}");
        assert_eq!(outcome.line(), Some(v.line));
    }
}

#[test]
fn signing_subkey_and_primary_key_are_told_apart() {
    let keyring = key_a();
    let by_subkey = verify(&data("lf.signed.txt"), &keyring);
    let sub = expect_valid(&by_subkey);
    assert_ne!(sub.fingerprint, sub.primary_fingerprint);
    assert_eq!(sub.primary_fingerprint, keyring.fingerprints()[0]);
    assert!(sub.fingerprint.ends_with(&sub.key_id));

    let by_primary = verify(&data("primary-sha256.signed.txt"), &keyring);
    let primary = expect_valid(&by_primary);
    assert_eq!(primary.fingerprint, primary.primary_fingerprint);
    assert_eq!(primary.hash_algorithm, "SHA256");
}

#[test]
fn hash_algorithm_and_line_are_reported() {
    let outcome = verify(&data("rsa.signed.txt"), &keyring());
    let v = expect_valid(&outcome);
    assert_eq!(v.hash_algorithm, "SHA384");
    let begin = text("rsa.signed.txt")
        .lines()
        .position(|l| l == "-----BEGIN PGP SIGNATURE-----")
        .unwrap();
    assert_eq!(v.line, begin + 1);
}

#[test]
fn tampered_text_is_a_bad_signature() {
    let outcome = verify(&data("tampered.signed.txt"), &keyring());
    assert!(matches!(outcome, Outcome::Bad { .. }), "{outcome:?}");
    assert_eq!(outcome.as_str(), "bad");
    assert_eq!(outcome.diagnostic_code(), Some("bad_signature"));
    assert!(outcome.message().contains("bad signature"));
}

#[test]
fn signature_by_a_key_not_in_the_keyring_is_unknown() {
    let outcome = verify(&data("unknown-key.signed.txt"), &keyring());
    match &outcome {
        Outcome::UnknownKey { issuer, .. } => assert!(!issuer.is_empty()),
        other => panic!("{other:?}"),
    }
    assert_eq!(outcome.as_str(), "unknown_key");
    assert_eq!(outcome.diagnostic_code(), Some("unknown_key"));

    // Signed by A, checked with B only.
    let only_b = Keyring::from_armored(&data("key-b.asc")).unwrap();
    let outcome = verify(&data("lf.signed.txt"), &only_b);
    assert_eq!(outcome.as_str(), "unknown_key");
    // An empty keyring knows no key.
    assert_eq!(
        verify(&data("lf.signed.txt"), &Keyring::new()).as_str(),
        "unknown_key"
    );
}

#[test]
fn signature_by_a_revoked_key_is_bad() {
    let revoked = Keyring::from_armored(&data("key-d-revoked.asc")).unwrap();
    let outcome = verify(&data("revoked-key.signed.txt"), &revoked);
    match &outcome {
        Outcome::Bad { reason, .. } => assert!(reason.contains("revoked"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // Files signed by other keys are not affected by a revoked key in the keyring.
    assert_eq!(
        verify(&data("lf.signed.txt"), &revoked).as_str(),
        "unknown_key"
    );
}

#[test]
fn signature_made_after_the_key_expired_is_bad() {
    let expired = Keyring::from_armored(&data("key-e-expired.asc")).unwrap();
    let outcome = verify(&data("expired-key.signed.txt"), &expired);
    match &outcome {
        Outcome::Bad { reason, .. } => assert!(reason.contains("expired"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn third_party_certifications_are_ignored() {
    // key-a.asc carries a certification by key B; reading A alone must not fail on it.
    let a = data("key-a.asc");
    assert!(String::from_utf8_lossy(&a).contains("BEGIN PGP PUBLIC KEY BLOCK"));
    let ring = Keyring::from_armored(&a).unwrap();
    expect_valid(&verify(&data("lf.signed.txt"), &ring));
}

#[test]
fn either_of_two_signers_is_enough() {
    let only_b = Keyring::from_armored(&data("key-b.asc")).unwrap();
    let outcome = verify(&data("two-signers.signed.txt"), &only_b);
    let v = expect_valid(&outcome);
    assert_eq!(v.primary_fingerprint, only_b.fingerprints()[0]);
}

#[test]
fn outcomes_become_positioned_diagnostics() {
    use securitytxt::{Code, Severity};
    let input = data("tampered.signed.txt");
    let outcome = verify(&input, &keyring());
    let d = outcome.diagnostic(&input).unwrap();
    assert_eq!(d.code, Code::BadSignature);
    assert_eq!(d.code.as_str(), "bad_signature");
    assert_eq!(d.severity, Severity::Error);
    let span = d.span.unwrap();
    assert_eq!(span.line as usize, outcome.line().unwrap());
    assert_eq!(
        &input[span.start..span.end],
        b"-----BEGIN PGP SIGNATURE-----"
    );

    let input = data("unknown-key.signed.txt");
    let d = verify(&input, &keyring()).diagnostic(&input).unwrap();
    assert_eq!(d.code, Code::UnknownKey);
    assert_eq!(d.severity, Severity::Recommendation);

    let input = data("lf.signed.txt");
    assert_eq!(verify(&input, &keyring()).diagnostic(&input), None);
    let input = data("unsigned.txt");
    assert_eq!(verify(&input, &keyring()).diagnostic(&input), None);
}

/// The parser's view of the signed text (`SignedParts::canonical_text`) agrees with the
/// verifier's on every gpg fixture, including a header separator of only carriage returns
/// (`separator-cr`) or blanks (`separator-ws`) and lines ending in several carriage returns
/// (`cr-cr`), as gpg reads them.
#[test]
fn parser_and_verifier_agree_on_the_signed_text() {
    let mut n = 0;
    for entry in
        std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/signed"))
            .unwrap()
    {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with(".signed.txt") {
            continue;
        }
        let input = std::fs::read(&path).unwrap();
        let ours = securitytxt::verify::canonical_signed_text(&input)
            .unwrap()
            .unwrap();
        n += 1;
        let doc = securitytxt::parse(&input).unwrap();
        let parts = doc
            .signature()
            .unwrap_or_else(|| panic!("{}", path.display()));
        assert_eq!(parts.canonical_text(), ours, "{}", path.display());
    }
    assert_eq!(n, 17);
}

#[test]
fn unsigned_file() {
    let outcome = verify(&data("unsigned.txt"), &keyring());
    assert_eq!(outcome, Outcome::Unsigned);
    assert_eq!(outcome.line(), None);
    assert_eq!(outcome.diagnostic_code(), None);
    assert_eq!(verify(b"", &keyring()), Outcome::Unsigned);
}

#[test]
fn line_endings_changed_after_signing_still_verify() {
    let lf = text("lf.signed.txt");
    let crlf = lf.replace('\n', "\r\n");
    expect_valid(&verify(crlf.as_bytes(), &keyring()));
    let crlf_signed = text("crlf.signed.txt");
    let lf_again = crlf_signed.replace("\r\n", "\n");
    expect_valid(&verify(lf_again.as_bytes(), &keyring()));
}

#[test]
fn byte_order_mark_before_the_header_is_allowed() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(&data("lf.signed.txt"));
    expect_valid(&verify(&input, &keyring()));
}

fn malformed(input: &str) -> (String, usize) {
    match verify(input.as_bytes(), &keyring()) {
        Outcome::Malformed { reason, line } => (reason, line),
        other => panic!("expected malformed, got {other:?}"),
    }
}

#[test]
fn broken_framing_is_malformed_with_a_line() {
    let lf = text("lf.signed.txt");
    let begin_sig = lf
        .lines()
        .position(|l| l == "-----BEGIN PGP SIGNATURE-----")
        .unwrap()
        + 1;

    let (reason, line) = malformed(&format!("Contact: mailto:a@b.example\n{lf}"));
    assert_eq!(line, 1);
    assert!(reason.contains("before"), "{reason}");

    let (_, line) = malformed(&lf.replacen("Hash: SHA256\n\n", "Hash: SHA256\n", 1));
    assert!(line >= 2, "missing blank line: {line}");

    let (reason, line) = malformed(&lf.replacen("Hash: SHA256", "Hash: SHA999", 1));
    assert_eq!(line, 2);
    assert!(reason.contains("SHA999"), "{reason}");

    let (reason, line) = malformed(&lf.replacen("Hash: SHA256", "Charset: UTF-8", 1));
    assert_eq!(line, 2);
    assert!(reason.contains("Charset"), "{reason}");

    let (reason, line) = malformed(&lf.replacen("Hash: SHA256", "Hash: SHA512", 1));
    assert_eq!(line, begin_sig);
    assert!(reason.contains("Hash header"), "{reason}");

    let cut = lf.find("-----BEGIN PGP SIGNATURE-----").unwrap();
    let (reason, line) = malformed(&lf[..cut]);
    assert_eq!(line, 1);
    assert!(reason.contains("BEGIN PGP SIGNATURE"), "{reason}");

    let (reason, line) = malformed(&lf.replace("-----END PGP SIGNATURE-----", ""));
    assert_eq!(line, begin_sig);
    assert!(reason.contains("END PGP SIGNATURE"), "{reason}");

    let trailing = format!("{lf}\nContact: mailto:evil@example.com\n");
    let (reason, line) = malformed(&trailing);
    assert_eq!(line, lf.lines().count() + 2);
    assert!(reason.contains("after"), "{reason}");

    let garbage = lf
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == begin_sig + 1 {
                "!!!! not base64 !!!!"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let (_, line) = malformed(&garbage);
    assert_eq!(line, begin_sig);

    let (reason, line) = malformed("Contact: x\n-----BEGIN PGP SIGNATURE-----\n");
    assert_eq!(line, 2);
    assert!(reason.contains("SIGNED MESSAGE"), "{reason}");
}

/// The signature block of `lf.signed.txt` padded with `Comment:` armor headers to `pad` more
/// bytes (`pad` is 0 or at least 11); returns the file and the length of its signature block.
fn with_padded_signature_block(pad: usize) -> (String, usize) {
    let lf = text("lf.signed.txt");
    let start = lf.find("-----BEGIN PGP SIGNATURE-----").unwrap();
    let block_len = lf[start..].trim_end().len() + 1;
    let mut comments = String::new();
    let mut left = pad;
    while left > 0 {
        // "Comment: " + text + "\n", at most 64 bytes, never leaving less than 10 bytes.
        let take = if left <= 64 {
            left
        } else {
            (left - 10).min(64)
        };
        comments.push_str(&format!("Comment: {}\n", "x".repeat(take - 10)));
        left -= take;
    }
    let padded = lf.replacen(
        "-----BEGIN PGP SIGNATURE-----\n",
        &format!("-----BEGIN PGP SIGNATURE-----\n{comments}"),
        1,
    );
    (padded, block_len + comments.len())
}

#[test]
fn signature_block_cap_just_under_and_over() {
    let (base, base_len) = with_padded_signature_block(0);
    expect_valid(&verify(base.as_bytes(), &keyring()));
    let room = MAX_SIGNATURE_BLOCK_BYTES - base_len;
    let (at_cap, len) = with_padded_signature_block(room);
    assert_eq!(len, MAX_SIGNATURE_BLOCK_BYTES);
    expect_valid(&verify(at_cap.as_bytes(), &keyring()));
    let (over, len) = with_padded_signature_block(room + 1);
    assert_eq!(len, MAX_SIGNATURE_BLOCK_BYTES + 1);
    let (reason, _) = malformed(&over);
    assert!(
        reason.contains(&MAX_SIGNATURE_BLOCK_BYTES.to_string()),
        "{reason}"
    );
}

/// `lf.signed.txt` with its signature repeated `n` times in the block.
fn with_repeated_signature(n: usize) -> String {
    let lf = text("lf.signed.txt");
    let start = lf.find("-----BEGIN PGP SIGNATURE-----").unwrap();
    let (signature, _) = DetachedSignature::from_armor_single(&lf.as_bytes()[start..]).unwrap();
    let many = vec![signature; n];
    let mut armored = Vec::new();
    pgp::armor::write(&many, BlockType::Signature, &mut armored, None, true).unwrap();
    format!("{}{}", &lf[..start], String::from_utf8(armored).unwrap())
}

#[test]
fn signature_count_cap_just_under_and_over() {
    expect_valid(&verify(
        with_repeated_signature(MAX_SIGNATURES).as_bytes(),
        &keyring(),
    ));
    let (reason, _) = malformed(&with_repeated_signature(MAX_SIGNATURES + 1));
    assert!(reason.contains("more than"), "{reason}");
}

#[test]
fn keyring_reads_many_blocks_and_subkeys() {
    let ring = keyring();
    assert_eq!(ring.len(), 2);
    assert!(!ring.is_empty());
    let mut ring2 = Keyring::new();
    assert!(ring2.is_empty());
    assert_eq!(ring2.add_armored(&data("key-a.asc")).unwrap(), 1);
    assert_eq!(ring2.add_armored(&data("key-b.asc")).unwrap(), 1);
    // Adding a key again keeps one copy.
    assert_eq!(ring2.add_armored(&data("key-a.asc")).unwrap(), 1);
    assert_eq!(ring2.len(), 2);
    assert_eq!(ring.fingerprints(), ring2.fingerprints());
}

#[test]
fn keyring_errors_name_the_problem() {
    let err = Keyring::from_armored(b"").unwrap_err().to_string();
    assert!(
        err.contains("no -----BEGIN PGP PUBLIC KEY BLOCK-----"),
        "{err}"
    );
    let err = Keyring::from_armored(b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("END PGP PUBLIC KEY BLOCK"), "{err}");
    let broken =
        "\n\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n-----END PGP PUBLIC KEY BLOCK-----\n";
    let err = Keyring::from_armored(broken.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 3"), "{err}");
    // A failed add leaves the keyring as it was.
    let mut ring = key_a();
    let mut bad = data("key-b.asc");
    bad.extend_from_slice(broken.as_bytes());
    assert!(ring.add_armored(&bad).is_err());
    assert_eq!(ring.len(), 1);
}

#[test]
fn keyring_size_cap_just_under_and_over() {
    let mut at_cap = data("key-a.asc");
    at_cap.resize(MAX_KEYRING_BYTES, b'\n');
    assert_eq!(Keyring::from_armored(&at_cap).unwrap().len(), 1);
    at_cap.push(b'\n');
    let err = Keyring::from_armored(&at_cap).unwrap_err().to_string();
    assert!(err.contains(&MAX_KEYRING_BYTES.to_string()), "{err}");
}

#[test]
fn keys_per_input_cap_just_under_and_over() {
    let key = data("key-a.asc");
    let at_cap = key.repeat(MAX_KEYS);
    assert!(at_cap.len() <= MAX_KEYRING_BYTES);
    let mut ring = Keyring::new();
    assert_eq!(ring.add_armored(&at_cap).unwrap(), MAX_KEYS);
    assert_eq!(ring.len(), 1, "copies of one certificate are kept once");
    let over = key.repeat(MAX_KEYS + 1);
    let err = Keyring::from_armored(&over).unwrap_err().to_string();
    assert!(err.contains(&format!("more than {MAX_KEYS} keys")), "{err}");
}

/// Cleartext lines of `lf.signed.txt` (between the blank line after the header and the
/// signature), as line indexes.
fn cleartext_line_range(lines: &[&str]) -> std::ops::Range<usize> {
    let start = lines.iter().position(|l| l.is_empty()).unwrap() + 1;
    let end = lines
        .iter()
        .position(|l| *l == "-----BEGIN PGP SIGNATURE-----")
        .unwrap();
    start..end
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Whitespace at line ends and the choice of LF or CRLF are not signed: any mix verifies.
    #[test]
    fn trailing_whitespace_and_line_endings_do_not_matter(
        pads in proptest::collection::vec(("[ \t]{0,4}", any::<bool>()), 40)
    ) {
        let lf = text("lf.signed.txt");
        let lines: Vec<&str> = lf.lines().collect();
        let range = cleartext_line_range(&lines);
        let mut out = String::new();
        for (i, line) in lines.iter().enumerate() {
            let (pad, crlf) = pads.get(i).cloned().unwrap_or_default();
            out.push_str(line);
            if range.contains(&i) {
                out.push_str(&pad);
            }
            out.push_str(if crlf { "\r\n" } else { "\n" });
        }
        let outcome = verify(out.as_bytes(), &KEYRING);
        prop_assert_eq!(outcome.as_str(), "valid");
    }

    /// Changing any visible character of the signed text breaks the signature.
    #[test]
    fn any_changed_character_is_a_bad_signature(pick in any::<prop::sample::Index>()) {
        let lf = text("utf8.signed.txt");
        let lines: Vec<&str> = lf.lines().collect();
        let range = cleartext_line_range(&lines);
        let signed: String = lines[range.clone()].join("\n");
        let positions: Vec<usize> = signed
            .char_indices()
            .filter(|(_, c)| !c.is_whitespace())
            .map(|(i, _)| i)
            .collect();
        let at = positions[pick.index(positions.len())];
        let old = signed[at..].chars().next().unwrap();
        let new = if old == 'X' { 'Y' } else { 'X' };
        let changed = format!("{}{}{}", &signed[..at], new, &signed[at + old.len_utf8()..]);
        let header = lines[..range.start].join("\n");
        let signature = lines[range.end..].join("\n");
        let input = format!("{header}\n{changed}\n{signature}\n");
        let outcome = verify(input.as_bytes(), &KEYRING);
        prop_assert_eq!(outcome.as_str(), "bad");
    }

    /// Never a panic on arbitrary bytes after a valid header.
    #[test]
    fn arbitrary_input_gives_an_outcome(tail in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut input = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n".to_vec();
        input.extend_from_slice(&tail);
        let outcome = verify(&input, &KEYRING);
        prop_assert!(matches!(outcome.as_str(), "malformed" | "bad" | "unknown_key" | "valid"));
    }
}
