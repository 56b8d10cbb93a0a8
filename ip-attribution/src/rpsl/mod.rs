//! RPSL registry data and port-43 WHOIS answers, streamed into typed objects.
//!
//! Documented on [`Reader`].

pub(crate) mod address;
mod convert;
pub(crate) mod lexer;
pub(crate) mod limits;
pub(crate) mod object;
mod reader;

pub use address::{IpRange, is_dummy_mailbox, normalise_mailbox};
pub use lexer::{Attribute, RawObject, parse_object};
pub use object::{
    AbuseComment, AutNum, Contact, ContactKind, Irt, Mntner, Network, NetworkKind, Object,
    ObjectClass, ObjectKey, Organisation, Referral, Route, Source,
};
pub use reader::{ReadStats, Reader};
