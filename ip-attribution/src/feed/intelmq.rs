//! IntelMQ events, one JSON object per line (flat keys such as `source.ip`).
//!
//! The report type is `classification.identifier`, else `feed.name` (lower case, blanks as `-`),
//! else the file name's. A line that is not a JSON object, or has no valid `source.ip`, becomes a
//! finding with a [`Problem`](super::Problem). Blank lines are not findings.

use std::sync::Arc;

use serde_json::Value;

use super::{Finding, MAX_VALUE_BYTES, capped, parse_ip, parse_time};

/// Most bytes of one JSON line; a longer line is a malformed finding.
pub const MAX_LINE_BYTES: usize = 1 << 20;

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(capped(s.trim())),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads an IntelMQ JSON-lines feed named `feed` (held whole; [`super::FeedReader`] reads one
/// in chunks, with the same results).
pub fn read_intelmq(feed: Arc<str>, bytes: &[u8]) -> Vec<Finding> {
    super::FeedReader::whole_as(feed, bytes, Some(super::FeedFormat::IntelMqJsonLines))
        .filter_map(Result::ok)
        .collect()
}

/// True when line `line` (its bytes `raw`, line break excluded) is blank: only ASCII
/// whitespace once a final `\r` and, on line 1, a byte order mark are removed.
pub(crate) fn is_blank(line: usize, raw: &[u8]) -> bool {
    let raw = if line == 1 {
        raw.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(raw)
    } else {
        raw
    };
    raw.iter().all(u8::is_ascii_whitespace)
}

/// The finding of a line longer than [`MAX_LINE_BYTES`].
pub(crate) fn too_long(feed: &Arc<str>, fallback: &Arc<str>, line: usize) -> Finding {
    let mut f = Finding::new(feed.clone(), line, fallback.clone());
    f.fail(format!("line is longer than {MAX_LINE_BYTES} bytes"));
    f
}

/// The finding of line `line` (its bytes `raw`, line break excluded), `None` for a blank line.
/// `fallback` is the report type from the file name.
pub(crate) fn finding(
    feed: &Arc<str>,
    fallback: &Arc<str>,
    line: usize,
    raw: &[u8],
) -> Option<Finding> {
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let raw = if line == 1 {
        raw.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(raw)
    } else {
        raw
    };
    if raw.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    if raw.len() > MAX_LINE_BYTES {
        return Some(too_long(feed, fallback, line));
    }
    let mut f = Finding::new(feed.clone(), line, fallback.clone());
    let v: Value = match serde_json::from_slice(raw) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => {
            f.fail("not a JSON object");
            return Some(f);
        }
        Err(e) => {
            f.fail(format!("invalid JSON: {e}"));
            return Some(f);
        }
    };
    if let Some(t) = text(&v, "classification.identifier") {
        f.report_type = Arc::from(t.to_ascii_lowercase());
    } else if let Some(t) = text(&v, "feed.name") {
        f.report_type = Arc::from(t.to_ascii_lowercase().replace(' ', "-"));
    }
    match text(&v, "source.ip") {
        Some(t) => {
            f.ip = parse_ip(&t);
            if f.ip.is_none() {
                f.fail(format!("invalid source.ip {t:?}"));
            }
            f.ip_text = Some(t);
        }
        None => f.fail("no source.ip"),
    }
    if let Some(p) = text(&v, "source.port") {
        match p.parse::<u16>() {
            Ok(p) => f.port = Some(p),
            Err(_) => f.fail(format!("invalid source.port {p:?}")),
        }
    }
    if let Some(t) = text(&v, "time.source").or_else(|| text(&v, "time.observation")) {
        match parse_time(&t) {
            Some(t) => f.observed = Some(t),
            None => f.fail(format!("invalid time.source {t:?}")),
        }
    }
    f.protocol = text(&v, "protocol.transport");
    f.hostname = text(&v, "source.reverse_dns").or_else(|| text(&v, "source.fqdn"));
    f.classification = text(&v, "classification.type");
    let taxonomy = text(&v, "classification.taxonomy");
    let identifier = text(&v, "classification.identifier");
    if taxonomy.is_some() || identifier.is_some() {
        f.intelmq = Some(Box::new(super::IntelMqClass {
            taxonomy,
            identifier,
        }));
    }
    f.tags = text(&v, "classification.identifier")
        .into_iter()
        .chain(text(&v, "malware.name"))
        .filter(|t| t.len() <= MAX_VALUE_BYTES)
        .collect();
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_and_bad_lines() {
        let text = concat!(
            "{\"source.ip\": \"192.0.2.5\", \"source.port\": 3389, \"classification.identifier\": \"accessible-rdp\", \"time.source\": \"2026-11-22T00:09:27+00:00\"}\n",
            "\n",
            "{\"source.ip\": \n",
            "[1,2]\n",
            "{\"feed.name\": \"Accessible RDP\", \"source.ip\": \"2001:db8::5\", \"source.port\": \"3389\"}\n",
            "{\"source.ip\": \"nope\"}\n",
        );
        let f = read_intelmq(
            Arc::from("2026-11-22-intelmq-events.jsonl"),
            text.as_bytes(),
        );
        assert_eq!(f.len(), 5);
        assert!(f[0].is_usable());
        assert_eq!(&*f[0].report_type, "accessible-rdp");
        assert_eq!(f[0].port, Some(3389));
        assert_eq!(f[1].line, 3);
        assert!(!f[1].is_usable());
        assert!(!f[2].is_usable());
        assert!(f[3].is_usable());
        assert_eq!(&*f[3].report_type, "accessible-rdp");
        assert!(!f[4].is_usable());
        assert_eq!(f[4].ip_text.as_deref(), Some("nope"));
    }
}
