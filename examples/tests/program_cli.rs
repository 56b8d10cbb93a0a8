//! The command lines of the programs defined in `examples::programs::all()`: `--help` on
//! standard output with every option and exit 0, `--version`, unknown options refused with
//! exit 2, each program's own value checks, and (in real processes of the built example
//! binaries) the exit statuses of the table in `examples/README.md` and `NO_COLOR`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use clap::Parser;
use clap::error::ErrorKind;
use examples::programs;

/// The programs whose binaries the process tests run (gen-docs included).
const PROGRAMS: [&str; 7] = [
    "evidence-check",
    "gen-docs",
    "gen-feed",
    "gen-registry",
    "registry-check",
    "sectxt-fetch",
    "verify-check",
];

#[test]
fn help_goes_to_standard_output_with_every_option_and_exit_0() {
    for cmd in programs::all() {
        let name = cmd.get_name().to_owned();
        let mut built = cmd.clone();
        built.build();
        let e = cmd
            .try_get_matches_from([name.as_str(), "--help"])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::DisplayHelp, "{name}");
        assert_eq!(e.exit_code(), 0, "{name}");
        assert!(!e.use_stderr(), "{name}: help must go to standard output");
        let help = e.render().to_string();
        for arg in built.get_arguments() {
            if let Some(long) = arg.get_long() {
                assert!(help.contains(&format!("--{long}")), "{name}: --{long}");
            }
            // Every option and positional is described, not just named.
            assert!(
                arg.get_help().is_some() || arg.get_long_help().is_some(),
                "{name}: {} has no description",
                arg.get_id()
            );
        }
        assert!(
            help.contains("Exit status"),
            "{name}: no exit status in --help"
        );
    }
}

#[test]
fn version_is_printed_and_exits_0() {
    for cmd in programs::all() {
        let name = cmd.get_name().to_owned();
        let e = cmd
            .try_get_matches_from([name.as_str(), "--version"])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::DisplayVersion, "{name}");
        assert_eq!(e.exit_code(), 0);
        assert!(!e.use_stderr());
        assert_eq!(
            e.render().to_string().trim(),
            format!("{name} {}", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn an_unknown_option_is_a_usage_error_with_exit_2() {
    for cmd in programs::all() {
        let name = cmd.get_name().to_owned();
        let e = cmd
            .try_get_matches_from([name.as_str(), "--no-such-option", "x"])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnknownArgument, "{name}");
        assert_eq!(e.exit_code(), 2);
        assert!(e.use_stderr());
    }
}

#[test]
fn gen_registry_and_gen_feed_keep_their_defaults_and_number_forms() {
    use examples::gen_registry::Args as Registry;
    let a = Registry::try_parse_from(["gen-registry"]).unwrap();
    assert_eq!(
        (a.networks, a.seed, a.gzip, a.no_contacts),
        (1000, 7, false, false)
    );
    assert!(a.out.is_none() && a.config().contacts);
    let a = Registry::try_parse_from([
        "gen-registry",
        "--networks",
        "1_000_000",
        "--gzip",
        "--no-contacts",
        "--out=f.gz",
    ])
    .unwrap();
    assert_eq!(a.networks, 1_000_000);
    assert!(a.gzip && !a.config().contacts);
    assert_eq!(a.out.as_deref(), Some(Path::new("f.gz")));
    let e = Registry::try_parse_from(["gen-registry", "--networks", "many"]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ValueValidation);

    use examples::gen_feed::Args as Feed;
    let a = Feed::try_parse_from(["gen-feed"]).unwrap();
    assert_eq!((a.findings, a.networks, a.seed), (1_000_000, 1_000_000, 7));
    let a = Feed::try_parse_from(["gen-feed", "--findings", "5", "--seed", "9"]).unwrap();
    assert_eq!((a.findings, a.seed), (5, 9));
    assert!(Feed::try_parse_from(["gen-feed", "--findings"]).is_err());
}

#[test]
fn registry_check_needs_a_path_and_positive_rounds() {
    use examples::registry_check::Args;
    let e = Args::try_parse_from(["registry-check"]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingRequiredArgument);
    assert_eq!(e.exit_code(), 2);
    let e = Args::try_parse_from(["registry-check", "--rounds", "0", "f"]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ValueValidation);
    let a = Args::try_parse_from([
        "registry-check",
        "--max-errors",
        "3",
        "--parse-only",
        "--lookups",
        "20",
        "--rounds",
        "5",
        "a",
        "b",
    ])
    .unwrap();
    assert_eq!(
        (a.max_errors, a.parse_only, a.lookups, a.rounds),
        (3, true, 20, 5)
    );
    assert_eq!(a.paths, [PathBuf::from("a"), PathBuf::from("b")]);
}

#[test]
fn sectxt_fetch_checks_its_values() {
    use examples::sectxt_fetch::Args;
    let a = Args::try_parse_from([
        "sectxt-fetch",
        "--json",
        "--now=2026-11-23T00:00:00Z",
        "--key",
        "a.asc",
        "--key",
        "b.asc",
        "--fetch-keys",
        "example.com",
        "example.org",
    ])
    .unwrap();
    assert!(a.json && a.fetch_keys);
    assert_eq!(a.keys.len(), 2);
    assert_eq!(
        a.now.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-11-23T00:00:00+00:00")
    );
    assert_eq!(a.domains, ["example.com", "example.org"]);
    assert_eq!((a.concurrency, a.timeout), (8, 20));
    // `--` ends the options.
    let a = Args::try_parse_from(["sectxt-fetch", "--", "--json"]).unwrap();
    assert!(!a.json && a.domains == ["--json"]);
    for bad in [
        &["sectxt-fetch"][..],
        &["sectxt-fetch", "--concurrency", "0", "x"],
        &["sectxt-fetch", "--timeout", "0", "x"],
        &["sectxt-fetch", "--now", "yesterday", "x"],
    ] {
        let e = Args::try_parse_from(bad).unwrap_err();
        assert_eq!(e.exit_code(), 2, "{bad:?}");
    }
}

#[test]
fn evidence_check_and_verify_check_parse_their_inputs() {
    use examples::evidence_check::Args as Evidence;
    let a = Evidence::try_parse_from([
        "evidence-check",
        "--snapshot",
        "s",
        "--rdap",
        "a.json",
        "--rdap",
        "b.json",
        "--now",
        "2026-11-23T00:00:00Z",
    ])
    .unwrap();
    assert_eq!(a.snapshot.as_deref(), Some(Path::new("s")));
    assert_eq!(a.rdap.len(), 2);
    assert!(a.now.is_some());
    assert!(Evidence::try_parse_from(["evidence-check", "--now", "noon"]).is_err());

    use examples::verify_check::Args as Verify;
    assert_eq!(
        Verify::try_parse_from(["verify-check", "shared"])
            .unwrap()
            .shared,
        Path::new("shared")
    );
    let e = Verify::try_parse_from(["verify-check"]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingRequiredArgument);
}

fn run(program: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(common::program(program));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn programs_built() -> Vec<&'static str> {
    PROGRAMS
        .into_iter()
        .filter(|p| *p != "sectxt-fetch" || cfg!(feature = "fetch"))
        .collect()
}

#[test]
fn processes_exit_0_on_help_and_version_and_2_on_unknown_options() {
    for program in programs_built() {
        let out = run(program, &["--help"], &[]);
        assert_eq!(out.status.code(), Some(0), "{program} --help: {out:?}");
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(
            help.contains("Usage:") && help.contains("--version"),
            "{help}"
        );
        assert!(out.stderr.is_empty());

        let out = run(program, &["--version"], &[]);
        assert_eq!(out.status.code(), Some(0), "{program} --version");
        assert_eq!(
            String::from_utf8(out.stdout).unwrap().trim(),
            format!("{program} {}", env!("CARGO_PKG_VERSION"))
        );

        let out = run(program, &["--no-such-option"], &[]);
        assert_eq!(out.status.code(), Some(2), "{program} --no-such-option");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("--no-such-option"), "{program}: {err}");
    }
}

#[test]
fn processes_exit_3_on_unreadable_input_or_unwritable_output() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let missing = missing.to_str().unwrap();
    let into_missing = format!("{missing}/out");
    for (program, args) in [
        ("gen-feed", vec!["--findings", "3", "--out", &into_missing]),
        (
            "gen-registry",
            vec!["--networks", "3", "--out", &into_missing],
        ),
        ("registry-check", vec![missing]),
        ("evidence-check", vec!["--rdap", missing]),
        ("evidence-check", vec!["--snapshot", missing]),
        ("verify-check", vec![missing]),
    ] {
        let out = run(program, &args, &[]);
        assert_eq!(out.status.code(), Some(3), "{program} {args:?}: {out:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(missing), "{program}: {err}");
    }
    if cfg!(feature = "fetch") {
        // The key file is read before any domain is fetched: no network is touched.
        let out = run("sectxt-fetch", &["--key", missing, "example.invalid"], &[]);
        assert_eq!(out.status.code(), Some(3), "{out:?}");
        assert!(String::from_utf8(out.stderr).unwrap().contains(missing));
    }
    // A failed write leaves no file, not even a temporary one.
    assert!(!Path::new(missing).exists());
}

#[test]
fn processes_exit_0_and_1_by_their_findings() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("reg.db");
    let out = run(
        "gen-registry",
        &["--networks", "40", "--out", reg.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    let out = run("registry-check", &[reg.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("40 networks")
    );

    let bad = dir.path().join("bad.db");
    std::fs::write(&bad, "inetnum: not an address range\nsource: TEST\n\n").unwrap();
    let out = run("registry-check", &[bad.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let out = run(
        "registry-check",
        &["--max-errors", "1", bad.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn help_has_no_escape_codes_under_no_color_even_when_colour_is_forced() {
    for program in programs_built() {
        // Forced colour does style the help (so the check below can fail)...
        let out = run(program, &["--help"], &[("CLICOLOR_FORCE", "1")]);
        assert!(
            out.stdout.contains(&0x1b),
            "{program}: CLICOLOR_FORCE gave no styling"
        );
        // ...and NO_COLOR wins over it, for help and for errors.
        let env = [("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")];
        let out = run(program, &["--help"], &env);
        assert_eq!(out.status.code(), Some(0), "{program}: {out:?}");
        assert!(
            !out.stdout.contains(&0x1b),
            "{program}: ESC under NO_COLOR: {out:?}"
        );
        let out = run(program, &["--no-such-option"], &env);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            !out.stderr.contains(&0x1b),
            "{program}: ESC under NO_COLOR: {out:?}"
        );
    }
}
