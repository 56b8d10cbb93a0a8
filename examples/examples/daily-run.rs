//! The daily run: a day's scanner findings in, one decision per finding and one notice per
//! recipient out, with no network access. See `daily-run.md` for the contract.
//!
//! ```text
//! daily-run --snapshot DIR --feed FILE [--feed FILE ...] --out DIR [--now RFC3339] [--lang nl|en]
//!           [--state FILE [--repeat-after DAYS]]
//! ```
//! With `--state`, the day is decided against the lifecycle state (`docs/lifecycle.md`,
//! [`examples::daily_state`]); without it the run is exactly as before.
//! Exit status: 0 when every finding got a decision; 2 for unusable arguments; 3 for unreadable
//! input (a feed, the snapshot directory) or an output that cannot be written.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use examples::daily_run::{Args, run};
use examples::daily_state::StateArgs;

const USAGE: &str = "usage: daily-run --snapshot DIR --feed FILE [--feed FILE ...] --out DIR [--now RFC3339] [--lang nl|en] [--state FILE [--repeat-after DAYS]]";

// A day's run makes and frees millions of small strings from two threads; glibc's allocator
// spent about a third of the run's time in malloc and free (measured with perf, BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn parse_args() -> Result<(Args, Option<StateArgs>), String> {
    let mut snapshot = None;
    let mut feeds = Vec::new();
    let mut out = None;
    let mut now = None;
    let mut lang = "en".to_owned();
    let mut state = None;
    let mut repeat_after = None;
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
            "--state" => state = Some(value("--state")?),
            "--repeat-after" => {
                let v = value("--repeat-after")?.to_string_lossy().into_owned();
                let days = v
                    .parse::<u32>()
                    .map_err(|_| format!("--repeat-after {v:?}: expected a number of days"))?;
                repeat_after = Some(days);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if repeat_after.is_some() && state.is_none() {
        return Err("--repeat-after needs --state".to_owned());
    }
    let state = state.map(|state| StateArgs {
        state,
        repeat_after_days: repeat_after.unwrap_or(7),
    });
    let args = Args {
        snapshot: snapshot.ok_or("--snapshot is required")?,
        out: out.ok_or("--out is required")?,
        feeds: if feeds.is_empty() {
            return Err("at least one --feed is required".to_owned());
        } else {
            feeds
        },
        now: now.unwrap_or_else(Utc::now),
        lang,
    };
    Ok((args, state))
}

fn main() -> ExitCode {
    let (args, state) = match parse_args() {
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
    let result = match &state {
        Some(state) => examples::daily_state::run(&args, state),
        None => run(&args),
    };
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err((code, e)) => {
            eprintln!("daily-run: {e}");
            ExitCode::from(code)
        }
    }
}
