//! The languages of the catalogue, and choosing one for a recipient.

use crate::limits::MAX_LANGUAGE_PREFERENCES;

/// A language the catalogue and templates are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Language {
    /// Dutch.
    Nl,
    /// English.
    En,
}

impl Language {
    /// Every language, in catalogue order.
    pub const ALL: [Language; 2] = [Language::Nl, Language::En];

    /// The ISO 639-1 code: `nl`, `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }

    /// The language of a language tag (`nl`, `NL`, `nl-BE`, `en_GB`),
    /// compared case-insensitively on its primary subtag.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("nl") {
            Some(Language::Nl)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Language::En)
        } else {
            None
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The first of `preferences` the catalogue has, else `default`.
///
/// Each preference may itself be a comma-separated list (the raw value of
/// security.txt `Preferred-Languages`). At most
/// [`MAX_LANGUAGE_PREFERENCES`] tags are looked at.
///
/// ```
/// use notice_render::{choose_language, Language};
/// assert_eq!(choose_language(&["de", "NL-be"], Language::En), Language::Nl);
/// assert_eq!(choose_language(&["fr, en"], Language::Nl), Language::En);
/// assert_eq!(choose_language::<&str>(&[], Language::En), Language::En);
/// ```
pub fn choose_language<S: AsRef<str>>(preferences: &[S], default: Language) -> Language {
    preferences
        .iter()
        .flat_map(|p| p.as_ref().split(','))
        .take(MAX_LANGUAGE_PREFERENCES)
        .find_map(Language::from_tag)
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preference_cap_just_under_and_over() {
        let mut prefs = vec!["de".to_string(); MAX_LANGUAGE_PREFERENCES - 1];
        prefs.push("nl".into());
        assert_eq!(choose_language(&prefs, Language::En), Language::Nl);
        let mut prefs = vec!["de".to_string(); MAX_LANGUAGE_PREFERENCES];
        prefs.push("nl".into());
        assert_eq!(choose_language(&prefs, Language::En), Language::En);
    }

    #[test]
    fn tags_match_case_insensitively() {
        assert_eq!(Language::from_tag("NL"), Some(Language::Nl));
        assert_eq!(Language::from_tag(" en-GB "), Some(Language::En));
        assert_eq!(Language::from_tag("nld"), None);
        assert_eq!(Language::from_tag(""), None);
    }
}
