//! Every program's command-line definition in one place, and the exit statuses they share.
//!
//! [`all`] returns the clap [`Command`] of each program, built from the same derive `Args` the
//! program parses its arguments with, so the man pages and shell completions that `gen-docs`
//! writes (see [`crate::gen_docs`]) always say what the program accepts.
//!
//! # Adding a program
//!
//! Give the program a library module with a clap derive `Args` (named with
//! `#[command(name = "the-program", version)]`), export it from `lib.rs`, and add one line to
//! the list in [`all`]:
//!
//! ```text
//! crate::the_program::Args::command(),
//! ```
//!
//! (A program that builds its `Command` by hand adds `crate::the_program::command(),`.)
//! The test `examples/tests/program_docs.rs` then checks its man page and completions.
//!
//! # Exit status
//!
//! All programs use the table in `examples/README.md` ("Exit status"):
//!
//! | status | meaning |
//! |---|---|
//! | 0 | success: the work is done and nothing was found wrong |
//! | 1 | the work is done, but with findings or failures (invalid files, unparsable objects, a failed check), where the program has that meaning |
//! | 2 | unusable arguments: clap's message (unknown option, missing or malformed value) or a value the program refuses |
//! | 3 | an input could not be read, an output could not be written, or a resource the program needs (such as an HTTPS client) could not be set up |
//!
//! `--help` and `--version` print to standard output and exit 0. [`Status`] names the four.

use std::process::ExitCode;

use clap::{Command, CommandFactory};

/// The exit statuses every program uses (see the module docs for the table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// 0: done, nothing wrong found.
    Success,
    /// 1: done, with findings or failures.
    Findings,
    /// 2: unusable arguments.
    Usage,
    /// 3: unreadable input, unwritable output, or a resource that could not be set up.
    Io,
}

impl Status {
    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::Findings => 1,
            Status::Usage => 2,
            Status::Io => 3,
        }
    }
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(status.code())
    }
}

/// The clap definition of every program on this branch, one line each (see the module docs).
pub fn all() -> Vec<Command> {
    #[allow(unused_mut)] // without the collect and loopback features nothing is pushed below
    let mut all = vec![
        crate::acknowledge::Args::command(),
        crate::daily_state::Cli::command(),
        crate::evidence_check::Args::command(),
        crate::gen_docs::Args::command(),
        crate::gen_feed::Args::command(),
        crate::gen_registry::Args::command(),
        crate::lint::Args::command(),
        crate::registry_check::Args::command(),
        crate::sectxt_fetch::Args::command(),
        crate::ingest_bounces::Args::command(),
        crate::send_notices::Args::command(),
        crate::verify_check::Args::command(),
    ];
    #[cfg(feature = "collect")]
    all.push(crate::collect::Args::command());
    #[cfg(feature = "loopback")]
    all.push(crate::loopback_world::serve_world::Args::command());
    all.sort_by(|a, b| a.get_name().cmp(b.get_name()));
    all
}
