//! Keeping attacker-controlled strings inert. One place, used by every output.
//!
//! Every scanner field (PTR names, certificate names, HTTP banners, URLs,
//! even the organisation name from a registry) is written by strangers.
//!
//! # The rule, for every part
//!
//! Values are of three sorts, and each sort is treated the same way in the
//! subject, the text, the HTML, the CSV, the XARF and the JSON:
//!
//! 1. **Our own words** (the catalogue, the templates, the configured
//!    sender, phone, web page and verify URL) are written as they are
//!    (HTML-escaped in HTML); the verify URL and web page are the only links
//!    a notice holds.
//! 2. **The recipient's own name and domain** (the organisation the notice
//!    is addressed to, and for an abuse desk the customer it names) are
//!    named plainly, not defanged: a dentist reads "Geachte Tandarts
//!    Voorbeeld", not `tandarts-voorbeeld[.]example`. They still pass
//!    [`visible`] (no control or bidi character reaches a reader, cut to the
//!    field cap) and are escaped for their format. A customer *domain* that
//!    is not a host name ([`is_host_name`]) is not shown as one: it is left
//!    out of the human parts and kept, escaped, in the machine parts.
//! 3. **Scanner-reported values** (asset, IP, tags, extra fields, the
//!    evidence values) are defanged wherever a reader could click them: in
//!    the subject, text and HTML they pass [`display`] ([`visible`] then
//!    [`defang`]). An asset that is neither a host name, an IP address, a
//!    mail address nor an `http(s)` URL with a host name ([`is_asset_name`])
//!    is never shown as a host name: it is left out of the subject and of
//!    the "where" lines, and shown in the technical part only as a quoted
//!    inert value (`reported name: "<script>..."`). Machine parts (CSV,
//!    XARF, JSON) keep values undefanged, so a ticket system can match them,
//!    but escaped for their format ([`csv_cell`], [`escape_json_invisible`])
//!    and cut by [`truncate`]; there too an asset that fails
//!    [`is_asset_name`] is not put in a host-name field (`asset`, XARF
//!    `url`/`source_identifier`) but in `reported_name`.
//!
//! Headers take only [`header_value`] (one line, controls shown) and the
//! subject is always RFC 2047-encoded.
//!
//! # The functions
//!
//! - [`visible`]: cut to [`MAX_FIELD_CHARS`] with a visible marker, and show
//!   control, bidi and other invisible characters as `<U+XXXX>`, so a
//!   `U+202E` cannot reverse the text around it and a CR/LF cannot start a
//!   new line or header.
//! - [`defang`]: hostnames and URLs in text and HTML written so that mail
//!   clients do not turn them into links (`hxxp://`, `example[.]nl`).
//! - [`escape_html`]: `& < > " '` as entities (the HTML templates call it for
//!   every value they print).
//! - [`header_value`]: one line, no control characters, for mail headers.
//! - [`csv_cell`]: RFC 4180 quoting, and cells that a spreadsheet would run
//!   as a formula (`= + - @`, tab, CR) start with `'`.
//! - [`escape_json_invisible`]: JSON text with bidi and other invisible
//!   characters written as `\uXXXX` escapes.
//! - [`is_host_name`], [`is_asset_name`]: whether a value may be shown as a
//!   host name.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::limits::MAX_FIELD_CHARS;

/// True for the Unicode bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E,
/// U+200F, U+061C).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// True for characters shown as `<U+XXXX>`: controls (C0, DEL, C1), bidi
/// controls, zero-width characters, line/paragraph separators, the BOM, soft
/// hyphen and private-use or noncharacter code points in the BMP specials block.
pub fn is_invisible(c: char) -> bool {
    // printable ASCII, by far the most common case
    if (' '..='~').contains(&c) {
        return false;
    }
    c.is_control()
        || is_bidi_control(c)
        || matches!(
            c,
            '\u{00AD}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200D}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2060}'..='\u{2065}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// The value with invisible characters shown as `<U+XXXX>` and cut to
/// [`MAX_FIELD_CHARS`] characters, with `[+N chars]` saying how much was cut.
///
/// ```
/// use notice_render::inert::visible;
/// assert_eq!(visible("a\u{202E}b\r\n"), "a<U+202E>b<U+000D><U+000A>");
/// ```
pub fn visible(value: &str) -> Cow<'_, str> {
    if value.len() > MAX_FIELD_CHARS {
        return Cow::Owned(visible_cut(value));
    }
    // no cut (a character is at least one byte): printable ASCII is skipped eight bytes at a
    // time, then the characters from the first other byte on (a character boundary: every
    // byte before it is ASCII) are looked at one by one; only a value with an invisible one
    // is copied, in runs between them
    let ascii = next_unprintable(value.as_bytes(), 0);
    let rest = value.get(ascii..).unwrap_or_default();
    if !rest.chars().any(is_invisible) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 16);
    // the first byte not yet written; the runs between invisible characters are copied whole
    let mut run = 0;
    for (at, c) in rest.char_indices() {
        if is_invisible(c) {
            let at = ascii + at;
            out.push_str(value.get(run..at).unwrap_or_default());
            push_code_point(&mut out, c);
            run = at + c.len_utf8();
        }
    }
    out.push_str(value.get(run..).unwrap_or_default());
    Cow::Owned(out)
}

/// [`visible`] of a value longer than [`MAX_FIELD_CHARS`] bytes, which may have more
/// characters than that: counted one by one, cut at the cap.
fn visible_cut(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(MAX_FIELD_CHARS * 4) + 16);
    // the first byte not yet written
    let mut run = 0;
    for (count, (at, c)) in value.char_indices().enumerate() {
        if count == MAX_FIELD_CHARS {
            out.push_str(value.get(run..at).unwrap_or_default());
            let rest = value.get(at..).unwrap_or_default().chars().count();
            let _ = write!(out, "[+{rest} chars]");
            return out;
        }
        if is_invisible(c) {
            out.push_str(value.get(run..at).unwrap_or_default());
            push_code_point(&mut out, c);
            run = at + c.len_utf8();
        }
    }
    out.push_str(value.get(run..).unwrap_or_default());
    out
}

/// `c` as `<U+XXXX>`: its code point in upper-case hexadecimal, at least four digits (what
/// `format!("<U+{:04X}>")` writes, without the formatting machinery).
fn push_code_point(out: &mut String, c: char) {
    let n = u32::from(c);
    let digits = match n {
        0..=0xFFFF => 4,
        0x1_0000..=0xF_FFFF => 5,
        _ => 6,
    };
    out.push_str("<U+");
    for shift in (0..digits).rev() {
        let digit = (n >> (4 * shift)) & 0xF;
        out.extend(char::from_digit(digit, 16).map(|d| d.to_ascii_uppercase()));
    }
    out.push('>');
}

/// The first position at or after `from` of a byte that is not printable ASCII (below `' '`,
/// DEL, or any byte of a non-ASCII character), or the length of `bytes`; eight bytes at a time.
fn next_unprintable(bytes: &[u8], from: usize) -> usize {
    use crate::scan::{LOW7, ONES, first_special};
    let flags = |x: u64| {
        // with the high bit cleared, t + 0x60 reaches the high bit from 0x20 on and t + 1 only
        // at 0x7f; neither carries into the next byte
        let t = x & LOW7;
        x | !(t + ONES * 0x60) | (t + ONES)
    };
    first_special(bytes, from, flags, |b| !(b' '..=b'~').contains(b))
}

/// The value cut to [`MAX_FIELD_CHARS`] characters, with `[+N chars]`
/// saying how much was cut; nothing else changed (for machine outputs, whose
/// own escaping keeps the value inert).
pub fn truncate(value: &str) -> Cow<'_, str> {
    if value.len() <= MAX_FIELD_CHARS {
        return Cow::Borrowed(value);
    }
    let total = value.chars().count();
    if total <= MAX_FIELD_CHARS {
        return Cow::Borrowed(value);
    }
    let mut out: String = value.chars().take(MAX_FIELD_CHARS).collect();
    let _ = write!(out, "[+{} chars]", total - MAX_FIELD_CHARS);
    Cow::Owned(out)
}

/// Hostnames, e-mail addresses and URLs written so they are not links:
/// `http` becomes `hxxp`, and every `.` in a word that looks like a name
/// (its last label starts with a letter) becomes `[.]`. IP addresses and
/// version numbers stay as they are.
///
/// ```
/// use notice_render::inert::defang;
/// assert_eq!(defang("see https://www.example.nl/x"), "see hxxps://www[.]example[.]nl/x");
/// assert_eq!(defang("198.51.100.7 runs 15.1.2176.2"), "198.51.100.7 runs 15.1.2176.2");
/// ```
pub fn defang(value: &str) -> Cow<'_, str> {
    match first_defanged_word(value) {
        None => Cow::Borrowed(value),
        Some(start) => {
            let mut out = String::with_capacity(value.len() + 16);
            push_defanged(&mut out, value, start);
            Cow::Owned(out)
        }
    }
}

/// Where the first word [`defang`] changes starts, or `None` when it changes none. Only words
/// with a `.` or `:` can change, so the value is skipped eight bytes at a time to the next of
/// those and only the rest of the word around it is looked at.
fn first_defanged_word(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    // always the start of a word: 0 or just after a space
    let mut from = 0;
    loop {
        let at = next_dot_or_colon(b, from);
        if at >= b.len() {
            return None;
        }
        // the word's first `.` or `:`: what comes before it does not decide
        let (end, changes) = word_from(b, at);
        if changes {
            let start = b
                .get(from..at)
                .unwrap_or_default()
                .iter()
                .rposition(|&c| c == b' ')
                .map_or(from, |p| from + p + 1);
            return Some(start);
        }
        if end >= b.len() {
            return None;
        }
        from = end + 1;
    }
}

/// Where the word that holds `at` ends (its next space, or the end of `b`), and whether
/// [`defang`] changes it, judged from `at` on (`at` its start or its first `.` or `:`): it
/// holds `://` or looks like a name (its last `.`-separated label starts with an ASCII letter).
fn word_from(b: &[u8], at: usize) -> (usize, bool) {
    let end = b
        .get(at..)
        .and_then(|rest| rest.iter().position(|&c| c == b' '))
        .map_or(b.len(), |p| at + p);
    let word = b.get(at..end).unwrap_or_default();
    // the last dot is looked for from the end, where a name's is found after a few bytes
    let name_like = word
        .iter()
        .rposition(|&c| c == b'.')
        .and_then(|dot| word.get(dot + 1))
        .is_some_and(u8::is_ascii_alphabetic);
    let changes = name_like
        || word
            .iter()
            .enumerate()
            .any(|(i, &c)| c == b':' && word.get(i + 1..i + 3) == Some(b"//"));
    (end, changes)
}

/// The first position of a byte that [`visible`] or [`defang`] may act on (one
/// [`next_unprintable`] flags, `.` or `:`), or the length of `bytes`; eight bytes at a time
/// (the unprintable test is exact for every byte, the two others for their lowest flagged one,
/// so the lowest of the three is).
fn next_display_special(bytes: &[u8]) -> usize {
    use crate::scan::{LOW7, ONES, equal_lowest, first_special};
    let flags = |x: u64| {
        let t = x & LOW7;
        x | !(t + ONES * 0x60) | (t + ONES) | equal_lowest(x, b'.') | equal_lowest(x, b':')
    };
    first_special(bytes, 0, flags, |&b| {
        !(b' '..=b'~').contains(&b) || b == b'.' || b == b':'
    })
}

/// The first position at or after `from` of `.` or `:`, or the length of `bytes`; eight bytes
/// at a time (each test is exact for its lowest flagged byte, so the lowest of the two is).
fn next_dot_or_colon(bytes: &[u8], from: usize) -> usize {
    use crate::scan::{equal_lowest, first_special};
    let flags = |x: u64| equal_lowest(x, b'.') | equal_lowest(x, b':');
    first_special(bytes, from, flags, |&b| b == b'.' || b == b':')
}

/// `value` appended to `out` with every word from `from` on (a word start) that changes
/// ([`word_from`]) defanged: its first `http` (any case) as `hxxp`,
/// every `.` after that `http` (or in the whole word when it has none) as `[.]`. The text
/// between changes is copied in runs.
fn push_defanged(out: &mut String, value: &str, from: usize) {
    let b = value.as_bytes();
    // the first byte not yet written; every change is at an ASCII byte, so the runs between
    // them are whole UTF-8 sequences
    let mut run = 0;
    let mut start = from;
    loop {
        let (end, changes) = word_from(b, start);
        let word = b.get(start..end).unwrap_or_default();
        if changes {
            let mut dots = start;
            if let Some(h) = find_http(word) {
                let h = start + h;
                // `h` and the last `p` kept, the two `t`s as `x` in their case
                let x = |c: Option<&u8>| {
                    if c.is_some_and(u8::is_ascii_uppercase) {
                        'X'
                    } else {
                        'x'
                    }
                };
                out.push_str(value.get(run..=h).unwrap_or_default());
                out.push(x(b.get(h + 1)));
                out.push(x(b.get(h + 2)));
                run = h + 3;
                dots = h + 4;
            }
            let rest = b.get(dots..end).unwrap_or_default();
            for (i, _) in rest.iter().enumerate().filter(|&(_, &c)| c == b'.') {
                out.push_str(value.get(run..dots + i).unwrap_or_default());
                out.push_str("[.]");
                run = dots + i + 1;
            }
        }
        if end >= b.len() {
            break;
        }
        start = end + 1;
    }
    out.push_str(value.get(run..).unwrap_or_default());
}

/// The position of the first `http` in any case in `word`: at each `h` or `H` (the bytes that
/// are `h` with bit 5 set), its four bytes compared at once (with bit 5 set, only `T` and `t`
/// become `t`, `P` and `p` `p`).
fn find_http(word: &[u8]) -> Option<usize> {
    let http = u32::from_le_bytes(*b"http");
    let mut from = 0;
    while let Some(p) = word.get(from..)?.iter().position(|&c| c | 0x20 == b'h') {
        let h = from + p;
        // fewer than four bytes left: no `http` from here on
        let mut four = [0u8; 4];
        four.copy_from_slice(word.get(h..h + 4)?);
        if u32::from_le_bytes(four) | 0x2020_2020 == http {
            return Some(h);
        }
        from = h + 1;
    }
    None
}

/// True for a DNS host name: 1 to 253 characters, dot-separated labels of
/// 1 to 63 ASCII letters, digits and `-` (not at a label's start or end;
/// `_` allowed, as in service names), at least two labels, the last not all
/// digits. A trailing dot is allowed.
///
/// ```
/// use notice_render::inert::is_host_name;
/// assert!(is_host_name("rdp.example.nl"));
/// assert!(!is_host_name("<script>alert(1)</script>.example.nl"));
/// assert!(!is_host_name("localhost"));
/// assert!(!is_host_name("192.0.2.1"));
/// ```
pub fn is_host_name(value: &str) -> bool {
    let v = value.strip_suffix('.').unwrap_or(value);
    if v.is_empty() || v.len() > 253 {
        return false;
    }
    let mut labels = 0;
    let mut last_numeric = false;
    for label in v.split('.') {
        let b = label.as_bytes();
        if b.is_empty()
            || b.len() > 63
            || !b
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
            || b.first() == Some(&b'-')
            || b.last() == Some(&b'-')
        {
            return false;
        }
        labels += 1;
        last_numeric = b.iter().all(u8::is_ascii_digit);
    }
    labels >= 2 && !last_numeric
}

/// True for a value that may be shown where a reader expects the name of a
/// system: a host name ([`is_host_name`]), an IP address, a mail address
/// whose domain is a host name and whose local part is printable ASCII
/// without spaces, quotes or angle brackets, or an `http(s)://` URL whose
/// host is a host name or IP address and that holds no space, quote or
/// angle bracket.
///
/// ```
/// use notice_render::inert::is_asset_name;
/// assert!(is_asset_name("j.jansen@example.nl"));
/// assert!(is_asset_name("https://www.example.nl/login"));
/// assert!(is_asset_name("2001:db8::1"));
/// assert!(!is_asset_name("<script>alert(1)</script>"));
/// assert!(!is_asset_name("https://x.example/<b>"));
/// ```
pub fn is_asset_name(value: &str) -> bool {
    let v = value.trim();
    if is_host_name(v) || v.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    let clean = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`'))
    };
    let lower = v.get(..8).unwrap_or(v).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        v.get(8..)
    } else if lower.starts_with("http://") {
        v.get(7..)
    } else {
        None
    };
    if let Some(rest) = rest {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = match authority.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => authority,
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        return clean(rest) && (is_host_name(host) || host.parse::<std::net::IpAddr>().is_ok());
    }
    match v.rsplit_once('@') {
        Some((local, domain)) => clean(local) && !local.contains('@') && is_host_name(domain),
        None => false,
    }
}

/// What a reader sees of the recipient's own name or domain: [`visible`],
/// not defanged (see the rule above).
pub fn plain(value: &str) -> String {
    visible(value.trim()).into_owned()
}

/// What a reader sees of a scanner value in text and HTML: [`visible`], then
/// [`defang`].
pub fn display(value: &str) -> String {
    // most values (protocols, names of fields, tags) are short printable ASCII without `.` or
    // `:`: neither visible nor defang changes them, found in one pass eight bytes at a time
    if value.len() <= MAX_FIELD_CHARS && next_display_special(value.as_bytes()) == value.len() {
        return value.to_owned();
    }
    match visible(value) {
        // the common case: one copy, of what defang writes
        Cow::Borrowed(v) => defang(v).into_owned(),
        // the string visible wrote is kept when defang changes nothing
        Cow::Owned(v) => match first_defanged_word(&v) {
            None => v,
            Some(start) => {
                let mut out = String::with_capacity(v.len() + 16);
                push_defanged(&mut out, &v, start);
                out
            }
        },
    }
}

/// HTML text and attribute escaping of `& < > " '`.
///
/// ```
/// use notice_render::inert::escape_html;
/// assert_eq!(escape_html("<img src=x>\"&'"), "&lt;img src=x&gt;&quot;&amp;&#39;");
/// ```
pub fn escape_html(value: &str) -> Cow<'_, str> {
    let bytes = value.as_bytes();
    let mut at = next_html_special(bytes, 0);
    if at == bytes.len() {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 16);
    // every special character is ASCII, so the slices between them are
    // whole UTF-8 sequences; the text between two of them is skipped eight
    // bytes at a time, not byte by byte
    let mut start = 0;
    while let Some(&b) = bytes.get(at) {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => {
                at = next_html_special(bytes, at + 1);
                continue;
            }
        };
        out.push_str(value.get(start..at).unwrap_or_default());
        out.push_str(entity);
        start = at + 1;
        at = next_html_special(bytes, start);
    }
    out.push_str(value.get(start..).unwrap_or_default());
    Cow::Owned(out)
}

/// The first position at or after `from` of `& < > " '` in `bytes`, or the
/// length of `bytes`; eight bytes at a time (most values, the catalogue's
/// paragraphs among them, hold none).
fn next_html_special(bytes: &[u8], from: usize) -> usize {
    use crate::scan::{ONES, equal_lowest, first_special};
    // three byte tests for the five: `<` 0x3c and `>` 0x3e are the bytes
    // that are 0x3e with bit 1 set, `&` 0x26 and `'` 0x27 those that are
    // 0x27 with bit 0 set, and `"` 0x22 itself; each test is exact for its
    // lowest flagged byte, so the lowest of the three is the first special
    let flags = |x: u64| {
        equal_lowest(x | (ONES * 0x02), b'>')
            | equal_lowest(x | ONES, b'\'')
            | equal_lowest(x, b'"')
    };
    first_special(bytes, from, flags, |b| {
        matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'')
    })
}

/// A value for a mail header: one line, every control or invisible character
/// shown as `<U+XXXX>` (so CR and LF never reach a header), runs of spaces
/// collapsed, cut to `max_chars` characters (with `...`).
pub fn header_value(value: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(value.len().min(max_chars * 2));
    let mut count = 0usize;
    let mut last_space = true;
    for c in value.chars() {
        if count >= max_chars {
            out.push_str("...");
            break;
        }
        if c == ' ' || c == '\t' {
            if !last_space {
                out.push(' ');
                count += 1;
            }
            last_space = true;
            continue;
        }
        last_space = false;
        if is_invisible(c) {
            let _ = write!(out, "<U+{:04X}>", u32::from(c));
        } else {
            out.push(c);
        }
        count += 1;
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// True when a spreadsheet would treat a cell starting with `c` as a formula.
pub(crate) fn is_formula_start(c: char) -> bool {
    matches!(
        c,
        '=' | '+'
            | '-'
            | '@'
            | '\t'
            | '\r'
            | '\u{FF1D}'
            | '\u{FF0B}'
            | '\u{FE63}'
            | '\u{FF0D}'
            | '\u{FF20}'
    )
}

/// One CSV cell (RFC 4180): [`visible`], then a leading `'` when the value
/// would start a formula, then always quoted with `"` doubled.
///
/// ```
/// use notice_render::inert::csv_cell;
/// assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "\"'=cmd|' /C calc'!A0\"");
/// assert_eq!(csv_cell("a\"b"), "\"a\"\"b\"");
/// ```
pub fn csv_cell(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 4);
    push_csv_cell(&mut out, value);
    out
}

/// [`csv_cell`] appended to `out` (no allocation for a plain value).
pub(crate) fn push_csv_cell(out: &mut String, value: &str) {
    // most cells (addresses, ports, names, times) are printable ASCII without `"` that starts
    // no formula: they are written as they are, checked in one pass over their bytes
    let plain = value.len() <= MAX_FIELD_CHARS
        && value
            .bytes()
            .all(|b| (b' '..=b'~').contains(&b) && b != b'"')
        && !value
            .bytes()
            .next()
            .is_some_and(|b| matches!(b, b'=' | b'+' | b'-' | b'@'));
    if plain {
        out.push('"');
        out.push_str(value);
        out.push('"');
        return;
    }
    push_csv_cell_quoted(out, value);
}

/// [`push_csv_cell`] for any value: [`visible`], a formula guard and `"` doubled.
fn push_csv_cell_quoted(out: &mut String, value: &str) {
    let v = visible(value);
    out.push('"');
    if value.chars().next().is_some_and(is_formula_start)
        || v.chars().next().is_some_and(is_formula_start)
    {
        out.push('\'');
    }
    // `"` is ASCII, so splitting at it keeps UTF-8 sequences whole
    let mut parts = v.split('"');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push_str("\"\"");
        out.push_str(part);
    }
    out.push('"');
}

/// JSON text with bidi controls and other invisible non-ASCII characters
/// written as `\uXXXX` escapes (serde_json already escapes C0 controls).
/// Only string contents can hold such characters, so the JSON stays valid
/// and means the same.
pub fn escape_json_invisible(json: String) -> String {
    if json.is_ascii() || !json.chars().any(|c| !c.is_ascii() && is_invisible(c)) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 32);
    for c in json.chars() {
        if !c.is_ascii() && is_invisible(c) {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Appends `value` as a JSON string: what `serde_json` writes for it (`"` and `\\` escaped,
/// C0 controls as `\\b \\t \\n \\f \\r` or `\\u00XX`), with invisible non-ASCII characters
/// as [`escape_json_invisible`] writes them, in one pass. The writers of the JSON exports use it
/// so that a report is written straight into its output.
pub(crate) fn push_json_string(out: &mut String, value: &str) {
    out.push('"');
    let bytes = value.as_bytes();
    let mut run = 0;
    let mut i = next_json_special(bytes, 0);
    while let Some(&b) = bytes.get(i) {
        if b >= 0x20 && b != b'"' && b != b'\\' && b < 0x80 {
            i = next_json_special(bytes, i + 1);
            continue;
        }
        if b >= 0x80 {
            // a non-ASCII character: written as it is unless invisible
            let Some(c) = value.get(i..).and_then(|rest| rest.chars().next()) else {
                i += 1;
                continue;
            };
            if !is_invisible(c) {
                i = next_json_special(bytes, i + c.len_utf8());
                continue;
            }
            out.push_str(value.get(run..i).unwrap_or_default());
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
            i += c.len_utf8();
            run = i;
            continue;
        }
        out.push_str(value.get(run..i).unwrap_or_default());
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            0x09 => out.push_str("\\t"),
            0x0a => out.push_str("\\n"),
            0x0c => out.push_str("\\f"),
            0x0d => out.push_str("\\r"),
            _ => {
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        i += 1;
        run = i;
    }
    out.push_str(value.get(run..).unwrap_or_default());
    out.push('"');
}

/// The first position at or after `from` of a byte [`push_json_string`] looks at (`"`, `\\`,
/// C0 controls, non-ASCII), or the length of `b`; eight bytes at a time.
fn next_json_special(b: &[u8], from: usize) -> usize {
    use crate::scan::{LOW7, ONES, equal, first_special};
    let flags = |x: u64| {
        // with the high bit cleared, t + 0x60 reaches the high bit from 0x20 on
        let printable = (x & LOW7) + ONES * 0x60;
        x | !printable | equal(x, b'"') | equal(x, b'\\')
    };
    first_special(b, from, flags, |&c| {
        !(0x20..0x80).contains(&c) || c == b'"' || c == b'\\'
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`visible`], [`defang`] and [`display`] as they were before the seventh round made them
    /// cheaper (`a1e673a`), kept verbatim as the oracle of the property tests below.
    mod before {
        use std::borrow::Cow;
        use std::fmt::Write as _;

        use crate::inert::is_invisible;
        use crate::limits::MAX_FIELD_CHARS;

        pub(super) fn visible(value: &str) -> Cow<'_, str> {
            // printable ASCII (checked by bytes) or no invisible character
            let fast = value.len() <= MAX_FIELD_CHARS
                && (value.bytes().all(|b| (b' '..=b'~').contains(&b))
                    || !value.chars().any(is_invisible));
            if fast {
                return Cow::Borrowed(value);
            }
            let mut out = String::with_capacity(value.len().min(MAX_FIELD_CHARS * 4) + 16);
            let mut chars = value.chars();
            for (count, c) in chars.by_ref().enumerate() {
                if count == MAX_FIELD_CHARS {
                    // put the char back into the remainder count
                    let rest = 1 + chars.count();
                    let _ = write!(out, "[+{rest} chars]");
                    return Cow::Owned(out);
                }
                if is_invisible(c) {
                    let _ = write!(out, "<U+{:04X}>", u32::from(c));
                } else {
                    out.push(c);
                }
            }
            Cow::Owned(out)
        }

        pub(super) fn defang(value: &str) -> Cow<'_, str> {
            if !value.contains('.') && !value.contains(':') {
                return Cow::Borrowed(value);
            }
            // built only from the first word that changes
            let mut out: Option<String> = None;
            let mut at = 0;
            for (i, word) in value.split(' ').enumerate() {
                if let Some(o) = out.as_mut() {
                    if i > 0 {
                        o.push(' ');
                    }
                    push_defanged(o, word);
                } else if needs_defang(word) {
                    let mut o = String::with_capacity(value.len() + 16);
                    o.push_str(value.get(..at).unwrap_or_default());
                    push_defanged(&mut o, word);
                    out = Some(o);
                }
                at += word.len() + 1;
            }
            out.map_or(Cow::Borrowed(value), Cow::Owned)
        }

        /// A word changes when it holds `://` or looks like a name: its last
        /// `.`-separated label starts with a letter.
        fn needs_defang(word: &str) -> bool {
            word.contains("://")
                || word.rsplit_once('.').is_some_and(|(_, last)| {
                    last.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                })
        }

        /// The word defanged (when [`needs_defang`]) appended to `out`: the first
        /// `http` (any case) as `hxxp`, every `.` as `[.]`.
        fn push_defanged(out: &mut String, word: &str) {
            if !needs_defang(word) {
                out.push_str(word);
                return;
            }
            let mut rest = word;
            if let Some(pos) = find_ascii_ci(rest, "http") {
                let (head, tail) = rest.split_at(pos);
                out.push_str(head);
                // `http` in any case is four ASCII bytes
                let mut scheme = tail.get(..4).unwrap_or("http").chars();
                let x = |c: Option<char>| match c {
                    Some(c) if c.is_ascii_uppercase() => 'X',
                    _ => 'x',
                };
                out.extend(scheme.next());
                out.push(x(scheme.next()));
                out.push(x(scheme.next()));
                out.extend(scheme.next());
                rest = tail.get(4..).unwrap_or("");
            }
            let mut parts = rest.split('.');
            if let Some(first) = parts.next() {
                out.push_str(first);
            }
            for part in parts {
                out.push_str("[.]");
                out.push_str(part);
            }
        }

        pub(super) fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
            let h = haystack.as_bytes();
            let n = needle.as_bytes();
            if n.is_empty() || h.len() < n.len() {
                return None;
            }
            (0..=h.len() - n.len()).find(|&i| {
                h.get(i..i + n.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(n))
                    && haystack.is_char_boundary(i)
            })
        }

        pub(super) fn display(value: &str) -> String {
            let v = visible(value);
            defang(&v).into_owned()
        }
    }

    /// What the JSON exports wrote before [`push_json_string`]: serde_json, then the
    /// invisible characters escaped.
    fn json_string_reference(value: &str) -> String {
        escape_json_invisible(serde_json::to_string(value).unwrap_or_default())
    }

    #[test]
    fn json_string_escapes_as_serde_json_and_invisible() {
        for value in [
            "",
            "plain",
            "quote \" and \\ backslash",
            "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f}\u{7f}",
            "bidi \u{202E}evil\u{2066} zero\u{200B}width \u{FEFF}",
            "C1 \u{85}\u{9f} soft\u{AD}hyphen",
            "astral \u{1F600} and \u{E0001} tag",
            "d\u{e9}j\u{e0} vu, \u{4e2d}\u{6587}",
        ] {
            let mut out = String::new();
            push_json_string(&mut out, value);
            assert_eq!(out, json_string_reference(value), "{value:?}");
        }
    }

    #[test]
    fn json_specials_found_at_every_position() {
        let specials = [0u8, 0x1f, b'"', b'\\', 0x80, 0xc3, 0xff];
        let plain = [b' ', b'a', b'~', b'!', 0x7f, b'#', b'[', b']'];
        for len in 0..24 {
            for at in 0..=len {
                for &sp in &specials {
                    for &p in &plain {
                        let mut v = vec![p; len];
                        if let Some(c) = v.get_mut(at) {
                            *c = sp;
                        }
                        let want = v
                            .iter()
                            .position(|&c| !(0x20..0x80).contains(&c) || c == b'"' || c == b'\\')
                            .unwrap_or(len);
                        assert_eq!(next_json_special(&v, 0), want, "{v:?}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn json_string_matches_the_reference(value in "\\PC*|[\\x00-\\x7f\\u{80}-\\u{200}\\u{2000}-\\u{2070}\\u{FEFF}]*|([a-z ]{0,20}[\"\\\\\\x00-\\x1f\\u{e9}\\u{202e}]){0,8}") {
            let mut out = String::from("prefix");
            push_json_string(&mut out, &value);
            proptest::prop_assert_eq!(out, format!("prefix{}", json_string_reference(&value)));
        }
    }

    #[test]
    fn visible_cap_just_under_and_over() {
        let under = "a".repeat(MAX_FIELD_CHARS);
        assert_eq!(visible(&under), under.as_str());
        let over = "a".repeat(MAX_FIELD_CHARS + 3);
        let v = visible(&over);
        assert!(v.ends_with("[+3 chars]"), "{v}");
        assert_eq!(v.split('[').next().map(str::len), Some(MAX_FIELD_CHARS));
    }

    #[test]
    fn bidi_and_controls_are_shown() {
        assert_eq!(
            visible("x\u{2066}y\u{200F}\u{7}"),
            "x<U+2066>y<U+200F><U+0007>"
        );
    }

    /// The defang of before this rewrite, kept as the oracle.
    fn defang_reference(value: &str) -> String {
        let mut out = String::new();
        for (i, word) in value.split(' ').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let has_scheme = word.contains("://");
            let name_like = word.rsplit_once('.').is_some_and(|(_, last)| {
                last.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            });
            if !has_scheme && !name_like {
                out.push_str(word);
                continue;
            }
            let mut rest = word;
            if let Some(pos) = before::find_ascii_ci(rest, "http") {
                let (head, tail) = rest.split_at(pos);
                out.push_str(head);
                let mut s: Vec<char> = tail.get(..4).unwrap_or("http").chars().collect();
                if s.len() == 4 {
                    s[1] = if s[1].is_ascii_uppercase() { 'X' } else { 'x' };
                    s[2] = if s[2].is_ascii_uppercase() { 'X' } else { 'x' };
                }
                out.extend(s);
                rest = tail.get(4..).unwrap_or("");
            }
            out.push_str(&rest.replace('.', "[.]"));
        }
        out
    }

    #[test]
    fn defang_matches_the_reference() {
        let pieces = [
            "a", ".", ":", "//", "http", "HtTp", "s", "é", " ", "1", "nl", "Ü", "x.y", "-",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..50_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut v = String::new();
            let mut r = seed;
            for _ in 0..(r % 12) {
                r /= 7;
                v.push_str(pieces[(r % pieces.len() as u64) as usize]);
            }
            assert_eq!(defang(&v), defang_reference(&v), "{v:?}");
        }
    }

    /// Pieces of what scanners report: URLs, mail addresses, dots, `@`, `://`, `http` in every
    /// case, spaces, controls, bidi and zero-width characters, non-ASCII letters, and the
    /// markers [`visible`] writes.
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "1",
        "nl",
        "www",
        "example",
        "-",
        "_",
        ".",
        "..",
        ":",
        "://",
        "/",
        "//",
        "@",
        " ",
        "  ",
        "http",
        "HTTP",
        "hTtP",
        "htt",
        "https://",
        "HXXP",
        "x.y",
        "198.51.100.7",
        "2001:db8::1",
        "j.jansen@example.nl",
        "https://www.example.nl/login?a=b.c",
        "SMB 3.1.1",
        "B.V.",
        "[.]",
        "<U+202E>",
        "[+3 chars]",
        "\r\n",
        "\t",
        "\u{0}",
        "\u{7f}",
        "\u{85}",
        "\u{ad}",
        "\u{202e}",
        "\u{2066}",
        "\u{200b}",
        "\u{feff}",
        "\u{e9}",
        "\u{dc}",
        "\u{4e2d}",
        "\u{1f600}",
        "\u{ff0e}",
        "<script>",
        "\"'&",
    ];

    /// Strings for the oracle tests: arbitrary, built from [`PIECES`], and long ones around
    /// [`MAX_FIELD_CHARS`] (in bytes and in characters).
    fn scanner_values() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = proptest::sample::select(PIECES);
        prop_oneof![
            any::<String>(),
            "\\PC{0,60}",
            proptest::collection::vec(piece.clone(), 0..24).prop_map(|p| p.concat()),
            (
                proptest::collection::vec(piece, 1..6),
                MAX_FIELD_CHARS / 8..MAX_FIELD_CHARS / 2
            )
                .prop_map(|(p, n)| p.concat().repeat(n / 2 + 1)),
            "[a-z.]{500,530}",
            "[a-z\u{e9}. ]{250,520}",
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// The cheaper functions write byte for byte what the code before them wrote, and
        /// borrow exactly when it did.
        #[test]
        fn inert_display_matches_the_code_before(value in scanner_values()) {
            let v = visible(&value);
            let v_before = before::visible(&value);
            proptest::prop_assert_eq!(v.as_ref(), v_before.as_ref());
            proptest::prop_assert_eq!(
                matches!(v, Cow::Borrowed(_)),
                matches!(v_before, Cow::Borrowed(_))
            );
            let d = defang(&value);
            let d_before = before::defang(&value);
            proptest::prop_assert_eq!(d.as_ref(), d_before.as_ref());
            proptest::prop_assert_eq!(
                matches!(d, Cow::Borrowed(_)),
                matches!(d_before, Cow::Borrowed(_))
            );
            proptest::prop_assert_eq!(display(&value), before::display(&value));
            // defang after visible's markers, as display runs them
            let (d, d_before) = (defang(&v), before::defang(&v));
            proptest::prop_assert_eq!(d.as_ref(), d_before.as_ref());
        }
    }

    #[test]
    fn inert_display_matches_the_code_before_on_samples() {
        let long_dots = "a.".repeat(MAX_FIELD_CHARS);
        let long_wide = "\u{e9}.b ".repeat(MAX_FIELD_CHARS / 3);
        for value in [
            "",
            " ",
            "rdp.example.nl",
            "host-5.dsl.example.net",
            "203.0.113.5",
            "Voorbeeld B.V.",
            "see https://www.example.nl/x and HTTP://a.b/c",
            "a.b.http.c",
            "x.y:8080://z",
            "mail j.jansen@example.nl now",
            "<img src=x onerror=alert(1)>\"evil\"&\u{202E}txt.exe",
            "evil.\u{202E}lnk.exe",
            "a\tb.c\u{7f}d.e",
            long_dots.as_str(),
            long_wide.as_str(),
        ] {
            assert_eq!(display(value), before::display(value), "{value:?}");
            assert_eq!(defang(value), before::defang(value), "{value:?}");
            assert_eq!(visible(value), before::visible(value), "{value:?}");
        }
    }

    #[test]
    fn code_points_written_as_format_writes_them() {
        for n in (0..0x11_0000u32)
            .step_by(7)
            .chain([0, 0xF, 0xFFFF, 0x1_0000, 0xF_FFFF, 0x10_0000, 0x10_FFFF])
        {
            let Some(c) = char::from_u32(n) else { continue };
            let mut out = String::from("x");
            push_code_point(&mut out, c);
            assert_eq!(out, format!("x<U+{n:04X}>"));
        }
    }

    #[test]
    fn unprintable_bytes_found_exactly() {
        // every byte value at every position of a word and of the tail, from every start
        for b in 0..=255u8 {
            let special = !(b' '..=b'~').contains(&b);
            for len in 1..20 {
                for at in 0..len {
                    let mut v = vec![b'~'; len];
                    v[at] = b;
                    for from in 0..=len {
                        let want = if special && at >= from { at } else { len };
                        assert_eq!(next_unprintable(&v, from), want, "{b:#x} {at} {from}");
                    }
                }
            }
        }
    }

    #[test]
    fn dots_and_colons_found_exactly() {
        for b in 0..=255u8 {
            let special = b == b'.' || b == b':';
            for len in 1..20 {
                for at in 0..len {
                    // a background of the bytes next to the two, which a loose test would flag
                    let mut v: Vec<u8> =
                        (0..len).map(|i| [b'/', b';', b'-', b'9'][i % 4]).collect();
                    v[at] = b;
                    for from in 0..=len {
                        let want = if special && at >= from { at } else { len };
                        assert_eq!(next_dot_or_colon(&v, from), want, "{b:#x} {at} {from}");
                    }
                }
            }
        }
    }

    #[test]
    fn display_specials_found_exactly() {
        for b in 0..=255u8 {
            let special = !(b' '..=b'~').contains(&b) || b == b'.' || b == b':';
            for len in 1..20 {
                for at in 0..len {
                    let mut v: Vec<u8> =
                        (0..len).map(|i| [b'/', b';', b'~', b' '][i % 4]).collect();
                    v[at] = b;
                    let want = if special { at } else { len };
                    assert_eq!(next_display_special(&v), want, "{b:#x} {at}");
                }
            }
        }
    }

    #[test]
    fn http_found_in_any_case_only() {
        assert_eq!(find_http(b"xHtTp"), Some(1));
        assert_eq!(find_http(b"http"), Some(0));
        assert_eq!(find_http(b"htt"), None);
        assert_eq!(find_http(b"hhhhttp"), Some(3));
        assert_eq!(find_http(b"Hhttx"), None);
        assert_eq!(find_http(b"a.h.http.HTTP"), Some(4));
        // bytes that equal a letter of `http` once bit 5 is set only when they are that letter
        for b in 0..=255u8 {
            for i in 0..4 {
                let mut v = *b"http";
                v[i] = b;
                let want = v.eq_ignore_ascii_case(b"http");
                assert_eq!(find_http(&v).is_some(), want, "{v:?}");
            }
        }
    }

    #[test]
    fn defang_names_urls_and_mail() {
        assert_eq!(defang("rdp.example.nl"), "rdp[.]example[.]nl");
        assert_eq!(defang("HTTP://a.b/c"), "HXXP://a[.]b/c");
        assert_eq!(defang("j.jansen@example.nl"), "j[.]jansen@example[.]nl");
        assert_eq!(defang("2001:db8::1"), "2001:db8::1");
        assert_eq!(defang("SMB 3.1.1"), "SMB 3.1.1");
    }

    #[test]
    fn html_specials_found_at_every_position() {
        for len in 0..20 {
            for at in 0..len {
                for c in ['&', '<', '>', '"', '\'', 'é'] {
                    let mut s: String = "a".repeat(len);
                    s.replace_range(at..at + 1, &c.to_string());
                    let want = if c == 'é' { s.len() } else { at };
                    assert_eq!(next_html_special(s.as_bytes(), 0), want, "{s}");
                }
            }
        }
    }

    #[test]
    fn html_specials_are_exactly_the_five_bytes() {
        // every byte value in every position of a word and of the tail, from every start
        for b in 0..=255u8 {
            let special = matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'');
            for len in 1..20 {
                for at in 0..len {
                    let mut v = vec![b'a'; len];
                    v[at] = b;
                    for from in 0..=len {
                        let want = if special && at >= from { at } else { len };
                        assert_eq!(next_html_special(&v, from), want, "{b:#x} {at} {from}");
                    }
                }
            }
        }
    }

    /// HTML escaping one character at a time, the oracle of [`escape_html`].
    fn escape_html_reference(value: &str) -> String {
        let mut out = String::new();
        for c in value.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn escape_html_matches_the_reference(value in "\\PC*|([a-z\u{e9}\u{202e} ]{0,20}[&<>\"'=;#]{1,3}){0,8}|[\\x00-\\x7f]{0,40}") {
            let out = escape_html(&value);
            proptest::prop_assert_eq!(out.as_ref(), escape_html_reference(&value));
            // nothing to escape: the value itself, not a copy
            proptest::prop_assert_eq!(
                matches!(out, Cow::Borrowed(_)),
                !value.contains(['&', '<', '>', '"', '\''])
            );
        }
    }

    #[test]
    fn header_has_no_line_breaks() {
        let h = header_value("a\r\nBcc: x@y\u{202E}", 100);
        assert!(!h.contains('\r') && !h.contains('\n'));
        assert_eq!(h, "a<U+000D><U+000A>Bcc: x@y<U+202E>");
        assert_eq!(header_value("abcdef", 3), "abc...");
    }

    proptest::proptest! {
        /// The one-pass path for plain cells writes what the general path writes.
        #[test]
        fn csv_cell_plain_path_matches_the_general_one(
            value in "[ -~]{0,40}|[=+@\\-\"\t][ -~]{0,10}|\\PC{0,20}|[a-z]{500,520}"
        ) {
            let mut fast = String::new();
            push_csv_cell(&mut fast, &value);
            let mut general = String::new();
            push_csv_cell_quoted(&mut general, &value);
            proptest::prop_assert_eq!(fast, general);
        }
    }

    #[test]
    fn csv_formula_starts() {
        for s in ["=1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            let cell = csv_cell(s);
            assert!(cell.starts_with("\"'"), "{s:?} -> {cell}");
        }
        assert_eq!(csv_cell("plain"), "\"plain\"");
    }

    #[test]
    fn json_invisible_escaped() {
        let j = serde_json::to_string("a\u{202E}b").unwrap_or_default();
        assert_eq!(escape_json_invisible(j), "\"a\\u202eb\"");
    }
}
