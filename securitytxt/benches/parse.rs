//! Parse + validate a typical ~600-byte security.txt and a ~100 KB one, side by side with the
//! `sectxtlib` crate on the same inputs.

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// A typical file: comments, two contacts, the usual fields (about 600 bytes).
const TYPICAL: &str = "\
# Security contact information for example.com.
# Please report vulnerabilities as described in our policy.

Contact: mailto:security@example.com
Contact: https://example.com/security/report
Contact: tel:+1-201-555-0123
Expires: 2027-06-30T23:59:59.000Z
Encryption: https://example.com/.well-known/pgp-key.txt
Acknowledgments: https://example.com/security/hall-of-fame
Preferred-Languages: en, nl, de
Canonical: https://example.com/.well-known/security.txt
Policy: https://example.com/security/disclosure-policy
Hiring: https://example.com/careers/security
CSAF: https://example.com/.well-known/csaf/provider-metadata.json

# Thank you for helping keep example.com and its users safe.
";

/// About 100 KB: the typical file followed by many comment and extension-field lines.
fn large() -> String {
    let mut s = String::from(TYPICAL);
    let mut i = 0;
    while s.len() < 100 * 1024 {
        match i % 4 {
            0 => s.push_str(&format!(
                "# Comment line {i}: some commentary about our disclosure process here.\n"
            )),
            1 => s.push_str(&format!(
                "Policy: https://example.com/security/policies/{i}/index.html\n"
            )),
            2 => s.push_str(&format!(
                "X-Extension-{i}: an extension field value that readers ignore\n"
            )),
            _ => s.push('\n'),
        }
        i += 1;
    }
    s
}

fn bench(c: &mut Criterion) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let options = securitytxt::Options::new(now);
    let sectxtlib_options = sectxtlib::SecurityTxtOptions::new().with_now(now);
    let large = large();
    for (name, input) in [("typical_600b", TYPICAL), ("large_100kb", large.as_str())] {
        let mut group = c.benchmark_group(name);
        group.bench_function("securitytxt", |b| {
            b.iter(|| {
                let doc = securitytxt::parse(black_box(input.as_bytes())).ok();
                doc.map(|d| securitytxt::validate(&d, &options))
            })
        });
        group.bench_function("sectxtlib", |b| {
            b.iter(|| {
                sectxtlib::SecurityTxt::parse_with(black_box(input), &sectxtlib_options).is_ok()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
