//! The catalogue of problem explanations: one TOML file per problem, Dutch

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result, line_of};
use crate::finding::Finding;
use crate::language::Language;
use crate::limits::{
    MAX_ENTRIES, MAX_REFERENCE_URL_CHARS, MAX_SOURCE_BYTES, MAX_SUBJECT_CHARS, MAX_TEXT_CHARS,
};
use crate::mapping::Mapping;

/// The name of the mapping file among the catalogue files.
pub const MAPPING_FILE: &str = "mapping.toml";

/// The catalogue files built into the crate, as (file name, contents).
pub const EMBEDDED_CATALOGUE: &[(&str, &str)] = &[
    ("mapping.toml", include_str!("../catalogue/mapping.toml")),
    (
        "exposed-rdp.toml",
        include_str!("../catalogue/exposed-rdp.toml"),
    ),
    (
        "exposed-smb.toml",
        include_str!("../catalogue/exposed-smb.toml"),
    ),
    ("exchange.toml", include_str!("../catalogue/exchange.toml")),
    (
        "zimbra-cve-2024-45519.toml",
        include_str!("../catalogue/zimbra-cve-2024-45519.toml"),
    ),
    (
        "ivanti-connect-secure.toml",
        include_str!("../catalogue/ivanti-connect-secure.toml"),
    ),
    (
        "fortinet-fortios.toml",
        include_str!("../catalogue/fortinet-fortios.toml"),
    ),
    (
        "qlik-sense.toml",
        include_str!("../catalogue/qlik-sense.toml"),
    ),
    (
        "botnet-device.toml",
        include_str!("../catalogue/botnet-device.toml"),
    ),
    (
        "compromised-website.toml",
        include_str!("../catalogue/compromised-website.toml"),
    ),
    (
        "leaked-credentials.toml",
        include_str!("../catalogue/leaked-credentials.toml"),
    ),
    (
        "vulnerable-http.toml",
        include_str!("../catalogue/vulnerable-http.toml"),
    ),
    (
        "exposed-device.toml",
        include_str!("../catalogue/exposed-device.toml"),
    ),
    ("generic.toml", include_str!("../catalogue/generic.toml")),
];

/// What kind of problem an entry explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Kind {
    /// A service reachable from the internet that may be deliberate (RDP, SMB).
    Exposure,
    /// Software with a known vulnerability.
    Vulnerable,
    /// A system, site or account that has been taken over.
    Compromise,
    /// Information only (e.g. a device that shows what it is).
    Information,
}

impl Kind {
    /// The name used in the catalogue files.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Exposure => "exposure",
            Kind::Vulnerable => "vulnerable",
            Kind::Compromise => "compromise",
            Kind::Information => "information",
        }
    }
}

/// The kinds of notice: who the notice is written for. The problem texts
/// of the catalogue are the same in both; the frame around them (greeting,
/// the ask, why the recipient gets it, the attachments) differs, and each
/// kind has its own templates (`notice.*` and `notice.abuse-desk.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NoticeKind {
    /// For the business that runs the systems: what was seen, why it
    /// matters to the business, what to do, a block for its IT provider.
    Business,
    /// For a network owner's abuse desk: which of its customers (the
    /// organisation and domain found, with the evidence that named it),
    /// please forward or act, and CSV and XARF parts for its ticket system.
    AbuseDesk,
}

impl NoticeKind {
    /// The kind for a recipient: [`NoticeKind::AbuseDesk`] for a
    /// [`crate::RecipientRole::NetworkOwner`], else [`NoticeKind::Business`].
    pub fn for_recipient(recipient: &crate::Recipient) -> NoticeKind {
        match recipient.role {
            crate::RecipientRole::NetworkOwner => NoticeKind::AbuseDesk,
            _ => NoticeKind::Business,
        }
    }

    /// `business` or `abuse-desk`.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Business => "business",
            NoticeKind::AbuseDesk => "abuse-desk",
        }
    }
}

/// A reference: a CVE record, vendor advisory or guide.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Reference {
    /// What the link is (e.g. `Microsoft: Exchange Server security updates`).
    pub label: String,
    /// An `https://` URL.
    pub url: String,
}

/// The XARF v4 category and type a finding of this entry is exported as.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct XarfClass {
    /// XARF category (`vulnerability`, `infrastructure`, `content`, ...).
    pub category: String,
    /// XARF type within the category (`open_service`, `cve`, `botnet`, ...; XARF 4.2 names).
    pub kind: String,
    /// XARF `evidence_source` (`vulnerability_scan`, `honeypot`, ...).
    pub evidence_source: String,
    /// The service name for the `vulnerability` category (`rdp`, `smb`, ...).
    pub service: String,
}

/// The texts of one entry in one language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct EntryText {
    /// Title of the problem, one line.
    pub title: String,
    /// Short phrase for the mail subject, at most
    /// [`MAX_SUBJECT_CHARS`] characters, no alarm words.
    pub subject: String,
    /// What was seen.
    pub seen: String,
    /// Why it matters, in one business-relevant sentence.
    pub why: String,
    /// What to do yourself, step by step.
    pub actions: Vec<String>,
    /// A block to forward to the IT provider, with the technical details.
    pub provider: String,
    /// Why exposure itself is the risk and what acceptable setups look like.
    pub exposure: Option<String>,
    /// For compromises: patching does not remove an intruder, and what does.
    pub compromise: Option<String>,
}

/// One problem explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Entry {
    /// Stable id, equal to the file name without `.toml`.
    pub id: String,
    /// What kind of problem this is.
    pub kind: Kind,
    /// CVE ids this entry is about.
    pub cves: Vec<String>,
    /// References (CVE records, vendor advisories).
    pub references: Vec<Reference>,
    /// XARF export class.
    pub xarf: XarfClass,
    /// Dutch texts.
    pub nl: EntryText,
    /// English texts.
    pub en: EntryText,
}

impl Entry {
    /// The texts in `language`.
    pub fn text(&self, language: Language) -> &EntryText {
        match language {
            Language::Nl => &self.nl,
            Language::En => &self.en,
        }
    }
}

/// The validated catalogue: entries plus the mapping from findings to entries.
/// and English inside, plus `mapping.toml` (see [`Mapping`](crate::Mapping)).
///
/// The files in `notice-render/catalogue/` are embedded in the crate
/// ([`Catalogue::embedded`]); operators can load an edited copy from a
/// directory at run time ([`Catalogue::from_dir`]) or from strings
/// ([`Catalogue::from_sources`]). Everything is validated at load, and each
/// error names the file and line:
///
/// - every entry has every text field in both `nl` and `en`, the same
///   optional fields in both, and as many action steps in both;
/// - ids are lower-case `a-z0-9-`, unique, and equal to the file name;
/// - `kind = "exposure"` entries explain why exposure itself is the risk
///   (`exposure`), `kind = "compromise"` entries say that patching does not
///   remove an intruder (`compromise`);
/// - references are `https://` URLs, CVE ids look like `CVE-2024-45519`;
/// - subject phrases are short and free of alarm words (`urgent`,
///   `dringend`, `warning`, `!`...);
/// - the mapping names existing entries only.
#[derive(Debug, Clone)]
pub struct Catalogue {
    entries: Vec<Entry>,
    index: HashMap<String, usize>,
    mapping: Mapping,
    fallback: Entry,
}

impl Catalogue {
    /// The catalogue built into the crate (the files in `catalogue/`).
    ///
    /// # Errors
    /// Only if the built-in files were edited into an invalid state; the
    /// crate's tests load them.
    pub fn embedded() -> Result<Catalogue> {
        Self::from_sources(EMBEDDED_CATALOGUE.iter().copied())
    }

    /// A catalogue from (file name, contents) pairs: [`MAPPING_FILE`] is the
    /// mapping, every other `*.toml` is one entry.
    ///
    /// # Errors
    /// [`ErrorKind::Catalogue`](crate::ErrorKind::Catalogue) with file and line for anything invalid,
    /// [`ErrorKind::TooLarge`](crate::ErrorKind::TooLarge) for a file over [`MAX_SOURCE_BYTES`] or more than
    /// [`MAX_ENTRIES`] entries.
    pub fn from_sources<'a, I>(files: I) -> Result<Catalogue>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut entries = Vec::new();
        let mut index = HashMap::new();
        let mut mapping_src = None;
        for (name, source) in files {
            if source.len() > MAX_SOURCE_BYTES {
                return Err(Error::too_large(
                    name.to_string(),
                    MAX_SOURCE_BYTES,
                    source.len(),
                ));
            }
            if name == MAPPING_FILE {
                mapping_src = Some((name, source));
                continue;
            }
            if entries.len() == MAX_ENTRIES {
                return Err(Error::too_large(
                    "catalogue entries".to_string(),
                    MAX_ENTRIES,
                    MAX_ENTRIES + 1,
                ));
            }
            let entry = parse_entry(name, source)?;
            if index.insert(entry.id.clone(), entries.len()).is_some() {
                return Err(Error::catalogue(
                    name.to_string(),
                    1,
                    format!("entry id `{}` is used twice", entry.id),
                ));
            }
            entries.push(entry);
        }
        let Some((name, source)) = mapping_src else {
            return Err(Error::catalogue(
                MAPPING_FILE.to_string(),
                0,
                "the catalogue has no mapping file".to_string(),
            ));
        };
        let mapping = Mapping::parse(name, source, &|id| index.contains_key(id))?;
        let Some(fallback) = index
            .get(mapping.fallback())
            .and_then(|i| entries.get(*i))
            .cloned()
        else {
            return Err(Error::catalogue(
                name.to_string(),
                1,
                format!("fallback `{}` names no entry", mapping.fallback()),
            ));
        };
        Ok(Catalogue {
            entries,
            index,
            mapping,
            fallback,
        })
    }

    /// A catalogue from the `*.toml` files of a directory (read in file-name
    /// order; other files are ignored).
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when the directory or a file cannot be read, else as
    /// [`Catalogue::from_sources`].
    pub fn from_dir(dir: &Path) -> Result<Catalogue> {
        let files = read_dir_files(dir, "toml")?;
        Self::from_sources(files.iter().map(|(n, s)| (n.as_str(), s.as_str())))
    }

    /// All entries, in load order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with this id.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.index.get(id).and_then(|i| self.entries.get(*i))
    }

    /// The mapping from findings to entries.
    pub fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    /// The entry that explains `finding` (the mapping's fallback when no
    /// rule matches).
    pub fn classify(&self, finding: &Finding) -> &Entry {
        // The mapping was validated against the entries, so every id resolves.
        self.entry(self.mapping.entry_for(finding))
            .unwrap_or(&self.fallback)
    }

    /// The fallback entry, for findings no mapping rule matches.
    pub fn fallback(&self) -> &Entry {
        &self.fallback
    }
}

/// Reads the files of `dir` with extension `ext`, sorted by name, each
/// checked against [`MAX_SOURCE_BYTES`].
pub(crate) fn read_dir_files(dir: &Path, ext: &str) -> Result<Vec<(String, String)>> {
    let io = |path: &Path, source| Error::io(path.display().to_string(), source);
    let mut names = Vec::new();
    for item in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let item = item.map_err(|e| io(dir, e))?;
        let path = item.path();
        if path.extension().and_then(|e| e.to_str()) == Some(ext) && path.is_file() {
            names.push(path);
        }
    }
    names.sort();
    let mut out = Vec::with_capacity(names.len());
    for path in names {
        let len = std::fs::metadata(&path).map_err(|e| io(&path, e))?.len();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if len > MAX_SOURCE_BYTES as u64 {
            return Err(Error::too_large(
                name,
                MAX_SOURCE_BYTES,
                usize::try_from(len).unwrap_or(usize::MAX),
            ));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        out.push((name, text));
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    cves: Vec<Spanned<String>>,
    #[serde(default)]
    references: Vec<RawReference>,
    xarf: RawXarf,
    nl: Spanned<RawText>,
    en: Spanned<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReference {
    label: Spanned<String>,
    url: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawXarf {
    category: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    evidence_source: Spanned<String>,
    #[serde(default)]
    service: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    title: Spanned<String>,
    subject: Spanned<String>,
    seen: Spanned<String>,
    why: Spanned<String>,
    actions: Spanned<Vec<Spanned<String>>>,
    provider: Spanned<String>,
    #[serde(default)]
    exposure: Option<Spanned<String>>,
    #[serde(default)]
    compromise: Option<Spanned<String>>,
}

const XARF_CATEGORIES: [&str; 7] = [
    "messaging",
    "connection",
    "content",
    "infrastructure",
    "copyright",
    "vulnerability",
    "reputation",
];

const ALARM_WORDS: [&str; 12] = [
    "urgent",
    "dringend",
    "warning",
    "waarschuwing",
    "alert",
    "alarm",
    "critical",
    "kritiek",
    "kritisch",
    "immediately",
    "onmiddellijk",
    "direct actie",
];

struct Ctx<'a> {
    file: &'a str,
    source: &'a str,
}

impl Ctx<'_> {
    fn err(&self, span: Range<usize>, message: impl Into<String>) -> Error {
        Error::catalogue(
            self.file.to_string(),
            line_of(self.source, span.start),
            message.into(),
        )
    }
}

/// Turns a toml error into ours, with the line of its span.
pub(crate) fn toml_error(file: &str, source: &str, e: &toml::de::Error) -> Error {
    Error::catalogue(
        file.to_string(),
        e.span().map_or(0, |s| line_of(source, s.start)),
        e.message().trim().to_string(),
    )
}

fn parse_entry(file: &str, source: &str) -> Result<Entry> {
    let raw: RawEntry = toml::from_str(source).map_err(|e| toml_error(file, source, &e))?;
    let cx = Ctx { file, source };
    let id = raw.id.get_ref();
    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(cx.err(
            raw.id.span(),
            format!("id `{id}` must be 1 to 64 of a-z, 0-9, -"),
        ));
    }
    let stem = file.strip_suffix(".toml").unwrap_or(file);
    if stem != id {
        return Err(cx.err(
            raw.id.span(),
            format!("id `{id}` differs from the file name `{stem}`"),
        ));
    }
    let kind = match raw.kind.get_ref().as_str() {
        "exposure" => Kind::Exposure,
        "vulnerable" => Kind::Vulnerable,
        "compromise" => Kind::Compromise,
        "information" => Kind::Information,
        other => {
            return Err(cx.err(
                raw.kind.span(),
                format!(
                    "kind `{other}` is not one of exposure, vulnerable, compromise, information"
                ),
            ));
        }
    };
    let mut cves = Vec::new();
    for cve in &raw.cves {
        if !is_cve(cve.get_ref()) {
            return Err(cx.err(
                cve.span(),
                format!("`{}` is not a CVE id like CVE-2024-45519", cve.get_ref()),
            ));
        }
        cves.push(cve.get_ref().clone());
    }
    let mut references = Vec::new();
    for r in &raw.references {
        check_line(&cx, &r.label, 200)?;
        let url = r.url.get_ref();
        if !url.starts_with("https://")
            || url.chars().count() > MAX_REFERENCE_URL_CHARS
            || url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
        {
            return Err(cx.err(r.url.span(), format!("reference `{url}` must be an https:// URL without spaces or quotes, at most {MAX_REFERENCE_URL_CHARS} characters (so it fits on one line of the text notice)")));
        }
        references.push(Reference {
            label: r.label.get_ref().clone(),
            url: url.clone(),
        });
    }
    let category = raw.xarf.category.get_ref();
    if !XARF_CATEGORIES.contains(&category.as_str()) {
        return Err(cx.err(
            raw.xarf.category.span(),
            format!(
                "xarf category `{category}` is not one of {}",
                XARF_CATEGORIES.join(", ")
            ),
        ));
    }
    for s in [&raw.xarf.kind, &raw.xarf.evidence_source] {
        let v = s.get_ref();
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(cx.err(s.span(), format!("`{v}` must be lower-case a-z and _")));
        }
    }
    let xarf = XarfClass {
        category: category.clone(),
        kind: raw.xarf.kind.get_ref().clone(),
        evidence_source: raw.xarf.evidence_source.get_ref().clone(),
        service: raw
            .xarf
            .service
            .as_ref()
            .map(|s| s.get_ref().clone())
            .unwrap_or_default(),
    };
    if xarf.category == "vulnerability" && xarf.service.is_empty() {
        return Err(cx.err(
            raw.xarf.category.span(),
            "xarf category vulnerability needs a `service`",
        ));
    }
    let nl = text(&cx, &raw.nl)?;
    let en = text(&cx, &raw.en)?;
    // both languages complete and alike
    let pairs = [
        (
            "exposure",
            &raw.nl.get_ref().exposure,
            &raw.en.get_ref().exposure,
        ),
        (
            "compromise",
            &raw.nl.get_ref().compromise,
            &raw.en.get_ref().compromise,
        ),
    ];
    for (field, a, b) in pairs {
        match (a, b) {
            (Some(a), None) => {
                return Err(cx.err(
                    a.span(),
                    format!("`{field}` is in [nl] but missing in [en]"),
                ));
            }
            (None, Some(b)) => {
                return Err(cx.err(
                    b.span(),
                    format!("`{field}` is in [en] but missing in [nl]"),
                ));
            }
            _ => {}
        }
    }
    if nl.actions.len() != en.actions.len() {
        return Err(cx.err(
            raw.en.get_ref().actions.span(),
            format!(
                "[nl] has {} action steps and [en] has {}",
                nl.actions.len(),
                en.actions.len()
            ),
        ));
    }
    match kind {
        Kind::Exposure if nl.exposure.is_none() => {
            return Err(cx.err(raw.nl.span(), "an exposure entry needs `exposure`: why exposure itself is the risk, and acceptable setups"));
        }
        Kind::Compromise if nl.compromise.is_none() => {
            return Err(cx.err(
                raw.nl.span(),
                "a compromise entry needs `compromise`: patching does not remove an intruder",
            ));
        }
        _ => {}
    }
    Ok(Entry {
        id: id.clone(),
        kind,
        cves,
        references,
        xarf,
        nl,
        en,
    })
}

fn is_cve(s: &str) -> bool {
    let mut parts = s.split('-');
    let (Some(p), Some(year), Some(num), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    p == "CVE"
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && (4..=7).contains(&num.len())
        && num.bytes().all(|b| b.is_ascii_digit())
}

fn check_text(cx: &Ctx<'_>, s: &Spanned<String>, max: usize) -> Result<String> {
    let v = s.get_ref();
    let trimmed = v.trim();
    if trimmed.is_empty() {
        return Err(cx.err(s.span(), "text is empty"));
    }
    let n = trimmed.chars().count();
    if n > max {
        return Err(cx.err(
            s.span(),
            format!("text has {n} characters, more than the maximum {max}"),
        ));
    }
    if let Some(c) = trimmed
        .chars()
        .find(|c| *c != '\n' && (c.is_control() || crate::inert::is_invisible(*c)))
    {
        return Err(cx.err(
            s.span(),
            format!("text holds the invisible character U+{:04X}", u32::from(c)),
        ));
    }
    Ok(trimmed.to_string())
}

fn check_line(cx: &Ctx<'_>, s: &Spanned<String>, max: usize) -> Result<String> {
    let v = check_text(cx, s, max)?;
    if v.contains('\n') {
        return Err(cx.err(s.span(), "text must be one line"));
    }
    Ok(v)
}

fn text(cx: &Ctx<'_>, raw: &Spanned<RawText>) -> Result<EntryText> {
    let t = raw.get_ref();
    let title = check_line(cx, &t.title, 100)?;
    let subject = check_line(cx, &t.subject, MAX_SUBJECT_CHARS)?;
    let lower = subject.to_lowercase();
    if let Some(w) = ALARM_WORDS.iter().find(|w| lower.contains(*w)) {
        return Err(cx.err(
            t.subject.span(),
            format!("subject holds the alarm word `{w}`: say what the problem is, calmly"),
        ));
    }
    if subject.contains('!')
        || subject.chars().filter(|c| c.is_uppercase()).count() > subject.chars().count() / 2 + 1
    {
        return Err(cx.err(
            t.subject.span(),
            "subject must not shout (no `!`, not in capitals)",
        ));
    }
    let why = check_text(cx, &t.why, 400)?;
    if why.contains("\n\n") {
        return Err(cx.err(t.why.span(), "`why` is one sentence, one paragraph"));
    }
    let actions_raw = t.actions.get_ref();
    if actions_raw.is_empty() || actions_raw.len() > 12 {
        return Err(cx.err(t.actions.span(), "`actions` needs 1 to 12 steps"));
    }
    let mut actions = Vec::with_capacity(actions_raw.len());
    for a in actions_raw {
        actions.push(check_text(cx, a, 1000)?);
    }
    Ok(EntryText {
        title,
        subject,
        seen: check_text(cx, &t.seen, MAX_TEXT_CHARS)?,
        why,
        actions,
        provider: check_text(cx, &t.provider, MAX_TEXT_CHARS)?,
        exposure: t
            .exposure
            .as_ref()
            .map(|s| check_text(cx, s, MAX_TEXT_CHARS))
            .transpose()?,
        compromise: t
            .compromise
            .as_ref()
            .map(|s| check_text(cx, s, MAX_TEXT_CHARS))
            .transpose()?,
    })
}
