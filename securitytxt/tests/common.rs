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

/// A real armored signature packet (from `tests/data/signed/lf.signed.txt`: ed25519, SHA256,
/// issuer key ID F4C23C6C7D897BE3). It does not verify over other text, but its packets read.
pub const SIGNATURE_BLOCK: &str = "-----BEGIN PGP SIGNATURE-----\n\n\
iIgEARYIADAWIQQAG5ZssFTW0wxe75D0wjxsfYl74wUCaw0juRIcYUBmaXh0dXJl\n\
LmV4YW1wbGUACgkQ9MI8bH2Je+P6SAD7BDhcWm2KwftnyedtqfwrQ93a0otvHZqf\n\
lhc8sl58JToBAOLh4g4dL3om4NC5yciBMvXqYR5ypQ5lZ1291QozdcEC\n\
=Ergz\n\
-----END PGP SIGNATURE-----\n";

/// A signed file around `body` (which must end in a newline), with a well-formed armored
/// signature ([`SIGNATURE_BLOCK`]) that does not verify over `body`.
pub fn signed(body: &str) -> String {
    format!("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n{body}{SIGNATURE_BLOCK}")
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
