#![doc = include_str!("../README.md")]
//!
//! # How the crate is laid out
//!
//! Read it top-down in the order data flows:
//!
//! 1. [`finding`]: the input records, [`Finding`] and [`Recipient`].
//! 2. [`config`]: the service's identity (sender, phone, web page, verify
//!    URL, default language, signing key) from one TOML file.
//! 3. [`catalogue`]: the problem explanations (nl, en) from data files, and
//!    [`mapping`]: which explanation a finding gets.
//! 4. [`aggregate`](mod@aggregate): findings → one [`Notice`] per recipient.
//! 5. [`language`]: choosing nl or en for a recipient.
//! 6. [`render`]: a [`Renderer`] turns a notice into subject, text, HTML,
//!    CSV, JSON, XARF and MIME.
//! 7. [`inert`]: the one place where hostile strings are made harmless.
//! 8. [`limits`] and [`error`].
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
#![doc(test(attr(deny(warnings))))]

pub mod aggregate;
pub mod catalogue;
pub mod config;
pub mod error;
pub mod file_name;
pub mod finding;
pub mod inert;
pub mod language;
pub mod lifecycle;
pub mod limits;
pub mod mapping;
pub mod render;

pub use aggregate::{
    Aggregate, AggregateOptions, Aggregator, DropReason, Dropped, Group, Item, MergedItems, Notice,
    Pushed, RecipientFindings, aggregate, recipient_key, recipient_notices,
};
pub use catalogue::{Catalogue, Entry, EntryText, Kind, NoticeKind};
pub use config::Config;
pub use error::{Error, ErrorKind, Result};
pub use file_name::notice_file_name;
pub use finding::{Classification, Customer, Evidence, Finding, Recipient, RecipientRole};
pub use language::{Language, choose_language};
pub use render::{RenderOptions, Rendered, Renderer, Templates};
