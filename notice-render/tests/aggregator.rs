//! The streaming [`Aggregator`] against an aggregation written independently here (findings
//! grouped by hand and each recipient's notices made by [`recipient_notices`]): pushed one by
//! one or pre-classified with lazily made recipients, with equal findings repeated (merged),
//! tickets numbered from any first ticket, and the recipients' notices made in any order (as a
//! parallel renderer does), the notices are the same; and [`aggregate`] (its thin wrapper)
//! gives them too.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use notice_render::{
    AggregateOptions, Aggregator, Catalogue, DropReason, Finding, Item, Notice, Pushed, Recipient,
    aggregate, recipient_key, recipient_notices,
};
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The reference: grouping by recipient key written out here, tickets numbered from `first`.
fn reference(
    catalogue: &Catalogue,
    pairs: &[(Finding, Recipient)],
    options: &AggregateOptions,
    first: usize,
) -> (Vec<Notice>, Vec<(usize, DropReason)>) {
    let mut order: Vec<(Recipient, Vec<Item>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut dropped = Vec::new();
    for (i, (f, r)) in pairs.iter().enumerate() {
        if let Some(reason) = options.drop_reason(&r.address, f.observed, now()) {
            dropped.push((i, reason));
            continue;
        }
        let at = *index.entry(recipient_key(&r.address)).or_insert_with(|| {
            order.push((r.clone(), Vec::new()));
            order.len() - 1
        });
        order[at].1.push(Item::new(i, f.clone()));
    }
    let mut notices = Vec::new();
    let mut ticket = first;
    for (r, items) in order {
        // Tickets per notice made (equal findings merged first, so not per item given).
        let made = recipient_notices(catalogue, r, items, ticket, options, now()).unwrap();
        ticket += made.len();
        notices.extend(made);
    }
    (notices, dropped)
}

fn pairs_of(rows: &[(i64, &str, &str, &str, u8)]) -> Vec<(Finding, Recipient)> {
    rows.iter()
        .enumerate()
        .map(|(i, (age, addr, kind, lang, host))| {
            (
                // Few distinct addresses and ports: equal findings repeat and merge.
                Finding::new(
                    format!("192.0.2.{host}"),
                    *kind,
                    now() - TimeDelta::days(*age),
                )
                .with_port(3389 + u16::from(*host % 2)),
                Recipient::new(*addr)
                    .with_languages([*lang])
                    .with_organisation(format!("Org {i}")),
            )
        })
        .collect()
}

fn rows() -> impl Strategy<Value = Vec<(i64, &'static str, &'static str, &'static str, u8)>> {
    proptest::collection::vec(
        (
            0i64..30,
            prop_oneof![
                Just("a@x.nl"),
                Just(" A@X.NL "),
                Just("b@y.nl"),
                Just(""),
                Just("bad"),
                Just("c@z.example")
            ],
            prop_oneof![
                Just("scan_rdp"),
                Just("scan_smb"),
                Just("unknown_type"),
                Just("accessible-rdp")
            ],
            prop_oneof![Just("nl"), Just("en"), Just("de")],
            0u8..6,
        ),
        0..80,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    /// Pushed one by one, the notices and dropped findings are the reference's and
    /// `aggregate`'s; made recipient by recipient in reverse order (as threads may finish),
    /// they are the same set of notices with the same tickets.
    #[test]
    fn push_equals_reference_and_aggregate(rows in rows(), per_notice in 1usize..6, first in 1usize..50) {
        let catalogue = Catalogue::embedded().unwrap();
        let pairs = pairs_of(&rows);
        let options = AggregateOptions::default().with_max_findings_per_notice(per_notice);
        let mut aggregator = Aggregator::new(&catalogue, options.clone(), now())
            .unwrap()
            .with_first_ticket(first);
        let mut dropped = Vec::new();
        for (f, r) in pairs.clone() {
            if let Some(d) = aggregator.push(f, r) {
                dropped.push((d.index, d.reason));
            }
        }
        prop_assert_eq!(aggregator.input_count(), pairs.len());
        prop_assert_eq!(aggregator.dropped(), dropped.len());
        let recipients = aggregator.finish();
        let mut notices: Vec<Notice> = recipients
            .into_iter()
            .rev()
            .flat_map(|r| {
                let parts = r.notice_parts();
                let n = r.into_notices();
                assert_eq!(n.len(), parts);
                n
            })
            .collect();
        notices.sort_by(|a, b| a.ticket.cmp(&b.ticket));
        let (want, want_dropped) = reference(&catalogue, &pairs, &options, first);
        prop_assert_eq!(&notices, &want);
        prop_assert_eq!(&dropped, &want_dropped);
        if first == 1 {
            let agg = aggregate(&catalogue, pairs.clone(), &options, now()).unwrap();
            prop_assert_eq!(&agg.notices, &want);
            let agg_dropped: Vec<_> = agg.dropped.iter().map(|d| (d.index, d.reason)).collect();
            prop_assert_eq!(agg_dropped, want_dropped);
            prop_assert!(agg.accounts_for_all());
        }
    }

    /// Classified before pushing (as a daily run does in parallel), in steps of any size, with
    /// the recipient made only for a recipient's first finding: the same notices.
    #[test]
    fn classified_in_steps_equals_reference(rows in rows(), per_notice in 1usize..6, step in 1usize..20) {
        let catalogue = Catalogue::embedded().unwrap();
        let pairs = pairs_of(&rows);
        let options = AggregateOptions::default().with_max_findings_per_notice(per_notice);
        let mut aggregator = Aggregator::new(&catalogue, options.clone(), now()).unwrap();
        let mut made = 0usize;
        for chunk in pairs.chunks(step) {
            let classified: Vec<_> = chunk
                .iter()
                .map(|(f, r)| (catalogue.classify(f).id.as_str(), f.clone(), r))
                .collect();
            for (entry, f, r) in classified {
                let want = options.drop_reason(&r.address, f.observed, now());
                let pushed = aggregator.push_classified(entry, f, &r.address, || {
                    made += 1;
                    r.clone()
                });
                let got = match pushed {
                    Pushed::Dropped { reason, .. } => Some(reason),
                    _ => None,
                };
                prop_assert_eq!(got, want);
            }
        }
        prop_assert_eq!(made, aggregator.recipients());
        let notices: Vec<Notice> = aggregator
            .finish()
            .into_iter()
            .flat_map(|r| r.into_notices())
            .collect();
        let (want, _) = reference(&catalogue, &pairs, &options, 1);
        prop_assert_eq!(notices, want);
    }
}

#[test]
fn invalid_options_are_refused() {
    let catalogue = Catalogue::embedded().unwrap();
    for bad in [
        AggregateOptions::default().with_ticket_prefix("no spaces"),
        AggregateOptions::default().with_max_findings_per_notice(0),
        AggregateOptions::default().with_max_age(TimeDelta::days(-1)),
    ] {
        assert!(Aggregator::new(&catalogue, bad, now()).is_err());
    }
}

/// A recipient's later findings merge into its first and its recipient stays the first one
/// given (organisation and languages), whatever the case and spacing of the address.
#[test]
fn first_recipient_wins_and_equal_findings_merge() {
    let catalogue = Catalogue::embedded().unwrap();
    let mut aggregator = Aggregator::new(&catalogue, AggregateOptions::default(), now()).unwrap();
    let seen = now() - TimeDelta::hours(5);
    let f = || Finding::new("198.51.100.7", "scan_rdp", seen).with_port(3389);
    assert!(
        aggregator
            .push(
                f(),
                Recipient::new("soc@example.nl")
                    .with_organisation("First")
                    .with_languages(["nl"]),
            )
            .is_none()
    );
    assert!(
        aggregator
            .push(
                f().with_observed(Some(seen + TimeDelta::hours(1))),
                Recipient::new(" SOC@example.NL ").with_organisation("Second"),
            )
            .is_none()
    );
    let dropped = aggregator.push(f(), Recipient::new("not an address"));
    assert_eq!(
        dropped.map(|d| (d.index, d.reason)),
        Some((2, DropReason::InvalidRecipient))
    );
    assert_eq!(aggregator.recipients(), 1);
    let recipients = aggregator.finish();
    assert_eq!(recipients.len(), 1);
    assert_eq!(recipients[0].len(), 1);
    assert_eq!(recipients[0].first_ticket(), 1);
    assert_eq!(recipients[0].recipient().organisation, "First");
    let notices: Vec<Notice> = recipients
        .into_iter()
        .flat_map(|r| r.into_notices())
        .collect();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].ticket, "NTC-20261123-00001");
    assert_eq!(notices[0].language, notice_render::Language::Nl);
    let item = &notices[0].groups[0].items[0];
    assert_eq!(item.count, 2);
    assert_eq!(item.last_seen, Some(seen + TimeDelta::hours(1)));
}

// Grouping findings per recipient by hand (`recipient_key`, `drop_reason`, `notice_parts`,
// `recipient_notices`, as `reference` does) gives exactly what `aggregate` gives, with tickets
// from 1 and each ticket once.
proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn grouping_by_hand_equals_aggregate(
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
        let (notices, dropped) = reference(&catalogue, &pairs, &options, 1);
        // Every finding here has its own address, so none merge: each recipient's notices are
        // `notice_parts` of its findings.
        let mut per_recipient: HashMap<String, usize> = HashMap::new();
        for (i, (_, r)) in pairs.iter().enumerate() {
            if !dropped.iter().any(|(d, _)| *d == i) {
                *per_recipient.entry(recipient_key(&r.address)).or_default() += 1;
            }
        }
        let parts: usize = per_recipient.values().map(|n| options.notice_parts(*n)).sum();
        prop_assert_eq!(notices.len(), parts);
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
