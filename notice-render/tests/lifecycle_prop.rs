//! Property: over any sequence of days, sends and bounces, against the SQLite store in a
//! temporary file, no finding is lost (every finding of every day gets exactly one notice
//! value, a queued one is covered by a stored notice, a repeat names a stored notice to the
//! same recipient that was not refused) and no notice is sent twice.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use notice_render::lifecycle::sqlite::{OpenOptions, SqliteStore};
use notice_render::lifecycle::{
    BounceRecord, CoveredFinding, DayFinding, HardBounce, History, NewNotice, NoticeValue, Phase,
    PolicyOptions, SmtpAnswer, Status, Store, after_answer, decide,
};
use proptest::prelude::*;

const ADDRESSES: [&str; 4] = ["a@x.nl", "b@x.nl", "abuse@isp.nl", "noc@isp.nl"];

#[derive(Debug, Clone)]
enum Step {
    /// A day with these findings (index into the pool).
    Day(Vec<usize>),
    /// A send run: the server's answer per pending notice, cycled.
    Send(Vec<u8>),
    /// A DSN hard bounce for an address.
    Bounce(usize),
    /// Time passes (days).
    Wait(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => prop::collection::vec(0usize..8, 0..8).prop_map(Step::Day),
        3 => prop::collection::vec(0u8..5, 1..6).prop_map(Step::Send),
        1 => (0usize..4).prop_map(Step::Bounce),
        2 => (1u8..10).prop_map(Step::Wait),
    ]
}

/// The pool: (ip, entry, ranked recipients).
fn pool(i: usize) -> DayFinding {
    let ip = format!("192.0.2.{}", i % 4);
    let entry = if i < 4 { "exposed-rdp" } else { "open-smb" };
    let ranked: Vec<&str> = match i % 3 {
        0 => vec![ADDRESSES[0], ADDRESSES[2]],
        1 => vec![ADDRESSES[1], ADDRESSES[3], ADDRESSES[2]],
        _ => vec![ADDRESSES[2]],
    };
    DayFinding::new(ip, entry, ranked)
}

fn answer(code: u8) -> SmtpAnswer {
    match code {
        0 | 1 => SmtpAnswer::Accepted {
            reply: "250 ok".into(),
        },
        2 => SmtpAnswer::Refused {
            phase: Phase::Rcpt,
            code: 451,
            reply: "later".into(),
        },
        3 => SmtpAnswer::Refused {
            phase: Phase::Rcpt,
            code: 550,
            reply: "unknown".into(),
        },
        _ => SmtpAnswer::NoAnswer {
            phase: Phase::Data,
            reason: "connection reset".into(),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_finding_lost_no_notice_sent_twice(steps in prop::collection::vec(step(), 1..24)) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("state.db"), OpenOptions::create()).unwrap();
        let mut now: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 1, 1, 6, 0, 0).unwrap();
        let options = PolicyOptions::default();
        let mut delivered: HashMap<String, usize> = HashMap::new();
        let mut refused: HashSet<String> = HashSet::new();
        let mut run = 0u32;
        for s in steps {
            match s {
                Step::Wait(d) => now += TimeDelta::days(i64::from(d)),
                Step::Bounce(a) => {
                    let b = HardBounce::new(ADDRESSES[a], now, "5.1.1", None);
                    store.record_bounces(&[BounceRecord::hard(b, "dsn")]).unwrap();
                }
                Step::Day(ids) => {
                    run += 1;
                    let day: Vec<DayFinding> = ids.iter().map(|&i| pool(i)).collect();
                    let keys: Vec<(String, String)> =
                        day.iter().map(|f| (f.ip.clone(), f.entry.clone())).collect();
                    let history = History::new()
                        .with_notices(store.recent_notices(&keys, now - options.repeat_after).unwrap())
                        .with_acknowledgements(store.acknowledgements(Some(now)).unwrap())
                        .with_bounces(store.hard_bounces().unwrap());
                    let bounced: HashSet<String> =
                        store.hard_bounces().unwrap().into_iter().map(|b| b.address).collect();
                    let mut groups: Vec<(String, Vec<(usize, &DayFinding)>)> = Vec::new();
                    let mut decided = Vec::new();
                    for (i, f) in day.iter().enumerate() {
                        let d = decide(f, &history, now, &options);
                        match d.notice {
                            NoticeValue::Queued => {
                                let r = d.recipient.clone().unwrap();
                                prop_assert!(!bounced.contains(&r), "queued to a bounced address");
                                match groups.iter_mut().find(|(a, _)| *a == r) {
                                    Some((_, v)) => v.push((i, f)),
                                    None => groups.push((r, vec![(i, f)])),
                                }
                            }
                            NoticeValue::Repeat => {
                                let t = d.ticket.clone().unwrap();
                                let n = store.notice(&t).unwrap();
                                prop_assert!(n.is_some(), "repeat names a ticket that is not stored");
                                let n = n.unwrap();
                                prop_assert_ne!(n.status, Status::Failed);
                                prop_assert_eq!(Some(n.recipient), d.recipient.clone());
                            }
                            NoticeValue::None => {
                                prop_assert!(f.recipients.iter().all(|r| bounced.contains(r)),
                                    "none although a recipient is deliverable");
                            }
                            NoticeValue::Acknowledged => prop_assert!(false, "no acknowledgements here"),
                            _ => prop_assert!(false, "unknown notice value"),
                        }
                        decided.push(d.notice);
                    }
                    prop_assert_eq!(decided.len(), day.len());
                    let prefix = format!("NTC-{}-", now.format("%Y%m%d"));
                    let first = store.next_ticket_number(&prefix).unwrap();
                    let mut queue = Vec::new();
                    for (next, (r, items)) in (first..).zip(&groups) {
                        let ticket = format!("{prefix}{next:05}");
                        let covered = items
                            .iter()
                            .map(|(i, f)| CoveredFinding::new("f.csv", *i as u64 + 1, f.ip.clone(), None, "scan", f.entry.clone()))
                            .collect();
                        let msg = format!("Message-ID: <{ticket}@n.example>\r\n\r\nrun {run}\r\n");
                        queue.push(NewNotice::new(ticket, r.clone(), now, msg.into_bytes(), covered));
                    }
                    store.queue(&queue).unwrap();
                    // Every queued finding is covered by exactly one stored notice of today.
                    for n in &queue {
                        prop_assert_eq!(store.notice(&n.ticket).unwrap().unwrap().status, Status::Pending);
                    }
                    let covered: usize = queue.iter().map(|n| n.findings.len()).sum();
                    prop_assert_eq!(covered, decided.iter().filter(|v| **v == NoticeValue::Queued).count());
                }
                Step::Send(codes) => {
                    let pending = store.notices(Status::Pending).unwrap();
                    for (k, n) in pending.iter().enumerate() {
                        let a = answer(codes[k % codes.len()]);
                        if matches!(a, SmtpAnswer::Accepted { .. }) {
                            *delivered.entry(n.ticket.clone()).or_default() += 1;
                        }
                        if matches!(a, SmtpAnswer::Refused { code: 550, .. }) {
                            refused.insert(n.ticket.clone());
                        }
                        let t = after_answer(&n.recipient, &n.ticket, n.attempts, &a, now, TimeDelta::seconds(1));
                        store.apply(&n.ticket, &t).unwrap();
                    }
                }
            }
        }
        // No notice was sent twice; every notice is in exactly one state, and the states
        // agree with what the server did.
        for (t, times) in &delivered {
            prop_assert_eq!(*times, 1, "{} sent {} times", t, times);
        }
        let sent: HashSet<String> = store.notices(Status::Sent).unwrap().into_iter().map(|n| n.ticket).collect();
        let failed: HashSet<String> = store.notices(Status::Failed).unwrap().into_iter().map(|n| n.ticket).collect();
        let pending: HashSet<String> = store.notices(Status::Pending).unwrap().into_iter().map(|n| n.ticket).collect();
        prop_assert_eq!(&sent, &delivered.keys().cloned().collect::<HashSet<_>>());
        prop_assert_eq!(&failed, &refused);
        prop_assert!(sent.is_disjoint(&pending) && failed.is_disjoint(&pending) && sent.is_disjoint(&failed));
    }
}
