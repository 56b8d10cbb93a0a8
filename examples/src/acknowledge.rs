//! `acknowledge`: records that a finding is open on purpose, until an end date (see
//! `docs/lifecycle.md`).
//!
//! ```text
//! acknowledge --state FILE --ip IP_OR_PREFIX --entry ENTRY_ID --until RFC3339 [--note TEXT]
//! acknowledge --state FILE --list
//! acknowledge --state FILE --remove (--id N | --ip IP_OR_PREFIX --entry ENTRY_ID)
//! ```
//! Findings of that catalogue entry on that address or prefix are not notified while the
//! acknowledgement holds; from `--until` on they are notified again. `--list` shows those in
//! force at `--now`; `--remove` ends one now.
//!
//! Exit status: 0 done; 1 `--remove` found nothing in force to end; 2 unusable arguments (a
//! bad prefix, an unknown entry id, an end date not after now); 3 the state cannot be read or
//! written.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::Parser;
use notice_render::lifecycle::sqlite::{OpenOptions, SqliteStore};
use notice_render::lifecycle::{Acknowledgement, Prefix, Store};

/// Parses an RFC 3339 time.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 time (e.g. 2026-12-31T00:00:00Z): {e}"))
}

/// Records, lists or ends acknowledgements.
#[derive(Debug, Clone, Parser)]
#[command(
    after_help = "Exit status: 0 done; 1 --remove found nothing in force to end; 2 unusable arguments (a bad prefix, an unknown entry id, an end date not after now); 3 the state cannot be read or written.",
    name = "acknowledge",
    version
)]
pub struct Args {
    /// The state file (created when missing).
    #[arg(long, value_name = "FILE")]
    pub state: PathBuf,
    /// The address or prefix it covers (192.0.2.10, 192.0.2.0/24, 2001:db8::/32).
    #[arg(long, value_name = "IP_OR_PREFIX")]
    pub ip: Option<String>,
    /// The catalogue entry id it covers (e.g. exposed-rdp).
    #[arg(long, value_name = "ENTRY_ID")]
    pub entry: Option<String>,
    /// When it ends (exclusive).
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub until: Option<DateTime<Utc>>,
    /// Why (e.g. the recipient's explanation).
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub note: String,
    /// List the acknowledgements in force.
    #[arg(long, conflicts_with_all = ["remove", "until", "note"])]
    pub list: bool,
    /// End an acknowledgement now: the one with --id, or those for --ip and --entry.
    #[arg(long, conflicts_with_all = ["until", "note"])]
    pub remove: bool,
    /// The acknowledgement's id (as --list shows it), for --remove.
    #[arg(long, value_name = "N", requires = "remove")]
    pub id: Option<i64>,
    /// The clock (default: now).
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub now: Option<DateTime<Utc>>,
}

fn show(a: &Acknowledgement) -> String {
    format!(
        "{}\t{}\t{}\tuntil {}\t{}",
        a.id,
        a.prefix,
        a.entry,
        a.until.format("%Y-%m-%dT%H:%M:%SZ"),
        a.note
    )
}

/// Runs `acknowledge`; returns the exit status.
pub fn run(args: &Args) -> Result<u8, (u8, String)> {
    let now = crate::daily_state::now_or_system(args.now);
    let prefix = match &args.ip {
        Some(ip) => Some(
            Prefix::parse(ip)
                .ok_or_else(|| (2, format!("--ip {ip:?}: not an IP address or prefix")))?,
        ),
        None => None,
    };
    if let Some(entry) = &args.entry {
        let catalogue = notice_render::Catalogue::embedded().map_err(|e| (3, e.to_string()))?;
        if catalogue.entry(entry).is_none() {
            let known: Vec<&str> = catalogue.entries().iter().map(|e| e.id.as_str()).collect();
            return Err((
                2,
                format!(
                    "--entry {entry:?}: no such catalogue entry (known: {})",
                    known.join(", ")
                ),
            ));
        }
    }
    if !args.list && !args.remove {
        let (Some(prefix), Some(entry), Some(until)) = (prefix, &args.entry, args.until) else {
            return Err((
                2,
                "--ip, --entry and --until are required (or --list, --remove)".into(),
            ));
        };
        if until <= now {
            return Err((
                2,
                format!(
                    "--until {}: not after now ({})",
                    until.to_rfc3339(),
                    now.to_rfc3339()
                ),
            ));
        }
        let mut store = SqliteStore::open(&args.state, OpenOptions::create())
            .map_err(|e| (3, e.to_string()))?;
        let mut ack = Acknowledgement::new(
            prefix.to_string(),
            entry.clone(),
            until,
            args.note.clone(),
            now,
        );
        ack.id = store
            .add_acknowledgement(&ack)
            .map_err(|e| (3, e.to_string()))?;
        println!("acknowledged {}", show(&ack));
        return Ok(0);
    }
    let mut store =
        SqliteStore::open(&args.state, OpenOptions::existing()).map_err(|e| (3, e.to_string()))?;
    let in_force = store
        .acknowledgements(Some(now))
        .map_err(|e| (3, e.to_string()))?;
    if args.list {
        for a in &in_force {
            println!("{}", show(a));
        }
        eprintln!("acknowledge: {} in force", in_force.len());
        return Ok(0);
    }
    let chosen: Vec<&Acknowledgement> = match (args.id, prefix, &args.entry) {
        (Some(id), _, _) => in_force.iter().filter(|a| a.id == id).collect(),
        (None, Some(p), Some(entry)) => in_force
            .iter()
            .filter(|a| &a.entry == entry && Prefix::parse(&a.prefix) == Some(p))
            .collect(),
        _ => return Err((2, "--remove needs --id, or --ip and --entry".into())),
    };
    let mut removed = 0;
    for a in chosen {
        if store
            .remove_acknowledgement(a.id, now)
            .map_err(|e| (3, e.to_string()))?
        {
            println!("removed {}", show(a));
            removed += 1;
        }
    }
    if removed == 0 {
        eprintln!("acknowledge: nothing in force matched");
        return Ok(1);
    }
    Ok(0)
}
