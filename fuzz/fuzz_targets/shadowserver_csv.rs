//! The Shadowserver CSV feed reader over arbitrary bytes.
//!
//! Asserts: nothing is lost or doubled: the records of the RFC 4180 reader (quoted fields may
//! span lines) cover every non-blank physical line exactly once, each record spans at most
//! `MAX_RECORD_LINES` lines and a record in error exactly one (the reader resynchronises at the
//! next line), and every data record after the header becomes exactly one finding at its
//! first line (usable, or with a problem); findings keep strictly increasing lines within the
//! input; a usable finding has an address; a whole-file error names a line within the input;
//! `feed::read` gives the same result as `shadowserver::read` for CSV input, and the streaming
//! reader (`FeedReader`, chunks of 1 byte and of a size the input picks) the same as `feed::read`.
#![no_main]

use ip_attribution::limits::{self, MAX_RECORD_LINES};
use ip_attribution::{CsvRecords, FeedFormat, detect_feed_format, read_feed, read_shadowserver};
use libfuzzer_sys::fuzz_target;
use notify_fuzz::{error_line, feed_streamed, line_count};
use std::sync::Arc;

const NAME: &str = "2026-11-22-scan_rdp-world.csv";

/// Lines (1-based) that hold something: not empty and not a lone `\r` before a line break.
fn non_blank_lines(data: &[u8]) -> Vec<usize> {
    let body = data.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(data);
    let segments: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let last = segments.len() - 1;
    segments
        .iter()
        .enumerate()
        .filter(|(i, s)| !(s.is_empty() || (*s == b"\r" && *i < last)))
        .map(|(i, _)| i + 1)
        .collect()
}

/// Checks the reader's records against the physical lines; returns the first line of every
/// data record (after the header).
fn record_lines(data: &[u8]) -> Vec<usize> {
    let mut records = CsvRecords::new(data);
    let mut starts = Vec::new();
    let mut covered = Vec::new();
    let mut width = None;
    while let Some(r) = records.next() {
        assert!(r.lines >= 1 && r.lines <= MAX_RECORD_LINES, "{r:?}");
        if r.fields.is_err() {
            assert_eq!(r.lines, 1, "{r:?}");
        }
        assert!(
            covered.last().is_none_or(|&l| l < r.line),
            "overlap at {}",
            r.line
        );
        covered.extend(r.line..r.line + r.lines);
        if width.is_none() {
            width = Some(r.fields.as_ref().map(Vec::len).unwrap_or(0));
            if let Ok(h) = &r.fields {
                records.expect_fields(h.len());
            }
            continue;
        }
        starts.push(r.line);
    }
    // Every non-blank line is in a record (blank lines inside a quoted field are covered too).
    for l in non_blank_lines(data) {
        assert!(covered.binary_search(&l).is_ok(), "line {l} lost");
    }
    starts
}

fuzz_target!(|data: &[u8]| {
    let lines = line_count(data);
    let whole = read_feed(NAME, data).map_err(|e| e.to_string());
    let step = usize::from(data.first().copied().unwrap_or(0)) % 97 + 2;
    for step in [1, step] {
        assert_eq!(feed_streamed(NAME, data, step), whole, "chunks of {step}");
    }
    let result = read_shadowserver(Arc::from(NAME), data);
    if detect_feed_format(data) == FeedFormat::ShadowserverCsv {
        let via_read = read_feed(NAME, data);
        assert_eq!(
            via_read.as_ref().map_err(ToString::to_string),
            result.as_ref().map_err(ToString::to_string)
        );
    }
    let findings = match result {
        Ok(findings) => findings,
        Err(e) => {
            let line = error_line(&e).unwrap_or_else(|| panic!("error without a line: {e}"));
            assert!(
                line >= 1 && line <= lines,
                "error at line {line} of {lines}: {e}"
            );
            return;
        }
    };
    let starts = record_lines(data);
    assert_eq!(
        findings.iter().map(|f| f.line).collect::<Vec<_>>(),
        starts,
        "findings lost or invented"
    );
    let mut previous = 0;
    for f in &findings {
        assert!(
            f.line > previous && f.line <= lines,
            "line {} after {previous} of {lines}",
            f.line
        );
        previous = f.line;
        assert_eq!(&*f.feed, NAME);
        assert_eq!(&*f.report_type, "scan_rdp");
        if f.is_usable() {
            assert!(f.ip.is_some() && f.problem.is_none(), "{f:?}");
        } else {
            let e = f.error().expect("an unusable finding explains itself");
            assert_eq!(error_line(&e), Some(f.line));
        }
        assert!(f.tags.len() <= limits::MAX_TAGS);
    }
});
