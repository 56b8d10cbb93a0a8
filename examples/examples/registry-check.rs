//! Loads registry files (RPSL dumps, plain or gzip, and saved WHOIS answers) and reports what
//! was read: objects per class, skipped classes, and every unusable object with file and line.
//! Then builds the registry index and prints its counts.
//!
//! ```text
//! cargo run --release -p examples --example registry-check -- [--max-errors N] [--parse-only] FILE_OR_DIR...
//! ```
//! `--parse-only` reads the objects and drops them (no index): for measuring parsing speed.
//! `--lookups N` then does N most-specific lookups at pseudo-random IPv4 addresses between the
//! lowest and highest indexed IPv4 network, and prints the rate: once for the lookup structure
//! alone, once reading each answer's netname and abuse mailbox (compare the process's CPU time
//! with and without it for a per-core figure on a busy machine).
//! Exits 1 when more than `--max-errors` (default 0) objects were unusable, 2 on a usage or I/O
//! error. A panic anywhere also fails the run.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ip_attribution::index::IndexBuilder;
use ip_attribution::rpsl::Reader;

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

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut max_errors = 0usize;
    let mut parse_only = false;
    let mut lookups = 0u64;
    let mut paths = Vec::new();
    while let Some(a) = args.next() {
        if a == "--lookups" {
            match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => lookups = n,
                None => {
                    eprintln!("--lookups needs a number");
                    return ExitCode::from(2);
                }
            }
        } else if a == "--parse-only" {
            parse_only = true;
        } else if a == "--max-errors" {
            match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => max_errors = n,
                None => {
                    eprintln!("--max-errors needs a number");
                    return ExitCode::from(2);
                }
            }
        } else if let Err(e) = files(Path::new(&a), &mut paths) {
            eprintln!("{a}: {e}");
            return ExitCode::from(2);
        }
    }
    if paths.is_empty() {
        eprintln!("usage: registry-check [--max-errors N] FILE_OR_DIR...");
        return ExitCode::from(2);
    }
    let mut builder = IndexBuilder::new();
    let mut errors = 0usize;
    let mut total: BTreeMap<String, usize> = BTreeMap::new();
    for path in &paths {
        let name = path.display().to_string();
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{name}: {e}");
                return ExitCode::from(2);
            }
        };
        let mut reader = match Reader::open(name.as_str(), file) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
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
        let v4 = |ip: std::net::IpAddr| match ip {
            std::net::IpAddr::V4(a) => Some(u32::from(a)),
            std::net::IpAddr::V6(_) => None,
        };
        let lo = index
            .networks()
            .filter_map(|n| v4(n.range().start()))
            .min()
            .unwrap_or(0);
        let hi = index
            .networks()
            .filter_map(|n| v4(n.range().end()))
            .max()
            .unwrap_or(u32::MAX);
        let span = u64::from(hi - lo) + 1;
        for read in [false, true] {
            let mut x = 0x2545_f491_4f6c_dd1du64;
            let mut hits = 0u64;
            let started = std::time::Instant::now();
            for _ in 0..lookups {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let ip =
                    std::net::Ipv4Addr::from(lo.wrapping_add(u32::try_from(x % span).unwrap_or(0)));
                let found = index.most_specific(std::net::IpAddr::V4(ip));
                if read {
                    // What a bulk attribution reads of the answer.
                    hits += found.map_or(0, |v| {
                        (v.netname().map_or(0, str::len) + v.abuse_mailbox().map_or(0, str::len))
                            as u64
                    });
                } else {
                    // The lookup structure alone.
                    hits += u64::from(found.is_some());
                }
            }
            let secs = started.elapsed().as_secs_f64();
            let what = if read {
                "reading netname + abuse mailbox"
            } else {
                "lookup structure alone"
            };
            println!(
                "{lookups} lookups, {what} ({hits}) in {secs:.2} s wall: {:.2} M lookups/s",
                lookups as f64 / secs / 1e6
            );
        }
    }
    if errors > max_errors {
        eprintln!("{errors} unusable objects, more than the {max_errors} allowed");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
