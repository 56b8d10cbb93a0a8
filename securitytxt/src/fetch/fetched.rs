//! What a fetch found: [`Fetched`] and its [`FetchDiagnostic`]s with stable [`FetchCode`]s.

use std::fmt;

use url::Url;

use crate::verify::Keyring;

macro_rules! fetch_codes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $severity:literal; )*) => {
        /// A stable identifier for each kind of fetch finding.
        ///
        /// [`FetchCode::as_str`] gives the snake_case name used in JSON; it never changes for a
        /// variant.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum FetchCode {
            $( $(#[$doc])* $variant, )*
        }

        impl FetchCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [FetchCode] = &[$(FetchCode::$variant),*];

            /// The stable snake_case name of this code.
            pub fn as_str(self) -> &'static str {
                match self { $(FetchCode::$variant => $name,)* }
            }

            /// The severity name, as the validator's diagnostics spell it: `"error"`,
            /// `"recommendation"` or `"notice"`.
            pub fn severity(self) -> &'static str {
                match self { $(FetchCode::$variant => $severity,)* }
            }
        }
    };
}

fetch_codes! {
    /// The domain is not a valid host name.
    InvalidDomain = "invalid_domain", "error";
    /// The host name does not resolve.
    DnsFailure = "dns_failure", "error";
    /// The host resolves only to non-public addresses and those are not allowed.
    PrivateAddress = "private_address", "error";
    /// The TCP connection failed.
    ConnectFailure = "connect_failure", "error";
    /// The connect or total timeout ran out.
    Timeout = "timeout", "error";
    /// The server's TLS certificate is not valid for the host (unknown issuer, wrong name,
    /// expired, ...).
    InvalidCert = "invalid_cert", "error";
    /// The TLS handshake failed for another reason.
    TlsFailure = "tls_failure", "error";
    /// Another HTTP-level failure (protocol error, connection closed).
    HttpFailure = "http_failure", "error";
    /// The server answered with a status other than 200 (or a redirect).
    HttpStatus = "http_status", "error";
    /// A redirect to a URL that is not `https`.
    InsecureRedirect = "insecure_redirect", "error";
    /// More redirects than allowed.
    TooManyRedirects = "too_many_redirects", "error";
    /// A redirect back to a URL already visited.
    RedirectLoop = "redirect_loop", "error";
    /// A redirect without a usable `Location` header.
    BadRedirect = "bad_redirect", "error";
    /// A redirect to another host (allowed; recorded for the `Canonical` check).
    CrossHostRedirect = "cross_host_redirect", "notice";
    /// `Content-Type` is missing or not `text/plain`.
    ContentType = "content_type", "error";
    /// `Content-Type` names a charset other than `utf-8`.
    Charset = "charset", "error";
    /// The body is larger than the body cap.
    TooLarge = "too_large", "error";
    /// A URL to fetch is not `https` (fetching a URL found in a file).
    UnsupportedUrl = "unsupported_url", "error";
    /// A fetched OpenPGP key does not parse (fetching an `Encryption` key).
    InvalidKey = "invalid_key", "error";
    /// The file was found only at the legacy location `/security.txt`, not at
    /// `/.well-known/security.txt`.
    Location = "location", "error";
}

impl FetchCode {
    /// Whether a finding of this code makes the fetch fail (severity `"error"`).
    pub fn is_error(self) -> bool {
        self.severity() == "error"
    }
}

impl fmt::Display for FetchCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding of a fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FetchDiagnostic {
    /// What kind of finding.
    pub code: FetchCode,
    /// The URL it is about, when there is one.
    pub url: Option<Url>,
    /// A sentence for a person, in English.
    pub message: String,
}

impl FetchDiagnostic {
    pub(crate) fn new(code: FetchCode, url: Option<&Url>, message: impl Into<String>) -> Self {
        Self {
            code,
            url: url.cloned(),
            message: message.into(),
        }
    }

    /// The severity name: `"error"`, `"recommendation"` or `"notice"`.
    pub fn severity(&self) -> &'static str {
        self.code.severity()
    }
}

impl fmt::Display for FetchDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.url {
            Some(url) => write!(f, "{url}: ")?,
            None => f.write_str("-: ")?,
        }
        write!(
            f,
            "{}[{}]: {}",
            self.code.severity(),
            self.code,
            self.message
        )
    }
}

/// What fetching one domain found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fetched {
    /// The domain asked for (lower-cased).
    pub domain: String,
    /// The URLs requested, in order, for the location that gave the body (or, when none did,
    /// for the last location tried): the first is `https://DOMAIN/.well-known/security.txt` or
    /// `https://DOMAIN/security.txt`, every further one the target of a redirect. The last is
    /// where the body came from: compare it with the file's `Canonical` fields.
    pub url_chain: Vec<Url>,
    /// The raw body when a server answered 200 with a body within the cap (also when the
    /// `Content-Type` was wrong: see `diagnostics`).
    pub body: Option<Vec<u8>>,
    /// The `Content-Type` header of the answer that gave the body.
    pub content_type: Option<String>,
    /// Everything found on the way.
    pub diagnostics: Vec<FetchDiagnostic>,
}

impl Fetched {
    /// The URL the body came from.
    pub fn final_url(&self) -> Option<&Url> {
        self.body.as_ref().and(self.url_chain.last())
    }

    /// Whether a body was fetched and no finding is an error.
    pub fn is_ok(&self) -> bool {
        self.body.is_some() && !self.diagnostics.iter().any(|d| d.code.is_error())
    }

    /// Whether a finding of `code` is present.
    pub fn has(&self, code: FetchCode) -> bool {
        self.diagnostics.iter().any(|d| d.code == code)
    }
}

/// What fetching an OpenPGP key ([`Fetcher::fetch_key`](super::Fetcher::fetch_key)) found.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FetchedKey {
    /// The fetch itself; a key that does not parse adds a [`FetchCode::InvalidKey`] finding.
    pub fetched: Fetched,
    /// The keys, when the body was fetched and parses.
    pub keyring: Option<Keyring>,
}
