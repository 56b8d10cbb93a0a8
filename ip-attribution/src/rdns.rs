//! Reader for Project-Sonar-style `rdns.jsonl` files and the in-memory DNS table built from them.
//!
//! Documented on [`RdnsTable`].

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::ptr::{DnsName, canonical_ip};
use crate::{Error, ErrorKind};

/// Longest accepted line in bytes (without the line ending).
pub const MAX_RDNS_LINE_LEN: usize = 4096;
/// Most lines read from one input; reading stops after this many with an error.
pub const MAX_RDNS_LINES: usize = 50_000_000;
/// Most distinct values kept for one address (PTR names) or one name (addresses).
pub const MAX_VALUES_PER_KEY: usize = 64;
/// Most CNAME steps followed when resolving a name's addresses.
pub const MAX_CNAME_DEPTH: usize = 8;

/// The caps a [`RdnsTable`] applies; [`Default`] gives the published constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RdnsLimits {
    /// Longest accepted line in bytes ([`MAX_RDNS_LINE_LEN`]).
    pub max_line_len: usize,
    /// Most lines read from one input ([`MAX_RDNS_LINES`]).
    pub max_lines: usize,
    /// Most distinct values per address or name ([`MAX_VALUES_PER_KEY`]).
    pub max_values_per_key: usize,
}

impl Default for RdnsLimits {
    fn default() -> Self {
        RdnsLimits {
            max_line_len: MAX_RDNS_LINE_LEN,
            max_lines: MAX_RDNS_LINES,
            max_values_per_key: MAX_VALUES_PER_KEY,
        }
    }
}

/// PTR and forward records held in memory.
///
/// One JSON object per line:
///
/// ```text
/// {"name": "192.0.2.10", "type": "ptr", "value": "mail.example.nl"}
/// {"name": "mail.example.nl", "type": "a", "value": "192.0.2.10"}
/// {"name": "www.example.nl", "type": "cname", "value": "mail.example.nl"}
/// ```
///
/// * `type` is `ptr`, `a`, `aaaa` or `cname` (any case). Other types (`mx`, `ns`, ...) are
///   counted in [`RdnsLoad::ignored`] and skipped without a problem report.
/// * A `ptr` record's `name` is the address: an address literal (`192.0.2.10`, `2001:db8::1`),
///   or its reverse-zone owner name (`10.2.0.192.in-addr.arpa`, 32 nibbles + `ip6.arpa`).
/// * Names are normalised with [`DnsName::parse`] (lowercase, no trailing dot, A-labels).
/// * `timestamp` (a number or a string of digits) and any other member are optional and ignored.
/// * Empty lines and a UTF-8 byte-order mark are skipped.
///
/// A malformed line is reported as an [`Error`] with the source name and its 1-based line number
/// and skipped; reading goes on. Caps: a line longer than [`MAX_RDNS_LINE_LEN`] bytes is
/// reported and skipped; after [`MAX_RDNS_LINES`] lines reading stops with a
/// [`ErrorKind::TooLarge`]; at most [`MAX_VALUES_PER_KEY`] distinct values are kept per address or
/// name (more are reported and dropped); CNAME chains are followed at most
/// [`MAX_CNAME_DEPTH`] steps. [`RdnsLimits`] lowers the first three caps for one table.
#[derive(Debug, Clone, Default)]
pub struct RdnsTable {
    ptr: HashMap<IpAddr, Vec<DnsName>>,
    forward: HashMap<DnsName, Vec<IpAddr>>,
    cname: HashMap<DnsName, DnsName>,
    records: usize,
    limits: RdnsLimits,
}

/// The result of reading one `rdns.jsonl` input.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct RdnsLoad {
    /// Lines read (including empty and skipped lines).
    pub lines: usize,
    /// Records added to the table.
    pub records: usize,
    /// Well-formed lines of a record type the table does not hold (e.g. `mx`).
    pub ignored: usize,
    /// Malformed or over-cap lines, each with source name and line number, in input order.
    pub problems: Vec<Error>,
}

impl RdnsTable {
    /// An empty table with the default limits.
    pub fn new() -> RdnsTable {
        RdnsTable::default()
    }

    /// An empty table with other limits (smaller caps for tests or constrained callers).
    pub fn with_limits(limits: RdnsLimits) -> RdnsTable {
        RdnsTable {
            limits,
            ..RdnsTable::default()
        }
    }

    /// The limits this table applies.
    pub fn limits(&self) -> RdnsLimits {
        self.limits
    }

    /// Read a whole `rdns.jsonl` input into a new table.
    ///
    /// ```
    /// use ip_attribution::RdnsTable;
    /// let data = br#"{"name": "192.0.2.10", "type": "ptr", "value": "Mail.Example.NL."}
    /// {"name": "mail.example.nl", "type": "a", "value": "192.0.2.10"}
    /// not json
    /// "#;
    /// let (table, load) = RdnsTable::from_jsonl(data, "rdns.jsonl");
    /// assert_eq!(load.records, 2);
    /// assert_eq!(load.problems.len(), 1); // line 3
    /// let ip = "192.0.2.10".parse().unwrap();
    /// assert_eq!(table.forward_confirmed(ip)[0].as_str(), "mail.example.nl");
    /// ```
    pub fn from_jsonl(bytes: &[u8], source_name: &str) -> (RdnsTable, RdnsLoad) {
        let mut table = RdnsTable::new();
        let load = table.extend_from_jsonl(bytes, source_name);
        (table, load)
    }

    /// Add the records of one `rdns.jsonl` input to this table.
    pub fn extend_from_jsonl(&mut self, bytes: &[u8], source_name: &str) -> RdnsLoad {
        let mut load = RdnsLoad::default();
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // The empty piece after a final newline is not a line.
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        if bytes.is_empty() {
            return load;
        }
        for (idx, raw_line) in bytes.split(|b| *b == b'\n').enumerate() {
            let line_no = idx + 1;
            if idx >= self.limits.max_lines {
                load.problems.push(Error::new(
                    source_name.to_owned(),
                    line_no,
                    ErrorKind::TooLarge {
                        what: "rdns.jsonl lines",
                        max: self.limits.max_lines,
                        len: line_no,
                    },
                ));
                break;
            }
            load.lines = line_no;
            let line = raw_line.strip_suffix(b"\r").unwrap_or(raw_line);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if line.len() > self.limits.max_line_len {
                load.problems.push(Error::new(
                    source_name.to_owned(),
                    line_no,
                    ErrorKind::TooLarge {
                        what: "rdns.jsonl line bytes",
                        max: self.limits.max_line_len,
                        len: line.len(),
                    },
                ));
                continue;
            }
            match self.add_line(line) {
                Ok(true) => load.records += 1,
                Ok(false) => load.ignored += 1,
                Err(message) => load.problems.push(Error::new(
                    source_name.to_owned(),
                    line_no,
                    ErrorKind::Input { message },
                )),
            }
        }
        load
    }

    /// Parse and add one line; `Ok(false)` for a record type that is not held.
    fn add_line(&mut self, line: &[u8]) -> Result<bool, String> {
        let value: serde_json::Value =
            serde_json::from_slice(line).map_err(|e| format!("not a JSON record: {e}"))?;
        let obj = value
            .as_object()
            .ok_or_else(|| "not a JSON object".to_owned())?;
        let field = |key: &str| -> Result<&str, String> {
            match obj.get(key) {
                Some(serde_json::Value::String(s)) => Ok(s.trim()),
                Some(_) => Err(format!("member {key:?} is not a string")),
                None => Err(format!("member {key:?} is missing")),
            }
        };
        if let Some(ts) = obj.get("timestamp") {
            let ok = match ts {
                serde_json::Value::Number(_) | serde_json::Value::Null => true,
                serde_json::Value::String(s) => {
                    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
                }
                _ => false,
            };
            if !ok {
                return Err("timestamp is neither a number nor a string of digits".into());
            }
        }
        let typ = field("type")?;
        let name = field("name")?;
        let value = field("value")?;
        if typ.eq_ignore_ascii_case("ptr") {
            let ip = parse_ptr_owner(name)
                .ok_or_else(|| format!("ptr record: {name:?} is not an address or reverse name"))?;
            let target = DnsName::parse(value).map_err(|e| format!("ptr record value: {e}"))?;
            if !self.insert_ptr(ip, target) {
                return Err(format!(
                    "more than {} PTR names for {ip}: dropped",
                    self.limits.max_values_per_key
                ));
            }
        } else if typ.eq_ignore_ascii_case("a") || typ.eq_ignore_ascii_case("aaaa") {
            let owner = DnsName::parse(name).map_err(|e| format!("{typ} record name: {e}"))?;
            let ip: IpAddr = value
                .parse()
                .map_err(|_| format!("{typ} record: {value:?} is not an address"))?;
            let family_ok = if typ.eq_ignore_ascii_case("a") {
                ip.is_ipv4()
            } else {
                ip.is_ipv6()
            };
            if !family_ok {
                return Err(format!(
                    "{typ} record: {value:?} is of the wrong address family"
                ));
            }
            if !self.insert_forward(owner, ip) {
                return Err(format!(
                    "more than {} addresses for {name}: {ip} dropped",
                    self.limits.max_values_per_key
                ));
            }
        } else if typ.eq_ignore_ascii_case("cname") {
            let owner = DnsName::parse(name).map_err(|e| format!("cname record name: {e}"))?;
            let target = DnsName::parse(value).map_err(|e| format!("cname record value: {e}"))?;
            self.insert_cname(owner, target);
        } else if typ.is_empty() {
            return Err("empty record type".into());
        } else {
            return Ok(false);
        }
        self.records += 1;
        Ok(true)
    }

    /// Record that `ip` has the PTR name `name`. Returns `false` (and drops the name) when the
    /// address already holds the cap ([`MAX_VALUES_PER_KEY`] by default) of other names.
    pub fn insert_ptr(&mut self, ip: IpAddr, name: DnsName) -> bool {
        let list = self.ptr.entry(canonical_ip(ip)).or_default();
        if list.contains(&name) {
            return true;
        }
        if list.len() >= self.limits.max_values_per_key {
            return false;
        }
        list.push(name);
        true
    }

    /// Record that `name` has the address `ip` (A or AAAA). Returns `false` (and drops the
    /// address) when the name already holds the cap ([`MAX_VALUES_PER_KEY`] by default) of other
    /// addresses.
    pub fn insert_forward(&mut self, name: DnsName, ip: IpAddr) -> bool {
        let ip = canonical_ip(ip);
        let list = self.forward.entry(name).or_default();
        if list.contains(&ip) {
            return true;
        }
        if list.len() >= self.limits.max_values_per_key {
            return false;
        }
        list.push(ip);
        true
    }

    /// Record that `alias` is a CNAME for `target` (a later record replaces an earlier one).
    pub fn insert_cname(&mut self, alias: DnsName, target: DnsName) {
        self.cname.insert(alias, target);
    }

    /// The PTR names of `ip`, in input order.
    pub fn ptr_names(&self, ip: IpAddr) -> &[DnsName] {
        self.ptr.get(&canonical_ip(ip)).map_or(&[], Vec::as_slice)
    }

    /// The A/AAAA addresses of `name`, following CNAMEs up to [`MAX_CNAME_DEPTH`] steps (cycles
    /// end the walk).
    pub fn forward_addresses(&self, name: &DnsName) -> Vec<IpAddr> {
        let mut out: Vec<IpAddr> = Vec::new();
        let mut current = name;
        let mut seen: Vec<&DnsName> = Vec::new();
        for _ in 0..=MAX_CNAME_DEPTH {
            if let Some(list) = self.forward.get(current) {
                for ip in list {
                    if !out.contains(ip) {
                        out.push(*ip);
                    }
                }
            }
            seen.push(current);
            match self.cname.get(current) {
                Some(next) if !seen.contains(&next) => current = next,
                _ => break,
            }
        }
        out
    }

    /// The PTR names of `ip` whose forward addresses include `ip`, in input order.
    pub fn forward_confirmed(&self, ip: IpAddr) -> Vec<&DnsName> {
        let want = canonical_ip(ip);
        self.ptr_names(want)
            .iter()
            .filter(|n| self.forward_addresses(n).contains(&want))
            .collect()
    }

    /// Whether `name` is a PTR name of `ip` and forward-confirmed.
    pub fn is_forward_confirmed(&self, ip: IpAddr, name: &DnsName) -> bool {
        let want = canonical_ip(ip);
        self.ptr_names(want).contains(name) && self.forward_addresses(name).contains(&want)
    }

    /// Records held (after de-duplication of PTR and address lists, counting every accepted
    /// line).
    pub fn records(&self) -> usize {
        self.records
    }

    /// The addresses that have at least one PTR name (in no particular order).
    pub fn ptr_ips(&self) -> impl Iterator<Item = IpAddr> + '_ {
        self.ptr.keys().copied()
    }

    /// The names that have at least one A/AAAA address (in no particular order).
    pub fn forward_names(&self) -> impl Iterator<Item = &DnsName> + '_ {
        self.forward.keys()
    }

    /// Number of addresses with at least one PTR name.
    pub fn ptr_len(&self) -> usize {
        self.ptr.len()
    }

    /// Number of names with at least one address.
    pub fn forward_len(&self) -> usize {
        self.forward.len()
    }

    /// Whether the table holds nothing.
    pub fn is_empty(&self) -> bool {
        self.ptr.is_empty() && self.forward.is_empty() && self.cname.is_empty()
    }
}

/// The address a PTR record's owner name stands for: an address literal, a
/// `d.c.b.a.in-addr.arpa` name, or a 32-nibble `ip6.arpa` name (case and a trailing dot are
/// ignored).
///
/// ```
/// use ip_attribution::parse_ptr_owner;
/// assert_eq!(parse_ptr_owner("10.2.0.192.in-addr.arpa."), "192.0.2.10".parse().ok());
/// assert_eq!(parse_ptr_owner("2001:db8::1"), "2001:db8::1".parse().ok());
/// ```
pub fn parse_ptr_owner(owner: &str) -> Option<IpAddr> {
    let owner = owner.trim();
    if let Ok(ip) = owner.parse::<IpAddr>() {
        return Some(ip);
    }
    let lower = owner
        .strip_suffix('.')
        .unwrap_or(owner)
        .to_ascii_lowercase();
    if let Some(rest) = lower.strip_suffix(".in-addr.arpa") {
        let parts: Vec<&str> = rest.split('.').collect();
        if parts.len() != 4 {
            return None;
        }
        let mut octets = [0u8; 4];
        for (slot, part) in octets.iter_mut().rev().zip(parts.iter()) {
            if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            *slot = part.parse().ok()?;
        }
        return Some(IpAddr::V4(Ipv4Addr::from(octets)));
    }
    if let Some(rest) = lower.strip_suffix(".ip6.arpa") {
        let parts: Vec<&str> = rest.split('.').collect();
        if parts.len() != 32 {
            return None;
        }
        let mut value: u128 = 0;
        for part in parts.iter().rev() {
            if part.len() != 1 {
                return None;
            }
            let d = u128::from(u8::from_str_radix(part, 16).ok()?);
            value = (value << 4) | d;
        }
        return Some(IpAddr::V6(Ipv6Addr::from(value)));
    }
    None
}
