//! Several simulated days of the sample day in `examples/data/` with one state: day 1 queues
//! and sends (over aiosmtpd on 127.0.0.1, `python3 -m pip install aiosmtpd`), day 2 within the
//! repeat window sends nothing and says why per finding, an acknowledged finding stays quiet
//! until its end date, and a hard-bounced address is routed around to the next ranked
//! recipient.

mod common;

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use clap::Parser;
use common::{Server, received};
use examples::daily_run::Args;
use examples::daily_state::{StateArgs, run};
use notice_render::lifecycle::sqlite::{OpenOptions, SqliteStore};
use notice_render::lifecycle::{Status, Store};
use serde_json::Value;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn day1() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn feeds() -> Vec<PathBuf> {
    vec![
        data().join("feeds/scan_rdp.csv"),
        data().join("feeds/intelmq-events.jsonl"),
    ]
}

fn day(out: &Path, state: &Path, now: DateTime<Utc>) -> (Vec<Value>, Value) {
    let args = Args {
        snapshot: data().join("snapshot"),
        feeds: feeds(),
        out: out.to_path_buf(),
        now,
        lang: notice_render::Language::En,
        allow_partial_snapshot: false,
        config: Default::default(),
    };
    let st = StateArgs {
        state: state.to_path_buf(),
        repeat_after_days: 7,
    };
    run(&args, &st).unwrap();
    let lines = std::fs::read_to_string(out.join("decisions.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    (lines, summary)
}

fn send(state: &Path, server: &Server) -> u8 {
    let args = examples::send_notices::Args::try_parse_from([
        "send-notices".to_string(),
        "--state".into(),
        state.display().to_string(),
        "--smtp".into(),
        server.url(),
        "--from".into(),
        "bounces@notify.example".into(),
        "--rate".into(),
        "100".into(),
    ])
    .unwrap();
    examples::send_notices::run(&args).unwrap()
}

fn notice(v: &Value) -> &str {
    v["notice"].as_str().unwrap()
}

#[test]
fn several_days_with_one_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let server = common::start("accept", dir.path(), None);

    // Day 1: everything with a recipient is queued, and sent once.
    let (d1, s1) = day(&dir.path().join("day1"), &state, day1());
    assert!(!d1.is_empty());
    let queued1 = d1.iter().filter(|l| notice(l) == "queued").count();
    assert!(queued1 > 0);
    for l in &d1 {
        let has_recipient = !l["recipients"].as_array().unwrap().is_empty();
        match notice(l) {
            "queued" => assert!(l["ticket"].is_string() && has_recipient, "{l}"),
            "none" => assert!(l["ticket"].is_null(), "{l}"),
            other => panic!("day 1 has no history, yet {other}: {l}"),
        }
    }
    assert_eq!(s1["notice"]["queued"].as_u64().unwrap() as usize, queued1);
    assert_eq!(s1["rerouted"], 0);
    let notices1 = s1["notices"].as_u64().unwrap() as usize;
    let files1 = std::fs::read_dir(dir.path().join("day1/notices"))
        .unwrap()
        .count();
    assert_eq!(files1, notices1);
    assert_eq!(send(&state, &server), 0);
    let got = received(&server);
    assert_eq!(got.len(), notices1, "each notice delivered exactly once");
    for l in d1.iter().filter(|l| notice(l) == "queued") {
        let ticket = l["ticket"].as_str().unwrap();
        let to = l["recipients"][0]["address"].as_str().unwrap();
        let copies = got
            .iter()
            .filter(|m| m.contains(&format!("<{ticket}@")))
            .count();
        assert_eq!(copies, 1, "{ticket}");
        assert!(
            got.iter()
                .any(|m| m.starts_with(&format!("X-Test-Rcpt: {to}\r\n")) && m.contains(ticket))
        );
    }

    // The same day again: nothing queued twice.
    let (again, _) = day(&dir.path().join("day1b"), &state, day1());
    assert!(
        again.iter().all(|l| notice(l) != "queued"),
        "same day queued again"
    );

    // Day 2, within the window: nothing sent, each finding says why.
    let (d2, s2) = day(
        &dir.path().join("day2"),
        &state,
        day1() + TimeDelta::days(1),
    );
    assert_eq!(d2.len(), d1.len());
    for (a, b) in d1.iter().zip(&d2) {
        if notice(a) == "queued" {
            assert_eq!(notice(b), "repeat", "{b}");
            assert_eq!(
                a["ticket"], b["ticket"],
                "a repeat names the ticket that told it"
            );
            assert!(
                b["reason"].as_str().unwrap().contains("already notified"),
                "{b}"
            );
        } else {
            assert_eq!(notice(b), "none");
        }
    }
    assert_eq!(s2["notice"]["queued"], 0);
    assert_eq!(s2["notices"], 0);
    assert_eq!(send(&state, &server), 0);
    assert_eq!(received(&server).len(), notices1);

    // An acknowledgement for 198.51.100.200 until day 20, and a hard bounce of the first
    // recipient of 192.0.2.10.
    let ack = examples::acknowledge::Args::try_parse_from([
        "acknowledge",
        "--state",
        state.to_str().unwrap(),
        "--ip",
        "198.51.100.200",
        "--entry",
        "exposed-rdp",
        "--until",
        "2026-12-02T00:00:00Z",
        "--note",
        "open on purpose for the supplier",
        "--now",
        "2026-11-24T10:00:00Z",
    ])
    .unwrap();
    assert_eq!(examples::acknowledge::run(&ack).unwrap(), 0);
    let first = d1
        .iter()
        .find(|l| l["ip"] == "192.0.2.10")
        .expect("the sample day has 192.0.2.10");
    let bounced_addr = first["recipients"][0]["address"]
        .as_str()
        .unwrap()
        .to_string();
    // The next ranked e-mail recipient (web forms are never recipients[0]).
    let next_addr = first["recipients"].as_array().unwrap()[1..]
        .iter()
        .filter_map(|r| r["address"].as_str())
        .find(|a| a.contains('@') && !a.contains('/'))
        .expect("a second e-mail recipient")
        .to_string();
    let ticket = first["ticket"].as_str().unwrap();
    let dsn = format!(
        "From: MAILER-DAEMON@mx.example\r\nTo: bounces@notify.example\r\nSubject: Undelivered\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n\
         --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n\
         Final-Recipient: rfc822; {bounced_addr}\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
         --b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{ticket}@notify.example>\r\n\r\n--b--\r\n"
    );
    let dsn_path = dir.path().join("bounce.eml");
    std::fs::write(&dsn_path, dsn).unwrap();
    let ingest = examples::ingest_bounces::Args::try_parse_from([
        "ingest-bounces",
        "--state",
        state.to_str().unwrap(),
        "--now",
        "2026-11-24T11:00:00Z",
        dsn_path.to_str().unwrap(),
    ])
    .unwrap();
    assert_eq!(
        examples::ingest_bounces::run(&ingest).unwrap()["hard-bounce"],
        1
    );

    // Day 9, past the window: told again, except the acknowledged finding; the bounced address
    // is routed around.
    let (d9, s9) = day(
        &dir.path().join("day9"),
        &state,
        day1() + TimeDelta::days(8),
    );
    let mut saw_ack = false;
    let mut saw_reroute = false;
    for (a, b) in d1.iter().zip(&d9) {
        if b["ip"] == "198.51.100.200" {
            assert_eq!(notice(b), "acknowledged", "{b}");
            assert!(b["ticket"].is_null());
            assert!(
                b["reason"].as_str().unwrap().contains("open on purpose"),
                "{b}"
            );
            saw_ack = true;
        } else if a["recipients"][0]["address"] == bounced_addr.as_str() {
            assert_eq!(notice(b), "queued", "{b}");
            assert_eq!(b["recipients"][0]["address"], next_addr.as_str(), "{b}");
            let reason = b["reason"].as_str().unwrap();
            assert!(
                reason.contains(&format!("{bounced_addr} hard-bounced on 2026-11-24")),
                "{reason}"
            );
            saw_reroute = true;
        } else if notice(a) == "queued" {
            assert_eq!(notice(b), "queued", "{b}");
        }
    }
    assert!(saw_ack && saw_reroute);
    assert!(s9["rerouted"].as_u64().unwrap() >= 1);
    assert!(s9["notice"]["acknowledged"].as_u64().unwrap() >= 1);
    assert_eq!(send(&state, &server), 0);
    let got = received(&server);
    assert_eq!(
        got.len(),
        notices1 + s9["notices"].as_u64().unwrap() as usize
    );
    assert!(
        !got[notices1..]
            .iter()
            .any(|m| m.starts_with(&format!("X-Test-Rcpt: {bounced_addr}\r\n"))),
        "nothing more to the bounced address"
    );

    // The recipient fixed the mailbox: the operator clears the bounce (who and when recorded),
    // and the next run sends to the address again.
    let clear = |who: &str| {
        examples::acknowledge::Args::try_parse_from([
            "acknowledge",
            "--state",
            state.to_str().unwrap(),
            "--clear-bounce",
            &bounced_addr.to_uppercase(),
            "--by",
            who,
            "--note",
            "mailbox repaired",
            "--now",
            "2026-12-02T09:00:00Z",
        ])
        .unwrap()
    };
    assert_eq!(examples::acknowledge::run(&clear("alice")).unwrap(), 0);
    assert_eq!(
        examples::acknowledge::run(&clear("alice")).unwrap(),
        1,
        "nothing left to clear"
    );
    let mut s = SqliteStore::open(&state, OpenOptions::existing()).unwrap();
    assert!(s.hard_bounces().unwrap().is_empty());
    drop(s);

    // Day 11: the acknowledgement has ended, the finding is told again; the cleared address
    // is the first recipient again.
    let (d11, _) = day(
        &dir.path().join("day11"),
        &state,
        day1() + TimeDelta::days(10),
    );
    let ended: Vec<&Value> = d11.iter().filter(|l| l["ip"] == "198.51.100.200").collect();
    assert!(!ended.is_empty());
    for l in ended {
        assert_eq!(notice(l), "queued", "{l}");
    }
    let back: Vec<&Value> = d11
        .iter()
        .zip(&d1)
        .filter(|(_, a)| a["recipients"][0]["address"] == bounced_addr.as_str())
        .map(|(b, _)| b)
        .collect();
    assert!(!back.is_empty());
    for l in back {
        assert_eq!(l["recipients"][0]["address"], bounced_addr.as_str(), "{l}");
        assert_eq!(notice(l), "queued", "{l}");
    }
    let mut s = SqliteStore::open(&state, OpenOptions::existing()).unwrap();
    assert!(s.notices(Status::Failed).unwrap().is_empty());
}

/// Every file of `dir` (relative name → bytes), sub-folders included.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut m = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                m.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    m
}

fn args_for(out: &Path, now: DateTime<Utc>) -> Args {
    Args {
        snapshot: data().join("snapshot"),
        feeds: feeds(),
        out: out.to_path_buf(),
        now,
        lang: notice_render::Language::En,
        allow_partial_snapshot: false,
        config: Default::default(),
    }
}

/// A state run that fails after writing its files (queueing in the state fails) leaves the
/// previous output and the state exactly as they were: no notice is queued whose file is not
/// in --out, and no file is in --out that is not queued. The rerun then queues every notice
/// with its file in place.
#[test]
fn a_failed_state_run_leaves_the_previous_output_and_the_state() {
    use examples::daily_state::{Fault, Lifecycle};
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let out = dir.path().join("out");
    let st = StateArgs {
        state: state.clone(),
        repeat_after_days: 7,
    };
    run(&args_for(&out, day1()), &st).unwrap();
    let before = tree(&out);
    let queued_before = {
        let mut s = SqliteStore::open(&state, OpenOptions::existing()).unwrap();
        s.notices(Status::Pending).unwrap()
    };
    assert!(!queued_before.is_empty());

    // Day 9 would queue again (past the window); queueing fails on purpose.
    let day9 = day1() + TimeDelta::days(8);
    let mut lc = Lifecycle::open(&st).unwrap().with_fault(Fault::QueueFails);
    let (code, msg) =
        examples::daily_run::run_with(&args_for(&out, day9), Some(&mut lc)).unwrap_err();
    drop(lc);
    assert_eq!(code, 3, "{msg}");
    assert_eq!(
        tree(&out),
        before,
        "the previous output is back, byte for byte"
    );
    let mut s = SqliteStore::open(&state, OpenOptions::existing()).unwrap();
    let queued_after = s.notices(Status::Pending).unwrap();
    assert_eq!(
        queued_after.iter().map(|n| &n.ticket).collect::<Vec<_>>(),
        queued_before.iter().map(|n| &n.ticket).collect::<Vec<_>>(),
        "nothing queued"
    );
    drop(s);
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The same day without the fault: every notice file of --out is queued, with its path.
    run(&args_for(&out, day9), &st).unwrap();
    let mut s = SqliteStore::open(&state, OpenOptions::existing()).unwrap();
    let new: Vec<_> = s
        .notices(Status::Pending)
        .unwrap()
        .into_iter()
        .filter(|n| !queued_before.iter().any(|b| b.ticket == n.ticket))
        .collect();
    let mut files: Vec<Vec<u8>> = tree(&out.join("notices")).into_values().collect();
    let mut messages: Vec<Vec<u8>> = new.into_iter().map(|n| n.message).collect();
    files.sort();
    messages.sort();
    assert!(!files.is_empty());
    assert_eq!(
        files, messages,
        "each file queued, each queued notice a file"
    );
}

/// The plain run is the state run with no history: on a first day the two write the same
/// decisions (the state run's lines add only "notice" and "ticket") and the same notices.
#[test]
fn the_plain_run_and_a_first_state_run_agree() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    let stateful = dir.path().join("stateful");
    examples::daily_run::run(&args_for(&plain, day1())).unwrap();
    let st = StateArgs {
        state: dir.path().join("state.db"),
        repeat_after_days: 7,
    };
    run(&args_for(&stateful, day1()), &st).unwrap();
    let read = |p: &Path| -> Vec<Value> {
        std::fs::read_to_string(p.join("decisions.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let (a, b) = (read(&plain), read(&stateful));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        let mut y = y.clone();
        let o = y.as_object_mut().unwrap();
        assert!(o.remove("notice").is_some() && o.remove("ticket").is_some());
        assert_eq!(x, &y);
    }
    assert_eq!(
        tree(&plain.join("notices")),
        tree(&stateful.join("notices")),
        "the same notices, byte for byte"
    );
}
