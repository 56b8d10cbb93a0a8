//! RFC 3986 URI syntax: a small, strict checker that splits a URI into borrowed parts.
//!
//! Only ASCII URIs are accepted (IRIs must be percent-encoded), as RFC 9116 asks for URIs.

use crate::field::eq_folded;
use std::fmt;

/// A syntactically valid URI, split into borrowed parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Uri<'a> {
    /// The scheme, as written (compare case-insensitively).
    pub scheme: &'a str,
    /// The authority (after `//`), if any.
    pub authority: Option<Authority<'a>>,
    /// The path (may be empty).
    pub path: &'a str,
    /// The query, without `?`.
    pub query: Option<&'a str>,
    /// The fragment, without `#`.
    pub fragment: Option<&'a str>,
}

/// The authority part of a URI: `userinfo@host:port`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Authority<'a> {
    /// The user information, without `@`.
    pub userinfo: Option<&'a str>,
    /// The host: a registered name, an IPv4 address or a bracketed IP literal (may be empty).
    pub host: &'a str,
    /// The port digits, without `:` (may be empty).
    pub port: Option<&'a str>,
}

/// Why a value is not a URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UriErrorKind {
    /// No `scheme:` at the start.
    NoScheme,
    /// A character not allowed at that place (a space, a non-ASCII character, `<`...).
    InvalidChar,
    /// `%` not followed by two hexadecimal digits.
    InvalidPercentEncoding,
    /// A malformed host (for example an unclosed `[`).
    InvalidHost,
    /// A port that is not all digits.
    InvalidPort,
}

/// A URI syntax error, with the byte offset in the value where it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct UriError {
    /// Byte offset in the value.
    pub offset: usize,
    /// What is wrong.
    pub kind: UriErrorKind,
}

impl UriErrorKind {
    /// A short English description.
    pub fn message(self) -> &'static str {
        match self {
            UriErrorKind::NoScheme => "the value has no URI scheme (such as 'https:' or 'mailto:')",
            UriErrorKind::InvalidChar => "the URI holds a character that must be percent-encoded",
            UriErrorKind::InvalidPercentEncoding => {
                "'%' must be followed by two hexadecimal digits"
            }
            UriErrorKind::InvalidHost => "the URI's host is malformed",
            UriErrorKind::InvalidPort => "the URI's port must be digits",
        }
    }
}

impl fmt::Display for UriError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.kind.message(), self.offset)
    }
}

impl std::error::Error for UriError {}

const UNRESERVED: u8 = 1;
const SUB_DELIM: u8 = 2;
const COLON: u8 = 4;
const AT: u8 = 8;
const SLASH: u8 = 16;
const QUESTION: u8 = 32;
/// A character of a scheme after its first letter: `ALPHA / DIGIT / "+" / "-" / "."`.
const SCHEME: u8 = 64;
const PCHAR: u8 = UNRESERVED | SUB_DELIM | COLON | AT;

/// The RFC 3986 character classes of every byte, as bits.
const CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut class = 0;
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            class |= UNRESERVED;
        }
        if matches!(
            b,
            b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
        ) {
            class |= SUB_DELIM;
        }
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.') {
            class |= SCHEME;
        }
        match b {
            b':' => class |= COLON,
            b'@' => class |= AT,
            b'/' => class |= SLASH,
            b'?' => class |= QUESTION,
            _ => {}
        }
        table[i] = class;
        i += 1;
    }
    table
};

fn class(b: u8) -> u8 {
    CLASS[usize::from(b)]
}

/// [`RUN`] bit: a scheme character after the first (`SCHEME`).
const RUN_SCHEME: u8 = 1;
/// [`RUN`] bit: a character of a registered name (`UNRESERVED | SUB_DELIM`).
const RUN_REG_NAME: u8 = 2;
/// [`RUN`] bit: a path character other than ':' (`PCHAR | SLASH`, less `COLON`).
const RUN_PATH: u8 = 4;
/// [`RUN`] bit: a query or fragment character other than ':' (`PCHAR | SLASH | QUESTION`,
/// less `COLON`).
const RUN_QUERY: u8 = 8;

/// For each byte, which runs of URI characters it may be part of, as bits: a byte is in a run
/// when its [`CLASS`] meets the run's classes. One bit per run lets eight bytes be checked at
/// once by ANDing their entries.
const RUN: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = CLASS[i];
        let mut run = 0;
        if c & SCHEME != 0 {
            run |= RUN_SCHEME;
        }
        if c & (UNRESERVED | SUB_DELIM) != 0 {
            run |= RUN_REG_NAME;
        }
        if c & ((PCHAR & !COLON) | SLASH) != 0 {
            run |= RUN_PATH;
        }
        if c & ((PCHAR & !COLON) | SLASH | QUESTION) != 0 {
            run |= RUN_QUERY;
        }
        table[i] = run;
        i += 1;
    }
    table
};

/// The end of the run of bytes from `at` on whose [`RUN`] entries have bit `run`: the offset
/// of the first byte without it, or the length of `bytes`. Eight bytes at a time while it can.
fn run_end(bytes: &[u8], mut at: usize, run: u8) -> usize {
    while let Some(chunk) = bytes
        .get(at..at + 8)
        .and_then(|c| <&[u8; 8]>::try_from(c).ok())
    {
        if chunk.iter().fold(run, |all, &b| all & RUN[usize::from(b)]) == 0 {
            break;
        }
        at += 8;
    }
    while bytes
        .get(at)
        .is_some_and(|&b| RUN[usize::from(b)] & run != 0)
    {
        at += 1;
    }
    at
}

/// [`scan`] for [`RUN_PATH`] or [`RUN_QUERY`] (which also accept ':'): the same result,
/// faster. Sets `colon` when a ':' was passed.
fn scan_run(bytes: &[u8], mut at: usize, run: u8, colon: &mut bool) -> Result<usize, usize> {
    loop {
        at = run_end(bytes, at, run);
        match bytes.get(at) {
            Some(b':') => {
                *colon = true;
                at += 1;
            }
            Some(b'%') => {
                if !percent_ok(bytes, at) {
                    return Err(at);
                }
                at += 3;
            }
            _ => return Ok(at),
        }
    }
}

/// `s` with every `%XX` escape decoded; a `%` not followed by two hex digits is kept as written.
/// The one percent-decoder of the crate (contacts and the `mailto:` checks both use it).
pub(crate) fn percent_decode(s: &str) -> std::borrow::Cow<'_, [u8]> {
    if !s.contains('%') {
        return std::borrow::Cow::Borrowed(s.as_bytes());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = |j: usize| b.get(j).and_then(|d| (*d as char).to_digit(16));
        match (c, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `true` when the two bytes after the `%` at `at` are hexadecimal digits.
fn percent_ok(bytes: &[u8], at: usize) -> bool {
    matches!((bytes.get(at + 1), bytes.get(at + 2)), (Some(h), Some(l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit())
}

/// Checks that every byte of `part` (at `base` in the whole value) is in one of the classes of
/// `allowed` or starts a valid percent-encoding.
fn check_chars(part: &str, base: usize, allowed: u8) -> Result<(), UriError> {
    let bytes = part.as_bytes();
    let end = scan(bytes, 0, allowed).map_err(|offset| UriError {
        offset: base + offset,
        kind: UriErrorKind::InvalidPercentEncoding,
    })?;
    if end == bytes.len() {
        Ok(())
    } else {
        Err(UriError {
            offset: base + end,
            kind: UriErrorKind::InvalidChar,
        })
    }
}

/// Skips the bytes of `bytes` from `at` on that are in a class of `allowed` or are valid
/// percent-encodings, in one pass: returns where the run stops (a byte outside the classes, or
/// the end), or `Err(offset)` of a `%` not followed by two hexadecimal digits.
fn scan(bytes: &[u8], mut at: usize, allowed: u8) -> Result<usize, usize> {
    while let Some(&b) = bytes.get(at) {
        if class(b) & allowed != 0 {
            at += 1;
        } else if b == b'%' {
            if !percent_ok(bytes, at) {
                return Err(at);
            }
            at += 3;
        } else {
            break;
        }
    }
    Ok(at)
}

/// Parses `s` as an RFC 3986 URI (absolute: with a scheme).
///
/// Each part is read in one pass that both finds where it ends and checks its characters;
/// the first problem from the left is reported.
pub fn parse_uri(s: &str) -> Result<Uri<'_>, UriError> {
    parse_noting_colon(s).map(|(uri, _)| uri)
}

/// [`parse_uri`], also telling whether a ':' follows the scheme's own (or may: an authority other
/// than a plain host counts as one), which a second URI in the value would need.
pub(crate) fn parse_noting_colon(s: &str) -> Result<(Uri<'_>, bool), UriError> {
    let mut colon_after = false;
    let no_scheme = UriError {
        offset: 0,
        kind: UriErrorKind::NoScheme,
    };
    let bytes = s.as_bytes();
    // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':'. Stopping at the first byte
    // outside the scheme class finds the first ':' whenever the scheme is valid.
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        return Err(no_scheme);
    }
    // The two usual schemes are recognised with one comparison each.
    let colon = if bytes.get(..6).is_some_and(|h| eq_folded(h, b"https:")) {
        5
    } else if bytes.get(..7).is_some_and(|h| eq_folded(h, b"mailto:")) {
        6
    } else {
        run_end(bytes, 1, RUN_SCHEME)
    };
    if bytes.get(colon) != Some(&b':') {
        return Err(no_scheme);
    }
    let scheme = s.get(..colon).unwrap_or("");
    let mut pos = colon + 1;
    let mut authority = None;
    if bytes.get(pos..).is_some_and(|r| r.starts_with(b"//")) {
        pos += 2;
        let start = pos;
        // The common authority is a plain registered name: no userinfo, port, IP literal or
        // percent-encoding. One pass over it finds its end and checks its characters.
        pos = run_end(bytes, pos, RUN_REG_NAME);
        if bytes
            .get(pos)
            .is_none_or(|&b| matches!(b, b'/' | b'?' | b'#'))
        {
            authority = Some(Authority {
                userinfo: None,
                host: s.get(start..pos).unwrap_or(""),
                port: None,
            });
        } else {
            colon_after = true;
            while bytes
                .get(pos)
                .is_some_and(|&b| !matches!(b, b'/' | b'?' | b'#'))
            {
                pos += 1;
            }
            authority = Some(parse_authority(s.get(start..pos).unwrap_or(""), start)?);
        }
    }
    let invalid = |offset| UriError {
        offset,
        kind: UriErrorKind::InvalidPercentEncoding,
    };
    let bad_char = |offset| UriError {
        offset,
        kind: UriErrorKind::InvalidChar,
    };
    let path_end = scan_run(bytes, pos, RUN_PATH, &mut colon_after).map_err(invalid)?;
    let path = s.get(pos..path_end).unwrap_or("");
    let mut query = None;
    let mut fragment = None;
    let mut at = path_end;
    if bytes.get(at) == Some(&b'?') {
        let end = scan_run(bytes, at + 1, RUN_QUERY, &mut colon_after).map_err(invalid)?;
        query = s.get(at + 1..end);
        at = end;
    }
    if bytes.get(at) == Some(&b'#') {
        let end = scan_run(bytes, at + 1, RUN_QUERY, &mut colon_after).map_err(invalid)?;
        fragment = s.get(at + 1..end);
        at = end;
    }
    if at != bytes.len() {
        return Err(bad_char(at));
    }
    let uri = Uri {
        scheme,
        authority,
        path,
        query,
        fragment,
    };
    Ok((uri, colon_after))
}

fn parse_authority(auth: &str, base: usize) -> Result<Authority<'_>, UriError> {
    let (userinfo, hostport, hp_base) = match auth.bytes().rposition(|b| b == b'@') {
        Some(at) => (
            auth.get(..at),
            auth.get(at + 1..).unwrap_or(""),
            base + at + 1,
        ),
        None => (None, auth, base),
    };
    if let Some(ui) = userinfo {
        check_chars(ui, base, UNRESERVED | SUB_DELIM | COLON)?;
    }
    let (host, port) = if let Some(inner) = hostport.strip_prefix('[') {
        let close = inner.bytes().position(|b| b == b']').ok_or(UriError {
            offset: hp_base,
            kind: UriErrorKind::InvalidHost,
        })?;
        let lit = inner.get(..close).unwrap_or("");
        if !is_ip_literal(lit) {
            return Err(UriError {
                offset: hp_base,
                kind: UriErrorKind::InvalidHost,
            });
        }
        let host = hostport.get(..close + 2).unwrap_or("");
        let after = hostport.get(close + 2..).unwrap_or("");
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => {
                return Err(UriError {
                    offset: hp_base + close + 2,
                    kind: UriErrorKind::InvalidHost,
                });
            }
        };
        (host, port)
    } else {
        match hostport.bytes().rposition(|b| b == b':') {
            Some(c) => (hostport.get(..c).unwrap_or(""), hostport.get(c + 1..)),
            None => (hostport, None),
        }
    };
    if !host.starts_with('[') {
        check_chars(host, hp_base, UNRESERVED | SUB_DELIM)?;
    }
    if let Some(p) = port
        && let Some(i) = p.bytes().position(|b| !b.is_ascii_digit())
    {
        return Err(UriError {
            offset: hp_base + host.len() + 1 + i,
            kind: UriErrorKind::InvalidPort,
        });
    }
    Ok(Authority {
        userinfo: userinfo.filter(|_| true),
        host,
        port,
    })
}

/// `true` when `lit` (the text between `[` and `]`) is an RFC 3986 section 3.2.2 IP-literal:
/// an `IPv6address` or an `IPvFuture` (`"v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )`).
/// Zone identifiers (RFC 6874) are not part of RFC 3986 and are refused.
fn is_ip_literal(lit: &str) -> bool {
    match lit.as_bytes() {
        [b'v' | b'V', rest @ ..] => {
            let digits = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
            match rest.get(digits..) {
                Some([b'.', tail @ ..]) => {
                    digits > 0
                        && !tail.is_empty()
                        && tail
                            .iter()
                            .all(|&b| class(b) & (UNRESERVED | SUB_DELIM | COLON) != 0)
                }
                _ => false,
            }
        }
        // The standard library reads exactly RFC 4291 section 2.2 text, which is RFC 3986's
        // `IPv6address` (h16 of one to four hex digits, one `::`, a dotted-quad tail of
        // dec-octets without leading zeros).
        _ => lit.parse::<std::net::Ipv6Addr>().is_ok(),
    }
}

impl<'a> Uri<'a> {
    /// `true` when the scheme is `scheme` (compared case-insensitively).
    pub fn has_scheme(&self, scheme: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(scheme)
    }

    /// The host, if the URI has an authority.
    pub fn host(&self) -> Option<&'a str> {
        self.authority.map(|a| a.host)
    }

    /// A form for comparing web URLs: scheme and host lower-cased, the default port (443 for
    /// https, 80 for http) and an empty port dropped, an empty path written `/`, no fragment.
    pub fn normalized(&self) -> String {
        let mut out = String::with_capacity(self.scheme.len() + self.path.len() + 32);
        out.push_str(&self.scheme.to_ascii_lowercase());
        out.push(':');
        if let Some(a) = self.authority {
            out.push_str("//");
            if let Some(ui) = a.userinfo {
                out.push_str(ui);
                out.push('@');
            }
            out.push_str(&a.host.to_ascii_lowercase());
            let default = if self.has_scheme("https") {
                Some("443")
            } else if self.has_scheme("http") {
                Some("80")
            } else {
                None
            };
            if let Some(p) = a.port.filter(|p| !p.is_empty() && Some(*p) != default) {
                out.push(':');
                out.push_str(p);
            }
            if self.path.is_empty() {
                out.push('/');
            }
        }
        out.push_str(self.path);
        if let Some(q) = self.query {
            out.push('?');
            out.push_str(q);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Bytes that matter to the URI grammar, and some that are never allowed.
    fn uri_like() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(&b"aZ09-._~!$&'()*+,;=:@/?#%[] <>\"|^`{}Fe"[..]),
            0..40,
        )
        .prop_map(|b| String::from_utf8(b).unwrap_or_default())
    }

    #[test]
    fn run_bits_agree_with_the_classes() {
        for b in 0..=255u8 {
            let c = class(b);
            let run = RUN[usize::from(b)];
            assert_eq!(run & RUN_SCHEME != 0, c & SCHEME != 0, "{b}");
            assert_eq!(
                run & RUN_REG_NAME != 0,
                c & (UNRESERVED | SUB_DELIM) != 0,
                "{b}"
            );
            // The path and query runs stop at ':' so that it can be noted.
            assert_eq!(run & RUN_PATH != 0, c & (PCHAR | SLASH) != 0 && b != b':');
            assert_eq!(
                run & RUN_QUERY != 0,
                c & (PCHAR | SLASH | QUESTION) != 0 && b != b':'
            );
        }
    }

    #[test]
    fn the_colon_after_the_scheme_is_noted() {
        let colon = |s: &str| parse_noting_colon(s).map(|(_, c)| c);
        assert_eq!(colon("https://example.com/a"), Ok(false));
        assert_eq!(colon("mailto:a@example.com"), Ok(false));
        assert_eq!(colon("https://example.com/a:b"), Ok(true));
        assert_eq!(colon("https://example.com/?q=a:b"), Ok(true));
        assert_eq!(colon("https://example.com/#x:y"), Ok(true));
        assert_eq!(colon("https://example.com:443/"), Ok(true));
        assert_eq!(colon("tel:+1-201-555-0123"), Ok(false));
    }

    proptest! {
        /// The eight-bytes-at-a-time scans find what a byte-by-byte scan finds.
        #[test]
        fn runs_scan_like_the_byte_loop(s in uri_like(), at in 0usize..8) {
            let b = s.as_bytes();
            let at = at.min(b.len());
            for (run, classes) in [(RUN_PATH, PCHAR | SLASH), (RUN_QUERY, PCHAR | SLASH | QUESTION)] {
                let mut colon = false;
                prop_assert_eq!(scan_run(b, at, run, &mut colon), scan(b, at, classes));
            }
            let byte_loop = |classes: u8| {
                let mut i = at;
                while b.get(i).is_some_and(|&c| class(c) & classes != 0) {
                    i += 1;
                }
                i
            };
            prop_assert_eq!(run_end(b, at, RUN_SCHEME), byte_loop(SCHEME));
            prop_assert_eq!(run_end(b, at, RUN_REG_NAME), byte_loop(UNRESERVED | SUB_DELIM));
        }

        /// Parsing never panics, and a parsed URI's parts are pieces of the value.
        #[test]
        fn parse_is_total_and_its_parts_are_in_the_value(rest in uri_like()) {
            for s in [format!("https://{rest}"), format!("x:{rest}"), rest.clone()] {
                if let Ok(u) = parse_uri(&s) {
                    prop_assert!(s.starts_with(u.scheme));
                    prop_assert!(s.contains(u.path));
                    if let Some(h) = u.host() {
                        prop_assert!(s.contains(h));
                    }
                    // No character outside the URI grammar survives.
                    let outside = [' ', '<', '>', '"', '\\', '^', '`', '{', '|', '}'];
                    prop_assert!(!s.contains(outside), "{}", s);
                }
            }
        }
    }

    #[test]
    fn splits_a_web_url() {
        let u = parse_uri("https://user@Example.COM:443/a/b?x=1#frag").unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.host(), Some("Example.COM"));
        assert_eq!(u.authority.unwrap().port, Some("443"));
        assert_eq!(u.path, "/a/b");
        assert_eq!(u.query, Some("x=1"));
        assert_eq!(u.fragment, Some("frag"));
        assert_eq!(u.normalized(), "https://user@example.com/a/b?x=1");
    }

    #[test]
    fn accepts_mailto_tel_and_ip_literals() {
        assert!(parse_uri("mailto:security@example.com").is_ok());
        assert!(parse_uri("tel:+1-201-555-0123").is_ok());
        assert!(parse_uri("https://[2001:db8::1]:8443/").is_ok());
        assert!(parse_uri("https://192.0.2.1/x%20y").is_ok());
    }

    #[test]
    fn rejects_bad_syntax_with_offsets() {
        assert_eq!(
            parse_uri("example.com").unwrap_err().kind,
            UriErrorKind::NoScheme
        );
        assert_eq!(
            parse_uri("1http://x").unwrap_err().kind,
            UriErrorKind::NoScheme
        );
        assert_eq!(
            parse_uri("https://a b").unwrap_err(),
            UriError {
                offset: 9,
                kind: UriErrorKind::InvalidChar
            }
        );
        assert_eq!(
            parse_uri("https://x/%zz").unwrap_err(),
            UriError {
                offset: 10,
                kind: UriErrorKind::InvalidPercentEncoding
            }
        );
        assert_eq!(
            parse_uri("https://x:8o/").unwrap_err().kind,
            UriErrorKind::InvalidPort
        );
        assert_eq!(
            parse_uri("https://[::1/").unwrap_err().kind,
            UriErrorKind::InvalidHost
        );
        assert_eq!(
            parse_uri("https://ex\u{e9}.com/").unwrap_err().kind,
            UriErrorKind::InvalidChar
        );
    }
}
