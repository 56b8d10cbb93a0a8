//! The attribute level of RPSL: one object's lines into `name: value` attributes.
//!
//! Continuation lines (starting with space, tab or `+`) extend the previous attribute's value
//! (joined with one space; a `+` line alone adds nothing). End-of-line `#` comments are removed,
//! full `#` comment lines inside an object are skipped, `\r\n` line ends are accepted, and each
//! value is decoded as UTF-8, or as Latin-1 when it is not valid UTF-8.

use std::borrow::Cow;

use nom::bytes::complete::{tag, take_while1};
use nom::{IResult, Parser};

use super::limits::MAX_VALUE_BYTES;
use crate::{Error, ErrorKind};

/// One attribute of an object, borrowed from the object's bytes where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RpslAttribute<'a> {
    /// Attribute name as written (`inetnum`, `abuse-c`, ARIN's `NetRange`).
    pub name: &'a str,
    /// Value without the end-of-line comment, trimmed, continuation lines joined with a space.
    pub value: Cow<'a, str>,
    /// 1-based line of the attribute in its source.
    pub line: usize,
}

/// One object at the attribute level: its class is the name of its first attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RpslRawObject<'a> {
    /// The attributes in order; never empty.
    pub attributes: Vec<RpslAttribute<'a>>,
    /// 1-based line of the first attribute.
    pub line: usize,
}

impl<'a> RpslRawObject<'a> {
    /// The object class: the first attribute's name.
    pub fn class(&self) -> &'a str {
        self.attributes.first().map_or("", |a| a.name)
    }

    /// The primary key as written: the first attribute's value.
    pub fn key(&self) -> &str {
        self.attributes.first().map_or("", |a| a.value.as_ref())
    }

    /// Values of every attribute named `name` (ASCII case-insensitive).
    pub fn values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.attributes
            .iter()
            .filter(move |a| a.name.eq_ignore_ascii_case(name))
            .map(|a| a.value.as_ref())
    }

    /// The first value of `name`, if any.
    pub fn first<'s>(&'s self, name: &'s str) -> Option<&'s str> {
        self.values(name).next()
    }
}

type NomResult<'a, O> = IResult<&'a [u8], O, nom::error::Error<&'a [u8]>>;

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' || b == b'*'
}

/// `name:` at the start of a line; returns the rest of the line.
fn attribute_head(line: &[u8]) -> NomResult<'_, &[u8]> {
    let (rest, (name, _)) = (take_while1(is_name_byte), tag(&b":"[..])).parse(line)?;
    Ok((rest, name))
}

/// Splits a line into `(name, raw value)` when it is an attribute line.
pub(crate) fn split_attribute(line: &[u8]) -> Option<(&str, &[u8])> {
    let (rest, name) = attribute_head(line).ok()?;
    let name = std::str::from_utf8(name).ok()?;
    Some((name, rest))
}

/// Removes an end-of-line `#` comment and surrounding whitespace.
fn strip_comment(value: &[u8]) -> &[u8] {
    let cut = value.iter().position(|&b| b == b'#').unwrap_or(value.len());
    value.get(..cut).unwrap_or(value).trim_ascii()
}

/// UTF-8 when valid, else Latin-1 (every byte is one code point).
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// `part`, a slice of `whole`, as [`decode`] gives it; borrowed from `text` (`whole` when it
/// is valid UTF-8, checked once for the object instead of once per value) when `part` lies in
/// it. A slice of valid UTF-8 cut at ASCII bytes, as the lexer cuts, is valid UTF-8 itself, so
/// the answer is the same as [`decode`]'s.
fn decode_part<'a>(whole: &'a [u8], text: Option<&'a str>, part: &'a [u8]) -> Cow<'a, str> {
    if let Some(text) = text {
        let start = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
        if let Some(s) = start
            .checked_add(part.len())
            .and_then(|end| text.get(start..end))
            .filter(|s| s.as_ptr() == part.as_ptr())
        {
            return Cow::Borrowed(s);
        }
    }
    decode(part)
}

/// Lines of `bytes` with `\n` or `\r\n` ends removed.
pub(crate) fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

/// Parses one object's lines (no blank or `%` lines inside; `#` lines are skipped).
///
/// `first_line` is the 1-based line of `bytes`' first line in its source. Errors:
/// [`ErrorKind::RpslSyntax`] for a line that is not an attribute or continuation,
/// [`ErrorKind::RpslValueTooLong`] over [`MAX_VALUE_BYTES`], and [`ErrorKind::RpslObject`] when the object
/// has no attribute at all.
pub fn parse_rpsl_object<'a>(
    source_name: &str,
    first_line: usize,
    bytes: &'a [u8],
) -> Result<RpslRawObject<'a>, Error> {
    let mut attributes: Vec<RpslAttribute<'a>> = Vec::with_capacity(16);
    let text = std::str::from_utf8(bytes).ok();
    for (i, line) in lines(bytes).enumerate() {
        let lineno = first_line + i;
        match line.first() {
            None | Some(b'#') | Some(b'%') => continue,
            Some(b' ' | b'\t' | b'+') => {
                let Some(last) = attributes.last_mut() else {
                    return Err(Error::new(
                        source_name.to_owned(),
                        lineno,
                        ErrorKind::RpslSyntax {
                            message: "continuation line before any attribute".to_owned(),
                        },
                    ));
                };
                let rest = line.get(1..).unwrap_or_default();
                let more = strip_comment(rest);
                if more.is_empty() {
                    continue;
                }
                let more = decode_part(bytes, text, more);
                let len = last.value.len() + 1 + more.len();
                if len > MAX_VALUE_BYTES {
                    return Err(Error::new(
                        source_name.to_owned(),
                        last.line,
                        ErrorKind::RpslValueTooLong {
                            attribute: last.name.to_owned(),
                            max: MAX_VALUE_BYTES,
                            len,
                        },
                    ));
                }
                let v = last.value.to_mut();
                if !v.is_empty() {
                    v.push(' ');
                }
                v.push_str(&more);
            }
            Some(_) => {
                let Some((name, raw)) = split_attribute(line) else {
                    let shown =
                        decode(line.get(..line.len().min(60)).unwrap_or_default()).into_owned();
                    return Err(Error::new(
                        source_name.to_owned(),
                        lineno,
                        ErrorKind::RpslSyntax {
                            message: format!("not an attribute line: {shown:?}"),
                        },
                    ));
                };
                let value = strip_comment(raw);
                if value.len() > MAX_VALUE_BYTES {
                    return Err(Error::new(
                        source_name.to_owned(),
                        lineno,
                        ErrorKind::RpslValueTooLong {
                            attribute: name.to_owned(),
                            max: MAX_VALUE_BYTES,
                            len: value.len(),
                        },
                    ));
                }
                attributes.push(RpslAttribute {
                    name,
                    value: decode_part(bytes, text, value),
                    line: lineno,
                });
            }
        }
    }
    let line = attributes.first().map_or(first_line, |a| a.line);
    if attributes.is_empty() {
        return Err(Error::new(
            source_name.to_owned(),
            line,
            ErrorKind::RpslObject {
                class: String::new(),
                message: "object without attributes".to_owned(),
            },
        ));
    }
    Ok(RpslRawObject { attributes, line })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value is read the same whether the object around it is valid UTF-8 (checked once) or
    /// not (each value on its own), and a slice from elsewhere is decoded, not borrowed.
    #[test]
    fn values_decode_the_same_with_or_without_the_whole_object_checked() {
        let utf8 = "role: Café NOC\naddress: Straße 1\n  more\nnic-hdl: X1\n".as_bytes();
        let mut latin1 = utf8.to_vec();
        latin1.extend_from_slice(b"remarks: caf\xe9\n");
        for bytes in [utf8, latin1.as_slice()] {
            let o = parse_rpsl_object("t", 1, bytes).expect("parses");
            assert_eq!(o.first("role"), Some("Café NOC"));
            assert_eq!(o.first("address"), Some("Straße 1 more"));
        }
        let o = parse_rpsl_object("t", 1, &latin1).expect("parses");
        assert_eq!(o.first("remarks"), Some("caf\u{e9}"));
        let text = std::str::from_utf8(utf8).ok();
        let elsewhere = b"role".to_vec();
        assert_eq!(decode_part(utf8, text, &elsewhere), "role");
        assert_eq!(decode_part(utf8, text, &utf8[6..15]), "Café NOC");
        assert!(matches!(
            decode_part(utf8, text, &utf8[6..15]),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn continuation_comments_latin1_crlf() {
        let text = b"role: Caf\xe9 NOC # comment\r\naddress: line one\r\n  line two\r\n+\r\n\tline three\r\n# full comment\r\nnic-hdl: X1-TEST\r\n";
        let o = parse_rpsl_object("t", 10, text).expect("parses");
        assert_eq!(o.class(), "role");
        assert_eq!(o.key(), "Caf\u{e9} NOC");
        assert_eq!(o.first("address"), Some("line one line two line three"));
        assert_eq!(o.first("NIC-HDL"), Some("X1-TEST"));
        assert_eq!(o.attributes.get(2).map(|a| a.line), Some(16));
    }

    #[test]
    fn broken_line_is_an_error_with_line() {
        let err = parse_rpsl_object(
            "f.db",
            5,
            b"inetnum: 192.0.2.0 - 192.0.2.255\nthis is broken\n",
        )
        .expect_err("broken");
        assert!(
            err.line() == 6 && matches!(err.kind(), ErrorKind::RpslSyntax { .. }),
            "{err}"
        );
        let err = parse_rpsl_object("f.db", 1, b" starts with continuation\n").expect_err("broken");
        assert!(
            err.line() == 1 && matches!(err.kind(), ErrorKind::RpslSyntax { .. }),
            "{err}"
        );
    }
}
