//! The one error type of this crate.

/// Everything that can go wrong in this crate.
///
/// Input errors carry where they happened: the catalogue or template file
/// and its line (1-based), or the option that is wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A catalogue or mapping file that cannot be used.
    #[error("{file}:{line}: {message}")]
    Catalogue {
        /// File name (as given to the loader, e.g. `exposed-rdp.toml`).
        file: String,
        /// Line, 1-based (0 when the problem is the file as a whole).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A configuration file that cannot be used (see [`crate::config`]).
    #[error("{file}:{line}: {message}")]
    Config {
        /// File name as given to the loader.
        file: String,
        /// Line, 1-based (0 when the problem is the file as a whole).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Signing a message failed (an unusable key; see `Signer`).
    #[error("signing: {message}")]
    Signing {
        /// What went wrong.
        message: String,
    },
    /// A template that does not compile or fails to render.
    #[error("template {name}:{line}: {message}")]
    Template {
        /// Template name (e.g. `notice.nl.txt`).
        name: String,
        /// Line, 1-based (0 when unknown).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An input larger than its cap (see [`crate::limits`]).
    #[error("{what}: {len} is more than the maximum {max}")]
    TooLarge {
        /// What was too large (a file name or a description).
        what: String,
        /// The cap.
        max: usize,
        /// The actual size.
        len: usize,
    },
    /// An option that cannot be used (e.g. a From address with a line break).
    #[error("option {name}: {message}")]
    Option {
        /// The option's name.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A file or directory that cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The lifecycle state (`--state FILE`) cannot be used: unreadable, not a state file,
    /// or a write that failed (the transaction was rolled back).
    #[error("state {path}: {message}")]
    State {
        /// The state file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Another program holds the state file for writing.
    #[error(
        "state {path} is in use by another program (one writer at a time); try again when it has finished"
    )]
    StateBusy {
        /// The state file.
        path: String,
    },
    /// The state was written by a newer version of this software.
    #[error(
        "state {path} has schema version {found}, newer than this program understands ({supported}); use a newer release"
    )]
    StateTooNew {
        /// The state file.
        path: String,
        /// The version in the file.
        found: i64,
        /// The newest version this build reads.
        supported: i64,
    },
    /// An SMTP URL or option that cannot be used.
    #[error("smtp: {message}")]
    Smtp {
        /// What is wrong.
        message: String,
    },
    /// A message that came back (a bounce, a reply) that cannot be read.
    #[error("{file}: {message}")]
    Bounce {
        /// The file (with the message's line for an mbox).
        file: String,
        /// What is wrong.
        message: String,
    },
    /// Serialising an output failed (should not happen for valid input).
    #[error("writing {what}: {message}")]
    Output {
        /// Which output (json, xarf, mime).
        what: &'static str,
        /// What went wrong.
        message: String,
    },
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The 1-based line of byte `offset` in `source` (clamped to the end).
pub(crate) fn line_of(source: &str, offset: usize) -> usize {
    source
        .as_bytes()
        .iter()
        .take(offset)
        .filter(|b| **b == b'\n')
        .count()
        + 1
}
