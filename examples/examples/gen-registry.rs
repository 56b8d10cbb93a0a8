//! `gen-registry`: writes a deterministic synthetic RIPE-style registry dump. Options, behaviour and exit status:
//! `examples::gen_registry` (and `gen-registry --help`).

use std::process::ExitCode;

use clap::Parser;
use examples::gen_registry::{Args, run};

fn main() -> ExitCode {
    run(&Args::parse())
}
