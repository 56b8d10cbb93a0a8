//! The notification lifecycle: remember what was told to whom, deliver it, learn from bounces
//! and from recipients who explain a finding as intentional.
//!
//! The core is sans-IO and always built:
//! - the records: notices with the findings they cover ([`NewNotice`], [`CoveredFinding`],
//!   [`StoredNotice`], [`PastNotice`]), bounces ([`HardBounce`], [`BounceRecord`]),
//!   acknowledgements ([`Acknowledgement`] of a [`Prefix`]);
//! - the policy, [`decide`]: given a day's findings with their ranked recipients and the
//!   [`History`], decide per finding `queued`, `repeat` (with the earlier ticket),
//!   `acknowledged` or `none`, and the recipient after routing around hard-bounced addresses;
//! - [`Judge`]: the day's findings judged against the history one by one, as a run with a
//!   state does: the policy's verdict, the recipients after routing around bounced addresses,
//!   the aggregation's drop rules, the reason, and the [`merge_key`] that later gives a queued
//!   finding its notice's ticket ([`give_tickets`], numbered by [`NoticeNumbering`], kept as
//!   [`WrittenNotice`]s for the store);
//! - delivery, [`after_answer`]: which state change an SMTP answer causes (2xx → sent; 4xx,
//!   timeout or a dropped connection → pending with [`backoff`]; 5xx at RCPT or DATA → failed
//!   and hard-bounced);
//! - [`DsnClass`]: what an RFC 3464 delivery-status `Action`/`Status` means for an address;
//! - [`Store`]: the seam to the database; the programs use nothing else.
//!
//! Adapters, each behind a feature:
//! - `sqlite`: `sqlite::SqliteStore`, one file, versioned schema, one writer at a time;
//! - `smtp`: `smtp::Mailer`, delivery over SMTP (STARTTLS, implicit TLS, rustls);
//! - `bounces`: `bounces`, reading DSNs and replies from `.eml` files, a Maildir or an mbox.
//!
//! # Examples
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use notice_render::lifecycle::{
//!     DayFinding, History, HardBounce, NoticeValue, PolicyOptions, decide,
//! };
//!
//! let now = Utc.with_ymd_and_hms(2026, 11, 22, 6, 0, 0).unwrap();
//! let bounced = HardBounce::new("security@example.nl", now - chrono::TimeDelta::days(3), "5.1.1", None);
//! let history = History::new().with_bounces([bounced]);
//! let finding = DayFinding::new("192.0.2.10", "exposed-rdp", ["security@example.nl", "abuse@isp.example"]);
//! let d = decide(&finding, &history, now, &PolicyOptions::default());
//! assert_eq!(d.notice, NoticeValue::Queued);
//! assert_eq!(d.recipient.as_deref(), Some("abuse@isp.example"));
//! assert!(d.reason.contains("security@example.nl hard-bounced"));
//! ```

// The sans-IO core's modules are private: its public surface is the list below. The adapters,
// each behind a feature, are public modules.
mod delivery;
mod dsn;
mod judge;
mod policy;
mod prefix;
mod records;
mod tickets;

#[cfg(feature = "bounces")]
#[cfg_attr(docsrs, doc(cfg(feature = "bounces")))]
pub mod bounces;
#[cfg(feature = "smtp")]
#[cfg_attr(docsrs, doc(cfg(feature = "smtp")))]
pub mod smtp;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub mod sqlite;

use chrono::{DateTime, Utc};

pub use delivery::{Phase, SmtpAnswer, Transition, after_answer, backoff};
pub use dsn::{DsnClass, DsnRecipient};
pub use judge::{Judge, JudgeFinding, Judged, Reroute};
pub use policy::{DayFinding, History, HistoryDecision, NoticeValue, PolicyOptions, decide};
pub use prefix::Prefix;
pub use records::{
    Acknowledgement, BounceRecord, CoveredFinding, HardBounce, NewNotice, PastNotice, Status,
    StoredNotice,
};
pub use tickets::{NoticeCounts, NoticeNumbering, WrittenNotice, give_tickets, merge_key};

use crate::Result;

/// Counts of what the store holds, for reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreCounts {
    /// Notices pending.
    pub pending: u64,
    /// Notices sent.
    pub sent: u64,
    /// Notices failed.
    pub failed: u64,
    /// Hard bounces recorded.
    pub hard_bounces: u64,
    /// Soft bounces recorded.
    pub soft_bounces: u64,
    /// Acknowledgements recorded (in force or not).
    pub acknowledgements: u64,
}

/// The operations the programs need from the state; every one that changes something is one
/// transaction. A server database can implement it without touching the policy.
pub trait Store {
    /// Notices (pending or sent or failed) that covered any of `keys` (ip, entry) on a day
    /// after `since`.
    fn recent_notices(
        &mut self,
        keys: &[(String, String)],
        since: DateTime<Utc>,
    ) -> Result<Vec<PastNotice>>;

    /// Acknowledgements in force at `now` (all of them when `now` is `None`, removed ones
    /// excluded).
    fn acknowledgements(&mut self, now: Option<DateTime<Utc>>) -> Result<Vec<Acknowledgement>>;

    /// Every hard-bounced address (earliest bounce per address first).
    fn hard_bounces(&mut self) -> Result<Vec<HardBounce>>;

    /// The first free ticket number for tickets `PREFIX-YYYYMMDD-NNNNN` of `day_prefix`
    /// (`NTC-20261122-`): one more than the highest in use, 1 when none is.
    fn next_ticket_number(&mut self, day_prefix: &str) -> Result<usize>;

    /// Queues notices as `pending`, all or none; a ticket already present is an error.
    fn queue(&mut self, notices: &[NewNotice]) -> Result<()>;

    /// Notices with `status`, in ticket order.
    fn notices(&mut self, status: Status) -> Result<Vec<StoredNotice>>;

    /// The notice with this ticket.
    fn notice(&mut self, ticket: &str) -> Result<Option<StoredNotice>>;

    /// The notice with this `Message-ID` (without angle brackets).
    fn notice_by_message_id(&mut self, message_id: &str) -> Result<Option<StoredNotice>>;

    /// Applies a delivery transition to the notice `ticket` (and records its hard bounce), in
    /// one transaction. A notice already `sent` is left as it is.
    fn apply(&mut self, ticket: &str, transition: &Transition) -> Result<()>;

    /// Records bounces, all or none.
    fn record_bounces(&mut self, bounces: &[BounceRecord]) -> Result<()>;

    /// Clears the hard bounces of `address` (any case, spaces around ignored) that are not
    /// cleared yet, recording `by` (who), `note` (why) and `now`; the address is a recipient
    /// again until it bounces anew. Returns how many bounces were cleared (0: none to clear).
    fn clear_hard_bounces(
        &mut self,
        address: &str,
        by: &str,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<usize>;

    /// Records an acknowledgement; returns its id.
    fn add_acknowledgement(&mut self, ack: &Acknowledgement) -> Result<i64>;

    /// Ends acknowledgement `id` at `now`; false when there is none in force with that id.
    fn remove_acknowledgement(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool>;

    /// Counts, for reports.
    fn counts(&mut self) -> Result<StoreCounts>;
}
