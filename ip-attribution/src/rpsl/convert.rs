//! From attributes to typed objects: RPSL classes, LACNIC's variant and ARIN's port-43 blocks.

use std::borrow::Cow;

use ipnet::IpNet;

use super::address::{IpRange, normalise_mailbox};
use super::lexer::RpslRawObject;
use super::object::{
    AutNum, ContactKind, Irt, Mntner, NetworkKind, Referral, Route, RpslContact, RpslNetwork,
    RpslObject, RpslOrganisation, RpslSource, bare_network, is_dummy_marker, name_and_handle,
    parse_asn, push, push_mailbox, some,
};
use crate::{Error, ErrorKind};

/// What one paragraph turned into.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Converted {
    /// A usable object.
    Object(RpslObject),
    /// An ARIN POC block (`OrgAbuseHandle`, `RTechHandle`...) to merge into the organisation
    /// (`org == true`) or network before it.
    ArinPoc {
        org: bool,
        contact: RpslContact,
        abuse: bool,
    },
    /// A class we tolerate and skip (as-set, key-cert, unknown classes).
    Skipped(String),
}

fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Keeps the first non-empty value of a single-valued attribute; later ones
/// are ignored.
fn first(slot: &mut Option<String>, value: &str) {
    if slot.is_none() {
        *slot = some(value);
    }
}

/// [`first`] for a code (country, source): kept in upper case.
fn first_upper(slot: &mut Option<String>, value: &str) {
    if slot.is_none() {
        *slot = some(&value.to_ascii_uppercase());
    }
}

/// [`first`] for a mailbox: the first value that is one, normalised.
fn first_mailbox(slot: &mut Option<String>, value: &str) {
    if slot.is_none() {
        *slot = normalise_mailbox(value);
    }
}

fn unusable(raw: &RpslRawObject<'_>, source: &RpslSource, message: impl Into<String>) -> Error {
    Error::new(
        source.name.to_string(),
        raw.line,
        ErrorKind::RpslObject {
            class: raw.class().to_owned(),
            message: message.into(),
        },
    )
}

/// Converts one parsed object.
pub(crate) fn convert(raw: &RpslRawObject<'_>, source: RpslSource) -> Result<Converted, Error> {
    let class = lower(raw.class());
    match class.as_ref() {
        "inetnum" | "inet6num" => {
            network(raw, source).map(|n| Converted::Object(RpslObject::Network(n)))
        }
        "organisation" => {
            organisation(raw, source).map(|o| Converted::Object(RpslObject::Organisation(o)))
        }
        "role" | "person" | "nic-hdl" => contact(raw, source),
        "irt" => irt(raw, source).map(|i| Converted::Object(RpslObject::Irt(i))),
        "aut-num" => aut_num(raw, source).map(|a| Converted::Object(RpslObject::AutNum(a))),
        "route" | "route6" => route(raw, source).map(|r| Converted::Object(RpslObject::Route(r))),
        "mntner" => mntner(raw, source).map(|m| Converted::Object(RpslObject::Mntner(m))),
        "refer" | "whois" => {
            let whois = raw.key().trim();
            if whois.is_empty() {
                return Err(unusable(raw, &source, "empty refer"));
            }
            Ok(Converted::Object(RpslObject::Referral(Referral {
                whois: whois.to_owned(),
                source,
            })))
        }
        "netrange" => arin_net(raw, source).map(|n| Converted::Object(RpslObject::Network(n))),
        "orgname" | "orgid" | "custname" => Ok(Converted::Object(RpslObject::Organisation(
            arin_org(raw, source),
        ))),
        c if (c.starts_with("org") || c.starts_with('r')) && c.ends_with("handle") => {
            arin_poc(raw, source)
        }
        _ => Ok(Converted::Skipped(raw.class().to_owned())),
    }
}

fn network(raw: &RpslRawObject<'_>, source: RpslSource) -> Result<RpslNetwork, Error> {
    let key = raw.key();
    let range = IpRange::parse(key).ok_or_else(|| {
        if let Some(why) = reversed_range(key) {
            return unusable(raw, &source, why);
        }
        unusable(
            raw,
            &source,
            format!("bad primary key {key:?}: not an address range or prefix"),
        )
    })?;
    let kind = if range.is_ipv4() {
        NetworkKind::Inetnum
    } else {
        NetworkKind::Inet6num
    };
    let mut n = bare_network(kind, range, key.to_owned(), source);
    for a in raw.attributes.iter().skip(1) {
        let v = a.value.as_ref();
        if is_dummy_marker(a.name, v) {
            n.dummified = true;
        }
        match lower(a.name).as_ref() {
            "netname" => first(&mut n.netname, v),
            "descr" => push(&mut n.descr, v),
            "country" => first_upper(&mut n.country, v),
            "status" => first(&mut n.status, v),
            "org" | "ownerid" => first(&mut n.org, v),
            "owner" | "organisation" => first(&mut n.org_name, v),
            "abuse-c" => push(&mut n.abuse_c, v),
            "admin-c" | "owner-c" => push(&mut n.admin_c, v),
            "tech-c" => push(&mut n.tech_c, v),
            "mnt-by" => push(&mut n.mnt_by, v),
            "mnt-irt" => push(&mut n.mnt_irt, v),
            "abuse-mailbox" => first_mailbox(&mut n.abuse_mailbox, v),
            "e-mail" => push_mailbox(&mut n.emails, v),
            "inetnum-up" | "parent" => first(&mut n.parent, v),
            "aut-num" | "origin" => n.origin = n.origin.or_else(|| parse_asn(v)),
            "whois" | "refer" => first(&mut n.refer, v),
            "source" => first_upper(&mut n.source_db, v),
            _ => {}
        }
    }
    Ok(n)
}

/// The primary key of an object whose key is a handle (organisation, irt, mntner): one word.
fn handle_key<'r>(raw: &'r RpslRawObject<'_>, source: &RpslSource) -> Result<&'r str, Error> {
    let handle = raw.key().trim();
    if handle.is_empty() || handle.contains(char::is_whitespace) {
        return Err(unusable(raw, source, format!("bad primary key {handle:?}")));
    }
    Ok(handle)
}

fn organisation(raw: &RpslRawObject<'_>, source: RpslSource) -> Result<RpslOrganisation, Error> {
    let handle = handle_key(raw, &source)?;
    let mut o = RpslOrganisation {
        handle: handle.to_owned(),
        name: None,
        org_type: None,
        country: None,
        abuse_c: None,
        abuse_mailbox: None,
        emails: Vec::new(),
        mnt_by: Vec::new(),
        source_db: None,
        dummified: false,
        source,
    };
    for a in raw.attributes.iter().skip(1) {
        let v = a.value.as_ref();
        if is_dummy_marker(a.name, v) {
            o.dummified = true;
        }
        match lower(a.name).as_ref() {
            "org-name" => first(&mut o.name, v),
            "org-type" => first(&mut o.org_type, v),
            "country" => first_upper(&mut o.country, v),
            "abuse-c" => first(&mut o.abuse_c, v),
            "abuse-mailbox" => first_mailbox(&mut o.abuse_mailbox, v),
            "e-mail" => push_mailbox(&mut o.emails, v),
            "mnt-by" => push(&mut o.mnt_by, v),
            "source" => first_upper(&mut o.source_db, v),
            _ => {}
        }
    }
    Ok(o)
}

fn contact(raw: &RpslRawObject<'_>, source: RpslSource) -> Result<Converted, Error> {
    let mut kind = None;
    let mut name = None;
    let mut nic_hdl = None;
    let mut abuse_mailbox = None;
    let mut emails = Vec::new();
    let mut source_db = None;
    let mut dummified = false;
    for a in &raw.attributes {
        let v = a.value.as_ref();
        if is_dummy_marker(a.name, v) {
            dummified = true;
        }
        match lower(a.name).as_ref() {
            "role" if kind.is_none() => {
                kind = Some(ContactKind::Role);
                name = some(v);
            }
            "person" if kind.is_none() => {
                kind = Some(ContactKind::Person);
                name = some(v);
            }
            "nic-hdl" => first(&mut nic_hdl, v),
            "abuse-mailbox" => first_mailbox(&mut abuse_mailbox, v),
            "e-mail" => push_mailbox(&mut emails, v),
            "source" => first_upper(&mut source_db, v),
            _ => {}
        }
    }
    let Some(kind) = kind else {
        // A `nic-hdl:` first object that is neither person nor role: not ours.
        return Ok(Converted::Skipped(raw.class().to_owned()));
    };
    let Some(nic_hdl) = nic_hdl else {
        return Err(unusable(raw, &source, "missing required attribute nic-hdl"));
    };
    if nic_hdl.contains(char::is_whitespace) {
        return Err(unusable(raw, &source, format!("bad nic-hdl {nic_hdl:?}")));
    }
    Ok(Converted::Object(RpslObject::Contact(RpslContact {
        kind,
        name: name.unwrap_or_default(),
        nic_hdl,
        abuse_mailbox,
        emails,
        source_db,
        dummified,
        source,
    })))
}

fn irt(raw: &RpslRawObject<'_>, source: RpslSource) -> Result<Irt, Error> {
    let handle = handle_key(raw, &source)?;
    let mut i = Irt {
        handle: handle.to_owned(),
        abuse_mailbox: None,
        emails: Vec::new(),
        source,
    };
    for a in raw.attributes.iter().skip(1) {
        let v = a.value.as_ref();
        match lower(a.name).as_ref() {
            "abuse-mailbox" => first_mailbox(&mut i.abuse_mailbox, v),
            "e-mail" => push_mailbox(&mut i.emails, v),
            _ => {}
        }
    }
    Ok(i)
}

fn aut_num(raw: &RpslRawObject<'_>, source: RpslSource) -> Result<AutNum, Error> {
    let key = raw.key();
    let asn =
        parse_asn(key).ok_or_else(|| unusable(raw, &source, format!("bad AS number {key:?}")))?;
    let mut a = AutNum {
        asn,
        as_name: None,
        descr: Vec::new(),
        org: None,
        abuse_c: Vec::new(),
        mnt_by: Vec::new(),
        source_db: None,
        source,
    };
    for at in raw.attributes.iter().skip(1) {
        let v = at.value.as_ref();
        match lower(at.name).as_ref() {
            "as-name" => first(&mut a.as_name, v),
            "descr" => push(&mut a.descr, v),
            "org" => first(&mut a.org, v),
            "abuse-c" => push(&mut a.abuse_c, v),
            "mnt-by" => push(&mut a.mnt_by, v),
            "source" => first_upper(&mut a.source_db, v),
            _ => {}
        }
    }
    Ok(a)
}

fn route(raw: &RpslRawObject<'_>, source: RpslSource) -> Result<Route, Error> {
    let key = raw.key().trim();
    let prefix: IpNet = key
        .parse::<IpNet>()
        .map(|n| n.trunc())
        .map_err(|_| unusable(raw, &source, format!("bad prefix {key:?}")))?;
    let class = lower(raw.class());
    if (class == "route6") != matches!(prefix, IpNet::V6(_)) {
        return Err(unusable(
            raw,
            &source,
            format!("prefix {key:?} of the wrong address family"),
        ));
    }
    let origin = raw
        .first("origin")
        .ok_or_else(|| unusable(raw, &source, "missing required attribute origin"))?;
    let origin = parse_asn(origin)
        .ok_or_else(|| unusable(raw, &source, format!("bad origin {origin:?}")))?;
    let mut r = Route {
        prefix,
        origin,
        descr: Vec::new(),
        mnt_by: Vec::new(),
        source,
    };
    for a in raw.attributes.iter().skip(1) {
        match lower(a.name).as_ref() {
            "descr" => push(&mut r.descr, &a.value),
            "mnt-by" => push(&mut r.mnt_by, &a.value),
            _ => {}
        }
    }
    Ok(r)
}

fn mntner(raw: &RpslRawObject<'_>, source: RpslSource) -> Result<Mntner, Error> {
    let handle = handle_key(raw, &source)?;
    let mut m = Mntner {
        handle: handle.to_owned(),
        mnt_by: Vec::new(),
        source,
    };
    for v in raw.values("mnt-by") {
        push(&mut m.mnt_by, v);
    }
    Ok(m)
}

fn arin_net(raw: &RpslRawObject<'_>, source: RpslSource) -> Result<RpslNetwork, Error> {
    let key = raw.key();
    let range = IpRange::parse(key)
        .ok_or_else(|| unusable(raw, &source, format!("bad NetRange {key:?}")))?;
    let handle = raw
        .first("NetHandle")
        .and_then(some)
        .unwrap_or_else(|| range.to_string());
    let mut n = bare_network(NetworkKind::ArinNet, range, handle, source);
    n.source_db = Some("ARIN".to_owned());
    for a in raw.attributes.iter().skip(1) {
        let v = a.value.as_ref();
        match lower(a.name).as_ref() {
            "netname" => first(&mut n.netname, v),
            "nettype" => first(&mut n.status, v),
            "parent" => n.parent = n.parent.take().or_else(|| name_and_handle(v).1),
            "originas" => n.origin = n.origin.or_else(|| v.split([',', ' ']).find_map(parse_asn)),
            "organization" | "customer" => {
                let (name, handle) = name_and_handle(v);
                n.org_name = n.org_name.take().or(name);
                n.org = n.org.take().or(handle);
            }
            "comment" | "descr" => push(&mut n.descr, v),
            "country" => first_upper(&mut n.country, v),
            "rabuseemail" => first_mailbox(&mut n.abuse_mailbox, v),
            "rtechemail" | "rnocemail" => push_mailbox(&mut n.emails, v),
            _ => {}
        }
    }
    Ok(n)
}

fn arin_org(raw: &RpslRawObject<'_>, source: RpslSource) -> RpslOrganisation {
    let mut o = RpslOrganisation {
        handle: String::new(),
        name: None,
        org_type: None,
        country: None,
        abuse_c: None,
        abuse_mailbox: None,
        emails: Vec::new(),
        mnt_by: Vec::new(),
        source_db: Some("ARIN".to_owned()),
        dummified: false,
        source,
    };
    let mut reference = None;
    for a in &raw.attributes {
        let v = a.value.as_ref();
        match lower(a.name).as_ref() {
            "orgname" | "custname" => first(&mut o.name, v),
            "orgid" => o.handle = v.trim().to_owned(),
            "country" => first_upper(&mut o.country, v),
            "orgabuseemail" => first_mailbox(&mut o.abuse_mailbox, v),
            "orgabusehandle" => first(&mut o.abuse_c, v),
            n if n.starts_with("org") && n.ends_with("email") => push_mailbox(&mut o.emails, v),
            "ref" => reference = some(v),
            _ => {}
        }
    }
    if o.handle.is_empty() {
        // Customer blocks carry their handle only in the reference URL.
        o.handle = reference
            .as_deref()
            .and_then(|r| r.trim_end_matches('/').rsplit('/').next())
            .map(str::to_owned)
            .or_else(|| o.name.clone())
            .unwrap_or_default();
    }
    o
}

fn arin_poc(raw: &RpslRawObject<'_>, source: RpslSource) -> Result<Converted, Error> {
    let class = lower(raw.class()).into_owned();
    let org = class.starts_with("org");
    let abuse = class.contains("abuse");
    let handle = raw.key().trim();
    if handle.is_empty() {
        return Err(unusable(raw, &source, "empty POC handle"));
    }
    let mut c = RpslContact {
        kind: ContactKind::ArinPoc,
        name: String::new(),
        nic_hdl: handle.to_owned(),
        abuse_mailbox: None,
        emails: Vec::new(),
        source_db: Some("ARIN".to_owned()),
        dummified: false,
        source,
    };
    for a in raw.attributes.iter().skip(1) {
        let n = lower(a.name);
        if n.ends_with("name") {
            c.name = a.value.trim().to_owned();
        } else if n.ends_with("email") {
            if abuse {
                c.abuse_mailbox = c
                    .abuse_mailbox
                    .take()
                    .or_else(|| normalise_mailbox(&a.value));
            } else {
                push_mailbox(&mut c.emails, &a.value);
            }
        }
    }
    Ok(Converted::ArinPoc {
        org,
        contact: c,
        abuse,
    })
}

/// One line of ARIN's ambiguous-query answer: `Org Name NETNAME (NET-HANDLE) a - b`.
pub(crate) fn arin_summary_line(line: &str, source: RpslSource) -> Option<RpslNetwork> {
    let line = line.trim();
    let open = line.rfind('(')?;
    let close = open + line.get(open..)?.find(')')?;
    let handle = line.get(open + 1..close)?.trim();
    let range = IpRange::parse(line.get(close + 1..)?)?;
    let before = line.get(..open)?.trim();
    let (org_name, netname) = before.rsplit_once(' ').unwrap_or(("", before));
    if handle.is_empty() || netname.is_empty() {
        return None;
    }
    let mut n = bare_network(NetworkKind::ArinSummary, range, handle.to_owned(), source);
    n.netname = some(netname);
    n.org_name = some(org_name);
    n.source_db = Some("ARIN".to_owned());
    Some(n)
}

/// A message for `a - b` with two valid addresses in the wrong order or of mixed families.
fn reversed_range(key: &str) -> Option<String> {
    let (a, b) = key.split_once('-')?;
    let a: std::net::IpAddr = a.trim().parse().ok()?;
    let b: std::net::IpAddr = b.trim().parse().ok()?;
    Some(if a.is_ipv4() != b.is_ipv4() {
        format!("range {key:?} mixes IPv4 and IPv6")
    } else {
        format!("range {key:?} has its start after end")
    })
}
