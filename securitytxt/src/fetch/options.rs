//! What a fetch may do: [`FetchOptions`], its builder and the default caps.

use std::net::SocketAddr;
use std::time::Duration;

/// Redirects followed per location by default (RFC 9116 gives no number; 5 is what browsers'
/// stricter fetchers use).
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// Most bytes of a security.txt body read by default; the fetch stops reading there.
pub const DEFAULT_BODY_CAP: usize = 64 * 1024;

/// Time allowed to open the TCP connection and finish the TLS handshake, by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Time allowed for a whole domain (both locations, all redirects, the body), by default.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(20);

/// Domains fetched at the same time by a batch, by default.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Pause between two fetches from the same host in a batch, by default.
pub const DEFAULT_PER_HOST_DELAY: Duration = Duration::from_millis(500);

/// The `User-Agent` sent by default.
pub const DEFAULT_USER_AGENT: &str = concat!("securitytxt/", env!("CARGO_PKG_VERSION"));

/// Where trusted TLS root certificates come from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Roots {
    /// The Mozilla root programme (the `webpki-roots` crate), plus any extra roots.
    WebPki,
    /// Only the extra roots in [`FetchOptions::extra_roots_der`] (for tests and private PKIs).
    ExtraOnly,
}

/// What a fetch may do. The default is strict: public addresses only, at most
/// [`DEFAULT_MAX_REDIRECTS`] redirects, a [`DEFAULT_BODY_CAP`] body cap, the Mozilla roots.
///
/// Build one with [`FetchOptions::builder`] or change fields of [`FetchOptions::default`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FetchOptions {
    /// Whether connecting to non-public addresses (loopback, private, link-local, CGNAT,
    /// documentation, ...; see [`crate::fetch::address::is_public`]) is allowed.
    pub allow_private_addresses: bool,
    /// Redirects followed per location before giving up.
    pub max_redirects: usize,
    /// Most bytes of a body read.
    pub body_cap: usize,
    /// Time to connect (TCP and TLS).
    pub connect_timeout: Duration,
    /// Time for a whole domain.
    pub total_timeout: Duration,
    /// Which root certificates to trust.
    pub roots: Roots,
    /// Extra trusted root certificates, DER-encoded.
    pub extra_roots_der: Vec<Vec<u8>>,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Host names resolved to fixed addresses instead of DNS (a test hook: point real names at
    /// a server on 127.0.0.1; the address check still applies). A port other than 0 replaces
    /// the URL's default port.
    pub resolve_overrides: Vec<(String, SocketAddr)>,
    /// Domains fetched at the same time by a batch (at least 1).
    pub concurrency: usize,
    /// Pause between two fetches from the same host in a batch.
    pub per_host_delay: Duration,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            allow_private_addresses: false,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            body_cap: DEFAULT_BODY_CAP,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            roots: Roots::WebPki,
            extra_roots_der: Vec::new(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            resolve_overrides: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
            per_host_delay: DEFAULT_PER_HOST_DELAY,
        }
    }
}

impl FetchOptions {
    /// A builder starting from the strict defaults.
    pub fn builder() -> FetchOptionsBuilder {
        FetchOptionsBuilder {
            options: Self::default(),
        }
    }
}

/// Builds [`FetchOptions`].
///
/// ```
/// use std::time::Duration;
/// use securitytxt::fetch::FetchOptions;
///
/// let options = FetchOptions::builder()
///     .max_redirects(3)
///     .total_timeout(Duration::from_secs(10))
///     .build();
/// assert_eq!(options.max_redirects, 3);
/// assert!(!options.allow_private_addresses);
/// ```
#[derive(Debug, Clone)]
pub struct FetchOptionsBuilder {
    options: FetchOptions,
}

impl FetchOptionsBuilder {
    /// Allow (or refuse) connections to non-public addresses.
    pub fn allow_private_addresses(mut self, allow: bool) -> Self {
        self.options.allow_private_addresses = allow;
        self
    }

    /// Redirects followed per location.
    pub fn max_redirects(mut self, max: usize) -> Self {
        self.options.max_redirects = max;
        self
    }

    /// Most bytes of a body read.
    pub fn body_cap(mut self, bytes: usize) -> Self {
        self.options.body_cap = bytes;
        self
    }

    /// Time to connect (TCP and TLS).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.options.connect_timeout = timeout;
        self
    }

    /// Time for a whole domain.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.options.total_timeout = timeout;
        self
    }

    /// Which root certificates to trust.
    pub fn roots(mut self, roots: Roots) -> Self {
        self.options.roots = roots;
        self
    }

    /// Trust one more root certificate (DER).
    pub fn add_root_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.options.extra_roots_der.push(der.into());
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.options.user_agent = user_agent.into();
        self
    }

    /// Resolve `host` to `addr` instead of asking DNS (test hook).
    pub fn resolve(mut self, host: impl Into<String>, addr: SocketAddr) -> Self {
        self.options
            .resolve_overrides
            .push((host.into().to_ascii_lowercase(), addr));
        self
    }

    /// Domains fetched at the same time by a batch.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.options.concurrency = n;
        self
    }

    /// Pause between two fetches from the same host in a batch.
    pub fn per_host_delay(mut self, delay: Duration) -> Self {
        self.options.per_host_delay = delay;
        self
    }

    /// The options.
    pub fn build(self) -> FetchOptions {
        self.options
    }
}
