//! The values a template sees. Every string from a finding or recipient is
//! made inert here ([`crate::inert::display`]: visible controls, cut to the
//! field cap, defanged); the HTML templates escape on output.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use minijinja::Value;
use minijinja::value::{Serde, merge_maps};
use serde::Serialize;
use std::collections::HashMap;

use super::Renderer;
use crate::aggregate::{Group, Item, Notice};
use crate::catalogue::{Catalogue, Entry, Reference};
use crate::finding::{Finding, Recipient};
use crate::inert::display;
use crate::language::Language;
use crate::limits::MAX_EXTRA_FIELDS;

#[derive(Serialize)]
struct Ctx<'a> {
    lang: &'static str,
    ticket: &'a str,
    date: String,
    part: usize,
    parts: usize,
    recipient: RecipientCtx,
    sender: SenderCtx<'a>,
    finding_count: usize,
    problem_count: usize,
    asset: String,
    other_assets: usize,
    csv_name: String,
    problems: Vec<Value>,
}

#[derive(Serialize)]
struct RecipientCtx {
    address: String,
    organisation: String,
    via: String,
}

#[derive(Serialize)]
struct SenderCtx<'a> {
    name: &'a str,
    address: &'a str,
    reply_to: &'a str,
}

/// The part of a problem that depends only on the entry and language; built
/// once per renderer.
#[derive(Serialize)]
struct EntryCtx<'a> {
    id: &'a str,
    kind: &'static str,
    title: &'a str,
    subject: &'a str,
    seen: Vec<&'a str>,
    why: &'a str,
    actions: &'a [String],
    provider: Vec<&'a str>,
    exposure: Vec<&'a str>,
    compromise: Vec<&'a str>,
    cves: &'a [String],
    references: &'a [Reference],
}

#[derive(Serialize)]
struct FindingsCtx {
    findings: Vec<FindingCtx>,
}

#[derive(Serialize)]
struct FindingCtx {
    ip: String,
    port: String,
    protocol: String,
    asset: String,
    /// The observation time, empty when unknown (templates say "time unknown").
    observed: String,
    /// How many equal findings this line stands for.
    count: u64,
    /// Earliest and latest observation, empty when unknown.
    first_seen: String,
    last_seen: String,
    report_type: String,
    tags: String,
    feed: String,
    line: u64,
    details: Vec<(String, String)>,
    more_details: usize,
}

fn paragraphs(s: &str) -> Vec<&str> {
    s.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

fn minute_or_empty(t: Option<DateTime<Utc>>) -> String {
    t.map(super::dates::minute_utc).unwrap_or_default()
}

fn finding_ctx(item: &Item) -> FindingCtx {
    let f = &item.finding;
    let details = f
        .extra
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .take(MAX_EXTRA_FIELDS)
        .map(|(k, v)| (display(k), display(v)))
        .collect::<Vec<_>>();
    let non_empty = f.extra.iter().filter(|(_, v)| !v.trim().is_empty()).count();
    FindingCtx {
        ip: display(&f.ip),
        port: f.port.map(|p| p.to_string()).unwrap_or_default(),
        protocol: display(&f.protocol),
        asset: display(&f.asset),
        observed: minute_or_empty(item.first_seen),
        count: item.count,
        first_seen: minute_or_empty(item.first_seen),
        last_seen: minute_or_empty(item.last_seen),
        report_type: crate::inert::visible(&f.report_type).into_owned(),
        tags: display(&f.normalised_tags().join(", ")),
        feed: crate::inert::visible(&f.feed).into_owned(),
        line: f.line,
        details,
        more_details: non_empty.saturating_sub(MAX_EXTRA_FIELDS),
    }
}

fn entry_ctx(entry: &Entry, lang: Language) -> Value {
    let t = entry.text(lang);
    let ctx = EntryCtx {
        id: &entry.id,
        kind: entry.kind.as_str(),
        title: &t.title,
        subject: &t.subject,
        seen: paragraphs(&t.seen),
        why: &t.why,
        actions: &t.actions,
        provider: paragraphs(&t.provider),
        exposure: t.exposure.as_deref().map(paragraphs).unwrap_or_default(),
        compromise: t.compromise.as_deref().map(paragraphs).unwrap_or_default(),
        cves: &entry.cves,
        references: &entry.references,
    };
    Value::from(Serde(&ctx))
}

/// The template values of every entry in every language, keyed by entry id.
pub(super) fn entry_values(catalogue: &Catalogue) -> HashMap<String, [Value; 2]> {
    let mut out: HashMap<String, [Value; 2]> = catalogue
        .entries()
        .iter()
        .map(|e| {
            (
                e.id.clone(),
                [entry_ctx(e, Language::Nl), entry_ctx(e, Language::En)],
            )
        })
        .collect();
    let fb = catalogue.fallback();
    out.entry(fb.id.clone())
        .or_insert_with(|| [entry_ctx(fb, Language::Nl), entry_ctx(fb, Language::En)]);
    out
}

fn lang_index(lang: Language) -> usize {
    match lang {
        Language::Nl => 0,
        Language::En => 1,
    }
}

/// The name a reader knows the asset by: the asset, else the IP.
fn asset_name(f: &Finding) -> &str {
    if f.asset.trim().is_empty() {
        f.ip.trim()
    } else {
        f.asset.trim()
    }
}

/// The template context of a notice.
pub(super) fn build(r: &Renderer, notice: &Notice, now: DateTime<Utc>) -> Value {
    let lang = notice.language;
    let fallback = r.catalogue.fallback().id.as_str();
    let problems: Vec<Value> = notice
        .groups
        .iter()
        .map(|g| {
            let cached = r
                .entry_values
                .get(&g.entry)
                .or_else(|| r.entry_values.get(fallback))
                .and_then(|v| v.get(lang_index(lang)))
                .cloned()
                .unwrap_or_default();
            let findings = FindingsCtx {
                findings: g.items.iter().map(finding_ctx).collect(),
            };
            merge_maps([Value::from(Serde(&findings)), cached])
        })
        .collect();
    let mut assets: Vec<&str> = Vec::new();
    for (_, item) in notice.items() {
        let a = asset_name(&item.finding);
        if !assets.contains(&a) {
            assets.push(a);
        }
    }
    let first = assets.first().copied().unwrap_or("");
    let o = &r.options;
    let ctx = Ctx {
        lang: lang.as_str(),
        ticket: &notice.ticket,
        date: super::dates::date(now),
        part: notice.part.0,
        parts: notice.part.1,
        recipient: RecipientCtx {
            address: crate::inert::visible(&notice.recipient.address).into_owned(),
            organisation: display(&notice.recipient.organisation),
            via: display(&notice.recipient.via),
        },
        sender: SenderCtx {
            name: &o.sender_name,
            address: &o.from,
            reply_to: o.reply_to.as_deref().unwrap_or(&o.from),
        },
        finding_count: notice.finding_count(),
        problem_count: problems.len(),
        asset: display(first),
        other_assets: assets.len().saturating_sub(1),
        csv_name: format!("{}.csv", notice.ticket),
        problems,
    };
    Value::from(Serde(&ctx))
}

/// A notice per language with one finding of every entry, with extra
/// fields: renders every template branch the catalogue can reach.
pub(super) fn samples(catalogue: &Catalogue) -> Vec<Notice> {
    let observed = Utc
        .with_ymd_and_hms(2025, 3, 4, 1, 12, 9)
        .single()
        .unwrap_or_default();
    let groups: Vec<Group> = catalogue
        .entries()
        .iter()
        .enumerate()
        .map(|(index, e)| Group {
            entry: e.id.clone(),
            items: {
                let finding = Finding::new("192.0.2.1", "sample", observed)
                    .with_port(443)
                    .with_protocol("tcp")
                    .with_asset("host.example.nl")
                    .with_tag("sample")
                    .with_source("sample.csv", 2)
                    .with_extra("key", "value");
                // One finding seen three times, one whose time is unknown.
                let mut merged = Item::new(index, finding.clone());
                let later = finding
                    .clone()
                    .with_observed(Some(observed + TimeDelta::hours(5)));
                merged.merge(Item::new(index, later.clone()));
                merged.merge(Item::new(index, later));
                let unknown = finding.with_port(8443).with_observed(None);
                vec![merged, Item::new(index, unknown)]
            },
        })
        .collect();
    Language::ALL
        .iter()
        .map(|lang| Notice {
            ticket: "SAMPLE-20250304-00001".to_string(),
            recipient: Recipient::new("security@example.nl").with_organisation("Example BV"),
            language: *lang,
            groups: groups.clone(),
            part: (1, 1),
        })
        .collect()
}
