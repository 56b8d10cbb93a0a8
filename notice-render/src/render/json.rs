//! The notice as one JSON object, for archives and ticket systems.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Renderer;
use crate::aggregate::Notice;
use crate::error::{Error, Result};
use crate::inert::{escape_json_invisible, truncate};

#[derive(Serialize)]
struct JsonNotice<'a> {
    ticket: &'a str,
    language: &'static str,
    generated: String,
    part: [usize; 2],
    recipient: JsonRecipient,
    problems: Vec<JsonProblem<'a>>,
}

#[derive(Serialize)]
struct JsonRecipient {
    address: String,
    organisation: String,
    via: String,
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    entry: &'a str,
    kind: &'static str,
    title: &'a str,
    cves: &'a [String],
    references: Vec<&'a str>,
    findings: Vec<JsonFinding>,
}

#[derive(Serialize)]
struct JsonFinding {
    index: usize,
    ip: String,
    port: Option<u16>,
    protocol: String,
    asset: String,
    /// The first observation (`null` when unknown).
    observed: Option<String>,
    /// How many equal findings this one stands for.
    count: u64,
    first_seen: Option<String>,
    last_seen: Option<String>,
    report_type: String,
    tags: Vec<String>,
    classification: Option<[String; 3]>,
    feed: String,
    line: u64,
    extra: Vec<[String; 2]>,
}

fn t(s: &str) -> String {
    truncate(s).into_owned()
}

pub(super) fn render(r: &Renderer, notice: &Notice, now: DateTime<Utc>) -> Result<String> {
    let lang = notice.language;
    let problems = notice
        .groups
        .iter()
        .map(|g| {
            let e = r
                .catalogue
                .entry(&g.entry)
                .unwrap_or(r.catalogue.fallback());
            JsonProblem {
                entry: &e.id,
                kind: e.kind.as_str(),
                title: &e.text(lang).title,
                cves: &e.cves,
                references: e.references.iter().map(|x| x.url.as_str()).collect(),
                findings: g
                    .items
                    .iter()
                    .map(|i| {
                        let f = &i.finding;
                        JsonFinding {
                            index: i.index,
                            ip: t(&f.ip),
                            port: f.port,
                            protocol: t(&f.protocol),
                            asset: t(&f.asset),
                            observed: i.first_seen.map(|t| t.to_rfc3339()),
                            count: i.count,
                            first_seen: i.first_seen.map(|t| t.to_rfc3339()),
                            last_seen: i.last_seen.map(|t| t.to_rfc3339()),
                            report_type: t(&f.report_type),
                            tags: f.normalised_tags().iter().map(|s| t(s)).collect(),
                            classification: f
                                .classification
                                .as_ref()
                                .map(|c| [t(&c.taxonomy), t(&c.kind), t(&c.identifier)]),
                            feed: t(&f.feed),
                            line: f.line,
                            extra: f.extra.iter().map(|(k, v)| [t(k), t(v)]).collect(),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let doc = JsonNotice {
        ticket: &notice.ticket,
        language: lang.as_str(),
        generated: now.to_rfc3339(),
        part: [notice.part.0, notice.part.1],
        recipient: JsonRecipient {
            address: t(&notice.recipient.address),
            organisation: t(&notice.recipient.organisation),
            via: t(&notice.recipient.via),
        },
        problems,
    };
    serde_json::to_string_pretty(&doc)
        .map(escape_json_invisible)
        .map_err(|e| Error::Output {
            what: "json",
            message: e.to_string(),
        })
}
