//! Writes a deterministic synthetic Shadowserver `scan_rdp` report for benchmarks and load tests,
//! with addresses inside the ranges `gen-registry` writes for the same `--networks`.
//!
//! ```text
//! cargo run --release -p examples --example gen-feed -- --findings 1000000 [--networks 1000000] [--seed 7] [--out FILE]
//! ```
//! About 1 row in 1000 is malformed (a bad address) and 1 in 50 repeats an earlier address, as
//! real feeds do. Without `--out` the report goes to standard output.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

/// splitmix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn write_feed(w: &mut dyn Write, findings: usize, networks: usize, seed: u64) -> io::Result<()> {
    // gen-registry: one /20 allocation per 16 networks, from 16.0.0.0.
    let allocations = (networks / 16).max(1) as u64;
    let span = allocations * 4096;
    let base: u64 = 0x1000_0000;
    let mut rng = Rng(seed);
    let mut last = base;
    writeln!(
        w,
        "\"timestamp\",\"severity\",\"ip\",\"protocol\",\"port\",\"hostname\",\"tag\",\"asn\",\"geo\",\"region\",\"city\""
    )?;
    for i in 0..findings {
        let r = rng.next();
        let addr = if i % 50 == 49 { last } else { base + r % span };
        last = addr;
        let ip = std::net::Ipv4Addr::from(u32::try_from(addr).unwrap_or(u32::MAX));
        let ip_text = if i % 1000 == 999 {
            format!("{ip}.1")
        } else {
            ip.to_string()
        };
        let secs = (r >> 40) % 86_400;
        writeln!(
            w,
            "\"2026-11-22 {:02}:{:02}:{:02}\",\"high\",\"{ip_text}\",\"tcp\",3389,,\"rdp\",64496,\"NL\",,",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )?;
    }
    w.flush()
}

fn main() -> ExitCode {
    let mut findings = 1_000_000usize;
    let mut networks = 1_000_000usize;
    let mut seed = 7u64;
    let mut out: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next();
        let ok = match (a.as_str(), v) {
            ("--findings", Some(v)) => v.parse().map(|n| findings = n).is_ok(),
            ("--networks", Some(v)) => v.parse().map(|n| networks = n).is_ok(),
            ("--seed", Some(v)) => v.parse().map(|n| seed = n).is_ok(),
            ("--out", Some(v)) => {
                out = Some(v);
                true
            }
            _ => false,
        };
        if !ok {
            eprintln!("usage: gen-feed --findings N [--networks N] [--seed N] [--out FILE]");
            return ExitCode::from(2);
        }
    }
    let result = match &out {
        Some(path) => File::create(path).and_then(|f| {
            let mut w = BufWriter::with_capacity(1 << 20, f);
            write_feed(&mut w, findings, networks, seed)
        }),
        None => {
            let stdout = io::stdout();
            let mut w = BufWriter::with_capacity(1 << 20, stdout.lock());
            write_feed(&mut w, findings, networks, seed)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-feed: {e}");
            ExitCode::from(3)
        }
    }
}
