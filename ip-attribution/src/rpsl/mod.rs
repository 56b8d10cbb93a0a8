//! RPSL registry data and port-43 WHOIS answers, streamed into typed objects.
//!
//! Documented on [`RpslReader`].

pub(crate) mod address;
mod convert;
pub(crate) mod lexer;
pub(crate) mod limits;
pub(crate) mod object;
mod reader;

pub use address::{IpRange, is_dummy_mailbox, normalise_mailbox};
pub use lexer::{RpslAttribute, RpslRawObject, parse_rpsl_object};
pub use object::{
    AbuseComment, AutNum, ContactKind, Irt, Mntner, NetworkKind, Referral, Route, RpslContact,
    RpslNetwork, RpslObject, RpslObjectClass, RpslObjectKey, RpslOrganisation, RpslSource,
};
pub use reader::{RpslReadStats, RpslReader};
