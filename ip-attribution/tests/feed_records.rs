//! The feed reader's promise, proven over generated CSV with hostile quoting: N records in, N
//! records (and N findings) out, each at its own first line, the good ones with exactly their
//! fields: quoted line breaks, doubled quotes, stray quotes inside unquoted fields,
//! unterminated quotes and over-long records included.

use ip_attribution::{CsvLimits, CsvRecordError, CsvRecords, read_feed};
use proptest::prelude::*;

/// One generated record: its text (without the final line break) and, for a good record, its
/// fields.
#[derive(Debug, Clone)]
struct Gen {
    text: String,
    fields: Option<Vec<String>>,
}

const WIDTH: usize = 3;
const MAX_LINES: usize = 4;
const MAX_BYTES: usize = 200;

fn plain() -> impl Strategy<Value = String> {
    // Unquoted text; a stray quote is kept as text (never first, never before a separator).
    prop_oneof![
        "[a-z0-9 .:;]{0,12}",
        ("[a-z0-9]{1,6}", "[a-z0-9]{1,6}").prop_map(|(a, b)| format!("{a}\"{b}")),
    ]
}

fn quoted_content() -> impl Strategy<Value = String> {
    // Text a scanner copies from an attacker: separators, quotes, line breaks, markup. Starts
    // with a letter (see `unterminated`).
    ("[a-z]", "[a-z0-9 ,\"\n<>&;=]{0,24}").prop_map(|(a, b)| a + &b)
}

fn field() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        plain().prop_map(|p| (p.clone(), p)),
        quoted_content().prop_map(|c| (format!("\"{}\"", c.replace('"', "\"\"")), c)),
    ]
}

fn good() -> impl Strategy<Value = Gen> {
    proptest::collection::vec(field(), WIDTH)
        .prop_filter("within the caps, not blank", |fs| {
            let text: Vec<&str> = fs.iter().map(|(t, _)| t.as_str()).collect();
            let text = text.join(",");
            text.len() <= MAX_BYTES
                && text.matches('\n').count() < MAX_LINES
                && !text.trim().is_empty()
        })
        .prop_map(|fs| Gen {
            text: fs
                .iter()
                .map(|(t, _)| t.as_str())
                .collect::<Vec<_>>()
                .join(","),
            fields: Some(fs.into_iter().map(|(_, v)| v).collect()),
        })
}

fn unterminated() -> impl Strategy<Value = Gen> {
    // A row whose last field opens a quote that never closes on its line. Its text starts with
    // a letter: a quote that ends its line, followed later by a line whose quote also ends
    // its field, reads as one valid multi-line record (the reader's documented ambiguity).
    ("[a-z0-9]{1,8}", "[a-z][a-z0-9 ,<>]{0,19}").prop_map(|(a, b)| Gen {
        text: format!("{a},\"{b}"),
        fields: None,
    })
}

fn over_long() -> impl Strategy<Value = Gen> {
    (MAX_BYTES + 1..MAX_BYTES * 2).prop_map(|n| Gen {
        text: format!("{},b,c", "a".repeat(n)),
        fields: None,
    })
}

fn record() -> impl Strategy<Value = Gen> {
    prop_oneof![6 => good(), 2 => unterminated(), 1 => over_long()]
}

fn document(records: &[Gen]) -> (String, Vec<usize>) {
    let mut text = String::from("ip,subject,port\n");
    let mut lines = Vec::new();
    let mut line = 2;
    for r in records {
        lines.push(line);
        text.push_str(&r.text);
        text.push('\n');
        line += r.text.matches('\n').count() + 1;
    }
    (text, lines)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn n_records_in_n_records_out(records in proptest::collection::vec(record(), 0..30)) {
        let (text, lines) = document(&records);
        let limits = CsvLimits::default()
            .with_max_record_bytes(MAX_BYTES)
            .with_max_record_lines(MAX_LINES);
        let mut reader = CsvRecords::with_limits(text.as_bytes(), limits);
        let header = reader.next();
        prop_assert!(header.is_some_and(|h| h.fields.is_ok()));
        reader.expect_fields(WIDTH);
        let out: Vec<_> = reader.collect();
        prop_assert_eq!(out.len(), records.len());
        for ((got, want), line) in out.iter().zip(&records).zip(&lines) {
            prop_assert_eq!(got.line, *line);
            match &want.fields {
                Some(fields) => prop_assert_eq!(got.fields.as_ref(), Ok(fields)),
                None => prop_assert!(got.fields.is_err()),
            }
        }
    }

    /// The same through the feed reader: one finding per record, at its line, the usable ones
    /// with the address they were given.
    #[test]
    fn n_records_in_n_findings_out(records in proptest::collection::vec(
        prop_oneof![6 => good(), 2 => unterminated()], 0..30)) {
        let (text, lines) = document(&records);
        let findings = read_feed("2026-11-22-scan_rdp-x.csv", text.as_bytes());
        prop_assert!(findings.is_ok());
        let findings = findings.unwrap_or_default();
        prop_assert_eq!(findings.len(), records.len());
        for (f, line) in findings.iter().zip(&lines) {
            prop_assert_eq!(f.line, *line);
        }
    }
}

#[test]
fn an_unterminated_quote_is_reported_with_its_line() {
    let text = "ip,subject,port\n192.0.2.1,\"CN=evil\n192.0.2.2,ok,443\n";
    let f = read_feed("scan_rdp.csv", text.as_bytes()).unwrap_or_default();
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].line, 2);
    let e = f[0].error().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("scan_rdp.csv:2:") && e.contains("not terminated"),
        "{e}"
    );
    assert!(f[1].is_usable());
    assert_eq!(f[1].line, 3);
    let mut r = CsvRecords::new(b"\"open");
    assert_eq!(
        r.next().map(|r| r.fields),
        Some(Err(CsvRecordError::UnterminatedQuote))
    );
}
