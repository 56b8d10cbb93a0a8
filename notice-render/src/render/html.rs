//! The templates' formatter. HTML: every value escaped with
//! [`crate::inert::escape_html`] (values a template marks `|safe` are
//! written as they are: the built-in templates never do). Text: strings as
//! they are, anything else as minijinja writes it.

use minijinja::value::Value;
use minijinja::{AutoEscape, Error, Output, State, escape_formatter};

use crate::inert::escape_html;

pub(super) fn formatter(
    out: &mut Output<'_>,
    state: &mut State<'_, '_>,
    value: &Value,
) -> Result<(), Error> {
    if matches!(state.auto_escape(), AutoEscape::Html) && !value.is_safe() {
        match value.as_str() {
            Some(s) => out.write_str(&escape_html(s)),
            None if value.is_none() || value.is_undefined() => Ok(()),
            None => out.write_str(&escape_html(&value.to_string())),
        }
        .map_err(Error::from)
    } else if let Some(s) = value
        .as_str()
        .filter(|_| !matches!(state.auto_escape(), AutoEscape::Html))
    {
        // a string in a text template is written as it is: what
        // `escape_formatter` writes too, without the formatting machinery
        out.write_str(s).map_err(Error::from)
    } else {
        escape_formatter(out, state, value)
    }
}
