//! The records the lifecycle keeps: notices with the findings they cover, bounces and
//! acknowledgements. Times are UTC; the store keeps them to the second.

use chrono::{DateTime, Utc};

/// Delivery status of a queued notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// Queued, not yet accepted by a server.
    Pending,
    /// Accepted by the SMTP server.
    Sent,
    /// Refused for good (5xx at RCPT or DATA).
    Failed,
}

impl Status {
    /// `pending`, `sent` or `failed`, as the store writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    /// The status for [`Self::as_str`]'s text.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "sent" => Some(Self::Sent),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// One finding a notice covers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CoveredFinding {
    /// Feed file name.
    pub feed: String,
    /// Line in the feed (1-based).
    pub line: u64,
    /// The IP address, as text.
    pub ip: String,
    /// Port, when the feed gives one.
    pub port: Option<u16>,
    /// Report type (e.g. `scan_rdp`).
    pub report_type: String,
    /// Catalogue entry id (e.g. `exposed-rdp`).
    pub entry: String,
}

impl CoveredFinding {
    /// A covered finding.
    pub fn new(
        feed: impl Into<String>,
        line: u64,
        ip: impl Into<String>,
        port: Option<u16>,
        report_type: impl Into<String>,
        entry: impl Into<String>,
    ) -> Self {
        Self {
            feed: feed.into(),
            line,
            ip: ip.into(),
            port,
            report_type: report_type.into(),
            entry: entry.into(),
        }
    }
}

/// A notice to queue as `pending`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewNotice {
    /// Ticket, unique across all days.
    pub ticket: String,
    /// Recipient address (envelope and `To:`).
    pub recipient: String,
    /// The day it was queued (the run's `now`).
    pub day: DateTime<Utc>,
    /// The `Message-ID` of the message, without angle brackets, when it has one.
    pub message_id: Option<String>,
    /// The complete RFC 5322 message.
    pub message: Vec<u8>,
    /// Where the message was also written (e.g. `OUT/notices/x.eml`), if anywhere.
    pub path: Option<String>,
    /// The findings it covers.
    pub findings: Vec<CoveredFinding>,
}

impl NewNotice {
    /// A notice to queue.
    pub fn new(
        ticket: impl Into<String>,
        recipient: impl Into<String>,
        day: DateTime<Utc>,
        message: Vec<u8>,
        findings: Vec<CoveredFinding>,
    ) -> Self {
        let message_id = message_id_of(&message);
        Self {
            ticket: ticket.into(),
            recipient: recipient.into(),
            day,
            message_id,
            message,
            path: None,
            findings,
        }
    }

    /// Sets where the message was written.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }
}

/// The `Message-ID` header's value of an RFC 5322 message (angle brackets removed), read from
/// the header block only.
pub(crate) fn message_id_of(message: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(message);
    let mut lines = text
        .split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .peekable();
    while let Some(line) = lines.next() {
        if line.is_empty() {
            return None;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("message-id") {
            let mut v = value.to_string();
            while let Some(next) = lines.peek() {
                if next.starts_with([' ', '\t']) {
                    v.push_str(next);
                    lines.next();
                } else {
                    break;
                }
            }
            let v = v
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .trim();
            return (!v.is_empty()).then(|| v.to_string());
        }
    }
    None
}

/// A notice as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredNotice {
    /// Ticket.
    pub ticket: String,
    /// Recipient address.
    pub recipient: String,
    /// The day it was queued.
    pub day: DateTime<Utc>,
    /// `Message-ID` without angle brackets.
    pub message_id: Option<String>,
    /// The message.
    pub message: Vec<u8>,
    /// Delivery status.
    pub status: Status,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// The server's reply (sent) or the last failure's reason (pending, failed).
    pub reason: Option<String>,
    /// When it was accepted (sent) or last tried.
    pub last_attempt: Option<DateTime<Utc>>,
}

/// A notice of an earlier day that covered a (ip, entry) to a recipient: what the repeat rule
/// looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PastNotice {
    /// The IP address.
    pub ip: String,
    /// Catalogue entry id.
    pub entry: String,
    /// The recipient it went (or goes) to.
    pub recipient: String,
    /// Its ticket.
    pub ticket: String,
    /// The day it was queued.
    pub day: DateTime<Utc>,
    /// Its delivery status now.
    pub status: Status,
}

impl PastNotice {
    /// A past notice.
    pub fn new(
        ip: impl Into<String>,
        entry: impl Into<String>,
        recipient: impl Into<String>,
        ticket: impl Into<String>,
        day: DateTime<Utc>,
        status: Status,
    ) -> Self {
        Self {
            ip: ip.into(),
            entry: entry.into(),
            recipient: recipient.into(),
            ticket: ticket.into(),
            day,
            status,
        }
    }
}

/// An address that hard-bounced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HardBounce {
    /// The address (as the DSN or the SMTP refusal named it).
    pub address: String,
    /// When we learnt it.
    pub at: DateTime<Utc>,
    /// The status code (e.g. `5.1.1`, or the SMTP reply code `550`).
    pub status: String,
    /// The ticket of the notice it was about, when known.
    pub ticket: Option<String>,
}

impl HardBounce {
    /// A hard bounce.
    pub fn new(
        address: impl Into<String>,
        at: DateTime<Utc>,
        status: impl Into<String>,
        ticket: Option<String>,
    ) -> Self {
        Self {
            address: address.into(),
            at,
            status: status.into(),
            ticket,
        }
    }
}

/// A bounce to record: hard (the address is routed around from now on) or soft (counted).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BounceRecord {
    /// The bounce.
    pub bounce: HardBounce,
    /// Hard (true) or soft (false).
    pub hard: bool,
    /// Where it came from (a DSN file, `smtp`).
    pub source: String,
}

impl BounceRecord {
    /// A hard bounce record.
    pub fn hard(bounce: HardBounce, source: impl Into<String>) -> Self {
        Self {
            bounce,
            hard: true,
            source: source.into(),
        }
    }

    /// A soft bounce record (counted, nothing more).
    pub fn soft(bounce: HardBounce, source: impl Into<String>) -> Self {
        Self {
            bounce,
            hard: false,
            source: source.into(),
        }
    }
}

/// "Open on purpose": findings of `entry` on addresses in `prefix` are not notified until
/// `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Acknowledgement {
    /// Its id in the store (0 before it is stored).
    pub id: i64,
    /// An IP address or prefix (`192.0.2.10`, `192.0.2.0/24`, `2001:db8::/32`).
    pub prefix: String,
    /// Catalogue entry id (e.g. `exposed-rdp`).
    pub entry: String,
    /// In force until (exclusive).
    pub until: DateTime<Utc>,
    /// Why (free text).
    pub note: String,
    /// When it was recorded.
    pub created: DateTime<Utc>,
}

impl Acknowledgement {
    /// An acknowledgement (id 0, to be stored).
    pub fn new(
        prefix: impl Into<String>,
        entry: impl Into<String>,
        until: DateTime<Utc>,
        note: impl Into<String>,
        created: DateTime<Utc>,
    ) -> Self {
        Self {
            id: 0,
            prefix: prefix.into(),
            entry: entry.into(),
            until,
            note: note.into(),
            created,
        }
    }

    /// True when it is in force at `now` and covers `ip` and `entry`.
    pub fn covers(&self, ip: &str, entry: &str, now: DateTime<Utc>) -> bool {
        now < self.until
            && self.entry == entry
            && super::prefix::Prefix::parse(&self.prefix).is_some_and(|p| p.contains_text(ip))
    }
}
