//! The Shadowserver CSV feed reader over arbitrary bytes.
//!
//! Asserts: nothing is lost: every data record after the header becomes exactly one finding
//! (usable, or with a problem), counted independently of the reader: a record is a non-blank
//! physical line, quotes or not (a quoted field ends with its line, so one stray quote cannot
//! swallow the rows after it); findings keep strictly increasing lines
//! within the input; a usable finding has an address; a whole-file error names a line within
//! the input; `feed::read` gives the same result as `shadowserver::read` for CSV input.
#![no_main]

use ip_attribution::feed::{self, Format, shadowserver};
use libfuzzer_sys::fuzz_target;
use notify_fuzz::{error_line, line_count};
use std::sync::Arc;

const NAME: &str = "2026-11-22-scan_rdp-world.csv";

/// Data records: non-blank lines after the first non-blank one.
fn expected_records(data: &[u8]) -> usize {
    let body = data.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(data);
    let segments: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let last = segments.len() - 1;
    let records = segments
        .iter()
        .enumerate()
        .filter(|(i, s)| !(s.is_empty() || (*s == b"\r" && *i < last)))
        .count();
    records.saturating_sub(1)
}

fuzz_target!(|data: &[u8]| {
    let lines = line_count(data);
    let result = shadowserver::read(Arc::from(NAME), data);
    if feed::detect(data) == Format::ShadowserverCsv {
        let via_read = feed::read(NAME, data);
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
    assert_eq!(
        findings.len(),
        expected_records(data),
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
        assert!(f.tags.len() <= feed::MAX_TAGS);
    }
});
