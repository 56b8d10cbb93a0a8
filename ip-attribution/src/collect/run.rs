//! The thin async adapter: sockets, timeouts, files. Every decision about what to ask and what
//! an answer means is made by the sans-IO modules ([`super::whois`], [`super::bootstrap`],
//! [`super::politeness`], [`super::coverage`], [`super::cache`]).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Semaphore;
use tokio::time::{Instant, sleep, timeout};

use super::bootstrap::{Bootstrap, ip_query_url};
use super::cache::{Cache, write_atomic};
use super::coverage::Coverage;
use super::politeness::{Politeness, Protocol, ServerLimit, parse_retry_after};
use super::whois::{self, AnswerKind, ServerStyle, WhoisServer};
use crate::cert::{self, CertClass, TrustStore};
use crate::ptr::{self, DnsName};
use crate::rpsl::IpRange;
use crate::{Error, ErrorKind};

/// Largest WHOIS answer read (a bigger one is cut there and logged as oversized).
pub const MAX_WHOIS_BYTES: usize = 1 << 20;
/// Most PTR names of one address looked up forward.
pub const MAX_PTR_NAMES: usize = 8;
/// Most certificate domains taken from one certificate; a certificate naming more registrable
/// domains is a shared one (hoster, CDN) and names no single business.
pub const MAX_CERT_DOMAINS: usize = 3;
/// Ports a `--tls-probe` connects to (TLS from the first byte), beside
/// [`CollectOptions::https_port`].
pub(crate) const TLS_PORTS: &[u16] = &[
    443, 465, 636, 853, 993, 995, 4443, 5061, 6443, 8443, 9443, 10443,
];

/// Timeouts of every network step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// One DNS lookup (all retries).
    pub dns: Duration,
    /// Opening a TCP connection.
    pub connect: Duration,
    /// A whole WHOIS exchange, connect included.
    pub whois: Duration,
    /// A whole RDAP request, redirects and body included.
    pub rdap: Duration,
    /// A whole security.txt fetch (both locations, redirects, body).
    pub https: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            dns: Duration::from_secs(5),
            connect: Duration::from_secs(5),
            whois: Duration::from_secs(20),
            rdap: Duration::from_secs(20),
            https: Duration::from_secs(20),
        }
    }
}

/// What a collection may do. Build with [`CollectOptions::new`] and change fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CollectOptions {
    /// The one DNS server for every name (UDP, TCP fallback); `None`: the system's resolv.conf.
    pub dns: Option<SocketAddr>,
    /// The first WHOIS server asked.
    pub whois_root: WhoisServer,
    /// Port of a referred WHOIS server named without one.
    pub whois_port: u16,
    /// RDAP service registry.
    pub bootstrap: Bootstrap,
    /// Extra trust anchors (DER) for every HTTPS connection.
    pub extra_roots_der: Vec<Vec<u8>>,
    /// Whether non-public addresses (loopback, private, documentation...) may be contacted.
    pub allow_private: bool,
    /// The cache directory shared across runs.
    pub cache_dir: Option<PathBuf>,
    /// Fetch the TLS certificate of findings on TLS ports that have none in the snapshot.
    pub tls_probe: bool,
    /// Port of security.txt fetches.
    pub https_port: u16,
    /// The run's clock (cache TTLs, certificate dates).
    pub now: DateTime<Utc>,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Per-server pace (defaults in [`Politeness`]); per-host overrides go here.
    pub politeness: Politeness,
    /// Tries of one query that met a refusal, a rate limit or a transient failure.
    pub max_tries: usize,
    /// Addresses worked on at once.
    pub concurrency: usize,
    /// Progress lines on standard error every this often (`None`: silent).
    pub progress: Option<Duration>,
    /// The `User-Agent` of every HTTPS request (RDAP, security.txt): who asks, so a registry or
    /// a site owner can tell (default [`DEFAULT_USER_AGENT`]; the `collect` program adds the
    /// service's name, web page and address from its configuration).
    pub user_agent: String,
}

/// The `User-Agent` sent when [`CollectOptions::user_agent`] is not set otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("ip-attribution-collect/", env!("CARGO_PKG_VERSION"));

impl CollectOptions {
    /// The defaults at clock `now`: system DNS, `whois.iana.org:43`, the bundled bootstrap,
    /// public addresses only, no cache, no TLS probe, port 443.
    ///
    /// # Errors
    ///
    /// Only if the bundled bootstrap does not read (a build defect).
    pub fn new(now: DateTime<Utc>) -> Result<CollectOptions, Error> {
        Ok(CollectOptions {
            dns: None,
            whois_root: WhoisServer {
                host: whois::DEFAULT_ROOT.to_owned(),
                port: whois::DEFAULT_PORT,
            },
            whois_port: whois::DEFAULT_PORT,
            bootstrap: Bootstrap::bundled()?,
            extra_roots_der: Vec::new(),
            allow_private: false,
            cache_dir: None,
            tls_probe: false,
            https_port: 443,
            now,
            timeouts: Timeouts::default(),
            politeness: Politeness::new(),
            max_tries: 4,
            concurrency: 32,
            progress: None,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
        })
    }
}

/// Queries sent, per protocol.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Queries {
    /// DNS lookups (PTR, A, AAAA, server names).
    pub dns: usize,
    /// WHOIS exchanges.
    pub whois: usize,
    /// RDAP requests.
    pub rdap: usize,
    /// security.txt fetches (one per domain; the fetcher may make several requests).
    pub https: usize,
    /// TLS probes.
    pub tls: usize,
}

impl Queries {
    /// All queries.
    pub fn total(&self) -> usize {
        self.dns + self.whois + self.rdap + self.https + self.tls
    }
}

/// What a collection did.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CollectReport {
    /// Findings read from the feeds (rows, malformed ones included).
    pub findings: usize,
    /// Distinct addresses.
    pub addresses: usize,
    /// Candidate domains whose security.txt was looked for.
    pub domains: usize,
    /// Queries sent.
    pub queries: Queries,
    /// Answers taken from the cache or from a range an earlier answer covers.
    pub reused: usize,
    /// Failed queries (each one a line of `collect-log.jsonl`).
    pub failures: usize,
    /// Refusals and rate-limit answers met.
    pub refusals: usize,
    /// Files written into the snapshot.
    pub files_written: usize,
    /// Wall time.
    pub elapsed: Duration,
}

#[derive(Default)]
struct Counters {
    dns: AtomicUsize,
    whois: AtomicUsize,
    rdap: AtomicUsize,
    https: AtomicUsize,
    tls: AtomicUsize,
    reused: AtomicUsize,
    failures: AtomicUsize,
    done: AtomicUsize,
    files: AtomicUsize,
}

struct State {
    politeness: Politeness,
    referrals: Coverage<WhoisServer>,
    whois: Coverage<String>,
    rdap: Coverage<String>,
    styles: HashMap<WhoisServer, ServerStyle>,
    hosts: HashMap<String, Result<Vec<IpAddr>, String>>,
    written: HashSet<PathBuf>,
    domains: BTreeSet<String>,
}

struct Ctx {
    options: CollectOptions,
    resolver: TokioResolver,
    http: reqwest::Client,
    cache: Cache,
    out: PathBuf,
    state: Mutex<State>,
    gates: Mutex<HashMap<String, Arc<Semaphore>>>,
    log: Mutex<BufWriter<fs::File>>,
    rdns: Mutex<BufWriter<fs::File>>,
    counters: Counters,
    start: Instant,
    /// What the folder already held (registry dumps, saved answers, RDAP files), when it held
    /// any: addresses it covers with a real network are not asked about again.
    known: Option<crate::snapshot::Snapshot>,
}

fn setup(message: impl Into<String>) -> Error {
    Error::new(
        "collect options".to_owned(),
        0,
        ErrorKind::Input {
            message: message.into(),
        },
    )
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::new(
        path.display().to_string(),
        0,
        ErrorKind::Io {
            message: e.to_string(),
        },
    )
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn file_ip(ip: IpAddr) -> String {
    ip.to_string().replace(':', "_")
}

fn is_allowed(ip: IpAddr, allow_private: bool) -> bool {
    allow_private || securitytxt::fetch::address::is_public(ip)
}

fn build_resolver(options: &CollectOptions) -> Result<TokioResolver, Error> {
    let mut builder = match options.dns {
        Some(addr) => {
            let mut udp = ConnectionConfig::udp();
            udp.port = addr.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = addr.port();
            let ns = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
            TokioResolver::builder_with_config(
                ResolverConfig::from_name_servers(vec![ns]),
                TokioRuntimeProvider::default(),
            )
        }
        None => TokioResolver::builder_tokio()
            .map_err(|e| setup(format!("system DNS configuration: {e}")))?,
    };
    let opts = builder.options_mut();
    opts.timeout = options.timeouts.dns / 2;
    opts.attempts = 2;
    opts.try_tcp_on_error = true;
    opts.cache_size = 4096;
    builder
        .build()
        .map_err(|e| setup(format!("DNS resolver: {e}")))
}

/// reqwest's resolver: names through the collection's DNS server, then the address check.
#[derive(Clone)]
struct Resolve {
    resolver: TokioResolver,
    allow_private: bool,
    queries: Arc<AtomicUsize>,
}

impl reqwest::dns::Resolve for Resolve {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let this = self.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            this.queries.fetch_add(1, Ordering::Relaxed);
            let looked = this.resolver.lookup_ip(host.as_str()).await.map_err(
                |e| -> Box<dyn std::error::Error + Send + Sync> {
                    format!("{host} does not resolve: {e}").into()
                },
            )?;
            let addrs: Vec<SocketAddr> = looked
                .iter()
                .filter(|ip| is_allowed(*ip, this.allow_private))
                .map(|ip| SocketAddr::new(ip, 0))
                .collect();
            if addrs.is_empty() {
                return Err(format!(
                    "{host} resolves to no public address (non-public addresses are refused without --allow-private)"
                )
                .into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

fn tls_config(extra_roots: &[Vec<u8>]) -> Result<rustls::ClientConfig, Error> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for (i, der) in extra_roots.iter().enumerate() {
        roots
            .add(rustls::pki_types::CertificateDer::from(der.clone()))
            .map_err(|e| setup(format!("extra root certificate {}: {e}", i + 1)))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| setup(format!("TLS set-up: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

fn build_http(
    options: &CollectOptions,
    resolver: &TokioResolver,
    queries: Arc<AtomicUsize>,
) -> Result<reqwest::Client, Error> {
    let allow_private = options.allow_private;
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 5 {
            return attempt.error("more than 5 redirects");
        }
        let literal = match attempt.url().host() {
            Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
            Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
            _ => None,
        };
        if let Some(ip) = literal
            && !is_allowed(ip, allow_private)
        {
            return attempt.error(format!("redirect to the non-public address {ip} refused"));
        }
        if attempt.previous().contains(attempt.url()) {
            return attempt.error("redirect loop");
        }
        attempt.follow()
    });
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config(&options.extra_roots_der)?)
        .redirect(policy)
        .no_proxy()
        .connect_timeout(options.timeouts.connect)
        .timeout(options.timeouts.rdap)
        .user_agent(options.user_agent.as_str())
        .dns_resolver(Arc::new(Resolve {
            resolver: resolver.clone(),
            allow_private: options.allow_private,
            queries,
        }))
        .build()
        .map_err(|e| setup(format!("HTTP client: {e}")))
}

/// Reads the feeds and collects the evidence of their addresses into the snapshot folder
/// `out` (layout of the daily run; what it already holds is kept). Every failed query is a
/// line of `out/collect-log.jsonl`.
///
/// Live collection of a day's evidence (feature `net`): PTR and forward DNS, port-43 WHOIS
/// with referrals, RDAP, security.txt and (opt-in) TLS certificates, written as an evidence
/// snapshot in the daily run's layout.
///
/// The protocol logic is sans-IO and tested without a network: WHOIS server styles, queries,
/// referral parsing, refusal and rate-limit detection and which range an answer covers;
/// RFC 9224 service selection ([`Bootstrap`]); per-server pace and back-off ([`Politeness`]);
/// answers that cover other addresses; cache TTLs. Only the run itself and the TLS probe do
/// I/O.
///
/// # What a run does
///
/// 1. Reads the feeds one at a time and keeps the distinct addresses (sorted, so neighbours
///    follow each other and share answers).
/// 2. Per address, at most [`CollectOptions::concurrency`] at once:
///    - DNS: PTR, then A and AAAA of every PTR name (forward confirmation) → `rdns.jsonl`;
///    - WHOIS: the root (IANA), its referral, the registry in its own dialect (ARIN `n +`,
///      RIPE-style `-L`), onwards referrals (ARIN `ReferralServer`) → every data answer as
///      `registry/whois-<rir>-<ip>.txt`;
///    - RDAP, when WHOIS gave no network for the address: the bootstrap's most specific
///      service → `rdap/<handle>.json`.
/// 3. security.txt of the candidate domains (registrable domains of forward-confirmed,
///    non-generic PTR names; domains of certificates in the folder's `certs/` for the feed's
///    addresses, skipping device-default and CDN certificates and any naming more than
///    [`MAX_CERT_DOMAINS`](crate::limits::MAX_CERT_DOMAINS) registrable domains) → `securitytxt/<domain>.txt`.
/// 4. With `tls_probe`: the chain of findings on TLS ports without a certificate in `certs/`
///    → `certs/<ip>_<port>.pem`.
///
/// Every failed query is a line of `collect-log.jsonl`:
/// `{"kind": "whois"|"rdap"|"dns"|"securitytxt"|"tls"|"cache"|"output", "server": ...,
/// "query": ..., "error": ..., "at_ms": ...}`.
///
/// # Reuse
///
/// One IANA answer covers its whole block (its referral is remembered by range). A registry
/// answer covers its most specific network *when that network is a leaf assignment*
/// (`ASSIGNED PA`, `REASSIGNED`...): no other address inside it is asked about. An allocation,
/// a sub-allocation (`SUB-ALLOCATED PA`) or a re-allocation (`Reallocated`) is not taken to
/// cover its other addresses, since an assignment inside it may hold them (and then names the
/// organisation, its contacts and the outcome the daily run decides).
/// Answers are cached per address and kind (under [`CollectOptions::cache_dir`]) and reused across runs within their
/// TTLs; an interrupted run resumes from there.
///
/// # Politeness
///
/// See [`Politeness`] for the default pace per server. Refusals and rate-limit answers (RIPE
/// `%ERROR:201`, ARIN/LACNIC limit texts, RDAP 429 with `Retry-After`) back the server off
/// exponentially; the query is tried [`CollectOptions::max_tries`] times in all.
///
/// # Memory
///
/// Answers are not held: each goes to the snapshot folder (and the cache) as it arrives. What
/// a run does hold, so that memory grows with the *distinct* addresses of a day and not with
/// its findings (a repeated address costs nothing):
///
/// - of the feeds, one record at a time: each file is read in steps of
///   [`crate::FEED_READ_STEP`] (64 KiB) by the streaming reader ([`crate::read_feed_from`]),
///   which holds at most one record's caps (1 MiB + 3 bytes for CSV, 1 MiB + 4 for an IntelMQ
///   line) besides the step, and each finding is dropped once its address is taken;
/// - the distinct addresses of all feeds, sorted (a `BTreeSet<IpAddr>`, some tens of bytes
///   each), and with `tls_probe` the distinct (address, port) pairs;
/// - per answer kept for reuse: one range per leaf network and per IANA referral, the name of
///   every file written, the candidate domains and the resolved server names.
///
/// So the number of findings costs nothing: a feed of 1,000,000 findings over 300 addresses
/// peaks at the same memory as one of 10,000 (measured in `BENCHMARKS.md`, "collect").
/// Not yet bounded: a day of many millions of *distinct* addresses holds them all (there is no
/// spilling of the address set to disk).
///
/// # Safety
///
/// Non-public addresses (loopback, private, documentation, shared) are refused for every
/// server, name and redirect unless [`CollectOptions::allow_private`] is set; answers are
/// capped ([`MAX_WHOIS_BYTES`](crate::limits::MAX_WHOIS_BYTES), [`crate::limits::MAX_RDAP_BYTES`], security.txt's body cap)
/// and every step has a timeout ([`Timeouts`]).
///
/// # Errors
///
/// [`ErrorKind::Io`] when a feed cannot be read or `out` cannot be written; [`ErrorKind::Input`] for
/// unusable options (resolver or TLS set-up). Failed queries are not errors.
pub async fn collect(
    feeds: &[PathBuf],
    out: &Path,
    options: &CollectOptions,
) -> Result<CollectReport, Error> {
    let start = Instant::now();
    fs::create_dir_all(out).map_err(|e| io_error(out, e))?;
    // Addresses (and ports, for the TLS probe): each feed is read in fixed-size steps, one
    // finding at a time, so memory holds the distinct addresses and not the findings.
    let mut addresses: BTreeSet<IpAddr> = BTreeSet::new();
    let mut endpoints: BTreeSet<(IpAddr, u16)> = BTreeSet::new();
    let mut findings = 0usize;
    for feed in feeds {
        let file = fs::File::open(feed).map_err(|e| io_error(feed, e))?;
        let name = feed
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("feed")
            .to_owned();
        for row in crate::feed::read_feed_from(&name, file, crate::feed::FEED_READ_STEP) {
            let f = match row {
                Ok(f) => f,
                // A read fault names the file by its whole path.
                Err(e) => {
                    if let ErrorKind::Io { message } = e.kind() {
                        return Err(Error::new(
                            feed.display().to_string(),
                            0,
                            ErrorKind::Io {
                                message: message.clone(),
                            },
                        ));
                    }
                    return Err(e);
                }
            };
            findings += 1;
            if let Some(ip) = f.ip {
                addresses.insert(ip);
                if let Some(port) = f.port
                    && options.tls_probe
                    && (TLS_PORTS.contains(&port) || port == options.https_port)
                {
                    endpoints.insert((ip, port));
                }
            }
        }
    }

    // The folder's own trust anchors (trust/*.pem) are trusted for HTTPS too.
    let mut options = options.clone();
    if let Ok(read) = fs::read_dir(out.join("trust")) {
        for item in read.flatten() {
            let path = item.path();
            if path.extension().is_some_and(|e| e == "pem")
                && let Ok(bytes) = fs::read(&path)
                && let Ok(chain) = cert::CertChain::parse(&bytes, &path.display().to_string())
            {
                options
                    .extra_roots_der
                    .extend(chain.entries().iter().map(|e| e.der.clone()));
            }
        }
    }
    let options = &options;
    let known = known_registry(out);
    let resolver = build_resolver(options)?;
    let dns_queries = Arc::new(AtomicUsize::new(0));
    let http = build_http(options, &resolver, dns_queries.clone())?;
    let cache = Cache::open(options.cache_dir.as_deref())?;
    let log_tmp = out.join(".collect-log.jsonl.tmp");
    let rdns_tmp = out.join(".rdns.jsonl.new.tmp");
    let open = |p: &Path| {
        fs::File::create(p)
            .map(BufWriter::new)
            .map_err(|e| io_error(p, e))
    };

    let mut state = State {
        politeness: options.politeness.clone(),
        referrals: Coverage::new(),
        whois: Coverage::new(),
        rdap: Coverage::new(),
        styles: HashMap::new(),
        hosts: HashMap::new(),
        written: HashSet::new(),
        domains: BTreeSet::new(),
    };
    load_coverage(&cache, options.now, &mut state);

    let ctx = Arc::new(Ctx {
        options: options.clone(),
        resolver,
        http,
        cache,
        out: out.to_path_buf(),
        state: Mutex::new(state),
        gates: Mutex::new(HashMap::new()),
        log: Mutex::new(open(&log_tmp)?),
        rdns: Mutex::new(open(&rdns_tmp)?),
        counters: Counters::default(),
        start,
        known,
    });

    let total = addresses.len();
    let progress = options.progress.map(|every| {
        let ctx = ctx.clone();
        tokio::spawn(async move {
            loop {
                sleep(every).await;
                eprintln!("{}", progress_line(&ctx, total));
            }
        })
    });

    // Addresses in order (neighbours share answers), a bounded number at once.
    let gate = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for ip in addresses.iter().copied() {
        let permit = gate
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| setup(e.to_string()))?;
        let task_ctx = ctx.clone();
        tasks.spawn(async move {
            let _permit = permit;
            address(&task_ctx, ip).await;
            task_ctx.counters.done.fetch_add(1, Ordering::Relaxed);
        });
        while let Some(res) = tasks.try_join_next() {
            join_failure(&ctx, res);
        }
    }
    while let Some(res) = tasks.join_next().await {
        join_failure(&ctx, res);
    }

    // Candidate domains from certificates the snapshot already holds.
    cert_domains(&ctx, &addresses);
    let domains: Vec<String> = lock(&ctx.state).domains.iter().cloned().collect();
    security_txt(&ctx, &domains).await;

    if options.tls_probe {
        tls_probe(&ctx, &endpoints).await;
    }
    if let Some(p) = progress {
        p.abort();
    }
    ctx.counters
        .dns
        .fetch_add(dns_queries.load(Ordering::Relaxed), Ordering::Relaxed);

    finish(&ctx, &log_tmp, &rdns_tmp)?;
    if options.progress.is_some() {
        eprintln!("{}", progress_line(&ctx, total));
    }
    let c = &ctx.counters;
    Ok(CollectReport {
        findings,
        addresses: total,
        domains: domains.len(),
        queries: Queries {
            dns: c.dns.load(Ordering::Relaxed),
            whois: c.whois.load(Ordering::Relaxed),
            rdap: c.rdap.load(Ordering::Relaxed),
            https: c.https.load(Ordering::Relaxed),
            tls: c.tls.load(Ordering::Relaxed),
        },
        reused: c.reused.load(Ordering::Relaxed),
        failures: c.failures.load(Ordering::Relaxed),
        refusals: lock(&ctx.state).politeness.refusals(),
        files_written: c.files.load(Ordering::Relaxed),
        elapsed: start.elapsed(),
    })
}

fn join_failure(ctx: &Ctx, res: Result<(), tokio::task::JoinError>) {
    if let Err(e) = res {
        ctx.fail("task", "-", "-", &format!("address task failed: {e}"));
    }
}

fn progress_line(ctx: &Ctx, total: usize) -> String {
    let c = &ctx.counters;
    let q = c.dns.load(Ordering::Relaxed)
        + c.whois.load(Ordering::Relaxed)
        + c.rdap.load(Ordering::Relaxed)
        + c.https.load(Ordering::Relaxed)
        + c.tls.load(Ordering::Relaxed);
    let secs = ctx.start.elapsed().as_secs_f64().max(0.001);
    let state = lock(&ctx.state);
    let queued: Vec<String> = state
        .politeness
        .queues()
        .into_iter()
        .filter(|q| q.1 > 0)
        .take(5)
        .map(|(h, n, _)| format!("{h} {n}"))
        .collect();
    format!(
        "collect: {}/{} addresses, {} queries ({:.1}/s), {} reused, {} failed, {} refusals{}{}",
        c.done.load(Ordering::Relaxed),
        total,
        q,
        q as f64 / secs,
        c.reused.load(Ordering::Relaxed),
        c.failures.load(Ordering::Relaxed),
        state.politeness.refusals(),
        if queued.is_empty() { "" } else { "; queued: " },
        queued.join(", ")
    )
}

fn load_coverage(cache: &Cache, now: DateTime<Utc>, state: &mut State) {
    for (_, entry) in cache.entries("referral", now) {
        if let (Some(server), Some(range)) = (
            entry
                .get("server")
                .and_then(Value::as_str)
                .and_then(|s| WhoisServer::parse(s, whois::DEFAULT_PORT)),
            entry
                .get("covers")
                .and_then(Value::as_str)
                .and_then(IpRange::parse),
        ) {
            state.referrals.insert(range, server);
        }
    }
    // The range an answer covers is worked out again from the answer, not read from the
    // entry: an entry written under an older rule (a sub-allocation taken to cover) must not
    // hide the assignments inside it for the rest of its TTL.
    for (key, entry) in cache.entries("whois", now) {
        let (Ok(ip), Some(answer)) = (
            key.replace('_', ":").parse::<IpAddr>(),
            entry.get("answer").and_then(Value::as_str),
        ) else {
            continue;
        };
        if let Some(range) = whois::answer_covers(answer, ip) {
            state.whois.insert(range, key);
        }
    }
    for (key, entry) in cache.entries("rdap", now) {
        let Some(answer) = entry.get("answer").and_then(Value::as_str) else {
            continue;
        };
        if let Some(range) = crate::rdap::parse_rdap_network(answer.as_bytes(), "cache")
            .ok()
            .and_then(|net| rdap_covers(&net))
        {
            state.rdap.insert(range, key);
        }
    }
}

/// The range an RDAP network answer speaks for (every address in it): the network's own when
/// it is a leaf assignment, as [`whois::answer_covers`] decides for WHOIS answers.
fn rdap_covers(net: &crate::rdap::RdapNetwork) -> Option<IpRange> {
    match (net.start_address, net.end_address) {
        (Some(a), Some(b)) if leaf_type(net.network_type.as_deref()) => IpRange::new(a, b),
        _ => None,
    }
}

impl Ctx {
    fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    fn fail(&self, kind: &str, server: &str, subject: &str, reason: &str) {
        self.counters.failures.fetch_add(1, Ordering::Relaxed);
        let line = json!({
            "kind": kind, "server": server, "query": subject, "error": reason,
            "at_ms": u64::try_from(self.elapsed().as_millis()).unwrap_or(u64::MAX),
        });
        let mut log = lock(&self.log);
        let _ = writeln!(log, "{line}");
    }

    /// Writes a snapshot file once per run, atomically.
    fn write_file(&self, rel: &str, bytes: &[u8]) {
        let path = self.out.join(rel);
        if !lock(&self.state).written.insert(path.clone()) {
            return;
        }
        match write_atomic(&path, bytes) {
            Ok(()) => {
                self.counters.files.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => self.fail("output", "-", rel, &e.to_string()),
        }
    }

    fn cache_put(&self, kind: &str, key: &str, entry: Value) {
        if let Err(e) = self.cache.put(kind, key, entry, self.options.now) {
            self.fail("cache", "-", key, &e);
        }
    }

    fn gate(&self, host: &str, protocol: Protocol) -> Arc<Semaphore> {
        let limit: ServerLimit = lock(&self.state).politeness.limit(host, protocol);
        lock(&self.gates)
            .entry(host.to_ascii_lowercase())
            .or_insert_with(|| Arc::new(Semaphore::new(limit.concurrency)))
            .clone()
    }

    /// Waits for `host`'s next slot; the returned permit is held for the query.
    async fn slot(
        &self,
        host: &str,
        protocol: Protocol,
    ) -> Option<tokio::sync::OwnedSemaphorePermit> {
        let permit = self.permit(host, protocol).await;
        self.pace(host, protocol).await;
        permit
    }

    /// Waits until fewer than the server's concurrency cap are in flight.
    async fn permit(
        &self,
        host: &str,
        protocol: Protocol,
    ) -> Option<tokio::sync::OwnedSemaphorePermit> {
        lock(&self.state).politeness.queue(host, protocol, 1);
        let permit = self.gate(host, protocol).acquire_owned().await.ok();
        lock(&self.state).politeness.queue(host, protocol, -1);
        permit
    }

    /// Waits for the server's next start slot (a query is about to be sent).
    async fn pace(&self, host: &str, protocol: Protocol) {
        let wait = lock(&self.state)
            .politeness
            .reserve(host, protocol, self.elapsed());
        if !wait.is_zero() {
            sleep(wait).await;
        }
    }

    fn refused(&self, host: &str, protocol: Protocol, retry_after: Option<Duration>) -> Duration {
        lock(&self.state)
            .politeness
            .refused(host, protocol, self.elapsed(), retry_after)
    }

    /// A server's addresses through the collection's DNS, the address check applied.
    async fn host_addrs(&self, host: &str) -> Result<Vec<IpAddr>, String> {
        let addrs = if let Ok(ip) = host.parse::<IpAddr>() {
            Ok(vec![ip])
        } else {
            let known = lock(&self.state).hosts.get(host).cloned();
            match known {
                Some(r) => r,
                None => {
                    self.counters.dns.fetch_add(1, Ordering::Relaxed);
                    let r = match timeout(self.options.timeouts.dns, self.resolver.lookup_ip(host))
                        .await
                    {
                        Ok(Ok(l)) => Ok(l.iter().collect::<Vec<_>>()),
                        Ok(Err(e)) => Err(format!("{host} does not resolve: {e}")),
                        Err(_) => Err(format!("{host}: DNS timeout")),
                    };
                    lock(&self.state).hosts.insert(host.to_owned(), r.clone());
                    r
                }
            }
        }?;
        let allowed: Vec<IpAddr> = addrs
            .iter()
            .copied()
            .filter(|ip| is_allowed(*ip, self.options.allow_private))
            .collect();
        match (allowed.is_empty(), addrs.first()) {
            (true, Some(first)) => Err(format!(
                "{host} resolves to the non-public address {first}: refused (SSRF protection; --allow-private permits it)"
            )),
            (true, None) => Err(format!("{host} has no address")),
            (false, _) => Ok(allowed),
        }
    }
}

/// The folder's own registry evidence, loaded when `registry/` or `rdap/` holds files.
fn known_registry(out: &Path) -> Option<crate::snapshot::Snapshot> {
    let has_files = |sub: &str| {
        fs::read_dir(out.join(sub))
            .map(|mut d| d.any(|e| e.is_ok_and(|e| e.path().is_file())))
            .unwrap_or(false)
    };
    if !has_files("registry") && !has_files("rdap") {
        return None;
    }
    crate::snapshot::Snapshot::load(out).ok().map(|(s, _)| s)
}

async fn address(ctx: &Ctx, ip: IpAddr) {
    use crate::engine::EvidenceSource;
    if let Some(known) = &ctx.known
        && known.networks(ip).iter().any(|n| !n.is_placeholder())
    {
        // The folder already names the network: only DNS is asked.
        ctx.counters.reused.fetch_add(1, Ordering::Relaxed);
        dns_address(ctx, ip).await;
        return;
    }
    let registry = async {
        if !whois_address(ctx, ip).await {
            rdap_address(ctx, ip).await;
        }
    };
    tokio::join!(dns_address(ctx, ip), registry);
}

// ---------------------------------------------------------------- DNS

async fn lookup(ctx: &Ctx, name: Name, rtype: RecordType) -> Result<Vec<RData>, String> {
    ctx.counters.dns.fetch_add(1, Ordering::Relaxed);
    match timeout(
        ctx.options.timeouts.dns,
        ctx.resolver.lookup(name.clone(), rtype),
    )
    .await
    {
        Ok(Ok(l)) => Ok(l.answers().iter().map(|r| r.data.clone()).collect()),
        Ok(Err(e)) if e.is_nx_domain() || e.is_no_records_found() => Ok(Vec::new()),
        Ok(Err(e)) => Err(format!("{rtype} {name}: {e}")),
        Err(_) => Err(format!("{rtype} {name}: timeout")),
    }
}

async fn dns_address(ctx: &Ctx, ip: IpAddr) {
    let key = ip.to_string();
    let entry = match ctx.cache.get("dns", &key, ctx.options.now) {
        Some(e) => {
            ctx.counters.reused.fetch_add(1, Ordering::Relaxed);
            e
        }
        None => {
            let mut failed = None;
            let names: Vec<String> = match lookup(ctx, Name::from(ip), RecordType::PTR).await {
                Ok(data) => data
                    .into_iter()
                    .filter_map(|d| match d {
                        RData::PTR(p) => {
                            Some(p.0.to_ascii().trim_end_matches('.').to_ascii_lowercase())
                        }
                        _ => None,
                    })
                    .take(MAX_PTR_NAMES)
                    .collect(),
                Err(e) => {
                    failed = Some(e);
                    Vec::new()
                }
            };
            let mut forward = Vec::new();
            for n in &names {
                let Ok(name) = Name::from_ascii(format!("{n}.")) else {
                    continue;
                };
                for rtype in [RecordType::A, RecordType::AAAA] {
                    match lookup(ctx, name.clone(), rtype).await {
                        Ok(data) => {
                            for d in data {
                                match d {
                                    RData::A(a) => forward.push(json!([n, "a", a.0.to_string()])),
                                    RData::AAAA(a) => {
                                        forward.push(json!([n, "aaaa", a.0.to_string()]))
                                    }
                                    _ => {}
                                }
                            }
                        }
                        Err(e) => failed = Some(e),
                    }
                }
            }
            let entry = json!({"ok": failed.is_none(), "ptr": names, "forward": forward});
            if let Some(e) = &failed {
                ctx.fail(
                    "dns",
                    &ctx.options
                        .dns
                        .map_or("system".to_owned(), |d| d.to_string()),
                    &key,
                    e,
                );
            }
            ctx.cache_put("dns", &key, entry.clone());
            entry
        }
    };
    let ts = ctx.options.now.timestamp().to_string();
    let names: Vec<String> = entry
        .get("ptr")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let forward: Vec<(String, String, String)> = entry
        .get("forward")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let a = v.as_array()?;
            Some((
                a.first()?.as_str()?.to_owned(),
                a.get(1)?.as_str()?.to_owned(),
                a.get(2)?.as_str()?.to_owned(),
            ))
        })
        .collect();
    {
        let mut rdns = lock(&ctx.rdns);
        for n in &names {
            let _ = writeln!(
                rdns,
                "{}",
                json!({"timestamp": ts, "name": key, "type": "ptr", "value": n})
            );
        }
        for (n, t, v) in &forward {
            let _ = writeln!(
                rdns,
                "{}",
                json!({"timestamp": ts, "name": n, "type": t, "value": v})
            );
        }
    }
    // Candidate domains: forward-confirmed, non-generic PTR names.
    for n in &names {
        let addrs: Vec<IpAddr> = forward
            .iter()
            .filter(|f| &f.0 == n)
            .filter_map(|f| f.2.parse().ok())
            .collect();
        if !ptr::is_forward_confirmed(ip, &addrs) {
            continue;
        }
        let Ok(dns) = DnsName::parse(n) else { continue };
        if ptr::analyze_ptr(ip, &dns).is_generic() {
            continue;
        }
        if let Some(d) = dns.registrable_domain() {
            lock(&ctx.state).domains.insert(d.domain);
        }
    }
}

// ---------------------------------------------------------------- WHOIS

/// Reads one answer: connect, send, read to the end (capped), all under the WHOIS timeout.
async fn whois_exchange(ctx: &Ctx, server: &WhoisServer, query: &str) -> Result<String, String> {
    let addrs = ctx.host_addrs(&server.host).await?;
    ctx.counters.whois.fetch_add(1, Ordering::Relaxed);
    let work = async {
        let mut last = String::new();
        for ip in addrs.iter().take(3) {
            let sa = SocketAddr::new(*ip, server.port);
            let stream = match timeout(
                ctx.options.timeouts.connect,
                tokio::net::TcpStream::connect(sa),
            )
            .await
            {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => {
                    last = format!("connect {sa}: {e}");
                    continue;
                }
                Err(_) => {
                    last = format!("connect {sa}: timeout");
                    continue;
                }
            };
            let mut stream = stream;
            stream
                .write_all(format!("{query}\r\n").as_bytes())
                .await
                .map_err(|e| format!("send to {sa}: {e}"))?;
            let mut buf = Vec::new();
            let mut limited = (&mut stream).take(MAX_WHOIS_BYTES as u64 + 1);
            limited
                .read_to_end(&mut buf)
                .await
                .map_err(|e| format!("read from {sa}: {e}"))?;
            if buf.len() > MAX_WHOIS_BYTES {
                return Err(format!(
                    "answer from {sa} larger than {MAX_WHOIS_BYTES} bytes: cut and dropped"
                ));
            }
            return Ok(match String::from_utf8(buf) {
                Ok(s) => s,
                Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
            });
        }
        Err(last)
    };
    match timeout(ctx.options.timeouts.whois, work).await {
        Ok(r) => r,
        Err(_) => Err(format!(
            "no complete answer within {} s (silent or slow server)",
            ctx.options.timeouts.whois.as_secs_f32()
        )),
    }
}

/// Asks `server` about `ip` in its style, with the politeness, retries and back-off.
async fn whois_ask(
    ctx: &Ctx,
    server: &WhoisServer,
    ip: IpAddr,
    first: bool,
) -> Result<(String, AnswerKind, ServerStyle), String> {
    let mut style = lock(&ctx.state)
        .styles
        .get(server)
        .copied()
        .unwrap_or_else(|| ServerStyle::from_host(&server.host));
    let mut plain_tried = false;
    let mut connect_retried = false;
    let mut last = String::new();
    for _ in 0..ctx.options.max_tries.max(1) {
        // Whether an answer that came meanwhile covers the address is checked before a slot
        // is reserved: a covered address costs the server nothing.
        let permit = ctx.permit(&server.host, Protocol::Whois).await;
        if let Some(hit) = covered(ctx, ip) {
            return Ok(hit);
        }
        let known = lock(&ctx.state).referrals.lookup(ip);
        if first && let Some((_, next)) = known.filter(|k| &k.1 != server) {
            // another address of the block got the root's referral meanwhile
            ctx.counters.reused.fetch_add(1, Ordering::Relaxed);
            let kind = AnswerKind::Referral {
                server: next,
                covers: None,
            };
            return Ok(("% referral known\n".to_owned(), kind, ServerStyle::Iana));
        }
        ctx.pace(&server.host, Protocol::Whois).await;
        let query = style.query(ip);
        let answer = match whois_exchange(ctx, server, &query).await {
            Ok(a) => a,
            // A refused address, a name that does not resolve, a silent server: asking again
            // would not help. A failed connection is tried once more after a pause.
            Err(e) if e.starts_with("connect") && !connect_retried => {
                last = e;
                connect_retried = true;
                let wait = ctx.refused(&server.host, Protocol::Whois, None);
                drop(permit);
                sleep(wait).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        let kind = whois::classify(&answer, ip, style, ctx.options.whois_port);
        match &kind {
            AnswerKind::RateLimited(text) => {
                last = format!("rate limited: {text}");
                ctx.fail("whois", &server.to_string(), &query, &last);
                let wait = ctx.refused(&server.host, Protocol::Whois, None);
                drop(permit);
                sleep(wait).await;
                continue;
            }
            AnswerKind::Refused(text)
                if !plain_tried && matches!(style, ServerStyle::Ripe | ServerStyle::Arin) =>
            {
                // The server does not take the flag: ask plainly.
                last = format!("refused {query:?}: {text}");
                plain_tried = true;
                style = ServerStyle::Unknown;
                lock(&ctx.state)
                    .styles
                    .insert(server.clone(), ServerStyle::Lacnic);
                continue;
            }
            AnswerKind::Data => {
                lock(&ctx.state)
                    .politeness
                    .success(&server.host, Protocol::Whois);
                if let Some(again) = whois::ask_again_as(&answer, ip, style) {
                    lock(&ctx.state).styles.insert(server.clone(), again);
                    if again != style && !plain_tried {
                        style = again;
                        plain_tried = true;
                        continue;
                    }
                }
                if style != ServerStyle::Unknown {
                    lock(&ctx.state).styles.insert(server.clone(), style);
                }
            }
            _ => {
                lock(&ctx.state)
                    .politeness
                    .success(&server.host, Protocol::Whois);
            }
        }
        // Record what the answer covers before the next query to this server may start, so
        // a neighbour waiting for the slot finds it.
        match &kind {
            AnswerKind::Data => {
                if let Some(range) = whois::answer_covers(&answer, ip) {
                    lock(&ctx.state).whois.insert(range, ip.to_string());
                }
            }
            AnswerKind::Referral {
                server: next,
                covers: Some(range),
            } if style == ServerStyle::Iana || first => {
                lock(&ctx.state).referrals.insert(*range, next.clone());
            }
            _ => {}
        }
        drop(permit);
        return Ok((answer, kind, style));
    }
    Err(if last.is_empty() {
        "no answer".to_owned()
    } else {
        last
    })
}

/// An answer that already covers `ip` (from this run or the cache), written to the output.
fn covered(ctx: &Ctx, ip: IpAddr) -> Option<(String, AnswerKind, ServerStyle)> {
    let key = lock(&ctx.state).whois.lookup(ip)?.1;
    // Without a cache dir the answer came in this run and is in the output already.
    let entry = ctx.cache.get("whois", &key, ctx.options.now);
    ctx.counters.reused.fetch_add(1, Ordering::Relaxed);
    if let Some(entry) = entry {
        emit_whois(ctx, &entry);
    }
    Some((String::new(), AnswerKind::Data, ServerStyle::Unknown))
}

fn emit_whois(ctx: &Ctx, entry: &Value) {
    if let (Some(file), Some(answer)) = (
        entry.get("file").and_then(Value::as_str),
        entry.get("answer").and_then(Value::as_str),
    ) {
        ctx.write_file(file, answer.as_bytes());
    }
}

/// The WHOIS chain for one address; true when it found a (non-placeholder) network.
async fn whois_address(ctx: &Ctx, ip: IpAddr) -> bool {
    let key = ip.to_string();
    if let Some(entry) = ctx.cache.get("whois", &key, ctx.options.now) {
        ctx.counters.reused.fetch_add(1, Ordering::Relaxed);
        emit_whois(ctx, &entry);
        return entry
            .get("network")
            .and_then(Value::as_bool)
            .unwrap_or(false);
    }
    if covered_quiet(ctx, ip) {
        return covered(ctx, ip).is_some();
    }
    let mut server = lock(&ctx.state)
        .referrals
        .lookup(ip)
        .map_or_else(|| ctx.options.whois_root.clone(), |(_, s)| s);
    let mut visited: Vec<WhoisServer> = Vec::new();
    let mut network = false;
    let mut transient = false;
    for _ in 0..whois::MAX_REFERRALS {
        visited.push(server.clone());
        let (answer, kind, style) = match whois_ask(
            ctx,
            &server,
            ip,
            visited.len() == 1 && server == ctx.options.whois_root,
        )
        .await
        {
            Ok(r) => r,
            Err(e) => {
                ctx.fail("whois", &server.to_string(), &key, &e);
                transient |= e.starts_with("rate limited");
                break;
            }
        };
        if answer.is_empty() {
            // covered by an answer another address got meanwhile
            return true;
        }
        let next = match kind {
            AnswerKind::Referral {
                server: next,
                covers,
            } => {
                if let Some(range) = covers
                    && (style == ServerStyle::Iana || visited.len() == 1)
                {
                    lock(&ctx.state).referrals.insert(range, next.clone());
                    ctx.cache_put(
                        "referral",
                        &format!("{}-{}", range.start(), range.end()),
                        json!({"server": next.to_string(), "covers": format!("{} - {}", range.start(), range.end())}),
                    );
                }
                Some(next)
            }
            AnswerKind::Data => {
                let rir = ServerStyle::rir_name(&server.host, &answer);
                let file = format!("registry/whois-{rir}-{}.txt", file_ip(ip));
                let has = whois::has_network(&answer, ip);
                network |= has;
                let covers = whois::answer_covers(&answer, ip);
                let entry = json!({
                    "ok": true, "server": server.to_string(), "file": file, "answer": answer,
                    "network": network,
                    "covers": covers.map(|r| format!("{} - {}", r.start(), r.end())),
                });
                ctx.write_file(&file, answer.as_bytes());
                ctx.cache_put("whois", &key, entry);
                if let Some(range) = covers {
                    lock(&ctx.state).whois.insert(range, key.clone());
                }
                // A data answer may still refer onwards (ARIN's ReferralServer to an rwhois).
                whois::referral(&answer, ctx.options.whois_port).filter(|n| n != &server)
            }
            AnswerKind::NotFound => {
                ctx.fail(
                    "whois",
                    &server.to_string(),
                    &key,
                    "no data for the address",
                );
                None
            }
            AnswerKind::Refused(t) => {
                ctx.fail("whois", &server.to_string(), &key, &format!("refused: {t}"));
                None
            }
            AnswerKind::Malformed(t) => {
                ctx.fail(
                    "whois",
                    &server.to_string(),
                    &key,
                    &format!("malformed answer: {t}"),
                );
                None
            }
            AnswerKind::RateLimited(t) => {
                ctx.fail(
                    "whois",
                    &server.to_string(),
                    &key,
                    &format!("rate limited: {t}"),
                );
                None
            }
        };
        match next {
            Some(n) if visited.contains(&n) => {
                ctx.fail(
                    "whois",
                    &n.to_string(),
                    &key,
                    "referral loop: server already asked for this address",
                );
                break;
            }
            Some(n) => server = n,
            None => break,
        }
    }
    if !network && visited.len() >= whois::MAX_REFERRALS {
        ctx.fail("whois", &server.to_string(), &key, "too many referrals");
    }
    if !network && !transient {
        // remember the miss briefly, so a resumed run does not ask again at once
        ctx.cache_put("whois", &key, json!({"ok": false, "network": false}));
    }
    network
}

fn covered_quiet(ctx: &Ctx, ip: IpAddr) -> bool {
    lock(&ctx.state).whois.lookup(ip).is_some()
}

// ---------------------------------------------------------------- RDAP

async fn rdap_address(ctx: &Ctx, ip: IpAddr) {
    let key = ip.to_string();
    if let Some(entry) = ctx.cache.get("rdap", &key, ctx.options.now) {
        ctx.counters.reused.fetch_add(1, Ordering::Relaxed);
        emit_whois(ctx, &entry);
        return;
    }
    let hit = lock(&ctx.state).rdap.lookup(ip);
    if let Some((_, k)) = hit {
        ctx.counters.reused.fetch_add(1, Ordering::Relaxed);
        if let Some(entry) = ctx.cache.get("rdap", &k, ctx.options.now) {
            emit_whois(ctx, &entry);
        }
        return;
    }
    let services = ctx.options.bootstrap.services(ip);
    if services.is_empty() {
        ctx.fail(
            "rdap",
            "-",
            &key,
            "no RDAP service in the bootstrap registry for this address",
        );
        return;
    }
    let mut last = String::new();
    for base in &services {
        let url = ip_query_url(base, ip);
        match rdap_get(ctx, &url, ip).await {
            Ok(Some((handle, key_of_covering, _))) if handle.is_empty() => {
                // covered by a neighbour's answer: written already (or from the cache)
                if let Some(entry) = ctx.cache.get("rdap", &key_of_covering, ctx.options.now) {
                    emit_whois(ctx, &entry);
                }
                return;
            }
            Ok(Some((handle, body, covers))) => {
                let file = format!("rdap/{}.json", super::cache::file_key(&handle));
                ctx.write_file(&file, body.as_bytes());
                let entry = json!({
                    "ok": true, "server": url, "file": file, "answer": body,
                    "covers": covers.map(|r| format!("{} - {}", r.start(), r.end())),
                });
                ctx.cache_put("rdap", &key, entry);
                if let Some(range) = covers {
                    lock(&ctx.state).rdap.insert(range, key.clone());
                }
                return;
            }
            Ok(None) => {
                ctx.fail("rdap", &url, &key, "404: no RDAP object for the address");
                ctx.cache_put("rdap", &key, json!({"ok": false}));
                return;
            }
            Err(e) => {
                last = e;
            }
        }
    }
    ctx.fail(
        "rdap",
        services.first().map_or("-", String::as_str),
        &key,
        &last,
    );
    // A definitive failure is remembered briefly; a rate limit is asked again next run.
    if !last.contains("rate limited") {
        ctx.cache_put("rdap", &key, json!({"ok": false, "error": last}));
    }
}

/// One RDAP query with retries: `Ok(None)` for 404, the handle, body and covered range for a
/// usable answer.
async fn rdap_get(
    ctx: &Ctx,
    url: &str,
    ip: IpAddr,
) -> Result<Option<(String, String, Option<IpRange>)>, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
    let host = parsed.host_str().unwrap_or_default().to_owned();
    if let Ok(lit) = host.trim_matches(['[', ']']).parse::<IpAddr>()
        && !is_allowed(lit, ctx.options.allow_private)
    {
        return Err(format!(
            "{url}: non-public address refused (SSRF protection; --allow-private permits it)"
        ));
    }
    if url::Host::parse(&host).is_ok_and(|h| matches!(h, url::Host::Domain(_))) {
        ctx.host_addrs(&host)
            .await
            .map_err(|e| format!("{url}: {e}"))?;
    }
    let mut last = String::new();
    for _ in 0..ctx.options.max_tries.max(1) {
        let permit = ctx.permit(&host, Protocol::Rdap).await;
        // An answer for a neighbour that came meanwhile may cover this address.
        let hit = lock(&ctx.state).rdap.lookup(ip);
        if let Some((_, k)) = hit {
            ctx.counters.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(Some((String::new(), k, None)));
        }
        ctx.pace(&host, Protocol::Rdap).await;
        ctx.counters.rdap.fetch_add(1, Ordering::Relaxed);
        let sent = ctx
            .http
            .get(parsed.clone())
            .header("Accept", "application/rdap+json, application/json")
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => {
                last = format!("{url}: {}", error_chain(&e));
                let wait = ctx.refused(&host, Protocol::Rdap, None);
                drop(permit);
                sleep(wait).await;
                continue;
            }
        };
        let status = resp.status().as_u16();
        match status {
            200 => {}
            404 => return Ok(None),
            429 | 503 => {
                let ra = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, ctx.options.now.timestamp()));
                last = format!("{url}: HTTP {status} (rate limited)");
                ctx.fail("rdap", url, &ip.to_string(), &last);
                let wait = ctx.refused(&host, Protocol::Rdap, ra);
                drop(permit);
                sleep(wait).await;
                continue;
            }
            s => return Err(format!("{url}: HTTP {s}")),
        }
        let mut resp = resp;
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > crate::rdap::MAX_RDAP_BYTES {
                        return Err(format!(
                            "{url}: answer larger than {} bytes",
                            crate::rdap::MAX_RDAP_BYTES
                        ));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(format!("{url}: reading the answer: {}", error_chain(&e))),
            }
        }
        lock(&ctx.state).politeness.success(&host, Protocol::Rdap);
        let net = crate::rdap::parse_rdap_network(&body, url)
            .map_err(|e| format!("unusable RDAP answer: {e}"))?;
        let handle = net
            .handle
            .clone()
            .unwrap_or_else(|| format!("ip-{}", file_ip(ip)));
        let covers = rdap_covers(&net);
        let text = String::from_utf8(body).map_err(|e| format!("{url}: not UTF-8: {e}"))?;
        if let Some(range) = covers {
            lock(&ctx.state).rdap.insert(range, ip.to_string());
        }
        drop(permit);
        return Ok(Some((handle, text, covers)));
    }
    Err(last)
}

fn leaf_type(t: Option<&str>) -> bool {
    let Some(t) = t else { return false };
    let t = t.to_ascii_lowercase();
    // not "reallocated": its holder reassigns inside it (see `whois::answer_covers`)
    ["assigned", "reassigned", "direct assignment"]
        .iter()
        .any(|l| t.starts_with(l))
}

fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        message.push_str(": ");
        message.push_str(&e.to_string());
        source = e.source();
    }
    message
}

// ---------------------------------------------------------------- security.txt

fn cert_domains(ctx: &Ctx, addresses: &BTreeSet<IpAddr>) {
    let dir = ctx.out.join("certs");
    let Ok(read) = fs::read_dir(&dir) else { return };
    let trust = TrustStore::empty();
    for item in read.flatten() {
        let path = item.path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let ip_text = stem.rsplit_once('_').map_or(stem, |(a, b)| {
            if b.chars().all(|c| c.is_ascii_digit()) && !a.is_empty() {
                a
            } else {
                stem
            }
        });
        let Ok(ip) = ip_text
            .replace('_', ":")
            .parse::<IpAddr>()
            .or_else(|_| ip_text.parse())
        else {
            continue;
        };
        if !addresses.contains(&ip) {
            continue;
        }
        let Ok(bytes) = fs::read(&path) else { continue };
        let Ok(a) = cert::analyze_cert(&bytes, stem, &trust, ctx.options.now) else {
            continue;
        };
        if a.registrable_domains.len() > MAX_CERT_DOMAINS
            || a.is(CertClass::SharedOrCdn)
            || a.is(CertClass::DeviceDefault)
        {
            continue;
        }
        let mut state = lock(&ctx.state);
        for d in a.registrable_domains {
            state.domains.insert(d);
        }
    }
}

async fn security_txt(ctx: &Arc<Ctx>, domains: &[String]) {
    use securitytxt::fetch::{FetchOptions, Fetcher};
    let mut todo = Vec::new();
    for d in domains {
        if let Some(entry) = ctx.cache.get("securitytxt", d, ctx.options.now) {
            ctx.counters.reused.fetch_add(1, Ordering::Relaxed);
            if let Some(body) = entry.get("body").and_then(Value::as_str) {
                ctx.write_file(
                    &format!("securitytxt/{}.txt", super::cache::file_key(d)),
                    body.as_bytes(),
                );
            }
        } else {
            todo.push(d.clone());
        }
    }
    if todo.is_empty() {
        return;
    }
    let mut builder = FetchOptions::builder()
        .user_agent(ctx.options.user_agent.clone())
        .allow_private_addresses(ctx.options.allow_private)
        .total_timeout(ctx.options.timeouts.https)
        .connect_timeout(ctx.options.timeouts.connect);
    for der in &ctx.options.extra_roots_der {
        builder = builder.add_root_der(der.clone());
    }
    let mut resolved = Vec::new();
    for d in &todo {
        match ctx.host_addrs(d).await {
            Ok(addrs) => {
                for a in addrs {
                    builder =
                        builder.resolve(d.clone(), SocketAddr::new(a, ctx.options.https_port));
                }
                resolved.push(d.clone());
            }
            Err(e) => {
                ctx.fail("securitytxt", d, d, &e);
                ctx.cache_put("securitytxt", d, json!({"ok": false, "error": e}));
            }
        }
    }
    let fetch_options = builder.build();
    let fetcher = match Fetcher::new(fetch_options.clone()) {
        Ok(f) => f,
        Err(e) => {
            ctx.fail("securitytxt", "-", "-", &format!("fetcher set-up: {e}"));
            return;
        }
    };
    let mut tasks = tokio::task::JoinSet::new();
    let gate = Arc::new(Semaphore::new(ctx.options.concurrency.max(1)));
    for d in resolved {
        let Ok(permit) = gate.clone().acquire_owned().await else {
            break;
        };
        let ctx = ctx.clone();
        let fetcher = fetcher.clone();
        let fetch_options = fetch_options.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let _slot = ctx.slot(&d, Protocol::Https).await;
            ctx.counters.https.fetch_add(1, Ordering::Relaxed);
            let mut fetched = fetcher.fetch(&d).await;
            // A redirect to a host the fetcher could not resolve: resolve it through the
            // collection's DNS and fetch once more.
            let unresolved = fetched.body.is_none().then(|| {
                fetched.diagnostics.iter().find_map(|x| {
                    (x.code == securitytxt::fetch::FetchCode::DnsFailure)
                        .then(|| x.message.split(" does not resolve").next())
                        .flatten()
                        .map(str::to_owned)
                })
            });
            if let Some(Some(host)) = unresolved
                && host != d
                && let Ok(addrs) = ctx.host_addrs(&host).await
            {
                let mut o = fetch_options;
                for a in addrs {
                    o.resolve_overrides
                        .push((host.clone(), SocketAddr::new(a, ctx.options.https_port)));
                }
                if let Ok(f) = Fetcher::new(o) {
                    ctx.counters.https.fetch_add(1, Ordering::Relaxed);
                    fetched = f.fetch(&d).await;
                }
            }
            match &fetched.body {
                Some(body) => {
                    let text = String::from_utf8_lossy(body).into_owned();
                    ctx.write_file(&format!("securitytxt/{}.txt", super::cache::file_key(&d)), text.as_bytes());
                    ctx.cache_put("securitytxt", &d, json!({"ok": true, "body": text, "url": fetched.final_url().map(|u| u.to_string())}));
                }
                None => {
                    let why = fetched
                        .diagnostics
                        .iter()
                        .rfind(|x| x.code.is_error())
                        .map_or_else(|| "no file".to_owned(), |x| format!("{}: {}", x.code.as_str(), x.message));
                    ctx.fail("securitytxt", &d, &d, &why);
                    // a missing file is an answer; a failed connection is retried next run
                    ctx.cache_put("securitytxt", &d, json!({"ok": why.starts_with("http_status"), "body": null, "error": why}));
                }
            }
        });
    }
    while let Some(res) = tasks.join_next().await {
        join_failure(ctx, res);
    }
}

// ---------------------------------------------------------------- TLS probe

async fn tls_probe(ctx: &Arc<Ctx>, endpoints: &BTreeSet<(IpAddr, u16)>) {
    for &(ip, port) in endpoints {
        let rel = format!("certs/{}_{port}.pem", file_ip(ip));
        let plain = format!("certs/{}.pem", file_ip(ip));
        if ctx.out.join(&rel).exists() || ctx.out.join(&plain).exists() {
            continue;
        }
        let key = format!("{ip}_{port}");
        if let Some(entry) = ctx.cache.get("tls", &key, ctx.options.now) {
            ctx.counters.reused.fetch_add(1, Ordering::Relaxed);
            if let Some(pem) = entry.get("pem").and_then(Value::as_str) {
                ctx.write_file(&rel, pem.as_bytes());
            }
            continue;
        }
        if !is_allowed(ip, ctx.options.allow_private) {
            ctx.fail(
                "tls",
                &key,
                &key,
                "non-public address refused (--allow-private permits it)",
            );
            continue;
        }
        let _slot = ctx.slot(&ip.to_string(), Protocol::Https).await;
        ctx.counters.tls.fetch_add(1, Ordering::Relaxed);
        match timeout(
            ctx.options.timeouts.https,
            super::probe::chain(ip, port, ctx.options.timeouts.connect),
        )
        .await
        {
            Ok(Ok(pem)) => {
                ctx.write_file(&rel, pem.as_bytes());
                ctx.cache_put("tls", &key, json!({"ok": true, "pem": pem}));
            }
            Ok(Err(e)) => {
                ctx.fail("tls", &key, &key, &e);
                ctx.cache_put("tls", &key, json!({"ok": false, "error": e}));
            }
            Err(_) => ctx.fail("tls", &key, &key, "timeout"),
        }
    }
}

// ---------------------------------------------------------------- output

fn finish(ctx: &Ctx, log_tmp: &Path, rdns_tmp: &Path) -> Result<(), Error> {
    lock(&ctx.log).flush().map_err(|e| io_error(log_tmp, e))?;
    lock(&ctx.rdns).flush().map_err(|e| io_error(rdns_tmp, e))?;
    let log = ctx.out.join("collect-log.jsonl");
    fs::rename(log_tmp, &log).map_err(|e| io_error(&log, e))?;
    // rdns.jsonl: what the folder held, then the new records not in it.
    let rdns = ctx.out.join("rdns.jsonl");
    let merged_tmp = ctx.out.join(".rdns.jsonl.tmp");
    {
        let mut out =
            BufWriter::new(fs::File::create(&merged_tmp).map_err(|e| io_error(&merged_tmp, e))?);
        let mut seen: HashSet<(String, String, String)> = HashSet::new();
        let key = |line: &str| -> Option<(String, String, String)> {
            let v: Value = serde_json::from_str(line).ok()?;
            Some((
                v.get("name")?.as_str()?.to_ascii_lowercase(),
                v.get("type")?.as_str()?.to_ascii_lowercase(),
                v.get("value")?.as_str()?.to_ascii_lowercase(),
            ))
        };
        for source in [&rdns, &rdns_tmp.to_path_buf()] {
            let Ok(f) = fs::File::open(source) else {
                continue;
            };
            for line in BufReader::new(f).lines() {
                let line = line.map_err(|e| io_error(source, e))?;
                if line.trim().is_empty() {
                    continue;
                }
                if let Some(k) = key(&line)
                    && !seen.insert(k)
                {
                    continue;
                }
                writeln!(out, "{line}").map_err(|e| io_error(&merged_tmp, e))?;
            }
        }
        out.flush().map_err(|e| io_error(&merged_tmp, e))?;
    }
    fs::rename(&merged_tmp, &rdns).map_err(|e| io_error(&rdns, e))?;
    let _ = fs::remove_file(rdns_tmp);
    Ok(())
}
