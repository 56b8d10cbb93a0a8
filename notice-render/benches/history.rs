//! A day's history decisions with five years of history (5 × 150,000 notices, the national
//! service's volume) in the SQLite store, against the same day without history.
//!
//! `cargo bench -p notice-render --features sqlite --bench history`. Setup (writing the
//! 750,000 notices once into a temporary file) takes a while; the figures go to BENCHMARKS.md.

use std::hint::black_box;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use notice_render::lifecycle::sqlite::{OpenOptions, SqliteStore};
use notice_render::lifecycle::{
    CoveredFinding, DayFinding, History, NewNotice, PolicyOptions, Store, decide,
};

/// Years of history and notices per year: 5 × 150,000 under `cargo bench`; a small history
/// when CI smoke-runs the bench (`cargo test --benches`, no `--bench` argument).
fn size() -> (i64, usize) {
    if std::env::args().any(|a| a == "--bench") {
        (5, 150_000)
    } else {
        (1, 3_650)
    }
}

const DAY_FINDINGS: usize = 10_000;
const IPS: u32 = 200_000;

fn ip(n: u32) -> String {
    let n = n % IPS;
    format!("10.{}.{}.{}", n >> 16, (n >> 8) & 0xff, n & 0xff)
}

fn entry(n: u32) -> &'static str {
    ["exposed-rdp", "open-smb", "open-telnet"][(n % 3) as usize]
}

fn recipient(n: u32) -> String {
    format!("security@org{}.example", n % 50_000)
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 1, 1, 6, 0, 0).unwrap()
}

fn fill(store: &mut SqliteStore, years: i64, per_year: usize) {
    let per_day = per_year / 365 + 1;
    let days = years * 365;
    let mut n = 0u32;
    for d in 0..days {
        let now = start() + TimeDelta::days(d);
        let prefix = format!("NTC-{}-", now.format("%Y%m%d"));
        let batch: Vec<NewNotice> = (0..per_day)
            .map(|i| {
                n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let k = n >> 8;
                NewNotice::new(
                    format!("{prefix}{:05}", i + 1),
                    recipient(k),
                    now,
                    b"Message-ID: <x@n.example>\r\n\r\nx\r\n".to_vec(),
                    vec![CoveredFinding::new(
                        "f.csv",
                        i as u64,
                        ip(k),
                        Some(3389),
                        "scan",
                        entry(k),
                    )],
                )
            })
            .collect();
        store.queue(&batch).unwrap();
    }
}

fn the_day() -> Vec<DayFinding> {
    let mut n = 7u32;
    (0..DAY_FINDINGS)
        .map(|_| {
            n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let k = n >> 8;
            DayFinding::new(
                ip(k),
                entry(k),
                [recipient(k), "abuse@isp.example".to_string()],
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("state.db"), OpenOptions::create()).unwrap();
    let (years, per_year) = size();
    fill(&mut store, years, per_year);
    let now = start() + TimeDelta::days(years * 365);
    let day = the_day();
    let options = PolicyOptions::default();
    let mut g = c.benchmark_group("history");
    g.sample_size(20);
    g.bench_function("day of 10k findings, no history", |b| {
        b.iter(|| {
            let h = History::new();
            let n = day
                .iter()
                .filter(|f| decide(f, &h, now, &options).recipient.is_some())
                .count();
            black_box(n)
        })
    });
    g.bench_function("day of 10k findings, history in SQLite", |b| {
        b.iter(|| {
            let keys: Vec<(String, String)> = day
                .iter()
                .map(|f| (f.ip.clone(), f.entry.clone()))
                .collect();
            let h = History::new()
                .with_notices(
                    store
                        .recent_notices(&keys, now - options.repeat_after)
                        .unwrap(),
                )
                .with_acknowledgements(store.acknowledgements(Some(now)).unwrap())
                .with_bounces(store.hard_bounces().unwrap());
            let n = day
                .iter()
                .filter(|f| decide(f, &h, now, &options).recipient.is_some())
                .count();
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
