//! A ranked view of how to reach the publisher, for notifiers.
//!
//! [`Document::contact_view`] orders the `Contact` fields by how a notifier should use them:
//! e-mail addresses first (decoded from `mailto:`; a bare address, which the validator reports
//! as `bare_email`, is kept but flagged), then https forms, then telephone numbers. Fields in
//! the same rank keep the file's order. Values that are not usable (other schemes, `http:`,
//! malformed URIs) are left out.

use crate::field::FieldKind;
use crate::language::is_language_tag;
use crate::parse::Document;
use crate::uri;
use std::borrow::Cow;

/// How a contact is reached. Ordered by rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ContactKind {
    /// An e-mail address (from `mailto:`, or a bare address).
    Email,
    /// An https page or form.
    Web,
    /// A telephone number (from `tel:`).
    Phone,
}

/// One way to reach the publisher.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ContactPoint<'a> {
    /// How.
    pub kind: ContactKind,
    /// The address: a decoded e-mail address, the https URL, or the telephone number.
    pub address: Cow<'a, str>,
    /// The field value it came from.
    pub source: &'a str,
    /// 1-based line of the field.
    pub line: u32,
    /// `true` when the value breaks the RFC but was understood (a bare e-mail address).
    pub flagged: bool,
}

/// Contacts, languages and keys of a document, for notifiers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ContactView<'a> {
    /// Contacts, best first.
    pub contacts: Vec<ContactPoint<'a>>,
    /// Valid tags of the first `Preferred-Languages` field, in the file's order.
    pub preferred_languages: Vec<&'a str>,
    /// Values of the `Encryption` fields (where to find keys), in the file's order.
    pub encryption: Vec<&'a str>,
}

impl ContactView<'_> {
    /// The best e-mail address, if any.
    pub fn first_email(&self) -> Option<&str> {
        self.contacts
            .iter()
            .find(|c| c.kind == ContactKind::Email)
            .map(|c| &*c.address)
    }
}

/// Decodes `%XX` escapes (invalid escapes are kept as written; the result is lossy UTF-8).
fn percent_decode(s: &str) -> Cow<'_, str> {
    match crate::uri::percent_decode(s) {
        Cow::Borrowed(_) => Cow::Borrowed(s),
        Cow::Owned(bytes) => Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()),
    }
}

fn strip_scheme<'v>(value: &'v str, scheme: &str) -> Option<&'v str> {
    let head = value.get(..scheme.len())?;
    head.eq_ignore_ascii_case(scheme)
        .then(|| value.get(scheme.len()..).unwrap_or(""))
}

impl<'a> Document<'a> {
    /// The ranked contacts, preferred languages and encryption keys of this document.
    pub fn contact_view(&self) -> ContactView<'_> {
        let mut view = ContactView::default();
        for line in self.lines() {
            let crate::LineKind::Field(f) = &line.kind else {
                continue;
            };
            let value: &str = &f.value;
            match f.kind {
                FieldKind::Contact => {
                    let mut push = |kind, address, flagged| {
                        view.contacts.push(ContactPoint {
                            kind,
                            address,
                            source: value,
                            line: line.number,
                            flagged,
                        });
                    };
                    if let Some(rest) = strip_scheme(value, "mailto:") {
                        let addrs = rest.split('?').next().unwrap_or("");
                        for a in addrs.split(',') {
                            let decoded = percent_decode(a);
                            if decoded.contains('@') && !decoded.contains(char::is_whitespace) {
                                push(ContactKind::Email, decoded, false);
                            }
                        }
                    } else if uri::parse_uri(value).is_err()
                        && value
                            .split_once('@')
                            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
                        && !value.contains(char::is_whitespace)
                    {
                        push(ContactKind::Email, Cow::Borrowed(value), true);
                    } else if let Some(number) = strip_scheme(value, "tel:") {
                        let number = number.split(';').next().unwrap_or("");
                        if !number.is_empty() {
                            push(ContactKind::Phone, percent_decode(number), false);
                        }
                    } else if uri::parse_uri(value).is_ok_and(|u| {
                        u.has_scheme("https") && u.host().is_some_and(|h| !h.is_empty())
                    }) {
                        push(ContactKind::Web, Cow::Borrowed(value), false);
                    }
                }
                FieldKind::PreferredLanguages if view.preferred_languages.is_empty() => {
                    view.preferred_languages =
                        f.languages().filter(|t| is_language_tag(t)).collect();
                }
                FieldKind::Encryption => view.encryption.push(value),
                _ => {}
            }
        }
        // Stable: same-rank contacts keep the file's order; flagged e-mails after clean ones.
        view.contacts.sort_by_key(|c| (c.kind, c.flagged));
        view
    }
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%40b.c"), "a@b.c");
        assert_eq!(percent_decode("caf%C3%A9"), "caf\u{e9}");
        assert_eq!(percent_decode("bad%4"), "bad%4");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
