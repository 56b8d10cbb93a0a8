#![doc = include_str!("../README.md")]
//!
//! # Reading this crate
//!
//! Bytes go in, values come out; nothing here reads files, opens sockets or looks at the clock.
//!
//! 1. [`parse`](parse()) splits the input into [`Line`]s with their positions and builds a
//!    [`Document`] that borrows from the input. Syntax and framing findings are kept on the
//!    document. A signed file's OpenPGP envelope is recognised and exposed as [`SignedParts`]
//!    for verification.
//! 2. [`validate`](validate()) applies the rules of RFC 9116 given [`Options`] (the time `now`, and the URL
//!    chain the file was fetched from) and returns [`Diagnostic`]s: a stable [`Code`], a
//!    [`Severity`], a [`Span`] and a message. [`check`] does both steps.
//! 3. [`Document::contact_view`] ranks the contacts for notifiers ([`ContactView`]).
//! 4. [`Builder`] writes a valid file.
//!
//! # Examples
//!
//! Getting the parts a verifier needs from a signed file:
//!
//! ```
//! let text = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n\
//!              Contact: mailto:security@example.com\n- -dash-escaped\n\
//!              -----BEGIN PGP SIGNATURE-----\n\niQE=\n-----END PGP SIGNATURE-----\n";
//! let doc = securitytxt::parse(text).unwrap();
//! let parts = doc.signature().expect("framing is complete");
//! assert_eq!(parts.hash_algorithms, ["SHA512"]);
//! assert_eq!(&*parts.cleartext, b"Contact: mailto:security@example.com\n-dash-escaped");
//! assert_eq!(parts.canonical_text(), b"Contact: mailto:security@example.com\r\n-dash-escaped");
//! assert!(parts.armored_signature.starts_with(b"-----BEGIN PGP SIGNATURE-----"));
//! assert!(parts.armored_signature.ends_with(b"-----END PGP SIGNATURE-----"));
//! ```
//!
//! # Crate features
//!
//! - `serde`: `Serialize`/`Deserialize` for [`Document`] (and its lines, fields, signed parts),
//!   [`Diagnostic`], [`Code`] (as its snake_case name), [`Severity`] and [`Span`]; `Serialize` for the contact
//!   view.
//! - `fetch`: fetching a security.txt over HTTPS by the RFC's rules (module `fetch`).
//!
//! # Limits
//!
//! Hostile input is bounded by public constants in [`limits`], each with its own code:
//! [`MAX_FILE_SIZE`](limits::MAX_FILE_SIZE) (1 MiB, `too_large`: [`parse`](parse()) fails with
//! [`Error::TooLarge`]), [`MAX_LINE_LENGTH`](limits::MAX_LINE_LENGTH) (8,192 bytes;
//! `line_too_long`), [`MAX_LINES`](limits::MAX_LINES) (10,000; `too_many_lines`) and
//! [`MAX_FIELDS`](limits::MAX_FIELDS) (1,000; `too_many_fields`). Each is at least as generous
//! as RFC 9116 section 5.4 (32 KB, 2,048-character fields, 1,000 lines): see [`limits`].
//!
//! # Errors
//!
//! There is one error type, [`Error`]. [`parse`](parse()) fails only for input over the size cap;
//! everything else about a file is a [`Diagnostic`] with a position, in the manner of
//! rust-url's fatal `ParseError` versus its `SyntaxViolation`s. [`Builder::build`] fails on
//! values that cannot be written on one line.
#![forbid(unsafe_code)]
// Every public type is a deliberate choice: #[non_exhaustive] unless it is meant to be built
// field by field by callers (then allow the lint at the type, saying why).
#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The modules are private: the public surface is the list below, one group per step, in the
// manner of rustls's lib.rs. `limits` (the caps) and the feature modules are public modules.
mod contacts;
mod diagnostic;
mod error;
mod expires;
mod field;
mod language;
mod parse;
mod signed;
mod uri;
mod validate;
mod write;

pub mod limits;

// Parsing: a [`Document`] of [`Line`]s borrowing from the input, with its [`Field`]s and the
// OpenPGP envelope's [`SignedParts`].
pub use field::{Field, FieldKind};
pub use parse::{Document, Line, LineKind, OwnedDocument, parse};
pub use signed::{BEGIN_SIGNATURE, BEGIN_SIGNED_MESSAGE, END_SIGNATURE, SignedParts};

// Field values: the URI, date-time and language-tag grammars a field value must follow.
pub use expires::{ExpiresError, parse_rfc3339};
pub use language::is_language_tag;
pub use uri::{Authority, Uri, UriError, UriErrorKind, parse_uri};

// Validating: [`validate`] by RFC 9116 given [`Options`], into [`Diagnostic`]s.
pub use diagnostic::{Code, Diagnostic, Severity, Span, is_valid};
pub use validate::{Options, validate};

// Contacts ranked for notifiers ([`Document::contact_view`]).
pub use contacts::{ContactKind, ContactPoint, ContactView};

// Writing a valid file.
pub use write::{Builder, LineEnding};

// The one error type.
pub use error::Error;

// OpenPGP signature verification (owned by the signatures/fetch helper).
pub mod verify;

// Fetching by the RFC's rules (owned by the signatures/fetch helper).
#[cfg(feature = "fetch")]
#[cfg_attr(docsrs, doc(cfg(feature = "fetch")))]
pub mod fetch;

/// Parses and validates `input` in one step.
///
/// Input over [`MAX_FILE_SIZE`](limits::MAX_FILE_SIZE) gives the single diagnostic `too_large`
/// instead of an error.
pub fn check(input: &[u8], options: &Options) -> Vec<Diagnostic> {
    match parse(input) {
        Ok(doc) => validate(&doc, options),
        Err(e) => vec![Diagnostic::new(Code::TooLarge, None, e.to_string())],
    }
}
