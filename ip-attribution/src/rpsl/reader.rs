//! The streaming reader: objects out of a `BufRead` (plain or gzip), one object in memory at a
//! time.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;

use super::address::{IpRange, normalise_mailbox};
use super::convert::{Converted, arin_summary_line, convert};
use super::lexer::{decode, lines, parse_rpsl_object, split_attribute};
use super::limits::{MAX_LINE_BYTES, MAX_OBJECT_BYTES, MAX_OBJECT_LINES};
use super::object::{AbuseComment, RpslObject, RpslObjectClass, RpslSource};
use crate::{Error, ErrorKind};

/// Counts kept while reading, for a run summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RpslReadStats {
    /// Lines read.
    pub lines: usize,
    /// Bytes read (decompressed), line ends included.
    pub bytes: u64,
    /// Usable objects returned, by class.
    pub objects: BTreeMap<RpslObjectClass, usize>,
    /// Objects of classes that are tolerated and skipped (as-set, key-cert, unknown), by class
    /// name as written; at most [`RpslReadStats::MAX_SKIPPED_CLASS_NAMES`] distinct names are kept,
    /// the rest are counted under `"(other)"`.
    pub skipped: BTreeMap<String, usize>,
    /// Objects or lines that could not be used and were reported as errors.
    pub errors: usize,
}

impl RpslReadStats {
    /// Cap on distinct class names kept in [`RpslReadStats::skipped`].
    pub const MAX_SKIPPED_CLASS_NAMES: usize = 64;

    /// Total usable objects.
    pub fn object_count(&self) -> usize {
        self.objects.values().sum()
    }

    /// Total skipped objects of other classes.
    pub fn skipped_count(&self) -> usize {
        self.skipped.values().sum()
    }
}

/// Reads registry objects from RPSL dumps and saved WHOIS answers.
///
/// An iterator of `Result<RpslObject, Error>`: every `Err` is one unusable object or line (with
/// source name and 1-based line); iteration goes on after it, except after
/// [`ErrorKind::RpslRead`], which ends it. [`RpslReader::stats`] counts what was read and skipped.
///
/// ```
/// use ip_attribution::{RpslObject, RpslReader};
/// let text = b"inetnum: 192.0.2.0 - 192.0.2.255\nnetname: EXAMPLE-NET\nstatus: ASSIGNED PA\n\n";
/// let objects: Vec<RpslObject> = RpslReader::from_slice("sample.db", text).filter_map(Result::ok).collect();
/// let Some(RpslObject::Network(net)) = objects.first() else { panic!("a network") };
/// assert_eq!(net.netname.as_deref(), Some("EXAMPLE-NET"));
/// ```
///
/// Reads RIR split dumps (`ripe.db.inetnum.gz`...), LACNIC's dump format and saved WHOIS answers
/// (RIPE style, IANA referrals, ARIN's `n +` answers and its ambiguous-query summary lines) from
/// a byte slice or any `Read`, plain or gzip, one object in memory at a time.
///
/// * [`RpslReader`] yields `Result<RpslObject, Error>`: every unusable object (bad primary key, broken
///   line, missing required attribute, start after end, unparsable address, over a cap) is one
///   `Err` naming the source and 1-based line; reading goes on. Other classes (as-set,
///   route-set, key-cert, unknown ones) are skipped silently and counted in [`RpslReadStats`].
/// * [`RpslObject`] is one of the typed views: [`RpslNetwork`](crate::RpslNetwork) (inetnum, inet6num, ARIN networks),
///   [`RpslOrganisation`](crate::RpslOrganisation), [`RpslContact`](crate::RpslContact) (role, person),
///   [`Irt`](crate::Irt), [`AutNum`](crate::AutNum), [`Route`](crate::Route),
///   [`Mntner`](crate::Mntner),
///   plus the answer-level [`AbuseComment`] (`% Abuse contact for 'RANGE' is 'ADDR'`) and
///   [`Referral`](crate::Referral) (IANA `refer:`).
/// * [`RpslObject::key`] gives the identity under which a repeated object counts once.
/// * [`parse_rpsl_object`] is the lower, borrowed level: one object's attributes.
///
/// ## Syntax handled
/// Continuation lines (space, tab, `+`), end-of-line `#` comments, `%` and `#` comment lines,
/// CRLF line ends, UTF-8 or Latin-1 values (decoded as Latin-1 when not valid UTF-8), LACNIC
/// short prefixes (`148.204/16`) and its `nic-hdl`-first person objects, inetnum ranges that are
/// not CIDR aligned, e-mail display-name forms (normalised by [`normalise_mailbox`]). Dummified
/// objects are flagged and their placeholder e-mail addresses (`unread@ripe.net`) dropped.
///
/// ## ARIN
/// A `NetRange` block becomes an [`RpslNetwork`](crate::RpslNetwork) of kind
/// [`NetworkKind::ArinNet`](crate::NetworkKind::ArinNet) (`NetType` in
/// `status`, `Organization`/`Customer` handle in `org`, `Parent` handle in `parent`), an
/// `OrgName`/`CustName` block an [`RpslOrganisation`](crate::RpslOrganisation); the POC blocks that follow are merged:
/// `OrgAbuseEmail` into
/// [`RpslOrganisation::abuse_mailbox`](crate::RpslOrganisation::abuse_mailbox) (handle in `abuse_c`), other `Org*Email`
/// into `emails`, `RAbuseEmail` into [`RpslNetwork::abuse_mailbox`](crate::RpslNetwork::abuse_mailbox).
///
/// ## Limits
/// See [`crate::limits`]: line length, object lines, object bytes and value length are capped, each
/// with its own error variant.
#[derive(Debug)]
pub struct RpslReader<R> {
    input: R,
    name: Arc<str>,
    /// Lines consumed so far (the 1-based number of the last line read).
    line: usize,
    /// The current object's bytes, lines ended by `\n`.
    buf: Vec<u8>,
    buf_first_line: usize,
    buf_lines: usize,
    /// The current object went over a cap: its remaining lines are dropped.
    poisoned: bool,
    out: VecDeque<Result<RpslObject, Error>>,
    /// ARIN blocks of the current answer, kept until POC blocks that follow are merged.
    arin: Vec<RpslObject>,
    done: bool,
    stats: RpslReadStats,
}

/// The reader over a byte slice.
impl<'a> RpslReader<&'a [u8]> {
    /// Reads plain (not compressed) text from a byte slice.
    pub fn from_slice(name: impl Into<Arc<str>>, bytes: &'a [u8]) -> Self {
        Self::new(name, bytes)
    }
}

/// Wraps `input` so gzip data is decompressed on the fly: the first two bytes are checked for
/// the gzip magic (`1f 8b`); plain input is passed through. Multi-member gzip files are read whole.
pub(crate) fn decompressing<'r, R: Read + 'r>(input: R) -> io::Result<Box<dyn BufRead + 'r>> {
    let mut buffered = BufReader::with_capacity(256 * 1024, input);
    let head = buffered.fill_buf()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        let gz = flate2::bufread::MultiGzDecoder::new(buffered);
        Ok(Box::new(BufReader::with_capacity(256 * 1024, gz)))
    } else {
        Ok(Box::new(buffered))
    }
}

impl<'r> RpslReader<Box<dyn BufRead + 'r>> {
    /// Reads from any `Read`, plain or gzip (detected from the first bytes).
    ///
    /// # Errors
    /// [`ErrorKind::RpslRead`] when the first bytes cannot be read.
    pub fn open<R: Read + 'r>(name: impl Into<Arc<str>>, input: R) -> Result<Self, Error> {
        let name = name.into();
        let input = decompressing(input)
            .map_err(|error| Error::new(name.to_string(), 0, ErrorKind::RpslRead { error }))?;
        Ok(Self::new(name, input))
    }
}

impl<R: BufRead> RpslReader<R> {
    /// Reads plain text from a `BufRead`; `name` labels errors and objects.
    pub fn new(name: impl Into<Arc<str>>, input: R) -> Self {
        Self {
            input,
            name: name.into(),
            line: 0,
            buf: Vec::with_capacity(4096),
            buf_first_line: 0,
            buf_lines: 0,
            poisoned: false,
            out: VecDeque::new(),
            arin: Vec::new(),
            done: false,
            stats: RpslReadStats::default(),
        }
    }

    /// What was read so far.
    pub fn stats(&self) -> &RpslReadStats {
        &self.stats
    }

    /// The source name given to the reader.
    pub fn source_name(&self) -> &str {
        &self.name
    }

    /// Reads one line, appending it to `buf` (at most `MAX_LINE_BYTES + 1` bytes of it).
    /// Returns `None` at the end of input, else the line's full length without its line end.
    fn read_line(&mut self) -> io::Result<Option<usize>> {
        let mut total = 0usize;
        let mut any = false;
        let mut ends_cr = false;
        let mark = self.buf.len();
        loop {
            let avail = match self.input.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                break;
            }
            any = true;
            let (chunk_len, found) = match avail.iter().position(|&b| b == b'\n') {
                Some(i) => (i, true),
                None => (avail.len(), false),
            };
            let room = (MAX_LINE_BYTES + 1).saturating_sub(self.buf.len() - mark);
            if let Some(chunk) = avail.get(..chunk_len.min(room)) {
                self.buf.extend_from_slice(chunk);
            }
            total += chunk_len;
            if let Some(&last) = avail.get(..chunk_len).and_then(<[u8]>::last) {
                ends_cr = last == b'\r';
            }
            let used = chunk_len + usize::from(found);
            self.input.consume(used);
            self.stats.bytes += used as u64;
            if found {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        if ends_cr {
            // A CRLF line end: the CR is not part of the line.
            total -= 1;
            if self.buf.len() - mark > total {
                self.buf.pop();
            }
        }
        self.line += 1;
        self.stats.lines += 1;
        Ok(Some(total))
    }

    fn error(&mut self, e: Error) {
        self.stats.errors += 1;
        self.out.push_back(Err(e));
    }

    /// Processes the line just appended at `mark`.
    fn process_line(&mut self, mark: usize, len: usize) {
        let in_object = mark > 0 || self.poisoned;
        if len > MAX_LINE_BYTES {
            self.buf.truncate(mark);
            self.error(Error::new(
                self.name.to_string(),
                self.line,
                ErrorKind::RpslLineTooLong {
                    max: MAX_LINE_BYTES,
                    len,
                },
            ));
            self.poison();
            return;
        }
        let line = self.buf.get(mark..).unwrap_or_default();
        let blank = line.iter().all(u8::is_ascii_whitespace);
        if blank {
            self.buf.truncate(mark);
            self.finish_object();
            return;
        }
        match line.first() {
            Some(b'%') => {
                let comment = abuse_comment(
                    line,
                    RpslSource {
                        name: self.name.clone(),
                        line: self.line,
                    },
                );
                self.buf.truncate(mark);
                self.finish_object();
                self.flush_arin();
                if let Some(c) = comment {
                    self.emit(RpslObject::AbuseComment(c));
                }
            }
            Some(b'#') if !in_object => {
                self.buf.truncate(mark);
                self.flush_arin();
            }
            _ if self.poisoned => self.buf.truncate(mark),
            _ => {
                if mark == 0 {
                    self.buf_first_line = self.line;
                    self.buf_lines = 0;
                }
                self.buf.push(b'\n');
                self.buf_lines += 1;
                if self.buf_lines > MAX_OBJECT_LINES {
                    let e = Error::new(
                        self.name.to_string(),
                        self.buf_first_line,
                        ErrorKind::RpslObjectTooManyLines {
                            max: MAX_OBJECT_LINES,
                        },
                    );
                    self.error(e);
                    self.poison();
                } else if self.buf.len() > MAX_OBJECT_BYTES {
                    let e = Error::new(
                        self.name.to_string(),
                        self.buf_first_line,
                        ErrorKind::RpslObjectTooLarge {
                            max: MAX_OBJECT_BYTES,
                        },
                    );
                    self.error(e);
                    self.poison();
                }
            }
        }
    }

    fn poison(&mut self) {
        self.buf.clear();
        self.poisoned = true;
    }

    fn emit(&mut self, o: RpslObject) {
        *self.stats.objects.entry(o.class()).or_insert(0) += 1;
        self.out.push_back(Ok(o));
    }

    fn skipped(&mut self, class: String) {
        let key = if self.stats.skipped.contains_key(&class)
            || self.stats.skipped.len() < RpslReadStats::MAX_SKIPPED_CLASS_NAMES
        {
            class
        } else {
            "(other)".to_owned()
        };
        *self.stats.skipped.entry(key).or_insert(0) += 1;
    }

    /// Sends ARIN blocks kept for merging.
    fn flush_arin(&mut self) {
        for o in std::mem::take(&mut self.arin) {
            self.emit(o);
        }
    }

    fn finish_object(&mut self) {
        if self.poisoned {
            self.poisoned = false;
            self.buf.clear();
            return;
        }
        if self.buf.is_empty() {
            return;
        }
        let buf = std::mem::take(&mut self.buf);
        self.convert_block(&buf);
        self.buf = buf;
        self.buf.clear();
    }

    fn convert_block(&mut self, bytes: &[u8]) {
        let first = self.buf_first_line;
        // ARIN's ambiguous-query answer: lines that are not attributes.
        let first_line = lines(bytes).find(|l| !l.starts_with(b"#"));
        if first_line.is_some_and(|l| {
            split_attribute(l).is_none() && !l.starts_with(b" ") && !l.starts_with(b"\t")
        }) {
            let mut nets = Vec::new();
            for (i, l) in lines(bytes).enumerate() {
                if l.starts_with(b"#") {
                    continue;
                }
                let source = RpslSource {
                    name: self.name.clone(),
                    line: first + i,
                };
                match arin_summary_line(&decode(l), source) {
                    Some(n) => nets.push(n),
                    None => {
                        nets.clear();
                        break;
                    }
                }
            }
            if !nets.is_empty() {
                self.flush_arin();
                for n in nets {
                    self.emit(RpslObject::Network(n));
                }
                return;
            }
        }
        let raw = match parse_rpsl_object(&self.name, first, bytes) {
            Ok(raw) => raw,
            Err(e) => {
                self.error(e);
                return;
            }
        };
        let source = RpslSource {
            name: self.name.clone(),
            line: raw.line,
        };
        match convert(&raw, source) {
            Ok(Converted::Object(o)) => {
                let is_arin = match &o {
                    RpslObject::Network(n) => n.kind == super::object::NetworkKind::ArinNet,
                    RpslObject::Organisation(org) => {
                        org.source_db.as_deref() == Some("ARIN") && org.mnt_by.is_empty()
                    }
                    _ => false,
                };
                if is_arin {
                    if matches!(o, RpslObject::Network(_)) {
                        self.flush_arin();
                    }
                    self.arin.push(o);
                } else {
                    self.flush_arin();
                    self.emit(o);
                }
            }
            Ok(Converted::ArinPoc {
                org,
                contact,
                abuse,
            }) => self.merge_poc(org, contact, abuse),
            Ok(Converted::Skipped(class)) => {
                self.flush_arin();
                self.skipped(class);
            }
            Err(e) => self.error(e),
        }
    }

    /// Attaches an ARIN POC block to the organisation (or network) before it.
    fn merge_poc(&mut self, org: bool, contact: super::object::RpslContact, abuse: bool) {
        let target = self.arin.iter_mut().rev().find(|o| match o {
            RpslObject::Organisation(_) => org,
            RpslObject::Network(_) => !org,
            _ => false,
        });
        match target {
            Some(RpslObject::Organisation(o)) => {
                if abuse {
                    o.abuse_c = o.abuse_c.take().or_else(|| Some(contact.nic_hdl.clone()));
                    o.abuse_mailbox = o.abuse_mailbox.take().or(contact.abuse_mailbox);
                } else {
                    for e in contact.emails {
                        if !o.emails.contains(&e) {
                            o.emails.push(e);
                        }
                    }
                }
            }
            Some(RpslObject::Network(n)) => {
                if abuse {
                    n.abuse_c.push(contact.nic_hdl.clone());
                    n.abuse_mailbox = n.abuse_mailbox.take().or(contact.abuse_mailbox);
                } else {
                    for e in contact.emails {
                        if !n.emails.contains(&e) {
                            n.emails.push(e);
                        }
                    }
                }
            }
            _ => {
                self.flush_arin();
                self.emit(RpslObject::Contact(contact));
            }
        }
    }
}

impl<R: BufRead> Iterator for RpslReader<R> {
    type Item = Result<RpslObject, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.out.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            let mark = self.buf.len();
            match self.read_line() {
                Ok(Some(len)) => self.process_line(mark, len),
                Ok(None) => {
                    self.finish_object();
                    self.flush_arin();
                    self.done = true;
                }
                Err(error) => {
                    self.buf.truncate(mark);
                    self.finish_object();
                    self.flush_arin();
                    let e = Error::new(
                        self.name.to_string(),
                        self.line + 1,
                        ErrorKind::RpslRead { error },
                    );
                    self.error(e);
                    self.done = true;
                }
            }
        }
    }
}

/// RIPE's `% Abuse contact for 'RANGE' is 'ADDR'` and `% No abuse contact registered for 'RANGE'`.
fn abuse_comment(line: &[u8], source: RpslSource) -> Option<AbuseComment> {
    let text = decode(line);
    let text = text.trim_start_matches('%').trim();
    let quoted = |s: &str| -> Option<(String, usize)> {
        let a = s.find('\'')?;
        let b = a + 1 + s.get(a + 1..)?.find('\'')?;
        Some((s.get(a + 1..b)?.to_owned(), b + 1))
    };
    if let Some(rest) = text.strip_prefix("Abuse contact for ") {
        let (range, used) = quoted(rest)?;
        let range = IpRange::parse(&range)?;
        let (addr, _) = quoted(rest.get(used..)?)?;
        return Some(AbuseComment {
            range,
            mailbox: normalise_mailbox(&addr),
            source,
        });
    }
    if let Some(rest) = text.strip_prefix("No abuse contact registered for ") {
        let range = match quoted(rest) {
            Some((r, _)) => r,
            None => rest.trim().to_owned(),
        };
        return Some(AbuseComment {
            range: IpRange::parse(&range)?,
            mailbox: None,
            source,
        });
    }
    None
}
