//! BCP 47 (RFC 5646) language tag syntax, for `Preferred-Languages`.

/// Irregular grandfathered tags that do not follow the regular grammar (RFC 5646 section 2.1).
const IRREGULAR: &[&str] = &[
    "en-gb-oed",
    "i-ami",
    "i-bnn",
    "i-default",
    "i-enochian",
    "i-hak",
    "i-klingon",
    "i-lux",
    "i-mingo",
    "i-navajo",
    "i-pwn",
    "i-tao",
    "i-tay",
    "i-tsu",
    "sgn-be-fr",
    "sgn-be-nl",
    "sgn-ch-de",
];

fn alpha(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphabetic())
}

fn digit(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// `true` when `tag` is a well-formed BCP 47 language tag (RFC 5646 section 2.1 syntax) whose
/// primary language subtag has two or three letters (no longer one is registered), or a private
/// use or grandfathered tag. The registry is not otherwise consulted. Case does not matter.
pub fn is_language_tag(tag: &str) -> bool {
    // The common case, a bare two- or three-letter language ("en", "nld"), needs no more.
    if matches!(tag.len(), 2 | 3) && alpha(tag) {
        return true;
    }
    if tag.is_empty()
        || tag.len() > 64
        || !tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return false;
    }
    if IRREGULAR.iter().any(|g| g.eq_ignore_ascii_case(tag)) {
        return true;
    }
    let mut parts = tag.split('-').peekable();
    if parts.clone().any(|p| p.is_empty() || p.len() > 8) {
        return false;
    }
    let Some(first) = parts.next() else {
        return false;
    };
    if first.eq_ignore_ascii_case("x") {
        return private_use(parts);
    }
    // language
    match first.len() {
        // 4- to 8-letter primary subtags are reserved or registered-only, and none is registered:
        // accepting them would let words like "english" through.
        2 | 3 if alpha(first) => {
            // up to three extlang subtags
            let mut n = 0;
            while n < 3 && parts.peek().is_some_and(|p| p.len() == 3 && alpha(p)) {
                parts.next();
                n += 1;
            }
        }
        _ => return false,
    }
    // script
    if parts.peek().is_some_and(|p| p.len() == 4 && alpha(p)) {
        parts.next();
    }
    // region
    if parts
        .peek()
        .is_some_and(|p| (p.len() == 2 && alpha(p)) || (p.len() == 3 && digit(p)))
    {
        parts.next();
    }
    // variants
    while parts.peek().is_some_and(|p| {
        (5..=8).contains(&p.len())
            || (p.len() == 4 && p.as_bytes().first().is_some_and(u8::is_ascii_digit))
    }) {
        parts.next();
    }
    // extensions and private use
    while let Some(p) = parts.next() {
        if p.eq_ignore_ascii_case("x") {
            return private_use(parts);
        }
        if p.len() != 1 {
            return false;
        }
        let mut n = 0;
        while parts.peek().is_some_and(|q| (2..=8).contains(&q.len())) {
            parts.next();
            n += 1;
        }
        if n == 0 {
            return false;
        }
    }
    true
}

fn private_use<'a>(mut parts: impl Iterator<Item = &'a str>) -> bool {
    let mut n = 0;
    for p in parts.by_ref() {
        if p.is_empty() || p.len() > 8 {
            return false;
        }
        n += 1;
    }
    n > 0
}

#[cfg(test)]
mod tests {
    use super::is_language_tag;

    #[test]
    fn accepts_well_formed_tags() {
        for t in [
            "en",
            "NL",
            "de-CH",
            "zh-Hant-TW",
            "sr-Latn-RS",
            "es-419",
            "de-CH-1996",
            "en-US-x-twain",
            "x-private",
            "i-klingon",
            "zh-yue",
            "en-a-bbb-x-a-ccc",
        ] {
            assert!(is_language_tag(t), "{t}");
        }
    }

    #[test]
    fn rejects_malformed_tags() {
        for t in [
            "",
            "e",
            "english language",
            "en_US",
            "en-",
            "-en",
            "123",
            "en-US-x",
            "en-a",
            "toolonglanguage",
            "nl NL",
            "en-a-x-y",
            "english",
            "dutch",
            "Nederlands",
        ] {
            assert!(!is_language_tag(t), "{t}");
        }
    }
}
