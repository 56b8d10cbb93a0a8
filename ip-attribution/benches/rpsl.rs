//! RPSL parsing speed over a deterministic synthetic RIPE-style dump generated in-process by
//! `examples/src/synthetic_registry.rs`, the generator of `gen-registry` (inetnum, organisation
//! and role objects), plain and gzip.
//! Throughput is reported in bytes of uncompressed text.

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ip_attribution::RpslReader;

#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/src/synthetic_registry.rs"]
mod gen_registry;

fn dump(networks: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let cfg = gen_registry::GenConfig {
        networks,
        seed: 7,
        contacts: true,
    };
    // Writing to a Vec cannot fail.
    let _ = gen_registry::write_registry(&mut out, &cfg);
    out
}

fn parse(c: &mut Criterion) {
    let text = dump(20_000);
    let mut g = c.benchmark_group("rpsl");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(20);
    g.bench_function("parse_plain_20k_networks", |b| {
        b.iter(|| {
            let n = RpslReader::from_slice("bench", black_box(&text))
                .filter(Result::is_ok)
                .count();
            black_box(n)
        })
    });
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = gz.write_all(&text);
    let compressed = gz.finish().unwrap_or_default();
    g.bench_function("parse_gzip_20k_networks", |b| {
        b.iter(|| {
            let n = RpslReader::open("bench.gz", black_box(compressed.as_slice()))
                .map(|r| r.filter(Result::is_ok).count())
                .unwrap_or(0);
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
