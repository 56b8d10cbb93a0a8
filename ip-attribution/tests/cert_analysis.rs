//! Certificates: reading PEM/DER chains, facts, verification against anchors, classification and
//! caps. Every certificate is generated here with rcgen (ECDSA P-256), so nothing is checked in.

use std::net::IpAddr;

use chrono::{DateTime, TimeZone, Utc};
use ip_attribution::{
    CertChain, CertClass, ChainStatus, Error, ErrorKind, TrustStore, ValidationLevel, Validity,
    analyze_cert, analyze_cert_chain,
    limits::{MAX_CERT_BYTES, MAX_CHAIN_CERTS, MAX_PEM_BYTES, MAX_SAN_ENTRIES, MAX_TRUST_ANCHORS},
};
use proptest::prelude::*;
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, IsCa, Issuer,
    KeyPair, KeyUsagePurpose, date_time_ymd,
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
}

struct Ca {
    pem: String,
    der: Vec<u8>,
    issuer: Issuer<'static, KeyPair>,
}

fn dn(pairs: &[(DnType, &str)]) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    for (t, v) in pairs {
        dn.push(t.clone(), *v);
    }
    dn
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name = dn(&[
        (DnType::OrganizationName, "Test Trust Services"),
        (DnType::CommonName, cn),
    ]);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = date_time_ymd(2020, 1, 1);
    p.not_after = date_time_ymd(2040, 1, 1);
    p
}

fn root(cn: &str) -> Ca {
    let key = KeyPair::generate().unwrap();
    let params = ca_params(cn);
    let cert = params.self_signed(&key).unwrap();
    Ca {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        issuer: Issuer::new(params, key),
    }
}

fn intermediate(parent: &Ca, cn: &str) -> Ca {
    let key = KeyPair::generate().unwrap();
    let params = ca_params(cn);
    let cert = params.signed_by(&key, &parent.issuer).unwrap();
    Ca {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        issuer: Issuer::new(params, key),
    }
}

/// certificatePolicies with one policy OID under 2.23.140.1 (`tail` = the arcs after it).
fn policy(tail: &[u8]) -> CustomExtension {
    let mut oid = vec![0x67, 0x81, 0x0c, 0x01];
    oid.extend_from_slice(tail);
    let mut info = vec![0x06, oid.len() as u8];
    info.extend_from_slice(&oid);
    let mut pi = vec![0x30, info.len() as u8];
    pi.extend_from_slice(&info);
    let mut seq = vec![0x30, pi.len() as u8];
    seq.extend_from_slice(&pi);
    CustomExtension::from_oid_content(&[2, 5, 29, 32], seq)
}

struct Leaf {
    names: Vec<String>,
    subject: Vec<(DnType, String)>,
    not_before: (i32, u8, u8),
    not_after: (i32, u8, u8),
    policy: Option<Vec<u8>>,
}

impl Leaf {
    fn new(names: &[&str]) -> Leaf {
        Leaf {
            names: names.iter().map(|s| s.to_string()).collect(),
            subject: names
                .first()
                .map(|n| vec![(DnType::CommonName, n.to_string())])
                .unwrap_or_default(),
            not_before: (2026, 1, 1),
            not_after: (2027, 1, 1),
            policy: None,
        }
    }

    fn subject(mut self, pairs: &[(DnType, &str)]) -> Leaf {
        self.subject = pairs
            .iter()
            .map(|(t, v)| (t.clone(), v.to_string()))
            .collect();
        self
    }

    fn valid(mut self, from: (i32, u8, u8), to: (i32, u8, u8)) -> Leaf {
        self.not_before = from;
        self.not_after = to;
        self
    }

    fn policy(mut self, tail: &[u8]) -> Leaf {
        self.policy = Some(tail.to_vec());
        self
    }

    fn params(&self) -> CertificateParams {
        let mut p = CertificateParams::new(self.names.clone()).unwrap();
        let mut d = DistinguishedName::new();
        for (t, v) in &self.subject {
            d.push(t.clone(), v.as_str());
        }
        p.distinguished_name = d;
        p.not_before = date_time_ymd(self.not_before.0, self.not_before.1, self.not_before.2);
        p.not_after = date_time_ymd(self.not_after.0, self.not_after.1, self.not_after.2);
        if let Some(tail) = &self.policy {
            p.custom_extensions.push(policy(tail));
        }
        p
    }

    /// PEM of leaf followed by `chain` (intermediates).
    fn signed(&self, by: &Ca, chain: &[&Ca]) -> String {
        let key = KeyPair::generate().unwrap();
        let cert = self.params().signed_by(&key, &by.issuer).unwrap();
        let mut pem = cert.pem();
        for c in chain {
            pem.push_str(&c.pem);
        }
        pem
    }

    fn self_signed(&self) -> String {
        let key = KeyPair::generate().unwrap();
        self.params().self_signed(&key).unwrap().pem()
    }
}

struct Pki {
    root: Ca,
    inter: Ca,
    trust: TrustStore,
}

fn pki() -> Pki {
    let root = root("Test Root R1");
    let inter = intermediate(&root, "Test DV CA");
    let mut trust = TrustStore::with_public_roots();
    assert_eq!(trust.add_pem(root.pem.as_bytes(), "root.pem").unwrap(), 1);
    Pki { root, inter, trust }
}

fn check(pem: &str, trust: &TrustStore) -> ip_attribution::CertAnalysis {
    analyze_cert(pem.as_bytes(), "test.pem", trust, now()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn trusted_dv_leaf_through_an_intermediate() {
    let p = pki();
    let pem = Leaf::new(&["www.bakery.example", "bakery.example", "192.0.2.10"])
        .policy(&[2, 1])
        .signed(&p.inter, &[&p.inter]);
    let a = check(&pem, &p.trust);
    assert_eq!(a.chain, ChainStatus::Trusted);
    assert_eq!(a.chain_len, 2);
    assert_eq!(a.validity, Validity::Valid);
    assert_eq!(a.validation, ValidationLevel::Dv);
    assert_eq!(a.classes, [CertClass::Dv]);
    assert_eq!(a.subject_cn.as_deref(), Some("www.bakery.example"));
    assert_eq!(a.issuer_cn.as_deref(), Some("Test DV CA"));
    assert_eq!(a.issuer_o.as_deref(), Some("Test Trust Services"));
    assert_eq!(a.dns_names, ["www.bakery.example", "bakery.example"]);
    assert_eq!(a.ip_addresses, ["192.0.2.10".parse::<IpAddr>().unwrap()]);
    assert_eq!(a.registrable_domains, ["bakery.example"]);
    assert_eq!(a.policies, ["2.23.140.1.2.1"]);
    assert!(!a.self_signed);
    assert!(!a.serial.is_empty());
    assert_eq!(
        a.not_before,
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
    );
    assert!(a.points_to_business());
}

#[test]
fn unknown_issuer_without_the_anchor() {
    let p = pki();
    let pem = Leaf::new(&["www.bakery.example"]).signed(&p.inter, &[&p.inter]);
    let a = check(&pem, &TrustStore::with_public_roots());
    assert_eq!(a.chain, ChainStatus::UnknownIssuer);
    assert_eq!(a.classes, [CertClass::Dv, CertClass::Untrusted]);
    assert!(!a.points_to_business());
    // The intermediate missing from the chain: also unknown.
    let pem = Leaf::new(&["www.bakery.example"]).signed(&p.inter, &[]);
    assert_eq!(check(&pem, &p.trust).chain, ChainStatus::UnknownIssuer);
    // An empty store trusts nothing; the anchor alone is enough.
    let mut only = TrustStore::empty();
    assert!(only.is_empty());
    only.add_der(&p.root.der, "root.der", 0).unwrap();
    assert_eq!(only.len(), 1);
    let pem = Leaf::new(&["www.bakery.example"]).signed(&p.inter, &[&p.inter]);
    assert_eq!(check(&pem, &only).chain, ChainStatus::Trusted);
}

#[test]
fn validation_levels() {
    let p = pki();
    let ov = Leaf::new(&["www.shop.example"])
        .subject(&[
            (DnType::OrganizationName, "Shop Example B.V."),
            (DnType::CommonName, "www.shop.example"),
        ])
        .policy(&[2, 2])
        .signed(&p.inter, &[&p.inter]);
    let a = check(&ov, &p.trust);
    assert_eq!(a.validation, ValidationLevel::Ov);
    assert_eq!(a.subject_o.as_deref(), Some("Shop Example B.V."));
    assert!(a.points_to_business());

    let ev = Leaf::new(&["www.bank.example"])
        .subject(&[
            (DnType::OrganizationName, "Bank Example N.V."),
            (DnType::CommonName, "www.bank.example"),
        ])
        .policy(&[1])
        .signed(&p.inter, &[&p.inter]);
    assert_eq!(check(&ev, &p.trust).classes, [CertClass::Ev]);

    let jurisdiction = Leaf::new(&["www.bank.example"])
        .subject(&[
            (
                DnType::CustomDnType(vec![1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3]),
                "NL",
            ),
            (DnType::OrganizationName, "Bank Example N.V."),
            (DnType::CommonName, "www.bank.example"),
        ])
        .signed(&p.inter, &[&p.inter]);
    assert_eq!(
        check(&jurisdiction, &p.trust).validation,
        ValidationLevel::Ev
    );

    // Without a CA/B policy: an O makes it OV, names only DV.
    let o_only = Leaf::new(&["a.shop.example"])
        .subject(&[
            (DnType::OrganizationName, "Shop"),
            (DnType::OrganizationalUnitName, "IT"),
        ])
        .signed(&p.inter, &[&p.inter]);
    let a = check(&o_only, &p.trust);
    assert_eq!(a.validation, ValidationLevel::Ov);
    assert_eq!(a.subject_ou, ["IT"]);
    assert_eq!(a.subject_cn, None);
}

#[test]
fn wildcard_and_idn_names() {
    let p = pki();
    let pem = Leaf::new(&["*.shop.example", "xn--bcher-kva.example"]).signed(&p.inter, &[&p.inter]);
    let a = check(&pem, &p.trust);
    assert_eq!(a.dns_names, ["*.shop.example", "xn--bcher-kva.example"]);
    assert_eq!(
        a.registrable_domains,
        ["shop.example", "xn--bcher-kva.example"]
    );
    assert_eq!(a.classes, [CertClass::Dv, CertClass::Wildcard]);
    assert!(a.points_to_business());
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The built-in knowledge's shared-certificate threshold (registrable domains).
fn shared_min_domains() -> usize {
    ip_attribution::Knowledge::builtin_ref().cdn_cert_domains
}

#[test]
fn shared_certificates() {
    let p = pki();
    let shared_min = shared_min_domains();
    let names =
        |n: usize| -> Vec<String> { (0..n).map(|i| format!("www.site{i}.example")).collect() };

    let just_under = names(shared_min - 1);
    let a = check(
        &Leaf::new(&refs(&just_under)).signed(&p.inter, &[&p.inter]),
        &p.trust,
    );
    assert!(!a.is(CertClass::SharedOrCdn));
    let at = names(shared_min);
    let a = check(
        &Leaf::new(&refs(&at)).signed(&p.inter, &[&p.inter]),
        &p.trust,
    );
    assert!(a.is(CertClass::SharedOrCdn));
    assert_eq!(a.registrable_domains.len(), shared_min);
    assert!(!a.points_to_business());

    // One brand under many suffixes counts by its registrable domains too (the knowledge's one
    // threshold; the policy has always judged trusted certificates so).
    let brand: Vec<String> = [
        "nl", "de", "be", "fr", "co.uk", "es", "it", "at", "ch", "example",
    ]
    .iter()
    .map(|tld| format!("shop.{tld}"))
    .collect();
    let a = check(
        &Leaf::new(&refs(&brand)).signed(&p.inter, &[&p.inter]),
        &p.trust,
    );
    assert!(a.is(CertClass::SharedOrCdn));
    assert_eq!(a.registrable_domains.len(), 10);

    // A CDN by organisation, by the word CDN, and by an SNI-pool CN.
    for subject in [
        vec![
            (DnType::OrganizationName, "Cloudflare, Inc."),
            (DnType::CommonName, "a.example"),
        ],
        vec![
            (DnType::OrganizationName, "Nimbus CDN B.V."),
            (DnType::CommonName, "a.example"),
        ],
        vec![(DnType::CommonName, "sni12345.edgepool.example")],
    ] {
        let a = check(
            &Leaf::new(&["a.example"])
                .subject(&subject)
                .signed(&p.inter, &[&p.inter]),
            &p.trust,
        );
        assert!(a.is(CertClass::SharedOrCdn), "{subject:?}");
    }
}

#[test]
fn device_defaults() {
    let p = pki();
    let forti = Leaf::new(&[])
        .subject(&[
            (DnType::CountryName, "US"),
            (DnType::OrganizationName, "Fortinet"),
            (DnType::OrganizationalUnitName, "FortiGate"),
            (DnType::CommonName, "FGT60F8317201357"),
        ])
        .self_signed();
    let a = check(&forti, &p.trust);
    assert_eq!(a.chain, ChainStatus::SelfSigned);
    assert!(a.self_signed);
    assert_eq!(a.device_vendor.as_deref(), Some("Fortinet"));
    assert_eq!(
        a.classes,
        [
            CertClass::Ov,
            CertClass::DeviceDefault,
            CertClass::SelfSigned,
            CertClass::Untrusted
        ]
    );
    assert!(a.registrable_domains.is_empty());
    assert!(!a.points_to_business());

    // A serial-like CN alone, self-signed.
    let serial = Leaf::new(&[])
        .subject(&[(DnType::CommonName, "ABCD1234567890")])
        .self_signed();
    let a = check(&serial, &p.trust);
    assert!(a.is(CertClass::DeviceDefault));
    assert_eq!(a.device_vendor, None);

    // A default name.
    let local = Leaf::new(&["localhost"]).self_signed();
    assert!(check(&local, &p.trust).is(CertClass::DeviceDefault));

    // A vendor's name in the CN of a publicly trusted certificate is not a device default...
    let vendor_site = Leaf::new(&["www.vendor.example"])
        .subject(&[
            (DnType::OrganizationName, "Site Owner B.V."),
            (DnType::CommonName, "cisco.vendor.example"),
        ])
        .signed(&p.inter, &[&p.inter]);
    let a = check(&vendor_site, &p.trust);
    assert!(!a.is(CertClass::DeviceDefault));
    // ...but the same certificate untrusted is.
    let a = check(&vendor_site, &TrustStore::empty());
    assert!(a.is(CertClass::DeviceDefault));
    assert_eq!(a.device_vendor.as_deref(), Some("Cisco"));
    // The vendor at the start of a trusted certificate's subject organisation is one too.
    let vendor_org = Leaf::new(&["www.vendor.example"])
        .subject(&[
            (DnType::OrganizationName, "Cisco Systems"),
            (DnType::CommonName, "www.vendor.example"),
        ])
        .signed(&p.inter, &[&p.inter]);
    let a = check(&vendor_org, &p.trust);
    assert!(a.is(CertClass::DeviceDefault));
    assert_eq!(a.device_vendor.as_deref(), Some("Cisco"));
}

#[test]
fn validity_at_now() {
    let p = pki();
    let expired = Leaf::new(&["old.bakery.example"])
        .valid((2024, 1, 1), (2025, 1, 1))
        .signed(&p.inter, &[&p.inter]);
    let a = check(&expired, &p.trust);
    assert_eq!(a.validity, Validity::Expired);
    assert_eq!(a.chain, ChainStatus::TrustedOutsideValidity);
    assert_eq!(
        a.classes,
        [CertClass::Dv, CertClass::Untrusted, CertClass::Expired]
    );
    assert!(!a.points_to_business());

    let future = Leaf::new(&["new.bakery.example"])
        .valid((2027, 1, 1), (2028, 1, 1))
        .signed(&p.inter, &[&p.inter]);
    let a = check(&future, &p.trust);
    assert_eq!(a.validity, Validity::NotYetValid);
    assert!(a.is(CertClass::NotYetValid));
    assert_eq!(a.chain, ChainStatus::TrustedOutsideValidity);

    // The same expired certificate judged at a time when it was valid.
    let then = Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap();
    let a = analyze_cert(expired.as_bytes(), "x", &p.trust, then).unwrap();
    assert_eq!(a.chain, ChainStatus::Trusted);
}

#[test]
fn self_signed_plain() {
    let p = pki();
    let pem = Leaf::new(&["nas.bakery.example"])
        .subject(&[
            (DnType::OrganizationName, "Bakery"),
            (DnType::CommonName, "nas.bakery.example"),
        ])
        .self_signed();
    let a = check(&pem, &p.trust);
    assert_eq!(a.chain, ChainStatus::SelfSigned);
    assert_eq!(
        a.classes,
        [CertClass::Ov, CertClass::SelfSigned, CertClass::Untrusted]
    );
    assert_eq!(a.registrable_domains, ["bakery.example"]);
}

#[test]
fn pem_with_junk_and_der_chains() {
    let p = pki();
    let leaf_pem = Leaf::new(&["www.bakery.example"]).signed(&p.inter, &[]);
    let junk = format!(
        "subject=CN = www.bakery.example\nsome text\n{leaf_pem}\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\nmore junk\n{}",
        p.inter.pem
    );
    let chain = CertChain::parse(junk.as_bytes(), "junk.pem").unwrap();
    assert_eq!(chain.len(), 2);
    assert_eq!(
        chain.entries()[0].offset,
        junk.find("-----BEGIN CERTIFICATE").unwrap()
    );
    assert_eq!(chain.source_name(), "junk.pem");
    assert_eq!(
        analyze_cert_chain(&chain, &p.trust, now()).unwrap().chain,
        ChainStatus::Trusted
    );

    // The same chain as DER, back to back.
    let mut der = chain.entries()[0].der.clone();
    der.extend_from_slice(&p.inter.der);
    let dchain = CertChain::parse(&der, "chain.der").unwrap();
    assert_eq!(dchain.len(), 2);
    assert_eq!(dchain.entries()[1].offset, chain.entries()[0].der.len());
    assert_eq!(
        analyze_cert_chain(&dchain, &p.trust, now()).unwrap().chain,
        ChainStatus::Trusted
    );
}

#[test]
fn malformed_inputs_have_offsets() {
    let err = |bytes: &[u8]| CertChain::parse(bytes, "bad.pem").unwrap_err().into_kind();
    assert!(matches!(
        err(b"hello"),
        ErrorKind::Certificate { offset: 0, .. }
    ));
    assert!(matches!(err(b""), ErrorKind::Certificate { .. }));
    assert!(matches!(
        err(b"xx-----BEGIN CERTIFICATE-----\nAAAA\n"),
        ErrorKind::Certificate { offset: 2, .. }
    ));
    let bad64 = b"-----BEGIN CERTIFICATE-----\nAA*A\n-----END CERTIFICATE-----\n";
    assert!(matches!(
        err(bad64),
        ErrorKind::Certificate { offset: 30, .. }
    ));
    assert!(matches!(
        err(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
        ErrorKind::Certificate { .. }
    ));
    // Valid base64 of something that is not a certificate: found when analysing.
    let junk = b"pad\n-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
    let e = analyze_cert(junk, "junk.pem", &TrustStore::empty(), now()).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Certificate { offset: 4, .. }),
        "{e:?}"
    );
    // A truncated DER certificate.
    let p = pki();
    let cut = &p.root.der[..p.root.der.len() - 10];
    assert!(matches!(
        CertChain::parse(cut, "cut.der").map_err(Error::into_kind),
        Err(ErrorKind::Certificate { offset: 0, .. })
    ));
    // A broken intermediate is reported with its offset.
    let mut two = p.root.pem.clone();
    let second = two.len();
    two.push_str("-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n");
    let e = analyze_cert(two.as_bytes(), "two.pem", &TrustStore::empty(), now()).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Certificate { offset, .. } if *offset == second),
        "{e:?}"
    );
}

fn pem_block(der: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in der.chunks(3) {
        let n = chunk.len();
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= n {
                b64.push(A[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                b64.push('=');
            }
        }
    }
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

#[test]
fn chain_length_cap() {
    let p = pki();
    let at_cap = p.root.pem.repeat(MAX_CHAIN_CERTS);
    assert_eq!(
        CertChain::parse(at_cap.as_bytes(), "x").unwrap().len(),
        MAX_CHAIN_CERTS
    );
    let over = p.root.pem.repeat(MAX_CHAIN_CERTS + 1);
    assert!(matches!(
        CertChain::parse(over.as_bytes(), "x").map_err(Error::into_kind),
        Err(ErrorKind::TooLarge {
            max: MAX_CHAIN_CERTS,
            ..
        })
    ));
    let der_over = p.root.der.repeat(MAX_CHAIN_CERTS + 1);
    assert!(matches!(
        CertChain::parse(&der_over, "x").map_err(Error::into_kind),
        Err(ErrorKind::TooLarge {
            max: MAX_CHAIN_CERTS,
            ..
        })
    ));
}

#[test]
fn input_size_cap() {
    let p = pki();
    let mut at_cap = p.root.pem.clone().into_bytes();
    at_cap.resize(MAX_PEM_BYTES, b'\n');
    assert_eq!(CertChain::parse(&at_cap, "x").unwrap().len(), 1);
    at_cap.push(b'\n');
    assert!(matches!(
        CertChain::parse(&at_cap, "x").map_err(Error::into_kind),
        Err(ErrorKind::TooLarge {
            max: MAX_PEM_BYTES,
            ..
        })
    ));
}

#[test]
fn certificate_size_cap() {
    let at_cap = pem_block(&vec![0x30; MAX_CERT_BYTES]);
    assert_eq!(
        CertChain::parse(at_cap.as_bytes(), "x").unwrap().entries()[0]
            .der
            .len(),
        MAX_CERT_BYTES
    );
    let over = pem_block(&vec![0x30; MAX_CERT_BYTES + 1]);
    assert!(matches!(
        CertChain::parse(over.as_bytes(), "x").map_err(Error::into_kind),
        Err(ErrorKind::TooLarge {
            max: MAX_CERT_BYTES,
            ..
        })
    ));
}

#[test]
fn san_entry_cap() {
    let p = pki();
    let names =
        |n: usize| -> Vec<String> { (0..n).map(|i| format!("h{i}.bakery.example")).collect() };
    let at_cap = names(MAX_SAN_ENTRIES);
    let refs: Vec<&str> = at_cap.iter().map(String::as_str).collect();
    let a = check(&Leaf::new(&refs).signed(&p.inter, &[&p.inter]), &p.trust);
    assert_eq!(a.dns_names.len(), MAX_SAN_ENTRIES);
    assert_eq!(a.registrable_domains, ["bakery.example"]);
    let over = names(MAX_SAN_ENTRIES + 1);
    let refs: Vec<&str> = over.iter().map(String::as_str).collect();
    let pem = Leaf::new(&refs).signed(&p.inter, &[&p.inter]);
    assert!(matches!(
        analyze_cert(pem.as_bytes(), "x", &p.trust, now()).map_err(Error::into_kind),
        Err(ErrorKind::TooLarge {
            max: MAX_SAN_ENTRIES,
            ..
        })
    ));
}

#[test]
fn trust_anchor_cap() {
    let p = pki();
    let mut store = TrustStore::empty();
    for _ in 0..MAX_TRUST_ANCHORS {
        store.add_der(&p.root.der, "root", 0).unwrap();
    }
    assert_eq!(store.len(), MAX_TRUST_ANCHORS);
    assert!(matches!(
        store
            .add_der(&p.root.der, "root", 0)
            .map_err(Error::into_kind),
        Err(ErrorKind::TooLarge {
            max: MAX_TRUST_ANCHORS,
            ..
        })
    ));
    // A non-certificate is not an anchor.
    assert!(matches!(
        TrustStore::empty()
            .add_der(b"\x30\x03\x02\x01\x01", "bad", 7)
            .map_err(Error::into_kind),
        Err(ErrorKind::Certificate { offset: 7, .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        let trust = TrustStore::empty();
        let _ = analyze_cert(&data, "fuzz", &trust, now());
        let mut pem = b"-----BEGIN CERTIFICATE-----\n".to_vec();
        pem.extend_from_slice(&data);
        let _ = analyze_cert(&pem, "fuzz", &trust, now());
    }

    #[test]
    fn mutated_certificates_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        thread_local!(static DER: Vec<u8> = {
            let p = pki();
            let pem = Leaf::new(&["www.bakery.example", "192.0.2.1"])
                .subject(&[(DnType::OrganizationName, "Bakery"), (DnType::CommonName, "www.bakery.example")])
                .policy(&[2, 2])
                .signed(&p.inter, &[]);
            CertChain::parse(pem.as_bytes(), "x").unwrap().entries()[0].der.clone()
        });
        let mut der = DER.with(Clone::clone);
        for (i, b) in flips {
            let at = i.index(der.len());
            der[at] = b;
        }
        let _ = analyze_cert(&der, "mut", &TrustStore::empty(), now());
    }
}
