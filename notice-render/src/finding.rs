//! The input records: what a notice needs about a finding and a recipient.
//!
//! Both are this crate's own small records, so a service with its own
//! attribution can use the crate. Every string in them may come from an
//! attacker and is treated as such by every output (see [`crate::inert`]).

use chrono::{DateTime, Utc};

/// An IntelMQ classification (`classification.taxonomy`, `.type`, `.identifier`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[non_exhaustive]
pub struct Classification {
    /// `classification.taxonomy`, e.g. `vulnerable`.
    pub taxonomy: String,
    /// `classification.type`, e.g. `vulnerable-system`.
    pub kind: String,
    /// `classification.identifier`, e.g. `accessible-rdp`.
    pub identifier: String,
}

impl Classification {
    /// A classification from its three parts.
    pub fn new(
        taxonomy: impl Into<String>,
        kind: impl Into<String>,
        identifier: impl Into<String>,
    ) -> Self {
        Self {
            taxonomy: taxonomy.into(),
            kind: kind.into(),
            identifier: identifier.into(),
        }
    }
}

/// One finding from a scanner feed: what was seen, where and when.
///
/// Build it with [`Finding::new`] and the `with_*` methods, or set the public
/// fields directly on a value from `new`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[non_exhaustive]
pub struct Finding {
    /// The IP address as written in the feed (may be empty, e.g. for leaked
    /// credentials, which name an account instead).
    pub ip: String,
    /// The port, when the feed has one.
    pub port: Option<u16>,
    /// Transport protocol (`tcp`, `udp`), may be empty.
    pub protocol: String,
    /// The report type, e.g. Shadowserver's `scan_rdp` (may be empty).
    pub report_type: String,
    /// Tags as in the feed; one element may hold several tags separated by
    /// `;` or `,` (as Shadowserver writes them).
    pub tags: Vec<String>,
    /// The IntelMQ classification, when the feed had one.
    pub classification: Option<Classification>,
    /// When the scanner saw it; `None` when the feed did not say (shown as "time unknown",
    /// never replaced by another time).
    pub observed: Option<DateTime<Utc>>,
    /// Source feed name (e.g. the file name `scan_rdp.csv`).
    pub feed: String,
    /// Line of the finding in the feed, 1-based (0 when unknown).
    pub line: u64,
    /// The asset a person recognises: hostname, PTR name, URL, account.
    pub asset: String,
    /// Further scanner fields, in feed order, shown as technical details.
    pub extra: Vec<(String, String)>,
}

impl Finding {
    /// A finding of `report_type` about `ip`, observed at `observed`.
    pub fn new(
        ip: impl Into<String>,
        report_type: impl Into<String>,
        observed: DateTime<Utc>,
    ) -> Self {
        Self {
            ip: ip.into(),
            port: None,
            protocol: String::new(),
            report_type: report_type.into(),
            tags: Vec::new(),
            classification: None,
            observed: Some(observed),
            feed: String::new(),
            line: 0,
            asset: String::new(),
            extra: Vec::new(),
        }
    }

    /// Sets the observation time; `None` when the feed gave none.
    pub fn with_observed(mut self, observed: Option<DateTime<Utc>>) -> Self {
        self.observed = observed;
        self
    }

    /// Sets the port.
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Sets the transport protocol.
    pub fn with_protocol(mut self, protocol: impl Into<String>) -> Self {
        self.protocol = protocol.into();
        self
    }

    /// Adds a tag (or a `;`/`,` separated list of tags).
    pub fn with_tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Sets the IntelMQ classification.
    pub fn with_classification(mut self, classification: Classification) -> Self {
        self.classification = Some(classification);
        self
    }

    /// Sets the source feed and line.
    pub fn with_source(mut self, feed: impl Into<String>, line: u64) -> Self {
        self.feed = feed.into();
        self.line = line;
        self
    }

    /// Sets the asset name (hostname, PTR, URL, account).
    pub fn with_asset(mut self, asset: impl Into<String>) -> Self {
        self.asset = asset.into();
        self
    }

    /// Adds an extra scanner field.
    pub fn with_extra(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((key.into(), value.into()));
        self
    }

    /// The tags one by one: split on `;` and `,`, trimmed, lower-cased,
    /// empty ones left out, at most [`crate::limits::MAX_TAGS`].
    pub fn normalised_tags(&self) -> Vec<String> {
        self.tags
            .iter()
            .flat_map(|t| t.split([';', ',']))
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .take(crate::limits::MAX_TAGS)
            .collect()
    }
}

/// Who a notice goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[non_exhaustive]
pub struct Recipient {
    /// The e-mail address. Compared case-insensitively when findings are
    /// aggregated.
    pub address: String,
    /// The organisation's name, when known (may be empty).
    pub organisation: String,
    /// Language preferences, best first, as language tags (`nl`, `en-GB`),
    /// e.g. from security.txt `Preferred-Languages`.
    pub languages: Vec<String>,
    /// How the address was found (`securitytxt`, `whois-org`, ...), shown
    /// in the notice so the reader knows why it reached them.
    pub via: String,
}

impl Recipient {
    /// A recipient with only an address.
    pub fn new(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            organisation: String::new(),
            languages: Vec::new(),
            via: String::new(),
        }
    }

    /// Sets the organisation name.
    pub fn with_organisation(mut self, organisation: impl Into<String>) -> Self {
        self.organisation = organisation.into();
        self
    }

    /// Sets the language preferences, best first.
    pub fn with_languages<I, S>(mut self, languages: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.languages = languages.into_iter().map(Into::into).collect();
        self
    }

    /// Sets how the address was found.
    pub fn with_via(mut self, via: impl Into<String>) -> Self {
        self.via = via.into();
        self
    }
}
