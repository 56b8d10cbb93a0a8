//! The daily run: a day's scanner findings in, one decision per finding and one notice per
//! recipient out, with no network access. See `daily-run.md` for the contract.
//!
//! ```text
//! daily-run --snapshot DIR --feed FILE [--feed FILE ...] --out DIR [--now RFC3339] [--lang nl|en]
//!           [--config FILE]
//! ```
//! `--config FILE` is the service's configuration (`examples/notify.example.toml`): sender,
//! phone, web page, verify URL, default language, signing key.
//!
//! Exit status: 0 when every finding got a decision; 2 for unusable arguments or an unusable
//! configuration; 3 for unreadable
//! input (a feed, the snapshot directory) or an output that cannot be written.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use examples::daily_run::{Args, run};

const USAGE: &str = "usage: daily-run --snapshot DIR --feed FILE [--feed FILE ...] --out DIR [--now RFC3339] [--lang nl|en] [--config FILE]";

// A day's run makes and frees millions of small strings from two threads; glibc's allocator
// spent about a third of the run's time in malloc and free (measured with perf, BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn parse_args() -> Result<Args, String> {
    let mut snapshot = None;
    let mut feeds = Vec::new();
    let mut out = None;
    let mut now = None;
    let mut lang = "en".to_owned();
    let mut config = None;
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
            "--config" => config = Some(value("--config")?),
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
        config,
    })
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
    match run(&args) {
        Ok(_) => ExitCode::SUCCESS,
        Err((code, e)) => {
            eprintln!("daily-run: {e}");
            ExitCode::from(code)
        }
    }
}
