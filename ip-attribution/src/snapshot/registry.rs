//! Registry objects (RPSL dumps, saved WHOIS answers, RDAP networks) held in memory, with the
//! lookups the engine needs: covering networks with their organisation and abuse contacts
//! resolved, the origin AS's abuse contact, and provider knowledge derived from the whole
//! collection (organisations that hold allocations, and their mail domains).

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use super::ranges::RangeIndex;
use crate::engine::evidence::{Network, NetworkOrigin, NetworkRole, OrgInfo};
use crate::engine::knowledge::Knowledge;
use crate::rdap::IpNetwork;
use crate::rpsl::{self, IpRange, Object, ObjectKey, normalise_mailbox};

/// The registry part of a snapshot.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    nets: Vec<rpsl::Network>,
    net_index: RangeIndex,
    rdap: Vec<Network>,
    rdap_index: RangeIndex,
    orgs: HashMap<String, rpsl::Organisation>,
    contacts: HashMap<String, rpsl::Contact>,
    irts: HashMap<String, rpsl::Irt>,
    comments: HashMap<(IpAddr, IpAddr), String>,
    routes: Vec<rpsl::Route>,
    route_index: RangeIndex,
    autnums: HashMap<u32, rpsl::AutNum>,
    seen: HashSet<ObjectKey>,
    /// Upper-case handles and lower-case names of organisations that are providers.
    provider_orgs: HashSet<String>,
    /// Mail domains of providers.
    provider_domains: HashSet<String>,
    /// Objects counted once although seen more than once.
    pub(crate) duplicates: usize,
}

fn mail_domain(addr: &str) -> Option<String> {
    addr.rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('.').to_lowercase())
}

impl Registry {
    /// Adds one object; a repeat of the same class and primary key counts once.
    pub(crate) fn add(&mut self, obj: Object) {
        if !self.seen.insert(obj.key()) {
            self.duplicates += 1;
            return;
        }
        match obj {
            Object::Network(n) => {
                if let Ok(i) = u32::try_from(self.nets.len()) {
                    self.net_index.insert(&n.range, i);
                    self.nets.push(n);
                }
            }
            Object::Organisation(o) => {
                self.orgs.insert(o.handle.to_ascii_uppercase(), o);
            }
            Object::Contact(c) => {
                self.contacts.insert(c.nic_hdl.to_ascii_uppercase(), c);
            }
            Object::Irt(i) => {
                self.irts.insert(i.handle.to_ascii_uppercase(), i);
            }
            Object::AutNum(a) => {
                self.autnums.insert(a.asn, a);
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
        let Some(c) = self.contacts.get(&handle.to_ascii_uppercase()) else {
            return Vec::new();
        };
        let list: Vec<String> = match &c.abuse_mailbox {
            Some(m) => vec![m.clone()],
            None => c.emails.clone(),
        };
        list.into_iter()
            .filter_map(|m| normalise_mailbox(&m))
            .filter(|m| !k.is_placeholder_email(m))
            .collect()
    }

    fn org_info(&self, handle: Option<&str>, name: Option<&str>, k: &Knowledge) -> Option<OrgInfo> {
        let o = handle.and_then(|h| self.orgs.get(&h.to_ascii_uppercase()));
        if o.is_none() && name.is_none() && handle.is_none() {
            return None;
        }
        let mut abuse: Vec<String> = Vec::new();
        let mut emails: Vec<String> = Vec::new();
        let mut is_lir = false;
        let mut org_name = name.map(str::to_owned).unwrap_or_default();
        if let Some(o) = o {
            if let Some(n) = &o.name {
                org_name = n.clone();
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

    fn convert(&self, n: &rpsl::Network, k: &Knowledge) -> Network {
        let status = n.status.clone().unwrap_or_default();
        let name = n.netname.clone().unwrap_or_else(|| n.handle.clone());
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
        let placeholder = k.is_placeholder_network(&name, n.org.as_deref().unwrap_or(""), &status);
        Network {
            origin: NetworkOrigin::Registry,
            source: n.source.name.to_string(),
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
            maintainers: n.mnt_by.clone(),
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

    /// Derives provider knowledge: organisations that hold allocations (or are LIRs) and the
    /// mail domains of their contacts.
    pub(crate) fn derive_providers(&mut self, k: &Knowledge) {
        let mut orgs = HashSet::new();
        let mut domains = HashSet::new();
        let mut provider_nets: Vec<Network> = Vec::new();
        for n in &self.nets {
            let status = n.status.as_deref().unwrap_or("");
            let name = n.netname.as_deref().unwrap_or("");
            if k.is_placeholder_network(name, n.org.as_deref().unwrap_or(""), status) {
                continue;
            }
            if k.role_of_status(status) == NetworkRole::Allocation {
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
        self.provider_domains
            .iter()
            .any(|p| p.ends_with(&format!(".{d}")))
    }

    /// Networks held (registry, RDAP).
    pub(crate) fn counts(&self) -> (usize, usize) {
        (self.nets.len(), self.rdap.len())
    }
}
