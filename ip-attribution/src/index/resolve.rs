//! The one abuse resolution and the engine's view of the registry: what the index's hot
//! records, [`NetworkView::abuse`](super::NetworkView::abuse), the snapshot's evidence
//! ([`RegistryIndex::evidence_networks`], [`RegistryIndex::asn_abuse`]) and the provider
//! knowledge derived from the registry all read. The order is in the docs of
//! [`RegistryIndex`].

use std::net::IpAddr;

use ipnet::IpNet;

use super::records::{NetRecord, OrgRecord};
use super::{AbuseContact, AbuseVia, RegistryIndex, position_by};
use crate::engine::evidence::{
    EvidenceNetwork, EvidenceOrg, NetworkFacts, NetworkOrigin, NetworkRole, OrgInfo,
};
use crate::engine::knowledge::Knowledge;
use crate::rdap::RdapNetwork;
use crate::rpsl::{IpRange, NetworkKind, RpslSource, normalise_mailbox};

/// The origin AS's abuse contacts for an address, from [`RegistryIndex::origin_abuse`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OriginAbuse<'a> {
    /// The most specific route object covering the address.
    pub prefix: IpNet,
    /// Its origin AS.
    pub asn: u32,
    /// Where the origin's aut-num came from.
    pub source: &'a RpslSource,
    /// The aut-num's `abuse-c` addresses, else its organisation's abuse addresses (never
    /// empty).
    pub abuse: Vec<AbuseContact<'a>>,
}

/// How many addresses [`RegistryIndex::evidence_networks_many`] looks up together.
pub const EVIDENCE_BATCH: usize = 32;

/// The buffers of [`RegistryIndex::evidence_networks_many`], kept from one batch to the next.
#[derive(Debug, Default)]
struct EvidenceScratch {
    v4: Vec<u32>,
    v6: Vec<u128>,
    heads4: Vec<u32>,
    heads6: Vec<u32>,
    /// Every address's covering network ids, one after the other; `bounds` per address.
    ids: Vec<u32>,
    bounds: Vec<(usize, usize)>,
}

/// What one level of the abuse resolution found, as it is found: placeholder addresses
/// dropped, an address equal to the one kept before it dropped (repeats in a row once), each
/// kept contact mapped by `keep` (the contact itself, or its bare mailbox when that is all the
/// reader wants) into one list, so a level costs one allocation or none.
struct Found<'a, T> {
    knowledge: &'a Knowledge,
    keep: fn(AbuseContact<'a>) -> T,
    last: Option<&'a str>,
    out: Vec<T>,
}

impl<'a, T> Found<'a, T> {
    fn new(knowledge: &'a Knowledge, keep: fn(AbuseContact<'a>) -> T) -> Self {
        Self {
            knowledge,
            keep,
            last: None,
            out: Vec::new(),
        }
    }

    /// Keeps `c` unless its address is a placeholder.
    fn offer(&mut self, c: AbuseContact<'a>) {
        if !self.knowledge.is_placeholder_email(c.mailbox) {
            self.offer_usable(c);
        }
    }

    /// Keeps `c`, whose address is known not to be a placeholder
    /// ([`RegistryIndex::contact_mail_at`] gives only such).
    fn offer_usable(&mut self, c: AbuseContact<'a>) {
        if self.last != Some(c.mailbox) {
            self.last = Some(c.mailbox);
            self.out.push((self.keep)(c));
        }
    }
}

impl RegistryIndex {
    /// Where a contact's mail goes: its `abuse-mailbox`, else every `e-mail`; placeholder
    /// addresses dropped. `via` is the level asking ([`AbuseVia::AbuseC`] turns into
    /// [`AbuseVia::AbuseCEmail`] for a contact's `e-mail`).
    fn contact_mail<'a>(
        &'a self,
        handle: &str,
        via: AbuseVia,
    ) -> impl Iterator<Item = AbuseContact<'a>> + 'a {
        self.contact_mail_at(position_by(&self.contact_by, handle), via)
    }

    /// [`RegistryIndex::contact_mail`] of the contact at position `at` (found by handle).
    fn contact_mail_at<'a>(
        &'a self,
        at: Option<u32>,
        via: AbuseVia,
    ) -> impl Iterator<Item = AbuseContact<'a>> + 'a {
        let contact = at.and_then(|i| self.contacts.get(i as usize));
        contact.into_iter().flat_map(move |c| {
            let (list, via): (&[Box<str>], AbuseVia) = match &c.abuse_mailbox {
                Some(m) => (std::slice::from_ref(m), via),
                None if via == AbuseVia::AbuseC => (&c.emails, AbuseVia::AbuseCEmail),
                None => (&c.emails, via),
            };
            list.iter()
                .filter(|m| !m.is_empty() && !self.knowledge.is_placeholder_email(m))
                .map(move |m| AbuseContact {
                    mailbox: m,
                    via,
                    handle: Some(&*c.handle),
                })
        })
    }

    /// An organisation's abuse addresses: its `abuse-mailbox` (ARIN `OrgAbuseEmail`), then its
    /// `abuse-c`'s; placeholders dropped, repeats in a row once.
    pub(crate) fn org_abuse<'a>(&'a self, o: &'a OrgRecord) -> Vec<AbuseContact<'a>> {
        self.org_abuse_as(o, |c| c)
    }

    /// [`RegistryIndex::org_abuse`], each contact mapped by `keep`.
    fn org_abuse_as<'a, T>(&'a self, o: &'a OrgRecord, keep: fn(AbuseContact<'a>) -> T) -> Vec<T> {
        let mut found = Found::new(&self.knowledge, keep);
        if let Some(m) = &o.abuse_mailbox {
            found.offer(AbuseContact {
                mailbox: m,
                via: if o.arin {
                    AbuseVia::ArinOrgAbuse
                } else {
                    AbuseVia::OrgAbuseMailbox
                },
                handle: Some(&o.handle),
            });
        }
        if o.abuse_c.is_some() {
            // `abuse_c_at` is `abuse_c` found by handle when the index was assembled.
            for c in self.contact_mail_at(Some(o.abuse_c_at), AbuseVia::OrgAbuseC) {
                found.offer_usable(c);
            }
        }
        found.out
    }

    /// True when [`RegistryIndex::org_abuse`] of `o` is not empty, found without building
    /// the list: stops at the first usable address.
    pub(crate) fn org_has_abuse(&self, o: &OrgRecord) -> bool {
        o.abuse_mailbox
            .as_deref()
            .is_some_and(|m| !self.knowledge.is_placeholder_email(m))
            || (o.abuse_c.is_some()
                && self
                    .contact_mail_at(Some(o.abuse_c_at), AbuseVia::OrgAbuseC)
                    .next()
                    .is_some())
    }

    fn org_record(&self, handle: Option<&str>) -> Option<&OrgRecord> {
        handle
            .and_then(|h| position_by(&self.org_by, h))
            .and_then(|i| self.orgs.get(i as usize))
    }

    /// A network's organisation record: its `org` found by handle when the index was
    /// assembled (what `org_record(n.org)` finds).
    fn net_org(&self, n: &NetRecord) -> Option<&OrgRecord> {
        self.orgs.get(n.org_at as usize)
    }

    /// A network's own abuse addresses: its `abuse-mailbox`, its `abuse-c`s' addresses, and,
    /// only when those and its organisation's (`org_has_abuse`) are empty, its irts';
    /// placeholders dropped, repeats in a row once, each mapped by `keep`.
    fn own_abuse<'a, T>(
        &'a self,
        n: &'a NetRecord,
        org_has_abuse: impl FnOnce() -> bool,
        keep: fn(AbuseContact<'a>) -> T,
    ) -> Vec<T> {
        let mut found = Found::new(&self.knowledge, keep);
        if let Some(m) = &n.abuse_mailbox {
            found.offer(AbuseContact {
                mailbox: m,
                via: if n.kind == NetworkKind::ArinNet {
                    AbuseVia::ArinResourceAbuse
                } else {
                    AbuseVia::NetworkAbuseMailbox
                },
                handle: Some(&n.handle),
            });
        }
        for h in &n.abuse_c {
            for c in self.contact_mail(h, AbuseVia::AbuseC) {
                found.offer_usable(c);
            }
        }
        // A placeholder address on the network itself still counts as "has one" here (a
        // contact gives only usable ones, all kept: `found.out` is empty only without them).
        // The organisation is asked only when there are irts to fall back to.
        let has_own = n.abuse_mailbox.is_some() || !found.out.is_empty();
        if !has_own && !n.mnt_irt.is_empty() && !org_has_abuse() {
            for h in &n.mnt_irt {
                if let Some(i) =
                    position_by(&self.irt_by, h).and_then(|i| self.irts.get(i as usize))
                    && let Some(m) = &i.abuse_mailbox
                {
                    found.offer(AbuseContact {
                        mailbox: m,
                        via: AbuseVia::Irt,
                        handle: Some(&i.handle),
                    });
                }
            }
        }
        found.out
    }

    /// The `% Abuse contact` comment of exactly `range`, unless a placeholder address.
    fn comment_abuse(&self, range: &IpRange) -> Option<AbuseContact<'_>> {
        if self.comments.is_empty() {
            // A dump has no comments (they come from saved port-43 answers): skip the hashing.
            return None;
        }
        self.comments
            .get(range)
            .filter(|m| !self.knowledge.is_placeholder_email(m))
            .map(|m| AbuseContact {
                mailbox: m,
                via: AbuseVia::AbuseComment,
                handle: None,
            })
    }

    /// The first address of a network's resolution: its own, else its organisation's, else its
    /// range's comment (the address the engine writes to first).
    pub(crate) fn first_abuse<'a>(&'a self, n: &'a NetRecord) -> Option<AbuseContact<'a>> {
        let org = self.net_org(n);
        self.own_abuse(n, || org.is_some_and(|o| self.org_has_abuse(o)), |c| c)
            .into_iter()
            .next()
            .or_else(|| org.and_then(|o| self.org_abuse(o).into_iter().next()))
            .or_else(|| self.comment_abuse(&n.range))
    }

    /// The engine's view of the registry network `net` (a record of this index).
    fn evidence_view<'a>(&'a self, net: &'a NetRecord) -> EvidenceNetwork<'a> {
        EvidenceNetwork::registry(RegistryNetwork { index: self, net })
    }

    /// Every network covering `ip` as the engine reads it: registry networks (placeholders
    /// included, flagged) in the order they were added, then RDAP networks in the order they
    /// were added. Each is a view of the index's record (or of its RDAP facts): nothing is
    /// resolved or copied until the reader asks ([`EvidenceNetwork`]'s accessors: every abuse
    /// address of its levels, its organisation).
    pub fn evidence_networks(&self, ip: IpAddr) -> Vec<EvidenceNetwork<'_>> {
        let mut ids: Vec<u32> = self.covering(ip, true).map(|v| v.id).collect();
        ids.sort_unstable();
        let mut out: Vec<EvidenceNetwork<'_>> = ids
            .into_iter()
            .filter_map(|i| self.networks.get(i as usize))
            .map(|n| self.evidence_view(n))
            .collect();
        out.extend(
            self.rdap_ranges
                .covering(ip)
                .into_iter()
                .filter_map(|i| self.rdap.get(i as usize).map(EvidenceNetwork::borrowed)),
        );
        out
    }

    /// [`RegistryIndex::evidence_networks`] for many addresses: clears `out` and pushes one
    /// list per address, in order, each equal to what `evidence_networks` gives for that
    /// address. Addresses are taken [`EVIDENCE_BATCH`] at a time: the range searches of a
    /// batch run in lock step (one halving of every search window at a time, as
    /// [`RegistryIndex::attribute_many`] interleaves its lookups), so that their cache misses
    /// overlap; every address gets views of the records covering it ([`EvidenceNetwork`]),
    /// resolved only when the policy reads them.
    ///
    /// What was measured (`benches/index.rs`, BENCHMARKS.md, "Eighth round"): over 1M
    /// generated networks this runs at about 1/1.2 of [`RegistryIndex::attribute_many`]'s
    /// rate per address (each search one directory read and a short window, as its searches
    /// are), and hands out 1.35 networks per address; what the policy then reads of the views
    /// costs more than the lookups.
    ///
    /// Needs neither the hot records nor the answer tables: an index made with
    /// [`IndexBuilder::build_without_lookup_tables`](super::IndexBuilder::build_without_lookup_tables)
    /// does not build them for this.
    pub fn evidence_networks_many<'s>(
        &'s self,
        ips: &[IpAddr],
        out: &mut Vec<Vec<EvidenceNetwork<'s>>>,
    ) {
        out.clear();
        out.reserve(ips.len());
        let mut scratch = EvidenceScratch::default();
        for group in ips.chunks(EVIDENCE_BATCH) {
            self.evidence_group(group, &mut scratch, out);
        }
    }

    /// One batch of [`RegistryIndex::evidence_networks_many`].
    fn evidence_group<'s>(
        &'s self,
        group: &[IpAddr],
        s: &mut EvidenceScratch,
        out: &mut Vec<Vec<EvidenceNetwork<'s>>>,
    ) {
        // The covering lists: the range searches of each family in lock step.
        s.v4.clear();
        s.v6.clear();
        for ip in group {
            match ip {
                IpAddr::V4(a) => s.v4.push(u32::from(*a)),
                IpAddr::V6(a) => s.v6.push(u128::from(*a)),
            }
        }
        s.heads4.clear();
        s.heads6.clear();
        self.t4.heads_many(&s.v4, &mut s.heads4);
        self.t6.heads_many(&s.v6, &mut s.heads6);
        let (mut h4, mut h6) = (s.heads4.iter(), s.heads6.iter());
        s.ids.clear();
        s.bounds.clear();
        for ip in group {
            let from = s.ids.len();
            let covering = match ip {
                IpAddr::V4(_) => h4.next().map(|&h| (self.t4.covering_from(h), 0)),
                IpAddr::V6(_) => h6.next().map(|&h| (self.t6.covering_from(h), self.n4)),
            };
            if let Some((covering, offset)) = covering {
                s.ids.extend(covering.map(|id| id + offset));
            }
            // Registry networks in the order they were added, as `evidence_networks` gives.
            if let Some(list) = s.ids.get_mut(from..) {
                list.sort_unstable();
            }
            s.bounds.push((from, s.ids.len()));
        }

        for (ip, &(from, to)) in group.iter().zip(&s.bounds) {
            let ids = s.ids.get(from..to).unwrap_or_default();
            // Most indexes hold no RDAP network (a dump alone): nothing to search then.
            let rdap = if self.rdap.is_empty() {
                Vec::new()
            } else {
                self.rdap_ranges.covering(*ip)
            };
            let mut nets = Vec::with_capacity(ids.len() + rdap.len());
            nets.extend(
                ids.iter()
                    .filter_map(|&id| self.networks.get(id as usize))
                    .map(|n| self.evidence_view(n)),
            );
            nets.extend(
                rdap.into_iter()
                    .filter_map(|i| self.rdap.get(i as usize).map(EvidenceNetwork::borrowed)),
            );
            out.push(nets);
        }
    }

    /// The "asn-abuse" fallback: the most specific route object covering `ip` (of equal ones
    /// the last added), its origin's `aut-num`, and that aut-num's `abuse-c` addresses, else its
    /// organisation's. `None` without a route, an aut-num or an address.
    pub fn origin_abuse(&self, ip: IpAddr) -> Option<OriginAbuse<'_>> {
        let route = self
            .route_ids(ip)
            .filter_map(|id| Some((id, self.routes.get(id as usize)?)))
            .max_by_key(|(id, r)| (r.prefix.prefix_len(), *id))
            .map(|(_, r)| *r)?;
        let a = self
            .aut_num_by
            .get(&route.origin)
            .and_then(|&i| self.aut_nums.get(i as usize))?;
        let mut abuse: Vec<AbuseContact<'_>> = a
            .abuse_c
            .iter()
            .flat_map(|h| self.contact_mail(h, AbuseVia::AutNumAbuseC))
            .collect();
        for c in &mut abuse {
            c.via = AbuseVia::AutNumAbuseC;
        }
        if abuse.is_empty()
            && let Some(o) = self.org_record(a.org.as_deref())
        {
            abuse = self.org_abuse(o);
            for c in &mut abuse {
                c.via = AbuseVia::AutNumOrg;
            }
        }
        (!abuse.is_empty()).then_some(OriginAbuse {
            prefix: route.prefix,
            asn: a.asn,
            source: &a.source,
            abuse,
        })
    }

    /// [`RegistryIndex::origin_abuse`] as the engine reads it: each address with
    /// `SOURCE (ASn)`.
    pub fn asn_abuse(&self, ip: IpAddr) -> Vec<(String, String)> {
        let Some(o) = self.origin_abuse(ip) else {
            return Vec::new();
        };
        let label = format!("{} (AS{})", o.source.name, o.asn);
        o.abuse
            .into_iter()
            .map(|a| (a.mailbox.to_owned(), label.clone()))
            .collect()
    }

    /// Provider knowledge derived from the whole registry: the upper-case handles and
    /// lower-case names of organisations that hold allocations (or are LIRs), and the mail
    /// domains of their contacts (allocations' own abuse addresses and comments included).
    pub fn provider_names_and_domains(&self) -> (Vec<String>, Vec<String>) {
        let k = &self.knowledge;
        let mut orgs = Vec::new();
        let mut domains = Vec::new();
        let mut add_org = |o: &EvidenceOrg<'_>, domains: &mut Vec<String>| {
            if !o.handle().is_empty() {
                orgs.push(o.handle().to_ascii_uppercase());
            }
            if !o.name().is_empty() {
                orgs.push(o.name().to_lowercase());
            }
            for m in o.abuse_emails().into_iter().chain(o.emails()) {
                domains.extend(mail_domain(m));
            }
        };
        let add_network = |n: &EvidenceNetwork<'_>,
                           add_org: &mut dyn FnMut(&EvidenceOrg<'_>, &mut Vec<String>),
                           domains: &mut Vec<String>| {
            if let Some(o) = n.org() {
                add_org(&o, domains);
            }
            for m in n.abuse_emails().into_iter().chain(n.abuse_comment()) {
                domains.extend(mail_domain(m));
            }
        };
        // Allocations (placeholders aside), then LIR organisations, then RDAP allocations.
        for n in self
            .networks
            .iter()
            .filter(|n| n.placeholder.is_none())
            .filter(|n| {
                k.role_of_status(n.status.as_deref().unwrap_or("")) == NetworkRole::Allocation
            })
        {
            add_network(&self.evidence_view(n), &mut add_org, &mut domains);
        }
        for o in self.orgs.iter().filter(|o| o.lir) {
            let org = RegistryOrg::new(
                self,
                Some(&o.handle),
                None,
                self.org_record(Some(&o.handle)),
            );
            if let Some(org) = org {
                add_org(&EvidenceOrg::registry(org), &mut domains);
            }
        }
        for n in self
            .rdap
            .iter()
            .filter(|n| !n.placeholder && n.role == NetworkRole::Allocation)
        {
            add_network(&EvidenceNetwork::borrowed(n), &mut add_org, &mut domains);
        }
        (orgs, domains)
    }

    /// RDAP networks held.
    pub fn rdap_networks(&self) -> &[NetworkFacts] {
        &self.rdap
    }
}

fn mail_domain(addr: &str) -> Option<String> {
    addr.rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('.').to_lowercase())
}

/// The engine's record of an RDAP ip network: name, status and role, the registrant as its
/// organisation, abuse and registrant e-mails normalised without placeholders. `None` without
/// both bounds.
pub(super) fn rdap_network(source: &str, net: &RdapNetwork, k: &Knowledge) -> Option<NetworkFacts> {
    let (Some(start), Some(end)) = (net.start_address, net.end_address) else {
        return None;
    };
    let range = IpRange::new(start, end)?;
    let status = net
        .network_type
        .clone()
        .or_else(|| net.status.first().cloned())
        .unwrap_or_default();
    let name = net
        .name
        .clone()
        .or_else(|| net.handle.clone())
        .unwrap_or_default();
    let clean = |v: Vec<crate::rdap::RdapContactEmail>| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in v {
            if let Some(m) = normalise_mailbox(&e.address)
                && !k.is_redacted_email(&m)
                && !out.contains(&m)
            {
                out.push(m);
            }
        }
        out
    };
    let org = net.registrant().map(|r| OrgInfo {
        handle: r.handle.clone().unwrap_or_default(),
        name: r
            .organisation_name(k)
            .map(str::to_owned)
            .or_else(|| net.registrant_name(k).map(str::to_owned))
            .unwrap_or_default(),
        abuse_emails: Vec::new(),
        emails: clean(net.registrant_emails(k)),
        is_lir: false,
    });
    let role = k.role_of_status(&status);
    let placeholder = k.is_placeholder_network(&name, "", &status);
    Some(NetworkFacts {
        origin: NetworkOrigin::Rdap,
        source: source.to_owned(),
        start: range.start(),
        end: range.end(),
        name,
        status,
        role,
        org,
        abuse_emails: clean(net.abuse_emails(k)),
        abuse_comment: None,
        placeholder,
    })
}

/// A registry network as the engine reads it: the index's record, read in place; its
/// organisation, abuse addresses and comment resolved when asked (the one abuse resolution of
/// the [`RegistryIndex`] docs), borrowing the index's strings.
#[derive(Clone, Copy)]
pub(crate) struct RegistryNetwork<'a> {
    index: &'a RegistryIndex,
    net: &'a NetRecord,
}

impl<'a> RegistryNetwork<'a> {
    pub(crate) fn source(&self) -> &'a str {
        &self.net.source.name
    }

    pub(crate) fn start(&self) -> IpAddr {
        self.net.range.start()
    }

    pub(crate) fn end(&self) -> IpAddr {
        self.net.range.end()
    }

    /// The netname, else the handle.
    pub(crate) fn name(&self) -> &'a str {
        self.net.netname.as_deref().unwrap_or(&self.net.handle)
    }

    pub(crate) fn status(&self) -> &'a str {
        self.net.status.as_deref().unwrap_or_default()
    }

    pub(crate) fn role(&self) -> NetworkRole {
        self.index.knowledge.role_of_status(self.status())
    }

    /// The holder: the organisation the network's `org` names (found when the index was
    /// assembled) and/or the `org-name` written on the network.
    pub(crate) fn org(&self) -> Option<RegistryOrg<'a>> {
        let n = self.net;
        RegistryOrg::new(
            self.index,
            n.org.as_deref(),
            n.org_name.as_deref(),
            self.index.net_org(n),
        )
    }

    /// The network's own abuse addresses (its irts only when neither it nor its organisation
    /// has one).
    pub(crate) fn abuse_emails(&self) -> Vec<&'a str> {
        let index = self.index;
        let n = self.net;
        index.own_abuse(
            n,
            || index.net_org(n).is_some_and(|o| index.org_has_abuse(o)),
            |a| a.mailbox,
        )
    }

    pub(crate) fn abuse_comment(&self) -> Option<&'a str> {
        self.index.comment_abuse(&self.net.range).map(|a| a.mailbox)
    }

    pub(crate) fn is_placeholder(&self) -> bool {
        self.net.placeholder.is_some()
    }
}

/// A registry network's holder as the engine reads it: the handle and name written on the
/// network, and the organisation record the handle names, read in place.
#[derive(Clone, Copy)]
pub(crate) struct RegistryOrg<'a> {
    index: &'a RegistryIndex,
    handle: Option<&'a str>,
    written_name: Option<&'a str>,
    record: Option<&'a OrgRecord>,
}

impl<'a> RegistryOrg<'a> {
    /// `None` when nothing names a holder.
    fn new(
        index: &'a RegistryIndex,
        handle: Option<&'a str>,
        written_name: Option<&'a str>,
        record: Option<&'a OrgRecord>,
    ) -> Option<Self> {
        if record.is_none() && written_name.is_none() && handle.is_none() {
            return None;
        }
        Some(Self {
            index,
            handle,
            written_name,
            record,
        })
    }

    pub(crate) fn handle(&self) -> &'a str {
        self.handle.unwrap_or_default()
    }

    /// The record's `org-name`, else the name written on the network.
    pub(crate) fn name(&self) -> &'a str {
        self.record
            .and_then(|o| o.name.as_deref())
            .or(self.written_name)
            .unwrap_or_default()
    }

    pub(crate) fn abuse_emails(&self) -> Vec<&'a str> {
        match self.record {
            Some(o) => self.index.org_abuse_as(o, |a| a.mailbox),
            None => Vec::new(),
        }
    }

    /// The record's other e-mails: placeholders and its abuse addresses dropped, repeats in a
    /// row once.
    pub(crate) fn emails(&self) -> Vec<&'a str> {
        let Some(o) = self.record else {
            return Vec::new();
        };
        let k = &self.index.knowledge;
        let abuse = self.abuse_emails();
        let mut emails: Vec<&'a str> = o
            .emails
            .iter()
            .map(|m| &**m)
            .filter(|m| !k.is_placeholder_email(m) && !abuse.contains(m))
            .collect();
        emails.dedup();
        emails
    }

    pub(crate) fn is_lir(&self) -> bool {
        self.record.is_some_and(|o| o.lir)
    }
}
