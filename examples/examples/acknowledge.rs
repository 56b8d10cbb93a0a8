//! `acknowledge`: see [`examples::acknowledge`] for what it does, its options and exit codes.

use std::process::ExitCode;

use clap::Parser;
use examples::acknowledge::{Args, run};

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err((code, e)) => {
            eprintln!("acknowledge: {e}");
            ExitCode::from(code)
        }
    }
}
