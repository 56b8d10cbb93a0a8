//! OpenPGP cleartext verification of a security.txt over arbitrary bytes, with a fixed keyring
//! (the two test keys of `securitytxt/tests/data/signed`).
//!
//! Asserts: `verify` returns one of its outcomes and is deterministic; the outcome's line lies
//! within the input; its diagnostic (if any) has the documented code and a span within the
//! input; `canonical_signed_text` agrees with `verify` on unsigned and badly framed files; a
//! valid signature names a key of the keyring; and the parser's view of the signed text
//! (`SignedParts::canonical_text`) equals the verifier's whenever both see a signed file (except
//! for the documented handling of doubled carriage returns).
#![no_main]

use libfuzzer_sys::fuzz_target;
use securitytxt::verify::{Keyring, Outcome, canonical_signed_text, verify};
use std::sync::OnceLock;

static KEYRING: &[u8] = include_bytes!("../../securitytxt/tests/data/signed/keyring-ab.asc");

fn keyring() -> &'static Keyring {
    static K: OnceLock<Keyring> = OnceLock::new();
    K.get_or_init(|| Keyring::from_armored(KEYRING).expect("the test keyring reads"))
}

fuzz_target!(|data: &[u8]| {
    let keys = keyring();
    let outcome = verify(data, keys);
    assert!(matches!(
        outcome.as_str(),
        "unsigned" | "valid" | "bad" | "unknown_key" | "malformed"
    ));
    assert_eq!(verify(data, keys), outcome, "verification is deterministic");
    assert!(!outcome.message().is_empty());

    let lines = data.split(|&b| b == b'\n').count().max(1);
    match outcome.line() {
        None => assert!(matches!(outcome, Outcome::Unsigned)),
        Some(line) => assert!(
            line >= 1 && line <= lines,
            "line {line} of {lines}: {outcome:?}"
        ),
    }
    match outcome.diagnostic(data) {
        None => assert!(matches!(outcome, Outcome::Unsigned | Outcome::Valid(_))),
        Some(d) => {
            assert_eq!(Some(d.code.as_str()), outcome.diagnostic_code());
            if let Some(span) = d.span {
                assert!(span.start <= span.end && span.end <= data.len(), "{span:?}");
                assert_eq!(Some(span.line as usize), outcome.line());
            }
        }
    }
    if let Outcome::Valid(v) = &outcome {
        let fingerprints = keys.fingerprints();
        assert!(fingerprints.contains(&v.primary_fingerprint), "{v:?}");
    }

    let canonical = canonical_signed_text(data);
    match &canonical {
        Ok(None) => assert!(matches!(outcome, Outcome::Unsigned), "{outcome:?}"),
        Ok(Some(_)) => assert!(!matches!(outcome, Outcome::Unsigned)),
        Err((reason, line)) => assert_eq!(
            outcome,
            Outcome::Malformed {
                reason: reason.clone(),
                line: *line
            }
        ),
    }
    // Known, documented difference (securitytxt/tests/verify_gpg.rs): before a line feed the
    // verifier strips every carriage return, as gpg does, while the parser keeps all but one
    // and reports `too_many_line_separators`; such input is left out of the comparison.
    let doubled_cr = data.windows(2).any(|w| w == b"\r\r");
    if let (false, Ok(doc), Ok(Some(ours))) = (doubled_cr, securitytxt::parse(data), &canonical)
        && let Some(parts) = doc.signature()
    {
        assert_eq!(
            &parts.canonical_text(),
            ours,
            "parser and verifier disagree"
        );
    }
});
