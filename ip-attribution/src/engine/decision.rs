//! What the engine answers for one finding: [`Decision`], with its [`Outcome`], [`Recipient`]s
//! (each with the [`Via`] it came from) and every [`EvidenceItem`] it weighed.

use std::fmt;

use super::language::Language;

/// The kind of answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Outcome {
    /// The business behind the address was found and has a usable e-mail contact.
    Organisation,
    /// The network owner's abuse contact (no business found, or the business has no e-mail).
    NetworkOwner,
    /// Nobody to tell; the reason says why.
    Unattributed,
}

impl Outcome {
    /// The contract's spelling: `organisation`, `network_owner`, `unattributed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organisation => "organisation",
            Self::NetworkOwner => "network_owner",
            Self::Unattributed => "unattributed",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a recipient address came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum Via {
    /// An operator override.
    Override,
    /// A `Contact:` of the business's valid security.txt.
    #[cfg_attr(feature = "serde", serde(rename = "securitytxt"))]
    SecurityTxt,
    /// The business's own registry organisation (its abuse-c or e-mail).
    WhoisOrg,
    /// The business's own RDAP entity.
    RdapOrg,
    /// The most specific registry abuse-c / abuse-mailbox covering the address.
    NetworkAbuseC,
    /// A saved WHOIS answer's `% Abuse contact for` comment.
    WhoisAbuseComment,
    /// The RDAP `abuse` entity of the covering network.
    RdapAbuse,
    /// The abuse contact of the origin AS (route → aut-num).
    AsnAbuse,
}

impl Via {
    /// The contract's spelling (`securitytxt`, `whois-org`, `network-abuse-c`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Override => "override",
            Self::SecurityTxt => "securitytxt",
            Self::WhoisOrg => "whois-org",
            Self::RdapOrg => "rdap-org",
            Self::NetworkAbuseC => "network-abuse-c",
            Self::WhoisAbuseComment => "whois-abuse-comment",
            Self::RdapAbuse => "rdap-abuse",
            Self::AsnAbuse => "asn-abuse",
        }
    }

    /// True when the address is the network owner's abuse desk (a registry or RDAP abuse
    /// contact, an abuse comment, the origin AS's), false when it is the business's own
    /// (override, security.txt, the organisation's registry or RDAP entry). A notice to an
    /// abuse desk names the business as its customer. Every variant is decided here, so a new
    /// one cannot reach a notice without this choice.
    pub fn is_network_abuse(self) -> bool {
        match self {
            Self::NetworkAbuseC | Self::WhoisAbuseComment | Self::RdapAbuse | Self::AsnAbuse => {
                true
            }
            Self::Override | Self::SecurityTxt | Self::WhoisOrg | Self::RdapOrg => false,
        }
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One ranked contact.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Recipient {
    /// An e-mail address, or for alternatives also a web form URL or `tel:` URI.
    pub address: String,
    /// Where it came from.
    pub via: Via,
}

impl Recipient {
    /// A recipient.
    pub fn new(address: impl Into<String>, via: Via) -> Self {
        Self {
            address: address.into(),
            via,
        }
    }

    /// True for an e-mail address (not a URL or phone number).
    pub fn is_email(&self) -> bool {
        is_email(&self.address)
    }
}

/// Longest e-mail address taken (RFC 5321's path of 256 octets less its angle brackets).
pub const MAX_EMAIL_BYTES: usize = 254;

/// True when `s` is a bare e-mail address a notice can go to: `local@domain.tld`, one `@`, no
/// scheme, no blanks.
///
/// The local part may hold every RFC 5322 `atext` character, `/` `!` `#` `$` `%` `&` `'` `*`
/// `+` `=` `?` `^` `_` `` ` `` `{` `|` `}` `~` included, and dots anywhere (`a..b`, `.a`: not
/// RFC 5322 dot-atoms, but mailboxes that exist). Refused: a quoted local part (`"…"`), white
/// space, control and invisible characters (zero-width, bidi controls) and the specials `( ) < > [ ] : ; , \ "` and a second `@`, which
/// a `To:` header cannot hold unquoted (`notice_render::is_usable_address` refuses
/// the same, so every address taken here gets its notice); a domain without a dot, with a
/// leading or trailing dot, or with a `/` (a URL, not a domain); more than [`MAX_EMAIL_BYTES`].
pub(crate) fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains(['@', '/'])
        && s.len() <= MAX_EMAIL_BYTES
        && !s.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    '\u{00AD}'
                        | '\u{061C}'
                        | '\u{180E}'
                        | '\u{200B}'..='\u{200F}'
                        | '\u{2028}'..='\u{202E}'
                        | '\u{2060}'..='\u{2069}'
                        | '\u{FEFF}'
                        | '\u{FFF9}'..='\u{FFFB}'
                )
                || matches!(
                    c,
                    '<' | '>' | ',' | ';' | ':' | '"' | '(' | ')' | '[' | ']' | '\\'
                )
        })
}

/// The business a decision names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Organisation {
    /// Its name, as the evidence gives it.
    pub name: String,
    /// Its registrable domain, when the evidence names one.
    pub domain: Option<String>,
}

/// One piece of evidence the engine weighed.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct EvidenceItem {
    /// What it is (`registry-customer`, `ptr`, `cert`, `securitytxt`, `network-abuse`, …).
    pub kind: String,
    /// Where it came from (file name, or `override`).
    pub source: String,
    /// What it says, as stable text made of the evidence itself (names, addresses, handles)
    /// and fixed notes, never Rust debug output: a PTR item is `NAME (NOTE)` with NOTE one of
    /// `forward-confirmed`, `not forward-confirmed`, `provider domain` or `generic: REASON`
    /// (REASON as [`GenericReason`](crate::ptr::GenericReason)'s `Display` documents, or
    /// `token "WORD"`); a certificate's class is named as
    /// [`EvidenceCertClass::as_str`](crate::engine::evidence::EvidenceCertClass::as_str) gives it.
    pub value: String,
    /// Its weight (0 for evidence that names no business).
    pub weight: f64,
}

impl EvidenceItem {
    /// An evidence item.
    pub fn new(
        kind: impl Into<String>,
        source: impl Into<String>,
        value: impl Into<String>,
        weight: f64,
    ) -> Self {
        Self {
            kind: kind.into(),
            source: source.into(),
            value: value.into(),
            weight,
        }
    }
}

/// The numbered step of the daily-run policy that decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum Step {
    /// The finding could not be read (`malformed-input`).
    MalformedInput,
    /// 1: an operator override.
    Override,
    /// 2+3: the business and its contact.
    Organisation,
    /// 3: business found without an e-mail contact → network owner.
    OrganisationWithoutContact,
    /// 4: the network owner.
    NetworkOwner,
    /// 5: nothing at all.
    Nothing,
}

impl Step {
    /// Short name used in reasons.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedInput => "malformed-input",
            Self::Override => "1-override",
            Self::Organisation => "2-organisation",
            Self::OrganisationWithoutContact => "3-organisation-without-contact",
            Self::NetworkOwner => "4-network-owner",
            Self::Nothing => "5-nothing",
        }
    }
}

/// The answer for one finding.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Decision {
    /// The kind of answer.
    pub outcome: Outcome,
    /// The business, when found.
    pub organisation: Option<Organisation>,
    /// Ranked contacts; the first is where the notice goes.
    pub recipients: Vec<Recipient>,
    /// Notice language (written as its tag, `nl` or `en`).
    pub language: Language,
    /// Everything weighed.
    pub evidence: Vec<EvidenceItem>,
    /// The policy step that decided.
    pub step: Step,
    /// Why, for a person.
    pub reason: String,
}

impl Decision {
    /// The address the notice goes to.
    pub fn recipient(&self) -> Option<&Recipient> {
        self.recipients.first()
    }

    /// An `unattributed` decision for a row that could not be read.
    pub fn malformed(message: &str, language: Language) -> Self {
        Self {
            outcome: Outcome::Unattributed,
            organisation: None,
            recipients: Vec::new(),
            language,
            evidence: Vec::new(),
            step: Step::MalformedInput,
            reason: format!("malformed-input: {message}"),
        }
    }
}
