//! Fetching against real HTTPS servers on 127.0.0.1, started by each test with a CA generated
//! in the test (rcgen) and rustls. Host names are mapped to the server with the resolver
//! override; nothing here touches the internet.
#![cfg(feature = "fetch")]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use securitytxt::fetch::{
    BlockingFetcher, FetchCode, FetchOptions, FetchOptionsBuilder, Fetcher, Roots,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

const SECURITY_TXT: &[u8] =
    b"Contact: mailto:security@good.test\nExpires: 2030-01-01T00:00:00.000Z\n";

/// A test certificate authority.
struct Pki {
    ca_der: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

impl Pki {
    fn new() -> Self {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "securitytxt test CA");
        let cert = params.self_signed(&key).unwrap();
        Pki {
            ca_der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A server certificate for `names`, expired if asked.
    fn leaf(&self, names: &[&str], expired: bool) -> Identity {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        if expired {
            params.not_before = rcgen::date_time_ymd(2000, 1, 1);
            params.not_after = rcgen::date_time_ymd(2001, 1, 1);
        }
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Identity {
            chain: vec![cert.der().clone()],
            key: PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
        }
    }
}

struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

#[derive(Clone)]
enum Body {
    Bytes(Vec<u8>),
    /// No Content-Length, data until the client goes away.
    Endless,
    /// Headers are never sent.
    Hang,
}

#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    delay: Duration,
}

impl Reply {
    fn text(body: &[u8]) -> Reply {
        Reply::typed("text/plain; charset=utf-8", body)
    }

    fn typed(content_type: &str, body: &[u8]) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Body::Bytes(body.to_vec()),
            delay: Duration::ZERO,
        }
    }

    fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Bytes(Vec::new()),
            delay: Duration::ZERO,
        }
    }

    fn redirect(to: &str) -> Reply {
        let mut reply = Reply::status(301);
        reply.headers.push(("Location".into(), to.into()));
        reply
    }
}

type Router = Arc<dyn Fn(&str, &str) -> Reply + Send + Sync>;

/// What the server saw.
#[derive(Default)]
struct Stats {
    /// (host, path) of every request, in order.
    requests: Mutex<Vec<(String, String)>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    per_host: Mutex<HashMap<String, (usize, usize)>>,
}

impl Stats {
    fn requests(&self) -> Vec<(String, String)> {
        self.requests.lock().unwrap().clone()
    }

    fn max_per_host(&self) -> usize {
        self.per_host
            .lock()
            .unwrap()
            .values()
            .map(|(_, max)| *max)
            .max()
            .unwrap_or(0)
    }
}

struct Server {
    addr: SocketAddr,
    stats: Arc<Stats>,
}

fn tls_acceptor(identity: Identity) -> TlsAcceptor {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(identity.chain, identity.key)
        .unwrap();
    TlsAcceptor::from(Arc::new(config))
}

/// Starts an HTTPS server on 127.0.0.1 in the current runtime.
async fn serve(
    identity: Identity,
    router: impl Fn(&str, &str) -> Reply + Send + Sync + 'static,
) -> Server {
    let router: Router = Arc::new(router);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor = tls_acceptor(identity);
    let stats = Arc::new(Stats::default());
    let server_stats = Arc::clone(&stats);
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let router = Arc::clone(&router);
            let stats = Arc::clone(&server_stats);
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                handle(tls, router, stats).await;
            });
        }
    });
    Server { addr, stats }
}

async fn handle<S: AsyncReadExt + AsyncWriteExt + Unpin>(
    mut stream: S,
    router: Router,
    stats: Arc<Stats>,
) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 16 * 1024 {
            return;
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_owned();
    let host = lines
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("host")
                .then(|| value.trim().split(':').next().unwrap_or("").to_owned())
        })
        .unwrap_or_default();
    stats
        .requests
        .lock()
        .unwrap()
        .push((host.clone(), path.clone()));
    let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
    {
        let mut per_host = stats.per_host.lock().unwrap();
        let entry = per_host.entry(host.clone()).or_default();
        entry.0 += 1;
        entry.1 = entry.1.max(entry.0);
    }
    let reply = router(&host, &path);
    tokio::time::sleep(reply.delay).await;
    let mut out = format!("HTTP/1.1 {} Test\r\nConnection: close\r\n", reply.status);
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    match &reply.body {
        Body::Bytes(bytes) => {
            out.push_str(&format!("Content-Length: {}\r\n\r\n", bytes.len()));
            let mut all = out.into_bytes();
            all.extend_from_slice(bytes);
            let _ = stream.write_all(&all).await;
        }
        Body::Endless => {
            out.push_str("\r\n");
            if stream.write_all(out.as_bytes()).await.is_ok() {
                let chunk = vec![b'a'; 4096];
                while stream.write_all(&chunk).await.is_ok() {}
            }
        }
        Body::Hang => std::future::pending::<()>().await,
    }
    let _ = stream.shutdown().await;
    stats.in_flight.fetch_sub(1, Ordering::SeqCst);
    stats.per_host.lock().unwrap().entry(host).or_default().0 -= 1;
}

/// Options trusting only `pki`, with `hosts` pointed at `addr` and private addresses allowed
/// (the server is on loopback).
fn options(pki: &Pki, addr: SocketAddr, hosts: &[&str]) -> FetchOptionsBuilder {
    let mut builder = FetchOptions::builder()
        .roots(Roots::ExtraOnly)
        .add_root_der(pki.ca_der.to_vec())
        .allow_private_addresses(true)
        .connect_timeout(Duration::from_secs(5))
        .total_timeout(Duration::from_secs(10));
    for host in hosts {
        builder = builder.resolve(*host, addr);
    }
    builder
}

fn fetcher(builder: FetchOptionsBuilder) -> Fetcher {
    Fetcher::new(builder.build()).unwrap()
}

#[tokio::test]
async fn file_at_the_well_known_location() {
    let pki = Pki::new();
    let server = serve(pki.leaf(&["good.test"], false), |_, path| match path {
        "/.well-known/security.txt" => Reply::text(SECURITY_TXT),
        _ => Reply::status(404),
    })
    .await;
    let fetched = fetcher(options(&pki, server.addr, &["good.test"]))
        .fetch("Good.Test")
        .await;
    assert!(fetched.is_ok(), "{:?}", fetched.diagnostics);
    assert_eq!(fetched.domain, "good.test");
    assert_eq!(fetched.body.as_deref(), Some(SECURITY_TXT));
    assert_eq!(
        fetched.final_url().map(|u| u.as_str()),
        Some("https://good.test/.well-known/security.txt")
    );
    assert_eq!(fetched.url_chain.len(), 1);
    assert_eq!(
        fetched.content_type.as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(
        server.stats.requests(),
        vec![(
            "good.test".to_owned(),
            "/.well-known/security.txt".to_owned()
        )]
    );
}

#[tokio::test]
async fn not_found_then_legacy_location() {
    let pki = Pki::new();
    let server = serve(pki.leaf(&["good.test"], false), |_, path| match path {
        "/security.txt" => Reply::text(SECURITY_TXT),
        _ => Reply::status(404),
    })
    .await;
    let fetched = fetcher(options(&pki, server.addr, &["good.test"]))
        .fetch("good.test")
        .await;
    assert_eq!(fetched.body.as_deref(), Some(SECURITY_TXT));
    assert!(
        fetched.has(FetchCode::Location),
        "{:?}",
        fetched.diagnostics
    );
    assert!(!fetched.is_ok(), "the legacy location alone breaks a MUST");
    assert_eq!(fetched.diagnostics.len(), 1);
    assert!(fetched.diagnostics[0].message.contains("404"));
    assert_eq!(
        fetched.final_url().map(|u| u.as_str()),
        Some("https://good.test/security.txt")
    );
    let paths: Vec<String> = server
        .stats
        .requests()
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    assert_eq!(paths, ["/.well-known/security.txt", "/security.txt"]);
}

#[tokio::test]
async fn nowhere_found_reports_both_locations() {
    let pki = Pki::new();
    let server = serve(pki.leaf(&["good.test"], false), |_, _| Reply::status(404)).await;
    let fetched = fetcher(options(&pki, server.addr, &["good.test"]))
        .fetch("good.test")
        .await;
    assert!(fetched.body.is_none());
    assert!(!fetched.has(FetchCode::Location));
    let statuses = fetched
        .diagnostics
        .iter()
        .filter(|d| d.code == FetchCode::HttpStatus)
        .count();
    assert_eq!(statuses, 2, "{:?}", fetched.diagnostics);
}

#[tokio::test]
async fn redirect_to_http_is_refused() {
    let pki = Pki::new();
    let server = serve(pki.leaf(&["good.test"], false), |_, path| match path {
        "/.well-known/security.txt" => Reply::redirect("http://good.test/plain.txt"),
        _ => Reply::status(404),
    })
    .await;
    let fetched = fetcher(options(&pki, server.addr, &["good.test"]))
        .fetch("good.test")
        .await;
    assert!(fetched.body.is_none());
    let insecure = fetched
        .diagnostics
        .iter()
        .find(|d| d.code == FetchCode::InsecureRedirect)
        .expect("insecure redirect reported");
    assert_eq!(
        insecure.url.as_ref().map(|u| u.as_str()),
        Some("http://good.test/plain.txt")
    );
    // The http URL was never requested (the legacy location was tried instead).
    assert!(
        server
            .stats
            .requests()
            .iter()
            .all(|(_, p)| p != "/plain.txt")
    );
}

#[tokio::test]
async fn redirect_to_another_host_is_followed_and_recorded() {
    let pki = Pki::new();
    let server = serve(
        pki.leaf(&["good.test", "other.test"], false),
        |host, path| match (host, path) {
            ("good.test", "/.well-known/security.txt") => {
                Reply::redirect("https://other.test/shared/security.txt")
            }
            ("other.test", "/shared/security.txt") => Reply::text(SECURITY_TXT),
            _ => Reply::status(404),
        },
    )
    .await;
    let fetched = fetcher(options(&pki, server.addr, &["good.test", "other.test"]))
        .fetch("good.test")
        .await;
    assert!(fetched.is_ok(), "{:?}", fetched.diagnostics);
    assert!(fetched.has(FetchCode::CrossHostRedirect));
    let chain: Vec<&str> = fetched.url_chain.iter().map(|u| u.as_str()).collect();
    assert_eq!(
        chain,
        [
            "https://good.test/.well-known/security.txt",
            "https://other.test/shared/security.txt"
        ]
    );
    assert_eq!(fetched.final_url(), fetched.url_chain.last());
}

#[tokio::test]
async fn redirect_loop_is_caught() {
    let pki = Pki::new();
    let server = serve(pki.leaf(&["good.test"], false), |_, path| match path {
        "/.well-known/security.txt" => Reply::redirect("/a"),
        "/a" => Reply::redirect("/b"),
        "/b" => Reply::redirect("/a"),
        "/security.txt" => Reply::redirect("/security.txt"),
        _ => Reply::status(404),
    })
    .await;
    let fetched = fetcher(options(&pki, server.addr, &["good.test"]))
        .fetch("good.test")
        .await;
    assert!(fetched.body.is_none());
    let loops = fetched
        .diagnostics
        .iter()
        .filter(|d| d.code == FetchCode::RedirectLoop)
        .count();
    assert_eq!(loops, 2, "{:?}", fetched.diagnostics);
    assert_eq!(server.stats.requests().len(), 4);
}

/// A chain of `n` redirects before the file.
fn redirect_chain(n: usize) -> impl Fn(&str, &str) -> Reply + Send + Sync + 'static {
    move |_, path| {
        if path == "/.well-known/security.txt" {
            return if n == 0 {
                Reply::text(SECURITY_TXT)
            } else {
                Reply::redirect("/hop/1")
            };
        }
        match path
            .strip_prefix("/hop/")
            .and_then(|i| i.parse::<usize>().ok())
        {
            Some(i) if i < n => Reply::redirect(&format!("/hop/{}", i + 1)),
            Some(_) => Reply::text(SECURITY_TXT),
            None => Reply::status(404),
        }
    }
}

#[tokio::test]
async fn redirect_cap_just_under_and_over() {
    let pki = Pki::new();
    let at_cap = serve(pki.leaf(&["good.test"], false), redirect_chain(5)).await;
    let fetched = fetcher(options(&pki, at_cap.addr, &["good.test"]).max_redirects(5))
        .fetch("good.test")
        .await;
    assert!(fetched.is_ok(), "{:?}", fetched.diagnostics);
    assert_eq!(fetched.url_chain.len(), 6);

    let over = serve(pki.leaf(&["good.test"], false), redirect_chain(6)).await;
    let fetched = fetcher(options(&pki, over.addr, &["good.test"]).max_redirects(5))
        .fetch("good.test")
        .await;
    assert!(fetched.body.is_none());
    assert!(
        fetched.has(FetchCode::TooManyRedirects),
        "{:?}",
        fetched.diagnostics
    );
    assert!(over.stats.requests().iter().all(|(_, p)| p != "/hop/6"));
}

#[tokio::test]
async fn content_type_must_be_text_plain_utf8() {
    let pki = Pki::new();
    let hosts = [
        "html.test",
        "latin.test",
        "shout.test",
        "bare.test",
        "none.test",
    ];
    let server_all = serve(pki.leaf(&hosts, false), |host, _| match host {
        "html.test" => Reply::typed("text/html; charset=utf-8", b"<html></html>"),
        "latin.test" => Reply::typed("text/plain; charset=ISO-8859-1", SECURITY_TXT),
        "shout.test" => Reply::typed("TEXT/Plain; CHARSET=\"UTF-8\"", SECURITY_TXT),
        "bare.test" => Reply::typed("text/plain", SECURITY_TXT),
        _ => Reply::status(200),
    })
    .await;
    let fetcher = fetcher(options(&pki, server_all.addr, &hosts));
    let html = fetcher.fetch("html.test").await;
    assert!(html.has(FetchCode::ContentType));
    assert!(html.body.is_some(), "the body is kept for the report");
    assert!(!html.is_ok());
    let latin = fetcher.fetch("latin.test").await;
    assert!(latin.has(FetchCode::Charset));
    assert!(!latin.has(FetchCode::ContentType));
    assert!(fetcher.fetch("shout.test").await.is_ok());
    assert!(fetcher.fetch("bare.test").await.is_ok());
    let none = fetcher.fetch("none.test").await;
    assert!(none.has(FetchCode::ContentType), "{:?}", none.diagnostics);
}

#[tokio::test]
async fn body_cap_just_under_and_over() {
    let pki = Pki::new();
    let cap = 1000;
    let server = serve(
        pki.leaf(&["at.test", "over.test"], false),
        move |host, _| {
            let len = if host == "at.test" { cap } else { cap + 1 };
            Reply::text(&vec![b'#'; len])
        },
    )
    .await;
    let fetcher = fetcher(options(&pki, server.addr, &["at.test", "over.test"]).body_cap(cap));
    let at = fetcher.fetch("at.test").await;
    assert!(at.is_ok(), "{:?}", at.diagnostics);
    assert_eq!(at.body.map(|b| b.len()), Some(cap));
    let over = fetcher.fetch("over.test").await;
    assert!(over.body.is_none());
    assert!(over.has(FetchCode::TooLarge), "{:?}", over.diagnostics);
}

#[tokio::test]
async fn endless_body_stops_at_the_cap() {
    let pki = Pki::new();
    let server = serve(pki.leaf(&["good.test"], false), |_, _| Reply {
        body: Body::Endless,
        ..Reply::text(b"")
    })
    .await;
    let fetched = fetcher(options(&pki, server.addr, &["good.test"]).body_cap(64 * 1024))
        .fetch("good.test")
        .await;
    assert!(fetched.body.is_none());
    assert!(
        fetched.has(FetchCode::TooLarge),
        "{:?}",
        fetched.diagnostics
    );
}

#[tokio::test]
async fn server_that_never_answers_times_out() {
    // Accepts TCP connections and never speaks: the TLS handshake never ends.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp);
        }
    });
    let pki = Pki::new();
    let fetched = fetcher(
        options(&pki, addr, &["silent.test"])
            .connect_timeout(Duration::from_millis(300))
            .total_timeout(Duration::from_secs(2)),
    )
    .fetch("silent.test")
    .await;
    assert!(fetched.body.is_none());
    assert!(fetched.has(FetchCode::Timeout), "{:?}", fetched.diagnostics);
}

#[tokio::test]
async fn response_that_never_comes_hits_the_total_timeout() {
    let pki = Pki::new();
    let server = serve(pki.leaf(&["good.test"], false), |_, _| Reply {
        body: Body::Hang,
        ..Reply::text(b"")
    })
    .await;
    let fetched = fetcher(
        options(&pki, server.addr, &["good.test"]).total_timeout(Duration::from_millis(500)),
    )
    .fetch("good.test")
    .await;
    assert!(fetched.has(FetchCode::Timeout), "{:?}", fetched.diagnostics);
    assert_eq!(
        server.stats.requests().len(),
        1,
        "no fallback after a timeout"
    );
}

async fn cert_failure(identity: Identity, trusted: &Pki) -> securitytxt::fetch::Fetched {
    let server = serve(identity, |_, _| Reply::text(SECURITY_TXT)).await;
    let fetched = fetcher(options(trusted, server.addr, &["good.test"]))
        .fetch("good.test")
        .await;
    assert!(
        server.stats.requests().is_empty(),
        "no request over a bad TLS session"
    );
    fetched
}

#[tokio::test]
async fn bad_certificates_are_invalid_cert() {
    let trusted = Pki::new();
    let stranger = Pki::new();
    let unknown_ca = cert_failure(stranger.leaf(&["good.test"], false), &trusted).await;
    let wrong_name = cert_failure(trusted.leaf(&["other.test"], false), &trusted).await;
    let expired = cert_failure(trusted.leaf(&["good.test"], true), &trusted).await;
    for (what, fetched) in [
        ("unknown CA", unknown_ca),
        ("wrong name", wrong_name),
        ("expired", expired),
    ] {
        assert!(fetched.body.is_none(), "{what}");
        assert!(
            fetched.has(FetchCode::InvalidCert),
            "{what}: {:?}",
            fetched.diagnostics
        );
        assert_eq!(fetched.diagnostics.len(), 1, "{what}: no legacy attempt");
    }
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed() {
    let pki = Pki::new();
    let server = serve(pki.leaf(&["good.test"], false), |_, _| {
        Reply::text(SECURITY_TXT)
    })
    .await;
    let strict = fetcher(options(&pki, server.addr, &["good.test"]).allow_private_addresses(false));
    let fetched = strict.fetch("good.test").await;
    assert!(fetched.body.is_none());
    assert!(
        fetched.has(FetchCode::PrivateAddress),
        "{:?}",
        fetched.diagnostics
    );
    assert!(fetched.diagnostics[0].message.contains("127.0.0.1"));
    // An IP literal is checked before any connection.
    let literal = strict.fetch("127.0.0.1").await;
    assert!(
        literal.has(FetchCode::PrivateAddress),
        "{:?}",
        literal.diagnostics
    );
    assert!(server.stats.requests().is_empty());
    // The default options refuse too.
    assert!(!FetchOptions::default().allow_private_addresses);

    let allowed = fetcher(options(&pki, server.addr, &["good.test"]));
    assert!(allowed.fetch("good.test").await.is_ok());
}

#[tokio::test]
async fn invalid_domains_are_reported_without_a_request() {
    let pki = Pki::new();
    let fetcher = fetcher(options(&pki, "127.0.0.1:9".parse().unwrap(), &[]));
    for bad in ["", "a/b", "user@host", "host:443", "a b"] {
        let fetched = fetcher.fetch(bad).await;
        assert!(fetched.has(FetchCode::InvalidDomain), "{bad:?}");
        assert!(fetched.url_chain.is_empty());
    }
}

#[tokio::test]
async fn batch_limits_concurrency_and_keeps_one_request_per_host() {
    let pki = Pki::new();
    let hosts = ["a.test", "b.test", "c.test", "d.test"];
    let server = serve(pki.leaf(&hosts, false), |_, _| Reply {
        delay: Duration::from_millis(80),
        ..Reply::text(SECURITY_TXT)
    })
    .await;
    let fetcher = fetcher(
        options(&pki, server.addr, &hosts)
            .concurrency(2)
            .per_host_delay(Duration::from_millis(20)),
    );
    let domains = [
        "a.test", "a.test", "b.test", "a.test", "c.test", "d.test", "b.test",
    ];
    let results = fetcher.fetch_many(domains).await;
    assert_eq!(results.len(), domains.len());
    for (fetched, domain) in results.iter().zip(domains) {
        assert_eq!(fetched.domain, domain);
        assert!(fetched.is_ok(), "{domain}: {:?}", fetched.diagnostics);
    }
    assert_eq!(server.stats.requests().len(), domains.len());
    assert_eq!(
        server.stats.max_per_host(),
        1,
        "one request in flight per host"
    );
    let max = server.stats.max_in_flight.load(Ordering::SeqCst);
    assert!(max <= 2, "concurrency limit: {max} in flight");
}

#[tokio::test]
async fn encryption_key_is_fetched_into_a_keyring() {
    let key = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/signed/key-a.asc"
    ))
    .unwrap();
    let signed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/signed/lf.signed.txt"
    ))
    .unwrap();
    let pki = Pki::new();
    let server = serve(pki.leaf(&["good.test"], false), move |_, path| match path {
        "/pgp-key.txt" => Reply::typed("application/pgp-keys", &key),
        "/broken.asc" => Reply::typed("text/plain", b"not a key"),
        _ => Reply::status(404),
    })
    .await;
    let fetcher = fetcher(options(&pki, server.addr, &["good.test"]));
    let url = url::Url::parse("https://good.test/pgp-key.txt").unwrap();
    let fetched = fetcher.fetch_key(&url).await;
    assert!(fetched.fetched.is_ok(), "{:?}", fetched.fetched.diagnostics);
    let keyring = fetched.keyring.expect("key parsed");
    assert_eq!(
        securitytxt::verify::verify(&signed, &keyring).as_str(),
        "valid"
    );

    let broken = fetcher
        .fetch_key(&url::Url::parse("https://good.test/broken.asc").unwrap())
        .await;
    assert!(broken.keyring.is_none());
    assert!(broken.fetched.has(FetchCode::InvalidKey));

    // A security.txt must not be served as a key type.
    let as_txt = fetcher.fetch_url(&url).await;
    assert!(as_txt.has(FetchCode::ContentType));

    let plain = fetcher
        .fetch_key(&url::Url::parse("http://good.test/pgp-key.txt").unwrap())
        .await;
    assert!(plain.fetched.has(FetchCode::UnsupportedUrl));
    assert_eq!(server.stats.requests().len(), 3);
}

#[test]
fn blocking_fetcher_from_plain_code() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let pki = Pki::new();
    let server = runtime.block_on(serve(
        pki.leaf(&["good.test"], false),
        |_, path| match path {
            "/.well-known/security.txt" => Reply::text(SECURITY_TXT),
            _ => Reply::status(404),
        },
    ));
    let fetcher = BlockingFetcher::new(options(&pki, server.addr, &["good.test"]).build()).unwrap();
    let fetched = fetcher.fetch("good.test");
    assert!(fetched.is_ok(), "{:?}", fetched.diagnostics);
    assert_eq!(fetched.body.as_deref(), Some(SECURITY_TXT));
    let url = url::Url::parse("https://good.test/.well-known/security.txt").unwrap();
    assert!(fetcher.fetch_url(&url).is_ok());
    let many = fetcher.fetch_many(["good.test", "good.test"]);
    assert!(many.iter().all(|f| f.is_ok()));
}

#[test]
fn options_reject_a_broken_root_certificate() {
    let options = FetchOptions::builder()
        .roots(Roots::ExtraOnly)
        .add_root_der(b"not a certificate".to_vec())
        .build();
    let err = Fetcher::new(options).unwrap_err().to_string();
    assert!(err.contains("root certificate"), "{err}");
    let none = FetchOptions::builder().roots(Roots::ExtraOnly).build();
    assert!(Fetcher::new(none).is_err());
}
