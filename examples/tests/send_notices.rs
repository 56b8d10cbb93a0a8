//! `send-notices` against a real SMTP server on 127.0.0.1 that each test starts itself:
//! `tests/smtp/server.py` (Python's aiosmtpd; `python3 -m pip install aiosmtpd`). The server
//! writes every message it accepts to a folder, so the tests count deliveries exactly.

mod common;

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use clap::Parser;
use common::{received, start, test_pki};
use examples::send_notices::{Args, run, run_with_password};
use notice_render::lifecycle::sqlite::{OpenOptions, SqliteStore};
use notice_render::lifecycle::{CoveredFinding, NewNotice, Status, Store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 6, 0, 0).unwrap()
}

fn message(ticket: &str, to: &str) -> Vec<u8> {
    format!(
        "From: notices@notify.example\r\nTo: {to}\r\nSubject: [{ticket}] exposed RDP\r\n\
         Message-ID: <{ticket}@notify.example>\r\nDate: Mon, 23 Nov 2026 06:00:00 +0000\r\n\r\n\
         RDP is open on 192.0.2.10.\r\n.leading dot stays\r\n"
    )
    .into_bytes()
}

/// A state with one pending notice per recipient.
fn state_with(dir: &Path, recipients: &[&str]) -> PathBuf {
    let path = dir.join("state.db");
    let mut s = SqliteStore::open(&path, OpenOptions::create()).unwrap();
    let notices: Vec<NewNotice> = recipients
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let ticket = format!("NTC-20261123-{:05}", i + 1);
            NewNotice::new(
                ticket.clone(),
                *r,
                now(),
                message(&ticket, r),
                vec![CoveredFinding::new(
                    "scan_rdp.csv",
                    2 + i as u64,
                    format!("192.0.2.{}", 10 + i),
                    Some(3389),
                    "scan_rdp",
                    "exposed-rdp",
                )],
            )
        })
        .collect();
    s.queue(&notices).unwrap();
    path
}

fn args(state: &Path, url: &str, extra: &[&str]) -> Args {
    let mut v = vec![
        "send-notices".to_string(),
        "--state".into(),
        state.display().to_string(),
        "--smtp".into(),
        url.into(),
        "--from".into(),
        "bounces@notify.example".into(),
    ];
    for (k, default) in [("--rate", "50"), ("--backoff", "0.05"), ("--timeout", "2")] {
        if !extra.contains(&k) {
            v.extend([k.to_string(), default.to_string()]);
        }
    }
    v.extend(extra.iter().map(|s| s.to_string()));
    Args::try_parse_from(v).unwrap()
}

fn statuses(state: &Path) -> Vec<(String, Status, u32)> {
    let mut s = SqliteStore::open(state, OpenOptions::existing()).unwrap();
    let mut all = Vec::new();
    for st in [Status::Pending, Status::Sent, Status::Failed] {
        for n in s.notices(st).unwrap() {
            all.push((n.recipient, n.status, n.attempts));
        }
    }
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

#[test]
fn delivers_each_pending_notice_once_and_a_rerun_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = start("accept", dir.path(), None);
    let state = state_with(
        dir.path(),
        &["a@example.nl", "b@example.nl", "c@example.nl"],
    );
    let url = format!("smtp://127.0.0.1:{}", server.port);
    assert_eq!(run(&args(&state, &url, &["--dry-run"])).unwrap(), 0);
    assert!(received(&server).is_empty(), "--dry-run sent something");
    assert_eq!(run(&args(&state, &url, &[])).unwrap(), 0);
    let got = received(&server);
    assert_eq!(got.len(), 3);
    for (m, r) in got
        .iter()
        .zip(["a@example.nl", "b@example.nl", "c@example.nl"])
    {
        assert!(
            m.starts_with(&format!(
                "X-Test-Rcpt: {r}\r\nX-Test-From: bounces@notify.example"
            )),
            "{m}"
        );
        assert!(
            m.contains("\r\n.leading dot stays\r\n"),
            "dot-stuffing undone: {m}"
        );
    }
    assert!(
        statuses(&state)
            .iter()
            .all(|(_, s, n)| *s == Status::Sent && *n == 1)
    );
    // A rerun: nothing pending, nothing sent.
    assert_eq!(run(&args(&state, &url, &[])).unwrap(), 0);
    assert_eq!(received(&server).len(), 3);
}

#[test]
fn a_451_is_retried_in_the_same_run_and_delivered_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = start("tempfail", dir.path(), None);
    let state = state_with(dir.path(), &["a@example.nl", "b@example.nl"]);
    let url = format!("smtp://127.0.0.1:{}", server.port);
    assert_eq!(run(&args(&state, &url, &[])).unwrap(), 0);
    assert_eq!(received(&server).len(), 2);
    assert!(
        statuses(&state)
            .iter()
            .all(|(_, s, n)| *s == Status::Sent && *n == 2)
    );
}

#[test]
fn a_451_with_no_retries_left_stays_pending_for_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let server = start("tempfail", dir.path(), None);
    let state = state_with(dir.path(), &["a@example.nl"]);
    let url = format!("smtp://127.0.0.1:{}", server.port);
    assert_eq!(run(&args(&state, &url, &["--retries", "0"])).unwrap(), 1);
    assert_eq!(statuses(&state)[0].1, Status::Pending);
    assert!(received(&server).is_empty());
    assert_eq!(run(&args(&state, &url, &["--retries", "0"])).unwrap(), 0);
    assert_eq!(received(&server).len(), 1);
}

#[test]
fn a_550_at_rcpt_fails_the_notice_and_marks_the_address() {
    let dir = tempfile::tempdir().unwrap();
    let server = start("reject-rcpt", dir.path(), None);
    let state = state_with(dir.path(), &["nobody@example.nl", "b@example.nl"]);
    let url = format!("smtp://127.0.0.1:{}", server.port);
    assert_eq!(run(&args(&state, &url, &[])).unwrap(), 1);
    let st = statuses(&state);
    assert_eq!(st[0].0, "b@example.nl");
    assert_eq!(st[0].1, Status::Sent);
    assert_eq!(st[1].1, Status::Failed);
    assert_eq!(
        received(&server).len(),
        1,
        "the connection was reused after the refusal"
    );
    let mut s = SqliteStore::open(&state, OpenOptions::existing()).unwrap();
    let b = s.hard_bounces().unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].address, "nobody@example.nl");
    assert_eq!(b[0].status, "550");
    assert_eq!(b[0].ticket.as_deref(), Some("NTC-20261123-00001"));
    drop(s);
    // Failed is final: a rerun sends nothing and says all is done.
    assert_eq!(run(&args(&state, &url, &[])).unwrap(), 0);
}

#[test]
fn a_554_at_data_fails_the_notice() {
    let dir = tempfile::tempdir().unwrap();
    let server = start("reject-data", dir.path(), None);
    let state = state_with(dir.path(), &["a@example.nl"]);
    let url = format!("smtp://127.0.0.1:{}", server.port);
    assert_eq!(run(&args(&state, &url, &[])).unwrap(), 1);
    assert_eq!(statuses(&state)[0].1, Status::Failed);
    let mut s = SqliteStore::open(&state, OpenOptions::existing()).unwrap();
    assert_eq!(s.hard_bounces().unwrap()[0].status, "554");
}

#[test]
fn a_connection_dropped_mid_message_is_retried_and_delivered_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = start("drop", dir.path(), None);
    let state = state_with(dir.path(), &["a@example.nl", "b@example.nl"]);
    let url = format!("smtp://127.0.0.1:{}", server.port);
    assert_eq!(run(&args(&state, &url, &[])).unwrap(), 0);
    // The dropped message arrives after the other one: compare in recipient order.
    let mut got = received(&server);
    got.sort();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].starts_with("X-Test-Rcpt: a@example.nl"));
    assert!(got[1].starts_with("X-Test-Rcpt: b@example.nl"));
}

#[test]
fn a_server_that_is_down_stalls_or_answers_garbage_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let stall = start("stall", dir.path(), None);
    let garbage = start("garbage", dir.path(), None);
    // Down: a port nobody listens on (taken and released), taken after the servers listen so
    // it cannot be one of theirs (it was once: the two cases then shared one state file).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for url in [
        format!("smtp://127.0.0.1:{port}"),
        format!("smtp://127.0.0.1:{}", stall.port),
        format!("smtp://127.0.0.1:{}", garbage.port),
    ] {
        let sub = dir.path().join(url.replace([':', '/', '.'], "_"));
        std::fs::create_dir_all(&sub).unwrap();
        let state = state_with(&sub, &["a@example.nl"]);
        assert_eq!(
            run(&args(&state, &url, &["--retries", "1", "--timeout", "1"])).unwrap(),
            1,
            "{url}"
        );
        let st = statuses(&state);
        assert_eq!(st.len(), 1);
        assert_eq!((st[0].1, st[0].2), (Status::Pending, 2), "{url}: {st:?}");
        let mut s = SqliteStore::open(&state, OpenOptions::existing()).unwrap();
        assert!(s.hard_bounces().unwrap().is_empty(), "{url}");
        let n = &s.notices(Status::Pending).unwrap()[0];
        assert!(
            n.reason.as_deref().is_some_and(|r| r.contains("no answer")),
            "{url}: {:?}",
            n.reason
        );
    }
}

#[test]
fn starttls_and_implicit_tls_with_a_test_ca() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, ca) = test_pki(dir.path());
    for (mode, scheme) in [("starttls", "smtp"), ("smtps", "smtps")] {
        let server = start(mode, dir.path(), Some((&cert, &key)));
        let sub = dir.path().join(mode);
        std::fs::create_dir_all(&sub).unwrap();
        let url = format!("{scheme}://127.0.0.1:{}", server.port);
        // Without the test CA the certificate is not trusted: nothing is sent, nothing lost.
        let state = state_with(&sub, &["a@example.nl"]);
        assert_eq!(
            run(&args(&state, &url, &["--retries", "0"])).unwrap(),
            1,
            "{mode}"
        );
        assert!(received(&server).is_empty());
        let ca_arg = ca.display().to_string();
        assert_eq!(
            run(&args(&state, &url, &["--ca", &ca_arg])).unwrap(),
            0,
            "{mode}"
        );
        assert_eq!(received(&server).len(), 1, "{mode}");
    }
}

#[test]
fn unusable_arguments_and_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = state_with(dir.path(), &["a@example.nl"]);
    for url in [
        "http://x",
        "smtp://user:pw@127.0.0.1:25",
        "smtp://127.0.0.1:0",
    ] {
        assert_eq!(run(&args(&state, url, &[])).unwrap_err().0, 2, "{url}");
    }
    let bad_from = Args::try_parse_from([
        "send-notices",
        "--state",
        "s.db",
        "--smtp",
        "smtp://127.0.0.1:25",
        "--from",
        "not an address",
    ])
    .unwrap();
    assert_eq!(run(&bad_from).unwrap_err().0, 2);
    let missing = dir.path().join("missing.db");
    assert_eq!(
        run(&args(&missing, "smtp://127.0.0.1:25", &[]))
            .unwrap_err()
            .0,
        3
    );
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![b'x'; 4096]).unwrap();
    assert_eq!(
        run(&args(&junk, "smtp://127.0.0.1:25", &[])).unwrap_err().0,
        3
    );
    // A second writer at the same time is refused with a clear message.
    let held = SqliteStore::open(&state, OpenOptions::existing()).unwrap();
    let (code, msg) = run(&args(&state, "smtp://127.0.0.1:25", &[])).unwrap_err();
    assert_eq!(code, 3);
    assert!(msg.contains("in use"), "{msg}");
    drop(held);
}

#[test]
fn auth_over_starttls_logs_in_and_a_refused_login_marks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, ca) = test_pki(dir.path());
    let server = start("auth", dir.path(), Some((&cert, &key)));
    let ca_arg = ca.display().to_string();
    let url = format!("smtp://notify@127.0.0.1:{}", server.port);
    let state = state_with(dir.path(), &["a@example.nl", "b@example.nl"]);

    // A wrong password: the server says 535; the run stops with 2 and a clear message, and no
    // notice is marked (no attempt counted, no address bounced).
    let (code, msg) = run_with_password(
        &args(&state, &url, &["--ca", &ca_arg]),
        Some("wrong".to_owned()),
    )
    .unwrap_err();
    assert_eq!(code, 2, "{msg}");
    assert!(
        msg.contains("refused the login as notify") && msg.contains("535"),
        "{msg}"
    );
    assert!(received(&server).is_empty());
    for (r, st, attempts) in statuses(&state) {
        assert_eq!((st, attempts), (Status::Pending, 0), "{r}");
    }
    let mut s = SqliteStore::open(&state, OpenOptions::existing()).unwrap();
    assert!(s.hard_bounces().unwrap().is_empty());
    drop(s);

    // No user in the URL: the server requires AUTH before MAIL (530), nothing is sent and the
    // notices stay pending for the next run.
    let anonymous = format!("smtp://127.0.0.1:{}", server.port);
    assert_eq!(
        run(&args(
            &state,
            &anonymous,
            &["--ca", &ca_arg, "--retries", "0"]
        ))
        .unwrap(),
        1
    );
    assert!(received(&server).is_empty());

    // The right password over STARTTLS: both delivered once, marked sent.
    assert_eq!(
        run_with_password(
            &args(&state, &url, &["--ca", &ca_arg]),
            Some("s3cret word".to_owned())
        )
        .unwrap(),
        0
    );
    assert_eq!(received(&server).len(), 2);
    assert!(
        statuses(&state)
            .iter()
            .all(|(_, st, _)| *st == Status::Sent)
    );
}

/// Without `--from`, the envelope sender is the `[sender] address` of `--config` (the file
/// daily-run reads); with neither, or with a broken file, the arguments are unusable (exit 2)
/// and nothing is sent.
#[test]
fn the_envelope_sender_comes_from_the_configuration_without_from() {
    let dir = tempfile::tempdir().unwrap();
    let server = start("accept", dir.path(), None);
    let state = state_with(dir.path(), &["a@example.nl"]);
    let url = format!("smtp://127.0.0.1:{}", server.port);
    let config = dir.path().join("notify.toml");
    std::fs::write(
        &config,
        "[sender]\nname = \"Test CERT\"\naddress = \"cert-bounces@cert.test\"\n",
    )
    .unwrap();
    let base = [
        "send-notices",
        "--state",
        state.to_str().unwrap(),
        "--smtp",
        url.as_str(),
        "--rate",
        "50",
        "--timeout",
        "2",
    ];
    assert!(
        Args::try_parse_from(base).is_err(),
        "neither --from nor --config was refused"
    );
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[sender\n").unwrap();
    let with_broken = Args::try_parse_from(
        base.iter()
            .copied()
            .chain(["--config", broken.to_str().unwrap()]),
    )
    .unwrap();
    assert_eq!(run(&with_broken).unwrap_err().0, 2);
    assert!(received(&server).is_empty());
    let with_config = Args::try_parse_from(
        base.iter()
            .copied()
            .chain(["--config", config.to_str().unwrap()]),
    )
    .unwrap();
    assert_eq!(run(&with_config).unwrap(), 0);
    let got = received(&server);
    assert_eq!(got.len(), 1);
    assert!(
        got[0].starts_with("X-Test-Rcpt: a@example.nl\r\nX-Test-From: cert-bounces@cert.test\r\n"),
        "{}",
        got[0]
    );
}
