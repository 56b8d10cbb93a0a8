//! Plain text: hard-wrapped to [`TEXT_COLUMNS`] after rendering.

use crate::limits::TEXT_COLUMNS;

/// Wraps every line of `text` to at most [`TEXT_COLUMNS`] characters
/// (Unicode scalar values). Lines break at spaces; a word longer than a line
/// is cut. Continuation lines keep the line's indent, and list items
/// (`- `, `* `, `1. `) hang under their text. Trailing spaces are removed.
///
/// ```
/// let long = "word ".repeat(40);
/// let wrapped = notice_render::render::wrap(&format!("  - {long}"));
/// assert!(wrapped.lines().all(|l| l.chars().count() <= 78));
/// assert!(wrapped.lines().nth(1).unwrap().starts_with("    word"));
/// ```
pub fn wrap(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for line in text.split('\n') {
        wrap_line(line.trim_end(), &mut out);
        out.push('\n');
    }
    // split gives one more piece than there are line ends
    out.pop();
    out
}

fn hang(line: &str) -> usize {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let marker = if rest.starts_with("- ") || rest.starts_with("* ") {
        2
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest.get(digits..digits + 2) == Some(". ") {
            digits + 2
        } else {
            0
        }
    };
    (indent + marker).min(TEXT_COLUMNS / 2)
}

fn wrap_line(line: &str, out: &mut String) {
    if line.chars().count() <= TEXT_COLUMNS {
        out.push_str(line);
        return;
    }
    let hang = hang(line);
    let indent = line.len() - line.trim_start_matches(' ').len();
    let pad: String = " ".repeat(hang);
    let mut col = 0usize;
    let mut first = true;
    // the first line keeps its own indent
    out.push_str(&line[..indent.min(TEXT_COLUMNS / 2)]);
    col += indent.min(TEXT_COLUMNS / 2);
    for word in line[indent..].split(' ').filter(|w| !w.is_empty()) {
        let mut word = word;
        loop {
            let wlen = word.chars().count();
            let needed = if first { wlen } else { wlen + 1 };
            if col + needed <= TEXT_COLUMNS {
                if !first {
                    out.push(' ');
                }
                out.push_str(word);
                col += needed;
                first = false;
                break;
            }
            if !first || col > hang {
                // start a new line
                out.push('\n');
                out.push_str(&pad);
                col = hang;
                first = true;
                if wlen <= TEXT_COLUMNS - hang {
                    continue;
                }
            }
            // the word does not fit on an empty line: cut it
            let room = TEXT_COLUMNS - col;
            let cut = word.char_indices().nth(room).map_or(word.len(), |(i, _)| i);
            out.push_str(&word[..cut]);
            word = &word[cut..];
            out.push('\n');
            out.push_str(&pad);
            col = hang;
            first = true;
            if word.is_empty() {
                break;
            }
        }
    }
    // remove the padding of an empty last line
    while out.ends_with(' ') {
        out.pop();
    }
    if out.ends_with('\n') {
        out.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_unchanged() {
        assert_eq!(wrap("a\n\n  b  \nc"), "a\n\n  b\nc");
    }

    #[test]
    fn exactly_78_and_79() {
        let l78 = "x".repeat(78);
        assert_eq!(wrap(&l78), l78);
        let l79 = "x".repeat(79);
        let w = wrap(&l79);
        assert_eq!(w.lines().count(), 2);
        assert!(w.lines().all(|l| l.chars().count() <= 78));
    }

    #[test]
    fn long_word_in_list_is_cut_and_hangs() {
        let w = wrap(&format!("   12. {}", "é".repeat(200)));
        for l in w.lines() {
            assert!(l.chars().count() <= 78, "{l}");
        }
        assert_eq!(w.chars().filter(|c| *c == 'é').count(), 200);
    }
}
