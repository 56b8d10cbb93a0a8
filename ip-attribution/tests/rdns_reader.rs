//! The rdns.jsonl reader and the DNS table.

use std::net::IpAddr;

use ip_attribution::{
    DnsName, Error, ErrorKind, RdnsLimits, RdnsTable,
    limits::{MAX_CNAME_DEPTH, MAX_RDNS_LINE_LEN, MAX_VALUES_PER_KEY},
    parse_ptr_owner,
};
use proptest::prelude::*;

/// Each error as its line and kind, for matching.
fn at(errors: &[Error]) -> Vec<(usize, &ErrorKind)> {
    errors.iter().map(|e| (e.line(), e.kind())).collect()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn name(s: &str) -> DnsName {
    DnsName::parse(s).unwrap()
}

const SAMPLE: &str = include_str!("data/rdns/sample.jsonl");

#[test]
fn reads_the_sample() {
    let (t, load) = RdnsTable::from_jsonl(SAMPLE.as_bytes(), "sample.jsonl");
    let problems: Vec<String> = load.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "sample.jsonl:9: not a JSON record: expected value at line 1 column 1",
            "sample.jsonl:10: member \"value\" is missing",
            "sample.jsonl:11: ptr record: \"not-an-ip\" is not an address or reverse name",
            "sample.jsonl:12: a record: \"2001:db8::1\" is of the wrong address family",
            "sample.jsonl:13: ptr record value: invalid DNS name \"bad..name\": empty label",
            "sample.jsonl:14: timestamp is neither a number nor a string of digits",
        ]
    );
    assert_eq!(load.lines, 16);
    assert_eq!(load.ignored, 1, "the mx record");
    assert_eq!(load.records, 8);

    // Case, trailing dot and IDN normalised; PTR owners in all three forms.
    assert_eq!(t.ptr_names(ip("192.0.2.10")), [name("mail.example.nl")]);
    assert_eq!(
        t.ptr_names(ip("192.0.2.11")),
        [name("xn--bcher-kva.example")]
    );
    assert_eq!(t.ptr_names(ip("2001:db8::1")), [name("v6.example.nl")]);
    assert_eq!(t.ptr_names(ip("198.51.100.1")), [name("dsl-1.isp.example")]);

    // Forward confirmation, directly and through a CNAME.
    assert_eq!(
        t.forward_confirmed(ip("192.0.2.10")),
        [&name("mail.example.nl")]
    );
    assert_eq!(
        t.forward_confirmed(ip("2001:db8::1")),
        [&name("v6.example.nl")]
    );
    assert!(
        t.forward_confirmed(ip("192.0.2.11")).is_empty(),
        "no A record"
    );
    assert!(
        t.forward_confirmed(ip("198.51.100.1")).is_empty(),
        "A record points elsewhere"
    );
    assert_eq!(
        t.forward_addresses(&name("www.example.nl")),
        [ip("192.0.2.10")]
    );
    assert!(t.is_forward_confirmed(ip("192.0.2.10"), &name("mail.example.nl")));
    assert!(!t.is_forward_confirmed(ip("192.0.2.10"), &name("www.example.nl")));
    assert_eq!(t.ptr_len(), 4);
    assert_eq!(t.forward_len(), 3);
    assert_eq!(t.records(), 8);
}

#[test]
fn reverse_owner_names() {
    assert_eq!(
        parse_ptr_owner("10.2.0.192.in-addr.arpa"),
        Some(ip("192.0.2.10"))
    );
    assert_eq!(
        parse_ptr_owner("10.2.0.192.IN-ADDR.ARPA."),
        Some(ip("192.0.2.10"))
    );
    let v6 = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa";
    assert_eq!(parse_ptr_owner(v6), Some(ip("2001:db8::1")));
    assert_eq!(parse_ptr_owner("2.0.192.in-addr.arpa"), None);
    assert_eq!(parse_ptr_owner("256.2.0.192.in-addr.arpa"), None);
    assert_eq!(parse_ptr_owner("x.0.8.b.d.0.1.0.0.2.ip6.arpa"), None);
    assert_eq!(parse_ptr_owner("mail.example.nl"), None);
    assert_eq!(parse_ptr_owner(""), None);
}

#[test]
fn line_length_cap() {
    let record = r#"{"name": "192.0.2.1", "type": "ptr", "value": "a.example"}"#;
    let pad = |total: usize| {
        let mut l = record.to_owned();
        l.insert_str(1, &" ".repeat(total - record.len()));
        l
    };
    let at_cap = pad(MAX_RDNS_LINE_LEN);
    assert_eq!(at_cap.len(), MAX_RDNS_LINE_LEN);
    let (t, load) = RdnsTable::from_jsonl(at_cap.as_bytes(), "x");
    assert!(load.problems.is_empty(), "{:?}", load.problems);
    assert_eq!(t.ptr_names(ip("192.0.2.1")).len(), 1);

    let over = pad(MAX_RDNS_LINE_LEN + 1);
    let (t, load) = RdnsTable::from_jsonl(over.as_bytes(), "x");
    assert!(t.is_empty());
    assert!(matches!(
        at(&load.problems).as_slice(),
        [(1, ErrorKind::TooLarge { max: MAX_RDNS_LINE_LEN, len, .. })] if *len == MAX_RDNS_LINE_LEN + 1
    ));
}

fn ptr_lines(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"name\": \"192.0.2.{i}\", \"type\": \"ptr\", \"value\": \"h{i}.example\"}}\n"
            )
        })
        .collect()
}

#[test]
fn line_count_cap() {
    let mut limits = RdnsLimits::default();
    limits.max_lines = 3;
    let mut t = RdnsTable::with_limits(limits);
    let load = t.extend_from_jsonl(ptr_lines(3).as_bytes(), "x");
    assert!(load.problems.is_empty());
    assert_eq!(load.records, 3);
    assert_eq!(load.lines, 3);

    let mut t = RdnsTable::with_limits(limits);
    let load = t.extend_from_jsonl(ptr_lines(4).as_bytes(), "x");
    assert_eq!(load.records, 3);
    assert!(matches!(
        at(&load.problems).as_slice(),
        [(4, ErrorKind::TooLarge { max: 3, .. })]
    ));
}

#[test]
fn values_per_key_cap() {
    let lines = |n: usize| -> String {
        (0..n)
            .map(|i| {
                format!(
                    "{{\"name\": \"192.0.2.1\", \"type\": \"ptr\", \"value\": \"h{i}.example\"}}\n"
                )
            })
            .collect()
    };
    let (t, load) = RdnsTable::from_jsonl(lines(MAX_VALUES_PER_KEY).as_bytes(), "x");
    assert!(load.problems.is_empty());
    assert_eq!(t.ptr_names(ip("192.0.2.1")).len(), MAX_VALUES_PER_KEY);
    let (t, load) = RdnsTable::from_jsonl(lines(MAX_VALUES_PER_KEY + 1).as_bytes(), "x");
    assert_eq!(load.problems.len(), 1);
    assert!(
        matches!(at(&load.problems)[0], (line, ErrorKind::Input { .. }) if line == MAX_VALUES_PER_KEY + 1)
    );
    assert_eq!(t.ptr_names(ip("192.0.2.1")).len(), MAX_VALUES_PER_KEY);

    // Duplicates do not count against the cap.
    let dup = "{\"name\": \"192.0.2.1\", \"type\": \"ptr\", \"value\": \"h.example\"}\n"
        .repeat(MAX_VALUES_PER_KEY + 5);
    let (t, load) = RdnsTable::from_jsonl(dup.as_bytes(), "x");
    assert!(load.problems.is_empty());
    assert_eq!(t.ptr_names(ip("192.0.2.1")).len(), 1);
}

#[test]
fn cname_chains_are_bounded_and_cycles_end() {
    let mut t = RdnsTable::new();
    // c0 -> c1 -> ... -> cN, with the address on the last name.
    let n = MAX_CNAME_DEPTH;
    for i in 0..n {
        t.insert_cname(
            name(&format!("c{i}.example")),
            name(&format!("c{}.example", i + 1)),
        );
    }
    assert!(t.insert_forward(name(&format!("c{n}.example")), ip("192.0.2.1")));
    assert_eq!(t.forward_addresses(&name("c0.example")), [ip("192.0.2.1")]);
    // One step more is not followed.
    t.insert_cname(name("start.example"), name("c0.example"));
    assert!(t.forward_addresses(&name("start.example")).is_empty());
    // A cycle ends.
    t.insert_cname(name("x.example"), name("y.example"));
    t.insert_cname(name("y.example"), name("x.example"));
    assert!(t.forward_addresses(&name("x.example")).is_empty());
}

#[test]
fn crlf_bom_and_blank_lines() {
    let data = "\u{feff}{\"name\": \"192.0.2.1\", \"type\": \"PTR\", \"value\": \"a.example\"}\r\n\r\n   \n{\"name\": \"a.example\", \"type\": \"A\", \"value\": \"192.0.2.1\", \"timestamp\": 1795216093}\r\n";
    let (t, load) = RdnsTable::from_jsonl(data.as_bytes(), "x");
    assert!(load.problems.is_empty(), "{:?}", load.problems);
    assert_eq!(load.lines, 4);
    assert_eq!(t.forward_confirmed(ip("192.0.2.1")).len(), 1);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        let (_, load) = RdnsTable::from_jsonl(&data, "fuzz");
        prop_assert!(load.records + load.ignored + load.problems.len() <= load.lines + 1);
    }

    #[test]
    fn every_line_is_accounted_for(lines in proptest::collection::vec(
        prop_oneof![
            Just(r#"{"name": "192.0.2.1", "type": "ptr", "value": "a.example"}"#.to_owned()),
            Just(r#"{"name": "a.example", "type": "a", "value": "192.0.2.1"}"#.to_owned()),
            Just(r#"{"name": "a.example", "type": "mx", "value": "b.example"}"#.to_owned()),
            "[ -~]{0,30}",
        ],
        0..30,
    )) {
        let data = lines.join("\n");
        let (_, load) = RdnsTable::from_jsonl(data.as_bytes(), "p");
        let blank = lines.iter().filter(|l| l.trim().is_empty()).count();
        prop_assert_eq!(load.records + load.ignored + load.problems.len() + blank, lines.len());
    }
}
