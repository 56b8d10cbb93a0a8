//! Differential test of our URI parser against `fluent-uri`, a maintained parser that follows
//! RFC 3986 strictly: on generated IP-literal authorities (RFC 3986 section 3.2.2: IPv6address
//! or IPvFuture between brackets) and on the hand-picked cases below, both accept or both
//! refuse.

use proptest::prelude::*;
use std::net::Ipv6Addr;

fn ours(s: &str) -> bool {
    securitytxt::parse_uri(s).is_ok()
}

fn theirs(s: &str) -> bool {
    fluent_uri::Uri::parse(s).is_ok()
}

#[track_caller]
fn agree(s: &str) {
    assert_eq!(
        ours(s),
        theirs(s),
        "{s:?}: ours {} fluent-uri {}",
        ours(s),
        theirs(s)
    );
}

#[test]
fn listed_cases() {
    for lit in [
        "A",
        ":",
        ".",
        "",
        "::",
        "::1",
        "2001:db8::1",
        "::ffff:192.0.2.1",
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        "12345::",
        "::1.2.3.04",
        "::1.2.3.256",
        "::1.2.3",
        "1:2:3:4:5:6:1.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4",
        "fe80::1%25en0",
        "fe80::1%en0",
        "v1.x",
        "V7.x",
        "v1",
        "v.x",
        "vx.y",
        "v1.",
        "v1.fe80::a+en1",
        "v12AF.a:b!$&'()*+,;=-._~",
        "v1.a/b",
        "v1.a%20",
        "::g",
        "[::1]",
        " ::1",
        "::1 ",
        "0:0:0:0:0:0:0:0",
        "::0:0",
        ":1::",
        "1::",
        "1:::2",
        ":::",
        "ffff::ffff:ffff:ffff:ffff:ffff:ffff",
    ] {
        agree(&format!("https://[{lit}]/"));
        agree(&format!("https://[{lit}]:8443/p?q#f"));
        agree(&format!("https://user@[{lit}]/"));
    }
    for uri in [
        "https://[A]/",
        "https://[:]/",
        "https://[.]/",
        "https://[::1/",
        "https://::1]/",
        "https://[::1]x/",
        "https://[::1]:x/",
        "https://example.com/",
        "mailto:security@example.com",
        "tel:+1-201-555-0123",
    ] {
        agree(uri);
    }
}

/// Text between the brackets: characters that matter to the IP-literal grammar.
fn literal_chars() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(&b"0123456789abcdefABCDEF:.vV%25xg+-_~!$&'()*,;=/ "[..]),
        0..45,
    )
    .prop_map(|b| String::from_utf8(b).unwrap_or_default())
}

/// Real IPv6 addresses in their usual and full forms, some with an IPv4 tail, then perhaps
/// spoilt by one edit.
fn ipv6_text() -> impl Strategy<Value = String> {
    (
        any::<[u16; 8]>(),
        0usize..4,
        prop::option::of((0usize..50, prop::sample::select(&b":.0fgv%x"[..]))),
        0usize..3,
    )
        .prop_map(|(segments, zeros, edit, form)| {
            let mut segments = segments;
            for s in segments.iter_mut().take(zeros * 2) {
                *s = 0;
            }
            let addr = Ipv6Addr::from(segments);
            let mut text = match form {
                0 => addr.to_string(),
                1 => segments
                    .iter()
                    .map(|s| format!("{s:x}"))
                    .collect::<Vec<_>>()
                    .join(":"),
                _ => {
                    let o = addr.octets();
                    let six: Vec<String> = segments[..6].iter().map(|s| format!("{s:x}")).collect();
                    format!("{}:{}.{}.{}.{}", six.join(":"), o[12], o[13], o[14], o[15])
                }
            };
            if let Some((at, c)) = edit {
                let at = at.min(text.len());
                text.insert(at, c as char);
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn ip_literals_agree_with_fluent_uri(lit in literal_chars()) {
        let uri = format!("https://[{lit}]/");
        prop_assert_eq!(ours(&uri), theirs(&uri), "{:?}", uri);
    }

    #[test]
    fn ipv6_addresses_agree_with_fluent_uri(lit in ipv6_text()) {
        let uri = format!("https://[{lit}]:443/x");
        prop_assert_eq!(ours(&uri), theirs(&uri), "{:?}", uri);
    }

    #[test]
    fn ipvfuture_agrees_with_fluent_uri(
        v in "[vV]",
        digits in "[0-9a-fA-Fg]{0,3}",
        dot in "[.]?",
        tail in "[a-zA-Z0-9:._~!$&'()*+,;=%/@ -]{0,8}",
    ) {
        let uri = format!("https://[{v}{digits}{dot}{tail}]/");
        prop_assert_eq!(ours(&uri), theirs(&uri), "{:?}", uri);
    }
}
