//! The decision policy of the daily-run contract (`examples/docs/daily-run.md`), one small function per numbered step.
//!
//! 1. [`step_override`]: an operator override covering the address (longest prefix) or its domain.
//! 2. [`find_business`]: the business behind the address, from evidence that ties it to one
//!    business; hosters, CDNs, vendors and generic PTR names never name it; a tie means none.
//! 3. [`business_contact`]: the business's contact (valid security.txt e-mail, else its own
//!    registry e-mail); without one, the network owner receives the notice.
//! 4. [`network_owner`]: the most specific abuse contact covering the address.
//! 5. Nothing at all: `unattributed`.
//!
//! Every decision lists the evidence it weighed and names the step that decided.

use super::decision::{
    Decision, EvidenceItem, Organisation, Outcome, Recipient, Step, Via, is_email,
};
use super::evidence::{
    CertSeen, Evidence, EvidenceCertClass, EvidenceNetwork, NetworkOrigin, NetworkRole, PtrName,
    SecurityTxt, SecurityTxtStatus,
};
use super::knowledge::{Knowledge, skeleton};
use super::language::Language;

/// Options of the policy.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Policy {
    /// Provider knowledge and weights.
    pub knowledge: Knowledge,
    /// Language when no evidence picks one (`--lang`, default English).
    pub default_language: Language,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            knowledge: Knowledge::builtin(),
            default_language: Language::En,
        }
    }
}

impl Policy {
    /// The built-in knowledge with `default_language`.
    pub fn with_language(default_language: Language) -> Self {
        Self {
            knowledge: Knowledge::builtin(),
            default_language,
        }
    }

    /// Decides for one address.
    pub fn decide(&self, ev: &Evidence) -> Decision {
        let mut items = Vec::new();
        if let Some(d) = step_override(self, ev, &mut items) {
            return d;
        }
        let owner = network_owner(self, ev, &mut items);
        match find_business(self, ev, &mut items) {
            BusinessFinding::Found(b) => business_contact(self, ev, b, owner, items),
            BusinessFinding::Tie(names) => {
                let why = format!("no organisation: equal support for {}", names.join(" and "));
                owner_or_nothing(self, owner, items, &why)
            }
            BusinessFinding::None => owner_or_nothing(
                self,
                owner,
                items,
                "no evidence ties the address to a business",
            ),
        }
    }
}

/// A business named by the evidence.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub(crate) struct Business {
    /// Its name.
    pub name: String,
    /// Its registrable domain, when the evidence names one.
    pub domain: Option<String>,
    /// Its own registry e-mail addresses, best first, with their via.
    pub registry_emails: Vec<(String, Via)>,
    /// Summed weight of the evidence that names it.
    pub support: f64,
    /// What named it (for the reason).
    pub named_by: Vec<String>,
}

/// What step 2 found.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub(crate) enum BusinessFinding {
    /// One business.
    Found(Business),
    /// Two or more businesses with equal support: none.
    Tie(Vec<String>),
    /// No evidence names a business.
    None,
}

/// The override's language when it names one of ours (any case, spaces around ignored), else
/// the policy's default.
fn language_of(policy: &Policy, ov: Option<&str>) -> Language {
    ov.and_then(|l| l.parse().ok())
        .unwrap_or(policy.default_language)
}

/// Step 1: an operator override covering the address (longest prefix) or a domain the evidence
/// names. An override without a contact only records itself and passes.
pub(crate) fn step_override(
    policy: &Policy,
    ev: &Evidence,
    items: &mut Vec<EvidenceItem>,
) -> Option<Decision> {
    let (o, domain) = if let Some(o) = &ev.prefix_override {
        (o, None)
    } else {
        // A domain override applies when evidence that names a business names its domain.
        let mut scratch = Vec::new();
        let named = naming_domains(policy, ev, &mut scratch);
        let o = ev.domain_overrides.iter().find(|o| {
            let key = o.key.trim_end_matches('.').to_lowercase();
            named
                .iter()
                .any(|(d, ..)| *d == key || d.ends_with(&format!(".{key}")))
        })?;
        (o, Some(o.key.to_lowercase()))
    };
    items.push(EvidenceItem::new(
        "override",
        o.source.clone(),
        format!("{} → {} <{}>", o.key, o.organisation, o.contact),
        1.0,
    ));
    if !is_email(o.contact.trim()) {
        return None;
    }
    let mut recipients = vec![Recipient::new(o.contact.trim(), Via::Override)];
    let mut scratch = Vec::new();
    if let Some((alt, _)) = network_owner(policy, ev, &mut scratch) {
        for r in alt {
            if r.address != o.contact.trim() {
                recipients.push(r);
            }
        }
    }
    Some(Decision {
        outcome: Outcome::Organisation,
        organisation: Some(Organisation {
            name: o.organisation.clone(),
            domain,
        }),
        recipients,
        language: language_of(policy, Some(&o.language)),
        evidence: std::mem::take(items),
        step: Step::Override,
        reason: format!("operator override for {} ({})", o.key, o.source),
    })
}

fn domain_label(domain: &str) -> String {
    // The registrable domain without its public suffix: `slagerij-groen-sample.com` → first label.
    domain.split('.').next().unwrap_or(domain).to_lowercase()
}

/// Whether an organisation name and a registrable domain plausibly name the same business.
pub(crate) fn name_matches_domain(k: &Knowledge, name: &str, domain: &str) -> bool {
    let words = k.name_words(name);
    if words.is_empty() {
        return false;
    }
    let label = domain_label(domain);
    let label_words: Vec<&str> = label.split('-').filter(|w| !w.is_empty()).collect();
    let joined: String = words.concat();
    if label.replace('-', "").contains(&joined) {
        return true;
    }
    let label_skel: Vec<String> = label_words.iter().map(|w| skeleton(w)).collect();
    let hits = words
        .iter()
        .filter(|w| {
            let s = skeleton(w);
            !s.is_empty() && label_skel.contains(&s)
        })
        .count();
    hits * 2 > words.len() || (hits >= 2)
}

/// A domain that evidence ties the address to: (domain, organisation name, weight, what said so).
type DomainCandidate = (String, Option<String>, f64, String);

/// The domains that PTR names and certificates tie the address to (step 2's domain evidence):
/// forward-confirmed, non-generic PTR names and trusted certificates pointing to one business,
/// never a provider's, CDN's or vendor's names. Records every PTR and certificate in `items`.
pub(crate) fn naming_domains(
    policy: &Policy,
    ev: &Evidence,
    items: &mut Vec<EvidenceItem>,
) -> Vec<DomainCandidate> {
    let mut domain_candidates: Vec<DomainCandidate> = Vec::new();
    for p in &ev.ptr {
        domain_candidates.extend(ptr_candidate(policy, ev, p, items));
    }
    for c in &ev.certs {
        domain_candidates.extend(cert_candidate(policy, ev, c, items));
    }
    domain_candidates
}

/// Step 2, one PTR name: its domain when the name is forward-confirmed, not generic and not a
/// provider's. Records the name in `items`.
fn ptr_candidate(
    policy: &Policy,
    ev: &Evidence,
    p: &PtrName,
    items: &mut Vec<EvidenceItem>,
) -> Option<DomainCandidate> {
    let d = p.domain.as_ref()?;
    let (weight, note) = if !p.forward_confirmed {
        (0.0, "not forward-confirmed")
    } else if p.generic.is_some() {
        (0.0, "generic")
    } else if ev.is_provider_domain(d) {
        (0.0, "provider domain")
    } else {
        (policy.knowledge.weight_ptr, "forward-confirmed")
    };
    let value = match &p.generic {
        Some(g) if weight == 0.0 && note == "generic" => format!("{} ({note}: {g})", p.name),
        _ => format!("{} ({note})", p.name),
    };
    items.push(EvidenceItem::new("ptr", p.source.clone(), value, weight));
    (weight > 0.0).then(|| (d.clone(), None, weight, format!("PTR {}", p.name)))
}

/// Step 2, one certificate: its first domain (and subject organisation) when it is trusted and
/// points to one business, not a device default, a CDN's or a provider's own. Records the
/// certificate in `items`.
fn cert_candidate(
    policy: &Policy,
    ev: &Evidence,
    c: &CertSeen,
    items: &mut Vec<EvidenceItem>,
) -> Option<DomainCandidate> {
    let k = &policy.knowledge;
    let org = c.subject_org.as_deref().unwrap_or("");
    let (weight, note) = if !c.trusted {
        (0.0, c.class.as_str().to_owned())
    } else if c.class == EvidenceCertClass::DeviceDefault {
        (0.0, "device default".to_owned())
    } else if c.class == EvidenceCertClass::SharedCdn {
        (0.0, "shared/CDN".to_owned())
    } else if c.domains.iter().any(|d| ev.is_provider_domain(d))
        || (!org.is_empty() && ev.is_provider_org(org))
    {
        (0.0, "provider's own".to_owned())
    } else if c.domains.is_empty() {
        (0.0, "no domain".to_owned())
    } else if c.class == EvidenceCertClass::Ov && !org.is_empty() {
        (k.weight_cert_ov, "trusted OV".to_owned())
    } else {
        (k.weight_cert_dv, "trusted".to_owned())
    };
    items.push(EvidenceItem::new(
        "cert",
        c.source.clone(),
        format!(
            "{} O={} names={} ({note})",
            c.common_name.as_deref().unwrap_or("-"),
            if org.is_empty() { "-" } else { org },
            c.domains.join(",")
        ),
        weight,
    ));
    let d = c.domains.first().filter(|_| weight > 0.0)?;
    let name = (!org.is_empty()).then(|| org.to_owned());
    Some((d.clone(), name, weight, format!("certificate {}", c.source)))
}

/// Step 2: the business behind the address: a registry customer assignment, then the domains
/// PTR names and certificates name (the same or a related business adds support); the best
/// supported wins, a tie means none.
pub(crate) fn find_business(
    policy: &Policy,
    ev: &Evidence,
    items: &mut Vec<EvidenceItem>,
) -> BusinessFinding {
    let mut found: Vec<Business> = Vec::new();
    found.extend(registry_customer(policy, ev, items));
    for candidate in naming_domains(policy, ev, items) {
        add_domain_candidate(&policy.knowledge, &mut found, candidate);
    }
    best_supported(found)
}

/// Whether `first`, the most specific live network, is assigned to a customer: not an
/// allocation, its organisation not also holding a parent (`rest`), and not a provider (an LIR
/// or an organisation the evidence knows as a provider).
fn is_customer_assignment(
    ev: &Evidence<'_>,
    first: &EvidenceNetwork<'_>,
    rest: &[&EvidenceNetwork<'_>],
) -> bool {
    let Some(org) = first.org() else {
        return false;
    };
    let (handle, name) = (org.handle(), org.name());
    let parent_has_same_org = rest.iter().any(|p| {
        p.org().is_some_and(|po| {
            (!po.handle().is_empty() && po.handle().eq_ignore_ascii_case(handle))
                || (!po.name().is_empty() && po.name().eq_ignore_ascii_case(name))
        })
    });
    let provider = org.is_lir() || ev.is_provider_org(handle) || ev.is_provider_org(name);
    first.role() != NetworkRole::Allocation && !parent_has_same_org && !provider
}

/// Step 2, the registry: the most specific non-placeholder network when it is assigned to a
/// customer (not an allocation, not held by its parent's organisation, not a provider). Records
/// the network in `items` either way.
fn registry_customer(
    policy: &Policy,
    ev: &Evidence,
    items: &mut Vec<EvidenceItem>,
) -> Option<Business> {
    let k = &policy.knowledge;
    let live: Vec<&EvidenceNetwork<'_>> =
        ev.networks.iter().filter(|n| !n.is_placeholder()).collect();
    let (first, rest) = live.split_first()?;
    let org = first.org()?;
    if !is_customer_assignment(ev, first, rest) || org.name().is_empty() {
        items.push(EvidenceItem::new(
            "registry-provider",
            first.source().to_owned(),
            format!(
                "{} ({}) held by provider {}",
                first.name(),
                first.range_text(),
                org.name()
            ),
            0.0,
        ));
        return None;
    }
    let via = match first.origin() {
        NetworkOrigin::Registry => Via::WhoisOrg,
        NetworkOrigin::Rdap => Via::RdapOrg,
    };
    let mut emails: Vec<(String, Via)> = Vec::new();
    for e in first
        .abuse_emails()
        .into_iter()
        .chain(org.abuse_emails())
        .chain(org.emails())
    {
        if !emails.iter().any(|(x, _)| x.eq_ignore_ascii_case(e)) {
            emails.push((e.to_owned(), via));
        }
    }
    items.push(EvidenceItem::new(
        "registry-customer",
        first.source().to_owned(),
        format!(
            "{} ({}, {}) assigned to {}",
            first.name(),
            first.range_text(),
            first.status(),
            org.name()
        ),
        k.weight_registry_customer,
    ));
    Some(Business {
        name: org.name().to_owned(),
        domain: None,
        registry_emails: emails,
        support: k.weight_registry_customer,
        named_by: vec!["registry assignment".to_owned()],
    })
}

/// Step 2, one named domain: support for the business with that domain, else for a registry
/// customer it plausibly belongs to (its mail domain or its name), else a new business.
fn add_domain_candidate(k: &Knowledge, found: &mut Vec<Business>, candidate: DomainCandidate) {
    let (domain, name, weight, by) = candidate;
    // Same domain: same business.
    if let Some(b) = found
        .iter_mut()
        .find(|b| b.domain.as_deref() == Some(domain.as_str()))
    {
        b.support += weight;
        b.named_by.push(by);
        return;
    }
    // A registry customer without a domain that this domain plausibly belongs to.
    let related = found.iter_mut().find(|b| {
        b.domain.is_none()
            && (b.registry_emails.iter().any(|(e, _)| {
                e.rsplit_once('@').is_some_and(|(_, d)| {
                    d.eq_ignore_ascii_case(&domain)
                        || d.to_lowercase().ends_with(&format!(".{domain}"))
                })
            }) || name_matches_domain(k, &b.name, &domain)
                || name
                    .as_deref()
                    .is_some_and(|n| k.name_words(n) == k.name_words(&b.name)))
    });
    if let Some(b) = related {
        b.domain = Some(domain);
        b.support += weight;
        b.named_by.push(by);
        return;
    }
    found.push(Business {
        name: name.unwrap_or_else(|| domain.clone()),
        domain: Some(domain),
        registry_emails: Vec::new(),
        support: weight,
        named_by: vec![by],
    });
}

/// Step 2, the verdict: the best supported business; two with equal support mean none.
fn best_supported(mut found: Vec<Business>) -> BusinessFinding {
    found.sort_by(|a, b| b.support.total_cmp(&a.support));
    match found.as_slice() {
        [] => BusinessFinding::None,
        [one] => BusinessFinding::Found(one.clone()),
        [a, b, ..] if (a.support - b.support).abs() < 1e-9 => BusinessFinding::Tie(
            found
                .iter()
                .filter(|x| (x.support - a.support).abs() < 1e-9)
                .map(|x| x.domain.clone().unwrap_or_else(|| x.name.clone()))
                .collect(),
        ),
        [a, ..] => BusinessFinding::Found(a.clone()),
    }
}

/// Step 4: the network owner's abuse contact, most specific first (registry abuse-c, the
/// holder organisation's abuse-c, a saved answer's abuse comment, RDAP abuse), then the origin
/// AS. Placeholders never count. Returns the recipients and a description.
pub(crate) fn network_owner(
    policy: &Policy,
    ev: &Evidence,
    items: &mut Vec<EvidenceItem>,
) -> Option<(Vec<Recipient>, String)> {
    let k = &policy.knowledge;
    for n in ev.networks.iter().filter(|n| !n.is_placeholder()) {
        let recipients = network_abuse(k, n);
        if let Some(first) = recipients.first() {
            let holder = n.org().map_or(n.name(), |o| o.name());
            let range = n.range_text();
            items.push(EvidenceItem::new(
                "network-abuse",
                n.source().to_owned(),
                format!("{} ({range}) {holder}: {}", n.name(), first.address),
                0.0,
            ));
            let desc = format!("network owner {holder} ({range})");
            return Some((recipients, desc));
        }
    }
    let asn: Vec<Recipient> = ev
        .asn_abuse
        .iter()
        .filter(|(e, _)| !k.is_placeholder_email(e))
        .map(|(e, _)| Recipient::new(e.clone(), Via::AsnAbuse))
        .collect();
    let (first, (_, src)) = (asn.first()?, ev.asn_abuse.first()?);
    items.push(EvidenceItem::new(
        "asn-abuse",
        src.clone(),
        first.address.clone(),
        0.0,
    ));
    Some((asn, "origin AS abuse contact".to_owned()))
}

/// Step 4, one network: its own abuse addresses, else its organisation's, else the abuse
/// comment for its range; placeholder addresses never count.
fn network_abuse(k: &Knowledge, n: &EvidenceNetwork<'_>) -> Vec<Recipient> {
    let own_via = match n.origin() {
        NetworkOrigin::Registry => Via::NetworkAbuseC,
        NetworkOrigin::Rdap => Via::RdapAbuse,
    };
    let usable = |list: Vec<&str>| -> Vec<Recipient> {
        list.into_iter()
            .filter(|e| !k.is_placeholder_email(e))
            .map(|e| Recipient::new(e, own_via))
            .collect()
    };
    let mut recipients = usable(n.abuse_emails());
    if recipients.is_empty()
        && let Some(org) = n.org()
    {
        recipients = usable(org.abuse_emails());
    }
    if recipients.is_empty()
        && let Some(c) = n.abuse_comment().filter(|c| !k.is_placeholder_email(c))
    {
        recipients.push(Recipient::new(c, Via::WhoisAbuseComment));
    }
    recipients
}

fn owner_or_nothing(
    policy: &Policy,
    owner: Option<(Vec<Recipient>, String)>,
    items: Vec<EvidenceItem>,
    why: &str,
) -> Decision {
    match owner {
        Some((recipients, desc)) => Decision {
            outcome: Outcome::NetworkOwner,
            organisation: None,
            recipients,
            language: policy.default_language,
            evidence: items,
            step: Step::NetworkOwner,
            reason: format!("{why}; {desc}"),
        },
        None => Decision {
            outcome: Outcome::Unattributed,
            organisation: None,
            recipients: Vec::new(),
            language: policy.default_language,
            evidence: items,
            step: Step::Nothing,
            reason: format!(
                "no-data: {why}; no usable registry, RDAP or AS abuse contact covers the address"
            ),
        },
    }
}

/// What a business's security.txt gave step 3.
#[derive(Debug, Default)]
struct SecurityTxtContacts {
    /// Its usable e-mail contacts, in order.
    emails: Vec<Recipient>,
    /// Its other contacts (web forms, phone numbers): alternatives.
    alternatives: Vec<Recipient>,
    /// Its first preferred language the catalogue has.
    language: Option<Language>,
    /// Why it gave no e-mail contact.
    notes: Vec<String>,
}

/// What the evidence item says of a security.txt, its weight, and the note when it is not
/// trusted (expired or invalid).
fn security_txt_status(st: &SecurityTxt) -> (String, f64, Option<&'static str>) {
    match &st.status {
        SecurityTxtStatus::Valid => {
            let contacts: Vec<&str> = st
                .emails
                .iter()
                .chain(&st.others)
                .map(String::as_str)
                .collect();
            (
                format!("valid; contacts {}", contacts.join(", ")),
                1.0,
                None,
            )
        }
        SecurityTxtStatus::Expired => (
            "expired: not trusted".to_owned(),
            0.0,
            Some("security.txt expired"),
        ),
        SecurityTxtStatus::Invalid(why) => (
            format!("invalid: not trusted ({why})"),
            0.0,
            Some("security.txt invalid"),
        ),
    }
}

/// Step 3, the security.txt of the business's domain: a valid one gives its contacts; an
/// expired or invalid one is recorded and not trusted.
fn security_txt_contacts(
    policy: &Policy,
    ev: &Evidence,
    domain: Option<&str>,
    items: &mut Vec<EvidenceItem>,
) -> SecurityTxtContacts {
    let mut out = SecurityTxtContacts::default();
    let Some(st) = domain.and_then(|d| ev.security_txt_for(d)) else {
        return out;
    };
    let (value, weight, note) = security_txt_status(st);
    items.push(EvidenceItem::new(
        "securitytxt",
        st.source.clone(),
        value,
        weight,
    ));
    if let Some(note) = note {
        out.notes.push(note.to_owned());
        return out;
    }
    let k = &policy.knowledge;
    for e in st.emails.iter().filter(|e| !k.is_placeholder_email(e)) {
        out.emails.push(Recipient::new(e.clone(), Via::SecurityTxt));
    }
    for o in &st.others {
        out.alternatives
            .push(Recipient::new(o.clone(), Via::SecurityTxt));
    }
    out.language = st.languages.iter().find_map(|l| Language::of_exact_tag(l));
    if out.emails.is_empty() {
        out.notes
            .push("security.txt has no e-mail contact".to_owned());
    }
    out
}

/// Step 3: the contact of a business found in step 2: its security.txt e-mail, else its own
/// registry e-mail, the network owner after them; without any, the network owner receives the
/// notice.
pub(crate) fn business_contact(
    policy: &Policy,
    ev: &Evidence,
    b: Business,
    owner: Option<(Vec<Recipient>, String)>,
    mut items: Vec<EvidenceItem>,
) -> Decision {
    let k = &policy.knowledge;
    let st = security_txt_contacts(policy, ev, b.domain.as_deref(), &mut items);
    let SecurityTxtContacts {
        mut emails,
        alternatives,
        language,
        mut notes,
    } = st;
    let sectxt_first = !emails.is_empty();
    for (e, via) in &b.registry_emails {
        if !k.is_placeholder_email(e)
            && is_email(e)
            && !emails.iter().any(|r| r.address.eq_ignore_ascii_case(e))
        {
            emails.push(Recipient::new(e.clone(), *via));
        }
    }
    // The security.txt's language only counts when its contact receives the notice.
    let language = language
        .filter(|_| sectxt_first)
        .unwrap_or(policy.default_language);
    let found = FoundBusiness {
        organisation: Some(Organisation {
            name: b.name.clone(),
            domain: b.domain.clone(),
        }),
        who: b.domain.clone().unwrap_or_else(|| b.name.clone()),
        named: b.named_by.join(", "),
        language,
        items,
    };
    if emails.is_empty() {
        notes.push("no usable e-mail contact".to_owned());
        return found.without_contact(owner, alternatives, &notes);
    }
    found.with_contact(emails, alternatives, owner, sectxt_first, &notes)
}

/// A business step 3 decides for: what every decision about it carries.
struct FoundBusiness {
    organisation: Option<Organisation>,
    /// Its domain, else its name (for the reason).
    who: String,
    /// What named it (for the reason).
    named: String,
    language: Language,
    items: Vec<EvidenceItem>,
}

impl FoundBusiness {
    /// Step 3 with e-mail contacts: they receive the notice, then the business's other
    /// contacts, then the network owner's.
    fn with_contact(
        self,
        emails: Vec<Recipient>,
        alternatives: Vec<Recipient>,
        owner: Option<(Vec<Recipient>, String)>,
        sectxt_first: bool,
        notes: &[String],
    ) -> Decision {
        let mut recipients = emails;
        recipients.extend(alternatives);
        for r in owner.map(|o| o.0).unwrap_or_default() {
            if !recipients
                .iter()
                .any(|x| x.address.eq_ignore_ascii_case(&r.address))
            {
                recipients.push(r);
            }
        }
        let from = if sectxt_first {
            "its security.txt"
        } else {
            "its own registry object"
        };
        let extra = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        };
        Decision {
            outcome: Outcome::Organisation,
            organisation: self.organisation,
            recipients,
            language: self.language,
            evidence: self.items,
            step: Step::Organisation,
            reason: format!(
                "business {} named by {}; contact from {from}{extra}",
                self.who, self.named
            ),
        }
    }

    /// Step 3 without a usable e-mail contact: the network owner receives the notice (with the
    /// business's other contacts as alternatives); without an owner, nobody.
    fn without_contact(
        self,
        owner: Option<(Vec<Recipient>, String)>,
        alternatives: Vec<Recipient>,
        notes: &[String],
    ) -> Decision {
        let (who, named, notes) = (self.who, self.named, notes.join("; "));
        let Some((mut recipients, desc)) = owner else {
            let alternatives = if alternatives.is_empty() {
                String::new()
            } else {
                let list: Vec<&str> = alternatives.iter().map(|r| r.address.as_str()).collect();
                format!("; alternatives: {}", list.join(", "))
            };
            return Decision {
                outcome: Outcome::Unattributed,
                organisation: self.organisation,
                recipients: Vec::new(),
                language: self.language,
                evidence: self.items,
                step: Step::Nothing,
                reason: format!(
                    "no-contact: business {who} named by {named} but {notes}, and no network abuse contact{alternatives}"
                ),
            };
        };
        recipients.extend(alternatives);
        Decision {
            outcome: Outcome::NetworkOwner,
            organisation: self.organisation,
            recipients,
            language: self.language,
            evidence: self.items,
            step: Step::OrganisationWithoutContact,
            reason: format!("business {who} named by {named} but {notes}; {desc}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::evidence::{
        CertSeen, NetworkFacts, OrgInfo, Override, PtrName, SecurityTxt,
    };
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    fn net(
        start: &str,
        end: &str,
        status: &str,
        org: Option<(&str, &str, &[&str])>,
    ) -> NetworkFacts {
        let k = Knowledge::builtin();
        NetworkFacts {
            origin: NetworkOrigin::Registry,
            source: "test.db".into(),
            start: ip(start),
            end: ip(end),
            name: "NET".into(),
            status: status.into(),
            role: k.role_of_status(status),
            org: org.map(|(h, n, abuse)| OrgInfo {
                handle: h.into(),
                name: n.into(),
                abuse_emails: abuse.iter().map(|s| s.to_string()).collect(),
                emails: Vec::new(),
                is_lir: false,
            }),
            abuse_emails: Vec::new(),
            abuse_comment: None,
            placeholder: false,
        }
    }

    fn hoster() -> NetworkFacts {
        net(
            "192.0.2.0",
            "192.0.2.255",
            "ALLOCATED PA",
            Some(("ORG-H", "Hoster B.V.", &["abuse@hoster.example"])),
        )
    }

    fn ptr(name: &str, domain: &str, confirmed: bool, generic: bool) -> PtrName {
        PtrName {
            name: name.into(),
            domain: Some(domain.into()),
            forward_confirmed: confirmed,
            generic: generic.then(|| "token".to_owned()),
            source: "rdns.jsonl".into(),
        }
    }

    fn cert(domain: &str, org: Option<&str>, trusted: bool) -> CertSeen {
        CertSeen {
            source: "c.pem".into(),
            port: None,
            subject_org: org.map(str::to_owned),
            common_name: Some(domain.into()),
            domains: vec![domain.into()],
            trusted,
            class: if org.is_some() {
                EvidenceCertClass::Ov
            } else {
                EvidenceCertClass::Dv
            },
        }
    }

    fn sectxt(
        domain: &str,
        status: SecurityTxtStatus,
        emails: &[&str],
        others: &[&str],
    ) -> SecurityTxt {
        SecurityTxt {
            domain: domain.into(),
            source: format!("{domain}.txt"),
            status,
            emails: emails.iter().map(|s| s.to_string()).collect(),
            others: others.iter().map(|s| s.to_string()).collect(),
            languages: vec!["nl".into()],
        }
    }

    fn base() -> Evidence<'static> {
        let mut ev = Evidence::empty(ip("192.0.2.10"));
        ev.networks = vec![EvidenceNetwork::owned(hoster())];
        ev.provider_orgs = vec!["ORG-H".into(), "Hoster B.V.".into()];
        ev
    }

    fn first(d: &Decision) -> Option<&str> {
        d.recipient().map(|r| r.address.as_str())
    }

    #[test]
    fn nothing_at_all_is_unattributed() {
        let d = Policy::default().decide(&Evidence::empty(ip("192.0.2.1")));
        assert_eq!(d.outcome, Outcome::Unattributed);
        assert_eq!(d.step, Step::Nothing);
        assert!(d.recipients.is_empty());
    }

    #[test]
    fn no_business_goes_to_the_network_owner() {
        let d = Policy::default().decide(&base());
        assert_eq!(d.outcome, Outcome::NetworkOwner);
        assert_eq!(first(&d), Some("abuse@hoster.example"));
    }

    #[test]
    fn placeholders_never_count() {
        let mut ev = Evidence::empty(ip("192.0.2.10"));
        let mut p = hoster();
        p.placeholder = true;
        ev.networks = vec![EvidenceNetwork::owned(p)];
        assert_eq!(Policy::default().decide(&ev).outcome, Outcome::Unattributed);
    }

    #[test]
    fn customer_assignment_names_the_business() {
        let mut ev = base();
        ev.networks.insert(
            0,
            EvidenceNetwork::owned(net(
                "192.0.2.8",
                "192.0.2.15",
                "ASSIGNED PA",
                Some(("ORG-C", "Klant B.V.", &["it@klant.example"])),
            )),
        );
        let d = Policy::default().decide(&ev);
        assert_eq!(d.outcome, Outcome::Organisation);
        assert_eq!(first(&d), Some("it@klant.example"));
        assert_eq!(d.recipients[0].via, Via::WhoisOrg);
        // The hoster's own assignment does not.
        let mut ev = base();
        ev.networks.insert(
            0,
            EvidenceNetwork::owned(net(
                "192.0.2.8",
                "192.0.2.15",
                "ASSIGNED PA",
                Some(("ORG-H", "Hoster B.V.", &[])),
            )),
        );
        assert_eq!(Policy::default().decide(&ev).outcome, Outcome::NetworkOwner);
    }

    #[test]
    fn generic_or_unconfirmed_ptr_does_not_name_the_business() {
        let mut ev = base();
        ev.ptr = vec![ptr(
            "static-10.hoster.example",
            "hoster.example",
            true,
            true,
        )];
        assert_eq!(Policy::default().decide(&ev).organisation, None);
        ev.ptr = vec![ptr("www.shop.example", "shop.example", false, false)];
        assert_eq!(Policy::default().decide(&ev).organisation, None);
    }

    #[test]
    fn valid_security_txt_email_first_with_its_language() {
        let mut ev = base();
        ev.ptr = vec![ptr("mail.shop.example", "shop.example", true, false)];
        ev.security_txt = vec![sectxt(
            "shop.example",
            SecurityTxtStatus::Valid,
            &["security@shop.example"],
            &["https://shop.example/report"],
        )];
        let d = Policy::default().decide(&ev);
        assert_eq!(d.outcome, Outcome::Organisation);
        assert_eq!(first(&d), Some("security@shop.example"));
        assert_eq!(d.recipients[0].via, Via::SecurityTxt);
        assert_eq!(d.recipients[1].address, "https://shop.example/report");
        assert_eq!(d.language, Language::Nl);
    }

    #[test]
    fn web_form_only_or_expired_falls_back_to_the_network_owner() {
        for st in [
            sectxt(
                "shop.example",
                SecurityTxtStatus::Valid,
                &[],
                &["https://shop.example/report"],
            ),
            sectxt(
                "shop.example",
                SecurityTxtStatus::Expired,
                &["security@shop.example"],
                &[],
            ),
            sectxt(
                "shop.example",
                SecurityTxtStatus::Invalid("x".into()),
                &["security@shop.example"],
                &[],
            ),
        ] {
            let mut ev = base();
            ev.ptr = vec![ptr("mail.shop.example", "shop.example", true, false)];
            ev.security_txt = vec![st];
            let d = Policy::default().decide(&ev);
            assert_eq!(d.outcome, Outcome::NetworkOwner);
            assert_eq!(first(&d), Some("abuse@hoster.example"));
            assert_eq!(
                d.organisation.and_then(|o| o.domain).as_deref(),
                Some("shop.example")
            );
            assert_eq!(d.language, Language::En);
        }
    }

    #[test]
    fn two_businesses_with_equal_support_mean_none() {
        let mut ev = base();
        ev.ptr = vec![ptr("mail.a-shop.example", "a-shop.example", true, false)];
        ev.certs = vec![cert("b-shop.example", None, true)];
        let d = Policy::default().decide(&ev);
        assert_eq!(d.organisation, None);
        assert_eq!(d.outcome, Outcome::NetworkOwner);
        assert!(d.reason.contains("equal support"));
        // An untrusted certificate does not count: the PTR wins.
        ev.certs = vec![cert("b-shop.example", None, false)];
        let d = Policy::default().decide(&ev);
        assert_eq!(
            d.organisation.and_then(|o| o.domain).as_deref(),
            Some("a-shop.example")
        );
    }

    #[test]
    fn vendor_cdn_and_provider_certificates_do_not_name_the_business() {
        // The classes come from the knowledge (`Knowledge::cert_class`) when the evidence is
        // gathered; the policy reads them.
        for c in [
            CertSeen {
                class: EvidenceCertClass::DeviceDefault,
                ..cert("fortigate.example", Some("Fortinet"), true)
            },
            cert("hoster.example", Some("Hoster B.V."), true),
            CertSeen {
                class: EvidenceCertClass::SharedCdn,
                ..cert("a.example", None, true)
            },
        ] {
            let mut ev = base();
            ev.provider_domains = vec!["hoster.example".into()];
            ev.certs = vec![c];
            assert_eq!(Policy::default().decide(&ev).organisation, None);
        }
        // The same certificates classed as ordinary ones would name it.
        let mut ev = base();
        ev.certs = vec![cert("a.example", None, true)];
        assert!(Policy::default().decide(&ev).organisation.is_some());
    }

    #[test]
    fn overrides_win_prefix_first() {
        let o = |key: &str, contact: &str| Override {
            key: key.into(),
            organisation: "Gemeente".into(),
            contact: contact.into(),
            language: "nl".into(),
            source: "overrides.csv:2".into(),
        };
        let mut ev = base();
        ev.prefix_override = Some(o("192.0.2.0/28", "soc@gemeente.example"));
        let d = Policy::default().decide(&ev);
        assert_eq!(d.step, Step::Override);
        assert_eq!(first(&d), Some("soc@gemeente.example"));
        assert_eq!(d.language, Language::Nl);
        // A domain override applies only when naming evidence names the domain.
        let mut ev = base();
        ev.domain_overrides = vec![o("shop.example", "noc@shop.example")];
        assert_eq!(Policy::default().decide(&ev).step, Step::NetworkOwner);
        ev.ptr = vec![ptr("mail.shop.example", "shop.example", true, false)];
        assert_eq!(
            first(&Policy::default().decide(&ev)),
            Some("noc@shop.example")
        );
    }

    #[test]
    fn names_match_domains_across_transliterations() {
        let k = Knowledge::builtin();
        assert!(name_matches_domain(
            &k,
            "Backerei Muller GmbH",
            "baeckerei-mueller.example"
        ));
        assert!(name_matches_domain(
            &k,
            "Slagerij Groen",
            "slagerij-groen-sample.com"
        ));
        assert!(!name_matches_domain(
            &k,
            "Slagerij Groen",
            "bakkerij-jansen.example"
        ));
    }
}
