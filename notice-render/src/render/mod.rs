//! Turning a [`Notice`] into what is sent: subject, plain text, HTML, CSV,
//! JSON, XARF and the MIME message.
//!
//! A [`Renderer`] holds the catalogue, the compiled templates and the
//! sender's details; build it once and render many notices with it.
//! Templates are minijinja templates with strict undefined (a misspelt
//! variable is an error, found when the renderer is built, since
//! [`Renderer::new`] renders a sample notice in every language).
//! What business and abuse-desk notices share is written once per language
//! and format, in partials the notice templates include: the problems with
//! their findings and advice ([`PARTIAL_NAMES`]), and the frame around the
//! notice ([`FRAME_NAMES`]: the HTML head; "Questions?", "is this message
//! genuine?", the signature and the closing tags). [`Templates`] holds and
//! replaces partials like the templates, and a directory without them keeps
//! the built-in ones.
//!
//! Every value from a finding or recipient passes through [`crate::inert`]
//! before it reaches an output.

mod context;
mod csv;
mod dates;
mod html;
mod json;
mod mime;
#[cfg(feature = "openpgp")]
mod sign;
mod text;
mod xarf;

#[cfg(feature = "openpgp")]
#[cfg_attr(docsrs, doc(cfg(feature = "openpgp")))]
pub use sign::{MAX_KEY_BYTES, Signer};

use std::path::Path;

use chrono::{DateTime, Utc};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::aggregate::Notice;
use crate::catalogue::{Catalogue, NoticeKind};
use crate::error::{Error, Result};
use crate::language::Language;
use crate::limits::MAX_SOURCE_BYTES;

pub use text::wrap;

/// The names of the templates; [`Templates`] has one source for each.
///
/// `subject.*` renders the subject (one line), `notice.*.txt` the plain-text
/// body (hard-wrapped to 78 columns after rendering), `notice.*.html` the
/// HTML body (every value HTML-escaped by [`crate::inert::escape_html`]).
///
/// The `*.abuse-desk.*` templates are the same for [`NoticeKind::AbuseDesk`].
/// What both kinds share lives in the partials they include,
/// [`PARTIAL_NAMES`] (the problems) and [`FRAME_NAMES`] (the HTML head and
/// the closing paragraphs and signature).
pub const TEMPLATE_NAMES: [&str; 12] = [
    "subject.nl.txt",
    "subject.en.txt",
    "notice.nl.txt",
    "notice.en.txt",
    "notice.nl.html",
    "notice.en.html",
    "subject.abuse-desk.nl.txt",
    "subject.abuse-desk.en.txt",
    "notice.abuse-desk.nl.txt",
    "notice.abuse-desk.en.txt",
    "notice.abuse-desk.nl.html",
    "notice.abuse-desk.en.html",
];

/// The names of the partials: one file per language and format holding the
/// problems of a notice (each problem's heading, what we saw, where and
/// when, why it matters, whether it is on purpose, if someone is already in,
/// what you can do, and the box of advice with the technical details),
/// written once for both kinds of notice.
///
/// A notice template sets two variables and includes its partial:
///
/// ```text
/// {% set abuse_desk = false %}
/// {% set box_heading = "For your IT provider (you can forward this part)" %}
/// {% include "shared.en.txt" %}
/// ```
///
/// `abuse_desk = true` names each finding's customer and leaves out the
/// owner's advice ("Is this on purpose?", "What you can do");
/// `box_heading` heads the advice box. (An include, not a macro: the
/// macros cost about 17 % more instructions per MIME notice, see
/// BENCHMARKS.md.) [`Templates`] holds a source for each and
/// [`Templates::with_dir`] replaces them like the templates: a directory
/// without a partial keeps the built-in one.
pub const PARTIAL_NAMES: [&str; 4] = [
    "shared.nl.txt",
    "shared.en.txt",
    "shared.nl.html",
    "shared.en.html",
];

/// The names of the frame partials: the start of every HTML notice
/// (`head.*.html`: the document's language, the title and the body style)
/// and the end of every notice (`closing.*`: "Questions?", "Is this message
/// genuine?", the signature and, in HTML, the closing tags), one per
/// language (and format), written once for both kinds of notice.
///
/// A notice template sets the partials' variables at its top and includes
/// the head first and the closing last:
///
/// ```text
/// {% set abuse_desk = false %}
/// {% set box_heading = "For your IT provider (you can forward this part)" %}
/// {% include "head.en.html" %}
/// ...
/// {% include "shared.en.html" %}
/// ...
/// {% include "closing.en.html" %}
/// ```
///
/// The closing reads `abuse_desk` too: only a business is told that we
/// never ask for passwords or payments. (Includes, not a layout the
/// templates `{% extends %}`: the layout's blocks cost about 8 % more
/// instructions per HTML body, the two includes about 2 %; see
/// BENCHMARKS.md.) [`Templates`] holds and replaces them like the
/// partials: a directory without them keeps the built-in ones.
pub const FRAME_NAMES: [&str; 6] = [
    "head.nl.html",
    "head.en.html",
    "closing.nl.txt",
    "closing.en.txt",
    "closing.nl.html",
    "closing.en.html",
];

const EMBEDDED_TEMPLATES: [(&str, &str); 22] = [
    ("head.nl.html", include_str!("../../templates/head.nl.html")),
    ("head.en.html", include_str!("../../templates/head.en.html")),
    (
        "closing.nl.txt",
        include_str!("../../templates/closing.nl.txt"),
    ),
    (
        "closing.en.txt",
        include_str!("../../templates/closing.en.txt"),
    ),
    (
        "closing.nl.html",
        include_str!("../../templates/closing.nl.html"),
    ),
    (
        "closing.en.html",
        include_str!("../../templates/closing.en.html"),
    ),
    (
        "shared.nl.txt",
        include_str!("../../templates/shared.nl.txt"),
    ),
    (
        "shared.en.txt",
        include_str!("../../templates/shared.en.txt"),
    ),
    (
        "shared.nl.html",
        include_str!("../../templates/shared.nl.html"),
    ),
    (
        "shared.en.html",
        include_str!("../../templates/shared.en.html"),
    ),
    (
        "subject.abuse-desk.nl.txt",
        include_str!("../../templates/subject.abuse-desk.nl.txt"),
    ),
    (
        "subject.abuse-desk.en.txt",
        include_str!("../../templates/subject.abuse-desk.en.txt"),
    ),
    (
        "notice.abuse-desk.nl.txt",
        include_str!("../../templates/notice.abuse-desk.nl.txt"),
    ),
    (
        "notice.abuse-desk.en.txt",
        include_str!("../../templates/notice.abuse-desk.en.txt"),
    ),
    (
        "notice.abuse-desk.nl.html",
        include_str!("../../templates/notice.abuse-desk.nl.html"),
    ),
    (
        "notice.abuse-desk.en.html",
        include_str!("../../templates/notice.abuse-desk.en.html"),
    ),
    (
        "subject.nl.txt",
        include_str!("../../templates/subject.nl.txt"),
    ),
    (
        "subject.en.txt",
        include_str!("../../templates/subject.en.txt"),
    ),
    (
        "notice.nl.txt",
        include_str!("../../templates/notice.nl.txt"),
    ),
    (
        "notice.en.txt",
        include_str!("../../templates/notice.en.txt"),
    ),
    (
        "notice.nl.html",
        include_str!("../../templates/notice.nl.html"),
    ),
    (
        "notice.en.html",
        include_str!("../../templates/notice.en.html"),
    ),
];

/// The template sources, [`TEMPLATE_NAMES`], [`PARTIAL_NAMES`] and
/// [`FRAME_NAMES`]: the built-in ones, any of which can be replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    sources: Vec<(&'static str, String)>,
}

impl Templates {
    /// The templates built into the crate (`notice-render/templates/`).
    pub fn embedded() -> Templates {
        Templates {
            sources: EMBEDDED_TEMPLATES
                .iter()
                .map(|(n, s)| (*n, (*s).to_string()))
                .collect(),
        }
    }

    /// Replaces the template `name` (one of [`TEMPLATE_NAMES`],
    /// [`PARTIAL_NAMES`] or [`FRAME_NAMES`]).
    ///
    /// # Errors
    /// [`ErrorKind::Template`](crate::ErrorKind::Template) for an unknown name, [`ErrorKind::TooLarge`](crate::ErrorKind::TooLarge) for a
    /// source over [`MAX_SOURCE_BYTES`].
    pub fn with_template(mut self, name: &str, source: impl Into<String>) -> Result<Templates> {
        let source = source.into();
        if source.len() > MAX_SOURCE_BYTES {
            return Err(Error::too_large(
                name.to_string(),
                MAX_SOURCE_BYTES,
                source.len(),
            ));
        }
        match self.sources.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = source,
            None => {
                return Err(Error::template(
                    name.to_string(),
                    0,
                    format!(
                        "unknown template; the names are {}, of the partials {}, and of the frame partials {}",
                        TEMPLATE_NAMES.join(", "),
                        PARTIAL_NAMES.join(", "),
                        FRAME_NAMES.join(", ")
                    ),
                ));
            }
        }
        Ok(self)
    }

    /// Replaces every template and partial that has a file of the same name
    /// in `dir`; the others stay as they are. A directory without the
    /// partials keeps the built-in ones, so a service that overrides only
    /// `notice.en.txt` still gets the shared blocks and closing (and one that
    /// overrides `shared.en.txt` or `closing.en.txt` changes both kinds of
    /// notice).
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when a file cannot be read, else as [`Templates::with_template`].
    pub fn with_dir(mut self, dir: &Path) -> Result<Templates> {
        for name in TEMPLATE_NAMES
            .into_iter()
            .chain(PARTIAL_NAMES)
            .chain(FRAME_NAMES)
        {
            let path = dir.join(name);
            if !path.is_file() {
                continue;
            }
            let io = |source| Error::io(path.display().to_string(), source);
            let len = std::fs::metadata(&path).map_err(io)?.len();
            if len > MAX_SOURCE_BYTES as u64 {
                return Err(Error::too_large(
                    name.to_string(),
                    MAX_SOURCE_BYTES,
                    usize::try_from(len).unwrap_or(usize::MAX),
                ));
            }
            let io = |source| Error::io(path.display().to_string(), source);
            let source = std::fs::read_to_string(&path).map_err(io)?;
            self = self.with_template(name, source)?;
        }
        Ok(self)
    }
}

/// Who sends the notices.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RenderOptions {
    /// The sender's name, e.g. `Example CERT` (From display name, signature,
    /// XARF reporter organisation).
    pub sender_name: String,
    /// The From address.
    pub from: String,
    /// The Reply-To address, when replies go elsewhere.
    pub reply_to: Option<String>,
    /// The domain of Message-IDs (`<TICKET@domain>`) and the XARF reporter domain.
    pub message_id_domain: String,
    /// A phone number shown in every notice's signature.
    pub phone: Option<String>,
    /// The sender's web page (`https://`), shown in every notice's signature.
    pub website: Option<String>,
    /// Where a recipient checks a ticket: an `https://` URL holding
    /// `{ticket}` once ([`crate::TICKET_PLACEHOLDER`]), shown with the
    /// ticket filled in in every notice.
    pub verify_url: Option<String>,
    /// The organisation that scanned, for findings that name none
    /// ([`crate::Finding::reporter`] empty), e.g. `The Shadowserver Foundation`.
    pub reporter: Option<String>,
}

impl RenderOptions {
    /// Options with a sender name, From address and Message-ID domain.
    pub fn new(
        sender_name: impl Into<String>,
        from: impl Into<String>,
        message_id_domain: impl Into<String>,
    ) -> Self {
        Self {
            sender_name: sender_name.into(),
            from: from.into(),
            reply_to: None,
            message_id_domain: message_id_domain.into(),
            phone: None,
            website: None,
            verify_url: None,
            reporter: None,
        }
    }

    /// Sets the organisation that scanned, for findings that name none.
    pub fn with_reporter(mut self, reporter: impl Into<String>) -> Self {
        self.reporter = Some(reporter.into());
        self
    }

    /// The organisation that scanned `finding`: its own
    /// [`reporter`](crate::Finding::reporter), else [`Self::reporter`].
    pub(crate) fn reporter_of<'a>(&'a self, finding: &'a crate::Finding) -> &'a str {
        let own = finding.reporter.trim();
        if own.is_empty() {
            self.reporter.as_deref().unwrap_or_default()
        } else {
            own
        }
    }

    /// Sets the phone number shown in the signature.
    pub fn with_phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// Sets the web page shown in the signature (`https://`).
    pub fn with_website(mut self, url: impl Into<String>) -> Self {
        self.website = Some(url.into());
        self
    }

    /// Sets the ticket-verification URL template (`https://`, with `{ticket}`).
    pub fn with_verify_url(mut self, url: impl Into<String>) -> Self {
        self.verify_url = Some(url.into());
        self
    }

    /// The verify URL for `ticket`, when one is set.
    pub(crate) fn verify_url_for(&self, ticket: &str) -> Option<String> {
        self.verify_url
            .as_ref()
            .map(|u| u.replace(crate::config::TICKET_PLACEHOLDER, &mime::token(ticket)))
    }

    /// Sets the Reply-To address.
    pub fn with_reply_to(mut self, address: impl Into<String>) -> Self {
        self.reply_to = Some(address.into());
        self
    }

    fn validate(&self) -> Result<()> {
        let bad = |name: &'static str, message: String| Err(Error::option(name, message));
        if self.sender_name.trim().is_empty()
            || self.sender_name.chars().count() > 100
            || self.sender_name.chars().any(crate::inert::is_invisible)
        {
            return bad(
                "sender_name",
                "must be 1 to 100 characters without control characters".into(),
            );
        }
        if !crate::aggregate::is_usable_address(&self.from) {
            return bad(
                "from",
                format!("`{}` is not a usable address", self.from.escape_debug()),
            );
        }
        if let Some(r) = &self.reply_to
            && !crate::aggregate::is_usable_address(r)
        {
            {
                return bad(
                    "reply_to",
                    format!("`{}` is not a usable address", r.escape_debug()),
                );
            }
        }
        if let Some(p) = &self.phone
            && (p.trim().is_empty()
                || p.chars().count() > 40
                || p.chars().any(crate::inert::is_invisible))
        {
            return bad(
                "phone",
                "must be 1 to 40 characters without control characters".into(),
            );
        }
        if let Some(p) = &self.reporter
            && (p.trim().is_empty()
                || p.chars().count() > 100
                || p.chars().any(crate::inert::is_invisible))
        {
            return bad(
                "reporter",
                "must be 1 to 100 characters without control characters".into(),
            );
        }
        if let Some(w) = &self.website {
            crate::config::check_https(w, false)
                .map_err(|message| Error::option("website", message))?;
        }
        if let Some(v) = &self.verify_url {
            crate::config::check_https(v, true)
                .map_err(|message| Error::option("verify_url", message))?;
        }
        let d = &self.message_id_domain;
        if d.is_empty()
            || d.len() > 253
            || !d
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            || d.starts_with('.')
            || d.ends_with('.')
        {
            return bad(
                "message_id_domain",
                format!("`{}` is not a host name", d.escape_debug()),
            );
        }
        Ok(())
    }
}

/// Everything rendered for one notice.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rendered {
    /// The subject (one line, before RFC 2047 encoding).
    pub subject: String,
    /// The plain-text body, every line at most 78 columns.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// The CSV attachment (RFC 4180, CRLF line ends).
    pub csv: String,
    /// The complete RFC 5322 message.
    pub mime: Vec<u8>,
}

/// Renders notices. Build once (templates are compiled here), use for many.
#[derive(Debug)]
pub struct Renderer {
    catalogue: Catalogue,
    env: Environment<'static>,
    options: RenderOptions,
    /// Template values of every entry, per language, and of the sender
    /// (built once).
    cached: context::Cached,
    /// Signs every message when set.
    #[cfg(feature = "openpgp")]
    signer: Option<Signer>,
}

impl Renderer {
    /// A renderer over `catalogue` with `templates` and the sender's `options`.
    ///
    /// # Errors
    /// [`ErrorKind::Option`](crate::ErrorKind::Option) for unusable options, [`ErrorKind::Template`](crate::ErrorKind::Template) (with the
    /// line) for a template that does not compile or fails on a sample notice.
    pub fn new(
        catalogue: Catalogue,
        templates: Templates,
        options: RenderOptions,
    ) -> Result<Renderer> {
        options.validate()?;
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| template_error("syntax", &e))?;
        env.set_syntax(syntax);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(html::formatter);
        for (name, source) in templates.sources {
            env.add_template_owned(name, source)
                .map_err(|e| template_error(name, &e))?;
        }
        let cached = context::cached(&catalogue, &options);
        let renderer = Renderer {
            catalogue,
            env,
            options,
            cached,
            #[cfg(feature = "openpgp")]
            signer: None,
        };
        renderer.self_check()?;
        Ok(renderer)
    }

    /// The built-in catalogue and templates with `options`.
    ///
    /// # Errors
    /// As [`Renderer::new`].
    pub fn embedded(options: RenderOptions) -> Result<Renderer> {
        Renderer::new(Catalogue::embedded()?, Templates::embedded(), options)
    }

    /// The same renderer, signing every message with `signer` (OpenPGP/MIME,
    /// RFC 3156; see the `sign` module docs in the source for the layout).
    #[cfg(feature = "openpgp")]
    #[cfg_attr(docsrs, doc(cfg(feature = "openpgp")))]
    pub fn with_signer(mut self, signer: Signer) -> Renderer {
        self.signer = Some(signer);
        self
    }

    /// True when messages are signed (the notices then say so).
    pub fn is_signing(&self) -> bool {
        #[cfg(feature = "openpgp")]
        {
            self.signer.is_some()
        }
        #[cfg(not(feature = "openpgp"))]
        {
            false
        }
    }

    /// The catalogue.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The options.
    pub fn options(&self) -> &RenderOptions {
        &self.options
    }

    /// The subject line: asset, problem and ticket, no alarm words.
    ///
    /// # Errors
    /// [`ErrorKind::Template`](crate::ErrorKind::Template) when the template fails.
    pub fn subject(&self, notice: &Notice, now: DateTime<Utc>) -> Result<String> {
        let ctx = context::build(self, notice, now);
        self.subject_with(notice, &ctx)
    }

    /// The plain-text body.
    ///
    /// # Errors
    /// [`ErrorKind::Template`](crate::ErrorKind::Template) when the template fails.
    pub fn text(&self, notice: &Notice, now: DateTime<Utc>) -> Result<String> {
        let ctx = context::build(self, notice, now);
        self.text_with(notice, &ctx)
    }

    /// The HTML body.
    ///
    /// # Errors
    /// [`ErrorKind::Template`](crate::ErrorKind::Template) when the template fails.
    pub fn html(&self, notice: &Notice, now: DateTime<Utc>) -> Result<String> {
        let ctx = context::build(self, notice, now);
        self.html_with(notice, &ctx)
    }

    /// The CSV attachment: a header row and one row per finding.
    pub fn csv(&self, notice: &Notice) -> String {
        csv::render(self, notice)
    }

    /// The notice as JSON (one object; see the crate README for the fields).
    ///
    /// # Errors
    /// [`ErrorKind::Output`](crate::ErrorKind::Output) if serialisation fails.
    pub fn json(&self, notice: &Notice, now: DateTime<Utc>) -> Result<String> {
        json::render(self, notice, now)
    }

    /// One XARF v4 JSON report per finding, in notice order.
    ///
    /// # Errors
    /// [`ErrorKind::Output`](crate::ErrorKind::Output) if serialisation fails.
    pub fn xarf(&self, notice: &Notice) -> Result<Vec<String>> {
        xarf::render(self, notice)
    }

    /// Subject, text, HTML, CSV and the MIME message in one go. A notice to a
    /// network owner ([`NoticeKind::AbuseDesk`]) carries the XARF reports as
    /// a second attachment (`TICKET.xarf.json`, a JSON array).
    ///
    /// # Errors
    /// [`ErrorKind::Template`](crate::ErrorKind::Template) when a template fails; [`ErrorKind::Signing`](crate::ErrorKind::Signing) when
    /// signing fails.
    pub fn render(&self, notice: &Notice, now: DateTime<Utc>) -> Result<Rendered> {
        let ctx = context::build(self, notice, now);
        let subject = self.subject_with(notice, &ctx)?;
        let text = self.text_with(notice, &ctx)?;
        let html = self.html_with(notice, &ctx)?;
        let csv = csv::render(self, notice);
        // an abuse desk's ticket system gets the findings as XARF too
        let xarf = match NoticeKind::for_recipient(&notice.recipient) {
            NoticeKind::AbuseDesk => Some(xarf::render_array(self, notice)?),
            _ => None,
        };
        let parts = mime::Parts {
            subject: &subject,
            text: &text,
            html: &html,
            csv: &csv,
            xarf: xarf.as_deref(),
        };
        let mime = mime::build(self, notice, now, &parts)?;
        Ok(Rendered {
            subject,
            text,
            html,
            csv,
            mime,
        })
    }

    /// The complete RFC 5322 message as bytes (CRLF line ends).
    ///
    /// # Errors
    /// As [`Renderer::render`].
    pub fn mime(&self, notice: &Notice, now: DateTime<Utc>) -> Result<Vec<u8>> {
        Ok(self.render(notice, now)?.mime)
    }

    fn run(&self, name: &str, ctx: &minijinja::Value) -> Result<String> {
        let tpl = self
            .env
            .get_template(name)
            .map_err(|e| template_error(name, &e))?;
        tpl.render(ctx).map_err(|e| template_error(name, &e))
    }

    fn subject_with(&self, notice: &Notice, ctx: &minijinja::Value) -> Result<String> {
        let name = template_name("subject", notice, "txt");
        let raw = self.run(name, ctx)?;
        Ok(crate::inert::header_value(raw.trim(), 250))
    }

    fn text_with(&self, notice: &Notice, ctx: &minijinja::Value) -> Result<String> {
        let name = template_name("notice", notice, "txt");
        Ok(wrap(&self.run(name, ctx)?))
    }

    fn html_with(&self, notice: &Notice, ctx: &minijinja::Value) -> Result<String> {
        let name = template_name("notice", notice, "html");
        self.run(name, ctx)
    }

    /// Renders a sample notice of the fallback entry in every language, so
    /// template mistakes show when the renderer is built.
    fn self_check(&self) -> Result<()> {
        for notice in context::samples(&self.catalogue) {
            let now = notice
                .groups
                .first()
                .and_then(|g| g.items.first())
                .and_then(|i| i.finding.observed)
                .unwrap_or_default();
            self.render(&notice, now)?;
        }
        Ok(())
    }
}

/// `subject.nl.txt`, `notice.abuse-desk.en.html`, ...: the template of
/// `part` for the notice's kind and language.
fn template_name(part: &str, notice: &Notice, ext: &str) -> &'static str {
    let kind = NoticeKind::for_recipient(&notice.recipient);
    let nl = notice.language == Language::Nl;
    match (kind, part, ext, nl) {
        (NoticeKind::AbuseDesk, "subject", _, true) => "subject.abuse-desk.nl.txt",
        (NoticeKind::AbuseDesk, "subject", _, false) => "subject.abuse-desk.en.txt",
        (NoticeKind::AbuseDesk, _, "html", true) => "notice.abuse-desk.nl.html",
        (NoticeKind::AbuseDesk, _, "html", false) => "notice.abuse-desk.en.html",
        (NoticeKind::AbuseDesk, _, _, true) => "notice.abuse-desk.nl.txt",
        (NoticeKind::AbuseDesk, _, _, false) => "notice.abuse-desk.en.txt",
        (_, "subject", _, true) => "subject.nl.txt",
        (_, "subject", _, false) => "subject.en.txt",
        (_, _, "html", true) => "notice.nl.html",
        (_, _, "html", false) => "notice.en.html",
        (_, _, _, true) => "notice.nl.txt",
        (_, _, _, false) => "notice.en.txt",
    }
}

/// The error of template `name`; one that happened in a partial `name`
/// includes is the partial's (its name and line), saying where it was
/// included from.
fn template_error(name: &str, e: &minijinja::Error) -> Error {
    // an include wraps the partial's error ("could not render include")
    let mut inner = e;
    while let Some(next) =
        std::error::Error::source(inner).and_then(|s| s.downcast_ref::<minijinja::Error>())
    {
        inner = next;
    }
    let mut message = inner.to_string();
    if let Some(detail) = inner.detail()
        && !message.contains(detail)
    {
        message = format!("{message}: {detail}");
    }
    let name = match inner.name() {
        Some(own) if own != name => {
            let from = e.name().unwrap_or(name);
            message = format!("{message} (included from {from}:{})", e.line().unwrap_or(0));
            own
        }
        _ => name,
    };
    Error::template(name.to_string(), inner.line().unwrap_or(0), message)
}
