//! The one error type of this crate.
//!
//! Every input error carries where it happened: a source name (file name or other label), and a
//! 1-based line and/or byte offset where known.

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Input that cannot be used, with where it went wrong.
    #[error("{source_name}:{line}: {message}")]
    Input {
        /// File name or other description of the input.
        source_name: String,
        /// 1-based line number (0 when the input has no lines).
        line: usize,
        /// What is wrong.
        message: String,
    },
    // --- rpsl / index variants below (owned by the registry helper) ---

    // --- rdap / ptr / rdns / cert variants below (owned by the evidence helper) ---

    // --- feed / snapshot / engine variants below (owned by the engine helper) ---
}
