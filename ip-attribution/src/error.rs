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
    /// An RPSL/WHOIS line longer than [`crate::rpsl::limits::MAX_LINE_BYTES`]; the object that
    /// holds it is skipped.
    #[error("{source_name}:{line}: line of {len} bytes exceeds the maximum of {max}")]
    RpslLineTooLong {
        /// File name or other description of the input.
        source_name: String,
        /// 1-based line number of the long line.
        line: usize,
        /// The cap.
        max: usize,
        /// The actual length in bytes.
        len: usize,
    },
    /// An RPSL object with more lines than [`crate::rpsl::limits::MAX_OBJECT_LINES`]; skipped.
    #[error("{source_name}:{line}: object has more than {max} lines")]
    RpslObjectTooManyLines {
        /// File name or other description of the input.
        source_name: String,
        /// 1-based line number where the object starts.
        line: usize,
        /// The cap.
        max: usize,
    },
    /// An RPSL object larger than [`crate::rpsl::limits::MAX_OBJECT_BYTES`]; skipped.
    #[error("{source_name}:{line}: object is larger than {max} bytes")]
    RpslObjectTooLarge {
        /// File name or other description of the input.
        source_name: String,
        /// 1-based line number where the object starts.
        line: usize,
        /// The cap.
        max: usize,
    },
    /// An attribute value (continuation lines joined) longer than
    /// [`crate::rpsl::limits::MAX_VALUE_BYTES`]; the object is skipped.
    #[error(
        "{source_name}:{line}: value of '{attribute}' is {len} bytes, over the maximum of {max}"
    )]
    RpslValueTooLong {
        /// File name or other description of the input.
        source_name: String,
        /// 1-based line number of the attribute.
        line: usize,
        /// The attribute name.
        attribute: String,
        /// The cap.
        max: usize,
        /// The actual length in bytes.
        len: usize,
    },
    /// A line that is neither an attribute, a continuation nor a comment; the object is skipped.
    #[error("{source_name}:{line}: broken line: {message}")]
    RpslSyntax {
        /// File name or other description of the input.
        source_name: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A syntactically fine object that cannot be used (bad primary key, missing required
    /// attribute, range with start after end, unparsable address); skipped.
    #[error("{source_name}:{line}: unusable {class} object: {message}")]
    RpslObject {
        /// File name or other description of the input.
        source_name: String,
        /// 1-based line number where the object starts.
        line: usize,
        /// The object class (first attribute name), e.g. `inetnum`.
        class: String,
        /// What is wrong.
        message: String,
    },
    /// Reading the input failed (I/O or a corrupt gzip stream); iteration stops.
    #[error("{source_name}:{line}: read error: {error}")]
    RpslRead {
        /// File name or other description of the input.
        source_name: String,
        /// 1-based line number reached when the error happened.
        line: usize,
        /// The underlying error.
        #[source]
        error: std::io::Error,
    },

    // --- rdap / ptr / rdns / cert variants below (owned by the evidence helper) ---
    /// A JSON document (an RDAP response) that is not valid JSON, with serde_json's position.
    #[error("{source_name}:{line}:{column}: {message}")]
    Json {
        /// File name or other description of the input.
        source_name: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// An input, or a part of it, is larger than one of the published caps
    /// (see the `MAX_*` constants of `rdap`, `ptr`, `rdns` and `cert`).
    #[error("{source_name}:{line}: {what} too large: {len} > {max}")]
    TooLarge {
        /// File name or other description of the input.
        source_name: String,
        /// 1-based line, or 0 when the input has no lines.
        line: usize,
        /// Which cap (e.g. "RDAP document bytes", "PEM bytes", "SAN entries").
        what: &'static str,
        /// The cap.
        max: usize,
        /// The actual size (or the first size seen over the cap).
        len: usize,
    },
    /// A DNS name that cannot be used (PTR value, forward name, certificate name).
    #[error("invalid DNS name {name:?}: {problem}")]
    InvalidName {
        /// The offending name (cut to 300 characters).
        name: String,
        /// Why it is invalid.
        problem: crate::ptr::NameProblem,
    },
    /// A certificate (PEM or DER) that cannot be decoded or parsed.
    #[error("{source_name}: byte {offset}: {message}")]
    Certificate {
        /// File name or other description of the input.
        source_name: String,
        /// Byte offset in the input where the problem starts.
        offset: usize,
        /// What is wrong.
        message: String,
    },

    // --- feed / snapshot / engine variants below (owned by the engine helper) ---
    /// A feed row that cannot be used (it still becomes an `unattributed` decision).
    #[error("{source_name}:{line}: malformed row: {message}")]
    MalformedRow {
        /// Feed file name.
        source_name: String,
        /// 1-based physical line of the row.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A snapshot folder with no usable evidence at all.
    #[error("snapshot {path} holds no usable evidence: {message}")]
    SnapshotEmpty {
        /// The folder.
        path: String,
        /// What was found and what was expected.
        message: String,
    },
    /// A snapshot some of whose registry, RDAP or rDNS files could not be read to their end.
    #[error("snapshot {path}: {count} file(s) could not be read to their end, first {first}")]
    SnapshotIncomplete {
        /// The folder.
        path: String,
        /// How many files.
        count: usize,
        /// The first, `file:line: message`.
        first: String,
    },
    /// A file or directory that cannot be read.
    #[error("{path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The operating system's message.
        message: String,
    },
}
