//! Registry objects (RPSL dumps, saved WHOIS answers, RDAP networks) held in memory, with the
//! lookups the engine needs: covering networks with their organisation and abuse contacts
//! resolved, the origin AS's abuse contact, and provider knowledge derived from the whole
//! collection (organisations that hold allocations, and their mail domains).

use std::collections::hash_map::Entry;
use std::net::IpAddr;

use super::{Map as HashMap, Set as HashSet};

use super::ranges::RangeIndex;
use crate::engine::evidence::{Network, NetworkOrigin, NetworkRole, OrgInfo};
use crate::engine::knowledge::Knowledge;
use crate::rdap::IpNetwork;
use crate::rpsl::{self, IpRange, Object, ObjectKey, normalise_mailbox};

/// The registry part of a snapshot.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    nets: Vec<NetRecord>,
    net_index: RangeIndex,
    rdap: Vec<Network>,
    rdap_index: RangeIndex,
    orgs: HashMap<Box<str>, OrgRecord>,
    contacts: HashMap<Box<str>, ContactRecord>,
    irts: HashMap<String, rpsl::Irt>,
    comments: HashMap<(IpAddr, IpAddr), String>,
    routes: Vec<rpsl::Route>,
    route_index: RangeIndex,
    autnums: HashMap<u32, rpsl::AutNum>,
    /// Keys of objects seen that no map above is keyed by: network ranges, ARIN network
    /// handles, routes, abuse comments and maintainers (de-duplication without a second copy
    /// of every organisation and contact handle).
    seen: HashSet<SeenKey>,
    /// Upper-case handles and lower-case names of organisations that are providers.
    provider_orgs: HashSet<String>,
    /// Mail domains of providers.
    provider_domains: HashSet<String>,
    /// Objects counted once although seen more than once.
    pub(crate) duplicates: usize,
}

/// What the registry keeps of a network object: the attributes decisions read and nothing
/// else, as boxed strings (a million-network dump in well under half the memory of the parsed
/// [`rpsl::Network`]s).
#[derive(Debug)]
struct NetRecord {
    range: IpRange,
    source: std::sync::Arc<str>,
    handle: Box<str>,
    netname: Option<Box<str>>,
    status: Option<Box<str>>,
    org: Option<Box<str>>,
    org_name: Option<Box<str>>,
    abuse_mailbox: Option<Box<str>>,
    abuse_c: Box<[Box<str>]>,
    mnt_irt: Box<[Box<str>]>,
    mnt_by: Box<[Box<str>]>,
    /// The knowledge's placeholder rule ([`Knowledge::placeholder_reason`]) on the whole object.
    placeholder: bool,
}

impl NetRecord {
    fn new(n: rpsl::Network, k: &Knowledge) -> Self {
        let boxed = |v: Vec<String>| -> Box<[Box<str>]> { v.into_iter().map(Box::from).collect() };
        let placeholder = k.placeholder_reason(&n).is_some();
        Self {
            placeholder,
            range: n.range,
            source: n.source.name,
            handle: n.handle.into(),
            netname: n.netname.map(Box::from),
            status: n.status.map(Box::from),
            org: n.org.map(Box::from),
            org_name: n.org_name.map(Box::from),
            abuse_mailbox: n.abuse_mailbox.map(Box::from),
            abuse_c: boxed(n.abuse_c),
            mnt_irt: boxed(n.mnt_irt),
            mnt_by: boxed(n.mnt_by),
        }
    }
}

/// What the registry keeps of an organisation object.
#[derive(Debug)]
struct OrgRecord {
    handle: Box<str>,
    name: Option<Box<str>>,
    org_type: Option<Box<str>>,
    abuse_c: Option<Box<str>>,
    abuse_mailbox: Option<Box<str>>,
    emails: Box<[Box<str>]>,
}

impl From<rpsl::Organisation> for OrgRecord {
    fn from(o: rpsl::Organisation) -> Self {
        Self {
            handle: o.handle.into(),
            name: o.name.map(Box::from),
            org_type: o.org_type.map(Box::from),
            abuse_c: o.abuse_c.map(Box::from),
            abuse_mailbox: o.abuse_mailbox.map(Box::from),
            emails: o.emails.into_iter().map(Box::from).collect(),
        }
    }
}

/// What the registry keeps of a role or person object: where its mail goes.
#[derive(Debug)]
struct ContactRecord {
    abuse_mailbox: Option<Box<str>>,
    emails: Box<[Box<str>]>,
}

impl From<rpsl::Contact> for ContactRecord {
    fn from(c: rpsl::Contact) -> Self {
        Self {
            abuse_mailbox: c.abuse_mailbox.map(Box::from),
            emails: c.emails.into_iter().map(Box::from).collect(),
        }
    }
}

/// A de-duplication key for objects whose class has no map keyed by their primary key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum SeenKey {
    /// A registry network (not ARIN) or an abuse comment: its class and exact range.
    Range(rpsl::ObjectClass, IpAddr, IpAddr),
    /// Any other object: its class and normalised primary key ([`Object::key`]).
    Other(ObjectKey),
}

/// Inserts into a map keyed by primary key; false when the key was there (a duplicate).
fn insert_new<K: std::hash::Hash + Eq, V>(
    map: &mut HashMap<K, V>,
    key: K,
    value: impl Into<V>,
) -> bool {
    match map.entry(key) {
        Entry::Occupied(_) => false,
        Entry::Vacant(v) => {
            v.insert(value.into());
            true
        }
    }
}

/// A handle as a map key: upper case, boxed.
fn upper(handle: &str) -> Box<str> {
    handle.to_ascii_uppercase().into_boxed_str()
}

fn mail_domain(addr: &str) -> Option<String> {
    addr.rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('.').to_lowercase())
}

impl Registry {
    /// Adds one object; a repeat of the same class and primary key counts once.
    pub(crate) fn add(&mut self, obj: Object, k: &Knowledge) {
        let new = match obj {
            Object::Organisation(o) => insert_new(&mut self.orgs, upper(&o.handle), o),
            Object::Contact(c) => insert_new(&mut self.contacts, upper(&c.nic_hdl), c),
            Object::Irt(i) => insert_new(&mut self.irts, i.handle.to_ascii_uppercase(), i),
            Object::AutNum(a) => insert_new(&mut self.autnums, a.asn, a),
            other => {
                // Ranges are keyed as addresses ([`Object::key`] would format them).
                let key = match &other {
                    Object::Network(n)
                        if !matches!(
                            n.kind,
                            rpsl::NetworkKind::ArinNet | rpsl::NetworkKind::ArinSummary
                        ) =>
                    {
                        SeenKey::Range(n.kind.class(), n.range.start(), n.range.end())
                    }
                    Object::AbuseComment(c) => SeenKey::Range(
                        rpsl::ObjectClass::AbuseComment,
                        c.range.start(),
                        c.range.end(),
                    ),
                    o => SeenKey::Other(o.key()),
                };
                let new = self.seen.insert(key);
                if new {
                    self.keep(other, k);
                }
                new
            }
        };
        if !new {
            self.duplicates += 1;
        }
    }

    /// Keeps a first-seen object of a class without its own map.
    fn keep(&mut self, obj: Object, k: &Knowledge) {
        match obj {
            Object::Network(n) => {
                if let Ok(i) = u32::try_from(self.nets.len()) {
                    self.net_index.insert(&n.range, i);
                    self.nets.push(NetRecord::new(n, k));
                }
            }
            Object::Route(r) => {
                if let Ok(i) = u32::try_from(self.routes.len()) {
                    self.route_index.insert(&IpRange::from_net(r.prefix), i);
                    self.routes.push(r);
                }
            }
            Object::AbuseComment(c) => {
                if let Some(m) = c.mailbox {
                    self.comments.insert((c.range.start(), c.range.end()), m);
                }
            }
            _ => {}
        }
    }

    /// Adds one RDAP ip network.
    pub(crate) fn add_rdap(&mut self, source: &str, net: &IpNetwork, k: &Knowledge) {
        let (Some(start), Some(end)) = (net.start_address, net.end_address) else {
            return;
        };
        let Some(range) = IpRange::new(start, end) else {
            return;
        };
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
        let clean = |v: Vec<crate::rdap::ContactEmail>| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for e in v {
                if let Some(m) = normalise_mailbox(&e.address)
                    && !k.is_placeholder_email(&m)
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
                .organisation_name()
                .map(str::to_owned)
                .or_else(|| net.registrant_name().map(str::to_owned))
                .unwrap_or_default(),
            abuse_emails: Vec::new(),
            emails: clean(net.registrant_emails()),
            is_lir: false,
        });
        let role = k.role_of_status(&status);
        let placeholder = k.is_placeholder_network(&name, "", &status);
        let n = Network {
            origin: NetworkOrigin::Rdap,
            source: source.to_owned(),
            start: range.start(),
            end: range.end(),
            name,
            status,
            role,
            org,
            abuse_emails: clean(net.abuse_emails()),
            abuse_comment: None,
            maintainers: Vec::new(),
            placeholder,
        };
        if let Ok(i) = u32::try_from(self.rdap.len()) {
            self.rdap_index.insert(&range, i);
            self.rdap.push(n);
        }
    }

    fn contact_mail(&self, handle: &str, k: &Knowledge) -> Vec<String> {
        let Some(c) = self.contacts.get(handle.to_ascii_uppercase().as_str()) else {
            return Vec::new();
        };
        let list: &[Box<str>] = match &c.abuse_mailbox {
            Some(m) => std::slice::from_ref(m),
            None => &c.emails,
        };
        list.iter()
            .filter_map(|m| normalise_mailbox(m))
            .filter(|m| !k.is_placeholder_email(m))
            .collect()
    }

    fn org_info(&self, handle: Option<&str>, name: Option<&str>, k: &Knowledge) -> Option<OrgInfo> {
        let o = handle.and_then(|h| self.orgs.get(h.to_ascii_uppercase().as_str()));
        if o.is_none() && name.is_none() && handle.is_none() {
            return None;
        }
        let mut abuse: Vec<String> = Vec::new();
        let mut emails: Vec<String> = Vec::new();
        let mut is_lir = false;
        let mut org_name = name.map(str::to_owned).unwrap_or_default();
        if let Some(o) = o {
            if let Some(n) = &o.name {
                org_name = n.to_string();
            }
            if let Some(m) = o.abuse_mailbox.as_deref().and_then(normalise_mailbox) {
                abuse.push(m);
            }
            if let Some(h) = &o.abuse_c {
                abuse.extend(self.contact_mail(h, k));
            }
            emails.extend(o.emails.iter().filter_map(|m| normalise_mailbox(m)));
            is_lir = o
                .org_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("LIR"));
        }
        abuse.retain(|m| !k.is_placeholder_email(m));
        emails.retain(|m| !k.is_placeholder_email(m) && !abuse.contains(m));
        abuse.dedup();
        emails.dedup();
        Some(OrgInfo {
            handle: handle.unwrap_or_default().to_owned(),
            name: org_name,
            abuse_emails: abuse,
            emails,
            is_lir,
        })
    }

    fn convert(&self, n: &NetRecord, k: &Knowledge) -> Network {
        let status = n.status.as_deref().unwrap_or_default().to_owned();
        let name = n.netname.as_deref().unwrap_or(&n.handle).to_owned();
        let org = self.org_info(n.org.as_deref(), n.org_name.as_deref(), k);
        let mut abuse: Vec<String> = Vec::new();
        if let Some(m) = n.abuse_mailbox.as_deref().and_then(normalise_mailbox) {
            abuse.push(m);
        }
        for h in &n.abuse_c {
            abuse.extend(self.contact_mail(h, k));
        }
        if abuse.is_empty() && org.as_ref().is_none_or(|o| o.abuse_emails.is_empty()) {
            for irt in &n.mnt_irt {
                if let Some(i) = self.irts.get(&irt.to_ascii_uppercase())
                    && let Some(m) = i.abuse_mailbox.as_deref().and_then(normalise_mailbox)
                {
                    abuse.push(m);
                }
            }
        }
        abuse.retain(|m| !k.is_placeholder_email(m));
        abuse.dedup();
        let placeholder = n.placeholder;
        Network {
            origin: NetworkOrigin::Registry,
            source: n.source.to_string(),
            start: n.range.start(),
            end: n.range.end(),
            name,
            role: k.role_of_status(&status),
            status,
            org,
            abuse_emails: abuse,
            abuse_comment: self
                .comments
                .get(&(n.range.start(), n.range.end()))
                .filter(|m| !k.is_placeholder_email(m))
                .cloned(),
            maintainers: n.mnt_by.iter().map(|m| m.to_string()).collect(),
            placeholder,
        }
    }

    /// Covering networks (registry and RDAP), unordered.
    pub(crate) fn networks(&self, ip: IpAddr, k: &Knowledge) -> Vec<Network> {
        let mut out: Vec<Network> = self
            .net_index
            .covering(ip)
            .into_iter()
            .filter_map(|i| self.nets.get(i as usize))
            .map(|n| self.convert(n, k))
            .collect();
        out.extend(
            self.rdap_index
                .covering(ip)
                .into_iter()
                .filter_map(|i| self.rdap.get(i as usize).cloned()),
        );
        out
    }

    /// Abuse contacts of the origin AS of the most specific route covering `ip`.
    pub(crate) fn asn_abuse(&self, ip: IpAddr, k: &Knowledge) -> Vec<(String, String)> {
        let route = self
            .route_index
            .covering(ip)
            .into_iter()
            .filter_map(|i| self.routes.get(i as usize))
            .max_by_key(|r| r.prefix.prefix_len());
        let Some(route) = route else {
            return Vec::new();
        };
        let Some(a) = self.autnums.get(&route.origin) else {
            return Vec::new();
        };
        let mut out: Vec<String> = a
            .abuse_c
            .iter()
            .flat_map(|h| self.contact_mail(h, k))
            .collect();
        if out.is_empty()
            && let Some(o) = self.org_info(a.org.as_deref(), None, k)
        {
            out = o.abuse_emails;
        }
        out.into_iter()
            .map(|m| (m, format!("{} (AS{})", a.source.name, a.asn)))
            .collect()
    }

    /// Builds the range lookups over everything added: call once after the last
    /// [`Self::add`] or [`Self::add_rdap`], before [`Self::networks`] or [`Self::asn_abuse`].
    pub(crate) fn finish(&mut self) {
        self.net_index.build();
        self.rdap_index.build();
        self.route_index.build();
    }

    /// Derives provider knowledge: organisations that hold allocations (or are LIRs) and the
    /// mail domains of their contacts.
    pub(crate) fn derive_providers(&mut self, k: &Knowledge) {
        let mut orgs = HashSet::default();
        let mut domains = HashSet::default();
        let mut provider_nets: Vec<Network> = Vec::new();
        for n in &self.nets {
            if n.placeholder {
                continue;
            }
            if k.role_of_status(n.status.as_deref().unwrap_or("")) == NetworkRole::Allocation {
                provider_nets.push(self.convert(n, k));
            }
        }
        for o in self.orgs.values() {
            if o.org_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("LIR"))
                && let Some(info) = self.org_info(Some(&o.handle), None, k)
            {
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
        provider_nets.extend(
            self.rdap
                .iter()
                .filter(|n| !n.placeholder && n.role == NetworkRole::Allocation)
                .cloned(),
        );
        for n in &provider_nets {
            if let Some(o) = &n.org {
                if !o.handle.is_empty() {
                    orgs.insert(o.handle.to_ascii_uppercase());
                }
                if !o.name.is_empty() {
                    orgs.insert(o.name.to_lowercase());
                }
                for m in o.abuse_emails.iter().chain(&o.emails) {
                    domains.extend(mail_domain(m));
                }
            }
            for m in n.abuse_emails.iter().chain(n.abuse_comment.iter()) {
                domains.extend(mail_domain(m));
            }
        }
        // Mail domains shared with registries' own addresses are not a provider's.
        self.provider_orgs = orgs;
        self.provider_domains = domains;
    }

    /// True for a provider organisation (handle or name).
    pub(crate) fn is_provider_org(&self, handle_or_name: &str) -> bool {
        self.provider_orgs
            .contains(&handle_or_name.to_ascii_uppercase())
            || self.provider_orgs.contains(&handle_or_name.to_lowercase())
    }

    /// True for a provider's mail domain (or a subdomain of one).
    pub(crate) fn is_provider_domain(&self, domain: &str) -> bool {
        let d = domain.to_lowercase();
        if self.provider_domains.contains(&d) {
            return true;
        }
        let dotted = format!(".{d}");
        self.provider_domains.iter().any(|p| p.ends_with(&dotted))
    }

    /// Networks held (registry, RDAP).
    pub(crate) fn counts(&self) -> (usize, usize) {
        (self.nets.len(), self.rdap.len())
    }
}
