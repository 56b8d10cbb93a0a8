//! The HTML bodies of 32 notices (8 kinds of finding, both languages, to a business and to an
//! abuse desk; three findings each, one with a hostile certificate name), rendered `N` times
//! with one renderer: a fixed amount of work for counting instructions
//! (`valgrind --tool=callgrind`, N rounds minus 0 rounds), which criterion's adaptive
//! iteration counts are not.
//!
//! ```text
//! cargo bench -p notice-render --bench html_bodies --no-run
//! valgrind --tool=callgrind target/release/deps/html_bodies-HASH --rounds 100
//! valgrind --tool=callgrind target/release/deps/html_bodies-HASH --rounds 0
//! ```
//!
//! `cargo bench` (no `--rounds`) renders 200 rounds and also prints the wall time per body;
//! `cargo test --benches` renders one round. Every run prints the bodies' total bytes and a hash
//! of the first round, so two builds can be checked to write the same bodies.

use std::hint::black_box;

mod support;

use chrono::{TimeZone, Utc};
use notice_render::{AggregateOptions, Customer, Finding, Notice, Recipient, Renderer, aggregate};

fn notices(renderer: &Renderer) -> Vec<Notice> {
    let (Some(now), Some(seen)) = (
        Utc.with_ymd_and_hms(2025, 3, 5, 8, 0, 0).single(),
        Utc.with_ymd_and_hms(2025, 3, 4, 1, 13, 2).single(),
    ) else {
        return Vec::new();
    };
    let customer = Customer::new("Voorbeeld B.V.", "voorbeeld.nl")
        .with_evidence("registry-customer", "Voorbeeld B.V.")
        .with_evidence("ptr", "host-5.dsl.example.net");
    let kinds = [
        ("scan_rdp", "rdp"),
        ("scan_smb", "smb"),
        ("scan_exchange", "exchange;cve-2021-26855"),
        ("scan_http_vulnerable", "zimbra;cve-2024-45519"),
        (
            "scan_http_vulnerable",
            "ivanti-connect-secure;cve-2025-22457",
        ),
        ("scan_http_vulnerable", "fortios;cve-2024-21762"),
        ("event4_sinkhole", "mirai"),
        ("scan_something_else", "x"),
    ];
    let mut out = Vec::new();
    for (report_type, tag) in kinds {
        for lang in ["nl", "en"] {
            for desk in [false, true] {
                let to = if desk {
                    Recipient::new("abuse@hosting.example")
                        .with_via("rdap-abuse")
                        .with_languages([lang])
                } else {
                    Recipient::new("security@example.nl")
                        .with_organisation("Voorbeeld B.V.")
                        .with_languages([lang])
                        .with_via("securitytxt")
                };
                let findings = [
                    Finding::new("203.0.113.5", report_type, seen)
                        .with_tag(tag)
                        .with_port(3389)
                        .with_protocol("tcp")
                        .with_asset("host-5.dsl.example.net")
                        .with_extra(
                            "subject_common_name",
                            "<img src=x onerror=alert(1)>\"evil\"&\u{202E}txt.exe",
                        )
                        .with_extra("rdp_protocol", "CredSSP"),
                    Finding::new("203.0.113.6", report_type, seen)
                        .with_tag(tag)
                        .with_port(3389)
                        .with_protocol("tcp"),
                    Finding::new("203.0.113.7", report_type, seen)
                        .with_tag(tag)
                        .with_port(445)
                        .with_asset("nas.example.nl")
                        .with_extra("smb_version_string", "SMB 1.0"),
                ];
                let pairs = findings.into_iter().map(|f| {
                    let f = if desk {
                        f.with_customer(customer.clone())
                    } else {
                        f
                    };
                    (f, to.clone())
                });
                match aggregate(
                    renderer.catalogue(),
                    pairs,
                    &AggregateOptions::default(),
                    now,
                ) {
                    Ok(agg) => out.extend(agg.notices),
                    Err(e) => panic!("aggregate: {e}"),
                }
            }
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds = support::rounds(&args, 200);
    let renderer = support::renderer();
    let Some(now) = Utc.with_ymd_and_hms(2025, 3, 5, 8, 0, 0).single() else {
        return;
    };
    let notices = notices(&renderer);
    assert_eq!(
        notices.len(),
        32,
        "one notice per kind, language and recipient"
    );
    support::run_rounds(
        &notices,
        rounds,
        "HTML bodies",
        ("µs a body", 1e6),
        |notice| match renderer.html(black_box(notice), now) {
            Ok(h) => h,
            Err(e) => panic!("html: {e}"),
        },
    );
}
