//! `daily-run --state FILE [--repeat-after DAYS]`: the daily run with a memory (see
//! `docs/lifecycle.md`). The day is decided, written and checked by the same code as without
//! `--state` ([`crate::daily_run::run_with`]: one notice loop, one atomic writer); each
//! decision first goes through notice-render's [`Judge`] (the history policy of
//! [`notice_render::lifecycle`] and the aggregation's drop rules), which decides whether a
//! notice is `queued`, a `repeat`, `acknowledged` or `none` and routes around hard-bounced
//! addresses; [`crate::notice_input::judge`] applies its verdict to the engine's decision.
//! This module holds only the program's side: the arguments, opening the SQLite state, reading
//! the history into the [`Judge`], the `notice`/`ticket` fields of `decisions.jsonl` and
//! queueing the notices written. The notices written to `OUT/notices/` are
//! queued as `pending` in the state (one transaction) after the output folder is in place;
//! when that fails the previous output is put back, so the state and `--out` never disagree
//! (see [`crate::daily_run::run_with`] for the one window a crash leaves, and which way).
//!
//! Each `decisions.jsonl` line gains `"notice"` and `"ticket"`; `summary.json` gains
//! `"notice"` (counts per value) and `"rerouted"`. Running the same day again with the same
//! state queues nothing twice: its findings are repeats of the notices queued the first time.

use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use ip_attribution::Finding;
use notice_render::lifecycle::sqlite::{OpenOptions, SqliteStore};
use notice_render::lifecycle::{
    Judge, Judged, NewNotice, NoticeCounts, NoticeValue, PolicyOptions, Store, WrittenNotice,
    give_tickets,
};

use crate::daily_run::{Args, Summary, notice_finding};

/// The `daily-run` program's whole command line: the day's arguments
/// ([`crate::daily_run::Args`]) and the lifecycle options.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "daily-run",
    version,
    after_help = "Exit status: 0 every finding got a decision (even an unattributed one); 2 unusable arguments; 3 unreadable input (a feed, the snapshot, a snapshot file that cannot be read to its end unless --allow-partial-snapshot, a snapshot with no usable evidence, the state), an --out that holds other files, or output that cannot be written (then neither --out nor the state is changed).",
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

/// Appends `"notice"` and `"ticket"` to a decision line made by
/// [`crate::daily_run::push_decision_line`].
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

/// A fault a test makes happen on purpose, to check that a failed run leaves the output and
/// the state as they were.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Queueing the notices in the state fails (after the output is in place, before the
    /// state changes), as a full disk or a broken state file would.
    QueueFails,
}

/// The lifecycle state of one `daily-run --state` run: the store, opened (and locked) before
/// any work, and the notices to queue once the output is in place.
#[derive(Debug)]
pub struct Lifecycle {
    store: SqliteStore,
    state: PathBuf,
    repeat_after: TimeDelta,
    queued: Vec<NewNotice>,
    counts: NoticeCounts,
    fault: Option<Fault>,
}

impl Lifecycle {
    /// Opens (creating it when missing) the state; a busy or newer state stops the run before
    /// any work (exit status 3).
    pub fn open(state: &StateArgs) -> Result<Self, (u8, String)> {
        let store = SqliteStore::open(&state.state, OpenOptions::create())
            .map_err(|e| (3, e.to_string()))?;
        Ok(Self {
            store,
            state: state.state.clone(),
            repeat_after: TimeDelta::days(i64::from(state.repeat_after_days)),
            queued: Vec::new(),
            counts: NoticeCounts::default(),
            fault: None,
        })
    }

    /// Makes `fault` happen (tests).
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    /// Reads what the state knows about the day's `findings` (notices in the repeat window,
    /// acknowledgements in force, hard bounces, the day's next ticket number) into a
    /// [`Judge`] ([`Judge::load`]; the keys are the findings' addresses and catalogue entries).
    pub fn judge(
        &mut self,
        findings: &[Finding],
        catalogue: &notice_render::Catalogue,
        options: &notice_render::AggregateOptions,
        now: DateTime<Utc>,
    ) -> Result<Judge, (u8, String)> {
        let keys: Vec<(String, String)> = findings
            .iter()
            .filter_map(|f| {
                let nf = notice_finding(f, now)?;
                Some((nf.ip.clone(), catalogue.classify(&nf).id.clone()))
            })
            .collect();
        let policy = PolicyOptions::default().with_repeat_after(self.repeat_after);
        Judge::load(&mut self.store, &keys, policy, options.clone(), now)
            .map_err(|e| (3, e.to_string()))
    }

    /// Gives each queued finding its notice's ticket, appends `"notice"` and `"ticket"` to
    /// every line of `dir/decisions.jsonl` (`verdicts` in input order) and holds the notices
    /// `kept` for [`Self::commit`]. Returns the counts for `summary.json`.
    pub fn record(
        &mut self,
        dir: &Path,
        mut verdicts: Vec<Judged>,
        kept: Vec<WrittenNotice>,
    ) -> Result<NoticeCounts, String> {
        let counts = give_tickets(&mut verdicts, &kept);
        let path = dir.join("decisions.jsonl");
        let tmp = dir.join(".decisions.jsonl.notice");
        let fault = |e: std::io::Error| format!("cannot write decisions.jsonl: {e}");
        let mut r = BufReader::new(fs::File::open(&path).map_err(fault)?);
        let mut w = BufWriter::new(fs::File::create(&tmp).map_err(fault)?);
        let mut line = Vec::new();
        let mut verdicts = verdicts.into_iter();
        loop {
            line.clear();
            if r.read_until(b'\n', &mut line).map_err(fault)? == 0 {
                break;
            }
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            let Some(v) = verdicts.next() else {
                return Err("decisions.jsonl has more lines than findings judged".into());
            };
            push_notice_fields(&mut line, v.notice, v.ticket.as_deref());
            line.push(b'\n');
            w.write_all(&line).map_err(fault)?;
        }
        if verdicts.next().is_some() {
            return Err("decisions.jsonl has fewer lines than findings judged".into());
        }
        w.flush().map_err(fault)?;
        drop(w);
        fs::rename(&tmp, &path).map_err(fault)?;
        self.queued = kept.into_iter().map(|k| k.notice).collect();
        self.counts = counts.clone();
        Ok(counts)
    }

    /// Queues the notices held by [`Self::record`] as `pending` (one transaction), with their
    /// paths under `out/notices/`.
    pub fn commit(&mut self, out: &Path) -> Result<(), (u8, String)> {
        let dir = out.join("notices");
        let queued: Vec<NewNotice> = std::mem::take(&mut self.queued)
            .into_iter()
            .map(|n| {
                let path = dir.join(n.path.as_deref().unwrap_or_default());
                n.with_path(path.display().to_string())
            })
            .collect();
        if self.fault == Some(Fault::QueueFails) {
            return Err((
                3,
                format!(
                    "cannot queue {} notices in {}: fault made on purpose",
                    queued.len(),
                    self.state.display()
                ),
            ));
        }
        self.store.queue(&queued).map_err(|e| (3, e.to_string()))?;
        let per_value: Vec<String> = self
            .counts
            .notice
            .iter()
            .map(|(value, n)| format!("{value} {n}"))
            .collect();
        eprintln!(
            "daily-run: {} notices queued in {}; findings: {}, rerouted {}",
            queued.len(),
            self.state.display(),
            per_value.join(", "),
            self.counts.rerouted
        );
        Ok(())
    }
}

/// Runs the daily run with the state ([`crate::daily_run::run_with`]); errors carry the exit
/// status (3: unreadable input or state, an output that cannot be written).
pub fn run(args: &Args, state: &StateArgs) -> Result<Summary, (u8, String)> {
    let mut lifecycle = Lifecycle::open(state)?;
    crate::daily_run::run_with(args, Some(&mut lifecycle))
}

/// The clock for the programs: `--now` when given, else the system clock.
pub fn now_or_system(now: Option<DateTime<Utc>>) -> DateTime<Utc> {
    now.unwrap_or_else(Utc::now)
}
