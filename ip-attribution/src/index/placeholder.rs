//! Which registry networks are placeholders: objects that stand for "not registered here" or
//! "the whole address space" rather than for a network's holder. They are flagged in the index
//! and never returned by [`super::RegistryIndex::lookup`].
//!
//! The decision is data driven: the `placeholder-*` entries of `data/knowledge.txt`, read by
//! [`crate::engine::Knowledge::placeholder_reason`] (the snapshot asks the same rule of its own
//! knowledge).

/// Why a network counts as a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PlaceholderReason {
    /// It covers the whole IPv4 or IPv6 address space (`0.0.0.0/0`, `::/0`).
    WholeAddressSpace,
    /// Its netname is a `placeholder-name` entry (or one followed by `-` or a digit).
    Netname,
    /// Its organisation is a `placeholder-org` entry.
    Organisation,
    /// Its status is a `placeholder-status` entry.
    Status,
    /// A `descr` line contains a `placeholder-descr` phrase.
    Description,
    /// Its source database is a `placeholder-source` entry.
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
