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
    /// The organisation that scanned and reported it (e.g. `The Shadowserver
    /// Foundation`), named in the technical part; may be empty. (A boxed `str`: a day holds
    /// a million findings, and most share one reporter or have none.)
    #[cfg_attr(feature = "serde", serde(default))]
    pub reporter: Box<str>,
    /// The customer the attribution identified behind this address, for a
    /// notice to a network owner's abuse desk (see [`RecipientRole`]). Boxed: most findings
    /// have none, and an inline customer would add 72 bytes to each of a day's findings.
    #[cfg_attr(feature = "serde", serde(default))]
    pub customer: Option<Box<Customer>>,
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
            reporter: Box::default(),
            customer: None,
        }
    }

    /// Sets the organisation that scanned and reported the finding.
    pub fn with_reporter(mut self, reporter: impl Into<String>) -> Self {
        self.reporter = reporter.into().into_boxed_str();
        self
    }

    /// Sets the customer identified behind the address.
    pub fn with_customer(mut self, customer: Customer) -> Self {
        self.customer = Some(Box::new(customer));
        self
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

/// One piece of evidence that named a [`Customer`]: what kind it is and
/// what it says (e.g. `ptr`, `tandarts-voorbeeld.nl`; `registry-customer`,
/// `Tandarts Voorbeeld`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[non_exhaustive]
pub struct Evidence {
    /// The kind (`registry-customer`, `ptr`, `cert`, `securitytxt`, ...).
    pub kind: String,
    /// What it says.
    pub value: String,
}

impl Evidence {
    /// Evidence of `kind` saying `value`.
    pub fn new(kind: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            value: value.into(),
        }
    }
}

/// The business the attribution identified behind an address, named in a
/// notice to the network owner so its abuse desk knows which customer to
/// forward it to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[non_exhaustive]
pub struct Customer {
    /// The organisation's name (may be empty when only a domain was found).
    pub organisation: String,
    /// Its registrable domain, when the evidence names one (may be empty).
    pub domain: String,
    /// The evidence that named it, strongest first.
    #[cfg_attr(feature = "serde", serde(default))]
    pub evidence: Vec<Evidence>,
}

impl Customer {
    /// A customer with an organisation name and a domain (either may be empty).
    pub fn new(organisation: impl Into<String>, domain: impl Into<String>) -> Self {
        Self {
            organisation: organisation.into(),
            domain: domain.into(),
            evidence: Vec::new(),
        }
    }

    /// Adds a piece of evidence.
    pub fn with_evidence(mut self, kind: impl Into<String>, value: impl Into<String>) -> Self {
        self.evidence.push(Evidence::new(kind, value));
        self
    }
}

/// What the recipient is to the systems in the notice, which decides the
/// notice kind: a business gets the notice written for a small business, a
/// network owner (a hosting company's or ISP's abuse desk) the abuse-desk
/// notice that names the customer and asks to forward or act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum RecipientRole {
    /// The business that runs the systems (its security.txt contact, its
    /// own registry entry, an operator override).
    #[default]
    Business,
    /// The owner of the network the systems are in: its abuse desk.
    NetworkOwner,
}

impl RecipientRole {
    /// The role for an attribution `via` value: the network-level contacts
    /// of the ip-attribution engine (`network-abuse-c`,
    /// `whois-abuse-comment`, `rdap-abuse`, `asn-abuse`, and any other
    /// value ending in `-abuse` or `-abuse-c`) are network owners; every
    /// other value, and none, is the business.
    ///
    /// ```
    /// use notice_render::RecipientRole;
    /// assert_eq!(RecipientRole::from_via("rdap-abuse"), RecipientRole::NetworkOwner);
    /// assert_eq!(RecipientRole::from_via("securitytxt"), RecipientRole::Business);
    /// ```
    pub fn from_via(via: &str) -> RecipientRole {
        let v = via.trim().to_ascii_lowercase();
        let network = matches!(
            v.as_str(),
            "network-abuse-c" | "whois-abuse-comment" | "rdap-abuse" | "asn-abuse"
        ) || v.ends_with("-abuse")
            || v.ends_with("-abuse-c");
        if network {
            RecipientRole::NetworkOwner
        } else {
            RecipientRole::Business
        }
    }

    /// `business` or `network-owner`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecipientRole::Business => "business",
            RecipientRole::NetworkOwner => "network-owner",
        }
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
    /// What the recipient is to the systems: decides the notice kind.
    /// [`Recipient::with_via`] sets it from the via value
    /// ([`RecipientRole::from_via`]); [`Recipient::with_role`] sets it
    /// explicitly.
    #[cfg_attr(feature = "serde", serde(default))]
    pub role: RecipientRole,
}

impl Recipient {
    /// A recipient with only an address.
    pub fn new(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            organisation: String::new(),
            languages: Vec::new(),
            via: String::new(),
            role: RecipientRole::Business,
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

    /// Sets how the address was found, and the role that follows from it
    /// ([`RecipientRole::from_via`]).
    pub fn with_via(mut self, via: impl Into<String>) -> Self {
        self.via = via.into();
        self.role = RecipientRole::from_via(&self.via);
        self
    }

    /// Sets the role explicitly (after [`Recipient::with_via`], which sets it too).
    pub fn with_role(mut self, role: RecipientRole) -> Self {
        self.role = role;
        self
    }
}
