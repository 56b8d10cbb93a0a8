//! The service's identity and wording choices, as one TOML file.

use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result, line_of};
use crate::language::Language;
use crate::render::RenderOptions;

/// Where the recipient's `{ticket}` goes in [`NoticeConfig::verify_url`].
pub const TICKET_PLACEHOLDER: &str = "{ticket}";

/// Longest configuration file, in bytes.
pub const MAX_CONFIG_BYTES: usize = 64 * 1024;

/// Who sends the notices (`[sender]`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Sender {
    /// The service's name: From display name, signature, XARF reporter.
    pub name: String,
    /// The From address.
    pub address: String,
    /// Where replies go (Reply-To), when not the From address.
    pub reply_to: Option<String>,
    /// A phone number a recipient can call, shown in the signature.
    pub phone: Option<String>,
    /// The service's web page (`https://`), shown in the signature.
    pub website: Option<String>,
    /// The domain of Message-IDs and the XARF reporter domain.
    pub message_id_domain: String,
}

/// How notices are written (`[notices]`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NoticeConfig {
    /// The language of a recipient whose preferences name none we write;
    /// `None` leaves it to the program (its `--lang`).
    pub default_language: Option<Language>,
    /// The organisation that scanned and reported the findings the service
    /// processes (e.g. `The Shadowserver Foundation`), named in the
    /// technical part of every notice with the observation time.
    pub reporter: Option<String>,
    /// The ticket prefix (`NTC` gives `NTC-20250305-00001`).
    pub ticket_prefix: String,
    /// An `https://` URL with [`TICKET_PLACEHOLDER`], where a recipient
    /// checks that a ticket is genuine; shown in every notice.
    pub verify_url: Option<String>,
}

/// Signing of the messages (`[signing]`), OpenPGP/MIME (RFC 3156).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningConfig {
    /// Path of the ASCII-armored secret key (read by the program).
    pub key: PathBuf,
}

impl SigningConfig {
    /// Signing with the key at `key`.
    pub fn new(key: impl Into<PathBuf>) -> Self {
        Self { key: key.into() }
    }
}

/// The whole configuration file.
///
/// A notice that does not say who sent it reads like phishing. Every
/// service that sends notices (a national CERT, the DTC, a hosting
/// provider's abuse team) puts its own name, addresses, phone number, web
/// page and a way to check a notice in this file; the programs read it with
/// `--config FILE` and let flags override single values.
///
/// ```toml
/// # Every value below is an EXAMPLE: replace each one with your service's own.
/// [sender]
/// name = "Example CERT"                      # From display name and signature
/// address = "notices@example.org"            # From address
/// reply_to = "security-desk@example.org"     # Reply-To: where a person reads replies
/// phone = "+31 70 123 4567"                  # shown in every notice's signature
/// website = "https://www.example.org/notices" # shown in every notice's signature
/// # message_id_domain = "notices.example.org" # default: the domain of `address`
///
/// [notices]
/// default_language = "nl"                    # when the recipient states no language we write
///                                            # (unset: the program's --lang)
/// ticket_prefix = "NTC"
/// reporter = "The Shadowserver Foundation"   # who scanned: named in the technical part
/// # where a recipient checks that a ticket is genuine; {ticket} is replaced
/// verify_url = "https://www.example.org/verify?ticket={ticket}"
///
/// [signing]                                  # optional: OpenPGP/MIME (RFC 3156)
/// key = "/etc/notify/signing-key.asc"        # armored secret key, not passphrase-protected
/// ```
///
/// [`Config::from_toml`] validates everything and reports each mistake with
/// the file and line; [`Config::example`] is the configuration above, whose
/// values say they are examples (a service must not send with them).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// `[sender]`.
    pub sender: Sender,
    /// `[notices]`.
    pub notices: NoticeConfig,
    /// `[signing]`, when messages are signed.
    pub signing: Option<SigningConfig>,
}

/// The example configuration, as a file ([`Config`]'s docs show it too).
pub const EXAMPLE_TOML: &str = r#"# Every value in this file is an EXAMPLE: replace each one with your service's own.
[sender]
name = "Example CERT (example configuration)"
address = "notices@example.org"
reply_to = "security-desk@example.org"
phone = "+31 70 123 4567 (example)"
website = "https://www.example.org/notices"

[notices]
ticket_prefix = "NTC"
verify_url = "https://www.example.org/verify?ticket={ticket}"
reporter = "Example Scanning Project (example)"
"#;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    sender: Spanned<RawSender>,
    #[serde(default)]
    notices: Option<RawNotices>,
    #[serde(default)]
    signing: Option<RawSigning>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSender {
    name: Spanned<String>,
    address: Spanned<String>,
    #[serde(default)]
    reply_to: Option<Spanned<String>>,
    #[serde(default)]
    phone: Option<Spanned<String>>,
    #[serde(default)]
    website: Option<Spanned<String>>,
    #[serde(default)]
    message_id_domain: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotices {
    #[serde(default)]
    default_language: Option<Spanned<String>>,
    #[serde(default)]
    ticket_prefix: Option<Spanned<String>>,
    #[serde(default)]
    verify_url: Option<Spanned<String>>,
    #[serde(default)]
    reporter: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSigning {
    key: Spanned<String>,
}

impl Config {
    /// The example configuration ([`EXAMPLE_TOML`]): every value says it is
    /// an example.
    ///
    /// # Errors
    /// Only if [`EXAMPLE_TOML`] were edited into an invalid state (a test
    /// loads it).
    pub fn example() -> Result<Config> {
        Config::from_toml("notify.example.toml", EXAMPLE_TOML)
    }

    /// True when the sender is still the example's (`example.org` address
    /// or a name that says `example`): programs warn before sending.
    pub fn is_example(&self) -> bool {
        self.sender
            .address
            .to_ascii_lowercase()
            .ends_with("example.org")
            || self.sender.name.to_ascii_lowercase().contains("example")
    }

    /// Reads and validates a configuration file's text; `file` names it in
    /// errors.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) with the line for invalid TOML, unknown keys and
    /// unusable values (a name with control characters, an address that is
    /// not one, a URL that is not `https://`, a verify URL without
    /// `{ticket}`, a language other than `nl`/`en`); [`ErrorKind::TooLarge`](crate::ErrorKind::TooLarge)
    /// for a file over [`MAX_CONFIG_BYTES`].
    pub fn from_toml(file: &str, source: &str) -> Result<Config> {
        if source.len() > MAX_CONFIG_BYTES {
            return Err(Error::too_large(
                file.to_string(),
                MAX_CONFIG_BYTES,
                source.len(),
            ));
        }
        let raw: RawConfig = toml::from_str(source).map_err(|e| {
            Error::config(
                file.to_string(),
                e.span().map_or(0, |s| line_of(source, s.start)),
                e.message().trim().to_string(),
            )
        })?;
        let err = |span: std::ops::Range<usize>, message: String| {
            Error::config(file.to_string(), line_of(source, span.start), message)
        };
        let s = raw.sender.get_ref();
        let name = s.name.get_ref().trim();
        if name.is_empty()
            || name.chars().count() > 100
            || name.chars().any(crate::inert::is_invisible)
        {
            return Err(err(
                s.name.span(),
                "sender.name must be 1 to 100 characters without control characters".into(),
            ));
        }
        let address = s.address.get_ref().trim();
        if !crate::aggregate::is_usable_address(address) {
            return Err(err(
                s.address.span(),
                format!(
                    "sender.address `{}` is not an address",
                    address.escape_debug()
                ),
            ));
        }
        let reply_to = match &s.reply_to {
            Some(r) if !crate::aggregate::is_usable_address(r.get_ref().trim()) => {
                return Err(err(
                    r.span(),
                    format!(
                        "sender.reply_to `{}` is not an address",
                        r.get_ref().escape_debug()
                    ),
                ));
            }
            Some(r) => Some(r.get_ref().trim().to_string()),
            None => None,
        };
        let phone = match &s.phone {
            Some(p) => {
                let v = p.get_ref().trim();
                if v.is_empty()
                    || v.chars().count() > 40
                    || v.chars().any(crate::inert::is_invisible)
                    || !v.chars().any(|c| c.is_ascii_digit())
                {
                    return Err(err(
                        p.span(),
                        "sender.phone must be 1 to 40 characters with digits, no control characters"
                            .into(),
                    ));
                }
                Some(v.to_string())
            }
            None => None,
        };
        let website = match &s.website {
            Some(w) => Some(
                check_https(w.get_ref(), false)
                    .map_err(|m| err(w.span(), format!("sender.website {m}")))?,
            ),
            None => None,
        };
        let message_id_domain = match &s.message_id_domain {
            Some(d) => {
                let v = d.get_ref().trim();
                if !crate::inert::is_host_name(v) {
                    return Err(err(
                        d.span(),
                        format!(
                            "sender.message_id_domain `{}` is not a host name",
                            v.escape_debug()
                        ),
                    ));
                }
                v.to_string()
            }
            None => address
                .rsplit_once('@')
                .map(|(_, d)| d.to_string())
                .unwrap_or_default(),
        };
        let mut notices = NoticeConfig {
            default_language: None,
            reporter: None,
            ticket_prefix: "NTC".to_string(),
            verify_url: None,
        };
        if let Some(n) = &raw.notices {
            if let Some(l) = &n.default_language {
                notices.default_language = match l.get_ref().trim() {
                    "nl" => Some(Language::Nl),
                    "en" => Some(Language::En),
                    other => {
                        return Err(err(
                            l.span(),
                            format!(
                                "notices.default_language `{}` is not nl or en",
                                other.escape_debug()
                            ),
                        ));
                    }
                };
            }
            if let Some(p) = &n.ticket_prefix {
                let v = p.get_ref();
                if v.is_empty()
                    || v.chars().count() > crate::limits::MAX_TICKET_PREFIX_CHARS
                    || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                {
                    return Err(err(
                        p.span(),
                        format!(
                            "notices.ticket_prefix `{}` must be 1 to {} of A-Z a-z 0-9 -",
                            v.escape_debug(),
                            crate::limits::MAX_TICKET_PREFIX_CHARS
                        ),
                    ));
                }
                notices.ticket_prefix = v.clone();
            }
            if let Some(p) = &n.reporter {
                let v = p.get_ref().trim();
                if v.is_empty()
                    || v.chars().count() > 100
                    || v.chars().any(crate::inert::is_invisible)
                {
                    return Err(err(
                        p.span(),
                        "notices.reporter must be 1 to 100 characters without control characters"
                            .into(),
                    ));
                }
                notices.reporter = Some(v.to_string());
            }
            if let Some(u) = &n.verify_url {
                notices.verify_url = Some(
                    check_https(u.get_ref(), true)
                        .map_err(|m| err(u.span(), format!("notices.verify_url {m}")))?,
                );
            }
        }
        let signing = match &raw.signing {
            Some(sg) => {
                let v = sg.key.get_ref().trim();
                if v.is_empty() {
                    return Err(err(sg.key.span(), "signing.key is empty".into()));
                }
                Some(SigningConfig {
                    key: PathBuf::from(v),
                })
            }
            None => None,
        };
        Ok(Config {
            sender: Sender {
                name: name.to_string(),
                address: address.to_string(),
                reply_to,
                phone,
                website,
                message_id_domain,
            },
            notices,
            signing,
        })
    }

    /// The renderer's options: the sender, its contact details and the
    /// verify URL.
    pub fn render_options(&self) -> RenderOptions {
        let s = &self.sender;
        let mut o = RenderOptions::new(&s.name, &s.address, &s.message_id_domain);
        o.reply_to = s.reply_to.clone();
        o.phone = s.phone.clone();
        o.website = s.website.clone();
        o.verify_url = self.notices.verify_url.clone();
        o.reporter = self.notices.reporter.clone();
        o
    }

    /// The aggregation options: ticket prefix and the default language
    /// (the configuration's, else `fallback`, e.g. the program's `--lang`),
    /// the rest as [`crate::AggregateOptions::default`].
    pub fn aggregate_options(&self, fallback: Language) -> crate::AggregateOptions {
        crate::AggregateOptions::default()
            .with_ticket_prefix(self.notices.ticket_prefix.clone())
            .with_default_language(self.notices.default_language.unwrap_or(fallback))
    }
}

/// An `https://` URL of at most 200 characters without spaces, quotes or
/// angle brackets; with `ticket`, holding [`TICKET_PLACEHOLDER`] exactly once.
pub(crate) fn check_https(url: &str, ticket: bool) -> std::result::Result<String, String> {
    let url = url.trim();
    let host = url
        .strip_prefix("https://")
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""))
        .unwrap_or("");
    if !crate::inert::is_host_name(host.split(':').next().unwrap_or(""))
        || url.chars().count() > 200
        || url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\''))
    {
        return Err(format!(
            "`{}` must be an https:// URL with a host name, without spaces or quotes, at most 200 characters",
            url.escape_debug()
        ));
    }
    if ticket && url.matches(TICKET_PLACEHOLDER).count() != 1 {
        return Err(format!(
            "`{}` must hold {TICKET_PLACEHOLDER} once",
            url.escape_debug()
        ));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn example_loads_and_says_it_is_one() {
        let c = Config::example();
        assert!(matches!(&c, Ok(c) if c.is_example()), "{c:?}");
    }

    #[test]
    fn mistakes_name_their_line() {
        let src = "[sender]\nname = \"CERT\"\naddress = \"not an address\"\n";
        match Config::from_toml("c.toml", src) {
            Err(e) if matches!(e.kind(), ErrorKind::Config { .. }) => {
                assert_eq!((e.source_name(), e.line()), ("c.toml", 3), "{e}");
            }
            other => panic!("{other:?}"),
        }
        let src = "[sender]\nname = \"CERT\"\naddress = \"a@b.nl\"\n[notices]\nverify_url = \"https://x.nl/v\"\n";
        assert!(matches!(
            Config::from_toml("c.toml", src).map_err(|e| (e.line(), e.into_kind())),
            Err((5, ErrorKind::Config { .. }))
        ));
        let src = "[sender]\nname = \"CERT\"\naddress = \"a@b.nl\"\ncolour = 1\n";
        assert!(matches!(
            Config::from_toml("c.toml", src).map_err(|e| (e.line(), e.into_kind())),
            Err((4, ErrorKind::Config { .. }))
        ));
    }

    #[test]
    fn size_cap_just_under_and_over() {
        let base = "[sender]\nname = \"CERT\"\naddress = \"a@b.nl\"\n";
        let pad = |n: usize| format!("{base}{}", "#".repeat(n - base.len()));
        assert!(Config::from_toml("c", &pad(MAX_CONFIG_BYTES)).is_ok());
        assert!(matches!(
            Config::from_toml("c", &pad(MAX_CONFIG_BYTES + 1)).map_err(Error::into_kind),
            Err(ErrorKind::TooLarge { max: MAX_CONFIG_BYTES, len, .. }) if len == MAX_CONFIG_BYTES + 1
        ));
    }
}
