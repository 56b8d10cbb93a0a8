//! What is known about one address, gathered through [`EvidenceSource`].
//!
//! The engine decides from an [`Evidence`] value only; where it came from (the in-memory
//! [`Snapshot`](crate::snapshot::Snapshot) today, live collectors later) does not matter. All types
//! here are plain owned data so any collector can fill them, except the covering networks: an
//! [`EvidenceNetwork`] reads a registry network in place in the index that answered, and
//! owned [`NetworkFacts`] otherwise.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use crate::index::{RegistryNetwork, RegistryOrg};

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

/// The owned facts of a network covering the address: what an RDAP ip network, a live
/// collector, a test or an embedder hands the engine. Registry networks of the
/// [`RegistryIndex`](crate::RegistryIndex) are not copied into this: the engine reads them in
/// place ([`EvidenceNetwork`]); [`EvidenceNetwork::to_facts`] gives their facts in this shape.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NetworkFacts {
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
    /// A placeholder (IANA block, NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK): never counts.
    pub placeholder: bool,
}

impl NetworkFacts {
    /// A network from `start` to `end` and nothing else known: no source, name, status,
    /// organisation or abuse address, role [`NetworkRole::Unknown`], not a placeholder. Set the
    /// fields that are known.
    pub fn new(origin: NetworkOrigin, start: IpAddr, end: IpAddr) -> Self {
        Self {
            origin,
            source: String::new(),
            start,
            end,
            name: String::new(),
            status: String::new(),
            role: NetworkRole::Unknown,
            org: None,
            abuse_emails: Vec::new(),
            abuse_comment: None,
            placeholder: false,
        }
    }
}

/// A network covering the address, as the policy reads it: a cheap value read through
/// accessors. A registry network is a view into the [`RegistryIndex`](crate::RegistryIndex)
/// that answered (its record; organisation, abuse addresses and comment resolved only when
/// asked, borrowing the index's strings); any other network is [`NetworkFacts`], borrowed from
/// the source ([`EvidenceNetwork::borrowed`]) or owned ([`EvidenceNetwork::owned`]).
///
/// `'s` is the lifetime of the [`EvidenceSource`] borrowed: a decision's networks live as long
/// as the source they were asked of, and copying one copies a reference (or, for owned facts,
/// the facts). `PartialEq` and `Debug` compare and show the resolved facts
/// ([`EvidenceNetwork::to_facts`]), wherever they are kept.
///
/// ```
/// use ip_attribution::{EvidenceNetwork, NetworkFacts, NetworkOrigin, OrgInfo};
/// let mut facts = NetworkFacts::new(
///     NetworkOrigin::Rdap,
///     "192.0.2.0".parse().unwrap(),
///     "192.0.2.255".parse().unwrap(),
/// );
/// facts.name = "EXAMPLE-NET".to_owned();
/// facts.abuse_emails = vec!["abuse@example.net".to_owned()];
/// let mut org = OrgInfo::default();
/// org.name = "Example B.V.".to_owned();
/// facts.org = Some(org);
/// let net = EvidenceNetwork::borrowed(&facts);
/// assert_eq!(net.name(), "EXAMPLE-NET");
/// assert_eq!(net.abuse_emails(), ["abuse@example.net"]);
/// assert_eq!(net.org().map(|o| o.name().to_owned()), Some("Example B.V.".to_owned()));
/// assert_eq!(net.range_text(), "192.0.2.0 - 192.0.2.255");
/// assert_eq!(net, EvidenceNetwork::owned(facts.clone()));
/// ```
#[derive(Clone)]
pub struct EvidenceNetwork<'s> {
    inner: NetworkInner<'s>,
}

/// Where an [`EvidenceNetwork`]'s facts are.
#[derive(Clone)]
enum NetworkInner<'s> {
    /// A record of the registry index, read in place.
    Registry(RegistryNetwork<'s>),
    /// Facts the source keeps.
    Borrowed(&'s NetworkFacts),
    /// Facts built for this answer.
    Owned(Box<NetworkFacts>),
}

impl<'s> EvidenceNetwork<'s> {
    /// Facts the source keeps, read in place.
    pub fn borrowed(facts: &'s NetworkFacts) -> Self {
        Self {
            inner: NetworkInner::Borrowed(facts),
        }
    }

    /// Facts built for this answer (a source that builds each answer afresh).
    pub fn owned(facts: NetworkFacts) -> Self {
        Self {
            inner: NetworkInner::Owned(Box::new(facts)),
        }
    }

    /// A registry network of the index, read in place.
    pub(crate) fn registry(view: RegistryNetwork<'s>) -> Self {
        Self {
            inner: NetworkInner::Registry(view),
        }
    }

    /// The facts, when they are kept as [`NetworkFacts`].
    fn facts(&self) -> Result<&NetworkFacts, &RegistryNetwork<'s>> {
        match &self.inner {
            NetworkInner::Registry(r) => Err(r),
            NetworkInner::Borrowed(f) => Ok(f),
            NetworkInner::Owned(f) => Ok(f),
        }
    }

    /// Registry or RDAP.
    pub fn origin(&self) -> NetworkOrigin {
        match self.facts() {
            Ok(f) => f.origin,
            Err(_) => NetworkOrigin::Registry,
        }
    }

    /// File it came from.
    pub fn source(&self) -> &str {
        match self.facts() {
            Ok(f) => &f.source,
            Err(r) => r.source(),
        }
    }

    /// First address.
    pub fn start(&self) -> IpAddr {
        match self.facts() {
            Ok(f) => f.start,
            Err(r) => r.start(),
        }
    }

    /// Last address.
    pub fn end(&self) -> IpAddr {
        match self.facts() {
            Ok(f) => f.end,
            Err(r) => r.end(),
        }
    }

    /// netname / RDAP name (a registry network without a netname: its handle).
    pub fn name(&self) -> &str {
        match self.facts() {
            Ok(f) => &f.name,
            Err(r) => r.name(),
        }
    }

    /// Registry status as written (`ASSIGNED PA`, `reallocated`, …); empty when absent.
    pub fn status(&self) -> &str {
        match self.facts() {
            Ok(f) => &f.status,
            Err(r) => r.status(),
        }
    }

    /// Role in the allocation tree.
    pub fn role(&self) -> NetworkRole {
        match self.facts() {
            Ok(f) => f.role,
            Err(r) => r.role(),
        }
    }

    /// The holder organisation, when named.
    pub fn org(&self) -> Option<EvidenceOrg<'_>> {
        match self.facts() {
            Ok(f) => f.org.as_ref().map(|o| EvidenceOrg {
                inner: OrgInner::Facts(o),
            }),
            Err(r) => r.org().map(EvidenceOrg::registry),
        }
    }

    /// Abuse mailboxes of the object itself (`abuse-c`, `abuse-mailbox`, RDAP `abuse` entity,
    /// ARIN OrgAbuseEmail; a registry network's irts when neither it nor its organisation has
    /// one), placeholders removed.
    pub fn abuse_emails(&self) -> Vec<&str> {
        match self.facts() {
            Ok(f) => f.abuse_emails.iter().map(String::as_str).collect(),
            Err(r) => r.abuse_emails(),
        }
    }

    /// Abuse address from a saved answer's `% Abuse contact for` comment.
    pub fn abuse_comment(&self) -> Option<&str> {
        match self.facts() {
            Ok(f) => f.abuse_comment.as_deref(),
            Err(r) => r.abuse_comment(),
        }
    }

    /// A placeholder (IANA block, NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK): never counts.
    pub fn is_placeholder(&self) -> bool {
        match self.facts() {
            Ok(f) => f.placeholder,
            Err(r) => r.is_placeholder(),
        }
    }

    /// Every fact resolved into owned values (for comparing, showing or keeping a network).
    pub fn to_facts(&self) -> NetworkFacts {
        if let Ok(f) = self.facts() {
            return f.clone();
        }
        let owned = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect();
        NetworkFacts {
            origin: self.origin(),
            source: self.source().to_owned(),
            start: self.start(),
            end: self.end(),
            name: self.name().to_owned(),
            status: self.status().to_owned(),
            role: self.role(),
            org: self.org().map(|o| OrgInfo {
                handle: o.handle().to_owned(),
                name: o.name().to_owned(),
                abuse_emails: owned(o.abuse_emails()),
                emails: owned(o.emails()),
                is_lir: o.is_lir(),
            }),
            abuse_emails: owned(self.abuse_emails()),
            abuse_comment: self.abuse_comment().map(str::to_owned),
            placeholder: self.is_placeholder(),
        }
    }

    /// Number of addresses minus one (for ordering most specific first).
    pub fn span(&self) -> u128 {
        fn n(ip: IpAddr) -> u128 {
            match ip {
                IpAddr::V4(a) => u128::from(u32::from(a)),
                IpAddr::V6(a) => u128::from(a),
            }
        }
        n(self.end()).saturating_sub(n(self.start()))
    }

    /// Whether `ip` lies inside.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.start(), self.end(), ip) {
            (IpAddr::V4(s), IpAddr::V4(e), IpAddr::V4(i)) => s <= i && i <= e,
            (IpAddr::V6(s), IpAddr::V6(e), IpAddr::V6(i)) => s <= i && i <= e,
            _ => false,
        }
    }

    /// The range as text (`a - b`).
    pub fn range_text(&self) -> String {
        let mut out = String::with_capacity(33);
        push_ip(&mut out, self.start());
        out.push_str(" - ");
        push_ip(&mut out, self.end());
        out
    }
}

impl From<NetworkFacts> for EvidenceNetwork<'_> {
    fn from(facts: NetworkFacts) -> Self {
        Self::owned(facts)
    }
}

impl<'s> From<&'s NetworkFacts> for EvidenceNetwork<'s> {
    fn from(facts: &'s NetworkFacts) -> Self {
        Self::borrowed(facts)
    }
}

impl PartialEq for EvidenceNetwork<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.to_facts() == other.to_facts()
    }
}

impl Eq for EvidenceNetwork<'_> {}

impl std::fmt::Debug for EvidenceNetwork<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.to_facts().fmt(f)
    }
}

/// The holder organisation of an [`EvidenceNetwork`], read through accessors: a registry
/// organisation read in place in the index, or an [`OrgInfo`] of the network's facts.
#[derive(Clone)]
pub struct EvidenceOrg<'a> {
    inner: OrgInner<'a>,
}

/// Where an [`EvidenceOrg`]'s facts are.
#[derive(Clone)]
enum OrgInner<'a> {
    Registry(RegistryOrg<'a>),
    Facts(&'a OrgInfo),
}

impl<'a> EvidenceOrg<'a> {
    /// A registry organisation, read in place.
    pub(crate) fn registry(org: RegistryOrg<'a>) -> Self {
        Self {
            inner: OrgInner::Registry(org),
        }
    }

    /// Handle (`ORG-…`, ARIN OrgId, LACNIC owner-id) as the network names it; may be empty.
    pub fn handle(&self) -> &'a str {
        match &self.inner {
            OrgInner::Registry(r) => r.handle(),
            OrgInner::Facts(o) => &o.handle,
        }
    }

    /// Display name (`org-name`, `OrgName`, `owner`, RDAP fn); may be empty.
    pub fn name(&self) -> &'a str {
        match &self.inner {
            OrgInner::Registry(r) => r.name(),
            OrgInner::Facts(o) => &o.name,
        }
    }

    /// Abuse mailboxes of the organisation (its `abuse-mailbox`, its `abuse-c`'s),
    /// placeholders removed.
    pub fn abuse_emails(&self) -> Vec<&'a str> {
        match &self.inner {
            OrgInner::Registry(r) => r.abuse_emails(),
            OrgInner::Facts(o) => o.abuse_emails.iter().map(String::as_str).collect(),
        }
    }

    /// Other e-mail addresses of the organisation (`e-mail`, tech/noc), placeholders and its
    /// abuse mailboxes removed.
    pub fn emails(&self) -> Vec<&'a str> {
        match &self.inner {
            OrgInner::Registry(r) => r.emails(),
            OrgInner::Facts(o) => o.emails.iter().map(String::as_str).collect(),
        }
    }

    /// True when the organisation is a registry's own (IANA, RIR) or marked as a provider (LIR).
    pub fn is_lir(&self) -> bool {
        match &self.inner {
            OrgInner::Registry(r) => r.is_lir(),
            OrgInner::Facts(o) => o.is_lir,
        }
    }
}

impl std::fmt::Debug for EvidenceOrg<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvidenceOrg")
            .field("handle", &self.handle())
            .field("name", &self.name())
            .field("abuse_emails", &self.abuse_emails())
            .field("emails", &self.emails())
            .field("is_lir", &self.is_lir())
            .finish()
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

/// The one class the policy gives a certificate seen on an address ([`Knowledge::cert_class`](crate::Knowledge::cert_class)
/// picks it, most telling first, from the several [`CertClass`](crate::CertClass)es of the certificate's
/// analysis).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EvidenceCertClass {
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

impl EvidenceCertClass {
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
    pub class: EvidenceCertClass,
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

/// Everything known about one address. `'s` is the lifetime of the [`EvidenceSource`] it was
/// gathered from (its registry networks are read in place there, see [`EvidenceNetwork`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Evidence<'s> {
    /// The address.
    pub ip: IpAddr,
    /// Covering networks, most specific first (registry and RDAP), read in place in the
    /// source where it keeps them.
    pub networks: Vec<EvidenceNetwork<'s>>,
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

impl<'s> Evidence<'s> {
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
    pub fn gather<S: EvidenceSource + ?Sized>(
        source: &'s S,
        ip: IpAddr,
        now: DateTime<Utc>,
    ) -> Self {
        Self::gather_with_networks(source, ip, source.networks(ip), now)
    }

    /// [`Evidence::gather`] with the covering networks already asked for (by
    /// [`EvidenceSource::networks_many`] for a batch of addresses): everything else is asked
    /// of `source` as `gather` asks it.
    pub(crate) fn gather_with_networks<S: EvidenceSource + ?Sized>(
        source: &S,
        ip: IpAddr,
        networks: Vec<EvidenceNetwork<'s>>,
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
            .filter_map(EvidenceNetwork::org)
            .flat_map(|o| [o.handle().to_owned(), o.name().to_owned()])
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
///
/// A source that keeps its networks as [`NetworkFacts`] hands out views of them; the
/// decisions borrow the source for as long as they read its evidence:
///
/// ```
/// use std::net::IpAddr;
/// use ip_attribution::{
///     Evidence, EvidenceNetwork, EvidenceSource, NetworkFacts, NetworkOrigin, Outcome, Policy,
/// };
/// struct Networks(Vec<NetworkFacts>);
/// impl EvidenceSource for Networks {
///     fn networks(&self, ip: IpAddr) -> Vec<EvidenceNetwork<'_>> {
///         let covering = self.0.iter().filter(|n| EvidenceNetwork::borrowed(n).contains(ip));
///         covering.map(EvidenceNetwork::borrowed).collect()
///     }
/// }
/// let mut net = NetworkFacts::new(
///     NetworkOrigin::Rdap,
///     "192.0.2.0".parse().unwrap(),
///     "192.0.2.255".parse().unwrap(),
/// );
/// net.abuse_emails = vec!["abuse@example.net".to_owned()];
/// let source = Networks(vec![net]);
/// let now = chrono::DateTime::UNIX_EPOCH;
/// let ev = Evidence::gather(&source, "192.0.2.7".parse().unwrap(), now);
/// let d = Policy::default().decide(&ev);
/// assert_eq!(d.outcome, Outcome::NetworkOwner);
/// assert_eq!(d.recipients[0].address, "abuse@example.net");
/// ```
pub trait EvidenceSource: Sync {
    /// Registry and RDAP networks covering `ip` (any order; placeholders flagged). A source
    /// that keeps its networks hands out [`EvidenceNetwork::borrowed`] views of them; one that
    /// builds each answer afresh hands out [`EvidenceNetwork::owned`] values.
    fn networks(&self, ip: IpAddr) -> Vec<EvidenceNetwork<'_>> {
        let _ = ip;
        Vec::new()
    }
    /// [`EvidenceSource::networks`] for many addresses: clears `out` and pushes one list per
    /// address of `ips`, in order, each what `networks` gives for that address. The engine's
    /// batch and step runners ([`decide_batch`](super::decide_batch) and what is built on it)
    /// ask through this. The default asks `networks` for each address; a source with a faster
    /// batched path overrides it (the snapshot: the registry index's
    /// [`evidence_networks_many`](crate::index::RegistryIndex::evidence_networks_many), which
    /// finds the covering networks of a batch in lock step and hands out views of its
    /// records).
    fn networks_many<'s>(&'s self, ips: &[IpAddr], out: &mut Vec<Vec<EvidenceNetwork<'s>>>) {
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
            let n = EvidenceNetwork::owned(NetworkFacts::new(
                NetworkOrigin::Registry,
                pair[0],
                pair[1],
            ));
            assert_eq!(n.range_text(), format!("{} - {}", pair[0], pair[1]));
        }
    }
}
