//! The registry index over constructed fixtures, and against a linear-scan oracle.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ip_attribution::{
    AbuseVia, Attribution, IndexBuilder, PlaceholderReason, RegistryIndex, RpslObject, RpslReader,
};
use proptest::prelude::*;

fn objects(name: &str, bytes: &[u8]) -> Vec<RpslObject> {
    RpslReader::from_slice(name, bytes)
        .filter_map(Result::ok)
        .collect()
}

fn fixture_index() -> RegistryIndex {
    fixture_builder().build()
}

fn fixture_builder() -> IndexBuilder {
    let mut b = IndexBuilder::new();
    b.extend(objects(
        "ripe-dump.db",
        include_bytes!("data/rpsl/ripe-dump.db"),
    ));
    b.extend(objects(
        "ripe-answer.txt",
        include_bytes!("data/rpsl/ripe-answer.txt"),
    ));
    b.extend(objects(
        "arin-answer.txt",
        include_bytes!("data/rpsl/arin-answer.txt"),
    ));
    b.extend(objects("lacnic.db", include_bytes!("data/rpsl/lacnic.db")));
    b
}

/// What an attribution says (its network by handle; a view's `Debug` shows the whole index).
fn answer(a: &Option<Attribution<'_>>) -> Option<String> {
    a.as_ref().map(|a| {
        format!(
            "{} {:?} {:?} {:?}",
            a.network.handle(),
            a.netname,
            a.abuse_mailbox,
            a.abuse_via
        )
    })
}

/// The snapshot's index is built without the lookup tables; every answer is the same as the
/// eagerly built index's, the tables made on first use.
#[test]
fn lookup_tables_built_on_first_use_answer_the_same() {
    let eager = fixture_index();
    let lazy = fixture_builder().build_without_lookup_tables();
    assert!(eager.hot_record_bytes() > 0);
    assert_eq!(lazy.hot_record_bytes(), 0, "no hot records before a lookup");
    let ips: Vec<IpAddr> = [
        "192.0.2.10",
        "192.0.2.20",
        "192.0.2.45",
        "192.0.2.100",
        "192.0.2.255",
        "198.51.100.7",
        "203.0.113.9",
        "10.1.2.3",
        "2001:db8::1",
        "2001:db8:1::5",
        "200.7.84.1",
    ]
    .iter()
    .map(|s| ip(s))
    .collect();
    // the evidence path leaves the tables unbuilt
    for &a in &ips {
        assert_eq!(
            format!("{:?}", lazy.evidence_networks(a)),
            format!("{:?}", eager.evidence_networks(a))
        );
    }
    assert_eq!(
        lazy.hot_record_bytes(),
        0,
        "evidence lookups need no hot records"
    );
    for &a in &ips {
        assert_eq!(answer(&lazy.attribute(a)), answer(&eager.attribute(a)));
        let all = |i: &RegistryIndex| -> Vec<String> {
            i.lookup_all(a)
                .map(|n| format!("{:?}", n.netname()))
                .collect()
        };
        assert_eq!(all(&lazy), all(&eager));
        let abuse = |i: &RegistryIndex| -> Vec<String> {
            i.lookup(a).map(|n| format!("{:?}", n.abuse())).collect()
        };
        assert_eq!(abuse(&lazy), abuse(&eager));
    }
    let (mut l, mut e) = (Vec::new(), Vec::new());
    lazy.attribute_many(&ips, &mut l);
    eager.attribute_many(&ips, &mut e);
    let answers = |v: &[Option<Attribution<'_>>]| v.iter().map(answer).collect::<Vec<_>>();
    assert_eq!(answers(&l), answers(&e));
    assert_eq!(lazy.hot_record_bytes(), eager.hot_record_bytes());
    assert_eq!(
        lazy.lookup_structure_bytes(),
        eager.lookup_structure_bytes()
    );
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

#[test]
fn most_specific_first_with_non_aligned_ranges() {
    let idx = fixture_index();
    let names = |a: &str| -> Vec<String> {
        idx.lookup(ip(a))
            .map(|n| n.netname().unwrap_or("-").to_owned())
            .collect()
    };
    assert_eq!(names("192.0.2.10"), ["CUSTOMER-NET", "EXAMPLE-LIR-NET"]);
    assert_eq!(names("192.0.2.45"), ["CUSTOMER-NET", "EXAMPLE-LIR-NET"]);
    assert_eq!(names("192.0.2.9"), ["EXAMPLE-LIR-NET"]);
    assert_eq!(names("192.0.2.46"), ["EXAMPLE-LIR-NET"]);
    assert_eq!(names("192.0.2.100"), ["NO-ABUSE-C-NET", "EXAMPLE-LIR-NET"]);
    // Outside every real network only the placeholder covers it: no answer.
    assert!(names("10.1.2.3").is_empty());
    let all: Vec<_> = idx.lookup_all(ip("10.1.2.3")).collect();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].netname(), Some("IANA-BLK"));
    assert!(all[0].placeholder());
    assert_eq!(
        all[0].placeholder_reason(),
        Some(PlaceholderReason::WholeAddressSpace)
    );
    // The placeholder is still last in the full list.
    let full: Vec<_> = idx
        .lookup_all(ip("192.0.2.10"))
        .map(|n| n.placeholder())
        .collect();
    assert_eq!(full, [false, false, true]);
}

#[test]
fn views_carry_facts_for_the_policy() {
    let idx = fixture_index();
    let nets: Vec<_> = idx.lookup(ip("192.0.2.20")).collect();
    let (customer, lir) = (nets[0], nets[1]);
    assert_eq!(customer.status(), Some("ASSIGNED PA"));
    assert_eq!(lir.status(), Some("ALLOCATED PA"));
    assert_eq!(customer.org_handle(), Some("ORG-CB2-TEST"));
    assert_eq!(customer.org_name(), Some("Customer B.V."));
    assert_eq!(lir.org().map(|o| o.handle()), Some("ORG-EL1-TEST"));
    assert_eq!(customer.source().name.as_ref(), "ripe-dump.db");
    assert_eq!(customer.source().line, 16);
    assert_eq!(customer.range().to_string(), "192.0.2.10 - 192.0.2.45");
    assert_eq!(customer.cidrs().len(), 6);
    let abuse = customer.abuse().expect("abuse");
    assert_eq!(abuse.mailbox, "Abuse@customer.example");
    assert_eq!(abuse.via, AbuseVia::AbuseC);
    assert_eq!(abuse.handle, Some("CB1-TEST"));
    let abuse = lir.abuse().expect("lir abuse");
    assert_eq!(
        (abuse.mailbox, abuse.via),
        ("abuse@lir.example", AbuseVia::OrgAbuseC)
    );
    assert_eq!(lir.irt_handle(), Some("IRT-EXAMPLE-LIR"));
    // No abuse-c, no org: nothing of its own; `abuse_for` walks up to the allocation.
    let plain = idx.most_specific(ip("192.0.2.100")).expect("net");
    assert!(plain.abuse().is_none());
    let (from, abuse) = idx.abuse_for(ip("192.0.2.100")).expect("inherited");
    assert_eq!(from.netname(), Some("EXAMPLE-LIR-NET"));
    assert_eq!(abuse.mailbox, "abuse@lir.example");
}

#[test]
fn abuse_comment_arin_and_lacnic_resolution() {
    let idx = fixture_index();
    let shop = idx.most_specific(ip("203.0.113.130")).expect("shop");
    assert_eq!(shop.netname(), Some("SHOP-NET"));
    let a = shop.abuse().expect("comment");
    assert_eq!(
        (a.mailbox, a.via),
        ("abuse@hoster.example", AbuseVia::AbuseComment)
    );

    let cust = idx
        .most_specific(ip("198.51.100.130"))
        .expect("arin customer");
    assert_eq!(cust.handle(), "NET-198-51-100-128-1");
    assert_eq!(cust.status(), Some("Reassigned"));
    let a = cust.abuse().expect("RAbuse");
    assert_eq!(
        (a.mailbox, a.via),
        ("abuse@customer-corp.example", AbuseVia::ArinResourceAbuse)
    );
    assert_eq!(cust.org_name(), Some("Customer Corp"));
    let isp = idx.most_specific(ip("198.51.100.1")).expect("arin isp");
    let a = isp.abuse().expect("OrgAbuseEmail");
    assert_eq!(
        (a.mailbox, a.via),
        ("abuse@isp.example", AbuseVia::ArinOrgAbuse)
    );

    let lac = idx.most_specific(ip("148.204.13.1")).expect("lacnic");
    assert_eq!(lac.org_name(), Some("Cliente Ltda"));
    let a = lac.abuse().expect("person e-mail");
    assert_eq!(
        (a.mailbox, a.via),
        ("abuse@cliente.example", AbuseVia::AbuseCEmail)
    );
}

#[test]
fn ipv6_placeholders_and_origin_abuse() {
    let idx = fixture_index();
    let v6: Vec<_> = idx.lookup_all(ip("2001:db8:a000::1")).collect();
    assert_eq!(v6.len(), 2);
    assert!(v6[0].placeholder());
    assert_eq!(v6[0].placeholder_reason(), Some(PlaceholderReason::Netname));
    let v6: Vec<_> = idx.lookup(ip("2001:db8:a000::1")).collect();
    assert_eq!(v6.len(), 1);
    assert_eq!(v6[0].netname(), Some("EXAMPLE-V6"));

    let o = idx.origin_abuse(ip("192.0.2.200")).expect("asn abuse");
    assert_eq!(o.asn, 64500);
    let first = o.abuse.first().expect("an address");
    assert_eq!(
        (first.mailbox, first.via),
        ("abuse@lir.example", AbuseVia::AutNumOrg)
    );
    assert_eq!(
        idx.asn_abuse(ip("192.0.2.200")),
        [(
            "abuse@lir.example".to_owned(),
            format!("{} (AS64500)", o.source.name)
        )]
    );
    assert!(idx.origin_abuse(ip("2001:db8::1")).is_some());
    assert_eq!(idx.routes(ip("203.0.113.1")).count(), 1);
}

/// The first copy of an object wins, dummified or not (the snapshot's rule, kept by the one
/// registry model: a saved answer does not replace a dump's object).
#[test]
fn the_first_copy_wins() {
    let dummy = b"role: R\naddress: Dummy address for R1-TEST\nnic-hdl: R1-TEST\n\ninetnum: 192.0.2.0 - 192.0.2.255\nnetname: FIRST\nremarks: * THIS OBJECT IS MODIFIED\n";
    let full = b"role: R\nabuse-mailbox: abuse@full.example\nnic-hdl: R1-TEST\n\ninetnum: 192.0.2.0 - 192.0.2.255\nnetname: SECOND\nabuse-c: R1-TEST\n";
    let mut b = IndexBuilder::new();
    b.extend(objects("dump", dummy));
    b.extend(objects("answer", full));
    let idx = b.build();
    assert_eq!(idx.stats().networks, 1);
    assert_eq!(idx.stats().duplicates, 2);
    let net = idx.most_specific(ip("192.0.2.1")).expect("net");
    assert_eq!(net.netname(), Some("FIRST"));
    assert_eq!(net.abuse().map(|a| a.mailbox), None);
    // In the other order the full copies are first.
    let mut b = IndexBuilder::new();
    b.extend(objects("answer", full));
    b.extend(objects("dump", dummy));
    let idx = b.build();
    let net = idx.most_specific(ip("192.0.2.1")).expect("net");
    assert_eq!(net.netname(), Some("SECOND"));
    assert_eq!(net.abuse().map(|a| a.mailbox), Some("abuse@full.example"));
}

#[test]
fn repeated_objects_count_once() {
    let mut b = IndexBuilder::new();
    let answer = include_bytes!("data/rpsl/ripe-answer.txt");
    b.extend(objects("a.txt", answer));
    let first = b.duplicates();
    b.extend(objects("b.txt", answer));
    assert_eq!(first, 0);
    let n = objects("a.txt", answer).len();
    // Networks are deduplicated when the index is built.
    assert_eq!(b.duplicates(), n - 2);
    let idx = b.build();
    assert_eq!(idx.stats().duplicates, n);
    assert_eq!(idx.stats().networks, 2);
    assert_eq!(idx.stats().routes, 1);
    assert_eq!(idx.stats().abuse_comments, 3);
}

// ---- oracle ----

fn v4(x: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(x))
}

fn build_ranges(ranges: &[(u32, u32)]) -> RegistryIndex {
    let mut text = String::new();
    for (i, (a, b)) in ranges.iter().enumerate() {
        let (s, e) = if a <= b { (a, b) } else { (b, a) };
        text.push_str(&format!(
            "inetnum: {} - {}\nnetname: N{i}\n\n",
            v4(*s),
            v4(*e)
        ));
    }
    RegistryIndex::from_objects(
        RpslReader::from_slice("gen", text.as_bytes()).filter_map(Result::ok),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn lookup_equals_linear_scan(
        ranges in prop::collection::vec((0u32..4096, 0u32..4096), 1..40),
        probes in prop::collection::vec(0u32..4200, 1..60),
    ) {
        let idx = build_ranges(&ranges);
        // Distinct ranges, as the index keys networks by range.
        let mut uniq: Vec<(u32, u32)> = ranges.iter().map(|&(a, b)| (a.min(b), a.max(b))).collect();
        uniq.sort_unstable();
        uniq.dedup();
        for p in probes {
            let got: Vec<(u32, u32)> = idx
                .lookup(v4(p))
                .map(|n| {
                    let r = n.range();
                    let k = |ip: IpAddr| match ip { IpAddr::V4(a) => u32::from(a), IpAddr::V6(_) => u32::MAX };
                    (k(r.start()), k(r.end()))
                })
                .collect();
            let mut want: Vec<(u32, u32)> = uniq.iter().copied().filter(|&(s, e)| s <= p && p <= e).collect();
            want.sort_by_key(|&(s, e)| (e - s, std::cmp::Reverse(s)));
            prop_assert_eq!(got, want, "probe {}", p);
        }
    }

    #[test]
    fn ipv6_lookup_equals_linear_scan(
        nets in prop::collection::vec((0u128..64, 116u8..=128), 1..30),
        probes in prop::collection::vec(0u128..80, 1..30),
    ) {
        let base = u128::from(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0));
        let mut text = String::new();
        for (x, len) in &nets {
            text.push_str(&format!("inet6num: {}/{len}\n\n", Ipv6Addr::from(base + x)));
        }
        let idx = RegistryIndex::from_objects(RpslReader::from_slice("gen6", text.as_bytes()).filter_map(Result::ok));
        let mut uniq: Vec<(u128, u128)> = nets
            .iter()
            .map(|&(x, len)| {
                let host = 128 - u32::from(len);
                let mask = if host == 0 { 0 } else { (1u128 << host) - 1 };
                let s = (base + x) & !mask;
                (s, s | mask)
            })
            .collect();
        uniq.sort_unstable();
        uniq.dedup();
        for p in probes {
            let a = IpAddr::V6(Ipv6Addr::from(base + p));
            let got: Vec<u128> = idx
                .lookup(a)
                .map(|n| match n.range().start() { IpAddr::V6(s) => u128::from(s), IpAddr::V4(_) => 0 })
                .collect();
            let mut want: Vec<(u128, u128)> = uniq.iter().copied().filter(|&(s, e)| s <= base + p && base + p <= e).collect();
            want.sort_by_key(|&(s, e)| (e - s, std::cmp::Reverse(s)));
            let want: Vec<u128> = want.into_iter().map(|w| w.0).collect();
            prop_assert_eq!(got, want);
        }
    }
}
