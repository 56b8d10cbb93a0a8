//! Shadowserver CSV reports, read by header name.
//!
//! Column order is not fixed: the address is `ip` (or `src_ip` in event reports), the port `port`
//! (`src_port`), the hostname `hostname` (`src_hostname`), tags `tag` (split on `,` and `;`), the
//! time `timestamp`. The report type comes from the file name. Records are read by
//! [`super::csv::Records`]: a quoted field may span lines (RFC 4180), within the caps and the
//! resynchronisation rules documented there, so every record is exactly one finding. A row whose field count differs from
//! the header's, whose address is missing or invalid, or whose port/time cannot be read becomes a
//! finding with a [`Problem`](super::Problem).

use std::sync::Arc;

use super::csv::CsvRecord;
use super::{Finding, capped, parse_ip, parse_time, split_tags};
use crate::{Error, ErrorKind};

/// Header names that hold the address, in order of preference.
pub(crate) const IP_COLUMNS: &[&str] = &["ip", "src_ip", "source_ip", "ip_address"];
const PORT_COLUMNS: &[&str] = &["port", "src_port", "source_port"];
const HOST_COLUMNS: &[&str] = &["hostname", "src_hostname", "reverse_dns"];
const CLASS_COLUMNS: &[&str] = &["category", "infection", "type"];

fn column(header: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| header.iter().position(|h| h.trim().eq_ignore_ascii_case(n)))
}

fn non_empty(v: Option<&String>) -> Option<&str> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Reads a Shadowserver CSV report named `feed` (held whole; [`super::FeedReader`] reads one
/// in chunks, with the same results).
///
/// Fails when the header row is unreadable or names no address column.
pub fn read_shadowserver(feed: Arc<str>, bytes: &[u8]) -> Result<Vec<Finding>, Error> {
    super::FeedReader::whole_as(feed, bytes, Some(super::FeedFormat::ShadowserverCsv)).collect()
}

/// The columns of a report, found by header name.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    width: usize,
    ip: usize,
    port: Option<usize>,
    host: Option<usize>,
    tag: Option<usize>,
    time: Option<usize>,
    proto: Option<usize>,
    class: Option<usize>,
}

impl Columns {
    /// The columns named by the header record `head` of feed `feed`.
    pub(crate) fn from_header(feed: &str, head: CsvRecord) -> Result<Self, Error> {
        let header = head.fields.map_err(|e| {
            Error::new(
                feed.to_owned(),
                head.line,
                ErrorKind::Input {
                    message: format!("unreadable header row: {e}"),
                },
            )
        })?;
        let ip = column(&header, IP_COLUMNS).ok_or_else(|| {
            Error::new(
                feed.to_owned(),
                head.line,
                ErrorKind::Input {
                    message: NO_ADDRESS_COLUMN.to_owned(),
                },
            )
        })?;
        Ok(Self {
            width: header.len(),
            ip,
            port: column(&header, PORT_COLUMNS),
            host: column(&header, HOST_COLUMNS),
            tag: column(&header, &["tag", "tags"]),
            time: column(&header, &["timestamp", "time"]),
            proto: column(&header, &["protocol", "transport"]),
            class: column(&header, CLASS_COLUMNS),
        })
    }

    /// The header's number of fields.
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// The finding of data record `rec`.
    pub(crate) fn finding(
        &self,
        feed: &Arc<str>,
        report_type: &Arc<str>,
        rec: CsvRecord,
    ) -> Finding {
        let mut f = Finding::new(feed.clone(), rec.line, report_type.clone());
        let fields = match rec.fields {
            Ok(fields) => fields,
            Err(e) => {
                f.fail(e.to_string());
                return f;
            }
        };
        if fields.len() != self.width {
            f.fail(format!(
                "row has {} fields, header has {}",
                fields.len(),
                self.width
            ));
        }
        let get = |c: Option<usize>| c.and_then(|c| non_empty(fields.get(c)));
        match get(Some(self.ip)) {
            Some(text) => {
                f.ip_text = Some(capped(text));
                f.ip = parse_ip(text);
                if f.ip.is_none() {
                    f.fail(format!("invalid address {:?}", capped(text)));
                }
            }
            None => f.fail("no address"),
        }
        if let Some(p) = get(self.port) {
            match p.parse::<u16>() {
                Ok(p) => f.port = Some(p),
                Err(_) => f.fail(format!("invalid port {:?}", capped(p))),
            }
        }
        if let Some(t) = get(self.time) {
            match parse_time(t) {
                Some(t) => f.observed = Some(t),
                None => f.fail(format!("invalid timestamp {:?}", capped(t))),
            }
        }
        f.hostname = get(self.host).map(capped);
        f.protocol = get(self.proto).map(capped);
        f.classification = get(self.class).map(capped);
        f.tags = get(self.tag).map(split_tags).unwrap_or_default();
        f
    }
}

/// The message of a header row without an address column.
pub(crate) const NO_ADDRESS_COLUMN: &str = "header row names no address column (ip, src_ip)";

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<Finding> {
        read_shadowserver(
            Arc::from("2026-11-22-event4_sinkhole-x.csv"),
            text.as_bytes(),
        )
        .unwrap_or_default()
    }

    #[test]
    fn columns_by_name_in_any_order() {
        let f = run(
            "\"src_port\",\"tag\",\"src_ip\",\"timestamp\"\n80,\"a;b\",\"2001:db8::1\",\"2026-11-22 01:02:03\"\n",
        );
        assert_eq!(f.len(), 1);
        assert!(f[0].is_usable());
        assert_eq!(f[0].port, Some(80));
        assert_eq!(f[0].ip, "2001:db8::1".parse().ok());
        assert_eq!(&*f[0].report_type, "event4_sinkhole");
    }

    #[test]
    fn malformed_rows_keep_their_line() {
        let f = run("ip,port\n192.0.2.1,1\n192.0.2.300,2\n,3\n192.0.2.2\n192.0.2.3,x\n\"open");
        assert_eq!(f.len(), 6);
        assert!(f[0].is_usable());
        let lines: Vec<usize> = f
            .iter()
            .filter(|x| !x.is_usable())
            .map(|x| x.line)
            .collect();
        assert_eq!(lines, [3, 4, 5, 6, 7]);
        assert_eq!(f[1].ip_text.as_deref(), Some("192.0.2.300"));
        let e = f[1].error().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("2026-11-22-event4_sinkhole-x.csv:3:"), "{e}");
    }

    #[test]
    fn header_without_address_is_an_error() {
        assert!(read_shadowserver(Arc::from("x.csv"), b"a,b\n1,2\n").is_err());
        assert!(read_shadowserver(Arc::from("x.csv"), b"").is_ok_and(|v| v.is_empty()));
    }
}
