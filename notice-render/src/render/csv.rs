//! The CSV attachment: RFC 4180, CRLF line ends, every cell quoted and
//! neutralised by [`crate::inert::csv_cell`].

use super::Renderer;
use crate::aggregate::Notice;
use crate::inert::csv_cell;

const HEADER: [&str; 13] = [
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
];

pub(super) fn render(r: &Renderer, notice: &Notice) -> String {
    let mut out = String::with_capacity(256 + notice.finding_count() * 256);
    push_row(&mut out, HEADER.iter().map(|s| (*s).to_string()));
    for (group, item) in notice.items() {
        let f = &item.finding;
        let title = r
            .catalogue
            .entry(&group.entry)
            .map(|e| e.text(notice.language).title.clone())
            .unwrap_or_default();
        let details = f
            .extra
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        push_row(
            &mut out,
            [
                notice.ticket.clone(),
                group.entry.clone(),
                title,
                f.ip.clone(),
                f.port.map(|p| p.to_string()).unwrap_or_default(),
                f.protocol.clone(),
                f.asset.clone(),
                f.observed.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                f.report_type.clone(),
                f.normalised_tags().join(";"),
                f.feed.clone(),
                f.line.to_string(),
                details,
            ]
            .into_iter(),
        );
    }
    out
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_cell(&cell));
    }
    out.push_str("\r\n");
}
