//! Writing a security.txt: a [`Builder`] that emits a valid file.
//!
//! Fields come out in a fixed, sensible order (Contact, Expires, Encryption, Acknowledgments,
//! Preferred-Languages, Canonical, Policy, Hiring, CSAF, then other fields), each kind in the
//! order it was added; comments come first. Parsing what the builder writes gives back the same
//! fields and comments.

use crate::error::Error;
use crate::expires::parse_rfc3339;
use crate::field::FieldKind;
use crate::limits::MAX_LINE_LENGTH;
use crate::parse::{Document, LineKind};
use chrono::{DateTime, SecondsFormat, Utc};

/// The line ending the writer uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LineEnding {
    /// `\n` (the default).
    #[default]
    Lf,
    /// `\r\n`.
    CrLf,
}

impl LineEnding {
    fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }
}

/// Builds a security.txt file.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// let text = securitytxt::Builder::new()
///     .comment("Our security contacts")
///     .expires(Utc.with_ymd_and_hms(2027, 1, 31, 23, 59, 59).unwrap())
///     .contact("mailto:security@example.com")
///     .preferred_languages(["en", "nl"])
///     .build()
///     .unwrap();
/// assert_eq!(
///     text,
///     "# Our security contacts\nContact: mailto:security@example.com\n\
///      Expires: 2027-01-31T23:59:59Z\nPreferred-Languages: en, nl\n"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Builder {
    comments: Vec<String>,
    fields: Vec<(FieldKind, String, String)>,
    line_ending: LineEnding,
}

impl Builder {
    /// An empty builder writing LF line endings.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// A builder holding the comments and fields of `doc` (for rewriting a file).
    pub fn from_document(doc: &Document<'_>) -> Builder {
        let mut b = Builder::new();
        for line in doc.lines() {
            match &line.kind {
                LineKind::Comment(c) => {
                    let text = c.strip_prefix('#').unwrap_or(c);
                    b.comments
                        .push(text.strip_prefix(' ').unwrap_or(text).to_owned());
                }
                LineKind::Field(f) => {
                    b.fields
                        .push((f.kind, f.name.to_string(), f.value.to_string()))
                }
                _ => {}
            }
        }
        b
    }

    /// Chooses the line ending.
    pub fn line_ending(mut self, line_ending: LineEnding) -> Builder {
        self.line_ending = line_ending;
        self
    }

    /// Adds a comment line (written `# text`, before the fields).
    pub fn comment(mut self, text: impl Into<String>) -> Builder {
        self.comments.push(text.into());
        self
    }

    fn known(mut self, kind: FieldKind, value: impl Into<String>) -> Builder {
        self.fields
            .push((kind, kind.name().to_owned(), value.into()));
        self
    }

    /// Adds a `Contact` URI (`mailto:`, `https:` or `tel:`).
    pub fn contact(self, uri: impl Into<String>) -> Builder {
        self.known(FieldKind::Contact, uri)
    }

    /// Sets `Expires` (written in RFC 3339, UTC).
    pub fn expires(self, at: DateTime<Utc>) -> Builder {
        let text = if at.timestamp_subsec_nanos() == 0 {
            at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
        } else {
            at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
        };
        self.known(FieldKind::Expires, text)
    }

    /// Adds an `Encryption` URI.
    pub fn encryption(self, uri: impl Into<String>) -> Builder {
        self.known(FieldKind::Encryption, uri)
    }

    /// Adds an `Acknowledgments` URI.
    pub fn acknowledgments(self, uri: impl Into<String>) -> Builder {
        self.known(FieldKind::Acknowledgments, uri)
    }

    /// Sets `Preferred-Languages` (written comma-separated).
    pub fn preferred_languages<I, S>(self, tags: I) -> Builder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let joined = tags
            .into_iter()
            .map(|t| t.as_ref().to_owned())
            .collect::<Vec<_>>()
            .join(", ");
        self.known(FieldKind::PreferredLanguages, joined)
    }

    /// Adds a `Canonical` URI.
    pub fn canonical(self, uri: impl Into<String>) -> Builder {
        self.known(FieldKind::Canonical, uri)
    }

    /// Adds a `Policy` URI.
    pub fn policy(self, uri: impl Into<String>) -> Builder {
        self.known(FieldKind::Policy, uri)
    }

    /// Adds a `Hiring` URI.
    pub fn hiring(self, uri: impl Into<String>) -> Builder {
        self.known(FieldKind::Hiring, uri)
    }

    /// Adds a `CSAF` URI (of a `provider-metadata.json`).
    pub fn csaf(self, uri: impl Into<String>) -> Builder {
        self.known(FieldKind::Csaf, uri)
    }

    /// Adds any field by name (an extension field, or a known one spelt your way).
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Builder {
        let name = name.into();
        self.fields
            .push((FieldKind::from_name(&name), name, value.into()));
        self
    }

    /// Writes the file.
    ///
    /// Fails with [`Error::InvalidValue`] when a line would be longer than
    /// [`MAX_LINE_LENGTH`], when a name is not RFC 5322 `ftext`, or a value or
    /// comment holds a line break or other control character, or a value is empty or starts or
    /// ends with whitespace, or `Expires` is not an RFC 3339 date-time (years 0000 to 9999).
    /// Values are otherwise written as given: [`validate`](crate::validate()) the result to check
    /// their meaning.
    pub fn build(&self) -> Result<String, Error> {
        let eol = self.line_ending.as_str();
        let mut out = String::with_capacity(64 * (self.fields.len() + self.comments.len()) + 16);
        for c in &self.comments {
            check_text("#", c)?;
            if c.len() + 2 > MAX_LINE_LENGTH {
                return Err(invalid(
                    "#",
                    MAX_LINE_LENGTH,
                    "the line would be longer than MAX_LINE_LENGTH",
                ));
            }
            out.push('#');
            if !c.is_empty() {
                out.push(' ');
                out.push_str(c);
            }
            out.push_str(eol);
        }
        let mut order: Vec<&(FieldKind, String, String)> = self.fields.iter().collect();
        order.sort_by_key(|(k, _, _)| {
            FieldKind::KNOWN
                .iter()
                .position(|x| x == k)
                .unwrap_or(FieldKind::KNOWN.len())
        });
        for (kind, name, value) in order {
            if name.is_empty() {
                return Err(invalid(name, 0, "the field name is empty"));
            }
            if let Some(i) = name
                .bytes()
                .position(|b| !(33..=126).contains(&b) || b == b':')
            {
                return Err(invalid(
                    name,
                    i,
                    "field names are printable US-ASCII without spaces or ':'",
                ));
            }
            if name.starts_with(['#', '<']) {
                return Err(invalid(
                    name,
                    0,
                    "a field name cannot start with '#' or '<'",
                ));
            }
            if value.is_empty() {
                return Err(invalid(name, 0, "the value is empty"));
            }
            check_text(name, value)?;
            if name.len() + 2 + value.len() > MAX_LINE_LENGTH {
                return Err(invalid(
                    name,
                    MAX_LINE_LENGTH,
                    "the line would be longer than MAX_LINE_LENGTH",
                ));
            }
            if value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']) {
                return Err(invalid(name, 0, "the value starts or ends with whitespace"));
            }
            if *kind == FieldKind::Expires
                && let Err(e) = parse_rfc3339(value)
            {
                return Err(invalid(name, e.offset, e.reason));
            }
            out.push_str(name);
            out.push_str(": ");
            out.push_str(value);
            out.push_str(eol);
        }
        Ok(out)
    }
}

fn invalid(field: &str, offset: usize, message: &'static str) -> Error {
    Error::InvalidValue {
        field: field.to_owned(),
        offset,
        message,
    }
}

fn check_text(field: &str, text: &str) -> Result<(), Error> {
    match text
        .bytes()
        .position(|b| (b < 0x20 && b != b'\t') || b == 0x7f)
    {
        Some(i) => Err(invalid(
            field,
            i,
            "line breaks and control characters cannot be written",
        )),
        None => Ok(()),
    }
}
