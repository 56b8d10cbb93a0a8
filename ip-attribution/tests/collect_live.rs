//! `collect` against real servers on 127.0.0.1 started by the tests: a DNS server
//! (hickory-server, in process), WHOIS servers with a referral chain, a referral loop,
//! rate-limit answers, silent, oversized and malformed answers, an RDAP server with 404, 429
//! and redirects, and an HTTPS server with a test CA serving security.txt. Nothing here
//! touches the internet.
#![cfg(feature = "net")]

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::proto::rr::rdata::{A, AAAA, PTR, SOA};
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
use ip_attribution::{
    CollectOptions, CollectReport, Politeness, ServerLimit, Timeouts, WhoisServer, collect,
};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio_rustls::TlsAcceptor;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

// ------------------------------------------------------------------ DNS

async fn dns_server(records: &[(String, RData)]) -> SocketAddr {
    let mut zone = InMemoryZoneHandler::<TokioRuntimeProvider>::empty(
        Name::root(),
        ZoneType::Primary,
        AxfrPolicy::Deny,
    );
    let soa = SOA::new(
        Name::from_str("ns.test.").unwrap(),
        Name::from_str("hostmaster.test.").unwrap(),
        1,
        3600,
        600,
        86400,
        60,
    );
    zone.upsert_mut(Record::from_rdata(Name::root(), 60, RData::SOA(soa)), 1);
    for (name, data) in records {
        let name = Name::from_str(name).unwrap();
        zone.upsert_mut(Record::from_rdata(name, 60, data.clone()), 1);
    }
    let mut catalog = Catalog::new();
    catalog.upsert(LowerName::from(Name::root()), vec![Arc::new(zone)]);
    // UDP and TCP on the same port: try ports until both are free.
    let (udp, tcp, addr) = loop {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = udp.local_addr().unwrap();
        if let Ok(tcp) = TcpListener::bind(addr).await {
            break (udp, tcp, addr);
        }
    };
    let mut server = hickory_server::Server::new(catalog);
    server.register_socket(udp);
    server.register_listener(tcp, Duration::from_secs(5), 4096);
    tokio::spawn(async move {
        let _ = server.block_until_done().await;
    });
    addr
}

fn ptr_name(ip: &str) -> String {
    Name::from(ip.parse::<IpAddr>().unwrap()).to_string()
}

fn ptr(ip: &str, name: &str) -> (String, RData) {
    (
        ptr_name(ip),
        RData::PTR(PTR(Name::from_str(&format!("{name}.")).unwrap())),
    )
}

fn a(name: &str, ip: &str) -> (String, RData) {
    let data = match ip.parse::<IpAddr>().unwrap() {
        IpAddr::V4(v4) => RData::A(A(v4)),
        IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
    };
    (format!("{name}."), data)
}

// ------------------------------------------------------------------ WHOIS

#[derive(Clone)]
enum Whois {
    Text(String),
    /// Accept, read the query, never answer.
    Silent,
}

type WhoisRouter = Arc<dyn Fn(&str, usize) -> Whois + Send + Sync>;

/// A port-43 server: answers each query line with the router's reply (the second argument is
/// how many times this exact query was asked before). Returns the port and the queries seen.
async fn whois_server(
    router: impl Fn(&str, usize) -> Whois + Send + Sync + 'static,
) -> (u16, Arc<Mutex<Vec<String>>>) {
    let router: WhoisRouter = Arc::new(router);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut tcp, _)) = listener.accept().await else {
                return;
            };
            let router = router.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let mut line = Vec::new();
                let mut byte = [0u8; 1];
                while !line.ends_with(b"\n") && line.len() < 1024 {
                    match tcp.read(&mut byte).await {
                        Ok(1) => line.push(byte[0]),
                        _ => break,
                    }
                }
                let query = String::from_utf8_lossy(&line).trim().to_owned();
                if query.is_empty() {
                    return; // the client went away before asking
                }
                let before = {
                    let mut l = log.lock().unwrap();
                    let n = l.iter().filter(|q| **q == query).count();
                    l.push(query.clone());
                    n
                };
                match router(&query, before) {
                    Whois::Text(t) => {
                        let _ = tcp.write_all(t.as_bytes()).await;
                        let _ = tcp.shutdown().await;
                    }
                    Whois::Silent => {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                    }
                }
            });
        }
    });
    (port, seen)
}

fn ip_of(query: &str) -> IpAddr {
    query
        .split_whitespace()
        .last()
        .and_then(|t| t.parse().ok())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

// ------------------------------------------------------------------ HTTP(S)

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
            .push(rcgen::DnType::CommonName, "collect test CA");
        let cert = params.self_signed(&key).unwrap();
        Pki {
            ca_der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        }
    }

    fn acceptor(&self, names: &[&str]) -> TlsAcceptor {
        let key = KeyPair::generate().unwrap();
        let params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let key: PrivateKeyDer<'static> = PrivatePkcs8KeyDer::from(key.serialize_der()).into();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone()], key)
            .unwrap();
        TlsAcceptor::from(Arc::new(config))
    }
}

struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type", content_type.to_owned())],
            body: body.into(),
        }
    }
    fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}

type HttpRouter = Arc<dyn Fn(&str, &str, usize) -> Reply + Send + Sync>;

/// Every HTTP request any test's server saw: host and path, and the User-Agent it came with.
static USER_AGENTS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// An HTTP/1.1 server (TLS when `tls` is given); the router gets host, path and how often the
/// path was asked before. Returns the port and the requests seen.
async fn http_server(
    tls: Option<TlsAcceptor>,
    router: impl Fn(&str, &str, usize) -> Reply + Send + Sync + 'static,
) -> (u16, Arc<Mutex<Vec<String>>>) {
    let router: HttpRouter = Arc::new(router);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let router = router.clone();
            let log = log.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                match tls {
                    Some(acceptor) => {
                        if let Ok(stream) = acceptor.accept(tcp).await {
                            handle(stream, router, log).await;
                        }
                    }
                    None => handle(tcp, router, log).await,
                }
            });
        }
    });
    (port, seen)
}

async fn handle<S: AsyncReadExt + AsyncWriteExt + Unpin>(
    mut stream: S,
    router: HttpRouter,
    log: Arc<Mutex<Vec<String>>>,
) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
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
    let key = format!("{host}{path}");
    let agent = head
        .split("\r\n")
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("user-agent")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default();
    USER_AGENTS.lock().unwrap().push((key.clone(), agent));
    let before = {
        let mut l = log.lock().unwrap();
        let n = l.iter().filter(|q| **q == key).count();
        l.push(key);
        n
    };
    let reply = router(&host, &path, before);
    let mut out = format!("HTTP/1.1 {} Test\r\nConnection: close\r\n", reply.status);
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", reply.body.len()));
    let mut all = out.into_bytes();
    all.extend_from_slice(&reply.body);
    let _ = stream.write_all(&all).await;
    let _ = stream.shutdown().await;
}

// ------------------------------------------------------------------ the world

const RIPE_LEAF: &str = "% This is the RIPE Database query service.\n\n% Information related to '192.0.2.0 - 192.0.2.63'\n\n% Abuse contact for '192.0.2.0 - 192.0.2.63' is 'abuse@shop-one.test'\n\ninetnum:        192.0.2.0 - 192.0.2.63\nnetname:        SHOP-ONE\norg:            ORG-SO1-RIPE\nstatus:         ASSIGNED PA\nsource:         RIPE\n\ninetnum:        192.0.2.0 - 192.0.2.255\nnetname:        NL-DUINHOST\nstatus:         ALLOCATED PA\nsource:         RIPE\n\norganisation:   ORG-SO1-RIPE\norg-name:       Shop One B.V.\norg-type:       OTHER\nabuse-c:        SO1-RIPE\nsource:         RIPE\n";

const RIPE_ALLOC: &str = "% This is the RIPE Database query service.\n\ninetnum:        192.0.2.0 - 192.0.2.255\nnetname:        NL-DUINHOST\nstatus:         ALLOCATED PA\nsource:         RIPE\n";

const RIPE_V6: &str = "% This is the RIPE Database query service.\n\ninet6num:       2001:db8::/48\nnetname:        SIX-CUST\nstatus:         ASSIGNED\nsource:         RIPE\n";

const ARIN: &str = "#\n# ARIN WHOIS data and services are subject to the Terms of Use\n#\n\nNetRange:       198.51.100.0 - 198.51.100.255\nCIDR:           198.51.100.0/24\nNetName:        SUMMIT-1\nNetHandle:      NET-198-51-100-0-1\nNetType:        Direct Allocation\nOrganization:   Summit Wireless LLC (SWL-35)\n\nOrgName:        Summit Wireless LLC\nOrgId:          SWL-35\nOrgAbuseHandle: ABUSE1-ARIN\nOrgAbuseEmail:  abuse@summit.test\n";

const LACNIC: &str = "% Joint Whois - whois.lacnic.net\n\ninetnum:     203.0.113.0/24\nstatus:      assigned\nowner:       Red del Sur\nownerid:     BR-RDSU-LACNIC\nabuse-c:     RDS1\ncountry:     BR\n";

fn rdap_json(handle: &str, start: &str, end: &str) -> String {
    format!(
        r#"{{"objectClassName":"ip network","handle":"{handle}","startAddress":"{start}","endAddress":"{end}","ipVersion":"v4","type":"ASSIGNED PA","name":"RDAP-NET","entities":[{{"objectClassName":"entity","handle":"AB-1","roles":["abuse"],"vcardArray":["vcard",[["version",{{}},"text","4.0"],["fn",{{}},"text","Abuse"],["email",{{}},"text","abuse@rdap-net.test"]]]}}]}}"#
    )
}

const SECURITY_TXT: &str =
    "Contact: mailto:security@shop-one.test\nExpires: 2030-01-01T00:00:00.000Z\n";

struct World {
    dns: SocketAddr,
    iana: u16,
    ripe: u16,
    bootstrap: ip_attribution::Bootstrap,
    ca_der: Vec<u8>,
    https_port: u16,
    whois_seen: HashMap<&'static str, Arc<Mutex<Vec<String>>>>,
    rdap_seen: Arc<Mutex<Vec<String>>>,
    https_seen: Arc<Mutex<Vec<String>>>,
}

/// The addresses of the feed and what each exercises.
const FEED: &str = "\"timestamp\",\"ip\",\"port\",\"hostname\"\n\
\"2026-11-22 00:00:01\",\"192.0.2.10\",443,\n\
\"2026-11-22 00:00:02\",\"192.0.2.11\",443,\n\
\"2026-11-22 00:00:03\",\"192.0.2.10\",3389,\n\
\"2026-11-22 00:00:04\",\"192.0.2.200\",3389,\n\
\"2026-11-22 00:00:05\",\"198.51.100.7\",3389,\n\
\"2026-11-22 00:00:06\",\"203.0.113.5\",3389,\n\
\"2026-11-22 00:00:07\",\"100.64.0.1\",3389,\n\
\"2026-11-22 00:00:08\",\"100.65.0.1\",3389,\n\
\"2026-11-22 00:00:09\",\"100.66.0.1\",3389,\n\
\"2026-11-22 00:00:10\",\"100.67.0.1\",3389,\n\
\"2026-11-22 00:00:11\",\"100.68.0.1\",3389,\n\
\"2026-11-22 00:00:12\",\"2001:db8::5\",3389,\n\
\"2026-11-22 00:00:13\",\"not-an-ip\",3389,\n";

async fn world() -> World {
    // Registries. RIPE-style: its port is the run's default WHOIS port (referrals without one).
    let (ripe, ripe_seen) = whois_server(|q, _| {
        assert!(q.starts_with("-L "), "RIPE asked without -L: {q:?}");
        let ip = ip_of(q);
        let text = match ip.to_string().as_str() {
            "192.0.2.10" | "192.0.2.11" => RIPE_LEAF,
            "192.0.2.200" => RIPE_ALLOC,
            "2001:db8::5" => RIPE_V6,
            _ => "%ERROR:101: no entries found\n",
        };
        Whois::Text(text.to_owned())
    })
    .await;
    let (arin, arin_seen) = whois_server(|q, _| {
        if q.starts_with("n + ") {
            Whois::Text(ARIN.to_owned())
        } else {
            Whois::Text(format!("Query {q:?} not understood\n"))
        }
    })
    .await;
    let (lacnic, lacnic_seen) = whois_server(|_, before| {
        if before == 0 {
            Whois::Text("% Query rate limit exceeded. Please try again later.\n".to_owned())
        } else {
            Whois::Text(LACNIC.to_owned())
        }
    })
    .await;
    let (silent, _) = whois_server(|_, _| Whois::Silent).await;
    let (big, _) = whois_server(|_, _| {
        Whois::Text(format!(
            "inetnum: 100.66.0.0 - 100.66.0.255\nremarks: {}\n",
            "x".repeat(2 << 20)
        ))
    })
    .await;
    let (garbage, _) =
        whois_server(|_, _| Whois::Text("\u{1}\u{2}\u{3} binary garbage".to_owned())).await;
    // Two servers referring to each other.
    let loop_b = Arc::new(AtomicUsize::new(0));
    let (loop_a, loop_a_seen) = {
        let b = loop_b.clone();
        whois_server(move |_, _| {
            Whois::Text(format!(
                "ReferralServer: whois://loop-b.test:{}\n",
                b.load(Ordering::SeqCst)
            ))
        })
        .await
    };
    let (loop_b_port, _) =
        whois_server(move |_, _| Whois::Text(format!("% referral\nrefer: loop-a.test:{loop_a}\n")))
            .await;
    loop_b.store(usize::from(loop_b_port), Ordering::SeqCst);

    let (iana, iana_seen) = whois_server(move |q, _| {
        let ip = ip_of(q);
        let (block, refer) = match ip {
            IpAddr::V4(v4) => match v4.octets() {
                [192, ..] => ("192.0.0.0 - 192.255.255.255", "whois.ripe.test".to_owned()),
                [198, ..] => ("198.0.0.0 - 198.255.255.255", format!("whois.arin.test:{arin}")),
                [203, ..] => ("203.0.0.0 - 203.255.255.255", format!("whois.lacnic.test:{lacnic}")),
                [100, 64, ..] => ("100.64.0.0 - 100.64.255.255", format!("loop-a.test:{loop_a}")),
                [100, 65, ..] => ("100.65.0.0 - 100.65.255.255", format!("silent.test:{silent}")),
                [100, 66, ..] => ("100.66.0.0 - 100.66.255.255", format!("big.test:{big}")),
                [100, 67, ..] => ("100.67.0.0 - 100.67.255.255", format!("garbage.test:{garbage}")),
                _ => return Whois::Text("% IANA WHOIS server\n\n% no refer for this one\n".to_owned()),
            },
            IpAddr::V6(_) => ("2001:db8:: - 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "whois.ripe.test".to_owned()),
        };
        Whois::Text(format!(
            "% IANA WHOIS server\n\nrefer:        {refer}\n\ninetnum:      {block}\norganisation: IANA test\nstatus:       ALLOCATED\n\nsource:       IANA\n"
        ))
    })
    .await;

    // RDAP over plain HTTP: 429 once then the answer; a redirect; 404.
    let (rdap, rdap_seen) = http_server(None, |_, path, before| match path {
        "/rdap/ip/100.64.0.1" if before == 0 => {
            Reply::new(429, "text/plain", "slow down").header("Retry-After", "1")
        }
        "/rdap/ip/100.64.0.1" => Reply::new(
            200,
            "application/rdap+json",
            rdap_json("NET-100-64-0-0-1", "100.64.0.0", "100.64.0.255"),
        ),
        "/rdap/ip/100.68.0.1" => {
            Reply::new(302, "text/plain", "").header("Location", "/moved/ip/100.68.0.1")
        }
        "/moved/ip/100.68.0.1" => Reply::new(
            200,
            "application/rdap+json",
            rdap_json("NET-100-68-0-0-1", "100.68.0.0", "100.68.0.255"),
        ),
        "/rdap/ip/100.67.0.1" => Reply::new(200, "application/rdap+json", "{not json"),
        _ => Reply::new(404, "application/rdap+json", "{}"),
    })
    .await;
    let mut bootstrap = ip_attribution::Bootstrap::default();
    bootstrap
        .add_file(
            format!(
                r#"{{"version":"1.0","publication":"2026-11-01T00:00:00Z","services":[[["100.64.0.0/10"],["http://rdap.test:{rdap}/rdap/"]]]}}"#
            )
            .as_bytes(),
            "test ipv4.json",
        )
        .unwrap();

    // security.txt over HTTPS with the test CA; shop-two.test redirects to shop-one.test.
    let pki = Pki::new();
    let (https_port, https_seen) = http_server(
        Some(pki.acceptor(&[
            "shop-one.test",
            "shop-two.test",
            "shop-three.test",
            "www.shop-three.test",
        ])),
        |host, path, _| match (host, path) {
            ("shop-one.test", "/.well-known/security.txt") => {
                Reply::new(200, "text/plain; charset=utf-8", SECURITY_TXT)
            }
            ("shop-two.test", "/.well-known/security.txt") => Reply::new(301, "text/plain", "")
                .header("Location", "https://shop-one.test/.well-known/security.txt"),
            // a redirect to a host only the collection's DNS server knows
            ("shop-three.test", "/.well-known/security.txt") => Reply::new(301, "text/plain", "")
                .header(
                    "Location",
                    "https://www.shop-three.test/.well-known/security.txt",
                ),
            ("www.shop-three.test", "/.well-known/security.txt") => {
                Reply::new(200, "text/plain; charset=utf-8", SECURITY_TXT)
            }
            _ => Reply::new(404, "text/plain", "not here"),
        },
    )
    .await;

    let lo = "127.0.0.1";
    let dns = dns_server(&[
        a("whois.iana.test", lo),
        a("whois.ripe.test", lo),
        a("whois.arin.test", lo),
        a("whois.lacnic.test", lo),
        a("loop-a.test", lo),
        a("loop-b.test", lo),
        a("silent.test", lo),
        a("big.test", lo),
        a("garbage.test", lo),
        a("rdap.test", lo),
        a("shop-one.test", lo),
        a("shop-two.test", lo),
        a("shop-three.test", lo),
        a("www.shop-three.test", lo),
        ptr("203.0.113.5", "mx.shop-three.test"),
        a("mx.shop-three.test", "203.0.113.5"),
        // forward-confirmed PTR names
        ptr("192.0.2.10", "mail.shop-one.test"),
        a("mail.shop-one.test", "192.0.2.10"),
        ptr("192.0.2.11", "www.shop-two.test"),
        a("www.shop-two.test", "192.0.2.11"),
        // a PTR name whose forward lookup does not confirm it
        ptr("198.51.100.7", "host.unconfirmed.test"),
        a("host.unconfirmed.test", "198.51.100.99"),
        // a generic name
        ptr("192.0.2.200", "192-0-2-200.dyn.duinhost.test"),
        a("192-0-2-200.dyn.duinhost.test", "192.0.2.200"),
        ptr("2001:db8::5", "v6.shop-one.test"),
        a("v6.shop-one.test", "2001:db8::5"),
    ])
    .await;

    let mut whois_seen = HashMap::new();
    whois_seen.insert("iana", iana_seen);
    whois_seen.insert("ripe", ripe_seen);
    whois_seen.insert("arin", arin_seen);
    whois_seen.insert("lacnic", lacnic_seen);
    whois_seen.insert("loop", loop_a_seen);
    World {
        dns,
        iana,
        ripe,
        bootstrap,
        ca_der: pki.ca_der.to_vec(),
        https_port,
        whois_seen,
        rdap_seen,
        https_seen,
    }
}

fn options(w: &World, cache: Option<&Path>) -> CollectOptions {
    let mut o = CollectOptions::new(now()).unwrap();
    o.dns = Some(w.dns);
    o.whois_root = WhoisServer::parse(&format!("whois.iana.test:{}", w.iana), 43).unwrap();
    o.whois_port = w.ripe;
    o.bootstrap = w.bootstrap.clone();
    o.extra_roots_der = vec![w.ca_der.clone()];
    o.allow_private = true;
    o.cache_dir = cache.map(Path::to_path_buf);
    o.https_port = w.https_port;
    let mut t = Timeouts::default();
    t.whois = Duration::from_millis(1500);
    t.rdap = Duration::from_secs(5);
    o.timeouts = t;
    let mut p = Politeness::new();
    for host in [
        "whois.iana.test",
        "whois.ripe.test",
        "whois.arin.test",
        "whois.lacnic.test",
        "loop-a.test",
        "loop-b.test",
        "silent.test",
        "big.test",
        "garbage.test",
    ] {
        p.set_limit(host, ServerLimit::new(Duration::from_millis(10), 1));
    }
    p.set_limit("rdap.test", ServerLimit::new(Duration::from_millis(10), 2));
    p.set_backoff_base(Duration::from_millis(50));
    o.politeness = p;
    o
}

fn feed_file(dir: &Path) -> PathBuf {
    let p = dir.join("2026-11-22-scan_rdp-test.csv");
    std::fs::write(&p, FEED).unwrap();
    p
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn log_lines(out: &Path) -> Vec<serde_json::Value> {
    read(&out.join("collect-log.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn logged(out: &Path, needle: &str) -> bool {
    log_lines(out).iter().any(|l| {
        l.to_string()
            .to_lowercase()
            .contains(&needle.to_lowercase())
    })
}

async fn run(w: &World, dir: &Path, out: &str, cache: Option<&Path>) -> (PathBuf, CollectReport) {
    let feed = feed_file(dir);
    let out = dir.join(out);
    let report = collect(&[feed], &out, &options(w, cache)).await.unwrap();
    (out, report)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_every_kind_of_evidence_and_logs_every_fault() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let (out, report) = run(&w, dir.path(), "snap", None).await;

    assert_eq!(report.findings, 13);
    assert_eq!(report.addresses, 11);
    // registry answers, named by registry and address
    // 192.0.2.10 and .11 lie in one assignment: whichever is asked first, its answer covers
    // the other, which is not asked again
    let shared = ["192.0.2.10", "192.0.2.11"]
        .map(|ip| out.join(format!("registry/whois-ripe-{ip}.txt")))
        .into_iter()
        .filter(|p| p.exists())
        .collect::<Vec<_>>();
    assert_eq!(shared.len(), 1, "{shared:?}");
    assert!(read(&shared[0]).contains("ASSIGNED PA"));
    assert!(out.join("registry/whois-ripe-192.0.2.200.txt").exists());
    assert!(out.join("registry/whois-ripe-2001_db8__5.txt").exists());
    assert!(read(&out.join("registry/whois-arin-198.51.100.7.txt")).contains("OrgAbuseEmail"));
    assert!(read(&out.join("registry/whois-lacnic-203.0.113.5.txt")).contains("owner:"));
    let ripe_queries = w.whois_seen["ripe"].lock().unwrap().clone();
    let asked = |ip: &str| {
        ripe_queries
            .iter()
            .filter(|q| **q == format!("-L {ip}"))
            .count()
    };
    assert_eq!(
        asked("192.0.2.10") + asked("192.0.2.11"),
        1,
        "{ripe_queries:?}"
    );
    // an allocation does not cover its other addresses (an assignment inside may hold them)
    assert_eq!(asked("192.0.2.200"), 1, "{ripe_queries:?}");
    // IANA asked once per block
    let iana = w.whois_seen["iana"].lock().unwrap().clone();
    assert_eq!(
        iana.iter().filter(|q| q.starts_with("192.")).count(),
        1,
        "{iana:?}"
    );
    // ARIN got its n + form
    assert_eq!(*w.whois_seen["arin"].lock().unwrap(), ["n + 198.51.100.7"]);
    // LACNIC's rate-limit answer was backed off from and asked again
    assert_eq!(w.whois_seen["lacnic"].lock().unwrap().len(), 2);
    assert!(logged(&out, "rate limit"));
    assert!(report.refusals >= 1);
    // referral loop, silent, oversized and malformed answers are logged; RDAP then asked
    assert!(logged(&out, "referral loop"));
    assert!(logged(&out, "silent or slow"));
    assert!(logged(&out, "larger than"));
    assert!(logged(&out, "malformed"));
    // RDAP: 429 + Retry-After then the answer; a redirect; a 404; an invalid document
    assert!(read(&out.join("rdap/net-100-64-0-0-1.json")).contains("NET-100-64-0-0-1"));
    assert!(out.join("rdap/net-100-68-0-0-1.json").exists());
    let rdap = w.rdap_seen.lock().unwrap().clone();
    assert_eq!(
        rdap.iter()
            .filter(|r| r.ends_with("/rdap/ip/100.64.0.1"))
            .count(),
        2
    );
    assert!(logged(&out, "HTTP 429"));
    assert!(logged(&out, "404"));
    assert!(logged(&out, "unusable RDAP answer"));
    // rdns.jsonl in the Sonar shape
    let rdns = read(&out.join("rdns.jsonl"));
    assert!(
        rdns.contains(r#""name":"192.0.2.10""#) && rdns.contains(r#""value":"mail.shop-one.test""#)
    );
    assert!(rdns.contains(r#""type":"aaaa""#));
    // security.txt: forward-confirmed, non-generic names only; a redirect followed
    assert_eq!(
        read(&out.join("securitytxt/shop-one.test.txt")),
        SECURITY_TXT
    );
    assert_eq!(
        read(&out.join("securitytxt/shop-two.test.txt")),
        SECURITY_TXT
    );
    assert_eq!(
        read(&out.join("securitytxt/shop-three.test.txt")),
        SECURITY_TXT
    );
    let https = w.https_seen.lock().unwrap().clone();
    assert!(
        !https
            .iter()
            .any(|r| r.contains("unconfirmed") || r.contains("duinhost")),
        "{https:?}"
    );
    // the snapshot loads and the daily run's engine reads it
    let (snap, load) = ip_attribution::Snapshot::load(&out).unwrap();
    assert!(load.problems.is_empty(), "{:?}", load.problems);
    drop(snap);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_run_asks_almost_nothing_and_writes_the_same_snapshot() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let (first_out, first) = run(&w, dir.path(), "one", Some(&cache)).await;
    let (second_out, second) = run(&w, dir.path(), "two", Some(&cache)).await;
    assert!(first.queries.total() > 20, "{:?}", first.queries);
    eprintln!(
        "bench: first run {:?} ({} in all, {} ms), second run {:?} ({} in all, {} ms)",
        first.queries,
        first.queries.total(),
        first.elapsed.as_millis(),
        second.queries,
        second.queries.total(),
        second.elapsed.as_millis()
    );
    assert!(
        second.queries.total() * 20 < first.queries.total(),
        "second run {:?} vs first {:?}",
        second.queries,
        first.queries
    );
    for sub in ["registry", "rdap", "securitytxt"] {
        let list = |d: &Path| {
            let mut v: Vec<_> = std::fs::read_dir(d.join(sub))
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            v.sort();
            v
        };
        assert_eq!(list(&first_out), list(&second_out), "{sub}");
    }
    let lines = |p: &Path| {
        let mut v: Vec<String> = read(&p.join("rdns.jsonl"))
            .lines()
            .map(str::to_owned)
            .collect();
        v.sort();
        v
    };
    assert_eq!(lines(&first_out), lines(&second_out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_resumes_from_the_cache() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    // Interrupt the first run once some answers are cached.
    let feed = feed_file(dir.path());
    let o = options(&w, Some(&cache));
    let out = dir.path().join("cut");
    let task = {
        let feed = feed.clone();
        let out = out.clone();
        tokio::spawn(async move { collect(&[feed], &out, &o).await })
    };
    // ... once RIPE has answered one address of the shared assignment.
    let cached = |ip: &str| cache.join(format!("whois/{ip}.json")).exists();
    for _ in 0..1000 {
        if cached("192.0.2.10") || cached("192.0.2.11") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    task.abort();
    let _ = task.await;
    let asked_before = w.whois_seen["ripe"].lock().unwrap().len();
    assert!(asked_before >= 1);
    // The resumed run finishes and does not ask RIPE again for what it already answered.
    let (resumed_out, _) = run(&w, dir.path(), "resumed", Some(&cache)).await;
    let ripe = w.whois_seen["ripe"].lock().unwrap().clone();
    for q in [
        "-L 192.0.2.10",
        "-L 192.0.2.11",
        "-L 192.0.2.200",
        "-L 2001:db8::5",
    ] {
        assert!(
            ripe.iter().filter(|x| *x == q).count() <= 1,
            "{q} asked twice: {ripe:?}"
        );
    }
    let shared = ["192.0.2.10", "192.0.2.11"]
        .iter()
        .filter(|ip| {
            resumed_out
                .join(format!("registry/whois-ripe-{ip}.txt"))
                .exists()
        })
        .count();
    assert_eq!(shared, 1);
    assert!(resumed_out.join("securitytxt/shop-one.test.txt").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_refused_by_default() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let feed = feed_file(dir.path());
    let out = dir.path().join("strict");
    let mut o = options(&w, None);
    o.allow_private = false;
    let report = collect(&[feed], &out, &o).await.unwrap();
    // every server is on loopback: nothing is contacted but the DNS server itself
    assert_eq!(report.queries.whois, 0);
    assert_eq!(report.queries.rdap, 0);
    assert_eq!(report.queries.https, 0);
    assert!(logged(&out, "non-public"));
    assert!(w.whois_seen["iana"].lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_probe_records_the_chain_only_when_asked_and_missing() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("2026-11-22-scan_http-test.csv");
    std::fs::write(
        &feed,
        format!(
            "\"timestamp\",\"ip\",\"port\"\n\"2026-11-22 00:00:01\",\"127.0.0.1\",{}\n",
            w.https_port
        ),
    )
    .unwrap();
    let out = dir.path().join("probe");
    let o = options(&w, None);
    // not asked: nothing probed
    let r = collect(std::slice::from_ref(&feed), &out, &o)
        .await
        .unwrap();
    assert_eq!(r.queries.tls, 0);
    let pem = out.join(format!("certs/127.0.0.1_{}.pem", w.https_port));
    assert!(!pem.exists());
    // asked: the chain the server presents, as PEM, leaf first
    let mut o = options(&w, None);
    o.tls_probe = true;
    let r = collect(std::slice::from_ref(&feed), &out, &o)
        .await
        .unwrap();
    assert_eq!(r.queries.tls, 1);
    let chain = ip_attribution::CertChain::parse(&std::fs::read(&pem).unwrap(), "probe").unwrap();
    assert_eq!(chain.len(), 1);
    let a = ip_attribution::analyze_cert_chain(&chain, &ip_attribution::TrustStore::empty(), now())
        .unwrap();
    assert!(
        a.dns_names.contains(&"shop-one.test".to_owned()),
        "{:?}",
        a.dns_names
    );
    // already in the snapshot: not probed again
    let r = collect(&[feed], &out, &o).await.unwrap();
    assert_eq!(r.queries.tls, 0);
}

/// 256 addresses of one /24 whose registry answers are /28 assignments: 16 RIPE queries and
/// one IANA query in all, never two at once to one server, and (printed, for BENCHMARKS.md)
/// the wall time against the pace the limits allow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_addresses_share_answers_and_keep_the_pace() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let max_in_flight = Arc::new(AtomicUsize::new(0));
    let (ripe, ripe_seen) = {
        let (cur, max) = (in_flight.clone(), max_in_flight.clone());
        whois_server(move |q, _| {
            let now = cur.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(now, Ordering::SeqCst);
            let IpAddr::V4(v4) = ip_of(q) else {
                unreachable!()
            };
            let base = v4.octets()[3] & 0xf0;
            std::thread::sleep(Duration::from_millis(2));
            cur.fetch_sub(1, Ordering::SeqCst);
            Whois::Text(format!(
                "inetnum: 192.0.2.{base} - 192.0.2.{}\nnetname: CUST-{base}\nstatus: ASSIGNED PA\nsource: RIPE\n",
                base + 15
            ))
        })
        .await
    };
    let (iana, iana_seen) = whois_server(move |_, _| {
        Whois::Text(format!(
            "refer: whois.ripe.test:{ripe}\n\ninetnum: 192.0.0.0 - 192.255.255.255\nsource: IANA\n"
        ))
    })
    .await;
    let dns = dns_server(&[
        a("whois.iana.test", "127.0.0.1"),
        a("whois.ripe.test", "127.0.0.1"),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("2026-11-22-scan_rdp-many.csv");
    let mut csv = String::from("\"timestamp\",\"ip\",\"port\"\n");
    for i in 0..=255 {
        csv.push_str(&format!("\"2026-11-22 00:00:01\",\"192.0.2.{i}\",3389\n"));
    }
    std::fs::write(&feed, csv).unwrap();
    let mut o = CollectOptions::new(now()).unwrap();
    o.dns = Some(dns);
    o.whois_root = WhoisServer::parse(&format!("whois.iana.test:{iana}"), 43).unwrap();
    o.allow_private = true;
    let interval = Duration::from_millis(50);
    let mut p = Politeness::new();
    p.set_limit("whois.iana.test", ServerLimit::new(interval, 1));
    p.set_limit("whois.ripe.test", ServerLimit::new(interval, 1));
    o.politeness = p;
    let out = dir.path().join("many");
    let report = collect(&[feed], &out, &o).await.unwrap();
    assert_eq!(report.addresses, 256);
    assert_eq!(iana_seen.lock().unwrap().len(), 1);
    assert_eq!(ripe_seen.lock().unwrap().len(), 16);
    assert_eq!(report.queries.whois, 17);
    assert_eq!(max_in_flight.load(Ordering::SeqCst), 1);
    assert_eq!(std::fs::read_dir(out.join("registry")).unwrap().count(), 16);
    eprintln!(
        "bench: {} addresses, {} whois + {} dns queries, limit 1 query/{} ms per WHOIS server, least time by the limits {} ms, wall {} ms",
        report.addresses,
        report.queries.whois,
        report.queries.dns,
        interval.as_millis(),
        interval.as_millis() * 16,
        report.elapsed.as_millis()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_folder_holds_is_kept_and_used() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("held");
    std::fs::create_dir_all(out.join("registry")).unwrap();
    std::fs::create_dir_all(out.join("trust")).unwrap();
    // a registry dump naming the network of 192.0.2.0/24, an override, earlier rdns lines
    let dump =
        "inetnum: 192.0.2.0 - 192.0.2.255\nnetname: HELD\nstatus: ASSIGNED PA\nsource: RIPE\n";
    std::fs::write(out.join("registry/ripe.db"), dump).unwrap();
    std::fs::write(
        out.join("overrides.csv"),
        "prefix_or_domain,organisation,contact,language\n",
    )
    .unwrap();
    let old = r#"{"name": "192.0.2.99", "type": "ptr", "value": "kept.example"}"#;
    std::fs::write(out.join("rdns.jsonl"), format!("{old}\n")).unwrap();
    let feed = feed_file(dir.path());
    collect(&[feed], &out, &options(&w, None)).await.unwrap();
    // the dump answers for 192.0.2.x: RIPE is not asked about them
    let ripe = w.whois_seen["ripe"].lock().unwrap().clone();
    assert!(!ripe.iter().any(|q| q.contains("192.0.2.")), "{ripe:?}");
    assert!(ripe.iter().any(|q| q.contains("2001:db8::5")));
    assert_eq!(read(&out.join("registry/ripe.db")), dump);
    assert!(out.join("overrides.csv").exists());
    let rdns = read(&out.join("rdns.jsonl"));
    assert!(rdns.starts_with(old), "{rdns}");
    assert!(rdns.contains("mail.shop-one.test"));
}

/// A RIPE-style `-L` answer from a small constructed database: every network holding the
/// address, least specific first, each followed by the organisation it references.
fn ripe_less_specifics(ip: IpAddr, db: &[(&str, &str, &str, &str, Option<&str>)]) -> String {
    let mut out = String::from("% This is the RIPE Database query service.\n\n");
    let mut nets: Vec<_> = db
        .iter()
        .filter(|(start, end, ..)| {
            let (s, e): (IpAddr, IpAddr) = (start.parse().unwrap(), end.parse().unwrap());
            s <= ip && ip <= e
        })
        .collect();
    nets.sort_by_key(|(start, end, ..)| {
        let (s, e): (Ipv4Addr, Ipv4Addr) = (start.parse().unwrap(), end.parse().unwrap());
        std::cmp::Reverse(u32::from(e) - u32::from(s))
    });
    if nets.is_empty() {
        out.push_str("%ERROR:101: no entries found\n");
    }
    for (start, end, name, status, org) in nets {
        out.push_str(&format!(
            "% Information related to '{start} - {end}'\n\ninetnum: {start} - {end}\nnetname: {name}\n"
        ));
        if let Some(org) = org {
            out.push_str(&format!("org: ORG-{name}-RIPE\n"));
            out.push_str(&format!(
                "status: {status}\nsource: RIPE\n\norganisation: ORG-{name}-RIPE\norg-name: {org}\norg-type: OTHER\nsource: RIPE\n\n"
            ));
        } else {
            out.push_str(&format!("status: {status}\nsource: RIPE\n\n"));
        }
    }
    out
}

/// The visible world's lost assignments (issue #20, second round): an answer whose most
/// specific network is a sub-allocation was taken to speak for the whole sub-allocation, so
/// the addresses its customers' assignments hold were never asked about, and their
/// organisation names, contacts and outcomes came out as the reseller's. Each address in a
/// different assignment is asked; only a second address of the same assignment is covered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sub_allocation_does_not_cover_the_assignments_inside_it() {
    // allocation /24 → sub-allocation /25 → two customer assignments
    let db: &[(&str, &str, &str, &str, Option<&str>)] = &[
        (
            "192.0.2.0",
            "192.0.2.255",
            "LIR",
            "ALLOCATED PA",
            Some("Carrier B.V."),
        ),
        (
            "192.0.2.0",
            "192.0.2.127",
            "RESELLER",
            "SUB-ALLOCATED PA",
            Some("Reseller B.V."),
        ),
        (
            "192.0.2.16",
            "192.0.2.31",
            "CUST-A",
            "ASSIGNED PA",
            Some("Customer A B.V."),
        ),
        (
            "192.0.2.32",
            "192.0.2.47",
            "CUST-B",
            "ASSIGNED PA",
            Some("Customer B V.O.F."),
        ),
    ];
    let (ripe, ripe_seen) =
        whois_server(move |q, _| Whois::Text(ripe_less_specifics(ip_of(q), db))).await;
    let (iana, _) = whois_server(move |_, _| {
        Whois::Text(format!(
            "refer: whois.ripe.test:{ripe}\n\ninetnum: 192.0.0.0 - 192.255.255.255\nsource: IANA\n"
        ))
    })
    .await;
    let dns = dns_server(&[
        a("whois.iana.test", "127.0.0.1"),
        a("whois.ripe.test", "127.0.0.1"),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("2026-11-22-scan_rdp-sub.csv");
    // sorted, the address only the sub-allocation holds comes first
    let mut csv = String::from("\"timestamp\",\"ip\",\"port\"\n");
    for ip in ["192.0.2.5", "192.0.2.20", "192.0.2.21", "192.0.2.40"] {
        csv.push_str(&format!("\"2026-11-22 00:00:01\",\"{ip}\",3389\n"));
    }
    std::fs::write(&feed, csv).unwrap();
    let mut o = CollectOptions::new(now()).unwrap();
    o.dns = Some(dns);
    o.whois_root = WhoisServer::parse(&format!("whois.iana.test:{iana}"), 43).unwrap();
    o.allow_private = true;
    let mut p = Politeness::new();
    p.set_limit(
        "whois.iana.test",
        ServerLimit::new(Duration::from_millis(5), 1),
    );
    p.set_limit(
        "whois.ripe.test",
        ServerLimit::new(Duration::from_millis(5), 1),
    );
    o.politeness = p;
    let out = dir.path().join("sub");
    let report = collect(std::slice::from_ref(&feed), &out, &o)
        .await
        .unwrap();
    assert_eq!(report.addresses, 4);
    // .20 and .21 share CUST-A: whichever is asked first (addresses are worked on at once),
    // its answer covers the other.
    let mut asked: Vec<String> = ripe_seen.lock().unwrap().clone();
    asked.sort();
    let cust_a = one_of_cust_a(&asked);
    assert_eq!(
        asked,
        [
            format!("-L {cust_a}"),
            "-L 192.0.2.40".into(),
            "-L 192.0.2.5".into()
        ]
    );
    let a = read(&out.join(format!("registry/whois-ripe-{cust_a}.txt")));
    assert!(a.contains("org-name: Customer A B.V."), "{a}");
    let b = read(&out.join("registry/whois-ripe-192.0.2.40.txt"));
    assert!(b.contains("org-name: Customer B V.O.F."), "{b}");

    // A cache written under the old rule (the sub-allocation's answer stored as covering the
    // whole /25) is read again by today's rule: the assignments are still asked about.
    let cache_dir = dir.path().join("old-cache");
    // The cache's layout on disk: `<dir>/<kind>/<key>.json`, the entry stamped `stored`.
    let answer = ripe_less_specifics("192.0.2.5".parse().unwrap(), db);
    std::fs::create_dir_all(cache_dir.join("whois")).unwrap();
    std::fs::write(
        cache_dir.join("whois/192.0.2.5.json"),
        serde_json::to_vec(&serde_json::json!({
            "ok": true, "server": format!("whois.ripe.test:{ripe}"),
            "file": "registry/whois-ripe-192.0.2.5.txt", "answer": answer,
            "network": true, "covers": "192.0.2.0 - 192.0.2.127",
            "stored": now().to_rfc3339(),
        }))
        .unwrap(),
    )
    .unwrap();
    ripe_seen.lock().unwrap().clear();
    o.cache_dir = Some(cache_dir);
    let again = dir.path().join("sub-again");
    collect(&[feed], &again, &o).await.unwrap();
    let mut asked: Vec<String> = ripe_seen.lock().unwrap().clone();
    asked.sort();
    let cust_a = one_of_cust_a(&asked);
    assert_eq!(asked, [format!("-L {cust_a}"), "-L 192.0.2.40".into()]);
    assert!(read(&again.join(format!("registry/whois-ripe-{cust_a}.txt"))).contains("Customer A"));
}

/// The one of CUST-A's two addresses (192.0.2.20, .21) that was asked: exactly one of them.
fn one_of_cust_a(asked: &[String]) -> &'static str {
    let a: Vec<&'static str> = ["192.0.2.20", "192.0.2.21"]
        .into_iter()
        .filter(|ip| asked.contains(&format!("-L {ip}")))
        .collect();
    assert_eq!(a.len(), 1, "CUST-A asked for {a:?}: {asked:?}");
    a[0]
}

/// The same over RDAP: a `Reallocated` network (ARIN's sub-allocation) does not cover the
/// `Reassigned` customer networks inside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_rdap_reallocation_does_not_cover_the_reassignments_inside_it() {
    let net = |handle: &str, start: &str, end: &str, kind: &str| {
        format!(
            r#"{{"objectClassName":"ip network","handle":"{handle}","startAddress":"{start}","endAddress":"{end}","ipVersion":"v4","type":"{kind}","name":"{handle}"}}"#
        )
    };
    let (rdap, rdap_seen) = http_server(None, move |_, path, _| {
        let body = match path {
            "/rdap/ip/192.0.2.5" => {
                net("NET-192-0-2-0-1", "192.0.2.0", "192.0.2.127", "Reallocated")
            }
            "/rdap/ip/192.0.2.20" | "/rdap/ip/192.0.2.21" => {
                net("NET-192-0-2-16-1", "192.0.2.16", "192.0.2.31", "Reassigned")
            }
            "/rdap/ip/192.0.2.40" => {
                net("NET-192-0-2-32-1", "192.0.2.32", "192.0.2.47", "Reassigned")
            }
            _ => return Reply::new(404, "application/rdap+json", "{}"),
        };
        Reply::new(200, "application/rdap+json", body)
    })
    .await;
    // WHOIS knows no network for these addresses, so RDAP is asked
    let (iana, _) = whois_server(|_, _| {
        Whois::Text("% IANA WHOIS server\n\n% no refer for this one\n".to_owned())
    })
    .await;
    let dns = dns_server(&[
        a("whois.iana.test", "127.0.0.1"),
        a("rdap.test", "127.0.0.1"),
    ])
    .await;
    let mut bootstrap = ip_attribution::Bootstrap::default();
    bootstrap
        .add_file(
            format!(
                r#"{{"version":"1.0","publication":"2026-11-01T00:00:00Z","services":[[["192.0.2.0/24"],["http://rdap.test:{rdap}/rdap/"]]]}}"#
            )
            .as_bytes(),
            "test ipv4.json",
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("2026-11-22-scan_rdp-realloc.csv");
    let mut csv = String::from("\"timestamp\",\"ip\",\"port\"\n");
    for ip in ["192.0.2.5", "192.0.2.20", "192.0.2.21", "192.0.2.40"] {
        csv.push_str(&format!("\"2026-11-22 00:00:01\",\"{ip}\",3389\n"));
    }
    std::fs::write(&feed, csv).unwrap();
    let mut o = CollectOptions::new(now()).unwrap();
    o.dns = Some(dns);
    o.whois_root = WhoisServer::parse(&format!("whois.iana.test:{iana}"), 43).unwrap();
    o.bootstrap = bootstrap;
    o.allow_private = true;
    let mut p = Politeness::new();
    p.set_limit(
        "whois.iana.test",
        ServerLimit::new(Duration::from_millis(5), 1),
    );
    p.set_limit("rdap.test", ServerLimit::new(Duration::from_millis(5), 1));
    o.politeness = p;
    let out = dir.path().join("realloc");
    collect(&[feed], &out, &o).await.unwrap();
    let mut asked: Vec<String> = rdap_seen.lock().unwrap().clone();
    asked.sort();
    asked.dedup();
    // 192.0.2.20 and .21 lie in one reassignment: whichever is asked first (the addresses'
    // tasks reach the server in no fixed order) covers the other, so exactly one is asked.
    assert_eq!(
        asked
            .iter()
            .filter(|p| p.ends_with("/ip/192.0.2.20") || p.ends_with("/ip/192.0.2.21"))
            .count(),
        1,
        "{asked:?}"
    );
    // The reallocation covers none of them: each reassignment inside it is asked for.
    for ip in ["192.0.2.5", "192.0.2.40"] {
        assert!(
            asked.iter().any(|p| p.ends_with(&format!("/ip/{ip}"))),
            "{ip}: {asked:?}"
        );
    }
    assert!(read(&out.join("rdap/net-192-0-2-32-1.json")).contains("Reassigned"));
}

/// The User-Agent of the options reaches every HTTPS request: RDAP and security.txt both say who
/// asks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_https_request_says_who_asks() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&w, None);
    let agent = "ip-attribution-collect/test (Test CERT; +https://cert.test; cert@cert.test)";
    o.user_agent = agent.to_owned();
    collect(&[feed_file(dir.path())], &dir.path().join("snap"), &o)
        .await
        .unwrap();
    let seen = USER_AGENTS.lock().unwrap().clone();
    let ours: Vec<&String> = seen
        .iter()
        .filter(|(_, a)| a == agent)
        .map(|(k, _)| k)
        .collect();
    assert!(
        ours.iter().any(|k| k.contains("/ip/")),
        "no RDAP request with the agent: {seen:?}"
    );
    assert!(
        ours.iter().any(|k| k.contains("security.txt")),
        "no security.txt request with the agent: {seen:?}"
    );
}
