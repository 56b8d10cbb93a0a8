//! The one abuse resolution and the engine's view of the registry: what the index's hot
//! records, [`NetworkView::abuse`](super::NetworkView::abuse), the snapshot's evidence
//! ([`RegistryIndex::evidence_networks`], [`RegistryIndex::asn_abuse`]) and the provider
//! knowledge derived from the registry all read. The order is in the docs of
//! [`RegistryIndex`].

use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;

use super::records::{NetRecord, OrgRecord};
use super::{AbuseContact, AbuseVia, RegistryIndex, position_by};
use crate::engine::evidence::{Network, NetworkOrigin, NetworkRole, OrgInfo};
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
    /// The batch's distinct network ids, ascending, and each one resolved (same positions).
    distinct: Vec<u32>,
    resolved: Vec<Option<Arc<Network>>>,
    /// The previous batch's `distinct` and `resolved`: sorted addresses go on into the networks
    /// the last batch ended in, which are taken from here rather than resolved again.
    before: Vec<u32>,
    before_resolved: Vec<Option<Arc<Network>>>,
}

/// Keeps the first of each run of equal mailboxes.
fn dedup(v: &mut Vec<AbuseContact<'_>>) {
    v.dedup_by(|a, b| a.mailbox == b.mailbox);
}

impl RegistryIndex {
    /// Where a contact's mail goes: its `abuse-mailbox`, else every `e-mail`; placeholder
    /// addresses dropped. `via` is the level asking ([`AbuseVia::AbuseC`] turns into
    /// [`AbuseVia::AbuseCEmail`] for a contact's `e-mail`).
    fn contact_mail<'a>(&'a self, handle: &str, via: AbuseVia, out: &mut Vec<AbuseContact<'a>>) {
        self.contact_mail_at(position_by(&self.contact_by, handle), via, out);
    }

    /// [`RegistryIndex::contact_mail`] of the contact at position `at` (found by handle).
    fn contact_mail_at<'a>(
        &'a self,
        at: Option<u32>,
        via: AbuseVia,
        out: &mut Vec<AbuseContact<'a>>,
    ) {
        let Some(c) = at.and_then(|i| self.contacts.get(i as usize)) else {
            return;
        };
        let (list, via): (&[Box<str>], AbuseVia) = match &c.abuse_mailbox {
            Some(m) => (std::slice::from_ref(m), via),
            None if via == AbuseVia::AbuseC => (&c.emails, AbuseVia::AbuseCEmail),
            None => (&c.emails, via),
        };
        out.extend(
            list.iter()
                .filter(|m| !m.is_empty() && !self.knowledge.is_placeholder_email(m))
                .map(|m| AbuseContact {
                    mailbox: m,
                    via,
                    handle: Some(&c.handle),
                }),
        );
    }

    /// An organisation's abuse addresses: its `abuse-mailbox` (ARIN `OrgAbuseEmail`), then its
    /// `abuse-c`'s; placeholders dropped, repeats in a row once.
    pub(crate) fn org_abuse<'a>(&'a self, o: &'a OrgRecord) -> Vec<AbuseContact<'a>> {
        let mut abuse = Vec::new();
        if let Some(m) = &o.abuse_mailbox {
            abuse.push(AbuseContact {
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
            self.contact_mail_at(Some(o.abuse_c_at), AbuseVia::OrgAbuseC, &mut abuse);
        }
        abuse.retain(|a| !self.knowledge.is_placeholder_email(a.mailbox));
        dedup(&mut abuse);
        abuse
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
    /// only when those and its organisation's (`org_has_abuse`) are empty, its irts'.
    fn own_abuse<'a>(&'a self, n: &'a NetRecord, org_has_abuse: bool) -> Vec<AbuseContact<'a>> {
        let mut abuse = Vec::new();
        if let Some(m) = &n.abuse_mailbox {
            abuse.push(AbuseContact {
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
            self.contact_mail(h, AbuseVia::AbuseC, &mut abuse);
        }
        // A placeholder address on the network itself still counts as "has one" here.
        if abuse.is_empty() && !org_has_abuse {
            for h in &n.mnt_irt {
                if let Some(i) =
                    position_by(&self.irt_by, h).and_then(|i| self.irts.get(i as usize))
                    && let Some(m) = &i.abuse_mailbox
                {
                    abuse.push(AbuseContact {
                        mailbox: m,
                        via: AbuseVia::Irt,
                        handle: Some(&i.handle),
                    });
                }
            }
        }
        abuse.retain(|a| !self.knowledge.is_placeholder_email(a.mailbox));
        dedup(&mut abuse);
        abuse
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
        let org = self
            .net_org(n)
            .map(|o| self.org_abuse(o))
            .unwrap_or_default();
        self.own_abuse(n, !org.is_empty())
            .into_iter()
            .next()
            .or_else(|| org.into_iter().next())
            .or_else(|| self.comment_abuse(&n.range))
    }

    /// The engine's organisation record for a handle and/or a name written on the network.
    /// `o` is the record `handle` names, if any.
    fn org_info(
        &self,
        handle: Option<&str>,
        name: Option<&str>,
        o: Option<&OrgRecord>,
    ) -> Option<OrgInfo> {
        if o.is_none() && name.is_none() && handle.is_none() {
            return None;
        }
        let k = &self.knowledge;
        let mut abuse: Vec<String> = Vec::new();
        let mut emails: Vec<String> = Vec::new();
        let mut is_lir = false;
        let mut org_name = name.map(str::to_owned).unwrap_or_default();
        if let Some(o) = o {
            if let Some(n) = &o.name {
                org_name = n.to_string();
            }
            abuse = self
                .org_abuse(o)
                .into_iter()
                .map(|a| a.mailbox.to_owned())
                .collect();
            emails.extend(o.emails.iter().map(|m| m.to_string()));
            is_lir = o.lir;
        }
        emails.retain(|m| !k.is_placeholder_email(m) && !abuse.contains(m));
        emails.dedup();
        Some(OrgInfo {
            handle: handle.unwrap_or_default().to_owned(),
            name: org_name,
            abuse_emails: abuse,
            emails,
            is_lir,
        })
    }

    /// The engine's record of a registry network.
    fn evidence(&self, n: &NetRecord) -> Network {
        let k = &self.knowledge;
        let status = n.status.as_deref().unwrap_or_default().to_owned();
        let name = n.netname.as_deref().unwrap_or(&n.handle).to_owned();
        let org = self.org_info(n.org.as_deref(), n.org_name.as_deref(), self.net_org(n));
        let org_has_abuse = org.as_ref().is_some_and(|o| !o.abuse_emails.is_empty());
        let abuse_emails = self
            .own_abuse(n, org_has_abuse)
            .into_iter()
            .map(|a| a.mailbox.to_owned())
            .collect();
        Network {
            origin: NetworkOrigin::Registry,
            source: n.source.name.to_string(),
            start: n.range.start(),
            end: n.range.end(),
            name,
            role: k.role_of_status(&status),
            status,
            org,
            abuse_emails,
            abuse_comment: self.comment_abuse(&n.range).map(|a| a.mailbox.to_owned()),
            maintainers: n.mnt_by.iter().map(|m| m.to_string()).collect(),
            placeholder: n.placeholder.is_some(),
        }
    }

    /// Every network covering `ip` as the engine reads it: registry networks (placeholders
    /// included, flagged) in the order they were added, then RDAP networks in the order they
    /// were added; each with every abuse address of its levels resolved.
    pub fn evidence_networks(&self, ip: IpAddr) -> Vec<Arc<Network>> {
        let mut ids: Vec<u32> = self.covering(ip, true).map(|v| v.id).collect();
        ids.sort_unstable();
        let mut out: Vec<Arc<Network>> = ids
            .into_iter()
            .filter_map(|i| self.networks.get(i as usize))
            .map(|n| Arc::new(self.evidence(n)))
            .collect();
        out.extend(
            self.rdap_ranges
                .covering(ip)
                .into_iter()
                .filter_map(|i| self.rdap.get(i as usize).cloned()),
        );
        out
    }

    /// [`RegistryIndex::evidence_networks`] for many addresses: clears `out` and pushes one
    /// list per address, in order, each equal to what `evidence_networks` gives for that
    /// address. Addresses are taken [`EVIDENCE_BATCH`] at a time: the range searches of a
    /// batch run in lock step (one halving of every search window at a time, as
    /// [`RegistryIndex::attribute_many`] interleaves its lookups), so that their cache misses
    /// overlap; then each distinct network of the batch is resolved once (as
    /// `evidence_networks` resolves it) and every address it covers gets the same [`Arc`]; a
    /// network the previous batch of the same call resolved is taken from it. Sorted
    /// addresses (the engine's order) share their parent networks, so a parent covering many
    /// of them is resolved once per batch, not once per address.
    ///
    /// What was measured (`benches/index.rs`, BENCHMARKS.md): the searches are a small part
    /// of the engine's question; resolving every mailbox of every level into [`Network`]s is
    /// the rest. IPv6 (whose table has no directory, so a search is a long binary search)
    /// gains from the lock step; IPv4 is about even.
    ///
    /// Needs neither the hot records nor the answer tables: an index made with
    /// [`IndexBuilder::build_without_lookup_tables`](super::IndexBuilder::build_without_lookup_tables)
    /// does not build them for this.
    pub fn evidence_networks_many(&self, ips: &[IpAddr], out: &mut Vec<Vec<Arc<Network>>>) {
        out.clear();
        out.reserve(ips.len());
        let mut scratch = EvidenceScratch::default();
        for group in ips.chunks(EVIDENCE_BATCH) {
            self.evidence_group(group, &mut scratch, out);
        }
    }

    /// One batch of [`RegistryIndex::evidence_networks_many`].
    fn evidence_group(
        &self,
        group: &[IpAddr],
        s: &mut EvidenceScratch,
        out: &mut Vec<Vec<Arc<Network>>>,
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

        // Each distinct network of the batch resolved once (or taken from the batch before).
        std::mem::swap(&mut s.before, &mut s.distinct);
        std::mem::swap(&mut s.before_resolved, &mut s.resolved);
        s.distinct.clear();
        s.distinct.extend_from_slice(&s.ids);
        s.distinct.sort_unstable();
        s.distinct.dedup();
        s.resolved.clear();
        for &id in &s.distinct {
            let known = s
                .before
                .binary_search(&id)
                .ok()
                .and_then(|i| s.before_resolved.get(i));
            let net = match known {
                Some(n) => n.clone(),
                None => self
                    .networks
                    .get(id as usize)
                    .map(|n| Arc::new(self.evidence(n))),
            };
            s.resolved.push(net);
        }

        for (ip, &(from, to)) in group.iter().zip(&s.bounds) {
            let ids = s.ids.get(from..to).unwrap_or_default();
            let rdap = self.rdap_ranges.covering(*ip);
            let mut nets = Vec::with_capacity(ids.len() + rdap.len());
            nets.extend(ids.iter().filter_map(|id| {
                s.distinct
                    .binary_search(id)
                    .ok()
                    .and_then(|i| s.resolved.get(i))
                    .and_then(Option::clone)
            }));
            nets.extend(
                rdap.into_iter()
                    .filter_map(|i| self.rdap.get(i as usize).cloned()),
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
        let mut abuse = Vec::new();
        for h in &a.abuse_c {
            self.contact_mail(h, AbuseVia::AutNumAbuseC, &mut abuse);
        }
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
        let mut provider_nets: Vec<Network> = self
            .networks
            .iter()
            .filter(|n| n.placeholder.is_none())
            .filter(|n| {
                k.role_of_status(n.status.as_deref().unwrap_or("")) == NetworkRole::Allocation
            })
            .map(|n| self.evidence(n))
            .collect();
        for o in self.orgs.iter().filter(|o| o.lir) {
            let record = self.org_record(Some(&o.handle));
            if let Some(info) = self.org_info(Some(&o.handle), None, record) {
                provider_nets.push(Network {
                    origin: NetworkOrigin::Registry,
                    source: String::new(),
                    start: IpAddr::from([0, 0, 0, 0]),
                    end: IpAddr::from([0, 0, 0, 0]),
                    name: String::new(),
                    status: String::new(),
                    role: NetworkRole::Allocation,
                    org: Some(info),
                    abuse_emails: Vec::new(),
                    abuse_comment: None,
                    maintainers: Vec::new(),
                    placeholder: false,
                });
            }
        }
        let rdap = self
            .rdap
            .iter()
            .filter(|n| !n.placeholder && n.role == NetworkRole::Allocation);
        let mut orgs = Vec::new();
        let mut domains = Vec::new();
        for n in provider_nets.iter().chain(rdap.map(|n| &**n)) {
            if let Some(o) = &n.org {
                if !o.handle.is_empty() {
                    orgs.push(o.handle.to_ascii_uppercase());
                }
                if !o.name.is_empty() {
                    orgs.push(o.name.to_lowercase());
                }
                for m in o.abuse_emails.iter().chain(&o.emails) {
                    domains.extend(mail_domain(m));
                }
            }
            for m in n.abuse_emails.iter().chain(n.abuse_comment.iter()) {
                domains.extend(mail_domain(m));
            }
        }
        (orgs, domains)
    }

    /// RDAP networks held.
    pub fn rdap_networks(&self) -> &[Arc<Network>] {
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
pub(super) fn rdap_network(source: &str, net: &RdapNetwork, k: &Knowledge) -> Option<Network> {
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
    Some(Network {
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
        maintainers: Vec::new(),
        placeholder,
    })
}
