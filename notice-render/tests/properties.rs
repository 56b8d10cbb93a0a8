//! Property tests: whatever strings a finding holds, the outputs stay inert.

mod common;

use common::*;
use notice_render::{
    AggregateOptions, Customer, Finding, Recipient, RecipientRole, Renderer, aggregate,
};
use proptest::prelude::*;
use std::sync::OnceLock;

fn shared() -> &'static Renderer {
    static R: OnceLock<Renderer> = OnceLock::new();
    R.get_or_init(renderer)
}

/// Strings rich in what attackers put in fields: markup, quotes, CR/LF,
/// bidi and other controls, formula starts, URLs, long words.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<".to_string()),
        Just(">".to_string()),
        Just("&".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("\r\n".to_string()),
        Just("\n".to_string()),
        Just("\r".to_string()),
        Just("\t".to_string()),
        Just("\u{202E}".to_string()),
        Just("\u{2066}".to_string()),
        Just("\u{200F}".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{85}".to_string()),
        Just("=".to_string()),
        Just("+".to_string()),
        Just("-".to_string()),
        Just("@".to_string()),
        Just("http://x.example/".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("Bcc: a@b".to_string()),
        Just(" ".to_string()),
        "[a-z.]{1,90}",
        any::<String>(),
    ];
    // Never the marker itself: the HTML check finds the data value between two markers.
    proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat().replace(MARK, ""))
}

fn finding(
    ip: String,
    asset: String,
    key: String,
    value: String,
    tag: String,
    proto: String,
) -> Finding {
    Finding::new(ip, "scan_rdp", at(2025, 3, 4, 1, 0, 0))
        .with_port(3389)
        .with_protocol(proto)
        .with_asset(asset)
        .with_tag(tag)
        .with_source("scan_rdp.csv", 7)
        .with_extra(key, value)
}

const MARK: &str = "\u{1F9EA}"; // wraps data so its bytes can be found in the output

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn outputs_stay_inert(
        ip in hostile(), asset in hostile(), key in hostile(), value in hostile(),
        tag in hostile(), proto in hostile(), org in hostile(), lang in prop_oneof![Just("nl"), Just("en")],
        customer in hostile(), abuse in any::<bool>(),
    ) {
        let r = shared();
        let role = if abuse { RecipientRole::NetworkOwner } else { RecipientRole::Business };
        let to = Recipient::new("security@example.nl").with_organisation(org).with_languages([lang]).with_role(role);
        let f = finding(ip, asset, key, format!("{MARK}{value}{MARK}"), tag, proto)
            .with_reporter(customer.clone())
            .with_customer(Customer::new(customer.clone(), customer.clone()).with_evidence(customer.clone(), customer));
        let agg = aggregate(r.catalogue(), vec![(f, to)], &AggregateOptions::default(), now()).unwrap();
        prop_assert!(agg.accounts_for_all());
        let notice = &agg.notices[0];
        let out = r.render(notice, now()).unwrap();

        // text: every line at most 78 columns, no CR, no bidi or other controls
        for line in out.text.lines() {
            prop_assert!(line.chars().count() <= 78, "{line:?}");
        }
        prop_assert!(!out.text.chars().any(|c| c != '\n' && (c.is_control() || notice_render::inert::is_invisible(c))));

        // html: no raw '<' or '>' inside the marked data value
        for chunk in out.html.split(MARK).skip(1).step_by(2) {
            prop_assert!(!chunk.contains(['<', '>', '"']), "{chunk:?}");
            prop_assert!(!chunk.chars().any(notice_render::inert::is_invisible));
        }

        // headers: no CR or LF inside any header line, no injected header
        let mime = String::from_utf8(out.mime.clone()).unwrap();
        let head = mime.split("\r\n\r\n").next().unwrap();
        prop_assert!(!head.replace("\r\n", "").contains(['\r', '\n']));
        let allowed = ["From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted", "Content-Language", "Reply-To", "MIME-Version", "Content-Type"];
        let mut names: Vec<&str> = head
            .split("\r\n")
            .filter(|l| !l.starts_with([' ', '\t']))
            .map(|l| l.split(':').next().unwrap_or(""))
            .collect();
        names.sort_unstable();
        let mut expected = allowed.to_vec();
        expected.sort_unstable();
        prop_assert_eq!(names, expected);
        prop_assert!(!out.subject.contains(['\r', '\n']));

        // csv: every cell neutralised and quoted, two records of 18 cells
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(out.csv.as_bytes());
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        prop_assert_eq!(records.len(), 2);
        for rec in &records {
            prop_assert_eq!(rec.len(), 18);
            for cell in rec.iter() {
                prop_assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
                prop_assert!(!cell.chars().any(|c| c.is_control() || notice_render::inert::is_invisible(c)), "{cell:?}");
            }
        }
        for row in out.csv.split_terminator("\r\n") {
            prop_assert!(row.starts_with('"') && row.ends_with('"'));
        }

        // json and xarf: valid, no raw bidi
        let json = r.json(notice, now()).unwrap();
        prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
        prop_assert!(!json.chars().any(notice_render::inert::is_bidi_control));
        for x in r.xarf(notice).unwrap() {
            prop_assert!(serde_json::from_str::<serde_json::Value>(&x).is_ok());
            prop_assert!(!x.chars().any(notice_render::inert::is_bidi_control));
        }
    }

    #[test]
    fn wrap_keeps_every_word_and_fits(words in proptest::collection::vec("[a-zé]{1,100}", 0..40), indent in 0usize..60) {
        let line = format!("{}{}", " ".repeat(indent), words.join(" "));
        let wrapped = notice_render::render::wrap(&line);
        for l in wrapped.lines() {
            prop_assert!(l.chars().count() <= 78);
        }
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        prop_assert_eq!(squash(&wrapped), squash(&line));
    }

    #[test]
    fn every_input_is_accounted_for(
        ages in proptest::collection::vec(0i64..40, 0..40),
        addrs in proptest::collection::vec(prop_oneof![Just("a@x.nl"), Just("A@X.NL"), Just("b@y.nl"), Just(""), Just("bad")], 40),
    ) {
        let r = shared();
        // Half the findings repeat one address and port: merged, still accounted for.
        let pairs: Vec<_> = ages.iter().zip(addrs.iter()).enumerate().map(|(i, (d, a))| {
            let ip = if i % 2 == 0 { "192.0.2.1".to_owned() } else { format!("192.0.2.{}", i + 1) };
            (Finding::new(ip, "scan_smb", now() - chrono::TimeDelta::days(*d)), Recipient::new(*a))
        }).collect();
        let n = pairs.len();
        let agg = aggregate(r.catalogue(), pairs, &AggregateOptions::default().with_max_findings_per_notice(5), now()).unwrap();
        prop_assert_eq!(agg.input_count, n);
        prop_assert!(agg.accounts_for_all());
        // Every distinct finding is in a notice or dropped; repeats counted in their item.
        let mut seen: Vec<usize> = agg.notices.iter().flat_map(|x| x.items().map(|(_, i)| i.index)).chain(agg.dropped.iter().map(|d| d.index)).collect();
        seen.sort_unstable();
        let merged: u64 = agg.notices.iter().flat_map(|x| x.items().map(|(_, i)| i.count - 1)).sum();
        prop_assert_eq!(seen.len() as u64 + merged, n as u64);
        for i in 0..n {
            if i % 2 == 1 {
                prop_assert!(seen.binary_search(&i).is_ok());
            }
        }
    }
}
