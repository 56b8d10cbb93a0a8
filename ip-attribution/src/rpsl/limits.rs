//! Caps on RPSL/WHOIS input. Each cap has its own [`crate::Error`] variant; input over a cap is
//! reported with its source name and line, the object that holds it is skipped, and reading goes
//! on. Memory used by the reader is bounded by [`MAX_OBJECT_BYTES`] whatever the input.

/// Longest accepted line in bytes (without the line end). Longer lines give
/// [`crate::ErrorKind::RpslLineTooLong`]; the rest of that line is read and discarded without being
/// stored.
pub const MAX_LINE_BYTES: usize = 8 * 1024;

/// Most lines in one object (comment lines inside it included). Large `as-set` objects have
/// tens of thousands of member lines, so the cap is generous. Over it:
/// [`crate::ErrorKind::RpslObjectTooManyLines`].
pub const MAX_OBJECT_LINES: usize = 100_000;

/// Most bytes in one object (line ends included). Over it: [`crate::ErrorKind::RpslObjectTooLarge`].
pub const MAX_OBJECT_BYTES: usize = 4 * 1024 * 1024;

/// Longest attribute value after continuation lines are joined. Over it:
/// [`crate::ErrorKind::RpslValueTooLong`].
pub const MAX_VALUE_BYTES: usize = 64 * 1024;
