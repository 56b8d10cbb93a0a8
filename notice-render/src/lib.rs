#![doc = include_str!("../README.md")]
//!
//! # How the crate is laid out
//!
//! Read it top-down in the order data flows:
//!
//! 1. The input records, [`Finding`] and [`Recipient`].
//! 2. [`Config`]: the service's identity (sender, phone, web page, verify
//!    URL, default language, signing key) from one TOML file.
//! 3. [`Catalogue`]: the problem explanations (nl, en) from data files, and
//!    its [`Mapping`]: which explanation a finding gets.
//! 4. [`Aggregator`] and [`aggregate()`]: findings → one [`Notice`] per recipient.
//! 5. [`choose_language`]: choosing nl or en for a recipient.
//! 6. [`render`]: a [`Renderer`] turns a notice into subject, text, HTML,
//!    CSV, JSON, XARF and MIME.
//! 7. [`inert`]: the one place where hostile strings are made harmless.
//! 8. [`limits`] and [`Error`].
//! 9. [`lifecycle`]: what was told to whom across days, delivery and bounces.
//!
//! # Crate features
//!
//! - `serde`: `serde::Deserialize` for the input records ([`Finding`],
//!   [`Recipient`], [`Classification`]), e.g. to read findings from JSON.
//!   JSON output does not need it.
//! - `openpgp`: OpenPGP/MIME signing of the messages (RFC 3156) with the
//!   `pgp` crate: `render::Signer` and `Renderer::with_signer`.
//! - `sqlite`: `lifecycle::sqlite`, the lifecycle state in one SQLite file (SQLite bundled).
//! - `smtp`: `lifecycle::smtp`, delivery over SMTP with lettre on rustls (ring).
//! - `bounces`: `lifecycle::bounces`, reading DSNs and replies with mail-parser.
//!
//! # Limits
//!
//! Every cap is a public constant in [`limits`]: a field value longer than
//! [`limits::MAX_FIELD_CHARS`] is cut with a visible `[+N chars]`; at most
//! [`limits::MAX_EXTRA_FIELDS`] extra fields per finding are shown (the rest
//! counted); a recipient with more than [`limits::MAX_FINDINGS_PER_NOTICE`]
//! findings gets more notices; catalogue and template files are at most
//! [`limits::MAX_SOURCE_BYTES`]. Text columns are counted in Unicode scalar
//! values, not display width: wide (CJK) characters may look wider.
//!
//! # Errors
//!
//! One error type, [`Error`]: catalogue problems carry file and line,
//! template problems the template name and line, caps the maximum and the
//! actual size, bad options the option's name. Rendering a [`Notice`] with a
//! renderer built from valid templates does not fail in practice: the
//! templates are exercised when the [`Renderer`] is built.
#![forbid(unsafe_code)]
// Every public type is a deliberate choice: #[non_exhaustive] unless it is meant to be built
// field by field by callers (then allow the lint at the type, saying why).
#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
// Internals are pub(crate): a `pub` item must be reachable from the `pub use` list or a public
// module (also a workspace lint; kept here so the crate says it of itself).
#![warn(unreachable_pub)]
#![doc(test(attr(deny(warnings))))]

// The modules that hold the value types and the steps are private: the public surface is the
// list below, one group per step, in the manner of rustls's lib.rs. `render` (with its own
// list), `inert`, `limits` and `lifecycle` (whose feature-gated `sqlite`, `smtp` and `bounces`
// read better as modules in the docs) are public modules.
mod aggregate;
mod catalogue;
mod config;
mod error;
mod file_name;
mod finding;
mod language;
mod mapping;
mod scan;

pub mod inert;
pub mod lifecycle;
pub mod limits;
pub mod render;

// Input records: findings and the recipients they go to.
pub use finding::{Classification, Customer, Evidence, Finding, Recipient, RecipientRole};

// The service's identity, from one TOML file.
pub use config::{Config, EXAMPLE_TOML, NoticeConfig, Sender, SigningConfig, TICKET_PLACEHOLDER};

// Problem explanations and which one a finding gets.
pub use catalogue::{
    Catalogue, EMBEDDED_CATALOGUE, Entry, EntryText, Kind, MAPPING_FILE, NoticeKind, Reference,
    XarfClass,
};
pub use mapping::{Mapping, Rule};

// Findings to notices: the streaming aggregator and its one-call wrapper.
pub use aggregate::{
    Aggregate, AggregateOptions, Aggregator, DropReason, Dropped, Group, Item, Notice, Pushed,
    RecipientFindings, aggregate, is_usable_address,
};

// The recipient's language.
pub use language::{Language, choose_language};

// Rendering (more in `render`) and the notice files' names.
pub use file_name::notice_file_name;
pub use render::{RenderOptions, Rendered, Renderer, Templates};

// The one error type.
pub use error::{Error, ErrorKind, Result};
