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
        lang: notice_render::Language::En,
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
    use ip_attribution::Snapshot;
    use ip_attribution::{Policy, decide_batch};

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
    let batch = decide_batch(
        &findings,
        &snapshot,
        &Policy::with_language(ip_attribution::Language::En),
        now(),
    );
    let pairs: Vec<_> = findings
        .iter()
        .filter_map(|f| {
            let d = batch.get(f);
            let nf = notice_finding(f, now())?;
            let nf = match examples::notice_input::customer(&d) {
                Some(c) => nf.with_customer(c),
                None => nf,
            };
            Some((nf, notice_recipient(&d)?))
        })
        .collect();
    let renderer = notice_renderer().expect("renderer");
    let agg = notice_render::aggregate(
        renderer.catalogue(),
        pairs,
        &notice_options(notice_render::Language::En),
        now(),
    )
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

/// `--config FILE` and its overrides reach every notice: the From and Reply-To headers, the
/// signature (phone, web page) and the verify URL with the notice's own ticket; the
/// configuration's default language replaces `--lang` (the sample recipients state none).
#[test]
fn the_configured_sender_signs_every_notice() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let config = tmp.path().join("notify.toml");
    fs::write(
        &config,
        "[sender]\nname = \"CERT Voorbeeld\"\naddress = \"meldingen@cert-voorbeeld.nl\"\n\
         reply_to = \"security@cert-voorbeeld.nl\"\nphone = \"+31 20 000 0000\"\n\
         website = \"https://www.cert-voorbeeld.nl/meldingen\"\n\
         [notices]\ndefault_language = \"nl\"\nticket_prefix = \"CV\"\n\
         verify_url = \"https://www.cert-voorbeeld.nl/controleer?melding={ticket}\"\n",
    )
    .expect("write config");
    let out = tmp.path().join("out");
    let mut args = sample_args(&out);
    args.config = examples::config::ConfigArgs {
        config: Some(config),
        phone: Some("+31 20 111 1111".into()),
        ..Default::default()
    };
    run(&args).expect("daily run");
    let (mut seen, mut dutch) = (0, 0);
    for entry in fs::read_dir(out.join("notices")).expect("notices") {
        let path = entry.expect("entry").path();
        let raw = fs::read_to_string(&path).expect("notice");
        let head = raw.split("\r\n\r\n").next().unwrap_or_default();
        let header = |name: &str| {
            head.split("\r\n")
                .find_map(|l| l.strip_prefix(name))
                .unwrap_or_else(|| panic!("{name} in {path:?}"))
                .to_owned()
        };
        assert!(
            header("From: ").contains("CERT Voorbeeld")
                && header("From: ").contains("<meldingen@cert-voorbeeld.nl>"),
            "{path:?}"
        );
        assert!(header("Reply-To: ").contains("security@cert-voorbeeld.nl"));
        let message_id = header("Message-ID: <");
        let ticket = message_id.split('@').next().unwrap_or_default();
        assert!(ticket.starts_with("CV-"), "the configured prefix: {ticket}");
        // The phone number is written with no-break spaces, so wrapping never splits it.
        let text = quoted_printable(&raw).replace('\u{a0}', " ");
        assert!(
            text.contains("+31 20 111 1111"),
            "the --phone override in {path:?}"
        );
        assert!(
            !text.contains("+31 20 000 0000"),
            "the file's phone overridden"
        );
        assert!(text.contains("https://www.cert-voorbeeld.nl/meldingen"));
        let verify = format!("https://www.cert-voorbeeld.nl/controleer?melding={ticket}");
        assert!(text.contains(&verify), "{verify} in {path:?}");
        if header("Content-Language: ") == "nl" {
            assert!(text.contains("Met vriendelijke groet"));
            dutch += 1;
        }
        seen += 1;
    }
    assert_eq!(seen, 5);
    // --lang is en: the Dutch notices are the configuration's default_language.
    assert!(dutch > 0, "no Dutch notice");
}

/// A configuration that cannot be used stops the run with exit status 2 before any work:
/// `--out` is not created.
#[test]
fn a_bad_config_is_exit_2_before_any_work() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let bad = tmp.path().join("bad.toml");
    fs::write(
        &bad,
        "[sender]\nname = \"CERT\"\naddress = \"not an address\"\n",
    )
    .expect("write");
    let cases = [
        examples::config::ConfigArgs {
            config: Some(bad.clone()),
            ..Default::default()
        },
        examples::config::ConfigArgs {
            config: Some(tmp.path().join("missing.toml")),
            ..Default::default()
        },
        examples::config::ConfigArgs {
            website: Some("http://plain.example".into()),
            ..Default::default()
        },
        examples::config::ConfigArgs {
            signing_key: Some(tmp.path().join("no-key.asc")),
            ..Default::default()
        },
    ];
    for config in cases {
        let out = tmp.path().join("out");
        let mut args = sample_args(&out);
        args.config = config.clone();
        let err = run(&args).expect_err("unusable configuration");
        assert_eq!(err.0, 2, "{config:?}: {}", err.1);
        assert!(!out.exists(), "{config:?}: --out touched");
    }
}

/// The message with quoted-printable soft line breaks and `=XX` escapes undone (enough to
/// search its text parts; the notices' text is UTF-8).
fn quoted_printable(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}
