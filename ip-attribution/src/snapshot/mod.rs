//! An evidence snapshot directory loaded into memory: [`Snapshot`] (its docs say what a
//! snapshot holds and how loading reports problems).

mod overrides;

use std::collections::HashMap;
use std::fs;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rayon::prelude::*;

pub use overrides::{MAX_OVERRIDES, Overrides};

use crate::cert::{self, TrustStore};
use crate::engine::evidence::{
    CertSeen, EvidenceNetwork, EvidenceSource, Override, PtrName, SecurityTxt, SecurityTxtStatus,
};
use crate::engine::knowledge::Knowledge;
use crate::index::{IndexBuilder, RegistryIndex};
use crate::ptr::{self, DnsName};
use crate::rdns::RdnsTable;
use crate::{Error, ErrorKind};

/// The snapshot's hash sets: foldhash's quality variant, fast and well mixed.
type Set<K> = std::collections::HashSet<K, foldhash::quality::RandomState>;

/// Most files read from one snapshot folder.
pub const MAX_FILES_PER_FOLDER: usize = 1_000_000;
/// Most problems kept in the report (all are counted).
pub const MAX_PROBLEMS_KEPT: usize = 10_000;
/// Largest security.txt or certificate file read (bigger ones are reported and skipped).
pub const MAX_SMALL_FILE_BYTES: u64 = 1 << 20;

/// What loading found: counts per kind and the problems (file:line: message).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadReport {
    /// Files read, per folder kind (`registry`, `rdap`, `certs`, `securitytxt`, `trust`, …).
    pub files: HashMap<String, usize>,
    /// Registry objects used (after de-duplication).
    pub registry_objects: usize,
    /// Registry objects seen more than once (counted once).
    pub duplicate_objects: usize,
    /// Networks held from registry files and from RDAP.
    pub networks: (usize, usize),
    /// Problems: unusable files, objects and rows, skipped.
    pub problems: Vec<String>,
    /// Total number of problems (also those beyond [`MAX_PROBLEMS_KEPT`]).
    pub problem_count: usize,
    /// Registry, RDAP and rDNS files that could not be read to their end (an I/O error, a
    /// truncated or corrupt gzip stream), `file:line: message`; each is also in
    /// [`Self::problems`]. Evidence from them is partial: see [`LoadReport::check`].
    pub unreadable: Vec<String>,
    /// Usable evidence held, all kinds together: registry and RDAP networks, rDNS records,
    /// certificate and security.txt files, override rows. Zero means the snapshot knows
    /// nothing (see [`LoadReport::check`]).
    pub evidence: usize,
}

/// What [`LoadReport::check`] accepts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckOptions {
    /// Accept a snapshot some of whose registry, RDAP or rDNS files could not be read to their
    /// end (the daily run's `--allow-partial-snapshot`). Off by default: a partial snapshot
    /// decides differently from a whole one, silently.
    pub allow_partial: bool,
}

impl CheckOptions {
    /// Sets [`Self::allow_partial`].
    pub fn with_allow_partial(mut self, allow: bool) -> Self {
        self.allow_partial = allow;
        self
    }
}

/// What a snapshot folder is expected to hold, for the message of an empty one.
pub const SNAPSHOT_LAYOUT: &str = "registry/*.db|*.db.gz|*.txt (RPSL dumps, saved WHOIS \
answers), rdap/*.json, rdns.jsonl, certs/<ip>[_<port>].pem, securitytxt/<domain>.txt or \
overrides.csv";

impl LoadReport {
    /// Refuses a snapshot that cannot be trusted to decide with: one holding no usable
    /// evidence at all ([`ErrorKind::SnapshotEmpty`], naming what was expected), or, unless
    /// `options` allow it, one with files that could not be read to their end
    /// ([`ErrorKind::SnapshotIncomplete`]). `dir` labels the messages.
    pub fn check(&self, dir: &Path, options: CheckOptions) -> Result<(), Error> {
        if self.evidence == 0 {
            let mut found: Vec<String> = self
                .files
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(k, n)| format!("{n} {k} files"))
                .collect();
            found.sort();
            let found = if found.is_empty() {
                "no snapshot files".to_owned()
            } else {
                format!("{}, none usable", found.join(", "))
            };
            return Err(Error::new(
                dir.display().to_string(),
                0,
                ErrorKind::SnapshotEmpty {
                    message: format!("found {found}; expected {SNAPSHOT_LAYOUT}"),
                },
            ));
        }
        if !self.unreadable.is_empty() && !options.allow_partial {
            return Err(Error::new(
                dir.display().to_string(),
                0,
                ErrorKind::SnapshotIncomplete {
                    count: self.unreadable.len(),
                    first: self.unreadable.first().cloned().unwrap_or_default(),
                },
            ));
        }
        Ok(())
    }

    fn unreadable_file(&mut self, p: String) {
        self.unreadable.push(p.clone());
        self.problem(p);
    }

    fn problem(&mut self, p: String) {
        self.problem_count += 1;
        if self.problems.len() < MAX_PROBLEMS_KEPT {
            self.problems.push(p);
        }
    }
}

/// A certificate file as read: file name, port from the file name, bytes.
type CertFile = (String, Option<u16>, Vec<u8>);

/// An evidence snapshot in memory: a snapshot directory loaded (files → parsers → evidence
/// sources).
///
/// Layout (every part optional), per the daily-run contract (`examples/docs/daily-run.md`):
/// `registry/*.db|*.db.gz|*.txt` (RPSL dumps and saved port-43 answers), `rdap/*.json`,
/// `rdns.jsonl`, `certs/<ip>[_<port>].pem`, `securitytxt/<domain>.txt`, `trust/*.pem`,
/// `overrides.csv`.
///
/// Files are read and parsed in parallel (rayon). A file or object that cannot be used is
/// reported in [`LoadReport::problems`] with file and line, skipped and counted; loading goes on.
/// Only an unreadable snapshot directory is an error of [`Snapshot::load`]; a registry, RDAP or
/// rDNS file that cannot be read to its end (I/O error, truncated gzip stream) is listed in
/// [`LoadReport::unreadable`] too, and [`LoadReport::check`] refuses such a snapshot (unless
/// allowed) and one holding no usable evidence at all. Certificates and security.txt files are
/// kept as bytes and judged when asked, at the `now` of the question.
///
/// Registry objects and RDAP networks go into one [`RegistryIndex`](crate::RegistryIndex)
/// (built with the snapshot's knowledge), which answers the registry questions of [`EvidenceSource`]
/// (covering networks with every abuse address resolved, the origin AS's abuse contacts) and
/// from which the providers (organisations holding allocations or LIRs, their mail domains)
/// are derived once.
///
/// It implements [`EvidenceSource`], so the engine decides from it directly.
#[derive(Debug)]
pub struct Snapshot {
    knowledge: Knowledge,
    /// Registry and RDAP networks, organisations, contacts, routes: the one registry model.
    registry: RegistryIndex,
    /// Upper-case handles and lower-case names of organisations that are providers.
    provider_orgs: Set<String>,
    /// Mail domains of providers.
    provider_domains: Set<String>,
    rdns: RdnsTable,
    certs: HashMap<IpAddr, Vec<CertFile>>,
    securitytxt: HashMap<String, (String, Vec<u8>)>,
    trust: TrustStore,
    overrides: Overrides,
    provider_ptr_domains: std::collections::HashSet<String>,
}

fn list(dir: &Path, report: &mut LoadReport) -> Vec<PathBuf> {
    let Ok(rd) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = Vec::new();
    for e in rd.flatten() {
        if out.len() >= MAX_FILES_PER_FOLDER {
            report.problem(format!(
                "{}: more than {MAX_FILES_PER_FOLDER} files; rest ignored",
                dir.display()
            ));
            break;
        }
        let p = e.path();
        if p.is_file() {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn read_small(p: &Path) -> Result<Vec<u8>, String> {
    let meta = fs::metadata(p).map_err(|e| format!("{}: {e}", file_name(p)))?;
    if meta.len() > MAX_SMALL_FILE_BYTES {
        return Err(format!(
            "{}: larger than {MAX_SMALL_FILE_BYTES} bytes; skipped",
            file_name(p)
        ));
    }
    fs::read(p).map_err(|e| format!("{}: {e}", file_name(p)))
}

/// `<ip>.pem` or `<ip>_<port>.pem` (IPv6 with `_` for `:`) → every (address, port) reading.
fn cert_targets(name: &str) -> Vec<(IpAddr, Option<u16>)> {
    let stem = name.strip_suffix(".pem").unwrap_or(name);
    let mut out = Vec::new();
    if let Ok(ip) = stem.replace('_', ":").parse::<IpAddr>() {
        out.push((ip, None));
    }
    if let Some((addr, port)) = stem.rsplit_once('_')
        && let (Ok(ip), Ok(port)) = (
            addr.replace('_', ":").parse::<IpAddr>(),
            port.parse::<u16>(),
        )
    {
        out.push((ip, Some(port)));
    }
    out
}

/// Objects per message from the registry reader thread.
const PARSED_BATCH: usize = 4_096;
/// Messages the registry reader thread may be ahead of the indexing thread.
const PARSED_BATCHES_IN_FLIGHT: usize = 16;

/// What the registry reader thread sends: objects in file order, or a problem.
enum Parsed {
    Objects(Vec<crate::rpsl::RpslObject>),
    Problem(String),
    /// The file could not be read to its end.
    Unreadable(String),
}

/// Reads every registry file in order, sending objects in batches. Stops early when the
/// receiver is gone.
fn read_registry_files(files: &[PathBuf], tx: &std::sync::mpsc::SyncSender<Parsed>) {
    for p in files {
        let name = file_name(p);
        let reader = match fs::File::open(p) {
            Err(e) => Err(format!("{name}: {e}")),
            Ok(f) => crate::rpsl::RpslReader::open(name.as_str(), f).map_err(|e| e.to_string()),
        };
        let reader = match reader {
            Ok(r) => r,
            Err(problem) => {
                if tx.send(Parsed::Unreadable(problem)).is_err() {
                    return;
                }
                continue;
            }
        };
        let mut batch = Vec::with_capacity(PARSED_BATCH);
        for item in reader {
            match item {
                Ok(o) => {
                    batch.push(o);
                    if batch.len() == PARSED_BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(PARSED_BATCH));
                        if tx.send(Parsed::Objects(full)).is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    let message = if matches!(e.kind(), ErrorKind::RpslRead { .. }) {
                        Parsed::Unreadable(e.to_string())
                    } else {
                        Parsed::Problem(e.to_string())
                    };
                    if tx.send(message).is_err() {
                        return;
                    }
                }
            }
        }
        if !batch.is_empty() && tx.send(Parsed::Objects(batch)).is_err() {
            return;
        }
    }
}

impl Snapshot {
    /// An empty snapshot (knows nothing).
    pub fn empty() -> Self {
        Self {
            knowledge: Knowledge::builtin(),
            registry: IndexBuilder::new().build(),
            provider_orgs: Set::default(),
            provider_domains: Set::default(),
            rdns: RdnsTable::new(),
            certs: HashMap::new(),
            securitytxt: HashMap::new(),
            trust: TrustStore::with_public_roots(),
            overrides: Overrides::default(),
            provider_ptr_domains: Default::default(),
        }
    }

    /// Loads the snapshot in `dir` with the built-in knowledge.
    ///
    /// Fails only when `dir` is not a readable directory.
    pub fn load(dir: &Path) -> Result<(Self, LoadReport), Error> {
        Self::load_with(dir, Knowledge::builtin())
    }

    /// Loads the snapshot in `dir` with the given knowledge.
    pub fn load_with(dir: &Path, knowledge: Knowledge) -> Result<(Self, LoadReport), Error> {
        fs::read_dir(dir).map_err(|e| {
            Error::new(
                dir.display().to_string(),
                0,
                ErrorKind::Io {
                    message: e.to_string(),
                },
            )
        })?;
        let mut report = LoadReport::default();
        let mut snap = Self::empty();
        let mut registry = IndexBuilder::with_knowledge(knowledge.clone());
        snap.knowledge = knowledge;

        // Registry files: parsed on a reader thread in file-name order while this thread adds
        // the objects as they come (deterministic order; the parsed objects of a large dump
        // are never all held at once, and parsing overlaps indexing).
        let reg_files = list(&dir.join("registry"), &mut report);
        report.files.insert("registry".into(), reg_files.len());
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Parsed>(PARSED_BATCHES_IN_FLIGHT);
            let files = &reg_files;
            scope.spawn(move || read_registry_files(files, &tx));
            for batch in rx {
                match batch {
                    Parsed::Objects(objects) => {
                        for o in objects {
                            registry.add(o);
                        }
                    }
                    Parsed::Problem(p) => report.problem(p),
                    Parsed::Unreadable(p) => report.unreadable_file(p),
                }
            }
        });

        // RDAP files.
        let rdap_files = list(&dir.join("rdap"), &mut report);
        report.files.insert("rdap".into(), rdap_files.len());
        // (file, network or (problem, whether the file could not be read at all)).
        type RdapRead = (String, Result<crate::rdap::RdapNetwork, (String, bool)>);
        let rdap: Vec<RdapRead> = rdap_files
            .par_iter()
            .map(|p| {
                let name = file_name(p);
                let r = fs::read(p)
                    .map_err(|e| (format!("{name}: {e}"), true))
                    .and_then(|b| {
                        crate::rdap::parse_rdap_network(&b, &name)
                            .map_err(|e| (e.to_string(), false))
                    });
                (name, r)
            })
            .collect();
        for (name, r) in rdap {
            match r {
                Ok(net) => {
                    registry.add_rdap(&name, &net);
                }
                Err((e, true)) => report.unreadable_file(e),
                Err((e, false)) => report.problem(e),
            }
        }
        snap.registry = registry.build_without_lookup_tables();
        let (orgs, domains) = snap.registry.provider_names_and_domains();
        snap.provider_orgs = orgs.into_iter().collect();
        snap.provider_domains = domains.into_iter().collect();
        let stats = snap.registry.stats();
        report.networks = (stats.networks, stats.rdap_networks);
        report.duplicate_objects = stats.duplicates;

        // rdns.jsonl
        let rdns_path = dir.join("rdns.jsonl");
        if rdns_path.is_file() {
            match fs::read(&rdns_path) {
                Ok(b) => {
                    let (table, load) = RdnsTable::from_jsonl(&b, "rdns.jsonl");
                    for p in load.problems {
                        report.problem(p.to_string());
                    }
                    snap.rdns = table;
                    report.files.insert("rdns".into(), 1);
                    snap.provider_ptr_domains = provider_ptr_domains(&b, &snap.knowledge);
                }
                Err(e) => report.unreadable_file(format!("rdns.jsonl: {e}")),
            }
        }

        // Trust anchors.
        let trust_files = list(&dir.join("trust"), &mut report);
        report.files.insert("trust".into(), trust_files.len());
        for p in &trust_files {
            match read_small(p) {
                Ok(b) => {
                    if let Err(e) = snap.trust.add_pem(&b, &file_name(p)) {
                        report.problem(e.to_string());
                    }
                }
                Err(e) => report.problem(e),
            }
        }

        // Certificates (kept as bytes; judged at the question's `now`).
        let cert_files = list(&dir.join("certs"), &mut report);
        report.files.insert("certs".into(), cert_files.len());
        let certs: Vec<(String, Result<Vec<u8>, String>)> = cert_files
            .par_iter()
            .map(|p| (file_name(p), read_small(p)))
            .collect();
        for (name, r) in certs {
            let targets = cert_targets(&name);
            if targets.is_empty() {
                report.problem(format!(
                    "{name}: file name is not <ip>[_<port>].pem; skipped"
                ));
                continue;
            }
            match r {
                Ok(b) => {
                    for (ip, port) in targets {
                        snap.certs
                            .entry(ip)
                            .or_default()
                            .push((name.clone(), port, b.clone()));
                    }
                }
                Err(e) => report.problem(e),
            }
        }

        // security.txt files.
        let st_files = list(&dir.join("securitytxt"), &mut report);
        report.files.insert("securitytxt".into(), st_files.len());
        for p in &st_files {
            let name = file_name(p);
            let domain = name.strip_suffix(".txt").unwrap_or(&name).to_lowercase();
            match read_small(p) {
                Ok(b) => {
                    snap.securitytxt.insert(domain, (name, b));
                }
                Err(e) => report.problem(e),
            }
        }

        // Overrides.
        let ov = dir.join("overrides.csv");
        if ov.is_file() {
            match fs::read(&ov) {
                Ok(b) => {
                    let (o, problems) = Overrides::parse("overrides.csv", &b);
                    for p in problems {
                        report.problem(p);
                    }
                    snap.overrides = o;
                    report.files.insert("overrides".into(), 1);
                }
                Err(e) => report.problem(format!("overrides.csv: {e}")),
            }
        }
        report.registry_objects = report.networks.0;
        report.evidence = report.networks.0
            + report.networks.1
            + snap.rdns.records()
            + snap.certs.len()
            + snap.securitytxt.len()
            + snap.overrides.len();
        Ok((snap, report))
    }

    /// The knowledge this snapshot judges with.
    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }

    /// The operator overrides.
    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }

    /// True for a provider's mail domain (or a subdomain of one), from the registry.
    fn is_registry_provider_domain(&self, domain: &str) -> bool {
        let d = domain.to_lowercase();
        if self.provider_domains.contains(&d) {
            return true;
        }
        let dotted = format!(".{d}");
        self.provider_domains.iter().any(|p| p.ends_with(&dotted))
    }
}

/// Registrable domains used by the generic PTR names of many different addresses.
fn provider_ptr_domains(rdns: &[u8], k: &Knowledge) -> std::collections::HashSet<String> {
    let mut count: HashMap<String, usize> = HashMap::new();
    for line in rdns.split(|&b| b == b'\n') {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(line) else {
            continue;
        };
        if v.get("type").and_then(|t| t.as_str()) != Some("ptr") {
            continue;
        }
        let (Some(ip), Some(value)) = (
            v.get("name")
                .and_then(|t| t.as_str())
                .and_then(|s| s.parse::<IpAddr>().ok()),
            v.get("value").and_then(|t| t.as_str()),
        ) else {
            continue;
        };
        let Ok(name) = DnsName::parse(value) else {
            continue;
        };
        let a = ptr::analyze_ptr(ip, &name);
        if a.embeds_address()
            && let Some(r) = a.registrable
        {
            *count.entry(r.domain).or_default() += 1;
        }
    }
    count
        .into_iter()
        .filter(|(_, n)| *n >= k.provider_ptr_addresses)
        .map(|(d, _)| d)
        .collect()
}

impl EvidenceSource for Snapshot {
    fn networks(&self, ip: IpAddr) -> Vec<EvidenceNetwork<'_>> {
        self.registry.evidence_networks(ip)
    }

    fn networks_many<'s>(&'s self, ips: &[IpAddr], out: &mut Vec<Vec<EvidenceNetwork<'s>>>) {
        self.registry.evidence_networks_many(ips, out);
    }

    fn asn_abuse(&self, ip: IpAddr) -> Vec<(String, String)> {
        self.registry.asn_abuse(ip)
    }

    fn ptr_names(&self, ip: IpAddr) -> Vec<PtrName> {
        self.rdns
            .ptr_names(ip)
            .iter()
            .map(|name| {
                let a = ptr::analyze_ptr(ip, name);
                PtrName {
                    name: name.as_str().to_owned(),
                    domain: a.registrable.as_ref().map(|r| r.domain.clone()),
                    forward_confirmed: self.rdns.is_forward_confirmed(ip, name),
                    generic: self.knowledge.ptr_generic(&a),
                    source: "rdns.jsonl".to_owned(),
                }
            })
            .collect()
    }

    fn certs(&self, ip: IpAddr, now: DateTime<Utc>) -> Vec<CertSeen> {
        let Some(files) = self.certs.get(&ip) else {
            return Vec::new();
        };
        files
            .iter()
            .filter_map(|(name, port, bytes)| {
                let a = cert::analyze_cert(bytes, name, &self.trust, now).ok()?;
                let trusted = a.chain == cert::ChainStatus::Trusted;
                let class = self.knowledge.cert_class(&a);
                Some(CertSeen {
                    source: name.clone(),
                    port: *port,
                    subject_org: a.subject_o.clone(),
                    common_name: a.subject_cn.clone(),
                    domains: a.registrable_domains.clone(),
                    trusted,
                    class,
                })
            })
            .collect()
    }

    fn security_txt(&self, domain: &str, now: DateTime<Utc>) -> Option<SecurityTxt> {
        let (name, bytes) = self.securitytxt.get(&domain.to_lowercase())?;
        Some(judge_security_txt(domain, name, bytes, now))
    }

    fn prefix_override(&self, ip: IpAddr) -> Option<Override> {
        self.overrides.for_ip(ip).cloned()
    }

    fn domain_override(&self, domain: &str) -> Option<Override> {
        self.overrides.for_domain(domain).cloned()
    }

    fn is_provider_domain(&self, domain: &str) -> bool {
        self.is_registry_provider_domain(domain) || self.provider_ptr_domains.contains(domain)
    }

    fn is_provider_org(&self, handle_or_name: &str) -> bool {
        self.provider_orgs
            .contains(&handle_or_name.to_ascii_uppercase())
            || self.provider_orgs.contains(&handle_or_name.to_lowercase())
    }
}

/// Judges a security.txt body at `now`: valid and unexpired, expired, or invalid. A bare e-mail
/// address in `Contact` counts as an e-mail contact although the validator flags it.
pub(crate) fn judge_security_txt(
    domain: &str,
    source: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> SecurityTxt {
    use securitytxt::{Code, ContactKind, Severity};
    let mut out = SecurityTxt {
        domain: domain.to_lowercase(),
        source: source.to_owned(),
        status: SecurityTxtStatus::Invalid("unreadable".to_owned()),
        emails: Vec::new(),
        others: Vec::new(),
        languages: Vec::new(),
    };
    let doc = match securitytxt::parse(bytes) {
        Ok(d) => d,
        Err(e) => {
            out.status = SecurityTxtStatus::Invalid(e.to_string());
            return out;
        }
    };
    let diags = securitytxt::validate(&doc, &securitytxt::Options::new(now));
    let view = doc.contact_view();
    for c in &view.contacts {
        match c.kind {
            ContactKind::Email => out.emails.push(c.address.to_string()),
            _ => out.others.push(c.address.to_string()),
        }
    }
    out.languages = view
        .preferred_languages
        .iter()
        .map(|l| l.trim().to_lowercase())
        .collect();
    let expired = diags.iter().any(|d| d.code == Code::Expired);
    // A bare e-mail Contact is `no_uri` with a `bare_email` hint at the same span.
    let bare_email = |d: &securitytxt::Diagnostic| {
        d.code == Code::NoUri
            && diags
                .iter()
                .any(|h| h.code == Code::BareEmail && h.span == d.span)
    };
    let invalid = diags.iter().find(|d| {
        d.severity == Severity::Error
            && !matches!(d.code, Code::Expired | Code::NoCanonicalMatch)
            && !bare_email(d)
    });
    out.status = if expired {
        SecurityTxtStatus::Expired
    } else if let Some(d) = invalid {
        SecurityTxtStatus::Invalid(format!("{}: {}", d.code.as_str(), d.message))
    } else {
        SecurityTxtStatus::Valid
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cert_file_names() {
        let v4 = cert_targets("192.0.2.1_443.pem");
        assert_eq!(
            v4,
            vec![(
                "192.0.2.1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0])),
                Some(443)
            )]
        );
        assert_eq!(cert_targets("192.0.2.1.pem").len(), 1);
        assert!(cert_targets("junk.pem").is_empty());
        // IPv6 with a port is ambiguous: both readings are kept.
        assert_eq!(cert_targets("2001_db8__1_443.pem").len(), 2);
    }
}
