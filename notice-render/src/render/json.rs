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
    role: &'static str,
}

#[derive(Serialize)]
struct JsonCustomer {
    organisation: String,
    domain: String,
    evidence: Vec<[String; 2]>,
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
    reported_name: String,
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
    reporter: String,
    customer: Option<JsonCustomer>,
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
                            asset: if crate::inert::is_asset_name(&f.asset) {
                                t(f.asset.trim())
                            } else {
                                String::new()
                            },
                            reported_name: if crate::inert::is_asset_name(&f.asset) {
                                String::new()
                            } else {
                                t(f.asset.trim())
                            },
                            observed: i.first_seen.map(super::dates::rfc3339),
                            count: i.count,
                            first_seen: i.first_seen.map(super::dates::rfc3339),
                            last_seen: i.last_seen.map(super::dates::rfc3339),
                            report_type: t(&f.report_type),
                            tags: f.normalised_tags().iter().map(|s| t(s)).collect(),
                            classification: f
                                .classification
                                .as_ref()
                                .map(|c| [t(&c.taxonomy), t(&c.kind), t(&c.identifier)]),
                            feed: t(&f.feed),
                            line: f.line,
                            extra: f.extra.iter().map(|(k, v)| [t(k), t(v)]).collect(),
                            reporter: t(r.options.reporter_of(f)),
                            customer: f.customer.as_ref().map(|c| JsonCustomer {
                                organisation: t(&c.organisation),
                                domain: t(&c.domain),
                                evidence: c
                                    .evidence
                                    .iter()
                                    .map(|e| [t(&e.kind), t(&e.value)])
                                    .collect(),
                            }),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let doc = JsonNotice {
        ticket: &notice.ticket,
        language: lang.as_str(),
        generated: super::dates::rfc3339(now),
        part: [notice.part.0, notice.part.1],
        recipient: JsonRecipient {
            address: t(&notice.recipient.address),
            organisation: t(&notice.recipient.organisation),
            via: t(&notice.recipient.via),
            role: notice.recipient.role.as_str(),
        },
        problems,
    };
    serde_json::to_string_pretty(&doc)
        .map(escape_json_invisible)
        .map_err(|e| Error::output("json", e.to_string()))
}
