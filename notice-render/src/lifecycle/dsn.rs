//! Delivery status notifications (RFC 3464): the `message/delivery-status` body's fields and
//! what a recipient's `Action` and `Status` mean for us. Sans-IO; reading whole messages is the
//! `bounces` feature's job, and only it reads the fields.
// Without `bounces` only the types are used (they are public through `lifecycle`).
#![cfg_attr(not(feature = "bounces"), allow(dead_code))]

/// What a DSN recipient block means for the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DsnClass {
    /// `Action: failed` with a `5.x.x` status: the address is hard-bounced.
    HardBounce,
    /// `Action: delayed`, or `failed` with `4.x.x`: counted, nothing more.
    Soft,
    /// Anything else (`delivered`, `relayed`, `expanded`, an action without a usable status):
    /// for a person to read.
    Other,
}

impl DsnClass {
    /// `hard-bounce`, `soft-bounce` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HardBounce => "hard-bounce",
            Self::Soft => "soft-bounce",
            Self::Other => "other",
        }
    }
}

/// Classifies one recipient block by its `Action` and `Status` values (RFC 3464 2.3.3, 2.3.4;
/// status codes RFC 3463: class.subject.detail, class 2, 4 or 5). Comments and case are
/// ignored.
pub(crate) fn classify(action: &str, status: &str) -> DsnClass {
    let action = strip_comment(action).to_ascii_lowercase();
    let class = status_class(status);
    match (action.as_str(), class) {
        ("failed", Some(5)) => DsnClass::HardBounce,
        ("failed", Some(4)) | ("delayed", _) => DsnClass::Soft,
        _ => DsnClass::Other,
    }
}

/// The class digit of an RFC 3463 status code (`5.1.1` → 5), when it is well-formed.
pub(crate) fn status_class(status: &str) -> Option<u8> {
    let s = strip_comment(status);
    let code = s.split_whitespace().next()?;
    let mut parts = code.split('.');
    let class = parts.next()?;
    let subject = parts.next()?;
    let detail = parts.next()?;
    let ok = parts.next().is_none()
        && matches!(class, "2" | "4" | "5")
        && (1..=3).contains(&subject.len())
        && (1..=3).contains(&detail.len())
        && subject
            .bytes()
            .chain(detail.bytes())
            .all(|b| b.is_ascii_digit());
    ok.then(|| class.as_bytes()[0] - b'0')
}

fn strip_comment(v: &str) -> &str {
    v.split('(').next().unwrap_or("").trim()
}

/// One field of a delivery-status group: name (as written) and value (unfolded, trimmed).
pub(crate) type Field = (String, String);

/// The groups of a `message/delivery-status` body: the per-message group first, then one per
/// recipient. Folded lines are unfolded, blank lines (also with spaces) separate groups, lines
/// without a colon are skipped. Total: any text gives some groups.
pub(crate) fn parse_groups(body: &str) -> Vec<Vec<Field>> {
    let mut groups: Vec<Vec<Field>> = Vec::new();
    let mut current: Vec<Field> = Vec::new();
    for raw in body.split('\n') {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !current.is_empty() {
                groups.push(std::mem::take(&mut current));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = current.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            current.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }
    groups
}

/// The value of the first field named `name` (case-insensitive).
pub(crate) fn field<'a>(group: &'a [Field], name: &str) -> Option<&'a str> {
    group
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The address of an `address-type; address` value (`rfc822; a@x.nl` → `a@x.nl`), angle
/// brackets and comments removed.
pub(crate) fn address_of(value: &str) -> String {
    let v = match value.split_once(';') {
        Some((_, a)) => a,
        None => value,
    };
    let v = strip_comment(v);
    v.trim_matches(|c: char| c == '<' || c == '>' || c.is_whitespace())
        .to_string()
}

/// One recipient block of a DSN.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DsnRecipient {
    /// `Final-Recipient`'s address.
    pub final_recipient: String,
    /// `Original-Recipient`'s address, when given.
    pub original_recipient: Option<String>,
    /// `Action`, lower-cased.
    pub action: String,
    /// `Status` (the code only).
    pub status: String,
    /// `Diagnostic-Code`, when given.
    pub diagnostic: Option<String>,
    /// What it means.
    pub class: DsnClass,
}

/// The recipient blocks of a delivery-status body (groups after the first that have a
/// `Final-Recipient`; a group with a `Final-Recipient` is taken even when it comes first,
/// as some writers leave the per-message group out).
pub(crate) fn recipients(body: &str) -> Vec<DsnRecipient> {
    parse_groups(body)
        .iter()
        .filter_map(|g| {
            let fr = field(g, "Final-Recipient")?;
            let action = strip_comment(field(g, "Action").unwrap_or("")).to_ascii_lowercase();
            let status = strip_comment(field(g, "Status").unwrap_or(""))
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string();
            Some(DsnRecipient {
                final_recipient: address_of(fr),
                original_recipient: field(g, "Original-Recipient").map(address_of),
                class: classify(&action, &status),
                action,
                status,
                diagnostic: field(g, "Diagnostic-Code").map(str::to_string),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(classify("failed", "5.1.1"), DsnClass::HardBounce);
        assert_eq!(
            classify("Failed (permanent)", "5.7.1 (denied)"),
            DsnClass::HardBounce
        );
        assert_eq!(classify("failed", "4.4.7"), DsnClass::Soft);
        assert_eq!(classify("delayed", "4.4.1"), DsnClass::Soft);
        assert_eq!(classify("delivered", "2.0.0"), DsnClass::Other);
        assert_eq!(classify("failed", ""), DsnClass::Other);
        assert_eq!(classify("failed", "5.x.1"), DsnClass::Other);
        assert_eq!(status_class("5.1.10"), Some(5));
        assert_eq!(status_class("9.1.1"), None);
    }

    #[test]
    fn groups_unfold_and_split() {
        let body = "Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822;\r\n  a@x.nl\r\nAction: failed\r\nStatus: 5.1.1\r\n \r\nFinal-Recipient: rfc822; <b@y.nl>\nAction: delayed\nStatus: 4.4.1 (timeout)\n";
        let r = recipients(body);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].final_recipient, "a@x.nl");
        assert_eq!(r[0].class, DsnClass::HardBounce);
        assert_eq!(r[1].final_recipient, "b@y.nl");
        assert_eq!(r[1].status, "4.4.1");
        assert_eq!(r[1].class, DsnClass::Soft);
        assert!(recipients("garbage\0\n\n::\n").is_empty());
    }
}
