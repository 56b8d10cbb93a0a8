//! Reading a feed in chunks (documented on [`FeedReader`]).

use std::borrow::Cow;
use std::io::Read;
use std::sync::Arc;

use super::csv::{self, Core, CsvLimits, CsvRecordError, Pull};
use super::shadowserver::{Columns, NO_ADDRESS_COLUMN};
use super::{FeedFormat, Finding, intelmq, report_type_from_name};
use crate::{Error, ErrorKind};

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Past this many bytes, a line of blanks met while detecting the format is not kept: it is
/// longer than both formats' caps (plus a `\r` and a byte order mark).
const DETECT_LINE_BYTES: usize = if csv::MAX_RECORD_BYTES > intelmq::MAX_LINE_BYTES {
    csv::MAX_RECORD_BYTES + 4
} else {
    intelmq::MAX_LINE_BYTES + 4
};

/// What a CSV report would say of its first non-blank line when that line holds only blanks.
#[derive(Debug, Clone, Copy)]
enum BlankHeader {
    /// Longer than the record cap.
    TooLong,
    /// A header of one blank field.
    NoAddress,
}

/// Looking for the first non-blank byte.
#[derive(Debug)]
struct Detect {
    /// The byte order mark question is settled.
    started: bool,
    /// Next byte to look at.
    pos: usize,
    /// Where the current line starts (meaningless when `long`).
    line_start: usize,
    /// 1-based line of `pos`.
    line: usize,
    /// The current line is all blanks so far and longer than [`DETECT_LINE_BYTES`]: its bytes
    /// were dropped.
    long: bool,
    /// The first line of blanks that is not an empty line, as a CSV report's header.
    header: Option<(usize, BlankHeader)>,
}

/// Reading IntelMQ lines.
#[derive(Debug)]
struct Lines {
    /// Start of the current line.
    pos: usize,
    /// Its 1-based number.
    line: usize,
    /// The current line is longer than the cap and its bytes are being dropped: `Some(true)`
    /// while they are all blanks.
    long: Option<bool>,
    /// Bytes after `pos` known to hold no line break (so that a long line arriving in small
    /// chunks is searched once).
    scanned: usize,
}

#[derive(Debug)]
enum State {
    Detect(Detect),
    Csv {
        core: Core,
        columns: Option<Columns>,
    },
    IntelMq(Lines),
    Done,
}

/// A feed read from chunks of bytes (sans-IO): [`push`](Self::push) the input as it comes,
/// [`finish`](Self::finish) at its end, and pull findings with
/// [`next_finding`](Self::next_finding) until it asks for more ([`Pull::NeedMore`]) or ends.
/// [`Findings`] is the same over any [`std::io::Read`], with a fixed-size read buffer.
///
/// The findings, their order, lines and problems, and a whole-file error, are exactly those of
/// [`read_feed`](crate::read_feed) over the whole bytes, however the input is cut into chunks
/// ([`read_feed`](crate::read_feed) is this reader over bytes held whole). What is held at any time is
/// the bytes not yet read plus the last chunk pushed, and those are bounded by the record caps:
/// - CSV: at most one record, [`MAX_RECORD_BYTES`](crate::limits::MAX_RECORD_BYTES) + 3 bytes (the record reader never
///   looks further ahead); the rest of a refused line is skipped as it arrives;
/// - IntelMQ: at most one line of [`MAX_INTELMQ_LINE_BYTES`](crate::limits::MAX_INTELMQ_LINE_BYTES) + 4 bytes; a longer line becomes
///   its "line is longer" finding and is skipped as it arrives;
/// - format detection (the first non-blank byte, as [`detect_feed_format`](super::detect_feed_format)): blank lines
///   are dropped as they are passed, and a line of blanks longer than the caps is not kept
///   either.
///
/// ```
/// use ip_attribution::{FeedReader, Pull};
/// let text = b"ip,port\n192.0.2.1,443\n\"192.0.2.2\",80\n";
/// let mut reader = FeedReader::new("2026-11-22-scan_rdp.csv");
/// let mut lines = Vec::new();
/// for chunk in text.chunks(5) {
///     reader.push(chunk);
///     while let Pull::Item(f) = reader.next_finding().unwrap() {
///         lines.push(f.line);
///     }
/// }
/// reader.finish();
/// while let Pull::Item(f) = reader.next_finding().unwrap() {
///     lines.push(f.line);
/// }
/// assert_eq!(lines, [2, 3]);
/// ```
#[derive(Debug)]
pub struct FeedReader<'a> {
    feed: Arc<str>,
    report_type: Arc<str>,
    buf: Cow<'a, [u8]>,
    eof: bool,
    state: State,
}

impl FeedReader<'static> {
    /// A reader for the feed file named `name` (its directories are dropped; it gives the
    /// report type of CSV reports), recognising the format from the first non-blank byte.
    pub fn new(name: &str) -> Self {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        FeedReader::with(Arc::from(base), Cow::Owned(Vec::new()), false, None)
    }
}

impl<'a> FeedReader<'a> {
    /// A reader over bytes held whole (already finished).
    pub(crate) fn whole_as(feed: Arc<str>, bytes: &'a [u8], format: Option<FeedFormat>) -> Self {
        Self::with(feed, Cow::Borrowed(bytes), true, format)
    }

    fn with(feed: Arc<str>, buf: Cow<'a, [u8]>, eof: bool, format: Option<FeedFormat>) -> Self {
        let report_type: Arc<str> = Arc::from(report_type_from_name(&feed));
        let state = match format {
            None => State::Detect(Detect {
                started: false,
                pos: 0,
                line_start: 0,
                line: 1,
                long: false,
                header: None,
            }),
            Some(FeedFormat::ShadowserverCsv) => State::Csv {
                core: Core::new(CsvLimits::default()),
                columns: None,
            },
            Some(FeedFormat::IntelMqJsonLines) => State::IntelMq(Lines {
                pos: 0,
                line: 1,
                long: None,
                scanned: 0,
            }),
        };
        Self {
            feed,
            report_type,
            buf,
            eof,
            state,
        }
    }

    /// The format, once recognised.
    pub fn format(&self) -> Option<FeedFormat> {
        match self.state {
            State::Csv { .. } => Some(FeedFormat::ShadowserverCsv),
            State::IntelMq(_) => Some(FeedFormat::IntelMqJsonLines),
            State::Detect(_) | State::Done => None,
        }
    }

    /// Bytes held now (read or not): bounded as the [type docs](Self) say.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Offset of the first byte still needed.
    fn consumed(&self) -> usize {
        match &self.state {
            State::Detect(d) if d.long => d.pos,
            State::Detect(d) => d.line_start,
            State::Csv { core, .. } => core.consumed(),
            State::IntelMq(l) => l.pos,
            State::Done => self.buf.len(),
        }
    }

    /// Adds the next bytes of the input, dropping those already read. Ignored after
    /// [`finish`](Self::finish).
    pub fn push(&mut self, chunk: &[u8]) {
        if self.eof {
            return;
        }
        let read = self.consumed().min(self.buf.len());
        if read > 0 {
            let buf = self.buf.to_mut();
            buf.drain(..read);
            match &mut self.state {
                State::Detect(d) => {
                    d.pos -= read.min(d.pos);
                    d.line_start -= read.min(d.line_start);
                }
                State::Csv { core, .. } => core.dropped(read),
                State::IntelMq(l) => l.pos -= read.min(l.pos),
                State::Done => {}
            }
        }
        self.buf.to_mut().extend_from_slice(chunk);
    }

    /// Marks the end of the input.
    pub fn finish(&mut self) {
        self.eof = true;
    }

    /// The next finding, or what is needed first.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Input`] when the feed as a whole is unusable (a CSV report whose header row is
    /// unreadable or names no address column), as [`read_feed`](super::read_feed) fails; the reader then
    /// ends.
    pub fn next_finding(&mut self) -> Result<Pull<Finding>, Error> {
        loop {
            let next = match &mut self.state {
                State::Done => return Ok(Pull::End),
                State::Detect(d) => match detect_step(d, &self.buf, self.eof) {
                    Detected::NeedMore => return Ok(Pull::NeedMore),
                    Detected::Csv { pos, line } => {
                        let mut core = Core::new(CsvLimits::default());
                        core.start_at(pos, line);
                        State::Csv {
                            core,
                            columns: None,
                        }
                    }
                    Detected::IntelMq(lines) => State::IntelMq(lines),
                    Detected::Header(line, header) => {
                        self.state = State::Done;
                        let message = match header {
                            BlankHeader::TooLong => format!(
                                "unreadable header row: {}",
                                CsvRecordError::TooLong {
                                    max: csv::MAX_RECORD_BYTES
                                }
                            ),
                            BlankHeader::NoAddress => NO_ADDRESS_COLUMN.to_owned(),
                        };
                        return Err(Error::new(
                            self.feed.to_string(),
                            line,
                            ErrorKind::Input { message },
                        ));
                    }
                },
                State::Csv { core, columns } => {
                    let record = match core.next(&self.buf, self.eof) {
                        Pull::Item(r) => r,
                        Pull::NeedMore => return Ok(Pull::NeedMore),
                        Pull::End => {
                            self.state = State::Done;
                            return Ok(Pull::End);
                        }
                    };
                    match columns {
                        Some(c) => {
                            return Ok(Pull::Item(c.finding(
                                &self.feed,
                                &self.report_type,
                                record,
                            )));
                        }
                        None => match Columns::from_header(&self.feed, record) {
                            Ok(c) => {
                                core.expect_fields(c.width());
                                *columns = Some(c);
                                continue;
                            }
                            Err(e) => {
                                self.state = State::Done;
                                return Err(e);
                            }
                        },
                    }
                }
                State::IntelMq(lines) => {
                    return Ok(lines_step(
                        lines,
                        &self.buf,
                        self.eof,
                        &self.feed,
                        &self.report_type,
                    ));
                }
            };
            self.state = next;
        }
    }
}

impl Iterator for FeedReader<'_> {
    type Item = Result<Finding, Error>;

    /// The next finding of a reader whose input is all pushed and finished (a reader still
    /// waiting for input ends here).
    fn next(&mut self) -> Option<Self::Item> {
        match self.next_finding() {
            Ok(Pull::Item(f)) => Some(Ok(f)),
            Ok(Pull::NeedMore | Pull::End) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// What format detection came to.
enum Detected {
    NeedMore,
    Csv {
        pos: usize,
        line: usize,
    },
    IntelMq(Lines),
    /// A CSV report whose first non-blank line holds only blanks: the whole-file error.
    Header(usize, BlankHeader),
}

fn detect_step(d: &mut Detect, buf: &[u8], eof: bool) -> Detected {
    if !d.started {
        if buf.len() < 3 && !eof && BOM.starts_with(buf) {
            return Detected::NeedMore;
        }
        d.started = true;
        if buf.starts_with(&BOM) {
            d.pos = 3;
            d.line_start = 3;
        }
    }
    loop {
        match buf.get(d.pos) {
            None if !eof => {
                if !d.long && d.pos - d.line_start > DETECT_LINE_BYTES {
                    d.long = true;
                    d.header.get_or_insert((d.line, BlankHeader::TooLong));
                }
                return Detected::NeedMore;
            }
            None => {
                // All blanks: a CSV report; its first non-blank line, if any, is the header.
                if d.long || d.pos > d.line_start {
                    let header = if d.long || d.pos - d.line_start > csv::MAX_RECORD_BYTES {
                        BlankHeader::TooLong
                    } else {
                        BlankHeader::NoAddress
                    };
                    d.header.get_or_insert((d.line, header));
                }
                return match d.header {
                    Some((line, h)) => Detected::Header(line, h),
                    None => Detected::Csv {
                        pos: d.pos,
                        line: d.line,
                    },
                };
            }
            Some(b'\n') => {
                let len = d.pos - d.line_start;
                let blank =
                    !d.long && (len == 0 || (len == 1 && buf.get(d.line_start) == Some(&b'\r')));
                if !blank {
                    let header = if d.long || len > csv::MAX_RECORD_BYTES {
                        BlankHeader::TooLong
                    } else {
                        BlankHeader::NoAddress
                    };
                    d.header.get_or_insert((d.line, header));
                }
                d.pos += 1;
                d.line += 1;
                d.line_start = d.pos;
                d.long = false;
            }
            Some(b) if b.is_ascii_whitespace() => d.pos += 1,
            Some(&b) => {
                if b != b'{' {
                    return match d.header {
                        Some((line, h)) => Detected::Header(line, h),
                        None => Detected::Csv {
                            pos: d.line_start,
                            line: d.line,
                        },
                    };
                }
                return Detected::IntelMq(if d.long {
                    Lines {
                        pos: d.pos,
                        line: d.line,
                        long: Some(false),
                        scanned: 0,
                    }
                } else {
                    Lines {
                        pos: d.line_start,
                        line: d.line,
                        long: None,
                        scanned: 0,
                    }
                });
            }
        }
    }
}

fn lines_step(
    l: &mut Lines,
    buf: &[u8],
    eof: bool,
    feed: &Arc<str>,
    fallback: &Arc<str>,
) -> Pull<Finding> {
    loop {
        let rest = buf.get(l.pos..).unwrap_or_default();
        let newline = rest
            .get(l.scanned..)
            .unwrap_or_default()
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| i + l.scanned);
        l.scanned = match newline {
            Some(_) => 0,
            None => rest.len(),
        };
        if let Some(blank) = l.long {
            // The rest of a line over the cap: dropped, one finding unless all blanks.
            let part = match newline {
                Some(i) => rest.get(..i).unwrap_or_default(),
                None => rest,
            };
            let blank = blank && part.iter().all(u8::is_ascii_whitespace);
            match newline {
                Some(i) => l.pos += i + 1,
                None if eof => l.pos = buf.len(),
                None => {
                    l.pos = buf.len();
                    l.scanned = 0;
                    l.long = Some(blank);
                    return Pull::NeedMore;
                }
            }
            let line = l.line;
            l.line += 1;
            l.long = None;
            if !blank {
                return Pull::Item(intelmq::too_long(feed, fallback, line));
            }
            continue;
        }
        let raw = match newline {
            Some(i) => {
                let raw = rest.get(..i).unwrap_or_default();
                l.pos += i + 1;
                raw
            }
            None if eof => {
                if rest.is_empty() {
                    return Pull::End;
                }
                l.pos = buf.len();
                rest
            }
            None => {
                if rest.len() > intelmq::MAX_LINE_BYTES + 4 {
                    l.long = Some(intelmq::is_blank(l.line, rest));
                    l.pos = buf.len();
                    l.scanned = 0;
                }
                return Pull::NeedMore;
            }
        };
        let line = l.line;
        l.line += 1;
        if let Some(f) = intelmq::finding(feed, fallback, line, raw) {
            return Pull::Item(f);
        }
    }
}

/// Most bytes one read asks for by default (64 KiB).
pub const FEED_READ_STEP: usize = 64 * 1024;

/// The findings of a feed read from `source` in reads of a fixed size: what
/// [`read_feed`](super::read_feed) gives over the whole bytes, holding the bounded window of
/// [`FeedReader`] plus the read buffer. Made by [`read_feed_from`](super::read_feed_from).
#[derive(Debug)]
pub struct Findings<R> {
    reader: FeedReader<'static>,
    source: R,
    chunk: Vec<u8>,
    done: bool,
}

impl<R: Read> Findings<R> {
    /// Reads the feed named `name` from `source`, `step` bytes at a time (at least 1).
    pub fn new(name: &str, source: R, step: usize) -> Self {
        Self {
            reader: FeedReader::new(name),
            source,
            chunk: vec![0; step.max(1)],
            done: false,
        }
    }
}

impl<R: Read> Iterator for Findings<R> {
    type Item = Result<Finding, Error>;

    /// The next finding; an error ends the iteration ([`ErrorKind::Io`] when `source` fails, named
    /// by the feed's name; [`ErrorKind::Input`] as [`FeedReader::next_finding`]).
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            match self.reader.next_finding() {
                Ok(Pull::Item(f)) => return Some(Ok(f)),
                Ok(Pull::End) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Ok(Pull::NeedMore) => {}
            }
            let n = loop {
                match self.source.read(&mut self.chunk) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        self.done = true;
                        return Some(Err(Error::new(
                            self.reader.feed.to_string(),
                            0,
                            ErrorKind::Io {
                                message: e.to_string(),
                            },
                        )));
                    }
                }
            };
            match self.chunk.get(..n) {
                Some(bytes) if n > 0 => self.reader.push(bytes),
                _ => self.reader.finish(),
            }
        }
    }
}
