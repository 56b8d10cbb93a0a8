//! The one error type of this crate.
//!
//! An [`Error`] is `{ source, line, kind }`: the position once (a source name, the file name or
//! another label, and a 1-based line, 0 when the input has no lines or the line is unknown), and
//! an [`ErrorKind`] saying what went wrong, with caps as `{ max, len }`. The kind is
//! `#[non_exhaustive]`: new kinds can come without a breaking release.
//!
//! The `Display` form names the position first, `source:line: what` (for example
//! `ripe.db:12: broken line: ...`); kinds with another position say it their way (a JSON
//! column, a certificate's byte offset, a snapshot folder).

use std::fmt;

/// Everything that can go wrong in this crate: where (`source`, `line`) and what ([`ErrorKind`]).
///
/// ```
/// use ip_attribution::{Error, ErrorKind};
///
/// let e = Error::new("feed.csv", 3, ErrorKind::MalformedRow { message: "no address".into() });
/// assert_eq!(e.source_name(), "feed.csv");
/// assert_eq!(e.line(), 3);
/// assert!(matches!(e.kind(), ErrorKind::MalformedRow { .. }));
/// assert_eq!(e.to_string(), "feed.csv:3: malformed row: no address");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Error {
    source: String,
    line: usize,
    kind: ErrorKind,
}

/// What went wrong; the position is in the [`Error`] that holds it.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Input that cannot be used.
    Input {
        /// What is wrong.
        message: String,
    },
    /// An RPSL/WHOIS line longer than [`crate::rpsl::limits::MAX_LINE_BYTES`]; the object that
    /// holds it is skipped. The error's line is the long line.
    RpslLineTooLong {
        /// The cap.
        max: usize,
        /// The actual length in bytes.
        len: usize,
    },
    /// An RPSL object with more lines than [`crate::rpsl::limits::MAX_OBJECT_LINES`]; skipped.
    /// The error's line is where the object starts.
    RpslObjectTooManyLines {
        /// The cap.
        max: usize,
    },
    /// An RPSL object larger than [`crate::rpsl::limits::MAX_OBJECT_BYTES`]; skipped. The
    /// error's line is where the object starts.
    RpslObjectTooLarge {
        /// The cap.
        max: usize,
    },
    /// An attribute value (continuation lines joined) longer than
    /// [`crate::rpsl::limits::MAX_VALUE_BYTES`]; the object is skipped. The error's line is the
    /// attribute's.
    RpslValueTooLong {
        /// The attribute name.
        attribute: String,
        /// The cap.
        max: usize,
        /// The actual length in bytes.
        len: usize,
    },
    /// A line that is neither an attribute, a continuation nor a comment; the object is skipped.
    RpslSyntax {
        /// What is wrong.
        message: String,
    },
    /// A syntactically fine object that cannot be used (bad primary key, missing required
    /// attribute, range with start after end, unparsable address); skipped. The error's line is
    /// where the object starts.
    RpslObject {
        /// The object class (first attribute name), e.g. `inetnum`.
        class: String,
        /// What is wrong.
        message: String,
    },
    /// Reading the input failed (I/O or a corrupt gzip stream); iteration stops. The error's
    /// line is the one reached; the I/O error is also [`std::error::Error::source`].
    RpslRead {
        /// The underlying error.
        error: std::io::Error,
    },
    /// A JSON document (an RDAP response) that is not valid JSON, with serde_json's position
    /// (the error's line and this column).
    Json {
        /// 1-based column (0 when unknown).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// An input, or a part of it, is larger than one of the published caps
    /// (see the `MAX_*` constants of `rdap`, `ptr`, `rdns` and `cert`).
    TooLarge {
        /// Which cap (e.g. "RDAP document bytes", "PEM bytes", "SAN entries").
        what: &'static str,
        /// The cap.
        max: usize,
        /// The actual size (or the first size seen over the cap).
        len: usize,
    },
    /// A DNS name that cannot be used (PTR value, forward name, certificate name). The name is
    /// the position: the error's source is empty and its line 0.
    InvalidName {
        /// The offending name (cut to 300 characters).
        name: String,
        /// Why it is invalid.
        problem: crate::ptr::NameProblem,
    },
    /// A certificate (PEM or DER) that cannot be decoded or parsed. The error's line is 0.
    Certificate {
        /// Byte offset in the input where the problem starts.
        offset: usize,
        /// What is wrong.
        message: String,
    },
    /// A feed row that cannot be used (it still becomes an `unattributed` decision). The
    /// error's line is the row's first physical line.
    MalformedRow {
        /// What is wrong.
        message: String,
    },
    /// A snapshot folder (the error's source) with no usable evidence at all.
    SnapshotEmpty {
        /// What was found and what was expected.
        message: String,
    },
    /// A snapshot folder (the error's source) some of whose registry, RDAP or rDNS files could
    /// not be read to their end.
    SnapshotIncomplete {
        /// How many files.
        count: usize,
        /// The first, `file:line: message`.
        first: String,
    },
    /// A file or directory (the error's source) that cannot be read or written.
    Io {
        /// The operating system's message.
        message: String,
    },
}

impl Error {
    /// An error of `kind` at `line` (1-based, 0 when none) of `source` (a file name or label).
    pub fn new(source: impl Into<String>, line: usize, kind: ErrorKind) -> Self {
        Error {
            source: source.into(),
            line,
            kind,
        }
    }

    /// A JSON document of `source` that `serde_json` could not read, at its line and column.
    pub(crate) fn json(source: &str, e: &serde_json::Error) -> Self {
        Error::new(
            source,
            e.line(),
            ErrorKind::Json {
                column: e.column(),
                message: e.to_string(),
            },
        )
    }

    /// The input the error is about: a file name, a label, or a folder; empty for
    /// [`ErrorKind::InvalidName`], whose name is its position. (Named `source_name` because
    /// [`std::error::Error::source`] is the chain of causes.)
    pub fn source_name(&self) -> &str {
        &self.source
    }

    /// The 1-based line, 0 when the input has no lines or the kind has another position.
    pub fn line(&self) -> usize {
        self.line
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// What went wrong, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (source, line) = (&self.source, self.line);
        match &self.kind {
            ErrorKind::Json { column, message } => write!(f, "{source}:{line}:{column}: {message}"),
            ErrorKind::InvalidName { name, problem } => {
                write!(f, "invalid DNS name {name:?}: {problem}")
            }
            ErrorKind::Certificate { offset, message } => {
                write!(f, "{source}: byte {offset}: {message}")
            }
            ErrorKind::SnapshotEmpty { message } => {
                write!(f, "snapshot {source} holds no usable evidence: {message}")
            }
            ErrorKind::SnapshotIncomplete { count, first } => write!(
                f,
                "snapshot {source}: {count} file(s) could not be read to their end, first {first}"
            ),
            ErrorKind::Io { message } => write!(f, "{source}: {message}"),
            kind => write!(f, "{source}:{line}: {kind}"),
        }
    }
}

impl fmt::Display for ErrorKind {
    /// What went wrong without the position (the [`Error`]'s `Display` adds it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Input { message }
            | ErrorKind::Json { message, .. }
            | ErrorKind::Io { message } => f.write_str(message),
            ErrorKind::RpslLineTooLong { max, len } => {
                write!(f, "line of {len} bytes exceeds the maximum of {max}")
            }
            ErrorKind::RpslObjectTooManyLines { max } => {
                write!(f, "object has more than {max} lines")
            }
            ErrorKind::RpslObjectTooLarge { max } => write!(f, "object is larger than {max} bytes"),
            ErrorKind::RpslValueTooLong {
                attribute,
                max,
                len,
            } => write!(
                f,
                "value of '{attribute}' is {len} bytes, over the maximum of {max}"
            ),
            ErrorKind::RpslSyntax { message } => write!(f, "broken line: {message}"),
            ErrorKind::RpslObject { class, message } => {
                write!(f, "unusable {class} object: {message}")
            }
            ErrorKind::RpslRead { error } => write!(f, "read error: {error}"),
            ErrorKind::TooLarge { what, max, len } => write!(f, "{what} too large: {len} > {max}"),
            ErrorKind::InvalidName { name, problem } => {
                write!(f, "invalid DNS name {name:?}: {problem}")
            }
            ErrorKind::Certificate { offset, message } => write!(f, "byte {offset}: {message}"),
            ErrorKind::MalformedRow { message } => write!(f, "malformed row: {message}"),
            ErrorKind::SnapshotEmpty { message } => {
                write!(f, "holds no usable evidence: {message}")
            }
            ErrorKind::SnapshotIncomplete { count, first } => write!(
                f,
                "{count} file(s) could not be read to their end, first {first}"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::RpslRead { error } => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_source_and_the_line() {
        let e = Error::new(
            "ripe.db",
            12,
            ErrorKind::RpslValueTooLong {
                attribute: "descr".into(),
                max: 10,
                len: 11,
            },
        );
        assert_eq!(
            e.to_string(),
            "ripe.db:12: value of 'descr' is 11 bytes, over the maximum of 10"
        );
        let e = Error::new(
            "rdns.jsonl",
            4,
            ErrorKind::TooLarge {
                what: "rDNS line bytes",
                max: 5,
                len: 6,
            },
        );
        assert_eq!(
            e.to_string(),
            "rdns.jsonl:4: rDNS line bytes too large: 6 > 5"
        );
        let e = Error::new(
            "knowledge",
            0,
            ErrorKind::Input {
                message: "empty".into(),
            },
        );
        assert_eq!(e.to_string(), "knowledge:0: empty");
    }

    #[test]
    fn display_of_kinds_with_their_own_position() {
        let json = Error::new(
            "a.json",
            2,
            ErrorKind::Json {
                column: 7,
                message: "EOF".into(),
            },
        );
        assert_eq!(json.to_string(), "a.json:2:7: EOF");
        let cert = Error::new(
            "c.pem",
            0,
            ErrorKind::Certificate {
                offset: 30,
                message: "bad base64".into(),
            },
        );
        assert_eq!(cert.to_string(), "c.pem: byte 30: bad base64");
        let io = Error::new(
            "/no/such",
            0,
            ErrorKind::Io {
                message: "not found".into(),
            },
        );
        assert_eq!(io.to_string(), "/no/such: not found");
        assert_eq!(io.line(), 0);
    }

    #[test]
    fn read_errors_chain_their_cause() {
        use std::error::Error as _;
        let e = Error::new(
            "broken.gz",
            3,
            ErrorKind::RpslRead {
                error: std::io::Error::other("corrupt deflate stream"),
            },
        );
        assert_eq!(
            e.to_string(),
            "broken.gz:3: read error: corrupt deflate stream"
        );
        assert!(e.source().is_some());
        assert!(matches!(e.into_kind(), ErrorKind::RpslRead { .. }));
    }
}
