//! Equal findings merged before notices (issue case 4) and observations shown as observed
//! (case 6): one line per (address, port, problem) with how many times and first/last seen;
//! one exposure from two feed formats is one problem; IntelMQ events map by
//! `classification.identifier` alone; a missing time reads "time unknown". (How the merge
//! itself is held and searched is a unit test of the crate, `src/aggregate/tests.rs`.)

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use notice_render::{
    AggregateOptions, Catalogue, Classification, Finding, Recipient, RenderOptions, Renderer,
    aggregate,
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

fn renderer() -> Renderer {
    Renderer::embedded(RenderOptions::new(
        "Test",
        "n@notify.example",
        "notify.example",
    ))
    .expect("renderer")
}

#[test]
fn an_intelmq_event_maps_by_its_identifier_alone() {
    let c = Catalogue::embedded().expect("catalogue");
    let event = Finding::new("192.0.2.5", "accessible-rdp", now())
        .with_classification(Classification::new("", "", "accessible-rdp"));
    assert_eq!(c.classify(&event).id, "exposed-rdp");
    // Without any concrete part matched, a pattern does not match.
    let other = Finding::new("192.0.2.5", "something", now())
        .with_classification(Classification::new("", "", "something-else"));
    assert_eq!(c.classify(&other).id, c.fallback().id);
}

#[test]
fn repeats_and_two_formats_are_one_problem_with_count_and_first_last_seen() {
    let r = renderer();
    let to = Recipient::new("security@example.nl");
    let t0 = now() - TimeDelta::hours(20);
    let mut pairs = Vec::new();
    // The same host and port every hour, from the Shadowserver report...
    for h in 0..10 {
        let f = Finding::new("192.0.2.5", "scan_rdp", t0 + TimeDelta::hours(h)).with_port(3389);
        pairs.push((f, to.clone()));
    }
    // ...and once from an IntelMQ event without taxonomy.
    let event = Finding::new("192.0.2.5", "accessible-rdp", t0 + TimeDelta::hours(15))
        .with_port(3389)
        .with_classification(Classification::new("", "", "accessible-rdp"));
    pairs.push((event, to.clone()));
    // Another port of the same host is another finding.
    pairs.push((
        Finding::new("192.0.2.5", "scan_rdp", t0).with_port(3390),
        to.clone(),
    ));
    let agg =
        aggregate(r.catalogue(), pairs, &AggregateOptions::default(), now()).expect("aggregate");
    assert!(agg.accounts_for_all());
    assert_eq!(agg.notices.len(), 1);
    let n = &agg.notices[0];
    assert_eq!(n.groups.len(), 1);
    assert_eq!(n.finding_count(), 2);
    assert_eq!(n.observation_count(), 12);
    let item = &n.groups[0].items[0];
    assert_eq!(item.count, 11);
    assert_eq!(item.first_seen, Some(t0));
    assert_eq!(item.last_seen, Some(t0 + TimeDelta::hours(15)));
    let text = r.text(n, now()).expect("text");
    assert!(text.contains("We found 2 security problems"), "{text}");
    assert!(
        text.contains("seen 11 times, first 2026-11-22 04:00 UTC, last 2026-11-22 19:00 UTC"),
        "{text}"
    );
}

#[test]
fn a_missing_time_is_time_unknown_never_now() {
    let r = renderer();
    let f = Finding::new("192.0.2.6", "scan_smb", now())
        .with_port(445)
        .with_observed(None);
    let agg = aggregate(
        r.catalogue(),
        [(
            f,
            Recipient::new("security@example.nl").with_languages(["en"]),
        )],
        &AggregateOptions::default(),
        now(),
    )
    .expect("aggregate");
    assert!(agg.accounts_for_all());
    let text = r.text(&agg.notices[0], now()).expect("text");
    assert!(text.contains("seen time unknown"), "{text}");
    assert!(!text.contains("2026-11-23 00:00"), "{text}");
}
