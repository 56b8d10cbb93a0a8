//! Shared helpers for the integration tests (included with `mod common;`).
#![allow(dead_code, unreachable_pub)]

use chrono::{DateTime, TimeZone, Utc};
use securitytxt::{Diagnostic, Options, Severity};

/// The fixed time every test validates at.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap()
}

/// Parses and validates at [`now`].
pub fn check(input: impl AsRef<[u8]>) -> Vec<Diagnostic> {
    securitytxt::check(input.as_ref(), &Options::new(now()))
}

/// `(code, severity, line)` of every diagnostic.
pub fn summary(diags: &[Diagnostic]) -> Vec<(&'static str, Severity, Option<u32>)> {
    diags
        .iter()
        .map(|d| (d.code.as_str(), d.severity, d.line()))
        .collect()
}

/// A signed file around `body` (which must end in a newline), with a syntactically plausible
/// armored signature.
pub fn signed(body: &str) -> String {
    format!(
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{body}-----BEGIN PGP SIGNATURE-----\n\n\
         iQEzBAEBCgAdFiEEabcdefghijklmnopqrstuvwxyz0123456789+/\n=AbCd\n-----END PGP SIGNATURE-----\n"
    )
}

/// Fields that make a file valid (only `not_signed` remains as a recommendation).
pub const VALID: &str = "Contact: mailto:security@example.com\n\
                         Expires: 2027-06-01T00:00:00Z\n\
                         Encryption: https://example.com/pgp-key.txt\n";

/// Asserts that every span lies inside the input and that lines count from 1.
pub fn assert_spans_inside(input: &[u8], diags: &[Diagnostic]) {
    for d in diags {
        if let Some(s) = d.span {
            assert!(s.line >= 1, "{d}");
            assert!(s.column >= 1, "{d}");
            assert!(
                s.start <= s.end && s.end <= input.len(),
                "{d} ({} bytes)",
                input.len()
            );
        }
    }
}
