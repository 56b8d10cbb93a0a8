//! From findings to notices: one notice per recipient, grouped by problem.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use crate::catalogue::Catalogue;
use crate::error::{Error, Result};
use crate::finding::{Finding, Recipient};
use crate::language::{Language, choose_language};
use crate::limits::{MAX_ADDRESS_BYTES, MAX_FINDINGS_PER_NOTICE, MAX_TICKET_PREFIX_CHARS};

/// Options for [`aggregate`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AggregateOptions {
    /// Ticket prefix, 1 to [`MAX_TICKET_PREFIX_CHARS`] of `A-Z a-z 0-9 -`.
    pub ticket_prefix: String,
    /// Findings observed longer ago than this (relative to `now`) are dropped.
    pub max_age: TimeDelta,
    /// The language when none of the recipient's preferences is in the catalogue.
    pub default_language: Language,
    /// Most findings per notice, 1 to [`MAX_FINDINGS_PER_NOTICE`].
    pub max_findings_per_notice: usize,
}

impl Default for AggregateOptions {
    /// Prefix `NTC`, 14 days, English, [`MAX_FINDINGS_PER_NOTICE`].
    fn default() -> Self {
        Self {
            ticket_prefix: "NTC".to_string(),
            max_age: TimeDelta::days(14),
            default_language: Language::En,
            max_findings_per_notice: MAX_FINDINGS_PER_NOTICE,
        }
    }
}

impl AggregateOptions {
    /// Sets the ticket prefix.
    pub fn with_ticket_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.ticket_prefix = prefix.into();
        self
    }

    /// Sets the maximum age.
    pub fn with_max_age(mut self, max_age: TimeDelta) -> Self {
        self.max_age = max_age;
        self
    }

    /// Sets the default language.
    pub fn with_default_language(mut self, language: Language) -> Self {
        self.default_language = language;
        self
    }

    /// Sets the most findings per notice.
    pub fn with_max_findings_per_notice(mut self, n: usize) -> Self {
        self.max_findings_per_notice = n;
        self
    }

    /// Why a finding for `address`, observed at `observed`, is left out of every notice, or
    /// `None` when it goes into one: [`DropReason::InvalidRecipient`] when the address (trimmed)
    /// fails [`is_usable_address`], [`DropReason::TooOld`] when it was observed longer than
    /// [`Self::max_age`] before `now`. A finding whose time is unknown is never too old.
    pub(crate) fn drop_reason(
        &self,
        address: &str,
        observed: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Option<DropReason> {
        if !is_usable_address(address.trim()) {
            Some(DropReason::InvalidRecipient)
        } else if observed.is_some_and(|t| now.signed_duration_since(t) > self.max_age) {
            Some(DropReason::TooOld)
        } else {
            None
        }
    }

    /// How many notices a recipient with `findings` kept findings gets: 0 for none, else one
    /// per [`Self::max_findings_per_notice`] (rounded up). Each notice has its own ticket.
    pub(crate) fn notice_parts(&self, findings: usize) -> usize {
        findings.div_ceil(self.max_findings_per_notice.max(1))
    }

    fn validate(&self) -> Result<()> {
        let p = &self.ticket_prefix;
        if p.is_empty()
            || p.chars().count() > MAX_TICKET_PREFIX_CHARS
            || !p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(Error::option(
                "ticket_prefix",
                format!(
                    "`{}` must be 1 to {MAX_TICKET_PREFIX_CHARS} of A-Z a-z 0-9 -",
                    p.escape_debug()
                ),
            ));
        }
        if self.max_findings_per_notice == 0
            || self.max_findings_per_notice > MAX_FINDINGS_PER_NOTICE
        {
            return Err(Error::option(
                "max_findings_per_notice",
                format!(
                    "{} is not in 1..={MAX_FINDINGS_PER_NOTICE}",
                    self.max_findings_per_notice
                ),
            ));
        }
        if self.max_age < TimeDelta::zero() {
            return Err(Error::option("max_age", "is negative".to_string()));
        }
        Ok(())
    }
}

/// One finding in a notice, with its position in the input, and how many equal findings
/// (same address, port and problem) were merged into it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Item {
    /// Position of the (first) finding in the input of [`aggregate`], 0-based.
    pub index: usize,
    /// The finding (the first of the merged ones).
    pub finding: Finding,
    /// How many findings this item stands for (1 unless equal findings were merged).
    pub count: u64,
    /// The earliest known observation time of the merged findings (`None`: none known).
    pub first_seen: Option<DateTime<Utc>>,
    /// The latest known observation time of the merged findings (`None`: none known).
    pub last_seen: Option<DateTime<Utc>>,
}

/// The findings of one problem (catalogue entry) in a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Group {
    /// The catalogue entry id.
    pub entry: String,
    /// The findings, in input order.
    pub items: Vec<Item>,
}

/// One notice: everything for one recipient (or one part of it).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notice {
    /// Ticket id, e.g. `NTC-20250304-00001`.
    pub ticket: String,
    /// Who it goes to.
    pub recipient: Recipient,
    /// The language it is written in.
    pub language: Language,
    /// The problems, each with its findings.
    pub groups: Vec<Group>,
    /// Part number and number of parts (1 of 1 unless the recipient had more
    /// findings than fit in one notice).
    pub part: (usize, usize),
}

impl Item {
    /// An item: the finding at position `index` of the input.
    pub(crate) fn new(index: usize, finding: Finding) -> Self {
        Self {
            index,
            first_seen: finding.observed,
            last_seen: finding.observed,
            count: 1,
            finding,
        }
    }

    /// Takes `other` (an equal finding) into this item: counts add up, first and last seen
    /// widen; the finding shown stays the earlier one in the input.
    pub(crate) fn merge(&mut self, other: Item) {
        self.count = self.count.saturating_add(other.count);
        self.first_seen = match (self.first_seen, other.first_seen) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_seen = match (self.last_seen, other.last_seen) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if other.index < self.index {
            self.index = other.index;
            self.finding = other.finding;
        }
    }
}

/// One recipient's findings with equal ones merged: one [`Item`] per (address, port, problem),
/// where the problem is the catalogue entry the finding maps to, so the same exposure reported
/// by two feed formats (a Shadowserver `scan_rdp` row and an IntelMQ `accessible-rdp` event)
/// is one problem. Items keep the order their first finding came.
///
/// Adding a finding allocates nothing when it merges into an earlier one. A daily run holds one
/// of these per recipient until its notices are written, most with a handful of findings, so
/// they are kept as small as a plain list of findings: a finding is held without the count
/// and first/last seen of an [`Item`] until something merges into it; up to
/// [`MergedItems::INDEX_FROM`] items are searched in place, and only a recipient with more gets
/// a hash index (one hash look-up per finding, so a recipient with a million findings costs no
/// more per finding than one with twenty).
#[derive(Debug, Clone, Default)]
pub(crate) struct MergedItems {
    /// The distinct problems (catalogue entry ids) seen.
    entries: Vec<Box<str>>,
    /// The items, in the order their first finding came.
    items: Vec<Slot>,
    /// What only some recipients need: merge counts and the hash index.
    extra: Option<Box<Extra>>,
}

/// One item as held: its finding, position and problem; its count and first/last seen are in
/// [`Extra::merged`] once something merged into it, else 1 and the finding's time.
#[derive(Debug, Clone)]
struct Slot {
    index: usize,
    entry: u32,
    finding: Finding,
}

/// Count and first/last seen of an item something merged into.
#[derive(Debug, Clone, Copy)]
struct Merged {
    count: u64,
    first_seen: Option<DateTime<Utc>>,
    last_seen: Option<DateTime<Utc>>,
}

impl Merged {
    fn widen(&mut self, count: u64, first: Option<DateTime<Utc>>, last: Option<DateTime<Utc>>) {
        self.count = self.count.saturating_add(count);
        self.first_seen = match (self.first_seen, first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_seen = match (self.last_seen, last) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
}

#[derive(Debug, Clone, Default)]
struct Extra {
    /// Count and first/last seen of the items (by position) something merged into.
    merged: HashMap<usize, Merged>,
    /// Hash index of the items, made once there are [`MergedItems::INDEX_FROM`] of them.
    index: Option<ItemIndex>,
}

/// The hash index of a [`MergedItems`] with many items.
#[derive(Debug, Clone, Default)]
struct ItemIndex {
    /// Hash of (address, port, problem) to the first item with that hash.
    by_hash: HashMap<u64, usize>,
    /// For each item, the next item with the same hash (`usize::MAX`: none).
    chain: Vec<usize>,
    hasher: std::hash::RandomState,
}

impl ItemIndex {
    fn hash(&self, ip: &str, port: Option<u16>, entry: u32) -> u64 {
        use std::hash::BuildHasher;
        self.hasher.hash_one((ip, port, entry))
    }

    /// Records that item `new` (the next position) has hash `hash`.
    fn insert(&mut self, hash: u64, new: usize) {
        self.chain.push(usize::MAX);
        match self.by_hash.get(&hash).copied() {
            None => {
                self.by_hash.insert(hash, new);
            }
            Some(mut at) => {
                while let Some(&next) = self.chain.get(at) {
                    if next == usize::MAX {
                        break;
                    }
                    at = next;
                }
                if let Some(next) = self.chain.get_mut(at) {
                    *next = new;
                }
            }
        }
    }

    /// The position of the item of `ip`, `port` in problem `entry`, if any.
    fn find(&self, items: &[Slot], entry: u32, ip: &str, port: Option<u16>) -> Option<usize> {
        let mut at = self
            .by_hash
            .get(&self.hash(ip, port, entry))
            .copied()
            .unwrap_or(usize::MAX);
        loop {
            let slot = items.get(at)?;
            if slot.is(entry, ip, port) {
                return Some(at);
            }
            at = self.chain.get(at).copied().unwrap_or(usize::MAX);
        }
    }
}

impl Slot {
    /// True when this is the item of `ip` (trimmed), `port` in problem `entry`.
    fn is(&self, entry: u32, ip: &str, port: Option<u16>) -> bool {
        self.entry == entry && self.finding.port == port && self.finding.ip.trim() == ip
    }

    fn into_item(self, merged: Option<&Merged>) -> Item {
        let mut item = Item::new(self.index, self.finding);
        if let Some(m) = merged {
            item.count = m.count;
            item.first_seen = m.first_seen;
            item.last_seen = m.last_seen;
        }
        item
    }
}

impl MergedItems {
    /// Number of items from which a hash index is kept; fewer are searched in place.
    pub(crate) const INDEX_FROM: usize = 16;

    /// No items.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds `item`, whose problem is the catalogue entry `entry`: merged into an earlier item
    /// with the same address (trimmed), port and problem, else kept as a new item.
    pub(crate) fn push(&mut self, entry: &str, item: Item) {
        let e = match self.entries.iter().position(|x| &**x == entry) {
            Some(e) => e,
            None => {
                // Most recipients have one problem: no room kept for more until needed.
                if self.entries.is_empty() {
                    self.entries.reserve_exact(1);
                }
                self.entries.push(entry.into());
                self.entries.len() - 1
            }
        };
        // Fewer than 2^32 distinct problems: a catalogue has a few dozen.
        let e = u32::try_from(e).unwrap_or(u32::MAX);
        let port = item.finding.port;
        let ip = item.finding.ip.trim();
        let found = match self.extra.as_deref().and_then(|x| x.index.as_ref()) {
            None => self.items.iter().position(|s| s.is(e, ip, port)),
            Some(index) => index.find(&self.items, e, ip, port),
        };
        if let Some(at) = found {
            self.merge_into(at, item);
            return;
        }
        let hash = self
            .extra
            .as_deref()
            .and_then(|x| x.index.as_ref())
            .map(|index| index.hash(ip, port, e));
        let new = self.items.len();
        let Item {
            index,
            finding,
            count,
            first_seen,
            last_seen,
        } = item;
        if count != 1 || first_seen != finding.observed || last_seen != finding.observed {
            // An item that already stands for several findings (e.g. from `into_items`).
            self.extra.get_or_insert_default().merged.insert(
                new,
                Merged {
                    count,
                    first_seen,
                    last_seen,
                },
            );
        }
        if self.items.is_empty() {
            // Most recipients have one finding: no room kept for more until needed.
            self.items.reserve_exact(1);
        }
        self.items.push(Slot {
            index,
            entry: e,
            finding,
        });
        match (
            self.extra.as_deref_mut().and_then(|x| x.index.as_mut()),
            hash,
        ) {
            (Some(index), Some(hash)) => index.insert(hash, new),
            _ if self.items.len() >= Self::INDEX_FROM => self.build_index(),
            _ => {}
        }
    }

    /// Takes `item` into the item at `at` (see [`Item::merge`]).
    fn merge_into(&mut self, at: usize, item: Item) {
        let Some(slot) = self.items.get_mut(at) else {
            return;
        };
        let merged = self
            .extra
            .get_or_insert_default()
            .merged
            .entry(at)
            .or_insert(Merged {
                count: 1,
                first_seen: slot.finding.observed,
                last_seen: slot.finding.observed,
            });
        merged.widen(item.count, item.first_seen, item.last_seen);
        if item.index < slot.index {
            slot.index = item.index;
            slot.finding = item.finding;
        }
    }

    /// Makes the hash index over the items held.
    fn build_index(&mut self) {
        let mut index = ItemIndex::default();
        index.chain.reserve(self.items.len());
        for (at, slot) in self.items.iter().enumerate() {
            let hash = index.hash(slot.finding.ip.trim(), slot.finding.port, slot.entry);
            index.insert(hash, at);
        }
        self.extra.get_or_insert_default().index = Some(index);
    }

    /// Number of items (distinct findings).
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there is no item.
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items, with their problems, in the order their first finding came.
    fn into_slots(self) -> (Vec<Box<str>>, impl Iterator<Item = (u32, Item)>) {
        let merged = self.extra.map(|x| x.merged).unwrap_or_default();
        let items = self.items.into_iter().enumerate().map(move |(at, slot)| {
            let entry = slot.entry;
            (entry, slot.into_item(merged.get(&at)))
        });
        (self.entries, items)
    }

    /// The items grouped by problem, groups in the order their first finding came.
    fn into_groups(self) -> Vec<Group> {
        let (entries, items) = self.into_slots();
        let mut groups: Vec<Option<Group>> = entries
            .iter()
            .map(|entry| {
                Some(Group {
                    entry: entry.to_string(),
                    items: Vec::new(),
                })
            })
            .collect();
        let mut order = Vec::with_capacity(groups.len());
        for (e, item) in items {
            let e = usize::try_from(e).unwrap_or(usize::MAX);
            if let Some(Some(g)) = groups.get_mut(e) {
                if g.items.is_empty() {
                    order.push(e);
                }
                g.items.push(item);
            }
        }
        order
            .into_iter()
            .filter_map(|e| groups.get_mut(e).and_then(Option::take))
            .collect()
    }
}

impl Notice {
    /// Number of findings in this notice (equal findings merged count once).
    pub fn finding_count(&self) -> usize {
        self.groups.iter().map(|g| g.items.len()).sum()
    }

    /// Number of observations in this notice: the findings with their merged repeats.
    pub fn observation_count(&self) -> u64 {
        self.groups
            .iter()
            .flat_map(|g| &g.items)
            .map(|i| i.count)
            .sum()
    }

    /// All items, group by group.
    pub fn items(&self) -> impl Iterator<Item = (&Group, &Item)> {
        self.groups
            .iter()
            .flat_map(|g| g.items.iter().map(move |i| (g, i)))
    }
}

/// Why a finding is in no notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DropReason {
    /// Observed longer ago than the maximum age.
    TooOld,
    /// The recipient address is empty, too long, or not an address.
    InvalidRecipient,
}

impl DropReason {
    /// A stable name: `too-old`, `invalid-recipient`.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::TooOld => "too-old",
            DropReason::InvalidRecipient => "invalid-recipient",
        }
    }
}

/// A finding left out of every notice, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Dropped {
    /// Position of the finding in the input, 0-based.
    pub index: usize,
    /// Why it was left out.
    pub reason: DropReason,
    /// The finding.
    pub finding: Finding,
    /// Its recipient.
    pub recipient: Recipient,
}

/// The result of [`aggregate`]: notices, and what was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Aggregate {
    /// The notices, in ticket order.
    pub notices: Vec<Notice>,
    /// Findings left out, in input order.
    pub dropped: Vec<Dropped>,
    /// Number of (finding, recipient) pairs given.
    pub input_count: usize,
}

impl Aggregate {
    /// Input findings in notices (equal findings merged into one item count each).
    pub fn included_count(&self) -> usize {
        let n: u64 = self.notices.iter().map(Notice::observation_count).sum();
        usize::try_from(n).unwrap_or(usize::MAX)
    }

    /// Findings dropped for `reason`.
    pub fn dropped_count(&self, reason: DropReason) -> usize {
        self.dropped.iter().filter(|d| d.reason == reason).count()
    }

    /// True when every input is either in a notice or dropped (always, by
    /// construction; a check for callers that want to assert it).
    pub fn accounts_for_all(&self) -> bool {
        self.included_count() + self.dropped.len() == self.input_count
    }
}

/// True when `address` can go into a `To:` header: one `@` with text on
/// both sides, at most [`MAX_ADDRESS_BYTES`], no spaces, controls or
/// characters with a meaning in address lists.
pub fn is_usable_address(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && address.len() <= MAX_ADDRESS_BYTES
        && !address.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || crate::inert::is_invisible(c)
                || matches!(
                    c,
                    '<' | '>' | ',' | ';' | '"' | '(' | ')' | '[' | ']' | '\\' | ':'
                )
        })
}

/// Groups findings into notices.
///
/// # Errors
/// [`ErrorKind::Option`](crate::ErrorKind::Option) for an invalid ticket prefix or findings-per-notice.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use notice_render::{aggregate, AggregateOptions, Catalogue, Finding, Recipient};
/// let catalogue = Catalogue::embedded()?;
/// let now = Utc.with_ymd_and_hms(2025, 3, 5, 8, 0, 0).unwrap();
/// let seen = Utc.with_ymd_and_hms(2025, 3, 4, 1, 12, 9).unwrap();
/// let rdp = Finding::new("198.51.100.23", "scan_rdp", seen).with_port(3389);
/// let smb = Finding::new("198.51.100.24", "scan_smb", seen).with_port(445);
/// let to = Recipient::new("security@example.nl").with_languages(["nl"]);
/// let out = aggregate(&catalogue, [(rdp, to.clone()), (smb, to)], &AggregateOptions::default(), now)?;
/// assert_eq!(out.notices.len(), 1);
/// assert_eq!(out.notices[0].ticket, "NTC-20250305-00001");
/// assert_eq!(out.notices[0].groups.len(), 2);
/// assert!(out.accounts_for_all());
/// # Ok::<(), notice_render::Error>(())
/// ```
///
/// [`aggregate`] takes (finding, recipient) pairs in input order and returns
/// an [`Aggregate`] that accounts for every input: each finding is either in
/// exactly one notice or in [`Aggregate::dropped`] with its reason. It is a
/// thin wrapper over [`Aggregator`], the one aggregation: findings pushed one
/// at a time, recipients handed out for parallel rendering (what a daily run
/// of a million findings uses).
///
/// - Recipients are the same when their addresses are equal ignoring ASCII
///   case; the first pair of a recipient gives its organisation, languages
///   and via.
/// - Equal findings are merged first: one [`Item`] per
///   (address, port, problem), with how many times and first/last seen; the
///   problem is the catalogue entry, so one exposure reported by two feed
///   formats is one problem. A port seen twice is one finding.
/// - Inside a notice, findings are grouped by catalogue entry, groups in the
///   order their first finding came, findings in input order.
/// - Ticket ids are `PREFIX-YYYYMMDD-NNNNN`: the prefix from the options, the
///   date of `now`, and a sequence number from 1 in the order recipients
///   first appear. The same input in the same order gives the same tickets.
/// - A finding observed longer ago than [`AggregateOptions::max_age`] before
///   `now` is dropped as [`DropReason::TooOld`]; one without a usable
///   recipient address as [`DropReason::InvalidRecipient`].
/// - A recipient with more than [`MAX_FINDINGS_PER_NOTICE`] findings gets
///   several notices, each with its own ticket ([`Notice::part`]).
pub fn aggregate<I>(
    catalogue: &Catalogue,
    pairs: I,
    options: &AggregateOptions,
    now: DateTime<Utc>,
) -> Result<Aggregate>
where
    I: IntoIterator<Item = (Finding, Recipient)>,
{
    let mut aggregator = Aggregator::new(catalogue, options.clone(), now)?;
    let mut dropped = Vec::new();
    for (finding, recipient) in pairs {
        dropped.extend(aggregator.push(finding, recipient));
    }
    let input_count = aggregator.input_count();
    let notices = aggregator
        .finish()
        .into_iter()
        .flat_map(RecipientFindings::into_notices)
        .collect();
    Ok(Aggregate {
        notices,
        dropped,
        input_count,
    })
}

/// What every recipient handed out by one [`Aggregator`] shares: the options and the clock.
#[derive(Debug)]
struct Shared {
    options: AggregateOptions,
    now: DateTime<Utc>,
}

/// The streaming form of [`aggregate`] (which is a thin wrapper over it): findings are pushed
/// one at a time, in input order, and [`Aggregator::finish`] hands out each recipient's
/// findings ([`RecipientFindings`]) with its first ticket already numbered, so that the
/// recipients' notices can be made and rendered in parallel, one recipient at a time, and
/// dropped as they are written.
///
/// The aggregator holds, per recipient, the recipient and its findings with equal ones merged
/// as they come, and nothing per dropped finding but a count: a day of a million findings
/// for a quarter of a million recipients is held in about the size of its notice findings. The
/// rules are those of [`aggregate()`].
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use notice_render::{AggregateOptions, Aggregator, Catalogue, Finding, Recipient};
/// let catalogue = Catalogue::embedded()?;
/// let now = Utc.with_ymd_and_hms(2025, 3, 5, 8, 0, 0).unwrap();
/// let seen = Utc.with_ymd_and_hms(2025, 3, 4, 1, 12, 9).unwrap();
/// let mut aggregator = Aggregator::new(&catalogue, AggregateOptions::default(), now)?;
/// for (ip, to) in [("198.51.100.23", "soc@example.nl"), ("203.0.113.9", "abuse@isp.example")] {
///     let finding = Finding::new(ip, "scan_rdp", seen).with_port(3389);
///     assert!(aggregator.push(finding, Recipient::new(to)).is_none());
/// }
/// // Each recipient's notices can be made (and rendered) on its own thread.
/// let tickets: Vec<String> = aggregator
///     .finish()
///     .into_iter()
///     .flat_map(|r| r.into_notices())
///     .map(|n| n.ticket)
///     .collect();
/// assert_eq!(tickets, ["NTC-20250305-00001", "NTC-20250305-00002"]);
/// # Ok::<(), notice_render::Error>(())
/// ```
#[derive(Debug)]
pub struct Aggregator<'c> {
    catalogue: &'c Catalogue,
    shared: Arc<Shared>,
    first_ticket: usize,
    recipients: Vec<RecipientFindings>,
    by_key: HashMap<String, usize>,
    /// The key of the finding being pushed (kept to reuse its allocation).
    key: String,
    input_count: usize,
    dropped: usize,
}

impl<'c> Aggregator<'c> {
    /// An empty aggregator mapping findings to problems with `catalogue`, grouping with
    /// `options`, dating tickets and ageing findings by `now`. Tickets are numbered from 1
    /// (see [`Self::with_first_ticket`]).
    ///
    /// # Errors
    /// [`ErrorKind::Option`](crate::ErrorKind::Option) for an invalid ticket prefix, findings-per-notice or maximum age.
    pub fn new(
        catalogue: &'c Catalogue,
        options: AggregateOptions,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        options.validate()?;
        Ok(Self {
            catalogue,
            shared: Arc::new(Shared { options, now }),
            first_ticket: 1,
            recipients: Vec::new(),
            by_key: HashMap::new(),
            key: String::new(),
            input_count: 0,
            dropped: 0,
        })
    }

    /// Numbers the tickets from `first` instead of 1 (e.g. the day's first free number when
    /// earlier notices of the same day exist).
    pub fn with_first_ticket(mut self, first: usize) -> Self {
        self.first_ticket = first;
        self
    }

    /// The catalogue findings are mapped to problems with (to classify findings in parallel
    /// before [`Self::push_classified`]).
    pub fn catalogue(&self) -> &'c Catalogue {
        self.catalogue
    }

    /// The options it aggregates with.
    pub fn options(&self) -> &AggregateOptions {
        &self.shared.options
    }

    /// Adds the next finding with its recipient. Returns the finding, with why, when it goes
    /// into no notice (too old, no usable recipient address).
    pub fn push(&mut self, finding: Finding, recipient: Recipient) -> Option<Dropped> {
        let index = self.input_count;
        let address = recipient.address.clone();
        let entry = self.catalogue.classify(&finding).id.as_str();
        match self.push_classified(entry, finding, &address, || recipient) {
            Pushed::Kept => None,
            Pushed::Dropped {
                reason,
                finding,
                recipient,
            } => Some(Dropped {
                index,
                reason,
                finding,
                recipient: recipient(),
            }),
        }
    }

    /// As [`Self::push`], with the finding already mapped to its problem (`entry`, the id of
    /// the catalogue entry [`Catalogue::classify`] gives), so that callers can classify in
    /// parallel, and with the recipient made by `recipient` only when it is the first finding
    /// of the recipient at `address` (a daily run has four findings per recipient). A dropped
    /// finding is given back with its recipient.
    pub fn push_classified<R: FnOnce() -> Recipient>(
        &mut self,
        entry: &str,
        finding: Finding,
        address: &str,
        recipient: R,
    ) -> Pushed<R> {
        let index = self.input_count;
        self.input_count += 1;
        if let Some(reason) =
            self.shared
                .options
                .drop_reason(address, finding.observed, self.shared.now)
        {
            self.dropped += 1;
            return Pushed::Dropped {
                reason,
                finding,
                recipient,
            };
        }
        let item = Item::new(index, finding);
        self.key.clear();
        self.key.push_str(address.trim());
        self.key.make_ascii_lowercase();
        match self.by_key.get(self.key.as_str()) {
            Some(&at) => {
                if let Some(r) = self.recipients.get_mut(at) {
                    r.items.push(entry, item);
                }
            }
            None => {
                self.by_key.insert(self.key.clone(), self.recipients.len());
                let mut items = MergedItems::new();
                items.push(entry, item);
                self.recipients.push(RecipientFindings {
                    recipient: recipient(),
                    items,
                    first_ticket: 0,
                    shared: Arc::clone(&self.shared),
                });
            }
        }
        Pushed::Kept
    }

    /// Findings pushed so far.
    pub fn input_count(&self) -> usize {
        self.input_count
    }

    /// Recipients so far.
    pub fn recipients(&self) -> usize {
        self.recipients.len()
    }

    /// Findings left out so far (too old, or no usable recipient address).
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// Every recipient's findings, in the order recipients first appeared, each with the
    /// number of its first ticket: together, [`RecipientFindings::into_notices`] of each gives
    /// exactly the notices of [`aggregate`] over the same findings.
    pub fn finish(self) -> Vec<RecipientFindings> {
        let mut recipients = self.recipients;
        let mut next = self.first_ticket;
        for r in &mut recipients {
            r.first_ticket = next;
            next = next.saturating_add(self.shared.options.notice_parts(r.items.len()));
        }
        recipients
    }
}

/// What [`Aggregator::push_classified`] did with a finding.
#[derive(Debug)]
#[non_exhaustive]
// Returned by value once per push and consumed at once: boxing the finding would allocate for
// every dropped finding of a run just to give it back.
#[allow(clippy::large_enum_variant)]
pub enum Pushed<R> {
    /// It goes into its recipient's notices.
    Kept,
    /// It goes into no notice: why, with the finding and the recipient maker given back.
    Dropped {
        /// Why.
        reason: DropReason,
        /// The finding.
        finding: Finding,
        /// What was given to make its recipient (not called).
        recipient: R,
    },
}

/// One recipient's findings, as [`Aggregator::finish`] hands them out: make its notices with
/// [`Self::into_notices`] (on any thread).
#[derive(Debug)]
pub struct RecipientFindings {
    recipient: Recipient,
    items: MergedItems,
    first_ticket: usize,
    shared: Arc<Shared>,
}

impl RecipientFindings {
    /// The recipient (as given with its first finding).
    pub fn recipient(&self) -> &Recipient {
        &self.recipient
    }

    /// Its distinct findings (equal ones merged).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when it has no finding (never, for one handed out by [`Aggregator::finish`]).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The number of its first ticket.
    pub fn first_ticket(&self) -> usize {
        self.first_ticket
    }

    /// How many notices it gets (one per [`AggregateOptions::max_findings_per_notice`]).
    pub fn notice_parts(&self) -> usize {
        self.shared.options.notice_parts(self.items.len())
    }

    /// Its notices, tickets numbered from [`Self::first_ticket`].
    pub fn into_notices(self) -> Vec<Notice> {
        merged_notices(
            self.recipient,
            self.items,
            self.first_ticket,
            &self.shared.options,
            self.shared.now,
        )
    }
}

/// The key recipients are told apart by: the address without surrounding white space, in ASCII
/// lower case. Two findings whose recipients have the same key go into the same notice.
pub(crate) fn recipient_key(address: &str) -> String {
    address.trim().to_ascii_lowercase()
}

fn merged_notices(
    mut recipient: Recipient,
    items: MergedItems,
    first_ticket: usize,
    options: &AggregateOptions,
    now: DateTime<Utc>,
) -> Vec<Notice> {
    if items.is_empty() {
        return Vec::new();
    }
    recipient.address = recipient.address.trim().to_string();
    let groups = items.into_groups();
    let language = choose_language(&recipient.languages, options.default_language);
    let date = now.format("%Y%m%d").to_string();
    let chunks = split(groups, options.max_findings_per_notice);
    let parts = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, groups)| Notice {
            ticket: format!(
                "{}-{date}-{:05}",
                options.ticket_prefix,
                first_ticket.saturating_add(i)
            ),
            recipient: recipient.clone(),
            language,
            groups,
            part: (i + 1, parts),
        })
        .collect()
}

/// Splits groups into chunks of at most `max` findings, keeping group order.
fn split(groups: Vec<Group>, max: usize) -> Vec<Vec<Group>> {
    let mut chunks: Vec<Vec<Group>> = vec![Vec::new()];
    let mut in_chunk = 0usize;
    for group in groups {
        let mut current: Option<Group> = None;
        for item in group.items {
            if in_chunk == max {
                if let (Some(g), Some(last)) = (current.take(), chunks.last_mut()) {
                    last.push(g);
                }
                chunks.push(Vec::new());
                in_chunk = 0;
            }
            current
                .get_or_insert_with(|| Group {
                    entry: group.entry.clone(),
                    items: Vec::new(),
                })
                .items
                .push(item);
            in_chunk += 1;
        }
        if let (Some(g), Some(last)) = (current, chunks.last_mut()) {
            last.push(g);
        }
    }
    chunks
}

#[cfg(test)]
mod tests;
