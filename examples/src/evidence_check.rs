//! `evidence-check`: runs the evidence parsers (RDAP, rdns.jsonl + PTR analysis, certificates)
//! over a snapshot and extra RDAP files, prints counts, and fails on any unexpected parse
//! failure.
//!
//! ```text
//! evidence-check [--snapshot DIR] [--rdap FILE]... [--now RFC3339]
//! ```
//!
//! Reads `DIR/rdap/*.json`, `DIR/rdns.jsonl`, `DIR/certs/*.pem` and `DIR/trust/*.pem` (extra
//! trust anchors beside the public roots). `.ci/shared/evidence.sh` runs it over the shared
//! world and corpus and reads its `rdap:`, `rdns:`, `certs:` and `evidence-check: OK` lines.
//!
//! Exit status (the table in `examples/README.md`, [`crate::programs::Status`]): 0 when
//! everything parsed, 1 when a file failed to parse or an rdns line was malformed, 2 unusable
//! arguments, 3 a file could not be read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Parser;
use ip_attribution::{
    CertClass, ChainStatus, Knowledge, RdapDocument, RdnsTable, TrustStore, analyze_cert,
    analyze_ptr, parse_rdap,
};

use crate::programs::Status;

/// The command line of `evidence-check`.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "evidence-check",
    version,
    about = "Run the evidence parsers (RDAP, rdns.jsonl, PTR, certificates) over a snapshot",
    long_about = "Run the evidence parsers over a snapshot and extra RDAP files: every \
        DIR/rdap/*.json, DIR/rdns.jsonl (with PTR analysis), DIR/certs/*.pem (against the \
        public roots plus DIR/trust/*.pem). Prints what each file held and counts per kind, \
        and fails on any unexpected parse failure.",
    after_help = "Exit status: 0 everything parsed; 1 a file failed to parse or an rdns line \
        was malformed; 2 unusable arguments; 3 a file could not be read (table: \
        examples/README.md)."
)]
#[non_exhaustive]
pub struct Args {
    /// Snapshot folder: reads its rdap/*.json, rdns.jsonl, certs/*.pem and trust/*.pem.
    #[arg(long, value_name = "DIR")]
    pub snapshot: Option<PathBuf>,
    /// An extra RDAP answer (JSON) to parse; repeat for more.
    #[arg(long, value_name = "FILE")]
    pub rdap: Vec<PathBuf>,
    /// The time certificates are judged at, RFC 3339 (default: the system clock).
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
}

/// An RFC 3339 date-time.
fn parse_now(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 date-time: {e}"))
}

fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == ext))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The bytes of `path`, or `None` after saying on stderr why they could not
/// be read (the caller then exits with [`Status::Io`]).
fn read_or_say(path: &Path) -> Option<Vec<u8>> {
    match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            eprintln!("evidence-check: {}: {e}", path.display());
            None
        }
    }
}

/// Runs `evidence-check` with parsed arguments: counts to standard output, failures and
/// messages to standard error.
pub fn run(args: &Args) -> ExitCode {
    let now = args.now.unwrap_or_else(Utc::now);
    if let Some(s) = &args.snapshot
        && !s.is_dir()
    {
        eprintln!(
            "evidence-check: --snapshot {}: not a readable folder",
            s.display()
        );
        return Status::Io.into();
    }
    let mut failures = 0usize;

    // RDAP.
    let mut rdap_files = args.rdap.clone();
    if let Some(s) = &args.snapshot {
        rdap_files.extend(files_with_ext(&s.join("rdap"), "json"));
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &rdap_files {
        let name = f.display().to_string();
        let Some(bytes) = read_or_say(f) else {
            return Status::Io.into();
        };
        match parse_rdap(&bytes, &name) {
            Ok(RdapDocument::IpNetwork(n)) => {
                *kinds.entry("ip network").or_default() += 1;
                let abuse: Vec<String> = n
                    .abuse_emails(Knowledge::builtin_ref())
                    .iter()
                    .map(|c| format!("{} via {}", c.address, c.path.join(">")))
                    .collect();
                println!(
                    "rdap {name}: {} {:?}..{:?} registrant={:?} abuse=[{}]",
                    n.handle.as_deref().unwrap_or("?"),
                    n.start_address,
                    n.end_address,
                    n.registrant_name(Knowledge::builtin_ref()),
                    abuse.join(", ")
                );
            }
            Ok(RdapDocument::Error(e)) => {
                *kinds.entry("error object").or_default() += 1;
                println!("rdap {name}: error object {:?} {:?}", e.error_code, e.title);
            }
            Ok(RdapDocument::Entity(_)) => *kinds.entry("entity").or_default() += 1,
            Ok(RdapDocument::Other(o)) => {
                *kinds.entry("other").or_default() += 1;
                println!(
                    "rdap {name}: {:?} abuse={:?}",
                    o.object_class_name,
                    o.abuse_emails(Knowledge::builtin_ref())
                        .iter()
                        .map(|c| c.address.as_str())
                        .collect::<Vec<_>>()
                );
            }
            Ok(_) => *kinds.entry("unknown").or_default() += 1,
            Err(e) => {
                eprintln!("FAIL rdap: {e}");
                failures += 1;
            }
        }
    }
    println!("rdap: {} files {kinds:?}", rdap_files.len());

    let Some(snapshot) = &args.snapshot else {
        return if failures == 0 {
            Status::Success.into()
        } else {
            Status::Findings.into()
        };
    };

    // rdns.jsonl and PTR analysis.
    let rdns_path = snapshot.join("rdns.jsonl");
    if rdns_path.exists() {
        let Some(bytes) = read_or_say(&rdns_path) else {
            return Status::Io.into();
        };
        let (table, load) = RdnsTable::from_jsonl(&bytes, &rdns_path.display().to_string());
        for p in &load.problems {
            eprintln!("FAIL rdns: {p}");
        }
        failures += load.problems.len();
        let mut generic = 0usize;
        let mut confirmed = 0usize;
        let mut names = 0usize;
        let mut ips: Vec<_> = table.ptr_ips().collect();
        ips.sort();
        for ip in ips {
            for n in table.ptr_names(ip) {
                names += 1;
                if analyze_ptr(ip, n).is_generic() {
                    generic += 1;
                }
            }
            confirmed += table.forward_confirmed(ip).len();
        }
        println!(
            "rdns: {} lines, {} records, {} ignored, {} problems; {} PTR names for {} addresses: {} generic, {} forward-confirmed",
            load.lines,
            load.records,
            load.ignored,
            load.problems.len(),
            names,
            table.ptr_len(),
            generic,
            confirmed
        );
    }

    // Certificates.
    let mut trust = TrustStore::with_public_roots();
    for f in files_with_ext(&snapshot.join("trust"), "pem") {
        let name = f.display().to_string();
        match std::fs::read(&f).map(|b| trust.add_pem(&b, &name)) {
            Ok(Ok(n)) => println!("trust: {n} anchors from {name}"),
            Ok(Err(e)) => {
                eprintln!("FAIL trust: {e}");
                failures += 1;
            }
            Err(e) => {
                eprintln!("evidence-check: {name}: {e}");
                return Status::Io.into();
            }
        }
    }
    let certs = files_with_ext(&snapshot.join("certs"), "pem");
    let mut by_class: BTreeMap<String, usize> = BTreeMap::new();
    let mut business = 0usize;
    for f in &certs {
        let name = f.display().to_string();
        let Some(bytes) = read_or_say(f) else {
            return Status::Io.into();
        };
        match analyze_cert(&bytes, &name, &trust, now) {
            Ok(a) => {
                let classes: Vec<String> = a.classes.iter().map(|c| format!("{c:?}")).collect();
                for c in &a.classes {
                    *by_class.entry(format!("{c:?}")).or_default() += 1;
                }
                if a.points_to_business() {
                    business += 1;
                }
                let key = classes.join("+");
                *by_class.entry(format!("[{key}]")).or_default() += 1;
                println!(
                    "cert {}: cn={:?} o={:?} chain={:?} classes={key} domains={}",
                    f.file_name()
                        .map_or(name.clone(), |n| n.to_string_lossy().into()),
                    a.subject_cn,
                    a.subject_o,
                    a.chain,
                    a.registrable_domains.len()
                );
                if a.is(CertClass::Untrusted) && a.chain == ChainStatus::Trusted {
                    eprintln!("FAIL cert {name}: inconsistent classes");
                    failures += 1;
                }
            }
            Err(e) => {
                eprintln!("FAIL cert: {e}");
                failures += 1;
            }
        }
    }
    println!(
        "certs: {} files, {business} point to a business; classes {by_class:?}",
        certs.len()
    );
    if failures == 0 {
        println!("evidence-check: OK");
        Status::Success.into()
    } else {
        eprintln!("evidence-check: {failures} failure(s)");
        Status::Findings.into()
    }
}
