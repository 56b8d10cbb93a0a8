#![doc = include_str!("../README.md")]
//!
//! # Reading this crate
//!
//! Data flows one way, and the modules are listed below in that order.
//!
//! 1. Evidence parsers take bytes and return values; none reads a file or the clock:
//!    [`rpsl`] (registry dumps and saved WHOIS answers), [`rdap`], [`ptr`], [`rdns`], [`cert`].
//! 2. [`index`] answers "which registry networks cover this address", most specific first, with
//!    the abuse contact resolved and placeholders (IANA blocks, `NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK`,
//!    `0.0.0.0/0`) flagged and never returned as an answer.
//! 3. [`feed`] turns scanner reports into [`feed::Finding`]s, one per row, malformed rows included.
//! 4. [`snapshot`] is the only module that touches the file system: it loads an evidence folder
//!    (layout in the module docs) into an in-memory [`engine::EvidenceSource`].
//! 5. [`engine`] gathers the [`engine::Evidence`] for one address through that trait and decides
//!    by the numbered policy in [`engine::policy`]; every [`engine::Decision`] carries its
//!    outcome, organisation, ranked recipients with where each came from, language, every
//!    evidence item with its weight and source, the step that decided and a reason.
//!
//! # Crate features
//!
//! - `serde`: `Serialize`/`Deserialize` for [`engine::Decision`] and its parts (outcomes and
//!   `via` spelled as in the daily-run contract), and `Serialize` for the parsers' RDAP, PTR
//!   and certificate values.
//!
//! - `net`: the `collect` module, live collection of a snapshot folder over the network
//!   (tokio, hickory-resolver, reqwest/rustls with ring, securitytxt's `fetch`). Without it no
//!   code of this crate does I/O beyond [`snapshot`] reading a folder.
//!
//! # Public Suffix List
//!
//! Registrable domains come from the `psl` crate with the ICANN **and private** sections: a
//! name under a private suffix such as `customer.github.io` belongs to that platform's
//! customer, not to the platform. Names under a TLD the list does not know fall under its
//! default `*` rule (`foo.test` is registrable). See [`ptr`].
//!
//! # Limits
//!
//! Every parser is total: input over a cap is an error naming the cap, the actual size and the
//! position, and reading goes on where it can (the next object, row or line). The caps are
//! public constants: [`rpsl::limits`] (line, object, value sizes), [`rdap::MAX_RDAP_BYTES`] and
//! [`rdap::MAX_RDAP_JSON_DEPTH`], [`ptr::MAX_INPUT_NAME_LEN`], [`rdns::MAX_RDNS_LINE_LEN`] and
//! [`rdns::MAX_RDNS_LINES`], [`cert::MAX_PEM_BYTES`], [`cert::MAX_CHAIN_CERTS`] and
//! [`cert::MAX_SAN_ENTRIES`], [`feed::csv::MAX_RECORD_BYTES`], [`feed::csv::MAX_RECORD_LINES`],
//! [`feed::csv::MAX_FIELDS`] and
//! [`feed::intelmq::MAX_LINE_BYTES`], [`snapshot::MAX_SMALL_FILE_BYTES`].
//!
//! # Errors
//!
//! There is one error type, [`Error`], shaped `{ source, line, kind }`: the position once
//! ([`Error::source_name`], the file name or label; [`Error::line`], 1-based) and what went
//! wrong as a `#[non_exhaustive]` [`ErrorKind`] (caps as `{ max, len }`; a JSON column or a
//! certificate's byte offset in the kind). Its `Display` starts with the position,
//! `source:line: what`. A snapshot folder with unusable files still
//! loads: each problem is reported in [`snapshot::LoadReport`] with file and line, and counted.
#![forbid(unsafe_code)]
// Every public type is a deliberate choice: #[non_exhaustive] unless it is meant to be built
// field by field by callers (then allow the lint at the type, saying why).
#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

pub mod error;
pub use error::{Error, ErrorKind};

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

// Live collection into a snapshot folder (feature `net`).
#[cfg(feature = "net")]
#[cfg_attr(docsrs, doc(cfg(feature = "net")))]
pub mod collect;
