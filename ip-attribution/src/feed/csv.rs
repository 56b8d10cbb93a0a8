//! A small, total RFC 4180 record reader for feed files (documented on [`CsvRecords`]).

/// Most fields one record may hold.
pub const MAX_FIELDS: usize = 512;
/// Most bytes one record may span (by default).
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// Most physical lines one record may span (by default): a quoted field may hold at most
/// `MAX_RECORD_LINES - 1` line breaks.
pub const MAX_RECORD_LINES: usize = 16;

/// The caps of a [`CsvRecords`] reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CsvLimits {
    /// Most bytes one record may span.
    pub max_record_bytes: usize,
    /// Most physical lines one record may span (at least 1).
    pub max_record_lines: usize,
}

impl Default for CsvLimits {
    /// [`MAX_RECORD_BYTES`] and [`MAX_RECORD_LINES`].
    fn default() -> Self {
        Self {
            max_record_bytes: MAX_RECORD_BYTES,
            max_record_lines: MAX_RECORD_LINES,
        }
    }
}

impl CsvLimits {
    /// Sets the byte cap.
    pub fn with_max_record_bytes(mut self, max: usize) -> Self {
        self.max_record_bytes = max;
        self
    }

    /// Sets the line cap (0 is taken as 1).
    pub fn with_max_record_lines(mut self, max: usize) -> Self {
        self.max_record_lines = max.max(1);
        self
    }
}

/// What can be wrong with one record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CsvRecordError {
    /// More than [`MAX_FIELDS`] fields.
    TooManyFields {
        /// The cap.
        max: usize,
    },
    /// More than [`CsvLimits::max_record_bytes`] bytes.
    TooLong {
        /// The cap.
        max: usize,
    },
    /// A quoted field still open after [`CsvLimits::max_record_lines`] lines or at the end of the
    /// input.
    UnterminatedQuote,
    /// Text after a closing quote and before the next separator.
    JunkAfterQuote,
    /// A record spanning several lines whose field count is not the header's: its line break
    /// followed a stray or unterminated quote, not a quoted field.
    FieldCount {
        /// The header's number of fields.
        expected: usize,
        /// The record's.
        len: usize,
    },
}

impl std::fmt::Display for CsvRecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooManyFields { max } => write!(f, "record has more than {max} fields"),
            Self::TooLong { max } => write!(f, "record is longer than {max} bytes"),
            Self::UnterminatedQuote => f.write_str("quoted field is not terminated"),
            Self::JunkAfterQuote => f.write_str("text after a closing quote"),
            Self::FieldCount { expected, len } => write!(
                f,
                "quoted line break in a record of {len} fields, header has {expected}: \
                 unterminated quote"
            ),
        }
    }
}

/// One record: its first physical line and its fields (or what is wrong with it).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CsvRecord {
    /// 1-based physical line the record starts on.
    pub line: usize,
    /// Physical lines the record spans (1 unless a quoted field holds a line break; 1 for a
    /// record in error: the reader goes on at the next line).
    pub lines: usize,
    /// The fields, unquoted, or the problem.
    pub fields: Result<Vec<String>, CsvRecordError>,
}

/// Where a record reader stands in its input: shared by [`CsvRecords`] (a whole text in memory)
/// and [`CsvRecordReader`] (a text pushed in chunks), so both read exactly the same records.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    /// Offset of the next byte to read.
    pos: usize,
    /// 1-based physical line of `pos`.
    line: usize,
    /// The byte order mark question is settled.
    started: bool,
    /// After a refused record: skip to the byte after the next line break from `pos`.
    skipping: bool,
}

impl Cursor {
    fn new() -> Self {
        Self {
            pos: 0,
            line: 1,
            started: false,
            skipping: false,
        }
    }
}

/// One step of the record reader over the bytes it holds.
#[derive(Debug)]
enum Step {
    /// A record (the cursor moved past it).
    Record(CsvRecord),
    /// The bytes held end before the next record does: more input is needed (the cursor did
    /// not move past anything it still needs).
    NeedMore,
    /// The input is over.
    End,
}

/// The bytes held end here and the input is not over.
struct Incomplete;

/// How a record attempt ended.
enum Outcome {
    /// A good record ending at `pos` (after its line break).
    Good {
        pos: usize,
        lines: usize,
        fields: Vec<String>,
    },
    /// A record breaking a rule: reported at its first line, reading goes on at the next.
    Refused(CsvRecordError),
}

/// The bytes a reader holds, with whether the input ends with them.
struct Window<'b> {
    bytes: &'b [u8],
    eof: bool,
}

impl Window<'_> {
    /// The byte at `at`; `Ok(None)` at the end of the input; `Err` when more must be read.
    #[inline]
    fn byte(&self, at: usize) -> Result<Option<u8>, Incomplete> {
        match self.bytes.get(at) {
            Some(&b) => Ok(Some(b)),
            None if self.eof => Ok(None),
            None => Err(Incomplete),
        }
    }
}

/// Reads the next record of `w` at `cur`, with the caps and the expected width.
fn step(w: &Window<'_>, cur: &mut Cursor, limits: CsvLimits, expected: Option<usize>) -> Step {
    if !cur.started {
        const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
        if w.bytes.len() < 3 && !w.eof && BOM.starts_with(w.bytes) {
            return Step::NeedMore;
        }
        cur.started = true;
        if w.bytes.starts_with(&BOM) {
            cur.pos = 3;
        }
    }
    if cur.skipping {
        let rest = w.bytes.get(cur.pos..).unwrap_or_default();
        match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                cur.pos += i + 1;
                cur.skipping = false;
            }
            None => {
                cur.pos = w.bytes.len();
                if !w.eof {
                    return Step::NeedMore;
                }
                cur.skipping = false;
            }
        }
    }
    // Skip blank lines.
    loop {
        match w.byte(cur.pos) {
            Err(Incomplete) => return Step::NeedMore,
            Ok(None) => return Step::End,
            Ok(Some(b'\n')) => {
                cur.pos += 1;
                cur.line += 1;
            }
            Ok(Some(b'\r')) => match w.byte(cur.pos + 1) {
                Err(Incomplete) => return Step::NeedMore,
                Ok(Some(b'\n')) => {
                    cur.pos += 2;
                    cur.line += 1;
                }
                Ok(_) => break,
            },
            Ok(Some(_)) => break,
        }
    }
    match record(w, cur.pos, limits, expected) {
        Err(Incomplete) => Step::NeedMore,
        Ok(Outcome::Good { pos, lines, fields }) => {
            let line = cur.line;
            cur.pos = pos;
            cur.line = line + lines;
            Step::Record(CsvRecord {
                line,
                lines,
                fields: Ok(fields),
            })
        }
        Ok(Outcome::Refused(error)) => {
            // Resynchronise: the reader goes on at the line after the record's first.
            let line = cur.line;
            cur.line = line + 1;
            cur.skipping = true;
            Step::Record(CsvRecord {
                line,
                lines: 1,
                fields: Err(error),
            })
        }
    }
}

/// Reads one record starting at `start`. Reads at most `max_record_bytes + 3` bytes from
/// `start`, so a reader holding that many (or the rest of the input) never needs more.
fn record(
    w: &Window<'_>,
    start: usize,
    limits: CsvLimits,
    expected: Option<usize>,
) -> Result<Outcome, Incomplete> {
    let max_bytes = limits.max_record_bytes;
    let max_lines = limits.max_record_lines;
    let too_long = CsvRecordError::TooLong { max: max_bytes };
    let mut pos = start;
    // Physical lines entered so far (1 = still on the first).
    let mut lines = 1usize;
    let mut fields: Vec<String> = Vec::new();
    let mut field: Vec<u8> = Vec::new();
    loop {
        if pos - start > max_bytes {
            return Ok(Outcome::Refused(too_long));
        }
        if fields.len() >= MAX_FIELDS {
            return Ok(Outcome::Refused(CsvRecordError::TooManyFields {
                max: MAX_FIELDS,
            }));
        }
        match w.byte(pos)? {
            Some(b'"') if field.is_empty() => {
                // Quoted field: may span lines, up to the caps.
                pos += 1;
                loop {
                    if pos - start > max_bytes {
                        return Ok(Outcome::Refused(too_long));
                    }
                    match w.byte(pos)? {
                        None => return Ok(Outcome::Refused(CsvRecordError::UnterminatedQuote)),
                        Some(b'"') if w.byte(pos + 1)? == Some(b'"') => {
                            field.push(b'"');
                            pos += 2;
                        }
                        Some(b'"') => {
                            pos += 1;
                            break;
                        }
                        Some(b'\n') => {
                            lines += 1;
                            if lines > max_lines {
                                return Ok(Outcome::Refused(CsvRecordError::UnterminatedQuote));
                            }
                            field.push(b'\n');
                            pos += 1;
                        }
                        Some(b) => {
                            field.push(b);
                            pos += 1;
                        }
                    }
                }
                match w.byte(pos)? {
                    None | Some(b',') | Some(b'\n') => {}
                    Some(b'\r') if matches!(w.byte(pos + 1)?, Some(b'\n') | None) => {}
                    Some(_) => return Ok(Outcome::Refused(CsvRecordError::JunkAfterQuote)),
                }
            }
            Some(b',') => {
                fields.push(text(&field));
                field.clear();
                pos += 1;
            }
            Some(b'\r') if matches!(w.byte(pos + 1)?, Some(b'\n') | None) => {
                pos += 1;
            }
            end @ (Some(b'\n') | None) => {
                fields.push(text(&field));
                if lines > 1
                    && let Some(expected) = expected
                    && fields.len() != expected
                {
                    let len = fields.len();
                    return Ok(Outcome::Refused(CsvRecordError::FieldCount {
                        expected,
                        len,
                    }));
                }
                if end.is_some() {
                    pos += 1;
                }
                return Ok(Outcome::Good { pos, lines, fields });
            }
            Some(b) => {
                field.push(b);
                pos += 1;
            }
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The record reader's state apart from the bytes: shared by [`CsvRecords`] (a whole text in
/// memory), [`CsvRecordReader`] (a text pushed in chunks) and the feed reader, so all read exactly
/// the same records.
#[derive(Debug, Clone)]
pub(crate) struct Core {
    cursor: Cursor,
    limits: CsvLimits,
    expected: Option<usize>,
    /// Length of input needed before a record cut short by the end of the bytes held is
    /// tried again: twice what it had (up to the caps), so that a long record arriving in
    /// small chunks is read a few times, not once per chunk.
    want: usize,
}

impl Core {
    pub(crate) fn new(limits: CsvLimits) -> Self {
        Self {
            cursor: Cursor::new(),
            limits: limits.with_max_record_lines(limits.max_record_lines),
            expected: None,
            want: 0,
        }
    }

    /// Starts at offset `pos`, line `line`, past any byte order mark (the feed reader hands
    /// over after detecting the format).
    pub(crate) fn start_at(&mut self, pos: usize, line: usize) {
        self.cursor.pos = pos;
        self.cursor.line = line;
        self.cursor.started = true;
    }

    pub(crate) fn expect_fields(&mut self, n: usize) {
        self.expected = Some(n);
    }

    /// Offset of the first byte still needed.
    pub(crate) fn consumed(&self) -> usize {
        self.cursor.pos
    }

    /// The first `n` bytes were dropped from the front of the input held.
    pub(crate) fn dropped(&mut self, n: usize) {
        self.cursor.pos -= n.min(self.cursor.pos);
        self.want -= n.min(self.want);
    }

    /// The next record of `bytes` (all of the input when `eof`, else its beginning).
    pub(crate) fn next(&mut self, bytes: &[u8], eof: bool) -> Pull<CsvRecord> {
        if !eof && bytes.len() < self.want {
            return Pull::NeedMore;
        }
        let w = Window { bytes, eof };
        match step(&w, &mut self.cursor, self.limits, self.expected) {
            Step::Record(r) => {
                self.want = 0;
                Pull::Item(r)
            }
            Step::NeedMore => {
                // Only a record cut short leaves bytes after the cursor; blank lines, a byte
                // order mark and a skipped line need just one more byte.
                let have = bytes.len().saturating_sub(self.cursor.pos);
                self.want = if have > 2 {
                    self.cursor.pos
                        + have
                            .saturating_mul(2)
                            .saturating_add(64)
                            .min(self.limits.max_record_bytes.saturating_add(3))
                } else {
                    0
                };
                Pull::NeedMore
            }
            Step::End => Pull::End,
        }
    }
}

/// Iterator over the records of a CSV text held whole in memory. Blank lines are skipped.
///
/// Records are split on `,`; fields may be quoted with `"` (a doubled `""` is one quote) and a
/// quoted field may span lines, as RFC 4180 allows: a scanner reports attacker-controlled text
/// (a certificate subject, an HTTP title) that may hold line breaks. A `"` inside an unquoted
/// field is kept as text. Every record reports its 1-based first physical line and how many
/// physical lines it spans.
///
/// One hostile row cannot swallow the rows after it:
/// - a record spans at most [`CsvLimits::max_record_lines`] physical lines ([`MAX_RECORD_LINES`]
///   by default) and [`CsvLimits::max_record_bytes`] bytes ([`MAX_RECORD_BYTES`]), and holds at
///   most [`MAX_FIELDS`] fields;
/// - a record that spans more than one line is accepted only when it has the number of fields
///   set with [`CsvRecords::expect_fields`] (the header's width): otherwise the line break was not
///   inside a field but after a stray or unterminated quote;
/// - a record that breaks a rule (an unterminated quote, text after a closing quote, a cap) is
///   reported as one [`CsvRecordError`] at its first line, and the reader **resynchronises** at the
///   next physical line: that line is read as the start of a record of its own.
///
/// So every non-blank physical line is either the first line of exactly one record (good or
/// bad) or inside exactly one accepted multi-line record: nothing is lost and nothing is
/// counted twice. The one ambiguity is RFC 4180's own: an unterminated quote whose text
/// happens to be closed, within the caps, by a later line's quote that ends a field, and gives
/// the header's width, reads as one multi-line record (a property test generates hostile
/// quoting short of that). Resynchronising re-reads at most [`CsvLimits::max_record_lines`] lines per line,
/// so the work is linear in the input.
#[derive(Debug)]
pub struct CsvRecords<'a> {
    input: &'a [u8],
    core: Core,
}

impl<'a> CsvRecords<'a> {
    /// Reads records from `input` (a leading UTF-8 byte order mark is skipped) with the
    /// default [`CsvLimits`].
    pub fn new(input: &'a [u8]) -> Self {
        Self::with_limits(input, CsvLimits::default())
    }

    /// Reads records from `input` with the given caps.
    pub fn with_limits(input: &'a [u8], limits: CsvLimits) -> Self {
        Self {
            input,
            core: Core::new(limits),
        }
    }

    /// From now on, a record spanning several lines must have `n` fields (the header's width)
    /// to be accepted; see [`CsvRecords`].
    pub fn expect_fields(&mut self, n: usize) {
        self.core.expect_fields(n);
    }
}

impl Iterator for CsvRecords<'_> {
    type Item = CsvRecord;

    fn next(&mut self) -> Option<CsvRecord> {
        match self.core.next(self.input, true) {
            Pull::Item(r) => Some(r),
            // The whole input is held: a step never needs more.
            Pull::NeedMore | Pull::End => None,
        }
    }
}

/// What a streaming reader gives when asked for its next item.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Pull<T> {
    /// The next item.
    Item(T),
    /// Push more input (or call `finish` at its end) and ask again.
    NeedMore,
    /// The input is over: no more items.
    End,
}

/// The records of a CSV text pushed in chunks (sans-IO): the same records, lines and errors as
/// [`CsvRecords`] over the whole text, for any way of cutting it into chunks (inside a quoted
/// field, between `\r` and `\n`, inside a UTF-8 sequence), while holding at most one record's
/// caps ([`CsvLimits::max_record_bytes`] + 3 bytes) plus the last chunk pushed: read bytes are
/// dropped at each push, and the rest of a refused line is skipped as it arrives.
///
/// ```
/// use ip_attribution::{CsvRecordReader, Pull};
/// let mut reader = CsvRecordReader::new();
/// let mut lines = Vec::new();
/// for chunk in [&b"a,\"x"[..], b"\ny\"\r", b"\nb,c"] {
///     reader.push(chunk);
///     while let Pull::Item(r) = reader.next_record() {
///         lines.push(r.line);
///     }
/// }
/// reader.finish();
/// while let Pull::Item(r) = reader.next_record() {
///     lines.push(r.line);
/// }
/// assert_eq!(lines, [1, 3]);
/// ```
#[derive(Debug)]
pub struct CsvRecordReader {
    buf: Vec<u8>,
    eof: bool,
    core: Core,
}

impl Default for CsvRecordReader {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvRecordReader {
    /// A reader with the default [`CsvLimits`].
    pub fn new() -> Self {
        Self::with_limits(CsvLimits::default())
    }

    /// A reader with the given caps.
    pub fn with_limits(limits: CsvLimits) -> Self {
        Self {
            buf: Vec::new(),
            eof: false,
            core: Core::new(limits),
        }
    }

    /// As [`CsvRecords::expect_fields`].
    pub fn expect_fields(&mut self, n: usize) {
        self.core.expect_fields(n);
    }

    /// Adds the next bytes of the input (dropping those already read). Ignored after
    /// [`finish`](Self::finish).
    pub fn push(&mut self, chunk: &[u8]) {
        if self.eof {
            return;
        }
        let read = self.core.consumed().min(self.buf.len());
        if read > 0 {
            self.buf.drain(..read);
            self.core.dropped(read);
        }
        self.buf.extend_from_slice(chunk);
    }

    /// Marks the end of the input.
    pub fn finish(&mut self) {
        self.eof = true;
    }

    /// Bytes held now (read or not).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next record, or what is needed first.
    pub fn next_record(&mut self) -> Pull<CsvRecord> {
        self.core.next(&self.buf, self.eof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &str) -> Vec<CsvRecord> {
        CsvRecords::new(input.as_bytes()).collect()
    }

    fn ok(v: &[&str]) -> Result<Vec<String>, CsvRecordError> {
        Ok(v.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn quoted_fields_may_span_lines() {
        let r = all("a,\"b,c\",\"d\"\"e\"\r\n\n1,\"x\ny\",3\nlast");
        assert_eq!(r.len(), 3);
        assert_eq!((r[0].line, r[0].lines), (1, 1));
        assert_eq!(r[0].fields, ok(&["a", "b,c", "d\"e"]));
        assert_eq!((r[1].line, r[1].lines), (3, 2));
        assert_eq!(r[1].fields, ok(&["1", "x\ny", "3"]));
        assert_eq!(r[2].line, 5);
        assert_eq!(r[2].fields, ok(&["last"]));
    }

    #[test]
    fn unterminated_and_junk_resynchronise_at_the_next_line() {
        let r = all("\"a\"x,b\nok\n\"open");
        assert_eq!(r[0].fields, Err(CsvRecordError::JunkAfterQuote));
        assert_eq!(r[1].line, 2);
        assert_eq!(r[1].fields, ok(&["ok"]));
        assert_eq!(r[2].line, 3);
        assert_eq!(r[2].fields, Err(CsvRecordError::UnterminatedQuote));
        // An open quote followed by lines without quotes: reported once, every later line read.
        let mut text = String::from("x,\"open\n");
        for i in 0..(MAX_RECORD_LINES + 3) {
            text.push_str(&format!("r{i},v\n"));
        }
        let mut records = CsvRecords::new(text.as_bytes());
        records.expect_fields(2);
        let r: Vec<CsvRecord> = records.collect();
        assert_eq!(r.len(), MAX_RECORD_LINES + 4);
        assert_eq!(r[0].fields, Err(CsvRecordError::UnterminatedQuote));
        assert!(r[1..].iter().all(|x| x.fields.is_ok()));
    }

    #[test]
    fn a_wrong_width_multi_line_record_is_a_stray_quote() {
        let mut records = CsvRecords::new(b"a,\"b\nc\",d\n");
        records.expect_fields(2);
        let r: Vec<CsvRecord> = records.collect();
        // Line 1 with line 2 would make 3 fields: line 1 is refused, line 2 re-read.
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].line, 1);
        assert_eq!(
            r[0].fields,
            Err(CsvRecordError::FieldCount {
                expected: 2,
                len: 3
            })
        );
        assert_eq!(r[1].line, 2);
        assert_eq!(r[1].fields, ok(&["c\"", "d"]));
    }

    #[test]
    fn line_cap_just_under_and_over() {
        let limits = CsvLimits::default().with_max_record_lines(3);
        let under = "\"1\n2\n3\",x\n";
        let r: Vec<CsvRecord> = CsvRecords::with_limits(under.as_bytes(), limits).collect();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].lines, 3);
        assert_eq!(r[0].fields, ok(&["1\n2\n3", "x"]));
        let over = "\"1\n2\n3\n4\",x\n";
        let r: Vec<CsvRecord> = CsvRecords::with_limits(over.as_bytes(), limits).collect();
        assert_eq!(r[0].fields, Err(CsvRecordError::UnterminatedQuote));
        assert_eq!(r.len(), 4);
    }

    #[test]
    fn field_cap_just_under_and_over() {
        let under = vec!["x"; MAX_FIELDS].join(",");
        let r = all(&under);
        assert_eq!(r[0].fields.as_ref().map(Vec::len), Ok(MAX_FIELDS));
        let over = vec!["x"; MAX_FIELDS + 1].join(",") + "\nnext";
        let r = all(&over);
        assert_eq!(
            r[0].fields,
            Err(CsvRecordError::TooManyFields { max: MAX_FIELDS })
        );
        assert_eq!(r[1].fields, ok(&["next"]));
    }

    #[test]
    fn length_cap_just_under_and_over() {
        let under = "a".repeat(MAX_RECORD_BYTES);
        assert!(all(&under)[0].fields.is_ok());
        let over = "a".repeat(MAX_RECORD_BYTES + 2) + "\nb";
        let r = all(&over);
        assert_eq!(
            r[0].fields,
            Err(CsvRecordError::TooLong {
                max: MAX_RECORD_BYTES
            })
        );
        assert_eq!(r[1].fields, ok(&["b"]));
        // A quoted field over the cap is refused too, and the next line read.
        let over = format!("\"{}\nb\"\nc", "a".repeat(MAX_RECORD_BYTES));
        let r = all(&over);
        assert_eq!(
            r[0].fields,
            Err(CsvRecordError::TooLong {
                max: MAX_RECORD_BYTES
            })
        );
        assert_eq!(r.len(), 3);
    }
}
