//! XARF output validated against the official XARF v4 JSON schema
//! (xarf-spec v4.2.0, MIT licence; the files are in `tests/data/xarf/`, see
//! the README there), with format checks (uuid, date-time, email, hostname,
//! uri) switched on.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use jsonschema::{Retrieve, Uri, Validator};
use notice_render::{AggregateOptions, Finding, Recipient, Renderer, aggregate};
use proptest::prelude::*;
use serde_json::Value;

const BASE: &str = "https://xarf.org/schemas/v4/";

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/xarf")
}

/// Serves `https://xarf.org/schemas/v4/...` from the local copy; nothing else.
struct LocalSchemas;

impl Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let rel = uri
            .as_str()
            .strip_prefix(BASE)
            .filter(|r| !r.contains(".."))
            .ok_or_else(|| format!("not a local XARF schema: {}", uri.as_str()))?;
        let text = std::fs::read_to_string(schema_dir().join(rel))?;
        Ok(serde_json::from_str(&text)?)
    }
}

/// The master schema compiled once for all tests.
fn validator() -> &'static Validator {
    static V: std::sync::OnceLock<Validator> = std::sync::OnceLock::new();
    V.get_or_init(compile)
}

fn compile() -> Validator {
    let text = std::fs::read_to_string(schema_dir().join("xarf-v4-master.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .with_retriever(LocalSchemas)
        .build(&schema)
        .expect("the XARF master schema compiles with every type schema it names")
}

fn errors(v: &Validator, report: &Value) -> Vec<String> {
    v.iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn one_notice(r: &Renderer, findings: Vec<Finding>, to: Recipient) -> notice_render::Notice {
    let pairs = findings.into_iter().map(|f| (f, to.clone()));
    let mut agg = aggregate(r.catalogue(), pairs, &AggregateOptions::default(), now()).unwrap();
    assert_eq!(agg.notices.len(), 1);
    agg.notices.remove(0)
}

fn assert_valid(v: &Validator, r: &Renderer, notice: &notice_render::Notice) -> Vec<Value> {
    let reports = r.xarf(notice).unwrap();
    assert_eq!(reports.len(), notice.finding_count());
    reports
        .iter()
        .map(|x| {
            let report: Value = serde_json::from_str(x).unwrap();
            let errs = errors(v, &report);
            assert!(errs.is_empty(), "{x}\n{}", errs.join("\n"));
            report
        })
        .collect()
}

#[test]
fn the_schema_copy_is_complete() {
    // every type schema the master names is here, and the master rejects
    // a report that breaks it, so the checks below can fail
    let master = std::fs::read_to_string(schema_dir().join("xarf-v4-master.json")).unwrap();
    let named = master.matches("\"$ref\": \"types/").count();
    let files = std::fs::read_dir(schema_dir().join("types"))
        .unwrap()
        .count();
    assert_eq!(named, 32);
    assert_eq!(files, 33, "32 type schemas and content-base.json");
    let v = validator();
    let bad = serde_json::json!({
        "xarf_version": "4.2.0",
        "report_id": "not-a-uuid",
        "timestamp": "2025-03-04T01:13:02+00:00",
        "reporter": {"org": "X", "contact": "x@example.org", "domain": "example.org"},
        "sender": {"org": "X", "contact": "x@example.org", "domain": "example.org"},
        "source_identifier": "192.0.2.1",
        "category": "vulnerability",
        "type": "open",
        "tags": ["rdp"]
    });
    let errs = errors(v, &bad);
    assert!(errs.iter().any(|e| e.contains("uuid")), "{errs:?}");
    assert!(errs.iter().any(|e| e.contains("/tags/0")), "{errs:?}");
    assert!(!v.is_valid(&bad));
}

#[test]
fn every_catalogue_entry_exports_a_valid_report() {
    let v = validator();
    let r = renderer();
    let mut types = std::collections::BTreeSet::new();
    for entry in r.catalogue().entries() {
        let tags = ["rdp", "cve-2024-45519", "Hacked Webserver", "defacement"];
        let with_port = Finding::new("192.0.2.1", entry.id.as_str(), at(2025, 3, 4, 0, 0, 0))
            .with_port(443)
            .with_protocol("TCP")
            .with_asset("www.example.nl")
            .with_tag(tags.join(";"))
            .with_source("feed.csv", 7)
            .with_extra("banner", "Apache/2.4.41");
        let bare = Finding::new("2001:db8::7", entry.id.as_str(), at(2025, 3, 4, 0, 0, 0));
        for f in [with_port, bare] {
            let mut notice = one_notice(&r, vec![f], recipient("en"));
            notice.groups[0].entry = entry.id.clone();
            for report in assert_valid(v, &r, &notice) {
                types.insert(format!("{}/{}", report["category"], report["type"]));
            }
        }
    }
    // the entries use these category/type pairs (cve without a port is
    // exported as misconfiguration)
    assert!(types.len() >= 6, "{types:?}");
}

#[test]
fn hostile_findings_export_valid_reports() {
    let v = validator();
    let r = renderer();
    let web = Finding::new(
        "192.0.2.80",
        "compromised_website",
        at(2025, 3, 4, 9, 30, 0),
    )
    .with_port(443)
    .with_asset("https://www.example.nl:8443/wp admin/<script>?a=1#x#y")
    .with_tag("hacked-webserver");
    let zero_port = hostile_rdp().with_port(0);
    let notice = one_notice(&r, vec![hostile_rdp(), web, zero_port], recipient("en"));
    let reports = assert_valid(v, &r, &notice);
    // notice order: the two RDP findings, then the website
    assert_eq!(reports[0]["type"], "open_service");
    assert_eq!(reports[0]["tags"][0], "tag:rdp");
    assert!(
        reports[1].get("source_port").is_none(),
        "port 0 is left out"
    );
    assert_eq!(reports[2]["category"], "content");
    assert_eq!(reports[2]["compromise_type"], "other");
    // a reported URL with a space and `<` is not used as one: the report
    // names the IP, and keeps the reported value in additional_info
    let url = reports[2]["url"].as_str().unwrap();
    assert_eq!(url, "http://192.0.2.80/");
    assert_eq!(
        reports[2]["additional_info"]["reported_name"],
        "https://www.example.nl:8443/wp admin/<script>?a=1#x#y"
    );
    let clean = Finding::new(
        "192.0.2.80",
        "compromised_website",
        at(2025, 3, 4, 9, 30, 0),
    )
    .with_port(443)
    .with_asset("https://www.example.nl:8443/wp-admin/x.php?a=1#y")
    .with_tag("hacked-webserver");
    let notice = one_notice(&r, vec![clean], recipient("en"));
    let reports = assert_valid(v, &r, &notice);
    assert_eq!(
        reports[0]["url"],
        "https://www.example.nl:8443/wp-admin/x.php?a=1#y"
    );
}

#[test]
fn cve_reports_name_the_cve_and_port() {
    let v = validator();
    let r = renderer();
    let f = Finding::new("192.0.2.25", "scan_exchange", at(2025, 3, 5, 2, 11, 0))
        .with_port(443)
        .with_asset("mail.example.nl")
        .with_tag("exchange;cve-2022-41082");
    let notice = one_notice(&r, vec![f.clone()], recipient("en"));
    let reports = assert_valid(v, &r, &notice);
    assert_eq!(reports[0]["category"], "vulnerability");
    assert_eq!(reports[0]["type"], "cve");
    assert_eq!(reports[0]["cve_id"], "CVE-2022-41082");
    assert_eq!(reports[0]["service_port"], 443);
    assert_eq!(reports[0]["cve_ids"][0], "CVE-2021-26855");
    // without a port the schema's cve type cannot be filled
    let mut no_port = f;
    no_port.port = None;
    let notice = one_notice(&r, vec![no_port], recipient("en"));
    let reports = assert_valid(v, &r, &notice);
    assert_eq!(reports[0]["type"], "misconfiguration");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any scanner values still give reports the schema accepts.
    #[test]
    fn any_values_give_valid_reports(
        ip in "\\PC{0,40}",
        asset in "\\PC{0,80}",
        tag in "\\PC{0,40}",
        key in "\\PC{0,20}",
        value in "\\PC{0,80}",
        port in proptest::option::of(any::<u16>()),
        report_type in proptest::sample::select(vec![
            "scan_rdp", "scan_smb", "scan_exchange", "compromised_website",
            "event4_sinkhole", "compromised_account", "scan_http_vulnerable", "",
        ]),
    ) {
        let v = validator();
        let r = renderer();
        let mut f = Finding::new(ip, report_type, at(2025, 3, 4, 0, 0, 0))
            .with_asset(asset)
            .with_tag(tag)
            .with_extra(key, value);
        f.port = port;
        let notice = one_notice(&r, vec![f], recipient("en"));
        assert_valid(v, &r, &notice);
    }
}
