//! `gen-registry`: writes a deterministic synthetic RIPE-style registry dump for benchmarks
//! and load tests (the generator is [`crate::synthetic_registry`]).
//!
//! ```text
//! gen-registry [--networks N] [--seed N] [--gzip] [--no-contacts] [--out FILE]
//! ```
//!
//! Without `--out` the dump goes to standard output; with it, the file is written atomically
//! (a temporary file beside it, renamed when complete). Numbers may be written with `_`
//! (`1_000_000`). A summary line goes to standard error.
//!
//! Exit status (the table in `examples/README.md`, [`crate::programs::Status`]): 0 written,
//! 2 unusable arguments, 3 the output could not be written.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::atomic_file::write_atomically;
use crate::programs::Status;
use crate::synthetic_registry::{GenConfig, GenSummary, write_registry};

/// The command line of `gen-registry`.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "gen-registry",
    version,
    about = "Write a deterministic synthetic RIPE-style registry dump for benchmarks",
    long_about = "Write a deterministic synthetic RIPE-style registry dump (RPSL split-file \
        layout) for benchmarks and load tests: every 16th network an ALLOCATED PA /20 of an \
        LIR, the other 15 ASSIGNED PA customer ranges inside it, with organisation and role \
        objects giving abuse-c chains. Same seed, same bytes. A summary goes to standard error.",
    after_help = "Exit status: 0 written; 2 unusable arguments; 3 the output could not be \
        written (table: examples/README.md)."
)]
#[non_exhaustive]
pub struct Args {
    /// Number of inetnum objects to write (`_` allowed: 1_000_000).
    #[arg(long, value_name = "N", default_value = "1000", value_parser = number)]
    pub networks: u64,
    /// Seed of the deterministic generator (`_` allowed).
    #[arg(long, value_name = "N", default_value = "7", value_parser = number)]
    pub seed: u64,
    /// Compress the dump with gzip.
    #[arg(long)]
    pub gzip: bool,
    /// Write inetnum objects only, without organisation and role objects.
    #[arg(long)]
    pub no_contacts: bool,
    /// Write the dump to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// A whole number, `_` allowed between digits.
fn number(text: &str) -> Result<u64, String> {
    text.replace('_', "")
        .parse()
        .map_err(|_| format!("{text:?} is not a whole number"))
}

impl Args {
    /// What to generate.
    pub fn config(&self) -> GenConfig {
        GenConfig {
            networks: usize::try_from(self.networks).unwrap_or(usize::MAX),
            seed: self.seed,
            contacts: !self.no_contacts,
        }
    }
}

/// Writes the dump for `cfg` to `out`, gzip-compressed when `gzip`, and flushes it.
///
/// # Errors
///
/// Any error of `out` or of the compressor.
pub fn write_dump(out: &mut dyn Write, cfg: &GenConfig, gzip: bool) -> io::Result<GenSummary> {
    if gzip {
        let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::fast());
        let summary = write_registry(&mut gz, cfg)?;
        gz.finish()?.flush()?;
        Ok(summary)
    } else {
        let summary = write_registry(out, cfg)?;
        out.flush()?;
        Ok(summary)
    }
}

/// Runs `gen-registry` with parsed arguments; messages go to standard error.
pub fn run(args: &Args) -> ExitCode {
    let cfg = args.config();
    let result = match &args.out {
        Some(path) => {
            let mut summary = GenSummary::default();
            write_atomically(path, |w| {
                summary = write_dump(w, &cfg, args.gzip)?;
                Ok(())
            })
            .map(|()| summary)
        }
        None => {
            let stdout = io::stdout();
            let mut w = io::BufWriter::with_capacity(1 << 20, stdout.lock());
            write_dump(&mut w, &cfg, args.gzip)
        }
    };
    match result {
        Ok(s) => {
            eprintln!(
                "gen-registry: {} inetnum, {} organisation, {} role objects, {} bytes uncompressed",
                s.networks, s.organisations, s.roles, s.bytes
            );
            Status::Success.into()
        }
        Err(e) => {
            let target = args
                .out
                .as_ref()
                .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string());
            eprintln!("gen-registry: writing {target}: {e}");
            Status::Io.into()
        }
    }
}
