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
    // a line of at most TEXT_COLUMNS bytes has at most as many characters
    if line.len() <= TEXT_COLUMNS || line.chars().count() <= TEXT_COLUMNS {
        out.push_str(line);
        return;
    }
    if line.trim_start_matches(' ').contains("  ") {
        wrap_long_line(line, out, wrap_words);
    } else {
        wrap_long_line(line, out, wrap_single_spaced);
    }
}

/// Wraps a line longer than [`TEXT_COLUMNS`] characters: its own indent, then its words by
/// `words` (one of two loops that give the same result), then no padding at the end.
fn wrap_long_line(line: &str, out: &mut String, words: fn(&str, &mut Wrapping, &mut String)) {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let mut state = Wrapping {
        hang: hang(line),
        col: 0,
        first: true,
    };
    // the first line keeps its own indent
    out.push_str(&line[..indent.min(TEXT_COLUMNS / 2)]);
    state.col += indent.min(TEXT_COLUMNS / 2);
    words(&line[indent..], &mut state, out);
    // remove the padding of an empty last line
    while out.ends_with(' ') {
        out.pop();
    }
    if out.ends_with('\n') {
        out.pop();
    }
}

/// The word loop: every run of bytes other than ASCII space is a word.
fn wrap_words(rest: &str, state: &mut Wrapping, out: &mut String) {
    // Words are runs of bytes other than ASCII space (a space byte never
    // occurs inside a UTF-8 sequence); their length is counted in chars
    // (bytes that are not continuation bytes) in the same pass.
    let mut word_start: Option<usize> = None;
    let mut chars = 0usize;
    for (i, b) in rest.bytes().enumerate() {
        if b == b' ' {
            if let Some(s) = word_start.take() {
                state.place(rest.get(s..i).unwrap_or_default(), chars, out);
            }
        } else {
            if word_start.is_none() {
                word_start = Some(i);
                chars = 0;
            }
            if b & 0xC0 != 0x80 {
                chars += 1;
            }
        }
    }
    if let Some(s) = word_start {
        state.place(rest.get(s..).unwrap_or_default(), chars, out);
    }
}

/// The same greedy wrapping as [`wrap_words`] for the common case, a line
/// whose words are separated by single spaces: each output line is the
/// longest run of whole words that fits, found with one backwards search
/// instead of a pass over every word; a word longer than an empty line is
/// cut. Columns are characters, so the cut is found by [`char_cut`].
fn wrap_single_spaced(rest: &str, state: &mut Wrapping, out: &mut String) {
    let mut rest = rest;
    loop {
        let room = TEXT_COLUMNS - state.col;
        let Some(cut) = char_cut(rest, room) else {
            out.push_str(rest);
            return;
        };
        let head = rest.get(..cut).unwrap_or(rest);
        let (take, skip) = if rest.as_bytes().get(cut) == Some(&b' ') {
            // the line ends exactly at a word's end
            (cut, cut + 1)
        } else if let Some(q) = head.rfind(' ') {
            (q, q + 1)
        } else {
            // the word does not fit on an empty line: cut it
            (cut, cut)
        };
        out.push_str(rest.get(..take).unwrap_or(rest));
        rest = rest.get(skip..).unwrap_or_default();
        state.new_line(out);
    }
}

/// The byte position of character `n` of `s`, or `None` when `s` has at
/// most `n` characters.
fn char_cut(s: &str, n: usize) -> Option<usize> {
    if s.len() <= n {
        // no more characters than bytes
        return None;
    }
    if s.as_bytes().get(..=n).is_some_and(<[u8]>::is_ascii) {
        return Some(n);
    }
    // count the bytes that start a character (not 0b10xx_xxxx) instead of decoding each one
    let mut seen = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b & 0xC0 != 0x80 {
            if seen == n {
                return Some(i);
            }
            seen += 1;
        }
    }
    None
}

/// Where the wrapping of one long line stands.
struct Wrapping {
    /// Indent of continuation lines.
    hang: usize,
    /// Current column.
    col: usize,
    /// Nothing written yet on the current line (after its indent).
    first: bool,
}

impl Wrapping {
    fn new_line(&mut self, out: &mut String) {
        // the hang is at most TEXT_COLUMNS / 2 spaces
        const SPACES: &str = "                                                  ";
        out.push('\n');
        match SPACES.get(..self.hang) {
            Some(spaces) => out.push_str(spaces),
            None => out.extend(std::iter::repeat_n(' ', self.hang)),
        }
        self.col = self.hang;
        self.first = true;
    }

    /// Writes `word` (`wlen` chars, no spaces), on a new line when it does
    /// not fit, cut when it does not fit on an empty line.
    fn place(&mut self, mut word: &str, mut wlen: usize, out: &mut String) {
        loop {
            let needed = if self.first { wlen } else { wlen + 1 };
            if self.col + needed <= TEXT_COLUMNS {
                if !self.first {
                    out.push(' ');
                }
                out.push_str(word);
                self.col += needed;
                self.first = false;
                return;
            }
            if !self.first || self.col > self.hang {
                self.new_line(out);
                if wlen <= TEXT_COLUMNS - self.hang {
                    continue;
                }
            }
            // the word does not fit on an empty line: cut it
            let room = TEXT_COLUMNS - self.col;
            let cut = word.char_indices().nth(room).map_or(word.len(), |(i, _)| i);
            out.push_str(&word[..cut]);
            word = &word[cut..];
            wlen = wlen.saturating_sub(room);
            self.new_line(out);
            if word.is_empty() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The single-spaced fast path and the word loop wrap alike (a small
    /// generator of lines with ASCII and non-ASCII words of every length).
    #[test]
    fn single_spaced_path_matches_the_word_loop() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let pieces = ["a", "é", "xyz", "–", "word", "ünïcödé", "1."];
        for _ in 0..20_000 {
            let indent = next(45) as usize;
            let mut line = " ".repeat(indent);
            if next(3) == 0 {
                line.push_str("- ");
            }
            let words = 1 + next(30);
            for w in 0..words {
                if w > 0 {
                    line.push(' ');
                }
                let max = if next(10) == 0 { 120 } else { 12 };
                let len = 1 + next(max);
                for _ in 0..len {
                    line.push_str(pieces[next(pieces.len() as u64) as usize]);
                }
            }
            let slow = if line.chars().count() <= TEXT_COLUMNS {
                line.clone()
            } else {
                let mut out = String::new();
                wrap_long_line(&line, &mut out, wrap_words);
                out
            };
            assert_eq!(wrap(&line), slow, "{line:?}");
        }
    }

    proptest::proptest! {
        /// The character cut counts as `char_indices` does (the code it replaces).
        #[test]
        fn char_cut_as_char_indices(s in "[a \u{e9}\u{2013}\u{1F600}]{0,100}", n in 0usize..100) {
            proptest::prop_assert_eq!(char_cut(&s, n), s.char_indices().nth(n).map(|(i, _)| i));
        }
    }

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
