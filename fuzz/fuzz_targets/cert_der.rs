//! Certificate evidence from DER bytes (one or more certificates back to back), with a fixed
//! `now` and no trust anchors.
//!
//! Asserts (see `notify_fuzz::check_certificate`): errors point into the input; entries are the
//! input's own bytes, in order, covering it; the analysis is never trusted without anchors,
//! its validity agrees with `now` and the dates, its classes agree with its facts (one
//! validation level, self-signed, expired, wildcard), names are lowercase and de-duplicated.
#![no_main]

use ip_attribution::CertChain;
use libfuzzer_sys::fuzz_target;
use notify_fuzz::check_certificate;

fuzz_target!(|data: &[u8]| {
    check_certificate(data, CertChain::from_der(data, "fuzz.der"), false);
});
