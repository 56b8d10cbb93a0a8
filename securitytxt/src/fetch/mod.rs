//! Fetching security.txt over HTTPS by the RFC's rules (feature `fetch`).
//!
//! For a domain, [`Fetcher::fetch`] asks `https://DOMAIN/.well-known/security.txt` and, when that
//! gives no file, the legacy `https://DOMAIN/security.txt` (RFC 9116 §3; a [`FetchCode::Location`]
//! finding when only the legacy location works). It never falls back to plain `http`, and:
//!
//! - follows redirects itself, at most [`FetchOptions::max_redirects`] per location, every hop
//!   `https` ([`FetchCode::InsecureRedirect`] otherwise); loops are caught; redirects to another
//!   host are allowed but recorded ([`FetchCode::CrossHostRedirect`]) and the whole chain is in
//!   [`Fetched::url_chain`] for the `Canonical` check;
//! - refuses to connect to non-public addresses ([`address::is_public`]) unless
//!   [`FetchOptions::allow_private_addresses`] is set. The check runs inside the resolver the
//!   HTTP client connects through, on the very addresses it connects to, so a name that resolves
//!   to a public address once and a private one later (DNS rebinding) is still refused; IP
//!   literals in redirect targets are checked before the request;
//! - reads at most [`FetchOptions::body_cap`] bytes, streaming, and stops there
//!   ([`FetchCode::TooLarge`]);
//! - bounds connecting ([`FetchOptions::connect_timeout`]) and the whole domain
//!   ([`FetchOptions::total_timeout`]);
//! - requires `Content-Type: text/plain`, with `charset=utf-8` if a charset is given (both
//!   compared case-insensitively);
//! - reports an invalid TLS certificate as [`FetchCode::InvalidCert`].
//!
//! TLS is rustls with the `ring` provider; the trusted roots are the Mozilla programme's
//! (`webpki-roots`) and/or roots the caller supplies ([`FetchOptions::extra_roots_der`]).
//!
//! [`Fetcher::fetch_key`] fetches the armored OpenPGP key a file's `Encryption` field points at
//! (same rules; `application/pgp-keys` accepted) into a [`Keyring`] for
//! [`verify`](crate::verify::verify).
//!
//! From async code use [`Fetcher`]; from plain code [`BlockingFetcher`], which owns a runtime.
//! [`Fetcher::fetch_many`] fetches a batch with a concurrency limit and per-host politeness
//! (one fetch in flight per host, a pause between two fetches of the same host).
//!
//! ```no_run
//! use securitytxt::fetch::{BlockingFetcher, FetchOptions};
//!
//! let fetcher = BlockingFetcher::new(FetchOptions::default())?;
//! let fetched = fetcher.fetch("example.com");
//! for d in &fetched.diagnostics {
//!     println!("{d}");
//! }
//! if let (Some(body), Some(url)) = (&fetched.body, fetched.final_url()) {
//!     println!("{} bytes from {url}", body.len());
//! }
//! # Ok::<(), securitytxt::Error>(())
//! ```

pub mod address;
mod batch;
mod blocking;
mod fetched;
mod options;
mod resolver;

use std::collections::HashMap;
use std::error::Error as StdError;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use tokio::time::{Instant, timeout_at};
use url::Host;

pub use blocking::BlockingFetcher;
pub use fetched::{FetchCode, FetchDiagnostic, Fetched, FetchedKey};
pub use options::{
    DEFAULT_BODY_CAP, DEFAULT_CONCURRENCY, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_REDIRECTS,
    DEFAULT_PER_HOST_DELAY, DEFAULT_TOTAL_TIMEOUT, DEFAULT_USER_AGENT, FetchOptions,
    FetchOptionsBuilder, Roots,
};
/// The URL type of the fetch API (from the `url` crate).
pub use url::Url;

use crate::Error;
use crate::verify::{Keyring, MAX_KEYRING_BYTES};
use resolver::{DnsFailure, GuardedResolver, RefusedAddress};

/// The RFC 9116 location.
pub const WELL_KNOWN_PATH: &str = "/.well-known/security.txt";
/// The legacy location (RFC 9116 §3: only for legacy compatibility).
pub const LEGACY_PATH: &str = "/security.txt";

/// Fetches security.txt files; cheap to clone (the connection pool is shared).
#[derive(Debug, Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: reqwest::Client,
    options: FetchOptions,
}

/// How one location went.
#[derive(Debug, Default)]
struct Attempt {
    chain: Vec<Url>,
    body: Option<Vec<u8>>,
    content_type: Option<String>,
    diagnostics: Vec<FetchDiagnostic>,
    /// The finding that stopped this location, if any.
    failure: Option<FetchCode>,
}

impl Attempt {
    fn fail(&mut self, code: FetchCode, url: Option<&Url>, message: impl Into<String>) {
        self.diagnostics
            .push(FetchDiagnostic::new(code, url, message));
        self.failure = Some(code);
    }
}

fn setup_error(message: String) -> Error {
    Error::Input {
        input: "fetch options".to_owned(),
        message,
    }
}

fn build_client(options: &FetchOptions) -> Result<reqwest::Client, Error> {
    let mut roots = rustls::RootCertStore::empty();
    if options.roots == Roots::WebPki {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    for (i, der) in options.extra_roots_der.iter().enumerate() {
        roots
            .add(rustls::pki_types::CertificateDer::from(der.clone()))
            .map_err(|e| setup_error(format!("extra root certificate {}: {e}", i + 1)))?;
    }
    if roots.is_empty() {
        return Err(setup_error("no trusted root certificate".to_owned()));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| setup_error(format!("TLS set-up: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();

    let mut overrides: HashMap<String, Vec<_>> = HashMap::new();
    for (host, addr) in &options.resolve_overrides {
        overrides
            .entry(host.to_ascii_lowercase())
            .or_default()
            .push(*addr);
    }
    let resolver = GuardedResolver {
        overrides: Arc::new(overrides),
        allow_private: options.allow_private_addresses,
    };
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .https_only(true)
        .connect_timeout(options.connect_timeout)
        .user_agent(options.user_agent.clone())
        .dns_resolver(Arc::new(resolver))
        .build()
        .map_err(|e| setup_error(format!("HTTP client set-up: {e}")))
}

/// The finding for a failed request, from the error chain.
fn classify(err: &reqwest::Error) -> (FetchCode, String) {
    let mut source: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(r) = e.downcast_ref::<RefusedAddress>() {
            return (FetchCode::PrivateAddress, r.to_string());
        }
        if let Some(d) = e.downcast_ref::<DnsFailure>() {
            return (FetchCode::DnsFailure, d.to_string());
        }
        if let Some(t) = e.downcast_ref::<rustls::Error>() {
            return match t {
                rustls::Error::InvalidCertificate(_) => (FetchCode::InvalidCert, t.to_string()),
                _ => (FetchCode::TlsFailure, t.to_string()),
            };
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return (FetchCode::Timeout, "connect timeout".to_owned());
            }
            if let Some(inner) = io.get_ref() {
                source = Some(inner);
                continue;
            }
        }
        source = e.source();
    }
    if err.is_timeout() {
        (FetchCode::Timeout, "timed out".to_owned())
    } else if err.is_connect() {
        (FetchCode::ConnectFailure, error_chain(err))
    } else {
        (FetchCode::HttpFailure, error_chain(err))
    }
}

fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        message.push_str(": ");
        message.push_str(&e.to_string());
        source = e.source();
    }
    message
}

/// What a location should hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A security.txt: `text/plain`, UTF-8, at most [`FetchOptions::body_cap`] bytes.
    SecurityTxt,
    /// An armored OpenPGP key: `application/pgp-keys` or `text/plain`, at most
    /// [`MAX_KEYRING_BYTES`] bytes.
    Key,
}

/// The findings about a `Content-Type` value.
fn check_content_type(value: Option<&str>, expect: Expect) -> Vec<(FetchCode, String)> {
    let wanted = match expect {
        Expect::SecurityTxt => "text/plain",
        Expect::Key => "application/pgp-keys or text/plain",
    };
    let Some(value) = value else {
        return vec![(
            FetchCode::ContentType,
            format!("no Content-Type: it must be {wanted}"),
        )];
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    let mut findings = Vec::new();
    let allowed = essence.eq_ignore_ascii_case("text/plain")
        || (expect == Expect::Key && essence.eq_ignore_ascii_case("application/pgp-keys"));
    if !allowed {
        findings.push((
            FetchCode::ContentType,
            format!("Content-Type is {value:?}: it must be {wanted}"),
        ));
    }
    if expect == Expect::Key {
        return findings;
    }
    for param in parts {
        let Some((name, charset)) = param.split_once('=') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("charset") {
            let charset = charset.trim().trim_matches('"');
            if !charset.eq_ignore_ascii_case("utf-8") {
                findings.push((
                    FetchCode::Charset,
                    format!("charset is {charset:?}: it must be utf-8"),
                ));
            }
        }
    }
    findings
}

fn literal_ip(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        Host::Domain(_) => None,
    }
}

/// The https URL of `path` on `domain`, or a finding when `domain` is not a host name.
fn location_url(domain: &str, path: &str) -> Result<Url, String> {
    if domain.is_empty()
        || domain
            .chars()
            .any(|c| matches!(c, '/' | '\\' | '@' | '?' | '#' | ':' | '%') || c.is_whitespace())
    {
        return Err(format!("{domain:?} is not a domain name"));
    }
    let host = Host::parse(domain).map_err(|e| format!("{domain:?} is not a domain name: {e}"))?;
    Url::parse(&format!("https://{host}{path}"))
        .map_err(|e| format!("{domain:?} is not a domain name: {e}"))
}

impl Fetcher {
    /// A fetcher with these options.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] when an extra root certificate is not a valid certificate, no root is
    /// trusted at all, or the TLS or HTTP client cannot be set up.
    pub fn new(options: FetchOptions) -> Result<Self, Error> {
        let client = build_client(&options)?;
        Ok(Self {
            inner: Arc::new(Inner { client, options }),
        })
    }

    /// The options this fetcher uses.
    pub fn options(&self) -> &FetchOptions {
        &self.inner.options
    }

    /// Fetches the security.txt of `domain` (a host name, IDNs allowed), from the well-known
    /// location and, if that gives no file, from the legacy one. Never fails: everything found,
    /// including why no file came back, is in [`Fetched::diagnostics`].
    pub async fn fetch(&self, domain: &str) -> Fetched {
        let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        let deadline = after(Instant::now(), self.inner.options.total_timeout);
        let mut fetched = Fetched {
            domain: domain.clone(),
            url_chain: Vec::new(),
            body: None,
            content_type: None,
            diagnostics: Vec::new(),
        };
        let (well_known, legacy) = match (
            location_url(&domain, WELL_KNOWN_PATH),
            location_url(&domain, LEGACY_PATH),
        ) {
            (Ok(w), Ok(l)) => (w, l),
            (Err(message), _) | (_, Err(message)) => {
                fetched.diagnostics.push(FetchDiagnostic::new(
                    FetchCode::InvalidDomain,
                    None,
                    message,
                ));
                return fetched;
            }
        };

        let first = self
            .fetch_location(well_known.clone(), deadline, Expect::SecurityTxt)
            .await;
        let try_legacy = first.body.is_none()
            && matches!(
                first.failure,
                Some(
                    FetchCode::HttpStatus
                        | FetchCode::InsecureRedirect
                        | FetchCode::TooManyRedirects
                        | FetchCode::RedirectLoop
                        | FetchCode::BadRedirect
                )
            );
        if !try_legacy {
            fill(&mut fetched, first);
            return fetched;
        }
        let second = self
            .fetch_location(legacy.clone(), deadline, Expect::SecurityTxt)
            .await;
        if second.body.is_some() {
            let why = first
                .diagnostics
                .iter()
                .rfind(|d| d.code.is_error())
                .map(|d| d.message.clone())
                .unwrap_or_default();
            fetched.diagnostics.push(FetchDiagnostic::new(
                FetchCode::Location,
                Some(&legacy),
                format!(
                    "no file at {well_known} ({why}); found only at the legacy location {legacy}"
                ),
            ));
        } else {
            fetched.diagnostics.extend(first.diagnostics);
        }
        fill(&mut fetched, second);
        fetched
    }

    /// Fetches one https URL by the security.txt rules (redirects, addresses, caps, content
    /// type), with no fallback.
    pub async fn fetch_url(&self, url: &Url) -> Fetched {
        self.fetch_one(url, Expect::SecurityTxt).await
    }

    /// Fetches an armored OpenPGP public key from an https URL (a file's `Encryption` field)
    /// by the same rules, except that `application/pgp-keys` is accepted and the body cap is
    /// [`MAX_KEYRING_BYTES`], and reads it into a [`Keyring`] to verify the file with.
    pub async fn fetch_key(&self, url: &Url) -> FetchedKey {
        let mut fetched = self.fetch_one(url, Expect::Key).await;
        let keyring = match &fetched.body {
            Some(body) => match Keyring::from_armored(body) {
                Ok(keyring) => Some(keyring),
                Err(e) => {
                    fetched.diagnostics.push(FetchDiagnostic::new(
                        FetchCode::InvalidKey,
                        fetched.url_chain.last(),
                        e.to_string(),
                    ));
                    None
                }
            },
            None => None,
        };
        FetchedKey { fetched, keyring }
    }

    async fn fetch_one(&self, url: &Url, expect: Expect) -> Fetched {
        let deadline = after(Instant::now(), self.inner.options.total_timeout);
        let mut fetched = Fetched {
            domain: url.host_str().unwrap_or_default().to_ascii_lowercase(),
            url_chain: Vec::new(),
            body: None,
            content_type: None,
            diagnostics: Vec::new(),
        };
        if url.scheme() != "https" {
            fetched.diagnostics.push(FetchDiagnostic::new(
                FetchCode::UnsupportedUrl,
                Some(url),
                format!("{url} is not an https URL"),
            ));
            return fetched;
        }
        let attempt = self.fetch_location(url.clone(), deadline, expect).await;
        fill(&mut fetched, attempt);
        fetched
    }

    /// Fetches many domains: at most [`FetchOptions::concurrency`] at a time, one at a time per
    /// host, with [`FetchOptions::per_host_delay`] between two fetches of the same host. The
    /// results are in the order of `domains`.
    pub async fn fetch_many<I, S>(&self, domains: I) -> Vec<Fetched>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        batch::fetch_many(self, domains).await
    }

    /// One location: the request, its redirects and the body.
    async fn fetch_location(&self, start: Url, deadline: Instant, expect: Expect) -> Attempt {
        let options = &self.inner.options;
        let mut attempt = Attempt::default();
        let mut url = start;
        let mut redirects = 0usize;
        loop {
            attempt.chain.push(url.clone());
            if let Some(ip) = literal_ip(&url)
                && !options.allow_private_addresses
                && !address::is_public(ip)
            {
                attempt.fail(
                    FetchCode::PrivateAddress,
                    Some(&url),
                    format!("{ip} is not a public address"),
                );
                return attempt;
            }
            let response =
                match timeout_at(deadline, self.inner.client.get(url.clone()).send()).await {
                    Err(_) => {
                        attempt.fail(FetchCode::Timeout, Some(&url), "the total timeout ran out");
                        return attempt;
                    }
                    Ok(Err(e)) => {
                        let (code, message) = classify(&e);
                        attempt.fail(code, Some(&url), message);
                        return attempt;
                    }
                    Ok(Ok(response)) => response,
                };
            let status = response.status();
            if matches!(
                status,
                StatusCode::MOVED_PERMANENTLY
                    | StatusCode::FOUND
                    | StatusCode::SEE_OTHER
                    | StatusCode::TEMPORARY_REDIRECT
                    | StatusCode::PERMANENT_REDIRECT
            ) {
                let target = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| url.join(v));
                let next = match target {
                    Some(Ok(next)) => next,
                    Some(Err(e)) => {
                        attempt.fail(
                            FetchCode::BadRedirect,
                            Some(&url),
                            format!("HTTP {status} with an unusable Location: {e}"),
                        );
                        return attempt;
                    }
                    None => {
                        attempt.fail(
                            FetchCode::BadRedirect,
                            Some(&url),
                            format!("HTTP {status} without a Location"),
                        );
                        return attempt;
                    }
                };
                if next.scheme() != "https" {
                    attempt.fail(
                        FetchCode::InsecureRedirect,
                        Some(&next),
                        format!("{url} redirects to {next}, which is not https"),
                    );
                    return attempt;
                }
                if attempt.chain.contains(&next) {
                    attempt.fail(
                        FetchCode::RedirectLoop,
                        Some(&next),
                        format!("{url} redirects back to {next}"),
                    );
                    return attempt;
                }
                redirects += 1;
                if redirects > options.max_redirects {
                    attempt.fail(
                        FetchCode::TooManyRedirects,
                        Some(&next),
                        format!(
                            "more than {} redirects (the next one to {next})",
                            options.max_redirects
                        ),
                    );
                    return attempt;
                }
                if next.host_str() != url.host_str() {
                    attempt.diagnostics.push(FetchDiagnostic::new(
                        FetchCode::CrossHostRedirect,
                        Some(&next),
                        format!("{url} redirects to another host: {next}"),
                    ));
                }
                url = next;
                continue;
            }
            if status != StatusCode::OK {
                attempt.fail(FetchCode::HttpStatus, Some(&url), format!("HTTP {status}"));
                return attempt;
            }
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            for (code, message) in check_content_type(content_type.as_deref(), expect) {
                attempt
                    .diagnostics
                    .push(FetchDiagnostic::new(code, Some(&url), message));
            }
            attempt.content_type = content_type;
            let cap = match expect {
                Expect::SecurityTxt => options.body_cap,
                Expect::Key => MAX_KEYRING_BYTES,
            };
            read_body(response, &url, deadline, cap, &mut attempt).await;
            return attempt;
        }
    }
}

/// Reads the body, streaming, up to `cap` bytes.
async fn read_body(
    mut response: reqwest::Response,
    url: &Url,
    deadline: Instant,
    cap: usize,
    attempt: &mut Attempt,
) {
    let too_large = |attempt: &mut Attempt, what: String| {
        attempt.fail(
            FetchCode::TooLarge,
            Some(url),
            format!("{what}: more than the cap of {cap} bytes"),
        );
    };
    if let Some(length) = response.content_length()
        && length > cap as u64
    {
        too_large(attempt, format!("Content-Length is {length}"));
        return;
    }
    let mut body = Vec::new();
    loop {
        match timeout_at(deadline, response.chunk()).await {
            Err(_) => {
                attempt.fail(
                    FetchCode::Timeout,
                    Some(url),
                    "the total timeout ran out while reading the body",
                );
                return;
            }
            Ok(Err(e)) => {
                let (code, message) = classify(&e);
                attempt.fail(code, Some(url), message);
                return;
            }
            Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => {
                if body.len().saturating_add(chunk.len()) > cap {
                    too_large(attempt, "the body".to_owned());
                    return;
                }
                body.extend_from_slice(&chunk);
            }
        }
    }
    attempt.body = Some(body);
}

/// `start + wait`, or about a century later when that overflows (no panic on huge options).
pub(crate) fn after(start: Instant, wait: Duration) -> Instant {
    start
        .checked_add(wait)
        .or_else(|| start.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(start)
}

fn fill(fetched: &mut Fetched, attempt: Attempt) {
    fetched.url_chain = attempt.chain;
    fetched.body = attempt.body;
    fetched.content_type = attempt.content_type;
    fetched.diagnostics.extend(attempt.diagnostics);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_rules() {
        assert!(check_content_type(Some("text/plain"), Expect::SecurityTxt).is_empty());
        assert!(
            check_content_type(Some("Text/Plain; Charset=\"UTF-8\""), Expect::SecurityTxt)
                .is_empty()
        );
        assert!(
            check_content_type(Some("text/plain;charset=utf-8"), Expect::SecurityTxt).is_empty()
        );
        let html = check_content_type(Some("text/html; charset=utf-8"), Expect::SecurityTxt);
        assert_eq!(html.len(), 1);
        assert_eq!(html[0].0, FetchCode::ContentType);
        let latin = check_content_type(Some("text/plain; charset=iso-8859-1"), Expect::SecurityTxt);
        assert_eq!(latin.len(), 1);
        assert_eq!(latin[0].0, FetchCode::Charset);
        assert_eq!(
            check_content_type(None, Expect::SecurityTxt)[0].0,
            FetchCode::ContentType
        );
        assert!(check_content_type(Some("application/pgp-keys"), Expect::Key).is_empty());
        assert!(check_content_type(Some("text/plain; charset=latin1"), Expect::Key).is_empty());
        assert_eq!(
            check_content_type(Some("application/pgp-keys"), Expect::SecurityTxt)[0].0,
            FetchCode::ContentType
        );
        assert_eq!(
            check_content_type(Some("text/html"), Expect::Key)[0].0,
            FetchCode::ContentType
        );
    }

    #[test]
    fn huge_waits_do_not_overflow() {
        let now = Instant::now();
        assert!(after(now, Duration::MAX) > now);
        assert_eq!(
            after(now, Duration::from_secs(1)),
            now + Duration::from_secs(1)
        );
    }

    #[test]
    fn domains_are_checked() {
        assert_eq!(
            location_url("example.com", WELL_KNOWN_PATH)
                .unwrap()
                .as_str(),
            "https://example.com/.well-known/security.txt"
        );
        assert_eq!(
            location_url("bücher.example", LEGACY_PATH)
                .unwrap()
                .as_str(),
            "https://xn--bcher-kva.example/security.txt"
        );
        for bad in [
            "",
            "a/b",
            "a b",
            "user@host",
            "host:8443",
            "host?x",
            "a%2fb",
        ] {
            assert!(location_url(bad, WELL_KNOWN_PATH).is_err(), "{bad:?}");
        }
    }
}
