//! The security.txt writer round trip: `parse(build(x))` gives back `x`.
//!
//! A structured input (comments, fields of every kind, line ending) is built with `Builder`.
//! When the builder accepts it, the output must parse without syntax diagnostics, give back the
//! same comments in order and the same fields in the writer's documented order (known kinds in
//! RFC order, each kind in insertion order), and writing the parsed document again must give
//! the same bytes (`build(parse(build(x))) == build(x)`).
#![no_main]

use chrono::{DateTime, TimeZone, Utc};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use securitytxt::{Builder, FieldKind, LineEnding, LineKind, parse};

#[derive(Arbitrary, Debug)]
enum FieldIn {
    Contact(String),
    Expires(i64, u32),
    Encryption(String),
    Acknowledgments(String),
    PreferredLanguages(Vec<String>),
    Canonical(String),
    Policy(String),
    Hiring(String),
    Csaf(String),
    Other(String, String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    comments: Vec<String>,
    fields: Vec<FieldIn>,
    crlf: bool,
}

/// What the parser must give back for one field: kind, name, and the value (or the instant).
#[derive(Debug, PartialEq)]
enum Value {
    Text(String),
    At(DateTime<Utc>),
}

fuzz_target!(|input: Input| {
    let mut b = Builder::new().line_ending(if input.crlf {
        LineEnding::CrLf
    } else {
        LineEnding::Lf
    });
    for c in &input.comments {
        b = b.comment(c.as_str());
    }
    let mut expected: Vec<(FieldKind, String, Value)> = Vec::new();
    for f in input.fields {
        let known =
            |kind: FieldKind, v: &String| (kind, kind.name().to_owned(), Value::Text(v.clone()));
        match f {
            FieldIn::Contact(v) => {
                expected.push(known(FieldKind::Contact, &v));
                b = b.contact(v);
            }
            FieldIn::Expires(secs, nanos) => {
                let Some(at) = Utc.timestamp_opt(secs, nanos % 1_000_000_000).single() else {
                    continue;
                };
                expected.push((FieldKind::Expires, "Expires".to_owned(), Value::At(at)));
                b = b.expires(at);
            }
            FieldIn::Encryption(v) => {
                expected.push(known(FieldKind::Encryption, &v));
                b = b.encryption(v);
            }
            FieldIn::Acknowledgments(v) => {
                expected.push(known(FieldKind::Acknowledgments, &v));
                b = b.acknowledgments(v);
            }
            FieldIn::PreferredLanguages(tags) => {
                expected.push(known(FieldKind::PreferredLanguages, &tags.join(", ")));
                b = b.preferred_languages(&tags);
            }
            FieldIn::Canonical(v) => {
                expected.push(known(FieldKind::Canonical, &v));
                b = b.canonical(v);
            }
            FieldIn::Policy(v) => {
                expected.push(known(FieldKind::Policy, &v));
                b = b.policy(v);
            }
            FieldIn::Hiring(v) => {
                expected.push(known(FieldKind::Hiring, &v));
                b = b.hiring(v);
            }
            FieldIn::Csaf(v) => {
                expected.push(known(FieldKind::Csaf, &v));
                b = b.csaf(v);
            }
            FieldIn::Other(name, v) => {
                let kind = FieldKind::from_name(&name);
                let value = match securitytxt::parse_rfc3339(&v) {
                    Ok(at) if kind == FieldKind::Expires => Value::At(at),
                    _ => Value::Text(v.clone()),
                };
                expected.push((kind, name.clone(), value));
                b = b.field(name, v);
            }
        }
    }
    let Ok(text) = b.build() else {
        return;
    };
    let eol = if input.crlf { "\r\n" } else { "\n" };
    assert!(text.is_empty() || text.ends_with(eol));

    let doc = parse(text.as_bytes()).expect("builder output is small");
    assert!(
        doc.syntax_diagnostics().is_empty(),
        "{:?}\n{text}",
        doc.syntax_diagnostics()
    );

    let comments: Vec<String> = doc
        .lines()
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::Comment(c) => {
                let c = c.strip_prefix('#').unwrap_or(c);
                Some(c.strip_prefix(' ').unwrap_or(c).to_owned())
            }
            _ => None,
        })
        .collect();
    assert_eq!(comments, input.comments, "comments of\n{text}");

    let order = |k: FieldKind| {
        FieldKind::KNOWN
            .iter()
            .position(|x| *x == k)
            .unwrap_or(FieldKind::KNOWN.len())
    };
    expected.sort_by_key(|(k, _, _)| order(*k));
    let got: Vec<(FieldKind, String, Value)> = doc
        .fields()
        .map(|f| {
            let value = match f.expires() {
                Some(Ok(at)) => Value::At(at),
                _ => Value::Text(f.value.to_string()),
            };
            (f.kind, f.name.to_string(), value)
        })
        .collect();
    assert_eq!(got, expected, "fields of\n{text}");

    let again = Builder::from_document(&doc)
        .line_ending(if input.crlf {
            LineEnding::CrLf
        } else {
            LineEnding::Lf
        })
        .build()
        .expect("what the builder wrote, it writes again");
    assert_eq!(again, text);
});
