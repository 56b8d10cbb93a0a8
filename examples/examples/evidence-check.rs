//! `evidence-check`: runs the evidence parsers over a snapshot. Options, behaviour and exit status:
//! `examples::evidence_check` (and `evidence-check --help`).

use std::process::ExitCode;

use clap::Parser;
use examples::evidence_check::{Args, run};

fn main() -> ExitCode {
    run(&Args::parse())
}
