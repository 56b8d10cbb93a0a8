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
use crate::finding::{Customer, Finding, Recipient, RecipientRole};
use crate::inert::{display, is_asset_name, is_host_name, plain};
use crate::language::Language;
use crate::limits::MAX_EXTRA_FIELDS;

#[derive(Serialize)]
struct Ctx<'a> {
    lang: &'static str,
    kind: &'static str,
    signed: bool,
    verify_url: String,
    customers: Vec<CustomerCtx>,
    xarf_name: String,
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
    role: &'static str,
}

#[derive(Serialize)]
struct SenderCtx<'a> {
    name: &'a str,
    address: &'a str,
    reply_to: &'a str,
    phone: String,
    website: &'a str,
}

/// A customer named in an abuse-desk notice: organisation and domain named
/// plainly (the domain only when it is a host name), evidence values as
/// scanner values (defanged), and the systems it was found behind.
#[derive(Serialize, PartialEq)]
struct CustomerCtx {
    organisation: String,
    domain: String,
    evidence: Vec<(String, String)>,
    systems: Vec<String>,
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
    reported_name: String,
    /// The observation time, empty when unknown (templates say "time unknown").
    observed: String,
    /// How many equal findings this line stands for.
    count: u64,
    /// Earliest and latest observation, empty when unknown.
    first_seen: String,
    last_seen: String,
    report_type: String,
    tags: String,
    reporter: String,
    customer: String,
    details: Vec<(String, String)>,
    more_details: usize,
}

fn paragraphs(s: &str) -> Vec<&str> {
    s.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// `Organisation (domain)`, either alone, named plainly.
fn customer_label(c: &Customer) -> String {
    let org = plain(&c.organisation);
    let domain = customer_domain(c);
    match (org.is_empty(), domain.is_empty()) {
        (false, false) => format!("{org} ({domain})"),
        (false, true) => org,
        (true, false) => domain,
        (true, true) => String::new(),
    }
}

/// The customer's domain when it is a host name, else nothing.
fn customer_domain(c: &Customer) -> String {
    let d = c.domain.trim();
    if is_host_name(d) {
        d.to_string()
    } else {
        String::new()
    }
}

fn customers_ctx(notice: &Notice) -> Vec<CustomerCtx> {
    let mut out: Vec<CustomerCtx> = Vec::new();
    for (_, item) in notice.items() {
        let f = &item.finding;
        let Some(c) = &f.customer else { continue };
        let organisation = plain(&c.organisation);
        let domain = customer_domain(c);
        if organisation.is_empty() && domain.is_empty() {
            continue;
        }
        let system = display(if f.ip.trim().is_empty() {
            f.asset.trim()
        } else {
            f.ip.trim()
        });
        if let Some(known) = out
            .iter_mut()
            .find(|k| k.organisation == organisation && k.domain == domain)
        {
            if !known.systems.contains(&system) && known.systems.len() < MAX_EXTRA_FIELDS {
                known.systems.push(system);
            }
            continue;
        }
        let evidence = c
            .evidence
            .iter()
            .filter(|e| !e.value.trim().is_empty())
            .take(MAX_EXTRA_FIELDS)
            .map(|e| (display(&e.kind), display(&e.value)))
            .collect();
        out.push(CustomerCtx {
            organisation,
            domain,
            evidence,
            systems: vec![system],
        });
    }
    out
}

fn minute_or_empty(t: Option<DateTime<Utc>>) -> String {
    t.map(super::dates::minute_utc).unwrap_or_default()
}

fn finding_ctx(o: &super::RenderOptions, item: &Item) -> FindingCtx {
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
        asset: if is_asset_name(&f.asset) {
            display(f.asset.trim())
        } else {
            String::new()
        },
        reported_name: if f.asset.trim().is_empty() || is_asset_name(&f.asset) {
            String::new()
        } else {
            format!("\"{}\"", crate::inert::visible(f.asset.trim()))
        },
        observed: minute_or_empty(item.first_seen),
        count: item.count,
        first_seen: minute_or_empty(item.first_seen),
        last_seen: minute_or_empty(item.last_seen),
        report_type: crate::inert::visible(&f.report_type).into_owned(),
        tags: display(&f.normalised_tags().join(", ")),
        reporter: plain(o.reporter_of(f)),
        customer: f
            .customer
            .as_deref()
            .map(customer_label)
            .unwrap_or_default(),
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

/// The name a reader knows the asset by: the asset when it may be shown as
/// a name ([`is_asset_name`]), else the IP (nothing when neither).
fn asset_name(f: &Finding) -> &str {
    if is_asset_name(&f.asset) {
        f.asset.trim()
    } else {
        f.ip.trim()
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
                findings: g.items.iter().map(|i| finding_ctx(&r.options, i)).collect(),
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
    assets.retain(|a| !a.is_empty());
    let first = assets.first().copied().unwrap_or("");
    let o = &r.options;
    let kind = super::NoticeKind::for_recipient(&notice.recipient);
    let ctx = Ctx {
        lang: lang.as_str(),
        kind: kind.as_str(),
        signed: r.is_signing(),
        verify_url: o.verify_url_for(&notice.ticket).unwrap_or_default(),
        customers: if kind == super::NoticeKind::AbuseDesk {
            customers_ctx(notice)
        } else {
            Vec::new()
        },
        xarf_name: format!("{}.xarf.json", super::mime::token(&notice.ticket)),
        ticket: &notice.ticket,
        date: super::dates::date(now),
        part: notice.part.0,
        parts: notice.part.1,
        recipient: RecipientCtx {
            address: crate::inert::visible(&notice.recipient.address).into_owned(),
            organisation: plain(&notice.recipient.organisation),
            via: display(&notice.recipient.via),
            role: notice.recipient.role.as_str(),
        },
        sender: SenderCtx {
            name: &o.sender_name,
            address: &o.from,
            reply_to: o.reply_to.as_deref().unwrap_or(&o.from),
            // no-break spaces, so a wrapped line never splits the number
            phone: o
                .phone
                .as_deref()
                .unwrap_or_default()
                .replace(' ', "\u{a0}"),
            website: o.website.as_deref().unwrap_or_default(),
        },
        finding_count: notice.finding_count(),
        problem_count: problems.len(),
        asset: display(first),
        other_assets: assets.len().saturating_sub(1),
        csv_name: format!("{}.csv", super::mime::token(&notice.ticket)),
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
                    .with_reporter("Example Scanner")
                    .with_customer(
                        Customer::new("Example BV", "example.nl")
                            .with_evidence("ptr", "host.example.nl"),
                    )
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
    let mut out = Vec::new();
    for role in [RecipientRole::Business, RecipientRole::NetworkOwner] {
        for lang in Language::ALL {
            out.push(Notice {
                ticket: "SAMPLE-20250304-00001".to_string(),
                recipient: Recipient::new("security@example.nl")
                    .with_organisation("Example BV")
                    .with_role(role),
                language: lang,
                groups: groups.clone(),
                part: (1, 1),
            });
        }
    }
    out
}
