//! `send-notices`: delivers every `pending` notice of the state over SMTP (see
//! `docs/lifecycle.md`).
//!
//! ```text
//! send-notices --state FILE --smtp URL (--from ADDR | --config FILE) [--rate N] [--retries N]
//!              [--ca FILE.pem] [--timeout SECONDS] [--backoff SECONDS] [--dry-run]
//! ```
//! The envelope sender is `--from`, else the `[sender] address` of the service's configuration
//! (`--config`, the same file `daily-run --config` reads; the From header is already in each
//! notice, written by daily-run).
//! - 2xx → `sent` (with the server's reply and time); 4xx, a refused or dropped connection, a
//!   timeout or a garbled answer → stays `pending`, retried with backoff up to `--retries`
//!   times in this run, then left for the next run; 5xx at RCPT or DATA → `failed` and the
//!   address hard-bounced (the next daily run routes around it).
//! - A notice is marked `sent` only after the server accepted it: a crash in between can send
//!   that one message twice, never lose it. A rerun sends nothing already sent.
//!
//! - A login the server refuses for good (5xx to `AUTH`) stops the run at once with exit 2:
//!   the credentials are wrong for every notice, so nothing is marked (no attempt counted, no
//!   address bounced). A 4xx to `AUTH` is a transient failure like any other.
//!
//! Exit status: 0 when nothing is left pending; 1 when a notice is still pending or failed in
//! this run (each listed with its reason); 2 for unusable arguments or credentials (URL,
//! sender, `--ca`, a user without `NOTIFY_SMTP_PASSWORD`, a login the server refuses); 3 when
//! the state cannot be read or written.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use clap::Parser;
use notice_render::lifecycle::smtp::{Mailer, MailerOptions, SmtpUrl, check_address};
use notice_render::lifecycle::sqlite::{OpenOptions, SqliteStore};
use notice_render::lifecycle::{
    Phase, SmtpAnswer, Status, Store, Transition, after_answer, backoff,
};

/// Delivers the pending notices of the state over SMTP.
#[derive(Debug, Clone, Parser)]
#[command(
    after_help = "Exit status: 0 nothing is left pending; 1 a notice is still pending or failed in this run (each listed with its reason); 2 unusable arguments or credentials (URL, sender, --ca, a user without NOTIFY_SMTP_PASSWORD, a login the server refuses); 3 the state cannot be read or written.",
    name = "send-notices",
    version
)]
pub struct Args {
    /// The state file written by `daily-run --state`.
    #[arg(long, value_name = "FILE")]
    pub state: PathBuf,
    /// The server: smtp://host:port (STARTTLS when offered) or smtps://host:port (implicit
    /// TLS); `user@` before the host authenticates with the password in NOTIFY_SMTP_PASSWORD.
    #[arg(long, value_name = "URL")]
    pub smtp: String,
    /// The envelope sender (where bounces go); default: `[sender] address` of `--config`.
    #[arg(long, value_name = "ADDR", required_unless_present = "config")]
    pub from: Option<String>,
    /// The service's configuration file (TOML, as for `daily-run --config`): its
    /// `[sender] address` is the envelope sender when `--from` is not given.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// At most this many messages per second.
    #[arg(long, value_name = "N", default_value_t = 5.0)]
    pub rate: f64,
    /// Retries of a transient failure in this run (then left pending for the next run).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// An extra trust anchor (PEM), e.g. a test CA.
    #[arg(long, value_name = "FILE.pem")]
    pub ca: Option<PathBuf>,
    /// Seconds to wait for the server at each step before giving up on that attempt.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Seconds before the first retry (doubling for each next one).
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub backoff: f64,
    /// List what would be sent and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `--from`, else the configuration's `[sender] address` (exit 2 when neither is usable).
fn envelope_sender(args: &Args) -> Result<String, (u8, String)> {
    if let Some(from) = &args.from {
        return Ok(from.clone());
    }
    let Some(path) = &args.config else {
        return Err((2, "give --from ADDR or --config FILE".to_owned()));
    };
    let config_args = crate::config::ConfigArgs {
        config: Some(path.clone()),
        ..Default::default()
    };
    let loaded = crate::config::load(&config_args).map_err(|e| (2, e))?;
    Ok(loaded.config.sender.address)
}

fn seconds(name: &str, v: f64) -> Result<Duration, (u8, String)> {
    Duration::try_from_secs_f64(v)
        .map_err(|_| (2, format!("--{name} {v}: not a usable number of seconds")))
}

/// The message for a login the server refused for good (a 5xx answer to `AUTH`): the
/// credentials are wrong for every notice, so the run stops before marking anything.
fn refused_login(answer: &SmtpAnswer, url: &SmtpUrl) -> Option<String> {
    match answer {
        SmtpAnswer::Refused {
            phase: Phase::Auth,
            code,
            reply,
        } if (500..600).contains(code) => Some(format!(
            "the server refused the login as {} ({code}: {reply}); check the user in --smtp and \
             NOTIFY_SMTP_PASSWORD; nothing was sent or marked",
            url.user.as_deref().unwrap_or("?")
        )),
        _ => None,
    }
}

/// Runs `send-notices` with the password from `NOTIFY_SMTP_PASSWORD` (when the URL names a
/// user); see [`run_with_password`].
pub fn run(args: &Args) -> Result<u8, (u8, String)> {
    run_with_password(args, std::env::var("NOTIFY_SMTP_PASSWORD").ok())
}

/// Runs `send-notices` with `password` for the URL's user (`None`: not set); returns the exit
/// status, messages on stdout (one per notice) and stderr (faults).
pub fn run_with_password(args: &Args, password: Option<String>) -> Result<u8, (u8, String)> {
    let url = SmtpUrl::parse(&args.smtp).map_err(|e| (2, e.to_string()))?;
    let from = envelope_sender(args)?;
    check_address(&from).map_err(|e| (2, format!("--from: {e}")))?;
    if !(args.rate > 0.0 && args.rate.is_finite()) {
        return Err((2, format!("--rate {}: must be more than 0", args.rate)));
    }
    let timeout = seconds("timeout", args.timeout)?;
    let backoff_base = seconds("backoff", args.backoff)?;
    let mut options = MailerOptions::new(url.clone()).with_timeout(timeout);
    if let Some(ca) = &args.ca {
        let pem = std::fs::read(ca).map_err(|e| (2, format!("--ca {}: {e}", ca.display())))?;
        options = options.with_extra_roots_pem(pem);
    }
    if url.user.is_some() {
        match password {
            Some(p) => options = options.with_password(p),
            None => {
                return Err((
                    2,
                    "the URL names a user: set the password in NOTIFY_SMTP_PASSWORD".into(),
                ));
            }
        }
    }
    let mut mailer = Mailer::new(options).map_err(|e| (2, e.to_string()))?;
    let mut store =
        SqliteStore::open(&args.state, OpenOptions::existing()).map_err(|e| (3, e.to_string()))?;
    let pending = store
        .notices(Status::Pending)
        .map_err(|e| (3, e.to_string()))?;
    if args.dry_run {
        for n in &pending {
            println!(
                "would send {} to {} ({} bytes, {} earlier attempts{})",
                n.ticket,
                n.recipient,
                n.message.len(),
                n.attempts,
                n.reason
                    .as_deref()
                    .map(|r| format!(", last: {r}"))
                    .unwrap_or_default()
            );
        }
        println!(
            "send-notices: dry run: {} pending, nothing sent",
            pending.len()
        );
        return Ok(0);
    }
    let interval = Duration::from_secs_f64(1.0 / args.rate);
    let mut last_send: Option<Instant> = None;
    let mut queue = pending;
    let (mut sent, mut failed) = (0usize, Vec::new());
    let left;
    let mut round = 0u32;
    let step = TimeDelta::from_std(backoff_base).unwrap_or(TimeDelta::seconds(2));
    loop {
        let mut retry = Vec::new();
        for mut n in queue {
            if let Some(t) = last_send {
                let since = t.elapsed();
                if since < interval {
                    std::thread::sleep(interval - since);
                }
            }
            last_send = Some(Instant::now());
            let answer = mailer.send(&from, &n.recipient, &n.message);
            if let Some(e) = refused_login(&answer, &url) {
                // Our credentials, not the recipient: nothing is marked, the run stops.
                mailer.close();
                return Err((2, e));
            }
            let t = after_answer(
                &n.recipient,
                &n.ticket,
                n.attempts,
                &answer,
                Utc::now(),
                step,
            );
            store.apply(&n.ticket, &t).map_err(|e| (3, e.to_string()))?;
            match t {
                Transition::Sent { reply, .. } => {
                    sent += 1;
                    println!("sent {} to {}: {reply}", n.ticket, n.recipient);
                }
                Transition::Retry {
                    attempts, reason, ..
                } => {
                    println!(
                        "pending {} to {} (attempt {attempts}): {reason}",
                        n.ticket, n.recipient
                    );
                    n.attempts = attempts;
                    n.reason = Some(reason);
                    retry.push(n);
                }
                Transition::Failed { reason, .. } => {
                    println!(
                        "failed {} to {}: {reason} (address marked hard-bounced)",
                        n.ticket, n.recipient
                    );
                    failed.push((n.ticket.clone(), n.recipient.clone(), reason));
                }
                _ => {}
            }
        }
        if retry.is_empty() || round >= args.retries {
            left = retry;
            break;
        }
        round += 1;
        let wait = backoff(step, round).to_std().unwrap_or(backoff_base);
        eprintln!(
            "send-notices: {} notices to retry in {:.1?} (retry {round} of {})",
            retry.len(),
            wait,
            args.retries
        );
        std::thread::sleep(wait);
        queue = retry;
    }
    mailer.close();
    println!(
        "send-notices: {sent} sent, {} still pending, {} failed",
        left.len(),
        failed.len()
    );
    for n in &left {
        eprintln!(
            "send-notices: still pending {} to {}: {}",
            n.ticket,
            n.recipient,
            n.reason.as_deref().unwrap_or("")
        );
    }
    for (ticket, recipient, reason) in &failed {
        eprintln!("send-notices: failed {ticket} to {recipient}: {reason}");
    }
    Ok(if left.is_empty() && failed.is_empty() {
        0
    } else {
        1
    })
}
