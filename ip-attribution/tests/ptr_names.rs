//! PTR names: normalisation, caps, registrable domain, generic/dynamic detection and forward
//! confirmation.

use std::net::IpAddr;

use ip_attribution::{
    DnsName, Error, ErrorKind, GenericReason, NameProblem, Separator, SuffixKind, analyze_ptr,
    generic_reasons, is_forward_confirmed,
    limits::{MAX_INPUT_NAME_LEN, MAX_LABEL_LEN, MAX_NAME_LEN},
    registrable_domain,
};
use proptest::prelude::*;

fn name(s: &str) -> DnsName {
    DnsName::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn problem(s: &str) -> NameProblem {
    match DnsName::parse(s).map_err(Error::into_kind) {
        Err(ErrorKind::InvalidName { problem, .. }) => problem,
        other => panic!("{s}: expected InvalidName, got {other:?}"),
    }
}

#[test]
fn normalises_case_trailing_dot_and_idn() {
    assert_eq!(name("Mail.Example.NL.").as_str(), "mail.example.nl");
    assert_eq!(name("bücher.example").as_str(), "xn--bcher-kva.example");
    assert_eq!(
        name("XN--BCHER-KVA.example").as_str(),
        "xn--bcher-kva.example"
    );
    assert_eq!(name("MÜNCHEN.test").as_str(), "xn--mnchen-3ya.test");
    assert_eq!(name("_dmarc.example.com").as_str(), "_dmarc.example.com");
    assert_eq!(name("a").as_str(), "a");
}

#[test]
fn rejects_invalid_names_with_a_reason() {
    assert_eq!(problem(""), NameProblem::Empty);
    assert_eq!(problem("."), NameProblem::Empty);
    assert_eq!(problem("a..b"), NameProblem::EmptyLabel);
    assert_eq!(problem(".a.b"), NameProblem::EmptyLabel);
    assert_eq!(problem("a.b.."), NameProblem::EmptyLabel);
    assert_eq!(problem("a b.example"), NameProblem::InvalidCharacter(' '));
    assert_eq!(problem("a/b.example"), NameProblem::InvalidCharacter('/'));
    assert_eq!(problem("-a.example"), NameProblem::HyphenAtLabelEdge);
    assert_eq!(problem("a-.example"), NameProblem::HyphenAtLabelEdge);
    assert_eq!(problem("*.example"), NameProblem::Wildcard);
    assert_eq!(problem("xn--zz.example"), NameProblem::Idna);
    // The error names the offending input.
    let e = DnsName::parse("a b").unwrap_err();
    assert!(e.to_string().contains("\"a b\""), "{e}");
}

#[test]
fn label_length_cap() {
    let ok = format!("{}.example", "a".repeat(MAX_LABEL_LEN));
    assert!(DnsName::parse(&ok).is_ok());
    let over = format!("{}.example", "a".repeat(MAX_LABEL_LEN + 1));
    assert_eq!(
        problem(&over),
        NameProblem::LabelTooLong {
            len: MAX_LABEL_LEN + 1,
            max: MAX_LABEL_LEN
        }
    );
}

/// A name of exactly `len` octets made of 50-octet labels.
fn name_of_len(len: usize) -> String {
    let mut s = String::new();
    while s.len() < len {
        if !s.is_empty() {
            s.push('.');
        }
        let room = len - s.len();
        let l = room.min(50);
        s.push_str(&"b".repeat(l));
    }
    s
}

#[test]
fn name_length_cap() {
    let ok = name_of_len(MAX_NAME_LEN);
    assert_eq!(ok.len(), MAX_NAME_LEN);
    assert!(DnsName::parse(&ok).is_ok());
    let over = name_of_len(MAX_NAME_LEN + 1);
    assert_eq!(
        problem(&over),
        NameProblem::TooLong {
            len: MAX_NAME_LEN + 1,
            max: MAX_NAME_LEN
        }
    );
    // A trailing dot does not count.
    assert!(DnsName::parse(&format!("{ok}.")).is_ok());
}

#[test]
fn input_length_cap() {
    // Just under the input cap but over the name cap: refused as a long name.
    let under = "a".repeat(MAX_INPUT_NAME_LEN);
    assert!(matches!(
        problem(&under),
        NameProblem::LabelTooLong { .. } | NameProblem::TooLong { .. }
    ));
    let over = "a".repeat(MAX_INPUT_NAME_LEN + 1);
    assert_eq!(
        problem(&over),
        NameProblem::TooLong {
            len: MAX_INPUT_NAME_LEN + 1,
            max: MAX_INPUT_NAME_LEN
        }
    );
}

#[test]
fn registrable_domain_icann_private_and_unlisted() {
    let r = registrable_domain(&name("a.b.example.co.uk")).unwrap();
    assert_eq!(r.domain, "example.co.uk");
    assert_eq!(r.suffix, "co.uk");
    assert_eq!(r.suffix_kind, SuffixKind::Icann);

    // Private section used: a platform customer is its own registrable domain.
    let r = registrable_domain(&name("www.customer.github.io")).unwrap();
    assert_eq!(r.domain, "customer.github.io");
    assert_eq!(r.suffix_kind, SuffixKind::Private);

    // Fictional TLDs fall under the default `*` rule.
    let r = registrable_domain(&name("mail.bakery.test")).unwrap();
    assert_eq!(
        (r.domain.as_str(), r.suffix.as_str()),
        ("bakery.test", "test")
    );
    assert_eq!(r.suffix_kind, SuffixKind::Unlisted);
    let r = registrable_domain(&name("x.y.shop.example")).unwrap();
    assert_eq!(r.domain, "shop.example");

    let r = registrable_domain(&name("www.example.nl")).unwrap();
    assert_eq!(r.domain, "example.nl");

    // A bare public suffix has no registrable domain.
    assert_eq!(registrable_domain(&name("co.uk")), None);
    assert_eq!(registrable_domain(&name("github.io")), None);
    assert_eq!(registrable_domain(&name("test")), None);
}

#[test]
fn within_domain() {
    let n = name("a.b.example.nl");
    assert!(n.is_within("example.nl"));
    assert!(n.is_within("EXAMPLE.NL."));
    assert!(n.is_within("a.b.example.nl"));
    assert!(!n.is_within("le.nl"));
    assert!(!n.is_within(""));
}

fn reasons(addr: &str, n: &str) -> Vec<GenericReason> {
    generic_reasons(ip(addr), &name(n))
}

fn embedded(reversed: bool, separator: Separator, zero_padded: bool) -> GenericReason {
    GenericReason::Ipv4Embedded {
        reversed,
        separator,
        zero_padded,
    }
}

#[test]
fn ipv4_embedded_forms() {
    let a = "192.0.2.10";
    assert!(
        reasons(a, "192-0-2-10.provider.example").contains(&embedded(
            false,
            Separator::Dash,
            false
        ))
    );
    assert!(
        reasons(a, "192.0.2.10.static.provider.example").contains(&embedded(
            false,
            Separator::Dot,
            false
        ))
    );
    assert!(
        reasons(a, "10.2.0.192.provider.example").contains(&embedded(true, Separator::Dot, false))
    );
    assert!(
        reasons(a, "10-2-0-192.provider.example").contains(&embedded(true, Separator::Dash, false))
    );
    assert!(
        reasons(a, "c-192-000-002-010.provider.example").contains(&embedded(
            false,
            Separator::Dash,
            true
        ))
    );
    assert!(
        reasons(a, "host192000002010.provider.example").contains(&embedded(
            false,
            Separator::None,
            true
        ))
    );
    assert!(
        reasons(a, "ip192-0-2.10.provider.example").contains(&embedded(
            false,
            Separator::Mixed,
            false
        ))
    );
    assert!(reasons(a, "h3221225994.provider.example").contains(&GenericReason::Ipv4Decimal));
    assert!(reasons(a, "ipc000020a.provider.example").contains(&GenericReason::Ipv4Hex));
    assert!(
        reasons(a, "0-2-10.dialin.provider.example")
            .contains(&GenericReason::Ipv4Partial { reversed: false })
    );
    assert!(
        reasons(a, "10.2.0.provider.example")
            .contains(&GenericReason::Ipv4Partial { reversed: true })
    );
}

#[test]
fn another_address_is_not_embedded() {
    let r = reasons("192.0.2.11", "192-0-2-10.provider.example");
    assert!(
        !r.iter()
            .any(|x| matches!(x, GenericReason::Ipv4Embedded { .. })),
        "{r:?}"
    );
    assert!(reasons("192.0.2.10", "mail.bakery.example").is_empty());
    assert!(reasons("192.0.2.10", "server01.bakery-2010.example").is_empty());
}

#[test]
fn ipv6_forms() {
    let a = "2001:db8:0:1::a";
    let reversed =
        "a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.isp.example";
    assert!(reasons(a, reversed).contains(&GenericReason::Ipv6Nibbles { reversed: true }));
    // Only the lower 64 bits, reversed.
    let half = "a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.v6.isp.example";
    assert!(reasons(a, half).contains(&GenericReason::Ipv6Nibbles { reversed: true }));
    let forward = "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.a.isp.example";
    assert!(reasons(a, forward).contains(&GenericReason::Ipv6Nibbles { reversed: false }));
    assert!(reasons(a, "2001-db8-0-1--a.isp.example").contains(&GenericReason::Ipv6Groups));
    assert!(
        reasons(a, "2001-0db8-0000-0001-0000-0000-0000-000a.isp.example")
            .contains(&GenericReason::Ipv6Groups)
    );
    assert!(
        reasons(a, "x20010db800000001000000000000000a.isp.example")
            .contains(&GenericReason::Ipv6Groups)
    );
    assert!(reasons(a, "mail.bakery.example").is_empty());
    // IPv4-mapped IPv6 addresses are treated as IPv4.
    assert!(!reasons("::ffff:192.0.2.10", "192-0-2-10.isp.example").is_empty());
}

#[test]
fn tokens_in_the_host_part_only() {
    let r = reasons("192.0.2.10", "dsl12.pool-3.provider.example");
    assert!(r.contains(&GenericReason::Token("dsl")));
    assert!(r.contains(&GenericReason::Token("pool")));
    assert!(
        reasons("192.0.2.10", "clients.provider.example").contains(&GenericReason::Token("client"))
    );
    // A token inside the registrable domain (the provider's own name) is not a reason.
    assert!(reasons("192.0.2.10", "www.brabant-dsl.example").is_empty());
    // Whole words only.
    assert!(reasons("192.0.2.10", "hosting.bakery.example").is_empty());
    assert!(reasons("192.0.2.10", "poolside.bakery.example").is_empty());
    // Every token of the knowledge table is lowercase and matched by itself.
    for t in ip_attribution::Knowledge::builtin_ref().generic_tokens() {
        assert_eq!(t.to_ascii_lowercase(), *t);
        assert!(
            t.len() >= 2 && t.bytes().all(|b| b.is_ascii_lowercase()),
            "{t}"
        );
        let n = format!("{t}.provider.example");
        assert!(
            reasons("192.0.2.10", &n).contains(&GenericReason::Token(t)),
            "{t}"
        );
    }
}

#[test]
fn analysis_summary() {
    let a = analyze_ptr(
        ip("198.51.100.7"),
        &name("198-51-100-7.Static.ISP.example."),
    );
    assert_eq!(a.name.as_str(), "198-51-100-7.static.isp.example");
    assert_eq!(a.registrable.as_ref().unwrap().domain, "isp.example");
    assert!(a.is_generic());
    assert!(a.embeds_address());
    let b = analyze_ptr(ip("198.51.100.7"), &name("static.isp.example"));
    assert!(b.is_generic());
    assert!(!b.embeds_address());
}

#[test]
fn forward_confirmation() {
    let fwd = [ip("192.0.2.9"), ip("192.0.2.10")];
    assert!(is_forward_confirmed(ip("192.0.2.10"), &fwd));
    assert!(!is_forward_confirmed(ip("192.0.2.11"), &fwd));
    assert!(is_forward_confirmed(ip("::ffff:192.0.2.10"), &fwd));
    assert!(!is_forward_confirmed(ip("192.0.2.10"), &[]));
}

proptest! {
    #[test]
    fn parse_is_total_and_idempotent(s in "\\PC{0,80}") {
        if let Ok(n) = DnsName::parse(&s) {
            prop_assert!(n.as_str().len() <= MAX_NAME_LEN);
            let again = DnsName::parse(n.as_str()).unwrap();
            prop_assert_eq!(again, n);
        }
    }

    #[test]
    fn ascii_names_are_lowercased(labels in proptest::collection::vec("[a-zA-Z0-9]{1,10}", 1..5)) {
        let s = labels.join(".");
        let n = DnsName::parse(&s).unwrap();
        prop_assert_eq!(n.as_str(), s.to_ascii_lowercase());
    }

    #[test]
    fn dashed_ipv4_is_always_found(a in any::<[u8; 4]>()) {
        let addr = IpAddr::from(a);
        let n = name(&format!("{}-{}-{}-{}.pool.isp.example", a[0], a[1], a[2], a[3]));
        let r = generic_reasons(addr, &n);
        let found = r.contains(&embedded(false, Separator::Dash, false));
        prop_assert!(found, "{:?}", r);
    }

    #[test]
    fn reversed_nibbles_are_always_found(v in any::<u128>()) {
        let addr = IpAddr::from(std::net::Ipv6Addr::from(v));
        let hex = format!("{v:032x}");
        let labels: Vec<String> = hex.chars().rev().map(|c| c.to_string()).collect();
        let n = name(&format!("{}.ip6.isp.example", labels.join(".")));
        let found = generic_reasons(addr, &n).contains(&GenericReason::Ipv6Nibbles { reversed: true });
        prop_assert!(found);
    }

    #[test]
    fn analysis_never_panics(s in "[a-z0-9.-]{1,60}", a in any::<u32>()) {
        if let Ok(n) = DnsName::parse(&s) {
            let _ = analyze_ptr(IpAddr::from(std::net::Ipv4Addr::from(a)), &n);
        }
    }
}
