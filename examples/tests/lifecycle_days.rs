//! Several simulated days of the sample day in `examples/data/` with one state: day 1 queues
//! and sends (over aiosmtpd on 127.0.0.1, `python3 -m pip install aiosmtpd`), day 2 within the
//! repeat window sends nothing and says why per finding, an acknowledged finding stays quiet
//! until its end date, and a hard-bounced address is routed around to the next ranked
//! recipient.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use chrono::{DateTime, TimeDelta, Utc};
use clap::Parser;
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
        lang: "en".to_owned(),
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

struct Server {
    child: Child,
    port: u16,
    out: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path) -> Server {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/server.py");
    let out = dir.join("received");
    let mut child = Command::new("python3")
        .arg(&script)
        .arg("accept")
        .arg(&out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("needs python3 with aiosmtpd (python3 -m pip install aiosmtpd): {e}")
        });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .strip_prefix("PORT ")
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| {
            panic!("test SMTP server did not start ({line:?}); python3 -m pip install aiosmtpd")
        });
    Server { child, port, out }
}

/// What the server received, in the order it arrived.
fn received(s: &Server) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&s.out)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|x| x == "eml"));
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_default())
        .collect()
}

fn send(state: &Path, server: &Server) -> u8 {
    let args = examples::send_notices::Args::try_parse_from([
        "send-notices".to_string(),
        "--state".into(),
        state.display().to_string(),
        "--smtp".into(),
        format!("smtp://127.0.0.1:{}", server.port),
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
    let server = start(dir.path());

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

    // Day 11: the acknowledgement has ended, the finding is told again.
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
    let mut s = SqliteStore::open(&state, OpenOptions::existing()).unwrap();
    assert!(s.notices(Status::Failed).unwrap().is_empty());
}
