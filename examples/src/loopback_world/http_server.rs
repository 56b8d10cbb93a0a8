//! The world's HTTP(S) side: RDAP (`/ip/<addr>`) and security.txt
//! (`/.well-known/security.txt`), on hyper, TLS by rustls with certificates from a test CA made
//! by rcgen at start-up.

use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HOST, LOCATION, RETRY_AFTER};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use ip_attribution::IpRange;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::{Admission, Fault, ServerState, WorldError};

/// The path security.txt is served at (RFC 9116 §3).
pub(super) const WELL_KNOWN: &str = "/.well-known/security.txt";
/// Where the well-known path redirects to when redirects are on.
pub(super) const REDIRECTED: &str = "/policies/security.txt";

/// What the HTTP side serves.
pub(super) struct Site {
    /// RDAP server name (the `Host` RDAP requests carry).
    pub rdap_host: String,
    /// RDAP documents: range, bytes.
    pub rdap: Vec<(IpRange, Vec<u8>)>,
    /// security.txt bodies by domain (lower case).
    pub securitytxt: std::collections::BTreeMap<String, Vec<u8>>,
    /// Answer the well-known path with a redirect to [`REDIRECTED`].
    pub redirect_securitytxt: bool,
    /// Answer `/ip/...` with a redirect to `/registry/ip/...`.
    pub redirect_rdap: bool,
    /// Counters and faults of the RDAP server.
    pub rdap_state: Arc<ServerState>,
    /// Counters and faults of the security.txt server.
    pub securitytxt_state: Arc<ServerState>,
}

/// A test CA and the one server certificate it signed for every name served.
pub(super) struct TestCa {
    /// The CA certificate, PEM.
    pub ca_pem: String,
    /// The TLS acceptor with the server certificate.
    pub acceptor: TlsAcceptor,
}

/// Makes a CA and a server certificate for `names`.
pub(super) fn test_ca(names: &[String]) -> Result<TestCa, WorldError> {
    let err = |e: rcgen::Error| WorldError::Tls(e.to_string());
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "notify loopback world test CA");
    let ca_cert = ca_params.self_signed(&ca_key).map_err(err)?;
    let ca_pem = ca_cert.pem();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().map_err(err)?;
    let mut params = CertificateParams::new(names.to_vec()).map_err(err)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "loopback world server");
    let cert = params.signed_by(&key, &issuer).map_err(err)?;
    let chain: Vec<CertificateDer<'static>> = vec![cert.der().clone()];
    let key: PrivateKeyDer<'static> = PrivatePkcs8KeyDer::from(key.serialize_der()).into();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| WorldError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| WorldError::Tls(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TestCa {
        ca_pem,
        acceptor: TlsAcceptor::from(Arc::new(config)),
    })
}

type Reply = Response<Full<Bytes>>;

fn reply(status: StatusCode, content_type: &str, body: Vec<u8>) -> Reply {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    if let Ok(v) = content_type.parse() {
        r.headers_mut().insert(CONTENT_TYPE, v);
    }
    r
}

fn rdap_error(status: StatusCode, title: &str) -> Reply {
    let body = serde_json::json!({
        "rdapConformance": ["rdap_level_0"],
        "errorCode": status.as_u16(),
        "title": title,
        "description": [title],
    });
    reply(
        status,
        "application/rdap+json",
        body.to_string().into_bytes(),
    )
}

fn too_many() -> Reply {
    let mut r = rdap_error(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
    if let Ok(v) = "1".parse() {
        r.headers_mut().insert(RETRY_AFTER, v);
    }
    r
}

/// The most specific RDAP document whose range holds the queried address or prefix.
fn rdap_lookup<'a>(site: &'a Site, path: &str) -> Option<&'a [u8]> {
    let key = path.strip_prefix("/ip/")?;
    let key = percent_decode(key);
    let range = if let Some((a, len)) = key.split_once('/') {
        let ip: IpAddr = a.parse().ok()?;
        let len: u8 = len.parse().ok()?;
        IpRange::from_net(ipnet::IpNet::new(ip, len).ok()?.trunc())
    } else {
        let ip: IpAddr = key.parse().ok()?;
        IpRange::new(ip, ip)?
    };
    site.rdap
        .iter()
        .filter(|(r, _)| {
            r.is_ipv4() == range.is_ipv4() && r.start() <= range.start() && r.end() >= range.end()
        })
        .min_by_key(|(r, _)| r.span())
        .map(|(_, b)| b.as_slice())
}

fn percent_decode(s: &str) -> String {
    s.replace("%3A", ":")
        .replace("%3a", ":")
        .replace("%2F", "/")
        .replace("%2f", "/")
}

async fn apply_fault(state: &ServerState, limited: bool, ok: Reply, content_type: &str) -> Reply {
    match state.fault {
        Some(Fault::Silent) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            ok
        }
        Some(Fault::Slow(d)) => {
            tokio::time::sleep(d).await;
            ok
        }
        Some(Fault::Malformed) if !limited && ok.status() == StatusCode::OK => reply(
            StatusCode::OK,
            content_type,
            b"{\"objectClassName\": \"ip network\", \"handle\": \"BROKEN\", \"startAddress\": [\x00\xff"
                .to_vec(),
        ),
        Some(Fault::Oversized(n)) if !limited && ok.status() == StatusCode::OK => {
            let mut body = Vec::with_capacity(n);
            if content_type.starts_with("text/plain") {
                while body.len() < n {
                    body.extend_from_slice(b"# padding: more than any client should read\n");
                }
            } else {
                // Valid JSON, padded with trailing whitespace past any sane cap.
                body.extend_from_slice(b"{\"objectClassName\": \"ip network\"}");
                body.resize(n.max(body.len()), b' ');
            }
            reply(StatusCode::OK, content_type, body)
        }
        _ => ok,
    }
}

async fn handle(req: Request<Incoming>, site: Arc<Site>, https: bool) -> Result<Reply, Infallible> {
    let host_header = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let host = host_header
        .rsplit_once(':')
        .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
        .map_or(host_header.as_str(), |(h, _)| h)
        .to_owned();
    let path = req.uri().path().to_owned();
    let rdap_path = path.starts_with("/ip/") || path.starts_with("/registry/ip/");
    if host == site.rdap_host || rdap_path && !site.securitytxt.contains_key(&host) {
        let state = &site.rdap_state;
        let limited = state.admit() == Admission::Limited;
        if limited {
            return Ok(apply_fault(state, true, too_many(), "application/rdap+json").await);
        }
        // Redirect mode: `/ip/...` moves to `/registry/ip/...` on the same host (as registries
        // redirect between their RDAP services).
        if site.redirect_rdap && path.starts_with("/ip/") {
            let scheme = if https { "https" } else { "http" };
            let mut r = rdap_error(StatusCode::FOUND, "Found");
            if let Ok(v) = format!("{scheme}://{host_header}/registry{path}").parse() {
                r.headers_mut().insert(LOCATION, v);
            }
            return Ok(apply_fault(state, false, r, "application/rdap+json").await);
        }
        let lookup_path = path.strip_prefix("/registry").unwrap_or(&path);
        let ok = match rdap_lookup(&site, lookup_path) {
            Some(body) => reply(StatusCode::OK, "application/rdap+json", body.to_vec()),
            None if lookup_path.starts_with("/ip/") => {
                rdap_error(StatusCode::NOT_FOUND, "Not Found")
            }
            None => rdap_error(StatusCode::BAD_REQUEST, "Bad Request"),
        };
        return Ok(apply_fault(state, false, ok, "application/rdap+json").await);
    }
    let state = &site.securitytxt_state;
    let limited = state.admit() == Admission::Limited;
    if limited {
        let mut r = reply(
            StatusCode::TOO_MANY_REQUESTS,
            "text/plain",
            b"slow down\n".to_vec(),
        );
        if let Ok(v) = "1".parse() {
            r.headers_mut().insert(RETRY_AFTER, v);
        }
        return Ok(r);
    }
    let body = site.securitytxt.get(&host);
    let ok = match (body, path.as_str()) {
        (Some(_), WELL_KNOWN) if site.redirect_securitytxt && https => {
            let mut r = reply(StatusCode::MOVED_PERMANENTLY, "text/plain", Vec::new());
            if let Ok(v) = format!("https://{host_header}{REDIRECTED}").parse() {
                r.headers_mut().insert(LOCATION, v);
            }
            r
        }
        (Some(b), WELL_KNOWN) if https => {
            reply(StatusCode::OK, "text/plain; charset=utf-8", b.clone())
        }
        (Some(b), REDIRECTED) if https && site.redirect_securitytxt => {
            reply(StatusCode::OK, "text/plain; charset=utf-8", b.clone())
        }
        _ => reply(StatusCode::NOT_FOUND, "text/plain", b"not found\n".to_vec()),
    };
    Ok(apply_fault(state, false, ok, "text/plain; charset=utf-8").await)
}

/// Serves plain HTTP on `listener` until the task is dropped.
pub(super) async fn serve_http(listener: TcpListener, site: Arc<Site>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let site = site.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(req, site.clone(), false));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Serves HTTPS on `listener` until the task is dropped.
pub(super) async fn serve_https(listener: TcpListener, site: Arc<Site>, acceptor: TlsAcceptor) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let site = site.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let Ok(Ok(tls)) =
                tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await
            else {
                return;
            };
            let service = service_fn(move |req| handle(req, site.clone(), true));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}
