//! Shadowserver-style feeds end to end: every row of every CSV in a folder
//! becomes a finding, every finding is accounted for, and every output is
//! inert. The folder is `tests/feeds/` (small samples constructed for this
//! crate, including a hostile certificate name on row 3 of scan_rdp.csv and
//! a CR/LF in a PTR name), or `$SHARED_DIR/corpus/feeds` when SHARED_DIR is
//! set (`.ci/shared/notice-render.sh`).

mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use common::*;
use notice_render::{AggregateOptions, Finding, Recipient, aggregate};

/// A Shadowserver CSV row as a finding: ip/src_ip, port/src_port, protocol,
/// tags, the asset (hostname, http_host, email, src_hostname), every other
/// non-empty column as an extra field.
fn row_to_finding(
    report: &str,
    feed: &str,
    line: u64,
    header: &csv::StringRecord,
    row: &csv::StringRecord,
) -> Finding {
    let get = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .and_then(|i| row.get(i))
            .unwrap_or("")
    };
    let observed = NaiveDateTime::parse_from_str(get("timestamp"), "%Y-%m-%d %H:%M:%S")
        .map(|t| t.and_utc())
        .expect("timestamp");
    let ip = if get("ip").is_empty() {
        get("src_ip")
    } else {
        get("ip")
    };
    let mut f = Finding::new(ip, report, observed)
        .with_protocol(get("protocol"))
        .with_source(feed, line);
    let port = if get("port").is_empty() {
        get("src_port")
    } else {
        get("port")
    };
    if let Ok(p) = port.parse() {
        f = f.with_port(p);
    }
    if !get("tag").is_empty() {
        f = f.with_tag(get("tag"));
    }
    let asset = ["hostname", "http_host", "email", "src_hostname"]
        .iter()
        .map(|c| get(c))
        .find(|v| !v.is_empty())
        .unwrap_or("");
    f = f.with_asset(asset);
    let known = [
        "timestamp",
        "ip",
        "src_ip",
        "port",
        "src_port",
        "protocol",
        "tag",
        "hostname",
        "http_host",
        "email",
        "src_hostname",
    ];
    for (name, value) in header.iter().zip(row.iter()) {
        if !known.contains(&name) && !value.is_empty() {
            f = f.with_extra(name, value);
        }
    }
    f
}

fn feed_dir() -> PathBuf {
    match std::env::var_os("SHARED_DIR") {
        Some(shared) => Path::new(&shared).join("corpus/feeds"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/feeds"),
    }
}

#[test]
fn every_feed_row_renders_inert() {
    let dir = feed_dir();
    let r = renderer();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "feeds in {}", dir.display());
    let mut pairs = Vec::new();
    let mut rows = 0usize;
    let mut hostile_seen = false;
    for path in &files {
        let feed = path.file_name().unwrap().to_string_lossy().into_owned();
        let report = feed.trim_end_matches(".csv").to_string();
        let mut reader = csv::Reader::from_path(path).unwrap();
        let header = reader.headers().unwrap().clone();
        for (i, row) in reader.records().enumerate() {
            let row = row.unwrap();
            rows += 1;
            let line = row.position().map_or(0, |p| p.line());
            let f = row_to_finding(&report, &feed, line, &header, &row);
            if report == "scan_rdp" && i == 2 {
                // row 3: the hostile certificate name
                assert!(
                    f.extra
                        .iter()
                        .any(|(_, v)| v.contains("onerror") && v.contains('\u{202E}'))
                );
                hostile_seen = true;
            }
            // each report type of the samples has its own entry (not the fallback)
            let entry = r.catalogue().classify(&f).id.clone();
            assert_ne!(entry, "generic", "{feed} row {}", i + 1);
            // one recipient per feed, nl and en alternating
            let to = Recipient::new(format!("security+{report}@example.nl"))
                .with_languages([if rows.is_multiple_of(2) { "nl" } else { "en" }]);
            pairs.push((f, to));
        }
    }
    assert!(hostile_seen, "row 3 of scan_rdp.csv was read");
    let options = AggregateOptions::default().with_max_age(chrono::TimeDelta::days(3650));
    let agg = aggregate(r.catalogue(), pairs, &options, now()).unwrap();
    assert_eq!(agg.input_count, rows);
    assert_eq!(agg.included_count(), rows);
    assert!(agg.accounts_for_all());
    for notice in &agg.notices {
        let out = r.render(notice, now()).unwrap();
        assert!(out.text.lines().all(|l| l.chars().count() <= 78));
        assert!(!out.text.contains(['\r', '\u{202E}']));
        assert!(
            !out.html.contains("<img")
                && !out.html.contains("<script")
                && !out.html.contains('\u{202E}')
        );
        assert!(!out.subject.contains(['\r', '\n']));
        let mime = String::from_utf8(out.mime).unwrap();
        let head = mime.split("\r\n\r\n").next().unwrap();
        assert!(
            !head
                .split("\r\n")
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:"))
        );
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(out.csv.as_bytes());
        for rec in reader.records() {
            for cell in rec.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{cell}"
                );
            }
        }
        for x in r.xarf(notice).unwrap() {
            assert!(serde_json::from_str::<serde_json::Value>(&x).is_ok());
        }
    }
}
