//! security.txt parse + validate over arbitrary bytes.
//!
//! Asserts: `parse` fails only over `MAX_FILE_SIZE`; the document's length is the input's; every
//! line and field span and every diagnostic span lies within the input, with 1-based lines that
//! never exceed the input's line count; validation is deterministic and agrees with `check`;
//! `is_valid` holds exactly when no diagnostic is an error, and a valid file has a Contact and
//! exactly one Expires in the future of `now`; when the writer accepts the file's fields again,
//! parsing its output gives the same fields.
#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use securitytxt::{
    Builder, Diagnostic, FieldKind, LineKind, Options, Severity, Span, check, is_valid,
    limits::MAX_FILE_SIZE, parse, validate,
};

fn span_ok(span: &Span, len: usize, lines: usize) {
    assert!(span.start <= span.end, "{span:?}");
    assert!(span.end <= len, "{span:?} past {len}");
    assert!(
        span.line >= 1 && span.line as usize <= lines,
        "{span:?} of {lines} lines"
    );
    assert!(span.column >= 1, "{span:?}");
}

fuzz_target!(|data: &[u8]| {
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
    let options = Options::new(now);
    let doc = match parse(data) {
        Ok(doc) => doc,
        Err(_) => {
            assert!(data.len() > MAX_FILE_SIZE);
            return;
        }
    };
    assert_eq!(doc.input_len(), data.len());
    // Lines as a reader counts them: a final line without a line ending still counts.
    let lines = data.split(|&b| b == b'\n').count().max(1);

    let mut previous = 0u32;
    for line in doc.lines() {
        assert!(line.number > previous, "line numbers increase");
        previous = line.number;
        assert_eq!(line.span.line, line.number);
        span_ok(&line.span, data.len(), lines);
        if let LineKind::Field(f) = &line.kind {
            span_ok(&f.name_span, data.len(), lines);
            span_ok(&f.value_span, data.len(), lines);
            assert_eq!(f.kind, FieldKind::from_name(&f.name));
        }
    }
    for d in doc.syntax_diagnostics() {
        if let Some(span) = &d.span {
            span_ok(span, data.len(), lines);
        }
    }

    let diagnostics: Vec<Diagnostic> = validate(&doc, &options);
    for d in &diagnostics {
        if let Some(span) = &d.span {
            span_ok(span, data.len(), lines);
        }
        assert!(!d.message.is_empty());
        assert_eq!(securitytxt::Code::from_name(d.code.as_str()), Some(d.code));
    }
    assert_eq!(
        validate(&doc, &options),
        diagnostics,
        "validation is deterministic"
    );
    assert_eq!(
        check(data, &options),
        diagnostics,
        "check = parse + validate"
    );

    let valid = is_valid(&diagnostics);
    assert_eq!(
        valid,
        !diagnostics.iter().any(|d| d.severity == Severity::Error)
    );
    if valid {
        assert!(
            doc.fields_of(FieldKind::Contact).next().is_some(),
            "valid without Contact"
        );
        assert_eq!(
            doc.fields_of(FieldKind::Expires).count(),
            1,
            "valid needs one Expires"
        );
        let expires = doc.expires().expect("valid file has a readable Expires");
        assert!(expires > now, "valid file expired at {expires}");
    }

    // Rewriting: what the writer accepts must come back field for field.
    if let Ok(text) = Builder::from_document(&doc).build() {
        let again = parse(text.as_bytes()).expect("writer output is small");
        let key = |k: FieldKind| {
            FieldKind::KNOWN
                .iter()
                .position(|x| *x == k)
                .unwrap_or(FieldKind::KNOWN.len())
        };
        let mut before: Vec<(usize, String, String)> = doc
            .fields()
            .map(|f| (key(f.kind), f.name.to_string(), f.value.to_string()))
            .collect();
        before.sort_by_key(|(k, _, _)| *k);
        let after: Vec<(usize, String, String)> = again
            .fields()
            .map(|f| (key(f.kind), f.name.to_string(), f.value.to_string()))
            .collect();
        assert_eq!(before, after, "rewritten file:\n{text}");
    }
});
