//! Tickets across a run with a state: where the day's numbering starts and what is kept of
//! each notice for the state ([`NoticeNumbering`], [`WrittenNotice`]), the key that joins a
//! judged finding to the notice that carries it ([`merge_key`]), and giving each queued
//! finding its notice's ticket while counting the verdicts ([`give_tickets`]).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::judge::Judged;
use super::policy::NoticeValue;
use super::records::{CoveredFinding, NewNotice};
use crate::aggregate::{Notice, recipient_key};

/// What makes two findings one item of a recipient's notice: the recipient (its key, the
/// address trimmed in ASCII lower case), the address, the port and the problem (catalogue
/// entry), as the aggregation merges equal findings ([`crate::Item::count`]). A judged finding
/// ([`Judged::merge_key`]) and the notice item that carries it ([`WrittenNotice::keys`]) have
/// the same key.
///
/// ```
/// use notice_render::lifecycle::merge_key;
/// assert_eq!(
///     merge_key("a@x.example", " 192.0.2.1 ", Some(3389), "exposed-rdp"),
///     merge_key("a@x.example", "192.0.2.1", Some(3389), "exposed-rdp"),
/// );
/// assert_ne!(
///     merge_key("a@x.example", "192.0.2.1", Some(3389), "exposed-rdp"),
///     merge_key("a@x.example", "192.0.2.1", None, "exposed-rdp"),
/// );
/// ```
pub fn merge_key(recipient_key: &str, ip: &str, port: Option<u16>, entry: &str) -> String {
    format!("{recipient_key}\0{}\0{port:?}\0{entry}", ip.trim())
}

/// Where a run's notices start and whether they are kept for the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct NoticeNumbering {
    /// The number of the first ticket (1 without a state; the day's first free one with).
    pub first_ticket: usize,
    /// Keep each notice written ([`WrittenNotice`]) for the state (only with a state: a run
    /// without one keeps nothing, so memory does not grow with the notices).
    pub keep: bool,
}

impl Default for NoticeNumbering {
    /// From ticket 1, nothing kept: a run without a state.
    fn default() -> Self {
        Self {
            first_ticket: 1,
            keep: false,
        }
    }
}

impl NoticeNumbering {
    /// Sets the number of the first ticket.
    pub fn with_first_ticket(mut self, first_ticket: usize) -> Self {
        self.first_ticket = first_ticket;
        self
    }

    /// Sets whether the notices are kept for the state.
    pub fn with_keep(mut self, keep: bool) -> Self {
        self.keep = keep;
        self
    }
}

/// A notice as the state queues it, with the [`merge_key`]s of the findings it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WrittenNotice {
    /// The notice as queued: ticket, recipient, message and the findings it covers; its path
    /// is the file name it was written as (the caller makes it the final path).
    pub notice: NewNotice,
    /// [`merge_key`]s of the findings it carries (every finding merged into one of its items
    /// gets its ticket through these).
    pub keys: Vec<String>,
}

impl WrittenNotice {
    /// The state's record of `notice`, rendered as `message`, written as `name`, made at
    /// `now`: one covered finding and one [`merge_key`] per item.
    pub fn new(notice: &Notice, message: Vec<u8>, name: String, now: DateTime<Utc>) -> Self {
        let recipient_key = recipient_key(&notice.recipient.address);
        let mut covered = Vec::new();
        let mut keys = Vec::new();
        for (g, item) in notice.items() {
            let f = &item.finding;
            keys.push(merge_key(&recipient_key, &f.ip, f.port, &g.entry));
            covered.push(CoveredFinding::new(
                f.feed.clone(),
                f.line,
                f.ip.clone(),
                f.port,
                f.report_type.clone(),
                g.entry.clone(),
            ));
        }
        Self {
            notice: NewNotice::new(
                notice.ticket.clone(),
                notice.recipient.address.clone(),
                now,
                message,
                covered,
            )
            .with_path(name),
            keys,
        }
    }
}

/// The counts a run with a state reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NoticeCounts {
    /// Findings per `notice` value ([`NoticeValue::as_str`]; every value present, 0 when
    /// none).
    pub notice: BTreeMap<&'static str, usize>,
    /// Findings routed around a hard-bounced address.
    pub rerouted: usize,
}

/// Gives each queued finding of `verdicts` the ticket of the notice in `kept` that carries it
/// (through its [`merge_key`]) and counts the verdicts.
///
/// ```
/// use notice_render::lifecycle::{Judged, NoticeValue, give_tickets};
/// let mut verdicts = vec![Judged::none()];
/// let counts = give_tickets(&mut verdicts, &[]);
/// assert_eq!(counts.notice["none"], 1);
/// assert_eq!(counts.notice["queued"], 0);
/// assert_eq!(verdicts[0].notice, NoticeValue::None);
/// ```
pub fn give_tickets(verdicts: &mut [Judged], kept: &[WrittenNotice]) -> NoticeCounts {
    let mut ticket_of: HashMap<&str, &str> = HashMap::new();
    for k in kept {
        for key in &k.keys {
            ticket_of.insert(key.as_str(), k.notice.ticket.as_str());
        }
    }
    let mut counts = NoticeCounts::default();
    for v in [
        NoticeValue::Queued,
        NoticeValue::Repeat,
        NoticeValue::Acknowledged,
        NoticeValue::None,
    ] {
        counts.notice.insert(v.as_str(), 0);
    }
    for v in verdicts {
        if let Some(ticket) = v.merge_key.as_deref().and_then(|m| ticket_of.get(m)) {
            v.ticket = Some((*ticket).to_owned());
        }
        *counts.notice.entry(v.notice.as_str()).or_default() += 1;
        counts.rerouted += usize::from(v.rerouted);
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::{History, Judge, JudgeFinding, PolicyOptions};
    use crate::{AggregateOptions, Catalogue, Finding, Recipient, RecipientRole, aggregate};
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 6, 0, 0).unwrap()
    }

    /// Findings judged one by one find the ticket of the notice `aggregate` put them in,
    /// merged ones included; repeats keep theirs.
    #[test]
    fn judged_findings_get_the_ticket_of_their_notice() {
        let catalogue = Catalogue::embedded().unwrap();
        let options = AggregateOptions::default();
        let judge = Judge::new(History::new(), PolicyOptions::default(), options.clone(), 5);
        let day = [
            ("192.0.2.1", 3389, "A@x.example"),
            ("192.0.2.1", 3389, "a@x.example "),
            ("192.0.2.2", 3389, "b@y.example"),
        ];
        let mut pairs = Vec::new();
        let mut verdicts = Vec::new();
        for (ip, port, address) in day {
            let finding = Finding::new(ip, "scan_rdp", now()).with_port(port);
            let entry = catalogue.classify(&finding).id.clone();
            let j = JudgeFinding::new(ip, &entry)
                .with_port(port)
                .with_recipient(address, RecipientRole::Business);
            verdicts.push(judge.judge(&j, now()));
            pairs.push((finding, Recipient::new(address)));
        }
        let mut repeat = Judged::none();
        repeat.notice = NoticeValue::Repeat;
        repeat.ticket = Some("NTC-20261120-00001".into());
        verdicts.push(repeat);
        let notices = aggregate(&catalogue, pairs, &options, now())
            .unwrap()
            .notices;
        let kept: Vec<WrittenNotice> = notices
            .iter()
            .map(|n| WrittenNotice::new(n, Vec::new(), format!("{}.eml", n.ticket), now()))
            .collect();
        let counts = give_tickets(&mut verdicts, &kept);
        // aggregate numbers from 1; the judge's first ticket is where a state run starts.
        let tickets: Vec<Option<&str>> = verdicts.iter().map(|v| v.ticket.as_deref()).collect();
        assert_eq!(
            tickets,
            [
                Some("NTC-20261122-00001"),
                Some("NTC-20261122-00001"),
                Some("NTC-20261122-00002"),
                Some("NTC-20261120-00001"),
            ]
        );
        assert_eq!(counts.notice["queued"], 3);
        assert_eq!(counts.notice["repeat"], 1);
        assert_eq!(counts.rerouted, 0);
        assert_eq!(
            kept[0].notice.path.as_deref(),
            Some("NTC-20261122-00001.eml")
        );
        assert_eq!(kept[0].notice.findings.len(), 1);
        assert_eq!(kept[0].keys.len(), 1);
    }
}
