//! Hostile and broken input: diagnostics with positions, never a panic.

mod common;

use common::{VALID, assert_spans_inside, check, summary};
use securitytxt::limits::MAX_LINE_LENGTH;
use securitytxt::{Code, Severity};

fn codes(input: &[u8]) -> Vec<(&'static str, Severity, Option<u32>)> {
    let diags = check(input);
    assert_spans_inside(input, &diags);
    summary(&diags)
}

#[test]
fn empty_file() {
    let found = codes(b"");
    assert_eq!(
        found,
        [
            ("no_contact", Severity::Error, None),
            ("no_expire", Severity::Error, None),
            ("not_signed", Severity::Recommendation, None)
        ]
    );
    let doc = securitytxt::parse(b"").unwrap();
    assert!(doc.lines().is_empty());
}

#[test]
fn html_page() {
    let page = b"<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>404: Not Found</title></head>\n<body>\n<p>Page not found: try https://example.com/</p>\n</body>\n</html>\n";
    let found = codes(page);
    for line in 1..=7 {
        assert!(
            found.contains(&("invalid_line", Severity::Error, Some(line))),
            "line {line}: {found:?}"
        );
    }
    assert!(found.contains(&("no_contact", Severity::Error, None)));
}

#[test]
fn binary_junk() {
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let found = codes(&junk);
    assert!(
        found
            .iter()
            .any(|f| f.1 == Severity::Error && f.2.is_some()),
        "{found:?}"
    );
    let zeros = vec![0u8; MAX_LINE_LENGTH + 1000];
    let found = codes(&zeros);
    assert!(found.contains(&("line_too_long", Severity::Error, Some(1))));
    assert!(found.contains(&("control_char", Severity::Error, Some(1))));
}

#[test]
fn invalid_utf8_has_a_position() {
    let mut input = VALID.as_bytes().to_vec();
    input.extend_from_slice(b"Policy: https://example.com/\xFF\xFE\n");
    let diags = check(&input);
    let d = diags.iter().find(|d| d.code == Code::Utf8).unwrap();
    let span = d.span.unwrap();
    assert_eq!((span.line, span.column), (4, 29));
    assert_eq!(input.get(span.start), Some(&0xFF));
}

#[test]
fn byte_order_mark() {
    let input = format!("\u{feff}{VALID}");
    let found = codes(input.as_bytes());
    assert!(found.contains(&("bom_in_file", Severity::Error, Some(1))));
    // the fields after the BOM are still read
    assert!(!found.iter().any(|f| f.0 == "no_contact"));
    assert!(securitytxt::parse(input.as_bytes()).unwrap().has_bom());
}

#[test]
fn bare_cr_line_endings() {
    let mac = VALID.replace('\n', "\r");
    let found = codes(mac.as_bytes());
    assert!(found.contains(&("bare_cr", Severity::Error, Some(1))));
    assert!(found.contains(&("no_line_separators", Severity::Error, Some(1))));
}

#[test]
fn long_lines() {
    // RFC 9116 section 5.4: fields up to 2,048 characters must be read.
    let line = format!("Policy: https://example.com/{}\n", "a".repeat(2000));
    let found = codes(format!("{VALID}{line}").as_bytes());
    assert_eq!(found, [("not_signed", Severity::Recommendation, None)]);
    let line = format!(
        "Policy: https://example.com/{}\n",
        "a".repeat(MAX_LINE_LENGTH)
    );
    let found = codes(format!("{VALID}{line}").as_bytes());
    assert!(
        found.contains(&("line_too_long", Severity::Error, Some(4))),
        "{found:?}"
    );
    let comment = format!("# {}\n", "x".repeat(MAX_LINE_LENGTH));
    assert!(codes(format!("{comment}{VALID}").as_bytes()).contains(&(
        "line_too_long",
        Severity::Error,
        Some(1)
    )));
}

#[test]
fn many_lines() {
    let mut input = String::from(VALID);
    for i in 0..1500 {
        input.push_str(&format!("# comment {i}\n"));
    }
    input.push_str("oops\n");
    let found = codes(input.as_bytes());
    assert_eq!(
        found,
        [
            ("invalid_line", Severity::Error, Some(1504)),
            ("not_signed", Severity::Recommendation, None)
        ]
    );
}

#[test]
fn absurd_numbers_in_expires() {
    for value in [
        "99999999999999999999-01-01T00:00:00Z",
        "9999-99-99T99:99:99Z",
        "2027-01-01T00:00:00+99:99",
        "9999-12-31T23:59:59-23:59",
        "0000-01-01T00:00:00+23:59",
        "-2027-01-01T00:00:00Z",
        "+2027-01-01T00:00:00Z",
        "2027-01-01T00:00:00\u{ff10}Z",
    ] {
        let input = format!("Contact: mailto:a@example.com\nExpires: {value}\n");
        let found = codes(input.as_bytes());
        assert!(
            found.iter().any(
                |f| matches!(f.0, "invalid_expiry" | "expired" | "long_expiry") && f.2 == Some(2)
            ),
            "{value}: {found:?}"
        );
    }
    // Any number of fraction digits is RFC 3339; the extra ones are ignored.
    let long_fraction =
        "Contact: mailto:a@example.com\nExpires: 2027-01-01T00:00:00.99999999999999999999999999Z\n";
    assert!(securitytxt::is_valid(&check(long_fraction)));
}

#[test]
fn nested_and_broken_envelopes() {
    for input in [
        "-----BEGIN PGP SIGNED MESSAGE-----\n",
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n",
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n-----BEGIN PGP SIGNATURE-----\n",
        "-----BEGIN PGP SIGNED MESSAGE-----\n-----BEGIN PGP SIGNED MESSAGE-----\n\n",
        "-----END PGP SIGNATURE-----\n-----BEGIN PGP SIGNATURE-----\n",
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: \n\n- \n- - \n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----",
    ] {
        let found = codes(input.as_bytes());
        assert!(
            found.iter().any(|f| f.1 == Severity::Error),
            "{input:?}: {found:?}"
        );
    }
}
