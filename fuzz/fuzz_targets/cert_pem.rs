//! Certificate evidence from PEM text (CERTIFICATE blocks among other text and blocks), with a
//! fixed `now` and no trust anchors; also `CertChain::parse`, which must pick PEM for any input
//! holding `-----BEGIN` and read it exactly as `from_pem` does.
//!
//! Asserts (see `notify_fuzz::check_certificate`): errors point into the input; every entry
//! starts at a `-----BEGIN ` line, in order; the analysis without anchors is untrusted and
//! consistent with `now`, the dates and its facts.
#![no_main]

use ip_attribution::CertChain;
use libfuzzer_sys::fuzz_target;
use notify_fuzz::check_certificate;

fuzz_target!(|data: &[u8]| {
    let chain = CertChain::from_pem(data, "fuzz.pem");
    if data.windows(10).any(|w| w == b"-----BEGIN") {
        let parsed = CertChain::parse(data, "fuzz.pem");
        assert_eq!(
            parsed.as_ref().map_err(ToString::to_string),
            chain.as_ref().map_err(ToString::to_string)
        );
    }
    check_certificate(data, chain, true);
});
