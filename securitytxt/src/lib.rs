#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod error;
pub use error::Error;

// OpenPGP signature verification (owned by the signatures/fetch helper).
pub mod verify;

// Fetching by the RFC's rules (owned by the signatures/fetch helper).
#[cfg(feature = "fetch")]
#[cfg_attr(docsrs, doc(cfg(feature = "fetch")))]
pub mod fetch;
