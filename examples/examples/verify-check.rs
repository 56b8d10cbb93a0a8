//! `verify-check`: checks security.txt signatures over shared data. Options, behaviour and exit status:
//! `examples::verify_check` (and `verify-check --help`).

use std::process::ExitCode;

use clap::Parser;
use examples::verify_check::{Args, run};

fn main() -> ExitCode {
    run(&Args::parse())
}
