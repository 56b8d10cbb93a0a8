//! Batch: N findings in = N decisions out, in input order, whatever the rows hold (malformed
//! rows, duplicates, blank fields), against a snapshot loaded from files.

use std::fs;
use std::path::Path;

use chrono::{DateTime, Utc};
use ip_attribution::{Outcome, Policy, Snapshot, decide_all, read_feed};
use proptest::prelude::*;

/// A fresh temporary folder (removed when dropped).
fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("ip-attribution-batch-")
        .tempdir()
        .expect("temp dir")
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

const REGISTRY: &str = "\
inetnum:        192.0.2.0 - 192.0.2.255
netname:        EXAMPLE-NET
org:            ORG-EX1-TEST
status:         ALLOCATED PA
source:         TEST

organisation:   ORG-EX1-TEST
org-name:       Example Net B.V.
org-type:       LIR
abuse-c:        EX1-TEST
source:         TEST

role:           Example Abuse
nic-hdl:        EX1-TEST
abuse-mailbox:  abuse@example-net.example
source:         TEST
";

fn snapshot(dir: &Path) -> Snapshot {
    let reg = dir.join("registry");
    fs::create_dir_all(&reg).expect("registry dir");
    fs::write(reg.join("test.db"), REGISTRY).expect("registry file");
    let (snap, report) = Snapshot::load(dir).expect("snapshot loads");
    assert_eq!(report.problem_count, 0, "{:?}", report.problems);
    snap
}

const HEADER: &str = "\"timestamp\",\"ip\",\"port\",\"tag\"";

#[test]
fn malformed_rows_and_duplicates_each_get_one_decision() {
    let dir = temp_dir();
    let snap = snapshot(dir.path());
    let text = format!(
        "{HEADER}\n\
         \"2026-11-22 00:00:01\",\"192.0.2.1\",3389,\"rdp\"\n\
         \"2026-11-22 00:00:01\",\"192.0.2.1\",3389,\"rdp\"\n\
         \"2026-11-22 00:00:02\",\"192.0.2.999\",3389,\"rdp\"\n\
         \"2026-11-22 00:00:03\",\"198.51.100.1\",3389\n\
         \n\
         \"2026-11-22 00:00:04\",\"198.51.100.1\",3389,\"rdp\"\n\
         \"2026-11-22 00:00:05\",\"\",3389,\"rdp\"\n"
    );
    let findings = read_feed("2026-11-22-scan_rdp-test.csv", text.as_bytes()).expect("feed");
    assert_eq!(findings.len(), 6);
    let decisions = decide_all(&findings, &snap, &Policy::default(), now());
    assert_eq!(decisions.len(), findings.len());
    let lines: Vec<usize> = findings.iter().map(|f| f.line).collect();
    assert_eq!(lines, [2, 3, 4, 5, 7, 8]);
    let outcomes: Vec<Outcome> = decisions.iter().map(|d| d.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::NetworkOwner,
            Outcome::NetworkOwner,
            Outcome::Unattributed,
            Outcome::Unattributed,
            Outcome::Unattributed,
            Outcome::Unattributed,
        ]
    );
    assert_eq!(decisions[0], decisions[1]);
    assert_eq!(
        decisions[0].recipient().map(|r| r.address.as_str()),
        Some("abuse@example-net.example")
    );
    assert!(decisions[2].reason.starts_with("malformed-input"));
    assert!(
        decisions[2]
            .reason
            .contains("2026-11-22-scan_rdp-test.csv:4")
    );
    assert!(decisions[3].reason.contains(":5:"));
    // 198.51.100.1 is covered by nothing: unattributed, but not malformed.
    assert!(decisions[4].reason.starts_with("no-data"));
}

/// Found by the property test below: a stray quote in one row must not swallow the next row.
#[test]
fn a_stray_quote_does_not_swallow_the_next_row() {
    let dir = temp_dir();
    let snap = snapshot(dir.path());
    let text =
        format!("{HEADER}\n;\"\"\",\"\n\"2026-11-22 00:00:00\",\"192.0.2.0\",3389,\"rdp\"\n");
    let findings = read_feed("2026-11-22-scan_rdp-test.csv", text.as_bytes()).expect("feed");
    assert_eq!(findings.len(), 2);
    let decisions = decide_all(&findings, &snap, &Policy::default(), now());
    assert_eq!(decisions.len(), 2);
    assert!(decisions[0].reason.starts_with("malformed-input"));
    assert_eq!(findings[1].line, 3);
    assert_eq!(decisions[1].outcome, Outcome::NetworkOwner);
}

fn row_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u8..=255).prop_map(|o| format!("\"2026-11-22 00:00:00\",\"192.0.2.{o}\",3389,\"rdp\"")),
        (0u8..=255).prop_map(|o| format!("\"2026-11-22 00:00:00\",\"198.51.100.{o}\",80,\"a;b\"")),
        Just("\"2026-11-22 00:00:00\",\"2001:db8::1\",3389,\"rdp\"".to_owned()),
        Just("\"2026-11-22 00:00:00\",\"not-an-ip\",3389,\"rdp\"".to_owned()),
        Just("\"2026-11-22 00:00:00\",\"192.0.2.1\"".to_owned()),
        Just("\"2026-11-22 00:00:00\",\"192.0.2.1\",99999,\"rdp\"".to_owned()),
        Just("\"bad\"junk,\"192.0.2.1\",1,\"x\"".to_owned()),
        "[a-z0-9,\";]{1,40}".prop_map(|s| s.replace('\n', " ")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Every non-blank data line becomes exactly one finding and one decision, in order.
    #[test]
    fn n_rows_in_n_decisions_out(rows in proptest::collection::vec(row_strategy(), 0..40)) {
        let dir = temp_dir();
        let snap = snapshot(dir.path());
        let mut text = String::from(HEADER);
        text.push('\n');
        for r in &rows {
            text.push_str(r);
            text.push('\n');
        }
        let findings = read_feed("scan_rdp.csv", text.as_bytes()).expect("feed");
        // A stray quote may join lines into one record; count records, never more than rows.
        prop_assert!(findings.len() <= rows.len());
        let unquoted = rows.iter().all(|r| !r.contains('"') || r.matches('"').count() % 2 == 0);
        if unquoted {
            prop_assert_eq!(findings.len(), rows.iter().filter(|r| !r.trim().is_empty()).count());
        }
        let decisions = decide_all(&findings, &snap, &Policy::default(), now());
        prop_assert_eq!(decisions.len(), findings.len());
        for w in findings.windows(2) {
            prop_assert!(w[0].line < w[1].line);
        }
        for (f, d) in findings.iter().zip(&decisions) {
            if f.problem.is_some() {
                prop_assert_eq!(d.outcome, Outcome::Unattributed);
                prop_assert!(d.reason.starts_with("malformed-input"));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// The decision stream (`decide_in_steps`) hands every finding over once, in input order,
    /// steps in order and at the right offsets, each with the decision `decide_all` gives,
    /// whatever the step size; an error from the caller stops it at that step.
    #[test]
    fn decision_stream_equals_decide_all(
        rows in proptest::collection::vec((0u8..4, 0u8..3), 0..40),
        step in 1usize..9,
        stop_at in proptest::option::of(0usize..6),
    ) {
        use ip_attribution::decide_in_steps;
        let dir = temp_dir();
        let snap = snapshot(dir.path());
        let mut csv = format!("{HEADER}\n");
        for (host, kind) in &rows {
            let ip = match kind {
                0 => format!("192.0.2.{host}"),
                1 => format!("198.51.100.{host}"),
                _ => "not-an-address".to_owned(),
            };
            csv.push_str(&format!("\"2026-11-22 01:00:00\",\"{ip}\",\"3389\",\"\"\n"));
        }
        let findings = read_feed("scan_rdp.csv", csv.as_bytes()).expect("feed");
        let policy = Policy::default();
        let want: Vec<_> = decide_all(&findings, &snap, &policy, now());
        let mut got = Vec::new();
        let mut steps = Vec::new();
        let result = decide_in_steps(&findings, &snap, &policy, now(), step, |s| {
            if Some(s.number) == stop_at {
                return Err(s.number);
            }
            steps.push((s.number, s.offset, s.findings.len()));
            for f in s.findings {
                got.push(s.decisions.get(f).into_owned());
            }
            Ok(())
        });
        let n_steps = findings.len().div_ceil(step);
        match stop_at.filter(|&s| s < n_steps) {
            Some(s) => {
                prop_assert_eq!(result, Err(s));
                prop_assert_eq!(steps.len(), s);
                prop_assert_eq!(&got[..], &want[..(s * step).min(want.len())]);
            }
            None => {
                prop_assert!(result.is_ok());
                prop_assert_eq!(&got, &want);
                let expected: Vec<_> = (0..n_steps)
                    .map(|i| (i, i * step, step.min(findings.len() - i * step)))
                    .collect();
                prop_assert_eq!(steps, expected);
            }
        }
    }
}
