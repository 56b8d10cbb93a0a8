//! `registry-check`: loads registry files and reports what was read. Options, behaviour and exit status:
//! `examples::registry_check` (and `registry-check --help`).

use std::process::ExitCode;

use clap::Parser;
use examples::registry_check::{Args, run};

fn main() -> ExitCode {
    run(&Args::parse())
}
