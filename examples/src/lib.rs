//! Support code shared by the example programs in `examples/examples/`.
//!
//! The programs themselves are thin: argument parsing, files, progress and
//! exit codes. All policy lives in the library crates.
#![forbid(unsafe_code)]

#[cfg(feature = "collect")]
pub mod collect;
pub mod daily_run;
pub mod lint;
