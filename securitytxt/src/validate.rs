//! The rules of RFC 9116 over a parsed [`Document`]: [`validate`] returns every finding.

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::expires::parse_rfc3339;
use crate::field::{Field, FieldKind, eq_folded};
use crate::language::is_language_tag;
use crate::parse::Document;
use crate::uri::{self, Uri, UriErrorKind};
use chrono::{DateTime, Months, TimeDelta, Utc};
use std::borrow::Cow;

/// What [`validate`] needs to know besides the file: the time, and where the file came from.
///
/// Strict RFC mode is the default. Build with [`Options::new`] and the `with_*`/`without_*`
/// methods.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The current time, for `expired` and `long_expiry`.
    pub now: DateTime<Utc>,
    /// The URLs the file was fetched from, first request to last redirect. When not empty and
    /// the file has `Canonical` fields, one of them must match one of these URLs
    /// (`no_canonical_match`).
    pub fetched_from: Vec<String>,
    /// Report fields this crate does not know as `unknown_field` notices (default: yes).
    pub unknown_field_notices: bool,
    /// Strict RFC mode (default: yes). Off ([`Options::lenient`]), blank lines after
    /// `-----END PGP SIGNATURE-----`, which gpg accepts but RFC 9116's `signed` grammar does
    /// not, are a recommendation instead of an error (`too_many_line_separators`).
    pub strict: bool,
}

impl Options {
    /// Strict options at time `now`, with no fetch URLs.
    pub fn new(now: DateTime<Utc>) -> Options {
        Options {
            now,
            fetched_from: Vec::new(),
            unknown_field_notices: true,
            strict: true,
        }
    }

    /// Sets the URL chain the file was fetched from (first request to last redirect).
    pub fn with_fetched_from<I, S>(mut self, urls: I) -> Options
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fetched_from = urls.into_iter().map(Into::into).collect();
        self
    }

    /// Leaves strict RFC mode: see [`Options::strict`].
    pub fn lenient(mut self) -> Options {
        self.strict = false;
        self
    }

    /// Stops reporting unknown fields as notices.
    pub fn without_unknown_field_notices(mut self) -> Options {
        self.unknown_field_notices = false;
        self
    }
}

/// Schemes that run code or embed content: never acceptable in a security.txt.
const UNSAFE_SCHEMES: &[&str] = &["javascript", "data", "vbscript", "file", "blob"];

/// Checks a parsed document against RFC 9116, returning the parser's findings and the
/// validator's, ordered by line (findings about the whole file last).
///
/// The file is valid when none has severity [`Error`](crate::Severity::Error); see
/// [`is_valid`](crate::is_valid).
pub fn validate(doc: &Document<'_>, options: &Options) -> Vec<Diagnostic> {
    let mut out = doc.syntax_diagnostics().to_vec();
    if let Some(parts) = doc.signature() {
        check_signature_packets(doc, parts, options, &mut out);
    }
    let mut contacts = 0usize;
    let mut email_contact = false;
    let mut encryption = 0usize;
    let mut expires = 0usize;
    let mut langs = 0usize;
    let mut csaf = 0usize;
    let mut canonical: Option<&Field<'_>> = None;
    let mut canonical_matched = false;
    for f in doc.fields() {
        match f.kind {
            FieldKind::Expires => {
                expires += 1;
                if expires > 1 {
                    out.push(Diagnostic::new(
                        Code::MultiExpire,
                        Some(f.name_span),
                        "'Expires' must not appear more than once",
                    ));
                } else {
                    check_expires(f, options.now, &mut out);
                }
            }
            FieldKind::PreferredLanguages => {
                langs += 1;
                if langs > 1 {
                    out.push(Diagnostic::new(
                        Code::MultiLang,
                        Some(f.name_span),
                        "'Preferred-Languages' must not appear more than once",
                    ));
                }
                check_languages(f, &mut out);
            }
            FieldKind::Unknown => {
                if options.unknown_field_notices {
                    out.push(unknown_field(f));
                }
            }
            kind => {
                let uri = check_uri(f, &mut out);
                match kind {
                    FieldKind::Contact => {
                        contacts += 1;
                        // A value that is a URI holds a ':', so it is never a bare address.
                        let email = match &uri {
                            Some((scheme, _)) => *scheme == Scheme::Mailto,
                            None => {
                                let v: &str = &f.value;
                                v.get(..7)
                                    .is_some_and(|p| p.eq_ignore_ascii_case("mailto:"))
                                    || looks_like_email(v)
                            }
                        };
                        email_contact |= email;
                    }
                    FieldKind::Encryption => encryption += 1,
                    FieldKind::Csaf => {
                        csaf += 1;
                        if csaf > 1 {
                            out.push(Diagnostic::new(
                                Code::MultipleCsafFields,
                                Some(f.name_span),
                                "more than one 'CSAF' field: keep one where possible",
                            ));
                        }
                        if let Some((_, false)) = uri {
                            out.push(Diagnostic::new(
                                Code::NoCsafFile,
                                Some(f.value_span),
                                "'CSAF' must be an https URL ending in 'provider-metadata.json'",
                            ));
                        }
                    }
                    FieldKind::Canonical => {
                        if canonical.is_none() {
                            canonical = Some(f);
                        }
                        if !options.fetched_from.is_empty()
                            && matches_any(&f.value, &options.fetched_from)
                        {
                            canonical_matched = true;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    if contacts == 0 {
        out.push(Diagnostic::new(
            Code::NoContact,
            None,
            "'Contact' must appear at least once",
        ));
    }
    if expires == 0 {
        out.push(Diagnostic::new(
            Code::NoExpire,
            None,
            "'Expires' must be present",
        ));
    }
    if email_contact && encryption == 0 {
        out.push(Diagnostic::new(
            Code::NoEncryption,
            None,
            "'Encryption' should be present when 'Contact' holds an e-mail address",
        ));
    }
    if let Some(c) = canonical
        && !options.fetched_from.is_empty()
        && !canonical_matched
    {
        out.push(Diagnostic::new(
            Code::NoCanonicalMatch,
            Some(c.value_span),
            "no 'Canonical' field matches the URL the file was fetched from",
        ));
    }
    if !doc.is_signed() {
        out.push(Diagnostic::new(
            Code::NotSigned,
            None,
            "the file should be digitally signed (OpenPGP cleartext)",
        ));
    } else if canonical.is_none() {
        out.push(Diagnostic::new(
            Code::NoCanonical,
            None,
            "a signed file should have a 'Canonical' field",
        ));
    }
    out.sort_by_key(|d| d.span.map_or((u32::MAX, usize::MAX), |s| (s.line, s.start)));
    out
}

fn check_expires(f: &Field<'_>, now: DateTime<Utc>, out: &mut Vec<Diagnostic>) {
    match parse_rfc3339(&f.value) {
        Err(e) => {
            let start = f.value_span.start + e.offset.min(f.value.len());
            let span = Span {
                column: f.value_span.column + (start - f.value_span.start) as u32,
                start,
                end: f.value_span.end,
                ..f.value_span
            };
            out.push(Diagnostic::new(
                Code::InvalidExpiry,
                Some(span),
                format!(
                    "'Expires' must be an RFC 3339 date-time such as 2027-01-31T23:59:59Z: {}",
                    e.reason
                ),
            ));
        }
        Ok(t) if t <= now => {
            out.push(Diagnostic::new(
                Code::Expired,
                Some(f.value_span),
                "the date in 'Expires' has passed",
            ));
        }
        Ok(t) => {
            // A year on (the 365-day fallback is computed only when it is needed).
            let year = now
                .checked_add_months(Months::new(12))
                .or_else(|| now.checked_add_signed(TimeDelta::days(365)))
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
            if t > year {
                out.push(Diagnostic::new(
                    Code::LongExpiry,
                    Some(f.value_span),
                    "'Expires' should be less than a year into the future",
                ));
            }
        }
    }
}

fn check_languages(f: &Field<'_>, out: &mut Vec<Diagnostic>) {
    let value: &str = &f.value;
    let mut offset = 0;
    for item in value.split(',') {
        let lead = item.len() - item.trim_start().len();
        let tag = item.trim();
        if !is_language_tag(tag) {
            let start = f.value_span.start + offset + lead;
            let span = Span {
                column: f.value_span.column + (offset + lead) as u32,
                start,
                end: start + tag.len(),
                ..f.value_span
            };
            let message = if tag.is_empty() {
                Cow::Borrowed(
                    "'Preferred-Languages' has an empty entry: separate language tags with single commas",
                )
            } else {
                Cow::Owned(format!(
                    "{tag:?} is not a language tag (RFC 5646), such as 'en' or 'nl'"
                ))
            };
            out.push(Diagnostic::new(Code::InvalidLang, Some(span), message));
        }
        offset += item.len() + 1;
    }
}

/// What [`check_uri`] needs to know about a scheme, found with one comparison.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Http,
    Https,
    Mailto,
    /// One of [`UNSAFE_SCHEMES`].
    Unsafe,
    Other,
}

impl Scheme {
    fn of(scheme: &str) -> Scheme {
        let b = scheme.as_bytes();
        match b.len() {
            4 if eq_folded(b, b"http") => Scheme::Http,
            5 if eq_folded(b, b"https") => Scheme::Https,
            6 if eq_folded(b, b"mailto") => Scheme::Mailto,
            4 | 8 | 10
                if UNSAFE_SCHEMES
                    .iter()
                    .any(|s| s.as_bytes().eq_ignore_ascii_case(b)) =>
            {
                Scheme::Unsafe
            }
            _ => Scheme::Other,
        }
    }
}

/// Checks the value of a URI field; when it is one acceptable URI, returns its scheme and, for
/// `CSAF`, whether it names a provider-metadata.json ([`is_csaf_file`]).
fn check_uri(f: &Field<'_>, out: &mut Vec<Diagnostic>) -> Option<(Scheme, bool)> {
    let value: &str = &f.value;
    let span = Some(f.value_span);
    // A URI that parses holds no whitespace (no URI character class allows it), so the
    // whitespace scan below is needed only when parsing fails.
    let parsed = uri::parse_noting_colon(value);
    if parsed.is_err() && value.bytes().any(|b| b == b' ' || b == b'\t') {
        let uris = value
            .split_whitespace()
            .filter(|p| looks_like_uri(p))
            .count();
        let (code, message) = if uris >= 2 {
            (
                Code::MultipleUris,
                "the value holds more than one URI: write one field per URI",
            )
        } else {
            (
                Code::InvalidUri,
                "the URI holds whitespace: percent-encode it (%20)",
            )
        };
        out.push(Diagnostic::new(code, span, message));
        return None;
    }
    // The scheme is what precedes the first colon, parsed or not.
    let scheme_text = match &parsed {
        Ok((u, _)) => Some(u.scheme),
        Err(_) => value.split_once(':').map(|(scheme, _)| scheme),
    };
    let scheme = scheme_text.map_or(Scheme::Other, Scheme::of);
    if let (Some(text), Scheme::Unsafe) = (scheme_text, scheme) {
        out.push(Diagnostic::new(
            Code::UnsafeScheme,
            span,
            format!(
                "the '{}:' scheme is not allowed in security.txt",
                text.to_ascii_lowercase()
            ),
        ));
        return None;
    }
    let (parsed, colon_after) = match parsed {
        Ok(parsed) => parsed,
        Err(e) if e.kind == UriErrorKind::NoScheme => {
            if f.kind == FieldKind::Contact && looks_like_email(value) {
                // `sectxt`'s code for this is `no_uri`; ours says which fix applies.
                out.push(Diagnostic::new(
                    Code::NoUri,
                    span,
                    format!(
                        "the value must be a URI: write the e-mail address as 'mailto:{value}'"
                    ),
                ));
                out.push(Diagnostic::new(
                    Code::BareEmail,
                    span,
                    format!("a bare e-mail address: write 'mailto:{value}'"),
                ));
            } else {
                out.push(Diagnostic::new(
                    Code::NoUri,
                    span,
                    "the value must be a URI (beginning with e.g. 'https://' or 'mailto:')",
                ));
            }
            return None;
        }
        Err(e) => {
            let start = f.value_span.start + e.offset;
            let at = Span {
                column: f.value_span.column + e.offset as u32,
                start,
                end: (start + 1).min(f.value_span.end),
                ..f.value_span
            };
            out.push(Diagnostic::new(
                Code::InvalidUri,
                Some(at),
                format!("not a valid URI: {}", e.kind.message()),
            ));
            return None;
        }
    };
    // Another URI can only start at a ':' after the scheme's own.
    if colon_after && second_uri(value) {
        out.push(Diagnostic::new(
            Code::MultipleUris,
            span,
            "the value holds more than one URI: write one field per URI",
        ));
        return None;
    }
    match scheme {
        Scheme::Http => {
            out.push(Diagnostic::new(
                Code::NoHttps,
                span,
                "a web URI must begin with 'https://'",
            ));
            return None;
        }
        Scheme::Https if parsed.host().is_none_or(str::is_empty) => {
            out.push(Diagnostic::new(
                Code::InvalidUri,
                span,
                "an https URI must have a host",
            ));
            return None;
        }
        Scheme::Mailto => {
            // The usual `mailto:` is one plain address with nothing to decode and no header
            // fields: one pass over it settles it.
            let plain = parsed.query.is_none() && is_plain_addr_spec(parsed.path.as_bytes());
            if !plain {
                let addr = parsed.path.split(',').next().unwrap_or("");
                if !addr.contains('@') && !addr.contains("%40") {
                    out.push(Diagnostic::new(
                        Code::InvalidUri,
                        span,
                        "a 'mailto:' URI must hold an e-mail address",
                    ));
                    return None;
                }
                if let Some(problem) = mailto_problem(&parsed) {
                    out.push(Diagnostic::new(Code::InvalidMailto, span, problem));
                    return None;
                }
            }
        }
        _ => {}
    }
    let csaf_file = f.kind == FieldKind::Csaf && is_csaf_file(&parsed, scheme);
    Some((scheme, csaf_file))
}

/// Reports problems in the OpenPGP packets of a framed signature (`pgp_error`), unless the
/// parser already found the block broken; and, outside strict mode, lowers blank lines after
/// the signature to a recommendation.
fn check_signature_packets(
    doc: &Document<'_>,
    parts: &crate::SignedParts<'_>,
    options: &Options,
    out: &mut Vec<Diagnostic>,
) {
    let sig_start = parts.span.end.saturating_sub(parts.armored_signature.len());
    if !options.strict {
        for d in out.iter_mut() {
            if d.code == Code::TooManyLineSeparators
                && d.span.is_some_and(|s| s.start > parts.span.end)
            {
                d.severity = crate::Severity::Recommendation;
            }
        }
    }
    let block_reported = out
        .iter()
        .any(|d| d.code == Code::PgpDataError && d.span.is_some_and(|s| s.start >= sig_start));
    if block_reported {
        return;
    }
    if let Err(reason) = crate::verify::inspect_signature(parts) {
        let lines = doc.lines();
        let at = lines.partition_point(|l| l.span.start < sig_start);
        let span = lines.get(at).map(|l| l.span).or(Some(parts.span));
        out.push(Diagnostic::new(
            Code::PgpError,
            span,
            format!("the OpenPGP signature cannot be read: {reason}"),
        ));
    }
}

/// Why a `mailto:` URI is not a list of RFC 5322 addr-specs with safe header fields, if it is
/// not: each address (split at ',') percent-decoded must be an addr-spec, and no decoded
/// header field value other than `body` may hold a control character (RFC 6068 section 5:
/// CR and LF may appear only in the body).
fn mailto_problem(u: &Uri<'_>) -> Option<String> {
    for addr in u.path.split(',') {
        let decoded = crate::uri::percent_decode(addr);
        if let Err(why) = addr_spec(&decoded) {
            return Some(format!(
                "the 'mailto:' address {:?} is not an e-mail address (RFC 5322 addr-spec): {why}",
                String::from_utf8_lossy(&decoded)
            ));
        }
    }
    for field in u.query.unwrap_or("").split('&') {
        let (name, value) = field.split_once('=').unwrap_or((field, ""));
        if name.eq_ignore_ascii_case("body") {
            continue;
        }
        let value = crate::uri::percent_decode(value);
        if let Some(&c) = value.iter().find(|&&b| b < 0x20 || b == 0x7f) {
            return Some(format!(
                "the 'mailto:' header field {name:?} holds the control character 0x{c:02X} (header injection)"
            ));
        }
    }
    None
}

/// RFC 5322 `atext` (with the UTF-8 bytes RFC 6532 allows), by byte.
const ATEXT: [bool; 256] = {
    let mut table = [false; 256];
    let specials = b"!#$%&'*+-/=?^_`{|}~";
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut special = false;
        let mut k = 0;
        while k < specials.len() {
            special |= specials[k] == b;
            k += 1;
        }
        table[i] = b.is_ascii_alphanumeric() || b >= 0x80 || special;
        i += 1;
    }
    table
};

/// `dot-atom-text`: runs of atext separated by single dots, in one pass.
fn is_dot_atom(s: &[u8]) -> bool {
    let mut after_dot = true;
    for &b in s {
        if b == b'.' {
            if after_dot {
                return false;
            }
            after_dot = true;
        } else if ATEXT[usize::from(b)] {
            after_dot = false;
        } else {
            return false;
        }
    }
    !after_dot
}

/// Checks an RFC 5322 section 3.4.1 `addr-spec` (`local-part "@" domain`, without comments or
/// folding whitespace): the local part a dot-atom or a quoted string, the domain a dot-atom or
/// a domain literal.
fn addr_spec(a: &[u8]) -> Result<(), &'static str> {
    if is_plain_addr_spec(a) {
        Ok(())
    } else {
        addr_spec_problem(a)
    }
}

/// `true` for the usual address, `dot-atom "@" dot-atom` without `%`, found in one pass (so
/// that the undecoded text of a `mailto:` can be judged as it stands); anything else (quoted
/// local part, domain literal, percent-encoding, or a fault) goes to [`addr_spec_problem`].
fn is_plain_addr_spec(a: &[u8]) -> bool {
    let (mut after_dot, mut at) = (true, false);
    for &b in a {
        if ATEXT[usize::from(b)] && b != b'%' {
            after_dot = false;
        } else if (b == b'.' || b == b'@') && !after_dot {
            if b == b'@' {
                if at {
                    return false;
                }
                at = true;
            }
            after_dot = true;
        } else {
            return false;
        }
    }
    at && !after_dot
}

/// The checks of [`addr_spec`] one by one, saying what is wrong.
fn addr_spec_problem(a: &[u8]) -> Result<(), &'static str> {
    if let Some(&c) = a.iter().find(|&&b| b < 0x20 || b == 0x7f) {
        return Err(if c == b'\r' || c == b'\n' {
            "it holds a line break (CR or LF), which would inject mail headers"
        } else {
            "it holds a control character"
        });
    }
    let at = if a.first() == Some(&b'"') {
        // quoted-string: qtext or quoted-pair up to the closing quote, then '@'
        let mut i = 1;
        loop {
            match a.get(i) {
                None => return Err("the quoted local part has no closing quote"),
                Some(b'\\') if a.get(i + 1).is_some() => i += 2,
                Some(b'"') => break i + 1,
                Some(_) => i += 1,
            }
        }
    } else {
        a.iter().position(|&b| b == b'@').unwrap_or(a.len())
    };
    if a.get(at) != Some(&b'@') {
        return Err("it has no '@' after the local part");
    }
    let (local, domain) = (
        a.get(..at).unwrap_or_default(),
        a.get(at + 1..).unwrap_or_default(),
    );
    if local.is_empty() {
        return Err("the part before '@' is empty");
    }
    if domain.contains(&b'@') {
        return Err("it holds more than one '@'");
    }
    if local.first() != Some(&b'"') && !is_dot_atom(local) {
        return Err(
            "the part before '@' is not a dot-atom (a space, two dots in a row or a special character)",
        );
    }
    if domain.is_empty() {
        return Err("the domain after '@' is empty");
    }
    let domain_ok = match domain.strip_prefix(b"[").and_then(|d| d.strip_suffix(b"]")) {
        Some(literal) => literal
            .iter()
            .all(|&b| (33..=90).contains(&b) || (94..=126).contains(&b)),
        None => is_dot_atom(domain),
    };
    if !domain_ok {
        return Err("the domain after '@' is not a domain name or address literal");
    }
    Ok(())
}

/// `true` when another URI starts after the first character (`https://a,https://b`).
fn second_uri(value: &str) -> bool {
    let b = value.as_bytes();
    b.iter()
        .enumerate()
        .skip(1)
        .filter(|&(_, &c)| c == b':')
        .any(|(i, _)| {
            let head = b.get(..i).unwrap_or_default();
            [&b"http"[..], b"https", b"mailto"].iter().any(|scheme| {
                head.len() > scheme.len()
                    && head
                        .get(head.len() - scheme.len()..)
                        .is_some_and(|h| h.eq_ignore_ascii_case(scheme))
                    && head
                        .get(head.len() - scheme.len() - 1)
                        .is_some_and(|&sep| matches!(sep, b',' | b';' | b'|'))
            })
        })
}

/// A URI a person would have meant as one: a web URL or a `mailto:`/`tel:` URI.
fn looks_like_uri(s: &str) -> bool {
    uri::parse_uri(s)
        .is_ok_and(|u| u.authority.is_some() || u.has_scheme("mailto") || u.has_scheme("tel"))
}

fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !value.contains([':', '/', ' ', '<', '>'])
}

fn is_csaf_file(u: &Uri<'_>, scheme: Scheme) -> bool {
    scheme == Scheme::Https
        && u.path.ends_with("/provider-metadata.json")
        && u.host().is_some_and(|h| !h.is_empty())
}

fn matches_any(canonical: &str, urls: &[String]) -> bool {
    let Ok(c) = uri::parse_uri(canonical) else {
        return false;
    };
    let c = c.normalized();
    urls.iter().any(|u| match uri::parse_uri(u) {
        Ok(u) => u.normalized() == c,
        Err(_) => u == canonical,
    })
}

/// The `unknown_field` notice, with a hint when the name is close to a known one.
fn unknown_field(f: &Field<'_>) -> Diagnostic {
    let name: &str = &f.name;
    let chars = char_set(name.as_bytes());
    let hint = FieldKind::KNOWN
        .iter()
        .zip(KNOWN_CHAR_SETS)
        .filter(|(k, _)| k.name().len().abs_diff(name.len()) <= 2)
        // Each character of one name missing from the other costs at least one edit, so
        // names with more than two such characters are not compared further.
        .filter(|&(_, known)| {
            (chars & !known).count_ones() <= 2 && (known & !chars).count_ones() <= 2
        })
        .map(|(k, _)| (k, edit_distance(name, k.name(), 2)))
        .filter(|&(_, d)| d <= 2)
        .min_by_key(|&(_, d)| d)
        .map(|(k, _)| k.name())
        .or_else(|| {
            let is = |alias: &[&str]| alias.iter().any(|a| a.eq_ignore_ascii_case(name));
            if is(&[
                "expiry",
                "expiration",
                "expire",
                "expiry-date",
                "valid-until",
            ]) {
                Some("Expires")
            } else if is(&["language", "languages", "preferred-language"]) {
                Some("Preferred-Languages")
            } else if is(&["email", "e-mail", "mail"]) {
                Some("Contact")
            } else if is(&["key", "pgp-key", "pgp"]) {
                Some("Encryption")
            } else {
                None
            }
        });
    // Built by hand: one allocation of the right size, no formatting machinery (there may
    // be hundreds of these in one file).
    let parts: [&str; 4] = match hint {
        Some(k) => ["unknown field '", name, "': did you mean '", k],
        None => ["unknown field '", name, "': readers ignore it", ""],
    };
    let tail = if hint.is_some() { "'?" } else { "" };
    let mut message = String::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + 2);
    for p in parts {
        message.push_str(p);
    }
    message.push_str(tail);
    Diagnostic::new(Code::UnknownField, Some(f.name_span), message)
}

/// The set of bytes of `s`, ASCII case folded, as bits (bytes are taken modulo 128: a
/// collision can only make two sets look closer than they are).
const fn char_set(mut s: &[u8]) -> u128 {
    let mut set = 0;
    while let [b, rest @ ..] = s {
        set |= 1u128 << (b.to_ascii_lowercase() & 127);
        s = rest;
    }
    set
}

/// [`char_set`] of each name of [`FieldKind::KNOWN`], in that order.
const KNOWN_CHAR_SETS: [u128; FieldKind::KNOWN.len()] = {
    let mut sets = [0; FieldKind::KNOWN.len()];
    let mut i = 0;
    while i < sets.len() {
        sets[i] = char_set(FieldKind::KNOWN[i].name().as_bytes());
        i += 1;
    }
    sets
};

/// Most bytes of a name [`edit_distance`] compares; longer names are never close.
const MAX_HINT_NAME: usize = 40;

/// Levenshtein distance over bytes, ignoring ASCII case, without allocating. Distances above
/// `limit` are not told apart: the comparison stops as soon as every path is longer than
/// `limit` and returns `limit + 1` (a row's minimum never decreases in the rows after it).
fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > MAX_HINT_NAME || b.len() > MAX_HINT_NAME {
        return usize::MAX;
    }
    let mut prev = [0usize; MAX_HINT_NAME + 1];
    let mut cur = [0usize; MAX_HINT_NAME + 1];
    for (j, p) in prev.iter_mut().enumerate() {
        *p = j;
    }
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(!ca.eq_ignore_ascii_case(&cb));
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return limit.saturating_add(1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()].min(limit.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::{KNOWN_CHAR_SETS, char_set, edit_distance};
    use crate::field::FieldKind;
    use proptest::prelude::*;

    #[test]
    fn atext_is_rfc_5322_atext_and_utf8() {
        for b in 0..=255u8 {
            let want =
                b.is_ascii_alphanumeric() || b >= 0x80 || b"!#$%&'*+-/=?^_`{|}~".contains(&b);
            assert_eq!(super::ATEXT[usize::from(b)], want, "{b:#04x}");
        }
        assert!(super::is_dot_atom(b"a.b-c"));
        for (addr, plain) in [
            (&b"a@b"[..], true),
            (b"a.b@c.d", true),
            (b"@b", false),
            (b"a@", false),
            (b"a.@b", false),
            (b"a@b.", false),
            (b"a@@b", false),
            (b"a@b@c", false),
            (b"a", false),
            (b"a%40b@c", false),
            (b"\"a b\"@c", false),
        ] {
            assert_eq!(super::is_plain_addr_spec(addr), plain, "{addr:?}");
            // The fast path never accepts what the full check refuses.
            if plain {
                assert_eq!(super::addr_spec_problem(addr), Ok(()));
            }
        }
        assert_eq!(super::addr_spec(b"\"a b\"@c"), Ok(()));
        for bad in [&b""[..], b".a", b"a.", b"a..b", b"a b", b"a@b", b"a\"b"] {
            assert!(!super::is_dot_atom(bad), "{bad:?}");
        }
    }

    #[test]
    fn known_char_sets_are_the_names_sets() {
        for (k, set) in FieldKind::KNOWN.iter().zip(KNOWN_CHAR_SETS) {
            assert_eq!(char_set(k.name().as_bytes()), set);
            assert_eq!(char_set(k.name().to_uppercase().as_bytes()), set);
        }
    }

    proptest! {
        /// The character-set bound used to skip names never exceeds the edit distance, so
        /// skipping cannot lose a hint.
        #[test]
        fn char_set_bound_is_a_lower_bound(name in "[A-Za-z0-9-]{0,22}") {
            let set = char_set(name.as_bytes());
            for (k, known) in FieldKind::KNOWN.iter().zip(KNOWN_CHAR_SETS) {
                let bound = (set & !known).count_ones().max((known & !set).count_ones());
                prop_assert!(bound as usize <= edit_distance(&name, k.name(), usize::MAX));
            }
        }
    }

    #[test]
    fn edit_distance_counts_edits() {
        let exact = |a: &str, b: &str| edit_distance(a, b, usize::MAX);
        assert_eq!(exact("acknowledgements", "acknowledgments"), 1);
        assert_eq!(exact("contacts", "contact"), 1);
        assert_eq!(exact("expiry", "expires"), 2);
        assert_eq!(exact("", "abc"), 3);
        assert_eq!(exact("CONTACT", "contact"), 0);
        assert_eq!(exact("X-Extension-123", "Acknowledgments"), 15);
        assert_eq!(exact(&"x".repeat(41), "contact"), usize::MAX);
    }

    #[test]
    fn edit_distance_stops_past_the_limit() {
        assert_eq!(edit_distance("expiry", "expires", 2), 2);
        assert_eq!(edit_distance("expiry", "expires", 1), 2);
        assert_eq!(edit_distance("", "abc", 2), 3);
        assert_eq!(edit_distance("X-Extension-123", "Acknowledgments", 2), 3);
        assert_eq!(edit_distance("contacts", "contact", 2), 1);
    }
}
