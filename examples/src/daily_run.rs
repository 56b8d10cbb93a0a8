//! Output of the `daily-run` example: `decisions.jsonl` lines and `summary.json`, in the shape
//! `daily-run.md` gives.

use std::collections::BTreeMap;
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
    /// `--lang` (`nl` or `en`).
    pub lang: String,
}

/// One `decisions.jsonl` line (without the newline), fields in the contract's order.
pub fn decision_line(f: &Finding, d: &Decision) -> String {
    let s = |v: &str| Value::String(v.to_owned()).to_string();
    let ip = match (f.ip, &f.ip_text) {
        (Some(ip), _) => s(&ip.to_string()),
        (None, Some(t)) => s(t),
        (None, None) => "null".to_owned(),
    };
    let port = f.port.map_or("null".to_owned(), |p| p.to_string());
    let organisation = match &d.organisation {
        Some(o) => json!({"name": o.name, "domain": o.domain}).to_string(),
        None => "null".to_owned(),
    };
    let recipients: Vec<Value> = d
        .recipients
        .iter()
        .map(|r| json!({"address": r.address, "via": r.via.as_str()}))
        .collect();
    let evidence: Vec<Value> = d
        .evidence
        .iter()
        .map(|e| json!({"kind": e.kind, "source": e.source, "value": e.value, "weight": e.weight}))
        .collect();
    format!(
        "{{\"feed\": {}, \"line\": {}, \"ip\": {}, \"port\": {}, \"report_type\": {}, \"outcome\": {}, \"organisation\": {}, \"recipients\": {}, \"language\": {}, \"evidence\": {}, \"reason\": {}}}",
        s(&f.feed),
        f.line,
        ip,
        port,
        s(&f.report_type),
        s(d.outcome.as_str()),
        organisation,
        Value::Array(recipients),
        s(&d.language),
        Value::Array(evidence),
        s(&d.reason),
    )
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
        self.decisions += 1;
        *self
            .outcomes
            .entry(d.outcome.as_str().to_owned())
            .or_default() += 1;
        *self
            .report_types
            .entry(f.report_type.to_string())
            .or_default() += 1;
        *self.feeds.entry(f.feed.to_string()).or_default() += 1;
        if let Some(r) = d.recipient() {
            *self.recipients.entry(r.address.clone()).or_default() += 1;
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

/// Writes `decisions.jsonl` (streaming, lines formatted in parallel) and counts the summary.
pub fn write_decisions(
    out: &Path,
    findings: &[Finding],
    batch: &Decisions,
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

/// Runs the whole daily run; progress goes to stderr. Errors carry the exit status.
pub fn run(args: &Args) -> Result<Summary, (u8, String)> {
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
    let (notices, dropped) =
        write_notices(&args.out, &findings, &batch, args.now, &args.lang).map_err(|e| (3, e))?;
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
        "daily-run: {} decisions written to {} ({:.1?})",
        summary.decisions,
        args.out.display(),
        t0.elapsed()
    );
    Ok(summary)
}

/// Writes one `notices/<recipient>.eml` per recipient (per part when a recipient has more
/// findings than one notice holds), through notice-render. Returns (notices written, findings
/// dropped by the aggregation, e.g. too old).
pub fn write_notices(
    out: &Path,
    findings: &[Finding],
    batch: &Decisions,
    now: DateTime<Utc>,
    lang: &str,
) -> Result<(usize, usize), String> {
    use notice_render::{AggregateOptions, Language, RenderOptions, Renderer};
    let renderer = Renderer::embedded(RenderOptions::new(
        "Notify daily run",
        "notices@notify.example",
        "notify.example",
    ))
    .map_err(|e| format!("notice templates: {e}"))?;
    let pairs: Vec<(notice_render::Finding, notice_render::Recipient)> = findings
        .par_iter()
        .filter_map(|f| {
            let d = batch.get(f);
            let r = d.recipient()?;
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
            let mut nr = notice_render::Recipient::new(r.address.clone())
                .with_languages([d.language.clone()])
                .with_via(r.via.as_str());
            if let Some(o) = &d.organisation {
                nr = nr.with_organisation(o.name.clone());
            }
            Some((nf, nr))
        })
        .collect();
    let mut options = AggregateOptions::default();
    options.default_language = if lang == "nl" {
        Language::Nl
    } else {
        Language::En
    };
    let agg = notice_render::aggregate(renderer.catalogue(), pairs, &options, now)
        .map_err(|e| format!("aggregating notices: {e}"))?;
    let dir = out.join("notices");
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let written: Result<Vec<()>, String> = agg
        .notices
        .par_iter()
        .map(|n| {
            let mime = renderer
                .mime(n, now)
                .map_err(|e| format!("rendering {}: {e}", n.ticket))?;
            let base = recipient_file_name(&n.recipient.address);
            let name = if n.part.1 > 1 {
                format!("{base}.part{}.eml", n.part.0)
            } else {
                format!("{base}.eml")
            };
            fs::write(dir.join(&name), mime).map_err(|e| format!("cannot write {name}: {e}"))
        })
        .collect();
    written?;
    Ok((agg.notices.len(), agg.dropped.len()))
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
