//! The daily run: a day's scanner findings in, one decision per finding and one notice per
//! recipient out, with no network access. The contract is `examples/docs/daily-run.md`; the
//! program is [`examples::daily_run`] (arguments, output and exit status documented there).
//!
//! ```text
//! daily-run --snapshot DIR --feed FILE [--feed FILE ...] --out DIR [--now RFC3339] [--lang nl|en]
//!           [--allow-partial-snapshot] [--config FILE] [--state FILE [--repeat-after DAYS]]
//! ```
//! `--config FILE` is the service's configuration (`examples/notify.example.toml`): sender,
//! phone, web page, verify URL, default language, signing key; flags such as `--sender-name`
//! override single values ([`examples::config`]).
//! With `--state`, the day is decided against the lifecycle state (`examples/docs/lifecycle.md`,
//! [`examples::daily_state`]); without it the run is exactly as before.
//! Exit status: 0 when every finding got a decision; 2 for unusable arguments or an unusable
//! configuration; 3 for unreadable input (a feed, the snapshot directory, the state) or an
//! output that cannot be written.

use std::process::ExitCode;

use clap::Parser;
use examples::daily_state::Cli;

// A day's run makes and frees millions of small strings from two threads; glibc's allocator
// spent about a third of the run's time in malloc and free (measured with perf, BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Usage errors exit with 2 and `--help` with 0 (clap).
    let cli = Cli::parse();
    let result = match cli.state.state_args() {
        Some(state) => examples::daily_state::run(&cli.run, &state),
        None => examples::daily_run::run(&cli.run),
    };
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err((code, e)) => {
            eprintln!("daily-run: {e}");
            ExitCode::from(code)
        }
    }
}
