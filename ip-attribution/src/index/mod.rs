//! The registry index, the one registry model: [`RegistryIndex`] (its docs say how it is built,
//! what it answers, how fast and in how much memory), built by [`IndexBuilder`].

mod flat;
mod hasher;
pub(crate) mod placeholder;
pub(crate) mod ranges;
mod records;
mod resolve;

use std::net::IpAddr;
use std::sync::OnceLock;

use ipnet::IpNet;

use flat::{FlatV4, FlatV6};
use hasher::FastHashMap;
pub(crate) use hasher::FastHashSet;

use crate::engine::evidence::NetworkFacts;
use crate::engine::knowledge::Knowledge;
use crate::rdap::RdapNetwork;
use crate::rpsl::{IpRange, NetworkKind, Referral, RpslObject, RpslObjectKey, RpslSource};
pub use placeholder::PlaceholderReason;
use ranges::{Covering, RangeIndex, RangeTable};
use records::{
    AutNumRecord, ContactRecord, IrtRecord, NO_RECORD, NetRecord, OrgRecord, RouteRecord,
};
pub use resolve::{EVIDENCE_BATCH, OriginAbuse};
pub(crate) use resolve::{RegistryNetwork, RegistryOrg};

/// Where a resolved abuse mailbox came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AbuseVia {
    /// The network's `abuse-c` role/person `abuse-mailbox`.
    AbuseC,
    /// The network's `abuse-c` person/role `e-mail` (LACNIC: abuse-c points to a person without
    /// `abuse-mailbox`).
    AbuseCEmail,
    /// An `abuse-mailbox` written on the network itself.
    NetworkAbuseMailbox,
    /// ARIN `RAbuseEmail` (the resource's own abuse POC).
    ArinResourceAbuse,
    /// The network's organisation's `abuse-c` role `abuse-mailbox`.
    OrgAbuseC,
    /// The organisation's own `abuse-mailbox`.
    OrgAbuseMailbox,
    /// ARIN `OrgAbuseEmail`.
    ArinOrgAbuse,
    /// RIPE's `% Abuse contact for 'RANGE' is 'ADDR'` comment for exactly this range.
    AbuseComment,
    /// The network's `mnt-irt` irt `abuse-mailbox`.
    Irt,
    /// An `aut-num`'s `abuse-c`.
    AutNumAbuseC,
    /// An `aut-num`'s organisation's abuse contact.
    AutNumOrg,
}

impl AbuseVia {
    /// Stable lower-case code (`abuse-c`, `org-abuse-c`, `arin-org-abuse`, `abuse-comment`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AbuseC => "abuse-c",
            Self::AbuseCEmail => "abuse-c-email",
            Self::NetworkAbuseMailbox => "network-abuse-mailbox",
            Self::ArinResourceAbuse => "arin-resource-abuse",
            Self::OrgAbuseC => "org-abuse-c",
            Self::OrgAbuseMailbox => "org-abuse-mailbox",
            Self::ArinOrgAbuse => "arin-org-abuse",
            Self::AbuseComment => "abuse-comment",
            Self::Irt => "irt",
            Self::AutNumAbuseC => "aut-num-abuse-c",
            Self::AutNumOrg => "aut-num-org",
        }
    }
}

/// A resolved abuse mailbox and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AbuseContact<'a> {
    /// The bare address, normalised (domain in lower case).
    pub mailbox: &'a str,
    /// How it was found.
    pub via: AbuseVia,
    /// Handle of the object that holds it (role `nic-hdl`, organisation, irt, network; none
    /// for a comment).
    pub handle: Option<&'a str>,
}

/// Counts of what went into the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct IndexStats {
    /// Registry networks (IPv4 and IPv6), placeholders included.
    pub networks: usize,
    /// Registry networks flagged as placeholders.
    pub placeholders: usize,
    /// RDAP networks.
    pub rdap_networks: usize,
    /// Organisations.
    pub organisations: usize,
    /// Roles, persons and unattached ARIN POCs.
    pub contacts: usize,
    /// irt objects.
    pub irts: usize,
    /// aut-num objects.
    pub aut_nums: usize,
    /// route and route6 objects.
    pub routes: usize,
    /// `% Abuse contact` comments (one per range).
    pub abuse_comments: usize,
    /// mntner objects seen (not stored).
    pub mntners: usize,
    /// Objects dropped because an object with the same key was already added.
    pub duplicates: usize,
    /// Elementary segments of the lookup structure (IPv4 + IPv6).
    pub segments: usize,
}

/// Collects objects for a [`RegistryIndex`].
#[derive(Debug)]
pub struct IndexBuilder {
    knowledge: Knowledge,
    seen: FastHashMap<Identity, (Slot, u32)>,
    networks: Vec<NetRecord>,
    networks6: Vec<NetRecord>,
    rdap: Vec<NetworkFacts>,
    rdap_ranges: RangeIndex,
    orgs: Vec<OrgRecord>,
    contacts: Vec<ContactRecord>,
    irts: Vec<IrtRecord>,
    aut_nums: Vec<AutNumRecord>,
    routes: Vec<RouteRecord>,
    comments: FastHashMap<IpRange, Option<Box<str>>>,
    referrals: Vec<Referral>,
    mntners: usize,
    duplicates: usize,
}

impl Default for IndexBuilder {
    fn default() -> Self {
        Self::with_knowledge(Knowledge::builtin())
    }
}

/// The identity of [`RpslObjectKey`] without formatting addresses: networks by class and range;
/// roles, persons and ARIN POCs share one namespace of handles.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    Route(IpNet, u32),
    Contact(String),
    Key(RpslObjectKey),
}

fn identity(object: &RpslObject) -> Identity {
    match object {
        RpslObject::Route(r) => Identity::Route(r.prefix, r.origin),
        RpslObject::Contact(c) => Identity::Contact(c.nic_hdl.to_ascii_uppercase()),
        _ => Identity::Key(object.key()),
    }
}

/// Drops RPSL networks whose class and range repeat an earlier one (the first is kept); ARIN
/// networks (keyed by handle) were deduplicated on `add`. Returns how many were dropped.
fn dedupe_networks(networks: &mut Vec<NetRecord>) -> usize {
    let mut keyed: Vec<(u128, u128, u32)> = networks
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.kind, NetworkKind::Inetnum | NetworkKind::Inet6num))
        .map(|(i, n)| {
            (
                addr_u128(n.range.start()),
                addr_u128(n.range.end()),
                u32::try_from(i).unwrap_or(u32::MAX),
            )
        })
        .collect();
    keyed.sort_unstable();
    let mut keep = vec![true; networks.len()];
    let mut dropped = 0;
    for run in keyed.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        // Sorted by position within the run: all but the first go.
        for k in run.iter().skip(1) {
            if let Some(slot) = keep.get_mut(k.2 as usize) {
                *slot = false;
            }
            dropped += 1;
        }
    }
    if dropped > 0 {
        let mut it = keep.into_iter();
        networks.retain(|_| it.next().unwrap_or(true));
    }
    dropped
}

fn addr_u128(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Network,
    Network6,
    Org,
    Contact,
    Irt,
    AutNum,
    Route,
    Other,
}

fn push_index<T>(v: &mut Vec<T>, x: T) -> u32 {
    v.push(x);
    u32::try_from(v.len() - 1).unwrap_or(u32::MAX)
}

impl IndexBuilder {
    /// An empty builder judging placeholders with the built-in knowledge.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty builder judging placeholder networks and addresses with `knowledge`.
    pub fn with_knowledge(knowledge: Knowledge) -> Self {
        Self {
            knowledge,
            seen: FastHashMap::default(),
            networks: Vec::new(),
            networks6: Vec::new(),
            rdap: Vec::new(),
            rdap_ranges: RangeIndex::default(),
            orgs: Vec::new(),
            contacts: Vec::new(),
            irts: Vec::new(),
            aut_nums: Vec::new(),
            routes: Vec::new(),
            comments: FastHashMap::default(),
            referrals: Vec::new(),
            mntners: 0,
            duplicates: 0,
        }
    }

    /// The knowledge the index is built with.
    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }

    /// Adds one object. Returns `false` when an object with the same class and primary key was
    /// already added (roles, persons and ARIN POCs share one namespace): the first one is kept.
    pub fn add(&mut self, object: RpslObject) -> bool {
        match object {
            // RPSL networks are keyed by their range: deduplicated by sorting in `build`,
            // which is much cheaper than hashing a million ranges.
            RpslObject::Network(n)
                if matches!(n.kind, NetworkKind::Inetnum | NetworkKind::Inet6num) =>
            {
                let v4 = n.range.is_ipv4();
                let rec = NetRecord::new(n, &self.knowledge);
                if v4 {
                    self.networks.push(rec);
                } else {
                    self.networks6.push(rec);
                }
                return true;
            }
            RpslObject::AbuseComment(c) => {
                return match self.comments.entry(c.range) {
                    std::collections::hash_map::Entry::Occupied(_) => {
                        self.duplicates += 1;
                        false
                    }
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(c.mailbox.map(Box::from));
                        true
                    }
                };
            }
            _ => {}
        }
        let key = identity(&object);
        if self.seen.contains_key(&key) {
            self.duplicates += 1;
            return false;
        }
        let entry = match object {
            RpslObject::Network(n) if n.range.is_ipv4() => (
                Slot::Network,
                push_index(&mut self.networks, NetRecord::new(n, &self.knowledge)),
            ),
            RpslObject::Network(n) => (
                Slot::Network6,
                push_index(&mut self.networks6, NetRecord::new(n, &self.knowledge)),
            ),
            RpslObject::Organisation(o) => (Slot::Org, push_index(&mut self.orgs, o.into())),
            RpslObject::Contact(c) => (Slot::Contact, push_index(&mut self.contacts, c.into())),
            RpslObject::Irt(i) => (Slot::Irt, push_index(&mut self.irts, i.into())),
            RpslObject::AutNum(a) => (Slot::AutNum, push_index(&mut self.aut_nums, a.into())),
            RpslObject::Route(r) => (Slot::Route, push_index(&mut self.routes, r.into())),
            RpslObject::Referral(r) => (Slot::Other, push_index(&mut self.referrals, r)),
            RpslObject::Mntner(_) => {
                self.mntners += 1;
                (Slot::Other, 0)
            }
            // Kept in `comments` above.
            RpslObject::AbuseComment(_) => (Slot::Other, 0),
        };
        self.seen.insert(key, entry);
        true
    }

    /// Adds one RDAP ip network (`source`: the file it came from). Its abuse and registrant
    /// e-mails are resolved here, normalised, the knowledge's placeholder addresses dropped. A
    /// network without both bounds is not added (returns `false`).
    pub fn add_rdap(&mut self, source: &str, net: &RdapNetwork) -> bool {
        let Some(n) = resolve::rdap_network(source, net, &self.knowledge) else {
            return false;
        };
        let Some(range) = IpRange::new(n.start, n.end) else {
            return false;
        };
        match u32::try_from(self.rdap.len()) {
            Ok(i) => {
                self.rdap_ranges.insert(&range, i);
                self.rdap.push(n);
                true
            }
            Err(_) => false,
        }
    }

    /// Objects with equal keys that were dropped so far (repeated RPSL networks are only
    /// found by [`IndexBuilder::build`] and counted in [`IndexStats::duplicates`]).
    pub fn duplicates(&self) -> usize {
        self.duplicates
    }

    /// Builds the index with its lookup tables (the hot records and the flattened answer tables
    /// of [`RegistryIndex::attribute_many`]).
    pub fn build(self) -> RegistryIndex {
        let index = self.assemble();
        index.prepare_lookups();
        index
    }

    /// The index from the builder's records, its lookup tables not yet built.
    fn assemble(self) -> RegistryIndex {
        let Self {
            knowledge,
            seen,
            mut networks,
            mut networks6,
            mut rdap,
            mut rdap_ranges,
            mut orgs,
            contacts,
            irts,
            aut_nums,
            mut routes,
            comments,
            referrals,
            mntners,
            duplicates,
        } = self;
        let mut duplicates = duplicates;
        duplicates += dedupe_networks(&mut networks);
        duplicates += dedupe_networks(&mut networks6);
        // IPv4 first, then IPv6, so table ids map to positions with one offset.
        let n4 = networks.len();
        networks.append(&mut networks6);
        networks.shrink_to_fit();
        rdap.shrink_to_fit();
        rdap_ranges.build();
        let v4: Vec<(u32, u32)> = networks
            .get(..n4)
            .unwrap_or_default()
            .iter()
            .map(|n| (v4_key(n.range.start()), v4_key(n.range.end())))
            .collect();
        let v6: Vec<(u128, u128)> = networks
            .get(n4..)
            .unwrap_or_default()
            .iter()
            .map(|n| (v6_key(n.range.start()), v6_key(n.range.end())))
            .collect();
        let t4 = RangeTable::build(&v4);
        let t6 = RangeTable::build(&v6);
        drop((v4, v6));

        // Stable: insertion order within a family (the most specific route's ties).
        routes.sort_by_key(|r| matches!(r.prefix, IpNet::V6(_)));
        routes.shrink_to_fit();
        let r4 = routes
            .iter()
            .take_while(|r| matches!(r.prefix, IpNet::V4(_)))
            .count();
        let rv4: Vec<(u32, u32)> = routes
            .get(..r4)
            .unwrap_or_default()
            .iter()
            .map(|r| (v4_key(r.prefix.network()), v4_key(r.prefix.broadcast())))
            .collect();
        let rv6: Vec<(u128, u128)> = routes
            .get(r4..)
            .unwrap_or_default()
            .iter()
            .map(|r| (v6_key(r.prefix.network()), v6_key(r.prefix.broadcast())))
            .collect();
        let rt4 = RangeTable::build(&rv4);
        let rt6 = RangeTable::build(&rv6);

        // The builder's identities already hold the upper-cased handles: move them.
        let mut org_by = FastHashMap::with_capacity_and_hasher(orgs.len(), Default::default());
        let mut contact_by =
            FastHashMap::with_capacity_and_hasher(contacts.len(), Default::default());
        let mut irt_by = FastHashMap::with_capacity_and_hasher(irts.len(), Default::default());
        for (identity, (slot, at)) in seen {
            match (identity, slot) {
                (Identity::Key(RpslObjectKey { key, .. }), Slot::Org) => {
                    org_by.insert(key, at);
                }
                (Identity::Contact(key), Slot::Contact) => {
                    contact_by.insert(key, at);
                }
                (Identity::Key(RpslObjectKey { key, .. }), Slot::Irt) => {
                    irt_by.insert(key, at);
                }
                _ => {}
            }
        }
        // Handles resolved once: a network's organisation and an organisation's abuse-c, as
        // `position_by` finds them (the maps do not change after this).
        for n in &mut networks {
            n.org_at = n
                .org
                .as_deref()
                .and_then(|h| position_by(&org_by, h))
                .unwrap_or(NO_RECORD);
        }
        for o in &mut orgs {
            o.abuse_c_at = o
                .abuse_c
                .as_deref()
                .and_then(|h| position_by(&contact_by, h))
                .unwrap_or(NO_RECORD);
        }
        let aut_num_by: FastHashMap<u32, u32> = aut_nums
            .iter()
            .enumerate()
            .map(|(i, a)| (a.asn, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let abuse_comments = comments.len();
        let comments: FastHashMap<IpRange, Box<str>> = comments
            .into_iter()
            .filter_map(|(r, m)| Some((r, m?)))
            .collect();
        let stats = IndexStats {
            networks: networks.len(),
            placeholders: networks.iter().filter(|n| n.placeholder.is_some()).count(),
            rdap_networks: rdap.len(),
            organisations: orgs.len(),
            contacts: contacts.len(),
            irts: irts.len(),
            aut_nums: aut_nums.len(),
            routes: routes.len(),
            abuse_comments,
            mntners,
            duplicates,
            segments: t4.segments() + t6.segments(),
        };
        RegistryIndex {
            knowledge,
            networks,
            n4: u32::try_from(n4).unwrap_or(u32::MAX),
            hot: OnceLock::new(),
            flat: OnceLock::new(),
            t4,
            t6,
            rdap,
            rdap_ranges,
            routes,
            r4: u32::try_from(r4).unwrap_or(u32::MAX),
            rt4,
            rt6,
            orgs,
            org_by,
            contacts,
            contact_by,
            irts,
            irt_by,
            aut_nums,
            aut_num_by,
            comments,
            referrals,
            stats,
        }
    }

    /// Builds the index without its lookup tables (the hot records and the flattened answer
    /// tables): they are built on the first lookup that reads them ([`RegistryIndex::attribute`],
    /// [`RegistryIndex::attribute_many`], [`NetworkView::abuse`], a lookup without
    /// placeholders), or by [`RegistryIndex::prepare_lookups`]. The snapshot builds its index
    /// this way: the engine reads every covering network with
    /// [`RegistryIndex::evidence_networks`], which needs neither, so a daily run does not pay
    /// their time and memory (about 84 MB over a million networks).
    pub fn build_without_lookup_tables(self) -> RegistryIndex {
        self.assemble()
    }
}

impl Extend<RpslObject> for IndexBuilder {
    fn extend<I: IntoIterator<Item = RpslObject>>(&mut self, iter: I) {
        for o in iter {
            self.add(o);
        }
    }
}

impl FromIterator<RpslObject> for RegistryIndex {
    fn from_iter<I: IntoIterator<Item = RpslObject>>(iter: I) -> Self {
        let mut b = IndexBuilder::new();
        b.extend(iter);
        b.build()
    }
}

fn v4_key(ip: IpAddr) -> u32 {
    match ip {
        IpAddr::V4(a) => u32::from(a),
        IpAddr::V6(_) => 0,
    }
}

fn v6_key(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V6(a) => u128::from(a),
        IpAddr::V4(_) => 0,
    }
}

/// The registry index: networks (registry and RDAP), organisations, contacts, irts, aut-nums
/// and routes as compact records, with an exact most-specific-first lookup. Immutable and
/// `Sync`: share it between threads.
///
/// The one registry model. For any IPv4 or IPv6 address, the covering registry networks,
/// most specific first, each with its organisation and resolved abuse contacts; the
/// snapshot's evidence ([`RegistryIndex::evidence_networks`], [`RegistryIndex::asn_abuse`])
/// and `registry-check` both read it.
///
/// Build it from [`RpslObject`](crate::RpslObject)s with an [`IndexBuilder`] (an object
/// whose class and primary key repeat an earlier one counts once: the first is kept), plus
/// RDAP networks ([`IndexBuilder::add_rdap`]), then ask [`RegistryIndex::lookup`].
///
/// * What is kept of each object is a compact record of what resolution and the engine read
///   (handles, names, status, mailboxes normalised once, `mnt-by`, source), not the parsed
///   object: over the generated registry of 1M networks, 0.53M organisations and 0.77M roles,
///   the records are about half the parsed objects' memory.
/// * Ranges are exact: an `inetnum` that is not CIDR aligned (`192.0.2.10 - 192.0.2.45`) covers
///   exactly its addresses. Order is by range size (smaller first); equal sizes by later start.
///   Less specific networks follow in the same list, so a caller can compare an assignment with
///   its parent allocation (status, organisation).
/// * Placeholder networks (see [`PlaceholderReason`]) are flagged by the builder's knowledge
///   ([`Knowledge::placeholder_reason`](crate::Knowledge::placeholder_reason), the one
///   rule) and skipped by
///   [`RegistryIndex::lookup`]; [`RegistryIndex::lookup_all`] shows them for diagnostics.
/// * Abuse resolution (one, the engine's): a network's own mailboxes are its `abuse-mailbox`
///   (ARIN `RAbuseEmail`), then for each `abuse-c` the contact's `abuse-mailbox`, or every
///   `e-mail` of a contact without one (LACNIC persons); only when that and the organisation's
///   list are both empty, its `mnt-irt`s' `abuse-mailbox`. The organisation's mailboxes are its
///   `abuse-mailbox` (ARIN `OrgAbuseEmail`) then its `abuse-c`'s. The RIPE `% Abuse contact`
///   comment for exactly the network's range comes last. The knowledge's placeholder addresses
///   never count. [`NetworkView::abuse`] is the first of these (own, else organisation's, else
///   the comment): the address the engine writes to first; [`AbuseContact::via`] says where it
///   came from. [`RegistryIndex::evidence_networks`] gives every mailbox of each level.
/// * [`RegistryIndex::origin_abuse`] resolves the most specific route object → origin AS →
///   `aut-num` abuse for an "asn-abuse" fallback.
///
/// Lookup is a binary search over elementary segments (a /16 table narrows IPv4 searches), with
/// no allocation. What a lookup reads of a network (netname, abuse mailbox, where the mailbox
/// came from, placeholder flag) sits in one 64-byte cache line per network, filled at build
/// time: the abuse contact is resolved once in [`IndexBuilder::build`], never by handle at
/// lookup. The records are read only by the accessors that need other attributes.
///
/// The most specific answer alone has a faster path: per address family, an answer table of
/// the address runs that share one most specific non-placeholder network (run start and
/// network id side by side; for IPv4 eight to a cache line) under a directory on the
/// address's high bits sized to about one bucket per two runs, so that
/// [`RegistryIndex::most_specific`] reads one directory entry and one short window (IPv4:
/// counted without branches). A random lookup then pays two cache misses in the tables plus
/// one for the network's hot record. [`RegistryIndex::attribute_many`] (and
/// [`RegistryIndex::attribute_iter`]) interleave [`ATTRIBUTE_BATCH`] independent lookups stage
/// by stage (directories, windows, hot records) so that their misses overlap: over the
/// generated registry of 1M IPv4 networks, with random addresses, that batch form does about
/// 12–14 million lookups per second per core (thread CPU time, on a shared machine), one at a
/// time [`RegistryIndex::attribute`] about 6–7 million (its three misses cannot overlap).
/// IPv6 registry data is clustered in a huge space: its windows are longer and binary
/// searched, and its runs are 32 bytes.
///
/// The engine's question is wider than the most specific answer: every covering network,
/// placeholders flagged, each with every mailbox of its levels, as
/// [`EvidenceNetwork`](crate::EvidenceNetwork)s ([`RegistryIndex::evidence_networks`]): views
/// of the index's records that resolve a network's organisation, abuse addresses and comment
/// only when the policy reads them, borrowing the index's strings (nothing is copied, nothing
/// allocated per network). Its batched form, [`RegistryIndex::evidence_networks_many`], is the
/// product's path (the snapshot's `EvidenceSource::networks_many`, which the engine's batch and
/// step runners call with sorted addresses): the exact tables' range searches of
/// [`EVIDENCE_BATCH`] addresses run in lock step (one halving of every search window at a
/// time) so that their cache misses overlap. A network's organisation and an organisation's
/// `abuse-c` are found by handle once, when the index is assembled (BENCHMARKS.md, "Registry
/// lookups on the product's path" and the sixth and seventh rounds after it). It reads the
/// exact tables and the records only, so an index made with
/// [`IndexBuilder::build_without_lookup_tables`] stays without the hot records and answer
/// tables.
///
/// Memory per 1M networks (the generated benchmark registry), beyond the records themselves:
/// 64 MB of hot records (64-byte slots), about 20 MB for the exact IPv4 segment table and
/// 17.5 MB for the IPv4 answer table (runs and directory); 1M IPv6 networks take 36 MB of
/// exact table and 34 MB of answer table.
#[derive(Debug)]
pub struct RegistryIndex {
    knowledge: Knowledge,
    networks: Vec<NetRecord>,
    n4: u32,
    /// Per network (same ids as `networks`): what a lookup reads, in one small record. Built
    /// on first use (see [`IndexBuilder::build_without_lookup_tables`]).
    hot: OnceLock<HotTable>,
    /// IPv4 and IPv6: the most specific non-placeholder network of every address, flattened.
    /// Built on first use.
    flat: OnceLock<(FlatV4, FlatV6)>,
    t4: RangeTable<u32>,
    t6: RangeTable<u128>,
    /// RDAP networks, resolved when added.
    rdap: Vec<NetworkFacts>,
    rdap_ranges: RangeIndex,
    routes: Vec<RouteRecord>,
    r4: u32,
    rt4: RangeTable<u32>,
    rt6: RangeTable<u128>,
    orgs: Vec<OrgRecord>,
    org_by: FastHashMap<String, u32>,
    contacts: Vec<ContactRecord>,
    contact_by: FastHashMap<String, u32>,
    irts: Vec<IrtRecord>,
    irt_by: FastHashMap<String, u32>,
    aut_nums: Vec<AutNumRecord>,
    aut_num_by: FastHashMap<u32, u32>,
    /// `% Abuse contact` mailboxes by exact range (as written in the comment).
    comments: FastHashMap<IpRange, Box<str>>,
    referrals: Vec<Referral>,
    stats: IndexStats,
}
impl RegistryIndex {
    /// An index of `objects` (same as collecting them through an [`IndexBuilder`]).
    pub fn from_objects(objects: impl IntoIterator<Item = RpslObject>) -> Self {
        objects.into_iter().collect()
    }

    /// The networks covering `ip`, most specific first, placeholders left out.
    pub fn lookup(&self, ip: IpAddr) -> Lookup<'_> {
        self.covering(ip, false)
    }

    /// The networks covering `ip`, most specific first, placeholders included (for diagnostics;
    /// see [`NetworkView::placeholder`]).
    pub fn lookup_all(&self, ip: IpAddr) -> Lookup<'_> {
        self.covering(ip, true)
    }

    /// The most specific non-placeholder network covering `ip` (the first of
    /// [`RegistryIndex::lookup`]; for IPv4 read from a flat answer table, see [`RegistryIndex`]).
    pub fn most_specific(&self, ip: IpAddr) -> Option<NetworkView<'_>> {
        match ip {
            IpAddr::V4(a) => self.view(self.flat_tables().0.get(u32::from(a))),
            IpAddr::V6(a) => self.view(self.flat_tables().1.get(u128::from(a))),
        }
    }

    /// What a bulk attribution reads of the most specific non-placeholder network covering
    /// `ip`: the network, its netname, abuse mailbox and where that came from (the same answer
    /// as [`RegistryIndex::most_specific`] and the same values as its [`NetworkView`]
    /// accessors).
    pub fn attribute(&self, ip: IpAddr) -> Option<Attribution<'_>> {
        self.most_specific(ip).map(Attribution::of)
    }

    /// [`RegistryIndex::attribute`] for many addresses at once: clears `out` and pushes one
    /// answer per address, in order. IPv4 lookups are interleaved in groups of
    /// [`ATTRIBUTE_BATCH`] (every directory read of the group, then every window read, then
    /// every hot record), so the cache misses of independent lookups overlap instead of
    /// following one another; IPv6 addresses take the ordinary path.
    pub fn attribute_many<'a>(&'a self, ips: &[IpAddr], out: &mut Vec<Option<Attribution<'a>>>) {
        out.clear();
        out.reserve(ips.len());
        let mut windows = [(0u32, 0u32); ATTRIBUTE_BATCH];
        let mut ids = [flat::NONE; ATTRIBUTE_BATCH];
        let mut headers = [[0u8; 4]; ATTRIBUTE_BATCH];
        for group in ips.chunks(ATTRIBUTE_BATCH) {
            for (w, ip) in windows.iter_mut().zip(group) {
                *w = match ip {
                    IpAddr::V4(a) => self.flat_tables().0.window(u32::from(*a)),
                    IpAddr::V6(a) => self.flat_tables().1.window(u128::from(*a)),
                };
            }
            for ((id, w), ip) in ids.iter_mut().zip(&windows).zip(group) {
                *id = match ip {
                    IpAddr::V4(a) => self.flat_tables().0.search(u32::from(*a), *w),
                    IpAddr::V6(a) => self.flat_tables().1.search(u128::from(*a), *w),
                };
            }
            // Every hot record's header first (the records' cache misses overlap), then decode.
            for (h, &id) in headers.iter_mut().zip(&ids).take(group.len()) {
                if let Some(hot) = self.hot_table().get(id) {
                    *h = hot.header();
                }
            }
            out.extend(ids.iter().zip(&headers).take(group.len()).map(|(&id, &h)| {
                let view = self.view(id)?;
                Some(match self.hot_table().get(id) {
                    Some(hot) => Attribution::read(view, hot, h),
                    None => Attribution::of(view),
                })
            }));
        }
    }

    /// [`RegistryIndex::attribute_many`] over any iterator of addresses: yields each address
    /// with its answer, in order, looking them up [`ATTRIBUTE_ITER_GROUP`] at a time (so it
    /// runs at the batch's speed without the caller collecting a slice).
    pub fn attribute_iter<I>(&self, ips: I) -> AttributeIter<'_, I::IntoIter>
    where
        I: IntoIterator<Item = IpAddr>,
    {
        AttributeIter {
            index: self,
            ips: ips.into_iter(),
            buf: Vec::new(),
            out: Vec::new(),
            at: 0,
        }
    }

    fn view(&self, id: u32) -> Option<NetworkView<'_>> {
        (id != flat::NONE).then_some(NetworkView { index: self, id })
    }

    /// The most specific non-placeholder network covering `ip` that has a resolved abuse
    /// mailbox, with that mailbox (a customer assignment without its own falls back to its
    /// parent allocation's).
    pub fn abuse_for(&self, ip: IpAddr) -> Option<(NetworkView<'_>, AbuseContact<'_>)> {
        self.lookup(ip).find_map(|n| n.abuse().map(|a| (n, a)))
    }

    fn covering(&self, ip: IpAddr, placeholders: bool) -> Lookup<'_> {
        let (covering, offset) = match ip {
            IpAddr::V4(a) => (self.t4.covering(u32::from(a)), 0),
            IpAddr::V6(a) => (self.t6.covering(u128::from(a)), self.n4),
        };
        Lookup {
            index: self,
            covering,
            offset,
            placeholders,
        }
    }

    /// Route/route6 objects covering `ip`, most specific first: (prefix, origin AS).
    pub fn routes(&self, ip: IpAddr) -> impl Iterator<Item = (IpNet, u32)> + '_ {
        self.route_ids(ip)
            .filter_map(move |id| self.routes.get(id as usize))
            .map(|r| (r.prefix, r.origin))
    }

    /// Positions in `routes` of the routes covering `ip`, most specific first.
    fn route_ids(&self, ip: IpAddr) -> impl Iterator<Item = u32> + '_ {
        let (covering, offset) = match ip {
            IpAddr::V4(a) => (self.rt4.covering(u32::from(a)), 0),
            IpAddr::V6(a) => (self.rt6.covering(u128::from(a)), self.r4),
        };
        covering.map(move |id| id + offset)
    }

    /// The knowledge the index was built with (placeholder networks and addresses).
    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }

    /// The organisation with `handle` (case-insensitive).
    pub fn organisation(&self, handle: &str) -> Option<OrgView<'_>> {
        let at = position_by(&self.org_by, handle)?;
        Some(OrgView {
            index: self,
            org: self.orgs.get(at as usize)?,
        })
    }

    /// The mailbox of the `% Abuse contact` comment for exactly `range`, as written.
    pub fn abuse_comment(&self, range: &IpRange) -> Option<&str> {
        self.comments.get(range).map(|m| &**m)
    }

    /// IANA referrals seen.
    pub fn referrals(&self) -> &[Referral] {
        &self.referrals
    }

    /// Every registry network (IPv4 first), placeholders included.
    pub fn networks(&self) -> impl Iterator<Item = NetworkView<'_>> + '_ {
        (0..self.networks.len()).map(move |i| NetworkView {
            index: self,
            id: u32::try_from(i).unwrap_or(u32::MAX),
        })
    }

    /// Builds the lookup tables now if they are not built yet (the hot records and the
    /// flattened answer tables, see [`IndexBuilder::build_without_lookup_tables`]), so that
    /// the first lookups do not pay for them and [`RegistryIndex::lookup_structure_bytes`] and
    /// [`RegistryIndex::hot_record_bytes`] count them (0 before).
    pub fn prepare_lookups(&self) {
        self.flat_tables();
    }

    /// The hot records, built on first use.
    fn hot_table(&self) -> &HotTable {
        self.hot.get_or_init(|| hot_records(self))
    }

    /// The flattened answer tables (IPv4, IPv6), built on first use.
    fn flat_tables(&self) -> &(FlatV4, FlatV6) {
        self.flat.get_or_init(|| answer_tables(self))
    }

    /// What went into the index.
    pub fn stats(&self) -> &IndexStats {
        &self.stats
    }

    /// Heap bytes of the lookup structures alone (segments, chains, the IPv4 answer table),
    /// without the records and their hot records.
    pub fn lookup_structure_bytes(&self) -> usize {
        self.t4.heap_bytes()
            + self.t6.heap_bytes()
            + self.rt4.heap_bytes()
            + self.rt6.heap_bytes()
            + self
                .flat
                .get()
                .map_or(0, |(v4, v6)| v4.heap_bytes() + v6.heap_bytes())
    }

    /// Heap bytes of the per-network hot records (64 bytes each).
    pub fn hot_record_bytes(&self) -> usize {
        self.hot.get().map_or(0, |h| h.slots.capacity())
    }
}

/// The position of `handle` (case-insensitive, trimmed) in a handle map. The maps' keys are
/// upper case (`to_ascii_uppercase`, as the builder keys organisations, contacts and irts), so
/// a handle with a lower-case letter is looked up upper-cased only (in a buffer on the stack
/// when it is short: generated and LACNIC-style handles such as `ORG-C12x3-GEN` are common,
/// and the engine asks for several per network).
fn position_by(map: &FastHashMap<String, u32>, handle: &str) -> Option<u32> {
    let handle = handle.trim();
    if !handle.bytes().any(|b| b.is_ascii_lowercase()) {
        return map.get(handle).copied();
    }
    let mut buf = [0u8; 64];
    match buf.get_mut(..handle.len()) {
        Some(upper) => {
            upper.copy_from_slice(handle.as_bytes());
            upper.make_ascii_uppercase();
            // ASCII case changes keep UTF-8 valid.
            std::str::from_utf8(upper)
                .ok()
                .and_then(|h| map.get(h).copied())
        }
        None => map.get(&handle.to_ascii_uppercase()).copied(),
    }
}

/// The networks covering one address, most specific first (an iterator of [`NetworkView`]).
#[derive(Debug, Clone)]
pub struct Lookup<'a> {
    index: &'a RegistryIndex,
    covering: Covering<'a>,
    offset: u32,
    placeholders: bool,
}

impl<'a> Iterator for Lookup<'a> {
    type Item = NetworkView<'a>;

    #[inline]
    fn next(&mut self) -> Option<NetworkView<'a>> {
        loop {
            let id = self.covering.next()? + self.offset;
            // with placeholders every network is wanted: the hot records are not read
            if self.placeholders
                || self
                    .index
                    .hot_table()
                    .get(id)
                    .is_none_or(|h| h.placeholder().is_none())
            {
                return Some(NetworkView {
                    index: self.index,
                    id,
                });
            }
        }
    }
}

/// How many IPv4 lookups [`RegistryIndex::attribute_many`] interleaves.
pub const ATTRIBUTE_BATCH: usize = 32;

/// How many addresses [`RegistryIndex::attribute_iter`] takes from its source at a time.
pub const ATTRIBUTE_ITER_GROUP: usize = 256;

/// The iterator of [`RegistryIndex::attribute_iter`]: each address with its answer.
#[derive(Debug)]
pub struct AttributeIter<'a, I> {
    index: &'a RegistryIndex,
    ips: I,
    buf: Vec<IpAddr>,
    out: Vec<Option<Attribution<'a>>>,
    at: usize,
}

impl<'a, I: Iterator<Item = IpAddr>> Iterator for AttributeIter<'a, I> {
    type Item = (IpAddr, Option<Attribution<'a>>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.out.len() {
            self.buf.clear();
            self.buf
                .extend(self.ips.by_ref().take(ATTRIBUTE_ITER_GROUP));
            self.index.attribute_many(&self.buf, &mut self.out);
            self.at = 0;
        }
        let item = (*self.buf.get(self.at)?, *self.out.get(self.at)?);
        self.at += 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.out.len().saturating_sub(self.at);
        let (lo, hi) = self.ips.size_hint();
        (
            lo.saturating_add(left),
            hi.and_then(|h| h.checked_add(left)),
        )
    }
}

/// The most specific non-placeholder network of an address with what a bulk attribution reads
/// of it, from [`RegistryIndex::attribute`] and [`RegistryIndex::attribute_many`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Attribution<'a> {
    /// The network (every other attribute through its accessors).
    pub network: NetworkView<'a>,
    /// [`NetworkView::netname`].
    pub netname: Option<&'a str>,
    /// [`NetworkView::abuse_mailbox`].
    pub abuse_mailbox: Option<&'a str>,
    /// [`NetworkView::abuse_via`].
    pub abuse_via: Option<AbuseVia>,
}

impl<'a> Attribution<'a> {
    #[inline]
    fn of(network: NetworkView<'a>) -> Self {
        match network.hot() {
            Some(hot) => Self::read(network, hot, hot.header()),
            None => Self {
                network,
                netname: network.netname(),
                abuse_mailbox: network.abuse_mailbox(),
                abuse_via: network.abuse_via(),
            },
        }
    }

    /// Decodes the hot record whose `header` was already read (as [`NetworkView::netname`],
    /// [`NetworkView::abuse_mailbox`] and [`NetworkView::abuse_via`] do).
    #[inline]
    fn read(network: NetworkView<'a>, hot: Hot<'a>, header: [u8; 4]) -> Self {
        let netname = match hot.netname_in(header) {
            Inline::Absent => None,
            Inline::Text(t) => Some(t),
            Inline::Cold => network.network().netname.as_deref(),
        };
        let abuse_via = via_in(header);
        let abuse_mailbox = match (abuse_via, hot.mailbox_in(header)) {
            (None, _) | (Some(_), Inline::Absent) => None,
            (Some(_), Inline::Text(t)) => Some(t),
            (Some(_), Inline::Cold) => network.abuse().map(|a| a.mailbox),
        };
        Self {
            network,
            netname,
            abuse_mailbox,
            abuse_via,
        }
    }
}

/// The answer tables: per elementary segment of the exact tables, its first non-placeholder
/// network.
fn answer_tables(index: &RegistryIndex) -> (FlatV4, FlatV6) {
    let hot = index.hot_table();
    let first_real = |covering: Covering<'_>, offset: u32| {
        covering
            .map(|id| id + offset)
            .find(|&id| hot.get(id).is_some_and(|h| h.placeholder().is_none()))
            .unwrap_or(flat::NONE)
    };
    (
        FlatV4::build(
            index
                .t4
                .segments_covering()
                .map(|(start, covering)| (start, first_real(covering, 0))),
        ),
        FlatV6::build(
            index
                .t6
                .segments_covering()
                .map(|(start, covering)| (start, first_real(covering, index.n4))),
        ),
    )
}

/// One network in the index, with its organisation, abuse contact and irt resolved on demand.
#[derive(Debug, Clone, Copy)]
pub struct NetworkView<'a> {
    index: &'a RegistryIndex,
    id: u32,
}

impl<'a> NetworkView<'a> {
    /// The network's record.
    fn network(&self) -> &'a NetRecord {
        // `id` always comes from the index's own tables.
        match self.index.networks.get(self.id as usize) {
            Some(n) => n,
            None => unreachable_network(),
        }
    }

    /// The exact range.
    pub fn range(&self) -> IpRange {
        self.network().range
    }

    /// The range's exact CIDR decomposition.
    pub fn cidrs(&self) -> Vec<IpNet> {
        self.network().range.cidrs()
    }

    /// Record kind (inetnum, inet6num, ARIN).
    pub fn kind(&self) -> NetworkKind {
        self.network().kind
    }

    /// `netname`.
    pub fn netname(&self) -> Option<&'a str> {
        match self.hot().map(|h| h.netname()) {
            Some(Inline::Absent) => None,
            Some(Inline::Text(t)) => Some(t),
            Some(Inline::Cold) | None => self.network().netname.as_deref(),
        }
    }

    fn hot(&self) -> Option<Hot<'a>> {
        self.index.hot_table().get(self.id)
    }

    /// Primary key / ARIN `NetHandle`.
    pub fn handle(&self) -> &'a str {
        &self.network().handle
    }

    /// `status` / ARIN `NetType`, as written.
    pub fn status(&self) -> Option<&'a str> {
        self.network().status.as_deref()
    }

    /// `mnt-by`.
    pub fn mnt_by(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.network().mnt_by.iter().map(|m| &**m)
    }

    /// Where the object came from (source name and line).
    pub fn source(&self) -> &'a RpslSource {
        &self.network().source
    }

    /// True for a placeholder object (never an answer of [`RegistryIndex::lookup`]).
    pub fn placeholder(&self) -> bool {
        self.placeholder_reason().is_some()
    }

    /// Why it is a placeholder.
    pub fn placeholder_reason(&self) -> Option<PlaceholderReason> {
        self.hot().and_then(|h| h.placeholder())
    }

    /// The network's organisation handle (`org`, ARIN `Organization`, LACNIC `ownerid`).
    pub fn org_handle(&self) -> Option<&'a str> {
        self.network().org.as_deref()
    }

    /// The organisation object, when present in the index.
    pub fn org(&self) -> Option<OrgView<'a>> {
        self.index.organisation(self.org_handle()?)
    }

    /// The organisation's name: `org-name` of the organisation object, else the name written on
    /// the network (LACNIC `owner`, ARIN `Organization`).
    pub fn org_name(&self) -> Option<&'a str> {
        self.org()
            .and_then(|o| o.name())
            .or(self.network().org_name.as_deref())
    }

    /// The handle of the first `mnt-irt` irt object present in the index.
    pub fn irt_handle(&self) -> Option<&'a str> {
        self.network()
            .mnt_irt
            .iter()
            .find_map(|h| position_by(&self.index.irt_by, h))
            .and_then(|i| self.index.irts.get(i as usize))
            .map(|i| &*i.handle)
    }

    /// The network's own abuse contact: the first address of its resolution (see the module
    /// docs for the order), without looking at less specific networks;
    /// [`RegistryIndex::abuse_for`] walks up. The mailbox and its origin are also in the hot
    /// record ([`NetworkView::abuse_mailbox`], [`NetworkView::abuse_via`]).
    pub fn abuse(&self) -> Option<AbuseContact<'a>> {
        self.index.first_abuse(self.network())
    }

    /// The abuse mailbox of [`NetworkView::abuse`] alone, read from the index's compact
    /// per-network record (the fast path for bulk attribution).
    pub fn abuse_mailbox(&self) -> Option<&'a str> {
        let h = self.hot()?;
        h.via()?;
        match h.mailbox() {
            Inline::Text(t) => Some(t),
            Inline::Absent => None,
            Inline::Cold => self.abuse().map(|a| a.mailbox),
        }
    }

    /// How [`NetworkView::abuse`] was found, without building the contact.
    pub fn abuse_via(&self) -> Option<AbuseVia> {
        self.hot()?.via()
    }
}

/// Bytes of one network's hot slot: a 4-byte header (netname length, mailbox length,
/// placeholder code, via code; all ASCII) and the netname then the mailbox, NUL padded.
const SLOT: usize = 64;
/// Where the text starts in a slot.
const TEXT_AT: usize = 4;
/// Length marker: no such string.
const ABSENT: u8 = 0x7f;
/// Length marker: too long to keep inline, read the cold object.
const COLD: u8 = 0x7e;

const PLACEHOLDER_CODES: [PlaceholderReason; 6] = [
    PlaceholderReason::WholeAddressSpace,
    PlaceholderReason::Netname,
    PlaceholderReason::Organisation,
    PlaceholderReason::Status,
    PlaceholderReason::Description,
    PlaceholderReason::Source,
];

const VIA_CODES: [AbuseVia; 11] = [
    AbuseVia::AbuseC,
    AbuseVia::AbuseCEmail,
    AbuseVia::NetworkAbuseMailbox,
    AbuseVia::ArinResourceAbuse,
    AbuseVia::OrgAbuseC,
    AbuseVia::OrgAbuseMailbox,
    AbuseVia::ArinOrgAbuse,
    AbuseVia::AbuseComment,
    AbuseVia::Irt,
    AbuseVia::AutNumAbuseC,
    AbuseVia::AutNumOrg,
];

fn placeholder_code(p: Option<PlaceholderReason>) -> u8 {
    match p {
        None => 0,
        Some(PlaceholderReason::WholeAddressSpace) => 1,
        Some(PlaceholderReason::Netname) => 2,
        Some(PlaceholderReason::Organisation) => 3,
        Some(PlaceholderReason::Status) => 4,
        Some(PlaceholderReason::Description) => 5,
        Some(PlaceholderReason::Source) => 6,
    }
}

fn via_code(v: Option<AbuseVia>) -> u8 {
    match v {
        None => 0,
        Some(AbuseVia::AbuseC) => 1,
        Some(AbuseVia::AbuseCEmail) => 2,
        Some(AbuseVia::NetworkAbuseMailbox) => 3,
        Some(AbuseVia::ArinResourceAbuse) => 4,
        Some(AbuseVia::OrgAbuseC) => 5,
        Some(AbuseVia::OrgAbuseMailbox) => 6,
        Some(AbuseVia::ArinOrgAbuse) => 7,
        Some(AbuseVia::AbuseComment) => 8,
        Some(AbuseVia::Irt) => 9,
        Some(AbuseVia::AutNumAbuseC) => 10,
        Some(AbuseVia::AutNumOrg) => 11,
    }
}

enum Inline<'a> {
    Absent,
    Text(&'a str),
    Cold,
}

/// What a lookup reads of each network, one 64-byte slot per network in a single `String`
/// aligned to 64 bytes (one cache line per lookup): netname and resolved abuse mailbox inline
/// when they fit (else read from the objects), the placeholder flag and where the mailbox came
/// from. Being a `str`, a slot yields `&str` without validating UTF-8 at lookup. The records
/// stay apart (cold).
#[derive(Debug, Default)]
struct HotTable {
    slots: String,
    /// Padding before slot 0 (to a 64-byte boundary).
    start: usize,
}

impl HotTable {
    fn with_capacity(n: usize) -> Self {
        let mut slots = String::with_capacity(n.saturating_mul(SLOT).saturating_add(SLOT));
        let start = (SLOT - slots.as_ptr() as usize % SLOT) % SLOT;
        slots.extend(std::iter::repeat_n('\0', start));
        Self { slots, start }
    }

    fn push(
        &mut self,
        netname: Option<&str>,
        mailbox: Option<&str>,
        via: Option<AbuseVia>,
        placeholder: Option<PlaceholderReason>,
    ) {
        let mut slot = [0u8; SLOT];
        let mut lens = [ABSENT; 2];
        let mut used = TEXT_AT;
        for (s, len) in [netname, mailbox].into_iter().zip(lens.iter_mut()) {
            let Some(s) = s else { continue };
            match (slot.get_mut(used..used + s.len()), u8::try_from(s.len())) {
                (Some(to), Ok(n)) if n < COLD => {
                    to.copy_from_slice(s.as_bytes());
                    *len = n;
                    used += s.len();
                }
                _ => *len = COLD,
            }
        }
        let [name_len, mail_len] = lens;
        slot[0] = name_len;
        slot[1] = mail_len;
        slot[2] = placeholder_code(placeholder);
        slot[3] = via_code(via);
        // Whole strings, ASCII header and NUL padding: always UTF-8.
        match std::str::from_utf8(&slot) {
            Ok(s) => self.slots.push_str(s),
            Err(_) => {
                let header = [COLD, COLD, slot[2], slot[3]];
                self.slots.extend(header.iter().map(|&b| char::from(b)));
                self.slots.extend(std::iter::repeat_n('\0', SLOT - TEXT_AT));
            }
        }
    }

    #[inline]
    fn get(&self, id: u32) -> Option<Hot<'_>> {
        let at = self.start + id as usize * SLOT;
        let slot = self.slots.get(at..at + SLOT)?;
        Some(Hot { slot })
    }
}

/// One network's hot slot.
#[derive(Debug, Clone, Copy)]
struct Hot<'a> {
    slot: &'a str,
}

impl<'a> Hot<'a> {
    fn text(&self, from: usize, len: u8) -> Inline<'a> {
        match len {
            ABSENT => Inline::Absent,
            COLD => Inline::Cold,
            n => match self.slot.get(from..from + usize::from(n)) {
                Some(t) => Inline::Text(t),
                None => Inline::Cold,
            },
        }
    }

    /// The 4-byte header (netname length, mailbox length, placeholder code, via code).
    #[inline]
    fn header(&self) -> [u8; 4] {
        match self.slot.as_bytes().first_chunk::<4>() {
            Some(h) => *h,
            None => [COLD, COLD, 0, 0],
        }
    }

    fn netname(&self) -> Inline<'a> {
        self.netname_in(self.header())
    }

    fn netname_in(&self, header: [u8; 4]) -> Inline<'a> {
        self.text(TEXT_AT, header[0])
    }

    fn mailbox(&self) -> Inline<'a> {
        self.mailbox_in(self.header())
    }

    fn mailbox_in(&self, [name_len, mail_len, ..]: [u8; 4]) -> Inline<'a> {
        let from = TEXT_AT
            + if name_len < COLD {
                usize::from(name_len)
            } else {
                0
            };
        self.text(from, mail_len)
    }

    fn placeholder(&self) -> Option<PlaceholderReason> {
        let code = usize::from(self.header()[2]).checked_sub(1)?;
        PLACEHOLDER_CODES.get(code).copied()
    }

    fn via(&self) -> Option<AbuseVia> {
        via_in(self.header())
    }
}

fn via_in(header: [u8; 4]) -> Option<AbuseVia> {
    let code = usize::from(header[3]).checked_sub(1)?;
    VIA_CODES.get(code).copied()
}

/// The hot slots of every network.
fn hot_records(index: &RegistryIndex) -> HotTable {
    let mut hot = HotTable::with_capacity(index.networks.len());
    for net in &index.networks {
        let abuse = index.first_abuse(net);
        hot.push(
            net.netname.as_deref(),
            abuse.map(|a| a.mailbox),
            abuse.map(|a| a.via),
            net.placeholder,
        );
    }
    hot
}

#[cold]
fn unreachable_network() -> &'static NetRecord {
    // Views are only made from ids of the index's own tables; this is never reached. A static
    // fallback keeps the accessor total without a panic path.
    static EMPTY: std::sync::OnceLock<NetRecord> = std::sync::OnceLock::new();
    EMPTY.get_or_init(NetRecord::empty)
}

/// An organisation in the index.
#[derive(Debug, Clone, Copy)]
pub struct OrgView<'a> {
    index: &'a RegistryIndex,
    org: &'a OrgRecord,
}

impl<'a> OrgView<'a> {
    /// Handle.
    pub fn handle(&self) -> &'a str {
        &self.org.handle
    }

    /// `org-name`.
    pub fn name(&self) -> Option<&'a str> {
        self.org.name.as_deref()
    }

    /// True for `org-type: LIR`.
    pub fn is_lir(&self) -> bool {
        self.org.lir
    }

    /// Other e-mail addresses of the organisation, normalised (unusable ones dropped).
    pub fn emails(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.org.emails.iter().map(|m| &**m)
    }

    /// Its abuse contact: the first of its own `abuse-mailbox` (ARIN `OrgAbuseEmail`) and its
    /// `abuse-c`'s addresses, the knowledge's placeholder addresses skipped.
    pub fn abuse(&self) -> Option<AbuseContact<'a>> {
        self.index.org_abuse(self.org).into_iter().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index of an RPSL dump's objects.
    fn index_of(dump: &[u8]) -> RegistryIndex {
        RegistryIndex::from_objects(
            crate::rpsl::RpslReader::from_slice("dump", dump).filter_map(Result::ok),
        )
    }

    #[test]
    fn set_is_sync() {
        fn assert_sync<T: Sync + Send>() {}
        assert_sync::<RegistryIndex>();
    }

    const DUMP: &[u8] = b"\
inetnum:        192.0.2.0 - 192.0.2.255
netname:        LIR-NET
org:            ORG-L1-TEST
status:         ALLOCATED PA
source:         TEST

inetnum:        192.0.2.10 - 192.0.2.45
netname:        CUST-NET
abuse-c:        ab1-test
status:         ASSIGNED PA
source:         TEST

inetnum:        192.0.2.100 - 192.0.2.101
netname:        LIR-NET
status:         ASSIGNED PA
source:         TEST

organisation:   ORG-L1-TEST
org-name:       LIR
abuse-c:        AB2-TEST
source:         TEST

role:           Cust abuse
nic-hdl:        AB1-TEST
abuse-mailbox:  abuse@cust.example
source:         TEST

role:           Lir abuse
nic-hdl:        AB2-TEST
abuse-mailbox:  abuse@lir.example
source:         TEST
";

    #[test]
    fn hot_record_agrees_with_the_objects() {
        let idx = index_of(DUMP);
        assert_eq!(idx.stats().networks, 3);
        for v in idx.networks() {
            assert_eq!(v.netname(), v.network().netname.as_deref());
            assert_eq!(
                v.abuse_mailbox(),
                idx.first_abuse(v.network()).map(|a| a.mailbox)
            );
            assert_eq!(v.abuse_mailbox(), v.abuse().map(|a| a.mailbox));
            assert_eq!(v.abuse_via(), v.abuse().map(|a| a.via));
        }
        let at = |a: &str| idx.most_specific(a.parse().expect("ip")).expect("covered");
        let cust = at("192.0.2.10");
        assert_eq!(cust.netname(), Some("CUST-NET"));
        assert_eq!(cust.abuse_mailbox(), Some("abuse@cust.example"));
        assert_eq!(cust.abuse_via(), Some(AbuseVia::AbuseC));
        assert_eq!(cust.abuse().and_then(|a| a.handle), Some("AB1-TEST"));
        let lir = at("192.0.2.9");
        assert_eq!(lir.abuse_mailbox(), Some("abuse@lir.example"));
        assert_eq!(lir.abuse_via(), Some(AbuseVia::OrgAbuseC));
        let bare = at("192.0.2.100");
        assert_eq!(bare.netname(), Some("LIR-NET"));
        assert_eq!(bare.abuse_mailbox(), None);
        assert_eq!(bare.abuse_via(), None);
    }

    /// Organisations whose abuse list is empty or not for every reason the resolution has:
    /// a placeholder or missing `abuse-mailbox`, an `abuse-c` that is missing, has no
    /// `abuse-mailbox` and only placeholder or usable `e-mail`s, or a placeholder
    /// `abuse-mailbox`.
    const ORGS: &[u8] = b"\
organisation:   ORG-A1-TEST
abuse-mailbox:  abuse@ripe.net
source:         TEST

organisation:   ORG-A2-TEST
abuse-mailbox:  abuse@a2.example
source:         TEST

organisation:   ORG-A3-TEST
abuse-c:        MISSING-TEST
source:         TEST

organisation:   ORG-A4-TEST
abuse-c:        P1-TEST
source:         TEST

organisation:   ORG-A5-TEST
abuse-c:        P2-TEST
source:         TEST

organisation:   ORG-A6-TEST
abuse-mailbox:  hostmaster@ripe.net
abuse-c:        P3-TEST
source:         TEST

organisation:   ORG-A7-TEST
abuse-mailbox:  unread@ripe.net
abuse-c:        P4-TEST
source:         TEST

organisation:   ORG-A8-TEST
source:         TEST

person:         Placeholder mail only
nic-hdl:        P1-TEST
e-mail:         unread@ripe.net
source:         TEST

person:         A usable mail after a placeholder
nic-hdl:        P2-TEST
e-mail:         abuse@ripe.net
e-mail:         noc@a5.example
source:         TEST

role:           Abuse mailbox
nic-hdl:        P3-TEST
abuse-mailbox:  abuse@a6.example
source:         TEST

role:           Placeholder abuse mailbox
nic-hdl:        P4-TEST
abuse-mailbox:  abuse@ripe.net
e-mail:         noc@a7.example
source:         TEST
";

    #[test]
    fn org_has_abuse_is_the_list_not_empty() {
        let idx = index_of(ORGS);
        assert_eq!(idx.orgs.len(), 8);
        let mut has = Vec::new();
        for o in &idx.orgs {
            assert_eq!(
                idx.org_has_abuse(o),
                !idx.org_abuse(o).is_empty(),
                "{}",
                o.handle
            );
            if idx.org_has_abuse(o) {
                has.push(o.handle.to_string());
            }
        }
        has.sort();
        assert_eq!(has, ["ORG-A2-TEST", "ORG-A5-TEST", "ORG-A6-TEST"]);
    }

    fn one(netname: Option<&str>, mailbox: Option<&str>) -> HotTable {
        let mut t = HotTable::with_capacity(1);
        t.push(
            netname,
            mailbox,
            Some(AbuseVia::Irt),
            Some(PlaceholderReason::Status),
        );
        t
    }

    #[test]
    fn inline_text_absent_and_cold() {
        let t = one(Some("NET"), Some("abuse@example.net"));
        assert_eq!(t.slots.as_ptr().wrapping_add(t.start) as usize % SLOT, 0);
        let h = t.get(0).expect("slot");
        assert!(t.get(1).is_none());
        assert!(matches!(h.netname(), Inline::Text("NET")));
        assert!(matches!(h.mailbox(), Inline::Text("abuse@example.net")));
        assert_eq!(h.via(), Some(AbuseVia::Irt));
        assert_eq!(h.placeholder(), Some(PlaceholderReason::Status));
        let t = one(None, Some("a@b"));
        let h = t.get(0).expect("slot");
        assert!(matches!(h.netname(), Inline::Absent));
        assert!(matches!(h.mailbox(), Inline::Text("a@b")));
        // Together just over the inline space: the mailbox is read from the objects.
        let long = "N".repeat(SLOT - TEXT_AT - 2);
        let t = one(Some(&long), Some("a@b"));
        let h = t.get(0).expect("slot");
        assert!(matches!(h.netname(), Inline::Text(t) if t == long));
        assert!(matches!(h.mailbox(), Inline::Cold));
        // Just fitting, with a multi-byte character.
        let t = one(Some(&long), Some("é"));
        assert!(matches!(
            t.get(0).expect("slot").mailbox(),
            Inline::Text("é")
        ));
        let t = one(Some(&"N".repeat(300)), None);
        let h = t.get(0).expect("slot");
        assert!(matches!(h.netname(), Inline::Cold));
        assert!(matches!(h.mailbox(), Inline::Absent));
    }

    #[test]
    fn codes_round_trip() {
        for (i, p) in PLACEHOLDER_CODES.iter().enumerate() {
            assert_eq!(usize::from(placeholder_code(Some(*p))), i + 1);
        }
        for (i, v) in VIA_CODES.iter().enumerate() {
            assert_eq!(usize::from(via_code(Some(*v))), i + 1);
        }
        assert_eq!(placeholder_code(None), 0);
        assert_eq!(via_code(None), 0);
    }

    #[test]
    fn long_strings_fall_back_to_the_objects() {
        let netname = "N".repeat(60);
        let dump = format!(
            "inetnum: 198.51.100.0 - 198.51.100.255\nnetname: {netname}\nabuse-mailbox: abuse@x.example\nsource: TEST\n"
        );
        let idx = RegistryIndex::from_objects(
            crate::rpsl::RpslReader::from_slice("dump", dump.as_bytes()).filter_map(Result::ok),
        );
        let v = idx
            .most_specific("198.51.100.7".parse().expect("ip"))
            .expect("covered");
        assert_eq!(v.netname(), Some(netname.as_str()));
        assert_eq!(v.abuse_mailbox(), Some("abuse@x.example"));
        assert_eq!(v.abuse_via(), Some(AbuseVia::NetworkAbuseMailbox));
    }

    #[test]
    fn unused_is_fine() {
        let idx = RegistryIndex::from_objects(Vec::new());
        assert!(
            idx.lookup("192.0.2.1".parse().expect("ip"))
                .next()
                .is_none()
        );
        assert_eq!(idx.stats().networks, 0);
    }
}
