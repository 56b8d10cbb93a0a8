//! `registry-check`: loads registry files (RPSL dumps, plain or gzip, and saved WHOIS answers)
//! and reports what was read: objects per class, skipped classes, and every unusable object
//! with file and line. Then builds the registry index and prints its counts.
//!
//! ```text
//! registry-check [--max-errors N] [--parse-only] [--lookups N [--rounds R]] FILE_OR_DIR...
//! ```
//!
//! A folder stands for the files directly in it, in name order.
//! `--parse-only` reads the objects and drops them (no index): for measuring parsing speed.
//! `--lookups N` then does N most-specific lookups at pseudo-random IPv4 addresses between the
//! lowest and highest indexed IPv4 network, once per way of asking (the exact covering list's
//! first entry, `most_specific` alone, `attribute` one at a time, `attribute_many` in groups of
//! 4,096), and prints each rate by wall time and by the thread's CPU time (from
//! `/proc/thread-self/schedstat` where available: the per-core figure on a busy machine).
//! `--rounds R` repeats the ways in turn R times and prints each one's median and best rate.
//! When the index holds IPv6 networks, the same again with IPv6 addresses between the lowest
//! and highest indexed IPv6 network. `BENCHMARKS.md` and `.ci/shared/registry.sh` run it.
//!
//! Exit status (the table in `examples/README.md`, [`crate::programs::Status`]): 0 loaded,
//! 1 more than `--max-errors` (default 0) objects were unusable, 2 unusable arguments (or
//! folders holding no file), 3 a file or folder could not be read. A panic anywhere also fails
//! the run (101).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use ip_attribution::{IndexBuilder, RegistryIndex, RpslReader};

use crate::programs::Status;

/// The command line of `registry-check`.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "registry-check",
    version,
    about = "Load registry files (RPSL dumps, WHOIS answers) and report objects, errors and index counts",
    long_about = "Load registry files (RPSL dumps, plain or gzip, and saved WHOIS answers) and \
        report what was read: objects per class, skipped classes, and every unusable object \
        with file and line. Then build the registry index and print its counts, and with \
        --lookups measure lookup rates.",
    after_help = "Exit status: 0 loaded; 1 more than --max-errors objects were unusable; 2 \
        unusable arguments; 3 a file or folder could not be read (table: examples/README.md)."
)]
#[non_exhaustive]
pub struct Args {
    /// Unusable objects allowed before the run fails with status 1.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_errors: usize,
    /// Read the objects and drop them (no index): for measuring parsing speed.
    #[arg(long)]
    pub parse_only: bool,
    /// After building the index, time N lookups at pseudo-random addresses per way of asking.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub lookups: u64,
    /// With --lookups: repeat the ways of asking R times and print median and best rates.
    #[arg(long, value_name = "R", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub rounds: u64,
    /// Registry files (RPSL, plain or .gz; saved WHOIS answers) or folders of them.
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    pub paths: Vec<PathBuf>,
}

fn files(arg: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if arg.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(arg)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            if e.is_file() {
                out.push(e);
            }
        }
    } else {
        out.push(arg.to_path_buf());
    }
    Ok(())
}

/// Runs `registry-check` with parsed arguments: reports to standard output, messages to
/// standard error.
pub fn run(args: &Args) -> ExitCode {
    let (max_errors, parse_only, lookups) = (args.max_errors, args.parse_only, args.lookups);
    let rounds = usize::try_from(args.rounds).unwrap_or(usize::MAX);
    let mut paths = Vec::new();
    for arg in &args.paths {
        if let Err(e) = files(arg, &mut paths) {
            eprintln!("registry-check: {}: {e}", arg.display());
            return Status::Io.into();
        }
    }
    if paths.is_empty() {
        eprintln!("registry-check: no files in the folders given");
        return Status::Usage.into();
    }
    let mut builder = IndexBuilder::new();
    let mut errors = 0usize;
    let mut total: BTreeMap<String, usize> = BTreeMap::new();
    for path in &paths {
        let name = path.display().to_string();
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("registry-check: {name}: {e}");
                return Status::Io.into();
            }
        };
        let mut reader = match RpslReader::open(name.as_str(), file) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("registry-check: {e}");
                return Status::Io.into();
            }
        };
        for item in reader.by_ref() {
            match item {
                Ok(object) => {
                    if !parse_only {
                        builder.add(object);
                    }
                }
                Err(e) => println!("error: {e}"),
            }
        }
        let stats = reader.stats();
        errors += stats.errors;
        let classes: Vec<String> = stats
            .objects
            .iter()
            .map(|(c, n)| format!("{}={n}", c.as_str()))
            .collect();
        let skipped: Vec<String> = stats
            .skipped
            .iter()
            .map(|(c, n)| format!("{c}={n}"))
            .collect();
        println!(
            "{name}: {} lines, {} objects [{}], skipped [{}], {} errors",
            stats.lines,
            stats.object_count(),
            classes.join(" "),
            skipped.join(" "),
            stats.errors
        );
        for (c, n) in &stats.objects {
            *total.entry(c.as_str().to_owned()).or_insert(0) += n;
        }
    }
    let started = std::time::Instant::now();
    let index = builder.build();
    let build_time = started.elapsed();
    let s = index.stats();
    println!(
        "total: {} files, objects {:?}, {errors} errors; index: {} networks ({} placeholders), {} organisations, {} contacts, {} irts, {} aut-nums, {} routes, {} abuse comments, {} duplicates; lookup structure {} segments, {} bytes",
        paths.len(),
        total,
        s.networks,
        s.placeholders,
        s.organisations,
        s.contacts,
        s.irts,
        s.aut_nums,
        s.routes,
        s.abuse_comments,
        s.duplicates,
        s.segments,
        index.lookup_structure_bytes()
    );
    println!(
        "index build (after reading): {:.2} s",
        build_time.as_secs_f64()
    );
    if lookups > 0 {
        for v6 in [false, true] {
            lookup_rates(&index, lookups, rounds, v6);
        }
    }
    if errors > max_errors {
        eprintln!("registry-check: {errors} unusable objects, more than the {max_errors} allowed");
        return Status::Findings.into();
    }
    Status::Success.into()
}

/// CPU time of the calling thread in nanoseconds (Linux), for per-core rates on a shared machine.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Pseudo-random addresses between the lowest and highest indexed address of one family.
struct Probes {
    x: u64,
    lo: u128,
    span: u128,
    v6: bool,
}

impl Probes {
    fn next(&mut self) -> u64 {
        self.x ^= self.x << 13;
        self.x ^= self.x >> 7;
        self.x ^= self.x << 17;
        self.x
    }

    fn fill(&mut self, buf: &mut Vec<std::net::IpAddr>, n: usize) {
        buf.clear();
        for _ in 0..n {
            let r = if self.v6 {
                (u128::from(self.next()) << 64) | u128::from(self.next())
            } else {
                u128::from(self.next())
            };
            let a = self.lo.wrapping_add(r % self.span.max(1));
            buf.push(if self.v6 {
                std::net::IpAddr::V6(std::net::Ipv6Addr::from(a))
            } else {
                std::net::IpAddr::V4(std::net::Ipv4Addr::from(
                    u32::try_from(a).unwrap_or(u32::MAX),
                ))
            });
        }
    }
}

fn lookup_rates(index: &RegistryIndex, lookups: u64, rounds: usize, v6: bool) {
    let key = |ip: std::net::IpAddr| match ip {
        std::net::IpAddr::V4(a) if !v6 => Some(u128::from(u32::from(a))),
        std::net::IpAddr::V6(a) if v6 => Some(u128::from(a)),
        _ => None,
    };
    let (Some(lo), Some(hi)) = (
        index
            .networks()
            .filter_map(|n| key(n.range().start()))
            .min(),
        index.networks().filter_map(|n| key(n.range().end())).max(),
    ) else {
        return;
    };
    let span = hi.saturating_sub(lo).saturating_add(1);
    println!("{}:", if v6 { "IPv6" } else { "IPv4" });
    println!(
        "lookup structure {} bytes, hot records {} bytes",
        index.lookup_structure_bytes(),
        index.hot_record_bytes()
    );
    const GROUP: usize = 4096;
    let modes = [
        "probes only (generating the addresses)",
        "lookup(ip).next(), reading netname + abuse mailbox (exact list)",
        "most_specific(ip) alone (IPv4: the answer table)",
        "attribute(ip) one at a time, reading netname + abuse mailbox",
        "attribute_many(4096 addresses), reading netname + abuse mailbox",
    ];
    let mut buf = Vec::with_capacity(GROUP);
    let mut out = Vec::with_capacity(GROUP);
    // Per mode: (wall seconds, CPU seconds) of each round.
    let mut times: Vec<Vec<(f64, Option<f64>)>> = vec![Vec::new(); modes.len()];
    let mut checks = vec![0u64; modes.len()];
    for _ in 0..rounds {
        for (mode, (t, check)) in times.iter_mut().zip(checks.iter_mut()).enumerate() {
            let mut probes = Probes {
                x: 0x2545_f491_4f6c_dd1d,
                lo,
                span,
                v6,
            };
            let mut hits = 0u64;
            let cpu0 = thread_cpu_ns();
            let started = std::time::Instant::now();
            let mut left = lookups;
            while left > 0 {
                let n = usize::try_from(left.min(GROUP as u64)).unwrap_or(GROUP);
                left -= n as u64;
                probes.fill(&mut buf, n);
                let len = |s: Option<&str>| s.map_or(0, str::len) as u64;
                match mode {
                    0 => hits += buf.len() as u64,
                    1 => {
                        for &ip in &buf {
                            hits += index
                                .lookup(ip)
                                .next()
                                .map_or(0, |v| len(v.netname()) + len(v.abuse_mailbox()));
                        }
                    }
                    2 => {
                        for &ip in &buf {
                            hits += u64::from(index.most_specific(ip).is_some());
                        }
                    }
                    3 => {
                        for &ip in &buf {
                            hits += index
                                .attribute(ip)
                                .map_or(0, |a| len(a.netname) + len(a.abuse_mailbox));
                        }
                    }
                    _ => {
                        index.attribute_many(&buf, &mut out);
                        for a in out.iter().flatten() {
                            hits += len(a.netname) + len(a.abuse_mailbox);
                        }
                    }
                }
            }
            let wall = started.elapsed().as_secs_f64();
            let cpu = match (cpu0, thread_cpu_ns()) {
                (Some(a), Some(b)) => Some(b.saturating_sub(a) as f64 / 1e9),
                _ => None,
            };
            t.push((wall, cpu));
            *check = hits;
        }
    }
    let rate = |secs: f64| lookups as f64 / secs / 1e6;
    for ((what, t), hits) in modes.iter().zip(&times).zip(&checks) {
        let mut wall: Vec<f64> = t.iter().map(|x| x.0).collect();
        let mut cpu: Vec<f64> = t.iter().filter_map(|x| x.1).collect();
        wall.sort_by(f64::total_cmp);
        cpu.sort_by(f64::total_cmp);
        let median = |v: &[f64]| v.get(v.len() / 2).copied().unwrap_or(f64::NAN);
        let best = |v: &[f64]| v.first().copied().unwrap_or(f64::NAN);
        let cpu = if cpu.is_empty() {
            String::new()
        } else {
            format!(
                "; CPU time: median {:.2} s = {:.2} M/s per core, best {:.2} M/s",
                median(&cpu),
                rate(median(&cpu)),
                rate(best(&cpu))
            )
        };
        println!(
            "{lookups} x {what} ({hits}), {rounds} rounds: wall median {:.2} s = {:.2} M/s, best {:.2} M/s{cpu}",
            median(&wall),
            rate(median(&wall)),
            rate(best(&wall))
        );
    }
}
