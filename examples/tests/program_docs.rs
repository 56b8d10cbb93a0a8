//! `gen-docs` (`examples::gen_docs`): every program in `examples::programs::all()` gets a man
//! page that mentions each of its long options and a completion file per shell that offers
//! them, written into the folder asked for without leaving temporary files.

use std::path::Path;

use clap::Command;
use clap_complete::Shell;
use examples::gen_docs::{SHELLS, completion_path, man_page_path, write_docs};
use examples::programs;

/// The long options of `cmd`, `--help` and `--version` included.
fn long_options(cmd: &Command) -> Vec<String> {
    let mut cmd = cmd.clone();
    cmd.build();
    cmd.get_arguments()
        .filter_map(|a| a.get_long().map(str::to_owned))
        .collect()
}

/// How `shell`'s completion script spells the long option `long`.
fn in_completion(shell: Shell, long: &str) -> String {
    match shell {
        Shell::Fish => format!("-l {long}"),
        _ => format!("--{long}"),
    }
}

fn all_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn the_registry_lists_every_converted_program_once() {
    let names: Vec<String> = programs::all()
        .iter()
        .map(|c| c.get_name().to_owned())
        .collect();
    for expected in [
        "evidence-check",
        "gen-docs",
        "gen-feed",
        "gen-registry",
        "registry-check",
        "sectxt-fetch",
        "verify-check",
    ] {
        assert_eq!(
            names.iter().filter(|n| *n == expected).count(),
            1,
            "{expected} in {names:?}"
        );
    }
}

#[test]
fn every_program_gets_a_man_page_and_completions_naming_each_long_option() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("docs");
    let commands = programs::all();
    let written = write_docs(&commands, &out).unwrap();
    assert_eq!(written.len(), commands.len() * (1 + SHELLS.len()));
    for cmd in &commands {
        let name = cmd.get_name();
        let longs = long_options(cmd);
        assert!(longs.iter().any(|l| l == "help") && longs.iter().any(|l| l == "version"));
        let page = std::fs::read_to_string(man_page_path(&out, name)).unwrap();
        assert!(
            page.contains(&format!(".TH {name} 1")),
            "{name}: no title line"
        );
        for long in &longs {
            // roff writes each '-' as '\-'.
            let roff = format!("--{long}").replace('-', "\\-");
            assert!(page.contains(&roff), "{name}.1 does not mention --{long}");
        }
        for shell in SHELLS {
            let path = completion_path(&out, shell, name);
            let script = std::fs::read_to_string(&path).unwrap();
            assert!(script.contains(name), "{}", path.display());
            for long in &longs {
                assert!(
                    script.contains(&in_completion(shell, long)),
                    "{} does not offer --{long}",
                    path.display()
                );
            }
        }
    }
    // Exactly the files reported, no temporary file left behind.
    let mut on_disk = Vec::new();
    all_files(&out, &mut on_disk);
    on_disk.sort();
    let mut reported = written.clone();
    reported.sort();
    assert_eq!(on_disk, reported);
}

#[test]
fn completion_files_sit_where_each_shell_looks_for_them() {
    let out = Path::new("/d");
    assert_eq!(
        completion_path(out, Shell::Bash, "gen-feed"),
        Path::new("/d/completions/bash/gen-feed.bash")
    );
    assert_eq!(
        completion_path(out, Shell::Zsh, "gen-feed"),
        Path::new("/d/completions/zsh/_gen-feed")
    );
    assert_eq!(
        completion_path(out, Shell::Fish, "gen-feed"),
        Path::new("/d/completions/fish/gen-feed.fish")
    );
    assert_eq!(
        man_page_path(out, "gen-feed"),
        Path::new("/d/man/man1/gen-feed.1")
    );
}

#[test]
fn writing_again_replaces_the_files_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let commands = programs::all();
    let first = write_docs(&commands, dir.path()).unwrap();
    let page = man_page_path(dir.path(), "gen-feed");
    std::fs::write(&page, b"stale").unwrap();
    let second = write_docs(&commands, dir.path()).unwrap();
    assert_eq!(first, second);
    assert_ne!(std::fs::read(&page).unwrap(), b"stale");
}

#[test]
fn an_unwritable_folder_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the man/ folder should be.
    std::fs::write(dir.path().join("man"), b"in the way").unwrap();
    let e = write_docs(&programs::all(), dir.path()).unwrap_err();
    assert_eq!(e.path, dir.path().join("man").join("man1"));
    assert!(e.to_string().contains("man"), "{e}");
}

#[test]
fn bash_loads_every_bash_completion_and_registers_its_program() {
    let dir = tempfile::tempdir().unwrap();
    let commands = programs::all();
    write_docs(&commands, dir.path()).unwrap();
    for cmd in &commands {
        let name = cmd.get_name();
        let script = completion_path(dir.path(), Shell::Bash, name);
        let out = std::process::Command::new("bash")
            .args([
                "--norc",
                "--noprofile",
                "-c",
                r#"source "$1" && complete -p "$2""#,
            ])
            .args(["bash", script.to_str().unwrap(), name])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {out:?}");
        let registered = String::from_utf8(out.stdout).unwrap();
        assert!(
            registered.trim_end().ends_with(&format!(" {name}")),
            "{registered}"
        );
    }
}
