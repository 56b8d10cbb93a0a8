//! The catalogue files: loading, validation with positions, caps, mapping.

mod common;

use common::at;
use notice_render::limits::{MAX_ENTRIES, MAX_SOURCE_BYTES};
use notice_render::{Catalogue, Classification, Error, ErrorKind, Finding, Kind, Language};
use notice_render::{EMBEDDED_CATALOGUE, MAPPING_FILE};

const ENTRIES: [&str; 13] = [
    "exposed-rdp",
    "exposed-smb",
    "exchange",
    "zimbra-cve-2024-45519",
    "ivanti-connect-secure",
    "fortinet-fortios",
    "qlik-sense",
    "botnet-device",
    "compromised-website",
    "leaked-credentials",
    "vulnerable-http",
    "exposed-device",
    "generic",
];

fn sources() -> Vec<(String, String)> {
    EMBEDDED_CATALOGUE
        .iter()
        .map(|(n, s)| ((*n).to_string(), (*s).to_string()))
        .collect()
}

fn load(files: &[(String, String)]) -> Result<Catalogue, Error> {
    Catalogue::from_sources(files.iter().map(|(n, s)| (n.as_str(), s.as_str())))
}

fn with_file(name: &str, f: impl Fn(&str) -> String) -> Vec<(String, String)> {
    sources()
        .into_iter()
        .map(|(n, s)| {
            if n == name {
                let t = f(&s);
                (n, t)
            } else {
                (n, s)
            }
        })
        .collect()
}

fn catalogue_error(r: Result<Catalogue, Error>) -> (String, usize, String) {
    match r.map_err(|e| (e.source_name().to_owned(), e.line(), e.into_kind())) {
        Err((file, line, ErrorKind::Catalogue { message })) => (file, line, message),
        Err((_, _, other)) => panic!("unexpected error {other}"),
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn embedded_catalogue_has_every_entry_complete_in_both_languages() {
    let c = Catalogue::embedded().unwrap();
    let ids: Vec<&str> = c.entries().iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ENTRIES);
    assert_eq!(c.fallback().id, "generic");
    for e in c.entries() {
        for lang in Language::ALL {
            let t = e.text(lang);
            assert!(
                !t.title.is_empty()
                    && !t.seen.is_empty()
                    && !t.why.is_empty()
                    && !t.provider.is_empty()
            );
            assert!(!t.actions.is_empty());
            if e.kind == Kind::Exposure {
                let x = t.exposure.as_deref().unwrap();
                assert!(
                    x.contains("VPN") && x.contains("MFA") && x.contains("allow-list"),
                    "{}",
                    e.id
                );
            }
            if e.kind == Kind::Compromise {
                assert!(t.compromise.is_some(), "{}", e.id);
            }
        }
        assert!(!e.references.is_empty(), "{} has references", e.id);
    }
    // the exposure and compromise kinds are where the issue asks for them
    let kind = |id: &str| c.entry(id).unwrap().kind;
    assert_eq!(kind("exposed-rdp"), Kind::Exposure);
    assert_eq!(kind("exposed-smb"), Kind::Exposure);
    assert_eq!(kind("botnet-device"), Kind::Compromise);
    assert_eq!(kind("compromised-website"), Kind::Compromise);
    assert_eq!(kind("leaked-credentials"), Kind::Compromise);
    assert_eq!(
        c.entry("zimbra-cve-2024-45519").unwrap().cves,
        ["CVE-2024-45519"]
    );
}

#[test]
fn catalogue_loads_from_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in sources() {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), "not a catalogue file").unwrap();
    let edited = std::fs::read_to_string(dir.path().join("exposed-rdp.toml"))
        .unwrap()
        .replace(
            "Remote Desktop (RDP) can be reached from the whole internet",
            "RDP is open",
        );
    std::fs::write(dir.path().join("exposed-rdp.toml"), edited).unwrap();
    let c = Catalogue::from_dir(dir.path()).unwrap();
    assert_eq!(c.entries().len(), ENTRIES.len());
    assert_eq!(c.entry("exposed-rdp").unwrap().en.title, "RDP is open");
    assert!(matches!(
        Catalogue::from_dir(&dir.path().join("missing")).map_err(Error::into_kind),
        Err(ErrorKind::Io { .. })
    ));
}

#[test]
fn a_field_missing_in_one_language_is_reported_with_file_and_line() {
    let files = with_file("exposed-rdp.toml", |s| {
        let en = s.find("[en]").unwrap();
        let (head, tail) = s.split_at(en);
        let start = tail.find("why = ").unwrap();
        let end = start + tail[start..].find('\n').unwrap() + 1;
        format!("{head}{}{}", &tail[..start], &tail[end..])
    });
    let (file, line, message) = catalogue_error(load(&files));
    assert_eq!(file, "exposed-rdp.toml");
    assert!(message.contains("why"), "{message}");
    let en_line = EMBEDDED_CATALOGUE[1]
        .1
        .lines()
        .position(|l| l == "[en]")
        .unwrap()
        + 1;
    assert!(
        line >= en_line,
        "line {line} should point into [en] (from {en_line})"
    );
}

#[test]
fn an_optional_field_in_one_language_only_is_an_error() {
    let files = with_file("exchange.toml", |s| {
        let en = s.find("[en]").unwrap();
        let (head, tail) = s.split_at(en);
        let start = tail.find("compromise = ").unwrap();
        format!("{head}{}", &tail[..start])
    });
    let (file, line, message) = catalogue_error(load(&files));
    assert_eq!(file, "exchange.toml");
    assert!(
        message.contains("`compromise` is in [nl] but missing in [en]"),
        "{message}"
    );
    let expected = EMBEDDED_CATALOGUE[3]
        .1
        .lines()
        .position(|l| l.starts_with("compromise = "))
        .unwrap()
        + 1;
    assert_eq!(line, expected);
}

#[test]
fn semantic_errors_point_at_their_line() {
    let cases: [(&str, &str, &str, &str); 6] = [
        (
            "exposed-rdp.toml",
            "cves = [\"CVE-2019-0708\"]",
            "cves = [\"CVE-19-0708\"]",
            "not a CVE id",
        ),
        (
            "exposed-rdp.toml",
            "url = \"https://msrc",
            "url = \"http://msrc",
            "https:// URL",
        ),
        (
            "exposed-rdp.toml",
            "subject = \"Remote Desktop (RDP) open to the internet\"",
            "subject = \"URGENT: Remote Desktop open\"",
            "alarm word",
        ),
        (
            "exposed-rdp.toml",
            "id = \"exposed-rdp\"",
            "id = \"exposed-smb\"",
            "differs from the file name",
        ),
        (
            "exposed-rdp.toml",
            "kind = \"exposure\"",
            "kind = \"danger\"",
            "kind `danger`",
        ),
        (
            "mapping.toml",
            "entry = \"qlik-sense\"",
            "entry = \"qlik\"",
            "unknown entry `qlik`",
        ),
    ];
    for (file, from, to, wanted) in cases {
        let files = with_file(file, |s| {
            assert!(s.contains(from), "{from}");
            s.replacen(from, to, 1)
        });
        let src = files.iter().find(|(n, _)| n == file).unwrap().1.clone();
        let expected_line = src.lines().position(|l| l.contains(to)).unwrap() + 1;
        let (f, line, message) = catalogue_error(load(&files));
        assert_eq!(f, file);
        assert!(message.contains(wanted), "{message}");
        assert_eq!(line, expected_line, "{message}");
    }
}

#[test]
fn exposure_entries_must_explain_exposure() {
    let files = with_file("exposed-smb.toml", |s| {
        let mut out = String::new();
        let mut skipping = false;
        for line in s.lines() {
            if line.starts_with("exposure = ") {
                skipping = true;
                continue;
            }
            if skipping {
                if line == "\"\"\"" {
                    skipping = false;
                }
                continue;
            }
            out.push_str(line);
            out.push('\n');
        }
        out
    });
    let (_, _, message) = catalogue_error(load(&files));
    assert!(
        message.contains("exposure entry needs `exposure`"),
        "{message}"
    );
}

#[test]
fn duplicate_ids_and_missing_mapping_are_errors() {
    let mut files = sources();
    files.push(("exposed-rdp.toml".to_string(), files[1].1.clone()));
    let (_, _, message) = catalogue_error(load(&files));
    assert!(message.contains("used twice"), "{message}");
    let files: Vec<_> = sources()
        .into_iter()
        .filter(|(n, _)| n != MAPPING_FILE)
        .collect();
    let (file, _, _) = catalogue_error(load(&files));
    assert_eq!(file, MAPPING_FILE);
}

#[test]
fn toml_syntax_errors_have_a_line() {
    let files = with_file("generic.toml", |s| s.replacen("[nl]", "[nl\n", 1));
    let (file, line, _) = catalogue_error(load(&files));
    assert_eq!(file, "generic.toml");
    let expected = EMBEDDED_CATALOGUE[13]
        .1
        .lines()
        .position(|l| l == "[nl]")
        .unwrap()
        + 1;
    assert_eq!(line, expected);
}

#[test]
fn source_size_cap_just_under_and_over() {
    let pad = |s: &str, total: usize| format!("{s}{}", "#".repeat(total - s.len()));
    let under = with_file("generic.toml", |s| pad(&format!("{s}\n"), MAX_SOURCE_BYTES));
    assert!(load(&under).is_ok());
    let over = with_file("generic.toml", |s| {
        pad(&format!("{s}\n"), MAX_SOURCE_BYTES + 1)
    });
    assert!(
        matches!(load(&over).map_err(Error::into_kind), Err(ErrorKind::TooLarge { max, len, .. }) if max == MAX_SOURCE_BYTES && len == MAX_SOURCE_BYTES + 1)
    );
}

#[test]
fn entry_count_cap_just_under_and_over() {
    let generic = EMBEDDED_CATALOGUE
        .iter()
        .find(|(n, _)| *n == "generic.toml")
        .unwrap()
        .1;
    let make = |n: usize| {
        let mut files = vec![(
            MAPPING_FILE.to_string(),
            "fallback = \"generic\"\n".to_string(),
        )];
        files.push(("generic.toml".to_string(), generic.to_string()));
        for i in 1..n {
            let id = format!("copy-{i}");
            files.push((
                format!("{id}.toml"),
                generic.replacen("id = \"generic\"", &format!("id = \"{id}\""), 1),
            ));
        }
        files
    };
    assert_eq!(
        load(&make(MAX_ENTRIES)).unwrap().entries().len(),
        MAX_ENTRIES
    );
    assert!(matches!(
        load(&make(MAX_ENTRIES + 1)).map_err(Error::into_kind),
        Err(ErrorKind::TooLarge {
            max: MAX_ENTRIES,
            ..
        })
    ));
}

fn entry_for(f: Finding) -> String {
    Catalogue::embedded().unwrap().classify(&f).id.clone()
}

#[test]
fn shadowserver_report_types_and_tags_map_to_entries() {
    let t = at(2025, 3, 4, 0, 0, 0);
    let cases = [
        ("scan_rdp", "rdp", "exposed-rdp"),
        ("scan6_rdp", "rdp", "exposed-rdp"),
        ("scan_smb", "smb", "exposed-smb"),
        ("scan_exchange", "exchange;cve-2021-26855", "exchange"),
        ("scan_exchange", "exchange;webshell", "exchange"),
        (
            "scan_http_vulnerable",
            "ivanti-connect-secure;cve-2025-22457",
            "ivanti-connect-secure",
        ),
        (
            "scan_http_vulnerable",
            "fortios;cve-2024-21762",
            "fortinet-fortios",
        ),
        (
            "scan_http_vulnerable",
            "qlik-sense;cve-2023-48365",
            "qlik-sense",
        ),
        (
            "scan_http_vulnerable",
            "cve-2024-45519",
            "zimbra-cve-2024-45519",
        ),
        ("scan_http_vulnerable", "cve-2099-0001", "vulnerable-http"),
        (
            "compromised_website",
            "hacked-webserver",
            "compromised-website",
        ),
        ("compromised_account", "infostealer", "leaked-credentials"),
        ("event4_sinkhole", "andromeda", "botnet-device"),
        ("event4_sinkhole_http", "qakbot", "botnet-device"),
        ("compromised_iot", "router;botnet", "botnet-device"),
        ("device_id", "ssl,vpn", "exposed-device"),
        (
            "special",
            "ivanti-connect-secure;compromised",
            "ivanti-connect-secure",
        ),
        ("special", "fortios;symlink-persistence", "fortinet-fortios"),
        ("special", "something-new", "generic"),
        ("", "", "generic"),
    ];
    for (report, tags, expected) in cases {
        let f = Finding::new("192.0.2.1", report, t).with_tag(tags);
        assert_eq!(entry_for(f), expected, "{report} / {tags}");
    }
}

#[test]
fn tags_and_report_types_match_case_insensitively() {
    let t = at(2025, 3, 4, 0, 0, 0);
    assert_eq!(
        entry_for(Finding::new("192.0.2.1", "SCAN_RDP", t)),
        "exposed-rdp"
    );
    assert_eq!(
        entry_for(Finding::new("192.0.2.1", "x", t).with_tag(" Zimbra ; other")),
        "zimbra-cve-2024-45519"
    );
}

#[test]
fn intelmq_classifications_map_to_entries() {
    let t = at(2025, 3, 4, 0, 0, 0);
    let cases = [
        (
            ("vulnerable", "vulnerable-system", "accessible-rdp"),
            "exposed-rdp",
        ),
        (
            ("vulnerable", "vulnerable-system", "accessible-smb"),
            "exposed-smb",
        ),
        (
            ("malicious-code", "infected-system", "mirai"),
            "botnet-device",
        ),
        (
            ("intrusions", "compromised", "compromised-website"),
            "compromised-website",
        ),
        (
            ("information-content-security", "data-leak", "x"),
            "leaked-credentials",
        ),
        (
            (
                "vulnerable",
                "vulnerable-system",
                "vulnerable-exchange-server",
            ),
            "exchange",
        ),
        (("other", "other", "unknown"), "generic"),
    ];
    for ((tax, kind, id), expected) in cases {
        let f = Finding::new("192.0.2.1", "", t)
            .with_classification(Classification::new(tax, kind, id));
        assert_eq!(entry_for(f), expected, "{tax}/{kind}/{id}");
    }
}

#[test]
fn mapping_rules_must_have_a_criterion_and_well_formed_patterns() {
    let files = with_file(MAPPING_FILE, |s| {
        format!("{s}\n[[rule]]\nentry = \"generic\"\n")
    });
    let (_, _, message) = catalogue_error(load(&files));
    assert!(message.contains("no report_types"), "{message}");
    let files = with_file(MAPPING_FILE, |s| {
        format!("{s}\n[[rule]]\nentry = \"generic\"\nclassifications = [\"a/b/c/d\"]\n")
    });
    let (_, line, message) = catalogue_error(load(&files));
    assert!(
        message.contains("taxonomy[/type[/identifier]]"),
        "{message}"
    );
    let src = &files.iter().find(|(n, _)| n == MAPPING_FILE).unwrap().1;
    assert_eq!(line, src.lines().count());
}

#[test]
fn tag_cap_just_under_and_over() {
    use notice_render::limits::MAX_TAGS;
    let t = at(2025, 3, 4, 0, 0, 0);
    let mut tags = vec!["x".to_string(); MAX_TAGS - 1];
    tags.push("rdp".to_string());
    let f = Finding::new("192.0.2.1", "", t).with_tag(tags.join(";"));
    assert_eq!(f.normalised_tags().len(), MAX_TAGS);
    assert_eq!(entry_for(f), "exposed-rdp");
    let mut tags = vec!["x".to_string(); MAX_TAGS];
    tags.push("rdp".to_string());
    let f = Finding::new("192.0.2.1", "", t).with_tag(tags.join(";"));
    assert_eq!(f.normalised_tags().len(), MAX_TAGS);
    assert_eq!(entry_for(f), "generic");
}

#[test]
fn subject_and_text_caps_just_under_and_over() {
    use notice_render::limits::{MAX_SUBJECT_CHARS, MAX_TEXT_CHARS};
    let subject = "subject = \"security problem on a system\"";
    let under = with_file("generic.toml", |s| {
        s.replacen(
            subject,
            &format!("subject = \"{}\"", "a".repeat(MAX_SUBJECT_CHARS)),
            1,
        )
    });
    assert!(load(&under).is_ok());
    let over = with_file("generic.toml", |s| {
        s.replacen(
            subject,
            &format!("subject = \"{}\"", "a".repeat(MAX_SUBJECT_CHARS + 1)),
            1,
        )
    });
    let (_, _, message) = catalogue_error(load(&over));
    assert!(
        message.contains(&format!("more than the maximum {MAX_SUBJECT_CHARS}")),
        "{message}"
    );

    let seen = "seen = \"\"\"\nAt the address below";
    let long = |n: usize| format!("seen = \"\"\"\n{}\nAt the address below", "b".repeat(n));
    // the rest of the `seen` text is 2 + len of the remaining sentence; measure it
    let c = Catalogue::embedded().unwrap();
    let rest = c.entry("generic").unwrap().en.seen.chars().count();
    let under = with_file("generic.toml", |s| {
        s.replacen(seen, &long(MAX_TEXT_CHARS - rest - 1), 1)
    });
    assert!(load(&under).is_ok());
    let over = with_file("generic.toml", |s| {
        s.replacen(seen, &long(MAX_TEXT_CHARS - rest), 1)
    });
    let (_, _, message) = catalogue_error(load(&over));
    assert!(
        message.contains(&format!("more than the maximum {MAX_TEXT_CHARS}")),
        "{message}"
    );
}

#[test]
fn rule_count_cap_just_under_and_over() {
    use notice_render::limits::MAX_RULES;
    let rules = |n: usize| {
        let mut s = String::from("fallback = \"generic\"\n");
        for _ in 0..n {
            s.push_str("[[rule]]\nentry = \"generic\"\ntags = [\"x\"]\n");
        }
        s
    };
    let make = |n: usize| with_file(MAPPING_FILE, |_| rules(n));
    assert_eq!(
        load(&make(MAX_RULES)).unwrap().mapping().rules().len(),
        MAX_RULES
    );
    assert!(matches!(
        load(&make(MAX_RULES + 1)).map_err(Error::into_kind),
        Err(ErrorKind::TooLarge { max: MAX_RULES, .. })
    ));
}
