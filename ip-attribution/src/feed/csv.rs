//! A small, total RFC 4180 record reader for feed files.
//!
//! Records are split on `,`; fields may be quoted with `"` (a doubled `""` is one quote). Unlike
//! RFC 4180, a quoted field ends with its line: scanner feeds hold no multi-line values, and a
//! stray quote in one hostile row must not swallow the rows after it (one physical line, one
//! record: nothing is lost). An unterminated quote is [`RecordError::UnterminatedQuote`] for
//! that line alone. Every record reports its 1-based physical line. Caps:
//! [`MAX_FIELDS`] fields per record and [`MAX_RECORD_BYTES`] bytes per record; a record over a cap
//! is reported as [`RecordError::TooManyFields`] / [`RecordError::TooLong`] and skipped to its end.

/// Most fields one record may hold.
pub const MAX_FIELDS: usize = 512;
/// Most bytes one record may span.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// The error of a record over [`MAX_RECORD_BYTES`].
const TOO_LONG: RecordError = RecordError::TooLong {
    max: MAX_RECORD_BYTES,
};

/// What can be wrong with one record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordError {
    /// More than [`MAX_FIELDS`] fields.
    TooManyFields {
        /// The cap.
        max: usize,
    },
    /// More than [`MAX_RECORD_BYTES`] bytes.
    TooLong {
        /// The cap.
        max: usize,
    },
    /// A quoted field that never ends before the end of input.
    UnterminatedQuote,
    /// Text after a closing quote and before the next separator.
    JunkAfterQuote,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooManyFields { max } => write!(f, "record has more than {max} fields"),
            Self::TooLong { max } => write!(f, "record is longer than {max} bytes"),
            Self::UnterminatedQuote => f.write_str("quoted field is not terminated"),
            Self::JunkAfterQuote => f.write_str("text after a closing quote"),
        }
    }
}

/// One record: its first physical line and its fields (or what is wrong with it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based physical line the record starts on.
    pub line: usize,
    /// The fields, unquoted, or the problem.
    pub fields: Result<Vec<String>, RecordError>,
}

/// Iterator over the records of a CSV text. Blank lines are skipped.
#[derive(Debug)]
pub struct Records<'a> {
    input: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Records<'a> {
    /// Reads records from `input` (a leading UTF-8 byte order mark is skipped).
    pub fn new(input: &'a [u8]) -> Self {
        let pos = if input.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        Self {
            input,
            pos,
            line: 1,
        }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.input.get(at).copied()
    }

    /// Refuses the record that started on `line`: skips to the end of the current line and
    /// returns the record's error.
    fn refuse(&mut self, line: usize, error: RecordError) -> Option<Record> {
        self.skip_line();
        Some(Record {
            line,
            fields: Err(error),
        })
    }

    /// Skips to the end of the current line (after a fatal record error).
    fn skip_line(&mut self) {
        while let Some(b) = self.byte(self.pos) {
            self.pos += 1;
            if b == b'\n' {
                self.line += 1;
                return;
            }
        }
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
        let mut fields: Vec<String> = Vec::new();
        let mut field: Vec<u8> = Vec::new();
        loop {
            if self.pos - start > MAX_RECORD_BYTES {
                return self.refuse(start_line, TOO_LONG);
            }
            if fields.len() >= MAX_FIELDS {
                return self.refuse(start_line, RecordError::TooManyFields { max: MAX_FIELDS });
            }
            match self.byte(self.pos) {
                Some(b'"') if field.is_empty() => {
                    // Quoted field.
                    self.pos += 1;
                    loop {
                        if self.pos - start > MAX_RECORD_BYTES {
                            return self.refuse(start_line, TOO_LONG);
                        }
                        match self.byte(self.pos) {
                            None => {
                                return Some(Record {
                                    line: start_line,
                                    fields: Err(RecordError::UnterminatedQuote),
                                });
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
                                // A quoted field ends with its line: this record is malformed,
                                // and the next line is a record of its own.
                                self.pos += 1;
                                self.line += 1;
                                return Some(Record {
                                    line: start_line,
                                    fields: Err(RecordError::UnterminatedQuote),
                                });
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
                            return self.refuse(start_line, RecordError::JunkAfterQuote);
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
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    fields.push(text(&field));
                    return Some(Record {
                        line: start_line,
                        fields: Ok(fields),
                    });
                }
                None => {
                    fields.push(text(&field));
                    return Some(Record {
                        line: start_line,
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

    #[test]
    fn quoted_fields_and_lines() {
        let r = all("a,\"b,c\",\"d\"\"e\"\r\n\n1,\"x\ny\",3\nlast");
        assert_eq!(r.len(), 4);
        assert_eq!(r[0].line, 1);
        assert_eq!(
            r[0].fields,
            Ok(vec!["a".into(), "b,c".into(), "d\"e".into()])
        );
        // A quoted field does not continue on the next line: line 3 is malformed on its own
        // and line 4 is still read as a record.
        assert_eq!(r[1].line, 3);
        assert_eq!(r[1].fields, Err(RecordError::UnterminatedQuote));
        assert_eq!(r[2].line, 4);
        assert_eq!(r[2].fields, Ok(vec!["y\"".into(), "3".into()]));
        assert_eq!(r[3].line, 5);
        assert_eq!(r[3].fields, Ok(vec!["last".into()]));
    }

    #[test]
    fn unterminated_and_junk() {
        let r = all("\"a\"x,b\nok\n\"open");
        assert_eq!(r[0].fields, Err(RecordError::JunkAfterQuote));
        assert_eq!(r[1].line, 2);
        assert_eq!(r[1].fields, Ok(vec!["ok".into()]));
        assert_eq!(r[2].fields, Err(RecordError::UnterminatedQuote));
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
        assert_eq!(r[1].fields, Ok(vec!["next".into()]));
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
        assert_eq!(r[1].fields, Ok(vec!["b".into()]));
    }
}
