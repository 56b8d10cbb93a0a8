//! Grouping findings per recipient by hand ([`recipient_key`], [`AggregateOptions::drop_reason`],
//! [`AggregateOptions::notice_parts`], [`recipient_notices`]) gives exactly what [`aggregate`]
//! gives: same notices, tickets, parts, groups and dropped findings.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use notice_render::{
    AggregateOptions, Catalogue, DropReason, Finding, Item, Notice, Recipient, aggregate,
    recipient_key, recipient_notices,
};
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The streaming path, as a large daily run uses it.
fn by_hand(
    catalogue: &Catalogue,
    pairs: &[(Finding, Recipient)],
    options: &AggregateOptions,
) -> (Vec<Notice>, Vec<(usize, DropReason)>) {
    let mut order: Vec<(Recipient, Vec<Item>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut dropped = Vec::new();
    for (i, (f, r)) in pairs.iter().enumerate() {
        if let Some(reason) = options.drop_reason(&r.address, f.observed, now()) {
            dropped.push((i, reason));
            continue;
        }
        let key = recipient_key(&r.address);
        let at = *index.entry(key).or_insert_with(|| {
            order.push((r.clone(), Vec::new()));
            order.len() - 1
        });
        order[at].1.push(Item::new(i, f.clone()));
    }
    let mut notices = Vec::new();
    let mut ticket = 1;
    for (r, items) in order {
        let parts = options.notice_parts(items.len());
        let got = recipient_notices(catalogue, r, items, ticket, options, now()).unwrap();
        assert_eq!(got.len(), parts);
        notices.extend(got);
        ticket += parts;
    }
    (notices, dropped)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn streaming_equals_aggregate(
        rows in proptest::collection::vec(
            (
                0i64..30,
                prop_oneof![Just("a@x.nl"), Just(" A@X.NL "), Just("b@y.nl"), Just(""), Just("bad"), Just("c@z.example")],
                prop_oneof![Just("scan_rdp"), Just("scan_smb"), Just("unknown_type"), Just("scan_http")],
                prop_oneof![Just("nl"), Just("en"), Just("de")],
            ),
            0..60,
        ),
        per_notice in 1usize..6,
    ) {
        let catalogue = Catalogue::embedded().unwrap();
        let pairs: Vec<(Finding, Recipient)> = rows
            .iter()
            .enumerate()
            .map(|(i, (age, addr, kind, lang))| {
                (
                    Finding::new(format!("192.0.2.{i}"), *kind, now() - TimeDelta::days(*age)),
                    Recipient::new(*addr).with_languages([*lang]).with_organisation(format!("Org {i}")),
                )
            })
            .collect();
        let options = AggregateOptions::default().with_max_findings_per_notice(per_notice);
        let want = aggregate(&catalogue, pairs.clone(), &options, now()).unwrap();
        let (notices, dropped) = by_hand(&catalogue, &pairs, &options);
        prop_assert_eq!(&notices, &want.notices);
        let want_dropped: Vec<(usize, DropReason)> = want.dropped.iter().map(|d| (d.index, d.reason)).collect();
        prop_assert_eq!(dropped, want_dropped);
        prop_assert_eq!(want.notices.len(), want.notices.iter().map(|n| n.ticket.clone()).collect::<std::collections::BTreeSet<_>>().len());
    }
}

#[test]
fn notice_parts_round_up() {
    let o = AggregateOptions::default().with_max_findings_per_notice(3);
    assert_eq!(
        (0..8).map(|n| o.notice_parts(n)).collect::<Vec<_>>(),
        [0, 1, 1, 1, 2, 2, 2, 3]
    );
}

#[test]
fn tickets_continue_from_first_ticket() {
    let catalogue = Catalogue::embedded().unwrap();
    let o = AggregateOptions::default().with_max_findings_per_notice(2);
    let items = (0..5)
        .map(|i| Item::new(i, Finding::new(format!("192.0.2.{i}"), "scan_rdp", now())))
        .collect();
    let got = recipient_notices(
        &catalogue,
        Recipient::new(" abuse@example.nl "),
        items,
        41,
        &o,
        now(),
    )
    .unwrap();
    let tickets: Vec<&str> = got.iter().map(|n| n.ticket.as_str()).collect();
    assert_eq!(
        tickets,
        [
            "NTC-20261123-00041",
            "NTC-20261123-00042",
            "NTC-20261123-00043"
        ]
    );
    assert_eq!(got[2].part, (3, 3));
    assert_eq!(got[0].recipient.address, "abuse@example.nl");
    let no_items = |options: &AggregateOptions| {
        recipient_notices(
            &catalogue,
            Recipient::new("a@b.c"),
            Vec::new(),
            1,
            options,
            now(),
        )
    };
    assert!(no_items(&o).unwrap().is_empty());
    let bad = AggregateOptions::default().with_ticket_prefix("no spaces");
    assert!(no_items(&bad).is_err());
}
