//! The expectations of the Python `sectxt` package's own unit tests (sectxt 0.9.8,
//! `test/test_sectxt.py`), written as our own inputs and assertions. Each test names the case it
//! follows. Where we differ on purpose the test says so (see the audit table in the README).

mod common;

use common::{SIGNATURE_BLOCK, check, now, summary};
use securitytxt::{Options, Severity, is_valid};

/// A signed file like sectxt's `_signed_example` (with our own real signature packet): every
/// field, an Expires ten days after `now`.
fn signed_example() -> String {
    format!(
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n\
         # Canonical URI\nCanonical: https://example.com/.well-known/security.txt\n\n\
         # Our security address\nContact: mailto:security@example.com\n\n\
         # Our OpenPGP key\nEncryption: https://example.com/pgp-key.txt\n\n\
         # Our security policy\nPolicy: https://example.com/security-policy.html\n\n\
         # Our security acknowledgments page\nAcknowledgments: https://example.com/hall-of-fame.html\n\n\
         # CSAF link\nCSAF: https://example.com/.well-known/csaf/provider-metadata.json\n\n\
         Expires: 2026-12-03T18:37:07z\n{SIGNATURE_BLOCK}"
    )
}

fn count(input: &str, code: &str) -> usize {
    check(input)
        .iter()
        .filter(|d| d.code.as_str() == code)
        .count()
}

fn first_error(input: &str) -> &'static str {
    check(input)
        .iter()
        .find(|d| d.severity == Severity::Error)
        .map_or("", |d| d.code.as_str())
}

#[test]
fn signed_example_is_valid() {
    // test_signed
    let diags = check(signed_example());
    assert!(is_valid(&diags), "{:?}", summary(&diags));
    // test_signed_dash_escaped
    assert!(is_valid(&check(
        signed_example().replace("Expires", "- Expires")
    )));
}

#[test]
fn field_syntax() {
    // test_no_https, test_no_uri
    assert_eq!(
        first_error("Contact: http://example.com/contact\n# Wow"),
        "no_https"
    );
    assert_eq!(first_error("Contact: me@example.com\n# Wow"), "no_uri");
    // test_prec_ws, test_empty_key, test_missing_space, test_missing_value
    assert_eq!(first_error("Contact : mailto:me@example.com\n"), "prec_ws");
    assert_eq!(first_error(": mailto:me@example.com\n"), "empty_key");
    assert_eq!(first_error("Contact:mailto:me@example.com\n"), "no_space");
    assert_eq!(first_error("Contact:\n"), "empty_value");
    // test_empty_key2: a second line with an empty key
    let two = "Contact: mailto:me@example.com\n: mailto:you@example.com\n";
    assert_eq!(count(two, "empty_key"), 1);
}

#[test]
fn expires() {
    // test_future_expires, test_invalid_expires, test_expired
    let at = |v: &str| format!("Contact: mailto:me@example.com\nExpires: {v}\n");
    assert!(summary(&check(at("2035-01-01T00:00:00Z"))).contains(&(
        "long_expiry",
        Severity::Recommendation,
        Some(2)
    )));
    assert_eq!(first_error(&at("Nonsense")), "invalid_expiry");
    assert_eq!(first_error(&at("2020-01-01")), "invalid_expiry");
    assert_eq!(first_error(&at("2020-01-01T00:00:00Z")), "expired");
}

#[test]
fn languages() {
    // test_preferred_languages
    let with = |v: &str| format!("Preferred-Languages: {v}\n");
    assert_eq!(count(&with("English"), "invalid_lang"), 1);
    assert_eq!(count(&with("en, nl, _de"), "invalid_lang"), 1);
    assert_eq!(count(&with("en, nl, de"), "invalid_lang"), 0);
}

#[test]
fn signature_problems() {
    let example = signed_example();
    // test_signed_invalid_pgp, first case: no signature header
    let p1 = example.replace("-----BEGIN PGP SIGNATURE-----", "");
    assert!(!is_valid(&check(&p1)));
    assert_eq!(count(&p1, "pgp_data_error"), 1);
    // second case: a dash-escaped line inside the signature
    let p2 = example.replace(
        "-----BEGIN PGP SIGNATURE-----",
        "-----BEGIN PGP SIGNATURE-----\n- \n",
    );
    assert!(!is_valid(&check(&p2)));
    assert_eq!(count(&p2, "pgp_data_error"), 1);
    // third case: radix-64 lines cut short
    let p3 = example
        .replace(
            "iIgEARYIADAWIQQAG5ZssFTW0wxe75D0wjxsfYl74wUCaw0juRIcYUBmaXh0dXJl",
            "iIgEARYIADAWIQQAG5Zs",
        )
        .replace(
            "LmV4YW1wbGUACgkQ9MI8bH2Je+P6SAD7BDhcWm2KwftnyedtqfwrQ93a0otvHZqf",
            "LmV4YW1wbGUACgkQ9M",
        );
    assert!(!is_valid(&check(&p3)));
    assert_eq!(count(&p3, "pgp_error"), 1);
    // test_multiple_signed_messages
    let twice = example.replace(
        "-----BEGIN PGP SIGNATURE-----",
        "-----BEGIN PGP SIGNATURE-----\n-----BEGIN PGP SIGNATURE-----",
    );
    assert!(!is_valid(&check(&twice)));
    assert_eq!(count(&twice, "pgp_data_error"), 1);
    // test_pgp_signed_formatting
    let late = format!("\r\n{example}");
    assert!(!is_valid(&check(&late)));
    assert!(count(&late, "signed_format_issue") >= 1);
    // test_signed_no_canonical
    let no_canonical = example.replace(
        "Canonical: https://example.com/.well-known/security.txt",
        "",
    );
    assert!(summary(&check(&no_canonical)).contains(&(
        "no_canonical",
        Severity::Recommendation,
        None
    )));
    // test_too_many_final_newlines_signed
    let extra = format!("{example}\n");
    assert!(!is_valid(&check(&extra)));
    assert_eq!(count(&extra, "too_many_line_separators"), 1);
}

#[test]
fn unknown_fields() {
    // test_unknown_fields
    let file = "Expires: 2026-12-03T18:37:07z\nContact: mailto:security@example.com\n\
                Last-updated: 2026-11-20T12:00:00z\nUnknown: value\n\
                Encryption: https://example.com/pgp-key.txt\n";
    let diags = check(file);
    assert!(is_valid(&diags));
    assert_eq!(count(file, "unknown_field"), 2);
    let quiet = securitytxt::check(
        file.as_bytes(),
        &Options::new(now()).without_unknown_field_notices(),
    );
    assert!(is_valid(&quiet));
    assert!(!quiet.iter().any(|d| d.code.as_str() == "unknown_field"));
}

#[test]
fn line_separators() {
    // test_no_line_separators
    let one = "Contact: mailto:security@example.com  Expires: 2026-12-03T18:37:07z  # All on a single line";
    assert!(!is_valid(&check(one)));
    assert_eq!(count(one, "no_line_separators"), 1);
    let four = "line 1\nline 2\nline 3\nContact: mailto:security@example.com  Expires";
    let lines: Vec<_> = check(four)
        .iter()
        .filter(|d| d.code.as_str() == "no_line_separators")
        .map(|d| d.line())
        .collect();
    assert_eq!(lines, [Some(4)]);
}

#[test]
fn csaf() {
    let example = signed_example();
    let csaf = "CSAF: https://example.com/.well-known/csaf/provider-metadata.json";
    // test_csaf_https_uri
    let http = example.replace(csaf, &csaf.replace("https", "http"));
    assert_eq!(count(&http, "no_https"), 1);
    // test_csaf_provider_file
    let other = example.replace(
        csaf,
        &csaf.replace("provider-metadata", "other_provider_name"),
    );
    assert_eq!(count(&other, "no_csaf_file"), 1);
    // test_multiple_csaf_notification
    let two = example.replace(
        "# CSAF link",
        "# CSAF link\nCSAF: https://example2.com/.well-known/csaf/provider-metadata.json",
    );
    assert!(is_valid(&check(&two)));
    assert_eq!(count(&two, "multiple_csaf_fields"), 1);
}

#[test]
fn contact_values() {
    // test_contact_field_properties. Differs on purpose: `mailto:not_a_valid_email` holds no
    // address, which sectxt accepts and we report as invalid_uri (only that line).
    let example = signed_example().replace(
        "Contact: mailto:security@example.com",
        "Contact: mailto:security@example.com\n\
         Contact: mailto:security%2Buri%2Bencoded@example.com\n\
         Contact: mailto:not_a_valid_email\n\
         Contact: tel:+1-201-555-0123\n\
         Contact: https://example.com/security-contact.html",
    );
    let errors: Vec<_> = summary(&check(&example))
        .into_iter()
        .filter(|d| d.1 == Severity::Error)
        .collect();
    assert_eq!(errors, [("invalid_uri", Severity::Error, Some(10))]);
    let doc = securitytxt::parse(example.as_bytes()).unwrap();
    assert_eq!(
        doc.contact_view().first_email(),
        Some("security@example.com")
    );
}

#[test]
fn byte_order_mark() {
    // test_byte_order_mark_parser
    let file = "\u{feff}Contact: mailto:me@example.com\nExpires: 2026-12-03T18:37:07z\n";
    assert!(!is_valid(&check(file)));
    assert_eq!(count(file, "bom_in_file"), 1);
}
