//! The fast paths of the registry index (`most_specific`'s IPv4 answer table, `attribute`,
//! `attribute_many`) give the same answers as the exact covering list (`lookup(ip).next()`)
//! and as a linear scan over the generated networks: non-CIDR-aligned and nested ranges,
//! placeholders, abuse mailboxes of every kind, strings too long for the hot record, IPv6.

use std::cmp::Reverse;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ip_attribution::{
    ATTRIBUTE_BATCH, ATTRIBUTE_ITER_GROUP, AbuseVia, Attribution, RegistryIndex, RpslReader,
};
use proptest::prelude::*;

/// One generated network: inclusive range, whether it is a placeholder, how its abuse mailbox
/// is found, and whether its netname is too long for the hot record.
#[derive(Debug, Clone)]
struct Net {
    start: u128,
    end: u128,
    v6: bool,
    placeholder: bool,
    abuse: u8,
    long_name: bool,
}

impl Net {
    fn netname(&self, i: usize) -> String {
        if self.placeholder {
            "IANA-BLK".to_owned()
        } else if self.long_name {
            format!("LONG-{i}-{}", "N".repeat(70))
        } else {
            format!("N{i}")
        }
    }

    /// The mailbox and how it was found, as the index must resolve it.
    fn abuse(&self, i: usize) -> Option<(String, AbuseVia)> {
        match self.abuse {
            1 => Some((format!("role{i}@x.example"), AbuseVia::AbuseC)),
            2 => Some((format!("own{i}@x.example"), AbuseVia::NetworkAbuseMailbox)),
            3 => Some((format!("org{i}@x.example"), AbuseVia::OrgAbuseC)),
            4 => Some((
                format!("{}{i}@long.example", "m".repeat(60)),
                AbuseVia::AbuseC,
            )),
            _ => None,
        }
    }
}

fn addr(x: u128, v6: bool) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::from(x))
    } else {
        IpAddr::V4(Ipv4Addr::from(u32::try_from(x).unwrap_or(u32::MAX)))
    }
}

/// RPSL text for `nets` (distinct ranges), with the roles and organisations they point to.
fn dump(nets: &[Net]) -> String {
    let mut t = String::new();
    for (i, n) in nets.iter().enumerate() {
        let class = if n.v6 { "inet6num" } else { "inetnum" };
        let _ = writeln!(
            t,
            "{class}: {} - {}\nnetname: {}",
            addr(n.start, n.v6),
            addr(n.end, n.v6),
            n.netname(i)
        );
        match (n.abuse, n.abuse(i)) {
            (1 | 4, Some((m, _))) => {
                let _ = write!(
                    t,
                    "abuse-c: R{i}-TEST\n\nrole: R\nnic-hdl: R{i}-TEST\nabuse-mailbox: {m}\n"
                );
            }
            (2, Some((m, _))) => {
                let _ = writeln!(t, "abuse-mailbox: {m}");
            }
            (3, Some((m, _))) => {
                let _ = write!(
                    t,
                    "org: ORG-O{i}-TEST\n\norganisation: ORG-O{i}-TEST\norg-name: O\nabuse-c: OR{i}-TEST\n\nrole: R\nnic-hdl: OR{i}-TEST\nabuse-mailbox: {m}\n"
                );
            }
            _ => {}
        }
        t.push('\n');
    }
    t
}

/// The most specific non-placeholder network covering `p`, by a linear scan.
fn reference(nets: &[Net], p: u128, v6: bool) -> Option<usize> {
    nets.iter()
        .enumerate()
        .filter(|(_, n)| n.v6 == v6 && !n.placeholder && n.start <= p && p <= n.end)
        .min_by_key(|(_, n)| (n.end - n.start, Reverse(n.start)))
        .map(|(i, _)| i)
}

fn key(
    a: &Attribution<'_>,
) -> (
    IpAddr,
    IpAddr,
    Option<String>,
    Option<String>,
    Option<AbuseVia>,
) {
    let r = a.network.range();
    (
        r.start(),
        r.end(),
        a.netname.map(str::to_owned),
        a.abuse_mailbox.map(str::to_owned),
        a.abuse_via,
    )
}

/// Checks every way of asking at `probes` against the exact list and the linear scan.
fn check(nets: &[Net], probes: &[(u128, bool)]) -> Result<(), TestCaseError> {
    let text = dump(nets);
    let idx = RegistryIndex::from_objects(
        RpslReader::from_slice("gen", text.as_bytes()).filter_map(Result::ok),
    );
    prop_assert_eq!(idx.stats().networks, nets.len());
    let ips: Vec<IpAddr> = probes.iter().map(|&(p, v6)| addr(p, v6)).collect();
    let mut many = Vec::new();
    idx.attribute_many(&ips, &mut many);
    prop_assert_eq!(many.len(), ips.len());
    // The iterator form: same addresses, same answers, same order.
    let iterated: Vec<_> = idx
        .attribute_iter(ips.iter().copied())
        .map(|(ip, a)| (ip, a.as_ref().map(key)))
        .collect();
    let batched: Vec<_> = ips
        .iter()
        .copied()
        .zip(many.iter().map(|a| a.as_ref().map(key)))
        .collect();
    prop_assert_eq!(iterated, batched);
    for ((&(p, v6), &ip), batch) in probes.iter().zip(&ips).zip(&many) {
        let exact = idx.lookup(ip).next();
        let fast = idx.most_specific(ip);
        let one = idx.attribute(ip);
        let range = |r: ip_attribution::IpRange| (r.start(), r.end());
        prop_assert_eq!(
            fast.map(|v| range(v.range())),
            exact.map(|v| range(v.range())),
            "most_specific at {}",
            ip
        );
        let want = reference(nets, p, v6);
        prop_assert_eq!(
            exact.map(|v| range(v.range())),
            want.and_then(|i| nets.get(i))
                .map(|n| (addr(n.start, n.v6), addr(n.end, n.v6))),
            "lookup at {}",
            ip
        );
        // The attribution holds what the view's accessors say, and what was generated.
        let from_view = exact.map(|v| {
            (
                range(v.range()),
                v.netname().map(str::to_owned),
                v.abuse_mailbox().map(str::to_owned),
                v.abuse_via(),
            )
        });
        let from_one = one.as_ref().map(|a| {
            let (s, e, name, mail, via) = key(a);
            ((s, e), name, mail, via)
        });
        prop_assert_eq!(&from_one, &from_view, "attribute at {}", ip);
        let generated = want.and_then(|i| {
            let n = nets.get(i)?;
            let abuse = n.abuse(i);
            Some((
                (addr(n.start, n.v6), addr(n.end, n.v6)),
                Some(n.netname(i)),
                abuse.as_ref().map(|a| a.0.clone()),
                abuse.map(|a| a.1),
            ))
        });
        prop_assert_eq!(&from_one, &generated, "generated at {}", ip);
        prop_assert_eq!(
            batch.as_ref().map(key),
            one.as_ref().map(key),
            "attribute_many at {}",
            ip
        );
    }
    Ok(())
}

/// Where the IPv4 networks sit: at the bottom, in the middle or at the top of the space.
const BASES: [u128; 3] = [0, 0x0a00_0000, 0xffff_f000];

fn nets_strategy() -> impl Strategy<Value = (Vec<Net>, u128)> {
    let v4 = prop::collection::vec(
        (0u128..3000, 0u128..700, 0u8..8, 0u8..5, any::<bool>()),
        1..40,
    );
    let v6 = prop::collection::vec((0u128..64, 116u32..=128, 0u8..8, 0u8..5), 0..12);
    (v4, v6, 0usize..3, 0u8..3).prop_map(|(v4, v6, base, cover)| {
        let base = BASES[base];
        let mut nets: Vec<Net> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut push = |n: Net| {
            if seen.insert((n.v6, n.start, n.end)) {
                nets.push(n);
            }
        };
        match cover {
            1 => push(Net {
                start: 0,
                end: u128::from(u32::MAX),
                v6: false,
                placeholder: true,
                abuse: 0,
                long_name: false,
            }),
            2 => push(Net {
                start: base,
                end: base + 4095,
                v6: false,
                placeholder: false,
                abuse: 3,
                long_name: false,
            }),
            _ => {}
        }
        for (s, len, ph, abuse, long_name) in v4 {
            let start = base + s;
            push(Net {
                start,
                end: (start + len).min(base + 4095),
                v6: false,
                placeholder: ph == 0,
                abuse,
                long_name,
            });
        }
        let base6 = u128::from(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0));
        for (x, len, ph, abuse) in v6 {
            let host = 128 - len;
            let mask = if host == 0 { 0 } else { (1u128 << host) - 1 };
            let start = (base6 + x) & !mask;
            push(Net {
                start,
                end: start | mask,
                v6: true,
                placeholder: ph == 0,
                abuse,
                long_name: false,
            });
        }
        (nets, base)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn fast_paths_equal_the_exact_list_and_a_linear_scan(
        (nets, base) in nets_strategy(),
        random in prop::collection::vec((0u128..4300, any::<bool>()), 0..80),
    ) {
        let base6 = u128::from(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0));
        let mut probes: Vec<(u128, bool)> = random
            .iter()
            .map(|&(x, v6)| if v6 { (base6 + x % 80, true) } else { ((base + x).min(u128::from(u32::MAX)), false) })
            .collect();
        // Every boundary and its neighbours, and both ends of the space.
        for n in &nets {
            let top = if n.v6 { u128::MAX } else { u128::from(u32::MAX) };
            for p in [n.start.saturating_sub(1), n.start, n.end, n.end.saturating_add(1).min(top)] {
                probes.push((p, n.v6));
            }
        }
        probes.extend([(0, false), (u128::from(u32::MAX), false), (0, true), (u128::MAX, true)]);
        check(&nets, &probes)?;
    }
}

#[test]
fn batches_longer_than_a_group_keep_their_order() {
    let nets: Vec<Net> = (0..50u128)
        .map(|i| Net {
            start: 0x0a00_0000 + i * 256,
            end: 0x0a00_0000 + i * 256 + 200,
            v6: false,
            placeholder: i % 7 == 0,
            abuse: (i % 5) as u8,
            long_name: i % 11 == 0,
        })
        .collect();
    let probes: Vec<(u128, bool)> =
        (0..(2 * ATTRIBUTE_ITER_GROUP as u128 + ATTRIBUTE_BATCH as u128 + 5))
            .map(|k| (0x0a00_0000 + (k * 97) % (50 * 256), k % 13 == 0))
            .collect();
    check(&nets, &probes).expect("same answers");
    // The empty batch clears the output.
    let idx = RegistryIndex::from_objects(Vec::new());
    let mut out = Vec::new();
    idx.attribute_many(&[IpAddr::V4(Ipv4Addr::LOCALHOST)], &mut out);
    assert_eq!(out.len(), 1);
    assert!(out[0].is_none());
    idx.attribute_many(&[], &mut out);
    assert!(out.is_empty());
    assert_eq!(idx.attribute_iter(Vec::new()).count(), 0);
}
