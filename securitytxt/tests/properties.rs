//! Property tests: the parser is total and keeps its invariants; the writer round-trips.

mod common;

use common::{assert_spans_inside, now};
use proptest::prelude::*;
use securitytxt::{Builder, FieldKind, LineEnding, LineKind, Options};

/// Invariants of any parse: spans inside the input, lines numbered 1, 2, 3... in order.
fn assert_invariants(input: &[u8]) {
    let doc = match securitytxt::parse(input) {
        Ok(doc) => doc,
        Err(_) => {
            assert!(input.len() > securitytxt::limits::MAX_FILE_SIZE);
            return;
        }
    };
    for (i, line) in doc.lines().iter().enumerate() {
        assert_eq!(line.number as usize, i + 1);
        assert!(line.span.start <= line.span.end && line.span.end <= input.len());
        if let LineKind::Field(f) = &line.kind {
            assert!(!f.name.is_empty() && !f.value.is_empty());
        }
    }
    let diags = securitytxt::validate(&doc, &Options::new(now()));
    assert_spans_inside(input, &diags);
    if let Some(parts) = doc.signature() {
        assert!(parts.cleartext.len() <= input.len());
        assert!(parts.armored_signature.len() <= input.len());
    }
}

/// Bytes that look a little like a security.txt, to reach deeper into the grammar.
fn fragments() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        "Contact: ",
        "Expires: ",
        "mailto:",
        "https://",
        "2027-01-01T00:00:00Z",
        "#",
        ":",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "- ",
        "-----BEGIN PGP SIGNED MESSAGE-----\n",
        "Hash: SHA256\n",
        "-----BEGIN PGP SIGNATURE-----\n",
        "-----END PGP SIGNATURE-----\n",
        "Preferred-Languages: ",
        "en,",
        "%",
        "@",
        "\u{feff}",
        "\u{e9}",
        "\u{0}",
        "CSAF: ",
        "Canonical: ",
    ]);
    prop::collection::vec(
        prop_oneof![
            pieces.prop_map(|s| s.as_bytes().to_vec()),
            any::<u8>().prop_map(|b| vec![b])
        ],
        0..80,
    )
    .prop_map(|v| v.concat())
}

/// A value the writer can write: printable, no surrounding whitespace.
fn value() -> impl Strategy<Value = String> {
    "[!-~]([ -~\u{e9}\u{4e2d}]{0,30}[!-~])?"
}

fn known_kind() -> impl Strategy<Value = FieldKind> {
    prop::sample::select(FieldKind::KNOWN.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parse_is_total_on_arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..2048)) {
        assert_invariants(&input);
    }

    #[test]
    fn parse_is_total_on_security_txt_like_input(input in fragments()) {
        assert_invariants(&input);
    }

    #[test]
    fn writer_output_parses_back_to_the_same_document(
        comments in prop::collection::vec("[ -~]{0,40}", 0..4),
        fields in prop::collection::vec((known_kind(), value()), 0..12),
        extensions in prop::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,20}", value()), 0..4),
        crlf in any::<bool>(),
    ) {
        let mut builder = Builder::new().line_ending(if crlf { LineEnding::CrLf } else { LineEnding::Lf });
        for c in &comments {
            builder = builder.comment(c.clone());
        }
        for (kind, v) in &fields {
            let v = if *kind == FieldKind::Expires { "2027-01-01T00:00:00Z".to_owned() } else { v.clone() };
            builder = builder.field(kind.name(), v);
        }
        for (name, v) in &extensions {
            builder = builder.field(name.clone(), v.clone());
        }
        let text = builder.build().unwrap();
        let doc = securitytxt::parse(text.as_bytes()).unwrap();
        // No syntax findings: every line is a comment or a well-formed field.
        prop_assert!(doc.syntax_diagnostics().is_empty(), "{:?}\n{text}", doc.syntax_diagnostics());
        prop_assert_eq!(doc.lines().len(), comments.len() + fields.len() + extensions.len());
        // The same document: rebuilding from the parse gives the same text.
        prop_assert_eq!(Builder::from_document(&doc).line_ending(if crlf { LineEnding::CrLf } else { LineEnding::Lf }).build().unwrap(), text.clone());
        // The fields, in the writer's order, with the values given.
        let written: Vec<(FieldKind, String)> = doc.fields().map(|f| (f.kind, f.value.to_string())).collect();
        let mut expected: Vec<(FieldKind, String)> = fields
            .iter()
            .map(|(k, v)| (*k, if *k == FieldKind::Expires { "2027-01-01T00:00:00Z".to_owned() } else { v.clone() }))
            .chain(extensions.iter().map(|(n, v)| (FieldKind::from_name(n), v.clone())))
            .collect();
        expected.sort_by_key(|(k, _)| FieldKind::KNOWN.iter().position(|x| x == k).unwrap_or(FieldKind::KNOWN.len()));
        prop_assert_eq!(written, expected);
    }
}

#[test]
fn builder_output_is_valid_when_the_values_are() {
    let now = now();
    let text = Builder::new()
        .comment("security contacts of example.com")
        .policy("https://example.com/policy")
        .contact("mailto:security@example.com")
        .expires(now + chrono::TimeDelta::days(180))
        .encryption("https://example.com/key.asc")
        .preferred_languages(["en", "nl"])
        .canonical("https://example.com/.well-known/security.txt")
        .hiring("https://example.com/jobs")
        .acknowledgments("https://example.com/thanks")
        .csaf("https://example.com/.well-known/csaf/provider-metadata.json")
        .build()
        .unwrap();
    let diags = securitytxt::check(text.as_bytes(), &Options::new(now));
    assert_eq!(
        diags.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(),
        ["not_signed"]
    );
    let order: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "Contact",
            "Expires",
            "Encryption",
            "Acknowledgments",
            "Preferred-Languages",
            "Canonical",
            "Policy",
            "Hiring",
            "CSAF"
        ]
    );
}

#[test]
fn builder_refuses_what_it_cannot_write() {
    for b in [
        Builder::new().contact("mailto:a@example.com\nExpires: never"),
        Builder::new().contact(""),
        Builder::new().contact(" mailto:a@example.com"),
        Builder::new().field("Bad Name", "x"),
        Builder::new().field("#comment", "x"),
        Builder::new().field("Expires", "tomorrow"),
        Builder::new().comment("two\rlines"),
    ] {
        assert!(
            matches!(b.build(), Err(securitytxt::Error::InvalidValue { .. })),
            "{b:?}"
        );
    }
}
