//! Output of the `daily-run` example: `decisions.jsonl` lines and `summary.json`, in the shape
//! `daily-run.md` gives.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use ip_attribution::engine::{Decision, Decisions, Policy, decide_batch};
use ip_attribution::feed::{self, Finding};
use ip_attribution::snapshot::Snapshot;
use rayon::prelude::*;
use serde_json::{Value, json};

/// The daily run's arguments (see `daily-run.md`).
#[derive(Debug, Clone)]
pub struct Args {
    /// `--snapshot DIR`.
    pub snapshot: PathBuf,
    /// `--feed FILE`, in the order given.
    pub feeds: Vec<PathBuf>,
    /// `--out DIR`.
    pub out: PathBuf,
    /// `--now`.
    pub now: DateTime<Utc>,
    /// `--lang` (`nl` or `en`): the notice language when neither the recipient's
    /// `Preferred-Languages` nor the configuration's `default_language` gives one.
    pub lang: String,
    /// `--config FILE`: the service's identity (see [`crate::config`]); `None` uses the
    /// example configuration, with a warning.
    pub config: Option<PathBuf>,
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
    push_json(out, &d.language);
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

/// A file name for a recipient address: only `[A-Za-z0-9@._+-]`, other bytes as `_`, no leading
/// dot, at most 200 bytes.
pub fn recipient_file_name(address: &str) -> String {
    let mut s: String = address
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '_' | '+' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(200)
        .collect();
    while s.starts_with('.') {
        s.replace_range(..1, "_");
    }
    if s.is_empty() {
        s.push('_');
    }
    s
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
            feed::read(&name, &bytes).map_err(|e| format!("unusable feed {}: {e}", p.display()))
        })
        .collect();
    let mut all = Vec::new();
    for r in per_file {
        all.extend(r?);
    }
    Ok(all)
}

/// Findings decided, written and forgotten per step: decisions are held for one step only,
/// so memory does not grow with the day's size (an address repeated across steps is decided
/// again, with the same result).
pub const DECISION_STEP: usize = 32_768;

/// Decides every finding and writes `decisions.jsonl` in input order, in steps of
/// [`DECISION_STEP`] findings (distinct addresses of a step decided in parallel, lines
/// formatted in parallel), counting the summary and planning the notices as it goes.
/// Returns the summary and the number of address decisions taken.
pub fn write_decisions(
    out: &Path,
    findings: &[Finding],
    snapshot: &Snapshot,
    policy: &Policy,
    now: DateTime<Utc>,
    plan: &mut NoticePlan,
) -> std::io::Result<(Summary, usize)> {
    let file = fs::File::create(out.join("decisions.jsonl"))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut summary = Summary::default();
    let mut decided = 0usize;
    let chunks: Vec<&[Finding]> = findings.chunks(DECISION_STEP).collect();
    let mut next = chunks
        .first()
        .map(|chunk| decide_batch(chunk, snapshot, policy, now));
    for (step, &chunk) in chunks.iter().enumerate() {
        let Some(batch) = next.take() else {
            break;
        };
        decided += batch.addresses();
        // The next step is decided while this one is written (rayon shares the two cores).
        let (following, written) = rayon::join(
            || {
                chunks
                    .get(step + 1)
                    .map(|c| decide_batch(c, snapshot, policy, now))
            },
            || write_step(&mut w, &mut summary, plan, step, chunk, &batch, now),
        );
        written?;
        next = following;
    }
    w.flush()?;
    Ok((summary, decided))
}

/// Writes the decision lines of one step and counts and plans its findings.
fn write_step(
    w: &mut impl Write,
    summary: &mut Summary,
    plan: &mut NoticePlan,
    step: usize,
    chunk: &[Finding],
    batch: &Decisions,
    now: DateTime<Utc>,
) -> std::io::Result<()> {
    // Decisions looked up, lines and notice findings made in parallel, 4,096 findings to a
    // part; written and planned in input order.
    type Part<'b> = (
        Vec<u8>,
        Vec<(Cow<'b, Decision>, Option<notice_render::Finding>)>,
    );
    let parts: Vec<Part<'_>> = chunk
        .par_chunks(4_096)
        .map(|part| {
            let mut buf = Vec::with_capacity(part.len() * 700);
            let mut decided = Vec::with_capacity(part.len());
            for f in part {
                let d = batch.get(f);
                push_decision_line(&mut buf, f, &d);
                buf.push(b'\n');
                let nf = d.recipient().and(notice_finding(f, now));
                decided.push((d, nf));
            }
            (buf, decided)
        })
        .collect();
    let mut index = step * DECISION_STEP;
    for ((buf, decided), part) in parts.into_iter().zip(chunk.chunks(4_096)) {
        w.write_all(&buf)?;
        for (f, (d, nf)) in part.iter().zip(decided) {
            summary.add(f, &d);
            if let Some(nf) = nf {
                plan.add_finding(index, nf, &d, now);
            }
            index += 1;
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

/// Runs the whole daily run; progress goes to stderr. Errors carry the exit status.
pub fn run(args: &Args) -> Result<Summary, (u8, String)> {
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
    for f in findings.iter().filter(|f| f.problem.is_some()).take(100) {
        if let Some(e) = f.error() {
            eprintln!("daily-run: {e}");
        }
    }
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
    eprintln!(
        "daily-run: snapshot loaded: {} registry networks, {} RDAP networks, {} problems ({})",
        report.networks.0,
        report.networks.1,
        report.problem_count,
        progress(t0)
    );
    let loaded = crate::config::load(&crate::config::ConfigArgs {
        config: args.config.clone(),
        ..Default::default()
    })
    .map_err(|e| (2, e))?;
    if let Some(w) = &loaded.warning {
        eprintln!("daily-run: warning: {w}");
    }
    let renderer = crate::config::renderer(&loaded.config).map_err(|e| (2, e))?;
    let lang = crate::config::default_language(&loaded.config, &args.lang);
    let policy = Policy::with_language(lang.as_str());
    fs::create_dir_all(&args.out)
        .map_err(|e| (3, format!("cannot create {}: {e}", args.out.display())))?;
    let mut plan = NoticePlan::new(loaded.config.aggregate_options(lang));
    let (summary, decided) = write_decisions(
        &args.out, &findings, &snapshot, &policy, args.now, &mut plan,
    )
    .map_err(|e| (3, format!("cannot write decisions.jsonl: {e}")))?;
    eprintln!(
        "daily-run: decisions.jsonl written, {decided} address decisions, {} recipients ({})",
        plan.recipients(),
        progress(t0)
    );
    drop(snapshot);
    drop(findings);
    let (notices, dropped) =
        write_notices(&args.out, plan, args.now, &renderer).map_err(|e| (3, e))?;
    if dropped > 0 {
        eprintln!(
            "daily-run: {dropped} findings left out of notices (too old or no valid recipient)"
        );
    }
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
        "daily-run: {} decisions written to {} ({})",
        summary.decisions,
        args.out.display(),
        progress(t0)
    );
    Ok(summary)
}

/// The notice-render finding for a feed finding (`None` without an address).
pub fn notice_finding(f: &Finding, now: DateTime<Utc>) -> Option<notice_render::Finding> {
    let ip = f.ip?;
    let mut nf = notice_render::Finding::new(
        ip.to_string(),
        f.report_type.to_string(),
        f.observed.unwrap_or(now),
    )
    .with_source(
        f.feed.to_string(),
        u64::try_from(f.line).unwrap_or(u64::MAX),
    );
    if let Some(p) = f.port {
        nf = nf.with_port(p);
    }
    if let Some(p) = &f.protocol {
        nf = nf.with_protocol(p.clone());
    }
    if let Some(h) = &f.hostname {
        nf = nf.with_asset(h.clone());
    }
    for t in &f.tags {
        nf = nf.with_tag(t.clone());
    }
    Some(nf)
}

/// The notice-render recipient of a decision (`None` without one).
pub fn notice_recipient(d: &Decision) -> Option<notice_render::Recipient> {
    crate::notice_input::recipient(d)
}

/// The renderer of the example configuration ([`notice_render::Config::example`]); the run
/// itself uses the one of `--config` ([`crate::config::renderer`]).
pub fn notice_renderer() -> Result<notice_render::Renderer, String> {
    let config = notice_render::Config::example().map_err(|e| e.to_string())?;
    crate::config::renderer(&config)
}

/// The aggregation options of the daily run: defaults, with `--lang` as the default language.
pub fn notice_options(lang: &str) -> notice_render::AggregateOptions {
    let mut options = notice_render::AggregateOptions::default();
    options.default_language = if lang == "nl" {
        notice_render::Language::Nl
    } else {
        notice_render::Language::En
    };
    options
}

/// One recipient's findings, as notice-render findings, in input order.
#[derive(Debug)]
struct RecipientFindings {
    recipient: notice_render::Recipient,
    items: Vec<notice_render::Item>,
}

/// The notices to write, planned while deciding: recipients in the order they first appear
/// (by [`notice_render::recipient_key`]), each with what its notices show of its findings, and
/// the number of findings the aggregation leaves out. Holds no decision and no feed finding,
/// so both can be dropped before the notices are written.
#[derive(Debug)]
pub struct NoticePlan {
    options: notice_render::AggregateOptions,
    groups: Vec<RecipientFindings>,
    by_key: HashMap<String, usize>,
    key: String,
    dropped: usize,
}

impl NoticePlan {
    /// An empty plan aggregating with `options`.
    pub fn new(options: notice_render::AggregateOptions) -> Self {
        Self {
            options,
            groups: Vec::new(),
            by_key: HashMap::new(),
            key: String::new(),
            dropped: 0,
        }
    }

    /// Adds the finding at `index` (its position in the day's findings) with its decision.
    /// Findings must be added in input order. The plan keeps what a notice shows of the
    /// finding (built here, while the findings are read in order), not the decision.
    pub fn add(&mut self, index: usize, f: &Finding, d: &Decision, now: DateTime<Utc>) {
        if let Some(nf) = notice_finding(f, now) {
            self.add_finding(index, nf, d, now);
        }
    }

    /// As [`Self::add`], with the notice finding already made by [`notice_finding`] (so that
    /// callers can make them in parallel).
    pub fn add_finding(
        &mut self,
        index: usize,
        nf: notice_render::Finding,
        d: &Decision,
        now: DateTime<Utc>,
    ) {
        let Some(r) = d.recipient() else {
            return;
        };
        let nf = match crate::notice_input::customer(d) {
            Some(c) => nf.with_customer(c),
            None => nf,
        };
        if self
            .options
            .drop_reason(&r.address, nf.observed, now)
            .is_some()
        {
            self.dropped += 1;
            return;
        }
        let item = notice_render::Item::new(index, nf);
        self.key.clear();
        self.key.push_str(r.address.trim());
        self.key.make_ascii_lowercase();
        match self.by_key.get(self.key.as_str()) {
            Some(&g) => {
                if let Some(g) = self.groups.get_mut(g) {
                    g.items.push(item);
                }
            }
            None => {
                if let Some(recipient) = notice_recipient(d) {
                    self.by_key.insert(self.key.clone(), self.groups.len());
                    self.groups.push(RecipientFindings {
                        recipient,
                        items: vec![item],
                    });
                }
            }
        }
    }

    /// Recipients planned so far.
    pub fn recipients(&self) -> usize {
        self.groups.len()
    }

    /// Findings left out so far (too old, or no usable recipient address).
    pub fn dropped(&self) -> usize {
        self.dropped
    }
}

/// Writes one `notices/<recipient>.eml` per recipient of `plan` (per part when a recipient
/// has more findings than one notice holds), through notice-render. Returns (notices written,
/// findings dropped by the aggregation, e.g. too old).
///
/// Each recipient's notices are built, rendered and written in parallel and then dropped, so
/// memory does not grow with the number of findings. Tickets and parts are exactly those of
/// [`notice_render::aggregate()`] over all findings in input order (a test holds this).
pub fn write_notices(
    out: &Path,
    plan: NoticePlan,
    now: DateTime<Utc>,
    renderer: &notice_render::Renderer,
) -> Result<(usize, usize), String> {
    let NoticePlan {
        options,
        groups,
        dropped,
        ..
    } = plan;
    let mut first_tickets = Vec::with_capacity(groups.len());
    let mut next_ticket = 1usize;
    for g in &groups {
        first_tickets.push(next_ticket);
        next_ticket += options.notice_parts(g.items.len());
    }
    let dir = out.join("notices");
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let written: Result<Vec<usize>, String> = groups
        .into_par_iter()
        .zip(first_tickets.into_par_iter())
        .map(|(g, first_ticket)| {
            let notices = notice_render::recipient_notices(
                renderer.catalogue(),
                g.recipient,
                g.items,
                first_ticket,
                &options,
                now,
            )
            .map_err(|e| format!("aggregating notices: {e}"))?;
            for n in &notices {
                let mime = renderer
                    .mime(n, now)
                    .map_err(|e| format!("rendering {}: {e}", n.ticket))?;
                let base = recipient_file_name(&n.recipient.address);
                let name = if n.part.1 > 1 {
                    format!("{base}.part{}.eml", n.part.0)
                } else {
                    format!("{base}.eml")
                };
                fs::write(dir.join(&name), mime)
                    .map_err(|e| format!("cannot write {name}: {e}"))?;
            }
            Ok(notices.len())
        })
        .collect();
    Ok((written?.iter().sum(), dropped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_sanitised() {
        assert_eq!(recipient_file_name("abuse@example.nl"), "abuse@example.nl");
        assert_eq!(recipient_file_name("../x/y@z"), "_._x_y@z");
        assert_eq!(recipient_file_name(""), "_");
        assert_eq!(recipient_file_name(&"a".repeat(500)).len(), 200);
    }
}
