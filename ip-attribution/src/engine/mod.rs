//! The decision engine: from a [`Finding`] and the [`Evidence`] about its address to a
//! [`Decision`], following the numbered policy of the daily-run contract (`examples/docs/daily-run.md`) ([`policy`]).
//!
//! ```
//! use ip_attribution::engine::{Evidence, Outcome, Policy};
//! let ev = Evidence::empty("192.0.2.1".parse().unwrap());
//! let d = Policy::default().decide(&ev);
//! assert_eq!(d.outcome, Outcome::Unattributed);
//! ```
//!
//! [`decide_all`] runs a whole batch in parallel (rayon): evidence is gathered and decided once
//! per distinct address, and the output has exactly one decision per finding, in input order.

pub mod decision;
pub mod evidence;
pub mod knowledge;
pub mod policy;

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use rayon::prelude::*;

pub use decision::{Decision, EvidenceItem, Organisation, Outcome, Recipient, Step, Via};
pub use evidence::{Evidence, EvidenceSource};
pub use knowledge::Knowledge;
pub use policy::Policy;

use crate::feed::Finding;

/// Decides for one finding: a malformed finding gives `unattributed` / `malformed-input`.
pub fn decide<S: EvidenceSource + ?Sized>(
    finding: &Finding,
    source: &S,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Decision {
    match (finding.ip, &finding.problem) {
        (Some(ip), None) => policy.decide(&Evidence::gather(source, ip, now)),
        (_, Some(p)) => Decision::malformed(
            &format!("{}:{}: {}", finding.feed, finding.line, p.message),
            &policy.default_language,
        ),
        (None, None) => Decision::malformed(
            &format!("{}:{}: no address", finding.feed, finding.line),
            &policy.default_language,
        ),
    }
}

/// The decisions of a batch, one per distinct address, decided in parallel.
///
/// A finding's decision is [`Decisions::get`]: the decision of its address, or a
/// `malformed-input` decision for a row that could not be read. Holding one decision per
/// address (not per finding) keeps memory flat for feeds that repeat addresses.
#[derive(Debug, Default)]
pub struct Decisions {
    by_ip: HashMap<IpAddr, Decision>,
    language: String,
}

impl Decisions {
    /// The decision for `finding`.
    pub fn get(&self, finding: &Finding) -> Cow<'_, Decision> {
        if let (Some(ip), None) = (finding.ip, &finding.problem)
            && let Some(d) = self.by_ip.get(&ip)
        {
            return Cow::Borrowed(d);
        }
        let message = match &finding.problem {
            Some(p) => format!("{}:{}: {}", finding.feed, finding.line, p.message),
            None => format!("{}:{}: not decided", finding.feed, finding.line),
        };
        Cow::Owned(Decision::malformed(&message, &self.language))
    }

    /// Number of distinct addresses decided.
    pub fn addresses(&self) -> usize {
        self.by_ip.len()
    }
}

/// Decides a batch: evidence is gathered and decided once per distinct usable address, in
/// parallel (rayon).
pub fn decide_batch<S: EvidenceSource + ?Sized>(
    findings: &[Finding],
    source: &S,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Decisions {
    let mut ips: Vec<IpAddr> = findings
        .iter()
        .filter(|f| f.problem.is_none())
        .filter_map(|f| f.ip)
        .collect();
    ips.sort_unstable();
    ips.dedup();
    let by_ip: HashMap<IpAddr, Decision> = ips
        .par_iter()
        .map(|&ip| (ip, policy.decide(&Evidence::gather(source, ip, now))))
        .collect();
    Decisions {
        by_ip,
        language: policy.default_language.clone(),
    }
}

/// Decides a batch: exactly one decision per finding, in input order.
pub fn decide_all<S: EvidenceSource + ?Sized>(
    findings: &[Finding],
    source: &S,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Vec<Decision> {
    let batch = decide_batch(findings, source, policy, now);
    findings
        .par_iter()
        .map(|f| batch.get(f).into_owned())
        .collect()
}
