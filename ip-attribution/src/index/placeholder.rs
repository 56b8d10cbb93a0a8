//! Which registry networks are placeholders: objects that stand for "not registered here" or
//! "the whole address space" rather than for a network's holder. They are flagged in the index
//! and never returned by [`super::RegistryIndex::lookup`].
//!
//! The decision is data driven: edit the tables below.

use crate::rpsl::Network;

/// Netnames of placeholder objects. An entry matches the netname exactly, or as a prefix
/// followed by `-` or a digit (`IANA-NETBLOCK-8`, `EU-ZZ-2`), ASCII case-insensitively.
pub const PLACEHOLDER_NETNAMES: &[&str] = &[
    "IANA-BLK",
    "IANA-NETBLOCK",
    "IANA-RESERVED",
    "RESERVED-IANA",
    "NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK",
    "EU-ZZ",
    "ERX-NETBLOCK",
    "STUB",
    "ARIN-CIDR-BLOCK",
    "IANA-ALLOCATED",
];

/// Organisation handles of placeholder holders (IANA as written in RIR databases).
pub const PLACEHOLDER_ORGS: &[&str] = &["ORG-IANA1-RIPE", "IANA", "IANA-ARIN"];

/// `status`/ARIN `NetType` values of placeholder objects (case-insensitive).
pub const PLACEHOLDER_STATUSES: &[&str] = &[
    "ALLOCATED UNSPECIFIED",
    "ALLOCATED TO ARIN",
    "IANA SPECIAL USE",
    "IANA RESERVED",
];

/// Phrases in `descr` that mark a placeholder (case-insensitive).
pub const PLACEHOLDER_DESCR: &[&str] = &[
    "not managed by the ripe ncc",
    "not allocated to apnic",
    "not allocated by apnic",
    "iana reserved",
];

/// `source:` databases whose networks are registry-of-registries blocks, not holders.
pub const PLACEHOLDER_SOURCES: &[&str] = &["IANA"];

/// Why a network counts as a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PlaceholderReason {
    /// It covers the whole IPv4 or IPv6 address space (`0.0.0.0/0`, `::/0`).
    WholeAddressSpace,
    /// Its netname is in [`PLACEHOLDER_NETNAMES`].
    Netname,
    /// Its organisation is in [`PLACEHOLDER_ORGS`].
    Organisation,
    /// Its status is in [`PLACEHOLDER_STATUSES`].
    Status,
    /// A `descr` line contains a phrase of [`PLACEHOLDER_DESCR`].
    Description,
    /// Its source database is in [`PLACEHOLDER_SOURCES`].
    Source,
}

impl PlaceholderReason {
    /// Stable lower-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WholeAddressSpace => "whole-address-space",
            Self::Netname => "netname",
            Self::Organisation => "organisation",
            Self::Status => "status",
            Self::Description => "description",
            Self::Source => "source",
        }
    }
}

fn netname_matches(netname: &str) -> bool {
    PLACEHOLDER_NETNAMES.iter().any(|p| {
        netname.len() >= p.len()
            && netname
                .get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p))
            && netname
                .as_bytes()
                .get(p.len())
                .is_none_or(|&b| b == b'-' || b.is_ascii_digit())
    })
}

/// Why `net` is a placeholder, or `None` for an ordinary network.
pub fn placeholder_reason(net: &Network) -> Option<PlaceholderReason> {
    let r = net.range;
    if r.span()
        == if r.is_ipv4() {
            u128::from(u32::MAX)
        } else {
            u128::MAX
        }
    {
        return Some(PlaceholderReason::WholeAddressSpace);
    }
    if net.netname.as_deref().is_some_and(netname_matches) {
        return Some(PlaceholderReason::Netname);
    }
    if net
        .org
        .as_deref()
        .is_some_and(|o| PLACEHOLDER_ORGS.iter().any(|p| p.eq_ignore_ascii_case(o)))
    {
        return Some(PlaceholderReason::Organisation);
    }
    if net.status.as_deref().is_some_and(|s| {
        PLACEHOLDER_STATUSES
            .iter()
            .any(|p| p.eq_ignore_ascii_case(s.trim()))
    }) {
        return Some(PlaceholderReason::Status);
    }
    if net.descr.iter().any(|d| {
        PLACEHOLDER_DESCR
            .iter()
            .any(|p| contains_ignore_ascii_case(d, p))
    }) {
        return Some(PlaceholderReason::Description);
    }
    if net.source_db.as_deref().is_some_and(|s| {
        PLACEHOLDER_SOURCES
            .iter()
            .any(|p| p.eq_ignore_ascii_case(s))
    }) {
        return Some(PlaceholderReason::Source);
    }
    None
}

/// `needle` (lower-case ASCII) occurs in `hay`, ASCII case-insensitively; no allocation.
fn contains_ignore_ascii_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}
