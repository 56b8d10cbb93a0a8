//! `collect`: a day's feeds in, an evidence snapshot out. See `examples::collect` for the
//! options and exit codes.

use std::process::ExitCode;

use clap::Parser;
use examples::collect::{Args, run, summary};

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args, chrono::Utc::now()) {
        Ok(report) => {
            eprintln!("{}", summary(&report));
            ExitCode::SUCCESS
        }
        Err((code, e)) => {
            eprintln!("collect: {e}");
            ExitCode::from(code)
        }
    }
}
