//! What the index keeps of each registry object: the attributes that abuse resolution, the
//! engine and the index's own accessors read, and nothing else, as boxed strings (a
//! million-network dump in well under half the memory of the parsed [`crate::rpsl`] objects).
//!
//! Mailboxes are normalised once, here ([`normalise_mailbox`]), so resolution only filters the
//! knowledge's placeholder addresses. A network's placeholder flag is the knowledge's rule
//! ([`Knowledge::placeholder_reason`]) on the whole object, decided when it is added.

use std::net::IpAddr;

use ipnet::IpNet;

use super::PlaceholderReason;
use crate::engine::knowledge::Knowledge;
use crate::rpsl::{self, IpRange, NetworkKind, RpslSource, normalise_mailbox};

/// Boxed strings of a list.
fn boxed(v: Vec<String>) -> Box<[Box<str>]> {
    v.into_iter().map(Box::from).collect()
}

/// Every usable mailbox of a list, normalised.
fn mailboxes(v: &[String]) -> Box<[Box<str>]> {
    v.iter()
        .filter_map(|m| normalise_mailbox(m))
        .map(Box::from)
        .collect()
}

/// A single mailbox, normalised; `None` when absent or unusable.
fn mailbox(v: Option<&str>) -> Option<Box<str>> {
    v.and_then(normalise_mailbox).map(Box::from)
}

/// A record position that is none (an unknown or absent handle).
pub(crate) const NO_RECORD: u32 = u32::MAX;

/// A registry network (inetnum, inet6num, ARIN NetRange) as the index keeps it.
#[derive(Debug, Clone)]
pub(crate) struct NetRecord {
    pub(crate) kind: NetworkKind,
    pub(crate) range: IpRange,
    pub(crate) source: RpslSource,
    pub(crate) handle: Box<str>,
    pub(crate) netname: Option<Box<str>>,
    pub(crate) status: Option<Box<str>>,
    pub(crate) org: Option<Box<str>>,
    /// The position of `org` among the index's organisations, found once when the index is
    /// assembled ([`NO_RECORD`] without one): resolution reads it instead of looking the
    /// handle up per address. Sits in the record's padding (no memory added).
    pub(crate) org_at: u32,
    pub(crate) org_name: Option<Box<str>>,
    /// The network's own `abuse-mailbox` (ARIN `RAbuseEmail`), normalised.
    pub(crate) abuse_mailbox: Option<Box<str>>,
    pub(crate) abuse_c: Box<[Box<str>]>,
    pub(crate) mnt_irt: Box<[Box<str>]>,
    pub(crate) mnt_by: Box<[Box<str>]>,
    pub(crate) placeholder: Option<PlaceholderReason>,
}

impl NetRecord {
    pub(crate) fn new(n: rpsl::RpslNetwork, k: &Knowledge) -> Self {
        let placeholder = k.placeholder_reason(&n);
        Self {
            kind: n.kind,
            range: n.range,
            abuse_mailbox: mailbox(n.abuse_mailbox.as_deref()),
            source: n.source,
            handle: n.handle.into(),
            netname: n.netname.map(Box::from),
            status: n.status.map(Box::from),
            org: n.org.map(Box::from),
            org_at: NO_RECORD,
            org_name: n.org_name.map(Box::from),
            abuse_c: boxed(n.abuse_c),
            mnt_irt: boxed(n.mnt_irt),
            mnt_by: boxed(n.mnt_by),
            placeholder,
        }
    }

    /// An empty IPv4 record (the total fallback of an accessor; never in the tables).
    pub(crate) fn empty() -> Self {
        let any = IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);
        Self {
            kind: NetworkKind::Inetnum,
            range: IpRange::new(any, any).unwrap_or(IpRange::from_net(IpNet::default())),
            source: RpslSource::new("", 0),
            handle: Box::from(""),
            netname: None,
            status: None,
            org: None,
            org_at: NO_RECORD,
            org_name: None,
            abuse_mailbox: None,
            abuse_c: Box::default(),
            mnt_irt: Box::default(),
            mnt_by: Box::default(),
            placeholder: None,
        }
    }
}

/// An organisation as the index keeps it.
#[derive(Debug, Clone)]
pub(crate) struct OrgRecord {
    pub(crate) handle: Box<str>,
    pub(crate) name: Option<Box<str>>,
    /// `org-type: LIR`.
    pub(crate) lir: bool,
    /// From ARIN (`OrgAbuseEmail` rather than a RIPE-style `abuse-mailbox`).
    pub(crate) arin: bool,
    pub(crate) abuse_c: Option<Box<str>>,
    /// The position of `abuse_c` among the index's contacts, found once when the index is
    /// assembled ([`NO_RECORD`] without one). Sits in the record's padding.
    pub(crate) abuse_c_at: u32,
    /// Normalised.
    pub(crate) abuse_mailbox: Option<Box<str>>,
    /// Normalised, unusable ones dropped.
    pub(crate) emails: Box<[Box<str>]>,
}

impl From<rpsl::RpslOrganisation> for OrgRecord {
    fn from(o: rpsl::RpslOrganisation) -> Self {
        Self {
            lir: o
                .org_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("LIR")),
            arin: o.source_db.as_deref() == Some("ARIN"),
            abuse_mailbox: mailbox(o.abuse_mailbox.as_deref()),
            emails: mailboxes(&o.emails),
            handle: o.handle.into(),
            name: o.name.map(Box::from),
            abuse_c: o.abuse_c.map(Box::from),
            abuse_c_at: NO_RECORD,
        }
    }
}

/// A role, person or ARIN POC as the index keeps it: where its mail goes.
#[derive(Debug, Clone)]
pub(crate) struct ContactRecord {
    pub(crate) handle: Box<str>,
    /// `abuse-mailbox`, normalised; an empty string when one is written but unusable (it still
    /// hides the contact's other addresses, as a written `abuse-mailbox` does).
    pub(crate) abuse_mailbox: Option<Box<str>>,
    /// Normalised, unusable ones dropped.
    pub(crate) emails: Box<[Box<str>]>,
}

impl From<rpsl::RpslContact> for ContactRecord {
    fn from(c: rpsl::RpslContact) -> Self {
        Self {
            abuse_mailbox: c
                .abuse_mailbox
                .as_deref()
                .map(|m| mailbox(Some(m)).unwrap_or_default()),
            emails: mailboxes(&c.emails),
            handle: c.nic_hdl.into(),
        }
    }
}

/// An irt as the index keeps it.
#[derive(Debug, Clone)]
pub(crate) struct IrtRecord {
    pub(crate) handle: Box<str>,
    /// Normalised.
    pub(crate) abuse_mailbox: Option<Box<str>>,
}

impl From<rpsl::Irt> for IrtRecord {
    fn from(i: rpsl::Irt) -> Self {
        Self {
            abuse_mailbox: mailbox(i.abuse_mailbox.as_deref()),
            handle: i.handle.into(),
        }
    }
}

/// An aut-num as the index keeps it.
#[derive(Debug, Clone)]
pub(crate) struct AutNumRecord {
    pub(crate) asn: u32,
    pub(crate) org: Option<Box<str>>,
    pub(crate) abuse_c: Box<[Box<str>]>,
    pub(crate) source: RpslSource,
}

impl From<rpsl::AutNum> for AutNumRecord {
    fn from(a: rpsl::AutNum) -> Self {
        Self {
            asn: a.asn,
            org: a.org.map(Box::from),
            abuse_c: boxed(a.abuse_c),
            source: a.source,
        }
    }
}

/// A route or route6 as the index keeps it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RouteRecord {
    pub(crate) prefix: IpNet,
    pub(crate) origin: u32,
}

impl From<rpsl::Route> for RouteRecord {
    fn from(r: rpsl::Route) -> Self {
        Self {
            prefix: r.prefix,
            origin: r.origin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The resolved positions (`org_at`, `abuse_c_at`) sit in padding the records had anyway
    /// (the daily run holds a million of the one and half a million of the other). On 64-bit
    /// targets a network record was 204 bytes of fields (168 of pointers, 36 of range, kind
    /// and placeholder flag) rounded to 208, and is 208 with the position; an organisation
    /// record was 82 (80 + two flags) rounded to 88, and is 88.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn resolved_positions_add_no_memory() {
        assert_eq!(std::mem::size_of::<NetRecord>(), 208);
        assert_eq!(std::mem::size_of::<OrgRecord>(), 88);
    }
}
