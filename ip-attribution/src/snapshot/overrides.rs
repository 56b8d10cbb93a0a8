//! `overrides.csv`: operator knowledge (`prefix_or_domain,organisation,contact,language`).
//!
//! A prefix row covers addresses by longest prefix; a domain row applies when the evidence names
//! that domain. Rows that cannot be used are reported with file and line.

use std::collections::HashMap;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::engine::decision::is_email;
use crate::engine::evidence::Override;
use crate::feed::csv::CsvRecords;

/// Most override rows read.
pub const MAX_OVERRIDES: usize = 1_000_000;

/// Parsed overrides.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    prefixes: Vec<(IpNet, Override)>,
    domains: HashMap<String, Override>,
}

impl Overrides {
    /// Parses `overrides.csv` (`name` is its file name). Returns the table and the problems.
    pub fn parse(name: &str, bytes: &[u8]) -> (Self, Vec<String>) {
        let mut out = Self::default();
        let mut problems = Vec::new();
        let mut records = CsvRecords::new(bytes);
        let header = records.next();
        let cols: Vec<String> = match header.map(|h| h.fields) {
            Some(Ok(h)) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
            _ => {
                problems.push(format!("{name}:1: no header row"));
                return (out, problems);
            }
        };
        let col = |n: &str| cols.iter().position(|c| c == n);
        let key_col = col("prefix_or_domain").unwrap_or(0);
        let org_col = col("organisation")
            .or_else(|| col("organization"))
            .unwrap_or(1);
        let contact_col = col("contact").unwrap_or(2);
        let lang_col = col("language").unwrap_or(3);
        for (n, rec) in records.enumerate() {
            if n >= MAX_OVERRIDES {
                problems.push(format!(
                    "{name}:{}: more than {MAX_OVERRIDES} rows; rest ignored",
                    rec.line
                ));
                break;
            }
            let fields = match rec.fields {
                Ok(f) => f,
                Err(e) => {
                    problems.push(format!("{name}:{}: {e}", rec.line));
                    continue;
                }
            };
            let get = |i: usize| {
                fields
                    .get(i)
                    .map(|s| s.trim().to_owned())
                    .unwrap_or_default()
            };
            let key = get(key_col);
            if key.is_empty() {
                problems.push(format!("{name}:{}: empty prefix_or_domain", rec.line));
                continue;
            }
            let contact = get(contact_col);
            if !contact.is_empty() && !is_email(&contact) {
                // Kept as evidence (the decision names it), but it gives nobody a notice: said
                // here, with its line, and counted, never dropped in silence.
                problems.push(format!(
                    "{name}:{}: contact {contact:?} is not a usable e-mail address (one `@`, a \
                     domain with a dot; no quoted local part, blanks, control characters or \
                     `( ) < > [ ] : ; , \\ \"`); this override gives no recipient",
                    rec.line
                ));
            }
            let o = Override {
                key: key.clone(),
                organisation: get(org_col),
                contact,
                language: get(lang_col).to_lowercase(),
                source: format!("{name}:{}", rec.line),
            };
            if let Ok(net) = key.parse::<IpNet>() {
                out.prefixes.push((net.trunc(), o));
            } else if let Ok(ip) = key.parse::<IpAddr>() {
                out.prefixes.push((IpNet::from(ip), o));
            } else if key.contains('.') && !key.contains(['/', ' ', '@']) {
                out.domains
                    .insert(key.trim_end_matches('.').to_lowercase(), o);
            } else {
                problems.push(format!(
                    "{name}:{}: {key:?} is neither a prefix nor a domain",
                    rec.line
                ));
            }
        }
        (out, problems)
    }

    /// Number of rows held.
    pub fn len(&self) -> usize {
        self.prefixes.len() + self.domains.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The longest prefix covering `ip`.
    pub fn for_ip(&self, ip: IpAddr) -> Option<&Override> {
        self.prefixes
            .iter()
            .filter(|(n, _)| n.contains(&ip))
            .max_by_key(|(n, _)| n.prefix_len())
            .map(|(_, o)| o)
    }

    /// The override of `domain` or of a parent domain of it.
    pub fn for_domain(&self, domain: &str) -> Option<&Override> {
        let d = domain.trim_end_matches('.').to_lowercase();
        let mut rest = d.as_str();
        loop {
            if let Some(o) = self.domains.get(rest) {
                return Some(o);
            }
            rest = rest.split_once('.')?.1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_and_domains() {
        let text = "prefix_or_domain,organisation,contact,language\n10.0.0.0/8,Big,big@x.example,\n10.1.0.0/16,Small,small@x.example,nl\nshop.example,Shop,s@shop.example,en\n???,bad,,\n";
        let (o, problems) = Overrides::parse("overrides.csv", text.as_bytes());
        assert_eq!(o.len(), 3);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("overrides.csv:5:"));
        let ip = |s: &str| s.parse::<IpAddr>().ok();
        assert_eq!(
            ip("10.1.2.3")
                .and_then(|i| o.for_ip(i))
                .map(|o| o.organisation.as_str()),
            Some("Small")
        );
        assert_eq!(
            ip("10.2.2.3")
                .and_then(|i| o.for_ip(i))
                .map(|o| o.organisation.as_str()),
            Some("Big")
        );
        assert!(ip("11.0.0.1").and_then(|i| o.for_ip(i)).is_none());
        assert_eq!(
            o.for_domain("shop.example").map(|o| o.language.as_str()),
            Some("en")
        );
        assert!(o.for_domain("other.example").is_none());
    }
}

#[cfg(test)]
mod contact_tests {
    use super::*;

    /// `/` and the other `atext` characters are e-mail addresses (an override with one once
    /// gave no notice, silently); a contact that is no usable address is a problem with its
    /// line, and its row is still kept as evidence.
    #[test]
    fn contacts_with_atext_are_taken_and_unusable_ones_are_problems() {
        for ok in [
            "soc/noc@x.example",
            "a..b@x.example",
            ".a@x.example",
            "~!#$%&'*+=?^_`{|}@x.example",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "\"a\\\\b\"@x.example",
            "a\\b@x.example",
            "a b@x.example",
            "a@b@x.example",
            "a\0b@x.example",
            "a\u{202e}b@x.example",
            "a@x.example/form",
            "https://x.example/report",
            "a@localhost",
        ] {
            assert!(!is_email(bad), "{bad:?}");
        }
        assert!(!is_email(&format!("{}@x.example", "a".repeat(250))));
        let text = "prefix_or_domain,organisation,contact,language\n10.0.0.0/8,A,a/b@x.example,\n10.1.0.0/16,B,a b@x.example,\n10.2.0.0/16,C,,\n";
        let (o, problems) = Overrides::parse("overrides.csv", text.as_bytes());
        assert_eq!(o.len(), 3);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("overrides.csv:3: contact \"a b@x.example\""));
    }
}
