//! The RFC 5322 message, built with mail-builder:
//!
//! ```text
//! multipart/mixed
//! ├── multipart/alternative
//! │   ├── text/plain; charset=utf-8
//! │   └── text/html; charset=utf-8
//! └── text/csv attachment TICKET.csv
//! ```
//!
//! Headers: From (sender name and address), Reply-To (when set), To
//! (organisation and address), Subject (RFC 2047 encoded when not ASCII),
//! Date (from `now`), Message-ID `<TICKET@domain>`, `Auto-Submitted:
//! auto-generated`, `Content-Language`. Every header value goes through
//! [`crate::inert::header_value`] first. Boundaries are derived from a hash
//! of the ticket and checked not to occur in the bodies (a new one is
//! derived until none holds it), so the output is
//! deterministic and no body can close a part early.

use chrono::{DateTime, Utc};
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::date::Date;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::MimePart;

use super::Renderer;
use super::xarf::fnv64;
use crate::aggregate::Notice;
use crate::error::{Error, Result};
use crate::inert::header_value;

fn boundary(kind: &str, seed: u64, bodies: &[&str]) -> String {
    let mut salt = 0u64;
    loop {
        let b = format!("=_{kind}_{:016x}", fnv64(seed ^ salt, &[kind.as_bytes()]));
        if !bodies.iter().any(|body| body.contains(&b)) {
            return b;
        }
        salt = salt.wrapping_add(0x9e37_79b9_7f4a_7c15);
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn build(
    r: &Renderer,
    notice: &Notice,
    now: DateTime<Utc>,
    subject: &str,
    text: &str,
    html: &str,
    csv: &str,
) -> Result<Vec<u8>> {
    let o = &r.options;
    let seed = fnv64(
        0xcbf2_9ce4_8422_2325,
        &[
            notice.ticket.as_bytes(),
            text.as_bytes(),
            html.as_bytes(),
            csv.as_bytes(),
        ],
    );
    let bodies = [text, html, csv];
    let alternative = MimePart::new(
        ContentType::new("multipart/alternative")
            .attribute("boundary", boundary("alt", seed, &bodies)),
        vec![
            MimePart::new("text/plain", text),
            MimePart::new("text/html", html),
        ],
    );
    let mixed = MimePart::new(
        ContentType::new("multipart/mixed").attribute("boundary", boundary("mix", seed, &bodies)),
        vec![
            alternative,
            MimePart::new(
                ContentType::new("text/csv").attribute("charset", "utf-8"),
                csv,
            )
            .attachment(format!("{}.csv", notice.ticket)),
        ],
    );
    let to_name = header_value(&notice.recipient.organisation, 100);
    let to_addr = header_value(notice.recipient.address.trim(), 254);
    let to: Address<'_> = if to_name.is_empty() {
        Address::from(to_addr)
    } else {
        Address::from((to_name, to_addr))
    };
    let mut builder = MessageBuilder::new()
        .from((header_value(&o.sender_name, 100), o.from.clone()))
        .to(to)
        .subject(header_value(subject, 250))
        .date(Date::new(now.timestamp()))
        .message_id(format!("{}@{}", notice.ticket, o.message_id_domain))
        .header("Auto-Submitted", Raw::new("auto-generated"))
        .header("Content-Language", Raw::new(notice.language.as_str()));
    if let Some(reply_to) = &o.reply_to {
        builder = builder.reply_to(reply_to.clone());
    }
    builder
        .body(mixed)
        .write_to_vec()
        .map_err(|e| Error::Output {
            what: "mime",
            message: e.to_string(),
        })
}
