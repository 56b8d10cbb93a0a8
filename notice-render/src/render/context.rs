//! The values a template sees. Every string from a finding or recipient is
//! made inert here ([`crate::inert::display`]: visible controls, cut to the
//! field cap, defanged); the HTML templates escape on output.
//!
//! The context is built from minijinja objects of our own, not serialised:
//! each map holds its fields as ready [`Value`]s and answers a key by
//! `match` (a look-up clones a reference count or an inline string), the
//! entry part of a problem is built once per renderer and shared, and so is
//! the sender. Keys, values and types are what the serialised structs gave
//! before (strings, numbers, booleans, lists, `(key, value)` pairs as
//! two-element tuples, maps enumerating their keys in field order, missing
//! keys undefined); the tests hold them to that serde-built context.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use std::collections::HashMap;
use std::sync::Arc;

use super::Renderer;
use crate::aggregate::{Group, Item, Notice};
use crate::catalogue::{Catalogue, Entry, Reference};
use crate::finding::{Customer, Finding, Recipient, RecipientRole};
use crate::inert::{display, is_asset_name, is_host_name, plain};
use crate::language::Language;
use crate::limits::MAX_EXTRA_FIELDS;

/// `minijinja::value::Object` for a type with `KEYS` (its keys, in the
/// order they enumerate) and `field(&self, key)` (the value of a key): a
/// map whose look-ups are that `match`.
macro_rules! map_object {
    ($name:ident) => {
        impl Object for $name {
            fn repr(self: &Arc<Self>) -> ObjectRepr {
                ObjectRepr::Map
            }

            fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
                key.as_str().and_then(|k| self.field(k))
            }

            fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
                self.field(key)
            }

            fn enumerate(self: &Arc<Self>) -> Enumerator {
                Enumerator::Str(Self::KEYS)
            }

            fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
                Some(Self::KEYS.len())
            }
        }
    };
}

/// A map the templates read, one `Value` per field, built once and answered
/// by `match` on the key: a look-up clones a ready value (a reference count
/// or an inline string) and allocates nothing, where a serialised struct was
/// a list of pairs searched from the front. The keys enumerate in field
/// order, as the serialised struct's did.
macro_rules! template_map {
    ($(#[$meta:meta])* $name:ident { $($field:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug)]
        struct $name {
            $($field: Value,)+
        }

        impl $name {
            /// The keys, in field order.
            const KEYS: &'static [&'static str] = &[$(stringify!($field)),+];

            fn field(&self, key: &str) -> Option<Value> {
                match key {
                    $(stringify!($field) => Some(self.$field.clone()),)+
                    _ => None,
                }
            }
        }

        map_object!($name);
    };
}

template_map! {
    /// The notice: the root of every template's context.
    NoticeCtx {
        lang,
        kind,
        signed,
        verify_url,
        customers,
        xarf_name,
        ticket,
        date,
        part,
        parts,
        recipient,
        sender,
        finding_count,
        problem_count,
        asset,
        other_assets,
        csv_name,
        problems,
    }
}

template_map! {
    /// Who the notice goes to.
    RecipientCtx {
        address,
        organisation,
        via,
        role,
    }
}

template_map! {
    /// Who sends it: the same for every notice of a renderer, built once.
    SenderCtx {
        name,
        address,
        reply_to,
        phone,
        website,
    }
}

template_map! {
    /// A customer named in an abuse-desk notice: organisation and domain
    /// named plainly (the domain only when it is a host name), evidence
    /// values as scanner values (defanged, `(kind, value)` pairs), and the
    /// systems it was found behind.
    CustomerCtx {
        organisation,
        domain,
        evidence,
        systems,
    }
}

template_map! {
    /// The part of a problem that depends only on the entry and language;
    /// built once per renderer.
    EntryCtx {
        id,
        kind,
        title,
        subject,
        seen,
        why,
        actions,
        provider,
        exposure,
        compromise,
        cves,
        references,
    }
}

template_map! {
    /// A reference of an entry.
    ReferenceCtx {
        label,
        url,
    }
}

template_map! {
    /// One line of a problem: a finding (or equal findings merged).
    /// `observed` is the observation time, empty when unknown (templates
    /// say "time unknown"); `count` how many equal findings the line stands
    /// for, `first_seen` and `last_seen` the earliest and latest
    /// observation (empty when unknown); `details` the extra fields as
    /// `(key, value)` pairs, `more_details` how many more were left out.
    FindingCtx {
        ip,
        port,
        protocol,
        asset,
        reported_name,
        observed,
        count,
        first_seen,
        last_seen,
        report_type,
        tags,
        reporter,
        customer,
        details,
        more_details,
    }
}

/// A problem: its findings and the cached fields of its entry (what
/// `merge_maps([findings, entry])` gave, without building a merged map for
/// every problem).
#[derive(Debug)]
struct ProblemCtx {
    findings: Value,
    entry: Arc<EntryCtx>,
}

impl ProblemCtx {
    /// `findings` and the entry's keys, sorted, as the merged map
    /// enumerated them.
    const KEYS: &'static [&'static str] = &[
        "actions",
        "compromise",
        "cves",
        "exposure",
        "findings",
        "id",
        "kind",
        "provider",
        "references",
        "seen",
        "subject",
        "title",
        "why",
    ];

    fn field(&self, key: &str) -> Option<Value> {
        match key {
            "findings" => Some(self.findings.clone()),
            _ => self.entry.field(key),
        }
    }
}

map_object!(ProblemCtx);

/// The template values built once per renderer: every entry's in both
/// languages, and the sender's.
#[derive(Debug)]
pub(super) struct Cached {
    /// Keyed by entry id, indexed by [`lang_index`].
    entries: HashMap<String, [Arc<EntryCtx>; 2]>,
    sender: Value,
}

/// A list of strings.
fn strings<S: AsRef<str>>(items: &[S]) -> Value {
    Value::from(
        items
            .iter()
            .map(|s| Value::from(s.as_ref()))
            .collect::<Vec<_>>(),
    )
}

/// A list of `(key, value)` pairs, each a two-element tuple.
fn pairs(items: Vec<(String, String)>) -> Value {
    Value::from(
        items
            .into_iter()
            .map(|(k, v)| Value::from((k, v)))
            .collect::<Vec<_>>(),
    )
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

/// A customer while the notice's findings are read: strings still open to
/// comparison and more systems.
struct CustomerParts {
    organisation: String,
    domain: String,
    evidence: Vec<(String, String)>,
    systems: Vec<String>,
}

fn customer_parts(notice: &Notice) -> Vec<CustomerParts> {
    let mut out: Vec<CustomerParts> = Vec::new();
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
        out.push(CustomerParts {
            organisation,
            domain,
            evidence,
            systems: vec![system],
        });
    }
    out
}

fn customers_ctx(notice: &Notice) -> Value {
    Value::from(
        customer_parts(notice)
            .into_iter()
            .map(|c| {
                Value::from_object(CustomerCtx {
                    organisation: Value::from(c.organisation),
                    domain: Value::from(c.domain),
                    evidence: pairs(c.evidence),
                    systems: strings(&c.systems),
                })
            })
            .collect::<Vec<_>>(),
    )
}

fn minute_or_empty(t: Option<DateTime<Utc>>) -> String {
    t.map(super::dates::minute_utc).unwrap_or_default()
}

fn finding_ctx(o: &super::RenderOptions, item: &Item) -> Value {
    let f = &item.finding;
    let details = f
        .extra
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .take(MAX_EXTRA_FIELDS)
        .map(|(k, v)| (display(k), display(v)))
        .collect::<Vec<_>>();
    let non_empty = f.extra.iter().filter(|(_, v)| !v.trim().is_empty()).count();
    let first_seen = Value::from(minute_or_empty(item.first_seen));
    Value::from_object(FindingCtx {
        ip: Value::from(display(&f.ip)),
        port: Value::from(f.port.map(|p| p.to_string()).unwrap_or_default()),
        protocol: Value::from(display(&f.protocol)),
        asset: Value::from(if is_asset_name(&f.asset) {
            display(f.asset.trim())
        } else {
            String::new()
        }),
        reported_name: Value::from(if f.asset.trim().is_empty() || is_asset_name(&f.asset) {
            String::new()
        } else {
            format!("\"{}\"", crate::inert::visible(f.asset.trim()))
        }),
        observed: first_seen.clone(),
        count: Value::from(item.count),
        first_seen,
        last_seen: Value::from(minute_or_empty(item.last_seen)),
        report_type: Value::from(crate::inert::visible(&f.report_type).as_ref()),
        tags: Value::from(display(&f.normalised_tags().join(", "))),
        reporter: Value::from(plain(o.reporter_of(f))),
        customer: Value::from(
            f.customer
                .as_deref()
                .map(customer_label)
                .unwrap_or_default(),
        ),
        details: pairs(details),
        more_details: Value::from(non_empty.saturating_sub(MAX_EXTRA_FIELDS)),
    })
}

fn entry_ctx(entry: &Entry, lang: Language) -> Arc<EntryCtx> {
    let t = entry.text(lang);
    let paragraphs_of = |s: Option<&str>| strings(&s.map(paragraphs).unwrap_or_default());
    Arc::new(EntryCtx {
        id: Value::from(entry.id.as_str()),
        kind: Value::from(entry.kind.as_str()),
        title: Value::from(t.title.as_str()),
        subject: Value::from(t.subject.as_str()),
        seen: strings(&paragraphs(&t.seen)),
        why: Value::from(t.why.as_str()),
        actions: strings(&t.actions),
        provider: strings(&paragraphs(&t.provider)),
        exposure: paragraphs_of(t.exposure.as_deref()),
        compromise: paragraphs_of(t.compromise.as_deref()),
        cves: strings(&entry.cves),
        references: Value::from(
            entry
                .references
                .iter()
                .map(reference_ctx)
                .collect::<Vec<_>>(),
        ),
    })
}

fn reference_ctx(r: &Reference) -> Value {
    Value::from_object(ReferenceCtx {
        label: Value::from(r.label.as_str()),
        url: Value::from(r.url.as_str()),
    })
}

fn sender_ctx(o: &super::RenderOptions) -> Value {
    Value::from_object(SenderCtx {
        name: Value::from(o.sender_name.as_str()),
        address: Value::from(o.from.as_str()),
        reply_to: Value::from(o.reply_to.as_deref().unwrap_or(&o.from)),
        // no-break spaces, so a wrapped line never splits the number
        phone: Value::from(
            o.phone
                .as_deref()
                .unwrap_or_default()
                .replace(' ', "\u{a0}"),
        ),
        website: Value::from(o.website.as_deref().unwrap_or_default()),
    })
}

/// The values built once per renderer: every entry in every language, keyed
/// by entry id (the fallback entry too), and the sender.
pub(super) fn cached(catalogue: &Catalogue, options: &super::RenderOptions) -> Cached {
    let mut entries: HashMap<String, [Arc<EntryCtx>; 2]> = catalogue
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
    entries
        .entry(fb.id.clone())
        .or_insert_with(|| [entry_ctx(fb, Language::Nl), entry_ctx(fb, Language::En)]);
    Cached {
        entries,
        sender: sender_ctx(options),
    }
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
        .filter_map(|g| {
            let entry = r
                .cached
                .entries
                .get(&g.entry)
                .or_else(|| r.cached.entries.get(fallback))?
                .get(lang_index(lang))?;
            let findings = g.items.iter().map(|i| finding_ctx(&r.options, i));
            Some(Value::from_object(ProblemCtx {
                findings: Value::from(findings.collect::<Vec<_>>()),
                entry: Arc::clone(entry),
            }))
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
    let problem_count = problems.len();
    Value::from_object(NoticeCtx {
        lang: Value::from(lang.as_str()),
        kind: Value::from(kind.as_str()),
        signed: Value::from(r.is_signing()),
        verify_url: Value::from(o.verify_url_for(&notice.ticket).unwrap_or_default()),
        customers: if kind == super::NoticeKind::AbuseDesk {
            customers_ctx(notice)
        } else {
            Value::from(Vec::<Value>::new())
        },
        xarf_name: Value::from(format!("{}.xarf.json", super::mime::token(&notice.ticket))),
        ticket: Value::from(notice.ticket.as_str()),
        date: Value::from(super::dates::date(now)),
        part: Value::from(notice.part.0),
        parts: Value::from(notice.part.1),
        recipient: Value::from_object(RecipientCtx {
            address: Value::from(crate::inert::visible(&notice.recipient.address).as_ref()),
            organisation: Value::from(plain(&notice.recipient.organisation)),
            via: Value::from(display(&notice.recipient.via)),
            role: Value::from(notice.recipient.role.as_str()),
        }),
        sender: r.cached.sender.clone(),
        finding_count: Value::from(notice.finding_count()),
        problem_count: Value::from(problem_count),
        asset: Value::from(display(first)),
        other_assets: Value::from(assets.len().saturating_sub(1)),
        csv_name: Value::from(format!("{}.csv", super::mime::token(&notice.ticket))),
        problems: Value::from(problems),
    })
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

#[cfg(test)]
mod tests {
    //! The context answered by `match` against the context minijinja built
    //! from serialised structs before (issue 18, sixth round): the old
    //! serde builder is kept here, and only here, as the oracle.

    use super::*;
    use crate::render::{RenderOptions, TEMPLATE_NAMES};

    /// The serde builder the templates read until the sixth round.
    mod oracle {
        use super::super::*;
        use minijinja::value::{Serde, merge_maps};
        use serde::Serialize;

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

        #[derive(Serialize)]
        struct CustomerCtx {
            organisation: String,
            domain: String,
            evidence: Vec<(String, String)>,
            systems: Vec<String>,
        }

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
            observed: String,
            count: u64,
            first_seen: String,
            last_seen: String,
            report_type: String,
            tags: String,
            reporter: String,
            customer: String,
            details: Vec<(String, String)>,
            more_details: usize,
        }

        fn finding_ctx(o: &crate::render::RenderOptions, item: &Item) -> FindingCtx {
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

        pub(super) fn build(r: &Renderer, notice: &Notice, now: DateTime<Utc>) -> Value {
            let lang = notice.language;
            let catalogue = &r.catalogue;
            let problems: Vec<Value> = notice
                .groups
                .iter()
                .map(|g| {
                    let entry = catalogue
                        .entries()
                        .iter()
                        .find(|e| e.id == g.entry)
                        .unwrap_or(catalogue.fallback());
                    let findings = FindingsCtx {
                        findings: g.items.iter().map(|i| finding_ctx(&r.options, i)).collect(),
                    };
                    merge_maps([Value::from(Serde(&findings)), entry_ctx(entry, lang)])
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
            let kind = crate::catalogue::NoticeKind::for_recipient(&notice.recipient);
            let ctx = Ctx {
                lang: lang.as_str(),
                kind: kind.as_str(),
                signed: r.is_signing(),
                verify_url: o.verify_url_for(&notice.ticket).unwrap_or_default(),
                customers: if kind == crate::catalogue::NoticeKind::AbuseDesk {
                    customer_parts(notice)
                        .into_iter()
                        .map(|c| CustomerCtx {
                            organisation: c.organisation,
                            domain: c.domain,
                            evidence: c.evidence,
                            systems: c.systems,
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                xarf_name: format!("{}.xarf.json", crate::render::mime::token(&notice.ticket)),
                ticket: &notice.ticket,
                date: crate::render::dates::date(now),
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
                csv_name: format!("{}.csv", crate::render::mime::token(&notice.ticket)),
                problems,
            };
            Value::from(Serde(&ctx))
        }
    }

    /// The sample notices, and the same with what they leave out: a later
    /// part, an entry the catalogue does not know (the fallback), findings
    /// without port, address or customer, an asset that is no host name,
    /// more extra fields than are shown, two customers, an empty recipient.
    fn notices(catalogue: &Catalogue) -> Vec<Notice> {
        let mut out = samples(catalogue);
        let observed = Utc.with_ymd_and_hms(2025, 3, 4, 1, 12, 9).single();
        let mut odd = Finding::new("", "odd report\u{7}", observed.unwrap_or_default())
            .with_asset("not a host name!")
            .with_customer(Customer::new("", "other.example"))
            .with_observed(None);
        for n in 0..MAX_EXTRA_FIELDS + 3 {
            odd = odd.with_extra(format!("k{n}"), if n == 1 { " " } else { "v" });
        }
        let plain_finding = Finding::new("198.51.100.7", "other", observed.unwrap_or_default())
            .with_customer(Customer::new("Other BV", "not a domain"));
        let more: Vec<Notice> = out
            .iter()
            .map(|n| {
                let mut n = n.clone();
                n.part = (2, 3);
                n.recipient = Recipient::new("abuse@example.net").with_role(n.recipient.role);
                n.groups.push(Group {
                    entry: "no-such-entry".to_string(),
                    items: vec![
                        Item::new(90, odd.clone()),
                        Item::new(91, plain_finding.clone()),
                    ],
                });
                n
            })
            .collect();
        out.extend(more);
        out
    }

    fn renderers() -> Vec<Renderer> {
        let bare = RenderOptions::new("Example CERT", "cert@example.org", "example.org");
        let full = bare
            .clone()
            .with_reply_to("reply@example.org")
            .with_phone("+31 20 123 4567")
            .with_website("https://cert.example.org/")
            .with_verify_url("https://cert.example.org/check/{ticket}")
            .with_reporter("Example Scanner");
        [bare, full]
            .into_iter()
            .map(|o| Renderer::embedded(o).unwrap_or_else(|e| panic!("renderer: {e}")))
            .collect()
    }

    #[test]
    fn every_template_renders_the_same_as_with_the_serde_context() {
        let now = Utc.with_ymd_and_hms(2025, 3, 5, 8, 0, 0).single();
        let now = now.unwrap_or_default();
        let mut compared = 0;
        for r in renderers() {
            for notice in notices(&r.catalogue) {
                let ours = build(&r, &notice, now);
                let theirs = oracle::build(&r, &notice, now);
                // same keys in the same order, same values and types (a
                // string prints quoted, a tuple in parentheses)
                assert_eq!(ours.to_string(), theirs.to_string());
                assert_eq!(ours, theirs);
                for name in TEMPLATE_NAMES {
                    let a = r.run(name, &ours);
                    let b = r.run(name, &theirs);
                    match (a, b) {
                        (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
                        (a, b) => panic!("{name}: {a:?} against {b:?}"),
                    }
                    compared += 1;
                }
            }
        }
        // 2 renderers, 8 notices, 12 templates
        assert_eq!(compared, 2 * 8 * 12);
    }

    #[test]
    fn maps_answer_like_serialised_structs() {
        let r = renderers().remove(0);
        let now = Utc.with_ymd_and_hms(2025, 3, 5, 8, 0, 0).single();
        let now = now.unwrap_or_default();
        let notice = samples(&r.catalogue).remove(0);
        let ours = build(&r, &notice, now);
        let theirs = oracle::build(&r, &notice, now);
        let env = &r.env;
        for expr in [
            "problems|length",
            "problems[0]|length",
            "problems[0].findings[0]|length",
            "problems[0].findings[0].details[0]|length",
            "problems[0].findings[0].details[0][1]",
            "problems[0].findings[0].count + 1",
            "problems[0].references[0].url if problems[0].references else 'none'",
            "problems[0].findings[0]['ip']",
            "sender.nothing is defined",
            "problems[0].nothing is defined",
            "(problems[0].nothing or 'x')",
            "recipient|list",
            "problems[0]|list",
            "problems[0].findings[0]|list",
            "problems[0].findings[0]|items|list",
            "signed",
            "parts > 1",
        ] {
            let e = env
                .compile_expression(expr)
                .unwrap_or_else(|e| panic!("{expr}: {e}"));
            let a = e.eval(&ours).map(|v| v.to_string());
            let b = e.eval(&theirs).map(|v| v.to_string());
            assert_eq!(
                a.as_ref().map_err(ToString::to_string),
                b.as_ref().map_err(ToString::to_string),
                "{expr}"
            );
        }
        // a misspelt name is an error with either context (strict undefined)
        let e = env.compile_expression("sender.nmae ~ ''");
        let e = e.unwrap_or_else(|e| panic!("{e}"));
        assert!(e.eval(&ours).is_err() && e.eval(&theirs).is_err());
    }
}
