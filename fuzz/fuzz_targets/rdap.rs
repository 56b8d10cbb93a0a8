//! RDAP JSON documents over arbitrary bytes.
//!
//! Asserts: a JSON error names a line within the input; `parse_rdap_network` agrees with
//! `parse_rdap`; for ip networks and other objects, abuse contacts are never placeholders,
//! are de-duplicated, come shallowest first and carry a handle path one longer than their
//! depth; every entity walked has a depth and path that agree.
#![no_main]

use ip_attribution::{
    ErrorKind, Knowledge, RdapContactEmail, RdapDocument, RdapEntity, RdapRole, parse_rdap,
    parse_rdap_network, rdap_emails_by_role,
};
use libfuzzer_sys::fuzz_target;

/// The abuse contacts of `entities` at any depth, as the public API gives them.
fn abuse_emails(entities: &[RdapEntity]) -> Vec<RdapContactEmail> {
    rdap_emails_by_role(entities, &RdapRole::Abuse, Knowledge::builtin_ref())
}

/// The placeholders the reader documents as never a contact: RIPE's dummified
/// `unread@ripe.net`, `redacted`/`noreply` mailboxes, `.invalid` domains.
fn is_placeholder_email(email: &str) -> bool {
    let e = email.trim().to_ascii_lowercase();
    let (local, domain) = e.rsplit_once('@').unwrap_or((e.as_str(), ""));
    e == "unread@ripe.net"
        || local.contains("redacted")
        || local == "noreply"
        || local == "no-reply"
        || domain == "invalid"
        || domain.ends_with(".invalid")
        || domain.is_empty()
}

/// The documented plausibility rule: one `@`, a non-empty local part, a domain with a dot
/// (not at either end), no whitespace, control characters or angle brackets.
fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c.is_control())
}

fn check_contacts(contacts: &[RdapContactEmail]) {
    let mut previous_depth = 0;
    for (i, c) in contacts.iter().enumerate() {
        assert!(
            !is_placeholder_email(&c.address),
            "placeholder returned: {c:?}"
        );
        assert!(
            is_plausible_email(&c.address),
            "implausible returned: {c:?}"
        );
        assert!(
            c.depth >= previous_depth,
            "not shallowest first: {contacts:?}"
        );
        previous_depth = c.depth;
        assert_eq!(c.path.len(), c.depth + 1, "{c:?}");
        assert!(
            !contacts[..i]
                .iter()
                .any(|o| o.address.eq_ignore_ascii_case(&c.address)),
            "duplicate: {contacts:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let newlines = data.iter().filter(|&&b| b == b'\n').count();
    let doc = parse_rdap(data, "fuzz.json");
    match &doc {
        Err(e) if matches!(e.kind(), ErrorKind::Json { .. }) => {
            let line = e.line();
            assert!(
                line >= 1 && line <= newlines + 1,
                "line {line} of {newlines}+1"
            );
        }
        Err(e) => panic!("unexpected error kind: {e}"),
        Ok(RdapDocument::IpNetwork(net)) => {
            check_contacts(&net.abuse_emails(Knowledge::builtin_ref()));
            check_contacts(&abuse_emails(&net.entities));
            let _ = (
                net.networks(),
                net.registrant_name(Knowledge::builtin_ref()),
                net.registrant_emails(Knowledge::builtin_ref()),
            );
            let visits = net.walk_entities();
            for (i, v) in visits.iter().enumerate() {
                match v.parent {
                    None => assert_eq!(v.depth, 0),
                    Some(p) => {
                        assert!(p < i, "parent after child");
                        assert_eq!(visits[p].depth + 1, v.depth);
                    }
                }
            }
        }
        Ok(RdapDocument::Other(obj)) => {
            check_contacts(&obj.abuse_emails(Knowledge::builtin_ref()));
            check_contacts(&abuse_emails(&obj.entities));
        }
        Ok(RdapDocument::Entity(e)) => {
            let _ = (
                e.organisation_name(Knowledge::builtin_ref()),
                e.emails(Knowledge::builtin_ref()),
                e.is_redacted(Knowledge::builtin_ref()),
            );
            check_contacts(&abuse_emails(&e.entities));
        }
        Ok(_) => {}
    }
    match (parse_rdap_network(data, "fuzz.json"), &doc) {
        (Ok(a), Ok(RdapDocument::IpNetwork(b))) => assert_eq!(&a, b),
        (Err(_), Ok(RdapDocument::IpNetwork(_))) => panic!("parse_rdap_network refused a network"),
        (Ok(_), _) => panic!("parse_rdap_network accepted what parse_rdap did not call a network"),
        (Err(_), _) => {}
    }
});
