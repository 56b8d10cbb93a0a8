//! The RPSL stream reader over arbitrary bytes (registry dump form), and `parse_rpsl_object` on the
//! same bytes.
//!
//! Asserts: the reader ends; every error and every object names a line within the input; the
//! run statistics count exactly what was returned (errors, objects) and every line and byte;
//! network ranges have start <= end, in one address family; `RpslObject::key` is total; and
//! `parse_rpsl_object` returns attributes with lines within the object, never empty.
#![no_main]

use ip_attribution::{RpslObject, RpslReader, parse_rpsl_object};
use libfuzzer_sys::fuzz_target;
use notify_fuzz::{error_line, line_count};

fuzz_target!(|data: &[u8]| {
    let lines = line_count(data);
    let mut reader = RpslReader::from_slice("fuzz.db", data);
    let (mut objects, mut errors) = (0usize, 0usize);
    for item in reader.by_ref() {
        match item {
            Ok(object) => {
                objects += 1;
                let line = object.source().line;
                assert!(
                    line >= 1 && line <= lines,
                    "object at line {line} of {lines}"
                );
                assert_eq!(&*object.source().name, "fuzz.db");
                let _ = object.key();
                if let RpslObject::Network(net) = &object {
                    assert!(net.range.start() <= net.range.end(), "{net:?}");
                    assert_eq!(net.range.start().is_ipv4(), net.range.end().is_ipv4());
                }
            }
            Err(e) => {
                errors += 1;
                let line = error_line(&e).unwrap_or_else(|| panic!("error without a line: {e}"));
                assert!(
                    line >= 1 && line <= lines,
                    "error at line {line} of {lines}: {e}"
                );
                assert!(!e.to_string().is_empty());
            }
        }
    }
    let stats = reader.stats();
    assert_eq!(stats.errors, errors, "{stats:?}");
    assert_eq!(stats.object_count(), objects, "{stats:?}");
    assert_eq!(stats.lines, lines, "{stats:?}");
    assert_eq!(stats.bytes, data.len() as u64, "{stats:?}");

    if let Ok(raw) = parse_rpsl_object("fuzz.db", 10, data) {
        assert!(!raw.attributes.is_empty());
        assert!(raw.line >= 10);
        for a in &raw.attributes {
            assert!(a.line >= raw.line && a.line < 10 + lines.max(1), "{a:?}");
        }
        let _ = (raw.class(), raw.key());
    }
});
