//! The RFC 5322 message, written directly (RFC 5322, RFC 2045–2047):
//!
//! ```text
//! multipart/mixed
//! ├── multipart/alternative
//! │   ├── text/plain; charset="utf-8"
//! │   └── text/html; charset="utf-8"
//! ├── text/csv; charset="utf-8", attachment TICKET.csv
//! └── application/json; charset="utf-8", attachment TICKET.xarf.json
//!     (abuse-desk notices only: the XARF v4 reports as a JSON array)
//! ```
//!
//! With a signer (feature `openpgp`) this `multipart/mixed` entity becomes
//! the first part of an RFC 3156 `multipart/signed` message (see the
//! `sign` module).
//!
//! Headers: From (sender name and address), To (organisation and address),
//! Subject, Date (from `now`), Message-ID `<TICKET@domain>`,
//! `Auto-Submitted: auto-generated`, `Content-Language`, Reply-To (when set),
//! `MIME-Version` and the top `Content-Type`. Every line ends in CRLF.
//!
//! - Display names and the subject come from [`crate::inert::header_value`]
//!   (one line, controls shown as `<U+XXXX>`). The subject is always written
//!   as RFC 2047 "Q" encoded-words (`=?utf-8?Q?...?=`), folded so no line
//!   passes 76 columns: it holds attacker-controlled names, and encoding it
//!   keeps a `=?...?=` inside the data from being decoded as an encoded-word
//!   by the reader's client. A display name is a quoted string when it is
//!   printable ASCII without `=?` and fits the line, else encoded-words too.
//!   Encoded-words write literally only what RFC 2047 section 5 allows
//!   where they stand (in the subject printable ASCII but `= ? _`, in a
//!   display name letters, digits and `! * + - /`) and never split a UTF-8
//!   character between two words.
//! - Every body is quoted-printable (RFC 2045 section 6.7): `=`, controls,
//!   bytes over 127 and a space or tab at the end of a line as `=XX`, soft
//!   line breaks (`=` CRLF) so no encoded line passes 76 characters, and
//!   each line end of the body (LF or CRLF) as CRLF.
//! - Boundaries start with `=_`. Quoted-printable output never holds `=_`
//!   (`=` is always followed by a hex digit or CRLF), and the part headers
//!   are ours, so no body can hold a boundary line or close a part early,
//!   whatever the data. The hex after `=_mix_`/`=_alt_` is a hash of the
//!   ticket, so the same notice gives the same bytes.

use std::io::Write as _;

use chrono::{DateTime, Datelike, Timelike, Utc};

use super::Renderer;
use super::xarf::fnv64;
use crate::aggregate::Notice;
use crate::inert::header_value;

/// Longest line of a quoted-printable body and of a header line with
/// encoded-words, in characters without the CRLF (RFC 2045 6.7, RFC 2047 2).
pub(super) const LINE: usize = 76;

/// Longest ticket used in the Message-ID and the attachment's file name.
const MAX_TICKET: usize = 64;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Octets a quoted-printable body holds as they are: printable ASCII but
/// `=`, plus space and tab (which are encoded at the end of a line).
static QP_LITERAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 33;
    while b <= 126 {
        t[b] = b != b'=' as usize;
        b += 1;
    }
    t[b' ' as usize] = true;
    t[b'\t' as usize] = true;
    t
};

/// Where an encoded-word stands, which decides the characters it may hold
/// as they are (RFC 2047 section 5).
#[derive(Clone, Copy)]
enum Place {
    /// Unstructured text (Subject): printable ASCII but `=`, `?` and `_`.
    Text,
    /// A display name (phrase): letters, digits and `! * + - /` only.
    Phrase,
}

fn q_literal(b: u8, place: Place) -> bool {
    match place {
        Place::Text => b.is_ascii_graphic() && !matches!(b, b'=' | b'?' | b'_'),
        Place::Phrase => b.is_ascii_alphanumeric() || matches!(b, b'!' | b'*' | b'+' | b'-' | b'/'),
    }
}

/// The rendered parts a message is built from.
pub(super) struct Parts<'a> {
    pub(super) subject: &'a str,
    pub(super) text: &'a str,
    pub(super) html: &'a str,
    pub(super) csv: &'a str,
    /// The XARF reports (a JSON array), attached for an abuse desk.
    pub(super) xarf: Option<&'a str>,
}

pub(super) fn build(
    r: &Renderer,
    notice: &Notice,
    now: DateTime<Utc>,
    parts: &Parts<'_>,
) -> crate::error::Result<Vec<u8>> {
    let o = &r.options;
    // quoted-printable adds a soft break per 75 octets and `=XX` for each `=` of the HTML: a
    // quarter more is room enough, so the message is written without growing its buffer
    let bodies =
        parts.text.len() + parts.html.len() + parts.csv.len() + parts.xarf.map_or(0, str::len);
    let mut out = Vec::with_capacity(2048 + bodies + bodies / 4);
    let ticket = token(&notice.ticket);
    let seed = fnv64(0xcbf2_9ce4_8422_2325, &[ticket.as_bytes()]);

    push_address(
        &mut out,
        "From",
        &header_value(&o.sender_name, 100),
        &o.from,
    );
    push_address(
        &mut out,
        "To",
        &header_value(&notice.recipient.organisation, 100),
        &header_value(notice.recipient.address.trim(), 254),
    );
    out.extend_from_slice(b"Subject:");
    if !parts.subject.is_empty() {
        out.push(b' ');
        push_encoded_words(&mut out, parts.subject, "Subject: ".len(), Place::Text);
    }
    out.extend_from_slice(b"\r\nDate: ");
    push_date(&mut out, now);
    out.extend_from_slice(b"\r\nMessage-ID: <");
    out.extend_from_slice(ticket.as_bytes());
    out.push(b'@');
    out.extend_from_slice(o.message_id_domain.as_bytes());
    out.extend_from_slice(b">\r\nAuto-Submitted: auto-generated\r\nContent-Language: ");
    out.extend_from_slice(notice.language.as_str().as_bytes());
    out.extend_from_slice(b"\r\n");
    if let Some(reply_to) = &o.reply_to {
        push_address(&mut out, "Reply-To", "", reply_to);
    }
    out.extend_from_slice(b"MIME-Version: 1.0\r\n");
    #[cfg(feature = "openpgp")]
    if let Some(signer) = &r.signer {
        let sig = boundary("sig", seed ^ 0x5bd1_e995_5bd1_e995);
        let mut entity = Vec::with_capacity(2048 + bodies + bodies / 8);
        push_entity(&mut entity, &ticket, seed, parts);
        let signature = signer.sign(&entity, now)?;
        out.extend_from_slice(b"Content-Type: multipart/signed; micalg=");
        out.extend_from_slice(super::sign::MICALG.as_bytes());
        out.extend_from_slice(b";\r\n protocol=\"application/pgp-signature\";\r\n boundary=\"");
        out.extend_from_slice(sig.as_bytes());
        out.extend_from_slice(b"\"\r\n\r\n");
        push_delimiter(&mut out, &sig);
        out.extend_from_slice(&entity);
        out.extend_from_slice(b"\r\n");
        push_delimiter(&mut out, &sig);
        out.extend_from_slice(
            b"Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n\
              Content-Description: OpenPGP digital signature\r\n\
              Content-Disposition: attachment; filename=\"signature.asc\"\r\n\r\n",
        );
        // armor lines are ASCII; written with CRLF
        for line in signature.lines() {
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n--");
        out.extend_from_slice(sig.as_bytes());
        out.extend_from_slice(b"--\r\n");
        return Ok(out);
    }
    push_entity(&mut out, &ticket, seed, parts);
    Ok(out)
}

/// The message's content entity: its Content-Type header, an empty line and
/// the multipart/mixed body, ending with the closing delimiter and CRLF.
/// Unsigned, it follows the message headers; signed, it is the first part
/// of multipart/signed, and exactly these bytes are signed.
fn push_entity(out: &mut Vec<u8>, ticket: &str, seed: u64, parts: &Parts<'_>) {
    let mix = boundary("mix", seed);
    let alt = boundary("alt", seed.rotate_left(32) ^ 0x9e37_79b9_7f4a_7c15);
    out.extend_from_slice(b"Content-Type: multipart/mixed; boundary=\"");
    out.extend_from_slice(mix.as_bytes());
    out.extend_from_slice(b"\"\r\n\r\n");

    push_delimiter(out, &mix);
    out.extend_from_slice(b"Content-Type: multipart/alternative; boundary=\"");
    out.extend_from_slice(alt.as_bytes());
    out.extend_from_slice(b"\"\r\n\r\n");
    push_delimiter(out, &alt);
    push_text_part(out, "text/plain", None, parts.text);
    out.extend_from_slice(b"\r\n");
    push_delimiter(out, &alt);
    push_text_part(out, "text/html", None, parts.html);
    out.extend_from_slice(b"\r\n--");
    out.extend_from_slice(alt.as_bytes());
    out.extend_from_slice(b"--\r\n\r\n");
    push_delimiter(out, &mix);
    push_text_part(out, "text/csv", Some((ticket, ".csv")), parts.csv);
    if let Some(xarf) = parts.xarf {
        out.extend_from_slice(b"\r\n");
        push_delimiter(out, &mix);
        push_text_part(out, "application/json", Some((ticket, ".xarf.json")), xarf);
    }
    out.extend_from_slice(b"\r\n--");
    out.extend_from_slice(mix.as_bytes());
    out.extend_from_slice(b"--\r\n");
}

/// The ticket as a Message-ID left part and file name: letters, digits,
/// `-`, `_` and `.` (others as `_`), at most [`MAX_TICKET`] characters.
/// Tickets from [`crate::aggregate()`] are always kept whole.
pub(super) fn token(ticket: &str) -> String {
    let keep = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    // a ticket from the aggregator is already a token: copied in one piece
    if !ticket.is_empty() && ticket.len() <= MAX_TICKET && ticket.bytes().all(keep) {
        return ticket.to_string();
    }
    token_by_chars(ticket)
}

/// [`token`] character by character: what every ticket went through before the
/// one-piece copy, and what that copy is tested against.
fn token_by_chars(ticket: &str) -> String {
    let mut t: String = ticket
        .chars()
        .take(MAX_TICKET)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if t.is_empty() {
        t.push_str("notice");
    }
    t
}

fn boundary(kind: &str, seed: u64) -> String {
    let mut b = String::with_capacity(22);
    b.push_str("=_");
    b.push_str(kind);
    b.push('_');
    for shift in (0..16).rev() {
        b.push(char::from(HEX[((seed >> (shift * 4)) & 0xf) as usize]).to_ascii_lowercase());
    }
    b
}

fn push_delimiter(out: &mut Vec<u8>, boundary: &str) {
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// A leaf part: its headers, an empty line and the quoted-printable body
/// (the CRLF before the next delimiter belongs to the delimiter).
fn push_text_part(
    out: &mut Vec<u8>,
    mime_type: &str,
    attachment: Option<(&str, &str)>,
    body: &str,
) {
    out.extend_from_slice(b"Content-Type: ");
    out.extend_from_slice(mime_type.as_bytes());
    out.extend_from_slice(b"; charset=\"utf-8\"\r\n");
    if let Some((name, ext)) = attachment {
        out.extend_from_slice(b"Content-Disposition: attachment; filename=\"");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(ext.as_bytes());
        out.extend_from_slice(b"\"\r\n");
    }
    out.extend_from_slice(b"Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    push_quoted_printable(out, body);
}

/// `Field: name <address>`: the name as a quoted string or encoded-words
/// (none when empty), folded before the address when the line would pass
/// 78 columns. Characters that would end or split the address are `_`.
fn push_address(out: &mut Vec<u8>, field: &str, name: &str, address: &str) {
    out.extend_from_slice(field.as_bytes());
    out.extend_from_slice(b": ");
    let mut col = field.len() + 2;
    let address = safe_address(address);
    if !name.is_empty() {
        let quotable = name.bytes().all(|b| (b' '..=b'~').contains(&b)) && !name.contains("=?");
        let escapes = name.bytes().filter(|b| matches!(b, b'"' | b'\\')).count();
        if quotable && col + name.len() + escapes + 2 <= LINE {
            out.push(b'"');
            for b in name.bytes() {
                if matches!(b, b'"' | b'\\') {
                    out.push(b'\\');
                }
                out.push(b);
            }
            out.push(b'"');
            col += name.len() + escapes + 2;
            // the address may take the line to 78 columns (RFC 5322 2.1.1)
            if col + address.len() + 3 > 78 {
                out.extend_from_slice(b"\r\n");
            }
        } else {
            col = push_encoded_words(out, name, col, Place::Phrase);
            // a line with an encoded-word stays within 76 (RFC 2047 2)
            if col + address.len() + 3 > LINE {
                out.extend_from_slice(b"\r\n");
            }
        }
        out.push(b' ');
    }
    out.push(b'<');
    out.extend_from_slice(address.as_bytes());
    out.extend_from_slice(b">\r\n");
}

fn safe_address(address: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_whitespace() || c.is_control() || "<>\"(),;:[]\\".contains(c);
    if address.contains(bad) {
        address.replace(bad, "_").into()
    } else {
        address.into()
    }
}

/// Writes `value` as RFC 2047 "Q" encoded-words in UTF-8, starting at
/// column `col`; a new word starts on a folded line (CRLF SP) before one
/// would pass [`LINE`]. Returns the column after the last word.
fn push_encoded_words(out: &mut Vec<u8>, value: &str, mut col: usize, place: Place) -> usize {
    const OPEN: &[u8] = b"=?utf-8?Q?";
    const CLOSE: &[u8] = b"?=";
    if value.is_empty() {
        // an encoded-word holds at least one character (RFC 2047 2)
        return col;
    }
    out.extend_from_slice(OPEN);
    col += OPEN.len();
    let mut empty = true;
    for c in value.chars() {
        let mut buf = [0u8; 4];
        let bytes = c.encode_utf8(&mut buf).as_bytes();
        let literal = bytes.len() == 1 && (bytes[0] == b' ' || q_literal(bytes[0], place));
        let len = if literal { 1 } else { 3 * bytes.len() };
        if !empty && col + len + CLOSE.len() > LINE {
            out.extend_from_slice(CLOSE);
            out.extend_from_slice(b"\r\n ");
            out.extend_from_slice(OPEN);
            col = 1 + OPEN.len();
        }
        if literal {
            out.push(if bytes[0] == b' ' { b'_' } else { bytes[0] });
        } else {
            for &b in bytes {
                out.extend_from_slice(&[b'=', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
            }
        }
        col += len;
        empty = false;
    }
    out.extend_from_slice(CLOSE);
    col + CLOSE.len()
}

/// RFC 5322 date-time in UTC, e.g. `Wed, 5 Mar 2025 08:00:00 +0000`.
fn push_date(out: &mut Vec<u8>, now: DateTime<Utc>) {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let day = DAYS
        .get(now.weekday().num_days_from_monday() as usize)
        .copied()
        .unwrap_or("Mon");
    let month = MONTHS.get(now.month0() as usize).copied().unwrap_or("Jan");
    // writing to a Vec cannot fail
    let _ = write!(
        out,
        "{day}, {} {month} {:04} {:02}:{:02}:{:02} +0000",
        now.day(),
        now.year(),
        now.hour(),
        now.minute(),
        now.second()
    );
}

/// The body as quoted-printable with CRLF line ends (a CRLF or LF in the
/// body is one line end; a CR elsewhere is `=0D`).
///
/// Line by line: a line of at most [`LINE`] octets that are all written as
/// they are (the common case of the text body) is copied whole; any other
/// line goes through [`push_qp_line`], which copies each run of such octets
/// ([`next_special`], eight at a time) with one `extend_from_slice` per
/// piece between soft line breaks.
pub(super) fn push_quoted_printable(out: &mut Vec<u8>, body: &str) {
    let b = body.as_bytes();
    let mut start = 0;
    while start < b.len() {
        let rest = b.get(start..).unwrap_or_default();
        let j = next_special(rest, 0);
        let (line, next) = match rest.get(j) {
            // a run of plain octets up to a line end: the whole line when it fits
            Some(b'\n') => (rest.get(..j).unwrap_or_default(), Some(start + j + 1)),
            Some(b'\r') if rest.get(j + 1) == Some(&b'\n') => {
                (rest.get(..j).unwrap_or_default(), Some(start + j + 2))
            }
            None => (rest, None),
            Some(_) => {
                // a special octet inside the line: find the line's end
                // (`start + j` is a character boundary: the octets before it are ASCII)
                let end = body
                    .get(start + j..)
                    .and_then(|r| r.find('\n'))
                    .map(|p| j + p);
                let (line, next) = match end {
                    Some(e) => (rest.get(..e).unwrap_or_default(), Some(start + e + 1)),
                    None => (rest, None),
                };
                // the CR of a CRLF belongs to the line end
                let line = match (next, line.split_last()) {
                    (Some(_), Some((b'\r', head))) => head,
                    _ => line,
                };
                push_qp_line(out, line, j);
                if let Some(n) = next {
                    out.extend_from_slice(b"\r\n");
                    start = n;
                    continue;
                }
                return;
            }
        };
        if line.len() <= LINE && line.last() != Some(&b' ') {
            out.extend_from_slice(line);
        } else {
            push_qp_line(out, line, line.len());
        }
        match next {
            Some(n) => {
                out.extend_from_slice(b"\r\n");
                start = n;
            }
            None => return,
        }
    }
}

/// One line of a quoted-printable body (without its line end), whose
/// octets before `plain_to` are all written as they are. Each octet is a
/// token of one (as it is) or three (`=XX`) characters; a soft line break
/// comes before a token that would take the line past 75 characters (76
/// for the line's last token, which no `=` of a soft break needs to
/// follow). A space or tab ending the line is encoded, a tab elsewhere is
/// written as it is.
fn push_qp_line(out: &mut Vec<u8>, line: &[u8], plain_to: usize) {
    let (body, tail) = match line.split_last() {
        Some((&c @ (b' ' | b'\t'), head)) => (head, Some(c)),
        _ => (line, None),
    };
    let mut col = 0;
    let mut i = 0;
    let mut j = plain_to.min(body.len());
    loop {
        let run = body.get(i..j).unwrap_or_default();
        let Some(&c) = body.get(j) else {
            push_qp_run(out, &mut col, run, tail.is_none());
            break;
        };
        push_qp_run(out, &mut col, run, false);
        let last = tail.is_none() && j + 1 == body.len();
        if c == b'\t' {
            // not the last octet of the line (that one is `tail`)
            if col + 1 > LINE - 1 {
                push_soft_break(out, &mut col);
            }
            out.push(b'\t');
            col += 1;
        } else {
            push_qp_encoded(out, &mut col, c, last);
        }
        i = j + 1;
        j = next_special(body, i);
    }
    if let Some(c) = tail {
        push_qp_encoded(out, &mut col, c, true);
    }
}

/// Octets written as they are, cut by soft line breaks; `last` when the
/// run ends the line (its last octet may stand in column 76).
fn push_qp_run(out: &mut Vec<u8>, col: &mut usize, mut run: &[u8], last: bool) {
    loop {
        let room = (LINE - 1).saturating_sub(*col);
        if run.len() <= room + usize::from(last) {
            out.extend_from_slice(run);
            *col += run.len();
            return;
        }
        let (now, rest) = run.split_at(room);
        out.extend_from_slice(now);
        out.extend_from_slice(b"=\r\n");
        *col = 0;
        run = rest;
    }
}

/// One octet as `=XX`; `last` when it ends the line.
fn push_qp_encoded(out: &mut Vec<u8>, col: &mut usize, b: u8, last: bool) {
    let limit = if last { LINE } else { LINE - 1 };
    if *col + 3 > limit {
        push_soft_break(out, col);
    }
    out.extend_from_slice(&[b'=', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
    *col += 3;
}

fn push_soft_break(out: &mut Vec<u8>, col: &mut usize) {
    out.extend_from_slice(b"=\r\n");
    *col = 0;
}

/// The first position at or after `from` of an octet that quoted-printable
/// does not write as it is on its own (controls incl. tab, CR and LF, `=`,
/// DEL, octets over 127), or the length of `b`.
fn next_special(b: &[u8], from: usize) -> usize {
    use crate::scan::{LOW7, ONES, first_special};
    let flags = |x: u64| {
        // per byte, with the high bit cleared no sum carries into the next
        // byte: high bit of t + 0x60 is set from 0x20 on, of t + 0x01 at 0x7f
        let t = x & LOW7;
        let printable = t.wrapping_add(ONES * 0x60);
        let del = t.wrapping_add(ONES);
        let eq = x ^ (ONES * u64::from(b'='));
        let eq = eq.wrapping_sub(ONES) & !eq;
        // the lowest flagged byte is always a special one (a borrow in the
        // `=` test only flags bytes above a real `=`)
        x | del | !printable | eq
    };
    first_special(b, from, flags, |c| {
        !QP_LITERAL[usize::from(*c)] || *c == b'\t'
    })
}

/// The quoted-printable writer of the fifth round, kept as the oracle the
/// line-by-line writer is tested against (byte for byte).
#[cfg(test)]
mod oracle {
    use super::{HEX, LINE, QP_LITERAL, next_special};

    /// The body as quoted-printable with CRLF line ends (a CRLF or LF in the
    /// body is one line end; a CR elsewhere is `=0D`).
    ///
    /// One pass: runs of octets that stay as they are are found eight at a time
    /// ([`next_special`]) and copied whole, cut by soft line breaks.
    pub(super) fn push_quoted_printable_reference(out: &mut Vec<u8>, body: &str) {
        let b = body.as_bytes();
        let mut qp = Qp { out, col: 0 };
        let mut i = 0;
        loop {
            let j = next_special(b, i);
            let run = b.get(i..j).unwrap_or_default();
            if j >= b.len() {
                qp.run_to_line_end(run);
                break;
            }
            // then the special octets from j on, up to the next plain one
            let mut k = j;
            let mut line_start = false;
            while let Some(&c) = b.get(k) {
                let line_end = match c {
                    b'\n' => Some(k + 1),
                    b'\r' if b.get(k + 1) == Some(&b'\n') => Some(k + 2),
                    _ => None,
                };
                if let Some(next) = line_end {
                    if k == j {
                        qp.run_to_line_end(run);
                    }
                    qp.out.extend_from_slice(b"\r\n");
                    qp.col = 0;
                    k = next;
                    line_start = true;
                    break;
                }
                if k == j {
                    qp.run(run);
                }
                let last = matches!(b.get(k + 1), None | Some(b'\n'))
                    || (b.get(k + 1) == Some(&b'\r') && b.get(k + 2) == Some(&b'\n'));
                if c == b'\t' && !last {
                    qp.run(b"\t");
                } else {
                    qp.encoded(c, last);
                }
                k += 1;
                if b.get(k)
                    .is_none_or(|&n| QP_LITERAL[usize::from(n)] && n != b'\t')
                {
                    break;
                }
            }
            if k >= b.len() && !line_start {
                break;
            }
            i = k;
            if i >= b.len() {
                break;
            }
        }
    }

    /// A quoted-printable body being written: the output and the column.
    struct Qp<'a> {
        out: &'a mut Vec<u8>,
        col: usize,
    }

    impl Qp<'_> {
        /// Octets written as they are, with more octets after them on the line.
        fn run(&mut self, mut run: &[u8]) {
            while !run.is_empty() {
                // keep one column for the `=` of a soft line break
                let room = (LINE - 1).saturating_sub(self.col);
                if room == 0 {
                    self.soft_break();
                    continue;
                }
                let (now, rest) = run.split_at(room.min(run.len()));
                self.out.extend_from_slice(now);
                self.col += now.len();
                run = rest;
            }
        }

        /// Octets written as they are that end the line; a space ending the
        /// line is encoded (RFC 2045 6.7 rule 3).
        fn run_to_line_end(&mut self, run: &[u8]) {
            if let Some((&b' ', head)) = run.split_last() {
                self.run(head);
                self.encoded(b' ', true);
            } else if run.len() <= LINE - self.col {
                self.out.extend_from_slice(run);
                self.col += run.len();
            } else {
                let (head, last) = run.split_at(run.len() - 1);
                self.run(head);
                self.run_to_line_end(last);
            }
        }

        /// One octet as `=XX`; `last` when it ends the line (no soft break
        /// needs to follow it).
        fn encoded(&mut self, b: u8, last: bool) {
            let limit = if last { LINE } else { LINE - 1 };
            if self.col + 3 > limit {
                self.soft_break();
            }
            self.out
                .extend_from_slice(&[b'=', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
            self.col += 3;
        }

        fn soft_break(&mut self) {
            self.out.extend_from_slice(b"=\r\n");
            self.col = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qp(s: &str) -> String {
        let mut out = Vec::new();
        push_quoted_printable(&mut out, s);
        String::from_utf8(out).unwrap_or_default()
    }

    fn qp_reference(s: &str) -> String {
        let mut out = Vec::new();
        oracle::push_quoted_printable_reference(&mut out, s);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Lines of every length around the soft-break columns, filled with
    /// plain octets and ending in each kind of octet, give what the oracle
    /// gives.
    #[test]
    fn qp_matches_the_oracle_at_every_line_length() {
        let ends = ["", " ", "\t", "=", "é", "\r", " \t", "\t ", "x ", "= "];
        let breaks = ["", "\n", "\r\n", "\r", "\r\r\n", "\n\n"];
        for n in 0..160 {
            for fill in ["x", "a b", "x\ty", "==", "é"] {
                let line: String = fill.repeat(n).chars().take(n).collect();
                for end in ends {
                    for br in breaks {
                        let body = format!("{line}{end}{br}{line}{end}");
                        assert_eq!(qp(&body), qp_reference(&body), "{body:?}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// Arbitrary text, with the octets quoted-printable treats apart
        /// made common, gives byte for byte what the oracle gives.
        #[test]
        fn qp_matches_the_oracle(body in "([ \t=\r\nAaé~\u{7f}\u{1}]|[a-z]{1,80}|\\PC){0,300}") {
            proptest::prop_assert_eq!(qp(&body), qp_reference(&body));
        }

        /// Long plain lines with few specials, as the HTML body has.
        #[test]
        fn qp_matches_the_oracle_on_long_lines(
            body in "([a-z ]{60,200}[=\t é]?(\r?\n)?){0,6}"
        ) {
            proptest::prop_assert_eq!(qp(&body), qp_reference(&body));
        }
    }

    #[test]
    fn qp_short_lines_pass_and_line_ends_become_crlf() {
        assert_eq!(qp("a b\nc\r\nd\n"), "a b\r\nc\r\nd\r\n");
        assert_eq!(qp(""), "");
        assert_eq!(qp("\n\n"), "\r\n\r\n");
    }

    #[test]
    fn qp_encodes_equals_controls_high_bytes_and_trailing_space() {
        assert_eq!(qp("a=b é\rx \ny\t"), "a=3Db =C3=A9=0Dx=20\r\ny=09");
    }

    #[test]
    fn qp_lines_are_at_most_76_and_soft_breaks_round_trip() {
        for n in [74, 75, 76, 77, 78, 150, 151, 152, 153] {
            for fill in ["x", "é", "=", " x"] {
                let line: String = fill.repeat(n).chars().take(n).collect();
                let enc = qp(&line);
                for l in enc.split("\r\n") {
                    assert!(l.len() <= LINE, "{n} {fill:?}: {l}");
                }
                // decode: remove soft breaks, then =XX
                let joined = enc.replace("=\r\n", "");
                let mut bytes = Vec::new();
                let mut i = 0;
                let j = joined.as_bytes();
                while i < j.len() {
                    if j[i] == b'=' {
                        let h = std::str::from_utf8(&j[i + 1..i + 3]).unwrap_or("00");
                        bytes.push(u8::from_str_radix(h, 16).unwrap_or(0));
                        i += 3;
                    } else {
                        bytes.push(j[i]);
                        i += 1;
                    }
                }
                assert_eq!(String::from_utf8(bytes).unwrap_or_default(), line);
            }
        }
    }

    #[test]
    fn encoded_words_fold_and_keep_characters_whole() {
        let mut out = Vec::new();
        let value = "Gemeente 's-Hertogenbosch: één probleem ".repeat(4);
        push_encoded_words(&mut out, &value, 9, Place::Phrase);
        let s = String::from_utf8(out).unwrap_or_default();
        for (i, line) in s.split("\r\n").enumerate() {
            let width = if i == 0 { 9 } else { 0 } + line.len();
            assert!(width <= LINE, "{line}");
            let word = line.trim_start();
            assert!(
                word.starts_with("=?utf-8?Q?") && word.ends_with("?="),
                "{line}"
            );
            // every word decodes to whole UTF-8 characters
            assert!(!word.contains("=C3?="), "{line}");
        }
        assert!(s.is_ascii());
    }

    #[test]
    fn next_special_finds_the_first_special_octet() {
        let specials = [0u8, b'\t', b'\n', b'\r', 0x1f, b'=', 0x7f, 0x80, 0xc3, 0xff];
        let plain = [b' ', b'a', b'~', b'<', b'!', b'>', b'<', b'0'];
        // lengths around the 8- and 32-octet chunks
        for len in (0..24).chain(30..42).chain(62..74) {
            for at in 0..=len {
                for &sp in &specials {
                    for &p in &plain {
                        let mut v = vec![p; len];
                        if at < len {
                            v[at] = sp;
                            // more specials after the first one
                            if at + 1 < len {
                                v[at + 1] = b'=';
                            }
                        }
                        let want = v
                            .iter()
                            .position(|c| !QP_LITERAL[usize::from(*c)] || *c == b'\t')
                            .unwrap_or(len);
                        assert_eq!(next_special(&v, 0), want, "{v:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn boundaries_start_with_equals_underscore() {
        let b = boundary("mix", 0x0123_4567_89ab_cdef);
        assert_eq!(b, "=_mix_0123456789abcdef");
    }

    proptest::proptest! {
        #[test]
        fn token_matches_the_reference(ticket in "[A-Za-z0-9._-]{0,70}|\\PC{0,70}") {
            proptest::prop_assert_eq!(token(&ticket), token_by_chars(&ticket));
        }
    }

    #[test]
    fn tickets_become_tokens() {
        assert_eq!(token("NTC-20250305-00001"), "NTC-20250305-00001");
        assert_eq!(token("a b<c>@"), "a_b_c__");
        assert_eq!(token(""), "notice");
        assert_eq!(token(&"x".repeat(100)).len(), MAX_TICKET);
    }
}
