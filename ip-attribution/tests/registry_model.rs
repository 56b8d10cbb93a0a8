//! The one registry model resolves as the snapshot did before it moved onto the index.
//!
//! The oracle below is the snapshot's former registry (its own records, first copy of a key
//! wins, every mailbox of a level), written over the parsed objects with a linear scan instead
//! of range tables. [`RegistryIndex::evidence_networks`], [`RegistryIndex::asn_abuse`] and the
//! index's single answer ([`NetworkView::abuse`], the hot record) must agree with it: over the
//! sample day's registry, the parser fixtures, and generated registries full of what makes
//! resolution differ (repeated and dummified objects, placeholder and unusable addresses,
//! persons without `abuse-mailbox`, irts, comments, LIR organisations, routes and aut-nums).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};

use ip_attribution::{
    AutNum, EvidenceNetwork, IndexBuilder, Irt, Knowledge, NetworkRole, RegistryIndex, Route,
    RpslContact, RpslNetwork, RpslObject, RpslOrganisation, RpslReader, normalise_mailbox,
};
use proptest::prelude::*;

/// The engine's network record, as comparable fields read through its accessors (a registry
/// network is a view into the index, resolved as it is read).
type OrgFields = (String, String, Vec<String>, Vec<String>, bool);
type NetFields = (
    String,
    IpAddr,
    IpAddr,
    String,
    String,
    NetworkRole,
    Option<OrgFields>,
    Vec<String>,
    Option<String>,
    bool,
);

fn fields(n: &EvidenceNetwork<'_>) -> NetFields {
    let owned = |v: Vec<&str>| -> Vec<String> { v.into_iter().map(str::to_owned).collect() };
    (
        n.source().to_owned(),
        n.start(),
        n.end(),
        n.name().to_owned(),
        n.status().to_owned(),
        n.role(),
        n.org().map(|o| {
            (
                o.handle().to_owned(),
                o.name().to_owned(),
                owned(o.abuse_emails()),
                owned(o.emails()),
                o.is_lir(),
            )
        }),
        owned(n.abuse_emails()),
        n.abuse_comment().map(str::to_owned),
        n.is_placeholder(),
    )
}

/// The snapshot's former registry.
#[derive(Default)]
struct Oracle {
    nets: Vec<RpslNetwork>,
    orgs: HashMap<String, RpslOrganisation>,
    contacts: HashMap<String, RpslContact>,
    irts: HashMap<String, Irt>,
    comments: HashMap<(IpAddr, IpAddr), String>,
    routes: Vec<Route>,
    autnums: HashMap<u32, AutNum>,
    seen: HashSet<String>,
    duplicates: usize,
}

impl Oracle {
    fn add(&mut self, obj: RpslObject) {
        let new = match obj {
            RpslObject::Organisation(o) => first(&mut self.orgs, o.handle.to_ascii_uppercase(), o),
            RpslObject::Contact(c) => first(&mut self.contacts, c.nic_hdl.to_ascii_uppercase(), c),
            RpslObject::Irt(i) => first(&mut self.irts, i.handle.to_ascii_uppercase(), i),
            RpslObject::AutNum(a) => first(&mut self.autnums, a.asn, a),
            other => {
                let key = format!("{:?}", other.key());
                let new = self.seen.insert(key);
                if new {
                    match other {
                        RpslObject::Network(n) => self.nets.push(n),
                        RpslObject::Route(r) => self.routes.push(r),
                        RpslObject::AbuseComment(c) => {
                            if let Some(m) = c.mailbox {
                                self.comments.insert((c.range.start(), c.range.end()), m);
                            }
                        }
                        _ => {}
                    }
                }
                new
            }
        };
        if !new {
            self.duplicates += 1;
        }
    }

    fn contact_mail(&self, handle: &str, k: &Knowledge) -> Vec<String> {
        let Some(c) = self.contacts.get(&handle.to_ascii_uppercase()) else {
            return Vec::new();
        };
        let list: Vec<&String> = match &c.abuse_mailbox {
            Some(m) => vec![m],
            None => c.emails.iter().collect(),
        };
        list.into_iter()
            .filter_map(|m| normalise_mailbox(m))
            .filter(|m| !k.is_placeholder_email(m))
            .collect()
    }

    fn org_info(
        &self,
        handle: Option<&str>,
        name: Option<&str>,
        k: &Knowledge,
    ) -> Option<OrgFields> {
        let o = handle.and_then(|h| self.orgs.get(&h.to_ascii_uppercase()));
        if o.is_none() && name.is_none() && handle.is_none() {
            return None;
        }
        let mut abuse: Vec<String> = Vec::new();
        let mut emails: Vec<String> = Vec::new();
        let mut is_lir = false;
        let mut org_name = name.map(str::to_owned).unwrap_or_default();
        if let Some(o) = o {
            if let Some(n) = &o.name {
                org_name = n.clone();
            }
            abuse.extend(o.abuse_mailbox.as_deref().and_then(normalise_mailbox));
            if let Some(h) = &o.abuse_c {
                abuse.extend(self.contact_mail(h, k));
            }
            emails.extend(o.emails.iter().filter_map(|m| normalise_mailbox(m)));
            is_lir = o
                .org_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("LIR"));
        }
        abuse.retain(|m| !k.is_placeholder_email(m));
        emails.retain(|m| !k.is_placeholder_email(m) && !abuse.contains(m));
        abuse.dedup();
        emails.dedup();
        Some((
            handle.unwrap_or_default().to_owned(),
            org_name,
            abuse,
            emails,
            is_lir,
        ))
    }

    fn convert(&self, n: &RpslNetwork, k: &Knowledge) -> NetFields {
        let status = n.status.clone().unwrap_or_default();
        let name = n.netname.clone().unwrap_or_else(|| n.handle.clone());
        let org = self.org_info(n.org.as_deref(), n.org_name.as_deref(), k);
        let mut abuse: Vec<String> = Vec::new();
        abuse.extend(n.abuse_mailbox.as_deref().and_then(normalise_mailbox));
        for h in &n.abuse_c {
            abuse.extend(self.contact_mail(h, k));
        }
        if abuse.is_empty() && org.as_ref().is_none_or(|o| o.2.is_empty()) {
            for irt in &n.mnt_irt {
                if let Some(i) = self.irts.get(&irt.to_ascii_uppercase()) {
                    abuse.extend(i.abuse_mailbox.as_deref().and_then(normalise_mailbox));
                }
            }
        }
        abuse.retain(|m| !k.is_placeholder_email(m));
        abuse.dedup();
        (
            n.source.name.to_string(),
            n.range.start(),
            n.range.end(),
            name,
            status.clone(),
            k.role_of_status(&status),
            org,
            abuse,
            self.comments
                .get(&(n.range.start(), n.range.end()))
                .filter(|m| !k.is_placeholder_email(m))
                .cloned(),
            k.placeholder_reason(n).is_some(),
        )
    }

    fn networks(&self, ip: IpAddr, k: &Knowledge) -> Vec<NetFields> {
        self.nets
            .iter()
            .filter(|n| n.range.contains(ip))
            .map(|n| self.convert(n, k))
            .collect()
    }

    fn asn_abuse(&self, ip: IpAddr, k: &Knowledge) -> Vec<(String, String)> {
        let Some(route) = self
            .routes
            .iter()
            .filter(|r| r.prefix.contains(&ip))
            .max_by_key(|r| r.prefix.prefix_len())
        else {
            return Vec::new();
        };
        let Some(a) = self.autnums.get(&route.origin) else {
            return Vec::new();
        };
        let mut out: Vec<String> = a
            .abuse_c
            .iter()
            .flat_map(|h| self.contact_mail(h, k))
            .collect();
        if out.is_empty()
            && let Some(o) = self.org_info(a.org.as_deref(), None, k)
        {
            out = o.2;
        }
        out.into_iter()
            .map(|m| (m, format!("{} (AS{})", a.source.name, a.asn)))
            .collect()
    }
}

fn first<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>, key: K, value: V) -> bool {
    if map.contains_key(&key) {
        return false;
    }
    map.insert(key, value);
    true
}

fn objects(files: &[(&str, &[u8])]) -> Vec<RpslObject> {
    files
        .iter()
        .flat_map(|(name, bytes)| RpslReader::from_slice(*name, bytes).filter_map(Result::ok))
        .collect()
}

/// Every address worth asking about: each network's and route's bounds and neighbours.
fn probes(objects: &[RpslObject]) -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut bounds = |s: IpAddr, e: IpAddr| {
        out.push(s);
        out.push(e);
        if let (IpAddr::V4(s), IpAddr::V4(e)) = (s, e) {
            out.push(IpAddr::V4(Ipv4Addr::from(u32::from(s).wrapping_sub(1))));
            out.push(IpAddr::V4(Ipv4Addr::from(u32::from(e).wrapping_add(1))));
        }
    };
    for o in objects {
        match o {
            RpslObject::Network(n) => bounds(n.range.start(), n.range.end()),
            RpslObject::Route(r) => bounds(r.prefix.network(), r.prefix.broadcast()),
            _ => {}
        }
    }
    out
}

/// The index and the oracle over `objects`, asked at every probe.
fn agree(objects: Vec<RpslObject>, k: &Knowledge) -> Result<(), TestCaseError> {
    let ips = probes(&objects);
    let mut oracle = Oracle::default();
    let mut builder = IndexBuilder::with_knowledge(k.clone());
    for o in objects {
        oracle.add(o.clone());
        builder.add(o);
    }
    let idx: RegistryIndex = builder.build();
    prop_assert_eq!(idx.stats().networks, oracle.nets.len());
    prop_assert_eq!(idx.stats().duplicates, oracle.duplicates);
    for ip in ips {
        let got: Vec<NetFields> = idx
            .evidence_networks(ip)
            .iter()
            .map(|n| fields(n))
            .collect();
        prop_assert_eq!(&got, &oracle.networks(ip, k), "networks at {}", ip);
        prop_assert_eq!(
            idx.asn_abuse(ip),
            oracle.asn_abuse(ip, k),
            "asn abuse at {}",
            ip
        );
        // The single answer is the first address the engine would write to.
        for (view, net) in idx.lookup_all(ip).filter_map(|v| {
            Some((
                v,
                got.iter()
                    .find(|n| (n.1, n.2) == (v.range().start(), v.range().end()))?,
            ))
        }) {
            let want = net
                .7
                .first()
                .or(net.6.as_ref().and_then(|o| o.2.first()))
                .or(net.8.as_ref());
            prop_assert_eq!(view.abuse().map(|a| a.mailbox), want.map(String::as_str));
            prop_assert_eq!(view.abuse_mailbox(), want.map(String::as_str));
        }
    }
    Ok(())
}

#[test]
fn sample_day_and_fixtures_resolve_as_the_snapshot_did() {
    let k = Knowledge::builtin();
    let sample = objects(&[
        (
            "ripe.inetnum.db",
            include_bytes!("../../examples/data/snapshot/registry/ripe.inetnum.db"),
        ),
        (
            "ripe.organisation.db",
            include_bytes!("../../examples/data/snapshot/registry/ripe.organisation.db"),
        ),
        (
            "ripe.role.db",
            include_bytes!("../../examples/data/snapshot/registry/ripe.role.db"),
        ),
    ]);
    assert!(sample.len() > 10);
    agree(sample, &k)
        .map_err(|e| e.to_string())
        .expect("sample day");
    let fixtures = objects(&[
        ("ripe-dump.db", include_bytes!("data/rpsl/ripe-dump.db")),
        (
            "ripe-answer.txt",
            include_bytes!("data/rpsl/ripe-answer.txt"),
        ),
        (
            "arin-answer.txt",
            include_bytes!("data/rpsl/arin-answer.txt"),
        ),
        ("lacnic.db", include_bytes!("data/rpsl/lacnic.db")),
        // Saved answers after the dump: repeats of its objects.
        (
            "ripe-answer-again.txt",
            include_bytes!("data/rpsl/ripe-answer.txt"),
        ),
    ]);
    agree(fixtures, &k)
        .map_err(|e| e.to_string())
        .expect("fixtures");
}

/// A mailbox of kind `m`: ordinary, the knowledge's placeholder, unusable, or one with a
/// display name and upper-case domain (normalised).
fn mailbox(m: u8, who: &str) -> String {
    match m % 4 {
        0 => format!("abuse@{who}.example"),
        1 => "unread@ripe.net".to_owned(),
        2 => "not a mailbox".to_owned(),
        _ => format!("Abuse <Abuse@{}.EXAMPLE>", who.to_uppercase()),
    }
}

/// Generated RPSL: `nets` networks (nested or overlapping, some placeholders), each with any of
/// an own mailbox, abuse-c (role or person, dummified or not, shared handles), organisation
/// (LIR or not, with abuse-mailbox and/or abuse-c), irt and comment; routes and aut-nums.
fn generated(spec: &[(u8, u8, u8, u16)]) -> String {
    let mut t = String::new();
    for (i, &(start, len, flags, mail)) in spec.iter().enumerate() {
        let s = u32::from_be_bytes([192, 0, start, 0]);
        let e = s + (u32::from(len) << 4) + 15;
        let m = |shift: u16| (mail >> shift) as u8;
        let h = i % 5; // handles repeat: shared and duplicate objects
        let _ = writeln!(t, "inetnum: {} - {}", Ipv4Addr::from(s), Ipv4Addr::from(e));
        let netname = if flags & 0x80 != 0 {
            "IANA-BLK".to_owned()
        } else {
            format!("NET-{i}")
        };
        let _ = writeln!(
            t,
            "netname: {netname}\nstatus: {}",
            if flags & 0x40 != 0 {
                "ALLOCATED PA"
            } else {
                "ASSIGNED PA"
            }
        );
        if flags & 1 != 0 {
            let _ = writeln!(t, "abuse-mailbox: {}", mailbox(m(0), &format!("net{i}")));
        }
        if flags & 2 != 0 {
            let _ = writeln!(t, "abuse-c: AB{h}-TEST");
        }
        if flags & 4 != 0 {
            let _ = writeln!(t, "org: ORG-O{h}-TEST");
        } else if flags & 0x20 != 0 {
            let _ = writeln!(t, "org-name: Written Name {i}");
        }
        if flags & 8 != 0 {
            let _ = writeln!(t, "mnt-irt: IRT-{h}");
        }
        let _ = writeln!(t, "mnt-by: MNT-{h}\nsource: TEST\n");
        if flags & 0x10 != 0 {
            let _ = writeln!(
                t,
                "% Abuse contact for '{} - {}' is '{}'\n",
                Ipv4Addr::from(s),
                Ipv4Addr::from(e),
                mailbox(m(2), &format!("comment{i}")).replace(['<', '>', ' '], "")
            );
        }
        // The objects it points to (repeated across networks sharing a handle).
        if m(4) & 1 != 0 {
            let _ = writeln!(
                t,
                "role: Abuse {h}\nnic-hdl: AB{h}-TEST\nabuse-mailbox: {}\ne-mail: other{h}@role.example\nsource: TEST\n",
                mailbox(m(5), &format!("role{h}"))
            );
        } else {
            let dummy = if m(4) & 2 != 0 {
                "remarks: * THIS OBJECT IS MODIFIED\n"
            } else {
                ""
            };
            let _ = writeln!(
                t,
                "person: P {h}\nnic-hdl: AB{h}-TEST\ne-mail: {}\ne-mail: second{h}@person.example\n{dummy}source: TEST\n",
                mailbox(m(5), &format!("person{h}"))
            );
        }
        let lir = if m(7) & 1 != 0 { "org-type: LIR\n" } else { "" };
        let own = if m(7) & 2 != 0 {
            format!("abuse-mailbox: {}\n", mailbox(m(8), &format!("org{h}")))
        } else {
            String::new()
        };
        let _ = writeln!(
            t,
            "organisation: ORG-O{h}-TEST\norg-name: Org {h}\n{lir}{own}abuse-c: AB{}-TEST\ne-mail: info@org{h}.example\nsource: TEST\n",
            (h + 1) % 5
        );
        let _ = writeln!(
            t,
            "irt: IRT-{h}\nabuse-mailbox: {}\nsource: TEST\n",
            mailbox(m(10), &format!("irt{h}"))
        );
        if m(12) & 1 != 0 {
            let _ = writeln!(
                t,
                "route: {}/{}\norigin: AS6450{h}\nsource: TEST\n\naut-num: AS6450{h}\nas-name: AS-{h}\norg: ORG-O{h}-TEST\n{}source: TEST\n",
                Ipv4Addr::from(u32::from_be_bytes([192, 0, start, 0])),
                22 + u32::from(m(13) & 3),
                if m(12) & 2 != 0 {
                    format!("abuse-c: AB{h}-TEST\n")
                } else {
                    String::new()
                }
            );
        }
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn generated_registries_resolve_as_the_snapshot_did(
        spec in prop::collection::vec((0u8..8, 0u8..40, any::<u8>(), any::<u16>()), 1..24),
    ) {
        let text = generated(&spec);
        let objs: Vec<RpslObject> = RpslReader::from_slice("gen.db", text.as_bytes()).filter_map(Result::ok).collect();
        agree(objs, &Knowledge::builtin())?;
    }
}
