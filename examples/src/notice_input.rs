//! What the daily run gives notice-render about a finding and its recipient, from the
//! engine's [`Decision`]: the recipient with its role (a business, or a network owner's abuse
//! desk, from the decision's `via`), and for a network owner the customer the engine
//! identified (organisation, domain and the evidence that named it); and the notice-render
//! [`notice_render::Finding`] of a feed finding; the notice language, which both crates type
//! ([`language`], [`engine_language`]); and for a run with a state, the finding as
//! notice-render's lifecycle [`Judge`] sees it and its verdict applied back to the decision
//! ([`judge`], [`apply`]).
//!
//! This is the one bridge between the two libraries: neither crate depends on the other
//! (ip-attribution decides, notice-render writes, and an embedder may use either alone), so
//! the adapter lives with the programs that join them. It maps records field by field and holds
//! no aggregation or policy: the engine decides ([`ip_attribution::decide_in_steps`])
//! and notice-render aggregates ([`notice_render::Aggregator`]).
//!
//! # An embedder's whole run
//! Feed bytes in, decisions by the engine over any [`ip_attribution::EvidenceSource`]
//! (here only an operator's overrides), notices aggregated and rendered: what `daily-run` does
//! without its files and progress.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use ip_attribution::{
//!     DECISION_STEP, EvidenceSource, Override, Overrides, Policy, decide_in_steps, read_feed,
//! };
//! use notice_render::{AggregateOptions, Aggregator, Language};
//!
//! /// The evidence an embedder has: its own list of who answers for which network.
//! struct Operators(Overrides);
//! impl EvidenceSource for Operators {
//!     fn prefix_override(&self, ip: std::net::IpAddr) -> Option<Override> {
//!         self.0.for_ip(ip).cloned()
//!     }
//! }
//! let (overrides, problems) = Overrides::parse(
//!     "overrides.csv",
//!     b"prefix_or_domain,organisation,contact,language\n\
//!       198.51.100.0/24,Gemeente Voorbeeldstad,soc@voorbeeldstad.example,nl\n",
//! );
//! assert!(problems.is_empty());
//! let findings = read_feed(
//!     "2026-11-22-scan_rdp.csv",
//!     b"timestamp,ip,port\n2026-11-22 01:00:00,198.51.100.7,3389\n2026-11-22 02:00:00,198.51.100.9,3389\n",
//! )?;
//! let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
//! let renderer = examples::daily_run::notice_renderer()?;
//! let options = AggregateOptions::default().with_default_language(Language::En);
//! let mut notices = Aggregator::new(renderer.catalogue(), options, now)?;
//! let source = Operators(overrides);
//! decide_in_steps(&findings, &source, &Policy::default(), now, DECISION_STEP, |step| {
//!     for f in step.findings {
//!         if let Some((finding, recipient)) = examples::notice_input::pair(f, &step.decisions.get(f), now) {
//!             notices.push(finding, recipient);
//!         }
//!     }
//!     Ok::<(), std::convert::Infallible>(())
//! })?;
//! // One recipient, one notice (in Dutch, the override's language), rendered as MIME; a
//! // program renders the recipients in parallel.
//! let notices: Vec<_> = notices.finish().into_iter().flat_map(|r| r.into_notices()).collect();
//! assert_eq!(notices.len(), 1);
//! assert_eq!(notices[0].recipient.address, "soc@voorbeeldstad.example");
//! assert_eq!(notices[0].language, Language::Nl);
//! assert_eq!(notices[0].finding_count(), 2);
//! let mime = renderer.mime(&notices[0], now)?;
//! assert!(!mime.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, Utc};
use ip_attribution::{Decision, Finding, Language as EngineLanguage, Outcome, Via};
use notice_render::lifecycle::{Judge, JudgeFinding, Judged, Reroute};
use notice_render::{Customer, RecipientRole};

/// The notice-render language of the engine's: the same tag. A language the engine may name
/// in a later version that notice-render has no catalogue for is English, notice-render's
/// default.
pub fn language(l: EngineLanguage) -> notice_render::Language {
    match l {
        EngineLanguage::Nl => notice_render::Language::Nl,
        _ => notice_render::Language::En,
    }
}

/// The engine's language of notice-render's (`--lang`, the configuration's default language):
/// the same tag; one the engine does not know (a later notice-render) is English.
pub fn engine_language(l: notice_render::Language) -> EngineLanguage {
    match l {
        notice_render::Language::Nl => EngineLanguage::Nl,
        _ => EngineLanguage::En,
    }
}

/// The notice-render role of a recipient the engine found by `via`: the business itself (an
/// override, its security.txt, its own registry organisation or RDAP entity) or a network
/// owner's abuse desk (the covering network's abuse contact, a WHOIS abuse comment, the RDAP
/// abuse entity, the origin AS's abuse contact).
///
/// Decided on the engine's type, not on its spelling: [`Via::is_network_abuse`] matches every
/// variant inside ip-attribution, so a new variant cannot compile without its role.
/// notice-render's [`RecipientRole::from_via`] reads the spelling, for findings read from files
/// where `via` is text, and a unit test holds the two in agreement for every variant.
pub fn role(via: Via) -> RecipientRole {
    if via.is_network_abuse() {
        RecipientRole::NetworkOwner
    } else {
        RecipientRole::Business
    }
}

/// The notice-render recipient of a decision (`None` without one). Its role follows from the
/// `via` of the address ([`role`]); the organisation the engine found is
/// the recipient's own name only when the recipient is that business. A network owner's abuse
/// desk is not that organisation: there the organisation is the customer, see [`customer`].
pub fn recipient(d: &Decision) -> Option<notice_render::Recipient> {
    let r = d.recipient()?;
    let mut nr = notice_render::Recipient::new(r.address.clone())
        .with_languages([language(d.language).as_str()])
        .with_via(r.via.as_str())
        .with_role(role(r.via));
    if nr.role == RecipientRole::Business
        && let Some(o) = &d.organisation
    {
        nr = nr.with_organisation(o.name.clone());
    }
    Some(nr)
}

/// The customer a notice to a network owner names: the organisation the engine found, its
/// domain, and the evidence that named it (the items with a weight, strongest first). `None`
/// when the notice goes to the business itself or no business was found.
pub fn customer(d: &Decision) -> Option<Customer> {
    let r = d.recipient()?;
    if role(r.via) != RecipientRole::NetworkOwner {
        return None;
    }
    let o = d.organisation.as_ref()?;
    let mut c = Customer::new(o.name.clone(), o.domain.clone().unwrap_or_default());
    let mut evidence: Vec<_> = d.evidence.iter().filter(|e| e.weight > 0.0).collect();
    evidence.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    for e in evidence {
        c = c.with_evidence(e.kind.clone(), e.value.clone());
    }
    Some(c)
}

/// The notice-render finding for a feed finding (`None` without an address). A finding without
/// a time stays without one (notices say "time unknown"); `now` is not put in its place.
pub fn finding(f: &Finding, now: DateTime<Utc>) -> Option<notice_render::Finding> {
    let ip = f.ip?;
    let mut nf = notice_render::Finding::new(ip.to_string(), f.report_type.to_string(), now)
        .with_observed(f.observed)
        .with_source(
            f.feed.to_string(),
            u64::try_from(f.line).unwrap_or(u64::MAX),
        );
    if let Some(p) = f.port {
        nf = nf.with_port(p);
    }
    if let Some(p) = &f.protocol {
        nf = nf.with_protocol(p.clone());
    }
    if let Some(h) = &f.hostname {
        nf = nf.with_asset(h.clone());
    }
    for t in &f.tags {
        nf = nf.with_tag(t.clone());
    }
    if let Some((c, id)) = f
        .intelmq
        .as_deref()
        .and_then(|c| Some((c, c.identifier.as_ref()?)))
    {
        nf = nf.with_classification(notice_render::Classification::new(
            c.taxonomy.clone().unwrap_or_default(),
            f.classification.clone().unwrap_or_default(),
            id.clone(),
        ));
    }
    Some(nf)
}

/// What notice-render gets for a feed finding and its decision: the notice finding (with the
/// customer for a network owner's notice, [`customer`]) and the recipient; `None` without an
/// address or a recipient.
pub fn pair(
    f: &Finding,
    d: &Decision,
    now: DateTime<Utc>,
) -> Option<(notice_render::Finding, notice_render::Recipient)> {
    let nf = finding(f, now)?;
    let nf = match customer(d) {
        Some(c) => nf.with_customer(c),
        None => nf,
    };
    Some((nf, recipient(d)?))
}

/// Judges finding `f` with its decision `d` against the history ([`Judge::judge`]) and applies
/// the verdict to `d` ([`apply`]). `entry` is the finding's catalogue entry when it has an
/// address and a recipient; without one the finding is `none` and `d` stays as it is.
pub fn judge(
    judge: &Judge,
    f: &Finding,
    d: &mut Decision,
    entry: Option<&str>,
    now: DateTime<Utc>,
) -> Judged {
    let (Some(ip), Some(entry)) = (f.ip, entry) else {
        return Judged::none();
    };
    let ip = ip.to_string();
    let mut finding = JudgeFinding::new(&ip, entry).with_reason(&d.reason);
    if let Some(port) = f.port {
        finding = finding.with_port(port);
    }
    if let Some(observed) = f.observed {
        finding = finding.with_observed(observed);
    }
    for r in &d.recipients {
        finding = finding.with_recipient(&r.address, role(r.via));
    }
    let verdict = judge.judge(&finding, now);
    apply(d, &verdict);
    verdict
}

/// Applies a verdict to the decision it was made for: the recipients in their new order
/// (positions in `d.recipients`), a business's decision now going to a network owner's abuse
/// desk becomes `network-owner`, nobody left makes it `unattributed`; and the new reason.
pub fn apply(d: &mut Decision, verdict: &Judged) {
    match &verdict.reroute {
        Reroute::To { order, role } => {
            let before = std::mem::take(&mut d.recipients);
            d.recipients = order
                .iter()
                .filter_map(|&i| before.get(i).cloned())
                .collect();
            if d.outcome == Outcome::Organisation && *role == RecipientRole::NetworkOwner {
                d.outcome = Outcome::NetworkOwner;
            }
        }
        Reroute::Nobody => {
            d.outcome = Outcome::Unattributed;
            d.recipients.clear();
        }
        _ => {}
    }
    if let Some(reason) = &verdict.reason {
        d.reason.clone_from(reason);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `Via` the engine has today, with its spelling as the contract writes it. A new
    /// variant belongs here and in an arm of [`role`] of its own.
    const EVERY_VIA: [(Via, &str); 8] = [
        (Via::Override, "override"),
        (Via::SecurityTxt, "securitytxt"),
        (Via::WhoisOrg, "whois-org"),
        (Via::RdapOrg, "rdap-org"),
        (Via::NetworkAbuseC, "network-abuse-c"),
        (Via::WhoisAbuseComment, "whois-abuse-comment"),
        (Via::RdapAbuse, "rdap-abuse"),
        (Via::AsnAbuse, "asn-abuse"),
    ];

    /// The typed mapping agrees with notice-render's reading of the spelled name (what a
    /// finding read from a file gets) for every variant, and both roles occur.
    #[test]
    fn role_agrees_with_from_via_for_every_variant() {
        for (via, spelled) in EVERY_VIA {
            assert_eq!(via.as_str(), spelled);
            assert_eq!(role(via), RecipientRole::from_via(spelled), "{spelled}");
        }
        let network: Vec<_> = EVERY_VIA
            .iter()
            .filter(|(v, _)| role(*v) == RecipientRole::NetworkOwner)
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(
            network,
            [
                "network-abuse-c",
                "whois-abuse-comment",
                "rdap-abuse",
                "asn-abuse"
            ]
        );
    }

    /// A decision's recipient gets the role of its `via`, and its via as the engine spells it.
    #[test]
    fn recipient_role_follows_via() {
        for (via, spelled) in EVERY_VIA {
            let mut d = Decision::malformed("test", EngineLanguage::En);
            d.recipients = vec![ip_attribution::Recipient::new("soc@example.nl", via)];
            let r = recipient(&d);
            assert_eq!(r.as_ref().map(|r| r.role), Some(role(via)), "{spelled}");
            assert_eq!(r.map(|r| r.via), Some(spelled.to_string()));
        }
    }
}
