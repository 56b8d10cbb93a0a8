//! The notice language a decision names: one of the languages the notice catalogue is
//! written in, chosen by the policy (an override's language, the business's security.txt
//! `Preferred-Languages`, else [`Policy::default_language`](super::Policy::default_language)).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind};

/// A language notices are written in; `decisions.jsonl` names it by its tag
/// ([`Self::as_tag`]).
///
/// ```
/// use ip_attribution::Language;
/// assert_eq!(" NL ".parse::<Language>().ok(), Some(Language::Nl));
/// assert_eq!(Language::En.as_tag(), "en");
/// assert!("nl-BE".parse::<Language>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
#[non_exhaustive]
pub enum Language {
    /// Dutch, `nl`.
    Nl,
    /// English, `en` (the default).
    #[default]
    En,
}

impl Language {
    /// Every language, in catalogue order.
    pub const ALL: [Language; 2] = [Language::Nl, Language::En];

    /// The tag `decisions.jsonl` writes: `nl` or `en`.
    pub fn as_tag(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }

    /// The language whose tag is exactly `tag` (lower case, no spaces), as evidence that is
    /// already normalised names it.
    pub(crate) fn of_exact_tag(tag: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.as_tag() == tag)
    }
}

impl FromStr for Language {
    type Err = Error;

    /// `nl` or `en`, in any case, spaces around ignored; a longer tag (`nl-BE`) is not one.
    ///
    /// # Errors
    /// An [`Error`] of kind [`ErrorKind::Input`] naming the text that is not a language.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let tag = s.trim().to_lowercase();
        Language::of_exact_tag(&tag).ok_or_else(|| {
            Error::new(
                "language",
                0,
                ErrorKind::Input {
                    message: format!(
                        "`{}` is not a notice language (nl or en)",
                        s.chars().take(40).collect::<String>().escape_debug()
                    ),
                },
            )
        })
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_tag())
    }
}
