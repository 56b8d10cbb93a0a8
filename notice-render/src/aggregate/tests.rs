//! The aggregation's inner steps, which are not public: the streaming [`Aggregator`] against
//! an aggregation written independently here (findings grouped by hand by [`recipient_key`],
//! dropped by [`AggregateOptions::drop_reason`], each recipient's notices made from its
//! [`MergedItems`]): pushed one by one or pre-classified with lazily made recipients, with
//! equal findings repeated (merged), tickets numbered from any first ticket, and the
//! recipients' notices made in any order (as a parallel renderer does), the notices are the
//! same; and [`aggregate`] (its thin wrapper) gives them too. And [`MergedItems`] merges as a
//! plain search of every earlier item does, below and above its hash index threshold.
//!
//! What can be tested through the public API is in `tests/aggregator.rs`, `tests/aggregate.rs`
//! and `tests/merge.rs`.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;

use super::{
    AggregateOptions, Aggregator, DropReason, Item, MergedItems, Notice, Pushed, aggregate,
    merged_notices, recipient_key,
};
use crate::catalogue::Catalogue;
use crate::error::Result;
use crate::finding::{Finding, Recipient};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The notices of one recipient from its kept findings (`items`, in input order), tickets
/// numbered from `first_ticket`: each finding classified and merged into a fresh
/// [`MergedItems`], then made into notices as [`super::RecipientFindings::into_notices`] does.
fn recipient_notices(
    catalogue: &Catalogue,
    recipient: Recipient,
    items: Vec<Item>,
    first_ticket: usize,
    options: &AggregateOptions,
    now: DateTime<Utc>,
) -> Result<Vec<Notice>> {
    options.validate()?;
    let mut merged = MergedItems::new();
    for item in items {
        let entry = catalogue.classify(&item.finding).id.as_str();
        merged.push(entry, item);
    }
    Ok(merged_notices(
        recipient,
        merged,
        first_ticket,
        options,
        now,
    ))
}

/// The items of `merged`, in the order their first finding came.
fn items_of(merged: MergedItems) -> Vec<Item> {
    merged.into_slots().1.map(|(_, i)| i).collect()
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

#[path = "../../tests/support/generated_findings.rs"]
mod generated_findings;
use generated_findings::{pairs_of, rows};

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    /// Pushed one by one, the notices and dropped findings are the reference's and
    /// `aggregate`'s; made recipient by recipient in reverse order (as threads may finish),
    /// they are the same set of notices with the same tickets.
    #[test]
    fn push_equals_reference_and_aggregate(rows in rows(), per_notice in 1usize..6, first in 1usize..50) {
        let catalogue = Catalogue::embedded().unwrap();
        let pairs = pairs_of(&rows, now());
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
        let pairs = pairs_of(&rows, now());
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
                    Pushed::Kept => None,
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
        prop_assert_eq!(want.notices.len(), want.notices.iter().map(|n| n.ticket.clone()).collect::<BTreeSet<_>>().len());
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

#[test]
fn drop_reason_by_address_then_age() {
    let o = AggregateOptions::default().with_max_age(TimeDelta::days(2));
    let old = Some(now() - TimeDelta::days(3));
    let fresh = Some(now() - TimeDelta::days(1));
    assert_eq!(
        o.drop_reason("bad", old, now()),
        Some(DropReason::InvalidRecipient)
    );
    assert_eq!(
        o.drop_reason(" a@x.nl ", old, now()),
        Some(DropReason::TooOld)
    );
    assert_eq!(o.drop_reason(" a@x.nl ", fresh, now()), None);
    // A finding whose time is unknown is never too old.
    assert_eq!(o.drop_reason("a@x.nl", None, now()), None);
    assert_eq!(recipient_key("  Abuse@Example.NL\t"), "abuse@example.nl");
}

/// [`Item::merge`]: counts add up, first and last seen widen over known times, and the
/// finding shown is the earlier one in the input.
#[test]
fn item_merge_keeps_the_earlier_finding() {
    let t = now() - TimeDelta::hours(10);
    let mut later = Item::new(
        7,
        Finding::new("192.0.2.1", "scan_rdp", t).with_tag("later"),
    );
    later.merge(Item::new(
        9,
        Finding::new("192.0.2.1", "scan_rdp", t).with_observed(None),
    ));
    assert_eq!(later.count, 2);
    assert_eq!((later.first_seen, later.last_seen), (Some(t), Some(t)));
    later.merge(Item::new(
        3,
        Finding::new("192.0.2.1", "scan_rdp", t + TimeDelta::hours(2)).with_tag("earlier"),
    ));
    assert_eq!(later.count, 3);
    assert_eq!(later.index, 3);
    assert_eq!(later.finding.tags, ["earlier"]);
    assert_eq!(later.first_seen, Some(t));
    assert_eq!(later.last_seen, Some(t + TimeDelta::hours(2)));
}

/// `MergedItems` searches a recipient's first items in place and indexes them by hash from
/// `MergedItems::INDEX_FROM` on (a daily run holds one per recipient, so the small case is
/// kept small): below, at and far above that threshold it merges exactly as a plain search of
/// every earlier item does.
mod merged_items {
    use super::{Finding, Item, MergedItems, items_of, now};
    use chrono::TimeDelta;
    use proptest::prelude::*;

    /// (entry, ip, port, index, count, largest age, smallest age) of one expected item.
    type Expected = (String, String, Option<u16>, usize, u64, i64, i64);

    /// The items a plain search gives: (entry, ip, port) → index, count, first and last seen.
    fn model(input: &[(usize, u8, u16, i64)]) -> Vec<Expected> {
        let mut out: Vec<Expected> = Vec::new();
        for (index, (entry, ip, port, age)) in input.iter().enumerate() {
            let e = format!("entry-{entry}");
            let ip = format!("192.0.2.{ip}");
            let port = Some(*port);
            match out
                .iter_mut()
                .find(|x| x.0 == e && x.1 == ip && x.2 == port)
            {
                Some(x) => {
                    x.4 += 1;
                    x.5 = x.5.max(*age);
                    x.6 = x.6.min(*age);
                }
                None => out.push((e, ip, port, index, 1, *age, *age)),
            }
        }
        out
    }

    proptest! {
        #[test]
        fn merges_as_a_plain_search(
            input in proptest::collection::vec((0usize..3, 0u8..24, 0u16..3, 0i64..100), 0..200),
        ) {
            let mut merged = MergedItems::new();
            for (index, (entry, ip, port, age)) in input.iter().enumerate() {
                // Addresses with surrounding blanks are the same address.
                let ip = if index % 3 == 0 { format!(" 192.0.2.{ip} ") } else { format!("192.0.2.{ip}") };
                let f = Finding::new(ip, "scan_rdp", now() - TimeDelta::hours(*age)).with_port(*port);
                merged.push(&format!("entry-{entry}"), Item::new(index, f));
            }
            let want = model(&input);
            prop_assert_eq!(merged.len(), want.len());
            let items = items_of(merged);
            prop_assert_eq!(items.len(), want.len());
            for (item, w) in items.iter().zip(&want) {
                prop_assert_eq!(item.finding.ip.trim(), w.1.as_str());
                prop_assert_eq!(item.finding.port, w.2);
                prop_assert_eq!(item.index, w.3);
                prop_assert_eq!(item.count, w.4);
                prop_assert_eq!(item.first_seen, Some(now() - TimeDelta::hours(w.5)));
                prop_assert_eq!(item.last_seen, Some(now() - TimeDelta::hours(w.6)));
            }
        }
    }

    #[test]
    fn many_distinct_items_then_repeats_of_each() {
        let mut merged = MergedItems::new();
        let n = MergedItems::INDEX_FROM * 20;
        for round in 0..3 {
            for i in 0..n {
                let f = Finding::new(format!("10.0.{}.{}", i / 256, i % 256), "scan_rdp", now())
                    .with_port(3389);
                merged.push("exposed-rdp", Item::new(round * n + i, f));
            }
        }
        assert_eq!(merged.len(), n);
        let items = items_of(merged);
        assert!(
            items.iter().all(|i| i.count == 3),
            "every item seen 3 times"
        );
        assert!(items.iter().enumerate().all(|(k, i)| i.index == k));
    }
}
