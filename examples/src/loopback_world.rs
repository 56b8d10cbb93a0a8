//! A whole test world served on 127.0.0.1: DNS, WHOIS (an IANA-style root and one server per
//! registry), RDAP (HTTP and HTTPS) and HTTPS security.txt, built from an evidence snapshot in
//! the daily-run layout, so that `collect` can gather a snapshot from live servers and the
//! daily run can decide from it (feature `loopback`).
//!
//! [`World::load`] reads the snapshot folder; [`serve`] starts every server on loopback
//! addresses with ephemeral ports (or given ones) and returns a [`RunningWorld`] whose
//! [`RunningWorld::collect_args`] are the exact `collect` flags to use. What is served:
//!
//! - **DNS** (UDP and TCP, hickory-server): PTR (`in-addr.arpa`/`ip6.arpa`) and A/AAAA from
//!   `rdns.jsonl`; A records pointing the WHOIS and RDAP server names and every security.txt
//!   domain (`securitytxt/<domain>.txt`) at the loopback address serving them (after the
//!   world's own records for that name, if it has any).
//! - **WHOIS**: an IANA-style root (`whois.iana.org`) that answers `refer:` with the registry
//!   holding the widest non-placeholder range covering the address; one server per registry
//!   named by the registry files (`ripe.*.db[.gz]`, `lacnic.db`, `whois-<rir>-<ip>.txt`):
//!   RIPE style (`-L` for the less specifics, the referenced organisation/role/person/irt
//!   objects, the most specific route, the `% Abuse contact for 'RANGE' is 'ADDR'` comment
//!   when the range resolves an abuse mailbox by itself or a saved answer gave one), ARIN
//!   style (`n + <ip>`: the `# start`/`# end` sections of the saved ARIN answers that cover
//!   the address, least specific first), LACNIC style (the most specific `inetnum` and its
//!   persons). Servers use the real registry host names (`whois.ripe.net`...), which only the
//!   world's DNS resolves to loopback. When the host can bind several loopback addresses
//!   (Linux: all of 127.0.0.0/8) every WHOIS server listens on its own address with one
//!   shared port and the root refers without a port (`collect --whois-port`); otherwise each
//!   has its own port and the root refers `host:port`.
//! - **RDAP**: `/ip/<addr>` and `/ip/<addr>/<len>` answer the most specific `rdap/*.json`
//!   whose range holds the key, 404 otherwise, over HTTP and HTTPS; an RFC 9224 bootstrap
//!   folder (`ipv4.json`, `ipv6.json`) is written pointing every RDAP range at it.
//! - **security.txt** over HTTPS at `https://<domain>:<port>/.well-known/security.txt`,
//!   `text/plain; charset=utf-8`, or a same-host redirect when [`WorldOptions::redirect_securitytxt`]
//!   is set.
//! - A test CA (rcgen) signs one server certificate for every HTTPS name; its PEM is written
//!   out for `collect --ca`.
//!
//! The DNS server counts its queries and honours the silent and slow faults; it has no rate
//! limit. Every server counts the queries it receives ([`RunningWorld::counts`]); [`WorldOptions`]
//! sets per-server rate limits (answered as the registries do: RIPE `%ERROR:201: access
//! denied`, ARIN/LACNIC limit texts, HTTP 429 with `Retry-After`) and faults (silent, slow,
//! malformed, oversized) and a WHOIS referral loop. Servers are named by label:
//! `dns`, `whois-iana`, `whois-<rir>` (`whois-ripe`, `whois-arin`, `whois-lacnic`...),
//! `rdap`, `securitytxt`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ip_attribution::IpRange;
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

mod dns_server;
mod http_server;
pub mod registry_answers;
pub mod serve_world;
mod whois_server;

use dns_server::ZoneRecord;
use registry_answers::{Delegations, RegistryDatabase, WhoisStyle};

/// Everything that can go wrong loading or serving a world.
#[derive(Debug)]
#[non_exhaustive]
pub enum WorldError {
    /// A file or folder could not be read or written.
    Io {
        /// The path.
        path: String,
        /// What failed.
        message: String,
    },
    /// A socket could not be bound.
    Bind {
        /// The address asked for.
        addr: String,
        /// What failed.
        message: String,
    },
    /// The DNS zone could not be built.
    Dns(String),
    /// The test CA or a TLS configuration could not be made.
    Tls(String),
    /// An option is unusable.
    Option(String),
}

impl fmt::Display for WorldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, message } => write!(f, "{path}: {message}"),
            Self::Bind { addr, message } => write!(f, "cannot listen on {addr}: {message}"),
            Self::Dns(m) => write!(f, "DNS zone: {m}"),
            Self::Tls(m) => write!(f, "test CA: {m}"),
            Self::Option(m) => write!(f, "option: {m}"),
        }
    }
}

impl std::error::Error for WorldError {}

/// `raw` itself, or its decompressed content when it starts with the gzip magic (`1f 8b`; a
/// multi-member file is read whole), as the registry reader takes a dump.
fn gunzip_if_gzip(raw: Vec<u8>) -> std::io::Result<Vec<u8>> {
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return Ok(raw);
    }
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&raw[..]), &mut out)?;
    Ok(out)
}

fn io_err(path: &Path, e: impl fmt::Display) -> WorldError {
    WorldError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// How a server misbehaves, for tests of the collector's fault handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Accepts the query and never answers (the connection stays open).
    Silent,
    /// Answers after this delay.
    Slow(Duration),
    /// Answers garbage: binary bytes, broken objects, an over-long line; broken JSON for RDAP.
    Malformed,
    /// Answers at least this many bytes (padding after or instead of the answer).
    Oversized(usize),
}

/// At most `queries` queries per `window` per server; more are refused the registry's way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Queries allowed per window.
    pub queries: u32,
    /// The window.
    pub window: Duration,
}

impl RateLimit {
    /// `queries` per `window`.
    pub fn new(queries: u32, window: Duration) -> Self {
        Self { queries, window }
    }
}

/// Where the world listens and how it misbehaves.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct WorldOptions {
    /// Rate limits by server label (`whois-ripe`, `rdap`...).
    pub rate_limits: BTreeMap<String, RateLimit>,
    /// Faults by server label.
    pub faults: BTreeMap<String, Fault>,
    /// The IANA root refers every address to ARIN, and ARIN answers with a `ReferralServer:`
    /// back to the root: a referral loop.
    pub referral_loop: bool,
    /// The IANA root refers every address to ARIN (as the old default server), and ARIN
    /// answers for ranges it does not hold with a `ReferralServer: whois://host[:port]` line
    /// to the registry that does.
    pub arin_first: bool,
    /// security.txt's well-known path answers a redirect (301) to `/policies/security.txt` on
    /// the same host.
    pub redirect_securitytxt: bool,
    /// RDAP answers `/ip/...` with a redirect (302) to `/registry/ip/...` on the same host.
    pub redirect_rdap: bool,
    /// The bootstrap files point at RDAP over plain HTTP instead of HTTPS.
    pub rdap_over_http: bool,
    /// Fixed ports (0 or absent: ephemeral).
    pub ports: Ports,
}

/// Fixed ports for the servers; 0 means an ephemeral port.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Ports {
    /// DNS, UDP and TCP.
    pub dns: u16,
    /// Every WHOIS server (when they can share a port on distinct loopback addresses).
    pub whois: u16,
    /// RDAP over HTTP.
    pub rdap_http: u16,
    /// HTTPS: RDAP and security.txt.
    pub https: u16,
}

/// What one server was asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerCount {
    /// Queries received (refused ones included).
    pub queries: u64,
    /// Queries refused for going over the rate limit.
    pub refused: u64,
}

/// Whether a query is answered or refused by the rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Admission {
    Answer,
    Limited,
}

/// One server's counters, rate limit and fault.
#[derive(Debug)]
struct ServerState {
    label: String,
    queries: AtomicU64,
    refused: AtomicU64,
    limit: Option<RateLimit>,
    window: Mutex<(Instant, u32)>,
    fault: Option<Fault>,
}

impl ServerState {
    fn new(label: &str, options: &WorldOptions) -> Arc<Self> {
        Arc::new(Self {
            label: label.to_owned(),
            queries: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            limit: options.rate_limits.get(label).copied(),
            window: Mutex::new((Instant::now(), 0)),
            fault: options.faults.get(label).copied(),
        })
    }

    /// Counts one query and says whether the rate limit lets it through.
    fn admit(&self) -> Admission {
        self.queries.fetch_add(1, Ordering::Relaxed);
        let Some(limit) = self.limit else {
            return Admission::Answer;
        };
        let Ok(mut w) = self.window.lock() else {
            return Admission::Answer;
        };
        let now = Instant::now();
        if now.duration_since(w.0) >= limit.window {
            *w = (now, 0);
        }
        if w.1 >= limit.queries {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return Admission::Limited;
        }
        w.1 += 1;
        Admission::Answer
    }

    fn count(&self) -> ServerCount {
        ServerCount {
            queries: self.queries.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
        }
    }
}

/// A world loaded from a snapshot folder, ready to serve.
#[derive(Debug, Default)]
pub struct World {
    registries: BTreeMap<String, RegistryDatabase>,
    zone: Vec<ZoneRecord>,
    rdap: Vec<(IpRange, Vec<u8>)>,
    securitytxt: BTreeMap<String, Vec<u8>>,
    problems: Vec<String>,
}

/// The registry a registry file belongs to: `whois-<rir>-<ip>.txt` or `<rir>.<anything>`.
fn registry_of(file: &str) -> String {
    let lower = file.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("whois-")
        && let Some((rir, _)) = rest.split_once('-')
    {
        return rir.to_owned();
    }
    lower.split('.').next().unwrap_or("ripe").to_owned()
}

/// Each line UTF-8 when valid, Latin-1 otherwise (registry dumps mix both), as the RPSL reader
/// decodes values; served as UTF-8.
fn decode(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let bytes = e.into_bytes();
            let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
            for line in bytes.split_inclusive(|&b| b == b'\n') {
                match std::str::from_utf8(line) {
                    Ok(l) => out.push_str(l),
                    Err(_) => out.extend(line.iter().map(|&b| char::from(b))),
                }
            }
            out
        }
    }
}

fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

impl World {
    /// Loads the snapshot folder `dir` (daily-run layout; every part optional). Unusable
    /// files and records are listed in [`World::problems`], never fatal.
    ///
    /// # Errors
    /// [`WorldError::Io`] when `dir` is not a readable folder.
    pub fn load(dir: &Path) -> Result<Self, WorldError> {
        fs::read_dir(dir).map_err(|e| io_err(dir, e))?;
        let mut world = Self::default();
        for path in sorted_files(&dir.join("registry")) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = match fs::read(&path).and_then(gunzip_if_gzip) {
                Ok(b) => b,
                Err(e) => {
                    world.problems.push(format!("{}: {e}", path.display()));
                    continue;
                }
            };
            world
                .registries
                .entry(registry_of(&name))
                .or_default()
                .add_file(&name, &decode(bytes));
        }
        for db in world.registries.values_mut() {
            db.finish();
        }
        for path in sorted_files(&dir.join("rdap")) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let parsed = fs::read(&path).map_err(|e| e.to_string()).and_then(|b| {
                let net =
                    ip_attribution::parse_rdap_network(&b, &name).map_err(|e| e.to_string())?;
                let range = match (net.start_address, net.end_address) {
                    (Some(s), Some(e)) => IpRange::new(s, e),
                    _ => None,
                }
                .ok_or_else(|| format!("{name}: no usable startAddress/endAddress"))?;
                Ok((range, b))
            });
            match parsed {
                Ok(r) => world.rdap.push(r),
                Err(e) => world.problems.push(e),
            }
        }
        for path in sorted_files(&dir.join("securitytxt")) {
            let Some(domain) = path
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .and_then(|n| n.strip_suffix(".txt").map(str::to_owned))
            else {
                continue;
            };
            match fs::read(&path) {
                Ok(b) => {
                    world.securitytxt.insert(domain, b);
                }
                Err(e) => world.problems.push(format!("{}: {e}", path.display())),
            }
        }
        let rdns = dir.join("rdns.jsonl");
        if rdns.is_file() {
            let text = fs::read(&rdns).map_err(|e| io_err(&rdns, e))?;
            for (i, line) in text.split(|&b| b == b'\n').enumerate() {
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let Ok(v) = serde_json::from_slice::<serde_json::Value>(line) else {
                    world
                        .problems
                        .push(format!("rdns.jsonl:{}: not a JSON object", i + 1));
                    continue;
                };
                let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::trim);
                let (Some(name), Some(kind), Some(value)) =
                    (field("name"), field("type"), field("value"))
                else {
                    world
                        .problems
                        .push(format!("rdns.jsonl:{}: name, type or value missing", i + 1));
                    continue;
                };
                let record = match kind.to_ascii_lowercase().as_str() {
                    "ptr" => name
                        .parse::<IpAddr>()
                        .ok()
                        .map(|ip| ZoneRecord::Ptr(ip, value.to_owned())),
                    "a" | "aaaa" => value
                        .parse::<IpAddr>()
                        .ok()
                        .map(|ip| ZoneRecord::Address(name.to_ascii_lowercase(), ip)),
                    _ => None,
                };
                match record {
                    Some(r) => world.zone.push(r),
                    None => world
                        .problems
                        .push(format!("rdns.jsonl:{}: unusable {kind} record", i + 1)),
                }
            }
        }
        Ok(world)
    }

    /// Problems met while loading (unreadable files, unusable records), one line each.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// The registries the world holds (`ripe`, `arin`, `lacnic`...).
    pub fn registries(&self) -> impl Iterator<Item = &str> {
        self.registries.keys().map(String::as_str)
    }

    /// The security.txt domains the world serves.
    pub fn securitytxt_domains(&self) -> impl Iterator<Item = &str> {
        self.securitytxt.keys().map(String::as_str)
    }
}

/// The WHOIS host name of a registry.
pub fn whois_host(rir: &str) -> String {
    match rir {
        "iana" => "whois.iana.org".to_owned(),
        "ripe" | "arin" | "lacnic" | "apnic" | "afrinic" => format!("whois.{rir}.net"),
        other => format!("whois.{other}.test"),
    }
}

/// The RDAP server's host name.
pub const RDAP_HOST: &str = "rdap.world.test";

/// A world being served. Dropping it stops every server.
#[derive(Debug)]
pub struct RunningWorld {
    /// The DNS server (UDP and TCP).
    pub dns: SocketAddr,
    /// The WHOIS root, `host:port` (the host resolves through [`RunningWorld::dns`]).
    pub whois_root: String,
    /// The port referral hosts without a port use, when WHOIS servers share one.
    pub whois_port: Option<u16>,
    /// Every WHOIS server: label → address.
    pub whois_servers: BTreeMap<String, SocketAddr>,
    /// RDAP over plain HTTP.
    pub rdap_http: SocketAddr,
    /// HTTPS (RDAP and security.txt).
    pub https: SocketAddr,
    /// The RFC 9224 bootstrap folder written out.
    pub rdap_bootstrap: PathBuf,
    /// The test CA's certificate, PEM, written out.
    pub ca_pem: PathBuf,
    /// Problems met building the DNS zone.
    pub problems: Vec<String>,
    states: Vec<Arc<ServerState>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for RunningWorld {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl RunningWorld {
    /// The `collect` flags that point it at this world (without `--feed`/`--out`).
    pub fn collect_args(&self) -> Vec<String> {
        let mut args = vec![
            "--dns".to_owned(),
            self.dns.to_string(),
            "--whois-root".to_owned(),
            self.whois_root.clone(),
        ];
        if let Some(p) = self.whois_port {
            args.extend(["--whois-port".to_owned(), p.to_string()]);
        }
        args.extend([
            "--rdap-bootstrap".to_owned(),
            self.rdap_bootstrap.display().to_string(),
            "--ca".to_owned(),
            self.ca_pem.display().to_string(),
            "--https-port".to_owned(),
            self.https.port().to_string(),
            "--allow-private".to_owned(),
        ]);
        args
    }

    /// What each server was asked, by label.
    pub fn counts(&self) -> BTreeMap<String, ServerCount> {
        self.states
            .iter()
            .map(|s| (s.label.clone(), s.count()))
            .collect()
    }

    /// Queries received by every server together.
    pub fn total_queries(&self) -> u64 {
        self.states.iter().map(|s| s.count().queries).sum()
    }

    /// Sets every counter back to zero (between two collection runs).
    pub fn reset_counts(&self) {
        for s in &self.states {
            s.queries.store(0, Ordering::Relaxed);
            s.refused.store(0, Ordering::Relaxed);
        }
    }
}

async fn bind_tcp(addr: SocketAddr) -> Result<TcpListener, WorldError> {
    TcpListener::bind(addr).await.map_err(|e| WorldError::Bind {
        addr: addr.to_string(),
        message: e.to_string(),
    })
}

/// Binds one TCP listener per label, on distinct loopback addresses sharing one port when the
/// host allows it, else on 127.0.0.1 with a port each. Returns the listeners and whether the
/// port is shared.
async fn bind_whois(labels: &[String], port: u16) -> Result<(Vec<TcpListener>, bool), WorldError> {
    'attempt: for _ in 0..8 {
        let mut out = Vec::new();
        let mut shared = port;
        for (i, _) in labels.iter().enumerate() {
            let octet = u8::try_from(i + 2).unwrap_or(254);
            let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, octet)), shared);
            match TcpListener::bind(addr).await {
                Ok(l) => {
                    if shared == 0 {
                        shared = l.local_addr().map(|a| a.port()).unwrap_or(0);
                    }
                    out.push(l);
                }
                // This host cannot bind 127.0.0.x: one port per server on 127.0.0.1.
                Err(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable => break 'attempt,
                // The ephemeral port of the first is taken on another address: try another.
                Err(_) if port == 0 => continue 'attempt,
                Err(e) => {
                    return Err(WorldError::Bind {
                        addr: addr.to_string(),
                        message: e.to_string(),
                    });
                }
            }
        }
        return Ok((out, true));
    }
    let mut out = Vec::new();
    for (i, _) in labels.iter().enumerate() {
        // The root keeps the asked port; the registries' servers get ephemeral ones.
        let p = if i == 0 { port } else { 0 };
        out.push(bind_tcp(SocketAddr::from((Ipv4Addr::LOCALHOST, p))).await?);
    }
    Ok((out, false))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WorldError> {
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, bytes).map_err(|e| io_err(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| io_err(path, e))
}

/// Starts every server of `world` on loopback in the current tokio runtime, writing the test
/// CA (`ca.pem`) and the RDAP bootstrap folder (`rdap-bootstrap/`) into `out_dir`.
///
/// # Errors
/// [`WorldError`] when a socket cannot be bound, `out_dir` cannot be written or the test CA
/// cannot be made.
pub async fn serve(
    world: World,
    options: &WorldOptions,
    out_dir: &Path,
) -> Result<RunningWorld, WorldError> {
    let world = Arc::new(world);
    fs::create_dir_all(out_dir).map_err(|e| io_err(out_dir, e))?;
    let mut states = Vec::new();
    let mut tasks: Vec<JoinHandle<()>> = Vec::new();

    // WHOIS: the root first, then one server per registry.
    let mut labels = vec!["whois-iana".to_owned()];
    let mut rirs: Vec<String> = world.registries.keys().cloned().collect();
    if (options.arin_first || options.referral_loop) && !rirs.iter().any(|r| r == "arin") {
        rirs.push("arin".to_owned());
    }
    labels.extend(rirs.iter().map(|r| format!("whois-{r}")));
    let (listeners, shared_port) = bind_whois(&labels, options.ports.whois).await?;
    let mut whois_servers = BTreeMap::new();
    let mut host_addrs: Vec<(String, IpAddr)> = Vec::new();
    let mut refer_target: BTreeMap<String, String> = BTreeMap::new();
    for (label, l) in labels.iter().zip(&listeners) {
        let addr = l.local_addr().map_err(|e| WorldError::Bind {
            addr: label.clone(),
            message: e.to_string(),
        })?;
        whois_servers.insert(label.clone(), addr);
        let rir = label.trim_start_matches("whois-");
        let host = whois_host(rir);
        host_addrs.push((host.clone(), addr.ip()));
        refer_target.insert(
            rir.to_owned(),
            if shared_port {
                host
            } else {
                format!("{host}:{}", addr.port())
            },
        );
    }
    let root_target = refer_target.get("iana").cloned().unwrap_or_default();
    let extra: Vec<(IpRange, String)> = world
        .rdap
        .iter()
        .filter(|_| world.registries.contains_key("arin"))
        .map(|(r, _)| (*r, "arin".to_owned()))
        .collect();
    let delegations = Arc::new(Delegations::new(&world.registries, &extra));
    for (label, listener) in labels.iter().zip(listeners) {
        let state = ServerState::new(label, options);
        states.push(state.clone());
        let rir = label.trim_start_matches("whois-").to_owned();
        let answer: whois_server::Answerer = if rir == "iana" {
            let delegations = delegations.clone();
            let targets = refer_target.clone();
            let loop_to_arin = options.referral_loop || options.arin_first;
            Arc::new(move |q: &str| {
                let refer = |r: &str| {
                    let r = if loop_to_arin { "arin" } else { r };
                    targets.get(r).cloned().unwrap_or_else(|| whois_host(r))
                };
                registry_answers::iana_answer(&delegations, q, &refer)
            })
        } else {
            let world = world.clone();
            let loop_back = options.referral_loop;
            let arin_first = options.arin_first;
            let root = root_target.clone();
            let targets = refer_target.clone();
            let delegations = delegations.clone();
            let source = rir.to_ascii_uppercase();
            let empty = RegistryDatabase::default();
            Arc::new(move |q: &str| {
                let db = world.registries.get(&rir).unwrap_or(&empty);
                if rir == "arin" && (loop_back || arin_first) {
                    let key = q.split_whitespace().next_back().unwrap_or("");
                    let elsewhere = key
                        .parse::<IpAddr>()
                        .ok()
                        .and_then(|ip| delegations.registry_for(ip))
                        .filter(|(_, r)| *r != "arin");
                    let referral = if loop_back {
                        Some((IpRange::parse(key), root.clone()))
                    } else {
                        elsewhere.map(|(range, r)| {
                            (
                                Some(*range),
                                targets.get(r).cloned().unwrap_or_else(|| whois_host(r)),
                            )
                        })
                    };
                    if let Some((range, server)) = referral {
                        return registry_answers::arin_referral(range, &server);
                    }
                }
                match WhoisStyle::of_registry(&rir) {
                    WhoisStyle::Arin => db.arin_answer(q),
                    WhoisStyle::Lacnic => db.lacnic_answer(q),
                    _ => db.ripe_answer(q, &source),
                }
            })
        };
        tasks.push(tokio::spawn(whois_server::serve(listener, state, answer)));
    }
    let whois_port = shared_port.then(|| {
        whois_servers
            .values()
            .next()
            .map(|a| a.port())
            .unwrap_or_default()
    });
    let whois_root = match whois_servers.get("whois-iana") {
        Some(a) => format!("{}:{}", whois_host("iana"), a.port()),
        None => whois_host("iana"),
    };

    // HTTP(S): RDAP and security.txt.
    let rdap_state = ServerState::new("rdap", options);
    let securitytxt_state = ServerState::new("securitytxt", options);
    states.push(rdap_state.clone());
    states.push(securitytxt_state.clone());
    let mut tls_names = vec![RDAP_HOST.to_owned()];
    tls_names.extend(world.securitytxt.keys().cloned());
    let ca = http_server::test_ca(&tls_names)?;
    let ca_pem = out_dir.join("ca.pem");
    write_file(&ca_pem, ca.ca_pem.as_bytes())?;
    let site = Arc::new(http_server::Site {
        rdap_host: RDAP_HOST.to_owned(),
        rdap: world.rdap.clone(),
        securitytxt: world.securitytxt.clone(),
        redirect_securitytxt: options.redirect_securitytxt,
        redirect_rdap: options.redirect_rdap,
        rdap_state,
        securitytxt_state,
    });
    let http = bind_tcp(SocketAddr::from((
        Ipv4Addr::LOCALHOST,
        options.ports.rdap_http,
    )))
    .await?;
    let https = bind_tcp(SocketAddr::from((Ipv4Addr::LOCALHOST, options.ports.https))).await?;
    let rdap_http = http.local_addr().map_err(|e| io_err(out_dir, e))?;
    let https_addr = https.local_addr().map_err(|e| io_err(out_dir, e))?;
    tasks.push(tokio::spawn(http_server::serve_http(http, site.clone())));
    tasks.push(tokio::spawn(http_server::serve_https(
        https,
        site,
        ca.acceptor,
    )));

    // RDAP bootstrap (RFC 9224).
    let bootstrap = out_dir.join("rdap-bootstrap");
    fs::create_dir_all(&bootstrap).map_err(|e| io_err(&bootstrap, e))?;
    let url = if options.rdap_over_http {
        format!("http://{RDAP_HOST}:{}/", rdap_http.port())
    } else {
        format!("https://{RDAP_HOST}:{}/", https_addr.port())
    };
    for (file, v4) in [("ipv4.json", true), ("ipv6.json", false)] {
        let cidrs: BTreeSet<String> = world
            .rdap
            .iter()
            .filter(|(r, _)| r.is_ipv4() == v4)
            .flat_map(|(r, _)| r.cidrs())
            .map(|n| n.to_string())
            .collect();
        let services = if cidrs.is_empty() {
            serde_json::json!([])
        } else {
            serde_json::json!([[cidrs, [url.clone()]]])
        };
        let doc = serde_json::json!({
            "description": format!("RDAP bootstrap file for IPv{} address allocations (loopback world)", if v4 { 4 } else { 6 }),
            "publication": "2026-11-22T00:00:00Z",
            "services": services,
            "version": "1.0",
        });
        let text = serde_json::to_string_pretty(&doc).map_err(|e| io_err(&bootstrap, e))?;
        write_file(&bootstrap.join(file), text.as_bytes())?;
    }

    // DNS: the world's records, then the servers' names.
    let mut records = world.zone.clone();
    for (host, ip) in &host_addrs {
        records.push(ZoneRecord::Address(host.clone(), *ip));
    }
    records.push(ZoneRecord::Address(RDAP_HOST.to_owned(), https_addr.ip()));
    for domain in world.securitytxt.keys() {
        records.push(ZoneRecord::Address(domain.clone(), https_addr.ip()));
    }
    let dns_state = ServerState::new("dns", options);
    states.push(dns_state.clone());
    let (udp, tcp, dns_addr) = bind_dns(options.ports.dns).await?;
    let (server, problems) = dns_server::start(&records, dns_state, udp, tcp)?;
    tasks.push(tokio::spawn(async move {
        let mut server = server;
        let _ = server.block_until_done().await;
    }));

    Ok(RunningWorld {
        dns: dns_addr,
        whois_root,
        whois_port,
        whois_servers,
        rdap_http,
        https: https_addr,
        rdap_bootstrap: bootstrap,
        ca_pem,
        problems,
        states,
        tasks,
    })
}

/// Binds UDP and TCP on the same loopback port.
async fn bind_dns(port: u16) -> Result<(UdpSocket, TcpListener, SocketAddr), WorldError> {
    for _ in 0..16 {
        let udp = UdpSocket::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await
            .map_err(|e| WorldError::Bind {
                addr: format!("127.0.0.1:{port}/udp"),
                message: e.to_string(),
            })?;
        let addr = udp.local_addr().map_err(|e| WorldError::Bind {
            addr: "dns".to_owned(),
            message: e.to_string(),
        })?;
        match TcpListener::bind(addr).await {
            Ok(tcp) => return Ok((udp, tcp, addr)),
            Err(e) if port != 0 => {
                return Err(WorldError::Bind {
                    addr: format!("{addr}/tcp"),
                    message: e.to_string(),
                });
            }
            Err(_) => continue,
        }
    }
    Err(WorldError::Bind {
        addr: "127.0.0.1:0".to_owned(),
        message: "no port free for both UDP and TCP".to_owned(),
    })
}
