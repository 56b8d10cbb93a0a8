//! IntelMQ JSON lines over arbitrary bytes.
//!
//! Asserts: N non-blank lines give exactly N findings, in order, each on its own line number
//! (a blank line is empty or only ASCII whitespace after removing `\r` and, on line 1, a byte
//! order mark); a usable finding has an address and no problem; an unusable one gives an
//! error naming its line; `feed::read` gives the same findings for input that starts with `{`,
//! and so does the streaming reader (`FeedReader`, chunks of 1 byte and of a size the input
//! picks).
#![no_main]

use ip_attribution::{FeedFormat, detect_feed_format, limits, read_feed, read_intelmq};
use libfuzzer_sys::fuzz_target;
use notify_fuzz::{error_line, feed_streamed};
use std::sync::Arc;

const NAME: &str = "events.jsonl";

fn non_blank_lines(data: &[u8]) -> Vec<usize> {
    data.split(|&b| b == b'\n')
        .enumerate()
        .filter_map(|(i, raw)| {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let raw = if i == 0 {
                raw.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(raw)
            } else {
                raw
            };
            (!raw.iter().all(u8::is_ascii_whitespace)).then_some(i + 1)
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let findings = read_intelmq(Arc::from(NAME), data);
    let lines: Vec<usize> = findings.iter().map(|f| f.line).collect();
    assert_eq!(
        lines,
        non_blank_lines(data),
        "one finding per non-blank line"
    );
    for f in &findings {
        assert_eq!(&*f.feed, NAME);
        if f.is_usable() {
            assert!(f.ip.is_some() && f.problem.is_none(), "{f:?}");
        } else {
            let e = f.error().expect("an unusable finding explains itself");
            assert_eq!(error_line(&e), Some(f.line));
        }
        assert!(f.tags.len() <= limits::MAX_TAGS);
    }
    if detect_feed_format(data) == FeedFormat::IntelMqJsonLines {
        let via_read = read_feed(NAME, data).expect("JSON lines never fail as a whole");
        assert_eq!(via_read, findings);
        let step = usize::from(data.last().copied().unwrap_or(0)) % 97 + 2;
        for step in [1, step] {
            assert_eq!(feed_streamed(NAME, data, step).as_ref(), Ok(&findings));
        }
    }
});
