#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

pub mod error;
pub use error::Error;

// Evidence parsers (sans-IO: bytes in, values out).
pub mod cert;
pub mod index;
pub mod ptr;
pub mod rdap;
pub mod rdns;
pub mod rpsl;

// Findings, snapshot loading and the decision engine.
pub mod engine;
pub mod feed;
pub mod snapshot;
