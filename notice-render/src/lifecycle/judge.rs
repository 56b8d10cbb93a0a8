//! Judging the day's findings against the history: the sans-IO core of a run with a state
//! (`daily-run --state`). For each finding, with its ranked recipients as the attribution gave
//! them, the [`Judge`] applies the history policy ([`super::decide`]: acknowledged, repeat,
//! routed around hard-bounced addresses) and then the aggregation's drop rules
//! ([`AggregateOptions::drop_reason`]), and returns a [`Judged`] that says what changes: the
//! recipients' new order, the reason, the `notice` value, the earlier ticket of a repeat and
//! the [`merge_key`] through which a queued finding later finds its notice's ticket
//! ([`super::give_tickets`]).
//!
//! The judge knows nothing of where the recipients came from: the caller gives each one's
//! [`RecipientRole`] and applies the [`Judged`] to its own decision record.

use chrono::{DateTime, Utc};

use super::Store;
use super::policy::{DayFinding, History, HistoryDecision, NoticeValue, PolicyOptions, decide};
use super::tickets::{NoticeNumbering, merge_key};
use crate::aggregate::{AggregateOptions, is_usable_address, recipient_key};
use crate::finding::RecipientRole;

/// One finding of the day as the [`Judge`] sees it: address, port, catalogue entry, when it
/// was observed, its ranked recipients (as the attribution listed them, best first) and the
/// attribution's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JudgeFinding<'a> {
    /// The IP address, as text.
    pub ip: &'a str,
    /// Port, when the feed gives one.
    pub port: Option<u16>,
    /// Catalogue entry id (the problem the finding was classified as).
    pub entry: &'a str,
    /// When it was observed (`None`: unknown, never too old).
    pub observed: Option<DateTime<Utc>>,
    /// The ranked recipients' addresses with their role, best first (unusable addresses
    /// included: they keep their place but are never chosen).
    pub recipients: Vec<(&'a str, RecipientRole)>,
    /// The attribution's reason, which the judge extends.
    pub reason: &'a str,
}

impl<'a> JudgeFinding<'a> {
    /// A finding at `ip` classified as `entry`, with no port, time, recipient or reason yet.
    pub fn new(ip: &'a str, entry: &'a str) -> Self {
        Self {
            ip,
            port: None,
            entry,
            observed: None,
            recipients: Vec::new(),
            reason: "",
        }
    }

    /// Sets the port.
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Sets when it was observed.
    pub fn with_observed(mut self, observed: DateTime<Utc>) -> Self {
        self.observed = Some(observed);
        self
    }

    /// Adds the next ranked recipient.
    pub fn with_recipient(mut self, address: &'a str, role: RecipientRole) -> Self {
        self.recipients.push((address, role));
        self
    }

    /// Sets the attribution's reason.
    pub fn with_reason(mut self, reason: &'a str) -> Self {
        self.reason = reason;
        self
    }
}

/// What routing around hard-bounced addresses does to a finding's recipients.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reroute {
    /// Nothing bounced: the recipients stay as they are.
    Unchanged,
    /// Bounced addresses leave the list and the first deliverable one moves to the front:
    /// the recipients become `order` (positions in [`JudgeFinding::recipients`]); `role` is the
    /// new first recipient's (a business's decision that now goes to a network owner's abuse
    /// desk is a network owner's decision).
    To {
        /// The new ranked recipients, as positions in the finding's list.
        order: Vec<usize>,
        /// The role of the new first recipient.
        role: RecipientRole,
    },
    /// Every recipient bounced: nobody is left (the finding is unattributed).
    Nobody,
}

/// What the history and the aggregation's drop rules made of one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Judged {
    /// `queued`, `repeat`, `acknowledged` or `none`.
    pub notice: NoticeValue,
    /// The ticket: the earlier notice's for a repeat; for a queued finding, its new notice's
    /// once [`super::give_tickets`] has run.
    pub ticket: Option<String>,
    /// Routed around a hard-bounced address.
    pub rerouted: bool,
    /// What happens to the recipients.
    pub reroute: Reroute,
    /// The finding's reason after judging (`None`: the attribution's reason stands).
    pub reason: Option<String>,
    /// For a queued finding, its [`merge_key`] (how it finds its notice's ticket).
    pub merge_key: Option<String>,
}

impl Judged {
    /// The verdict for a finding that cannot be in a notice at all (no address, no
    /// recipient, no catalogue entry): `none`, nothing changed.
    pub fn none() -> Self {
        Self {
            notice: NoticeValue::None,
            ticket: None,
            rerouted: false,
            reroute: Reroute::Unchanged,
            reason: None,
            merge_key: None,
        }
    }
}

/// The history of the findings of one day and the policy that judges them against it, with
/// the aggregation options whose drop rules a queued finding must pass and the day's first
/// free ticket number. Shared (read-only) by the threads that judge a day's findings.
///
/// # Examples
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use notice_render::lifecycle::{
///     HardBounce, History, Judge, JudgeFinding, NoticeValue, PolicyOptions, Reroute,
/// };
/// use notice_render::{AggregateOptions, RecipientRole};
///
/// let now = Utc.with_ymd_and_hms(2026, 11, 22, 6, 0, 0).unwrap();
/// let history = History::new().with_bounces([HardBounce::new(
///     "security@shop.example", now - TimeDelta::days(3), "5.1.1", None,
/// )]);
/// let judge = Judge::new(history, PolicyOptions::default(), AggregateOptions::default(), 1);
/// let finding = JudgeFinding::new("192.0.2.10", "exposed-rdp")
///     .with_port(3389)
///     .with_observed(now - TimeDelta::hours(5))
///     .with_recipient("security@shop.example", RecipientRole::Business)
///     .with_recipient("abuse@isp.example", RecipientRole::NetworkOwner)
///     .with_reason("security.txt contact of shop.example");
/// let judged = judge.judge(&finding, now);
/// assert_eq!(judged.notice, NoticeValue::Queued);
/// assert!(judged.rerouted);
/// // The network owner's desk is first now; the bounced address is gone.
/// assert_eq!(
///     judged.reroute,
///     Reroute::To { order: vec![1], role: RecipientRole::NetworkOwner }
/// );
/// assert!(judged.reason.as_deref().is_some_and(|r| r.contains("hard-bounced")));
/// assert!(judged.merge_key.is_some());
/// ```
#[derive(Debug, Clone)]
pub struct Judge {
    history: History,
    policy: PolicyOptions,
    options: AggregateOptions,
    first_ticket: usize,
}

impl Judge {
    /// A judge of `history` with `policy`, dropping what `options` drops; the day's notices
    /// are numbered from `first_ticket`.
    pub fn new(
        history: History,
        policy: PolicyOptions,
        options: AggregateOptions,
        first_ticket: usize,
    ) -> Self {
        Self {
            history,
            policy,
            options,
            first_ticket,
        }
    }

    /// Reads from `store` what it knows about the day's findings `keys` (ip, catalogue entry):
    /// notices within [`PolicyOptions::repeat_after`] before `now`, acknowledgements in force,
    /// hard bounces, and the first free ticket number of `now`'s day under the options' ticket
    /// prefix.
    ///
    /// # Errors
    /// What the store reports.
    pub fn load<S: Store + ?Sized>(
        store: &mut S,
        keys: &[(String, String)],
        policy: PolicyOptions,
        options: AggregateOptions,
        now: DateTime<Utc>,
    ) -> crate::Result<Self> {
        let history = History::new()
            .with_notices(store.recent_notices(keys, now - policy.repeat_after)?)
            .with_acknowledgements(store.acknowledgements(Some(now))?)
            .with_bounces(store.hard_bounces()?);
        let day_prefix = format!("{}-{}-", options.ticket_prefix, now.format("%Y%m%d"));
        let first_ticket = store.next_ticket_number(&day_prefix)?;
        Ok(Self::new(history, policy, options, first_ticket))
    }

    /// The number of the day's first free ticket.
    pub fn first_ticket(&self) -> usize {
        self.first_ticket
    }

    /// How the day's notices are numbered and kept: from [`Self::first_ticket`], each one
    /// kept for the state.
    pub fn numbering(&self) -> NoticeNumbering {
        NoticeNumbering::default()
            .with_first_ticket(self.first_ticket)
            .with_keep(true)
    }

    /// Judges `finding` at `now`. The history decides first ([`decide`]): an acknowledgement
    /// in force, a repeat, routing around hard-bounced addresses (nothing left: `none`). A
    /// finding that would be queued but that the aggregation leaves out (too old, no usable
    /// address) is `none`, and its reason says why.
    pub fn judge(&self, finding: &JudgeFinding<'_>, now: DateTime<Utc>) -> Judged {
        let ranked = finding
            .recipients
            .iter()
            .map(|(a, _)| a.trim())
            .filter(|a| is_usable_address(a));
        let day = DayFinding::new(finding.ip, finding.entry, ranked);
        let hd = decide(&day, &self.history, now, &self.policy);
        let reroute = reroute(&finding.recipients, &hd);
        let mut reason = judged_reason(finding.reason, &hd);
        let first = match &reroute {
            Reroute::Unchanged => finding.recipients.first().map(|(a, _)| *a),
            Reroute::To { order, .. } => order
                .first()
                .and_then(|&i| finding.recipients.get(i))
                .map(|(a, _)| *a),
            Reroute::Nobody => None,
        };
        let mut notice = hd.notice;
        if notice == NoticeValue::Queued
            && let Some(address) = first
            && let Some(why) = self.options.drop_reason(address, finding.observed, now)
        {
            notice = NoticeValue::None;
            let before = reason.as_deref().unwrap_or(finding.reason);
            reason = Some(format!("{before}; not notified: {}", why.as_str()));
        }
        let merge_key = match (notice, first) {
            (NoticeValue::Queued, Some(address)) => Some(merge_key(
                &recipient_key(address),
                finding.ip,
                finding.port,
                finding.entry,
            )),
            _ => None,
        };
        Judged {
            notice,
            ticket: hd.ticket.clone(),
            rerouted: hd.rerouted(),
            reroute,
            reason,
            merge_key,
        }
    }
}

/// The recipients after routing around the bounced addresses of `hd`: every recipient whose
/// address bounced leaves the list, the chosen one moves to the front.
fn reroute(recipients: &[(&str, RecipientRole)], hd: &HistoryDecision) -> Reroute {
    if hd.bounced.is_empty() {
        return Reroute::Unchanged;
    }
    let Some(chosen) = &hd.recipient else {
        return Reroute::Nobody;
    };
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    let mut order: Vec<usize> = recipients
        .iter()
        .enumerate()
        .filter(|(_, (a, _))| !hd.bounced.iter().any(|b| same(&b.address, a)))
        .map(|(i, _)| i)
        .collect();
    let mut role = RecipientRole::Business;
    if let Some(pos) = order.iter().position(|&i| same(recipients[i].0, chosen)) {
        let i = order.remove(pos);
        role = recipients[i].1;
        order.insert(0, i);
    }
    Reroute::To { order, role }
}

/// The finding's reason with what the history decided appended (`None`: unchanged). A finding
/// the attribution left without a recipient keeps its own reason.
fn judged_reason(reason: &str, hd: &HistoryDecision) -> Option<String> {
    let nobody_anyway = hd.notice == NoticeValue::None && hd.bounced.is_empty();
    if hd.reason.is_empty() || nobody_anyway {
        None
    } else if reason.is_empty() {
        Some(hd.reason.clone())
    } else {
        Some(format!("{reason}; {}", hd.reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::{Acknowledgement, HardBounce, PastNotice, Status};
    use chrono::{TimeDelta, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 6, 0, 0).unwrap()
    }

    fn judge(history: History) -> Judge {
        Judge::new(
            history,
            PolicyOptions::default(),
            AggregateOptions::default(),
            1,
        )
    }

    fn finding<'a>(recipients: &[(&'a str, RecipientRole)]) -> JudgeFinding<'a> {
        let mut f = JudgeFinding::new("192.0.2.10", "exposed-rdp")
            .with_port(3389)
            .with_observed(now() - TimeDelta::hours(3))
            .with_reason("found");
        for (a, r) in recipients {
            f = f.with_recipient(a, *r);
        }
        f
    }

    const B: RecipientRole = RecipientRole::Business;
    const N: RecipientRole = RecipientRole::NetworkOwner;

    #[test]
    fn a_first_finding_is_queued_unchanged_with_its_merge_key() {
        let j = judge(History::new()).judge(&finding(&[(" A@shop.example ", B)]), now());
        assert_eq!(j.notice, NoticeValue::Queued);
        assert_eq!(j.reroute, Reroute::Unchanged);
        assert_eq!(j.reason, None);
        assert!(!j.rerouted);
        assert_eq!(
            j.merge_key.as_deref(),
            Some(merge_key("a@shop.example", "192.0.2.10", Some(3389), "exposed-rdp").as_str())
        );
    }

    #[test]
    fn bounced_addresses_leave_and_the_chosen_one_leads() {
        let h = History::new().with_bounces([HardBounce::new(
            "a@shop.example",
            now() - TimeDelta::days(2),
            "5.1.1",
            None,
        )]);
        let f = finding(&[
            ("a@shop.example", B),
            ("https://shop.example/report", B),
            ("abuse@isp.example", N),
            ("A@SHOP.example", B),
        ]);
        let j = judge(h).judge(&f, now());
        assert_eq!(j.notice, NoticeValue::Queued);
        assert!(j.rerouted);
        assert_eq!(
            j.reroute,
            Reroute::To {
                order: vec![2, 1],
                role: N
            }
        );
        let reason = j.reason.unwrap_or_default();
        assert!(
            reason.starts_with(
                "found; rerouted to abuse@isp.example: a@shop.example hard-bounced on 2026-11-20"
            ),
            "{reason}"
        );
        assert_eq!(
            j.merge_key.as_deref(),
            Some(merge_key("abuse@isp.example", "192.0.2.10", Some(3389), "exposed-rdp").as_str())
        );
    }

    #[test]
    fn nobody_left_when_every_address_bounced() {
        let h = History::new().with_bounces([HardBounce::new(
            "a@shop.example",
            now() - TimeDelta::days(2),
            "5.1.1",
            None,
        )]);
        let j = judge(h).judge(&finding(&[("a@shop.example", B)]), now());
        assert_eq!(j.notice, NoticeValue::None);
        assert_eq!(j.reroute, Reroute::Nobody);
        assert!(
            j.reason
                .as_deref()
                .is_some_and(|r| r.starts_with("found; every recipient is undeliverable")),
            "{:?}",
            j.reason
        );
        assert_eq!(j.merge_key, None);
    }

    #[test]
    fn without_a_usable_recipient_the_reason_stands() {
        let j = judge(History::new()).judge(&finding(&[("not an address", B)]), now());
        assert_eq!(j.notice, NoticeValue::None);
        assert_eq!(j.reason, None);
        assert_eq!(j.reroute, Reroute::Unchanged);
    }

    #[test]
    fn a_repeat_has_the_earlier_ticket_and_no_merge_key() {
        let h = History::new().with_notices([PastNotice::new(
            "192.0.2.10",
            "exposed-rdp",
            "a@shop.example",
            "NTC-20261120-00004",
            now() - TimeDelta::days(2),
            Status::Sent,
        )]);
        let j = judge(h).judge(&finding(&[("a@shop.example", B)]), now());
        assert_eq!(j.notice, NoticeValue::Repeat);
        assert_eq!(j.ticket.as_deref(), Some("NTC-20261120-00004"));
        assert_eq!(j.merge_key, None);
        assert!(
            j.reason
                .as_deref()
                .is_some_and(|r| r.starts_with("found; repeat: ")),
            "{:?}",
            j.reason
        );
    }

    #[test]
    fn an_acknowledged_finding_is_not_queued() {
        let h = History::new().with_acknowledgements([Acknowledgement::new(
            "192.0.2.0/24",
            "exposed-rdp",
            now() + TimeDelta::days(30),
            "jump host",
            now() - TimeDelta::days(1),
        )]);
        let j = judge(h).judge(&finding(&[("a@shop.example", B)]), now());
        assert_eq!(j.notice, NoticeValue::Acknowledged);
        assert_eq!(j.merge_key, None);
    }

    #[test]
    fn a_finding_the_aggregation_drops_is_none_with_the_reason() {
        let old = JudgeFinding::new("192.0.2.10", "exposed-rdp")
            .with_observed(now() - TimeDelta::days(400))
            .with_recipient("a@shop.example", B);
        let j = judge(History::new()).judge(&old, now());
        assert_eq!(j.notice, NoticeValue::None);
        assert_eq!(j.reason.as_deref(), Some("; not notified: too-old"));
        assert_eq!(j.merge_key, None);
    }

    #[test]
    fn numbering_starts_at_the_first_free_ticket_and_keeps() {
        let j = Judge::new(
            History::new(),
            PolicyOptions::default(),
            AggregateOptions::default(),
            7,
        );
        assert_eq!(j.first_ticket(), 7);
        let n = j.numbering();
        assert_eq!((n.first_ticket, n.keep), (7, true));
    }
}
