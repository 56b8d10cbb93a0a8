//! The reader is total: any bytes give objects and errors, never a panic, and every error names
//! the source and a line inside the input.

use ip_attribution::{Error, ErrorKind, RpslReader};
use proptest::prelude::*;

fn line_of(e: &Error) -> Option<usize> {
    match e.kind() {
        ErrorKind::RpslLineTooLong { .. }
        | ErrorKind::RpslObjectTooManyLines { .. }
        | ErrorKind::RpslObjectTooLarge { .. }
        | ErrorKind::RpslValueTooLong { .. }
        | ErrorKind::RpslSyntax { .. }
        | ErrorKind::RpslObject { .. }
        | ErrorKind::RpslRead { .. } => Some(e.line()),
        _ => None,
    }
}

fn fragments() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::collection::vec(
        prop_oneof![
            Just(b"inetnum: 192.0.2.0 - 192.0.2.255\n".to_vec()),
            Just(b"inet6num: 2001:db8::/32\n".to_vec()),
            Just(b"role: R\nnic-hdl: R1\n".to_vec()),
            Just(b"% Abuse contact for '192.0.2.0 - 192.0.2.255' is 'a@b.example'\n".to_vec()),
            Just(b"NetRange: 198.51.100.0 - 198.51.100.255\n".to_vec()),
            Just(b"OrgAbuseHandle: X\nOrgAbuseEmail: a@b.c\n".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b" continued\n".to_vec()),
            Just(b"+\n".to_vec()),
            Just(b"# comment\n".to_vec()),
            prop::collection::vec(any::<u8>(), 0..40),
        ],
        0..30,
    );
    pieces.prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn never_panics_and_errors_point_inside(bytes in fragments()) {
        let lines = bytes.split(|&b| b == b'\n').count();
        let mut reader = RpslReader::from_slice("fuzz", &bytes);
        for item in reader.by_ref() {
            if let Err(e) = item {
                let line = line_of(&e);
                prop_assert!(line.is_some(), "an rpsl error: {e}");
                prop_assert!(line.unwrap_or(0) <= lines + 1, "{e}");
                prop_assert!(e.to_string().starts_with("fuzz:"));
            }
        }
        prop_assert!(reader.stats().bytes == bytes.len() as u64);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let n = RpslReader::from_slice("random", &bytes).count();
        prop_assert!(n <= bytes.len() + 1);
    }
}
