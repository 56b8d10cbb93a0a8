//! PTR name analysis (normalise + registrable domain + generic detection) and rdns.jsonl loading.

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ip_attribution::{DnsName, RdnsTable, analyze_ptr};

/// A deterministic mix of generic, business and IPv6 PTR names (address, name).
fn sample(n: usize) -> Vec<(IpAddr, String)> {
    (0..n)
        .map(|i| {
            let i32 = i as u32;
            let v4 = Ipv4Addr::from(0x6440_0000 + i32);
            let [a, b, c, d] = v4.octets();
            match i % 5 {
                0 => (
                    IpAddr::V4(v4),
                    format!("{a}-{b}-{c}-{d}.dsl.provider{}.example", i % 7),
                ),
                1 => (IpAddr::V4(v4), format!("Mail.Business-{i}.Example.NL.")),
                2 => (
                    IpAddr::V4(v4),
                    format!("cloud.{d}.{c}.{b}.{a}.clients.hoster.test"),
                ),
                3 => (IpAddr::V4(v4), format!("server{i}.shop-{i}.co.uk")),
                _ => {
                    let v6 = Ipv6Addr::from(
                        0x2001_0db8_0000_0000_0000_0000_0000_0000u128 + u128::from(i32) * 7919,
                    );
                    let hex = format!("{:032x}", u128::from(v6));
                    let labels: Vec<String> = hex.chars().rev().map(|c| c.to_string()).collect();
                    (
                        IpAddr::V6(v6),
                        format!("{}.ip6.isp.example", labels.join(".")),
                    )
                }
            }
        })
        .collect()
}

fn ptr_analysis(c: &mut Criterion) {
    let names = sample(1000);
    let mut g = c.benchmark_group("ptr");
    g.throughput(Throughput::Elements(names.len() as u64));
    g.bench_function("normalise+analyze 1000 names", |b| {
        b.iter(|| {
            let mut generic = 0usize;
            for (ip, n) in &names {
                if let Ok(name) = DnsName::parse(n)
                    && analyze_ptr(*ip, &name).is_generic()
                {
                    generic += 1;
                }
            }
            black_box(generic)
        })
    });
    let parsed: Vec<(IpAddr, DnsName)> = names
        .iter()
        .map(|(ip, n)| (*ip, DnsName::parse(n).unwrap()))
        .collect();
    g.bench_function("analyze 1000 normalised names", |b| {
        b.iter(|| {
            for (ip, n) in &parsed {
                black_box(analyze_ptr(*ip, n));
            }
        })
    });
    g.finish();

    let mut jsonl = String::new();
    for (ip, n) in sample(10_000) {
        jsonl.push_str(&format!(
            "{{\"timestamp\": \"1795216093\", \"name\": \"{ip}\", \"type\": \"ptr\", \"value\": \"{n}\"}}\n"
        ));
        jsonl.push_str(&format!(
            "{{\"timestamp\": \"1795216093\", \"name\": \"{}\", \"type\": \"{}\", \"value\": \"{ip}\"}}\n",
            n.trim_end_matches('.'),
            if ip.is_ipv4() { "a" } else { "aaaa" }
        ));
    }
    let mut g = c.benchmark_group("rdns");
    g.throughput(Throughput::Bytes(jsonl.len() as u64));
    g.bench_function("load 20000 records", |b| {
        b.iter(|| {
            let (t, load) = RdnsTable::from_jsonl(jsonl.as_bytes(), "bench");
            assert!(load.problems.is_empty());
            black_box(t.ptr_len())
        })
    });
    g.finish();
}

criterion_group!(benches, ptr_analysis);
criterion_main!(benches);
