//! The daily run: a day's scanner findings in, one decision per finding and one notice per
//! recipient out, with no network access. See `daily-run.md` for the contract.
//!
//! ```text
//! daily-run --snapshot DIR --feed FILE [--feed FILE ...] --out DIR [--now RFC3339] [--lang nl|en]
//! ```
//! Exit status: 0 when every finding got a decision; 2 for unusable arguments; 3 for unreadable
//! input (a feed, the snapshot directory) or an output that cannot be written.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::{DateTime, Utc};
use examples::daily_run::{Summary, decision_line};
use ip_attribution::engine::{Policy, decide_batch};
use ip_attribution::feed::{self, Finding};
use ip_attribution::snapshot::Snapshot;
use rayon::prelude::*;
use serde_json::json;

const USAGE: &str = "usage: daily-run --snapshot DIR --feed FILE [--feed FILE ...] --out DIR [--now RFC3339] [--lang nl|en]";

struct Args {
    snapshot: PathBuf,
    feeds: Vec<PathBuf>,
    out: PathBuf,
    now: DateTime<Utc>,
    lang: String,
}

fn parse_args() -> Result<Args, String> {
    let mut snapshot = None;
    let mut feeds = Vec::new();
    let mut out = None;
    let mut now = None;
    let mut lang = "en".to_owned();
    let mut it = std::env::args_os().skip(1);
    while let Some(a) = it.next() {
        let a = a.to_string_lossy().into_owned();
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| format!("{name} needs a value"))
                .map(PathBuf::from)
        };
        match a.as_str() {
            "--snapshot" => snapshot = Some(value("--snapshot")?),
            "--feed" => feeds.push(value("--feed")?),
            "--out" => out = Some(value("--out")?),
            "--now" => {
                let v = value("--now")?;
                let t = DateTime::parse_from_rfc3339(&v.to_string_lossy())
                    .map_err(|e| format!("--now {:?}: not RFC 3339: {e}", v))?;
                now = Some(t.with_timezone(&Utc));
            }
            "--lang" => {
                let v = value("--lang")?.to_string_lossy().to_lowercase();
                if v != "nl" && v != "en" {
                    return Err(format!("--lang {v:?}: expected nl or en"));
                }
                lang = v;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        snapshot: snapshot.ok_or("--snapshot is required")?,
        out: out.ok_or("--out is required")?,
        feeds: if feeds.is_empty() {
            return Err("at least one --feed is required".to_owned());
        } else {
            feeds
        },
        now: now.unwrap_or_else(Utc::now),
        lang,
    })
}

fn read_feeds(paths: &[PathBuf]) -> Result<Vec<Finding>, String> {
    let per_file: Vec<Result<Vec<Finding>, String>> = paths
        .par_iter()
        .map(|p| {
            let bytes =
                fs::read(p).map_err(|e| format!("cannot read feed {}: {e}", p.display()))?;
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            feed::read(&name, &bytes).map_err(|e| format!("unusable feed {}: {e}", p.display()))
        })
        .collect();
    let mut all = Vec::new();
    for r in per_file {
        all.extend(r?);
    }
    Ok(all)
}

fn write_decisions(
    out: &Path,
    findings: &[Finding],
    batch: &ip_attribution::engine::Decisions,
) -> std::io::Result<Summary> {
    let file = fs::File::create(out.join("decisions.jsonl"))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut summary = Summary::default();
    for chunk in findings.chunks(65_536) {
        let lines: Vec<String> = chunk
            .par_iter()
            .map(|f| decision_line(f, &batch.get(f)))
            .collect();
        for (f, line) in chunk.iter().zip(lines) {
            summary.add(f, &batch.get(f));
            w.write_all(line.as_bytes())?;
            w.write_all(b"\n")?;
        }
    }
    w.flush()?;
    Ok(summary)
}

fn run(args: Args) -> Result<(), (u8, String)> {
    let t0 = Instant::now();
    let findings = read_feeds(&args.feeds).map_err(|e| (3, e))?;
    for f in findings.iter().filter(|f| f.problem.is_some()).take(100) {
        if let Some(e) = f.error() {
            eprintln!("daily-run: {e}");
        }
    }
    eprintln!(
        "daily-run: {} findings from {} feeds ({:.1?})",
        findings.len(),
        args.feeds.len(),
        t0.elapsed()
    );
    let (snapshot, report) = Snapshot::load(&args.snapshot).map_err(|e| {
        (
            3,
            format!("cannot read snapshot {}: {e}", args.snapshot.display()),
        )
    })?;
    for p in &report.problems {
        eprintln!("daily-run: snapshot: {p}");
    }
    eprintln!(
        "daily-run: snapshot loaded: {} registry networks, {} RDAP networks, {} problems ({:.1?})",
        report.networks.0,
        report.networks.1,
        report.problem_count,
        t0.elapsed()
    );
    let policy = Policy::with_language(&args.lang);
    let batch = decide_batch(&findings, &snapshot, &policy, args.now);
    eprintln!(
        "daily-run: {} addresses decided ({:.1?})",
        batch.addresses(),
        t0.elapsed()
    );
    fs::create_dir_all(&args.out)
        .map_err(|e| (3, format!("cannot create {}: {e}", args.out.display())))?;
    let summary = write_decisions(&args.out, &findings, &batch)
        .map_err(|e| (3, format!("cannot write decisions.jsonl: {e}")))?;
    let notices = 0;
    let snapshot_json = json!({
        "files": report.files,
        "registry_networks": report.networks.0,
        "rdap_networks": report.networks.1,
        "duplicate_objects": report.duplicate_objects,
        "problems": report.problem_count,
    });
    let text = serde_json::to_string_pretty(&summary.to_json(snapshot_json, notices))
        .map_err(|e| (3, format!("cannot write summary.json: {e}")))?;
    fs::write(args.out.join("summary.json"), text + "\n")
        .map_err(|e| (3, format!("cannot write summary.json: {e}")))?;
    eprintln!(
        "daily-run: {} decisions written to {} ({:.1?})",
        summary.decisions,
        args.out.display(),
        t0.elapsed()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("daily-run: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, e)) => {
            eprintln!("daily-run: {e}");
            ExitCode::from(code)
        }
    }
}
