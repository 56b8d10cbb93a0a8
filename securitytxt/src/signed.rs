//! The OpenPGP cleartext signature framework (RFC 4880 section 7, RFC 9580 section 7): framing
//! of a signed security.txt, and the parts a verifier needs.
//!
//! ```text
//! -----BEGIN PGP SIGNED MESSAGE-----
//! Hash: SHA512
//!
//! Contact: mailto:security@example.com
//! - -dash-escaped lines start with "- "
//! -----BEGIN PGP SIGNATURE-----
//!
//! iQIzBAEBCgAdFiEE...
//! -----END PGP SIGNATURE-----
//! ```
//!
//! The parser checks the framing (the BEGIN line first, at least one `Hash:` header, a blank
//! line, dash-escaping, a complete signature block, nothing after it) and records the parts in
//! [`SignedParts`]; checking the signature itself is [`verify`](crate::verify)'s job. An armor
//! line may end in spaces, tabs or a carriage return (RFC 4880 section 6.2; gpg ignores them
//! too); parser and verifier agree on that.

use crate::diagnostic::Span;
use std::borrow::Cow;

/// The first line of a signed file.
pub const BEGIN_SIGNED_MESSAGE: &str = "-----BEGIN PGP SIGNED MESSAGE-----";
/// The line that ends the signed text and starts the armored signature.
pub const BEGIN_SIGNATURE: &str = "-----BEGIN PGP SIGNATURE-----";
/// The last line of the armored signature.
pub const END_SIGNATURE: &str = "-----END PGP SIGNATURE-----";

/// The parts of a completely framed signed file, for verification.
///
/// Get it with [`Document::signature`](crate::Document::signature). It is present only when
/// the framing is complete (from the BEGIN line to the END line of the signature); framing
/// problems are reported as diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SignedParts<'a> {
    /// The values of the `Hash:` headers, split at commas (for example `["SHA512"]`).
    pub hash_algorithms: Vec<Cow<'a, str>>,
    /// The signed text with dash-escaping undone, exactly as in the file: original line endings,
    /// trailing whitespace kept, and without the line ending before
    /// `-----BEGIN PGP SIGNATURE-----` (which RFC 4880 excludes from the signed text).
    /// Borrowed from the input when no line was dash-escaped.
    /// [`SignedParts::canonical_text`] gives the bytes the signature is computed over.
    pub cleartext: Cow<'a, [u8]>,
    /// The armored signature, from `-----BEGIN PGP SIGNATURE-----` to
    /// `-----END PGP SIGNATURE-----` inclusive (without the final line ending).
    pub armored_signature: Cow<'a, [u8]>,
    /// The whole envelope, from the BEGIN line to the END line.
    pub span: Span,
    /// The signed text in the input (before dash-escapes were removed).
    pub cleartext_span: Span,
}

impl SignedParts<'_> {
    /// The signed text in the canonical form a text signature (type 0x01) is computed over:
    /// trailing spaces, tabs and carriage returns removed from every line (as gpg does, so a
    /// line ending `\r\r\n` or ` \r\t\n` loses all of them), every line ending written
    /// `\r\n`, no line ending after the last line (RFC 4880 section 7.1).
    pub fn canonical_text(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.cleartext.len() + 64);
        let mut first = true;
        for line in self.cleartext.split(|&b| b == b'\n') {
            if !first {
                out.extend_from_slice(b"\r\n");
            }
            first = false;
            out.extend_from_slice(trim_trailing_ws(line));
        }
        out
    }

    /// The signed text as a string (lossy where it is not UTF-8).
    pub fn cleartext_str(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.cleartext)
    }

    /// The armored signature as a string (lossy where it is not UTF-8).
    pub fn armored_signature_str(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.armored_signature)
    }

    /// A copy that owns its bytes.
    pub fn into_owned(self) -> SignedParts<'static> {
        SignedParts {
            hash_algorithms: self
                .hash_algorithms
                .into_iter()
                .map(|h| Cow::Owned(h.into_owned()))
                .collect(),
            cleartext: Cow::Owned(self.cleartext.into_owned()),
            armored_signature: Cow::Owned(self.armored_signature.into_owned()),
            span: self.span,
            cleartext_span: self.cleartext_span,
        }
    }
}

/// Undoes dash-escaping in `body`: every line starting with `- ` loses those two bytes.
pub(crate) fn unescape(body: &[u8]) -> Cow<'_, [u8]> {
    let escaped = body.starts_with(b"- ") || body.windows(3).any(|w| w == b"\n- ");
    if !escaped {
        return Cow::Borrowed(body);
    }
    let mut out = Vec::with_capacity(body.len());
    for (i, line) in body.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(line.strip_prefix(b"- ").unwrap_or(line));
    }
    Cow::Owned(out)
}

/// `true` when `line` is the armor line `armor`: RFC 4880 section 6.2 allows whitespace after
/// the closing dashes, and gpg ignores trailing spaces, tabs and carriage returns there. The
/// parser and the verifier both decide with this.
pub(crate) fn is_armor(line: &[u8], armor: &str) -> bool {
    trim_trailing_ws(line) == armor.as_bytes()
}

/// Removes trailing spaces, tabs and carriage returns.
pub(crate) fn trim_trailing_ws(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .rposition(|&b| !matches!(b, b' ' | b'\t' | b'\r'))
        .map_or(0, |i| i + 1);
    line.get(..end).unwrap_or(line)
}

/// `true` for a line that may appear inside an armored signature block: an armor header
/// (`Name: value`), a blank line, radix-64 data or the `=` checksum line.
pub(crate) fn is_armor_line(line: &str) -> bool {
    if let Some((name, _)) = line.split_once(": ") {
        return !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    }
    line.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b' ' | b'\t'))
}

/// Splits a `Hash:` header value at commas.
pub(crate) fn hash_values(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn armor_lines_may_end_in_whitespace() {
        assert!(is_armor(b"-----BEGIN PGP SIGNATURE-----", BEGIN_SIGNATURE));
        assert!(is_armor(
            b"-----BEGIN PGP SIGNATURE----- \t\r",
            BEGIN_SIGNATURE
        ));
        assert!(!is_armor(
            b" -----BEGIN PGP SIGNATURE-----",
            BEGIN_SIGNATURE
        ));
        assert!(!is_armor(
            b"-----BEGIN PGP SIGNATURE-----x",
            BEGIN_SIGNATURE
        ));
        assert!(!is_armor(b"-----BEGIN PGP SIGNATURE----", BEGIN_SIGNATURE));
    }

    #[test]
    fn canonical_text_uses_crlf_and_strips_trailing_whitespace() {
        let parts = SignedParts {
            hash_algorithms: vec![Cow::Borrowed("SHA256")],
            cleartext: Cow::Borrowed(b"a  \nb\t\r\n\nc"),
            armored_signature: Cow::Borrowed(b""),
            span: Span::default(),
            cleartext_span: Span::default(),
        };
        assert_eq!(parts.canonical_text(), b"a\r\nb\r\n\r\nc");
    }

    #[test]
    fn canonical_text_strips_every_trailing_carriage_return() {
        let parts = SignedParts {
            hash_algorithms: vec![Cow::Borrowed("SHA256")],
            cleartext: Cow::Borrowed(b"a\r\r\nb \r\t\r\n\r\r\nc\r"),
            armored_signature: Cow::Borrowed(b""),
            span: Span::default(),
            cleartext_span: Span::default(),
        };
        assert_eq!(parts.canonical_text(), b"a\r\nb\r\n\r\nc");
    }

    #[test]
    fn unescape_removes_dash_space_prefixes_only() {
        assert!(matches!(unescape(b"a\nb"), Cow::Borrowed(_)));
        assert_eq!(&*unescape(b"- -x\n- y\nz -\n-w"), b"-x\ny\nz -\n-w");
    }
}
