//! The `collect` program: a day's feeds in, an evidence snapshot out (DNS, WHOIS, RDAP,
//! security.txt and, opt-in, TLS certificates collected politely from the network), ready for
//! `daily-run --snapshot`.
//!
//! ```text
//! collect --feed FILE... --out SNAPSHOT [--dns ADDR:PORT] [--whois-root HOST[:PORT]] [--whois-port N]
//!         [--rdap-bootstrap DIR] [--ca FILE.pem] [--allow-private] [--cache DIR] [--tls-probe]
//!         [--https-port N] [--now RFC3339]
//! ```
//!
//! Exit status: 0 when the run finished (failed queries are logged in
//! `SNAPSHOT/collect-log.jsonl`, not fatal); 2 for unusable arguments; 3 for an unreadable feed,
//! bootstrap directory or CA file, an output folder that cannot be written, or a resolver/TLS
//! set-up failure.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::Parser;
use ip_attribution::collect::bootstrap::Bootstrap;
use ip_attribution::collect::politeness::ServerLimit;
use ip_attribution::collect::whois::Server;
use ip_attribution::collect::{CollectOptions, CollectReport, collect};

/// Collect a day's evidence from the network into a snapshot folder for `daily-run`.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "collect",
    version,
    about = "Collect a day's evidence (DNS, WHOIS, RDAP, security.txt, opt-in TLS certificates) from the network into a snapshot folder for daily-run",
    long_about = None
)]
pub struct Args {
    /// A scanner feed (Shadowserver CSV or IntelMQ JSON lines); repeat for more.
    #[arg(long = "feed", value_name = "FILE", required = true, num_args = 1..)]
    pub feeds: Vec<PathBuf>,
    /// The snapshot folder written (created if missing; what it already holds is kept and used).
    #[arg(long, value_name = "SNAPSHOT")]
    pub out: PathBuf,
    /// The one DNS server for every name (PTR, A/AAAA, and the WHOIS, RDAP and HTTPS servers'
    /// names); UDP with TCP fallback. Default: the system's resolv.conf.
    #[arg(long, value_name = "ADDR:PORT")]
    pub dns: Option<SocketAddr>,
    /// The first WHOIS server asked.
    #[arg(long, value_name = "HOST[:PORT]", default_value = "whois.iana.org:43")]
    pub whois_root: String,
    /// Port of a referred WHOIS server named without one.
    #[arg(long, value_name = "N", default_value_t = 43)]
    pub whois_port: u16,
    /// A folder with IANA's RDAP bootstrap files (ipv4.json, ipv6.json, optionally asn.json);
    /// default: the bundled copy.
    #[arg(long, value_name = "DIR")]
    pub rdap_bootstrap: Option<PathBuf>,
    /// An extra trust anchor (PEM) for every HTTPS connection (RDAP and security.txt).
    #[arg(long, value_name = "FILE.pem")]
    pub ca: Vec<PathBuf>,
    /// Permit contacting non-public addresses (loopback, private, documentation ranges); for
    /// test worlds only. Off: such addresses are refused, with a log line.
    #[arg(long)]
    pub allow_private: bool,
    /// A cache folder shared across runs (answers reused within their TTLs; an interrupted
    /// run resumes from it).
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Fetch the TLS certificate of findings on TLS ports that the snapshot has none for
    /// (opt-in: a notification service does not scan by default).
    #[arg(long)]
    pub tls_probe: bool,
    /// The port security.txt is fetched from.
    #[arg(long, value_name = "N", default_value_t = 443)]
    pub https_port: u16,
    /// The clock for cache TTLs and expiry (default: the system clock).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Pace of one server: at most one query per MS milliseconds to HOST (repeatable;
    /// overrides the defaults in the library's `collect::politeness` docs).
    #[arg(long = "rate", value_name = "HOST=MS")]
    pub rates: Vec<String>,
    /// Addresses worked on at once.
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub concurrency: usize,
    /// No progress lines on standard error.
    #[arg(long)]
    pub quiet: bool,
}

fn read_ca(path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("--ca {}: {e}", path.display()))?;
    let chain = ip_attribution::cert::CertChain::parse(&bytes, &path.display().to_string())
        .map_err(|e| format!("--ca {}: {e}", path.display()))?;
    Ok(chain.entries().iter().map(|e| e.der.clone()).collect())
}

fn read_bootstrap(dir: &Path) -> Result<Bootstrap, String> {
    let mut b = Bootstrap::default();
    let mut found = 0;
    for name in ["ipv4.json", "ipv6.json", "asn.json"] {
        let p = dir.join(name);
        match std::fs::read(&p) {
            Ok(bytes) => {
                b.add_file(&bytes, &p.display().to_string())
                    .map_err(|e| format!("--rdap-bootstrap: {e}"))?;
                found += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("--rdap-bootstrap {}: {e}", p.display())),
        }
    }
    if found == 0 {
        return Err(format!(
            "--rdap-bootstrap {}: no ipv4.json, ipv6.json or asn.json",
            dir.display()
        ));
    }
    Ok(b)
}

/// The options a command line asks for; `Err((exit code, message))` when unusable.
///
/// # Errors
///
/// Exit code 2 for a bad value, 3 for a file that cannot be read.
pub fn options(args: &Args, system_now: DateTime<Utc>) -> Result<CollectOptions, (u8, String)> {
    let now = match &args.now {
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map_err(|e| (2, format!("--now {t:?}: not RFC 3339: {e}")))?
            .with_timezone(&Utc),
        None => system_now,
    };
    let mut o = CollectOptions::new(now).map_err(|e| (3, e.to_string()))?;
    o.dns = args.dns;
    o.whois_port = args.whois_port;
    o.whois_root = Server::parse(&args.whois_root, 43).ok_or_else(|| {
        (
            2,
            format!("--whois-root {:?}: not HOST[:PORT]", args.whois_root),
        )
    })?;
    if let Some(dir) = &args.rdap_bootstrap {
        o.bootstrap = read_bootstrap(dir).map_err(|e| (3, e))?;
    }
    for ca in &args.ca {
        o.extra_roots_der.extend(read_ca(ca).map_err(|e| (3, e))?);
    }
    o.allow_private = args.allow_private;
    o.cache_dir = args.cache.clone();
    o.tls_probe = args.tls_probe;
    o.https_port = args.https_port;
    o.concurrency = args.concurrency.max(1);
    o.progress = (!args.quiet).then_some(Duration::from_secs(2));
    for r in &args.rates {
        let (host, ms) = r
            .split_once('=')
            .and_then(|(h, m)| Some((h, m.trim().parse::<u64>().ok()?)))
            .ok_or_else(|| (2, format!("--rate {r:?}: expected HOST=MILLISECONDS")))?;
        let concurrency = o
            .politeness
            .limit(host, ip_attribution::collect::politeness::Protocol::Whois)
            .concurrency;
        o.politeness.set_limit(
            host,
            ServerLimit::new(Duration::from_millis(ms), concurrency),
        );
    }
    Ok(o)
}

/// Runs `collect` with these arguments.
///
/// # Errors
///
/// `(exit code, message)`: 2 for unusable arguments, 3 for unreadable input or an output that
/// cannot be written.
pub fn run(args: &Args, system_now: DateTime<Utc>) -> Result<CollectReport, (u8, String)> {
    let o = options(args, system_now)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| (3, format!("runtime: {e}")))?;
    rt.block_on(collect(&args.feeds, &args.out, &o))
        .map_err(|e| (3, e.to_string()))
}

/// The closing summary line.
pub fn summary(r: &CollectReport) -> String {
    format!(
        "collect: {} findings, {} addresses, {} domains; queries: {} dns, {} whois, {} rdap, {} https, {} tls ({} in all); {} reused, {} failed (see collect-log.jsonl), {} refusals; {} files written in {:.1} s",
        r.findings,
        r.addresses,
        r.domains,
        r.queries.dns,
        r.queries.whois,
        r.queries.rdap,
        r.queries.https,
        r.queries.tls,
        r.queries.total(),
        r.reused,
        r.failures,
        r.refusals,
        r.files_written,
        r.elapsed.as_secs_f64()
    )
}
