//! The decision engine: from a finding and the evidence about its address to a decision
//! ([`decide_all`]'s docs say how, with an example; [`Policy`] holds the numbered steps).

pub(crate) mod decision;
pub(crate) mod evidence;
pub(crate) mod knowledge;
mod language;
pub(crate) mod policy;

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use rayon::prelude::*;

pub use decision::{Decision, EvidenceItem, Organisation, Outcome, Recipient, Step, Via};
pub use evidence::{Evidence, EvidenceSource};
pub use knowledge::Knowledge;
pub use language::Language;
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
            policy.default_language,
        ),
        (None, None) => Decision::malformed(
            &format!("{}:{}: no address", finding.feed, finding.line),
            policy.default_language,
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
    language: Language,
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
        Cow::Owned(Decision::malformed(&message, self.language))
    }

    /// Number of distinct addresses decided.
    pub fn addresses(&self) -> usize {
        self.by_ip.len()
    }
}

/// How many addresses [`decide_batch`] asks [`EvidenceSource::networks_many`] about at a
/// time (consecutive addresses in sorted order, so that they share covering networks).
pub const NETWORKS_BATCH: usize = 32;

/// Decides a batch: evidence is gathered and decided once per distinct usable address, in
/// parallel (rayon). The distinct addresses are sorted and their covering networks asked for
/// [`NETWORKS_BATCH`] at a time ([`EvidenceSource::networks_many`]); the decisions are those
/// of [`decide`] for each address.
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
        .par_chunks(NETWORKS_BATCH)
        .flat_map_iter(|chunk| {
            let mut networks = Vec::with_capacity(chunk.len());
            source.networks_many(chunk, &mut networks);
            // A source that answers fewer addresses than asked is asked again one by one.
            let mut networks = networks.into_iter();
            chunk.iter().map(move |&ip| {
                let nets = networks.next().unwrap_or_else(|| source.networks(ip));
                let ev = Evidence::gather_with_networks(source, ip, nets, now);
                (ip, policy.decide(&ev))
            })
        })
        .collect();
    Decisions {
        by_ip,
        language: policy.default_language,
    }
}

/// Decides a batch: exactly one decision per finding, in input order.
///
/// The engine goes from a [`Finding`] and the [`Evidence`] about its address to a
/// [`Decision`], following the numbered policy of the daily-run contract
/// (`examples/docs/daily-run.md`, [`Policy`]); one address alone:
///
/// ```
/// use ip_attribution::{Evidence, Outcome, Policy};
/// let ev = Evidence::empty("192.0.2.1".parse().unwrap());
/// let d = Policy::default().decide(&ev);
/// assert_eq!(d.outcome, Outcome::Unattributed);
/// ```
///
/// This runs a whole batch in parallel (rayon): evidence is gathered and decided once per
/// distinct address, and the output has exactly one decision per finding, in input order.
/// The batch runners ([`decide_batch`] and what is built on it) ask the source for covering
/// networks [`NETWORKS_BATCH`] sorted addresses at a time
/// ([`EvidenceSource::networks_many`]; the snapshot answers with the registry index's batched
/// lookups), everything else per address; the decisions are [`decide`]'s.
/// [`decide_in_steps`] is the decision stream of a daily run over any [`EvidenceSource`]: a
/// day's findings decided a step at a time, each step handed to the caller (to write, count,
/// plan notices) while the next one is decided, so memory holds one step's decisions.
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

/// Findings per step of [`decide_in_steps`] in a daily run: decisions are held for one step
/// only, so memory does not grow with the day's size (an address repeated across steps is
/// decided again, with the same result).
pub const DECISION_STEP: usize = 32_768;

/// What [`decide_in_steps`] hands to its caller for each step.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecidedStep<'a> {
    /// The step's number, from 0.
    pub number: usize,
    /// The position of the step's first finding in the day's findings.
    pub offset: usize,
    /// The step's findings.
    pub findings: &'a [Finding],
    /// Their decisions ([`Decisions::get`] for each finding).
    pub decisions: &'a Decisions,
}

/// The decision stream of a daily run: decides `findings` in steps of `step` findings (at
/// least 1; [`DECISION_STEP`] in the daily run), the distinct addresses of a step in parallel
/// ([`decide_batch`]), and calls `each` with every step in input order. While `each` handles a
/// step, the next step is decided (rayon shares the cores between the two), and a step's
/// decisions are dropped once `each` returns, so memory holds at most two steps' decisions.
///
/// Stops at the first error `each` returns and gives it back. Returns the number of address
/// decisions taken (an address repeated in several steps counts once per step).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use ip_attribution::{EvidenceSource, Policy, decide_in_steps, read_feed};
/// // An evidence source that knows nothing: every address is unattributed.
/// struct Nothing;
/// impl EvidenceSource for Nothing {}
/// let csv = b"timestamp,ip,port\n2026-11-22 01:00:00,192.0.2.1,3389\n2026-11-22 02:00:00,192.0.2.2,22\n";
/// let findings = read_feed("scan_rdp.csv", csv)?;
/// let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
/// let mut outcomes = Vec::new();
/// let addresses = decide_in_steps(&findings, &Nothing, &Policy::default(), now, 1, |step| {
///     for f in step.findings {
///         outcomes.push(step.decisions.get(f).outcome.as_str());
///     }
///     Ok::<(), std::convert::Infallible>(())
/// });
/// assert_eq!(addresses, Ok(2));
/// assert_eq!(outcomes, ["unattributed", "unattributed"]);
/// # Ok::<(), ip_attribution::Error>(())
/// ```
pub fn decide_in_steps<S, E, F>(
    findings: &[Finding],
    source: &S,
    policy: &Policy,
    now: DateTime<Utc>,
    step: usize,
    mut each: F,
) -> Result<usize, E>
where
    S: EvidenceSource + ?Sized,
    E: Send,
    F: FnMut(DecidedStep<'_>) -> Result<(), E> + Send,
{
    let step = step.max(1);
    let chunks: Vec<&[Finding]> = findings.chunks(step).collect();
    let mut decided = 0usize;
    let mut next = chunks
        .first()
        .map(|chunk| decide_batch(chunk, source, policy, now));
    for (number, &chunk) in chunks.iter().enumerate() {
        let Some(batch) = next.take() else {
            break;
        };
        decided += batch.addresses();
        let (following, handled) = rayon::join(
            || {
                chunks
                    .get(number + 1)
                    .map(|c| decide_batch(c, source, policy, now))
            },
            || {
                each(DecidedStep {
                    number,
                    offset: number * step,
                    findings: chunk,
                    decisions: &batch,
                })
            },
        );
        handled?;
        next = following;
    }
    Ok(decided)
}
