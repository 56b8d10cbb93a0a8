//! `sectxt-lint`'s command line, checks and report (`examples::lint`), with and without
//! `--key`, over the gpg-signed fixtures of the securitytxt crate.

use chrono::{TimeZone, Utc};
use clap::{CommandFactory, Parser};
use examples::lint::{Args, JSON_SCHEMA, Linter, Verdict, report, run};
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

/// The JSON report line of `verdict`, checked against the published schema.
fn json_line(verdict: &Verdict) -> serde_json::Value {
    let mut out = Vec::new();
    report(&mut out, true, "f.txt", verdict).unwrap();
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
    assert!(out.ends_with(b"\n"));
    let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let schema: serde_json::Value = serde_json::from_str(JSON_SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let problems: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(problems.is_empty(), "{value}: {problems:?}");
    value
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
    assert_eq!(v.signature.as_str(), "valid");
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
fn without_keys_the_signature_is_read() {
    let linter = Linter::new(options());
    assert!(!linter.verifies_signatures());
    // A well-formed signature by a key not given: unknown_key, with its key ID.
    let v = lint(&linter, "tampered.signed.txt");
    assert_eq!(v.signature.as_str(), "unknown_key");
    assert!(has(&v, Code::UnknownKey) && !has(&v, Code::BadSignature));
    assert!(v.is_valid());
    let j = json_line(&v);
    assert_eq!(j["signature"], "unknown_key");
    assert_eq!(j["key"], "F4C23C6C7D897BE3");
    assert!(
        human(&v).contains("\n  signature: unknown_key ("),
        "{}",
        human(&v)
    );
    assert!(human(&v).contains("key ID F4C23C6C7D897BE3"));
    // Unsigned files say so.
    let v = lint(&linter, "unsigned.txt");
    assert_eq!(json_line(&v)["signature"], "unsigned");
    assert!(json_line(&v).get("key").is_none());
    assert!(human(&v).contains("\n  signature: unsigned ("));
}

#[test]
fn broken_signature_blocks_are_errors_without_a_key() {
    let text = std::fs::read_to_string(signed_dir().join("lf.signed.txt")).unwrap();
    // Radix-64 cut short: the framing is fine, the packet is not.
    let cut = text.replace(
        "LmV4YW1wbGUACgkQ9MI8bH2Je+P6SAD7BDhcWm2KwftnyedtqfwrQ93a0otvHZqf\n",
        "LmV4YW1wbGUACgkQ9MI8\n",
    );
    for linter in [Linter::new(options()), linter_with_key_a()] {
        let v = linter.lint_bytes(cut.as_bytes());
        assert!(!v.is_valid());
        assert_eq!(v.signature.as_str(), "malformed");
        assert!(has(&v, Code::PgpError));
        // Reported once: the validator's pgp_error, not again as bad_signature.
        assert!(!has(&v, Code::BadSignature), "{:?}", v.diagnostics);
        assert!(human(&v).starts_with("f.txt: INVALID"));
        assert_eq!(json_line(&v)["signature"], "malformed");
    }
    // The armor without its END line.
    let open = text.replace("-----END PGP SIGNATURE-----\n", "");
    let v = Linter::new(options()).lint_bytes(open.as_bytes());
    assert!(!v.is_valid());
    assert_eq!(v.signature.as_str(), "malformed");
    assert!(has(&v, Code::PgpDataError));
}

#[test]
fn too_large_input_states_its_real_size() {
    let big = vec![b'#'; securitytxt::limits::MAX_FILE_SIZE * 2 + 7];
    let v = Linter::new(options())
        .lint_reader(&mut big.as_slice())
        .unwrap();
    assert_eq!(v.diagnostics.len(), 1);
    assert_eq!(v.diagnostics[0].code, Code::TooLarge);
    let size = (securitytxt::limits::MAX_FILE_SIZE * 2 + 7).to_string();
    assert!(
        v.diagnostics[0].message.contains(&size),
        "{}",
        v.diagnostics[0].message
    );
    // Just under the cap is read.
    let under = vec![b'\n'; securitytxt::limits::MAX_FILE_SIZE];
    let v = Linter::new(options())
        .lint_reader(&mut under.as_slice())
        .unwrap();
    assert!(!has(&v, Code::TooLarge));
}

fn parse(args: &[&str]) -> Result<Args, clap::Error> {
    Args::try_parse_from(std::iter::once("sectxt-lint").chain(args.iter().copied()))
}

/// Runs the program on `args` with `stdin`; returns (exit status, stdout, stderr).
fn run_with(args: &[&str], stdin: &[u8]) -> (u8, String, String) {
    let args = parse(args).unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&args, &mut &stdin[..], &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn help_describes_every_option_on_stdout() {
    Args::command().debug_assert();
    for flag in ["--help", "-h"] {
        let e = parse(&[flag]).unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::DisplayHelp, "{flag}");
        assert_eq!(e.exit_code(), 0);
        assert!(!e.use_stderr(), "help goes to standard output");
        let help = e.to_string();
        for option in ["--now", "--url", "--key", "--lenient", "--json", "<FILE>"] {
            assert!(help.contains(option), "{option} missing from:\n{help}");
        }
        if flag == "--help" {
            assert!(help.contains("Exit status"), "{help}");
        }
    }
    for arg in Args::command().get_arguments() {
        assert!(arg.get_help().is_some(), "{} has no help", arg.get_id());
    }
    // `-h` is never a file name; after `--` a file may be called that.
    assert_eq!(parse(&["--", "-h"]).unwrap().files, ["-h"]);
    // Usage errors exit 2.
    assert_eq!(parse(&[]).unwrap_err().exit_code(), 2);
    assert_eq!(parse(&["--bogus", "f"]).unwrap_err().exit_code(), 2);
    let bad_now = parse(&["--now", "yesterday", "f"]).unwrap_err();
    assert_eq!(bad_now.exit_code(), 2);
    assert!(bad_now.to_string().contains("RFC 3339"), "{bad_now}");
}

#[test]
fn dash_reads_standard_input_and_directories_are_refused() {
    let unsigned = std::fs::read(signed_dir().join("unsigned.txt")).unwrap();
    let now = "--now=2029-06-01T00:00:00Z";
    let (code, out, err) = run_with(&[now, "--json", "-"], &unsigned);
    assert_eq!(code, 0, "{err}");
    let j: serde_json::Value = serde_json::from_str(out.trim_end()).unwrap();
    assert_eq!(j["file"], "-");
    assert_eq!(j["signature"], "unsigned");
    // An invalid file on standard input: 1.
    let (code, out, _) = run_with(&[now, "-"], b"Contact: me@example.com\n");
    assert_eq!(code, 1);
    assert!(out.starts_with("-: INVALID"), "{out}");
    // A directory: refused with a message saying so, the other files still linted, exit 2.
    let dir = signed_dir();
    let file = dir.join("unsigned.txt");
    let (code, out, err) = run_with(&[now, dir.to_str().unwrap(), file.to_str().unwrap()], b"");
    assert_eq!(code, 2);
    assert!(err.contains("is a directory"), "{err}");
    assert!(out.contains("unsigned.txt: valid"), "{out}");
    // A missing file: 2, with its name.
    let (code, _, err) = run_with(&[now, "/nonexistent/security.txt"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/security.txt"), "{err}");
    // An unusable key file: 2.
    let (code, _, err) = run_with(&[now, "--key", "/nonexistent/k.asc", "-"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("--key /nonexistent/k.asc"), "{err}");
}

#[test]
fn lenient_mode_accepts_blank_lines_after_the_signature() {
    let mut text = std::fs::read(signed_dir().join("lf.signed.txt")).unwrap();
    text.extend_from_slice(b"\n\n");
    let now = "--now=2029-06-01T00:00:00Z";
    let (strict, out, _) = run_with(&[now, "-"], &text);
    assert_eq!(strict, 1, "{out}");
    assert!(out.contains("error[too_many_line_separators]"), "{out}");
    let (lenient, out, _) = run_with(&[now, "--lenient", "-"], &text);
    assert_eq!(lenient, 0, "{out}");
    assert!(
        out.contains("recommendation[too_many_line_separators]"),
        "{out}"
    );
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
