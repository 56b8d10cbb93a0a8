//! Saved port-43 WHOIS answers (RIPE `%` comment form with abuse-contact lines, IANA referrals,
//! ARIN `NetRange`/`OrgName`/POC blocks) over arbitrary bytes, read the way saved answers are
//! read: through `RpslReader::open`, which also detects gzip.
//!
//! Asserts: the reader ends; plain input is read exactly as `RpslReader::from_slice` reads it (same
//! objects and errors); every error and object names a line within the input (a read error may
//! name the line after the last one); the statistics count what was returned; ARIN merges never
//! give an abuse mailbox that is a known placeholder; abuse comments and referrals keep their
//! source line.
#![no_main]

use ip_attribution::{RpslObject, RpslReader, is_dummy_mailbox};
use libfuzzer_sys::fuzz_target;
use notify_fuzz::{error_line, line_count};

fuzz_target!(|data: &[u8]| {
    let gzip = data.starts_with(&[0x1f, 0x8b]);
    let Ok(mut reader) = RpslReader::open("whois.txt", data) else {
        assert!(gzip, "plain input always opens");
        return;
    };
    let lines = line_count(data);
    let mut out = Vec::new();
    let (mut objects, mut errors) = (0usize, 0usize);
    for item in reader.by_ref() {
        match &item {
            Ok(object) => {
                objects += 1;
                if !gzip {
                    let line = object.source().line;
                    assert!(
                        line >= 1 && line <= lines,
                        "object at line {line} of {lines}"
                    );
                }
                match object {
                    RpslObject::Network(net) => {
                        assert!(net.range.start() <= net.range.end());
                        if let Some(m) = &net.abuse_mailbox {
                            assert!(!is_dummy_mailbox(m), "placeholder kept: {m}");
                        }
                    }
                    RpslObject::Organisation(org) => {
                        if let Some(m) = &org.abuse_mailbox {
                            assert!(!is_dummy_mailbox(m), "placeholder kept: {m}");
                        }
                    }
                    _ => {}
                }
            }
            Err(e) => {
                errors += 1;
                let line = error_line(e).unwrap_or_else(|| panic!("error without a line: {e}"));
                if !gzip {
                    assert!(
                        line >= 1 && line <= lines.max(1),
                        "error at line {line} of {lines}: {e}"
                    );
                }
            }
        }
        if !gzip {
            out.push(item.map_err(|e| e.to_string()));
        }
    }
    assert_eq!(reader.stats().errors, errors);
    assert_eq!(reader.stats().object_count(), objects);
    if !gzip {
        let direct: Vec<Result<RpslObject, String>> = RpslReader::from_slice("whois.txt", data)
            .map(|item| item.map_err(|e| e.to_string()))
            .collect();
        assert_eq!(out, direct, "open and from_slice read plain input alike");
    }
});
