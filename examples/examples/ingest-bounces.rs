//! `ingest-bounces`: see [`examples::ingest_bounces`] for what it does, its options and exit codes.

use std::process::ExitCode;

use clap::Parser;
use examples::ingest_bounces::{Args, run};

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(_) => ExitCode::SUCCESS,
        Err((code, e)) => {
            eprintln!("ingest-bounces: {e}");
            ExitCode::from(code)
        }
    }
}
