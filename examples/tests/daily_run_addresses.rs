//! Recipient addresses that are legal but hostile to a file system (issue 18, second round):
//! an override contact with `/` in its local part once got no notice, silently. Every address
//! the run takes gets its notice under a name inside `notices/` (files written = notices
//! counted); an address it cannot use is a counted problem with its line, never silence.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use examples::daily_run::{Args, run};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn args(snapshot: PathBuf, feed: PathBuf, out: &Path) -> Args {
    Args {
        snapshot,
        feeds: vec![feed],
        out: out.to_path_buf(),
        now: now(),
        lang: notice_render::Language::En,
        allow_partial_snapshot: false,
        config: Default::default(),
    }
}

/// A snapshot of overrides only, `192.0.2.(10 + i)/32` to contact `i`, and a feed with one
/// finding per prefix.
fn day(dir: &Path, contacts: &[&str]) -> (PathBuf, PathBuf) {
    let snap = dir.join("snapshot");
    fs::create_dir_all(&snap).expect("mkdir");
    let mut text = String::from("prefix_or_domain,organisation,contact,language\n");
    let mut feed = String::from("\"timestamp\",\"ip\",\"protocol\",\"port\",\"tag\"\n");
    for (i, c) in contacts.iter().enumerate() {
        let quoted = format!("\"{}\"", c.replace('"', "\"\""));
        text.push_str(&format!("192.0.2.{}/32,Org {i},{quoted},en\n", 10 + i));
        feed.push_str(&format!(
            "\"2026-11-22 01:00:00\",\"192.0.2.{}\",\"tcp\",3389,\"rdp\"\n",
            10 + i
        ));
    }
    fs::write(snap.join("overrides.csv"), text).expect("overrides");
    let path = dir.join("scan_rdp.csv");
    fs::write(&path, feed).expect("feed");
    (snap, path)
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).expect("read")).expect("JSON")
}

fn decisions(out: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(out.join("decisions.jsonl"))
        .expect("decisions")
        .lines()
        .map(|l| serde_json::from_str(l).expect("decision JSON"))
        .collect()
}

/// Every entry under `dir`, recursively, relative.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push(
                p.strip_prefix(dir)
                    .expect("prefix")
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    out.sort();
    out
}

/// `/` and the other RFC 5322 `atext` characters, dots where a dot-atom has none (`a..b`,
/// a leading `.`, a local part of dots), and path-like local parts: each gets its own notice,
/// addressed to it, in a file directly inside `notices/`.
#[test]
fn hostile_but_usable_local_parts_each_get_their_notice() {
    let contacts = [
        "soc/noc@x.example",
        "a/b@x.example",
        "a..b@x.example",
        ".hidden@x.example",
        "..@x.example",
        "../../../etc/passwd@x.example",
        "a/../b@x.example",
        "~!#$%&'*+=?^_`{|}@x.example",
        "-n@x.example",
    ];
    let tmp = tempfile::tempdir().expect("temp dir");
    let (snap, feed) = day(tmp.path(), &contacts);
    let out = tmp.path().join("out");
    let s = run(&args(snap, feed, &out)).expect("run");
    assert_eq!(s.decisions, contacts.len());
    let summary = json(&out.join("summary.json"));
    assert_eq!(summary["snapshot"]["problems"], 0, "{summary}");
    for (d, c) in decisions(&out).iter().zip(contacts) {
        assert_eq!(d["recipients"][0]["address"], c, "{d}");
    }
    // Files written = notices counted = one per contact, all directly in notices/.
    let mut want: Vec<String> = contacts
        .iter()
        .map(|c| format!("notices/{}", notice_render::notice_file_name(c, 1, 1)))
        .collect();
    want.extend(
        ["decisions.jsonl", "notices", "summary.json"]
            .iter()
            .map(|s| s.to_string()),
    );
    want.sort();
    assert_eq!(tree(&out), want);
    assert_eq!(summary["notices"], contacts.len());
    for c in contacts {
        let name = notice_render::notice_file_name(c, 1, 1);
        assert!(!name.contains('/') && !name.starts_with('.'), "{name}");
        let eml = fs::read_to_string(out.join("notices").join(&name)).expect("notice");
        let to = eml
            .lines()
            .find(|l| l.starts_with("To:"))
            .expect("To: header");
        assert!(to.ends_with(&format!("<{c}>")), "{to} for {c}");
    }
    // Nothing was written beside the output folder.
    let mut beside = tree(tmp.path());
    beside.retain(|p| !p.starts_with("out/"));
    assert_eq!(
        beside,
        ["out", "scan_rdp.csv", "snapshot", "snapshot/overrides.csv"]
    );
}

/// Contacts the run cannot put in a `To:` header (a quoted local part, legal in RFC 5322 but
/// not taken; `\`, a blank, a second `@`, NUL, which no address may hold): each is a snapshot
/// problem counted in `summary.json`, the override still shows in the decision's evidence, and
/// no notice goes anywhere near them; the usable contact beside them still gets its notice.
#[test]
fn unusable_override_contacts_are_counted_problems() {
    let contacts = [
        "\"a\\\\b\"@x.example",
        "\"a..b\"@x.example",
        "a\\b@x.example",
        "a b@x.example",
        "a@b@x.example",
        "a\0b@x.example",
        "a/b@x.example",
    ];
    let tmp = tempfile::tempdir().expect("temp dir");
    let (snap, feed) = day(tmp.path(), &contacts);
    let out = tmp.path().join("out");
    let s = run(&args(snap, feed, &out)).expect("run");
    assert_eq!(s.decisions, contacts.len());
    let summary = json(&out.join("summary.json"));
    assert_eq!(
        summary["snapshot"]["problems"],
        contacts.len() - 1,
        "{summary}"
    );
    let d = decisions(&out);
    for (d, c) in d.iter().zip(&contacts[..contacts.len() - 1]) {
        assert!(
            d["recipients"].as_array().is_none_or(|r| r.is_empty()),
            "{d}"
        );
        let evidence = d["evidence"].to_string();
        assert!(evidence.contains("overrides.csv"), "{c}: {evidence}");
    }
    assert_eq!(
        d[contacts.len() - 1]["recipients"][0]["address"],
        "a/b@x.example"
    );
    assert_eq!(summary["notices"], 1);
    let names: Vec<String> = tree(&out.join("notices"));
    assert_eq!(
        names,
        [notice_render::notice_file_name("a/b@x.example", 1, 1)]
    );
}
