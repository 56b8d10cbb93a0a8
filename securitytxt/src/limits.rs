//! Caps on hostile input: public constants, each with its own diagnostic code.
//!
//! The parser never allocates more than these caps allow, so a document built from any input is
//! bounded in memory: at most [`MAX_LINES`] line records, of which at most [`MAX_FIELDS`] are fields.

/// Largest input [`parse`](crate::parse()) accepts, in bytes (1 MiB).
///
/// Larger input is refused with [`Error::TooLarge`](crate::Error::TooLarge);
/// [`check`](crate::check) reports it as the `too_large` diagnostic. A real security.txt is a
/// few hundred bytes; a signed one a few kilobytes.
pub const MAX_FILE_SIZE: usize = 1024 * 1024;

/// Longest line, in bytes, without its line ending (998, the limit of RFC 5322 section 2.1.1).
///
/// A longer line is reported as `line_too_long` and kept, but not parsed as a field.
pub const MAX_LINE_LENGTH: usize = 998;

/// Most lines kept from one file. Lines beyond this are reported once as `too_many_lines`
/// and not parsed.
pub const MAX_LINES: usize = 10_000;

/// Most fields kept from one file. Fields beyond this are reported once as `too_many_fields`
/// and not kept.
pub const MAX_FIELDS: usize = 1_000;
