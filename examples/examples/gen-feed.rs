//! `gen-feed`: writes a deterministic synthetic Shadowserver report. Options, behaviour and exit status:
//! `examples::gen_feed` (and `gen-feed --help`).

use std::process::ExitCode;

use clap::Parser;
use examples::gen_feed::{Args, run};

fn main() -> ExitCode {
    run(&Args::parse())
}
