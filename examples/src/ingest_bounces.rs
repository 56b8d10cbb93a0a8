//! `ingest-bounces`: reads what came back to the envelope sender and learns from it (see
//! `docs/lifecycle.md`).
//!
//! ```text
//! ingest-bounces --state FILE PATH... [--now RFC3339]
//! ```
//! `PATH`: `.eml` files, a folder of them, a Maildir or an mbox. A delivery status
//! notification (RFC 3464) is matched to the notice it reports on by the returned message's
//! `Message-ID` (or a ticket in the returned headers or the subject) and its
//! `Final-Recipient` (or `Original-Recipient`): `Action: failed` with a `5.x.x` status marks
//! the notice's address hard-bounced; `4.x.x` or `Action: delayed` is counted as a soft
//! bounce. Everything else (a reply, an auto-reply, a DSN for a message we never sent, a DSN
//! saying `delivered`) is listed for a person, with its ticket when it has one. Malformed
//! messages are reported with their file and skipped. The counts per outcome are printed last.
//!
//! Exit status: 0 when every path was read (malformed messages are reported and counted, not
//! fatal); 2 for unusable arguments (no PATH, a PATH that does not exist, a bad `--now`);
//! 3 when the state cannot be read or written.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::Parser;
use notice_render::lifecycle::bounces::{Kind, read_message, read_path};
use notice_render::lifecycle::sqlite::{OpenOptions, SqliteStore};
use notice_render::lifecycle::{BounceRecord, DsnClass, HardBounce, Store, StoredNotice};

/// Reads bounces and replies into the state.
#[derive(Debug, Clone, Parser)]
#[command(
    after_help = "Exit status: 0 when every path was read (malformed messages are reported and counted, not fatal); 2 unusable arguments (no PATH, a PATH that does not exist, a bad --now); 3 the state cannot be read or written.",
    name = "ingest-bounces",
    version
)]
pub struct Args {
    /// The state file.
    #[arg(long, value_name = "FILE")]
    pub state: PathBuf,
    /// `.eml` files, folders of them, Maildirs or mboxes.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// The time recorded for the bounces (default: now).
    #[arg(long, value_name = "RFC3339", value_parser = crate::acknowledge::parse_time)]
    pub now: Option<DateTime<Utc>>,
}

/// The outcome names counted and printed.
pub const OUTCOMES: [&str; 6] = [
    "hard-bounce",
    "soft-bounce",
    "for-a-person",
    "unmatched-dsn",
    "dsn-other",
    "malformed",
];

fn find_notice(
    store: &mut SqliteStore,
    ids: &[String],
    tickets: &[String],
) -> Result<Option<StoredNotice>, (u8, String)> {
    for id in ids {
        if let Some(n) = store
            .notice_by_message_id(id)
            .map_err(|e| (3, e.to_string()))?
        {
            return Ok(Some(n));
        }
    }
    for t in tickets {
        if let Some(n) = store.notice(t).map_err(|e| (3, e.to_string()))? {
            return Ok(Some(n));
        }
    }
    Ok(None)
}

/// Runs `ingest-bounces`; returns the counts per outcome.
pub fn run(args: &Args) -> Result<BTreeMap<&'static str, usize>, (u8, String)> {
    for p in &args.paths {
        if !p.exists() {
            return Err((2, format!("{}: no such file or folder", p.display())));
        }
    }
    let now = crate::daily_state::now_or_system(args.now);
    let mut store =
        SqliteStore::open(&args.state, OpenOptions::existing()).map_err(|e| (3, e.to_string()))?;
    let mut counts: BTreeMap<&'static str, usize> = OUTCOMES.iter().map(|o| (*o, 0)).collect();
    let mut records = Vec::new();
    for path in &args.paths {
        let (files, errors) = read_path(path);
        for e in errors {
            eprintln!("ingest-bounces: malformed, skipped: {e}");
            *counts.entry("malformed").or_default() += 1;
        }
        for file in files {
            let msg = match read_message(&file.source, &file.bytes) {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("ingest-bounces: malformed, skipped: {e}");
                    *counts.entry("malformed").or_default() += 1;
                    continue;
                }
            };
            let notice = find_notice(&mut store, &msg.message_ids, &msg.tickets)?;
            let ticket_text = notice
                .as_ref()
                .map(|n| n.ticket.clone())
                .or_else(|| msg.tickets.first().cloned())
                .unwrap_or_else(|| "no ticket".into());
            if msg.kind == Kind::Other {
                println!(
                    "for-a-person {} [{ticket_text}] from {:?}: {:?}",
                    file.source, msg.from, msg.subject
                );
                *counts.entry("for-a-person").or_default() += 1;
                continue;
            }
            let Some(notice) = notice else {
                println!(
                    "unmatched-dsn {} [{ticket_text}]: a delivery report for a message we did not send ({} recipients)",
                    file.source,
                    msg.recipients.len()
                );
                *counts.entry("unmatched-dsn").or_default() += 1;
                continue;
            };
            let only_one = msg.recipients.len() == 1;
            for r in &msg.recipients {
                let ours = r
                    .final_recipient
                    .eq_ignore_ascii_case(notice.recipient.trim())
                    || r.original_recipient
                        .as_deref()
                        .is_some_and(|o| o.eq_ignore_ascii_case(notice.recipient.trim()));
                if !ours && !only_one {
                    println!(
                        "dsn-other {} [{}]: {} is not the notice's recipient {} ({} {})",
                        file.source,
                        notice.ticket,
                        r.final_recipient,
                        notice.recipient,
                        r.action,
                        r.status
                    );
                    *counts.entry("dsn-other").or_default() += 1;
                    continue;
                }
                let bounce = HardBounce::new(
                    notice.recipient.trim(),
                    now,
                    r.status.clone(),
                    Some(notice.ticket.clone()),
                );
                match r.class {
                    DsnClass::HardBounce => {
                        println!(
                            "hard-bounce {} [{}]: {} {} {}",
                            file.source,
                            notice.ticket,
                            notice.recipient,
                            r.status,
                            r.diagnostic.as_deref().unwrap_or("")
                        );
                        records.push(BounceRecord::hard(bounce, file.source.clone()));
                        *counts.entry("hard-bounce").or_default() += 1;
                    }
                    DsnClass::Soft => {
                        println!(
                            "soft-bounce {} [{}]: {} {} {}",
                            file.source, notice.ticket, notice.recipient, r.action, r.status
                        );
                        records.push(BounceRecord::soft(bounce, file.source.clone()));
                        *counts.entry("soft-bounce").or_default() += 1;
                    }
                    _ => {
                        println!(
                            "dsn-other {} [{}]: {} {} {}",
                            file.source, notice.ticket, r.final_recipient, r.action, r.status
                        );
                        *counts.entry("dsn-other").or_default() += 1;
                    }
                }
            }
        }
    }
    store
        .record_bounces(&records)
        .map_err(|e| (3, e.to_string()))?;
    let line: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!("ingest-bounces: {}", line.join(", "));
    Ok(counts)
}
