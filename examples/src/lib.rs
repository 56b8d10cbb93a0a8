//! Support code shared by the example programs in `examples/examples/`.
//!
//! The programs themselves are thin: argument parsing, files, progress and
//! exit codes. All policy lives in the library crates.
#![forbid(unsafe_code)]

pub mod config;
pub mod daily_run;
pub mod lint;
pub mod notice_input;
