//! Inputs found by the fuzz targets in `fuzz/` (see FUZZING.md), one named test per finding,
//! with the input inline. Each test asserts what the fuzz target expected.

use securitytxt::limits::MAX_LINE_LENGTH;
use securitytxt::{Builder, parse, verify};

/// `securitytxt_roundtrip`: a comment (or value) long enough that its line passes
/// `MAX_LINE_LENGTH` was written by the builder, and the parser then refused that line
/// (`line_too_long`), so the comment did not come back. The builder must refuse what its parser
/// will not read, or the line must be readable.
#[test]
fn fuzz_writer_never_writes_a_line_its_parser_refuses() {
    let long = "a".repeat(MAX_LINE_LENGTH);
    let builders = [
        Builder::new().comment(long.clone()),
        Builder::new().contact(format!("https://example.com/{long}")),
        Builder::new().field("X-Long", long.clone()),
    ];
    for b in builders {
        if let Ok(text) = b.build() {
            let doc = parse(text.as_bytes()).unwrap();
            assert!(
                doc.syntax_diagnostics().is_empty(),
                "the builder wrote a file its parser refuses: {:?}",
                doc.syntax_diagnostics()
            );
        }
    }
}

/// `securitytxt_verify`: a line holding a bare CR right after the armour header
/// (`"\r\r\n"`). The parser's signed text was `"\r\r\n"`, the verifier's was empty: they must
/// agree on what was signed.
#[test]
fn fuzz_parser_and_verifier_agree_on_a_bare_cr_after_the_header() {
    let input: &[u8] = b"-----BEGIN PGP SIGNED MESSAGE-----\n\r\r\n\n\
        -----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----";
    let ours = verify::canonical_signed_text(input).expect("the framing is complete");
    let doc = parse(input).unwrap();
    let parts = doc.signature().expect("the parser sees the framing too");
    assert_eq!(Some(parts.canonical_text()), ours);
}
