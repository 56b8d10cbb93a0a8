//! Notices rendered from arbitrary finding strings (text, HTML, CSV, MIME, JSON, XARF).
//!
//! Every fuzzed string that is shown as one value (address, asset, protocol, extra field name
//! and value, organisation, via) is wrapped in a marker character, so its bytes can be found in
//! the output. Asserts: every finding is accounted for; text lines are at most 78 columns with
//! no control characters but `\n`; in HTML no data value holds a raw `<`, `>` or `"`; the MIME
//! header section has only CRLF line ends, no CR or LF from data, each expected header once and
//! no other; every CSV cell is quoted and none starts with `=`, `+`, `-`, `@`, tab or CR; JSON
//! and XARF are valid JSON.
#![no_main]

use chrono::{TimeDelta, TimeZone, Utc};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use notice_render::{AggregateOptions, Finding, Recipient, RenderOptions, Renderer, aggregate};
use std::sync::OnceLock;

const MARK: char = '\u{1F9EA}';

#[derive(Arbitrary, Debug)]
struct FindingIn {
    ip: String,
    report_type: u8,
    port: Option<u16>,
    protocol: String,
    asset: String,
    tags: Vec<String>,
    extra: Vec<(String, String)>,
    minutes_ago: u16,
}

#[derive(Arbitrary, Debug)]
struct Input {
    findings: Vec<FindingIn>,
    organisation: String,
    via: String,
    languages: Vec<String>,
}

const REPORT_TYPES: &[&str] = &[
    "scan_rdp",
    "scan_smb",
    "scan_http",
    "scan_ssl",
    "event4_sinkhole",
    "compromised_website",
    "",
];

fn renderer() -> &'static Renderer {
    static R: OnceLock<Renderer> = OnceLock::new();
    R.get_or_init(|| {
        let options = RenderOptions::new("Example CERT", "cert@example.org", "notices.example.org")
            .with_reply_to("abuse-desk@example.org");
        Renderer::embedded(options).expect("built-in catalogue and templates are valid")
    })
}

/// The value wrapped in markers, cut well under the field cap so both markers survive.
fn marked(s: &str) -> String {
    let cut: String = s.chars().take(200).collect();
    format!("{MARK}{cut}{MARK}")
}

/// RFC 4180 cells of a CSV text with CRLF row ends; `None` when it is not well-formed.
fn csv_rows(text: &str) -> Option<Vec<Vec<String>>> {
    let mut rows = Vec::new();
    for row in text.split_terminator("\r\n") {
        let mut cells = Vec::new();
        let mut chars = row.chars().peekable();
        loop {
            if chars.next()? != '"' {
                return None;
            }
            let mut cell = String::new();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    '"' => break,
                    c => cell.push(c),
                }
            }
            cells.push(cell);
            match chars.next() {
                None => break,
                Some(',') => {}
                Some(_) => return None,
            }
        }
        rows.push(cells);
    }
    Some(rows)
}

const HEADERS: &[&str] = &[
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Auto-Submitted",
    "Content-Language",
    "Reply-To",
    "MIME-Version",
    "Content-Type",
];

fuzz_target!(|input: Input| {
    let strings = input
        .findings
        .iter()
        .flat_map(|f| {
            [&f.ip, &f.protocol, &f.asset]
                .into_iter()
                .chain(f.tags.iter())
                .chain(f.extra.iter().flat_map(|(k, v)| [k, v]))
        })
        .chain([&input.organisation, &input.via])
        .chain(input.languages.iter());
    if strings.clone().any(|s| s.contains(MARK)) || input.findings.len() > 8 {
        return;
    }
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap();
    let r = renderer();
    let to = Recipient::new("security@example.nl")
        .with_organisation(marked(&input.organisation))
        .with_via(marked(&input.via))
        .with_languages(input.languages.iter().take(20).cloned());
    let pairs: Vec<(Finding, Recipient)> = input
        .findings
        .iter()
        .map(|f| {
            let report_type = REPORT_TYPES[usize::from(f.report_type) % REPORT_TYPES.len()];
            let observed = now - TimeDelta::minutes(i64::from(f.minutes_ago % 10_000));
            let mut finding = Finding::new(marked(&f.ip), report_type, observed)
                .with_protocol(marked(&f.protocol))
                .with_asset(marked(&f.asset))
                .with_source("fuzz.csv", 2);
            if let Some(port) = f.port {
                finding = finding.with_port(port);
            }
            for t in f.tags.iter().take(8) {
                finding = finding.with_tag(t.chars().take(100).collect::<String>());
            }
            for (k, v) in f.extra.iter().take(8) {
                finding = finding.with_extra(marked(k), marked(v));
            }
            (finding, to.clone())
        })
        .collect();
    let n = pairs.len();
    let agg = aggregate(r.catalogue(), pairs, &AggregateOptions::default(), now)
        .expect("default options are valid");
    assert_eq!(agg.input_count, n);
    assert!(agg.accounts_for_all());
    for notice in &agg.notices {
        let out = r
            .render(notice, now)
            .expect("rendering a notice does not fail");

        for line in out.text.lines() {
            assert!(line.chars().count() <= 78, "text line too long: {line:?}");
        }
        assert!(
            !out.text
                .chars()
                .any(|c| c != '\n' && (c.is_control() || notice_render::inert::is_invisible(c))),
            "control character in text"
        );

        for chunk in out.html.split(MARK).skip(1).step_by(2) {
            assert!(
                !chunk.contains(['<', '>', '"']),
                "raw markup from data in HTML: {chunk:?}"
            );
        }

        assert!(!out.subject.contains(['\r', '\n']));
        let mime = String::from_utf8(out.mime.clone()).expect("the message is UTF-8");
        let (head, _) = mime
            .split_once("\r\n\r\n")
            .expect("a header section and a body");
        assert!(
            !head.replace("\r\n", "").contains(['\r', '\n']),
            "bare CR or LF in the headers"
        );
        let mut names: Vec<&str> = head
            .split("\r\n")
            .filter(|l| !l.starts_with([' ', '\t']))
            .map(|l| l.split(':').next().unwrap_or(""))
            .collect();
        names.sort_unstable();
        let mut expected = HEADERS.to_vec();
        expected.sort_unstable();
        assert_eq!(names, expected, "headers:\n{head}");

        let rows = csv_rows(&out.csv).expect("the CSV is RFC 4180 with every cell quoted");
        assert_eq!(
            rows.len(),
            notice.finding_count() + 1,
            "header row + one per finding"
        );
        for cell in rows.iter().flatten() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "CSV cell not neutralised: {cell:?}"
            );
        }

        let json = r.json(notice, now).expect("JSON renders");
        assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
        for x in r.xarf(notice).expect("XARF renders") {
            assert!(serde_json::from_str::<serde_json::Value>(&x).is_ok());
        }
    }
});
