//! RPSL registry data and port-43 WHOIS answers, streamed into typed objects.
//!
//! Reads RIR split dumps (`ripe.db.inetnum.gz`...), LACNIC's dump format and saved WHOIS answers
//! (RIPE style, IANA referrals, ARIN's `n +` answers and its ambiguous-query summary lines) from
//! a byte slice or any `Read`, plain or gzip, one object in memory at a time.
//!
//! * [`Reader`] yields `Result<Object, Error>`: every unusable object (bad primary key, broken
//!   line, missing required attribute, start after end, unparsable address, over a cap) is one
//!   `Err` naming the source and 1-based line; reading goes on. Other classes (as-set,
//!   route-set, key-cert, unknown ones) are skipped silently and counted in [`ReadStats`].
//! * [`Object`] is one of the typed views: [`Network`] (inetnum, inet6num, ARIN networks),
//!   [`Organisation`], [`Contact`] (role, person), [`Irt`], [`AutNum`], [`Route`], [`Mntner`],
//!   plus the answer-level [`AbuseComment`] (`% Abuse contact for 'RANGE' is 'ADDR'`) and
//!   [`Referral`] (IANA `refer:`).
//! * [`Object::key`] gives the identity under which a repeated object counts once.
//! * [`parse_object`] is the lower, borrowed level: one object's attributes.
//!
//! ## Syntax handled
//! Continuation lines (space, tab, `+`), end-of-line `#` comments, `%` and `#` comment lines,
//! CRLF line ends, UTF-8 or Latin-1 values (decoded as Latin-1 when not valid UTF-8), LACNIC
//! short prefixes (`148.204/16`) and its `nic-hdl`-first person objects, inetnum ranges that are
//! not CIDR aligned, e-mail display-name forms (normalised by [`normalise_mailbox`]). Dummified
//! objects are flagged and their placeholder e-mail addresses ([`DUMMY_MAILBOXES`]) dropped.
//!
//! ## ARIN
//! A `NetRange` block becomes a [`Network`] of kind [`NetworkKind::ArinNet`] (`NetType` in
//! `status`, `Organization`/`Customer` handle in `org`, `Parent` handle in `parent`), an
//! `OrgName`/`CustName` block an [`Organisation`]; the POC blocks that follow are merged:
//! `OrgAbuseEmail` into [`Organisation::abuse_mailbox`] (handle in `abuse_c`), other `Org*Email`
//! into `emails`, `RAbuseEmail` into [`Network::abuse_mailbox`].
//!
//! ## Limits
//! See [`limits`]: line length, object lines, object bytes and value length are capped, each
//! with its own error variant.

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
