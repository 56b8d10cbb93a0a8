//! Feeds: Shadowserver CSV by header (any column order, quoted fields, tag lists, IPv4 and IPv6
//! report variants, a hostile row) and IntelMQ JSON lines.

use ip_attribution::{FeedFormat, detect_feed_format, read_feed};

#[test]
fn hostile_row_is_an_ordinary_finding() {
    let text = concat!(
        "\"timestamp\",\"severity\",\"ip\",\"protocol\",\"port\",\"hostname\",\"tag\",\"subject_common_name\"\n",
        "\"2025-03-04 01:13:02\",\"high\",\"203.0.113.5\",\"tcp\",3389,\"host-5.dsl.example.net\",\"rdp\",\"<img src=x onerror=alert(1)>\"\"evil\"\"&\u{202e}txt.exe\"\n",
    );
    let f = read_feed("scan_rdp.csv", text.as_bytes()).expect("feed");
    assert_eq!(f.len(), 1);
    assert!(f[0].is_usable());
    assert_eq!(f[0].line, 2);
    assert_eq!(f[0].hostname.as_deref(), Some("host-5.dsl.example.net"));
}

#[test]
fn ipv6_variant_and_tag_separators() {
    let text = "\"tag\",\"port\",\"ip\",\"timestamp\"\n\"rdp,vpn;ssl\",3389,\"2001:db8::10\",\"2026-11-22 00:02:19\"\n";
    let f = read_feed("2026-11-22-scan6_rdp-world.csv", text.as_bytes()).expect("feed");
    assert_eq!(&*f[0].report_type, "scan6_rdp");
    assert_eq!(f[0].tags, ["rdp", "vpn", "ssl"]);
    assert!(f[0].ip.is_some_and(|ip| ip.is_ipv6()));
    assert!(f[0].observed.is_some());
}

#[test]
fn format_is_recognised_from_content() {
    assert_eq!(
        detect_feed_format(b"  {\"source.ip\": \"192.0.2.1\"}"),
        FeedFormat::IntelMqJsonLines
    );
    assert_eq!(
        detect_feed_format(b"\"timestamp\",\"ip\"\n"),
        FeedFormat::ShadowserverCsv
    );
    let f = read_feed(
        "events.jsonl",
        b"{\"source.ip\": \"192.0.2.1\", \"feed.name\": \"Accessible-RDP\"}\n",
    )
    .expect("feed");
    assert_eq!(&*f[0].report_type, "accessible-rdp");
}

#[test]
fn a_csv_without_an_address_column_is_unusable() {
    let err = read_feed("x.csv", b"\"a\",\"b\"\n1,2\n").expect_err("no ip column");
    assert!(err.to_string().contains("x.csv:1"));
}
