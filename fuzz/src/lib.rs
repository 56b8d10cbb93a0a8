//! Helpers shared by the fuzz targets: the line of an `ip_attribution::Error` and line counts.

use ip_attribution::{Error, ErrorKind};

/// The 1-based line an error names, when its kind has a line (not a byte offset, a name or a
/// folder).
pub fn error_line(e: &Error) -> Option<usize> {
    match e.kind() {
        ErrorKind::Certificate { .. }
        | ErrorKind::InvalidName { .. }
        | ErrorKind::SnapshotEmpty { .. }
        | ErrorKind::SnapshotIncomplete { .. }
        | ErrorKind::Io { .. } => None,
        _ => Some(e.line()),
    }
}

/// Lines as a line-by-line reader counts them: every `\n` ends one, and bytes after the last
/// `\n` are one more.
pub fn line_count(data: &[u8]) -> usize {
    let newlines = data.iter().filter(|&&b| b == b'\n').count();
    if data.last().is_some_and(|&b| b != b'\n') {
        newlines + 1
    } else {
        newlines
    }
}

/// The fixed clock of the certificate targets: 2026-11-30T12:00:00Z.
pub fn cert_now() -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 30, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Checks one certificate input read as `chain` (or the error reading it): entries and errors
/// point into the input, and the analysis without trust anchors is consistent.
pub fn check_certificate(data: &[u8], chain: Result<ip_attribution::CertChain, Error>, pem: bool) {
    use ip_attribution::limits::{MAX_CERT_BYTES, MAX_CHAIN_CERTS};
    use ip_attribution::{
        CertClass, ChainStatus, TrustStore, ValidationLevel, Validity, analyze_cert_chain,
    };
    let chain = match chain {
        Ok(chain) => chain,
        Err(e) => match e.kind() {
            ErrorKind::Certificate { offset, .. } => {
                assert!(
                    *offset <= data.len(),
                    "error offset {offset} past {}",
                    data.len()
                );
                return;
            }
            ErrorKind::TooLarge { .. } => return,
            _ => panic!("unexpected error kind: {e}"),
        },
    };
    assert!(!chain.is_empty() && chain.len() <= MAX_CHAIN_CERTS);
    let mut previous: Option<usize> = None;
    for entry in chain.entries() {
        assert!(
            previous.is_none_or(|p| p < entry.offset),
            "offsets increase"
        );
        previous = Some(entry.offset);
        // An empty PEM CERTIFICATE block gives an empty entry; `analyze_cert_chain` reports it.
        assert!(entry.der.len() <= MAX_CERT_BYTES);
        let at = data.get(entry.offset..).unwrap_or_default();
        if pem {
            assert!(at.starts_with(b"-----BEGIN "), "PEM entry offset");
        } else {
            assert!(at.starts_with(&entry.der), "DER entry is the input's bytes");
        }
    }
    if !pem {
        let total: usize = chain.entries().iter().map(|e| e.der.len()).sum();
        assert_eq!(total, data.len(), "DER entries cover the input");
    }

    let now = cert_now();
    let Ok(a) = analyze_cert_chain(&chain, &TrustStore::empty(), now) else {
        return;
    };
    assert_eq!(a.chain_len, chain.len());
    assert!(
        !matches!(
            a.chain,
            ChainStatus::Trusted | ChainStatus::TrustedOutsideValidity
        ),
        "trusted without anchors: {:?}",
        a.chain
    );
    assert!(a.is(CertClass::Untrusted));
    assert!(!a.points_to_business());
    match a.validity {
        Validity::Valid => assert!(a.not_before <= now && now <= a.not_after),
        Validity::Expired => assert!(now > a.not_after),
        Validity::NotYetValid => assert!(now < a.not_before),
        _ => {}
    }
    assert_eq!(a.is(CertClass::Expired), a.validity == Validity::Expired);
    assert_eq!(
        a.is(CertClass::NotYetValid),
        a.validity == Validity::NotYetValid
    );
    assert_eq!(a.is(CertClass::SelfSigned), a.self_signed);
    let level = match a.validation {
        ValidationLevel::Ev => CertClass::Ev,
        ValidationLevel::Ov => CertClass::Ov,
        _ => CertClass::Dv,
    };
    assert!(a.is(level), "{:?} without {level:?}", a.classes);
    let levels = [CertClass::Ev, CertClass::Ov, CertClass::Dv];
    assert_eq!(
        levels.iter().filter(|c| a.is(**c)).count(),
        1,
        "{:?}",
        a.classes
    );
    for (i, n) in a.dns_names.iter().enumerate() {
        assert!(!n.bytes().any(|b| b.is_ascii_uppercase()), "{n:?}");
        assert!(!a.dns_names[..i].contains(n), "duplicate {n:?}");
    }
    for (i, d) in a.registrable_domains.iter().enumerate() {
        assert!(!a.registrable_domains[..i].contains(d), "duplicate {d:?}");
    }
    if a.dns_names.iter().any(|n| n.starts_with("*.")) {
        assert!(a.is(CertClass::Wildcard));
    }
}

/// The streaming feed reader's findings (or whole-file error, as text) over `data` pushed in
/// chunks of `step` bytes, asserting that it never holds more than the feed caps plus a chunk.
pub fn feed_streamed(
    name: &str,
    data: &[u8],
    step: usize,
) -> Result<Vec<ip_attribution::Finding>, String> {
    use ip_attribution::limits::{MAX_INTELMQ_LINE_BYTES, MAX_RECORD_BYTES};
    use ip_attribution::{FeedReader, Pull};
    let window = MAX_RECORD_BYTES.max(MAX_INTELMQ_LINE_BYTES) + 5;
    let mut reader = FeedReader::new(name);
    let mut out = Vec::new();
    let mut chunks = data.chunks(step.max(1));
    loop {
        match reader.next_finding().map_err(|e| e.to_string())? {
            Pull::Item(f) => out.push(f),
            Pull::NeedMore => match chunks.next() {
                Some(c) => {
                    reader.push(c);
                    assert!(reader.buffered() <= window + step.max(1));
                }
                None => reader.finish(),
            },
            _ => return Ok(out),
        }
    }
}
