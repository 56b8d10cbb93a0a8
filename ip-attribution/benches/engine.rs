//! Engine benchmarks: reading a Shadowserver report and deciding a batch against a snapshot.
//!
//! `cargo bench -p ip-attribution --bench engine`

use std::fmt::Write as _;
use std::fs;
use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ip_attribution::{Policy, Snapshot, decide_batch, read_feed};

const ROWS: usize = 10_000;

fn registry() -> String {
    let mut s = String::new();
    for a in 0..16u32 {
        let _ = write!(
            s,
            "inetnum: 10.{a}.0.0 - 10.{a}.255.255\nnetname: LIR-{a}\norg: ORG-L{a}-TEST\nstatus: ALLOCATED PA\nsource: TEST\n\n\
             organisation: ORG-L{a}-TEST\norg-name: Provider {a} B.V.\norg-type: LIR\nabuse-c: L{a}-TEST\nsource: TEST\n\n\
             role: Provider {a} abuse\nnic-hdl: L{a}-TEST\nabuse-mailbox: abuse@provider{a}.example\nsource: TEST\n\n"
        );
        for c in 0..64u32 {
            let _ = write!(
                s,
                "inetnum: 10.{a}.{c}.0 - 10.{a}.{c}.127\nnetname: CUST-{a}-{c}\norg: ORG-C{a}X{c}-TEST\nstatus: ASSIGNED PA\nsource: TEST\n\n\
                 organisation: ORG-C{a}X{c}-TEST\norg-name: Klant {a} {c} B.V.\nabuse-c: C{a}X{c}-TEST\nsource: TEST\n\n\
                 role: Klant {a} {c} ICT\nnic-hdl: C{a}X{c}-TEST\nabuse-mailbox: ict@klant-{a}-{c}.example\nsource: TEST\n\n"
            );
        }
    }
    s
}

fn feed_text() -> String {
    let mut s = String::from("\"timestamp\",\"ip\",\"port\",\"tag\"\n");
    for i in 0..ROWS {
        let _ = writeln!(
            s,
            "\"2026-11-22 00:00:00\",\"10.{}.{}.{}\",3389,\"rdp\"",
            i % 16,
            (i / 16) % 128,
            (i * 7) % 256
        );
    }
    s
}

fn bench(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("ip-attribution-bench-{}", std::process::id()));
    let reg = dir.join("registry");
    let _ = fs::create_dir_all(&reg);
    let _ = fs::write(reg.join("bench.db"), registry());
    let Ok((snap, _)) = Snapshot::load(&dir) else {
        return;
    };
    let now = DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default();
    let text = feed_text();
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("feed_read_10k_rows", |b| {
        b.iter(|| read_feed("scan_rdp.csv", black_box(text.as_bytes())))
    });
    let findings = read_feed("scan_rdp.csv", text.as_bytes()).unwrap_or_default();
    let policy = Policy::default();
    g.bench_function("decide_batch_10k_findings", |b| {
        b.iter(|| decide_batch(black_box(&findings), &snap, &policy, now))
    });
    g.finish();
    let _ = fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
