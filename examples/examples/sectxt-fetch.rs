//! `sectxt-fetch`: fetches security.txt files by RFC 9116's rules. Options, behaviour and exit status:
//! `examples::sectxt_fetch` (and `sectxt-fetch --help`).

use std::process::ExitCode;

use clap::Parser;
use examples::sectxt_fetch::{Args, run};

fn main() -> ExitCode {
    run(&Args::parse())
}
