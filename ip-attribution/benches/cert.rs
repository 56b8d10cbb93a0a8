//! Certificate analysis: PEM reading, X.509 parsing, chain verification (ECDSA P-256) and
//! classification, with generated certificates.

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ip_attribution::{CertChain, TrustStore, analyze_cert};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};

fn ca(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    p.not_before = date_time_ymd(2020, 1, 1);
    p.not_after = date_time_ymd(2040, 1, 1);
    p
}

fn cert_analysis(c: &mut Criterion) {
    let root_key = KeyPair::generate().unwrap();
    let root_params = ca("Bench Root");
    let root = root_params.self_signed(&root_key).unwrap();
    let root_issuer = Issuer::new(root_params, root_key);
    let int_key = KeyPair::generate().unwrap();
    let int_params = ca("Bench Intermediate");
    let inter = int_params.signed_by(&int_key, &root_issuer).unwrap();
    let int_issuer = Issuer::new(int_params, int_key);

    let mut leaf = CertificateParams::new(vec![
        "www.bakery.example".to_owned(),
        "bakery.example".to_owned(),
    ])
    .unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "Bakery B.V.");
    dn.push(DnType::CommonName, "www.bakery.example");
    leaf.distinguished_name = dn;
    leaf.not_before = date_time_ymd(2026, 1, 1);
    leaf.not_after = date_time_ymd(2027, 1, 1);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = leaf.signed_by(&leaf_key, &int_issuer).unwrap();
    let pem = format!("{}{}", leaf.pem(), inter.pem());

    let mut trust = TrustStore::with_public_roots();
    trust.add_pem(root.pem().as_bytes(), "root").unwrap();
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();

    let mut g = c.benchmark_group("cert");
    g.bench_function("read PEM chain (2 certs)", |b| {
        b.iter(|| black_box(CertChain::parse(pem.as_bytes(), "bench").unwrap().len()))
    });
    g.bench_function("analyze_cert trusted chain (2 certs)", |b| {
        b.iter(|| {
            let a = analyze_cert(pem.as_bytes(), "bench", &trust, now).unwrap();
            assert!(a.points_to_business());
            black_box(a)
        })
    });
    let self_signed = {
        let k = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, "Fortinet");
        dn.push(DnType::CommonName, "FGT60F8317201357");
        p.distinguished_name = dn;
        p.self_signed(&k).unwrap().pem()
    };
    g.bench_function("analyze_cert self-signed device cert", |b| {
        b.iter(|| black_box(analyze_cert(self_signed.as_bytes(), "bench", &trust, now).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, cert_analysis);
criterion_main!(benches);
