//! What is known about one address, gathered through [`EvidenceSource`].
//!
//! The engine decides from an [`Evidence`] value only; where it came from (the in-memory
//! [`Snapshot`](crate::snapshot::Snapshot) today, live collectors later) does not matter. All types
//! here are plain owned data so any collector can fill them.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};

/// Where a network record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetworkOrigin {
    /// An RPSL object (dump or saved port-43 answer).
    Registry,
    /// An RDAP ip network response.
    Rdap,
}

/// The role of a network object in the allocation tree, from its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetworkRole {
    /// An allocation or sub-allocation to a provider (LIR, ISP, hoster).
    Allocation,
    /// An assignment to an end user (possibly the provider itself).
    Assignment,
    /// Status unknown or absent.
    Unknown,
}

/// A registry organisation (or RDAP registrant) as far as the engine needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrgInfo {
    /// Handle (`ORG-…`, ARIN OrgId, LACNIC owner-id); may be empty.
    pub handle: String,
    /// Display name (`org-name`, `OrgName`, `owner`, RDAP fn).
    pub name: String,
    /// Abuse mailboxes of the organisation (its `abuse-c`), placeholders removed.
    pub abuse_emails: Vec<String>,
    /// Other e-mail addresses of the organisation (`e-mail`, tech/noc), placeholders removed.
    pub emails: Vec<String>,
    /// True when the organisation is a registry's own (IANA, RIR) or marked as a provider (LIR).
    pub is_lir: bool,
}

/// A network covering the address: an inetnum/inet6num/NetRange or an RDAP ip network.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Network {
    /// Registry or RDAP.
    pub origin: NetworkOrigin,
    /// File it came from.
    pub source: String,
    /// First address.
    pub start: IpAddr,
    /// Last address.
    pub end: IpAddr,
    /// netname / RDAP name.
    pub name: String,
    /// Registry status as written (`ASSIGNED PA`, `reallocated`, …).
    pub status: String,
    /// Role in the allocation tree.
    pub role: NetworkRole,
    /// The holder organisation, when named.
    pub org: Option<OrgInfo>,
    /// Abuse mailboxes of the object itself (`abuse-c`, `abuse-mailbox`, RDAP `abuse` entity,
    /// ARIN OrgAbuseEmail), placeholders removed.
    pub abuse_emails: Vec<String>,
    /// Abuse address from a saved answer's `% Abuse contact for` comment.
    pub abuse_comment: Option<String>,
    /// Maintainers (`mnt-by`), for telling a provider's own objects.
    pub maintainers: Vec<String>,
    /// A placeholder (IANA block, NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK): never counts.
    pub placeholder: bool,
}

impl Network {
    /// Number of addresses minus one (for ordering most specific first).
    pub fn span(&self) -> u128 {
        fn n(ip: IpAddr) -> u128 {
            match ip {
                IpAddr::V4(a) => u128::from(u32::from(a)),
                IpAddr::V6(a) => u128::from(a),
            }
        }
        n(self.end).saturating_sub(n(self.start))
    }

    /// Whether `ip` lies inside.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.start, self.end, ip) {
            (IpAddr::V4(s), IpAddr::V4(e), IpAddr::V4(i)) => s <= i && i <= e,
            (IpAddr::V6(s), IpAddr::V6(e), IpAddr::V6(i)) => s <= i && i <= e,
            _ => false,
        }
    }

    /// The range as text (`a - b`).
    pub fn range_text(&self) -> String {
        let mut out = String::with_capacity(33);
        push_ip(&mut out, self.start);
        out.push_str(" - ");
        push_ip(&mut out, self.end);
        out
    }
}

/// `ip` as its `Display` writes it; IPv4 digit by digit (the formatter's way costs more than
/// the rest of a decision's evidence text, and every decision names a range).
fn push_ip(out: &mut String, ip: IpAddr) {
    match ip {
        IpAddr::V4(a) => {
            for (i, octet) in a.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                if octet >= 100 {
                    out.push(char::from(b'0' + octet / 100));
                }
                if octet >= 10 {
                    out.push(char::from(b'0' + octet / 10 % 10));
                }
                out.push(char::from(b'0' + octet % 10));
            }
        }
        IpAddr::V6(a) => {
            use std::fmt::Write as _;
            let _ = write!(out, "{a}");
        }
    }
}

/// A reverse (PTR) name of the address.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PtrName {
    /// The name, normalised (lower case, no trailing dot).
    pub name: String,
    /// Its registrable domain (public suffix + 1), when it has one.
    pub domain: Option<String>,
    /// True when the name resolves back to the address.
    pub forward_confirmed: bool,
    /// Why the name is generic/dynamic (a provider's pool name), if it is.
    pub generic: Option<String>,
    /// File it came from.
    pub source: String,
}

/// How a certificate is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CertClass {
    /// Organisation validated (subject has O).
    Ov,
    /// Domain validated.
    Dv,
    /// Shared by many unrelated domains (a CDN edge).
    SharedCdn,
    /// A device vendor's default certificate.
    DeviceDefault,
    /// Self-signed.
    SelfSigned,
    /// Does not chain to a trusted root.
    Untrusted,
    /// Outside its validity period.
    Expired,
}

impl CertClass {
    /// A stable name, as evidence values show it: `ov`, `dv`, `shared-cdn`, `device-default`,
    /// `self-signed`, `untrusted`, `expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ov => "ov",
            Self::Dv => "dv",
            Self::SharedCdn => "shared-cdn",
            Self::DeviceDefault => "device-default",
            Self::SelfSigned => "self-signed",
            Self::Untrusted => "untrusted",
            Self::Expired => "expired",
        }
    }
}

/// A certificate seen on the address.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertSeen {
    /// File it came from.
    pub source: String,
    /// Port, when the file name gives it.
    pub port: Option<u16>,
    /// Subject organisation (O).
    pub subject_org: Option<String>,
    /// Subject CN.
    pub common_name: Option<String>,
    /// Registrable domains of the DNS names (SAN, else CN), first the CN's, no duplicates.
    pub domains: Vec<String>,
    /// Chains to a trusted root and is within its validity period at `now`.
    pub trusted: bool,
    /// Classification (trusted certificates are `Ov` or `Dv` unless shared/vendor).
    pub class: CertClass,
}

/// Trust state of a security.txt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecurityTxtStatus {
    /// Valid and unexpired: its contacts can be used.
    Valid,
    /// Expired at `now`.
    Expired,
    /// Invalid (the reason).
    Invalid(String),
}

/// A security.txt for a domain, as the engine needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecurityTxt {
    /// The domain.
    pub domain: String,
    /// File it came from.
    pub source: String,
    /// Whether it can be trusted.
    pub status: SecurityTxtStatus,
    /// E-mail contacts (mailto: stripped, bare addresses included), in file order.
    pub emails: Vec<String>,
    /// Other contacts (https URLs, tel:), in file order.
    pub others: Vec<String>,
    /// Preferred-Languages, lower case, in file order.
    pub languages: Vec<String>,
}

/// An operator override (a row of `overrides.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Override {
    /// The prefix or domain as written.
    pub key: String,
    /// Organisation name.
    pub organisation: String,
    /// Contact address (may be empty).
    pub contact: String,
    /// Language (may be empty).
    pub language: String,
    /// `file:line`.
    pub source: String,
}

/// Provider knowledge derived from the evidence collection as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderFlags {
    /// The domain belongs to a provider (named in provider objects' e-mails, or used for the
    /// generic PTR names of many addresses).
    pub domain: bool,
}

/// Everything known about one address.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Evidence {
    /// The address.
    pub ip: IpAddr,
    /// Covering networks, most specific first (registry and RDAP). Shared: a source may hand
    /// the same resolved network to every address under it (the registry index does within a
    /// batch, see [`EvidenceSource::networks_many`]).
    pub networks: Vec<Arc<Network>>,
    /// Abuse contacts of the origin AS (route → aut-num), placeholders removed.
    pub asn_abuse: Vec<(String, String)>,
    /// PTR names.
    pub ptr: Vec<PtrName>,
    /// Certificates seen on the address.
    pub certs: Vec<CertSeen>,
    /// The longest-prefix override covering the address.
    pub prefix_override: Option<Override>,
    /// Overrides of domains this evidence names.
    pub domain_overrides: Vec<Override>,
    /// security.txt files of domains this evidence names.
    pub security_txt: Vec<SecurityTxt>,
    /// Domains known to be a provider's.
    pub provider_domains: Vec<String>,
    /// Organisation handles/names known to be providers (hold allocations).
    pub provider_orgs: Vec<String>,
}

impl Evidence {
    /// Evidence with nothing known.
    pub fn empty(ip: IpAddr) -> Self {
        Self {
            ip,
            networks: Vec::new(),
            asn_abuse: Vec::new(),
            ptr: Vec::new(),
            certs: Vec::new(),
            prefix_override: None,
            domain_overrides: Vec::new(),
            security_txt: Vec::new(),
            provider_domains: Vec::new(),
            provider_orgs: Vec::new(),
        }
    }

    /// Gathers what `source` knows about `ip`, judged at `now`.
    pub fn gather<S: EvidenceSource + ?Sized>(source: &S, ip: IpAddr, now: DateTime<Utc>) -> Self {
        Self::gather_with_networks(source, ip, source.networks(ip), now)
    }

    /// [`Evidence::gather`] with the covering networks already asked for (by
    /// [`EvidenceSource::networks_many`] for a batch of addresses): everything else is asked
    /// of `source` as `gather` asks it.
    pub(crate) fn gather_with_networks<S: EvidenceSource + ?Sized>(
        source: &S,
        ip: IpAddr,
        networks: Vec<Arc<Network>>,
        now: DateTime<Utc>,
    ) -> Self {
        let mut ev = Self::empty(ip);
        ev.networks = networks;
        ev.networks.sort_by_key(|n| n.span());
        ev.asn_abuse = source.asn_abuse(ip);
        ev.ptr = source.ptr_names(ip);
        ev.certs = source.certs(ip, now);
        ev.prefix_override = source.prefix_override(ip);
        let mut domains: Vec<String> = ev
            .ptr
            .iter()
            .filter_map(|p| p.domain.clone())
            .chain(ev.certs.iter().flat_map(|c| c.domains.iter().cloned()))
            .collect();
        domains.sort();
        domains.dedup();
        for d in &domains {
            if let Some(o) = source.domain_override(d) {
                ev.domain_overrides.push(o);
            }
            if let Some(s) = source.security_txt(d, now) {
                ev.security_txt.push(s);
            }
            if source.is_provider_domain(d) {
                ev.provider_domains.push(d.clone());
            }
        }
        let mut orgs: Vec<String> = ev
            .networks
            .iter()
            .filter_map(|n| n.org.as_ref())
            .flat_map(|o| [o.handle.clone(), o.name.clone()])
            .chain(ev.certs.iter().filter_map(|c| c.subject_org.clone()))
            .filter(|s| !s.is_empty())
            .collect();
        orgs.sort();
        orgs.dedup();
        ev.provider_orgs = orgs
            .into_iter()
            .filter(|o| source.is_provider_org(o))
            .collect();
        ev
    }

    /// The security.txt of `domain`, if gathered.
    pub fn security_txt_for(&self, domain: &str) -> Option<&SecurityTxt> {
        self.security_txt.iter().find(|s| s.domain == domain)
    }

    /// True when `domain` is known to be a provider's.
    pub fn is_provider_domain(&self, domain: &str) -> bool {
        self.provider_domains.iter().any(|d| d == domain)
    }

    /// True when the organisation handle or name is known to be a provider.
    pub fn is_provider_org(&self, handle_or_name: &str) -> bool {
        self.provider_orgs.iter().any(|d| d == handle_or_name)
    }
}

/// A place evidence comes from. Every method has an empty default, so a collector implements
/// only what it knows.
pub trait EvidenceSource: Sync {
    /// Registry and RDAP networks covering `ip` (any order; placeholders flagged). A source
    /// that builds each answer afresh wraps each network in [`Arc::new`]; one that keeps
    /// resolved networks hands out clones of its `Arc`s.
    fn networks(&self, ip: IpAddr) -> Vec<Arc<Network>> {
        let _ = ip;
        Vec::new()
    }
    /// [`EvidenceSource::networks`] for many addresses: clears `out` and pushes one list per
    /// address of `ips`, in order, each what `networks` gives for that address. The engine's
    /// batch and step runners ([`decide_batch`](super::decide_batch) and what is built on it)
    /// ask through this. The default asks `networks` for each address; a source with a faster
    /// batched path overrides it (the snapshot: the registry index's
    /// [`evidence_networks_many`](crate::index::RegistryIndex::evidence_networks_many), which
    /// resolves a network that covers several addresses of the batch once and hands each the
    /// same `Arc`).
    fn networks_many(&self, ips: &[IpAddr], out: &mut Vec<Vec<Arc<Network>>>) {
        out.clear();
        out.extend(ips.iter().map(|&ip| self.networks(ip)));
    }
    /// Abuse contacts of the origin AS of the most specific route covering `ip`, as
    /// `(address, source)`.
    fn asn_abuse(&self, ip: IpAddr) -> Vec<(String, String)> {
        let _ = ip;
        Vec::new()
    }
    /// PTR names of `ip`, with forward confirmation and generic classification.
    fn ptr_names(&self, ip: IpAddr) -> Vec<PtrName> {
        let _ = ip;
        Vec::new()
    }
    /// Certificates seen on `ip`, classified at `now`.
    fn certs(&self, ip: IpAddr, now: DateTime<Utc>) -> Vec<CertSeen> {
        let _ = (ip, now);
        Vec::new()
    }
    /// The security.txt of `domain`, judged at `now`.
    fn security_txt(&self, domain: &str, now: DateTime<Utc>) -> Option<SecurityTxt> {
        let _ = (domain, now);
        None
    }
    /// The longest-prefix override covering `ip`.
    fn prefix_override(&self, ip: IpAddr) -> Option<Override> {
        let _ = ip;
        None
    }
    /// The override for `domain` (a registrable domain).
    fn domain_override(&self, domain: &str) -> Option<Override> {
        let _ = domain;
        None
    }
    /// True when `domain` is known to belong to a provider (hoster, ISP, CDN).
    fn is_provider_domain(&self, domain: &str) -> bool {
        let _ = domain;
        false
    }
    /// True when the organisation handle or name is known to be a provider.
    fn is_provider_org(&self, handle_or_name: &str) -> bool {
        let _ = handle_or_name;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    /// The range text is what `Display` writes for both ends, for every octet value in every
    /// position and for IPv6.
    #[test]
    fn range_text_is_the_display_of_both_ends() {
        let mut ips: Vec<IpAddr> = Vec::new();
        for v in 0..=255u8 {
            ips.push(IpAddr::V4(Ipv4Addr::new(v, 0, 255, v)));
            ips.push(IpAddr::V4(Ipv4Addr::new(10, v, v, 9)));
        }
        ips.push(IpAddr::V6(Ipv6Addr::LOCALHOST));
        ips.push(IpAddr::V6(Ipv6Addr::new(
            0x2001, 0xdb8, 0, 0, 0, 0xffff, 0xc000, 0x201,
        )));
        ips.push(IpAddr::V6(Ipv6Addr::new(
            0, 0, 0, 0, 0, 0xffff, 0xc000, 0x201,
        )));
        for pair in ips.windows(2) {
            let n = Network {
                origin: NetworkOrigin::Registry,
                source: String::new(),
                start: pair[0],
                end: pair[1],
                name: String::new(),
                status: String::new(),
                role: NetworkRole::Unknown,
                org: None,
                abuse_emails: Vec::new(),
                abuse_comment: None,
                maintainers: Vec::new(),
                placeholder: false,
            };
            assert_eq!(n.range_text(), format!("{} - {}", pair[0], pair[1]));
        }
    }
}
