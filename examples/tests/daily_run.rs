//! The daily run over the sample day in `examples/data/`: one decision per feed row, in input
//! order, equal to the reviewed decisions checked in under `tests/golden/daily-run/`.
//! Regenerate after reviewing a change with `UPDATE_GOLDEN=1 cargo test -p examples --test daily_run`.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use examples::daily_run::{Args, run};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/daily-run")
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn feeds() -> Vec<PathBuf> {
    vec![
        data().join("feeds/scan_rdp.csv"),
        data().join("feeds/intelmq-events.jsonl"),
    ]
}

/// The sample day's arguments, writing to `out`.
fn sample_args(out: &std::path::Path) -> Args {
    Args {
        snapshot: data().join("snapshot"),
        feeds: feeds(),
        out: out.to_path_buf(),
        now: now(),
        lang: "en".to_owned(),
        allow_partial_snapshot: false,
        config: Default::default(),
    }
}

/// Data rows of a feed: non-blank lines, minus the CSV header.
fn rows(path: &Path) -> usize {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    if path.extension().is_some_and(|e| e == "csv") {
        lines - 1
    } else {
        lines
    }
}

#[test]
fn sample_day_matches_golden_decisions() {
    let out = tempfile::tempdir().expect("temp dir");
    let args = sample_args(out.path());
    let summary = run(&args).expect("daily run");
    let expected_rows: usize = feeds().iter().map(|p| rows(p)).sum();
    assert_eq!(expected_rows, 14);
    assert_eq!(summary.decisions, expected_rows);
    assert_eq!(summary.malformed_rows, 3);

    let got = fs::read_to_string(out.path().join("decisions.jsonl")).expect("decisions.jsonl");
    assert_eq!(got.lines().count(), expected_rows);
    let summary_json: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(out.path().join("summary.json")).expect("summary.json"),
    )
    .expect("summary.json is JSON");
    assert_eq!(summary_json["input_lines"], expected_rows);
    // One notice per recipient of recipients[0].
    let notices = fs::read_dir(out.path().join("notices"))
        .expect("notices folder")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "eml"))
        })
        .count();
    assert_eq!(notices, 5);
    assert_eq!(summary_json["notices"], 5);

    let mut checked = 0;
    for name in ["decisions.jsonl"] {
        let path = golden().join(name);
        let actual = fs::read_to_string(out.path().join(name)).expect("output");
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            fs::create_dir_all(golden()).expect("golden dir");
            fs::write(&path, &actual).expect("write golden");
        }
        let want = fs::read_to_string(&path).expect("golden file (UPDATE_GOLDEN=1 to create)");
        for (i, (a, w)) in actual.lines().zip(want.lines()).enumerate() {
            assert_eq!(a, w, "{name} line {}", i + 1);
        }
        assert_eq!(
            actual.lines().count(),
            want.lines().count(),
            "{name} line count"
        );
        checked += 1;
    }
    assert_eq!(checked, 1);
}

#[test]
fn outcomes_of_the_sample_day() {
    let out = tempfile::tempdir().expect("temp dir");
    let args = sample_args(out.path());
    run(&args).expect("daily run");
    let text = fs::read_to_string(out.path().join("decisions.jsonl")).expect("decisions");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let first = |i: usize| {
        lines[i]["recipients"][0]["address"]
            .as_str()
            .map(str::to_owned)
    };
    // PTR + valid security.txt → the business's own contact, in its language.
    assert_eq!(
        first(0).as_deref(),
        Some("security@tandarts-voorbeeld.example")
    );
    assert_eq!(lines[0]["language"], "nl");
    // A customer assignment → the customer's registry contact.
    assert_eq!(first(1).as_deref(), Some("ict@bakkerij-voorbeeld.example"));
    assert_eq!(lines[1]["outcome"], "organisation");
    // A hoster's pool with a generic PTR → the hoster's abuse desk.
    assert_eq!(first(2).as_deref(), Some("abuse@voorbeeldhost.example"));
    assert_eq!(lines[2]["outcome"], "network_owner");
    // An operator override.
    assert_eq!(
        first(4).as_deref(),
        Some("soc@gemeente-voorbeeldstad.example")
    );
    // Placeholder only → unattributed.
    assert_eq!(lines[5]["outcome"], "unattributed");
    // A malformed row names file and line.
    assert!(
        lines[6]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("scan_rdp.csv:8"))
    );
    // The duplicate row gets its own, equal decision.
    assert_eq!(lines[7]["recipients"], lines[0]["recipients"]);
    // Expired security.txt: business found, network owner receives it.
    assert_eq!(lines[9]["outcome"], "network_owner");
    assert_eq!(
        lines[9]["organisation"]["domain"],
        "tuinwinkel-voorbeeld.example"
    );
}

#[test]
fn a_missing_feed_is_unusable_input() {
    let out = tempfile::tempdir().expect("temp dir");
    let args = Args {
        feeds: vec![data().join("feeds/does-not-exist.csv")],
        ..sample_args(out.path())
    };
    let err = run(&args).expect_err("missing feed");
    assert_eq!(err.0, 3);
    assert!(err.1.contains("does-not-exist.csv"));
}

/// The notices the daily run writes recipient by recipient (in parallel, without holding all
/// findings) are byte for byte those of `notice_render::aggregate` over every finding in input
/// order, rendered with the same renderer: same files, tickets and parts. The feed repeats the
/// sample rows so that one recipient needs several parts.
#[test]
fn streamed_notices_equal_one_aggregate() {
    use examples::daily_run::{notice_finding, notice_options, notice_recipient, notice_renderer};
    use ip_attribution::engine::{Policy, decide_batch};
    use ip_attribution::snapshot::Snapshot;

    let tmp = tempfile::tempdir().expect("temp dir");
    let sample = fs::read_to_string(data().join("feeds/scan_rdp.csv")).expect("sample feed");
    let mut lines = sample.lines();
    let header = lines.next().expect("header");
    let rows: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
    let mut big = format!("{header}\n");
    // Each repetition on its own port: distinct findings, not merged repeats.
    for i in 0..260 {
        for r in &rows {
            big.push_str(&r.replace(",3389,", &format!(",{},", 10_000 + i)));
            big.push('\n');
        }
    }
    let feed = tmp.path().join("scan_rdp.csv");
    fs::write(&feed, &big).expect("write feed");
    let out = tmp.path().join("out");
    let args = Args {
        feeds: vec![feed.clone(), data().join("feeds/intelmq-events.jsonl")],
        ..sample_args(&out)
    };
    run(&args).expect("daily run");

    // The reference: one aggregate over all (finding, recipient) pairs.
    let findings = examples::daily_run::read_feeds(&args.feeds).expect("feeds");
    let (snapshot, _) = Snapshot::load(&args.snapshot).expect("snapshot");
    let batch = decide_batch(&findings, &snapshot, &Policy::with_language("en"), now());
    let pairs: Vec<_> = findings
        .iter()
        .filter_map(|f| {
            let d = batch.get(f);
            Some((notice_finding(f, now())?, notice_recipient(&d)?))
        })
        .collect();
    let renderer = notice_renderer().expect("renderer");
    let agg = notice_render::aggregate(renderer.catalogue(), pairs, &notice_options("en"), now())
        .expect("aggregate");
    assert!(
        agg.notices.iter().any(|n| n.part.1 > 1),
        "some recipient needs several parts"
    );
    let mut expected = Vec::new();
    for n in &agg.notices {
        let name = notice_render::notice_file_name(&n.recipient.address, n.part.0, n.part.1);
        let want = renderer.mime(n, now()).expect("mime");
        let got = fs::read(out.join("notices").join(&name)).expect("notice file");
        assert_eq!(got, want, "{name}");
        expected.push(name);
    }
    let written = fs::read_dir(out.join("notices")).expect("notices").count();
    assert_eq!(written, expected.len());
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).expect("summary"))
            .expect("summary JSON");
    assert_eq!(summary["notices"], agg.notices.len());
}
