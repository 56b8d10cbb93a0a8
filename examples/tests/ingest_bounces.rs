//! `ingest-bounces` over DSNs in the shapes Postfix, Exim and Exchange write and over replies
//! (`tests/bounces/`), as single files, a Maildir and an mbox.

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use clap::Parser;
use examples::ingest_bounces::{Args, run};
use notice_render::lifecycle::sqlite::{OpenOptions, SqliteStore};
use notice_render::lifecycle::{CoveredFinding, NewNotice, Store};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bounces")
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
}

/// A state holding the three notices the samples report on.
fn state(dir: &Path) -> PathBuf {
    let path = dir.join("state.db");
    let mut s = SqliteStore::open(&path, OpenOptions::create()).unwrap();
    let day = Utc.with_ymd_and_hms(2026, 11, 23, 6, 0, 0).unwrap();
    let notices: Vec<NewNotice> = [
        "security@example.nl",
        "abuse@isp.example",
        "admin@exim.example",
    ]
    .iter()
    .enumerate()
    .map(|(i, r)| {
        let ticket = format!("NTC-20261123-{:05}", i + 1);
        let msg = format!("Message-ID: <{ticket}@notify.example>\r\nTo: {r}\r\n\r\nx\r\n");
        NewNotice::new(
            ticket,
            *r,
            day,
            msg.into_bytes(),
            vec![CoveredFinding::new(
                "f.csv",
                2,
                "192.0.2.10",
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

fn args(state: &Path, paths: &[PathBuf]) -> Args {
    let mut v = vec![
        "ingest-bounces".to_string(),
        "--state".into(),
        state.display().to_string(),
        "--now".into(),
        now().to_rfc3339(),
    ];
    v.extend(paths.iter().map(|p| p.display().to_string()));
    Args::try_parse_from(v).unwrap()
}

fn bounced(state: &Path) -> Vec<(String, String, Option<String>)> {
    let mut s = SqliteStore::open(state, OpenOptions::existing()).unwrap();
    let mut v: Vec<_> = s
        .hard_bounces()
        .unwrap()
        .into_iter()
        .map(|b| (b.address, b.status, b.ticket))
        .collect();
    v.sort();
    v
}

#[test]
fn every_sample_gets_its_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let st = state(dir.path());
    let files: Vec<PathBuf> = [
        "postfix-user-unknown.eml",
        "exim-no-original-recipient.eml",
        "exchange-two-recipients.eml",
        "delayed.eml",
        "reply-open-on-purpose.eml",
        "dsn-for-a-message-we-never-sent.eml",
        "not-a-message.eml",
    ]
    .iter()
    .map(|f| samples().join(f))
    .collect();
    let counts = run(&args(&st, &files)).unwrap();
    assert_eq!(counts["hard-bounce"], 3, "{counts:?}");
    assert_eq!(counts["soft-bounce"], 1, "{counts:?}");
    assert_eq!(counts["for-a-person"], 1, "{counts:?}");
    assert_eq!(counts["unmatched-dsn"], 1, "{counts:?}");
    assert_eq!(
        counts["dsn-other"], 1,
        "the Exchange block for noc@ is not ours: {counts:?}"
    );
    assert_eq!(counts["malformed"], 1, "{counts:?}");
    assert_eq!(
        bounced(&st),
        vec![
            (
                "abuse@isp.example".into(),
                "5.1.10".into(),
                Some("NTC-20261123-00002".into())
            ),
            (
                "admin@exim.example".into(),
                "5.0.0".into(),
                Some("NTC-20261123-00003".into())
            ),
            (
                "security@example.nl".into(),
                "5.1.1".into(),
                Some("NTC-20261123-00001".into())
            ),
        ]
    );
    let mut s = SqliteStore::open(&st, OpenOptions::existing()).unwrap();
    assert_eq!(s.counts().unwrap().soft_bounces, 1);
}

#[test]
fn a_maildir_and_an_mbox_are_read_too() {
    let dir = tempfile::tempdir().unwrap();
    let st = state(dir.path());
    let maildir = dir.path().join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    std::fs::copy(
        samples().join("postfix-user-unknown.eml"),
        maildir.join("new/1763874003.M1P1.host"),
    )
    .unwrap();
    // CRLF line ends, as a Maildir written by a Windows tool would have them.
    let exim = std::fs::read_to_string(samples().join("exim-no-original-recipient.eml")).unwrap();
    std::fs::write(
        maildir.join("cur/1763874060.M2P1.host:2,S"),
        exim.replace('\n', "\r\n"),
    )
    .unwrap();
    let mut mbox = String::new();
    for f in ["exchange-two-recipients.eml", "reply-open-on-purpose.eml"] {
        let text = std::fs::read_to_string(samples().join(f)).unwrap();
        mbox.push_str("From MAILER-DAEMON Mon Nov 23 06:02:00 2026\n");
        mbox.push_str(&text.replace("\r\n", "\n"));
        mbox.push('\n');
    }
    let mbox_path = dir.path().join("bounces.mbox");
    std::fs::write(&mbox_path, mbox).unwrap();
    let counts = run(&args(&st, &[maildir, mbox_path])).unwrap();
    assert_eq!(counts["hard-bounce"], 3, "{counts:?}");
    assert_eq!(counts["for-a-person"], 1, "{counts:?}");
    assert_eq!(counts["malformed"], 0, "{counts:?}");
    assert_eq!(bounced(&st).len(), 3);
}

#[test]
fn unusable_paths_and_state() {
    let dir = tempfile::tempdir().unwrap();
    let st = state(dir.path());
    let err = run(&args(&st, &[dir.path().join("nope")])).unwrap_err();
    assert_eq!(err.0, 2);
    let err = run(&args(
        &dir.path().join("missing.db"),
        &[samples().join("delayed.eml")],
    ))
    .unwrap_err();
    assert_eq!(err.0, 3);
    assert!(
        Args::try_parse_from(["ingest-bounces", "--state", "s.db"]).is_err(),
        "PATH is required"
    );
}
