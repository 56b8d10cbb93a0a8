//! XARF v4 export: one JSON report per finding.
//!
//! Fields follow the XARF v4 core schema (`xarf_version`, `report_id`,
//! `timestamp`, `reporter`, `sender`, `source_identifier`, `source_port`,
//! `category`, `type`, `evidence_source`, `description`) plus the category
//! fields we can fill: `service` and `cve` for `vulnerability`, `url` for
//! `content`. `report_id` is a UUID (version 4 layout) derived from the ticket
//! and the finding's input position, so the same input gives the same ids.

use serde_json::{Map, Value, json};

use super::Renderer;
use crate::aggregate::Notice;
use crate::error::{Error, Result};
use crate::inert::{escape_json_invisible, truncate};
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
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

fn s(v: &str) -> Value {
    Value::String(truncate(v).into_owned())
}

pub(super) fn render(r: &Renderer, notice: &Notice) -> Result<Vec<String>> {
    let o = &r.options;
    let contact = json!({
        "org": o.sender_name,
        "contact": o.reply_to.as_deref().unwrap_or(&o.from),
        "domain": o.message_id_domain,
    });
    let mut out = Vec::with_capacity(notice.finding_count());
    for (group, item) in notice.items() {
        let f = &item.finding;
        let e = r
            .catalogue
            .entry(&group.entry)
            .unwrap_or(r.catalogue.fallback());
        let mut m = Map::new();
        m.insert("xarf_version".into(), json!("4.0.0"));
        m.insert(
            "report_id".into(),
            json!(report_id(&notice.ticket, item.index)),
        );
        m.insert("timestamp".into(), json!(f.observed.to_rfc3339()));
        m.insert("reporter".into(), contact.clone());
        m.insert("sender".into(), contact.clone());
        let source = if f.ip.trim().is_empty() {
            &f.asset
        } else {
            &f.ip
        };
        m.insert("source_identifier".into(), s(source.trim()));
        if let Some(p) = f.port {
            m.insert("source_port".into(), json!(p));
        }
        m.insert("category".into(), json!(e.xarf.category));
        m.insert("type".into(), json!(e.xarf.kind));
        m.insert("evidence_source".into(), json!(e.xarf.evidence_source));
        m.insert("description".into(), json!(e.text(Language::En).title));
        if !f.protocol.trim().is_empty() {
            m.insert("protocol".into(), s(&f.protocol.to_ascii_lowercase()));
        }
        match e.xarf.category.as_str() {
            "vulnerability" => {
                m.insert("service".into(), json!(e.xarf.service));
                if !e.cves.is_empty() {
                    m.insert("cve".into(), json!(e.cves));
                }
            }
            "content" => {
                let url = if f.asset.contains("://") {
                    f.asset.clone()
                } else if !f.asset.trim().is_empty() {
                    format!("http://{}/", f.asset.trim())
                } else {
                    format!("http://{}/", f.ip.trim())
                };
                m.insert("url".into(), s(&url));
            }
            _ => {}
        }
        let tags: Vec<Value> = f.normalised_tags().iter().map(|t| s(t)).collect();
        if !tags.is_empty() {
            m.insert("tags".into(), Value::Array(tags));
        }
        let mut evidence = Map::new();
        evidence.insert("report_type".into(), s(&f.report_type));
        evidence.insert("feed".into(), s(&f.feed));
        evidence.insert("line".into(), json!(f.line));
        for (k, v) in &f.extra {
            if !v.trim().is_empty() {
                evidence.insert(truncate(k).into_owned(), s(v));
            }
        }
        m.insert("additional_info".into(), Value::Object(evidence));
        let text = serde_json::to_string(&Value::Object(m)).map_err(|e| Error::Output {
            what: "xarf",
            message: e.to_string(),
        })?;
        out.push(escape_json_invisible(text));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::report_id;

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
