//! Provider, CDN and device-vendor knowledge and the engine's weights, as data.
//!
//! The built-in table is `data/knowledge.txt` (embedded at compile time); [`Knowledge::parse`]
//! reads the same format from any text so an operator can extend it.

use std::collections::HashSet;

use crate::Error;

/// The embedded knowledge file.
pub const BUILTIN: &str = include_str!("../../data/knowledge.txt");

/// Most entries one knowledge text may hold.
pub const MAX_ENTRIES: usize = 100_000;

/// Weights, thresholds and name lists the policy consults.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Knowledge {
    /// Weight of a customer assignment in the registry.
    pub weight_registry_customer: f64,
    /// Weight of a forward-confirmed, non-generic PTR name.
    pub weight_ptr: f64,
    /// Weight of a trusted OV certificate.
    pub weight_cert_ov: f64,
    /// Weight of a trusted DV certificate.
    pub weight_cert_dv: f64,
    /// A certificate spanning at least this many registrable domains is a shared CDN one.
    pub cdn_cert_domains: usize,
    /// A PTR domain used by generic names of at least this many addresses is a provider's.
    pub provider_ptr_addresses: usize,
    cdn: HashSet<String>,
    vendor: HashSet<String>,
    generic: HashSet<String>,
    placeholder_name: Vec<String>,
    placeholder_org: HashSet<String>,
    placeholder_status: HashSet<String>,
    placeholder_email: HashSet<String>,
    allocation: HashSet<String>,
    assignment: HashSet<String>,
    legal: HashSet<String>,
}

impl Default for Knowledge {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Knowledge {
    /// The embedded table.
    pub fn builtin() -> Self {
        // The embedded file is tested to parse; fall back to an empty table rather than panic.
        Self::parse(BUILTIN).unwrap_or_else(|_| Self::empty())
    }

    fn empty() -> Self {
        Self {
            weight_registry_customer: 1.0,
            weight_ptr: 1.0,
            weight_cert_ov: 1.0,
            weight_cert_dv: 1.0,
            cdn_cert_domains: 4,
            provider_ptr_addresses: 3,
            cdn: HashSet::new(),
            vendor: HashSet::new(),
            generic: HashSet::new(),
            placeholder_name: Vec::new(),
            placeholder_org: HashSet::new(),
            placeholder_status: HashSet::new(),
            placeholder_email: HashSet::new(),
            allocation: HashSet::new(),
            assignment: HashSet::new(),
            legal: HashSet::new(),
        }
    }

    /// Parses a knowledge text (`<section> <value>` per line, `#` comments).
    pub fn parse(text: &str) -> Result<Self, Error> {
        let mut k = Self::empty();
        let bad = |line: usize, message: String| Error::Input {
            source_name: "knowledge".to_owned(),
            line,
            message,
        };
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let l = raw.split('#').next().unwrap_or("").trim();
            if l.is_empty() {
                continue;
            }
            if i >= MAX_ENTRIES {
                return Err(bad(line, format!("more than {MAX_ENTRIES} lines")));
            }
            let (section, value) = l
                .split_once(char::is_whitespace)
                .ok_or_else(|| bad(line, "expected `<section> <value>`".to_owned()))?;
            let value = value.trim().to_lowercase();
            let num = |v: &str| -> Result<f64, Error> {
                v.split_whitespace()
                    .nth(1)
                    .and_then(|n| n.parse::<f64>().ok())
                    .ok_or_else(|| bad(line, format!("expected a number in {v:?}")))
            };
            match section {
                "weight" => {
                    let w = num(&value)?;
                    match value.split_whitespace().next() {
                        Some("registry-customer") => k.weight_registry_customer = w,
                        Some("ptr-confirmed") => k.weight_ptr = w,
                        Some("cert-ov") => k.weight_cert_ov = w,
                        Some("cert-dv") => k.weight_cert_dv = w,
                        _ => return Err(bad(line, format!("unknown weight {value:?}"))),
                    }
                }
                "threshold" => {
                    let n = num(&value)? as usize;
                    match value.split_whitespace().next() {
                        Some("cdn-cert-domains") => k.cdn_cert_domains = n.max(2),
                        Some("provider-ptr-addresses") => k.provider_ptr_addresses = n.max(2),
                        _ => return Err(bad(line, format!("unknown threshold {value:?}"))),
                    }
                }
                "cdn" => {
                    k.cdn.insert(value);
                }
                "vendor" => {
                    k.vendor.insert(value);
                }
                "generic" => {
                    k.generic.insert(value);
                }
                "placeholder-name" => k.placeholder_name.push(value),
                "placeholder-org" => {
                    k.placeholder_org.insert(value);
                }
                "placeholder-status" => {
                    k.placeholder_status.insert(value);
                }
                "placeholder-email" => {
                    k.placeholder_email.insert(value);
                }
                "allocation" => {
                    k.allocation.insert(value);
                }
                "assignment" => {
                    k.assignment.insert(value);
                }
                "legal" => {
                    k.legal.insert(value);
                }
                other => return Err(bad(line, format!("unknown section {other:?}"))),
            }
        }
        Ok(k)
    }

    /// True for a CDN's certificate subject organisation.
    pub fn is_cdn_org(&self, org: &str) -> bool {
        self.cdn.contains(&org.trim().to_lowercase())
    }

    /// True for a device vendor's name (default certificates).
    pub fn is_vendor_org(&self, org: &str) -> bool {
        let o = org.trim().to_lowercase();
        self.vendor.contains(&o)
            || o.split([' ', ','])
                .next()
                .is_some_and(|w| self.vendor.contains(w))
    }

    /// True for a PTR label token that marks a generic name.
    pub fn is_generic_token(&self, token: &str) -> bool {
        self.generic.contains(&token.to_lowercase())
    }

    /// True for a placeholder network (by netname, org handle or status).
    pub fn is_placeholder_network(&self, name: &str, org: &str, status: &str) -> bool {
        let n = name.trim().to_lowercase();
        self.placeholder_name.iter().any(|p| {
            if p.ends_with('-') {
                n.starts_with(p.as_str())
            } else {
                n == *p
            }
        }) || (!org.is_empty() && self.placeholder_org.contains(&org.trim().to_lowercase()))
            || self
                .placeholder_status
                .contains(&status.trim().to_lowercase())
    }

    /// True for a placeholder e-mail address.
    pub fn is_placeholder_email(&self, email: &str) -> bool {
        self.placeholder_email
            .contains(&email.trim().to_lowercase())
    }

    /// Classifies a registry status.
    pub fn role_of_status(&self, status: &str) -> super::evidence::NetworkRole {
        let s = status.trim().to_lowercase();
        if self.allocation.contains(&s) {
            super::evidence::NetworkRole::Allocation
        } else if self.assignment.contains(&s) {
            super::evidence::NetworkRole::Assignment
        } else {
            super::evidence::NetworkRole::Unknown
        }
    }

    /// Significant words of an organisation name: lower case, legal forms dropped.
    pub fn name_words(&self, name: &str) -> Vec<String> {
        name.to_lowercase()
            .split(|c: char| !c.is_alphanumeric() && c != '.')
            .map(|w| w.trim_matches('.'))
            .filter(|w| !w.is_empty() && !self.legal.contains(*w))
            .map(|w| {
                w.chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            })
            .filter(|w| !w.is_empty() && !self.legal.contains(w.as_str()))
            .collect()
    }
}

/// The consonant skeleton of a word (ASCII letters and digits without vowels), so that
/// transliterations (`müller`/`mueller`/`muller`) compare equal.
pub fn skeleton(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .filter(|c| !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::evidence::NetworkRole;

    #[test]
    fn builtin_parses() {
        let k = Knowledge::parse(BUILTIN);
        assert!(k.is_ok(), "{k:?}");
        let k = Knowledge::builtin();
        assert!(k.is_vendor_org("Fortinet"));
        assert!(k.is_cdn_org("Cloudflare, Inc."));
        assert!(k.is_generic_token("static"));
        assert!(k.is_placeholder_network("IANA-BLK", "", ""));
        assert!(k.is_placeholder_network("EU-ZZ-123", "", ""));
        assert!(k.is_placeholder_email("unread@ripe.net"));
        assert_eq!(k.role_of_status("ASSIGNED PA"), NetworkRole::Assignment);
        assert_eq!(
            k.role_of_status("SUB-ALLOCATED PA"),
            NetworkRole::Allocation
        );
        assert_eq!(
            k.name_words("Drukkerij Claassen B.V."),
            ["drukkerij", "claassen"]
        );
    }

    #[test]
    fn bad_lines_are_errors() {
        assert!(Knowledge::parse("nonsense").is_err());
        assert!(Knowledge::parse("weight ptr-confirmed x").is_err());
        assert!(Knowledge::parse("frobnicate x").is_err());
    }

    #[test]
    fn skeletons_match_transliterations() {
        assert_eq!(skeleton("muller"), skeleton("mueller"));
        assert_eq!(skeleton("backerei"), skeleton("baeckerei"));
    }
}
