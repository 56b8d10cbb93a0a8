//! Aggregation: one notice per recipient, grouping, tickets, age cut-off,
//! and that every finding is accounted for.

mod common;

use chrono::TimeDelta;
use common::*;
use notice_render::limits::{MAX_FINDINGS_PER_NOTICE, MAX_TICKET_PREFIX_CHARS};
use notice_render::{
    AggregateOptions, Catalogue, DropReason, Error, ErrorKind, Finding, Language, Recipient,
    aggregate,
};

fn f(ip: &str, report: &str) -> Finding {
    Finding::new(ip, report, at(2025, 3, 4, 1, 0, 0))
}

#[test]
fn one_notice_per_recipient_address_ignoring_case() {
    let c = Catalogue::embedded().unwrap();
    let a = Recipient::new("Security@Example.NL").with_languages(["nl"]);
    let a2 = Recipient::new("security@example.nl").with_languages(["en"]);
    let b = Recipient::new("abuse@provider.example");
    let pairs = vec![
        (f("192.0.2.1", "scan_rdp"), a),
        (f("192.0.2.2", "scan_smb"), b.clone()),
        (f("192.0.2.3", "scan_smb"), a2),
        (f("192.0.2.4", "scan_rdp"), b),
    ];
    let out = aggregate(&c, pairs, &AggregateOptions::default(), now()).unwrap();
    assert_eq!(out.notices.len(), 2);
    let first = &out.notices[0];
    // the first pair of a recipient gives its details
    assert_eq!(first.recipient.address, "Security@Example.NL");
    assert_eq!(first.language, Language::Nl);
    assert_eq!(first.ticket, "NTC-20250305-00001");
    let groups: Vec<(&str, Vec<usize>)> = first
        .groups
        .iter()
        .map(|g| (g.entry.as_str(), g.items.iter().map(|i| i.index).collect()))
        .collect();
    assert_eq!(
        groups,
        vec![("exposed-rdp", vec![0]), ("exposed-smb", vec![2])]
    );
    let second = &out.notices[1];
    assert_eq!(second.ticket, "NTC-20250305-00002");
    assert_eq!(second.language, Language::En);
    assert_eq!(second.finding_count(), 2);
    assert!(out.accounts_for_all());
}

#[test]
fn too_old_findings_are_dropped_and_counted() {
    let c = Catalogue::embedded().unwrap();
    let options = AggregateOptions::default().with_max_age(TimeDelta::days(7));
    let to = recipient("nl");
    let exactly = Finding::new("192.0.2.1", "scan_rdp", now() - TimeDelta::days(7));
    let older = Finding::new(
        "192.0.2.2",
        "scan_rdp",
        now() - TimeDelta::days(7) - TimeDelta::seconds(1),
    );
    let future = Finding::new("192.0.2.3", "scan_rdp", now() + TimeDelta::hours(1));
    let pairs = vec![(exactly, to.clone()), (older, to.clone()), (future, to)];
    let out = aggregate(&c, pairs, &options, now()).unwrap();
    assert_eq!(out.input_count, 3);
    assert_eq!(out.included_count(), 2);
    assert_eq!(out.dropped_count(DropReason::TooOld), 1);
    assert_eq!(out.dropped[0].index, 1);
    assert_eq!(out.dropped[0].finding.ip, "192.0.2.2");
    assert_eq!(DropReason::TooOld.as_str(), "too-old");
    assert!(out.accounts_for_all());
}

#[test]
fn unusable_addresses_are_dropped_and_counted() {
    let c = Catalogue::embedded().unwrap();
    let bad = [
        "",
        "no-at-sign",
        "a@b@c",
        "x@example.nl\r\nBcc: y@example.nl",
        "two words@example.nl",
        "\"q\"@example.nl",
    ];
    let mut pairs: Vec<_> = bad
        .iter()
        .map(|a| (f("192.0.2.1", "scan_rdp"), Recipient::new(*a)))
        .collect();
    pairs.push((
        f("192.0.2.1", "scan_rdp"),
        Recipient::new("  ok@example.nl "),
    ));
    let out = aggregate(&c, pairs, &AggregateOptions::default(), now()).unwrap();
    assert_eq!(out.dropped_count(DropReason::InvalidRecipient), bad.len());
    assert_eq!(out.notices.len(), 1);
    assert_eq!(out.notices[0].recipient.address, "ok@example.nl");
    assert!(out.accounts_for_all());
}

#[test]
fn address_length_cap_just_under_and_over() {
    use notice_render::is_usable_address;
    use notice_render::limits::MAX_ADDRESS_BYTES;
    let domain = "@example.nl";
    let under = format!("{}{domain}", "a".repeat(MAX_ADDRESS_BYTES - domain.len()));
    assert!(is_usable_address(&under));
    let over = format!(
        "{}{domain}",
        "a".repeat(MAX_ADDRESS_BYTES + 1 - domain.len())
    );
    assert!(!is_usable_address(&over));
}

#[test]
fn tickets_are_deterministic_and_use_the_prefix_and_date() {
    let c = Catalogue::embedded().unwrap();
    let pairs = || {
        (0..5).map(|i| {
            (
                f(&format!("192.0.2.{i}"), "scan_rdp"),
                Recipient::new(format!("r{i}@example.nl")),
            )
        })
    };
    let options = AggregateOptions::default().with_ticket_prefix("CERT-NL");
    let a = aggregate(&c, pairs(), &options, now()).unwrap();
    let b = aggregate(&c, pairs(), &options, now()).unwrap();
    assert_eq!(a, b);
    let tickets: Vec<&str> = a.notices.iter().map(|n| n.ticket.as_str()).collect();
    assert_eq!(tickets[0], "CERT-NL-20250305-00001");
    assert_eq!(tickets[4], "CERT-NL-20250305-00005");
}

#[test]
fn ticket_prefix_is_checked() {
    let c = Catalogue::embedded().unwrap();
    let ok = "A".repeat(MAX_TICKET_PREFIX_CHARS);
    assert!(
        aggregate(
            &c,
            Vec::new(),
            &AggregateOptions::default().with_ticket_prefix(ok),
            now()
        )
        .is_ok()
    );
    for bad in [
        "",
        "has space",
        "crlf\r\n",
        &"A".repeat(MAX_TICKET_PREFIX_CHARS + 1),
    ] {
        let r = aggregate(
            &c,
            Vec::new(),
            &AggregateOptions::default().with_ticket_prefix(bad),
            now(),
        );
        assert!(
            matches!(
                r.map_err(Error::into_kind),
                Err(ErrorKind::Option {
                    name: "ticket_prefix",
                    ..
                })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn many_findings_are_split_over_notices_not_lost() {
    let c = Catalogue::embedded().unwrap();
    let to = recipient("en");
    let pairs: Vec<_> = (0..7)
        .map(|i| {
            (
                f(
                    &format!("192.0.2.{i}"),
                    if i % 2 == 0 { "scan_rdp" } else { "scan_smb" },
                ),
                to.clone(),
            )
        })
        .collect();
    let options = AggregateOptions::default().with_max_findings_per_notice(3);
    let out = aggregate(&c, pairs, &options, now()).unwrap();
    assert_eq!(out.notices.len(), 3);
    assert_eq!(
        out.notices
            .iter()
            .map(|n| n.finding_count())
            .collect::<Vec<_>>(),
        vec![3, 3, 1]
    );
    assert_eq!(
        out.notices.iter().map(|n| n.part).collect::<Vec<_>>(),
        vec![(1, 3), (2, 3), (3, 3)]
    );
    // groups stay in order across parts: rdp (0,2,4,6) then smb (1,3,5)
    let order: Vec<usize> = out
        .notices
        .iter()
        .flat_map(|n| n.items().map(|(_, i)| i.index))
        .collect();
    assert_eq!(order, vec![0, 2, 4, 6, 1, 3, 5]);
    assert!(out.accounts_for_all());
}

#[test]
fn findings_per_notice_cap_just_under_and_over() {
    let c = Catalogue::embedded().unwrap();
    let to = recipient("en");
    let make = |n: usize| {
        (0..n)
            .map(|i| {
                (
                    f(&format!("10.0.{}.{}", i / 256, i % 256), "scan_rdp"),
                    to.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let out = aggregate(
        &c,
        make(MAX_FINDINGS_PER_NOTICE),
        &AggregateOptions::default(),
        now(),
    )
    .unwrap();
    assert_eq!(out.notices.len(), 1);
    let out = aggregate(
        &c,
        make(MAX_FINDINGS_PER_NOTICE + 1),
        &AggregateOptions::default(),
        now(),
    )
    .unwrap();
    assert_eq!(out.notices.len(), 2);
    assert_eq!(out.notices[1].finding_count(), 1);
    assert!(out.accounts_for_all());
    let too_many =
        AggregateOptions::default().with_max_findings_per_notice(MAX_FINDINGS_PER_NOTICE + 1);
    assert!(matches!(
        aggregate(&c, make(1), &too_many, now()).map_err(Error::into_kind),
        Err(ErrorKind::Option { .. })
    ));
    let zero = AggregateOptions::default().with_max_findings_per_notice(0);
    assert!(matches!(
        aggregate(&c, make(1), &zero, now()).map_err(Error::into_kind),
        Err(ErrorKind::Option { .. })
    ));
}

#[test]
fn language_follows_preferences_then_the_default() {
    let c = Catalogue::embedded().unwrap();
    let options = AggregateOptions::default().with_default_language(Language::Nl);
    let cases = [
        (vec!["de", "EN-gb"], Language::En),
        (vec!["fr"], Language::Nl),
        (vec![], Language::Nl),
    ];
    for (langs, expected) in cases {
        let to = Recipient::new("x@example.nl").with_languages(langs.clone());
        let out = aggregate(&c, vec![(f("192.0.2.1", "scan_rdp"), to)], &options, now()).unwrap();
        assert_eq!(out.notices[0].language, expected, "{langs:?}");
    }
}
