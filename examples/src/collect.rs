//! The `collect` program: a day's feeds in, an evidence snapshot out (DNS, WHOIS, RDAP,
//! security.txt and, opt-in, TLS certificates collected politely from the network), ready for
//! `daily-run --snapshot`.
//!
//! ```text
//! collect --feed FILE... --out SNAPSHOT [--dns ADDR:PORT] [--whois-root HOST[:PORT]] [--whois-port N]
//!         [--rdap-bootstrap DIR] [--ca FILE.pem] [--allow-private] [--cache DIR] [--tls-probe]
//!         [--https-port N] [--now RFC3339] [--config FILE]
//! ```
//!
//! With `--config` (the service's configuration, as for `daily-run`), every HTTPS request (RDAP,
//! security.txt) says who asks: `User-Agent: ip-attribution-collect/VERSION (NAME; +WEBSITE;
//! ADDRESS)`, so a registry or a site owner can reach the service.
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
use ip_attribution::{Bootstrap, CollectOptions, CollectReport, ServerLimit, WhoisServer, collect};

/// Collect a day's evidence from the network into a snapshot folder for `daily-run`.
#[derive(Debug, Clone, Parser)]
#[command(after_help = "Exit status: 0 the run finished (failed queries are logged in SNAPSHOT/collect-log.jsonl, not fatal); 2 unusable arguments; 3 an unreadable feed, bootstrap directory or CA file, an output folder that cannot be written, or a resolver/TLS set-up failure.", 
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
    /// The service's configuration file (TOML, as for `daily-run --config`): its `[sender]`
    /// name, web page and address go into the User-Agent of every HTTPS request.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The User-Agent naming the service of configuration file `path`.
fn user_agent(path: &Path) -> Result<String, String> {
    let loaded = crate::config::load(&crate::config::ConfigArgs {
        config: Some(path.to_path_buf()),
        ..Default::default()
    })?;
    let sender = &loaded.config.sender;
    let mut who = vec![sender.name.clone()];
    if let Some(web) = &sender.website {
        who.push(format!("+{web}"));
    }
    who.push(sender.address.clone());
    // Header-safe: the configuration's values are checked, but a User-Agent takes no controls.
    let who: String = who.join("; ").chars().filter(|c| !c.is_control()).collect();
    Ok(format!("{} ({who})", ip_attribution::DEFAULT_USER_AGENT))
}

fn read_ca(path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("--ca {}: {e}", path.display()))?;
    let chain = ip_attribution::CertChain::parse(&bytes, &path.display().to_string())
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
    o.whois_root = WhoisServer::parse(&args.whois_root, 43).ok_or_else(|| {
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
    if let Some(path) = &args.config {
        o.user_agent = user_agent(path).map_err(|e| (2, e))?;
    }
    o.concurrency = args.concurrency.max(1);
    o.progress = (!args.quiet).then_some(Duration::from_secs(2));
    for r in &args.rates {
        let (host, ms) = r
            .split_once('=')
            .and_then(|(h, m)| Some((h, m.trim().parse::<u64>().ok()?)))
            .ok_or_else(|| (2, format!("--rate {r:?}: expected HOST=MILLISECONDS")))?;
        let concurrency = o
            .politeness
            .limit(host, ip_attribution::Protocol::Whois)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Args {
        Args::try_parse_from(std::iter::once("collect").chain(list.iter().copied())).unwrap()
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_configuration_names_the_service_in_the_user_agent() {
        let dir = tempfile::tempdir().unwrap();
        let base = ["--feed", "a.csv", "--out", "snap"];
        let o = options(&args(&base), now()).unwrap();
        assert_eq!(o.user_agent, ip_attribution::DEFAULT_USER_AGENT);
        let config = dir.path().join("notify.toml");
        std::fs::write(
            &config,
            "[sender]\nname = \"Test CERT\"\naddress = \"cert@cert.test\"\nwebsite = \"https://cert.test/notices\"\n",
        )
        .unwrap();
        let with = args(&[&base[..], &["--config", config.to_str().unwrap()]].concat());
        let o = options(&with, now()).unwrap();
        assert_eq!(
            o.user_agent,
            format!(
                "{} (Test CERT; +https://cert.test/notices; cert@cert.test)",
                ip_attribution::DEFAULT_USER_AGENT
            )
        );
        let broken = dir.path().join("broken.toml");
        std::fs::write(&broken, "[sender\n").unwrap();
        let bad = args(&[&base[..], &["--config", broken.to_str().unwrap()]].concat());
        assert_eq!(options(&bad, now()).unwrap_err().0, 2);
    }

    #[test]
    fn the_contract_command_line_maps_to_options() {
        let a = args(&[
            "--feed",
            "a.csv",
            "b.jsonl",
            "--feed",
            "c.csv",
            "--out",
            "snap",
            "--dns",
            "127.0.0.1:5353",
            "--whois-root",
            "whois.iana.test:4343",
            "--whois-port",
            "4344",
            "--allow-private",
            "--cache",
            "cache",
            "--tls-probe",
            "--https-port",
            "8443",
            "--now",
            "2026-11-22T12:00:00Z",
            "--rate",
            "whois.ripe.test=20",
            "--quiet",
        ]);
        assert_eq!(a.feeds.len(), 3);
        let o = options(&a, now()).unwrap();
        assert_eq!(o.dns, Some("127.0.0.1:5353".parse().unwrap()));
        assert_eq!(o.whois_root.host, "whois.iana.test");
        assert_eq!(o.whois_root.port, 4343);
        assert_eq!(o.whois_port, 4344);
        assert!(o.allow_private && o.tls_probe);
        assert_eq!(o.https_port, 8443);
        assert_eq!(o.now.to_rfc3339(), "2026-11-22T12:00:00+00:00");
        assert_eq!(o.cache_dir, Some(PathBuf::from("cache")));
        assert!(o.progress.is_none());
        assert_eq!(
            o.politeness
                .limit("whois.ripe.test", ip_attribution::Protocol::Whois)
                .interval,
            Duration::from_millis(20)
        );
        // defaults
        let o = options(&args(&["--feed", "a.csv", "--out", "s"]), now()).unwrap();
        assert_eq!(
            (o.whois_root.host.as_str(), o.whois_root.port),
            ("whois.iana.org", 43)
        );
        assert!(!o.allow_private && !o.tls_probe);
        assert_eq!(o.https_port, 443);
        assert_eq!(o.now, now());
        assert!(!o.bootstrap.is_empty());
    }

    #[test]
    fn unusable_values_are_exit_2_and_unreadable_files_exit_3() {
        let bad_now = args(&["--feed", "a", "--out", "s", "--now", "yesterday"]);
        assert_eq!(options(&bad_now, now()).unwrap_err().0, 2);
        let bad_rate = args(&["--feed", "a", "--out", "s", "--rate", "x"]);
        assert_eq!(options(&bad_rate, now()).unwrap_err().0, 2);
        let bad_root = args(&["--feed", "a", "--out", "s", "--whois-root", "h:port"]);
        assert_eq!(options(&bad_root, now()).unwrap_err().0, 2);
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let m = missing.to_str().unwrap();
        let no_ca = args(&["--feed", "a", "--out", "s", "--ca", m]);
        assert_eq!(options(&no_ca, now()).unwrap_err().0, 3);
        let no_boot = args(&["--feed", "a", "--out", "s", "--rdap-bootstrap", m]);
        assert_eq!(options(&no_boot, now()).unwrap_err().0, 3);
        // a bootstrap folder with IANA's files
        std::fs::write(
            dir.path().join("ipv4.json"),
            r#"{"services":[[["192.0.2.0/24"],["http://rdap.test:8080/"]]]}"#,
        )
        .unwrap();
        let d = dir.path().to_str().unwrap();
        let o = options(
            &args(&["--feed", "a", "--out", "s", "--rdap-bootstrap", d]),
            now(),
        )
        .unwrap();
        assert_eq!(
            o.bootstrap.services("192.0.2.1".parse().unwrap()),
            ["http://rdap.test:8080/"]
        );
        // a feed that cannot be read: exit 3
        let r = run(
            &args(&[
                "--feed",
                m,
                "--out",
                dir.path().join("o").to_str().unwrap(),
                "--quiet",
            ]),
            now(),
        );
        assert_eq!(r.unwrap_err().0, 3);
        // clap refuses a missing --out
        assert!(Args::try_parse_from(["collect", "--feed", "a"]).is_err());
    }
}
