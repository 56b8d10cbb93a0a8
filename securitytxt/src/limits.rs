//! Caps on hostile input: public constants, each with its own diagnostic code.
//!
//! The parser never allocates more than these caps allow, so a document built from any input is
//! bounded in memory: at most [`MAX_LINES`] line records, of which at most [`MAX_FIELDS`] are fields.
//!
//! RFC 9116 section 5.4 lets a parser refuse "fields longer than 2,048 characters, files
//! larger than 32 KB and files with more than 1,000 lines". Every cap here is at least as
//! generous as the RFC's, never stricter, so no file the RFC requires a parser to read is
//! refused:
//!
//! | cap | here | RFC 9116 §5.4 | code |
//! |---|---|---|---|
//! | [`MAX_FILE_SIZE`] | 1 MiB (1,048,576 bytes) | 32 KB | `too_large` |
//! | [`MAX_LINE_LENGTH`] | 8,192 bytes per line | 2,048 characters per field | `line_too_long` |
//! | [`MAX_LINES`] | 10,000 lines | 1,000 lines | `too_many_lines` |
//! | [`MAX_FIELDS`] | 1,000 fields | (1,000 lines, so at most 1,000 fields) | `too_many_fields` |
//!
//! Messages about a file over a cap state its real size (bytes, line length or line count).

/// Largest input [`parse`](crate::parse()) accepts, in bytes (1 MiB; RFC 9116 section 5.4
/// lets a parser refuse files over 32 KB).
///
/// Larger input is refused with [`Error::TooLarge`](crate::Error::TooLarge);
/// [`check`](crate::check) reports it as the `too_large` diagnostic. A real security.txt is a
/// few hundred bytes; a signed one a few kilobytes.
pub const MAX_FILE_SIZE: usize = 1024 * 1024;

/// Longest line, in bytes, without its line ending: 8,192 (RFC 9116 section 5.4 lets a parser
/// refuse fields longer than 2,048 characters; 2,048 characters of UTF-8 take at most 8,192
/// bytes, so a field line the RFC requires to be read is never refused, whatever the length of
/// its name).
///
/// A longer line is reported as `line_too_long` (stating its length) and kept, but not parsed
/// as a field.
pub const MAX_LINE_LENGTH: usize = 8 * 1024;

/// Most lines kept from one file: 10,000 (RFC 9116 section 5.4 lets a parser refuse files
/// with more than 1,000 lines). Lines beyond this are reported once as `too_many_lines`
/// (stating how many lines the file has) and not parsed.
pub const MAX_LINES: usize = 10_000;

/// Most fields kept from one file: 1,000 (RFC 9116 section 5.4 lets a parser refuse files with
/// more than 1,000 lines, which a file with more than 1,000 fields is). Fields beyond this are
/// reported once as `too_many_fields` and not kept.
pub const MAX_FIELDS: usize = 1_000;
