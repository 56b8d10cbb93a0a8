//! Output of the `daily-run` example: `decisions.jsonl` lines and `summary.json`, in the shape
//! `daily-run.md` gives.

use std::collections::BTreeMap;

use ip_attribution::engine::Decision;
use ip_attribution::feed::Finding;
use serde_json::{Value, json};

/// One `decisions.jsonl` line (without the newline), fields in the contract's order.
pub fn decision_line(f: &Finding, d: &Decision) -> String {
    let s = |v: &str| Value::String(v.to_owned()).to_string();
    let ip = match (f.ip, &f.ip_text) {
        (Some(ip), _) => s(&ip.to_string()),
        (None, Some(t)) => s(t),
        (None, None) => "null".to_owned(),
    };
    let port = f.port.map_or("null".to_owned(), |p| p.to_string());
    let organisation = match &d.organisation {
        Some(o) => json!({"name": o.name, "domain": o.domain}).to_string(),
        None => "null".to_owned(),
    };
    let recipients: Vec<Value> = d
        .recipients
        .iter()
        .map(|r| json!({"address": r.address, "via": r.via.as_str()}))
        .collect();
    let evidence: Vec<Value> = d
        .evidence
        .iter()
        .map(|e| json!({"kind": e.kind, "source": e.source, "value": e.value, "weight": e.weight}))
        .collect();
    format!(
        "{{\"feed\": {}, \"line\": {}, \"ip\": {}, \"port\": {}, \"report_type\": {}, \"outcome\": {}, \"organisation\": {}, \"recipients\": {}, \"language\": {}, \"evidence\": {}, \"reason\": {}}}",
        s(&f.feed),
        f.line,
        ip,
        port,
        s(&f.report_type),
        s(d.outcome.as_str()),
        organisation,
        Value::Array(recipients),
        s(&d.language),
        Value::Array(evidence),
        s(&d.reason),
    )
}

/// Counts for `summary.json`.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Decisions written (= findings read).
    pub decisions: usize,
    /// Per outcome.
    pub outcomes: BTreeMap<String, usize>,
    /// Per report type.
    pub report_types: BTreeMap<String, usize>,
    /// Per recipient (`recipients[0]`).
    pub recipients: BTreeMap<String, usize>,
    /// Per feed file: findings read.
    pub feeds: BTreeMap<String, usize>,
    /// Malformed feed rows.
    pub malformed_rows: usize,
}

impl Summary {
    /// Counts one decision.
    pub fn add(&mut self, f: &Finding, d: &Decision) {
        self.decisions += 1;
        *self
            .outcomes
            .entry(d.outcome.as_str().to_owned())
            .or_default() += 1;
        *self
            .report_types
            .entry(f.report_type.to_string())
            .or_default() += 1;
        *self.feeds.entry(f.feed.to_string()).or_default() += 1;
        if let Some(r) = d.recipient() {
            *self.recipients.entry(r.address.clone()).or_default() += 1;
        }
        if f.problem.is_some() {
            self.malformed_rows += 1;
        }
    }

    /// The `summary.json` document.
    pub fn to_json(&self, snapshot: Value, notices: usize) -> Value {
        json!({
            "input_lines": self.decisions,
            "decisions": self.decisions,
            "malformed_rows": self.malformed_rows,
            "outcomes": self.outcomes,
            "report_types": self.report_types,
            "recipients": self.recipients,
            "feeds": self.feeds,
            "notices": notices,
            "snapshot": snapshot,
        })
    }
}

/// A file name for a recipient address: only `[A-Za-z0-9@._+-]`, other bytes as `_`, no leading
/// dot, at most 200 bytes.
pub fn recipient_file_name(address: &str) -> String {
    let mut s: String = address
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '_' | '+' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(200)
        .collect();
    while s.starts_with('.') {
        s.replace_range(..1, "_");
    }
    if s.is_empty() {
        s.push('_');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_sanitised() {
        assert_eq!(recipient_file_name("abuse@example.nl"), "abuse@example.nl");
        assert_eq!(recipient_file_name("../x/y@z"), "__x_y@z");
        assert_eq!(recipient_file_name(""), "_");
        assert_eq!(recipient_file_name(&"a".repeat(500)).len(), 200);
    }
}
