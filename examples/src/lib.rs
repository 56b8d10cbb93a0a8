//! Support code shared by the example programs in `examples/examples/`.
//!
//! The programs themselves are thin: argument parsing, files, progress and
//! exit codes. All policy lives in the library crates.
#![forbid(unsafe_code)]

pub mod acknowledge;
pub mod atomic_file;
#[cfg(feature = "collect")]
pub mod collect;
pub mod config;
pub mod daily_run;
pub mod daily_state;
pub mod evidence_check;
pub mod gen_docs;
pub mod gen_feed;
pub mod gen_registry;
pub mod ingest_bounces;
pub mod lint;
#[cfg(feature = "loopback")]
pub mod loopback_world;
pub mod notice_input;
pub mod programs;
pub mod registry_check;
pub mod sectxt_fetch;
pub mod send_notices;
pub mod synthetic_registry;
pub mod verify_check;
