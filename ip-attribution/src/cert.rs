//! X.509 certificates as evidence: PEM/DER chains, the leaf's facts, chain verification and
//! classification.
//!
//! Documented on [`CertAnalysis`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::x509::X509Name;

use crate::engine::knowledge::Knowledge;
use crate::ptr::{DnsName, registrable_domain_str};
use crate::{Error, ErrorKind};

/// Largest PEM or DER input accepted, in bytes.
pub const MAX_PEM_BYTES: usize = 1024 * 1024;
/// Most certificates read from one chain.
pub const MAX_CHAIN_CERTS: usize = 16;
/// Largest single certificate, in DER bytes.
pub const MAX_CERT_BYTES: usize = 64 * 1024;
/// Most subjectAltName entries examined in the leaf.
pub const MAX_SAN_ENTRIES: usize = 1000;
/// Most caller-supplied trust anchors in one [`TrustStore`].
pub const MAX_TRUST_ANCHORS: usize = 1000;
/// One certificate of a chain, in DER, with where it started in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChainEntry {
    /// Byte offset in the input (of the PEM `-----BEGIN` line, or of the DER certificate).
    pub offset: usize,
    /// The certificate's DER bytes.
    pub der: Vec<u8>,
}

/// Certificates as read from one input, leaf first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertChain {
    source_name: String,
    entries: Vec<ChainEntry>,
}

impl CertChain {
    /// Read PEM when the input contains `-----BEGIN`, DER otherwise.
    pub fn parse(bytes: &[u8], source_name: &str) -> Result<CertChain, Error> {
        if find(bytes, b"-----BEGIN", 0).is_some() {
            CertChain::from_pem(bytes, source_name)
        } else {
            CertChain::from_der(bytes, source_name)
        }
    }

    /// Read the `CERTIFICATE` (also `X509 CERTIFICATE`, `TRUSTED CERTIFICATE`) blocks of a PEM
    /// input in order; anything between blocks is skipped.
    ///
    /// Errors: input over [`MAX_PEM_BYTES`], no certificate block, a block without its END
    /// line or with bad base64, more than [`MAX_CHAIN_CERTS`] blocks, a block over
    /// [`MAX_CERT_BYTES`].
    pub fn from_pem(bytes: &[u8], source_name: &str) -> Result<CertChain, Error> {
        check_input_size(bytes, source_name)?;
        let mut entries = Vec::new();
        let mut pos = 0;
        while let Some(begin) = find(bytes, b"-----BEGIN ", pos) {
            let label_start = begin + b"-----BEGIN ".len();
            let Some(label_end) = find(bytes, b"-----", label_start) else {
                return Err(cert_error(
                    source_name,
                    begin,
                    "unterminated PEM BEGIN line",
                ));
            };
            let label = bytes.get(label_start..label_end).unwrap_or_default();
            let body_start = label_end + 5;
            let mut end_marker = b"-----END ".to_vec();
            end_marker.extend_from_slice(label);
            end_marker.extend_from_slice(b"-----");
            let Some(end) = find(bytes, &end_marker, body_start) else {
                return Err(cert_error(
                    source_name,
                    begin,
                    "PEM block without its END line",
                ));
            };
            pos = end + end_marker.len();
            if !matches!(
                label,
                b"CERTIFICATE" | b"X509 CERTIFICATE" | b"TRUSTED CERTIFICATE"
            ) {
                continue;
            }
            if entries.len() >= MAX_CHAIN_CERTS {
                return Err(too_many_certs(source_name, entries.len() + 1));
            }
            let body = bytes.get(body_start..end).unwrap_or_default();
            let der = base64_decode(body).map_err(|rel| {
                cert_error(
                    source_name,
                    body_start + rel,
                    "invalid base64 in PEM certificate block",
                )
            })?;
            check_cert_size(der.len(), source_name)?;
            entries.push(ChainEntry { offset: begin, der });
        }
        if entries.is_empty() {
            return Err(cert_error(source_name, 0, "no PEM CERTIFICATE block found"));
        }
        Ok(CertChain {
            source_name: source_name.to_owned(),
            entries,
        })
    }

    /// Read one or more DER certificates written back to back. Trailing bytes that do not
    /// start a DER SEQUENCE are an error.
    pub fn from_der(bytes: &[u8], source_name: &str) -> Result<CertChain, Error> {
        check_input_size(bytes, source_name)?;
        let mut entries = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let rest = bytes.get(pos..).unwrap_or_default();
            let len = der_element_len(rest)
                .ok_or_else(|| cert_error(source_name, pos, "not a DER certificate"))?;
            if entries.len() >= MAX_CHAIN_CERTS {
                return Err(too_many_certs(source_name, entries.len() + 1));
            }
            check_cert_size(len, source_name)?;
            let der = rest.get(..len).unwrap_or_default().to_vec();
            entries.push(ChainEntry { offset: pos, der });
            pos += len;
        }
        if entries.is_empty() {
            return Err(cert_error(source_name, 0, "empty certificate input"));
        }
        Ok(CertChain {
            source_name: source_name.to_owned(),
            entries,
        })
    }

    /// The certificates, leaf first.
    pub fn entries(&self) -> &[ChainEntry] {
        &self.entries
    }

    /// Number of certificates.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no certificates (never true for a parsed chain).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The source name given when reading.
    pub fn source_name(&self) -> &str {
        &self.source_name
    }
}

fn check_input_size(bytes: &[u8], source_name: &str) -> Result<(), Error> {
    if bytes.len() > MAX_PEM_BYTES {
        return Err(Error::new(
            source_name.to_owned(),
            0,
            ErrorKind::TooLarge {
                what: "certificate input bytes",
                max: MAX_PEM_BYTES,
                len: bytes.len(),
            },
        ));
    }
    Ok(())
}

/// The error for a chain of more than [`MAX_CHAIN_CERTS`] certificates (`len` so far).
fn too_many_certs(source_name: &str, len: usize) -> Error {
    Error::new(
        source_name.to_owned(),
        0,
        ErrorKind::TooLarge {
            what: "certificates in a chain",
            max: MAX_CHAIN_CERTS,
            len,
        },
    )
}

fn check_cert_size(len: usize, source_name: &str) -> Result<(), Error> {
    if len > MAX_CERT_BYTES {
        return Err(Error::new(
            source_name.to_owned(),
            0,
            ErrorKind::TooLarge {
                what: "certificate DER bytes",
                max: MAX_CERT_BYTES,
                len,
            },
        ));
    }
    Ok(())
}

fn cert_error(source_name: &str, offset: usize, message: &str) -> Error {
    Error::new(
        source_name.to_owned(),
        0,
        ErrorKind::Certificate {
            offset,
            message: message.to_owned(),
        },
    )
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let h = hay.get(from..)?;
    if needle.is_empty() || h.len() < needle.len() {
        return None;
    }
    h.windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Total length (header + content) of the DER SEQUENCE at the start of `b`.
fn der_element_len(b: &[u8]) -> Option<usize> {
    if *b.first()? != 0x30 {
        return None;
    }
    let first = usize::from(*b.get(1)?);
    let (header, content) = if first < 0x80 {
        (2, first)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*b.get(2 + i)?);
        }
        (2 + n, len)
    };
    let total = header.checked_add(content)?;
    (total <= b.len()).then_some(total)
}

/// Decode standard base64, ignoring ASCII whitespace. On error, the offset of the bad byte.
fn base64_decode(input: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut padding = 0usize;
    for (i, &c) in input.iter().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                if padding > 2 {
                    return Err(i);
                }
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return Err(i),
        };
        if padding > 0 {
            return Err(i);
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    if bits >= 6 {
        // A single leftover character cannot encode a byte.
        return Err(input.len());
    }
    Ok(out)
}

/// Trust anchors for chain verification.
#[derive(Debug, Clone)]
pub struct TrustStore {
    anchors: Vec<TrustAnchor<'static>>,
    extra: usize,
}

impl TrustStore {
    /// The public web roots (`webpki-roots`, Mozilla's list).
    pub fn with_public_roots() -> TrustStore {
        TrustStore {
            anchors: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            extra: 0,
        }
    }

    /// No anchors at all (only caller-supplied ones will be trusted).
    pub fn empty() -> TrustStore {
        TrustStore {
            anchors: Vec::new(),
            extra: 0,
        }
    }

    /// Add every certificate of a PEM (or DER) input as a trust anchor; returns how many.
    pub fn add_pem(&mut self, bytes: &[u8], source_name: &str) -> Result<usize, Error> {
        let chain = CertChain::parse(bytes, source_name)?;
        for e in chain.entries() {
            self.add_der(&e.der, source_name, e.offset)?;
        }
        Ok(chain.len())
    }

    /// Add one DER certificate as a trust anchor (`offset` is used in errors).
    pub fn add_der(&mut self, der: &[u8], source_name: &str, offset: usize) -> Result<(), Error> {
        if self.extra >= MAX_TRUST_ANCHORS {
            return Err(Error::new(
                source_name.to_owned(),
                0,
                ErrorKind::TooLarge {
                    what: "caller-supplied trust anchors",
                    max: MAX_TRUST_ANCHORS,
                    len: self.extra + 1,
                },
            ));
        }
        let cert = CertificateDer::from(der);
        let anchor = webpki::anchor_from_trusted_cert(&cert).map_err(|e| {
            cert_error(
                source_name,
                offset,
                &format!("unusable trust anchor: {e:?}"),
            )
        })?;
        self.anchors.push(anchor.to_owned());
        self.extra += 1;
        Ok(())
    }

    /// Number of anchors (public and caller-supplied).
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether there are no anchors.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}

/// The leaf's validity period at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Validity {
    /// `now` is before notBefore.
    NotYetValid,
    /// `now` is within the period.
    Valid,
    /// `now` is after notAfter.
    Expired,
}

/// The outcome of chain verification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum ChainStatus {
    /// Verified to a trust anchor, every certificate valid at `now`.
    Trusted,
    /// Verifies to a trust anchor, but not at `now` (a certificate expired or not yet valid).
    TrustedOutsideValidity,
    /// Not verified: the leaf is self-signed (subject = issuer) and not itself an anchor.
    SelfSigned,
    /// Not verified: no path to any trust anchor.
    UnknownIssuer,
    /// Not verified for another reason (bad signature, constraints, key usage, ...).
    Invalid(String),
}

/// The validation level a certificate claims (see the module docs for the rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum ValidationLevel {
    /// Extended validation.
    Ev,
    /// Organisation (or individual) validated: the subject carries an organisation.
    Ov,
    /// Domain validated: names only.
    Dv,
}

/// One class a certificate falls in (a certificate has several).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum CertClass {
    /// Extended validation.
    Ev,
    /// Organisation validated.
    Ov,
    /// Domain validated.
    Dv,
    /// A wildcard name.
    Wildcard,
    /// Shared between unrelated domains, or a CDN's certificate.
    SharedOrCdn,
    /// A device's or software's built-in default certificate.
    DeviceDefault,
    /// Subject equals issuer.
    SelfSigned,
    /// The chain is not trusted at `now` (any [`ChainStatus`] but `Trusted`).
    Untrusted,
    /// The leaf has expired at `now`.
    Expired,
    /// The leaf is not yet valid at `now`.
    NotYetValid,
}

/// Everything learnt from one certificate chain.
///
/// # Reading
/// [`CertChain::parse`] takes PEM (one or more `CERTIFICATE` blocks, leaf first; text and other
/// PEM blocks between them are skipped) or DER (one or more certificates back to back).
///
/// # Verification
/// [`TrustStore`] holds trust anchors: the public roots of the `webpki-roots` crate (Mozilla's
/// list) and/or caller-supplied PEM anchors (a lab CA, a world's test root). The chain is
/// verified with `rustls-webpki` (pure Rust, `ring` signatures): signatures up to an anchor,
/// basic constraints, name constraints, the serverAuth extended key usage when present, and
/// validity of every certificate at `now` ([`ChainStatus`]). A chain that verifies only at a
/// time inside the leaf's validity is [`ChainStatus::TrustedOutsideValidity`].
///
/// # Classification ([`CertClass`])
/// * Validation level: `Ev` when the CA/B Forum EV policy `2.23.140.1.1` is present or the
///   subject has `jurisdictionCountryName`; else `Ov` for the OV/IV policies
///   (`2.23.140.1.2.2`, `2.23.140.1.2.3`); else `Dv` for the DV policy `2.23.140.1.2.1`; without
///   a CA/B policy: `Ov` when the subject has an organisation (O), `Dv` otherwise.
/// * `Wildcard`: a DNS name (SAN, or the CN when there is no SAN) starts with `*.`.
/// * `SharedOrCdn` and `DeviceDefault` are not the parser's: they are the verdict of the
///   knowledge table (`data/knowledge.txt`, [`Knowledge::certificate`]) on the facts above
///   (registrable domains, subject and issuer O/OU/CN, chain status). [`analyze_cert`] and
///   [`analyze_cert_chain`] apply the built-in table; the snapshot applies its own.
/// * `SelfSigned` (subject = issuer), `Untrusted` (the chain is not [`ChainStatus::Trusted`]),
///   `Expired`, `NotYetValid` (the leaf at `now`).
///
/// [`CertAnalysis::points_to_business`] combines them: trusted at `now`, not shared/CDN, not a
/// device default, and with at least one registrable domain or an organisation.
///
/// # Limits
/// [`MAX_PEM_BYTES`] (input size), [`MAX_CHAIN_CERTS`], [`MAX_CERT_BYTES`] (one certificate),
/// [`MAX_SAN_ENTRIES`], [`MAX_TRUST_ANCHORS`]: over a cap is an [`ErrorKind::TooLarge`]. SAN DNS
/// names longer than [`crate::ptr::MAX_NAME_LEN`] are not used and are listed in
/// [`CertAnalysis::invalid_names`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct CertAnalysis {
    /// The leaf's subject (RFC 4514-like text).
    pub subject: String,
    /// The leaf's first subject CN.
    pub subject_cn: Option<String>,
    /// The leaf's first subject O.
    pub subject_o: Option<String>,
    /// The leaf's subject OUs.
    pub subject_ou: Vec<String>,
    /// The leaf's issuer (RFC 4514-like text).
    pub issuer: String,
    /// The issuer's first CN.
    pub issuer_cn: Option<String>,
    /// The issuer's first O.
    pub issuer_o: Option<String>,
    /// The serial number as colon-separated hex.
    pub serial: String,
    /// notBefore.
    pub not_before: DateTime<Utc>,
    /// notAfter.
    pub not_after: DateTime<Utc>,
    /// The leaf's validity at `now`.
    pub validity: Validity,
    /// Subject equals issuer.
    pub self_signed: bool,
    /// SAN DNS names, normalised (lowercase A-labels; wildcards kept as `*.name`), in order,
    /// de-duplicated.
    pub dns_names: Vec<String>,
    /// SAN IP addresses.
    pub ip_addresses: Vec<IpAddr>,
    /// SAN DNS names that are not valid names (cut to 300 characters).
    pub invalid_names: Vec<String>,
    /// Certificate policy OIDs (dotted).
    pub policies: Vec<String>,
    /// The claimed validation level.
    pub validation: ValidationLevel,
    /// Distinct registrable domains of the names (the SAN DNS names, or the CN when there are
    /// none), in first-seen order.
    pub registrable_domains: Vec<String>,
    /// Chain verification at `now`.
    pub chain: ChainStatus,
    /// Number of certificates in the input.
    pub chain_len: usize,
    /// The device vendor, when [`CertClass::DeviceDefault`] came from a vendor name.
    pub device_vendor: Option<String>,
    /// All classes, in the order of [`CertClass`]'s variants.
    pub classes: Vec<CertClass>,
}

impl CertAnalysis {
    /// Whether the analysis has `class`.
    pub fn is(&self, class: CertClass) -> bool {
        self.classes.contains(&class)
    }

    /// Whether the certificate is evidence for one business: trusted at `now`, not
    /// shared/CDN, not a device default, and naming a registrable domain or an organisation.
    pub fn points_to_business(&self) -> bool {
        self.chain == ChainStatus::Trusted
            && !self.is(CertClass::SharedOrCdn)
            && !self.is(CertClass::DeviceDefault)
            && (!self.registrable_domains.is_empty() || self.subject_o.is_some())
    }
}

/// Read a chain (PEM or DER) and analyse it.
///
/// ```
/// use ip_attribution::{TrustStore, analyze_cert};
/// let err = analyze_cert(b"not a certificate", "x.pem", &TrustStore::empty(), Default::default());
/// assert!(err.is_err());
/// ```
pub fn analyze_cert(
    bytes: &[u8],
    source_name: &str,
    trust: &TrustStore,
    now: DateTime<Utc>,
) -> Result<CertAnalysis, Error> {
    let chain = CertChain::parse(bytes, source_name)?;
    analyze_cert_chain(&chain, trust, now)
}

/// Analyse a chain: the leaf's facts, chain verification against `trust` at `now`, and the
/// classes (see the module docs).
pub fn analyze_cert_chain(
    chain: &CertChain,
    trust: &TrustStore,
    now: DateTime<Utc>,
) -> Result<CertAnalysis, Error> {
    let source = chain.source_name();
    let leaf_entry = chain
        .entries()
        .first()
        .ok_or_else(|| cert_error(source, 0, "empty chain"))?;
    // Every certificate must parse, so that a broken intermediate is reported with its offset.
    for e in chain.entries().iter().skip(1) {
        parse_x509(&e.der, source, e.offset)?;
    }
    let leaf = parse_x509(&leaf_entry.der, source, leaf_entry.offset)?;

    let subject_cn = first_attr(leaf.subject().iter_common_name());
    let subject_o = first_attr(leaf.subject().iter_organization());
    let subject_ou: Vec<String> = leaf
        .subject()
        .iter_organizational_unit()
        .filter_map(|a| attr_text(a))
        .collect();
    let issuer_cn = first_attr(leaf.issuer().iter_common_name());
    let issuer_o = first_attr(leaf.issuer().iter_organization());

    let not_before = asn1_time(leaf.validity().not_before.timestamp());
    let not_after = asn1_time(leaf.validity().not_after.timestamp());
    let validity = if now < not_before {
        Validity::NotYetValid
    } else if now > not_after {
        Validity::Expired
    } else {
        Validity::Valid
    };
    let self_signed = leaf.subject().as_raw() == leaf.issuer().as_raw();

    // Extensions.
    let mut dns_names: Vec<String> = Vec::new();
    let mut ip_addresses = Vec::new();
    let mut invalid_names = Vec::new();
    let mut policies = Vec::new();
    let mut san_count = 0usize;
    for ext in leaf.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => {
                for gn in &san.general_names {
                    san_count += 1;
                    if san_count > MAX_SAN_ENTRIES {
                        return Err(Error::new(
                            source.to_owned(),
                            0,
                            ErrorKind::TooLarge {
                                what: "subjectAltName entries",
                                max: MAX_SAN_ENTRIES,
                                len: san.general_names.len(),
                            },
                        ));
                    }
                    match gn {
                        GeneralName::DNSName(n) => match normalise_cert_name(n) {
                            Some(n) => {
                                if !dns_names.contains(&n) {
                                    dns_names.push(n);
                                }
                            }
                            None => invalid_names.push(n.chars().take(300).collect()),
                        },
                        GeneralName::IPAddress(b) => {
                            if let Some(ip) = ip_from_bytes(b)
                                && !ip_addresses.contains(&ip)
                            {
                                ip_addresses.push(ip);
                            }
                        }
                        _ => {}
                    }
                }
            }
            ParsedExtension::CertificatePolicies(p) => {
                policies.extend(p.iter().map(|pi| pi.policy_id.to_id_string()));
            }
            _ => {}
        }
    }

    // Names for registrable domains: SAN DNS names, else a CN that is a DNS name.
    let mut names_for_domains: Vec<String> = dns_names.clone();
    if names_for_domains.is_empty()
        && let Some(cn) = &subject_cn
        && cn.contains('.')
        && let Some(n) = normalise_cert_name(cn)
    {
        names_for_domains.push(n);
    }
    let mut registrable_domains: Vec<String> = Vec::new();
    for n in &names_for_domains {
        let base = n.strip_prefix("*.").unwrap_or(n);
        if let Some(r) = registrable_domain_str(base)
            && !registrable_domains.contains(&r.domain)
        {
            registrable_domains.push(r.domain);
        }
    }

    let validation = validation_level(&policies, leaf.subject(), subject_o.is_some());
    let chain_status = verify(chain, trust, now, not_before, not_after, self_signed);

    // Classes.
    let wildcard = names_for_domains.iter().any(|n| n.starts_with("*."));
    let mut classes = Vec::new();
    classes.push(match validation {
        ValidationLevel::Ev => CertClass::Ev,
        ValidationLevel::Ov => CertClass::Ov,
        ValidationLevel::Dv => CertClass::Dv,
    });
    if wildcard {
        classes.push(CertClass::Wildcard);
    }
    if self_signed {
        classes.push(CertClass::SelfSigned);
    }
    if chain_status != ChainStatus::Trusted {
        classes.push(CertClass::Untrusted);
    }
    match validity {
        Validity::Expired => classes.push(CertClass::Expired),
        Validity::NotYetValid => classes.push(CertClass::NotYetValid),
        Validity::Valid => {}
    }

    let mut analysis = CertAnalysis {
        subject: leaf.subject().to_string(),
        subject_cn,
        subject_o,
        subject_ou,
        issuer: leaf.issuer().to_string(),
        issuer_cn,
        issuer_o,
        serial: leaf.raw_serial_as_string(),
        not_before,
        not_after,
        validity,
        self_signed,
        dns_names,
        ip_addresses,
        invalid_names,
        policies,
        validation,
        registrable_domains,
        chain: chain_status,
        chain_len: chain.len(),
        device_vendor: None,
        classes,
    };
    apply_knowledge(&mut analysis, Knowledge::builtin_ref());
    Ok(analysis)
}

/// Sets the classes that need knowledge ([`CertClass::SharedOrCdn`],
/// [`CertClass::DeviceDefault`]) and [`CertAnalysis::device_vendor`] from `knowledge`'s verdict
/// on the facts ([`Knowledge::certificate`]), replacing any earlier verdict.
pub(crate) fn apply_knowledge(analysis: &mut CertAnalysis, knowledge: &Knowledge) {
    let verdict = knowledge.certificate(analysis);
    analysis
        .classes
        .retain(|c| !matches!(c, CertClass::SharedOrCdn | CertClass::DeviceDefault));
    if verdict.shared {
        analysis.classes.push(CertClass::SharedOrCdn);
    }
    if verdict.device_default {
        analysis.classes.push(CertClass::DeviceDefault);
    }
    // In the order of the variants.
    analysis.classes.sort_by_key(|c| *c as u8);
    analysis.device_vendor = verdict.device_vendor;
}

fn parse_x509<'a>(
    der: &'a [u8],
    source: &str,
    offset: usize,
) -> Result<X509Certificate<'a>, Error> {
    match x509_parser::parse_x509_certificate(der) {
        Ok((_, cert)) => Ok(cert),
        Err(e) => Err(cert_error(
            source,
            offset,
            &format!("not an X.509 certificate: {e}"),
        )),
    }
}

fn attr_text(a: &x509_parser::x509::AttributeTypeAndValue<'_>) -> Option<String> {
    match a.as_str() {
        Ok(s) => Some(s.trim().to_owned()),
        Err(_) => {
            // BMPString and other encodings: best effort.
            let raw = a.as_slice();
            if raw.len().is_multiple_of(2) && raw.iter().step_by(2).all(|b| *b == 0) {
                let units: Vec<u16> = raw
                    .chunks_exact(2)
                    .map(|c| match c {
                        [a, b] => u16::from_be_bytes([*a, *b]),
                        _ => 0,
                    })
                    .collect();
                String::from_utf16(&units).ok()
            } else {
                Some(String::from_utf8_lossy(raw).trim().to_owned())
            }
        }
    }
}

fn first_attr<'a>(
    mut it: impl Iterator<Item = &'a x509_parser::x509::AttributeTypeAndValue<'a>>,
) -> Option<String> {
    it.find_map(|a| attr_text(a).filter(|s| !s.is_empty()))
}

fn asn1_time(ts: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(ts, 0).unwrap_or_default()
}

/// Normalise a certificate DNS name; a leading `*.` is kept.
fn normalise_cert_name(n: &str) -> Option<String> {
    if let Some(rest) = n.strip_prefix("*.") {
        DnsName::parse(rest).ok().map(|d| format!("*.{d}"))
    } else {
        DnsName::parse(n).ok().map(|d| d.as_str().to_owned())
    }
}

fn ip_from_bytes(b: &[u8]) -> Option<IpAddr> {
    if let Ok(a) = <[u8; 4]>::try_from(b) {
        return Some(IpAddr::V4(Ipv4Addr::from(a)));
    }
    if let Ok(a) = <[u8; 16]>::try_from(b) {
        return Some(IpAddr::V6(Ipv6Addr::from(a)));
    }
    None
}

const POLICY_EV: &str = "2.23.140.1.1";
const POLICY_DV: &str = "2.23.140.1.2.1";
const POLICY_OV: &str = "2.23.140.1.2.2";
const POLICY_IV: &str = "2.23.140.1.2.3";
const OID_JURISDICTION_COUNTRY: &str = "1.3.6.1.4.1.311.60.2.1.3";

fn validation_level(policies: &[String], subject: &X509Name<'_>, has_o: bool) -> ValidationLevel {
    let has = |p: &str| policies.iter().any(|x| x == p);
    let jurisdiction = subject
        .iter_attributes()
        .any(|a| a.attr_type().to_id_string() == OID_JURISDICTION_COUNTRY);
    if has(POLICY_EV) || jurisdiction {
        ValidationLevel::Ev
    } else if has(POLICY_OV) || has(POLICY_IV) {
        ValidationLevel::Ov
    } else if has(POLICY_DV) {
        ValidationLevel::Dv
    } else if has_o {
        ValidationLevel::Ov
    } else {
        ValidationLevel::Dv
    }
}

fn unix_time(t: DateTime<Utc>) -> UnixTime {
    let secs = u64::try_from(t.timestamp()).unwrap_or(0);
    UnixTime::since_unix_epoch(Duration::from_secs(secs))
}

fn verify(
    chain: &CertChain,
    trust: &TrustStore,
    now: DateTime<Utc>,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
    self_signed: bool,
) -> ChainStatus {
    let Some(leaf) = chain.entries().first() else {
        return ChainStatus::Invalid("empty chain".to_owned());
    };
    let leaf_der = CertificateDer::from(leaf.der.as_slice());
    let ee = match webpki::EndEntityCert::try_from(&leaf_der) {
        Ok(ee) => ee,
        Err(e) => return ChainStatus::Invalid(format!("{e:?}")),
    };
    let intermediates: Vec<CertificateDer<'_>> = chain
        .entries()
        .iter()
        .skip(1)
        .map(|e| CertificateDer::from(e.der.as_slice()))
        .collect();
    let attempt = |at: DateTime<Utc>| {
        ee.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &trust.anchors,
            &intermediates,
            unix_time(at),
            webpki::KeyUsage::server_auth(),
            None,
            None,
        )
        .map(|_| ())
    };
    match attempt(now) {
        Ok(()) => ChainStatus::Trusted,
        Err(e) => {
            let time_error = matches!(
                e,
                webpki::Error::CertExpired { .. } | webpki::Error::CertNotValidYet { .. }
            );
            if time_error {
                let mid = not_before + (not_after - not_before) / 2;
                if attempt(mid).is_ok() {
                    return ChainStatus::TrustedOutsideValidity;
                }
            }
            match e {
                webpki::Error::UnknownIssuer if self_signed => ChainStatus::SelfSigned,
                webpki::Error::UnknownIssuer => ChainStatus::UnknownIssuer,
                webpki::Error::CaUsedAsEndEntity if self_signed => ChainStatus::SelfSigned,
                other if time_error && self_signed => {
                    let _ = other;
                    ChainStatus::SelfSigned
                }
                other => ChainStatus::Invalid(format!("{other:?}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_roundtrip_and_errors() {
        assert_eq!(base64_decode(b"aGVs\nbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode(b"aGVsbG8h").unwrap(), b"hello!");
        assert!(base64_decode(b"aGV*").is_err());
        assert!(base64_decode(b"a").is_err());
        assert!(base64_decode(b"aG==x").is_err());
    }

    #[test]
    fn der_lengths() {
        assert_eq!(der_element_len(&[0x30, 0x00]), Some(2));
        assert_eq!(der_element_len(&[0x30, 0x81, 0x01, 0xff]), Some(4));
        assert_eq!(der_element_len(&[0x30, 0x85, 1, 1, 1, 1, 1]), None);
        assert_eq!(der_element_len(&[0x30, 0x05, 0]), None);
        assert_eq!(der_element_len(&[0x31, 0x00]), None);
    }
}
