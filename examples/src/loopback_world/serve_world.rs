//! The `serve-world` program: serve a snapshot folder as a world on 127.0.0.1 and print the
//! `collect` flags that point at it.
//!
//! Exit status: 0 after `--for` seconds (or never, until interrupted); 2 for unusable
//! arguments or an unreadable snapshot; 1 when a server cannot start.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use super::{Fault, Ports, RateLimit, World, WorldOptions};

/// Serve an evidence snapshot as live DNS, WHOIS, RDAP and HTTPS servers on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(
    after_help = "Exit status: 0 after --for seconds (or never, until interrupted); 1 a server cannot start; 2 unusable arguments or an unreadable snapshot.",
    name = "serve-world",
    version
)]
pub struct Args {
    /// The evidence snapshot folder (daily-run layout).
    #[arg(long, value_name = "DIR")]
    pub snapshot: PathBuf,
    /// Where the test CA (`ca.pem`) and the RDAP bootstrap folder are written.
    #[arg(long, value_name = "DIR")]
    pub state: PathBuf,
    /// DNS port (UDP and TCP); 0 for an ephemeral one.
    #[arg(long, default_value_t = 0)]
    pub dns_port: u16,
    /// The port every WHOIS server shares; 0 for an ephemeral one.
    #[arg(long, default_value_t = 0)]
    pub whois_port: u16,
    /// HTTPS port (RDAP and security.txt); 0 for an ephemeral one.
    #[arg(long, default_value_t = 0)]
    pub https_port: u16,
    /// A rate limit, `SERVER=QUERIES/SECONDS` (servers: dns, whois-iana, whois-ripe,
    /// whois-arin, whois-lacnic, rdap, securitytxt); repeatable.
    #[arg(long, value_name = "SERVER=N/SECS")]
    pub rate_limit: Vec<String>,
    /// A fault, `SERVER=silent|slow:MILLIS|malformed|oversized:BYTES`; repeatable.
    #[arg(long, value_name = "SERVER=FAULT")]
    pub fault: Vec<String>,
    /// The WHOIS root refers everything to ARIN, which refers back: a referral loop.
    #[arg(long)]
    pub referral_loop: bool,
    /// The WHOIS root refers everything to ARIN, which refers on (`ReferralServer:`) to the
    /// registry holding the address.
    #[arg(long)]
    pub arin_first: bool,
    /// security.txt's well-known path redirects to another path on the same host.
    #[arg(long)]
    pub redirect_securitytxt: bool,
    /// RDAP redirects `/ip/...` to `/registry/ip/...` on the same host.
    #[arg(long)]
    pub redirect_rdap: bool,
    /// The RDAP bootstrap points at plain HTTP instead of HTTPS.
    #[arg(long)]
    pub rdap_over_http: bool,
    /// Stop after this many seconds (default: run until interrupted).
    #[arg(long, value_name = "SECONDS")]
    pub r#for: Option<u64>,
}

fn split_label(text: &str) -> Result<(String, &str), String> {
    text.split_once('=')
        .map(|(l, v)| (l.trim().to_owned(), v.trim()))
        .ok_or_else(|| format!("{text:?}: expected SERVER=VALUE"))
}

/// Parses `N/SECS`.
pub fn parse_rate_limit(text: &str) -> Result<RateLimit, String> {
    let (n, secs) = text
        .split_once('/')
        .ok_or_else(|| format!("{text:?}: expected QUERIES/SECONDS"))?;
    let queries: u32 = n.parse().map_err(|_| format!("{n:?}: not a number"))?;
    let secs: f64 = secs
        .parse()
        .map_err(|_| format!("{secs:?}: not a number"))?;
    if queries == 0 || !(secs > 0.0 && secs.is_finite()) {
        return Err(format!("{text:?}: both numbers must be above zero"));
    }
    Ok(RateLimit::new(queries, Duration::from_secs_f64(secs)))
}

/// Parses `silent`, `slow:MILLIS`, `malformed`, `oversized:BYTES`.
pub fn parse_fault(text: &str) -> Result<Fault, String> {
    let (kind, arg) = text.split_once(':').unwrap_or((text, ""));
    let number = |a: &str| -> Result<u64, String> {
        a.parse()
            .map_err(|_| format!("{text:?}: {a:?} is not a number"))
    };
    match kind {
        "silent" => Ok(Fault::Silent),
        "malformed" => Ok(Fault::Malformed),
        "slow" => Ok(Fault::Slow(Duration::from_millis(number(arg)?))),
        "oversized" => Ok(Fault::Oversized(
            usize::try_from(number(arg)?).map_err(|e| e.to_string())?,
        )),
        _ => Err(format!(
            "{text:?}: expected silent, slow:MILLIS, malformed or oversized:BYTES"
        )),
    }
}

impl Args {
    /// The world options these arguments ask for.
    ///
    /// # Errors
    /// A message naming the unusable value.
    pub fn options(&self) -> Result<WorldOptions, String> {
        let mut rate_limits = BTreeMap::new();
        for r in &self.rate_limit {
            let (label, v) = split_label(r)?;
            rate_limits.insert(label, parse_rate_limit(v)?);
        }
        let mut faults = BTreeMap::new();
        for f in &self.fault {
            let (label, v) = split_label(f)?;
            faults.insert(label, parse_fault(v)?);
        }
        Ok(WorldOptions {
            rate_limits,
            faults,
            referral_loop: self.referral_loop,
            arin_first: self.arin_first,
            redirect_securitytxt: self.redirect_securitytxt,
            rdap_over_http: self.rdap_over_http,
            redirect_rdap: self.redirect_rdap,
            ports: Ports {
                dns: self.dns_port,
                whois: self.whois_port,
                rdap_http: 0,
                https: self.https_port,
            },
        })
    }
}

/// Runs the program; returns the exit status.
pub fn run(args: &Args) -> i32 {
    let options = match args.options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("serve-world: {e}");
            return 2;
        }
    };
    let world = match World::load(&args.snapshot) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("serve-world: {e}");
            return 2;
        }
    };
    for p in world.problems() {
        eprintln!("serve-world: skipped: {p}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("serve-world: cannot start the runtime: {e}");
            return 1;
        }
    };
    runtime.block_on(async {
        let running = match super::serve(world, &options, &args.state).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("serve-world: {e}");
                return 1;
            }
        };
        for p in &running.problems {
            eprintln!("serve-world: skipped: {p}");
        }
        for (label, addr) in &running.whois_servers {
            eprintln!("serve-world: {label} on {addr}");
        }
        eprintln!(
            "serve-world: dns on {}, rdap on http://{} and https://{}",
            running.dns, running.rdap_http, running.https
        );
        println!("{}", running.collect_args().join(" "));
        match args.r#for {
            Some(secs) => tokio::time::sleep(Duration::from_secs(secs)).await,
            None => std::future::pending::<()>().await,
        }
        for (label, c) in running.counts() {
            eprintln!(
                "serve-world: {label}: {} queries, {} refused",
                c.queries, c.refused
            );
        }
        0
    })
}
