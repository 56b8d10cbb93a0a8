#![doc = include_str!("../README.md")]
//!
//! # Reading this crate
//!
//! Data flows one way. The modules are private; the public items are re-exported at the root
//! in that order (the `pub use` list of `lib.rs` is the whole surface, grouped by these steps).
//!
//! 1. Evidence parsers take bytes and return values; none reads a file or the clock: registry
//!    dumps and saved WHOIS answers ([`RpslReader`] yielding [`RpslObject`]s), RDAP
//!    ([`parse_rdap`], [`RdapDocument`]), PTR names ([`DnsName`], [`analyze_ptr`],
//!    [`registrable_domain`]), DNS answers ([`RdnsTable`]) and certificate chains
//!    ([`CertChain`], [`TrustStore`], [`analyze_cert_chain`]).
//! 2. [`RegistryIndex`] (built by an [`IndexBuilder`]) answers "which registry networks cover
//!    this address", most specific first, with the abuse contact resolved and placeholders
//!    (IANA blocks, `NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK`, `0.0.0.0/0`) flagged and never
//!    returned as an answer.
//! 3. [`read_feed`], [`read_feed_from`] and the sans-IO [`FeedReader`] turn scanner reports
//!    into [`Finding`]s, one per row, malformed rows included.
//! 4. [`Snapshot`] is the only type that touches the file system: it loads an evidence folder
//!    (layout: [`SNAPSHOT_LAYOUT`]) into an in-memory [`EvidenceSource`].
//! 5. The engine gathers the [`Evidence`] for one address through that trait and decides by
//!    the numbered [`Policy`] ([`decide_all`], or [`decide_in_steps`] for a day of any size);
//!    every [`Decision`] carries its outcome, organisation, ranked recipients with where each
//!    came from, language, every evidence item with its weight and source, the step that
//!    decided and a reason. What is known about the world (CDNs, device vendors, generic
//!    names, placeholders) is one [`Knowledge`].
//!
//! # Crate features
//!
//! - `serde`: `Serialize`/`Deserialize` for [`Decision`] and its parts (outcomes and `via`
//!   spelled as in the daily-run contract), and `Serialize` for the parsers' RDAP, PTR and
//!   certificate values.
//!
//! - `net`: `collect`, live collection of a snapshot folder over the network (tokio,
//!   hickory-resolver, reqwest/rustls with ring, securitytxt's `fetch`), with its options
//!   (`CollectOptions`, `Timeouts`, `Politeness`, `Bootstrap`, `WhoisServer`) and report. Without
//!   it no code of this crate does I/O beyond [`Snapshot`] reading a folder.
//!
//! # Public Suffix List
//!
//! Registrable domains come from the `psl` crate with the ICANN **and private** sections: a
//! name under a private suffix such as `customer.github.io` belongs to that platform's
//! customer, not to the platform. Names under a TLD the list does not know fall under its
//! default `*` rule (`foo.test` is registrable). See [`registrable_domain`].
//!
//! # Limits
//!
//! Every parser is total: input over a cap is an error naming the cap, the actual size and the
//! position, and reading goes on where it can (the next object, row or line). Every cap is a
//! public constant in [`limits`]: RPSL line, object and value sizes, RDAP bytes and JSON depth,
//! DNS name lengths, rDNS lines, PEM bytes, chain length and SAN entries, CSV record bytes,
//! lines and fields, IntelMQ line bytes, the snapshot's file counts and small-file size.
//!
//! # Errors
//!
//! There is one error type, [`Error`], shaped `{ source, line, kind }`: the position once
//! ([`Error::source_name`], the file name or label; [`Error::line`], 1-based) and what went
//! wrong as a `#[non_exhaustive]` [`ErrorKind`] (caps as `{ max, len }`; a JSON column or a
//! certificate's byte offset in the kind). Its `Display` starts with the position,
//! `source:line: what`. A snapshot folder with unusable files still
//! loads: each problem is reported in [`LoadReport`] with file and line, and counted.
#![forbid(unsafe_code)]
// Every public type is a deliberate choice: #[non_exhaustive] unless it is meant to be built
// field by field by callers (then allow the lint at the type, saying why).
#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]
// The public surface is the list below and nothing else: an item that is `pub` but not in it is
// a warning (denied in CI), so an internal cannot become public by accident.
#![warn(unreachable_pub)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

// Every module is private: the public surface is the `pub use` list below, one group per step
// of the data flow in the crate docs, in the manner of rustls's and url's lib.rs. Names that
// would be ambiguous at the root carry their format (`RpslObject`, `RdapEntity`,
// `CsvRecords`) or their role (`EvidenceNetwork`). One public namespace, `limits`, holds every
// cap of every parser in one place.
mod cert;
#[cfg(feature = "net")]
mod collect;
mod engine;
mod error;
mod feed;
mod index;
mod ptr;
mod rdap;
mod rdns;
mod rpsl;
mod snapshot;

// The one error type: `{ source, line, kind }`.
pub use error::{Error, ErrorKind};

// 1. Evidence parsers: bytes in, values out.
//
// Registry dumps and saved port-43 WHOIS answers (RPSL), streamed into typed objects.
pub use rpsl::{
    AbuseComment, AutNum, ContactKind, IpRange, Irt, Mntner, NetworkKind, Referral, Route,
    RpslAttribute, RpslContact, RpslNetwork, RpslObject, RpslObjectClass, RpslObjectKey,
    RpslOrganisation, RpslRawObject, RpslReadStats, RpslReader, RpslSource, is_dummy_mailbox,
    normalise_mailbox, parse_rpsl_object,
};
// RDAP responses (RFC 9083).
pub use rdap::{
    RdapContactEmail, RdapDocument, RdapEntity, RdapEntityVisit, RdapError, RdapEvent, RdapNetwork,
    RdapObject, RdapRemark, RdapRole, VCard, parse_rdap, parse_rdap_network, rdap_emails_by_role,
};
// PTR names: DNS names, registrable domains (Public Suffix List), generic-name analysis.
pub use ptr::{
    DnsName, GenericReason, NameProblem, PtrAnalysis, RegistrableDomain, Separator, SuffixKind,
    analyze_ptr, generic_reasons, is_forward_confirmed, registrable_domain,
};
// Reverse and forward DNS answers (`rdns.jsonl`).
pub use rdns::{RdnsLimits, RdnsLoad, RdnsTable, parse_ptr_owner};
// Certificate chains: parsing, validation against a trust store, classification.
pub use cert::{
    CertAnalysis, CertChain, CertClass, ChainEntry, ChainStatus, TrustStore, ValidationLevel,
    Validity, analyze_cert, analyze_cert_chain,
};

// 2. The registry index: which registry networks cover an address, abuse contacts resolved.
pub use index::{
    ATTRIBUTE_BATCH, ATTRIBUTE_ITER_GROUP, AbuseContact, AbuseVia, AttributeIter, Attribution,
    EVIDENCE_BATCH, IndexBuilder, IndexStats, Lookup, NetworkView, OrgView, OriginAbuse,
    PlaceholderReason, RegistryIndex,
};

// 3. Scanner feeds to findings, whole or streamed (and the capped CSV reader beneath).
pub use feed::csv::{CsvLimits, CsvRecord, CsvRecordError, CsvRecordReader, CsvRecords};
pub use feed::{
    FEED_READ_STEP, FeedFormat, FeedReader, Finding, Findings, IntelMqClass, Problem, Pull,
    detect_feed_format, intelmq::read_intelmq, read_feed, read_feed_from,
    shadowserver::read_shadowserver,
};

// 4. The evidence snapshot: a folder loaded into an evidence source.
pub use snapshot::{CheckOptions, LoadReport, Overrides, SNAPSHOT_LAYOUT, Snapshot};

// 5. The engine: evidence about an address, the policy, decisions.
//
// The evidence about one address, and the source it is gathered from.
pub use engine::evidence::{
    CertSeen, EvidenceCertClass, EvidenceNetwork, EvidenceOrg, NetworkFacts, NetworkOrigin,
    NetworkRole, OrgInfo, Override, ProviderFlags, PtrName, SecurityTxt, SecurityTxtStatus,
};
pub use engine::{Evidence, EvidenceSource};
// What is known about the world (CDNs, device vendors, generic names, placeholders).
pub use engine::Knowledge;
pub use engine::knowledge::{BUILTIN_KNOWLEDGE, CertVerdict};
// The policy, its decisions, and the runs over a batch or a day.
pub use engine::{
    DECISION_STEP, DecidedStep, Decision, Decisions, EvidenceItem, Language, NETWORKS_BATCH,
    Organisation, Outcome, Policy, Recipient, Step, Via, decide, decide_all, decide_batch,
    decide_in_steps,
};

// 6. Live collection of a snapshot folder over the network (feature `net`).
#[cfg(feature = "net")]
#[cfg_attr(docsrs, doc(cfg(feature = "net")))]
pub use collect::{
    CollectOptions, CollectReport, DEFAULT_USER_AGENT, Queries, Timeouts,
    bootstrap::Bootstrap,
    collect,
    politeness::{Politeness, Protocol, ServerLimit},
    whois::WhoisServer,
};

/// Every cap of every parser and of the snapshot loader, in one place.
///
/// Input over a cap is an [`Error`] whose [`ErrorKind`] names the cap with `{ max, len }`; the
/// constants keep the names of their modules where they are unambiguous and carry their format
/// where two formats cap the same thing (`MAX_RPSL_LINE_BYTES`, `MAX_INTELMQ_LINE_BYTES`).
pub mod limits {
    pub use crate::cert::{
        MAX_CERT_BYTES, MAX_CHAIN_CERTS, MAX_PEM_BYTES, MAX_SAN_ENTRIES, MAX_TRUST_ANCHORS,
    };
    #[cfg(feature = "net")]
    #[cfg_attr(docsrs, doc(cfg(feature = "net")))]
    pub use crate::collect::{
        bootstrap::MAX_BOOTSTRAP_BYTES,
        cache::MAX_ENTRY_BYTES as MAX_CACHE_ENTRY_BYTES,
        run::{MAX_CERT_DOMAINS, MAX_PTR_NAMES, MAX_WHOIS_BYTES},
        whois::MAX_REFERRALS,
    };
    pub use crate::engine::decision::MAX_EMAIL_BYTES;
    pub use crate::engine::knowledge::MAX_ENTRIES as MAX_KNOWLEDGE_ENTRIES;
    pub use crate::feed::csv::{MAX_FIELDS, MAX_RECORD_BYTES, MAX_RECORD_LINES};
    pub use crate::feed::intelmq::MAX_LINE_BYTES as MAX_INTELMQ_LINE_BYTES;
    pub use crate::feed::{MAX_TAGS, MAX_VALUE_BYTES as MAX_FEED_VALUE_BYTES};
    pub use crate::ptr::{MAX_INPUT_NAME_LEN, MAX_LABEL_LEN, MAX_NAME_LEN};
    pub use crate::rdap::{MAX_RDAP_BYTES, MAX_RDAP_JSON_DEPTH};
    pub use crate::rdns::{MAX_CNAME_DEPTH, MAX_RDNS_LINE_LEN, MAX_RDNS_LINES, MAX_VALUES_PER_KEY};
    pub use crate::rpsl::limits::{
        MAX_LINE_BYTES as MAX_RPSL_LINE_BYTES, MAX_OBJECT_BYTES, MAX_OBJECT_LINES,
        MAX_VALUE_BYTES as MAX_RPSL_VALUE_BYTES,
    };
    pub use crate::snapshot::{
        MAX_FILES_PER_FOLDER, MAX_OVERRIDES, MAX_PROBLEMS_KEPT, MAX_SMALL_FILE_BYTES,
    };
}
