//! What the daily run gives notice-render about a finding and its recipient, from the
//! engine's [`Decision`]: the recipient with its role (a business, or a network owner's abuse
//! desk, from the decision's `via`), and for a network owner the customer the engine
//! identified (organisation, domain and the evidence that named it).

use ip_attribution::engine::Decision;
use notice_render::{Customer, RecipientRole};

/// The notice-render recipient of a decision (`None` without one). Its role follows from the
/// `via` of the address ([`RecipientRole::from_via`]); the organisation the engine found is
/// the recipient's own name only when the recipient is that business. A network owner's abuse
/// desk is not that organisation: there the organisation is the customer, see [`customer`].
pub fn recipient(d: &Decision) -> Option<notice_render::Recipient> {
    let r = d.recipient()?;
    let mut nr = notice_render::Recipient::new(r.address.clone())
        .with_languages([d.language.clone()])
        .with_via(r.via.as_str());
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
    if RecipientRole::from_via(r.via.as_str()) != RecipientRole::NetworkOwner {
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
