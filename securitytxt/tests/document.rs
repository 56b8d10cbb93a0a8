//! The parsed document: lines, spans, signed parts, owned form, contact view.

mod common;

use common::{VALID, signed};
use securitytxt::{ContactKind, FieldKind, LineKind};
use std::borrow::Cow;

#[test]
fn every_line_is_kept_with_its_span() {
    let input = "# hello\r\n\r\nContact:  mailto:a@example.com  \r\nnonsense\n";
    let doc = securitytxt::parse(input.as_bytes()).unwrap();
    let lines = doc.lines();
    assert_eq!(lines.len(), 4);
    assert!(matches!(&lines[0].kind, LineKind::Comment(c) if c == "# hello"));
    assert_eq!(lines[1].kind, LineKind::Blank);
    assert!(matches!(lines[3].kind, LineKind::Invalid(_)));
    let LineKind::Field(f) = &lines[2].kind else {
        panic!("a field")
    };
    assert_eq!(
        (f.kind, &*f.name, &*f.value),
        (FieldKind::Contact, "Contact", "mailto:a@example.com")
    );
    assert_eq!(
        &input[f.value_span.start..f.value_span.end],
        "mailto:a@example.com"
    );
    assert_eq!(&input[f.name_span.start..f.name_span.end], "Contact");
    assert_eq!((f.value_span.line, f.value_span.column), (3, 11));
    assert_eq!(
        lines.iter().map(|l| l.number).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    // borrowed, not copied
    assert!(matches!(f.value, Cow::Borrowed(_)));
}

#[test]
fn signed_parts_for_verification() {
    let input = signed(&format!(
        "{VALID}- -----not a delimiter\nCanonical: https://example.com/.well-known/security.txt\n"
    ));
    let doc = securitytxt::parse(input.as_bytes()).unwrap();
    assert!(doc.is_signed());
    let parts = doc.signature().unwrap();
    assert_eq!(parts.hash_algorithms, ["SHA256"]);
    let expected = format!(
        "{VALID}-----not a delimiter\nCanonical: https://example.com/.well-known/security.txt"
    );
    assert_eq!(parts.cleartext_str(), expected);
    assert_eq!(
        parts.canonical_text(),
        expected.replace('\n', "\r\n").into_bytes()
    );
    assert!(
        parts
            .armored_signature_str()
            .starts_with("-----BEGIN PGP SIGNATURE-----\n")
    );
    assert!(
        parts
            .armored_signature_str()
            .ends_with("=Ergz\n-----END PGP SIGNATURE-----")
    );
    assert_eq!(parts.span.start, 0);
    assert_eq!(parts.span.end, input.trim_end().len());
    assert_eq!(parts.cleartext_span.line, 4);
    // the dash-escaped line is parsed without its "- "
    assert!(
        doc.lines().iter().any(
            |l| matches!(&l.kind, LineKind::Comment(_) | LineKind::Invalid(_)) && l.number == 7
        )
    );
    assert_eq!(doc.fields_of(FieldKind::Canonical).count(), 1);
}

#[test]
fn signed_parts_with_crlf_and_several_hashes() {
    let input = signed(VALID)
        .replace("Hash: SHA256", "Hash: SHA256, SHA512")
        .replace('\n', "\r\n");
    let doc = securitytxt::parse(input.as_bytes()).unwrap();
    let parts = doc.signature().unwrap();
    assert_eq!(parts.hash_algorithms, ["SHA256", "SHA512"]);
    assert_eq!(
        parts.cleartext_str(),
        VALID.trim_end().replace('\n', "\r\n")
    );
    assert!(matches!(parts.cleartext, Cow::Borrowed(_)));
}

#[test]
fn no_signed_parts_when_the_framing_is_incomplete() {
    let input = signed(VALID).replace("-----END PGP SIGNATURE-----\n", "");
    let doc = securitytxt::parse(input.as_bytes()).unwrap();
    assert!(doc.is_signed());
    assert!(doc.signature().is_none());
    assert!(
        securitytxt::parse(VALID.as_bytes())
            .unwrap()
            .signature()
            .is_none()
    );
}

#[test]
fn owned_form_equals_the_borrowed_one() {
    let input = signed(VALID);
    let doc = securitytxt::parse(input.as_bytes()).unwrap();
    let owned: securitytxt::OwnedDocument = doc.clone().into_owned();
    let debug = format!("{:?}", doc.lines()).replace("Borrowed", "Owned");
    drop(doc);
    drop(input);
    assert_eq!(owned.fields().count(), 3);
    assert_eq!(owned.signature().unwrap().hash_algorithms, ["SHA256"]);
    assert_eq!(
        owned.expires().map(|t| t.to_rfc3339()),
        Some("2027-06-01T00:00:00+00:00".to_owned())
    );
    assert_eq!(format!("{:?}", owned.lines()), debug);
}

#[test]
fn contact_view_ranks_contacts() {
    let input = "Contact: tel:+31-20-555-0100\n\
                 Contact: https://example.com/report\n\
                 Contact: bare@example.com\n\
                 Contact: mailto:security%2Bweb@example.com?subject=hi\n\
                 Contact: mailto:a@example.com,b@example.com\n\
                 Contact: http://example.com/insecure\n\
                 Contact: javascript:alert(1)\n\
                 Preferred-Languages: nl, en, klingon-language\n\
                 Encryption: https://example.com/key.asc\n\
                 Encryption: openpgp4fpr:ABCDEF\n";
    let doc = securitytxt::parse(input.as_bytes()).unwrap();
    let view = doc.contact_view();
    let got: Vec<(ContactKind, &str, u32, bool)> = view
        .contacts
        .iter()
        .map(|c| (c.kind, &*c.address, c.line, c.flagged))
        .collect();
    assert_eq!(
        got,
        [
            (ContactKind::Email, "security+web@example.com", 4, false),
            (ContactKind::Email, "a@example.com", 5, false),
            (ContactKind::Email, "b@example.com", 5, false),
            (ContactKind::Email, "bare@example.com", 3, true),
            (ContactKind::Web, "https://example.com/report", 2, false),
            (ContactKind::Phone, "+31-20-555-0100", 1, false),
        ]
    );
    assert_eq!(view.first_email(), Some("security+web@example.com"));
    assert_eq!(view.preferred_languages, ["nl", "en"]);
    assert_eq!(
        view.encryption,
        ["https://example.com/key.asc", "openpgp4fpr:ABCDEF"]
    );
}

#[test]
fn field_typed_values() {
    let input = format!("{VALID}Preferred-Languages: en , nl\n");
    let doc = securitytxt::parse(input.as_bytes()).unwrap();
    let langs: Vec<&str> = doc
        .fields_of(FieldKind::PreferredLanguages)
        .flat_map(|f| f.languages())
        .collect();
    assert_eq!(langs, ["en", "nl"]);
    let contact = doc.fields_of(FieldKind::Contact).next().unwrap();
    assert_eq!(contact.uri().unwrap().unwrap().scheme, "mailto");
    assert!(contact.expires().is_none());
}
