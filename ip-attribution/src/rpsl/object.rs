//! Typed views of the registry objects the attribution needs.
//!
//! Objects are owned (they outlive the reader's buffer and go into the index). Every object
//! carries its [`RpslSource`] (source name and 1-based line) so evidence can point back to it.

use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;

use super::address::{IpRange, normalise_mailbox};

/// Where an object came from: source name (file name or label) and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RpslSource {
    /// File name or other label given to the reader.
    pub name: Arc<str>,
    /// 1-based line of the object's first attribute.
    pub line: usize,
}

impl RpslSource {
    /// A source: the file name or label, and the 1-based line of the object's first attribute.
    pub fn new(name: impl Into<Arc<str>>, line: usize) -> Self {
        Self {
            name: name.into(),
            line,
        }
    }
}

/// Which kind of registry record a [`RpslNetwork`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum NetworkKind {
    /// RPSL `inetnum` (IPv4; LACNIC also writes IPv6 networks as `inetnum`, those are
    /// [`NetworkKind::Inet6num`]).
    Inetnum,
    /// RPSL `inet6num`, or an IPv6 LACNIC `inetnum`.
    Inet6num,
    /// An ARIN port-43 network (`NetRange:` ... ), with its `n +` organisation and POCs merged in.
    ArinNet,
    /// One line of ARIN's answer to an ambiguous query (`Org NAME (NET-HANDLE) a - b`): range,
    /// netname, handle and organisation name only.
    ArinSummary,
}

/// An address block: `inetnum`, `inet6num`, an ARIN network, or a LACNIC `inetnum`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RpslNetwork {
    /// Which record this came from.
    pub kind: NetworkKind,
    /// The exact range (not necessarily CIDR aligned).
    pub range: IpRange,
    /// The primary key as written (`192.0.2.0 - 192.0.2.255`, `2001:db8::/32`, `148.204/16`), or
    /// ARIN's `NetHandle`.
    pub handle: String,
    /// `netname` (ARIN `NetName`).
    pub netname: Option<String>,
    /// `descr` lines.
    pub descr: Vec<String>,
    /// `country`, upper-cased.
    pub country: Option<String>,
    /// `status` as written (`ASSIGNED PA`, `ALLOCATED PA`, `LEGACY`, LACNIC `reallocated`), or
    /// ARIN's `NetType` (`Direct Allocation`, `Reassigned`...).
    pub status: Option<String>,
    /// Organisation handle: RPSL `org`, LACNIC `ownerid`, ARIN `Organization`/`Customer` handle.
    pub org: Option<String>,
    /// Organisation name written on the network itself: LACNIC `owner`, ARIN `Organization`
    /// name, IANA `organisation`.
    pub org_name: Option<String>,
    /// `abuse-c` handles.
    pub abuse_c: Vec<String>,
    /// `admin-c` handles.
    pub admin_c: Vec<String>,
    /// `tech-c` handles.
    pub tech_c: Vec<String>,
    /// `mnt-by` maintainers.
    pub mnt_by: Vec<String>,
    /// `mnt-irt` references to `irt` objects.
    pub mnt_irt: Vec<String>,
    /// An abuse mailbox written on the network itself (legacy RPSL `abuse-mailbox`, ARIN
    /// `RAbuseEmail`), normalised.
    pub abuse_mailbox: Option<String>,
    /// Other e-mail addresses on the network (`e-mail`, ARIN `RTechEmail`...), normalised, dummies
    /// dropped.
    pub emails: Vec<String>,
    /// Parent handle: ARIN `Parent` handle, LACNIC `inetnum-up`.
    pub parent: Option<String>,
    /// Origin AS written on the network (ARIN `OriginAS`, LACNIC `aut-num`), first one.
    pub origin: Option<u32>,
    /// IANA `whois:`/`refer:` server named in the object.
    pub refer: Option<String>,
    /// `source:` database (`RIPE`, `IANA`...) upper-cased; `ARIN` for ARIN's format.
    pub source_db: Option<String>,
    /// The object was dummified by the registry (personal data replaced).
    pub dummified: bool,
    /// Where it came from.
    pub source: RpslSource,
}

/// An `organisation` object, a LACNIC owner, or an ARIN `OrgName`/`CustName` block with its POCs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RpslOrganisation {
    /// Primary key (`ORG-...-RIPE`, ARIN `OrgId` or customer handle).
    pub handle: String,
    /// `org-name` (ARIN `OrgName`/`CustName`).
    pub name: Option<String>,
    /// `org-type` (`LIR`, `OTHER`...).
    pub org_type: Option<String>,
    /// `country`, upper-cased.
    pub country: Option<String>,
    /// `abuse-c` handle.
    pub abuse_c: Option<String>,
    /// Abuse mailbox on the organisation itself: RPSL `abuse-mailbox`, ARIN `OrgAbuseEmail`.
    pub abuse_mailbox: Option<String>,
    /// Other e-mail addresses (`e-mail`, ARIN `OrgTechEmail`, `OrgNOCEmail`...), dummies dropped.
    pub emails: Vec<String>,
    /// `mnt-by` maintainers.
    pub mnt_by: Vec<String>,
    /// `source:` database, upper-cased.
    pub source_db: Option<String>,
    /// The object was dummified by the registry.
    pub dummified: bool,
    /// Where it came from.
    pub source: RpslSource,
}

/// Whether a [`RpslContact`] is a `role` or a `person`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ContactKind {
    /// RPSL `role`.
    Role,
    /// RPSL `person` (LACNIC writes `nic-hdl` first, then `person`).
    Person,
    /// An ARIN point of contact block that could not be attached to a network or organisation.
    ArinPoc,
}

/// A `role` or `person` object: what `abuse-c`, `admin-c` and `tech-c` point at.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RpslContact {
    /// Role or person.
    pub kind: ContactKind,
    /// The name (`role:`/`person:` value).
    pub name: String,
    /// `nic-hdl`, the key other objects use.
    pub nic_hdl: String,
    /// `abuse-mailbox`, normalised.
    pub abuse_mailbox: Option<String>,
    /// `e-mail` addresses, normalised, dummies dropped.
    pub emails: Vec<String>,
    /// `source:` database, upper-cased.
    pub source_db: Option<String>,
    /// The object was dummified by the registry.
    pub dummified: bool,
    /// Where it came from.
    pub source: RpslSource,
}

/// An `irt` (incident response team) object.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Irt {
    /// Primary key (`IRT-...`).
    pub handle: String,
    /// `abuse-mailbox`, normalised.
    pub abuse_mailbox: Option<String>,
    /// `e-mail` addresses, normalised, dummies dropped.
    pub emails: Vec<String>,
    /// Where it came from.
    pub source: RpslSource,
}

/// An `aut-num` object.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AutNum {
    /// The AS number.
    pub asn: u32,
    /// `as-name`.
    pub as_name: Option<String>,
    /// `descr` lines.
    pub descr: Vec<String>,
    /// `org` handle.
    pub org: Option<String>,
    /// `abuse-c` handles.
    pub abuse_c: Vec<String>,
    /// `mnt-by` maintainers.
    pub mnt_by: Vec<String>,
    /// `source:` database, upper-cased.
    pub source_db: Option<String>,
    /// Where it came from.
    pub source: RpslSource,
}

/// A `route` or `route6` object.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Route {
    /// The announced prefix (host bits cleared).
    pub prefix: IpNet,
    /// `origin` AS number.
    pub origin: u32,
    /// `descr` lines.
    pub descr: Vec<String>,
    /// `mnt-by` maintainers.
    pub mnt_by: Vec<String>,
    /// Where it came from.
    pub source: RpslSource,
}

/// A `mntner` object (only its key and maintainers are kept; dumps dummify the rest).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Mntner {
    /// Primary key.
    pub handle: String,
    /// `mnt-by` maintainers.
    pub mnt_by: Vec<String>,
    /// Where it came from.
    pub source: RpslSource,
}

/// RIPE's `% Abuse contact for 'RANGE' is 'ADDR'` comment in a saved answer: the registry's own
/// resolution of the abuse contact of exactly that range. `mailbox` is `None` for RIPE's
/// `% No abuse contact registered for 'RANGE'`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AbuseComment {
    /// The range the comment speaks of.
    pub range: IpRange,
    /// The address, normalised; `None` when the registry says there is none.
    pub mailbox: Option<String>,
    /// Where it came from.
    pub source: RpslSource,
}

/// IANA's `refer:` line: the WHOIS server that holds the range's registration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Referral {
    /// The server, e.g. `whois.arin.net`.
    pub whois: String,
    /// Where it came from.
    pub source: RpslSource,
}

/// One usable registry object.
///
/// Not boxed: objects are moved once from the reader into the index, and a box per object
/// would cost an allocation for every network of a dump.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RpslObject {
    /// `inetnum`, `inet6num`, ARIN network.
    Network(RpslNetwork),
    /// `organisation`, ARIN organisation or customer.
    Organisation(RpslOrganisation),
    /// `role` or `person`.
    Contact(RpslContact),
    /// `irt`.
    Irt(Irt),
    /// `aut-num`.
    AutNum(AutNum),
    /// `route` or `route6`.
    Route(Route),
    /// `mntner`.
    Mntner(Mntner),
    /// `% Abuse contact for ...` comment.
    AbuseComment(AbuseComment),
    /// IANA `refer:`.
    Referral(Referral),
}

/// The class of an object, for counting and for the identity of [`RpslObjectKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RpslObjectClass {
    /// IPv4 network (inetnum, IPv4 ARIN net).
    Inetnum,
    /// IPv6 network.
    Inet6num,
    /// ARIN network (keyed by `NetHandle`).
    ArinNet,
    /// ARIN ambiguous-query summary line.
    ArinSummary,
    /// `organisation`.
    Organisation,
    /// `role`.
    Role,
    /// `person`.
    Person,
    /// Unattached ARIN POC.
    ArinPoc,
    /// `irt`.
    Irt,
    /// `aut-num`.
    AutNum,
    /// `route`.
    Route,
    /// `route6`.
    Route6,
    /// `mntner`.
    Mntner,
    /// `% Abuse contact` comment.
    AbuseComment,
    /// IANA referral.
    Referral,
}

impl NetworkKind {
    /// The object class of a network of this kind.
    pub(crate) fn class(self) -> RpslObjectClass {
        match self {
            NetworkKind::ArinNet => RpslObjectClass::ArinNet,
            NetworkKind::ArinSummary => RpslObjectClass::ArinSummary,
            NetworkKind::Inet6num => RpslObjectClass::Inet6num,
            NetworkKind::Inetnum => RpslObjectClass::Inetnum,
        }
    }
}

impl RpslObjectClass {
    /// Stable lower-case name (`inetnum`, `arin-net`, `abuse-comment`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inetnum => "inetnum",
            Self::Inet6num => "inet6num",
            Self::ArinNet => "arin-net",
            Self::ArinSummary => "arin-summary",
            Self::Organisation => "organisation",
            Self::Role => "role",
            Self::Person => "person",
            Self::ArinPoc => "arin-poc",
            Self::Irt => "irt",
            Self::AutNum => "aut-num",
            Self::Route => "route",
            Self::Route6 => "route6",
            Self::Mntner => "mntner",
            Self::AbuseComment => "abuse-comment",
            Self::Referral => "referral",
        }
    }
}

/// The identity of an object: objects with equal keys are the same registry object and count
/// once (class and primary key; `nic-hdl` for role and person; prefix and origin for routes;
/// the range for networks, ARIN networks by `NetHandle`). Keys compare case-insensitively
/// (they are upper-cased).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct RpslObjectKey {
    /// The class.
    pub class: RpslObjectClass,
    /// The normalised primary key.
    pub key: String,
}

impl RpslObject {
    /// The object's class.
    pub fn class(&self) -> RpslObjectClass {
        match self {
            Self::Network(n) => n.kind.class(),
            Self::Organisation(_) => RpslObjectClass::Organisation,
            Self::Contact(c) => match c.kind {
                ContactKind::Role => RpslObjectClass::Role,
                ContactKind::Person => RpslObjectClass::Person,
                ContactKind::ArinPoc => RpslObjectClass::ArinPoc,
            },
            Self::Irt(_) => RpslObjectClass::Irt,
            Self::AutNum(_) => RpslObjectClass::AutNum,
            Self::Route(r) => match r.prefix {
                IpNet::V4(_) => RpslObjectClass::Route,
                IpNet::V6(_) => RpslObjectClass::Route6,
            },
            Self::Mntner(_) => RpslObjectClass::Mntner,
            Self::AbuseComment(_) => RpslObjectClass::AbuseComment,
            Self::Referral(_) => RpslObjectClass::Referral,
        }
    }

    /// The identity used to count an object once.
    pub fn key(&self) -> RpslObjectKey {
        let key = match self {
            Self::Network(n) => match n.kind {
                NetworkKind::ArinNet | NetworkKind::ArinSummary => n.handle.to_ascii_uppercase(),
                _ => n.range.to_string(),
            },
            Self::Organisation(o) => o.handle.to_ascii_uppercase(),
            Self::Contact(c) => c.nic_hdl.to_ascii_uppercase(),
            Self::Irt(i) => i.handle.to_ascii_uppercase(),
            Self::AutNum(a) => a.asn.to_string(),
            Self::Route(r) => format!("{}AS{}", r.prefix, r.origin),
            Self::Mntner(m) => m.handle.to_ascii_uppercase(),
            Self::AbuseComment(c) => c.range.to_string(),
            Self::Referral(r) => format!("{}@{}:{}", r.whois, r.source.name, r.source.line),
        };
        RpslObjectKey {
            class: self.class(),
            key,
        }
    }

    /// Where the object came from.
    pub fn source(&self) -> &RpslSource {
        match self {
            Self::Network(x) => &x.source,
            Self::Organisation(x) => &x.source,
            Self::Contact(x) => &x.source,
            Self::Irt(x) => &x.source,
            Self::AutNum(x) => &x.source,
            Self::Route(x) => &x.source,
            Self::Mntner(x) => &x.source,
            Self::AbuseComment(x) => &x.source,
            Self::Referral(x) => &x.source,
        }
    }
}

/// Parses `AS123`, `as123`, `123` or asdot `1.2` into an AS number.
pub(crate) fn parse_asn(text: &str) -> Option<u32> {
    let t = text.trim();
    let t = if t.len() > 2 && t.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("AS")) {
        t.get(2..)?
    } else {
        t
    };
    if let Some((hi, lo)) = t.split_once('.') {
        let hi: u32 = hi.parse().ok()?;
        let lo: u32 = lo.parse().ok()?;
        if hi > 0xffff || lo > 0xffff {
            return None;
        }
        return Some((hi << 16) | lo);
    }
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// Splits ARIN's `Name (HANDLE)` into name and handle.
pub(crate) fn name_and_handle(value: &str) -> (Option<String>, Option<String>) {
    let v = value.trim();
    if let (Some(open), true) = (v.rfind('('), v.ends_with(')')) {
        let name = v.get(..open).unwrap_or_default().trim();
        let handle = v.get(open + 1..v.len() - 1).unwrap_or_default().trim();
        let name = (!name.is_empty()).then(|| name.to_owned());
        let handle = (!handle.is_empty()).then(|| handle.to_owned());
        return (name, handle);
    }
    ((!v.is_empty()).then(|| v.to_owned()), None)
}

/// True for a value that marks a dummified object.
pub(crate) fn is_dummy_marker(name: &str, value: &str) -> bool {
    let starts = |p: &str| {
        value.len() >= p.len()
            && value
                .get(..p.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    starts("Dummy address for")
        || (name.eq_ignore_ascii_case("remarks")
            && (value.contains("THIS OBJECT IS MODIFIED")
                || value.contains("placeholder object to protect personal data")))
        || (name.eq_ignore_ascii_case("e-mail") && super::address::is_dummy_mailbox(value))
}

/// Pushes a normalised mailbox when there is one and it is new.
pub(crate) fn push_mailbox(list: &mut Vec<String>, value: &str) {
    if let Some(m) = normalise_mailbox(value)
        && !list.contains(&m)
    {
        list.push(m);
    }
}

/// Non-empty value as an owned string.
pub(crate) fn some(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// Pushes a non-empty value.
pub(crate) fn push(list: &mut Vec<String>, value: &str) {
    let v = value.trim();
    if !v.is_empty() {
        list.push(v.to_owned());
    }
}

impl RpslNetwork {
    /// True when `ip` is in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.range.contains(ip)
    }
}

/// A network of `kind` with its range, handle and source and no other attribute: the start
/// of every conversion into [`RpslNetwork`].
pub(crate) fn bare_network(
    kind: NetworkKind,
    range: IpRange,
    handle: String,
    source: RpslSource,
) -> RpslNetwork {
    RpslNetwork {
        kind,
        range,
        handle,
        netname: None,
        descr: Vec::new(),
        country: None,
        status: None,
        org: None,
        org_name: None,
        abuse_c: Vec::new(),
        admin_c: Vec::new(),
        tech_c: Vec::new(),
        mnt_by: Vec::new(),
        mnt_irt: Vec::new(),
        abuse_mailbox: None,
        emails: Vec::new(),
        parent: None,
        origin: None,
        refer: None,
        source_db: None,
        dummified: false,
        source,
    }
}
