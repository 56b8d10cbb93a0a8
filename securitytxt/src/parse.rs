//! The line grammar (nom, over bytes) and the parsed [`Document`], which borrows from its input.
//!
//! Every physical line is kept, with its 1-based number and byte span, as one [`LineKind`]:
//! blank, comment, field, PGP envelope, or invalid. Lines end in LF or CRLF. Syntax findings
//! (a bare CR, invalid UTF-8, a missing space after the colon...) are recorded as diagnostics
//! on the document; [`validate`](crate::validate()) adds the findings about meaning.

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::error::Error;
use crate::field::{Field, FieldKind};
use crate::limits::{MAX_FIELDS, MAX_FILE_SIZE, MAX_LINE_LENGTH, MAX_LINES};
use crate::signed::{self, BEGIN_SIGNATURE, BEGIN_SIGNED_MESSAGE, END_SIGNATURE, SignedParts};
use chrono::{DateTime, Utc};
use nom::bytes::complete::{tag, take_till, take_while1};
use nom::{IResult, Parser as _};
use std::borrow::Cow;

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A parsed security.txt: every line with its position, the signed parts if the file is signed,
/// and the syntax findings. Borrows from the input; [`Document::into_owned`] makes an owned copy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Document<'a> {
    lines: Vec<Line<'a>>,
    signature: Option<SignedParts<'a>>,
    signed: bool,
    bom: bool,
    input_len: usize,
    syntax: Vec<Diagnostic>,
}

/// A document that owns its text, for storage.
pub type OwnedDocument = Document<'static>;

/// One physical line of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Line<'a> {
    /// 1-based line number.
    pub number: u32,
    /// The line's bytes, without its line ending.
    pub span: Span,
    /// What the line holds.
    pub kind: LineKind<'a>,
}

/// What a line holds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LineKind<'a> {
    /// An empty line (or only spaces and tabs).
    Blank,
    /// A comment, with its `#`.
    Comment(Cow<'a, str>),
    /// A field.
    Field(Field<'a>),
    /// A line of the OpenPGP framing: BEGIN line, `Hash:` header, the blank line after it, or a
    /// line of the signature block.
    Envelope(Cow<'a, str>),
    /// A line that could not be parsed (a diagnostic says why).
    Invalid(Cow<'a, str>),
}

impl<'a> LineKind<'a> {
    fn into_owned(self) -> LineKind<'static> {
        let own = |c: Cow<'a, str>| Cow::Owned(c.into_owned());
        match self {
            LineKind::Blank => LineKind::Blank,
            LineKind::Comment(c) => LineKind::Comment(own(c)),
            LineKind::Field(f) => LineKind::Field(f.into_owned()),
            LineKind::Envelope(c) => LineKind::Envelope(own(c)),
            LineKind::Invalid(c) => LineKind::Invalid(own(c)),
        }
    }
}

impl<'a> Document<'a> {
    /// Every line, in order.
    pub fn lines(&self) -> &[Line<'a>] {
        &self.lines
    }

    /// Every field, in order.
    pub fn fields(&self) -> impl Iterator<Item = &Field<'a>> {
        self.lines.iter().filter_map(|l| match &l.kind {
            LineKind::Field(f) => Some(f),
            _ => None,
        })
    }

    /// The fields of one kind, in order.
    pub fn fields_of(&self, kind: FieldKind) -> impl Iterator<Item = &Field<'a>> {
        self.fields().filter(move |f| f.kind == kind)
    }

    /// The first `Expires` value, if it is a valid RFC 3339 date-time.
    pub fn expires(&self) -> Option<DateTime<Utc>> {
        self.fields_of(FieldKind::Expires).next()?.expires()?.ok()
    }

    /// The parts of the OpenPGP envelope, for verification: present when the file is signed and
    /// its framing is complete (see [`SignedParts`]).
    pub fn signature(&self) -> Option<&SignedParts<'a>> {
        self.signature.as_ref()
    }

    /// `true` when the file has a `-----BEGIN PGP SIGNED MESSAGE-----` line (framed well or not).
    pub fn is_signed(&self) -> bool {
        self.signed
    }

    /// `true` when the input starts with a UTF-8 byte order mark.
    pub fn has_bom(&self) -> bool {
        self.bom
    }

    /// The size of the input, in bytes.
    pub fn input_len(&self) -> usize {
        self.input_len
    }

    /// The findings of the parser (syntax and framing). [`validate`](crate::validate()) returns
    /// these together with the findings about meaning.
    pub fn syntax_diagnostics(&self) -> &[Diagnostic] {
        &self.syntax
    }

    /// A copy that owns all its text, for storage.
    pub fn into_owned(self) -> OwnedDocument {
        Document {
            lines: self
                .lines
                .into_iter()
                .map(|l| Line {
                    number: l.number,
                    span: l.span,
                    kind: l.kind.into_owned(),
                })
                .collect(),
            signature: self.signature.map(SignedParts::into_owned),
            signed: self.signed,
            bom: self.bom,
            input_len: self.input_len,
            syntax: self.syntax,
        }
    }
}

/// Parses a security.txt file.
///
/// Fails only when the input is larger than [`MAX_FILE_SIZE`]; everything else about the input
/// is a [`Diagnostic`] (see [`Document::syntax_diagnostics`] and [`validate`](crate::validate())).
pub fn parse(input: &[u8]) -> Result<Document<'_>, Error> {
    if input.len() > MAX_FILE_SIZE {
        return Err(Error::TooLarge {
            max: MAX_FILE_SIZE,
            len: input.len(),
        });
    }
    let mut p = Parser::new(input);
    let mut pos = 0;
    if input.starts_with(BOM) {
        p.bom = true;
        p.diag(
            Code::BomInFile,
            Span::new(1, 0, 0, BOM.len()),
            "the file starts with a byte order mark (BOM): remove it",
        );
        pos = BOM.len();
    }
    let body = input.get(pos..).unwrap_or_default();
    // One pass over the whole text tells which per-line checks can be skipped: in printable
    // ASCII with tabs and line endings only (the common case) no line holds a control
    // character or invalid UTF-8, and without a CR no line needs its line ending looked at.
    let class = classify(body);
    p.plain = class & NOT_PLAIN == 0;
    p.has_cr = class & HAS_CR != 0;
    // Checked once for the whole text; lines are then cut from it (line feeds and carriage
    // returns are ASCII, so they are character boundaries). When it is not UTF-8, each line is
    // checked on its own to say where.
    p.text = std::str::from_utf8(body).ok();
    p.text_start = pos;
    let mut number: u32 = 0;
    while pos < input.len() {
        let rest = input.get(pos..).unwrap_or_default();
        let (raw, terminated) = next_line(rest);
        number = number.saturating_add(1);
        if number as usize > MAX_LINES {
            // The real count, for the message: the lines read so far and those left.
            let left =
                rest.iter().filter(|&&b| b == b'\n').count() + usize::from(!rest.ends_with(b"\n"));
            let total = (number as usize - 1).saturating_add(left);
            p.diag(
                Code::TooManyLines,
                Span::new(number, pos, pos, input.len()),
                format!(
                    "the file has {total} lines, more than the {MAX_LINES} allowed: the rest of the file is not read"
                ),
            );
            break;
        }
        let line_start = if number == 1 { 0 } else { pos };
        p.line(number, line_start, pos, raw, terminated);
        pos += raw.len() + usize::from(terminated);
    }
    Ok(p.finish(number))
}

/// One line: its bytes up to `\n`, and whether the `\n` was there.
fn next_line(input: &[u8]) -> (&[u8], bool) {
    match find_newline(input) {
        Some(i) => (input.get(..i).unwrap_or_default(), true),
        None => (input, false),
    }
}

/// [`classify`] bit: a byte other than printable ASCII, tab, CR or LF.
const NOT_PLAIN: u8 = 1;
/// [`classify`] bit: a carriage return.
const HAS_CR: u8 = 2;

/// [`NOT_PLAIN`] and [`HAS_CR`] for `bytes`, in one branch-free pass (which the compiler
/// vectorises).
fn classify(bytes: &[u8]) -> u8 {
    // Usually settled by the smallest and largest byte with line feeds left out (two
    // vector operations per 16 bytes): printable ASCII, no tab, no CR.
    let (low, high) = bytes.iter().fold((u8::MAX, 0u8), |(low, high), &b| {
        let b_or_space = if b == b'\n' { b' ' } else { b };
        (low.min(b_or_space), high.max(b))
    });
    if low >= 0x20 && high < 0x7f {
        return 0;
    }
    bytes.iter().fold(0u8, |acc, &b| {
        let control = (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r');
        acc | u8::from(control | (b >= 0x7f)) | (u8::from(b == b'\r') << 1)
    })
}

/// The offset of the first `\n` in `s`, scanning eight bytes at a time.
fn find_newline(s: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const NEWLINES: u64 = ONES * b'\n' as u64;
    let mut chunks = s.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // A zero byte in `x` marks a newline; the lowest marked byte is exact.
        let x = u64::from_le_bytes(word) ^ NEWLINES;
        let found = x.wrapping_sub(ONES) & !x & HIGH;
        if found != 0 {
            return Some(base + (found.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| base + i)
}

/// `Name:value` split at the first colon (over bytes: the colon is ASCII, so both sides are
/// cut at character boundaries).
fn field_line(line: &[u8]) -> IResult<&[u8], &[u8]> {
    let (value, (name, _colon)) = (take_till(|c| c == b':'), tag(&b":"[..])).parse(line)?;
    Ok((value, name))
}

/// RFC 5322 `ftext` (printable US-ASCII other than space and ':'), by byte.
const FTEXT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 33;
    while b <= 126 {
        table[b] = b != b':' as usize;
        b += 1;
    }
    table
};

/// `Name:value` where the name is one or more RFC 5322 `ftext` characters (printable
/// US-ASCII other than space and ':') directly followed by the colon: the usual field line,
/// which needs none of the checks of [`field_line`]'s general case. Returns the value (after
/// the colon) and the name.
fn ftext_field(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let (rest, name) = take_while1::<_, _, nom::error::Error<&[u8]>>(|b| FTEXT[usize::from(b)])
        .parse(line)
        .ok()?;
    Some((rest.strip_prefix(b":")?, name))
}

/// `s` without its trailing spaces and tabs.
#[inline]
fn trim_blanks_end(s: &str) -> &str {
    let end = s
        .bytes()
        .rposition(|b| b != b' ' && b != b'\t')
        .map_or(0, |i| i + 1);
    s.get(..end).unwrap_or("")
}

/// `s` without its leading spaces and tabs.
#[inline]
fn trim_blanks_start(s: &str) -> &str {
    let start = s
        .bytes()
        .position(|b| b != b' ' && b != b'\t')
        .unwrap_or(s.len());
    s.get(start..).unwrap_or("")
}

/// A sub-slice of a line's text, borrowed when the text is.
fn sub<'a>(text: &Cow<'a, str>, start: usize, end: usize) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(s.get(start..end).unwrap_or("")),
        Cow::Owned(s) => Cow::Owned(s.get(start..end).unwrap_or("").to_owned()),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Unsigned,
    Header,
    Body,
    Signature,
    After,
}

struct Parser<'a> {
    input: &'a [u8],
    /// The input after any BOM, when it is all UTF-8.
    text: Option<&'a str>,
    /// Where `text` starts in the input.
    text_start: usize,
    /// The whole input is printable ASCII, tabs and line endings ([`classify`]).
    plain: bool,
    /// The input holds a carriage return.
    has_cr: bool,
    lines: Vec<Line<'a>>,
    syntax: Vec<Diagnostic>,
    bom: bool,
    fields: usize,
    frame: Frame,
    hashes: Vec<Cow<'a, str>>,
    begin: Option<(u32, usize)>,
    body_start: usize,
    body_end: usize,
    body_line: u32,
    sig_start: usize,
    sig_end: usize,
    prev_content_end: usize,
    /// Where the line after the current one starts.
    next_line_start: usize,
    reported_fields: bool,
    reported_armor: bool,
    reported_after: bool,
    reported_blank_after: bool,
}

impl<'a> Parser<'a> {
    fn new(input: &'a [u8]) -> Parser<'a> {
        Parser {
            input,
            text: None,
            text_start: 0,
            plain: false,
            has_cr: true,
            lines: Vec::with_capacity(input.len() / 32 + 4),
            syntax: Vec::new(),
            bom: false,
            fields: 0,
            frame: Frame::Unsigned,
            hashes: Vec::new(),
            begin: None,
            body_start: 0,
            body_end: 0,
            body_line: 0,
            sig_start: 0,
            sig_end: 0,
            prev_content_end: 0,
            next_line_start: 0,
            reported_fields: false,
            reported_armor: false,
            reported_after: false,
            reported_blank_after: false,
        }
    }

    fn diag(&mut self, code: Code, span: Span, message: impl Into<Cow<'static, str>>) {
        self.syntax.push(Diagnostic::new(code, Some(span), message));
    }

    /// Appends a line record. `extend` rather than `push`: the record is then written into
    /// the vector without a call to memcpy for the small kinds (blank, comment).
    #[inline]
    fn push(&mut self, number: u32, span: Span, kind: LineKind<'a>) {
        self.lines
            .extend(std::iter::once(Line { number, span, kind }));
    }

    /// Handles one physical line: `raw` starts at byte `pos` (the line itself starts at
    /// `line_start`, which differs from `pos` only after a BOM).
    fn line(
        &mut self,
        number: u32,
        line_start: usize,
        pos: usize,
        raw: &'a [u8],
        terminated: bool,
    ) {
        self.next_line_start = pos + raw.len() + usize::from(terminated);
        let mut content = raw;
        if terminated && self.has_cr {
            content = content.strip_suffix(b"\r").unwrap_or(content);
            if content.ends_with(b"\r") {
                let trimmed_len = content
                    .iter()
                    .rposition(|&b| b != b'\r')
                    .map_or(0, |i| i + 1);
                self.diag(
                    Code::TooManyLineSeparators,
                    Span::new(number, line_start, pos + trimmed_len, pos + raw.len()),
                    "the line ends with more than one carriage return: end lines with CRLF or LF",
                );
                content = content.get(..trimmed_len).unwrap_or_default();
            }
        }
        let content_end = pos + content.len();
        let span = Span::new(number, line_start, pos, content_end);
        // One branch-free pass tells whether the slower checks below are needed: plain
        // printable ASCII (the common case) has no CR, no control character and is UTF-8.
        let plain = (self.plain && !self.has_cr)
            || content.iter().fold(true, |ok, &b| {
                ok & ((0x20..0x7f).contains(&b) | (b == b'\t'))
            });
        if !plain {
            if let Some(i) = content.iter().position(|&b| b == b'\r') {
                self.diag(
                    Code::BareCr,
                    Span::new(number, line_start, pos + i, pos + i + 1),
                    "a carriage return without a line feed: end lines with CRLF or LF",
                );
            }
            if let Some(i) = content
                .iter()
                .position(|&b| (b < 0x20 && b != b'\t' && b != b'\r') || b == 0x7f)
            {
                self.diag(
                    Code::ControlChar,
                    Span::new(number, line_start, pos + i, pos + i + 1),
                    format!(
                        "the line holds the control character 0x{:02X}",
                        content.get(i).copied().unwrap_or(0)
                    ),
                );
            }
        }
        if !terminated {
            self.diag(
                Code::NoLineSeparators,
                span,
                "the last line has no line ending: every line must end with CRLF or LF",
            );
        }
        if content.len() > MAX_LINE_LENGTH {
            self.diag(
                Code::LineTooLong,
                span,
                format!(
                    "the line is {} bytes long, more than the {MAX_LINE_LENGTH} allowed",
                    content.len()
                ),
            );
            self.push(
                number,
                span,
                LineKind::Invalid(String::from_utf8_lossy(content)),
            );
            self.prev_content_end = content_end;
            return;
        }
        let cut = self.text.and_then(|t| {
            let start = pos.checked_sub(self.text_start)?;
            t.get(start..start + content.len())
        });
        let text = match cut.map_or_else(|| std::str::from_utf8(content), Ok) {
            Ok(s) => Cow::Borrowed(s),
            Err(e) => {
                let at = pos + e.valid_up_to();
                self.diag(
                    Code::Utf8,
                    Span::new(number, line_start, at, at + 1),
                    "the line is not valid UTF-8",
                );
                Cow::Owned(String::from_utf8_lossy(content).into_owned())
            }
        };
        self.framed(number, line_start, pos, span, text);
        self.prev_content_end = content_end;
    }

    /// Routes a line through the OpenPGP framing state machine.
    fn framed(
        &mut self,
        number: u32,
        line_start: usize,
        pos: usize,
        span: Span,
        text: Cow<'a, str>,
    ) {
        let s: &str = &text;
        match self.frame {
            Frame::Unsigned => {
                if signed::is_armor(s.as_bytes(), BEGIN_SIGNED_MESSAGE) {
                    if number != 1 {
                        self.diag(
                            Code::SignedFormatIssue,
                            span,
                            "'-----BEGIN PGP SIGNED MESSAGE-----' must be the first line of a signed file",
                        );
                    }
                    self.begin = Some((number, line_start));
                    self.frame = Frame::Header;
                    self.push(number, span, LineKind::Envelope(text));
                } else if signed::is_armor(s.as_bytes(), BEGIN_SIGNATURE) {
                    self.diag(
                        Code::SignedFormatIssue,
                        span,
                        "a signature block, but the file does not start with '-----BEGIN PGP SIGNED MESSAGE-----'",
                    );
                    self.start_signature(pos);
                    self.push(number, span, LineKind::Envelope(text));
                } else {
                    self.content_line(number, line_start, pos, span, text);
                }
            }
            Frame::Header => {
                // As gpg: a line of only spaces, tabs and carriage returns ends the headers.
                if s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
                    self.end_header(span);
                    self.body_start = self.next_line_start;
                    self.body_line = number + 1;
                    self.push(number, span, LineKind::Envelope(text));
                } else if let Some(v) = s.strip_prefix("Hash:") {
                    let before = self.hashes.len();
                    for h in signed::hash_values(v) {
                        let off = h.as_ptr() as usize - s.as_ptr() as usize;
                        self.hashes.push(sub(&text, off, off + h.len()));
                    }
                    if self.hashes.len() == before {
                        self.diag(
                            Code::SignedFormatIssue,
                            span,
                            "the 'Hash:' header names no algorithm",
                        );
                    }
                    self.push(number, span, LineKind::Envelope(text));
                } else if s.split_once(": ").is_some_and(|(n, _)| {
                    !n.is_empty()
                        && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && FieldKind::from_name(n) == FieldKind::Unknown
                }) {
                    self.diag(
                        Code::SignedFormatIssue,
                        span,
                        "only 'Hash:' headers may follow '-----BEGIN PGP SIGNED MESSAGE-----'",
                    );
                    self.push(number, span, LineKind::Envelope(text));
                } else {
                    self.diag(
                        Code::SignedFormatIssue,
                        span,
                        "a blank line must separate the 'Hash:' header from the signed text",
                    );
                    self.end_header(span);
                    self.body_start = pos;
                    self.body_line = number;
                    self.body(number, line_start, pos, span, text);
                }
            }
            Frame::Body => self.body(number, line_start, pos, span, text),
            Frame::Signature => {
                if signed::is_armor(s.as_bytes(), END_SIGNATURE) {
                    self.frame = Frame::After;
                    self.sig_end = span.end;
                } else if !self.reported_armor && !signed::is_armor_line(s) {
                    self.reported_armor = true;
                    self.diag(
                        Code::PgpDataError,
                        span,
                        "the signature block holds a line that is not ASCII armor",
                    );
                }
                self.push(number, span, LineKind::Envelope(text));
            }
            Frame::After => {
                if s.trim().is_empty() {
                    // RFC 9116's `signed` grammar ends with the signature's last line; gpg
                    // accepts blank lines after it, `sectxt` reports them.
                    if !self.reported_blank_after {
                        self.reported_blank_after = true;
                        self.diag(
                            Code::TooManyLineSeparators,
                            span,
                            "a blank line after '-----END PGP SIGNATURE-----': a signed file must end with that line",
                        );
                    }
                    self.push(number, span, LineKind::Blank);
                } else {
                    if !self.reported_after {
                        self.reported_after = true;
                        self.diag(
                            Code::DataAfterSig,
                            span,
                            "there is data after '-----END PGP SIGNATURE-----': it is not covered by the signature",
                        );
                    }
                    self.push(number, span, LineKind::Invalid(text));
                }
            }
        }
    }

    fn end_header(&mut self, span: Span) {
        if self.hashes.is_empty() {
            self.diag(
                Code::MissingHashHeader,
                span,
                "the signed message has no 'Hash:' header (for example 'Hash: SHA512')",
            );
        }
        self.frame = Frame::Body;
    }

    fn start_signature(&mut self, pos: usize) {
        self.frame = Frame::Signature;
        self.sig_start = pos;
    }

    /// A line of the signed text: dash-escapes are undone before the line is parsed.
    fn body(&mut self, number: u32, line_start: usize, pos: usize, span: Span, text: Cow<'a, str>) {
        let s: &str = &text;
        if signed::is_armor(s.as_bytes(), BEGIN_SIGNATURE) {
            self.body_end = self.prev_content_end.max(self.body_start);
            self.start_signature(pos);
            self.push(number, span, LineKind::Envelope(text));
        } else if s.starts_with("- ") {
            let rest = sub(&text, 2, s.len());
            self.content_line(number, line_start, pos + 2, span, rest);
        } else {
            if s.starts_with('-') {
                self.diag(
                    Code::SignedFormatIssue,
                    span,
                    "in signed text a line starting with '-' must be dash-escaped (written '- -...')",
                );
            }
            self.content_line(number, line_start, pos, span, text);
        }
    }

    /// A blank line, comment or field (RFC 9116 section 4 grammar). `text` starts at byte
    /// `base`; `span` is the whole line.
    fn content_line(
        &mut self,
        number: u32,
        line_start: usize,
        base: usize,
        span: Span,
        text: Cow<'a, str>,
    ) {
        let s: &str = &text;
        let at = |a: usize, b: usize| Span::new(number, line_start, base + a, base + b);
        if s.bytes().all(|b| b == b' ' || b == b'\t') {
            return self.push(number, span, LineKind::Blank);
        }
        if s.starts_with('#') {
            return self.push(number, span, LineKind::Comment(text));
        }
        let Cow::Borrowed(s) = text else {
            // Not UTF-8 (already reported): offsets in the repaired text would not match the
            // input, so the line is not parsed further.
            return self.push(number, span, LineKind::Invalid(text));
        };
        if s.starts_with('<') {
            self.diag(
                Code::InvalidLine,
                span,
                "the line looks like HTML: security.txt must be plain text",
            );
            return self.push(number, span, LineKind::Invalid(text));
        }
        let (name, colon, value_raw) = match ftext_field(s.as_bytes()) {
            // The common case: a name of ftext characters right before the colon, so none
            // of the name checks below can fail.
            Some((value_raw, name)) => (
                s.get(..name.len()).unwrap_or(""),
                name.len(),
                s.get(s.len() - value_raw.len()..).unwrap_or(""),
            ),
            None => {
                let Ok((value_raw, name_raw)) = field_line(s.as_bytes()) else {
                    self.diag(
                        Code::InvalidLine,
                        span,
                        "the line must be a field ('Name: value'), a comment ('# ...') or blank",
                    );
                    return self.push(number, span, LineKind::Invalid(text));
                };
                let colon = name_raw.len();
                let name_raw = s.get(..colon).unwrap_or("");
                let value_raw = s.get(s.len() - value_raw.len()..).unwrap_or("");
                let name = trim_blanks_end(name_raw);
                if name.len() < name_raw.len() {
                    self.diag(
                        Code::PrecWs,
                        at(name.len(), colon),
                        "there must be no whitespace before the colon",
                    );
                }
                if name.is_empty() {
                    self.diag(Code::EmptyKey, at(0, colon + 1), "the field name is empty");
                    return self.push(number, span, LineKind::Invalid(text));
                }
                if name.starts_with([' ', '\t']) {
                    self.diag(
                    Code::InvalidFieldName,
                    at(0, name.len()),
                    "a field must start at the beginning of the line (continuation lines are not allowed)",
                );
                    return self.push(number, span, LineKind::Invalid(text));
                }
                if let Some(i) = name.bytes().position(|b| !(33..=126).contains(&b)) {
                    self.diag(
                    Code::InvalidFieldName,
                    at(i, i + 1),
                    "a field name may hold only printable US-ASCII characters other than space and ':' (RFC 5322 ftext)",
                );
                    return self.push(number, span, LineKind::Invalid(text));
                }
                (name, colon, value_raw)
            }
        };
        let lead = value_raw.len() - trim_blanks_start(value_raw).len();
        let value = trim_blanks_end(value_raw.get(lead..).unwrap_or(""));
        if value.is_empty() {
            self.diag(Code::EmptyValue, at(0, s.len()), "the field has no value");
            return self.push(number, span, LineKind::Invalid(text));
        }
        if !value_raw.starts_with(' ') {
            self.diag(
                Code::NoSpace,
                at(colon, colon + 1),
                "the colon must be followed by a space",
            );
        }
        if self.fields >= MAX_FIELDS {
            if !self.reported_fields {
                self.reported_fields = true;
                self.diag(
                    Code::TooManyFields,
                    span,
                    format!("more than {MAX_FIELDS} fields: further fields are not kept"),
                );
            }
            return self.push(number, span, LineKind::Invalid(text));
        }
        self.fields += 1;
        let vstart = colon + 1 + lead;
        let vend = vstart + value.len();
        let kind = FieldKind::from_name(name);
        let (name_span, value_span) = (at(0, name.len()), at(vstart, vend));
        self.push(
            number,
            span,
            LineKind::Field(Field {
                kind,
                name: Cow::Borrowed(name),
                value: Cow::Borrowed(value),
                name_span,
                value_span,
            }),
        );
    }

    fn finish(mut self, last_line: u32) -> Document<'a> {
        let end_span = Span::new(
            last_line.max(1),
            self.input.len(),
            self.input.len(),
            self.input.len(),
        );
        match self.frame {
            Frame::Unsigned | Frame::After => {}
            Frame::Header => {
                self.diag(
                    Code::SignedFormatIssue,
                    end_span,
                    "the file ends inside the signed-message header",
                );
                if self.hashes.is_empty() {
                    self.diag(
                        Code::MissingHashHeader,
                        end_span,
                        "the signed message has no 'Hash:' header",
                    );
                }
            }
            Frame::Body => self.diag(
                Code::PgpDataError,
                end_span,
                "the signed message has no '-----BEGIN PGP SIGNATURE-----' block",
            ),
            Frame::Signature => self.diag(
                Code::PgpDataError,
                end_span,
                "the signature block has no '-----END PGP SIGNATURE-----' line",
            ),
        }
        let signature = match (self.frame, self.begin) {
            (Frame::After, Some((begin_line, begin_start))) => {
                let body = self
                    .input
                    .get(self.body_start..self.body_end)
                    .unwrap_or_default();
                let armored = self
                    .input
                    .get(self.sig_start..self.sig_end)
                    .unwrap_or_default();
                Some(SignedParts {
                    hash_algorithms: std::mem::take(&mut self.hashes),
                    cleartext: signed::unescape(body),
                    armored_signature: Cow::Borrowed(armored),
                    span: Span::new(begin_line, begin_start, begin_start, self.sig_end),
                    cleartext_span: Span::new(
                        self.body_line,
                        self.body_start,
                        self.body_start,
                        self.body_end,
                    ),
                })
            }
            _ => None,
        };
        Document {
            lines: self.lines,
            signature,
            signed: self.begin.is_some(),
            bom: self.bom,
            input_len: self.input.len(),
            syntax: self.syntax,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{FTEXT, HAS_CR, NOT_PLAIN, classify, find_newline, ftext_field};
    use proptest::prelude::*;

    /// [`classify`] byte by byte, without its shortcut.
    fn classify_bytewise(bytes: &[u8]) -> u8 {
        let mut class = 0;
        for &b in bytes {
            if !(matches!(b, 0x20..=0x7e | b'\t' | b'\n' | b'\r')) {
                class |= NOT_PLAIN;
            }
            if b == b'\r' {
                class |= HAS_CR;
            }
        }
        class
    }

    #[test]
    fn ftext_is_printable_ascii_but_space_and_colon() {
        for b in 0..=255u8 {
            assert_eq!(
                FTEXT[usize::from(b)],
                (33..=126).contains(&b) && b != b':',
                "{b}"
            );
        }
        assert_eq!(
            ftext_field(b"Contact: x"),
            Some((&b" x"[..], &b"Contact"[..]))
        );
        assert_eq!(ftext_field(b"Contact : x"), None);
        assert_eq!(ftext_field(b": x"), None);
        assert_eq!(ftext_field(b"Contact"), None);
    }

    #[test]
    fn classify_marks_each_byte_value() {
        for b in 0..=255u8 {
            for len in [1, 17, 40] {
                let mut text = vec![b'a'; len];
                text[len / 2] = b;
                assert_eq!(classify(&text), classify_bytewise(&text), "{b:#04x}");
            }
        }
        assert_eq!(classify(b""), 0);
        assert_eq!(classify(b"Contact: x\n\n"), 0);
        assert_eq!(classify(b"Contact: x\r\n"), HAS_CR);
        assert_eq!(classify(b"\tx\n"), 0);
        assert_eq!(classify(b"\x7f"), NOT_PLAIN);
    }

    proptest! {
        #[test]
        fn classify_agrees_with_the_bytewise_check(
            text in prop::collection::vec(
                prop::sample::select(&[b'a', b' ', b'\t', b'\n', b'\r', 0x00, 0x1f, 0x7e, 0x7f, 0x80, 0xff][..]),
                0..80,
            )
        ) {
            prop_assert_eq!(classify(&text), classify_bytewise(&text));
        }
    }

    #[test]
    fn find_newline_finds_the_first_newline_at_every_offset() {
        for len in 0..40 {
            for at in 0..=len {
                let mut s = vec![b'a'; len];
                // Bytes that trip a naive zero-byte test: 0x0B (newline + 1) and 0x8A.
                for (i, b) in s.iter_mut().enumerate() {
                    *b = [b'a', 0x0B, 0x8A, 0x09][i % 4];
                }
                if at < len {
                    s[at] = b'\n';
                    if at + 1 < len {
                        s[at + 1] = b'\n';
                    }
                }
                let want = s.iter().position(|&b| b == b'\n');
                assert_eq!(find_newline(&s), want, "len {len} at {at}");
            }
        }
    }
}
