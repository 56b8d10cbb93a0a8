//! `gen-docs`: writes man pages and shell completions for every program. Options, behaviour and exit status:
//! `examples::gen_docs` (and `gen-docs --help`).

use std::process::ExitCode;

use clap::Parser;
use examples::gen_docs::{Args, run};

fn main() -> ExitCode {
    run(&Args::parse())
}
