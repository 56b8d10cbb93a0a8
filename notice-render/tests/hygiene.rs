//! The value-hygiene rule of `inert.rs`, part by part (subject, text, HTML,
//! CSV, XARF, JSON, MIME headers), for both notice kinds: the recipient's
//! own name plainly, scanner values defanged where clickable, values that
//! are not host names never shown as host names.

mod common;

use common::*;
use notice_render::{AggregateOptions, Customer, Finding, Notice, Recipient, Renderer, aggregate};

const SCRIPT: &str = "<script>alert(1)</script>";

fn notice(r: &Renderer, to: Recipient) -> Notice {
    let f = Finding::new("198.51.100.24", "scan_smb", at(2025, 3, 4, 5, 2, 0))
        .with_port(445)
        .with_protocol("tcp")
        .with_asset(SCRIPT)
        .with_tag("smb")
        .with_source("scan_smb.csv", 7)
        .with_reporter("Scanner\u{202E}Org")
        .with_extra("http_url", "http://evil.example.net/x")
        .with_customer(
            Customer::new("Klant\u{202E} B.V.", "<b>x</b>.example")
                .with_evidence("ptr", "http://phish.example.org/login"),
        );
    let agg = aggregate(
        r.catalogue(),
        [(f, to)],
        &AggregateOptions::default(),
        now(),
    )
    .unwrap();
    agg.notices.into_iter().next().unwrap()
}

fn recipients() -> Vec<(&'static str, Recipient)> {
    vec![
        (
            "business",
            Recipient::new("info@tandarts-voorbeeld.example")
                .with_organisation("tandarts-voorbeeld.example")
                .with_languages(["nl"])
                .with_via("securitytxt"),
        ),
        (
            "abuse-desk",
            Recipient::new("abuse@hosting.example")
                .with_organisation("hosting.example")
                .with_languages(["en"])
                .with_via("network-abuse-c"),
        ),
    ]
}

#[test]
fn the_recipients_own_name_is_named_plainly() {
    let r = renderer();
    for (kind, to) in recipients() {
        let n = notice(&r, to);
        let out = r.render(&n, now()).unwrap();
        let own = n.recipient.organisation.as_str();
        assert!(out.text.lines().next().unwrap().contains(own), "{kind}");
        assert!(out.html.contains(own), "{kind}");
        assert!(!out.text.contains("voorbeeld[.]example"), "{kind}");
        assert!(!out.text.contains("hosting[.]example"), "{kind}");
        let mime = String::from_utf8(out.mime).unwrap();
        assert!(mime.contains(&format!("To: \"{own}\"")), "{kind}");
    }
}

#[test]
fn a_value_that_is_not_a_host_name_is_never_shown_as_one() {
    let r = renderer();
    for (kind, to) in recipients() {
        let n = notice(&r, to);
        let out = r.render(&n, now()).unwrap();
        // subject: names the IP (an abuse desk: the customer) instead,
        // nothing of the script, nor the customer domain that is no host name
        assert!(!out.subject.contains("script"), "{kind}: {}", out.subject);
        assert!(!out.subject.contains("<b>"), "{kind}: {}", out.subject);
        let names = if kind == "business" {
            "198.51.100.24: "
        } else {
            "Your customer Klant<U+202E> B.V.: "
        };
        assert!(out.subject.starts_with(names), "{kind}: {}", out.subject);
        // text: only as a quoted value in the technical part
        assert!(out.text.contains(&format!("\"{SCRIPT}\"")), "{kind}");
        assert_eq!(out.text.matches("script>").count(), 2, "{kind}");
        assert!(!out.text.contains(&format!("({SCRIPT})")), "{kind}");
        // html: escaped, never markup
        assert!(!out.html.contains("<script"), "{kind}");
        assert!(
            out.html
                .contains("&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;")
        );
        // csv: not in `asset`, kept in `reported_name`
        let mut rd = csv::ReaderBuilder::new().from_reader(out.csv.as_bytes());
        let head = rd.headers().unwrap().clone();
        let row = rd.records().next().unwrap().unwrap();
        let col = |name: &str| &row[head.iter().position(|h| h == name).unwrap()];
        assert_eq!(col("asset"), "", "{kind}");
        assert_eq!(col("reported_name"), SCRIPT, "{kind}");
        // the customer domain is not a host name: kept as data in the CSV...
        assert_eq!(col("customer_domain"), "<b>x</b>.example");
        // ...and in no human part
        assert!(!out.text.contains("<b>x"), "{kind}");
        assert!(!out.html.contains("&lt;b&gt;x"), "{kind}");
        // xarf: the URL and source name the IP; the value is in additional_info
        for x in r.xarf(&n).unwrap() {
            let v: serde_json::Value = serde_json::from_str(&x).unwrap();
            assert_eq!(v["source_identifier"], "198.51.100.24");
            assert_eq!(v["additional_info"]["reported_name"], SCRIPT);
        }
        // json: likewise
        let j: serde_json::Value = serde_json::from_str(&r.json(&n, now()).unwrap()).unwrap();
        let f = &j["problems"][0]["findings"][0];
        assert_eq!(f["asset"], "");
        assert_eq!(f["reported_name"], SCRIPT);
    }
}

#[test]
fn scanner_values_are_defanged_where_a_reader_could_click_them() {
    let r = renderer();
    for (kind, to) in recipients() {
        let n = notice(&r, to);
        let out = r.render(&n, now()).unwrap();
        for part in [&out.text, &out.html] {
            assert!(part.contains("hxxp://evil[.]example[.]net/x"), "{kind}");
            assert!(!part.contains("http://evil"), "{kind}");
            assert!(!part.contains("phish.example"), "{kind}");
            // bidi controls shown, never applied
            assert!(!part.contains('\u{202E}'), "{kind}");
        }
        assert!(out.text.contains("Scanner<U+202E>Org"), "{kind}");
        if kind == "abuse-desk" {
            assert!(out.text.contains("hxxp://phish[.]example[.]org/login"));
            assert!(out.text.contains("Klant<U+202E> B.V."));
        }
        // machine parts keep the value as it was (escaped for their format)
        assert!(out.csv.contains("http_url=http://evil.example.net/x"));
        assert!(!out.csv.contains('\u{202E}'));
        let j = r.json(&n, now()).unwrap();
        assert!(j.contains("http://evil.example.net/x"));
        assert!(j.contains("\\u202e"));
        // headers: one line each, no control characters
        let mime = String::from_utf8(out.mime).unwrap();
        let head = mime.split("\r\n\r\n").next().unwrap();
        assert!(!head.contains('\u{202E}'));
        assert!(head.is_ascii());
    }
}
