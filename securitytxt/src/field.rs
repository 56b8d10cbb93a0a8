//! Fields: the [`FieldKind`]s RFC 9116 defines (and the CSAF field), and typed access to values.

use crate::diagnostic::Span;
use crate::expires::{ExpiresError, parse_rfc3339};
use crate::uri::{self, Uri, UriError};
use chrono::{DateTime, Utc};
use std::borrow::Cow;

/// Which field a line holds. Names compare case-insensitively (RFC 9116 section 2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FieldKind {
    /// `Contact` (section 2.5.3): a URI to report vulnerabilities to; at least one required.
    Contact,
    /// `Expires` (section 2.5.5): when the file stops being valid; exactly one required.
    Expires,
    /// `Encryption` (section 2.5.4): where to find a key for encrypted reports.
    Encryption,
    /// `Acknowledgments` (section 2.5.1): a page thanking reporters.
    Acknowledgments,
    /// `Preferred-Languages` (section 2.5.8): comma-separated language tags; at most once.
    PreferredLanguages,
    /// `Canonical` (section 2.5.2): where the file is meant to live.
    Canonical,
    /// `Policy` (section 2.5.7): the disclosure policy.
    Policy,
    /// `Hiring` (section 2.5.6): security jobs.
    Hiring,
    /// `CSAF` (CSAF 2.0 section 7.1.8): the provider-metadata.json of a CSAF provider.
    Csaf,
    /// Any other field (kept, and reported as a notice).
    Unknown,
}

impl FieldKind {
    /// The known kinds, in the order the writer emits them.
    pub const KNOWN: [FieldKind; 9] = [
        FieldKind::Contact,
        FieldKind::Expires,
        FieldKind::Encryption,
        FieldKind::Acknowledgments,
        FieldKind::PreferredLanguages,
        FieldKind::Canonical,
        FieldKind::Policy,
        FieldKind::Hiring,
        FieldKind::Csaf,
    ];

    /// The kind of a field name (case-insensitive).
    pub fn from_name(name: &str) -> FieldKind {
        // By length and first letter, then one comparison with the lower-case name.
        let b = name.as_bytes();
        match (b.len(), b.first().map_or(0, |c| c | 0x20)) {
            (4, b'c') if eq_folded(b, b"csaf") => FieldKind::Csaf,
            (6, b'p') if eq_folded(b, b"policy") => FieldKind::Policy,
            (6, b'h') if eq_folded(b, b"hiring") => FieldKind::Hiring,
            (7, b'c') if eq_folded(b, b"contact") => FieldKind::Contact,
            (7, b'e') if eq_folded(b, b"expires") => FieldKind::Expires,
            (9, b'c') if eq_folded(b, b"canonical") => FieldKind::Canonical,
            (10, b'e') if eq_folded(b, b"encryption") => FieldKind::Encryption,
            (15, b'a') if eq_folded(b, b"acknowledgments") => FieldKind::Acknowledgments,
            (19, b'p') if eq_folded(b, b"preferred-languages") => FieldKind::PreferredLanguages,
            _ => FieldKind::Unknown,
        }
    }

    /// The name as the RFC spells it (`""` for [`FieldKind::Unknown`]).
    pub const fn name(self) -> &'static str {
        match self {
            FieldKind::Contact => "Contact",
            FieldKind::Expires => "Expires",
            FieldKind::Encryption => "Encryption",
            FieldKind::Acknowledgments => "Acknowledgments",
            FieldKind::PreferredLanguages => "Preferred-Languages",
            FieldKind::Canonical => "Canonical",
            FieldKind::Policy => "Policy",
            FieldKind::Hiring => "Hiring",
            FieldKind::Csaf => "CSAF",
            FieldKind::Unknown => "",
        }
    }

    /// `true` for the fields whose value is one URI.
    pub fn holds_uri(self) -> bool {
        !matches!(
            self,
            FieldKind::Expires | FieldKind::PreferredLanguages | FieldKind::Unknown
        )
    }
}

/// One field line: `Name: value`, with the spans of name and value.
///
/// `name` is as written; `value` has the whitespace around it removed. For a dash-escaped line
/// of a signed file, the spans point past the `- ` prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Field<'a> {
    /// Which field, from the name.
    pub kind: FieldKind,
    /// The field name as written.
    pub name: Cow<'a, str>,
    /// The value, without surrounding whitespace.
    pub value: Cow<'a, str>,
    /// Where the name is.
    pub name_span: Span,
    /// Where the value is.
    pub value_span: Span,
}

impl<'a> Field<'a> {
    /// The value as a URI, for fields that hold one ([`FieldKind::holds_uri`]).
    pub fn uri(&self) -> Option<Result<Uri<'_>, UriError>> {
        self.kind.holds_uri().then(|| uri::parse_uri(&self.value))
    }

    /// The value as a date-time, for `Expires`.
    pub fn expires(&self) -> Option<Result<DateTime<Utc>, ExpiresError>> {
        (self.kind == FieldKind::Expires).then(|| parse_rfc3339(&self.value))
    }

    /// The language tags of `Preferred-Languages` (trimmed, empty entries kept), or nothing.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        let value: &str = if self.kind == FieldKind::PreferredLanguages {
            &self.value
        } else {
            ""
        };
        value
            .split(',')
            .map(str::trim)
            .filter(move |_| !value.is_empty())
    }

    /// A copy that owns its text.
    pub fn into_owned(self) -> Field<'static> {
        Field {
            kind: self.kind,
            name: Cow::Owned(self.name.into_owned()),
            value: Cow::Owned(self.value.into_owned()),
            name_span: self.name_span,
            value_span: self.value_span,
        }
    }
}

/// `true` when `name` equals `lower` (lower-case letters and `-`) ignoring ASCII case. The
/// length is known at compile time, so the comparison is unrolled: a letter matches either
/// case (`c | 0x20`), any other byte only itself.
#[inline(always)]
pub(crate) fn eq_folded<const N: usize>(name: &[u8], lower: &[u8; N]) -> bool {
    let Ok(name) = <&[u8; N]>::try_from(name) else {
        return false;
    };
    let mut diff = 0u8;
    // Indices below N into two [u8; N]: in bounds, and unrolled better than a zip.
    for i in 0..N {
        let fold = if lower[i].is_ascii_lowercase() {
            0x20
        } else {
            0
        };
        diff |= (name[i] | fold) ^ lower[i];
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_case_insensitively() {
        assert_eq!(FieldKind::from_name("contact"), FieldKind::Contact);
        assert_eq!(
            FieldKind::from_name("PREFERRED-LANGUAGES"),
            FieldKind::PreferredLanguages
        );
        assert_eq!(FieldKind::from_name("csaf"), FieldKind::Csaf);
        assert_eq!(FieldKind::from_name("Contacts"), FieldKind::Unknown);
        // Only letters fold: '-' | 0x20 is '-', but a CR (0x0D) must not pass for it.
        assert_eq!(
            FieldKind::from_name("Preferred\rLanguages"),
            FieldKind::Unknown
        );
        assert_eq!(FieldKind::from_name("Contac\u{7f}"), FieldKind::Unknown);
        assert_eq!(FieldKind::from_name("CSA\u{6}"), FieldKind::Unknown);
        assert_eq!(FieldKind::from_name(""), FieldKind::Unknown);
        for k in FieldKind::KNOWN {
            assert_eq!(FieldKind::from_name(k.name()), k);
        }
    }
}
