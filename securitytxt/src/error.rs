//! The one error type of this crate.
//!
//! Parsing fails only on fatal input (see [`Error::TooLarge`]); every other finding about a file
//! is a [`Diagnostic`](crate::Diagnostic). The writer fails when asked to write a value that
//! cannot be represented in a security.txt line.

/// Everything that can go wrong in this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Input that cannot be used, with where it went wrong.
    #[error("{input}: {message}")]
    Input {
        /// File name or other description of the input.
        input: String,
        /// What is wrong.
        message: String,
    },
    /// The input is larger than [`MAX_FILE_SIZE`](crate::limits::MAX_FILE_SIZE).
    #[error("input is {len} bytes, more than the {max} bytes allowed (at byte offset {max})")]
    TooLarge {
        /// The cap, in bytes.
        max: usize,
        /// The size of the input, in bytes.
        len: usize,
    },
    /// The writer was given a value it cannot write on one line.
    #[error("field {field:?}: {message} (at byte {offset} of the value)")]
    InvalidValue {
        /// Name of the field (or `#` for a comment).
        field: String,
        /// Byte offset of the offending character in the value.
        offset: usize,
        /// What is wrong.
        message: &'static str,
    },
}
