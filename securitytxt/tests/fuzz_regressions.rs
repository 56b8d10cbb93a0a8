//! Inputs found by the fuzz targets in `fuzz/` (see FUZZING.md), one named test per finding,
//! with the input inline. Each test asserts what the fuzz target expected.

use securitytxt::limits::MAX_LINE_LENGTH;
use securitytxt::{Builder, FieldKind, parse, verify};

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

/// `securitytxt_verify` (one-hour campaign, 2026-11-30): `-----BEGIN PGP SIGNATURE-----`
/// followed by a tab. RFC 4880 section 6.2 allows whitespace after an armor line, and the
/// verifier (like gpg) ended the signed text there; the parser wanted the exact line and kept
/// the line and what followed in the signed text (in the campaign's input, up to a later armor
/// line). Every armor line now ignores trailing spaces, tabs and carriage returns in both.
#[test]
fn fuzz_armor_lines_may_end_in_whitespace() {
    let input: &[u8] = b"-----BEGIN PGP SIGNED MESSAGE----- \n\
        Hash: SHA256\n\
        \n\
        Contact: mailto:security@example.com\n\
        -----BEGIN PGP SIGNATURE-----\t\n\
        \n\
        AAAA\n\
        -----END PGP SIGNATURE-----\t \r\n";
    let ours = verify::canonical_signed_text(input)
        .expect("the framing is complete")
        .expect("the file is signed");
    assert_eq!(ours, b"Contact: mailto:security@example.com");
    let doc = parse(input).unwrap();
    let parts = doc.signature().expect("the parser sees the framing too");
    assert_eq!(parts.canonical_text(), ours);
    assert_eq!(&*parts.cleartext, b"Contact: mailto:security@example.com");
    assert!(
        doc.syntax_diagnostics().is_empty(),
        "{:?}",
        doc.syntax_diagnostics()
    );
    assert_eq!(doc.fields_of(FieldKind::Contact).count(), 1);
}
