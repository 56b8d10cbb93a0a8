//! `gen-docs`: writes a man page and bash, zsh and fish completions for every program, from
//! the same clap definitions the programs parse their arguments with ([`crate::programs::all`]).
//!
//! ```text
//! gen-docs --out DIR
//! ```
//!
//! Writes `DIR/man/man1/<program>.1` (clap_mangen) and `DIR/completions/bash/<program>.bash`,
//! `DIR/completions/zsh/_<program>` and `DIR/completions/fish/<program>.fish` (clap_complete),
//! each file atomically (a temporary file beside it, renamed when complete), creating the
//! folders. Read a page with `man -l DIR/man/man1/sectxt-fetch.1`, or put `DIR/man` on the
//! `MANPATH` (the `man1` level is what `man` looks for there); `examples/README.md` shows how
//! each shell loads the completions.
//!
//! Exit status (the table in `examples/README.md`, [`crate::programs::Status`]): 0 written,
//! 2 unusable arguments, 3 a folder or file could not be written.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Command, Parser};
use clap_complete::{Generator, Shell};

use crate::atomic_file::write_atomically;
use crate::programs::Status;

/// The command line of `gen-docs`.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "gen-docs",
    version,
    about = "Write man pages and shell completions (bash, zsh, fish) for every program",
    long_about = "Write a man page and bash, zsh and fish completions for every program, from \
        the same definitions the programs parse their arguments with: DIR/man/man1/PROGRAM.1, \
        DIR/completions/bash/PROGRAM.bash, DIR/completions/zsh/_PROGRAM and \
        DIR/completions/fish/PROGRAM.fish, each written atomically. Read a page with \
        `man -l DIR/man/man1/PROGRAM.1` or add DIR/man to MANPATH.",
    after_help = "Exit status: 0 written; 2 unusable arguments; 3 a folder or file could not \
        be written (table: examples/README.md)."
)]
#[non_exhaustive]
pub struct Args {
    /// The folder to write man/ and completions/ into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// The shells completions are written for.
pub const SHELLS: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

/// A file or folder `gen-docs` could not write.
#[derive(Debug)]
#[non_exhaustive]
pub struct WriteError {
    /// The file or folder.
    pub path: PathBuf,
    /// What went wrong.
    pub source: io::Error,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The path of `program`'s man page under `out`.
pub fn man_page_path(out: &Path, program: &str) -> PathBuf {
    out.join("man").join("man1").join(format!("{program}.1"))
}

/// The path of `program`'s completion file for `shell` under `out`.
pub fn completion_path(out: &Path, shell: Shell, program: &str) -> PathBuf {
    out.join("completions")
        .join(shell.to_string())
        .join(shell.file_name(program))
}

/// Writes the man page and completions of every command in `commands` under `out`, and
/// returns the files written.
///
/// # Errors
///
/// The first folder or file that could not be written; files written before it stay.
pub fn write_docs(commands: &[Command], out: &Path) -> Result<Vec<PathBuf>, WriteError> {
    let mut written = Vec::new();
    for cmd in commands {
        let name = cmd.get_name().to_owned();
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd.clone())
            .render(&mut page)
            .map_err(|source| WriteError {
                path: man_page_path(out, &name),
                source,
            })?;
        written.push(write_file(&man_page_path(out, &name), &page)?);
        for shell in SHELLS {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd.clone(), name.clone(), &mut script);
            written.push(write_file(&completion_path(out, shell, &name), &script)?);
        }
    }
    Ok(written)
}

/// Writes `bytes` to `path` atomically, creating its folder.
fn write_file(path: &Path, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    let error = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| WriteError {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    write_atomically(path, |w| w.write_all(bytes)).map_err(error)?;
    Ok(path.to_path_buf())
}

/// Runs `gen-docs` with parsed arguments: the files written to standard output, a failure to
/// standard error.
pub fn run(args: &Args) -> ExitCode {
    match write_docs(&crate::programs::all(), &args.out) {
        Ok(files) => {
            for f in &files {
                println!("{}", f.display());
            }
            Status::Success.into()
        }
        Err(e) => {
            eprintln!("gen-docs: {e}");
            Status::Io.into()
        }
    }
}
