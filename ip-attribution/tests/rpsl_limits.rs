//! Every RPSL cap: just under is accepted, just over is its own error, and reading goes on.

use ip_attribution::{
    Error, ErrorKind, RpslObject, RpslReader,
    limits::{MAX_OBJECT_BYTES, MAX_OBJECT_LINES, MAX_RPSL_LINE_BYTES, MAX_RPSL_VALUE_BYTES},
};

/// Each error as its line and kind, for matching.
fn at(errors: &[Error]) -> Vec<(usize, &ErrorKind)> {
    errors.iter().map(|e| (e.line(), e.kind())).collect()
}

const TAIL: &str = "\ninetnum: 192.0.2.0 - 192.0.2.255\nnetname: AFTER\n";

fn run(text: &[u8]) -> (Vec<RpslObject>, Vec<Error>) {
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    for item in RpslReader::from_slice("caps", text) {
        match item {
            Ok(o) => objects.push(o),
            Err(e) => errors.push(e),
        }
    }
    (objects, errors)
}

fn last_netname(objects: &[RpslObject]) -> Option<&str> {
    objects.iter().rev().find_map(|o| match o {
        RpslObject::Network(n) => n.netname.as_deref(),
        _ => None,
    })
}

/// An object whose `remarks:` line is exactly `len` bytes long.
fn with_line_of(len: usize) -> Vec<u8> {
    let head = "inetnum: 198.51.100.0 - 198.51.100.255\nremarks: ";
    let mut s = String::from(head);
    s.push_str(&"x".repeat(len - "remarks: ".len()));
    s.push('\n');
    s.push_str(TAIL);
    s.into_bytes()
}

#[test]
fn line_length_cap() {
    let (objects, errors) = run(&with_line_of(MAX_RPSL_LINE_BYTES));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(objects.len(), 2);
    let (objects, errors) = run(&with_line_of(MAX_RPSL_LINE_BYTES + 1));
    assert!(
        matches!(at(&errors).as_slice(), [(2, ErrorKind::RpslLineTooLong { max, len, .. })] if *max == MAX_RPSL_LINE_BYTES && *len == MAX_RPSL_LINE_BYTES + 1),
        "{errors:?}"
    );
    assert_eq!(
        objects.len(),
        1,
        "the object holding the long line is skipped"
    );
    assert_eq!(last_netname(&objects), Some("AFTER"));
}

#[test]
fn value_length_cap() {
    // One value over several continuation lines, each under the line cap.
    let build = |total: usize| {
        let mut s = String::from("inetnum: 198.51.100.0 - 198.51.100.255\nremarks: ");
        let chunk = 1000;
        let mut len = 0;
        let mut first = true;
        while len < total {
            let n = chunk.min(total - len - usize::from(!first));
            if !first {
                s.push_str("\n ");
                len += 1; // joined with one space
            }
            s.push_str(&"y".repeat(n));
            len += n;
            first = false;
        }
        s.push('\n');
        s.push_str(TAIL);
        s.into_bytes()
    };
    let (objects, errors) = run(&build(MAX_RPSL_VALUE_BYTES));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(objects.len(), 2);
    let (objects, errors) = run(&build(MAX_RPSL_VALUE_BYTES + 1));
    assert!(
        matches!(at(&errors).as_slice(), [(2, ErrorKind::RpslValueTooLong { len, .. })] if *len == MAX_RPSL_VALUE_BYTES + 1),
        "{errors:?}"
    );
    assert_eq!(last_netname(&objects), Some("AFTER"));
}

#[test]
fn object_lines_cap() {
    let build = |lines: usize| {
        let mut s = String::from("as-set: AS-BIG\n");
        for _ in 1..lines {
            s.push_str("members: AS1\n");
        }
        s.push_str(TAIL);
        s.into_bytes()
    };
    let (objects, errors) = run(&build(MAX_OBJECT_LINES));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(objects.len(), 1);
    let (objects, errors) = run(&build(MAX_OBJECT_LINES + 1));
    assert!(
        matches!(
            at(&errors).as_slice(),
            [(1, ErrorKind::RpslObjectTooManyLines { .. })]
        ),
        "{errors:?}"
    );
    assert_eq!(last_netname(&objects), Some("AFTER"));
}

#[test]
fn object_bytes_cap() {
    // Lines of 100 bytes plus the line end; the object is `n` such lines.
    let line = format!("remarks: {}\n", "z".repeat(100 - "remarks: ".len()));
    let build = |bytes: usize| {
        let mut s = String::from("as-set: AS-BIG\n");
        while s.len() + line.len() <= bytes {
            s.push_str(&line);
        }
        let rest = bytes - s.len();
        if rest > 0 {
            s.push_str(&format!("{}\n", "r".repeat(rest - 1)).replacen('r', "+", 1));
        }
        assert_eq!(s.len(), bytes);
        s.push_str(TAIL);
        s.into_bytes()
    };
    let (objects, errors) = run(&build(MAX_OBJECT_BYTES));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(objects.len(), 1);
    let (objects, errors) = run(&build(MAX_OBJECT_BYTES + 1));
    assert!(
        matches!(
            at(&errors).as_slice(),
            [(1, ErrorKind::RpslObjectTooLarge { .. })]
        ),
        "{errors:?}"
    );
    assert_eq!(last_netname(&objects), Some("AFTER"));
}
