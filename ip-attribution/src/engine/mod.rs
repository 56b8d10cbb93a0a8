//! The decision engine: from a [`Finding`] and the [`Evidence`] about its address to a
//! [`Decision`], following the numbered policy of `daily-run.md` ([`policy`]).
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

/// Decides a batch: one decision per finding, in input order. Evidence is gathered once per
/// distinct address, in parallel.
pub fn decide_all<S: EvidenceSource + ?Sized>(
    findings: &[Finding],
    source: &S,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Vec<Decision> {
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
    findings
        .par_iter()
        .map(|f| match (f.ip, &f.problem) {
            (Some(ip), None) => match by_ip.get(&ip) {
                Some(d) => d.clone(),
                None => policy.decide(&Evidence::gather(source, ip, now)),
            },
            _ => decide(f, source, policy, now),
        })
        .collect()
}
