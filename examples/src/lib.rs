//! Support code shared by the example programs in `examples/examples/`.
//!
//! The programs themselves are thin: argument parsing, files, progress and
//! exit codes. All policy lives in the library crates.
#![forbid(unsafe_code)]

pub mod acknowledge;
pub mod daily_run;
pub mod daily_state;
pub mod ingest_bounces;
pub mod lint;
pub mod send_notices;
