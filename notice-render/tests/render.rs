//! Rendering: the MIME message, the hostile row, CSV, JSON, XARF, templates.

mod common;

use common::*;
use notice_render::{
    AggregateOptions, Catalogue, Error, ErrorKind, Finding, Recipient, Renderer, Templates,
    aggregate,
};

fn one_notice(r: &Renderer, findings: Vec<Finding>, to: Recipient) -> notice_render::Notice {
    let pairs = findings.into_iter().map(|f| (f, to.clone()));
    let mut agg = aggregate(r.catalogue(), pairs, &AggregateOptions::default(), now()).unwrap();
    assert_eq!(agg.notices.len(), 1);
    agg.notices.remove(0)
}

#[test]
fn mime_has_the_structure_and_headers() {
    let r = renderer();
    let notice = one_notice(&r, vec![hostile_rdp()], recipient("nl"));
    let out = r.render(&notice, now()).unwrap();
    let mime = String::from_utf8(out.mime.clone()).expect("mime is ASCII");
    assert!(mime.is_ascii());
    // every line ends in CRLF and no line is longer than 998 octets (RFC 5322)
    assert!(!mime.replace("\r\n", "").contains('\n'));
    assert!(!mime.replace("\r\n", "").contains('\r'));
    assert!(mime.split("\r\n").all(|l| l.len() <= 998));

    let h = headers(&mime);
    assert_eq!(
        header(&h, "From"),
        Some("\"Example CERT\" <cert@example.org>")
    );
    assert_eq!(header(&h, "Reply-To"), Some("<abuse-desk@example.org>"));
    assert_eq!(
        header(&h, "To"),
        Some("\"Voorbeeld B.V.\" <security@example.nl>")
    );
    assert_eq!(header(&h, "Date"), Some("Wed, 5 Mar 2025 08:00:00 +0000"));
    assert_eq!(
        header(&h, "Message-ID"),
        Some("<NTC-20250305-00001@notices.example.org>")
    );
    assert_eq!(header(&h, "Auto-Submitted"), Some("auto-generated"));
    assert_eq!(header(&h, "Content-Language"), Some("nl"));
    assert_eq!(header(&h, "MIME-Version"), Some("1.0"));
    // the hostile asset cannot add a header
    assert!(header(&h, "Bcc").is_none());
    let subject = header(&h, "Subject").unwrap();
    assert!(
        subject.starts_with("=?"),
        "subject is RFC 2047 encoded: {subject}"
    );

    let mixed = header(&h, "Content-Type").unwrap();
    assert!(mixed.starts_with("multipart/mixed"));
    let body = mime.split_once("\r\n\r\n").unwrap().1;
    let top = parts(body, &boundary_of(mixed));
    assert_eq!(top.len(), 2);
    let alt_type = header(&top[0].0, "Content-Type").unwrap();
    assert!(alt_type.starts_with("multipart/alternative"));
    let csv_part = &top[1];
    assert!(
        header(&csv_part.0, "Content-Type")
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        header(&csv_part.0, "Content-Disposition")
            .unwrap()
            .contains("filename=\"NTC-20250305-00001.csv\"")
    );
    assert_eq!(
        csv_part.1.replace("\r\n", "\n"),
        out.csv.replace("\r\n", "\n")
    );

    let alt_body = &top[0].1;
    let alt = parts(alt_body, &boundary_of(alt_type));
    assert_eq!(alt.len(), 2);
    assert!(
        header(&alt[0].0, "Content-Type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(
        header(&alt[1].0, "Content-Type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(alt[0].1.replace("\r\n", "\n"), out.text);
    assert_eq!(alt[1].1.replace("\r\n", "\n"), out.html);
}

#[test]
fn to_without_organisation_has_no_empty_name() {
    let r = renderer();
    let notice = one_notice(
        &r,
        vec![hostile_rdp()],
        Recipient::new("security@example.nl"),
    );
    let mime = String::from_utf8(r.mime(&notice, now()).unwrap()).unwrap();
    assert_eq!(header(&headers(&mime), "To"), Some("<security@example.nl>"));
}

#[test]
fn mime_is_deterministic() {
    let r = renderer();
    let notice = one_notice(&r, vec![hostile_rdp()], recipient("en"));
    assert_eq!(
        r.mime(&notice, now()).unwrap(),
        r.mime(&notice, now()).unwrap()
    );
}

#[test]
fn a_body_cannot_contain_its_boundary() {
    // Render once to learn the boundary, then put it into a field: the
    // boundary must change so the part cannot be closed early.
    let r = renderer();
    let notice = one_notice(&r, vec![hostile_rdp()], recipient("en"));
    let mime = String::from_utf8(r.mime(&notice, now()).unwrap()).unwrap();
    let b = boundary_of(header(&headers(&mime), "Content-Type").unwrap());
    let evil = hostile_rdp().with_extra("banner", format!("--{b}--"));
    let notice = one_notice(&r, vec![evil], recipient("en"));
    let mime2 = String::from_utf8(r.mime(&notice, now()).unwrap()).unwrap();
    let b2 = boundary_of(header(&headers(&mime2), "Content-Type").unwrap());
    let body = mime2.split_once("\r\n\r\n").unwrap().1;
    assert_eq!(parts(body, &b2).len(), 2);
}

#[test]
fn hostile_row_is_inert_in_every_output() {
    let r = renderer();
    for lang in ["nl", "en"] {
        let notice = one_notice(&r, vec![hostile_rdp()], recipient(lang));
        let out = r.render(&notice, now()).unwrap();
        // HTML: escaped, bidi visible
        assert!(!out.html.contains("<img"));
        assert!(!out.html.contains("<script"));
        assert!(!out.html.contains('\u{202E}'));
        assert!(out.html.contains(
            "&lt;img src=x onerror=alert(1)&gt;&quot;evil&quot;&amp;&lt;U+202E&gt;txt[.]exe"
        ));
        // text: bidi visible, CR/LF visible, names and URLs defanged, 78 columns
        assert!(!out.text.contains('\u{202E}'));
        assert!(!out.text.contains('\r'));
        assert!(out.text.contains("<U+202E>txt[.]exe"));
        // an asset that is not a host name is shown only as a quoted inert value
        assert!(
            out.text
                .contains("\"host-5.dsl.example.net<U+000D><U+000A>Bcc: victim@example.com\"")
        );
        assert!(!out.text.contains("(host-5"));
        assert!(out.text.contains("hxxp://evil[.]example[.]net/x?<script>"));
        assert!(!out.text.contains("http://evil"));
        assert!(out.text.lines().all(|l| l.chars().count() <= 78));
        // subject: one line, names the system (the IP: the reported name is
        // not a host name), the problem and the ticket
        assert!(!out.subject.contains(['\r', '\n']));
        assert!(!out.subject.contains("host-5"));
        assert!(out.subject.starts_with("203.0.113.5: "));
        assert!(out.subject.contains("RDP"));
        assert!(out.subject.ends_with("[NTC-20250305-00001]"));
        // CSV: formulas neutralised, quotes doubled, bidi visible
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(out.csv.as_bytes());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{cell}"
                );
            }
        }
        assert!(!out.csv.contains('\u{202E}'));
        // JSON and XARF: bidi escaped, valid JSON
        let json = r.json(&notice, now()).unwrap();
        assert!(!json.contains('\u{202E}'));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let extra = &v["problems"][0]["findings"][0]["extra"][0][1];
        assert_eq!(extra.as_str(), Some(HOSTILE_CN));
        for x in r.xarf(&notice).unwrap() {
            assert!(!x.contains('\u{202E}'));
            let _: serde_json::Value = serde_json::from_str(&x).unwrap();
        }
    }
}

#[test]
fn csv_is_rfc4180() {
    let r = renderer();
    let f = Finding::new("192.0.2.44", "scan_smb", at(2025, 3, 4, 5, 2, 11))
        .with_port(445)
        .with_asset("-nas, \"quoted\"")
        .with_tag("smb")
        .with_extra("note", "line1\nline2");
    let notice = one_notice(&r, vec![f], recipient("en"));
    let csv = r.csv(&notice);
    let rows: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(rows.len(), 2);
    assert!(rows[0].starts_with("\"ticket\",\"problem\",\"title\",\"ip\""));
    assert!(rows[1].contains(",\"'-nas, \"\"quoted\"\"\","));
    assert!(rows[1].contains("line1<U+000A>line2"));
    // read back with a CSV parser: 18 columns in both rows
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r.len() == 18));
    // not a host name: not in `asset`, but kept in `reported_name`
    assert_eq!(&records[1][6], "");
    assert_eq!(&records[0][14], "reported_name");
    assert_eq!(&records[1][14], "'-nas, \"quoted\"");
}

#[test]
fn xarf_reports_follow_the_core_schema() {
    let r = renderer();
    let web = Finding::new(
        "192.0.2.80",
        "compromised_website",
        at(2025, 3, 4, 9, 30, 0),
    )
    .with_port(443)
    .with_asset("www.example.nl")
    .with_tag("hacked-webserver");
    let notice = one_notice(&r, vec![hostile_rdp(), web], recipient("en"));
    let reports = r.xarf(&notice).unwrap();
    assert_eq!(reports.len(), 2);
    let a: serde_json::Value = serde_json::from_str(&reports[0]).unwrap();
    for field in [
        "xarf_version",
        "report_id",
        "timestamp",
        "reporter",
        "sender",
        "source_identifier",
        "category",
        "type",
        "evidence_source",
    ] {
        assert!(a.get(field).is_some(), "missing {field}");
    }
    assert_eq!(a["xarf_version"], "4.2.0");
    assert_eq!(a["category"], "vulnerability");
    assert_eq!(a["type"], "open_service");
    assert_eq!(a["service"], "rdp");
    assert_eq!(a["source_identifier"], "203.0.113.5");
    assert_eq!(a["source_port"], 3389);
    assert_eq!(a["reporter"]["contact"], "abuse-desk@example.org");
    assert_eq!(a["timestamp"], "2025-03-04T01:13:02+00:00");
    let b: serde_json::Value = serde_json::from_str(&reports[1]).unwrap();
    assert_eq!(b["category"], "content");
    assert_eq!(b["url"], "http://www.example.nl/");
    assert_ne!(a["report_id"], b["report_id"]);
    assert_eq!(reports, r.xarf(&notice).unwrap());
}

#[test]
fn json_accounts_for_every_finding() {
    let r = renderer();
    let smb = Finding::new("192.0.2.45", "scan_smb", at(2025, 3, 4, 5, 2, 37)).with_port(445);
    let notice = one_notice(&r, vec![hostile_rdp(), smb.clone(), smb], recipient("nl"));
    let v: serde_json::Value = serde_json::from_str(&r.json(&notice, now()).unwrap()).unwrap();
    assert_eq!(v["ticket"], "NTC-20250305-00001");
    assert_eq!(v["language"], "nl");
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0]["entry"], "exposed-rdp");
    assert_eq!(problems[1]["entry"], "exposed-smb");
    let indexes: Vec<u64> = problems
        .iter()
        .flat_map(|p| {
            p["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["index"].as_u64().unwrap())
        })
        .collect();
    // The two equal SMB findings (same address, port and problem) are one item counted twice.
    assert_eq!(indexes, vec![0, 1]);
    let counts: Vec<u64> = problems
        .iter()
        .flat_map(|p| {
            p["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["count"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(counts, vec![1, 2], "every input finding is accounted for");
}

#[test]
fn subject_counts_other_assets_and_problems() {
    let r = renderer();
    let smb = Finding::new("192.0.2.45", "scan_smb", at(2025, 3, 4, 5, 2, 37))
        .with_port(445)
        .with_asset("nas.example.nl");
    let rdp = Finding::new("192.0.2.46", "scan_rdp", at(2025, 3, 4, 5, 2, 37))
        .with_asset("rdp.example.nl");
    let notice = one_notice(&r, vec![smb, rdp], recipient("en"));
    let s = r.subject(&notice, now()).unwrap();
    assert_eq!(
        s,
        "nas[.]example[.]nl and 1 more: file sharing (SMB) open to the internet and 1 more issue [NTC-20250305-00001]"
    );
    let lower = s.to_lowercase();
    for alarm in ["urgent", "warning", "alert", "!"] {
        assert!(!lower.contains(alarm));
    }
}

#[test]
fn every_text_line_fits_78_columns_for_every_entry() {
    let r = renderer();
    for entry in r.catalogue().entries() {
        for lang in ["nl", "en"] {
            let f = Finding::new("192.0.2.1", entry.id.as_str(), at(2025, 3, 4, 0, 0, 0));
            let mut notice = one_notice(&r, vec![f], recipient(lang));
            notice.groups[0].entry = entry.id.clone();
            let text = r.text(&notice, now()).unwrap();
            for line in text.lines() {
                assert!(line.chars().count() <= 78, "{}/{lang}: {line}", entry.id);
            }
        }
    }
}

#[test]
fn templates_can_be_overridden_from_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("subject.en.txt"),
        "Ticket {{ ticket }} about {{ asset }}",
    )
    .unwrap();
    let templates = Templates::embedded().with_dir(dir.path()).unwrap();
    let r = Renderer::new(Catalogue::embedded().unwrap(), templates, options()).unwrap();
    let notice = one_notice(&r, vec![hostile_rdp()], recipient("en"));
    assert!(
        r.subject(&notice, now())
            .unwrap()
            .starts_with("Ticket NTC-20250305-00001 about 203.0.113.5")
    );
}

#[test]
fn strict_undefined_is_found_when_the_renderer_is_built() {
    let templates = Templates::embedded()
        .with_template("notice.nl.txt", "Hallo\n{{ recipient.nmae }}\n")
        .unwrap();
    let err = Renderer::new(Catalogue::embedded().unwrap(), templates, options()).unwrap_err();
    match err.kind() {
        ErrorKind::Template { .. } => {
            assert_eq!(err.source_name(), "notice.nl.txt");
            assert_eq!(err.line(), 2);
            assert!(
                err.to_string().starts_with("template notice.nl.txt:2: "),
                "{err}"
            );
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn template_syntax_errors_have_a_line() {
    let templates = Templates::embedded()
        .with_template("notice.en.html", "<p>\n\n{% if x %}\n")
        .unwrap();
    let err = Renderer::new(Catalogue::embedded().unwrap(), templates, options()).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Template { .. })
            && err.source_name() == "notice.en.html"
            && err.line() >= 3,
        "{err}"
    );
}

#[test]
fn unknown_template_name_and_oversized_template_are_refused() {
    assert!(matches!(
        Templates::embedded()
            .with_template("notice.de.txt", "x")
            .map_err(Error::into_kind),
        Err(ErrorKind::Template { .. })
    ));
    let max = notice_render::limits::MAX_SOURCE_BYTES;
    assert!(
        Templates::embedded()
            .with_template("subject.en.txt", "x".repeat(max))
            .is_ok()
    );
    assert!(matches!(
        Templates::embedded().with_template("subject.en.txt", "x".repeat(max + 1)).map_err(Error::into_kind),
        Err(ErrorKind::TooLarge { len, .. }) if len == max + 1
    ));
}

#[test]
fn render_options_are_checked() {
    let cat = || Catalogue::embedded().unwrap();
    let bad_from =
        notice_render::RenderOptions::new("CERT", "cert@example.org\r\nBcc: x@y", "example.org");
    assert!(matches!(
        Renderer::new(cat(), Templates::embedded(), bad_from).map_err(Error::into_kind),
        Err(ErrorKind::Option { name: "from", .. })
    ));
    let bad_domain = notice_render::RenderOptions::new("CERT", "cert@example.org", "exa mple.org");
    assert!(matches!(
        Renderer::new(cat(), Templates::embedded(), bad_domain).map_err(Error::into_kind),
        Err(ErrorKind::Option {
            name: "message_id_domain",
            ..
        })
    ));
    let bad_name = notice_render::RenderOptions::new("CERT\n", "cert@example.org", "example.org");
    assert!(matches!(
        Renderer::new(cat(), Templates::embedded(), bad_name).map_err(Error::into_kind),
        Err(ErrorKind::Option {
            name: "sender_name",
            ..
        })
    ));
}

#[test]
fn extra_fields_over_the_cap_are_counted_visibly() {
    use notice_render::limits::MAX_EXTRA_FIELDS;
    let r = renderer();
    let mut under = Finding::new("192.0.2.9", "scan_rdp", at(2025, 3, 4, 0, 0, 0));
    for i in 0..MAX_EXTRA_FIELDS {
        under = under.with_extra(format!("k{i}"), "v");
    }
    let over = under
        .clone()
        .with_extra("last", "v")
        .with_extra("last2", "v");
    let t_under = r
        .text(&one_notice(&r, vec![under], recipient("en")), now())
        .unwrap();
    assert!(!t_under.contains("more fields"));
    let t_over = r
        .text(&one_notice(&r, vec![over], recipient("en")), now())
        .unwrap();
    assert!(t_over.contains("(+2 more fields, see the attachment)"));
    assert!(!t_over.contains("last2: v"));
}

#[test]
fn long_values_are_cut_visibly() {
    use notice_render::limits::MAX_FIELD_CHARS;
    let r = renderer();
    let f = Finding::new("192.0.2.9", "scan_rdp", at(2025, 3, 4, 0, 0, 0))
        .with_extra("banner", "b".repeat(MAX_FIELD_CHARS + 10));
    let html = r
        .html(&one_notice(&r, vec![f], recipient("en")), now())
        .unwrap();
    assert!(html.contains(&format!(
        "banner: {}[+10 chars]",
        "b".repeat(MAX_FIELD_CHARS)
    )));
    assert!(!html.contains(&"b".repeat(MAX_FIELD_CHARS + 1)));
}
