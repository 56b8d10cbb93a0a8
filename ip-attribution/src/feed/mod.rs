//! Scanner feeds → [`Finding`]s.
//!
//! Documented on [`read_feed`].

pub(crate) mod csv;
pub(crate) mod intelmq;
pub(crate) mod shadowserver;
pub(crate) mod stream;

pub use csv::Pull;
pub use stream::{FEED_READ_STEP, FeedReader, Findings};

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::{Error, ErrorKind};

/// Most tags kept per finding.
pub const MAX_TAGS: usize = 32;
/// Most bytes of one kept text value (hostname, tag, extra field); longer values are cut.
pub const MAX_VALUE_BYTES: usize = 1024;

/// One observation from a feed: an address seen doing something on a day.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Finding {
    /// File name of the feed (no directories).
    pub feed: Arc<str>,
    /// 1-based physical line of the row (header is line 1 in CSV).
    pub line: usize,
    /// Report type: `scan_rdp`, `device_id`, … (from the file name or the IntelMQ event).
    pub report_type: Arc<str>,
    /// The address, when the row holds a valid one.
    pub ip: Option<IpAddr>,
    /// The address text as written (kept for malformed rows).
    pub ip_text: Option<String>,
    /// Port, when given.
    pub port: Option<u16>,
    /// Transport protocol (`tcp`, `udp`), when given.
    pub protocol: Option<String>,
    /// When the scanner saw it.
    pub observed: Option<DateTime<Utc>>,
    /// Hostname as reported by the feed (a hint only: never evidence of ownership).
    pub hostname: Option<String>,
    /// Tags (`tag` column split on `,` and `;`; IntelMQ `classification.identifier`).
    pub tags: Vec<String>,
    /// Classification (Shadowserver `category`/`infection`, IntelMQ `classification.type`).
    pub classification: Option<String>,
    /// IntelMQ `classification.taxonomy` and `classification.identifier` (`None` for CSV
    /// reports and events without either): what notices map the event by. Boxed, because a
    /// day holds a million findings and most come from CSV reports (48 bytes less each).
    pub intelmq: Option<Box<IntelMqClass>>,
    /// Why the row cannot be used (`None` for a usable row).
    pub problem: Option<Problem>,
}

/// The parts of an IntelMQ event's classification that notices map it by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct IntelMqClass {
    /// `classification.taxonomy`, e.g. `vulnerable`.
    pub taxonomy: Option<String>,
    /// `classification.identifier`, e.g. `accessible-rdp`.
    pub identifier: Option<String>,
}

/// What is wrong with one feed row.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// Human-readable description.
    pub message: String,
}

impl Finding {
    /// A finding with only its position and report type filled in.
    pub fn new(feed: Arc<str>, line: usize, report_type: Arc<str>) -> Self {
        Self {
            feed,
            line,
            report_type,
            ip: None,
            ip_text: None,
            port: None,
            protocol: None,
            observed: None,
            hostname: None,
            tags: Vec::new(),
            classification: None,
            intelmq: None,
            problem: None,
        }
    }

    /// True when the row can be decided on (it has an address and no problem).
    pub fn is_usable(&self) -> bool {
        self.problem.is_none() && self.ip.is_some()
    }

    /// The row's problem as this crate's error, carrying file and line.
    pub fn error(&self) -> Option<Error> {
        self.problem.as_ref().map(|p| {
            Error::new(
                self.feed.to_string(),
                self.line,
                ErrorKind::MalformedRow {
                    message: p.message.clone(),
                },
            )
        })
    }

    fn fail(&mut self, message: impl Into<String>) {
        if self.problem.is_none() {
            self.problem = Some(Problem {
                message: message.into(),
            });
        }
    }
}

/// Feed formats this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FeedFormat {
    /// Shadowserver CSV report.
    ShadowserverCsv,
    /// IntelMQ events, one JSON object per line.
    IntelMqJsonLines,
}

/// Recognises the format from the content: a first non-blank byte `{` means JSON lines.
pub fn detect_feed_format(bytes: &[u8]) -> FeedFormat {
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => FeedFormat::IntelMqJsonLines,
        _ => FeedFormat::ShadowserverCsv,
    }
}

/// Reads a whole feed file. `name` is the file name (its directories are dropped); it gives the
/// report type of CSV reports. Fails only when the file as a whole is unusable (a CSV without an
/// address column); bad rows become findings with a [`Problem`]. This is [`FeedReader`] over
/// bytes held whole: [`read_feed_from`] gives the same findings reading a file in chunks.
///
/// Two formats, recognised from the content: Shadowserver CSV reports ([`read_shadowserver`](crate::read_shadowserver): header row
/// names the columns, order not fixed) and IntelMQ events as JSON lines
/// ([`read_intelmq`](crate::read_intelmq)). Every data
/// row becomes exactly one [`Finding`]; a row that cannot be used becomes a finding whose
/// [`Finding::problem`] says what is wrong and where (file and line), so the batch still yields one
/// decision per row.
///
/// A feed is read whole ([`read_feed`]) or in chunks ([`read_feed_from`] over any [`std::io::Read`], or
/// the sans-IO [`FeedReader`]): the same findings either way, the chunked reading holding at
/// most one record's caps plus a chunk.
///
/// ```
/// use ip_attribution::read_feed;
/// let csv = b"\"timestamp\",\"ip\",\"port\",\"tag\"\n\"2026-11-22 00:00:01\",\"192.0.2.10\",3389,\"rdp;vpn\"\n";
/// let findings = read_feed("2026-11-22-scan_rdp-world.csv", csv).unwrap();
/// assert_eq!(findings.len(), 1);
/// assert_eq!(&*findings[0].report_type, "scan_rdp");
/// assert_eq!(findings[0].tags, ["rdp", "vpn"]);
/// ```
pub fn read_feed(name: &str, bytes: &[u8]) -> Result<Vec<Finding>, Error> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    FeedReader::whole_as(Arc::from(base), bytes, None).collect()
}

/// Reads the feed file named `name` from `source` in reads of `step` bytes ([`FEED_READ_STEP`] is a
/// good size): the findings of [`read_feed`] over the whole bytes, one at a time, holding at most
/// one record's caps plus `step` bytes of the file (see [`FeedReader`]).
///
/// ```
/// use ip_attribution::{read_feed, read_feed_from};
/// let csv = &b"ip,port\n192.0.2.1,443\n\"192.0.2.2\",80\n"[..];
/// let rows: Vec<_> = read_feed_from("scan_rdp.csv", csv, 4).collect::<Result<_, _>>().unwrap();
/// assert_eq!(rows, read_feed("scan_rdp.csv", csv).unwrap());
/// ```
pub fn read_feed_from<R: std::io::Read>(name: &str, source: R, step: usize) -> Findings<R> {
    Findings::new(name, source, step)
}

/// Report type from a feed file name: `2026-11-22-scan_rdp-world.csv` and `scan_rdp.csv` both give
/// `scan_rdp`.
pub(crate) fn report_type_from_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = base.split('.').next().unwrap_or(base);
    let mut rest = stem;
    // Strip a leading YYYY-MM-DD- date.
    let b = rest.as_bytes();
    if b.len() >= 11
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.get(10) == Some(&b'-')
        && b.iter().take(4).all(u8::is_ascii_digit)
    {
        rest = rest.get(11..).unwrap_or(rest);
    }
    let kind = rest.split('-').next().unwrap_or(rest);
    if kind.is_empty() {
        "unknown".to_owned()
    } else {
        kind.to_ascii_lowercase()
    }
}

/// Cuts `s` to at most [`MAX_VALUE_BYTES`] on a character boundary.
pub(crate) fn capped(s: &str) -> String {
    if s.len() <= MAX_VALUE_BYTES {
        return s.to_owned();
    }
    let mut end = MAX_VALUE_BYTES;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default().to_owned()
}

/// Splits a tag list on `,` and `;`, trimming and dropping empty entries, at most [`MAX_TAGS`].
pub(crate) fn split_tags(s: &str) -> Vec<String> {
    s.split([',', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .take(MAX_TAGS)
        .map(capped)
        .collect()
}

/// Parses an address as feeds write it (surrounding blanks and `[...]` allowed).
pub(crate) fn parse_ip(s: &str) -> Option<IpAddr> {
    let t = s.trim().trim_start_matches('[').trim_end_matches(']');
    t.parse().ok()
}

/// Parses a feed timestamp: RFC 3339, `YYYY-MM-DD HH:MM:SS[.fff]` (UTC), optional `Z`/`+00`
/// suffix, or Unix seconds.
pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let t = s.trim();
    if let Some(d) = parse_plain_utc(t) {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    let naive = t
        .trim_end_matches('Z')
        .trim_end_matches("+00:00")
        .trim_end_matches("+00");
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(naive, fmt) {
            return Some(n.and_utc());
        }
    }
    if !t.is_empty() && t.len() <= 12 && t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse::<i64>()
            .ok()
            .and_then(|secs| DateTime::from_timestamp(secs, 0));
    }
    None
}

/// The common case of [`parse_time`] without chrono's format parsing: exactly
/// `YYYY-MM-DD HH:MM:SS` (or with `T`), optionally followed by `Z`, `+00:00` or `+00`, a UTC
/// time every other branch would read the same way. `None` for anything else (a fraction, an
/// offset, a leap second, a date that does not exist), which the general branches then read.
fn parse_plain_utc(t: &str) -> Option<DateTime<Utc>> {
    let b = t.as_bytes();
    let rest = b.get(19..)?;
    if !matches!(rest, b"" | b"Z" | b"+00:00" | b"+00") {
        return None;
    }
    let num = |from: usize, len: usize| -> Option<u32> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let punct = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if punct.iter().any(|&(i, c)| b.get(i) != Some(&c)) || !matches!(b.get(10), Some(b' ' | b'T')) {
        return None;
    }
    let year = i32::try_from(num(0, 4)?).ok()?;
    let date = chrono::NaiveDate::from_ymd_opt(year, num(5, 2)?, num(8, 2)?)?;
    let time = date.and_hms_opt(num(11, 2)?, num(14, 2)?, num(17, 2)?)?;
    Some(time.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The general branches of [`parse_time`] (chrono's RFC 3339 and format parsers): the
    /// oracle the fast path is held against.
    fn general(t: &str) -> Option<DateTime<Utc>> {
        if let Ok(d) = DateTime::parse_from_rfc3339(t) {
            return Some(d.with_timezone(&Utc));
        }
        let naive = t
            .trim_end_matches('Z')
            .trim_end_matches("+00:00")
            .trim_end_matches("+00");
        ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(naive, f).ok())
            .map(|n| n.and_utc())
    }

    /// The same time as chrono's general branches of [`parse_time`], for every string the fast
    /// path takes, and the fast path does not take what it must leave to them.
    #[test]
    fn plain_utc_times_read_as_the_general_parsers_read_them() {
        let mut cases = vec![
            "2026-11-22 16:44:17".to_owned(),
            "2026-11-22T16:44:17Z".to_owned(),
            "2024-02-29 23:59:59+00:00".to_owned(),
            "0000-01-01 00:00:00+00".to_owned(),
            "9999-12-31T23:59:59".to_owned(),
        ];
        for bad in [
            "2023-02-29 00:00:00",
            "2026-13-01 00:00:00",
            "2026-11-22 24:00:00",
            "2026-11-22 23:60:00",
            "2026-11-22 23:59:60",
            "2026-11-22 1:02:03 ",
            "2026-11-22 16:44:17.5",
            "2026-11-22 16:44:17+01:00",
            "2026-11-22 16:44:17 Z",
            "2026-11-22_16:44:17",
            "+026-11-22 16:44:17",
            "2026-11-2x 16:44:17",
        ] {
            cases.push(bad.to_owned());
        }
        for t in &cases {
            if let Some(fast) = parse_plain_utc(t) {
                assert_eq!(Some(fast), general(t), "{t}");
            }
            assert_eq!(parse_time(t), parse_time(&format!(" {t} ")), "{t}");
        }
        assert!(parse_plain_utc("2026-11-22 16:44:17").is_some());
        assert!(parse_plain_utc("2026-11-22 23:59:60").is_none());
        assert!(parse_plain_utc("2026-11-22 16:44:17.5").is_none());
        assert!(parse_plain_utc("2026-11-22 16:44:17+01:00").is_none());
    }

    proptest::proptest! {
        /// Any string of the fast path's shape (digits anywhere, separators as given) reads as
        /// the general parsers read it.
        #[test]
        fn plain_utc_agrees_with_chrono(
            digits in proptest::collection::vec(0u8..10, 14),
            sep in proptest::sample::select(vec![" ", "T"]),
            zone in proptest::sample::select(vec!["", "Z", "+00:00", "+00"]),
        ) {
            let d: Vec<char> = digits.iter().map(|x| char::from(b'0' + x)).collect();
            let s: String = format!(
                "{}{}{}{}-{}{}-{}{}{sep}{}{}:{}{}:{}{}{zone}",
                d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12],
                d[13]
            );
            let want = general(&s);
            if let Some(fast) = parse_plain_utc(&s) {
                proptest::prop_assert_eq!(Some(fast), want);
            } else {
                // only a leap second or a date/time that does not exist is left to the rest
                proptest::prop_assert!(want.is_none() || s.get(17..19) == Some("60"), "{}", s);
            }
        }
    }

    #[test]
    fn report_types() {
        assert_eq!(
            report_type_from_name("2026-11-22-scan_rdp-world.csv"),
            "scan_rdp"
        );
        assert_eq!(report_type_from_name("scan6_rdp.csv"), "scan6_rdp");
        assert_eq!(
            report_type_from_name("/x/y/2026-11-22-scan_smb.csv"),
            "scan_smb"
        );
        assert_eq!(report_type_from_name("2026-11-22-.csv"), "unknown");
    }

    #[test]
    fn tags_and_times() {
        assert_eq!(split_tags("a, b;c;;"), ["a", "b", "c"]);
        assert_eq!(split_tags(&"x;".repeat(100)).len(), MAX_TAGS);
        assert!(parse_time("2026-11-22 00:40:12").is_some());
        assert!(parse_time("2026-11-22T00:09:27+00:00").is_some());
        assert!(parse_time("1795216093").is_some());
        assert!(parse_time("yesterday").is_none());
    }

    #[test]
    fn capped_respects_char_boundaries() {
        let s = "é".repeat(MAX_VALUE_BYTES);
        let c = capped(&s);
        assert!(c.len() <= MAX_VALUE_BYTES);
        assert_eq!(capped("short"), "short");
    }
}
