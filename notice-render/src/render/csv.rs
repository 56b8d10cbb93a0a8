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
use std::fmt::Write as _;

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
            let _ = write!(details, "{k}={v}");
        }
        port.clear();
        if let Some(p) = f.port {
            let _ = write!(port, "{p}");
        }
        observed.clear();
        if let Some(t) = item.first_seen {
            super::dates::push_rfc3339_seconds(&mut observed, t);
        }
        line.clear();
        let _ = write!(line, "{}", f.line);
        let tags = f.normalised_tags().join(";");
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
                    let _ = write!(evidence, "{}={}", e.kind, e.value);
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

fn push_row<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_csv_cell(out, cell);
    }
    out.push_str("\r\n");
}
