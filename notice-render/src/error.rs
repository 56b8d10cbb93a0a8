//! The one error type of this crate.

use std::fmt;

/// Everything that can go wrong in this crate: where (`source`, `line`) and what
/// ([`ErrorKind`]).
///
/// The source is the catalogue, configuration or template file, the state file, the bounce
/// file (with the message's line for an mbox), or the thing that was too large; it is empty
/// for kinds that have no input ([`ErrorKind::Signing`], [`ErrorKind::Smtp`],
/// [`ErrorKind::Output`], and [`ErrorKind::Option`], whose option name is its position). The
/// line is 1-based, 0 when the problem is the file as a whole or the input has no lines.
///
/// ```
/// use notice_render::{Error, ErrorKind};
///
/// let e = Error::new("exposed-rdp.toml", 4, ErrorKind::Catalogue { message: "unknown key".into() });
/// assert_eq!((e.source_name(), e.line()), ("exposed-rdp.toml", 4));
/// assert_eq!(e.to_string(), "exposed-rdp.toml:4: unknown key");
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
    /// A catalogue or mapping file (the error's source) that cannot be used.
    Catalogue {
        /// What is wrong.
        message: String,
    },
    /// A configuration file (the error's source) that cannot be used (see [`crate::Config`]).
    Config {
        /// What is wrong.
        message: String,
    },
    /// Signing a message failed (an unusable key; see `Signer`).
    Signing {
        /// What went wrong.
        message: String,
    },
    /// A template (the error's source, e.g. `notice.nl.txt`) that does not compile or fails
    /// to render.
    Template {
        /// What is wrong.
        message: String,
    },
    /// An input (the error's source: a file name or a description) larger than its cap (see
    /// [`crate::limits`]).
    TooLarge {
        /// The cap.
        max: usize,
        /// The actual size.
        len: usize,
    },
    /// An option that cannot be used (e.g. a From address with a line break).
    Option {
        /// The option's name.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A file or directory (the error's source) that cannot be read; the I/O error is also
    /// [`std::error::Error::source`].
    Io {
        /// The underlying error.
        error: std::io::Error,
    },
    /// The lifecycle state (`--state FILE`, the error's source) cannot be used: unreadable,
    /// not a state file, or a write that failed (the transaction was rolled back).
    State {
        /// What is wrong.
        message: String,
    },
    /// Another program holds the state file (the error's source) for writing.
    StateBusy,
    /// The state (the error's source) was written by a newer version of this software.
    StateTooNew {
        /// The version in the file.
        found: i64,
        /// The newest version this build reads.
        supported: i64,
    },
    /// An SMTP URL or option that cannot be used.
    Smtp {
        /// What is wrong.
        message: String,
    },
    /// A message that came back (a bounce, a reply) that cannot be read; the error's source is
    /// the file (with the message's line for an mbox).
    Bounce {
        /// What is wrong.
        message: String,
    },
    /// Serialising an output failed (should not happen for valid input).
    Output {
        /// Which output (json, xarf, mime).
        what: &'static str,
        /// What went wrong.
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

    /// The input the error is about (see [`Error`]); empty when there is none. (Named
    /// `source_name` because [`std::error::Error::source`] is the chain of causes.)
    pub fn source_name(&self) -> &str {
        &self.source
    }

    /// The 1-based line, 0 when the problem is the input as a whole or it has no lines.
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

/// Short constructors for the crate's own modules (some are used only under a feature).
#[allow(dead_code)]
impl Error {
    pub(crate) fn catalogue(
        file: impl Into<String>,
        line: usize,
        message: impl Into<String>,
    ) -> Self {
        let message = message.into();
        Error::new(file, line, ErrorKind::Catalogue { message })
    }

    pub(crate) fn config(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        let message = message.into();
        Error::new(file, line, ErrorKind::Config { message })
    }

    pub(crate) fn template(
        name: impl Into<String>,
        line: usize,
        message: impl Into<String>,
    ) -> Self {
        let message = message.into();
        Error::new(name, line, ErrorKind::Template { message })
    }

    pub(crate) fn signing(message: impl Into<String>) -> Self {
        let message = message.into();
        Error::new(String::new(), 0, ErrorKind::Signing { message })
    }

    pub(crate) fn too_large(what: impl Into<String>, max: usize, len: usize) -> Self {
        Error::new(what, 0, ErrorKind::TooLarge { max, len })
    }

    pub(crate) fn option(name: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        Error::new(String::new(), 0, ErrorKind::Option { name, message })
    }

    pub(crate) fn io(path: impl Into<String>, error: std::io::Error) -> Self {
        Error::new(path, 0, ErrorKind::Io { error })
    }

    pub(crate) fn state(path: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Error::new(path, 0, ErrorKind::State { message })
    }

    pub(crate) fn state_busy(path: impl Into<String>) -> Self {
        Error::new(path, 0, ErrorKind::StateBusy)
    }

    pub(crate) fn state_too_new(path: impl Into<String>, found: i64, supported: i64) -> Self {
        Error::new(path, 0, ErrorKind::StateTooNew { found, supported })
    }

    pub(crate) fn smtp(message: impl Into<String>) -> Self {
        let message = message.into();
        Error::new(String::new(), 0, ErrorKind::Smtp { message })
    }

    pub(crate) fn bounce(file: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Error::new(file, 0, ErrorKind::Bounce { message })
    }

    pub(crate) fn output(what: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        Error::new(String::new(), 0, ErrorKind::Output { what, message })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (source, line) = (&self.source, self.line);
        match &self.kind {
            ErrorKind::Catalogue { message } | ErrorKind::Config { message } => {
                write!(f, "{source}:{line}: {message}")
            }
            ErrorKind::Template { message } => write!(f, "template {source}:{line}: {message}"),
            ErrorKind::TooLarge { max, len } => {
                write!(f, "{source}: {len} is more than the maximum {max}")
            }
            ErrorKind::Io { error } => write!(f, "{source}: {error}"),
            ErrorKind::State { message } => write!(f, "state {source}: {message}"),
            ErrorKind::StateBusy => write!(
                f,
                "state {source} is in use by another program (one writer at a time); try again when it has finished"
            ),
            ErrorKind::StateTooNew { found, supported } => write!(
                f,
                "state {source} has schema version {found}, newer than this program understands ({supported}); use a newer release"
            ),
            ErrorKind::Bounce { message } => write!(f, "{source}: {message}"),
            kind => write!(f, "{kind}"),
        }
    }
}

impl fmt::Display for ErrorKind {
    /// What went wrong without the position (the [`Error`]'s `Display` adds it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Catalogue { message }
            | ErrorKind::Config { message }
            | ErrorKind::Template { message }
            | ErrorKind::State { message }
            | ErrorKind::Bounce { message } => f.write_str(message),
            ErrorKind::Signing { message } => write!(f, "signing: {message}"),
            ErrorKind::TooLarge { max, len } => write!(f, "{len} is more than the maximum {max}"),
            ErrorKind::Option { name, message } => write!(f, "option {name}: {message}"),
            ErrorKind::Io { error } => write!(f, "{error}"),
            ErrorKind::StateBusy => f.write_str("in use by another program"),
            ErrorKind::StateTooNew { found, supported } => write!(
                f,
                "schema version {found}, newer than this program understands ({supported})"
            ),
            ErrorKind::Smtp { message } => write!(f, "smtp: {message}"),
            ErrorKind::Output { what, message } => write!(f, "writing {what}: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io { error } => Some(error),
            _ => None,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_source_and_the_line() {
        assert_eq!(
            Error::catalogue("exposed-rdp.toml", 7, "unknown key").to_string(),
            "exposed-rdp.toml:7: unknown key"
        );
        assert_eq!(
            Error::config("notify.toml", 3, "bad sender").to_string(),
            "notify.toml:3: bad sender"
        );
        let t = Error::template("notice.nl.txt", 12, "unknown filter");
        assert_eq!(t.to_string(), "template notice.nl.txt:12: unknown filter");
        assert_eq!((t.source_name(), t.line()), ("notice.nl.txt", 12));
        assert_eq!(
            Error::too_large("big.toml", 10, 11).to_string(),
            "big.toml: 11 is more than the maximum 10"
        );
        assert_eq!(
            Error::bounce("in.mbox:40", "no headers").to_string(),
            "in.mbox:40: no headers"
        );
    }

    #[test]
    fn display_of_kinds_without_a_source() {
        assert_eq!(
            Error::option("from", "line break").to_string(),
            "option from: line break"
        );
        assert_eq!(Error::signing("no key").to_string(), "signing: no key");
        assert_eq!(Error::smtp("bad port").to_string(), "smtp: bad port");
        assert_eq!(
            Error::output("json", "oops").to_string(),
            "writing json: oops"
        );
        assert_eq!(
            Error::state_busy("s.db").to_string(),
            "state s.db is in use by another program (one writer at a time); try again when it has finished"
        );
    }

    #[test]
    fn io_errors_chain_their_cause() {
        use std::error::Error as _;
        let e = Error::io("cat/", std::io::Error::other("denied"));
        assert_eq!(e.to_string(), "cat/: denied");
        assert!(e.source().is_some());
    }
}
