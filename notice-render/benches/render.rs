//! Rendering speed: one MIME notice (3 findings, 2 problems, with hostile
//! fields) per iteration, with a renderer built once. Target: at least
//! 10,000 notices per second per core (at most 100 µs each).

use std::hint::black_box;

mod support;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use notice_render::{AggregateOptions, Finding, Recipient, aggregate};

fn bench(c: &mut Criterion) {
    let renderer = support::renderer();
    let Some(now) = Utc.with_ymd_and_hms(2025, 3, 5, 8, 0, 0).single() else {
        return;
    };
    let Some(seen) = Utc.with_ymd_and_hms(2025, 3, 4, 1, 13, 2).single() else {
        return;
    };
    let to = Recipient::new("security@example.nl")
        .with_organisation("Voorbeeld B.V.")
        .with_languages(["nl"])
        .with_via("securitytxt");
    let findings = vec![
        Finding::new("203.0.113.5", "scan_rdp", seen)
            .with_port(3389)
            .with_protocol("tcp")
            .with_asset("host-5.dsl.example.net")
            .with_tag("rdp")
            .with_source("scan_rdp.csv", 4)
            .with_extra(
                "subject_common_name",
                "<img src=x onerror=alert(1)>\"evil\"&\u{202E}txt.exe",
            )
            .with_extra("rdp_protocol", "CredSSP"),
        Finding::new("203.0.113.6", "scan_rdp", seen)
            .with_port(3389)
            .with_protocol("tcp")
            .with_tag("rdp")
            .with_source("scan_rdp.csv", 5),
        Finding::new("203.0.113.7", "scan_smb", seen)
            .with_port(445)
            .with_protocol("tcp")
            .with_asset("nas.example.nl")
            .with_tag("smb")
            .with_source("scan_smb.csv", 2)
            .with_extra("smb_version_string", "SMB 1.0"),
    ];
    let pairs: Vec<_> = findings.into_iter().map(|f| (f, to.clone())).collect();
    let agg = match aggregate(
        renderer.catalogue(),
        pairs,
        &AggregateOptions::default(),
        now,
    ) {
        Ok(a) => a,
        Err(e) => panic!("aggregate: {e}"),
    };
    let Some(notice) = agg.notices.first() else {
        return;
    };
    let mut group = c.benchmark_group("notice");
    group.throughput(Throughput::Elements(1));
    group.bench_function("mime", |b| {
        b.iter(|| {
            renderer
                .mime(black_box(notice), now)
                .map(|m| m.len())
                .unwrap_or(0)
        })
    });
    group.bench_function("text", |b| {
        b.iter(|| {
            renderer
                .text(black_box(notice), now)
                .map(|m| m.len())
                .unwrap_or(0)
        })
    });
    group.bench_function("html", |b| {
        b.iter(|| {
            renderer
                .html(black_box(notice), now)
                .map(|m| m.len())
                .unwrap_or(0)
        })
    });
    group.bench_function("subject", |b| {
        b.iter(|| {
            renderer
                .subject(black_box(notice), now)
                .map(|m| m.len())
                .unwrap_or(0)
        })
    });
    group.bench_function("csv", |b| b.iter(|| renderer.csv(black_box(notice)).len()));
    // the same findings to a network owner's abuse desk, naming the customer (adds the XARF
    // attachment)
    let desk = notice_render::Recipient::new("abuse@hosting.example").with_via("rdap-abuse");
    let customer = notice_render::Customer::new("Voorbeeld B.V.", "voorbeeld.nl")
        .with_evidence("registry-customer", "Voorbeeld B.V.")
        .with_evidence("ptr", "host-5.dsl.example.net");
    let pairs: Vec<_> = notice
        .items()
        .map(|(_, i)| {
            (
                i.finding.clone().with_customer(customer.clone()),
                desk.clone(),
            )
        })
        .collect();
    if let Ok(agg) = aggregate(
        renderer.catalogue(),
        pairs,
        &AggregateOptions::default(),
        now,
    ) && let Some(abuse) = agg.notices.first()
    {
        group.bench_function("mime-abuse-desk", |b| {
            b.iter(|| {
                renderer
                    .mime(black_box(abuse), now)
                    .map(|m| m.len())
                    .unwrap_or(0)
            })
        });
    }
    group.bench_function("wrap", |b| {
        let text = renderer.text(notice, now).unwrap_or_default();
        b.iter(|| notice_render::render::wrap(black_box(&text)).len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
