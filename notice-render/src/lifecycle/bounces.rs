//! Reading what came back to the envelope sender (feature `bounces`): `.eml` files, a Maildir
//! or an mbox, parsed with mail-parser; delivery status notifications (RFC 3464,
//! `multipart/report; report-type=delivery-status`) are taken apart into their recipient
//! blocks and the headers of the message they report on (a nested `message/rfc822` or
//! `text/rfc822-headers`), anything else is described for a person.
//!
//! Matching to a notice is the caller's job, with [`Incoming::message_ids`] (the returned
//! message's `Message-ID`) and [`Incoming::tickets`] (ticket-shaped words in the returned
//! headers and the subject).

use std::path::Path;

use mail_parser::{MessageParser, MimeHeaders, PartType};

use super::dsn::{self, DsnRecipient};
use crate::{Error, Result};

/// The most bytes one message may have (larger ones are reported, not read).
pub const MAX_MESSAGE_BYTES: usize = 32 << 20;

/// One message read from a file, Maildir or mbox.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MailFile {
    /// Where it came from: the file, or `mbox:LINE` for a message of an mbox.
    pub source: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// A delivery status notification with at least one recipient block.
    Dsn,
    /// Anything else (an auto-reply, a person writing back).
    Other,
}

/// A message that came back, read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Incoming {
    /// DSN or other.
    pub kind: Kind,
    /// `Subject` of the message itself.
    pub subject: String,
    /// `From` of the message itself (address only).
    pub from: String,
    /// The DSN's recipient blocks (empty for other messages).
    pub recipients: Vec<DsnRecipient>,
    /// Message-IDs it refers to: the returned message's `Message-ID`, then `In-Reply-To` and
    /// `References` of the message itself (angle brackets removed).
    pub message_ids: Vec<String>,
    /// Ticket-shaped words (`PREFIX-YYYYMMDD-NNNNN`) in the returned headers, the subject and
    /// the first text part, in order of appearance, without repeats.
    pub tickets: Vec<String>,
}

/// Reads `path`: a Maildir (a folder with `cur`/`new`), a folder of `.eml` files, an mbox
/// (a file starting with `From `) or one `.eml` file. Files that cannot be read are errors
/// in the second list (with their path), the rest is read.
pub fn read_path(path: &Path) -> (Vec<MailFile>, Vec<Error>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let shown = path.display().to_string();
    if path.is_dir() {
        let maildir = ["cur", "new"].iter().any(|d| path.join(d).is_dir());
        let dirs: Vec<std::path::PathBuf> = if maildir {
            ["new", "cur"]
                .iter()
                .map(|d| path.join(d))
                .filter(|d| d.is_dir())
                .collect()
        } else {
            vec![path.to_path_buf()]
        };
        for dir in dirs {
            let mut entries: Vec<std::path::PathBuf> = match std::fs::read_dir(&dir) {
                Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(e) => {
                    errors.push(Error::bounce(
                        dir.display().to_string(),
                        format!("cannot read folder: {e}"),
                    ));
                    continue;
                }
            };
            entries.sort();
            for p in entries {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if !p.is_file() || name.starts_with('.') {
                    continue;
                }
                if !maildir && !name.to_ascii_lowercase().ends_with(".eml") {
                    continue;
                }
                read_file(&p, &mut files, &mut errors);
            }
        }
    } else {
        read_file(path, &mut files, &mut errors);
    }
    if files.is_empty() && errors.is_empty() {
        errors.push(Error::bounce(shown, "no messages found"));
    }
    (files, errors)
}

fn read_file(p: &Path, files: &mut Vec<MailFile>, errors: &mut Vec<Error>) {
    let shown = p.display().to_string();
    match std::fs::metadata(p) {
        Ok(m) if m.len() > (MAX_MESSAGE_BYTES as u64) * 64 => {
            errors.push(Error::too_large(
                shown,
                MAX_MESSAGE_BYTES * 64,
                usize::try_from(m.len()).unwrap_or(usize::MAX),
            ));
            return;
        }
        Err(e) => {
            errors.push(Error::bounce(shown, format!("cannot read: {e}")));
            return;
        }
        Ok(_) => {}
    }
    match std::fs::read(p) {
        Ok(bytes) if bytes.starts_with(b"From ") => files.extend(split_mbox(&shown, &bytes)),
        Ok(bytes) => files.push(MailFile {
            source: shown,
            bytes,
        }),
        Err(e) => errors.push(Error::bounce(shown, format!("cannot read: {e}"))),
    }
}

/// Splits an mbox into its messages: a line starting with `From ` at the start of the file or
/// after a blank line starts a message; `>From ` lines are unquoted (mboxrd and mboxo).
pub(crate) fn split_mbox(source: &str, bytes: &[u8]) -> Vec<MailFile> {
    let mut out = Vec::new();
    let mut current: Option<(usize, Vec<u8>)> = None;
    let mut previous_blank = true;
    for (i, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        if previous_blank && line.starts_with(b"From ") {
            if let Some((start, body)) = current.take() {
                out.push(MailFile {
                    source: format!("{source}:{start}"),
                    bytes: trim_last_newline(body),
                });
            }
            current = Some((i + 1, Vec::new()));
            previous_blank = false;
            continue;
        }
        previous_blank = line == b"\n" || line == b"\r\n";
        if let Some((_, body)) = current.as_mut() {
            let unquoted = line
                .iter()
                .position(|b| *b != b'>')
                .filter(|&n| n > 0 && line[n..].starts_with(b"From "))
                .map_or(line, |_| &line[1..]);
            body.extend_from_slice(unquoted);
        }
    }
    if let Some((start, body)) = current {
        out.push(MailFile {
            source: format!("{source}:{start}"),
            bytes: trim_last_newline(body),
        });
    }
    out
}

fn trim_last_newline(mut b: Vec<u8>) -> Vec<u8> {
    // The blank line before the next `From ` belongs to the mbox, not the message.
    if b.ends_with(b"\r\n\r\n") {
        b.truncate(b.len() - 2);
    } else if b.ends_with(b"\n\n") {
        b.truncate(b.len() - 1);
    }
    b
}

/// True when the bytes start with a header block (`Name: value` lines before a blank line).
fn looks_like_message(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let Some(first) = head.split(|b| *b == b'\n').next() else {
        return false;
    };
    match first.iter().position(|b| *b == b':') {
        Some(n) if n > 0 => first[..n]
            .iter()
            .all(|b| b.is_ascii_graphic() && *b != b':'),
        _ => false,
    }
}

/// Ticket-shaped words: `PREFIX-YYYYMMDD-NNNNN` (prefix letters and digits, 5 or more digits
/// at the end), in order, without repeats.
pub(crate) fn tickets_in(text: &str, out: &mut Vec<String>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'-' && i > 0 && b[i - 1].is_ascii_alphanumeric() {
            let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
            let d8 = digits(i + 1);
            let after = i + 1 + d8;
            if d8 == 8 && b.get(after) == Some(&b'-') {
                let dn = digits(after + 1);
                let end = after + 1 + dn;
                let boundary = b.get(end).is_none_or(|c| !c.is_ascii_alphanumeric());
                if dn >= 5 && boundary {
                    let mut start = i;
                    while start > 0 && b[start - 1].is_ascii_alphanumeric() {
                        start -= 1;
                    }
                    let t = &text[start..end];
                    if !out.iter().any(|x| x == t) {
                        out.push(t.to_string());
                    }
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
}

fn strip_id(s: &str) -> String {
    s.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

/// Reads one message.
///
/// # Errors
/// [`ErrorKind::Bounce`](crate::ErrorKind::Bounce) (with `source`) when it is empty, too large, does not start with a
/// header block, or is a delivery-status report without any recipient block.
pub fn read_message(source: &str, bytes: &[u8]) -> Result<Incoming> {
    let bad = |m: &str| Error::bounce(source.to_string(), m.to_string());
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(Error::too_large(
            source.to_string(),
            MAX_MESSAGE_BYTES,
            bytes.len(),
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(bad("empty message"));
    }
    if !looks_like_message(bytes) {
        return Err(bad("not an e-mail message (no header block at the start)"));
    }
    let msg = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| bad("not an e-mail message (unparseable)"))?;
    let subject = msg.subject().unwrap_or("").to_string();
    let from = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or("")
        .to_string();
    let is_report = msg.root_part().content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let mut recipients = Vec::new();
    let mut message_ids = Vec::new();
    let mut tickets = Vec::new();
    let mut status_part_seen = false;
    let mut first_text: Option<String> = None;
    for part in &msg.parts {
        let (ctype, sub) = part
            .content_type()
            .map(|ct| {
                (
                    ct.ctype().to_ascii_lowercase(),
                    ct.subtype().unwrap_or("").to_ascii_lowercase(),
                )
            })
            .unwrap_or_else(|| ("text".into(), "plain".into()));
        match (ctype.as_str(), sub.as_str(), &part.body) {
            ("message", "delivery-status" | "global-delivery-status", _) if is_report => {
                status_part_seen = true;
                let text = String::from_utf8_lossy(part.contents());
                recipients.extend(dsn::recipients(&text));
            }
            (_, _, PartType::Message(inner)) => {
                if let Some(id) = inner.message_id() {
                    message_ids.push(strip_id(id));
                }
                for (_, v) in inner.headers_raw() {
                    tickets_in(v, &mut tickets);
                }
            }
            ("text", "rfc822-headers", _) | ("message", "rfc822-headers", _) => {
                let text = String::from_utf8_lossy(part.contents()).into_owned();
                if let Some(id) = super::records::message_id_of(text.as_bytes()) {
                    message_ids.push(id);
                }
                tickets_in(&text, &mut tickets);
            }
            ("text", "plain", PartType::Text(t)) if first_text.is_none() => {
                first_text = Some(t.to_string());
            }
            _ => {}
        }
    }
    if is_report && status_part_seen && recipients.is_empty() {
        return Err(bad(
            "delivery-status report without a recipient block (no Final-Recipient)",
        ));
    }
    for name in ["In-Reply-To", "References"] {
        if let Some(v) = msg.header_raw(name) {
            for id in v.split_whitespace() {
                let id = strip_id(id);
                if !id.is_empty() && !message_ids.contains(&id) {
                    message_ids.push(id);
                }
            }
        }
    }
    tickets_in(&subject, &mut tickets);
    if let Some(t) = &first_text {
        tickets_in(t, &mut tickets);
    }
    Ok(Incoming {
        kind: if recipients.is_empty() {
            Kind::Other
        } else {
            Kind::Dsn
        },
        subject,
        from,
        recipients,
        message_ids,
        tickets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_found() {
        let mut t = Vec::new();
        tickets_in(
            "Re: [NTC-20261122-00003] and NTC-20261122-00003, X-20261122-123456x",
            &mut t,
        );
        assert_eq!(t, vec!["NTC-20261122-00003"]);
    }

    #[test]
    fn mbox_splits_and_unquotes() {
        let mbox = b"From a@b Sat Jan  1 00:00:00 2026\nSubject: one\n\n>From here\n\nFrom c@d Sat Jan  1 00:00:00 2026\nSubject: two\n\nbody\n";
        let m = split_mbox("box", mbox);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].source, "box:1");
        assert_eq!(m[0].bytes, b"Subject: one\n\nFrom here\n");
        assert_eq!(m[1].source, "box:6");
    }

    #[test]
    fn not_a_message_is_an_error() {
        assert!(read_message("x", b"").is_err());
        assert!(read_message("x", b"\x00\x01binary").is_err());
        assert!(read_message("x", b"just some text\nno headers\n").is_err());
        let ok = read_message(
            "x",
            b"From: a@b.nl\r\nSubject: Re: NTC-20261122-00001\r\n\r\nopen on purpose\r\n",
        )
        .unwrap();
        assert_eq!(ok.kind, Kind::Other);
        assert_eq!(ok.tickets, vec!["NTC-20261122-00001"]);
    }
}
