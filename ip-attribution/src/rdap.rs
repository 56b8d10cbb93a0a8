//! RDAP responses (RFC 9083): ip network objects, entities with their roles walked
//! recursively, jCard (RFC 7095) contact data, and error objects.
//!
//! Documented on [`parse_rdap`].

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use ipnet::IpNet;
use serde_json::{Map, Value};

use crate::engine::Knowledge;
use crate::{Error, ErrorKind};

/// Largest RDAP document accepted, in bytes.
pub const MAX_RDAP_BYTES: usize = 4 * 1024 * 1024;
/// Deepest nesting of arrays and objects accepted (the root object counts as one level). This
/// is serde_json's recursion limit of 128, which refuses the 128th level; documented here,
/// enforced by serde_json.
pub const MAX_RDAP_JSON_DEPTH: usize = 127;

/// What an RDAP document turned out to be.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum RdapDocument {
    /// An `ip network` object.
    IpNetwork(RdapNetwork),
    /// A lone `entity` object.
    Entity(RdapEntity),
    /// An RDAP error response.
    Error(RdapError),
    /// Another object class (`autnum`, `domain`, ...) or a document without `objectClassName`.
    Other(RdapObject),
}

/// An RDAP error response (RFC 9083 section 6).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RdapError {
    /// `errorCode` (an HTTP status), when it is an integer.
    pub error_code: Option<u16>,
    /// `title`.
    pub title: Option<String>,
    /// `description` lines.
    pub description: Vec<String>,
}

/// An ip network object (RFC 9083 section 5.4).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RdapNetwork {
    /// `handle`.
    pub handle: Option<String>,
    /// `startAddress`.
    pub start_address: Option<IpAddr>,
    /// `endAddress`.
    pub end_address: Option<IpAddr>,
    /// `ipVersion` (`"v4"` → 4, `"v6"` → 6).
    pub ip_version: Option<u8>,
    /// `name`.
    pub name: Option<String>,
    /// `type` (e.g. `DIRECT ALLOCATION`, `ASSIGNED PA`).
    pub network_type: Option<String>,
    /// `country`.
    pub country: Option<String>,
    /// `parentHandle`.
    pub parent_handle: Option<String>,
    /// `status` values.
    pub status: Vec<String>,
    /// `cidr0_cidrs` (the cidr0 extension), as networks with host bits cleared.
    pub cidrs: Vec<IpNet>,
    /// `arin_originas0_originautnums`.
    pub origin_autnums: Vec<u32>,
    /// `port43`.
    pub port43: Option<String>,
    /// `events`.
    pub events: Vec<RdapEvent>,
    /// `remarks`.
    pub remarks: Vec<RdapRemark>,
    /// `entities`, as nested in the document.
    pub entities: Vec<RdapEntity>,
    /// Names of members redacted under RFC 9537 (`redacted[].name.description/type`).
    pub redacted: Vec<String>,
    /// Members ignored because of an unexpected JSON type or value.
    pub warnings: Vec<String>,
}

/// Any other RDAP object (autnum, domain, ...): its common members.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RdapObject {
    /// `objectClassName`, if present.
    pub object_class_name: Option<String>,
    /// `handle`.
    pub handle: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `status` values.
    pub status: Vec<String>,
    /// `events`.
    pub events: Vec<RdapEvent>,
    /// `remarks`.
    pub remarks: Vec<RdapRemark>,
    /// `entities`.
    pub entities: Vec<RdapEntity>,
    /// Members ignored because of an unexpected JSON type or value.
    pub warnings: Vec<String>,
}

/// An entity (RFC 9083 section 5.1).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RdapEntity {
    /// `handle`.
    pub handle: Option<String>,
    /// `roles`.
    pub roles: Vec<RdapRole>,
    /// The parsed `vcardArray`, if any.
    pub vcard: Option<VCard>,
    /// `status` values.
    pub status: Vec<String>,
    /// `events`.
    pub events: Vec<RdapEvent>,
    /// `remarks`.
    pub remarks: Vec<RdapRemark>,
    /// Nested `entities`.
    pub entities: Vec<RdapEntity>,
}

/// An entity role (RFC 9083 section 10.2.4, plus ARIN's `noc` and `routing`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum RdapRole {
    /// `registrant`
    Registrant,
    /// `technical`
    Technical,
    /// `administrative`
    Administrative,
    /// `abuse`
    Abuse,
    /// `billing`
    Billing,
    /// `registrar`
    Registrar,
    /// `reseller`
    Reseller,
    /// `sponsor`
    Sponsor,
    /// `proxy`
    Proxy,
    /// `notifications`
    Notifications,
    /// `noc`
    Noc,
    /// `routing`
    Routing,
    /// Any other role, lowercased.
    Other(String),
}

impl RdapRole {
    /// The role from its RDAP name (case-insensitive).
    pub fn from_name(name: &str) -> RdapRole {
        match name.trim().to_ascii_lowercase().as_str() {
            "registrant" => RdapRole::Registrant,
            "technical" => RdapRole::Technical,
            "administrative" => RdapRole::Administrative,
            "abuse" => RdapRole::Abuse,
            "billing" => RdapRole::Billing,
            "registrar" => RdapRole::Registrar,
            "reseller" => RdapRole::Reseller,
            "sponsor" => RdapRole::Sponsor,
            "proxy" => RdapRole::Proxy,
            "notifications" => RdapRole::Notifications,
            "noc" => RdapRole::Noc,
            "routing" => RdapRole::Routing,
            other => RdapRole::Other(other.to_owned()),
        }
    }
}

/// The parts of a jCard (vCard 4 in JSON) that matter for contacts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct VCard {
    /// `fn` (formatted name).
    pub full_name: Option<String>,
    /// `kind` (`individual`, `org`, `group`, ...), lowercased.
    pub kind: Option<String>,
    /// `org` values (structured values joined with `, `).
    pub org: Vec<String>,
    /// `email` values (a `mailto:` prefix and display names removed; a value listing several
    /// addresses split), ordered by the `pref` parameter (1 first), otherwise in document order.
    pub emails: Vec<String>,
    /// `adr` values: the `label` parameter, else the non-empty components joined with `, `.
    pub addresses: Vec<String>,
    /// `tel` values (a `tel:` prefix removed).
    pub phones: Vec<String>,
    /// `url` values.
    pub urls: Vec<String>,
}

/// An RDAP event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RdapEvent {
    /// `eventAction` (`registration`, `last changed`, ...).
    pub action: String,
    /// `eventDate` as written.
    pub date_text: Option<String>,
    /// `eventDate` parsed as RFC 3339, in UTC.
    pub date: Option<DateTime<Utc>>,
}

/// An RDAP remark or notice.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RdapRemark {
    /// `title`.
    pub title: Option<String>,
    /// `type`.
    pub kind: Option<String>,
    /// `description` lines.
    pub description: Vec<String>,
}

/// An e-mail address found in an entity, with how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RdapContactEmail {
    /// The address, as written (trimmed, `mailto:` removed).
    pub address: String,
    /// Handles from the top-level entity down to the entity holding the address (`?` for an
    /// entity without a handle).
    pub path: Vec<String>,
    /// The roles of the entity holding the address.
    pub roles: Vec<RdapRole>,
    /// Nesting depth: 0 for a top-level entity.
    pub depth: usize,
}

/// One entity reached while walking the entity tree, with its depth and handle path.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RdapEntityVisit<'a> {
    /// The entity.
    pub entity: &'a RdapEntity,
    /// 0 for a top-level entity.
    pub depth: usize,
    /// Index of the parent visit in the walk's output (`None` at top level).
    pub parent: Option<usize>,
}

/// Parse an RDAP document of any kind.
///
/// ```
/// use ip_attribution::{Knowledge, RdapDocument, parse_rdap};
/// let doc = br#"{"objectClassName": "ip network", "handle": "NET-1",
///   "startAddress": "192.0.2.0", "endAddress": "192.0.2.255",
///   "entities": [{"handle": "ORG-1", "roles": ["registrant"],
///     "vcardArray": ["vcard", [["fn", {}, "text", "Example BV"]]],
///     "entities": [{"handle": "AB-1", "roles": ["abuse"],
///       "vcardArray": ["vcard", [["email", {}, "text", "abuse@example.nl"]]]}]}]}"#;
/// let RdapDocument::IpNetwork(net) = parse_rdap(doc, "net.json").unwrap() else { panic!() };
/// // which names and addresses are placeholders is the knowledge's to say
/// let k = Knowledge::builtin_ref();
/// assert_eq!(net.registrant_name(k), Some("Example BV"));
/// let abuse = net.abuse_emails(k);
/// assert_eq!(abuse[0].address, "abuse@example.nl");
/// assert_eq!(abuse[0].path, ["ORG-1", "AB-1"]);
/// ```
///
/// [`parse_rdap`] reads any JSON document and says what it is ([`RdapDocument`]): an ip network,
/// another object class (autnum, domain, ...), a lone entity, or an RDAP error response
/// (`errorCode`/`title`/`description`). Members of an unexpected JSON type are ignored and noted
/// in the object's `warnings` instead of failing the document: registries differ, and one odd
/// member must not hide the rest.
///
/// Contacts: [`RdapNetwork::abuse_emails`] lists the e-mail addresses of entities with the `abuse` role at
/// any depth (ARIN nests the abuse POC inside the registrant), most relevant first (shallowest
/// first, then document order), de-duplicated, each with the handle path that led to it.
/// The parser reports what the document says; which names and addresses are placeholders or
/// redactions (`REDACTED ...` names, RFC 9537 redactions, addresses such as `unread@ripe.net`)
/// is the [`Knowledge`] the caller passes to these selectors (the operator's file, or
/// [`Knowledge::builtin_ref`]): such addresses are never returned as contacts.
///
/// # Limits
/// * [`MAX_RDAP_BYTES`]: larger documents are refused with [`ErrorKind::TooLarge`].
/// * Nesting: serde_json (recursion limit 128) accepts at most [`MAX_RDAP_JSON_DEPTH`] (127)
///   nested arrays/objects; a deeper document is an [`ErrorKind::Json`] with line and column. Each
///   entity level costs two nesting levels, so entities nest at most about 60 deep, and the
///   recursive walks over them are bounded by that.
///
/// # Errors
/// Invalid JSON and a root that is not an object are [`ErrorKind::Json`] with serde_json's 1-based
/// line and column.
pub fn parse_rdap(bytes: &[u8], source_name: &str) -> Result<RdapDocument, Error> {
    if bytes.len() > MAX_RDAP_BYTES {
        return Err(Error::new(
            source_name.to_owned(),
            0,
            ErrorKind::TooLarge {
                what: "RDAP document bytes",
                max: MAX_RDAP_BYTES,
                len: bytes.len(),
            },
        ));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| Error::json(source_name, &e))?;
    let Value::Object(obj) = value else {
        return Err(Error::new(
            source_name.to_owned(),
            1,
            ErrorKind::Json {
                column: 1,
                message: "an RDAP document must be a JSON object".to_owned(),
            },
        ));
    };
    let class = obj.get("objectClassName").and_then(Value::as_str);
    if class.is_none() && obj.contains_key("errorCode") {
        return Ok(RdapDocument::Error(RdapError {
            error_code: obj
                .get("errorCode")
                .and_then(Value::as_u64)
                .and_then(|c| u16::try_from(c).ok()),
            title: opt_string(&obj, "title"),
            description: string_list(obj.get("description")),
        }));
    }
    let mut warnings = Vec::new();
    match class.map(str::to_ascii_lowercase).as_deref() {
        Some("ip network") => Ok(RdapDocument::IpNetwork(ip_network(&obj, &mut warnings))),
        Some("entity") => Ok(RdapDocument::Entity(entity(&obj, &mut warnings))),
        _ => Ok(RdapDocument::Other(RdapObject {
            object_class_name: class.map(str::to_owned),
            handle: opt_string(&obj, "handle"),
            name: opt_string(&obj, "name"),
            status: string_list(obj.get("status")),
            events: events(obj.get("events")),
            remarks: remarks(obj.get("remarks")),
            entities: entities(obj.get("entities"), &mut warnings),
            warnings,
        })),
    }
}

/// Parse a document that must be an ip network object; an RDAP error response or another
/// object class is an [`ErrorKind::Input`] saying what it was.
pub fn parse_rdap_network(bytes: &[u8], source_name: &str) -> Result<RdapNetwork, Error> {
    let what = match parse_rdap(bytes, source_name)? {
        RdapDocument::IpNetwork(n) => return Ok(n),
        RdapDocument::Error(e) => format!(
            "RDAP error response {}: {}",
            e.error_code
                .map_or_else(|| "?".to_owned(), |c| c.to_string()),
            e.title.unwrap_or_default()
        ),
        RdapDocument::Entity(_) => "an entity, not an ip network".to_owned(),
        RdapDocument::Other(o) => format!(
            "object class {:?}, not an ip network",
            o.object_class_name.unwrap_or_default()
        ),
    };
    Err(Error::new(
        source_name.to_owned(),
        1,
        ErrorKind::Input { message: what },
    ))
}

impl RdapNetwork {
    /// The networks this object covers: `cidr0_cidrs` when present, else the CIDR blocks
    /// that exactly cover `startAddress`..`endAddress` (empty when the range is missing or
    /// invalid).
    pub fn networks(&self) -> Vec<IpNet> {
        if !self.cidrs.is_empty() {
            return self.cidrs.clone();
        }
        match (self.start_address, self.end_address) {
            (Some(IpAddr::V4(s)), Some(IpAddr::V4(e))) if s <= e => {
                ipnet::Ipv4Subnets::new(s, e, 0).map(IpNet::V4).collect()
            }
            (Some(IpAddr::V6(s)), Some(IpAddr::V6(e))) if s <= e => {
                ipnet::Ipv6Subnets::new(s, e, 0).map(IpNet::V6).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Whether `ip` lies in `startAddress`..`endAddress` (or in a `cidr0_cidrs` network when
    /// the range is missing).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.start_address, self.end_address, ip) {
            (Some(IpAddr::V4(s)), Some(IpAddr::V4(e)), IpAddr::V4(i)) => s <= i && i <= e,
            (Some(IpAddr::V6(s)), Some(IpAddr::V6(e)), IpAddr::V6(i)) => s <= i && i <= e,
            (Some(_), Some(_), _) => false,
            _ => self.cidrs.iter().any(|n| n.contains(&ip)),
        }
    }

    /// Abuse e-mail addresses, most relevant first (ordered and filtered as [`rdap_emails_by_role`],
    /// with the placeholders and redactions of `knowledge` left out).
    pub fn abuse_emails(&self, knowledge: &Knowledge) -> Vec<RdapContactEmail> {
        abuse_emails(&self.entities, knowledge)
    }

    /// The first entity with the `registrant` role (shallowest first).
    pub fn registrant(&self) -> Option<&RdapEntity> {
        registrant(&self.entities)
    }

    /// The registrant's organisation name: its jCard `org`, else `fn`, unless `knowledge` calls
    /// it redaction text ([`RdapEntity::organisation_name`]).
    pub fn registrant_name(&self, knowledge: &Knowledge) -> Option<&str> {
        self.registrant()
            .and_then(|r| r.organisation_name(knowledge))
    }

    /// E-mail addresses of the registrant entity and the entities nested in it (not
    /// placeholders or redactions by `knowledge`), in walk order, de-duplicated.
    pub fn registrant_emails(&self, knowledge: &Knowledge) -> Vec<RdapContactEmail> {
        match self.registrant() {
            Some(r) => emails_in_subtree(r, knowledge),
            None => Vec::new(),
        }
    }

    /// Every entity, depth first in document order.
    pub fn walk_entities(&self) -> Vec<RdapEntityVisit<'_>> {
        walk_entities(&self.entities)
    }
}

impl RdapObject {
    /// Abuse e-mail addresses, most relevant first (ordered and filtered as [`rdap_emails_by_role`],
    /// with the placeholders and redactions of `knowledge` left out).
    pub fn abuse_emails(&self, knowledge: &Knowledge) -> Vec<RdapContactEmail> {
        abuse_emails(&self.entities, knowledge)
    }

    /// The first entity with the `registrant` role (shallowest first).
    pub fn registrant(&self) -> Option<&RdapEntity> {
        registrant(&self.entities)
    }
}

impl RdapEntity {
    /// Whether the entity has `role`.
    pub fn has_role(&self, role: &RdapRole) -> bool {
        self.roles.contains(role)
    }

    /// Its jCard `org`, else `fn`, when `knowledge` does not call it redaction text
    /// ([`Knowledge::is_redaction_text`]).
    pub fn organisation_name(&self, knowledge: &Knowledge) -> Option<&str> {
        let card = self.vcard.as_ref()?;
        card.org
            .iter()
            .map(String::as_str)
            .chain(card.full_name.as_deref())
            .find(|s| !s.trim().is_empty() && !knowledge.is_redaction_text(s))
    }

    /// Its plausible e-mail addresses that `knowledge` does not call placeholders or
    /// redactions ([`Knowledge::is_redacted_email`]).
    pub fn emails(&self, knowledge: &Knowledge) -> Vec<&str> {
        self.vcard
            .as_ref()
            .map(|c| {
                c.emails
                    .iter()
                    .map(String::as_str)
                    .filter(|e| is_plausible_email(e) && !knowledge.is_redacted_email(e))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the entity's contact data is (partly) redacted or a placeholder: a redaction
    /// text as name or organisation, a placeholder or redacted e-mail address (by `knowledge`),
    /// or the `removed`/`private`/`obscured` status.
    pub fn is_redacted(&self, knowledge: &Knowledge) -> bool {
        let status = self.status.iter().any(|s| {
            let s = s.to_ascii_lowercase();
            s == "removed" || s == "obscured" || s == "private"
        });
        let card = self.vcard.as_ref().is_some_and(|c| {
            c.full_name
                .as_deref()
                .is_some_and(|n| knowledge.is_redaction_text(n))
                || c.org.iter().any(|o| knowledge.is_redaction_text(o))
                || c.emails.iter().any(|e| knowledge.is_redacted_email(e))
        });
        status || card
    }
}

/// Every entity of `entities` and below, depth first in document order.
pub(crate) fn walk_entities(entities: &[RdapEntity]) -> Vec<RdapEntityVisit<'_>> {
    fn go<'a>(
        list: &'a [RdapEntity],
        depth: usize,
        parent: Option<usize>,
        out: &mut Vec<RdapEntityVisit<'a>>,
    ) {
        for e in list {
            let me = out.len();
            out.push(RdapEntityVisit {
                entity: e,
                depth,
                parent,
            });
            go(&e.entities, depth + 1, Some(me), out);
        }
    }
    let mut out = Vec::new();
    go(entities, 0, None, &mut out);
    out
}

fn path_of(visits: &[RdapEntityVisit<'_>], mut idx: usize) -> Vec<String> {
    let mut path = Vec::new();
    while let Some(v) = visits.get(idx) {
        path.push(v.entity.handle.clone().unwrap_or_else(|| "?".to_owned()));
        match v.parent {
            Some(p) => idx = p,
            None => break,
        }
    }
    path.reverse();
    path
}

/// E-mail addresses of entities with the `abuse` role at any depth, ordered and filtered as
/// [`rdap_emails_by_role`].
pub(crate) fn abuse_emails(
    entities: &[RdapEntity],
    knowledge: &Knowledge,
) -> Vec<RdapContactEmail> {
    emails_with(entities, knowledge, |e| e.has_role(&RdapRole::Abuse))
}

/// E-mail addresses of entities that have `role` at any depth, most relevant first: shallower
/// entities before deeper ones, then document order; de-duplicated case-insensitively (the
/// first, most relevant occurrence is kept); implausible addresses and the placeholders and
/// redactions of `knowledge` left out.
pub fn rdap_emails_by_role(
    entities: &[RdapEntity],
    role: &RdapRole,
    knowledge: &Knowledge,
) -> Vec<RdapContactEmail> {
    emails_with(entities, knowledge, |e| e.has_role(role))
}

fn emails_with(
    entities: &[RdapEntity],
    knowledge: &Knowledge,
    pick: impl Fn(&RdapEntity) -> bool,
) -> Vec<RdapContactEmail> {
    let visits = walk_entities(entities);
    let mut order: Vec<usize> = (0..visits.len()).collect();
    order.sort_by_key(|i| visits.get(*i).map_or(usize::MAX, |v| v.depth));
    let mut out: Vec<RdapContactEmail> = Vec::new();
    for i in order {
        let Some(v) = visits.get(i) else { continue };
        if !pick(v.entity) {
            continue;
        }
        for email in v.entity.emails(knowledge) {
            if out.iter().any(|c| c.address.eq_ignore_ascii_case(email)) {
                continue;
            }
            out.push(RdapContactEmail {
                address: email.to_owned(),
                path: path_of(&visits, i),
                roles: v.entity.roles.clone(),
                depth: v.depth,
            });
        }
    }
    out
}

fn emails_in_subtree(root: &RdapEntity, knowledge: &Knowledge) -> Vec<RdapContactEmail> {
    let list = std::slice::from_ref(root);
    emails_with(list, knowledge, |_| true)
}

fn registrant(entities: &[RdapEntity]) -> Option<&RdapEntity> {
    let visits = walk_entities(entities);
    visits
        .iter()
        .filter(|v| v.entity.has_role(&RdapRole::Registrant))
        .min_by_key(|v| v.depth)
        .map(|v| v.entity)
}

/// A light plausibility check: one `@`, a non-empty local part, a domain with a dot, no
/// whitespace or angle brackets.
pub(crate) fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c.is_control())
}

// ---- extraction from serde_json values -----------------------------------------------------

fn opt_string(obj: &Map<String, Value>, key: &str) -> Option<String> {
    match obj.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// A string or an array of strings (other members ignored).
fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn ip_network(obj: &Map<String, Value>, warnings: &mut Vec<String>) -> RdapNetwork {
    let addr = |key: &str, warnings: &mut Vec<String>| -> Option<IpAddr> {
        let s = obj.get(key)?.as_str()?;
        match s.trim().parse() {
            Ok(ip) => Some(ip),
            Err(_) => {
                warnings.push(format!("{key}: {s:?} is not an IP address"));
                None
            }
        }
    };
    let start_address = addr("startAddress", warnings);
    let end_address = addr("endAddress", warnings);
    if let (Some(s), Some(e)) = (start_address, end_address)
        && (s.is_ipv4() != e.is_ipv4() || s > e)
    {
        warnings.push("startAddress and endAddress do not form a range".to_owned());
    }
    let ip_version = match obj.get("ipVersion").and_then(Value::as_str) {
        Some("v4") => Some(4),
        Some("v6") => Some(6),
        Some(other) => {
            warnings.push(format!("ipVersion: unknown value {other:?}"));
            None
        }
        None => None,
    };
    let mut cidrs = Vec::new();
    if let Some(list) = obj.get("cidr0_cidrs").and_then(Value::as_array) {
        for c in list {
            match cidr(c) {
                Some(net) => cidrs.push(net),
                None => warnings.push(format!("cidr0_cidrs: unusable entry {c}")),
            }
        }
    }
    let origin_autnums = obj
        .get("arin_originas0_originautnums")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_u64().and_then(|n| u32::try_from(n).ok()))
                .collect()
        })
        .unwrap_or_default();
    RdapNetwork {
        handle: opt_string(obj, "handle"),
        start_address,
        end_address,
        ip_version,
        name: opt_string(obj, "name"),
        network_type: opt_string(obj, "type"),
        country: opt_string(obj, "country"),
        parent_handle: opt_string(obj, "parentHandle"),
        status: string_list(obj.get("status")),
        cidrs,
        origin_autnums,
        port43: opt_string(obj, "port43"),
        events: events(obj.get("events")),
        remarks: remarks(obj.get("remarks")),
        entities: entities(obj.get("entities"), warnings),
        redacted: redacted(obj.get("redacted")),
        warnings: std::mem::take(warnings),
    }
}

fn cidr(v: &Value) -> Option<IpNet> {
    let o = v.as_object()?;
    let len = o.get("length").and_then(|l| {
        l.as_u64()
            .or_else(|| l.as_str().and_then(|s| s.trim().parse().ok()))
    })?;
    let len = u8::try_from(len).ok()?;
    let prefix: IpAddr = match (o.get("v4prefix"), o.get("v6prefix")) {
        (Some(Value::String(s)), _) => s.trim().parse().ok().filter(IpAddr::is_ipv4)?,
        (_, Some(Value::String(s))) => s.trim().parse().ok().filter(IpAddr::is_ipv6)?,
        _ => return None,
    };
    IpNet::new(prefix, len).ok().map(|n| n.trunc())
}

fn redacted(v: Option<&Value>) -> Vec<String> {
    let Some(list) = v.and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|r| {
            let name = r.get("name")?;
            name.get("description")
                .or_else(|| name.get("type"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect()
}

fn events(v: Option<&Value>) -> Vec<RdapEvent> {
    let Some(list) = v.and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|e| {
            let action = e.get("eventAction")?.as_str()?.to_owned();
            let date_text = e
                .get("eventDate")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let date = date_text
                .as_deref()
                .and_then(|d| DateTime::parse_from_rfc3339(d.trim()).ok())
                .map(|d| d.with_timezone(&Utc));
            Some(RdapEvent {
                action,
                date_text,
                date,
            })
        })
        .collect()
}

fn remarks(v: Option<&Value>) -> Vec<RdapRemark> {
    let Some(list) = v.and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|r| {
            let o = r.as_object()?;
            Some(RdapRemark {
                title: opt_string(o, "title"),
                kind: opt_string(o, "type"),
                description: string_list(o.get("description")),
            })
        })
        .collect()
}

fn entities(v: Option<&Value>, warnings: &mut Vec<String>) -> Vec<RdapEntity> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|e| match e.as_object() {
                Some(o) => Some(entity(o, warnings)),
                None => {
                    warnings.push("entities: an entry is not an object".to_owned());
                    None
                }
            })
            .collect(),
        Some(_) => {
            warnings.push("entities is not an array".to_owned());
            Vec::new()
        }
    }
}

fn entity(o: &Map<String, Value>, warnings: &mut Vec<String>) -> RdapEntity {
    let roles = string_list(o.get("roles"))
        .iter()
        .map(|r| RdapRole::from_name(r))
        .collect();
    let vcard = o.get("vcardArray").and_then(|v| {
        let card = parse_jcard(v);
        if card.is_none() {
            warnings.push(format!(
                "entity {}: vcardArray is not a jCard",
                opt_string(o, "handle").unwrap_or_else(|| "?".to_owned())
            ));
        }
        card
    });
    RdapEntity {
        handle: opt_string(o, "handle"),
        roles,
        vcard,
        status: string_list(o.get("status")),
        events: events(o.get("events")),
        remarks: remarks(o.get("remarks")),
        entities: entities(o.get("entities"), warnings),
    }
}

/// Parse a jCard (`["vcard", [[name, params, type, value...], ...]]`), tolerating odd shapes:
/// property names in any case, values as strings, numbers or (nested) arrays, several values
/// after the type, a missing `"vcard"` tag. `None` when no property list can be found.
pub(crate) fn parse_jcard(v: &Value) -> Option<VCard> {
    let arr = v.as_array()?;
    let props = match (arr.first(), arr.get(1)) {
        (Some(Value::String(tag)), Some(Value::Array(p))) if tag.eq_ignore_ascii_case("vcard") => p,
        (Some(Value::Array(_)), _) => arr,
        _ => return None,
    };
    let mut card = VCard::default();
    // (pref, address): a `pref` parameter (1 = most preferred) orders e-mail addresses; those
    // without one keep document order after the preferred ones.
    let mut emails: Vec<(u64, String)> = Vec::new();
    for prop in props {
        let Some(p) = prop.as_array() else { continue };
        let Some(name) = p.first().and_then(Value::as_str) else {
            continue;
        };
        let params = p.get(1).and_then(Value::as_object);
        let values: Vec<String> = p
            .iter()
            .skip(3)
            .map(flatten_value)
            .filter(|s| !s.is_empty())
            .collect();
        match name.to_ascii_lowercase().as_str() {
            "fn" if card.full_name.is_none() => {
                card.full_name = values.into_iter().next();
            }
            "kind" if card.kind.is_none() => {
                card.kind = values.into_iter().next().map(|k| k.to_ascii_lowercase());
            }
            "org" => card.org.extend(values),
            "email" => {
                let pref = params
                    .and_then(|m| m.get("pref"))
                    .and_then(|p| {
                        p.as_u64()
                            .or_else(|| p.as_str().and_then(|s| s.trim().parse().ok()))
                    })
                    .unwrap_or(u64::MAX);
                for v in values {
                    let v = v.trim();
                    let v = v
                        .strip_prefix("mailto:")
                        .or_else(|| v.strip_prefix("MAILTO:"))
                        .unwrap_or(v);
                    // Some registries put several addresses in one value, or a display
                    // name with the address in angle brackets.
                    for part in v.split([',', ';']).map(str::trim).filter(|s| !s.is_empty()) {
                        let addr = match (part.find('<'), part.rfind('>')) {
                            (Some(a), Some(b)) if a < b => part.get(a + 1..b).unwrap_or(part),
                            _ => part,
                        };
                        emails.push((pref, addr.trim().to_owned()));
                    }
                }
            }
            "adr" => {
                let label = params
                    .and_then(|m| m.get("label"))
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|l| !l.is_empty());
                match label {
                    Some(l) => card.addresses.push(l.to_owned()),
                    None => {
                        let joined = values.join(", ");
                        if !joined.is_empty() {
                            card.addresses.push(joined);
                        }
                    }
                }
            }
            "tel" => card.phones.extend(
                values
                    .into_iter()
                    .map(|t| t.strip_prefix("tel:").map(str::to_owned).unwrap_or(t)),
            ),
            "url" => card.urls.extend(values),
            _ => {}
        }
    }
    emails.sort_by_key(|(pref, _)| *pref);
    card.emails = emails.into_iter().map(|(_, e)| e).collect();
    Some(card)
}

/// A jCard value as text: strings as they are, numbers printed, arrays flattened with `, `
/// (empty components dropped).
fn flatten_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(a) => a
            .iter()
            .map(flatten_value)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        Value::Null | Value::Object(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The selectors leave out what the knowledge they are given calls a placeholder or a
    /// redaction, and only that: an operator's knowledge with another marker is obeyed.
    #[test]
    fn selectors_apply_the_knowledge_given() {
        let doc = br#"{"objectClassName":"ip network","handle":"N","startAddress":"192.0.2.0","endAddress":"192.0.2.255",
          "entities":[{"objectClassName":"entity","handle":"A","roles":["abuse"],
            "vcardArray":["vcard",[["fn",{},"text","Hidden By Policy"],["email",{},"text","abuse@bakery.example"],
              ["email",{},"text","unread@ripe.net"]]]},
            {"objectClassName":"entity","handle":"R","roles":["registrant"],
            "vcardArray":["vcard",[["fn",{},"text","Hidden By Policy"],["org",{},"text","REDACTED FOR PRIVACY"]]]}]}"#;
        let net = parse_rdap_network(doc, "t").unwrap();
        let builtin = Knowledge::builtin_ref();
        let abuse: Vec<String> = net
            .abuse_emails(builtin)
            .into_iter()
            .map(|c| c.address)
            .collect();
        assert_eq!(abuse, ["abuse@bakery.example"]);
        // the built-in markers do not know "Hidden By Policy": a name for the built-in knowledge
        assert_eq!(net.registrant_name(builtin), Some("Hidden By Policy"));
        let entity = &net.entities[0];
        assert!(
            entity.is_redacted(builtin),
            "unread@ripe.net is a placeholder"
        );
        let own = Knowledge::parse(&format!(
            "{}\nredaction-marker hidden by policy\nredaction-mailbox abuse\n",
            crate::BUILTIN_KNOWLEDGE
        ))
        .unwrap();
        assert_eq!(net.registrant_name(&own), None);
        assert!(net.abuse_emails(&own).is_empty());
        assert!(entity.emails(&own).is_empty());
    }
}
