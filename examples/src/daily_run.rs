//! The `daily-run` program: a day's scanner findings in, one decision per finding and one
//! notice per recipient out, with no network access. The contract is `examples/docs/daily-run.md`
//! (`docs/daily-run.md` of this crate); how to assemble a snapshot from public registry dumps
//! and saved answers is `examples/docs/snapshot-howto.md`.
//!
//! ```text
//! daily-run --snapshot DIR --feed FILE [--feed FILE ...] --out DIR [--now RFC3339] [--lang nl|en]
//!           [--allow-partial-snapshot] [--config FILE] [--sender-name NAME] [--sender-address ADDRESS]
//!           [--reply-to ADDRESS] [--phone PHONE] [--website URL] [--verify-url URL]
//!           [--signing-key FILE]
//! ```
//!
//! # Configuration
//! `--config FILE` is the service's identity and wording ([`crate::config`]; documented example
//! `examples/notify.example.toml`): the sender shown in From, Reply-To and every notice's
//! signature, phone, web page, verify URL, ticket prefix, default language and an optional
//! OpenPGP signing key. The flags after it override single values. Without `--config` the
//! example configuration is used and a warning printed. The notice language is the
//! recipient's `Preferred-Languages`, else the configuration's `default_language`, else `--lang`.
//!
//! # Output
//! Everything is written into a fresh sibling folder of `--out` (`.NAME.daily-run-PID`), checked
//! (one `notices/` file per notice counted) and then renamed into place: `--out` ends up holding
//! exactly this run's files, or, when the run fails, is left as it was. An `--out` that holds a
//! previous run (only `decisions.jsonl`, `summary.json` and `notices/`) or nothing is replaced
//! whole; one holding anything else is refused before any work. Notice file names follow
//! [`notice_render::notice_file_name`] (collision-free, documented there).
//!
//! With `--state` ([`crate::daily_state`]) the run is the same code ([`run_with`]): each
//! decision is judged against the history as it is written, the output is written and checked
//! the same way, and the notices are queued in the state once the output is in place (a
//! failure there puts the previous output back).
//!
//! # Exit status
//! 0 when every finding got a decision (even an `unattributed` one); 2 for unusable arguments
//! (clap's usage errors, a `--config` file that cannot be read or is invalid, an unusable
//! override or signing key; checked before any work); 3 for unreadable input (a feed, the snapshot, a snapshot file that
//! cannot be read to its end unless `--allow-partial-snapshot`, a snapshot with no usable
//! evidence), an `--out` that holds other files, or output that cannot be written.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use clap::Parser;
use ip_attribution::{
    CheckOptions, DECISION_STEP, DecidedStep, Decision, Finding, Policy, Snapshot, decide_in_steps,
    read_feed,
};
use notice_render::lifecycle::{Judge, Judged, NoticeNumbering, NoticeValue, WrittenNotice};
use notice_render::{Aggregator, Language, RecipientFindings};
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::daily_state::Lifecycle;

/// The daily run's arguments (the contract's command line).
#[derive(Debug, Clone, Parser)]
#[command(
    name = "daily-run",
    about = "A day's scanner findings in, one decision per finding and one notice per recipient out (no network access)."
)]
pub struct Args {
    /// Evidence snapshot folder (registry/, rdap/, rdns.jsonl, certs/, securitytxt/, trust/,
    /// overrides.csv; every part optional, but at least one must hold usable evidence).
    #[arg(long, value_name = "DIR")]
    pub snapshot: PathBuf,
    /// A scanner feed: Shadowserver CSV report or IntelMQ JSON lines (recognised from the
    /// content); repeat for several, decisions follow the order given.
    #[arg(long = "feed", value_name = "FILE", required = true)]
    pub feeds: Vec<PathBuf>,
    /// Output folder; it ends up holding exactly this run's decisions.jsonl, summary.json and
    /// notices/ (a previous run's output is replaced whole; a folder holding other files is
    /// refused).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The clock for expiry checks and notice dates, RFC 3339 (default: the system clock).
    #[arg(long, value_name = "RFC3339", value_parser = parse_now, default_value = "system clock")]
    pub now: DateTime<Utc>,
    /// Notice language when neither the recipient's Preferred-Languages (security.txt) nor the
    /// configuration's default_language gives one the catalogue has.
    #[arg(long, value_name = "nl|en", value_parser = parse_lang, default_value = "en")]
    pub lang: Language,
    /// Decide with what could be read when a registry, RDAP or rDNS file of the snapshot cannot
    /// be read to its end (a warning, counted in summary.json) instead of exiting with 3.
    #[arg(long)]
    pub allow_partial_snapshot: bool,
    /// The service's identity and wording (`--config FILE` and the flags that override it).
    #[command(flatten)]
    pub config: crate::config::ConfigArgs,
}

/// `--now`: RFC 3339, or the default `system clock`.
fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    if s == "system clock" {
        return Ok(Utc::now());
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not RFC 3339: {e}"))
}

/// `--lang`: `nl` or `en`, any case (a language of the catalogue, [`Language`]).
fn parse_lang(s: &str) -> Result<Language, String> {
    Language::ALL
        .into_iter()
        .find(|l| s.eq_ignore_ascii_case(l.as_str()))
        .ok_or_else(|| "expected nl or en".to_owned())
}

/// Appends `v` as JSON (strings escaped exactly as serde_json escapes them).
fn push_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    // Serialising a string, number or null into a Vec cannot fail.
    if serde_json::to_writer(&mut *out, v).is_err() {
        out.extend_from_slice(b"null");
    }
}

/// Appends `items` as a compact JSON array, each item written by `item`.
fn push_array<T>(out: &mut Vec<u8>, items: &[T], item: impl Fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item(out, x);
    }
    out.push(b']');
}

/// Appends one `decisions.jsonl` line (without the newline), fields in the contract's order,
/// written straight into `out` (no intermediate JSON values: a million lines a run).
pub fn push_decision_line(out: &mut Vec<u8>, f: &Finding, d: &Decision) {
    out.extend_from_slice(b"{\"feed\": ");
    push_json(out, &*f.feed);
    out.extend_from_slice(b", \"line\": ");
    push_json(out, &f.line);
    out.extend_from_slice(b", \"ip\": ");
    match (f.ip, &f.ip_text) {
        (Some(ip), _) => push_json(out, &ip.to_string()),
        (None, Some(t)) => push_json(out, t.as_str()),
        (None, None) => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b", \"port\": ");
    push_json(out, &f.port);
    out.extend_from_slice(b", \"report_type\": ");
    push_json(out, &*f.report_type);
    out.extend_from_slice(b", \"outcome\": ");
    push_json(out, d.outcome.as_str());
    out.extend_from_slice(b", \"organisation\": ");
    match &d.organisation {
        // Keys in serde_json's map order (sorted), as `json!` wrote them.
        Some(o) => {
            out.extend_from_slice(b"{\"domain\":");
            push_json(out, &o.domain);
            out.extend_from_slice(b",\"name\":");
            push_json(out, &o.name);
            out.push(b'}');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b", \"recipients\": ");
    push_array(out, &d.recipients, |out, r| {
        out.extend_from_slice(b"{\"address\":");
        push_json(out, &r.address);
        out.extend_from_slice(b",\"via\":");
        push_json(out, r.via.as_str());
        out.push(b'}');
    });
    out.extend_from_slice(b", \"language\": ");
    push_json(out, d.language.as_tag());
    out.extend_from_slice(b", \"evidence\": ");
    push_array(out, &d.evidence, |out, e| {
        out.extend_from_slice(b"{\"kind\":");
        push_json(out, &e.kind);
        out.extend_from_slice(b",\"source\":");
        push_json(out, &e.source);
        out.extend_from_slice(b",\"value\":");
        push_json(out, &e.value);
        out.extend_from_slice(b",\"weight\":");
        push_json(out, &e.weight);
        out.push(b'}');
    });
    out.extend_from_slice(b", \"reason\": ");
    push_json(out, &d.reason);
    out.push(b'}');
}

/// One `decisions.jsonl` line (without the newline), fields in the contract's order.
pub fn decision_line(f: &Finding, d: &Decision) -> String {
    let mut out = Vec::with_capacity(1024);
    push_decision_line(&mut out, f, d);
    String::from_utf8(out).unwrap_or_default()
}

/// Counts for `summary.json`.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Decisions written (= findings read).
    pub decisions: usize,
    /// Per outcome.
    pub outcomes: BTreeMap<String, usize>,
    /// Per report type.
    pub report_types: BTreeMap<String, usize>,
    /// Per recipient (`recipients[0]`).
    pub recipients: BTreeMap<String, usize>,
    /// Per feed file: findings read.
    pub feeds: BTreeMap<String, usize>,
    /// Malformed feed rows.
    pub malformed_rows: usize,
}

impl Summary {
    /// Counts one decision.
    pub fn add(&mut self, f: &Finding, d: &Decision) {
        /// Counts `key` without allocating when it was seen before.
        fn bump(map: &mut BTreeMap<String, usize>, key: &str) {
            match map.get_mut(key) {
                Some(n) => *n += 1,
                None => {
                    map.insert(key.to_owned(), 1);
                }
            }
        }
        self.decisions += 1;
        bump(&mut self.outcomes, d.outcome.as_str());
        bump(&mut self.report_types, &f.report_type);
        bump(&mut self.feeds, &f.feed);
        if let Some(r) = d.recipient() {
            bump(&mut self.recipients, &r.address);
        }
        if f.problem.is_some() {
            self.malformed_rows += 1;
        }
    }

    /// The `summary.json` document.
    pub fn to_json(&self, snapshot: Value, notices: usize) -> Value {
        json!({
            "input_lines": self.decisions,
            "decisions": self.decisions,
            "malformed_rows": self.malformed_rows,
            "outcomes": self.outcomes,
            "report_types": self.report_types,
            "recipients": self.recipients,
            "feeds": self.feeds,
            "notices": notices,
            "snapshot": snapshot,
        })
    }
}

/// Reads every feed (in parallel), keeping the order of `paths`.
pub fn read_feeds(paths: &[PathBuf]) -> Result<Vec<Finding>, String> {
    let per_file: Vec<Result<Vec<Finding>, String>> = paths
        .par_iter()
        .map(|p| {
            let bytes =
                fs::read(p).map_err(|e| format!("cannot read feed {}: {e}", p.display()))?;
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            read_feed(&name, &bytes).map_err(|e| format!("unusable feed {}: {e}", p.display()))
        })
        .collect();
    let mut all = Vec::new();
    for r in per_file {
        all.extend(r?);
    }
    Ok(all)
}

/// Decides every finding and writes `decisions.jsonl` in input order, through the engine's
/// decision stream ([`decide_in_steps`], steps of [`DECISION_STEP`] findings, the next step
/// decided while one is written; lines formatted in parallel), counting the summary and
/// pushing the notice findings into `plan` as it goes. Returns the summary and the number of
/// address decisions taken.
///
/// With `judged` (the run with `--state`), each decision first goes through the history
/// ([`Judge::judge`]: rerouted around bounced addresses, repeats and acknowledged findings
/// left out of the notices) and its verdict is appended to the vector, in input order; the
/// plain run is this with no history.
pub fn write_decisions(
    out: &Path,
    findings: &[Finding],
    snapshot: &Snapshot,
    policy: &Policy,
    now: DateTime<Utc>,
    plan: &mut Aggregator<'_>,
    mut judged: Option<(&Judge, &mut Vec<Judged>)>,
) -> std::io::Result<(Summary, usize)> {
    let file = fs::File::create(out.join("decisions.jsonl"))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut summary = Summary::default();
    let decided = decide_in_steps(findings, snapshot, policy, now, DECISION_STEP, |step| {
        write_step(
            &mut w,
            &mut summary,
            plan,
            step,
            now,
            judged.as_mut().map(|(j, v)| (*j, &mut **v)),
        )
    })?;
    w.flush()?;
    Ok((summary, decided))
}

/// Writes the decision lines of one step and counts and plans its findings (judged against
/// the history first, with `--state`).
fn write_step(
    w: &mut impl Write,
    summary: &mut Summary,
    plan: &mut Aggregator<'_>,
    step: DecidedStep<'_>,
    now: DateTime<Utc>,
    judged: Option<(&Judge, &mut Vec<Judged>)>,
) -> std::io::Result<()> {
    // Decisions looked up (and judged against the history), lines and notice findings made
    // (and mapped to their problem) in parallel, 4,096 findings to a part; written and planned
    // in input order.
    type Part<'b, 'c> = (
        Vec<u8>,
        Vec<(Cow<'b, Decision>, Option<(notice_render::Finding, &'c str)>)>,
        Vec<Judged>,
    );
    let judge = judged.as_ref().map(|(j, _)| *j);
    let catalogue = plan.catalogue();
    let (chunk, batch) = (step.findings, step.decisions);
    let parts: Vec<Part<'_, '_>> = chunk
        .par_chunks(4_096)
        .map(|part| {
            let mut buf = Vec::with_capacity(part.len() * 700);
            let mut decided = Vec::with_capacity(part.len());
            let mut verdicts = Vec::new();
            for f in part {
                let mut d = batch.get(f);
                let mut nf = d.recipient().and(notice_finding(f, now)).map(|nf| {
                    let entry = catalogue.classify(&nf).id.as_str();
                    (nf, entry)
                });
                if let Some(judge) = judge {
                    let entry = nf.as_ref().map(|(_, e)| *e);
                    let v = crate::notice_input::judge(judge, f, d.to_mut(), entry, now);
                    if v.notice != NoticeValue::Queued {
                        nf = None;
                    }
                    verdicts.push(v);
                }
                push_decision_line(&mut buf, f, &d);
                buf.push(b'\n');
                decided.push((d, nf));
            }
            (buf, decided, verdicts)
        })
        .collect();
    let mut judged = judged;
    for ((buf, decided, verdicts), part) in parts.into_iter().zip(chunk.chunks(4_096)) {
        if let Some((_, all)) = judged.as_mut() {
            all.extend(verdicts);
        }
        w.write_all(&buf)?;
        for (f, (d, nf)) in part.iter().zip(decided) {
            summary.add(f, &d);
            if let (Some((nf, entry)), Some(r)) = (nf, d.recipient()) {
                let nf = match crate::notice_input::customer(&d) {
                    Some(c) => nf.with_customer(c),
                    None => nf,
                };
                let _ = plan.push_classified(entry, nf, &r.address, || {
                    notice_recipient(&d)
                        .unwrap_or_else(|| notice_render::Recipient::new(r.address.clone()))
                });
            }
        }
    }
    Ok(())
}

/// Elapsed time and, where the system tells (Linux `/proc/self/status`), peak memory so far:
/// the figures a long run's progress lines show.
fn progress(t0: Instant) -> String {
    let peak = fs::read_to_string("/proc/self/status").ok().and_then(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    });
    match peak {
        Some(kb) => format!("{:.1?}, peak {} MB", t0.elapsed(), kb / 1024),
        None => format!("{:.1?}", t0.elapsed()),
    }
}

/// Most malformed rows printed one by one; the rest are counted in one line (all of them are
/// in `summary.json` and `decisions.jsonl`).
pub const MALFORMED_ROWS_PRINTED: usize = 100;

/// Writes the first [`MALFORMED_ROWS_PRINTED`] malformed rows to `w` (file, line, problem),
/// then one line saying how many more were not printed. Returns the number of malformed rows.
pub fn log_malformed(findings: &[Finding], w: &mut impl Write) -> std::io::Result<usize> {
    let mut malformed = findings.iter().filter_map(Finding::error);
    let mut n = 0;
    for e in malformed.by_ref().take(MALFORMED_ROWS_PRINTED) {
        writeln!(w, "daily-run: {e}")?;
        n += 1;
    }
    let more = malformed.count();
    if more > 0 {
        writeln!(
            w,
            "daily-run: {more} more malformed rows not printed (each is an unattributed \
             decision with reason malformed-input; all are counted in summary.json)"
        )?;
    }
    Ok(n + more)
}

/// What `--out` holds before a run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutState {
    /// Nothing there yet.
    Absent,
    /// An empty folder, or a previous run's output (only `decisions.jsonl`, `summary.json`,
    /// `notices/`, and this program's left-over work folders): replaced whole.
    Replaceable,
    /// A file, or a folder holding something else (the names, at most 5): refused.
    Foreign(Vec<String>),
}

/// The entries a daily run writes into `--out`.
pub const OUT_ENTRIES: [&str; 3] = ["decisions.jsonl", "summary.json", "notices"];

/// Looks at what `out` holds (see [`OutState`]).
pub fn out_state(out: &Path) -> std::io::Result<OutState> {
    let meta = match fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(OutState::Absent),
        Err(e) => return Err(e),
    };
    if !meta.is_dir() {
        return Ok(OutState::Foreign(vec![out.display().to_string()]));
    }
    let mut foreign = Vec::new();
    for e in fs::read_dir(out)? {
        let name = e?.file_name().to_string_lossy().into_owned();
        if !OUT_ENTRIES.contains(&name.as_str()) {
            foreign.push(name);
        }
    }
    foreign.sort();
    foreign.truncate(5);
    Ok(if foreign.is_empty() {
        OutState::Replaceable
    } else {
        OutState::Foreign(foreign)
    })
}

/// The fresh sibling folder a run writes into before it is renamed to `out`, and the name the
/// previous output gets while it is swapped out.
fn work_dirs(out: &Path) -> (PathBuf, PathBuf) {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_owned());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let pid = std::process::id();
    (
        parent.join(format!(".{name}.daily-run-{pid}")),
        parent.join(format!(".{name}.previous-{pid}")),
    )
}

/// Puts the finished `work` folder in place of `out`: a previous output is moved aside, `work`
/// renamed to `out`. Returns whether there was a previous output (now at `aside`); on an
/// error `out` is as it was.
fn swap_in(work: &Path, out: &Path, aside: &Path) -> Result<bool, String> {
    let had_previous = match out_state(out) {
        Ok(OutState::Absent) => false,
        Ok(OutState::Replaceable) => true,
        Ok(OutState::Foreign(names)) => {
            return Err(format!(
                "{} changed during the run and now holds {}; this run's output is left in {}",
                out.display(),
                names.join(", "),
                work.display()
            ));
        }
        Err(e) => return Err(format!("cannot read {}: {e}", out.display())),
    };
    if had_previous {
        fs::rename(out, aside)
            .map_err(|e| format!("cannot move the previous {} aside: {e}", out.display()))?;
    }
    if let Err(e) = fs::rename(work, out) {
        if had_previous {
            let _ = fs::rename(aside, out);
        }
        return Err(format!(
            "cannot rename {} to {}: {e}",
            work.display(),
            out.display()
        ));
    }
    Ok(had_previous)
}

/// Undoes [`swap_in`]: this run's output goes back to `work` (removed by the caller) and the
/// previous output, if any, back to `out`.
fn swap_back(work: &Path, out: &Path, aside: &Path, had_previous: bool) -> Result<(), String> {
    fs::rename(out, work).map_err(|e| {
        format!(
            "cannot move this run's output {} back out of the way: {e}",
            out.display()
        )
    })?;
    if had_previous {
        fs::rename(aside, out).map_err(|e| {
            format!(
                "cannot put the previous output back from {} to {}: {e}",
                aside.display(),
                out.display()
            )
        })?;
    }
    Ok(())
}

/// Removes the previous output moved aside by [`swap_in`].
fn drop_previous(aside: &Path, had_previous: bool) -> Result<(), String> {
    if had_previous {
        fs::remove_dir_all(aside)
            .map_err(|e| format!("cannot remove the previous output {}: {e}", aside.display()))?;
    }
    Ok(())
}

/// Counts the files in `dir` (0 when it does not exist).
fn count_files(dir: &Path) -> std::io::Result<usize> {
    match fs::read_dir(dir) {
        Ok(rd) => {
            let mut n = 0;
            for e in rd {
                if e?.file_type()?.is_file() {
                    n += 1;
                }
            }
            Ok(n)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(e),
    }
}

/// Runs the whole daily run; progress goes to stderr. Errors carry the exit status. The
/// output appears in `args.out` all at once, or not at all (see the [module docs](self)).
pub fn run(args: &Args) -> Result<Summary, (u8, String)> {
    run_with(args, None)
}

/// The daily run, with the lifecycle state when `lifecycle` is given (`daily-run --state`,
/// [`crate::daily_state`]): one writer and one notice loop for both; the plain run is the
/// state run with no history.
///
/// With a state, the output folder is swapped into place first and the notices are queued in
/// the state after that (one transaction); when queueing fails, the swap is undone. So a run
/// that fails leaves the previous output and the state as they were, and a notice is never
/// queued without its file in `--out` (only a crash between the rename and the commit can leave
/// files that are not queued: the next run queues those findings again, nothing is lost).
pub fn run_with(
    args: &Args,
    mut lifecycle: Option<&mut Lifecycle>,
) -> Result<Summary, (u8, String)> {
    match out_state(&args.out) {
        Ok(OutState::Foreign(names)) => {
            return Err((
                3,
                format!(
                    "--out {} holds files that are not a daily run's output ({}); give a new or \
                     empty folder, or one holding only a previous run",
                    args.out.display(),
                    names.join(", ")
                ),
            ));
        }
        Ok(_) => {}
        Err(e) => return Err((3, format!("cannot read --out {}: {e}", args.out.display()))),
    }
    // The configuration before any work: a bad file or flag stops the run with 2.
    let setup = NoticeSetup::load(&args.config, args.lang).map_err(|e| (2, e))?;
    if let Some(w) = &setup.warning {
        eprintln!("daily-run: warning: {w}");
    }
    let (work, aside) = work_dirs(&args.out);
    if work.exists() {
        fs::remove_dir_all(&work)
            .map_err(|e| (3, format!("cannot clear {}: {e}", work.display())))?;
    }
    fs::create_dir_all(&work).map_err(|e| (3, format!("cannot create {}: {e}", work.display())))?;
    let result = run_into(args, &setup, &work, lifecycle.as_deref_mut()).and_then(|summary| {
        let had_previous = swap_in(&work, &args.out, &aside).map_err(|e| (3, e))?;
        if let Some(lc) = lifecycle
            && let Err(e) = lc.commit(&args.out)
        {
            return match swap_back(&work, &args.out, &aside, had_previous) {
                Ok(()) => Err(e),
                Err(undo) => Err((3, format!("{}; and {undo}", e.1))),
            };
        }
        drop_previous(&aside, had_previous).map_err(|e| (3, e))?;
        Ok(summary)
    });
    if result.is_err() && work.exists() {
        let _ = fs::remove_dir_all(&work);
    }
    result
}

/// The run itself, writing into the fresh folder `dir`.
fn run_into(
    args: &Args,
    setup: &NoticeSetup,
    dir: &Path,
    mut lifecycle: Option<&mut Lifecycle>,
) -> Result<Summary, (u8, String)> {
    let t0 = Instant::now();
    // Feeds are read on their own thread while the snapshot loads.
    let (findings, loaded) = std::thread::scope(|scope| {
        let feeds = scope.spawn(|| read_feeds(&args.feeds));
        let loaded = Snapshot::load(&args.snapshot);
        (feeds.join(), loaded)
    });
    let findings = findings
        .map_err(|_| (3, "the feed reader stopped unexpectedly".to_owned()))?
        .map_err(|e| (3, e))?;
    let _ = log_malformed(&findings, &mut std::io::stderr().lock());
    eprintln!(
        "daily-run: {} findings from {} feeds ({})",
        findings.len(),
        args.feeds.len(),
        progress(t0)
    );
    let (snapshot, report) = loaded.map_err(|e| {
        (
            3,
            format!("cannot read snapshot {}: {e}", args.snapshot.display()),
        )
    })?;
    for p in &report.problems {
        eprintln!("daily-run: snapshot: {p}");
    }
    let check = CheckOptions::default().with_allow_partial(args.allow_partial_snapshot);
    report.check(&args.snapshot, check).map_err(|e| {
        let hint = if report.unreadable.is_empty() {
            ""
        } else {
            " (--allow-partial-snapshot decides with what could be read)"
        };
        (3, format!("{e}{hint}"))
    })?;
    for p in &report.unreadable {
        eprintln!(
            "daily-run: warning: snapshot file not read to its end, deciding without the rest: {p}"
        );
    }
    eprintln!(
        "daily-run: snapshot loaded: {} registry networks, {} RDAP networks, {} problems ({})",
        report.networks.0,
        report.networks.1,
        report.problem_count,
        progress(t0)
    );
    let policy = Policy::with_language(crate::notice_input::engine_language(setup.language));
    let renderer = &setup.renderer;
    let options = setup.options.clone();
    let judge = match lifecycle.as_deref_mut() {
        Some(lc) => Some(lc.judge(&findings, renderer.catalogue(), &options, args.now)?),
        None => None,
    };
    let numbering = judge
        .as_ref()
        .map_or_else(NoticeNumbering::default, Judge::numbering);
    let mut verdicts = Vec::new();
    let mut plan = Aggregator::new(renderer.catalogue(), options, args.now)
        .map_err(|e| (3, format!("aggregating notices: {e}")))?
        .with_first_ticket(numbering.first_ticket);
    let (summary, decided) = write_decisions(
        dir,
        &findings,
        &snapshot,
        &policy,
        args.now,
        &mut plan,
        judge.as_ref().map(|j| (j, &mut verdicts)),
    )
    .map_err(|e| (3, format!("cannot write decisions.jsonl: {e}")))?;
    eprintln!(
        "daily-run: decisions.jsonl written, {decided} address decisions, {} recipients ({})",
        plan.recipients(),
        progress(t0)
    );
    drop(snapshot);
    drop(findings);
    let dropped = plan.dropped();
    let (notices, kept) = write_notices(dir, plan.finish(), args.now, numbering, &setup.renderer)
        .map_err(|e| (3, e))?;
    if dropped > 0 {
        eprintln!(
            "daily-run: {dropped} findings left out of notices (too old or no valid recipient)"
        );
    }
    let files = count_files(&dir.join("notices"))
        .map_err(|e| (3, format!("cannot list the notices written: {e}")))?;
    if files != notices {
        return Err((
            3,
            format!("{notices} notices made but {files} notice files written; output not used"),
        ));
    }
    let snapshot_json = json!({
        "files": report.files,
        "registry_networks": report.networks.0,
        "rdap_networks": report.networks.1,
        "duplicate_objects": report.duplicate_objects,
        "problems": report.problem_count,
        "unreadable_files": report.unreadable.len(),
    });
    let mut doc = summary.to_json(snapshot_json, notices);
    if let Some(lc) = lifecycle {
        // The history's verdicts go into decisions.jsonl and summary.json, and the notices
        // are held for the state (queued once the output is in place).
        let counts = lc.record(dir, verdicts, kept).map_err(|e| (3, e))?;
        if let Value::Object(m) = &mut doc {
            m.insert("notice".into(), json!(counts.notice));
            m.insert("rerouted".into(), json!(counts.rerouted));
        }
    }
    let text = serde_json::to_string_pretty(&doc)
        .map_err(|e| (3, format!("cannot write summary.json: {e}")))?;
    fs::write(dir.join("summary.json"), text + "\n")
        .map_err(|e| (3, format!("cannot write summary.json: {e}")))?;
    eprintln!(
        "daily-run: {} decisions written to {} ({})",
        summary.decisions,
        args.out.display(),
        progress(t0)
    );
    Ok(summary)
}

pub use crate::notice_input::{finding as notice_finding, recipient as notice_recipient};

/// The renderer of the example configuration ([`notice_render::Config::example`]); the run
/// itself uses the one of `--config` ([`crate::config::renderer`]).
pub fn notice_renderer() -> Result<notice_render::Renderer, String> {
    let config = notice_render::Config::example().map_err(|e| e.to_string())?;
    crate::config::renderer(&config)
}

/// What the service's configuration gives a run's notices (`--config` and its overrides).
#[derive(Debug)]
#[non_exhaustive]
pub struct NoticeSetup {
    /// The renderer: built-in catalogue and templates, the configured sender, a signer when
    /// `[signing] key` is set.
    pub renderer: notice_render::Renderer,
    /// The aggregation options: the configuration's ticket prefix and default language.
    pub options: notice_render::AggregateOptions,
    /// The default notice language: the configuration's, else `--lang`.
    pub language: notice_render::Language,
    /// `Some` when the sender is still the example configuration's (to print as a warning).
    pub warning: Option<String>,
}

impl NoticeSetup {
    /// Reads the configuration (see [`crate::config::load`]) and builds the renderer;
    /// `lang` is the program's `--lang` (the default when the configuration names none).
    ///
    /// # Errors
    /// A message naming the file and line, the flag, or the signing key that is unusable.
    pub fn load(config: &crate::config::ConfigArgs, lang: Language) -> Result<Self, String> {
        let loaded = crate::config::load(config)?;
        let renderer = crate::config::renderer(&loaded.config)?;
        let language = crate::config::default_language(&loaded.config, lang.as_str());
        Ok(Self {
            renderer,
            options: loaded.config.aggregate_options(language),
            language,
            warning: loaded.warning,
        })
    }
}

/// The aggregation options of the daily run: defaults, with `--lang` as the default language.
pub fn notice_options(lang: Language) -> notice_render::AggregateOptions {
    notice_render::AggregateOptions::default().with_default_language(lang)
}

/// Writes one `notices/<name>.eml` per notice of the `recipients` an [`Aggregator`] handed
/// out (several parts when a recipient has
/// more findings than one notice holds; names from [`notice_render::notice_file_name`]),
/// through notice-render. Returns (notices written, the notices kept when `numbering.keep`).
/// A name already written in this run is an error, never an overwrite.
///
/// Each recipient's notices are built, rendered and written in parallel and then dropped, so
/// memory does not grow with the number of findings. Tickets and parts are exactly those of
/// [`notice_render::aggregate()`] over all findings in input order (a test holds this),
/// numbered from the aggregator's first ticket ([`NoticeNumbering::first_ticket`]).
pub fn write_notices(
    out: &Path,
    recipients: Vec<RecipientFindings>,
    now: DateTime<Utc>,
    numbering: NoticeNumbering,
    renderer: &notice_render::Renderer,
) -> Result<(usize, Vec<WrittenNotice>), String> {
    let dir = out.join("notices");
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let written: Result<Vec<(usize, Vec<WrittenNotice>)>, String> = recipients
        .into_par_iter()
        .map(|r| {
            let notices = r.into_notices();
            let mut kept = Vec::new();
            for n in &notices {
                let mime = renderer
                    .mime(n, now)
                    .map_err(|e| format!("rendering {}: {e}", n.ticket))?;
                let name =
                    notice_render::notice_file_name(&n.recipient.address, n.part.0, n.part.1);
                let mut file = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(dir.join(&name))
                    .map_err(|e| format!("cannot write notices/{name}: {e}"))?;
                file.write_all(&mime)
                    .map_err(|e| format!("cannot write notices/{name}: {e}"))?;
                if numbering.keep {
                    kept.push(WrittenNotice::new(n, mime, name, now));
                }
            }
            Ok((notices.len(), kept))
        })
        .collect();
    let mut count = 0;
    let mut kept = Vec::new();
    for (n, k) in written? {
        count += n;
        kept.extend(k);
    }
    Ok((count, kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_states() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let out = tmp.path().join("out");
        assert_eq!(out_state(&out).ok(), Some(OutState::Absent));
        let _ = fs::create_dir_all(out.join("notices"));
        let _ = fs::write(out.join("summary.json"), "{}");
        assert_eq!(out_state(&out).ok(), Some(OutState::Replaceable));
        let _ = fs::write(out.join("thesis.docx"), "mine");
        assert_eq!(
            out_state(&out).ok(),
            Some(OutState::Foreign(vec!["thesis.docx".to_owned()]))
        );
        let (work, aside) = work_dirs(&out);
        assert_eq!(work.parent(), out.parent());
        assert_ne!(work, aside);
    }

    #[test]
    fn config_is_a_clap_option_with_its_overrides() {
        let cli = crate::daily_state::Cli::try_parse_from([
            "daily-run",
            "--snapshot",
            "s",
            "--feed",
            "f",
            "--out",
            "o",
            "--config",
            "notify.toml",
            "--sender-name",
            "CERT Voorbeeld",
            "--verify-url",
            "https://cert.example/v?t={ticket}",
            "--state",
            "st.db",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cli.run.config.config, Some(PathBuf::from("notify.toml")));
        assert_eq!(
            cli.run.config.sender_name.as_deref(),
            Some("CERT Voorbeeld")
        );
        assert_eq!(
            cli.run.config.verify_url.as_deref(),
            Some("https://cert.example/v?t={ticket}")
        );
        assert!(cli.state.state.is_some());
        let plain =
            Args::try_parse_from(["daily-run", "--snapshot", "s", "--feed", "f", "--out", "o"])
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plain.config, crate::config::ConfigArgs::default());
        let help = <crate::daily_state::Cli as clap::CommandFactory>::command()
            .render_long_help()
            .to_string();
        for flag in [
            "--config <FILE>",
            "--sender-name",
            "--sender-address",
            "--reply-to",
            "--phone",
            "--website",
            "--verify-url",
            "--signing-key",
        ] {
            assert!(help.contains(flag), "{flag} in --help");
        }
    }

    #[test]
    fn arguments_are_the_contracts() {
        let args = Args::try_parse_from([
            "daily-run",
            "--snapshot",
            "s",
            "--feed",
            "a.csv",
            "--feed",
            "b.jsonl",
            "--out",
            "o",
            "--now",
            "2026-11-23T00:00:00Z",
            "--lang",
            "NL",
        ]);
        let args = args.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(args.feeds.len(), 2);
        assert_eq!(args.lang, Language::Nl);
        assert_eq!(args.now.to_rfc3339(), "2026-11-23T00:00:00+00:00");
        assert!(!args.allow_partial_snapshot);
        for bad in [
            &["daily-run", "--snapshot", "s", "--out", "o"][..],
            &[
                "daily-run",
                "--snapshot",
                "s",
                "--feed",
                "f",
                "--out",
                "o",
                "--lang",
                "de",
            ],
            &[
                "daily-run",
                "--snapshot",
                "s",
                "--feed",
                "f",
                "--out",
                "o",
                "--now",
                "today",
            ],
            &[
                "daily-run",
                "--snapshot",
                "s",
                "--feed",
                "f",
                "--out",
                "o",
                "--bogus",
                "x",
            ],
        ] {
            let e = Args::try_parse_from(bad).err();
            assert_eq!(e.map(|e| e.exit_code()), Some(2), "{bad:?}");
        }
    }
}
