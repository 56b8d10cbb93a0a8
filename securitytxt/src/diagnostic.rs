//! Findings about a file: [`Diagnostic`] with a stable [`Code`], a [`Severity`] and a [`Span`].
//!
//! Codes are a superset of the vocabulary of the Python validator `sectxt` (used by internet.nl),
//! so their users recognise them. [`Code`] is `#[non_exhaustive]`: new checks add new codes.

use std::borrow::Cow;
use std::fmt;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Severity {
    /// The file breaks RFC 9116 (a MUST): it is not valid.
    Error,
    /// The file follows the RFC but ignores a SHOULD, or could be better.
    Recommendation,
    /// For information only (for example a field this crate does not know).
    Notice,
}

impl Severity {
    /// Stable lower-case name: `error`, `recommendation` or `notice`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Recommendation => "recommendation",
            Severity::Notice => "notice",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding is: 1-based line and column, and byte offsets into the input.
///
/// `column` counts bytes from 1 at the start of the line. `start..end` is a byte range of the
/// whole input (including any byte order mark).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Span {
    /// 1-based line number.
    pub line: u32,
    /// 1-based byte column of `start` within its line.
    pub column: u32,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
}

impl Span {
    /// A span of `start..end` on line `line`, whose line starts at byte `line_start`.
    pub fn new(line: u32, line_start: usize, start: usize, end: usize) -> Span {
        let column =
            u32::try_from(start.saturating_sub(line_start).saturating_add(1)).unwrap_or(u32::MAX);
        Span {
            line,
            column,
            start,
            end,
        }
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $severity:ident; )*) => {
        /// A stable identifier for each kind of finding.
        ///
        /// [`Code::as_str`] gives the snake_case name used in JSON and by `sectxt`; it never
        /// changes for a variant. The enum is `#[non_exhaustive]`: match with a `_` arm.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable snake_case name of this code.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The severity a finding of this code has.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// The code with this snake_case name, if any.
            pub fn from_name(name: &str) -> Option<Code> {
                match name { $($name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    /// No `Contact` field (RFC 9116 section 2.5.3: it MUST appear).
    NoContact = "no_contact", Error;
    /// No `Expires` field (section 2.5.5: it MUST appear).
    NoExpire = "no_expire", Error;
    /// More than one `Expires` field.
    MultiExpire = "multi_expire", Error;
    /// `Expires` is not an RFC 3339 date-time.
    InvalidExpiry = "invalid_expiry", Error;
    /// `Expires` is not in the future.
    Expired = "expired", Error;
    /// `Expires` is more than a year ahead (section 2.5.5: SHOULD be less).
    LongExpiry = "long_expiry", Recommendation;
    /// A field that must hold a URI holds no scheme.
    NoUri = "no_uri", Error;
    /// A web URI does not use `https`.
    NoHttps = "no_https", Error;
    /// Whitespace between the field name and the colon.
    PrecWs = "prec_ws", Error;
    /// No space after the colon.
    NoSpace = "no_space", Error;
    /// A line starts with a colon: the field name is empty.
    EmptyKey = "empty_key", Error;
    /// A field without a value.
    EmptyValue = "empty_value", Error;
    /// A line that is neither blank, a comment nor a field (for example an HTML page).
    InvalidLine = "invalid_line", Error;
    /// The last line has no line ending (or the input has none at all).
    NoLineSeparators = "no_line_separators", Error;
    /// A line ends with more than one carriage return before its line feed, or a signed file
    /// has blank lines after `-----END PGP SIGNATURE-----` (outside the RFC's `signed` grammar;
    /// `sectxt` reports a signed file ending in more than one line feed with this code).
    TooManyLineSeparators = "too_many_line_separators", Error;
    /// The OpenPGP cleartext framing is broken (header not first, missing blank line, bad escaping).
    SignedFormatIssue = "signed_format_issue", Error;
    /// Something other than blank lines after `-----END PGP SIGNATURE-----`.
    DataAfterSig = "data_after_sig", Error;
    /// The signature block is missing, unterminated or not ASCII armor.
    PgpDataError = "pgp_data_error", Error;
    /// No `Canonical` field matches the URL the file was fetched from.
    NoCanonicalMatch = "no_canonical_match", Error;
    /// More than one `Preferred-Languages` field.
    MultiLang = "multi_lang", Error;
    /// A `Preferred-Languages` entry is not a BCP 47 language tag.
    InvalidLang = "invalid_lang", Error;
    /// A `CSAF` value is not an https URL of a `provider-metadata.json`.
    NoCsafFile = "no_csaf_file", Error;
    /// More than one `CSAF` field.
    MultipleCsafFields = "multiple_csaf_fields", Recommendation;
    /// The input is not valid UTF-8.
    Utf8 = "utf8", Error;
    /// The input starts with a UTF-8 byte order mark.
    BomInFile = "bom_in_file", Error;
    /// The file was not found at `/.well-known/security.txt` (reserved for fetching).
    Location = "location", Error;
    /// `Contact` holds an e-mail address but there is no `Encryption` field.
    NoEncryption = "no_encryption", Recommendation;
    /// The file is not signed (section 2.3: SHOULD be).
    NotSigned = "not_signed", Recommendation;
    /// A signed file without a `Canonical` field.
    NoCanonical = "no_canonical", Recommendation;
    /// A field this crate does not know (section 2.4: ignored by readers).
    UnknownField = "unknown_field", Notice;
    /// A value that is not an RFC 3986 URI.
    InvalidUri = "invalid_uri", Error;
    /// A value holding more than one URI.
    MultipleUris = "multiple_uris", Error;
    /// A URI with a scheme that runs code or embeds content (`javascript:`, `data:`...).
    UnsafeScheme = "unsafe_scheme", Error;
    /// A hint beside `no_uri`: the value of `Contact` is a bare e-mail address, which must be
    /// written `mailto:address`. `sectxt` (and internet.nl) report this case as `no_uri`, which is
    /// the error; this notice only says which fix applies, at the same span.
    BareEmail = "bare_email", Notice;
    /// A field name with characters outside RFC 5322 `ftext`.
    InvalidFieldName = "invalid_field_name", Error;
    /// A control character inside a line.
    ControlChar = "control_char", Error;
    /// A carriage return not followed by a line feed.
    BareCr = "bare_cr", Error;
    /// The cleartext header has no `Hash:` line.
    MissingHashHeader = "missing_hash_header", Error;
    /// A `mailto:` URI whose decoded address is not an RFC 5322 addr-spec: a CR, LF or other
    /// control character (header injection, `%0D%0ABcc:`), whitespace, no `@` or more than one
    /// unquoted `@`, an empty local part or domain.
    InvalidMailto = "invalid_mailto", Error;
    /// The signature block is framed well but its OpenPGP packets cannot be read (bad radix-64,
    /// a broken or truncated packet, no signature packet, a signature that cannot sign a
    /// document). `sectxt` calls this `pgp_error` ("decoding or parsing of the pgp message
    /// failed").
    PgpError = "pgp_error", Error;
    /// The input is larger than [`MAX_FILE_SIZE`](crate::limits::MAX_FILE_SIZE).
    TooLarge = "too_large", Error;
    /// A line longer than [`MAX_LINE_LENGTH`](crate::limits::MAX_LINE_LENGTH).
    LineTooLong = "line_too_long", Error;
    /// More lines than [`MAX_LINES`](crate::limits::MAX_LINES).
    TooManyLines = "too_many_lines", Error;
    /// More fields than [`MAX_FIELDS`](crate::limits::MAX_FIELDS).
    TooManyFields = "too_many_fields", Error;
    // Signature outcomes, raised from `verify::Outcome::diagnostic` (added by the
    // signatures/fetch helper; keep these two at the end).
    /// The OpenPGP signature does not verify with the key it names, or cannot be read.
    BadSignature = "bad_signature", Error;
    /// The signature names a key that was not supplied: it cannot be checked.
    UnknownKey = "unknown_key", Recommendation;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Code, D::Error> {
        let name = <Cow<'de, str>>::deserialize(deserializer)?;
        Code::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format_args!("unknown diagnostic code {name:?}"))
        })
    }
}

/// One finding about a file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Diagnostic {
    /// What kind of finding.
    pub code: Code,
    /// How much it matters (normally `code.severity()`).
    pub severity: Severity,
    /// Where, or `None` when it is about the whole file (a missing field, for example).
    pub span: Option<Span>,
    /// A sentence for a person, in English.
    pub message: Cow<'static, str>,
}

impl Diagnostic {
    /// A finding with the code's own severity.
    pub fn new(
        code: Code,
        span: Option<Span>,
        message: impl Into<Cow<'static, str>>,
    ) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            span,
            message: message.into(),
        }
    }

    /// The 1-based line, if the finding is about one.
    pub fn line(&self) -> Option<u32> {
        self.span.map(|s| s.line)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.span {
            Some(span) => write!(f, "{}:{}: ", span.line, span.column)?,
            None => f.write_str("-: ")?,
        }
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)
    }
}

/// `true` when no diagnostic has severity [`Severity::Error`]: the file is valid.
pub fn is_valid(diagnostics: &[Diagnostic]) -> bool {
    !diagnostics.iter().any(|d| d.severity == Severity::Error)
}
