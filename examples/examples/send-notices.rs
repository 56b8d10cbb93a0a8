//! `send-notices`: see [`examples::send_notices`] for what it does, its options and exit codes.

use std::process::ExitCode;

use clap::Parser;
use examples::send_notices::{Args, run};

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err((code, e)) => {
            eprintln!("send-notices: {e}");
            ExitCode::from(code)
        }
    }
}
