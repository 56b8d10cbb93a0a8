//! PTR name analysis for arbitrary strings and addresses.
//!
//! Asserts: a name that parses is normalised (non-empty, at most 253 octets, labels 1..=63
//! octets of lowercase letters, digits, `-` and `_`, no trailing dot) and parsing it again gives
//! the same name; a name that does not parse is reported as an invalid name; the registrable
//! domain is the name itself or a suffix of it at a label boundary, its public suffix is a
//! proper suffix of the domain, and the name `is_within` it; `analyze_ptr` agrees with the
//! single-purpose functions; an address is forward-confirmed by itself.
#![no_main]

use ip_attribution::{
    DnsName, ErrorKind, analyze_ptr, generic_reasons, is_forward_confirmed,
    limits::{MAX_LABEL_LEN, MAX_NAME_LEN},
    registrable_domain,
};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Arbitrary, Debug)]
struct Input {
    v6: bool,
    address: [u8; 16],
    name: String,
}

fn is_suffix_at_label(name: &str, suffix: &str) -> bool {
    name == suffix
        || name
            .strip_suffix(suffix)
            .is_some_and(|head| head.ends_with('.'))
}

fuzz_target!(|input: Input| {
    let ip = if input.v6 {
        IpAddr::V6(Ipv6Addr::from(input.address))
    } else {
        let [a, b, c, d, ..] = input.address;
        IpAddr::V4(Ipv4Addr::new(a, b, c, d))
    };
    assert!(is_forward_confirmed(ip, &[ip]));

    let name = match DnsName::parse(&input.name) {
        Ok(name) => name,
        Err(e) if matches!(e.kind(), ErrorKind::InvalidName { .. }) => return,
        Err(e) => panic!("unexpected error kind: {e}"),
    };
    let s = name.as_str();
    assert!(!s.is_empty() && s.len() <= MAX_NAME_LEN, "{s:?}");
    assert!(!s.ends_with('.'));
    for label in name.labels() {
        assert!(!label.is_empty() && label.len() <= MAX_LABEL_LEN, "{s:?}");
        assert!(
            label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'),
            "{s:?}"
        );
    }
    assert_eq!(
        DnsName::parse(s).ok().as_ref(),
        Some(&name),
        "normalising is idempotent"
    );

    let registrable = name.registrable_domain();
    assert_eq!(registrable, registrable_domain(&name));
    if let Some(r) = &registrable {
        assert!(is_suffix_at_label(s, &r.domain), "{r:?} of {s:?}");
        assert!(
            r.domain != r.suffix && is_suffix_at_label(&r.domain, &r.suffix),
            "{r:?}"
        );
        assert!(name.is_within(&r.domain), "{s:?} not within {r:?}");
    }

    let analysis = analyze_ptr(ip, &name);
    assert_eq!(analysis.ip, ip);
    assert_eq!(analysis.name, name);
    assert_eq!(analysis.registrable, registrable);
    assert_eq!(analysis.generic_reasons, generic_reasons(ip, &name));
    assert_eq!(analysis.is_generic(), !analysis.generic_reasons.is_empty());
    if analysis.embeds_address() {
        assert!(analysis.is_generic());
    }
});
