//! Fixtures shared by the integration tests. Every hostile string here is
//! constructed for these tests (modelled on Shadowserver-style rows).
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use notice_render::{Finding, Recipient, RenderOptions, Renderer};

/// The hostile certificate name of the shared corpus' scan_rdp row 3, rebuilt here.
pub(crate) const HOSTILE_CN: &str = "<img src=x onerror=alert(1)>\"evil\"&\u{202E}txt.exe";

pub(crate) fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("valid date")
}

pub(crate) fn now() -> DateTime<Utc> {
    at(2025, 3, 5, 8, 0, 0)
}

pub(crate) fn options() -> RenderOptions {
    RenderOptions::new("Example CERT", "cert@example.org", "notices.example.org")
        .with_reply_to("abuse-desk@example.org")
}

pub(crate) fn renderer() -> Renderer {
    Renderer::embedded(options()).expect("built-in catalogue and templates are valid")
}

pub(crate) fn hostile_rdp() -> Finding {
    Finding::new("203.0.113.5", "scan_rdp", at(2025, 3, 4, 1, 13, 2))
        .with_port(3389)
        .with_protocol("tcp")
        .with_asset("host-5.dsl.example.net\r\nBcc: victim@example.com")
        .with_tag("rdp")
        .with_source("scan_rdp.csv", 4)
        .with_extra("subject_common_name", HOSTILE_CN)
        .with_extra("issuer_common_name", "=cmd|' /C calc'!A0")
        .with_extra("http_url", "http://evil.example.net/x?<script>")
}

pub(crate) fn recipient(lang: &str) -> Recipient {
    Recipient::new("security@example.nl")
        .with_organisation("Voorbeeld B.V.")
        .with_languages([lang])
        .with_via("securitytxt")
}

/// The headers of a message (unfolded), up to the first empty line.
pub(crate) fn headers(mime: &str) -> Vec<(String, String)> {
    let head = mime.split("\r\n\r\n").next().unwrap_or("");
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some(last) = out.last_mut() {
                last.1.push_str(line);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.to_string(), v.trim().to_string()));
        }
    }
    out
}

pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Decodes a quoted-printable body.
pub(crate) fn decode_qp(body: &str) -> Vec<u8> {
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes.get(i + 1..i + 3) == Some(b"\r\n") => i += 3,
            b'=' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).expect("qp hex"));
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Decodes a base64 body (line breaks ignored).
pub(crate) fn decode_base64(body: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in body.bytes() {
        let Some(v) = alphabet.iter().position(|a| *a == c) else {
            continue;
        };
        bits = (bits << 6) | v as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// The parts of a multipart body: (headers, decoded body) for each.
pub(crate) fn parts(body: &str, boundary: &str) -> Vec<(Vec<(String, String)>, String)> {
    let delimiter = format!("--{boundary}");
    let mut out = Vec::new();
    let Some((_, rest)) = body.split_once(&delimiter) else {
        return out;
    };
    let end = format!("{delimiter}--");
    let rest = rest.split(&end).next().unwrap_or("");
    for raw in rest.split(&delimiter) {
        let raw = raw.trim_start_matches("\r\n");
        let Some((head, content)) = raw.split_once("\r\n\r\n") else {
            continue;
        };
        let hs = headers(&format!("{head}\r\n\r\n"));
        let content = content.strip_suffix("\r\n").unwrap_or(content);
        let decoded = match header(&hs, "Content-Transfer-Encoding") {
            Some(e) if e.eq_ignore_ascii_case("quoted-printable") => {
                String::from_utf8(decode_qp(content)).expect("utf-8")
            }
            Some(e) if e.eq_ignore_ascii_case("base64") => {
                String::from_utf8(decode_base64(content)).expect("utf-8")
            }
            _ => content.to_string(),
        };
        out.push((hs, decoded));
    }
    out
}

pub(crate) fn boundary_of(content_type: &str) -> String {
    content_type
        .split("boundary=")
        .nth(1)
        .map(|b| {
            b.trim_matches('"')
                .split('"')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .expect("boundary")
}
