//! The product's batched registry path answers exactly what the per-address path answers:
//! [`RegistryIndex::evidence_networks_many`] against [`RegistryIndex::evidence_networks`] for
//! each address (IPv4 and IPv6, nested and overlapping networks, placeholders, RDAP networks,
//! uncovered addresses, repeated addresses, batches larger than [`EVIDENCE_BATCH`]), and the
//! engine's batched runner ([`decide_batch`], which asks the snapshot through
//! [`EvidenceSource::networks_many`]) against [`decide`] one finding at a time.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use chrono::{DateTime, Utc};
use ip_attribution::{
    EVIDENCE_BATCH, EvidenceNetwork, EvidenceSource, IndexBuilder, Policy, RegistryIndex,
    RpslObject as Object, RpslReader as Reader, Snapshot, decide, decide_batch,
    parse_rdap_network as parse_ip_network,
};
use proptest::prelude::*;

fn objects(name: &str, bytes: &[u8]) -> Vec<Object> {
    Reader::from_slice(name, bytes)
        .filter_map(Result::ok)
        .collect()
}

/// The parser fixtures (RIPE dump and answer, ARIN, LACNIC; IPv6 placeholders among them) and
/// the RDAP fixtures that are ip networks.
fn fixture_builder() -> IndexBuilder {
    let mut b = IndexBuilder::new();
    for (name, bytes) in [
        (
            "ripe-dump.db",
            &include_bytes!("data/rpsl/ripe-dump.db")[..],
        ),
        (
            "ripe-answer.txt",
            include_bytes!("data/rpsl/ripe-answer.txt"),
        ),
        (
            "arin-answer.txt",
            include_bytes!("data/rpsl/arin-answer.txt"),
        ),
        (
            "arin-ambiguous.txt",
            include_bytes!("data/rpsl/arin-ambiguous.txt"),
        ),
        ("lacnic.db", include_bytes!("data/rpsl/lacnic.db")),
    ] {
        b.extend(objects(name, bytes));
    }
    let mut rdap = 0;
    for (name, bytes) in [
        (
            "arin-nested-abuse.json",
            &include_bytes!("data/rdap/arin-nested-abuse.json")[..],
        ),
        (
            "v6-network.json",
            include_bytes!("data/rdap/v6-network.json"),
        ),
        (
            "odd-shapes.json",
            include_bytes!("data/rdap/odd-shapes.json"),
        ),
    ] {
        if let Ok(net) = parse_ip_network(bytes, name)
            && b.add_rdap(name, &net)
        {
            rdap += 1;
        }
    }
    assert!(rdap >= 2, "the RDAP fixtures hold ip networks");
    b
}

fn key(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

fn addr(like: IpAddr, x: u128) -> IpAddr {
    match like {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::from(u32::try_from(x).unwrap_or(u32::MAX))),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(x)),
    }
}

/// Every network's bounds, their neighbours (often uncovered) and middle; addresses covered
/// by nothing; each repeated, in a scrambled order, and enough of them to fill several
/// batches.
fn probes(index: &RegistryIndex) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = Vec::new();
    let mut bounds = |s: IpAddr, e: IpAddr| {
        let (a, b) = (key(s), key(e));
        out.extend([s, e, addr(s, a + (b - a) / 2)]);
        if let Some(before) = a.checked_sub(1) {
            out.push(addr(s, before));
        }
        if let Some(after) = b.checked_add(1)
            && (s.is_ipv6() || after <= u128::from(u32::MAX))
        {
            out.push(addr(s, after));
        }
    };
    for v in index.networks() {
        bounds(v.range().start(), v.range().end());
    }
    for n in index.rdap_networks() {
        bounds(n.start, n.end);
    }
    out.extend(
        [
            "0.0.0.0",
            "255.255.255.255",
            "10.1.2.3",
            "::",
            "::1",
            "fe80::1",
            "3fff::1",
        ]
        .iter()
        .filter_map(|s| s.parse::<IpAddr>().ok()),
    );
    let once = out.clone();
    out.extend(once.iter().rev());
    out.extend(once.iter().step_by(3));
    // A fixed scramble (multiplicative, over the positions).
    let n = out.len();
    let mut scrambled: Vec<IpAddr> = (0..n)
        .filter_map(|i| out.get((i * 7919) % n).copied())
        .collect();
    if n.is_multiple_of(7919) {
        scrambled = out;
    }
    scrambled
}

/// The batched path gives, address by address, exactly the per-address path's lists.
fn same_as_one_by_one(index: &RegistryIndex, ips: &[IpAddr]) -> Result<(), TestCaseError> {
    let mut lists: Vec<Vec<EvidenceNetwork<'_>>> = vec![Vec::new()];
    index.evidence_networks_many(ips, &mut lists);
    prop_assert_eq!(lists.len(), ips.len());
    for (ip, got) in ips.iter().zip(&lists) {
        prop_assert_eq!(got, &index.evidence_networks(*ip), "networks at {}", ip);
    }
    Ok(())
}

#[test]
fn fixtures_batched_equal_one_by_one() {
    let index = fixture_builder().build_without_lookup_tables();
    let mut ips = probes(&index);
    // Enough to cross batch boundaries, repeats landing in other batches.
    let once = ips.clone();
    while ips.len() <= 2 * EVIDENCE_BATCH + 7 {
        ips.extend(once.iter().rev());
    }
    assert!(
        ips.len() > 2 * EVIDENCE_BATCH,
        "several batches: {}",
        ips.len()
    );
    assert!(ips.iter().any(IpAddr::is_ipv6));
    // Something covered, something not, a placeholder among the networks.
    assert!(ips.iter().any(|ip| index.evidence_networks(*ip).is_empty()));
    assert!(ips.iter().any(|ip| {
        index
            .evidence_networks(*ip)
            .iter()
            .any(EvidenceNetwork::is_placeholder)
    }));
    assert!(ips.iter().any(|ip| index.evidence_networks(*ip).len() >= 2));
    same_as_one_by_one(&index, &ips)
        .map_err(|e| e.to_string())
        .expect("same answers");
    // Sorted, as the engine asks.
    let mut sorted = ips.clone();
    sorted.sort_unstable();
    same_as_one_by_one(&index, &sorted)
        .map_err(|e| e.to_string())
        .expect("same answers, sorted");
    // The batched path does not build the lazy lookup tables (the daily run's memory).
    assert_eq!(index.hot_record_bytes(), 0);
    // Nothing asked, nothing answered; the output is cleared first.
    let mut lists = vec![Vec::new(); 3];
    index.evidence_networks_many(&[], &mut lists);
    assert!(lists.is_empty());
}

/// A registry network is read in place: every address under a parent gets a view of the same
/// record, whose strings are the index's own (the same bytes in memory for every address,
/// within a batch, across batches and on the per-address path), nothing copied; the values are
/// still the per-address path's, and its own assignments stay apart.
#[test]
fn a_parent_network_is_read_in_place_for_every_address_it_covers() {
    let text = "organisation: ORG-P-TEST\norg-name: Provider B.V.\norg-type: LIR\nabuse-c: PA-TEST\nsource: TEST\n\n\
                role: Provider Abuse\nnic-hdl: PA-TEST\nabuse-mailbox: abuse@provider.example\nsource: TEST\n\n\
                inetnum: 198.51.0.0 - 198.51.255.255\nnetname: PROVIDER-NET\nstatus: ALLOCATED PA\norg: ORG-P-TEST\nmnt-by: P-MNT\nsource: TEST\n\n\
                inetnum: 198.51.7.0 - 198.51.7.255\nnetname: CUSTOMER-NET\nstatus: ASSIGNED PA\nabuse-mailbox: abuse@customer.example\nsource: TEST\n";
    let mut b = IndexBuilder::new();
    b.extend(objects("shared.db", text.as_bytes()));
    let index = b.build_without_lookup_tables();
    // Sorted, two and a half batches, all under the allocation; three inside the assignment.
    let mut ips: Vec<IpAddr> = (0..(2 * EVIDENCE_BATCH + EVIDENCE_BATCH / 2) as u32)
        .map(|i| IpAddr::V4(Ipv4Addr::from(u32::from_be_bytes([198, 51, 0, 0]) + i * 97)))
        .collect();
    ips.extend((1..=3u8).map(|x| IpAddr::V4(Ipv4Addr::new(198, 51, 7, x))));
    ips.sort_unstable();
    let mut lists: Vec<Vec<EvidenceNetwork<'_>>> = Vec::new();
    index.evidence_networks_many(&ips, &mut lists);
    assert_eq!(lists.len(), ips.len());
    let parent = lists
        .first()
        .and_then(|l| l.first())
        .cloned()
        .expect("the first address is covered");
    assert_eq!(parent.name(), "PROVIDER-NET");
    let org = parent.org().expect("the allocation's organisation");
    assert_eq!(org.name(), "Provider B.V.");
    assert_eq!(org.abuse_emails(), ["abuse@provider.example"]);
    // The same bytes: the index's strings, not copies.
    let same = |a: &str, b: &str| a == b && std::ptr::eq(a.as_ptr(), b.as_ptr());
    for (ip, list) in ips.iter().zip(&lists) {
        assert_eq!(list, &index.evidence_networks(*ip), "values at {ip}");
        let under: Vec<&EvidenceNetwork<'_>> = list
            .iter()
            .filter(|n| same(n.name(), parent.name()))
            .collect();
        assert_eq!(under.len(), 1, "the allocation at {ip}, read in place");
        for n in under {
            assert!(same(n.source(), parent.source()));
            let o = n.org().expect("the allocation's organisation");
            assert!(same(o.name(), org.name()));
            assert!(
                o.abuse_emails()
                    .iter()
                    .zip(org.abuse_emails())
                    .all(|(a, b)| same(a, b))
            );
        }
    }
    let customers: Vec<&EvidenceNetwork<'_>> = lists
        .iter()
        .flatten()
        .filter(|n| n.name() == "CUSTOMER-NET")
        .collect();
    let inside = ips
        .iter()
        .filter(|ip| matches!(ip, IpAddr::V4(a) if a.octets()[..3] == [198, 51, 7]))
        .count();
    assert!(inside >= 3);
    assert_eq!(customers.len(), inside);
    assert!(
        customers
            .iter()
            .all(|n| same(n.name(), customers[0].name()))
    );
    assert!(
        customers
            .iter()
            .all(|n| n.abuse_emails() == ["abuse@customer.example"])
    );
    assert!(!same(customers[0].name(), parent.name()));
    // The per-address path reads the same record in place.
    let again = index.evidence_networks(ips[0]);
    assert!(
        again
            .first()
            .is_some_and(|n| *n == parent && same(n.name(), parent.name()))
    );
}

/// A generated registry: IPv4 networks nested and overlapping (every fourth a placeholder by
/// its netname, some with organisations and abuse contacts shared by handle), and IPv6
/// networks nested in 2001:db8::/32 (some placeholders).
fn generated(v4: &[(u8, u8, u8)], v6: &[(u16, u8, u8)]) -> String {
    let mut t = String::new();
    for (i, &(start, len, flags)) in v4.iter().enumerate() {
        let s = u32::from_be_bytes([198, 51, start, 0]);
        let e = s + (u32::from(len) << 3) + 7;
        let h = i % 4;
        let netname = if flags % 4 == 0 {
            "IANA-BLK".to_owned()
        } else {
            format!("NET-{i}")
        };
        let _ = writeln!(
            t,
            "inetnum: {} - {}\nnetname: {netname}\nstatus: {}",
            Ipv4Addr::from(s),
            Ipv4Addr::from(e),
            if flags & 4 != 0 {
                "ALLOCATED PA"
            } else {
                "ASSIGNED PA"
            }
        );
        if flags & 8 != 0 {
            let _ = writeln!(t, "abuse-c: AB{h}-TEST");
        }
        if flags & 16 != 0 {
            let _ = writeln!(t, "org: ORG-O{h}-TEST");
        }
        if flags & 32 != 0 {
            let _ = writeln!(t, "abuse-mailbox: abuse@net{i}.example");
        }
        let _ = writeln!(t, "mnt-by: MNT-{h}\nsource: TEST\n");
        let _ = writeln!(
            t,
            "role: Abuse {h}\nnic-hdl: AB{h}-TEST\nabuse-mailbox: abuse@role{h}.example\nsource: TEST\n\n\
             organisation: ORG-O{h}-TEST\norg-name: Org {h}\nabuse-c: AB{}-TEST\ne-mail: info@org{h}.example\nsource: TEST\n",
            (h + 1) % 4
        );
    }
    for (i, &(block, len, flags)) in v6.iter().enumerate() {
        let net = (u128::from(0x2001_0db8u32) << 96) | (u128::from(block) << 80);
        let netname = if flags % 5 == 0 {
            "IANA-BLK".to_owned()
        } else {
            format!("V6-{i}")
        };
        let _ = writeln!(
            t,
            "inet6num: {}/{}\nnetname: {netname}\nabuse-mailbox: abuse@v6-{i}.example\nsource: TEST\n",
            Ipv6Addr::from(net),
            32 + u32::from(len % 17)
        );
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn generated_registries_batched_equal_one_by_one(
        v4 in prop::collection::vec((0u8..16, 0u8..64, any::<u8>()), 0..30),
        v6 in prop::collection::vec((0u16..8, any::<u8>(), any::<u8>()), 0..12),
        extra in prop::collection::vec(any::<u32>(), 0..40),
        lazy in any::<bool>(),
    ) {
        let text = generated(&v4, &v6);
        let b = {
            let mut b = IndexBuilder::new();
            b.extend(objects("gen.db", text.as_bytes()));
            b
        };
        let index = if lazy { b.build_without_lookup_tables() } else { b.build() };
        let mut ips = probes(&index);
        ips.extend(extra.iter().map(|&x| IpAddr::V4(Ipv4Addr::from(x))));
        ips.extend(extra.iter().map(|&x| {
            IpAddr::V6(Ipv6Addr::from((u128::from(0x2001_0db8u32) << 96) | (u128::from(x) << 64)))
        }));
        same_as_one_by_one(&index, &ips)?;
    }
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// A source that only answers one address at a time (the trait's default `networks_many`);
/// with `owned`, a source that builds each answer afresh: every network's facts copied into an
/// owned [`EvidenceNetwork`] (as RDAP, a live collector or an embedder hands them over).
struct OneByOne<'a> {
    snapshot: &'a Snapshot,
    owned: bool,
}

impl EvidenceSource for OneByOne<'_> {
    fn networks(&self, ip: IpAddr) -> Vec<EvidenceNetwork<'_>> {
        let nets = self.snapshot.networks(ip);
        if !self.owned {
            return nets;
        }
        nets.iter()
            .map(|n| EvidenceNetwork::owned(n.to_facts()))
            .collect()
    }
    fn asn_abuse(&self, ip: IpAddr) -> Vec<(String, String)> {
        self.snapshot.asn_abuse(ip)
    }
    fn ptr_names(&self, ip: IpAddr) -> Vec<ip_attribution::PtrName> {
        self.snapshot.ptr_names(ip)
    }
    fn certs(&self, ip: IpAddr, now: DateTime<Utc>) -> Vec<ip_attribution::CertSeen> {
        self.snapshot.certs(ip, now)
    }
    fn security_txt(
        &self,
        domain: &str,
        now: DateTime<Utc>,
    ) -> Option<ip_attribution::SecurityTxt> {
        self.snapshot.security_txt(domain, now)
    }
    fn prefix_override(&self, ip: IpAddr) -> Option<ip_attribution::Override> {
        self.snapshot.prefix_override(ip)
    }
    fn domain_override(&self, domain: &str) -> Option<ip_attribution::Override> {
        self.snapshot.domain_override(domain)
    }
    fn is_provider_domain(&self, domain: &str) -> bool {
        self.snapshot.is_provider_domain(domain)
    }
    fn is_provider_org(&self, handle_or_name: &str) -> bool {
        self.snapshot.is_provider_org(handle_or_name)
    }
}

/// The sample day: the engine's batched runner over the snapshot decides every finding as
/// `decide` does one finding at a time, and as the batched runner does over a source without
/// a batched path and over one handing out owned copies of the networks' facts.
#[test]
fn sample_day_batched_decisions_equal_one_by_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data");
    let (snap, _) = Snapshot::load(&root.join("snapshot")).expect("sample snapshot");
    let mut findings = Vec::new();
    for name in ["scan_rdp.csv", "intelmq-events.jsonl"] {
        let bytes = std::fs::read(root.join("feeds").join(name)).expect("sample feed");
        findings.extend(ip_attribution::read_feed(name, &bytes).expect("sample feed reads"));
    }
    // Addresses beyond the registry too, IPv6 among them, enough for several batches.
    let extra: String = (0..600u32)
        .map(|i| {
            if i % 3 == 0 {
                format!("2026-11-22 01:00:00,2001:db8::{i:x},22\n")
            } else {
                format!(
                    "2026-11-22 01:00:00,{},22\n",
                    Ipv4Addr::from(0xc633_6400 + i * 97)
                )
            }
        })
        .collect();
    findings.extend(
        ip_attribution::read_feed(
            "scan_extra.csv",
            format!("timestamp,ip,port\n{extra}").as_bytes(),
        )
        .expect("extra feed reads"),
    );
    let policy = Policy::default();
    let batched = decide_batch(&findings, &snap, &policy, now());
    let one_by_one = OneByOne {
        snapshot: &snap,
        owned: false,
    };
    let default_path = decide_batch(&findings, &one_by_one, &policy, now());
    let owned = OneByOne {
        snapshot: &snap,
        owned: true,
    };
    let owned_path = decide_batch(&findings, &owned, &policy, now());
    assert!(batched.addresses() > 2 * EVIDENCE_BATCH);
    let mut attributed = 0;
    for f in &findings {
        let one = decide(f, &snap, &policy, now());
        assert_eq!(*batched.get(f), one, "{}:{}", f.feed, f.line);
        assert_eq!(*default_path.get(f), one, "{}:{}", f.feed, f.line);
        assert_eq!(*owned_path.get(f), one, "owned facts {}:{}", f.feed, f.line);
        attributed += usize::from(one.outcome.as_str() != "unattributed");
    }
    assert!(attributed > 0, "the sample day attributes something");
}
