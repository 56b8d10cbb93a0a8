//! Lints security.txt files (RFC 9116): `sectxt-lint --help` describes the options; the
//! program, its exit status and its JSON output are documented in `examples::lint`.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(examples::lint::main())
}
