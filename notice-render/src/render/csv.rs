//! The CSV attachment: RFC 4180, CRLF line ends, every cell quoted and
//! neutralised by [`crate::inert::csv_cell`] (written in place by
//! [`crate::inert::push_csv_cell`]).
//!
//! One row per finding, with everything a ticket system needs to route it:
//! the customer identified behind the address (organisation, domain, the
//! evidence as `kind=value; ...`) and the organisation that reported it.
//! `asset` holds only values that are names ([`crate::inert::is_asset_name`]);
//! any other reported name is in `reported_name`.

use super::Renderer;
use crate::aggregate::Notice;

use crate::inert::push_csv_cell;

const HEADER: [&str; 18] = [
    "ticket",
    "problem",
    "title",
    "ip",
    "port",
    "protocol",
    "asset",
    "observed",
    "report_type",
    "tags",
    "feed",
    "line",
    "details",
    "reporter",
    "reported_name",
    "customer",
    "customer_domain",
    "customer_evidence",
];

pub(super) fn render(r: &Renderer, notice: &Notice) -> String {
    let mut out = String::with_capacity(256 + notice.finding_count() * 256);
    push_row(&mut out, HEADER.iter().copied());
    let mut port = String::new();
    let mut observed = String::new();
    let mut line = String::new();
    let mut details = String::new();
    let mut evidence = String::new();
    let mut tags = String::new();
    for (group, item) in notice.items() {
        let f = &item.finding;
        let title = r
            .catalogue
            .entry(&group.entry)
            .map(|e| e.text(notice.language).title.as_str())
            .unwrap_or_default();
        details.clear();
        for (k, v) in f.extra.iter().filter(|(_, v)| !v.trim().is_empty()) {
            if !details.is_empty() {
                details.push_str("; ");
            }
            details.push_str(k);
            details.push('=');
            details.push_str(v);
        }
        port.clear();
        if let Some(p) = f.port {
            push_decimal(&mut port, u64::from(p));
        }
        observed.clear();
        if let Some(t) = item.first_seen {
            super::dates::push_rfc3339_seconds(&mut observed, t);
        }
        line.clear();
        push_decimal(&mut line, f.line);
        tags.clear();
        push_tags(&mut tags, &f.tags);
        let valid = crate::inert::is_asset_name(&f.asset);
        let (asset, reported_name) = if valid {
            (f.asset.trim(), "")
        } else {
            ("", f.asset.trim())
        };
        evidence.clear();
        let (customer, customer_domain) = match &f.customer {
            Some(c) => {
                for e in &c.evidence {
                    if !evidence.is_empty() {
                        evidence.push_str("; ");
                    }
                    evidence.push_str(&e.kind);
                    evidence.push('=');
                    evidence.push_str(&e.value);
                }
                (c.organisation.trim(), c.domain.trim())
            }
            None => ("", ""),
        };
        push_row(
            &mut out,
            [
                notice.ticket.as_str(),
                group.entry.as_str(),
                title,
                f.ip.as_str(),
                port.as_str(),
                f.protocol.as_str(),
                asset,
                observed.as_str(),
                f.report_type.as_str(),
                tags.as_str(),
                f.feed.as_str(),
                line.as_str(),
                details.as_str(),
                r.options.reporter_of(f),
                reported_name,
                customer,
                customer_domain,
                evidence.as_str(),
            ]
            .into_iter(),
        );
    }
    out
}

/// `n` in decimal, as `Display` writes it.
fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    out.push_str(
        digits
            .get(at..)
            .and_then(|d| std::str::from_utf8(d).ok())
            .unwrap_or_default(),
    );
}

/// The finding's tags as [`crate::Finding::normalised_tags`] gives them, joined by `;`,
/// written without a vector of strings.
fn push_tags(out: &mut String, tags: &[String]) {
    let mut count = 0;
    for tag in tags.iter().flat_map(|t| t.split([';', ','])) {
        let tag = tag.trim();
        if tag.is_empty() {
            continue;
        }
        if count == crate::limits::MAX_TAGS {
            break;
        }
        if count > 0 {
            out.push(';');
        }
        let start = out.len();
        out.push_str(tag);
        if let Some(pushed) = out.get_mut(start..) {
            pushed.make_ascii_lowercase();
        }
        count += 1;
    }
}

fn push_row<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_csv_cell(out, cell);
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::{push_decimal, push_tags};
    use crate::Finding;

    proptest::proptest! {
        /// Numbers as `Display` writes them.
        #[test]
        fn decimal_as_display(n in proptest::num::u64::ANY, small in 0u64..100_000) {
            for v in [n, small] {
                let mut out = String::new();
                push_decimal(&mut out, v);
                proptest::prop_assert_eq!(out, v.to_string());
            }
        }

        /// Tags as `normalised_tags().join(";")` writes them (the code it replaces).
        #[test]
        fn tags_as_normalised_join(tags in proptest::collection::vec("[ a-zA-Z;,\u{e9}\u{c9}\u{a0}]{0,12}", 0..40)) {
            let mut f = Finding::new("192.0.2.1", "scan", chrono::DateTime::UNIX_EPOCH);
            f.tags = tags.clone();
            let mut out = String::new();
            push_tags(&mut out, &tags);
            proptest::prop_assert_eq!(out, f.normalised_tags().join(";"));
        }
    }
}
