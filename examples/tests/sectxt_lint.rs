//! `sectxt-lint`'s checks and report (`examples::lint`), with and without `--key`, over the
//! gpg-signed fixtures of the securitytxt crate.

use chrono::{TimeZone, Utc};
use examples::lint::{Linter, Verdict, report};
use securitytxt::{Code, Options};
use std::path::{Path, PathBuf};

fn signed_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../securitytxt/tests/data/signed")
}

fn options() -> Options {
    // Before the fixtures' Expires (2030-01-01) and less than a year from it.
    Options::new(Utc.with_ymd_and_hms(2029, 6, 1, 0, 0, 0).unwrap())
}

fn linter_with_key_a() -> Linter {
    let mut linter = Linter::new(options());
    assert!(
        linter
            .add_key_file(&signed_dir().join("key-a.asc"))
            .unwrap()
            >= 1
    );
    assert!(linter.verifies_signatures());
    linter
}

fn lint(linter: &Linter, name: &str) -> Verdict {
    linter.lint_file(&signed_dir().join(name)).unwrap()
}

fn json_line(verdict: &Verdict) -> serde_json::Value {
    let mut out = Vec::new();
    report(&mut out, true, "f.txt", verdict).unwrap();
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
    assert!(out.ends_with(b"\n"));
    serde_json::from_slice(&out).unwrap()
}

fn human(verdict: &Verdict) -> String {
    let mut out = Vec::new();
    report(&mut out, false, "f.txt", verdict).unwrap();
    String::from_utf8(out).unwrap()
}

fn has(verdict: &Verdict, code: Code) -> bool {
    verdict.diagnostics.iter().any(|d| d.code == code)
}

#[test]
fn good_signature_is_valid_and_reported() {
    let v = lint(&linter_with_key_a(), "lf.signed.txt");
    assert_eq!(v.signature.as_ref().map(|o| o.as_str()), Some("valid"));
    assert!(v.is_valid(), "{:?}", v.diagnostics);
    assert!(!has(&v, Code::BadSignature) && !has(&v, Code::UnknownKey));
    let j = json_line(&v);
    assert_eq!(j["signature"], "valid");
    assert_eq!(j["valid"], true);
    assert!(human(&v).contains("\n  signature: valid (good signature by key "));
}

#[test]
fn gpg_quirks_in_the_framing_still_verify() {
    let linter = linter_with_key_a();
    for name in [
        "crlf.signed.txt",
        "separator-cr.signed.txt",
        "separator-ws.signed.txt",
        "cr-cr.signed.txt",
    ] {
        let v = lint(&linter, name);
        assert_eq!(json_line(&v)["signature"], "valid", "{name}");
        assert!(!has(&v, Code::BadSignature), "{name}");
    }
}

#[test]
fn tampered_file_has_a_bad_signature_and_is_invalid() {
    let v = lint(&linter_with_key_a(), "tampered.signed.txt");
    let j = json_line(&v);
    assert_eq!(j["signature"], "bad");
    assert_eq!(j["valid"], false);
    let d = v
        .diagnostics
        .iter()
        .find(|d| d.code == Code::BadSignature)
        .unwrap();
    assert!(d.line().is_some());
    assert!(!v.is_valid());
    assert!(human(&v).starts_with("f.txt: INVALID"));
    assert!(human(&v).contains("  signature: bad (bad signature"));
    // The findings stay in line order, file-wide findings last.
    let keys: Vec<_> = v
        .diagnostics
        .iter()
        .map(|d| d.span.map_or((u32::MAX, usize::MAX), |s| (s.line, s.start)))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
}

#[test]
fn signature_by_another_key_is_unknown_key() {
    let v = lint(&linter_with_key_a(), "unknown-key.signed.txt");
    assert_eq!(json_line(&v)["signature"], "unknown_key");
    assert!(has(&v, Code::UnknownKey));
}

#[test]
fn unsigned_file_says_unsigned() {
    let v = lint(&linter_with_key_a(), "unsigned.txt");
    assert_eq!(json_line(&v)["signature"], "unsigned");
    assert!(!has(&v, Code::BadSignature));
}

#[test]
fn without_keys_there_is_no_signature_field() {
    let linter = Linter::new(options());
    assert!(!linter.verifies_signatures());
    let v = lint(&linter, "tampered.signed.txt");
    assert_eq!(v.signature, None);
    assert!(!has(&v, Code::BadSignature));
    let j = json_line(&v);
    assert!(j.get("signature").is_none(), "{j}");
    assert_eq!(
        j.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["diagnostics", "file", "valid"]
    );
    assert!(!human(&v).contains("signature:"));
}

#[test]
fn bad_key_files_are_refused() {
    let mut linter = Linter::new(options());
    let e = linter
        .add_key_file(Path::new("/nonexistent/key.asc"))
        .unwrap_err();
    assert!(e.starts_with("--key /nonexistent/key.asc: "), "{e}");
    let e = linter
        .add_key_file(&signed_dir().join("lf.signed.txt"))
        .unwrap_err();
    assert!(e.contains("lf.signed.txt"), "{e}");
    assert!(linter.add_key(b"not a key").is_err());
    assert!(!linter.verifies_signatures());
}

#[test]
fn every_report_line_is_one_line() {
    // The OpenPGP library's reasons can span lines; the report must not.
    let v = lint(&linter_with_key_a(), "tampered.signed.txt");
    let text = human(&v);
    assert!(
        text.lines().skip(1).all(|l| l.starts_with("  signature: ")
            || l.starts_with("  line ")
            || l.starts_with("  file: ")),
        "{text}"
    );
}
