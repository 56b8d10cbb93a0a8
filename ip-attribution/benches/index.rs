//! Registry index speed: building over 1M networks (from parsed objects) and lookups per
//! second over it, with data generated in-process by `examples/src/synthetic_registry.rs`
//! (the generator of `gen-registry`).
//!
//! Lookup groups: the exact covering list (`lookup`), the IPv4 answer table alone
//! (`most_specific`), `attribute` one address at a time and `attribute_many` over groups of
//! 4,096 addresses; then the product's path over the same addresses: the covering walk alone
//! (`covering_walk`: every covering network, nothing resolved), `evidence_networks` one address
//! at a time (every covering network as an `EvidenceNetwork` view, each network's name and own
//! abuse addresses read, which resolves them) and `evidence_networks_many` over groups of
//! `EVIDENCE_BATCH` (32, the engine's batch), these two over the first tenth of the addresses,
//! in probe order and sorted as the engine asks; `evidence_networks_many_sorted_names` reads
//! only each view's name (the lookups alone); `evidence_networks_many_sorted_policy_reads`
//! reads what the policy reads of a typical address instead (every network's organisation
//! handle and name, the most specific live network's abuse addresses: its own, else its
//! organisation's, else its comment); then IPv6 over an index of as many generated `inet6num`
//! networks.
//!
//! Compare the evidence-network benches each in its own process (a filter naming one): run one
//! after another in the same process, the later ones inherit the heap the earlier ones left
//! (glibc), and a later one measured up to 2x slower than alone.
//!
//! `REGISTRY_BENCH_NETWORKS` changes the size (default 1,000,000). Runs under mimalloc, the
//! daily run's allocator (since 2026-12-06; figures in BENCHMARKS.md before its "Eighth
//! round" were taken under glibc's).

use std::fmt::Write as _;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ip_attribution::{
    EVIDENCE_BATCH, EvidenceNetwork, IndexBuilder, RegistryIndex, RpslObject, RpslReader,
};

#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/src/synthetic_registry.rs"]
mod gen_registry;

// The allocator the daily run uses (`examples/examples/daily-run.rs`): the product's path
// allocates a list of views per address and a list per abuse level read, and what that costs
// depends on the allocator; under glibc's the evidence benches measured 20 to 30 % slower
// (BENCHMARKS.md, "Eighth round"). The attribution benches allocate nothing per address.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn networks() -> usize {
    std::env::var("REGISTRY_BENCH_NETWORKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn objects(n: usize) -> Vec<RpslObject> {
    let mut text = Vec::new();
    let cfg = gen_registry::GenConfig {
        networks: n,
        seed: 7,
        contacts: true,
    };
    let _ = gen_registry::write_registry(&mut text, &cfg);
    RpslReader::from_slice("bench", &text)
        .filter_map(Result::ok)
        .collect()
}

/// Deterministic probe addresses inside the generated space (16.0.0.0 onwards).
fn probes(n_networks: usize, count: usize) -> Vec<IpAddr> {
    let span = ((n_networks as u64 / 16 + 1) << 12).max(1);
    let mut x = 0x2545_f491_4f6c_dd1du64;
    (0..count)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let off = u32::try_from(x % span).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(0x1000_0000u32.wrapping_add(off)))
        })
        .collect()
}

fn index(c: &mut Criterion) {
    let n = networks();
    let objs = objects(n);
    let mut g = c.benchmark_group("index");
    g.sample_size(10);
    g.bench_function(format!("build_{n}_networks"), |b| {
        b.iter_batched(
            || objs.clone(),
            |objs| {
                let mut builder = IndexBuilder::new();
                builder.extend(objs);
                black_box(builder.build())
            },
            BatchSize::PerIteration,
        )
    });
    let idx: RegistryIndex = objs.into_iter().collect();
    // 1M random addresses: far more than the caches hold, so each lookup pays its memory
    // accesses like a day's feed does.
    let probes = probes(n, 1_000_000);
    g.throughput(Throughput::Elements(probes.len() as u64));
    g.sample_size(10);
    g.bench_function(
        format!("lookup_most_specific_netname_abuse_mailbox_{n}_networks"),
        |b| {
            b.iter(|| {
                let mut hits = 0usize;
                for &p in &probes {
                    if let Some(v) = idx.most_specific(black_box(p)) {
                        hits += v.netname().map_or(0, str::len);
                        hits += v.abuse_mailbox().map_or(0, str::len);
                    }
                }
                black_box(hits)
            })
        },
    );
    g.bench_function(format!("lookup_most_specific_{n}_networks"), |b| {
        b.iter(|| {
            let mut hits = 0usize;
            for &p in &probes {
                if let Some(v) = idx.lookup(black_box(p)).next() {
                    hits += v.netname().map_or(0, str::len);
                }
            }
            black_box(hits)
        })
    });
    g.bench_function(format!("lookup_full_list_and_abuse_{n}_networks"), |b| {
        b.iter(|| {
            let mut hits = 0usize;
            for &p in &probes {
                for v in idx.lookup(black_box(p)) {
                    hits += v.abuse().map_or(0, |a| a.mailbox.len());
                }
            }
            black_box(hits)
        })
    });
    g.bench_function(format!("most_specific_answer_table_{n}_networks"), |b| {
        b.iter(|| {
            let mut hits = 0usize;
            for &p in &probes {
                hits += usize::from(idx.most_specific(black_box(p)).is_some());
            }
            black_box(hits)
        })
    });
    let mut out = Vec::with_capacity(4096);
    g.bench_function(
        format!("attribute_netname_abuse_mailbox_{n}_networks"),
        |b| b.iter(|| black_box(attribute_each(&idx, &probes))),
    );
    g.bench_function(
        format!("attribute_many_netname_abuse_mailbox_{n}_networks"),
        |b| b.iter(|| black_box(attribute_batched(&idx, &probes, &mut out))),
    );
    // The product's path over the same addresses: every covering network as the engine reads
    // it (an `EvidenceNetwork` view, resolved as it is read). First the covering walk alone
    // (the exact lists, placeholders included, nothing resolved), then per address, then
    // batched.
    g.bench_function(format!("covering_walk_{n}_networks"), |b| {
        b.iter(|| {
            let mut hits = 0usize;
            for &p in &probes {
                hits += idx.lookup_all(black_box(p)).count();
            }
            black_box(hits)
        })
    });
    // Views resolved as they are read cost far more per address: a tenth of the addresses.
    let evidence_probes = probes.get(..probes.len() / 10).unwrap_or_default();
    g.throughput(Throughput::Elements(evidence_probes.len() as u64));
    let mut lists = Vec::with_capacity(4096);
    g.bench_function(format!("evidence_networks_{n}_networks"), |b| {
        b.iter(|| black_box(per_address(&idx, evidence_probes)))
    });
    g.bench_function(format!("evidence_networks_many_{n}_networks"), |b| {
        b.iter(|| black_box(batched(&idx, evidence_probes, &mut lists, name_and_abuse)))
    });
    // In the order the engine asks: a step's distinct addresses, sorted.
    let mut sorted = evidence_probes.to_vec();
    sorted.sort_unstable();
    g.bench_function(format!("evidence_networks_sorted_{n}_networks"), |b| {
        b.iter(|| black_box(per_address(&idx, &sorted)))
    });
    g.bench_function(format!("evidence_networks_many_sorted_{n}_networks"), |b| {
        b.iter(|| black_box(batched(&idx, &sorted, &mut lists, name_and_abuse)))
    });
    // The lookups alone: every covering network's view, its name read (nothing resolved).
    g.bench_function(
        format!("evidence_networks_many_sorted_names_{n}_networks"),
        |b| b.iter(|| black_box(batched(&idx, &sorted, &mut lists, names))),
    );
    g.bench_function(
        format!("evidence_networks_many_sorted_policy_reads_{n}_networks"),
        |b| b.iter(|| black_box(batched(&idx, &sorted, &mut lists, policy_reads))),
    );
    g.finish();
}

/// What the attribution benches read of an answer: the netname and the first abuse address.
fn attribution_reads(a: &ip_attribution::Attribution<'_>) -> usize {
    a.netname.map_or(0, str::len) + a.abuse_mailbox.map_or(0, str::len)
}

/// `attribute`, one address at a time.
fn attribute_each(idx: &RegistryIndex, probes: &[IpAddr]) -> usize {
    probes
        .iter()
        .filter_map(|&p| idx.attribute(black_box(p)))
        .map(|a| attribution_reads(&a))
        .sum()
}

/// `attribute_many` over groups of 4,096 addresses.
fn attribute_batched<'i>(
    idx: &'i RegistryIndex,
    probes: &[IpAddr],
    out: &mut Vec<Option<ip_attribution::Attribution<'i>>>,
) -> usize {
    let mut hits = 0usize;
    for group in probes.chunks(4096) {
        idx.attribute_many(black_box(group), out);
        hits += out.iter().flatten().map(attribution_reads).sum::<usize>();
    }
    hits
}

/// What the older evidence benches read of every network: its name and its own abuse
/// addresses (which resolves them).
fn name_and_abuse(list: &[EvidenceNetwork<'_>]) -> usize {
    list.iter()
        .map(|net| net.name().len() + net.abuse_emails().len())
        .sum()
}

/// Each view's name only: the lookups alone.
fn names(list: &[EvidenceNetwork<'_>]) -> usize {
    list.iter().map(|net| net.name().len()).sum()
}

/// `evidence_networks` one address at a time, each network's name and own abuse read.
fn per_address(idx: &RegistryIndex, probes: &[IpAddr]) -> usize {
    probes
        .iter()
        .map(|&p| name_and_abuse(&idx.evidence_networks(black_box(p))))
        .sum()
}

/// `evidence_networks_many` over groups of `EVIDENCE_BATCH` addresses, `read` applied to each
/// address's list.
fn batched<'i>(
    idx: &'i RegistryIndex,
    probes: &[IpAddr],
    lists: &mut Vec<Vec<EvidenceNetwork<'i>>>,
    read: fn(&[EvidenceNetwork<'_>]) -> usize,
) -> usize {
    let mut hits = 0usize;
    for group in probes.chunks(EVIDENCE_BATCH) {
        idx.evidence_networks_many(black_box(group), lists);
        hits += lists.iter().map(|l| read(l)).sum::<usize>();
    }
    hits
}

/// What the policy reads of an address's networks when nothing else names a business (most
/// addresses of a day): every network's organisation handle and name (the provider check),
/// and the most specific live network's abuse addresses: its own, else its organisation's,
/// else its range's comment (step 4).
fn policy_reads(list: &[EvidenceNetwork<'_>]) -> usize {
    let mut hits = 0usize;
    for net in list {
        if let Some(o) = net.org() {
            hits += o.handle().len() + o.name().len();
        }
    }
    if let Some(net) = list.iter().find(|n| !n.is_placeholder()) {
        let own = net.abuse_emails();
        hits += if let Some(m) = own.first() {
            m.len()
        } else if let Some(m) = net.org().and_then(|o| o.abuse_emails().first().copied()) {
            m.len()
        } else {
            net.abuse_comment().map_or(0, str::len)
        };
        hits += net.range_text().len();
    }
    hits
}

/// `n` inet6num objects: every 16th a /32 allocation, the others /36 assignments inside it
/// (every other one with its own abuse mailbox), as RPSL text.
fn ipv6_registry(n: usize) -> Vec<u8> {
    let mut t = String::with_capacity(n * 64);
    let block = |k: usize| 0x2a00_0000u128 + k as u128;
    for i in 0..n {
        let (k, j) = (i / 16, i % 16);
        let (net, len) = if j == 0 {
            (block(k) << 96, 32)
        } else {
            ((block(k) << 96) | ((j as u128) << 92), 36)
        };
        let _ = write!(
            t,
            "inet6num: {}/{len}\nnetname: V6-{i}\nsource: BENCH\n",
            Ipv6Addr::from(net)
        );
        if i % 2 == 0 {
            let _ = writeln!(t, "abuse-mailbox: abuse{k}@v6.example");
        }
        t.push('\n');
    }
    t.into_bytes()
}

/// Pseudo-random IPv6 addresses inside the allocations of [`ipv6_registry`].
fn probes6(n_networks: usize, count: usize) -> Vec<IpAddr> {
    let blocks = (n_networks as u64 / 16).max(1);
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..count)
        .map(|_| {
            let top = 0x2a00_0000u128 + u128::from(next() % blocks);
            let low = (u128::from(next()) << 32) | u128::from(next() >> 32);
            IpAddr::V6(Ipv6Addr::from((top << 96) | low))
        })
        .collect()
}

fn index_ipv6(c: &mut Criterion) {
    let n = networks();
    let text = ipv6_registry(n);
    let idx =
        RegistryIndex::from_objects(RpslReader::from_slice("v6", &text).filter_map(Result::ok));
    drop(text);
    let probes = probes6(n, 1_000_000);
    let mut g = c.benchmark_group("index_ipv6");
    g.sample_size(10);
    g.throughput(Throughput::Elements(probes.len() as u64));
    g.bench_function(format!("attribute_{n}_inet6num"), |b| {
        b.iter(|| black_box(attribute_each(&idx, &probes)))
    });
    let mut out = Vec::with_capacity(4096);
    g.bench_function(format!("attribute_many_{n}_inet6num"), |b| {
        b.iter(|| black_box(attribute_batched(&idx, &probes, &mut out)))
    });
    let evidence_probes = probes.get(..probes.len() / 10).unwrap_or_default();
    g.throughput(Throughput::Elements(evidence_probes.len() as u64));
    g.bench_function(format!("evidence_networks_{n}_inet6num"), |b| {
        b.iter(|| black_box(per_address(&idx, evidence_probes)))
    });
    let mut lists = Vec::with_capacity(4096);
    g.bench_function(format!("evidence_networks_many_{n}_inet6num"), |b| {
        b.iter(|| black_box(batched(&idx, evidence_probes, &mut lists, name_and_abuse)))
    });
    g.finish();
}

criterion_group!(benches, index, index_ipv6);
criterion_main!(benches);
