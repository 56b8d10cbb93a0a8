//! Caps on what one call accepts or renders. Every cap has its own error
//! variant or its own visible marker, and a test just under and just over it.

/// Longest value of one finding field shown in a notice, in characters.
/// Longer values are cut and end in a visible marker `[+N chars]`.
pub const MAX_FIELD_CHARS: usize = 512;

/// Most extra scanner fields shown per finding; further fields are counted
/// in a visible line `(+N more fields)`.
pub const MAX_EXTRA_FIELDS: usize = 40;

/// Most tags of one finding looked at by the mapping and shown.
pub const MAX_TAGS: usize = 32;

/// Most findings in one notice. A recipient with more findings gets
/// further notices (each with its own ticket), so nothing is lost.
pub const MAX_FINDINGS_PER_NOTICE: usize = 500;

/// Most language tags of a recipient looked at when choosing the language.
pub const MAX_LANGUAGE_PREFERENCES: usize = 16;

/// Largest catalogue, mapping or template file, in bytes.
pub const MAX_SOURCE_BYTES: usize = 256 * 1024;

/// Most catalogue entries.
pub const MAX_ENTRIES: usize = 256;

/// Most mapping rules.
pub const MAX_RULES: usize = 1024;

/// Longest catalogue text field (one of `seen`, `why`, ...), in characters.
pub const MAX_TEXT_CHARS: usize = 4000;

/// Longest subject phrase of a catalogue entry, in characters.
pub const MAX_SUBJECT_CHARS: usize = 60;

/// Longest recipient address, in bytes (RFC 5321 path limit).
pub const MAX_ADDRESS_BYTES: usize = 254;

/// Longest ticket prefix, in characters.
pub const MAX_TICKET_PREFIX_CHARS: usize = 16;

/// Columns of the plain-text body: every line is at most this wide.
pub const TEXT_COLUMNS: usize = 78;

/// Longest reference URL in the catalogue, in characters: it is printed on
/// its own line, indented by 4, and must not be cut by the 78-column wrap.
pub const MAX_REFERENCE_URL_CHARS: usize = 74;

// Caps defined next to the code they bound, listed here with the rest.
pub use crate::config::MAX_CONFIG_BYTES;
pub use crate::file_name::{CUT_NAME_BYTES, MAX_NAME_BYTES};
