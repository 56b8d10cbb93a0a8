//! Golden files: every catalogue entry in every language, as text and HTML,
//! exactly as a business would read them (`tests/golden/`), and both notice
//! kinds (business, abuse desk) in both languages as text, HTML and MIME
//! headers (`tests/golden-kinds/`). Regenerate with
//! `UPDATE_GOLDEN=1 cargo test -p notice-render --test golden`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use notice_render::{
    AggregateOptions, Customer, Finding, Recipient, RenderOptions, Renderer, aggregate,
};

/// The sender as a configured service shows it: phone, web page, verify URL.
fn configured() -> Renderer {
    Renderer::embedded(
        RenderOptions::new("Example CERT", "cert@example.org", "notices.example.org")
            .with_reply_to("security-desk@example.org")
            .with_phone("+31 70 123 4567")
            .with_website("https://www.example.org/notices")
            .with_verify_url("https://www.example.org/verify?ticket={ticket}"),
    )
    .unwrap()
}

/// Writes (with UPDATE_GOLDEN=1) or compares every file of `expected` in
/// `dir`; returns how many were compared.
fn check_dir(dir: &Path, expected: &BTreeMap<String, String>) -> usize {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    if update {
        std::fs::create_dir_all(dir).unwrap();
        for item in std::fs::read_dir(dir).unwrap() {
            std::fs::remove_file(item.unwrap().path()).unwrap();
        }
        for (name, text) in expected {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        let want = expected
            .get(name)
            .unwrap_or_else(|| panic!("stale golden file {name}"));
        let have = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(
            have == *want,
            "{name} differs; run with UPDATE_GOLDEN=1 and review the diff"
        );
    }
    assert_eq!(names.len(), expected.len(), "golden files in {dir:?}");
    names.len()
}

#[test]
fn golden_notice_kinds() {
    let r = configured();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden-kinds");
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    let t = |d, h, m| at(2025, 3, d, h, m, 0);
    let customer = Customer::new("Tandartspraktijk Voorbeeld", "tandarts-voorbeeld.nl")
        .with_evidence("registry-customer", "Tandartspraktijk Voorbeeld")
        .with_evidence("ptr", "mail.tandarts-voorbeeld.nl");
    let rdp = Finding::new("198.51.100.23", "scan_rdp", t(4, 1, 12))
        .with_port(3389)
        .with_protocol("tcp")
        .with_asset("rdp.tandarts-voorbeeld.nl")
        .with_tag("rdp")
        .with_source("scan_rdp.csv", 2)
        .with_reporter("The Shadowserver Foundation")
        .with_extra("rdp_protocol", "CredSSP");
    // Issue 18's merging in both kinds: the RDP finding seen again later is one line
    // ("2 times, first ..., last ..."), and a finding without a time reads "time unknown".
    let findings = [
        rdp.clone(),
        rdp.clone()
            .with_observed(Some(t(4, 6, 40)))
            .with_source("scan_rdp.csv", 9),
        rdp.with_port(3390)
            .with_observed(None)
            .with_source("scan_rdp.csv", 12),
        Finding::new("198.51.100.24", "scan_smb", t(4, 5, 2))
            .with_port(445)
            .with_protocol("tcp")
            .with_asset("<script>alert(1)</script>")
            .with_tag("smb")
            .with_source("scan_smb.csv", 7)
            .with_reporter("The Shadowserver Foundation")
            .with_extra("smb_version_string", "SMB 1.0"),
    ];
    for kind in ["business", "abuse-desk"] {
        for lang in ["nl", "en"] {
            let to = if kind == "business" {
                Recipient::new("info@tandarts-voorbeeld.nl")
                    .with_organisation("Tandartspraktijk Voorbeeld")
                    .with_languages([lang])
                    .with_via("securitytxt")
            } else {
                Recipient::new("abuse@hosting.example")
                    .with_organisation("Voorbeeld Hosting B.V.")
                    .with_languages([lang])
                    .with_via("rdap-abuse")
            };
            let pairs = findings
                .iter()
                .map(|f| (f.clone().with_customer(customer.clone()), to.clone()))
                .collect::<Vec<_>>();
            let agg = aggregate(r.catalogue(), pairs, &AggregateOptions::default(), now()).unwrap();
            let notice = &agg.notices[0];
            let out = r.render(notice, now()).unwrap();
            expected.insert(
                format!("{kind}.{lang}.txt"),
                format!("Subject: {}\n\n{}", out.subject, out.text),
            );
            expected.insert(format!("{kind}.{lang}.html"), out.html);
            let mime = String::from_utf8(out.mime).unwrap();
            let head = mime.split("\r\n\r\n").next().unwrap().replace("\r\n", "\n");
            // and the part headers of the body (boundaries are stable)
            let parts: Vec<&str> = mime
                .split("\r\n--=_")
                .skip(1)
                .filter_map(|p| p.split_once("\r\n").map(|(_, rest)| rest))
                .filter_map(|p| p.split_once("\r\n\r\n").map(|(h, _)| h))
                .collect();
            let mut headers = format!("{head}\n");
            for p in parts {
                headers.push_str("\n--\n");
                headers.push_str(&p.replace("\r\n", "\n"));
                headers.push('\n');
            }
            expected.insert(format!("{kind}.{lang}.headers"), headers);
        }
    }
    assert_eq!(check_dir(&dir, &expected), 2 * 2 * 3);
}

/// One realistic finding per entry (constructed; modelled on Shadowserver rows).
fn samples() -> Vec<(&'static str, Finding)> {
    let t = |d, h, m| at(2025, 3, d, h, m, 0);
    vec![
        (
            "exposed-rdp",
            Finding::new("198.51.100.23", "scan_rdp", t(4, 1, 12))
                .with_port(3389)
                .with_protocol("tcp")
                .with_asset("rdp.example.nl")
                .with_tag("rdp")
                .with_source("scan_rdp.csv", 2)
                .with_extra("rdp_protocol", "CredSSP")
                .with_extra("subject_common_name", "TS01.corp.example"),
        ),
        (
            "exposed-smb",
            Finding::new("192.0.2.44", "scan_smb", t(4, 5, 2))
                .with_port(445)
                .with_protocol("tcp")
                .with_asset("nas.example.nl")
                .with_tag("smb")
                .with_source("scan_smb.csv", 2)
                .with_extra("smb_version_string", "SMB 1.0"),
        ),
        (
            "exchange",
            Finding::new("192.0.2.25", "scan_exchange", t(5, 2, 11))
                .with_port(443)
                .with_protocol("tcp")
                .with_asset("mail.example.nl")
                .with_tag("exchange;cve-2021-26855")
                .with_source("scan_exchange.csv", 2)
                .with_extra("version", "15.1.2176.2")
                .with_extra("servername", "EXCH2016"),
        ),
        (
            "zimbra-cve-2024-45519",
            Finding::new("192.0.2.60", "scan_http_vulnerable", t(5, 0, 40))
                .with_port(25)
                .with_protocol("tcp")
                .with_asset("mail.example.com")
                .with_tag("zimbra;cve-2024-45519")
                .with_source("scan_http_vulnerable.csv", 9)
                .with_extra("version", "9.0.0_P40"),
        ),
        (
            "ivanti-connect-secure",
            Finding::new("198.51.100.10", "scan_http_vulnerable", t(5, 0, 21))
                .with_port(443)
                .with_protocol("tcp")
                .with_asset("vpn.example.nl")
                .with_tag("ivanti-connect-secure;cve-2025-22457")
                .with_source("scan_http_vulnerable.csv", 2)
                .with_extra("version", "22.7R2.3"),
        ),
        (
            "fortinet-fortios",
            Finding::new("203.0.113.77", "scan_http_vulnerable", t(5, 0, 24))
                .with_port(10443)
                .with_protocol("tcp")
                .with_asset("fw.example.com")
                .with_tag("fortios;cve-2024-21762")
                .with_source("scan_http_vulnerable.csv", 3)
                .with_extra("version", "7.0.12"),
        ),
        (
            "qlik-sense",
            Finding::new("192.0.2.150", "scan_http_vulnerable", t(5, 0, 30))
                .with_port(443)
                .with_protocol("tcp")
                .with_asset("bi.example.nl")
                .with_tag("qlik-sense;cve-2023-48365")
                .with_source("scan_http_vulnerable.csv", 4)
                .with_extra("version", "14.129.9")
                .with_extra("build_date", "August 2023"),
        ),
        (
            "botnet-device",
            Finding::new("203.0.113.45", "event4_sinkhole", t(4, 4, 0))
                .with_protocol("tcp")
                .with_asset("cpe-203-0-113-45.example.net")
                .with_tag("andromeda")
                .with_source("event4_sinkhole.csv", 2)
                .with_extra("infection", "andromeda")
                .with_extra("dst_port", "443")
                .with_extra("device_vendor", ""),
        ),
        (
            "compromised-website",
            Finding::new("192.0.2.80", "compromised_website", t(4, 9, 30))
                .with_port(443)
                .with_protocol("tcp")
                .with_asset("www.example.nl")
                .with_tag("hacked-webserver")
                .with_source("compromised_website.csv", 2)
                .with_extra("url", "/wp-content/plugins/contact-form/x.php")
                .with_extra("family", "webshell"),
        ),
        (
            "leaked-credentials",
            Finding::new("", "compromised_account", t(4, 0, 0))
                .with_asset("j.jansen@example.nl")
                .with_tag("infostealer")
                .with_source("compromised_account.csv", 2)
                .with_extra("service", "webmail")
                .with_extra("source_url", "https://webmail.example.nl/login")
                .with_extra("infection", "lumma"),
        ),
        (
            "vulnerable-http",
            Finding::new("192.0.2.33", "scan_http_vulnerable", t(5, 0, 50))
                .with_port(8443)
                .with_protocol("tcp")
                .with_asset("admin.example.nl")
                .with_tag("cve-2023-46747")
                .with_source("scan_http_vulnerable.csv", 7)
                .with_extra("server", "BigIP"),
        ),
        (
            "exposed-device",
            Finding::new("203.0.113.8", "device_id", t(4, 0, 1))
                .with_port(10443)
                .with_protocol("tcp")
                .with_tag("ssl,vpn")
                .with_source("device_id.csv", 2)
                .with_extra("device_vendor", "Fortinet")
                .with_extra("device_type", "firewall")
                .with_extra("device_model", "FortiGate"),
        ),
        (
            "generic",
            Finding::new("192.0.2.99", "special", t(4, 0, 0))
                .with_port(8080)
                .with_protocol("tcp")
                .with_tag("something-new")
                .with_source("special.csv", 5)
                .with_extra("detail", "unusual service seen"),
        ),
    ]
}

#[test]
fn golden_notices() {
    let r = configured();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    let samples = samples();
    assert_eq!(
        samples.len(),
        r.catalogue().entries().len(),
        "one sample per entry"
    );
    for (entry, finding) in samples {
        for lang in ["nl", "en"] {
            let to = Recipient::new("security@example.nl")
                .with_organisation("Voorbeeld B.V.")
                .with_languages([lang])
                .with_via("securitytxt");
            let agg = aggregate(
                r.catalogue(),
                vec![(
                    finding.clone().with_reporter("The Shadowserver Foundation"),
                    to,
                )],
                &AggregateOptions::default(),
                now(),
            )
            .unwrap();
            let notice = &agg.notices[0];
            assert_eq!(
                notice.groups[0].entry, entry,
                "sample for {entry} maps to it"
            );
            let out = r.render(notice, now()).unwrap();
            expected.insert(
                format!("{entry}.{lang}.txt"),
                format!("Subject: {}\n\n{}", out.subject, out.text),
            );
            expected.insert(format!("{entry}.{lang}.html"), out.html);
        }
    }
    let read = check_dir(&dir, &expected);
    assert_eq!(read, 13 * 2 * 2, "golden files read");
}
