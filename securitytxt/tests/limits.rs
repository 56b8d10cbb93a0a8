//! Each cap, just under and just over.

mod common;

use common::{VALID, check, summary};
use securitytxt::limits::{MAX_FIELDS, MAX_FILE_SIZE, MAX_LINE_LENGTH, MAX_LINES};
use securitytxt::{Code, Error};

fn has(input: &[u8], code: Code) -> bool {
    check(input).iter().any(|d| d.code == code)
}

#[test]
fn file_size() {
    let mut input = VALID.as_bytes().to_vec();
    // fill with comment lines up to exactly the cap
    while input.len() < MAX_FILE_SIZE {
        let room = MAX_FILE_SIZE - input.len();
        let n = room.min(500);
        if n >= 3 {
            input.push(b'#');
            input.extend(std::iter::repeat_n(b'x', n - 2));
            input.push(b'\n');
        } else {
            input.extend(std::iter::repeat_n(b'\n', n));
        }
    }
    assert_eq!(input.len(), MAX_FILE_SIZE);
    let under = securitytxt::parse(&input);
    assert!(under.is_ok());
    assert!(!has(&input, Code::TooLarge));
    input.push(b'\n');
    assert_eq!(
        securitytxt::parse(&input).unwrap_err(),
        Error::TooLarge {
            max: MAX_FILE_SIZE,
            len: MAX_FILE_SIZE + 1
        }
    );
    let diags = check(&input);
    assert_eq!(
        summary(&diags),
        [("too_large", securitytxt::Severity::Error, None)]
    );
}

#[test]
fn line_length() {
    let just = format!("{VALID}# {}\n", "x".repeat(MAX_LINE_LENGTH - 2));
    assert!(!has(just.as_bytes(), Code::LineTooLong));
    let over = format!("{VALID}# {}\n", "x".repeat(MAX_LINE_LENGTH - 1));
    let diags = check(over.as_bytes());
    let d = diags.iter().find(|d| d.code == Code::LineTooLong).unwrap();
    assert_eq!(d.line(), Some(4));
    // The message states the real length.
    let len = (MAX_LINE_LENGTH + 1).to_string();
    assert!(d.message.contains(&len), "{}", d.message);
    // RFC 9116 section 5.4: a field of 2,048 characters, even of four-byte UTF-8, is read.
    let wide = format!("{VALID}# {}\n", "\u{1F512}".repeat(2046));
    assert!(wide.lines().nth(3).unwrap().chars().count() == 2048);
    assert!(!has(wide.as_bytes(), Code::LineTooLong));
    // the CRLF does not count
    let crlf = format!("{VALID}# {}\r\n", "x".repeat(MAX_LINE_LENGTH - 2));
    assert!(!has(crlf.as_bytes(), Code::LineTooLong));
}

#[test]
fn line_count() {
    let lines = |n: usize| format!("{VALID}{}", "\n".repeat(n - 3));
    assert!(!has(lines(MAX_LINES).as_bytes(), Code::TooManyLines));
    let diags = check(lines(MAX_LINES + 1).as_bytes());
    let d = diags.iter().find(|d| d.code == Code::TooManyLines).unwrap();
    assert_eq!(d.line(), Some(MAX_LINES as u32 + 1));
    // The message states the real number of lines, not the cap.
    let far_over = check(lines(MAX_LINES + 1234).as_bytes());
    let d = far_over
        .iter()
        .find(|d| d.code == Code::TooManyLines)
        .unwrap();
    let total = (MAX_LINES + 1234).to_string();
    assert!(d.message.contains(&total), "{}", d.message);
    let over = lines(MAX_LINES + 1);
    let doc = securitytxt::parse(over.as_bytes()).unwrap();
    assert_eq!(doc.lines().len(), MAX_LINES);
}

#[test]
fn field_count() {
    let fields = |n: usize| format!("{VALID}{}", "X-Field: 1\n".repeat(n - 3));
    let under_input = fields(MAX_FIELDS);
    let under = securitytxt::parse(under_input.as_bytes()).unwrap();
    assert_eq!(under.fields().count(), MAX_FIELDS);
    assert!(!has(fields(MAX_FIELDS).as_bytes(), Code::TooManyFields));
    let over_input = fields(MAX_FIELDS + 1);
    let over = securitytxt::parse(over_input.as_bytes()).unwrap();
    assert_eq!(over.fields().count(), MAX_FIELDS);
    let diags = check(over_input.as_bytes());
    let d = diags
        .iter()
        .find(|d| d.code == Code::TooManyFields)
        .unwrap();
    assert_eq!(d.line(), Some(MAX_FIELDS as u32 + 1));
}
