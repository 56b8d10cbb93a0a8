//! The history policy: given a day's findings with their ranked recipients and what the
//! history says about them, decide per finding whether a notice is queued, is a repeat, is
//! acknowledged or has nobody to go to, and whom it goes to after routing around bounced
//! addresses. Records in, records out: no clock, no store.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::records::{Acknowledgement, HardBounce, PastNotice, Status};

/// What happens to a finding today: the `notice` field of its decision line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum NoticeValue {
    /// A new notice carries it.
    Queued,
    /// The same recipient was told about the same (ip, entry) within the repeat window.
    Repeat,
    /// An acknowledgement in force covers it.
    Acknowledged,
    /// Nobody to send to.
    None,
}

impl NoticeValue {
    /// `queued`, `repeat`, `acknowledged` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Repeat => "repeat",
            Self::Acknowledged => "acknowledged",
            Self::None => "none",
        }
    }
}

/// One finding of the day as the policy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DayFinding {
    /// The IP address, as text.
    pub ip: String,
    /// Catalogue entry id.
    pub entry: String,
    /// The ranked recipients' addresses, best first (`recipients[0]` of the decision first;
    /// the network owner's abuse address last when the decision lists it).
    pub recipients: Vec<String>,
}

impl DayFinding {
    /// A day finding.
    pub fn new<I, S>(ip: impl Into<String>, entry: impl Into<String>, recipients: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            ip: ip.into(),
            entry: entry.into(),
            recipients: recipients.into_iter().map(Into::into).collect(),
        }
    }
}

/// The policy's options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyOptions {
    /// A (ip, entry) told to the same recipient less than this before `now` is not told
    /// again (default 7 days).
    pub repeat_after: TimeDelta,
}

impl Default for PolicyOptions {
    fn default() -> Self {
        Self {
            repeat_after: TimeDelta::days(7),
        }
    }
}

impl PolicyOptions {
    /// Sets the repeat window.
    pub fn with_repeat_after(mut self, repeat_after: TimeDelta) -> Self {
        self.repeat_after = repeat_after;
        self
    }
}

/// The policy's answer for one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HistoryDecision {
    /// Queued, repeat, acknowledged or none.
    pub notice: NoticeValue,
    /// The effective recipient (after routing around bounced addresses), when there is one.
    pub recipient: Option<String>,
    /// Its position in the finding's ranked recipients.
    pub recipient_rank: Option<usize>,
    /// For a repeat: the ticket of the notice that carried it before.
    pub ticket: Option<String>,
    /// The bounced addresses routed around, in rank order.
    pub bounced: Vec<HardBounce>,
    /// For an acknowledgement: the one that holds.
    pub acknowledgement: Option<Acknowledgement>,
    /// Why, in words (empty when queued to the first recipient).
    pub reason: String,
}

impl HistoryDecision {
    /// True when the recipient is not the first ranked one (a bounced address was skipped).
    pub fn rerouted(&self) -> bool {
        !self.bounced.is_empty()
    }
}

/// The history one day's decisions need, indexed: recent notices per (ip, entry),
/// acknowledgements in force, hard-bounced addresses (lower-cased).
#[derive(Debug, Default, Clone)]
pub struct History {
    recent: HashMap<(String, String), Vec<PastNotice>>,
    acknowledgements: Vec<Acknowledgement>,
    bounced: HashMap<String, HardBounce>,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds earlier notices (any order; failed ones never count as told).
    pub fn with_notices(mut self, notices: impl IntoIterator<Item = PastNotice>) -> Self {
        for n in notices {
            self.recent
                .entry((n.ip.clone(), n.entry.clone()))
                .or_default()
                .push(n);
        }
        self
    }

    /// Adds acknowledgements.
    pub fn with_acknowledgements(
        mut self,
        acks: impl IntoIterator<Item = Acknowledgement>,
    ) -> Self {
        self.acknowledgements.extend(acks);
        self
    }

    /// Adds hard bounces (the earliest per address is kept).
    pub fn with_bounces(mut self, bounces: impl IntoIterator<Item = HardBounce>) -> Self {
        for b in bounces {
            let key = b.address.trim().to_ascii_lowercase();
            match self.bounced.get(&key) {
                Some(old) if old.at <= b.at => {}
                _ => {
                    self.bounced.insert(key, b);
                }
            }
        }
        self
    }

    /// The hard bounce of `address`, if it bounced.
    pub fn bounce(&self, address: &str) -> Option<&HardBounce> {
        self.bounced.get(&address.trim().to_ascii_lowercase())
    }
}

/// Decides one finding of the day, given its ranked recipients and what the history says about
/// it: whether a notice is queued, is a repeat, is acknowledged or has nobody to go to, and whom
/// it goes to after routing around bounced addresses. Records in, records out: no clock (`now`
/// is given), no store. The order: an acknowledgement in force
/// wins; then bounced addresses are routed around (nothing left: `none`); then a notice of the
/// same (ip, entry) to the same recipient, pending or sent, less than
/// [`PolicyOptions::repeat_after`] before `now` makes it a repeat; else it is queued.
pub fn decide(
    finding: &DayFinding,
    history: &History,
    now: DateTime<Utc>,
    options: &PolicyOptions,
) -> HistoryDecision {
    let mut out = HistoryDecision {
        notice: NoticeValue::None,
        recipient: None,
        recipient_rank: None,
        ticket: None,
        bounced: Vec::new(),
        acknowledgement: None,
        reason: String::new(),
    };
    if let Some(ack) = history
        .acknowledgements
        .iter()
        .find(|a| a.covers(&finding.ip, &finding.entry, now))
    {
        out.notice = NoticeValue::Acknowledged;
        out.reason = format!(
            "acknowledged: {} on {} until {}{}",
            ack.entry,
            ack.prefix,
            ack.until.format("%Y-%m-%dT%H:%M:%SZ"),
            if ack.note.is_empty() {
                String::new()
            } else {
                format!(" ({})", ack.note)
            }
        );
        out.acknowledgement = Some(ack.clone());
        return out;
    }
    let mut chosen = None;
    for (rank, address) in finding.recipients.iter().enumerate() {
        match history.bounce(address) {
            Some(b) => out.bounced.push(b.clone()),
            None => {
                chosen = Some((rank, address.clone()));
                break;
            }
        }
    }
    let bounced_text = out
        .bounced
        .iter()
        .map(|b| {
            format!(
                "{} hard-bounced on {} ({})",
                b.address,
                b.at.format("%Y-%m-%dT%H:%M:%SZ"),
                b.status
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let Some((rank, recipient)) = chosen else {
        out.reason = if finding.recipients.is_empty() {
            "no recipient".to_string()
        } else {
            format!("every recipient is undeliverable: {bounced_text}")
        };
        return out;
    };
    let key = recipient.trim().to_ascii_lowercase();
    let since = now - options.repeat_after;
    let earlier = history
        .recent
        .get(&(finding.ip.clone(), finding.entry.clone()))
        .into_iter()
        .flatten()
        .filter(|n| {
            n.status != Status::Failed
                && n.day > since
                && n.day <= now
                && n.recipient.trim().eq_ignore_ascii_case(&key)
        })
        .max_by(|a, b| a.day.cmp(&b.day).then_with(|| a.ticket.cmp(&b.ticket)));
    out.recipient = Some(recipient.clone());
    out.recipient_rank = Some(rank);
    let rerouted = if out.bounced.is_empty() {
        String::new()
    } else {
        format!("rerouted to {recipient}: {bounced_text}")
    };
    match earlier {
        Some(n) => {
            out.notice = NoticeValue::Repeat;
            out.ticket = Some(n.ticket.clone());
            out.reason = format!(
                "repeat: {} {} already notified to {} on {} in {} ({}), within {} days",
                finding.ip,
                finding.entry,
                n.recipient,
                n.day.format("%Y-%m-%d"),
                n.ticket,
                n.status.as_str(),
                options.repeat_after.num_days()
            );
            if !rerouted.is_empty() {
                out.reason = format!("{rerouted}; {}", out.reason);
            }
        }
        None => {
            out.notice = NoticeValue::Queued;
            out.reason = rerouted;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 6, 0, 0).unwrap()
    }

    #[test]
    fn first_time_is_queued() {
        let f = DayFinding::new("192.0.2.1", "exposed-rdp", ["a@x.nl", "abuse@isp.nl"]);
        let d = decide(&f, &History::new(), t(10), &PolicyOptions::default());
        assert_eq!(d.notice, NoticeValue::Queued);
        assert_eq!(d.recipient.as_deref(), Some("a@x.nl"));
        assert!(!d.rerouted());
    }

    #[test]
    fn repeat_within_window_only_to_same_recipient() {
        let f = DayFinding::new("192.0.2.1", "exposed-rdp", ["a@x.nl"]);
        let h = History::new().with_notices([PastNotice::new(
            "192.0.2.1",
            "exposed-rdp",
            "A@X.nl",
            "NTC-1",
            t(5),
            Status::Sent,
        )]);
        let o = PolicyOptions::default();
        let d = decide(&f, &h, t(10), &o);
        assert_eq!(d.notice, NoticeValue::Repeat);
        assert_eq!(d.ticket.as_deref(), Some("NTC-1"));
        assert!(d.reason.contains("NTC-1"), "{}", d.reason);
        // 7 days later exactly: told again.
        assert_eq!(decide(&f, &h, t(12), &o).notice, NoticeValue::Queued);
        let other = DayFinding::new("192.0.2.1", "exposed-rdp", ["b@x.nl"]);
        assert_eq!(decide(&other, &h, t(10), &o).notice, NoticeValue::Queued);
        let other_entry = DayFinding::new("192.0.2.1", "open-smb", ["a@x.nl"]);
        assert_eq!(
            decide(&other_entry, &h, t(10), &o).notice,
            NoticeValue::Queued
        );
    }

    #[test]
    fn failed_notices_do_not_count_as_told() {
        let f = DayFinding::new("192.0.2.1", "exposed-rdp", ["a@x.nl"]);
        let h = History::new().with_notices([PastNotice::new(
            "192.0.2.1",
            "exposed-rdp",
            "a@x.nl",
            "NTC-1",
            t(9),
            Status::Failed,
        )]);
        let d = decide(&f, &h, t(10), &PolicyOptions::default());
        assert_eq!(d.notice, NoticeValue::Queued);
    }

    #[test]
    fn bounced_addresses_are_routed_around() {
        let f = DayFinding::new("192.0.2.1", "exposed-rdp", ["a@x.nl", "abuse@isp.nl"]);
        let h = History::new().with_bounces([HardBounce::new(
            "a@x.nl",
            t(3),
            "5.1.1",
            Some("NTC-1".into()),
        )]);
        let d = decide(&f, &h, t(10), &PolicyOptions::default());
        assert_eq!(d.notice, NoticeValue::Queued);
        assert_eq!(d.recipient.as_deref(), Some("abuse@isp.nl"));
        assert_eq!(d.recipient_rank, Some(1));
        assert!(d.rerouted());
        assert!(
            d.reason.contains("a@x.nl hard-bounced on 2026-11-03"),
            "{}",
            d.reason
        );
        let h = h.with_bounces([HardBounce::new("abuse@isp.nl", t(4), "550", None)]);
        let d = decide(&f, &h, t(10), &PolicyOptions::default());
        assert_eq!(d.notice, NoticeValue::None);
        assert!(d.recipient.is_none());
        assert!(d.reason.contains("undeliverable"), "{}", d.reason);
    }

    #[test]
    fn acknowledgements_hold_until_their_end() {
        let f = DayFinding::new("192.0.2.1", "exposed-rdp", ["a@x.nl"]);
        let h = History::new().with_acknowledgements([Acknowledgement::new(
            "192.0.2.0/24",
            "exposed-rdp",
            t(20),
            "jump host",
            t(1),
        )]);
        let o = PolicyOptions::default();
        let d = decide(&f, &h, t(10), &o);
        assert_eq!(d.notice, NoticeValue::Acknowledged);
        assert!(d.reason.contains("jump host"));
        assert_eq!(decide(&f, &h, t(20), &o).notice, NoticeValue::Queued);
        let other = DayFinding::new("192.0.2.1", "open-smb", ["a@x.nl"]);
        assert_eq!(decide(&other, &h, t(10), &o).notice, NoticeValue::Queued);
    }
}
