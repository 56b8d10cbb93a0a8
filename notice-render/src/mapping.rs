//! From a finding to a catalogue entry: `catalogue/mapping.toml`.

use serde::Deserialize;
use toml::Spanned;

use crate::catalogue::toml_error;
use crate::error::{Error, Result, line_of};
use crate::finding::Finding;
use crate::limits::MAX_RULES;

/// One rule of the mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rule {
    /// The entry this rule maps to.
    pub entry: String,
    /// Report types, lower-case.
    pub report_types: Vec<String>,
    /// Tags, lower-case.
    pub tags: Vec<String>,
    /// IntelMQ classification patterns, each 1 to 3 parts, `*` for any.
    pub classifications: Vec<Vec<String>>,
    /// Line of the rule in the mapping file.
    pub line: usize,
}

impl Rule {
    /// True when the finding matches this rule (given its normalised tags).
    fn matches(&self, finding: &Finding, tags: &[String]) -> bool {
        if self
            .report_types
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&finding.report_type))
        {
            return true;
        }
        if self.tags.iter().any(|t| tags.contains(t)) {
            return true;
        }
        if let Some(c) = &finding.classification {
            let parts = [&c.taxonomy, &c.kind, &c.identifier];
            return self
                .classifications
                .iter()
                .any(|pattern| classification_matches(pattern, parts));
        }
        false
    }
}

/// True when `pattern` (1 to 3 parts, `*` for any) matches the classification `parts`
/// (taxonomy, type, identifier). A part the event leaves empty is unknown and does not
/// contradict the pattern, so an IntelMQ event with only `classification.identifier` maps by
/// its identifier; but at least one concrete part of the pattern must be matched by a value
/// the event does give.
fn classification_matches(pattern: &[String], parts: [&String; 3]) -> bool {
    let mut matched = false;
    for (p, v) in pattern.iter().zip(parts) {
        let v = v.trim();
        if p == "*" || v.is_empty() {
            continue;
        }
        if !p.eq_ignore_ascii_case(v) {
            return false;
        }
        matched = true;
    }
    matched || pattern.iter().all(|p| p == "*")
}

/// The ordered rules and the fallback.
///
/// The mapping is data: an ordered list of rules, the first that matches
/// wins, and a fallback entry for findings no rule matches.
///
/// ```toml
/// fallback = "generic"
///
/// [[rule]]
/// entry = "zimbra-cve-2024-45519"
/// tags = ["cve-2024-45519", "zimbra"]
///
/// [[rule]]
/// entry = "exposed-rdp"
/// report_types = ["scan_rdp", "scan6_rdp"]
/// classifications = ["vulnerable/*/accessible-rdp"]
/// ```
///
/// A rule matches a finding when any of its lists has a hit:
/// - `report_types`: the finding's report type (Shadowserver `scan_rdp`...),
///   compared case-insensitively;
/// - `tags`: one of the finding's tags (split on `;` and `,`, see
///   [`Finding::normalised_tags`]), case-insensitively;
/// - `classifications`: IntelMQ `taxonomy/type/identifier`, where a part may
///   be `*` and a shorter pattern (`taxonomy/type`) matches any identifier. A
///   part the event leaves empty does not contradict the pattern: an event
///   with only `classification.identifier` = `accessible-rdp` matches
///   `vulnerable/*/accessible-rdp` (at least one concrete part must match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    rules: Vec<Rule>,
    fallback: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    fallback: Spanned<String>,
    #[serde(default, rename = "rule")]
    rules: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    entry: Spanned<String>,
    #[serde(default)]
    report_types: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    classifications: Vec<Spanned<String>>,
}

impl Mapping {
    /// Parses and validates a mapping file; `known` says whether an entry id exists.
    pub(crate) fn parse(file: &str, source: &str, known: &dyn Fn(&str) -> bool) -> Result<Mapping> {
        let raw: RawMapping = toml::from_str(source).map_err(|e| toml_error(file, source, &e))?;
        let err = |offset: usize, message: String| {
            Error::catalogue(file.to_string(), line_of(source, offset), message)
        };
        if !known(raw.fallback.get_ref()) {
            return Err(err(
                raw.fallback.span().start,
                format!("fallback `{}` names no entry", raw.fallback.get_ref()),
            ));
        }
        if raw.rules.len() > MAX_RULES {
            return Err(Error::too_large(
                format!("{file}: rules"),
                MAX_RULES,
                raw.rules.len(),
            ));
        }
        let mut rules = Vec::with_capacity(raw.rules.len());
        for r in &raw.rules {
            let line = line_of(source, r.span().start);
            let rr = r.get_ref();
            if !known(rr.entry.get_ref()) {
                return Err(err(
                    rr.entry.span().start,
                    format!("rule names unknown entry `{}`", rr.entry.get_ref()),
                ));
            }
            if rr.report_types.is_empty() && rr.tags.is_empty() && rr.classifications.is_empty() {
                return Err(err(
                    r.span().start,
                    "rule has no report_types, tags or classifications".to_string(),
                ));
            }
            let mut classifications = Vec::new();
            for c in &rr.classifications {
                let parts: Vec<String> = c
                    .get_ref()
                    .split('/')
                    .map(|p| p.trim().to_ascii_lowercase())
                    .collect();
                let well_formed = (1..=3).contains(&parts.len())
                    && parts.iter().all(|p| {
                        !p.is_empty()
                            && (p == "*"
                                || p.bytes()
                                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)))
                    });
                if !well_formed {
                    return Err(err(
                        c.span().start,
                        format!(
                            "classification `{}` must be taxonomy[/type[/identifier]], parts a-z 0-9 - _ . or *",
                            c.get_ref()
                        ),
                    ));
                }
                classifications.push(parts);
            }
            let lower = |v: &Vec<String>| {
                v.iter()
                    .map(|s| s.trim().to_ascii_lowercase())
                    .collect::<Vec<_>>()
            };
            rules.push(Rule {
                entry: rr.entry.get_ref().clone(),
                report_types: lower(&rr.report_types),
                tags: lower(&rr.tags),
                classifications,
                line,
            });
        }
        Ok(Mapping {
            rules,
            fallback: raw.fallback.get_ref().clone(),
        })
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The fallback entry id.
    pub fn fallback(&self) -> &str {
        &self.fallback
    }

    /// The id of the entry for `finding`: the first matching rule's, else the fallback.
    pub fn entry_for(&self, finding: &Finding) -> &str {
        let tags = finding.normalised_tags();
        self.rules
            .iter()
            .find(|r| r.matches(finding, &tags))
            .map_or(self.fallback.as_str(), |r| r.entry.as_str())
    }
}
