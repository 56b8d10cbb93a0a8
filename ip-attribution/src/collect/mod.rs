//! Live collection of a day's evidence (feature `net`); the run and its options are
//! documented on [`collect()`](run::collect).

pub(crate) mod bootstrap;
pub(crate) mod cache;
pub(crate) mod coverage;
pub(crate) mod politeness;
pub(crate) mod probe;
pub(crate) mod run;
pub(crate) mod whois;

pub use run::{CollectOptions, CollectReport, DEFAULT_USER_AGENT, Queries, Timeouts, collect};
