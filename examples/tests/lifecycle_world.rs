//! The "done when" on a whole world: several simulated days of the daily run with one
//! SQLite state, delivered by `send-notices` to aiosmtpd on 127.0.0.1 (`tests/smtp/server.py`;
//! `python3 -m pip install aiosmtpd`), with bounces read by `ingest-bounces` and an
//! acknowledgement recorded by `acknowledge`: each program's binary, run as a user runs it
//! (built by the test when missing, `tests/common`).
//!
//! `LIFECYCLE_WORLD=DIR` names the world (a folder with `snapshot/`, `feeds/` and
//! `truth.jsonl`, e.g. `../shared/worlds/visible`, which is how `.ci/shared-checks` runs it);
//! without it the test says so and passes without checking anything (the repository does not
//! hold a world; `tests/lifecycle_days.rs` runs the same days on the sample day).
//!
//! - Day 1: every finding whose truth names a recipient, and whose decision names that
//!   recipient, is delivered to it exactly once; every message delivered goes to the recipient
//!   its findings' decisions name; decisions that name another recipient than the truth are
//!   counted and must stay under `LIFECYCLE_WORLD_MAX_WRONG` (a fraction, default 0).
//! - Day 2, within the window: nothing queued, nothing sent, each finding told on day 1 says
//!   `repeat` with its day-1 ticket and why.
//! - An acknowledged finding is `acknowledged` until its end date and queued again after.
//! - A hard bounce (a DSN ingested by `ingest-bounces`) routes the next day's notice to the
//!   next ranked recipient, and nothing more goes to the bounced address.
//! - A server that is down, then one that answers 451 to everything, lose nothing and
//!   duplicate nothing: the notices stay pending and the next run delivers each once.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, TimeDelta, Utc};
use common::{Server, received};
use notice_render::lifecycle::sqlite::{OpenOptions, SqliteStore};
use notice_render::lifecycle::{Status, Store};
use serde_json::Value;

fn world() -> Option<PathBuf> {
    std::env::var_os("LIFECYCLE_WORLD").map(PathBuf::from)
}

fn day1() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn feeds(world: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(world.join("feeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// One day of `daily-run --state`; its decision lines and summary.
fn day(world: &Path, out: &Path, state: &Path, now: DateTime<Utc>) -> (Vec<Value>, Value) {
    let mut argv: Vec<String> = vec![
        "--snapshot".into(),
        world.join("snapshot").display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--now".into(),
        now.to_rfc3339(),
        "--state".into(),
        state.display().to_string(),
    ];
    for f in feeds(world) {
        argv.push("--feed".into());
        argv.push(f.display().to_string());
    }
    assert_eq!(program("daily-run", &argv), 0, "daily-run --state");
    let lines: Vec<Value> = fs::read_to_string(out.join("decisions.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let files = fs::read_dir(out.join("notices")).unwrap().count();
    assert_eq!(
        Some(files as u64),
        summary["notices"].as_u64(),
        "files = notices"
    );
    (lines, summary)
}

/// Runs the example program `name` with `args`, as a user does; its exit status and standard
/// output (standard error passed on to the test's).
fn program_output(name: &str, args: &[String]) -> (i32, String) {
    let out = Command::new(common::program(name))
        .args(args)
        .output()
        .unwrap();
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// [`program_output`]'s exit status.
fn program(name: &str, args: &[String]) -> i32 {
    program_output(name, args).0
}

/// `send-notices` from the state to the server at `url`; its exit status.
fn send(state: &Path, url: &str, retries: u32) -> i32 {
    let args = [
        "--state",
        &state.display().to_string(),
        "--smtp",
        url,
        "--from",
        "bounces@notify.example",
        "--rate",
        "1000",
        "--retries",
        &retries.to_string(),
        "--backoff",
        "0.01",
        "--timeout",
        "5",
    ]
    .map(str::to_owned);
    program("send-notices", &args)
}

fn notice(v: &Value) -> &str {
    v["notice"].as_str().unwrap()
}

fn first(v: &Value) -> Option<String> {
    v["recipients"][0]["address"]
        .as_str()
        .map(|a| a.trim().to_ascii_lowercase())
}

/// The envelope recipient of a received message (its `X-Test-Rcpt` line).
fn rcpt(m: &str) -> String {
    m.lines()
        .next()
        .and_then(|l| l.strip_prefix("X-Test-Rcpt: "))
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Received messages per ticket (`Message-ID: <TICKET@...>`), with their recipients.
fn by_ticket(got: &[String]) -> HashMap<String, Vec<String>> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    for msg in got {
        let id = msg
            .lines()
            .find_map(|l| {
                l.strip_prefix("Message-ID: <")
                    .or_else(|| l.strip_prefix("Message-Id: <"))
            })
            .and_then(|l| l.split('@').next())
            .unwrap_or("")
            .to_string();
        m.entry(id).or_default().push(rcpt(msg));
    }
    m
}

/// The catalogue entry of a decision line's finding.
fn entry_of(l: &Value, catalogue: &notice_render::Catalogue) -> String {
    let f = notice_render::Finding::new(
        l["ip"].as_str().unwrap(),
        l["report_type"].as_str().unwrap(),
        day1(),
    );
    catalogue.classify(&f).id.clone()
}

#[test]
fn several_days_on_a_world() {
    let Some(world) = world() else {
        eprintln!(
            "lifecycle_world: skipped: LIFECYCLE_WORLD is not set (a world folder, e.g. \
             ../shared/worlds/visible; .ci/shared-checks sets it)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let server = common::start("accept", dir.path(), None);
    let catalogue = notice_render::Catalogue::embedded().unwrap();

    // Day 1.
    let (d1, s1) = day(&world, &dir.path().join("day1"), &state, day1());
    let truth: HashMap<(String, u64), Option<String>> =
        fs::read_to_string(world.join("truth.jsonl"))
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                (
                    (
                        v["feed"].as_str().unwrap().to_string(),
                        v["line"].as_u64().unwrap(),
                    ),
                    v["recipient"]
                        .as_str()
                        .map(|r| r.trim().to_ascii_lowercase()),
                )
            })
            .collect();
    assert_eq!(truth.len(), d1.len(), "one truth line per decision");
    assert_eq!(send(&state, &server.url(), 3), 0);
    let got1 = received(&server);
    assert_eq!(
        Some(got1.len() as u64),
        s1["notices"].as_u64(),
        "each notice once"
    );
    let tickets1 = by_ticket(&got1);
    let (mut right, mut wrong, mut told) = (0usize, 0usize, 0usize);
    for l in &d1 {
        let key = (
            l["feed"].as_str().unwrap().to_string(),
            l["line"].as_u64().unwrap(),
        );
        let expected = truth
            .get(&key)
            .unwrap_or_else(|| panic!("no truth for {key:?}"));
        if notice(l) == "queued" {
            told += 1;
            let ticket = l["ticket"].as_str().unwrap();
            let to = tickets1
                .get(ticket)
                .unwrap_or_else(|| panic!("{ticket} not delivered"));
            assert_eq!(
                to,
                &vec![first(l).unwrap()],
                "{ticket}: delivered once, to its decision's recipient"
            );
        }
        match (expected, first(l)) {
            (Some(t), Some(got)) if *t == got => {
                right += 1;
                assert_eq!(notice(l), "queued", "{l}");
            }
            (Some(_), _) => wrong += 1,
            (None, _) => {}
        }
    }
    let with_truth = truth.values().filter(|r| r.is_some()).count();
    let max_wrong: f64 = std::env::var("LIFECYCLE_WORLD_MAX_WRONG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    println!(
        "lifecycle_world: day 1: {told} findings told in {} notices; {right} of {with_truth} \
         findings with a recipient in the truth reached it, {wrong} named another",
        got1.len()
    );
    assert!(
        wrong as f64 <= max_wrong * with_truth as f64,
        "{wrong} of {with_truth} findings went to another recipient than the truth"
    );

    // Day 2, within the window: nothing sent, each finding says why.
    let (d2, s2) = day(
        &world,
        &dir.path().join("day2"),
        &state,
        day1() + TimeDelta::days(1),
    );
    assert_eq!(s2["notices"], 0);
    for (a, b) in d1.iter().zip(&d2) {
        if notice(a) == "queued" {
            assert_eq!(notice(b), "repeat", "{b}");
            assert_eq!(a["ticket"], b["ticket"], "{b}");
            assert!(
                b["reason"].as_str().unwrap().contains("already notified"),
                "{b}"
            );
        } else {
            assert_eq!(notice(b), "none", "{b}");
        }
    }
    assert_eq!(send(&state, &server.url(), 3), 0);
    assert_eq!(received(&server).len(), got1.len());

    // An acknowledgement of one told finding (its address and problem) until day 11, and a
    // hard bounce of the first recipient of another that has a next ranked e-mail recipient.
    let queued1: Vec<&Value> = d1.iter().filter(|l| notice(l) == "queued").collect();
    let acked = queued1[0];
    let ack_key = (
        acked["ip"].as_str().unwrap().to_string(),
        entry_of(acked, &catalogue),
    );
    let ack = [
        "--state",
        state.to_str().unwrap(),
        "--ip",
        &ack_key.0,
        "--entry",
        &ack_key.1,
        "--until",
        "2026-12-03T00:00:00Z",
        "--note",
        "open on purpose",
        "--now",
        "2026-11-24T10:00:00Z",
    ]
    .map(str::to_owned);
    assert_eq!(program("acknowledge", &ack), 0);
    let next_of = |l: &Value| -> Option<String> {
        l["recipients"].as_array()?[1..]
            .iter()
            .filter_map(|r| r["address"].as_str())
            .find(|a| a.contains('@') && !a.contains('/'))
            .map(|a| a.trim().to_ascii_lowercase())
    };
    let bounced_line = queued1
        .iter()
        .copied()
        .find(|l| {
            l["ip"] != acked["ip"] && next_of(l).is_some_and(|n| Some(&n) != first(l).as_ref())
        })
        .expect("a told finding with a second e-mail recipient");
    let bounced = first(bounced_line).unwrap();
    let ticket = bounced_line["ticket"].as_str().unwrap();
    let dsn = format!(
        "From: MAILER-DAEMON@mx.example\r\nTo: bounces@notify.example\r\nSubject: Undelivered\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n\
         --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n\
         Final-Recipient: rfc822; {bounced}\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
         --b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{ticket}@notify.example>\r\n\r\n--b--\r\n"
    );
    let dsn_path = dir.path().join("bounce.eml");
    fs::write(&dsn_path, dsn).unwrap();
    let ingest = [
        "--state",
        state.to_str().unwrap(),
        "--now",
        "2026-11-24T11:00:00Z",
        dsn_path.to_str().unwrap(),
    ]
    .map(str::to_owned);
    let (status, said) = program_output("ingest-bounces", &ingest);
    assert_eq!(status, 0);
    // The summary line counts the kinds of reports read: exactly one hard bounce.
    let summary = said
        .lines()
        .find_map(|l| l.strip_prefix("ingest-bounces: "))
        .expect("the summary line");
    assert!(
        summary.split(", ").any(|c| c == "hard-bounce 1"),
        "{summary}"
    );

    // Day 9, past the window: told again, except the acknowledged finding; the bounced address
    // is routed around.
    let (d9, s9) = day(
        &world,
        &dir.path().join("day9"),
        &state,
        day1() + TimeDelta::days(8),
    );
    let mut rerouted = 0;
    for (a, b) in d1.iter().zip(&d9) {
        let key = (
            a["ip"].as_str().unwrap_or("").to_string(),
            entry_of_or_empty(a, &catalogue),
        );
        if notice(a) != "queued" {
            assert_ne!(notice(b), "queued", "{b}");
        } else if key == ack_key {
            assert_eq!(notice(b), "acknowledged", "{b}");
            assert!(
                b["reason"].as_str().unwrap().contains("open on purpose"),
                "{b}"
            );
        } else if first(a).as_ref() == Some(&bounced) {
            assert_ne!(first(b).as_ref(), Some(&bounced), "{b}");
            let reason = b["reason"].as_str().unwrap();
            assert!(
                reason.contains(&format!("{bounced} hard-bounced")),
                "{reason}"
            );
            rerouted += 1;
            if a == bounced_line {
                assert_eq!(notice(b), "queued", "{b}");
                assert_eq!(first(b), next_of(a), "{b}");
            }
        } else {
            assert_eq!(notice(b), "queued", "{b}");
            assert_eq!(first(a), first(b), "{b}");
        }
    }
    assert!(rerouted >= 1);
    assert_eq!(s9["rerouted"].as_u64(), Some(rerouted as u64));
    let notices9 = s9["notices"].as_u64().unwrap() as usize;
    assert!(notices9 > 0);

    // The server is down: nothing sent, nothing lost.
    let down = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        format!("smtp://127.0.0.1:{port}")
    };
    assert_eq!(send(&state, &down, 0), 1);
    let pending = |state: &Path| {
        let mut s = SqliteStore::open(state, OpenOptions::existing()).unwrap();
        let n = s.notices(Status::Pending).unwrap().len();
        let f = s.notices(Status::Failed).unwrap().len();
        (n, f)
    };
    assert_eq!(pending(&state), (notices9, 0));
    // A server that refuses each recipient once (451): with no retries left in this run, those
    // stay pending; the next run delivers each exactly once.
    // (A recipient with several notices gets the later ones accepted in the first run.)
    let tempfail: Server = common::start("tempfail", dir.path(), None);
    assert_eq!(send(&state, &tempfail.url(), 0), 1);
    let (left, failed) = pending(&state);
    assert_eq!(failed, 0);
    assert!(left > 0);
    assert_eq!(
        received(&tempfail).len(),
        notices9 - left,
        "only what was accepted is sent"
    );
    assert_eq!(send(&state, &tempfail.url(), 0), 0);
    assert_eq!(pending(&state), (0, 0));
    let got9 = received(&tempfail);
    assert_eq!(got9.len(), notices9, "each notice of day 9 once");
    let tickets9 = by_ticket(&got9);
    assert_eq!(tickets9.len(), notices9, "no ticket twice");
    for (t, to) in &tickets9 {
        assert_eq!(to.len(), 1, "{t}");
        assert_ne!(to[0], bounced, "nothing more to the bounced address");
    }
    for l in d9.iter().filter(|l| notice(l) == "queued") {
        let t = l["ticket"].as_str().unwrap();
        assert_eq!(tickets9.get(t), Some(&vec![first(l).unwrap()]), "{t}");
    }
    let before: BTreeSet<&String> = tickets1.keys().collect();
    assert!(
        tickets9.keys().all(|t| !before.contains(t)),
        "tickets are new"
    );

    // Day 12: the acknowledgement has ended; the finding is told again (the others were told
    // on day 9, within the window).
    let (d12, _) = day(
        &world,
        &dir.path().join("day12"),
        &state,
        day1() + TimeDelta::days(11),
    );
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (a, b) in d1.iter().zip(&d12) {
        *counts.entry(notice(b)).or_default() += 1;
        let key = (
            a["ip"].as_str().unwrap_or("").to_string(),
            entry_of_or_empty(a, &catalogue),
        );
        if notice(a) == "queued" && key == ack_key {
            assert_eq!(notice(b), "queued", "{b}");
        }
    }
    println!("lifecycle_world: day 12: {counts:?}");
}

fn entry_of_or_empty(l: &Value, catalogue: &notice_render::Catalogue) -> String {
    if l["ip"].is_string() {
        entry_of(l, catalogue)
    } else {
        String::new()
    }
}
