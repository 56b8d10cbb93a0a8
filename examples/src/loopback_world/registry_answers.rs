//! The registry side of the world, sans-IO: registry dumps and saved answers in, port-43 answer
//! texts out.
//!
//! Every object is kept as the text it was written in (so an answer shows exactly what the dump
//! holds) beside the typed view `ip-attribution`'s RPSL reader gives it (so only objects that
//! reader accepts are served, and ranges and references come from the same parser the daily run
//! uses).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;

use ip_attribution::{IpRange, Knowledge, RpslNetwork, RpslObject, RpslReader};

/// How a registry's port-43 server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum WhoisStyle {
    /// RIPE Database style (also used for APNIC and AFRINIC): `-L` for less specifics, the
    /// `% Abuse contact` comment, referenced objects appended.
    Ripe,
    /// ARIN: `n + <ip>`, `# start`/`# end` sections, least specific first.
    Arin,
    /// LACNIC: the most specific `inetnum` and the persons it names.
    Lacnic,
}

impl WhoisStyle {
    /// The style a registry name (`ripe`, `arin`, `lacnic`, `apnic`...) answers in.
    pub fn of_registry(rir: &str) -> Self {
        match rir {
            "arin" => Self::Arin,
            "lacnic" => Self::Lacnic,
            _ => Self::Ripe,
        }
    }
}

/// One stored object: its class, primary key, text and what it points at.
#[derive(Debug, Clone)]
struct Stored {
    text: String,
    range: Option<IpRange>,
    /// Handles this object references (org, abuse-c, admin-c, tech-c, mnt-irt).
    refs: Vec<String>,
    /// The abuse mailbox this object resolves by itself (network: its abuse-c role's;
    /// organisation: its abuse-c role's), filled after loading.
    own_abuse: Option<String>,
    placeholder: bool,
}

/// The objects of one registry, as its port-43 server answers them.
#[derive(Debug, Default, Clone)]
pub struct RegistryDatabase {
    objects: Vec<Stored>,
    /// Indexes of network objects.
    networks: Vec<usize>,
    /// Primary key (upper-cased) → object, for org, role, person, irt, aut-num (`AS64496`).
    by_key: HashMap<String, usize>,
    /// Routes: prefix, origin, object.
    routes: Vec<(ipnet::IpNet, u32, usize)>,
    /// `% Abuse contact` comments from saved answers, by range.
    comments: HashMap<IpRange, Option<String>>,
    /// ARIN answer sections (text between `# start` and `# end`) with their network range.
    arin_sections: Vec<(IpRange, String)>,
    network_ranges: HashSet<IpRange>,
    route_keys: HashSet<(ipnet::IpNet, u32)>,
    /// Typed objects that were read (served or not), for checks.
    read: usize,
    /// Objects the reader refused (malformed), not served.
    refused: usize,
}

impl RegistryDatabase {
    /// Adds one registry file (dump or saved answer), plain text (decompress first).
    pub fn add_file(&mut self, name: &str, text: &str) {
        if text.contains("\nNetRange:") || text.starts_with("NetRange:") {
            self.add_arin(name, text);
            return;
        }
        // Abuse comments live in comment lines: read them from the whole file.
        for item in RpslReader::from_slice(name.to_owned(), text.as_bytes()) {
            if let Ok(RpslObject::AbuseComment(c)) = item {
                self.comments.insert(c.range, c.mailbox);
            }
        }
        // Objects: each paragraph (blank-line separated, leading comment lines dropped) read
        // on its own, so the text served is exactly the object's.
        let mut current = String::new();
        let mut paragraphs = Vec::new();
        for line in text.lines() {
            if line.trim().is_empty() {
                if !current.is_empty() {
                    paragraphs.push(std::mem::take(&mut current));
                }
                continue;
            }
            if current.is_empty() && (line.starts_with('%') || line.starts_with('#')) {
                continue;
            }
            current.push_str(line);
            current.push('\n');
        }
        if !current.is_empty() {
            paragraphs.push(current);
        }
        for paragraph in paragraphs {
            for item in RpslReader::from_slice(name.to_owned(), paragraph.as_bytes()) {
                match item {
                    Ok(RpslObject::AbuseComment(_)) => {}
                    Ok(object) => {
                        self.read += 1;
                        self.add_object(object, paragraph.clone());
                    }
                    Err(_) => self.refused += 1,
                }
            }
        }
    }

    fn add_object(&mut self, object: RpslObject, text: String) {
        let at = self.objects.len();
        let mut stored = Stored {
            text,
            range: None,
            refs: Vec::new(),
            own_abuse: None,
            placeholder: false,
        };
        match object {
            RpslObject::Network(n) => {
                stored.range = Some(n.range);
                stored.placeholder = Knowledge::builtin_ref().placeholder_reason(&n).is_some();
                stored.refs.extend(n.org.iter().cloned());
                stored.refs.extend(n.abuse_c.iter().cloned());
                stored.refs.extend(n.admin_c.iter().cloned());
                stored.refs.extend(n.tech_c.iter().cloned());
                stored.refs.extend(n.mnt_irt.iter().cloned());
                // The same range twice (a dump and a saved answer): the first one stays.
                if !self.network_ranges.insert(n.range) {
                    return;
                }
                self.networks.push(at);
            }
            RpslObject::Organisation(o) => {
                stored.refs.extend(o.abuse_c.iter().cloned());
                if !self.insert_key(&o.handle, at) {
                    return;
                }
            }
            RpslObject::Contact(c) => {
                if !self.insert_key(&c.nic_hdl, at) {
                    return;
                }
            }
            RpslObject::Irt(i) => {
                if !self.insert_key(&i.handle, at) {
                    return;
                }
            }
            RpslObject::AutNum(a) => {
                stored.refs.extend(a.org.iter().cloned());
                stored.refs.extend(a.abuse_c.iter().cloned());
                if !self.insert_key(&format!("AS{}", a.asn), at) {
                    return;
                }
            }
            RpslObject::Route(r) => {
                if !self.route_keys.insert((r.prefix, r.origin)) {
                    return;
                }
                self.routes.push((r.prefix, r.origin, at));
            }
            RpslObject::Mntner(m) => {
                if !self.insert_key(&m.handle, at) {
                    return;
                }
            }
            _ => return,
        }
        self.objects.push(stored);
    }

    fn insert_key(&mut self, key: &str, at: usize) -> bool {
        let key = key.trim().to_ascii_uppercase();
        if self.by_key.contains_key(&key) {
            return false;
        }
        self.by_key.insert(key, at);
        true
    }

    fn add_arin(&mut self, name: &str, text: &str) {
        let mut sections: Vec<String> = Vec::new();
        let mut current: Option<String> = None;
        for line in text.lines() {
            match line.trim() {
                "# start" => current = Some(String::new()),
                "# end" => {
                    if let Some(s) = current.take() {
                        sections.push(s);
                    }
                }
                _ => {
                    if let Some(s) = current.as_mut() {
                        s.push_str(line);
                        s.push('\n');
                    }
                }
            }
        }
        if sections.is_empty() {
            sections.push(text.to_owned());
        }
        for section in sections {
            let range =
                RpslReader::from_slice(name.to_owned(), section.as_bytes()).find_map(|o| match o {
                    Ok(RpslObject::Network(n)) => Some(n.range),
                    _ => None,
                });
            self.read += 1;
            match range {
                Some(r) if !self.arin_sections.iter().any(|(x, _)| *x == r) => {
                    self.arin_sections.push((r, section));
                }
                Some(_) => {}
                None => self.refused += 1,
            }
        }
    }

    /// Resolves every object's own abuse mailbox (call once after the last file).
    pub fn finish(&mut self) {
        // Role/person abuse mailboxes by handle, from the typed view of their text.
        let mailbox_of = |db: &Self, handle: &str| -> Option<String> {
            let i = *db.by_key.get(&handle.trim().to_ascii_uppercase())?;
            let text = &db.objects.get(i)?.text;
            match RpslReader::from_slice("object", text.as_bytes()).next()? {
                Ok(RpslObject::Contact(c)) => c.abuse_mailbox,
                _ => None,
            }
        };
        let mut own: Vec<Option<String>> = Vec::with_capacity(self.objects.len());
        for stored in &self.objects {
            let typed = RpslReader::from_slice("object", stored.text.as_bytes()).next();
            let found = match typed {
                Some(Ok(RpslObject::Network(n))) => network_abuse(self, &n, &mailbox_of),
                _ => None,
            };
            own.push(found);
        }
        for (stored, found) in self.objects.iter_mut().zip(own) {
            stored.own_abuse = found;
        }
        // Networks from least to most specific (widest first, then by start).
        let objects = &self.objects;
        self.networks.sort_by_key(|&i| {
            objects
                .get(i)
                .and_then(|o| o.range)
                .map(|r| (std::cmp::Reverse(r.span()), r.start()))
        });
        self.arin_sections
            .sort_by_key(|(r, _)| (std::cmp::Reverse(r.span()), r.start()));
    }

    /// The ranges of the networks this registry holds that are not placeholders (IANA blocks,
    /// `NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK`), for the IANA-style root's referrals.
    pub fn delegated_ranges(&self) -> Vec<IpRange> {
        let mut out: Vec<IpRange> = self
            .networks
            .iter()
            .filter_map(|&i| self.objects.get(i))
            .filter(|o| !o.placeholder)
            .filter_map(|o| o.range)
            .collect();
        out.extend(self.arin_sections.iter().map(|(r, _)| *r));
        out
    }

    /// How many objects the reader gave (served or not) and how many it refused.
    pub fn counts(&self) -> (usize, usize) {
        (self.read, self.refused)
    }

    /// Networks covering `ip`, least specific first.
    fn covering(&self, range: &IpRange) -> Vec<usize> {
        self.networks
            .iter()
            .copied()
            .filter(|&i| {
                self.objects.get(i).and_then(|o| o.range).is_some_and(|r| {
                    r.is_ipv4() == range.is_ipv4()
                        && r.start() <= range.start()
                        && r.end() >= range.end()
                })
            })
            .collect()
    }

    /// A RIPE-style answer to `query` (flags and one key).
    pub fn ripe_answer(&self, query: &str, source: &str) -> String {
        let mut less_specific = false;
        let mut recursive = true;
        let mut key: Option<&str> = None;
        let mut tokens = query.split_whitespace();
        while let Some(t) = tokens.next() {
            match t {
                "-L" => less_specific = true,
                "-r" => recursive = false,
                "-B" | "-G" | "-b" | "--no-filtering" | "--no-grouping" => {}
                "-s" | "-T" | "-i" | "-V" => {
                    tokens.next();
                }
                t if t.starts_with('-') => {
                    return format!(
                        "{}%ERROR:111: invalid option supplied\n%\n% Use help query to see the valid options.\n\n{}",
                        ripe_header(),
                        ripe_footer()
                    );
                }
                t => key = Some(t),
            }
        }
        let Some(key) = key else {
            return format!(
                "{}%ERROR:106: no search key specified\n\n{}",
                ripe_header(),
                ripe_footer()
            );
        };
        let mut out = ripe_header();
        let mut shown: HashSet<usize> = HashSet::new();
        let body_start = out.len();
        if let Some(range) = IpRange::parse(key) {
            let covering = self.covering(&range);
            let chosen: Vec<usize> = if less_specific {
                covering
            } else {
                covering.last().copied().into_iter().collect()
            };
            for &i in &chosen {
                let Some(net) = self.objects.get(i) else {
                    continue;
                };
                let Some(range) = net.range else { continue };
                let written = primary_key(&net.text);
                out.push_str(&format!("% Information related to '{written}'\n\n"));
                match self.abuse_for(i, &range) {
                    Some(Some(mailbox)) => out.push_str(&format!(
                        "% Abuse contact for '{written}' is '{mailbox}'\n\n"
                    )),
                    Some(None) => {
                        out.push_str(&format!("% No abuse contact registered for {written}\n\n"))
                    }
                    None => {}
                }
                self.show(i, recursive, &mut shown, &mut out, source);
            }
            // The most specific route(s) covering the key.
            let best = self
                .routes
                .iter()
                .filter(|(p, _, _)| {
                    IpRange::from_net(*p).start() <= range.start()
                        && IpRange::from_net(*p).end() >= range.end()
                        && IpRange::from_net(*p).is_ipv4() == range.is_ipv4()
                })
                .map(|(p, _, _)| p.prefix_len())
                .max();
            if let Some(len) = best {
                for (p, origin, i) in &self.routes {
                    if p.prefix_len() == len
                        && IpRange::from_net(*p).start() <= range.start()
                        && IpRange::from_net(*p).end() >= range.end()
                        && IpRange::from_net(*p).is_ipv4() == range.is_ipv4()
                    {
                        out.push_str(&format!("% Information related to '{p}AS{origin}'\n\n"));
                        self.show(*i, false, &mut shown, &mut out, source);
                    }
                }
            }
        } else if let Some(&i) = self.by_key.get(&key.to_ascii_uppercase()) {
            self.show(i, recursive, &mut shown, &mut out, source);
        }
        if out.len() == body_start {
            out.push_str(&format!(
                "%ERROR:101: no entries found\n%\n% No entries found in source {source}.\n\n"
            ));
        }
        out.push_str(&ripe_footer());
        out
    }

    /// The abuse contact comment of a network: `Some(Some(addr))` when the network resolves one
    /// by itself or a saved answer said so, `Some(None)` when a saved answer said there is none,
    /// `None` to print no comment.
    fn abuse_for(&self, i: usize, range: &IpRange) -> Option<Option<String>> {
        if let Some(own) = self.objects.get(i).and_then(|o| o.own_abuse.clone()) {
            return Some(Some(own));
        }
        self.comments.get(range).cloned()
    }

    /// Appends object `i` and (when `recursive`) the objects it references, each once.
    fn show(
        &self,
        i: usize,
        recursive: bool,
        shown: &mut HashSet<usize>,
        out: &mut String,
        source: &str,
    ) {
        let mut queue = vec![i];
        while let Some(j) = queue.pop() {
            if !shown.insert(j) {
                continue;
            }
            let Some(o) = self.objects.get(j) else {
                continue;
            };
            out.push_str(&filtered(&o.text, source));
            out.push('\n');
            if recursive {
                // Pushed in reverse so they come out in the order written.
                for r in o.refs.iter().rev() {
                    if let Some(&k) = self.by_key.get(&r.trim().to_ascii_uppercase())
                        && !shown.contains(&k)
                    {
                        queue.push(k);
                    }
                }
            }
        }
    }

    /// An ARIN-style answer to `query` (`n + <ip>` or a bare address).
    pub fn arin_answer(&self, query: &str) -> String {
        let key = query
            .split_whitespace()
            .rfind(|t| *t != "n" && *t != "+" && !t.starts_with('-'))
            .unwrap_or("");
        let mut out = arin_banner();
        let sections: Vec<&String> = match IpRange::parse(key) {
            Some(range) => self
                .arin_sections
                .iter()
                .filter(|(r, _)| {
                    r.is_ipv4() == range.is_ipv4()
                        && r.start() <= range.start()
                        && r.end() >= range.end()
                })
                .map(|(_, s)| s)
                .collect(),
            None => Vec::new(),
        };
        if sections.is_empty() {
            out.push_str(&format!("\nNo match found for {}.\n\n", query.trim()));
        }
        for s in sections {
            out.push_str("\n# start\n");
            out.push_str(s);
            out.push_str("# end\n\n");
        }
        out.push_str(&arin_banner());
        out
    }

    /// A LACNIC-style answer: the most specific `inetnum` covering the key and the persons it
    /// names, or for a prefix key written as the object's own, that object.
    pub fn lacnic_answer(&self, query: &str) -> String {
        let key = query.split_whitespace().next_back().unwrap_or("");
        let mut out = String::from(
            "\n% Joint Whois - whois.lacnic.net\n%  This server accepts single ASN, IPv4 or IPv6 queries\n\n",
        );
        let mut shown = HashSet::new();
        match IpRange::parse(key).and_then(|r| self.covering(&r).last().copied()) {
            Some(i) => {
                self.show(i, true, &mut shown, &mut out, "LACNIC");
            }
            None => out.push_str("%% No match found\n\n"),
        }
        out.push_str("% whois.lacnic.net accepts only direct match queries.\n% Types of queries are: POCs, ownerid, CIDR blocks, IP\n% and AS numbers.\n\n");
        out
    }
}

/// ARIN's answer for a range another registry holds: a network naming that registry and a
/// `ReferralServer: whois://SERVER` line (`SERVER` is `host` or `host:port`).
pub fn arin_referral(range: Option<IpRange>, server: &str) -> String {
    let (start, end) = range.map_or_else(
        || ("0.0.0.0".to_owned(), "255.255.255.255".to_owned()),
        |r| (r.start().to_string(), r.end().to_string()),
    );
    let mut out = arin_banner();
    out.push_str(&format!(
        "\nNetRange:       {start} - {end}\nNetName:        TRANSFERRED-ELSEWHERE\nNetHandle:      NET-TRANSFERRED-1\nNetType:        Early Registrations, Transferred to another RIR\nComment:        These addresses were transferred to another registry.\nReferralServer: whois://{server}\n\n"
    ));
    out.push_str(&arin_banner());
    out
}

fn network_abuse(
    db: &RegistryDatabase,
    n: &RpslNetwork,
    mailbox_of: &dyn Fn(&RegistryDatabase, &str) -> Option<String>,
) -> Option<String> {
    for h in &n.abuse_c {
        if let Some(m) = mailbox_of(db, h) {
            return Some(m);
        }
    }
    if let Some(m) = &n.abuse_mailbox {
        return Some(m.clone());
    }
    let org = n.org.as_deref()?;
    let oi = *db.by_key.get(&org.trim().to_ascii_uppercase())?;
    let text = &db.objects.get(oi)?.text;
    match RpslReader::from_slice("object", text.as_bytes()).next()? {
        Ok(RpslObject::Organisation(o)) => o
            .abuse_c
            .as_deref()
            .and_then(|h| mailbox_of(db, h))
            .or(o.abuse_mailbox),
        _ => None,
    }
}

/// The primary key as written in the object's first line.
fn primary_key(text: &str) -> String {
    text.lines()
        .next()
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

/// RIPE marks filtered output on the `source:` line.
fn filtered(text: &str, source: &str) -> String {
    if source != "RIPE" {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("source:")
            && !v.contains('#')
        {
            out.push_str(&format!("source:{v} # Filtered\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn ripe_header() -> String {
    "% This is the RIPE Database query service.\n% The objects are in RPSL format.\n%\n% The RIPE Database is subject to Terms and Conditions.\n% See https://docs.db.ripe.net/terms-conditions.html\n\n% Note: this output has been filtered.\n%       To receive output for a database update, use the \"-B\" flag.\n\n".to_owned()
}

fn ripe_footer() -> String {
    "% This query was served by the RIPE Database Query Service version 1.120 (LOOPBACK)\n\n\n"
        .to_owned()
}

fn arin_banner() -> String {
    "#\n# ARIN WHOIS data and services are subject to the Terms of Use\n# available at: https://www.arin.net/resources/registry/whois/tou/\n#\n# If you see inaccuracies in the results, please report at\n# https://www.arin.net/resources/registry/whois/inaccuracy_reporting/\n#\n# Copyright 1997-2026, American Registry for Internet Numbers, Ltd.\n#\n\n".to_owned()
}

/// Which registry answers for which ranges: the IANA-style root's table.
#[derive(Debug, Default, Clone)]
pub struct Delegations {
    /// (range, registry name), widest first.
    entries: Vec<(IpRange, String)>,
}

impl Delegations {
    /// Builds the table from each registry's own (non-placeholder) ranges; where two
    /// registries hold overlapping ranges, the wider range's registry is asked.
    pub fn new(
        registries: &BTreeMap<String, RegistryDatabase>,
        extra: &[(IpRange, String)],
    ) -> Self {
        let mut entries: Vec<(IpRange, String)> = Vec::new();
        for (rir, db) in registries {
            for r in db.delegated_ranges() {
                entries.push((r, rir.clone()));
            }
        }
        entries.extend(extra.iter().cloned());
        entries.sort_by_key(|(r, _)| (std::cmp::Reverse(r.span()), r.start()));
        Self { entries }
    }

    /// The registry for `ip`, and the widest range it was delegated by.
    pub fn registry_for(&self, ip: IpAddr) -> Option<(&IpRange, &str)> {
        self.entries
            .iter()
            .find(|(r, _)| r.contains(ip))
            .map(|(r, n)| (r, n.as_str()))
    }
}

/// The IANA-style root's answer for `query`: `refer:` to the registry's server name (with
/// `:port` when `port` is given), or an IANA "not delegated" answer.
pub fn iana_answer(
    delegations: &Delegations,
    query: &str,
    refer: &dyn Fn(&str) -> String,
) -> String {
    let key = query.split_whitespace().next_back().unwrap_or("");
    let mut out = String::from(
        "% IANA WHOIS server\n% for more information on IANA, visit http://www.iana.org\n% This query returned 1 object\n\n",
    );
    let ip = key
        .parse::<IpAddr>()
        .ok()
        .or_else(|| IpRange::parse(key).map(|r| r.start()));
    match ip.and_then(|ip| delegations.registry_for(ip)) {
        Some((range, rir)) => {
            let server = refer(rir);
            let range_text = match range.as_cidr() {
                Some(net) if !range.is_ipv4() => net.to_string(),
                _ => range.to_string(),
            };
            let class = if range.is_ipv4() {
                "inetnum"
            } else {
                "inet6num"
            };
            out.push_str(&format!(
                "refer:        {server}\n\n{class}:{pad}{range_text}\norganisation: {org}\nstatus:       ALLOCATED\n\nwhois:        {server}\n\nchanged:      2026-01\nsource:       IANA\n\n",
                pad = if range.is_ipv4() { "      " } else { "     " },
                org = rir.to_ascii_uppercase(),
            ));
        }
        None => out.push_str(&format!(
            "% Error: {key} is not delegated to a registry of this world\n\n"
        )),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> RegistryDatabase {
        let mut db = RegistryDatabase::default();
        db.add_file(
            "ripe.db",
            "inet6num:       2001:db8::/32\nnetname:        SIX\norg:            ORG-A\nstatus:         ALLOCATED-BY-RIR\nsource:         RIPE\n\n\
             organisation:   ORG-A\norg-name:       A\nabuse-c:        AB1-TEST\nsource:         RIPE\n\n\
             role:           A abuse\nnic-hdl:        AB1-TEST\nabuse-mailbox:  abuse@a.example\nsource:         RIPE\n\n\
             route6:         2001:db8::/32\norigin:         AS64500\nsource:         RIPE\n\n\
             inetnum:        not a range\nnetname:        BROKEN\nsource:         RIPE\n",
        );
        db.finish();
        db
    }

    #[test]
    fn ipv6_answer_has_the_network_its_references_the_route_and_the_abuse_comment() {
        let text = db().ripe_answer("-L 2001:db8::1", "RIPE");
        assert!(
            text.contains("% Information related to '2001:db8::/32'"),
            "{text}"
        );
        assert!(
            text.contains("% Abuse contact for '2001:db8::/32' is 'abuse@a.example'"),
            "{text}"
        );
        assert!(text.contains("organisation:   ORG-A"), "{text}");
        assert!(text.contains("nic-hdl:        AB1-TEST"), "{text}");
        assert!(
            text.contains("% Information related to '2001:db8::/32AS64500'"),
            "{text}"
        );
        assert!(text.contains("source:         RIPE # Filtered"), "{text}");
        assert!(!text.contains("BROKEN"), "{text}");
        assert_eq!(db().counts().1, 1, "the broken object is refused");
    }

    #[test]
    fn unknown_flags_missing_keys_and_no_match_are_ripe_errors() {
        let db = db();
        assert!(
            db.ripe_answer("-Z 2001:db8::1", "RIPE")
                .contains("%ERROR:111")
        );
        assert!(db.ripe_answer("-L", "RIPE").contains("%ERROR:106"));
        assert!(db.ripe_answer("3fff::1", "RIPE").contains("%ERROR:101"));
        // -r: no referenced objects.
        let text = db.ripe_answer("-r 2001:db8::1", "RIPE");
        assert!(!text.contains("organisation:"), "{text}");
    }

    #[test]
    fn iana_refers_the_widest_range_and_says_when_nothing_holds_an_address() {
        let mut registries = BTreeMap::new();
        registries.insert("ripe".to_owned(), db());
        let delegations = Delegations::new(&registries, &[]);
        let text = iana_answer(&delegations, "2001:db8::5", &|r| format!("whois.{r}.net"));
        assert!(text.contains("refer:        whois.ripe.net"), "{text}");
        assert!(text.contains("inet6num:     2001:db8::/32"), "{text}");
        let text = iana_answer(&delegations, "192.0.2.1", &|r| format!("whois.{r}.net"));
        assert!(!text.contains("refer:"), "{text}");
        let text = arin_referral(IpRange::parse("192.0.2.0/24"), "whois.ripe.net:4343");
        assert!(
            text.contains("ReferralServer: whois://whois.ripe.net:4343\n"),
            "{text}"
        );
        assert!(
            text.contains("NetRange:       192.0.2.0 - 192.0.2.255"),
            "{text}"
        );
    }
}
