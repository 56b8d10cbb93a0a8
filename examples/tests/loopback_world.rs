//! The loopback world's servers, asked with standard clients (hickory-resolver, a plain TCP
//! WHOIS client, reqwest, securitytxt's fetcher), and their answers read back through
//! ip-attribution's and securitytxt's parsers to the objects the snapshot holds.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use examples::loopback_world::{Fault, RDAP_HOST, RateLimit, RunningWorld, World, WorldOptions};
use ip_attribution::{RpslObject, RpslObjectKey, RpslReader, RpslSource};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn world_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/loopback-world/snapshot")
}

async fn start(options: WorldOptions) -> (RunningWorld, tempfile::TempDir) {
    let state = tempfile::tempdir().expect("temp dir");
    let world = World::load(&world_dir()).expect("world loads");
    assert!(world.problems().is_empty(), "{:?}", world.problems());
    let running = examples::loopback_world::serve(world, &options, state.path())
        .await
        .expect("world serves");
    (running, state)
}

/// One WHOIS query over TCP, the whole answer back.
async fn whois(addr: SocketAddr, query: &str) -> Vec<u8> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(format!("{query}\r\n").as_bytes())
        .await
        .expect("send");
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.expect("read");
    out
}

fn server(world: &RunningWorld, label: &str) -> SocketAddr {
    *world
        .whois_servers
        .get(label)
        .unwrap_or_else(|| panic!("no {label} server"))
}

/// Objects as the RPSL reader gives them, with their source cleared, by key.
fn objects(name: &str, bytes: &[u8]) -> BTreeMap<RpslObjectKey, RpslObject> {
    RpslReader::from_slice(name.to_owned(), bytes)
        .filter_map(Result::ok)
        .filter(|o| !matches!(o, RpslObject::AbuseComment(_)))
        .map(|mut o| {
            let blank = RpslSource::new("", 0);
            match &mut o {
                RpslObject::Network(n) => n.source = blank,
                RpslObject::Organisation(x) => x.source = blank,
                RpslObject::Contact(x) => x.source = blank,
                RpslObject::Irt(x) => x.source = blank,
                RpslObject::AutNum(x) => x.source = blank,
                RpslObject::Route(x) => x.source = blank,
                RpslObject::Mntner(x) => x.source = blank,
                _ => {}
            }
            (o.key(), o)
        })
        .collect()
}

/// Every object of the world's registry files, as the reader gives them.
fn snapshot_objects() -> BTreeMap<RpslObjectKey, RpslObject> {
    let mut all = BTreeMap::new();
    for entry in std::fs::read_dir(world_dir().join("registry")).expect("registry dir") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        for (k, o) in objects(&name, &bytes) {
            all.entry(k).or_insert(o);
        }
    }
    all
}

/// "Filtered" answers mark the source line; the reader keeps the value without the comment.
fn covering_networks(all: &BTreeMap<RpslObjectKey, RpslObject>, ip: IpAddr) -> Vec<RpslObjectKey> {
    all.iter()
        .filter(|(_, o)| matches!(o, RpslObject::Network(n) if n.contains(ip)))
        .map(|(k, _)| k.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn ripe_answers_hold_the_snapshot_objects_of_every_level() {
    let (world, _state) = start(WorldOptions::default()).await;
    let all = snapshot_objects();
    for ip in ["192.0.2.70", "192.0.2.40", "192.0.2.140", "2001:db8::5"] {
        let ip: IpAddr = ip.parse().expect("ip");
        let answer = whois(server(&world, "whois-ripe"), &format!("-L {ip}")).await;
        let got = objects("answer", &answer);
        let want = covering_networks(&all, ip);
        assert!(!want.is_empty(), "{ip}: the world has networks for it");
        for key in &want {
            assert_eq!(got.get(key), all.get(key), "{ip}: network {key:?}");
        }
        // Every object in the answer is the snapshot's own, unchanged.
        for (key, o) in &got {
            assert_eq!(
                Some(o),
                all.get(key),
                "{ip}: {key:?} differs from the snapshot"
            );
        }
        // The referenced organisation and abuse role of the most specific network came along.
        let text = String::from_utf8_lossy(&answer);
        assert!(text.contains("% Information related to"), "{text}");
    }
    let answer = whois(server(&world, "whois-ripe"), "-L 192.0.2.70").await;
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.contains(
            "% Abuse contact for '192.0.2.64 - 192.0.2.79' is 'ict@bakkerij-voorbeeld.example'"
        ),
        "{text}"
    );
    assert!(text.contains("organisation:   ORG-BV1-TEST"), "{text}");
    assert!(text.contains("route:          192.0.2.0/24"), "{text}");
    // Without -L only the most specific network.
    let answer = whois(server(&world, "whois-ripe"), "192.0.2.70").await;
    let nets = objects("answer", &answer)
        .values()
        .filter(|o| matches!(o, RpslObject::Network(_)))
        .count();
    assert_eq!(nets, 1);
    // The irt a network names is in the answer.
    let text = String::from_utf8_lossy(&whois(server(&world, "whois-ripe"), "-L 192.0.2.40").await)
        .into_owned();
    assert!(text.contains("irt:            IRT-VOORBEELDHOST"), "{text}");
    // A saved answer's comment stands in for its absent role.
    let text =
        String::from_utf8_lossy(&whois(server(&world, "whois-ripe"), "-L 203.0.113.42").await)
            .into_owned();
    assert!(
        text.contains("% Abuse contact for '203.0.113.0 - 203.0.113.127' is 'abuse@duinhost-voorbeeld.example'"),
        "{text}"
    );
    // Aut-num by key, and no match.
    let text =
        String::from_utf8_lossy(&whois(server(&world, "whois-ripe"), "AS64496").await).into_owned();
    assert!(text.contains("aut-num:        AS64496"), "{text}");
    let text = String::from_utf8_lossy(&whois(server(&world, "whois-ripe"), "-L 3fff::1").await)
        .into_owned();
    assert!(text.contains("%ERROR:101: no entries found"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn iana_root_refers_by_range_and_arin_lacnic_answer_in_their_styles() {
    let (world, _state) = start(WorldOptions::default()).await;
    let root = server(&world, "whois-iana");
    for (ip, host) in [
        ("192.0.2.70", "whois.ripe.net"),
        ("2001:db8::5", "whois.ripe.net"),
        ("198.18.0.5", "whois.arin.net"),
        ("172.16.0.9", "whois.lacnic.net"),
    ] {
        let answer = whois(root, ip).await;
        let referrals: Vec<String> = RpslReader::from_slice("root", answer.as_slice())
            .filter_map(Result::ok)
            .filter_map(|o| match o {
                RpslObject::Referral(r) => Some(r.whois),
                _ => None,
            })
            .collect();
        let want = match world.whois_port {
            Some(_) => host.to_owned(),
            None => {
                let label = format!("whois-{}", host.split('.').nth(1).unwrap_or(""));
                format!("{host}:{}", server(&world, &label).port())
            }
        };
        assert!(
            referrals.contains(&want),
            "{ip}: {referrals:?} ({})",
            String::from_utf8_lossy(&answer)
        );
    }
    let text = String::from_utf8_lossy(&whois(root, "10.9.9.9").await).into_owned();
    assert!(!text.contains("refer:"), "{text}");

    // ARIN: `n +` gives both sections covering the address, least specific first, and they
    // read back to the saved answer's objects.
    let all = snapshot_objects();
    let answer = whois(server(&world, "whois-arin"), "n + 198.18.0.5").await;
    let got = objects("arin", &answer);
    let want: Vec<RpslObjectKey> = covering_networks(&all, "198.18.0.5".parse().expect("ip"))
        .into_iter()
        .filter(|k| matches!(all.get(k), Some(RpslObject::Network(n)) if n.source_db.as_deref() == Some("ARIN")))
        .collect();
    assert_eq!(want.len(), 2);
    for key in &want {
        assert_eq!(got.get(key), all.get(key), "{key:?}");
    }
    let text = String::from_utf8_lossy(&answer);
    let wide = text.find("NET-198-18-0-0-1").expect("allocation");
    let narrow = text.find("NET-198-18-0-0-2").expect("reassignment");
    assert!(wide < narrow, "least specific first");
    let text =
        String::from_utf8_lossy(&whois(server(&world, "whois-arin"), "n + 198.18.1.5").await)
            .into_owned();
    assert!(!text.contains("CORNFIELD"), "{text}");
    assert!(text.contains("PRAIRIE-NET-1"), "{text}");

    // LACNIC: the most specific inetnum and its persons.
    let answer = whois(server(&world, "whois-lacnic"), "172.16.0.9").await;
    let got = objects("lacnic", &answer);
    for (key, o) in &got {
        assert_eq!(Some(o), all.get(key), "{key:?}");
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(text.contains("inetnum:     172.16.0.0/24"), "{text}");
    assert!(text.contains("ti@loja-exemplo.example"), "{text}");
    let counts = world.counts();
    assert_eq!(counts.get("whois-iana").map(|c| c.queries), Some(5));
    assert_eq!(counts.get("whois-lacnic").map(|c| c.queries), Some(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn dns_answers_ptr_forward_and_server_names() {
    use hickory_resolver::Resolver;
    use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
    use hickory_resolver::net::runtime::TokioRuntimeProvider;
    use hickory_resolver::proto::rr::{Name, RData};

    let (world, _state) = start(WorldOptions::default()).await;
    let mut udp = ConnectionConfig::udp();
    udp.port = world.dns.port();
    let mut tcp = ConnectionConfig::tcp();
    tcp.port = world.dns.port();
    let ns = NameServerConfig::new(world.dns.ip(), true, vec![udp, tcp]);
    let resolver = Resolver::builder_with_config(
        ResolverConfig::from_parts(None, vec![], vec![ns]),
        TokioRuntimeProvider::default(),
    )
    .build()
    .expect("resolver");

    let ptr = |ip: &str| {
        let ip: IpAddr = ip.parse().expect("ip");
        let resolver = &resolver;
        async move {
            resolver
                .reverse_lookup(Name::from(ip))
                .await
                .map(|l| {
                    l.answers()
                        .iter()
                        .filter_map(|r| match &r.data {
                            RData::PTR(p) => Some(p.0.to_ascii()),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }
    };
    assert_eq!(
        ptr("192.0.2.10").await,
        vec!["mail.tandarts-voorbeeld.example.".to_owned()]
    );
    assert_eq!(
        ptr("2001:db8::5").await,
        vec!["shop.webwinkel-voorbeeld.example.".to_owned()]
    );
    assert!(ptr("192.0.2.99").await.is_empty());

    let a = |name: &'static str| {
        let resolver = &resolver;
        async move {
            resolver
                .lookup_ip(name)
                .await
                .map(|l| l.iter().collect::<Vec<IpAddr>>())
                .unwrap_or_default()
        }
    };
    assert_eq!(
        a("mail.tandarts-voorbeeld.example").await,
        vec!["192.0.2.10".parse::<IpAddr>().expect("ip")]
    );
    assert_eq!(
        a("shop.webwinkel-voorbeeld.example").await,
        vec!["2001:db8::5".parse::<IpAddr>().expect("ip")]
    );
    assert_eq!(a("www.niet-bevestigd.example").await, Vec::<IpAddr>::new());
    assert_eq!(
        a("whois.ripe.net").await,
        vec![server(&world, "whois-ripe").ip()]
    );
    assert_eq!(
        a("tandarts-voorbeeld.example").await,
        vec![world.https.ip()]
    );
    assert_eq!(a(RDAP_HOST).await, vec![world.https.ip()]);
    let dns = world.counts().get("dns").map(|c| c.queries).unwrap_or(0);
    assert!(dns >= 9, "{dns} queries counted");
}

fn ca_roots(world: &RunningWorld) -> Vec<Vec<u8>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let pem = std::fs::read(&world.ca_pem).expect("ca.pem");
    CertificateDer::pem_slice_iter(&pem)
        .map(|c| c.expect("PEM").to_vec())
        .collect()
}

fn https_client(world: &RunningWorld) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    for der in ca_roots(world) {
        roots
            .add(rustls::pki_types::CertificateDer::from(der))
            .expect("CA");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .resolve(RDAP_HOST, world.https)
        .build()
        .expect("client")
}

#[tokio::test(flavor = "multi_thread")]
async fn rdap_serves_the_snapshot_documents_over_https_and_http_with_a_bootstrap() {
    let (world, _state) = start(WorldOptions::default()).await;
    let client = https_client(&world);
    let port = world.https.port();
    let url = format!("https://{RDAP_HOST}:{port}/ip/100.64.7.7");
    let resp = client.get(&url).send().await.expect("RDAP answers");
    assert_eq!(resp.status().as_u16(), 200);
    let body = resp.bytes().await.expect("body");
    let got = ip_attribution::parse_rdap_network(&body, "answer").expect("parses");
    let file = world_dir().join("rdap/NET-100-64-0-0-1.json");
    let want = ip_attribution::parse_rdap_network(&std::fs::read(&file).expect("file"), "answer")
        .expect("parses");
    assert_eq!(got, want);
    let resp = client
        .get(format!("https://{RDAP_HOST}:{port}/ip/192.0.2.1"))
        .send()
        .await
        .expect("RDAP answers");
    assert_eq!(resp.status().as_u16(), 404);
    // Plain HTTP.
    let resp = client
        .get(format!("http://{}/ip/100.64.0.0/24", world.rdap_http))
        .send()
        .await
        .expect("http");
    assert_eq!(resp.status().as_u16(), 200);
    // Bootstrap.
    let boot: serde_json::Value = serde_json::from_slice(
        &std::fs::read(world.rdap_bootstrap.join("ipv4.json")).expect("bootstrap"),
    )
    .expect("json");
    assert_eq!(
        boot["services"][0][0][0].as_str(),
        Some("100.64.0.0/16"),
        "{boot}"
    );
    assert_eq!(
        boot["services"][0][1][0].as_str(),
        Some(format!("https://{RDAP_HOST}:{port}/").as_str())
    );
    assert_eq!(world.counts().get("rdap").map(|c| c.queries), Some(3));
    drop(world);

    // Redirect mode: the client follows to /registry/ip/... and gets the same document.
    let mut options = WorldOptions::default();
    options.redirect_rdap = true;
    let (world, _state) = start(options).await;
    let client = https_client(&world);
    let url = format!("https://{RDAP_HOST}:{}/ip/100.64.7.7", world.https.port());
    let resp = client.get(&url).send().await.expect("RDAP answers");
    assert_eq!(resp.url().path(), "/registry/ip/100.64.7.7");
    let body = resp.bytes().await.expect("body");
    let got = ip_attribution::parse_rdap_network(&body, "answer").expect("parses");
    assert_eq!(got, want);
    assert_eq!(world.counts().get("rdap").map(|c| c.queries), Some(2));
}

fn fetcher(world: &RunningWorld, domains: &[&str]) -> securitytxt::fetch::Fetcher {
    let mut options = securitytxt::fetch::FetchOptions::default();
    options.allow_private_addresses = true;
    options.extra_roots_der = ca_roots(world);
    options.resolve_overrides = domains
        .iter()
        .map(|d| ((*d).to_owned(), world.https))
        .collect();
    options.total_timeout = Duration::from_secs(10);
    securitytxt::fetch::Fetcher::new(options).expect("fetcher")
}

#[tokio::test(flavor = "multi_thread")]
async fn security_txt_is_served_at_the_well_known_path_and_through_a_redirect() {
    for redirect in [false, true] {
        let mut options = WorldOptions::default();
        options.redirect_securitytxt = redirect;
        let (world, _state) = start(options).await;
        let domain = "tandarts-voorbeeld.example";
        let fetched = fetcher(&world, &[domain]).fetch(domain).await;
        let want = std::fs::read(world_dir().join("securitytxt/tandarts-voorbeeld.example.txt"))
            .expect("file");
        assert_eq!(
            fetched.body.as_deref(),
            Some(want.as_slice()),
            "{fetched:?}"
        );
        assert_eq!(fetched.url_chain.len(), if redirect { 2 } else { 1 });
        let parsed = securitytxt::parse(&want);
        let served = securitytxt::parse(fetched.body.as_deref().unwrap_or_default());
        assert_eq!(format!("{parsed:?}"), format!("{served:?}"));
        let missing = fetcher(&world, &["nobody.example"])
            .fetch("nobody.example")
            .await;
        assert!(missing.body.is_none());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_are_answered_the_registries_way_and_counted() {
    let mut options = WorldOptions::default();
    let limit = RateLimit::new(2, Duration::from_secs(600));
    options.rate_limits.insert("whois-ripe".into(), limit);
    options.rate_limits.insert("whois-arin".into(), limit);
    options.rate_limits.insert("rdap".into(), limit);
    let (world, _state) = start(options).await;
    let ripe = server(&world, "whois-ripe");
    for _ in 0..2 {
        let text = String::from_utf8_lossy(&whois(ripe, "-L 192.0.2.70").await).into_owned();
        assert!(text.contains("inetnum:"), "{text}");
    }
    let text = String::from_utf8_lossy(&whois(ripe, "-L 192.0.2.70").await).into_owned();
    assert!(text.contains("%ERROR:201: access denied"), "{text}");
    assert!(!text.contains("inetnum:"), "{text}");
    let arin = server(&world, "whois-arin");
    whois(arin, "n + 198.18.0.5").await;
    whois(arin, "n + 198.18.0.5").await;
    let text = String::from_utf8_lossy(&whois(arin, "n + 198.18.0.5").await).into_owned();
    assert!(text.contains("Query rate limit exceeded"), "{text}");

    let client = https_client(&world);
    let url = format!("https://{RDAP_HOST}:{}/ip/100.64.7.7", world.https.port());
    for _ in 0..2 {
        let status = client.get(&url).send().await.expect("rdap").status();
        assert_eq!(status.as_u16(), 200);
    }
    let resp = client.get(&url).send().await.expect("rdap");
    assert_eq!(resp.status().as_u16(), 429);
    assert_eq!(
        resp.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let counts = world.counts();
    for label in ["whois-ripe", "whois-arin", "rdap"] {
        let c = counts.get(label).copied().unwrap_or_default();
        assert_eq!((c.queries, c.refused), (3, 1), "{label}");
    }
    world.reset_counts();
    assert_eq!(world.total_queries(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_silent_malformed_oversized_and_a_referral_loop() {
    let mut options = WorldOptions::default();
    options.faults.insert("whois-ripe".into(), Fault::Silent);
    options
        .faults
        .insert("whois-lacnic".into(), Fault::Malformed);
    options
        .faults
        .insert("whois-arin".into(), Fault::Oversized(3 << 20));
    options.faults.insert("rdap".into(), Fault::Malformed);
    let (world, _state) = start(options).await;
    // Silent: the query is taken, nothing comes back while we wait.
    let silent = tokio::time::timeout(
        Duration::from_millis(500),
        whois(server(&world, "whois-ripe"), "-L 192.0.2.70"),
    )
    .await;
    assert!(silent.is_err(), "a silent server answered");
    assert_eq!(world.counts().get("whois-ripe").map(|c| c.queries), Some(1));
    // Malformed: the reader finds no usable network in it.
    let answer = whois(server(&world, "whois-lacnic"), "172.16.0.9").await;
    let usable = RpslReader::from_slice("garbled", answer.as_slice())
        .filter_map(Result::ok)
        .filter(|o| matches!(o, RpslObject::Network(_)))
        .count();
    assert_eq!(usable, 0);
    // Oversized.
    let answer = whois(server(&world, "whois-arin"), "n + 198.18.0.5").await;
    assert!(answer.len() >= 3 << 20, "{} bytes", answer.len());
    // RDAP malformed: the parser refuses it.
    let client = https_client(&world);
    let url = format!("https://{RDAP_HOST}:{}/ip/100.64.7.7", world.https.port());
    let body = client
        .get(&url)
        .send()
        .await
        .expect("rdap")
        .bytes()
        .await
        .expect("body");
    assert!(ip_attribution::parse_rdap_network(&body, "rdap").is_err());
    drop(world);

    // Referral loop: the root sends everything to ARIN, ARIN refers back to the root.
    let mut options = WorldOptions::default();
    options.referral_loop = true;
    let (world, _state) = start(options).await;
    let root_answer =
        String::from_utf8_lossy(&whois(server(&world, "whois-iana"), "192.0.2.70").await)
            .into_owned();
    assert!(
        root_answer.contains("refer:        whois.arin.net"),
        "{root_answer}"
    );
    let arin_answer =
        String::from_utf8_lossy(&whois(server(&world, "whois-arin"), "n + 192.0.2.70").await)
            .into_owned();
    let root_host = world.whois_root.split(':').next().unwrap_or("");
    let back = match world.whois_port {
        Some(_) => format!("ReferralServer: whois://{root_host}\n"),
        None => format!("ReferralServer: whois://{}\n", world.whois_root),
    };
    assert!(arin_answer.contains(&back), "{arin_answer}");
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_servers_still_answer_oversized_rdap_and_a_silent_dns() {
    use hickory_resolver::Resolver;
    use hickory_resolver::config::{
        ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts,
    };
    use hickory_resolver::net::runtime::TokioRuntimeProvider;

    let mut options = WorldOptions::default();
    options
        .faults
        .insert("whois-iana".into(), Fault::Slow(Duration::from_millis(300)));
    options.faults.insert(
        "securitytxt".into(),
        Fault::Slow(Duration::from_millis(300)),
    );
    options.faults.insert(
        "rdap".into(),
        Fault::Oversized(ip_attribution::limits::MAX_RDAP_BYTES + 1),
    );
    options.faults.insert("dns".into(), Fault::Silent);
    let (world, _state) = start(options).await;
    let text = String::from_utf8_lossy(&whois(server(&world, "whois-iana"), "192.0.2.70").await)
        .into_owned();
    assert!(text.contains("refer:        whois.ripe.net"), "{text}");
    let domain = "tandarts-voorbeeld.example";
    let fetched = fetcher(&world, &[domain]).fetch(domain).await;
    assert!(fetched.body.is_some(), "{fetched:?}");
    let client = https_client(&world);
    let url = format!("https://{RDAP_HOST}:{}/ip/100.64.7.7", world.https.port());
    let body = client
        .get(&url)
        .send()
        .await
        .expect("rdap")
        .bytes()
        .await
        .expect("body");
    assert!(
        body.len() > ip_attribution::limits::MAX_RDAP_BYTES,
        "{} bytes",
        body.len()
    );
    assert!(
        ip_attribution::parse_rdap_network(&body, "rdap").is_err(),
        "over the RDAP cap"
    );

    let mut udp = ConnectionConfig::udp();
    udp.port = world.dns.port();
    let ns = NameServerConfig::new(world.dns.ip(), true, vec![udp]);
    let mut opts = ResolverOpts::default();
    opts.timeout = Duration::from_millis(300);
    opts.attempts = 1;
    let resolver = Resolver::builder_with_config(
        ResolverConfig::from_parts(None, vec![], vec![ns]),
        TokioRuntimeProvider::default(),
    )
    .with_options(opts)
    .build()
    .expect("resolver");
    assert!(resolver.lookup_ip("whois.ripe.net").await.is_err());
    assert!(world.counts().get("dns").map_or(0, |c| c.queries) >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn arin_first_refers_on_to_the_registry_holding_the_address() {
    let mut options = WorldOptions::default();
    options.arin_first = true;
    let (world, _state) = start(options).await;
    let root = String::from_utf8_lossy(&whois(server(&world, "whois-iana"), "192.0.2.70").await)
        .into_owned();
    assert!(root.contains("refer:        whois.arin.net"), "{root}");
    let arin = server(&world, "whois-arin");
    let text = String::from_utf8_lossy(&whois(arin, "n + 192.0.2.70").await).into_owned();
    let ripe = match world.whois_port {
        Some(_) => "whois.ripe.net".to_owned(),
        None => format!("whois.ripe.net:{}", server(&world, "whois-ripe").port()),
    };
    assert!(
        text.contains(&format!("ReferralServer: whois://{ripe}\n")),
        "{text}"
    );
    // What ARIN holds itself it answers itself.
    let text = String::from_utf8_lossy(&whois(arin, "n + 198.18.0.5").await).into_owned();
    assert!(text.contains("CORNFIELD-CLINIC"), "{text}");
    assert!(!text.contains("ReferralServer"), "{text}");
}

#[test]
fn serve_world_arguments_parse_into_options() {
    use clap::Parser;
    use examples::loopback_world::serve_world::Args;
    let args = Args::try_parse_from([
        "serve-world",
        "--snapshot",
        "s",
        "--state",
        "t",
        "--rate-limit",
        "whois-ripe=10/60",
        "--fault",
        "rdap=slow:250",
        "--fault",
        "whois-arin=oversized:1000",
    ])
    .expect("parses");
    let o = args.options().expect("options");
    assert_eq!(
        o.rate_limits.get("whois-ripe"),
        Some(&RateLimit::new(10, Duration::from_secs(60)))
    );
    assert_eq!(
        o.faults.get("rdap"),
        Some(&Fault::Slow(Duration::from_millis(250)))
    );
    assert_eq!(o.faults.get("whois-arin"), Some(&Fault::Oversized(1000)));
    let bad = Args::try_parse_from([
        "serve-world",
        "--snapshot",
        "s",
        "--state",
        "t",
        "--fault",
        "rdap=sometimes",
    ])
    .expect("parses");
    assert!(bad.options().is_err());
}
