//! Delivery over SMTP (feature `smtp`): lettre's SMTP client on rustls (ring), driven one
//! command at a time so that every answer is known with the phase it came in
//! ([`SmtpAnswer`]); [`super::after_answer`] turns it into a state change.
//!
//! - `smtp://host[:port]` (default port 25): STARTTLS when the server offers it (the
//!   certificate is checked; a server that offers it and fails the check is not used in
//!   clear); `smtps://host[:port]` (default 465): implicit TLS.
//! - `smtp://user@host`: AUTH PLAIN or LOGIN with the password given in
//!   [`MailerOptions::password`] (the programs take it from `NOTIFY_SMTP_PASSWORD`), only over
//!   TLS.
//! - Trust: the public roots (webpki-roots) and any extra PEM anchors (a test CA).
//! - One connection is kept for as many messages as the server takes; after a refusal the
//!   transaction is reset (`RSET`), after a fault the connection is dropped and the next
//!   message opens a new one. Every read and write has [`MailerOptions::timeout`].

use std::time::Duration;

use lettre::Address;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{
    Certificate, CertificateStore, SmtpConnection, TlsParameters,
};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};

use super::delivery::{Phase, SmtpAnswer};
use crate::{Error, Result};

/// A parsed `smtp://` or `smtps://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SmtpUrl {
    /// `smtps://`: TLS from the first byte.
    pub implicit_tls: bool,
    /// Host name or address (IPv6 without brackets).
    pub host: String,
    /// Port.
    pub port: u16,
    /// The user to authenticate as (`user@` in the URL, percent-decoded).
    pub user: Option<String>,
}

impl SmtpUrl {
    /// Parses `smtp://[user@]host[:port][/]` or `smtps://...`.
    ///
    /// # Errors
    /// [`ErrorKind::Smtp`](crate::ErrorKind::Smtp) naming what is wrong (scheme, host, port, a password in the URL, a path).
    pub fn parse(url: &str) -> Result<Self> {
        let bad = |m: &str| Error::smtp(format!("URL {url:?}: {m}"));
        let (implicit_tls, rest) = if let Some(r) = url.strip_prefix("smtps://") {
            (true, r)
        } else if let Some(r) = url.strip_prefix("smtp://") {
            (false, r)
        } else {
            return Err(bad("expected smtp://host:port or smtps://host:port"));
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#']) {
            return Err(bad("no path, query or fragment expected"));
        }
        let (user, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => {
                if u.contains(':') {
                    return Err(bad(
                        "a password does not go in the URL; set NOTIFY_SMTP_PASSWORD",
                    ));
                }
                if u.is_empty() {
                    return Err(bad("empty user name"));
                }
                (
                    Some(percent_decode(u).ok_or_else(|| bad("bad %-escape in the user"))?),
                    h,
                )
            }
            None => (None, rest),
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6.split_once(']').ok_or_else(|| bad("unclosed ["))?;
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => return Err(bad("text after ]")),
            };
            (h.to_string(), port)
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (hostport.to_string(), None),
            }
        };
        if host.is_empty()
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'_'))
        {
            return Err(bad("no usable host"));
        }
        let port = match port {
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => return Err(bad(&format!("port {p:?} is not 1-65535"))),
            },
            None if implicit_tls => 465,
            None => 25,
        };
        Ok(Self {
            implicit_tls,
            host,
            port,
            user,
        })
    }
}

/// Checks that `address` can be used as an envelope address (`local@domain`).
///
/// # Errors
/// [`ErrorKind::Smtp`](crate::ErrorKind::Smtp) saying why it cannot.
pub fn check_address(address: &str) -> Result<()> {
    address
        .parse::<Address>()
        .map(|_| ())
        .map_err(|e| Error::smtp(format!("{address:?} is not a usable e-mail address: {e}")))
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// How to reach the server.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MailerOptions {
    /// The server.
    pub url: SmtpUrl,
    /// The password for [`SmtpUrl::user`].
    pub password: Option<String>,
    /// Extra trust anchors, PEM (e.g. a test CA).
    pub extra_roots_pem: Option<Vec<u8>>,
    /// Timeout for connecting and for every read and write (default 30 s).
    pub timeout: Duration,
    /// The name given in EHLO (default `localhost`).
    pub hello: String,
}

impl MailerOptions {
    /// Options for `url` with the defaults.
    pub fn new(url: SmtpUrl) -> Self {
        Self {
            url,
            password: None,
            extra_roots_pem: None,
            timeout: Duration::from_secs(30),
            hello: "localhost".into(),
        }
    }

    /// Sets the password.
    pub fn with_password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Adds trust anchors (PEM).
    pub fn with_extra_roots_pem(mut self, pem: Vec<u8>) -> Self {
        self.extra_roots_pem = Some(pem);
        self
    }

    /// Sets the timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// An SMTP client that keeps one connection open across messages; see the
/// [module docs](self).
pub struct Mailer {
    options: MailerOptions,
    tls: TlsParameters,
    conn: Option<SmtpConnection>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("url", &self.options.url)
            .field("connected", &self.conn.is_some())
            .finish()
    }
}

fn answer(phase: Phase, e: &lettre::transport::smtp::Error) -> SmtpAnswer {
    match e.status() {
        Some(code) => SmtpAnswer::Refused {
            phase,
            code: code.to_string().parse().unwrap_or(0),
            reply: e.to_string(),
        },
        None => SmtpAnswer::NoAnswer {
            phase,
            reason: if e.is_timeout() {
                format!("timed out: {e}")
            } else {
                e.to_string()
            },
        },
    }
}

impl Mailer {
    /// A mailer (no connection is made yet).
    ///
    /// # Errors
    /// [`ErrorKind::Smtp`](crate::ErrorKind::Smtp) when the extra trust anchors are not PEM certificates, or a user is
    /// given without a password.
    pub fn new(options: MailerOptions) -> Result<Self> {
        if options.url.user.is_some() && options.password.is_none() {
            return Err(Error::smtp(
                "the URL names a user but no password was given (NOTIFY_SMTP_PASSWORD)",
            ));
        }
        let mut b = TlsParameters::builder(options.url.host.clone())
            .certificate_store(CertificateStore::Default);
        if let Some(pem) = &options.extra_roots_pem {
            let cert = Certificate::from_pem(pem)
                .map_err(|e| Error::smtp(format!("trust anchors: {e}")))?;
            b = b.add_root_certificate(cert);
        }
        let tls = b
            .build_rustls()
            .map_err(|e| Error::smtp(format!("TLS: {e}")))?;
        Ok(Self {
            options,
            tls,
            conn: None,
        })
    }

    fn hello(&self) -> ClientId {
        ClientId::Domain(self.options.hello.clone())
    }

    fn connect(&mut self) -> std::result::Result<SmtpConnection, SmtpAnswer> {
        let url = &self.options.url;
        let hello = self.hello();
        let implicit = url.implicit_tls.then_some(&self.tls);
        let mut conn = SmtpConnection::connect(
            (url.host.as_str(), url.port),
            Some(self.options.timeout),
            &hello,
            implicit,
            None,
        )
        .map_err(|e| answer(Phase::Connect, &e))?;
        if !url.implicit_tls && conn.can_starttls() {
            conn.starttls(&self.tls, &hello)
                .map_err(|e| answer(Phase::Connect, &e))?;
        }
        if let (Some(user), Some(pass)) = (&url.user, &self.options.password) {
            if !conn.is_encrypted() {
                conn.abort();
                return Err(SmtpAnswer::NoAnswer {
                    phase: Phase::Connect,
                    reason: "the server offers no TLS; the password is not sent in clear".into(),
                });
            }
            conn.auth(
                &[Mechanism::Plain, Mechanism::Login],
                &Credentials::new(user.clone(), pass.clone()),
            )
            .map_err(|e| answer(Phase::Auth, &e))?;
        }
        Ok(conn)
    }

    /// Sends `message` from the envelope sender `from` to `to`. Never fails: every outcome is
    /// an [`SmtpAnswer`].
    pub fn send(&mut self, from: &str, to: &str, message: &[u8]) -> SmtpAnswer {
        let from_addr = match from.parse::<Address>() {
            Ok(a) => a,
            Err(e) => {
                return SmtpAnswer::Refused {
                    phase: Phase::Mail,
                    code: 0,
                    reply: format!("unusable envelope sender {from:?}: {e}"),
                };
            }
        };
        let to_addr = match to.trim().parse::<Address>() {
            Ok(a) => a,
            Err(e) => {
                return SmtpAnswer::Refused {
                    phase: Phase::Rcpt,
                    code: 553,
                    reply: format!("unusable recipient address {to:?}: {e}"),
                };
            }
        };
        let mut conn = match self.conn.take() {
            Some(c) if !c.has_broken() => c,
            _ => match self.connect() {
                Ok(c) => c,
                Err(a) => return a,
            },
        };
        let mut params = Vec::new();
        if !message.is_ascii() && conn.server_info().supports_feature(Extension::EightBitMime) {
            params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        if let Err(e) = conn.command(Mail::new(Some(from_addr), params)) {
            return self.after_error(conn, Phase::Mail, &e);
        }
        if let Err(e) = conn.command(Rcpt::new(to_addr, vec![])) {
            return self.after_error(conn, Phase::Rcpt, &e);
        }
        if let Err(e) = conn.command(Data) {
            return self.after_error(conn, Phase::Data, &e);
        }
        match conn.message(message) {
            Ok(r) => {
                let reply = format!("{} {}", r.code(), r.message().collect::<Vec<_>>().join(" "));
                self.conn = Some(conn);
                SmtpAnswer::Accepted {
                    reply: reply.trim().to_string(),
                }
            }
            Err(e) => self.after_error(conn, Phase::Data, &e),
        }
    }

    fn after_error(
        &mut self,
        mut conn: SmtpConnection,
        phase: Phase,
        e: &lettre::transport::smtp::Error,
    ) -> SmtpAnswer {
        let a = answer(phase, e);
        if matches!(a, SmtpAnswer::Refused { .. }) && conn.command(Rset).is_ok() {
            self.conn = Some(conn);
        } else {
            conn.abort();
        }
        a
    }

    /// Says goodbye (`QUIT`) and closes the connection, if one is open.
    pub fn close(&mut self) {
        if let Some(mut c) = self.conn.take() {
            let _ = c.quit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = SmtpUrl::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(
            (u.implicit_tls, u.host.as_str(), u.port, u.user),
            (false, "127.0.0.1", 2525, None)
        );
        let u = SmtpUrl::parse("smtps://notify%40cert@mail.example.nl/").unwrap();
        assert_eq!(
            (u.implicit_tls, u.port, u.user.as_deref()),
            (true, 465, Some("notify@cert"))
        );
        let u = SmtpUrl::parse("smtp://[::1]:25").unwrap();
        assert_eq!(u.host, "::1");
        for bad in [
            "http://x",
            "smtp://",
            "smtp://host:0",
            "smtp://host:99999",
            "smtp://u:pw@host",
            "smtp://host/path",
            "smtp://ho st",
        ] {
            assert!(SmtpUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
