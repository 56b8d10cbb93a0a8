//! `gen-feed`: writes a deterministic synthetic Shadowserver `scan_rdp` report for benchmarks
//! and load tests, with addresses inside the ranges `gen-registry` writes for the same
//! `--networks`.
//!
//! ```text
//! gen-feed [--findings N] [--networks N] [--seed N] [--out FILE]
//! ```
//!
//! About 1 row in 1000 is malformed (a bad address) and 1 in 50 repeats an earlier address, as
//! real feeds do. Without `--out` the report goes to standard output; with it, the file is
//! written atomically (a temporary file beside it, renamed when complete).
//!
//! Exit status (the table in `examples/README.md`, [`crate::programs::Status`]): 0 written,
//! 2 unusable arguments, 3 the output could not be written.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::atomic_file::write_atomically;
use crate::programs::Status;

/// The command line of `gen-feed`.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "gen-feed",
    version,
    about = "Write a deterministic synthetic Shadowserver scan_rdp report (CSV) for benchmarks",
    long_about = "Write a deterministic synthetic Shadowserver scan_rdp report (CSV) for \
        benchmarks and load tests, with addresses inside the ranges gen-registry writes for the \
        same --networks. About 1 row in 1000 is malformed (a bad address) and 1 in 50 repeats \
        an earlier address, as real feeds do. Same seed, same bytes.",
    after_help = "Exit status: 0 written; 2 unusable arguments; 3 the output could not be \
        written (table: examples/README.md)."
)]
#[non_exhaustive]
pub struct Args {
    /// Number of report rows (findings) to write.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub findings: usize,
    /// Number of networks of the matching `gen-registry --networks` dump; addresses fall
    /// inside its allocations.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub networks: usize,
    /// Seed of the deterministic generator.
    #[arg(long, value_name = "N", default_value_t = 7)]
    pub seed: u64,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

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

/// Writes the report: a header line and `findings` rows for a registry of `networks`
/// networks, from generator seed `seed`.
///
/// # Errors
///
/// Any error of `w`.
pub fn write_feed(
    w: &mut dyn Write,
    findings: usize,
    networks: usize,
    seed: u64,
) -> io::Result<()> {
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

/// Runs `gen-feed` with parsed arguments; messages go to standard error.
pub fn run(args: &Args) -> ExitCode {
    let result = match &args.out {
        Some(path) => write_atomically(path, |w| {
            write_feed(w, args.findings, args.networks, args.seed)
        }),
        None => {
            let stdout = io::stdout();
            let mut w = BufWriter::with_capacity(1 << 20, stdout.lock());
            write_feed(&mut w, args.findings, args.networks, args.seed)
        }
    };
    match result {
        Ok(()) => Status::Success.into(),
        Err(e) => {
            let target = args
                .out
                .as_ref()
                .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string());
            eprintln!("gen-feed: writing {target}: {e}");
            Status::Io.into()
        }
    }
}
