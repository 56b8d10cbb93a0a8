//! The streaming feed reader gives exactly what the whole reading gives: the same records
//! (and findings, lines, problems, whole-file errors) for generated feeds with hostile quoting,
//! multi-line records, CRLF, blank lines, byte order marks, invalid UTF-8 and JSON lines, cut
//! into chunks of every size from 1 byte up; and it holds no more than the record caps plus
//! one chunk.

use ip_attribution::{
    CsvLimits, CsvRecord, CsvRecordReader, CsvRecords, FeedReader, Finding, Pull, limits,
    read_feed, read_feed_from,
};
use proptest::prelude::*;

/// Pieces feeds are made of: separators, quotes, line breaks of both kinds, a lone `\r`,
/// blanks, addresses, multi-byte and invalid UTF-8, JSON.
fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => Just(b",".to_vec()),
        4 => Just(b"\"".to_vec()),
        2 => Just(b"\"\"".to_vec()),
        4 => Just(b"\n".to_vec()),
        3 => Just(b"\r\n".to_vec()),
        1 => Just(b"\r".to_vec()),
        2 => Just(b" ".to_vec()),
        1 => Just(b"\t".to_vec()),
        3 => Just(b"192.0.2.7".to_vec()),
        1 => Just(b"2001:db8::1".to_vec()),
        2 => Just(b"443".to_vec()),
        2 => "[a-z;]{1,6}".prop_map(String::into_bytes),
        1 => Just("é€😀".as_bytes().to_vec()),
        1 => Just(vec![0xFF]),
        1 => Just(vec![0xC3]),
        1 => Just(vec![0xE2, 0x82]),
        1 => Just(b"{\"source.ip\": \"192.0.2.9\", \"source.port\": 22}".to_vec()),
        1 => Just(b"{".to_vec()),
    ]
}

/// A feed: an optional byte order mark, optional leading blank lines, an optional header, and
/// a body of tokens.
fn feed_bytes() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        prop_oneof![
            Just(&b""[..]),
            Just(&b"\n\r\n"[..]),
            Just(&b"  \n"[..]),
            Just(&b" \t "[..])
        ],
        prop_oneof![
            Just(&b"ip,port,tag\n"[..]),
            Just(&b"\"timestamp\",\"src_ip\",\"src_port\"\r\n"[..]),
            Just(&b"{\"source.ip\": \"192.0.2.1\"}\n"[..]),
            Just(&b""[..]),
        ],
        proptest::collection::vec(token(), 0..60),
    )
        .prop_map(|(bom, lead, head, body)| {
            let mut out = Vec::new();
            if bom {
                out.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
            }
            out.extend_from_slice(lead);
            out.extend_from_slice(head);
            for t in body {
                out.extend_from_slice(&t);
            }
            out
        })
}

const NAME: &str = "2026-11-22-scan_rdp-world.csv";

/// The whole reading, errors as text.
fn whole(bytes: &[u8]) -> Result<Vec<Finding>, String> {
    read_feed(NAME, bytes).map_err(|e| e.to_string())
}

/// The streaming reading with chunks of `step` bytes, checking the bytes held after each push.
fn streamed(bytes: &[u8], step: usize, bound: usize) -> Result<Vec<Finding>, String> {
    let mut reader = FeedReader::new(NAME);
    let mut out = Vec::new();
    let mut chunks = bytes.chunks(step);
    loop {
        match reader.next_finding().map_err(|e| e.to_string())? {
            Pull::Item(f) => out.push(f),
            Pull::End => return Ok(out),
            Pull::NeedMore => match chunks.next() {
                Some(c) => {
                    reader.push(c);
                    assert!(
                        reader.buffered() <= bound + step,
                        "{} bytes held, chunk {step}",
                        reader.buffered()
                    );
                }
                None => reader.finish(),
            },
            _ => unreachable!("Pull has three cases"),
        }
    }
}

/// The window a CSV reader may hold besides the last chunk.
const CSV_WINDOW: usize = limits::MAX_RECORD_BYTES + 3;
const _: () = assert!(
    CSV_WINDOW < FEED_WINDOW,
    "the feed window covers the CSV one"
);

/// The window of the feed reader (the larger of the CSV and IntelMQ caps, with a `\r` and a
/// byte order mark).
const FEED_WINDOW: usize = if limits::MAX_RECORD_BYTES > limits::MAX_INTELMQ_LINE_BYTES {
    limits::MAX_RECORD_BYTES + 4
} else {
    limits::MAX_INTELMQ_LINE_BYTES + 4
} + 1;

fn records_whole(bytes: &[u8], limits: CsvLimits) -> Vec<CsvRecord> {
    let mut records = CsvRecords::with_limits(bytes, limits);
    let mut out = Vec::new();
    while let Some(r) = records.next() {
        if out.is_empty()
            && let Ok(h) = &r.fields
        {
            records.expect_fields(h.len());
        }
        out.push(r);
    }
    out
}

fn records_streamed(bytes: &[u8], limits: CsvLimits, step: usize) -> Vec<CsvRecord> {
    let mut reader = CsvRecordReader::with_limits(limits);
    let mut out = Vec::new();
    let mut chunks = bytes.chunks(step);
    loop {
        match reader.next_record() {
            Pull::Item(r) => {
                if out.is_empty()
                    && let Ok(h) = &r.fields
                {
                    reader.expect_fields(h.len());
                }
                out.push(r);
            }
            Pull::End => return out,
            Pull::NeedMore => match chunks.next() {
                Some(c) => {
                    reader.push(c);
                    assert!(
                        reader.buffered() <= limits.max_record_bytes + 3 + step,
                        "{} bytes held, cap {}, chunk {step}",
                        reader.buffered(),
                        limits.max_record_bytes
                    );
                }
                None => reader.finish(),
            },
            _ => unreachable!("Pull has three cases"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    /// Feeds of every kind, every chunk size: the findings (or the whole-file error) of the
    /// whole reading, through the push API and through `read_from`.
    #[test]
    fn streaming_findings_are_the_whole_readings(bytes in feed_bytes()) {
        let want = whole(&bytes);
        for step in 1..=bytes.len() + 1 {
            prop_assert_eq!(&streamed(&bytes, step, FEED_WINDOW), &want, "chunk {}", step);
        }
        for step in [1, 3, 64] {
            let got: Result<Vec<Finding>, String> = read_feed_from(NAME, &bytes[..], step)
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string());
            prop_assert_eq!(&got, &want, "read_from chunk {}", step);
        }
    }

    /// The record reader with small caps (so that records over the byte and line caps, and
    /// resynchronisation after them, are common): the same records for every chunk size, and
    /// never more held than the cap plus 3 bytes plus one chunk.
    #[test]
    fn streaming_records_are_the_whole_readings(
        bytes in proptest::collection::vec(token(), 0..50).prop_map(|v| v.concat()),
        max_bytes in 0usize..48,
        max_lines in 1usize..4,
    ) {
        let limits = CsvLimits::default()
            .with_max_record_bytes(max_bytes)
            .with_max_record_lines(max_lines);
        let want = records_whole(&bytes, limits);
        for step in 1..=bytes.len() + 1 {
            prop_assert_eq!(&records_streamed(&bytes, limits, step), &want, "chunk {}", step);
        }
    }
}

/// Lines over the caps with the real caps: a CSV record over `MAX_RECORD_BYTES`, an IntelMQ
/// line over `MAX_LINE_BYTES` (and one of blanks, which is no finding), and a line of blanks
/// longer than both before the first byte that tells the format: the same findings as the
/// whole reading, and the bytes held stay within the caps plus a chunk.
#[test]
fn over_long_lines_are_skipped_as_they_arrive() {
    let big = limits::MAX_RECORD_BYTES + 5000;
    let mut csv = b"ip,port\n192.0.2.1,1\n".to_vec();
    csv.extend(std::iter::repeat_n(b'a', big));
    csv.extend_from_slice(b",2\n\"192.0.2.2\",3\r\n");
    csv.push(b'"');
    csv.extend(std::iter::repeat_n(b'b', big));
    csv.extend_from_slice(b"\n192.0.2.3,4");

    let mut jsonl = b"{\"source.ip\": \"192.0.2.1\"}\n{\"x\": \"".to_vec();
    jsonl.extend(std::iter::repeat_n(
        b'a',
        limits::MAX_INTELMQ_LINE_BYTES + 10,
    ));
    jsonl.extend_from_slice(b"\"}\r\n");
    jsonl.extend(std::iter::repeat_n(
        b' ',
        limits::MAX_INTELMQ_LINE_BYTES + 10,
    ));
    jsonl.extend_from_slice(b"\n{\"source.ip\": \"192.0.2.2\"}");

    let mut blank_then_json = vec![0xEF, 0xBB, 0xBF, b'\n'];
    blank_then_json.extend(std::iter::repeat_n(b' ', FEED_WINDOW + 10));
    blank_then_json
        .extend_from_slice(b"{\"source.ip\": \"192.0.2.5\"}\n{\"source.ip\": \"192.0.2.6\"}");

    let mut blank_then_csv = b"\n\n".to_vec();
    blank_then_csv.extend(std::iter::repeat_n(b'\t', FEED_WINDOW + 10));
    blank_then_csv.extend_from_slice(b"ip\n192.0.2.1\n");

    let mut blank_lines_then_csv = b"\r\n \r\n".to_vec();
    blank_lines_then_csv.extend_from_slice(b"ip\n192.0.2.1\n");

    for (what, bytes) in [
        ("csv", &csv),
        ("jsonl", &jsonl),
        ("blanks then JSON", &blank_then_json),
        ("blanks then CSV", &blank_then_csv),
        ("blank lines then CSV", &blank_lines_then_csv),
    ] {
        let want = whole(bytes);
        for step in [1, 1000, 65536] {
            let got = streamed(bytes, step, FEED_WINDOW);
            assert_eq!(got, want, "{what}, chunk {step}");
        }
        let got = records_streamed(bytes, CsvLimits::default(), 65536);
        assert_eq!(got, records_whole(bytes, CsvLimits::default()), "{what}");
    }
    // What the whole reading says, so that the comparison above is not between two empties.
    let f = whole(&csv).unwrap_or_default();
    assert_eq!(
        f.iter()
            .map(|f| (f.line, f.is_usable()))
            .collect::<Vec<_>>(),
        [(2, true), (3, false), (4, true), (5, false), (6, true)]
    );
    let f = whole(&jsonl).unwrap_or_default();
    assert_eq!(
        f.iter()
            .map(|f| (f.line, f.is_usable()))
            .collect::<Vec<_>>(),
        [(1, true), (2, false), (4, true)]
    );
    let f = whole(&blank_then_json).unwrap_or_default();
    assert_eq!(f.iter().map(|f| f.line).collect::<Vec<_>>(), [2, 3]);
    let e = whole(&blank_then_csv).err().unwrap_or_default();
    assert!(e.contains(":3: unreadable header row"), "{e}");
    let e = whole(&blank_lines_then_csv).err().unwrap_or_default();
    assert!(e.contains(":2: header row names no address column"), "{e}");
}
