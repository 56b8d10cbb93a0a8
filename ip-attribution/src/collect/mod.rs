//! Live collection of a day's evidence (feature `net`): PTR and forward DNS, port-43 WHOIS
//! with referrals, RDAP, security.txt and (opt-in) TLS certificates, written as an evidence
//! snapshot in the daily run's layout.
//!
//! The protocol logic is sans-IO and tested without a network: [`whois`] (server styles,
//! queries, referral parsing, refusal and rate-limit detection, which range an answer
//! covers), [`bootstrap`] (RFC 9224 service selection), [`politeness`] (per-server pace and
//! back-off), [`coverage`] (answers that cover other addresses) and [`cache`] (TTLs). Only
//! [`run`] and [`probe`] do I/O.
//!
//! # What a run does
//!
//! 1. Reads the feeds one at a time and keeps the distinct addresses (sorted, so neighbours
//!    follow each other and share answers).
//! 2. Per address, at most [`CollectOptions::concurrency`] at once:
//!    - DNS: PTR, then A and AAAA of every PTR name (forward confirmation) → `rdns.jsonl`;
//!    - WHOIS: the root (IANA), its referral, the registry in its own dialect (ARIN `n +`,
//!      RIPE-style `-L`), onwards referrals (ARIN `ReferralServer`) → every data answer as
//!      `registry/whois-<rir>-<ip>.txt`;
//!    - RDAP, when WHOIS gave no network for the address: the bootstrap's most specific
//!      service → `rdap/<handle>.json`.
//! 3. security.txt of the candidate domains (registrable domains of forward-confirmed,
//!    non-generic PTR names; domains of certificates in the folder's `certs/` for the feed's
//!    addresses, skipping device-default and CDN certificates and any naming more than
//!    [`run::MAX_CERT_DOMAINS`] registrable domains) → `securitytxt/<domain>.txt`.
//! 4. With `tls_probe`: the chain of findings on TLS ports without a certificate in `certs/`
//!    → `certs/<ip>_<port>.pem`.
//!
//! Every failed query is a line of `collect-log.jsonl`:
//! `{"kind": "whois"|"rdap"|"dns"|"securitytxt"|"tls"|"cache"|"output", "server": ...,
//! "query": ..., "error": ..., "at_ms": ...}`.
//!
//! # Reuse
//!
//! One IANA answer covers its whole block (its referral is remembered by range). A registry
//! answer covers its most specific network *when that network is a leaf assignment*
//! (`ASSIGNED PA`, `REASSIGNED`...): no other address inside it is asked about. An allocation,
//! a sub-allocation (`SUB-ALLOCATED PA`) or a re-allocation (`Reallocated`) is not taken to
//! cover its other addresses, since an assignment inside it may hold them (and then names the
//! organisation, its contacts and the outcome the daily run decides).
//! Answers are cached per address and kind ([`cache`]) and reused across runs within their
//! TTLs; an interrupted run resumes from there.
//!
//! # Politeness
//!
//! See [`politeness`] for the default pace per server. Refusals and rate-limit answers (RIPE
//! `%ERROR:201`, ARIN/LACNIC limit texts, RDAP 429 with `Retry-After`) back the server off
//! exponentially; the query is tried [`CollectOptions::max_tries`] times in all.
//!
//! # Memory
//!
//! Answers are not held: each goes to the snapshot folder (and the cache) as it arrives. What
//! a run does hold, so that memory grows with the *distinct* addresses of a day and not with
//! its findings (a repeated address costs nothing):
//!
//! - of the feeds, one record at a time: each file is read in steps of
//!   [`crate::feed::READ_STEP`] (64 KiB) by the streaming reader ([`crate::feed::read_from`]),
//!   which holds at most one record's caps (1 MiB + 3 bytes for CSV, 1 MiB + 4 for an IntelMQ
//!   line) besides the step, and each finding is dropped once its address is taken;
//! - the distinct addresses of all feeds, sorted (a `BTreeSet<IpAddr>`, some tens of bytes
//!   each), and with `tls_probe` the distinct (address, port) pairs;
//! - per answer kept for reuse: one range per leaf network and per IANA referral, the name of
//!   every file written, the candidate domains and the resolved server names.
//!
//! So the number of findings costs nothing: a feed of 1,000,000 findings over 300 addresses
//! peaks at the same memory as one of 10,000 (measured in `BENCHMARKS.md`, "collect").
//! Not yet bounded: a day of many millions of *distinct* addresses holds them all (there is no
//! spilling of the address set to disk).
//!
//! # Safety
//!
//! Non-public addresses (loopback, private, documentation, shared) are refused for every
//! server, name and redirect unless [`CollectOptions::allow_private`] is set; answers are
//! capped ([`run::MAX_WHOIS_BYTES`], [`crate::rdap::MAX_RDAP_BYTES`], security.txt's body cap)
//! and every step has a timeout ([`run::Timeouts`]).

pub mod bootstrap;
pub mod cache;
pub mod coverage;
pub mod politeness;
pub mod probe;
pub mod run;
pub mod whois;

pub use run::{CollectOptions, CollectReport, DEFAULT_USER_AGENT, Queries, Timeouts, collect};
