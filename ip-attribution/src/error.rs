//! The one error type of this crate.

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
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
}
