//! One hand-written case per rule: the code, its severity and its line.

mod common;

use common::{VALID, check, now, signed, summary};
use securitytxt::{Code, Options, Severity};

const E: Severity = Severity::Error;
const R: Severity = Severity::Recommendation;
const N: Severity = Severity::Notice;

/// Asserts that checking `input` reports `code` with `severity` on `line`.
#[track_caller]
fn expect(input: &str, code: &str, severity: Severity, line: Option<u32>) {
    let diags = check(input);
    let found = summary(&diags);
    assert!(
        found.contains(&(code, severity, line)),
        "expected {code} ({severity}) on line {line:?} in:\n{input}\nfound: {found:?}"
    );
    assert_eq!(
        securitytxt::is_valid(&diags),
        !found.iter().any(|f| f.1 == E)
    );
}

#[test]
fn a_valid_file_has_only_the_signing_recommendation() {
    let diags = check(VALID);
    assert_eq!(summary(&diags), [("not_signed", R, None)]);
    assert!(securitytxt::is_valid(&diags));
}

#[test]
fn required_fields() {
    expect("Expires: 2027-06-01T00:00:00Z\n", "no_contact", E, None);
    expect("Contact: mailto:a@example.com\n", "no_expire", E, None);
    expect(
        &format!("{VALID}Expires: 2027-06-02T00:00:00Z\n"),
        "multi_expire",
        E,
        Some(4),
    );
}

#[test]
fn expires_rules() {
    let with = |v: &str| format!("Contact: mailto:a@example.com\nExpires: {v}\n");
    expect(&with("2027-06-01 00:00:00Z"), "invalid_expiry", E, Some(2));
    expect(
        &with("2027-06-01T00:00:00+24:00"),
        "invalid_expiry",
        E,
        Some(2),
    );
    expect(
        &with("Tue, 1 Jun 2027 00:00:00 GMT"),
        "invalid_expiry",
        E,
        Some(2),
    );
    expect(&with("2026-11-23T00:00:00Z"), "expired", E, Some(2));
    expect(&with("2020-01-01T00:00:00Z"), "expired", E, Some(2));
    expect(&with("2027-11-23T00:00:01Z"), "long_expiry", R, Some(2));
    let exactly_a_year = check(with("2027-11-23T00:00:00Z"));
    assert!(
        !summary(&exactly_a_year)
            .iter()
            .any(|d| d.0 == "long_expiry")
    );
    let msg = check(with("2027-06-01 00:00:00Z"));
    assert!(
        msg.iter().any(|d| d.message.contains("'T'")),
        "hint to write T: {msg:?}"
    );
}

#[test]
fn uri_rules() {
    let with = |f: &str| format!("{VALID}{f}\n");
    expect(
        &with("Policy: www.example.com/policy"),
        "no_uri",
        E,
        Some(4),
    );
    expect(
        &with("Policy: http://example.com/policy"),
        "no_https",
        E,
        Some(4),
    );
    expect(
        &with("Policy: https://example.com/%zz"),
        "invalid_uri",
        E,
        Some(4),
    );
    expect(
        &with("Policy: https://example.com/a b"),
        "invalid_uri",
        E,
        Some(4),
    );
    expect(&with("Policy: https:///nohost"), "invalid_uri", E, Some(4));
    expect(&with("Contact: mailto:nobody"), "invalid_uri", E, Some(4));
    expect(
        &with("Contact: https://a.example/ https://b.example/"),
        "multiple_uris",
        E,
        Some(4),
    );
    expect(
        &with("Contact: https://a.example/,https://b.example/"),
        "multiple_uris",
        E,
        Some(4),
    );
    // The second URI in the authority (a host "a.example,https" with port 443), in a query
    // and in a fragment: each is found.
    expect(
        &with("Contact: https://a.example,https:443"),
        "multiple_uris",
        E,
        Some(4),
    );
    expect(
        &with("Policy: https://a.example/p?x;mailto:b@example.com"),
        "multiple_uris",
        E,
        Some(4),
    );
    expect(
        &with("Policy: https://a.example/p#x|https://b.example/"),
        "invalid_uri",
        E,
        Some(4),
    );
    expect(
        &with("Policy: https://a.example/p#x,http://b.example/"),
        "multiple_uris",
        E,
        Some(4),
    );
    expect(
        &with("Policy: javascript:alert(1)"),
        "unsafe_scheme",
        E,
        Some(4),
    );
    expect(
        &with("Policy: data:text/html,<b>x</b>"),
        "unsafe_scheme",
        E,
        Some(4),
    );
    // sectxt test_no_uri: a bare address is `no_uri` (the error); `bare_email` is our hint.
    expect(&with("Contact: security@example.com"), "no_uri", E, Some(4));
    expect(
        &with("Contact: security@example.com"),
        "bare_email",
        N,
        Some(4),
    );
    let hint = check(with("Contact: security@example.com"));
    assert!(
        hint.iter()
            .any(|d| d.message.contains("mailto:security@example.com"))
    );
}

#[test]
fn a_url_inside_a_query_is_one_uri() {
    let file = format!("{VALID}Policy: https://example.com/r?to=https://example.org/x\n");
    assert_eq!(summary(&check(file)), [("not_signed", R, None)]);
}

#[test]
fn line_syntax_rules() {
    let with = |f: &str| format!("{VALID}{f}\n");
    expect(
        &with("Policy : https://example.com/"),
        "prec_ws",
        E,
        Some(4),
    );
    expect(&with("Policy:https://example.com/"), "no_space", E, Some(4));
    expect(&with(": https://example.com/"), "empty_key", E, Some(4));
    expect(&with("Policy:"), "empty_value", E, Some(4));
    expect(&with("Policy:    "), "empty_value", E, Some(4));
    expect(
        &with("this line is not a field"),
        "invalid_line",
        E,
        Some(4),
    );
    expect(
        &with("<html><body>Not found</body></html>"),
        "invalid_line",
        E,
        Some(4),
    );
    expect(
        &with("Policy Page: https://example.com/"),
        "invalid_field_name",
        E,
        Some(4),
    );
    expect(
        &with("  Policy: https://example.com/"),
        "invalid_field_name",
        E,
        Some(4),
    );
    expect(
        &with("Pol\u{e9}cy: https://example.com/"),
        "invalid_field_name",
        E,
        Some(4),
    );
    expect(
        &with("Policy: https://example.com/\u{1}"),
        "control_char",
        E,
        Some(4),
    );
}

#[test]
fn line_ending_rules() {
    expect(VALID.trim_end(), "no_line_separators", E, Some(3));
    expect(
        &format!("{VALID}# note\r\r\n"),
        "too_many_line_separators",
        E,
        Some(4),
    );
    expect(&format!("{VALID}# one\rtwo\n"), "bare_cr", E, Some(4));
    let crlf = VALID.replace('\n', "\r\n");
    assert_eq!(summary(&check(crlf)), [("not_signed", R, None)]);
}

#[test]
fn encoding_rules() {
    let mut bad = VALID.as_bytes().to_vec();
    bad.extend_from_slice(b"# caf\xE9\n");
    let diags = check(&bad);
    let utf8 = diags
        .iter()
        .find(|d| d.code == Code::Utf8)
        .expect("utf8 reported");
    assert_eq!((utf8.severity, utf8.line()), (E, Some(4)));
    assert_eq!(utf8.span.map(|s| s.column), Some(6));
    expect(&format!("\u{feff}{VALID}"), "bom_in_file", E, Some(1));
}

#[test]
fn signed_file_rules() {
    let ok = signed(&format!(
        "{VALID}Canonical: https://example.com/.well-known/security.txt\n"
    ));
    assert_eq!(summary(&check(&ok)), []);
    expect(&signed(VALID), "no_canonical", R, None);
    expect(
        &format!("# comment\n{}", signed(VALID)),
        "signed_format_issue",
        E,
        Some(2),
    );
    expect(
        &format!("{}Contact: mailto:x@example.com\n", signed(VALID)),
        "data_after_sig",
        E,
        Some(14),
    );
    let unterminated = signed(VALID).replace("-----END PGP SIGNATURE-----\n", "");
    expect(&unterminated, "pgp_data_error", E, Some(12));
    let no_hash = signed(VALID).replace("Hash: SHA256\n", "");
    expect(&no_hash, "missing_hash_header", E, Some(2));
    let bad_armor = signed(VALID).replace("=Ergz", "not armor!");
    expect(&bad_armor, "pgp_data_error", E, Some(12));
    let undashed = signed(&format!("{VALID}-not escaped\n"));
    expect(&undashed, "signed_format_issue", E, Some(7));
    expect(
        &format!("{VALID}-----BEGIN PGP SIGNATURE-----\n\n=AbCd\n-----END PGP SIGNATURE-----\n"),
        "signed_format_issue",
        E,
        Some(4),
    );
    expect(VALID, "not_signed", R, None);
}

#[test]
fn signature_packets_are_read_without_a_key() {
    let canonical = format!("{VALID}Canonical: https://example.com/.well-known/security.txt\n");
    let ok = signed(&canonical);
    assert_eq!(summary(&check(&ok)), []);
    // A radix-64 line cut short: framed well, but the packet does not read.
    let cut = ok.replace(
        "LmV4YW1wbGUACgkQ9MI8bH2Je+P6SAD7BDhcWm2KwftnyedtqfwrQ93a0otvHZqf\n",
        "LmV4YW1wbGUACgkQ9MI8\n",
    );
    assert_eq!(summary(&check(&cut)), [("pgp_error", E, Some(8))]);
    // Not radix-64 at all, without a checksum line (the armor footer cannot be found).
    let fake = ok.replace(
        common::SIGNATURE_BLOCK,
        "-----BEGIN PGP SIGNATURE-----\n\nnot+a+signature\n-----END PGP SIGNATURE-----\n",
    );
    assert_eq!(summary(&check(&fake)), [("pgp_error", E, Some(8))]);
    // The header must list the signature's hash.
    let other_hash = ok.replace("Hash: SHA256", "Hash: SHA512");
    let d = check(&other_hash);
    assert_eq!(summary(&d), [("pgp_error", E, Some(8))]);
    assert!(d[0].message.contains("SHA256"), "{}", d[0].message);
    // A block the parser already found broken is reported once, as pgp_data_error.
    let bad_armor = ok.replace("=Ergz", "not armor!");
    assert_eq!(
        summary(&check(&bad_armor)),
        [("pgp_data_error", E, Some(13))]
    );
    // The key id without any key.
    let doc = securitytxt::parse(ok.as_bytes()).unwrap();
    let info = securitytxt::verify::inspect_signature(doc.signature().unwrap()).unwrap();
    assert_eq!(info.key_id, "F4C23C6C7D897BE3");
    assert_eq!(info.signatures, 1);
}

#[test]
fn blank_lines_after_the_signature() {
    let canonical = format!("{VALID}Canonical: https://example.com/.well-known/security.txt\n");
    let ok = signed(&canonical);
    // sectxt test_too_many_final_newlines_signed: one more line feed at the end.
    let blank = format!("{ok}\n");
    assert_eq!(
        summary(&check(&blank)),
        [("too_many_line_separators", E, Some(15))]
    );
    let blanks = format!("{ok}\n \n\t\n");
    assert_eq!(
        summary(&check(&blanks)),
        [("too_many_line_separators", E, Some(15))]
    );
    // Lenient mode: a recommendation, the file is valid.
    let lenient = securitytxt::check(blank.as_bytes(), &Options::new(now()).lenient());
    assert_eq!(
        summary(&lenient),
        [("too_many_line_separators", R, Some(15))]
    );
    assert!(securitytxt::is_valid(&lenient));
    // A doubled CR inside the file stays an error in lenient mode.
    let cr = securitytxt::check(
        format!("{VALID}# x\r\r\n").as_bytes(),
        &Options::new(now()).lenient(),
    );
    assert!(summary(&cr).contains(&("too_many_line_separators", E, Some(4))));
    // Unsigned files may end with blank lines.
    assert_eq!(
        summary(&check(format!("{VALID}\n\n"))),
        [("not_signed", R, None)]
    );
}

#[test]
fn ip_literals_are_ipv6_or_ipvfuture() {
    let with = |f: &str| format!("{VALID}{f}\n");
    for good in [
        "https://[2001:db8::1]/",
        "https://[::1]:8443/",
        "https://[::ffff:192.0.2.1]/",
        "https://[v1.fe80::a+en1]/",
        "https://[V7.x]/",
    ] {
        assert_eq!(
            summary(&check(with(&format!("Policy: {good}")))),
            [("not_signed", R, None)],
            "{good}"
        );
    }
    for bad in [
        "https://[A]/",
        "https://[:]/",
        "https://[.]/",
        "https://[]/",
        "https://[v1]/",
        "https://[v.x]/",
        "https://[vx.y]/",
        "https://[fe80::1%25en0]/",
        "https://[1:2:3:4:5:6:7:8:9]/",
        "https://[::1.2.3.04]/",
        "https://[12345::]/",
    ] {
        expect(&with(&format!("Policy: {bad}")), "invalid_uri", E, Some(4));
    }
}

#[test]
fn mailto_addresses_are_addr_specs() {
    let with = |f: &str| format!("{VALID}{f}\n");
    for bad in [
        "mailto:security@example.com%0D%0ABcc:victim@example.org",
        "mailto:security@example.com%0ABcc:victim@example.org",
        "mailto:security@exa%00mple.com",
        "mailto:a@b@example.com",
        "mailto:security%20team@example.com",
        "mailto:.security@example.com",
        "mailto:security@",
        "mailto:%40example.com",
        "mailto:security@example.com?subject=x%0D%0ABcc:y@example.org",
        "mailto:a@example.com,b@exa%0Dmple.com",
    ] {
        expect(
            &with(&format!("Contact: {bad}")),
            "invalid_mailto",
            E,
            Some(4),
        );
    }
    for good in [
        "mailto:security@example.com",
        "mailto:security%2Buri%2Bencoded@example.com",
        "mailto:%22security%20team%22@example.com",
        "mailto:security@%5B192.0.2.1%5D",
        "mailto:a@example.com,b@example.com",
        "mailto:security@example.com?subject=Report&body=line%0D%0Aline",
    ] {
        assert_eq!(
            summary(&check(with(&format!("Contact: {good}")))),
            [("not_signed", R, None)],
            "{good}"
        );
    }
}

#[test]
fn canonical_must_match_the_fetched_url() {
    let file = format!("{VALID}Canonical: https://Example.COM:443/.well-known/security.txt\n");
    let doc = securitytxt::parse(file.as_bytes()).unwrap();
    let at = |urls: &[&str]| {
        let opts = Options::new(now()).with_fetched_from(urls.iter().copied());
        summary(&securitytxt::validate(&doc, &opts))
    };
    assert!(
        !at(&["https://example.com/.well-known/security.txt"])
            .iter()
            .any(|d| d.0 == "no_canonical_match")
    );
    assert!(
        !at(&[
            "http://example.com/security.txt",
            "https://EXAMPLE.com/.well-known/security.txt"
        ])
        .iter()
        .any(|d| d.0 == "no_canonical_match")
    );
    assert!(
        at(&["https://example.org/.well-known/security.txt"]).contains(&(
            "no_canonical_match",
            E,
            Some(4)
        ))
    );
    assert!(
        at(&["https://example.com/.well-known/Security.txt"]).contains(&(
            "no_canonical_match",
            E,
            Some(4)
        ))
    );
    assert!(!at(&[]).iter().any(|d| d.0 == "no_canonical_match"));
}

#[test]
fn language_rules() {
    expect(
        &format!("{VALID}Preferred-Languages: en, nl\nPreferred-Languages: de\n"),
        "multi_lang",
        E,
        Some(5),
    );
    expect(
        &format!("{VALID}Preferred-Languages: en, english\n"),
        "invalid_lang",
        E,
        Some(4),
    );
    expect(
        &format!("{VALID}Preferred-Languages: en,,nl\n"),
        "invalid_lang",
        E,
        Some(4),
    );
    assert_eq!(
        summary(&check(format!(
            "{VALID}Preferred-Languages: en, nl-BE, zh-Hant-TW\n"
        ))),
        [("not_signed", R, None)]
    );
}

#[test]
fn csaf_rules() {
    let csaf = "CSAF: https://example.com/.well-known/csaf/provider-metadata.json\n";
    assert_eq!(
        summary(&check(format!("{VALID}{csaf}"))),
        [("not_signed", R, None)]
    );
    expect(
        &format!("{VALID}CSAF: https://example.com/csaf/index.json\n"),
        "no_csaf_file",
        E,
        Some(4),
    );
    expect(
        &format!("{VALID}{csaf}{csaf}"),
        "multiple_csaf_fields",
        R,
        Some(5),
    );
}

#[test]
fn recommendations_and_notices() {
    expect(
        "Contact: mailto:a@example.com\nExpires: 2027-06-01T00:00:00Z\n",
        "no_encryption",
        R,
        None,
    );
    expect(
        &format!("{VALID}Acknowledgements: https://example.com/thanks\n"),
        "unknown_field",
        N,
        Some(4),
    );
    let hints = check(format!(
        "{VALID}Acknowledgements: https://x.example/\nContacts: mailto:b@example.com\nExpiry: 2027-01-01T00:00:00Z\nPreferred-Language: en\nEncryptions: https://x.example/k\nX-Custom: 1\n"
    ));
    let messages: Vec<&str> = hints
        .iter()
        .filter(|d| d.code == Code::UnknownField)
        .map(|d| &*d.message)
        .collect();
    assert_eq!(messages.len(), 6);
    for (m, hint) in messages.iter().zip([
        "Acknowledgments",
        "Contact",
        "Expires",
        "Preferred-Languages",
        "Encryption",
    ]) {
        assert!(m.contains(&format!("did you mean '{hint}'")), "{m}");
    }
    assert!(messages[5].contains("X-Custom") && !messages[5].contains("did you mean"));
    let quiet = Options::new(now()).without_unknown_field_notices();
    let d = securitytxt::check(format!("{VALID}X-Custom: 1\n").as_bytes(), &quiet);
    assert!(!d.iter().any(|d| d.code == Code::UnknownField));
}

#[test]
fn codes_are_stable_and_unique() {
    let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    for c in Code::ALL {
        assert_eq!(Code::from_name(c.as_str()), Some(*c));
    }
    let n = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), n);
    for sectxt in [
        "no_contact",
        "no_expire",
        "multi_expire",
        "invalid_expiry",
        "expired",
        "long_expiry",
        "no_uri",
        "no_https",
        "prec_ws",
        "no_space",
        "empty_key",
        "empty_value",
        "invalid_line",
        "no_line_separators",
        "too_many_line_separators",
        "signed_format_issue",
        "data_after_sig",
        "pgp_data_error",
        "pgp_error",
        "no_canonical_match",
        "multi_lang",
        "invalid_lang",
        "no_csaf_file",
        "multiple_csaf_fields",
        "utf8",
        "bom_in_file",
        "no_encryption",
        "not_signed",
        "no_canonical",
        "unknown_field",
        "location",
    ] {
        assert!(Code::from_name(sectxt).is_some(), "{sectxt}");
    }
    assert_eq!(Code::Location.severity(), E);
    assert_eq!(Code::UnknownField.severity(), N);
    assert_eq!(Code::BareEmail.severity(), N);
    assert_eq!(Code::InvalidMailto.severity(), E);
}

#[test]
fn diagnostics_are_ordered_by_line_with_file_level_last() {
    let diags = check("Policy: http://x.example/\nContact: a@example.com\n");
    let lines: Vec<Option<u32>> = diags.iter().map(|d| d.line()).collect();
    assert_eq!(lines, [Some(1), Some(2), Some(2), None, None, None]);
}
