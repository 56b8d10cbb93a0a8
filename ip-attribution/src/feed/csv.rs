//! A small, total RFC 4180 record reader for feed files.
//!
//! Records are split on `,`; fields may be quoted with `"` (a doubled `""` is one quote) and a
//! quoted field may span lines, as RFC 4180 allows: a scanner reports attacker-controlled text
//! (a certificate subject, an HTTP title) that may hold line breaks. A `"` inside an unquoted
//! field is kept as text. Every record reports its 1-based first physical line and how many
//! physical lines it spans.
//!
//! One hostile row cannot swallow the rows after it:
//! - a record spans at most [`Limits::max_record_lines`] physical lines ([`MAX_RECORD_LINES`]
//!   by default) and [`Limits::max_record_bytes`] bytes ([`MAX_RECORD_BYTES`]), and holds at
//!   most [`MAX_FIELDS`] fields;
//! - a record that spans more than one line is accepted only when it has the number of fields
//!   set with [`Records::expect_fields`] (the header's width): otherwise the line break was not
//!   inside a field but after a stray or unterminated quote;
//! - a record that breaks a rule (an unterminated quote, text after a closing quote, a cap) is
//!   reported as one [`RecordError`] at its first line, and the reader **resynchronises** at the
//!   next physical line: that line is read as the start of a record of its own.
//!
//! So every non-blank physical line is either the first line of exactly one record (good or
//! bad) or inside exactly one accepted multi-line record: nothing is lost and nothing is
//! counted twice. The one ambiguity is RFC 4180's own: an unterminated quote whose text
//! happens to be closed, within the caps, by a later line's quote that ends a field, and gives
//! the header's width, reads as one multi-line record (a property test generates hostile
//! quoting short of that). Resynchronising re-reads at most [`Limits::max_record_lines`] lines per line,
//! so the work is linear in the input.

/// Most fields one record may hold.
pub const MAX_FIELDS: usize = 512;
/// Most bytes one record may span (by default).
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// Most physical lines one record may span (by default): a quoted field may hold at most
/// `MAX_RECORD_LINES - 1` line breaks.
pub const MAX_RECORD_LINES: usize = 16;

/// The caps of a [`Records`] reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Most bytes one record may span.
    pub max_record_bytes: usize,
    /// Most physical lines one record may span (at least 1).
    pub max_record_lines: usize,
}

impl Default for Limits {
    /// [`MAX_RECORD_BYTES`] and [`MAX_RECORD_LINES`].
    fn default() -> Self {
        Self {
            max_record_bytes: MAX_RECORD_BYTES,
            max_record_lines: MAX_RECORD_LINES,
        }
    }
}

impl Limits {
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
pub enum RecordError {
    /// More than [`MAX_FIELDS`] fields.
    TooManyFields {
        /// The cap.
        max: usize,
    },
    /// More than [`Limits::max_record_bytes`] bytes.
    TooLong {
        /// The cap.
        max: usize,
    },
    /// A quoted field still open after [`Limits::max_record_lines`] lines or at the end of the
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

impl std::fmt::Display for RecordError {
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
pub struct Record {
    /// 1-based physical line the record starts on.
    pub line: usize,
    /// Physical lines the record spans (1 unless a quoted field holds a line break; 1 for a
    /// record in error: the reader goes on at the next line).
    pub lines: usize,
    /// The fields, unquoted, or the problem.
    pub fields: Result<Vec<String>, RecordError>,
}

/// Iterator over the records of a CSV text. Blank lines are skipped.
#[derive(Debug)]
pub struct Records<'a> {
    input: &'a [u8],
    pos: usize,
    line: usize,
    limits: Limits,
    expected: Option<usize>,
}

impl<'a> Records<'a> {
    /// Reads records from `input` (a leading UTF-8 byte order mark is skipped) with the
    /// default [`Limits`].
    pub fn new(input: &'a [u8]) -> Self {
        Self::with_limits(input, Limits::default())
    }

    /// Reads records from `input` with the given caps.
    pub fn with_limits(input: &'a [u8], limits: Limits) -> Self {
        let pos = if input.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        Self {
            input,
            pos,
            line: 1,
            limits: limits.with_max_record_lines(limits.max_record_lines),
            expected: None,
        }
    }

    /// From now on, a record spanning several lines must have `n` fields (the header's width)
    /// to be accepted; see the [module docs](self).
    pub fn expect_fields(&mut self, n: usize) {
        self.expected = Some(n);
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.input.get(at).copied()
    }

    /// Resynchronises after a bad record that started at `start` on line `line`: the reader
    /// goes on at the line after `line`.
    fn refuse(&mut self, start: usize, line: usize, error: RecordError) -> Option<Record> {
        let rest = self.input.get(start..).unwrap_or_default();
        self.pos = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => start + i + 1,
            None => self.input.len(),
        };
        self.line = line + 1;
        Some(Record {
            line,
            lines: 1,
            fields: Err(error),
        })
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        // Skip blank lines.
        loop {
            match self.byte(self.pos) {
                None => return None,
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                }
                Some(b'\r') if self.byte(self.pos + 1) == Some(b'\n') => {
                    self.pos += 2;
                    self.line += 1;
                }
                Some(_) => break,
            }
        }
        let start_line = self.line;
        let start = self.pos;
        let max_bytes = self.limits.max_record_bytes;
        let max_lines = self.limits.max_record_lines;
        let too_long = RecordError::TooLong { max: max_bytes };
        // Physical lines entered so far (1 = still on the first).
        let mut lines = 1usize;
        let mut fields: Vec<String> = Vec::new();
        let mut field: Vec<u8> = Vec::new();
        loop {
            if self.pos - start > max_bytes {
                return self.refuse(start, start_line, too_long);
            }
            if fields.len() >= MAX_FIELDS {
                return self.refuse(
                    start,
                    start_line,
                    RecordError::TooManyFields { max: MAX_FIELDS },
                );
            }
            match self.byte(self.pos) {
                Some(b'"') if field.is_empty() => {
                    // Quoted field: may span lines, up to the caps.
                    self.pos += 1;
                    loop {
                        if self.pos - start > max_bytes {
                            return self.refuse(start, start_line, too_long);
                        }
                        match self.byte(self.pos) {
                            None => {
                                return self.refuse(
                                    start,
                                    start_line,
                                    RecordError::UnterminatedQuote,
                                );
                            }
                            Some(b'"') if self.byte(self.pos + 1) == Some(b'"') => {
                                field.push(b'"');
                                self.pos += 2;
                            }
                            Some(b'"') => {
                                self.pos += 1;
                                break;
                            }
                            Some(b'\n') => {
                                lines += 1;
                                if lines > max_lines {
                                    return self.refuse(
                                        start,
                                        start_line,
                                        RecordError::UnterminatedQuote,
                                    );
                                }
                                field.push(b'\n');
                                self.pos += 1;
                            }
                            Some(b) => {
                                field.push(b);
                                self.pos += 1;
                            }
                        }
                    }
                    match self.byte(self.pos) {
                        None | Some(b',') | Some(b'\n') => {}
                        Some(b'\r') if matches!(self.byte(self.pos + 1), Some(b'\n') | None) => {}
                        Some(_) => {
                            return self.refuse(start, start_line, RecordError::JunkAfterQuote);
                        }
                    }
                }
                Some(b',') => {
                    fields.push(text(&field));
                    field.clear();
                    self.pos += 1;
                }
                Some(b'\r') if matches!(self.byte(self.pos + 1), Some(b'\n') | None) => {
                    self.pos += 1;
                }
                end @ (Some(b'\n') | None) => {
                    fields.push(text(&field));
                    if lines > 1
                        && let Some(expected) = self.expected
                        && fields.len() != expected
                    {
                        let len = fields.len();
                        return self.refuse(
                            start,
                            start_line,
                            RecordError::FieldCount { expected, len },
                        );
                    }
                    if end.is_some() {
                        self.pos += 1;
                    }
                    self.line = start_line + lines;
                    return Some(Record {
                        line: start_line,
                        lines,
                        fields: Ok(fields),
                    });
                }
                Some(b) => {
                    field.push(b);
                    self.pos += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &str) -> Vec<Record> {
        Records::new(input.as_bytes()).collect()
    }

    fn ok(v: &[&str]) -> Result<Vec<String>, RecordError> {
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
        assert_eq!(r[0].fields, Err(RecordError::JunkAfterQuote));
        assert_eq!(r[1].line, 2);
        assert_eq!(r[1].fields, ok(&["ok"]));
        assert_eq!(r[2].line, 3);
        assert_eq!(r[2].fields, Err(RecordError::UnterminatedQuote));
        // An open quote followed by lines without quotes: reported once, every later line read.
        let mut text = String::from("x,\"open\n");
        for i in 0..(MAX_RECORD_LINES + 3) {
            text.push_str(&format!("r{i},v\n"));
        }
        let mut records = Records::new(text.as_bytes());
        records.expect_fields(2);
        let r: Vec<Record> = records.collect();
        assert_eq!(r.len(), MAX_RECORD_LINES + 4);
        assert_eq!(r[0].fields, Err(RecordError::UnterminatedQuote));
        assert!(r[1..].iter().all(|x| x.fields.is_ok()));
    }

    #[test]
    fn a_wrong_width_multi_line_record_is_a_stray_quote() {
        let mut records = Records::new(b"a,\"b\nc\",d\n");
        records.expect_fields(2);
        let r: Vec<Record> = records.collect();
        // Line 1 with line 2 would make 3 fields: line 1 is refused, line 2 re-read.
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].line, 1);
        assert_eq!(
            r[0].fields,
            Err(RecordError::FieldCount {
                expected: 2,
                len: 3
            })
        );
        assert_eq!(r[1].line, 2);
        assert_eq!(r[1].fields, ok(&["c\"", "d"]));
    }

    #[test]
    fn line_cap_just_under_and_over() {
        let limits = Limits::default().with_max_record_lines(3);
        let under = "\"1\n2\n3\",x\n";
        let r: Vec<Record> = Records::with_limits(under.as_bytes(), limits).collect();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].lines, 3);
        assert_eq!(r[0].fields, ok(&["1\n2\n3", "x"]));
        let over = "\"1\n2\n3\n4\",x\n";
        let r: Vec<Record> = Records::with_limits(over.as_bytes(), limits).collect();
        assert_eq!(r[0].fields, Err(RecordError::UnterminatedQuote));
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
            Err(RecordError::TooManyFields { max: MAX_FIELDS })
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
            Err(RecordError::TooLong {
                max: MAX_RECORD_BYTES
            })
        );
        assert_eq!(r[1].fields, ok(&["b"]));
        // A quoted field over the cap is refused too, and the next line read.
        let over = format!("\"{}\nb\"\nc", "a".repeat(MAX_RECORD_BYTES));
        let r = all(&over);
        assert_eq!(
            r[0].fields,
            Err(RecordError::TooLong {
                max: MAX_RECORD_BYTES
            })
        );
        assert_eq!(r.len(), 3);
    }
}
