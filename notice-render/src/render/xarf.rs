//! XARF v4 export: one JSON report per finding, valid against the official
//! XARF v4 schema (`xarf-v4-master.json`, version 4.2.0 of the xarf-spec
//! repository; a copy is in `tests/data/xarf/` and a test validates every
//! catalogue entry's report against it).
//!
//! Core fields: `xarf_version`, `report_id`, `timestamp`, `reporter` and
//! `sender` (`org`, `contact`, `domain`), `source_identifier`, `source_port`
//! (1 to 65535 only), `category`, `type`, `evidence_source`, `description`,
//! `tags` (as `tag:<name>`, the schema's `namespace:predicate` form) and
//! `additional_info` (report type, feed, line, extra fields, `reporter`,
//! `reported_name` for an asset that is not a name, and `customer` with
//! `organisation`, `domain` and `evidence` for an abuse desk's ticket system). `report_id` is
//! a UUID (version 4 layout) derived from the ticket and the finding's
//! position in the notice, so the same notice gives the same ids however its
//! findings were gathered.
//!
//! The fields each type requires:
//! - `vulnerability`: `service`; for `cve` also `cve_id` (a CVE from the
//!   finding's tags, else the entry's first), `cve_ids` (the entry's, at
//!   most 10) and `service_port`. A `cve` finding without a port or a CVE is
//!   exported as `misconfiguration`, which needs neither. The catalogue type
//!   `open` (XARF before 4.2) is written as `open_service`.
//! - `content`: `url` (an RFC 3986 URI: the asset's URL or `http://` and the
//!   asset or IP, with other characters percent-encoded);
//!   `remote_compromise` also `compromise_type` (from the tags, else
//!   `other`); `exposed_data` also `data_types` (`credentials` when the
//!   entry or a tag names credentials, else `other`) and `exposure_method`
//!   (`other`).
//! - `infrastructure` `botnet`: `compromise_evidence` (how it was seen).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{RenderOptions, Renderer};
use crate::aggregate::Notice;
use crate::error::Result;
use crate::finding::Finding;
use crate::inert::{push_json_string, truncate};
use crate::language::Language;

/// FNV-1a, 64 bits, from a given offset basis.
pub(super) fn fnv64(seed: u64, parts: &[&[u8]]) -> u64 {
    let mut h = seed;
    for p in parts {
        for b in *p {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn report_id(ticket: &str, index: usize) -> String {
    let i = index.to_le_bytes();
    let a = fnv64(0xcbf2_9ce4_8422_2325, &[ticket.as_bytes(), &i]);
    let b = fnv64(0x8422_2325_cbf2_9ce4, &[&i, ticket.as_bytes()]);
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    // 8-4-4-4-12 lower-case hex digits: `a` gives the first 16, `b` the last 16
    let mut id = String::with_capacity(36);
    push_hex(&mut id, a >> 32, 8);
    id.push('-');
    push_hex(&mut id, a >> 16, 4);
    id.push('-');
    push_hex(&mut id, a, 4);
    id.push('-');
    push_hex(&mut id, b >> 48, 4);
    id.push('-');
    push_hex(&mut id, b, 12);
    id
}

/// The low `digits` hex digits of `value`, lower case, most significant first.
fn push_hex(out: &mut String, value: u64, digits: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for shift in (0..digits).rev() {
        let nibble = (value >> (shift * 4)) & 0xf;
        out.push(char::from(HEX[nibble as usize]));
    }
}

/// The XARF type for a catalogue type (`open` was renamed `open_service`).
fn xarf_type<'a>(category: &str, kind: &'a str) -> &'a str {
    match (category, kind) {
        ("vulnerability", "open") => "open_service",
        _ => kind,
    }
}

/// `CVE-YYYY-N...` for a tag or catalogue value that is one (any case).
fn cve_id(value: &str) -> Option<String> {
    let value = value.trim();
    // most tags are not CVEs: tell without allocating
    if !value
        .as_bytes()
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"cve-"))
    {
        return None;
    }
    let upper = value.to_ascii_uppercase();
    let rest = upper.strip_prefix("CVE-")?;
    let (year, number) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (year.len() == 4 && digits(year) && digits(number) && number.len() <= 12).then_some(upper)
}

/// A tag in the schema's `namespace:predicate` form: `tag:` and the tag
/// with characters other than `a-z 0-9 _ + -` as `-`.
fn xarf_tag(tag: &str) -> Option<String> {
    let name: String = tag
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '+' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_start_matches(['_', '+', '-']);
    (!name.is_empty()).then(|| format!("tag:{}", truncate(name)))
}

/// Percent-encodes every octet of `part` that is not unreserved, a
/// sub-delimiter or one of `extra` (RFC 3986 2.1); a `%` stays only before
/// two hex digits.
fn push_uri_part(out: &mut String, part: &str, extra: &[u8]) {
    let bytes = part.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=".contains(&b)
            || extra.contains(&b)
            || (b == b'%'
                && bytes
                    .get(i + 1..i + 3)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)));
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// The `url` of a content report: the asset when it is an http(s) URL, else
/// `http://` and the asset (or IP) and `/`, as a valid URI.
fn content_url(asset: &str, ip: &str) -> String {
    let asset = asset.trim();
    let lower = asset.get(..8).unwrap_or(asset).to_ascii_lowercase();
    let (scheme, rest) = if lower.starts_with("https://") {
        ("https", asset.get(8..).unwrap_or_default())
    } else if lower.starts_with("http://") {
        ("http", asset.get(7..).unwrap_or_default())
    } else if !asset.is_empty() {
        ("http", asset)
    } else {
        ("http", ip.trim())
    };
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(split);
    let mut url = String::with_capacity(rest.len() + 16);
    url.push_str(scheme);
    url.push_str("://");
    let ipv6 = authority.parse::<std::net::Ipv6Addr>().is_ok();
    if ipv6 {
        url.push('[');
        url.push_str(authority);
        url.push(']');
    } else if let Some((host, port)) = authority
        .rsplit_once(':')
        .filter(|(h, p)| !h.is_empty() && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        push_uri_part(&mut url, host, b"");
        url.push(':');
        url.push_str(port);
    } else if authority.is_empty() {
        url.push_str("unknown.invalid");
    } else {
        push_uri_part(&mut url, authority, b"");
    }
    match tail.split_once('#') {
        Some((path, fragment)) => {
            push_uri_part(&mut url, path, b":@/?");
            url.push('#');
            push_uri_part(&mut url, fragment, b":@/?");
        }
        None if tail.is_empty() => url.push('/'),
        None => push_uri_part(&mut url, tail, b":@/?"),
    }
    url
}

fn compromise_type(tags: &[String]) -> &'static str {
    for t in tags {
        let kind = match t.as_str() {
            "webshell" | "web-shell" => "webshell",
            "backdoor" => "backdoor",
            "defacement" | "defaced" => "defacement",
            "phishing" | "phishing-kit" => "phishing_kit",
            "cryptominer" | "coinminer" | "cryptojacking" => "cryptominer",
            "malicious-redirect" | "redirect" => "malicious_redirect",
            "seo-spam" => "seo_spam",
            "malware" | "malware-host" => "malware_host",
            _ => continue,
        };
        return kind;
    }
    "other"
}

/// The reports of [`render`] as one JSON array, one report per line.
pub(super) fn render_array(r: &Renderer, notice: &Notice) -> Result<String> {
    let mut out = String::with_capacity(1024 * notice.finding_count() + 4);
    out.push('[');
    each_report(r, notice, |report| {
        out.push_str(if out.len() == 1 { "\n" } else { ",\n" });
        report.write(&mut out);
    });
    out.push_str("\n]\n");
    Ok(out)
}

/// One report. The fields are written in sorted order, the order in which
/// the report was first written (as a `serde_json` map), so the bytes stay
/// the same; absent fields are left out. Written by [`Report::write`]
/// straight into the output: the same JSON `serde_json` writes, with
/// invisible characters escaped as [`crate::inert::escape_json_invisible`]
/// does.
struct Report<'a> {
    additional_info: BTreeMap<Cow<'a, str>, Info<'a>>,
    category: &'a str,
    compromise_evidence: Option<String>,
    compromise_type: Option<&'static str>,
    cve_id: Option<String>,
    cve_ids: Vec<String>,
    data_types: Option<&'static str>,
    description: &'a str,
    evidence_source: &'a str,
    exposure_method: Option<&'static str>,
    protocol: Option<String>,
    report_id: String,
    /// `reporter` and `sender`: the same object, written once per notice.
    contact: &'a str,
    service: Option<&'a str>,
    service_port: Option<u16>,
    source_identifier: Cow<'a, str>,
    source_port: Option<u16>,
    tags: Vec<String>,
    timestamp: Option<String>,
    kind: &'a str,
    url: Option<String>,
}

/// A value of `additional_info`: its keys include the finding's own extra
/// fields, so it is a map (a later key of the same name replaces an earlier
/// one, in the order they are inserted).
enum Info<'a> {
    Text(Cow<'a, str>),
    Line(u64),
    Customer(CustomerInfo<'a>),
}

struct CustomerInfo<'a> {
    domain: Cow<'a, str>,
    /// Kind and value of each piece of evidence.
    evidence: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    organisation: Cow<'a, str>,
}

/// `,"key":` (no comma before the first field of an object).
fn key(out: &mut String, name: &str) {
    if !out.ends_with('{') {
        out.push(',');
    }
    out.push('"');
    out.push_str(name);
    out.push_str("\":");
}

fn string_field(out: &mut String, name: &str, value: &str) {
    key(out, name);
    push_json_string(out, value);
}

fn number_field(out: &mut String, name: &str, value: impl std::fmt::Display) {
    key(out, name);
    let _ = write!(out, "{value}");
}

fn array_field<S: AsRef<str>>(out: &mut String, name: &str, values: &[S]) {
    key(out, name);
    out.push('[');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(out, v.as_ref());
    }
    out.push(']');
}

impl Report<'_> {
    fn write(&self, out: &mut String) {
        out.push('{');
        key(out, "additional_info");
        out.push('{');
        for (name, value) in &self.additional_info {
            if !out.ends_with('{') {
                out.push(',');
            }
            push_json_string(out, name);
            out.push(':');
            match value {
                Info::Text(t) => push_json_string(out, t),
                Info::Line(n) => {
                    let _ = write!(out, "{n}");
                }
                Info::Customer(c) => {
                    out.push('{');
                    string_field(out, "domain", &c.domain);
                    key(out, "evidence");
                    out.push('[');
                    for (i, (kind, value)) in c.evidence.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push('{');
                        string_field(out, "kind", kind);
                        string_field(out, "value", value);
                        out.push('}');
                    }
                    out.push(']');
                    string_field(out, "organisation", &c.organisation);
                    out.push('}');
                }
            }
        }
        out.push('}');
        string_field(out, "category", self.category);
        if let Some(v) = &self.compromise_evidence {
            string_field(out, "compromise_evidence", v);
        }
        if let Some(v) = self.compromise_type {
            string_field(out, "compromise_type", v);
        }
        if let Some(v) = &self.cve_id {
            string_field(out, "cve_id", v);
        }
        if !self.cve_ids.is_empty() {
            array_field(out, "cve_ids", &self.cve_ids);
        }
        if let Some(v) = self.data_types {
            array_field(out, "data_types", &[v]);
        }
        string_field(out, "description", self.description);
        string_field(out, "evidence_source", self.evidence_source);
        if let Some(v) = self.exposure_method {
            string_field(out, "exposure_method", v);
        }
        if let Some(v) = &self.protocol {
            string_field(out, "protocol", v);
        }
        string_field(out, "report_id", &self.report_id);
        key(out, "reporter");
        out.push_str(self.contact);
        key(out, "sender");
        out.push_str(self.contact);
        if let Some(v) = self.service {
            string_field(out, "service", v);
        }
        if let Some(v) = self.service_port {
            number_field(out, "service_port", v);
        }
        string_field(out, "source_identifier", &self.source_identifier);
        if let Some(v) = self.source_port {
            number_field(out, "source_port", v);
        }
        if !self.tags.is_empty() {
            array_field(out, "tags", &self.tags);
        }
        if let Some(v) = &self.timestamp {
            string_field(out, "timestamp", v);
        }
        string_field(out, "type", self.kind);
        if let Some(v) = &self.url {
            string_field(out, "url", v);
        }
        string_field(out, "xarf_version", "4.2.0");
        out.push('}');
    }
}

/// One JSON text per finding of the notice, in the notice's order.
pub(super) fn render(r: &Renderer, notice: &Notice) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(notice.finding_count());
    each_report(r, notice, |report| {
        let mut text = String::with_capacity(1024);
        report.write(&mut text);
        out.push(text);
    });
    Ok(out)
}

/// Builds the report of each finding of the notice, in order, and hands it to `emit`.
fn each_report(r: &Renderer, notice: &Notice, mut emit: impl FnMut(&Report<'_>)) {
    let o = &r.options;
    // `reporter` and `sender`: keys in the order serde_json writes a map's (sorted)
    let mut contact = String::from("{");
    string_field(
        &mut contact,
        "contact",
        o.reply_to.as_deref().unwrap_or(&o.from),
    );
    string_field(&mut contact, "domain", &o.message_id_domain);
    string_field(&mut contact, "org", &o.sender_name);
    contact.push('}');
    for (position, (group, item)) in notice.items().enumerate() {
        let f = &item.finding;
        let e = r
            .catalogue
            .entry(&group.entry)
            .unwrap_or(r.catalogue.fallback());
        let tags = f.normalised_tags();
        let port = f.port.filter(|p| *p >= 1);
        let category = e.xarf.category.as_str();
        let mut kind = xarf_type(category, &e.xarf.kind);
        let cve = tags
            .iter()
            .find_map(|t| cve_id(t))
            .or_else(|| e.cves.iter().find_map(|c| cve_id(c)));
        if kind == "cve" && (cve.is_none() || port.is_none()) {
            kind = "misconfiguration";
        }
        // a reported name that is not a name is never used as one
        let asset = if crate::inert::is_asset_name(&f.asset) {
            f.asset.as_str()
        } else {
            ""
        };
        let source = if f.ip.trim().is_empty() { asset } else { &f.ip };
        let mut report = Report {
            additional_info: additional_info(o, f, asset),
            category,
            compromise_evidence: None,
            compromise_type: None,
            cve_id: None,
            cve_ids: Vec::new(),
            data_types: None,
            description: &e.text(Language::En).title,
            evidence_source: &e.xarf.evidence_source,
            exposure_method: None,
            protocol: (!f.protocol.trim().is_empty())
                .then(|| truncate(&f.protocol.to_ascii_lowercase()).into_owned()),
            report_id: report_id(&notice.ticket, position),
            contact: &contact,
            service: None,
            service_port: None,
            source_identifier: truncate(source.trim()),
            source_port: port,
            tags: Vec::new(),
            timestamp: item.first_seen.map(super::dates::rfc3339),
            kind,
            url: None,
        };
        match category {
            "vulnerability" => {
                report.service = Some(&e.xarf.service);
                if kind == "cve" {
                    report.service_port = port;
                    report.cve_id = cve;
                    for id in e.cves.iter().filter_map(|c| cve_id(c)) {
                        if !report.cve_ids.contains(&id) && report.cve_ids.len() < 10 {
                            report.cve_ids.push(id);
                        }
                    }
                }
            }
            "content" => {
                report.url = Some(truncate(&content_url(asset, &f.ip)).into_owned());
                match kind {
                    "remote_compromise" => report.compromise_type = Some(compromise_type(&tags)),
                    "exposed_data" => {
                        let credentials = e.id.contains("credential")
                            || tags.iter().any(|t| t.contains("credential"));
                        let data = if credentials { "credentials" } else { "other" };
                        report.data_types = Some(data);
                        report.exposure_method = Some("other");
                    }
                    _ => {}
                }
            }
            "infrastructure" if kind == "botnet" => {
                report.compromise_evidence = Some(if e.xarf.evidence_source == "sinkhole" {
                    "connections to a sinkhole server observed".to_string()
                } else {
                    format!("reported by {}", truncate(&f.feed))
                });
            }
            _ => {}
        }
        for t in tags.iter().filter_map(|t| xarf_tag(t)) {
            if !report.tags.contains(&t) && report.tags.len() < 20 {
                report.tags.push(t);
            }
        }
        emit(&report);
    }
}

/// `additional_info`: report type, feed, line, the extra fields, reporter,
/// a reported name that is not a name, and the customer.
fn additional_info<'a>(
    o: &'a RenderOptions,
    f: &'a Finding,
    asset: &str,
) -> BTreeMap<Cow<'a, str>, Info<'a>> {
    let mut info = BTreeMap::new();
    info.insert("report_type".into(), Info::Text(truncate(&f.report_type)));
    info.insert("feed".into(), Info::Text(truncate(&f.feed)));
    info.insert("line".into(), Info::Line(f.line));
    for (k, v) in &f.extra {
        if !v.trim().is_empty() {
            info.insert(truncate(k), Info::Text(truncate(v)));
        }
    }
    let reporter = o.reporter_of(f);
    if !reporter.is_empty() {
        info.insert("reporter".into(), Info::Text(truncate(reporter)));
    }
    if asset.is_empty() && !f.asset.trim().is_empty() {
        info.insert("reported_name".into(), Info::Text(truncate(f.asset.trim())));
    }
    if let Some(c) = &f.customer {
        let customer = CustomerInfo {
            domain: truncate(c.domain.trim()),
            evidence: c
                .evidence
                .iter()
                .map(|e| (truncate(&e.kind), truncate(&e.value)))
                .collect(),
            organisation: truncate(c.organisation.trim()),
        };
        info.insert("customer".into(), Info::Customer(customer));
    }
    info
}

#[cfg(test)]
mod tests {
    use super::{fnv64, report_id};

    #[test]
    fn cve_ids_tags_and_urls() {
        use super::{content_url, cve_id, xarf_tag};
        assert_eq!(cve_id("cve-2021-26855").as_deref(), Some("CVE-2021-26855"));
        assert_eq!(cve_id("cve-21-1"), None);
        assert_eq!(cve_id("rdp"), None);
        assert_eq!(xarf_tag("rdp").as_deref(), Some("tag:rdp"));
        assert_eq!(
            xarf_tag("Hacked Webserver.v2").as_deref(),
            Some("tag:hacked-webserver-v2")
        );
        assert_eq!(xarf_tag("--"), None);
        assert_eq!(
            content_url("www.example.nl", "192.0.2.1"),
            "http://www.example.nl/"
        );
        assert_eq!(content_url("", "2001:db8::1"), "http://[2001:db8::1]/");
        assert_eq!(
            content_url("HTTPS://a.example:8443/x y?q=<1>#f#g", ""),
            "https://a.example:8443/x%20y?q=%3C1%3E#f%23g"
        );
        assert_eq!(
            content_url("host\r\nBcc: x@y", ""),
            "http://host%0D%0ABcc%3A%20x%40y/"
        );
    }

    #[test]
    fn report_id_is_the_formatted_hex_of_its_hashes() {
        for (ticket, index) in [("NTC-20250304-00001", 0), ("", 7), ("x", usize::MAX)] {
            let i = index.to_le_bytes();
            let a = fnv64(0xcbf2_9ce4_8422_2325, &[ticket.as_bytes(), &i]);
            let b = fnv64(0x8422_2325_cbf2_9ce4, &[&i, ticket.as_bytes()]);
            let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
            let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
            let want = format!(
                "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0xffff,
                b >> 48,
                b & 0xffff_ffff_ffff
            );
            assert_eq!(report_id(ticket, index), want);
        }
    }

    #[test]
    fn report_id_is_uuid_v4_shaped_and_stable() {
        let a = report_id("NTC-20250304-00001", 3);
        assert_eq!(a, report_id("NTC-20250304-00001", 3));
        assert_ne!(a, report_id("NTC-20250304-00001", 4));
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            vec![8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(
            parts[3].chars().next(),
            Some('8' | '9' | 'a' | 'b')
        ));
    }
}
