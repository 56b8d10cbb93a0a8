//! The streaming [`Aggregator`] through the public API: pushed one by one or pre-classified
//! with lazily made recipients, with equal findings repeated (merged), and the recipients'
//! notices made in any order (as a parallel renderer does), the notices and dropped findings
//! are those of [`aggregate`] (its thin wrapper); tickets continue from any first ticket.
//!
//! The comparison with an aggregation written independently from the inner steps (grouping by
//! recipient key, the drop rule, the per-recipient merge), which are not public, is a unit test
//! of the crate (`src/aggregate/tests.rs`).

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use notice_render::{
    AggregateOptions, Aggregator, Catalogue, DropReason, Finding, Notice, Pushed, Recipient,
    aggregate,
};
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

#[path = "support/generated_findings.rs"]
mod generated_findings;
use generated_findings::{pairs_of, rows};

/// The ticket `NTC-20261123-NNNNN` with its number moved by `by`.
fn shifted(ticket: &str, by: usize) -> String {
    let (head, n) = ticket.rsplit_once('-').unwrap();
    format!("{head}-{:05}", n.parse::<usize>().unwrap() + by)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    /// Pushed one by one, with tickets from `first`, and made recipient by recipient in reverse
    /// order (as threads may finish): the notices of `aggregate` with every ticket moved by
    /// `first - 1`, each recipient's parts as it said, and the same dropped findings.
    #[test]
    fn push_equals_aggregate(rows in rows(), per_notice in 1usize..6, first in 1usize..50) {
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
        let mut notices: Vec<Notice> = aggregator
            .finish()
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
        let agg = aggregate(&catalogue, pairs.clone(), &options, now()).unwrap();
        prop_assert!(agg.accounts_for_all());
        let want: Vec<Notice> = agg
            .notices
            .iter()
            .map(|n| {
                let mut n = n.clone();
                n.ticket = shifted(&n.ticket, first - 1);
                n
            })
            .collect();
        prop_assert_eq!(&notices, &want);
        let agg_dropped: Vec<(usize, DropReason)> =
            agg.dropped.iter().map(|d| (d.index, d.reason)).collect();
        prop_assert_eq!(dropped, agg_dropped);
    }

    /// Classified before pushing (as a daily run does in parallel), in steps of any size, with
    /// the recipient made only for a recipient's first finding: the notices and dropped
    /// findings of `aggregate`.
    #[test]
    fn classified_in_steps_equals_aggregate(rows in rows(), per_notice in 1usize..6, step in 1usize..20) {
        let catalogue = Catalogue::embedded().unwrap();
        let pairs = pairs_of(&rows, now());
        let options = AggregateOptions::default().with_max_findings_per_notice(per_notice);
        let mut aggregator = Aggregator::new(&catalogue, options.clone(), now()).unwrap();
        let mut made = 0usize;
        let mut dropped = Vec::new();
        let mut index = 0usize;
        for chunk in pairs.chunks(step) {
            let classified: Vec<_> = chunk
                .iter()
                .map(|(f, r)| (catalogue.classify(f).id.as_str(), f.clone(), r))
                .collect();
            for (entry, f, r) in classified {
                let pushed = aggregator.push_classified(entry, f, &r.address, || {
                    made += 1;
                    r.clone()
                });
                if let Pushed::Dropped { reason, .. } = pushed {
                    dropped.push((index, reason));
                }
                index += 1;
            }
        }
        prop_assert_eq!(made, aggregator.recipients());
        let notices: Vec<Notice> = aggregator
            .finish()
            .into_iter()
            .flat_map(|r| r.into_notices())
            .collect();
        let agg = aggregate(&catalogue, pairs, &options, now()).unwrap();
        prop_assert_eq!(notices, agg.notices);
        let agg_dropped: Vec<(usize, DropReason)> =
            agg.dropped.iter().map(|d| (d.index, d.reason)).collect();
        prop_assert_eq!(dropped, agg_dropped);
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
