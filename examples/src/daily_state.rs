//! `daily-run --state FILE [--repeat-after DAYS]`: the daily run with a memory (see
//! `docs/lifecycle.md`). The day is decided as without `--state`; then the history policy of
//! [`notice_render::lifecycle`] decides per finding whether a notice is `queued`, a `repeat`,
//! `acknowledged` or `none`, routes around hard-bounced addresses, and the notices written to
//! `OUT/notices/` are queued as `pending` in the state (one transaction).
//!
//! Each `decisions.jsonl` line gains `"notice"` and `"ticket"`; `summary.json` gains
//! `"notice"` (counts per value) and `"rerouted"`. Running the same day again with the same
//! state queues nothing twice: its findings are repeats of the notices queued the first time.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use ip_attribution::engine::{Decision, Outcome, Policy, Via, decide_batch};
use ip_attribution::snapshot::Snapshot;
use notice_render::lifecycle::sqlite::{OpenOptions, SqliteStore};
use notice_render::lifecycle::{
    CoveredFinding, DayFinding, History, HistoryDecision, NewNotice, NoticeValue, PolicyOptions,
    Store, decide,
};
use serde_json::{Value, json};

use crate::daily_run::{
    Args, DECISION_STEP, NoticeSetup, Summary, notice_finding, notice_recipient,
    push_decision_line, read_feeds,
};

/// The `daily-run` program's whole command line: the day's arguments
/// ([`crate::daily_run::Args`]) and the lifecycle options.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "daily-run",
    version,
    after_help = "Exit status: 0 every finding got a decision (even an unattributed one); 2 unusable arguments (also a --config file that cannot be read or is invalid, an unusable override or signing key); 3 unreadable input (a feed, the snapshot, a snapshot file that cannot be read to its end unless --allow-partial-snapshot, a snapshot with no usable evidence, the state), an --out that holds other files, or output that cannot be written.",
    about = "A day's scanner findings in, one decision per finding and one notice per recipient out (no network access); with --state, remembered across days."
)]
#[non_exhaustive]
pub struct Cli {
    /// The day's arguments.
    #[command(flatten)]
    pub run: crate::daily_run::Args,
    /// The lifecycle options.
    #[command(flatten)]
    pub state: StateOptions,
}

/// `--state` and `--repeat-after` as they are given on the command line.
#[derive(Debug, Clone, clap::Args)]
#[non_exhaustive]
pub struct StateOptions {
    /// Lifecycle state: one SQLite file (created on first use) that remembers what was notified,
    /// what bounced and what was acknowledged (examples/docs/lifecycle.md). Without it the run is
    /// exactly the stateless daily run.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// A finding already notified to the same recipient less than DAYS days before --now is not
    /// notified again (default 7; needs --state).
    #[arg(long, value_name = "DAYS", requires = "state")]
    pub repeat_after: Option<u32>,
}

impl StateOptions {
    /// The state arguments, when `--state` was given.
    pub fn state_args(&self) -> Option<StateArgs> {
        self.state.as_ref().map(|state| StateArgs {
            state: state.clone(),
            repeat_after_days: self.repeat_after.unwrap_or(7),
        })
    }
}

/// The state options of the daily run.
#[derive(Debug, Clone)]
pub struct StateArgs {
    /// `--state FILE`.
    pub state: PathBuf,
    /// `--repeat-after DAYS` (default 7).
    pub repeat_after_days: u32,
}

/// Writes `bytes` to `path` atomically (a temporary file beside it, then a rename).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}

/// True for the vias that name the network owner rather than the business.
fn is_network_owner(via: Via) -> bool {
    matches!(
        via,
        Via::NetworkAbuseC | Via::WhoisAbuseComment | Via::RdapAbuse | Via::AsnAbuse
    )
}

/// What the history made of one finding.
#[derive(Debug, Clone)]
struct Outcome2 {
    notice: NoticeValue,
    ticket: Option<String>,
    rerouted: bool,
}

/// Applies the history decision to the day's decision: bounced addresses leave the list
/// (the next ranked one becomes `recipients[0]`), nothing left makes it `unattributed`, and
/// the reason says what the history decided.
fn apply(d: &mut Decision, hd: &HistoryDecision) {
    if !hd.bounced.is_empty() {
        d.recipients.retain(|r| {
            !hd.bounced
                .iter()
                .any(|b| b.address.trim().eq_ignore_ascii_case(r.address.trim()))
        });
        match &hd.recipient {
            Some(addr) => {
                if let Some(pos) = d
                    .recipients
                    .iter()
                    .position(|r| r.address.trim().eq_ignore_ascii_case(addr))
                {
                    let r = d.recipients.remove(pos);
                    if d.outcome == Outcome::Organisation && is_network_owner(r.via) {
                        d.outcome = Outcome::NetworkOwner;
                    }
                    d.recipients.insert(0, r);
                }
            }
            None => {
                d.outcome = Outcome::Unattributed;
                d.recipients.clear();
            }
        }
    }
    // A finding the day's decision left without a recipient keeps its own reason.
    let nobody_anyway = hd.notice == NoticeValue::None && hd.bounced.is_empty();
    if !hd.reason.is_empty() && !nobody_anyway {
        if d.reason.is_empty() {
            d.reason = hd.reason.clone();
        } else {
            d.reason = format!("{}; {}", d.reason, hd.reason);
        }
    }
}

/// Appends `"notice"` and `"ticket"` to a decision line made by [`push_decision_line`].
pub fn push_notice_fields(out: &mut Vec<u8>, notice: NoticeValue, ticket: Option<&str>) {
    if out.last() == Some(&b'}') {
        out.pop();
    }
    out.extend_from_slice(b", \"notice\": ");
    out.extend_from_slice(
        serde_json::to_string(notice.as_str())
            .unwrap_or_default()
            .as_bytes(),
    );
    out.extend_from_slice(b", \"ticket\": ");
    match ticket {
        Some(t) => out.extend_from_slice(serde_json::to_string(t).unwrap_or_default().as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
}

/// Runs the daily run with the state; errors carry the exit status (2: an unusable
/// configuration; 3: unreadable input or state, an output that cannot be written).
pub fn run(args: &Args, state: &StateArgs) -> Result<Summary, (u8, String)> {
    let now = args.now;
    // The configuration before any work: a bad file or flag stops the run with 2.
    let setup = NoticeSetup::load(&args.config, &args.lang).map_err(|e| (2, e))?;
    if let Some(w) = &setup.warning {
        eprintln!("daily-run: warning: {w}");
    }
    // The state first: a busy or newer state stops the run before any work.
    let mut store =
        SqliteStore::open(&state.state, OpenOptions::create()).map_err(|e| (3, e.to_string()))?;
    let findings = read_feeds(&args.feeds).map_err(|e| (3, e))?;
    for f in findings.iter().filter(|f| f.problem.is_some()).take(100) {
        if let Some(e) = f.error() {
            eprintln!("daily-run: {e}");
        }
    }
    let (snapshot, report) = Snapshot::load(&args.snapshot).map_err(|e| {
        (
            3,
            format!("cannot read snapshot {}: {e}", args.snapshot.display()),
        )
    })?;
    for p in &report.problems {
        eprintln!("daily-run: snapshot: {p}");
    }
    let policy = Policy::with_language(setup.language.as_str());
    let mut decisions: Vec<Decision> = Vec::with_capacity(findings.len());
    for chunk in findings.chunks(DECISION_STEP) {
        let batch = decide_batch(chunk, &snapshot, &policy, now);
        decisions.extend(chunk.iter().map(|f| batch.get(f).into_owned()));
    }
    drop(snapshot);
    let NoticeSetup {
        renderer, options, ..
    } = setup;
    // Catalogue entry per finding with an address.
    let notice_findings: Vec<Option<notice_render::Finding>> =
        findings.iter().map(|f| notice_finding(f, now)).collect();
    let entries: Vec<Option<String>> = notice_findings
        .iter()
        .map(|nf| {
            nf.as_ref()
                .map(|nf| renderer.catalogue().classify(nf).id.clone())
        })
        .collect();
    let keys: Vec<(String, String)> = findings
        .iter()
        .zip(&entries)
        .filter_map(|(f, e)| Some((f.ip?.to_string(), e.clone()?)))
        .collect();
    let repeat_after = TimeDelta::days(i64::from(state.repeat_after_days));
    let history = History::new()
        .with_notices(
            store
                .recent_notices(&keys, now - repeat_after)
                .map_err(|e| (3, e.to_string()))?,
        )
        .with_acknowledgements(
            store
                .acknowledgements(Some(now))
                .map_err(|e| (3, e.to_string()))?,
        )
        .with_bounces(store.hard_bounces().map_err(|e| (3, e.to_string()))?);
    let popts = PolicyOptions::default().with_repeat_after(repeat_after);
    let mut outcomes: Vec<Outcome2> = Vec::with_capacity(findings.len());
    for ((f, d), entry) in findings.iter().zip(decisions.iter_mut()).zip(&entries) {
        let (Some(ip), Some(entry)) = (f.ip, entry) else {
            outcomes.push(Outcome2 {
                notice: NoticeValue::None,
                ticket: None,
                rerouted: false,
            });
            continue;
        };
        let ranked: Vec<&str> = d
            .recipients
            .iter()
            .map(|r| r.address.trim())
            .filter(|a| notice_render::aggregate::is_usable_address(a))
            .collect();
        let day = DayFinding::new(ip.to_string(), entry.clone(), ranked);
        let hd = decide(&day, &history, now, &popts);
        apply(d, &hd);
        let mut notice = hd.notice;
        if notice == NoticeValue::Queued
            && let Some(r) = d.recipient()
            && let Some(why) = options.drop_reason(&r.address, f.observed, now)
        {
            notice = NoticeValue::None;
            d.reason = format!("{}; not notified: {}", d.reason, why.as_str());
        }
        outcomes.push(Outcome2 {
            notice,
            ticket: hd.ticket.clone(),
            rerouted: hd.rerouted(),
        });
    }
    // Queued findings, grouped per recipient in order of first appearance.
    let mut groups: Vec<(notice_render::Recipient, Vec<notice_render::Item>)> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut merge_keys: Vec<(usize, String)> = Vec::new();
    for (i, ((d, o), nf)) in decisions
        .iter()
        .zip(&outcomes)
        .zip(notice_findings)
        .enumerate()
    {
        let (NoticeValue::Queued, Some(nf), Some(r)) = (o.notice, nf, notice_recipient(d)) else {
            continue;
        };
        // An abuse desk's notice names the customer the decision identified.
        let nf = match crate::notice_input::customer(d) {
            Some(c) => nf.with_customer(c),
            None => nf,
        };
        let key = notice_render::recipient_key(&r.address);
        // Equal findings (address, port, problem) are merged into one item of the notice; each
        // of them gets that notice's ticket below, through this key.
        merge_keys.push((i, merge_key(&key, &nf, renderer.catalogue())));
        let g = *by_key.entry(key).or_insert_with(|| {
            groups.push((r, Vec::new()));
            groups.len() - 1
        });
        if let Some((_, items)) = groups.get_mut(g) {
            items.push(notice_render::Item::new(i, nf));
        }
    }
    let day_prefix = format!("{}-{}-", options.ticket_prefix, now.format("%Y%m%d"));
    let mut next = store
        .next_ticket_number(&day_prefix)
        .map_err(|e| (3, e.to_string()))?;
    let mut ticket_of: HashMap<String, String> = HashMap::new();
    let dir = args.out.join("notices");
    fs::create_dir_all(&dir).map_err(|e| (3, format!("cannot create {}: {e}", dir.display())))?;
    let mut queued: Vec<NewNotice> = Vec::new();
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for (recipient, items) in groups {
        let notices = notice_render::recipient_notices(
            renderer.catalogue(),
            recipient,
            items,
            next,
            &options,
            now,
        )
        .map_err(|e| (3, format!("aggregating notices: {e}")))?;
        next += notices.len();
        for n in &notices {
            let mime = renderer
                .mime(n, now)
                .map_err(|e| (3, format!("rendering {}: {e}", n.ticket)))?;
            let name = notice_render::notice_file_name(&n.recipient.address, n.part.0, n.part.1);
            let mut covered = Vec::new();
            let recipient_key = notice_render::recipient_key(&n.recipient.address);
            for (g, item) in n.items() {
                if let Some(o) = outcomes.get_mut(item.index) {
                    o.ticket = Some(n.ticket.clone());
                }
                ticket_of.insert(
                    merge_key(&recipient_key, &item.finding, renderer.catalogue()),
                    n.ticket.clone(),
                );
                let f = &item.finding;
                covered.push(CoveredFinding::new(
                    f.feed.clone(),
                    f.line,
                    f.ip.clone(),
                    f.port,
                    f.report_type.clone(),
                    g.entry.clone(),
                ));
            }
            let path = dir.join(&name);
            queued.push(
                NewNotice::new(
                    n.ticket.clone(),
                    n.recipient.address.clone(),
                    now,
                    mime.clone(),
                    covered,
                )
                .with_path(path.display().to_string()),
            );
            files.push((path, mime));
        }
    }
    for (i, key) in merge_keys {
        if let (Some(o), Some(ticket)) = (outcomes.get_mut(i), ticket_of.get(&key))
            && o.ticket.is_none()
        {
            o.ticket = Some(ticket.clone());
        }
    }
    store.queue(&queued).map_err(|e| (3, e.to_string()))?;
    drop(store);
    for (path, bytes) in &files {
        write_atomically(path, bytes)
            .map_err(|e| (3, format!("cannot write {}: {e}", path.display())))?;
    }
    // decisions.jsonl and summary.json.
    let mut summary = Summary::default();
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for v in [
        NoticeValue::Queued,
        NoticeValue::Repeat,
        NoticeValue::Acknowledged,
        NoticeValue::None,
    ] {
        counts.insert(v.as_str(), 0);
    }
    let mut rerouted = 0usize;
    let mut out = Vec::with_capacity(findings.len() * 800);
    for ((f, d), o) in findings.iter().zip(&decisions).zip(&outcomes) {
        push_decision_line(&mut out, f, d);
        push_notice_fields(&mut out, o.notice, o.ticket.as_deref());
        out.push(b'\n');
        summary.add(f, d);
        *counts.entry(o.notice.as_str()).or_default() += 1;
        rerouted += usize::from(o.rerouted);
    }
    write_atomically(&args.out.join("decisions.jsonl"), &out)
        .map_err(|e| (3, format!("cannot write decisions.jsonl: {e}")))?;
    let snapshot_json = json!({
        "files": report.files,
        "registry_networks": report.networks.0,
        "rdap_networks": report.networks.1,
        "duplicate_objects": report.duplicate_objects,
        "problems": report.problem_count,
    });
    let mut doc = summary.to_json(snapshot_json, queued.len());
    if let Value::Object(m) = &mut doc {
        m.insert("notice".into(), json!(counts));
        m.insert("rerouted".into(), json!(rerouted));
    }
    let text = serde_json::to_string_pretty(&doc)
        .map_err(|e| (3, format!("cannot write summary.json: {e}")))?;
    write_atomically(&args.out.join("summary.json"), (text + "\n").as_bytes())
        .map_err(|e| (3, format!("cannot write summary.json: {e}")))?;
    eprintln!(
        "daily-run: {} decisions, {} notices queued in {} ({} queued, {} repeat, {} acknowledged, {} none, {} rerouted)",
        summary.decisions,
        queued.len(),
        state.state.display(),
        counts.get("queued").copied().unwrap_or(0),
        counts.get("repeat").copied().unwrap_or(0),
        counts.get("acknowledged").copied().unwrap_or(0),
        counts.get("none").copied().unwrap_or(0),
        rerouted,
    );
    Ok(summary)
}

/// The clock for the programs: `--now` when given, else the system clock.
pub fn now_or_system(now: Option<DateTime<Utc>>) -> DateTime<Utc> {
    now.unwrap_or_else(Utc::now)
}

/// What makes two queued findings one item of a recipient's notice: the recipient, the address,
/// the port and the problem (catalogue entry), as `notice_render::MergedItems` merges them.
fn merge_key(
    recipient_key: &str,
    f: &notice_render::Finding,
    catalogue: &notice_render::Catalogue,
) -> String {
    format!(
        "{recipient_key}\0{}\0{:?}\0{}",
        f.ip.trim(),
        f.port,
        catalogue.classify(f).id
    )
}
