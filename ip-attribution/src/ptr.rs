//! DNS names as evidence: normalisation, registrable domain, generic/dynamic PTR detection and
//! forward confirmation.
//!
//! Documented on [`DnsName`].

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use crate::{Error, ErrorKind};

/// Longest normalised name, in octets of its A-label form (RFC 1035 presentation limit).
pub const MAX_NAME_LEN: usize = 253;
/// Longest label, in octets of its A-label form (RFC 1035).
pub const MAX_LABEL_LEN: usize = 63;
/// Longest input accepted by [`DnsName::parse`] before normalisation (U-labels can be longer
/// than their A-labels, so this is larger than [`MAX_NAME_LEN`]).
pub const MAX_INPUT_NAME_LEN: usize = 1024;

/// Why a DNS name was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameProblem {
    /// Nothing left after removing the trailing dot.
    Empty,
    /// The name is longer than its cap ([`MAX_INPUT_NAME_LEN`] or [`MAX_NAME_LEN`]).
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The cap.
        max: usize,
    },
    /// A label is longer than [`MAX_LABEL_LEN`].
    LabelTooLong {
        /// Its length in bytes.
        len: usize,
        /// The cap.
        max: usize,
    },
    /// Two dots in a row, or a leading dot.
    EmptyLabel,
    /// A character that cannot appear in a host name.
    InvalidCharacter(char),
    /// A label starts or ends with `-`.
    HyphenAtLabelEdge,
    /// The IDNA (UTS 46) conversion to A-labels failed, or an `xn--` label is not valid Punycode.
    Idna,
    /// A wildcard label (`*`) where a concrete name is required.
    Wildcard,
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameProblem::Empty => f.write_str("empty name"),
            NameProblem::TooLong { len, max } => write!(f, "name too long: {len} > {max}"),
            NameProblem::LabelTooLong { len, max } => {
                write!(f, "label too long: {len} > {max}")
            }
            NameProblem::EmptyLabel => f.write_str("empty label"),
            NameProblem::InvalidCharacter(c) => write!(f, "invalid character {c:?}"),
            NameProblem::HyphenAtLabelEdge => f.write_str("label starts or ends with '-'"),
            NameProblem::Idna => f.write_str("not a valid internationalised domain name"),
            NameProblem::Wildcard => f.write_str("wildcard label"),
        }
    }
}

/// A normalised DNS name: lowercase A-labels, no trailing dot, within the length caps.
///
/// # Normalisation
/// [`DnsName::parse`] lowercases, removes one trailing dot, converts IDNs (U-labels) to A-labels
/// with the `idna` crate (UTS 46, non-transitional), and rejects names that cannot be a host name:
/// empty, longer than [`MAX_NAME_LEN`] octets, a label longer than [`MAX_LABEL_LEN`], an empty
/// label, a character outside letters, digits, `-` and `_`, or a label that starts or ends with
/// `-`. Underscores are accepted because real PTR zones contain them. Input longer than
/// [`MAX_INPUT_NAME_LEN`] bytes is refused before any work is done.
///
/// # Registrable domain and the Public Suffix List
/// [`registrable_domain`] uses the `psl` crate (the PSL compiled in, ICANN **and private**
/// sections). The private section is used on purpose: a name under a private suffix such as
/// `customer.github.io` or `shop.myshopify.com` belongs to that platform's *customer*, and for
/// attribution the customer is the one who runs the host; treating `github.io` as the registrable
/// domain would merge every customer of the platform into one "organisation". The kind of suffix
/// is reported ([`SuffixKind`]) so a caller can weigh a private-suffix domain (often a hosting or
/// dynamic-DNS customer with no contact of its own) differently.
/// A top-level domain that is not in the list (the synthetic worlds use `.test` and `.example`)
/// falls under the PSL's default `*` rule: its suffix is the last label and `foo.test` is
/// registrable ([`SuffixKind::Unlisted`]).
///
/// # Generic / dynamic names
/// [`generic_reasons`] looks at the labels left of the registrable domain (the "host part") and
/// reports every reason found ([`GenericReason`]): the address embedded dotted, dashed,
/// reversed, zero-padded, as one decimal integer, or in hex; for IPv6 the nibbles (ip6.arpa
/// style, reversed, or forward) or its groups: facts about the name. Which words of the host part
/// mark a provider's pool name (`dsl`, `pool`, …) is knowledge: the `generic` entries of
/// `data/knowledge.txt` ([`crate::engine::Knowledge::generic_token`]); [`analyze_ptr`] reports
/// them as [`GenericReason::Token`] by the built-in table.
///
/// # Forward confirmation
/// A PTR name is *forward-confirmed* for an address when the name's A/AAAA records contain that
/// address ([`is_forward_confirmed`]; the table form is
/// [`RdnsTable::forward_confirmed`](crate::rdns::RdnsTable::forward_confirmed)).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct DnsName(String);

fn name_error(input: &str, problem: NameProblem) -> Error {
    let name: String = input.chars().take(300).collect();
    Error::new(String::new(), 0, ErrorKind::InvalidName { name, problem })
}

impl DnsName {
    /// Normalise and check `input` (see the module docs). A single trailing dot is removed.
    ///
    /// ```
    /// use ip_attribution::DnsName;
    /// let n = DnsName::parse("Mail.Bücher.Example.").unwrap();
    /// assert_eq!(n.as_str(), "mail.xn--bcher-kva.example");
    /// assert!(DnsName::parse("bad..name").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<DnsName, Error> {
        if input.len() > MAX_INPUT_NAME_LEN {
            return Err(name_error(
                input,
                NameProblem::TooLong {
                    len: input.len(),
                    max: MAX_INPUT_NAME_LEN,
                },
            ));
        }
        let trimmed = input.strip_suffix('.').unwrap_or(input);
        if trimmed.is_empty() {
            return Err(name_error(input, NameProblem::Empty));
        }
        let needs_idna = !trimmed.is_ascii()
            || trimmed
                .split('.')
                .any(|l| l.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--")));
        let ascii = if needs_idna {
            // Check the structure first so that idna's more general errors don't hide ours.
            if trimmed.split('.').any(str::is_empty) {
                return Err(name_error(input, NameProblem::EmptyLabel));
            }
            idna::domain_to_ascii(trimmed).map_err(|_| name_error(input, NameProblem::Idna))?
        } else {
            trimmed.to_ascii_lowercase()
        };
        check_ascii_name(&ascii).map_err(|p| name_error(input, p))?;
        Ok(DnsName(ascii))
    }

    /// The name as text (lowercase A-labels, no trailing dot).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The labels, left to right.
    pub fn labels(&self) -> impl DoubleEndedIterator<Item = &str> {
        self.0.split('.')
    }

    /// The name's registrable domain (see [`registrable_domain`]).
    pub fn registrable_domain(&self) -> Option<RegistrableDomain> {
        registrable_domain(self)
    }

    /// Whether this name equals `domain` or is below it (`a.b.example` is within `b.example`).
    pub fn is_within(&self, domain: &str) -> bool {
        let d = domain.strip_suffix('.').unwrap_or(domain);
        if d.is_empty() {
            return false;
        }
        let s = self.0.as_str();
        if s.len() == d.len() {
            return s.eq_ignore_ascii_case(d);
        }
        s.len() > d.len()
            && s.as_bytes().get(s.len() - d.len() - 1) == Some(&b'.')
            && s[s.len() - d.len()..].eq_ignore_ascii_case(d)
    }
}

fn check_ascii_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    if name.len() > MAX_NAME_LEN {
        return Err(NameProblem::TooLong {
            len: name.len(),
            max: MAX_NAME_LEN,
        });
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(NameProblem::EmptyLabel);
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(NameProblem::LabelTooLong {
                len: label.len(),
                max: MAX_LABEL_LEN,
            });
        }
        if label == "*" {
            return Err(NameProblem::Wildcard);
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
        {
            return Err(NameProblem::InvalidCharacter(c));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(NameProblem::HyphenAtLabelEdge);
        }
    }
    Ok(())
}

impl fmt::Display for DnsName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for DnsName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for DnsName {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DnsName::parse(s)
    }
}

/// Which part of the Public Suffix List decided the suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum SuffixKind {
    /// A rule of the ICANN section (`nl`, `co.uk`).
    Icann,
    /// A rule of the private section (`github.io`, `blogspot.com`).
    Private,
    /// No rule: the default `*` rule made the last label the suffix (`test`, `example`).
    Unlisted,
}

/// A registrable domain ("eTLD+1") and the public suffix it sits under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RegistrableDomain {
    /// The registrable domain, e.g. `example.co.uk`.
    pub domain: String,
    /// Its public suffix, e.g. `co.uk`.
    pub suffix: String,
    /// Which part of the list gave the suffix.
    pub suffix_kind: SuffixKind,
}

/// The registrable domain of `name` by the Public Suffix List (ICANN and private sections; see
/// the module docs), or `None` when the name is itself a public suffix (`co.uk`, `github.io`,
/// or a bare unlisted TLD such as `test`).
///
/// ```
/// use ip_attribution::{DnsName, SuffixKind, registrable_domain};
/// let d = registrable_domain(&DnsName::parse("a.b.example.co.uk").unwrap()).unwrap();
/// assert_eq!(d.domain, "example.co.uk");
/// let d = registrable_domain(&DnsName::parse("mail.shop.test").unwrap()).unwrap();
/// assert_eq!((d.domain.as_str(), d.suffix_kind), ("shop.test", SuffixKind::Unlisted));
/// ```
pub fn registrable_domain(name: &DnsName) -> Option<RegistrableDomain> {
    registrable_domain_str(name.as_str())
}

/// [`registrable_domain`] over an already normalised name (lowercase A-labels, no trailing dot).
/// Returns `None` for names that are not normalised in that way.
pub(crate) fn registrable_domain_str(name: &str) -> Option<RegistrableDomain> {
    if name.is_empty() || name.ends_with('.') || name.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let d = psl::domain(name.as_bytes())?;
    let suffix = d.suffix();
    let suffix_kind = match suffix.typ() {
        Some(psl::Type::Icann) => SuffixKind::Icann,
        Some(psl::Type::Private) => SuffixKind::Private,
        None => SuffixKind::Unlisted,
    };
    let domain = std::str::from_utf8(d.as_bytes()).ok()?.to_owned();
    let suffix = std::str::from_utf8(suffix.as_bytes()).ok()?.to_owned();
    Some(RegistrableDomain {
        domain,
        suffix,
        suffix_kind,
    })
}

/// How the address's bytes are separated where it is embedded in a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Separator {
    /// `192.0.2.10`
    Dot,
    /// `192-0-2-10`
    Dash,
    /// Mixed or other separators (`192-0-2.10`, `192_0_2_10`).
    Mixed,
    /// No separator: zero-padded bytes written together (`192000002010`).
    None,
}

/// One reason why a PTR name looks generic (assigned by an access or hosting provider to an
/// address rather than chosen by the address's user).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum GenericReason {
    /// All four bytes of the IPv4 address appear in the name.
    Ipv4Embedded {
        /// In reverse order (`10.2.0.192`), as in in-addr.arpa.
        reversed: bool,
        /// How the bytes are separated.
        separator: Separator,
        /// At least one byte is written with leading zeros (`192-000-002-010`).
        zero_padded: bool,
    },
    /// The last three bytes of the IPv4 address appear in order or reversed (`0-2-10.pool`).
    Ipv4Partial {
        /// In reverse order.
        reversed: bool,
    },
    /// The IPv4 address as one decimal integer (`3221225994`).
    Ipv4Decimal,
    /// The IPv4 address as eight hex digits (`c000020a`).
    Ipv4Hex,
    /// At least 16 of the IPv6 address's nibbles as single-character labels.
    Ipv6Nibbles {
        /// Lowest nibble first, as in ip6.arpa.
        reversed: bool,
    },
    /// The IPv6 address's groups (at least the last four), compressed or expanded, or all 32 hex
    /// digits in one word.
    Ipv6Groups,
    /// A word of the host part that the built-in knowledge table's `generic` entries mark
    /// (see [`crate::engine::Knowledge::generic_token`]).
    Token(&'static str),
}

impl Separator {
    /// A stable name: `dot`, `dash`, `mixed`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dot => "dot",
            Self::Dash => "dash",
            Self::Mixed => "mixed",
            Self::None => "none",
        }
    }
}

/// Stable, documented text (evidence values show it): `ipv4-embedded` with `reversed`,
/// `<separator>-separated` and `zero-padded` qualifiers in parentheses (e.g.
/// `ipv4-embedded (reversed, dash-separated)`), `ipv4-partial` (`(reversed)`), `ipv4-decimal`,
/// `ipv4-hex`, `ipv6-nibbles` (`(reversed)`), `ipv6-groups`, `token "WORD"`.
impl fmt::Display for GenericReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ipv4Embedded {
                reversed,
                separator,
                zero_padded,
            } => {
                f.write_str("ipv4-embedded (")?;
                if *reversed {
                    f.write_str("reversed, ")?;
                }
                write!(f, "{}-separated", separator.as_str())?;
                if *zero_padded {
                    f.write_str(", zero-padded")?;
                }
                f.write_str(")")
            }
            Self::Ipv4Partial { reversed: true } => f.write_str("ipv4-partial (reversed)"),
            Self::Ipv4Partial { reversed: false } => f.write_str("ipv4-partial"),
            Self::Ipv4Decimal => f.write_str("ipv4-decimal"),
            Self::Ipv4Hex => f.write_str("ipv4-hex"),
            Self::Ipv6Nibbles { reversed: true } => f.write_str("ipv6-nibbles (reversed)"),
            Self::Ipv6Nibbles { reversed: false } => f.write_str("ipv6-nibbles"),
            Self::Ipv6Groups => f.write_str("ipv6-groups"),
            Self::Token(w) => write!(f, "token \"{w}\""),
        }
    }
}

/// What [`analyze_ptr`] found about one PTR name for one address.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PtrAnalysis {
    /// The address the name was seen for.
    pub ip: IpAddr,
    /// The normalised name.
    pub name: DnsName,
    /// Its registrable domain, if any.
    pub registrable: Option<RegistrableDomain>,
    /// Why the name looks generic/dynamic; empty when it does not.
    pub generic_reasons: Vec<GenericReason>,
}

impl PtrAnalysis {
    /// Whether any generic/dynamic reason was found.
    pub fn is_generic(&self) -> bool {
        !self.generic_reasons.is_empty()
    }

    /// The words of the host part (the labels left of the registrable domain, split at `.`,
    /// `-` and `_`), in order.
    pub fn host_words(&self) -> impl Iterator<Item = &str> {
        host_part(self.name.as_str(), self.registrable.as_ref())
            .split(['.', '-', '_'])
            .filter(|w| !w.is_empty())
    }

    /// Whether the address itself is embedded in the name (any IPv4/IPv6 form, not tokens).
    pub fn embeds_address(&self) -> bool {
        self.generic_reasons
            .iter()
            .any(|r| !matches!(r, GenericReason::Token(_)))
    }
}

/// Analyse one PTR name seen for `ip`: registrable domain and generic/dynamic reasons.
///
/// ```
/// use ip_attribution::{DnsName, GenericReason, analyze_ptr};
/// let ip = "192.0.2.10".parse().unwrap();
/// let a = analyze_ptr(ip, &DnsName::parse("192-0-2-10.dsl.provider.example").unwrap());
/// assert!(a.is_generic());
/// assert!(a.generic_reasons.contains(&GenericReason::Token("dsl")));
/// let b = analyze_ptr(ip, &DnsName::parse("mail.bakery.example").unwrap());
/// assert!(!b.is_generic());
/// assert_eq!(b.registrable.unwrap().domain, "bakery.example");
/// ```
pub fn analyze_ptr(ip: IpAddr, name: &DnsName) -> PtrAnalysis {
    let registrable = registrable_domain(name);
    let host = host_part(name.as_str(), registrable.as_ref());
    PtrAnalysis {
        ip,
        name: name.clone(),
        generic_reasons: reasons_for_host(ip, host),
        registrable,
    }
}

/// The generic/dynamic reasons for `name` seen for `ip` (see [`analyze_ptr`]).
pub fn generic_reasons(ip: IpAddr, name: &DnsName) -> Vec<GenericReason> {
    let registrable = registrable_domain(name);
    reasons_for_host(ip, host_part(name.as_str(), registrable.as_ref()))
}

/// Whether `forward` (the A/AAAA addresses of a PTR name) contains `ip`. IPv4-mapped IPv6
/// addresses compare equal to their IPv4 form.
pub fn is_forward_confirmed(ip: IpAddr, forward: &[IpAddr]) -> bool {
    let want = canonical_ip(ip);
    forward.iter().any(|f| canonical_ip(*f) == want)
}

/// The IPv4 form of an IPv4-mapped IPv6 address; other addresses unchanged.
pub(crate) fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => ip,
        },
        v4 => v4,
    }
}

/// The labels left of the registrable domain; without a registrable domain, all but the last
/// label.
fn host_part<'a>(name: &'a str, registrable: Option<&RegistrableDomain>) -> &'a str {
    let cut = match registrable {
        Some(r) => r.domain.len(),
        None => name.rsplit('.').next().map_or(name.len(), str::len),
    };
    if cut >= name.len() {
        return "";
    }
    name.get(..name.len() - cut - 1).unwrap_or("")
}

fn reasons_for_host(ip: IpAddr, host: &str) -> Vec<GenericReason> {
    let mut out = Vec::new();
    if host.is_empty() {
        return out;
    }
    match canonical_ip(ip) {
        IpAddr::V4(v4) => ipv4_reasons(v4, host, &mut out),
        IpAddr::V6(v6) => ipv6_reasons(v6, host, &mut out),
    }
    token_reasons(host, &mut out);
    out
}

fn token_reasons(host: &str, out: &mut Vec<GenericReason>) {
    let knowledge = crate::engine::knowledge::Knowledge::builtin_ref();
    for word in host.split(['.', '-', '_']) {
        if let Some(token) = knowledge.generic_token(word) {
            let r = GenericReason::Token(token);
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
}

/// A run of decimal digits in the host part and the separator before it.
struct DigitRun<'a> {
    digits: &'a str,
    /// The separator characters between the previous run and this one (empty for the first).
    sep: &'a str,
}

fn digit_runs(host: &str) -> Vec<DigitRun<'_>> {
    let bytes = host.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    let mut prev_end: Option<usize> = None;
    while i < bytes.len() {
        if bytes.get(i).is_some_and(u8::is_ascii_digit) {
            let start = i;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let sep = match prev_end {
                Some(p) => host.get(p..start).unwrap_or(""),
                None => "",
            };
            runs.push(DigitRun {
                digits: host.get(start..i).unwrap_or(""),
                sep,
            });
            prev_end = Some(i);
        } else {
            i += 1;
        }
    }
    runs
}

/// Value of a run of at most three digits.
fn octet_value(s: &str) -> Option<u8> {
    if s.is_empty() || s.len() > 3 {
        return None;
    }
    s.parse::<u16>().ok().and_then(|v| u8::try_from(v).ok())
}

fn is_separator(sep: &str) -> bool {
    sep.len() == 1 && matches!(sep, "." | "-" | "_")
}

fn ipv4_reasons(ip: Ipv4Addr, host: &str, out: &mut Vec<GenericReason>) {
    let o = ip.octets();
    let [o0, o1, o2, o3] = o;
    let rev = [o3, o2, o1, o0];
    let runs = digit_runs(host);
    let mut full = false;
    for (order, reversed) in [(o, false), (rev, true)] {
        for w in runs.windows(4) {
            let matches = w
                .iter()
                .zip(order.iter())
                .all(|(r, want)| octet_value(r.digits) == Some(*want))
                && w.iter().skip(1).all(|r| is_separator(r.sep));
            if matches {
                let seps: Vec<&str> = w.iter().skip(1).map(|r| r.sep).collect();
                let separator = if seps.iter().all(|s| *s == ".") {
                    Separator::Dot
                } else if seps.iter().all(|s| *s == "-") {
                    Separator::Dash
                } else {
                    Separator::Mixed
                };
                let zero_padded = w
                    .iter()
                    .any(|r| r.digits.len() > 1 && r.digits.starts_with('0'));
                push_unique(
                    out,
                    GenericReason::Ipv4Embedded {
                        reversed,
                        separator,
                        zero_padded,
                    },
                );
                full = true;
            }
        }
        let [p0, p1, p2, p3] = order;
        let padded = format!("{p0:03}{p1:03}{p2:03}{p3:03}");
        if runs.iter().any(|r| r.digits == padded) {
            push_unique(
                out,
                GenericReason::Ipv4Embedded {
                    reversed,
                    separator: Separator::None,
                    zero_padded: true,
                },
            );
            full = true;
        }
    }
    if !full {
        let fwd = [o1, o2, o3];
        let back = [o3, o2, o1];
        for (order, reversed) in [(fwd, false), (back, true)] {
            let found = runs.windows(3).any(|w| {
                w.iter()
                    .zip(order.iter())
                    .all(|(r, want)| octet_value(r.digits) == Some(*want))
                    && w.iter().skip(1).all(|r| is_separator(r.sep))
            });
            if found {
                push_unique(out, GenericReason::Ipv4Partial { reversed });
            }
        }
    }
    let decimal = u32::from(ip);
    if decimal >= 1 << 24 {
        let text = decimal.to_string();
        if runs
            .iter()
            .any(|r| r.digits.trim_start_matches('0') == text)
        {
            push_unique(out, GenericReason::Ipv4Decimal);
        }
    }
    let hex = format!("{decimal:08x}");
    if host
        .split(['.', '-', '_'])
        .any(|w| w.len() >= 8 && w.contains(hex.as_str()))
    {
        push_unique(out, GenericReason::Ipv4Hex);
    }
}

fn ipv6_reasons(ip: Ipv6Addr, host: &str, out: &mut Vec<GenericReason>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut nibbles = [0u8; 32];
    for (i, byte) in ip.octets().iter().enumerate() {
        if let (Some(hi), Some(lo)) = (
            HEX.get(usize::from(byte >> 4)),
            HEX.get(usize::from(byte & 0xf)),
        ) && let Some(slot) = nibbles.get_mut(2 * i..2 * i + 2)
        {
            slot.copy_from_slice(&[*hi, *lo]);
        }
    }
    let forward = std::str::from_utf8(&nibbles).unwrap_or("");
    let reversed: String = forward.chars().rev().collect();

    // Runs of single-hex-character labels.
    let mut run = String::new();
    let mut runs = Vec::new();
    for label in host.split('.') {
        if label.len() == 1 && label.bytes().all(|b| b.is_ascii_hexdigit()) {
            run.push_str(label);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    for r in &runs {
        if r.len() >= 16 {
            if reversed.starts_with(r.as_str()) {
                push_unique(out, GenericReason::Ipv6Nibbles { reversed: true });
            } else if forward.ends_with(r.as_str()) {
                push_unique(out, GenericReason::Ipv6Nibbles { reversed: false });
            }
        }
    }

    // Groups: the compressed form with ':' replaced, all 32 digits in one word, or at least the
    // last four groups as consecutive words.
    let compressed = ip.to_string();
    let groups = ip.segments();
    let words: Vec<&str> = host.split(['.', '-', '_']).collect();
    let mut found = false;
    if compressed.matches(':').count() >= 3 {
        for sep in ['-', '.', '_'] {
            let replaced = compressed.replace(':', &sep.to_string());
            if host.contains(replaced.as_str()) {
                found = true;
            }
        }
    }
    if words.iter().any(|w| w.contains(forward)) {
        found = true;
    }
    if !found {
        for end in 0..words.len() {
            let mut k = 0;
            while k < 8 && k <= end {
                let (Some(word), Some(group)) = (words.get(end - k), groups.get(7 - k)) else {
                    break;
                };
                let ok = !word.is_empty()
                    && word.len() <= 4
                    && u16::from_str_radix(word, 16).ok() == Some(*group);
                if !ok {
                    break;
                }
                k += 1;
            }
            if k >= 4 {
                found = true;
                break;
            }
        }
    }
    if found {
        push_unique(out, GenericReason::Ipv6Groups);
    }
}

fn push_unique(out: &mut Vec<GenericReason>, r: GenericReason) {
    if !out.contains(&r) {
        out.push(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> DnsName {
        DnsName::parse(s).unwrap()
    }

    /// The string form agrees with the name's for a normalised name and refuses any other.
    #[test]
    fn registrable_domain_of_a_string_needs_a_normalised_name() {
        for s in [
            "mail.shop.test",
            "customer.github.io",
            "a.b.example.co.uk",
            "nl",
        ] {
            assert_eq!(
                registrable_domain_str(s),
                name(s).registrable_domain(),
                "{s}"
            );
        }
        assert!(registrable_domain_str("mail.shop.test").is_some());
        for s in ["Mail.Shop.TEST", "mail.shop.test.", ""] {
            assert_eq!(registrable_domain_str(s), None, "{s:?}");
        }
    }

    #[test]
    fn host_part_cuts_registrable_domain() {
        let r = registrable_domain_str("a.b.shop.test");
        assert_eq!(host_part("a.b.shop.test", r.as_ref()), "a.b");
        let r = registrable_domain_str("shop.test");
        assert_eq!(host_part("shop.test", r.as_ref()), "");
        assert_eq!(host_part("test", None), "");
    }

    #[test]
    fn token_word_forms() {
        let k = crate::engine::knowledge::Knowledge::builtin_ref();
        assert_eq!(k.generic_token("pool"), Some("pool"));
        assert_eq!(k.generic_token("pools"), Some("pool"));
        assert_eq!(k.generic_token("pool12"), Some("pool"));
        assert_eq!(k.generic_token("poolside"), None);
        assert_eq!(k.generic_token("hosting"), None);
        let _ = name("x.test");
    }
}
