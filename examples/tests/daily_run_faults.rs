//! Regression tests for the silent failures of issue 18 ("nothing lost, nothing doubled,
//! nothing stale"), one or more per numbered case, each over a run of the daily run on the
//! sample day in `examples/data/` or on a small snapshot made here.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use examples::daily_run::{Args, log_malformed, run};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn args(snapshot: PathBuf, feeds: Vec<PathBuf>, out: &Path) -> Args {
    Args {
        snapshot,
        feeds,
        out: out.to_path_buf(),
        now: now(),
        lang: notice_render::Language::En,
        allow_partial_snapshot: false,
        config: Default::default(),
    }
}

fn sample_feeds() -> Vec<PathBuf> {
    vec![
        data().join("feeds/scan_rdp.csv"),
        data().join("feeds/intelmq-events.jsonl"),
    ]
}

/// Every entry of a folder, recursively, as relative paths.
fn tree(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.insert(
                p.strip_prefix(dir)
                    .expect("prefix")
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    out
}

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(out.join("summary.json")).expect("summary"))
        .expect("summary JSON")
}

fn decisions(out: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(out.join("decisions.jsonl"))
        .expect("decisions")
        .lines()
        .map(|l| serde_json::from_str(l).expect("decision JSON"))
        .collect()
}

fn notices(out: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = fs::read_dir(out.join("notices"))
        .expect("notices")
        .map(|e| {
            let p = e.expect("entry").path();
            (
                p.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                fs::read_to_string(&p).expect("notice"),
            )
        })
        .collect();
    v.sort();
    v
}

/// The text part of a notice (quoted-printable soft breaks undone, enough for a search).
fn plain(eml: &str) -> String {
    eml.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("\r\n", "\n")
}

const HEADER: &str = "\"timestamp\",\"ip\",\"protocol\",\"port\",\"tag\",\"subject_common_name\"\n";

/// Case 1: 40 findings whose certificate subject holds quoted line breaks (and a header
/// injection, markup and a bidi override) give 40 decisions and the notice for them; every
/// hostile value stays inert.
#[test]
fn case1_hostile_subjects_with_line_breaks_give_40_decisions_and_their_notice() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut feed = String::from(HEADER);
    for i in 0..40 {
        feed.push_str(&format!(
            "\"2026-11-22 01:{i:02}:00\",\"192.0.2.{}\",\"tcp\",3389,\"rdp\",\"CN=evil{i}\r\nBcc: victim@evil.example\n\n<script>alert(1)</script>\u{202e}\"\"x\"\"\"\n",
            150 + i
        ));
    }
    let path = tmp.path().join("2026-11-22-scan_rdp-hostile.csv");
    fs::write(&path, feed).expect("feed");
    let out = tmp.path().join("out");
    let s = run(&args(data().join("snapshot"), vec![path], &out)).expect("run");
    assert_eq!(s.decisions, 40);
    assert_eq!(s.malformed_rows, 0);
    let d = decisions(&out);
    assert_eq!(d.len(), 40);
    for (i, x) in d.iter().enumerate() {
        assert_eq!(x["ip"], format!("192.0.2.{}", 150 + i));
        assert_ne!(x["outcome"], "unattributed", "{x}");
    }
    // Lines are the records' first physical lines: each record spans 4 lines.
    assert_eq!(d[1]["line"], 6);
    let n = notices(&out);
    assert_eq!(n.len(), summary(&out)["notices"]);
    assert_eq!(
        n.len(),
        1,
        "{:?}",
        n.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
    let text = plain(&n[0].1);
    for i in 0..40 {
        assert!(
            text.contains(&format!("192.0.2.{}", 150 + i)),
            "192.0.2.{}",
            150 + i
        );
    }
    assert!(text.contains("We found 40 security problems"), "{text}");
    for hostile in ["Bcc:", "victim@evil.example", "<script>", "\u{202e}"] {
        assert!(!n[0].1.contains(hostile), "{hostile} in the notice");
    }
}

/// Case 2: a second run into the same folder leaves only its own files; a folder holding
/// something else is refused untouched; a run that fails leaves the previous output whole.
#[test]
fn case2_a_second_run_leaves_only_its_own_files() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    let first = run(&args(data().join("snapshot"), sample_feeds(), &out)).expect("first run");
    let before = notices(&out).len();
    assert!(before > 1);
    assert_eq!(before, summary(&out)["notices"]);
    // Only the IntelMQ feed the second time: fewer notices, and nothing of the first run left.
    let second = run(&args(
        data().join("snapshot"),
        vec![data().join("feeds/intelmq-events.jsonl")],
        &out,
    ))
    .expect("second run");
    assert!(second.decisions < first.decisions);
    let after = notices(&out);
    assert_eq!(after.len(), summary(&out)["notices"]);
    assert!(after.len() < before);
    assert_eq!(decisions(&out).len(), second.decisions);
    let ids: BTreeSet<String> = after
        .iter()
        .filter_map(|(_, t)| {
            t.lines()
                .find(|l| l.starts_with("Message-ID:"))
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(ids.len(), after.len(), "one Message-ID per notice");
    // No work folders left beside it.
    let siblings: Vec<_> = fs::read_dir(tmp.path()).expect("dir").collect();
    assert_eq!(siblings.len(), 1);

    // A failing run (a feed that does not exist) leaves the output as it was.
    let kept = tree(&out);
    let summary_before = fs::read(out.join("summary.json")).expect("summary");
    let err = run(&args(
        data().join("snapshot"),
        vec![data().join("feeds/missing.csv")],
        &out,
    ))
    .expect_err("missing feed");
    assert_eq!(err.0, 3);
    assert_eq!(tree(&out), kept);
    assert_eq!(
        fs::read(out.join("summary.json")).expect("summary"),
        summary_before
    );
    assert_eq!(fs::read_dir(tmp.path()).expect("dir").count(), 1);

    // A folder holding other files is refused, and left alone.
    fs::write(out.join("notes.txt"), "mine").expect("write");
    let kept = tree(&out);
    let err = run(&args(data().join("snapshot"), sample_feeds(), &out)).expect_err("refused");
    assert_eq!(err.0, 3);
    assert!(
        err.1.contains("notes.txt") && err.1.contains("not a daily run"),
        "{}",
        err.1
    );
    assert_eq!(tree(&out), kept);
}

fn override_snapshot(dir: &Path, rows: &[(&str, &str)]) -> PathBuf {
    let snap = dir.join("snapshot");
    fs::create_dir_all(&snap).expect("mkdir");
    let mut text = String::from("prefix_or_domain,organisation,contact,language\n");
    for (prefix, contact) in rows {
        text.push_str(&format!("{prefix},Org {prefix},{contact},en\n"));
    }
    fs::write(snap.join("overrides.csv"), text).expect("overrides");
    snap
}

/// Case 3: addresses that differ only in characters a file name cannot hold get a notice
/// each, under names that tell them apart.
#[test]
fn case3_addresses_differing_in_unsafe_characters_get_separate_files() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let contacts = [
        "a!b@x.example",
        "a#b@x.example",
        "a_b@x.example",
        "a%b@x.example",
        "a&b@x.example",
    ];
    let rows: Vec<(String, &str)> = contacts
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("192.0.2.{}/32", 10 + i), *c))
        .collect();
    let rows: Vec<(&str, &str)> = rows.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let snap = override_snapshot(tmp.path(), &rows);
    let mut feed = String::from(HEADER);
    for i in 0..contacts.len() {
        feed.push_str(&format!(
            "\"2026-11-22 01:00:00\",\"192.0.2.{}\",\"tcp\",3389,\"rdp\",\"x\"\n",
            10 + i
        ));
    }
    let path = tmp.path().join("scan_rdp.csv");
    fs::write(&path, feed).expect("feed");
    let out = tmp.path().join("out");
    run(&args(snap, vec![path], &out)).expect("run");
    let n = notices(&out);
    assert_eq!(
        n.len(),
        contacts.len(),
        "{:?}",
        n.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
    for c in contacts {
        let name = notice_render::notice_file_name(c, 1, 1);
        let (_, text) = n.iter().find(|(f, _)| *f == name).expect("notice file");
        assert!(
            text.contains(&format!("To: {c}")) || text.contains(c),
            "{name}"
        );
    }
}

/// Case 4: one host and port listed 1,000 times, and the same exposure from a Shadowserver
/// row and an IntelMQ event without taxonomy, give one notice with one finding, its count and
/// first and last seen, and the RDP text (not the generic one).
#[test]
fn case4_equal_findings_are_merged_across_rows_and_formats() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut feed = String::from(HEADER);
    for i in 0..1000 {
        feed.push_str(&format!(
            "\"2026-11-22 {:02}:{:02}:00\",\"192.0.2.141\",\"tcp\",3389,\"rdp\",\"x\"\n",
            i / 60 % 24,
            i % 60
        ));
    }
    let csv = tmp.path().join("2026-11-22-scan_rdp-x.csv");
    fs::write(&csv, feed).expect("feed");
    let events = tmp.path().join("events.jsonl");
    fs::write(
        &events,
        "{\"classification.identifier\": \"accessible-rdp\", \"source.ip\": \"192.0.2.141\", \"source.port\": 3389, \"time.source\": \"2026-11-22T23:30:00+00:00\"}\n",
    )
    .expect("events");
    let out = tmp.path().join("out");
    let s = run(&args(
        data().join("snapshot"),
        vec![csv, events.clone()],
        &out,
    ))
    .expect("run");
    assert_eq!(s.decisions, 1001);
    let n = notices(&out);
    assert_eq!(n.len(), 1);
    let text = plain(&n[0].1);
    assert!(text.contains("We found 1 security problem "), "{text}");
    assert!(
        text.contains("seen 1001 times, first 2026-11-22 00:00 UTC, last 2026-11-22 23:30 UTC"),
        "{text}"
    );
    let catalogue = notice_render::Catalogue::embedded().expect("catalogue");
    let rdp = catalogue.entry("exposed-rdp").expect("entry");
    let title = &rdp.text(notice_render::Language::En).title;
    assert!(text.contains(title.as_str()), "{title}");

    // The IntelMQ event alone maps to the RDP entry too.
    let out2 = tmp.path().join("out2");
    run(&args(data().join("snapshot"), vec![events], &out2)).expect("run");
    let text = plain(&notices(&out2)[0].1);
    assert!(text.contains(title.as_str()), "{text}");
}

/// Case 5: a registry dump truncated half-way fails the run with exit 3 (a warning counted in
/// summary.json with --allow-partial-snapshot); an empty or wrong snapshot folder is refused
/// with what was expected.
#[test]
fn case5_partial_or_empty_snapshots_are_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let snap = tmp.path().join("snapshot");
    fs::create_dir_all(snap.join("registry")).expect("mkdir");
    for f in ["ripe.inetnum.db", "ripe.organisation.db", "ripe.role.db"] {
        fs::copy(
            data().join("snapshot/registry").join(f),
            snap.join("registry").join(f),
        )
        .expect("copy");
    }
    let mut big = String::new();
    for i in 0..3000 {
        big.push_str(&format!(
            "inetnum: 10.{}.{}.0 - 10.{}.{}.255\nnetname: N{i}\ncountry: NL\nstatus: ASSIGNED PA\nsource: RIPE\n\n",
            i / 250, i % 250, i / 250, i % 250
        ));
    }
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(big.as_bytes()).expect("gzip");
    let gz = e.finish().expect("gzip");
    fs::write(
        snap.join("registry/more.inetnum.db.gz"),
        &gz[..gz.len() / 2],
    )
    .expect("write");
    let out = tmp.path().join("out");
    let err = run(&args(snap.clone(), sample_feeds(), &out)).expect_err("partial snapshot");
    assert_eq!(err.0, 3);
    assert!(
        err.1.contains("more.inetnum.db.gz") && err.1.contains("--allow-partial-snapshot"),
        "{}",
        err.1
    );
    assert!(!out.exists());
    let mut partial = args(snap, sample_feeds(), &out);
    partial.allow_partial_snapshot = true;
    run(&partial).expect("allowed");
    assert_eq!(summary(&out)["snapshot"]["unreadable_files"], 1);

    let empty = tmp.path().join("empty");
    fs::create_dir_all(&empty).expect("mkdir");
    let err = run(&args(empty, sample_feeds(), &tmp.path().join("o2"))).expect_err("empty");
    assert_eq!(err.0, 3);
    assert!(
        err.1.contains("no usable evidence") && err.1.contains("registry/*.db"),
        "{}",
        err.1
    );
}

/// Case 6: a missing time is "time unknown" (never `--now`); evidence values hold no Rust
/// debug text; the malformed-row log says how many more rows were not printed.
#[test]
fn case6_observations_shown_as_observed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let feed = format!("{HEADER}\"\",\"192.0.2.141\",\"tcp\",3389,\"rdp\",\"x\"\n");
    let path = tmp.path().join("scan_rdp.csv");
    fs::write(&path, feed).expect("feed");
    let out = tmp.path().join("out");
    run(&args(data().join("snapshot"), vec![path], &out)).expect("run");
    let text = plain(&notices(&out)[0].1);
    assert!(text.contains("seen time unknown"), "{text}");
    assert!(!text.contains("2026-11-23 00:00"), "{text}");

    // The sample day's evidence: PTR names judged generic say why in plain words.
    let out = tmp.path().join("sample");
    run(&args(data().join("snapshot"), sample_feeds(), &out)).expect("run");
    let text = fs::read_to_string(out.join("decisions.jsonl")).expect("decisions");
    assert!(
        text.contains("(generic: ipv4-embedded (dash-separated))"),
        "{text}"
    );
    for debug in ["{ ", "Ipv4Embedded", "Some(", "None"] {
        assert!(!text.contains(debug), "{debug}");
    }

    // 150 malformed rows: 100 printed, then how many more.
    let mut feed = String::from(HEADER);
    for _ in 0..150 {
        feed.push_str("\"2026-11-22 01:00:00\",\"not-an-address\",\"tcp\",3389,\"rdp\",\"x\"\n");
    }
    let findings = ip_attribution::read_feed("scan_rdp.csv", feed.as_bytes()).expect("feed");
    let mut log = Vec::new();
    assert_eq!(log_malformed(&findings, &mut log).expect("log"), 150);
    let log = String::from_utf8(log).expect("utf-8");
    assert_eq!(log.lines().count(), 101);
    assert!(
        log.lines()
            .last()
            .is_some_and(|l| l.contains("50 more malformed rows not printed")),
        "{log}"
    );
}

/// Case 7: the contract and the snapshot how-to are in the repository beside the programs, and
/// every mention of `daily-run.md` in its sources and documents points there.
#[test]
fn case7_every_reference_points_at_the_repositorys_contract() {
    let docs = fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs")).expect("docs");
    let contract = fs::read_to_string(docs.join("daily-run.md")).expect("contract");
    for section in [
        "## Command line",
        "## Evidence snapshot layout",
        "## Outputs in `--out DIR`",
        "## Decision policy",
    ] {
        assert!(contract.contains(section), "{section}");
    }
    let howto = fs::read_to_string(docs.join("snapshot-howto.md")).expect("how-to");
    assert!(howto.contains("ripe.db.") && howto.contains("% Abuse contact for"));
    let root = fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("..")).expect("root");
    let mut stack = vec![root.clone()];
    let mut checked = 0;
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if p.is_dir() {
                if !matches!(
                    name.as_str(),
                    "target" | ".git" | "corpus" | "seeds" | "artifacts"
                ) {
                    stack.push(p);
                }
                continue;
            }
            if !(name.ends_with(".rs") || name.ends_with(".md")) || p.ends_with(file!()) {
                continue;
            }
            let text = fs::read_to_string(&p).unwrap_or_default();
            for (at, _) in text.match_indices("daily-run.md") {
                let before = &text[..at];
                // Inside examples/docs/ a bare name is the file beside it.
                let ok = before.ends_with("docs/") || p.parent() == Some(docs.as_path());
                assert!(
                    ok,
                    "{}: a reference to daily-run.md outside examples/docs/",
                    p.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 5, "{checked} references");
}
