//! Strict RFC 3339 `date-time` for the `Expires` field, written by hand.
//!
//! chrono's own parsers accept more than RFC 3339 (a space for `T`, for example); this one
//! accepts exactly `YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)` (`T` and `Z` in either case),
//! with a leap second `:60` at minute 59, offsets up to ±23:59, and never panics or overflows.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use std::fmt;

/// Why an `Expires` value is not an RFC 3339 date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExpiresError {
    /// Byte offset in the value where the problem is.
    pub offset: usize,
    /// What is wrong, in English.
    pub reason: &'static str,
}

impl fmt::Display for ExpiresError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.reason, self.offset)
    }
}

impl std::error::Error for ExpiresError {}

fn err(offset: usize, reason: &'static str) -> ExpiresError {
    ExpiresError { offset, reason }
}

/// Reads `n` ASCII digits at `at`.
fn digits(b: &[u8], at: usize, n: usize, what: &'static str) -> Result<u32, ExpiresError> {
    let mut v: u32 = 0;
    for i in at..at + n {
        match b.get(i) {
            Some(d) if d.is_ascii_digit() => v = v * 10 + u32::from(d - b'0'),
            _ => return Err(err(i, what)),
        }
    }
    Ok(v)
}

fn expect(b: &[u8], at: usize, c: u8, what: &'static str) -> Result<(), ExpiresError> {
    if b.get(at) == Some(&c) {
        Ok(())
    } else {
        Err(err(at, what))
    }
}

/// Parses an RFC 3339 `date-time` (section 5.6) into UTC.
pub fn parse_rfc3339(s: &str) -> Result<DateTime<Utc>, ExpiresError> {
    let b = s.as_bytes();
    let year = digits(b, 0, 4, "the year must be four digits")?;
    expect(b, 4, b'-', "expected '-' after the year")?;
    let month = digits(b, 5, 2, "the month must be two digits")?;
    expect(b, 7, b'-', "expected '-' after the month")?;
    let day = digits(b, 8, 2, "the day must be two digits")?;
    match b.get(10) {
        Some(b'T' | b't') => {}
        Some(b' ') => {
            return Err(err(
                10,
                "date and time must be separated by 'T', not a space",
            ));
        }
        None => {
            return Err(err(
                10,
                "a time and time zone are required after the date (e.g. T23:59:59Z)",
            ));
        }
        Some(_) => return Err(err(10, "expected 'T' between date and time")),
    }
    let hour = digits(b, 11, 2, "the hour must be two digits")?;
    expect(b, 13, b':', "expected ':' after the hour")?;
    let minute = digits(b, 14, 2, "the minute must be two digits")?;
    expect(
        b,
        16,
        b':',
        "expected ':' after the minute (seconds are required)",
    )?;
    let second = digits(b, 17, 2, "the second must be two digits")?;
    let mut at = 19;
    let mut nanos: u32 = 0;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while let Some(d) = b.get(at).filter(|d| d.is_ascii_digit()) {
            if at - start < 9 {
                nanos = nanos * 10 + u32::from(d - b'0');
            }
            at += 1;
        }
        if at == start {
            return Err(err(at, "a digit must follow the decimal point"));
        }
        for _ in (at - start).min(9)..9 {
            nanos *= 10;
        }
    }
    let offset_secs: i64 = match b.get(at) {
        Some(b'Z' | b'z') => {
            at += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(b, at + 1, 2, "the offset hour must be two digits")?;
            expect(b, at + 3, b':', "expected ':' in the offset")?;
            let om = digits(b, at + 4, 2, "the offset minute must be two digits")?;
            if oh > 23 || om > 59 {
                return Err(err(at, "the offset must be between -23:59 and +23:59"));
            }
            let secs = i64::from(oh * 3600 + om * 60);
            at += 6;
            if sign == b'-' { -secs } else { secs }
        }
        None => {
            return Err(err(
                at,
                "a time zone is required ('Z' or an offset such as +01:00)",
            ));
        }
        Some(_) => return Err(err(at, "expected 'Z' or an offset such as +01:00")),
    };
    if at != b.len() {
        return Err(err(at, "unexpected text after the date-time"));
    }
    if !(1..=12).contains(&month) {
        return Err(err(5, "the month must be between 01 and 12"));
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or(err(8, "the day does not exist in that month"))?;
    if hour > 23 {
        return Err(err(11, "the hour must be between 00 and 23"));
    }
    if minute > 59 {
        return Err(err(14, "the minute must be between 00 and 59"));
    }
    let time = match second {
        0..=59 => date.and_hms_nano_opt(hour, minute, second, nanos),
        60 if minute == 59 => date.and_hms_nano_opt(hour, minute, 59, 1_000_000_000 + nanos),
        _ => None,
    }
    .ok_or(err(
        17,
        "the second must be between 00 and 59 (60 only for a leap second)",
    ))?;
    let utc = if offset_secs == 0 {
        time
    } else {
        time.checked_sub_signed(TimeDelta::seconds(offset_secs))
            .ok_or(err(0, "the date-time is out of range"))?
    };
    Ok(utc.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_rfc3339_forms() {
        let z = parse_rfc3339("2026-12-31T23:59:59Z").unwrap();
        assert_eq!(z.to_rfc3339(), "2026-12-31T23:59:59+00:00");
        assert_eq!(
            parse_rfc3339("2026-12-31t23:59:59.5z")
                .unwrap()
                .timestamp_subsec_millis(),
            500
        );
        assert_eq!(
            parse_rfc3339("2027-01-01T01:00:00+01:00").unwrap(),
            parse_rfc3339("2027-01-01T00:00:00Z").unwrap()
        );
        assert_eq!(
            parse_rfc3339("2026-12-31T19:00:00-05:00").unwrap(),
            parse_rfc3339("2027-01-01T00:00:00Z").unwrap()
        );
        assert!(parse_rfc3339("2016-12-31T23:59:60Z").is_ok());
        assert!(parse_rfc3339("2026-01-01T00:00:00.123456789123Z").is_ok());
        assert!(parse_rfc3339("0000-01-01T00:00:00+23:59").is_ok());
        assert!(parse_rfc3339("9999-12-31T23:59:59-23:59").is_ok());
    }

    #[test]
    fn rejects_everything_else() {
        for (s, at) in [
            ("2026-12-31 23:59:59Z", 10),
            ("2026-12-31", 10),
            ("2026-12-31T23:59Z", 16),
            ("2026-12-31T23:59:59", 19),
            ("2026-12-31T23:59:59+24:00", 19),
            ("2026-12-31T23:59:59+05:60", 19),
            ("2026-13-01T00:00:00Z", 5),
            ("2026-02-30T00:00:00Z", 8),
            ("2026-12-31T24:00:00Z", 11),
            ("2026-12-31T23:60:00Z", 14),
            ("2026-12-31T23:58:60Z", 17),
            ("99999-01-01T00:00:00Z", 4),
            ("2026-12-31T23:59:59.Z", 20),
            ("2026-12-31T23:59:59Z ", 20),
            ("Thu, 31 Dec 2026 23:59:59 +0000", 0),
            ("", 0),
        ] {
            assert_eq!(parse_rfc3339(s).unwrap_err().offset, at, "{s}");
        }
    }
}
