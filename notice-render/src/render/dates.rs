//! Dates and times as the outputs write them, without chrono's format
//! strings (which parse the pattern on every call): the same text as
//! `format("%Y-%m-%d")` and friends for years 0 to 9999, chrono's own
//! formatting for any other year.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Timelike, Utc};

fn push_digits(out: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = (n / 10u32.pow(place)) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// `YYYY-MM-DDTHH:MM:SS` as ASCII digits in one buffer, for the years 0 to 9999 (a time is
/// written with one `push_str` instead of one `push` per character).
fn stamp(t: DateTime<Utc>) -> Option<[u8; 19]> {
    // the fields from the naive date and time (a `DateTime`'s own accessors convert it to
    // local time on every call), the time of day from one division chain
    let naive = t.naive_utc();
    let date = naive.date();
    let year = u32::try_from(date.year()).ok().filter(|y| *y <= 9999)?;
    let seconds = naive.time().num_seconds_from_midnight();
    let mut b = *b"0000-00-00T00:00:00";
    let mut put = |at: usize, width: usize, mut n: u32| {
        for i in (at..at + width).rev() {
            if let Some(d) = b.get_mut(i) {
                *d = b'0' + (n % 10) as u8;
            }
            n /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, date.month());
    put(8, 2, date.day());
    put(11, 2, seconds / 3600);
    put(14, 2, seconds / 60 % 60);
    put(17, 2, seconds % 60);
    Some(b)
}

/// The ASCII of [`stamp`] from `from` to `to` as text.
fn part(b: &[u8; 19], from: usize, to: usize) -> &str {
    b.get(from..to)
        .and_then(|s| std::str::from_utf8(s).ok())
        .unwrap_or_default()
}

/// `YYYY-MM-DD` appended to `out`.
pub(super) fn push_date(out: &mut String, t: DateTime<Utc>) {
    match stamp(t) {
        Some(b) => out.push_str(part(&b, 0, 10)),
        None => {
            let _ = write!(out, "{}", t.format("%Y-%m-%d"));
        }
    }
}

/// `YYYY-MM-DD`.
pub(super) fn date(t: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(10);
    push_date(&mut out, t);
    out
}

/// `YYYY-MM-DD HH:MM UTC`, as a reader sees an observation time.
pub(super) fn minute_utc(t: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(20);
    if let Some(b) = stamp(t) {
        out.push_str(part(&b, 0, 10));
        out.push(' ');
        out.push_str(part(&b, 11, 16));
        out.push_str(" UTC");
        return out;
    }
    push_date(&mut out, t);
    out.push(' ');
    push_digits(&mut out, t.hour(), 2);
    out.push(':');
    push_digits(&mut out, t.minute(), 2);
    out.push_str(" UTC");
    out
}

/// `YYYY-MM-DDTHH:MM:SSZ` appended to `out` (RFC 3339, whole seconds).
pub(super) fn push_rfc3339_seconds(out: &mut String, t: DateTime<Utc>) {
    if let Some(b) = stamp(t) {
        out.push_str(part(&b, 0, 19));
        out.push('Z');
        return;
    }
    push_date(out, t);
    out.push('T');
    push_digits(out, t.hour(), 2);
    out.push(':');
    push_digits(out, t.minute(), 2);
    out.push(':');
    push_digits(out, t.second(), 2);
    out.push('Z');
}

/// What [`DateTime::to_rfc3339`] gives for a UTC time (`YYYY-MM-DDTHH:MM:SS+00:00`),
/// written from [`stamp`] for whole seconds of the years 0 to 9999, by chrono otherwise
/// (fractions of a second, leap seconds, other years).
pub(super) fn rfc3339(t: DateTime<Utc>) -> String {
    match stamp(t) {
        Some(b) if t.nanosecond() == 0 => {
            let mut out = String::with_capacity(25);
            out.push_str(part(&b, 0, 19));
            out.push_str("+00:00");
            out
        }
        _ => t.to_rfc3339(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn same_text_as_chrono_format() {
        for (y, mo, d, h, mi, s) in [
            (2025, 3, 4, 1, 2, 9),
            (1999, 12, 31, 23, 59, 59),
            (5, 1, 1, 0, 0, 0),
            (9999, 12, 31, 0, 0, 0),
            (10000, 1, 1, 0, 0, 0),
            (-1, 1, 1, 0, 0, 0),
        ] {
            let t = Utc
                .with_ymd_and_hms(y, mo, d, h, mi, s)
                .single()
                .unwrap_or_default();
            assert_eq!(date(t), t.format("%Y-%m-%d").to_string());
            assert_eq!(minute_utc(t), t.format("%Y-%m-%d %H:%M UTC").to_string());
            let mut out = String::new();
            push_rfc3339_seconds(&mut out, t);
            assert_eq!(out, t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
    }

    proptest::proptest! {
        /// The same text as chrono's format strings for any whole-second time.
        #[test]
        fn formats_as_chrono(secs in -70_000_000_000i64..300_000_000_000) {
            if let Some(t) = DateTime::<Utc>::from_timestamp(secs, 0) {
                proptest::prop_assert_eq!(date(t), t.format("%Y-%m-%d").to_string());
                proptest::prop_assert_eq!(minute_utc(t), t.format("%Y-%m-%d %H:%M UTC").to_string());
                let mut out = String::new();
                push_rfc3339_seconds(&mut out, t);
                proptest::prop_assert_eq!(out, t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
            }
        }
    }

    proptest::proptest! {
        /// The same text as chrono's `to_rfc3339` for any time, whole seconds or not.
        #[test]
        fn rfc3339_as_chrono(secs in -70_000_000_000i64..300_000_000_000, nanos in 0u32..2_000_000_000, whole in proptest::bool::ANY) {
            let nanos = if whole { 0 } else { nanos };
            if let Some(t) = DateTime::<Utc>::from_timestamp(secs, nanos) {
                proptest::prop_assert_eq!(rfc3339(t), t.to_rfc3339());
            }
        }
    }
}
